"""align.parallel: the monotonic alignment (dynamic programming over sentence groups) on small
hand-made embeddings, the Vecalign format and metric (no model)."""
from __future__ import annotations

import numpy as np
import pytest

from align.parallel import (
    Alignment,
    align_monotonic,
    align_texts,
    approximate_groups,
    group_texts,
    groups_near,
    moves,
    read_vecalign,
    score_alignments,
    to_vecalign,
)
from align.settings import ParallelSettings

E = np.eye(16)


def norm(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def groups(vectors: list[np.ndarray], largest: int) -> dict[int, np.ndarray]:
    """Group embeddings as an encoder would give them for joined texts: the normalised sum."""
    return {s: norm(np.array([sum(vectors[i:i + s]) for i in range(len(vectors) - s + 1)]))
            for s in range(1, largest + 1) if len(vectors) >= s}


def steps(alignment: list[Alignment]) -> list[tuple]:
    return [(s.a, s.b) for s in alignment]


# A0=B0; A1 is said in B1 and B2 together; A2 has no translation; A3=B3; B4 is extra.
A = [E[0], E[1], E[2], E[3]]
B = [E[0], norm(E[1] + E[5]), norm(E[1] + E[6]), E[3], E[9]]


def test_one_to_two_steps_and_skips():
    out = align_monotonic(groups(A, 2), groups(B, 2), max_size=3)
    assert steps(out) == [((0,), (0,)), ((1,), (1, 2)), ((2,), ()), ((3,), (3,)), ((), (4,))]
    # a step's score is its cosine minus the mean cosine of each side to the other text:
    # A0 to B's 5 sentences 0.2, B0 to A's 4 sentences 0.25
    assert out[0].score == pytest.approx(1.0 - (0.2 + 0.25) / 2) and out[0].similarity == pytest.approx(1.0)
    assert out[1].similarity == pytest.approx(2 / np.sqrt(6), abs=1e-6)
    assert out[2].score == -0.04 and out[2].similarity is None  # a skip scores ``skip``


def test_without_groups_the_split_sentence_is_aligned_one_to_one():
    """max_size=2 allows only 1-1 steps (and skips): A1 takes B1 (the closer part), B2 is left alone."""
    b = [E[0], norm(2 * E[1] + E[5]), norm(E[1] + E[6]), E[3], E[9]]
    out = align_monotonic(groups(A, 1), groups(b, 1), max_size=2)
    assert steps(out) == [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), ()), ((3,), (3,)), ((), (4,))]


def test_a_costly_skip_forces_pairs():
    """With skips far costlier than any pair, every sentence is paired with something."""
    out = align_monotonic(groups(A, 2), groups(B, 2), max_size=3, skip=-5.0)
    assert all(s.a and s.b for s in out)


def test_the_group_penalty_can_refuse_a_merge():
    out = align_monotonic(groups(A, 2), groups(B, 2), max_size=3, group_penalty=1.0)
    assert ((1,), (1, 2)) not in steps(out)


@pytest.mark.parametrize("seed", range(5))
def test_every_sentence_once_and_in_order_on_random_input(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    a = list(norm(rng.normal(size=(n, 16))))
    b = list(norm(rng.normal(size=(m, 16))))
    out = align_monotonic(groups(a, 3), groups(b, 3), max_size=4, seed=seed)
    assert [i for s in out for i in s.a] == list(range(n))
    assert [j for s in out for j in s.b] == list(range(m))
    assert all(1 <= len(s.a) + len(s.b) <= 4 for s in out)


def test_length_ratio_penalty_changes_scores_only_by_the_ratio():
    la = {1: np.array([10.0, 10.0, 10.0, 10.0]), 2: np.array([20.0, 20.0, 20.0])}
    lb = {1: np.array([10.0, 5.0, 5.0, 10.0, 10.0]), 2: np.array([15.0, 10.0, 15.0, 20.0])}
    plain = align_monotonic(groups(A, 2), groups(B, 2), max_size=3)
    weighted = align_monotonic(groups(A, 2), groups(B, 2), max_size=3, lengths=(la, lb), length_weight=0.05)
    assert steps(weighted) == steps(plain)
    mu = np.log((lb[1].sum() + 1) / (la[1].sum() + 1))
    penalty = 0.05 * abs(np.log((10 + 1) / (10 + 1)) - mu)
    assert weighted[0].score == pytest.approx(plain[0].score - penalty, abs=1e-6)


def test_moves():
    assert moves(2) == [(1, 0), (0, 1), (1, 1)]
    assert moves(3) == [(1, 0), (0, 1), (1, 1), (1, 2), (2, 1)]
    assert len(moves(5)) == 2 + 10 and (2, 2) in moves(5) and (1, 4) in moves(5) and (3, 3) not in moves(5)


def test_group_texts():
    assert group_texts(["a", "b", "c"], 2) == {1: ["a", "b", "c"], 2: ["a b", "b c"]}
    assert group_texts(["a"], 3) == {1: ["a"]}


def test_align_texts_with_a_hand_made_encoder():
    vectors = {"eins": E[0], "zwei": E[1], "drei": E[2], "un": E[0], "deux": norm(E[1] + E[5]), "trois": E[2],
               "deux bis": norm(E[1] + E[6])}

    def encode(texts):
        return np.stack([norm(sum(vectors[w] for w in t.split(" ") if w in vectors) + 1e-3) for t in texts])

    vectors["bis"] = norm(E[1] + E[6])
    out = align_texts(["eins", "zwei", "drei"], ["un", "deux", "bis", "trois"], encode, ParallelSettings(max_size=3))
    assert steps(out) == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))]


def test_approximate_groups_are_normalised_sums():
    rng = np.random.default_rng(0)
    single = norm(rng.normal(size=(6, 16)))
    got = approximate_groups(single, 3)
    want = groups(list(single), 3)
    assert sorted(got) == [1, 2, 3]
    for size in want:
        np.testing.assert_allclose(got[size], want[size], atol=1e-6)
    assert sorted(approximate_groups(single[:1], 4)) == [1]


def test_groups_near_a_path():
    path = [Alignment((0,), (0,), 0.5, 0.9), Alignment((1, 2), (1,), 0.5, 0.9), Alignment((3,), (), -0.04, None),
            Alignment((4,), (2,), 0.5, 0.9)]
    # the path itself: only A1-A2 is a group
    assert groups_near(path, 4, steps=1) == [{(2, 1)}, set()]
    # two consecutive steps: A0-A2, A1-A3, A3-A4 on A; B0-B1, B1 (alone), B2 on B
    a, b = groups_near(path, 4, steps=2)
    assert a == {(2, 0), (2, 1), (3, 0), (2, 2), (3, 1), (2, 3)}
    assert b == {(2, 0)}
    # never larger than ``largest``
    assert all(size <= 2 for size, _ in groups_near(path, 2, steps=2)[0])


def _group_encoder(vectors: dict[str, np.ndarray], asked: list[str]):
    """Joined texts embed to their own vector when given, else to the normalised sum of words."""

    def encode(texts):
        asked.extend(texts)
        return np.stack([vectors[t] if t in vectors else norm(sum(vectors[w] for w in t.split(" ")))
                         for t in texts])

    return encode


def test_two_pass_search_embeds_only_groups_near_the_path_and_scores_them_exactly():
    rng = np.random.default_rng(1)
    words_a = [f"a{i}" for i in range(12)]
    words_b = [f"b{i}" for i in range(12)]
    base = norm(rng.normal(size=(12, 16)))
    vectors = {**dict(zip(words_a, base, strict=True)),
               **{w: norm(v + 0.3 * rng.normal(size=16)) for w, v in zip(words_b, base, strict=True)}}
    # B5 + B6 translate A5 together: their joined text embeds to (almost) A5's vector
    vectors["b5"], vectors["b6"] = norm(base[5] + rng.normal(size=16)), norm(base[5] + rng.normal(size=16))
    vectors["b5 b6"] = norm(base[5] + 0.05 * rng.normal(size=16))
    b = [*words_b[:7], *words_b[8:]]  # 11 B sentences: b7 dropped, so A7 has no partner
    full_asked, two_asked = [], []
    full = align_texts(words_a, b, _group_encoder(vectors, full_asked), ParallelSettings(max_size=4, search="full"))
    two = align_texts(words_a, b, _group_encoder(vectors, two_asked), ParallelSettings(max_size=4))
    assert steps(two) == steps(full)
    assert ((5,), (5, 6)) in steps(two)
    # the full search embeds every group of 1-3 sentences; the two-pass one far fewer, this one included
    assert len(set(full_asked)) == (12 + 11 + 10) + (11 + 10 + 9)
    assert len(set(two_asked)) < 0.75 * len(set(full_asked)) and "b5 b6" in two_asked
    # the reported steps are scored on the real embeddings, as the full search scores them
    for x, y in zip(two, full, strict=True):
        assert x.score == pytest.approx(y.score, abs=1e-6)


def test_align_texts_with_an_empty_side_skips_everything():
    out = align_texts(["a", "b"], [], lambda t: pytest.fail("nothing to embed"))
    assert steps(out) == [((0,), ()), ((1,), ())] and all(s.score == -0.04 for s in out)
    assert steps(align_texts([], ["x"], None)) == [((), (0,))]


# -- Vecalign format and metric --------------------------------------------------------------------


def test_metric_on_a_hand_worked_example():
    gold = [((0,), (0, 1)), ((1,), (2,)), ((2,), ()), ((3,), (3,))]
    test = [((0,), (0,)), ((), (1,)), ((1,), (2,)), ((2,), ()), ((3,), (3,))]
    r = score_alignments([gold], [test])
    # precision over 5 test steps: strict hits (1,2) (2,-) (3,3); (0)-(0) is a lax hit; ()-(1) misses
    assert r["precision_strict"] == pytest.approx(3 / 5) and r["precision_lax"] == pytest.approx(4 / 5)
    # recall over the 3 gold steps with both sides: (1,2), (3,3) strict; (0)-(0,1) lax via (0)-(0)
    assert r["recall_strict"] == pytest.approx(2 / 3) and r["recall_lax"] == pytest.approx(1.0)
    assert r["f1_strict"] == pytest.approx(2 * 0.6 * (2 / 3) / (0.6 + 2 / 3))


def test_metric_of_a_perfect_and_an_empty_alignment():
    gold = [((0,), (0,)), ((1,), (1, 2))]
    assert set(score_alignments([gold], [gold]).values()) == {1.0}
    assert set(score_alignments([gold], [[]]).values()) == {0.0}


def test_vecalign_format_round_trip():
    steps_ = [Alignment((0,), (0, 1), 0.25, 0.9), Alignment((1,), (), -0.04, None)]
    text = to_vecalign(steps_)
    assert text == "[0]:[0, 1]:0.2500\n[1]:[]:-0.0400\n"
    assert read_vecalign(text) == [((0,), (0, 1)), ((1,), ())]
    assert read_vecalign("[0, 1]:[2]\n\n[]:[3]:0.5\n") == [((0, 1), (2,)), ((), (3,))]
    assert (1, 0) in moves(3) and (1, 2) in moves(3) and (2, 2) not in moves(3)


def _textbook_dp(n, m, steps, score, skip):
    """The cell-by-cell dynamic programme the vectorised one must equal (ties included)."""
    best = np.full((n + 1, m + 1), -np.inf)
    back = np.zeros((n + 1, m + 1, 2), dtype=np.int16)
    best[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i, j]
            if here == -np.inf:
                continue
            for a, b in steps:
                ii, jj = i + a, j + b
                if ii > n or jj > m:
                    continue
                gain = skip if (a == 0 or b == 0) else score[a, b][i, j] if (a, b) in score else None
                if gain is None:
                    continue
                if here + gain > best[ii, jj]:
                    best[ii, jj] = here + gain
                    back[ii, jj] = (a, b)
    return best, back


@pytest.mark.parametrize("n, m, max_size, seed", [(1, 1, 2, 0), (7, 3, 5, 1), (12, 15, 5, 2), (30, 24, 4, 3), (3, 9, 3, 4)])
def test_vectorised_dp_equals_the_textbook_loop(n, m, max_size, seed):
    from align.parallel import _dynamic_programme

    rng = np.random.default_rng(seed)
    steps = moves(max_size)
    score = {(a, b): rng.normal(0, 0.1, (n - a + 1, m - b + 1)).round(2)  # rounding makes ties frequent
             for a, b in steps if a and b and a <= n and b <= m}
    for skip in (-0.04, 0.0, -0.1):
        best, back = _dynamic_programme(n, m, steps, score, skip)
        ref_best, ref_back = _textbook_dp(n, m, steps, score, skip)
        assert np.array_equal(best, ref_best) and np.array_equal(back, ref_back)
