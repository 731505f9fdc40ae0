"""Corpus mode's same-event decisions without the model: events that cannot chain, the evidence
of what two articles state (people, places, days), and scores that depend on the two articles
only — the last on the real model's saved embeddings of the example articles
(``tests/data/seed_embeddings.npz``), never on made-up vectors."""
from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import AR, FA
from saved_model import SavedModel

from align.corpus import events as ev
from align.corpus import profile as pf
from align.corpus.engine import align_partition, prepare_partition
from align.corpus.events import FEATURES, events_from_pairs
from align.corpus.records import PairRecord

# -- events: clusters that cannot chain ----------------------------------------------------------

def _pairs(confirmed: list[tuple[str, str, float]], rejected: list[tuple[str, str]]) -> list[tuple[str, str, float, bool]]:
    return [(a, b, s, True) for a, b, s in confirmed] + [(a, b, 0.01, False) for a, b in rejected]


def test_one_weak_link_does_not_chain_two_events():
    """Two stories of three articles each, linked by one confirmed pair while the other candidate
    pairs between them are rejected: two events, not one."""
    inside = [("a1", "a2", 0.99), ("a1", "a3", 0.98), ("a2", "a3", 0.97), ("b1", "b2", 0.99), ("b1", "b3", 0.98), ("b2", "b3", 0.97)]
    bridge = [("a3", "b1", 0.6)]
    rejected = [("a1", "b1"), ("a2", "b1"), ("a3", "b2"), ("a3", "b3")]
    found = events_from_pairs(_pairs(inside + bridge, rejected), {})
    assert found["a1"] == found["a2"] == found["a3"] != found["b1"] == found["b2"] == found["b3"]
    # plain connected components would have made one event
    assert len(set(found.values())) == 2


def test_an_article_joins_an_event_linked_to_half_of_it():
    """An article confirmed with one of two scored members joins; with one of three it does not."""
    base = [("a1", "a2", 0.99)]
    joins = events_from_pairs(_pairs([*base, ("a1", "x", 0.9)], [("a2", "x")]), {})
    assert joins["x"] == joins["a1"] == joins["a2"]
    stays = events_from_pairs(_pairs([*base, ("a1", "a3", 0.98), ("a2", "a3", 0.97), ("a1", "x", 0.9)],
                                     [("a2", "x"), ("a3", "x")]), {})
    assert "x" not in stays and stays["a1"] == stays["a3"]
    # unscored pairs (same language, not candidates) count neither way
    assert events_from_pairs(_pairs([*base, ("a1", "y", 0.9)], []), {})["y"] == joins["a1"]


def test_events_numbered_by_date_and_unaffected_by_unrelated_articles():
    pairs = _pairs([("a", "b", 0.99), ("c", "d", 0.98)], [("a", "c")])
    dates = {"a": "2024-02-01", "b": "2024-02-02", "c": "2023-01-01", "d": None}
    found = events_from_pairs(pairs, dates)
    assert found == {"c": "E0001", "d": "E0001", "a": "E0002", "b": "E0002"}
    unrelated = _pairs([], [(f"u{i}", x) for i in range(30) for x in ("a", "c")])
    assert events_from_pairs(pairs + unrelated, dates) == found


# -- evidence: what each article states -------------------------------------------------------------

KABUL = ["Iranian Foreign Minister Abbas Araghchi arrived in Kabul on Sunday for talks with Amir Khan Muttaqi.",
         "Araghchi and Muttaqi discussed water rights and trade in Kabul."]
KABUL_FA = ["عباس عراقچی وزیر امور خارجه ایران روز یکشنبه برای گفت‌وگو با امیرخان متقی وارد کابل شد.",
            "عراقچی و متقی در کابل درباره حقابه و تجارت گفت‌وگو کردند."]
MUSCAT = ["Iranian Foreign Minister Abbas Araghchi met US envoy Steve Witkoff in Muscat on Saturday.",
          "Omani Foreign Minister Badr Albusaidi said Araghchi and Witkoff talked in a friendly atmosphere in Muscat."]


def test_the_same_meeting_in_two_languages_shares_its_names():
    f = pf.compare(pf.profile(KABUL, ["Araghchi"]), pf.profile(KABUL_FA, ["عراقچی"]))
    assert f["names_shared"] > 0.5 and f["names_missing"] == 0.0 and f["day_conflict"] == 0.0


def test_a_mismatch_of_central_people_and_places_counts_against_the_pair():
    kabul, muscat = pf.profile(KABUL, ["Araghchi"]), pf.profile(MUSCAT, ["Albusaidi"])
    other = pf.compare(kabul, muscat)
    same = pf.compare(kabul, pf.profile(KABUL_FA, ["عراقچی"]))
    assert other["names_missing"] > same["names_missing"] and other["names_shared"] < same["names_shared"]
    assert "s:" + pf.coarse("mtk") in kabul.central  # Muttaqi: central in Kabul, never named in Muscat


def test_a_shared_country_counts_half_of_a_shared_city():
    # every article of an Iranian outlet names Iran: sharing it says less than sharing Kabul
    both = pf.profile(["دیدار در ایران و کابل.", "ایران و کابل."])
    kabul = pf.profile(["دیدار در کابل و بغداد.", "کابل و بغداد."])
    iran = pf.profile(["دیدار در ایران و بغداد.", "ایران و بغداد."])
    assert set(both.names) == {"p:Iran", "p:Kabul"} and set(iran.names) == {"p:Iran", "p:Baghdad"}
    assert pf.compare(both, kabul)["names_shared"] == pytest.approx(2 / 3)  # Kabul of Kabul + half of Iran
    assert pf.compare(both, iran)["names_shared"] == pytest.approx(1 / 3)


def test_days_a_day_apart_agree_further_apart_conflict():
    sunday, monday, wednesday = (pf.profile([f"The talks were held on {d}."]) for d in ("Sunday", "Monday", "Wednesday"))
    assert pf.compare(sunday, monday)["day_conflict"] == 0.0  # time zones, or reported the next morning
    assert pf.compare(sunday, wednesday)["day_conflict"] == 1.0
    assert pf.compare(sunday, pf.profile(["The talks were held."]))["day_conflict"] == 0.0  # one side names no day


def test_a_place_after_a_place_noun_is_a_name_in_arabic_script():
    rask = pf.profile(["هجوم على مقر الشرطة في مدينة راسك في محافظة سيستان وبلوشستان"])
    assert "s:rsk" in rask.central and "s:rsk" in pf.profile(["An attack on the police headquarters in Rask."]).words


def test_profiles_round_trip():
    p = pf.profile(KABUL, ["Araghchi"])
    assert pf.Profile.from_dict(json.loads(json.dumps(p.to_dict()))) == p


# -- scores that depend on the two articles only ---------------------------------------------------

def test_the_pair_table_lists_the_scored_features_in_order():
    names = PairRecord.names()
    assert names[names.index("cos") + 1: names.index("cos") + 1 + len(ev.REPORTED)] == ev.REPORTED
    assert ev.REPORTED[: len(FEATURES)] == FEATURES


def test_a_day_conflict_vetoes_the_pair():
    class Always:
        def __call__(self, features):
            return 0.99

    assert ev.score(Always(), {"day_conflict": 1.0}) == 0.0 and ev.score(Always(), {"day_conflict": 0.0}) == 0.99


def test_article_vectors_are_centred_one_by_one():
    rng = np.random.default_rng(0)
    mean, lead, lang = (ev.unit(rng.normal(size=(6, 16))) for _ in range(3))
    whole = ev.centre(mean, lead, lang)
    assert np.allclose(whole[:2], ev.centre(mean[:2], lead[:2], lang[:2]), atol=1e-7)
    assert np.allclose(np.linalg.norm(whole, axis=1), 1, atol=1e-5)


@pytest.fixture(scope="module")
def saved():
    return SavedModel()


def _items(saved) -> list[dict]:
    fa, ar = FA.read_text(encoding="utf-8"), AR.read_text(encoding="utf-8")
    # two more articles made of the same sentences (their embeddings are saved): unrelated to the pair scored
    return [{"id": "fa", "text": fa, "lang": "fa", "title": ""}, {"id": "ar", "text": ar, "lang": "ar", "title": ""},
            {"id": "ar_part", "text": "\n".join(ar.splitlines()[:3]), "lang": "ar", "title": ""},
            {"id": "fa_part", "text": "\n".join(fa.splitlines()[-3:]), "lang": "fa", "title": ""}]


def _job(prepared: dict, ids: list[str], pairs: list[tuple]) -> dict:
    sides = {}
    offset = 0
    docs = {s["article"]: s for s in prepared["segments"] if s["unit"] == "document"}
    for a in prepared["articles"]:
        n = a["n_claims"]
        if a["id"] in ids:
            segs = [s for s in prepared["segments"] if s["article"] == a["id"] and s["unit"] != "document"]
            sides[a["id"]] = {"id": a["id"], "text": docs[a["id"]]["text"], "lang": a["lang"], "profile": a["profile"],
                              "sentences": [s for s in segs if s["unit"] == "sentence"],
                              "claims": [s for s in segs if s["unit"] == "claim"],
                              "embeddings": prepared["claims"][offset: offset + n]}
        offset += n
    return {"pairs": pairs, "sides": sides}


def test_a_pairs_score_does_not_depend_on_the_other_articles(saved):
    from align.calibration import Calibration

    cal = Calibration.default().events
    options = {"k": 4, "min_score": None, "same_speaker": True, "min_pair_score": 1.0, "calibration": cal.to_dict()}
    items = _items(saved)
    alone = prepare_partition(items[:2], saved)
    crowd = prepare_partition(items, saved)
    assert np.array_equal(alone["vector"], crowd["vector"][:2])  # article vectors: each its own
    pair = ("fa", "ar", 0.5, None)
    one = align_partition(_job(alone, ["fa", "ar"], [pair]), saved, options)["pairs"][0]
    more = align_partition(_job(crowd, ["fa", "ar", "ar_part", "fa_part"],
                                [("ar_part", "fa", 0.4, None), pair, ("ar", "fa_part", 0.3, None)]), saved, options)["pairs"]
    other = next(p for p in more if (p["a"], p["b"]) == ("fa", "ar"))
    for name in (*FEATURES, "score"):
        assert other[name] == pytest.approx(one[name], abs=1e-6), name
    assert other["confirmed"] == one["confirmed"]
    assert set(one) >= set(FEATURES) and 0.0 <= one["score"] <= 1.0
