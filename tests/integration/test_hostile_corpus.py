"""Corpus mode tried as a careless and as a hostile user would (issue 24), beside
``test_hostile.py`` (the two-article command).

Each test is one promise: an output never replaces an input, the corpus never reads its own
outputs, a read-only output needs --force, dates as researchers have them (missing ones are
undated, ambiguous ones refused by name), a scheduler address that cannot work, fields of the
wrong type, and the folder nobody cleaned (empty, one usable article, duplicate ids, a huge text,
a binary file, CRLF/BOM/UTF-16 files, symbolic links). Then two fuzz tests on random corpus
tables: the reading stage alone (no model), and a few whole runs; either one clean line of
InputError or a complete result in which every input row is an article or a bad row with a
reason. The articles are a few lines of the three example articles (embedded once per session).
"""
from __future__ import annotations

import json
import stat
import time

import pandas as pd
import pytest
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import align
from align.cli import main as claimalign
from align.corpus.dates import read_date
from align.corpus.inputs import read_corpus
from align.corpus.outputs import FILES
from align.errors import InputError, InputWarning, OverwriteError


def _lines(name: str, n: int = 6) -> str:
    lines = [x for x in (EXAMPLES / name).read_text(encoding="utf-8").splitlines() if x.strip()]
    return "\n".join(lines[:n]) + "\n"


FA = _lines("shamkhani_bahrami_fa.txt")
AR = _lines("shamkhani_mohib_ar.txt")
EN = _lines("shamkhani_mohib_en.txt")
SENTENCES = [x for t in (FA, AR, EN) for x in t.splitlines()]


def corpus(tmp_path, *, metadata: bool = True):
    """A folder of the three small articles (and their metadata table)."""
    d = tmp_path / "D"
    d.mkdir()
    for name, text in (("fa", FA), ("ar", AR), ("en", EN)):
        (d / f"{name}.txt").write_text(text, encoding="utf-8")
    if metadata:
        pd.DataFrame({"id": ["fa", "ar", "en"], "lang": ["fa", "ar", "en"], "outlet": ["Mizan", "Al-Quds", "Amu"],
                      "date": ["۱۴۰۳/۰۳/۱۰", "23 ذو القعدة 1445", "May 30, 2024"]}).to_csv(d / "metadata.csv", index=False)
    return d


def cli(capsys, *args):
    """``claimalign corpus ARGS`` in this process: (exit status, stdout, stderr)."""
    code = claimalign(["corpus", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(result, *needles):
    code, _, err = result
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith("claimalign: error:")
    for n in needles:
        assert n in err, err


def snapshot(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- 1. an output never replaces an input ---------------------------------------------------------

def test_1_outputs_never_replace_inputs(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    pd.DataFrame({"id": ["fa", "ar"], "text": [FA, AR]}).to_parquet(data / "articles.parquet")
    d = corpus(tmp_path)
    pd.DataFrame({"id": ["fa", "ar", "en"], "lang": ["fa", "ar", "en"]}).to_parquet(d / "events.parquet")
    before = {**snapshot(data), **snapshot(d)}
    # refused before any work: the model named does not exist, and that is not what is said
    one_line_error(cli(capsys, data / "articles.parquet", "-o", data, "--model", "no-such/model"),
                   "articles.parquet: is one of the inputs; the corpus run would replace it (choose another -o)")
    one_line_error(cli(capsys, d, "--metadata", d / "events.parquet", "-o", d, "--model", "no-such/model"),
                   "events.parquet: is one of the inputs")
    (d / "overview.html").write_text(f"<html><body><p>{EN}</p></body></html>", encoding="utf-8")  # an article
    one_line_error(cli(capsys, d, "-o", d, "--model", "no-such/model"), "overview.html: is one of the inputs")
    assert {**snapshot(data), **{k: v for k, v in snapshot(d).items() if k != "overview.html"}} == before
    with pytest.raises(OverwriteError):  # in Python: an InputError (and an OutputError)
        align.compare_corpus(data / "articles.parquet", outdir=data, model="no-such/model", progress=False)


# -- 2. the corpus never reads its own outputs ----------------------------------------------------

def test_2_a_second_run_into_the_input_folder_reads_the_same_articles(tmp_path, encoder):
    d = corpus(tmp_path)
    first = align.compare_corpus(d, outdir=d, encoder=encoder, progress=False)
    written = {name: (d / name).read_bytes() for name in FILES}
    with pytest.warns(InputWarning, match=r"overview.html: a claimalign page \(an earlier run's output\?\), not read"):
        second = align.compare_corpus(d, outdir=d, encoder=encoder, progress=False)
    assert sorted(a.id for a in second.records("articles")) == ["ar", "en", "fa"] and not second.records("bad_rows")
    assert {name: (d / name).read_bytes() for name in FILES} == written  # the same results, byte for byte
    assert first.counts == second.counts


# -- 3. read-only outputs need --force -------------------------------------------------------------

def test_3_read_only_outputs_need_force(tmp_path, capsys):
    d, out = corpus(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "summary.xlsx").write_bytes(b"old")
    (out / "summary.xlsx").chmod(0o444)
    one_line_error(cli(capsys, d, "-o", out, "--model", "no-such/model"),
                   "summary.xlsx: is read-only; remove it, make it writable, or use --force to replace it")
    assert (out / "summary.xlsx").read_bytes() == b"old"
    code, said, err = cli(capsys, d, "-o", out, "--force", "-q")
    assert code == 0 and "results written to" in said, err
    assert (out / "summary.xlsx").read_bytes()[:2] == b"PK" and stat.S_IMODE((out / "summary.xlsx").stat().st_mode) == 0o444


# -- 4. dates ----------------------------------------------------------------------------------------

def test_4_dates_as_researchers_have_them(tmp_path, encoder):
    rows = pd.DataFrame({"id": ["fa", "ar", "en", "x"], "lang": ["fa", "ar", "en", "en"], "text": [FA, AR, EN, EN[:200]],
                         "date": [pd.Timestamp("2024-05-30"), pd.NaT, pd.Timestamp("2024-05-31 09:00"), None]})
    rows.to_parquet(tmp_path / "t.parquet")
    result = align.compare_corpus(tmp_path / "t.parquet", encoder=encoder, progress=False)  # NaT: a traceback before
    dates = {a.id: (a.date, a.date_written) for a in result.records("articles")}
    assert dates["ar"] == (None, None) and dates["fa"] == ("2024-05-30", "2024-05-30T00:00:00")
    written = {"fa": "۱۴۰۳/۰۳/۱۰", "ar": "23 ذو القعدة 1445", "en": "30.05.2024", "x": "05/06/2024"}
    rows = [{"id": k, "lang": k if k != "x" else "en", "date": v, "text": t} for (k, v), t in zip(written.items(), (FA, AR, EN, EN[:200]),
                                                                                               strict=True)]
    result = align.compare_corpus(rows, encoder=encoder, progress=False)
    articles = {a.id: a for a in result.records("articles")}
    assert {k: (a.date, a.date_written) for k, a in articles.items()} == {
        "fa": ("2024-05-30", "۱۴۰۳/۰۳/۱۰"), "ar": ("2024-05-31", "23 ذو القعدة 1445"), "en": ("2024-05-30", "30.05.2024")}
    (bad,) = result.records("bad_rows")
    assert bad.id == "x" and bad.reason.startswith("ambiguous date '05/06/2024': 5 June or May 6?") and "--date-order" in bad.reason
    assert "bad row x" in result.summary() and "ambiguous date" in result.summary()
    stated = align.compare_corpus(rows, encoder=encoder, progress=False, date_order="DMY")
    assert {a.id: a.date for a in stated.records("articles")}["x"] == "2024-06-05" and not stated.records("bad_rows")


# -- 5. a scheduler address that cannot work --------------------------------------------------------

@pytest.mark.parametrize("address, needle", [("tcp://localhost", "missing port number"),
                                             ("http://localhost:8786", "unknown address scheme 'http'"),
                                             ("not a url", "missing port number"), ("tcp://127.0.0.1:1", "refused")])
def test_5_a_bad_scheduler_address_is_one_line_quickly(tmp_path, capsys, address, needle):
    t0 = time.perf_counter()
    one_line_error(cli(capsys, corpus(tmp_path), "-o", tmp_path / "out", "--scheduler", address),
                   f"cannot connect to the Dask scheduler at {address!r}", needle)
    assert time.perf_counter() - t0 < 15


# -- 6. fields of the wrong type ---------------------------------------------------------------------

def test_6_jsonl_fields_of_the_wrong_type_are_bad_rows(tmp_path, capsys, encoder):
    rows = [{"id": "fa", "lang": "fa", "text": FA}, {"id": "ar", "lang": "ar", "text": AR}, {"id": "obj", "text": {"a": 1}},
            {"id": "list", "text": ["x"]}, {"id": "num", "text": 3.5}, {"id": "null", "text": None},
            {"id": {"no": 1}, "text": EN}, {"id": "lang", "lang": ["fa"], "text": FA}, {"id": "date", "date": [2024], "text": EN}]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    one_line_error(cli(capsys, path, "-o", tmp_path / "out", "--on-error", "stop"), "7 bad row(s) (--on-error stop)",
                   "obj: text is a JSON object ({'a': 1}), not text", "list: text is a list")
    result = align.compare_corpus(path, encoder=encoder, progress=False)
    assert sorted(a.id for a in result.records("articles")) == ["ar", "fa"]
    reasons = {b.id: b.reason for b in result.records("bad_rows")}
    assert len(reasons) == 7 and reasons["num"].startswith("text is a number") and reasons["null"] == "empty text"
    assert reasons["(t.jsonl:7)"].startswith("id is a JSON object") and reasons["lang"].startswith("lang is a list")
    assert reasons["date"].startswith("date is a list")


# -- the folder nobody cleaned -----------------------------------------------------------------------

def test_an_empty_folder_and_one_usable_article_are_one_line_before_any_work(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    one_line_error(cli(capsys, tmp_path / "empty", "-o", tmp_path / "out"), "no article files")
    one = tmp_path / "one"
    one.mkdir()
    (one / "a.txt").write_text(FA, encoding="utf-8")
    (one / "b.txt").write_text(" \n", encoding="utf-8")
    one_line_error(cli(capsys, one, "-o", tmp_path / "out", "--model", "no-such/model"),
                   "a corpus needs at least two usable articles, got 1; 1 bad row(s) (skipped): b: empty text")


def test_duplicate_ids_binary_files_and_links_are_bad_rows_and_the_rest_runs(tmp_path, encoder):
    d = corpus(tmp_path, metadata=False)
    (d / "fa.htm").write_text(f"<html><body><p>{EN}</p></body></html>", encoding="utf-8")  # duplicate id: fa.htm comes first
    (d / "png.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    (d / "report.pdf").write_bytes(b"%PDF-1.4 not an article suffix")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(AR, encoding="utf-8")
    (d / "linked.txt").symlink_to(outside)  # a link to an article outside the folder: read
    (d / "broken.txt").symlink_to(tmp_path / "gone.txt")
    result = align.compare_corpus(d, encoder=encoder, progress=False)
    assert sorted(a.id for a in result.records("articles")) == ["ar", "en", "fa", "linked"]
    assert {a.id: a.where for a in result.records("articles")}["fa"] == "fa.htm"
    reasons = {b.id: b.reason for b in result.records("bad_rows")}
    assert reasons == {"broken": "unreadable: a symbolic link to nothing (or a link loop)",
                       "fa": "duplicate id (first at fa.htm)", "png": reasons["png"]}
    assert reasons["png"].startswith("unreadable")


def test_crlf_bom_and_utf16_files_give_the_same_sentences(tmp_path, encoder):
    d = tmp_path / "D"
    d.mkdir()
    (d / "fa.txt").write_text(FA, encoding="utf-8")
    (d / "fa_crlf.txt").write_bytes(("\ufeff" + FA.replace("\n", "\r\n")).encode("utf-8"))
    (d / "fa_utf16.txt").write_bytes(FA.encode("utf-16"))
    (d / "fa_cr.txt").write_bytes(FA.replace("\n", "\r").encode("utf-8"))
    (d / "ar.txt").write_bytes(AR.encode("utf-16-be"))  # no byte-order mark
    result = align.compare_corpus(d, encoder=encoder, progress=False)
    assert not result.records("bad_rows")
    seg = result.to_frame("segments")
    sentences = {a: [t.strip() for t in g[g.unit == "sentence"].text] for a, g in seg.groupby("article")}
    assert sentences["fa"] == sentences["fa_crlf"] == sentences["fa_utf16"] == sentences["fa_cr"]
    assert "شمخاني" in " ".join(sentences["ar"])


def test_a_huge_text_is_read_and_a_long_article_runs(tmp_path, encoder):
    huge = (FA * 3000)[:5_000_000]  # 5 MB in one cell
    articles, bad = read_corpus([{"id": "huge", "text": huge}, {"id": "ar", "text": AR}])
    assert not bad and len(articles[1].text) == len(huge)
    long = (EN * 40).strip()  # 40 times the same lines: 240 sentences
    result = align.compare_corpus([{"id": "long", "lang": "en", "text": long}, {"id": "ar", "lang": "ar", "text": AR}],
                                  encoder=encoder, progress=False)
    assert {a.id: a.n_sentences for a in result.records("articles")}["long"] >= 200


# -- fuzz: random corpus tables ----------------------------------------------------------------------

IDS = st.one_of(st.sampled_from(["a", "b", "c", "fa", "ar", " ", ""]), st.text(max_size=8), st.integers(-5, 10**20),
                st.none(), st.booleans(), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=1))
DATES = st.one_of(
    st.sampled_from(["2024-05-30", "May 30, 2024", "30 May 2024", "30.05.2024", "30/05/2024", "05/06/2019", "1403/03/10",
                     "۱۴۰۳/۰۳/۱۰", "2 خرداد 1403", "23 ذو القعدة 1445", "٢٣ ذو القعدة ١٤٤٥", "yesterday", "2024-13-45", "", "NaT",
                     "nan", "2024-05-30T10:00:00+03:30", "31/02/2024", "1 محرم 1300", "۳۰ اسفند ۱۴۰۲", "12:00", "2024"]),
    st.text(max_size=12), st.none(), st.integers(), st.floats(allow_nan=True), st.lists(st.integers(), max_size=2))
LANGS = st.one_of(st.sampled_from(["fa", "ar", "en", "de", "", "zh-Hant", "pt_BR", "Persian!", "xx-", "FA"]), st.none(),
                  st.integers(), st.lists(st.text(max_size=2), max_size=1))
TEXTS = st.one_of(st.sampled_from([FA, AR, EN, "", "   \n", "\x00\x01 binary", "\ufffd" * 20 + " abc", "123 456", "x" * 200_000]),
                  st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4).map(" ".join),
                  st.text(max_size=40), st.none(), st.integers(), st.floats(), st.booleans(),
                  st.lists(st.text(max_size=5), max_size=2), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
                  st.recursive(st.text(max_size=3), lambda c: st.lists(c, max_size=2) | st.dictionaries(st.text(max_size=2), c, max_size=2),
                               max_leaves=6))
ROWS = st.lists(st.fixed_dictionaries({"id": IDS, "text": TEXTS}, optional={"date": DATES, "lang": LANGS, "title": TEXTS,
                                                                             "outlet": IDS}), max_size=8)
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow, HealthCheck.data_too_large])


def _write(rows: list[dict], form: str, path):
    """The rows as a JSONL file, a CSV file (every cell as text) or a DataFrame / list of dicts."""
    if form == "jsonl":
        path = path / "t.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows) + "\n", encoding="utf-8")
        return path
    if form == "csv":
        path = path / "t.csv"
        frame = pd.DataFrame([{k: "" if v is None else str(v) for k, v in r.items()} for r in rows], dtype=str)
        frame.to_csv(path, index=False)
        return path
    return pd.DataFrame(rows) if form == "frame" and rows else rows


def check_reading(rows: list[dict], articles, bad, *, every_row: bool = True) -> None:
    """Every row is an article or a bad row with a one-line reason; articles are whole."""
    if every_row:
        assert len(articles) + len(bad) == len(rows)
    ids = [a.id for a in articles]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) and all(i.strip() for i in ids)
    for b in bad:
        assert b.reason and "\n" not in b.reason and b.action == "skipped"
    for a in articles:
        assert isinstance(a.text, str) and a.text.strip() and "\x00" not in a.text
        assert (a.date is None) == (a.date_written is None)
        if a.date is not None:
            assert read_date(a.date) == (a.date, a.date)  # ISO, Gregorian


@FUZZ
@given(rows=ROWS, form=st.sampled_from(["list", "frame", "jsonl", "csv"]))
def test_fuzz_reading_random_corpus_tables(tmp_path_factory, rows, form):
    where = tmp_path_factory.mktemp("fuzz")
    source = _write(rows, form, where)
    try:
        articles, bad = read_corpus(source)
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc), exc
        return
    check_reading(rows, articles, bad, every_row=form != "csv")  # CSV: a row of empty cells is no row


READABLE = st.sampled_from([None, "2024-05-30", "May 30, 2024", "30.05.2024", "۱۴۰۳/۰۳/۱۰", "2 خرداد 1403", "23 ذو القعدة 1445",
                             "2024-05-31T10:00:00Z", ""])
GOOD = st.fixed_dictionaries({"text": st.one_of(st.sampled_from([FA, AR, EN]),
                                                st.lists(st.sampled_from(SENTENCES), min_size=2, max_size=4).map("\n".join)),
                              "date": READABLE, "lang": st.sampled_from(["fa", "ar", "en", None])})
NOISE = st.fixed_dictionaries({"id": st.sampled_from(["a", "b", "x", "y", "", "a ", 7]),
                               "text": TEXTS.filter(lambda t: not isinstance(t, str) or len(t) < 10_000)},
                              optional={"date": DATES, "lang": LANGS})


@st.composite
def small_corpora(draw) -> list[dict]:
    """Two to four usable rows (ids a, b, ...) and up to three random ones, shuffled."""
    good = [{"id": "abcd"[n], **row} for n, row in enumerate(draw(st.lists(GOOD, min_size=2, max_size=4)))]
    return draw(st.permutations(good + draw(st.lists(NOISE, max_size=3))))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=small_corpora())
def test_fuzz_whole_runs_on_random_corpus_tables(encoder, rows):
    try:
        result = align.compare_corpus(rows, encoder=encoder, progress=False)
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    articles = {a.id: a for a in result.records("articles")}
    bad = result.records("bad_rows")
    assert len(articles) + len(bad) == len(rows) and len(articles) >= 2
    assert all(b.reason for b in bad)
    for p in result.records("article_pairs"):
        assert p.a in articles and p.b in articles and 0 <= p.score <= 1
    segments = {(s.article, s.label) for s in result.records("segments") if s.unit == "claim"}
    for c in result.records("clusters"):
        assert all((m.rsplit(":", 1)[0], m.rsplit(":", 1)[1]) in segments for m in c.members)
    for x in result.records("alignments"):
        assert x.a in articles and x.b in articles
    assert all(f"bad row {b.id}" in result.summary() for b in bad[:10])
