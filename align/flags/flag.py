"""The typed flag: one disagreement between the two sides of a pair, readable as text.

A :class:`Flag` *is* its readable text (a ``str``: "day: Sunday (یکشنبه) vs Wednesday
(الأربعاء)", "person only in B: حمد الله محب", "duplicate of b#1"), so every place that shows,
filters or writes flags as text goes on working, and it carries its parts as attributes:

- ``kind``: what the flag is about (:data:`KINDS`): day, relative day, date, month, year, time,
  number, count (a number of people), person, place; or note;
- ``severity``: ``"conflict"`` (both sides state the fact and the values differ), ``"only_a"`` /
  ``"only_b"`` (mentioned on one side only) or ``"note"`` (``duplicate of b#1``);
- ``a``, ``b``: the values of each side as shown (as written in the article, with the
  canonical value first where the writing differs: ``Sunday (یکشنبه)``, ``15 (۱۵)``);
- ``where``: in a report of three or more articles, the two articles it is between ("A-C").

Conflicts come first wherever flags are shown (:func:`ordered`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

#: The kinds of flag, in the order they are shown within a severity.
KINDS = ("day", "relative day", "date", "month", "year", "time", "number", "count", "person", "place", "note")
#: Severities, most important first.
SEVERITIES = ("conflict", "only_a", "only_b", "note")
#: How a kind reads in a flag's text.
LABELS = {"count": "number of people"}
_KIND_OF_LABEL = {"number of people": "count", "numbers": "number", "persons": "person", "places": "place"}
_ONLY = re.compile(r"^(?P<label>[a-z ]+?) only in (?P<side>[AB]): (?P<value>.*)$", re.S)
_CONFLICT = re.compile(r"^(?P<label>[a-z ]+?): (?P<a>.*?) vs (?P<b>.*)$", re.S)
_WHERE = re.compile(r"^(?P<where>[A-Z]-[A-Z]): (?P<rest>.*)$", re.S)


def label(kind: str) -> str:
    """How ``kind`` reads in a flag ("count" -> "number of people")."""
    return LABELS.get(kind, kind)


class Flag(str):
    """One disagreement flag: its readable text, with ``kind``, ``severity``, ``a``, ``b`` and
    ``where`` (see the module docstring).

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    severity : {"conflict", "only_a", "only_b", "note"}
    a, b : str
        The values of side A and side B as shown ("" for the side that has none).
    where : str
        "A-C": the two articles of a multi-article report it is between ("" in a pair's report).
    text : str, optional
        The readable text (a note's text; otherwise built from the parts).
    """

    kind: str
    severity: str
    a: str
    b: str
    where: str

    def __new__(cls, kind: str, severity: str, a: str = "", b: str = "", where: str = "", text: str | None = None) -> Flag:
        """A flag of ``kind`` and ``severity`` (its text built from the parts unless given)."""
        if kind not in KINDS:
            raise ValueError(f"unknown flag kind {kind!r}")
        if severity not in SEVERITIES:
            raise ValueError(f"unknown flag severity {severity!r}")
        body = text if text is not None else _render(kind, severity, a, b)
        self = super().__new__(cls, f"{where}: {body}" if where else body)
        self.kind, self.severity, self.a, self.b, self.where = kind, severity, a, b, where
        return self

    def __reduce__(self):
        return (_rebuild, (self.kind, self.severity, self.a, self.b, self.where, self.body))

    @property
    def body(self) -> str:
        """The text without the articles' letters ("day: …" of "A-B: day: …")."""
        return str(self)[len(self.where) + 2:] if self.where else str(self)

    @property
    def is_conflict(self) -> bool:
        """Both sides state the fact and the values differ."""
        return self.severity == "conflict"

    def between(self, where: str) -> Flag:
        """The same flag, between the articles ``where`` ("B-C") of a multi-article report, its
        sides named by their letters ("place only in C: …", not "only in B").
        """
        x, _, y = where.partition("-")
        body = _ONLY_IN.sub(lambda m: f"only in {x if m.group(1) == 'A' else y}", self.body)
        return Flag(self.kind, self.severity, self.a, self.b, where, body)

    def record(self) -> dict[str, str]:
        """The flag as a JSON object: ``type``, ``severity``, ``a``, ``b``, ``text`` (and ``where``)."""
        out = {"type": self.kind, "severity": self.severity, "a": self.a, "b": self.b, "text": str(self)}
        if self.where:
            out["where"] = self.where
        return out


_ONLY_IN = re.compile(r"\bonly in ([AB])\b")


def _rebuild(kind: str, severity: str, a: str, b: str, where: str, body: str) -> Flag:
    return Flag(kind, severity, a, b, where, body)


def _render(kind: str, severity: str, a: str, b: str) -> str:
    if severity == "conflict":
        return f"{label(kind)}: {a} vs {b}"
    if severity == "only_a":
        return f"{label(kind)} only in A: {a}"
    if severity == "only_b":
        return f"{label(kind)} only in B: {b}"
    return a


def note(text: str) -> Flag:
    """A note on a row ("duplicate of b#1")."""
    return Flag("note", "note", a=text, text=text)


def parse(text: str) -> Flag:
    """The typed flag of a flag's text, as written by any claimalign (older saved reports hold
    only the text): "numbers: 15 vs 16" is a number conflict, "person only in B: X" a person
    mentioned on one side only; a text of no known form is a note.
    """
    if isinstance(text, Flag):
        return text
    where = ""
    m = _WHERE.match(text)
    if m:
        where, text = m.group("where"), m.group("rest")
    only = _ONLY.match(text)
    if only:
        kind = _kind(only.group("label"))
        if kind:
            side = only.group("side")
            value = only.group("value")
            return Flag(kind, f"only_{side.lower()}", value if side == "A" else "", value if side == "B" else "", where, text)
    conflict = _CONFLICT.match(text)
    if conflict:
        kind = _kind(conflict.group("label"))
        if kind:
            return Flag(kind, "conflict", conflict.group("a"), conflict.group("b"), where, text)
    return Flag("note", "note", a=text, where=where, text=text)


def _kind(lab: str) -> str | None:
    lab = lab.strip()
    kind = _KIND_OF_LABEL.get(lab, lab)
    return kind if kind in KINDS and kind != "note" else None


def from_record(record: Mapping[str, Any]) -> Flag:
    """The flag of a JSON object written by :meth:`Flag.record`."""
    where = record.get("where", "") or ""
    text = record["text"]
    body = text[len(where) + 2:] if where and text.startswith(where + ": ") else text
    return Flag(record["type"], record["severity"], record.get("a", ""), record.get("b", ""), where, body)


def _rank(f: str) -> tuple[int, int]:
    f = parse(f)
    return (SEVERITIES.index(f.severity), KINDS.index(f.kind))


def ordered(flags: Iterable[str]) -> tuple[Flag, ...]:
    """Flags typed (:func:`parse`) and in the order they are shown: conflicts first, then what
    one side alone mentions (A's, then B's), then notes; within each, by kind (stable).
    """
    typed = [parse(f) for f in flags]
    return tuple(sorted(typed, key=_rank))


def conflicts(flags: Iterable[str]) -> tuple[Flag, ...]:
    """The conflicts among ``flags``, in order."""
    return tuple(f for f in ordered(flags) if f.is_conflict)
