"""Script-aware text utilities for Persian, Arabic and English.

Two views of text exist in claimalign: the original (shown to users, written to reports, never
altered) and the *matching key* built here, used only for comparisons.
"""
from __future__ import annotations

import re
import unicodedata

# Letter variants unified in the matching key (Persian and Arabic spellings of one word).
_LETTER_MAP = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
        "\u0629": "\u0647",  # ة teh marbuta -> ه
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ
        "\u0624": "\u0648",  # ؤ -> و
        "\u0626": "\u06cc",  # ئ -> ی
        "\u06c0": "\u0647",  # ۀ -> ه
        "\u06d5": "\u0647",  # ە
    }
)
# Harakat, Quranic marks, superscript alef, tatweel; zero-width and bidi controls.
_DROP = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")
# Persian (۰-۹) and Arabic-Indic (٠-٩) digits -> ASCII.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def matching_key(text: str) -> str:
    """A normalised form for comparing text across Persian/Arabic spellings.

    NFKC; ZWNJ and other zero-width characters removed (``گفت‌وگو`` == ``گفتوگو``); ی/ي/ى, ک/ك,
    hamza forms of alef, ة/ه unified; diacritics and tatweel removed; digits in any script as
    ASCII; whitespace collapsed; case folded.
    """
    t = unicodedata.normalize("NFKC", text)
    t = _DROP.sub("", t)
    t = t.translate(_LETTER_MAP).translate(_DIGITS)
    return _SPACE.sub(" ", t).strip().casefold()


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


# --- language identification -----------------------------------------------------------------

_PERSIAN_ONLY = set("پچژگکی")  # letters Arabic does not use
_ARABIC_ONLY = set("ةيكىؤإأ")  # letters/forms rare or absent in Persian spelling
_URDU_ONLY = set("ٹڈڑںےھۓ")
_ARABIC_WORDS = {"في", "من", "على", "إلى", "التي", "الذي", "أن", "عن", "هذا", "مع"}
_PERSIAN_WORDS = {"در", "از", "به", "که", "این", "را", "با", "است", "برای", "می"}
_ENGLISH_WORDS = set(
    "the of and to in is are was were be been being that for on with a an as at by from it its "
    "this these those he she they we you i me my your his her our their them him us not no do does "
    "did have has had will would can could should may might must what who whom which where when why "
    "how there here all any some one if or but so than then too very just about into out up down "
    "over after before again more most other such only own same don't i'm it's can't isn't let let's "
    "yes like know want go going get got make made think say said see tell told come came time good".split()
)


def script_counts(text: str) -> dict[str, int]:
    counts = {"arabic": 0, "latin": 0, "other": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        cp = ord(ch)
        if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
            counts["arabic"] += 1
        elif cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF:
            counts["latin"] += 1
        else:
            counts["other"] += 1
    return counts


def detect_language(text: str) -> str:
    """ISO 639-1 code for Persian (fa), Arabic (ar), Urdu (ur) or English (en), else "und".

    Script first, then the letters and function words that tell the Arabic-script languages
    apart (Persian پ چ ژ گ ی ک vs Arabic ة ي ك ى). Decided on the original text, before the
    matching key unifies those letters.
    """
    counts = script_counts(text)
    total = sum(counts.values())
    if total == 0:
        return "und"
    if counts["arabic"] >= max(counts["latin"], counts["other"]):
        letters = [ch for ch in text if ch.isalpha()]
        fa = sum(ch in _PERSIAN_ONLY for ch in letters)
        ar = sum(ch in _ARABIC_ONLY for ch in letters)
        ur = sum(ch in _URDU_ONLY for ch in letters)
        words = re.findall(r"\w+", text)
        fa += 2 * sum(w in _PERSIAN_WORDS for w in words)
        ar += 2 * sum(w in _ARABIC_WORDS for w in words)
        if ur > max(fa, ar) / 2 and ur >= 2:
            return "ur"
        if fa == ar == 0:
            return "und"
        return "fa" if fa > ar else "ar"
    if counts["latin"] >= counts["other"]:
        words = re.findall(r"[a-z']+", text.lower())
        if not words:
            return "und"
        hits = sum(w in _ENGLISH_WORDS for w in words)
        return "en" if hits >= max(1, len(words) // 8) else "und"
    return "und"


RTL_LANGUAGES = {"fa", "ar", "ur", "he", "ps", "ku", "ckb"}


def is_rtl(text: str) -> bool:
    c = script_counts(text)
    return c["arabic"] > c["latin"]
