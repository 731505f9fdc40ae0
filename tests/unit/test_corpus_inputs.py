"""Corpus inputs: folders, tables, metadata, bad rows (skip vs stop); no model needed."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from align.corpus.inputs import parse_date, read_corpus
from align.errors import InputError

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
        json.dumps({"id": "baddate", "date": "26/01/2025", "text": EN}),
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
    assert "YYYY-MM-DD" in reasons["baddate"] and "language" in reasons["badlang"]
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
