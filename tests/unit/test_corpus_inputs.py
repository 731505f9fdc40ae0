"""Corpus inputs: folders, tables, metadata, bad rows (skip vs stop); no model needed."""
from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from align.corpus.inputs import bad_rows_message, corpus_files, parse_date, read_corpus
from align.errors import InputError, InputWarning

FA = "شمخانی گفت: روابط دوستانه با کشورهای همسایه اولویت اصلی سیاست خارجی ایران است."
AR = "أكد شمخاني أن تعزيز العلاقات مع دول الجوار من أولويات السياسة الخارجية الإيرانية."
EN = "Shamkhani said that relations with neighbouring countries are a priority of Iran's foreign policy."


def _ids(bad):
    return sorted(b.id for b in bad)


def test_folder_with_metadata_and_bad_files(tmp_path):
    (tmp_path / "b_ar.txt").write_text(AR, encoding="utf-8")
    (tmp_path / "a_fa.txt").write_text(FA, encoding="utf-8")
    (tmp_path / "c_en.html").write_text(f"<html><body><p>{EN}</p></body></html>", encoding="utf-8")
    (tmp_path / "d_empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "e_binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "a_fa.htm").write_text(FA, encoding="utf-8")  # duplicate id a_fa (the .htm comes first and is kept)
    (tmp_path / "README.md").write_text("# not an article", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "notes.csv").write_text("not,an,article\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "article_id,lang,outlet,date,title\n"
        "a_fa,fa,Mizan,2024-07-06,\n"
        "b_ar,ar,Al-Quds,2024-07-06T10:00:00,عنوان\n"
        "c_en,,Amu TV,2024-07-07,Title\n"
        "z_missing,en,X,2024-07-07,\n", encoding="utf-8")
    articles, bad = read_corpus(tmp_path)
    assert [a.id for a in articles] == ["a_fa", "b_ar", "c_en"]
    a = {x.id: x for x in articles}
    assert a["a_fa"].lang == "fa" and a["a_fa"].outlet == "Mizan" and a["a_fa"].date == "2024-07-06"
    assert a["b_ar"].date == "2024-07-06" and a["b_ar"].title == "عنوان"
    assert a["c_en"].lang is None  # detected later
    assert _ids(bad) == ["a_fa", "d_empty", "e_binary", "z_missing"]
    reasons = {b.id: b.reason for b in bad}
    assert "duplicate id" in reasons["a_fa"] and "empty" in reasons["d_empty"]
    assert "unreadable" in reasons["e_binary"] and "no text file" in reasons["z_missing"]
    with pytest.raises(InputError) as exc:
        read_corpus(tmp_path, on_error="stop")
    msg = str(exc.value)
    assert "4 bad row(s)" in msg and "d_empty" in msg and "e_binary" in msg and "z_missing" in msg


def test_tables_csv_tsv_jsonl_parquet(tmp_path):
    rows = [{"id": "x1", "lang": "fa", "outlet": "A", "date": "2024-01-01", "title": "", "text": FA},
            {"id": "x2", "lang": "ar", "outlet": "B", "date": "", "title": "t", "text": AR},
            {"id": "x3", "lang": "", "outlet": "", "date": "2024-01-02", "title": "", "text": EN}]
    frame = pd.DataFrame(rows)
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.to_csv(tmp_path / "c.tsv", sep="\t", index=False)
    frame.to_parquet(tmp_path / "c.parquet")
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    for name in ("c.csv", "c.tsv", "c.parquet", "c.jsonl"):
        articles, bad = read_corpus(tmp_path / name)
        assert not bad, name
        assert [(a.id, a.lang, a.outlet, a.date) for a in articles] == [
            ("x1", "fa", "A", "2024-01-01"), ("x2", "ar", "B", None), ("x3", None, "", "2024-01-02")], name
        assert articles[0].text == FA and articles[2].source == "x3"
    articles, bad = read_corpus(frame)  # a DataFrame
    assert len(articles) == 3 and not bad
    articles, bad = read_corpus(rows)  # a list of dicts
    assert len(articles) == 3 and not bad


def test_bad_table_rows_skip_and_stop(tmp_path):
    lines = [
        json.dumps({"id": "ok1", "lang": "fa", "text": FA}, ensure_ascii=False),
        json.dumps({"id": "ok2", "lang": "ar", "text": AR}, ensure_ascii=False),
        json.dumps({"id": "empty", "text": "  "}),
        json.dumps({"id": "ok1", "text": EN}),  # duplicate id
        json.dumps({"id": "baddate", "date": "05/06/2025", "text": EN}),
        json.dumps({"id": "badlang", "lang": "Persian!", "text": FA}, ensure_ascii=False),
        json.dumps({"id": "mojibake", "text": "\ufffd\ufffd\ufffd abc \ufffd\ufffd"}),
        json.dumps({"id": "nul", "text": "abc\x00def"}),
        "{not json",
        json.dumps({"text": EN}),  # no id
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, bad = read_corpus(path)
    assert [a.id for a in articles] == ["ok1", "ok2"]
    reasons = {b.id: b.reason for b in bad}
    assert set(reasons) == {"empty", "ok1", "baddate", "badlang", "mojibake", "nul", "line 9", "(t.jsonl:10)"}
    assert reasons["ok1"] == "duplicate id (first at t.jsonl:1)"
    assert "ambiguous" in reasons["baddate"] and "--date-order" in reasons["baddate"] and "language" in reasons["badlang"]
    assert "wrong encoding" in reasons["mojibake"] and "NUL" in reasons["nul"]
    assert all(b.action == "skipped" for b in bad)
    with pytest.raises(InputError, match="8 bad row"):
        read_corpus(path, on_error="stop")


def test_unusable_sources(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_corpus(tmp_path / "missing.csv")
    (tmp_path / "x.csv").write_text("name,body2\na,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'id' column"):
        read_corpus(tmp_path / "x.csv")
    (tmp_path / "y.csv").write_text("id,title\na,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'text' column"):
        read_corpus(tmp_path / "y.csv")
    (tmp_path / "dir").mkdir()
    with pytest.raises(InputError, match="no article files"):
        read_corpus(tmp_path / "dir")
    with pytest.raises(InputError, match="on_error"):
        read_corpus(tmp_path / "x.csv", on_error="ignore")
    (tmp_path / "z.xlsx").write_bytes(b"PK")
    with pytest.raises(InputError, match="not a table"):
        read_corpus(tmp_path / "z.xlsx")


def test_parse_date():
    assert parse_date("2024-07-06") == "2024-07-06"
    assert parse_date("2024-07-06 10:00") == "2024-07-06"
    assert parse_date("") is None and parse_date(None) is None and parse_date(float("nan")) is None
    for bad in ("2024-13-01", "06/07/2024", "2024-07-06x"):
        with pytest.raises(ValueError):
            parse_date(bad)


# -- issue 24: fields of the wrong type, missing and written dates, claimalign's own pages ---------

def test_a_field_of_the_wrong_type_is_a_bad_row_with_a_reason(tmp_path):
    rows = [{"id": "obj", "text": {"a": 1}}, {"id": "list", "text": [FA]}, {"id": "num", "text": 5},
            {"id": "null", "text": None}, {"id": ["x"], "text": EN}, {"id": True, "text": EN},
            {"id": "lang", "lang": 7, "text": EN}, {"id": "date", "date": 20240530, "text": EN},
            {"id": "title", "title": {"t": 1}, "text": EN}, {"id": 17, "outlet": 3, "text": EN}, {"id": 18.0, "text": AR}]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    articles, bad = read_corpus(path)
    assert [(a.id, a.outlet) for a in articles] == [("17", "3"), ("18", "")]  # whole numbers are ids (and outlets)
    reasons = {b.id: b.reason for b in bad}
    assert reasons["obj"] == "text is a JSON object ({'a': 1}), not text"  # never the article "{'a': 1}"
    assert reasons["list"].startswith("text is a list") and reasons["num"].startswith("text is a number")
    assert reasons["null"] == "empty text"
    assert reasons["(t.jsonl:5)"].startswith("id is a list") and reasons["(t.jsonl:6)"].startswith("id is true/false")
    assert reasons["lang"].startswith("lang is a number") and reasons["date"].startswith("date is a number")
    assert reasons["title"].startswith("title is a JSON object")


def test_missing_dates_are_undated_and_the_written_date_is_kept(tmp_path):
    frame = pd.DataFrame({"id": ["a", "b", "c", "d", "e"], "text": [FA, AR, EN, EN, FA], "lang": ["fa", "ar", "en", "en", "fa"],
                          "date": [pd.Timestamp("2024-05-30"), pd.NaT, pd.Timestamp("2024-05-31 10:00"), None, None]})
    frame.to_parquet(tmp_path / "t.parquet")
    for source in (frame, tmp_path / "t.parquet"):
        articles, bad = read_corpus(source)
        assert not bad and [a.date for a in articles] == ["2024-05-30", None, "2024-05-31", None, None]
    rows = [{"id": "fa", "lang": "fa", "date": "۱۴۰۳/۰۳/۱۰", "text": FA}, {"id": "ar", "date": "23 ذو القعدة 1445", "text": AR},
            {"id": "en", "date": "May 30, 2024", "text": EN}, {"id": "x", "date": "05/06/2019", "text": EN},
            {"id": "fa2", "lang": "fa", "date": "1403/03/10", "text": FA}]
    articles, bad = read_corpus(rows)
    assert [(a.id, a.date, a.date_written) for a in articles] == [
        ("ar", "2024-05-31", "23 ذو القعدة 1445"), ("en", "2024-05-30", "May 30, 2024"), ("fa", "2024-05-30", "۱۴۰۳/۰۳/۱۰"),
        ("fa2", "2024-05-30", "1403/03/10")]
    assert [b.id for b in bad] == ["x"] and "ambiguous" in bad[0].reason
    articles, bad = read_corpus(rows, date_order="DMY")
    assert not bad and {a.id: a.date for a in articles}["x"] == "2019-06-05"
    with pytest.raises(InputError, match="date_order must be one of 'DMY', 'MDY', 'YMD'"):
        read_corpus(rows, date_order="dmy")


def test_the_bad_rows_message_says_skipped_unless_the_run_stops(tmp_path):
    rows = [{"id": "a", "text": ""}, {"id": "b", "date": "05/06/2019", "text": EN}]
    _, bad = read_corpus(rows)
    assert bad_rows_message(bad).startswith("2 bad row(s) (skipped): a: empty text; b: ambiguous date")
    with pytest.raises(InputError, match=r"^2 bad row\(s\) \(--on-error stop\)"):
        read_corpus(rows, on_error="stop")


def test_a_claimalign_page_in_the_folder_is_not_an_article(tmp_path):
    (tmp_path / "a.txt").write_text(FA, encoding="utf-8")
    (tmp_path / "b.txt").write_text(AR, encoding="utf-8")
    (tmp_path / "overview.html").write_text("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>claimalign corpus: "
                                            "2 articles, 1 events</title></head><body><p>Iran's minister</p></body></html>",
                                            encoding="utf-8")
    (tmp_path / "page.html").write_text(f"<html><head><title>News</title></head><body><p>{EN}</p></body></html>", encoding="utf-8")
    with pytest.warns(InputWarning, match="overview.html: a claimalign page"):
        articles, bad = read_corpus(tmp_path)
    assert [a.id for a in articles] == ["a", "b", "page"] and not bad
    assert sorted(p.name for p in corpus_files(tmp_path)) == ["a.txt", "b.txt", "page.html"]


def test_entries_named_like_articles_that_are_not_files_are_bad_rows(tmp_path):
    (tmp_path / "a.txt").write_text(FA, encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "nowhere.txt")  # broken
    (tmp_path / "c.txt").mkdir()
    (tmp_path / "d.txt").symlink_to(tmp_path / "d.txt")  # a loop
    os.mkfifo(tmp_path / "e.txt")  # never opened (it would block)
    (tmp_path / "f.txt").symlink_to(tmp_path / "a.txt")  # a link to an article: read
    articles, bad = read_corpus(tmp_path)
    assert [a.id for a in articles] == ["a", "f"] and articles[1].text == FA
    reasons = {b.id: b.reason for b in bad}
    assert reasons == {"b": "unreadable: a symbolic link to nothing (or a link loop)", "c": "unreadable: a directory",
                       "d": "unreadable: a symbolic link to nothing (or a link loop)", "e": "unreadable: not a regular file"}
