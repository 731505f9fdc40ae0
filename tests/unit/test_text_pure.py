"""Matching key and language identification for fa / ar / en, and the display helpers
(terminal-safe text, right-to-left detection, Persian ZWNJ repair): pure functions, no model."""
from __future__ import annotations

import unicodedata

import pytest
from conftest import AR, FA

from align.text import detect_language, is_rtl, matching_key, repair_zwnj, script_counts, terminal_safe, words


def test_matching_key_unifies_persian_and_arabic_spellings():
    assert matching_key("شمخانی") == matching_key("شمخاني")
    assert matching_key("کابل") == matching_key("كابل")
    assert matching_key("گفت\u200cوگو") == matching_key("گفتوگو")
    assert matching_key("أمين") == matching_key("امين") == matching_key("إمين")
    assert matching_key("الجمهورية") == matching_key("الجمهوريه")
    assert matching_key("شرٌّ حلَّ") == matching_key("شر حل")
    assert matching_key("ســـلام") == matching_key("سلام")  # tatweel
    assert matching_key("۱۳۹۸ ١٤٤٠ 2019") == "1398 1440 2019"
    assert matching_key("  a\u00a0 B ") == "a b"


def test_detects_the_seed_languages():
    assert detect_language(FA.read_text(encoding="utf-8")) == "fa"
    assert detect_language(AR.read_text(encoding="utf-8")) == "ar"


def test_undetermined_and_restricted():
    assert detect_language("12 345 / ...") == "und"
    assert detect_language("Привет, как дела?", candidates=("fa", "ar", "en")) == "und"
    assert detect_language("Привет, как дела?") == "ru"
    # a quotation in another language inside an article is detected per segment
    from align.documents import load_document
    from align.segment import segment

    doc = load_document("روابط دوستانه با کشورهای همسایه اولویت اصلی است.\nHe said: we will cooperate with our neighbours.\n")
    assert doc.lang == "fa" and [s.lang for s in segment(doc)] == ["fa", "en"]




# -- display helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, safe", [
    ("plain text", "plain text"),
    ("keep\nnew lines\tand tabs", "keep\nnew lines\tand tabs"),
    ("\x1b]0;title\x07after", "after"),  # OSC ended by BEL
    ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink ended by ST
    ("\x1b[2J\x1b[1;31mred\x1b[0m", "red"),  # CSI
    ("\x9b31mred", "red"),  # 8-bit CSI
    ("bell\x07 nul\x00 del\x7f c1\x85", "bell nul del c1"),
    ("شمخانی\u200c‌ها", "شمخانی\u200c‌ها"),  # ZWNJ is text, not a control
    ("A1 \u202eevil\u202c | B2 \u2067x\u2069", "A1 evil | B2 x"),  # bidi overrides and isolates: no reordering
])
def test_terminal_safe(text, safe):
    assert terminal_safe(text) == safe


@pytest.mark.parametrize("text, rtl", [
    ("سلام دنیا", True), ("مرحبا", True), ("Hello", False), ("Hello سلام world", False), ("ایران Iran", True), ("123", False),
])
def test_is_rtl(text, rtl):
    assert is_rtl(text) is rtl


def test_script_counts_and_words():
    assert script_counts("abc سلام Привет 12") == {"arabic": 4, "latin": 3, "other": 6}
    assert words("تطرًّق الی، می\u200cدهد: yes-no") == ["تطرًّق", "الی", "می\u200cدهد", "yes", "no"]


def test_zwnj_repair_rules():
    assert repair_zwnj("گفتوگو حوزههای تروریستها میدهد اصلیترین کردهاند") == (
        "گفت\u200cوگو حوزه\u200cهای تروریست\u200cها می\u200cدهد اصلی\u200cترین کرده\u200cاند"
    )
    # words that only look like the patterns are left alone; other scripts are untouched
    assert repair_zwnj("تنها میز میزان بهترین بیشتر دفتر") == "تنها میز میزان بهترین بیشتر دفتر"
    assert repair_zwnj("Hello, world") == "Hello, world"
    text = "کشورهای همسایه میدهند"
    assert matching_key(repair_zwnj(text)) == matching_key(text)  # display only: matching is unchanged


# -- the text the model sees ------------------------------------------------------------------


def test_model_text_has_one_spelling_per_language():
    from align.text import model_text

    persian = "روابط دوستانه با کشورهای همسایه"
    assert model_text("روابط دوستانه با كشورهاي همسايه", "fa") == persian
    assert model_text(unicodedata.normalize("NFD", "إلى أن الإرهاب شرٌّ"), "ar") == "إلى أن الإرهاب شر"
    assert model_text("علی و کتاب", "ar") == "علي و كتاب"  # Arabic keyed in with Persian letters
    assert model_text("a\u200fb \u202bc\u202c\ufeffd\u200dـe", "fa") == "ab cde"
    assert model_text("می\u200cدهد", "fa") == "می\u200cدهد"  # ZWNJ stays (the model reads it as a space)
    assert model_text("ﻻ ﺑﺎﻳﺪ", "ar") == "لا بايد"  # presentation forms
    assert model_text("  Café\u0301  ", "en") == unicodedata.normalize("NFKC", "Café\u0301")
    assert model_text("ي", None) == "ي"  # no language: letters as they are
