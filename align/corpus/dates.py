"""Article dates as researchers have them: a Gregorian ISO date for every form a news site or a
table writes, or a reason why not.

- **ISO** (``2024-05-30``, optionally followed by a time) and date values of a table (a Parquet
  or DataFrame ``date``/``datetime`` column); a missing value (``None``, ``NaN``, ``NaT``, an
  empty cell) is an undated article.
- **Numbers** (``30.05.2024``, ``2024/05/30``, ``۱۴۰۳/۰۳/۱۰``): a four-digit year first is
  year-month-day; a year last is day-month-year or month-day-year, read without help only when
  the numbers leave no doubt (``30/05/2024``: 30 is no month). ``05/06/2019`` is refused as
  ambiguous unless the order is stated (``date_order``: ``"DMY"``, ``"MDY"`` or ``"YMD"``; a
  two-digit year always needs it).
- **Month names** in Persian and Arabic (Gregorian months as Iran, Egypt, the Gulf and the Levant
  write them: ``۳۰ مه ۲۰۲۴``, ``30 مايو 2024``, ``30 أيار 2024``), Solar Hijri months (``2 خرداد
  1403``) and Hijri months in Arabic or Persian spelling (``23 ذو القعدة 1445``, ``۲۳
  ذی‌القعده ۱۴۴۵``), in Persian, Arabic or Latin digits, with a weekday before and a time after.
- **Other languages' forms** (``May 30, 2024``, ``30 May 2024``, ``30. Mai 2024``, ``Thu, 30 May
  2024 10:00:00 GMT``) are read by dateparser; relative dates ("yesterday") and dates without a
  day or a year are refused: a corpus's dates must not depend on the day it is run.

Solar Hijri dates are converted with jdatetime, Hijri dates with hijridate (the Umm al-Qura
calendar, 1343-1500 AH). A numeric date whose year is below 1600 is one of the two: Persian digits
or a Solar Hijri mark (``ه.ش``) or the article's language (Persian, Dari, Pashto) say Solar
Hijri; Arabic-Indic digits, a Hijri mark (``هـ``, ``ه.ق``) or Arabic say Hijri; otherwise it is
refused as ambiguous. The day is the day as written: a time and a time zone after it are not
converted.
"""
from __future__ import annotations

import datetime as _dt
import functools
import numbers
import re
import unicodedata
from typing import Any

MIN_GREGORIAN_YEAR = 1600  # a numeric year below this is a Solar Hijri or Hijri year
SOLAR_LANGS = {"fa", "fas", "per", "pes", "prs", "ps", "pus", "pbt", "tg"}  # languages whose dates are Solar Hijri
HIJRI_LANGS = {"ar", "ara", "arb"}

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_PERSIAN_DIGITS = re.compile("[۰-۹]")
_ARABIC_DIGITS = re.compile("[٠-٩]")
# bidi marks, zero-width characters, tatweel and Arabic diacritics: never part of a date
_INVISIBLE = re.compile("[\u200b\u200d-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u0640\u064b-\u065f\u0670]")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_NUMERIC = re.compile(r"^(\d{1,4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,4})(?:[\sT,،].*)?$")
# calendar marks, on the text without tatweel (هـ is ه): ه.ش / شمسی Solar Hijri; ه / ه.ق / قمری Hijri
_SOLAR_MARK = re.compile(r"ه\s*\.?\s*ش|شمسی|شمسي|\bSH\b")
_HIJRI_MARK = re.compile(r"ه\s*\.?\s*ق|قمری|قمري|هجری|هجري|(?<!\w)ه(?!\w)|\bAH\b")


def _key(word: str) -> str:
    """A month name as compared: Arabic and Persian letter forms unified, hamza seats dropped,
    zero-width non-joiners as spaces, ``ذو``/``ذي`` one word.
    """
    w = word.replace("\u200c", " ")
    w = w.translate(str.maketrans("یىكکةأإآ", "ييككهااا"))
    w = re.sub(r"(?<!\w)ذو ", "ذي ", re.sub(r"(?<!\w)ذي(?=ال)", "ذي ", w))
    return re.sub(r"\s+", " ", w).strip()


def _table(names: dict[str, int]) -> dict[str, int]:
    return {_key(k): v for k, v in names.items()}


#: Month names by calendar, as news sites write them (keys compared through :func:`_key`).
MONTHS: dict[str, dict[str, int]] = {
    "solar": _table({
        "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5, "شهریور": 6, "مهر": 7, "آبان": 8,
        "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
    }),
    "hijri": _table({
        "محرم": 1, "المحرم": 1, "محرم الحرام": 1, "صفر": 2, "صفر المظفر": 2,
        "ربيع الأول": 3, "ربيع أول": 3, "ربیع الاول": 3, "ربيع الثاني": 4, "ربيع الآخر": 4, "ربيع ثاني": 4, "ربیع الثانی": 4,
        "جمادى الأولى": 5, "جمادى الأول": 5, "جمادی الاول": 5, "جمادی الاولی": 5,
        "جمادى الآخرة": 6, "جمادى الثانية": 6, "جمادى الآخر": 6, "جمادی الثانی": 6, "جمادی الثانیه": 6, "جمادی الآخر": 6,
        "رجب": 7, "رجب المرجب": 7, "شعبان": 8, "شعبان المعظم": 8, "رمضان": 9, "رمضان المبارک": 9, "شوال": 10,
        "ذو القعدة": 11, "ذی القعده": 11, "ذیقعده": 11, "ذو الحجة": 12, "ذی الحجه": 12, "ذیحجه": 12,
    }),
    "gregorian": _table({
        # Persian (Iran, Afghanistan)
        "ژانویه": 1, "ژانویهٔ": 1, "جنوری": 1, "فوریه": 2, "فبروری": 2, "مارس": 3, "مارچ": 3, "آوریل": 4, "اپریل": 4,
        "مه": 5, "می": 5, "ژوئن": 6, "جون": 6, "ژوئیه": 7, "جولای": 7, "اوت": 8, "آگوست": 8, "اگست": 8,
        "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
        # Arabic (Egypt, the Gulf)
        "يناير": 1, "فبراير": 2, "أبريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7,
        "أغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
        # Arabic (the Levant, Iraq)
        "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8, "أيلول": 9,
        "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
        # Arabic (the Maghreb)
        "جانفي": 1, "فيفري": 2, "أفريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "أوت": 8,
    }),
}
_NAMES = sorted({(name, cal) for cal, names in MONTHS.items() for name in names}, key=lambda x: -len(x[0]))
_WORDS = re.compile(
    r"^(?:[^\d]{0,24}?[\s,،]+)?"  # a weekday ("پنجشنبه", "الخميس،")
    r"(\d{1,2})\s*(?:ام|م|th|st|nd|rd)?\s+"  # the day
    r"(" + "|".join(re.escape(n) for n, _ in _NAMES) + r")"  # the month (a key)
    r"\s*[,،]?\s*(\d{2,4})"  # the year
    r"(?:$|\D.*$)")  # a calendar mark, a time


class DateError(ValueError):
    """A date that cannot be read (the message says why and what would make it readable)."""


def missing(value: Any) -> bool:
    """Is ``value`` a missing table cell: None, NaN, NaT, pandas.NA, or blank text (or "nan",
    "NaT", "None", "null" as text)?
    """
    if isinstance(value, (dict, list, tuple, set)) or type(value).__name__ == "ndarray":
        return False
    if value is None:
        return True
    try:
        if value != value:  # NaN, NaT (a float, pandas or numpy)
            return True
    except (TypeError, ValueError):  # pandas.NA: its comparison has no truth value
        return True
    return isinstance(value, str) and (not value.strip() or value.strip().lower() in ("nan", "nat", "none", "null"))


def kind_of(value: Any) -> str:
    """What a value that is not text is, in a researcher's words ("a number", "a list")."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, numbers.Number):
        return "a number"
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, (list, tuple, set)) or type(value).__name__ == "ndarray":
        return "a list"
    return f"a {type(value).__name__}"


def read_date(value: Any, *, order: str | None = None, lang: str | None = None) -> tuple[str | None, str | None]:
    """``(ISO date, the date as written)`` of one article's date, ``(None, None)`` when it has none.

    Parameters
    ----------
    value : str, date, datetime, pandas Timestamp, numpy datetime64 or a missing value
        The date as the table or metadata holds it.
    order : {"DMY", "MDY", "YMD"} or None
        The order of day, month and year in numeric dates whose numbers leave it open
        (``align.params.DATE_ORDERS``).
    lang : str or None
        The article's language, when known (decides the calendar of a numeric year below 1600).

    Raises
    ------
    DateError
        The value is not a date that can be read (why, in the message).
    """
    if missing(value):
        return None, None
    if isinstance(value, _dt.datetime):  # pandas Timestamp included
        return value.date().isoformat(), value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat(), value.isoformat()
    if type(value).__name__ == "datetime64":
        text = str(value)
        return _dt.date.fromisoformat(text[:10]).isoformat(), text
    if not isinstance(value, str):
        shown = repr(value)
        raise DateError(f"date is {kind_of(value)} ({shown[:40] + '…' if len(shown) > 40 else shown}), not a date")
    written = value.strip()
    return parse_text(written, order, _calendar_of_lang(lang)), written


def _calendar_of_lang(lang: str | None) -> str | None:
    code = (lang or "").split("-")[0].lower()
    return "solar" if code in SOLAR_LANGS else "hijri" if code in HIJRI_LANGS else None


@functools.lru_cache(maxsize=1 << 14)
def parse_text(written: str, order: str | None = None, calendar: str | None = None) -> str:
    """The ISO date of a date written as text (see the module docstring); ``calendar``: the
    calendar of a numeric year below 1600 when the text does not say it ("solar", "hijri").

    Raises
    ------
    DateError
        Why the text is not a date that can be read.
    """
    shown = written if len(written) <= 60 else written[:59] + "…"
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", written)).strip()
    ascii_digits = text.translate(_DIGITS)
    m = _ISO.match(ascii_digits)
    if m and int(m[1]) >= MIN_GREGORIAN_YEAR:
        return _gregorian(int(m[1]), int(m[2]), int(m[3]), shown)
    m = _NUMERIC.match(ascii_digits)
    if m:
        return _numeric(m, text, order, calendar, shown)
    m = _WORDS.match(_key(ascii_digits)) if any(ch.isalpha() for ch in text) else None
    if m:
        cal = next(c for c, names in MONTHS.items() if m[2] in names)
        day, month, year = int(m[1]), MONTHS[cal][m[2]], int(m[3])
        if len(m[3]) == 2 and cal == "gregorian":
            year += 2000 if year < 70 else 1900
        elif len(m[3]) != 4:
            raise DateError(f"date {shown!r}: the year needs four digits")
        return _convert(cal, year, month, day, shown)
    if not re.search(r"[^\W\d_]", text):
        raise DateError(f"date {shown!r} is not a date (write it as YYYY-MM-DD)")
    return _dateparser(text, order, shown)


def _numeric(m: re.Match, text: str, order: str | None, calendar: str | None, shown: str) -> str:
    """A date of three numbers (``m``: the numbers and their separator); ``order`` as stated."""
    a, b, c = m[1], m[3], m[4]
    if len(a) == 4:  # a four-digit year first: always year-month-day
        return _in_calendar(text, calendar, int(a), int(b), int(c), shown)
    if order == "YMD":
        if len(a) != 2 or len(c) == 4:
            raise DateError(f"date {shown!r} is not in the stated order YMD")
        y, mo, d = _two_digit(int(a)), int(b), int(c)
    elif len(c) not in (2, 4):
        raise DateError(f"date {shown!r} is not a date (write it as YYYY-MM-DD)")
    else:
        x1, x2 = int(a), int(b)
        read = order
        if read is None and len(c) == 2:
            raise DateError(f"date {shown!r} has a two-digit year: state the order (--date-order DMY, MDY or YMD)")
        if read is None:
            if x1 > 12 >= x2 or x1 == x2:
                read = "DMY"
            elif x2 > 12 >= x1:
                read = "MDY"
            else:
                raise DateError(f"ambiguous date {shown!r}: {x1} {_month_name(x2)} or {_month_name(x1)} {x2}? "
                                "state the order (--date-order DMY or MDY)")
        d, mo = (x1, x2) if read == "DMY" else (x2, x1)
        y = int(c) if len(c) == 4 else _two_digit(int(c))
    if order is not None and not 1 <= mo <= 12:
        raise DateError(f"date {shown!r} is not a date in the stated order {order}")
    return _in_calendar(text, calendar, y, mo, d, shown)


def _in_calendar(text: str, calendar: str | None, y: int, m: int, d: int, shown: str) -> str:
    """Day ``d`` of month ``m`` of year ``y``: Gregorian from ``MIN_GREGORIAN_YEAR``, else in the
    Hijri calendar the text or ``calendar`` says.
    """
    if y >= MIN_GREGORIAN_YEAR:
        return _gregorian(y, m, d, shown)
    return _convert(_hijri_calendar(text, calendar, shown), y, m, d, shown)


def _two_digit(y: int) -> int:
    return y + (2000 if y < 70 else 1900)


def _month_name(m: int) -> str:
    return _dt.date(2000, m, 1).strftime("%B") if 1 <= m <= 12 else str(m)


def _hijri_calendar(text: str, calendar: str | None, shown: str) -> str:
    """Which of the two Hijri calendars a numeric date with a year below 1600 is in."""
    if _SOLAR_MARK.search(text):
        return "solar"
    if _HIJRI_MARK.search(text):
        return "hijri"
    if _PERSIAN_DIGITS.search(text):
        return "solar"
    if _ARABIC_DIGITS.search(text):
        return "hijri"
    if calendar:
        return calendar
    raise DateError(f"date {shown!r} is a Solar Hijri or a Hijri date: give the article's language (lang: fa for Solar "
                    "Hijri, ar for Hijri) or write the calendar (ه.ش or هـ)")


def _gregorian(y: int, m: int, d: int, shown: str) -> str:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        raise DateError(f"date {shown!r} is not a date (no day {d} in month {m} of {y})") from None


def _convert(calendar: str, y: int, m: int, d: int, shown: str) -> str:
    """The Gregorian ISO date of day ``d`` of month ``m`` of year ``y`` in ``calendar``."""
    if calendar == "gregorian":
        if y < MIN_GREGORIAN_YEAR:
            raise DateError(f"date {shown!r}: year {y} with a Gregorian month")
        return _gregorian(y, m, d, shown)
    if calendar == "solar":
        import jdatetime

        try:
            return jdatetime.date(y, m, d).togregorian().isoformat()
        except (ValueError, OverflowError):
            raise DateError(f"date {shown!r} is not a Solar Hijri date (no day {d} in month {m} of {y})") from None
    import hijridate

    try:
        return hijridate.Hijri(y, m, d).to_gregorian().isoformat()
    except OverflowError:
        raise DateError(f"date {shown!r}: Hijri years 1343-1500 can be converted, not {y}") from None
    except ValueError:
        raise DateError(f"date {shown!r} is not a Hijri date (no day {d} in month {m} of {y})") from None


#: The languages dateparser tries, in order (a fixed list: the same text reads the same way).
DATEPARSER_LANGUAGES = ["en", "de", "fr", "es", "it", "pt", "nl", "tr", "ru", "fa", "ar", "ur"]


def _dateparser(text: str, order: str | None, shown: str) -> str:
    import dateparser

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "PARSERS": ["absolute-time"],
                "RETURN_AS_TIMEZONE_AWARE": False, **({"DATE_ORDER": order} if order else {})}
    try:
        parsed = dateparser.parse(text, languages=DATEPARSER_LANGUAGES, settings=settings)
    except (ValueError, OverflowError, TypeError):
        parsed = None
    if parsed is None:
        raise DateError(f"date {shown!r} is not a date that can be read (a day, a month and a year, e.g. 2024-05-30)")
    if parsed.year < MIN_GREGORIAN_YEAR:
        raise DateError(f"date {shown!r}: year {parsed.year} (a Solar Hijri or Hijri date? write its month name)")
    return parsed.date().isoformat()
