"""The comparison, top to bottom, in one place.

settings (validated once) -> documents -> segments, speakers, claims -> embeddings (``Side``)
-> margin scores -> pairs -> rows -> Report (or MultiReport for three or more documents).

``compare(**kwargs)`` is a thin front end: it turns its keywords into a
:class:`~align.settings.CompareSettings` (every rule about options lives there) and calls
:func:`run`. The command line does the same.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from embeddings import Encoder

from .calibration import Calibration
from .documents import Document
from .errors import InputError
from .matching import Pair, match_claims
from .multi import MultiReport
from .parallel import align_texts
from .report import Report
from .rows import build_rows
from .scoring import margin_scores
from .settings import CompareSettings, ParallelSettings
from .sides import Side, prepare_side

Source = str | os.PathLike | Document


def compare(
    a: Source,
    b: Source,
    *more: Source,
    langs: Sequence[str | None] | None = None,
    model: str | os.PathLike = "default",
    precision: str = "auto",
    encoder: Encoder | None = None,
    lang_a: str | None = None,
    lang_b: str | None = None,
    min_score: float | None = None,
    k: int = 4,
    cache: bool = True,
    unit: str = "sentence",
    speaker: str | None = None,
    same_speaker: bool | None = None,
    repair_zwnj: bool = False,
    mode: str = "comparable",
    segmented: bool = False,
    parallel: ParallelSettings | None = None,
    progress: bool | str = "auto",
) -> Report | MultiReport:
    """Compare two documents (a :class:`Report`) or more (a :class:`MultiReport` of claim groups).

    Parameters
    ----------
    a, b, *more : str, path or Document
        The documents: a path, the text itself, or a Document.
    langs : sequence of (str or None), optional
        The language of every document, in order (None: detected). For two documents
        ``lang_a``/``lang_b`` say the same.
    model : str or path
        "default" (offline multilingual-e5-small), a local sentence-transformers directory, or a
        model name already in the Hugging Face cache.
    precision : {"auto", "int8", "fp32"}
        The default model's variant: "auto"/"int8" the quantised ONNX graph (fast), "fp32" the
        exact model.
    encoder : Encoder, optional
        A ready encoder (then ``model``, ``precision``, ``cache`` and ``progress`` are its own:
        giving them too is an error).
    lang_a, lang_b : str, optional
        Languages of A and B (ISO codes); detected when omitted.
    min_score : float, optional
        Keep pairs whose confidence is at least this (default: the calibrated threshold).
    k : int
        Neighbourhood size of the margin score.
    cache : bool
        Read and write the embedding cache.
    unit : {"sentence", "claim"}
        One row per sentence or per claim (matching always uses claims).
    speaker : str, optional
        Keep only rows where this person speaks on either side (any script or spelling).
    same_speaker : bool, optional
        Comparable mode: never pair claims of two different identified people (default True).
    repair_zwnj : bool
        Show Persian text with missing zero-width non-joiners restored (display only).
    mode : {"comparable", "parallel"}
        Reordered, partly overlapping documents (claims matched by margin), or translations
        (monotonic alignment of sentence groups; ``report.to_vecalign()``).
    segmented : bool
        Take one segment per line as given instead of splitting sentences.
    parallel : ParallelSettings, optional
        Parallel mode's alignment settings.
    progress : bool or "auto"
        Progress bar while embedding ("auto": long inputs, in a notebook or terminal).

    Returns
    -------
    Report or MultiReport

    Raises
    ------
    InputError
        An option or a document is unusable; the message names it.
    ModelError
        The model cannot be loaded offline.
    """
    sources = [a, b, *more]
    if langs is not None:
        if lang_a is not None or lang_b is not None:
            raise InputError("give the languages either as langs=[...] or as lang_a/lang_b, not both")
        if isinstance(langs, str) or len(langs) != len(sources):
            raise InputError(f"langs must list one language (or None) per article: {len(sources)} articles")
        langs = tuple(langs)
    else:
        langs = (lang_a, lang_b, *([None] * len(more)))
    if encoder is not None:
        given = [name for name, value, default in (("model", model, "default"), ("precision", precision, "auto"),
                                                   ("cache", cache, True), ("progress", progress, "auto")) if value != default]
        if given:
            raise InputError(f"{', '.join(given)}: options of the encoder; pass them to Encoder(...) or drop encoder=")
        model, precision = encoder.model, encoder.precision
    settings = CompareSettings(
        model=model, precision=precision, langs=langs, min_score=min_score, k=k, unit=unit, speaker=speaker, same_speaker=same_speaker,
        repair_zwnj=repair_zwnj, mode=mode, segmented=segmented, parallel=parallel, cache=cache, progress=progress,
    )
    return run(sources, settings, encoder)


def run(sources: Sequence[Source], settings: CompareSettings, encoder: Encoder | None = None) -> Report | MultiReport:
    """Run a comparison of ``sources`` with validated ``settings``.

    Parameters
    ----------
    sources : sequence of str, path or Document
        Two or more documents, one per entry of ``settings.langs``.
    settings : CompareSettings
    encoder : Encoder, optional
        Default: ``Encoder(settings.model, cache=settings.cache, ...)``.
    """
    if len(sources) != len(settings.langs) or len(sources) < 2:
        raise InputError(f"{len(sources)} articles for {len(settings.langs)} languages: compare needs two or more, one language each")
    encoder = encoder or Encoder(settings.model, precision=settings.precision, cache=settings.cache,
                                 show_progress=settings.progress)
    if settings.mode == "parallel":
        return _parallel(sources, settings, encoder)
    sides = [prepare_side(src, encoder.encode, lang=lang, segmented=settings.segmented)
             for src, lang in zip(sources, settings.langs, strict=True)]
    if len(sides) == 2:
        report = compare_sides(sides[0], sides[1], settings, encoder)
        return report.filter(speaker=settings.speaker) if settings.speaker else report
    pairwise = {(i, j): compare_sides(sides[i], sides[j], settings, encoder, one_to_one=True)
                for i, j in combinations(range(len(sides)), 2)}
    options = {"model": encoder.model, "k": settings.k, "unit": settings.unit, "min_score": settings.min_score,
               "same_speaker": bool(settings.same_speaker)}
    return MultiReport(sides, pairwise, options)


def compare_sides(a: Side, b: Side, settings: CompareSettings, encoder: Encoder, *, one_to_one: bool = False) -> Report:
    """Comparable mode on two prepared documents: scores -> pairs -> rows -> Report.

    ``one_to_one``: the links of chains across three or more articles: each claim keeps only its
    most confident counterpart, from the "equivalent" grade up unless ``min_score`` is set (a
    weak link would join two claims that do not match); by default every counterpart from the
    calibrated threshold up is a pair.
    """
    calibration = Calibration.default()
    min_score = calibration.equivalent if one_to_one and settings.min_score is None else settings.min_score
    pairs, scores = match_claims(a, b, k=settings.k, min_score=min_score,
                                 same_speaker=bool(settings.same_speaker), encode=encoder.encode, one_to_one=one_to_one)
    threshold = calibration.threshold if min_score is None else min_score
    rows = build_rows(a, b, pairs, scores, unit=settings.unit, calibration=calibration, repair=settings.repair_zwnj)
    return Report(a, b, rows, settings=settings, options=run_options(settings, encoder, calibration, threshold),
                  scores=scores, pairs=pairs)


def run_options(settings: CompareSettings, encoder: Encoder, calibration: Calibration, threshold: float, **extra: Any) -> dict:
    """The run record a Report keeps and every export shows: settings with resolved values."""
    return {
        "model": encoder.model,
        "model_fingerprint": encoder.fingerprint,
        "precision": encoder.precision,
        "k": settings.k,
        "min_score": float(threshold),
        "equivalent": calibration.equivalent,
        "unit": settings.unit,
        "same_speaker": bool(settings.same_speaker),
        "repair_zwnj": settings.repair_zwnj,
        "mode": settings.mode,
        "segmented": settings.segmented,
        **extra,
    }


def _parallel(sources: Sequence[Source], settings: CompareSettings, encoder: Encoder) -> Report:
    """Parallel mode: monotonic alignment of sentence groups; rows in the order of both texts."""
    a, b = (prepare_side(src, encoder.encode, lang=lang, segmented=settings.segmented, split_claims=False)
            for src, lang in zip(sources, settings.langs, strict=True))
    par = settings.parallel
    # the sentences are embedded already: only the groups are new (even without a cache)
    known = {c.text: v for side in (a, b) for c, v in zip(side.claims, side.embeddings, strict=True)}

    def encode(texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in known]
        if new:
            known.update(zip(new, encoder.encode(new), strict=True))
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, a.embeddings.shape[1]), np.float32)

    steps = align_texts([s.text for s in a.sentences], [s.text for s in b.sentences], encode, par)
    calibration = Calibration.default()
    threshold = 0.0 if settings.min_score is None else settings.min_score
    pairs = []
    for st in steps:
        if st.a and st.b:
            conf = calibration.parallel_confidence(st.score, len(st.a) + len(st.b))
            if conf >= threshold:
                pairs.append(Pair(st.a, st.b, float(st.similarity), float(st.score), 0.0, 0.0, conf))
    scores = margin_scores(a.embeddings, b.embeddings, k=settings.k)
    rows = build_rows(a, b, pairs, scores, unit="sentence", calibration=calibration, repair=settings.repair_zwnj,
                      document_order=True)
    options = run_options(settings, encoder, calibration, threshold, parallel={
        f: getattr(par, f) for f in ("max_size", "skip", "length_weight", "group_penalty", "search")})
    report = Report(a, b, rows, settings=settings, options=options, scores=scores, pairs=pairs, alignments=steps)
    return report.filter(speaker=settings.speaker) if settings.speaker else report
