"""Similarity and margin scores between two sets of sentence embeddings (pure numpy/faiss).

Margin scoring (Artetxe & Schwenk 2019): a pair's cosine divided by the mean of its two
neighbourhoods' average cosines, so a pair is judged against the competition each side has,
not against an absolute cosine scale (this model's fa-ar cosines bunch between 0.77 and 0.88).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import faiss
import numpy as np


def _as_f32(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float32)


def knn_mean(queries: np.ndarray, corpus: np.ndarray, k: int, chunk_size: int = 4096) -> np.ndarray:
    """Mean inner product of each query row to its ``k`` nearest corpus rows (exact, faiss).

    queries: (n, d), corpus: (m, d), both L2-normalised. Returns (n,). ``k`` is capped at m.
    Memory is bounded by ``chunk_size`` x k, whatever n and m.
    """
    k = max(1, min(k, corpus.shape[0]))
    index = faiss.IndexFlatIP(corpus.shape[1])
    index.add(_as_f32(corpus))
    out = np.empty(queries.shape[0], np.float32)
    for s in range(0, queries.shape[0], chunk_size):
        sims, _ = index.search(_as_f32(queries[s : s + chunk_size]), k)
        out[s : s + chunk_size] = sims.mean(axis=1)
    return out


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) inner products of L2-normalised rows (cosine similarities), computed by faiss."""
    index = faiss.IndexFlatIP(b.shape[1])
    index.add(_as_f32(b))
    sims, ids = index.search(_as_f32(a), b.shape[0])
    out = np.empty((a.shape[0], b.shape[0]), np.float32)
    np.put_along_axis(out, ids, sims, axis=1)
    return out


def margin_matrix(a: np.ndarray, b: np.ndarray, k: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Ratio margin for every pair: cos(a_i, b_j) / ((knn_a(i) + knn_b(j)) / 2).

    Returns (cosine (n, m), margin (n, m)). ``knn_a(i)`` is the mean cosine of a_i to its k
    nearest rows of b, and ``knn_b(j)`` the same for b_j in a; k is capped by the other side's
    size.
    """
    cos = cosine_matrix(a, b)
    ra = knn_mean(a, b, k)
    rb = knn_mean(b, a, k)
    denom = (ra[:, None] + rb[None, :]) / 2.0
    return cos, cos / np.maximum(denom, 1e-6)


@dataclass
class MarginScores:
    """What pair selection needs from the (n, m) margin matrix, without holding the matrix.

    Computed in row chunks by ``margin_scores``: the best two allowed partners of every row and
    of every column, the nearest partner ignoring ``forbidden`` (for the report's "nearest"),
    and the mean and standard deviation of all active cells. ``cos``/``margin`` are the dense
    matrices when ``n * m <= max_cells`` (for display), else None; ``margin_at`` computes any
    single cell from the embeddings.
    """

    shape: tuple[int, int]
    row_idx: np.ndarray  # (n, 2) best and second-best allowed column per row, -1 when none
    row_val: np.ndarray  # (n, 2) their margins, -inf when none
    col_idx: np.ndarray  # (m, 2)
    col_val: np.ndarray  # (m, 2)
    row_near: np.ndarray  # (n,) best column per row, speaker conflicts allowed (-1 when none)
    col_near: np.ndarray  # (m,)
    mean: float
    std: float
    a: np.ndarray = field(repr=False)
    b: np.ndarray = field(repr=False)
    ra: np.ndarray = field(repr=False)  # neighbourhood mean of each row (nan when inactive)
    rb: np.ndarray = field(repr=False)
    cos: np.ndarray | None = field(default=None, repr=False)
    margin: np.ndarray | None = field(default=None, repr=False)

    def cos_at(self, i: int, j: int) -> float:
        return float(np.dot(self.a[i], self.b[j]))

    def margin_at(self, i: int, j: int) -> float:
        d = (self.ra[i] + self.rb[j]) / 2.0
        if not np.isfinite(d):
            return -np.inf
        return float(self.cos_at(i, j) / max(d, 1e-6))


def top2(values: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Indexes and values of the two largest entries along ``axis`` (first index wins ties)."""
    v = np.moveaxis(values, axis, -1)
    if v.shape[-1] == 0:
        shape = (*v.shape[:-1], 2)
        return np.full(shape, -1, np.int64), np.full(shape, -np.inf, np.float64)
    order = np.argsort(-v, axis=-1, kind="stable")[..., :2]
    vals = np.take_along_axis(v, order, axis=-1).astype(np.float64)
    if order.shape[-1] == 1:
        order = np.concatenate([order, np.full_like(order, -1)], axis=-1)
        vals = np.concatenate([vals, np.full_like(vals, -np.inf)], axis=-1)
    order = np.where(np.isfinite(vals), order, -1)
    return order, vals


def margin_scores(
    a: np.ndarray,
    b: np.ndarray,
    *,
    k: int = 4,
    active_a: np.ndarray | None = None,
    active_b: np.ndarray | None = None,
    labels_a: np.ndarray | None = None,
    labels_b: np.ndarray | None = None,
    max_cells: int = 4_000_000,
    chunk_cells: int = 1_000_000,
) -> MarginScores:
    """Margin scores of every (a_i, b_j), streamed over row chunks (memory ~ ``chunk_cells``).

    Inactive rows/columns (``active_*`` False) take no part: not in the neighbourhoods, the
    statistics or the candidates. ``labels_*`` (ints, -1 = none): a cell whose two labels are
    both set and differ is forbidden as a pair (e.g. two different identified speakers) but
    still counts in the statistics. The dense matrices are kept when n * m <= ``max_cells``.
    """
    n, m = a.shape[0], b.shape[0]
    act_a = np.ones(n, bool) if active_a is None else np.asarray(active_a, bool)
    act_b = np.ones(m, bool) if active_b is None else np.asarray(active_b, bool)
    ra = np.full(n, np.nan, np.float32)
    rb = np.full(m, np.nan, np.float32)
    if act_a.any() and act_b.any():
        ra[act_a] = knn_mean(a[act_a], b[act_b], k)
        rb[act_b] = knn_mean(b[act_b], a[act_a], k)
    la = None if labels_a is None else np.asarray(labels_a)
    lb = None if labels_b is None else np.asarray(labels_b)
    dense = n * m <= max_cells
    cos_full = np.full((n, m), np.nan, np.float32) if dense else None
    margin_full = np.full((n, m), -np.inf, np.float32) if dense else None
    row_idx = np.full((n, 2), -1, np.int64)
    row_val = np.full((n, 2), -np.inf)
    col_idx = np.full((m, 2), -1, np.int64)
    col_val = np.full((m, 2), -np.inf)
    row_near = np.full(n, -1, np.int64)
    col_near_val = np.full(m, -np.inf)
    col_near = np.full(m, -1, np.int64)
    total, total_sq, count = 0.0, 0.0, 0
    bt = _as_f32(b).T
    step = max(1, chunk_cells // max(m, 1))
    for s in range(0, n, step):
        e = min(n, s + step)
        cos = _as_f32(a[s:e]) @ bt
        with np.errstate(invalid="ignore"):
            mar = cos / np.maximum((ra[s:e, None] + rb[None, :]) / 2.0, 1e-6)
        mar[~act_a[s:e], :] = -np.inf
        mar[:, ~act_b] = -np.inf
        mar[~np.isfinite(mar)] = -np.inf
        if dense:
            cos_full[s:e] = np.where(act_a[s:e, None] & act_b[None, :], cos, np.nan)
            margin_full[s:e] = mar
        fin = mar[np.isfinite(mar)].astype(np.float64)
        total, total_sq, count = total + fin.sum(), total_sq + (fin**2).sum(), count + fin.size
        # nearest, speaker conflicts allowed
        ri, rv = top2(mar, axis=1)
        row_near[s:e] = ri[:, 0]
        ci, cv = top2(mar, axis=0)
        better = cv[:, 0] > col_near_val
        col_near[better] = ci[better, 0] + s
        col_near_val[better] = cv[better, 0]
        if la is not None and lb is not None:
            forbid = (la[s:e, None] >= 0) & (lb[None, :] >= 0) & (la[s:e, None] != lb[None, :])
            mar = np.where(forbid, -np.inf, mar)
            ri, rv = top2(mar, axis=1)
            ci, cv = top2(mar, axis=0)
        row_idx[s:e], row_val[s:e] = ri, rv
        # merge the chunk's column top-2 into the running one; earlier rows win ties
        ci = np.where(ci >= 0, ci + s, -1)
        idx = np.concatenate([col_idx, ci], axis=1)
        val = np.concatenate([col_val, cv], axis=1)
        order = np.argsort(-val, axis=1, kind="stable")[:, :2]
        col_idx, col_val = np.take_along_axis(idx, order, 1), np.take_along_axis(val, order, 1)
    mean = total / count if count else 0.0
    std = float(np.sqrt(max(total_sq / count - mean**2, 0.0))) if count else 0.0
    return MarginScores(
        (n, m), row_idx, row_val, col_idx, col_val, row_near, col_near, float(mean), std,
        _as_f32(a), _as_f32(b), ra, rb, cos_full, margin_full,
    )
