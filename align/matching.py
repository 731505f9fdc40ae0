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

import functools
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from .scoring import MarginScores, _top2

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
    equivalent: float = 0.9  # pairs at or above this are graded "equivalent", below "related"
    source: str = ""
    parallel: tuple[float, float, float] = (0.0, 40.0, 0.0)  # intercept, w_score, w_size of parallel steps

    @classmethod
    @functools.cache
    def default(cls) -> "Calibration":
        data = json.loads(_CALIBRATION_FILE.read_text())
        return cls(
            data["intercept"], data["w_margin"], data["w_gap"], data.get("threshold", 0.5),
            data.get("equivalent", 0.9), data.get("source", ""),
            tuple(data["parallel"][k] for k in ("intercept", "w_score", "w_size")) if "parallel" in data else (0.0, 40.0, 0.0),
        )

    def parallel_confidence(self, step_score: float, size: int) -> float:
        """p(a parallel-mode step is exactly right) from its normalised score and its size
        (sentences on both sides), fitted on Text+Berg 001-004 by benchmarks/calibrate.py."""
        b0, w_score, w_size = self.parallel
        return float(1.0 / (1.0 + np.exp(-(b0 + w_score * step_score + w_size * (size - 2)))))

    def relation(self, score: float) -> str:
        """``equivalent`` (the same claim) or ``related`` (same topic, partly the same)."""
        return "equivalent" if score >= self.equivalent else "related"

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
    ri, rv = _top2(allowed, axis=1)
    ci, cv = _top2(allowed, axis=0)
    near_r, _ = _top2(masked, axis=1)
    near_c, _ = _top2(masked, axis=0)
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
