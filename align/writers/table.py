"""The report as a table: its columns and one flat (scalar) record per row."""
from __future__ import annotations

from typing import Any

from ..rows import Row
from .files import safe_cell

#: Columns of the CSV/XLSX/DataFrame views. ``score`` is the pair's confidence (the column keeps
#: its first name so that existing spreadsheets and scripts go on working).
COLUMNS = [
    "status", "score", "relation", "similarity", "a_ids", "a_text", "b_ids", "b_text",
    "a_speaker", "b_speaker", "flags", "reviewed", "margin", "a_claim", "b_claim", "nearest",
    "a_speaker_key", "b_speaker_key",
]
_NUMBERS = {"score": ("confidence", 3), "similarity": ("similarity", 3), "margin": ("margin", 4)}


def flat_row(row: Row, *, safe: bool) -> dict[str, Any]:
    """One row as scalar cells, keyed by :data:`COLUMNS`.

    Parameters
    ----------
    row : Row
    safe : bool
        For files: numbers as fixed-point text, text cells formula-safe. Otherwise numbers are
        rounded floats (None when missing), for pandas.
    """
    out: dict[str, Any] = {}
    for c in COLUMNS:
        if c in _NUMBERS:
            attr, digits = _NUMBERS[c]
            v = getattr(row, attr)
            v = None if v is None else (f"{float(v):.{digits}f}" if safe else round(float(v), digits))
        elif c == "a_ids":
            v = ";".join(row.a_labels)
        elif c == "b_ids":
            v = ";".join(row.b_labels)
        elif c == "flags":
            v = "; ".join(row.flags)
        else:
            v = getattr(row, c)
            v = "" if v is None else v
        out[c] = safe_cell(v) if safe and c not in _NUMBERS else v  # a number ("-0.04") is not a formula
    return out


#: The most characters Excel keeps in one cell.
EXCEL_CELL_LIMIT = 32_767


def fit_cell(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """``text`` cut to fit one spreadsheet cell, the cut said in the cell itself."""
    if len(text) <= limit:
        return text
    note = f" … [cut: {len(text):,} characters in all; the CSV and JSONL reports keep the whole text]"
    return text[: limit - len(note)] + note


def truncated_cells(report) -> int:
    """How many text cells of ``report``'s rows are longer than one spreadsheet cell holds."""
    return sum(1 for r in report.rows for v in flat_row(r, safe=False).values()
               if isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT)
