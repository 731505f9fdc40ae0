"""align.tokens: token alignment (BERTScore-style, centred, weighted by rarity within the
document) on hand-made token vectors."""
from __future__ import annotations

import math

import numpy as np
import pytest

from align.tokens import TokenEvidence, document_weights, f1, mean_vector, precision_recall, prepare


def toks(ids, vectors):
    return np.array(ids, np.int32), np.array(vectors, np.float32)


E = np.eye(4, dtype=np.float32)


def test_document_weights_are_rarity_within_the_document():
    w = document_weights([np.array([1, 2]), np.array([1, 3]), np.array([1, 1])])
    common, rare = math.log(4 / 4) + 0.05, math.log(4 / 2) + 0.05  # token 1 in all 3 claims, 2 and 3 in one
    assert w[0].tolist() == pytest.approx([common, rare]) and w[2].tolist() == pytest.approx([common, common])


def test_prepare_centres_and_normalises():
    raw = [toks([1, 2], [[2, 0, 0, 0], [1, 1, 0, 0]])]
    mean = np.array([1, 0, 0, 0], np.float32)
    ct = prepare(raw, mean)
    assert np.allclose(ct.vectors[0], [[1, 0, 0, 0], [0, 1, 0, 0]])
    assert np.allclose(np.linalg.norm(prepare(raw, None).vectors[0], axis=1), 1.0)
    assert np.allclose(mean_vector([raw[0], toks([3], [[0, 0, 3, 0]])]), [1, 1 / 3, 1, 0])


def test_f1_of_identical_partial_and_disjoint_claims():
    a = prepare([toks([1, 2], [E[0], E[1]])], None)
    same = prepare([toks([1, 2], [E[0], E[1]])], None)
    half = prepare([toks([1, 3], [E[0], E[2]])], None)
    other = prepare([toks([4], [E[3]])], None)
    assert f1(a, same, [0], [0])[0] == pytest.approx(1.0)
    assert f1(a, half, [0], [0])[0] == pytest.approx(0.5)  # one of two tokens found each way
    assert f1(a, other, [0], [0])[0] == pytest.approx(0.0)


def test_a_claim_found_whole_inside_a_longer_one_has_full_precision():
    short = prepare([toks([1], [E[0]])], None)
    long = prepare([toks([1, 2, 3], [E[0], E[1], E[2]])], None)
    p, r = precision_recall(short, long, [0], [0])
    assert p[0] == pytest.approx(1.0) and r[0] == pytest.approx(1 / 3)


def test_a_claim_without_tokens_scores_zero():
    empty = prepare([toks([], np.zeros((0, 4)))], None)
    a = prepare([toks([1], [E[0]])], None)
    assert f1(empty, a, [0], [0])[0] == 0.0 and precision_recall(a, empty, [0], [0])[0][0] == 0.0


def test_gap_and_rank_against_the_other_candidates_of_the_row_and_column():
    a = prepare([toks([1, 2], [E[0], E[1]])], None)
    b = prepare([toks([5, 6], [E[0], E[1]]), toks([7, 8], [E[0], E[2]]), toks([9], [E[3]])], None)  # every id once: equal weights
    feats = TokenEvidence(a, b).at(np.array([0, 0, 0]), np.array([0, 1, 2]))
    assert feats["token_gap"].tolist() == pytest.approx([0.5, -0.5, -1.0])  # F1 1.0, 0.5, 0.0
    assert feats["token_rank"].tolist() == [0, 1, 2]
    assert feats["token_max"].tolist() == pytest.approx([1.0, 0.5, 0.0])
