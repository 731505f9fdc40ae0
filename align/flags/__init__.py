"""Disagreement flags: where two matched claims differ in checkable facts.

For a matched pair, compares what both texts state (Persian, Arabic, English) and returns typed
flags (:class:`~align.flags.flag.Flag`: a readable text with ``kind``, ``severity``, ``a``,
``b``). Two severities matter to a reader:

- **conflict**: both sides state the fact and the values differ —
  a weekday (``day: Sunday (یکشنبه) vs Wednesday (الأربعاء)``), a relative day
  (yesterday / today), a date, month or year (``date: 30 May vs 31 May (31 أيار)``; "30 May" and
  "Thursday 30 May 2024" agree, Solar Hijri and Hijri dates are compared with Gregorian ones
  where both are dated), a time (14:45 vs 14:50), a number or a number of people (``number of
  people: 95 (۹۵) vs 103``; numbers in words and digits of any script; "more than 100", "about
  100", "hundreds", ranges agree with the values they allow), a different person or place in
  the same place of the claim (neither named anywhere in the other article);
- **only in one side**: a number, person or place that one side mentions and the other does
  not (``person only in B: حمد الله محب``). A place counts as mentioned when the other
  *article* mentions it anywhere (by name or adjective: ایرانی، الإيراني، Iranian = Iran), or
  names its country in the claim: flag only what the pair's claims disagree on.

A third, ``note``, is for remarks such as ``duplicate of b#1`` (:func:`~align.flags.flag.note`).
Rule-based and deliberately conservative; a date, day or month that one side leaves out is not
flagged (one article gives the date, the other does not: no disagreement).

The modules: :mod:`.flag` (the type), :mod:`.quantities` (numbers, dates, times),
:mod:`.places` (countries and cities, from CLDR), :mod:`.people` (names), :mod:`.lexicon`
(word lists; the anchors' gazetteer that ``align.evidence`` reads).
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..text import matching_key, word_key, words
from . import people as _people
from .flag import KINDS, SEVERITIES, Flag, conflicts, from_record, note, ordered, parse
from .lexicon import (
    PLACES,
    RELATIVE_FORMS,
    WEEKDAY_FORMS,
    WEEKDAYS,
    by_first,
    find,
    phrases,
)
from .places import is_adjective, places_in, without_dateline
from .quantities import (
    DateMention,
    Quantity,
    date_conflict_kind,
    dates_compatible,
    intervals_meet,
    numbers,
    units_match,
)

__all__ = [
    "KINDS", "SEVERITIES", "Flag", "Facts", "PLACES", "conflicts", "disagreements", "facts", "from_record",
    "known_people", "note", "ordered", "parse", "people_in",
]

_WEEKDAY_PHRASES = by_first(phrases(WEEKDAY_FORMS))
_RELATIVE_PHRASES = by_first(phrases(RELATIVE_FORMS))


@dataclass(frozen=True)
class Facts:
    """What a text states that can disagree with another version, each with the surface form
    it was found as: ``quantities``, ``dates``, ``times`` (see :mod:`.quantities`), ``weekdays``
    (index -> text), ``relative`` ("yesterday" … -> text), ``months`` ((calendar, number) -> text,
    from the dates), ``places`` (canonical -> text).
    """

    quantities: tuple[Quantity, ...]
    dates: tuple[DateMention, ...]
    times: tuple[tuple[int, int, str], ...]
    weekdays: dict
    relative: dict
    months: dict
    places: dict

    @property
    def numbers(self) -> frozenset:
        """The values of the firm single-valued quantities, as text ("15", "3.5")."""
        return frozenset(_value(q) for q in self.quantities if q.firm and q.value is not None and q.low == q.high)


def _value(q: Quantity) -> str:
    v = q.value
    return str(int(v)) if v == int(v) else f"{v:g}"


@functools.lru_cache(maxsize=4096)
def facts(text: str) -> Facts:
    """The checkable facts of ``text`` (Persian, Arabic or English), see :class:`Facts`.

    Cached per text (a sentence is compared with several others); treat the result as read-only.
    """
    toks = [word_key(w) for w in words(text)]
    weekdays = {v: _surface(text, (s, e)) for s, e, v in find(toks, _WEEKDAY_PHRASES, strip=True)}
    relative = {v: _surface(text, (s, e)) for s, e, v in find(toks, _RELATIVE_PHRASES, strip=True)}
    nums = numbers(text)
    months = {(d.calendar, d.month): d.text for d in nums.dates if d.month}
    places = {name: surface for name, (_, surface) in places_in(text).items()}
    return Facts(nums.quantities, nums.dates, nums.times, weekdays, relative, months, places)


def _surface(text: str, span: tuple[int, int]) -> str:
    ws = words(text)
    return " ".join(ws[span[0] : span[1]])


# -- people (the names an article pair uses) -------------------------------------------------------

def known_people(texts: Iterable[str], speakers: Iterable[str]) -> dict[str, str]:
    """Key -> display name (as written) of the people the articles name (see :mod:`.people`)."""
    return _people.known_people(texts, speakers)


def people_in(text: str, people: Mapping[str, str]) -> dict[str, str]:
    """The known people ``text`` names, key -> the name as ``text`` writes it."""
    return _people.mentioned(text, people)


# -- the comparison ----------------------------------------------------------------------------------

def disagreements(
    a_text: str, b_text: str, people: Mapping[str, str] | None = None,
    speakers_a: Iterable[str] = frozenset(), speakers_b: Iterable[str] = frozenset(),
    *, context_a: str | None = None, context_b: str | None = None,
) -> list[Flag]:
    """The flags of a pair of texts, conflicts first (see the module docstring).

    Parameters
    ----------
    a_text, b_text : str
        The two sides of the pair.
    people : mapping, optional
        Key -> name of the people the two articles name (:func:`known_people`).
    speakers_a, speakers_b : iterable of str
        The names of the people each side is attributed to (present even when the text says
        only "he"): they keep a name the other side writes from being "only in" that side (in
        an English side, only when it says "he", "she" or "they"), never flag a name by
        themselves.
    context_a, context_b : str, optional
        The whole articles: a place or person the other article names anywhere is not "only in"
        one side, nor a conflict (default: the texts themselves).
    """
    ctx_a = a_text if context_a is None else context_a
    ctx_b = b_text if context_b is None else context_b
    fa, fb = facts(a_text), facts(b_text)
    out: list[Flag] = []
    out += _days(fa, fb, a_text, b_text)
    out += _dates(fa, fb)
    out += _times(fa, fb)
    out += _quantities(fa, fb)
    if _past(a_text) != _past(b_text):
        # one side tells of an earlier event ("last week", «هفته گذشته», «الشهر الماضي»): its
        # figures are not the other side's (a date says which event it is, and stays)
        out = [f for f in out if not (f.is_conflict and f.kind in ("number", "count", "day", "relative day", "time"))]
    if people:
        out += _persons(a_text, b_text, people, speakers_a, speakers_b, ctx_a, ctx_b)
    out += _places(a_text, b_text, ctx_a, ctx_b)
    return list(ordered(out))


_PAST = re.compile("|".join(matching_key(x) for x in (
    r"\blast (?:week|month|year)\b", r"\bearlier this (?:week|month|year)\b", r"\bprevious(?:ly)?\b", r"\bago\b",
    "هفته گذشته", "ماه گذشته", "سال گذشته", "هفته پیش", "ماه پیش", "سال پیش", "سال قبل", "ماه قبل", "هفته قبل",
    "الأسبوع الماضي", "الشهر الماضي", "العام الماضي", "السنة الماضية", "في وقت سابق", "في وقت سابق من",
    r"قبل [^ ]+ (?:سنوات|أعوام|أشهر|أسابيع|أيام|عقود)", r"منذ [^ ]+ (?:سنوات|أعوام|عاما|أشهر|أسابيع|أيام|عقود)", "قبل عقود",
    "قبل عام", "قبل شهر", "قبل أسبوع", "دهه قبل", "دهه پیش",
    "الشهر السابق", "للشهر السابق", "الأسبوع السابق", "للأسبوع السابق", "العام السابق", "للعام السابق",
    "السنة السابقة", "للسنة السابقة",
)))
_SINCE = {matching_key(f) for f in ("since", "منذ", "از روز")}


def _past(text: str) -> bool:
    """Does ``text`` tell of an earlier event (last week, «هفته گذشته», «الشهر الماضي»)?"""
    return bool(_PAST.search(matching_key(text)))


def _days(fa: Facts, fb: Facts, a_text: str, b_text: str) -> list[Flag]:
    out = []
    only_a = {k: v for k, v in fa.weekdays.items() if k not in fb.weekdays}
    only_b = {k: v for k, v in fb.weekdays.items() if k not in fa.weekdays}
    if only_a and only_b and not _after_since(a_text, fa.weekdays) and not _after_since(b_text, fb.weekdays):
        out.append(Flag("day", "conflict", _weekdays(only_a), _weekdays(only_b)))
    if fa.relative and fb.relative and not set(fa.relative) & set(fb.relative):
        out.append(Flag("relative day", "conflict", _named(fa.relative), _named(fb.relative)))
    return out


def _after_since(text: str, days: dict) -> bool:
    """Is a weekday of ``text`` the start of a span ("since Monday", «از روز دوشنبه»)?"""
    ws = [matching_key(w) for w in words(text)]
    for surface in days.values():
        first = matching_key(words(surface)[0]) if words(surface) else ""
        for i, w in enumerate(ws):
            if w == first or w.endswith(first):
                before = ws[max(0, i - 2) : i]
                if before and (before[-1] in _SINCE or " ".join(before) in _SINCE):
                    return True
    return False


def _weekdays(d: dict) -> str:
    return ", ".join(f"{WEEKDAYS[k]} ({v})" if matching_key(v) != WEEKDAYS[k].lower() else WEEKDAYS[k] for k, v in sorted(d.items()))


def _named(d: dict) -> str:
    return ", ".join(f"{k} ({v})" if matching_key(v) != k else k for k, v in sorted(d.items()))


def _dates(fa: Facts, fb: Facts) -> list[Flag]:
    left_a = [x for x in fa.dates if not any(dates_compatible(x, y) for y in fb.dates)]
    left_b = [y for y in fb.dates if not any(dates_compatible(x, y) for x in fa.dates)]
    out, used = [], set()
    for x in left_a:
        for j, y in enumerate(left_b):
            if j in used or not _comparable(x, y):
                continue
            used.add(j)
            out.append(Flag(date_conflict_kind(x, y), "conflict", x.shown(), y.shown()))
            break
    return out


def _comparable(x: DateMention, y: DateMention) -> bool:
    if x.year is not None and y.year is not None:
        return True
    if x.month is not None and y.month is not None:
        return "hijri" not in (x.calendar, y.calendar) or x.calendar == y.calendar
    return False


def _times(fa: Facts, fb: Facts) -> list[Flag]:
    # hours compared on a 12-hour clock: «ساعت ۹ و ۴۴ دقیقه شب» = 9.44 pm = 21:44
    ta, tb = {(h % 12, m): s for h, m, s in fa.times}, {(h % 12, m): s for h, m, s in fb.times}
    if ta and tb and not set(ta) & set(tb):
        return [Flag("time", "conflict", ", ".join(ta.values()), ", ".join(tb.values()))]
    return []


def _quantities(fa: Facts, fb: Facts) -> list[Flag]:
    qa, qb = list(fa.quantities), list(fb.quantities)
    done_a: set[int] = set()
    done_b: set[int] = set()
    # pairs that can be one number, the same kind of thing first, then the closest values
    cands = [(_gap(x, y) > 1e-6, _gap(x, y), not units_match(x, y), i, j) for i, x in enumerate(qa) for j, y in enumerate(qb)
             if intervals_meet(x, y) and (units_match(x, y) or not x.unit or not y.unit or _gap(x, y) < 1e-6)]
    for _, _, _, i, j in sorted(cands):
        if i not in done_a and j not in done_b:
            done_a.add(i)
            done_b.add(j)
    left_a = [x for i, x in enumerate(qa) if i not in done_a]
    left_b = [y for j, y in enumerate(qb) if j not in done_b]
    out: list[Flag] = []
    # a conflict: the same kind of thing counted (killed vs killed), or as many numbers left on
    # each side (in order) of a like size; at least one of the two written in digits
    pairs: list[tuple[Quantity, Quantity]] = []
    for x in list(left_a):
        if not x.unit:
            continue
        y = next((y for y in left_b if y.unit and units_match(x, y) and _conflictable(x, y, 20.0)), None)
        if y is not None:
            pairs.append((x, y))
            left_a.remove(x)
            left_b.remove(y)
    firm_a = [x for x in left_a if x.firm]
    firm_b = [y for y in left_b if y.firm]
    if firm_a and len(firm_a) == len(firm_b) and all(
            (not x.unit or not y.unit or units_match(x, y)) and (x.digits and y.digits or x.unit == y.unit != "")
            and _conflictable(x, y, 5.0) for x, y in zip(firm_a, firm_b, strict=True)):
        pairs += list(zip(firm_a, firm_b, strict=True))
        firm_a, firm_b = [], []
    for x, y in pairs:
        kind = "count" if "count" in (x.kind, y.kind) else "number"
        out.append(Flag(kind, "conflict", x.shown(), y.shown()))
    # a number one side alone gives: in digits (a written-out "two" is too often "the two sides")
    firm_a = [x for x in firm_a if x.digits]
    firm_b = [y for y in firm_b if y.digits]
    for side, mine in (("a", firm_a), ("b", firm_b)):
        for kind in ("count", "number"):
            vals = [q.shown() for q in mine if q.kind == kind]
            if vals:
                text = ", ".join(vals)
                out.append(Flag(kind, f"only_{side}", text if side == "a" else "", text if side == "b" else ""))
    return out


def _gap(x: Quantity, y: Quantity) -> float:
    """How far apart two numbers' nearest ends are, relative to their size."""
    a = x.low if x.high == math.inf else (x.low + x.high) / 2
    b = y.low if y.high == math.inf else (y.low + y.high) / 2
    return abs(a - b) / max(abs(a), abs(b), 1e-9)


def _conflictable(x: Quantity, y: Quantity, ratio: float) -> bool:
    """Could ``x`` and ``y`` be two reports of one figure: one in digits (or both counting the
    same thing in words), both firm or one a vague amount of a specific count, of a like size?
    """
    if not (x.digits or y.digits or (x.unit and x.unit == y.unit)):
        return False
    if any(not q.firm and q.low == q.high for q in (x, y)):
        return False  # «واحد» "unit", «یک» "a": a lone word that may be no number
    if not (x.firm and y.firm) and not (x.unit in ("dead", "injured") and x.unit == y.unit):
        return False
    a = max(abs(x.low), 1e-9) if x.high == math.inf else max((abs(x.low) + abs(x.high)) / 2, 1e-9)
    b = max(abs(y.low), 1e-9) if y.high == math.inf else max((abs(y.low) + abs(y.high)) / 2, 1e-9)
    return max(a, b) / min(a, b) <= ratio


_LATIN_TEXT = re.compile(r"^[^\u0600-\u06ff]*[A-Za-z][^\u0600-\u06ff]*$")
_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|they|their|them)\b", re.IGNORECASE)


def _persons(a_text: str, b_text: str, people: Mapping[str, str], speakers_a: Iterable[str], speakers_b: Iterable[str],
             ctx_a: str, ctx_b: str) -> list[Flag]:
    pa = _people.mentioned(a_text, people)
    pb = _people.mentioned(b_text, people)
    # a side's speaker stands for a name the other side writes ("he said" = «نوگروهو گفت»), but
    # a name neither text writes is no disagreement
    heard_a, heard_b = dict(pa), dict(pb)
    for mine, speakers, text in ((heard_a, speakers_a, a_text), (heard_b, speakers_b, b_text)):
        if _LATIN_TEXT.search(text) and not _PRONOUN.search(text):
            continue  # an English sentence names its speaker or says "he": "the coach said" is no name
        for name in speakers:
            name = _people.clean_name(name) if name else ""
            k = _people.find_key(name, people) if name else None
            if k and k not in mine and not any(_people.same_key(k, other) for other in mine):
                mine[k] = _people.cut_at_surname(name, k)
    only_a = {k: v for k, v in pa.items() if not any(_people.same_key(k, o) for o in heard_b)}
    only_b = {k: v for k, v in pb.items() if not any(_people.same_key(k, o) for o in heard_a)}
    out = []
    if only_a and only_b:
        away_a = set(only_a) - _people.names_anywhere(ctx_b, only_a)
        away_b = set(only_b) - _people.names_anywhere(ctx_a, only_b)
        if away_a == set(only_a) and away_b == set(only_b):
            return [Flag("person", "conflict", ", ".join(only_a[k] for k in sorted(only_a)),
                         ", ".join(only_b[k] for k in sorted(only_b)))]
    if only_a:
        out.append(Flag("person", "only_a", ", ".join(only_a[k] for k in sorted(only_a))))
    if only_b:
        out.append(Flag("person", "only_b", b=", ".join(only_b[k] for k in sorted(only_b))))
    return out



def _places(a_text: str, b_text: str, ctx_a: str, ctx_b: str) -> list[Flag]:
    pa, pb = places_in(without_dateline(a_text)), places_in(without_dateline(b_text))
    anywhere_a = set(places_in(ctx_a)) | set(pa)
    anywhere_b = set(places_in(ctx_b)) | set(pb)

    def covered(place, other_claim: dict, other_article: set) -> bool:
        return place.name in other_article or (place.is_city and place.country in other_claim) or (
            not place.is_city and any(p.is_city and p.country == place.name for p, _ in other_claim.values()))

    only_a = {n: v for n, v in pa.items() if not covered(v[0], pb, anywhere_b)}
    only_b = {n: v for n, v in pb.items() if not covered(v[0], pa, anywhere_a)}
    out = []
    for x in sorted(only_a):
        px = only_a[x][0]
        # a conflict is two names of where it happened (Tehran vs Kabul), never an adjective
        # ("an Israeli strike" says whose, not where)
        y = None if is_adjective(only_a[x][1]) else next(
            (y for y in sorted(only_b) if only_b[y][0].is_city == px.is_city and px.name not in anywhere_b
             and y not in anywhere_a and not is_adjective(only_b[y][1])), None)
        if y is not None:
            out.append(Flag("place", "conflict", _place_shown(x, only_a[x][1]), _place_shown(y, only_b[y][1])))
            del only_b[y]
            only_a[x] = None
    rest_a = [_place_shown(n, v[1]) for n, v in sorted(only_a.items()) if v is not None]
    rest_b = [_place_shown(n, v[1]) for n, v in sorted(only_b.items())]
    if rest_a:
        out.append(Flag("place", "only_a", ", ".join(rest_a)))
    if rest_b:
        out.append(Flag("place", "only_b", b=", ".join(rest_b)))
    return out


def _place_shown(name: str, surface: str) -> str:
    return f"{name} ({surface})" if matching_key(surface) != matching_key(name) else name
