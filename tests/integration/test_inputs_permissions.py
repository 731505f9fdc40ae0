"""Places the user cannot read or write: an unreadable article is a one-line "permission
denied"; a read-only cache directory or home is read when possible and otherwise skipped, with
one warning per cache, never an exception. Root reads and writes everywhere, so under root each
scenario runs in a forked child that drops to an unprivileged user."""
from __future__ import annotations

import multiprocessing as mp
import os
import stat
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest

from align import load_document
from embeddings.cache import CacheWarning, EmbeddingCache

ROOT = Path(__file__).resolve().parents[2]
EN = ROOT / "examples" / "shamkhani_mohib_en.txt"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _child(fn, args, queue) -> None:
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    try:
        queue.put(("ok", fn(*args)))
    except BaseException as exc:  # reported to the parent
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def unprivileged(fn, *args):
    """``fn(*args)`` as a user without root's rights: (outcome, value or error text)."""
    if os.geteuid() != 0:
        try:
            return "ok", fn(*args)
        except BaseException as exc:
            return "error", f"{type(exc).__name__}: {exc}"
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    proc.join(120)
    return queue.get(timeout=5)


@pytest.fixture
def shared_dir():
    """A directory an unprivileged user can reach (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="claimalign-perm-"))
    base.chmod(0o755)
    yield base
    for p in [base, *base.rglob("*")]:
        if p.is_dir() and not p.is_symlink():
            p.chmod(stat.S_IRWXU)
    for p in sorted(base.rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() and not p.is_symlink() else p.unlink()
    base.rmdir()


def _load(path: str) -> str:
    return load_document(Path(path)).name


def test_unreadable_article_is_permission_denied(shared_dir):
    path = shared_dir / "secret.txt"
    path.write_bytes(EN.read_bytes())
    path.chmod(0)
    outcome, value = unprivileged(_load, str(path))
    assert outcome == "error" and value.startswith("InputError") and "permission denied" in value, value
    assert "\n" not in value
    # an unreadable directory on the way is the same answer
    (shared_dir / "locked").mkdir()
    inner = shared_dir / "locked" / "a.txt"
    inner.write_bytes(EN.read_bytes())
    (shared_dir / "locked").chmod(0)
    outcome, value = unprivileged(_load, str(inner))
    assert outcome == "error" and "permission denied" in value, value


def _read_only_scenario(base: str):
    """The cache dir (with a filled cache) and an empty home are read-only."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cache = EmbeddingCache(Path(base) / "cache" / "embeddings.sqlite")
        found = cache.get("m", ["a", "b", "zz"])
        vec = found[0].tolist()
        cache.put("m", ["c"], np.full((1, 4), 3, np.float32))
        cache.put("m", ["d"], np.full((1, 4), 4, np.float32))
        n = len(cache)
        empty = EmbeddingCache(Path(base) / "home" / "cache" / "embeddings.sqlite")
        empty.put("m", ["x"], np.ones((1, 4), np.float32))
        miss = empty.get("m", ["x"])
    messages = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    others = [str(w.message) for w in caught if not issubclass(w.category, CacheWarning)]
    return sorted(found), vec, n, miss, messages, others


def test_read_only_cache_dir_and_home(shared_dir):
    cache = EmbeddingCache(shared_dir / "cache" / "embeddings.sqlite")
    cache.put("m", ["a", "b"], np.arange(8, dtype=np.float32).reshape(2, 4))
    (shared_dir / "home").mkdir()
    (shared_dir / "cache" / "embeddings.sqlite").chmod(0o444)
    for d in (shared_dir / "cache", shared_dir / "home"):
        d.chmod(0o555)
    outcome, value = unprivileged(_read_only_scenario, str(shared_dir))
    assert outcome == "ok", value
    found, vec, n, miss, messages, others = value
    assert found == [0, 1] and vec == [0, 1, 2, 3] and n == 2  # reading still works
    assert miss == {} and not others
    assert len(messages) == 2, messages  # one per cache, not one per call
    assert "reading it, running without writing to it" in messages[0]
    assert "running without the embedding cache" in messages[1]
