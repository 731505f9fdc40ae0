"""Evidence besides the embedding: names, places and numbers that two claims share across scripts.

A claim's *anchors* are what a reader checks first when deciding whether two sentences in two
languages say the same thing:

- numbers written in digits, in any script (۱۶ = ١٦ = 16; 16.3 also anchors 16);
- places of the gazetteer in ``align.flags`` (تهران = طهران = Tehran);
- name-like words by their consonant skeleton (``align.speakers.name_key``): in Latin script the
  capitalised words, in Arabic script every word of three or more consonants once its proclitics
  (و، ب، ال …) are stripped — so پزشکیان = بزشكيان = Pezeshkian, and a Persian and an Arabic
  sentence also share the skeletons of the words the two languages share.

An anchor shared by two claims counts for more the rarer it is among the two documents' claims
(an inverse document frequency within the document pair), so a name that every sentence repeats
("Haniyeh" in a report of his death) says little about which sentences match.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .flags.lexicon import PLACE_PHRASES, anchor_number, strip_particles
from .speakers import name_key
from .text import matching_key, word_key, words

_LATIN_NAME = re.compile(r"^[A-Z][\w'’\-]*$")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
MIN_SKELETON = 3
_DIGITS = re.compile(r"\d+(?:[.,٫]\d+)?")
def _places(tokens: list[str]) -> set[str]:
    """Canonical names of the gazetteer's places in keyed ``tokens`` (Arabic proclitics allowed)."""
    out = set()
    for k, tok in enumerate(tokens):
        for form in {tok, strip_particles(tok)} if len(tok) > 3 else {tok}:
            for _, seq, name in PLACE_PHRASES.get(form, ()):  # align.flags' gazetteer, longest first
                if [form, *tokens[k + 1 : k + len(seq)]] == seq:
                    out.add(name)
                    break
    return out


@functools.lru_cache(maxsize=8192)
def anchors(text: str) -> frozenset[str]:
    """The anchors of one claim: ``n:16``, ``p:Tehran``, ``s:bzSkn`` (skeleton)."""
    out = set()
    key = matching_key(text)
    for x in (anchor_number(d) for d in _DIGITS.findall(key)):
        out.add("n:" + x)
        if "." in x:
            out.add("n:" + x.split(".")[0])
    out.update("p:" + p for p in _places([word_key(w) for w in words(text)]))
    for w in words(text):
        if any(ch.isdigit() for ch in w):
            continue
        if _ARABIC_SCRIPT.search(w):
            key = word_key(w)
            stripped = strip_particles(key)
            stripped = stripped[2:] if stripped.startswith("ال") and len(stripped) > 4 else stripped
            keys = {key, stripped}
        elif _LATIN_NAME.match(w) or (w.isupper() and len(w) > 2):
            keys = {word_key(w)}
        else:
            continue
        for key in keys:
            sk = name_key(key)
            if len(sk) >= MIN_SKELETON:
                out.add("s:" + sk)
    return frozenset(out)


class Evidence:
    """The anchors of two documents' claims, and what any pair of them shares.

    Parameters
    ----------
    a_texts, b_texts : sequence of str
        The claims of each document.
    """

    def __init__(self, a_texts: Sequence[str], b_texts: Sequence[str]):
        self.a = [anchors(t) for t in a_texts]
        self.b = [anchors(t) for t in b_texts]
        df = Counter(x for s in (*self.a, *self.b) for x in s)
        total = len(self.a) + len(self.b)
        self.weight = {x: math.log(1.0 + total / c) for x, c in df.items()}

    def at(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """Evidence features of the pairs (i[k], j[k]).

        Returns
        -------
        dict
            ``shared``: sum over the anchors both claims hold of ``log(1 + N / df)`` (N the
            number of claims of both documents, df how many hold the anchor); ``any_shared``:
            1.0 when they share an anchor; ``number_conflict``: 1.0 when both state numbers and
            share none.
        """
        shared = np.zeros(len(i), np.float64)
        conflict = np.zeros(len(i), np.float64)
        for k, (x, y) in enumerate(zip(np.asarray(i).tolist(), np.asarray(j).tolist(), strict=False)):
            sa, sb = self.a[x], self.b[y]
            both = sa & sb
            shared[k] = sum(self.weight[t] for t in both)
            na = any(t.startswith("n:") for t in sa)
            nb = any(t.startswith("n:") for t in sb)
            conflict[k] = float(na and nb and not any(t.startswith("n:") for t in both))
        return {"shared": shared, "any_shared": (shared > 0).astype(np.float64), "number_conflict": conflict}
