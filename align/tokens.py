"""Token alignment: how much of what one claim asserts finds a counterpart in the other.

Two sentences about the same visit share the topic, the names and the place; what tells "the
same claim" from "the same event" is whether the *rest* of each claim — the predicate, the
object, the numbers — has a counterpart in the other. A claim's contextual token vectors (the
model's last hidden states, ``Encoder.encode_tokens``) let that be measured as in BERTScore
(Zhang et al. 2020): every token of one claim is matched to its most similar token of the other,
and precision, recall and F1 are the means of those best similarities. Two refinements:

- **centred**: the model's mean token vector (:func:`mean_vector`, over a fixed sample of
  unrelated sentences) is subtracted before the cosine, so that tokens do not look alike merely
  because every token of this model points the same way;
- **weighted by rarity within each document** (inverse document frequency over the document's
  claims): a token that most sentences of an article repeat (the topic, the main name) counts
  little; the words that make *this* claim count most.

Pure numpy over arrays; only candidate pairs are scored (a few per claim).
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .linalg import product
from .types import TokenVectors

IDF_FLOOR = 0.05  # weight of a token every claim of the document holds (never 0: a one-claim document still counts)


@dataclass(frozen=True)
class ClaimTokens:
    """The tokens of one document's claims, prepared for alignment.

    Parameters
    ----------
    vectors : list of numpy.ndarray
        Per claim, (n, d) unit vectors, centred.
    weights : list of numpy.ndarray
        Per claim, (n,) token weights (rarity within the document).
    """

    vectors: list[np.ndarray]
    weights: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.vectors)


def document_weights(ids: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Per claim, each token's weight ``log((N + 1) / (df + 1)) + IDF_FLOOR``, df = how many of
    the document's N claims hold the token.
    """
    df = Counter(t for x in ids for t in set(np.asarray(x).tolist()))
    n = len(ids)
    idf = {t: math.log((n + 1) / (c + 1)) + IDF_FLOOR for t, c in df.items()}
    return [np.array([idf[t] for t in np.asarray(x).tolist()], np.float32) for x in ids]


def prepare(tokens: Sequence[TokenVectors], mean: np.ndarray | None) -> ClaimTokens:
    """A document's claim tokens centred on ``mean`` (None: not centred), normalised and
    weighted.
    """
    vectors = []
    for _, v in tokens:
        v = np.asarray(v, np.float32)
        if mean is not None and len(v):
            v = v - mean
        n = np.linalg.norm(v, axis=1, keepdims=True) if len(v) else np.zeros((0, 1), np.float32)
        vectors.append(v / np.maximum(n, 1e-12))
    return ClaimTokens(vectors, document_weights([np.asarray(ids) for ids, _ in tokens]))


def mean_vector(tokens: Sequence[TokenVectors]) -> np.ndarray:
    """The mean token vector of a sample of texts (every token counted once)."""
    stacked = [np.asarray(v, np.float64) for _, v in tokens if len(v)]
    return np.concatenate(stacked).mean(0).astype(np.float32)


def f1(a: ClaimTokens, b: ClaimTokens, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Weighted token-alignment F1 of the claim pairs (a_i[k], b_j[k]): precision is the
    weighted mean, over a's tokens, of their best cosine with b's tokens; recall the same from
    b's side; 0 for a claim without tokens.
    """
    out = np.zeros(len(i), np.float64)
    for k, (x, y) in enumerate(zip(np.asarray(i).tolist(), np.asarray(j).tolist(), strict=True)):
        va, vb = a.vectors[x], b.vectors[y]
        if not len(va) or not len(vb):
            continue
        sims = product(va, vb.T)
        wa, wb = a.weights[x], b.weights[y]
        p = float(sims.max(1) @ wa / wa.sum())
        r = float(sims.max(0) @ wb / wb.sum())
        out[k] = 0.0 if p + r <= 0 else 2 * p * r / (p + r)
    return out


def precision_recall(a: ClaimTokens, b: ClaimTokens, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Token-alignment precision (a's tokens found in b) and recall (b's found in a) of the
    claim pairs (a_i[k], b_j[k]) (0 for a claim without tokens).
    """
    p = np.zeros(len(i), np.float64)
    r = np.zeros(len(i), np.float64)
    for k, (x, y) in enumerate(zip(np.asarray(i).tolist(), np.asarray(j).tolist(), strict=True)):
        va, vb = a.vectors[x], b.vectors[y]
        if len(va) and len(vb):
            sims = product(va, vb.T)
            p[k] = float(sims.max(1) @ a.weights[x] / a.weights[x].sum())
            r[k] = float(sims.max(0) @ b.weights[y] / b.weights[y].sum())
    return p, r


FEATURES = ("token_max", "token_min", "token_gap", "token_rank")


class TokenEvidence:
    """Token-alignment features of candidate pairs between two documents.

    - ``token_max``, ``token_min``: the larger and the smaller of precision and recall (a short
      claim found whole inside a longer one has a high maximum);
    - ``token_gap``: the pair's F1 minus the best F1 of the other candidates of its row and
      column (0 when it has none): how much better this counterpart is than the others;
    - ``token_rank``: how many candidates of its row or column have a higher F1.

    Parameters
    ----------
    a, b : ClaimTokens
        The two documents' claims, prepared (:func:`prepare`).
    """

    def __init__(self, a: ClaimTokens, b: ClaimTokens):
        self.a, self.b = a, b

    def at(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """The features of the candidate pairs (i[k], j[k]) (see the class docstring)."""
        i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
        p, r = precision_recall(self.a, self.b, i, j)
        f1 = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
        gap = np.zeros(len(i))
        rank = np.zeros(len(i))
        members: dict[tuple[str, int], list[int]] = {}
        for k in range(len(i)):
            members.setdefault(("a", int(i[k])), []).append(k)
            members.setdefault(("b", int(j[k])), []).append(k)
        for k in range(len(i)):
            others = {m for m in (*members[("a", int(i[k]))], *members[("b", int(j[k]))]) if m != k}
            gap[k] = f1[k] - max((f1[m] for m in others), default=0.0)
            rank[k] = sum(1 for m in others if f1[m] > f1[k])
        return {"token_max": np.maximum(p, r), "token_min": np.minimum(p, r), "token_gap": gap, "token_rank": rank}
