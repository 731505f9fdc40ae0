"""The result of a corpus run: its tables, and the researcher's API on them (display, filter,
``to_frame``, ``to_parquet``/``to_html``/``to_xlsx``), with the conventions of
:class:`align.report.Report`.

Tables (pandas DataFrames; ``to_parquet`` writes each as ``<name>.parquet``):

- ``articles``: ``id, lang, outlet, date, title, url, n_sentences, n_claims, chars, event, where``.
- ``segments``: every sentence and claim of every article (``unit`` "sentence" or "claim"),
  with character offsets into the article's text, speaker, and for claims their ``cluster``.
- ``article_pairs``: every candidate pair with its features (``cos``, ``claim_gain``,
  ``claim_z``), calibrated ``score``, ``confirmed``; for confirmed pairs ``coverage_a``,
  ``coverage_b``, ``coverage`` (how much of each article the other carries),
  ``n_matches`` and ``event``.
- ``alignments``: the matched claim pairs of every confirmed pair (comparable mode, one row per
  claim pair), with confidence, relation, flags and ``cluster``.
- ``clusters``: one row per claim cluster of every event (see ``align.corpus.clusters``).
- ``events`` (derived, shown in the HTML and XLSX; ``to_frame("events")``) and ``bad_rows``.

A *view* (``corpus.filter(...)``) keeps the clusters that match every condition, and with them
their events, the articles of those events, their pairs, alignments and segments.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..params import Options, check
from ..speakers import speaker_matches
from ..text import terminal_safe
from ..types import label_key
from . import outputs
from .clusters import SCOPES, build_clusters
from .events import events_from_pairs

TABLES = ("articles", "segments", "article_pairs", "alignments", "clusters")
COLUMNS = {
    "articles": ["id", "lang", "outlet", "date", "title", "url", "n_sentences", "n_claims", "chars", "event", "where"],
    "segments": ["article", "unit", "label", "id", "sentence", "part", "kind", "text", "start", "end", "paragraph", "lang",
                 "speaker", "speaker_key", "duplicate_of", "cluster"],
    "article_pairs": ["a", "b", "lang_a", "lang_b", "outlet_a", "outlet_b", "date_gap_days", "cos", "claim_gain",
                      "claim_z", "coverage_a", "coverage_b", "coverage", "score", "confirmed", "n_matches", "event"],
    "alignments": ["event", "cluster", "a", "b", "a_claims", "b_claims", "a_text", "b_text", "a_speaker", "b_speaker",
                   "confidence", "relation", "similarity", "margin", "gain", "flags"],
    "clusters": ["cluster", "event", "text", "lang", "speaker", "speaker_key", "first_date", "first_article", "first_outlet",
                 "n_articles", "n_outlets", "n_langs", "articles", "outlets", "langs", "members", "scope", "confidence",
                 "relation", "flags", "flag_kinds", "disagreement"],
    "events": ["event", "first_date", "last_date", "title", "n_articles", "n_outlets", "n_langs", "langs", "outlets",
               "articles", "n_claims", "n_shared", "n_flagged"],
    "bad_rows": ["id", "where", "reason", "action"],
}
_ROUND = 6  # digits of stored scores: the same input gives the same files


def _r(x):
    return None if x is None else round(float(x), _ROUND)


def build_records(out: dict[str, Any]) -> dict[str, list[dict]]:
    """The tables' records from :func:`align.corpus.engine.run_corpus`'s output."""
    by_id = {a.id: a for a in out["articles"]}
    meta = {m["id"]: m for m in out["meta"]}
    confirmed = sorted((p["a"], p["b"]) for p in out["pairs"] if p["confirmed"])
    dates = {i: by_id[i].date for i in meta}
    event_of = events_from_pairs(sorted(meta), confirmed, dates)
    info = {i: {"source": by_id[i].source, "lang": meta[i]["lang"], "date": by_id[i].date} for i in meta}
    claims = {}
    for s in out["segments"]:
        if s["unit"] == "claim" and s["article"] in event_of:
            claims[s["article"], s["label"]] = {
                "text": s["text"], "speaker": s["speaker"], "speaker_key": s["speaker_key"], "lang": s["lang"]}
    alignments = sorted(out["alignments"], key=lambda r: (r["a"], r["b"], [label_key(x) for x in r["a_claims"]], [label_key(x) for x in r["b_claims"]]))
    clusters, of_claim, of_alignment = build_clusters(alignments, claims, info, event_of)
    for c in clusters:
        c["confidence"] = _r(c["confidence"])

    articles = [{"id": i, "lang": meta[i]["lang"], "outlet": by_id[i].outlet, "date": by_id[i].date, "title": by_id[i].title,
                 "url": by_id[i].url, "n_sentences": meta[i]["n_sentences"], "n_claims": meta[i]["n_claims"],
                 "chars": meta[i]["chars"], "event": event_of.get(i), "where": by_id[i].where} for i in sorted(meta)]
    segments = []
    for s in sorted(out["segments"], key=lambda s: (s["article"], s["unit"] != "sentence", s["id"])):
        label = s["label"]
        segments.append({
            "article": s["article"], "unit": s["unit"], "label": label, "id": s["id"],
            "sentence": s["sentence"] if s["unit"] == "claim" else None, "part": s["part"] if s["unit"] == "claim" else None,
            "kind": s["kind"], "text": s["text"], "start": s["start"], "end": s["end"], "paragraph": s["paragraph"],
            "lang": s["lang"], "speaker": s["speaker"], "speaker_key": s["speaker_key"], "duplicate_of": s["duplicate_of"],
            "cluster": of_claim.get((s["article"], label)) if s["unit"] == "claim" else None,
        })
    pairs = []
    for p in sorted(out["pairs"], key=lambda p: (p["a"], p["b"])):
        a, b = by_id[p["a"]], by_id[p["b"]]
        pairs.append({
            "a": p["a"], "b": p["b"], "lang_a": meta[p["a"]]["lang"], "lang_b": meta[p["b"]]["lang"], "outlet_a": a.outlet,
            "outlet_b": b.outlet, "date_gap_days": p["date_gap_days"], "cos": _r(p["cos"]), "claim_gain": _r(p["claim_gain"]),
            "claim_z": _r(p["claim_z"]), "coverage_a": _r(p["coverage_a"]), "coverage_b": _r(p["coverage_b"]), "coverage": _r(p["coverage"]),
            "score": _r(p["score"]), "confirmed": bool(p["confirmed"]), "n_matches": p["n_matches"],
            "event": event_of.get(p["a"]) if p["confirmed"] else None,
        })
    rows = []
    for r, cluster in zip(alignments, of_alignment, strict=True):
        rows.append({"event": event_of.get(r["a"]), "cluster": cluster, **{k: r[k] for k in COLUMNS["alignments"][2:]}})
        for k in ("confidence", "similarity", "margin", "gain"):
            rows[-1][k] = _r(rows[-1][k])
    bad = [{"id": b.id, "where": b.where, "reason": b.reason, "action": b.action} for b in out["bad_rows"]]
    events = _events(articles, clusters, by_id)
    return {"articles": articles, "segments": segments, "article_pairs": pairs, "alignments": rows, "clusters": clusters,
            "events": events, "bad_rows": bad}


def _events(articles: list[dict], clusters: list[dict], by_id) -> list[dict]:
    members: dict[str, list[dict]] = {}
    for a in articles:
        if a["event"]:
            members.setdefault(a["event"], []).append(a)
    per: dict[str, list[dict]] = {}
    for c in clusters:
        per.setdefault(c["event"], []).append(c)
    out = []
    for e in sorted(members):
        arts = members[e]
        dates = sorted(a["date"] for a in arts if a["date"])
        first = min(arts, key=lambda a: (a["date"] is None, a["date"] or "", a["id"]))
        title = first["title"] or next((c["text"] for c in per.get(e, []) if c["first_article"] == first["id"]), "")
        cs = per.get(e, [])
        out.append({
            "event": e, "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None, "title": title,
            "n_articles": len(arts), "n_outlets": len({by_id[a["id"]].source for a in arts}),
            "n_langs": len({a["lang"] for a in arts}), "langs": sorted({a["lang"] for a in arts}),
            "outlets": sorted({by_id[a["id"]].source for a in arts}), "articles": [a["id"] for a in arts],
            "n_claims": len(cs), "n_shared": sum(1 for c in cs if c["n_outlets"] > 1),
            "n_flagged": sum(1 for c in cs if c["disagreement"]),
        })
    return out


@dataclass(frozen=True)
class _Filter:
    event: str | None = None
    outlet: str | None = None
    lang: str | None = None
    speaker: str | None = None
    scope: str | None = None
    flag: str | None = None
    min_outlets: int | None = None
    min_articles: int | None = None
    min_score: float | None = None

    def keeps(self, c: dict) -> bool:
        if self.event is not None and c["event"] != self.event:
            return False
        if self.outlet is not None and not any(self.outlet.casefold() in o.casefold() for o in c["outlets"]):
            return False
        if self.lang is not None and self.lang not in c["langs"]:
            return False
        if self.speaker is not None and not speaker_matches(self.speaker, c["speaker"], c["speaker_key"]):
            return False
        if self.scope is not None and c["scope"] != self.scope:
            return False
        if self.flag is not None and not any(self.flag.casefold() in f.casefold() for f in c["flags"]):
            return False
        if self.min_outlets is not None and c["n_outlets"] < self.min_outlets:
            return False
        if self.min_articles is not None and c["n_articles"] < self.min_articles:
            return False
        return self.min_score is None or (c["confidence"] is not None and c["confidence"] >= self.min_score)


class Corpus:
    """Result of :func:`align.compare_corpus`: same-event article pairs, claim alignments and
    claim clusters of a corpus.

    Parameters
    ----------
    records : dict
        Table name -> list of records (see the module docstring).
    run : dict
        The run record (settings, model, calibration) written with every export.
    stats : dict
        Timings, partitions computed and reused, peak memory (not written to files: they differ
        between runs).

    Attributes
    ----------
    rows : list of dict
        The clusters of this view (a corpus's rows are its claim clusters).
    """

    def __init__(self, records: dict[str, list[dict]], run: dict[str, Any], stats: dict[str, Any] | None = None):
        self._records = records
        self.run = dict(run)
        self.stats = dict(stats or {})
        self._filters: tuple[_Filter, ...] = ()
        self._view_cache: dict[str, list[dict]] | None = None

    # -- views -------------------------------------------------------------------------------
    def filter(self, *, event: str | None = None, outlet: str | None = None, lang: str | None = None,
               speaker: str | None = None, scope: str | None = None, flag: str | None = None,
               min_outlets: int | None = None, min_articles: int | None = None, min_score: float | None = None) -> Corpus:
        """A view with only the claim clusters that match every given condition (and their
        events, articles, pairs, alignments and segments).

        Parameters
        ----------
        event : str or None
            An event id ("E0003").
        outlet : str or None
            Clusters carried by an outlet whose name contains this (case-insensitive).
        lang : str or None
            Clusters carried in this language.
        speaker : str or None
            The cluster's speaker, in any script or spelling ("Araghchi", "عراقچی").
        scope : {"several outlets and languages", "one language", "one outlet"} or None
        flag : str or None
            Clusters with a disagreement flag containing this ("day", "numbers", "person").
        min_outlets, min_articles : int or None
            Clusters carried by at least this many outlets / articles.
        min_score : float or None
            Clusters whose weakest link has at least this confidence.
        """
        event, outlet, lang, speaker, flag, min_outlets, min_articles, min_score = (
            check(name, value) for name, value in (
                ("event", event), ("outlet", outlet), ("lang", lang), ("speaker", speaker), ("flag", flag),
                ("min_outlets", min_outlets), ("min_articles", min_articles), ("min_score", min_score)))
        scope = check("scope", scope, rule=Options(none=True, choices=SCOPES))
        view = object.__new__(Corpus)
        view.__dict__.update(self.__dict__)
        view._filters = (*self._filters, _Filter(event, outlet, lang, speaker, scope, flag, min_outlets, min_articles, min_score))
        view._view_cache = None
        view.run = {**self.run, "filter": [f.__dict__ for f in view._filters]}
        return view

    def _tables(self) -> dict[str, list[dict]]:
        if not self._filters:
            return self._records
        if self._view_cache is None:
            r = self._records
            clusters = [c for c in r["clusters"] if all(f.keeps(c) for f in self._filters)]
            keep_c = {c["cluster"] for c in clusters}
            keep_e = {c["event"] for c in clusters}
            keep_a = {a["id"] for a in r["articles"] if a["event"] in keep_e}
            self._view_cache = {
                "clusters": clusters,
                "events": [e for e in r["events"] if e["event"] in keep_e],
                "articles": [a for a in r["articles"] if a["id"] in keep_a],
                "article_pairs": [p for p in r["article_pairs"] if p["a"] in keep_a and p["b"] in keep_a],
                "alignments": [x for x in r["alignments"] if x["cluster"] in keep_c],
                "segments": [s for s in r["segments"] if s["article"] in keep_a],
                "bad_rows": r["bad_rows"],
            }
        return self._view_cache

    def records(self, table: str = "clusters") -> list[dict]:
        """The records of one table of this view (see :data:`COLUMNS`)."""
        if table not in COLUMNS:
            raise InputError(f"no table {table!r}; tables: {', '.join(COLUMNS)}")
        return list(self._tables()[table])

    @property
    def rows(self) -> list[dict]:
        """The claim clusters of this view."""
        return self.records("clusters")

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def counts(self) -> dict[str, int]:
        """Articles, bad rows, candidate and confirmed pairs, events, clusters by scope."""
        t = self._tables()
        out = {"articles": len(t["articles"]), "bad_rows": len(t["bad_rows"]), "candidate_pairs": len(t["article_pairs"]),
               "same_event_pairs": sum(1 for p in t["article_pairs"] if p["confirmed"]), "events": len(t["events"]),
               "clusters": len(t["clusters"])}
        for s in SCOPES:
            out[s] = sum(1 for c in t["clusters"] if c["scope"] == s)
        return out

    def to_frame(self, table: str = "clusters"):
        """One table of this view as a pandas DataFrame (default: the claim clusters)."""
        import pandas as pd

        return pd.DataFrame(self.records(table), columns=COLUMNS[table])

    @property
    def articles(self):
        """The articles table (DataFrame)."""
        return self.to_frame("articles")

    @property
    def article_pairs(self):
        """The candidate pairs table (DataFrame); ``confirmed`` marks same-event pairs."""
        return self.to_frame("article_pairs")

    @property
    def alignments(self):
        """The claim alignments of confirmed pairs (DataFrame)."""
        return self.to_frame("alignments")

    @property
    def clusters(self):
        """The claim clusters (DataFrame)."""
        return self.to_frame("clusters")

    @property
    def events(self):
        """The events (DataFrame)."""
        return self.to_frame("events")

    @property
    def bad_rows(self):
        """The rows that were not used, with why (DataFrame)."""
        return self.to_frame("bad_rows")

    # -- exports -----------------------------------------------------------------------------
    def to_parquet(self, directory: str | os.PathLike) -> Path:
        """Write ``articles``, ``segments``, ``article_pairs``, ``alignments``, ``clusters`` (and
        ``events``, ``bad_rows``) as Parquet files and ``run.json`` into ``directory`` (created
        if missing), each atomically; the same input gives the same bytes.
        """
        directory = Path(directory)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{directory}: cannot create the output directory ({exc.strerror})") from None
        t = self._tables()
        for name in (*TABLES, "events", "bad_rows"):
            outputs.write_parquet(directory / f"{name}.parquet", t[name], COLUMNS[name])
        outputs.atomic_text(directory / "run.json", json.dumps(self.run, ensure_ascii=False, sort_keys=True, indent=1) + "\n")
        return directory

    def to_html(self, path: str | os.PathLike | None = None) -> str | Path:
        """The overview as one standalone HTML page (per event a claims x outlets coverage
        matrix; no network resources, no script, every text escaped, right-to-left cells);
        written atomically to ``path`` when given, else returned.
        """
        page = outputs.render_html(self._tables(), self.run, standalone=True)
        return page if path is None else outputs.atomic_text(path, page)

    def to_xlsx(self, path: str | os.PathLike) -> Path:
        """Excel summary: events, claim clusters, same-event pairs, articles, bad rows, run."""
        return outputs.write_xlsx(path, self._tables(), self.run, COLUMNS)

    def save(self, directory: str | os.PathLike) -> Path:
        """Everything into ``directory``: the Parquet tables, ``overview.html``, ``summary.xlsx``."""
        directory = self.to_parquet(directory)
        self.to_html(directory / "overview.html")
        self.to_xlsx(directory / "summary.xlsx")
        return directory

    # -- display -----------------------------------------------------------------------------
    def _repr_html_(self) -> str:
        return outputs.render_html(self._tables(), self.run, standalone=False, max_events=20, max_rows=30)

    def __repr__(self) -> str:
        c = self.counts
        return (f"<Corpus {c['articles']} articles: {c['same_event_pairs']} same-event pairs in {c['events']} events, "
                f"{c['clusters']} claim clusters ({c['several outlets and languages']} across outlets and languages, "
                f"{c['one language']} in one language only, {c['one outlet']} in one outlet only)>")

    def summary(self, width: int = 70, events: int = 10) -> str:
        """A plain-text summary for the terminal (control characters removed)."""
        c = self.counts
        t = self._tables()
        lines = [
            f"{c['articles']} articles ({', '.join(f'{k} {v}' for k, v in sorted(_langs(t['articles']).items()))}); "
            f"{c['bad_rows']} bad row(s) skipped",
            f"{c['candidate_pairs']} candidate pairs, {c['same_event_pairs']} same-event pairs "
            f"(score >= {self.run.get('min_pair_score', 0):.2f}), {c['events']} events",
            f"{c['clusters']} claim clusters: {c['several outlets and languages']} across outlets and languages, "
            f"{c['one language']} in one language only, {c['one outlet']} in one outlet only",
        ]
        if self.run.get("note"):
            lines.append(f"note: {self.run['note']}")
        for b in t["bad_rows"][:10]:
            lines.append(f"  bad row {b['id']} ({b['where']}): {b['reason']}")
        if len(t["bad_rows"]) > 10:
            lines.append(f"  … {len(t['bad_rows']) - 10} more bad rows (bad_rows.parquet)")
        for e in t["events"][:events]:
            title = " ".join(str(e["title"]).split())
            title = title if len(title) <= width else title[: width - 1] + "…"
            lines.append(f"  {e['event']} {e['first_date'] or '':10} {e['n_articles']:>3} articles {'/'.join(e['langs']):<9} "
                         f"{e['n_shared']:>3} shared claims  {title}")
        if len(t["events"]) > events:
            lines.append(f"  … {len(t['events']) - events} more events")
        return terminal_safe("\n".join(lines))


def _langs(articles: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for a in articles:
        out[a["lang"]] = out.get(a["lang"], 0) + 1
    return out
