"""align.writers: CSV, XLSX, HTML and JSONL files of hand-made reports; loading JSONL back
(format 2, and format 1 files saved before the refactor); tampered files; atomic writes."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import time
import zipfile
from pathlib import Path

import pytest
from factories import en_ar_report, report, side
from openpyxl import load_workbook

import align
from align import InputError
from align.errors import ClaimalignError
from align.rows import Row
from align.writers import files
from align.writers.files import atomic_write, safe_cell
from align.writers.jsonl import FORMAT
from align.writers.table import COLUMNS, flat_row

DATA = Path(__file__).resolve().parents[1] / "data"


def formula_report():
    """Rows whose texts start like spreadsheet formulas (and an Arabic one, and a script tag)."""
    a = side(["First sentence here.", "Second sentence here.", "Third sentence here."], name="<b>a</b>.txt")
    b = side(["الجملة الأولى هنا.", "الجملة الثانية هنا.", "الجملة الثالثة هنا."], lang="ar", name="b.txt")
    A, B = a.sentences, b.sentences
    rows = [
        Row("match", (A[0],), (B[0],), a_text='=HYPERLINK("http://evil","x")', b_text=B[0].text, confidence=0.8125,
            relation="equivalent", similarity=0.91234, margin=1.23456, a_claim="+1+1", b_claim="-2",
            flags=("@flag", "day: x"), reviewed="accepted"),
        Row("match", (A[1],), (B[1], B[2]), a_text="<script>alert(1)</script> & more", b_text="\tTabbed",
            confidence=0.5, relation="related", similarity=0.5, margin=-0.04),
        Row("only_a", (A[2],), (), a_text="\rCarriage", nearest="1"),
        Row("only_b", (), (B[2],), b_text="＝SUM(A1)", nearest="2"),
    ]
    return report(a, b, rows)


def parse_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# -- CSV ----------------------------------------------------------------------------------------


def test_csv_columns_and_values():
    rows = parse_csv(en_ar_report().to_csv_string())
    assert list(rows[0]) == COLUMNS
    assert [(r["status"], r["a_ids"], r["b_ids"], r["score"], r["relation"]) for r in rows] == [
        ("match", "1", "1", "0.900", "equivalent"), ("match", "2", "2", "0.600", "related"),
        ("match", "3", "3", "0.800", "equivalent"), ("match", "3", "4", "0.800", "equivalent"),
        ("only_a", "4", "", "", ""), ("only_b", "", "5", "", ""),
    ]
    assert rows[0]["flags"] == "day: Sunday vs Wednesday (الأربعاء)"
    assert rows[0]["conflicts"] == "day: Sunday vs Wednesday (الأربعاء)" and rows[1]["conflicts"] == ""
    assert rows[1]["a_speaker"] == "the minister" and rows[1]["a_speaker_key"] == "mnstr"
    assert rows[4]["nearest"] == "1" and rows[5]["nearest"] == "2"


@pytest.mark.parametrize("column, value", [
    ("a_text", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("a_claim", "'+1+1"),
    ("b_claim", "'-2"),
    ("flags", "'@flag; day: x"),
])
def test_csv_cells_starting_like_a_formula_get_an_apostrophe(column, value):
    assert parse_csv(formula_report().to_csv_string())[0][column] == value


def test_csv_tab_cr_and_fullwidth_starts_are_neutralised():
    rows = parse_csv(formula_report().to_csv_string())
    assert rows[1]["b_text"] == "'\tTabbed" and rows[2]["a_text"] == "'\rCarriage" and rows[3]["b_text"] == "'＝SUM(A1)"
    assert rows[1]["a_text"] == "<script>alert(1)</script> & more"  # not a formula: unchanged


def test_csv_numbers_are_fixed_point():
    row = parse_csv(formula_report().to_csv_string())[0]
    assert (row["score"], row["similarity"], row["margin"]) == ("0.812", "0.912", "1.2346")


def test_csv_negative_numbers_stay_numbers():
    assert parse_csv(formula_report().to_csv_string())[1]["margin"] == "-0.0400"


@pytest.mark.parametrize("value, safe", [
    ("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("\nx", "'\nx"),
    ("＝1", "'＝1"), ("＋1", "'＋1"), ("－1", "'－1"), ("＠x", "'＠x"),
    ("a=1", "a=1"), ("", ""), (" =1", " =1"), (1.5, 1.5), (None, None), (-3, -3),
])
def test_safe_cell(value, safe):
    assert safe_cell(value) == safe


def test_csv_file_has_a_bom_and_crlf_line_ends(tmp_path):
    rep = en_ar_report()
    path = rep.to_csv(tmp_path / "r.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not rep.to_csv_string().startswith("\ufeff")
    assert raw.count(b"\r\n") == len(rep.rows) + 1 and raw.count(b"\n") == raw.count(b"\r\n")
    assert raw[3:].decode("utf-8") == rep.to_csv_string()
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_csv_is_of_the_view(tmp_path):
    rows = parse_csv(en_ar_report().filter(status="only_b").to_csv_string())
    assert [r["b_ids"] for r in rows] == ["5"]


def test_csv_keeps_the_reviews():
    rep = en_ar_report()
    rep.review("A2|B2", "rejected", relation="related")
    rep.relink(4, 5)
    rows = {(r["a_ids"], r["b_ids"]): r["reviewed"] for r in parse_csv(rep.to_csv_string())}
    assert rows[("2", "2")] == "rejected (related)" and rows[("4", "5")] == "re-linked" and rows[("1", "1")] == ""


def test_flat_row_for_pandas_keeps_numbers_and_text_unescaped():
    row = flat_row(formula_report().rows[1], safe=False)
    assert row["score"] == 0.5 and row["margin"] == -0.04 and row["b_text"] == "\tTabbed"
    frame = formula_report().to_frame()
    assert list(frame.columns) == COLUMNS and frame.loc[0, "a_text"].startswith("=HYPERLINK")


# -- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_bytes_are_deterministic(tmp_path):
    """Two writes more than two seconds apart (zip timestamps have a 2 s resolution, the
    document's 'modified' stamp 1 s) give the same bytes."""
    rep = en_ar_report()
    first = rep.to_xlsx(tmp_path / "1.xlsx").read_bytes()
    time.sleep(2.1)
    second = rep.to_xlsx(tmp_path / "2.xlsx").read_bytes()
    assert first == second


def test_xlsx_sheets_rtl_cells_and_text_never_a_formula(tmp_path):
    path = formula_report().to_xlsx(tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["pairs", "only in A", "only in B", "by claim", "run"]
    pairs = wb["pairs"]
    header = [c.value for c in pairs[1]]
    assert header == COLUMNS and pairs.freeze_panes == "A2"
    col = {name: i + 1 for i, name in enumerate(header)}
    ar = pairs.cell(row=2, column=col["b_text"])
    assert ar.value == "الجملة الأولى هنا." and ar.alignment.horizontal == "right" and ar.alignment.readingOrder == 2
    en = pairs.cell(row=3, column=col["a_text"])
    assert en.alignment.horizontal == "left" and en.alignment.readingOrder == 1
    formula = pairs.cell(row=2, column=col["a_text"])
    assert formula.value == '=HYPERLINK("http://evil","x")' and formula.data_type == "s"
    assert pairs.cell(row=2, column=col["score"]).value == 0.812  # numbers stay numbers
    assert pairs.cell(row=3, column=col["margin"]).value == -0.04
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(re.search(rb"<f[ >]", z.read(n)) for n in sheets)  # no formula anywhere
    assert [c.value for c in wb["only in A"]["F"]][1:] == ["\rCarriage"]
    assert [c.value for c in wb["only in B"]["H"]][1:] == ["＝SUM(A1)"]
    run = {r[0].value: r[1].value for r in wb["run"].iter_rows()}
    assert run["claimalign"] == align.__version__ and run["model"] == "test-model"
    assert json.loads(run["documents"])["B"] == {"lang": "ar", "name": "b.txt", "sentences": 3}


def test_xlsx_drops_characters_xml_cannot_hold(tmp_path):
    a, b = side(["One two three."]), side(["Four five six."])
    rep = report(a, b, [Row("only_a", (a.sentences[0],), (), a_text="bell\x07 and\x01 nul")])
    wb = load_workbook(rep.to_xlsx(tmp_path / "r.xlsx"))
    assert wb["only in A"]["F2"].value == "bell and nul"


# -- HTML ---------------------------------------------------------------------------------------


def test_html_escapes_every_text_and_has_no_script():
    page = formula_report().to_html()
    assert "<script" not in page.lower() and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "&lt;b&gt;a&lt;/b&gt;.txt" in page and "<b>a</b>" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.startswith("<!DOCTYPE html>") and "http://" not in page.replace("http://evil", "")


def test_html_arabic_and_persian_cells_are_right_to_left():
    page = en_ar_report().to_html()
    cells = re.findall(r'<div class="(rtl|ltr)" dir="(rtl|ltr)" lang="(\w+)">', page)
    assert cells and all(cls == d for cls, d, _ in cells)
    assert {d for _, d, lang in cells if lang == "ar"} == {"rtl"} and {d for _, d, lang in cells if lang == "en"} == {"ltr"}
    # A's claims with B's counterparts (B1-B4), B5 only in B, and B's claims again in the B-side section
    assert {m for m in re.findall(r'<bdi class="id" dir="ltr">(B\d)</bdi>', page)} == {"B1", "B2", "B3", "B4", "B5"}
    a = side(["این یک جمله است."], lang="fa", topics=[0])
    b = side(["This is a sentence."], lang="en", topics=[0])
    page = report(a, b, [Row("match", (a.sentences[0],), (b.sentences[0],), a_text=a.sentences[0].text,
                             b_text=b.sentences[0].text, confidence=0.9, relation="equivalent")]).to_html()
    assert 'dir="rtl" lang="fa"' in page and 'dir="ltr" lang="en"' in page


def test_html_written_to_a_file(tmp_path):
    rep = en_ar_report()
    path = rep.to_html(tmp_path / "r.html")
    assert path.read_text(encoding="utf-8") == rep.to_html().replace(_date(rep.to_html()), _date(path.read_text(encoding="utf-8")))
    assert "<style>" in rep._repr_html_() and "<!DOCTYPE" not in rep._repr_html_()


def _date(page: str) -> str:
    return re.search(r"<th>date</th><td>([^<]*)</td>", page).group(1)


def test_html_long_text_is_collapsible():
    a, b = side(["word " * 100 + "end."]), side(["short."])
    rep = report(a, b, [Row("only_a", (a.sentences[0],), (), a_text=a.sentences[0].text)])
    assert "<details><summary>" in rep.to_html()


# -- JSONL --------------------------------------------------------------------------------------


def test_jsonl_round_trip(tmp_path):
    rep = en_ar_report()
    rep.review("A1|B1", "accepted", relation="related")
    rep.relink(4, 5)
    path = rep.to_jsonl(tmp_path / "r.jsonl")
    meta = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert meta["type"] == "meta" and meta["format"] == FORMAT == 2 and meta["date"] is None
    loaded = align.load_report(path)
    assert loaded.rows == rep.rows  # every field of every row, the segments' included
    assert loaded.reviews == {"A1|B1": "accepted (related)", "A4|B5": "re-linked"}
    assert loaded.a.sentences == rep.a.sentences and loaded.b.document == rep.b.document
    assert loaded.options == rep.options and loaded.unit == "sentence" and loaded.scores is None
    assert loaded.to_jsonl() == rep.to_jsonl()  # saving again gives the same text
    loaded.review("A2|B2", "rejected")  # a loaded report can be reviewed further
    assert loaded.reviews["A2|B2"] == "rejected"
    assert loaded.settings == rep.settings  # the settings as given, speaker and languages included


def test_a_loaded_report_keeps_its_settings(tmp_path):
    from align.settings import CompareSettings

    rep = en_ar_report()
    rep.settings = CompareSettings(langs=("en", "ar"), speaker="Araghchi", k=3, min_score=0.5)
    loaded = align.load_report(rep.save(tmp_path / "r.jsonl"))
    assert loaded.settings.speaker == "Araghchi" and loaded.settings.langs == ("en", "ar")
    assert (loaded.settings.k, loaded.settings.min_score) == (3, 0.5)
    meta, *rows = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    bad = json.loads(meta)
    bad["settings"]["k"] = 0  # an edited file: the settings are validated again
    (tmp_path / "bad.jsonl").write_text("\n".join([json.dumps(bad), *rows]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="settings: k must be an integer >= 1"):
        align.load_report(tmp_path / "bad.jsonl")


def test_jsonl_round_trip_of_a_claim_report(tmp_path):
    rep = en_ar_report("claim")
    loaded = align.load_report(rep.save(tmp_path / "r.jsonl"))
    assert loaded.unit == "claim" and loaded.rows == rep.rows
    assert [u.label for u in loaded.units("A")] == ["1.1", "2.1", "2.2", "3.1", "4.1"]


def test_jsonl_rows_carry_spans_into_the_document():
    rep = en_ar_report()
    lines = [json.loads(x) for x in rep.to_jsonl().splitlines()]
    text = lines[0]["documents"]["B"]["text"]
    row = next(x for x in lines[1:] if x["b_ids"] == ["3"])
    (start, end), = row["b_spans"]
    assert text[start:end] == row["b_text"] == "أمن الحدود أولوية للمنطقة."


def test_a_format_1_report_saved_before_the_refactor_loads_with_its_reviews():
    loaded = align.load_report(DATA / "report_v1_reviewed.jsonl")
    assert loaded.reviews == {"A1|B6": "accepted (equivalent)", "A2|B9": "rejected", "A9|B3": "re-linked"}
    assert loaded.counts == {"match": 8, "only_a": 3, "only_b": 14}
    assert loaded.document("A").lang == "fa" and len(loaded.units("B")) == 22
    row = next(r for r in loaded.rows if r.key == "A1|B6")
    assert row.relation == "equivalent" and "day: Sunday (یکشنبه) vs Wednesday (الأربعاء)" in row.flags
    assert all(loaded.document("A").text[u.start:u.end] == u.text for u in loaded.units("A"))


def _saved(tmp_path) -> tuple[dict, list[dict]]:
    lines = en_ar_report().to_jsonl().splitlines()
    return json.loads(lines[0]), [json.loads(x) for x in lines[1:]]


def _lines(meta, rows) -> str:
    return "\n".join(json.dumps(x, ensure_ascii=False) for x in [meta, *rows]) + "\n"


def _drop(d: dict, key: str) -> dict:
    del d[key]
    return d


TAMPERED = {
    "meta line is a list": (lambda m, r: "[1, 2, 3]\n" + _lines(m, r).split("\n", 1)[1], "no meta line"),
    "empty file": (lambda m, r: "", "no meta line"),
    "not JSON": (lambda m, r: "{not json\n", r"not a claimalign JSONL report \(JSONDecodeError\)"),
    "nested too deep": (lambda m, r: "[" * 200_000 + "\n", r"not a claimalign JSONL report \(RecursionError\)"),
    "meta of another type": (lambda m, r: _lines({**m, "type": "row"}, r), "no meta line"),
    "format from the future": (lambda m, r: _lines({**m, "format": 99}, r), "newer claimalign .*format 99"),
    "format as text": (lambda m, r: _lines({**m, "format": "2"}, r), "bad format number"),
    "no documents": (lambda m, r: _lines(_drop(m, "documents"), r), "no documents"),
    "three articles": (lambda m, r: _lines({**m, "documents": {**m["documents"], "C": m["documents"]["B"]}}, r),
                       "a report of 3 articles; load_report reads two-article reports"),
    "options a list": (lambda m, r: _lines({**m, "options": []}, r), "options is not an object"),
    "document without text": (lambda m, r: (_drop(m["documents"]["A"], "text"), _lines(m, r))[1],
                              "document A lacks its text, name or language"),
    "document a list": (lambda m, r: (m["documents"].update(B=[]), _lines(m, r))[1], "document B lacks its text"),
    "segments not a list": (lambda m, r: (m["documents"]["A"].update(segments={}), _lines(m, r))[1],
                            "document A: segments is not a list"),
    "segment lacks a field": (lambda m, r: (_drop(m["documents"]["A"]["segments"][0], "start"), _lines(m, r))[1],
                              "document A: a segment lacks a field"),
    "segment not an object": (lambda m, r: (m["documents"]["B"]["segments"].append(7), _lines(m, r))[1],
                              "document B: a segment lacks a field"),
    "segment id as text": (lambda m, r: (m["documents"]["A"]["segments"][0].update(id="1"), _lines(m, r))[1],
                           "id/offsets are not integers"),
    "segment offset a bool": (lambda m, r: (m["documents"]["A"]["segments"][0].update(end=True), _lines(m, r))[1],
                              "id/offsets are not integers"),
    "duplicate_of as text": (lambda m, r: (m["documents"]["B"]["segments"][3].update(duplicate_of="3"), _lines(m, r))[1],
                             "sentence/duplicate_of is not an integer"),
    "segment text a number": (lambda m, r: (m["documents"]["A"]["segments"][0].update(text=5), _lines(m, r))[1],
                              "a segment's text is not text"),
    "speaker a list": (lambda m, r: (m["documents"]["A"]["segments"][1].update(speaker=["x"]), _lines(m, r))[1],
                       "a segment's speaker is not text"),
    "row a list": (lambda m, r: _lines(m, [[1, 2], *r]), "line 2 is not a row"),
    "row of another type": (lambda m, r: _lines(m, [{**r[0], "type": "meta"}, *r[1:]]), "line 2 is not a row"),
    "row lacks a key": (lambda m, r: _lines(m, [r[0], _drop(r[1], "status"), *r[2:]]), "line 3 lacks status"),
    "row lacks keys": (lambda m, r: _lines(m, [{"type": "row"}]), "line 2 lacks status, score, relation"),
    "score as text": (lambda m, r: _lines(m, [{**r[0], "score": "high"}, *r[1:]]), "line 2: a score is not a number"),
    "score a bool": (lambda m, r: _lines(m, [{**r[0], "score": True}, *r[1:]]), "line 2: a score is not a number"),
    "margin a list": (lambda m, r: _lines(m, [{**r[0], "margin": [1]}, *r[1:]]), "a score is not a number"),
    "unknown status": (lambda m, r: _lines(m, [{**r[0], "status": "maybe"}, *r[1:]]), "line 2: unknown status 'maybe'"),
    "status a list": (lambda m, r: _lines(m, [{**r[0], "status": ["match"]}, *r[1:]]), "unknown status"),
    "status an object": (lambda m, r: _lines(m, [{**r[0], "status": {}}, *r[1:]]), "unknown status"),
    "unknown relation": (lambda m, r: _lines(m, [{**r[0], "relation": "same"}, *r[1:]]), "line 2: unknown relation"),
    "ids of a missing unit": (lambda m, r: _lines(m, [{**r[0], "a_ids": ["99"]}, *r[1:]]),
                              "line 2: a_ids names a unit the document does not have"),
    "ids of a missing claim": (lambda m, r: _lines(m, [{**r[0], "b_ids": ["1.1"]}, *r[1:]]), "b_ids names a unit"),
    "ids as text": (lambda m, r: _lines(m, [{**r[0], "b_ids": "1"}, *r[1:]]), "b_ids names a unit"),
    "flags as text": (lambda m, r: _lines(m, [{**r[0], "flags": "day"}, *r[1:]]), "line 2: flags"),
    "flags of numbers": (lambda m, r: _lines(m, [{**r[0], "flags": [1]}, *r[1:]]), "line 2: flags"),
    "text a number": (lambda m, r: _lines(m, [{**r[0], "a_text": 5}, *r[1:]]), "line 2: a_text is not text"),
    "reviewed null": (lambda m, r: _lines(m, [{**r[0], "reviewed": None}, *r[1:]]), "line 2: reviewed is not text"),
    "nearest a number": (lambda m, r: _lines(m, [{**r[0], "nearest": 3}, *r[1:]]), "line 2: nearest"),
}


@pytest.mark.parametrize("case", list(TAMPERED))
def test_a_tampered_jsonl_is_an_input_error_naming_the_problem(tmp_path, case):
    tamper, message = TAMPERED[case]
    meta, rows = _saved(tmp_path)
    path = tmp_path / "r.jsonl"
    path.write_text(tamper(meta, rows), encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        align.load_report(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), "not UTF-8 text"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: None, "no such file"),
])
def test_unreadable_jsonl_is_an_input_error(tmp_path, make, message):
    path = tmp_path / "r.jsonl"
    make(path)
    with pytest.raises(InputError, match=message):
        align.load_report(path)


def _multi_jsonl(tmp_path) -> Path:
    from align.multi import MultiReport

    a, b, c = (side([f"Sentence {x} one here."], name=f"{x}.txt") for x in "abc")
    multi = MultiReport([a, b, c], {(0, 1): report(a, b, []), (0, 2): report(a, c, []), (1, 2): report(b, c, [])}, {})
    return multi.to_jsonl(tmp_path / "m.jsonl")


def test_a_multi_article_jsonl_is_refused_by_load_report_with_the_reason(tmp_path):
    with pytest.raises(InputError, match="a report of 3 articles; load_report reads two-article reports"):
        align.load_report(_multi_jsonl(tmp_path))


def test_a_jsonl_with_a_byte_order_mark_loads(tmp_path):
    rep = en_ar_report()
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + rep.to_jsonl().encode("utf-8"))
    assert align.load_report(path).rows == rep.rows


# -- atomic writes ------------------------------------------------------------------------------


def test_atomic_write_replaces_the_file(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    assert atomic_write(path, b"new") == path and path.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_write_leaves_no_temporary_file_when_the_rename_fails(tmp_path, monkeypatch):
    path = tmp_path / "out.txt"
    path.write_text("old")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        atomic_write(path, b"new")
    assert os.listdir(tmp_path) == ["out.txt"] and path.read_text() == "old"


def test_atomic_write_leaves_no_temporary_file_when_writing_fails(tmp_path):
    with pytest.raises(TypeError):
        atomic_write(tmp_path / "out.txt", "text, not bytes")
    assert os.listdir(tmp_path) == []


def test_atomic_write_leaves_no_temporary_file_when_interrupted(tmp_path, monkeypatch):
    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "out.txt", b"data")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("where, message", [("missing/out.csv", "does not exist"), (".", "is a directory")])
def test_atomic_write_refuses_a_bad_target(tmp_path, where, message):
    with pytest.raises(ClaimalignError, match=message):
        en_ar_report().to_csv(tmp_path / where)
    assert os.listdir(tmp_path) == []


def test_a_failed_export_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "r.jsonl"
    path.write_text("previous")
    monkeypatch.setattr(files.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OSError):
        en_ar_report().to_jsonl(path)
    assert path.read_text() == "previous" and os.listdir(tmp_path) == ["r.jsonl"]



def test_xlsx_rows_fit_their_text_and_print_landscape_one_page_wide(tmp_path):
    rep = en_ar_report()
    wb = load_workbook(rep.to_xlsx(tmp_path / "r.xlsx"))
    pairs = wb["pairs"]
    col = {c.value: c.column for c in pairs[1]}
    for line in range(2, pairs.max_row + 1):
        text = pairs.cell(row=line, column=col["b_text"]).value or ""
        width = pairs.column_dimensions[pairs.cell(row=1, column=col["b_text"]).column_letter].width
        assert pairs.row_dimensions[line].height >= 15 * -(-len(text) // int(width * 1.1))  # every wrapped line shows
    assert pairs.page_setup.orientation == "landscape" and pairs.page_setup.fitToWidth == 1
    assert pairs.sheet_properties.pageSetUpPr.fitToPage and pairs.print_title_rows == "$1:$1"


def test_xlsx_collapses_the_checking_columns_and_aligns_numbers_with_text(tmp_path):
    """The sheet shows what a reader reads (status, confidence, ids, texts, speakers, flags); the
    matched claims again, the scores behind the confidence and the speaker keys are grouped
    and collapsed (the outline's "+" shows them), so one record prints on one line of a page."""
    from align.writers.table import REPORT_COLUMNS

    rep = en_ar_report()
    wb = load_workbook(rep.to_xlsx(tmp_path / "r.xlsx"))
    details = {c.name for c in REPORT_COLUMNS if c.flat and c.detail}
    assert details == {"similarity", "margin", "a_claim", "b_claim", "a_speaker_key", "b_speaker_key", "conflicts"}
    for sheet in ("pairs", "by claim"):
        ws = wb[sheet]
        for cell in ws[1]:
            dim = ws.column_dimensions[cell.column_letter]
            assert (dim.hidden, dim.outlineLevel) == ((True, 1) if cell.value in details else (False, 0)), cell.value
    pairs = wb["pairs"]
    col = {c.value: c.column for c in pairs[1]}
    assert all(pairs.cell(row=k, column=col["score"]).alignment.vertical == "top" for k in range(2, pairs.max_row + 1))


def test_the_claim_sheet_groups_every_counterpart_under_its_claim(tmp_path):
    rep = en_ar_report()
    wb = load_workbook(rep.to_xlsx(tmp_path / "r.xlsx"))
    sheet = wb["by claim"]
    col = {c.value: c.column for c in sheet[1]}
    groups = [sheet.cell(row=k, column=col["group"]).value for k in range(2, sheet.max_row + 1)]
    levels = [sheet.row_dimensions[k].outlineLevel for k in range(2, sheet.max_row + 1)]
    assert sorted(groups) == sorted(r.group for r in rep.rows)
    assert all(lv == (1 if k and groups[k] == groups[k - 1] else 0) for k, lv in enumerate(levels))
    first_b = next(k for k, g in enumerate(groups) if g.startswith("B"))
    assert all(g.startswith("A") for g in groups[:first_b]) and all(g.startswith("B") for g in groups[first_b:])


def test_unit_ids_as_people_read_them():
    from align.rows import unit_ids

    assert unit_ids("A", ["4"]) == "A4" and unit_ids("B", ["13", "14"]) == "B13–14" and unit_ids("B", ["3", "7"]) == "B3;7"
    assert unit_ids("A", ["2.1", "2.2"]) == "A2.1;2.2" and unit_ids("A", []) == ""
