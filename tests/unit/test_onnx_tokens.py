"""Token vectors without a model: where a text's own tokens are in a Hugging Face tokenizer's
output (specials and prefix cut off), and Encoder.encode_tokens on a stand-in sentence-transformers
model (batches, blank texts, the cache: float16 round trip, no model on a hit, damaged rows)."""
from __future__ import annotations

import re
import sqlite3

import numpy as np
import pytest

from embeddings import EmbeddingCache, Encoder, ModelError
from embeddings.encoders import special_layout, text_token_span

BOS, EOS, PAD = 0, 2, 1
DIM = 5


class WordTokenizer:
    """A stand-in fast tokenizer: one token per whitespace-separated word (id: a hash of it),
    ``<s>``/``</s>`` around them (or none), offsets of each word, truncation to ``max_length``."""

    def __init__(self, specials: bool = True):
        self.specials = specials

    @staticmethod
    def word_id(word: str) -> int:
        return 10 + sum(map(ord, word)) % 1000

    def __call__(self, text, truncation=False, max_length=None, return_special_tokens_mask=False,
                 return_offsets_mapping=False, add_special_tokens=True):
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        ids = [self.word_id(text[a:b]) for a, b in words]
        offsets = list(words)
        mask = [0] * len(ids)
        if add_special_tokens and self.specials:
            if truncation and max_length is not None:
                ids, offsets, mask = ids[: max_length - 2], offsets[: max_length - 2], mask[: max_length - 2]
            ids, offsets, mask = [BOS, *ids, EOS], [(0, 0), *offsets, (0, 0)], [1, *mask, 1]
        out = {"input_ids": ids}
        if return_special_tokens_mask:
            out["special_tokens_mask"] = mask
        if return_offsets_mapping:
            out["offset_mapping"] = offsets
        return out


class WordModel:
    """A stand-in SentenceTransformer: a token's vector is (its id, its position, the input's
    length, 1, its id / 3: no float16 value); counts its encode calls and their batch sizes."""

    def __init__(self, tokenizer: WordTokenizer, max_seq_length: int = 16):
        self.tokenizer = tokenizer
        self.max_seq_length = max_seq_length
        self.calls: list[int] = []

    def encode(self, texts, output_value=None, batch_size=32, show_progress_bar=False):
        assert output_value == "token_embeddings"
        self.calls.append(len(texts))
        out = []
        for text in texts:
            ids = self.tokenizer(text, truncation=True, max_length=self.max_seq_length)["input_ids"]
            out.append(np.array([[t, p, len(text), 1, t / 3] for p, t in enumerate(ids)], np.float32))
        return out


def fake_encoder(model: WordModel, prefix: str, cache=None, batch_size: int = 3) -> Encoder:
    enc = Encoder("stand-in-model", prefix=prefix, cache=cache, batch_size=batch_size)
    enc._resolved = (None, "stand-in:fingerprint", prefix)  # no directory to resolve
    enc._st = model  # the model, already "loaded"
    return enc


# -- a tokenizer's specials and the prefix's tokens -----------------------------------------------


def test_special_layout_from_the_mask():
    assert special_layout(WordTokenizer()) == (1, 1)
    assert special_layout(WordTokenizer(specials=False)) == (0, 0)


def test_text_token_span_on_a_real_tokenizer_output():
    # multilingual-e5's tokenizer.json on "query: hello world": <s> ▁que ry : ▁hell o ▁world </s>
    enc = {
        "input_ids": [0, 41, 1294, 12, 33600, 31, 8999, 2],
        "offset_mapping": [(0, 0), (0, 3), (3, 5), (5, 6), (6, 11), (11, 12), (12, 18), (0, 0)],
        "special_tokens_mask": [1, 0, 0, 0, 0, 0, 0, 1],
    }
    assert text_token_span(enc, 1, 1, "query: ") == (4, 7)
    assert text_token_span(enc, 1, 1, "") == (1, 7)  # no prefix: every content token
    # "query: ": only the prefix's space is left (a lone ▁ at 6..7): no token of the text
    blank = {"input_ids": [0, 41, 1294, 12, 6, 2], "offset_mapping": [(0, 0), (0, 3), (3, 5), (5, 6), (6, 7), (0, 0)],
             "special_tokens_mask": [1, 0, 0, 0, 0, 1]}
    start, stop = text_token_span(blank, 1, 1, "query: ")
    assert start == stop == 5
    # "query: <s> a": a literal <s> in the text is the text's (not a special of the mask)
    literal = {"input_ids": [0, 41, 1294, 12, 6, 0, 10, 2],
               "offset_mapping": [(0, 0), (0, 3), (3, 5), (5, 6), (6, 7), (7, 10), (10, 12), (0, 0)],
               "special_tokens_mask": [1, 0, 0, 0, 0, 0, 0, 1]}
    assert text_token_span(literal, 1, 1, "query: ") == (4, 7)


def test_text_token_span_without_offsets_and_with_misplaced_specials():
    enc = {"input_ids": [0, 41, 1294, 12, 33600, 2], "special_tokens_mask": [1, 0, 0, 0, 0, 1]}
    assert text_token_span(enc, 1, 1, "query: ", prefix_ids=[41, 1294, 12]) == (4, 5)
    assert text_token_span(enc, 1, 1, "query: ", prefix_ids=[7, 7]) == (1, 5)  # not there: nothing cut
    with pytest.raises(ModelError, match="special tokens"):
        text_token_span({"input_ids": [5, 6], "special_tokens_mask": [0, 0]}, 1, 1, "")


# -- Encoder.encode_tokens on a stand-in model -------------------------------------------------------


TEXTS = ["one two three", "", "a b", "  ", "x y z w v u t", "solo"]


def test_specials_and_prefix_are_cut_off_and_batches_sorted():
    tok = WordTokenizer()
    model = WordModel(tok)
    out = fake_encoder(model, "query: ").encode_tokens(TEXTS)
    assert model.calls == [3, 3]  # batch_size 3: one batch per call
    for text, (ids, vectors) in zip(TEXTS, out, strict=True):
        words = text.split()
        assert ids.dtype == np.int32 and vectors.dtype == np.float32 and vectors.shape == (len(words), DIM)
        assert ids.tolist() == [tok.word_id(w) for w in words]
        np.testing.assert_array_equal(vectors[:, 0], ids)  # the rows of those very tokens
        np.testing.assert_array_equal(vectors[:, 1], np.arange(2, 2 + len(words)))  # after <s> and "query:"


def test_inputs_longer_than_the_model_are_truncated_as_encode_does():
    model = WordModel(WordTokenizer(), max_seq_length=6)  # <s> query: + 3 words + </s>
    ((ids, vectors),) = fake_encoder(model, "query: ").encode_tokens(["a b c d e f g"])
    assert len(ids) == 3 and vectors[:, 1].tolist() == [2, 3, 4]


def test_a_mismatch_between_tokenizer_and_model_is_an_error():
    class Shifted(WordModel):
        def encode(self, texts, **kw):
            return [v[1:] for v in super().encode(texts, **kw)]

    with pytest.raises(ModelError, match="cannot be told apart"):
        fake_encoder(Shifted(WordTokenizer()), "").encode_tokens(["a b"])


def test_the_cache_holds_float16_and_a_hit_loads_no_model(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    model = WordModel(WordTokenizer())
    first = fake_encoder(model, "query: ", cache).encode_tokens(TEXTS)
    assert cache.count_tokens() == len(TEXTS) and len(cache) == 0  # other models: tokens only
    again = Encoder("stand-in-model", prefix="query: ", cache=cache)
    again._resolved = (None, "stand-in:fingerprint", "query: ")
    second = again.encode_tokens(TEXTS)
    assert again._st is None  # every text came from the cache
    for (a_ids, a), (b_ids, b) in zip(first, second, strict=True):
        np.testing.assert_array_equal(a_ids, b_ids)
        np.testing.assert_array_equal(a, b)  # the first run returned the float16 values too
        assert b.dtype == np.float32
        np.testing.assert_array_equal(b[:, 4], (b_ids / 3).astype(np.float32).astype(np.float16))
    # without a cache: float32 as computed
    exact = fake_encoder(WordModel(WordTokenizer()), "query: ").encode_tokens(TEXTS)
    for ids, vectors in exact:
        np.testing.assert_array_equal(vectors[:, 4], (ids / 3).astype(np.float32))
    assert any(not np.array_equal(a[1], b[1]) for a, b in zip(exact, second, strict=True))


def test_a_damaged_token_row_is_recomputed(tmp_path):
    path = tmp_path / "c.sqlite"
    cache = EmbeddingCache(path)
    model = WordModel(WordTokenizer())
    enc = fake_encoder(model, "", cache)
    good = enc.encode_tokens(TEXTS)
    with sqlite3.connect(path) as con:  # one row's vectors change under its checksum
        con.execute("UPDATE tokens SET vectors = zeroblob(length(vectors)) WHERE n = 3")
    con.close()
    model.calls.clear()
    again = enc.encode_tokens(TEXTS)
    assert model.calls == [1]  # only "one two three" ran again
    for (a_ids, a), (b_ids, b) in zip(good, again, strict=True):
        np.testing.assert_array_equal(a_ids, b_ids)
        np.testing.assert_array_equal(a, b)
    model.calls.clear()
    enc.encode_tokens(TEXTS)
    assert model.calls == []  # overwritten: a hit again
