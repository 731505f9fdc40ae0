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
import math
import os
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..params import Options, check
from ..speakers import speaker_matches
from ..text import terminal_safe
from ..views import Condition, View
from . import outputs
from .assemble import Tables, outlets_of
from .clusters import SCOPES
from .records import RECORDS, ClusterRecord, Record, plain

TABLES = ("articles", "segments", "article_pairs", "alignments", "clusters")
#: Every table's columns (the fields of its record type, ``align.corpus.records``).
COLUMNS = {name: list(cls.names()) for name, cls in RECORDS.items()}
#: The options of :meth:`Corpus.filter`, in the order the run record lists them.
FILTERS = ("event", "outlet", "lang", "speaker", "scope", "flag", "min_outlets", "min_articles", "min_score")


def cluster_condition(option: str, value: Any) -> Condition[ClusterRecord]:
    """The condition a corpus's ``filter(option=value)`` puts on its claim clusters."""
    tests = {
        "event": lambda c: c.event == value,
        "outlet": lambda c: any(value.casefold() in o.casefold() for o in c.outlets),
        "lang": lambda c: value in c.langs,
        "speaker": lambda c: speaker_matches(value, c.speaker, c.speaker_key),
        "scope": lambda c: c.scope == value,
        "flag": lambda c: any(value.casefold() in f.casefold() for f in c.flags),
        "min_outlets": lambda c: c.n_outlets >= value,
        "min_articles": lambda c: c.n_articles >= value,
        "min_score": lambda c: c.confidence is not None and c.confidence >= value,
    }
    return Condition(option, value, tests[option])


def _seen(tables: Tables, view: View[ClusterRecord]) -> Tables:
    """The tables a view shows: its clusters, and with them their events, the articles of those
    events, their pairs, alignments and segments (bad rows: all).
    """
    clusters = tuple(view.apply(tables.clusters))
    keep_c = {c.cluster for c in clusters}
    keep_e = {c.event for c in clusters}
    keep_a = {a.id for a in tables.articles if a.event in keep_e}
    articles = tuple(a for a in tables.articles if a.id in keep_a)
    return Tables(
        articles=articles,
        segments=tuple(s for s in tables.segments if s.article in keep_a),
        article_pairs=tuple(p for p in tables.article_pairs if p.a in keep_a and p.b in keep_a),
        alignments=tuple(x for x in tables.alignments if x.cluster in keep_c),
        clusters=clusters, events=tuple(e for e in tables.events if e.event in keep_e),
        outlets=tuple(outlets_of(articles, clusters, {a.id: a.outlet or a.id for a in articles})), bad_rows=tables.bad_rows)


class Corpus:
    """Result of :func:`align.compare_corpus`: same-event article pairs, claim alignments and
    claim clusters of a corpus.

    Parameters
    ----------
    tables : Tables
        Every table's typed records (see the module docstring).
    run : dict
        The run record (settings, model, calibration) written with every export.
    stats : dict
        Timings, partitions computed and reused, peak memory (not written to files: they differ
        between runs).

    Attributes
    ----------
    rows : list of ClusterRecord
        The clusters of this view (a corpus's rows are its claim clusters).
    """

    def __init__(self, tables: Tables, run: dict[str, Any], stats: dict[str, Any] | None = None):
        self._all = tables
        self.run = dict(run)
        self.stats = dict(stats or {})
        self._view: View[ClusterRecord] = View()
        self._view_cache: Tables | None = None

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
        given = {name: check(name, value) for name, value in (
            ("event", event), ("outlet", outlet), ("lang", lang), ("speaker", speaker), ("flag", flag),
            ("min_outlets", min_outlets), ("min_articles", min_articles), ("min_score", min_score))}
        given["scope"] = check("scope", scope, rule=Options(none=True, choices=SCOPES))
        view = object.__new__(Corpus)
        view.__dict__.update(self.__dict__)
        view._view = self._view.narrowed(cluster_condition(k, given[k]) for k in FILTERS if given[k] is not None)
        view._view_cache = None
        view.run = {**self.run, "filter": view._view.given(FILTERS)}
        return view

    def _tables(self) -> Tables:
        if not self._view.conditions:
            return self._all
        if self._view_cache is None:
            self._view_cache = _seen(self._all, self._view)
        return self._view_cache

    def records(self, table: str = "clusters") -> list[Record]:
        """The typed records of one table of this view (``align.corpus.records``; they read as
        mappings too: ``record["event"]``).
        """
        if table not in COLUMNS:
            raise InputError(f"no table {table!r}; tables: {', '.join(COLUMNS)}")
        return list(self._tables()[table])

    @property
    def rows(self) -> list[ClusterRecord]:
        """The claim clusters of this view."""
        return self.records("clusters")

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def counts(self) -> dict[str, int]:
        """Articles, bad rows, candidate and confirmed pairs, events, clusters by scope."""
        t = self._tables()
        out = {"articles": len(t.articles), "bad_rows": len(t.bad_rows), "candidate_pairs": len(t.article_pairs),
               "same_event_pairs": sum(1 for p in t.article_pairs if p.confirmed), "events": len(t.events),
               "clusters": len(t.clusters)}
        for s in SCOPES:
            out[s] = sum(1 for c in t.clusters if c.scope == s)
        return out

    def to_frame(self, table: str = "clusters"):
        """One table of this view as a pandas DataFrame (default: the claim clusters), values as
        they are (lists stay lists: a cluster's ``members``, an alignment's ``a_claims``).
        """
        import pandas as pd

        return pd.DataFrame([[plain(v) for v in r.values()] for r in self.records(table)], columns=COLUMNS[table])

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
        outputs.write_parquet(directory, self._tables())
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
        return outputs.write_xlsx(path, self._tables(), self.run)

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

    def hint(self, option: str = "min_pair_score=") -> str | None:
        """What to do about the near misses (``align.corpus.outputs.near_misses``), or
        None when there are none or the cut was chosen (``option``: how the caller names the
        option, ``"--min-pair-score"`` on the command line).
        """
        cut = float(self.run.get("min_pair_score") or 0)
        near = outputs.near_misses(self._tables(), cut)
        if not near or self.run.get("settings", {}).get("min_pair_score") is not None:
            return None
        low = math.floor(near[-1].score * 10_000) / 10_000
        return (f"{len(near)} candidate pair(s) scored {near[-1].score:.4f}-{near[0].score:.4f}, just below the cut {cut:.4f} "
                f"(near misses in overview.html and summary.xlsx); {option}{'' if option.endswith('=') else ' '}{low:.4f} "
                f"would confirm them too")

    def summary(self, width: int = 70, events: int = 10, option: str = "min_pair_score=") -> str:
        """A plain-text summary for the terminal (control characters removed); ``option`` names
        the cut in the hint (:meth:`hint`).
        """
        c = self.counts
        t = self._tables()
        lines = [
            f"{c['articles']} articles ({', '.join(f'{k} {v}' for k, v in sorted(_langs(t.articles).items()))}); "
            f"{c['bad_rows']} bad row(s) skipped",
            f"{c['candidate_pairs']} candidate pairs, {c['same_event_pairs']} same-event pairs "
            f"(score >= {self.run.get('min_pair_score', 0):.4f}), {c['events']} events; "
            f"{sum(1 for a in t.articles if not a.event)} articles in no event",
            f"{c['clusters']} claim clusters: {c['several outlets and languages']} across outlets and languages, "
            f"{c['one language']} in one language only, {c['one outlet']} in one outlet only",
        ]
        hint = self.hint(option)
        if hint:
            lines.append(f"hint: {hint}")
        for b in t.bad_rows[:10]:
            lines.append(f"  bad row {b.id} ({b.where}): {b.reason}")
        if len(t.bad_rows) > 10:
            lines.append(f"  … {len(t.bad_rows) - 10} more bad rows (bad_rows.parquet)")
        for e in t.events[:events]:
            title = " ".join(str(e.title).split())
            title = title if len(title) <= width else title[: width - 1] + "…"
            lines.append(f"  {e.event} {e.first_date or '':10} {e.n_articles:>3} articles {'/'.join(e.langs):<9} "
                         f"{e.n_shared:>3} shared claims  {title}")
        if len(t.events) > events:
            lines.append(f"  … {len(t.events) - events} more events")
        return terminal_safe("\n".join(lines))


def _langs(articles) -> dict[str, int]:
    out: dict[str, int] = {}
    for a in articles:
        out[a.lang] = out.get(a.lang, 0) + 1
    return out
