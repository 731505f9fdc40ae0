"""Token vectors (``Encoder.encode_tokens``) beside sentence vectors (``Encoder.encode``): time,
cache size and memory. Prints a JSON object; ``--json`` writes it too.

    python benchmarks/tokens.py                      # 1,000 sentences timed, 5,000 for memory
    python benchmarks/tokens.py --precision fp32 --repeat 5 --json tokens.json

- ``time``: the 1,000 Tatoeba sentences of ``speed.py`` (a third Persian, Arabic, English),
  ``encode`` and ``encode_tokens`` each through an empty embedding cache (a new SQLite file per
  pass, so the cache writes are counted) and with no cache; the model is loaded before (not
  timed); best of ``--repeat`` passes (wall time, and CPU time of all threads: steadier when
  other processes share the cores), the two methods alternating.
- ``cache``: the cache file after ``encode_tokens`` of those sentences (token vectors, and the
  sentence vectors of the same passes), after ``encode`` alone, and the token rows' payload.
- ``memory``: ``encode_tokens`` of ``--memory-n`` Tatoeba sentences of ten languages, with no
  cache and with one, under tracemalloc (numpy reports its buffers to it; ONNX Runtime's own
  work memory is not seen): the peak beyond the result itself, beside the largest batch's hidden
  states in float32.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from speed import comparable_inputs, tatoeba_sentences  # noqa: E402

from embeddings import EmbeddingCache, Encoder  # noqa: E402
from embeddings.onnx_encoder import MAX_BATCH_TOKENS  # noqa: E402

MIB = 1 << 20


def _encoder(model: Encoder, cache) -> Encoder:
    """An encoder sharing ``model``'s loaded model, with ``cache``."""
    enc = Encoder(precision=model.precision, cache=cache)
    enc._st = model._load()
    return enc


def _file_size(path: Path) -> int:
    """Bytes of a SQLite file once its WAL is checkpointed into it."""
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path.stat().st_size


def time_suite(model: Encoder, texts: list[str], repeat: int) -> dict:
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeat):
            for name in ("encode", "encode_tokens"):
                for cached in (True, False):
                    cache = EmbeddingCache(Path(tmp) / f"{name}-{r}.sqlite") if cached else False
                    enc = _encoder(model, cache)
                    t0, c0 = time.perf_counter(), time.process_time()
                    getattr(enc, name)(texts)
                    dt, dc = time.perf_counter() - t0, time.process_time() - c0
                    key = f"{name}_{'empty_cache' if cached else 'no_cache'}"
                    best[key + "_s"] = min(best.get(key + "_s", float("inf")), dt)
                    best[key + "_cpu_s"] = min(best.get(key + "_cpu_s", float("inf")), dc)
    out = {k: round(v, 3) for k, v in best.items()}
    for cache in ("empty_cache", "no_cache"):
        for unit in ("s", "cpu_s"):
            ratio = best[f"encode_tokens_{cache}_{unit}"] / best[f"encode_{cache}_{unit}"]
            out[f"tokens_vs_encode_{cache}_{'wall' if unit == 's' else 'cpu'}"] = round(ratio, 3)
    return out


def cache_suite(model: Encoder, texts: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tokens_path, vectors_path = Path(tmp) / "tokens.sqlite", Path(tmp) / "vectors.sqlite"
        tokens = _encoder(model, EmbeddingCache(tokens_path)).encode_tokens(texts)
        _encoder(model, EmbeddingCache(vectors_path)).encode(texts)
        n_tokens = sum(len(ids) for ids, _ in tokens)
        dim = tokens[0][1].shape[1]
        with_tokens, vectors_only = _file_size(tokens_path), _file_size(vectors_path)
    per_1000 = 1000 / len(texts)
    return {
        "texts": len(texts),
        "tokens": n_tokens,
        "tokens_per_text": round(n_tokens / len(texts), 2),
        "file_after_encode_tokens_mib_per_1000": round(with_tokens * per_1000 / MIB, 2),
        "file_after_encode_mib_per_1000": round(vectors_only * per_1000 / MIB, 2),
        "token_rows_mib_per_1000": round((with_tokens - vectors_only) * per_1000 / MIB, 2),
        "token_payload_mib_per_1000": round(n_tokens * (2 * dim + 4) * per_1000 / MIB, 2),
    }


def memory_suite(model: Encoder, n: int) -> dict:
    texts = comparable_inputs(n, shuffle=False)[0]
    out = {"texts": n, "largest_batch_hidden_float32_mib": round(MAX_BATCH_TOKENS * 384 * 4 / MIB, 2)}
    with tempfile.TemporaryDirectory() as tmp:
        for label, cache in (("no_cache", False), ("empty_cache", EmbeddingCache(Path(tmp) / "m.sqlite"))):
            enc = _encoder(model, cache)
            tracemalloc.start()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            result = enc.encode_tokens(texts)
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            result_bytes = sum(ids.nbytes + v.nbytes for ids, v in result)
            out[label] = {
                "result_mib": round(result_bytes / MIB, 1),
                "peak_mib": round((peak - base) / MIB, 1),
                "peak_beyond_result_mib": round((peak - base - result_bytes) / MIB, 1),
                "held_after_beyond_result_mib": round((current - base - result_bytes) / MIB, 1),
            }
            del result
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", default="int8", choices=["int8", "fp32"])
    parser.add_argument("--n", type=int, default=1000, help="sentences timed (default 1,000)")
    parser.add_argument("--memory-n", type=int, default=5000, help="sentences for the memory measure (default 5,000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    model = Encoder(precision=args.precision, cache=False)
    t0 = time.perf_counter()
    model._load()
    texts = tatoeba_sentences(args.n)
    results = {
        "precision": args.precision,
        "fingerprint": model.fingerprint,
        "load_s": round(time.perf_counter() - t0, 2),
        "time": time_suite(model, texts, args.repeat),
        "cache": cache_suite(model, texts),
        "memory": memory_suite(model, args.memory_n),
    }
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
