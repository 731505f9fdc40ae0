"""Where a row is built: the report's rows as typed, immutable values, from segments, pairs and
scores (pure functions, no I/O).

A :class:`Row` is one line of the comparison: a matched pair (``status == "match"``) or a unit
found in only one document (``"only_a"`` / ``"only_b"``). It refers to its units by the
:class:`~align.segment.Segment` objects themselves, so there is a single id convention in
memory: a segment's ``id`` (1-based, its position among its document's units) and its
``label`` ("7", or "7.2" for the second claim of sentence 7), which is what files and the
researcher see. The 0-based indexes of :class:`~align.matching.Pair` are positions in the claim
arrays and never leave the matching stage: :func:`build_rows` turns them into segments.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .flags import Flag, conflicts, disagreements, known_people, note
from .matching import Pair
from .scoring import MarginScores
from .sides import Side
from .speakers import is_identified
from .text import repair_zwnj
from .types import Segment


@dataclass(frozen=True)
class Row:
    """One row of a comparison report.

    Parameters
    ----------
    status : {"match", "only_a", "only_b"}
        A matched pair, or a unit only in A / only in B.
    a, b : tuple of Segment
        The units of each document in this row (one side empty for an only-in row).
    a_text, b_text : str
        Their texts as shown (joined by a space; Persian ZWNJ repaired when asked).
    confidence : float or None
        Calibrated probability that the pair is right (None: unmatched, or linked by hand).
    relation : {"equivalent", "related"} or None
        Graded from the confidence, or set by a reviewer.
    similarity : float or None
        Cosine of the pair's core claims (parallel mode: of the two groups).
    margin : float or None
        The pair's margin score (comparable) or normalised step score (parallel).
    a_claim, b_claim : str
        The claims that matched (parts of the sentences in ``a_text`` / ``b_text``).
    nearest : str or None
        Only-in rows: the label of the other document's closest unit.
    flags : tuple of Flag
        Disagreements between the two sides (``align.flags``: days, dates, numbers, people,
        places), conflicts first, then what one side alone mentions, then notes such as
        "duplicate of b#1". A flag is its readable text, with ``kind``, ``severity``, ``a``, ``b``.
    reviewed : str
        The reviewer's decision ("accepted", "rejected (related)", "re-linked", ...) or "".
    """

    status: str
    a: tuple[Segment, ...]
    b: tuple[Segment, ...]
    a_text: str = ""
    b_text: str = ""
    confidence: float | None = None
    relation: str | None = None
    similarity: float | None = None
    margin: float | None = None
    a_claim: str = ""
    b_claim: str = ""
    nearest: str | None = None
    flags: tuple[Flag, ...] = ()
    reviewed: str = ""

    @property
    def conflicts(self) -> tuple[Flag, ...]:
        """The flags where both sides state a fact and the values differ."""
        return conflicts(self.flags)

    @property
    def a_ids(self) -> tuple[int, ...]:
        """Ids (1-based) of A's units in this row."""
        return tuple(u.id for u in self.a)

    @property
    def b_ids(self) -> tuple[int, ...]:
        """Ids (1-based) of B's units in this row."""
        return tuple(u.id for u in self.b)

    @property
    def a_labels(self) -> tuple[str, ...]:
        """Labels of A's units ("7", "7.2")."""
        return tuple(u.label for u in self.a)

    @property
    def b_labels(self) -> tuple[str, ...]:
        """Labels of B's units."""
        return tuple(u.label for u in self.b)

    @property
    def a_speaker(self) -> str:
        """The people speaking in A's units, as named there ("; "-joined)."""
        return "; ".join(sorted({u.speaker for u in self.a} - {None}))

    @property
    def b_speaker(self) -> str:
        """The people speaking in B's units."""
        return "; ".join(sorted({u.speaker for u in self.b} - {None}))

    @property
    def a_speaker_key(self) -> str:
        """Canonical keys of A's speakers (the same person across scripts)."""
        return "; ".join(sorted({u.speaker_key for u in self.a} - {None}))

    @property
    def b_speaker_key(self) -> str:
        """Canonical keys of B's speakers."""
        return "; ".join(sorted({u.speaker_key for u in self.b} - {None}))

    @property
    def key(self) -> str:
        """The row's stable key: "A1|B6", "A9|" (only in A), "|B3", "A2.1|B9;10"."""
        return row_key(self.a_labels, self.b_labels)

    @property
    def is_match(self) -> bool:
        """True for a matched pair."""
        return self.status == "match"

    @property
    def group(self) -> str:
        """The claim of A this row belongs to ("A4", "A13–14"), or the unit of B for a row with no
        A side ("B7"): rows that share it are one claim with its counterparts.
        """
        return unit_ids("A", self.a_labels) if self.a else unit_ids("B", self.b_labels)


def unit_ids(letter: str, labels: Sequence[str]) -> str:
    """Units as people read them: "A4", "B13–14" (consecutive), "B3;7", "A2.1;2.2"."""
    if not labels:
        return ""
    if len(labels) > 1 and all(x.isdigit() for x in labels):
        n = [int(x) for x in labels]
        if n == list(range(n[0], n[0] + len(n))):
            return f"{letter}{n[0]}–{n[-1]}"
    return letter + ";".join(labels)


def row_key(a_labels: Sequence[str], b_labels: Sequence[str]) -> str:
    """A row's key from its labels: ``row_key(("1",), ("6",)) == "A1|B6"``."""
    a = "A" + ";".join(map(str, a_labels)) if a_labels else ""
    b = "B" + ";".join(map(str, b_labels)) if b_labels else ""
    return f"{a}|{b}"


def _texts(units: Sequence[Segment], lang: str, repair: bool) -> str:
    text = " ".join(u.text for u in units)
    return repair_zwnj(text) if repair and lang == "fa" else text


def _claim_text(text: str, lang: str, repair: bool) -> str:
    return repair_zwnj(text) if repair and lang == "fa" else text


def original_of(units: Sequence[Segment], u: Segment) -> Segment:
    """The unit an exact duplicate ``u`` repeats (same sentence position, and claim position)."""
    for o in units:
        if (o.sentence or o.id) == u.duplicate_of and o.part == u.part and o.duplicate_of is None:
            return o
    return units[u.duplicate_of - 1]


def people_of(a: Side, b: Side) -> dict[str, str]:
    """The people named in either document (for the person flags), keyed by name key."""
    names = [[s.speaker for s in side.sentences if s.speaker and is_identified(s.speaker_key)] for side in (a, b)]
    return known_people([a.document.text, b.document.text], names)


def flag_pair(a_units: Sequence[Segment], b_units: Sequence[Segment], people: dict[str, str],
              articles: tuple[str, str] | None = None) -> list[Flag]:
    """Disagreements between the two sides of a pair (see ``align.flags``). ``articles``: the
    two documents' texts, so that a place either article mentions anywhere is not "only in" one
    side, and a different person is a conflict only when the other article never names them.
    """
    context_a, context_b = articles if articles is not None else (None, None)
    return disagreements(
        " ".join(u.text for u in a_units), " ".join(u.text for u in b_units), people,
        sorted({u.speaker for u in a_units if u.speaker and is_identified(u.speaker_key)}),
        sorted({u.speaker for u in b_units if u.speaker and is_identified(u.speaker_key)}),
        context_a=context_a, context_b=context_b,
    )


def link_row(a: Side, b: Side, a_units: Sequence[Segment], b_units: Sequence[Segment], *, relation: str,
             repair: bool = False) -> Row:
    """A pair linked by hand (``Report.relink``): no confidence, flags as for any match."""
    return Row(
        "match", tuple(a_units), tuple(b_units),
        a_text=_texts(a_units, a.document.lang, repair), b_text=_texts(b_units, b.document.lang, repair),
        relation=relation, reviewed="re-linked",
        flags=tuple(flag_pair(a_units, b_units, people_of(a, b), (a.document.text, b.document.text))),
    )


def relation(confidence: float, equivalent: float) -> str:
    """``"equivalent"`` (the same claim) from ``equivalent`` up, else ``"related"``."""
    return "equivalent" if confidence >= equivalent else "related"


def build_rows(
    a: Side,
    b: Side,
    pairs: Sequence[Pair],
    scores: MarginScores,
    *,
    unit: str,
    equivalent: float,
    repair: bool = False,
    document_order: bool = False,
) -> list[Row]:
    """The rows of a comparison: one per matched pair, one per unit without a counterpart.

    Parameters
    ----------
    a, b : Side
        The prepared documents.
    pairs : sequence of Pair
        Chosen pairs; indexes are 0-based positions in ``a.claims`` / ``b.claims`` (parallel
        mode: in the sentences, which are then the claims).
    scores : MarginScores
        The scores the pairs were chosen from (for each unmatched unit's nearest partner).
    unit : {"sentence", "claim"}
        Rows per sentence (a pair of claims is shown as the pair of their sentences) or per claim.
    equivalent : float
        The confidence from which a pair is graded "equivalent" (below: "related").
    repair : bool
        Show Persian text with missing zero-width non-joiners restored.
    document_order : bool
        Rows in the order of both texts (parallel mode) instead of matches first.

    Returns
    -------
    list of Row
        Every unit of both documents appears in at least one row. An exact duplicate (a bullet
        repeating the headline) mirrors its original's rows, flagged "duplicate of ...".
    """
    units_a, units_b = a.units(unit), b.units(unit)
    # claim index -> unit (the claim itself, or its sentence)
    if unit == "claim":
        of_a, of_b = list(units_a), list(units_b)
    else:
        by_id_a = {u.id: u for u in units_a}
        by_id_b = {u.id: u for u in units_b}
        of_a = [by_id_a[c.sentence or c.id] for c in a.claims]
        of_b = [by_id_b[c.sentence or c.id] for c in b.claims]
    lang_a, lang_b = a.document.lang, b.document.lang

    best: dict[tuple, Row] = {}
    for p in pairs:
        ua = tuple(sorted({of_a[i] for i in p.a}, key=lambda u: u.id))
        ub = tuple(sorted({of_b[j] for j in p.b}, key=lambda u: u.id))
        row = Row(
            "match", ua, ub, confidence=p.score, relation=relation(p.score, equivalent), similarity=p.similarity,
            margin=p.margin,
            a_claim=_claim_text(" ".join(a.claims[i].text for i in p.a), lang_a, repair),
            b_claim=_claim_text(" ".join(b.claims[j].text for j in p.b), lang_b, repair),
        )
        key = (row.a_ids, row.b_ids)
        if key not in best or row.confidence > best[key].confidence:
            best[key] = row
    matches = _drop_covered(best, equivalent)
    matches += _duplicate_rows(matches, units_a, "a") + _duplicate_rows(matches, units_b, "b")
    people = people_of(a, b)
    articles = (a.document.text, b.document.text)
    rows = [
        replace(r, a_text=_texts(r.a, lang_a, repair), b_text=_texts(r.b, lang_b, repair),
                flags=(*flag_pair(r.a, r.b, people, articles), *r.flags))
        for r in matches
    ]
    rows += _only_rows(rows, scores, (units_a, of_a, lang_a), (units_b, of_b, lang_b), repair)
    if document_order:
        rows.sort(key=document_order_key(rows))
    else:
        rank = {"match": 0, "only_a": 0, "only_b": 1}
        rows.sort(key=lambda r: (rank[r.status], r.a_ids or (0,), r.b_ids or (0,)))
    return rows


def _only_rows(matches: list[Row], scores: MarginScores, side_a: tuple, side_b: tuple, repair: bool) -> list[Row]:
    """One row per unit in no match (A's first, then B's), with its nearest unit of the other
    document. ``side_a``/``side_b``: (the report's units, the unit of each claim index, language).
    """
    (units_a, of_a, lang_a), (units_b, of_b, lang_b) = side_a, side_b
    claims_of: dict[str, dict[int, list[int]]] = {"a": {}, "b": {}}
    for side, of in (("a", of_a), ("b", of_b)):
        for k, u in enumerate(of):
            claims_of[side].setdefault(u.id, []).append(k)
    matched = {"a": {u.id for r in matches for u in r.a}, "b": {u.id for r in matches for u in r.b}}
    rows = []
    for side, units, other_of, lang in (("a", units_a, of_b, lang_a), ("b", units_b, of_a, lang_b)):
        for u in units:
            if u.id in matched[side]:
                continue
            flags = (note(f"duplicate of {side}#{original_of(units, u).label}"),) if u.duplicate_of else ()
            near = _nearest(scores, side, claims_of[side][u.id], other_of)
            text = _texts((u,), lang, repair)
            if side == "a":
                rows.append(Row("only_a", (u,), (), a_text=text, nearest=near, flags=flags))
            else:
                rows.append(Row("only_b", (), (u,), b_text=text, nearest=near, flags=flags))
    return rows


def _drop_covered(best: dict[tuple, Row], equivalent: float) -> list[Row]:
    """A pair whose units a larger pair holds too (one claim of sentence 4 with 13, another with
    13 and 14 together) is shown once: as the larger pair, with the higher confidence.
    """
    covered: set[tuple] = set()
    raised: dict[tuple, float] = {}
    for key, row in best.items():
        if len(key[0]) + len(key[1]) <= 2:
            continue
        for sub_a in _subsets(key[0]):
            for sub_b in _subsets(key[1]):
                sub = (sub_a, sub_b)
                if sub != key and sub in best:
                    covered.add(sub)
                    raised[key] = max(raised.get(key, row.confidence), best[sub].confidence)
    out = []
    for key, row in best.items():
        if key in covered:
            continue
        if key in raised and raised[key] > row.confidence:
            row = replace(row, confidence=raised[key], relation=relation(raised[key], equivalent))
        out.append(row)
    return out


def _subsets(ids: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Non-empty sub-tuples of ``ids`` (order kept)."""
    return [tuple(x for k, x in enumerate(ids) if mask >> k & 1) for mask in range(1, 1 << len(ids))]


def _duplicate_rows(rows: list[Row], units: Sequence[Segment], side: str) -> list[Row]:
    """A duplicate (a bullet repeating the headline) mirrors its original's matches."""
    out = []
    for u in units:
        if u.duplicate_of is None:
            continue
        orig = original_of(units, u)
        for r in rows:
            mine = r.a if side == "a" else r.b
            if orig in mine:
                twin = tuple(sorted((set(mine) - {orig}) | {u}, key=lambda x: x.id))
                flags = (*r.flags, note(f"duplicate of {side}#{orig.label}"))
                out.append(replace(r, a=twin, flags=flags) if side == "a" else replace(r, b=twin, flags=flags))
    return out


def _nearest(scores: MarginScores, side: str, claims: list[int], other_of: Sequence[Segment]) -> str | None:
    """Label of the other side's unit closest (by margin) to any of a unit's ``claims``."""
    near = scores.row_near if side == "a" else scores.col_near
    best, best_val = None, -np.inf
    for c in claims:
        o = int(near[c])
        if o < 0:
            continue
        v = scores.margin_at(c, o) if side == "a" else scores.margin_at(o, c)
        if v > best_val:
            best, best_val = o, v
    return None if best is None else other_of[best].label


def document_order_key(rows: Sequence[Row]):
    """Sort key for a monotonic (parallel-mode) alignment: rows in the order of both texts; a
    B-only row goes after the last A unit aligned before it.
    """
    last_a = sorted((r.b_ids[-1], r.a_ids[-1]) for r in rows if r.a and r.b)
    ends_b = [j for j, _ in last_a]
    best_a = np.maximum.accumulate([i for _, i in last_a]) if last_a else []

    def key(r: Row):
        if r.a:
            return (float(r.a_ids[0]), 0 if r.b else 1, r.b_ids[0] if r.b else 0)
        j = r.b_ids[0]
        pos = int(np.searchsorted(ends_b, j))  # aligned steps ending before B unit j
        return ((float(best_a[pos - 1]) if pos else 0.0) + 0.5, 0, j)

    return key
