"""Groups of claims across three or more documents (pure functions over the pairwise matches).

Two units are in one group when a chain of matches links them (connected components,
``align.graphs``). A group lists, per document, the units that state the claim; units in no
group are listed as only in their document. A group's confidence is the lowest confidence
among the matches that hold it together (a chain is as strong as its weakest link); its
relation is "equivalent" only when every link is.
"""
from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .flags import Flag, ordered
from .graphs import UnionFind
from .rows import Row
from .types import Segment, label_key


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
    flags : tuple of Flag
        The links' flags, prefixed with the two documents' letters ("A-B: day: ..."), conflicts
        first (notes such as duplicates left out).
    """

    status: str
    units: tuple[tuple[Segment, ...], ...]
    texts: tuple[str, ...]
    confidence: float | None = None
    relation: str | None = None
    flags: tuple[Flag, ...] = ()

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


def _group_flags(links) -> tuple[Flag, ...]:
    """The links' flags between their articles' letters, each once, conflicts first."""
    seen: dict[str, Flag] = {}
    for r, x, y in links:
        for f in ordered(r.flags):
            if f.severity != "note":
                g = f.between(f"{x}-{y}")
                seen.setdefault(str(g), g)
    return ordered(sorted(seen.values()))


def build_groups(unit_lists: Sequence[Sequence[Segment]], pairwise: Mapping[tuple[int, int], Sequence[Row]]) -> list[GroupRow]:
    """Join pairwise matches into groups of units across documents (connected components).

    Parameters
    ----------
    unit_lists : sequence of sequence of Segment
        Each document's report units, in document order.
    pairwise : mapping
        ``{(i, j): matches}`` for document pairs i < j: the matched rows of the pair's report
        as they read now (reviews applied).

    Returns
    -------
    list of GroupRow
        Groups first (most documents first), then units in no group.
    """
    letters = string.ascii_uppercase
    uf: UnionFind[tuple[int, str]] = UnionFind()
    links = []  # (a node of the match, the match row, letters of its two documents)
    for (i, j), matches in pairwise.items():
        for r in matches:
            if r.reviewed.startswith("rejected"):
                continue  # a reviewer said these do not state the same claim
            nodes = [(i, u) for u in r.a_labels] + [(j, u) for u in r.b_labels]
            for n in nodes[1:]:
                uf.union(nodes[0], n)
            links.append((nodes[0], r, letters[i], letters[j]))
    groups = {root: set(members) for root, members in uf.groups().items()}
    link_of: dict = {}
    for node, r, x, y in links:
        link_of.setdefault(uf.find(node), []).append((r, x, y))
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
            flags=_group_flags(rs),
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
