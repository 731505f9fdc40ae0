"""Reading article files: UTF-8, byte order marks, UTF-16/32 without BOM, legacy code pages
(cp1256 for Persian and Arabic, windows-1252), and a clear error for binary data."""
from __future__ import annotations

import dataclasses
import gzip
import io
import random
import zipfile
from pathlib import Path

import pytest

from align import Document, InputError, load_document
from align.documents import decode_bytes

ROOT = Path(__file__).resolve().parents[2]
FA_TEXT = (ROOT / "examples" / "shamkhani_bahrami_fa.txt").read_text(encoding="utf-8")
AR_TEXT = (ROOT / "examples" / "shamkhani_mohib_ar.txt").read_text(encoding="utf-8")
EN_TEXT = (ROOT / "examples" / "shamkhani_mohib_en.txt").read_text(encoding="utf-8")
FR_TEXT = (
    "Le président a déclaré mercredi que la coopération régionale était essentielle à la sécurité.\n"
    "« Nous n’avons pas d’autre choix », a-t-il ajouté devant les ministres réunis à Téhéran.\n"
)
# Windows-1256 has no Persian yeh (U+06CC): legacy Persian files spell it with the Arabic yeh.
FA_CP1256 = FA_TEXT.replace("ی", "ي")


def write(tmp_path: Path, data: bytes, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8(tmp_path):
    doc = load_document(write(tmp_path, FA_TEXT.encode("utf-8")))
    assert doc.text == FA_TEXT and doc.encoding == "utf-8" and doc.lang == "fa"
    assert doc.extracted_from is None


@pytest.mark.parametrize(
    "bom, codec, recorded",
    [
        (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
        (b"\xff\xfe", "utf-16-le", "utf-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    ],
)
@pytest.mark.parametrize("text", [FA_TEXT, EN_TEXT], ids=["fa", "en"])
def test_byte_order_marks(tmp_path, bom, codec, recorded, text):
    path = write(tmp_path, bom + text.encode(codec))
    doc = load_document(path)
    assert doc.text == text and doc.encoding == recorded
    assert path.read_bytes().decode(doc.encoding) == doc.text  # the recorded codec reproduces it


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("text", [FA_TEXT, AR_TEXT, EN_TEXT, FR_TEXT], ids=["fa", "ar", "en", "fr"])
def test_utf16_and_utf32_without_bom_are_text_not_binary(tmp_path, codec, text):
    doc = load_document(write(tmp_path, text.encode(codec)))
    assert doc.text == text and doc.encoding == codec


@pytest.mark.parametrize("text, lang", [(FA_CP1256, "fa"), (AR_TEXT, "ar")], ids=["fa", "ar"])
def test_cp1256_persian_and_arabic(tmp_path, text, lang):
    doc = load_document(write(tmp_path, text.encode("cp1256")))
    assert doc.text == text and doc.encoding == "cp1256" and doc.lang == lang


def test_cp1256_first_line_only(tmp_path):
    line = FA_CP1256.splitlines()[1] + "\n"
    doc = load_document(write(tmp_path, line.encode("cp1256")))
    assert doc.text == line and doc.encoding == "cp1256"


@pytest.mark.parametrize("text", [FR_TEXT, "café crème", "Größe und Übermaß: Die Außenminister trafen sich in München."])
def test_windows_1252(tmp_path, text):
    doc = load_document(write(tmp_path, text.encode("cp1252")))
    assert doc.text == text and doc.encoding == "cp1252"


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("article.txt", FA_TEXT)
    return buf.getvalue()


BINARIES = {
    "random": random.Random(0).randbytes(4096),
    "random-short": random.Random(1).randbytes(64),
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8\x66" * 20,
    "zip": _zip_bytes(),
    "gzip": gzip.compress(FA_TEXT.encode("utf-8"), mtime=0),
    "elf": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8,
}


@pytest.mark.parametrize("kind", sorted(BINARIES))
def test_binary_data_is_one_clear_error(tmp_path, kind):
    with pytest.raises(InputError, match=r"article\.txt: not a text file \(looks binary") as err:
        load_document(write(tmp_path, BINARIES[kind]))
    assert "\n" not in str(err.value)


def test_nul_byte_anywhere_is_rejected_not_only_in_the_first_8_kb(tmp_path):
    text = FA_TEXT * 4  # > 8 KB of UTF-8 before the NUL
    assert len(text.encode("utf-8")) > 8192
    with pytest.raises(InputError, match="looks binary"):
        load_document(write(tmp_path, (text + "\x00" + EN_TEXT).encode("utf-8")))
    with pytest.raises(InputError, match="looks binary"):
        load_document(write(tmp_path, (FA_CP1256 * 4 + "\x00").encode("cp1256")))


def test_nul_in_a_string_never_reaches_a_document():
    with pytest.raises(InputError, match="looks binary"):
        load_document("A sentence here.\x00 And another one.", kind="text")


def test_a_few_stray_control_characters_become_spaces(tmp_path):
    # A bell or an escape in a long article (a copy-paste accident) is replaced by a space
    # (offsets stay the same); many of them mean the file is not text.
    text = EN_TEXT.replace("Tehran", "Teh\x07ran", 1)
    doc = load_document(write(tmp_path, text.encode("utf-8")))
    assert doc.text == text.replace("\x07", " ") and len(doc.text) == len(text)
    noisy = "".join(ch + ("\x1b" if i % 20 == 0 else "") for i, ch in enumerate(EN_TEXT))
    with pytest.raises(InputError, match="looks binary"):
        load_document(write(tmp_path, noisy.encode("utf-8")))


def test_invalid_utf16_after_a_bom_is_a_clear_error(tmp_path):
    data = b"\xff\xfe" + "Hello there.".encode("utf-16-le") + b"\x00\xd8" + "more".encode("utf-16-le")
    with pytest.raises(InputError, match="UTF-16"):
        load_document(write(tmp_path, data))


def test_decode_bytes_reports_the_codec():
    from align.documents import decode_bytes

    assert decode_bytes("سلام دنیا".encode()) == ("سلام دنیا", "utf-8")
    assert decode_bytes("سلام عليكم يا صديقي".encode("cp1256")) == ("سلام عليكم يا صديقي", "cp1256")
    with pytest.raises(InputError, match="looks binary"):
        decode_bytes(BINARIES["zip"], where="x.zip")


def test_document_stays_backward_compatible():
    doc = Document("Some text.", "t", "en")
    assert doc == Document("Some text.", "t", "en", None) == Document(text="Some text.", name="t", lang="en", source=None)
    assert doc.encoding == "utf-8" and doc.extracted_from is None and doc.source is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.text = "other"  # type: ignore[misc]
    assert Document("x", "n", "en", None, "cp1256", "html").encoding == "cp1256"
    assert "cp1256" not in repr(doc)


def test_utf8_with_a_stray_byte_is_utf8_with_a_warning_never_garbled():
    """One Latin-1 byte in a UTF-8 file with curly quotes: read as UTF-8, the byte replaced and
    named (it was decoded whole as cp1251: IranвЂ™s, вЂњTerrorism)."""
    import warnings

    from align.errors import InputWarning

    text = "Iran’s security chief said “Terrorism is a common threat” on Sunday. "
    data = text.encode("utf-8") + b"caf\xe9 " + text.encode("utf-8")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        decoded, codec = decode_bytes(data, "stray.txt")
    assert codec == "utf-8" and decoded.count("Iran’s") == 2 and "caf\ufffd" in decoded and "вЂ" not in decoded
    assert [str(w.message) for w in seen if issubclass(w.category, InputWarning)] == [
        f"stray.txt: UTF-8 with 1 invalid byte(s), replaced by \ufffd (at byte {len(text.encode('utf-8')) + 3})"]


def test_a_legacy_guess_must_be_plausible():
    from align.documents import _plausible

    assert _plausible("café crème brûlée") and _plausible("Привет мир") and _plausible("روابط دوستانه")
    assert not _plausible("IranвЂ™s security chief said вЂњTerrorism is a threatвЂќ today and more words here")
