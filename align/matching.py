"""Choosing pairs from a margin matrix, and the confidence of each pair (pure numpy).

A pair is proposed when two segments are each other's best candidate by margin (mutual best),
extended to a two-segment side when a neighbour of the partner also prefers it. Its confidence
is a logistic function of two scale-free features of the margin matrix: how far the pair's margin
stands above the matrix's mean, and how far above the runner-up in its row and column, both in
units of the matrix's standard deviation. Scale-free because a model's margins are compressed
very differently per language pair (fa-ar far more than de-fr); in units of the spread the same
coefficients transfer. The coefficients and the default threshold are fitted on benchmark data
(see ``benchmarks/calibrate.py`` and ``calibration.json``), never on the example articles.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .calibration import Calibration
from .scoring import MarginScores, margin_scores, top2
from .sides import Side, speaker_labels

@dataclass(frozen=True)
class Pair:
    """A match: 0-based segment indexes on each side (several when a claim spans neighbours)."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    similarity: float  # cosine of the core (mutual-best) pair
    margin: float
    margin_z: float  # (margin - matrix mean) / matrix std
    gap_z: float  # (margin - best competitor in row and column) / matrix std
    score: float  # confidence in [0, 1]


def choose_pairs(
    cos: np.ndarray,
    margin: np.ndarray,
    *,
    calibration: Calibration | None = None,
    min_score: float | None = None,
    allow_merges: bool = True,
    active_a: np.ndarray | None = None,
    active_b: np.ndarray | None = None,
    forbidden: np.ndarray | None = None,
) -> list[Pair]:
    """``select_pairs`` for dense (n, m) cosine and margin matrices (benchmarks, small inputs).

    ``active_a``/``active_b`` (boolean masks) exclude segments; ``forbidden`` (boolean (n, m))
    excludes pairs without changing the statistics the confidence is measured against.
    """
    n, m = margin.shape
    masked = margin.astype(np.float64).copy()
    masked[~np.isfinite(masked)] = -np.inf
    if active_a is not None:
        masked[~np.asarray(active_a), :] = -np.inf
    if active_b is not None:
        masked[:, ~np.asarray(active_b)] = -np.inf
    finite = masked[np.isfinite(masked)]
    mean, std = (float(finite.mean()), float(finite.std())) if finite.size else (0.0, 0.0)
    allowed = masked.copy()
    if forbidden is not None:
        allowed[np.asarray(forbidden, dtype=bool)] = -np.inf
    ri, rv = top2(allowed, axis=1)
    ci, cv = top2(allowed, axis=0)
    near_r, _ = top2(masked, axis=1)
    near_c, _ = top2(masked, axis=0)
    scores = MarginScores(
        (n, m), ri, rv, ci, cv, near_r[:, 0], near_c[:, 0], mean, std,
        np.zeros((n, 0), np.float32), np.zeros((m, 0), np.float32), np.zeros(n), np.zeros(m), cos, margin,
    )
    return select_pairs(scores, calibration=calibration, min_score=min_score, allow_merges=allow_merges)


def select_pairs(
    scores: MarginScores,
    *,
    calibration: Calibration | None = None,
    min_score: float | None = None,
    allow_merges: bool = True,
    merge_check: Callable[[tuple[int, ...], tuple[int, ...]], bool] | None = None,
) -> list[Pair]:
    """Select pairs from streamed margin scores.

    Mutual best by margin -> candidate; confidence from ``calibration``; kept when
    ``score >= min_score`` (default: the calibration's threshold). With ``allow_merges`` a
    neighbour (j +/- 1) whose own best partner is i, with a margin of at least 1, is proposed to
    join the pair (one sentence stated across two); ``merge_check(a_ids, b_ids)`` decides
    whether the merged pair is kept (e.g. only when the merged text beats its parts).
    Returns pairs sorted by their first A index.
    """
    calibration = calibration or Calibration.default()
    min_score = calibration.threshold if min_score is None else min_score
    n, m = scores.shape
    if n == 0 or m == 0:
        return []
    spread = max(scores.std, 1e-6)
    pairs: list[Pair] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for i in range(n):
        j = int(scores.row_idx[i, 0])
        if j < 0 or scores.col_idx[j, 0] != i:
            continue
        value = float(scores.row_val[i, 0])
        competitors = [v for v in (scores.row_val[i, 1], scores.col_val[j, 1]) if np.isfinite(v)]
        margin_z = (value - scores.mean) / spread
        gap_z = (value - max(competitors)) / spread if competitors else 0.0
        score = float(calibration(margin_z, gap_z))
        if score < min_score:
            continue
        cos = float(scores.cos[i, j]) if scores.cos is not None else scores.cos_at(i, j)
        pairs.append(Pair((i,), (j,), cos, value, float(margin_z), float(gap_z), score))
        used_a.add(i)
        used_b.add(j)
    if allow_merges:
        pairs = [_extend(p, scores, used_a, used_b, merge_check) for p in pairs]
    return sorted(pairs, key=lambda p: (p.a[0], p.b[0]))


def _extend(pair: Pair, scores: MarginScores, used_a: set[int], used_b: set[int], merge_check) -> Pair:
    """Add adjacent segments that prefer this pair's partner (one sentence stated across two)."""
    (i,), (j,) = pair.a, pair.b
    n, m = scores.shape
    bs = [j]
    for j2 in (j - 1, j + 1):
        if 0 <= j2 < m and j2 not in used_b and scores.col_idx[j2, 0] == i and scores.col_val[j2, 0] >= 1.0:
            if merge_check is None or merge_check((i,), tuple(sorted((*bs, j2)))):
                bs.append(j2)
                used_b.add(j2)
    as_ = [i]
    for i2 in (i - 1, i + 1):
        if 0 <= i2 < n and i2 not in used_a and scores.row_idx[i2, 0] == j and scores.row_val[i2, 0] >= 1.0:
            if merge_check is None or merge_check(tuple(sorted((*as_, i2))), tuple(sorted(bs))):
                as_.append(i2)
                used_a.add(i2)
    return replace(pair, a=tuple(sorted(as_)), b=tuple(sorted(bs)))


def match_claims(
    a: Side, b: Side, *, k: int = 4, min_score: float | None = None, same_speaker: bool = True,
    encode: Callable[[list[str]], np.ndarray] | None = None, max_cells: int = 4_000_000,
) -> tuple[list[Pair], MarginScores]:
    """Claim pairs between two prepared sides, and the margin scores they were chosen from.

    Parameters
    ----------
    a, b : Side
        The two documents, segmented, split into claims and embedded.
    k : int
        Neighbourhood size of the margin score.
    min_score : float or None
        Keep pairs whose confidence is at least this (None: the calibrated threshold).
    same_speaker : bool
        Never pair two claims attributed to two different identified people.
    encode : callable or None
        ``encode(texts) -> (n, d)`` unit vectors; with it, a merge (one claim stated across two
        adjacent claims of the other side) is kept only when the merged text beats its parts.
    max_cells : int
        The dense (n, m) matrices are kept (for the heatmap) up to this many cells; scores are
        streamed in row chunks either way, so memory stays bounded.

    Returns
    -------
    pairs : list of Pair
        Indexes are 0-based positions in ``a.claims`` / ``b.claims``.
    scores : MarginScores
    """
    # Exact duplicates (a bullet repeating the headline) are left out of the scoring, so they
    # neither compete nor inflate the neighbourhoods; the rows mirror their original's.
    active_a = np.array([c.duplicate_of is None for c in a.claims], bool)
    active_b = np.array([c.duplicate_of is None for c in b.claims], bool)
    la, lb = speaker_labels(a.claims, b.claims) if same_speaker else (None, None)
    scores = margin_scores(
        a.embeddings, b.embeddings, k=k, active_a=active_a, active_b=active_b, labels_a=la, labels_b=lb,
        max_cells=max_cells,
    )
    check = merge_beats_parts(a, b, encode) if encode is not None else None
    return select_pairs(scores, min_score=min_score, merge_check=check), scores


def merge_beats_parts(a: Side, b: Side, encode: Callable[[list[str]], np.ndarray]):
    """A ``merge_check`` for :func:`select_pairs`: the merged side's text, embedded as one,
    must be closer to the other side than each of its parts is."""

    def vector(side: Side, ids: tuple[int, ...]) -> np.ndarray:
        if len(ids) == 1:
            return side.embeddings[ids[0]]
        return encode([" ".join(side.claims[i].text for i in ids)])[0]

    def check(a_ids: tuple[int, ...], b_ids: tuple[int, ...]) -> bool:
        va, vb = vector(a, a_ids), vector(b, b_ids)
        merged = float(np.dot(va, vb))
        if len(a_ids) > 1:
            parts = [float(np.dot(a.embeddings[i], vb)) for i in a_ids]
        else:
            parts = [float(np.dot(va, b.embeddings[j])) for j in b_ids]
        return merged > max(parts)

    return check
