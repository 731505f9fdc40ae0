"""A damaged, old, read-only or unusable embedding cache never returns a wrong vector and never
stops a run: damaged files are moved aside and rebuilt, unusable ones are skipped (one warning).
The same holds for the token vectors (their own table, float16 + int32 ids, checksummed)."""
from __future__ import annotations

import os
import random
import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pytest

from embeddings.cache import SCHEMA_VERSION, CacheWarning, EmbeddingCache

DIM = 384
N = 2000


def _texts(n: int = N, tag: str = "s") -> list[str]:
    return [f"{tag} sentence number {i} — جمله شماره {i}" for i in range(n)]


def _vectors(n: int = N, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, DIM), dtype=np.float32)


@pytest.fixture
def filled(tmp_path) -> tuple[Path, list[str], np.ndarray]:
    path = tmp_path / "cache" / "embeddings.sqlite"
    texts, vecs = _texts(), _vectors()
    cache = EmbeddingCache(path)
    for start in range(0, N, 500):
        cache.put("model", texts[start : start + 500], vecs[start : start + 500])
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0
    assert path.stat().st_size > 2_000_000
    return path, texts, vecs


def _assert_never_wrong(found: dict[int, np.ndarray], vecs: np.ndarray) -> None:
    for i, v in found.items():
        np.testing.assert_array_equal(v, vecs[i])


def _aside(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".corrupt-*"))


def _usable_again(path: Path) -> None:
    cache = EmbeddingCache(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no further warning once rebuilt
        cache.put("model", ["fresh"], np.ones((1, DIM), np.float32))
        assert list(cache.get("model", ["fresh"])) == [0]
        assert len(cache) >= 1


def test_roundtrip_and_schema_version(tmp_path):
    path = tmp_path / "c.sqlite"
    cache = EmbeddingCache(path)
    vecs = _vectors(3)
    cache.put("m", ["a", "b", "c"], vecs)
    found = cache.get("m", ["c", "x", "a"])
    assert sorted(found) == [0, 2]
    np.testing.assert_array_equal(found[0], vecs[2])
    assert len(cache) == 3 and cache.path == path
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_truncated_file_is_moved_aside_and_rebuilt(filled):
    path, texts, vecs = filled
    size = path.stat().st_size
    os.truncate(path, size // 2)  # like `truncate -s 20M embeddings.sqlite`
    with pytest.warns(CacheWarning, match="damaged") as caught:
        found = EmbeddingCache(path).get("model", texts)
    assert len(caught) == 1
    _assert_never_wrong(found, vecs)
    aside = _aside(path)
    assert len(aside) == 1 and aside[0].stat().st_size == size // 2  # kept for inspection
    _usable_again(path)


def test_header_overwritten(filled):
    path, texts, vecs = filled
    with open(path, "r+b") as fh:
        fh.write(b"\x00garbage" * 16)
    with pytest.warns(CacheWarning, match="damaged"):
        assert EmbeddingCache(path).get("model", texts) == {}
    assert len(_aside(path)) == 1
    _usable_again(path)


def test_random_bytes_in_pages_never_give_a_wrong_vector(filled):
    path, texts, vecs = filled
    size = path.stat().st_size
    rng = random.Random(7)
    with open(path, "r+b") as fh:
        for _ in range(40):
            fh.seek(rng.randrange(4096, size - 512))
            fh.write(rng.randbytes(rng.choice([8, 64, 512])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheWarning)  # damage in a B-tree page is a warning
        found = EmbeddingCache(path).get("model", texts)
    _assert_never_wrong(found, vecs)
    _usable_again(path)


def test_damage_inside_one_vector_is_a_miss_then_overwritten(filled):
    path, texts, vecs = filled
    data = path.read_bytes()
    target = 1234
    at = data.find(vecs[target].astype("<f4").tobytes()[:64])
    assert at > 0
    with open(path, "r+b") as fh:
        fh.seek(at + 16)
        fh.write(b"\x00\x01\x02\x03")  # a few bytes of one stored vector change
    cache = EmbeddingCache(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not structural damage: a silent miss, no file moved
        found = cache.get("model", texts)
    assert target not in found and len(found) == N - 1
    _assert_never_wrong(found, vecs)
    cache.put("model", [texts[target]], vecs[target : target + 1])
    np.testing.assert_array_equal(cache.get("model", [texts[target]])[0], vecs[target])
    assert not _aside(path)


def test_cache_of_the_previous_schema_is_replaced(tmp_path):
    path = tmp_path / "embeddings.sqlite"
    with sqlite3.connect(path) as con:  # version 1: no checksum column, user_version 0
        con.execute(
            "CREATE TABLE embeddings (model TEXT NOT NULL, text_sha256 BLOB NOT NULL, dim INTEGER NOT NULL,"
            " vector BLOB NOT NULL, PRIMARY KEY (model, text_sha256)) WITHOUT ROWID"
        )
        import hashlib

        con.execute(
            "INSERT INTO embeddings VALUES (?, ?, ?, ?)",
            ("m", hashlib.sha256(b"old").digest(), 4, np.zeros(4, "<f4").tobytes()),
        )
    con.close()
    cache = EmbeddingCache(path)
    assert cache.get("m", ["old"]) == {}
    cache.put("m", ["new"], np.ones((1, 4), np.float32))
    assert list(cache.get("m", ["new"])) == [0] and len(cache) == 1


def test_home_that_is_a_file(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a directory")
    cache = EmbeddingCache(home / "cache" / "embeddings.sqlite")
    with pytest.warns(CacheWarning, match="without the embedding cache") as caught:
        cache.put("m", ["a"], np.ones((1, 4), np.float32))
        assert cache.get("m", ["a"]) == {}
        cache.put("m", ["b"], np.ones((1, 4), np.float32))
        assert len(cache) == 0
    assert len(caught) == 1  # warned once


def test_path_that_is_a_directory(tmp_path):
    (tmp_path / "embeddings.sqlite").mkdir()
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite")
    with pytest.warns(CacheWarning):
        cache.put("m", ["a"], np.ones((1, 4), np.float32))
        assert cache.get("m", ["a"]) == {}


# -- token vectors --------------------------------------------------------------------------------


def _tokens(n_texts: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_texts):
        n = i % 7  # 0 for every seventh text: an empty text is stored too
        out.append((rng.integers(0, 250_000, n).astype(np.int32), rng.normal(0, 3, (n, DIM)).astype(np.float32)))
    return out


def test_token_vectors_round_trip_as_float16_and_int32(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    texts, tokens = _texts(30), _tokens(30)
    cache.put_tokens("m", texts, tokens)
    found = cache.get_tokens("m", [texts[3], "missing", texts[0], texts[7]])
    assert sorted(found) == [0, 2, 3]
    for at, i in ((0, 3), (2, 0), (3, 7)):
        ids, vectors = found[at]
        assert ids.dtype == np.int32 and vectors.dtype == np.float16 and vectors.shape == (i % 7, DIM)
        np.testing.assert_array_equal(ids, tokens[i][0])
        np.testing.assert_array_equal(vectors, tokens[i][1].astype(np.float16))
    assert cache.get_tokens("other model", texts) == {}
    assert cache.count_tokens() == 30 and len(cache) == 0  # their own table: no sentence vector
    cache.put("m", texts[:2], _vectors(2))
    assert len(cache) == 2 and cache.count_tokens() == 30


def test_token_vectors_float16_cannot_hold_are_not_stored(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    big = np.full((2, DIM), 1e6, np.float32)
    cache.put_tokens("m", ["big", "fine"], [(np.arange(2, dtype=np.int32), big), (np.arange(2, dtype=np.int32), big / 1e3)])
    assert list(cache.get_tokens("m", ["big", "fine"])) == [1]
    with pytest.raises(ValueError, match="do not fit"):
        cache.put_tokens("m", ["bad"], [(np.arange(3, dtype=np.int32), big)])


def test_damage_inside_one_token_row_is_a_miss_then_overwritten(tmp_path):
    path = tmp_path / "c.sqlite"
    cache = EmbeddingCache(path)
    texts, tokens = _texts(200), _tokens(200)
    cache.put_tokens("m", texts, tokens)
    target = 6  # a text with 6 tokens
    blob = tokens[target][1].astype("<f2").tobytes()
    data = path.read_bytes()
    at = data.find(blob[:64])
    assert at > 0 and tokens[target][0].size == 6
    with open(path, "r+b") as fh:
        fh.seek(at + 100)
        fh.write(b"\x00\x01\x02\x03")  # a few bytes of one stored token vector change
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not structural damage: a silent miss, no file moved
        found = cache.get_tokens("m", texts)
    assert target not in found and len(found) == 199
    for i, (_, vectors) in found.items():
        np.testing.assert_array_equal(vectors, tokens[i][1].astype(np.float16))
    cache.put_tokens("m", [texts[target]], [tokens[target]])
    assert target in cache.get_tokens("m", texts) and not _aside(path)


def test_a_damaged_file_with_token_vectors_is_moved_aside(tmp_path):
    path = tmp_path / "c.sqlite"
    texts, tokens = _texts(3000), _tokens(3000)
    cache = EmbeddingCache(path)
    for start in range(0, 3000, 1000):
        cache.put_tokens("m", texts[start : start + 1000], tokens[start : start + 1000])
    os.truncate(path, path.stat().st_size // 2)
    with pytest.warns(CacheWarning, match="damaged"):
        found = EmbeddingCache(path).get_tokens("m", texts)
    for i, (_, vectors) in found.items():
        np.testing.assert_array_equal(vectors, tokens[i][1].astype(np.float16))
    assert len(_aside(path)) == 1
    _usable_again(path)


def test_a_version_2_cache_keeps_its_vectors_and_gets_the_token_table(tmp_path):
    path = tmp_path / "embeddings.sqlite"
    vec = np.arange(4, dtype=np.float32)
    EmbeddingCache(path).put("m", ["kept"], vec[None])
    with sqlite3.connect(path) as con:  # as version 2 left it: the embeddings table only
        con.execute("DROP TABLE tokens")
        con.execute("PRAGMA user_version = 2")
    con.close()
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite")
    np.testing.assert_array_equal(cache.get("m", ["kept"])[0], vec)
    cache.put_tokens("m", ["kept"], [(np.array([5], np.int32), np.ones((1, 4), np.float32))])
    assert cache.count_tokens() == 1 and len(cache) == 1
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    con.close()
