"""Sentence and claim segmentation on the seeds and on hard patterns; nothing lost or invented."""
from __future__ import annotations

import warnings

from conftest import AR, FA
from hypothesis import given, settings
from hypothesis import strategies as st

from align.documents import load_document
from align.errors import InputWarning
from align.segment import claims, segment


def _check_offsets(doc, segs):
    prev_end = 0
    for s in segs:
        assert doc.text[s.start : s.end] == s.text
        assert s.start >= prev_end and s.text == s.text.strip() and s.text
        prev_end = s.end


def test_persian_seed_has_11_sentences_and_no_slash_line():
    doc = load_document(FA)
    segs = segment(doc)
    assert doc.lang == "fa" and len(segs) == 11
    assert all(s.text != "/" for s in segs)
    assert segs[3].text.startswith("شمخانی گفت: مبارزه فرهنگی")  # ':' does not split a sentence
    _check_offsets(doc, segs)


def test_arabic_seed_headline_bullets_and_glued_sentences():
    doc = load_document(AR)
    segs = segment(doc)
    assert doc.lang == "ar" and len(segs) == 22
    assert segs[0].kind == "headline" and segs[0].text.endswith("الجماعات الإرهابية")
    assert segs[2].kind == "bullet" and segs[2].duplicate_of == 1 and segs[2].text == segs[0].text
    assert segs[3].kind == "bullet" and segs[3].text.startswith("ملتقى الحوار الأمني")
    assert segs[4].text.endswith("في هذا البلد.") and segs[5].text.startswith("جاءت تصريحات شمخاني")
    assert segs[4].paragraph == segs[5].paragraph
    # quotes hold their sentences together; the sentence after a closing quote starts anew
    assert segs[12].text.startswith("وأوضح شمخاني") and segs[12].text.endswith('وجيرانها".')
    _check_offsets(doc, segs)


def test_hard_patterns():
    text = (
        "قال: «هذا أمر. وذاك أمر آخر» ثم غادر.\n"
        "رشد ۳.۵ درصد و ٣.٥ بالمئة و 3.5 percent بود.\n"
        'Mr. Smith met Dr. Jones in the U.S.A. on Monday. He said "It works. Really." Then he left.\n'
        "- a bullet line without a full stop\n"
        "/\n"
    )
    segs = segment(load_document(text, kind="text"))
    texts = [s.text for s in segs]
    assert texts[0] == "قال: «هذا أمر. وذاك أمر آخر» ثم غادر."
    assert texts[1] == "رشد ۳.۵ درصد و ٣.٥ بالمئة و 3.5 percent بود."
    assert texts[2] == "Mr. Smith met Dr. Jones in the U.S.A. on Monday."
    assert texts[3] == 'He said "It works. Really."'
    assert texts[4] == "Then he left."
    assert segs[5].kind == "bullet" and texts[5] == "a bullet line without a full stop"
    assert len(segs) == 6


def test_claims_split_reporting_clause_and_keep_sentence_id():
    doc = load_document(FA)
    sents = segment(doc)
    units = claims(doc, sents)
    second = [c for c in units if c.sentence == 2]
    assert len(second) == 2
    assert second[1].text.startswith("روابط دوستانه با کشورهای همسایه")
    assert all(doc.text[c.start : c.end] == c.text for c in units)
    # every sentence is covered by its claims, in order
    assert sorted({c.sentence for c in units}) == [s.id for s in sents]
    # an attribution alone is not a claim: "وی خاطرنشان کرد: ..." / "طارق شاه بهرامی افزود: ..."
    assert len([c for c in units if c.sentence == 9]) == 1
    assert len([c for c in units if c.sentence == 10]) == 1


def test_arabic_claims():
    doc = load_document(AR)
    units = claims(doc, segment(doc))
    by = {c.label: c.text for c in units}
    # the statement after a reporting verb, when the clause before it says something itself
    assert by["11.2"].startswith('إلى أن "الإرهاب والتطرف') and "ومكافحة الإرهاب" in by["11.1"]
    # a second statement joined by a participle
    assert by["9.2"].startswith("منوّهاً إلى أن تعزيز العلاقات") and by["16.2"].startswith("مشدداً على أن")
    assert by["19.2"].startswith("مشيراً إلى أن أفغانستان")
    # "X said that ..." with nothing else before "that" stays whole; so does "described ... as ..."
    assert "19.3" not in by and by["19.1"].startswith("من جهته، صرّح")
    assert by["8.1"].endswith("لأعداء الأمن الأفغاني") and "بأنه" in by["8.1"]
    assert all(doc.text[c.start : c.end] == c.text for c in units)


ALPHABET = st.sampled_from(list("abc XYZ.!?؟،؛:;«»\"'\n\t\u00a0\u200c-•/") + list("سلامگفتوكيیک۳٣3"))


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=200))
def test_segments_never_lose_or_invent_text(text):
    if not any(ch.isalpha() for ch in text):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # random mixes of scripts "given as Persian"
        doc = load_document(text, lang="fa", kind="text")
    segs = segment(doc)
    _check_offsets(doc, segs)
    covered = set()
    for s in segs:
        covered.update(range(s.start, s.end))
    # every letter of every line that has letters lies inside some segment
    for i, ch in enumerate(text):
        if ch.isalpha():
            assert i in covered, (text, i)
    units = claims(doc, segs)
    for c in units:
        assert doc.text[c.start : c.end] == c.text


def test_segmented_keeps_line_numbers():
    import align
    from align.segment import segment_lines

    doc = align.Document("Erste Zeile. Noch ein Satz.\n\nDritte Zeile\n", "t", "de")
    lines = segment_lines(doc)
    assert [(s.id, s.text) for s in lines] == [(1, "Erste Zeile. Noch ein Satz."), (3, "Dritte Zeile")]  # line 2 is blank
    assert all(doc.text[s.start:s.end] == s.text for s in lines)


def test_claims_of_hand_written_sentences():
    """A cut at ':' or ';' only where both sides keep four words; "X said:" alone is no claim."""
    doc = load_document(
        "The minister said on Monday in Kabul: the border will stay open for trade.\n"
        "He said: the border will stay open.\n"
        "Prices rose sharply this year; wages did not keep up with them.\n"
        "Short: not split here at all.\n", lang="en", kind="text")
    units = claims(doc, segment(doc))
    assert [(c.label, c.kind, c.text) for c in units] == [
        ("1.1", "claim", "The minister said on Monday in Kabul"),
        ("1.2", "claim", "the border will stay open for trade."),
        ("2.1", "sentence", "He said: the border will stay open."),
        ("3.1", "claim", "Prices rose sharply this year"),
        ("3.2", "claim", "wages did not keep up with them."),
        ("4.1", "sentence", "Short: not split here at all."),
    ]
    assert all(doc.text[c.start:c.end] == c.text for c in units)


def test_a_repeated_line_is_a_duplicate_with_its_claims():
    line = "Talks were held in Kabul: the border will stay open now."
    doc = load_document(f"{line}\n- {line}\n", lang="en", kind="text")
    sents = segment(doc)
    assert [(s.kind, s.duplicate_of) for s in sents] == [("sentence", None), ("bullet", 1)]
    assert [(c.label, c.duplicate_of) for c in claims(doc, sents)] == [("1.1", None), ("1.2", None), ("2.1", 1), ("2.2", 1)]


def test_a_run_on_line_is_cut_into_bounded_segments_with_a_warning():
    import pytest

    from align.segment import MAX_SEGMENT_CHARS

    text = " ".join(f"kalame{i}" for i in range(3000))  # ~26,000 characters, no punctuation
    doc = load_document(text, lang="en", kind="text")
    with pytest.warns(InputWarning, match=r"text: \d+ cut\(s\) in sentences longer than 1,500 characters"):
        segs = segment(doc)
    assert len(segs) > 10 and all(len(s.text) <= MAX_SEGMENT_CHARS for s in segs)
    assert " ".join(s.text for s in segs) == text  # cut at spaces: nothing lost, nothing invented
    _check_offsets(doc, segs)


def test_an_over_long_segmented_line_becomes_bounded_parts_of_that_line():
    import pytest

    from align.segment import MAX_SEGMENT_CHARS, segment_lines

    long = " ".join(f"kalame{i}" for i in range(3000))  # ~26,000 characters, no punctuation
    doc = load_document(f"First line here.\n{long}\nThird line here.\n", lang="en", kind="text")
    lines = segment_lines(doc)
    assert [s.id for s in lines] == [1, 2, 3]  # the line keeps its number
    with pytest.warns(InputWarning, match=r"text: \d+ cut\(s\) in lines longer than 1,500 characters"):
        parts = claims(doc, lines)
    long_parts = [c for c in parts if c.sentence == 2]
    assert len(long_parts) > 10 and all(len(c.text) <= MAX_SEGMENT_CHARS for c in parts)
    assert [c.part for c in long_parts] == list(range(1, len(long_parts) + 1))
    assert " ".join(c.text for c in long_parts) == long
    assert [c.sentence for c in parts if c.sentence != 2] == [1, 3]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # short lines: no warning
        claims(doc, [lines[0], lines[2]])


def test_a_one_line_article_is_read_in_steps_linear_in_its_length(monkeypatch):
    # thousands of sentences on one line (a page without line breaks): the word before each
    # period is read near it, not in the whole line before it (quadratic: 27 s for 200 KB)
    import re
    import sys

    seg = sys.modules["align.segment"]  # (``align.segment`` is also the function)
    read = []

    class CountingRe:
        def __getattr__(self, name):
            return getattr(re, name)

        @staticmethod
        def search(pattern, string, *args):
            read.append(len(string))
            return re.search(pattern, string, *args)

    text = "Shamkhani said the cooperation would continue. " * 2000  # 94,000 characters
    doc = load_document(text, lang="en", kind="text")
    monkeypatch.setattr(seg, "re", CountingRe())
    segs = segment(doc)
    assert len(segs) == 2000
    assert sum(read) <= 100 * len(segs)  # was ~ len(text) * len(segs) / 2


@given(st.lists(st.sampled_from(["a", "بی", " ", "  ", "\t", "\n", "\u00a0", "\u200c", "\u2003", ";", "x:"]), max_size=30).map("".join),
       st.integers(0, 40), st.integers(1, 5))
@settings(max_examples=300, deadline=None)
def test_words_after_a_cut_are_counted_as_split_counts_them(text, start, n):
    from align.segment import _has_words

    assert _has_words(text, start, n) == (len(text[start:].split()) >= n)
