"""The comparison, top to bottom, in one place.

settings (validated once) -> resolved (every default decided, :func:`align.calibration.resolve`)
-> documents -> segments, speakers, claims -> embeddings (``Side``) -> scores -> pairs -> rows
-> Report (or MultiReport for three or more documents).

``compare(**kwargs)`` is a thin front end: it turns its keywords into a
:class:`~align.settings.CompareSettings` (every rule about options lives there) and calls
:func:`run`, which builds the encoder; :func:`run_stages` runs the stages with any ``encode``
callable (texts -> unit vectors) and a :class:`~align.settings.ModelRecord`, so the whole
pipeline runs in the unit tests on real embeddings saved from the model. The command line does
the same as ``compare``.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from itertools import combinations

import numpy as np

from embeddings import Encoder
from embeddings.progress import labelled

from .calibration import Calibration, resolve
from .errors import InputError
from .matching import Pair, match_claims
from .multi import MultiReport
from .parallel import Alignment, align_texts
from .report import Report
from .rows import build_rows
from .scoring import margin_scores
from .settings import CompareSettings, ModelRecord, ParallelSettings, RunSettings
from .sides import Segmented, Side, embed_sides, read_side, show_progress
from .speakers import speaker_matches, speakers_of
from .text import model_text
from .types import Document, Encode, EncodeTokens

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
    k: int = CompareSettings.k,
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


def model_record(encoder: Encoder) -> ModelRecord:
    """What an export records of the encoder: model, fingerprint, precision."""
    return ModelRecord(encoder.model, encoder.fingerprint, encoder.precision)


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
    return run_stages(sources, settings, encoder.encode, model_record(encoder), encoder.encode_tokens)


def run_stages(sources: Sequence[Source], settings: CompareSettings, encode: Encode, model: ModelRecord,
               encode_tokens: EncodeTokens | None = None) -> Report | MultiReport:
    """The stages of a comparison with ``encode`` (texts -> (n, d) unit vectors) as the model.

    Parameters
    ----------
    sources : sequence of str, path or Document
        Two or more documents, one per entry of ``settings.langs``.
    settings : CompareSettings
        Validated settings; their defaults are resolved here, once (``align.calibration.resolve``).
    encode : callable
        The model: ``encode(texts) -> (len(texts), d)`` unit vectors.
    model : ModelRecord
        What the exports record of the model.
    encode_tokens : callable or None
        The same model's token vectors: ``encode_tokens(texts) -> [(ids, vectors)]`` (the
        confidence reads their alignment; without them it is computed as if no token aligned).
    """
    if len(sources) != len(settings.langs) or len(sources) < 2:
        raise InputError(f"{len(sources)} articles for {len(settings.langs)} languages: compare needs two or more, one language each")
    resolved = resolve(settings)
    if resolved.mode == "parallel":
        return _parallel(sources, resolved, encode, model)
    progress = show_progress(settings.progress)  # long documents: a bar from their first stage on
    parts = [read_side(src, lang=lang, segmented=settings.segmented, progress=progress)
             for src, lang in zip(sources, settings.langs, strict=True)]
    with labelled(_embedding_label(parts, "claims")):
        sides = embed_sides(parts, encode, encode_tokens)
    if len(sides) == 2:
        with labelled("A, B: matching"):  # merged claims, another model's background sample
            report = compare_sides(sides[0], sides[1], resolved, encode, model, encode_tokens)
        return _only_speaker(report, settings.speaker)
    # every pair of documents exactly as a two-document comparison (so the reports agree)
    pairwise = {}
    for i, j in combinations(range(len(sides)), 2):
        with labelled(f"{chr(65 + i)}, {chr(65 + j)}: matching"):
            pairwise[i, j] = compare_sides(sides[i], sides[j], resolved, encode, model, encode_tokens)
    options = {"model": model.model, "k": resolved.k, "unit": resolved.unit, "min_score": resolved.min_score,
               "link_score": resolved.link_score, "same_speaker": resolved.same_speaker}
    return MultiReport(sides, pairwise, options)


def compare_sides(a: Side, b: Side, run: RunSettings, encode: Encode, model: ModelRecord,
                  encode_tokens: EncodeTokens | None = None) -> Report:
    """Comparable mode on two prepared documents: scores -> pairs (every counterpart from
    ``run.min_score`` up) -> rows -> Report. ``encode_tokens``: token vectors for sides that have
    none.
    """
    pairs, scores, candidates = match_claims(a, b, k=run.k, min_score=run.min_score, same_speaker=run.same_speaker,
                                             encode=encode, encode_tokens=encode_tokens)
    rows = build_rows(a, b, pairs, scores, unit=run.unit, equivalent=run.equivalent, repair=run.settings.repair_zwnj)
    return Report(a, b, rows, settings=run.settings, options=run.record(model), scores=scores, pairs=pairs,
                  candidates=candidates)


def _parallel(sources: Sequence[Source], run: RunSettings, encode: Encode, model: ModelRecord) -> Report:
    """Parallel mode: monotonic alignment of sentence groups; rows in the order of both texts."""
    settings = run.settings
    parts = [read_side(src, lang=lang, segmented=settings.segmented, split_claims=False,
                       progress=show_progress(settings.progress))
             for src, lang in zip(sources, settings.langs, strict=True)]
    with labelled(_embedding_label(parts, "sentences")):
        a, b = embed_sides(parts, encode)
    # the sentences are embedded already: only the groups are new (even without a cache)
    known = {model_text(c.text, c.lang): v for side in (a, b) for c, v in zip(side.claims, side.embeddings, strict=True)}

    def encode_groups(texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in known]
        if new:
            known.update(zip(new, encode(new), strict=True))
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, a.embeddings.shape[1]), np.float32)

    with labelled("A, B: sentence groups"):
        steps = align_texts([model_text(s.text, s.lang) for s in a.sentences], [model_text(s.text, s.lang) for s in b.sentences],
                            encode_groups, run.parallel)
    pairs = _step_pairs(steps, run.min_score)
    scores = margin_scores(a.embeddings, b.embeddings, k=run.k)
    rows = build_rows(a, b, pairs, scores, unit="sentence", equivalent=run.equivalent, repair=settings.repair_zwnj,
                      document_order=True)
    report = Report(a, b, rows, settings=settings, options=run.record(model), scores=scores, pairs=pairs, alignments=steps)
    return _only_speaker(report, settings.speaker)


def _embedding_label(parts: Sequence[Segmented], what: str) -> str:
    """What a progress bar embeds: the articles by letter and language, and how many ``what``
    ("A fa, B ar: 85 claims").
    """
    letters = ", ".join(f"{chr(65 + i)} {p.document.lang}" for i, p in enumerate(parts))
    return f"{letters}: {sum(len(p.claims) for p in parts)} {what}"


def _step_pairs(steps: Sequence[Alignment], min_score: float) -> list[Pair]:
    """The 1-1, 1-2, 2-1, ... steps of a parallel alignment whose confidence is at least
    ``min_score``, as pairs.
    """
    calibration = Calibration.default()
    pairs = []
    for st in steps:
        if st.a and st.b:
            conf = calibration.parallel_confidence(st.score, len(st.a) + len(st.b))
            if conf >= min_score:
                pairs.append(Pair(st.a, st.b, float(st.similarity), float(st.score), 0.0, 0.0, conf))
    return pairs


def _only_speaker(report: Report, speaker: str | None) -> Report:
    """The report's rows where ``speaker`` speaks (on either side); an InputError naming the
    articles' speakers when nobody of that name speaks in either (never an empty report).
    """
    if speaker is None:
        return report
    units = [*report.a.sentences, *report.b.sentences]
    if not any(speaker_matches(speaker, u.speaker, u.speaker_key) for u in units):
        known = speakers_of(units)
        raise InputError(f"speaker {speaker!r}: nobody of that name speaks in either article"
                         + (f" (speakers: {', '.join(known[:12])})" if known else " (no speaker was identified)"))
    return report.filter(speaker=speaker)
