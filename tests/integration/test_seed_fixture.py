"""The saved seed embeddings the unit tests run the pipeline on (tests/data/seed_embeddings.npz)
are the model's: the same vectors for the same texts, and the same report. When the model or
what it embeds changes, this fails until the file is regenerated
(``.venv/bin/python tests/data/make_seed_embeddings.py``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
sys.path.insert(0, str(DATA))

from make_seed_embeddings import AR, FA, SETTINGS, rows_of  # noqa: E402

from align.pipeline import model_record, run_stages  # noqa: E402


@pytest.fixture(scope="module")
def saved():
    with np.load(DATA / "seed_embeddings.npz", allow_pickle=False) as z:
        return (z["texts"].tolist(), z["vectors"], json.loads(str(z["model"])), json.loads(str(z["reports"])),
                z["token_texts"].tolist(), z["token_counts"], z["token_vectors"])


def test_the_saved_vectors_are_the_models(encoder, saved):
    texts, vectors, model, _, token_texts, counts, token_vectors = saved
    assert model["fingerprint"] == encoder.fingerprint
    again = encoder.encode(texts)
    assert float(np.abs(again - vectors).max()) < 1e-5
    tokens = np.concatenate([v for _, v in encoder.encode_tokens(token_texts)])
    assert [len(ids) for ids, _ in encoder.encode_tokens(token_texts)] == counts.tolist()
    assert float(np.abs(tokens - token_vectors.astype(np.float32)).max()) < 1e-2  # float16 storage


@pytest.mark.parametrize("unit", sorted(SETTINGS))
def test_the_saved_reports_are_the_models(encoder, saved, unit):
    reports = saved[3]
    got = rows_of(run_stages([FA, AR], SETTINGS[unit], encoder.encode, model_record(encoder), encoder.encode_tokens))
    assert [r[:2] for r in got] == [r[:2] for r in reports[unit]]
    assert [r[2] for r in got] == pytest.approx([r[2] for r in reports[unit]], abs=1e-5)
