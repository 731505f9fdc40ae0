"""Parallel mode: monotonic group alignment of translations, scored with Vecalign's metric."""
from __future__ import annotations

import numpy as np
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
    doc = "006"  # the same document as the parallel-mode tests: its embeddings are cached once
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


def _textberg(doc: str):
    if not (TEXTBERG / "de" / doc).exists():
        pytest.skip("Text+Berg data not found")
    return TEXTBERG / "de" / doc, TEXTBERG / "fr" / doc, read_vecalign((TEXTBERG / "gold" / doc).read_text())


@pytest.fixture(scope="module")
def parallel_report(encoder):
    import align

    a, b, _ = _textberg("006")
    return align.compare(a, b, encoder=encoder, mode="parallel", segmented=True)


def test_parallel_mode_report_and_vecalign(parallel_report):
    _, _, gold = _textberg("006")
    steps = read_vecalign(parallel_report.to_vecalign())
    n_a = len(parallel_report.a.sentences)
    n_b = len(parallel_report.b.sentences)
    assert [i for s in steps for i in s[0]] == list(range(n_a))  # every line once, in order
    assert [j for s in steps for j in s[1]] == list(range(n_b))
    assert score_alignments([gold], [steps])["f1_strict"] >= 0.93  # measured .957
    # report rows follow both texts (monotonic), every line present, calibrated confidence
    rows = parallel_report.rows
    a_seq = [i for r in rows for i in r.a_ids]
    b_seq = [j for r in rows for j in r.b_ids]
    assert a_seq == list(range(1, n_a + 1)) and b_seq == list(range(1, n_b + 1))
    assert any(len(r.a_ids) + len(r.b_ids) > 2 for r in parallel_report.matches)  # 1-2 / 2-1 steps
    assert all(0.0 <= r.confidence <= 1.0 for r in parallel_report.matches)
    assert parallel_report.options["mode"] == "parallel"


def test_parallel_confidence_separates_right_from_wrong_steps(parallel_report):
    # 006 is held out from the calibration (fitted on 001-004)
    _, _, gold = _textberg("006")
    gold = {(tuple(x), tuple(y)) for x, y in gold}
    scores = {True: [], False: []}
    for r in parallel_report.matches:
        step = (tuple(i - 1 for i in r.a_ids), tuple(j - 1 for j in r.b_ids))
        scores[step in gold].append(r.confidence)
    assert len(scores[False]) >= 3, scores
    right, wrong = np.mean(scores[True]), np.mean(scores[False])
    assert right > 0.9 and wrong < right - 0.1, (right, wrong)


def test_segmented_keeps_line_numbers(encoder):
    import align
    from align.segment import segment_lines

    doc = align.Document("Erste Zeile. Noch ein Satz.\n\nDritte Zeile\n", "t", "de")
    lines = segment_lines(doc)
    assert [(s.id, s.text) for s in lines] == [(1, "Erste Zeile. Noch ein Satz."), (2, ""), (3, "Dritte Zeile")]
    assert all(doc.text[s.start:s.end] == s.text for s in lines)


def test_vecalign_needs_parallel_mode(seed_report):
    import align

    with pytest.raises(align.InputError, match="parallel"):
        seed_report.to_vecalign()
