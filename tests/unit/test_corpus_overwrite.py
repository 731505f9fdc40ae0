"""A corpus run never replaces its inputs (issue 24): every file it will write (the tables,
run.json, overview.html, summary.xlsx) and its partitions folder are checked against the article
files, the corpus table and the metadata table before any work; read-only outputs need force.
No model needed: the check comes first.
"""
from __future__ import annotations

import pandas as pd
import pytest

import align
from align.corpus.inputs import corpus_files
from align.corpus.outputs import FILES, check_outputs
from align.errors import InputError, OutputError, OverwriteError

FA = "شمخانی گفت: روابط دوستانه با کشورهای همسایه اولویت اصلی سیاست خارجی ایران است."
AR = "أكد شمخاني أن تعزيز العلاقات مع دول الجوار من أولويات السياسة الخارجية الإيرانية."


def _refused(source, outdir, needle, **kwargs):
    """compare_corpus refuses before any work (the model is never needed) with one line naming the file."""
    with pytest.raises(OverwriteError) as exc:
        align.compare_corpus(source, outdir=outdir, model="no-such/model", progress=False, **kwargs)
    msg = str(exc.value)
    assert isinstance(exc.value, InputError) and isinstance(exc.value, OutputError)
    assert needle in msg and "\n" not in msg and "choose another -o" in msg, msg


def test_the_input_table_is_never_an_output(tmp_path):
    pd.DataFrame({"id": ["a", "b"], "text": [FA, AR]}).to_parquet(tmp_path / "articles.parquet")
    before = (tmp_path / "articles.parquet").read_bytes()
    _refused(tmp_path / "articles.parquet", tmp_path, "articles.parquet: is one of the inputs")
    assert (tmp_path / "articles.parquet").read_bytes() == before


def test_the_metadata_table_and_an_article_file_are_never_outputs(tmp_path):
    d = tmp_path / "D"
    d.mkdir()
    (d / "a.txt").write_text(FA, encoding="utf-8")
    (d / "b.txt").write_text(AR, encoding="utf-8")
    pd.DataFrame({"id": ["a", "b"], "lang": ["fa", "ar"]}).to_parquet(d / "events.parquet")
    _refused(d, d, "events.parquet: is one of the inputs", metadata=d / "events.parquet")
    (d / "overview.html").write_text(f"<html><body><p>{AR}</p></body></html>", encoding="utf-8")  # an article
    _refused(d, d, "overview.html: is one of the inputs")
    assert (d / "overview.html").read_text(encoding="utf-8").startswith("<html><body><p>")


def test_links_are_followed_both_ways(tmp_path):
    d, out = tmp_path / "D", tmp_path / "out"
    d.mkdir()
    out.mkdir()
    (d / "a.txt").write_text(FA, encoding="utf-8")
    (d / "b.txt").write_text(AR, encoding="utf-8")
    (out / "summary.xlsx").symlink_to(d / "a.txt")  # an output that is a link to an article
    _refused(d, out, "summary.xlsx: is one of the inputs")
    (out / "summary.xlsx").unlink()
    (d / "c.txt").symlink_to(out / "run.json")  # an article that is a link to an output
    (out / "run.json").write_text(FA, encoding="utf-8")
    _refused(d, out, "run.json: is one of the inputs")


def test_an_input_in_the_partitions_folder_is_refused(tmp_path):
    parts = tmp_path / "out" / ".partitions"
    parts.mkdir(parents=True)
    pd.DataFrame({"id": ["a", "b"], "text": [FA, AR]}).to_csv(parts / "t.csv", index=False)
    _refused(parts / "t.csv", tmp_path / "out", "is in the partitions folder")


def test_read_only_outputs_need_force(tmp_path):
    d, out = tmp_path / "D", tmp_path / "out"
    d.mkdir()
    out.mkdir()
    (d / "a.txt").write_text(FA, encoding="utf-8")
    (out / "overview.html").write_text("old", encoding="utf-8")
    (out / "overview.html").chmod(0o444)
    inputs = corpus_files(d)
    with pytest.raises(OutputError, match=r"overview.html: is read-only; remove it, make it writable, or use --force"):
        check_outputs(out, inputs, force=False)
    check_outputs(out, inputs, force=True)
    with pytest.raises(OutputError, match="read-only"):
        align.compare_corpus(d, outdir=out, force=False, model="no-such/model", progress=False)


def test_outputs_elsewhere_and_outputs_of_an_earlier_run_pass(tmp_path):
    d = tmp_path / "D"
    d.mkdir()
    (d / "a.txt").write_text(FA, encoding="utf-8")
    (d / "b.txt").write_text(AR, encoding="utf-8")
    check_outputs(tmp_path / "new", corpus_files(d), partitions=tmp_path / "new" / ".partitions")
    for name in FILES:  # what an earlier run wrote into the input folder is replaced, not read
        (d / name).write_bytes(b"<!DOCTYPE html><html><head><title>claimalign corpus: 2 articles</title>" if name.endswith(".html")
                               else b"x")
    assert sorted(p.name for p in corpus_files(d)) == ["a.txt", "b.txt"]
    check_outputs(d, corpus_files(d), partitions=d / ".partitions")
