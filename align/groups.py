"""Groups of claims across three or more documents (pure functions over the pairwise matches).

Every pair of documents is compared exactly as a two-document comparison would compare them
(every counterpart, the same threshold), so the n-document report never contradicts the
two-document ones. The pairwise matches then become rows:

- a **group**: units of several documents of which every two (of different documents) are
  directly linked as *equivalent* (a pair whose confidence reaches ``link_score``, by default the
  calibrated "equivalent" point). Groups grow from the most confident link down and two are
  merged only when every pair across them is such a link (complete linkage): a chain A ~ C ~ B
  does not make A and B one claim when A and B themselves are only related. A group lists, per
  document, every unit that states the claim; its confidence is its weakest link;
- a **related link**: a reported pair below ``link_score`` (or one a reviewer graded related):
  a row of its own, with its own confidence (also when a group holds both its units), so that
  every pair a two-document report lists is in some row of the n-document report with its
  confidence or less;
- units in no row are listed as only in their document.

An equivalent link that no group could take (it would chain) is a row of its own too. A weak
link never joins two claims: A1 ~ B1 (0.5) and B1 ~ C1 (0.5) are two related rows, not a group
of three.
"""
from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .flags import Flag, ordered
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
    """The links' flags between their articles' letters ("B-C: place only in C: …"), each once,
    conflicts first.
    """
    seen: dict[str, Flag] = {}
    for r, x, y in links:
        for f in ordered(r.flags):
            if f.severity != "note":
                g = f.between(f"{x}-{y}")
                seen.setdefault(str(g), g)
    return ordered(sorted(seen.values()))


def build_groups(unit_lists: Sequence[Sequence[Segment]], pairwise: Mapping[tuple[int, int], Sequence[Row]],
                 link_score: float) -> list[GroupRow]:
    """The rows of three or more documents from their pairwise matches (see the module docstring).

    Parameters
    ----------
    unit_lists : sequence of sequence of Segment
        Each document's report units, in document order.
    pairwise : mapping
        ``{(i, j): matches}`` for document pairs i < j: the matched rows of the pair's report
        as they read now (reviews applied; a rejected match links nothing).
    link_score : float
        The least confidence of a link that joins units into one group.

    Returns
    -------
    list of GroupRow
        Groups and related links (most documents first), then units in no row.
    """
    letters = string.ascii_uppercase
    strong, weak = [], []  # (the match's nodes, the match row, letters of its two documents)
    for (i, j), matches in pairwise.items():
        for r in matches:
            if r.reviewed.startswith("rejected"):
                continue  # a reviewer said these do not state the same claim
            nodes = [(i, u) for u in r.a_labels] + [(j, u) for u in r.b_labels]
            sure = r.confidence is None or r.confidence >= link_score or r.reviewed.startswith("accepted")
            (strong if sure and r.relation == "equivalent" else weak).append((nodes, r, letters[i], letters[j]))
    by_label = [{str(u.label): u for u in units} for units in unit_lists]
    groups, left = _complete_linkage(strong)
    rows = [_row(by_label, _per_doc(members, len(unit_lists)), "match", links) for members, links in groups]
    for nodes, r, x, y in [*left, *weak]:  # a row of its own, even inside a group: its confidence is its own
        rows.append(_row(by_label, _per_doc(nodes, len(unit_lists)), "match", [(r, x, y)]))
    listed = {(k, u.label) for r in rows for k, us in enumerate(r.units) for u in us}
    for k in range(len(unit_lists)):
        for lab in by_label[k]:
            if (k, lab) not in listed:
                rows.append(_row(by_label, _per_doc([(k, lab)], len(unit_lists)), f"only_{letters[k]}", []))
    n = len(unit_lists)
    rows.sort(key=lambda r: (not r.is_match, -sum(1 for us in r.units if us), r.relation != "equivalent",
                             *[tuple(label_key(u.label) for u in r.units[k]) or ((1e9,),) for k in range(n)]))
    return rows


def _per_doc(nodes: Sequence[tuple[int, str]], n: int) -> list[list[str]]:
    return [sorted({lab for (k, lab) in nodes if k == m}, key=label_key) for m in range(n)]


def _row(by_label: list[dict[str, Segment]], per_doc: list[list[str]], status: str, links: list[tuple[Row, str, str]]) -> GroupRow:
    """A row of ``per_doc``'s units held together by ``links`` (confidence: the weakest)."""
    units = tuple(tuple(by_label[k][lab] for lab in labs) for k, labs in enumerate(per_doc))
    scores = [r.confidence for r, _, _ in links if r.confidence is not None]
    relation = None
    if links:
        relation = "equivalent" if all(r.relation == "equivalent" for r, _, _ in links) else "related"
    flags = _group_flags(links)
    return GroupRow(status, units, tuple(" ".join(u.text for u in us) for us in units),
                    confidence=min(scores) if scores else None, relation=relation, flags=flags)


def _complete_linkage(strong: list) -> tuple[list[tuple[list, list]], list]:
    """Groups of units from the equivalent links, most confident first, merging two groups only
    when every pair of their units from different documents is itself such a link; returns the
    groups (members, links) and the links no group could take.
    """
    linked = {frozenset((u, v)) for nodes, *_ in strong for u in nodes for v in nodes if u[0] != v[0]}
    group_of: dict[tuple[int, str], int] = {}
    members: dict[int, set] = {}
    links: dict[int, list] = {}
    left = []
    for nodes, r, x, y in sorted(strong, key=lambda s: (-(s[1].confidence if s[1].confidence is not None else 1.0), s[1].key)):
        ids = {group_of[n] for n in nodes if n in group_of}
        together = set(nodes).union(*(members[g] for g in ids))
        if not all(frozenset((u, v)) in linked for u in together for v in together if u[0] != v[0]):
            left.append((nodes, r, x, y))
            continue
        keep = min(ids) if ids else len(members)
        members.setdefault(keep, set()).update(together)
        links.setdefault(keep, []).append((r, x, y))
        for g in ids - {keep}:
            links[keep] += links.pop(g)
            members.pop(g)
        for n in together:
            group_of[n] = keep
    return [(sorted(members[g]), links[g]) for g in sorted(members)], left

