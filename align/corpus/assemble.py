"""The tables of a corpus run: typed records (``align.corpus.records``) from the engine's output.

Events come from the confirmed pairs (``align.corpus.events``), claim clusters from the
alignments of the confirmed pairs (``align.corpus.clusters``); every other table is the engine's
output, joined with the articles' metadata, sorted, its scores rounded (so that the same input
gives the same files).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..types import label_key
from .clusters import ArticleInfo, ClaimInfo, build_clusters
from .engine import RunOutput
from .events import REPORTED, events_from_pairs
from .records import (
    AlignmentRecord,
    ArticleRecord,
    BadRowRecord,
    ClusterRecord,
    EventRecord,
    OutletRecord,
    PairRecord,
    Record,
    SegmentRecord,
)

ROUND = 6  # digits of stored scores: the same input gives the same files


def rounded(x: float | None) -> float | None:
    """A stored score: ``ROUND`` digits (None stays None)."""
    return None if x is None else round(float(x), ROUND)


@dataclass(frozen=True)
class Tables:
    """Every table of a corpus result (tuples of typed records)."""

    articles: tuple[ArticleRecord, ...]
    segments: tuple[SegmentRecord, ...]
    article_pairs: tuple[PairRecord, ...]
    alignments: tuple[AlignmentRecord, ...]
    clusters: tuple[ClusterRecord, ...]
    events: tuple[EventRecord, ...]
    outlets: tuple[OutletRecord, ...]
    bad_rows: tuple[BadRowRecord, ...]

    def __getitem__(self, name: str) -> tuple[Record, ...]:
        return getattr(self, name)


def build_tables(out: RunOutput) -> Tables:
    """The tables of :func:`align.corpus.engine.run_corpus`'s output."""
    by_id = {a.id: a for a in out.articles}
    meta = {m["id"]: m for m in out.meta}
    event_of = events_from_pairs([(p["a"], p["b"], p["score"], p["confirmed"]) for p in out.pairs],
                                 {i: by_id[i].date for i in meta})
    info = {i: ArticleInfo(by_id[i].source, meta[i]["lang"], by_id[i].date) for i in meta}
    claims = {(s["article"], s["label"]): ClaimInfo(s["text"], s["speaker"], s["speaker_key"], s["lang"])
              for s in out.segments if s["unit"] == "claim" and s["article"] in event_of}
    links = sorted((_link(r) for r in out.alignments), key=lambda r: (r.a, r.b, [label_key(x) for x in r.a_claims],
                                                                        [label_key(x) for x in r.b_claims]))
    clusters, of_claim, of_alignment = build_clusters(links, claims, info, event_of)
    clusters = [c.replace(confidence=rounded(c.confidence)) for c in clusters]
    nearest = _nearest(out.pairs)
    articles = [ArticleRecord(i, meta[i]["lang"], by_id[i].outlet, by_id[i].date, by_id[i].date_written, by_id[i].title, by_id[i].url,
                              meta[i]["n_sentences"], meta[i]["n_claims"], meta[i]["chars"], event_of.get(i), by_id[i].where,
                              *nearest.get(i, (None, None)))
                for i in sorted(meta)]
    segments = [_segment(s, of_claim) for s in sorted(out.segments, key=lambda s: (s["article"], s["unit"] != "sentence", s["id"]))]
    pairs = [_pair(p, by_id, meta, event_of) for p in sorted(out.pairs, key=lambda p: (p["a"], p["b"]))]
    alignments = [r.replace(event=event_of.get(r.a), cluster=cluster, confidence=rounded(r.confidence),
                            similarity=rounded(r.similarity), margin=rounded(r.margin), gain=rounded(r.gain))
                  for r, cluster in zip(links, of_alignment, strict=True)]
    bad = [BadRowRecord(b.id, b.where, b.reason, b.action) for b in out.bad_rows]
    source = {i: a.source for i, a in by_id.items()}
    return Tables(tuple(articles), tuple(segments), tuple(pairs), tuple(alignments), tuple(clusters),
                  tuple(_events(articles, clusters, source)), tuple(outlets_of(articles, clusters, source)), tuple(bad))


def _nearest(pairs: list[dict]) -> dict[str, tuple[str, float]]:
    """Article id -> (its candidate partner of highest score, that score rounded)."""
    best: dict[str, tuple[float, str]] = {}
    for p in pairs:
        for x, y in ((p["a"], p["b"]), (p["b"], p["a"])):
            if x not in best or (-p["score"], y) < (-best[x][0], best[x][1]):
                best[x] = (p["score"], y)
    return {x: (y, rounded(s)) for x, (s, y) in best.items()}


def _link(r: dict) -> AlignmentRecord:
    """An alignment row of the engine, before its event and cluster are known (scores unrounded:
    clusters are built strongest link first).
    """
    return AlignmentRecord(None, None, r["a"], r["b"], tuple(r["a_claims"]), tuple(r["b_claims"]), r["a_text"], r["b_text"],
                           r["a_speaker"], r["b_speaker"], r["confidence"], r["relation"], r["similarity"], r["margin"],
                           r["gain"], tuple(r["flags"]))


def _segment(s: dict, of_claim: dict[tuple[str, str], str]) -> SegmentRecord:
    claim = s["unit"] == "claim"
    return SegmentRecord(
        s["article"], s["unit"], s["label"], s["id"], s["sentence"] if claim else None, s["part"] if claim else None,
        s["kind"], s["text"], s["start"], s["end"], s["paragraph"], s["lang"], s["speaker"], s["speaker_key"],
        s["duplicate_of"], of_claim.get((s["article"], s["label"])) if claim else None)


def _pair(p: dict, by_id: dict, meta: dict, event_of: dict[str, str]) -> PairRecord:
    a, b = by_id[p["a"]], by_id[p["b"]]
    same = event_of.get(p["a"]) if p["confirmed"] and event_of.get(p["a"]) == event_of.get(p["b"]) else None
    return PairRecord(
        p["a"], p["b"], meta[p["a"]]["lang"], meta[p["b"]]["lang"], a.outlet, b.outlet, p["date_gap_days"], rounded(p["cos"]),
        *(rounded(p[f]) for f in REPORTED), rounded(p["coverage_a"]), rounded(p["coverage_b"]), rounded(p["coverage"]),
        rounded(p["score"]), bool(p["confirmed"]), p["n_matches"], same)


def _events(articles: list[ArticleRecord], clusters: list[ClusterRecord], source: dict[str, str]) -> list[EventRecord]:
    members: dict[str, list[ArticleRecord]] = {}
    for a in articles:
        if a.event:
            members.setdefault(a.event, []).append(a)
    per: dict[str | None, list[ClusterRecord]] = {}
    for c in clusters:
        per.setdefault(c.event, []).append(c)
    out = []
    for e in sorted(members):
        arts = members[e]
        dates = sorted(a.date for a in arts if a.date)
        first = min(arts, key=lambda a: (a.date is None, a.date or "", a.id))
        cs = per.get(e, [])
        title = first.title or next((c.text for c in cs if c.first_article == first.id), "")
        out.append(EventRecord(
            e, dates[0] if dates else None, dates[-1] if dates else None, title, len(arts), len({source[a.id] for a in arts}),
            len({a.lang for a in arts}), tuple(sorted({a.lang for a in arts})), tuple(sorted({source[a.id] for a in arts})),
            tuple(a.id for a in arts), len(cs), sum(1 for c in cs if c.n_outlets > 1), sum(1 for c in cs if c.disagreement)))
    return out


def outlets_of(articles: Sequence[ArticleRecord], clusters: Sequence[ClusterRecord], source: dict[str, str]) -> list[OutletRecord]:
    """The per-outlet summary (see :class:`~align.corpus.records.OutletRecord`), by outlet name."""
    arts: dict[str, list[ArticleRecord]] = {}
    for a in articles:
        arts.setdefault(source[a.id], []).append(a)
    carried: dict[str, list[ClusterRecord]] = {}
    for c in clusters:
        for o in c.outlets:
            carried.setdefault(o, []).append(c)
    out = []
    for o in sorted(arts):
        mine = {a.id for a in arts[o]}
        cs = carried.get(o, [])
        conflicts = sum(1 for c in cs if any(set(f.split(": ", 1)[0].split("~")) & mine for f in c.flags))
        out.append(OutletRecord(o, tuple(sorted({a.lang for a in arts[o]})), len(arts[o]), sum(1 for a in arts[o] if a.event),
                                len(cs), sum(1 for c in cs if c.n_outlets == 1), conflicts))
    return out
