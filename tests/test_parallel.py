"""Parallel mode: monotonic group alignment of translations, scored with Vecalign's metric."""
from __future__ import annotations

import pytest

from conftest import SHARED
from align.parallel import align_monotonic, group_texts, moves, read_vecalign, score_alignments, to_vecalign

TEXTBERG = SHARED / "benchmarks" / "text+berg"


def test_metric_on_a_hand_worked_example():
    gold = [((0,), (0, 1)), ((1,), (2,)), ((2,), ()), ((3,), (3,))]
    test = [((0,), (0,)), ((), (1,)), ((1,), (2,)), ((2,), ()), ((3,), (3,))]
    r = score_alignments([gold], [test])
    # precision over 5 test steps: strict hits (1,2) (2,-) (3,3); (0)-(0) is a lax hit; ()-(1) misses
    assert r["precision_strict"] == pytest.approx(3 / 5) and r["precision_lax"] == pytest.approx(4 / 5)
    # recall over the 3 gold steps with both sides: (1,2), (3,3) strict; (0)-(0,1) lax via (0)-(0)
    assert r["recall_strict"] == pytest.approx(2 / 3) and r["recall_lax"] == pytest.approx(1.0)


def test_vecalign_format_round_trip():
    from align.parallel import Alignment

    steps = [Alignment((0,), (0, 1), 0.25, 0.9), Alignment((1,), (), -0.04, None)]
    text = to_vecalign(steps)
    assert text == "[0]:[0, 1]:0.2500\n[1]:[]:-0.0400\n"
    assert read_vecalign(text) == [((0,), (0, 1)), ((1,), ())]
    assert (1, 0) in moves(3) and (1, 2) in moves(3) and (2, 2) not in moves(3)


def test_aligns_a_text_berg_document(encoder):
    doc = "005"
    if not (TEXTBERG / "de" / doc).exists():
        pytest.skip("Text+Berg data not found")
    de = (TEXTBERG / "de" / doc).read_text(encoding="utf-8").splitlines()
    fr = (TEXTBERG / "fr" / doc).read_text(encoding="utf-8").splitlines()
    ga = {s: encoder.encode(t) for s, t in group_texts(de, 2).items()}
    gb = {s: encoder.encode(t) for s, t in group_texts(fr, 2).items()}
    steps = align_monotonic(ga, gb, max_size=3)
    # every sentence exactly once, in order
    assert [i for s in steps for i in s.a] == list(range(len(de)))
    assert [j for s in steps for j in s.b] == list(range(len(fr)))
    gold = read_vecalign((TEXTBERG / "gold" / doc).read_text())
    r = score_alignments([gold], [[(s.a, s.b) for s in steps]])
    assert r["f1_strict"] >= 0.85 and r["f1_lax"] >= 0.95, r
