"""Corpus mode: same-event pair retrieval among distractors, calibration, and scaling.

    python benchmarks/corpus.py                       # retrieval (real news + 21x distractors) and scaling 1,000 / 3,000
    python benchmarks/corpus.py --suite retrieval     # only the retrieval table
    python benchmarks/corpus.py --suite scale --sizes 1000 3000 10000 --json corpus.json
    python benchmarks/corpus.py --suite speedup       # embedding: 1 vs 2 local workers
    python benchmarks/corpus.py --fit --write         # refit the events section of align/calibration.json

**Retrieval** (``--suite retrieval``): the real-news set (``benchmarks/realnews``: 37 articles
of 8 events in fa/ar/en, ``SOURCES.tsv`` dates and outlets, ``events.tsv`` says which event each
article reports) plus the three example articles (``examples/``: the Arabic and English ones
report one meeting, the Persian one another; no dates), mixed with 21 times as many unrelated
distractor articles (5-10 sentences each, never a translation of another: Tatoeba sentences
from one half of each file and the English sides of the other half, Text+Berg German and French
from different documents; random dates over the events' years, random outlets). Truth: two
articles report the same event when ``events.tsv`` gives them the same event (the Arabic and
English examples: the same meeting). Counted: true same-event pairs of two different languages
(recall: found and confirmed / all of them; precision: true / confirmed cross-language pairs).

**Calibration** (``--fit``): the features of every candidate pair (``align.corpus.events``) of
the dev events (e01-e04, e06) and half of the distractors (by id) fit the logistic model; the
test events (e05, e07, e08), the examples and the other half of the distractors are held out.
The threshold is the highest score at which the training pairs' recall is still >= 0.97.
``--write`` writes the coefficients to the ``events`` section of ``align/calibration.json``.

**Scaling** (``--suite scale``): synthetic corpora of N articles made from Tatoeba and
Text+Berg sentences: every article line joins two sentences of one language into one (so no two
articles share a line: every text is embedded, as in real corpora), 20% of the articles are
planted cross-language "events" (an article in one language and one in English stating the same
five joined pairs of parallel Tatoeba sentences, plus two lines of their own each, dated at most
a day apart). Run on 2 local Dask workers; reports time per article, peak RSS per worker and of
this process, and the planted pairs found. **Speedup** (``--suite speedup``): the embedding of
one synthetic corpus (no cache) on one worker, then on two, in one run.

**Background sample** (``--background-sample``, ``--keep``): the align stage compares every
claim with a per-language sample of the corpus's claims (at most 4,000 per language), so its
time per candidate grows with the corpus until every language has that many claims, then stays
flat. ``--keep DIR`` keeps each size's prepared partitions, so a second run with another
``--background-sample`` re-runs only the align stage (a sample that every language fills at
every size shows the rest of the stage is flat). The measured figures are in
``benchmarks/corpus-results.json`` (see the README's corpus section for the commands).
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
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
REALNEWS = ROOT / "benchmarks" / "realnews"
EXAMPLES = ROOT / "examples"
TEST_EVENTS = {"e05", "e07", "e08"}
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
    """Distractor sentences per language, each used once, none a translation of another: a
    Tatoeba sentence is keyed by its English translation (the files of different languages
    share some English sentences), an English one by itself."""
    seen: set[str] = set()
    pools: dict[str, list[str]] = {}

    def add(lang: str, sentences: list[str], keys: list[str] | None = None) -> None:
        for s, k in zip(sentences, keys or sentences, strict=True):
            k = k.casefold()
            if k not in seen and len(s.split()) >= 3:
                seen.add(k)
                pools.setdefault(lang, []).append(s)

    for x, lang in LANGS.items():
        add(lang, _lines(TATOEBA / f"tatoeba.{x}-eng.{x}")[:500], _lines(TATOEBA / f"tatoeba.{x}-eng.eng")[:500])
        add("en", _lines(TATOEBA / f"tatoeba.{x}-eng.eng")[500:])
    for d in ("001", "002", "003"):
        add("de", _lines(TEXTBERG / "de" / d))
    for d in ("004", "005", "006", "007"):
        add("fr", _lines(TEXTBERG / "fr" / d))
    return pools


def distractors(n: int, seed: int = 0) -> list[dict]:
    """``n`` unrelated articles of 5-10 sentences (fa, ar, en, de, fr, ru, tr, es, ur, he)."""
    rng = random.Random(seed)
    pools = sentence_pools()
    for lang in pools:
        rng.shuffle(pools[lang])
    order = [lang for lang, w in (("fa", 3), ("ar", 3), ("en", 6), ("de", 2), ("fr", 2), ("ru", 1), ("tr", 1), ("es", 1),
                                  ("ur", 1), ("he", 1)) for _ in range(w)]
    out, i = [], 0
    while len(out) < n and order:
        lang = order[i % len(order)]
        i += 1
        k = rng.randint(5, 10)
        if len(pools[lang]) < k:
            order = [x for x in order if x != lang]
            continue
        sentences = [pools[lang].pop() for _ in range(k)]
        date = f"202{rng.randint(3, 5)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append({"id": f"x{len(out):04d}_{lang}", "lang": lang, "outlet": f"distractor outlet {rng.randint(0, 40)}",
                    "date": date, "title": "", "text": "\n".join(sentences), "event": None})
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


def _candidates(arts: list[dict], args, *, dates: bool = True) -> list[dict]:
    """Features and scores of every candidate pair (nothing confirmed: no alignment work)."""
    import align.corpus as corpus_mode

    table = [{k: (a[k] if dates or k != "date" else "") for k in ("id", "lang", "outlet", "date", "title", "text")} for a in arts]
    c = corpus_mode.compare_corpus(table, min_pair_score=1.0, progress=not args.quiet, workers=args.workers or None)
    return c.records("article_pairs")


def run_retrieval(args) -> dict:
    import align.corpus as corpus_mode
    from align.calibration import Calibration, EventCalibration, fit_logistic
    from align.corpus.events import FEATURES

    real = realnews()
    n_distractors = args.distractor_ratio * len(real)
    arts = real + distractors(n_distractors, seed=args.seed)
    truth = true_pairs(arts)
    langs = {a["id"]: a["lang"] for a in arts}
    events = {a["id"]: a["event"] for a in arts}
    t0 = time.perf_counter()
    pairs = _candidates(arts, args)
    result = {"articles": len(arts), "real": len(real), "distractors": n_distractors, "true_pairs": len(truth),
              "candidates": len(pairs), "seconds_features": round(time.perf_counter() - t0, 1)}
    x = np.array([[p[f] for f in FEATURES] for p in pairs])
    y = np.array([int((p["a"], p["b"]) in truth) for p in pairs])

    def split(aid: str) -> str:
        e = events[aid]
        if e is None:
            return "train" if int(aid[1:5]) % 2 == 0 else "test"
        return "test" if e in TEST_EVENTS else "train"

    side = np.array([{split(p["a"]), split(p["b"])} == {"train"} for p in pairs])
    held = np.array([{split(p["a"]), split(p["b"])} == {"test"} for p in pairs])
    if args.fit:
        fit = fit_logistic(x[side], y[side])
        cal = EventCalibration.from_fit(fit, 0.5, features=FEATURES)
        p_train = cal(x[side])[y[side] == 1]
        best = max((t for t in sorted(set(np.round(p_train, 4))) if np.mean(p_train >= t) >= args.fit_recall), default=0.5)
        source = (f"benchmarks/corpus.py --fit: logistic on {int(side.sum())} candidate pairs ({int(y[side].sum())} same-event) "
                  f"of the benchmarks/realnews dev events e01-e04, e06 and {n_distractors // 2} Tatoeba/Text+Berg distractor "
                  f"articles (seed {args.seed}, date window 7 days); threshold: highest score with training recall >= "
                  f"{args.fit_recall}; held out: events e05, e07, e08 and the other distractors")
        cal = EventCalibration.from_fit(fit, float(best), source, features=FEATURES)
        result["calibration"] = cal.to_dict()
        if args.write:
            _write_calibration(cal)
    else:
        cal = Calibration.default().events
    result["threshold"] = cal.threshold

    def evaluate(pairs: list[dict], truth: set, keep=None) -> dict:
        xs = np.array([[p[f] for f in FEATURES] for p in pairs]) if pairs else np.zeros((0, len(FEATURES)))
        scores = {(p["a"], p["b"]): float(s) for p, s in zip(pairs, cal(xs), strict=True)}
        chosen = [p for n, p in enumerate(pairs) if keep is None or keep[n]]
        return precision_recall(chosen, truth, langs, scores, cal.threshold)

    result["train"] = evaluate(pairs, {t for t in truth if {split(t[0]), split(t[1])} == {"train"}}, side)
    result["test"] = evaluate(pairs, {t for t in truth if {split(t[0]), split(t[1])} == {"test"}}, held)
    result["all"] = evaluate(pairs, truth)
    # the three undated example articles added (hard: two meetings of one official, no dates)
    with_examples = arts + [a for a in realnews(examples=True) if a["id"].startswith("shamkhani")]
    langs.update({a["id"]: a["lang"] for a in with_examples})
    result["with_examples"] = evaluate(_candidates(with_examples, args), true_pairs(with_examples))
    # no dates at all: every candidate by its score alone
    result["no_dates"] = evaluate(_candidates(arts, args, dates=False), truth)
    # the full run: confirmed pairs aligned, events, clusters
    t2 = time.perf_counter()
    table = [{k: a[k] for k in ("id", "lang", "outlet", "date", "title", "text")} for a in arts]
    full = corpus_mode.compare_corpus(table, progress=False, workers=args.workers or None)
    result["full_run"] = {"seconds": round(time.perf_counter() - t2, 1), **full.counts,
                          **precision_recall(full.records("article_pairs"), truth, langs)}
    result["events_found"] = _event_purity({a["id"]: a["event"] for a in full.records("articles")}, events)
    return result


def _event_purity(found: dict, truth: dict) -> dict:
    """How the found events match the true ones: found events with one true event only."""
    groups: dict[str, list[str]] = {}
    for aid, e in found.items():
        if e:
            groups.setdefault(e, []).append(aid)
    pure = sum(1 for g in groups.values() if len({truth[a] for a in g}) == 1 and truth[g[0]] is not None)
    return {"found": len(groups), "pure": pure, "true_events": len({e for e in truth.values() if e})}


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
                                           background_sample=args.background_sample, progress=not args.quiet)
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
             "planted_among_candidates": pr["candidates_with_truth"], "background_sample": args.background_sample,
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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--suite", choices=["retrieval", "scale", "speedup", "all"], default="all")
    p.add_argument("--fit", action="store_true", help="fit the calibration on the retrieval corpus's training half")
    p.add_argument("--write", action="store_true", help="with --fit: write the events section of align/calibration.json")
    p.add_argument("--fit-recall", type=float, default=0.97, help="with --fit: training recall the threshold keeps (default 0.97)")
    p.add_argument("--distractor-ratio", type=int, default=21, help="distractors per real article (default 21)")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    p.add_argument("--workers", type=int, default=2, help="local Dask workers (default 2)")
    p.add_argument("--speedup-articles", type=int, default=400)
    p.add_argument("--cold", action="store_true", help="scale: an empty embedding cache (every text embedded)")
    p.add_argument("--background-sample", type=int, default=4000,
                   help="scale: claims per language in the background sample (default 4000, the shipped setting)")
    p.add_argument("--keep", metavar="DIR", help="scale: keep each size's partitions (and --cold cache) in DIR/nN; a "
                   "second run with the same DIR re-runs only what changed (e.g. the align stage with another "
                   "--background-sample)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", help="also write the results here")
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args(argv)
    results: dict = {}
    if args.suite in ("retrieval", "all"):
        r = results["retrieval"] = run_retrieval(args)
        print(f"\nretrieval: {r['real']} real articles + {r['distractors']} distractors; {r['true_pairs']} true cross-language "
              f"same-event pairs; {r['candidates']} candidates; threshold {r['threshold']:.3f}")
        print(f"{'split':>10} {'true':>5} {'confirmed':>9} {'correct':>8} {'precision':>9} {'recall':>7}")
        for k in ("train", "test", "all", "with_examples", "no_dates"):
            m = r[k]
            print(f"{k:>10} {m['true']:>5} {m['confirmed']:>9} {m['correct']:>8} {m['precision']:>9.3f} {m['recall']:>7.3f}")
        print(f"full run: {r['full_run']}\nevents: {r['events_found']}")
    if args.suite in ("scale", "all"):
        results["scale"] = run_scale(args)
    if args.suite in ("speedup", "all"):
        results["speedup"] = run_speedup(args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
