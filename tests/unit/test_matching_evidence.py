"""align.evidence: names, places and numbers two claims share across scripts (no model)."""
from __future__ import annotations

import numpy as np
import pytest

from align.evidence import Evidence, anchors


def test_names_places_and_numbers_are_anchors_in_every_script():
    fa = anchors("مسعود پزشکیان ۵۳.۶ درصد آرا را در تهران کسب کرد")
    ar = anchors("فوز بزشكيان بالانتخابات في طهران بنسبة 53.6 بالمئة")
    en = anchors("Pezeshkian won 53.6 percent of the vote in Tehran")
    for x in (fa, ar, en):
        assert {"s:bzSkn", "p:Tehran", "n:53.6", "n:53"} <= x, sorted(x)


def test_lower_case_english_words_are_not_names():
    assert not {a for a in anchors("the talks were useful and constructive") if a.startswith("s:")}


def test_shared_anchors_weigh_more_the_rarer_they_are():
    a = ["Pezeshkian won in Tehran.", "Pezeshkian thanked Jalili.", "Turnout was 49 percent."]
    b = ["پزشکیان در تهران پیروز شد", "میزان مشارکت ۴۹ درصد بود", "پزشکیان از مردم تشکر کرد"]
    ev = Evidence(a, b)
    f = ev.at(np.array([0, 2, 2, 1]), np.array([0, 1, 0, 2]))
    # (0, 0) shares Pezeshkian (in 4 of 6 claims) and Tehran (in 2, as a place and as a name
    # skeleton): more than Pezeshkian alone
    assert f["shared"][0] == pytest.approx(np.log(1 + 6 / 4) + 2 * np.log(1 + 6 / 2))
    assert f["shared"][3] == pytest.approx(np.log(1 + 6 / 4))
    assert f["shared"][1] > 0 and f["any_shared"].tolist() == [1.0, 1.0, 0.0, 1.0]
    # both state numbers (49 vs none) -> no conflict unless both have numbers
    assert f["number_conflict"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_different_numbers_are_a_conflict():
    ev = Evidence(["The quake killed 3 people."], ["زلزله ۷ کشته برجای گذاشت", "زلزله ۳ کشته داشت"])
    f = ev.at(np.array([0, 0]), np.array([0, 1]))
    assert f["number_conflict"].tolist() == [1.0, 0.0]
