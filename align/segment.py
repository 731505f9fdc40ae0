"""Segmentation of a Document into sentences (the units claims are matched on).

Every Segment keeps character offsets into ``Document.text`` so that
``doc.text[s.start:s.end] == s.text``: nothing is lost, altered or invented.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import replace

from .errors import InputWarning
from .speakers import mention
from .text import has_letters, matching_key, segment_language, words
from .types import Document, Segment

TERMINATORS = ".!?؟…"
CLOSERS = "\"'»”’)]}›"
OPEN_CLOSE = {"«": "»", "“": "”", "‹": "›", "(": ")"}
BULLETS = "•●▪‣◦·*-–—"
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "st",
    "jr", "sr", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "no", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "approx",
}
_ARABIC_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]")




def _is_arabic_letter(ch: str) -> bool:
    return bool(_ARABIC_LETTER.match(ch))


def _boundary_after(line: str, i: int) -> int | None:
    """If a sentence ends at terminator ``line[i]``, return the end offset (exclusive)."""
    n = len(line)
    ch = line[i]
    prev = line[i - 1] if i > 0 else ""
    nxt = line[i + 1] if i + 1 < n else ""
    if ch == "." and prev.isdigit() and nxt.isdigit():
        return None  # decimal: 3.5, ۳.۵, ٣.٥
    j = i + 1
    while j < n and (line[j] in TERMINATORS or line[j] in CLOSERS):
        j += 1
    if j >= n:
        return j
    follower = line[j]
    if follower.isspace():
        if ch == ".":
            # the word before the period, read in the 64 characters before it (the whole line
            # before it, read at every period, made a one-line article quadratic: 27 s for 200 KB);
            # a longer word is cut, and neither an abbreviation nor one capital either way
            word = re.search(r"([\w.]+)$", line[max(0, i - 64) : i])
            if word and (word.group(1).lower() in ABBREVIATIONS or (len(word.group(1)) == 1 and word.group(1).isupper())):
                return None
            k = j
            while k < n and line[k].isspace():
                k += 1
            if k < n and line[k].islower():
                return None  # "e.g. the ..." / an abbreviation we do not know
        return j
    # glued sentences ("البلد.جاءت"): only between Arabic-script letters, never in Latin (U.S.A).
    if ch in ".؟!" and j == i + 1 and _is_arabic_letter(prev) and _is_arabic_letter(follower):
        return j
    return None


def _split_line(line: str, respect_quotes: bool = True) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    stack: list[str] = []
    straight_open = False
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        closed = False
        if respect_quotes:
            if ch in OPEN_CLOSE and ch != "(":
                stack.append(OPEN_CLOSE[ch])
            elif stack and ch == stack[-1]:
                stack.pop()
                closed = True
            elif ch == '"':
                closed = straight_open
                straight_open = not straight_open
        inside = respect_quotes and (stack or straight_open)
        if closed and not inside and i > 0 and line[i - 1] in TERMINATORS:
            # a quotation that ends its sentence: ... "It works. Really." Then ...
            end = _boundary_after(line, i - 1)
            if end is not None:
                spans.append((start, end))
                start = i = end
                continue
        if ch in TERMINATORS and not inside:
            end = _boundary_after(line, i)
            if end is not None:
                spans.append((start, end))
                start = end
                i = end
                continue
        i += 1
    spans.append((start, n))
    if respect_quotes and (stack or straight_open):
        return _split_line(line, respect_quotes=False)  # unbalanced quotes: do not trust them
    return spans


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in "\u200c\u200f\u200e\ufeff"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in "\u200c\u200f\u200e\ufeff"):
        b -= 1
    return a, b


def segment(document: Document) -> list[Segment]:
    """Split a document into sentence segments (headlines and bullet lines kept as their own).

    Lines without letters (a stray ``/``) are dropped; an exact repeat of an earlier segment
    (a bullet repeating the headline) is kept and marked with ``duplicate_of``.
    """
    text = document.text
    segments: list[Segment] = []
    seen: dict[str, int] = {}
    offset = 0
    paragraph = 0
    prev_bullet = False
    first_line = True
    cuts = 0
    for raw_line in text.splitlines(keepends=True):
        line_start = offset
        offset += len(raw_line)
        line = raw_line.rstrip("\r\n")
        if not has_letters(line):
            if line.strip():
                prev_bullet = False
            continue
        paragraph += 1
        a, b = _strip_span(line, 0, len(line))
        kind = "sentence"
        if line[a] in BULLETS and a + 1 < b and line[a + 1].isspace():
            kind = "bullet"
            a, b = _strip_span(line, a + 1, b)
        elif prev_bullet and a > 0:
            kind = "bullet"  # an indented continuation item under a bullet
        prev_bullet = kind == "bullet"
        body = line[a:b]
        if first_line and kind == "sentence" and body[-1] not in TERMINATORS + CLOSERS + ":؛;":
            kind = "headline"
        first_line = False
        spans, cut = _bounded(body, _split_line(body))
        cuts += cut
        for s, e in spans:
            s, e = _strip_span(body, s, e)
            if s >= e or not has_letters(body[s:e]):
                continue
            start, end = line_start + a + s, line_start + a + e
            seg_text = text[start:end]
            key = matching_key(seg_text)
            lang = segment_language(seg_text, document.lang)
            segments.append(
                Segment(
                    id=len(segments) + 1,
                    text=seg_text,
                    start=start,
                    end=end,
                    paragraph=paragraph,
                    kind=kind,
                    lang=lang,
                    duplicate_of=seen.get(key),
                )
            )
            seen.setdefault(key, len(segments))
    _warn_cuts(document.name, cuts, "sentences")
    return segments


MAX_SEGMENT_CHARS = 1500  # a "sentence" longer than this (a page without punctuation) is cut at a space


def _bounded(line: str, spans: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], int]:
    """``spans`` with every span longer than ``MAX_SEGMENT_CHARS`` cut into pieces at the last
    space before the bound, and the number of cuts: a run-on line of 200 KB would otherwise be
    one segment, embedded as hundreds of model windows with no progress, matched as one claim.
    """
    out, cut = [], 0
    for s, e in spans:
        while e - s > MAX_SEGMENT_CHARS:
            space = line.rfind(" ", s + MAX_SEGMENT_CHARS // 2, s + MAX_SEGMENT_CHARS)
            stop = space if space > s else s + MAX_SEGMENT_CHARS
            out.append((s, stop))
            s, cut = stop, cut + 1
        out.append((s, e))
    return out, cut


def _warn_cuts(name: str, cuts: int, what: str) -> None:
    if cuts:
        warnings.warn(InputWarning(f"{name}: {cuts} cut(s) in {what} longer than {MAX_SEGMENT_CHARS:,} characters "
                                   "(text without sentence punctuation)"), stacklevel=3)


CLAUSE_BREAK = re.compile(r"\s*[:؛;]\s*")
MIN_CLAIM_WORDS = 4
# Arabic: the statement after a reporting verb ("ولفت شمخاني، خلال المؤتمر ...، إلى أن "...")
_AR_THAT = re.compile(r"[،,]\s*(?:(?:إلى|على)\s+)?(?:ب)?[أا]نّ?(?=[\s\"«])")
# Arabic: a second statement joined by a circumstantial participle ("، مشدداً على أن ...")
_AR_PARTICIPLES = ("مشدد", "مضیف", "منوه", "مشیر", "معرب", "موکد", "لافت", "موضح", "محذر", "داعی")


def segment_lines(document: Document) -> list[Segment]:
    r"""One segment per line, as given (``--segmented``): line k (0-based) is segment k + 1.

    A line longer than ``MAX_SEGMENT_CHARS`` stays one segment here (its id is its line number);
    ``claims`` cuts it into parts of that line, with a warning.
    A blank line is not a segment (nothing to compare: it can never be half of a pair), but it
    keeps its number, so ids keep matching line numbers (as in Vecalign's and Bertalign's input
    formats) and the ids of a text with blank lines have gaps. Only "\n" ends a line (a "\r"
    before it is dropped): a form feed, NEL, U+2028 or U+2029 inside a line stays in that line
    (``str.splitlines`` would break there and shift the ids of every later line).
    """
    out = []
    pos = 0
    lines = document.text.split("\n")
    if lines and lines[-1] == "":  # the text ends with a newline: no extra empty line
        lines.pop()
    for k, line in enumerate(lines):
        body = line[:-1] if line.endswith("\r") else line
        if has_letters(body) or body.strip():
            a, b = _strip_span(body, 0, len(body))
            if b > a:
                out.append(Segment(k + 1, body[a:b], pos + a, pos + b, k + 1, "line", document.lang))
        pos += len(line) + 1
    return out


def _attribution_only(head: str, lang: str) -> bool:
    """Is ``head`` just "X said" (a reporting verb and its subject), with no statement of its own?"""
    found = mention(head, lang)
    if found is None:
        return False
    content = len(head.split()) - len(found.split()) - 2  # minus the verb (and a particle)
    return content < 3


def _cut_points(text: str, lang: str) -> list[tuple[int, int]]:
    """(end of one claim, start of the next) pairs inside one sentence."""
    cuts = [(m.start(), m.end()) for m in CLAUSE_BREAK.finditer(text)]
    if lang in ("ar", "ur"):
        for m in re.finditer(r"[،,]\s*", text):
            following = words(text[m.end() : m.end() + 40])
            if following and text.startswith(following[0], m.end()) and matching_key(following[0]).startswith(_AR_PARTICIPLES):
                cuts.append((m.start(), m.end()))
        that = _AR_THAT.search(text)
        if that and not any(a <= that.start() < b for a, b in cuts):
            cuts.append((that.start(), that.start() + 1))  # the statement keeps its "أن"
    return sorted(set(cuts))


_RUN = re.compile(r"\S+")


def _has_words(text: str, start: int, n: int) -> bool:
    """``len(text[start:].split()) >= n``, reading ``text`` only as far as its n-th word: the
    rest of a line at every cut of it was quadratic (a 200 KB ``--segmented`` line with 4,000
    semicolons: 1.7 s, 5 MB: ~20 minutes).
    """
    runs = _RUN.finditer(text, start)
    return all(next(runs, None) is not None for _ in range(n))


def claims(document: Document, sentences: list[Segment]) -> list[Segment]:
    """Split sentences into claims where the split is clean, keeping each claim's sentence id.

    Cut points: ``:`` (a reporting clause and its quote: ``... اظهار داشت: ...``), ``؛``/``;``
    (joined statements), in Arabic the statement after a reporting verb (``... إلى أن "..."``)
    and a second statement joined by a participle (``..., مشدداً على أن ...``). A cut is made
    only where both sides keep at least four words. A claim longer than ``MAX_SEGMENT_CHARS``
    (only a ``--segmented`` line can be: ``segment`` bounds its sentences) is cut at spaces into
    parts of its line, with a warning. Claims of a duplicate sentence are marked as duplicates too.
    """
    out: list[Segment] = []
    cuts = 0
    for sent in sentences:
        spans, start = [], 0
        for end, nxt in _cut_points(sent.text, sent.lang):
            head = sent.text[start:end]
            if start == 0 and _attribution_only(head, sent.lang):
                continue  # "X said: ..." stays one claim: an attribution is not a claim
            if len(head.split()) >= MIN_CLAIM_WORDS and _has_words(sent.text, nxt, MIN_CLAIM_WORDS):
                spans.append((start, end))
                start = nxt
        spans.append((start, len(sent.text)))
        spans, cut = _bounded(sent.text, spans)
        cuts += cut
        for part, (a, b) in enumerate(spans, start=1):
            a, b = _strip_span(sent.text, a, b)
            start_, end_ = sent.start + a, sent.start + b
            out.append(
                replace(
                    sent,
                    id=len(out) + 1,
                    text=document.text[start_:end_],
                    start=start_,
                    end=end_,
                    kind="claim" if len(spans) > 1 else sent.kind,
                    sentence=sent.id,
                    part=part,
                    duplicate_of=sent.duplicate_of,
                )
            )
    _warn_cuts(document.name, cuts, "lines")
    return out
