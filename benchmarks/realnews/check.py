#!/usr/bin/env python3
"""Validate the real-news claim-alignment set in this folder and print its counts.

Stdlib only.  Usage:  python3 benchmarks/realnews/check.py   (exit status 1 on any problem)

Checks: every article of pairs.tsv exists (articles/<id>.txt, UTF-8, one sentence per line,
5-20 non-empty lines) and is listed in SOURCES.tsv; SOURCES.tsv rows have an existing article,
a known event, a language matching the id, a YYYY-MM-DD (or empty) date and a URL; the two
articles of a pair belong to the pair's event, are in different languages ordered fa < ar < en
and come from different outlets; every event has exactly one split (dev or test), so no event is
in both splits; every gold row names a known pair, 0-based line numbers inside both articles, a
label strong/related and a note, with no duplicate (pair, a_line, b_line).
"""
import csv
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
LANG_ORDER = {"fa": 0, "ar": 1, "en": 2}
LABELS = ("strong", "related")
SPLITS = ("dev", "test")

problems = []


def fail(msg):
    problems.append(msg)


def read_tsv(name, columns):
    path = os.path.join(HERE, name)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != list(columns):
        fail(f"{name}: header must be {columns}, got {rows[0] if rows else None}")
        return []
    out = []
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(columns):
            fail(f"{name}:{i}: expected {len(columns)} fields, got {len(r)}")
            continue
        out.append(dict(zip(columns, r, strict=True)))
    return out


def read_article(aid):
    path = os.path.join(HERE, "articles", aid + ".txt")
    if not os.path.isfile(path):
        fail(f"article file missing: articles/{aid}.txt")
        return None
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"articles/{aid}.txt: not UTF-8 ({e})")
        return None
    if not text.endswith("\n"):
        fail(f"articles/{aid}.txt: must end with a newline")
    lines = text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
    for i, line in enumerate(lines):
        if not line.strip():
            fail(f"articles/{aid}.txt:{i}: empty line")
        if line != line.strip():
            fail(f"articles/{aid}.txt:{i}: leading/trailing whitespace")
    if not 5 <= len(lines) <= 20:
        fail(f"articles/{aid}.txt: {len(lines)} sentences (must be 5-20)")
    return lines


def main():
    events = read_tsv("events.tsv", ("event", "description", "split"))
    sources = read_tsv("SOURCES.tsv", ("article_id", "event", "lang", "outlet", "date", "url", "title"))
    pairs = read_tsv("pairs.tsv", ("pair_id", "event", "a", "b"))
    gold = read_tsv("gold.tsv", ("pair_id", "a_line", "b_line", "label", "note"))

    # events and splits
    split_of = {}
    for e in events:
        if e["event"] in split_of:
            fail(f"events.tsv: event {e['event']} listed twice (an event may be in one split only)")
        if e["split"] not in SPLITS:
            fail(f"events.tsv: event {e['event']} has split {e['split']!r} (dev or test)")
        if not e["description"].strip():
            fail(f"events.tsv: event {e['event']} has no description")
        split_of[e["event"]] = e["split"]

    # sources
    src = {}
    for s in sources:
        aid = s["article_id"]
        if aid in src:
            fail(f"SOURCES.tsv: {aid} listed twice")
        src[aid] = s
        if s["event"] not in split_of:
            fail(f"SOURCES.tsv: {aid}: event {s['event']} not in events.tsv (no split)")
        if s["lang"] not in LANG_ORDER:
            fail(f"SOURCES.tsv: {aid}: lang {s['lang']!r}")
        m = re.fullmatch(r"(e\d+)_(fa|ar|en)_[a-z0-9]+", aid)
        if not m or m.group(1) != s["event"] or m.group(2) != s["lang"]:
            fail(f"SOURCES.tsv: {aid}: id does not match event/lang ({s['event']}, {s['lang']})")
        if s["date"] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s["date"]):
            fail(f"SOURCES.tsv: {aid}: date {s['date']!r} is not YYYY-MM-DD")
        if not re.match(r"https?://", s["url"]):
            fail(f"SOURCES.tsv: {aid}: url {s['url']!r}")
        if not s["outlet"].strip():
            fail(f"SOURCES.tsv: {aid}: no outlet")

    articles = {aid: read_article(aid) for aid in src}
    on_disk = {f[:-4] for f in os.listdir(os.path.join(HERE, "articles")) if f.endswith(".txt")}
    for extra in sorted(on_disk - set(src)):
        fail(f"articles/{extra}.txt is not listed in SOURCES.tsv")

    # pairs
    pair = {}
    for p in pairs:
        pid = p["pair_id"]
        if pid in pair:
            fail(f"pairs.tsv: {pid} listed twice")
        pair[pid] = p
        if p["event"] not in split_of:
            fail(f"pairs.tsv: {pid}: event {p['event']} has no split in events.tsv")
        for side in ("a", "b"):
            aid = p[side]
            if aid not in src:
                fail(f"pairs.tsv: {pid}: article {aid} not in SOURCES.tsv")
            if not os.path.isfile(os.path.join(HERE, "articles", aid + ".txt")):
                fail(f"pairs.tsv: {pid}: article file articles/{aid}.txt missing")
            elif aid in src and src[aid]["event"] != p["event"]:
                fail(f"pairs.tsv: {pid}: {aid} belongs to {src[aid]['event']}, not {p['event']}")
        a, b = src.get(p["a"]), src.get(p["b"])
        if a and b:
            if LANG_ORDER[a["lang"]] >= LANG_ORDER[b["lang"]]:
                fail(f"pairs.tsv: {pid}: languages {a['lang']}-{b['lang']} (a must come first in fa, ar, en)")
            if a["outlet"] == b["outlet"]:
                fail(f"pairs.tsv: {pid}: both articles from {a['outlet']}")
    seen_ab = Counter((p["a"], p["b"]) for p in pairs)
    for ab, n in seen_ab.items():
        if n > 1:
            fail(f"pairs.tsv: article pair {ab} listed {n} times")

    # gold
    seen = set()
    per_pair = defaultdict(Counter)
    for i, g in enumerate(gold, start=2):
        pid = g["pair_id"]
        if pid not in pair:
            fail(f"gold.tsv:{i}: unknown pair {pid}")
            continue
        if g["label"] not in LABELS:
            fail(f"gold.tsv:{i}: label {g['label']!r} (strong or related)")
        if not g["note"].strip():
            fail(f"gold.tsv:{i}: empty note")
        try:
            al, bl = int(g["a_line"]), int(g["b_line"])
        except ValueError:
            fail(f"gold.tsv:{i}: line numbers must be integers")
            continue
        for side, ln in (("a", al), ("b", bl)):
            lines = articles.get(pair[pid][side])
            if lines is not None and not 0 <= ln < len(lines):
                fail(f"gold.tsv:{i}: {pid} {side}_line {ln} outside {pair[pid][side]} (0..{len(lines) - 1})")
        key = (pid, al, bl)
        if key in seen:
            fail(f"gold.tsv:{i}: duplicate {key}")
        seen.add(key)
        per_pair[pid][g["label"]] += 1
        if g["note"].startswith("CONFLICT:"):
            per_pair[pid]["conflict"] += 1
    for pid in pair:
        if per_pair[pid]["strong"] == 0:
            fail(f"gold.tsv: pair {pid} has no strong gold pair")

    # counts table
    def lp(p):
        return f"{src[p['a']]['lang']}-{src[p['b']]['lang']}" if p["a"] in src and p["b"] in src else "?"

    print("split  events  pairs  fa-ar  fa-en  ar-en  articles  sentences  strong  related  (conflict)")
    tot = Counter()
    for split in SPLITS + ("all",):
        ps = [p for p in pairs if split == "all" or split_of.get(p["event"]) == split]
        evs = {p["event"] for p in ps}
        arts = {x for p in ps for x in (p["a"], p["b"])}
        sents = sum(len(articles[a] or []) for a in arts if a in articles)
        langs = Counter(lp(p) for p in ps)
        st = sum(per_pair[p["pair_id"]]["strong"] for p in ps)
        rel = sum(per_pair[p["pair_id"]]["related"] for p in ps)
        con = sum(per_pair[p["pair_id"]]["conflict"] for p in ps)
        print(f"{split:<6} {len(evs):>6} {len(ps):>6} {langs['fa-ar']:>6} {langs['fa-en']:>6} {langs['ar-en']:>6}"
              f" {len(arts):>9} {sents:>10} {st:>7} {rel:>8} {con:>11}")
        if split == "all":
            tot = langs
            n_events, n_pairs = len(evs), len(ps)
    print()
    print("per event:")
    for e in events:
        ps = [p for p in pairs if p["event"] == e["event"]]
        st = sum(per_pair[p["pair_id"]]["strong"] for p in ps)
        rel = sum(per_pair[p["pair_id"]]["related"] for p in ps)
        print(f"  {e['event']}  {e['split']:<4}  pairs {len(ps)}  strong {st:>3}  related {rel:>3}  {e['description']}")

    # minimum size of the set (from its brief)
    if n_pairs < 14:
        fail(f"only {n_pairs} pairs (at least 14)")
    if n_events < 7:
        fail(f"only {n_events} events with pairs (at least 7)")
    for lp in ("fa-ar", "fa-en", "ar-en"):
        if tot[lp] < 3:
            fail(f"only {tot[lp]} {lp} pairs (at least 3)")
    for e in events:
        if not any(p["event"] == e["event"] for p in pairs):
            fail(f"event {e['event']} has no pair")

    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
