"""One rule per option: the constraint table every public entry point validates with.

In the spirit of scikit-learn's ``_param_validation``: a rule (:class:`Integer`, :class:`Real`,
:class:`Options`, :class:`Boolean`, :class:`Text`, :class:`Language`) both checks a value and
says in words what it accepts, so every error has the same shape — ``"k must be an integer >=
1, got 2.7"`` — whether it comes from ``compare``, ``compare_corpus``, a report's or a corpus's
``filter``, or the document loader. :data:`RULES` holds the rule of every option by name;
:func:`check` applies it. Checked values come back normalised (an integral float ``4.0`` as the
int ``4``, a language code stripped and lower-cased), so the code below the boundary trusts them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from .errors import InputError

_LANG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")


@dataclass(frozen=True)
class Rule:
    """A constraint on one option's value; ``none``: None is accepted too (and kept)."""

    none: bool = False

    def words(self) -> str:  # pragma: no cover - every rule says its own
        """What the rule accepts, in words ("an integer >= 1")."""
        raise NotImplementedError

    def convert(self, value: Any) -> Any:  # pragma: no cover - every rule converts its own
        """The value normalised, or raise ``ValueError`` when the rule refuses it."""
        raise NotImplementedError

    def check(self, name: str, value: Any) -> Any:
        """``value`` normalised, or an :class:`~align.errors.InputError` naming ``name``."""
        if value is None and self.none:
            return None
        try:
            return self.convert(value)
        except (ValueError, TypeError):
            raise InputError(f"{name} must be {self.words()}{' (or None)' if self.none else ''}, got {value!r}") from None


@dataclass(frozen=True)
class Integer(Rule):
    """An integer from ``low`` (to ``high``); an integral float (``4.0``) counts, a bool does not."""

    low: int = 0
    high: int | None = None

    def words(self) -> str:
        """What the rule accepts."""
        return f"an integer >= {self.low}" + (f" and <= {self.high}" if self.high is not None else "")

    def convert(self, value: Any) -> int:
        """``value`` as an int."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError
            value = int(value)
        if value < self.low or (self.high is not None and value > self.high):
            raise ValueError
        return int(value)


@dataclass(frozen=True)
class Real(Rule):
    """A finite number between ``low`` and ``high`` (both included)."""

    low: float = 0.0
    high: float = 1.0

    def words(self) -> str:
        """What the rule accepts."""
        return f"a number between {self.low:g} and {self.high:g}"

    def convert(self, value: Any) -> float:
        """``value`` as a float."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise TypeError
        if not self.low <= value <= self.high:
            raise ValueError
        return float(value)


@dataclass(frozen=True)
class Options(Rule):
    """One of a fixed set of values."""

    choices: tuple[Hashable, ...] = ()

    def words(self) -> str:
        """What the rule accepts."""
        if all(isinstance(c, str) for c in self.choices):
            return "one of " + ", ".join(repr(c) for c in self.choices)
        *head, last = [repr(c) for c in self.choices]
        return f"{', '.join(head)} or {last}"

    def convert(self, value: Any) -> Any:
        """``value`` itself, when it is one of the choices (``True`` is not ``1``)."""
        for c in self.choices:
            if type(value) is type(c) and value == c:
                return c
        raise ValueError


@dataclass(frozen=True)
class Boolean(Rule):
    """``True`` or ``False`` (not 1, 0 or "yes")."""

    def words(self) -> str:
        """What the rule accepts."""
        return "True or False"

    def convert(self, value: Any) -> bool:
        """``value`` itself."""
        if not isinstance(value, bool):
            raise TypeError
        return value


@dataclass(frozen=True)
class Text(Rule):
    """Text that is not blank (a name, a model, a search term)."""

    what: str = "text"

    def words(self) -> str:
        """What the rule accepts."""
        return self.what

    def convert(self, value: Any) -> str:
        """``value`` itself."""
        if not isinstance(value, str) or not value.strip():
            raise TypeError
        return value


@dataclass(frozen=True)
class Language(Rule):
    """An ISO 639 code ("fa", "pes", "zh-Hant", "pt_BR"): stripped, the language part
    lower-cased, the region part kept as written, ``_`` written ``-``.
    """

    def words(self) -> str:
        """What the rule accepts."""
        return "an ISO 639 language code such as 'fa', 'ar' or 'en'"

    def convert(self, value: Any) -> str:
        """The normalised code."""
        if not isinstance(value, str) or not _LANG.match(value.strip()):
            raise ValueError
        head, sep, tail = value.strip().replace("_", "-").partition("-")
        return head.lower() + (sep + tail if sep else "")


STATUSES = ("match", "only_a", "only_b")
RELATIONS = ("equivalent", "related")
DECISIONS = ("accepted", "rejected")
MODES = ("comparable", "parallel")
UNITS = ("sentence", "claim")
PRECISIONS = ("auto", "int8", "fp32")
ON_ERROR = ("skip", "stop")
DATE_ORDERS = ("DMY", "MDY", "YMD")

#: The rule of every option, by name: the same name means the same rule everywhere.
RULES: dict[str, Rule] = {
    # a comparison (align.compare, the command line)
    "model": Text(what="'default', a directory or a model name"),
    "precision": Options(choices=PRECISIONS),
    "lang": Language(none=True),
    "min_score": Real(none=True),
    "k": Integer(low=1),
    "unit": Options(choices=UNITS),
    "speaker": Text(none=True, what="a name"),
    "same_speaker": Boolean(none=True),
    "repair_zwnj": Boolean(),
    "mode": Options(choices=MODES),
    "segmented": Boolean(),
    "cache": Boolean(),
    "force": Boolean(),
    "progress": Options(choices=(True, False, "auto")),
    # a corpus run (align.compare_corpus, claimalign corpus)
    "neighbours": Integer(low=1),
    "within_language": Boolean(),
    "date_window": Integer(low=0, none=True),
    "min_pair_score": Real(none=True),
    "partition_size": Integer(low=1),
    "pair_partition_size": Integer(low=1),
    "on_error": Options(choices=ON_ERROR),
    "date_order": Options(none=True, choices=DATE_ORDERS),
    "workers": Integer(low=1, none=True),
    # views of a report or a corpus (filter, review)
    "status": Options(none=True, choices=STATUSES),
    "relation": Options(none=True, choices=RELATIONS),
    "decision": Options(choices=DECISIONS),
    "flag": Text(none=True),
    "event": Text(none=True),
    "outlet": Text(none=True),
    "min_outlets": Integer(low=1, none=True),
    "min_articles": Integer(low=1, none=True),
}


def check(name: str, value: Any, *, rule: str | Rule | None = None) -> Any:
    """``value`` checked by the rule of option ``name`` (or ``rule``: another option's name, or
    a :class:`Rule`), normalised.

    Parameters
    ----------
    name : str
        The option as the user wrote it (shown in the error: "langs[1]", "parallel.skip").
    value : object
        The value given.
    rule : str, Rule or None
        The rule to apply when it is not ``RULES[name]``.

    Returns
    -------
    object
        The normalised value.

    Raises
    ------
    InputError
        "``name`` must be <what the rule accepts>, got <value>".
    """
    r = RULES[rule if isinstance(rule, str) else name] if not isinstance(rule, Rule) else rule
    return r.check(name, value)
