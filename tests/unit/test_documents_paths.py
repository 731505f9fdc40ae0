"""Which inputs are files: ``load_document(source, kind="auto"|"path"|"text")`` and a clear
error for every kind of path that is not a readable regular file (never compared as text)."""
from __future__ import annotations

import os
import signal
import socket
import sys
import tempfile
from pathlib import Path

import pytest

from align import Document, InputError, load_document

ROOT = Path(__file__).resolve().parents[2]
FA = ROOT / "examples" / "shamkhani_bahrami_fa.txt"
EN = ROOT / "examples" / "shamkhani_mohib_en.txt"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file types")


@pytest.fixture
def no_hang():
    """Fail instead of blocking forever (opening a FIFO for reading waits for a writer)."""
    def _timeout(signum, frame):
        raise TimeoutError("load_document blocked")

    old = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_path_and_str_path_read_the_file(tmp_path):
    doc = load_document(FA)
    assert doc.source == FA and doc.name == FA.name and doc.lang == "fa"
    assert load_document(str(FA)).text == doc.text == load_document(str(FA), kind="path").text


def test_file_name_with_a_space(tmp_path):
    path = tmp_path / "my article.txt"
    path.write_bytes(EN.read_bytes())
    assert load_document(str(path)).text == EN.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="no such file"):
        load_document(str(tmp_path / "another article.txt"))  # was compared as the text "…/another article.txt"


@pytest.mark.parametrize(
    "name",
    ["notes/article", "article.html", "article.docx", "my article.txt", "C:\\Users\\me\\article", "./article"],
)
def test_missing_path_like_strings_are_errors_not_text(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="no such file") as err:
        load_document(name)
    assert "kind='text'" in str(err.value)  # says how to compare such a string as text


@pytest.mark.parametrize(
    "text",
    [
        "He said: the talks on 12/05 were useful.",  # sentence punctuation
        "روابط دوستانه با کشورهای همسایه اولویت اصلی است.",
        "Tehran and Kabul agree on security cooperation",  # no path signs
        "First line with a / slash\nSecond line.",  # several lines
    ],
)
def test_sentences_stay_text_in_auto_mode(text):
    doc = load_document(text)
    assert doc.text == text and doc.source is None and doc.name == "text"


def test_kind_path_never_takes_a_string_as_text():
    with pytest.raises(InputError, match="no such file"):
        load_document("Tehran and Kabul agree on security cooperation", kind="path")
    with pytest.raises(InputError, match="empty path"):
        load_document("", kind="path")


def test_kind_text_never_reads_a_file():
    doc = load_document(str(FA), kind="text")
    assert doc.text == str(FA) and doc.source is None
    with pytest.raises(InputError, match="kind"):
        load_document(FA, kind="text")  # a Path is always a file
    with pytest.raises(InputError, match="kind must be"):
        load_document("some text", kind="file")


def test_document_passes_through_any_kind():
    doc = Document("Some text here.", "t", "en")
    assert load_document(doc, kind="path") is doc


def test_directory(tmp_path):
    for source in (tmp_path, str(tmp_path), str(tmp_path) + "/"):
        with pytest.raises(InputError, match="is a directory"):
            load_document(source)


@pytest.mark.parametrize("url", ["https://www.mizan.ir/fa/news/123", "http://example.com/a.html", "ftp://example.com/a.txt"])
def test_urls_are_not_downloaded(url):
    for kind in ("auto", "path"):
        with pytest.raises(InputError, match="does not download: save the page and pass the file"):
            load_document(url, kind=kind)
    with pytest.raises(InputError, match="does not download"):
        load_document(Path(url))


def test_file_url_reads_the_local_file():
    assert load_document(FA.as_uri()).text == FA.read_text(encoding="utf-8")


@posix_only
def test_fifo_is_refused_without_blocking(tmp_path, no_hang):
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    for source in (fifo, str(fifo)):
        with pytest.raises(InputError, match="not a regular file"):
            load_document(source)


@posix_only
def test_socket_and_devices_are_refused(tmp_path, no_hang):
    short = Path(tempfile.mkdtemp(prefix="ca"))  # AF_UNIX paths must be short
    sock_path = short / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(InputError, match="not a regular file"):
            load_document(sock_path)
    sock_path.unlink()
    short.rmdir()
    for dev in ("/dev/null", "/dev/zero", "/dev/urandom"):
        if os.path.exists(dev):
            with pytest.raises(InputError, match="not a regular file"):
                load_document(dev)


@posix_only
def test_symlinks(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    with pytest.raises(InputError, match="symbolic link loop"):
        load_document(tmp_path / "a.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(InputError, match="no such file"):
        load_document(str(tmp_path / "dangling.txt"))
    (tmp_path / "ok.txt").symlink_to(FA)
    assert load_document(tmp_path / "ok.txt").lang == "fa"


def test_a_file_used_as_a_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_document(FA / "article.txt")


def test_too_large_is_refused_before_reading(tmp_path):
    from align.documents import MAX_BYTES

    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: nothing is written or read
    with pytest.raises(InputError, match="larger than"):
        load_document(big)


@pytest.mark.parametrize("lang, warned", [("en", True), ("ko", True), ("de", True), ("fa", False), ("ar", False), ("xx", False)])
def test_a_language_the_text_cannot_be_in_is_warned(lang, warned):
    import warnings

    from align.errors import InputWarning

    text = "شمخانی گفت: روابط دوستانه با کشورهای همسایه اصلی‌ترین اولویت سیاست خارجی ایران است."
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        doc = load_document(text, kind="text", lang=lang)
    found = [str(w.message) for w in seen if issubclass(w.category, InputWarning)]
    assert doc.lang == lang  # the language given is the language used
    assert bool(found) == warned, found
    if warned:
        assert found[0].startswith(f"text: given as language {lang!r}, but it is written in the Arabic script (it reads as 'fa')")
