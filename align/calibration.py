"""Where confidence and thresholds are decided: the calibrated model of "is this pair right?".

Comparable mode: p(correct) = sigmoid(intercept + sum of weight x feature) over the features of
a candidate pair (see ``align.matching.FEATURES``: its background margin, its margin against
the document, its gap to the best competitor, and the names, places and numbers it shares).
Parallel mode: a logistic of a step's score and size. ``threshold`` (default ``min_score``) and
``equivalent`` (the confidence from which a pair is graded "equivalent" rather than "related")
are read from ``calibration.json``, written by ``benchmarks/calibrate.py`` on benchmark data
(Text+Berg and Tatoeba comparable documents and the development split of the real-news set),
never on the example articles. Nothing else in claimalign holds a threshold.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Calibration:
    """Fitted coefficients and thresholds.

    Parameters
    ----------
    weights : mapping of str to float
        Comparable mode: ``"intercept"`` and one weight per feature;
        ``p = sigmoid(intercept + sum(weights[f] * features[f]))``. A feature without a weight
        does not count.
    threshold : float
        The default ``min_score``.
    equivalent : float
        Confidence from which a pair is graded "equivalent" (below: "related").
    parallel : tuple of float
        Parallel mode: (intercept, w_score, w_size) of a step's confidence.
    source : str
        How the numbers were fitted.
    """

    weights: Mapping[str, float]
    threshold: float
    equivalent: float
    parallel: tuple[float, float, float]
    source: str = ""
    features: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "weights", dict(self.weights))
        object.__setattr__(self, "features", tuple(k for k in self.weights if k != "intercept"))

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.weights.items())), self.threshold, self.equivalent, self.parallel, self.source))

    @classmethod
    def from_file(cls, path: str | Path) -> Calibration:
        """Read a calibration written by ``benchmarks/calibrate.py``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        par = data["parallel"]
        return cls(
            data["comparable"], data["threshold"], data["equivalent"],
            (par["intercept"], par["w_score"], par["w_size"]), data.get("source", ""),
        )

    def to_dict(self) -> dict:
        """The JSON form :meth:`from_file` reads."""
        b0, w_score, w_size = self.parallel
        return {"comparable": dict(self.weights), "threshold": self.threshold, "equivalent": self.equivalent,
                "parallel": {"intercept": b0, "w_score": w_score, "w_size": w_size}, "source": self.source}

    @classmethod
    @functools.cache
    def default(cls) -> Calibration:
        """The shipped calibration (``align/calibration.json``), read once."""
        return cls.from_file(CALIBRATION_FILE)

    def confidence(self, features: Mapping[str, np.ndarray | float]) -> np.ndarray:
        """Confidence of comparable-mode candidate pairs from their features (arrays or floats)."""
        z = np.asarray(self.weights.get("intercept", 0.0), np.float64)
        for name in self.features:
            z = z + self.weights[name] * np.asarray(features[name], np.float64)
        return 1.0 / (1.0 + np.exp(-z))

    __call__ = confidence

    def parallel_confidence(self, step_score: float, size: int) -> float:
        """p(a parallel-mode step is exactly right) from its normalised score and its size
        (sentences on both sides).
        """
        b0, w_score, w_size = self.parallel
        return float(1.0 / (1.0 + np.exp(-(b0 + w_score * step_score + w_size * (size - 2)))))

    def relation(self, confidence: float) -> str:
        """``"equivalent"`` (the same claim) at or above ``equivalent``, else ``"related"``."""
        return "equivalent" if confidence >= self.equivalent else "related"
