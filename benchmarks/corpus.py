"""Corpus mode: same-event pair retrieval among unrelated articles (dated, undated, half-dated),
calibration, stability, and scaling.

    python benchmarks/corpus.py --suite retrieval     # the retrieval table (real news + 20x unrelated)
    python benchmarks/corpus.py --fit --write         # refit the events section of align/calibration.json
    python benchmarks/corpus.py --suite stability     # scores with 100 unrelated articles added / removed
    python benchmarks/corpus.py --suite scale --sizes 1000 3000 10000 --json corpus.json
    python benchmarks/corpus.py --suite speedup       # embedding: 1 vs 2 local workers

**Retrieval** (``--suite retrieval``): the real-news set (``benchmarks/realnews``: 85 articles of
17 events in fa/ar/en, ``SOURCES.tsv`` gives each article's event, outlet and date — 5 have none —
and ``events.tsv`` the dev/test split) mixed with 20 times as many unrelated articles
(:func:`distractors`: the 93 English news documents of NTREX, then texts of 3-6 sentences, never a
translation of another nor of a sentence of the shipped background sample: Tatoeba lines 300-649
on the language's side and 650-999 on the English side, Text+Berg German and French from different
documents; random dates over the events' years, random outlets). The corpus runs three times:
dated (as published), undated (no date at all) and half-dated (the dates of half the articles,
chosen by a hash of the id, removed). Truth: two articles report the same event when
``SOURCES.tsv`` gives them the same event. Counted: true same-event pairs of two different
languages (recall: confirmed / all of them; precision: true / confirmed cross-language pairs), on
the training side (dev events, even unrelated articles) and held out (test events, odd ones);
plus how the held-out articles fall into events (found, pure, true events recovered exactly).

**Calibration** (``--fit``): the features of the candidate pairs of the undated run (the hardest:
no window) whose two articles are on the training side fit the logistic model
(``align.calibration.fit_logistic``; pairs with a day conflict are left out: their score is 0
whatever the model says); the threshold keeps ``--fit-recall`` (0.98) of the dev events'
same-event pairs by their leave-one-event-out scores. ``--write`` writes the ``events`` section of
``align/calibration.json``; ``--pairs FILE`` keeps the candidates' features (they do not depend
on the calibration), so a refit does not recompute them.

**Stability** (``--suite stability``): the held-out events' articles and 600 unrelated ones, then
the same with 100 more unrelated articles, then with 100 of the 600 removed, undated and dated:
for the pairs of the articles both runs share, the largest score difference, the decisions that
changed, the same-event pairs confirmed in one run only, and whether the events are the same.

**Scaling** (``--suite scale``): synthetic corpora of N articles made from Tatoeba and
Text+Berg sentences: every article line joins two sentences of one language into one (so no two
articles share a line: every text is embedded, as in real corpora), 20% of the articles are
planted cross-language "events" (an article in one language and one in English stating the same
five joined pairs of parallel Tatoeba sentences, plus two lines of their own each, dated at most
a day apart). Run on 2 local Dask workers; reports time per article, CPU per stage, peak RSS per
worker and of this process, and the planted pairs found (``--keep DIR`` keeps each size's
partitions and ``--cold`` embedding cache). **Speedup** (``--suite speedup``): the embedding of
one synthetic corpus (no cache) on one worker, then on two, in one run. The measured figures are
in ``benchmarks/corpus-results.json`` (see the README's corpus section for the commands).
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import random
import re
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "benchmarks"
TATOEBA = SHARED / "tatoeba"
TEXTBERG = SHARED / "text+berg"
NTREX = SHARED / "ntrex"
BACKGROUND_LINES = 300  # Tatoeba lines 0-299: the shipped background sample (benchmarks/comparable_data.py)
REALNEWS = ROOT / "benchmarks" / "realnews"
EXAMPLES = ROOT / "examples"
TEST_EVENTS = {"e05", "e07", "e08", "e10", "e12", "e14", "e16"}  # benchmarks/realnews/events.tsv: split "test"
DEV_EVENTS = {"e01", "e02", "e03", "e04", "e06", "e09", "e11", "e13", "e15", "e17"}
LANGS = {"pes": "fa", "ara": "ar", "deu": "de", "fra": "fr", "rus": "ru", "tur": "tr", "urd": "ur", "heb": "he", "cmn": "zh", "spa": "es"}


def _lines(path: Path) -> list[str]:
    return [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


# -- corpora ------------------------------------------------------------------------------------

def realnews(examples: bool = False) -> list[dict]:
    """The real-news articles (and the three examples), with their events (``event``)."""
    out = []
    with open(REALNEWS / "SOURCES.tsv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            out.append({"id": r["article_id"], "lang": r["lang"], "outlet": r["outlet"], "date": r["date"], "title": r["title"],
                        "text": (REALNEWS / "articles" / f"{r['article_id']}.txt").read_text(encoding="utf-8"), "event": r["event"]})
    if not examples:
        return out
    for name, lang, event, outlet in (("shamkhani_bahrami_fa", "fa", "seed-bahrami", "Mizan"),
                                      ("shamkhani_mohib_ar", "ar", "seed-mohib", "seed (Arabic)"),
                                      ("shamkhani_mohib_en", "en", "seed-mohib", "seed (English, written from the Arabic)")):
        out.append({"id": name, "lang": lang, "outlet": outlet, "date": "", "title": "",
                    "text": (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8"), "event": event})
    return out


def sentence_pools() -> dict[str, list[str]]:
    """Distractor sentences per language, each used once, none a translation of another and none
    a sentence (or the translation of a sentence) of the shipped background sample
    (``align/background.py``: lines 0-299 of the Tatoeba files): a Tatoeba sentence is keyed by
    its English translation (the files of different languages share some English sentences), an
    English one by itself. Lines 300-649 give the language's side, 650-999 the English side."""
    seen: set[str] = set()
    pools: dict[str, list[str]] = {}

    def add(lang: str, sentences: list[str], keys: list[str] | None = None) -> None:
        for s, k in zip(sentences, keys or sentences, strict=True):
            k = k.casefold()
            if k not in seen and len(s.split()) >= 3:
                seen.add(k)
                pools.setdefault(lang, []).append(s)

    for x, lang in LANGS.items():
        xs, es = _lines(TATOEBA / f"tatoeba.{x}-eng.{x}"), _lines(TATOEBA / f"tatoeba.{x}-eng.eng")
        add(lang, xs[BACKGROUND_LINES:650], es[BACKGROUND_LINES:650])
        add("en", es[650:])
    for d in ("001", "002", "003"):
        add("de", _lines(TEXTBERG / "de" / d))
    for d in ("004", "005", "006", "007"):
        add("fr", _lines(TEXTBERG / "fr" / d))
    return pools


def news_documents() -> list[tuple[str, list[str]]]:
    """(document id, lines): the English NTREX news documents (WMT 2019 news, ``shared/benchmarks/ntrex``).
    All in English: some of them report the same story (two agencies on one referendum), which in
    two languages would be an unlabelled same-event pair."""
    docs = [line.split("\t")[0] for line in (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()]
    text = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    out: dict[str, list[str]] = {}
    for doc, line in zip(docs, text, strict=True):
        if line.strip():
            out.setdefault(doc, []).append(line.strip())
    return list(out.items())


def distractors(n: int, seed: int = 0) -> list[dict]:
    """``n`` unrelated articles: the English NTREX news documents, then short texts of
    3-6 sentences from :func:`sentence_pools` (fa, ar, en, de, fr, ru, tr, es, ur, he); random
    dates over the events' years, random outlets."""
    rng = random.Random(seed)
    pools = sentence_pools()
    for lang in pools:
        rng.shuffle(pools[lang])
    out = []

    def add(lang: str, lines: list[str]) -> None:
        date = f"202{rng.randint(3, 5)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append({"id": f"x{len(out):04d}_{lang}", "lang": lang, "outlet": f"distractor outlet {rng.randint(0, 40)}",
                    "date": date, "title": "", "text": "\n".join(lines), "event": None})

    for _, lines in news_documents()[:n]:
        add("en", lines)
    order = [lang for lang, w in (("fa", 3), ("ar", 3), ("en", 6), ("de", 2), ("fr", 2), ("ru", 1), ("tr", 1), ("es", 1),
                                  ("ur", 1), ("he", 1)) for _ in range(w)]
    i = 0
    while len(out) < n and order:
        lang = order[i % len(order)]
        i += 1
        k = rng.randint(3, 6)
        if len(pools[lang]) < k:
            order = [x for x in order if x != lang]
            continue
        add(lang, [pools[lang].pop() for _ in range(k)])
    if len(out) < n:
        raise SystemExit(f"only {len(out)} distractors can be built from the sentence pools")
    return out


def _join(a: str, b: str, lang: str) -> str:
    """Two sentences as one line: the first without its final punctuation, a comma, the second
    (lower-cased first letter in the Latin and Cyrillic languages)."""
    comma = {"fa": "،", "ar": "،", "ur": "،", "zh": "，"}.get(lang, ",")
    if lang in ("en", "de", "fr", "es", "tr", "ru"):
        b = b[:1].lower() + b[1:]
    return re.sub(r"[\s.!?؟。！？…]+$", "", a) + comma + " " + b


def synthetic(n: int, seed: int = 0, event_share: float = 0.2) -> list[dict]:
    """``n`` synthetic articles with planted cross-language events (see the module docstring)."""
    rng = random.Random(seed)
    parallel = {LANGS[x]: (_lines(TATOEBA / f"tatoeba.{x}-eng.{x}"), _lines(TATOEBA / f"tatoeba.{x}-eng.eng"))
                for x in LANGS if (TATOEBA / f"tatoeba.{x}-eng.{x}").exists()}
    parallel = {k: v for k, v in parallel.items() if len(v[0]) == len(v[1]) == 1000}
    own: dict[str, list[str]] = {}
    for lang, (xs, es) in parallel.items():
        own.setdefault(lang, []).extend(xs[300:650])
        own.setdefault("en", []).extend(es[650:])
    for d in ("001", "002", "003"):
        own["de"].extend(_lines(TEXTBERG / "de" / d))
    for d in ("004", "005", "006", "007"):
        own["fr"].extend(_lines(TEXTBERG / "fr" / d))
    langs = sorted(own)
    weights = [6 if x == "en" else (3 if x in ("fa", "ar") else 1) for x in langs]
    start = dt.date(2023, 1, 1)
    out: list[dict] = []
    n_events = int(n * event_share / 2)
    for e in range(n_events):
        lang = rng.choice(sorted(k for k in parallel if k != "en"))
        xs, es = parallel[lang]
        idx = rng.sample(range(300), 10)
        day = start + dt.timedelta(days=rng.randrange(900))
        for side, src, tag in ((lang, xs, "a"), ("en", es, "b")):
            lines = [_join(src[idx[2 * k]], src[idx[2 * k + 1]], side) for k in range(5)]
            lines += [_join(rng.choice(own[side]), rng.choice(own[side]), side) for _ in range(2)]
            rng.shuffle(lines)
            d = day + dt.timedelta(days=rng.randint(0, 1) if tag == "b" else 0)
            out.append({"id": f"s{len(out):05d}_{side}", "lang": side, "outlet": f"outlet {rng.randrange(60)}", "date": d.isoformat(),
                        "title": "", "text": "\n".join(lines), "event": f"p{e:05d}"})
    while len(out) < n:
        lang = rng.choices(langs, weights)[0]
        lines = [_join(rng.choice(own[lang]), rng.choice(own[lang]), lang) for _ in range(rng.randint(6, 8))]
        d = start + dt.timedelta(days=rng.randrange(900))
        out.append({"id": f"s{len(out):05d}_{lang}", "lang": lang, "outlet": f"outlet {rng.randrange(60)}", "date": d.isoformat(),
                    "title": "", "text": "\n".join(lines), "event": None})
    return out


# -- evaluation ---------------------------------------------------------------------------------

def true_pairs(articles: list[dict]) -> set[tuple[str, str]]:
    """Same-event pairs of two different languages, (smaller id, larger id)."""
    out = set()
    for a, b in combinations(sorted(articles, key=lambda x: x["id"]), 2):
        if a["event"] and a["event"] == b["event"] and a["lang"] != b["lang"]:
            out.add((a["id"], b["id"]))
    return out


def precision_recall(pairs, truth: set, langs: dict, scores=None, threshold=None) -> dict:
    """Precision and recall of the confirmed cross-language pairs against ``truth``."""
    found = set()
    for p in pairs:
        ok = p["confirmed"] if scores is None else scores[(p["a"], p["b"])] >= threshold
        if ok and langs[p["a"]] != langs[p["b"]]:
            found.add((p["a"], p["b"]))
    tp = len(found & truth)
    return {"true": len(truth), "confirmed": len(found), "correct": tp, "precision": tp / max(len(found), 1),
            "recall": tp / max(len(truth), 1), "candidates_with_truth": len({(p["a"], p["b"]) for p in pairs} & truth)}


def _home() -> str:
    return os.environ.get("CLAIMALIGN_HOME") or str(Path.home() / ".cache" / "claimalign")


def _table(arts: list[dict], dates: str = "dated") -> list[dict]:
    """The corpus table of ``arts``: ``dates`` "dated" (as published), "undated" (no date at all)
    or "half-dated" (the dates of half the articles, chosen by a hash of their id, removed)."""
    def keep(a: dict) -> bool:
        if dates == "undated":
            return False
        return dates == "dated" or hashlib.blake2b(a["id"].encode(), digest_size=1).digest()[0] % 2 == 0

    return [{k: (a[k] if k != "date" or keep(a) else "") for k in ("id", "lang", "outlet", "date", "title", "text")} for a in arts]


def _candidates(table: list[dict], args) -> list[dict]:
    """Features of every candidate pair (nothing confirmed: no alignment work)."""
    import align.corpus as corpus_mode

    c = corpus_mode.compare_corpus(table, min_pair_score=1.0, progress=not args.quiet, workers=args.workers or None)
    return [dict(p) for p in c.records("article_pairs")]


def _side_of(aid: str, events: dict) -> str:
    """train: a dev event or an even distractor; test: a test event or an odd distractor."""
    e = events.get(aid)
    if e is None:
        return "train" if int(aid[1:5]) % 2 == 0 else "test"
    return "test" if e in TEST_EVENTS else "train"


def _split(pairs: list[dict], events: dict) -> np.ndarray:
    """Per pair: "train", "test" (both articles on that side) or "mixed"."""
    sides = [{_side_of(p["a"], events), _side_of(p["b"], events)} for p in pairs]
    return np.array([s.pop() if len(s) == 1 else "mixed" for s in sides])


def _fit(pairs: list[dict], truth: set, events: dict, args, n_distractors: int):
    """The event calibration fitted on the training side of ``pairs``; its threshold keeps
    ``--fit-recall`` of the dev events' same-event pairs by their leave-one-event-out scores (each
    dev event scored by the model fitted without it: the recall to expect on unseen events)."""
    from align.calibration import EventCalibration, fit_logistic
    from align.corpus.events import FEATURES

    train = [p for p, s in zip(pairs, _split(pairs, events), strict=True) if s == "train" and not p["day_conflict"]]
    x = np.array([[p[f] for f in FEATURES] for p in train])
    y = np.array([int((p["a"], p["b"]) in truth) for p in train])
    fit = fit_logistic(x, y)
    held = np.zeros(len(train))
    for e in sorted(DEV_EVENTS):
        out = np.array([events.get(p["a"]) == e or events.get(p["b"]) == e for p in train])
        if out.any():
            held[out] = EventCalibration.from_fit(fit_logistic(x[~out], y[~out]), 0.5, features=FEATURES)(x[out])
    p_true = np.sort(held[y == 1])[::-1]
    threshold = round(float(p_true[int(np.ceil(args.fit_recall * len(p_true))) - 1]), 4)
    source = (f"benchmarks/corpus.py --fit: logistic on {len(train)} candidate pairs without a day conflict ({int(y.sum())} "
              "same-event) of an "
              f"undated corpus of the benchmarks/realnews articles and {n_distractors} unrelated articles (seed {args.seed}): "
              f"the pairs of the dev events ({', '.join(sorted(DEV_EVENTS))}) and half the unrelated articles; threshold: "
              f"the score that keeps {args.fit_recall} of the dev events' same-event pairs (without a day conflict) by their "
              "leave-one-event-out "
              f"scores; held out: events {', '.join(sorted(TEST_EVENTS))} and the other unrelated articles")
    return EventCalibration.from_fit(fit, threshold, source, features=FEATURES)


def _evaluate(pairs: list[dict], truth: set, events: dict, langs: dict, cal) -> dict:
    """Precision and recall of the decisions of ``cal`` on the training and the held-out side, and
    the events those decisions make of the held-out articles."""
    from align.corpus.events import events_from_pairs, score

    scores = {(p["a"], p["b"]): score(cal, p) for p in pairs}
    side = _split(pairs, events)
    out = {}
    for name in ("train", "test"):
        chosen = [p for p, s in zip(pairs, side, strict=True) if s == name]
        out[name] = precision_recall(chosen, {t for t in truth if _side_of(t[0], events) == _side_of(t[1], events) == name},
                                     langs, scores, cal.threshold)
    found = events_from_pairs([(p["a"], p["b"], scores[p["a"], p["b"]], scores[p["a"], p["b"]] >= cal.threshold)
                               for p in pairs], {})
    held = {a: e for a, e in events.items() if e in TEST_EVENTS}
    out["test_events"] = _event_purity({a: found.get(a) for a in held}, held)
    return out


def run_retrieval(args) -> dict:
    """Same-event retrieval, dated, undated and half-dated (see the module docstring)."""
    from align.calibration import Calibration

    real = realnews()
    n_distractors = args.distractor_ratio * len(real)
    arts = real + distractors(n_distractors, seed=args.seed)
    truth = true_pairs(arts)
    langs = {a["id"]: a["lang"] for a in arts}
    events = {a["id"]: a["event"] for a in arts if a["event"]}
    result = {"articles": len(arts), "real": len(real), "distractors": n_distractors, "true_pairs": len(truth),
              "held_out_true_pairs": sum(1 for t in truth if events[t[0]] in TEST_EVENTS)}
    cached = Path(args.pairs) if args.pairs else None
    if cached is not None and cached.exists():  # the candidates' features of an earlier run (they do not depend on the calibration)
        runs = json.loads(cached.read_text(encoding="utf-8"))
    else:
        runs = {}
        for dates in ("undated", "dated", "half-dated"):
            t0 = time.perf_counter()
            runs[dates] = _candidates(_table(arts, dates), args)
            result[f"seconds_{dates}"] = round(time.perf_counter() - t0, 1)
        if cached is not None:
            cached.write_text(json.dumps(runs), encoding="utf-8")
    cal = _fit(runs["undated"], truth, events, args, n_distractors) if args.fit else Calibration.default().events
    if args.fit and args.write:
        _write_calibration(cal)
    result["calibration"] = cal.to_dict()
    for dates, pairs in runs.items():
        result[dates] = {"candidates": len(pairs), **_evaluate(pairs, truth, events, langs, cal)}
    return result


def _event_purity(found: dict, truth: dict) -> dict:
    """How the found events match the true ones: found events; those with articles of one true
    event only; true events whose articles all landed in one found event of their own."""
    groups: dict[str, list[str]] = {}
    for aid, e in found.items():
        if e:
            groups.setdefault(e, []).append(aid)
    pure = sum(1 for g in groups.values() if len({truth[a] for a in g}) == 1)
    whole = sum(1 for e in set(truth.values()) if len({found.get(a) for a in truth if truth[a] == e}) == 1
                and found.get(next(a for a in truth if truth[a] == e)) is not None
                and all(truth.get(a) == e for a in groups.get(found[next(a for a in truth if truth[a] == e)], [])))
    return {"found": len(groups), "pure": pure, "true_events": len(set(truth.values())), "recovered_exactly": whole}


def run_stability(args) -> dict:
    """A pair's score and decision with 100 unrelated articles added, and removed (held-out events)."""
    import align.corpus as corpus_mode

    base_real = [a for a in realnews() if a["event"] in TEST_EVENTS]
    pool = distractors(args.stability_base + args.stability_change, seed=args.seed + 1)
    base = base_real + pool[: args.stability_base]
    added = base + pool[args.stability_base:]
    removed = base_real + pool[args.stability_change: args.stability_base]
    out = {"base_articles": len(base), "changed": args.stability_change}
    for dates in ("undated", "dated"):
        runs = {}
        for name, arts in (("base", base), ("added", added), ("removed", removed)):
            c = corpus_mode.compare_corpus(_table(arts, dates), progress=not args.quiet, workers=args.workers or None)
            runs[name] = ({(p["a"], p["b"]): (p["score"], p["confirmed"]) for p in c.records("article_pairs")},
                          {a["id"]: a["event"] for a in c.records("articles")})
        out[dates] = {name: _stability(runs["base"], runs[name]) for name in ("added", "removed")}
    return out


def _stability(one: tuple[dict, dict], two: tuple[dict, dict]) -> dict:
    """How the pairs of the articles both runs share compare."""
    (p1, e1), (p2, e2) = one, two
    shared = set(e1) & set(e2)
    a = {k: v for k, v in p1.items() if k[0] in shared and k[1] in shared}
    b = {k: v for k, v in p2.items() if k[0] in shared and k[1] in shared}
    common = a.keys() & b.keys()
    diffs = [abs(a[k][0] - b[k][0]) for k in common]
    confirmed_a = {k for k, v in a.items() if v[1]}
    confirmed_b = {k for k, v in b.items() if v[1]}

    def groups(ev: dict) -> set[frozenset]:
        g: dict[str, set] = {}
        for x in shared:
            if ev.get(x):
                g.setdefault(ev[x], set()).add(x)
        return {frozenset(v) for v in g.values() if len(v) > 1}  # what the shared articles are grouped into

    g1, g2 = groups(e1), groups(e2)
    return {"articles_shared": len(shared), "pairs_scored_in_both": len(common), "max_score_difference": max(diffs, default=0.0),
            "decisions_changed": sum(1 for k in common if a[k][1] != b[k][1]), "confirmed_in_one_only": len(confirmed_a ^ confirmed_b),
            "confirmed": len(confirmed_a), "events_identical": g1 == g2,
            "events_only_before": sorted(sorted(g) for g in g1 - g2), "events_only_after": sorted(sorted(g) for g in g2 - g1),
            "in_an_event_only_after": sorted(x for x in shared if e2.get(x) and not e1.get(x)),
            "in_an_event_only_before": sorted(x for x in shared if e1.get(x) and not e2.get(x))}


def _write_calibration(cal) -> None:
    """Replace the ``events`` section of ``align/calibration.json`` (the claim and step
    calibration stay as they are).
    """
    path = ROOT / "align" / "calibration.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"] = cal.to_dict()
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"calibration written to {path}")


def run_scale(args) -> list[dict]:
    import align.corpus as corpus_mode

    results = []
    for n in args.sizes:
        arts = synthetic(n, seed=args.seed)
        truth = true_pairs(arts)
        langs = {a["id"]: a["lang"] for a in arts}
        table = [{k: a[k] for k in ("id", "lang", "outlet", "date", "title", "text")} for a in arts]
        with _scale_dir(args.keep, n) as tmp:
            home = _scratch_home(Path(tmp)) if args.cold else None
            from embeddings import Encoder

            enc = Encoder(home=home) if home else None
            t0 = time.perf_counter()
            c = corpus_mode.compare_corpus(table, outdir=Path(tmp) / "out", workers=args.workers, encoder=enc,
                                           progress=not args.quiet)
            seconds = time.perf_counter() - t0
        pr = precision_recall(c.records("article_pairs"), truth, langs)
        rss = c.stats["peak_rss_mb"]
        cpu = c.stats["cpu_seconds"]
        cpu_ms = {stage: round(1000 * (v["workers"] + v["here"]) / n, 1) for stage, v in cpu.items()}
        r = {"articles": n, "workers": args.workers, "seconds": round(seconds, 1), "ms_per_article": round(1000 * seconds / n, 1),
             "cpu_ms_per_article": cpu_ms, "cpu_seconds": cpu, "load_average": os.getloadavg()[0],
             "claims": int(sum(a["n_claims"] for a in c.records("articles"))),
             "stage_seconds": c.stats["seconds"], "candidates": c.stats["candidates"],
             "peak_rss_mb_per_worker": rss, "peak_rss_mb_driver": c.stats["peak_rss_mb_here"],
             "planted_pairs": len(truth), "planted_found": pr["correct"], "confirmed_cross_language": pr["confirmed"],
             "precision": round(pr["precision"], 3), "recall": round(pr["recall"], 3),
             "planted_among_candidates": pr["candidates_with_truth"],
             "prepare_reused": c.stats["prepare_reused"], "cold_cache": bool(args.cold)}
        results.append(r)
        print(f"{n:>7} articles  {r['seconds']:>8} s  {r['ms_per_article']:>7} ms/article  claims {r['claims']:>7}  "
              f"RSS/worker {max(rss.values()):>6} MB  driver {r['peak_rss_mb_driver']:>6} MB  planted recall {r['recall']}  "
              f"precision {r['precision']}\n{'':>17}CPU ms/article by stage {cpu_ms}; wall s by stage {c.stats['seconds']}; "
              f"load average {r['load_average']:.1f}", flush=True)
    return results


@contextlib.contextmanager
def _scale_dir(keep: str | None, n: int):
    """Where one size's run lives: a temporary directory, or with ``--keep DIR`` the kept
    ``DIR/nN`` (its prepared partitions and scratch embedding cache reused by the next run)."""
    if not keep:
        with tempfile.TemporaryDirectory(prefix="claimalign-scale-") as tmp:
            yield tmp
        return
    path = Path(keep) / f"n{n}"
    path.mkdir(parents=True, exist_ok=True)
    yield str(path)


def _scratch_home(tmp: Path) -> Path:
    """A claimalign home with the converted default model (linked) and an empty embedding cache
    (kept as it is when it exists: ``--keep``)."""
    from embeddings import ensure_default_model

    model = ensure_default_model(Path(_home()))
    home = tmp / "home"
    if (home / "models" / model.name).exists():
        return home
    (home / "models").mkdir(parents=True, exist_ok=True)
    os.symlink(model, home / "models" / model.name)
    return home


def run_speedup(args) -> dict:
    """Embedding-bound part (prepare partitions, no cache) on 1 then 2 local workers: wall time,
    and the CPU seconds the workers used (equal CPU with 1 and 2 workers = nothing serial; on a
    machine shared with other jobs the wall-time speedup also depends on their load)."""
    from align.corpus.engine import make_executor, prepare_partition
    from embeddings import Encoder

    arts = synthetic(args.speedup_articles, seed=args.seed + 1)
    items = [{"id": a["id"], "text": a["text"], "lang": a["lang"], "title": ""} for a in arts]
    chunks = [items[i: i + 16] for i in range(0, len(items), 16)]
    out = {"articles": len(arts), "load_before": os.getloadavg()[0]}
    for workers in (1, 2):
        ex = make_executor(workers=workers)
        try:
            spec = ex.encoder(Encoder(cache=False))
            ex.client.run(_warm, spec)  # model loaded on every worker before timing
            cpu0 = sum(ex.client.run(_cpu_seconds).values())
            t0 = time.perf_counter()
            n = sum(1 for _ in ex.run(prepare_partition, enumerate(chunks), {"encoder": spec}))
            out[f"seconds_{workers}"] = round(time.perf_counter() - t0, 1)
            out[f"worker_cpu_seconds_{workers}"] = round(sum(ex.client.run(_cpu_seconds).values()) - cpu0, 1)
            assert n == len(chunks)
        finally:
            ex.close()
    out["load_after"] = os.getloadavg()[0]
    out["speedup"] = round(out["seconds_1"] / out["seconds_2"], 2)
    out["cpu_ratio"] = round(out["worker_cpu_seconds_2"] / out["worker_cpu_seconds_1"], 2)
    print(f"embedding-bound part, {len(arts)} articles (no cache): 1 worker {out['seconds_1']} s "
          f"({out['worker_cpu_seconds_1']} CPU s), 2 workers {out['seconds_2']} s ({out['worker_cpu_seconds_2']} CPU s): "
          f"speedup {out['speedup']}x; load average {out['load_before']:.1f} -> {out['load_after']:.1f}", flush=True)
    return out


def _cpu_seconds() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _warm(spec: dict) -> None:
    from align.corpus.engine import _encoder

    _encoder(spec).encode(["warm up the model"])


def _print_retrieval(r: dict) -> None:
    print(f"\nretrieval: {r['real']} real articles + {r['distractors']} unrelated; {r['true_pairs']} true cross-language "
          f"same-event pairs ({r['held_out_true_pairs']} held out); threshold {r['calibration']['threshold']:.4f}")
    print(f"{'dates':>11} {'side':>6} {'true':>5} {'confirmed':>9} {'correct':>8} {'precision':>9} {'recall':>7}  held-out events")
    for dates in ("dated", "half-dated", "undated"):
        for side in ("train", "test"):
            m = r[dates][side]
            ev = r[dates]["test_events"] if side == "test" else ""
            print(f"{dates:>11} {side:>6} {m['true']:>5} {m['confirmed']:>9} {m['correct']:>8} {m['precision']:>9.3f} "
                  f"{m['recall']:>7.3f}  {ev}")


def _print_stability(r: dict) -> None:
    print(f"\nstability: {r['base_articles']} articles (held-out events + unrelated), {r['changed']} unrelated added / removed")
    for dates in ("undated", "dated"):
        for name in ("added", "removed"):
            print(f"{dates:>8} {name:>8} {r[dates][name]}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--suite", choices=["retrieval", "stability", "scale", "speedup", "all"], default="all")
    p.add_argument("--fit", action="store_true", help="fit the calibration on the retrieval corpus's training half")
    p.add_argument("--write", action="store_true", help="with --fit: write the events section of align/calibration.json")
    p.add_argument("--fit-recall", type=float, default=0.98,
                   help="with --fit: the dev events' leave-one-event-out recall the threshold keeps (default 0.98)")
    p.add_argument("--distractor-ratio", type=int, default=20, help="unrelated articles per real article (default 20)")
    p.add_argument("--pairs", metavar="JSON", help="retrieval: keep the candidates' features in this file and read them "
                   "from it when it exists (to refit without recomputing them)")
    p.add_argument("--stability-base", type=int, default=600, help="stability: unrelated articles beside the held-out events")
    p.add_argument("--stability-change", type=int, default=100, help="stability: unrelated articles added, then removed")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    p.add_argument("--workers", type=int, default=2, help="local Dask workers (default 2; 0: in this process)")
    p.add_argument("--speedup-articles", type=int, default=400)
    p.add_argument("--cold", action="store_true", help="scale: an empty embedding cache (every text embedded)")
    p.add_argument("--keep", metavar="DIR", help="scale: keep each size's partitions (and --cold cache) in DIR/nN; a "
                   "second run with the same DIR re-runs only what changed")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", help="also write the results here")
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args(argv)
    results: dict = {}
    if args.suite in ("retrieval", "all"):
        _print_retrieval(results.setdefault("retrieval", run_retrieval(args)))
    if args.suite in ("stability", "all"):
        _print_stability(results.setdefault("stability", run_stability(args)))
    if args.suite in ("scale", "all"):
        results["scale"] = run_scale(args)
    if args.suite in ("speedup", "all"):
        results["speedup"] = run_speedup(args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
