"""Report exports besides CSV: XLSX, standalone HTML (also the Jupyter display), JSONL; and
loading a saved JSONL report back (reviews included).

All writers are atomic (``report.atomic_write``) and deterministic for the same report, except
the run date in the XLSX/HTML metadata (the day the report was written).
"""
from __future__ import annotations

import datetime as _dt
import html
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .text import RTL_LANGUAGES, is_rtl

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

TRUNCATE = 240  # characters shown before "more" in the HTML views


def _today() -> str:
    return _dt.date.today().isoformat()


def metadata(report: "Report") -> dict:
    """Run metadata: model, options, version, documents, date."""
    from . import __version__

    docs = {side: {"name": s.document.name, "lang": s.document.lang, "sentences": len(s.sentences)} for side, s in report.sides()}
    return {"claimalign": __version__, "date": _today(), "documents": docs,
            **{k: v for k, v in report.options.items() if k != "model_fingerprint"},
            "model_fingerprint": report.options.get("model_fingerprint")}


# -- XLSX ---------------------------------------------------------------------------------------

def to_xlsx_bytes(report: "Report") -> bytes:
    """Workbook: 'pairs' (matches), one sheet per article for its unmatched segments, 'run'
    (metadata)."""
    from .report import COLUMNS

    def flat(status: str) -> list[dict]:
        return [report.flat_row(r, safe=False) for r in report.rows if r["status"] == status]

    sheets = [("pairs", COLUMNS, flat("match")), ("only in A", COLUMNS, flat("only_a")), ("only in B", COLUMNS, flat("only_b"))]
    widths = {"a_text": 60, "b_text": 60, "a_claim": 40, "b_claim": 40, "flags": 40, "a_speaker": 18, "b_speaker": 18}
    return xlsx_workbook(sheets, metadata(report), widths)


def xlsx_workbook(sheets: list[tuple[str, list[str], list[dict]]], run: dict, widths: dict[str, int] | None = None) -> bytes:
    """Sheets of (title, columns, flat rows) plus a 'run' sheet of metadata. RTL cells
    right-to-left, wrapped; bold frozen header with filters; every text cell stored as a string
    (never a formula); fixed timestamps, so the same rows give the same bytes."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill

    widths = widths or {}
    wb = Workbook()
    wb.properties.creator = "claimalign"
    wb.properties.created = wb.properties.modified = _dt.datetime(2000, 1, 1)
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    rtl = Alignment(horizontal="right", vertical="top", wrap_text=True, readingOrder=2)
    ltr = Alignment(horizontal="left", vertical="top", wrap_text=True, readingOrder=1)

    def put(cell, v) -> None:
        if isinstance(v, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", v)
            cell.data_type = "s"  # text, even when it starts with "=" (no formula)
            cell.alignment = rtl if is_rtl(v) else ltr
        else:
            cell.value = v

    for n, (title, columns, rows) in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        ws.append(columns)
        for c in ws[1]:
            c.font, c.fill = head_font, head_fill
        for row in rows:
            ws.append([None] * len(columns))
            for col, name in enumerate(columns, start=1):
                put(ws.cell(row=ws.max_row, column=col), row[name])
        for col, name in enumerate(columns, start=1):
            ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = widths.get(name, 50 if name.endswith("_text") else 12)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    ws = wb.create_sheet("run")
    for k, v in run.items():
        ws.append([k])
        put(ws.cell(row=ws.max_row, column=2), json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 20, 100
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Re-pack with fixed member timestamps so the same report gives the same bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render_multi_html(multi, *, standalone: bool = False, truncate: int = TRUNCATE) -> str:
    """n-column view of a MultiReport: one row per claim group, then claims only in one article."""
    docs = [s.document for s in multi.sides]
    head = "<tr><th style='width:8%'>confidence</th><th style='width:7%'>relation</th>" + "".join(
        f"<th>{x}: {_esc(d.name)} [{_esc(d.lang)}]</th>" for x, d in zip(multi.letters, docs)) + "<th style='width:14%'>flags</th></tr>"
    body = []
    for r in multi.rows:
        cells = "".join(_text_cell(r[f"{x}_labels"], r[f"{x}_text"], d.lang, r[f"{x}_speaker"], truncate) for x, d in zip(multi.letters, docs))
        flags = "".join(f'<span class="flag">{_esc(f)}</span>' for f in r["flags"])
        rel = r.get("relation") or ""
        body.append(f"<tr>{_conf(r['score'])}<td class='{_esc(rel)}'>{_esc(rel)}</td>{cells}<td>{flags}</td></tr>")
    groups = sum(1 for r in multi.rows if r["status"] == "match")
    inner = (f'<div class="claimalign"><p class="meta">{groups} groups of matching claims across {len(docs)} articles; '
             f'rows with one article filled are only in that article</p><table><thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>')
    if not standalone:
        return f"<style>{CSS}</style>{inner}"
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>claimalign: {_esc(' vs '.join(d.name for d in docs))}</title><style>{CSS}</style></head><body>{inner}</body></html>\n")


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
.claimalign .equivalent{color:#185}
.claimalign .related{color:#a60}
.claimalign details summary{cursor:pointer}
.claimalign h3{margin:14px 0 4px}
.claimalign .meta{color:#555;font-size:12px}
""".strip()


def _esc(x) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _text_cell(ids, text: str, lang: str, speaker: str, truncate: int) -> str:
    if not ids:
        return '<td class="ltr"></td>'
    rtl = lang in RTL_LANGUAGES or is_rtl(text)
    d = "rtl" if rtl else "ltr"
    who = f'<span class="who">{_esc(speaker)}</span>' if speaker else ""
    label = f'<span class="id">{_esc(";".join(map(str, ids)))}</span> '
    if truncate and len(text) > truncate:
        body = f"<details><summary>{label}{_esc(text[:truncate])}…</summary>{_esc(text[truncate:])}</details>"
    else:
        body = f"{label}{_esc(text)}"
    return f'<td class="{d}" dir="{d}" lang="{_esc(lang)}">{who}{body}</td>'


def _conf(score) -> str:
    if score is None:
        return "<td></td>"
    return f'<td><span class="bar"><span style="width:{float(score) * 100:.0f}%"></span></span> {float(score):.2f}</td>'


def render_html(report: "Report", *, standalone: bool = False, truncate: int = TRUNCATE, max_rows: int | None = None) -> str:
    """The side-by-side view: matched pairs, then each article's unmatched segments.

    ``standalone``: a complete page (inline CSS, no network resources, no script).
    ``max_rows``: rows shown per section (the rest counted, for long articles in Jupyter).
    """
    A, B = report.document("A"), report.document("B")
    c = report.counts
    sections = []
    head_pairs = (
        "<tr><th style='width:9%'>confidence</th><th style='width:8%'>relation</th>"
        f"<th>A: {_esc(A.name)} [{_esc(A.lang)}]</th><th>B: {_esc(B.name)} [{_esc(B.lang)}]</th>"
        "<th style='width:18%'>flags</th><th style='width:8%'>reviewed</th></tr>"
    )
    parts = {"match": [], "only_a": [], "only_b": []}
    for r in report.rows:
        parts[r["status"]].append(r)

    def limited(rows):
        if max_rows is not None and len(rows) > max_rows:
            return rows[:max_rows], len(rows) - max_rows
        return rows, 0

    rows, hidden = limited(parts["match"])
    body = []
    for r in rows:
        flags = "".join(f'<span class="flag">{_esc(f)}</span>' for f in r["flags"])
        rel = r.get("relation") or ""
        body.append(
            f"<tr>{_conf(r['score'])}<td class='{_esc(rel)}'>{_esc(rel)}</td>"
            f"{_text_cell(r['a_labels'], r['a_text'], A.lang, r['a_speaker'], truncate)}"
            f"{_text_cell(r['b_labels'], r['b_text'], B.lang, r['b_speaker'], truncate)}"
            f"<td>{flags}</td><td>{_esc(r.get('reviewed') or '')}</td></tr>"
        )
    more = f"<p class='meta'>… {hidden} more pairs (report.to_frame() or report.to_html() shows all)</p>" if hidden else ""
    sections.append(f"<h3>Matched pairs ({c['match']})</h3><table><thead>{head_pairs}</thead><tbody>{''.join(body)}</tbody></table>{more}")
    for side, status, doc in (("A", "only_a", A), ("B", "only_b", B)):
        rows, hidden = limited(parts[status])
        key = side.lower()
        body = "".join(
            f"<tr>{_text_cell(r[f'{key}_labels'], r[f'{key}_text'], doc.lang, r[f'{key}_speaker'], truncate)}"
            f"<td>{_esc(r['nearest'] or '')}</td><td>{''.join(f'<span class=flag>{_esc(f)}</span>' for f in r['flags'])}</td></tr>"
            for r in rows
        )
        more = f"<p class='meta'>… {hidden} more</p>" if hidden else ""
        sections.append(
            f"<h3>Only in {side}: {_esc(doc.name)} ({len(parts[status])})</h3><table><thead><tr><th>{_esc(doc.name)} [{_esc(doc.lang)}]</th>"
            f"<th style='width:12%'>nearest in {'B' if side == 'A' else 'A'}</th><th style='width:18%'>flags</th></tr></thead><tbody>{body}</tbody></table>{more}"
        )
    summary = (
        f"<p class='meta'>{c['match']} matched pairs, {c['only_a']} only in A, {c['only_b']} only in B · "
        f"mode {_esc(report.options.get('mode', 'comparable'))} · confidence ≥ {float(report.options.get('min_score') or 0):.2f} · "
        f"model {_esc(report.options.get('model'))}</p>"
    )
    inner = f'<div class="claimalign">{summary}{"".join(sections)}</div>'
    if not standalone:
        return f"<style>{CSS}</style>{inner}"
    meta = metadata(report)
    meta_rows = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v)}</td></tr>" for k, v in meta.items())
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>claimalign: {_esc(A.name)} vs {_esc(B.name)}</title><style>{CSS}</style></head><body>"
        f"<h2 class='claimalign'>claimalign: {_esc(A.name)} vs {_esc(B.name)}</h2>{inner}"
        f"<details class='claimalign'><summary>run</summary><table>{meta_rows}</table></details></body></html>\n"
    )


# -- JSONL --------------------------------------------------------------------------------------

def to_jsonl(report: "Report") -> str:
    """First line: ``{"type": "meta", ...}`` (options, documents with their text and segments);
    then one ``{"type": "row", ...}`` per row with character offsets (``a_spans``/``b_spans``
    into the document texts) and the reviewer's decision."""
    from .report import COLUMNS

    docs = {}
    for side, s in report.sides():
        docs[side] = {
            "name": s.document.name, "lang": s.document.lang, "text": s.document.text,
            "segments": [
                {"id": u.id, "label": u.label, "text": u.text, "start": u.start, "end": u.end, "kind": u.kind,
                 "speaker": u.speaker, "speaker_key": u.speaker_key, "duplicate_of": u.duplicate_of,
                 "sentence": u.sentence, "part": u.part, "paragraph": u.paragraph}
                for u in report.units(side)
            ],
        }
    meta = {"type": "meta", **metadata(report), "date": None, "documents": docs, "options": report.options}
    lines = [json.dumps(meta, ensure_ascii=False, sort_keys=True)]
    by_label = {side: {str(u.label): u for u in report.units(side.upper())} for side in ("a", "b")}
    for r in report.rows:
        row = {"type": "row", **{c: r.get(c) for c in COLUMNS}}
        row["a_ids"], row["b_ids"] = list(r["a_labels"]), list(r["b_labels"])
        for side in ("a", "b"):
            units = by_label[side]
            row[f"{side}_spans"] = [[units[str(x)].start, units[str(x)].end] for x in r[f"{side}_labels"]]
        lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    return "\n".join(lines) + "\n"


def load_jsonl(path: str | os.PathLike) -> "Report":
    """A report saved with ``to_jsonl``/``save``: rows, reviews, exports, display (no scores
    matrix: the heatmap needs the original comparison)."""
    from .documents import Document
    from .report import Report
    from .segment import Segment

    path = Path(path)
    try:
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a claimalign JSONL report ({exc.__class__.__name__})") from None
    if not lines or lines[0].get("type") != "meta" or "documents" not in lines[0]:
        raise InputError(f"{path}: not a claimalign JSONL report (no meta line)")
    meta = lines[0]
    sides = {}
    for side in ("A", "B"):
        d = meta["documents"][side]
        doc = Document(d["text"], d["name"], d["lang"])
        segs = [Segment(s["id"], s["text"], s["start"], s["end"], s["paragraph"], s["kind"], d["lang"], s["duplicate_of"],
                        s["speaker"], s["sentence"], s["speaker_key"], s["part"]) for s in d["segments"]]
        sides[side] = (doc, segs)
    by_label = {side: {str(u.label): u for u in sides[side.upper()][1]} for side in ("a", "b")}
    rows = []
    for x in lines[1:]:
        r = {k: v for k, v in x.items() if k not in ("type", "a_spans", "b_spans")}
        for side in ("a", "b"):
            units = by_label[side]
            labels = tuple(str(v) for v in x[f"{side}_ids"])
            r[f"{side}_labels"] = labels
            r[f"{side}_ids"] = tuple(units[v].id for v in labels)
            r[f"{side}_speakers"] = tuple((units[v].speaker, units[v].speaker_key) for v in labels)
        r["flags"] = list(r.get("flags") or [])
        rows.append(r)
    return Report.from_saved(sides, rows, meta.get("options", {}))
