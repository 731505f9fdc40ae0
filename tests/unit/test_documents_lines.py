"""``--segmented``: line k of the file is segment k, whatever characters are inside the lines
(form feeds, information separators, NEL, U+2028/2029 are not line ends in a text file)."""
from __future__ import annotations

from align import Document, load_document
from align.segment import segment_lines

LINES = [
    "First line.\fStill the first line after a form feed.",
    "Second line with a \x1c file separator and \x1d\x1e group/record separators.",
    "Third line\x85with NEL inside.",
    "Fourth line\u2028with a line separator\u2029and a paragraph separator.",
    "",
    "Sixth line after a blank one, CRLF ended.",
    "Last line without a newline",
]


def _check(doc: Document, lines: list[str]) -> None:
    """Segment k + 1 is line k; a blank line is no segment but keeps its number."""
    segs = segment_lines(doc)
    kept = [k for k, line in enumerate(lines) if line.strip()]
    assert [s.id for s in segs] == [k + 1 for k in kept]
    for seg, k in zip(segs, kept, strict=True):
        assert seg.text == lines[k].strip()
        assert doc.text[seg.start : seg.end] == seg.text  # offsets index into the document


def test_only_newlines_end_lines():
    text = "\n".join(LINES[:5]) + "\n" + LINES[5] + "\r\n" + LINES[6]
    _check(Document(text, "t", "en"), LINES)


def test_trailing_newline_and_crlf():
    text = "one\r\ntwo\r\n\r\nfour\r\n"
    segs = segment_lines(Document(text, "t", "en"))
    assert [(s.id, s.text) for s in segs] == [(1, "one"), (2, "two"), (4, "four")]  # line 3 is blank: no segment
    assert [text[s.start : s.end] for s in segs] == ["one", "two", "four"]


def test_line_ids_match_the_file_lines(tmp_path):
    path = tmp_path / "de.txt"
    path.write_bytes(("\n".join(LINES[:1] + LINES[3:]) + "\n").encode("utf-8"))
    doc = load_document(path)
    lines = path.read_bytes().decode("utf-8").split("\n")[:-1]
    assert len(segment_lines(doc)) == 4 and len(lines) == 5  # the blank line is no segment
    _check(doc, lines)
