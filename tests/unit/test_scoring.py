"""align.scoring: cosine and margin scores, top-2 candidates, and the streamed (bounded-memory)
scores against the dense computation, on random arrays (no model)."""
from __future__ import annotations

import numpy as np
import pytest
from factories import random_unit

from align import scoring
from align.scoring import cosine_matrix, knn_mean, margin_matrix, margin_scores, top2, topk


@pytest.fixture(scope="module")
def ab():
    rng = np.random.default_rng(0)
    return random_unit(rng, 37), random_unit(rng, 23)


# -- top2 ---------------------------------------------------------------------------------------


def test_top2_first_index_wins_ties():
    idx, val = top2(np.array([[1.0, 3.0, 3.0, 0.0], [5.0, 4.0, -1.0, 4.0]]), axis=1)
    assert idx.tolist() == [[1, 2], [0, 1]] and val.tolist() == [[3.0, 3.0], [5.0, 4.0]]


def test_top2_along_columns():
    idx, val = top2(np.array([[1.0, 0.0], [2.0, 0.0], [0.5, 7.0]]), axis=0)
    assert idx.tolist() == [[1, 0], [2, 0]] and val.tolist() == [[2.0, 1.0], [7.0, 0.0]]


def test_top2_without_enough_finite_values():
    idx, val = top2(np.array([[-np.inf, 2.0, -np.inf], [-np.inf] * 3]), axis=1)
    assert idx.tolist() == [[1, -1], [-1, -1]] and val[0, 0] == 2.0 and np.isneginf(val[0, 1]) and np.isneginf(val[1]).all()
    idx, val = top2(np.array([[4.0], [5.0]]), axis=1)  # one column: no runner-up
    assert idx.tolist() == [[0, -1], [0, -1]] and np.isneginf(val[:, 1]).all()
    idx, val = top2(np.zeros((3, 0)), axis=1)  # no columns at all
    assert idx.shape == (3, 2) and (idx == -1).all() and np.isneginf(val).all()


@pytest.mark.parametrize("seed", range(40))
def test_topk_by_argmax_equals_the_partition_path(seed, monkeypatch):
    """Small k runs as k passes of argmax; the result is the partition path's, ties and -inf included."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=tuple(rng.integers(1, 12, size=2))).astype(np.float32)
    x[rng.random(x.shape) < 0.2] = -np.inf
    for axis in (0, 1):
        for k in (1, 2, 3, 4):
            fast = topk(x, axis, k)
            monkeypatch.setattr(scoring, "SMALL_K", 0)
            slow = topk(x, axis, k)
            monkeypatch.setattr(scoring, "SMALL_K", 4)
            np.testing.assert_array_equal(fast[0], slow[0])
            np.testing.assert_array_equal(fast[1], slow[1])


# -- cosine, neighbourhoods, margin --------------------------------------------------------------


def test_cosine_matrix_is_the_inner_product(ab):
    a, b = ab
    assert np.allclose(cosine_matrix(a, b), a @ b.T, atol=1e-6)


def test_knn_mean_is_the_mean_of_the_k_best(ab):
    a, b = ab
    cos = a @ b.T
    expected = np.sort(cos, axis=1)[:, ::-1][:, :4].mean(axis=1)
    assert np.allclose(knn_mean(a, b, 4), expected, atol=1e-6)
    assert np.allclose(knn_mean(a, b, 4, chunk_size=5), expected, atol=1e-6)  # chunked queries
    assert np.allclose(knn_mean(a, b[:2], 10), cos[:, :2].mean(axis=1), atol=1e-6)  # k capped by the corpus size


def test_margin_matrix_formula_on_a_hand_example():
    a = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    b = np.array([[1.0, 0.0], [0.6, 0.8]], np.float32)
    cos, margin = margin_matrix(a, b, k=1)
    assert np.allclose(cos, [[1.0, 0.6], [0.0, 0.8]])
    # knn_a = [1.0, 0.8] (best of each row), knn_b = [1.0, 0.8] (best of each column)
    assert np.allclose(margin, [[1.0, 0.6 / 0.9], [0.0, 0.8 / 0.8]])


# -- streamed == dense ---------------------------------------------------------------------------


def _dense_candidates(cos: np.ndarray, bg_a: np.ndarray, bg_b: np.ndarray, top: int):
    bgm = cos - (bg_a[:, None] + bg_b[None, :]) / 2.0
    return topk(bgm, 1, top), topk(bgm, 0, top)


@pytest.mark.parametrize("chunk_cells", [10, 50, 1_000_000])
def test_streamed_scores_equal_the_dense_matrix(ab, chunk_cells):
    a, b = ab
    rng = np.random.default_rng(5)
    bg_a, bg_b = rng.uniform(0, 0.3, 37).astype(np.float32), rng.uniform(0, 0.3, 23).astype(np.float32)
    cos, margin = margin_matrix(a, b, k=3)
    s = margin_scores(a, b, k=3, max_cells=0, chunk_cells=chunk_cells, background_a=bg_a, background_b=bg_b, top=3)
    assert s.cos is None and s.margin is None and s.shape == (37, 23)
    ri, _ = top2(margin.astype(np.float64), axis=1)
    ci, _ = top2(margin.astype(np.float64), axis=0)
    assert np.array_equal(s.row_near, ri[:, 0]) and np.array_equal(s.col_near, ci[:, 0])
    (rows, row_vals), (cols, col_vals) = _dense_candidates(cos, bg_a, bg_b, 3)
    assert np.array_equal(s.cand_row_idx, rows) and np.array_equal(s.cand_col_idx, cols)
    assert np.allclose(s.cand_row_val, row_vals, atol=1e-6) and np.allclose(s.cand_col_val, col_vals, atol=1e-6)
    level = float(cos.mean() - bg_a.mean() / 2 - bg_b.mean() / 2)
    assert s.background_level == pytest.approx(level, abs=1e-6)
    for i, j in [(0, 0), (5, 17), (36, 22)]:
        assert s.margin_at(i, j) == pytest.approx(float(margin[i, j]), abs=1e-6)


def test_dense_matrices_are_kept_up_to_max_cells(ab):
    a, b = ab
    cos, margin = margin_matrix(a, b, k=3)
    s = margin_scores(a, b, k=3, chunk_cells=50)
    assert np.allclose(s.cos, cos, atol=1e-6) and np.allclose(s.margin, margin, atol=1e-6)
    assert margin_scores(a, b, k=3, max_cells=37 * 23).margin is not None
    assert margin_scores(a, b, k=3, max_cells=37 * 23 - 1).margin is None


def test_inactive_rows_and_columns_take_no_part(ab):
    a, b = ab
    act_a = np.ones(37, bool)
    act_a[[0, 4, 30]] = False
    act_b = np.ones(23, bool)
    act_b[[2, 22]] = False
    s = margin_scores(a, b, k=3, active_a=act_a, active_b=act_b, chunk_cells=40)
    cos, margin = margin_matrix(a[act_a], b[act_b], k=3)  # the same as scoring the active ones alone
    assert np.allclose(s.margin[np.ix_(act_a, act_b)], margin, atol=1e-6)
    assert np.isneginf(s.margin[~act_a]).all() and np.isneginf(s.margin[:, ~act_b]).all()
    assert np.isnan(s.cos[~act_a]).all() and np.isnan(s.ra[~act_a]).all() and np.isnan(s.rb[~act_b]).all()
    assert (s.row_near[~act_a] == -1).all() and (s.col_near[~act_b] == -1).all()
    assert (s.cand_row_idx[~act_a] == -1).all() and (s.cand_col_idx[~act_b] == -1).all()
    assert not np.isin(s.cand_row_idx[act_a], np.flatnonzero(~act_b)).any()
    assert s.background_level == pytest.approx(float(cos.mean()), rel=1e-5)
    assert s.margin_at(0, 0) == -np.inf  # an inactive row has no neighbourhood


def test_no_active_rows_gives_empty_candidates(ab):
    a, b = ab
    s = margin_scores(a, b, k=4, active_a=np.zeros(37, bool))
    assert (s.cand_row_idx == -1).all() and (s.cand_col_idx == -1).all() and (s.row_near == -1).all()
    assert s.background_level == 0.0


def test_speaker_labels_forbid_candidates_but_not_the_nearest_nor_the_level(ab):
    a, b = ab
    free = margin_scores(a, b, k=3, top=2)
    best = free.cand_row_idx[:, 0]
    r = next(i for i in range(2, 37) if best[i] != best[0])  # a second row with another best column
    la = np.full(37, -1)
    lb = np.full(23, -1)
    la[0], lb[best[0]] = 1, 2  # row 0 and its best column: two different identified speakers
    la[r], lb[best[r]] = 3, 3  # row r and its best column: the same speaker
    s = margin_scores(a, b, k=3, labels_a=la, labels_b=lb, chunk_cells=40, top=2)
    assert s.cand_row_idx[0, 0] == free.cand_row_idx[0, 1]  # its runner-up becomes its best
    assert s.row_near[0] == free.row_near[0]  # "nearest" in the report ignores the speakers
    assert s.cand_row_idx[r, 0] == best[r]  # the same speaker: allowed
    assert s.background_level == pytest.approx(free.background_level, rel=1e-6)
    assert np.allclose(s.margin, free.margin, atol=1e-6)  # the display matrix is not masked


def test_empty_sides():
    a = np.zeros((0, 4), np.float32)
    b = random_unit(np.random.default_rng(1), 3, 4)
    s = margin_scores(a, b, k=4)
    assert s.shape == (0, 3) and (s.cand_col_idx == -1).all() and (s.col_near == -1).all() and s.background_level == 0.0
