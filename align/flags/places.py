"""Places of a text: countries and cities in Persian, Arabic and English, with their adjective
(nisba) forms, canonical English names and the country of each city.

The names come from CLDR through Babel (already a dependency of trafilatura's URL handling):
the localized country names, and the cities CLDR names for time zones (Tehran, كابول, …),
with a few regional spellings and cities CLDR lacks added by hand. Adjectives are made by the
languages' rules and matched only against the words of a text: ایرانی / ایرانیان, الإيراني /
الإيرانية / إيرانيين, Iranian = Iran; a handful of English ones are irregular (Afghan, British,
Dutch …).
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..text import matching_key, words
from .lexicon import PLACES, strip_particles

# Regional spellings CLDR does not give, and cities it lacks (canonical -> fa, ar, en forms)
_EXTRA = {
    "United States": ["آمریکا", "امریکا", "ایالات متحده آمریکا", "أمريكا", "أميركا", "امريكا", "الولايات المتحدة الأمريكية", "america", "us", "u.s", "usa", "u s", "u s a"],
    "United Kingdom": ["بریتانیا", "انگلیس", "انگلستان", "بريطانيا", "المملكة المتحدة", "britain", "great britain", "uk", "u.k", "u k", "england"],
    "Saudi Arabia": ["عربستان", "عربستان سعودی", "السعودية", "المملكة العربية السعودية"],
    "Syria": ["سوريا", "سورية"], "Russia": ["روسيا الاتحادية", "فدراسیون روسیه"], "Turkey": ["ترکیه", "تركيا", "turkey", "turkiye", "türkiye"],
    "Iran": ["جمهوری اسلامی ایران", "الجمهورية الإسلامية الإيرانية"], "Palestine": ["فلسطین", "فلسطين", "palestine"],
    "Gaza": ["غزه", "غزة", "gaza"], "West Bank": ["کرانه باختری", "الضفة الغربية", "west bank"],
    "Europe": ["اروپا", "أوروبا", "europe"], "Kurdistan": ["کردستان", "كردستان", "kurdistan"],
    "Azerbaijan": ["جمهوری آذربایجان", "أذربيجان", "اذربيجان", "azerbaijan", "آذربایجان"],
    "Netherlands": ["هلند", "هولندا", "holland"], "South Korea": ["کره جنوبی", "كوريا الجنوبية", "south korea"],
    "North Korea": ["کره شمالی", "كوريا الشمالية", "north korea"], "United Arab Emirates": ["امارات", "الإمارات", "uae", "emirates"],
    "Czechia": ["czech republic"], "Ivory Coast": ["ivory coast"], "North Macedonia": ["مقدونیه", "مقدونيا", "macedonia"],
}
# city -> (country code, forms)
_CITIES = {
    "Beijing": ("CN", ["پکن", "بكين", "بيجين", "beijing"]), "Washington": ("US", ["واشنگتن", "واشنطن", "washington"]),
    "Astana": ("KZ", ["آستانه", "آستانة", "أستانا", "astana"]), "Kerman": ("IR", ["کرمان", "كرمان", "kerman"]),
    "Khoy": ("IR", ["خوی", "خوي", "khoy"]),
    # Iranian provinces named after Azerbaijan (longest match wins over the country)
    "East Azerbaijan": ("IR", ["آذربایجان شرقی", "آذربایجانشرقی", "استان آذربایجان شرقی", "أذربيجان الشرقية", "اذربيجان الشرقية",
                               "آذربيجان الشرقية", "east azerbaijan", "east azarbaijan", "eastern azerbaijan"]),
    "West Azerbaijan": ("IR", ["آذربایجان غربی", "آذربایجانغربی", "أذربيجان الغربية", "اذربيجان الغربية", "آذربيجان الغربية",
                               "west azerbaijan", "west azarbaijan", "western azerbaijan"]), "Varzaqan": ("IR", ["ورزقان", "varzaqan"]), "Tabriz": ("IR", ["تبریز", "تبريز", "tabriz"]),
    "Mashhad": ("IR", ["مشهد", "mashhad"]), "Isfahan": ("IR", ["اصفهان", "أصفهان", "isfahan", "esfahan"]),
    "Shiraz": ("IR", ["شیراز", "شيراز", "shiraz"]), "Qom": ("IR", ["قم", "qom"]), "Ahvaz": ("IR", ["اهواز", "الأهواز", "ahvaz", "ahwaz"]),
    "Urmia": ("IR", ["ارومیه", "أرومية", "أورمية", "اورمية", "urmia", "orumiyeh"]), "Herat": ("AF", ["هرات", "herat"]), "Kandahar": ("AF", ["قندهار", "kandahar"]),
    "Mazar-i-Sharif": ("AF", ["مزار شریف", "مزار شريف", "mazar-i-sharif"]), "Islamabad": ("PK", ["اسلام‌آباد", "اسلام آباد", "إسلام آباد", "islamabad"]),
    "Ankara": ("TR", ["آنکارا", "أنقرة", "ankara"]), "Abu Dhabi": ("AE", ["ابوظبی", "أبوظبي", "أبو ظبي", "abu dhabi"]),
    "Tel Aviv": ("IL", ["تل‌آویو", "تل آویو", "تل أبيب", "tel aviv"]), "Basra": ("IQ", ["بصره", "البصرة", "basra"]),
    "Erbil": ("IQ", ["اربیل", "أربيل", "erbil"]), "Mosul": ("IQ", ["موصل", "الموصل", "mosul"]), "Najaf": ("IQ", ["نجف", "النجف", "najaf"]),
    "Karbala": ("IQ", ["کربلا", "كربلاء", "karbala"]), "Sanaa": ("YE", ["صنعا", "صنعاء", "sanaa"]), "Geneva": ("CH", ["ژنو", "جنيف", "geneva"]),
    "New Delhi": ("IN", ["دهلی نو", "نيودلهي", "new delhi"]), "Delhi": ("IN", ["دهلی", "دلهي", "delhi"]), "Mumbai": ("IN", ["بمبئی", "مومباي", "mumbai"]),
    "Muscat": ("OM", ["مسقط", "muscat"]), "Doha": ("QA", ["دوحه", "الدوحة", "doha"]), "Riyadh": ("SA", ["ریاض", "الرياض", "riyadh"]),
    "Jeddah": ("SA", ["جده", "جدة", "jeddah"]), "Mecca": ("SA", ["مکه", "مكة", "mecca", "makkah"]), "Aleppo": ("SY", ["حلب", "aleppo"]),
    "Manchester": ("GB", ["منچستر", "مانشستر", "manchester"]), "Los Angeles": ("US", ["لس‌آنجلس", "لس آنجلس", "لوس أنجلوس", "los angeles"]),
    "San Francisco": ("US", ["سانفرانسیسکو", "سان فرانسیسکو", "سان فرانسيسكو", "san francisco"]), "San Diego": ("US", ["سن دیگو", "سان دیگو", "سان دييغو", "san diego"]),
    "Scotland": ("GB", ["اسکاتلند", "اسكتلندا", "scotland"]), "Wales": ("GB", ["ولز", "ويلز", "wales"]),
    "Northern Ireland": ("GB", ["ایرلند شمالی", "أيرلندا الشمالية", "northern ireland"]), "Texas": ("US", ["تگزاس", "تكساس", "texas"]),
    "California": ("US", ["کالیفرنیا", "كاليفورنيا", "california"]), "Florida": ("US", ["فلوریدا", "فلوريدا", "florida"]),
}
# a city name that is more often a word or a person's name
_NOT_CITIES = {"casey", "davis", "darwin", "palmer", "troll", "center", "knox", "regina", "victoria", "mawson", "vostok", "nome",
               "hope", "eucla", "currie", "macquarie", "marengo", "tell city", "monticello", "beulah", "new salem", "syowa",
               "rothera", "dumontdurville", "easter", "chatham", "christmas", "wake", "midway", "jersey", "guernsey", "faroe",
               "phoenix", "enderbury", "kanton", "lord howe", "boise", "menominee", "resolute", "whitehorse", "creston", "dawson",
               "fort nelson", "inuvik", "iqaluit", "glace bay", "goose bay", "moncton", "thule", "scoresbysund", "danmarkshavn",
               "santa isabel", "bahia", "belem", "fortaleza", "maceio", "recife", "araguaina", "cuiaba", "campo grande", "eirunepe",
               "noronha", "boa vista", "porto velho", "rio branco", "santarem", "merida", "matamoros", "ojinaga", "bahia banderas",
               "cancun", "hermosillo", "mazatlan", "tijuana", "chihuahua", "monterrey", "ciudad juarez", "grand turk", "kralendijk",
               "lower princes", "marigot", "st. barthelemy", "st. kitts", "st. lucia", "st. thomas", "st. vincent", "tortola",
               "anguilla", "antigua", "aruba", "barbados", "belize", "cayman", "curacao", "dominica", "grenada", "guadeloupe",
               "martinique", "montserrat", "puerto rico", "port of spain", "truk", "ponape", "kosrae", "majuro", "kwajalein",
               "tarawa", "kiritimati", "fakaofo", "funafuti", "wallis", "apia", "tongatapu", "noumea", "efate", "guadalcanal",
               "bougainville", "norfolk", "cocos", "chagos", "kerguelen", "mahe", "comoro", "mayotte", "reunion", "st. helena",
               "ascension", "bermuda", "azores", "madeira", "canary", "stanley", "south georgia", "cape verde", "macau", "gambier",
               "marquesas", "pitcairn", "galapagos", "honolulu", "chuuk", "pohnpei", "niue", "rarotonga", "saipan", "guam", "palau",
               "nauru", "tahiti", "port moresby", "auckland", "fiji", "metlakatla", "sitka", "yakutat", "juneau", "adak", "anchorage",
               "vevay", "vincennes", "winamac", "petersburg", "louisville", "detroit", "denver", "indianapolis", "chicago", "st. johns",
               "halifax", "swift current", "rankin inlet", "cambridge bay", "atikokan", "blanc-sablon", "fort wayne", "lima"}
# fa/ar city names (matching keys) that are common words: «مسقط رأس» "birthplace", «رم» "fled"
_AMBIGUOUS_KEYS = {matching_key(x) for x in ("قم", "رم", "نیس", "لیما", "عدن", "کیف", "بن", "مالی", "مالي", "چاد", "کره",
                                             "ترک", "گینه", "بنین", "بنين", "نیجر", "توگو", "جرسی",
                                             "روم", "جورجيا", "جورجیا", "ولز", "ویلز", "طرابلس", "ماه",
                                             "دوشنبه", "القدس", "قدس", "کرد", "عربی", "سعید", "رحیم", "کریم", "حمید", "امید",
                                             "نور", "جمال", "سلام", "بنت", "بها", "موسی", "عیسی", "لوط", "الجزیره",
                                             "جزیره", "کینی", "الکینی")}
# friendlier canonical names than CLDR's English ones
_CANONICAL = {"TR": "Turkey", "PS": "Palestine", "MK": "North Macedonia", "CI": "Ivory Coast", "MM": "Myanmar", "HK": "Hong Kong",
              "CD": "DR Congo", "CG": "Congo", "MO": "Macau"}
_IRREGULAR_EN = {
    "Afghanistan": ["Afghan", "Afghans"], "United Kingdom": ["British", "Briton", "Britons"], "Netherlands": ["Dutch"],
    "France": ["French"], "Spain": ["Spanish", "Spaniard"], "Greece": ["Greek", "Greeks"], "Switzerland": ["Swiss"],
    "Sweden": ["Swedish", "Swede"], "Poland": ["Polish", "Pole", "Poles"], "Denmark": ["Danish", "Dane"],
    "Norway": ["Norwegian"], "Finland": ["Finnish", "Finn"], "Ireland": ["Irish"], "Scotland": ["Scottish", "Scot", "Scots"],
    "Wales": ["Welsh"], "Lebanon": ["Lebanese"], "Saudi Arabia": ["Saudi", "Saudis"], "United States": ["American", "Americans"],
    "Israel": ["Israeli", "Israelis"], "Philippines": ["Filipino"], "Peru": ["Peruvian"], "Cyprus": ["Cypriot"],
    "United Arab Emirates": ["Emirati"], "Czechia": ["Czech"], "Iraq": ["Iraqi", "Iraqis"], "Turkey": ["Turkish", "Turk", "Turks"],
    "Kurdistan": ["Kurdish", "Kurd", "Kurds"], "New Zealand": ["New Zealander"], "Bangladesh": ["Bangladeshi"],
    "Thailand": ["Thai"], "Vietnam": ["Vietnamese"], "Portugal": ["Portuguese"], "Belgium": ["Belgian"], "Europe": ["European", "Europeans"],
    "Palestine": ["Palestinian", "Palestinians"], "Russia": ["Russian", "Russians"], "China": ["Chinese"], "Germany": ["German", "Germans"],
    "Iran": ["Iranian", "Iranians"], "Syria": ["Syrian", "Syrians"], "Egypt": ["Egyptian", "Egyptians"], "Japan": ["Japanese"],
    "Pakistan": ["Pakistani", "Pakistanis"], "India": ["Indian", "Indians"], "Italy": ["Italian", "Italians"], "Yemen": ["Yemeni", "Yemenis"],
    "Jordan": ["Jordanian"], "Qatar": ["Qatari"], "Oman": ["Omani"], "Kuwait": ["Kuwaiti"], "Bahrain": ["Bahraini"], "Libya": ["Libyan"],
    "Tunisia": ["Tunisian"], "Algeria": ["Algerian"], "Morocco": ["Moroccan"], "Sudan": ["Sudanese"], "Ukraine": ["Ukrainian", "Ukrainians"],
    "Canada": ["Canadian", "Canadians"], "Mexico": ["Mexican", "Mexicans"], "Brazil": ["Brazilian"], "Australia": ["Australian", "Australians"],
    "Tajikistan": ["Tajik"], "Uzbekistan": ["Uzbek"], "Kazakhstan": ["Kazakh"], "Azerbaijan": ["Azerbaijani", "Azeri"],
    "Armenia": ["Armenian"], "Georgia": ["Georgian"], "South Korea": ["South Korean"], "North Korea": ["North Korean"],
    "Macedonia": ["Macedonian"], "North Macedonia": ["Macedonian", "Macedonians"], "Austria": ["Austrian"], "Hungary": ["Hungarian"],
    "Romania": ["Romanian"], "Serbia": ["Serbian", "Serb", "Serbs"], "Croatia": ["Croatian", "Croat"], "Nigeria": ["Nigerian"],
    "Kenya": ["Kenyan"], "Ethiopia": ["Ethiopian"], "Somalia": ["Somali"], "Argentina": ["Argentine", "Argentinian"],
    "Venezuela": ["Venezuelan"], "Colombia": ["Colombian"], "Chile": ["Chilean"], "Cuba": ["Cuban"], "Indonesia": ["Indonesian"],
    "Malaysia": ["Malaysian"], "Iceland": ["Icelandic"],
}
_IRREGULAR_FA = {"United Kingdom": ["انگلیسی", "بریتانیایی"], "France": ["فرانسوی"], "Afghanistan": ["افغان", "افغانها"],
                 "Turkey": ["ترکها"], "Saudi Arabia": ["سعودی"], "Kurdistan": ["کردها"], "Europe": ["اروپایی", "اروپاییان"],
                 "United States": ["آمریکایی", "امریکایی", "آمریکاییها", "آمریکاییان"], "Palestine": ["فلسطینی", "فلسطینیان"]}
_IRREGULAR_AR = {"Afghanistan": ["أفغاني", "الأفغاني", "الأفغانية", "أفغان", "الأفغان"], "Saudi Arabia": ["سعودي", "السعودي", "السعودية", "سعوديين"],
                 "United States": ["أمريكي", "الأمريكي", "الأمريكية", "أميركي", "الأميركي", "الأميركية", "الأمريكيين", "الأميركيين"],
                 "United Kingdom": ["البريطاني", "البريطانية", "بريطاني"], "Kurdistan": ["الكردي", "الكردية", "الأكراد", "كردي"],
                 "Palestine": ["الفلسطيني", "الفلسطينية", "الفلسطينيين", "فلسطيني"]}
_NOT_DEMONYMS = {matching_key(x) for x in ("هندی", "چینی", "ترکی", "مالی", "مالي", "عمانی", "اردنی", "کرهای", "the", "english")}


@dataclass(frozen=True)
class Place:
    """A place: ``name`` (canonical English), ``country`` (its country's canonical name; itself
    for a country), ``is_city``.
    """

    name: str
    country: str
    is_city: bool


def _fa_adjectives(n: str) -> list[str]:
    out = []
    if n.endswith(("ا", "و")):
        out += [n + "یی", n + "ئی", n + "ییان", n + "ییها"]
    elif n.endswith("ه"):
        out += [n[:-1] + "ی", n[:-1] + "یها", n[:-1] + "یان"]
    else:
        out += [n + "ی", n + "یان", n + "یها", n + "یهای"]
    return out


def _ar_adjectives(n: str) -> list[str]:
    stem = n[2:] if n.startswith("ال") else n
    stems = {stem}
    if stem.endswith("یا") or stem.endswith(("ه", "ا")):
        stems = {stem[:-1]}
    out = []
    for s in stems:
        base = s if s.endswith("ی") else s + "ی"
        for form in (base, base + "ه", base + "ین", base + "ون", base + "یون", base + "یین"):
            out += [form, "ال" + form]
    return out


def _en_adjectives(n: str) -> list[str]:
    stems = {n}
    for end in ("a", "e", "y", "o", "ia"):
        if n.endswith(end):
            stems.add(n[: -len(end)])
    out = []
    for s in stems:
        out += [s + suf for suf in ("an", "ian", "ese", "ans", "ians")]
    return out


GAZETTEER_FILE = Path(__file__).with_name("gazetteer.json")


@functools.lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[tuple[str, ...], Place], dict[str, Place]]:
    """``(names, adjectives)``: keyed word sequences of every name -> place, and keyed single
    words of every adjective -> place: CLDR's place names (Babel) and the tables here, as built by
    :func:`build_gazetteer` and shipped in ``gazetteer.json`` (building them takes 0.2 s at every
    start; ``python -m align.flags.places`` writes the file again, and a test checks that the
    shipped file is what the build gives).
    """
    if not GAZETTEER_FILE.exists():  # pragma: no cover - the file ships with the package
        return build_gazetteer()
    data = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    return ({tuple(k.split(" ")): Place(*v) for k, v in data["names"].items()},
            {k: Place(*v) for k, v in data["adjectives"].items()})


def gazetteer_json(gaz: tuple[dict[tuple[str, ...], Place], dict[str, Place]]) -> str:
    """The gazetteer as the JSON text of ``gazetteer.json`` (keys sorted: the same build, the same bytes)."""
    names, adjectives = gaz
    data = {"names": {" ".join(k): [p.name, p.country, p.is_city] for k, p in names.items()},
            "adjectives": {k: [p.name, p.country, p.is_city] for k, p in adjectives.items()}}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n"


@dataclass
class _Builder:
    """The gazetteer being built: names and adjectives (the first place given a key keeps it),
    and the canonical name of each country code seen.
    """

    names: dict[tuple[str, ...], Place] = field(default_factory=dict)
    adjectives: dict[str, Place] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)  # code -> canonical

    def add(self, form: str, place: Place) -> None:
        k = tuple(matching_key(form).replace("-", " ").split())
        if k and k not in self.names and not (len(k) == 1 and len(k[0]) < 3 and k[0] not in ("us", "uk")):
            self.names[k] = place

    def add_adj(self, form: str, place: Place) -> None:
        k = matching_key(form)
        if len(k) >= 4 and k not in _NOT_DEMONYMS and k not in _AMBIGUOUS_KEYS and k not in self.adjectives and (k,) not in self.names:
            self.adjectives[k] = place

    def known(self, canon: str) -> Place | None:
        return self.names.get(tuple(matching_key(canon).split()))


def build_gazetteer() -> tuple[dict[tuple[str, ...], Place], dict[str, Place]]:
    """The gazetteer from CLDR (Babel) and the tables of this module (see :func:`gazetteer`)."""
    from babel import Locale

    locs = {lang: Locale(lang) for lang in ("fa", "ar", "en")}
    b = _Builder()
    _add_countries(b, locs)
    _add_extra(b)
    _add_irregular(b)
    # cities: those CLDR names for time zones, then the ones added by hand
    _add_zone_cities(b, locs)
    for canon, (code, forms) in _CITIES.items():
        place = Place(canon, b.countries.get(code, code), True)
        for form in forms:
            if matching_key(form) not in _AMBIGUOUS_KEYS:
                b.add(form, place)
    # the anchors' gazetteer: its spellings are places too
    for canon, forms in PLACES.items():
        known = b.known(canon)
        for form in forms:
            if known and matching_key(form) not in _AMBIGUOUS_KEYS:
                b.add(form, known)
    for k in list(b.names):
        if len(k) == 1 and k[0] in _AMBIGUOUS_KEYS:
            del b.names[k]
    return b.names, b.adjectives


def _add_countries(b: _Builder, locs: dict) -> None:
    """CLDR's territories (and Europe) in the three languages, with their adjectives."""
    for code, en in locs["en"].territories.items():
        if not (len(code) == 2 and code.isalpha()) and code != "150":
            continue
        if code in ("EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"):
            continue
        canon = "Europe" if code == "150" else _CANONICAL.get(code, en)
        b.countries[code] = canon
        place = Place(canon, canon, False)
        forms = {lang: locs[lang].territories.get(code, "") for lang in ("fa", "ar")}
        for form in (en, *forms.values()):
            if form:
                b.add(form, place)
        if forms["fa"]:
            for adj in _fa_adjectives(matching_key(forms["fa"])):
                b.add_adj(adj, place)
        if forms["ar"]:
            for adj in _ar_adjectives(matching_key(forms["ar"])):
                b.add_adj(adj, place)
        if " " not in en:
            for adj in _en_adjectives(en):
                b.add_adj(adj, place)


def _add_extra(b: _Builder) -> None:
    """The regional spellings of :data:`_EXTRA`, with the adjectives of the one-word fa/ar ones."""
    for canon, forms in _EXTRA.items():
        place = Place(canon, canon, False) if canon not in ("Gaza", "West Bank") else Place(canon, "Palestine", False)
        for form in forms:
            b.add(form, place)
            k = matching_key(form)
            if re.search(r"[\u0600-\u06ff]", k) and " " not in k:
                for adj in (_fa_adjectives(k) if re.search("[پچژگ]|ی$", form) or not form.startswith("ال") else []) + _ar_adjectives(k):
                    b.add_adj(adj, place)


def _add_irregular(b: _Builder) -> None:
    """The irregular adjectives (Afghan, British, انگلیسی, الأمريكي …): they win over made ones."""
    for table in (_IRREGULAR_EN, _IRREGULAR_FA, _IRREGULAR_AR):
        for canon, forms in table.items():
            for form in forms:
                b.adjectives[matching_key(form)] = b.known(canon) or Place(canon, canon, False)


def _add_zone_cities(b: _Builder, locs: dict) -> None:
    """The cities CLDR names for time zones in Europe, Asia, Africa, the Americas and Australia."""
    from babel.core import get_global
    from babel.dates import get_timezone_location

    for zone, code in sorted(get_global("zone_territories").items()):
        if not zone.startswith(("Europe/", "Asia/", "Africa/", "America/", "Australia/")) or zone.count("/") > 1:
            continue
        en = get_timezone_location(zone, locale="en", return_city=True)
        if not en or en.lower() in _NOT_CITIES or code not in b.countries:
            continue
        place = Place(en, b.countries[code], True)
        for lang in ("fa", "ar"):
            city = locs[lang].time_zones.get(zone, {}).get("city")
            if city and matching_key(city) not in _AMBIGUOUS_KEYS:
                b.add(city, place)
        b.add(en, place)


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[tuple[str, ...], Place]]]:
    names, _ = gazetteer()
    out: dict[str, list] = {}
    for k, place in names.items():
        out.setdefault(k[0], []).append((k, place))
    for v in out.values():
        v.sort(key=lambda x: -len(x[0]))
    return out


_LATIN = re.compile(r"^[a-z]")


@functools.lru_cache(maxsize=8192)
def _forms(tok: str) -> list[str]:
    """A keyed word, and in Arabic script (longer than three letters) the word without its
    proclitics (و، ف، ب، ل …): the forms looked up in the gazetteer.
    """
    forms = [tok]
    if not _LATIN.match(tok) and len(tok) > 3:
        for bare in (re.sub(r"^[وف]", "", tok), strip_particles(tok)):
            if bare != tok and bare not in forms:
                forms.append(bare)
    return forms


def places_in(text: str) -> dict[str, tuple[Place, str]]:
    """The places ``text`` names, by canonical name: (place, as written), names and adjectives.

    Latin-script names count only when capitalised (Jordan, Turkey, Chad); Arabic-script words
    also without their proclitics (و، ب، ل، ف and ال for adjectives).
    """
    _, adjectives = gazetteer()
    index = _index()
    ws = words(text)
    keys = [matching_key(w).replace("-", " ") for w in ws]
    flat: list[tuple[str, int]] = []  # (keyed sub-token, word index)
    for i, k in enumerate(keys):
        for part in k.split():
            flat.append((part, i))
    out: dict[str, tuple[Place, str]] = {}
    i = 0
    while i < len(flat):
        tok, wi = flat[i]
        latin = bool(_LATIN.match(tok))
        if latin and not ws[wi][:1].isupper():
            i += 1
            continue
        forms = _forms(tok)
        hit = None
        if not latin and i + 1 < len(flat):
            joined = tok + flat[i + 1][0]
            for seq, place in index.get(joined, ()):
                if len(seq) == 1:
                    hit = (2, place)
                    break
        for form in ([] if hit else forms):
            for seq, place in index.get(form, ()):
                n = len(seq)
                if [form, *[t for t, _ in flat[i + 1 : i + n]]] == list(seq):
                    hit = (n, place)
                    break
            if hit:
                break
        if hit:
            n, place = hit
            surface = " ".join(dict.fromkeys(ws[w] for _, w in flat[i : i + n]))
            out.setdefault(place.name, (place, surface))
            i += n
            continue
        for form in forms + ([form[2:] for form in forms if form.startswith("ال")]):
            place = adjectives.get(form) if (not latin or ws[wi][:1].isupper()) else None
            if place is not None:
                out.setdefault(place.name, (place, ws[wi]))
                break
        i += 1
    return out


def only_a_place(text: str) -> bool:
    """Is ``text`` a place name and nothing else ("كابول", "Kabul", "طهران")? A dateline
    ("كابول: وصل وزير …") is not a speaker.
    """
    found = places_in(text)
    return len(found) == 1 and matching_key(next(iter(found.values()))[1]) == matching_key(text)


def is_adjective(surface: str) -> bool:
    """Is ``surface`` (as :func:`places_in` found it) an adjective of a place ("Israeli",
    «إسرائيلية», «ایرانی»), not its name? An Israeli strike does not say where it happened.
    """
    names, adjectives = gazetteer()
    key = matching_key(surface).replace("-", " ")
    if tuple(key.split()) in names or " " in key:
        return False
    forms = _forms(key)
    forms += [f[2:] for f in forms if f.startswith("ال")]  # as places_in finds an adjective
    return not any((f,) in names for f in forms) and any(f in adjectives for f in forms)


_DATELINE_END = re.compile(r"\s*(?::|—|–|\s-\s)\s*")


def without_dateline(text: str) -> str:
    """``text`` without a leading dateline: a place (in capitals, in Latin script), optionally its
    region or the agency, then ``:`` or a dash ("TEHRAN: …", "KABUL — …", "ERBIL, Kurdistan Region
    of Iraq — …", "KABUL (Amu TV): …", «طهران-مهر: …», «كابول: …»). Where a report was filed is
    not a place of its claim.
    """
    m = _DATELINE_END.search(text, 0, 80)
    if m is None or m.start() == 0 or not is_dateline(text[: m.start()], headline=False):
        return text
    return text[m.end():]


def is_dateline(head: str, headline: bool = True) -> bool:
    """Is ``head`` (what comes before the ``:`` or dash opening a text) a dateline: a place, then
    perhaps its region or the agency ("TEHRAN", "KABUL (Amu TV)", «طهران-مهر», «كابول»)? A place
    alone in ordinary case ("Iran: sanctions will fail") counts only with ``headline`` (the
    speaker stage: a place never speaks; the flags keep a headline's place).
    """
    first = re.split(r"[\s,(\-]+", head.strip(), maxsplit=1)[0]
    if len(head.split()) > 8 or not first or not only_a_place(first):
        return False
    if first.isascii() and not first.isupper():
        return headline and only_a_place(head)
    return True


if __name__ == "__main__":  # pragma: no cover - the build step of gazetteer.json
    GAZETTEER_FILE.write_text(gazetteer_json(build_gazetteer()), encoding="utf-8")
    print(f"{GAZETTEER_FILE} written")
