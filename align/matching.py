"""Choosing pairs, and the confidence of each pair (numpy).

**Every counterpart.** A claim may state what several claims of the other document state (an
article that repeats its headline in the body, a sentence that bundles two facts). So pairs are
not one-to-one: every claim's best few partners, and every partner's best few claims, are
*candidates* (``TOP`` per row and per column, by background margin), and each candidate whose
confidence reaches the threshold is a pair of its own. Pair indexes may repeat across pairs.

**Confidence** is a logistic function (``align.calibration``) of features that mean the same in
a 5-sentence article as in a 5,000-sentence one:

- ``background_margin``: the pair's cosine minus the mean of its two claims' backgrounds (each
  claim's closeness to a fixed sample of unrelated sentences of the other language, see
  ``align.background``) — absolute, and corrected for the language pair and for hubs;
- ``document_level``: the mean background margin of all pairs of the two documents — how close
  they are as a whole (two reports of one visit are close everywhere), in the same absolute
  units, never as a spread;
- ``document_margin``: the cosine minus the mean of the two claims' average cosines to their
  ``k`` nearest claims of the other document — how the pair stands out among the documents' own
  claims;
- ``gap``: the background margin minus that of the best competitor in the pair's row and column,
  the background itself (margin 0) counting as a competitor — negative for a second counterpart,
  so a runner-up is reported only when it is nearly as close as the best;
- ``shared``, ``any_shared``, ``number_conflict``: names, places and numbers the two claims
  share across scripts (``align.evidence``).

No feature is measured in units of the document's own score spread: in a short article where
every sentence is about the same visit, that spread says little.

Two pairs of one claim with adjacent segments (i with j and j + 1, each preferring i) are shown
as one pair (one claim stated across two segments) when the merged text, embedded as one, is
closer to i than each part alone. Two
claims attributed to two different identified speakers are never paired. The coefficients and
the default threshold are fitted on benchmark data (``benchmarks/calibrate.py``), never on the
example articles.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from . import background
from .calibration import Calibration
from .evidence import Evidence
from .scoring import MarginScores, margin_scores, top2
from .sides import Side, speaker_labels
from .text import model_text
from .tokens import FEATURES as TOKEN_FEATURES
from .tokens import TokenEvidence
from .tokens import prepare as prepare_tokens
from .types import Encode, EncodeTokens

MERGE_GAIN = 0.01  # cosine by which a merged text must beat its best part (above the int8 model's noise)
TOP = 4  # candidates per claim, in each direction (at least 2: the runner-up is the gap's competitor)
FEATURES = ("background_margin", "document_level", "document_margin", "gap", "shared", "any_shared", "number_conflict",
            *TOKEN_FEATURES)

MergeCheck = Callable[[tuple[int, ...], tuple[int, ...]], bool]


class PairEvidence(Protocol):
    """Features of candidate pairs beyond the scores (``align.evidence``, ``align.tokens``)."""

    def at(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """Feature name -> values for the pairs (i[k], j[k])."""


@dataclass(frozen=True)
class Pair:
    """A match: 0-based segment indexes on each side (several when a claim spans neighbours)."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    similarity: float  # cosine of the core pair
    margin: float  # ratio margin within the documents (shown in reports)
    background_margin: float  # cosine minus the mean of the two claims' backgrounds
    gap: float  # background margin minus the best competitor's in its row and column (or 0)
    score: float  # confidence in [0, 1]


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs (i[k], j[k]), their features (one array per name in ``FEATURES``) and,
    once scored (:func:`scored_candidates`), their confidence: the values that decide the pairs.
    """

    i: np.ndarray
    j: np.ndarray
    cos: np.ndarray
    features: dict[str, np.ndarray]
    confidence: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.i)


def candidates(scores: MarginScores, evidence: Sequence[PairEvidence] = ()) -> Candidates:
    """The candidate pairs of ``scores`` (best ``TOP`` per row and per column by background
    margin, allowed cells only) with their features: the scores' own, and each ``evidence``'s
    (``at(i, j) -> {feature: values}``; a feature no evidence gives is 0).
    """
    n, m = scores.shape
    rows = scores.cand_row_idx
    cols = scores.cand_col_idx
    if rows is None or n == 0 or m == 0:
        empty = np.zeros(0, np.int64)
        return Candidates(empty, empty, np.zeros(0), {f: np.zeros(0) for f in FEATURES})
    cells = set()
    for i, js in enumerate(rows.tolist()):
        cells.update((i, j) for j in js if j >= 0)
    for j, is_ in enumerate(cols.tolist()):
        cells.update((i, j) for i in is_ if i >= 0)
    order = sorted(cells)
    i = np.array([c[0] for c in order], np.int64)
    j = np.array([c[1] for c in order], np.int64)
    if not order:
        return Candidates(i, j, np.zeros(0), {f: np.zeros(0) for f in FEATURES})
    cos = np.empty(len(i), np.float64)
    for s in range(0, len(i), 4096):  # bounded memory for long documents
        cos[s : s + 4096] = np.einsum("kd,kd->k", scores.a[i[s : s + 4096]], scores.b[j[s : s + 4096]])
    bg = (scores.bg_a[i] + scores.bg_b[j]) / 2.0
    bgm = cos - bg
    doc = cos - (scores.ra[i] + scores.rb[j]) / 2.0
    # best competitor of (i, j): the best other candidate of row i and of column j, or the
    # background itself (margin 0)
    rv, cv = scores.cand_row_val, scores.cand_col_val
    row_other = np.where(scores.cand_row_idx[i, 0] == j, rv[i, 1], rv[i, 0])
    col_other = np.where(scores.cand_col_idx[j, 0] == i, cv[j, 1], cv[j, 0])
    competitor = np.maximum(np.maximum(row_other, col_other), 0.0)
    feats = {"background_margin": bgm, "document_level": np.full(len(i), scores.background_level),
             "document_margin": doc, "gap": bgm - competitor}
    for e in evidence:
        feats.update(e.at(i, j))
    for f in FEATURES:
        feats.setdefault(f, np.zeros(len(i)))
    return Candidates(i, j, cos, feats)


def scored_candidates(scores: MarginScores, evidence: Sequence[PairEvidence] = (),
                      calibration: Calibration | None = None) -> Candidates:
    """:func:`candidates` with their confidence by ``calibration`` (default the shipped one)."""
    cands = candidates(scores, evidence)
    return replace(cands, confidence=(calibration or Calibration.default()).confidence(cands.features))


def select_pairs(
    scores: MarginScores,
    *,
    min_score: float,
    calibration: Calibration | None = None,
    allow_merges: bool = True,
    merge_check: MergeCheck | None = None,
    evidence: Sequence[PairEvidence] = (),
) -> list[Pair]:
    """Pairs from streamed scores: every candidate whose confidence is at least ``min_score``
    (confidence by ``calibration``, default the shipped one).

    With ``allow_merges`` a neighbour (j +/- 1, or i +/- 1) that is itself paired with the pair's
    claim, and whose best partner that claim is, joins the pair (one claim stated across two
    segments, shown as one row); ``merge_check(a_ids, b_ids)`` decides whether the merged pair
    is kept (e.g. only when the merged text beats its parts). A pair absorbed by a merge is not
    reported again. Returns pairs sorted by their first A index, then B index.
    """
    cands = scored_candidates(scores, evidence, calibration)
    return pairs_of(cands, scores, min_score=min_score, allow_merges=allow_merges, merge_check=merge_check)


def pairs_of(cands: Candidates, scores: MarginScores, *, min_score: float, allow_merges: bool = True,
             merge_check: MergeCheck | None = None) -> list[Pair]:
    """The pairs of scored candidates (see :func:`select_pairs`)."""
    if cands.confidence is None:
        raise ValueError("candidates without confidence: score them with scored_candidates()")
    if not len(cands):
        return []
    conf = cands.confidence
    pairs = []
    for k in np.flatnonzero(conf >= min_score):
        i, j = int(cands.i[k]), int(cands.j[k])
        pairs.append(Pair((i,), (j,), float(cands.cos[k]), scores.margin_at(i, j),
                          float(cands.features["background_margin"][k]), float(cands.features["gap"][k]), float(conf[k])))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    if allow_merges:
        pairs = _merge_neighbours(pairs, scores, merge_check)
    return sorted(pairs, key=lambda p: (p.a[0], p.b[0], p.a, p.b))


def _merge_neighbours(pairs: list[Pair], scores: MarginScores, merge_check: MergeCheck | None) -> list[Pair]:
    """Add adjacent segments that prefer a pair's partner (strongest pairs first); a single pair
    the merge covers is dropped (its score counts for the merged pair).
    """
    n, m = scores.shape
    by_cell = {(p.a[0], p.b[0]): p for p in pairs}
    absorbed: set[tuple[int, int]] = set()
    joined_a: set[int] = set()
    joined_b: set[int] = set()
    out = []
    for p in pairs:
        (i,), (j,) = p.a, p.b
        if (i, j) in absorbed:
            continue
        score = p.score
        bs = [j]
        for j2 in (j - 1, j + 1):
            if (0 <= j2 < m and j2 not in joined_b and (i, j2) in by_cell and scores.cand_col_idx[j2, 0] == i
                    and (merge_check is None or merge_check((i,), tuple(sorted((*bs, j2)))))):
                bs.append(j2)
                joined_b.add(j2)
        as_ = [i]
        for i2 in (i - 1, i + 1):
            if (0 <= i2 < n and i2 not in joined_a and (i2, j) in by_cell and scores.cand_row_idx[i2, 0] == j
                    and (merge_check is None or merge_check(tuple(sorted((*as_, i2))), tuple(sorted(bs))))):
                as_.append(i2)
                joined_a.add(i2)
        for x in as_:
            for y in bs:
                if (x, y) != (i, j) and (x, y) in by_cell:
                    absorbed.add((x, y))
                    score = max(score, by_cell[x, y].score)
        out.append(replace(p, a=tuple(sorted(as_)), b=tuple(sorted(bs)), score=score))
    return out


def choose_pairs(
    cos: np.ndarray,
    *,
    background_a: np.ndarray | None = None,
    background_b: np.ndarray | None = None,
    k: int,
    min_score: float,
    calibration: Calibration | None = None,
    allow_merges: bool = True,
    active_a: np.ndarray | None = None,
    active_b: np.ndarray | None = None,
    forbidden: np.ndarray | None = None,
    evidence: Sequence[PairEvidence] = (),
) -> list[Pair]:
    """:func:`select_pairs` for a dense (n, m) cosine matrix of unit vectors' inner products
    (benchmarks, small inputs, tests).

    ``background_a``/``background_b``: each claim's background (zeros when None);
    ``active_a``/``active_b`` (boolean masks) exclude segments; ``forbidden`` (boolean (n, m))
    excludes pairs.
    """
    cos = np.asarray(cos, np.float64)
    n, m = cos.shape
    # any vectors with these inner products would do; scoring needs only the matrix here
    a, b = _factor(cos)
    scores = margin_scores(a, b, k=k, active_a=active_a, active_b=active_b, max_cells=max(n * m, 1),
                           background_a=background_a, background_b=background_b, top=TOP, forbidden=forbidden)
    return select_pairs(scores, calibration=calibration, min_score=min_score, allow_merges=allow_merges, evidence=evidence)


def _factor(cos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectors A (n, n) and B (m, n) with A @ B.T == cos: A the identity, B the transpose."""
    return np.eye(cos.shape[0], dtype=np.float32), np.ascontiguousarray(cos.T, dtype=np.float32)


def match_claims(
    a: Side, b: Side, *, k: int, min_score: float, same_speaker: bool,
    encode: Encode | None = None, max_cells: int = 4_000_000,
    calibration: Calibration | None = None, encode_tokens: EncodeTokens | None = None,
) -> tuple[list[Pair], MarginScores, Candidates]:
    """Claim pairs between two prepared sides, the scores and the scored candidates they were
    chosen from.

    Parameters
    ----------
    a, b : Side
        The two documents, segmented, split into claims and embedded.
    k : int
        Neighbourhood size of the document margins.
    min_score : float
        Keep pairs whose confidence is at least this.
    same_speaker : bool
        Never pair two claims attributed to two different identified people.
    encode : callable or None
        ``encode(texts) -> (n, d)`` unit vectors, the model that embedded the sides. With it,
        the background samples are those of that model (``align.background``) and a merge (one
        claim stated across two adjacent claims of the other side) is kept only when the merged
        text beats its parts. Without it, the shipped samples (the default model's) are used.
    max_cells : int
        The dense (n, m) matrices are kept (for the heatmap) up to this many cells; scores are
        streamed in row chunks either way, so memory stays bounded.
    calibration : Calibration or None
        Default: the shipped one.
    encode_tokens : callable or None
        ``encode_tokens(texts) -> [(ids, vectors)]`` of the same model: the token vectors of a
        side that has none, and the model's mean token vector (``align.background.token_mean``).

    Returns
    -------
    pairs : list of Pair
        Indexes are 0-based positions in ``a.claims`` / ``b.claims``; a claim may be in several.
    scores : MarginScores
    candidates : Candidates
        Every candidate pair with its confidence (the pairs are those from ``min_score`` up; the
        heatmap shows them all).
    """
    scores = side_scores(a, b, k=k, same_speaker=same_speaker, encode=encode, max_cells=max_cells)
    check = merge_beats_parts(a, b, encode) if encode is not None else None
    evidence = side_evidence(a, b, encode, encode_tokens)
    cands = scored_candidates(scores, evidence, calibration)
    pairs = pairs_of(cands, scores, min_score=min_score, merge_check=check)
    return pairs, scores, cands


def best_links(
    a: Side, b: Side, *, k: int, min_score: float, same_speaker: bool,
    encode: Encode | None = None, encode_tokens: EncodeTokens | None = None,
) -> list[Pair]:
    """The links of a chain between two sides: single claims (no merges), each pair the most
    confident pair of every claim it holds (what corpus mode reads of two articles; the
    parameters as :func:`match_claims`').
    """
    scores = side_scores(a, b, k=k, same_speaker=same_speaker, encode=encode)
    pairs = select_pairs(scores, min_score=min_score, allow_merges=False, evidence=side_evidence(a, b, encode, encode_tokens))
    return best_of_each(pairs)


def best_of_each(pairs: list[Pair]) -> list[Pair]:
    """The pairs that are the most confident pair of every claim they hold, on both sides."""
    best_a: dict[int, float] = {}
    best_b: dict[int, float] = {}
    for p in pairs:
        for i in p.a:
            best_a[i] = max(best_a.get(i, 0.0), p.score)
        for j in p.b:
            best_b[j] = max(best_b.get(j, 0.0), p.score)
    return [p for p in pairs if all(p.score >= best_a[i] for i in p.a) and all(p.score >= best_b[j] for j in p.b)]


def side_scores(
    a: Side, b: Side, *, k: int, same_speaker: bool,
    encode: Encode | None = None, max_cells: int = 4_000_000,
) -> MarginScores:
    """The scores of two prepared sides: document margins, backgrounds, candidates."""
    # Exact duplicates (a bullet repeating the headline) are left out of the scoring, so they
    # neither compete nor inflate the neighbourhoods; the rows mirror their original's.
    active_a = np.array([c.duplicate_of is None for c in a.claims], bool)
    active_b = np.array([c.duplicate_of is None for c in b.claims], bool)
    la, lb = speaker_labels(a.claims, b.claims) if same_speaker else (None, None)
    bg_a, bg_b = backgrounds(a, b, encode)
    return margin_scores(
        a.embeddings, b.embeddings, k=k, active_a=active_a, active_b=active_b, labels_a=la, labels_b=lb,
        max_cells=max_cells, background_a=bg_a, background_b=bg_b, top=TOP,
    )


def backgrounds(a: Side, b: Side, encode: Encode | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each claim's background against the other side's language (zeros when no sample fits)."""

    def of(side: Side, lang: str) -> np.ndarray:
        sample = background.embeddings(lang, encode)
        if sample is None or len(side.embeddings) == 0 or sample.shape[1] != side.embeddings.shape[1]:
            return np.zeros(len(side.embeddings), np.float32)
        return background.neighbourhood(side.embeddings, sample)

    return of(a, b.document.lang), of(b, a.document.lang)


def side_evidence(a: Side, b: Side, encode: Encode | None = None,
                  encode_tokens: EncodeTokens | None = None) -> tuple[PairEvidence, ...]:
    """What the confidence reads besides the scores: the names, places and numbers of both
    sides' claims (``align.evidence``) and, when the sides have token vectors (or
    ``encode_tokens`` can give them), their token alignment (``align.tokens``).
    """
    out: list[PairEvidence] = [Evidence([c.text for c in a.claims], [c.text for c in b.claims])]
    if encode_tokens is not None or (a.tokens is not None and b.tokens is not None):
        mean = background.token_mean(encode, encode_tokens) if encode_tokens is not None else background.token_mean(None, None)

        def tokens_of(side: Side) -> list:
            if side.tokens is not None:
                return side.tokens
            return encode_tokens([model_text(c.text, c.lang) for c in side.claims])

        out.append(TokenEvidence(prepare_tokens(tokens_of(a), mean), prepare_tokens(tokens_of(b), mean)))
    return tuple(out)


def merge_beats_parts(a: Side, b: Side, encode: Encode) -> MergeCheck:
    """A ``merge_check`` for :func:`select_pairs`: the merged side's text, embedded as one,
    must be closer to the other side than each of its parts is.
    """

    def vector(side: Side, ids: tuple[int, ...]) -> np.ndarray:
        if len(ids) == 1:
            return side.embeddings[ids[0]]
        return encode([model_text(" ".join(side.claims[i].text for i in ids), side.claims[ids[0]].lang)])[0]

    def check(a_ids: tuple[int, ...], b_ids: tuple[int, ...]) -> bool:
        va, vb = vector(a, a_ids), vector(b, b_ids)
        merged = float(np.dot(va, vb))
        if len(a_ids) > 1:
            parts = [float(np.dot(a.embeddings[i], vb)) for i in a_ids]
        else:
            parts = [float(np.dot(va, b.embeddings[j])) for j in b_ids]
        return merged >= max(parts) + MERGE_GAIN

    return check


__all__ = ["FEATURES", "TOP", "Candidates", "MarginScores", "Pair", "backgrounds", "candidates", "choose_pairs",
           "match_claims", "merge_beats_parts", "pairs_of", "scored_candidates", "select_pairs", "side_evidence", "side_scores",
           "top2"]
