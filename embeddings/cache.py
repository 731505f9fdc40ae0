"""On-disk embedding cache: (model fingerprint, exact input text) -> float32 vector, and in a
table of its own -> the text's token vectors (int32 token ids + float16 vectors, ``get_tokens`` /
``put_tokens``).

SQLite in WAL mode, so several processes (a notebook and a CLI run, or parallel corpus jobs)
can read and write the same cache at once; writes are single transactions, so a killed
process never leaves a half-written vector.

A cache is never a reason to fail a run or to return a wrong vector:

- Every row carries a checksum (BLAKE2b of the model, the text key, the dimension and the
  vector's bytes; for token vectors also the token count and the ids' bytes), verified on every
  read: a row that does not match is a miss, and the next ``put`` of that text overwrites it.
- A file SQLite finds damaged ("database disk image is malformed", "file is not a database";
  checked with ``PRAGMA quick_check`` the first time a process opens a file in a given state, and
  on every query) is moved aside to ``<name>.corrupt-<timestamp>`` (with its -wal/-shm files) and
  an empty cache is started in its place, with a ``CacheWarning``.
- A cache that cannot be written (read-only home or cache directory, a home that is a file, a
  full disk, any other SQLite or OS error on opening or writing) is read when it can be and
  otherwise skipped: one ``CacheWarning`` per file and process, never an exception.
- A cache of an older schema (``PRAGMA user_version`` < ``SCHEMA_VERSION``) is upgraded: a
  version 2 cache keeps its vectors and gets the token table; an older one is emptied and
  recreated. One of a newer claimalign is left alone (used as unavailable).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

#: 2: checksum column, rowid table (half the size of v1's WITHOUT ROWID); 3: the tokens table
SCHEMA_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    text_sha256 BLOB NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    checksum BLOB NOT NULL,
    PRIMARY KEY (model, text_sha256)
)
"""
#: A text's token vectors: ``n`` int32 ids and ``n`` x ``dim`` float16 values (little-endian).
_TOKENS_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    model TEXT NOT NULL,
    text_sha256 BLOB NOT NULL,
    n INTEGER NOT NULL,
    dim INTEGER NOT NULL,
    ids BLOB NOT NULL,
    vectors BLOB NOT NULL,
    checksum BLOB NOT NULL,
    PRIMARY KEY (model, text_sha256)
)
"""
_MAX_DIM = 1 << 20

T = TypeVar("T")


class CacheWarning(UserWarning):
    """The embedding cache was damaged (and rebuilt) or cannot be used; the run goes on."""


class _Damaged(Exception):
    """The cache file failed its integrity check."""


class _Unavailable(Exception):
    """The cache file cannot be used by this version (made by a newer one)."""


_WARNED: set[tuple[str, str]] = set()  # (path, what): warnings already given in this process
_VERIFIED: dict[str, tuple[int, int, int, int]] = {}  # path -> file state that passed quick_check


def text_key(text: str) -> bytes:
    """The key of a text in the cache: SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def _checksum(model: str, key: bytes, dim: int, blob: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    h.update(model.encode("utf-8") + b"\0" + key + dim.to_bytes(4, "little"))
    h.update(blob)
    return h.digest()


def _tokens_checksum(model: str, key: bytes, n: int, dim: int, ids: bytes, vectors: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=16, person=b"tokens")
    h.update(model.encode("utf-8") + b"\0" + key + n.to_bytes(4, "little") + dim.to_bytes(4, "little"))
    h.update(ids)
    h.update(vectors)
    return h.digest()


def tokens_row(ids: np.ndarray, vectors: np.ndarray) -> tuple[int, int, bytes, bytes] | None:
    """``(n, dim, ids bytes, float16 vector bytes)`` of a text's token vectors as stored, or None
    when float16 cannot hold them (a value beyond its range: such a text is not cached).
    """
    ids = np.asarray(ids)
    vectors = np.asarray(vectors)
    if ids.ndim != 1 or vectors.ndim != 2 or len(ids) != len(vectors) or not 0 < vectors.shape[1] < _MAX_DIM:
        raise ValueError(f"token ids {ids.shape} and vectors {vectors.shape} do not fit together")
    with np.errstate(over="ignore"):
        half = np.ascontiguousarray(vectors, dtype="<f2")
    if not np.isfinite(half).all():
        return None
    return len(ids), int(vectors.shape[1]), np.ascontiguousarray(ids, dtype="<i4").tobytes(), half.tobytes()


def _is_damage(exc: BaseException) -> bool:
    if isinstance(exc, _Damaged):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        return True
    message = str(exc).lower()
    return "malformed" in message or "not a database" in message


def _file_state(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


class EmbeddingCache:
    """A persistent cache of embeddings. ``EmbeddingCache(path)``; ``get``/``put`` by model + text."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.path)!r})"

    # -- connections -----------------------------------------------------------------------

    def _connect(self, timeout: float = 60.0) -> sqlite3.Connection:
        """A read-write connection to a checked file with the current schema."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        con.text_factory = bytes  # a damaged TEXT value never fails to decode
        # Switching a new database to WAL (and creating the table) can fail at once with
        # "database is locked" when another process does the same at that moment: SQLite does
        # not wait on its busy timeout there. Retry until the same timeout.
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != b"wal":
                        con.execute("PRAGMA journal_mode=WAL")
                    self._verify(con)
                    self._ensure_schema(con)
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
            con.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            con.close()
            raise
        return con

    def _connect_read_only(self) -> sqlite3.Connection | None:
        """A read-only connection where the cache cannot be written (None when there is no
        usable file). ``immutable`` when even the WAL index cannot be created (read-only
        directory); checksums still guard every row.
        """
        if not self.path.is_file():
            return None
        uri = self.path.absolute().as_uri()
        for mode in ("mode=ro", "immutable=1"):
            con = None
            try:
                con = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=10.0, isolation_level=None)
                con.text_factory = bytes
                self._verify(con)
                if con.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    con.close()
                    return None
                return con
            except sqlite3.DatabaseError as exc:
                if con is not None:
                    con.close()
                if _is_damage(exc):
                    raise
            except _Damaged:
                con.close()
                raise
        return None

    def _verify(self, con: sqlite3.Connection) -> None:
        """``PRAGMA quick_check``, once per process and file state (size, mtime, inode)."""
        key = str(self.path)
        state = _file_state(self.path)
        if state is None or _VERIFIED.get(key) == state:
            return
        rows = con.execute("PRAGMA quick_check").fetchall()
        if rows != [(b"ok",)]:
            detail = rows[0][0].decode("utf-8", "replace") if rows and isinstance(rows[0][0], bytes) else "failed"
            raise _Damaged(f"database disk image is malformed ({detail})")
        _VERIFIED[key] = state

    def _ensure_schema(self, con: sqlite3.Connection) -> None:
        if con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        con.execute("BEGIN IMMEDIATE")
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _Unavailable(f"made by a newer claimalign (schema {version})")
            if version == 2:  # the vectors stay; the token vectors get their table
                con.execute(_TOKENS_SCHEMA)
            elif version < SCHEMA_VERSION:  # older (v1 had no checksums), or new: it is only a cache
                con.execute("DROP TABLE IF EXISTS embeddings")
                con.execute("DROP TABLE IF EXISTS tokens")
                con.execute(_SCHEMA)
                con.execute(_TOKENS_SCHEMA)
            if version < SCHEMA_VERSION:
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    def _run(self, op: Callable[[sqlite3.Connection], T], default: T, *, write: bool) -> T:
        """Run ``op`` on a connection; a damaged file is moved aside and ``op`` retried once on
        a new one; a cache that cannot be used gives ``default`` (one warning).
        """
        for attempt in range(2):
            con = None
            error: BaseException | None = None
            try:
                try:
                    con = self._connect()
                except (sqlite3.DatabaseError, OSError, _Unavailable) as exc:
                    if write or _is_damage(exc):
                        raise
                    con = self._connect_read_only()  # reading a cache we cannot write
                    if con is None:
                        raise
                    self._cannot_write(exc)
                result = op(con)
            except (sqlite3.DatabaseError, OSError, _Damaged, _Unavailable) as exc:
                error = exc
            finally:
                if con is not None:
                    con.close()
            if error is None:
                if write:
                    self._written()
                return result
            if _is_damage(error) and attempt == 0 and self._quarantine(error):
                continue
            self._cannot_write(error)
            return default
        return default

    def _written(self) -> None:
        # Our own committed write does not need another quick_check: remember the new state.
        if str(self.path) in _VERIFIED:
            state = _file_state(self.path)
            if state is not None:
                _VERIFIED[str(self.path)] = state

    def _warn(self, what: str, message: str) -> None:
        key = (str(self.path), what)
        if key not in _WARNED:
            _WARNED.add(key)
            warnings.warn(message, CacheWarning, stacklevel=4)

    def _cannot_write(self, exc: BaseException) -> None:
        if (str(self.path), "unusable") in _WARNED:
            return
        readable = False
        if not _is_damage(exc):
            try:
                con = self._connect_read_only()
            except (sqlite3.DatabaseError, OSError, _Damaged):
                con = None
            if con is not None:
                con.close()
                readable = True
        if readable:
            how = "reading it, running without writing to it"
        else:
            how = "running without the embedding cache"
        self._warn("unusable", f"embedding cache {self.path} cannot be written ({_reason(exc)}): {how}")

    def _quarantine(self, exc: BaseException) -> bool:
        """Move a damaged file (and its -wal/-shm) aside; True when an empty cache can start."""
        _VERIFIED.pop(str(self.path), None)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        try:
            os.rename(self.path, target)
        except FileNotFoundError:
            return True  # another process moved it first
        except OSError as move_error:
            self._warn(
                "unusable",
                f"embedding cache {self.path} is damaged ({_reason(exc)}) and cannot be moved aside "
                f"({_reason(move_error)}): running without the embedding cache",
            )
            return False
        for suffix in ("-wal", "-shm"):
            side = Path(str(self.path) + suffix)
            with contextlib.suppress(OSError):
                os.rename(side, Path(str(target) + suffix))
        warnings.warn(
            f"embedding cache {self.path} was damaged ({_reason(exc)}): moved it to {target.name} "
            "and started an empty one",
            CacheWarning,
            stacklevel=4,
        )
        return True

    # -- public API ------------------------------------------------------------------------

    def get(self, model: str, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Return ``{index in texts: vector}`` for the texts already cached under ``model``.
        A row whose checksum does not match is left out (a miss).
        """

        def vector(key, dim, blob, checksum) -> np.ndarray | None:
            if not (isinstance(key, bytes) and isinstance(dim, int) and isinstance(blob, bytes)):
                return None
            if 0 < dim < 1 << 20 and len(blob) == 4 * dim and checksum == _checksum(model, key, dim, blob):
                return np.frombuffer(blob, dtype="<f4")
            return None

        return self._select("embeddings", "dim, vector, checksum", model, texts, vector)

    def _select(self, table: str, columns: str, model: str, texts: Sequence[str], read: Callable[..., Any]) -> dict[int, Any]:
        """``{index in texts: read(text_sha256, *columns)}`` for the rows of ``table`` under
        ``model`` (in chunks of 500 keys), where ``read`` accepts the row (it returns None for a
        damaged one: a miss).
        """
        if not texts:
            return {}
        keys = [text_key(t) for t in texts]

        def query(con: sqlite3.Connection) -> dict[bytes, Any]:
            found: dict[bytes, Any] = {}
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = con.execute(f"SELECT text_sha256, {columns} FROM {table} WHERE model = ? AND text_sha256 IN ({marks})",
                                   [model, *chunk])
                for row in rows:
                    value = read(*row)
                    if value is not None:
                        found[row[0]] = value
            return found

        found = self._run(query, {}, write=False)
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def put(self, model: str, texts: Iterable[str], vectors: np.ndarray) -> None:
        """Store one vector per text under ``model`` (one transaction; replaces older rows).
        Where the cache cannot be written, nothing is stored (one ``CacheWarning``).
        """
        rows = []
        for t, v in zip(texts, vectors, strict=True):
            key, blob = text_key(t), np.ascontiguousarray(v, dtype="<f4").tobytes()
            dim = int(v.shape[0])
            rows.append((model, key, dim, blob, _checksum(model, key, dim, blob)))
        if rows:
            self._insert("INSERT OR REPLACE INTO embeddings (model, text_sha256, dim, vector, checksum) VALUES (?, ?, ?, ?, ?)", rows)

    def get_tokens(self, model: str, texts: Sequence[str]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Return ``{index in texts: (ids, vectors)}`` for the texts whose token vectors are
        cached under ``model``: int32 (n,) and float16 (n, dim), read-only. A row whose checksum
        does not match is left out (a miss).
        """

        def tokens(key, n, dim, ids, vectors, checksum) -> tuple[np.ndarray, np.ndarray] | None:
            if not all(isinstance(v, bytes) for v in (key, ids, vectors)) or not isinstance(n, int) or not isinstance(dim, int):
                return None
            if not (0 <= n < 1 << 31 and 0 < dim < _MAX_DIM and len(ids) == 4 * n and len(vectors) == 2 * n * dim):
                return None
            if checksum != _tokens_checksum(model, key, n, dim, ids, vectors):
                return None
            return np.frombuffer(ids, dtype="<i4"), np.frombuffer(vectors, dtype="<f2").reshape(n, dim)

        return self._select("tokens", "n, dim, ids, vectors, checksum", model, texts, tokens)

    def put_tokens(self, model: str, texts: Iterable[str], tokens: Iterable[tuple[np.ndarray, np.ndarray]]) -> None:
        """Store each text's token vectors ``(ids, vectors)`` under ``model``, as int32 and float16
        (one transaction; replaces older rows). A text whose values float16 cannot hold is left
        out; where the cache cannot be written, nothing is stored (one ``CacheWarning``).
        """
        rows = []
        for t, (ids, vectors) in zip(texts, tokens, strict=True):
            stored = tokens_row(ids, vectors)
            if stored is not None:
                key, (n, dim, id_blob, vec_blob) = text_key(t), stored
                rows.append((model, key, n, dim, id_blob, vec_blob, _tokens_checksum(model, key, n, dim, id_blob, vec_blob)))
        if rows:
            self._insert("INSERT OR REPLACE INTO tokens (model, text_sha256, n, dim, ids, vectors, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def _insert(self, sql: str, rows: list[tuple]) -> None:
        """``sql`` for every row, in one transaction."""

        def write(con: sqlite3.Connection) -> None:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.executemany(sql, rows)
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise

        self._run(write, None, write=True)

    def __len__(self) -> int:
        """Number of texts with a cached vector (any model)."""
        return self._run(lambda con: con.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0], 0, write=False)

    def count_tokens(self) -> int:
        """Number of texts with cached token vectors (any model)."""
        return self._run(lambda con: con.execute("SELECT COUNT(*) FROM tokens").fetchone()[0], 0, write=False)
