"""align.matching: pairs chosen from scores (every candidate above the threshold, merges of
neighbours, masks, forbidden cells, features and confidence), on hand-made matrices and random
arrays (no model)."""
from __future__ import annotations

import numpy as np
import pytest
from factories import side, topic_vectors

from align.calibration import Calibration
from align.matching import FEATURES, TOP, _factor, candidates, choose_pairs, merge_beats_parts, select_pairs
from align.scoring import margin_scores
from align.sides import speaker_labels

# p = sigmoid(20 * (background margin - 0.5)): with zero backgrounds a pair is kept from cosine 0.5
CAL = Calibration({"intercept": -10.0, "background_margin": 20.0}, 0.5, 0.75, (0.0, 1.0, 0.0), "tests")
M = np.array([
    [0.90, 0.85, 0.10],
    [0.20, 0.30, 0.10],
    [0.00, 0.10, 0.80],
])


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def pairs_of(m, **kw):
    kw.setdefault("calibration", CAL)
    kw.setdefault("min_score", kw["calibration"].threshold)
    return [(p.a, p.b) for p in choose_pairs(m, **{"k": 4, **kw})]


def test_every_counterpart_is_a_pair_of_its_own():
    """Row 0 states what columns 0 and 1 both state: both pairs are reported (not one-to-one)."""
    pairs = choose_pairs(M, k=1, calibration=CAL, min_score=CAL.threshold, allow_merges=False)
    assert [(p.a, p.b) for p in pairs] == [((0,), (0,)), ((0,), (1,)), ((2,), (2,))]
    first, second, third = pairs
    assert first.score == pytest.approx(sigmoid(20 * (0.9 - 0.5))) and third.score == pytest.approx(sigmoid(20 * 0.3))
    assert first.similarity == pytest.approx(0.9) and first.background_margin == pytest.approx(0.9)
    # the gap: the pair's background margin minus its best competitor's (row 0 / column 0), or 0
    assert first.gap == pytest.approx(0.90 - 0.85) and second.gap == pytest.approx(0.85 - 0.90)
    assert third.gap == pytest.approx(0.80 - 0.10)


def test_features_of_the_candidates():
    bg_a, bg_b = np.array([0.1, 0.2, 0.3]), np.array([0.0, 0.1, 0.2])
    scores = margin_scores(*_factor(M), k=1, background_a=bg_a, background_b=bg_b, top=TOP)
    c = candidates(scores)
    cells = list(zip(c.i.tolist(), c.j.tolist(), strict=True))
    k = cells.index((0, 1))
    bgm = M - (bg_a[:, None] + bg_b[None, :]) / 2
    assert c.features["background_margin"][k] == pytest.approx(bgm[0, 1])
    # document margin: cosine minus the mean of the two claims' best (k=1) cosines
    assert c.features["document_margin"][k] == pytest.approx(0.85 - (0.90 + 0.85) / 2)
    assert c.features["gap"][k] == pytest.approx(bgm[0, 1] - max(bgm[0, 0], bgm[1, 1], 0.0))
    assert c.features["document_level"][k] == pytest.approx(bgm.mean())
    assert set(FEATURES) == set(c.features)
    # every row's and every column's best TOP partners are candidates (here, with TOP >= 3, every cell)
    assert TOP >= 3 and len(cells) == len(set(cells)) == 9


def test_the_background_margin_does_not_depend_on_the_document():
    """The same pair in a two-sentence document and among forty unrelated sentences: its background
    margin is the same (the old z-scores of the document's own matrix were not)."""
    rng = np.random.default_rng(3)
    small = np.array([[0.9, 0.2], [0.1, 0.3]])
    big = rng.uniform(0.0, 0.3, size=(40, 40))
    big[:2, :2] = small
    bg = rng.uniform(0.0, 0.2, size=40)
    p_small = choose_pairs(small, k=4, background_a=bg[:2], background_b=bg[:2], calibration=CAL, min_score=0.0, allow_merges=False)
    p_big = choose_pairs(big, k=4, background_a=bg, background_b=bg, calibration=CAL, min_score=0.0, allow_merges=False)
    s, b = next(p for p in p_small if p.a == (0,) and p.b == (0,)), next(p for p in p_big if p.a == (0,) and p.b == (0,))
    assert s.background_margin == pytest.approx(b.background_margin) and s.score == pytest.approx(b.score)


def test_min_score_keeps_the_pairs_from_that_confidence_up():
    assert pairs_of(M, allow_merges=False) == [((0,), (0,)), ((0,), (1,)), ((2,), (2,))]
    assert pairs_of(M, allow_merges=False, min_score=0.9995) == [((0,), (0,))]
    assert choose_pairs(M, k=4, calibration=CAL, min_score=1.0) == []


def test_a_neighbour_that_prefers_the_partner_joins_the_pair():
    """Column 1's best partner is row 0, next to column 0: one claim stated across two segments;
    the merged pair replaces the two single pairs and keeps the higher confidence."""
    pairs = choose_pairs(M, k=4, calibration=CAL, min_score=CAL.threshold)
    assert [(p.a, p.b) for p in pairs] == [((0,), (0, 1)), ((2,), (2,))]
    assert pairs[0].score == pytest.approx(sigmoid(20 * 0.4)) and pairs[0].similarity == pytest.approx(0.9)


def test_a_merge_check_can_refuse_the_merge():
    scores = margin_scores(*_factor(M), k=4, top=TOP, max_cells=9)
    seen = []

    def refuse(a_ids, b_ids):
        seen.append((a_ids, b_ids))
        return False

    pairs = select_pairs(scores, calibration=CAL, min_score=CAL.threshold, merge_check=refuse)
    assert [(p.a, p.b) for p in pairs] == [((0,), (0,)), ((0,), (1,)), ((2,), (2,))] and set(seen) == {((0,), (0, 1))}


def test_a_weak_neighbour_does_not_join():
    weak = M.copy()
    weak[0, 1] = 0.40  # column 1's best is still row 0, but not as close as its neighbourhood
    weak[1, 1] = 0.45
    assert pairs_of(weak) == [((0,), (0,)), ((2,), (2,))]


def test_a_row_neighbour_joins_too():
    assert pairs_of(M.T.copy()) == [((0, 1), (0,)), ((2,), (2,))]


def test_forbidden_cells_are_never_pairs():
    forbidden = np.zeros(M.shape, bool)
    forbidden[0, 0] = True
    assert pairs_of(M, allow_merges=False, forbidden=forbidden) == [((0,), (1,)), ((2,), (2,))]


def test_inactive_rows_are_left_out():
    active = np.array([False, True, True])
    low = Calibration({"intercept": -10.0, "background_margin": 40.0}, 0.5, 0.75, (0.0, 1.0, 0.0))
    assert pairs_of(M, allow_merges=False, active_a=active, calibration=low) == [((1,), (1,)), ((2,), (2,))]


def test_non_finite_cosines_are_ignored():
    m = M.copy()
    m[2, 2] = np.nan
    assert pairs_of(m, allow_merges=False) == [((0,), (0,)), ((0,), (1,))]


def test_nothing_to_pair():
    assert choose_pairs(np.zeros((0, 3)), k=4, calibration=CAL, min_score=0.5) == []
    assert choose_pairs(np.full((2, 2), 0.1), k=4, calibration=CAL, min_score=0.5) == []


def test_pairs_are_sorted_by_their_first_a_index():
    m = np.array([[0.0, 0.0, 0.9], [0.0, 0.9, 0.0], [0.9, 0.0, 0.0]])
    assert pairs_of(m, allow_merges=False) == [((0,), (2,)), ((1,), (1,)), ((2,), (0,))]


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
    rng = np.random.default_rng(2)
    bg_a, bg_b = rng.uniform(0.2, 0.4, len(a)), rng.uniform(0.2, 0.4, len(b))
    cal = Calibration({"intercept": -4.0, "background_margin": 10.0, "gap": 20.0}, 0.5, 0.75, (0.0, 1.0, 0.0))
    dense = choose_pairs(a @ b.T, k=4, background_a=bg_a, background_b=bg_b, calibration=cal, min_score=0.5)
    streamed = margin_scores(a, b, k=4, max_cells=0, chunk_cells=50_000, background_a=bg_a, background_b=bg_b, top=TOP)
    assert streamed.cos is None and streamed.margin is None  # nothing n x m was kept
    assert _same(select_pairs(streamed, calibration=cal, min_score=0.5), dense)
    assert len(dense) > 400  # most shared items are found
    level = float((a @ b.T).mean() - bg_a.mean() / 2 - bg_b.mean() / 2)
    assert streamed.background_level == pytest.approx(level, rel=1e-5)


def test_streamed_masks_and_speaker_labels_equal_dense(long_docs):
    a, b = long_docs[0][:300], long_docs[1][:250]
    rng = np.random.default_rng(1)
    act_a, act_b = rng.random(300) > 0.1, rng.random(250) > 0.1
    la, lb = rng.integers(-1, 3, 300), rng.integers(-1, 3, 250)
    forbidden = (la[:, None] >= 0) & (lb[None, :] >= 0) & (la[:, None] != lb[None, :])
    cal = Calibration({"intercept": -4.0, "background_margin": 10.0, "gap": 20.0}, 0.5, 0.75, (0.0, 1.0, 0.0))
    dense = choose_pairs(a @ b.T, k=4, active_a=act_a, active_b=act_b, forbidden=forbidden, allow_merges=False, calibration=cal, min_score=0.5)
    s = margin_scores(a, b, k=4, active_a=act_a, active_b=act_b, labels_a=la, labels_b=lb, max_cells=0, chunk_cells=2_000, top=TOP)
    streamed = select_pairs(s, allow_merges=False, calibration=cal, min_score=0.5)
    assert _same(streamed, dense) and streamed
    assert not any(forbidden[p.a[0], p.b[0]] for p in streamed)
    assert all(act_a[p.a[0]] and act_b[p.b[0]] for p in streamed)
