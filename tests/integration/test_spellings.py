"""One article, many spellings, one report: the model embeds a canonical text
(``align.text.model_text``) and documents are read in Unicode's composed form, so Persian keyed
in with Arabic letters (ي/ك, as Windows-1256 files and many sites write it), decomposed letters
(NFD), bidi marks and zero-width joiners, or Arabic keyed in with Persian letters give the same
pairs and confidences as the original (issues 20 and 24)."""
from __future__ import annotations

import unicodedata

import pytest
from conftest import AR, FA, ROOT

import align

REALNEWS = ROOT / "benchmarks" / "realnews" / "articles"


def _rows(report) -> list[tuple]:
    return [(r.key, r.status, None if r.confidence is None else round(r.confidence, 5)) for r in report.rows]


def _persian_variants(text: str) -> dict[str, str]:
    return {
        "arabic yeh and kaf": text.replace("ی", "ي").replace("ک", "ك"),
        "NFD": unicodedata.normalize("NFD", text),
        "bidi marks": text.replace(" ", " \u200f", 40).replace("،", "\u202b،\u202c").replace(":", ":\u200e"),
        "zero-width joiners and kashida": text.replace("ش", "ش\u200d", 5).replace("ب", "بـ", 5),
    }


@pytest.fixture(scope="module")
def seed_rows(encoder):
    return _rows(align.compare(FA, AR, encoder=encoder))


@pytest.mark.parametrize("variant", list(_persian_variants("x")))
def test_the_persian_seed_in_any_spelling(encoder, seed_rows, variant, tmp_path):
    text = _persian_variants(FA.read_text(encoding="utf-8"))[variant]
    path = tmp_path / "fa.txt"
    path.write_text(text, encoding="utf-8")
    report = align.compare(path, AR, encoder=encoder)
    assert report.a.document.lang == "fa"
    assert _rows(report) == seed_rows
    assert report.a.document.text != FA.read_text(encoding="utf-8") or variant == "NFD"  # shown as written


def test_the_persian_seed_from_a_windows_1256_file(encoder, seed_rows, tmp_path):
    path = tmp_path / "fa.txt"
    path.write_bytes(FA.read_text(encoding="utf-8").replace("ی", "ي").replace("ک", "ك").encode("cp1256"))
    report = align.compare(path, AR, encoder=encoder)
    assert report.a.document.encoding == "cp1256" and report.a.document.lang == "fa"
    assert _rows(report) == seed_rows


@pytest.mark.parametrize("variant", ["persian letters", "NFD"])
def test_the_arabic_seed_in_another_spelling(encoder, seed_rows, variant):
    text = AR.read_text(encoding="utf-8")
    text = text.replace("ي", "ی").replace("ك", "ک") if variant == "persian letters" else unicodedata.normalize("NFD", text)
    assert _rows(align.compare(FA, text, encoder=encoder, lang_b="ar")) == seed_rows


def test_real_news_in_arabic_letters(encoder):
    fa, ar = REALNEWS / "e05_fa_bbc.txt", REALNEWS / "e05_ar_watananews.txt"
    base = _rows(align.compare(fa, ar, encoder=encoder, segmented=True))
    text = fa.read_text(encoding="utf-8").replace("ی", "ي").replace("ک", "ك")
    assert _rows(align.compare(text, ar, encoder=encoder, segmented=True, lang_a="fa")) == base
