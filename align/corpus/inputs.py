"""Reading a corpus: a folder of text files (with an optional metadata table) or one table.

- **Folder**: every regular, non-hidden file ending in ``.txt``, ``.text``, ``.html`` or ``.htm``
  is an article (a ``README.md`` beside them is not); its id is the file name without the extension. A metadata table
  (``metadata.csv``/``.tsv``/``.jsonl``/``.parquet`` in the folder, or ``metadata=PATH``) may give
  ``lang, outlet, date, title, url`` per id (``article_id`` is accepted for ``id``).
- **Table** (CSV, TSV, JSONL or Parquet): one article per row with ``id, text`` and optionally
  ``lang, outlet, date, title, url``.

Every row that cannot be used is reported (:class:`BadRow`: its id, where it is, why) and, by
the user's choice, skipped (``on_error="skip"``) or the run stops before any work with one
:class:`~align.errors.InputError` that lists them (``on_error="stop"``); never silently dropped.
Bad rows: empty text (or no letters), text that cannot be decoded (binary, not UTF-8 or a
recognised legacy encoding, NUL or replacement characters), a duplicate id (the first one is
kept), an invalid language code or date (``align.corpus.dates``: ISO, numeric, English and
European forms, Persian and Arabic month names, Solar Hijri and Hijri dates; an ambiguous
``05/06/2019`` needs ``date_order``), a field of the wrong type (a JSON object, list, number or
true/false where text belongs; an id may be a whole number), a metadata row without a text file,
an unreadable JSONL line. A missing date (``None``, ``NaN``, ``NaT``, an empty cell) is an
undated article. Each article keeps its date as written (``date_written``) beside the parsed one.
Articles come back sorted by id, so a run does not depend on file or row order. The language,
when not given, is detected later (on the worker that prepares the article).

A folder never yields claimalign's own pages: an ``.html`` file that is a claimalign report or
corpus overview (an earlier run's ``overview.html`` when ``-o`` is the input folder) is not an
article; it is left out with an :class:`~align.errors.InputWarning` naming it.
"""
from __future__ import annotations

import json
import numbers
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..documents import decode_bytes, read_text_file
from ..errors import InputError, InputWarning
from ..params import check
from ..text import has_letters
from ..writers.files import is_claimalign_page
from .dates import DateError, kind_of, missing, read_date

TEXT_SUFFIXES = (".txt", ".text", ".html", ".htm")
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")
METADATA_NAMES = tuple(f"metadata{s}" for s in TABLE_SUFFIXES)
FIELDS = ("id", "lang", "outlet", "date", "title", "url", "text")
_ALIASES = {"article_id": "id", "language": "lang", "source": "outlet", "headline": "title", "body": "text"}
_MAX_REPLACEMENT = 0.01  # share of U+FFFD characters above which a text is taken as mis-decoded


@dataclass(frozen=True)
class Article:
    """One article of a corpus.

    Parameters
    ----------
    id : str
        Unique within the corpus (a folder's file name without its extension).
    text : str
        The article's text as read (a web page's HTML is extracted when it is prepared).
    lang : str or None
        ISO code; None: detected when the article is prepared.
    outlet, title, url : str
        Metadata ("" when unknown).
    date : str or None
        ISO date ``YYYY-MM-DD`` (Gregorian, whatever the calendar it was written in).
    where : str
        Where it was read from (a file, or a table and row), for messages.
    date_written : str or None
        The date as the table or metadata wrote it (None when undated).
    """

    id: str
    text: str
    lang: str | None = None
    outlet: str = ""
    date: str | None = None
    title: str = ""
    url: str = ""
    where: str = ""
    date_written: str | None = None

    @property
    def source(self) -> str:
        """The outlet, or the article id when the outlet is unknown (an unnamed outlet counts as
        its own).
        """
        return self.outlet or self.id


@dataclass(frozen=True)
class BadRow:
    """A row or file that was not used: its id (or ``line N`` when it has none), where, why."""

    id: str
    where: str
    reason: str
    action: str = "skipped"


def check_on_error(value: str) -> str:
    """``"skip"`` or ``"stop"``, else an InputError."""
    return check("on_error", value)


def parse_date(value: Any, *, order: str | None = None, lang: str | None = None) -> str | None:
    """The ISO date of a date as a table holds it (see :mod:`align.corpus.dates`); None for a
    missing one; :class:`~align.corpus.dates.DateError` (a ValueError) when it cannot be read.
    """
    return read_date(value, order=order, lang=lang)[0]


def _field(name: str, value: Any) -> str:
    """A table cell of field ``name`` as text ("" when missing), or ValueError(reason) when it is
    of a type that field cannot hold: text must be text (or bytes, decoded), the language too; an
    id, outlet, title or url may also be a number (a whole float as an integer).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return decode_bytes(bytes(value), "cell")[0]
        except InputError as exc:
            raise ValueError(f"unreadable {name}: {str(exc).split(': ', 1)[-1]}") from None
    if missing(value):
        return ""
    if name in ("id", "outlet", "title", "url") and isinstance(value, numbers.Real) and not isinstance(value, bool):
        if isinstance(value, numbers.Integral) or float(value).is_integer():
            return str(int(value))
        return str(value)
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    raise ValueError(f"{name} is {kind_of(value)} ({shown}), not text")


def _normalise_columns(columns: Iterable[str]) -> dict[str, str]:
    out = {}
    for c in columns:
        key = str(c).strip().lower()
        key = _ALIASES.get(key, key)
        if key in FIELDS and key not in out.values():
            out[c] = key
    return out


def _read_records(path: Path) -> tuple[list[tuple[str, dict]], list[BadRow]]:
    """(where, record) per row of a CSV/TSV/JSONL/Parquet table, plus unreadable JSONL lines."""
    suffix = path.suffix.lower()
    bad: list[BadRow] = []
    if suffix in (".jsonl", ".ndjson"):
        raw = read_text_file(path)
        rows = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                bad.append(BadRow(f"line {n}", f"{path.name}:{n}", f"not a JSON object ({exc.__class__.__name__})"))
                continue
            if not isinstance(obj, dict):
                bad.append(BadRow(f"line {n}", f"{path.name}:{n}", "not a JSON object"))
                continue
            rows.append((f"{path.name}:{n}", obj))
        return rows, bad
    import pandas as pd

    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            text = read_text_file(path)
            import io

            frame = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), sep="\t" if suffix == ".tsv" else ",", dtype=str,
                                keep_default_na=False, quoting=3 if suffix == ".tsv" else 0)
    except InputError:
        raise
    except Exception as exc:  # a malformed table: one clear message
        raise InputError(f"{path}: cannot read the table ({exc.__class__.__name__}: {str(exc).splitlines()[0][:200]})") from None
    first = 2 if suffix != ".parquet" else 1  # CSV/TSV: row 1 is the header
    return [(f"{path.name}:{first + i}", rec) for i, rec in enumerate(frame.to_dict("records"))], bad


def read_table(path: str | os.PathLike, *, need_text: bool = True) -> tuple[list[tuple[str, dict]], list[BadRow]]:
    """Rows of a table as (where, {field: value}) with the known fields only, and unreadable rows.

    Raises
    ------
    InputError
        Missing file, unknown format, or no ``id`` (or ``text``) column.
    """
    path = Path(path)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise InputError(f"{path}: not a table; use {', '.join(TABLE_SUFFIXES)}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    rows, bad = _read_records(path)
    columns: dict[str, None] = {}
    for _, rec in rows:
        columns.update(dict.fromkeys(rec))
    names = _normalise_columns(columns)
    if rows and "id" not in names.values():
        raise InputError(f"{path}: no 'id' column (columns: {', '.join(map(str, columns))})")
    if rows and need_text and "text" not in names.values():
        raise InputError(f"{path}: no 'text' column (columns: {', '.join(map(str, columns))})")
    out = [(where, {names[k]: v for k, v in rec.items() if k in names}) for where, rec in rows]
    return out, bad


def _article(aid: str, where: str, rec: dict, text: str, date_order: str | None) -> Article:
    """An Article from a record, or ValueError(reason)."""
    lang = _field("lang", rec.get("lang")).strip() or None
    if lang is not None:
        try:
            lang = check("lang", lang)
        except InputError:
            raise ValueError(f"invalid language code {lang!r}") from None
    outlet, title, url = (_field(f, rec.get(f)).strip() for f in ("outlet", "title", "url"))
    try:
        date, written = read_date(rec.get("date"), order=date_order, lang=lang)
    except DateError as exc:
        raise ValueError(str(exc)) from None
    if "\x00" in text:
        raise ValueError("unreadable text (NUL characters: binary data or a wrong encoding)")
    if text.count("\ufffd") > max(1, _MAX_REPLACEMENT * len(text)):
        raise ValueError("unreadable text (replacement characters: it was decoded with a wrong encoding)")
    if not text.strip() or not has_letters(text):
        raise ValueError("empty text" if not text.strip() else "no letters in the text")
    return Article(id=aid, text=text, lang=lang, outlet=outlet, date=date, title=title, url=url, where=where,
                   date_written=written)


def _finish(candidates: list[tuple[str | Exception, str, dict, str | Exception]], bad: list[BadRow],
            on_error: str, date_order: str | None = None) -> tuple[list[Article], list[BadRow]]:
    """Build articles from (id-or-error, where, record, text-or-error), report bad rows, apply
    on_error.
    """
    seen: dict[str, str] = {}
    articles = []
    for aid, where, rec, text in candidates:
        if isinstance(aid, Exception) or not aid:
            bad.append(BadRow(f"({where})", where, str(aid) if isinstance(aid, Exception) else "no id"))
            continue
        if aid in seen:
            bad.append(BadRow(aid, where, f"duplicate id (first at {seen[aid]})"))
            continue
        seen[aid] = where
        if isinstance(text, Exception):
            bad.append(BadRow(aid, where, str(text)))
            continue
        try:
            articles.append(_article(aid, where, rec, text, date_order))
        except ValueError as exc:
            bad.append(BadRow(aid, where, str(exc)))
    if bad and on_error == "stop":
        raise InputError(bad_rows_message(bad, stopped=True))
    articles.sort(key=lambda a: a.id)
    return articles, bad


def _candidate(where: str, rec: dict) -> tuple[str | Exception, str, dict, str | Exception]:
    """(id or the reason it is unusable, where, record, text or the reason it is unusable) of a row."""
    try:
        aid: str | Exception = _field("id", rec.get("id")).strip()
    except ValueError as exc:
        aid = exc
    try:
        text: str | Exception = _field("text", rec.get("text"))
    except ValueError as exc:
        text = exc
    return aid, where, rec, text


def bad_rows_message(bad: list[BadRow], limit: int = 10, *, stopped: bool = False) -> str:
    """One line naming the bad rows (the first ``limit``) and why; ``stopped``: the run stops
    because of them (``on_error="stop"``), else they were skipped.
    """
    shown = "; ".join(f"{b.id}: {b.reason}" for b in bad[:limit])
    more = f"; … {len(bad) - limit} more" if len(bad) > limit else ""
    return f"{len(bad)} bad row(s) ({'--on-error stop' if stopped else 'skipped'}): {shown}{more}"


def _found_metadata(folder: Path, metadata: str | os.PathLike | None) -> Path | None:
    if metadata is not None:
        return Path(metadata)
    found = [folder / n for n in METADATA_NAMES if (folder / n).is_file()]
    return found[0] if found else None


def _folder_files(folder: Path, metadata: Path | None) -> tuple[list[Path], list[Path], list[Path]]:
    """(article files, claimalign pages left out, entries that are not regular files) of a
    folder: non-hidden entries with a text suffix, other than the metadata table, sorted by name.
    A broken symbolic link, a directory or a FIFO named like an article is never opened.
    """
    entries = sorted(p for p in folder.iterdir()
                     if p.suffix.lower() in TEXT_SUFFIXES and not p.name.startswith(".") and p.name not in METADATA_NAMES
                     and (metadata is None or _resolved(p) != _resolved(metadata)))
    files = [p for p in entries if p.is_file()]
    pages = [p for p in files if p.suffix.lower() in (".html", ".htm") and _is_page(p)]
    return [p for p in files if p not in pages], pages, [p for p in entries if not p.is_file()]


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop
        return path


def _not_a_file(path: Path) -> str:
    """Why a folder entry named like an article is not one."""
    if path.is_symlink():
        return "a symbolic link to nothing (or a link loop)" if not path.exists() else "a symbolic link to something that is not a file"
    return "a directory" if path.is_dir() else "not a regular file"


def _is_page(path: Path) -> bool:
    """Is ``path`` a claimalign report or corpus overview (never an article)?"""
    try:
        with open(path, "rb") as fh:
            return is_claimalign_page(fh.read(4096))
    except OSError:
        return False


def corpus_files(source: Any, metadata: str | os.PathLike | None = None) -> list[Path]:
    """The files a corpus run reads from ``source``: a folder's article files and its metadata
    table, or the table file (nothing for a DataFrame or a list). What is not there is left out
    (reading it reports it).
    """
    if not isinstance(source, (str, os.PathLike)):
        return []
    path = Path(source)
    if path.is_dir():
        meta = _found_metadata(path, metadata)
        return _folder_files(path, meta)[0] + ([meta] if meta is not None and meta.exists() else [])
    return [path] if path.exists() else []


def read_folder(folder: str | os.PathLike, *, metadata: str | os.PathLike | None = None,
                on_error: str = "skip", date_order: str | None = None) -> tuple[list[Article], list[BadRow]]:
    """Articles from a folder of text files (see the module docstring)."""
    check_on_error(on_error)
    folder = Path(folder)
    metadata = _found_metadata(folder, metadata)
    meta: dict[str, tuple[str, dict]] = {}
    bad: list[BadRow] = []
    if metadata is not None:
        rows, bad = read_table(metadata, need_text=False)
        for where, rec in rows:
            try:
                aid = _field("id", rec.get("id")).strip()
            except ValueError as exc:
                bad.append(BadRow(f"({where})", where, str(exc)))
                continue
            if aid in meta:
                bad.append(BadRow(aid, where, f"duplicate id in the metadata (first at {meta[aid][0]})"))
            elif aid:
                meta[aid] = (where, rec)
    files, pages, others = _folder_files(folder, metadata)
    for p in pages:
        warnings.warn(InputWarning(f"{p}: a claimalign page (an earlier run's output?), not read as an article"), stacklevel=2)
    if not files and not others:
        raise InputError(f"{folder}: no article files ({', '.join(TEXT_SUFFIXES)})")
    candidates: list[tuple[str | Exception, str, dict, str | Exception]] = []
    regular = set(files)
    for p in sorted((*files, *others)):
        aid = p.stem
        rec = dict(meta[aid][1]) if aid in meta else {}
        rec.pop("text", None)
        try:
            text: str | Exception = read_text_file(p) if p in regular else ValueError(f"unreadable: {_not_a_file(p)}")
        except InputError as exc:
            text = ValueError(f"unreadable: {str(exc).split(': ', 1)[-1]}")
        candidates.append((aid, p.name, rec, text))
    names = {p.stem for p in (*files, *others)}
    for aid, (where, _) in sorted(meta.items()):
        if aid not in names:
            bad.append(BadRow(aid, where, "no text file for this id in the folder"))
    return _finish(candidates, bad, on_error, date_order)


def read_rows(rows: Iterable[dict], *, name: str = "table", on_error: str = "skip",
              date_order: str | None = None) -> tuple[list[Article], list[BadRow]]:
    """Articles from records (dicts with ``id, text`` and optional metadata), e.g. a DataFrame's."""
    check_on_error(on_error)
    candidates = []
    for n, rec in enumerate(rows, start=1):
        rec = {_normalise_columns([k]).get(k, k): v for k, v in rec.items()}
        candidates.append(_candidate(f"{name}:{n}", rec))
    return _finish(candidates, [], on_error, date_order)


def read_corpus(source, *, metadata: str | os.PathLike | None = None, on_error: str = "skip",
                date_order: str | None = None) -> tuple[list[Article], list[BadRow]]:
    """Articles of a corpus from a folder, a table file, a pandas DataFrame or a list of dicts /
    Articles (sorted by id), and the bad rows.

    Parameters
    ----------
    source : path, DataFrame or list
        See the module docstring.
    metadata : path, optional
        A folder's metadata table.
    on_error : {"skip", "stop"}
        Report and skip bad rows, or stop with one InputError listing them.
    date_order : {"DMY", "MDY", "YMD"} or None
        The order of numeric dates whose numbers leave it open (``05/06/2019``); None: such a
        date is a bad row.

    Raises
    ------
    InputError
        The source cannot be read at all, or ``on_error="stop"`` and some rows are bad.
    """
    check_on_error(on_error)
    date_order = check("date_order", date_order)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            return read_folder(path, metadata=metadata, on_error=on_error, date_order=date_order)
        if metadata is not None:
            raise InputError("metadata= goes with a folder of text files; a table holds its metadata itself")
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        rows, bad = read_table(path)
        candidates = [_candidate(where, rec) for where, rec in rows]
        if not candidates and not bad:
            raise InputError(f"{path}: the table has no rows")
        return _finish(candidates, bad, on_error, date_order)
    if hasattr(source, "to_dict") and hasattr(source, "columns"):  # a pandas DataFrame
        names = _normalise_columns(source.columns)
        if "id" not in names.values() or "text" not in names.values():
            raise InputError(f"the table needs 'id' and 'text' columns (columns: {', '.join(map(str, source.columns))})")
        return read_rows(source.to_dict("records"), on_error=on_error, date_order=date_order)
    if isinstance(source, Iterable):
        items = list(source)
        if items and all(isinstance(x, Article) for x in items):
            items = [{**{f: getattr(x, f) for f in FIELDS}, "date": x.date_written or x.date} for x in items]
        if not all(isinstance(x, dict) for x in items):
            raise InputError("a corpus is a folder, a table file, a DataFrame, or a list of dicts with 'id' and 'text'")
        return read_rows(items, on_error=on_error, date_order=date_order)
    raise InputError(f"cannot read a corpus from {type(source).__name__}")
