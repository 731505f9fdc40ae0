"""Where confidence and thresholds are decided: the calibrated model of "is this pair right?".

Comparable mode: p(correct) = sigmoid(intercept + w_margin * margin_z + w_gap * gap_z) of two
scale-free features of a pair's margin (see ``align.matching``). Parallel mode: a logistic of a
step's score and size. ``threshold`` (default ``min_score``) and ``equivalent`` (the confidence
from which a pair is graded "equivalent" rather than "related") are read from
``calibration.json``, written by ``benchmarks/calibrate.py`` on benchmark data, never on the
example articles. Nothing else in claimalign holds a threshold.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Calibration:
    """Fitted coefficients and thresholds.

    Parameters
    ----------
    intercept, w_margin, w_gap : float
        Comparable mode: ``p = sigmoid(intercept + w_margin * margin_z + w_gap * gap_z)``.
    threshold : float
        The default ``min_score`` (F1-optimal on the calibration's training documents).
    equivalent : float
        Confidence from which a pair is graded "equivalent" (below: "related").
    parallel : tuple of float
        Parallel mode: (intercept, w_score, w_size) of a step's confidence.
    source : str
        How the numbers were fitted.
    """

    intercept: float
    w_margin: float
    w_gap: float
    threshold: float
    equivalent: float
    parallel: tuple[float, float, float]
    source: str = ""

    @classmethod
    def from_file(cls, path: str | Path) -> Calibration:
        """Read a calibration written by ``benchmarks/calibrate.py``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        par = data["parallel"]
        return cls(
            data["intercept"], data["w_margin"], data["w_gap"], data["threshold"], data["equivalent"],
            (par["intercept"], par["w_score"], par["w_size"]), data.get("source", ""),
        )

    @classmethod
    @functools.cache
    def default(cls) -> Calibration:
        """The shipped calibration (``align/calibration.json``), read once."""
        return cls.from_file(CALIBRATION_FILE)

    def __call__(self, margin_z: np.ndarray | float, gap_z: np.ndarray | float) -> np.ndarray:
        """Confidence of comparable-mode pairs from their margin and gap z-scores."""
        z = self.intercept + self.w_margin * np.asarray(margin_z) + self.w_gap * np.asarray(gap_z)
        return 1.0 / (1.0 + np.exp(-z))

    def parallel_confidence(self, step_score: float, size: int) -> float:
        """p(a parallel-mode step is exactly right) from its normalised score and its size
        (sentences on both sides)."""
        b0, w_score, w_size = self.parallel
        return float(1.0 / (1.0 + np.exp(-(b0 + w_score * step_score + w_size * (size - 2)))))

    def relation(self, confidence: float) -> str:
        """``"equivalent"`` (the same claim) at or above ``equivalent``, else ``"related"``."""
        return "equivalent" if confidence >= self.equivalent else "related"
