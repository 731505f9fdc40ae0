"""Which articles report the same event: candidates by nearest neighbours, a score that depends on
the two articles only, events that cannot chain.

1. **Article vectors** (:func:`article_vectors`, :func:`centre`): the mean of an article's claim
   embeddings plus the mean of its lead (title and first three claims), each normalised; then
   ``ALPHA`` times the mean of the shipped background sample of the article's language
   (``align.background``: everyday sentences, the direction every text of that language shares)
   is subtracted and the result normalised. Fixed per language, so an article's vector does not
   depend on what else is in the corpus (``ALPHA`` = 0.75 kept every same-event pair of the dev
   events among each other's 10 nearest articles).
2. **Candidates** (:func:`candidate_pairs`): for every article, its ``neighbours`` nearest
   articles in the other languages (and, optionally, in its own) by exact inner-product search
   among the articles within ``date_window`` days of it (and the undated ones) when it has a
   date; among all when it has none.
3. **Features of a candidate** (:data:`FEATURES`), each a function of the two articles alone:

   - ``claim_gain``, ``claim_z``: how far the best aligned claims stand above everyday
     sentences. Every claim is compared with the shipped background sample of the other
     article's language (:func:`background`): its *background* is the mean cosine of its four
     nearest sample sentences, and the mean and spread of its cosines to the sample. A claim
     pair's gain is its cosine minus the two claims' backgrounds, its z the cosine minus their
     mean cosines in units of their spreads; the features are the mean of the three best
     mutual-best claim pairs by gain (by z), missing ones counted as 0;
   - ``lead_gain``, ``lead_z``: the same for each article's lead (its first two claims): how
     well the other article states what this one leads with, the weaker of the two directions;
   - ``match_top``, ``match_share``: the claim matcher's calibrated confidences
     (``align.matching.match_claims``, each claim with its most confident counterpart): the
     mean of the five best, and the share of the shorter article's claims matched from the
     "equivalent" confidence up;
   - ``names_shared``, ``names_missing``: what the two articles state (``align.corpus.profile``):
     people, places, numbers. A mismatch of the central people and places counts against the
     pair;
   - ``day_conflict`` (reported with the others): both articles name weekdays in their first
     claims and none within a day of the other's (two meetings of one minister, on Sunday and on
     Wednesday).

   ``cos`` (the cosine of the two article vectors) is reported with every candidate; the score
   does not use it. ``coverage_a``/``coverage_b`` (of confirmed pairs): how much of each article
   the other carries.
4. **Score** (:func:`score`): a logistic function of the features
   (:class:`align.calibration.EventCalibration`, fitted by ``benchmarks/corpus.py --fit`` on the
   dev events of ``benchmarks/realnews``; its ``source`` in ``align/calibration.json`` says what),
   and 0 for a pair with a ``day_conflict``: a reader does not take a Sunday meeting and a
   Wednesday one for one event, however alike the reports (of the dev events' 142 same-event
   pairs, 2 had one: a Persian article naming the weekday of an earlier event). A pair whose score
   reaches the threshold is confirmed. Nothing in it depends on the other articles of the corpus:
   adding or removing articles changes no pair's score.
5. **Events** (:func:`events_from_pairs`): confirmed pairs joined strongest first, two groups of
   articles only when at least half of the candidate pairs between them are confirmed: one weak
   link through a third article does not chain two stories into one event.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..background import top_mean
from ..graphs import UnionFind
from ..linalg import product
from ..matching import Pair

LEAD = 3  # claims in an article's lead (its vector)
ALPHA = 0.75  # share of the language's background mean removed from an article's vector
BACKGROUND_K = 4  # nearest sample sentences that make a claim's background
TOP_GAINS = 3  # mutual-best claim pairs averaged in claim_gain
LEAD_CLAIMS = 2  # claims of an article's lead (lead_gain, lead_z)
TOP_MATCHES = 5  # claim matches averaged in match_top
FEATURES = ("claim_gain", "claim_z", "lead_gain", "lead_z", "match_top", "match_share", "names_shared", "names_missing")
REPORTED = (*FEATURES, "day_conflict")  # what the pairs table lists of every candidate, in order


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


def centre(mean: np.ndarray, lead: np.ndarray, language_mean: np.ndarray) -> np.ndarray:
    """Article vectors (float32, unit rows) from their ``mean`` and ``lead`` vectors and the
    mean of the background sample of each article's language (one row per article): the
    language's direction, ``ALPHA`` of it, is removed (see the module docstring).
    """
    v = unit(unit(mean) + unit(lead))
    return unit(v - ALPHA * np.asarray(language_mean, np.float32))


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


@dataclass(frozen=True)
class ClaimBackground:
    """Per claim: the mean cosine of its ``BACKGROUND_K`` nearest sample sentences (``top``), and
    the mean and standard deviation of its cosines to the whole sample (NaN without a sample).
    """

    top: np.ndarray
    mean: np.ndarray
    std: np.ndarray


def background(claims: np.ndarray, sample: np.ndarray | None, k: int = BACKGROUND_K) -> ClaimBackground:
    """Each claim's background against a language's (fixed) background sample."""
    n = len(claims)
    if sample is None or not len(sample) or not n or sample.shape[1] != claims.shape[1]:
        nan = np.full(n, np.nan, np.float32)
        return ClaimBackground(nan, nan, nan)
    sims = product(np.asarray(claims, np.float32), np.asarray(sample, np.float32).T)
    return ClaimBackground(top_mean(sims, k).astype(np.float32), sims.mean(1).astype(np.float32),
                           sims.std(1).astype(np.float32))


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


def lead_features(a: np.ndarray, b: np.ndarray, bg_a: ClaimBackground, bg_b: ClaimBackground,
                  active_a: np.ndarray, active_b: np.ndarray) -> dict[str, float]:
    """``lead_gain`` and ``lead_z``: how well each article's lead (its first ``LEAD_CLAIMS``
    claims) is stated anywhere in the other, the weaker of the two directions.
    """
    lead_a, lead_b = np.flatnonzero(active_a)[:LEAD_CLAIMS], np.flatnonzero(active_b)[:LEAD_CLAIMS]
    if not len(lead_a) or not len(lead_b):
        return {"lead_gain": 0.0, "lead_z": 0.0}
    gain, z = _gain_and_z(a, b, bg_a, bg_b)
    out = {}
    for name, m in (("lead_gain", gain), ("lead_z", z)):
        m = np.where(np.isfinite(m), m, -np.inf)
        m[~active_a, :] = -np.inf
        m[:, ~active_b] = -np.inf
        best = min(float(m[lead_a].max()), float(m[:, lead_b].max()))
        out[name] = best if np.isfinite(best) else 0.0
    return out


def score(calibration, features: dict[str, float]) -> float:
    """A candidate pair's score: 0 with a day conflict, else the calibrated logistic of its
    :data:`FEATURES` (``calibration``: :class:`align.calibration.EventCalibration`).
    """
    return 0.0 if features.get("day_conflict") else float(calibration(features))


def match_features(pairs: Sequence[Pair], active_a: np.ndarray, active_b: np.ndarray, equivalent: float) -> dict[str, float]:
    """``match_top`` and ``match_share`` of the claim matcher's one-to-one ``pairs`` (see the
    module docstring; ``equivalent``: the calibrated confidence of an equivalent pair).
    """
    scores = sorted((p.score for p in pairs), reverse=True)
    top = float(np.mean((scores + [0.0] * TOP_MATCHES)[:TOP_MATCHES]))
    n = min(int(active_a.sum()), int(active_b.sum()))
    strong = sum(1 for s in scores if s >= equivalent)
    return {"match_top": top, "match_share": min(1.0, strong / n) if n else 0.0}


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


class _Groups:
    """Articles joined into events (see :func:`events_from_pairs`)."""

    def __init__(self, scored: dict[tuple[str, str], bool]):
        self.uf: UnionFind[str] = UnionFind()
        self.members: dict[str, list[str]] = {}
        self.partners: dict[str, dict[str, bool]] = {}
        for (a, b), ok in scored.items():
            self.partners.setdefault(a, {})[b] = ok
            self.partners.setdefault(b, {})[a] = ok

    def root(self, x: str) -> str:
        if x not in self.uf:
            self.members[x] = [x]
        return self.uf.find(x)

    def join(self, a: str, b: str) -> bool:
        """Join the groups of ``a`` and ``b`` when at least half of the candidate pairs between
        them are confirmed; False when they stay apart.
        """
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return True
        other = set(self.members[rb])
        links = [ok for x in self.members[ra] for y, ok in self.partners.get(x, {}).items() if y in other]
        if 2 * sum(links) < len(links):
            return False
        keep, gone = (ra, rb) if ra <= rb else (rb, ra)
        self.uf.link(keep, gone)
        self.members[keep] += self.members.pop(gone)
        return True


def events_from_pairs(scored: Sequence[tuple[str, str, float, bool]], dates: dict[str, str | None]) -> dict[str, str]:
    """Article id -> event id ("E0001", ...) for the articles in events.

    Parameters
    ----------
    scored : sequence of (a, b, score, confirmed)
        Every candidate pair.
    dates : dict
        Article id -> ISO date or None.

    The confirmed pairs are taken strongest first (by score, then ids); each joins the events of
    its two articles when at least half of the candidate pairs between the two events are
    confirmed (one weak link through a third article does not chain two stories). Events are
    numbered by (first date, first article id); undated events last.
    """
    groups = _Groups({(a, b): ok for a, b, _, ok in scored})
    for a, b, _, _ in sorted((p for p in scored if p[3]), key=lambda p: (-p[2], p[0], p[1])):
        groups.join(a, b)
    found = [sorted(m) for m in groups.members.values() if len(m) > 1]

    def order(g: list[str]):
        ds = sorted(d for d in (dates.get(x) for x in g) if d)
        return (ds[0] if ds else "9999-99-99", g[0])

    out = {}
    for n, g in enumerate(sorted(found, key=order), start=1):
        for x in g:
            out[x] = f"E{n:04d}"
    return out
