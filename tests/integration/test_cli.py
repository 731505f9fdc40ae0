"""The command line: a report and a summary; one-line errors and exit 2 for user mistakes."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
from conftest import AR, FA, HOME


def run(*args, cwd=None):
    env = {**os.environ, "CLAIMALIGN_HOME": str(HOME)}
    return subprocess.run([sys.executable, "-m", "align.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_compare_writes_report_and_summary(seed_report, tmp_path):
    out = tmp_path / "report.csv"
    p = run("compare", str(FA), str(AR), "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert out.exists() and out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "matched pairs" in p.stdout and f"report written to {out}" in p.stdout
    assert out.read_bytes().decode("utf-8-sig") == seed_report.to_csv_string()


@pytest.fixture
def bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    return {"empty": empty, "binary": binary, "latin1": latin1, "missing": tmp_path / "nope.txt", "directory": tmp_path}


@pytest.mark.parametrize(
    "case, message",
    [("missing", "no such file"), ("empty", "no text"), ("binary", "binary"), ("directory", "is a directory")],
)
def test_bad_input_gets_one_line_error(bad_inputs, tmp_path, case, message):
    out = tmp_path / "r.csv"
    p = run("compare", str(bad_inputs[case]), str(AR), "-o", str(out))
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert message in p.stderr and p.stderr.startswith("claimalign: error:")
    assert not out.exists()


def test_unknown_model_offline(tmp_path):
    out = tmp_path / "r.csv"
    p = run("compare", str(FA), str(AR), "-o", str(out), "--model", "no-such-org/no-such-model")
    assert p.returncode == 2 and "not available offline" in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and not out.exists()


def test_bad_options(tmp_path):
    p = run("compare", str(FA), str(AR), "-o", str(tmp_path / "r.pdf"))
    assert p.returncode == 2 and "unknown report format" in p.stderr
    p = run("compare", str(FA), str(AR), "-o", str(tmp_path / "no-dir" / "r.csv"))
    assert p.returncode == 2 and "does not exist" in p.stderr and "Traceback" not in p.stderr
    p = run("compare", str(FA), str(AR), "--min-score", "7")
    assert p.returncode == 2 and "min_score" in p.stderr


def test_model_name_from_the_local_hugging_face_cache(encoder, seed_report, tmp_path):
    """A user who has e.g. intfloat/multilingual-e5-small in ~/.cache/huggingface can name it."""
    hub = tmp_path / "hub"
    repo = hub / "models--intfloat--multilingual-e5-small"
    snap = repo / "snapshots" / "0123abcd"
    for f in encoder.model_path.rglob("*"):
        if f.is_file() and f.name != "claimalign-build.json":
            target = snap / f.relative_to(encoder.model_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(f)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123abcd")
    out = tmp_path / "r.csv"
    env = {**os.environ, "CLAIMALIGN_HOME": str(tmp_path / "home"), "HF_HUB_CACHE": str(hub), "HF_HUB_OFFLINE": "1"}
    p = subprocess.run(
        [sys.executable, "-m", "align.cli", "compare", str(FA), str(AR), "-o", str(out), "--model", "intfloat/multilingual-e5-small", "-q"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    # same weights (fp32 through sentence-transformers; the default runs them quantised to int8),
    # same "query: " convention (e5 by name): the same key pair, nearly the same report
    assert any(r["status"] == "match" and r["a_ids"] == "2" and r["b_ids"] == "9" for r in rows)
    assert abs(len(rows) - len(seed_report.rows)) <= 3



def test_parallel_mode_writes_vecalign(tmp_path):
    from conftest import SHARED

    data = SHARED / "benchmarks" / "text+berg"
    if not (data / "de" / "006").exists():
        pytest.skip("Text+Berg data not found")
    out = tmp_path / "006.vecalign"
    p = run("compare", str(data / "de" / "006"), str(data / "fr" / "006"), "--mode", "parallel", "--segmented", "-o", str(out), "-q")
    assert p.returncode == 0, p.stderr
    lines = out.read_text().splitlines()
    assert lines[0].startswith("[0]:[0]:") and len(lines) > 100
    p = run("compare", str(FA), str(AR), "-o", str(tmp_path / "x.vecalign"))
    assert p.returncode == 2 and p.stderr.strip() == "claimalign: error: a .vecalign output needs --mode parallel"


@pytest.mark.parametrize("speaker", ["Mohammad Zarif", "ی"])
def test_a_speaker_nobody_is_an_error_naming_the_speakers(tmp_path, speaker):
    out = tmp_path / "r.csv"
    p = run("compare", str(FA), str(AR), "--speaker", speaker, "-o", str(out))
    assert p.returncode == 2 and not out.exists()
    assert p.stderr.startswith(f"claimalign: error: speaker {speaker!r}: nobody of that name speaks in either article (speakers: ")
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
