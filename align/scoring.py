"""Similarity and margin scores between two sets of sentence embeddings (pure numpy/faiss).

Margin scoring (Artetxe & Schwenk 2019): a pair's cosine divided by the mean of its two
neighbourhoods' average cosines, so a pair is judged against the competition each side has,
not against an absolute cosine scale (this model's fa-ar cosines bunch between 0.77 and 0.88).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import faiss
import numpy as np

from .linalg import product


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
    """(n, m) inner products of L2-normalised rows (cosine similarities), float32.

    One BLAS matrix product (a faiss search for all m neighbours sorts every row: 11 times slower
    at 3,000 x 3,000).
    """
    return product(a, _as_f32(b).T)


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
    # background margins (cos - (bg_a[i] + bg_b[j]) / 2, see align.background): each claim's
    # background, and the best ``top`` allowed partners of every row and column by that margin
    bg_a: np.ndarray | None = field(default=None, repr=False)  # (n,)
    bg_b: np.ndarray | None = field(default=None, repr=False)  # (m,)
    cand_row_idx: np.ndarray | None = field(default=None, repr=False)  # (n, top), -1 when none
    cand_row_val: np.ndarray | None = field(default=None, repr=False)  # (n, top), -inf when none
    cand_col_idx: np.ndarray | None = field(default=None, repr=False)  # (m, top)
    cand_col_val: np.ndarray | None = field(default=None, repr=False)  # (m, top)
    cos_mean: float = 0.0  # mean cosine of all active cells

    def cos_at(self, i: int, j: int) -> float:
        """cos(a_i, b_j)."""
        return float(np.dot(self.a[i], self.b[j]))

    def background_margin_at(self, i: int, j: int) -> float:
        """cos(a_i, b_j) minus the mean of the two claims' backgrounds."""
        bg_a = 0.0 if self.bg_a is None else float(self.bg_a[i])
        bg_b = 0.0 if self.bg_b is None else float(self.bg_b[j])
        return self.cos_at(i, j) - (bg_a + bg_b) / 2.0

    @property
    def background_level(self) -> float:
        """The mean background margin of all active pairs: how close the two documents are as a
        whole, in the same absolute units (not a spread).
        """
        act_a = np.isfinite(self.ra) if self.ra is not None and len(self.ra) else np.zeros(0, bool)
        act_b = np.isfinite(self.rb) if self.rb is not None and len(self.rb) else np.zeros(0, bool)
        if self.bg_a is None or not act_a.any() or not act_b.any():
            return 0.0
        return float(self.cos_mean - self.bg_a[act_a].mean() / 2.0 - self.bg_b[act_b].mean() / 2.0)

    def margin_at(self, i: int, j: int) -> float:
        """The ratio margin of (a_i, b_j) (-inf when either is inactive)."""
        d = (self.ra[i] + self.rb[j]) / 2.0
        if not np.isfinite(d):
            return -np.inf
        return float(self.cos_at(i, j) / max(d, 1e-6))


def top2(values: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Indexes and values of the two largest entries along ``axis`` (first index wins ties)."""
    return topk(values, axis, 2)


def topk(values: np.ndarray, axis: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indexes and values of the ``k`` largest entries along ``axis`` (first index wins ties;
    -1 / -inf where there are fewer finite entries).
    """
    v = np.moveaxis(values, axis, -1)
    if v.shape[-1] == 0:
        shape = (*v.shape[:-1], k)
        return np.full(shape, -1, np.int64), np.full(shape, -np.inf, np.float64)
    if k <= SMALL_K and k < v.shape[-1] and values.ndim == 2:
        return _topk_by_argmax(values, axis, k)
    if k < v.shape[-1]:
        # select the k largest in linear time, then order them; rows where the k-th value is tied
        # with an entry left out are ordered by a stable sort, so the first index always wins
        flat = v.reshape(-1, v.shape[-1])
        part = np.argpartition(-flat, k - 1, axis=-1)[:, :k]
        pv = np.take_along_axis(flat, part, axis=-1)
        kth = pv.min(axis=-1)
        tied = (flat == kth[:, None]).sum(axis=-1) > (pv == kth[:, None]).sum(axis=-1)
        order = np.take_along_axis(part, np.lexsort((part, -pv), axis=-1), axis=-1)
        if tied.any():
            order[tied] = np.argsort(-flat[tied], axis=-1, kind="stable")[:, :k]
        order = order.reshape(*v.shape[:-1], k)
    else:
        order = np.argsort(-v, axis=-1, kind="stable")
    vals = np.take_along_axis(v, order, axis=-1).astype(np.float64)
    if order.shape[-1] < k:
        pad = k - order.shape[-1]
        order = np.concatenate([order, np.full((*order.shape[:-1], pad), -1, order.dtype)], axis=-1)
        vals = np.concatenate([vals, np.full((*vals.shape[:-1], pad), -np.inf)], axis=-1)
    order = np.where(np.isfinite(vals), order, -1)
    return order, vals


SMALL_K = 4  # up to this k, top-k is k passes of argmax (several times faster than a partition)


def _topk_by_argmax(values: np.ndarray, axis: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``topk`` of a 2-D array by k passes of argmax over a copy, each pass's best entries set to
    -inf for the next: argmax returns the first index of the largest value, so ties go to the
    first index, as in ``topk``. NaN entries count as -inf.
    """
    work = np.array(values, dtype=values.dtype if values.dtype.kind == "f" else np.float64, copy=True)
    work[np.isnan(work)] = -np.inf
    other = 1 - axis
    lines = np.arange(work.shape[other])
    order = np.empty((work.shape[other], k), np.int64)
    vals = np.empty((work.shape[other], k), np.float64)
    for t in range(k):
        best = np.argmax(work, axis=axis)
        at = (lines, best) if axis == 1 else (best, lines)
        vals[:, t] = work[at]
        order[:, t] = best
        work[at] = -np.inf
    order = np.where(np.isfinite(vals), order, -1)
    return order, vals


def _merge_top(idx: np.ndarray, val: np.ndarray, new_idx: np.ndarray, new_val: np.ndarray, k: int):
    """Merge a chunk's column top-k into the running one; earlier rows win ties."""
    idx = np.concatenate([idx, new_idx], axis=1)
    val = np.concatenate([val, new_val], axis=1)
    order = np.argsort(-val, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(idx, order, 1), np.take_along_axis(val, order, 1)


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
    background_a: np.ndarray | None = None,
    background_b: np.ndarray | None = None,
    top: int = 3,
    forbidden: np.ndarray | None = None,
) -> MarginScores:
    """Margin scores of every (a_i, b_j), streamed over row chunks (memory ~ ``chunk_cells``).

    Inactive rows/columns (``active_*`` False) take no part: not in the neighbourhoods, the
    statistics or the candidates. ``labels_*`` (ints, -1 = none): a cell whose two labels are
    both set and differ is forbidden as a pair (e.g. two different identified speakers) but
    still counts in the statistics. The dense matrices are kept when n * m <= ``max_cells``.
    ``background_a``/``background_b``: each claim's background (``align.background``; zeros
    when None); the best ``top`` allowed partners of every row and column by background margin
    are kept as the pair candidates. ``forbidden``: a dense boolean (n, m) of further cells
    that may not be pairs (small inputs).
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
    bg_a = np.zeros(n, np.float32) if background_a is None else np.asarray(background_a, np.float32)
    bg_b = np.zeros(m, np.float32) if background_b is None else np.asarray(background_b, np.float32)
    cand_row_idx = np.full((n, top), -1, np.int64)
    cand_row_val = np.full((n, top), -np.inf)
    cand_col_idx = np.full((m, top), -1, np.int64)
    cand_col_val = np.full((m, top), -np.inf)
    total, total_sq, count, cos_total = 0.0, 0.0, 0, 0.0
    bt = _as_f32(b).T
    step = max(1, chunk_cells // max(m, 1))
    for s in range(0, n, step):
        e = min(n, s + step)
        cos = product(a[s:e], bt)
        with np.errstate(invalid="ignore"):
            mar = cos / np.maximum((ra[s:e, None] + rb[None, :]) / 2.0, 1e-6)
        mar[~act_a[s:e], :] = -np.inf
        mar[:, ~act_b] = -np.inf
        mar[~np.isfinite(mar)] = -np.inf
        if dense:
            cos_full[s:e] = np.where(act_a[s:e, None] & act_b[None, :], cos, np.nan)
            margin_full[s:e] = mar
        finite = np.isfinite(mar)
        fin = mar[finite].astype(np.float64)
        total, total_sq, count = total + fin.sum(), total_sq + (fin**2).sum(), count + fin.size
        cos_total += float(cos[finite].astype(np.float64).sum())
        # nearest, speaker conflicts allowed
        ri, rv = top2(mar, axis=1)
        row_near[s:e] = ri[:, 0]
        ci, cv = top2(mar, axis=0)
        better = cv[:, 0] > col_near_val
        col_near[better] = ci[better, 0] + s
        col_near_val[better] = cv[better, 0]
        bgm = cos - (bg_a[s:e, None] + bg_b[None, :]) / np.float32(2.0)  # float32, as the cosines
        bgm[~np.isfinite(mar)] = -np.inf
        forbid = None
        if la is not None and lb is not None:
            forbid = (la[s:e, None] >= 0) & (lb[None, :] >= 0) & (la[s:e, None] != lb[None, :])
        if forbidden is not None:
            extra = np.asarray(forbidden[s:e], bool)
            forbid = extra if forbid is None else forbid | extra
        if forbid is not None and forbid.any():
            mar = np.where(forbid, -np.inf, mar)
            bgm[forbid] = -np.inf
            ri, rv = top2(mar, axis=1)
            ci, cv = top2(mar, axis=0)
        row_idx[s:e], row_val[s:e] = ri, rv
        # merge the chunk's column top-2 into the running one; earlier rows win ties
        col_idx, col_val = _merge_top(col_idx, col_val, np.where(ci >= 0, ci + s, -1), cv, 2)
        ri, rv = topk(bgm, 1, top)
        cand_row_idx[s:e], cand_row_val[s:e] = ri, rv
        ci, cv = topk(bgm, 0, top)
        cand_col_idx, cand_col_val = _merge_top(cand_col_idx, cand_col_val, np.where(ci >= 0, ci + s, -1), cv, top)
    mean = total / count if count else 0.0
    std = float(np.sqrt(max(total_sq / count - mean**2, 0.0))) if count else 0.0
    return MarginScores(
        (n, m), row_idx, row_val, col_idx, col_val, row_near, col_near, float(mean), std,
        _as_f32(a), _as_f32(b), ra, rb, cos_full, margin_full,
        bg_a, bg_b, cand_row_idx, cand_row_val, cand_col_idx, cand_col_val, cos_total / count if count else 0.0,
    )
