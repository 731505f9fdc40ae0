"""Fit the confidence models of claimalign on benchmark data, and measure them on data they never saw.

Comparable mode (``align.matching``): every candidate pair of the matcher, with its features
(``align.matching.FEATURES``), is labelled right or wrong by the gold of three distributions
(``benchmarks/comparable_data.py``): Text+Berg de-fr comparable documents (001-004), Tatoeba
fa-en and ar-en partly overlapping documents (calibration lines) and the real-news development
split. A logistic model is fitted on all of them, each distribution weighing the same and, within
one, each document pair the same. The default threshold maximises the mean F1 over the three
training distributions; "equivalent" starts where every 0.1-wide band of training pairs is right
at least ``--equivalent-accuracy`` of the time.

How far the confidence can be trusted on data it never saw is measured two ways:

- **leave one distribution out**: fit on two distributions, read the share of right pairs per
  0.1-wide confidence band on the third (all of it);
- **held out**: the final fit on Text+Berg 005-007, Tatoeba evaluation lines and the real-news
  test split.

Parallel mode: a logistic of a step's score and size on Text+Berg 001-004's steps, tested on
005-007.

One command rebuilds the background samples for the current default model, fits, and writes
both the coefficients and the measured report::

    python benchmarks/calibrate.py --background align/background.npz --write align/calibration.json \\
        --json benchmarks/calibration-report.json
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_data as cd  # noqa: E402

from align import background  # noqa: E402
from align.calibration import Calibration, logistic  # noqa: E402
from align.calibration import fit_logistic as align_fit_logistic  # noqa: E402
from align.matching import candidates, side_evidence, side_scores  # noqa: E402
from align.parallel import align_texts  # noqa: E402
from align.settings import CompareSettings  # noqa: E402
from embeddings import Encoder  # noqa: E402

BANDS = np.round(np.arange(0.0, 1.01, 0.1), 1)
#: The features the confidence is fitted on (of ``align.matching.FEATURES``). The background margin
#: and its gap to the best competitor are left out: with the token alignment beside them they took
#: negative weights (collinear with the document margin and the token gap) for no gain on held-out
#: data (benchmarks/calibration-report.json; the variants were compared on the same candidates).
FEATURES = ("document_level", "document_margin", "shared", "any_shared", "number_conflict",
            "token_max", "token_min", "token_gap", "token_rank")


# -- candidates and labels ----------------------------------------------------------------------

def labelled(pairs: list[cd.DocPair], encode, encode_tokens) -> list[dict]:
    """Per document pair: candidate features (n, len(FEATURES)), labels, and the sentence pair
    of every candidate."""
    out = []
    for p in pairs:
        scores = side_scores(p.a, p.b, k=CompareSettings.k, same_speaker=True, encode=encode)
        c = candidates(scores, side_evidence(p.a, p.b, encode, encode_tokens))
        sa = np.array([(u.sentence or u.id) - 1 for u in p.a.claims], np.int64)
        sb = np.array([(u.sentence or u.id) - 1 for u in p.b.claims], np.int64)
        sent = list(zip(sa[c.i].tolist(), sb[c.j].tolist(), strict=False))
        out.append({"pair": p, "X": np.stack([c.features[f] for f in FEATURES], 1) if len(c) else np.zeros((0, len(FEATURES))),
                    "y": np.array([s in p.right for s in sent], float), "sent": sent})
    return out


def design(groups: dict[str, list[dict]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stacked features, labels and weights: each distribution weighs 1, split evenly over its
    document pairs, and a document pair's weight evenly over its candidates."""
    X, y, w = [], [], []
    for docs in groups.values():
        docs = [d for d in docs if len(d["y"])]
        for d in docs:
            X.append(d["X"])
            y.append(d["y"])
            w.append(np.full(len(d["y"]), 1.0 / (len(docs) * len(d["y"]))))
    w = np.concatenate(w)
    return np.concatenate(X), np.concatenate(y), w / w.mean()


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, l2: float = 1e-2, iters: int = 100) -> np.ndarray:
    """Weighted logistic regression with an intercept (``align.calibration.fit_logistic``: features
    standardised inside), coefficients returned on the raw scale: (b0, b1, ...)."""
    return align_fit_logistic(X, y, w, l2=l2, iterations=iters).raw()


def _plain_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1e-3, iters: int = 50) -> np.ndarray:
    """Newton-Raphson logistic regression on the raw features (the parallel-mode fit, unchanged)."""
    Xb = np.hstack([np.ones((len(X), 1)), X])
    w = np.zeros(Xb.shape[1])
    for _ in range(iters):
        p = logistic(Xb @ w)
        g = Xb.T @ (p - y) + l2 * w
        H = (Xb * (p * (1 - p))[:, None]).T @ Xb + l2 * np.eye(len(w))
        w -= np.linalg.solve(H, g)
    return w


def calibration_of(beta: np.ndarray, threshold: float = 0.5, equivalent: float = 0.75, parallel=(0.0, 0.0, 0.0), source: str = "") -> Calibration:
    return Calibration({"intercept": float(beta[0]), **{f: float(b) for f, b in zip(FEATURES, beta[1:], strict=False)}},
                       threshold, equivalent, tuple(parallel), source, events=Calibration.default().events)


# -- measuring ----------------------------------------------------------------------------------

def sentence_pairs(d: dict, cal: Calibration) -> dict[tuple[int, int], float]:
    """The highest confidence of every candidate sentence pair of one document pair."""
    conf = cal.confidence(dict(zip(FEATURES, d["X"].T, strict=False))) if len(d["y"]) else np.zeros(0)
    best: dict[tuple[int, int], float] = {}
    for s, c in zip(d["sent"], conf.tolist(), strict=False):
        if c > best.get(s, -1.0):
            best[s] = c
    return best


def selection(docs: list[dict], cal: Calibration, threshold: float) -> dict:
    """Precision (right = same claim; and right or annotated as related), recall of the right
    (micro and macro over document pairs) and F1 of the sentence pairs kept at ``threshold``."""
    kept = right = related = n_right = 0
    macro = []
    for d in docs:
        p = d["pair"]
        found = {s for s, c in sentence_pairs(d, cal).items() if c >= threshold}
        kept += len(found)
        right += len(found & p.right)
        related += len(found & (p.related | p.right))
        n_right += len(p.right)
        if p.right:
            macro.append(len(found & p.right) / len(p.right))
    precision, recall = right / max(1, kept), right / max(1, n_right)
    return {"pairs": kept, "precision": precision, "precision_related": related / max(1, kept), "recall": recall,
            "recall_macro": float(np.mean(macro)) if macro else 0.0,
            "f1": 0.0 if right == 0 else 2 * precision * recall / (precision + recall)}


def reliability(docs: list[dict], cal: Calibration) -> list[dict]:
    """Share of right sentence pairs per 0.1-wide confidence band (every candidate counted)."""
    conf, ok = [], []
    for d in docs:
        for s, c in sentence_pairs(d, cal).items():
            conf.append(c)
            ok.append(s in d["pair"].right)
    conf, ok = np.array(conf), np.array(ok, float)
    rows = []
    for lo, hi in zip(BANDS[:-1], BANDS[1:], strict=False):
        sel = (conf >= lo) & ((conf < hi) if hi < 1 else (conf <= hi))
        if sel.any():
            rows.append({"band": f"{lo:.1f}-{hi:.1f}", "pairs": int(sel.sum()), "mean_confidence": float(conf[sel].mean()),
                         "right": float(ok[sel].mean())})
    high = conf >= 0.9
    rows.append({"band": ">=0.9", "pairs": int(high.sum()), "mean_confidence": float(conf[high].mean()) if high.any() else None,
                 "right": float(ok[high].mean()) if high.any() else None})
    return rows


def fit(groups: dict[str, list[dict]], equivalent_accuracy: float = 0.8, source: str = "") -> Calibration:
    """Coefficients, F1-optimal threshold (mean over the groups) and equivalent grade."""
    X, y, w = design(groups)
    beta = fit_logistic(X, y, w)
    cal = calibration_of(beta)
    grid = np.round(np.arange(0.05, 0.951, 0.05), 2)
    f1 = [np.mean([selection(docs, cal, t)["f1"] for docs in groups.values()]) for t in grid]
    threshold = float(grid[int(np.argmax(f1))])
    p = cal.confidence(dict(zip(FEATURES, X.T, strict=False)))

    def band_ok(t: float) -> bool:
        for lo in np.arange(t, 1.0, 0.05):
            sel = (p >= lo) & (p < lo + 0.1)
            if sel.sum() >= 10 and np.average(y[sel], weights=w[sel]) < equivalent_accuracy:
                return False
        return True

    equivalent = float(next((t for t in grid if t >= threshold and band_ok(t)), grid[-1]))
    return calibration_of(beta, threshold, equivalent, source=source)


# -- parallel mode ------------------------------------------------------------------------------

def parallel_steps(data: Path, docs: list[str], encoder: Encoder):
    """Features (step score, extra sentences) and strict-correctness of parallel-mode steps."""
    X, y = [], []
    for doc in docs:
        de = (data / "de" / doc).read_text().splitlines()
        fr = (data / "fr" / doc).read_text().splitlines()
        gold = {(tuple(a), tuple(b)) for a, b in cd.read_gold(data / "gold" / doc)}
        for st in align_texts(de, fr, encoder.encode):
            if st.a and st.b:
                X.append((st.score, len(st.a) + len(st.b) - 2))
                y.append((st.a, st.b) in gold)
    return np.array(X), np.array(y, dtype=float)


def parallel_fit(data: Path, encoder: Encoder) -> dict:
    Xp, yp = parallel_steps(data, ["001", "002", "003", "004"], encoder)
    Xq, yq = parallel_steps(data, ["005", "006", "007"], encoder)
    wp = _plain_logistic(Xp, yp)
    pq = logistic(wp[0] + Xq @ wp[1:])
    rows = []
    for lo, hi in ((0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0001)):
        sel = (pq >= lo) & (pq < hi)
        if sel.any():
            rows.append({"band": f"{lo:.1f}-{min(hi, 1):.1f}", "steps": int(sel.sum()), "mean_confidence": float(pq[sel].mean()),
                         "right": float(yq[sel].mean())})
    return {"coefficients": {"intercept": float(wp[0]), "w_score": float(wp[1]), "w_size": float(wp[2])},
            "train_steps": int(len(yp)), "test_steps": int(len(yq)), "test_accuracy": float(yq.mean()),
            "brier": float(np.mean((pq - yq) ** 2)), "reliability": rows}


# -- main ---------------------------------------------------------------------------------------

def _print_bands(title: str, rows: list[dict]) -> None:
    print(f"  {title}: " + "  ".join(f"{r['band']} {r['pairs']}/{r['right']:.2f}" for r in rows if r["right"] is not None))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="default")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--docs", type=int, default=50, help="Tatoeba documents per language and part")
    ap.add_argument("--reps", type=int, default=12, help="Text+Berg comparable documents per source document")
    ap.add_argument("--equivalent-accuracy", type=float, default=0.8, help="local accuracy from which a pair is graded 'equivalent'")
    ap.add_argument("--background", type=Path, help="first rebuild the background samples for --model into this file (align/background.npz)")
    ap.add_argument("--write", type=Path, help="write the fitted coefficients (align/calibration.json)")
    ap.add_argument("--json", type=Path, help="write the full report as JSON")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    encoder = Encoder(args.model, show_progress=False)
    if args.background:
        background.write(args.background, cd.background_samples(), encoder.encode, encoder.fingerprint, encoder.encode_tokens)
        print(f"background samples written to {args.background} ({', '.join(background.languages())})")
    encode, tokens = encoder.encode, encoder.encode_tokens

    tb_train = ["001", "002", "003", "004"]
    tb_test = ["005", "006", "007"]
    train = {
        "textberg": labelled(cd.textberg(tb_train, encode, reps=args.reps, seed=args.seed), encode, tokens),
        "tatoeba": labelled(cd.tatoeba("pes", "calibration", encode, args.docs, args.seed)
                            + cd.tatoeba("ara", "calibration", encode, args.docs, args.seed + 1), encode, tokens),
        "realnews": labelled(cd.realnews("dev", encode), encode, tokens),
    }
    held = {
        "textberg": labelled(cd.textberg(tb_test, encode, reps=args.reps * 2, seed=args.seed + 7), encode, tokens),
        "tatoeba": labelled(cd.tatoeba("pes", "evaluation", encode, args.docs, args.seed + 2)
                            + cd.tatoeba("ara", "evaluation", encode, args.docs, args.seed + 3), encode, tokens),
        "realnews": labelled(cd.realnews("test", encode), encode, tokens),
    }
    source = (f"benchmarks/calibrate.py (Text+Berg de-fr 001-004 comparable x{args.reps}, Tatoeba fa/ar-en lines "
              f"{cd.CALIBRATION_LINES[0]}-{cd.CALIBRATION_LINES[1] - 1} x{args.docs}, real-news dev; seed {args.seed}, "
              f"model {args.model} {encoder.fingerprint})")
    cal = fit(train, args.equivalent_accuracy, source)
    print("coefficients: " + ", ".join(f"{k} {v:.3f}" for k, v in cal.weights.items()))
    print(f"threshold (mean F1 over the training distributions) {cal.threshold:.2f}; equivalent from {cal.equivalent:.2f}")

    report: dict = {"coefficients": cal.weights, "threshold": cal.threshold, "equivalent": cal.equivalent,
                    "features": list(FEATURES), "train": {}, "held_out": {}, "leave_one_out": {}}
    for name, docs in train.items():
        report["train"][name] = {"pairs": len(docs), **selection(docs, cal, cal.threshold)}
    print("held out (the final fit never saw these):")
    for name, docs in held.items():
        sel = selection(docs, cal, cal.threshold)
        rel = reliability(docs, cal)
        report["held_out"][name] = {"pairs": len(docs), **sel, "reliability": rel}
        print(f"  {name}: P {sel['precision']:.3f} (right or related {sel['precision_related']:.3f}) R {sel['recall']:.3f} "
              f"(macro {sel['recall_macro']:.3f}) F1 {sel['f1']:.3f}")
        _print_bands(name, rel)
    print("leave one distribution out (fit on the other two, measured on all of this one):")
    for name in train:
        rest = {k: v for k, v in train.items() if k != name}
        loo = fit(rest, args.equivalent_accuracy)
        docs = train[name] + held[name]
        rel = reliability(docs, loo)
        report["leave_one_out"][name] = {"fitted_on": sorted(rest), "threshold": loo.threshold,
                                         **selection(docs, loo, loo.threshold), "reliability": rel}
        _print_bands(name, rel)

    par = parallel_fit(cd.SHARED / "text+berg", encoder)
    report["parallel"] = par
    print(f"parallel mode: {par['test_steps']} test steps ({par['test_accuracy']:.3f} exactly right), brier {par['brier']:.3f}")
    cal = Calibration(cal.weights, cal.threshold, cal.equivalent,
                      (par["coefficients"]["intercept"], par["coefficients"]["w_score"], par["coefficients"]["w_size"]), source,
                      Calibration.default().parallel_threshold, Calibration.default().events)
    report["settings"] = {k: str(v) for k, v in vars(args).items() if k not in ("write", "json", "background")}
    report["model_fingerprint"] = encoder.fingerprint
    report["seconds"] = round(time.perf_counter() - t0, 1)
    if args.write:
        args.write.write_text(json.dumps(cal.to_dict(), indent=2) + "\n")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
