"""Similarity and margin scores between two sets of sentence embeddings (pure numpy/faiss).

Margin scoring (Artetxe & Schwenk 2019): a pair's cosine divided by the mean of its two
neighbourhoods' average cosines, so a pair is judged against the competition each side has,
not against an absolute cosine scale (this model's fa-ar cosines bunch between 0.77 and 0.88).
"""
from __future__ import annotations

import faiss
import numpy as np


def _as_f32(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float32)


def knn_mean(queries: np.ndarray, corpus: np.ndarray, k: int, chunk_size: int = 4096) -> np.ndarray:
    """Mean inner product of each query row to its ``k`` nearest corpus rows (exact, faiss).

    queries: (n, d), corpus: (m, d), both L2-normalised. Returns (n,). ``k`` is capped at m.
    Memory is bounded by ``chunk_size`` x k, whatever n and m.
    """
    k = max(1, min(k, corpus.shape[0]))
    index = faiss.IndexFlatIP(corpus.shape[1])
    index.add(_as_f32(corpus))
    out = np.empty(queries.shape[0], np.float32)
    for s in range(0, queries.shape[0], chunk_size):
        sims, _ = index.search(_as_f32(queries[s : s + chunk_size]), k)
        out[s : s + chunk_size] = sims.mean(axis=1)
    return out


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) inner products of L2-normalised rows (cosine similarities), computed by faiss."""
    index = faiss.IndexFlatIP(b.shape[1])
    index.add(_as_f32(b))
    sims, ids = index.search(_as_f32(a), b.shape[0])
    out = np.empty((a.shape[0], b.shape[0]), np.float32)
    np.put_along_axis(out, ids, sims, axis=1)
    return out


def margin_matrix(a: np.ndarray, b: np.ndarray, k: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Ratio margin for every pair: cos(a_i, b_j) / ((knn_a(i) + knn_b(j)) / 2).

    Returns (cosine (n, m), margin (n, m)). ``knn_a(i)`` is the mean cosine of a_i to its k
    nearest rows of b, and ``knn_b(j)`` the same for b_j in a; k is capped by the other side's
    size.
    """
    cos = cosine_matrix(a, b)
    ra = knn_mean(a, b, k)
    rb = knn_mean(b, a, k)
    denom = (ra[:, None] + rb[None, :]) / 2.0
    return cos, cos / np.maximum(denom, 1e-6)
