"""The embedding cache: re-runs do not re-embed (sentence and token vectors); two processes can share it."""
from __future__ import annotations

import multiprocessing as mp

import numpy as np
from conftest import FA

from embeddings import EmbeddingCache, Encoder


def test_second_run_reads_the_cache_without_loading_the_model(encoder):
    texts = [x for x in FA.read_text(encoding="utf-8").splitlines() if len(x) > 3]
    first = encoder.encode(texts)
    fresh = Encoder(home=encoder.home)  # a new process would start like this
    again = fresh.encode(texts)
    assert fresh._st is None  # the model was never loaded: everything came from the cache
    np.testing.assert_array_equal(first, again)


def test_token_vectors_in_the_cache(encoder, tmp_path):
    """A second run reads the token vectors without loading the model (the values the first
    run returned: float16); the same passes cached the sentence vectors for a later encode."""
    texts = [x for x in FA.read_text(encoding="utf-8").splitlines() if len(x) > 3][:6] + [""]
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    first = Encoder(home=encoder.home, cache=cache)
    tokens = first.encode_tokens(texts)
    assert cache.count_tokens() == len(texts) and len(cache) == len(texts)
    again = Encoder(home=encoder.home, cache=cache)
    cached = again.encode_tokens(texts)
    vectors = again.encode(texts)
    assert again._st is None  # neither loaded the model
    for (a_ids, a), (b_ids, b) in zip(tokens, cached, strict=True):
        np.testing.assert_array_equal(a_ids, b_ids)
        np.testing.assert_array_equal(a, b)
    exact = Encoder(home=encoder.home, cache=False)
    exact._st = first._st
    for (_, a), (_, b) in zip(exact.encode_tokens(texts), cached, strict=True):
        np.testing.assert_allclose(a, b, rtol=2**-11, atol=1e-7)  # float16 of the float32 values
    np.testing.assert_allclose(vectors, exact.encode(texts), atol=1e-6)


def test_cache_keys_include_model_and_prefix(encoder):
    assert encoder.fingerprint != Encoder(home=encoder.home, prefix="passage: ").fingerprint


def _writer(path, seed):
    rng = np.random.default_rng(seed)
    cache = EmbeddingCache(path)
    for batch in range(20):
        texts = [f"w{seed}-{batch}-{i}" for i in range(25)]
        cache.put("model", texts, rng.random((25, 8), dtype=np.float32))
        assert len(cache.get("model", texts)) == 25


def test_two_processes_write_at_once(tmp_path):
    path = tmp_path / "cache.sqlite"
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, s)) for s in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert len(EmbeddingCache(path)) == 2 * 20 * 25


def _first_writer(path, seed, barrier):
    barrier.wait()  # all processes open the brand-new file at the same moment
    EmbeddingCache(path).put("model", [f"t{seed}"], np.ones((1, 4), np.float32))


def test_processes_creating_the_cache_at_once(tmp_path):
    # Before the retry in EmbeddingCache._connect, about 2% of such processes failed with
    # "database is locked" (16 of 800 measured).
    ctx = mp.get_context("fork")
    for trial in range(60):
        path = tmp_path / f"c{trial}.sqlite"
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_first_writer, args=(path, s, barrier)) for s in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0], trial
        assert len(EmbeddingCache(path)) == 4
