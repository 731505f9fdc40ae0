"""The README says what the tool does: its demo output block is what `make demo` prints (a real
run of the same command), the pairs its text quotes carry the confidence the report shows, and
its thresholds are the calibrated ones."""
from __future__ import annotations

import re
import shlex

from conftest import AR, FA, ROOT

from align.calibration import Calibration
from align.cli import main
from align.writers.claims_html import shown

README = ROOT / "README.md"
_SECONDS = re.compile(r"(\(\d+ rows, )\d+(?:\.\d+)? s\)$", re.M)


def demo_section() -> tuple[str, str]:
    """The README's "What the demo shows" section and the output block in it."""
    section = README.read_text(encoding="utf-8").split("## What the demo shows\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"^```\n(.*?)^```$", section, re.S | re.M)
    assert block, "no output block under 'What the demo shows'"
    return section, block.group(1)


def demo_command() -> list[str]:
    """The arguments of `make demo`'s claimalign command, its input paths made absolute (the
    output stays relative: after `make demo`, the README's first command, report.csv exists in
    the repository and must not be taken for an input)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = re.search(r"^demo:.*\n\t\$\(BIN\)/claimalign (.+)$", makefile, re.M)
    assert line, "no claimalign command under the Makefile's demo target"
    args = shlex.split(line.group(1))
    outputs = {k + 1 for k, a in enumerate(args) if a in ("-o", "--output")}
    return [str(ROOT / a) if k not in outputs and (ROOT / a).is_file() else a for k, a in enumerate(args)]


def normalise(text: str) -> str:
    """The elapsed seconds of the last line are the only thing that may differ between runs."""
    return _SECONDS.sub(r"\1… s)", text)


def test_demo_block_is_what_the_tool_prints(seed_report, tmp_path, monkeypatch, capsys):
    args = demo_command()
    assert args[:3] == ["compare", str(FA), str(AR)] and "report.csv" in args
    monkeypatch.chdir(tmp_path)  # the report goes to tmp_path/report.csv, printed as report.csv
    assert main(args) == 0
    printed = capsys.readouterr().out
    _, block = demo_section()
    assert normalise(block) == normalise(printed), f"the README's demo block is stale; `make demo` prints:\n{printed}"


def test_pairs_quoted_in_the_demo_text_have_the_confidence_shown(seed_report):
    section, _ = demo_section()
    quoted = re.findall(r"\b(A\d+) ↔ (B\d+) \((\d\.\d\d)\)", section)
    assert len(quoted) >= 5
    shown_by_key = {r.key: shown(r.confidence) for r in seed_report.matches}
    stale = [(a, b, c, shown_by_key.get(f"{a}|{b}")) for a, b, c in quoted if shown_by_key.get(f"{a}|{b}") != c]
    assert not stale, f"README quotes (A, B, confidence, now): {stale}"


def test_thresholds_in_the_readme_are_the_calibrated_ones():
    cal = Calibration.default()
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert f"`min_score` **{cal.threshold:.2f}**" in text and f"`equivalent` from **{cal.equivalent:.2f}**" in text
    # every grade boundary the README states ("`related` from 0.40", "`related` pair (below 0.75)")
    # is one of the two calibrated thresholds
    grade, bound = r"(?:`related`|`equivalent`|related|equivalent|worth a look)", r"(?:from|below|under) (?:about )?(0\.\d+)"
    bounds = [b for m in re.finditer(rf"{grade}[^.]{{0,40}}?{bound}|{bound}[^.]{{0,40}}?{grade}", text) for b in m.groups() if b]
    assert len(bounds) >= 4 and {float(b) for b in bounds} <= {cal.threshold, cal.equivalent}, bounds
