"""The claim-centred view of a two-article report (standalone HTML page and Jupyter display).

Each claim of A once, with all its counterparts in B beneath it, most confident first; the part
of each sentence that matched (the claim) highlighted and the rest dimmed, never hidden; ids
prefixed and left-to-right inside right-to-left text (``A4``, ``B13–14``); what only B says, with
its nearest unit of A; the same from B's side in a collapsed section; a legend of what the
confidence, the relation and the flag colours mean. A view that hides rows says so.

The confidence is shown to two decimals *rounded down*, so the relation shown is the one the
thresholds give for the number shown (0.745 reads "0.74 related", never "0.75 related").
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..rows import Row, unit_ids
from ..text import RTL_LANGUAGES, is_rtl
from ..types import Document
from .html import CSS, esc, flag_tags

VIEW_CSS = """
.claimalign .claim{border:1px solid #ccc;border-radius:4px;margin:8px 0;padding:6px 8px}
.claimalign .claim>.own{margin-bottom:4px}
.claimalign .counterpart{border-top:1px dashed #ddd;padding:4px 0 2px 12px}
.claimalign .counterpart .score{font-size:12px;white-space:nowrap}
.claimalign mark{background:#fff3a8;color:inherit;padding:0 1px}
.claimalign .dim{color:#888}
.claimalign .rtl{direction:rtl;text-align:right}
.claimalign .ltr{direction:ltr;text-align:left}
.claimalign bdi.id{font-weight:bold;color:#444;unicode-bidi:isolate}
.claimalign .none{color:#888;font-size:12px}
.claimalign .viewnote{background:#eef4ff;border:1px solid #b8cdf5;padding:3px 6px;font-size:12px}
""".strip()


def shown(confidence: float) -> str:
    """A confidence to two decimals rounded down (the relation shown then agrees with it)."""
    return f"{math.floor(confidence * 100 + 1e-9) / 100:.2f}"


def legend(options: Mapping[str, Any]) -> str:
    """What the numbers, words, colours and ids of the view mean."""
    threshold = float(options.get("min_score") or 0.0)
    eq = float(options.get("equivalent") or 0.75)
    return (
        '<p class="legend"><b>Confidence</b> (bar and number): the estimated chance that the pair states the same claim; '
        f"pairs are listed from {threshold:.2f}. <b>Relation</b>: <span class='equivalent'>equivalent</span> from {eq:.2f} "
        "(the same claim), <span class='related'>related</span> below (the same point, worth a look). "
        "<b>Highlighted</b>: the part of a sentence that matched; the rest is dimmed. "
        "<b>Ids</b>: <bdi class='id' dir='ltr'>A4</bdi> sentence 4 of A, <bdi class='id' dir='ltr'>B13–14</bdi> sentences 13 "
        "and 14 of B together, <bdi class='id' dir='ltr'>A2.1</bdi> the first claim of sentence 2.<br>"
        "<b>Flags</b>: <span class='flag conflict'>conflict</span> both sides state it and the values differ (day, date, "
        "number, person) · <span class='flag only'>only in A / B</span> one side mentions it, the other does not · "
        "<span class='flag note'>note</span> e.g. a duplicate</p>"
    )


def _direction(text: str, lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES or is_rtl(text) else "ltr"


def highlighted(text: str, claims: Sequence[str]) -> str:
    """``text`` escaped, each of ``claims`` found in it marked and the rest dimmed (all of it
    shown; a claim not found marks nothing).
    """
    spans = []
    for claim in {c for c in claims if c}:
        at = text.find(claim)
        if at >= 0:
            spans.append((at, at + len(claim)))
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        if s < pos:
            s = pos
        if s >= e:
            continue
        if s > pos:
            out.append(f'<span class="dim">{esc(text[pos:s])}</span>')
        out.append(f"<mark>{esc(text[s:e])}</mark>")
        pos = e
    if pos < len(text):
        rest = esc(text[pos:])
        out.append(f'<span class="dim">{rest}</span>' if spans else rest)
    return "".join(out)


def _unit(letter: str, labels: Sequence[str], text: str, claims: Sequence[str], lang: str, speaker: str) -> str:
    d = _direction(text, lang)
    who = f' <span class="who">{esc(speaker)}</span>' if speaker else ""
    ids = unit_ids(letter, labels)
    return (f'<div class="{d}" dir="{d}" lang="{esc(lang)}"><bdi class="id" dir="ltr">{esc(ids)}</bdi>{who} '
            f"{highlighted(text, claims)}</div>")


def _score(r: Row) -> str:
    if r.confidence is None:
        return '<span class="score">linked by hand</span>'
    rel = r.relation or ""
    reviewed = f" · {esc(r.reviewed)}" if r.reviewed else ""
    return (f'<span class="score"><span class="bar"><span style="width:{float(r.confidence) * 100:.0f}%"></span></span> '
            f'{shown(r.confidence)} <span class="{esc(rel)}">{esc(rel)}</span>{reviewed}</span>')


def _blocks(rows: Sequence[Row], own: str, docs: Mapping[str, Document], max_blocks: int | None) -> tuple[str, int, int]:
    """One block per unit of side ``own`` ("A" or "B"): the unit, then its counterparts on the
    other side (most confident first), or "no counterpart" with the nearest. Returns the HTML,
    the blocks shown and the blocks left out.
    """
    other = "B" if own == "A" else "A"
    mine: Callable[[Row], tuple] = (lambda r: r.a) if own == "A" else (lambda r: r.b)
    groups: dict[str, list[Row]] = {}
    for r in rows:
        if mine(r):
            groups.setdefault(unit_ids(own, [u.label for u in mine(r)]), []).append(r)
    order = sorted(groups, key=lambda g: tuple(int(x) if x.isdigit() else 0 for x in g[1:].replace("–", ";").replace(".", ";").split(";")))
    shown_groups = order if max_blocks is None else order[:max_blocks]
    out = []
    for g in shown_groups:
        rs = groups[g]
        first = rs[0]
        units = mine(first)
        text = " ".join(u.text for u in units) if not (first.a_text if own == "A" else first.b_text) else (
            first.a_text if own == "A" else first.b_text)
        matches = sorted((r for r in rs if r.is_match), key=lambda r: (r.confidence is None, -(r.confidence or 0.0)))
        claims = [r.a_claim if own == "A" else r.b_claim for r in matches]
        speaker = first.a_speaker if own == "A" else first.b_speaker
        head = _unit(own, [u.label for u in units], text, claims, docs[own].lang, speaker)
        lines = []
        for r in matches:
            o_labels = list(r.b_labels if own == "A" else r.a_labels)
            o_text = r.b_text if own == "A" else r.a_text
            o_claim = r.b_claim if own == "A" else r.a_claim
            o_speaker = r.b_speaker if own == "A" else r.a_speaker
            which = (f' <span class="none">(matched: {esc(r.a_claim if own == "A" else r.b_claim)[:80]}…)</span>'
                     if len(matches) > 1 and len(claims) > 1 and len(set(claims)) > 1 else "")
            lines.append(f'<div class="counterpart">{_score(r)}{which} {flag_tags(r.flags)}'
                         f'{_unit(other, o_labels, o_text, [o_claim], docs[other].lang, o_speaker)}</div>')
        if not matches:
            near = first.nearest
            flags = flag_tags(first.flags)
            lines.append(f'<div class="counterpart none">no counterpart in {other}'
                         f'{"; nearest: " + esc(unit_ids(other, [near])) if near else ""} {flags}</div>')
        out.append(f'<div class="claim"><div class="own">{head}</div>{"".join(lines)}</div>')
    return "".join(out), len(shown_groups), len(order) - len(shown_groups)


def render_claims(rows: Sequence[Row], A: Document, B: Document, options: Mapping[str, Any],
                  meta: Mapping[str, Any] | None = None, *, standalone: bool = False, max_blocks: int | None = None,
                  view_note: str = "") -> str:
    """The claim-centred view (see the module docstring) of a report's ``rows``.

    Parameters
    ----------
    rows : sequence of Row
        The rows of the report (or of a view of it).
    A, B : Document
        The two articles.
    options : mapping
        The run record (threshold, equivalent point, mode, model).
    meta : mapping, optional
        The run metadata listed at the end of a standalone page.
    standalone : bool
        A whole page (inline CSS, no network resources, no script) or a fragment (Jupyter).
    max_blocks : int, optional
        Blocks shown per section (the rest counted), for long articles in Jupyter.
    view_note : str
        What the view hides ("filtered: …; 12 of 38 rows hidden"), shown at the top.
    """
    docs = {"A": A, "B": B}
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("match", "only_a", "only_b")}
    a_side, a_n, a_more = _blocks([r for r in rows if r.a], "A", docs, max_blocks)
    b_only, b_n, b_more = _blocks([r for r in rows if r.status == "only_b"], "B", docs, max_blocks)
    b_side, _, b_side_more = _blocks([r for r in rows if r.b], "B", docs, max_blocks)

    def more(n: int) -> str:
        return f"<p class='meta'>… {n} more (report.to_html() shows all)</p>" if n else ""

    summary = (f"<p class='meta'>{counts['match']} matched pairs, {counts['only_a']} only in A, {counts['only_b']} only in B · "
               f"mode {esc(options.get('mode', 'comparable'))} · confidence ≥ {float(options.get('min_score') or 0):.2f} · "
               f"model {esc(options.get('model'))}</p>")
    note = f'<p class="viewnote">{esc(view_note)}</p>' if view_note else ""
    inner = (f'<div class="claimalign">{summary}{note}{legend(options)}'
             f"<h3>Claims of A: {esc(A.name)} [{esc(A.lang)}], each with its counterparts in B</h3>{a_side}{more(a_more)}"
             f"<h3>Only in B: {esc(B.name)} [{esc(B.lang)}] ({counts['only_b']})</h3>{b_only}{more(b_more)}"
             f"<details><summary>The same from B's side: each claim of B with its counterparts in A</summary>"
             f"{b_side}{more(b_side_more)}</details></div>")
    style = f"<style>{CSS}\n{VIEW_CSS}</style>"
    if not standalone:
        return f"{style}{inner}"
    meta_rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v)}</td></tr>"
                        for k, v in (meta or {}).items())
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>claimalign: {esc(A.name)} vs {esc(B.name)}</title>{style}</head><body>"
            f"<h2 class='claimalign'>claimalign: {esc(A.name)} vs {esc(B.name)}</h2>{inner}"
            f"<details class='claimalign'><summary>run</summary><table>{meta_rows}</table></details></body></html>\n")
