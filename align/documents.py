"""Documents: an article's text, where it came from, and its language."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .text import detect_language, has_letters

MAX_BYTES = 50_000_000


@dataclass(frozen=True)
class Document:
    """One article. ``text`` is kept exactly as read (segment offsets index into it)."""

    text: str
    name: str
    lang: str
    source: Path | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"Document(name={self.name!r}, lang={self.lang!r}, chars={len(self.text)})"


def _looks_like_path(s: str) -> bool:
    """A string names a file when one exists there, or when it looks like a file name (one
    word ending in .txt/.md/.text): then a missing file is an error rather than text."""
    if "\n" in s or len(s) > 1024:
        return False
    try:
        if Path(s).is_file():
            return True
    except OSError:
        return False
    return not any(ch.isspace() for ch in s.strip()) and Path(s.strip()).suffix.lower() in {".txt", ".md", ".text"}


def read_text_file(path: Path) -> str:
    """Read a UTF-8 text file, with a clear InputError for every way it can be unusable."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: {len(data):,} bytes is larger than the {MAX_BYTES:,}-byte limit for one article")
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (invalid byte at position {exc.start})") from None


def load_document(source: str | os.PathLike | Document, *, lang: str | None = None, name: str | None = None) -> Document:
    """Make a Document from a path, a string of text, or an existing Document.

    A ``Path`` is always read as a file; a ``str`` is read as a file when it names one (or looks
    like a file name: then a missing file is an error, not text to compare).
    """
    if isinstance(source, Document):
        if lang and lang != source.lang:
            return Document(source.text, name or source.name, lang, source.source)
        return source
    path: Path | None = None
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        text = read_text_file(path)
        default_name = path.name
    elif isinstance(source, str):
        text = source
        default_name = "text"
    else:
        raise InputError(f"expected a path, a string or a Document, got {type(source).__name__}")
    if not text.strip() or not has_letters(text):
        where = str(path) if path else "text"
        raise InputError(f"{where}: has no text to compare (empty, or no letters)")
    if lang is not None:
        if not isinstance(lang, str) or not lang.strip() or len(lang) > 12:
            raise InputError(f"lang must be a language code such as 'fa', 'ar' or 'en', got {lang!r}")
        lang = lang.strip().lower()
    return Document(text=text, name=name or default_name, lang=lang or detect_language(text), source=path)
