"""The data types every stage shares, below the modules that make and read them.

- :class:`Document`: one article, its text exactly as read;
- :class:`Segment`: a span of a document's text (a sentence, a line or a claim), with its
  1-based ``id`` and the ``label`` people see ("7", "7.2");
- :func:`label_key`: the order of labels ("7.2" < "7.10" < "8"), written once;
- :func:`segment_record` / :func:`segment_from_record`: a segment as plain JSON-able values and
  back (saved reports, corpus partitions);
- ``Encode`` / ``EncodeTokens`` / ``TokenVectors``: the model as the stages call it (texts ->
  unit vectors; texts -> per text its token ids and token vectors).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .text import matching_key

# (ids int32 (n,), vectors float32 (n, dim)): one text's token vectors (``Encoder.encode_tokens``)
TokenVectors = tuple[np.ndarray, np.ndarray]
Encode = Callable[[list[str]], np.ndarray]
EncodeTokens = Callable[[list[str]], list[TokenVectors]]


@dataclass(frozen=True)
class Document:
    """One article. ``text`` is kept as read (segment offsets index into it): decoded, and for a
    web page the extracted article text.

    ``encoding``: the codec the file was decoded with (a Python codec name: ``utf-8``,
    ``utf-8-sig``, ``utf-16``/``utf-32`` with a BOM, ``utf-16-le`` … without, ``cp1256`` …);
    ``utf-8`` for text given as a string. ``extracted_from``: ``"html"`` when ``text`` was
    extracted from a web page, else None.
    """

    text: str
    name: str
    lang: str
    source: Path | None = field(default=None, compare=False)
    encoding: str = field(default="utf-8", compare=False)
    extracted_from: str | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        return f"Document(name={self.name!r}, lang={self.lang!r}, chars={len(self.text)})"


@dataclass(frozen=True)
class Segment:
    """A unit of a document. ``id`` is 1-based; ``text == document.text[start:end]``."""

    id: int
    text: str
    start: int
    end: int
    paragraph: int
    kind: str  # "headline", "bullet", "sentence" or "claim"
    lang: str
    duplicate_of: int | None = None
    speaker: str | None = None  # as named in the article (see align.speakers)
    sentence: int | None = None  # for a claim: the id of the sentence it belongs to
    speaker_key: str | None = None  # canonical key: the same person across scripts
    part: int = 1  # for a claim: its position within the sentence (1-based)

    @property
    def label(self) -> str:
        """"7" for a sentence, "7.2" for the second claim of sentence 7."""
        return f"{self.sentence}.{self.part}" if self.sentence is not None else str(self.id)

    @property
    def key(self) -> str:
        """The text's matching key (letter variants unified, marks dropped; see ``align.text``)."""
        return matching_key(self.text)


#: A segment's fields as stored in saved reports and corpus partitions (``label`` derived).
SEGMENT_FIELDS = ("id", "label", "text", "start", "end", "kind", "speaker", "speaker_key", "duplicate_of",
                  "sentence", "part", "paragraph")


def label_key(label: str | int) -> tuple[int, ...]:
    """The sort key of a unit label: "7" -> (7,), "7.2" -> (7, 2) (so "7.10" comes after "7.2")."""
    return tuple(int(p) for p in str(label).split("."))


def segment_record(s: Segment) -> dict[str, Any]:
    """A segment as plain values (``SEGMENT_FIELDS``; ``lang`` is the document's)."""
    return {f: getattr(s, f) for f in SEGMENT_FIELDS}


def segment_from_record(record: Mapping[str, Any], lang: str) -> Segment:
    """The segment of :func:`segment_record` (``lang``: its document's language)."""
    return Segment(record["id"], record["text"], record["start"], record["end"], record["paragraph"], record["kind"], lang,
                   record["duplicate_of"], record["speaker"], record["sentence"], record["speaker_key"], record["part"])
