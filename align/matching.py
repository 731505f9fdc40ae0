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

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

_CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Calibration:
    """p(correct) = sigmoid(intercept + w_margin * margin_z + w_gap * gap_z).

    ``threshold`` is the default ``min_score``: the one that maximised F1 on held-out data.
    """

    intercept: float
    w_margin: float
    w_gap: float
    threshold: float = 0.5
    source: str = ""

    @classmethod
    def default(cls) -> "Calibration":
        data = json.loads(_CALIBRATION_FILE.read_text())
        return cls(data["intercept"], data["w_margin"], data["w_gap"], data.get("threshold", 0.5), data.get("source", ""))

    def __call__(self, margin_z: np.ndarray | float, gap_z: np.ndarray | float) -> np.ndarray:
        z = self.intercept + self.w_margin * np.asarray(margin_z) + self.w_gap * np.asarray(gap_z)
        return 1.0 / (1.0 + np.exp(-z))


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


def runner_up_gap(margin: np.ndarray, i: int, j: int) -> float:
    """How far margin[i, j] stands above the best competitor in its row and in its column."""
    row = np.delete(margin[i], j)
    col = np.delete(margin[:, j], i)
    competitors = np.concatenate([row, col])
    competitors = competitors[np.isfinite(competitors)]
    if competitors.size == 0:
        return 0.0
    return float(margin[i, j] - competitors.max())


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
    """Select pairs from (n, m) cosine and margin matrices.

    Mutual best by margin -> candidate; confidence from ``calibration``; kept when
    ``score >= min_score`` (default: the calibration's threshold). With ``allow_merges`` a neighbour (j +/- 1) whose own best partner
    is i, and whose margin with i is at least 1, joins the pair (one sentence matching two).
    ``active_a``/``active_b`` (boolean masks) exclude segments (e.g. exact duplicates);
    ``forbidden`` (boolean (n, m)) excludes pairs (e.g. two different identified speakers)
    without changing the statistics the confidence is measured against.
    Returns pairs sorted by their first A index.
    """
    calibration = calibration or Calibration.default()
    min_score = calibration.threshold if min_score is None else min_score
    n, m = margin.shape
    if n == 0 or m == 0:
        return []
    masked = margin.astype(np.float64).copy()
    if active_a is not None:
        masked[~np.asarray(active_a), :] = -np.inf
    if active_b is not None:
        masked[:, ~np.asarray(active_b)] = -np.inf
    finite = masked[np.isfinite(masked)]
    if finite.size == 0:
        return []
    center, spread = float(finite.mean()), float(max(finite.std(), 1e-6))
    if forbidden is not None:
        masked[np.asarray(forbidden, dtype=bool)] = -np.inf
    row_best = masked.argmax(axis=1)
    col_best = masked.argmax(axis=0)
    pairs: list[Pair] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for i in range(n):
        j = int(row_best[i])
        if not np.isfinite(masked[i, j]) or col_best[j] != i:
            continue
        margin_z = (masked[i, j] - center) / spread
        gap_z = runner_up_gap(np.where(np.isfinite(masked), masked, -np.inf), i, j) / spread
        score = float(calibration(margin_z, gap_z))
        if score < min_score:
            continue
        pairs.append(Pair((i,), (j,), float(cos[i, j]), float(masked[i, j]), float(margin_z), float(gap_z), score))
        used_a.add(i)
        used_b.add(j)
    if allow_merges:
        pairs = [_extend(p, masked, row_best, col_best, used_a, used_b) for p in pairs]
    return sorted(pairs, key=lambda p: (p.a[0], p.b[0]))


def _extend(pair: Pair, masked: np.ndarray, row_best, col_best, used_a: set[int], used_b: set[int]) -> Pair:
    """Add adjacent segments that prefer this pair's partner (one sentence stated across two)."""
    (i,), (j,) = pair.a, pair.b
    n, m = masked.shape
    bs = [j]
    for j2 in (j - 1, j + 1):
        if 0 <= j2 < m and j2 not in used_b and col_best[j2] == i and masked[i, j2] >= 1.0:
            bs.append(j2)
            used_b.add(j2)
    as_ = [i]
    for i2 in (i - 1, i + 1):
        if 0 <= i2 < n and i2 not in used_a and row_best[i2] == j and masked[i2, j] >= 1.0:
            as_.append(i2)
            used_a.add(i2)
    return replace(pair, a=tuple(sorted(as_)), b=tuple(sorted(bs)))
