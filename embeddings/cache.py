"""On-disk embedding cache: (model fingerprint, exact input text) -> float32 vector.

SQLite in WAL mode, so several processes (a notebook and a CLI run, or parallel corpus jobs)
can read and write the same cache at once; writes are single transactions, so a killed
process never leaves a half-written vector.
"""
from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    text_sha256 BLOB NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, text_sha256)
) WITHOUT ROWID
"""


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    """A persistent cache of embeddings. ``EmbeddingCache(path)``; ``get``/``put`` by model + text."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.path)!r})"

    def _connect(self, timeout: float = 60.0) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=timeout)
        # Switching a new database to WAL (and creating the table) can fail at once with
        # "database is locked" when another process does the same at that moment: SQLite does
        # not wait on its busy timeout there. Retry until the same timeout.
        deadline = time.monotonic() + timeout
        while True:
            try:
                if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    con.execute("PRAGMA journal_mode=WAL")
                con.execute(_SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    con.close()
                    raise
                time.sleep(0.02)
        con.execute("PRAGMA synchronous=NORMAL")
        return con

    def get(self, model: str, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Return ``{index in texts: vector}`` for the texts already cached under ``model``."""
        if not texts:
            return {}
        keys = [text_key(t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        con = self._connect()
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = con.execute(
                    f"SELECT text_sha256, dim, vector FROM embeddings WHERE model = ? AND text_sha256 IN ({marks})",
                    [model, *chunk],
                )
                for key, dim, blob in rows:
                    vec = np.frombuffer(blob, dtype="<f4")
                    if vec.size == dim:
                        found[bytes(key)] = vec
        finally:
            con.close()
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def put(self, model: str, texts: Iterable[str], vectors: np.ndarray) -> None:
        rows = [
            (model, text_key(t), int(v.shape[0]), np.ascontiguousarray(v, dtype="<f4").tobytes())
            for t, v in zip(texts, vectors)
        ]
        if not rows:
            return
        con = self._connect()
        try:
            with con:
                con.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)
        finally:
            con.close()

    def __len__(self) -> int:
        con = self._connect()
        try:
            return con.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        finally:
            con.close()
