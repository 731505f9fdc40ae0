"""A document prepared for comparison: its sentences, its claims and the claims' embeddings.

This is where the first stages meet: document -> segments (sentences, or lines) -> speakers
-> claims -> embeddings. Every later stage (scores, pairs, rows, report) reads a :class:`Side`.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .documents import load_document
from .errors import InputError
from .flags.places import is_dateline
from .segment import claims, segment, segment_lines
from .speakers import assign_speakers, is_identified
from .text import model_text
from .types import Document, Encode, EncodeTokens, Segment, TokenVectors


@dataclass(frozen=True)
class Side:
    """One document as the matcher sees it.

    Parameters
    ----------
    document : Document
        The article, its text exactly as read.
    sentences : list of Segment
        Its sentences (or lines, when segmented), ``id`` 1-based.
    claims : list of Segment
        The matching units: parts of sentences (or the sentences themselves).
    embeddings : numpy.ndarray
        (len(claims), d) unit vectors, row i embedding ``claims[i]`` (its text as the model sees
        it: ``align.text.model_text``).
    tokens : list of (ids, vectors) or None
        Per claim, its contextual token vectors (``Encoder.encode_tokens``), for the token
        alignment of candidate pairs (``align.tokens``); None when not computed.
    """

    document: Document
    sentences: list[Segment]
    claims: list[Segment]
    embeddings: np.ndarray = field(repr=False)
    tokens: list[TokenVectors] | None = field(default=None, repr=False, compare=False)

    def units(self, unit: str) -> list[Segment]:
        """The report's units: ``sentences`` for "sentence", ``claims`` for "claim"."""
        return self.claims if unit == "claim" else self.sentences


@dataclass(frozen=True)
class Segmented:
    """A document read and segmented, not yet embedded: what :func:`embed_sides` embeds."""

    document: Document
    sentences: list[Segment]
    claims: list[Segment]


def read_side(
    source: str | os.PathLike | Document,
    *,
    lang: str | None = None,
    name: str | None = None,
    segmented: bool = False,
    split_claims: bool = True,
    progress: bool = False,
) -> Segmented:
    """Load, segment, attribute speakers and split into claims one document (the parameters
    as :func:`prepare_side`'s).
    """
    doc = load_document(source, lang=lang, name=name)
    sentences = segment_lines(doc) if segmented else segment(doc)
    if not any(s.text for s in sentences):
        raise InputError(f"{doc.name}: no sentences found")
    stages = _Stages(doc.name, progress and len(sentences) > LONG_DOCUMENT)
    try:
        stages.next("speakers")
        sentences = assign_speakers(doc, sentences, not_a_speaker=is_dateline)
        stages.next("claims")
        return Segmented(doc, sentences, claims(doc, sentences) if split_claims else sentences)
    finally:
        stages.close()


def embed_sides(parts: Sequence[Segmented], encode: Encode, encode_tokens: EncodeTokens | None = None) -> list[Side]:
    """Embed the claims of every document in one call of each model function (one progress bar
    for all the articles; each claim's text as the model sees it, ``align.text.model_text``).

    ``encode_tokens`` first: the default model caches the sentence vectors of the same forward
    pass, so ``encode`` then reads them instead of running the model again.
    """
    texts = [model_text(c.text, c.lang) for part in parts for c in part.claims]
    tokens = encode_tokens(texts) if encode_tokens is not None else None
    vectors = encode(texts)
    sides, start = [], 0
    for part in parts:
        end = start + len(part.claims)
        sides.append(Side(part.document, part.sentences, part.claims, vectors[start:end],
                          tokens[start:end] if tokens is not None else None))
        start = end
    return sides


def prepare_side(
    source: str | os.PathLike | Document,
    encode: Encode,
    *,
    lang: str | None = None,
    name: str | None = None,
    segmented: bool = False,
    split_claims: bool = True,
    encode_tokens: EncodeTokens | None = None,
    progress: bool = False,
) -> Side:
    """Load, segment, attribute speakers, split into claims and embed one document
    (:func:`read_side`, then :func:`embed_sides`).

    Parameters
    ----------
    source : str, path or Document
        The article (see :func:`align.documents.load_document`).
    encode : callable
        ``encode(texts) -> (n, d)`` unit vectors.
    lang : str or None
        Its language (None: detected).
    name : str or None
        Display name (default: the file name).
    segmented : bool
        One segment per line as given instead of sentence splitting.
    split_claims : bool
        Split sentences into claims (False: the claims are the sentences).
    encode_tokens : callable or None
        ``encode_tokens(texts) -> [(ids, vectors)]``: the claims' token vectors too.
    progress : bool
        A progress bar naming the document and its stage (``long.txt: speakers``) on stderr, for
        a document of more than ``LONG_DOCUMENT`` sentences (the encoder shows its own bar).

    Returns
    -------
    Side
    """
    part = read_side(source, lang=lang, name=name, segmented=segmented, split_claims=split_claims, progress=progress)
    return embed_sides([part], encode, encode_tokens)[0]


LONG_DOCUMENT = 2000  # sentences from which a document's stages are shown (progress=True)


def show_progress(progress: bool | str) -> bool:
    """True/False as set; "auto": in a notebook or when stderr is a terminal (as the encoder's bar)."""
    if progress != "auto":
        return bool(progress)
    return "ipykernel" in sys.modules or sys.stderr.isatty()


class _Stages:
    """A bar naming a document and the stage it is in ("long.txt: speakers", 1/3 once segmented)."""

    STAGES = ("sentences", "speakers", "claims")

    def __init__(self, name: str, show: bool):
        self.name, self.bar = name, None
        if show:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=len(self.STAGES), desc=f"{name}: {self.STAGES[0]}", file=sys.stderr, leave=False,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n}/{total} stages [{elapsed}]")

    def next(self, stage: str) -> None:
        """The stages before ``stage`` are done; ``stage`` begins (shown at once)."""
        if self.bar is not None:
            self.bar.n = self.STAGES.index(stage)
            self.bar.set_description_str(f"{self.name}: {stage}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def speaker_labels(a: list[Segment], b: list[Segment]) -> tuple[np.ndarray, np.ndarray]:
    """Integer speaker labels of two lists of segments (-1: narration or unidentified).

    Two claims whose labels are both set and differ are never paired.
    """
    ids: dict[str, int] = {}

    def label(c: Segment) -> int:
        return ids.setdefault(c.speaker_key, len(ids)) if is_identified(c.speaker_key) else -1

    return np.array([label(c) for c in a], np.int64), np.array([label(c) for c in b], np.int64)
