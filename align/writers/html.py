"""HTML views: the side-by-side page (standalone file, and the Jupyter display).

No network resources, no script (a Content-Security-Policy forbids both), every text escaped,
right-to-left cells for Persian and Arabic.
"""
from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..flags import ordered
from ..groups import GroupRow
from ..rows import Row, unit_ids
from ..text import RTL_LANGUAGES, is_rtl
from ..types import Document

TRUNCATE = 240  # characters shown before "more"


def render_multi_html(rows: Sequence[GroupRow], docs: Sequence[Document], letters: Sequence[str], *, standalone: bool = False,
                      truncate: int = TRUNCATE) -> str:
    """n-column view of three or more documents: one row per claim group, then claims only in
    one article.
    """
    head = "<tr><th style='width:8%'>confidence</th><th style='width:7%'>relation</th>" + "".join(
        f"<th>{x}: {esc(d.name)} [{esc(d.lang)}]</th>" for x, d in zip(letters, docs, strict=True)) + "<th style='width:14%'>flags</th></tr>"
    body = []
    for r in rows:
        cells = "".join(text_cell([unit_ids(x, r.labels(k))] if r.labels(k) else [], r.text(k), d.lang, r.speaker(k), truncate)
                        for k, (x, d) in enumerate(zip(letters, docs, strict=True)))
        rel = r.relation or ""
        body.append(f"<tr>{_conf(r.confidence)}<td class='{esc(rel)}'>{esc(rel)}</td>{cells}<td>{flag_tags(r.flags)}</td></tr>")
    groups = sum(1 for r in rows if r.is_match)
    inner = (f'<div class="claimalign"><p class="meta">{groups} groups of matching claims across {len(docs)} articles; '
             f'rows with one article filled are only in that article</p>{LEGEND}<table><thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>')
    if not standalone:
        return f"<style>{CSS}</style>{inner}"
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>claimalign: {esc(' vs '.join(d.name for d in docs))}</title><style>{CSS}</style></head><body>{inner}</body></html>\n")


# -- HTML ---------------------------------------------------------------------------------------

CSS = """
.claimalign{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Naskh Arabic','Vazirmatn',Tahoma,sans-serif;font-size:14px}
.claimalign table{border-collapse:collapse;width:100%;table-layout:fixed}
.claimalign th,.claimalign td{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
.claimalign th{background:#eee;position:sticky;top:0}
.claimalign td.rtl{direction:rtl;text-align:right}
.claimalign td.ltr{direction:ltr;text-align:left}
.claimalign .id{font-weight:bold;color:#555}
.claimalign .who{color:#666;font-size:12px;display:block}
.claimalign .bar{background:#ddd;width:70px;height:8px;display:inline-block;vertical-align:middle}
.claimalign .bar>span{background:#2a7;height:8px;display:block}
.claimalign .flag{background:#fde8c8;border-radius:3px;padding:0 3px;margin:1px;display:inline-block;font-size:12px}
.claimalign .flag.conflict{background:#f6c1c1;color:#7a0b0b;font-weight:600;border:1px solid #d77}
.claimalign .flag.only{background:#fde8c8}
.claimalign .flag.note{background:#eee;color:#555}
.claimalign .legend{font-size:12px;color:#555;margin:4px 0}
.claimalign .equivalent{color:#185}
.claimalign .related{color:#a60}
.claimalign details summary{cursor:pointer}
.claimalign h3{margin:14px 0 4px}
.claimalign .meta{color:#555;font-size:12px}
""".strip()


def esc(x) -> str:
    """``x`` as text escaped for HTML (quotes included; None as "")."""
    return html.escape("" if x is None else str(x), quote=True)


SEVERITY_CLASS = {"conflict": "conflict", "only_a": "only", "only_b": "only", "note": "note"}
#: What the flag colours mean (shown above every table of flags).
LEGEND = ('<p class="legend">Flags: <span class="flag conflict">conflict</span> both sides state it and the values differ '
          '(day, date, number, person, place) · <span class="flag only">only in A / B</span> one side mentions it, the other '
          'does not · <span class="flag note">note</span> e.g. a duplicate</p>')


def flag_tags(flags) -> str:
    """The flags as tags, conflicts first: red for a conflict, beige for what one side alone
    mentions, grey for a note (the classes ``flag conflict`` / ``flag only`` / ``flag note``;
    the title gives the flag's type and severity).
    """
    out = []
    for f in ordered(flags):
        title = f"{f.kind} · {f.severity.replace('_', ' in ').replace('only in a', 'only in A').replace('only in b', 'only in B')}"
        out.append(f'<span class="flag {SEVERITY_CLASS[f.severity]}" title="{esc(title)}">{esc(f)}</span>')
    return "".join(out)


def text_cell(ids, text: str, lang: str, speaker: str, truncate: int) -> str:
    """A ``<td>`` of text in its direction (RTL for Persian/Arabic), with its ids and speaker;
    text longer than ``truncate`` collapses behind a ``<details>``.
    """
    if not ids:
        return '<td class="ltr"></td>'
    rtl = lang in RTL_LANGUAGES or is_rtl(text)
    d = "rtl" if rtl else "ltr"
    who = f'<span class="who">{esc(speaker)}</span>' if speaker else ""
    label = f'<bdi class="id" dir="ltr">{esc(";".join(map(str, ids)))}</bdi> '
    if truncate and len(text) > truncate:
        body = f"<details><summary>{label}{esc(text[:truncate])}…</summary>{esc(text[truncate:])}</details>"
    else:
        body = f"{label}{esc(text)}"
    return f'<td class="{d}" dir="{d}" lang="{esc(lang)}">{who}{body}</td>'


def _conf(score) -> str:
    if score is None:
        return "<td></td>"
    return f'<td><span class="bar"><span style="width:{float(score) * 100:.0f}%"></span></span> {float(score):.2f}</td>'


def render_html(rows: Sequence[Row], A: Document, B: Document, options: Mapping[str, Any], meta: Mapping[str, Any] | None = None,
                *, standalone: bool = False, truncate: int = TRUNCATE, max_rows: int | None = None) -> str:
    """The side-by-side view of two documents' rows: matched pairs, then each article's
    unmatched segments.

    ``options``: the run record (mode, threshold, model); ``meta``: the run metadata listed at the
    end of a ``standalone`` page (inline CSS, no network resources, no script). ``max_rows``:
    rows shown per section (the rest counted, for long articles in Jupyter).
    """
    c = {status: sum(1 for r in rows if r.status == status) for status in ("match", "only_a", "only_b")}
    sections = []
    head_pairs = (
        "<tr><th style='width:9%'>confidence</th><th style='width:8%'>relation</th>"
        f"<th>A: {esc(A.name)} [{esc(A.lang)}]</th><th>B: {esc(B.name)} [{esc(B.lang)}]</th>"
        "<th style='width:18%'>flags</th><th style='width:8%'>reviewed</th></tr>"
    )
    parts = {"match": [], "only_a": [], "only_b": []}
    for r in rows:
        parts[r.status].append(r)

    def limited(rows):
        if max_rows is not None and len(rows) > max_rows:
            return rows[:max_rows], len(rows) - max_rows
        return rows, 0

    rows, hidden = limited(parts["match"])
    body = []
    for r in rows:
        rel = r.relation or ""
        body.append(
            f"<tr>{_conf(r.confidence)}<td class='{esc(rel)}'>{esc(rel)}</td>"
            f"{text_cell(r.a_labels, r.a_text, A.lang, r.a_speaker, truncate)}"
            f"{text_cell(r.b_labels, r.b_text, B.lang, r.b_speaker, truncate)}"
            f"<td>{flag_tags(r.flags)}</td><td>{esc(r.reviewed)}</td></tr>"
        )
    more = f"<p class='meta'>… {hidden} more pairs (report.to_frame() or report.to_html() shows all)</p>" if hidden else ""
    sections.append(f"<h3>Matched pairs ({c['match']})</h3>{LEGEND}<table><thead>{head_pairs}</thead><tbody>{''.join(body)}</tbody></table>{more}")
    for side, status, doc in (("A", "only_a", A), ("B", "only_b", B)):
        rows, hidden = limited(parts[status])
        a = side == "A"
        body = "".join(
            f"<tr>{text_cell(r.a_labels if a else r.b_labels, r.a_text if a else r.b_text, doc.lang, r.a_speaker if a else r.b_speaker, truncate)}"
            f"<td>{esc(r.nearest or '')}</td><td>{flag_tags(r.flags)}</td></tr>"
            for r in rows
        )
        more = f"<p class='meta'>… {hidden} more</p>" if hidden else ""
        sections.append(
            f"<h3>Only in {side}: {esc(doc.name)} ({len(parts[status])})</h3><table><thead><tr><th>{esc(doc.name)} [{esc(doc.lang)}]</th>"
            f"<th style='width:12%'>nearest in {'B' if side == 'A' else 'A'}</th><th style='width:18%'>flags</th></tr></thead><tbody>{body}</tbody></table>{more}"
        )
    summary = (
        f"<p class='meta'>{c['match']} matched pairs, {c['only_a']} only in A, {c['only_b']} only in B · "
        f"mode {esc(options.get('mode', 'comparable'))} · confidence ≥ {float(options.get('min_score') or 0):.2f} · "
        f"model {esc(options.get('model'))}</p>"
    )
    inner = f'<div class="claimalign">{summary}{"".join(sections)}</div>'
    if not standalone:
        return f"<style>{CSS}</style>{inner}"
    meta_rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v)}</td></tr>" for k, v in (meta or {}).items())
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>claimalign: {esc(A.name)} vs {esc(B.name)}</title><style>{CSS}</style></head><body>"
        f"<h2 class='claimalign'>claimalign: {esc(A.name)} vs {esc(B.name)}</h2>{inner}"
        f"<details class='claimalign'><summary>run</summary><table>{meta_rows}</table></details></body></html>\n"
    )
