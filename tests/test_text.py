"""Matching key and language identification for fa / ar / en."""
from __future__ import annotations

from conftest import AR, FA, tatoeba
from align.text import detect_language, matching_key


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


def test_language_of_short_sentences():
    for lang, code in (("pes", "fa"), ("ara", "ar")):
        sents = tatoeba(lang, n=300)
        acc = sum(detect_language(s) == code for s in sents) / len(sents)
        assert acc >= 0.93, (lang, acc)
    eng = tatoeba("pes", "eng", n=300)
    assert sum(detect_language(s) == "en" for s in eng) / len(eng) >= 0.93
    assert detect_language("12 345") == "und"
    assert detect_language("Привет, как дела?") == "und"
