"""Which articles report the same event: candidates by nearest neighbours, confirmed by claims.

1. **Article vectors** (:func:`article_vectors`): the mean of an article's claim embeddings plus
   the mean of its lead (title and first three claims), each normalised. The mean of all
   articles is subtracted (the direction every text of this model shares), then each language's
   offset from it (shrunk for languages with few articles), and the result normalised again
   (:func:`centre`): what remains is what the article is about rather than which language it is
   written in (per-language centring, as in the Tatoeba benchmark).
2. **Candidates** (:func:`candidate_pairs`): for every article, its ``neighbours`` nearest
   articles in the other languages (and, optionally, in its own) by exact inner-product search
   among the articles within ``date_window`` days of it (and the undated ones) when it has a
   date; among all when it has none.
3. **Features of a candidate** (:func:`pair_features`), from the claims:

   - ``cos``: the cosine of the two centred article vectors;
   - ``claim_gain`` and ``claim_z``: how far the best aligned claims stand above the corpus.
     Every claim is compared with a fixed-size, deterministic sample of the claims of the other
     article's language elsewhere in the corpus (:func:`background`): its *background* is the
     mean cosine of its four nearest sample claims, and the mean and spread of its cosines to
     the sample. A claim pair's gain is its cosine minus the two claims' backgrounds, its z the
     cosine minus their mean cosines in units of their spreads. ``claim_gain`` (``claim_z``) is
     the mean of the three best mutual-best claim pairs by gain (by z), missing ones counted as
     0. Raw cosines of this model are high for every pair of claims; a claim that is closer to
     a partner than to almost anything else in the corpus is the signal. The z does not depend
     on how many claims a language has (the top-k background does);
   - ``coverage_a``/``coverage_b`` (of confirmed pairs; reported, not scored): how much of each
     article the other carries: the share of its claims that the comparable-mode alignment of
     the two (``align.pipeline.compare_sides``) matches with a claim of the other *and* whose
     pair beats the background. Measured on every candidate of the calibration data, it added
     nothing to the two claim features (its fitted weight was slightly negative), so the score
     leaves it out.

4. **Score** (:class:`align.calibration.EventCalibration`): a logistic function of the three,
   fitted by ``benchmarks/corpus.py --fit`` on articles with known events (its ``source`` in
   ``align/calibration.json`` says what it was fitted on); a pair whose score reaches the
   threshold is confirmed.
5. **Events** (:func:`events_from_pairs`): connected components of confirmed pairs.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..background import top_mean
from ..graphs import components
from ..linalg import product

LEAD = 3  # claims in an article's lead
CENTRE_SHRINK = 10  # a language's mean is weighted n / (n + CENTRE_SHRINK)
BACKGROUND_K = 4  # nearest claims that make a claim's background
TOP_GAINS = 3  # mutual-best claim pairs averaged in claim_gain
FEATURES = ("cos", "claim_gain", "claim_z")


def unit(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, np.float32)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return np.where(n > 0, x / np.maximum(n, 1e-12), 0.0).astype(np.float32)


def article_vectors(claims: np.ndarray, title: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(mean, lead) vectors of one article from its claims' embeddings (rows in document order)
    and, optionally, its title's embedding.
    """
    claims = np.asarray(claims, np.float32)
    mean = unit(claims.mean(0)) if len(claims) else np.zeros(claims.shape[1], np.float32)
    lead_rows = claims[:LEAD] if title is None else np.vstack([title[None, :], claims[:LEAD]])
    lead = unit(lead_rows.mean(0)) if len(lead_rows) else mean
    return mean, lead


def centre(mean: np.ndarray, lead: np.ndarray, langs: Sequence[str]) -> np.ndarray:
    """Centred article vectors (see the module docstring), float32, unit rows: the mean of all
    articles is removed (the direction every text of the model shares), then each language's
    offset from it, weighted n / (n + CENTRE_SHRINK) for a language of n articles.
    """
    v = unit(unit(mean) + unit(lead))
    langs = np.asarray(langs)
    overall = v.mean(0)
    out = v - overall
    for lang in sorted(set(langs.tolist())):
        rows = langs == lang
        n = int(rows.sum())
        out[rows] -= (n / (n + CENTRE_SHRINK)) * (v[rows].mean(0) - overall)
    return unit(out)


def _days(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((_dt.date.fromisoformat(a) - _dt.date.fromisoformat(b)).days)


def candidate_pairs(
    vectors: np.ndarray, langs: Sequence[str], dates: Sequence[str | None], *, neighbours: int = 10,
    within_language: bool = False, date_window: int | None = 7,
) -> list[tuple[int, int, float, int | None]]:
    """Candidate same-event pairs ``(i, j, cos, date_gap)`` with i < j, sorted.

    Every article proposes its ``neighbours`` nearest articles of the other languages (and of
    its own with ``within_language``) by cosine of the centred vectors, among those within
    ``date_window`` days of it when both have a date (None: no window). Exact search, one
    language at a time: a dated article is compared with the articles of its window (and the
    undated ones) only, so the window never pushes a partner out of the neighbours however
    many articles of other dates look alike; an undated article with all (faiss ``IndexFlatIP``).
    """
    n = len(langs)
    langs = np.asarray(langs)
    vectors = np.ascontiguousarray(vectors, np.float32)
    found: dict[int, list[tuple[float, int]]] = {i: [] for i in range(n)}
    windowed = date_window is not None and any(dates)
    day = np.array([_dt.date.fromisoformat(d).toordinal() if d else -1 for d in dates], np.int64) if windowed else None
    for lang in sorted(set(langs.tolist())):
        members = np.flatnonzero(langs == lang)
        queries = np.flatnonzero(langs != lang) if not within_language else np.arange(n)
        if not len(queries):
            continue
        k = neighbours + (1 if within_language else 0)
        if windowed:
            _search_windows(vectors, queries[day[queries] >= 0], members, day, date_window, k, found)
            queries = queries[day[queries] < 0]
        _search_all(vectors, queries, members, k, found)
    pairs: dict[tuple[int, int], tuple[float, int | None]] = {}
    for i in range(n):
        kept = 0
        for s, j in sorted(found[i], key=lambda x: (-x[0], x[1])):
            gap = _days(dates[i], dates[j])
            if date_window is not None and gap is not None and gap > date_window:
                continue
            pairs[min(i, j), max(i, j)] = (s, gap)
            kept += 1
            if kept >= neighbours:
                break
    return [(i, j, s, g) for (i, j), (s, g) in sorted(pairs.items())]


def _search_all(vectors: np.ndarray, queries: np.ndarray, members: np.ndarray, k: int, found: dict) -> None:
    """The ``k`` nearest ``members`` of every query (faiss, exact), into ``found``."""
    if not len(queries) or not len(members):
        return
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors[members])
    k = min(k, len(members))
    for start in range(0, len(queries), 4096):
        q = queries[start:start + 4096]
        sims, idx = index.search(vectors[q], k)
        for qi, row_s, row_i in zip(q, sims, idx, strict=True):
            found[int(qi)].extend((float(s), int(members[m])) for s, m in zip(row_s, row_i, strict=True)
                                  if m >= 0 and members[m] != qi)


def _search_windows(vectors: np.ndarray, queries: np.ndarray, members: np.ndarray, day: np.ndarray,
                    window: int, k: int, found: dict, chunk: int = 1024) -> None:
    """The ``k`` nearest ``members`` of every dated query among those within ``window`` days of
    it or undated (exact: one matrix product per query day and chunk), into ``found``.
    """
    if not len(queries) or not len(members):
        return
    undated = members[day[members] < 0]
    dated = members[day[members] >= 0]
    dated = dated[np.argsort(day[dated], kind="stable")]
    dated_days = day[dated]
    for d in np.unique(day[queries]):
        lo, hi = np.searchsorted(dated_days, d - window, "left"), np.searchsorted(dated_days, d + window, "right")
        pool = np.concatenate([dated[lo:hi], undated])
        if not len(pool):
            continue
        pool_t = vectors[pool].T
        kk = min(k, len(pool))
        todo = queries[day[queries] == d]
        for start in range(0, len(todo), chunk):
            q = todo[start:start + chunk]
            sims = product(vectors[q], pool_t)
            top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk] if kk < len(pool) else np.tile(np.arange(len(pool)), (len(q), 1))
            for row, qi in enumerate(q):
                found[int(qi)].extend((float(sims[row, t]), int(pool[t])) for t in top[row] if pool[t] != qi)


def sample_key(article: str, label: str) -> bytes:
    """Deterministic rank of a claim for the background sample (independent of order)."""
    return hashlib.blake2b(f"{article}\0{label}".encode(), digest_size=8).digest()


@dataclass(frozen=True)
class Background:
    """A language's background sample: claim embeddings and the article each belongs to."""

    vectors: np.ndarray
    owners: np.ndarray  # article ids (str array)


@dataclass(frozen=True)
class ClaimBackground:
    """Per claim: the mean cosine of its ``BACKGROUND_K`` nearest sample claims (``top``), and
    the mean and standard deviation of its cosines to the whole sample (NaN without a sample).
    """

    top: np.ndarray
    mean: np.ndarray
    std: np.ndarray


def background(claims: np.ndarray, article: str, sample: Background | None, k: int = BACKGROUND_K) -> ClaimBackground:
    """Each claim's background against a language's sample, leaving out the claims of its own
    article.
    """
    n = len(claims)
    if sample is None or not len(sample.vectors) or not n:
        nan = np.full(n, np.nan, np.float32)
        return ClaimBackground(nan, nan, nan)
    sims = np.asarray(claims, np.float32) @ sample.vectors.T
    mine = sample.owners == article
    if mine.all():
        nan = np.full(n, np.nan, np.float32)
        return ClaimBackground(nan, nan, nan)
    sims = sims[:, ~mine]
    top = top_mean(sims, k)
    return ClaimBackground(top.astype(np.float32), sims.mean(1).astype(np.float32), sims.std(1).astype(np.float32))


def _mutual_best(score: np.ndarray, active_a: np.ndarray, n: int = TOP_GAINS) -> float:
    """Mean of the ``n`` best mutual-best values of a claim x claim matrix (missing: 0)."""
    score = np.where(np.isfinite(score), score, -np.inf)
    score[~active_a, :] = -np.inf
    row = score.argmax(1)
    col = score.argmax(0)
    best = sorted((float(score[i, row[i]]) for i in np.flatnonzero(active_a)
                   if col[row[i]] == i and np.isfinite(score[i, row[i]])), reverse=True)
    return float(np.mean((best + [0.0] * n)[:n]))


def _gain_and_z(a: np.ndarray, b: np.ndarray, bg_a: ClaimBackground, bg_b: ClaimBackground) -> tuple[np.ndarray, np.ndarray]:
    cos = a @ b.T
    gain = cos - (np.nan_to_num(bg_a.top, nan=1.0)[:, None] + np.nan_to_num(bg_b.top, nan=1.0)[None, :]) / 2.0
    spread = (bg_a.std[:, None] + bg_b.std[None, :]) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (cos - (bg_a.mean[:, None] + bg_b.mean[None, :]) / 2.0) / np.maximum(spread, 1e-6)
    return gain, z


def pair_features(a: np.ndarray, b: np.ndarray, bg_a: ClaimBackground, bg_b: ClaimBackground,
                  active_a: np.ndarray, active_b: np.ndarray) -> dict[str, float]:
    """``claim_gain`` and ``claim_z`` of one candidate pair.

    Parameters
    ----------
    a, b : numpy.ndarray
        Claim embeddings of the two articles.
    bg_a, bg_b : ClaimBackground
        Their claims' backgrounds (against the other article's language).
    active_a, active_b : numpy.ndarray
        Claims that count (exact duplicates excluded).
    """
    if not active_a.any() or not active_b.any():
        return {"claim_gain": 0.0, "claim_z": 0.0}
    gain, z = _gain_and_z(a, b, bg_a, bg_b)
    gain[:, ~active_b] = -np.inf
    z[:, ~active_b] = -np.inf
    return {"claim_gain": _mutual_best(gain, active_a), "claim_z": _mutual_best(z, active_a)}


def coverage(a: np.ndarray, b: np.ndarray, bg_a: ClaimBackground, bg_b: ClaimBackground,
             matched: Sequence[tuple[Sequence[int], Sequence[int]]], active_a: np.ndarray, active_b: np.ndarray) -> dict[str, float]:
    """How much of each article the other carries: the share of each article's claims (exact
    duplicates excluded) in a matched pair (``matched``: claim indexes) that beats the background;
    ``coverage`` is the mean of the two shares.
    """
    na, nb = int(active_a.sum()), int(active_b.sum())
    if not na or not nb:
        return {"coverage_a": 0.0, "coverage_b": 0.0, "coverage": 0.0}
    gain, _ = _gain_and_z(a, b, bg_a, bg_b)
    carried_a: set[int] = set()
    carried_b: set[int] = set()
    for ia, ib in matched:
        if gain[ia[0], ib[0]] > 0:
            carried_a.update(ia)
            carried_b.update(ib)
    ca = len(carried_a & set(np.flatnonzero(active_a).tolist())) / na
    cb = len(carried_b & set(np.flatnonzero(active_b).tolist())) / nb
    return {"coverage_a": ca, "coverage_b": cb, "coverage": (ca + cb) / 2.0}


def events_from_pairs(ids: Sequence[str], confirmed: Sequence[tuple[str, str]], dates: dict[str, str | None]) -> dict[str, str]:
    """Article id -> event id ("E0001", ...) for articles in at least one confirmed pair:
    connected components, numbered by (first date, first article id); undated events last.
    """
    linked = sorted({x for pair in confirmed for x in pair})
    groups = [sorted(g) for g in components(linked, confirmed)]

    def order(g: list[str]):
        ds = sorted(d for d in (dates.get(x) for x in g) if d)
        return (ds[0] if ds else "9999-99-99", g[0])

    out = {}
    for n, g in enumerate(sorted(groups, key=order), start=1):
        for x in g:
            out[x] = f"E{n:04d}"
    return out
