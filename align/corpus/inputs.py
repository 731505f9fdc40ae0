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
kept), an invalid language code or date (dates are ``YYYY-MM-DD``, optionally followed by a
time), a metadata row without a text file, an unreadable JSONL line. Articles come back sorted by
id, so a run does not depend on file or row order. The language, when not given, is detected
later (on the worker that prepares the article).
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..documents import decode_bytes, read_text_file
from ..errors import InputError
from ..params import check
from ..text import has_letters

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
        ISO date ``YYYY-MM-DD``.
    where : str
        Where it was read from (a file, or a table and row), for messages.
    """

    id: str
    text: str
    lang: str | None = None
    outlet: str = ""
    date: str | None = None
    title: str = ""
    url: str = ""
    where: str = ""

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


def parse_date(value) -> str | None:
    """An ISO date string from ``YYYY-MM-DD`` (optionally followed by a time), a ``date`` or a
    ``datetime``; None for empty; ValueError otherwise.
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    s = str(value).strip()
    if not s or s.lower() in ("nan", "nat", "none", "null"):
        return None
    head = s[:10]
    if len(s) > 10 and s[10] not in "T ":
        raise ValueError(s)
    return _dt.date.fromisoformat(head).isoformat()


def _cell(value) -> str:
    """A table cell as text ("" for missing values)."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, (bytes, bytearray)):
        return decode_bytes(bytes(value), "cell")[0]
    return str(value)


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


def _article(where: str, rec: dict, text: str) -> Article:
    """An Article from a record, or ValueError(reason)."""
    lang = _cell(rec.get("lang")).strip() or None
    if lang is not None:
        try:
            lang = check("lang", lang)
        except InputError:
            raise ValueError(f"invalid language code {lang!r}") from None
    try:
        date = parse_date(rec.get("date"))
    except ValueError:
        raise ValueError(f"date {_cell(rec.get('date'))!r} is not YYYY-MM-DD") from None
    if "\x00" in text:
        raise ValueError("unreadable text (NUL characters: binary data or a wrong encoding)")
    if text.count("\ufffd") > max(1, _MAX_REPLACEMENT * len(text)):
        raise ValueError("unreadable text (replacement characters: it was decoded with a wrong encoding)")
    if not text.strip() or not has_letters(text):
        raise ValueError("empty text" if not text.strip() else "no letters in the text")
    return Article(id=_cell(rec.get("id")).strip(), text=text, lang=lang, outlet=_cell(rec.get("outlet")).strip(),
                   date=date, title=_cell(rec.get("title")).strip(), url=_cell(rec.get("url")).strip(), where=where)


def _finish(candidates: list[tuple[str, str, dict, str | Exception]], bad: list[BadRow],
            on_error: str) -> tuple[list[Article], list[BadRow]]:
    """Build articles from (id, where, record, text-or-error), report bad rows, apply on_error."""
    seen: dict[str, str] = {}
    articles = []
    for aid, where, rec, text in candidates:
        if not aid:
            bad.append(BadRow(f"({where})", where, "no id"))
            continue
        if aid in seen:
            bad.append(BadRow(aid, where, f"duplicate id (first at {seen[aid]})"))
            continue
        seen[aid] = where
        if isinstance(text, Exception):
            bad.append(BadRow(aid, where, str(text)))
            continue
        try:
            articles.append(_article(where, {**rec, "id": aid}, text))
        except ValueError as exc:
            bad.append(BadRow(aid, where, str(exc)))
    if bad and on_error == "stop":
        raise InputError(bad_rows_message(bad))
    articles.sort(key=lambda a: a.id)
    return articles, bad


def bad_rows_message(bad: list[BadRow], limit: int = 10) -> str:
    """One line naming the bad rows (the first ``limit``) and why."""
    shown = "; ".join(f"{b.id}: {b.reason}" for b in bad[:limit])
    more = f"; … {len(bad) - limit} more" if len(bad) > limit else ""
    return f"{len(bad)} bad row(s) (--on-error stop): {shown}{more}"


def read_folder(folder: str | os.PathLike, *, metadata: str | os.PathLike | None = None,
                on_error: str = "skip") -> tuple[list[Article], list[BadRow]]:
    """Articles from a folder of text files (see the module docstring)."""
    check_on_error(on_error)
    folder = Path(folder)
    if metadata is None:
        found = [folder / n for n in METADATA_NAMES if (folder / n).is_file()]
        metadata = found[0] if found else None
    meta: dict[str, tuple[str, dict]] = {}
    bad: list[BadRow] = []
    if metadata is not None:
        rows, bad = read_table(metadata, need_text=False)
        for where, rec in rows:
            aid = _cell(rec.get("id")).strip()
            if aid in meta:
                bad.append(BadRow(aid, where, f"duplicate id in the metadata (first at {meta[aid][0]})"))
            elif aid:
                meta[aid] = (where, rec)
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in TEXT_SUFFIXES and not p.name.startswith(".") and p.name not in METADATA_NAMES
                   and (metadata is None or p.resolve() != Path(metadata).resolve()))
    files = [p for p in files if p.is_file()]
    if not files:
        raise InputError(f"{folder}: no article files ({', '.join(TEXT_SUFFIXES)})")
    candidates: list[tuple[str, str, dict, str | Exception]] = []
    for p in files:
        aid = p.stem
        rec = dict(meta[aid][1]) if aid in meta else {}
        rec.pop("text", None)
        try:
            text: str | Exception = read_text_file(p)
        except InputError as exc:
            text = ValueError(f"unreadable: {str(exc).split(': ', 1)[-1]}")
        candidates.append((aid, p.name, rec, text))
    names = {p.stem for p in files}
    for aid, (where, _) in sorted(meta.items()):
        if aid not in names:
            bad.append(BadRow(aid, where, "no text file for this id in the folder"))
    return _finish(candidates, bad, on_error)


def read_rows(rows: Iterable[dict], *, name: str = "table", on_error: str = "skip") -> tuple[list[Article], list[BadRow]]:
    """Articles from records (dicts with ``id, text`` and optional metadata), e.g. a DataFrame's."""
    check_on_error(on_error)
    candidates = []
    for n, rec in enumerate(rows, start=1):
        rec = {_normalise_columns([k]).get(k, k): v for k, v in rec.items()}
        where = f"{name}:{n}"
        try:
            text: str | Exception = _cell(rec.get("text"))
        except InputError as exc:
            text = ValueError(f"unreadable: {str(exc).split(': ', 1)[-1]}")
        candidates.append((_cell(rec.get("id")).strip(), where, rec, text))
    return _finish(candidates, [], on_error)


def read_corpus(source, *, metadata: str | os.PathLike | None = None,
                on_error: str = "skip") -> tuple[list[Article], list[BadRow]]:
    """Articles of a corpus from a folder, a table file, a pandas DataFrame or a list of dicts /
    Articles (sorted by id), and the bad rows.

    Raises
    ------
    InputError
        The source cannot be read at all, or ``on_error="stop"`` and some rows are bad.
    """
    check_on_error(on_error)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            return read_folder(path, metadata=metadata, on_error=on_error)
        if metadata is not None:
            raise InputError("metadata= goes with a folder of text files; a table holds its metadata itself")
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        rows, bad = read_table(path)
        candidates = []
        for where, rec in rows:
            try:
                text: str | Exception = _cell(rec.get("text"))
            except InputError as exc:
                text = ValueError(f"unreadable: {str(exc).split(': ', 1)[-1]}")
            candidates.append((_cell(rec.get("id")).strip(), where, rec, text))
        if not candidates and not bad:
            raise InputError(f"{path}: the table has no rows")
        return _finish(candidates, bad, on_error)
    if hasattr(source, "to_dict") and hasattr(source, "columns"):  # a pandas DataFrame
        names = _normalise_columns(source.columns)
        if "id" not in names.values() or "text" not in names.values():
            raise InputError(f"the table needs 'id' and 'text' columns (columns: {', '.join(map(str, source.columns))})")
        return read_rows(source.to_dict("records"), on_error=on_error)
    if isinstance(source, Iterable):
        items = list(source)
        if items and all(isinstance(x, Article) for x in items):
            items = [{f: getattr(x, f) for f in FIELDS} for x in items]
        if not all(isinstance(x, dict) for x in items):
            raise InputError("a corpus is a folder, a table file, a DataFrame, or a list of dicts with 'id' and 'text'")
        return read_rows(items, on_error=on_error)
    raise InputError(f"cannot read a corpus from {type(source).__name__}")
