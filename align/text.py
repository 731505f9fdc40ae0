"""Script-aware text utilities for Persian, Arabic and English.

Two views of text exist in claimalign: the original (shown to users, written to reports, never
altered) and the *matching key* built here, used only for comparisons.
"""
from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=1 << 16)
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


# -- the text the model sees -------------------------------------------------------------------

# Invisible controls: zero-width space and joiner, LRM/RLM/ALM, bidi embeddings and isolates, BOM
# (ZWNJ, U+200C, stays: it separates Persian word parts, and the model reads it as a space).
_INVISIBLE = re.compile(r"[\u200b\u200d-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
# Arabic-script marks: harakat, Quranic marks, superscript alef; and tatweel (kashida).
_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Letter variants as each language writes them: Persian/Dari text keyed in with Arabic letters (as
# Windows-1256 files and many sites do), Arabic text with Persian letters.
_AS_PERSIAN = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u06d5": "\u0647"})
_AS_ARABIC = str.maketrans({"\u06cc": "\u064a", "\u06a9": "\u0643"})
_PERSIAN_CODES = {"fa", "prs", "pes", "fas"}


def model_text(text: str, lang: str | None) -> str:
    """The text the model embeds for ``text`` in language ``lang``: one spelling however the
    article was keyed in. The report always shows the original.

    NFKC (decomposed letters composed, presentation forms and full-width characters mapped);
    bidi marks, zero-width spaces and joiners and the BOM removed; in Arabic-script text the
    diacritics and the tatweel removed, and the letters written as the language writes them
    (Persian/Dari: ی and ک for ي/ى and ك, ه for ە; Arabic: ي and ك for ی and ک); whitespace
    collapsed.
    """
    t = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    if any("\u0600" <= ch <= "\u06ff" for ch in t):
        t = _MARKS.sub("", t)
        code = (lang or "").split("-")[0].lower()
        if code in _PERSIAN_CODES:
            t = t.translate(_AS_PERSIAN)
        elif code == "ar":
            t = t.translate(_AS_ARABIC)
    return _SPACE.sub(" ", t).strip()


@functools.lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """``matching_key`` of one word, cached (words repeat across the sentences of a corpus)."""
    return matching_key(word)


_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+")


def words(text: str) -> list[str]:
    r"""Words, keeping Arabic combining marks (shadda, tanween), ZWNJ and invisible controls
    (zero-width joiners, bidi marks) inside them; ``\\w`` alone splits ``تطرًق`` at its mark and
    ``ش‍مخانی`` at a joiner. The matching key drops the controls.
    """
    return _WORD.findall(text)


def has_letters(text: str) -> bool:
    """True when ``text`` has at least one letter of any script."""
    return any(ch.isalpha() for ch in text)


# --- language identification -----------------------------------------------------------------

# Candidate languages for detection. Restricting the candidates is what makes short sentences
# reliable (unrestricted, Persian is mistaken for Pashto or Urdu); text in none of them is "und".
DEFAULT_LANGUAGES = ("fa", "ar", "ur", "en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "tr", "he", "zh", "hi")

_PERSIAN_ONLY = set("پچژگکی")  # letters Arabic does not use
_ARABIC_ONLY = set("ةيكىؤإأ")  # letters/forms rare or absent in Persian spelling
_URDU_ONLY = set("ٹڈڑںےھۓ")


def script_counts(text: str) -> dict[str, int]:
    """Letters of ``text`` per script: {"arabic": n, "latin": n, "other": n}."""
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


@functools.lru_cache(maxsize=8)
def _detector(codes: tuple[str, ...]):
    """A lingua detector for these ISO 639-1 codes; its models load lazily, per script seen."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    try:
        isos = [getattr(IsoCode639_1, c.upper()) for c in codes]
    except AttributeError as exc:
        raise ValueError(f"unsupported language code in {codes!r}: {exc}") from None
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).build()


def _arabic_script_language(text: str) -> str:
    """Persian / Arabic / Urdu from the letters only each of them uses (fallback)."""
    letters = [ch for ch in text if ch.isalpha()]
    fa = sum(ch in _PERSIAN_ONLY for ch in letters)
    ar = sum(ch in _ARABIC_ONLY for ch in letters)
    ur = sum(ch in _URDU_ONLY for ch in letters)
    if ur >= 2 and ur > max(fa, ar) / 2:
        return "ur"
    if fa == ar:
        return "und"
    return "fa" if fa > ar else "ar"


def detect_language(text: str, candidates: tuple[str, ...] = DEFAULT_LANGUAGES) -> str:
    """ISO 639-1 code of the language of ``text`` among ``candidates``, or "und".

    lingua (offline n-gram models) restricted to the candidates; when it cannot decide on
    Arabic-script text, the letters that only Persian, Arabic or Urdu use decide. Works on the
    original text: detect before the matching key unifies those letters.
    """
    if not has_letters(text):
        return "und"
    found = _detector(tuple(candidates)).detect_language_of(text)
    if found is not None:
        return found.iso_code_639_1.name.lower()
    counts = script_counts(text)
    if counts["arabic"] > counts["latin"] + counts["other"]:
        return _arabic_script_language(text)
    return "und"


RTL_LANGUAGES = {"fa", "ar", "ur", "he", "ps", "ku", "ckb"}
# Languages written in the Arabic or the Latin script (for segment_language's shortcut).
_ARABIC_SCRIPT = {"fa", "ar", "ur", "ps", "ku", "ckb", "ug", "sd"}
_LATIN_SCRIPT = {"en", "fr", "de", "es", "it", "pt", "nl", "tr", "pl", "sv", "da", "no", "fi", "id", "ms", "ro", "cs", "hu"}


def script_of_language(lang: str) -> str | None:
    """The script ``lang`` is written in, as :func:`script_counts` names it ("arabic", "latin",
    "other"), or None when unknown.
    """
    code = lang.split("-")[0].lower()
    if code in _ARABIC_SCRIPT or code in {"prs", "pes", "fas", "arb"}:
        return "arabic"
    if code in _LATIN_SCRIPT:
        return "latin"
    if code in {"ru", "uk", "bg", "sr", "mk", "be", "kk", "he", "yi", "el", "zh", "ja", "ko", "hi", "mr", "ne", "bn", "ta",
                "te", "th", "ka", "hy", "am"}:
        return "other"
    return None


def segment_language(text: str, document_lang: str) -> str:
    """The language of one segment of a document in ``document_lang``.

    A segment in the document's own script takes the document's language without running the
    language identifier (so a comparison whose languages are given never loads its models); a
    segment in another script (an English quote in a Persian article) is identified.
    """
    counts = script_counts(text)
    script = "arabic" if counts["arabic"] > counts["latin"] + counts["other"] else (
        "latin" if counts["latin"] > counts["arabic"] + counts["other"] else "other")
    if (script == "arabic" and document_lang in _ARABIC_SCRIPT) or (script == "latin" and document_lang in _LATIN_SCRIPT):
        return document_lang
    found = detect_language(text)
    return document_lang if found == "und" else found


def is_rtl(text: str) -> bool:
    """True when most letters of ``text`` are of the Arabic script (shown right to left)."""
    c = script_counts(text)
    return c["arabic"] > c["latin"]


# --- Persian zero-width non-joiner repair (display only) -------------------------------------

ZWNJ = "\u200c"
_VERB_STEMS = (
    "دهد", "دهند", "دهم", "دهی", "دهیم", "دهید", "کند", "کنند", "کنم", "کنی", "کنیم", "کنید", "شود", "شوند",
    "شوم", "شوی", "شویم", "شوید", "گوید", "گویند", "گویم", "رود", "روند", "آید", "آیند", "توان", "تواند",
    "توانند", "خواهد", "خواهند", "خواهم", "دانند", "داند", "دانم", "باشد", "باشند", "گیرد", "گیرند", "بیند",
    "بینند", "یابد", "یابند", "رسد", "رسند", "ماند", "مانند", "سازد", "سازند", "آورد", "آورند", "کرد", "کردند",
    "شد", "شدند", "داد", "دادند", "گفت", "گفتند", "رفت", "رفتند", "خواست", "خواستند", "دارد", "دارند", "زند",
)
_NOT_PLURAL = {"تنها", "بها", "رها", "ها", "اینها", "آنها", "صدها", "هزارها", "میلیونها", "نها", "فقها", "علما", "ابتدا", "بعدها"}
_NOT_COMPARATIVE = {"بهتر", "بهترین", "بیشتر", "بیشترین", "کمتر", "کمترین", "مهتر", "کهتر", "دختر", "دفتر", "کبوتر", "چتر", "اختر", "شتر", "انگشتر", "ستر", "بستر", "گستر", "دکتر", "اکثر", "کتر"}
_COMPOUNDS = {"گفتوگو": "گفت\u200cوگو", "جستوجو": "جست\u200cوجو", "شستوشو": "شست\u200cوشو"}
_PERSIAN_WORD = re.compile(r"[\u0600-\u06ff]+")


def _repair_word(w: str) -> str:
    if w in _COMPOUNDS:
        return _COMPOUNDS[w]
    for prefix in ("نمی", "می"):
        rest = w[len(prefix):]
        if w.startswith(prefix) and rest in _VERB_STEMS:
            return prefix + ZWNJ + rest
    for suffix in ("هایی", "هایم", "هایش", "های", "ها"):
        stem = w[: -len(suffix)]
        if w.endswith(suffix) and len(stem) >= 2 and w not in _NOT_PLURAL and not stem.endswith(("ای",)):
            return _repair_word(stem) + ZWNJ + suffix
    for suffix in ("ترین", "تر"):
        stem = w[: -len(suffix)]
        if w.endswith(suffix) and len(stem) >= 3 and w not in _NOT_COMPARATIVE and stem.endswith("ی"):
            return stem + ZWNJ + suffix
    for suffix in ("اند", "ایم", "اید"):
        stem = w[: -len(suffix)]
        if w.endswith(suffix) and stem.endswith("ه") and len(stem) >= 3:
            return _repair_word(stem) + ZWNJ + suffix
    return w


def repair_zwnj(text: str) -> str:
    """Persian text with missing zero-width non-joiners restored where the rule is safe.

    ``می``/``نمی`` before common verb stems (``میدهد`` -> ``می‌دهد``), the plural ``ها``/``های``
    (``حوزههای`` -> ``حوزه‌های``, ``تروریستها`` -> ``تروریست‌ها``), ``ترین``/``تر`` after ``ی``
    (``اصلیترین``), perfect endings after ``ه`` (``کردهاند``), and a few compounds
    (``گفتوگو``). For display only: ``matching_key`` removes ZWNJ, so matching is unchanged.
    """
    return _PERSIAN_WORD.sub(lambda m: _repair_word(m.group(0)), text)


# ESC sequences (CSI "ESC [ ... letter", OSC "ESC ] ... BEL or ESC \"), then any other C0/C1
# control character but newline and tab.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?|\x9b[0-?]*[ -/]*[@-~]")
# C0/C1 controls (newline and tab kept), and the bidi embeddings, overrides and isolates (U+202A-E,
# U+2066-9): an unbalanced right-to-left override in an article would reverse the rest of the line
# and what the terminal prints after it.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` without terminal escape sequences, control characters (newlines and tabs kept)
    or bidi overrides, so an article cannot retitle, recolour, rewrite or reorder the user's
    terminal.
    """
    return _CONTROLS.sub("", _ESCAPES.sub("", text))
