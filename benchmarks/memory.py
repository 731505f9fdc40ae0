"""Memory and time of comparable-mode scoring on long inputs: dense matrices vs streamed.

    python benchmarks/memory.py                 # sizes 1000, 4000, 12000 segments per side
    python benchmarks/memory.py --sizes 2000 20000 --json memory.json

Random unit vectors (d=384, the default model's size) stand in for embeddings: memory and time
do not depend on the text. Peak memory is measured with tracemalloc (numpy reports its buffers
to it), over the scoring and pair selection only. "dense" holds the n x m cosine and margin
matrices (what a naive implementation does); "streamed" is claimalign's path for inputs above
``max_cells`` (4 M cells by default): row chunks of ~1 M cells, top-2 per row and column.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from align.calibration import Calibration  # noqa: E402
from align.matching import select_pairs  # noqa: E402
from align.scoring import margin_scores  # noqa: E402


def run(n: int, dense: bool, d: int = 384) -> dict:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(n, d)).astype(np.float32)
    b = rng.normal(size=(n, d)).astype(np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    b[: n // 2] = a[: n // 2]  # half shared
    tracemalloc.start()
    t0 = time.perf_counter()
    scores = margin_scores(a, b, k=4, max_cells=n * n if dense else 0)
    pairs = select_pairs(scores, min_score=Calibration.default().threshold)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"n": n, "mode": "dense" if dense else "streamed", "seconds": round(seconds, 2),
            "peak_mib": round(peak / 2**20, 1), "pairs": len(pairs)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 12000])
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args(argv)
    results = []
    print(f"{'segments':>9} {'mode':>9} {'seconds':>8} {'peak MiB':>9} {'pairs':>6}")
    for n in args.sizes:
        for dense in (True, False):
            if dense and n * n * 4 * 3 > 8 * 2**30:
                continue  # dense would not fit comfortably
            r = run(n, dense)
            results.append(r)
            print(f"{r['n']:>9} {r['mode']:>9} {r['seconds']:>8} {r['peak_mib']:>9} {r['pairs']:>6}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
