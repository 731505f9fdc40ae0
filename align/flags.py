"""Disagreement flags: where two matched claims differ in checkable facts.

For a matched pair, compares what both texts state about

- **numbers**: digits in any script (۱۵ = ١٥ = 15) and written-out small numbers (fa/ar/en);
  flagged when a number written in digits is on one side only, or when both sides state
  numbers and they differ (a written-out number alone is not flagged: «یک هیأت» is "a
  delegation", «واحدة من» is "one of");
- **days and dates**: weekday names (fa, ar, en), relative days (دیروز / أمس / yesterday,
  امروز / اليوم / today, فردا / غداً / tomorrow) and month names of the Solar Hijri, Hijri and
  Gregorian calendars (Persian, Arabic and Levantine Arabic spellings); flagged when both sides
  name one and they cannot be the same (a Solar Hijri month is compared with the two Gregorian
  months it overlaps);
- **people and places** named on one side only, across scripts: people by the consonant
  skeleton of their surname (شمخانی = شمخاني = Shamkhani, see ``align.speakers.name_key``),
  the people being those either article names (speakers, and names after a rank or title such
  as سپهبد / نظيره الأفغاني); places from a small gazetteer of the region's countries and cities.

Each flag is one short human-readable reason, e.g. ``day: Sunday (یکشنبه) vs Wednesday
(الأربعاء)`` or ``person only in B: حمد الله محب``. Rule-based and deliberately conservative.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .speakers import _RANKS, _TITLE_HEADS, name_key
from .text import matching_key, word_key, words

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_WEEKDAY_FORMS = {
    0: ["دوشنبه", "الاثنين", "الإثنين", "monday"],
    1: ["سه شنبه", "سه‌شنبه", "سهشنبه", "الثلاثاء", "tuesday"],
    2: ["چهارشنبه", "چهار شنبه", "الأربعاء", "الاربعاء", "wednesday"],
    3: ["پنجشنبه", "پنج شنبه", "پنج‌شنبه", "الخميس", "thursday"],
    4: ["جمعه", "الجمعة", "friday"],
    5: ["شنبه", "السبت", "saturday"],
    6: ["یکشنبه", "یک شنبه", "یک‌شنبه", "الأحد", "الاحد", "sunday"],
}
_RELATIVE_FORMS = {
    "yesterday": ["دیروز", "أمس", "الأمس", "yesterday"],
    "today": ["امروز", "اليوم", "today"],
    "tomorrow": ["فردا", "غدا", "غداً", "tomorrow"],
    "the day before yesterday": ["پریروز", "أول أمس", "the day before yesterday"],
}
# month name -> (calendar, number). Ambiguous Persian month names (تیر "arrow", مهر "seal",
# دی, آذر) count only next to a number (۱۵ مهر).
_MONTHS = {
    "solar": ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"],
    "hijri": ["محرم", "صفر", "ربیع الاول", "ربیع الثانی", "جمادی الاولی", "جمادی الثانیه", "رجب", "شعبان", "رمضان", "شوال", "ذی القعده", "ذی الحجه"],
    "gregorian": [
        ["ژانویه", "يناير", "كانون الثاني", "january"], ["فوریه", "فبراير", "شباط", "february"],
        ["مارس", "آذار", "march"], ["آوریل", "أبريل", "ابريل", "نيسان", "april"], ["مه", "مايو", "أيار", "may"],
        ["ژوئن", "يونيو", "حزيران", "june"], ["ژوئیه", "يوليو", "تموز", "july"], ["اوت", "آگوست", "أغسطس", "آب", "august"],
        ["سپتامبر", "سبتمبر", "أيلول", "september"], ["اکتبر", "أكتوبر", "تشرين الأول", "october"],
        ["نوامبر", "نوفمبر", "تشرين الثاني", "november"], ["دسامبر", "ديسمبر", "كانون الأول", "december"],
    ],
}
_AMBIGUOUS_MONTHS = {"تیر", "مهر", "دی", "آذر", "مه", "آب", "صفر", "مارس", "may", "march"}
_NUMBER_WORDS = {
    1: ["یک", "واحد", "واحدة", "one"], 2: ["دو", "اثنان", "اثنين", "two"], 3: ["سه", "ثلاثة", "ثلاث", "three"],
    4: ["چهار", "أربعة", "أربع", "four"], 5: ["پنج", "خمسة", "خمس", "five"], 6: ["شش", "ستة", "ست", "six"],
    7: ["هفت", "سبعة", "سبع", "seven"], 8: ["هشت", "ثمانية", "ثماني", "eight"], 9: ["نه", "تسعة", "تسع", "nine"],
    10: ["ده", "عشرة", "عشر", "ten"], 20: ["بیست", "عشرون", "عشرين", "twenty"], 100: ["صد", "مائة", "مئة", "hundred"],
    1000: ["هزار", "ألف", "thousand"], 1_000_000: ["میلیون", "مليون", "million"],
}
_UNSAFE_NUMBER_WORDS = {"یک", "واحد", "واحدة", "one", "نه", "ده", "ست", "دو", "سه", "هفت", "صد"}
# Places: canonical English name -> spellings (fa, ar, en)
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
_PROCLITICS = re.compile(r"^(?:و|ف)?(?:ب|ل|ک)?(?:ال|لل)?")  # for names: و + ب + ال + name


def _strip_particles(token: str) -> str:
    """Arabic conjunction/preposition prefixes (و، ف، ب، ل، ک) off a keyed token; لل -> ال."""
    if token.startswith(("ولل", "فلل")):
        return "ال" + token[3:]
    if token.startswith("لل"):
        return "ال" + token[2:]
    return re.sub(r"^(?:و|ف)?(?:ب|ل|ک)?", "", token)
_PERSON_INTRO_AR = re.compile(r"(?:نظیره|نظیرها|نظراوه)(?: ال\w+)?")
_NAME_STOP = {
    "که", "با", "در", "و", "به", "از", "را", "نیز", "الذی", "التی", "علی", "فی", "من", "مع", "الی", "ان", "خلال",
    "لدی", "عن", "who", "said", "and", "of", "in", "the", "وزیر", "دبیر", "نماینده", "رئیس", "امین",
}


def _keyed(forms: list[str]) -> list[list[str]]:
    return [matching_key(f).split() for f in forms]


def _phrases(lexicon: dict) -> list[tuple[list[str], object]]:
    """(keyed word sequence, value), longest first so سه شنبه wins over شنبه."""
    out = [(seq, value) for value, forms in lexicon.items() for seq in _keyed(forms)]
    return sorted(out, key=lambda x: -len(x[0]))


def _by_first(phrases: list[tuple[list[str], object]]) -> dict[str, list]:
    """``{first token: [(order, seq, value), ...]}``: a phrase list indexed by its first token,
    each entry with its place in the list (the list's order decides between matches).
    """
    index: dict[str, list] = {}
    for order, (seq, value) in enumerate(phrases):
        if seq:
            index.setdefault(seq[0], []).append((order, seq, value))
    return index


_WEEKDAY_PHRASES = _by_first(_phrases(_WEEKDAY_FORMS))
_RELATIVE_PHRASES = _by_first(_phrases(_RELATIVE_FORMS))
_PLACE_PHRASES = _by_first(_phrases(PLACES))
_NUMBER_PHRASES = _by_first(_phrases(_NUMBER_WORDS))
_MONTH_PHRASES = _by_first(sorted(
    [(matching_key(f).split(), ("solar", i + 1)) for i, f in enumerate(_MONTHS["solar"])]
    + [(matching_key(f).split(), ("hijri", i + 1)) for i, f in enumerate(_MONTHS["hijri"])]
    + [(matching_key(f).split(), ("gregorian", i + 1)) for i, fs in enumerate(_MONTHS["gregorian"]) for f in fs],
    key=lambda x: -len(x[0]),
))
_AMBIGUOUS_KEYED = {matching_key(w) for w in _AMBIGUOUS_MONTHS}
_UNSAFE_NUMBERS_KEYED = {matching_key(w) for w in _UNSAFE_NUMBER_WORDS}


def _tokens(text: str) -> list[str]:
    return [word_key(w) for w in words(text)]


def _find(tokens: list[str], index: dict[str, list], strip: bool = False) -> list[tuple[int, int, object]]:
    """Non-overlapping matches (start, end, value); ``strip``: also try without Arabic proclitics.

    ``index``: a phrase list (longest first) by first token (``_by_first``). At each position
    the first phrase of the list that matches wins; only the phrases starting with the token (or,
    with ``strip``, with the token less its proclitics) are tried, so a text costs one dictionary
    look-up per word.
    """
    out, i = [], 0
    while i < len(tokens):
        tok = tokens[i]
        cands = index.get(tok, [])
        if strip and len(tok) > 3:
            bare = _strip_particles(tok)
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


def _surface(text: str, tokens_span: tuple[int, int]) -> str:
    ws = words(text)
    return " ".join(ws[tokens_span[0] : tokens_span[1]])


@dataclass(frozen=True)
class Facts:
    """What a text states that can disagree with another version: numbers (in digits and
    written out), weekdays, relative days, months of three calendars and places, each with the
    surface form it was found as.
    """

    numbers: frozenset  # numbers written in digits
    number_words: frozenset  # numbers written out
    weekdays: dict  # weekday index -> surface form
    relative: dict  # "yesterday" ... -> surface form
    months: dict  # (calendar, number) -> surface form
    places: dict  # canonical -> surface form


@functools.lru_cache(maxsize=4096)
def facts(text: str) -> Facts:
    """The checkable facts of ``text`` (Persian, Arabic or English), see :class:`Facts`.

    Cached per text (a sentence is compared with several others); treat the result as read-only.
    """
    toks = _tokens(text)
    key = matching_key(text)
    numbers = frozenset(_number(x) for x in re.findall(r"\d+(?:[.,٫]\d+)?", key))
    number_words = frozenset(
        v for s, e, v in _find(toks, _NUMBER_PHRASES) if e - s > 1 or toks[s] not in _UNSAFE_NUMBERS_KEYED
    )
    weekdays = {v: _surface(text, (s, e)) for s, e, v in _find(toks, _WEEKDAY_PHRASES, strip=True)}
    relative = {v: _surface(text, (s, e)) for s, e, v in _find(toks, _RELATIVE_PHRASES, strip=True)}
    months = {}
    for s, e, v in _find(toks, _MONTH_PHRASES):
        if e - s == 1 and toks[s] in _AMBIGUOUS_KEYED:
            near = toks[max(0, s - 1) : s] + toks[e : e + 1]
            if not any(re.fullmatch(r"\d+", t) for t in near):
                continue
        months[v] = _surface(text, (s, e))
    places = {v: _surface(text, (s, e)) for s, e, v in _find(toks, _PLACE_PHRASES, strip=True)}
    return Facts(numbers, number_words, weekdays, relative, months, places)


def _number(s: str) -> str:
    s = s.replace("٫", ".").replace(",", ".")
    return s.rstrip("0").rstrip(".") if "." in s else str(int(s))


def _gregorian_months(cal_month: tuple[str, int]) -> set[int] | None:
    cal, m = cal_month
    if cal == "gregorian":
        return {m}
    if cal == "solar":  # Farvardin (1) = 21 March - 20 April
        return {(m + 1) % 12 + 1, (m + 2) % 12 + 1}
    return None  # Hijri months move through the year: comparable only with Hijri


def people_in(text: str, people: dict[str, str]) -> dict[str, str]:
    """The known people (key -> display name) whose surname skeleton occurs in ``text``."""
    return {k: people[k] for k in _name_keys(text) if k in people}


@functools.lru_cache(maxsize=8192)
def _name_keys(text: str) -> tuple[str, ...]:
    """The name skeletons (3 letters or more) of every word of ``text``, with and without
    proclitics, in order of first occurrence (cached: a sentence is in many pairs).
    """
    out: dict[str, None] = {}
    for w in words(text):
        key = word_key(w)
        for form in (key, _PROCLITICS.sub("", key)):
            k = name_key(form)
            if len(k) >= 3:
                out.setdefault(k)
    return tuple(out)


def known_people(texts: list[str], speakers: list[str]) -> dict[str, str]:
    """Canonical key -> display name of the people the articles name: their speakers, and names
    after a rank (سپهبد طارق شاه بهرامی) or an Arabic "counterpart" (نظيره الأفغاني حمد الله محب).
    """
    out: dict[str, str] = {}
    for name in speakers:
        k = name_key(name)
        if len(k) >= 3 and not _is_title_like(name):
            out.setdefault(k, name)
    ranks = {matching_key(r) for r in _RANKS}
    for text in texts:
        ws = words(text)
        keys = [word_key(w) for w in ws]
        for i, k in enumerate(keys):
            start = None
            if k in ranks:
                start = i + 1
                while start < len(keys) and keys[start] in ranks:
                    start += 1
            elif k in ("نظیره", "نظیرها") or k.endswith("نظیره"):
                start = i + 1
                if start < len(keys) and keys[start].startswith("ال") and keys[start] != "الله":
                    start += 1
            if start is None:
                continue
            name = []
            for w, kk in zip(ws[start : start + 4], keys[start : start + 4], strict=True):
                if kk in _NAME_STOP or kk in ranks or (kk.startswith("ال") and kk != "الله") or not kk.isalpha():
                    break
                name.append(w)
            if name and len(name) <= 3 and not (len(name) == 1 and len(name[0]) < 4):
                nk = name_key(" ".join(name))
                if len(nk) >= 3:
                    out.setdefault(nk, " ".join(name))
    return out


def _is_title_like(name: str) -> bool:
    first = matching_key(name).split()[:1]
    return bool(first) and first[0] in _TITLE_HEADS


def disagreements(
    a_text: str, b_text: str, people: dict[str, str] | None = None,
    speakers_a: set[str] = frozenset(), speakers_b: set[str] = frozenset(),
) -> list[str]:
    """Human-readable flags where the two texts differ in checkable facts. ``speakers_*``: keys
    of the people each side is attributed to (present even when the text says only "he").
    """
    fa, fb = facts(a_text), facts(b_text)
    out: list[str] = []
    # numbers
    na, nb = fa.numbers | {str(v) for v in fa.number_words}, fb.numbers | {str(v) for v in fb.number_words}
    only_a = sorted(fa.numbers - nb, key=_num_sort)
    only_b = sorted(fb.numbers - na, key=_num_sort)
    if na and nb and na != nb:
        out.append(f"numbers: {', '.join(sorted(na, key=_num_sort))} vs {', '.join(sorted(nb, key=_num_sort))}")
    elif only_a or only_b:
        if only_a:
            out.append(f"number only in A: {', '.join(only_a)}")
        if only_b:
            out.append(f"number only in B: {', '.join(only_b)}")
    # days
    if fa.weekdays and fb.weekdays and set(fa.weekdays) != set(fb.weekdays):
        out.append(f"day: {_days(fa.weekdays)} vs {_days(fb.weekdays)}")
    if fa.relative and fb.relative and set(fa.relative) != set(fb.relative):
        out.append(f"relative day: {_named(fa.relative)} vs {_named(fb.relative)}")
    # months
    if fa.months and fb.months and not _months_compatible(fa.months, fb.months):
        out.append(f"month: {_months(fa.months)} vs {_months(fb.months)}")
    # people and places on one side only
    if people:
        pa, pb = people_in(a_text, people), people_in(b_text, people)
        pa.update({k: people.get(k, k) for k in speakers_a if k not in pa})
        pb.update({k: people.get(k, k) for k in speakers_b if k not in pb})
        for side, mine, other in (("A", pa, pb), ("B", pb, pa)):
            missing = [mine[k] for k in sorted(mine) if k not in other]
            if missing:
                out.append(f"person only in {side}: {', '.join(missing)}")
    for side, mine, other in (("A", fa.places, fb.places), ("B", fb.places, fa.places)):
        missing = [f"{k} ({mine[k]})" if matching_key(mine[k]) != k.lower() else k for k in sorted(mine) if k not in other]
        if missing:
            out.append(f"place only in {side}: {', '.join(missing)}")
    return out


def _num_sort(x: str):
    try:
        return (0, float(x))
    except ValueError:
        return (1, x)


def _days(d: dict) -> str:
    return ", ".join(f"{WEEKDAYS[k]} ({v})" if matching_key(v) != WEEKDAYS[k].lower() else WEEKDAYS[k] for k, v in sorted(d.items()))


def _named(d: dict) -> str:
    return ", ".join(f"{k} ({v})" if matching_key(v) != k else k for k, v in sorted(d.items()))


def _months(d: dict) -> str:
    return ", ".join(f"{v} ({cal} {m})" for (cal, m), v in sorted(d.items()))


def _months_compatible(a: dict, b: dict) -> bool:
    for ma in a:
        for mb in b:
            if ma == mb:
                return True
            ga, gb = _gregorian_months(ma), _gregorian_months(mb)
            if ga is None or gb is None:
                if ma[0] != mb[0]:
                    return True  # Hijri vs another calendar: cannot tell without the year
                continue
            if ga & gb:
                return True
    return False
