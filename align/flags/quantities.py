"""Numbers, dates and times of a text (fa, ar, en), and where two texts disagree on them.

One pass over the text's tokens finds, in this order:

- **dates** (:class:`DateMention`): a day of the month with its month and maybe a year
  ("30 May 2024", "May 30", "۱۰ خرداد ۱۴۰۳", "30 أيار/مايو"), a month with a year ("May 2024"),
  a year ("in 2019", "سال ۱۴۰۲", "عام 2023", a bare 1900-2100 that counts nothing), numeric
  dates (1403/03/10); in the Gregorian, Solar Hijri or Hijri calendar (the month's, or a
  marker: ه.ش، ميلادي، هـ). A month name that is also a word (may, march, مهر "seal", تیر
  "arrow", آب "water") counts only next to a number;
- **times** (14:45, 2:45 pm);
- **quantities** (:class:`Quantity`), every other number: digits of any script with thousands
  separators (3,000 = ۳٬۰۰۰ = 3000) and decimals (3.5 = ۳٫۵, Persian ۵/۹ = 5.9), numbers in
  words (twenty-five, بیست و پنج, خمسة وعشرين), scaled (11 million, £11m, ۱۱ میلیون), vague
  (hundreds, صدها, مئات), approximate or bounded (about / more than / up to 100, حدود،
  بیش از، أكثر من، نحو) and ranges (10-20, بین ۱۰ تا ۲۰, ما بين 10 و20) as the interval of
  values they allow; each with what it counts when the words around it say so (people killed,
  injured, people; percent, money, distance, duration …). A number of people is a *count*.

Numbers inside codes (F-35, G7, COVID-19), ordinals (2nd, دوم) and decades (1990s) are not
quantities. Two quantities agree when their intervals meet; dates agree when they can be the
same day (one side may be more precise: "30 May" and "Thursday 30 May 2024"), across calendars
where both are dated (a Solar Hijri date is converted exactly, a Hijri one by the tabular
calendar, within a day).
"""
from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from dataclasses import dataclass, field

from ..text import matching_key
from .lexicon import AMBIGUOUS_MONTHS, MONTH_NAMES, MONTHS, by_first, find

# -- tokens -----------------------------------------------------------------------------------

_MARK = "\u200c\u200d\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_TOKEN = re.compile(
    r"(?P<num>\d+(?:[,٬.٫/:]\d+|،\d{3}(?!\d))*)"
    rf"|(?P<word>[^\W\d_](?:[^\W\d_]|[{_MARK}]|[.’'](?=[^\W\d_]))*\.?)"
    r"|(?P<sym>[%٪$£€\-–—/,،:;()])"
)
_PERSIAN_DIGITS = re.compile(r"[۰-۹]")
_PERSIAN_LETTERS = re.compile(r"[پچژگکی]")


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` "num", "word" or "sym"; ``text`` as written; ``key`` its matching key
    (a word without a final dot); ``start``/``end`` offsets in the text.
    """

    kind: str
    text: str
    key: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The number, word and symbol tokens of ``text``."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        t = m.group()
        key = matching_key(t)
        if kind == "word":
            key = key.rstrip(".") or key
        out.append(Token(kind, t, key, m.start(), m.end()))
    return out


# -- lexicons ---------------------------------------------------------------------------------

def _keys(*forms: str) -> list[str]:
    return [matching_key(f) for f in forms]


_UNITS = {1: ["یک", "یه", "واحد", "واحدة", "احد", "إحدى", "one"], 2: ["دو", "اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثنتا", "two"],
          3: ["سه", "ثلاث", "ثلاثة", "three"], 4: ["چهار", "أربع", "أربعة", "four"], 5: ["پنج", "خمس", "خمسة", "five"],
          6: ["شش", "شیش", "ست", "ستة", "six"], 7: ["هفت", "سبع", "سبعة", "seven"], 8: ["هشت", "ثمان", "ثماني", "ثمانية", "eight"],
          9: ["نه", "تسع", "تسعة", "nine"], 10: ["ده", "عشر", "عشرة", "ten"], 11: ["یازده", "eleven"], 12: ["دوازده", "twelve", "dozen"],
          13: ["سیزده", "thirteen"], 14: ["چهارده", "fourteen"], 15: ["پانزده", "پونزده", "fifteen"], 16: ["شانزده", "sixteen"],
          17: ["هفده", "هیفده", "seventeen"], 18: ["هجده", "هیجده", "eighteen"], 19: ["نوزده", "nineteen"],
          20: ["بیست", "عشرون", "عشرين", "twenty"], 30: ["سی", "ثلاثون", "ثلاثين", "thirty"], 40: ["چهل", "أربعون", "أربعين", "forty"],
          50: ["پنجاه", "خمسون", "خمسين", "fifty"], 60: ["شصت", "ستون", "ستين", "sixty"], 70: ["هفتاد", "سبعون", "سبعين", "seventy"],
          80: ["هشتاد", "ثمانون", "ثمانين", "eighty"], 90: ["نود", "تسعون", "تسعين", "ninety"],
          100: ["صد", "یکصد", "مئة", "مائة", "مئه", "hundred"], 200: ["دویست", "مئتان", "مئتين", "مائتان", "مائتين", "مائتي", "مئتي"],
          300: ["سیصد", "ثلاثمئة", "ثلاثمائة"], 400: ["چهارصد", "أربعمئة", "أربعمائة"], 500: ["پانصد", "خمسمئة", "خمسمائة"],
          600: ["ششصد", "ستمئة", "ستمائة"], 700: ["هفتصد", "سبعمئة", "سبعمائة"], 800: ["هشتصد", "ثمانمئة", "ثمانمائة"],
          900: ["نهصد", "تسعمئة", "تسعمائة"]}
_SCALES = {1000: ["هزار", "ألف", "الف", "آلاف", "thousand", "k"], 2000: ["ألفان", "ألفين", "الفين"],
           1_000_000: ["میلیون", "مليون", "ملايين", "million", "millions", "mn", "m"],
           1_000_000_000: ["میلیارد", "مليار", "مليارات", "billion", "billions", "bn"]}
NUMBER_WORDS: dict[str, int] = {k: v for v, forms in _UNITS.items() for k in _keys(*forms)}
SCALE_WORDS: dict[str, int] = {k: v for v, forms in _SCALES.items() for k in _keys(*forms)}
_SCALE_ONLY_AFTER_DIGITS = set(_keys("k", "m", "mn", "bn"))
# a lone word that is more often something else: «یک» "a", «نه» "no", «ده» "village", «ست» "lady"
_UNSAFE_WORDS = set(_keys("یک", "یه", "واحد", "واحدة", "احد", "إحدى", "one", "نه", "ده", "ست", "سی", "عشر", "dozen", "دو", "اثنا", "اثنتا"))
_VAGUE = {(20, 99): ["dozens", "دهها", "عشرات"], (200, 999): ["hundreds", "صدها", "مئات"],
          (2000, 99_999): ["thousands", "هزاران", "آلاف", "الاف"], (2_000_000, 999_999_999): ["millions", "میلیونها", "ملايين"]}
VAGUE_WORDS = {k: v for v, forms in _VAGUE.items() for k in _keys(*forms)}
_AND = set(_keys("و", "and"))
_FRACTIONS = {k: v for v, forms in {0.5: ["نیم", "نصف", "half"], 0.25: ["ربع", "quarter"]}.items() for k in _keys(*forms)}

# qualifiers before a number: (low factor, high factor) of the interval it allows
_QUALIFIERS = {
    (0.8, 1.2): ["about", "around", "approximately", "roughly", "some", "nearly", "almost", "close to", "an estimated", "estimated",
                 "حدود", "حدودا", "در حدود", "قریب به", "نزدیک به", "تقریبا", "حدودا", "حوالی", "حوالي", "نحو", "قرابة", "زهاء",
                 "ما يقارب", "ما يناهز", "يقارب", "يناهز", "تقريبا", "قرابه", "approx"],
    (1.0, math.inf): ["more than", "over", "upwards of", "at least", "in excess of", "exceeding", "بیش از", "بیشتر از", "افزون بر",
                      "دست کم", "دستکم", "حداقل", "کمینه", "أكثر من", "اكثر من", "ما يزيد على", "ما يزيد عن", "ما لا يقل عن", "على الأقل",
                      "يزيد على", "يزيد عن", "أزيد من"],
    (0.0, 1.0): ["less than", "fewer than", "under", "up to", "at most", "as many as", "کمتر از", "حداکثر", "تا", "أقل من", "حتى",
                 "ما يصل إلى", "ما يصل الى", "يصل إلى", "يصل الى", "لغاية"],
}
_QUALIFIER_PHRASES = by_first(sorted(((matching_key(f).split(), v) for v, fs in _QUALIFIERS.items() for f in fs), key=lambda x: -len(x[0])))
_RANGE_JOIN = set(_keys("-", "–", "—", "to", "تا", "الی", "إلى", "الى", "and", "و", "or", "یا", "أو"))
_RANGE_OPEN = set(_keys("between", "from", "بین", "از", "بين", "ما بين", "من"))

# what a number counts, from the words around it
_UNIT_CLASSES = {
    "dead": ["killed", "dead", "deaths", "death", "died", "fatalities", "lives", "بحياة", "martyrs", "martyred", "bodies", "کشته", "کشته‌شدگان",
             "کشتهشدگان", "جانباخته", "جانباختگان", "جان", "شهید", "شهدا", "فوتی", "فوت", "قتيل", "قتيلا", "قتلى", "مقتل", "قتل", "شهيد",
             "شهيدا", "شهداء", "وفاة", "وفيات", "حتفهم", "ضحية", "ضحايا", "جثة", "جثث", "lost", "قتل", "قتلوا", "استشهد",
             "استشهاد", "مصرع", "مصرعهم", "martyred"],
    "injured": ["injured", "wounded", "hurt", "injuries", "injuring", "wounding", "زخمی", "مجروح", "مصدوم", "مجروحان", "زخمیها",
                "مصدومان", "جريح", "جريحا", "جرحى", "مصاب", "مصابا", "مصابين", "إصابة", "إصابات", "اصابه", "اصابات", "أصيب", "أصيبوا", "جرح", "جرحت", "مجروح"],
    "people": ["people", "persons", "person", "individuals", "residents", "civilians", "citizens", "soldiers", "troops", "children",
               "students", "protesters", "passengers", "workers", "migrants", "refugees", "members", "victims", "casualties", "men",
               "women", "نفر", "تن", "شخص", "اشخاص", "أشخاص", "شخصا", "مواطن", "مواطنا", "مواطنين", "جندی", "جنود", "طفل", "اطفال",
               "أطفال", "کودک", "کودکان", "سرباز", "سربازان", "نیرو", "عضو", "اعضای", "عضوا", "أعضاء", "مدنی", "مدنيين", "نازح",
               "مسافر", "مسافرین", "رکاب", "راكب", "عامل", "عمال", "زائر", "زائرا", "زوار",
               "police", "policemen", "policeman", "officers", "officer", "guards", "پلیس", "مامور", "ماموران", "مأمور",
               "مأموران", "شرطي", "شرطيا", "شرطيين", "عنصر", "عناصر"],
    "percent": ["%", "٪", "percent", "per cent", "pct", "درصد", "بالمئة", "بالمائة", "في المئة", "في المائة", "المئة", "المائة"],
    "money": ["$", "£", "€", "dollars", "dollar", "pounds", "pound", "euros", "euro", "rials", "rial", "tomans", "toman", "yuan",
              "rupees", "دلار", "دلاری", "پوندی", "یورویی", "ریالی", "تومانی", "پوند", "یورو", "ریال", "تومان", "دولار", "دولارا", "جنيه", "يورو", "ريال", "دينار", "درهم", "usd"],
    "distance": ["km", "kilometres", "kilometers", "kilometre", "kilometer", "miles", "mile", "metres", "meters", "metre", "meter",
                 "feet", "foot", "قدما", "کیلومتری", "کیلومتر", "متر", "متری", "كيلومتر", "كيلومترا", "كلم", "كم", "متر", "مترا", "أمتار", "ميل", "أميال"],
    "duration ": ["seconds", "second", "minutes", "minute", "hours", "hour", "days", "day", "weeks", "week", "months", "month",
                 "years", "year", "decades", "ثانیه", "دقیقه", "ساعت", "روز", "هفته", "ماه", "سال", "ثانية", "دقيقة", "دقائق",
                 "ساعة", "ساعات", "يوم", "أيام", "ايام", "أسبوع", "أسابيع", "شهر", "أشهر", "شهور", "سنة", "سنوات", "عام", "أعوام", "اعوام", "عاما"],
    "magnitude": ["magnitude", "richter", "ریشتر", "ریشتری", "ريختر", "درجه", "درجات", "درجة", "بقوة"],
    "duration": ["year-old", "years-old", "aged", "ساله", "سالگی", "عمر"],
    "votes": ["votes", "vote", "ballots", "رای", "رأی", "آرا", "آراء", "صوت", "صوتا", "أصوات", "اصوات"],
    "weight": ["tonnes", "tons", "tonne", "ton", "kg", "kilograms", "کیلوگرم", "کیلوگرمی", "کیلویی", "طن", "أطنان", "كيلوغرام", "كغ"],
}
_UNIT_OF: dict[str, str] = {}
for _cls, _forms in _UNIT_CLASSES.items():
    for _k in _keys(*_forms):
        _UNIT_OF.setdefault(_k, _cls.strip())
_UNIT_OF[matching_key("تن")] = "people"  # «۱۵ تن» "15 persons" (also tonnes; people more often in news)
COUNT_CLASSES = {"dead", "injured", "people"}
_MEASURES = {"percent", "money", "distance", "duration", "magnitude", "votes", "weight"}
_SPECIFIC = {"dead", "injured"}

# -- months, calendars ------------------------------------------------------------------------

_MONTH_PHRASES = by_first(sorted(
    [(matching_key(f).split(), ("solar", i + 1)) for i, f in enumerate(MONTHS["solar"])]
    + [(matching_key(f + s).split(), ("solar", i + 1)) for i, f in enumerate(MONTHS["solar"]) for s in ("ماه", " ماه")]
    + [(matching_key(f).split(), ("solar", i + 1)) for i, f in enumerate(MONTHS["afghan"])]
    + [(matching_key(f).split(), ("hijri", i + 1)) for i, fs in enumerate(MONTHS["hijri"]) for f in fs]
    + [(matching_key(f).split(), ("gregorian", i + 1)) for i, fs in enumerate(MONTHS["gregorian"]) for f in fs],
    key=lambda x: -len(x[0]),
))
_AFGHAN_KEYS = {matching_key(w) for w in MONTHS["afghan"]}
_AMBIGUOUS_MONTH_KEYS = {matching_key(w) for w in AMBIGUOUS_MONTHS} | _AFGHAN_KEYS
_MARKERS = {
    "solar": _keys("ه.ش", "هـ.ش", "ه ش", "شمسی", "خورشیدی", "هجری شمسی", "ش"),
    "hijri": _keys("ه.ق", "هـ.ق", "قمری", "هجری قمری", "هجري", "هجرية", "هـ", "ه", "ah"),
    "gregorian": _keys("میلادی", "ميلادي", "ميلادية", "م", "ad"),
}
_MARKER_OF = {k: cal for cal, ks in _MARKERS.items() for k in ks}
_SINCE_CUES = set(_keys("since", "from", "منذ", "از"))
_UNTIL_CUES = set(_keys("until", "till", "حتى", "تا", "لغاية"))
_HOUR_CUES = set(_keys("ساعت", "الساعة", "الساعه"))
_MINUTE_WORDS = set(_keys("دقیقه", "دقيقة", "دقائق"))
_YEAR_WORDS = set(_keys("سال", "عام", "العام", "سنة", "year"))
_MONTH_CUES = set(_keys("از", "در", "تا", "اواسط", "اوایل", "اواخر", "ماه", "في", "منذ", "حتى", "شهر", "خلال", "in", "since",
                        "until", "during", "early", "late", "mid", "last", "next", "this", "of", "from", "by", "before", "after"))
_YEAR_CUES = set(_keys("سال", "سالهای", "عام", "العام", "لعام", "سنة", "year", "in", "since", "of", "در", "في", "منذ", "عامی", "لسنة"))
_ORDINAL_SUFFIX = re.compile(r"^(?:st|nd|rd|th|ام|م|مین|ـم)$")
_AMPM = {**{k: 0 for k in _keys("am", "a.m", "صبح", "صباحا", "صباح", "بامداد")},
         **{k: 12 for k in _keys("pm", "p.m", "بعدازظهر", "بعد از ظهر", "عصر", "شب", "مساء", "مساءا", "ظهرا", "عصرا")}}


@dataclass(frozen=True)
class Quantity:
    """A number: the interval ``[low, high]`` of values it allows, ``unit`` (what it counts,
    or ""), ``text`` as written, ``firm`` (digits, or words that are surely a number).
    """

    low: float
    high: float
    unit: str
    text: str
    firm: bool
    value: float | None = None
    digits: bool = False
    spread: float = 0.0  # a scaled number's last digit: 13.5 million = 13.4-13.6 million (rounded or cut off), 17 million = 16.5-17.5

    @property
    def kind(self) -> str:
        """"count" for a number of people, else "number"."""
        return "count" if self.unit in COUNT_CLASSES else "number"

    def shown(self) -> str:
        """The number as a reader sees it: its value, and the text when written otherwise."""
        v = "" if self.value is None else _fmt(self.value)
        if v and self.value >= 10_000 and self.value == int(self.value):
            v = f"{int(self.value):,}"
        if not v:
            return self.text
        plain = matching_key(self.text).replace(",", "").replace("٬", "")
        return v if plain == v else f"{v} ({self.text})"


@dataclass(frozen=True)
class DateMention:
    """A date: ``calendar`` ("gregorian", "solar", "hijri"), ``year``/``month``/``day`` (None
    when not said), ``text`` as written.
    """

    calendar: str
    year: int | None
    month: int | None
    day: int | None
    text: str
    open: str = ""  # "since" (منذ 6 مارس: that day or later) or "until"

    def shown(self) -> str:
        """"30 May 2024", "10 Khordad 1403 (۱۰ خرداد ۱۴۰۳)": canonical, then the text if it differs."""
        parts = []
        if self.day:
            parts.append(str(self.day))
        if self.month:
            parts.append(MONTH_NAMES[self.calendar][self.month - 1])
        if self.year:
            parts.append(str(self.year) + {"solar": " SH", "hijri": " AH"}.get(self.calendar, ""))
        canon = " ".join(parts)
        return canon if matching_key(self.text) == matching_key(canon) else f"{canon} ({self.text})"


@dataclass(frozen=True)
class Numbers:
    """The dates, times and quantities of one text."""

    dates: tuple[DateMention, ...]
    times: tuple[tuple[int, int, str], ...]  # (hour, minute, as written)
    quantities: tuple[Quantity, ...]


def _fmt(v: float) -> str:
    if v == int(v):
        return str(int(v))
    return f"{v:.6g}"


def _digits_value(tok: Token, persian: bool) -> float | None:
    """The value of a number token (None: not one number, e.g. a numeric date)."""
    s = tok.key
    if ":" in s:
        return None
    if "/" in s:
        parts = s.split("/")
        if len(parts) == 2 and persian and len(parts[0]) <= 3 and 1 <= len(parts[1]) <= 2:
            return float(f"{parts[0]}.{parts[1]}")  # Persian decimal slash: ۵/۹ = 5.9
        return None
    s = s.replace("٬", ",").replace("،", ",").replace("٫", ".")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        return float(s.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", s):  # 1.000.000
        return float(s.replace(".", ""))
    s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _strip_and(key: str) -> str:
    if key in NUMBER_WORDS:
        return key
    return key[1:] if key.startswith("و") and len(key) > 2 and (key[1:] in NUMBER_WORDS or key[1:] in SCALE_WORDS or key[1:] in _FRACTIONS) else key


# -- calendars --------------------------------------------------------------------------------

def jalali_to_gregorian(jy: int, jm: int, jd: int) -> _dt.date:
    """The Gregorian date of a Solar Hijri (Jalali) date (the 33-year arithmetic rule)."""
    jy += 1595
    days = -355668 + (365 * jy) + ((jy // 33) * 8) + (((jy % 33) + 3) // 4) + jd
    days += (jm - 1) * 31 if jm < 7 else ((jm - 7) * 30) + 186
    gy = 400 * (days // 146097)
    days %= 146097
    if days > 36524:
        days -= 1
        gy += 100 * (days // 36524)
        days %= 36524
        if days >= 365:
            days += 1
    gy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        gy += (days - 1) // 365
        days = (days - 1) % 365
    gd = days + 1
    leap = (gy % 4 == 0 and gy % 100 != 0) or gy % 400 == 0
    month_days = [0, 31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    gm = 1
    while gm <= 12 and gd > month_days[gm]:
        gd -= month_days[gm]
        gm += 1
    return _dt.date(gy, gm, gd)


def hijri_to_gregorian(hy: int, hm: int, hd: int) -> _dt.date:
    """The Gregorian date of a Hijri date by the tabular Islamic calendar (within a day or two of
    the observed Umm al-Qura calendar).
    """
    jd = hd + math.ceil(29.5 * (hm - 1)) + (hy - 1) * 354 + (3 + 11 * hy) // 30 + 1948439.5 - 1
    return _dt.date.fromordinal(int(jd - 1721424.5))


def _interval(d: DateMention) -> tuple[_dt.date, _dt.date, int] | None:
    """The Gregorian days ``d`` can be (first, last, tolerance in days), when it has a year."""
    if d.year is None:
        return None
    try:
        if d.calendar == "gregorian":
            if d.month is None:
                return _dt.date(d.year, 1, 1), _dt.date(d.year, 12, 31), 0
            if d.day is None:
                nxt = _dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
                return _dt.date(d.year, d.month, 1), nxt - _dt.timedelta(days=1), 0
            return _dt.date(d.year, d.month, d.day), _dt.date(d.year, d.month, d.day), 0
        conv = jalali_to_gregorian if d.calendar == "solar" else hijri_to_gregorian
        tol = 0 if d.calendar == "solar" else 2
        if d.month is None:
            return conv(d.year, 1, 1), conv(d.year + 1, 1, 1) - _dt.timedelta(days=1), tol
        if d.day is None:
            nxt = conv(d.year + (d.month == 12), d.month % 12 + 1, 1)
            return conv(d.year, d.month, 1), nxt - _dt.timedelta(days=1), tol
        x = conv(d.year, d.month, d.day)
        return x, x, tol
    except (ValueError, OverflowError):
        return None


def _yearless(d: DateMention) -> list[tuple[int, int]]:
    """Gregorian (month, day) spans, as day-of-year numbers in reference years, of a date
    without a year (empty for a Hijri one: its months move through the year).
    """
    if d.month is None or d.calendar == "hijri":
        return []
    out = []
    for ref in (2023, 2024):
        if d.calendar == "gregorian":
            y = ref
            first = _dt.date(y, d.month, d.day or 1)
            last = first if d.day else _dt.date(y + (d.month == 12), d.month % 12 + 1, 1) - _dt.timedelta(days=1)
            tol = 0
        else:
            jy = ref - 621 if d.month <= 9 else ref - 622
            try:
                first = jalali_to_gregorian(jy, d.month, d.day or 1)
                last = first if d.day else jalali_to_gregorian(jy + (d.month == 12), d.month % 12 + 1, 1) - _dt.timedelta(days=1)
            except ValueError:
                continue
            tol = 1
        a, b = first.timetuple().tm_yday, last.timetuple().tm_yday
        if first.year != last.year:
            b += 366 if first.year % 4 == 0 else 365
        out.append((a - tol, b + tol))
    return out


def dates_compatible(x: DateMention, y: DateMention) -> bool:
    """Can ``x`` and ``y`` be the same day (one may be less precise, in another calendar)? A date
    that opens or closes a span ("since 6 March", «منذ 6 مارس») agrees with any day on its side.
    """
    if bool(x.open and x.day) != bool(y.open and y.day):
        opened, other = (x, y) if x.open and x.day else (y, x)
        io, ix = _interval(opened), _interval(other)
        if io and ix:
            return ix[1] >= io[0] if opened.open == "since" else ix[0] <= io[1]
        if opened.calendar == other.calendar and opened.month and other.month:
            a, b = (opened.month, opened.day or 0), (other.month, other.day or 0)
            return b >= a if opened.open == "since" else b <= a
        return True
    if x.calendar == y.calendar:
        return all(a is None or b is None or a == b for a, b in ((x.year, y.year), (x.month, y.month), (x.day, y.day)))
    ix, iy = _interval(x), _interval(y)
    if ix and iy:
        tol = max(ix[2], iy[2])
        return ix[0] - _dt.timedelta(days=tol) <= iy[1] and iy[0] - _dt.timedelta(days=tol) <= ix[1]
    if "hijri" in (x.calendar, y.calendar):
        return True  # a Hijri month without a year (or vs one): cannot tell
    if (x.year is None) != (y.year is None) or x.year is None:
        sx, sy = _yearless(x), _yearless(y)
        if not sx or not sy:
            return True
        return any(a0 <= b1 and b0 <= a1 for a0, a1 in sx for b0, b1 in sy) or \
            any(a0 <= b1 + 365 and b0 + 365 <= a1 for a0, a1 in sx for b0, b1 in sy) or \
            any(a0 + 365 <= b1 and b0 <= a1 + 365 for a0, a1 in sx for b0, b1 in sy)
    return True


def date_conflict_kind(x: DateMention, y: DateMention) -> str:
    """What two dates that cannot be the same day differ in: "year", "month" or "date"."""
    if x.calendar == y.calendar:
        if x.year is not None and y.year is not None and x.year != y.year:
            return "year"
        if x.month is not None and y.month is not None and x.month != y.month:
            return "month"
        return "date"
    ix, iy = _interval(x), _interval(y)
    if ix and iy:
        gx, gy = ix[0], iy[0]
        if x.month is None or y.month is None:
            return "year"
        if abs((gx - gy).days) > 31 * 11:
            return "year"
        if x.day is None or y.day is None or abs((gx - gy).days) > 20:
            return "month"
        return "date"
    if x.day is None or y.day is None:
        return "month"
    mx, my = _gregorian_month(x), _gregorian_month(y)
    return "month" if mx and my and not mx & my else "date"


def _gregorian_month(d: DateMention) -> set[int]:
    """The Gregorian months a date without a year can fall in (empty: cannot tell)."""
    if d.calendar == "gregorian":
        return {d.month} if d.month else set()
    if d.calendar != "solar" or not d.month:
        return set()
    out = set()
    for ref in (1402, 1403):
        try:
            out.add(jalali_to_gregorian(ref, d.month, d.day or 1).month)
        except ValueError:
            continue
    return out


# -- the scan ---------------------------------------------------------------------------------

def _month_at(keys: list[str], i: int) -> tuple[int, tuple[str, int]] | None:
    """(end, (calendar, month)) of a month name starting at token ``i`` (with proclitics)."""
    m = find(keys[i : i + 3], _MONTH_PHRASES, strip=True)
    if m and m[0][0] == 0:
        return i + m[0][1], m[0][2]
    return None


def _int(tok: Token) -> int | None:
    if tok.kind != "num" or not re.fullmatch(r"\d+", tok.key):
        return None
    return int(tok.key)


_AMPM_PLAIN: dict[str, int] = {}
for _k, _v in _AMPM.items():
    _AMPM_PLAIN.setdefault(_k.replace(".", ""), _v)
_MARKER_FORMS = {cal: {f.replace(" ", "") for f in forms} | {f.replace(" ", "").replace(".", "") for f in forms}
                 for cal, forms in _MARKERS.items()}
_YEAR_NOT_BEFORE = COUNT_CLASSES | {"money", "distance", "weight", "votes"}  # 2000 people, 2000 km: not a year


def _year_ok(v: int, cal: str) -> bool:
    return {"gregorian": 1800 <= v <= 2200, "solar": 1200 <= v <= 1500, "hijri": 1300 <= v <= 1500}[cal]


@dataclass
class _Scan:
    """The state of one text's scan: its tokens, which of them a date or time already took, and
    the dates and times found so far.
    """

    text: str
    toks: list[Token]
    persian: bool
    keys: list[str] = field(init=False)
    used: list[bool] = field(init=False)
    dates: list[DateMention] = field(default_factory=list)
    times: list[tuple[int, int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.keys = [t.key for t in self.toks]
        self.used = [False] * len(self.toks)

    def span(self, a: int, b: int) -> str:
        """The text of tokens [a, b)."""
        return self.text[self.toks[a].start : self.toks[b - 1].end]

    def mark_used(self, a: int, b: int) -> None:
        for x in range(a, b):
            self.used[x] = True

    def marker(self, j: int, default: str) -> tuple[str, int]:
        """(calendar, end) of a calendar marker at token j (ه.ش, میلادی …), else (default, j)."""
        toks = self.toks
        if j >= len(toks):
            return default, j
        for n in (n for n in (3, 2, 1) if j + n <= len(toks)):  # a marker may end the text («2024 م»)
            k = matching_key(self.text[toks[j].start : toks[j + n - 1].end]).replace(" ", "")
            for cand in (k, k.replace(".", "")):
                for cal, forms in _MARKER_FORMS.items():
                    if cand not in forms:
                        continue
                    if n == 1 and toks[j].key in ("م", "ه", "ش") and toks[j].start - toks[j - 1].end > 1:
                        continue
                    return cal, j + n
        return default, j


@functools.lru_cache(maxsize=8192)
def numbers(text: str) -> Numbers:
    """The dates, times and quantities of ``text``; cached, treat as read-only."""
    scan = _Scan(text, tokens(text), bool(_PERSIAN_DIGITS.search(text) or _PERSIAN_LETTERS.search(text)))
    _times(scan)
    _hours(scan)
    _numeric_dates(scan)
    _month_dates(scan)
    _years(scan)
    quantities = _quantities(scan.toks, scan.used, scan.persian, text)
    return Numbers(tuple(scan.dates), tuple(scan.times), tuple(quantities))


def _times(scan: _Scan) -> None:
    """Times: 14:45, 2:45 pm, 2.45 p.m."""
    toks = scan.toks
    for i, t in enumerate(toks):
        dotted = (re.fullmatch(r"\d{1,2}\.\d{2}", t.key) and i + 1 < len(toks)
                  and toks[i + 1].key.replace(".", "") in _AMPM_PLAIN)
        if t.kind != "num" or not (re.fullmatch(r"\d{1,2}:\d{2}", t.key) or dotted):
            continue
        h, mi = map(int, re.split(r"[:.]", t.key))
        if h >= 24 or mi >= 60:
            continue
        end = i + 1
        if end < len(toks) and toks[end].key.replace(".", "") in _AMPM_PLAIN:
            add = _AMPM_PLAIN[toks[end].key.replace(".", "")]
            if add and h < 12:
                h += add
            end += 1
        scan.times.append((h, mi, scan.span(i, end)))
        scan.mark_used(i, end)


def _hours(scan: _Scan) -> None:
    """An hour: «ساعت ۹ و ۴۴ دقیقه», «ساعت 23», «الساعة 9», "1814 GMT"."""
    toks = scan.toks
    for i, t in enumerate(toks):
        if scan.used[i] or t.kind != "num" or not re.fullmatch(r"\d{1,4}", t.key):
            continue
        v = int(t.key)
        if i > 0 and toks[i - 1].key in _HOUR_CUES and v <= 24:
            end, mi = i + 1, 0
            if i + 3 < len(toks) and toks[i + 1].key in _AND and _int(toks[i + 2]) is not None and int(toks[i + 2].key) < 60 \
                    and toks[i + 3].key in _MINUTE_WORDS:
                mi, end = int(toks[i + 2].key), i + 4
            scan.times.append((v, mi, scan.span(i - 1, end)))
            scan.mark_used(i, end)
        elif len(t.key) == 4 and i + 1 < len(toks) and toks[i + 1].key in ("gmt", "utc") and v % 100 < 60 and v // 100 < 24:
            scan.times.append((v // 100, v % 100, scan.span(i, i + 2)))
            scan.mark_used(i, i + 2)


def _numeric_dates(scan: _Scan) -> None:
    """Numeric dates: 1403/03/10, 30/05/2024."""
    for i, t in enumerate(scan.toks):
        if t.kind != "num" or scan.used[i] or t.key.count("/") != 2:
            continue
        a, b, c = (int(x) for x in t.key.split("/"))
        if a > 31:
            y, m, d = a, b, c
        elif c > 31:
            d, m, y = a, b, c
        else:
            continue
        cal = "gregorian" if 1800 <= y <= 2200 else ("solar" if scan.persian else "hijri")
        if 1 <= m <= 12 and 1 <= d <= 31 and _year_ok(y, cal):
            scan.dates.append(DateMention(cal, y, m, d, t.text))
            scan.used[i] = True


def _month_dates(scan: _Scan) -> None:
    """Day month [year], month day [year], month year, a month alone where it is surely one."""
    i = 0
    while i < len(scan.toks):
        month = None if scan.used[i] else _month_at(scan.keys, i)
        i = i + 1 if month is None else _month_date(scan, i, month)


def _month_date(scan: _Scan, i: int, month: tuple[int, tuple[str, int]]) -> int:
    """The date around the month name at tokens [i, month's end), if it is one; where the scan goes on."""
    toks, keys = scan.toks, scan.keys
    m_end, (cal, mon) = month
    # «30 أيار/مايو»: a second name of the same month after a slash
    if m_end + 1 < len(toks) and toks[m_end].key == "/":
        second = _month_at(keys, m_end + 1)
        if second and second[1][1] == mon:
            m_end = second[0]
    day, start = _day_before(scan, i)
    day, year, end = _after_month(scan, m_end, cal, day)
    alone = day is None and year is None and not (i > 0 and toks[i - 1].key in _MONTH_CUES and keys[i] not in _AFGHAN_KEYS
                                                   and (toks[i].kind != "word" or not re.fullmatch(r"[a-z]+", keys[i])
                                                        or toks[i].text[:1].isupper()))
    if alone and keys[i] in _AMBIGUOUS_MONTH_KEYS:
        return m_end
    if toks[i].kind == "word" and re.fullmatch(r"[a-z]+", toks[i].key) and not toks[i].text[:1].isupper():
        return m_end  # "may", "march" in lower case are words
    cue = toks[start - 1].key if start > 0 else ""
    cue2 = toks[start - 2].key if start > 1 else ""
    opened = "since" if cue in _SINCE_CUES or cue2 in _SINCE_CUES else "until" if cue in _UNTIL_CUES else ""
    scan.dates.append(DateMention(cal, year, mon, day, scan.span(start, end), opened))
    scan.mark_used(start, end)
    return end


def _day_before(scan: _Scan, i: int) -> tuple[int | None, int]:
    """(day, start) of a day of the month before the month name at token i: 30 May, ۱۰ خرداد,
    30th of May; else (None, i).
    """
    toks = scan.toks
    j = i - 1
    if j >= 0 and toks[j].key in ("of", "من"):
        j -= 1
    if j >= 0 and toks[j].kind == "word" and _ORDINAL_SUFFIX.match(toks[j].key) and j >= 1 and toks[j - 1].end == toks[j].start:
        j -= 1
    if j >= 0 and not scan.used[j] and (v := _int(toks[j])) is not None and 1 <= v <= 31:
        return v, j
    return None, i


def _after_month(scan: _Scan, end: int, cal: str, day: int | None) -> tuple[int | None, int | None, int]:
    """(day, year, end) with what follows a month name ending at token ``end``: a day (May 30)
    and/or a year (May 2024, خرداد ۱۴۰۳, May 30, 2024, «۳۰ مه سال ۲۰۰۵»), maybe with a calendar marker.
    """
    toks, used = scan.toks, scan.used
    year = None
    k = end
    if day is None and k < len(toks) and not used[k] and (v := _int(toks[k])) is not None and 1 <= v <= 31 and len(toks[k].key) <= 2:
        day, k = v, k + 1
        if k < len(toks) and toks[k].kind == "word" and _ORDINAL_SUFFIX.match(toks[k].key):
            k += 1
        end = k
    if k < len(toks) and toks[k].key in (",", "،"):
        k += 1
    if k + 1 < len(toks) and toks[k].key in _YEAR_WORDS and _int(toks[k + 1]) is not None and len(toks[k + 1].key) >= 3:
        k += 1  # «۳۰ مه سال ۲۰۰۵»
    if k < len(toks) and not used[k] and (v := _int(toks[k])) is not None and len(toks[k].key) >= 3 and _year_ok(v, cal):
        year, end = v, scan.marker(k + 1, cal)[1]
    return day, year, end


def _years(scan: _Scan) -> None:
    """Years alone: «سال ۱۴۰۲», "in 2019", «عام 2023», a bare 1900-2100."""
    toks = scan.toks
    for i, t in enumerate(toks):
        if scan.used[i] or t.kind != "num" or not re.fullmatch(r"\d{4}", t.key):
            continue
        v = int(t.key)
        cal, end = scan.marker(i + 1, "")
        cal = cal or _year_calendar(v, i > 0 and toks[i - 1].key in _YEAR_CUES, scan.persian)
        if not cal or not _year_ok(v, cal) or (i + 1 < len(toks) and toks[i + 1].start == t.end and toks[i + 1].kind == "word"):
            continue
        if _unit_after(toks, end) in _YEAR_NOT_BEFORE:
            continue  # 2000 people
        if i > 0 and toks[i - 1].kind == "sym" and toks[i - 1].key in "$£€":
            continue
        scan.dates.append(DateMention(cal, v, None, None, scan.span(i, end)))
        scan.mark_used(i, end)


def _year_calendar(v: int, cue: bool, persian: bool) -> str:
    """The calendar of a four-digit year without a marker ("" when it is not one)."""
    if 1900 <= v <= 2100:
        return "gregorian"
    if persian and 1300 <= v <= 1450 and cue:
        return "solar"
    if 1400 <= v <= 1450 and cue and not persian:
        return "hijri"
    return ""


def _unit_after(toks: list[Token], j: int, window: int = 3) -> str:
    for k in range(j, min(j + window, len(toks))):
        t = toks[k]
        if t.kind == "num":
            break
        u = _class_at(toks, k)
        if u:
            return u
    return ""


def _class_at(toks: list[Token], k: int) -> str:
    """The unit class of token ``k``; "per cent" (British news spells it in two words) is a percent."""
    if toks[k].key == "per" and k + 1 < len(toks) and toks[k + 1].key == "cent":
        return "percent"
    return _unit_class(toks[k].key)


def _unit_class(key: str) -> str:
    if key in _UNIT_OF:
        return _UNIT_OF[key]
    for pre in ("و", "ب", "ال", "وال", "بال", "لل"):
        if key.startswith(pre) and key[len(pre):] in _UNIT_OF:
            return _UNIT_OF[key[len(pre):]]
    return ""


_CLAUSE_ENDS = frozenset(",،;؛.")
_NEXT_PHRASE = _AND | set(_keys("while", "whereas", "فيما", "بينما"))
_FEET = matching_key("فوت")  # Persian "feet", and "death": right after a number and before no verb, feet
_VERB_AFTER_DIED = _keys("کرد", "کردند", "کرده", "کرده‌اند", "شد", "شدند", "نمود", "نمودند")


def _unit_around(toks: list[Token], i: int, j: int) -> str:
    """What the number at tokens [i, j) counts: a specific class (killed, injured) in the words
    around it, else the class of the words right after it, else of the word right before it.
    """
    k = j + 1 if j < len(toks) and toks[j].key == "-" else j  # 13-year-old
    if k < len(toks) and toks[k].key == _FEET and not (k + 1 < len(toks) and toks[k + 1].key in _VERB_AFTER_DIED):
        return "distance"  # «۱۸ فوت» 18 feet; «۱۸ نفر فوت کردند» 18 people died
    if k < len(toks) and _class_at(toks, k) in _MEASURES:
        return _class_at(toks, k)
    if i > 0 and _unit_class(toks[i - 1].key) in _MEASURES - {"duration"}:
        return _unit_class(toks[i - 1].key)
    after = []
    for k in range(j, min(j + 4, len(toks))):
        key = toks[k].key
        if toks[k].kind == "num" or key in _CLAUSE_ENDS or key in _NEXT_PHRASE or (key[:1] == "و" and _unit_class(key[1:]) in _SPECIFIC):
            break  # «بحياة 14 شخصاً، فيما أصيب 78», «مقتل 3 وإصابة 447»: not the injured of the next phrase
        after.append(_class_at(toks, k))
    before = []
    for k in range(i - 1, max(0, i - 2) - 1, -1):
        if toks[k].key in _CLAUSE_ENDS:
            break
        if toks[k].kind != "num":
            before.insert(0, _unit_class(toks[k].key))
    # the nearest specific word, after it first at equal distance: «کشته شدن ۱۱ نیروی خود و
    # زخمی شدن» are 11 killed, not injured
    near = [(d, 0, u) for d, u in enumerate(after) if u in _SPECIFIC]
    near += [(d, 1, u) for d, u in enumerate(before[::-1]) if u in _SPECIFIC]
    if near:
        return min(near)[2]
    for u in after[:2]:
        if u:
            return u
    if i > 0 and toks[i - 1].kind == "sym" and toks[i - 1].key in "$£€":
        return "money"
    return before[-1] if before and before[-1] in ("magnitude", "money", "people", "percent") else ""


_APPROX_AFTER = (matching_key("تقريبا"), matching_key("تقریبا"), "approximately")


@dataclass(frozen=True)
class _Start:
    """Where a number starts: its ``value`` (None for a vague word), ``firm``, the interval
    ``lo``-``hi`` of a vague word, ``end`` (the token after it) and ``start`` (its first token).
    """

    value: float | None
    firm: bool
    lo: float | None
    hi: float | None
    end: int
    start: int


def _quantities(toks: list[Token], used: list[bool], persian: bool, source: str) -> list[Quantity]:
    """The quantities among the tokens no date or time took (``used``, marked here as they are taken)."""
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        if used[i]:
            i += 1
            continue
        begin = _number_start(toks, i, persian)
        if isinstance(begin, int):
            i = begin  # not a number here: go on from there
            continue
        q, start, i = _quantity(toks, used, persian, source, i, begin)
        out.append(q)
        for x in range(start, i):
            used[x] = True
    return out


def _number_start(toks: list[Token], i: int, persian: bool) -> _Start | int:
    """The number starting at token ``i``, or the token to go on from when there is none."""
    t = toks[i]
    if t.kind == "num":
        return _digits_start(toks, i, persian)
    if t.kind == "word" and (_strip_and(t.key) in NUMBER_WORDS or (t.key in SCALE_WORDS and t.key not in _SCALE_ONLY_AFTER_DIGITS)):
        return _words_start(toks, i)
    if t.kind == "word" and t.key in VAGUE_WORDS:
        lo, hi = VAGUE_WORDS[t.key]
        if i > 0 and toks[i - 1].kind == "num" and toks[i - 1].key in SCALE_WORDS:
            return i + 1
        return _Start(None, False, lo, hi, i + 1, i)
    return i + 1


def _digits_start(toks: list[Token], i: int, persian: bool) -> _Start | int:
    """Digits, unless a code or an ordinal: F-35, G7, 2nd, 1990s, ۱۲ام, 3D."""
    t = toks[i]
    prev_adj = i > 0 and toks[i - 1].end == t.start and (toks[i - 1].kind == "word" or (
        toks[i - 1].key == "-" and i > 1 and toks[i - 2].kind == "word" and toks[i - 2].end == toks[i - 1].start))
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    next_adj_word = nxt is not None and nxt.start == t.end and nxt.kind == "word"
    if prev_adj and toks[i - 1].key not in "$£€" and toks[i - 1].key not in ("و", "ب", "ل", "ف"):
        return i + 1
    if next_adj_word and (_ORDINAL_SUFFIX.match(nxt.key) or nxt.key == "s"):
        return i + 2
    value = _digits_value(t, persian)
    if value is None:
        return i + 1
    if next_adj_word and nxt.key not in SCALE_WORDS and nxt.key not in _UNIT_OF:
        return i + 2  # 3D, 5G, 19th-century style codes
    return _Start(value, True, None, None, i + 1, i)


def _words_start(toks: list[Token], i: int) -> _Start | int:
    """A number in words: twenty-five, بیست و پنج, خمسة وعشرين, three hundred, a dozen."""
    value, words_used, j = _number_words(toks, i)
    if words_used == 0:
        return i + 1
    t = toks[i]
    # a lone word: not «یک» "a" and the like, nor a word that only holds one after «و» (وست "West")
    firm = not (words_used == 1 and (t.key in _UNSAFE_WORDS or _strip_and(t.key) != t.key))
    start = i
    if t.key == "dozen" and i > 0 and toks[i - 1].key == "a":
        firm, start = True, i - 1
    return _Start(value, firm, None, None, j, start)


def _number_words(toks: list[Token], i: int) -> tuple[float, int, int]:
    """(value, number of words, end) of the number words from token ``i``."""
    n = len(toks)
    total = current = 0
    j = i
    words_used = 0
    last_was_number = False
    while j < n:
        k = _strip_and(toks[j].key)
        joined = j == i or toks[j - 1].key in _AND | {"-"} or k != toks[j].key
        if k in NUMBER_WORDS and not joined and not (
                NUMBER_WORDS[k] == 100 or (current < 10 and NUMBER_WORDS[k] == 10) or (current % 10 == 0 and 20 <= current < 100 and NUMBER_WORDS[k] < 10)):
            break  # «چهار هزار واحد»: «واحد» is "unit" here, not one more
        if k in NUMBER_WORDS:
            v = NUMBER_WORDS[k]
            if v == 100 and toks[j].key in ("hundred",) or (v == 100 and current and current < 10):
                current = max(current, 1) * 100
            else:
                current += v
            last_was_number = True
        elif k in SCALE_WORDS and k not in _SCALE_ONLY_AFTER_DIGITS and (words_used or k not in VAGUE_WORDS):
            current = max(current, 1) * SCALE_WORDS[k]
            total += current
            current = 0
            last_was_number = True
        elif last_was_number and k in _FRACTIONS and (toks[j - 1].key in _AND or toks[j].key != k):
            current += _FRACTIONS[k]
            last_was_number = False
        elif toks[j].key in _AND | {"-"} and last_was_number and j + 1 < n and (_strip_and(toks[j + 1].key) in _FRACTIONS or
                _strip_and(toks[j + 1].key) in NUMBER_WORDS or toks[j + 1].key in SCALE_WORDS):
            j += 1
            continue
        else:
            break
        words_used += 1
        j += 1
    return float(total + current), words_used, j


def _quantity(toks: list[Token], used: list[bool], persian: bool, source: str, i: int, begin: _Start) -> tuple[Quantity, int, int]:
    """(quantity, first token, end) of the number that starts at token ``i``: with a scale after
    its digits, as a range, with the qualifiers around it, and what it counts.
    """
    t = toks[i]
    value, firm, lo, hi, j, start = begin.value, begin.firm, begin.lo, begin.hi, begin.end, begin.start
    scaled = 0
    if value is not None and t.kind == "num" and j < len(toks) and toks[j].key in SCALE_WORDS:
        value, scaled, j = _scale_after(toks, j, value)
    if value is not None:
        ranged = _range(toks, used, persian, source, value, start, j)
        if ranged is not None:
            return ranged
    spread = 0.0
    if value is not None:
        lo = hi = value
        if t.kind == "num" and scaled:
            decimals = len(t.key.split(".")[1]) if "." in t.key else 0
            spread = (1.0 if decimals else 0.5) * 10 ** -decimals * scaled  # 16,384,403 is 16.4 or 16.3 million
    lo, hi, start, j, qualified = _qualified(toks, lo, hi, start, j)
    unit = _unit_around(toks, start, j)
    if unit == "duration" and value is not None and t.kind == "num" and value > 1000:
        unit = ""
    text = _span(toks, start if qualified else i, j, source)
    q = Quantity(lo, hi, unit, text, firm, value if lo == hi or qualified else None, digits=t.kind == "num", spread=spread)
    return q, start, j


def _scale_after(toks: list[Token], j: int, value: float) -> tuple[float, int, int]:
    """(value, scale of its last part or 0, end) of digits followed by the scale at token ``j``:
    11 million, ۱۱ میلیون, 2.3bn, £11m, «۱۶ میلیون و ۳۸۴ هزار و ۴۰۳».
    """
    n = len(toks)
    sk = toks[j].key
    if sk in _SCALE_ONLY_AFTER_DIGITS and toks[j].start != toks[j - 1].end:
        return value, 0, j
    value *= SCALE_WORDS[sk]
    scale = scaled = SCALE_WORDS[sk]
    j += 1
    # smaller parts joined by «و»
    while j + 1 < n and toks[j].key in _AND and toks[j + 1].kind == "num" and re.fullmatch(r"\d{1,3}", toks[j + 1].key):
        part = float(toks[j + 1].key)
        k2 = j + 2
        if k2 < n and toks[k2].key in SCALE_WORDS and SCALE_WORDS[toks[k2].key] < scale:
            scale = SCALE_WORDS[toks[k2].key]
            value += part * scale
            scaled = scale
            j = k2 + 1
        elif k2 < n and toks[k2].key in SCALE_WORDS:
            break
        else:
            value += part
            scaled = 0
            j = k2
            break
    return value, scaled, j


def _range(toks: list[Token], used: list[bool], persian: bool, source: str, value: float, start: int,
           j: int) -> tuple[Quantity, int, int] | None:
    """(quantity, first token, end) of a range from ``value``, whose tokens end at ``j``: 10-20,
    ۱۰ تا ۱۲, between 10 and 20, from 10 to 20; None when no range follows.
    """
    n = len(toks)
    if not (j + 1 < n and toks[j].key in _RANGE_JOIN and not used[j + 1] and toks[j + 1].kind == "num"):
        return None
    other = _digits_value(toks[j + 1], persian)
    joined_by_and = toks[j].key in _AND
    opened = start > 0 and toks[start - 1].key in _RANGE_OPEN
    if not (other is not None and other > value and (not joined_by_and or opened)
            and "/" not in toks[j + 1].key and ":" not in toks[j + 1].key):
        return None
    j2 = j + 2
    if j2 < n and toks[j2].key in SCALE_WORDS:
        mult = SCALE_WORDS[toks[j2].key]
        other *= mult
        value = value * mult if value < other / mult * 1.0001 and value < 1000 else value
        j2 += 1
    if opened:
        start -= 1
    q = Quantity(value, other, _unit_around(toks, start, j2), _span(toks, start, j2, source), True, None, digits=True)
    return q, start, j2


def _qualified(toks: list[Token], lo: float, hi: float, start: int, j: int) -> tuple[float, float, int, int, bool]:
    """(lo, hi, start, end, qualified before) of the interval ``lo``-``hi`` of the number at tokens
    [start, j) with its qualifiers: about / more than / up to before, approximately / at least after.
    """
    q = _qualifier_before(toks, start)
    if q is not None:
        (flo, fhi), start = q
        lo, hi = lo * flo, hi * fhi if fhi != math.inf else math.inf
    if j < len(toks) and toks[j].key in _APPROX_AFTER:
        lo, hi = lo * 0.8, hi * 1.2
        j += 1
    elif _after_qualifier(toks, j) is not None:
        hi = math.inf  # «384 شخصًا على الأقل»
    return lo, hi, start, j, q is not None


def _span(toks: list[Token], a: int, b: int, text: str = "") -> str:
    if b <= a:
        return ""
    if text:
        return text[toks[a].start : toks[b - 1].end]
    return toks[a].text if b - a == 1 else " ".join(t.text for t in toks[a:b])


_AT_LEAST_AFTER = [matching_key(x).split() for x in ("على الأقل", "علی الاقل", "على اقل تقدير", "أو أكثر", "or more", "at least", "و بیشتر", "یا بیشتر")]


def _after_qualifier(toks: list[Token], j: int) -> int | None:
    """The end of "at least" / "or more" within the three words after a number («384 شخصًا على الأقل»)."""
    keys = [t.key for t in toks[j : j + 5]]
    for start in range(0, 3):
        for phrase in _AT_LEAST_AFTER:
            if keys[start : start + len(phrase)] == phrase:
                return j + start + len(phrase)
    return None


def _qualifier_before(toks: list[Token], i: int) -> tuple[tuple[float, float], int] | None:
    for back in (4, 3, 2, 1):
        s = i - back
        if s < 0:
            continue
        seq = [t.key for t in toks[s:i]]
        for _, phrase, v in _QUALIFIER_PHRASES.get(seq[0], []):
            if phrase == seq:
                return v, s
    return None


# -- comparison -------------------------------------------------------------------------------

def agree(x: Quantity, y: Quantity) -> bool:
    """Can ``x`` and ``y`` be the same number (their intervals meet; values rounded alike)?"""
    if x.unit and y.unit and x.unit != y.unit and not ({x.unit, y.unit} <= COUNT_CLASSES and "people" in (x.unit, y.unit)):
        return False
    return intervals_meet(x, y)


def intervals_meet(x: Quantity, y: Quantity) -> bool:
    """Do the values of ``x`` and ``y`` meet (within their spreads), units aside?"""
    if x.low - 1e-9 <= y.high + x.spread + y.spread and y.low - 1e-9 <= x.high + x.spread + y.spread:
        return True
    # a whole number and a decimal it rounds or cuts off (49 and 49.8 percent)
    for p, q in ((x, y), (y, x)):
        if p.low == p.high and q.low == q.high and p.low == int(p.low) and q.low != int(q.low) and not re.search(r"[.٫/]\d", p.text):
            return int(q.low) == p.low or round(q.low) == p.low
    return False


def units_match(x: Quantity, y: Quantity) -> bool:
    """Do ``x`` and ``y`` count the same kind of thing, as far as the words around them say?"""
    if x.unit == y.unit:
        return True
    if not x.unit or not y.unit:
        return False
    if {x.unit, y.unit} == {"votes", "people"}:
        return True  # «۳۰ میلیون … نفر شرکت کرده‌اند» = 30 million votes
    return {x.unit, y.unit} <= COUNT_CLASSES and "people" in (x.unit, y.unit)
