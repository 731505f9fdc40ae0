"""A fixed reference neighbourhood per language: what "similar" means for a claim, independently
of the document it is compared with.

A claim's *background* is the mean cosine of its ``K`` nearest sentences in a fixed sample of
unrelated sentences of the other document's language (300 Tatoeba sentences per language,
shipped in ``background.npz`` with their embeddings for the default model). A pair's
*background margin* is its cosine minus the mean of its two claims' backgrounds: how much closer
the two claims are to each other than to everyday sentences of the other language. It corrects
for the language pair (this model's fa-ar cosines bunch between 0.77 and 0.88, de-fr's do not)
and for claims that are close to everything (hubs), and it does not depend on how long or how
on-topic the two documents are — which the document's own score matrix does.

The shipped embeddings are used when the encoder reproduces them (one sentence per language is
embedded and compared: the embedding cache makes that free after the first run); any other
model embeds the sample sentences itself, once, through its cache. A language without a sample
uses all the samples together. Built by ``benchmarks/calibrate.py --background``.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from .linalg import product
from .text import model_text
from .tokens import mean_vector
from .types import Encode, EncodeTokens

BACKGROUND_FILE = Path(__file__).with_name("background.npz")
K = 4  # nearest background sentences that make a claim's background
SAME_MODEL = 0.995  # cosine from which the encoder counts as the one the file was made with



@functools.cache
def _shipped(path: Path = BACKGROUND_FILE) -> dict[str, tuple[list[str], np.ndarray]]:
    """Lang -> (texts, unit-vector embeddings) from the shipped file ({} when there is none)."""
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as z:
        out = {}
        for lang in z["langs"].tolist():
            q = z[f"emb_{lang}"].astype(np.float32) * z[f"scale_{lang}"][:, None]
            q /= np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
            out[lang] = (z[f"texts_{lang}"].tolist(), q)
    return out


def languages() -> list[str]:
    """The languages with a shipped sample."""
    return sorted(_shipped())


def texts(lang: str) -> list[str]:
    """The sample sentences of ``lang`` (all samples together for a language without one)."""
    shipped = _shipped()
    if lang in shipped:
        return list(shipped[lang][0])
    return [t for code in sorted(shipped) for t in shipped[code][0]]


_embedded: dict[tuple[str, bytes], np.ndarray] = {}


def embeddings(lang: str, encode: Encode | None = None) -> np.ndarray | None:
    """(n, d) unit vectors of ``lang``'s sample, for the model behind ``encode``.

    Without ``encode`` the shipped vectors (the default model's) are returned as they are. With
    it, the shipped vectors are used when ``encode`` reproduces the first sentence of each
    sample (cosine >= ``SAME_MODEL``), else the sample is embedded with ``encode``. None when
    nothing is shipped.
    """
    shipped = _shipped()
    if not shipped:
        return None
    codes = [lang] if lang in shipped else sorted(shipped)
    if encode is None:
        return np.vstack([shipped[c][1] for c in codes])
    probes = np.asarray(encode([shipped[c][0][0] for c in codes]), np.float32)
    key = (lang, probes.tobytes())
    if key not in _embedded:
        parts = []
        for c, probe in zip(codes, probes, strict=False):
            sample, vectors = shipped[c]
            same = probe.shape[0] == vectors.shape[1] and float(probe @ vectors[0]) >= SAME_MODEL
            parts.append(vectors if same else np.asarray(encode(sample), np.float32))
        _embedded[key] = np.vstack(parts)
    return _embedded[key]


def neighbourhood(x: np.ndarray, sample: np.ndarray | None, k: int = K, chunk: int = 4096) -> np.ndarray:
    """Mean cosine of each row of ``x`` to its ``k`` nearest rows of ``sample`` (zeros without one)."""
    x = np.asarray(x, np.float32)
    if sample is None or len(sample) == 0 or len(x) == 0:
        return np.zeros(len(x), np.float32)
    out = np.empty(len(x), np.float32)
    for s in range(0, len(x), chunk):
        out[s : s + chunk] = top_mean(product(x[s : s + chunk], sample.T), k)
    return out


def top_mean(sims: np.ndarray, k: int) -> np.ndarray:
    """The mean of the ``k`` largest values of each row of ``sims`` (k capped at the row length)."""
    k = max(1, min(k, sims.shape[1]))
    return np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:].mean(axis=1)


_token_means: dict[bytes, np.ndarray] = {}


@functools.cache
def _shipped_token_mean(path: Path = BACKGROUND_FILE) -> np.ndarray | None:
    """The default model's mean token vector, shipped with the samples (None without one)."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as z:
        return z["token_mean"].astype(np.float32) if "token_mean" in z.files else None


def token_mean(encode: Encode | None, encode_tokens: EncodeTokens | None) -> np.ndarray | None:
    """The mean token vector of the model behind ``encode``/``encode_tokens`` over the samples
    of every language (``align.tokens`` centres token vectors on it).

    The shipped one when ``encode`` reproduces the shipped samples (the default model), else
    computed from the sample sentences with ``encode_tokens``, once per model and process (the
    embedding cache keeps the token vectors). None when nothing is shipped.
    """
    shipped = _shipped()
    if not shipped:
        return None
    first = sorted(shipped)[0]
    texts, vectors = shipped[first]
    probe = np.asarray(encode([texts[0]]), np.float32)[0] if encode is not None else vectors[0]
    same = probe.shape[0] == vectors.shape[1] and float(probe @ vectors[0]) >= SAME_MODEL
    if same and _shipped_token_mean() is not None:
        return _shipped_token_mean()
    key = probe.tobytes()
    if key not in _token_means and encode_tokens is None:
        return None
    if key not in _token_means:
        _token_means[key] = mean_vector(encode_tokens([t for c in sorted(shipped) for t in shipped[c][0]]))
    return _token_means[key]


def write(path: Path, samples: dict[str, list[str]], encode: Encode, model: str = "",
          encode_tokens: EncodeTokens | None = None) -> None:
    """Embed ``samples`` (lang -> sentences, as the model sees them: ``align.text.model_text``)
    and write them, int8-quantised, to ``path``; with ``encode_tokens``, the model's mean token
    vector over all of them too.
    """
    arrays: dict[str, np.ndarray] = {"langs": np.array(sorted(samples)), "model": np.array(model)}
    every = []
    for lang in sorted(samples):
        texts = [model_text(t, lang) for t in samples[lang]]
        vec = np.asarray(encode(texts), np.float32)
        scale = np.abs(vec).max(axis=1) / 127.0
        arrays[f"emb_{lang}"] = np.round(vec / scale[:, None]).astype(np.int8)
        arrays[f"scale_{lang}"] = scale.astype(np.float32)
        arrays[f"texts_{lang}"] = np.array(texts)
        every += texts
    if encode_tokens is not None:
        arrays["token_mean"] = mean_vector(encode_tokens(every))
    np.savez_compressed(path, **arrays)
    _shipped.cache_clear()
    _shipped_token_mean.cache_clear()
    _embedded.clear()
    _token_means.clear()
