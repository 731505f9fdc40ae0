"""align.plots: the heatmap shows the confidence of the candidate pairs (what decides the pairs),
blank where two claims are not candidates, the reported pairs boxed (hand-made arrays, no model)."""
from __future__ import annotations

import numpy as np
import pytest
from factories import en_ar_pairs, en_ar_report, pair

from align.calibration import Calibration
from align.errors import InputError
from align.matching import Candidates, _factor, pairs_of, scored_candidates
from align.plots import confidence_matrix, pair_cells
from align.scoring import margin_scores

# p = sigmoid(20 * (background margin - 0.5)): with zero backgrounds a pair is kept from cosine 0.5
CAL = Calibration({"intercept": -10.0, "background_margin": 20.0}, 0.5, 0.75, (0.0, 1.0, 0.0), "tests")


def test_confidence_matrix_places_each_candidate_and_leaves_the_rest_blank():
    m = confidence_matrix((2, 3), np.array([0, 1, 1]), np.array([2, 0, 1]), np.array([0.9, 0.2, 0.45]))
    assert m.shape == (2, 3) and m.dtype == np.float64
    assert m[0, 2] == 0.9 and m[1, 0] == 0.2 and m[1, 1] == 0.45
    assert np.isnan(m[0, 0]) and np.isnan(m[0, 1]) and np.isnan(m[1, 2])  # not candidates: blank
    assert np.isnan(confidence_matrix((2, 2), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))).all()


def test_pair_cells_cover_merged_pairs_once():
    pairs = [pair(0, (1, 2), 0.8), pair(3, 0, 0.5), pair((4, 5), 3, 0.6)]
    assert pair_cells(pairs) == [(0, 1), (0, 2), (3, 0), (4, 3), (5, 3)]
    assert pair_cells([]) == []


def test_boxed_cells_are_exactly_the_cells_at_or_above_the_threshold():
    """The heatmap's colour is the value pairs are chosen by: every candidate from the threshold
    up is boxed and no box is below it, so the brightest cell is always boxed."""
    cos = np.array([
        [0.90, 0.85, 0.10, 0.30],
        [0.20, 0.30, 0.10, 0.52],
        [0.00, 0.10, 0.80, 0.20],
    ])
    scores = margin_scores(*_factor(cos), k=1, top=2)
    cands = scored_candidates(scores, calibration=CAL)
    pairs = pairs_of(cands, scores, min_score=CAL.threshold, allow_merges=False)
    m = confidence_matrix(scores.shape, cands.i, cands.j, cands.confidence)
    above = {(int(i), int(j)) for i, j in zip(*np.nonzero(np.nan_to_num(m, nan=-1.0) >= CAL.threshold), strict=True)}
    assert set(pair_cells(pairs)) == above == {(0, 0), (0, 1), (1, 3), (2, 2)}
    assert np.unravel_index(np.nanargmax(m), m.shape) == (0, 0)
    # the colours are the calibrated confidences, not the margins
    assert m[0, 0] == pytest.approx(1.0 / (1.0 + np.exp(-20 * (0.90 - 0.5))))
    assert np.isnan(m).any()  # with top=2, some cells are not candidates


def test_heatmap_draws_confidence_and_boxes():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rep = en_ar_report()
    with pytest.raises(InputError, match="no candidate confidences"):
        rep.heatmap()
    n, m = len(rep.a.claims), len(rep.b.claims)
    i, j = np.array([0, 0, 1, 3]), np.array([0, 1, 1, 2])
    rep.candidates = Candidates(i, j, np.zeros(4), {}, np.array([0.9, 0.3, 0.6, 0.8]))
    rep.claim_pairs = en_ar_pairs()  # A1-B1, A2.1-B2, A3-B3
    ax = rep.heatmap()
    try:
        image = ax.get_images()[0]
        shown = np.ma.filled(image.get_array().astype(float), np.nan)
        assert shown.shape == (n, m) and shown[0, 0] == 0.9 and np.isnan(shown[4, 4])
        assert image.get_clim() == (0.0, 1.0)
        assert image.colorbar.ax.get_ylabel() == "confidence"
        boxes = sorted((int(p.get_y() + 0.5), int(p.get_x() + 0.5)) for p in ax.patches)
        assert boxes == pair_cells(rep.claim_pairs) == [(0, 0), (1, 1), (3, 2)]
        assert "confidence" in ax.get_title()
    finally:
        plt.close(ax.figure)
