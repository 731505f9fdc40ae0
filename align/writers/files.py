"""Atomic file writing and formula-safe cells, shared by every writer."""
from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError, OverwriteError

#: The report formats, by file suffix.
SUFFIXES = (".csv", ".xlsx", ".html", ".jsonl", ".vecalign")

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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: What the head of every HTML page claimalign writes holds (a report's or a corpus overview's
#: ``<title>``, and its heading).
PAGE_MARKERS = (b"<title>claimalign", b"<h2 class='claimalign'>")


def is_claimalign_page(head: bytes) -> bool:
    """Does a file starting with ``head`` (its first 4 KB) look like a page claimalign wrote (a
    report or a corpus overview), which is never an article?
    """
    return any(m in head for m in PAGE_MARKERS)


def resolve_target(path: str | os.PathLike) -> Path:
    """Where a report at ``path`` is really written: a symbolic link's final target (the link
    stays a link, the file it points to is replaced), else ``path`` itself.
    """
    path = Path(path)
    if path.is_symlink():
        try:
            return path.resolve(strict=False)
        except (OSError, RuntimeError):  # a link loop
            raise OutputError(f"{path}: symbolic link loop") from None
    return path


def check_output(path: str | os.PathLike, inputs: Sequence[str | os.PathLike] = (), *, force: bool = False,
                 what: str = "the report") -> Path:
    """Check, before any work, that a report (or another output) can be written at ``path``.

    Parameters
    ----------
    path : str or path
        The report to write.
    inputs : sequence of str or path
        Files the run reads: the report must not replace any of them.
    force : bool
        Replace a read-only report (as ``cp -f`` would); without it that is an error.
    what : str
        What would write there, as the messages name it ("the report", "the corpus run").

    Returns
    -------
    pathlib.Path
        The file that will be written (a symbolic link's target).

    Raises
    ------
    OutputError
        The directory does not exist or is not writable, the target is a directory or
        read-only (without ``force``).
    OverwriteError
        The target is one of the inputs (an :class:`OutputError` and an ``InputError``).
    """
    shown = Path(path)
    _check_name_length(shown)
    try:
        target = resolve_target(path)
        _check_name_length(target, shown)
        return _check_target(shown, target, inputs, force, what)
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"{shown}: cannot write there ({exc.strerror or exc})") from None


def _check_name_length(path: Path, shown: Path | None = None) -> None:
    """An OutputError when the file name is longer than the file system allows (before any work)."""
    parent = path.parent if str(path.parent) else Path(".")
    try:
        limit = os.pathconf(parent, "PC_NAME_MAX") if parent.is_dir() else 255
    except (OSError, ValueError):
        limit = 255
    size = len(os.fsencode(path.name))
    if size > limit:
        raise OutputError(f"{shown or path}: file name too long ({size} bytes; at most {limit} here)")


def _check_target(shown: Path, target: Path, inputs: Sequence[str | os.PathLike], force: bool, what: str) -> Path:
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{shown}: directory {parent} does not exist")
    if target.is_dir():
        raise OutputError(f"{shown}: is a directory")
    for src in inputs:
        try:
            same = Path(src).exists() and target.exists() and os.path.samefile(src, target)
        except OSError:
            same = False
        if same or Path(os.path.abspath(src)) == Path(os.path.abspath(target)):
            raise OverwriteError(f"{shown}: is one of the inputs; {what} would replace it (choose another -o)")
    if target.exists():
        if not target.is_file():
            raise OutputError(f"{shown}: exists and is not a regular file")
        if not force and not (target.stat().st_mode & 0o222):
            raise OutputError(f"{shown}: is read-only; remove it, make it writable, or use --force to replace it")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{shown}: directory {parent} is not writable")
    return target


def atomic_write(path: str | os.PathLike, data: bytes, *, force: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename.

    Parameters
    ----------
    path : str or path
        The target file; its directory must exist. A symbolic link is followed: the file it
        points to is replaced and the link stays.
    data : bytes
        The whole content.
    force : bool
        Replace a read-only file (the API's default, as the caller asked for this path); the
        command line passes its ``--force``.

    Returns
    -------
    pathlib.Path
        ``path``. A reader never sees a partial file; on any error the temporary file is
        removed and an :class:`~align.errors.OutputError` says why. A new file gets the usual
        permissions (0666 less the umask); a replaced file keeps its permissions and, where
        the process may, its owner.
    """
    target = check_output(path, force=force)
    parent = target.parent if str(target.parent) else Path(".")
    old = target.stat() if target.exists() else None
    try:
        # a short temporary name: a report name near the file system's limit must still fit
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:32]}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {parent} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, (old.st_mode & 0o7777) if old else (0o666 & ~_umask()))
        if old is not None and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):  # not allowed: the new file is ours, as with any editor's save
                os.chown(tmp, old.st_uid, old.st_gid)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"{path}: cannot write the report ({exc.strerror or exc})") from None
        raise
    return Path(path)


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


def output_format(path: str | os.PathLike) -> str:
    """The report format that ``path``'s suffix asks for ("csv", ...), or an InputError."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"output {os.fspath(path)!r}: unknown report format; use one of {', '.join(SUFFIXES)}")
    return suffix[1:]
