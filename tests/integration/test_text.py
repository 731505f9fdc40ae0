"""Matching key and language identification for fa / ar / en."""
from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(
    "lang, code, minimum",
    [("pes", "fa", 0.97), ("ara", "ar", 0.97), ("urd", "ur", 0.95), ("deu", "de", 0.97), ("fra", "fr", 0.95), ("rus", "ru", 0.97), ("tur", "tr", 0.97)],
)
def test_language_of_short_sentences(lang, code, minimum):
    sents = tatoeba(lang, n=300)
    acc = sum(detect_language(s) == code for s in sents) / len(sents)
    assert acc >= minimum, (lang, acc)
    eng = tatoeba(lang, "eng", n=100)
    assert sum(detect_language(s) == "en" for s in eng) / len(eng) >= 0.95


def test_undetermined_and_restricted():
    assert detect_language("12 345 / ...") == "und"
    assert detect_language("Привет, как дела?", candidates=("fa", "ar", "en")) == "und"
    assert detect_language("Привет, как дела?") == "ru"
    # a quotation in another language inside an article is detected per segment
    from align import load_document, segment

    doc = load_document("روابط دوستانه با کشورهای همسایه اولویت اصلی است.\nHe said: we will cooperate with our neighbours.\n")
    assert doc.lang == "fa" and [s.lang for s in segment(doc)] == ["fa", "en"]


def test_zwnj_repair_for_display_only(encoder):
    from align.text import repair_zwnj
    import align

    assert repair_zwnj("گفتوگو حوزههای تروریستها میدهد اصلیترین کردهاند") == (
        "گفت\u200cوگو حوزه\u200cهای تروریست\u200cها می\u200cدهد اصلی\u200cترین کرده\u200cاند"
    )
    # words that only look like the patterns are left alone
    assert repair_zwnj("تنها میز میزان بهترین بیشتر دفتر") == "تنها میز میزان بهترین بیشتر دفتر"
    fa = FA.read_text(encoding="utf-8")
    assert matching_key(repair_zwnj(fa)) == matching_key(fa)
    plain = align.compare(FA, AR, encoder=encoder)
    shown = align.compare(FA, AR, encoder=encoder, repair_zwnj=True)
    assert [(r.a_ids, r.b_ids, r.confidence) for r in plain.rows] == [(r.a_ids, r.b_ids, r.confidence) for r in shown.rows]
    texts = " ".join(r.a_text for r in shown.rows)
    assert "گفت\u200cوگو" in texts and "حوزه\u200cهای" in texts
    assert "\u200c" not in " ".join(r.b_text for r in shown.rows)  # Arabic untouched
    assert "\u200c" not in " ".join(r.a_text for r in plain.rows)  # default: exactly as written
