"""Tables to files: CSV and JSON Lines text from a :class:`~align.writers.table.Table`
(XLSX in ``xlsx.py``, Parquet in ``parquet.py``).
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .files import csv_text, write_csv
from .table import Table


def table_csv(table: Table) -> str:
    """The CSV text of a table's flat cells (formula-safe, CRLF line ends, no byte-order mark)."""
    return csv_text(table.names, [table.flat(r, safe=True) for r in table.records])


def write_table_csv(path: str | os.PathLike, table: Table) -> Path:
    """A table as a CSV file: UTF-8 with a byte-order mark (Excel shows Arabic script), atomically."""
    return write_csv(path, table_csv(table))


def table_jsonl(table: Table, meta: Mapping[str, Any]) -> str:
    """JSON Lines: ``{"type": "meta", **meta}``, then ``{"type": "row", ...}`` per record with its
    raw values (keys sorted, UTF-8 as is).
    """
    lines = [json.dumps({"type": "meta", **meta}, ensure_ascii=False, sort_keys=True)]
    lines += [json.dumps({"type": "row", **table.raw(r)}, ensure_ascii=False, sort_keys=True) for r in table.records]
    return "\n".join(lines) + "\n"
