"""The comparison pipeline in one place:

load documents -> segment into sentences -> split into claims -> embed claims -> margin scores
-> choose claim pairs -> report (sentence rows, every sentence present).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from embeddings import Encoder

from .documents import Document, load_document
from .errors import InputError
from .matching import Calibration, Pair, choose_pairs
from .report import Report
from .scoring import margin_matrix
from .segment import Segment, claims, segment
from .speakers import assign_speakers, is_identified


@dataclass(frozen=True)
class Side:
    """One article as the matcher sees it."""

    document: Document
    sentences: list[Segment]
    claims: list[Segment]
    embeddings: np.ndarray = field(repr=False)


def prepare(source, encoder: Encoder, *, lang: str | None = None, name: str | None = None) -> Side:
    doc = load_document(source, lang=lang, name=name)
    sentences = segment(doc)
    if not sentences:
        raise InputError(f"{doc.name}: no sentences found")
    sentences = assign_speakers(doc, sentences)
    units = claims(doc, sentences)
    return Side(doc, sentences, units, encoder.encode([c.text for c in units]))


def compare(
    a: str | os.PathLike | Document,
    b: str | os.PathLike | Document,
    *,
    model: str | os.PathLike = "default",
    encoder: Encoder | None = None,
    lang_a: str | None = None,
    lang_b: str | None = None,
    min_score: float | None = None,
    k: int = 4,
    cache: bool = True,
    unit: str = "sentence",
    speaker: str | None = None,
    same_speaker: bool = True,
    repair_zwnj: bool = False,
) -> Report:
    """Compare two articles and return a Report of matched and unmatched sentences.

    ``a``/``b``: a path, the text itself, or a Document. ``model``: "default" (offline
    multilingual-e5-small), a local sentence-transformers directory or a cached model name;
    or pass a ready ``encoder``. ``min_score``: keep pairs whose confidence is at least this
    (default: the calibrated threshold). ``k``: neighbourhood size of the margin score.
    ``unit``: report rows per "sentence" (default) or per "claim"; matching always uses claims.
    ``speaker``: keep only rows where this person speaks on either side (any script/spelling).
    ``same_speaker``: never pair two claims attributed to two different identified people
    (default True: "the same claim" includes who made it); narration pairs with anything.
    ``repair_zwnj``: show Persian text with missing zero-width non-joiners restored
    (``میدهد`` -> ``می‌دهد``); display only, matching is unchanged.
    """
    if unit not in ("sentence", "claim"):
        raise InputError(f"unit must be 'sentence' or 'claim', got {unit!r}")
    if min_score is not None and not 0.0 <= float(min_score) <= 1.0:
        raise InputError(f"min_score must be between 0 and 1, got {min_score!r}")
    if int(k) < 1:
        raise InputError(f"k must be a positive integer, got {k!r}")
    encoder = encoder or Encoder(model, cache=cache)
    side_a = prepare(a, encoder, lang=lang_a, name=None)
    side_b = prepare(b, encoder, lang=lang_b, name=None)
    pairs, cos, margin = match_claims(side_a, side_b, k=k, min_score=min_score, same_speaker=same_speaker)
    calibration = Calibration.default()
    options = {
        "model": encoder.model,
        "model_fingerprint": encoder.fingerprint,
        "k": int(k),
        "min_score": calibration.threshold if min_score is None else float(min_score),
        "unit": unit,
        "same_speaker": bool(same_speaker),
        "repair_zwnj": bool(repair_zwnj),
    }
    report = Report(side_a, side_b, pairs, cos, margin, options)
    return report.filter(speaker=speaker) if speaker else report


def speaker_conflicts(a: list[Segment], b: list[Segment]) -> np.ndarray:
    """(len(a), len(b)) True where both claims have an identified speaker and they differ."""
    ka = [c.speaker_key if is_identified(c.speaker_key) else None for c in a]
    kb = [c.speaker_key if is_identified(c.speaker_key) else None for c in b]
    return np.array([[x is not None and y is not None and x != y for y in kb] for x in ka], dtype=bool).reshape(len(a), len(b))


def match_claims(
    a: Side, b: Side, *, k: int = 4, min_score: float | None = None, same_speaker: bool = True
) -> tuple[list[Pair], np.ndarray, np.ndarray]:
    """Claim pairs between two prepared sides, plus the (claims_a x claims_b) cosine and margin."""
    # Exact duplicates (a bullet repeating the headline) are left out of the scoring, so they
    # neither compete nor inflate the neighbourhoods; the report mirrors their original's row.
    ia = np.flatnonzero([c.duplicate_of is None for c in a.claims])
    ib = np.flatnonzero([c.duplicate_of is None for c in b.claims])
    cos = np.full((len(a.claims), len(b.claims)), np.nan, np.float32)
    margin = np.full(cos.shape, -np.inf, np.float32)
    cos_s, margin_s = margin_matrix(a.embeddings[ia], b.embeddings[ib], k=k)
    cos[np.ix_(ia, ib)] = cos_s
    margin[np.ix_(ia, ib)] = margin_s
    active_a = np.isin(np.arange(len(a.claims)), ia)
    active_b = np.isin(np.arange(len(b.claims)), ib)
    forbidden = speaker_conflicts(a.claims, b.claims) if same_speaker else None
    pairs = choose_pairs(cos, margin, min_score=min_score, active_a=active_a, active_b=active_b, forbidden=forbidden)
    return pairs, cos, margin
