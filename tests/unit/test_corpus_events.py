"""Corpus mode's pure parts: vectors, candidates, features, calibration, events, clusters,
Parquet/HTML writers (no model)."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from align.calibration import Calibration, EventCalibration, fit_logistic
from align.corpus import events as ev
from align.corpus.clusters import build_clusters, flag_kind
from align.corpus.outputs import parquet_bytes, render_html


def _unit(rng, n, d=16):
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_centre_removes_the_language_direction():
    rng = np.random.default_rng(0)
    topics = _unit(rng, 20)
    lang_dir = {"fa": _unit(rng, 1)[0] * 3, "en": _unit(rng, 1)[0] * 3}
    mean = np.vstack([ev.unit(topics[i] + lang_dir[lang]) for lang in ("fa", "en") for i in range(20)])
    langs = ["fa"] * 20 + ["en"] * 20
    raw = mean @ mean.T
    c = ev.centre(mean, mean, langs)
    cos = c @ c.T
    # after centring, article i in fa is nearest to article i in en (the same topic)
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
    sample = ev.Background(_unit(rng, 50), np.array(["z"] * 50))
    bg_a = ev.background(a, "a", sample)
    bg_b = ev.background(b, "b", sample)
    assert bg_a.top.shape == bg_a.mean.shape == bg_a.std.shape == (5,)
    assert np.all(bg_a.top < 1) and np.all(bg_a.mean < bg_a.top) and np.all(bg_a.std > 0)
    # a sample made only of the article itself gives no background
    assert np.isnan(ev.background(a, "a", ev.Background(a, np.array(["a"] * 5))).top).all()
    active = np.ones(5, bool)
    f = ev.pair_features(a, b, bg_a, bg_b, active, active)
    assert f["claim_gain"] > 0.2 and f["claim_z"] > 2
    unrelated = ev.pair_features(a, _unit(rng, 5), bg_a, bg_b, active, active)
    assert unrelated["claim_gain"] < f["claim_gain"] and unrelated["claim_z"] < f["claim_z"]
    assert ev.pair_features(a, b, bg_a, bg_b, active, np.zeros(5, bool)) == {"claim_gain": 0.0, "claim_z": 0.0}
    cov = ev.coverage(a, b, bg_a, bg_b, [((0,), (0,)), ((1,), (1,)), ((2,), (4,))], active, active)
    assert cov["coverage_a"] == cov["coverage_b"] == cov["coverage"] == 0.4  # the unrelated third match does not count


def test_fit_logistic_and_calibration():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 3))
    y = (x @ np.array([2.0, 1.0, 0.0]) + 0.3 * rng.normal(size=400) > 0).astype(int)
    cal = EventCalibration.from_fit(fit_logistic(x, y), 0.5, "test", features=ev.FEATURES)
    p = cal(x)
    assert ((p >= 0.5) == y).mean() > 0.9
    assert abs(cal(dict(zip(ev.FEATURES, x[0], strict=True))) - p[0]) < 1e-12
    default = Calibration.default().events
    assert 0 < default.threshold < 1 and default.source


def test_events_are_connected_components_numbered_by_date():
    ids = ["a", "b", "c", "d", "e"]
    dates = {"a": "2024-02-01", "b": "2024-02-02", "c": "2023-01-01", "d": "2023-01-01", "e": None}
    out = ev.events_from_pairs(ids, [("a", "b"), ("c", "d")], dates)
    assert out == {"c": "E0001", "d": "E0001", "a": "E0002", "b": "E0002"}


def _claims():
    claims = {}
    for art, lang, speaker in (("fa1", "fa", "شمخانی"), ("ar1", "ar", "شمخاني"), ("en1", "en", "Shamkhani"), ("ar2", "ar", None)):
        for lab in ("1.1", "2.1"):
            claims[art, lab] = {"text": f"{art} claim {lab}", "speaker": speaker, "speaker_key": "shmkhn" if speaker else None,
                                "lang": lang}
    return claims


def test_clusters_across_articles():
    articles = {"fa1": {"source": "Mizan", "lang": "fa", "date": "2024-01-02"},
                "ar1": {"source": "Quds", "lang": "ar", "date": "2024-01-01"},
                "en1": {"source": "Amu", "lang": "en", "date": None},
                "ar2": {"source": "Quds", "lang": "ar", "date": "2024-01-03"}}
    alignments = [
        {"a": "ar1", "b": "fa1", "a_claims": ["1.1"], "b_claims": ["1.1"], "confidence": 0.9, "relation": "equivalent",
         "flags": ["day: Sunday vs Wednesday"]},
        {"a": "en1", "b": "fa1", "a_claims": ["1.1"], "b_claims": ["1.1"], "confidence": 0.6, "relation": "related",
         "flags": ["numbers: 15 vs 16", "duplicate of a#1"]},
        {"a": "ar2", "b": "fa1", "a_claims": ["2.1"], "b_claims": ["2.1"], "confidence": 0.8, "relation": "equivalent", "flags": []},
    ]
    events = dict.fromkeys(articles, "E0001")
    clusters, of_claim, of_alignment = build_clusters(alignments, _claims(), articles, events)
    first = clusters[0]
    assert first["articles"] == ["ar1", "en1", "fa1"] and first["n_outlets"] == 3 and first["n_langs"] == 3
    assert first["scope"] == "several outlets and languages"
    assert first["first_article"] == "ar1" and first["first_date"] == "2024-01-01" and first["text"] == "ar1 claim 1.1"
    assert first["speaker_key"] == "shmkhn" and first["speaker"] == "شمخاني"
    assert first["confidence"] == 0.6 and first["relation"] == "related"
    assert first["flag_kinds"] == ["day", "numbers"] and first["disagreement"]
    assert not any("duplicate" in f for f in first["flags"])
    second = clusters[1]
    assert second["articles"] == ["ar2", "fa1"] and second["scope"] == "several outlets and languages"
    singles = [c for c in clusters if c["n_articles"] == 1]
    assert {c["members"][0] for c in singles} == {"ar1:2.1", "en1:2.1", "ar2:1.1"}
    assert all(c["scope"] == "one outlet" for c in singles)
    assert len(of_claim) == 8 and of_alignment[0] == of_alignment[1] == first["cluster"]
    assert [c["cluster"] for c in clusters] == [f"C{n:06d}" for n in range(1, len(clusters) + 1)]
    # one language, two outlets
    articles2 = {"x": {"source": "A", "lang": "ar", "date": None}, "y": {"source": "B", "lang": "ar", "date": None}}
    claims2 = {("x", "1.1"): {"text": "t", "speaker": None, "speaker_key": None, "lang": "ar"},
               ("y", "1.1"): {"text": "t", "speaker": None, "speaker_key": None, "lang": "ar"}}
    c2, _, _ = build_clusters([{"a": "x", "b": "y", "a_claims": ["1.1"], "b_claims": ["1.1"], "confidence": 0.7,
                                "relation": "related", "flags": []}], claims2, articles2, {"x": "E1", "y": "E1"})
    assert c2[0]["scope"] == "one language"
    assert flag_kind("person only in A: X") == "person" and flag_kind("relative day: a vs b") == "day"


def test_parquet_is_deterministic_and_typed():
    rows = [{"cluster": "C1", "event": "E1", "n_articles": 2, "articles": ["a", "b"], "confidence": 0.5, "disagreement": False,
             "text": "شمخانی"}, {"cluster": "C2", "event": None, "n_articles": 1, "articles": [], "confidence": None,
                                 "disagreement": True, "text": "x"}]
    cols = ["cluster", "event", "text", "n_articles", "articles", "confidence", "disagreement"]
    one, two = parquet_bytes("clusters", rows, cols), parquet_bytes("clusters", rows, cols)
    assert one == two
    df = pd.read_parquet(io.BytesIO(one))
    assert list(df.columns) == cols and list(df.articles[0]) == ["a", "b"] and pd.isna(df.confidence[1])
    assert str(df.n_articles.dtype) == "int64" and df.text[0] == "شمخانی"


def test_html_overview_escapes_and_is_rtl():
    evil = "<script>alert(1)</script> شمخانی گفت"
    tables = {
        "articles": [{"id": "fa1", "lang": "fa", "outlet": "<b>Mizan</b>", "date": "2024-01-01", "title": evil, "event": "E0001"},
                     {"id": "en1", "lang": "en", "outlet": "Amu", "date": None, "title": "", "event": "E0001"}],
        "events": [{"event": "E0001", "first_date": "2024-01-01", "last_date": "2024-01-01", "title": evil, "n_articles": 2,
                    "n_outlets": 2, "n_langs": 2, "langs": ["en", "fa"], "outlets": ["<b>Mizan</b>", "Amu"],
                    "articles": ["en1", "fa1"], "n_claims": 1, "n_shared": 1, "n_flagged": 1}],
        "clusters": [{"cluster": "C000001", "event": "E0001", "text": evil, "lang": "fa", "speaker": "شمخانی", "first_date": "2024-01-01",
                      "members": ["fa1:1.1", "en1:1.1"], "scope": "several outlets and languages", "confidence": 0.9,
                      "flags": ["en1~fa1: day: <img src=x onerror=alert(1)>"]}],
        "article_pairs": [{"a": "en1", "b": "fa1", "confirmed": True}],
        "bad_rows": [{"id": "<x>", "where": "t.csv:3", "reason": "empty text", "action": "skipped"}],
    }
    page = render_html(tables, {"model": "default", "min_pair_score": 0.5}, standalone=True)
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "Content-Security-Policy" in page and "http://" not in page and "https://" not in page
    assert 'dir="rtl" lang="fa"' in page and "<b>Mizan</b>" not in page
    assert "id='E0001'" in page and "href='#E0001'" in page and "&lt;x&gt;" in page
    assert render_html(tables, {}, standalone=False).startswith("<style>")


def test_xlsx_summary_is_capped(tmp_path):
    from openpyxl import load_workbook

    from align.corpus.outputs import write_xlsx
    from align.corpus.result import COLUMNS

    clusters = [{"cluster": f"C{n:06d}", "event": "E0001", "text": f"=claim {n}", "n_outlets": 1 + n % 2, "n_articles": 1,
                 "outlets": ["a"], "langs": ["en"], "flags": [], "scope": "one outlet"} for n in range(5)]
    tables = {"events": [], "clusters": clusters, "article_pairs": [], "articles": [], "bad_rows": []}
    path = write_xlsx(tmp_path / "s.xlsx", tables, {"model": "default"}, COLUMNS, max_rows=3)
    wb = load_workbook(path)
    ws = wb["clusters"]
    assert ws.max_row == 4 and ws["A2"].value == "C000001"  # shared claims first
    assert ws["C2"].value == "=claim 1" and ws["C2"].data_type == "s"  # text, never a formula
    run = {r[0].value: r[1].value for r in wb["run"].iter_rows()}
    assert "first 3 of 5 rows" in run["rows cut"]
