"""Pair selection with the real model: the seed report is the same streamed; merges are kept only
when the merged text beats its parts (streamed == dense on synthetic arrays: tests/unit/test_selection.py)."""
from __future__ import annotations

import pytest
from conftest import AR, FA

import align
from align.calibration import resolve
from align.matching import match_claims, merge_beats_parts
from align.settings import CompareSettings
from align.sides import prepare_side


def test_seed_report_is_the_same_streamed(encoder, seed_report):
    a, b = prepare_side(FA, encoder.encode), prepare_side(AR, encoder.encode)
    run = resolve(CompareSettings())
    pairs, scores, _ = match_claims(a, b, k=run.k, min_score=run.min_score, same_speaker=True, encode=encoder.encode, max_cells=0,
                                    encode_tokens=encoder.encode_tokens)
    assert scores.margin is None
    assert [(p.a, p.b) for p in pairs] == [(p.a, p.b) for p in seed_report.claim_pairs]
    assert [p.score for p in pairs] == pytest.approx([p.score for p in seed_report.claim_pairs], abs=1e-5)


DE = """Der Außenminister traf am Montag seinen französischen Kollegen in Berlin.
Er sagte, die Gespräche seien konstruktiv gewesen und ein neues Abkommen über die Wasserversorgung werde im nächsten Monat unterzeichnet.
Die Opposition kritisierte die hohen Kosten des Besuchs.
Das Wetter in Berlin war sonnig und warm."""
FR = """Le ministre des Affaires étrangères a rencontré lundi son homologue allemand à Berlin.
Il a déclaré que les discussions avaient été constructives.
Un nouvel accord sur l'approvisionnement en eau sera signé le mois prochain.
Les agriculteurs manifestent contre la baisse des prix du lait.
Le championnat de football reprend samedi."""


def test_one_sentence_matching_two_adjacent_ones(encoder):
    report = align.compare(DE, FR, encoder=encoder, lang_a="de", lang_b="fr")
    # the two right pairs are the equivalent ones (the second one statement across two French
    # sentences); anything else reported at the threshold is only "related"
    eq = report.options["equivalent"]
    sure = [(r.a_ids, r.b_ids) for r in report.matches if r.confidence >= eq]
    assert sure == [((1,), (1,)), ((2,), (2, 3))]
    assert all(r.relation == "related" for r in report.matches if r.confidence < eq)


def test_merge_kept_only_when_it_beats_its_parts(encoder):
    a, b = prepare_side(DE, encoder.encode, lang="de"), prepare_side(FR, encoder.encode, lang="fr")
    check = merge_beats_parts(a, b, encoder.encode)
    assert check((1,), (1, 2))  # "talks constructive" + "water agreement next month"
    assert not check((1,), (1, 3))  # + "farmers protest": worse than the part alone
    assert not check((0,), (0, 4))
