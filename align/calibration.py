"""Where confidence and thresholds are decided: the calibrated models of "is this right?".

One file (``calibration.json``), one loader (:meth:`Calibration.default`), one logistic
function (:func:`logistic`) for the three things claimalign scores:

- **claim pairs** (comparable mode): p(correct) = logistic(intercept + sum of weight x feature)
  over the features of a candidate pair (see ``align.matching.FEATURES``: its background margin,
  its margin against the document, its gap to the best competitor, and the names, places and
  numbers it shares); ``threshold`` is the default ``min_score`` and ``equivalent`` the
  confidence from which a pair is graded "equivalent" rather than "related";
- **parallel steps**: a logistic of a step's score and size; ``parallel_threshold`` is parallel
  mode's default ``min_score`` (0: every step of the path is reported);
- **same-event article pairs** (corpus mode, :class:`EventCalibration`): a logistic of
  standardised article-pair features; its ``threshold`` is the default ``min_pair_score``.

The numbers are written by ``benchmarks/calibrate.py`` (claim pairs, steps) and
``benchmarks/corpus.py --fit --write`` (events) on benchmark data, never on the example
articles. Nothing else in claimalign holds a threshold.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .settings import CompareSettings, ParallelSettings, RunSettings

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


def logistic(z: np.ndarray | float) -> np.ndarray:
    """1 / (1 + exp(-z)), elementwise (the one logistic function of claimalign)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, np.float64)))


@dataclass(frozen=True)
class LogisticFit:
    """A fitted logistic model on standardised features: p = logistic(intercept + sum of
    weights x (x - mean) / scale).
    """

    weights: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray

    def raw(self) -> np.ndarray:
        """The same model on the raw features: (intercept, coefficient per feature)."""
        coef = self.weights / self.scale
        return np.concatenate([[self.intercept - float(coef @ self.mean)], coef])


def fit_logistic(x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None, *, l2: float = 1e-2,
                 iterations: int = 100) -> LogisticFit:
    """L2-regularised logistic regression by Newton's method, on standardised features (the
    intercept is not penalised).

    Parameters
    ----------
    x : numpy.ndarray
        (n, f) features.
    y : numpy.ndarray
        (n,) labels, 0 or 1.
    sample_weight : numpy.ndarray or None
        (n,) weights (default: all 1).
    l2 : float
        Penalty on the standardised weights.
    iterations : int
        Newton steps at most (stops when a step changes no coefficient by more than 1e-10).

    Returns
    -------
    LogisticFit
    """
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    mean, scale = x.mean(0), x.std(0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = np.c_[np.ones(len(x)), (x - mean) / scale]
    beta = np.zeros(z.shape[1])
    reg = l2 * np.diag(np.r_[0.0, np.ones(z.shape[1] - 1)])
    for _ in range(iterations):
        p = logistic(np.clip(z @ beta, -30, 30))
        grad = z.T @ (w * (p - y)) + reg @ beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + reg
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return LogisticFit(beta[1:], float(beta[0]), mean, scale)


@dataclass(frozen=True)
class EventCalibration:
    """p(same event) = logistic(intercept + sum w_f * (x_f - mean_f) / scale_f) over
    ``features``; a candidate pair is confirmed from ``threshold`` up.

    Parameters
    ----------
    weights, mean, scale : tuple of float
        Per feature, in the order of ``features``.
    intercept, threshold : float
    source : str
        What it was fitted on.
    features : tuple of str
        The feature names (``align.corpus.events.FEATURES``).
    """

    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    intercept: float
    threshold: float
    source: str = ""
    features: tuple[str, ...] = ("cos", "claim_gain", "claim_z")

    def __call__(self, features: Mapping[str, float] | np.ndarray) -> float | np.ndarray:
        """The calibrated score of one pair's features (a mapping) or of rows of an (n, f) matrix."""
        x = (np.array([features[f] for f in self.features], np.float64) if isinstance(features, Mapping)
             else np.asarray(features, np.float64))
        p = logistic(self.intercept + ((x - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.weights))
        return float(p) if np.ndim(p) == 0 else p

    @classmethod
    def from_fit(cls, fit: LogisticFit, threshold: float, source: str = "",
                 features: Sequence[str] = ("cos", "claim_gain", "claim_z")) -> EventCalibration:
        """The event model of a :func:`fit_logistic` result."""
        return cls(tuple(map(float, fit.weights)), tuple(map(float, fit.mean)), tuple(map(float, fit.scale)),
                   float(fit.intercept), float(threshold), source, tuple(features))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``calibration.json``'s ``events``; also the corpus run record)."""
        return {"features": list(self.features), "weights": list(self.weights), "mean": list(self.mean),
                "scale": list(self.scale), "intercept": self.intercept, "threshold": self.threshold, "source": self.source}


@dataclass(frozen=True)
class Calibration:
    """Fitted coefficients and thresholds (see the module docstring).

    Parameters
    ----------
    weights : mapping of str to float
        Comparable mode: ``"intercept"`` and one weight per feature;
        ``p = logistic(intercept + sum(weights[f] * features[f]))``. A feature without a weight
        does not count.
    threshold : float
        Comparable mode's default ``min_score``.
    equivalent : float
        Confidence from which a pair is graded "equivalent" (below: "related").
    parallel : tuple of float
        Parallel mode: (intercept, w_score, w_size) of a step's confidence.
    source : str
        How the numbers were fitted.
    parallel_threshold : float
        Parallel mode's default ``min_score``.
    events : EventCalibration or None
        Corpus mode's same-event model.
    """

    weights: Mapping[str, float]
    threshold: float
    equivalent: float
    parallel: tuple[float, float, float]
    source: str = ""
    parallel_threshold: float = 0.0
    events: EventCalibration | None = None
    features: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "weights", dict(self.weights))
        object.__setattr__(self, "features", tuple(k for k in self.weights if k != "intercept"))

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.weights.items())), self.threshold, self.equivalent, self.parallel, self.source,
                     self.parallel_threshold, self.events))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calibration:
        """The calibration of :meth:`to_dict`'s form (``calibration.json``)."""
        par = data["parallel"]
        ev = data.get("events")
        events = None if ev is None else EventCalibration(
            tuple(ev["weights"]), tuple(ev["mean"]), tuple(ev["scale"]), ev["intercept"], ev["threshold"], ev.get("source", ""),
            tuple(ev.get("features", ("cos", "claim_gain", "claim_z"))))
        return cls(data["comparable"], data["threshold"], data["equivalent"], (par["intercept"], par["w_score"], par["w_size"]),
                   data.get("source", ""), par.get("threshold", 0.0), events)

    @classmethod
    def from_file(cls, path: str | Path) -> Calibration:
        """Read a calibration written by ``benchmarks/calibrate.py``."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_dict(self) -> dict:
        """The JSON form :meth:`from_file` reads."""
        b0, w_score, w_size = self.parallel
        out = {"comparable": dict(self.weights), "threshold": self.threshold, "equivalent": self.equivalent,
               "parallel": {"intercept": b0, "w_score": w_score, "w_size": w_size, "threshold": self.parallel_threshold},
               "source": self.source}
        if self.events is not None:
            out["events"] = self.events.to_dict()
        return out

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
        return logistic(z)

    __call__ = confidence

    def parallel_confidence(self, step_score: float, size: int) -> float:
        """p(a parallel-mode step is exactly right) from its normalised score and its size
        (sentences on both sides).
        """
        b0, w_score, w_size = self.parallel
        return float(logistic(b0 + w_score * step_score + w_size * (size - 2)))


def resolve(settings: CompareSettings, calibration: Calibration | None = None) -> RunSettings:
    """Every default of ``settings`` decided from ``calibration`` (the shipped one by default):
    the threshold of pairs (comparable mode) or steps (parallel mode), the grade "equivalent",
    the links of groups across three or more articles (the "equivalent" grade unless
    ``min_score`` is given), the speaker rule and parallel mode's alignment settings.
    """
    cal = calibration or Calibration.default()
    parallel = settings.mode == "parallel"
    default = cal.parallel_threshold if parallel else cal.threshold
    min_score = default if settings.min_score is None else settings.min_score
    link = cal.equivalent if settings.min_score is None else settings.min_score
    return RunSettings(settings, min_score, cal.equivalent, link, bool(settings.same_speaker) and not parallel,
                       (settings.parallel or ParallelSettings()) if parallel else None)
