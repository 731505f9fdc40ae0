"""Documents: an article's text, where it came from, how it was decoded, and its language.

Reading a file (``load_document``; ``decode_bytes`` for bytes already in memory):

1. A byte order mark decides (UTF-8, UTF-16 or UTF-32, little or big endian).
2. Data with NUL bytes is UTF-16 or UTF-32 without a BOM when the NULs fall in that pattern (the
   high bytes of ASCII and Arabic-script characters) and it decodes to clean text; otherwise it
   is binary.
3. Valid UTF-8 is UTF-8. UTF-8 with a few stray bytes (at most ``MAX_STRAY``, and at least three
   well-formed non-ASCII characters for each of them) is UTF-8 with those bytes replaced by
   U+FFFD and a warning naming their positions — never re-decoded whole in a legacy codec, which
   would garble every correct character (``Iran’s`` as ``IranвЂ™s``).
4. An HTML page that declares its charset (``<meta charset=windows-1256>``) is decoded with it
   when that decodes cleanly.
5. Otherwise charset-normalizer guesses among the common legacy encodings only
   (``LEGACY_ENCODINGS``: cp1256 first for Persian and Arabic, the other Windows code pages,
   ISO 8859, KOI8, the CJK ones); its guess is kept only when it decodes without error, gives
   letters, and is plausible: the letters beyond ASCII belong to the text's main script (Latin
   text whose accented letters come out as Cyrillic or Greek is a wrong guess, refused).

Binary data (an image, an archive, random bytes: NUL bytes outside a UTF-16/32 pattern, or more
than 0.5% control characters) is refused with ``<file>: not a text file (looks binary)``. NUL
characters are never stripped: a NUL anywhere (not only near the start) means the data is not
text, and it is refused, so a NUL never reaches a report. A few stray control characters in a
real text (a bell or an escape pasted by accident, NEL, information separators) are replaced by
spaces, one for one, so that offsets still index into ``Document.text``.

HTML (``.html``/``.htm`` files, or content that starts with ``<!DOCTYPE html``/``<html`` or is
mostly tags) is reduced to the article's text by trafilatura, entities decoded; such a Document
has ``extracted_from == "html"``.
"""
from __future__ import annotations

import codecs
import dataclasses
import errno
import logging
import os
import re
import stat
import unicodedata
import warnings
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import InputError, InputWarning
from .params import check
from .text import detect_language, has_letters, script_counts, script_of_language
from .types import Document

MAX_BYTES = 50_000_000
KINDS = ("auto", "path", "text")

# Legacy encodings charset-normalizer may choose from, in order of preference when two decode
# the data equally well (Python codec names).
LEGACY_ENCODINGS = (
    "cp1252", "cp1256", "iso8859_6", "cp1250", "cp1251", "koi8_r", "koi8_u", "cp1253", "cp1254",
    "cp1255", "cp1257", "cp1258", "iso8859_15", "iso8859_2", "iso8859_5", "iso8859_7",
    "iso8859_8", "iso8859_9", "iso8859_13", "cp874", "gb18030", "big5", "cp932", "euc_jp", "cp949",
)
MAX_CHAOS = 0.2  # charset-normalizer's "mess" ratio above which a guess is refused
MAX_CONTROL_RATIO = 0.005  # more control characters than this: binary, not text
MAX_STRAY = 20  # invalid bytes a UTF-8 file may have and still be read as UTF-8 (with a warning)

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BOM_NAMES = {"utf-32": "UTF-32", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}
# C0 controls other than tab, LF, VT, FF, CR; DEL; C1 controls (U+0080-U+009F, NEL included).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")




# -- decoding ---------------------------------------------------------------------------------


def _binary(where: str, why: str = "") -> InputError:
    return InputError(f"{where}: not a text file (looks binary{': ' + why if why else ''})")


def _has_letters_and_few_controls(text: str) -> bool:
    return has_letters(text) and len(_CONTROL.findall(text)) <= MAX_CONTROL_RATIO * len(text)


def _utf16_or_32_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16/32 without a BOM, recognised by where its NUL bytes fall: the high bytes of ASCII
    (spaces, digits, punctuation) and of most letters are 0. Needs clean decoding to letters.
    """
    n = len(data)
    if n < 4 or n % 2:
        return None
    candidates = []
    if n % 4 == 0:
        if data[3::4].count(0) == n // 4 and max(data[2::4]) <= 0x10:
            candidates.append("utf-32-le")
        if data[0::4].count(0) == n // 4 and max(data[1::4]) <= 0x10:
            candidates.append("utf-32-be")
    even, odd = data[0::2].count(0) / (n // 2), data[1::2].count(0) / (n // 2)
    if odd >= 0.05 and even <= odd / 10:
        candidates.append("utf-16-le")
    if even >= 0.05 and odd <= even / 10:
        candidates.append("utf-16-be")
    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _has_letters_and_few_controls(text):
            return text, codec
    return None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
# WHATWG: pages labelled Latin-1 or ASCII are decoded as windows-1252 by every browser.
_WHATWG = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252"}


def _declared_html_charset(data: bytes) -> str | None:
    head = data[:8192]
    if not re.search(rb"<(?:!doctype\s+html|html|head|meta)\b", head, re.I):
        return None
    m = _META_CHARSET.search(head)
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return _WHATWG.get(name.replace("-", "_"), name)


def _legacy_guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best guess among LEGACY_ENCODINGS (the least "mess", then the most
    coherent language, then our order of preference).
    """
    from charset_normalizer import from_bytes

    try:
        matches = list(from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS), threshold=MAX_CHAOS))
    except Exception:  # noqa: BLE001 - a detector failure means "not recognised", not a crash
        return None
    rank = {name: i for i, name in enumerate(LEGACY_ENCODINGS)}

    def preferred(m) -> str:
        # a match stands for every encoding that decodes the data to the same text
        same = [e for e in (m.encoding, *m.could_be_from_charset) if e in rank]
        return min(same, key=rank.__getitem__, default=m.encoding)

    ranked = sorted(
        (round(m.chaos, 3), -round(m.coherence, 2), rank.get(preferred(m), len(rank)), preferred(m)) for m in matches
    )
    for *_, encoding in ranked:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _has_letters_and_few_controls(text) and _plausible(text):
            return text, encoding
    return None


def _mostly_utf8(data: bytes, where: str) -> tuple[str, str] | None:
    """UTF-8 with a few stray bytes (see the module docstring): the text with them replaced, and a
    warning naming their positions; None when the data is not mostly UTF-8.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    stray = [k for k, ch in enumerate(text) if "\udc80" <= ch <= "\udcff"]
    good = sum(1 for ch in text if ord(ch) > 127) - len(stray)
    if not stray or len(stray) > MAX_STRAY or good < 3 * len(stray):
        return None
    offsets = [len(text[:k].encode("utf-8", errors="surrogateescape")) for k in stray[:5]]
    more = f" and {len(stray) - 5} more" if len(stray) > 5 else ""
    warnings.warn(InputWarning(f"{where}: UTF-8 with {len(stray)} invalid byte(s), replaced by \ufffd "
                               f"(at byte {', '.join(map(str, offsets))}{more})"), stacklevel=3)
    return data.decode("utf-8", errors="replace"), "utf-8"


def _plausible(text: str) -> bool:
    """Whether a legacy decoding looks like real text: its letters beyond ASCII belong to the
    script most of its letters are in (a Latin text decoded as Cyrillic has Cyrillic letters
    scattered in Latin words).
    """
    letters = [ch for ch in text if ch.isalpha()]
    scripts = Counter(_script(ch) for ch in letters)
    if not scripts:
        return True
    main, _ = scripts.most_common(1)[0]
    foreign = sum(n for s, n in scripts.items() if s != main)
    return main != "latin" or foreign <= 0.02 * len(letters)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return "latin" if name.startswith("LATIN") else name.split(" ")[0].lower()


def decode_bytes(data: bytes, where: str = "data") -> tuple[str, str]:
    """Decode the bytes of a text file -> ``(text, codec)``, or raise a one-line InputError
    (binary data, undecodable text). See the module docstring for the order of the checks.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{where}: not valid {_BOM_NAMES[codec]} text (it starts with a {_BOM_NAMES[codec]} "
                    f"byte order mark, but has an invalid sequence at byte {exc.start})"
                ) from None
    if b"\x00" in data:
        found = _utf16_or_32_without_bom(data)
        if found is None:
            raise _binary(where)
        return found
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    if len(_CONTROL_BYTES.findall(data)) > MAX_CONTROL_RATIO * len(data):
        raise _binary(where)
    mostly = _mostly_utf8(data, where)
    if mostly is not None:
        return mostly
    declared = _declared_html_charset(data)
    if declared and declared not in ("utf_8", "utf-8"):
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            if _has_letters_and_few_controls(text):
                return text, declared
    found = _legacy_guess(data)
    if found is None:
        raise InputError(
            f"{where}: not UTF-8 text (invalid byte 0x{data[bad]:02x} at position {bad}) and not in a "
            "recognised legacy encoding; save it as UTF-8"
        )
    return found


def _clean_text(text: str, where: str, *, file: bool) -> str:
    """Refuse text with NULs, unpaired surrogates or many control characters; replace a few stray
    control characters by spaces; compose decomposed letters (NFC, Unicode's canonical form: the
    same text, displayed the same, so that every rule and the model see one spelling of it).
    Segment offsets index into the result.
    """

    def binary(why: str) -> InputError:
        return _binary(where, why) if file else InputError(f"{where}: not text (looks binary: {why})")

    if "\x00" in text:
        raise binary(f"a NUL character at offset {text.index(chr(0))}")
    if _SURROGATE.search(text):
        raise InputError(f"{where}: not valid Unicode text (unpaired surrogate characters)")
    controls = len(_CONTROL.findall(text))
    if controls:
        if controls > MAX_CONTROL_RATIO * len(text):
            raise binary(f"{controls} control characters")
        text = _CONTROL.sub(" ", text)
    return unicodedata.normalize("NFC", text)


# -- HTML -------------------------------------------------------------------------------------

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_HTML_START = re.compile(r"\A\ufeff?(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_TAG = re.compile(
    r"<(/?)(html|head|body|title|meta|link|script|style|div|span|p|a|br|hr|img|ul|ol|li|table|tr|td|th|"
    r"tbody|thead|article|section|nav|header|footer|aside|main|form|input|button|h[1-6]|em|strong|b|i|"
    r"blockquote|figure|figcaption|iframe|noscript|time|label|select|option)\b[^<>]*>",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """A page or a fragment of one: starts with ``<!DOCTYPE html``/``<html``, or starts with a
    tag and has several kinds of HTML tags, or is mostly tags.
    """
    if _HTML_START.match(text):
        return True
    sample = text[:65536]
    tags = _TAG.findall(sample)
    if len(tags) < 5:
        return False
    if sample.lstrip().startswith("<") and len({t[1].lower() for t in tags}) >= 3 and any(t[0] for t in tags):
        return True
    markup = sum(len(m.group(0)) for m in _TAG.finditer(sample))
    return markup >= 0.5 * len("".join(sample.split()))


#: Inline formatting tags, stripped before extraction (their text and children kept): an unclosed
#: one (``<font>`` opening every paragraph) nests everything after it one level deeper, and the
#: extraction gives up after a few hundred levels.
INLINE_TAGS = ("font", "span", "b", "i", "u", "em", "strong", "small", "big", "sup", "sub", "s", "strike", "tt", "mark",
               "abbr", "cite", "q", "bdi", "bdo")
_SCRIPTS = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.I | re.S)
_TAGS = re.compile(r"<[^>]*>")


def html_to_text(page: str, where: str = "page") -> str:
    """The article text of a web page (trafilatura: no menus, scripts, footers, related links;
    entities decoded; one paragraph per line). Its baseline extraction when the main one finds
    nothing; "" when the page has no text.

    Broken pages keep their text: the tree is parsed without libxml2's depth limit and inline
    formatting tags are stripped first (:data:`INLINE_TAGS`); when the parser still cannot read a
    tenth of the page's words (deeper than any real page nests), an :class:`InputWarning` says
    how much.
    """
    import lxml.html
    import trafilatura
    from lxml import etree

    # trafilatura reports pages it discards through logging; without this, Python's last-resort
    # handler prints them on stderr. Handlers the application configures still receive them.
    log = logging.getLogger("trafilatura")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    try:
        tree = lxml.html.document_fromstring(page, parser=lxml.html.HTMLParser(huge_tree=True))
        etree.strip_tags(tree, *INLINE_TAGS)
        _warn_unread(tree, page, where)
        text = trafilatura.extract(
            tree, include_comments=False, include_tables=True, include_images=False, include_links=False,
            with_metadata=False, deduplicate=False,
        )
        if not text or not has_letters(text):
            text = trafilatura.baseline(tree)[1].strip()
    except Exception as exc:  # noqa: BLE001 - a parser failure on a malformed page is a user input problem
        raise InputError(f"{where}: could not read the HTML page ({type(exc).__name__})") from None
    return text or ""


def _warn_unread(tree, page: str, where: str) -> None:
    """Warn when the parsed tree holds less than 90% of the words the page's markup holds."""
    raw = len(_TAGS.sub(" ", _SCRIPTS.sub(" ", page)).split())
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    parsed = len(" ".join(tree.itertext()).split())
    if raw >= 50 and parsed < 0.9 * raw:
        warnings.warn(InputWarning(f"{where}: broken HTML: about {100 - round(100 * parsed / raw)}% of the page's words "
                                   "could not be read (nested too deep) and are not compared"), stacklevel=4)


# -- paths ------------------------------------------------------------------------------------

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:/")
_SENTENCE_PUNCTUATION = re.compile(r"[.!?;:,،؛؟。！？…](?:\s|$)|[!?؟。！？…]")
_EXTENSION = re.compile(r"[^\s./\\]\.[A-Za-z][A-Za-z0-9]{0,7}$")


def _looks_like_path(s: str) -> bool:
    r"""In ``kind="auto"``: is this string meant as a file? Yes when something exists there; or
    when it is one line without sentence punctuation that contains ``/`` or ``\``, ends with a
    file extension, or starts with a URL scheme (then a missing file is an error, not text).
    """
    if "\x00" in s or "\n" in s or len(s) > 4096 or not s.strip():
        return False
    if os.path.lexists(s):
        return True
    s = s.strip()
    if _URL.match(s):
        return True
    if _SENTENCE_PUNCTUATION.search(s):
        return False
    return "/" in s or "\\" in s or bool(_EXTENSION.search(s))


def _shown(name: str | os.PathLike) -> str:
    """A file name for a one-line message (quoted when it holds line breaks or other
    unprintable characters).
    """
    s = str(name)
    return s if s.isprintable() else repr(s)


def _file_url_path(s: str) -> str | None:
    """The local path of a ``file://`` URL; None for other strings. Other URLs: an error."""
    if not _URL.match(s) or os.path.lexists(s):
        return None
    url = urlparse(s)
    if url.scheme.lower() == "file" and url.netloc in ("", "localhost"):
        from urllib.request import url2pathname  # 30 ms of imports: only for file: URLs

        return url2pathname(unquote(url.path))
    if url.scheme.lower() in ("http", "https", "ftp", "ftps", "sftp", "s3", "gs", "ws", "wss"):
        raise InputError(f"{_shown(s)}: claimalign does not download: save the page and pass the file")
    return None


_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(where: str, mode: int) -> InputError:
    what = next((name for test, name in _FILE_TYPES if test(mode)), "not a file")
    return InputError(f"{where}: not a regular file ({what})")


def _os_error(where: str, path: Path, exc: OSError, hint: str = "") -> InputError:
    code = exc.errno
    if code == errno.ENOENT:
        try:
            target = os.readlink(path) if os.path.islink(path) else None
        except OSError:
            target = None
        if target is not None:
            return InputError(f"{where}: no such file (broken symbolic link to {_shown(target)}){hint}")
        return InputError(f"{where}: no such file{hint}")
    if code == errno.ENOTDIR:
        return InputError(f"{where}: no such file (a part of the path is a file, not a directory)")
    if code == errno.ELOOP:
        return InputError(f"{where}: symbolic link loop")
    if code in (errno.EACCES, errno.EPERM):
        return InputError(f"{where}: permission denied")
    if code == errno.ENAMETOOLONG:
        return InputError(f"{where}: file name too long")
    if code == errno.EISDIR:
        return InputError(f"{where}: is a directory, not a text file")
    return InputError(f"{where}: cannot read ({exc.strerror or type(exc).__name__})")


def _read_bytes(path: Path, hint: str = "") -> bytes:
    """The bytes of a regular file, with a clear InputError for every other kind of path. Never
    blocks: the type is checked before opening, and the open is non-blocking (a FIFO swapped in
    between is still refused).
    """
    where = _shown(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _os_error(where, path, exc, hint) from None
    except ValueError:  # NUL or an unencodable character in the name
        raise InputError(f"{where}: not a valid file name") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{where}: is a directory, not a text file")
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(where, st.st_mode)
    if st.st_size > MAX_BYTES:
        raise InputError(f"{where}: {st.st_size:,} bytes is larger than the {MAX_BYTES:,}-byte limit for one article")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_error(where, path, exc) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(where, st.st_mode)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _os_error(where, path, exc) from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise InputError(f"{where}: larger than the {MAX_BYTES:,}-byte limit for one article")
    return data


def read_text_file(path: Path) -> str:
    """Read a text file (any encoding ``decode_bytes`` recognises), with a clear InputError for
    every way it can be unusable. HTML is returned as it is (``load_document`` extracts it).
    """
    path = Path(path)
    text, _ = decode_bytes(_read_bytes(path), _shown(path))
    return _clean_text(text, _shown(path), file=True)


# -- documents --------------------------------------------------------------------------------


def load_document(
    source: str | os.PathLike | Document,
    *,
    lang: str | None = None,
    name: str | None = None,
    kind: str = "auto",
) -> Document:
    r"""Make a Document from a path, a string of text, or an existing Document.

    ``kind``: ``"path"``: a ``str`` is always a file name (what the command line passes);
    ``"text"``: a ``str`` is always the article's text; ``"auto"`` (default): a ``str`` is a file
    when something exists there, or when it is one line without sentence punctuation that looks
    like a path (contains ``/`` or ``\``, ends with a file extension, or is a URL): then a
    missing file is an error rather than text to compare. A ``Path`` (any ``os.PathLike``) is
    always a file; a Document is returned as it is (with ``lang``/``name`` applied).
    URLs are refused (claimalign never downloads), except ``file://`` ones.
    """
    if kind not in KINDS:
        raise InputError(f"kind must be 'auto', 'path' or 'text', got {kind!r}")
    if isinstance(source, Document):
        lang = check("lang", lang)
        if (lang and lang != source.lang) or (name and name != source.name):
            return dataclasses.replace(source, name=name or source.name, lang=lang or source.lang)
        return source
    path: Path | None = None
    hint = ""
    if isinstance(source, os.PathLike):
        if kind == "text":
            raise InputError("kind='text' takes the text as a str; a Path is always read as a file")
        raw = os.fspath(source)
        if isinstance(raw, bytes):
            raw = os.fsdecode(raw)
        path = Path(_file_url_path(raw) or raw)
    elif isinstance(source, str):
        if kind == "path" or (kind == "auto" and _looks_like_path(source)):
            if not source.strip():
                raise InputError("empty path: expected a file name")
            hint = " (to compare this string itself as text, pass kind='text')" if kind == "auto" else ""
            raw = source if os.path.lexists(source) or kind == "path" else source.strip()
            path = Path(_file_url_path(raw) or raw)
    else:
        raise InputError(f"expected a path, a string or a Document, got {type(source).__name__}")

    encoding = "utf-8"
    if path is not None:
        where = _shown(path)
        text, encoding = decode_bytes(_read_bytes(path, hint), where)
        default_name = path.name
        html_file = path.suffix.lower() in HTML_SUFFIXES and _TAG.search(text) is not None
    else:
        where, text, default_name, html_file = "text", source, "text", False
    text = _clean_text(text, where, file=path is not None)
    extracted_from = None
    if html_file or looks_like_html(text):
        text = _clean_text(html_to_text(text, where), where, file=False)
        extracted_from = "html"
    if not text.strip() or not has_letters(text):
        why = "a web page without article text" if extracted_from else "empty, or no letters"
        raise InputError(f"{where}: has no text to compare ({why})")
    lang = check("lang", lang)
    if lang is not None:
        _warn_script_mismatch(text, lang, name or default_name)
    return Document(
        text=text, name=name or default_name, lang=lang or detect_language(text), source=path,
        encoding=encoding, extracted_from=extracted_from,
    )


def _warn_script_mismatch(text: str, lang: str, where: str) -> None:
    """Warn when the language given for a document cannot be the language it is written in (a
    Persian article given as ``en``): its script is not the script that language is written in.
    """
    expected = script_of_language(lang)
    counts = script_counts(text)
    total = sum(counts.values())
    if expected is None or not total:
        return
    main = max(counts, key=counts.__getitem__)
    if counts[expected] < 0.5 * total:
        script = {"arabic": "the Arabic script", "latin": "the Latin script"}.get(main, "another script")
        warnings.warn(InputWarning(f"{where}: given as language {lang!r}, but it is written in {script} "
                                   f"(it reads as {detect_language(text)!r}); pairs and flags follow the language given"),
                      stacklevel=3)
