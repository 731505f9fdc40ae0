"""JSON Lines reports: written by ``report.to_jsonl`` / ``save``, read back by
``align.load_report``.

Line 1 is ``{"type": "meta", "format": 2, ...}``: run metadata, options, and both documents with
their text and units (so a saved report is complete without the original files). Then one
``{"type": "row", ...}`` object per row, with the table's columns, the flags as a list of their
texts (conflicts first), ``conflicts`` (the conflicts' texts), ``flag_details`` (each flag typed:
``type``, ``severity`` — conflict, only_a, only_b, note — ``a``, ``b``, ``text``) and
``a_spans``/``b_spans``: character offsets of each unit in its document's text. Format 1 (files
written before the format number existed) has the same rows and still loads; rows without
``conflicts``/``flag_details`` (written before flags were typed) load with each flag typed from
its text (``align.flags.parse``). A file that does
not follow the format gets an :class:`~align.errors.InputError` saying what is wrong, never a
half-loaded report.
"""
from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..flags import KINDS, SEVERITIES, Flag, from_record, parse
from ..params import RELATIONS, STATUSES
from ..rows import Row
from ..types import SEGMENT_FIELDS, Document, Segment, segment_from_record, segment_record
from .meta import metadata
from .table import COLUMNS

#: Columns a row may lack (written by an earlier claimalign): derived from the others on loading.
OPTIONAL = ("conflicts", "group")

FORMAT = 2  # the version written; every version up to it loads


def report_meta(documents: Mapping[str, tuple[Document, Sequence[Segment]]], options: Mapping[str, Any],
                summary: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The meta line of a two-document report (see the module docstring).

    Parameters
    ----------
    documents : mapping
        "A"/"B" -> (document, its report units).
    options : mapping
        The run record.
    summary : mapping
        "A"/"B" -> name, language, sentence count (``align.writers.meta.metadata``).
    """
    docs = {side: {"name": doc.name, "lang": doc.lang, "text": doc.text, "segments": [segment_record(u) for u in units]}
            for side, (doc, units) in documents.items()}
    return {**metadata(summary, options), "date": None, "documents": docs, "options": dict(options), "format": FORMAT}


@dataclass(frozen=True)
class SavedReport:
    """What a JSONL report file holds, checked: the two documents with their units, the rows,
    the options and the format version.
    """

    documents: dict[str, tuple[Document, list[Segment]]]
    rows: list[Row]
    options: dict[str, Any]
    format: int
    settings: dict[str, Any] | None = None  # the settings as given (files written before they were saved: None)


def _need(cond: bool, path: Path, what: str) -> None:
    if not cond:
        raise InputError(f"{path}: not a valid claimalign JSONL report ({what})")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _number(x: Any) -> bool:
    return x is None or (isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x))


def _segments(path: Path, side: str, d: Any, lang: str) -> list[Segment]:
    _need(isinstance(d, list), path, f"document {side}: segments is not a list")
    out = []
    for s in d:
        _need(isinstance(s, dict) and all(f in s for f in SEGMENT_FIELDS if f != "label"), path,
              f"document {side}: a segment lacks a field")
        _need(all(_is_int(s[f]) for f in ("id", "start", "end", "paragraph", "part")), path,
              f"document {side}: a segment's id/offsets are not integers")
        _need(all(s[f] is None or _is_int(s[f]) for f in ("duplicate_of", "sentence")), path,
              f"document {side}: a segment's sentence/duplicate_of is not an integer")
        _need(all(isinstance(s[f], str) for f in ("text", "kind")), path, f"document {side}: a segment's text is not text")
        _need(all(s[f] is None or isinstance(s[f], str) for f in ("speaker", "speaker_key")), path,
              f"document {side}: a segment's speaker is not text")
        out.append(segment_from_record(s, lang))
    return out


def _read_lines(path: Path) -> list[Any]:
    """The JSON values of a file's non-empty lines (a one-line error for anything unreadable)."""
    try:
        raw = path.read_text(encoding="utf-8-sig")  # an editor may add a byte-order mark
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a claimalign JSONL report (not UTF-8 text)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return [json.loads(x) for x in raw.splitlines() if x.strip()]
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: not a claimalign JSONL report ({exc.__class__.__name__})") from None


def _documents(path: Path, meta: dict) -> dict[str, tuple[Document, list[Segment]]]:
    """The two documents of a meta line, with their units, checked."""
    docs = meta.get("documents")
    if docs is None and isinstance(meta.get("articles"), dict):  # an n-article report (MultiReport)
        docs = meta["articles"]
    _need(isinstance(docs, dict), path, "no documents")
    if set(docs) != {"A", "B"}:
        raise InputError(f"{path}: a report of {len(docs)} articles; load_report reads two-article reports "
                         "(a report of three or more articles is for reading, not for loading back)")
    documents: dict[str, tuple[Document, list[Segment]]] = {}
    for side in ("A", "B"):
        d = docs[side]
        _need(isinstance(d, dict) and all(isinstance(d.get(f), str) for f in ("text", "name", "lang")), path,
              f"document {side} lacks its text, name or language")
        documents[side] = (Document(d["text"], d["name"], d["lang"]), _segments(path, side, d.get("segments"), d["lang"]))
    return documents


def _row(path: Path, where: str, x: Any, by_label: dict[str, dict[str, Segment]]) -> Row:
    """One row line, checked, as a Row of the documents' units."""
    _need(isinstance(x, dict) and x.get("type") == "row", path, f"{where} is not a row")
    missing = [c for c in COLUMNS if c not in x and c not in OPTIONAL]
    _need(not missing, path, f"{where} lacks {', '.join(missing[:3])}")
    _need(x["status"] in STATUSES, path, f"{where}: unknown status {x['status']!r}")
    _need(x["relation"] is None or x["relation"] in RELATIONS, path, f"{where}: unknown relation")
    _need(all(_number(x[c]) for c in ("score", "similarity", "margin")), path, f"{where}: a score is not a number")
    _need(isinstance(x["flags"], list) and all(isinstance(f, str) for f in x["flags"]), path, f"{where}: flags")
    for c in ("a_text", "b_text", "a_claim", "b_claim", "reviewed"):
        _need(isinstance(x[c], str), path, f"{where}: {c} is not text")
    _need(x["nearest"] is None or isinstance(x["nearest"], str), path, f"{where}: nearest")
    units = {}
    for side in ("a", "b"):
        labels = x[f"{side}_ids"]
        _need(isinstance(labels, list) and all(str(v) in by_label[side] for v in labels), path,
              f"{where}: {side}_ids names a unit the document does not have")
        units[side] = tuple(by_label[side][str(v)] for v in labels)
    return Row(
        x["status"], units["a"], units["b"], a_text=x["a_text"], b_text=x["b_text"], confidence=x["score"],
        relation=x["relation"], similarity=x["similarity"], margin=x["margin"], a_claim=x["a_claim"],
        b_claim=x["b_claim"], nearest=x["nearest"], flags=_flags(path, where, x), reviewed=x["reviewed"],
    )


def _flags(path: Path, where: str, x: dict) -> tuple[Flag, ...]:
    """A row's flags, typed: from ``flag_details`` when the row has them, else from their texts."""
    details = x.get("flag_details")
    if details is None:
        return tuple(parse(f) for f in x["flags"])
    _need(isinstance(details, list) and all(
        isinstance(d, dict) and all(isinstance(d.get(k), str) for k in ("type", "severity", "a", "b", "text"))
        and d["type"] in KINDS and d["severity"] in SEVERITIES for d in details), path, f"{where}: flag_details")
    flags = tuple(from_record(d) for d in details)
    _need([str(f) for f in flags] == list(x["flags"]), path, f"{where}: flag_details do not match flags")
    return flags


def parse_jsonl(path: str | os.PathLike) -> SavedReport:
    """Read and check a JSONL report written by ``report.to_jsonl`` (any format up to
    :data:`FORMAT`).

    Raises
    ------
    InputError
        The file is missing, not UTF-8 JSON Lines, or not a two-document claimalign report.
    """
    path = Path(path)
    lines = _read_lines(path)
    _need(bool(lines) and isinstance(lines[0], dict) and lines[0].get("type") == "meta", path, "no meta line")
    meta = lines[0]
    fmt = meta.get("format", 1)
    _need(_is_int(fmt) and fmt >= 1, path, "bad format number")
    if fmt > FORMAT:
        raise InputError(f"{path}: written by a newer claimalign (report format {fmt}; this version reads up to {FORMAT})")
    documents = _documents(path, meta)
    options = meta.get("options", {})
    _need(isinstance(options, dict), path, "options is not an object")
    by_label = {side: {str(u.label): u for u in documents[side.upper()][1]} for side in ("a", "b")}
    rows = [_row(path, f"line {n}", x, by_label) for n, x in enumerate(lines[1:], start=2)]
    settings = meta.get("settings")
    _need(settings is None or isinstance(settings, dict), path, "settings is not an object")
    return SavedReport(documents, rows, options, fmt, settings)
