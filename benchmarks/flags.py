"""Disagreement-flag benchmark (issue 21): prints a table, optionally writes JSON.

    python benchmarks/flags.py                         # both parts, NTREX test split
    python benchmarks/flags.py --split dev             # the NTREX documents used for tuning
    python benchmarks/flags.py --part synthetic --json benchmarks/flags-results.json

Part 1, **synthetic edits on parallel news** (NTREX-128: 93 English news documents translated
line by line into Persian and Arabic, ``../shared/benchmarks/ntrex``). For each language pair
(fa-ar, fa-en, ar-en) and each translated sentence pair, one fact both sides state is changed on
one side, in that side's language and script: a number (in digits of the side's script), a
weekday, a month, a day of the month, a year, a person or a place. The flag must fire: a
conflict of the right type for numbers, days, months, dates and years; a flag of the right type
(conflict or only in one side) for people and places. On the untouched pairs: the share with any
conflict and with any flag. Each pair is flagged as a report flags it: the people of the two
documents (speakers, names after titles), the documents as context. Documents 0, 3, 6, … (in
file order, 31 of 93) are the dev split the rules were tuned on; the other 62 are the test split.

Part 2, **real news** (``benchmarks/realnews``): (a) the sentence pairs gold.tsv marks
``CONFLICT:`` (two versions of one figure that disagree): does a conflict flag fire; (b) every
flag of the real-news reports of the pairs in pairs.tsv (``align.compare(a, b, segmented=True,
lang_a=…, lang_b=…)``, the default model), judged right or wrong by a reader in
``benchmarks/flags_judgements.tsv`` (pair, rows, flag, verdict, why): precision of all flags and
of the conflicts, per type. A flag the judgements do not cover is counted as unjudged (judge it
and add it to the file).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align.flags import WEEKDAY_FORMS, disagreements, facts, known_people  # noqa: E402
from align.flags.lexicon import MONTHS  # noqa: E402
from align.flags.people import mentioned  # noqa: E402
from align.flags.places import gazetteer, places_in  # noqa: E402
from align.flags.quantities import _digits_value, dates_compatible, numbers, tokens  # noqa: E402
from align.speakers import attribute  # noqa: E402
from align.text import matching_key  # noqa: E402

NTREX = ROOT.parent / "shared" / "benchmarks" / "ntrex"
REALNEWS = ROOT / "benchmarks" / "realnews"
JUDGEMENTS = ROOT / "benchmarks" / "flags_judgements.tsv"
FILES = {"en": "newstest2019-src.eng.txt", "fa": "newstest2019-ref.fas.txt", "ar": "newstest2019-ref.arb.txt"}
PAIRS = (("fa", "ar"), ("fa", "en"), ("ar", "en"))
EDITS = ("number", "day", "month", "date", "year", "person", "place")
CONFLICT_EDITS = {"number": {"number", "count"}, "day": {"day"}, "month": {"month"}, "date": {"date"}, "year": {"year"}}


def _h(*parts) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


# -- NTREX ---------------------------------------------------------------------------------------

def load_ntrex() -> list[tuple[str, dict[str, list[str]]]]:
    """The documents in file order: (document id, {lang: lines})."""
    lines = {lang: (NTREX / name).read_text(encoding="utf-8").splitlines() for lang, name in FILES.items()}
    ids = [x.split("\t")[0] for x in (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()]
    docs: dict[str, dict[str, list[str]]] = {}
    for k, doc in enumerate(ids):
        d = docs.setdefault(doc, {lang: [] for lang in FILES})
        for lang in FILES:
            d[lang].append(lines[lang][k])
    return list(docs.items())


def split_of(index: int) -> str:
    return "dev" if index % 3 == 0 else "test"


class DocPair:
    """Two translations of one document as a report sees them: their people and speakers."""

    def __init__(self, a_lines: list[str], b_lines: list[str], la: str, lb: str):
        self.la, self.lb = la, lb
        self.a_lines, self.b_lines = a_lines, b_lines
        self.a_text, self.b_text = "\n".join(a_lines), "\n".join(b_lines)
        sa = attribute([(t, la) for t in a_lines], self.a_text)
        sb = attribute([(t, lb) for t in b_lines], self.b_text)
        self.speakers_a = [s.name if s else None for s in sa]
        self.speakers_b = [s.name if s else None for s in sb]
        names = [[s for s in self.speakers_a if s], [s for s in self.speakers_b if s]]
        self.people = known_people([self.a_text, self.b_text], names)

    def flags(self, i: int, a_line: str | None = None, b_line: str | None = None):
        a = self.a_lines[i] if a_line is None else a_line
        b = self.b_lines[i] if b_line is None else b_line
        ctx_a = self.a_text if a_line is None else "\n".join([*self.a_lines[:i], a, *self.a_lines[i + 1:]])
        ctx_b = self.b_text if b_line is None else "\n".join([*self.b_lines[:i], b, *self.b_lines[i + 1:]])
        sp_a = [self.speakers_a[i]] if self.speakers_a[i] else []
        sp_b = [self.speakers_b[i]] if self.speakers_b[i] else []
        return disagreements(a, b, self.people, sp_a, sp_b, context_a=ctx_a, context_b=ctx_b)


# -- edits ------------------------------------------------------------------------------------------

_DIGITS = {"ascii": "0123456789", "fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}


def _script_of(s: str) -> str:
    if re.search("[۰-۹]", s):
        return "fa"
    if re.search("[٠-٩]", s):
        return "ar"
    return "ascii"


def _write_number(value: float, like: str) -> str:
    """``value`` written as ``like`` is: its digits, thousands separator and decimals."""
    script = _script_of(like)
    plain = matching_key(like)
    dec_sep = next((c for c in (".", "٫", "/") if c in like and not re.search(r"[,٬]\d{3}", like)), None)
    if dec_sep:
        decimals = len(plain.split(dec_sep if dec_sep != "٫" else ".")[-1]) if dec_sep != "٫" else len(like.split("٫")[-1])
        text = f"{value:.{decimals}f}".replace(".", dec_sep)
    else:
        text = str(int(round(value)))
        sep = next((c for c in (",", "٬") if c in like), None)
        if sep:
            text = f"{int(round(value)):,}".replace(",", sep)
    return text.translate(str.maketrans("0123456789", _DIGITS[script]))


def _replace_token(line: str, start: int, end: int, new: str) -> str:
    return line[:start] + new + line[end:]


def edit_number(line: str, other: str):
    """A number both sides state, changed on this side (+25%, at least 1)."""
    mine = [q for q in numbers(line).quantities if q.digits and q.firm and q.value is not None and q.low == q.high and q.value >= 1]
    theirs = numbers(other).quantities
    for q in mine:
        same = [o for o in theirs if o.low <= q.value <= o.high]
        if not same:
            continue
        # a change that leaves the other side's interval: down from "at least", up from "up to"
        up = same[0].high != float("inf") and (same[0].low == 0 or q.high == float("inf"))
        for t in tokens(line):
            if t.kind == "num" and _digits_value(t, bool(re.search("[۰-۹پچژگکی]", line))) == q.value and t.text in q.text:
                step = max(1, round(q.value * 0.25)) if q.value == int(q.value) else round(max(0.1, q.value * 0.1), 6)
                new_value = q.value + step if up or q.value - step < 1 else round(q.value - step, 6)
                new = _write_number(new_value, t.text)
                return _replace_token(line, t.start, t.end, new), f"{t.text} -> {new}"
    return None


_WEEKDAY_BY_LANG = {lang: {i: next(f for f in forms if test(f)) for i, forms in WEEKDAY_FORMS.items()} for lang, test in (
    ("en", lambda f: f.isascii()), ("fa", lambda f: not f.isascii() and not f.startswith("ال") and " " not in f),
    ("ar", lambda f: f.startswith("ال")))}


def edit_day(line: str, other: str, lang: str):
    fa, fb = facts(line), facts(other)
    for idx, surface in fa.weekdays.items():
        if idx not in fb.weekdays:
            continue
        new = _WEEKDAY_BY_LANG[lang][(idx + 3) % 7]
        pos = line.find(surface)
        if pos < 0:
            continue
        if lang == "en":
            new = new.capitalize() if surface[:1].isupper() else new
            return _replace_token(line, pos, pos + len(surface), new), f"{surface} -> {new}"
        if lang == "ar":
            k = surface.find("ال")
            if k < 0:
                continue
            return _replace_token(line, pos + k, pos + len(surface), new), f"{surface} -> {surface[:k]}{new}"
        return _replace_token(line, pos, pos + len(surface), new), f"{surface} -> {new}"
    return None


def _month_tables():
    from babel import Locale

    out = {"en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December"]}
    out["fa"] = [Locale("fa").months["format"]["wide"][m] for m in range(1, 13)]
    out["ar"] = [Locale("ar").months["format"]["wide"][m] for m in range(1, 13)]
    out["ar_lev"] = [Locale("ar", "SY").months["format"]["wide"][m] for m in range(1, 13)]
    out["solar"] = list(MONTHS["solar"])
    return out


MONTH_TABLES = _month_tables()


def _find_month(line: str, cal: str, month: int, lang: str):
    """(start, end, table) of the month's name in ``line``."""
    tables = ["solar"] if cal == "solar" else (["en"] if lang == "en" else [lang] + (["ar_lev"] if lang == "ar" else []))
    for table in tables:
        name = MONTH_TABLES[table][month - 1]
        for m in re.finditer(re.escape(name), line, re.I if lang == "en" else 0):
            return m.start(), m.end(), table
    return None


def edit_month(line: str, other: str, lang: str):
    da, db = numbers(line).dates, numbers(other).dates
    for d in da:
        if d.month is None or d.calendar == "hijri" or not any(dates_compatible(d, e) and e.month for e in db):
            continue
        found = _find_month(line, d.calendar, d.month, lang)
        if not found:
            continue
        s, e, table = found
        new_month = (d.month + 3) % 12 + 1
        new = MONTH_TABLES[table][new_month - 1]
        return _replace_token(line, s, e, new), f"{line[s:e]} -> {new}"
    return None


def _date_number(line: str, d, field: str):
    """The token of the day (or the year) of date ``d`` in ``line``."""
    pos = line.find(d.text)
    if pos < 0:
        return None
    want = d.day if field == "day" else d.year
    for t in tokens(d.text):
        if t.kind == "num" and re.fullmatch(r"\d+", t.key) and int(t.key) == want:
            return pos + t.start, pos + t.end, t.text
    return None


def edit_date(line: str, other: str, field: str):
    da, db = numbers(line).dates, numbers(other).dates
    for d in da:
        value = d.day if field == "day" else d.year
        if value is None or not any(dates_compatible(d, e) and (e.day if field == "day" else e.year) for e in db):
            continue
        found = _date_number(line, d, field)
        if not found:
            continue
        s, e, text = found
        new_value = (value + 3 if value <= 25 else value - 4) if field == "day" else value - 2
        new = _write_number(new_value, text)
        return _replace_token(line, s, e, new), f"{text} -> {new}"
    return None


def edit_person(line: str, other: str, pair: DocPair, pool: list[str]):
    pa, pb = mentioned(line, pair.people), mentioned(other, pair.people)
    for k, surface in pa.items():
        if k not in pb:
            continue
        pos = line.find(surface)
        if pos < 0:
            continue
        choices = [n for n in pool if not mentioned(n, pair.people) and n not in line and n not in other]
        if not choices:
            return None
        new = choices[_h(line, k) % len(choices)]
        return _replace_token(line, pos, pos + len(surface), new), f"{surface} -> {new}"
    return None


def _place_pools():
    from babel import Locale

    names, _ = gazetteer()
    out: dict[tuple[str, bool], list[str]] = defaultdict(list)
    countries = ("DE", "FR", "IT", "ES", "SE", "NO", "PL", "GR", "EG", "JP", "BR", "CA", "MX", "KE", "AR", "PT", "NL", "BE", "AT", "CH")
    for lang in ("fa", "ar", "en"):
        loc = Locale(lang)
        out[lang, False] = [loc.territories[c] for c in countries]
    cities = {"en": ["Paris", "Berlin", "Madrid", "Rome", "Cairo", "Tokyo", "Vienna", "Athens", "Lisbon", "Warsaw"],
              "fa": ["پاریس", "برلین", "مادرید", "رم", "قاهره", "توکیو", "وین", "آتن", "لیسبون", "ورشو"],
              "ar": ["باريس", "برلين", "مدريد", "روما", "القاهرة", "طوكيو", "فيينا", "أثينا", "لشبونة", "وارسو"]}
    for lang, cs in cities.items():
        out[lang, True] = [c for c in cs if tuple(matching_key(c).split()) in names]
    return out


PLACE_POOLS = None


def edit_place(line: str, other: str, lang: str):
    global PLACE_POOLS
    if PLACE_POOLS is None:
        PLACE_POOLS = _place_pools()
    names, _ = gazetteer()
    pa, pb = places_in(line), places_in(other)
    for name, (place, surface) in pa.items():
        if name not in pb or tuple(matching_key(surface).replace("-", " ").split()) not in names:
            continue
        pos = line.find(surface)
        if pos < 0:
            continue
        pool = [p for p in PLACE_POOLS[lang, place.is_city] if not (set(places_in(p)) & (set(pa) | set(pb)))]
        if not pool:
            continue
        new = pool[_h(line, name) % len(pool)]
        return _replace_token(line, pos, pos + len(surface), new), f"{surface} -> {new}"
    return None


def person_pools(docs) -> dict[tuple[int, str], list[str]]:
    """For each document and script (latin, arabic): names of people of the *other* documents."""
    per_doc: list[dict[str, set[str]]] = []
    for _, d in docs:
        names = {"latin": set(), "arabic": set()}
        for lang in ("fa", "ar", "en"):
            sp = attribute([(t, lang) for t in d[lang]], "\n".join(d[lang]))
            people = known_people(["\n".join(d[lang])], [s.name for s in sp if s])
            for n in people.values():
                if len(n.split()) >= 2:
                    names["latin" if n.isascii() else "arabic"].add(n)
        per_doc.append(names)
    out = {}
    for k in range(len(docs)):
        for script in ("latin", "arabic"):
            out[k, script] = sorted({n for j, names in enumerate(per_doc) if j != k for n in names[script]})
    return out


def synthetic(split: str) -> dict:
    docs = load_ntrex()
    pools = person_pools(docs)
    untouched: dict[str, Counter] = defaultdict(Counter)
    edits: dict[str, Counter] = defaultdict(Counter)
    misses: dict[str, list] = defaultdict(list)
    false_flags: Counter = Counter()
    for k, (doc_id, d) in enumerate(docs):
        if split != "all" and split_of(k) != split:
            continue
        for la, lb in PAIRS:
            pair = DocPair(d[la], d[lb], la, lb)
            lp = f"{la}-{lb}"
            for i in range(len(d[la])):
                a, b = d[la][i], d[lb][i]
                flags = pair.flags(i)
                untouched[lp]["pairs"] += 1
                untouched[lp]["any conflict"] += any(f.is_conflict for f in flags)
                untouched[lp]["any flag"] += bool(flags)
                for f in flags:
                    false_flags[f.kind, "conflict" if f.is_conflict else "only"] += 1
                for kind in EDITS:
                    side = "a" if _h(doc_id, i, lp, kind) % 2 == 0 else "b"
                    line, other, lang = (a, b, la) if side == "a" else (b, a, lb)
                    if kind == "number":
                        done = edit_number(line, other)
                    elif kind == "day":
                        done = edit_day(line, other, lang)
                    elif kind == "month":
                        done = edit_month(line, other, lang)
                    elif kind in ("date", "year"):
                        done = edit_date(line, other, "day" if kind == "date" else "year")
                    elif kind == "person":
                        done = edit_person(line, other, pair, pools[k, "latin" if lang == "en" else "arabic"])
                    else:
                        done = edit_place(line, other, lang)
                    if done is None:
                        continue
                    new_line, what = done
                    got = pair.flags(i, a_line=new_line) if side == "a" else pair.flags(i, b_line=new_line)
                    wanted = CONFLICT_EDITS.get(kind)
                    if wanted:
                        hit = any(f.is_conflict and f.kind in wanted for f in got)
                    else:
                        hit = any(f.kind == kind for f in got)
                    edits[kind]["edits"] += 1
                    edits[kind]["flagged"] += hit
                    edits[kind, lp]["edits"] += 1
                    edits[kind, lp]["flagged"] += hit
                    if not hit and len(misses[kind]) < 12:
                        misses[kind].append({"doc": doc_id, "line": i, "pair": lp, "side": side, "edit": what,
                                             "flags": [str(f) for f in got]})
    total = Counter()
    for c in untouched.values():
        total.update(c)
    untouched["all"] = total
    return {
        "split": split,
        "untouched": {lp: {"pairs": c["pairs"], "any_conflict": c["any conflict"] / max(c["pairs"], 1),
                           "any_flag": c["any flag"] / max(c["pairs"], 1)} for lp, c in untouched.items()},
        "untouched_flags": {f"{k} {s}": n for (k, s), n in sorted(false_flags.items())},
        "edits": {kind: {"edits": edits[kind]["edits"], "recall": edits[kind]["flagged"] / max(edits[kind]["edits"], 1),
                         **{lp: edits[kind, lp]["flagged"] / max(edits[kind, lp]["edits"], 1) for lp in (f"{x}-{y}" for x, y in PAIRS)
                            if edits[kind, lp]["edits"]}}
                  for kind in EDITS},
        "misses": dict(misses),
    }


# -- real news ---------------------------------------------------------------------------------------

def _tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def realnews_reports() -> dict:
    """pair id -> the report of the pair (the default model)."""
    import align

    langs = {r["article_id"]: r["lang"] for r in _tsv(REALNEWS / "SOURCES.tsv")}
    out = {}
    for p in _tsv(REALNEWS / "pairs.tsv"):
        a, b = p["a"], p["b"]
        out[p["pair_id"]] = align.compare(REALNEWS / "articles" / f"{a}.txt", REALNEWS / "articles" / f"{b}.txt",
                                          segmented=True, lang_a=langs[a], lang_b=langs[b], progress=False)
    return out


def current_flags(reports: dict) -> list[dict[str, str]]:
    rows = []
    for pid, rep in reports.items():
        for r in rep.matches:
            for f in r.flags:
                if f.severity != "note":
                    rows.append({"pair": pid, "rows": r.key, "flag": str(f), "type": f.kind, "severity": f.severity})
    return rows


def gold_conflicts(reports: dict) -> list[dict]:
    """The CONFLICT pairs of gold.tsv: the flags between their two lines (as a report flags them)."""
    from align.rows import flag_pair, people_of

    out = []
    for g in _tsv(REALNEWS / "gold.tsv"):
        if not g["note"].startswith("CONFLICT"):
            continue
        rep = reports[g["pair_id"]]
        a_units = (rep.a.sentences[int(g["a_line"])],)
        b_units = (rep.b.sentences[int(g["b_line"])],)
        flags = flag_pair(a_units, b_units, people_of(rep.a, rep.b), (rep.a.document.text, rep.b.document.text))
        out.append({"pair": g["pair_id"], "rows": f"A{int(g['a_line']) + 1}|B{int(g['b_line']) + 1}", "note": g["note"],
                    "matched": any(r.a_ids == (int(g["a_line"]) + 1,) and r.b_ids == (int(g["b_line"]) + 1,) for r in rep.matches),
                    "conflicts": [str(f) for f in flags if f.is_conflict], "flags": [str(f) for f in flags]})
    return out


def realnews() -> dict:
    reports = realnews_reports()
    flags = current_flags(reports)
    judged = {(j["pair"], j["rows"], j["flag"]): j for j in _tsv(JUDGEMENTS)} if JUDGEMENTS.exists() else {}
    per: dict[str, Counter] = defaultdict(Counter)
    unjudged = []
    for f in flags:
        j = judged.get((f["pair"], f["rows"], f["flag"]))
        if j is None:
            unjudged.append(f)
            continue
        right = j["verdict"] == "right"
        for key in ("all", f"{f['type']}", "conflicts" if f["severity"] == "conflict" else "only in one side",
                    f"{f['type']} {'conflict' if f['severity'] == 'conflict' else 'only'}"):
            per[key]["judged"] += 1
            per[key]["right"] += right
    gold = gold_conflicts(reports)
    return {
        "flags": len(flags), "unjudged": unjudged,
        "precision": {k: {"judged": c["judged"], "precision": c["right"] / c["judged"]} for k, c in sorted(per.items())},
        "gold_conflicts": gold,
        "gold_conflicts_flagged": sum(bool(g["conflicts"]) for g in gold) / max(len(gold), 1),
        "internal_keys_or_verbs": _bad_names(flags),
    }


def _bad_names(flags: list[dict]) -> list[str]:
    """Person flags that show something other than a name: a skeleton key, a verb glued on."""
    bad = []
    verbs = re.compile(r"^(?:و|ف)(?:صرح|قال|أكد|اكد|أضاف|شدد)|(?:بودند|است|کرد|تاكيد|تاکید)$")
    for f in flags:
        if f["type"] != "person":
            continue
        for name in re.split(r": | vs |, ", f["flag"])[1:]:
            name = name.strip()
            if (name.isascii() and name.islower()) or any(verbs.search(w) for w in name.split()):
                bad.append(f["flag"])
    return bad


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=("synthetic", "realnews", "all"), default="all")
    ap.add_argument("--split", choices=("dev", "test", "all"), default="test", help="NTREX documents (default: the held-out test split)")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--write-unjudged", type=Path, help="real news: write the flags the judgements lack (TSV, to judge)")
    args = ap.parse_args(argv)
    out: dict = {}
    t0 = time.time()
    if args.part in ("synthetic", "all"):
        syn = synthetic(args.split)
        out["synthetic"] = syn
        print(f"\nSynthetic edits on NTREX ({args.split} split: documents {'0, 3, 6, …' if args.split == 'dev' else '1, 2, 4, 5, …' if args.split == 'test' else 'all'})")
        print(f"{'edit':<8} {'edits':>6} {'flagged':>8}   " + "  ".join(f"{x}-{y:<3}" for x, y in PAIRS) + "   (wanted)")
        for kind, r in syn["edits"].items():
            per = "  ".join(f"{r.get(f'{x}-{y}', float('nan')):>6.1%}" for x, y in PAIRS)
            want = "conflict of the type" if kind in CONFLICT_EDITS else "a flag of the type"
            print(f"{kind:<8} {r['edits']:>6} {r['recall']:>8.1%}   {per}   ({want})")
        print(f"\n{'untouched':<10} {'pairs':>6} {'any conflict':>13} {'any flag':>9}")
        for lp, r in syn["untouched"].items():
            print(f"{lp:<10} {r['pairs']:>6} {r['any_conflict']:>13.1%} {r['any_flag']:>9.1%}")
        print("flags on untouched pairs by type:", ", ".join(f"{k} {n}" for k, n in syn["untouched_flags"].items()))
    if args.part in ("realnews", "all"):
        rn = realnews()
        out["realnews"] = rn
        print(f"\nReal news: {rn['flags']} flags on the reports of the {len(_tsv(REALNEWS / 'pairs.tsv'))} pairs, "
              f"{len(rn['unjudged'])} not judged yet")
        print(f"{'flags':<24} {'judged':>6} {'right':>7}")
        for k, r in rn["precision"].items():
            print(f"{k:<24} {r['judged']:>6} {r['precision']:>7.1%}")
        g = rn["gold_conflicts"]
        print(f"gold CONFLICT pairs with a conflict flag: {sum(bool(x['conflicts']) for x in g)}/{len(g)}")
        for x in g:
            print(f"  {x['pair']} {x['rows']:<8} {'conflict' if x['conflicts'] else '-':<9} {x['note'][:70]}  {'; '.join(x['conflicts'])[:90]}")
        print(f"names showing a key or a verb: {len(rn['internal_keys_or_verbs'])}")
        if args.write_unjudged:
            with open(args.write_unjudged, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f, delimiter="\t", lineterminator="\n")
                w.writerow(["pair", "rows", "flag", "verdict", "why"])
                for u in rn["unjudged"]:
                    w.writerow([u["pair"], u["rows"], u["flag"], "", ""])
    print(f"\n({time.time() - t0:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
