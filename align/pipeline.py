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
from .matching import Calibration, Pair, select_pairs
from .report import Report
from .scoring import MarginScores, margin_scores
from .parallel import ParallelSettings, align_texts
from .segment import Segment, claims, segment, segment_lines
from .speakers import assign_speakers, is_identified


@dataclass(frozen=True)
class Side:
    """One article as the matcher sees it."""

    document: Document
    sentences: list[Segment]
    claims: list[Segment]
    embeddings: np.ndarray = field(repr=False)


def prepare(
    source, encoder: Encoder, *, lang: str | None = None, name: str | None = None, segmented: bool = False,
    split_claims: bool = True,
) -> Side:
    """Load, segment (sentences, or one per line when ``segmented``), attribute speakers, split
    into claims (unless ``split_claims`` is False: then the claims are the sentences) and embed."""
    doc = load_document(source, lang=lang, name=name)
    sentences = segment_lines(doc) if segmented else segment(doc)
    if not any(s.text for s in sentences):
        raise InputError(f"{doc.name}: no sentences found")
    sentences = assign_speakers(doc, sentences)
    units = claims(doc, sentences) if split_claims else sentences
    return Side(doc, sentences, units, encoder.encode([c.text for c in units]))


def compare(
    a: str | os.PathLike | Document,
    b: str | os.PathLike | Document,
    *more: str | os.PathLike | Document,
    langs: list[str | None] | None = None,
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
    mode: str = "comparable",
    segmented: bool = False,
    parallel: ParallelSettings | None = None,
    progress: bool | str = "auto",
) -> Report:
    """Compare two articles and return a Report of matched and unmatched sentences; with three
    or more (``compare(fa, ar, en)``) a MultiReport of claim groups, one column per article.

    ``a``/``b``/``*more``: a path, the text itself, or a Document (``langs``: their languages,
    for more than two). ``model``: "default" (offline
    multilingual-e5-small), a local sentence-transformers directory or a cached model name;
    or pass a ready ``encoder``. ``min_score``: keep pairs whose confidence is at least this
    (default: the calibrated threshold). ``k``: neighbourhood size of the margin score.
    ``unit``: report rows per "sentence" (default) or per "claim"; matching always uses claims.
    ``speaker``: keep only rows where this person speaks on either side (any script/spelling).
    ``same_speaker``: never pair two claims attributed to two different identified people
    (default True: "the same claim" includes who made it); narration pairs with anything.
    ``repair_zwnj``: show Persian text with missing zero-width non-joiners restored
    (``میدهد`` -> ``می‌دهد``); display only, matching is unchanged.
    ``mode``: "comparable" (default: reordered, partly overlapping articles; claims matched by
    margin) or "parallel" (translations: a monotonic alignment of sentence groups, 1-1, 1-2,
    2-1, ... and 1-0/0-1, see ``align.parallel``; ``report.to_vecalign()`` gives its steps).
    ``segmented``: take one segment per line as given instead of splitting sentences.
    ``progress``: progress bar while embedding ("auto": long inputs, in a notebook or terminal).
    """
    if unit not in ("sentence", "claim"):
        raise InputError(f"unit must be 'sentence' or 'claim', got {unit!r}")
    if min_score is not None and not 0.0 <= float(min_score) <= 1.0:
        raise InputError(f"min_score must be between 0 and 1, got {min_score!r}")
    if int(k) < 1:
        raise InputError(f"k must be a positive integer, got {k!r}")
    if mode not in ("comparable", "parallel"):
        raise InputError(f"mode must be 'comparable' or 'parallel', got {mode!r}")
    encoder = encoder or Encoder(model, cache=cache, show_progress=progress)
    if mode == "parallel":
        if unit != "sentence":
            raise InputError("parallel mode aligns sentences (or lines): unit must be 'sentence'")
        return _compare_parallel(a, b, encoder, lang_a, lang_b, min_score, k, segmented, parallel or ParallelSettings(), speaker, repair_zwnj)
    if more or langs is not None:
        sources = [a, b, *more]
        langs = list(langs) if langs is not None else [lang_a, lang_b] + [None] * len(more)
        if len(langs) != len(sources):
            raise InputError(f"langs has {len(langs)} entries for {len(sources)} articles")
        if speaker:
            raise InputError("speaker filtering is per pair: use multi.report(i, j).filter(speaker=...)")
        from .multi import compare_many

        it = iter(langs)
        return compare_many(
            sources, encoder=encoder,
            prepare_side=lambda src: prepare(src, encoder, lang=next(it), segmented=segmented),
            match=lambda sa, sb: _compare_sides(sa, sb, encoder, k, min_score, same_speaker, unit, repair_zwnj, segmented),
            options={"model": encoder.model, "k": int(k), "unit": unit, "min_score": min_score, "same_speaker": bool(same_speaker)},
        )
    side_a = prepare(a, encoder, lang=lang_a, segmented=segmented)
    side_b = prepare(b, encoder, lang=lang_b, segmented=segmented)
    report = _compare_sides(side_a, side_b, encoder, k, min_score, same_speaker, unit, repair_zwnj, segmented)
    return report.filter(speaker=speaker) if speaker else report


def _compare_sides(side_a: Side, side_b: Side, encoder: Encoder, k, min_score, same_speaker, unit, repair_zwnj, segmented) -> Report:
    pairs, scores = match_claims(side_a, side_b, k=k, min_score=min_score, same_speaker=same_speaker, encoder=encoder)
    threshold = Calibration.default().threshold if min_score is None else float(min_score)
    options = _options(encoder, k, threshold, unit, same_speaker, repair_zwnj, "comparable", segmented)
    return Report(side_a, side_b, pairs, scores, options)


def _options(encoder: Encoder, k, min_score: float, unit, same_speaker, repair_zwnj, mode, segmented, **extra) -> dict:
    """The run options a Report records (and its exports show)."""
    return {
        "model": encoder.model,
        "model_fingerprint": encoder.fingerprint,
        "k": int(k),
        "min_score": float(min_score),
        "equivalent": Calibration.default().equivalent,
        "unit": unit,
        "same_speaker": bool(same_speaker),
        "repair_zwnj": bool(repair_zwnj),
        "mode": mode,
        "segmented": bool(segmented),
        **extra,
    }


def _compare_parallel(a, b, encoder, lang_a, lang_b, min_score, k, segmented, settings, speaker, repair_zwnj) -> Report:
    side_a = prepare(a, encoder, lang=lang_a, segmented=segmented, split_claims=False)
    side_b = prepare(b, encoder, lang=lang_b, segmented=segmented, split_claims=False)
    steps = align_texts([s.text for s in side_a.sentences], [s.text for s in side_b.sentences], encoder.encode, settings)
    calibration = Calibration.default()
    threshold = 0.0 if min_score is None else float(min_score)
    pairs = []
    for st in steps:
        if st.a and st.b:
            conf = calibration.parallel_confidence(st.score, len(st.a) + len(st.b))
            if conf >= threshold:
                pairs.append(Pair(st.a, st.b, float(st.similarity), float(st.score), 0.0, 0.0, conf))
    scores = margin_scores(side_a.embeddings, side_b.embeddings, k=k)
    options = _options(encoder, k, threshold, "sentence", False, repair_zwnj, "parallel", segmented,
                       parallel={f: getattr(settings, f) for f in ("max_size", "skip", "length_weight", "group_penalty")})
    report = Report(side_a, side_b, pairs, scores, options)
    report.alignments = steps
    return report.filter(speaker=speaker) if speaker else report


def speaker_labels(a: list[Segment], b: list[Segment]) -> tuple[np.ndarray, np.ndarray]:
    """Integer speaker labels for both sides (-1 = narration or unidentified speaker).

    Two claims whose labels are both set and differ are never paired."""
    ids: dict[str, int] = {}

    def label(c: Segment) -> int:
        return ids.setdefault(c.speaker_key, len(ids)) if is_identified(c.speaker_key) else -1

    return np.array([label(c) for c in a], np.int64), np.array([label(c) for c in b], np.int64)


def match_claims(
    a: Side, b: Side, *, k: int = 4, min_score: float | None = None, same_speaker: bool = True,
    encoder: Encoder | None = None, max_cells: int = 4_000_000,
) -> tuple[list[Pair], MarginScores]:
    """Claim pairs between two prepared sides, and the margin scores they were chosen from.

    Memory is bounded: scores are streamed in row chunks and the dense matrices are kept only
    up to ``max_cells`` cells. With an ``encoder``, a merge (one claim stated across two
    adjacent claims of the other side) is kept only when the merged text beats its parts.
    """
    # Exact duplicates (a bullet repeating the headline) are left out of the scoring, so they
    # neither compete nor inflate the neighbourhoods; the report mirrors their original's row.
    active_a = np.array([c.duplicate_of is None for c in a.claims], bool)
    active_b = np.array([c.duplicate_of is None for c in b.claims], bool)
    la, lb = speaker_labels(a.claims, b.claims) if same_speaker else (None, None)
    scores = margin_scores(
        a.embeddings, b.embeddings, k=k, active_a=active_a, active_b=active_b, labels_a=la, labels_b=lb,
        max_cells=max_cells,
    )
    check = _merge_beats_parts(a, b, encoder) if encoder is not None else None
    return select_pairs(scores, min_score=min_score, merge_check=check), scores


def _merge_beats_parts(a: Side, b: Side, encoder: Encoder):
    """merge_check for select_pairs: the merged side's text, embedded as one, must be closer to
    the other side than each of its parts is."""

    def vector(side: Side, ids: tuple[int, ...]) -> np.ndarray:
        if len(ids) == 1:
            return side.embeddings[ids[0]]
        return encoder.encode([" ".join(side.claims[i].text for i in ids)])[0]

    def check(a_ids: tuple[int, ...], b_ids: tuple[int, ...]) -> bool:
        va, vb = vector(a, a_ids), vector(b, b_ids)
        merged = float(np.dot(va, vb))
        if len(a_ids) > 1:
            parts = [float(np.dot(a.embeddings[i], vb)) for i in a_ids]
        else:
            parts = [float(np.dot(va, b.embeddings[j])) for j in b_ids]
        return merged > max(parts)

    return check
