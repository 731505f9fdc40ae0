"""Who said it: speaker attribution for Persian, Arabic and English news sentences.

No named-entity recogniser for fa/ar works offline, so this is rule-based, on the patterns of
news reporting:

- a reporting verb (fa: گفت، اظهار داشت، افزود، خاطرنشان کرد، تاکید کرد …; ar: أكد، قال، شدد،
  أوضح، أضاف، لفت، صرّح، دعا …; en: said, told, added …) marks a sentence as someone's statement;
- its subject is the speaker: Persian puts it first (``علی شمخانی با اشاره به … گفت``), Arabic
  after the verb (``وشدد شمخاني على …``, ``من جهته، صرّح وزير … تشين ونغ تشاينا، أنّ``),
  English around it (``Shamkhani said``, ``said Shamkhani``);
- a pronoun (وی، او، he, she) or a subject-less verb (وأضاف، كما تطرق) carries the last named
  speaker; a sentence without a reporting verb is narration and has no speaker;
- a title (دبیر شورای عالی امنیت ملی، وزير الأمن القومي الصيني) resolves to the person the
  article names beside that title elsewhere (``… علی شمخانی نماینده … و دبیر شورای عالی …``).

Each speaker has a display name, as written in the article, and a canonical key: a consonant
skeleton of the surname that is the same in Persian, Arabic and Latin spellings
(شمخانی = شمخاني = Shamkhani -> "SmXn"; باتروشيف = Patrushev -> "btrSf").
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .text import matching_key
from .text import words as _words
from .types import Document, Segment

# -- lexicons (matched on the matching key: ی/ي, ک/ك, hamza forms and diacritics unified) ------

FA_VERBS = [
    "اظهار داشت", "اظهار کرد", "خاطرنشان کرد", "خاطر نشان کرد", "تاکید کرد", "تصریح کرد",
    "اعلام کرد", "عنوان کرد", "بیان کرد", "یادآور شد", "یادآوری کرد", "گفت", "افزود",
    "ابراز داشت", "اشاره کرد", "مورد تاکید قرار داد", "هشدار داد", "تاکید دارد",
]
AR_VERBS = [
    "اکد", "قال", "شدد", "اوضح", "اضاف", "صرح", "لفت", "دعا", "اشار", "تطرق", "وصف", "طالب",
    "اعتبر", "راى", "نوه", "اعلن", "حذر", "اعرب", "بین", "ذکر", "تابع", "ختم", "یوکد", "یقول",
]
EN_VERBS = ["said", "says", "told", "added", "expressed", "stressed", "noted", "stated", "warned", "declared", "emphasised", "emphasized", "announced", "urged", "called"]

_FA_PRONOUNS = {"وی", "او", "ایشان"}
_EN_PRONOUNS = {"he", "she", "they", "it"}
_PRONOUNS = _FA_PRONOUNS | _EN_PRONOUNS
RANKS = {
    # fa ranks and honorifics
    "امیر", "دریابان", "دریادار", "سپهبد", "سرلشکر", "سردار", "سرتیپ", "ارتشبد", "دکتر", "آقای", "اقای", "خانم", "حجت‌الاسلام", "آیت‌الله",
    # ar
    "السید", "الدکتور", "الفریق", "اللواء", "العمید", "الشیخ", "الامیرال", "المهندس",
    # en
    "mr", "mrs", "ms", "dr", "admiral", "general", "gen", "rear", "lt", "lieutenant", "colonel", "sir",
}
TITLE_HEADS = {
    "وزیر", "دبیر", "نماینده", "رئیس", "رییس", "سخنگوی", "معاون", "مشاور", "سفیر", "فرمانده", "مدیر",
    "امین", "مستشار", "نظیره", "المتحدث", "قائد", "نائب", "الامین",
    "minister", "secretary", "president", "adviser", "advisor", "spokesman", "spokeswoman",
    "spokesperson", "ambassador", "chief", "head", "counterpart", "commander", "deputy",
}
_STOPS_FA = {"با", "در", "نیز", "ضمن", "طی", "که", "پس", "امروز", "دیروز", "روز", "به", "هم", "همچنین", "سپس", "همچنان", "ضمنا", "بار", "دیگر", "درباره", "درخصوص", "پیرامون", "از", "برای", "را", "طبق"}
_STOPS_AR = {"خلال", "علی", "ان", "انه", "بان", "الی", "فی", "لدی", "عن", "من", "مع", "امام", "حول", "الیوم", "امس", "مساء", "صباح"}
_LEAD_AR = re.compile(r"^(و?(?:ف[يی]|من|ب)[^،,]{0,40}[،,]\s*)")  # "وفي سياق متصل، " / "من جهته، " / "بدوره، "


@dataclass(frozen=True)
class Speaker:
    """A speaker: ``name`` as written in the article, ``key`` the canonical cross-script key."""

    name: str
    key: str


# -- canonical keys ---------------------------------------------------------------------------

_AR_SKELETON = str.maketrans({
    "ش": "S", "خ": "X", "چ": "C", "ژ": "Z", "غ": "G", "ث": "s", "ذ": "z", "ص": "s", "س": "s",
    "ز": "z", "ض": "z", "ظ": "z", "ت": "t", "ط": "t", "د": "d", "ر": "r", "ل": "l", "م": "m",
    "ن": "n", "ب": "b", "پ": "b", "ف": "f", "ق": "k", "ک": "k", "گ": "g", "ج": "j", "ح": "h",
    "ه": "h", "ا": "", "و": "", "ی": "", "ع": "", "ء": "", "ة": "", "آ": "", "ى": "",
})
_LATIN_DIGRAPHS = [("sh", "S"), ("kh", "X"), ("ch", "C"), ("zh", "Z"), ("gh", "G"), ("th", "s"), ("dh", "z"), ("ph", "f")]
_LATIN_SKELETON = str.maketrans({"p": "b", "v": "f", "w": "", "q": "k", "c": "k", "x": "ks", "a": "", "e": "", "i": "", "o": "", "u": "", "y": ""})


@functools.lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Consonant skeleton of the last word of a name, comparable across Arabic/Persian/Latin script."""
    words = [w for w in re.findall(r"\w+", matching_key(name)) if w not in RANKS]
    if not words:
        return ""
    w = words[-1]
    if re.search(r"[a-z]", w):
        for a, b in _LATIN_DIGRAPHS:
            w = w.replace(a, b)
        w = w.translate(_LATIN_SKELETON)
    else:
        w = w.translate(_AR_SKELETON)
    w = re.sub(r"(.)\1+", r"\1", w)  # doubled letters (shadda, "mm") count once
    return w


# -- mention extraction -----------------------------------------------------------------------

def _strip_ranks(words: list[str]) -> list[str]:
    out = list(words)
    while out and matching_key(out[0]) in RANKS:
        out = out[1:]
    return out


def _is_title(words: list[str]) -> bool:
    return bool(words) and matching_key(words[0]) in TITLE_HEADS


# keyed once: a reporting verb anywhere in the sentence, and the first word of each verb
_FA_VERB_RE = re.compile(r"(^|\s)(" + "|".join(re.escape(matching_key(v)) for v in FA_VERBS) + r")(\s|$|[:.،])")
_FA_VERB_FIRST = {matching_key(v).split()[0] for v in FA_VERBS}


def _persian_mention(sentence: str) -> str | None:
    """The subject of a Persian sentence with a reporting verb ("" if none), else None."""
    if not _FA_VERB_RE.search(matching_key(sentence)):
        return None
    subject = []
    for w in _words(sentence):
        k = matching_key(w)
        if k in _STOPS_FA or k in _FA_VERB_FIRST:
            break
        subject.append(w)
        if len(subject) >= 8:
            break
    return " ".join(subject)


def _arabic_mention(sentence: str) -> str | None:
    text = sentence.strip()
    m = re.match(r"^([^:]{2,40}?)(?:\s+من\s+\S+)?\s*:", text)
    if m and len(_words(m.group(1))) <= 4 and not any(matching_key(w) in AR_VERBS for w in _words(m.group(1))):
        return m.group(1).strip()  # headline "شمخاني من كابول: ..."
    lead = _LEAD_AR.match(text)
    rest = text[lead.end():] if lead else text
    words = _words(rest)
    if not words:
        return None
    i = 0
    first = matching_key(words[0])
    if first in ("کان", "وکان") and len(words) > 2:  # "وكان شمخاني دعا ..."
        for j in range(1, min(5, len(words))):
            if _ar_verb(words[j]):
                return " ".join(words[1:j])
        return None
    if first in ("کما",) and len(words) > 1:
        i = 1
    if not _ar_verb(words[i]):
        return None
    subject = []
    for w in words[i + 1 :]:
        k = matching_key(w)
        if k == "علی" and w.endswith("ي"):
            pass  # the name Ali (علي), not the preposition على: the key unifies ي and ى
        elif k in _STOPS_AR or k in ("ان", "انه", "بان"):
            break
        subject.append(w)
        if len(subject) >= 10:
            break
    # the subject ends at the first comma after the verb, if there is one
    after = rest[rest.find(words[i]) + len(words[i]) :]
    comma = re.search(r"[،,]", after)
    if comma:
        subject = subject[: len(_words(after[: comma.start()]))]
    # A named subject is a title ("أمين المجلس ...") or a short name ("شمخاني"); anything else
    # after the verb is its object ("ووصف ضرب الاجماع ..."): a subject-less verb.
    if subject and not (_is_title(subject) or (len(subject) <= 4 and not matching_key(subject[0]).startswith("ال"))):
        subject = []
    return " ".join(subject)


def _ar_verb(word: str) -> bool:
    k = matching_key(word)
    return any(k.startswith(prefix) and k[len(prefix):] in AR_VERBS for prefix in ("و", "ف", ""))


# A capitalised word taken whole (``(?=(X))\2``: an atomic X, what ``X++`` is from Python 3.11 on).
# With ``(?:[A-Z][\w'-]+\s?){1,4}`` the engine cut a long capitalised word at every capital, every
# way, before giving up (~L**4 steps: 80 capitals in one word took 9 s, a segment of 1,500 hours);
# taken whole, a word matches the same names (a cut only adds pieces), in steps linear in it.
_EN_HEADLINE = re.compile(r"^((?:(?=([A-Z][\w'-]+))\2\s?){1,4}):\s")  # "Shamkhani: any move ..."
_EN_APPOSITIVE = re.compile(r"((?:(?=([A-Z][\w'-]+))\2\s?){1,4}),\s*(?:the\s+)?[a-z][^,]*$")
_EN_PRONOUN_END = re.compile(r"\b(he|she|they|it)$", re.IGNORECASE)
_EN_INVERTED = re.compile(r"\s+((?:the\s+)?[\w'-]+(?:\s+[\w'-]+){0,4})\s*[.;]?\s*$")
_EN_AUXILIARY_END = re.compile(r"(?:\s+(?:has|have|had|was|were|is|are|will|would|also|later|then|earlier|previously))+$")
_EN_NOT_A_SUBJECT = re.compile(r"(?:though|although|while|as|but|and|which|when|after|before|if|because|since|where|who|that|later|then)\b")
_EN_NAME_BEFORE = re.compile(r"((?:(?:(?=([A-Z][\w'-]+))\2|al-\w+|bin|de|van)\s?){1,5})$")


def _english_mention(sentence: str) -> str | None:
    headline = _EN_HEADLINE.match(sentence)
    if headline:
        return headline.group(1).strip()
    according = re.search(r"\b[Aa]ccording to ((?:[A-Z][\w'-]+\s?){1,4})", sentence)
    if according:
        return according.group(1).strip()
    m = re.search(r"\b(" + "|".join(EN_VERBS) + r")\b", sentence)
    if not m:
        return None
    before = sentence[: m.start()].rstrip(" ,")
    after = sentence[m.end():]
    if sentence[: m.start()].rstrip().endswith(","):
        # "Ali Shamkhani, secretary of Iran's Supreme National Security Council, said ...": the
        # name before a lower-case appositive, not the capitalised words inside it
        appositive = _EN_APPOSITIVE.search(before)
        if appositive:
            return appositive.group(1).strip()
        inverted = _EN_INVERTED.match(after)
        if inverted:  # "... panic in Herat, said resident Naseema."
            return inverted.group(1).strip()
    else:
        # "..., on Saturday, authorities said": the subject is the phrase after the last comma,
        # not the word before that comma ("Saturday"); a lower-case subject names no one
        last = _EN_AUXILIARY_END.sub("", before.rsplit(",", 1)[-1].strip())
        if "," in before and last[:1].islower() and not _EN_PRONOUN_END.search(last):
            if _EN_NOT_A_SUBJECT.match(last) or len(last.split()) > 6:
                return None  # "..., though no specific date was announced": no one speaks
            return last
    cap = _EN_NAME_BEFORE.search(before)
    if cap:
        return cap.group(1).strip()
    pron = _EN_PRONOUN_END.search(before)
    if pron:
        return pron.group(1)
    title = re.search(r"\b(?:the\s+)?((?:[\w'-]+\s){0,4}(?:minister|secretary|adviser|advisor|spokesman|chief|counterpart|president))$", before, re.I)
    if title:
        return title.group(1).strip()
    after_cap = re.match(r"\s+((?:[A-Z][\w'-]+\s?){1,4})", after)
    if after_cap:
        return after_cap.group(1).strip()
    return ""


def mention(sentence: str, lang: str) -> str | None:
    """The speaker mention of one sentence: ``None`` for narration (no reporting verb), else the
    subject as written; "" for a subject-less reporting verb (the speaker carries over).
    """
    if lang == "fa":
        return _persian_mention(sentence)
    if lang in ("ar", "ur"):
        return _arabic_mention(sentence)
    if lang == "en":
        return _english_mention(sentence)
    return None


# -- attribution over a document --------------------------------------------------------------

def _name_part(words: list[str], lang: str) -> list[str]:
    """The name inside a mention: ranks stripped; for a title-led Arabic mention, the trailing
    words after the title (those without the article ال): "وزير الأمن القومي الصيني تشين ونغ تشاينا".
    """
    words = _strip_ranks(words)
    if lang == "en" and words and not _is_title(words) and (
            words[0][:1].islower() or any(matching_key(w) in TITLE_HEADS for w in words[1:])):
        # "authorities", "a disaster management official": no name; "Interior Minister Ahmad
        # Vahidi": the name after the title
        words = ["minister", *words]
    if not _is_title(words):
        return words
    if lang in ("ar", "ur"):
        tail: list[str] = []
        for w in reversed(words[1:]):
            k = matching_key(w)
            if k.startswith(("ال", "لل")) or k in TITLE_HEADS:
                break
            tail.insert(0, w)
        return tail
    if lang == "en":
        tail = []
        for w in reversed(words):
            if not w[:1].isupper() or matching_key(w) in TITLE_HEADS:
                break
            tail.insert(0, w)
        return tail
    return []


def attribute(sentences: list[tuple[str, str]], document_text: str,
              not_a_speaker: Callable[[str], bool] | None = None) -> list[Speaker | None]:
    """Speaker of each (sentence text, language) of one document (``None`` for narration).

    Linear in the document: each sentence's mention is read once, and the titles are resolved
    through one index of the document's names and titles (:class:`_NameIndex`), built once.
    ``not_a_speaker(mention)``: mentions that name no speaker (a dateline: "كابول: …",
    «طهران-مهر:-أكد …»); the sentence's mention is then read after the dateline.
    """
    mentions = [mention(text, lang) for text, lang in sentences]
    if not_a_speaker is not None:
        mentions = [_after_dateline(text, lang) if m and not_a_speaker(m) else m
                    for m, (text, lang) in zip(mentions, sentences, strict=True)]
    names: list[str] = []  # name mentions seen in the document, for resolving titles
    titles: list[str] = []  # mentions that are a title without a name, to resolve
    parts: list[list[str] | None] = []  # per sentence: the name part of its mention (None: carried)
    for m, (_, lang) in zip(mentions, sentences, strict=True):
        words = _words(m) if m else []
        if not words or matching_key(words[0]) in _PRONOUNS:
            parts.append(None)
            continue
        part = _name_part(words, lang)
        parts.append(part)
        if part:
            if matching_key(part[0]) not in _PRONOUNS:  # "Mr He" speaks, but names no one
                names.append(" ".join(part))
        else:
            titles.append(" ".join(_strip_ranks(words)))
    index = _NameIndex(document_text, names, titles)
    out: list[Speaker | None] = []
    last: Speaker | None = None
    for m, part in zip(mentions, parts, strict=True):
        if m is None:
            out.append(None)
            continue
        if part is None:  # a pronoun or a subject-less verb: the last named speaker
            out.append(last)
            continue
        if part:
            sp = Speaker(" ".join(part), name_key(" ".join(part)))
        else:
            resolved = None if _nobody(m) else index.resolve(" ".join(_strip_ranks(_words(m))))
            sp = Speaker(resolved or m, name_key(resolved) if resolved else _UNRESOLVED + matching_key(m))
        out.append(sp)
        last = sp
    return out


def _after_dateline(text: str, lang: str) -> str | None:
    """The mention of ``text`` read after its dateline («طهران-مهر:-أكد وزير الخارجية …»: the
    minister speaks, not Tehran); ``None`` when no reporting verb follows it.
    """
    cut = re.search(r"[:—–]", text)
    return mention(text[cut.end():].lstrip(" -–—"), lang) if cut else None


_UNRESOLVED = "title:"  # key prefix of a title that names nobody in the article


def _nobody(m: str) -> bool:
    """A lower-case English subject without a title ("authorities", "a disaster management
    official"): no one in particular, never resolved to a name written near it.
    """
    return m[:1].islower() and m.isascii() and not any(matching_key(w) in TITLE_HEADS for w in m.split())


def is_identified(key: str | None) -> bool:
    """Does this speaker key designate a person (not narration, not an unresolved title)?"""
    return bool(key) and not key.startswith(_UNRESOLVED)


class _NameIndex:
    """Where a document's names and titles occur in its matching key, found in one pass.

    A title resolves to the named person closest to one of its occurrences (at most ``window``
    characters between them; the nearest, then the fullest name, then the first in sort order).
    A name is found by its last word, a title by its whole text, both anywhere in the key (inside
    a longer word too: ``وزیر`` in ``نخست‌وزیر``), each pattern's occurrences left to right
    without overlap, as ``re.finditer`` finds them. The text is read once, whatever the number of
    names and titles, and each title is resolved once (looking at the names around its
    occurrences only): the speaker stage is linear in the document (it re-read the whole text
    for every name of every title mention, cubic: 424 s for 2,200 sentences).
    """

    def __init__(self, text: str, names: list[str], titles: list[str], window: int = 80):
        self.window = window
        self.key_text = matching_key(text)
        fullest: dict[str, tuple[int, str]] = {}  # a name's last word -> (-len, name) of its fullest name
        for name in names:
            key_words = matching_key(name).split()
            if key_words:  # a "name" of invisible characters only is never found
                best = fullest.get(key_words[-1])
                if best is None or (-len(name), name) < best:
                    fullest[key_words[-1]] = (-len(name), name)
        self.patterns = set(fullest) | ({_head(matching_key(t)) for t in titles} - {""})
        found = self.found = _occurrences(self.key_text, self.patterns)
        places = []  # (start, end, -len(name), name) of every occurrence of every name
        for last, (neg, name) in fullest.items():
            places += [(s, s + len(last), neg, name) for s in _greedy(found.get(last, []), len(last))]
        self.by_end = sorted((e, neg, name) for _, e, neg, name in places)
        self.ends = [e for e, _, _ in self.by_end]
        self.by_start = sorted((s, neg, name) for s, _, neg, name in places)
        self.starts = [s for s, _, _ in self.by_start]
        self.resolved: dict[str, str | None] = {}

    def resolve(self, title: str) -> str | None:
        """The named person closest to an occurrence of ``title`` in the document, if any."""
        if title not in self.resolved:
            self.resolved[title] = self._resolve(matching_key(title))
        return self.resolved[title]

    def _resolve(self, t: str) -> str | None:
        if not t:  # the empty title occurs everywhere: every name found is at distance 0
            return min((name for _, _, name in self.by_end), key=lambda n: (-len(n), n), default=None) if self.window >= 0 else None
        head = _head(t)
        if head in self.patterns:  # the title's first word was indexed: check its places only
            lead = t.find(head)
            starts = [p - lead for p in self.found.get(head, []) if p >= lead and self.key_text.startswith(t, p - lead)]
        else:  # a title not given to the index (or of whitespace only): read the text
            starts = [m.start() for m in re.finditer(f"(?={re.escape(t)})", self.key_text)]
        best: tuple[int, int, str] | None = None
        for s in _greedy(starts, len(t)):
            e = s + len(t)
            lo, hi = bisect.bisect_left(self.ends, s - self.window), bisect.bisect_right(self.ends, s)
            for end, neg, name in self.by_end[lo:hi]:  # names ending before the title
                if best is None or (s - end, neg, name) < best:
                    best = (s - end, neg, name)
            lo, hi = bisect.bisect_left(self.starts, e), bisect.bisect_right(self.starts, e + self.window)
            for start, neg, name in self.by_start[lo:hi]:  # names starting after it
                if best is None or (start - e, neg, name) < best:
                    best = (start - e, neg, name)
        return best[2] if best else None


def _head(key: str) -> str:
    """The first word of a matching key ("" for an empty one)."""
    return key.split()[0] if key.split() else ""


def _occurrences(key_text: str, patterns: set[str]) -> dict[str, list[int]]:
    """Start of every occurrence, overlapping ones too, of each pattern (words: no whitespace)
    in ``key_text``, sorted: each distinct word of the text is read once, for every length of
    pattern, and its places in the text added.
    """
    sizes = sorted({len(p) for p in patterns if p})
    places: dict[str, list[int]] = {}
    for m in re.finditer(r"\S+", key_text):
        places.setdefault(m.group(), []).append(m.start())
    found: dict[str, list[int]] = {}
    for word, starts in places.items():
        for size in sizes:
            if size > len(word):
                break
            for offset in range(len(word) - size + 1):
                piece = word[offset : offset + size]
                if piece in patterns:
                    found.setdefault(piece, []).extend(s + offset for s in starts)
    return {p: sorted(v) for p, v in found.items()}


def _greedy(starts: list[int], size: int) -> list[int]:
    """Of sorted occurrences of a pattern ``size`` long, those ``re.finditer`` finds: left to
    right, none overlapping the one before.
    """
    out, free = [], 0
    for s in starts:
        if s >= free:
            out.append(s)
            free = s + size
    return out


def assign_speakers(document: Document, sentences: list[Segment],
                    not_a_speaker: Callable[[str], bool] | None = None) -> list[Segment]:
    """The sentences with ``speaker`` (name as in the article) and ``speaker_key`` filled in
    (``not_a_speaker``: as :func:`attribute`'s).
    """
    speakers = attribute([(s.text, s.lang) for s in sentences], document.text, not_a_speaker)
    return [
        replace(s, speaker=sp.name if sp else None, speaker_key=sp.key if sp else None)
        for s, sp in zip(sentences, speakers, strict=True)
    ]


def speaker_matches(query: str, name: str | None, key: str | None) -> bool:
    """Does a user's speaker query ("Shamkhani", "شمخانی", "Ali Shamkhani") designate this
    speaker? The same surname in any script (canonical key), or every word of the query a whole
    word of the name (never a part of a word: "ی" matches no one).
    """
    if not name:
        return False
    q = query.strip()
    if not q:
        return False
    if name_key(q) == key:
        return True
    asked, named = [matching_key(w) for w in _words(q)], {matching_key(w) for w in _words(name)}
    return bool(asked) and all(w in named for w in asked)


def speakers_of(segments: list[Segment]) -> list[str]:
    """The identified speakers of some segments, as named there, in order of appearance."""
    return list(dict.fromkeys(s.speaker for s in segments if s.speaker and is_identified(s.speaker_key)))
