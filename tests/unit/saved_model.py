"""The real model's embeddings of the example articles, saved by ``tests/data/make_seed_embeddings.py``
(an integration test keeps the file in step with the model), behind an encoder's interface: unit
tests run the pipeline and corpus stages on real vectors without loading the model."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from align.settings import ModelRecord

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "seed_embeddings.npz"


class SavedModel:
    """``encode`` and ``encode_tokens`` read from the fixture (a text not in it fails the test,
    naming the script that saves it); ``record`` is the model the vectors came from, ``reports``
    the real model's reports saved with them."""

    def __init__(self, path: Path = FIXTURE):
        with np.load(path, allow_pickle=False) as z:
            self.vectors = dict(zip(z["texts"].tolist(), z["vectors"], strict=True))
            ends = np.cumsum(z["token_counts"])
            starts = ends - z["token_counts"]
            self.tokens = {t: (z["token_ids"][s:e], z["token_vectors"][s:e].astype(np.float32))
                           for t, s, e in zip(z["token_texts"].tolist(), starts, ends, strict=True)}
            self.record = ModelRecord(**json.loads(str(z["model"])))
            self.reports = json.loads(str(z["reports"]))
        self.model, self.fingerprint, self.precision = self.record.model, self.record.fingerprint, self.record.precision

    @staticmethod
    def _lookup(table: dict, texts: list[str]) -> list:
        missing = [t for t in texts if t not in table]
        if missing:
            pytest.fail(f"{len(missing)} text(s) not in {FIXTURE.name} (e.g. {missing[0][:60]!r}): "
                        "run tests/data/make_seed_embeddings.py", pytrace=False)
        return [table[t] for t in texts]

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.stack(self._lookup(self.vectors, texts)) if texts else np.zeros((0, 384), np.float32)

    def encode_tokens(self, texts: list[str]) -> list:
        return self._lookup(self.tokens, texts)
