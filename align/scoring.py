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


def margin_matrix(a: np.ndarray, b: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
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
    """What pair selection and the report read from the (n, m) scores of two documents, without
    holding the matrices (computed in row chunks by :func:`margin_scores`).

    ``cos``/``margin`` are the dense matrices when ``n * m <= max_cells`` (for the heatmap), else
    None; :meth:`margin_at` computes any single cell from the embeddings.
    """

    shape: tuple[int, int]
    a: np.ndarray = field(repr=False)  # (n, d) unit vectors
    b: np.ndarray = field(repr=False)  # (m, d)
    ra: np.ndarray = field(repr=False)  # (n,) mean cosine of each row to its k nearest columns (nan when inactive)
    rb: np.ndarray = field(repr=False)  # (m,)
    bg_a: np.ndarray = field(repr=False)  # (n,) each claim's background (align.background; zeros without one)
    bg_b: np.ndarray = field(repr=False)  # (m,)
    row_near: np.ndarray = field(repr=False)  # (n,) best column per row by margin, any speakers (-1 when none)
    col_near: np.ndarray = field(repr=False)  # (m,)
    # the best ``top`` allowed partners of every row and column by background margin (the pair
    # candidates): indexes (-1 when none) and margins (-inf when none)
    cand_row_idx: np.ndarray = field(repr=False)  # (n, top)
    cand_row_val: np.ndarray = field(repr=False)
    cand_col_idx: np.ndarray = field(repr=False)  # (m, top)
    cand_col_val: np.ndarray = field(repr=False)
    background_level: float = 0.0  # mean background margin of all active pairs: how close the documents are as a whole
    cos: np.ndarray | None = field(default=None, repr=False)
    margin: np.ndarray | None = field(default=None, repr=False)

    def margin_at(self, i: int, j: int) -> float:
        """The ratio margin of (a_i, b_j) (-inf when either is inactive)."""
        d = (self.ra[i] + self.rb[j]) / 2.0
        if not np.isfinite(d):
            return -np.inf
        return float(np.dot(self.a[i], self.b[j]) / max(d, 1e-6))


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


def row_chunks(n: int, m: int, chunk_cells: int) -> list[slice]:
    """Row ranges of an (n, m) matrix holding about ``chunk_cells`` cells each."""
    step = max(1, chunk_cells // max(m, 1))
    return [slice(s, min(n, s + step)) for s in range(0, n, step)]


def neighbourhoods(a: np.ndarray, b: np.ndarray, k: int, active_a: np.ndarray, active_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ra, rb): each active row's mean cosine to its ``k`` nearest active rows of the other side
    (nan for inactive rows).
    """
    ra = np.full(len(a), np.nan, np.float32)
    rb = np.full(len(b), np.nan, np.float32)
    if active_a.any() and active_b.any():
        ra[active_a] = knn_mean(a[active_a], b[active_b], k)
        rb[active_b] = knn_mean(b[active_b], a[active_a], k)
    return ra, rb


def ratio_margin(cos: np.ndarray, ra: np.ndarray, rb: np.ndarray, active_a: np.ndarray, active_b: np.ndarray) -> np.ndarray:
    """The ratio margin cos / ((ra_i + rb_j) / 2) of a block of rows; -inf where either side is inactive or the
    value is not finite.
    """
    with np.errstate(invalid="ignore"):
        mar = cos / np.maximum((ra[:, None] + rb[None, :]) / 2.0, 1e-6)
    mar[~active_a, :] = -np.inf
    mar[:, ~active_b] = -np.inf
    mar[~np.isfinite(mar)] = -np.inf
    return mar


class TopOfColumns:
    """The running top ``k`` of every column of a matrix seen in row blocks (earlier rows win
    ties): ``idx`` (m, k) row indexes (-1 when none), ``val`` (m, k).
    """

    def __init__(self, m: int, k: int):
        self.k = k
        self.idx = np.full((m, k), -1, np.int64)
        self.val = np.full((m, k), -np.inf)

    def add(self, block: np.ndarray, first_row: int) -> None:
        """Take a block of rows starting at row ``first_row`` into account."""
        ci, cv = topk(block, 0, self.k)
        self.idx, self.val = _merge_top(self.idx, self.val, np.where(ci >= 0, ci + first_row, -1), cv, self.k)


def _forbidden_cells(rows: slice, labels_a: np.ndarray | None, labels_b: np.ndarray | None,
                     forbidden: np.ndarray | None) -> np.ndarray | None:
    """The cells of a block of rows that may not be pairs: two different identified speakers, or
    ``forbidden``.
    """
    forbid = None
    if labels_a is not None and labels_b is not None:
        la = labels_a[rows, None]
        forbid = (la >= 0) & (labels_b[None, :] >= 0) & (la != labels_b[None, :])
    if forbidden is not None:
        extra = np.asarray(forbidden[rows], bool)
        forbid = extra if forbid is None else forbid | extra
    return forbid


def margin_scores(
    a: np.ndarray,
    b: np.ndarray,
    *,
    k: int,
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
    """Scores of every (a_i, b_j), streamed over row chunks (memory ~ ``chunk_cells``).

    Inactive rows/columns (``active_*`` False) take no part: not in the neighbourhoods, the
    document level or the candidates. ``labels_*`` (ints, -1 = none): a cell whose two labels
    are both set and differ is not a candidate (two different identified speakers) but is still
    the "nearest" of its row if it is. The dense matrices are kept when n * m <= ``max_cells``.
    ``background_a``/``background_b``: each claim's background (``align.background``; zeros when
    None); the best ``top`` allowed partners of every row and column by background margin are
    the pair candidates. ``forbidden``: a dense boolean (n, m) of further cells that may not be
    pairs (small inputs).
    """
    n, m = a.shape[0], b.shape[0]
    act_a = np.ones(n, bool) if active_a is None else np.asarray(active_a, bool)
    act_b = np.ones(m, bool) if active_b is None else np.asarray(active_b, bool)
    ra, rb = neighbourhoods(a, b, k, act_a, act_b)
    bg_a = np.zeros(n, np.float32) if background_a is None else np.asarray(background_a, np.float32)
    bg_b = np.zeros(m, np.float32) if background_b is None else np.asarray(background_b, np.float32)
    la = None if labels_a is None else np.asarray(labels_a)
    lb = None if labels_b is None else np.asarray(labels_b)
    dense = n * m <= max_cells
    cos_full = np.full((n, m), np.nan, np.float32) if dense else None
    margin_full = np.full((n, m), -np.inf, np.float32) if dense else None
    row_near = np.full(n, -1, np.int64)
    cand_row_idx = np.full((n, top), -1, np.int64)
    cand_row_val = np.full((n, top), -np.inf)
    nearest_col, candidates_col = TopOfColumns(m, 1), TopOfColumns(m, top)
    count, cos_total = 0, 0.0
    bt = _as_f32(b).T
    for rows in row_chunks(n, m, chunk_cells):
        cos = product(a[rows], bt)
        mar = ratio_margin(cos, ra[rows], rb, act_a[rows], act_b)
        if dense:
            cos_full[rows] = np.where(act_a[rows, None] & act_b[None, :], cos, np.nan)
            margin_full[rows] = mar
        finite = np.isfinite(mar)
        count += int(finite.sum())
        cos_total += float(cos[finite].astype(np.float64).sum())
        row_near[rows] = topk(mar, 1, 1)[0][:, 0]  # the report's "nearest": speakers ignored
        nearest_col.add(mar, rows.start)
        bgm = cos - (bg_a[rows, None] + bg_b[None, :]) / np.float32(2.0)  # float32, as the cosines
        bgm[~finite] = -np.inf
        forbid = _forbidden_cells(rows, la, lb, forbidden)
        if forbid is not None:
            bgm[forbid] = -np.inf
        cand_row_idx[rows], cand_row_val[rows] = topk(bgm, 1, top)
        candidates_col.add(bgm, rows.start)
    level = 0.0
    if count and act_a.any() and act_b.any():
        level = float(cos_total / count - bg_a[act_a].mean() / 2.0 - bg_b[act_b].mean() / 2.0)
    return MarginScores(
        (n, m), _as_f32(a), _as_f32(b), ra, rb, bg_a, bg_b, row_near, nearest_col.idx[:, 0],
        cand_row_idx, cand_row_val, candidates_col.idx, candidates_col.val, level, cos_full, margin_full,
    )
