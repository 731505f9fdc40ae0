"""Property: whatever bytes or characters come in, ``load_document`` gives a Document whose text
is clean (no NUL, no control characters but whitespace) or a one-line InputError; never another
exception."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align import Document, InputError, load_document
from align.documents import decode_bytes

_BAD = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_DIR = Path(tempfile.mkdtemp(prefix="claimalign-prop-"))

# letters of several scripts, digits, punctuation, whitespace, controls, NUL, a lone surrogate,
# markup and path-like characters
SCRIPTS = list("abcXYZ éüß سلامگفتیکةي ۳٣3 Привет 国防 שלום Ελλάδα") + ["\u200c", "\u200f", "\ufeff"]
SIGNS = list(".!?؟،؛:;«»\"'-/\\<>&#=") + ["<p>", "</p>", "<html>", "<!DOCTYPE html>", "&#1588;", "&nbsp;", "http://", ".txt"]
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1c", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\ud800"]
SPACES = [" ", "\n", "\r\n", "\t", "\u00a0"]
PIECES = st.sampled_from(SCRIPTS + SIGNS + CONTROLS + SPACES)
TEXTS = st.lists(PIECES, max_size=120).map("".join)
CODECS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "cp1256", "cp1252", "gb18030", "koi8_r"])


def _check(doc: Document) -> None:
    assert isinstance(doc, Document)
    assert not _BAD.search(doc.text)
    assert doc.text.strip() and doc.lang and isinstance(doc.encoding, str)


def _load(source, **kw) -> None:
    try:
        doc = load_document(source, **kw)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc), str(exc)
        return
    _check(doc)


FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=2048))
def test_random_bytes_as_a_file(data):
    path = _DIR / "article.txt"
    path.write_bytes(data)
    _load(path)


@FAST
@given(st.binary(max_size=4096))
def test_random_bytes_decoder(data):
    try:
        text, codec = decode_bytes(data)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(text, str) and "\x00" not in text and codec


@FAST
@given(TEXTS, CODECS, st.sampled_from(["article.txt", "page.html"]))
def test_mixed_scripts_and_controls_in_any_encoding(text, codec, name):
    path = _DIR / name
    path.write_bytes(text.encode(codec, errors="replace"))
    _load(path)


@FAST
@given(TEXTS, st.sampled_from(["auto", "text", "path"]))
def test_mixed_scripts_and_controls_as_strings(text, kind):
    _load(text, kind=kind)
