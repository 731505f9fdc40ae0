"""Fit the confidence models of align/matching.py on Text+Berg: comparable mode (documents built
from Text+Berg) and parallel mode (steps of the monotonic alignment of the real documents).

Why Text+Berg: its documents give *same-topic* negatives (the unshared sentences come from the
same article), as in two news reports of one event; Tatoeba's random negatives are far easier.
For each of the 7 German-French documents we cut windows of consecutive gold alignments, keep
each alignment on both sides with probability ``--shared`` and otherwise on one side only,
shuffle both sides, run the matcher's candidate step (mutual best by margin), and label each
candidate by the gold alignment. Documents 001-004 fit the logistic model; 005-007 evaluate it.

    python benchmarks/calibrate.py --write align/calibration.json --json calibration-report.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from align.calibration import Calibration  # noqa: E402
from align.matching import choose_pairs  # noqa: E402
from align.parallel import align_texts  # noqa: E402
from align.scoring import margin_matrix  # noqa: E402
from embeddings import Encoder  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "text+berg"


def read_gold(path: Path) -> list[tuple[list[int], list[int]]]:
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            src, tgt = line.split(":")[:2]
            out.append((json.loads(src), json.loads(tgt)))
    return out


def synthetic_pairs(data: Path, docs: list[str], encoder: Encoder, rng: np.random.Generator, window: int, shared: float, reps: int):
    """Yield (cos, margin, gold set of (i, j)) for synthetic comparable document pairs."""
    for doc in docs:
        de = (data / "de" / doc).read_text().splitlines()
        fr = (data / "fr" / doc).read_text().splitlines()
        gold = [g for g in read_gold(data / "gold" / doc) if g[0] and g[1]]
        e_de = encoder.encode(de)
        e_fr = encoder.encode(fr)
        for _ in range(reps):
            start = int(rng.integers(0, max(1, len(gold) - window)))
            chunk = gold[start : start + window]
            a_units, b_units, truth = [], [], set()
            for src, tgt in chunk:
                r = rng.random()
                if r < shared:
                    truth.add((len(a_units), len(b_units)))
                if r < shared or r < shared + (1 - shared) / 2:
                    a_units.append(src)
                if r < shared or r >= shared + (1 - shared) / 2:
                    b_units.append(tgt)
            if len(a_units) < 3 or len(b_units) < 3:
                continue
            pa, pb = rng.permutation(len(a_units)), rng.permutation(len(b_units))
            inv_a, inv_b = np.argsort(pa), np.argsort(pb)
            ea = np.stack([_unit(e_de, a_units[k]) for k in pa])
            eb = np.stack([_unit(e_fr, b_units[k]) for k in pb])
            truth = {(int(inv_a[i]), int(inv_b[j])) for i, j in truth}
            cos, margin = margin_matrix(ea, eb)
            yield cos, margin, truth


def _unit(emb: np.ndarray, ids: list[int]) -> np.ndarray:
    v = emb[ids].mean(axis=0)
    return v / np.linalg.norm(v)


def candidates(samples):
    """Features and labels of every mutual-best candidate (no threshold)."""
    accept_all = Calibration(50.0, 0.0, 0.0, threshold=0.0, equivalent=1.0, parallel=(0.0, 0.0, 0.0))
    X, y, n_true = [], [], 0
    for cos, margin, truth in samples:
        n_true += len(truth)
        for p in choose_pairs(cos, margin, calibration=accept_all, min_score=0.0, allow_merges=False):
            X.append((p.margin_z, p.gap_z))
            y.append((p.a[0], p.b[0]) in truth)
    return np.array(X), np.array(y, dtype=float), n_true


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1e-3, iters: int = 50) -> np.ndarray:
    """Newton-Raphson logistic regression with an intercept; returns (b0, b1, ..)."""
    Xb = np.hstack([np.ones((len(X), 1)), X])
    w = np.zeros(Xb.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-Xb @ w))
        g = Xb.T @ (p - y) + l2 * w
        H = (Xb * (p * (1 - p))[:, None]).T @ Xb + l2 * np.eye(len(w))
        w -= np.linalg.solve(H, g)
    return w


def _f1(keep: np.ndarray, y: np.ndarray, n_true: int) -> float:
    tp = float(y[keep].sum())
    precision, recall = tp / max(1, keep.sum()), tp / max(1, n_true)
    return 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)


def reliability(p: np.ndarray, y: np.ndarray, bins=(0, 0.5, 0.7, 0.8, 0.9, 1.0001)) -> list[dict]:
    rows = []
    for lo, hi in zip(bins[:-1], bins[1:]):
        sel = (p >= lo) & (p < hi)
        if sel.any():
            rows.append({"bin": f"[{lo:.1f},{min(hi, 1):.1f})", "n": int(sel.sum()), "mean_confidence": float(p[sel].mean()), "accuracy": float(y[sel].mean())})
    return rows


def parallel_steps(data: Path, docs: list[str], encoder: Encoder):
    """Features (step score, extra sentences) and strict-correctness of parallel-mode steps."""
    X, y = [], []
    for doc in docs:
        de = (data / "de" / doc).read_text().splitlines()
        fr = (data / "fr" / doc).read_text().splitlines()
        gold = {(tuple(a), tuple(b)) for a, b in read_gold(data / "gold" / doc)}
        for st in align_texts(de, fr, encoder.encode):
            if st.a and st.b:
                X.append((st.score, len(st.a) + len(st.b) - 2))
                y.append((st.a, st.b) in gold)
    return np.array(X), np.array(y, dtype=float)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", default="default")
    ap.add_argument("--window", type=int, default=30, help="gold alignments per synthetic document")
    ap.add_argument("--shared", type=float, default=0.4, help="share of alignments present on both sides")
    ap.add_argument("--reps", type=int, default=40, help="synthetic documents per source document")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--equivalent-accuracy", type=float, default=0.8, help="local accuracy from which a pair is graded 'equivalent'")
    ap.add_argument("--write", type=Path, help="write the fitted coefficients (align/calibration.json)")
    ap.add_argument("--json", type=Path, help="write the full report as JSON")
    args = ap.parse_args(argv)

    encoder = Encoder(args.model)
    rng = np.random.default_rng(args.seed)
    train = ["001", "002", "003", "004"]
    test = ["005", "006", "007"]
    Xtr, ytr, n_true_tr = candidates(synthetic_pairs(args.data, train, encoder, rng, args.window, args.shared, args.reps))
    Xte, yte, n_true_te = candidates(synthetic_pairs(args.data, test, encoder, rng, args.window, args.shared, args.reps))
    w = fit_logistic(Xtr, ytr)
    # Default threshold: the one maximising F1 on the *training* documents' candidates.
    p_tr = Calibration(float(w[0]), float(w[1]), float(w[2]), 0.5, 1.0, (0.0, 0.0, 0.0))(Xtr[:, 0], Xtr[:, 1])
    grid = np.round(np.arange(0.05, 0.951, 0.05), 2)
    f1s = [_f1(p_tr >= t, ytr, n_true_tr) for t in grid]
    threshold = float(grid[int(np.argmax(f1s))])
    # Relation grade: "equivalent" from the lowest confidence t at which pairs *of that confidence*
    # (every 0.1-wide band from t up) are right at least --equivalent-accuracy of the time on the
    # training documents; "related" below. Local accuracy, not cumulative precision, which the
    # many near-certain pairs would inflate.
    def band_ok(t: float) -> bool:
        for lo in np.arange(t, 1.0, 0.05):
            sel = (p_tr >= lo) & (p_tr < lo + 0.1)
            if sel.sum() >= 10 and ytr[sel].mean() < args.equivalent_accuracy:
                return False
        return True

    equivalent = float(next((t for t in grid if t >= threshold and band_ok(t)), grid[-1]))
    cal = Calibration(float(w[0]), float(w[1]), float(w[2]), threshold, equivalent, (0.0, 0.0, 0.0))
    p_te = cal(Xte[:, 0], Xte[:, 1])
    keep = p_te >= threshold
    tp = float((yte[keep] == 1).sum())
    report = {
        "coefficients": {"intercept": cal.intercept, "w_margin": cal.w_margin, "w_gap": cal.w_gap},
        "train": {"docs": train, "candidates": int(len(ytr)), "correct": int(ytr.sum())},
        "test": {
            "docs": test,
            "threshold": threshold,
            "candidates": int(len(yte)),
            "precision": tp / max(1, keep.sum()),
            "recall": tp / max(1, n_true_te),
            "brier": float(np.mean((p_te - yte) ** 2)),
            "equivalent_threshold": equivalent,
            "equivalent_precision": float(yte[p_te >= equivalent].mean()) if (p_te >= equivalent).any() else None,
            "equivalent_share_of_kept": float((p_te >= equivalent).sum() / max(1, keep.sum())),
            "reliability": reliability(p_te, yte),
        },
        "settings": {k: str(v) for k, v in vars(args).items() if k not in ("write", "json")},
    }
    # Parallel mode: confidence of a step of the monotonic alignment
    Xp, yp = parallel_steps(args.data, train, encoder)
    Xq, yq = parallel_steps(args.data, test, encoder)
    wp = fit_logistic(Xp, yp)
    pq = 1 / (1 + np.exp(-(wp[0] + Xq @ wp[1:])))
    report["parallel"] = {
        "coefficients": {"intercept": float(wp[0]), "w_score": float(wp[1]), "w_size": float(wp[2])},
        "train_steps": int(len(yp)), "test_steps": int(len(yq)), "test_accuracy": float(yq.mean()),
        "brier": float(np.mean((pq - yq) ** 2)), "reliability": reliability(pq, yq),
    }
    print(f"coefficients: intercept={cal.intercept:.3f} w_margin={cal.w_margin:.3f} w_gap={cal.w_gap:.3f}")
    print(f"train: {len(ytr)} candidates ({int(ytr.sum())} correct); test: {len(yte)} candidates, {n_true_te} true pairs")
    print(f"threshold (F1-optimal on training documents) = {threshold:.2f}")
    print(f"test precision = {report['test']['precision']:.3f}  recall = {report['test']['recall']:.3f}  brier = {report['test']['brier']:.3f}")
    print(f"equivalent from {equivalent:.2f}: test precision {report['test']['equivalent_precision']:.3f}, "
          f"{report['test']['equivalent_share_of_kept']:.0%} of kept pairs")
    print(f"{'confidence bin':<16}{'n':>6}{'mean conf':>11}{'accuracy':>10}")
    for r in report["test"]["reliability"]:
        print(f"{r['bin']:<16}{r['n']:>6}{r['mean_confidence']:>11.3f}{r['accuracy']:>10.3f}")
    print(f"parallel mode: {len(yq)} test steps ({yq.mean():.3f} exactly right), brier {report['parallel']['brier']:.3f}")
    for r in report["parallel"]["reliability"]:
        print(f"{r['bin']:<16}{r['n']:>6}{r['mean_confidence']:>11.3f}{r['accuracy']:>10.3f}")
    if args.write:
        source = f"benchmarks/calibrate.py (Text+Berg de-fr 001-004, window {args.window}, shared {args.shared}, reps {args.reps}, seed {args.seed}, model {args.model})"
        args.write.write_text(json.dumps({**report["coefficients"], "threshold": threshold, "equivalent": equivalent, "parallel": report["parallel"]["coefficients"], "source": source}, indent=2) + "\n")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
