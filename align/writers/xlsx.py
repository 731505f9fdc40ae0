"""XLSX workbooks of tables and run metadata (deterministic bytes)."""
from __future__ import annotations

import datetime
import io
import json
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from ..text import is_rtl
from .table import Table, fit_cell

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def tables_xlsx(sheets: Sequence[Table], run: Mapping[str, Any]) -> bytes:
    """A workbook of one sheet per table (its name; its flat cells, widths from the table; rows
    that repeat the previous row's ``outline`` value grouped under it; ``detail`` columns grouped
    and collapsed) and a 'run' sheet of ``run``.
    """
    return xlsx_workbook([(t.name, t.names, [t.flat(r, safe=False) for r in t.records]) for t in sheets], dict(run),
                         {k: v for t in sheets for k, v in t.widths.items()},
                         {t.name: t.outline for t in sheets if t.outline}, {t.name: t.details for t in sheets if t.details})


def xlsx_workbook(sheets: list[tuple[str, list[str], list[dict]]], run: dict, widths: dict[str, int] | None = None,
                  outlines: dict[str, str] | None = None, details: dict[str, Sequence[str]] | None = None) -> bytes:
    """Sheets of (title, columns, flat rows) plus a 'run' sheet of metadata. RTL cells
    right-to-left, wrapped, rows as high as their wrapped text; bold frozen header with filters,
    repeated on every printed page; landscape, fitted to the page width; every text cell stored
    as a string (never a formula); fixed timestamps, so the same rows give the same bytes.
    ``outlines``: sheet title -> a column whose repeated values are grouped (outline level 1
    under the first row of the value). ``details``: sheet title -> columns grouped and collapsed
    (hidden until the outline's "+" shows them; not printed, not counted in the row heights).
    """
    widths, outlines, details = widths or {}, outlines or {}, details or {}
    # openpyxl loads on first use (~0.1 s): a CSV report never needs it
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.properties.creator = "claimalign"
    wb.properties.created = wb.properties.modified = datetime.datetime(2000, 1, 1)
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    rtl = Alignment(horizontal="right", vertical="top", wrap_text=True, readingOrder=2)
    ltr = Alignment(horizontal="left", vertical="top", wrap_text=True, readingOrder=1)
    top = Alignment(vertical="top")

    def put(cell, v) -> None:
        if isinstance(v, str):
            cell.value = fit_cell(ILLEGAL_CHARACTERS_RE.sub("", v))
            cell.data_type = "s"  # text, even when it starts with "=" (no formula)
            cell.alignment = rtl if is_rtl(v) else ltr
        else:
            cell.value = v
            cell.alignment = top  # beside wrapped text, at its first line (not at the row's foot)

    for n, (title, columns, rows) in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        ws.append(columns)
        for c in ws[1]:
            c.font, c.fill = head_font, head_fill
        width_of = {name: widths.get(name, 50 if name.endswith("_text") else 12) for name in columns}
        hidden = set(details.get(title, ()))
        shown_width = {name: w for name, w in width_of.items() if name not in hidden}
        previous = None
        for line, row in enumerate(rows, start=2):  # (ws.max_row scans every cell: quadratic)
            for col, name in enumerate(columns, start=1):
                put(ws.cell(row=line, column=col), row[name])
            ws.row_dimensions[line].height = row_height({k: v for k, v in row.items() if k not in hidden}, shown_width)
            key = row.get(outlines.get(title, ""))
            if key is not None and key == previous:
                ws.row_dimensions[line].outlineLevel = 1
            previous = key
        for col, name in enumerate(columns, start=1):
            dim = ws.column_dimensions[ws.cell(row=1, column=col).column_letter]
            dim.width = width_of[name]
            if name in hidden:
                dim.outlineLevel, dim.hidden = 1, True
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        _print_setup(ws)
    ws = wb.create_sheet("run")
    for line, (k, v) in enumerate(run.items(), start=1):
        ws.cell(row=line, column=1).value = k
        put(ws.cell(row=line, column=2), json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 20, 100
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


LINE_POINTS = 15.0  # height of one line of wrapped 11-point text
MAX_ROW_POINTS = 409.0  # the tallest row Excel allows


def row_height(row: Mapping[str, Any], widths: Mapping[str, float]) -> float:
    """Points a row needs for its longest wrapped cell: characters per line from the column's
    width (a width unit holds about one character), line breaks counted.
    """
    lines = 1
    for name, value in row.items():
        if not isinstance(value, str) or not value:
            continue
        per_line = max(1, int(widths.get(name, 12) * 1.1))
        lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n")))
    return min(MAX_ROW_POINTS, LINE_POINTS * lines)


def _print_setup(ws) -> None:
    """Landscape, fitted to one page wide (as many pages tall as needed), header on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _normalise_zip(data: bytes) -> bytes:
    """Re-pack with fixed member timestamps so the same report gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time as "modified"
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            dst.writestr(zi, data)
    return out.getvalue()
