"""The comparison report: rows, settings and review decisions, and the researcher's API on them
(display, filter, sort, review, ``to_frame``, ``to_*`` writers).

A report does no analysis: its rows are built by :func:`align.rows.build_rows` before it is
made. Reviews are an ordered log of decisions kept beside the machine's rows, so the machine's
result is never edited in place.

Views: ``filter`` and ``sort`` return *views* of the same report. A view shows the rows of its
report that pass its filters, in its order, and shares the report's review log: a decision taken
on a view (``report.filter(flag="day").review(0, "accepted")``) is recorded on the full report
and visible from every view of it. ``copy.deepcopy(report)`` gives an independent report.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError
from .matching import Candidates, Pair
from .parallel import Alignment, to_vecalign
from .params import RELATIONS, STATUSES, Options, check
from .rows import Row, link_row, unit_ids
from .scoring import MarginScores
from .settings import CompareSettings
from .sides import Side
from .speakers import speaker_matches
from .text import terminal_safe
from .types import Segment, label_key
from .views import Condition, View
from .writers import html as html_writer  # noqa: F401 - the n-article page's module
from .writers import jsonl as jsonl_writer
from .writers.claims_html import render_claims, shown
from .writers.dispatch import write
from .writers.files import atomic_write
from .writers.formats import table_csv, table_jsonl, write_table_csv
from .writers.meta import metadata
from .writers.table import COLUMNS, Table, flat_row, report_table
from .writers.xlsx import tables_xlsx

_RELATION = Options(choices=RELATIONS)


@dataclass
class _ReviewLog:
    """Decisions in the order they were taken: ("review", key, decision, relation) and
    ("link", Row).
    """

    events: list[tuple] = field(default_factory=list)


FILTERS = ("speaker", "status", "min_score", "relation", "flag")


def row_condition(option: str, value: Any) -> Condition[Row]:
    """The condition a report's ``filter(option=value)`` puts on its rows."""
    tests = {
        "speaker": lambda r: any(speaker_matches(value, u.speaker, u.speaker_key) for u in (*r.a, *r.b)),
        "status": lambda r: r.status == value,
        "min_score": lambda r: r.confidence is not None and r.confidence >= value,
        "relation": lambda r: r.relation == value,
        "flag": lambda r: any(value.lower() in f.lower() for f in r.flags),
    }
    return Condition(option, value, tests[option])


class Report:
    """Result of ``align.compare`` for two documents.

    Parameters
    ----------
    a, b : Side
        The two prepared documents.
    rows : sequence of Row
        The machine's rows (see :func:`align.rows.build_rows`).
    settings : CompareSettings
        The settings of the comparison.
    options : dict
        The run record written to every export: resolved threshold, model fingerprint, ...
    scores : MarginScores or None
        The scores the pairs were chosen from (None for a report loaded from a file).
    pairs : sequence of Pair
        The chosen claim pairs (0-based claim indexes; for the heatmap).
    candidates : Candidates or None
        Comparable mode: every candidate claim pair with its confidence, the values the pairs
        were chosen by (for the heatmap; None for a parallel-mode or a loaded report).
    alignments : sequence of Alignment or None
        Parallel mode: every step of the monotonic alignment (for ``to_vecalign``).

    Attributes
    ----------
    rows : list of Row
        The rows of this view, reviews applied.
    """

    def __init__(
        self, a: Side, b: Side, rows: Sequence[Row], *, settings: CompareSettings, options: dict[str, Any],
        scores: MarginScores | None = None, pairs: Sequence[Pair] = (), alignments: Sequence[Alignment] | None = None,
        candidates: Candidates | None = None,
    ):
        self.a, self.b = a, b
        self.settings = settings
        self.options = dict(options)
        self.scores = scores
        self.claim_pairs = list(pairs)
        self.candidates = candidates
        self.alignments = None if alignments is None else list(alignments)
        self._machine_rows = tuple(rows)
        self._log = _ReviewLog()
        self._view: View[Row] = View()
        self._cache: tuple[int, list[Row]] | None = None

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike) -> Report:
        """A report saved with ``save``/``to_jsonl`` (reviews included; no score matrix)."""
        saved = jsonl_writer.parse_jsonl(path)
        sides = {k: Side(doc, segs, segs, np.zeros((0, 0), np.float32)) for k, (doc, segs) in saved.documents.items()}
        if saved.settings is not None:
            try:
                settings = CompareSettings.from_dict(saved.settings)
            except (InputError, TypeError) as exc:
                raise InputError(f"{path}: not a valid claimalign JSONL report (settings: {exc})") from None
        else:  # written before the settings were saved: what the run record says
            unit, mode = saved.options.get("unit", "sentence"), saved.options.get("mode", "comparable")
            settings = CompareSettings(unit=unit if unit in ("sentence", "claim") else "sentence",
                                       mode=mode if mode in ("comparable", "parallel") else "comparable",
                                       langs=(sides["A"].document.lang, sides["B"].document.lang))
        return cls(sides["A"], sides["B"], saved.rows, settings=settings, options=saved.options)

    def _seen_through(self, view: View[Row]) -> Report:
        new = object.__new__(Report)
        new.__dict__.update(self.__dict__)
        new._cache = None
        new._view = view
        return new

    # -- rows --------------------------------------------------------------------------------
    def _all_rows(self) -> list[Row]:
        """The machine's rows with every review and re-link applied, in order."""
        rows = list(self._machine_rows)
        for event in self._log.events:
            if event[0] == "review":
                _, key, decision, relation = event
                rows = [
                    replace(r, relation=relation or r.relation,
                            reviewed=decision if relation is None else f"{decision} ({relation})")
                    if r.key == key else r
                    for r in rows
                ]
            else:
                link: Row = event[1]
                a_ids, b_ids = set(link.a_ids), set(link.b_ids)
                kept = []
                for r in rows:
                    touches = bool(a_ids & set(r.a_ids) or b_ids & set(r.b_ids))
                    if touches and not r.is_match:
                        continue  # now matched by hand
                    if touches and not r.reviewed.startswith("re-linked"):
                        r = replace(r, reviewed="rejected (re-linked)")
                    kept.append(r)
                rows = [*kept, link]
        return rows

    @property
    def rows(self) -> list[Row]:
        """The rows of this view: reviews applied, filtered, sorted."""
        n = len(self._log.events)
        if self._cache is None or self._cache[0] != n:
            self._cache = (n, self._view.apply(self._all_rows(), _sort_value))
        return list(self._cache[1])

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def counts(self) -> dict[str, int]:
        """Rows per status: {"match": ..., "only_a": ..., "only_b": ...}."""
        out = dict.fromkeys(STATUSES, 0)
        for r in self.rows:
            out[r.status] += 1
        return out

    @property
    def matches(self) -> list[Row]:
        """The matched pairs of this view."""
        return [r for r in self.rows if r.is_match]

    @property
    def unit(self) -> str:
        """"sentence" or "claim": what one row's units are."""
        return self.settings.unit

    def units(self, side: str) -> list[Segment]:
        """The report's units (sentences, or claims with ``unit="claim"``) of side "A" or "B"."""
        return (self.a if side.upper() == "A" else self.b).units(self.unit)

    def document(self, side: str):
        """The Document of side "A" or "B"."""
        return (self.a if side.upper() == "A" else self.b).document

    @property
    def cos(self) -> np.ndarray | None:
        """Dense (claims_a, claims_b) cosine matrix, or None (long inputs, loaded reports)."""
        return None if self.scores is None else self.scores.cos

    @property
    def margin(self) -> np.ndarray | None:
        """Dense (claims_a, claims_b) margin matrix, or None (long inputs, loaded reports)."""
        return None if self.scores is None else self.scores.margin

    # -- review ------------------------------------------------------------------------------
    def _find(self, row: int | str | Row) -> Row:
        rows = self.rows
        if isinstance(row, Row):
            row = row.key
        if isinstance(row, (int, np.integer)) and not isinstance(row, bool):
            if not 0 <= row < len(rows):  # no counting from the end: a typo must not review another row
                raise InputError(f"row {row} does not exist (rows are numbered 0..{len(rows) - 1})")
            return rows[row]
        if isinstance(row, str):
            for r in rows:
                if r.key == row:
                    return r
        raise InputError(f"no row {row!r}; rows are numbered 0..{len(rows) - 1} or keyed like 'A1|B6'")

    def review(self, row: int | str | Row, decision: str, *, relation: str | None = None) -> Row:
        """Record a reviewer's decision on a match.

        Parameters
        ----------
        row : int, str or Row
            Its index in this view's ``rows``, its key ("A1|B6"), or the row.
        decision : {"accepted", "rejected"}
        relation : {"equivalent", "related"} or None
            Re-grade the pair's relation.

        Returns
        -------
        Row
            The row as it now reads. The decision is kept in the ``reviewed`` column of every
            export and recorded on the full report (also when taken on a view).
        """
        decision, relation = check("decision", decision), check("relation", relation)
        r = self._find(row)
        if not r.is_match:
            raise InputError(f"row {r.key} is not a match; use relink() to pair it")
        self._log.events.append(("review", r.key, decision, relation))
        return next(x for x in self._all_rows() if x.key == r.key)

    def relink(self, a: str | int, b: str | int | Sequence[str | int], *, relation: str = "related") -> Row:
        """Pair unit ``a`` of A with unit(s) ``b`` of B by hand.

        Parameters
        ----------
        a : str or int
            A unit label of A as shown (9, or "9.2" in a claim report).
        b : str, int or sequence of them
            One or more unit labels of B.
        relation : {"related", "equivalent"}

        Returns
        -------
        Row
            The new pair (``reviewed == "re-linked"``). Machine matches of those units are marked
            "rejected (re-linked)"; their only-in rows go.
        """
        relation = check("relation", relation, rule=_RELATION)
        bs = tuple(str(x) for x in (b if isinstance(b, (tuple, list)) else (b,)))
        ua = {str(u.label): u for u in self.units("A")}
        ub = {str(u.label): u for u in self.units("B")}
        if str(a) not in ua:
            raise InputError(f"A has no segment {a!r}")
        for x in bs:
            if x not in ub:
                raise InputError(f"B has no segment {x!r}")
        row = link_row(self.a, self.b, (ua[str(a)],), tuple(ub[x] for x in bs), relation=relation,
                       repair=bool(self.options.get("repair_zwnj")))
        self._log.events.append(("link", row))
        return row

    @property
    def reviews(self) -> dict[str, str]:
        """{row key: decision} for every reviewed row of the full report."""
        return {r.key: r.reviewed for r in self._all_rows() if r.reviewed}

    def review_widget(self, max_rows: int = 100):
        """An ipywidgets box to accept/reject pairs, re-grade relations, re-link and save."""
        from .review import review_widget  # optional dependency (ipywidgets)

        return review_widget(self, max_rows=max_rows)

    # -- views -------------------------------------------------------------------------------
    def filter(
        self, *, speaker: str | None = None, status: str | None = None, min_score: float | None = None,
        relation: str | None = None, flag: str | None = None,
    ) -> Report:
        """A view with only the rows that match every given condition.

        Parameters
        ----------
        speaker : str or None
            A person speaking on either side, named in any script ("Shamkhani", "شمخانی").
        status : {"match", "only_a", "only_b"} or None
        min_score : float or None
            Matches with confidence at least this.
        relation : {"equivalent", "related"} or None
        flag : str or None
            Rows with a flag containing this text ("day", "person", "number").
        """
        speaker, status, min_score, relation, flag = (
            check(name, value) for name, value in (("speaker", speaker), ("status", status), ("min_score", min_score),
                                                   ("relation", relation), ("flag", flag)))
        given = {"speaker": speaker, "status": status, "min_score": min_score, "relation": relation, "flag": flag}
        view = self._seen_through(self._view.narrowed(row_condition(k, v) for k, v in given.items() if v is not None))
        view.options = {**self.options, "filter": view._view.given(FILTERS)}
        return view

    def sort(self, by: str = "score", ascending: bool = False) -> Report:
        """A view sorted by a column of :data:`~align.writers.table.COLUMNS` (rows without a
        value last).
        """
        if by not in COLUMNS:
            raise InputError(f"cannot sort by {by!r}; columns: {', '.join(COLUMNS)}")
        return self._seen_through(self._view.sorted_by(by, ascending))

    # -- tables and exports ------------------------------------------------------------------
    def _summary_of_documents(self) -> dict[str, dict[str, Any]]:
        return {side: {"name": x.document.name, "lang": x.document.lang, "sentences": len(x.sentences)}
                for side, x in (("A", self.a), ("B", self.b))}

    def view(self) -> dict[str, Any] | None:
        """What this view hides: its filter and order, and how many rows it shows and leaves out
        (None for the whole report).
        """
        if not self._view.conditions and self._view.order is None:
            return None
        total, shown_rows = len(self._all_rows()), len(self.rows)
        return {"filter": self._view.given(FILTERS) if self._view.conditions else None,
                "sort": list(self._view.order) if self._view.order else None, "shown": shown_rows, "hidden": total - shown_rows}

    def view_note(self) -> str:
        """The view in words ("filtered: speaker Shamkhani, min_score 0.6 — 9 of 38 rows shown, 29 hidden"), or ""."""
        v = self.view()
        if v is None:
            return ""
        return f"{self._view.describe()} — {v['shown']} of {v['shown'] + v['hidden']} rows shown, {v['hidden']} hidden"

    def _options(self) -> dict[str, Any]:
        v = self.view()
        return self.options if v is None else {**self.options, "view": v}

    def run_metadata(self) -> dict[str, Any]:
        """Version, date, documents and the run record, with what a view hides (the XLSX run
        sheet, the HTML page).
        """
        return metadata(self._summary_of_documents(), self._options())

    def table(self) -> Table:
        """The rows of this view as a :class:`~align.writers.table.Table` (what every writer reads)."""
        return report_table(self.rows, self._options())

    def sheets(self) -> list[Table]:
        """The XLSX sheets: the pairs, what is only in A and only in B, and every row by claim of A
        (each claim of A with its counterparts grouped under it, strongest first).
        """
        t = self.table()
        parts = [t.where(name, lambda r, s=status: r["status"] == s)
                 for name, status in (("pairs", "match"), ("only in A", "only_a"), ("only in B", "only_b"))]
        order = sorted(range(len(t.records)), key=lambda k: _claim_order(t.records[k]))
        return [*parts, replace(t, name="by claim", records=[t.records[k] for k in order], outline="group")]

    def jsonl_meta(self) -> dict[str, Any]:
        """The JSONL meta line: run metadata and both documents with their text and units."""
        docs = {side: (x.document, x.units(self.unit)) for side, x in (("A", self.a), ("B", self.b))}
        return {**jsonl_writer.report_meta(docs, self._options(), self._summary_of_documents()), "settings": self.settings.to_dict()}

    def html_page(self, *, standalone: bool = True, max_rows: int | None = None) -> str:
        """The claim-centred view as HTML (a standalone page, or a fragment for Jupyter): each
        claim of A with its counterparts in B (``align.writers.claims_html``).
        """
        meta = self.run_metadata() if standalone else None
        return render_claims(self.rows, self.a.document, self.b.document, self.options, meta, standalone=standalone,
                             max_blocks=max_rows, view_note=self.view_note())

    def write(self, path: str | os.PathLike) -> Path:
        """Write the report in the format ``path``'s suffix names (.csv, .xlsx, .html, .jsonl, .vecalign)."""
        return write(self, path)

    def to_frame(self):
        """All rows of this view as a pandas DataFrame (ids and flags as joined text)."""
        return self.table().to_frame()

    def to_csv_string(self) -> str:
        """The CSV text (formula-safe cells, CRLF line ends, no byte-order mark)."""
        return table_csv(self.table())

    def to_csv(self, path: str | os.PathLike) -> Path:
        """Write the report as CSV: UTF-8 with BOM (Excel shows Arabic script), atomically."""
        return write_table_csv(path, self.table())

    def to_xlsx(self, path: str | os.PathLike) -> Path:
        """Excel workbook: pairs, unmatched per document, run metadata; deterministic bytes."""
        return atomic_write(path, tables_xlsx(self.sheets(), self.run_metadata()))

    def to_html(self, path: str | os.PathLike | None = None) -> str | Path:
        """The side-by-side view as a standalone HTML page (no network resources, no script,
        every text escaped); written atomically to ``path`` when given, else returned.
        """
        page = self.html_page()
        return page if path is None else atomic_write(path, page.encode("utf-8"))

    def to_jsonl(self, path: str | os.PathLike | None = None) -> str | Path:
        """JSON Lines (see ``align.writers.jsonl``); ``align.load_report(path)`` reads it back."""
        text = table_jsonl(self.table(), self.jsonl_meta())
        return text if path is None else atomic_write(path, text.encode("utf-8"))

    save = to_jsonl

    def to_vecalign(self) -> str:
        """Parallel mode: the alignment in Vecalign's format, ``[0]:[0, 1]:0.123`` per step
        (0-based segment ids, every segment of both texts in exactly one step).
        """
        if self.alignments is None:
            raise InputError("vecalign output needs a parallel-mode report (mode='parallel')")
        # step positions -> line numbers (0-based): with --segmented, blank lines are not segments
        line_a = [u.id - 1 for u in self.a.sentences]
        line_b = [u.id - 1 for u in self.b.sentences]
        return to_vecalign([replace(s, a=tuple(line_a[i] for i in s.a), b=tuple(line_b[j] for j in s.b)) for s in self.alignments])

    def write_vecalign(self, path: str | os.PathLike) -> Path:
        """Write :meth:`to_vecalign` to ``path`` atomically."""
        return atomic_write(path, self.to_vecalign().encode("utf-8"))

    # -- display -----------------------------------------------------------------------------
    def __repr__(self) -> str:
        c = self.counts
        return terminal_safe(
            f"<Report {self.a.document.name} ({self.a.document.lang}, {len(self.a.sentences)} sentences) vs "
            f"{self.b.document.name} ({self.b.document.lang}, {len(self.b.sentences)} sentences): "
            f"{c['match']} matches, {c['only_a']} only in A, {c['only_b']} only in B>"
        )

    def summary(self, width: int = 70, pairs: int = 10) -> str:
        """A plain-text summary for the terminal (control characters removed): the counts, what a
        view hides, every conflict (up to ``pairs``), then the ``pairs`` most confident pairs —
        A and B each on a line of its own, so that right-to-left shaping cannot swap them — and
        how many more the report has.
        """
        A, B = self.a.document, self.b.document
        c = self.counts
        matches = self.matches
        eq = sum(1 for r in matches if r.relation == "equivalent")
        lines = [
            f"A: {A.name} [{A.lang}] {len(self.a.sentences)} sentences{_how_read(A)}",
            f"B: {B.name} [{B.lang}] {len(self.b.sentences)} sentences{_how_read(B)}",
            f"{c['match']} matched pairs ({eq} equivalent, {c['match'] - eq} related; confidence >= "
            f"{self.options.get('min_score', 0):.2f}), {c['only_a']} {self.unit}s only in A, {c['only_b']} only in B",
        ]
        if self.view_note():
            lines.append(f"view: {self.view_note()}")
        lines += _conflict_lines(matches, pairs, width) + _strongest_lines(matches, pairs, width)
        return terminal_safe("\n".join(lines))

    def _repr_html_(self) -> str:
        return self.html_page(standalone=False, max_rows=50)

    def heatmap(self, ax=None, *, max_labels: int = 60):
        """Matplotlib heatmap of the confidence of every candidate claim pair (what decides the
        pairs; blank where two claims are not candidates), the reported pairs boxed. Axis labels
        are the claim labels; ``report.legend()`` lists their texts.
        """
        from .plots import heatmap  # optional dependency (matplotlib)

        return heatmap(self, ax=ax, max_labels=max_labels)

    def legend(self, side: str = "A", width: int = 80):
        """A DataFrame of one side's claim labels, speakers and texts (for the heatmap's axes)."""
        import pandas as pd

        s = self.a if side.upper() == "A" else self.b
        return pd.DataFrame({"label": [c.label for c in s.claims], "speaker": [c.speaker or "" for c in s.claims],
                             "text": [_short(c.text, width) for c in s.claims]})


def _sort_value(r: Row, by: str):
    if by in ("score", "similarity", "margin"):
        return {"score": r.confidence, "similarity": r.similarity, "margin": r.margin}[by]
    if by in ("a_ids", "b_ids"):
        return len(r.a if by == "a_ids" else r.b) or None
    v = flat_row(r, safe=False)[by]
    return None if v in (None, "") else v


def _claim_order(record: dict) -> tuple:
    """A's claims in order, each with its counterparts (most confident first), then B's units."""
    group = record["group"]
    first = label_key(group[1:].split("–")[0].split(";")[0])
    return (group[0], first, group, -(record["score"] or 0.0))


def _conflict_lines(matches: list[Row], pairs: int, width: int) -> list[str]:
    """The summary's conflicts: up to ``pairs`` pairs whose flags include a conflict."""
    clashes = [r for r in matches if r.conflicts]
    if not clashes:
        return []
    lines = [f"conflicts (both sides state it, the values differ) in {len(clashes)} pairs:"]
    for r in clashes[:pairs]:
        lines.append(f"  {unit_ids('A', r.a_labels)} ~ {unit_ids('B', r.b_labels)}  "
                     f"{_short('; '.join(str(f) for f in r.conflicts), width + 20)}")
    if len(clashes) > pairs:
        lines.append(f"  … {len(clashes) - pairs} more pairs with conflicts in the report")
    return lines


def _strongest_lines(matches: list[Row], pairs: int, width: int) -> list[str]:
    """The summary's ``pairs`` most confident pairs, A and B each on a line of its own."""
    best = sorted(matches, key=lambda r: (r.confidence is None, -(r.confidence or 0.0)))[:pairs]
    lines = [f"the {len(best)} most confident pairs:"] if best else []
    for r in best:
        score = f"{'by hand' if r.confidence is None else shown(r.confidence)} {r.relation or ''}"
        lines.append(f"  {score:<17} {unit_ids('A', r.a_labels):<7} {_short(r.a_claim or r.a_text, width)}")
        lines.append(f"  {'':<17} {unit_ids('B', r.b_labels):<7} {_short(r.b_claim or r.b_text, width)}")
    if len(matches) > len(best):
        lines.append(f"… {len(matches) - len(best)} more pairs in the report")
    return lines


def _how_read(doc) -> str:
    """" (article text of a web page, cp1256)" when a document was not plain UTF-8 text."""
    notes = []
    if getattr(doc, "extracted_from", None) == "html":
        notes.append("article text of a web page")
    encoding = getattr(doc, "encoding", "utf-8")
    if encoding not in ("utf-8", "utf-8-sig", "ascii"):
        notes.append(f"decoded as {encoding}")
    return f" ({', '.join(notes)})" if notes else ""


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
