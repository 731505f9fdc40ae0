"""Claim clusters across a corpus: one claim as carried by several articles, outlets, languages.

The matches of every confirmed same-event pair (comparable mode, one row per claim) link claims
``(article, label)``. Clusters are built greedily from the links, strongest first (by
confidence): a link joins the clusters of its claims unless the joined cluster would hold two
different claims of one article that the link itself does not join (a claim stated across two
segments). So a cluster holds at most one version of the claim per article, and a chain of
weaker matches (or a matcher that pairs one claim with several) cannot merge different claims
into one (plain connected components would). A link that was refused keeps its row in the
alignments table, without a cluster. Every claim of an article that belongs to an event is in
exactly one cluster: a claim no other article carries is a cluster of one (``scope == "one
outlet"``). A cluster records

- the articles, outlets and languages that carry it, and its ``scope``: ``"several outlets and
  languages"``, ``"one language"`` (several outlets, all in one language) or ``"one outlet"``;
- its speaker (the identified speaker most of its versions name, by canonical key, shown as the
  earliest version names them), its first date and first article (earliest dated, then by id);
- its text: the claim as the first article states it;
- its weakest link's confidence, its relation ("equivalent" only when every link is), and the
  disagreement flags between its versions (``align.flags``: day, numbers, people, places),
  each prefixed with the two articles (``"e05_fa_bbc~e05_en_aljazeera: numbers: 53.6 vs 53.7"``),
  with ``flag_kinds`` naming the kinds.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..graphs import UnionFind
from ..speakers import is_identified
from ..types import label_key
from .records import AlignmentRecord, ClusterRecord

SCOPES = ("several outlets and languages", "one language", "one outlet")
_KINDS = (("relative day", "day"), ("day", "day"), ("month", "month"), ("number", "numbers"),
          ("person", "person"), ("place", "place"))

Claim = tuple[str, str]  # (article id, claim label)


@dataclass(frozen=True)
class ClaimInfo:
    """What a cluster record reads of one claim."""

    text: str
    speaker: str | None
    speaker_key: str | None
    lang: str


@dataclass(frozen=True)
class ArticleInfo:
    """What a cluster record reads of one article (``source``: its outlet, or its id when unknown)."""

    source: str
    lang: str
    date: str | None


def flag_kind(flag: str) -> str:
    """The kind of a flag: day, month, numbers, person, place (or its text before ':')."""
    head = flag.split(":", 1)[0].strip().lower()
    for prefix, kind in _KINDS:
        if head.startswith(prefix):
            return kind
    return head


class _Joiner:
    """Union-find over claims that refuses a join putting two versions of one article's claim
    in one cluster (unless the joining link itself holds both).
    """

    def __init__(self) -> None:
        self.uf: UnionFind[Claim] = UnionFind()
        self.members_of: dict[Claim, dict[str, set[str]]] = {}  # root -> article -> labels

    def find(self, x: Claim) -> Claim:
        if x not in self.uf:
            self.members_of[x] = {x[0]: {x[1]}}
        return self.uf.find(x)

    def join(self, nodes: list[Claim]) -> bool:
        """Join the clusters of ``nodes`` (one link's claims); False when refused."""
        roots = sorted({self.find(n) for n in nodes})
        own: dict[str, set[str]] = {}
        for art, lab in nodes:
            own.setdefault(art, set()).add(lab)
        combined: dict[str, set[str]] = {}
        owner: dict[str, Claim] = {}
        for r in roots:
            for art, labs in self.members_of[r].items():
                if art in owner and owner[art] != r and not (combined[art] | labs) <= own.get(art, set()):
                    return False  # two versions of one article's claims in one cluster
                combined.setdefault(art, set()).update(labs)
                owner[art] = r
        keep = roots[0]
        for r in roots[1:]:
            self.uf.link(keep, r)
            for art, labs in self.members_of.pop(r).items():
                self.members_of[keep].setdefault(art, set()).update(labs)
        return True


def _cluster(members: list[Claim], links: list[AlignmentRecord], claims: dict[Claim, ClaimInfo],
             articles: dict[str, ArticleInfo], events: dict[str, str]) -> ClusterRecord:
    """The record of one cluster (its id still empty): ``members`` sorted, ``links`` the used
    alignment rows that hold it together.
    """
    arts = sorted({m[0] for m in members})
    sources = sorted({articles[a].source for a in arts})
    langs = sorted({articles[a].lang for a in arts})

    def when(a: str):
        d = articles[a].date
        return (d is None, d or "", a)

    first = min(arts, key=when)
    info = claims.get(next(m for m in members if m[0] == first))
    keys = Counter(claims[m].speaker_key for m in members if m in claims and is_identified(claims[m].speaker_key))
    speaker_key = sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if keys else None
    named = sorted((when(m[0]), claims[m].speaker) for m in members
                   if speaker_key and m in claims and claims[m].speaker_key == speaker_key and claims[m].speaker)
    confidences = [r.confidence for r in links if r.confidence is not None]
    flags = sorted({f"{r.a}~{r.b}: {f}" for r in links for f in r.flags if not f.startswith("duplicate")})
    scope = SCOPES[2] if len(sources) < 2 else (SCOPES[1] if len(langs) < 2 else SCOPES[0])
    dates = sorted(d for d in (articles[a].date for a in arts) if d)
    return ClusterRecord(
        cluster="", event=events.get(first), text=info.text if info else "", lang=articles[first].lang,
        speaker=named[0][1] if named else None, speaker_key=speaker_key, first_date=dates[0] if dates else None,
        first_article=first, first_outlet=articles[first].source, n_articles=len(arts), n_outlets=len(sources),
        n_langs=len(langs), articles=tuple(arts), outlets=tuple(sources), langs=tuple(langs),
        members=tuple(f"{a}:{lab}" for a, lab in members), scope=scope,
        confidence=min(confidences) if confidences else None,
        relation=("equivalent" if all(r.relation == "equivalent" for r in links) else "related") if links else None,
        flags=tuple(flags), flag_kinds=tuple(sorted({flag_kind(f.split(": ", 1)[1]) for f in flags})),
        disagreement=bool(flags),
    )


def build_clusters(
    alignments: Sequence[AlignmentRecord],
    claims: dict[Claim, ClaimInfo],
    articles: dict[str, ArticleInfo],
    events: dict[str, str],
) -> tuple[list[ClusterRecord], dict[Claim, str], list[str | None]]:
    """Claim clusters of the articles in ``events``.

    Parameters
    ----------
    alignments : sequence of AlignmentRecord
        Matches of confirmed pairs (``a``, ``b``, ``a_claims``, ``b_claims``, ``confidence``,
        ``relation``, ``flags`` are read); those of two articles in different events link
        nothing.
    claims : dict
        ``(article, label) -> ClaimInfo`` for every claim of the articles in events, in
        document order per article.
    articles : dict
        ``id -> ArticleInfo``.
    events : dict
        Article id -> event id.

    Returns
    -------
    clusters : list of ClusterRecord
        Sorted by event, then shared before single, more outlets first, then first date and
        first article; ids ``C000001``, ... in that order.
    of_claim : dict
        ``(article, label) -> cluster id``.
    of_alignment : list of str or None
        The cluster of each alignment row (None: the link was refused).
    """
    joiner = _Joiner()
    for node in claims:
        if node[0] in events:
            joiner.find(node)
    order = sorted(range(len(alignments)), key=lambda n: (-(alignments[n].confidence or 0.0), n))
    used = [False] * len(alignments)
    for n in order:
        r = alignments[n]
        if events.get(r.a) is None or events.get(r.a) != events.get(r.b):
            continue  # a confirmed pair whose articles did not join one event links no claims
        used[n] = joiner.join([(r.a, lab) for lab in r.a_claims] + [(r.b, lab) for lab in r.b_claims])
    links: dict[Claim, list[AlignmentRecord]] = {}
    for n, r in enumerate(alignments):
        if used[n]:
            links.setdefault(joiner.find((r.a, r.a_claims[0])), []).append(r)
    found = []
    for root, members in joiner.uf.groups().items():
        members = sorted(members, key=lambda m: (m[0], label_key(m[1])))
        found.append((_cluster(members, links.get(root, []), claims, articles, events), members[0]))
    found.sort(key=lambda cm: (cm[0].event or "", cm[0].n_outlets < 2, -cm[0].n_outlets, -cm[0].n_articles,
                               cm[0].first_date or "9999", cm[1][0], label_key(cm[1][1])))
    records, of_claim = [], {}
    for n, (c, _) in enumerate(found, start=1):
        records.append(c.replace(cluster=f"C{n:06d}"))
        for m in c.members:
            aid, lab = m.rsplit(":", 1)
            of_claim[aid, lab] = records[-1].cluster
    of_alignment = [of_claim[(r.a, r.a_claims[0])] if used[n] else None for n, r in enumerate(alignments)]
    return records, of_claim, of_alignment
