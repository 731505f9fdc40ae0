"""What claimalign promises, tried as a careless and as a hostile user would.

Each test is one promise (numbers refer to the items of issue 12). Together with the fuzz tests
at the end: no traceback for a user mistake, no partial or silently wrong report, inputs never
modified, the same report for the same input.
"""
from __future__ import annotations

import copy
import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import time
import zipfile

import pytest
from conftest import AR, FA, HOME
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import align

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def cli(*args, cwd=None, env=None):
    env = {**os.environ, "CLAIMALIGN_HOME": str(HOME), **(env or {})}
    return subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


def one_line_error(p, *needles):
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert p.stderr.startswith("claimalign: error:")
    for n in needles:
        assert n in p.stderr, p.stderr


@pytest.fixture
def articles(tmp_path):
    shutil.copy(FA, tmp_path / "a.txt")
    shutil.copy(AR, tmp_path / "b.txt")
    return tmp_path


# -- 1. data loss: a report never replaces an input ---------------------------------------------

def test_1_report_never_replaces_an_input(articles):
    shutil.copy(articles / "b.txt", articles / "b.csv")
    before = (articles / "b.csv").read_bytes()
    one_line_error(cli("compare", "a.txt", "b.csv", "-o", "b.csv", cwd=articles), "b.csv")
    one_line_error(cli("compare", "a.txt", "b.txt", "-o", "a.txt", cwd=articles), "unknown report format")
    assert (articles / "b.csv").read_bytes() == before


def test_1_forgotten_o_does_not_read_or_replace_the_old_report(articles):
    (articles / "report.csv").write_text("status,score\r\nmatch,0.9\r\n", encoding="utf-8")
    before = (articles / "report.csv").read_bytes()
    one_line_error(cli("compare", "a.txt", "b.txt", "report.csv", cwd=articles), "looks like a report", "-o report.csv")
    assert (articles / "report.csv").read_bytes() == before


def test_1_output_equal_to_an_input_html_page_is_refused(articles, seed_report):
    page = articles / "r.html"
    seed_report.to_html(page)
    one_line_error(cli("compare", "a.txt", page, "-o", articles / "x.csv"), "is a claimalign report")


# -- 2. permissions and links of the report -----------------------------------------------------

def test_2_read_only_report_needs_force_and_keeps_its_mode(articles, seed_report):
    out = articles / "r.csv"
    out.write_text("old")
    out.chmod(0o444)
    one_line_error(cli("compare", "a.txt", "b.txt", "-o", out, cwd=articles), "read-only", "--force")
    assert out.read_text() == "old"
    p = cli("compare", "a.txt", "b.txt", "-o", out, "--force", "-q", cwd=articles)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().decode("utf-8-sig") == seed_report.to_csv_string()
    assert stat.S_IMODE(out.stat().st_mode) == 0o444


def test_2_symlinked_report_replaces_the_target_and_keeps_the_link(articles, seed_report):
    (articles / "shared").mkdir()
    link = articles / "r.csv"
    link.symlink_to(articles / "shared" / "real.csv")
    seed_report.to_csv(link)
    assert link.is_symlink() and (articles / "shared" / "real.csv").read_bytes().decode("utf-8-sig") == seed_report.to_csv_string()


def test_2_new_report_follows_the_umask(tmp_path, seed_report):
    old = os.umask(0o022)
    try:
        path = seed_report.to_csv(tmp_path / "r.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


# -- 3. the terminal is not the article's to control ----------------------------------------------

def test_3_control_characters_never_reach_the_terminal(articles):
    text = (articles / "a.txt").read_text(encoding="utf-8")
    (articles / "x.txt").write_text("Shamkhani met \x1b]0;PWNED\x07\x1b[1;31mthe minister.\n" + text, encoding="utf-8")
    p = cli("compare", "x.txt", "b.txt", "-o", "r.csv", cwd=articles)
    assert p.returncode in (0, 2), p.stderr
    assert "\x1b" not in p.stdout + p.stderr and "\x07" not in p.stdout + p.stderr


# -- 4. write failures ----------------------------------------------------------------------------

def test_4_a_full_disk_leaves_the_old_report_and_no_temp_file(tmp_path, seed_report, monkeypatch):
    out = tmp_path / "r.csv"
    out.write_text("old report")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(align.OutputError, match="No space left"):
        seed_report.to_csv(out)
    assert out.read_text() == "old report" and sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_4_output_problems_are_found_before_any_work(articles):
    # the model does not exist either: the output is checked first, so that is what is reported
    p = cli("compare", "a.txt", "b.txt", "-o", "no/such/dir/r.csv", "--model", "no-such/model", cwd=articles)
    one_line_error(p, "does not exist")
    one_line_error(cli("compare", "a.txt", "b.txt", "-o", articles, cwd=articles), "unknown report format")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop to another user")
def test_4_unwritable_directory_as_an_ordinary_user(articles):
    shared = articles / "ro"
    shared.mkdir()
    os.chmod(articles, 0o755)
    os.chmod(shared, 0o555)
    for p in articles.parents:
        if str(p).startswith("/tmp/pytest-of"):
            os.chmod(p, 0o755)
    os.chmod(articles / "a.txt", 0o644)
    os.chmod(articles / "b.txt", 0o644)
    env = {**os.environ, "CLAIMALIGN_HOME": str(HOME)}
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable]
    if subprocess.run([*nobody, "-c", "import align.cli"], capture_output=True, env=env, cwd=articles, timeout=300).returncode:
        pytest.skip("the checkout is not readable by an ordinary user (cloned into a private directory)")
    p = subprocess.run([*nobody, "-m", "align.cli", "compare", "a.txt", "b.txt", "-o", "ro/r.csv"], capture_output=True,
                       text=True, env=env, cwd=articles, timeout=300)
    one_line_error(p, "not writable")


def test_4_a_report_name_too_long_is_one_line_and_the_longest_legal_one_works(articles, tmp_path):
    fa, ar = articles / "a.txt", articles / "b.txt"
    out = tmp_path / "out"
    out.mkdir()
    too_long = out / ("r" * 296 + ".csv")
    one_line_error(cli("compare", fa, ar, "-o", too_long), "file name too long (300 bytes; at most 255 here)")
    longest = out / ("r" * 251 + ".csv")
    p = cli("compare", fa, ar, "-o", longest)
    assert p.returncode == 0, p.stderr
    assert longest.read_bytes().startswith(b"\xef\xbb\xbf") and not list(out.glob(".*.tmp"))


def test_4_a_closed_pipe_is_not_a_traceback(articles):
    cmd = f"{sys.executable} -m align.cli compare a.txt b.txt -o r.csv | head -c 10"
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=articles, timeout=300,
                       env={**os.environ, "CLAIMALIGN_HOME": str(HOME)})
    assert "Traceback" not in p.stderr and "BrokenPipe" not in p.stderr
    assert (articles / "r.csv").exists()


# -- 7, 8. the API refuses bad values with a specific exception -----------------------------------

@pytest.mark.parametrize("kwargs, needle", [
    ({"k": 2.7}, "k must be an integer"), ({"k": "4"}, "k must be an integer"), ({"k": True}, "k must be"),
    ({"min_score": "0.5"}, "min_score must be a number"), ({"min_score": 1.5}, "between 0 and 1"),
    ({"min_score": float("nan")}, "min_score"), ({"lang_a": "klingon"}, "ISO 639"), ({"unit": "word"}, "unit"),
    ({"mode": "fast"}, "mode"), ({"same_speaker": False, "mode": "parallel"}, "comparable mode"),
    ({"parallel": align.ParallelSettings(), "mode": "comparable"}, "mode='parallel'"),
    ({"langs": ["fa"]}, "one language"), ({"langs": ["fa", "ar"], "lang_a": "fa"}, "not both"),
])
def test_8_bad_api_values_raise_input_error(kwargs, needle, encoder):
    with pytest.raises(align.InputError, match=needle):
        align.compare(FA, AR, encoder=encoder, **kwargs)


def test_8_encoder_options_are_not_silently_ignored(encoder):
    with pytest.raises(align.InputError, match="options of the encoder"):
        align.compare(FA, AR, encoder=encoder, model="LaBSE")


def test_7_a_multi_article_jsonl_says_what_it_is(tmp_path, encoder):
    from conftest import EXAMPLES

    multi = align.compare(FA, AR, EXAMPLES / "shamkhani_mohib_en.txt", encoder=encoder)
    path = multi.to_jsonl(tmp_path / "m.jsonl")
    with pytest.raises(align.InputError, match="no meta line|3 articles|three or more"):
        align.load_report(path)


# -- 9. on the command line an argument is always a path ------------------------------------------

@pytest.mark.parametrize("arg, needle", [
    ("missing", "no such file"), ("missing file.txt", "no such file"), (".", "is a directory"),
    ("https://example.org/news", "does not download"),
])
def test_9_a_path_that_cannot_be_read_is_an_error_not_text(articles, arg, needle):
    p = cli("compare", "a.txt", arg, "-o", "r.csv", cwd=articles)
    one_line_error(p, needle)
    assert not (articles / "r.csv").exists()


def test_9_a_fifo_is_refused_without_blocking(articles):
    os.mkfifo(articles / "pipe.txt")
    t = time.monotonic()
    one_line_error(cli("compare", "a.txt", "pipe.txt", "-o", "r.csv", cwd=articles), "not a regular file")
    assert time.monotonic() - t < 120


# -- 12. reports are complete and reproducible -----------------------------------------------------

def test_12_xlsx_is_byte_identical_across_runs(seed_report, tmp_path):
    a = seed_report.to_xlsx(tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)  # openpyxl stamps the save time unless we fix it
    assert seed_report.to_xlsx(tmp_path / "b.xlsx").read_bytes() == a


def test_12_an_over_long_cell_is_cut_visibly_in_xlsx_and_whole_elsewhere(encoder, tmp_path):
    from openpyxl import load_workbook

    long = "The minister said that " + "the talks were long and detailed, " * 1200 + "and ended well."
    # one line, --segmented: a sentence is cut at 1,500 characters, a line given as a segment is not
    report = align.compare(long, "The talks ended well, the minister said.", encoder=encoder, lang_a="en", lang_b="en",
                           segmented=True)
    wb = load_workbook(report.to_xlsx(tmp_path / "r.xlsx"))
    cells = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert max(map(len, cells)) <= 32_767 and any("[cut:" in c for c in cells)
    assert long in report.to_csv_string()
    from align.writers.table import truncated_cells

    assert truncated_cells(report.table()) >= 1


# -- fuzz: random option values, random JSONL mutations, random mixes of scripts ------------------

OPTION_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 10), st.floats(allow_nan=True), st.text(max_size=8),
                          st.lists(st.none(), max_size=3))


@FUZZ
@given(st.dictionaries(st.sampled_from(["k", "min_score", "unit", "mode", "same_speaker", "segmented", "repair_zwnj",
                                        "langs", "speaker", "precision", "cache", "progress", "model"]),
                       OPTION_VALUES, max_size=4))
def test_fuzz_settings_either_valid_or_input_error(values):
    try:
        s = align.CompareSettings(**values)
    except align.InputError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        json.dumps(s.to_dict())


@pytest.fixture(scope="module")
def saved_lines(seed_report, tmp_path_factory):
    path = seed_report.save(tmp_path_factory.mktemp("saved") / "r.jsonl")
    return path.read_text(encoding="utf-8").splitlines()


JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@FUZZ
@given(st.data())
def test_fuzz_tampered_jsonl_is_refused_or_loads_whole(saved_lines, tmp_path, data):
    lines = [json.loads(x) for x in saved_lines]
    n = data.draw(st.integers(0, len(lines) - 1))
    target = lines[n]
    if n == 0:
        key = data.draw(st.sampled_from(sorted(target)))
        target[key] = data.draw(JSON_VALUES)
    else:
        action = data.draw(st.sampled_from(["set", "drop", "line"]))
        key = data.draw(st.sampled_from(sorted(target)))
        if action == "set":
            target[key] = data.draw(JSON_VALUES)
        elif action == "drop":
            del target[key]
        else:
            lines[n] = data.draw(JSON_VALUES)
    path = tmp_path / f"t{n}.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    try:
        report = align.load_report(path)
    except align.InputError as exc:
        assert "\n" not in str(exc)
        return
    # loaded: then every export works
    report.to_csv_string(), report.to_html(), report.to_jsonl(), report.summary(), copy.deepcopy(report).reviews


SCRIPTS = st.text(st.sampled_from(list("abc XYZ.,!?؟،؛«»ابپتثشیکيكة۰۱۲٠١٢ ‌\u200c\u200f\n\t\x1b\x07\x00\u2028\ufeff=+-@")),
                  min_size=1, max_size=80)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SCRIPTS, SCRIPTS)
def test_fuzz_any_text_gives_a_whole_report_or_an_input_error(encoder, tmp_path, a, b):
    try:
        report = align.compare(align.load_document(a, kind="text", lang="fa"), align.load_document(b, kind="text", lang="ar"),
                               encoder=encoder)
    except align.InputError as exc:
        assert "\n" not in str(exc)
        return
    units_a = {u.id for r in report.rows for u in r.a}
    units_b = {u.id for r in report.rows for u in r.b}
    assert units_a == {u.id for u in report.units("A")} and units_b == {u.id for u in report.units("B")}
    summary = report.summary()
    assert "\x1b" not in summary and "\x07" not in summary
    csv = report.to_csv(tmp_path / "r.csv").read_bytes().decode("utf-8-sig")
    assert "\x00" not in csv
    import csv as csvlib
    import io

    for row in list(csvlib.reader(io.StringIO(csv)))[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
    with zipfile.ZipFile(report.to_xlsx(tmp_path / "r.xlsx")) as z:
        assert z.testzip() is None
