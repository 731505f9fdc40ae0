"""The typed records of a corpus result, one frozen dataclass per table, and each table's columns.

A record's fields *are* its table's columns: :func:`columns` derives the typed
:class:`~align.writers.table.Column` of each field from its annotation (``str`` -> text, ``int``
-> int, ``float`` -> float, ``bool`` -> bool, ``tuple[str, ...]`` -> list), so a table's columns,
their order and their Parquet types are written once, here. Records read as mappings too
(``record["event"]``, ``record.get("url")``), which is how the writers' :class:`Table` reads its
rows and how results were read before they were typed.

Tables (see ``align.corpus.result``): ``articles`` (:class:`ArticleRecord`), ``segments``
(:class:`SegmentRecord`), ``article_pairs`` (:class:`PairRecord`), ``alignments``
(:class:`AlignmentRecord`), ``clusters`` (:class:`ClusterRecord`), ``events``
(:class:`EventRecord`), ``outlets`` (:class:`OutletRecord`), ``bad_rows`` (:class:`BadRowRecord`).
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ..writers.table import Column, Table

#: Column kind of each field annotation used by the records below.
_KINDS = {"str": "text", "int": "int", "float": "float", "bool": "bool", "tuple[str, ...]": "list"}


class Record(Mapping):
    """A frozen record that also reads as a read-only mapping of its fields (the table's columns)."""

    table: ClassVar[str] = ""

    def __getitem__(self, name: str) -> Any:
        if name not in _name_set(type(self)):
            raise KeyError(name)
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The field (column) names, in order."""
        return _names(cls)

    def replace(self, **changes: Any):
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def _name_set(cls: type) -> frozenset[str]:
    return frozenset(_names(cls))


@functools.cache
def columns(cls: type[Record]) -> tuple[Column, ...]:
    """The typed columns of a record class, one per field, in field order."""
    out = []
    for f in dataclasses.fields(cls):
        kind = _KINDS.get(str(f.type).replace(" | None", ""))
        if kind is None:  # pragma: no cover - a programming error, caught by the unit tests
            raise TypeError(f"{cls.__name__}.{f.name}: no column kind for {f.type!r}")
        out.append(Column(f.name, kind))
    return tuple(out)


@dataclass(frozen=True)
class ArticleRecord(Record):
    """One usable article: metadata (``date``: ISO, Gregorian; ``date_written``: as the input
    wrote it), counts, its event (None: in no event), and its nearest candidate (the candidate
    pair of highest score it is in) with that score.
    """

    table: ClassVar[str] = "articles"
    id: str
    lang: str
    outlet: str
    date: str | None
    date_written: str | None
    title: str
    url: str
    n_sentences: int
    n_claims: int
    chars: int
    event: str | None
    where: str
    nearest: str | None
    nearest_score: float | None


@dataclass(frozen=True)
class SegmentRecord(Record):
    """One sentence or claim of an article (offsets into its text); a claim's cluster."""

    table: ClassVar[str] = "segments"
    article: str
    unit: str
    label: str
    id: int
    sentence: int | None
    part: int | None
    kind: str
    text: str
    start: int
    end: int
    paragraph: int
    lang: str
    speaker: str | None
    speaker_key: str | None
    duplicate_of: int | None
    cluster: str | None


@dataclass(frozen=True)
class PairRecord(Record):
    """One candidate same-event pair: the cosine of the two article vectors, the features of its
    score (``align.corpus.events.FEATURES``) and its day conflict, calibrated score, decision; for a confirmed one how
    much of each article the other carries and its event (None also when the confirmed pair did
    not join its articles' events: fewer than half of the pairs between them confirmed).
    """

    table: ClassVar[str] = "article_pairs"
    a: str
    b: str
    lang_a: str
    lang_b: str
    outlet_a: str
    outlet_b: str
    date_gap_days: int | None
    cos: float | None
    claim_gain: float | None
    claim_z: float | None
    lead_gain: float | None
    lead_z: float | None
    match_top: float | None
    match_share: float | None
    names_shared: float | None
    names_missing: float | None
    day_conflict: float | None
    coverage_a: float | None
    coverage_b: float | None
    coverage: float | None
    score: float
    confirmed: bool
    n_matches: int | None
    event: str | None


@dataclass(frozen=True)
class AlignmentRecord(Record):
    """One matched claim pair of a confirmed same-event pair, and the cluster it joined (None:
    the link was refused).
    """

    table: ClassVar[str] = "alignments"
    event: str | None
    cluster: str | None
    a: str
    b: str
    a_claims: tuple[str, ...]
    b_claims: tuple[str, ...]
    a_text: str
    b_text: str
    a_speaker: str | None
    b_speaker: str | None
    confidence: float | None
    relation: str | None
    similarity: float | None
    margin: float | None
    gain: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ClusterRecord(Record):
    """One claim as carried by one or more articles of an event (see ``align.corpus.clusters``)."""

    table: ClassVar[str] = "clusters"
    cluster: str
    event: str | None
    text: str
    lang: str
    speaker: str | None
    speaker_key: str | None
    first_date: str | None
    first_article: str
    first_outlet: str
    n_articles: int
    n_outlets: int
    n_langs: int
    articles: tuple[str, ...]
    outlets: tuple[str, ...]
    langs: tuple[str, ...]
    members: tuple[str, ...]
    scope: str
    confidence: float | None
    relation: str | None
    flags: tuple[str, ...]
    flag_kinds: tuple[str, ...]
    disagreement: bool


@dataclass(frozen=True)
class EventRecord(Record):
    """One event: its articles, outlets, languages and claim counts."""

    table: ClassVar[str] = "events"
    event: str
    first_date: str | None
    last_date: str | None
    title: str
    n_articles: int
    n_outlets: int
    n_langs: int
    langs: tuple[str, ...]
    outlets: tuple[str, ...]
    articles: tuple[str, ...]
    n_claims: int
    n_shared: int
    n_flagged: int


@dataclass(frozen=True)
class OutletRecord(Record):
    """One outlet (an article without one counts as its own): its articles, and the claims it
    carried: all of them, those no other outlet carried, those with a disagreement flag between
    its version and another outlet's.
    """

    table: ClassVar[str] = "outlets"
    outlet: str
    langs: tuple[str, ...]
    n_articles: int
    n_in_events: int
    n_claims: int
    n_only: int
    n_conflicts: int


@dataclass(frozen=True)
class BadRowRecord(Record):
    """A row or file that was not used, and why."""

    table: ClassVar[str] = "bad_rows"
    id: str
    where: str
    reason: str
    action: str


RECORDS: dict[str, type[Record]] = {r.table: r for r in (ArticleRecord, SegmentRecord, PairRecord, AlignmentRecord,
                                                          ClusterRecord, EventRecord, OutletRecord, BadRowRecord)}
#: Column name -> XLSX width, for every sheet of the summary.
WIDTHS = {"text": 70, "title": 50, "flags": 50, "outlets": 30, "reason": 60, "where": 24, "url": 30, "speaker": 18, "outlet": 30}


def table(name: str, records: Sequence[Record], meta: Mapping[str, Any] | None = None,
          only: Sequence[str] | None = None, title: str | None = None) -> Table:
    """The :class:`Table` of one corpus table's records (``only``: these columns, in this order;
    ``title``: the sheet's name, default ``name``).
    """
    cols = columns(RECORDS[name])
    if only is not None:
        by_name = {c.name: c for c in cols}
        cols = tuple(by_name[c] for c in only)
    return Table(title or name, cols, records, dict(meta or {}), WIDTHS)


def plain(value: Any) -> Any:
    """A record's value as pandas and JSON want it (tuples as lists)."""
    return list(value) if isinstance(value, tuple) else value
