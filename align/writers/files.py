"""Atomic file writing and formula-safe cells, shared by every writer."""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import InputError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection.

    Text starting with = + - @ (or a tab/CR/LF, or their full-width forms) gets a leading
    apostrophe, which Excel, LibreOffice and Google Sheets show as plain text. Other values
    are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def atomic_write(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename.

    Parameters
    ----------
    path : str or path
        The target file; its directory must exist.
    data : bytes
        The whole content.

    Returns
    -------
    pathlib.Path
        ``path``. A reader never sees a partial file; on any error the temporary file is removed.
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{path}: directory {parent} does not exist")
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def csv_text(columns: list[str], flat_rows: list[dict]) -> str:
    """CSV of already formula-safe flat rows (None -> empty cell), CRLF line ends."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in flat_rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


def write_csv(path: str | os.PathLike, text: str) -> Path:
    """Write CSV text as UTF-8 with a byte-order mark (so Excel shows Arabic script), atomically."""
    return atomic_write(path, ("\ufeff" + text).encode("utf-8"))
