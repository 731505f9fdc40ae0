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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .report import Report
from .sides import Side
from .text import terminal_safe
from .types import Segment, label_key
from .writers import html as html_writer
from .writers.files import atomic_write, csv_text, safe_cell, write_csv
from .writers.meta import today
from .writers.xlsx import xlsx_workbook


@dataclass(frozen=True)
class GroupRow:
    """One row of a multi-document report: a group of matching units, or a unit only in one
    document.

    Parameters
    ----------
    status : str
        "match", or "only_A", "only_B", ... for a unit in no group.
    units : tuple of tuple of Segment
        Per document (in order), the units in this row (empty when the document has none).
    texts : tuple of str
        Per document, the units' texts joined by a space.
    confidence : float or None
        The weakest link's confidence.
    relation : {"equivalent", "related"} or None
    flags : tuple of str
        The links' flags, prefixed with the two documents' letters ("A-B: day: ...").
    """

    status: str
    units: tuple[tuple[Segment, ...], ...]
    texts: tuple[str, ...]
    confidence: float | None = None
    relation: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def is_match(self) -> bool:
        """True for a group of matching units."""
        return self.status == "match"

    def labels(self, k: int) -> tuple[str, ...]:
        """Labels of document ``k``'s units in this row."""
        return tuple(u.label for u in self.units[k])

    def text(self, k: int) -> str:
        """Text of document ``k``'s units in this row."""
        return self.texts[k]

    def speaker(self, k: int) -> str:
        """The people speaking in document ``k``'s units ("; "-joined)."""
        return "; ".join(sorted({u.speaker for u in self.units[k]} - {None}))

    def articles(self, letters: Sequence[str]) -> str:
        """The letters of the documents present in this row ("A,B,C")."""
        return ",".join(x for k, x in enumerate(letters) if self.units[k])


def build_groups(unit_lists: Sequence[Sequence[Segment]], pairwise: dict[tuple[int, int], Report]) -> list[GroupRow]:
    """Join pairwise matches into groups of units across documents (connected components).

    Parameters
    ----------
    unit_lists : sequence of sequence of Segment
        Each document's report units, in document order.
    pairwise : dict
        ``{(i, j): Report}`` for document pairs i < j.

    Returns
    -------
    list of GroupRow
        Groups first (most documents first), then units in no group.
    """
    letters = string.ascii_uppercase
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links = []  # (a node of the match, the match row, letters of its two documents)
    for (i, j), rep in pairwise.items():
        for r in rep.matches:
            if r.reviewed.startswith("rejected"):
                continue  # a reviewer said these do not state the same claim
            nodes = [(i, u) for u in r.a_labels] + [(j, u) for u in r.b_labels]
            for n in nodes[1:]:
                parent[find(n)] = find(nodes[0])
            links.append((nodes[0], r, letters[i], letters[j]))
    groups: dict = {}
    for node in list(parent):
        groups.setdefault(find(node), set()).add(node)
    link_of: dict = {}
    for node, r, x, y in links:
        link_of.setdefault(find(node), []).append((r, x, y))
    by_label = [{str(u.label): u for u in units} for units in unit_lists]

    def row(status: str, per_doc: list[list[str]], **kw: Any) -> GroupRow:
        units = tuple(tuple(by_label[k][lab] for lab in labs) for k, labs in enumerate(per_doc))
        return GroupRow(status, units, tuple(" ".join(u.text for u in us) for us in units), **kw)

    rows = []
    for root, members in groups.items():
        rs = link_of.get(root, [])
        scores = [r.confidence for r, _, _ in rs if r.confidence is not None]
        per_doc = [sorted((lab for (a, lab) in members if a == k), key=label_key) for k in range(len(unit_lists))]
        rows.append(row(
            "match", per_doc, confidence=min(scores) if scores else None,
            relation="equivalent" if rs and all(r.relation == "equivalent" for r, _, _ in rs) else "related",
            flags=tuple(sorted({f"{x}-{y}: {f}" for r, x, y in rs for f in r.flags if not f.startswith("duplicate")})),
        ))
    grouped = {(k, lab) for members in groups.values() for k, lab in members}
    for k in range(len(unit_lists)):
        for lab in by_label[k]:
            if (k, lab) not in grouped:
                per_doc = [[lab] if m == k else [] for m in range(len(unit_lists))]
                rows.append(row(f"only_{letters[k]}", per_doc))
    n = len(unit_lists)
    rows.sort(key=lambda r: (not r.is_match, -sum(1 for us in r.units if us),
                             *[tuple(label_key(u.label) for u in r.units[k]) or ((1e9,),) for k in range(n)]))
    return rows


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
        return build_groups([s.units(unit) for s in self.sides], self.pairwise)

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
