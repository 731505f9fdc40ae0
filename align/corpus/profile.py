"""What an article states that tells one event from another: its people, places, days and numbers.

Two articles about two meetings of one minister share a topic and many phrasings; what tells
them apart is what a reader checks: who met whom (Shoukry or Araghchi), where (Cairo or
Tehran), on which day, with which figures. An article's :class:`Profile` holds those facts,
found by the extractors the disagreement flags use: ``align.evidence.anchors`` (numbers,
places of the ``align.flags`` gazetteer, name skeletons comparable across scripts),
``align.flags.facts`` (weekdays) and ``align.flags.known_people`` with the claims' speakers
(people). :func:`compare` turns two profiles into the evidence features of the pair, which
depend on the two articles alone:

- ``names_shared``: how much of what one article names and counts (people, places, other
  capitalised names, figures; each weighted by log(1 + the number of its claims stating it),
  the title and the first three claims counting twice, a country half: every article of an
  Iranian outlet names Iran) the other states too; the larger of the two shares (a short report
  of an event names a part of what a long one does);
- ``names_missing``: the share of an article's three most stated names that the other never
  mentions, the smaller of the two directions: both articles have central people or places
  the other lacks (Araghchi in Kabul, Shoukry in Cairo);
- ``day_conflict``: 1.0 when both articles name weekdays (in their first claims) and no two of
  them are within a day of each other (outlets in different time zones, or reporting the next
  morning, differ by one day).

Names are compared by their consonant skeletons (``align.speakers.name_key``), coarsened so that
transliterations agree (Araghchi, عراقچی, عراقجي). In Latin script a name is a capitalised word;
Arabic script has no capitals, so a Persian or Arabic article's names are its people (speakers
and ``known_people``), its gazetteer places and the word after a place noun (شهر, روستای,
استان, مدينة, قرية, محافظة …: "the city of Rask"), and every word of it can match a partner's
name.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..evidence import anchors
from ..flags import facts, known_people
from ..flags.places import gazetteer
from ..speakers import name_key
from ..text import word_key, words

EVIDENCE = ("names_shared", "names_missing", "day_conflict")
CENTRAL = 3  # most stated names of an article: its central ones
LEAD = 4  # the title and the first claims, whose names count twice
DAY_CLAIMS = 8  # claims whose weekdays count (later ones tell the background of the story)
_COARSE = str.maketrans({"G": "k", "g": "k", "q": "k", "C": "j", "Z": "z", "X": "h", "S": "s"})
_LATIN = re.compile(r"[A-Za-z]")
_YEAR = re.compile(r"^(19[5-9]\d|20\d\d|13[5-9]\d|14\d\d)$")
_SMALL = {"n:0", "n:1", "n:2"}
#: Persian and Arabic nouns after which a place name follows (city, county, village, province, region, port, island).
PLACE_NOUNS = frozenset(word_key(w) for w in ("شهر", "شهرستان", "روستای", "روستا", "استان", "بندر", "جزیره", "مدينة", "بلدة",
                                              "قرية", "محافظة", "منطقة", "ولاية", "ولایت", "جزيرة"))


def coarse(skeleton: str) -> str:
    """A name skeleton with the letters transliterations confuse merged (gh/q/k/g, ch/j, kh/h, sh/s, zh/z)."""
    return skeleton.translate(_COARSE)


def _anchor(a: str) -> str:
    return "s:" + coarse(a[2:]) if a.startswith("s:") else a


@dataclass(frozen=True)
class Profile:
    """The checkable facts of one article.

    Parameters
    ----------
    names : dict
        Name or figure (``"s:<coarse skeleton>"``, ``"p:<place>"``, ``"n:<number>"``) -> its
        weight: the claims stating it, the title and lead counting twice (years are left out).
    words : frozenset
        Every anchor the article states (in Arabic script the skeleton of every word), where a
        partner's names are looked for.
    central : tuple of str
        Its ``CENTRAL`` most stated people and places.
    weekdays : frozenset of int
        Weekdays (0 = Monday) its first ``DAY_CLAIMS`` claims name.
    """

    names: dict[str, int]
    words: frozenset[str]
    central: tuple[str, ...]
    weekdays: frozenset[int]

    def to_dict(self) -> dict:
        """Plain JSON values (a partition stores them)."""
        return {"names": self.names, "words": sorted(self.words), "central": list(self.central),
                "weekdays": sorted(self.weekdays)}

    @classmethod
    def from_dict(cls, d: dict) -> Profile:
        """The profile of :meth:`to_dict`'s form."""
        return cls(dict(d["names"]), frozenset(d["words"]), tuple(d["central"]), frozenset(d["weekdays"]))


def profile(texts: Sequence[str], speakers: Iterable[str | None] = ()) -> Profile:
    """The profile of an article from its title and claims (``texts``, in order; the title first
    when there is one) and its claims' speakers.
    """
    speakers = [s for s in speakers if s]
    people = {k for k in ("s:" + coarse(name_key(s)) for s in speakers) if len(k) > 4}
    people |= {"s:" + coarse(k) for k in known_people(list(texts), speakers)}
    names: Counter[str] = Counter()
    stated: set[str] = set(people)
    weekdays: set[int] = set()
    for n, text in enumerate(texts):
        found = {_anchor(a) for a in anchors(text)}
        latin = bool(_LATIN.search(text))
        if not latin:
            places = _named_places(text)
            people |= places
            found |= places
        stated |= found
        for a in found:
            if a.startswith("n:"):
                if not _YEAR.match(a[2:]) and a not in _SMALL:
                    names[a] += 2 if n < LEAD else 1
            elif a.startswith("p:") or a in people or (latin and a.startswith("s:")):
                names[a] += 2 if n < LEAD else 1
        if n < DAY_CLAIMS:
            weekdays.update(facts(text).weekdays)
    ranked = sorted((kv for kv in names.items() if not kv[0].startswith("n:")), key=lambda kv: (-kv[1], kv[0]))
    return Profile(dict(names), frozenset(stated), tuple(k for k, _ in ranked[:CENTRAL]), frozenset(weekdays))


def _named_places(text: str) -> set[str]:
    """The skeletons of the words after a place noun (``PLACE_NOUNS``, with a proclitic و or ب)."""
    ws = words(text)
    out = set()
    for k, w in enumerate(ws[:-1]):
        key = word_key(w)
        if key in PLACE_NOUNS or key.lstrip("وب") in PLACE_NOUNS:
            sk = "s:" + coarse(name_key(ws[k + 1]))
            if len(sk) > 4:
                out.add(sk)
    return out


@functools.cache
def _countries() -> frozenset[str]:
    """The anchors of countries ("p:Iran"): half the weight of a city, a province or a person,
    which tell one event from another; every article of an Iranian outlet names Iran.
    """
    names, _ = gazetteer()
    return frozenset("p:" + p.name for p in names.values() if not p.is_city and p.country == p.name)


def _share(mine: Profile, other: Profile) -> float:
    """The weighted share of ``mine``'s names that ``other`` states (a country counts half)."""
    total = found = 0.0
    countries = _countries()
    for a, n in mine.names.items():
        w = math.log1p(n) * (0.5 if a in countries else 1.0)
        total += w
        if a in other.words:
            found += w
    return found / total if total else 0.0


def _missing(mine: Profile, other: Profile) -> float | None:
    """The share of ``mine``'s central names ``other`` never mentions (None: it has none)."""
    if not mine.central:
        return None
    return sum(1 for a in mine.central if a not in other.words) / len(mine.central)


def compare(a: Profile, b: Profile) -> dict[str, float]:
    """The evidence features of two articles' profiles (see the module docstring)."""
    missing = [m for m in (_missing(a, b), _missing(b, a)) if m is not None]
    days = bool(a.weekdays and b.weekdays) and not any((x - y) % 7 in (0, 1, 6) for x in a.weekdays for y in b.weekdays)
    return {"names_shared": max(_share(a, b), _share(b, a)), "names_missing": min(missing) if missing else 0.5,
            "day_conflict": float(days)}
