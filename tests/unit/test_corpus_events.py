"""Corpus mode's pure parts: vectors, candidates, features, calibration (no model; events and
evidence are in test_corpus_decisions.py, records, clusters and writers in test_corpus_records.py)."""
from __future__ import annotations

import numpy as np
import pytest

from align.calibration import Calibration, EventCalibration, fit_logistic
from align.corpus import events as ev


def _unit(rng, n, d=16):
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_centre_removes_the_language_direction():
    """Articles of 20 topics in two languages, each language adding its own direction (which its
    background sample's mean carries): after centring, article i in fa is nearest to article i
    in en."""
    rng = np.random.default_rng(0)
    topics = _unit(rng, 20)
    lang_dir = {"fa": _unit(rng, 1)[0] * 3, "en": _unit(rng, 1)[0] * 3}
    mean = np.vstack([ev.unit(topics[i] + lang_dir[lang]) for lang in ("fa", "en") for i in range(20)])
    language = np.vstack([ev.unit(lang_dir[lang] + 0.3 * topics.mean(0)) for lang in ("fa", "en") for _ in range(20)])
    raw = mean @ mean.T
    c = ev.centre(mean, mean, language)
    cos = c @ c.T
    assert (cos[:20, 20:].argmax(1) == np.arange(20)).mean() > 0.8
    assert (raw[:20, 20:].argmax(1) == np.arange(20)).mean() < (cos[:20, 20:].argmax(1) == np.arange(20)).mean()
    assert np.allclose(np.linalg.norm(c, axis=1), 1, atol=1e-5)


def test_candidate_pairs_languages_neighbours_and_date_window():
    rng = np.random.default_rng(1)
    v = _unit(rng, 6)
    v[3] = ev.unit(v[0] + 0.05 * v[3])  # 0 (fa) ~ 3 (en)
    langs = ["fa", "fa", "ar", "en", "en", "ar"]
    dates = ["2024-01-01", "2024-01-01", None, "2024-01-03", "2024-03-01", "2024-01-01"]
    pairs = ev.candidate_pairs(v, langs, dates, neighbours=1, date_window=7)
    found = {(i, j) for i, j, _, _ in pairs}
    assert (0, 3) in found
    assert all(langs[i] != langs[j] for i, j in found)  # across languages only
    gaps = {(i, j): g for i, j, _, g in pairs}
    assert gaps[0, 3] == 2
    assert all(g is None or g <= 7 for g in gaps.values())
    same = ev.candidate_pairs(v, langs, dates, neighbours=5, within_language=True, date_window=None)
    assert any(langs[i] == langs[j] for i, j, _, _ in same)
    assert pairs == sorted(pairs)


def test_candidates_within_the_window_however_many_look_alike_elsewhere():
    """Ten articles of another month are closer than the true partner: the window is searched,
    not filtered after a search, so the partner is still the candidate."""
    rng = np.random.default_rng(5)
    fa = _unit(rng, 1)[0]
    en = ev.unit(fa + 0.6 * _unit(rng, 1)[0])  # the partner: cosine ~0.86
    # June articles of each language that look more like the other article than its partner does
    v = np.vstack([fa, en, *[ev.unit(fa + 0.05 * x) for x in _unit(rng, 10)], *[ev.unit(en + 0.05 * x) for x in _unit(rng, 10)]])
    langs = ["fa", "en", *["en"] * 10, *["fa"] * 10]
    dates = ["2024-01-01", "2024-01-02", *[f"2024-06-{d:02d}" for d in range(1, 21)]]
    pairs = ev.candidate_pairs(v, langs, dates, neighbours=1, date_window=7)
    assert (0, 1) in {(i, j) for i, j, _, _ in pairs}


@pytest.mark.parametrize("seed", range(6))
def test_windowed_candidates_equal_a_brute_force_search(seed):
    rng = np.random.default_rng(seed)
    n = 160
    v = _unit(rng, n)
    langs = list(rng.choice(["fa", "ar", "en"], n))
    dates = [None if rng.random() < 0.2 else f"2024-01-{int(d):02d}" for d in rng.integers(1, 29, n)]
    got = ev.candidate_pairs(v, langs, dates, neighbours=2, date_window=1)

    def gap(i, j):
        return None if not (dates[i] and dates[j]) else abs(int(dates[i][-2:]) - int(dates[j][-2:]))

    want = {}
    sims = v @ v.T
    for i in range(n):
        allowed = [j for j in range(n) if langs[j] != langs[i] and (gap(i, j) is None or gap(i, j) <= 1)]
        for j in sorted(allowed, key=lambda j: (-sims[i, j], j))[:2]:
            want[min(i, j), max(i, j)] = gap(i, j)
    assert {(i, j): g for i, j, _, g in got} == want


def test_background_and_pair_features():
    rng = np.random.default_rng(2)
    a = _unit(rng, 5)
    b = ev.unit(np.vstack([a[:2] + 0.01, _unit(rng, 3)]))
    sample = _unit(rng, 50)
    bg_a, bg_b = ev.background(a, sample), ev.background(b, sample)
    assert bg_a.top.shape == bg_a.mean.shape == bg_a.std.shape == (5,)
    assert np.all(bg_a.top < 1) and np.all(bg_a.mean < bg_a.top) and np.all(bg_a.std > 0)
    assert np.isnan(ev.background(a, None).top).all()  # no sample for the language: no background
    active = np.ones(5, bool)
    f = ev.pair_features(a, b, bg_a, bg_b, active, active)
    assert f["claim_gain"] > 0.2 and f["claim_z"] > 2
    unrelated = ev.pair_features(a, _unit(rng, 5), bg_a, bg_b, active, active)
    assert unrelated["claim_gain"] < f["claim_gain"] and unrelated["claim_z"] < f["claim_z"]
    assert ev.pair_features(a, b, bg_a, bg_b, active, np.zeros(5, bool)) == {"claim_gain": 0.0, "claim_z": 0.0}
    lead = ev.lead_features(a, b, bg_a, bg_b, active, active)
    assert lead["lead_gain"] > 0.2 and lead["lead_z"] > 2  # the leads (first two claims) are each other's
    shuffled = ev.lead_features(a, b[::-1].copy(), bg_a, ev.background(b[::-1].copy(), sample), active, active)
    assert shuffled["lead_gain"] < lead["lead_gain"]  # b's lead is now two unrelated claims
    cov = ev.coverage(a, b, bg_a, bg_b, [((0,), (0,)), ((1,), (1,)), ((2,), (4,))], active, active)
    assert cov["coverage_a"] == cov["coverage_b"] == cov["coverage"] == 0.4  # the unrelated third match does not count


def test_match_features():
    from align.matching import Pair

    pairs = [Pair((i,), (i,), 0.9, 1.2, 0.1, 0.05, s) for i, s in enumerate((0.95, 0.9, 0.4))]
    f = ev.match_features(pairs, np.ones(4, bool), np.ones(6, bool), equivalent=0.8)
    assert f["match_top"] == pytest.approx((0.95 + 0.9 + 0.4) / 5) and f["match_share"] == 0.5
    assert ev.match_features([], np.ones(4, bool), np.ones(6, bool), 0.8) == {"match_top": 0.0, "match_share": 0.0}


def test_fit_logistic_and_calibration():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 3))
    y = (x @ np.array([2.0, 1.0, 0.0]) + 0.3 * rng.normal(size=400) > 0).astype(int)
    names = ("f1", "f2", "f3")
    cal = EventCalibration.from_fit(fit_logistic(x, y), 0.5, "test", features=names)
    p = cal(x)
    assert ((p >= 0.5) == y).mean() > 0.9
    assert abs(cal(dict(zip(names, x[0], strict=True))) - p[0]) < 1e-12
    default = Calibration.default().events
    assert 0 < default.threshold < 1 and default.source and default.features == ev.FEATURES
