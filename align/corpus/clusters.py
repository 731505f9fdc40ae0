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
from typing import Any

from ..graphs import UnionFind
from ..speakers import is_identified
from ..types import label_key

SCOPES = ("several outlets and languages", "one language", "one outlet")
_KINDS = (("relative day", "day"), ("day", "day"), ("month", "month"), ("number", "numbers"),
          ("person", "person"), ("place", "place"))


def flag_kind(flag: str) -> str:
    """The kind of a flag: day, month, numbers, person, place (or its text before ':')."""
    head = flag.split(":", 1)[0].strip().lower()
    for prefix, kind in _KINDS:
        if head.startswith(prefix):
            return kind
    return head


def build_clusters(
    alignments: Sequence[dict[str, Any]],
    claims: dict[tuple[str, str], dict[str, Any]],
    articles: dict[str, dict[str, Any]],
    events: dict[str, str],
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str], list[str]]:
    """Claim clusters of the articles in ``events``.

    Parameters
    ----------
    alignments : sequence of dict
        Matches of confirmed pairs: ``a``, ``b`` (article ids), ``a_claims``, ``b_claims``
        (claim labels), ``confidence``, ``relation``, ``flags``.
    claims : dict
        ``(article, label) -> {"text", "speaker", "speaker_key", "lang"}`` for every claim of
        the articles in events, in document order per article.
    articles : dict
        ``id -> {"source", "lang", "date"}`` (source: the outlet, or the id when unknown).
    events : dict
        Article id -> event id.

    Returns
    -------
    clusters : list of dict
        One record per cluster, sorted by event, then shared before single, more outlets
        first, then first date and first article; ids ``C000001``, ... in that order.
    of_claim : dict
        ``(article, label) -> cluster id``.
    of_alignment : list of str or None
        The cluster of each alignment row (None: the link was refused).
    """
    uf: UnionFind[tuple[str, str]] = UnionFind()
    members_of: dict[tuple[str, str], dict[str, set[str]]] = {}  # root -> article -> labels

    def find(x):
        if x not in uf:
            members_of[x] = {x[0]: {x[1]}}
        return uf.find(x)

    def join(nodes: list[tuple[str, str]]) -> bool:
        roots = sorted({find(n) for n in nodes})
        own: dict[str, set[str]] = {}
        for art, lab in nodes:
            own.setdefault(art, set()).add(lab)
        combined: dict[str, set[str]] = {}
        owner: dict[str, tuple] = {}
        for r in roots:
            for art, labs in members_of[r].items():
                if art in owner and owner[art] != r and not (combined[art] | labs) <= own.get(art, set()):
                    return False  # two versions of one article's claims in one cluster
                combined.setdefault(art, set()).update(labs)
                owner[art] = r
        keep = roots[0]
        for r in roots[1:]:
            uf.link(keep, r)
            for art, labs in members_of.pop(r).items():
                members_of[keep].setdefault(art, set()).update(labs)
        return True

    for node in claims:
        if node[0] in events:
            find(node)
    order = sorted(range(len(alignments)), key=lambda n: (-(alignments[n].get("confidence") or 0.0), n))
    used = [False] * len(alignments)
    for n in order:
        r = alignments[n]
        used[n] = join([(r["a"], lab) for lab in r["a_claims"]] + [(r["b"], lab) for lab in r["b_claims"]])
    groups = uf.groups()
    links: dict[tuple[str, str], list[dict]] = {}
    for n, r in enumerate(alignments):
        if used[n]:
            links.setdefault(find((r["a"], r["a_claims"][0])), []).append(r)

    records = []
    for root, members in groups.items():
        members = sorted(members, key=lambda m: (m[0], label_key(m[1])))
        arts = sorted({m[0] for m in members})
        sources = sorted({articles[a]["source"] for a in arts})
        langs = sorted({articles[a]["lang"] for a in arts})

        def when(a: str):
            d = articles[a].get("date")
            return (d is None, d or "", a)

        first = min(arts, key=when)
        first_claim = next(m for m in members if m[0] == first)
        info = claims.get(first_claim, {})
        keys = Counter(claims[m]["speaker_key"] for m in members if m in claims and is_identified(claims[m].get("speaker_key")))
        speaker_key = sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if keys else None
        speaker = None
        if speaker_key:
            named = sorted((when(m[0]), claims[m]["speaker"]) for m in members
                           if m in claims and claims[m].get("speaker_key") == speaker_key and claims[m].get("speaker"))
            speaker = named[0][1] if named else None
        rs = links.get(root, [])
        confidences = [r["confidence"] for r in rs if r.get("confidence") is not None]
        flags = sorted({f"{r['a']}~{r['b']}: {f}" for r in rs for f in r.get("flags", ()) if not f.startswith("duplicate")})
        kinds = sorted({flag_kind(f.split(": ", 1)[1]) for f in flags})
        scope = SCOPES[2] if len(sources) < 2 else (SCOPES[1] if len(langs) < 2 else SCOPES[0])
        dates = sorted(d for d in (articles[a].get("date") for a in arts) if d)
        records.append({
            "event": events.get(first), "text": info.get("text", ""), "lang": articles[first]["lang"],
            "speaker": speaker, "speaker_key": speaker_key, "first_date": dates[0] if dates else None,
            "first_article": first, "first_outlet": articles[first]["source"],
            "n_articles": len(arts), "n_outlets": len(sources), "n_langs": len(langs),
            "articles": arts, "outlets": sources, "langs": langs,
            "members": [f"{a}:{lab}" for a, lab in members], "scope": scope,
            "confidence": min(confidences) if confidences else None,
            "relation": ("equivalent" if all(r.get("relation") == "equivalent" for r in rs) else "related") if rs else None,
            "flags": flags, "flag_kinds": kinds, "disagreement": bool(flags), "_members": members,
        })
    records.sort(key=lambda c: (c["event"] or "", c["n_outlets"] < 2, -c["n_outlets"], -c["n_articles"],
                                c["first_date"] or "9999", c["_members"][0][0], label_key(c["_members"][0][1])))
    of_claim: dict[tuple[str, str], str] = {}
    for n, c in enumerate(records, start=1):
        c["cluster"] = f"C{n:06d}"
        for m in c.pop("_members"):
            of_claim[m] = c["cluster"]
    of_alignment = [of_claim[(r["a"], r["a_claims"][0])] if used[n] else None for n, r in enumerate(alignments)]
    order = ["cluster", "event", "text", "lang", "speaker", "speaker_key", "first_date", "first_article", "first_outlet",
             "n_articles", "n_outlets", "n_langs", "articles", "outlets", "langs", "members", "scope", "confidence",
             "relation", "flags", "flag_kinds", "disagreement"]
    return [{k: c[k] for k in order} for c in records], of_claim, of_alignment
