"""Pair selection: streamed (bounded-memory) scoring equals the dense computation; merges are
kept only when the merged text beats its parts."""
from __future__ import annotations

import numpy as np
import pytest

import align
from align.matching import choose_pairs, select_pairs
from align.matching import match_claims, merge_beats_parts
from align.sides import prepare_side
from align.scoring import margin_matrix, margin_scores
from conftest import AR, FA


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _same(x, y) -> bool:
    return [(p.a, p.b) for p in x] == [(p.a, p.b) for p in y] and np.allclose(
        [p.score for p in x], [p.score for p in y], atol=1e-4)


@pytest.fixture(scope="module")
def long_docs():
    """Two long 'documents' (1,500 x 1,200 segments): 600 shared items with noise, the rest
    unrelated, shuffled on one side; like embeddings, all vectors share a common direction."""
    rng = np.random.default_rng(7)
    d = 64
    common = rng.normal(size=d) * 3
    shared = rng.normal(size=(600, d)) + common
    a = np.vstack([shared + rng.normal(scale=0.6, size=shared.shape), rng.normal(size=(900, d)) + common])
    b = np.vstack([shared[rng.permutation(600)] + rng.normal(scale=0.6, size=shared.shape), rng.normal(size=(600, d)) + common])
    return _unit(a), _unit(b)


def test_streamed_scores_equal_dense_on_long_input(long_docs):
    a, b = long_docs
    cos, margin = margin_matrix(a, b, k=4)
    dense = choose_pairs(cos, margin)
    streamed = margin_scores(a, b, k=4, max_cells=0, chunk_cells=50_000)  # 42 rows per chunk
    assert streamed.cos is None and streamed.margin is None  # nothing n x m was kept
    assert _same(select_pairs(streamed), dense)
    assert len(dense) > 400  # most shared items are found
    assert streamed.mean == pytest.approx(float(margin.mean()), rel=1e-5)
    assert streamed.std == pytest.approx(float(margin.std()), rel=1e-4)


def test_streamed_masks_and_speaker_labels_equal_dense(long_docs):
    a, b = long_docs[0][:300], long_docs[1][:250]
    rng = np.random.default_rng(1)
    act_a, act_b = rng.random(300) > 0.1, rng.random(250) > 0.1
    la, lb = rng.integers(-1, 3, 300), rng.integers(-1, 3, 250)
    forbidden = (la[:, None] >= 0) & (lb[None, :] >= 0) & (la[:, None] != lb[None, :])
    cos, margin = margin_matrix(a[act_a], b[act_b], k=4)
    full = np.full((300, 250), -np.inf, np.float32)
    full[np.ix_(act_a, act_b)] = margin
    dense = choose_pairs(np.zeros_like(full), full, forbidden=forbidden, allow_merges=False)
    s = margin_scores(a, b, active_a=act_a, active_b=act_b, labels_a=la, labels_b=lb, max_cells=0, chunk_cells=2_000)
    streamed = select_pairs(s, allow_merges=False)
    assert _same(streamed, dense) and streamed
    assert not any(forbidden[p.a[0], p.b[0]] for p in streamed)
    assert all(act_a[p.a[0]] and act_b[p.b[0]] for p in streamed)


def test_seed_report_is_the_same_streamed(encoder, seed_report):
    a, b = prepare_side(FA, encoder.encode), prepare_side(AR, encoder.encode)
    pairs, scores = match_claims(a, b, encode=encoder.encode, max_cells=0)
    assert scores.margin is None
    assert [(p.a, p.b) for p in pairs] == [(p.a, p.b) for p in seed_report.claim_pairs]
    assert [p.score for p in pairs] == pytest.approx([p.score for p in seed_report.claim_pairs], abs=1e-5)


DE = """Der Außenminister traf am Montag seinen französischen Kollegen in Berlin.
Er sagte, die Gespräche seien konstruktiv gewesen und ein neues Abkommen über die Wasserversorgung werde im nächsten Monat unterzeichnet.
Die Opposition kritisierte die hohen Kosten des Besuchs.
Das Wetter in Berlin war sonnig und warm."""
FR = """Le ministre des Affaires étrangères a rencontré lundi son homologue allemand à Berlin.
Il a déclaré que les discussions avaient été constructives.
Un nouvel accord sur l'approvisionnement en eau sera signé le mois prochain.
Les agriculteurs manifestent contre la baisse des prix du lait.
Le championnat de football reprend samedi."""


def test_one_sentence_matching_two_adjacent_ones(encoder):
    report = align.compare(DE, FR, encoder=encoder, lang_a="de", lang_b="fr")
    assert [(r.a_ids, r.b_ids) for r in report.matches] == [((1,), (1,)), ((2,), (2, 3))]


def test_merge_kept_only_when_it_beats_its_parts(encoder):
    a, b = prepare_side(DE, encoder.encode, lang="de"), prepare_side(FR, encoder.encode, lang="fr")
    check = merge_beats_parts(a, b, encoder.encode)
    assert check((1,), (1, 2))  # "talks constructive" + "water agreement next month"
    assert not check((1,), (1, 3))  # + "farmers protest": worse than the part alone
    assert not check((0,), (0, 4))
