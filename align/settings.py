"""One validated settings object for a comparison (validate once, at the public boundary).

``compare(**kwargs)`` and the command line both build a :class:`CompareSettings`; every rule
about which options go together lives in its ``__post_init__``, so an invalid combination gets
one clear :class:`~align.errors.InputError` naming the option, and nothing is silently ignored.
The stages below trust the settings they are given. The settings are recorded in every export's
metadata (``CompareSettings.to_dict``).
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .errors import InputError
from .params import MODES, PRECISIONS, UNITS, Integer, Language, Options, Real, check

_MAX_SIZE = Integer(low=2)
_SEARCH = Options(choices=("two-pass", "full"))
_WEIGHT = Real(low=-10.0, high=10.0)

__all__ = ["MODES", "PRECISIONS", "UNITS", "CompareSettings", "ParallelSettings", "check_lang"]


def check_lang(name: str, value: Any) -> str | None:
    """A language code ("fa", "ar", "en", "pes", "zh-Hant") or None (detect it).

    Parameters
    ----------
    name : str
        The option's name, for the error message.
    value : str or None
        The code to check.

    Returns
    -------
    str or None
        The code, stripped and lower-cased (the region part keeps its case).

    Raises
    ------
    InputError
        When ``value`` is not shaped like an ISO 639 code.
    """
    return check(name, value, rule=Language(none=True))


@dataclass(frozen=True)
class ParallelSettings:
    """Settings of parallel mode's monotonic alignment (``align.parallel``).

    Defaults chosen on Text+Berg 001-004 (``benchmarks/evaluate.py --suite textberg``).

    Parameters
    ----------
    max_size : int
        Most sentences in one step, both sides together (1-1 is 2; 2-3 is 5).
    skip : float
        Score of a 1-0 or 0-1 step (a sentence left unaligned).
    length_weight : float
        Weight of the Gale-Church log length-ratio penalty.
    group_penalty : float
        Cost of every sentence beyond one per side in a step.
    search : {"two-pass", "full"}
        Which sentence groups are embedded: "two-pass" (default) only those near a first
        alignment made with approximated group vectors; "full" every group (as Vecalign and
        Bertalign do; about 2.7 times the words to embed, the same alignments on Text+Berg).
    """

    max_size: int = 5
    skip: float = -0.04
    length_weight: float = 0.05
    group_penalty: float = 0.01
    search: str = "two-pass"

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_size", check("parallel.max_size", self.max_size, rule=_MAX_SIZE))
        check("parallel.search", self.search, rule=_SEARCH)
        for name in ("skip", "length_weight", "group_penalty"):
            object.__setattr__(self, name, check(f"parallel.{name}", getattr(self, name), rule=_WEIGHT))


@dataclass(frozen=True)
class CompareSettings:
    """Everything that decides a comparison's result, validated once.

    Parameters
    ----------
    model : str
        "default" (the offline multilingual-e5-small), a local sentence-transformers directory,
        or a model name already in the Hugging Face cache.
    precision : {"auto", "int8", "fp32"}
        The default model's variant: "int8" (dynamically quantised ONNX graph, the default through
        "auto") or "fp32" (the exact model); other models run as they are ("auto" or "fp32").
    langs : tuple of (str or None)
        The language of each article in order (None: detected).
    min_score : float or None
        Keep pairs whose confidence is at least this; None: the calibrated threshold.
    k : int
        Neighbourhood size of the margin score.
    unit : {"sentence", "claim"}
        One report row per sentence or per claim (matching always uses claims).
    speaker : str or None
        Keep only rows where this person speaks on either side (two articles only).
    same_speaker : bool or None
        Never pair claims of two different identified people (comparable mode; default True).
        Not an option of parallel mode, which aligns every sentence in order.
    repair_zwnj : bool
        Show Persian text with missing zero-width non-joiners restored (display only).
    mode : {"comparable", "parallel"}
        Reordered, partly overlapping articles, or translations (monotonic alignment).
    segmented : bool
        One segment per input line instead of sentence splitting.
    parallel : ParallelSettings or None
        Parallel mode's alignment settings (default ``ParallelSettings()``; parallel mode only).
    cache : bool
        Read and write the embedding cache.
    progress : bool or "auto"
        Progress bar while embedding long inputs.
    """

    model: str = "default"
    precision: str = "auto"
    langs: tuple[str | None, ...] = ()
    min_score: float | None = None
    k: int = 4
    unit: str = "sentence"
    speaker: str | None = None
    same_speaker: bool | None = None
    repair_zwnj: bool = False
    mode: str = "comparable"
    segmented: bool = False
    parallel: ParallelSettings | None = None
    cache: bool = True
    progress: bool | str = field(default="auto", compare=False)

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 - frozen
        if isinstance(self.model, os.PathLike):
            set_("model", os.fspath(self.model))
        for name in ("model", "precision", "mode", "unit", "min_score", "k", "repair_zwnj", "segmented", "cache", "progress",
                     "speaker", "same_speaker"):
            set_(name, check(name, getattr(self, name)))
        if isinstance(self.langs, str) or not isinstance(self.langs, (tuple, list)):
            raise InputError(f"langs must be a list of language codes (or None), one per article, got {self.langs!r}")
        set_("langs", tuple(check(f"langs[{i}]", x, rule="lang") for i, x in enumerate(self.langs)))
        if self.parallel is not None and not isinstance(self.parallel, ParallelSettings):
            raise InputError(f"parallel must be a ParallelSettings, got {type(self.parallel).__name__}")
        if self.mode == "parallel":
            if self.unit != "sentence":
                raise InputError("parallel mode aligns sentences (or lines): unit must be 'sentence'")
            if self.same_speaker is not None:
                raise InputError("same_speaker is an option of comparable mode; parallel mode aligns every sentence in order")
            if len(self.langs) > 2:
                raise InputError("parallel mode compares two articles")
            set_("parallel", self.parallel or ParallelSettings())
        else:
            if self.parallel is not None:
                raise InputError("parallel settings need mode='parallel'")
            set_("same_speaker", True if self.same_speaker is None else self.same_speaker)
        if self.speaker is not None and len(self.langs) > 2:
            raise InputError("speaker filters a comparison of two articles: use multi.report(i, j).filter(speaker=...)")

    @property
    def n_articles(self) -> int:
        """How many articles these settings describe (at least two)."""
        return max(2, len(self.langs))

    def replace(self, **changes: Any) -> CompareSettings:
        """A copy with ``changes`` applied (and validated again)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        switching = "mode" in changes and changes["mode"] != values["mode"]
        if switching and changes["mode"] == "parallel" and "same_speaker" not in changes:
            values["same_speaker"] = None  # comparable mode's default, not the caller's choice
        if switching and changes["mode"] == "comparable" and "parallel" not in changes:
            values["parallel"] = None  # parallel mode's default
        values.update(changes)
        return CompareSettings(**values)

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON-able values (for export metadata)."""
        out = asdict(self)
        out["langs"] = list(self.langs)
        out.pop("progress")
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompareSettings:
        """The settings of :meth:`to_dict` (validated again: a saved report may have been edited)."""
        if not isinstance(data, dict):
            raise InputError(f"settings must be an object, got {type(data).__name__}")
        values = {k: v for k, v in data.items() if k != "parallel"}
        values["langs"] = tuple(values.get("langs", ()))
        if data.get("parallel") is not None:
            par = data["parallel"]
            if not isinstance(par, dict):
                raise InputError("parallel settings must be an object")
            values["parallel"] = ParallelSettings(**par)
        return cls(**values)


@dataclass(frozen=True)
class ModelRecord:
    """Which model embedded a comparison's texts: what every export records beside the settings.

    Parameters
    ----------
    model : str
        The model as given ("default", a directory, a model name).
    fingerprint : str
        The model's fingerprint (keys the embedding cache; changes when the weights change).
    precision : str
        The variant that ran ("int8", "fp32").
    """

    model: str
    fingerprint: str
    precision: str


@dataclass(frozen=True)
class RunSettings:
    """A comparison's settings with every default decided: built once, at the pipeline's entry
    (``align.calibration.resolve``), passed down as plain values, and recorded in every export.

    Parameters
    ----------
    settings : CompareSettings
        The settings as given (validated).
    min_score : float
        Pairs (comparable mode) or steps (parallel mode) are kept from this confidence up.
    equivalent : float
        The confidence from which a pair is graded "equivalent".
    link_score : float
        Three or more articles: the least confidence of a pairwise link that joins two claims
        into one group.
    same_speaker : bool
        Never pair claims of two different identified people (False in parallel mode).
    parallel : ParallelSettings or None
        Parallel mode's alignment settings (None in comparable mode).
    """

    settings: CompareSettings
    min_score: float
    equivalent: float
    link_score: float
    same_speaker: bool
    parallel: ParallelSettings | None

    @property
    def mode(self) -> str:
        """"comparable" or "parallel"."""
        return self.settings.mode

    @property
    def unit(self) -> str:
        """"sentence" or "claim": the report's units."""
        return self.settings.unit

    @property
    def k(self) -> int:
        """Neighbourhood size of the margin score."""
        return self.settings.k

    def record(self, model: ModelRecord) -> dict[str, Any]:
        """The run record a report keeps and every export shows (the values used, not the
        options as given).
        """
        out = {
            "model": model.model, "model_fingerprint": model.fingerprint, "precision": model.precision,
            "k": self.k, "min_score": float(self.min_score), "equivalent": self.equivalent, "unit": self.unit,
            "same_speaker": self.same_speaker, "repair_zwnj": self.settings.repair_zwnj, "mode": self.mode,
            "segmented": self.settings.segmented,
        }
        if self.parallel is not None:
            out["parallel"] = {f: getattr(self.parallel, f) for f in ("max_size", "skip", "length_weight", "group_penalty", "search")}
        return out
