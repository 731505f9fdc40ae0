"""More than two documents: groups of claims, one column per document.

``align.compare(a, b, c, ...)`` compares every pair of documents (each embedded once) exactly as
a comparison of the two alone would, then turns the pairwise matches into rows
(``align.groups.build_groups``): groups of units joined by equivalent links (a group's
confidence is its weakest link), related links in rows of their own, and units in no row as only
in their document. Every pair a two-document report lists is in some row.
"""
from __future__ import annotations

import os
import string
from pathlib import Path
from typing import Any

from .errors import InputError
from .groups import GroupRow, build_groups
from .report import Report
from .sides import Side
from .text import terminal_safe
from .writers import html as html_writer
from .writers.dispatch import write
from .writers.files import atomic_write
from .writers.formats import table_csv, table_jsonl, write_table_csv
from .writers.meta import today
from .writers.table import Column, Table
from .writers.xlsx import tables_xlsx


class MultiReport:
    """Result of ``align.compare`` with three or more documents.

    Parameters
    ----------
    sides : list of Side
        The prepared documents, in order (letters A, B, C, ...).
    pairwise : dict
        ``{(i, j): Report}`` for every pair i < j.
    options : dict
        The run record written to every export.
    """

    def __init__(self, sides: list[Side], pairwise: dict[tuple[int, int], Report], options: dict[str, Any]):
        self.sides = sides
        self.pairwise = pairwise
        self.options = dict(options)
        self.letters = list(string.ascii_uppercase[: len(sides)])

    @property
    def rows(self) -> list[GroupRow]:
        """The groups and the units in none, from the pairwise reports as they read now (a
        match rejected in review links nothing).
        """
        unit = self.options.get("unit", "sentence")
        return build_groups([s.units(unit) for s in self.sides], {k: rep.matches for k, rep in self.pairwise.items()},
                            self.options.get("link_score", self.options.get("min_score") or 0.75))

    @property
    def columns(self) -> list[str]:
        """Columns of the CSV/XLSX/DataFrame views."""
        return self.table().names

    def _columns(self) -> tuple[Column, ...]:
        cols = [Column("status"), Column("articles"), Column("score", "float", 3), Column("relation")]
        for x in self.letters:
            cols += [Column(f"{x}_ids"), Column(f"{x}_text"), Column(f"{x}_speaker")]
        return (*cols, Column("flags", "list"))

    def record(self, r: GroupRow) -> dict[str, Any]:
        """One row as a record of :meth:`table` (the score as shown: three decimals)."""
        out: dict[str, Any] = {"status": r.status, "articles": r.articles(self.letters),
                               "score": None if r.confidence is None else round(r.confidence, 3), "relation": r.relation or ""}
        for k, x in enumerate(self.letters):
            out.update({f"{x}_ids": ";".join(r.labels(k)), f"{x}_text": r.texts[k], f"{x}_speaker": r.speaker(k)})
        out["flags"] = list(r.flags)
        return out

    def table(self) -> Table:
        """The groups as a :class:`~align.writers.table.Table` (what every writer reads)."""
        return Table("groups", self._columns(), [self.record(r) for r in self.rows], self.options)

    def sheets(self) -> list[Table]:
        """The XLSX sheets: the groups."""
        return [self.table()]

    def run_metadata(self) -> dict[str, Any]:
        """The XLSX run sheet: date, articles, run record."""
        return {"date": today(), "articles": {x: s.document.name for x, s in zip(self.letters, self.sides, strict=True)},
                **self.options}

    def jsonl_meta(self) -> dict[str, Any]:
        """The JSONL meta line: the articles and the run record."""
        return {"articles": {x: {"name": s.document.name, "lang": s.document.lang} for x, s in zip(self.letters, self.sides, strict=True)},
                "options": self.options}

    def html_page(self, *, standalone: bool = True) -> str:
        """The n-column view as HTML (a standalone page, or a fragment for Jupyter)."""
        return html_writer.render_multi_html(self.rows, [s.document for s in self.sides], self.letters, standalone=standalone)

    def write(self, path: str | os.PathLike) -> Path:
        """Write the groups in the format ``path``'s suffix names (.csv, .xlsx, .html, .jsonl)."""
        return write(self, path)

    def report(self, i: int | str, j: int | str) -> Report:
        """The pairwise Report of two documents (by index or letter, i before j)."""
        i, j = (self.letters.index(x) if isinstance(x, str) and x in self.letters else x for x in (i, j))
        if (i, j) in self.pairwise:
            return self.pairwise[i, j]
        raise InputError(f"no pairwise report ({i}, {j}); articles are {', '.join(self.letters)} in order")

    @property
    def counts(self) -> dict[str, int]:
        """Rows per status."""
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def to_frame(self):
        """All rows as a pandas DataFrame."""
        return self.table().to_frame()

    def to_csv_string(self) -> str:
        """The CSV text (formula-safe)."""
        return table_csv(self.table())

    def to_csv(self, path: str | os.PathLike) -> Path:
        """Write CSV (UTF-8 with BOM), atomically."""
        return write_table_csv(path, self.table())

    def to_jsonl(self, path: str | os.PathLike | None = None) -> str | Path:
        """JSON Lines: a meta line (documents, options), then one object per row."""
        text = table_jsonl(self.table(), self.jsonl_meta())
        return text if path is None else atomic_write(path, text.encode("utf-8"))

    def to_xlsx(self, path: str | os.PathLike) -> Path:
        """Excel workbook: the groups and the run metadata."""
        return atomic_write(path, tables_xlsx(self.sheets(), self.run_metadata()))

    def to_html(self, path: str | os.PathLike | None = None) -> str | Path:
        """A standalone n-column HTML page; written atomically to ``path`` when given."""
        page = self.html_page()
        return page if path is None else atomic_write(path, page.encode("utf-8"))

    def _repr_html_(self) -> str:
        return self.html_page(standalone=False)

    def summary(self, width: int = 40) -> str:
        """A plain-text summary for the terminal."""
        names = "  ".join(f"{x}: {s.document.name} [{s.document.lang}]" for x, s in zip(self.letters, self.sides, strict=True))
        groups = [r for r in self.rows if r.is_match]
        lines = [names, f"{len(groups)} groups of matching claims; "
                 + ", ".join(f"{self.counts.get('only_' + x, 0)} only in {x}" for x in self.letters)]
        for r in groups:
            cells = "  ".join(f"{x}{';'.join(r.labels(k)) or '-':<5}" for k, x in enumerate(self.letters))
            score = "hand" if r.confidence is None else f"{r.confidence:.2f}"
            lines.append(f"  {score}  {cells}")
        return terminal_safe("\n".join(lines))

    def __repr__(self) -> str:
        return f"<MultiReport {len(self.sides)} articles: {sum(1 for r in self.rows if r.is_match)} groups>"
