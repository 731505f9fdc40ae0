"""The one place where an output's suffix chooses its writer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

from ..errors import InputError
from .files import atomic_write, output_format
from .formats import table_jsonl, write_table_csv
from .table import Table
from .xlsx import tables_xlsx


class Result(Protocol):
    """What a result gives the writers."""

    def table(self) -> Table:
        """The flat table (CSV, DataFrame)."""

    def sheets(self) -> list[Table]:
        """The XLSX sheets."""

    def run_metadata(self) -> dict[str, Any]:
        """The XLSX run sheet."""

    def jsonl_meta(self) -> dict[str, Any]:
        """The JSONL meta line."""

    def html_page(self) -> str:
        """The standalone HTML view."""


def write(result: Result, path: str | os.PathLike) -> Path:
    """Write ``result`` to ``path`` in the format its suffix names, atomically."""
    fmt = output_format(path)
    if fmt == "csv":
        return write_table_csv(path, result.table())
    if fmt == "xlsx":
        return atomic_write(path, tables_xlsx(result.sheets(), result.run_metadata()))
    if fmt == "jsonl":
        return atomic_write(path, table_jsonl(result.table(), result.jsonl_meta()).encode("utf-8"))
    if fmt == "html":
        return atomic_write(path, result.html_page().encode("utf-8"))
    vecalign = getattr(result, "to_vecalign", None)
    if vecalign is None:
        raise InputError("a .vecalign output needs a parallel-mode comparison of two articles")
    return atomic_write(path, vecalign().encode("utf-8"))
