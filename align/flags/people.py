"""People: the names an article pair uses, cut at the name, and the same person across scripts.

No named-entity recogniser for Persian and Arabic works offline, so the people of a comparison
are those the two articles name where news writing marks a name: the speakers of reporting
verbs (``align.speakers``), the words after a rank or title (سپهبد، آقای، الفريق، President,
Foreign Minister), after an Arabic "counterpart" (نظيره الأفغاني حمد الله محب), and in English
runs of two or more capitalised words (Hamdullah Mohib).

A name is **cut at the name**: conjunction and preposition prefixes (و، ف، ب), reporting verbs
(صرح، گفت، said), copulas and verb forms (است، بودند، تاکید کرد), titles, places and
organisations (Hamas, وزارت خارجه) are not part of it. It is **displayed as written** in the
article, never as a key.

The **same person** across scripts and with or without title or first name: two names are one
person when the consonant skeletons of their surnames agree (:func:`skeleton`, coarser than
``align.speakers.name_key``: ق = gh = k, چ = ج = ch, ز = s; عراقچی = عراقجي = Araghchi), one
ending the other (امیرعبداللهیان = Abdollahian), or one letter apart in longer names, or alike
but for what transliteration leaves uncertain (:func:`coarse`: g written ج, v written ف, a
final h; نوگروهو = نوجرو = Nugroho, فيتيل = Vettel). A two-consonant name (Kim, Capp) is
found in a three-letter word of the other script only when that word's vowel letters are where
the name has its vowels (كيم, کاپ; not «قام» "did").
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence

from ..speakers import AR_VERBS, EN_VERBS, FA_VERBS, RANKS, TITLE_HEADS
from ..text import matching_key, words
from .places import places_in

# -- skeletons ----------------------------------------------------------------------------------

_AR = str.maketrans({
    "ب": "b", "پ": "b", "ت": "t", "ط": "t", "ث": "t", "س": "s", "ص": "s", "ج": "j", "چ": "j", "ژ": "j", "ح": "h", "ه": "h",
    "خ": "X", "د": "d", "ذ": "s", "ز": "s", "ض": "s", "ظ": "s", "ر": "r", "ش": "S", "ع": "", "ء": "", "ا": "", "و": "",
    "ی": "", "غ": "k", "ق": "k", "ک": "k", "گ": "k", "ف": "f", "ل": "l", "م": "m", "ن": "n",
})
_LATIN_RULES = [("ough", "o"), ("augh", "a"), ("sh", "S"), ("kh", "X"), ("ch", "j"), ("zh", "j"), ("gh", "k"), ("dh", "s"),
                ("th", "t"), ("ph", "f"), ("ck", "k")]
_LATIN = str.maketrans({"q": "k", "c": "k", "g": "k", "p": "b", "v": "", "w": "", "y": "", "x": "ks", "z": "s",
                        "a": "", "e": "", "i": "", "o": "", "u": ""})


@functools.lru_cache(maxsize=1 << 15)
def skeleton(word: str) -> str:
    """A coarse consonant skeleton of one word, alike across Persian, Arabic and Latin spellings."""
    w = matching_key(word)
    w = re.sub(r"[^\w]", "", w)
    if re.search(r"[a-z]", w):
        w = re.sub(r"gh$", "", w)
        for a, b in _LATIN_RULES:
            w = w.replace(a, b)
        w = w.translate(_LATIN)
    else:
        w = w.replace("تش", "چ")
        if w.startswith("ال") and len(w) > 4:
            w = w[2:]
        w = w.translate(_AR)
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-zA-Z]", "", w))


def same_key(a: str, b: str) -> bool:
    """Are the surname skeletons ``a`` and ``b`` (:func:`key`) one person's (the rules of the
    module docstring)?
    """
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.endswith(short):
        return True  # امیرعبداللهیان = Abdollahian
    if len(short) >= 4 and len(long_) - len(short) <= 1:
        return _distance(a, b) <= 1
    x, y = coarse(a), coarse(b)
    return x == y and len(x) >= 3 or _short_alike(a, b)


def coarse(sk: str) -> str:
    """A skeleton less what transliteration leaves uncertain: a final silent h (هنیه = Haniyeh),
    v written ف in Arabic and dropped as a vowel letter elsewhere (Vettel = فيتيل = وتل), g
    written ج in Arabic (Aguero = أجويرو, Nugroho = نوجرو = نوگروهو).
    """
    return re.sub(r"(.)\1+", r"\1", sk.rstrip("h").replace("f", "").replace("j", "k"))


def _short_alike(a: str, b: str) -> bool:
    """Short skeletons alike but for g written ج, or a first or last v written ف (Aguero = أجويرو,
    Vettel = فيتيل, Saipov = سايبوف); a short skeleton is too common a word to allow more.
    """
    x, y = a.replace("j", "k"), b.replace("j", "k")
    return x == y or bool(x) and bool(y) and (x in ("f" + y, y + "f") or y in ("f" + x, x + "f"))


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# -- what is not part of a name --------------------------------------------------------------------

_FA_NOT_NAME = {
    "است", "بود", "بودند", "هستند", "هست", "شد", "شدند", "کرد", "کردند", "گفت", "گفتند", "افزود", "داشت", "داشتند", "نیز", "هم",
    "که", "با", "در", "و", "به", "از", "را", "این", "آن", "برای", "تا", "روز", "امروز", "دیروز", "وی", "او", "ایشان", "خود",
    "رفتند", "آمدند", "دادند", "زدند", "نمودند", "گرفتند", "افزودند", "نوشتند", "گفته", "کرده", "شده", "بوده", "دارد", "دارند",
    "وزارت", "خارجه", "امور", "اداره", "طالبان", "حماس", "سپاه", "خبرگزاری", "ایرنا", "ایسنا", "تسنیم", "فارس", "مهر", "جمهوری",
    "اسلامی", "دولت", "مجلس", "شورای", "امنیت", "ملی", "عالی", "سازمان", "هیئت", "هیات", "حزب", "رهبر", "رهبری", "انقلاب",
    "انقلاب اسلامی", "کشور", "مقام", "مقامات", "سخنگو", "شاهد", "منبع", "مسئول", "مسئولان", "نماینده", "رئیس", "ریيس", "دبیر",
    "سرپرست", "ستاد", "فرماندار", "استاندار", "پلیس", "ارتش", "نیروی", "نیروهای", "مردم", "گروه", "جنبش", "همچنین", "اما", "ولی",
    "یک", "هر", "چند", "همه", "باید", "بر", "پس", "پیش", "طی", "ضمن", "درباره", "بین", "میان", "پیام", "دیدار", "سفر", "گفتگو",
    "همراه", "معاون", "عهده", "حدود", "بیش", "بیشتر", "کمتر", "سوی", "جانب", "طرف", "نظر", "گزارش", "اعلام", "خبر",
    "همراهان", "وزیران", "سردار", "شهید", "شهدا", "شهادت", "آیت", "حجت", "الاسلام", "والمسلمین",
}
_AR_NOT_NAME = {
    "فی", "من", "الی", "عن", "مع", "ان", "انه", "بان", "الذی", "التی", "الذین", "کان", "وکان", "کما", "هو", "هی", "هم",
    "وهو", "وهی", "قد", "لقد", "وقد", "الیوم", "امس", "خلال", "بعد", "قبل", "حیث", "منذ", "لدی", "بین", "حول", "ضد", "عند",
    "حماس", "طالبان", "حزب", "وزاره", "الخارجیه", "وکاله", "الانباء", "الحکومه", "حرکه", "مجلس", "رئیس", "وزیر", "الرئیس",
    "المتحدث", "مصدر", "مصادر", "شاهد", "مسوول", "مسوولون", "مراسل", "عیان", "بیان", "البیان", "تاکید", "تصریح", "اعلان",
    "الامین", "العام", "النائب", "نائب", "قائد", "مستشار", "سفیر", "المجلس", "الاعلی", "الامن", "القومی", "الوطنی", "ایضا",
    "کذلک", "لکن", "ثم", "او", "ام", "لا", "لم", "لن", "ما", "هذا", "هذه", "ذلک", "تلک", "وفق", "وفقا", "نحو",
    "جمیع", "وجمیع", "مرافقیه", "ومرافقیه", "الحدود", "الرئاسه", "الجوله", "عدد", "بعض", "کل", "احد", "اکثر",
}
_EN_NOT_NAME = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "in", "on", "at", "of", "for", "to", "and", "but", "or", "as", "by",
    "with", "from", "after", "before", "this", "that", "these", "those", "there", "his", "her", "their", "its", "our", "mr",
    "foreign", "affairs", "ministry", "minister", "president", "prime", "secretary", "council", "party", "agency", "news",
    "government", "republic", "islamic", "supreme", "national", "security", "revolutionary", "guards", "guard", "corps", "army",
    "police", "university", "bank", "company", "times", "post", "press", "tv", "television", "radio", "office", "house",
    "parliament", "assembly", "court", "department", "committee", "organization", "organisation", "union", "association",
    "group", "hamas", "taliban", "hezbollah", "isis", "irgc", "nato", "un", "eu", "state", "states", "united", "kingdom",
    "north", "south", "east", "west", "new", "general", "chief", "leader", "spokesman", "spokeswoman", "spokesperson",
    "ambassador", "commander", "deputy", "adviser", "advisor", "senator", "sen", "rep", "governor", "mayor", "king", "queen",
    "prince", "sheikh", "ayatollah", "mullah", "imam", "pope", "ministry's", "iran's", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "according", "meanwhile", "however", "also", "when", "while",
    "if", "said", "says", "told", "would", "will", "has", "have", "had", "was", "were", "is", "are", "be", "not", "no",
    "reuters", "afp", "ap", "bbc", "cnn", "irna", "isna", "tasnim", "fars", "mehr", "xinhua", "press tv", "al", "jazeera",
    "dr", "mrs", "ms", "sir", "lord", "lady", "saint", "st", "street", "road", "city", "province", "county", "district",
    "club", "league", "cup", "fc", "world", "international", "global", "foundation", "institute", "center", "centre",
    "minister's", "federal", "democratic", "republican", "democrats", "republicans", "labour", "conservative", "conservatives",
    "tories", "brexit", "covid", "twitter", "facebook", "google", "apple", "amazon", "microsoft", "instagram", "youtube",
    "agreement", "agreements", "society", "movement", "services", "service", "cemetery", "river", "crash", "crescent",
    "emergency", "medical", "red", "resistance", "cooperation", "middle", "eastern", "western", "martyrs", "terrorism",
    "hundreds", "thousands", "dozens", "statement", "economic", "diplomatic", "local", "helicopter", "nuclear", "talks",
    "program", "programme", "deal", "election", "elections", "presidential", "vote", "votes", "report", "reports", "attack",
    "attacks", "earthquake", "quake", "force", "forces", "navy", "air", "airport", "port", "sea", "gulf", "ocean", "mount",
    "square", "mosque", "church", "palace", "hall", "hospital", "school", "museum", "stadium", "bridge", "tower", "park",
    "inc", "ltd", "plc", "corp", "group's", "media", "network", "channel", "show", "series", "film", "book", "act", "bill",
    "day", "week", "month", "year", "today", "yesterday", "tomorrow", "breaking", "update", "live", "exclusive", "video",
    "highway", "senate", "judiciary", "korea", "korean", "congress", "white", "black", "green", "labor",
    "olympic", "olympics", "premier", "champions", "grand", "prix", "season", "game", "games", "thrones",
}
# months and weekdays are not names either
_FA_NOT_NAME |= {"دوشنبه", "سهشنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه", "الاثنین", "الثلاثاء", "الاربعاء",
                 "الخمیس", "الجمعه", "السبت", "الاحد"}
_VERB_WORDS = (
    {matching_key(v).split()[0] for v in FA_VERBS}
    | {matching_key(p + v) for v in AR_VERBS for p in ("", "و", "ف")}
    | {v for v in EN_VERBS}
)
_NOT_NAME = {matching_key(w) for w in _FA_NOT_NAME | _AR_NOT_NAME | _EN_NOT_NAME} | _VERB_WORDS
_RANK_KEYS = {matching_key(r) for r in RANKS}
_TITLE_KEYS = {matching_key(t) for t in TITLE_HEADS}
_PARTICLES = {"al", "el", "bin", "ibn", "ben", "bint", "abu", "van", "von", "de", "da", "di", "du", "la", "le", "der", "bn", "ابن", "بن", "ابو", "بنت"}
_FA_VERB_ENDINGS = re.compile(r"(?:ند|یم|ید|ست)$")
_FA_PRESENT = re.compile(r"^(?:ن?می|نمی)")


def _strip_proclitic(key: str) -> str:
    """و، ف، ب، ل off an Arabic-script word (not off a short one)."""
    if len(key) >= 5 and key[0] in "وفبل" and not key.startswith(("وال", "فال", "بال", "لل")):
        return key[1:]
    return key


def _is_name_word(word: str, *, first: bool) -> bool:
    k = matching_key(word)
    if not k or any(ch.isdigit() for ch in k):
        return False
    if re.match(r"[a-z]", k):
        return (word[:1].isupper() or k in _PARTICLES or k.startswith(("al-", "el-"))) and k not in _NOT_NAME and k.rstrip("'s") not in _NOT_NAME
    if k in _NOT_NAME or _strip_proclitic(k) in _NOT_NAME:
        return False
    if k == "علی" and word.endswith("ى") or (first and k == "الله"):
        return False  # the preposition على (the name is علي / علی)
    if k in _RANK_KEYS or k in _TITLE_KEYS:
        return False
    if len(k) >= 5 and _FA_VERB_ENDINGS.search(k) and k.endswith("ند") and k not in ("ارجمند",):
        return False
    if _FA_PRESENT.match(k) and len(k) > 4 and ("\u200c" in word[:4] or k.endswith(("د", "م", "ی"))):
        return False  # «می‌گوید»، «میکند»: a verb in the present (its person ending); not «مينجا» Menga
    return len(k) >= 2


def _is_place(word: str) -> bool:
    return bool(places_in(word))


def clean_name(name: str) -> str:
    """The name inside a mention, cut at the name: "وصرح خامنئي" -> "خامنئي", "حسين اميرعبداللهيان
    تاكيد" -> "حسين اميرعبداللهيان", "امیرعبداللهیان بودند" -> "امیرعبداللهیان"; "" when no name.
    """
    ws = words(name)
    # leading words that are not the name: ranks, titles, verbs, conjunctions
    while ws and not _is_name_word(ws[0], first=True):
        ws = ws[1:]
    out: list[str] = []
    for n, w in enumerate(ws):
        if out and matching_key(w) == "امیر" and n + 1 < len(ws) and _is_name_word(ws[n + 1], first=False):
            out.append(w)  # «أمير عبد اللهيان»: Amir is part of the name
            continue
        if not _is_name_word(w, first=not out):
            break
        k = matching_key(w)
        if out and not re.match(r"[a-z]", k) and k[:1] == "و" and len(k) >= 4 and k not in ("ولی", "وحید"):
            break  # «عبداللهيان وجميع مرافقيه»: the name ends before «و»
        if not re.match(r"[a-z]", k) and k.startswith("ال") and k != "الله" and not (out and k.endswith("ی") and len(k) >= 6):
            break
        out.append(w)
        if len(out) >= 4:
            break
    # a first word with a conjunction prefix: «وخامنئي» -> «خامنئي»
    if out:
        k = matching_key(out[0])
        if k[:1] in ("و", "ف") and len(k) >= 5 and not re.match(r"[a-z]", k) and k not in _KEEP_W:
            out[0] = out[0][1:]
    while out and (_is_place(out[-1]) or matching_key(out[-1]) in _PARTICLES):
        out.pop()
    while out and _is_place(out[0]):
        out.pop(0)
    if not out:
        return ""
    if len(out) == 1 and len(skeleton(out[0])) < 2:
        return ""
    return " ".join(out)


# names that begin with و or ف (not a conjunction)
_KEEP_W = {matching_key(x) for x in ("وحید", "ولی", "وزیری", "فاطمه", "فرید", "فرهاد", "فریدون", "فیصل", "فهد", "فواد", "فؤاد",
                                     "وليد", "وائل", "وانگ", "ویتکاف", "ویتکوف", "ولایتی", "واعظی", "فرانسیس", "فلاحی")}
_JOINED = {matching_key(x) for x in ("عبد", "ابو", "أبو", "abdul", "abd", "abu")}


def key(name: str) -> str:
    """The skeleton of a name's surname (its last word; «عبد اللهيان» as one word)."""
    ws = [w for w in words(name) if matching_key(w) not in _RANK_KEYS and matching_key(w) not in _PARTICLES]
    if not ws:
        return ""
    last = ws[-1]
    if len(ws) >= 2 and matching_key(ws[-2]) in _JOINED:
        last = ws[-2] + last
    return skeleton(last)


def same_person(a: str, b: str) -> bool:
    """Are the names ``a`` and ``b`` one person (surnames alike across scripts)?"""
    return same_key(key(a), key(b))


# -- the people of an article pair ------------------------------------------------------------------

_EN_RUN = re.compile(r"\b((?:[A-Z][\w'’-]+|al-\w+|bin|ibn|van|von|de)(?:\s+(?:[A-Z][\w'’-]+|al-\w+|bin|ibn|van|von|de)){1,3})")


def _after_triggers(text: str) -> list[str]:
    """Names after a rank or title (سپهبد طارق شاه بهرامی, President Hassan Rouhani) or an
    Arabic "counterpart" (نظيره الأفغاني حمد الله محب).
    """
    out = []
    for part in _CLAUSE_MARKS.split(text):  # a name does not run past a colon, quote or comma
        out += _after_triggers_in(part)
    return out


_CLAUSE_MARKS = re.compile(r"[:«»\"“”،,؛;!?()]")


def _after_triggers_in(text: str) -> list[str]:
    ws = words(text)
    keys = [matching_key(w) for w in ws]
    out = []
    for i, k in enumerate(keys):
        start = None
        if k in _RANK_KEYS or (k in _TITLE_KEYS and re.match(r"[a-z]", k) and ws[i][:1].isupper()):
            start = i + 1
            while start < len(keys) and (keys[start] in _RANK_KEYS or keys[start] in _TITLE_KEYS):
                start += 1
        elif k in ("نظیره", "نظیرها") or k.endswith("نظیره"):
            start = i + 1
            while start < len(keys) and keys[start].startswith("ال") and keys[start] != "الله":
                start += 1
        if start is None:
            continue
        name = clean_name(" ".join(ws[start : start + 8]))
        if name and not (len(words(name)) == 1 and len(matching_key(name)) < 4):
            out.append(name)
    return out


def _english_runs(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        ws = re.findall(r"[A-Za-z][\w'’-]*", line)
        if len(ws) >= 4 and sum(w[:1].isupper() for w in ws) >= 0.6 * len(ws):
            continue  # a headline in title case: its capitals are not names
        out += _runs(line)
    return out


def _runs(text: str) -> list[str]:
    out = []
    for m in _EN_RUN.finditer(text):
        name = clean_name(m.group(1))
        if len(words(name)) >= 2:
            out.append(name)
    return out


def known_people(texts: Iterable[str], speakers: Iterable[str] | Sequence[Iterable[str]]) -> dict[str, str]:
    """Surname skeleton -> display name (as written, cut at the name) of the people the articles
    name: names after a rank, title or "counterpart", English runs of capitalised words, and the
    speakers.

    ``speakers``: the speakers' names, or one list per article. A speaker in Arabic script counts
    only as far as its words are names written elsewhere too — as a speaker of another article,
    or in Latin script — because a reporting verb's subject is often not a name (طبق اسناد
    دادگاه … گفت، مصدر قريب من …) and «ألكسندر نوفاك عقب اجتماع» ends at «نوفاك». Without
    per-article lists, another article's text confirms a word.
    """
    texts = list(texts)
    groups = [list(g) for g in speakers] if speakers and not isinstance(next(iter(speakers), ""), str) else None
    flat = [n for g in groups for n in g if n] if groups is not None else [n for n in speakers if n]
    out: dict[str, str] = {}

    lower = {w for t in texts for w in re.findall(r"\b[a-z][a-z'’-]+\b", t)}

    def add(name: str) -> None:
        name = clean_name(name)
        if name.isascii() and name and words(name)[-1].lower() in lower:
            return  # a word the articles also write in lower case is no surname (Elvie Pump … breast pump)
        k = key(name)
        if len(k) >= 2 and not any(same_key(k, other) for other in out):
            out[k] = name

    triggered = [_after_triggers(text) for text in texts]
    if len(texts) >= 2:
        triggered = _cut_unconfirmed(texts, triggered)
    for text, names in zip(texts, triggered, strict=True):
        for name in names:
            add(name)
        # a run of capitalised words is a person when the article goes on to use its last word
        # alone (news names a person in full once, then by surname: Brett Kavanaugh … Kavanaugh)
        runs = _english_runs(text)
        for name in runs:
            last = words(name)[-1]
            alone = len(re.findall(rf"\b{re.escape(last)}\b", text)) > sum(1 for r in runs if words(r)[-1] == last)
            if alone:
                add(name)
    latin = {skeleton(w) for t in texts for w in re.findall(r"\b[A-Z][\w'’-]+", t)} - {""}
    if groups is not None:
        spoken = [{skeleton(w) for n in g if n for w in words(clean_name(n))} - {""} for g in groups]

        def elsewhere(sk: str, name: str) -> int:
            mine = [k for k, g in enumerate(groups) if name in g]
            return int(any(any(_matches(sk, s) for s in sks) for k, sks in enumerate(spoken) if k not in mine))
    else:
        skeletons = [{s for _, _, s in _word_skeletons(t)} for t in texts]

        def elsewhere(sk: str, name: str) -> int:
            return int(sum(any(_matches(sk, s) for s in sks) for sks in skeletons) >= 2)
    for name in flat:
        cleaned = clean_name(name)
        if not cleaned:
            continue
        if cleaned.isascii():
            if len(words(cleaned)) >= 2 or any(_full_name_of(cleaned, t) for t in texts):
                add(cleaned)
            continue  # a one-word speaker never named in full is a place, paper or company (Maryland, BMW)
        ws = words(cleaned)
        confirmed = [j for j, w in enumerate(ws) if len(skeleton(w)) >= 3 and (
            any(_matches(skeleton(w), s) for s in latin if len(s) >= 3) or elsewhere(skeleton(w), name))]
        if confirmed:
            add(" ".join(ws[: confirmed[-1] + 1]))
    return out


def _full_name_of(word: str, text: str) -> bool:
    """Does ``text`` name ``word`` in full somewhere: after a first name, a title or an Arabic
    article (Dan Baldwin … Baldwin, Mr Clark, al-Busaidi)?
    """
    if re.search(rf"\b[AaEe]l-{re.escape(word)}\b", text):
        return True
    for m in re.finditer(rf"\b([A-Z][\w'’.-]*)\s+{re.escape(word)}\b", text):
        k = matching_key(m.group(1)).rstrip(".")
        if k in _RANK_KEYS or k in _TITLE_KEYS or k in ("mr", "mrs", "ms", "dr") or _is_name_word(m.group(1), first=True):
            return True
    return False


def _cut_unconfirmed(texts: Sequence[str], triggered: Sequence[list[str]]) -> list[list[str]]:
    """The Persian/Arabic names after a title cut after their last word that is a name elsewhere:
    in Latin script, or in a name after a title in another article (السيد ترامب نفسه يواجه ->
    ترامب where the other article has آقای ترامپ or Trump); a name no word of which is found
    elsewhere stays whole.
    """
    latin = {skeleton(w) for t in texts for w in re.findall(r"\b[A-Z][\w'’-]+", t)} - {""}
    named = [{skeleton(w) for n in names for w in words(n)} - {""} for names in triggered]
    out = []
    for i, names in enumerate(triggered):
        known = [s for s in latin | {s for j, sks in enumerate(named) if j != i for s in sks} if len(s) >= 3]
        cut = []
        for name in names:
            ws = words(name)
            confirmed = [j for j, w in enumerate(ws) if not w.isascii() and len(skeleton(w)) >= 3
                         and any(_matches(skeleton(w), s) for s in known)]
            confirmed += [j for j, w in enumerate(ws) if w.isascii()]
            cut.append(" ".join(ws[: max(confirmed) + 1]) if confirmed and not name.isascii() else name)
        out.append(cut)
    return out


@functools.lru_cache(maxsize=8192)
def _word_skeletons(text: str) -> tuple[tuple[int, str, str], ...]:
    """(word index, the word as written less its proclitic, skeleton) of the words of ``text``
    that can be part of a name.
    """
    out = []
    # the words of a place of two or more words (پیونگ یانگ, New York) are no one's name
    in_places = {matching_key(w) for _, surface in places_in(text).values() for w in words(surface) if len(words(surface)) > 1}
    for i, w in enumerate(words(text)):
        if not _is_name_word(w, first=False) or _is_place(w) or matching_key(w) in in_places:
            continue
        k = matching_key(w)
        if not re.match(r"[a-z]", k) and k.startswith("ال") and k != "الله" and not k.endswith("ی"):
            continue
        forms = [w]
        if not re.match(r"[a-z]", k) and _strip_proclitic(k) != k:
            forms.append(w[1:])
        for f in forms:
            sk = skeleton(f)
            if len(sk) >= 2:
                out.append((i, f, sk))
    return tuple(out)


def _matches(sk: str, k: str) -> bool:
    return sk == k or (len(sk) >= 3 and len(k) >= 3 and same_key(sk, k))


def _hit(word: str, sk: str, k: str, display: str) -> bool:
    """Does ``word`` (skeleton ``sk``) name the person ``k`` / ``display``? A short skeleton
    (two consonants: Raisi, Obama) only when the word is one of the name's words as written.
    """
    if len(k) >= 3:
        return _matches(sk, k) or _v_as_f(word, sk, k, display)
    if len(matching_key(word)) >= 4 and _v_as_f(word, sk, k, display):
        return True
    if sk != k and not (_short_alike(sk, k) and len(matching_key(word)) >= 5):
        return False  # أجويرو = Aguero, not أجرى "held"
    # Willoughby = ويلوبي across scripts; within one script, the name's own word
    if matching_key(word) in {matching_key(w) for w in words(display)}:
        return True
    if word.isascii() == display.isascii():
        return False
    if len(matching_key(word)) < 3:
        return False  # «گل» "goal" is not Kelly
    # its vowel letters where the Latin name has its vowels (Kim = كيم, not قام; Palu, not «بالای»)
    if word.isascii():
        return any(_spelled_alike(word, w) for w in words(display) if _short_alike(skeleton(w), k))
    return any(_spelled_alike(w, word) for w in words(display) if _short_alike(skeleton(w), k))


def _v_as_f(word: str, sk: str, k: str, display: str) -> bool:
    """Does a Latin v the skeleton drops stand for an Arabic ف (Novak = نوفاك, Pavel = بافيل)?"""
    if word.isascii() and not display.isascii() and "v" in word.lower():
        return _matches(skeleton(word.lower().replace("v", "f")), k)
    if display.isascii() and not word.isascii():
        latin = [w for w in words(display) if "v" in w.lower() and same_key(skeleton(w), k)]
        return any(_matches(sk, skeleton(w.lower().replace("v", "f"))) for w in latin)
    return False


_VOWELS_LATIN = str.maketrans({"e": "i", "y": "i", "o": "u", "w": "u"})
_VOWELS_AR = str.maketrans({"ا": "a", "آ": "a", "ی": "i", "و": "u"})


def _pattern(word: str) -> str:
    """Consonant skeleton with the vowels as a, i, u (Persian/Arabic vowel letters ا ی و)."""
    w = re.sub(r"[^\w]", "", matching_key(word))
    if re.search(r"[a-z]", w):
        w = re.sub(r"[^a-z]", "", w).rstrip("e") or w
        for a, b in _LATIN_RULES:
            w = w.replace(a, b)
        pat = "".join(ch if ch in "aiuv" else skeleton(ch) for ch in w.translate(_VOWELS_LATIN))
    else:
        w = re.sub(r"^ا(?=[وی])", "", w)  # the alef that carries a first vowel (اوباما)
        pat = "".join(ch if ch in "aiu" else skeleton(ch) for ch in w.translate(_VOWELS_AR))
        pat = pat[:-1] if len(pat) > 2 and pat.endswith("h") else pat  # a final ه، ة is a vowel
    return re.sub(r"(.)\1+", r"\1", pat.replace("j", "k"))


def _spelled_alike(latin: str, word: str) -> bool:
    """Does the Persian/Arabic ``word`` write the Latin name's letters in order, its vowel letters
    among the name's vowels (Kim = كيم, Capp = کاپ, Vettel = وتل; not قام for Kim)?
    """
    it = iter(_pattern(latin))
    pat = _pattern(word)
    # a Latin v is و in Persian, ف in Arabic
    return bool(pat) and all(any(ch == c or c == "v" and ch in "uf" for c in it) for ch in pat)


def mentioned(text: str, people: Mapping[str, str]) -> dict[str, str]:
    """The people of ``people`` that ``text`` names, key -> the name as ``text`` writes it (the
    matching word with the name words before it: «حسين أمير عبد اللهيان»).
    """
    found: dict[str, str] = {}
    sk = _word_skeletons(text)
    ws = words(text)
    for k, display in people.items():
        hit = next(((i, f) for i, f, s in sk if _hit(f, s, k, display)), None)
        if hit is None:
            continue
        i, f = hit
        parts = {skeleton(p) for p in words(display)} - {""}
        start = i
        while start > 0 and i - start < 3 and _is_name_word(ws[start - 1], first=False) and (
                skeleton(ws[start - 1]) in parts or any(_matches(skeleton(ws[start - 1]), p) for p in parts if len(p) >= 3)):
            start -= 1
        if start < i:
            first = ws[start]
            kf = matching_key(first)
            if kf[:1] in ("و", "ف") and len(kf) >= 5 and not re.match(r"[a-z]", kf):
                first = first[1:]
            found[k] = " ".join([first, *ws[start + 1 : i], ws[i]])
        else:
            kf = matching_key(f)
            bare = kf[:1] in ("و", "ف") and len(kf) >= 5 and not re.match(r"[a-z]", kf) and kf not in _KEEP_W
            found[k] = f[1:] if bare and _hit(f[1:], skeleton(f[1:]), k, display) else f  # فيتيل = Vettel
    return found


def _written(text: str, name: str) -> bool:
    return matching_key(name) in matching_key(text)


def cut_at_surname(name: str, k: str) -> str:
    """``name`` up to the word whose skeleton is ``k`` (the whole name when none is)."""
    ws = words(name)
    for j in range(len(ws) - 1, -1, -1):
        if _matches(skeleton(ws[j]), k) or (j and _matches(skeleton(ws[j - 1] + ws[j]), k)):
            return " ".join(ws[: j + 1])
    return name


def find_key(name: str, people: Mapping[str, str]) -> str | None:
    """The key of ``people`` that ``name`` designates, if any."""
    k = key(name)
    for other in people:
        if same_key(k, other):
            return other
    return None


def names_anywhere(text: str, keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` whose person ``text`` names anywhere (an article)."""
    sk = {s for _, _, s in _word_skeletons(text)}
    return {k for k in keys if any(_matches(s, k) for s in sk)}
