"""Comparable document pairs with known counterparts, for calibrating and evaluating the matcher.

Three distributions, each split into a part the calibration may see and a part it never sees:

- ``realnews``: the hand-annotated real-news set (``benchmarks/realnews``), one sentence per line
  (``segmented=True``, so gold line k is segment k + 1); right = ``strong`` or a ``CONFLICT:``
  ``related`` pair (the same claim with contradicting figures). Split by event: ``dev`` / ``test``.
- ``tatoeba``: Persian-English and Arabic-English documents built from the Tatoeba test sets:
  a random number of shared sentences (1-20) shuffled among a random number of unshared ones
  (0-20 per side), so documents run from one sentence to forty. Lines 0-299 of every Tatoeba
  file are reserved for the background samples (``align/background.npz``); lines 300-649 build
  the calibration documents, lines 650-999 the evaluation documents.
- ``textberg``: German-French documents from Text+Berg: windows of 30 consecutive gold
  alignments, each kept on both sides with probability 0.4 and otherwise on one side only, both
  sides shuffled (same-topic distractors); sentences are the units, so a 1-2 alignment gives a
  sentence two counterparts. Documents 001-004 for calibration, 005-007 for evaluation.

Every document pair is prepared exactly as ``align.compare(..., segmented=True)`` prepares it
(``align.sides.prepare_side``: segments, speakers, claims, embeddings).
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from align.documents import Document
from align.sides import Side, prepare_side

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchmarks"
REALNEWS = ROOT / "benchmarks" / "realnews"
TATOEBA_LANGS = {"pes": "fa", "ara": "ar", "deu": "de", "fra": "fr", "rus": "ru", "tur": "tr", "urd": "ur",
                 "heb": "he", "cmn": "zh", "spa": "es"}
BACKGROUND_LINES = 300  # lines 0-299 of each Tatoeba file: background samples only
CALIBRATION_LINES = (300, 650)
EVALUATION_LINES = (650, 1000)
ENGLISH_FROM = ("deu", "fra", "rus", "tur", "spa")  # English background: 60 lines of each


@dataclass
class DocPair:
    """Two prepared documents and their counterparts (0-based sentence ids)."""

    name: str
    dist: str
    a: Side
    b: Side
    right: set = field(default_factory=set)  # sentence pairs that state the same claim
    strong: set = field(default_factory=set)  # realnews: the strong ones (recall is measured on them)
    related: set = field(default_factory=set)  # realnews: every annotated pair (strong or related)
    group: str = ""  # realnews: the event


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def _side(lines: list[str], lang: str, name: str, encode) -> Side:
    return prepare_side(Document("\n".join(lines), name, lang), encode, lang=lang, segmented=True)


# -- background samples -------------------------------------------------------------------------

def background_samples(tatoeba: Path = SHARED / "tatoeba") -> dict[str, list[str]]:
    """300 sentences per language (ISO code) from lines 0-299 of the Tatoeba files; English from
    five files' English sides, leaving out any sentence of the Persian and Arabic files' English
    sides (the evaluation documents' English)."""
    out = {code: [s for s in _lines(tatoeba / f"tatoeba.{t}-eng.{t}")[:BACKGROUND_LINES] if s]
           for t, code in TATOEBA_LANGS.items()}
    used = {s for t in ("pes", "ara") for s in _lines(tatoeba / f"tatoeba.{t}-eng.eng")}
    english: list[str] = []
    for t in ENGLISH_FROM:
        english += [s for s in _lines(tatoeba / f"tatoeba.{t}-eng.eng")[: BACKGROUND_LINES // len(ENGLISH_FROM)]
                    if s and s not in used and s not in english]
    out["en"] = english
    return out


# -- real news ----------------------------------------------------------------------------------

def _tsv(name: str) -> list[dict]:
    with open(REALNEWS / name, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def realnews_pairs() -> list[dict]:
    """Rows of pairs.tsv with their split, languages and gold (0-based line pairs)."""
    split = {r["event"]: r["split"] for r in _tsv("events.tsv")}
    gold: dict[str, dict] = {}
    for r in _tsv("gold.tsv"):
        label = "conflict" if r["label"] == "related" and r["note"].startswith("CONFLICT") else r["label"]
        gold.setdefault(r["pair_id"], {})[(int(r["a_line"]), int(r["b_line"]))] = label
    out = []
    for r in _tsv("pairs.tsv"):
        out.append({**r, "split": split[r["event"]], "lang_a": r["a"].split("_")[1], "lang_b": r["b"].split("_")[1],
                    "gold": gold.get(r["pair_id"], {}), "path_a": REALNEWS / "articles" / f"{r['a']}.txt",
                    "path_b": REALNEWS / "articles" / f"{r['b']}.txt"})
    return out


def realnews(split: str, encode) -> list[DocPair]:
    """The real-news pairs of one split (``dev`` or ``test``), prepared."""
    sides: dict[str, Side] = {}

    def side(path: Path, lang: str) -> Side:
        if path not in sides:
            sides[path] = prepare_side(path, encode, lang=lang, segmented=True)
        return sides[path]

    out = []
    for p in realnews_pairs():
        if p["split"] != split:
            continue
        g = p["gold"]
        out.append(DocPair(p["pair_id"], f"realnews-{split}", side(p["path_a"], p["lang_a"]), side(p["path_b"], p["lang_b"]),
                           right={k for k, v in g.items() if v in ("strong", "conflict")},
                           strong={k for k, v in g.items() if v == "strong"}, related=set(g), group=p["event"]))
    return out


# -- Tatoeba ------------------------------------------------------------------------------------

def tatoeba(lang: str, part: str, encode, docs: int = 50, seed: int = 0, tatoeba_dir: Path = SHARED / "tatoeba") -> list[DocPair]:
    """Partly overlapping documents from Tatoeba ``lang``-English (``part``: "calibration" or
    "evaluation" lines): 1-20 shared sentences shuffled among 0-20 unshared ones per side."""
    lo, hi = CALIBRATION_LINES if part == "calibration" else EVALUATION_LINES
    xs = _lines(tatoeba_dir / f"tatoeba.{lang}-eng.{lang}")[lo:hi]
    es = _lines(tatoeba_dir / f"tatoeba.{lang}-eng.eng")[lo:hi]
    code = TATOEBA_LANGS[lang]
    rng = np.random.default_rng(seed)
    out = []
    for d in range(docs):
        n_shared, n_x, n_e = int(rng.integers(1, 21)), int(rng.integers(0, 21)), int(rng.integers(0, 21))
        ids = rng.permutation(len(xs))
        both = ids[:n_shared]
        a = rng.permutation(np.concatenate([both, ids[n_shared : n_shared + n_x]]))
        b = rng.permutation(np.concatenate([both, ids[n_shared + n_x : n_shared + n_x + n_e]]))
        right = {(i, j) for i, ai in enumerate(a) for j, bj in enumerate(b) if ai == bj}
        out.append(DocPair(f"{lang}-{part}-{d}", f"tatoeba-{code}",
                           _side([xs[k] for k in a], code, f"{lang}{d}.txt", encode),
                           _side([es[k] for k in b], "en", f"eng{d}.txt", encode), right, set(right), set(right)))
    return out


# -- Text+Berg ----------------------------------------------------------------------------------

def read_gold(path: Path) -> list[tuple[list[int], list[int]]]:
    """Vecalign gold: one ``[src ids]:[tgt ids]`` alignment per line."""
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            src, tgt = line.split(":")[:2]
            out.append((json.loads(src), json.loads(tgt)))
    return out


def textberg(docs: list[str], encode, reps: int = 12, seed: int = 0, window: int = 30, shared: float = 0.4,
             data: Path = SHARED / "text+berg") -> list[DocPair]:
    """Comparable documents cut from Text+Berg ``docs`` (sentences as units)."""
    rng = np.random.default_rng(seed)
    out = []
    for doc in docs:
        de, fr = _lines(data / "de" / doc), _lines(data / "fr" / doc)
        gold = [g for g in read_gold(data / "gold" / doc) if g[0] or g[1]]
        for r in range(reps):
            start = int(rng.integers(0, max(1, len(gold) - window)))
            a_ids: list[int] = []
            b_ids: list[int] = []
            right = set()
            for src, tgt in gold[start : start + window]:
                x = rng.random()
                on_a = x < shared + (1 - shared) / 2
                on_b = x < shared or x >= shared + (1 - shared) / 2
                ia = list(range(len(a_ids), len(a_ids) + len(src))) if on_a else []
                ib = list(range(len(b_ids), len(b_ids) + len(tgt))) if on_b else []
                a_ids += src if on_a else []
                b_ids += tgt if on_b else []
                right |= {(i, j) for i in ia for j in ib}
            if len(a_ids) < 2 or len(b_ids) < 2:
                continue
            pa, pb = rng.permutation(len(a_ids)), rng.permutation(len(b_ids))
            inv_a, inv_b = np.argsort(pa), np.argsort(pb)
            right = {(int(inv_a[i]), int(inv_b[j])) for i, j in right}
            out.append(DocPair(f"tb{doc}-{r}", "textberg", _side([de[a_ids[k]] for k in pa], "de", f"de{doc}.txt", encode),
                               _side([fr[b_ids[k]] for k in pb], "fr", f"fr{doc}.txt", encode), right, set(right), set(right)))
    return out
