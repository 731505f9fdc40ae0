"""Hand-made inputs for the unit tests: documents, segments, sides, pairs, rows and reports,
built without a model (embeddings are small "topic" vectors chosen by the test).

A document is given as a list of sentences; a sentence is a string, or a tuple of strings for a
sentence made of several claims (joined by "; ", each part becoming a claim with the sentence's
id and its part number, as ``align.segment.claims`` makes them). Segment offsets index into
the document text exactly as the real segmenter's do.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from align.calibration import Calibration
from align.documents import Document
from align.matching import Pair
from align.report import Report
from align.rows import Row, build_rows
from align.scoring import MarginScores, margin_scores
from align.segment import Segment
from align.settings import CompareSettings
from align.sides import Side

DIM = 16
SEPARATOR = "; "

Sentence = str | tuple[str, ...]


def topic_vectors(topics: Sequence[int], dim: int = DIM) -> np.ndarray:
    """Unit vectors, one per topic id: the same topic gives the same direction (cosine 1),
    different topics are nearly orthogonal (a small shared component, as real embeddings have)."""
    out = np.full((len(topics), dim), 0.05, np.float64)
    for row, t in enumerate(topics):
        out[row, t % dim] += 1.0
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def random_unit(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    """``n`` random unit vectors of ``dim`` dimensions (float32)."""
    x = rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def document(sentences: Sequence[Sentence], *, lang: str = "en", name: str = "a.txt") -> tuple[Document, list[Segment], list[Segment]]:
    """A Document of one sentence per line, its sentence segments and its claim segments."""
    texts = [s if isinstance(s, str) else SEPARATOR.join(s) for s in sentences]
    text = "\n".join(texts) + "\n"
    doc = Document(text, name, lang)
    sents, claims = [], []
    pos = 0
    for k, (spec, body) in enumerate(zip(sentences, texts, strict=True), start=1):
        sents.append(Segment(k, body, pos, pos + len(body), k, "sentence", lang))
        parts = (spec,) if isinstance(spec, str) else spec
        start = pos
        for part, piece in enumerate(parts, start=1):
            kind = "claim" if len(parts) > 1 else "sentence"
            claims.append(Segment(len(claims) + 1, piece, start, start + len(piece), k, kind, lang, sentence=k, part=part))
            start += len(piece) + len(SEPARATOR)
        pos += len(body) + 1
    for s in sents + claims:
        assert doc.text[s.start : s.end] == s.text, s
    return doc, sents, claims


def side(
    sentences: Sequence[Sentence],
    *,
    lang: str = "en",
    name: str | None = None,
    topics: Sequence[int] | None = None,
    speakers: dict[int, tuple[str, str]] | None = None,
    duplicates: dict[int, int] | None = None,
    split_claims: bool = True,
) -> Side:
    """A prepared document.

    Parameters
    ----------
    sentences : list of str or tuple of str
        The sentences (a tuple: a sentence of several claims).
    topics : list of int
        One topic per claim (default: 0, 1, 2, ...): the claims' embeddings.
    speakers : dict
        ``{sentence id: (name as written, key)}``, given to the sentence and its claims.
    duplicates : dict
        ``{sentence id: id of the sentence it repeats}`` (``duplicate_of``).
    split_claims : bool
        False: the claims are the sentences (parallel mode).
    """
    doc, sents, claims = document(sentences, lang=lang, name=name or f"{lang}.txt")
    speakers, duplicates = speakers or {}, duplicates or {}

    def dress(s: Segment, sid: int) -> Segment:
        who = speakers.get(sid, (None, None))
        return replace(s, speaker=who[0], speaker_key=who[1], duplicate_of=duplicates.get(sid))

    sents = [dress(s, s.id) for s in sents]
    claims = [dress(c, c.sentence) for c in claims] if split_claims else sents
    topics = list(range(len(claims))) if topics is None else list(topics)
    assert len(topics) == len(claims), (len(topics), len(claims))
    return Side(doc, sents, claims, topic_vectors(topics))


def pair(a: int | Sequence[int], b: int | Sequence[int], score: float, *, similarity: float = 0.8, margin: float = 1.2) -> Pair:
    """A chosen pair of 0-based claim indexes with confidence ``score``."""
    a = (a,) if isinstance(a, int) else tuple(a)
    b = (b,) if isinstance(b, int) else tuple(b)
    return Pair(a, b, similarity, margin, 1.0, 1.0, score)


def scores_of(a: Side, b: Side, k: int = 2) -> MarginScores:
    """The margin scores of two sides' embeddings (as the pipeline computes them)."""
    return margin_scores(a.embeddings, b.embeddings, k=k)


def calibration(*, threshold: float = 0.45, equivalent: float = 0.75) -> Calibration:
    """A calibration with simple coefficients (p = sigmoid(gap)) and the given thresholds."""
    return Calibration({"intercept": 0.0, "gap": 1.0}, threshold, equivalent, (0.0, 1.0, 0.0), "tests")


def options(settings: CompareSettings, **extra) -> dict:
    """The run record a pipeline report carries (``pipeline.run_options``), for a fake model."""
    return {
        "model": "test-model", "model_fingerprint": "test:0", "k": settings.k, "min_score": 0.45, "equivalent": 0.75,
        "unit": settings.unit, "same_speaker": bool(settings.same_speaker), "repair_zwnj": settings.repair_zwnj,
        "mode": settings.mode, "segmented": settings.segmented, **extra,
    }


def report(a: Side, b: Side, rows: Sequence[Row], *, settings: CompareSettings | None = None, **extra) -> Report:
    """A Report of hand-made (or built) rows."""
    settings = settings or CompareSettings()
    return Report(a, b, rows, settings=settings, options=options(settings, **extra))


# -- a small comparison: English A, Arabic B ---------------------------------------------------

EN = [
    "The minister met his counterpart in Kabul on Sunday.",
    ("He said the talks were constructive", "the border will stay open for trade."),
    "Security on the border is a priority for the region.",
    "The weather was warm.",
]
AR = [
    "التقى الوزير نظيره في كابول يوم الأربعاء.",
    "وقال إن المحادثات كانت بناءة.",
    "أمن الحدود أولوية للمنطقة.",
    "أمن الحدود أولوية للمنطقة.",
    "وانتهى اللقاء بمؤتمر صحفي.",
]


def en_ar_sides() -> tuple[Side, Side]:
    """A: 4 English sentences (sentence 2 has two claims, 5 claims in all); B: 5 Arabic
    sentences, B4 an exact repeat of B3. Topics: A1~B1, A2.1~B2, A2.2~B5, A3~B3, A4 alone."""
    a = side(EN, lang="en", name="minister_en.txt", topics=[0, 1, 2, 3, 9],
             speakers={2: ("the minister", "mnstr")})
    b = side(AR, lang="ar", name="minister_ar.txt", topics=[0, 1, 3, 3, 2], duplicates={4: 3})
    return a, b


def en_ar_pairs() -> list[Pair]:
    """The machine's pairs of :func:`en_ar_sides` (0-based claim indexes): A1-B1 (0.9),
    A2.1-B2 (0.6), A3-B3 (0.8); A2.2, A4 and B5 unpaired."""
    return [pair(0, 0, 0.9), pair(1, 1, 0.6), pair(3, 2, 0.8)]


@functools.cache
def _en_ar_rows(unit: str) -> tuple[Side, Side, tuple[Row, ...]]:
    a, b = en_ar_sides()
    return a, b, tuple(build_rows(a, b, en_ar_pairs(), scores_of(a, b), unit=unit, equivalent=calibration().equivalent))


def en_ar_report(unit: str = "sentence") -> Report:
    """A new Report of :func:`en_ar_sides` and :func:`en_ar_pairs`, rows built by ``build_rows``
    (once: rows are immutable, and every call gets its own review log)."""
    a, b, rows = _en_ar_rows(unit)
    return report(a, b, rows, settings=CompareSettings(unit=unit))
