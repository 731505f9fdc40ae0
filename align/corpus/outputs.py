"""Writers of a corpus result: Parquet tables, the standalone HTML overview, the XLSX summary.

Every file is written atomically (``align.writers.files.atomic_write``) and is the same, byte for
byte, for the same input: rows sorted, scores rounded, no run date or timing in any file. The HTML
page follows the report page's rules (``align.writers.html``): no network resources, no script
(its Content-Security-Policy forbids both), every text escaped, Persian/Arabic cells
right-to-left.
"""
from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..calibration import logistic
from ..errors import OutputError, OverwriteError
from ..text import RTL_LANGUAGES, is_rtl
from ..writers.files import atomic_write, check_output
from ..writers.html import CSS, esc, text_cell
from ..writers.parquet import write_table_parquet
from ..writers.xlsx import tables_xlsx
from . import records as rec

MAX_ROWS_PER_EVENT = 150  # in the HTML matrix; the Parquet and XLSX files have all
PARQUET_TABLES = ("articles", "segments", "article_pairs", "alignments", "clusters", "events", "outlets", "bad_rows")
#: Every file a saved corpus result writes into its directory (``Corpus.save``).
FILES = (*(f"{name}.parquet" for name in PARQUET_TABLES), "run.json", "overview.html", "summary.xlsx")


def check_outputs(directory: str | os.PathLike | None, inputs: Sequence[str | os.PathLike], *,
                  partitions: str | os.PathLike | None = None, force: bool = True) -> None:
    """Check, before any work, that a corpus run can write its files (:data:`FILES`) into
    ``directory`` (None: it writes none) and its partitions into ``partitions`` without
    replacing or removing any of ``inputs`` (the article files, the corpus table, the metadata
    table), with the checks and messages of a report (``align.writers.files.check_output``): a
    read-only output needs ``force``.

    Raises
    ------
    OverwriteError
        An output is one of the inputs, or an input lies in the partitions folder.
    OutputError
        An output cannot be written (read-only without ``force``, a directory, a name too long).
    """
    if directory is not None and Path(directory).is_dir():
        for name in FILES:
            check_output(Path(directory) / name, inputs, force=force, what="the corpus run")
    if partitions is not None and Path(partitions).exists() and not Path(partitions).is_dir():
        raise OutputError(f"{partitions}: exists and is not a directory (the run keeps its partitions there)")
    if partitions is not None and Path(partitions).is_dir():
        where = Path(partitions).resolve()
        for src in inputs:
            if Path(src).resolve().is_relative_to(where):
                raise OverwriteError(f"{src}: is in the partitions folder {partitions}, where the run writes and removes "
                                     "files (choose another -o)")


def write_parquet(directory: Path, tables: Mapping[str, Any]) -> None:
    """Write every table as ``<name>.parquet`` into ``directory`` (typed columns, atomically)."""
    for name in PARQUET_TABLES:
        write_table_parquet(directory / f"{name}.parquet", rec.table(name, tables[name]))


def atomic_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write(path, text.encode("utf-8"))


# -- XLSX ---------------------------------------------------------------------------------------

MAX_XLSX_ROWS = 1000  # per sheet of the summary; the Parquet tables have every row
XLSX_CLUSTER_COLUMNS = ["cluster", "event", "text", "lang", "speaker", "first_date", "first_outlet", "n_articles",
                        "n_outlets", "n_langs", "outlets", "langs", "scope", "confidence", "flags"]
XLSX_PAIR_COLUMNS = ["a", "b", "lang_a", "lang_b", "outlet_a", "outlet_b", "date_gap_days", "score", "coverage_a",
                     "coverage_b", "n_matches", "event"]


def xlsx_bytes(tables: Mapping[str, Any], run: Mapping[str, Any], max_rows: int = MAX_XLSX_ROWS) -> bytes:
    """The summary workbook: events, outlets, claims carried by several outlets (then the
    others), the same-event pairs, the near misses, every article (its event, or its nearest
    candidate), the bad rows, and the run record; at most ``max_rows`` rows per sheet (the run
    sheet says which were cut; the Parquet tables have all).
    """
    clusters = sorted(tables["clusters"], key=lambda c: (c.n_outlets < 2, c.event or "", c.cluster))
    sheets = [
        rec.table("events", tables["events"]),
        rec.table("outlets", tables["outlets"]),
        rec.table("clusters", clusters, only=XLSX_CLUSTER_COLUMNS),
        rec.table("article_pairs", [p for p in tables["article_pairs"] if p.confirmed], only=XLSX_PAIR_COLUMNS,
                  title="same-event pairs"),
        rec.table("article_pairs", near_misses(tables, float(run.get("min_pair_score") or 0)), only=XLSX_PAIR_COLUMNS,
                  title="near misses"),
        rec.table("articles", tables["articles"]),
        rec.table("bad_rows", tables["bad_rows"], title="bad rows"),
    ]
    cut = {t.name: f"first {max_rows} of {len(t.records)} rows (the Parquet tables have all)"
           for t in sheets if len(t.records) > max_rows}
    return tables_xlsx([t.head(max_rows) for t in sheets], {"claimalign corpus": True, **({"rows cut": cut} if cut else {}), **run})


def write_xlsx(path: str | os.PathLike, tables: Mapping[str, Any], run: Mapping[str, Any], max_rows: int = MAX_XLSX_ROWS) -> Path:
    """Write the summary workbook (:func:`xlsx_bytes`) atomically."""
    return atomic_write(path, xlsx_bytes(tables, run, max_rows))


# -- HTML ---------------------------------------------------------------------------------------

_CORPUS_CSS = """
.claimalign table.matrix{table-layout:auto}
.claimalign table.matrix td.version{font-size:12px;min-width:120px;max-width:260px}
.claimalign table.matrix td.none{background:#f6f6f6}
.claimalign table.matrix th.outlet{font-size:12px;font-weight:normal;max-width:160px}
.claimalign .scope{font-size:11px;color:#666}
.claimalign h3.event{border-top:2px solid #ccc;padding-top:8px}
""".strip()
SHORT = 90  # characters of an outlet's version shown in its cell (the whole text on hover)


def _dir(text: str, lang: str | None) -> str:
    return "rtl" if (lang in RTL_LANGUAGES or is_rtl(text or "")) else "ltr"


def _cell(text: str, lang: str, label: str = "", speaker: str = "") -> str:
    """A text cell, right-to-left for Persian/Arabic; with a label (and speaker) as the report's cells."""
    if label:
        return text_cell((label,), text, lang, speaker, 240)
    d = _dir(text, lang)
    return f'<td class="{d}" dir="{d}" lang="{esc(lang)}">{esc(text)}</td>'


def _short(text: str, n: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _version(texts: list[tuple[str, str, str]]) -> str:
    """An outlet's cell of the claims x outlets matrix: its own wording (shortened; the whole
    text, with the claim's label, in the ``title`` shown on hover).
    """
    if not texts:
        return "<td class='version none'></td>"
    lang = texts[0][1]
    d = _dir(texts[0][0], lang)
    full = " / ".join(f"{label}: {t}" for t, _, label in texts)
    shown = " / ".join(_short(t, SHORT // len(texts)) for t, _, _ in texts)
    return f'<td class="version {d}" dir="{d}" lang="{esc(lang)}" title="{esc(full)}">{esc(shown)}</td>'


def _table(head: list[tuple[str, str]], rows: list[str]) -> str:
    ths = "".join(f"<th style='width:{w}'>{esc(h)}</th>" if w else f"<th>{esc(h)}</th>" for h, w in head)
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


NEAR = 2.0  # a near miss: its score's log-odds at most this far below the cut's


def near_floor(cut: float) -> float:
    """The lowest score of a near miss: log-odds ``NEAR`` below the cut's (odds 7.4 times lower)."""
    c = min(max(float(cut), 1e-9), 1 - 1e-9)
    return float(logistic(math.log(c / (1 - c)) - NEAR))


def near_misses(tables: Mapping[str, Any], cut: float) -> list:
    """Candidate pairs below the cut that came close (:func:`near_floor` and up), best first."""
    floor = near_floor(cut)
    return sorted((p for p in tables["article_pairs"] if not p.confirmed and p.score >= floor and cut > 0),
                  key=lambda p: (-p.score, p.a, p.b))


def render_html(tables: Mapping[str, Any], run: Mapping[str, Any], *, standalone: bool, max_events: int | None = None,
                max_rows: int = MAX_ROWS_PER_EVENT) -> str:
    """The overview: counts, the events, the outlets, per event a claims x outlets matrix (each
    cell the outlet's own wording), every article in no event with its nearest candidate, the
    near misses, the bad rows and the run record.
    """
    arts = {a.id: a for a in tables["articles"]}
    events = list(tables["events"])
    cut = float(run.get("min_pair_score") or 0)
    shown = events if max_events is None else events[:max_events]
    parts = [_counts(tables, run, cut), _events_table(events, shown, arts)]
    if max_events is not None and len(events) > max_events:
        parts.append(f"<p class='meta'>… {len(events) - max_events} more events (corpus.to_html() shows all)</p>")
    parts.append(_outlets_table(tables["outlets"]))
    wording = _wording(tables, {e.event for e in shown})
    clusters_of: dict[str, list] = {}
    for c in tables["clusters"]:
        clusters_of.setdefault(c.event, []).append(c)
    parts += [_event_matrix(e, clusters_of.get(e.event, []), arts, wording, max_rows) for e in shown]
    parts += [_no_event(tables["articles"], max_rows), _near(near_misses(tables, cut), arts, cut, max_rows), _bad(tables["bad_rows"])]
    inner = f'<div class="claimalign">{"".join(parts)}</div>'
    style = f"<style>{CSS}\n{_CORPUS_CSS}</style>"
    if not standalone:
        return style + inner
    run_rows = "".join(f"<tr><th style='width:18%'>{esc(k)}</th><td>{esc(json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v)}</td></tr>"
                       for k, v in run.items())
    title = f"claimalign corpus: {len(arts)} articles, {len(events)} events"
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>{title}</title>{style}</head><body><h2 class='claimalign'>{title}</h2>{inner}"
            f"<details class='claimalign'><summary>run</summary><table>{run_rows}</table></details></body></html>\n")


def _counts(tables: Mapping[str, Any], run: Mapping[str, Any], cut: float) -> str:
    langs: dict[str, int] = {}
    for a in tables["articles"]:
        langs[a.lang] = langs.get(a.lang, 0) + 1
    confirmed = sum(1 for p in tables["article_pairs"] if p.confirmed)
    alone = sum(1 for a in tables["articles"] if not a.event)
    return (f"<p class='meta'>{len(tables['articles'])} articles ({esc(', '.join(f'{k} {v}' for k, v in sorted(langs.items())))}) · "
            f"{len(tables['bad_rows'])} bad rows skipped · {len(tables['article_pairs'])} candidate pairs · {confirmed} same-event "
            f"pairs (score ≥ {cut:.4f}) · {len(tables['events'])} events · {alone} articles in no event · "
            f"{len(tables['clusters'])} claim clusters · model {esc(run.get('model'))}</p>")


def _events_table(events: list, shown: list, arts: dict) -> str:
    rows = []
    for e in shown:
        first = min(e.articles, key=lambda i: (arts[i].date is None, arts[i].date or "", i))
        dates = "no date" if not e.first_date else (e.first_date if e.first_date == e.last_date else f"{e.first_date} – {e.last_date}")
        rows.append(f"<tr><td><a href='#{esc(e.event)}'>{esc(e.event)}</a></td><td>{esc(dates)}</td>{_cell(e.title or '', arts[first].lang)}"
                    f"<td>{e.n_articles}</td><td>{e.n_outlets}</td><td>{esc(', '.join(e.langs))}</td><td>{e.n_shared}</td>"
                    f"<td>{e.n_flagged}</td></tr>")
    head = [("event", "7%"), ("dates", "12%"), ("first report", ""), ("articles", "6%"), ("outlets", "6%"), ("languages", "9%"),
            ("shared claims", "7%"), ("claims with flags", "7%")]
    return f"<h3>Events ({len(events)})</h3>" + _table(head, rows)


def _outlets_table(outlets) -> str:
    outlets = sorted(outlets, key=lambda o: (-o.n_in_events, -o.n_claims, o.outlet))  # the outlets of events first
    rows = [f"<tr><td>{esc(o.outlet)}</td><td>{esc(', '.join(o.langs))}</td><td>{o.n_articles}</td><td>{o.n_in_events}</td>"
            f"<td>{o.n_claims}</td><td>{o.n_only}</td><td>{o.n_conflicts}</td></tr>" for o in outlets]
    head = [("outlet", ""), ("languages", "9%"), ("articles", "8%"), ("in events", "8%"), ("claims carried", "9%"),
            ("claims only this outlet carried", "12%"), ("claims in conflict with another outlet", "12%")]
    return f"<h3>Outlets ({len(outlets)})</h3>" + _table(head, rows)


def _wording(tables: Mapping[str, Any], events: set) -> dict[tuple[str, str], tuple[str, str]]:
    """(article, claim label) -> (text, lang) of every claim of the shown events' articles."""
    ids = {a.id for a in tables["articles"] if a.event in events}
    return {(s.article, s.label): (s.text, s.lang) for s in tables["segments"] if s.unit == "claim" and s.article in ids}


def _event_matrix(e, clusters: list, arts: dict, wording: dict, max_rows: int) -> str:
    """One event: its articles, then claims (rows) x outlets (columns), each cell the outlet's
    own version of the claim.
    """
    outlets: dict[str, list] = {}
    for i in e.articles:
        outlets.setdefault(arts[i].outlet or i, []).append(arts[i])
    cols = sorted(outlets, key=lambda o: (min(a.lang for a in outlets[o]), o))
    dated = any(a.date for i in e.articles for a in [arts[i]])
    heads = "".join(
        f"<th class='outlet'>{esc(o)}<br><span class='scope'>{esc('/'.join(sorted({a.lang for a in outlets[o]})))} "
        f"{esc(min((a.date or '' for a in outlets[o]), default=''))}</span></th>" for o in cols)
    rows = []
    for c in clusters[:max_rows]:
        texts: dict[str, list[tuple[str, str, str]]] = {}
        for m in c.members:
            aid, lab = m.rsplit(":", 1)
            if aid in arts and (aid, lab) in wording:
                text, lang = wording[aid, lab]
                texts.setdefault(arts[aid].outlet or aid, []).append((text, lang, f"{aid}:{lab}"))
        flags = "".join(f'<span class="flag">{esc(f)}</span>' for f in c.flags)
        conf = "" if c.confidence is None else f"{c.confidence:.2f}"
        first = f"<td>{esc(c.first_date or '')}</td>" if dated else ""
        rows.append(f"<tr>{_cell(c.text, c.lang, c.cluster, c.speaker or '')}<td class='scope'>{esc(c.scope)}</td>{first}"
                    f"<td>{conf}</td>{''.join(_version(texts.get(o, [])) for o in cols)}<td>{flags}</td></tr>")
    more = (f"<p class='meta'>… {len(clusters) - max_rows} more claims of this event (clusters.parquet, "
            "corpus.filter(event=…).to_frame())</p>") if len(clusters) > max_rows else ""
    title = e.title or ""
    listed = "; ".join(f"{a.id} ({a.outlet or '?'}, {a.lang}, {a.date or 'no date'})" for i in e.articles for a in [arts[i]])
    date_head = "<th>first date</th>" if dated else ""
    return (f"<h3 class='event' id='{esc(e.event)}'>{esc(e.event)} · {esc(e.first_date or 'no date')} · "
            f"<span dir='{_dir(title, None)}'>{esc(title[:160])}</span></h3><p class='meta'>{esc(listed)}</p>"
            f"<table class='matrix'><thead><tr><th style='min-width:320px'>claim (as first reported)</th><th>carried by</th>"
            f"{date_head}<th>confidence</th>{heads}<th>flags between versions</th></tr></thead><tbody>{''.join(rows)}</tbody>"
            f"</table>{more}")


def _no_event(articles, max_rows: int) -> str:
    alone = [a for a in articles if not a.event]
    rows = [f"<tr><td>{esc(a.id)}</td><td>{esc(a.outlet)}</td><td>{esc(a.lang)}</td><td>{esc(a.date or '')}</td>"
            f"{_cell(_short(a.title, 160), a.lang)}<td>{esc(a.nearest or '')}</td>"
            f"<td>{'' if a.nearest_score is None else f'{a.nearest_score:.3f}'}</td></tr>" for a in alone[:max_rows]]
    more = f"<p class='meta'>… {len(alone) - max_rows} more (articles.parquet: event is empty)</p>" if len(alone) > max_rows else ""
    head = [("article", "14%"), ("outlet", "12%"), ("language", "6%"), ("date", "8%"), ("title", ""), ("nearest candidate", "14%"),
            ("its score", "7%")]
    return f"<h3 id='no-event'>In no event ({len(alone)})</h3>" + _table(head, rows) + more


def _near(pairs: list, arts: dict, cut: float, max_rows: int) -> str:
    rows = [f"<tr><td>{esc(p.a)}</td><td>{esc(p.b)}</td><td>{esc(p.lang_a)}/{esc(p.lang_b)}</td><td>{esc(p.outlet_a)}</td>"
            f"<td>{esc(p.outlet_b)}</td><td>{'' if p.date_gap_days is None else p.date_gap_days}</td><td>{p.score:.3f}</td>"
            f"<td>{esc(arts[p.a].event or '')}</td><td>{esc(arts[p.b].event or '')}</td></tr>" for p in pairs[:max_rows]]
    more = f"<p class='meta'>… {len(pairs) - max_rows} more (summary.xlsx, article_pairs.parquet)</p>" if len(pairs) > max_rows else ""
    head = [("article", ""), ("article", ""), ("languages", "8%"), ("outlet", ""), ("outlet", ""), ("days apart", "7%"),
            ("score", "7%"), ("event", "7%"), ("event", "7%")]
    return (f"<h3 id='near-misses'>Near misses ({len(pairs)}): candidate pairs scoring {near_floor(cut):.4f}–{cut:.4f}, "
            "below the cut</h3>"
            + _table(head, rows) + more)


def _bad(bad) -> str:
    if not bad:
        return ""
    rows = "".join(f"<tr><td>{esc(b.id)}</td><td>{esc(b.where)}</td><td>{esc(b.reason)}</td><td>{esc(b.action)}</td></tr>" for b in bad)
    return (f"<h3>Bad rows ({len(bad)})</h3><table><thead><tr><th style='width:20%'>id</th><th style='width:20%'>where</th>"
            f"<th>reason</th><th style='width:8%'>action</th></tr></thead><tbody>{rows}</tbody></table>")
