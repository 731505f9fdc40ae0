"""Tables: what every result hands the writers.

A :class:`Table` is typed columns, records (one mapping per row, values in their natural Python
types: numbers, lists, None) and metadata. Each result (a two-article ``Report``, a
``MultiReport``, a ``Corpus``) builds its tables; the writers (CSV, XLSX, JSONL, Parquet) and
``to_frame`` read only tables, so a result never formats a cell itself and every format of every
result follows the same rules:

- *flat* cells (CSV, XLSX, DataFrame): a list is joined with its column's ``joiner``, a missing
  text is ``""``, a number keeps ``digits`` decimals (fixed-point text in CSV, a rounded float in
  XLSX and the DataFrame); in files every text cell is formula-safe;
- *raw* values (JSONL, Parquet): as they are; columns with ``flat=False`` (character spans, the
  typed flags) only appear there.

Flags: ``flags`` lists every flag's readable text, conflicts first (then what one side alone
mentions, then notes); ``conflicts`` repeats only the conflicts, so that a spreadsheet filters
on them; ``flag_details`` (JSONL) gives each flag typed: ``type``, ``severity``, ``a``, ``b``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..flags import ordered
from ..rows import Row
from .files import safe_cell

KINDS = ("text", "int", "float", "bool", "list", "flags")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name : str
    kind : {"text", "int", "float", "bool", "list", "flags"}
        "list": a list of text (or of pairs of offsets, for spans); "flags": a list of typed
        flags as objects (``type``, ``severity``, ``a``, ``b``, ``text``; raw formats only).
    digits : int or None
        "float": decimals kept in flat cells.
    joiner : str
        "list": how a flat cell joins the items.
    flat : bool
        False: only in the raw formats (JSONL, Parquet).
    detail : bool
        A column for checking rather than reading (the matched claim again, scores behind the
        confidence, speaker keys): XLSX groups it collapsed (hidden, shown with the outline's
        "+"), so that a sheet fits the screen and prints one record per line at a readable size.
    """

    name: str
    kind: str = "text"
    digits: int | None = None
    joiner: str = "; "
    flat: bool = True
    detail: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:  # pragma: no cover - a programming error
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")

    def cell(self, value: Any, *, safe: bool) -> Any:
        """``value`` as a flat cell (``safe``: for a file, as text that no spreadsheet runs)."""
        if self.kind == "float":
            if value is None:
                return None
            if self.digits is None:
                return float(value)
            return f"{float(value):.{self.digits}f}" if safe else round(float(value), self.digits)
        if self.kind == "flags":
            value = "" if value is None else self.joiner.join(str(x.get("text", "")) for x in value)
        elif self.kind == "list":
            value = "" if value is None else self.joiner.join(str(x) for x in value)
        elif self.kind == "text" and value is None:
            value = ""
        return safe_cell(value) if safe and self.kind in ("text", "list", "flags") else value


@dataclass(frozen=True)
class Table:
    """A result's table: typed columns, records and metadata.

    Parameters
    ----------
    name : str
        The table's name (an XLSX sheet, a Parquet file).
    columns : tuple of Column
    records : sequence of mapping
        One mapping per row, keyed by column name (a missing key is None).
    meta : mapping
        The run record written with the table (JSONL meta line, XLSX run sheet).
    widths : mapping
        XLSX column widths by column name.
    outline : str or None
        XLSX: a column whose repeated values are grouped under their first row.
    """

    name: str
    columns: tuple[Column, ...]
    records: Sequence[Mapping[str, Any]]
    meta: Mapping[str, Any] = field(default_factory=dict)
    widths: Mapping[str, int] = field(default_factory=dict)
    outline: str | None = None

    @property
    def details(self) -> list[str]:
        """The flat columns marked ``detail`` (collapsed in XLSX)."""
        return [c.name for c in self.columns if c.flat and c.detail]

    @property
    def names(self) -> list[str]:
        """The names of the flat columns (CSV, XLSX, DataFrame), in order."""
        return [c.name for c in self.columns if c.flat]

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)

    def flat(self, record: Mapping[str, Any], *, safe: bool) -> dict[str, Any]:
        """One record as flat cells, keyed by :attr:`names`."""
        return {c.name: c.cell(record.get(c.name), safe=safe) for c in self.columns if c.flat}

    def raw(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """One record with every column, values as they are."""
        return {c.name: record.get(c.name) for c in self.columns}

    def where(self, name: str, keep: Callable[[Mapping[str, Any]], bool]) -> Table:
        """The table of the records that ``keep`` accepts, called ``name``."""
        return replace(self, name=name, records=[r for r in self.records if keep(r)])

    def head(self, n: int) -> Table:
        """The first ``n`` records."""
        return replace(self, records=list(self.records[:n]))

    def to_frame(self):
        """The flat table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([self.flat(r, safe=False) for r in self.records], columns=self.names)


#: The columns of a two-article report. ``score`` is the pair's confidence (the column keeps its
#: first name so that existing spreadsheets and scripts go on working).
REPORT_COLUMNS = (
    Column("status"), Column("score", "float", 3), Column("relation"), Column("similarity", "float", 3, detail=True),
    Column("a_ids", "list", joiner=";"), Column("a_text"), Column("b_ids", "list", joiner=";"), Column("b_text"),
    Column("a_speaker"), Column("b_speaker"), Column("flags", "list"), Column("reviewed"), Column("margin", "float", 4, detail=True),
    Column("a_claim", detail=True), Column("b_claim", detail=True), Column("nearest"), Column("a_speaker_key", detail=True),
    Column("b_speaker_key", detail=True), Column("conflicts", "list", detail=True), Column("group"),
    Column("a_spans", "list", flat=False), Column("b_spans", "list", flat=False), Column("flag_details", "flags", flat=False),
)
COLUMNS = [c.name for c in REPORT_COLUMNS if c.flat]
REPORT_WIDTHS = {"a_text": 60, "b_text": 60, "a_claim": 40, "b_claim": 40, "flags": 40, "conflicts": 40, "a_speaker": 18,
                 "b_speaker": 18, "status": 8, "score": 7, "relation": 10, "similarity": 9, "a_ids": 7, "b_ids": 7,
                 "reviewed": 11, "margin": 8, "group": 8}


def row_record(row: Row) -> dict[str, Any]:
    """One report row as a record of :data:`REPORT_COLUMNS`."""
    flags = ordered(row.flags)
    return {
        "status": row.status, "score": row.confidence, "relation": row.relation, "similarity": row.similarity,
        "a_ids": list(row.a_labels), "a_text": row.a_text, "b_ids": list(row.b_labels), "b_text": row.b_text,
        "a_speaker": row.a_speaker, "b_speaker": row.b_speaker, "flags": [str(f) for f in flags], "reviewed": row.reviewed,
        "margin": row.margin, "a_claim": row.a_claim, "b_claim": row.b_claim, "nearest": row.nearest,
        "a_speaker_key": row.a_speaker_key, "b_speaker_key": row.b_speaker_key, "group": row.group,
        "a_spans": [[u.start, u.end] for u in row.a], "b_spans": [[u.start, u.end] for u in row.b],
        "conflicts": [str(f) for f in flags if f.is_conflict], "flag_details": [f.record() for f in flags],
    }


def report_table(rows: Sequence[Row], meta: Mapping[str, Any]) -> Table:
    """The table of a two-article report's rows."""
    return Table("pairs", REPORT_COLUMNS, [row_record(r) for r in rows], meta, REPORT_WIDTHS)


def flat_row(row: Row, *, safe: bool) -> dict[str, Any]:
    """One report row as flat cells keyed by :data:`COLUMNS` (``safe``: for files)."""
    return Table("pairs", REPORT_COLUMNS, ()).flat(row_record(row), safe=safe)


#: The most characters Excel keeps in one cell.
EXCEL_CELL_LIMIT = 32_767


def fit_cell(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """``text`` cut to fit one spreadsheet cell, the cut said in the cell itself."""
    if len(text) <= limit:
        return text
    note = f" … [cut: {len(text):,} characters in all; the CSV and JSONL reports keep the whole text]"
    return text[: limit - len(note)] + note


def truncated_cells(table: Table) -> int:
    """How many text cells of ``table`` are longer than one spreadsheet cell holds."""
    return sum(1 for r in table.records for v in table.flat(r, safe=False).values()
               if isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT)
