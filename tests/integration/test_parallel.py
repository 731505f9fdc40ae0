"""Parallel mode: monotonic group alignment of translations, scored with Vecalign's metric."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import SHARED

from align.parallel import align_monotonic, group_texts, read_vecalign, score_alignments

TEXTBERG = SHARED / "benchmarks" / "text+berg"


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


def test_two_pass_search_matches_the_full_search_with_fewer_texts(encoder):
    """The default search embeds only the groups near a first path; on a real document it finds
    the alignment the full search finds (groups of up to 3 sentences here)."""
    from align.parallel import align_texts
    from align.settings import ParallelSettings

    de, fr, gold = (p.read_text(encoding="utf-8").splitlines() if i < 2 else p for i, p in enumerate(_textberg("006")))
    results = {}
    for search in ("full", "two-pass"):
        asked: list[str] = []

        def encode(texts, asked=asked):
            asked.extend(texts)
            return encoder.encode(texts)

        steps = align_texts(de, fr, encode, ParallelSettings(max_size=4, search=search))
        results[search] = (score_alignments([gold], [[(s.a, s.b) for s in steps]]), len(set(asked)))
    (full, n_full), (two, n_two) = results["full"], results["two-pass"]
    assert two["f1_strict"] >= full["f1_strict"] - 0.02, results
    assert n_two < 0.9 * n_full, results


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


def test_vecalign_needs_parallel_mode(seed_report):
    import align

    with pytest.raises(align.InputError, match="parallel"):
        seed_report.to_vecalign()
