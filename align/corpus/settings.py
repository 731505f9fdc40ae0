"""The settings of a corpus run, validated once (as ``align.settings.CompareSettings`` does for
a comparison).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import InputError
from .inputs import check_on_error


def _int(name: str, value: Any, low: int, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InputError(f"{name} must be an integer >= {low}{' or None' if allow_none else ''}, got {value!r}")
    return value


def _prob(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= 1:
        raise InputError(f"{name} must be a number between 0 and 1, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class CorpusSettings:
    """Everything that decides a corpus run's result.

    Parameters
    ----------
    model : str
        The sentence-embedding model (as for ``align.compare``).
    k : int
        Neighbourhood size of the claim margin score (comparable mode).
    min_score : float or None
        Claim pairs: keep those whose confidence is at least this (None: calibrated threshold).
    same_speaker : bool
        Never pair claims of two different identified people.
    neighbours : int
        Candidate same-event articles proposed per article.
    within_language : bool
        Also look for same-event articles in the article's own language.
    date_window : int or None
        Candidates must be at most this many days apart when both have a date (None: no window).
    min_pair_score : float or None
        Confirm a candidate pair from this calibrated score up (None: the calibration's threshold).
    partition_size : int
        Articles per embedding task (memory per task grows with it).
    pair_partition_size : int
        Candidate pairs per alignment task.
    background_sample : int
        Claims per language in the background sample (see ``align.corpus.events``).
    on_error : {"skip", "stop"}
        Bad rows: report and skip them, or stop the run.
    """

    model: str = "default"
    k: int = 4
    min_score: float | None = None
    same_speaker: bool = True
    neighbours: int = 10
    within_language: bool = False
    date_window: int | None = 7
    min_pair_score: float | None = None
    partition_size: int = 64
    pair_partition_size: int = 256
    background_sample: int = 4000
    on_error: str = "skip"

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model.strip():
            raise InputError(f"model must be 'default', a directory or a model name, got {self.model!r}")
        _int("k", self.k, 1)
        _prob("min_score", self.min_score)
        _prob("min_pair_score", self.min_pair_score)
        _int("neighbours", self.neighbours, 1)
        _int("date_window", self.date_window, 0, allow_none=True)
        _int("partition_size", self.partition_size, 1)
        _int("pair_partition_size", self.pair_partition_size, 1)
        _int("background_sample", self.background_sample, 10)
        for name in ("same_speaker", "within_language"):
            if not isinstance(getattr(self, name), bool):
                raise InputError(f"{name} must be True or False, got {getattr(self, name)!r}")
        check_on_error(self.on_error)

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain values (for the run record)."""
        return asdict(self)
