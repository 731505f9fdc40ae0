"""The comparison report: one row per matched pair or unmatched sentence, and its exports.

Rows are at sentence level; a match may come from one claim (part of a sentence) of each side,
so one sentence can appear in two matches. Every sentence of both articles appears at least
once, as a match or as ``only_a`` / ``only_b``.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import InputError
from .text import repair_zwnj

if TYPE_CHECKING:  # pragma: no cover
    from .matching import Pair
    from .pipeline import Side
    from .scoring import MarginScores

COLUMNS = [
    "status", "score", "relation", "similarity", "a_ids", "a_text", "b_ids", "b_text",
    "a_speaker", "b_speaker", "flags", "reviewed", "margin", "a_claim", "b_claim", "nearest",
    "a_speaker_key", "b_speaker_key",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection: text starting with = + - @ (or a tab/CR) gets a
    leading apostrophe, which Excel, LibreOffice and Google Sheets show as plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def atomic_write(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory and a rename."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{path}: directory {parent} does not exist")
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def csv_text(columns: list[str], flat_rows: list[dict]) -> str:
    """CSV of already formula-safe flat rows (None -> empty), CRLF line ends."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in flat_rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


def write_csv(path: str | os.PathLike, text: str) -> Path:
    """UTF-8 with a byte-order mark (Excel shows Arabic script), written atomically."""
    return atomic_write(path, ("\ufeff" + text).encode("utf-8"))


def _ids(ids) -> str:
    return ";".join(str(i) for i in ids)


def row_key(r: dict) -> str:
    """A row's stable key: "A1|B6", "A9|" (only in A), "|B3", "A2.1|B9;10"."""
    return f"{'A' + _ids(r['a_labels']) if r['a_labels'] else ''}|{'B' + _ids(r['b_labels']) if r['b_labels'] else ''}"


class Report:
    """Result of ``align.compare``: ``rows``, ``to_frame()``, ``to_csv()``, Jupyter display."""

    def __init__(self, a: "Side", b: "Side", pairs: list["Pair"], scores: "MarginScores", options: dict):
        self.a, self.b = a, b
        self.claim_pairs = pairs
        self.scores = scores
        # dense (claims_a x claims_b) matrices, or None for inputs too long to hold them
        self.cos, self.margin = scores.cos, scores.margin
        self.options = dict(options)
        self.unit = self.options.setdefault("unit", "sentence")
        if self.unit not in ("sentence", "claim"):
            raise InputError(f"unit must be 'sentence' or 'claim', got {self.unit!r}")
        self.rows = self._build_rows()

    def __repr__(self) -> str:
        c = self.counts
        return (
            f"<Report {self.a.document.name} ({self.a.document.lang}, {len(self.a.sentences)} sentences) vs "
            f"{self.b.document.name} ({self.b.document.lang}, {len(self.b.sentences)} sentences): "
            f"{c['match']} matches, {c['only_a']} only in A, {c['only_b']} only in B>"
        )

    @classmethod
    def from_saved(cls, sides: dict, rows: list[dict], options: dict) -> "Report":
        """A report rebuilt from saved rows (``align.load_report``): no embeddings or scores."""
        from .pipeline import Side

        new = object.__new__(cls)
        new.a, new.b = (Side(doc, segs, segs, np.zeros((0, 0), np.float32)) for doc, segs in (sides["A"], sides["B"]))
        new.claim_pairs, new.scores, new.cos, new.margin = [], None, None, None
        new.options = dict(options)
        new.unit = new.options.get("unit", "sentence")
        new.rows = rows
        return new

    def sides(self):
        return (("A", self.a), ("B", self.b))

    def document(self, side: str):
        return (self.a if side.upper() == "A" else self.b).document

    def units(self, side: str) -> list:
        """The report's units (sentences, or claims with ``unit="claim"``) of side "A" or "B"."""
        s = self.a if side.upper() == "A" else self.b
        if self.unit == "claim" and self.scores is not None:
            return s.claims
        return s.sentences

    # -- rows ----------------------------------------------------------------------------------
    @property
    def counts(self) -> dict[str, int]:
        out = {"match": 0, "only_a": 0, "only_b": 0}
        for r in self.rows:
            out[r["status"]] += 1
        return out

    @property
    def matches(self) -> list[dict]:
        return [r for r in self.rows if r["status"] == "match"]

    def _units(self, side: "Side") -> tuple[list, dict[int, int]]:
        """(the report's units of one side, claim index -> unit id) for ``self.unit``."""
        if self.unit == "claim":
            return side.claims, {k: c.id for k, c in enumerate(side.claims)}
        return side.sentences, {k: c.sentence or c.id for k, c in enumerate(side.claims)}

    def _build_rows(self) -> list[dict]:
        A, B = self.a, self.b
        units_a, of_a = self._units(A)
        units_b, of_b = self._units(B)
        claims_of = {"a": {}, "b": {}}  # unit id -> its claim indexes, for _nearest
        for side, of in (("a", of_a), ("b", of_b)):
            for k, uid in of.items():
                claims_of[side].setdefault(uid, []).append(k)
        other = {"a": (units_b, of_b), "b": (units_a, of_a)}
        best: dict[tuple, dict] = {}
        for p in self.claim_pairs:
            a_ids = tuple(sorted({of_a[i] for i in p.a}))
            b_ids = tuple(sorted({of_b[j] for j in p.b}))
            row = {
                "status": "match",
                "score": p.score,
                "relation": "equivalent" if p.score >= self.options.get("equivalent", 0.75) else "related",
                "similarity": p.similarity,
                "a_ids": a_ids,
                "b_ids": b_ids,
                "margin": p.margin,
                "a_claim": " ".join(A.claims[i].text for i in p.a),
                "b_claim": " ".join(B.claims[j].text for j in p.b),
                "nearest": None,
                "flags": [],
                "reviewed": "",
            }
            key = (a_ids, b_ids)
            if key not in best or row["score"] > best[key]["score"]:
                best[key] = row
        rows = list(best.values())
        rows += self._duplicate_rows(rows, units_a, "a")
        rows += self._duplicate_rows(rows, units_b, "b")
        matched_a = {i for r in rows for i in r["a_ids"]}
        matched_b = {j for r in rows for j in r["b_ids"]}
        for side, units, matched, status in (("a", units_a, matched_a, "only_a"), ("b", units_b, matched_b, "only_b")):
            for u in units:
                if u.id in matched:
                    continue
                flags = [f"duplicate of {side}#{self._original(units, u).label}"] if u.duplicate_of else []
                rows.append({
                    "status": status, "score": None, "relation": None, "similarity": None,
                    "a_ids": (u.id,) if side == "a" else (), "b_ids": (u.id,) if side == "b" else (),
                    "margin": None, "a_claim": "", "b_claim": "",
                    "nearest": self._nearest(side, claims_of[side][u.id], *other[side]), "flags": flags,
                    "reviewed": "",
                })
        for r in rows:
            self._describe_units(r, units_a, units_b)
        self._flag_disagreements(rows, units_a, units_b)
        if self.options.get("mode") == "parallel":
            rows.sort(key=_document_order(rows))
        else:
            order = {"match": 0, "only_a": 0, "only_b": 1}
            rows.sort(key=lambda r: (order[r["status"]], r["a_ids"] or (0,), r["b_ids"] or (0,)))
        return [{c: r.get(c) for c in (*COLUMNS, "a_labels", "b_labels", "a_speakers", "b_speakers")} for r in rows]

    # -- review --------------------------------------------------------------------------------
    def _row(self, row) -> dict:
        if isinstance(row, dict):
            if any(r is row for r in self.rows):
                return row
            row = row_key(row)
        if isinstance(row, int) and not isinstance(row, bool):
            if not -len(self.rows) <= row < len(self.rows):
                raise InputError(f"row {row} does not exist (the report has {len(self.rows)} rows)")
            return self.rows[row]
        for r in self.rows:
            if row_key(r) == row:
                return r
        raise InputError(f"no row {row!r}; rows are numbered 0..{len(self.rows) - 1} or keyed like 'A1|B6'")

    def review(self, row, decision: str, *, relation: str | None = None) -> dict:
        """Record a reviewer's decision on a match: ``decision`` "accepted" or "rejected"
        (``relation`` optionally re-grades it: "equivalent" or "related"). ``row``: its index
        in ``rows`` or its key ("A1|B6"). Kept in the ``reviewed`` column of every export."""
        if decision not in ("accepted", "rejected"):
            raise InputError(f"decision must be 'accepted' or 'rejected', got {decision!r}")
        r = self._row(row)
        if r["status"] != "match":
            raise InputError(f"row {row_key(r)} is not a match; use relink() to pair it")
        if relation is not None:
            if relation not in ("equivalent", "related"):
                raise InputError(f"relation must be 'equivalent' or 'related', got {relation!r}")
            r["relation"] = relation
        r["reviewed"] = decision if relation is None else f"{decision} ({relation})"
        return r

    def relink(self, a: str | int, b: str | int | tuple, *, relation: str = "related") -> dict:
        """Pair unit ``a`` of A with unit(s) ``b`` of B by hand (labels as shown, e.g. 9 or
        "9.2"). Machine matches of those units are marked rejected; their unmatched rows go."""
        if relation not in ("equivalent", "related"):
            raise InputError(f"relation must be 'equivalent' or 'related', got {relation!r}")
        bs = tuple(str(x) for x in (b if isinstance(b, (tuple, list)) else (b,)))
        ua = {str(u.label): u for u in self.units("A")}
        ub = {str(u.label): u for u in self.units("B")}
        if str(a) not in ua:
            raise InputError(f"A has no segment {a!r}")
        for x in bs:
            if x not in ub:
                raise InputError(f"B has no segment {x!r}")
        keep = []
        for r in self.rows:
            touches = str(a) in r["a_labels"] or set(bs) & set(r["b_labels"])
            if touches and r["status"] != "match":
                continue  # now matched by hand
            if touches and not r["reviewed"].startswith("re-linked"):
                r["reviewed"] = "rejected (re-linked)"
            keep.append(r)
        row = {
            "status": "match", "score": None, "relation": relation, "similarity": None,
            "a_ids": (ua[str(a)].id,), "b_ids": tuple(ub[x].id for x in bs),
            "flags": [], "reviewed": "re-linked", "margin": None, "a_claim": "", "b_claim": "", "nearest": None,
        }
        units_a, units_b = self.units("A"), self.units("B")
        self._describe_units(row, units_a, units_b)
        self._flag_disagreements([row], units_a, units_b)
        keep.append(row)
        self.rows = keep
        return row

    def review_widget(self, max_rows: int = 100):
        """Jupyter widget to accept/reject pairs, re-grade relations, re-link and save."""
        from .review import review_widget

        return review_widget(self, max_rows=max_rows)

    @property
    def reviews(self) -> dict[str, str]:
        """{row key: decision} for every reviewed row."""
        return {row_key(r): r["reviewed"] for r in self.rows if r.get("reviewed")}

    def _describe_units(self, r: dict, units_a: list, units_b: list) -> None:
        """Fill a row's text, speaker and label columns from its unit ids."""
        for side, units, doc in (("a", units_a, self.a.document), ("b", units_b, self.b.document)):
            us = [units[i - 1] for i in r[f"{side}_ids"]]
            r[f"{side}_text"] = " ".join(u.text for u in us)
            r[f"{side}_speaker"] = "; ".join(sorted({u.speaker for u in us} - {None}))
            r[f"{side}_speaker_key"] = "; ".join(sorted({u.speaker_key for u in us} - {None}))
            r[f"{side}_labels"] = tuple(u.label for u in us)
            r[f"{side}_speakers"] = tuple((u.speaker, u.speaker_key) for u in us)
            if self.options.get("repair_zwnj") and doc.lang == "fa":
                r[f"{side}_text"] = repair_zwnj(r[f"{side}_text"])
                r[f"{side}_claim"] = repair_zwnj(r[f"{side}_claim"] or "")

    def _flag_disagreements(self, rows: list[dict], units_a: list, units_b: list) -> None:
        """Add align.flags' reasons (numbers, days, dates, people, places) to every match."""
        from .flags import disagreements, known_people
        from .speakers import is_identified

        A, B = self.a, self.b
        names = [s.speaker for side in (A, B) for s in side.sentences if s.speaker and is_identified(s.speaker_key)]
        people = known_people([A.document.text, B.document.text], names)
        for r in rows:
            if r["status"] != "match":
                continue
            ua = [units_a[i - 1] for i in r["a_ids"]]
            ub = [units_b[j - 1] for j in r["b_ids"]]
            found = disagreements(
                " ".join(u.text for u in ua), " ".join(u.text for u in ub), people,
                {u.speaker_key for u in ua if is_identified(u.speaker_key)},
                {u.speaker_key for u in ub if is_identified(u.speaker_key)},
            )
            r["flags"] = [*r["flags"], *found]

    def _original(self, units: list, u):
        """The unit an exact duplicate repeats (same sentence position, and claim position)."""
        for o in units:
            if (o.sentence or o.id) == u.duplicate_of and o.part == u.part and o.duplicate_of is None:
                return o
        return units[u.duplicate_of - 1]

    def _duplicate_rows(self, rows: list[dict], units: list, side: str) -> list[dict]:
        """A duplicate (a bullet repeating the headline) mirrors its original's matches."""
        out = []
        key = f"{side}_ids"
        for u in units:
            if u.duplicate_of is None:
                continue
            orig = self._original(units, u)
            for r in rows:
                if orig.id in r[key]:
                    twin = dict(r)
                    twin[key] = tuple(sorted((set(r[key]) - {orig.id}) | {u.id}))
                    twin["flags"] = [*r["flags"], f"duplicate of {side}#{orig.label}"]
                    out.append(twin)
        return out

    def _nearest(self, side: str, claims: list[int], units_o: list, of_o: dict[int, int]) -> str | None:
        """The other side's unit closest (by margin) to any of this unit's ``claims``."""
        sc = self.scores
        near = sc.row_near if side == "a" else sc.col_near
        best, best_val = None, -np.inf
        for c in claims:
            o = int(near[c])
            if o < 0:
                continue
            v = sc.margin_at(c, o) if side == "a" else sc.margin_at(o, c)
            if v > best_val:
                best, best_val = o, v
        return None if best is None else units_o[of_o[best] - 1].label

    def filter(
        self, *, speaker: str | None = None, status: str | None = None, min_score: float | None = None,
        relation: str | None = None, flag: str | None = None,
    ) -> "Report":
        """A new Report with only the rows that match: ``speaker`` (a name in any script, e.g.
        "Shamkhani" or "شمخانی", on either side), ``status``, ``min_score`` and ``relation``
        ("equivalent" or "related"; the last two keep matches only), ``flag`` (rows with a flag
        containing this text, e.g. "day", "person", "number")."""
        from .speakers import speaker_matches

        if status is not None and status not in ("match", "only_a", "only_b"):
            raise InputError(f"status must be 'match', 'only_a' or 'only_b', got {status!r}")
        rows = self.rows
        if speaker is not None:
            rows = [
                r for r in rows
                if any(speaker_matches(speaker, n, k) for side in ("a", "b") for n, k in r[f"{side}_speakers"])
            ]
        if status is not None:
            rows = [r for r in rows if r["status"] == status]
        if min_score is not None:
            rows = [r for r in rows if r["score"] is not None and r["score"] >= min_score]
        if relation is not None:
            if relation not in ("equivalent", "related"):
                raise InputError(f"relation must be 'equivalent' or 'related', got {relation!r}")
            rows = [r for r in rows if r["relation"] == relation]
        if flag is not None:
            rows = [r for r in rows if any(flag.lower() in f.lower() for f in r["flags"])]
        new = object.__new__(Report)
        new.__dict__.update(self.__dict__)
        new.rows = rows
        new.options = {**self.options, "filter": {"speaker": speaker, "status": status, "min_score": min_score, "relation": relation, "flag": flag}}
        return new

    def sort(self, by: str = "score", ascending: bool = False) -> "Report":
        """A new Report with rows sorted by a column (unmatched rows last when sorting by score)."""
        if by not in COLUMNS:
            raise InputError(f"cannot sort by {by!r}; columns: {', '.join(COLUMNS)}")
        present = [r for r in self.rows if r.get(by) is not None]
        missing = [r for r in self.rows if r.get(by) is None]
        new = object.__new__(Report)
        new.__dict__.update(self.__dict__)
        new.rows = sorted(present, key=lambda r: r[by] if not isinstance(r[by], (list, tuple)) else len(r[by]), reverse=not ascending) + missing
        return new

    def __len__(self) -> int:
        return len(self.rows)

    # -- exports -------------------------------------------------------------------------------
    def to_frame(self):
        """All rows as a pandas DataFrame (ids as ``;``-joined strings, flags as ``; ``-joined)."""
        import pandas as pd

        return pd.DataFrame([self.flat_row(r, safe=False) for r in self.rows], columns=COLUMNS)

    @staticmethod
    def flat_row(r: dict, safe: bool) -> dict:
        """A row with scalar cells; ``safe`` (for files): numbers as fixed-point text, formula-safe."""
        out = {}
        for c in COLUMNS:
            v = r[c]
            if c in ("a_ids", "b_ids"):
                v = _ids(r[c.replace("ids", "labels")])
            elif c == "flags":
                v = "; ".join(v)
            elif c in ("score", "similarity", "margin"):
                digits = 4 if c == "margin" else 3
                v = None if v is None else (f"{float(v):.{digits}f}" if safe else round(float(v), digits))
            elif v is None:
                v = ""
            out[c] = safe_cell(v) if safe else v
        return out

    def to_csv_string(self) -> str:
        return csv_text(COLUMNS, [self.flat_row(r, safe=True) for r in self.rows])

    def to_csv(self, path: str | os.PathLike) -> Path:
        """Write the report as CSV: UTF-8 with BOM (Excel shows Arabic script), atomically."""
        return write_csv(path, self.to_csv_string())

    def to_vecalign(self) -> str:
        """Parallel mode: the alignment in Vecalign's format, ``[0]:[0, 1]:0.123`` per step
        (0-based segment ids, every segment of both texts in exactly one step)."""
        from .parallel import to_vecalign

        steps = getattr(self, "alignments", None)
        if steps is None:
            raise InputError("vecalign output needs a parallel-mode report (mode='parallel')")
        return to_vecalign(steps)

    def write_vecalign(self, path: str | os.PathLike) -> Path:
        return atomic_write(path, self.to_vecalign().encode("utf-8"))

    # -- display -------------------------------------------------------------------------------
    def summary(self, width: int = 60) -> str:
        A, B = self.a.document, self.b.document
        c = self.counts
        lines = [
            f"A: {A.name} [{A.lang}] {len(self.a.sentences)} sentences    B: {B.name} [{B.lang}] {len(self.b.sentences)} sentences",
            f"{c['match']} matched pairs, {c['only_a']} {self.unit}s only in A, {c['only_b']} only in B "
            f"(confidence >= {self.options.get('min_score', 0):.2f})",
        ]
        for r in self.matches:
            lines.append(
                f"  {r['score']:.2f} {r['relation'][:5]}  A{_ids(r['a_labels']):<5} <-> B{_ids(r['b_labels']):<5} "
                f"{_short(r['a_claim'], width // 2)}  |  {_short(r['b_claim'], width // 2)}"
            )
            facts = [f for f in r["flags"] if not f.startswith(("duplicate", "place only"))]
            if facts:
                lines.append(f"{'':18}! {_short('; '.join(facts), width * 2)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .exports import render_html

        return render_html(self, max_rows=50)

    def to_html(self, path: str | os.PathLike | None = None) -> str | Path:
        """The side-by-side view as a standalone HTML page (no network resources, no script,
        every text escaped); written atomically to ``path`` when given, else returned."""
        from .exports import render_html

        page = render_html(self, standalone=True)
        return page if path is None else atomic_write(path, page.encode("utf-8"))

    def to_xlsx(self, path: str | os.PathLike) -> Path:
        """Excel workbook: pairs, unmatched per article, run metadata (see align.exports)."""
        from .exports import to_xlsx_bytes

        return atomic_write(path, to_xlsx_bytes(self))

    def to_jsonl(self, path: str | os.PathLike | None = None) -> str | Path:
        """JSON Lines: a meta line, then one object per row with character offsets; reviews
        included. ``align.load_report(path)`` reads it back."""
        from .exports import to_jsonl

        text = to_jsonl(self)
        return text if path is None else atomic_write(path, text.encode("utf-8"))

    save = to_jsonl

    def heatmap(self, ax=None, *, max_labels: int = 60):
        """Matplotlib heatmap of the claim x claim margin scores, chosen pairs boxed. Axis
        labels are the claim labels (ids); ``report.legend()`` lists their texts."""
        from .plots import heatmap

        return heatmap(self, ax=ax, max_labels=max_labels)

    def legend(self, side: str = "A", width: int = 80):
        """A DataFrame of one side's claim labels and texts (for the heatmap's axes)."""
        import pandas as pd

        s = self.a if side.upper() == "A" else self.b
        return pd.DataFrame({"label": [c.label for c in s.claims], "speaker": [c.speaker or "" for c in s.claims],
                             "text": [_short(c.text, width) for c in s.claims]})


def _document_order(rows: list[dict]):
    """Sort key for a monotonic (parallel-mode) alignment: rows in the order of both texts; a
    B-only row goes after the last A sentence aligned before it."""
    last_a = sorted((r["b_ids"][-1], r["a_ids"][-1]) for r in rows if r["a_ids"] and r["b_ids"])
    ends_b = [b for b, _ in last_a]
    best_a = np.maximum.accumulate([a for _, a in last_a]) if last_a else []

    def key(r):
        if r["a_ids"]:
            return (float(r["a_ids"][0]), 0 if r["b_ids"] else 1, r["b_ids"][0] if r["b_ids"] else 0)
        j = r["b_ids"][0]
        pos = int(np.searchsorted(ends_b, j))  # aligned steps ending before B sentence j
        return ((float(best_a[pos - 1]) if pos else 0.0) + 0.5, 0, j)

    return key


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
