"""More than two documents: groups of claims, one column per document.

``align.compare(a, b, c, ...)`` compares every pair of documents (each embedded once), then
joins the pairwise matches into groups (:func:`build_groups`): two units are in one group when
a chain of matches links them (connected components). A group lists, per document, the units
that state the claim; units in no group are listed as only in their document. A group's
confidence is the lowest confidence among the matches that hold it together (a chain is as
strong as its weakest link); its relation is "equivalent" only when every link is.
"""
from __future__ import annotations

import json
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
from .writers.files import atomic_write, csv_text, safe_cell, write_csv
from .writers.meta import today
from .writers.xlsx import xlsx_workbook


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
        return build_groups([s.units(unit) for s in self.sides], {k: rep.matches for k, rep in self.pairwise.items()})

    @property
    def columns(self) -> list[str]:
        """Columns of the CSV/XLSX/DataFrame views."""
        cols = ["status", "articles", "score", "relation"]
        for x in self.letters:
            cols += [f"{x}_ids", f"{x}_text", f"{x}_speaker"]
        return cols + ["flags"]

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

    def flat_row(self, r: GroupRow, *, safe: bool) -> dict[str, Any]:
        """One row as scalar cells keyed by ``columns`` (``safe``: for files)."""
        out: dict[str, Any] = {"status": r.status, "articles": r.articles(self.letters)}
        out["score"] = None if r.confidence is None else (f"{r.confidence:.3f}" if safe else round(r.confidence, 3))
        out["relation"] = r.relation or ""
        for k, x in enumerate(self.letters):
            out[f"{x}_ids"] = ";".join(r.labels(k))
            out[f"{x}_text"] = r.texts[k]
            out[f"{x}_speaker"] = r.speaker(k)
        out["flags"] = "; ".join(r.flags)
        out = {c: out[c] for c in self.columns}
        return {c: safe_cell(v) for c, v in out.items()} if safe else out

    def to_frame(self):
        """All rows as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([self.flat_row(r, safe=False) for r in self.rows], columns=self.columns)

    def to_csv_string(self) -> str:
        """The CSV text (formula-safe)."""
        return csv_text(self.columns, [self.flat_row(r, safe=True) for r in self.rows])

    def to_csv(self, path: str | os.PathLike) -> Path:
        """Write CSV (UTF-8 with BOM), atomically."""
        return write_csv(path, self.to_csv_string())

    def to_jsonl(self, path: str | os.PathLike | None = None) -> str | Path:
        """JSON Lines: a meta line (documents, options), then one object per row."""
        articles = {x: {"name": s.document.name, "lang": s.document.lang} for x, s in zip(self.letters, self.sides, strict=True)}
        lines = [json.dumps({"type": "meta", "articles": articles, "options": self.options},
                            ensure_ascii=False, sort_keys=True)]
        lines += [json.dumps({"type": "row", **self.flat_row(r, safe=False), "flags": list(r.flags)},
                             ensure_ascii=False, sort_keys=True) for r in self.rows]
        text = "\n".join(lines) + "\n"
        return text if path is None else atomic_write(path, text.encode("utf-8"))

    def to_xlsx(self, path: str | os.PathLike) -> Path:
        """Excel workbook: the groups and the run metadata."""
        run = {"date": today(), "articles": {x: s.document.name for x, s in zip(self.letters, self.sides, strict=True)}, **self.options}
        rows = [self.flat_row(r, safe=False) for r in self.rows]
        return atomic_write(path, xlsx_workbook([("groups", self.columns, rows)], run))

    def to_html(self, path: str | os.PathLike | None = None) -> str | Path:
        """A standalone n-column HTML page; written atomically to ``path`` when given."""
        page = html_writer.render_multi_html(self, standalone=True)
        return page if path is None else atomic_write(path, page.encode("utf-8"))

    def _repr_html_(self) -> str:
        return html_writer.render_multi_html(self, standalone=False)

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
