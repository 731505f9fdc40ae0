"""Matching key and language identification for fa / ar / en."""
from __future__ import annotations

import pytest
from conftest import AR, FA, tatoeba

from align.text import detect_language, matching_key


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


def test_zwnj_repair_for_display_only(encoder):
    import align
    from align.text import repair_zwnj

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
