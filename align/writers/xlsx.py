"""XLSX workbooks of tables and run metadata (deterministic bytes)."""
from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from ..text import is_rtl
from .table import Table, fit_cell

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def tables_xlsx(sheets: Sequence[Table], run: Mapping[str, Any]) -> bytes:
    """A workbook of one sheet per table (its name; its flat cells, widths from the table) and a
    'run' sheet of ``run``.
    """
    return xlsx_workbook([(t.name, t.names, [t.flat(r, safe=False) for r in t.records]) for t in sheets], dict(run),
                         {k: v for t in sheets for k, v in t.widths.items()})


def xlsx_workbook(sheets: list[tuple[str, list[str], list[dict]]], run: dict, widths: dict[str, int] | None = None) -> bytes:
    """Sheets of (title, columns, flat rows) plus a 'run' sheet of metadata. RTL cells
    right-to-left, wrapped; bold frozen header with filters; every text cell stored as a string
    (never a formula); fixed timestamps, so the same rows give the same bytes.
    """
    widths = widths or {}
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

    def put(cell, v) -> None:
        if isinstance(v, str):
            cell.value = fit_cell(ILLEGAL_CHARACTERS_RE.sub("", v))
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
        for line, row in enumerate(rows, start=2):  # (ws.max_row scans every cell: quadratic)
            for col, name in enumerate(columns, start=1):
                put(ws.cell(row=line, column=col), row[name])
        for col, name in enumerate(columns, start=1):
            ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = widths.get(name, 50 if name.endswith("_text") else 12)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    ws = wb.create_sheet("run")
    for line, (k, v) in enumerate(run.items(), start=1):
        ws.cell(row=line, column=1).value = k
        put(ws.cell(row=line, column=2), json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 20, 100
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


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
