"""Evaluation on public benchmarks: prints a table, optionally writes JSON.

    python benchmarks/evaluate.py                      # all suites, default model
    python benchmarks/evaluate.py --suite tatoeba --langs pes ara --json results.json
    python benchmarks/evaluate.py --model /models/LaBSE

Suites
- ``tatoeba``: X->English and English->X nearest-neighbour accuracy over the 1,000 test pairs of
  each language (``../shared/benchmarks/tatoeba``), scored by raw cosine, by margin (k=4,
  Artetxe & Schwenk), and by margin after per-language centering (see ``--help``).
- ``comparable``: partly overlapping documents built from the Tatoeba evaluation lines
  (``benchmarks/comparable_data.py``: 1-20 shared sentences shuffled among 0-20 unshared ones on
  each side, one sentence per line); ``align.compare(..., segmented=True)`` at its default
  threshold, scored by precision/recall/F1 of the sentence pairs it reports.
- ``realnews``: the hand-annotated real-news set (``benchmarks/realnews``), per split (dev: the
  calibration saw it; test: never), through ``align.compare(..., segmented=True)`` at the
  default threshold: precision of the reported sentence pairs (right = ``strong``; and right =
  any annotated pair), recall of the ``strong`` pairs, micro and macro (per document pair).
- ``textberg``: parallel mode on the 7 German-French Text+Berg documents, one sentence per line
  as given; strict and lax precision/recall/F1 with Vecalign's metric.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_data as cd  # noqa: E402

import align  # noqa: E402
from align.calibration import resolve  # noqa: E402
from align.parallel import align_texts, read_vecalign, score_alignments  # noqa: E402
from align.pipeline import compare_sides, model_record  # noqa: E402
from align.scoring import cosine_matrix, margin_matrix  # noqa: E402
from align.settings import CompareSettings, ParallelSettings  # noqa: E402
from embeddings import Encoder  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
LANGS = ["pes", "ara", "deu", "fra", "rus", "tur", "urd", "heb", "cmn", "spa"]


def load_tatoeba(data: Path, lang: str) -> tuple[list[str], list[str]]:
    x = (data / f"tatoeba.{lang}-eng.{lang}").read_text(encoding="utf-8").splitlines()
    e = (data / f"tatoeba.{lang}-eng.eng").read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in x], [s.strip() for s in e]


def _norm(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def nn_accuracy(x: np.ndarray, y: np.ndarray, method: str, k: int = 4) -> tuple[float, float]:
    """Accuracy of x_i -> y_i and y_i -> x_i retrieval (rows aligned)."""
    if method == "centered-margin":  # subtract each language's mean vector (Libovický et al. 2020)
        x, y = _norm(x - x.mean(0)), _norm(y - y.mean(0))
        method = "margin"
    if method == "cosine":
        s = cosine_matrix(x, y)
    else:
        _, s = margin_matrix(x, y, k=k)
    gold = np.arange(len(x))
    return float((s.argmax(1) == gold).mean()), float((s.argmax(0) == gold).mean())


_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # Arabic harakat, superscript alef, tatweel


def tuned_embeddings(encoder: Encoder, texts: list[str]) -> np.ndarray:
    """The best input convention found for retrieval: Arabic-script diacritics and tatweel
    stripped, and for e5 models the mean of the "query: " and "passage: " embeddings."""
    texts = [_MARKS.sub("", t) for t in texts]
    emb = encoder.encode(texts)
    if encoder.input_prefix == "query: ":
        passage = Encoder(encoder.model, prefix="passage: ", home=encoder.home).encode(texts)
        emb = _norm(emb + passage)
    return emb


def tatoeba_suite(encoder: Encoder, data: Path, langs: list[str]) -> list[dict]:
    rows = []
    for lang in langs:
        xs, es = load_tatoeba(data, lang)
        ex, ee = encoder.encode(xs), encoder.encode(es)
        row = {"lang": lang}
        for method in ("cosine", "margin", "centered-margin"):
            to_en, from_en = nn_accuracy(ex, ee, method)
            row[f"{method} x->en"] = to_en
            row[f"{method} en->x"] = from_en
        # tuned: no diacritics, query+passage, per-language centring, margin with k=2
        tx, te = tuned_embeddings(encoder, xs), tuned_embeddings(encoder, es)
        row["tuned x->en"], row["tuned en->x"] = nn_accuracy(tx, te, "centered-margin", k=2)
        rows.append(row)
    return rows


def _found(report) -> dict[tuple[int, int], float]:
    """0-based sentence pairs of a report's matches (a row of several sentences counts every
    pair of them), with the row's confidence."""
    out: dict[tuple[int, int], float] = {}
    for r in report.matches:
        for i in r.a_ids:
            for j in r.b_ids:
                out[i - 1, j - 1] = max(out.get((i - 1, j - 1), 0.0), r.confidence or 0.0)
    return out


def _prf(found: set, right: set) -> tuple[float, float, float]:
    tp = len(found & right)
    p, r = tp / max(1, len(found)), tp / max(1, len(right))
    return p, r, 0.0 if tp == 0 else 2 * p * r / (p + r)


def comparable_suite(encoder: Encoder, data: Path, langs: list[str], n_docs: int, seed: int,
                     min_score: float | None = None) -> list[dict]:
    """Tatoeba partly overlapping documents (evaluation lines), matched as align.compare does."""
    run = resolve(CompareSettings(segmented=True, min_score=min_score, progress=False))
    model = model_record(encoder)
    rows = []
    for k, lang in enumerate(langs):
        docs = cd.tatoeba(lang, "evaluation", encoder.encode, n_docs, seed + 100 + k, tatoeba_dir=data)
        found = right = hit = 0
        for d in docs:
            f = set(_found(compare_sides(d.a, d.b, run, encoder.encode, model, encoder.encode_tokens)))
            found, right, hit = found + len(f), right + len(d.right), hit + len(f & d.right)
        p, r = hit / max(1, found), hit / max(1, right)
        rows.append({"lang": lang, "docs": n_docs, "pairs": right, "reported": found, "precision": p, "recall": r,
                     "f1": 0.0 if hit == 0 else 2 * p * r / (p + r)})
    return rows


CUTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9)


def realnews_suite(encoder: Encoder, min_score: float | None = None) -> dict:
    """Per split: precision, recall (micro and macro) of the reported sentence pairs at the
    threshold (default: the calibrated one); per pair; and the precision/recall curve along the
    confidence (every pair reported from 0 up, cut at ``CUTS``).
    """
    per_pair, curve_pairs = [], []
    for p in cd.realnews_pairs():
        kw = {"encoder": encoder, "lang_a": p["lang_a"], "lang_b": p["lang_b"], "segmented": True}
        found = set(_found(align.compare(p["path_a"], p["path_b"], min_score=min_score, **kw)))
        g = p["gold"]
        strong = {k for k, v in g.items() if v == "strong"}
        same = {k for k, v in g.items() if v in ("strong", "conflict")}
        per_pair.append({"pair": p["pair_id"], "split": p["split"], "event": p["event"], "langs": f"{p['lang_a']}-{p['lang_b']}",
                         "reported": len(found), "strong_found": len(found & strong), "annotated_found": len(found & set(g)),
                         "same_claim_found": len(found & same), "strong": len(strong), "same_claim": len(same)})
        every = align.compare(p["path_a"], p["path_b"], min_score=0.0, **kw)
        best: dict = {}
        for r in every.matches:
            for i in r.a_ids:
                for j in r.b_ids:
                    best[i - 1, j - 1] = max(best.get((i - 1, j - 1), 0.0), r.confidence or 0.0)
        curve_pairs.append({"split": p["split"], "confidence": best, "gold": g, "strong": strong, "same": same})
    out: dict = {"pairs": per_pair}
    for split in ("dev", "test"):
        rows = [r for r in per_pair if r["split"] == split]
        n = sum(r["reported"] for r in rows)
        strong = sum(r["strong"] for r in rows)
        out[split] = {
            "document_pairs": len(rows), "reported": n, "strong_pairs": strong,
            "precision_strong": sum(r["strong_found"] for r in rows) / max(1, n),
            "precision_annotated": sum(r["annotated_found"] for r in rows) / max(1, n),
            "precision_same_claim": sum(r["same_claim_found"] for r in rows) / max(1, n),
            "recall_strong_micro": sum(r["strong_found"] for r in rows) / max(1, strong),
            "recall_strong_macro": float(np.mean([r["strong_found"] / r["strong"] for r in rows if r["strong"]])),
            "recall_same_claim_micro": sum(r["same_claim_found"] for r in rows) / max(1, sum(r["same_claim"] for r in rows)),
        }
        out[f"{split}_curve"] = _curve([c for c in curve_pairs if c["split"] == split])
    return out


def _curve(pairs: list[dict]) -> list[dict]:
    """Precision (same claim; same claim or related) and recall of the same-claim pairs when the
    pairs are cut at each confidence of ``CUTS``.
    """
    rows = []
    for cut in CUTS:
        kept = [(c, k) for c in pairs for k, v in c["confidence"].items() if v >= cut]
        n = len(kept)
        strong = sum(1 for c, k in kept if k in c["strong"])
        annotated = sum(1 for c, k in kept if k in c["gold"])
        same = sum(1 for c, k in kept if k in c["same"])
        total_same = sum(len(c["same"]) for c in pairs)
        rows.append({"confidence_from": cut, "reported": n, "precision_strong": strong / max(1, n),
                     "precision_annotated": annotated / max(1, n), "recall_same_claim": same / max(1, total_same)})
    return rows


def textberg_suite(encoder: Encoder, data: Path, settings: ParallelSettings, bertalign: bool) -> list[dict]:
    """Strict/lax F1 per document and overall; Bertalign (same encoder) beside when asked."""
    docs = sorted(p.name for p in (data / "gold").iterdir())
    systems = {"claimalign": lambda de, fr: [(s.a, s.b) for s in align_texts(de, fr, encoder.encode, settings)]}
    if bertalign:
        try:
            import bertalign_runner

            bertalign_runner.load()
            systems["bertalign"] = lambda de, fr: bertalign_runner.align(de, fr, encoder.encode)
        except bertalign_runner.BertalignUnavailable as exc:
            print(f"Bertalign not run: {exc}", file=sys.stderr)
    gold: list = []
    test: dict[str, list] = {name: [] for name in systems}
    rows = []
    for doc in docs:
        de = [line.strip() for line in (data / "de" / doc).read_text(encoding="utf-8").splitlines()]
        fr = [line.strip() for line in (data / "fr" / doc).read_text(encoding="utf-8").splitlines()]
        g = read_vecalign((data / "gold" / doc).read_text())
        gold.append(g)
        row = {"doc": doc}
        for name, run in systems.items():
            t = run(de, fr)
            test[name].append(t)
            m = score_alignments([g], [t])
            row[f"{name}_strict"], row[f"{name}_lax"] = m["f1_strict"], m["f1_lax"]
        rows.append(row)
    total = {"doc": "all"}
    for name in systems:
        m = score_alignments(gold, test[name])
        total[f"{name}_strict"], total[f"{name}_lax"] = m["f1_strict"], m["f1_lax"]
        total[f"{name}_p_strict"], total[f"{name}_r_strict"] = m["precision_strict"], m["recall_strict"]
    rows.append(total)
    return rows


def _table(rows: list[dict]) -> str:
    cols = list(rows[0])
    widths = [max(len(c), 6) for c in cols]
    lines = ["  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=False))]
    for r in rows:
        lines.append("  ".join((f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c])).rjust(w) for c, w in zip(cols, widths, strict=False)))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", choices=["tatoeba", "comparable", "realnews", "textberg", "all"], default="all")
    d = ParallelSettings()
    ap.add_argument("--max-size", type=int, default=d.max_size, help="parallel mode: most sentences in one step (both sides)")
    ap.add_argument("--skip", type=float, default=d.skip, help="parallel mode: score of a 1-0 / 0-1 step")
    ap.add_argument("--length-weight", type=float, default=d.length_weight, help="parallel mode: weight of the length-ratio penalty")
    ap.add_argument("--group-penalty", type=float, default=d.group_penalty, help="parallel mode: cost of each extra sentence in a step")
    ap.add_argument("--no-bertalign", action="store_true", help="do not run Bertalign beside (it needs `make bench-deps`)")
    ap.add_argument("--model", default="default")
    ap.add_argument("--data", type=Path, default=SHARED)
    ap.add_argument("--langs", nargs="+", default=LANGS)
    ap.add_argument("--comparable-langs", nargs="+", default=["pes", "ara"], help="languages of the comparable suite")
    ap.add_argument("--docs", type=int, default=50, help="comparable document pairs per language")
    ap.add_argument("--min-score", type=float, help="comparable and realnews suites: threshold (default: the calibrated one)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--calibration-report", type=Path, default=Path(__file__).with_name("calibration-report.json"),
                    help="the report of benchmarks/calibrate.py, whose measured reliability (held out, and leaving "
                         "each distribution out) is copied into the JSON as 'confidence'")
    args = ap.parse_args(argv)
    encoder = Encoder(args.model, show_progress=False)
    out: dict = {"model": args.model, "fingerprint": encoder.fingerprint}
    t0 = time.perf_counter()
    if args.suite in ("tatoeba", "all"):
        rows = tatoeba_suite(encoder, args.data / "tatoeba", args.langs)
        avg = {"lang": "mean", **{k: float(np.mean([r[k] for r in rows])) for k in rows[0] if k != "lang"}}
        out["tatoeba"] = rows + [avg]
        print("Tatoeba nearest-neighbour accuracy (1,000 pairs per language)")
        print(_table(out["tatoeba"]))
        print()
    if args.suite in ("comparable", "all"):
        out["comparable"] = comparable_suite(encoder, args.data / "tatoeba", args.comparable_langs, args.docs, args.seed, args.min_score)
        print(f"Partly overlapping documents from Tatoeba evaluation lines ({args.docs} per language, 1-20 shared sentences among 0-20 unshared per side)")
        print(_table(out["comparable"]))
        print()
    if args.suite in ("realnews", "all"):
        t1 = time.perf_counter()
        out["realnews"] = rn = realnews_suite(encoder, args.min_score)
        print("Real news (benchmarks/realnews; dev seen by the calibration, test never), default threshold")
        print(_table([{"split": s, **{k: v for k, v in rn[s].items()}} for s in ("dev", "test")]))
        for s in ("dev", "test"):
            print(f"{s}: precision and recall along the confidence (pairs from the cut up)")
            print(_table(rn[f"{s}_curve"]))
        print(f"({time.perf_counter() - t1:.1f} s)")
        print()
    if args.suite in ("textberg", "all"):
        settings = ParallelSettings(args.max_size, args.skip, args.length_weight, args.group_penalty)
        rows = textberg_suite(encoder, args.data / "text+berg", settings, bertalign=not args.no_bertalign)
        out["textberg"] = {"settings": vars(settings), "rows": rows}
        print(f"Text+Berg de-fr, parallel mode, F1 (claimalign: {settings}; Bertalign {'' if 'bertalign_strict' in rows[0] else 'not run'} with its defaults, same embeddings)")
        print(_table([{k: v for k, v in r.items() if "_p_" not in k and "_r_" not in k} for r in rows]))
        print("all documents, strict precision / recall: " + "; ".join(
            f"{n} {rows[-1][f'{n}_p_strict']:.3f} / {rows[-1][f'{n}_r_strict']:.3f}" for n in ("claimalign", "bertalign") if f"{n}_p_strict" in rows[-1]))
        print()
    out["seconds"] = time.perf_counter() - t0
    if args.calibration_report and args.calibration_report.exists():
        rep = json.loads(args.calibration_report.read_text())
        out["confidence"] = {k: rep[k] for k in ("model_fingerprint", "threshold", "equivalent", "held_out", "leave_one_out") if k in rep}
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
