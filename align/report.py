"""The comparison report: one row per matched pair or unmatched sentence, and its exports.

Rows are at sentence level; a match may come from one claim (part of a sentence) of each side,
so one sentence can appear in two matches. Every sentence of both articles appears at least
once, as a match or as ``only_a`` / ``only_b``.
"""
from __future__ import annotations

import csv
import html
import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import InputError
from .text import RTL_LANGUAGES, is_rtl

if TYPE_CHECKING:  # pragma: no cover
    from .matching import Pair
    from .pipeline import Side

COLUMNS = [
    "status", "score", "similarity", "a_ids", "a_text", "b_ids", "b_text",
    "a_speaker", "b_speaker", "flags", "margin", "a_claim", "b_claim", "nearest",
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


def _ids(ids) -> str:
    return ";".join(str(i) for i in ids)


class Report:
    """Result of ``align.compare``: ``rows``, ``to_frame()``, ``to_csv()``, Jupyter display."""

    def __init__(self, a: "Side", b: "Side", pairs: list["Pair"], cos: np.ndarray, margin: np.ndarray, options: dict):
        self.a, self.b = a, b
        self.claim_pairs = pairs
        self.cos, self.margin = cos, margin
        self.options = dict(options)
        self.rows = self._build_rows()

    def __repr__(self) -> str:
        c = self.counts
        return (
            f"<Report {self.a.document.name} ({self.a.document.lang}, {len(self.a.sentences)} sentences) vs "
            f"{self.b.document.name} ({self.b.document.lang}, {len(self.b.sentences)} sentences): "
            f"{c['match']} matches, {c['only_a']} only in A, {c['only_b']} only in B>"
        )

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

    def _build_rows(self) -> list[dict]:
        A, B = self.a, self.b
        best: dict[tuple, dict] = {}
        for p in self.claim_pairs:
            a_ids = tuple(sorted({A.claims[i].sentence for i in p.a}))
            b_ids = tuple(sorted({B.claims[j].sentence for j in p.b}))
            row = {
                "status": "match",
                "score": p.score,
                "similarity": p.similarity,
                "a_ids": a_ids,
                "b_ids": b_ids,
                "margin": p.margin,
                "a_claim": " ".join(A.claims[i].text for i in p.a),
                "b_claim": " ".join(B.claims[j].text for j in p.b),
                "nearest": None,
                "flags": [],
            }
            key = (a_ids, b_ids)
            if key not in best or row["score"] > best[key]["score"]:
                best[key] = row
        rows = list(best.values())
        rows += self._duplicate_rows(rows, A, "a")
        rows += self._duplicate_rows(rows, B, "b")
        matched_a = {i for r in rows for i in r["a_ids"]}
        matched_b = {j for r in rows for j in r["b_ids"]}
        for side, S, matched, status in (("a", A, matched_a, "only_a"), ("b", B, matched_b, "only_b")):
            for s in S.sentences:
                if s.id in matched:
                    continue
                flags = [f"duplicate of {side}#{s.duplicate_of}"] if s.duplicate_of else []
                rows.append({
                    "status": status, "score": None, "similarity": None,
                    "a_ids": (s.id,) if side == "a" else (), "b_ids": (s.id,) if side == "b" else (),
                    "margin": None, "a_claim": "", "b_claim": "",
                    "nearest": self._nearest(side, s.id), "flags": flags,
                })
        for r in rows:
            r["a_text"] = " ".join(A.sentences[i - 1].text for i in r["a_ids"])
            r["b_text"] = " ".join(B.sentences[j - 1].text for j in r["b_ids"])
            r["a_speaker"] = "; ".join(sorted({A.sentences[i - 1].speaker for i in r["a_ids"]} - {None}))
            r["b_speaker"] = "; ".join(sorted({B.sentences[j - 1].speaker for j in r["b_ids"]} - {None}))
        order = {"match": 0, "only_a": 0, "only_b": 1}
        rows.sort(key=lambda r: (order[r["status"]], r["a_ids"] or (0,), r["b_ids"] or (0,)))
        return [{c: r.get(c) for c in COLUMNS} for r in rows]

    @staticmethod
    def _duplicate_rows(rows: list[dict], S: "Side", side: str) -> list[dict]:
        """A duplicate sentence (a bullet repeating the headline) mirrors its original's matches."""
        out = []
        key = f"{side}_ids"
        for s in S.sentences:
            if s.duplicate_of is None:
                continue
            for r in rows:
                if s.duplicate_of in r[key]:
                    twin = dict(r)
                    twin[key] = tuple(sorted((set(r[key]) - {s.duplicate_of}) | {s.id}))
                    twin["flags"] = [*r["flags"], f"duplicate of {side}#{s.duplicate_of}"]
                    out.append(twin)
        return out

    def _nearest(self, side: str, sentence_id: int) -> str | None:
        """The other side's sentence with the highest margin to any claim of this sentence."""
        S, O = (self.a, self.b) if side == "a" else (self.b, self.a)
        rows = [c.id - 1 for c in S.claims if c.sentence == sentence_id]
        M = self.margin[rows, :] if side == "a" else self.margin[:, rows].T
        if M.size == 0 or not np.isfinite(M).any():
            return None
        r, c = np.unravel_index(np.nanargmax(np.where(np.isfinite(M), M, -np.inf)), M.shape)
        return str(O.claims[c].sentence)

    # -- exports -------------------------------------------------------------------------------
    def to_frame(self):
        """All rows as a pandas DataFrame (ids as ``;``-joined strings, flags as ``; ``-joined)."""
        import pandas as pd

        return pd.DataFrame([self._flat(r, safe=False) for r in self.rows], columns=COLUMNS)

    @staticmethod
    def _flat(r: dict, safe: bool) -> dict:
        """A row with scalar cells; ``safe`` (for files): numbers as fixed-point text, formula-safe."""
        out = {}
        for c in COLUMNS:
            v = r[c]
            if c in ("a_ids", "b_ids"):
                v = _ids(v)
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
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for r in self.rows:
            writer.writerow({k: "" if v is None else v for k, v in self._flat(r, safe=True).items()})
        return buf.getvalue()

    def to_csv(self, path: str | os.PathLike) -> Path:
        """Write the report as CSV: UTF-8 with BOM (Excel shows Arabic script), atomically."""
        return atomic_write(path, ("\ufeff" + self.to_csv_string()).encode("utf-8"))

    # -- display -------------------------------------------------------------------------------
    def summary(self, width: int = 60) -> str:
        A, B = self.a.document, self.b.document
        c = self.counts
        lines = [
            f"A: {A.name} [{A.lang}] {len(self.a.sentences)} sentences    B: {B.name} [{B.lang}] {len(self.b.sentences)} sentences",
            f"{c['match']} matched pairs, {c['only_a']} sentences only in A, {c['only_b']} only in B "
            f"(confidence >= {self.options.get('min_score', 0):.2f})",
        ]
        for r in self.matches:
            lines.append(
                f"  {r['score']:.2f}  A{_ids(r['a_ids']):<5} <-> B{_ids(r['b_ids']):<5} "
                f"{_short(r['a_claim'], width // 2)}  |  {_short(r['b_claim'], width // 2)}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_html_table()

    def to_html_table(self) -> str:
        A, B = self.a.document, self.b.document
        esc = html.escape
        head = (
            "<tr><th>status</th><th>confidence</th>"
            f"<th>A: {esc(A.name)} [{esc(A.lang)}]</th><th>B: {esc(B.name)} [{esc(B.lang)}]</th><th>flags</th></tr>"
        )
        body = []
        for r in self.rows:
            score = r["score"]
            bar = (
                f'<div style="background:#ddd;width:80px"><div style="background:#2a7;width:{score * 80:.0f}px;height:8px"></div></div>{score:.2f}'
                if score is not None else ""
            )
            body.append(
                f'<tr><td>{esc(r["status"])}</td><td>{bar}</td>'
                f'{_cell(r["a_ids"], r["a_text"], A.lang)}{_cell(r["b_ids"], r["b_text"], B.lang)}'
                f'<td>{esc("; ".join(r["flags"]))}</td></tr>'
            )
        c = self.counts
        caption = f"{c['match']} matches, {c['only_a']} only in A, {c['only_b']} only in B"
        return (
            f'<table class="claimalign"><caption>{esc(caption)}</caption><thead>{head}</thead>'
            f'<tbody>{"".join(body)}</tbody></table>'
        )


def _cell(ids, text: str, lang: str) -> str:
    if not ids:
        return "<td></td>"
    rtl = lang in RTL_LANGUAGES or is_rtl(text)
    d = "rtl" if rtl else "ltr"
    return (
        f'<td dir="{d}" lang="{html.escape(lang)}" style="text-align:{"right" if rtl else "left"}">'
        f'<b>{html.escape(_ids(ids))}</b> {html.escape(text)}</td>'
    )


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
