"""Word lists and phrase look-up shared by the flags (and by ``align.evidence``).

Phrases are matched on matching keys (``align.text.matching_key``: ی/ي, ک/ك, hamza forms,
diacritics and digits unified), a phrase list indexed by its first token so that a text costs
one dictionary look-up per word.

``PLACES`` / ``PLACE_PHRASES`` are the small gazetteer that ``align.evidence`` reads for its
anchors (and so for matching): they stay as they are; the flags use the larger gazetteer of
``align.flags.places``.
"""
from __future__ import annotations

import re

from ..text import matching_key

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAY_FORMS = {
    0: ["دوشنبه", "دو شنبه", "الاثنين", "الإثنين", "monday"],
    1: ["سه شنبه", "سه‌شنبه", "سهشنبه", "الثلاثاء", "tuesday"],
    2: ["چهارشنبه", "چهار شنبه", "الأربعاء", "الاربعاء", "wednesday"],
    3: ["پنجشنبه", "پنج شنبه", "پنج‌شنبه", "الخميس", "thursday"],
    4: ["جمعه", "الجمعة", "friday"],
    5: ["شنبه", "السبت", "saturday"],
    6: ["یکشنبه", "یک شنبه", "یک‌شنبه", "الأحد", "الاحد", "sunday"],
}
RELATIVE_FORMS = {
    "yesterday": ["دیروز", "أمس", "الأمس", "yesterday"],
    "today": ["امروز", "اليوم", "today"],
    "tomorrow": ["فردا", "غدا", "غداً", "tomorrow"],
    "the day before yesterday": ["پریروز", "أول أمس", "أول من أمس", "the day before yesterday"],
}
# month name -> (calendar, number); ambiguous names (تیر "arrow", مهر "seal", may, march, آب
# "water") count only next to a number (۱۵ مهر, 30 May, May 2024)
MONTHS = {
    # the Afghan (Dari) names of the Solar Hijri months: حمل "carrying", سرطان "cancer" …
    "afghan": ["حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"],
    "solar": ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"],
    "hijri": [
        ["محرم", "محرم الحرام"], ["صفر"], ["ربیع الاول", "ربیع الأول"], ["ربیع الثانی", "ربیع الآخر", "ربیع الثاني"],
        ["جمادی الاولی", "جمادى الأولى", "جمادی الأول"], ["جمادی الثانیه", "جمادى الآخرة", "جمادى الثانية"], ["رجب"],
        ["شعبان"], ["رمضان"], ["شوال"], ["ذی القعده", "ذو القعدة", "ذي القعدة"], ["ذی الحجه", "ذو الحجة", "ذي الحجة"],
    ],
    "gregorian": [
        ["ژانویه", "ژانویهٔ", "جنوری", "يناير", "كانون الثاني", "january", "jan"], ["فوریه", "فبروری", "فبراير", "شباط", "february", "feb"],
        ["مارس", "مارچ", "آذار", "march", "mar"], ["آوریل", "اپریل", "أبريل", "ابريل", "نيسان", "april", "apr"],
        ["مه", "مى", "مایو", "مايو", "أيار", "may"], ["ژوئن", "جون", "يونيو", "حزيران", "june", "jun"],
        ["ژوئیه", "جولای", "يوليو", "تموز", "july", "jul"], ["اوت", "آگوست", "اگست", "أغسطس", "آب", "august", "aug"],
        ["سپتامبر", "سپتمبر", "سبتمبر", "أيلول", "september", "sept", "sep"], ["اکتبر", "اکتوبر", "أكتوبر", "تشرين الأول", "october", "oct"],
        ["نوامبر", "نومبر", "نوفمبر", "تشرين الثاني", "november", "nov"], ["دسامبر", "دسمبر", "ديسمبر", "كانون الأول", "december", "dec"],
    ],
}
AMBIGUOUS_MONTHS = {"تیر", "مهر", "دی", "آذر", "مه", "مى", "آب", "جون", "می", "صفر", "مارس", "may", "march", "mar", "jan", "jun", "jul",
                    "aug", "sept", "sep", "oct", "nov", "dec", "feb", "apr", "رجب", "شعبان", "رمضان"}
MONTH_NAMES = {"gregorian": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"],
               "solar": ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey",
                         "Bahman", "Esfand"],
               "hijri": ["Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Awwal", "Jumada al-Thani", "Rajab",
                         "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah"]}

# Places: canonical English name -> spellings (fa, ar, en). The anchors of align.evidence.
PLACES = {
    "Iran": ["ایران", "إيران", "iran"], "Afghanistan": ["افغانستان", "أفغانستان", "afghanistan"],
    "Iraq": ["عراق", "العراق", "iraq"], "Syria": ["سوریه", "سوريا", "سورية", "syria"],
    "United States": ["آمریکا", "امریکا", "ایالات متحده", "أمريكا", "أميركا", "الولايات المتحدة", "america", "united states", "u.s."],
    "Russia": ["روسیه", "روسيا", "russia"], "China": ["چین", "الصين", "china"], "India": ["هند", "الهند", "india"],
    "Pakistan": ["پاکستان", "باكستان", "pakistan"], "Tajikistan": ["تاجیکستان", "طاجيكستان", "tajikistan"],
    "Uzbekistan": ["ازبکستان", "أوزبكستان", "uzbekistan"], "Turkey": ["ترکیه", "تركيا", "turkey"],
    "Saudi Arabia": ["عربستان", "السعودية", "saudi arabia"], "Israel": ["اسرائیل", "إسرائيل", "israel"],
    "Europe": ["اروپا", "أوروبا", "europe"], "Yemen": ["یمن", "اليمن", "yemen"], "Lebanon": ["لبنان", "lebanon"],
    "Tehran": ["تهران", "طهران", "tehran"], "Kabul": ["کابل", "كابول", "kabul"], "Moscow": ["مسکو", "موسكو", "moscow"],
    "Beijing": ["پکن", "بكين", "beijing"], "Baghdad": ["بغداد", "baghdad"], "Damascus": ["دمشق", "damascus"],
    "Washington": ["واشنگتن", "واشنطن", "washington"], "Astana": ["آستانه", "آستانة", "astana"],
}


def strip_particles(token: str) -> str:
    """Arabic conjunction/preposition prefixes (و، ف، ب، ل، ک) off a keyed token; لل -> ال."""
    if token.startswith(("ولل", "فلل")):
        return "ال" + token[3:]
    if token.startswith("لل"):
        return "ال" + token[2:]
    return re.sub(r"^(?:و|ف)?(?:ب|ل|ک)?", "", token)


def anchor_number(s: str) -> str:
    """A number in digits as the anchors write it ("3,5" and "3.5" -> "3.5"; "015" -> "15")."""
    s = s.replace("٫", ".").replace(",", ".")
    return s.rstrip("0").rstrip(".") if "." in s else str(int(s))


def keyed(forms: list[str]) -> list[list[str]]:
    """Each form as its sequence of keyed words."""
    return [matching_key(f).split() for f in forms]


def phrases(lexicon: dict) -> list[tuple[list[str], object]]:
    """(keyed word sequence, value), longest first so سه شنبه wins over شنبه."""
    out = [(seq, value) for value, forms in lexicon.items() for seq in keyed(forms)]
    return sorted(out, key=lambda x: -len(x[0]))


def by_first(phrase_list: list[tuple[list[str], object]]) -> dict[str, list]:
    """``{first token: [(order, seq, value), ...]}``: a phrase list indexed by its first token,
    each entry with its place in the list (the list's order decides between matches).
    """
    index: dict[str, list] = {}
    for order, (seq, value) in enumerate(phrase_list):
        if seq:
            index.setdefault(seq[0], []).append((order, seq, value))
    return index


def find(tokens: list[str], index: dict[str, list], strip: bool = False) -> list[tuple[int, int, object]]:
    """Non-overlapping matches (start, end, value); ``strip``: also try without Arabic proclitics.

    ``index``: a phrase list (longest first) by first token (:func:`by_first`). At each position
    the first phrase of the list that matches wins.
    """
    out, i = [], 0
    while i < len(tokens):
        tok = tokens[i]
        cands = index.get(tok, [])
        if strip and len(tok) > 3:
            bare = strip_particles(tok)
            if bare != tok and bare in index:
                cands = sorted([*cands, *index[bare]])
        for _, seq, value in cands:
            n = len(seq)
            if tokens[i + 1 : i + n] == seq[1:] and i + n <= len(tokens):
                out.append((i, i + n, value))
                i += n
                break
        else:
            i += 1
    return out


PLACE_PHRASES = by_first(phrases(PLACES))
