"""Regenerate ``seed_embeddings.npz``: the real model's embeddings of every text the pipeline asks
for when it compares the two example articles (claims, merged claims, background probes), and
the rows that comparison gives.

The unit tests run the whole pipeline (``align.pipeline.run_stages``) on these vectors instead of
the model (``tests/unit/test_pipeline.py``); an integration test checks that the model still gives
the same report (``tests/integration/test_seed_fixture.py``), so the file cannot go stale silently.

    .venv/bin/python tests/data/make_seed_embeddings.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from align.pipeline import model_record, run_stages  # noqa: E402
from align.settings import CompareSettings  # noqa: E402
from embeddings import Encoder  # noqa: E402

OUT = Path(__file__).with_name("seed_embeddings.npz")
FA = ROOT / "examples" / "shamkhani_bahrami_fa.txt"
AR = ROOT / "examples" / "shamkhani_mohib_ar.txt"
SETTINGS = {"sentence": CompareSettings(langs=(None, None)), "claim": CompareSettings(langs=(None, None), unit="claim"),
            "any_speaker": CompareSettings(langs=(None, None), same_speaker=False)}


def rows_of(report) -> list[list]:
    """What the fixture pins of a report: every row's key, status and confidence."""
    return [[r.key, r.status, None if r.confidence is None else round(float(r.confidence), 6)] for r in report.rows]


def main() -> None:
    encoder = Encoder()
    seen: dict[str, np.ndarray] = {}
    seen_tokens: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def encode(texts: list[str]) -> np.ndarray:
        vectors = encoder.encode(texts)
        seen.update(zip(texts, vectors, strict=True))
        return vectors

    def encode_tokens(texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        found = encoder.encode_tokens(texts)
        seen_tokens.update(zip(texts, found, strict=True))
        return found

    model = model_record(encoder)
    reports = {unit: rows_of(run_stages([FA, AR], s, encode, model, encode_tokens)) for unit, s in SETTINGS.items()}
    texts = sorted(seen)
    token_texts = sorted(seen_tokens)
    counts = [len(seen_tokens[t][0]) for t in token_texts]
    np.savez_compressed(
        OUT, texts=np.array(texts), vectors=np.stack([seen[t] for t in texts]).astype(np.float32),
        token_texts=np.array(token_texts), token_counts=np.array(counts, np.int64),
        token_ids=np.concatenate([seen_tokens[t][0] for t in token_texts]).astype(np.int32),
        token_vectors=np.concatenate([seen_tokens[t][1] for t in token_texts]).astype(np.float16),
        model=np.array(json.dumps(model.__dict__)), reports=np.array(json.dumps(reports, ensure_ascii=False)))
    print(f"{OUT}: {len(texts)} texts, {len(token_texts)} with token vectors, model {model.fingerprint}")


if __name__ == "__main__":
    main()
