"""More than two articles: groups of claims, one column per article.

``align.compare(a, b, c, ...)`` compares every pair of articles (each article embedded once),
then joins the pairwise matches into groups: two claims are in one group when a chain of
matches links them (connected components). A group lists, per article, the units that state
the claim; units in no group are listed as only in their article. A group's confidence is the
lowest confidence among the matches that hold it together (a chain is as strong as its
weakest link); its relation is "equivalent" only when every link is.
"""
from __future__ import annotations

import json
import os
import string
from itertools import combinations
from pathlib import Path

from .errors import InputError
from .report import Report, atomic_write, csv_text, safe_cell, write_csv


class MultiReport:
    """Result of ``align.compare`` with three or more articles."""

    def __init__(self, sides: list, pairwise: dict[tuple[int, int], Report], options: dict):
        self.sides = sides
        self.pairwise = pairwise
        self.options = dict(options)
        self.letters = list(string.ascii_uppercase[: len(sides)])
        self.rows = self._build_rows()

    @property
    def columns(self) -> list[str]:
        cols = ["status", "articles", "score", "relation"]
        for x in self.letters:
            cols += [f"{x}_ids", f"{x}_text", f"{x}_speaker"]
        return cols + ["flags"]

    def report(self, i: int | str, j: int | str) -> Report:
        """The pairwise Report of two articles (by index or letter)."""
        i, j = (self.letters.index(x) if isinstance(x, str) else x for x in (i, j))
        if (i, j) in self.pairwise:
            return self.pairwise[i, j]
        raise InputError(f"no pairwise report ({i}, {j}); articles are {', '.join(self.letters)} in order")

    def _build_rows(self) -> list[dict]:
        parent: dict = {}

        def find(x):
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        links = []  # (a node of the match, the match row, letters of its two articles)
        for (i, j), rep in self.pairwise.items():
            for r in rep.matches:
                nodes = [(i, u) for u in r["a_labels"]] + [(j, u) for u in r["b_labels"]]
                for n in nodes[1:]:
                    parent[find(n)] = find(nodes[0])
                links.append((nodes[0], r, self.letters[i], self.letters[j]))
        groups: dict = {}
        for node in list(parent):
            groups.setdefault(find(node), set()).add(node)
        link_of: dict = {}
        for node, r, x, y in links:
            link_of.setdefault(find(node), []).append((r, x, y))
        rows = []
        units = [{str(u.label): u for u in rep_units} for rep_units in self._units()]
        for root, members in groups.items():
            rs = link_of.get(root, [])
            scores = [r["score"] for r, _, _ in rs if r["score"] is not None]
            row = {"status": "match", "score": min(scores) if scores else None,
                   "relation": "equivalent" if rs and all(r["relation"] == "equivalent" for r, _, _ in rs) else "related",
                   "flags": sorted({f"{x}-{y}: {f}" for r, x, y in rs for f in r["flags"] if not f.startswith("duplicate")})}
            present = []
            for k, x in enumerate(self.letters):
                labels = sorted((lab for (a, lab) in members if a == k), key=_label_key)
                row[f"{x}_labels"] = tuple(labels)
                if labels:
                    present.append(x)
            row["articles"] = ",".join(present)
            rows.append(row)
        grouped = {(k, lab) for members in groups.values() for k, lab in members}
        for k, x in enumerate(self.letters):
            for lab in units[k]:
                if (k, lab) not in grouped:
                    row = {"status": f"only_{x}", "score": None, "relation": None, "flags": [], "articles": x}
                    for y in self.letters:
                        row[f"{y}_labels"] = (lab,) if y == x else ()
                    rows.append(row)
        for row in rows:
            for k, x in enumerate(self.letters):
                us = [units[k][lab] for lab in row[f"{x}_labels"]]
                row[f"{x}_text"] = " ".join(u.text for u in us)
                row[f"{x}_speaker"] = "; ".join(sorted({u.speaker for u in us} - {None}))
        rows.sort(key=lambda r: (r["status"] != "match", -len(r["articles"]), *[tuple(_label_key(v) for v in r[f"{x}_labels"]) or ((1e9,),) for x in self.letters]))
        return rows

    def _units(self):
        unit = self.options.get("unit", "sentence")
        return [s.claims if unit == "claim" else s.sentences for s in self.sides]

    # -- views and exports ------------------------------------------------------------------
    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r["status"]] = out.get(r["status"], 0) + 1
        return out

    def flat_row(self, r: dict, safe: bool) -> dict:
        out = {}
        for c in self.columns:
            if c.endswith("_ids"):
                v = ";".join(r[c.replace("_ids", "_labels")])
            elif c == "flags":
                v = "; ".join(r["flags"])
            elif c == "score":
                v = None if r["score"] is None else (f"{r['score']:.3f}" if safe else round(r["score"], 3))
            else:
                v = r.get(c) or ""
            out[c] = safe_cell(v) if safe else v
        return out

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([self.flat_row(r, safe=False) for r in self.rows], columns=self.columns)

    def to_csv_string(self) -> str:
        return csv_text(self.columns, [self.flat_row(r, safe=True) for r in self.rows])

    def to_csv(self, path: str | os.PathLike) -> Path:
        return write_csv(path, self.to_csv_string())

    def to_jsonl(self, path: str | os.PathLike | None = None):
        lines = [json.dumps({"type": "meta", "articles": {x: {"name": s.document.name, "lang": s.document.lang}
                                                           for x, s in zip(self.letters, self.sides)}, "options": self.options},
                            ensure_ascii=False, sort_keys=True)]
        lines += [json.dumps({"type": "row", **self.flat_row(r, safe=False), "flags": r["flags"]}, ensure_ascii=False, sort_keys=True) for r in self.rows]
        text = "\n".join(lines) + "\n"
        return text if path is None else atomic_write(path, text.encode("utf-8"))

    def to_xlsx(self, path: str | os.PathLike) -> Path:
        from .exports import _today, xlsx_workbook

        run = {"date": _today(), "articles": {x: s.document.name for x, s in zip(self.letters, self.sides)}, **self.options}
        return atomic_write(path, xlsx_workbook([("groups", self.columns, [self.flat_row(r, safe=False) for r in self.rows])], run))

    def to_html(self, path: str | os.PathLike | None = None):
        from .exports import render_multi_html

        page = render_multi_html(self, standalone=True)
        return page if path is None else atomic_write(path, page.encode("utf-8"))

    def _repr_html_(self) -> str:
        from .exports import render_multi_html

        return render_multi_html(self, standalone=False)

    def summary(self, width: int = 40) -> str:
        names = "  ".join(f"{x}: {s.document.name} [{s.document.lang}]" for x, s in zip(self.letters, self.sides))
        groups = [r for r in self.rows if r["status"] == "match"]
        lines = [names, f"{len(groups)} groups of matching claims; "
                 + ", ".join(f"{sum(1 for r in self.rows if r['status'] == 'only_' + x)} only in {x}" for x in self.letters)]
        for r in groups:
            cells = "  ".join(f"{x}{';'.join(r[f'{x}_labels']) or '-':<5}" for x in self.letters)
            lines.append(f"  {r['score']:.2f}  {cells}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<MultiReport {len(self.sides)} articles: {sum(1 for r in self.rows if r['status'] == 'match')} groups>"


def _label_key(label: str):
    return tuple(int(p) for p in str(label).split("."))


def compare_many(sources, *, encoder, prepare_side, match, options: dict) -> MultiReport:
    """Every pair of articles compared with ``match(side_i, side_j) -> Report``."""
    if len(sources) < 2:
        raise InputError("compare needs at least two articles")
    sides = [prepare_side(s) for s in sources]
    pairwise = {(i, j): match(sides[i], sides[j]) for i, j in combinations(range(len(sides)), 2)}
    return MultiReport(sides, pairwise, options)
