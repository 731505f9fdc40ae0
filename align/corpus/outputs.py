"""Writers of a corpus result: Parquet tables, the standalone HTML overview, the XLSX summary.

Every file is written atomically (``align.writers.files.atomic_write``) and is the same, byte for
byte, for the same input: rows sorted, scores rounded, no run date or timing in any file. The HTML
page follows the report page's rules (``align.writers.html``): no network resources, no script
(its Content-Security-Policy forbids both), every text escaped, Persian/Arabic cells
right-to-left.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..text import RTL_LANGUAGES, is_rtl
from ..writers.files import atomic_write
from ..writers.html import CSS, esc, text_cell
from ..writers.parquet import write_table_parquet
from ..writers.xlsx import tables_xlsx
from . import records as rec

MAX_ROWS_PER_EVENT = 150  # in the HTML matrix; the Parquet and XLSX files have all
PARQUET_TABLES = ("articles", "segments", "article_pairs", "alignments", "clusters", "events", "bad_rows")


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
    """The summary workbook: events, claims carried by several outlets (then the others), the
    same-event pairs, the articles of events, the bad rows, and the run record; at most
    ``max_rows`` rows per sheet (the run sheet says which were cut; the Parquet tables have all).
    """
    clusters = sorted(tables["clusters"], key=lambda c: (c.n_outlets < 2, c.event or "", c.cluster))
    sheets = [
        rec.table("events", tables["events"]),
        rec.table("clusters", clusters, only=XLSX_CLUSTER_COLUMNS),
        rec.table("article_pairs", [p for p in tables["article_pairs"] if p.confirmed], only=XLSX_PAIR_COLUMNS,
                  title="same-event pairs"),
        rec.table("articles", [a for a in tables["articles"] if a.event]),
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
.claimalign table.matrix td.mark{text-align:center;white-space:nowrap;font-size:12px}
.claimalign table.matrix td.mark b{color:#185;font-size:14px}
.claimalign table.matrix th.outlet{font-size:12px;font-weight:normal;max-width:110px}
.claimalign .scope{font-size:11px;color:#666;white-space:nowrap}
.claimalign h3.event{border-top:2px solid #ccc;padding-top:8px}
""".strip()


def _cell(text: str, lang: str, label: str = "", speaker: str = "") -> str:
    """A text cell, right-to-left for Persian/Arabic; with a label (and speaker) as the report's cells."""
    if label:
        return text_cell((label,), text, lang, speaker, 240)
    d = _dir(text, lang)
    return f'<td class="{d}" dir="{d}" lang="{esc(lang)}">{esc(text)}</td>'


def _dir(text: str, lang: str | None) -> str:
    return "rtl" if (lang in RTL_LANGUAGES or is_rtl(text or "")) else "ltr"


def render_html(tables: dict[str, list[dict]], run: dict[str, Any], *, standalone: bool, max_events: int | None = None,
                max_rows: int = MAX_ROWS_PER_EVENT) -> str:
    """The overview: counts, the events, then per event a claims x outlets coverage matrix
    (shared claims first), then the bad rows and the run record.
    """
    arts = {a["id"]: a for a in tables["articles"]}
    events = tables["events"]
    clusters_of: dict[str, list[dict]] = {}
    for c in tables["clusters"]:
        clusters_of.setdefault(c["event"], []).append(c)
    confirmed = sum(1 for p in tables["article_pairs"] if p["confirmed"])
    langs: dict[str, int] = {}
    for a in tables["articles"]:
        langs[a["lang"]] = langs.get(a["lang"], 0) + 1
    parts = [
        f"<p class='meta'>{len(arts)} articles ({esc(', '.join(f'{k} {v}' for k, v in sorted(langs.items())))}) · "
        f"{len(tables['bad_rows'])} bad rows skipped · {len(tables['article_pairs'])} candidate pairs · {confirmed} same-event "
        f"pairs (score ≥ {float(run.get('min_pair_score') or 0):.2f}) · {len(events)} events · {len(tables['clusters'])} claim "
        f"clusters · model {esc(run.get('model'))}</p>"
    ]
    shown = events if max_events is None else events[:max_events]
    head = ("<tr><th style='width:7%'>event</th><th style='width:8%'>first date</th><th>first report</th>"
            "<th style='width:6%'>articles</th><th style='width:9%'>languages</th><th style='width:7%'>shared claims</th>"
            "<th style='width:7%'>claims with flags</th></tr>")
    body = []
    for e in shown:
        first = min(e["articles"], key=lambda i: (arts[i]["date"] is None, arts[i]["date"] or "", i))
        lang = arts[first]["lang"]
        body.append(f"<tr><td><a href='#{esc(e['event'])}'>{esc(e['event'])}</a></td><td>{esc(e['first_date'] or '')}</td>"
                    f"{_cell(e['title'] or '', lang)}<td>{e['n_articles']}</td><td>{esc(', '.join(e['langs']))}</td>"
                    f"<td>{e['n_shared']}</td><td>{e['n_flagged']}</td></tr>")
    parts.append(f"<h3>Events ({len(events)})</h3><table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>")
    if max_events is not None and len(events) > max_events:
        parts.append(f"<p class='meta'>… {len(events) - max_events} more events (corpus.to_html() shows all)</p>")
    for e in shown:
        parts.append(_event_matrix(e, clusters_of.get(e["event"], []), arts, max_rows))
    if tables["bad_rows"]:
        rows = "".join(f"<tr><td>{esc(b['id'])}</td><td>{esc(b['where'])}</td><td>{esc(b['reason'])}</td><td>{esc(b['action'])}</td></tr>"
                       for b in tables["bad_rows"])
        parts.append(f"<h3>Bad rows ({len(tables['bad_rows'])})</h3><table><thead><tr><th style='width:20%'>id</th>"
                     f"<th style='width:20%'>where</th><th>reason</th><th style='width:8%'>action</th></tr></thead><tbody>{rows}</tbody></table>")
    inner = f'<div class="claimalign">{"".join(parts)}</div>'
    style = f"<style>{CSS}\n{_CORPUS_CSS}</style>"
    if not standalone:
        return style + inner
    run_rows = "".join(f"<tr><th style='width:18%'>{esc(k)}</th><td>{esc(json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v)}</td></tr>"
                       for k, v in run.items())
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>claimalign corpus: {len(arts)} articles, {len(events)} events</title>{style}</head><body>"
            f"<h2 class='claimalign'>claimalign corpus: {len(arts)} articles, {len(events)} events</h2>{inner}"
            f"<details class='claimalign'><summary>run</summary><table>{run_rows}</table></details></body></html>\n")


def _event_matrix(e: dict, clusters: list[dict], arts: dict[str, dict], max_rows: int) -> str:
    """One event: its articles, then claims (rows) x outlets (columns)."""
    outlets: dict[str, list[dict]] = {}
    for i in e["articles"]:
        a = arts[i]
        outlets.setdefault(a["outlet"] or a["id"], []).append(a)
    cols = sorted(outlets, key=lambda o: (min(a["lang"] for a in outlets[o]), o))
    heads = "".join(
        f"<th class='outlet'>{esc(o)}<br><span class='scope'>{esc('/'.join(sorted({a['lang'] for a in outlets[o]})))} "
        f"{esc(min((a['date'] or '' for a in outlets[o]), default=''))}</span></th>" for o in cols)
    rows = []
    for c in clusters[:max_rows]:
        labels: dict[str, list[str]] = {}
        for m in c["members"]:
            aid, lab = m.rsplit(":", 1)
            a = arts.get(aid)
            if a is not None:
                labels.setdefault(a["outlet"] or a["id"], []).append(lab if len(outlets[a["outlet"] or a["id"]]) == 1 else f"{aid}:{lab}")
        marks = "".join(
            f"<td class='mark'><b>●</b> <span class='id'>{esc(';'.join(labels[o]))}</span></td>" if o in labels else "<td class='mark'></td>"
            for o in cols)
        flags = "".join(f'<span class="flag">{esc(f)}</span>' for f in c["flags"])
        conf = "" if c["confidence"] is None else f"{c['confidence']:.2f}"
        rows.append(f"<tr>{_cell(c['text'], c['lang'], c['cluster'], c['speaker'] or '')}<td>{esc(c['first_date'] or '')}"
                    f"<br><span class='scope'>{esc(c['scope'])}</span></td><td>{conf}</td>{marks}<td>{flags}</td></tr>")
    more = (f"<p class='meta'>… {len(clusters) - max_rows} more claims of this event (clusters.parquet, "
            "corpus.filter(event=…).to_frame())</p>") if len(clusters) > max_rows else ""
    title = e["title"] or ""
    d = _dir(title, None)
    articles = "; ".join(f"{a['id']} ({a['outlet'] or '?'}, {a['lang']}, {a['date'] or 'no date'})"
                         for i in e["articles"] for a in [arts[i]])
    return (f"<h3 class='event' id='{esc(e['event'])}'>{esc(e['event'])} · {esc(e['first_date'] or 'no date')} · "
            f"<span dir='{d}'>{esc(title[:160])}</span></h3><p class='meta'>{esc(articles)}</p>"
            f"<table class='matrix'><thead><tr><th style='min-width:320px'>claim (as first reported)</th><th>first date</th>"
            f"<th>confidence</th>{heads}<th>flags between versions</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{more}")
