"""The settings of a corpus run, validated once with the same rules as a comparison
(``align.params``): a corpus run *embeds* the :class:`~align.settings.CompareSettings` its claim
alignments use, rather than re-declaring their fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..params import check
from ..settings import CompareSettings


def _alignment_settings() -> CompareSettings:
    return CompareSettings(unit="claim", progress=False)


@dataclass(frozen=True)
class CorpusSettings:
    """Everything that decides a corpus run's result.

    Parameters
    ----------
    compare : CompareSettings
        How the claims of a same-event pair are aligned (comparable mode, one row per claim):
        its ``model``, ``k``, ``min_score`` and ``same_speaker`` are the corpus run's.
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
    on_error : {"skip", "stop"}
        Bad rows: report and skip them, or stop the run.
    date_order : {"DMY", "MDY", "YMD"} or None
        The order of numeric dates whose numbers leave it open (``05/06/2019``); None: such a
        date is a bad row.
    """

    compare: CompareSettings = field(default_factory=_alignment_settings)
    neighbours: int = 10
    within_language: bool = False
    date_window: int | None = 7
    min_pair_score: float | None = None
    partition_size: int = 64
    pair_partition_size: int = 256
    on_error: str = "skip"
    date_order: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.compare, CompareSettings) or self.compare.mode != "comparable" or self.compare.unit != "claim":
            raise InputError("a corpus aligns claims in comparable mode: compare must be CompareSettings(unit='claim')")
        for name in ("neighbours", "within_language", "date_window", "min_pair_score", "partition_size",
                     "pair_partition_size", "on_error", "date_order"):
            object.__setattr__(self, name, check(name, getattr(self, name)))

    @classmethod
    def from_options(cls, *, model: str = "default", k: int = CompareSettings.k, min_score: float | None = None, same_speaker: bool = True,
                     cache: bool = True, **corpus: Any) -> CorpusSettings:
        """The settings from flat keywords (those of a comparison, then the corpus's own)."""
        compare = CompareSettings(model=model, k=k, min_score=min_score, same_speaker=same_speaker, unit="claim",
                                  cache=cache, progress=False)
        return cls(compare, **corpus)

    @property
    def model(self) -> str:
        """The embedding model."""
        return self.compare.model

    @property
    def k(self) -> int:
        """Neighbourhood size of the claim margin score."""
        return self.compare.k

    @property
    def min_score(self) -> float | None:
        """Claim pairs: the least confidence kept (None: the calibrated threshold)."""
        return self.compare.min_score

    @property
    def same_speaker(self) -> bool:
        """Never pair claims of two different identified people."""
        return bool(self.compare.same_speaker)

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain values (for the run record; the same keys as before the
        comparison settings were embedded).
        """
        out = {"model": self.model, "k": self.k, "min_score": self.min_score, "same_speaker": self.same_speaker}
        out.update({name: getattr(self, name) for name in ("neighbours", "within_language", "date_window", "min_pair_score",
                                                            "partition_size", "pair_partition_size", "on_error", "date_order")})
        return out
