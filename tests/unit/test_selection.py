"""align.matching: pairs chosen from margin scores (mutual best, merges of neighbours, masks,
forbidden cells, confidence), on hand-made matrices and random arrays (no model)."""
from __future__ import annotations

import numpy as np
import pytest
from factories import calibration, side, topic_vectors

from align.matching import choose_pairs, merge_beats_parts, select_pairs
from align.scoring import margin_matrix, margin_scores
from align.sides import speaker_labels

CAL = calibration(threshold=0.5)  # p = sigmoid(margin_z): the confidence is a plain function of the margin
M = np.array([
    [3.0, 0.9, 0.0],
    [2.5, 0.5, 0.2],
    [0.0, 0.1, 2.0],
])


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def test_mutual_best_pairs_with_their_features():
    """Row 1 prefers column 0, but column 0 prefers row 0: only (0, 0) and (2, 2) are mutual."""
    pairs = choose_pairs(np.zeros_like(M), M, calibration=CAL, min_score=0.0, allow_merges=False)
    assert [(p.a, p.b) for p in pairs] == [((0,), (0,)), ((2,), (2,))]
    mean, std = M.mean(), M.std()
    first, second = pairs
    assert first.margin == 3.0 and first.margin_z == pytest.approx((3.0 - mean) / std)
    assert first.gap_z == pytest.approx((3.0 - 2.5) / std)  # the runner-up is row 1 in column 0
    assert second.gap_z == pytest.approx((2.0 - 0.2) / std)  # the best competitor of (2, 2): 0.2 in column 2
    assert first.score == pytest.approx(sigmoid(first.margin_z)) and second.score == pytest.approx(sigmoid(second.margin_z))
    assert first.similarity == 0.0  # from the cosine matrix given


def test_min_score_defaults_to_the_calibrations_threshold():
    scores = [p.score for p in choose_pairs(np.zeros_like(M), M, calibration=CAL, min_score=0.0, allow_merges=False)]
    cut = (scores[0] + scores[1]) / 2
    assert len(choose_pairs(np.zeros_like(M), M, calibration=CAL, min_score=cut, allow_merges=False)) == 1
    strict = calibration(threshold=cut)
    assert [p.a for p in choose_pairs(np.zeros_like(M), M, calibration=strict, allow_merges=False)] == [(0,)]
    assert choose_pairs(np.zeros_like(M), M, calibration=CAL, min_score=1.0) == []


def test_a_neighbour_that_prefers_the_partner_joins_the_pair():
    """Row 1's best is column 0 with a margin >= 1: it joins (0, 0) as one claim stated in two."""
    pairs = choose_pairs(np.zeros_like(M), M, calibration=CAL, min_score=0.0)
    assert [(p.a, p.b) for p in pairs] == [((0, 1), (0,)), ((2,), (2,))]
    assert pairs[0].margin == 3.0  # the features stay those of the core pair


def test_a_merge_check_can_refuse_the_merge():
    scores = margin_scores_of(M)
    seen = []

    def refuse(a_ids, b_ids):
        seen.append((a_ids, b_ids))
        return False

    pairs = select_pairs(scores, calibration=CAL, min_score=0.0, merge_check=refuse)
    assert [(p.a, p.b) for p in pairs] == [((0,), (0,)), ((2,), (2,))] and seen == [((0, 1), (0,))]


def test_a_weak_neighbour_does_not_join():
    weak = M.copy()
    weak[1, 0] = 0.95  # still row 1's best, but a margin below 1
    pairs = choose_pairs(np.zeros_like(weak), weak, calibration=CAL, min_score=0.0)
    assert [(p.a, p.b) for p in pairs] == [((0,), (0,)), ((2,), (2,))]


def test_a_column_neighbour_joins_too():
    pairs = choose_pairs(np.zeros_like(M.T), M.T.copy(), calibration=CAL, min_score=0.0)
    assert [(p.a, p.b) for p in pairs] == [((0,), (0, 1)), ((2,), (2,))]


def test_forbidden_cells_are_never_pairs_but_keep_the_statistics():
    forbidden = np.zeros(M.shape, bool)
    forbidden[0, 0] = True
    free = choose_pairs(np.zeros_like(M), M, calibration=CAL, min_score=0.0, allow_merges=False)
    pairs = choose_pairs(np.zeros_like(M), M, calibration=CAL, min_score=0.0, allow_merges=False, forbidden=forbidden)
    assert [(p.a, p.b) for p in pairs] == [((0,), (1,)), ((1,), (0,)), ((2,), (2,))]
    assert pairs[2].margin_z == free[1].margin_z and pairs[2].score == free[1].score  # same mean and spread


def test_inactive_rows_are_left_out_of_pairs_and_statistics():
    active = np.array([False, True, True])
    pairs = choose_pairs(np.zeros_like(M), M, calibration=CAL, min_score=0.0, allow_merges=False, active_a=active)
    assert [(p.a, p.b) for p in pairs] == [((1,), (0,)), ((2,), (2,))]
    rest = M[1:]
    assert pairs[1].margin_z == pytest.approx((2.0 - rest.mean()) / rest.std())


def test_non_finite_margins_are_ignored():
    m = M.copy()
    m[2, 2] = np.nan
    pairs = choose_pairs(np.zeros_like(m), m, calibration=CAL, min_score=0.0, allow_merges=False)
    assert [(p.a, p.b) for p in pairs] == [((0,), (0,))]  # row 2's best left is column 1, which prefers row 0
    assert np.isfinite(pairs[0].margin_z) and np.isfinite(pairs[0].score)


def test_nothing_to_pair():
    assert choose_pairs(np.zeros((0, 3)), np.zeros((0, 3)), calibration=CAL) == []
    assert choose_pairs(np.zeros((2, 2)), np.full((2, 2), -np.inf), calibration=CAL, min_score=0.0) == []


def test_pairs_are_sorted_by_their_first_a_index():
    m = np.array([[0.0, 0.0, 2.0], [0.0, 2.0, 0.0], [2.0, 0.0, 0.0]])
    pairs = choose_pairs(np.zeros_like(m), m, calibration=CAL, min_score=0.0, allow_merges=False)
    assert [(p.a, p.b) for p in pairs] == [((0,), (2,)), ((1,), (1,)), ((2,), (0,))]


def margin_scores_of(m: np.ndarray):
    """MarginScores of a dense margin matrix (as choose_pairs builds them)."""
    from align.matching import MarginScores, top2

    ri, rv = top2(m, axis=1)
    ci, cv = top2(m, axis=0)
    n, k = m.shape
    return MarginScores(m.shape, ri, rv, ci, cv, ri[:, 0], ci[:, 0], float(m.mean()), float(m.std()),
                        np.zeros((n, 0), np.float32), np.zeros((k, 0), np.float32), np.zeros(n), np.zeros(k),
                        np.zeros_like(m), m)


# -- speakers and merges on sides ----------------------------------------------------------------


def test_speaker_labels_of_identified_people_only():
    a = side(["one", "two", "three", "four"], speakers={1: ("Ali", "SmXn"), 2: ("the minister", "title:mnstr"),
                                                        4: ("Ali Sh.", "SmXn")})
    b = side(["five", "six"], speakers={1: ("Mohib", "mhb"), 2: ("Shamkhani", "SmXn")})
    la, lb = speaker_labels(a.claims, b.claims)
    assert la.tolist() == [0, -1, -1, 0] and lb.tolist() == [1, 0]


def test_merge_beats_parts_with_a_hand_made_encoder():
    """B's two claims together mean A's claim: the merged text, embedded as one, must be closer
    to A than each part is."""
    a = side(["the talks were useful and the border stays open"], topics=[0])
    b = side(["the talks were useful", "the border stays open", "the weather was warm"], topics=[1, 2, 3])
    joined = {"the talks were useful the border stays open": topic_vectors([0])[0],
              "the talks were useful the weather was warm": topic_vectors([5])[0]}
    check = merge_beats_parts(a, b, lambda texts: np.stack([joined[t] for t in texts]))
    assert check((0,), (0, 1)) and not check((0,), (0, 2))


# -- streamed pair selection equals the dense one on long inputs ----------------------------------


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
