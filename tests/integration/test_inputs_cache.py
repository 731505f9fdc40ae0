"""The encoder over a damaged or unusable cache: the same embeddings as without a cache, a
warning, and a cache that works again afterwards."""
from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from conftest import FA

from embeddings import EmbeddingCache, Encoder
from embeddings.cache import CacheWarning

TEXTS = [line for line in FA.read_text(encoding="utf-8").splitlines() if len(line) > 3]


def loaded(encoder, cache) -> Encoder:
    """An encoder with its own cache, sharing the session's loaded model (loading it again
    would only cost time)."""
    enc = Encoder(home=encoder.home, cache=cache)
    enc._st = encoder._load()
    return enc


@pytest.fixture(scope="module")
def reference(encoder):
    return loaded(encoder, False).encode(TEXTS)


def test_damaged_cache_gives_the_right_embeddings(encoder, reference, tmp_path):
    path = tmp_path / "embeddings.sqlite"
    np.testing.assert_allclose(loaded(encoder, EmbeddingCache(path)).encode(TEXTS), reference, atol=1e-6)
    os.truncate(path, path.stat().st_size // 3)
    fresh = loaded(encoder, EmbeddingCache(path))
    with pytest.warns(CacheWarning, match="damaged"):
        again = fresh.encode(TEXTS)
    np.testing.assert_allclose(again, reference, atol=1e-6)
    assert list(tmp_path.glob("embeddings.sqlite.corrupt-*"))
    # rebuilt: the next encoder reads everything from it without loading the model
    third = Encoder(home=encoder.home, cache=EmbeddingCache(path))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        np.testing.assert_array_equal(third.encode(TEXTS), again)
    assert third._st is None


def test_cache_under_a_file_is_skipped(encoder, reference, tmp_path):
    (tmp_path / "home").write_text("a file where the home should be")
    enc = loaded(encoder, EmbeddingCache(tmp_path / "home" / "cache" / "embeddings.sqlite"))
    with pytest.warns(CacheWarning, match="without the embedding cache"):
        np.testing.assert_allclose(enc.encode(TEXTS), reference, atol=1e-6)
