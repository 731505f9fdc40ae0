"""The tree is clean under the rules in pyproject.toml ([tool.ruff]): a review is about design."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    if not shutil.which(ruff):
        pytest.skip("ruff not installed (pip install -e '.[test]')")
    p = subprocess.run([ruff, "check", "--output-format", "concise", str(ROOT)], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr


def test_layers_are_kept_by_the_command_line_tool_too():
    p = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports; raise SystemExit(lint_imports())"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0 and "broken" not in p.stdout.replace("0 broken", ""), p.stdout + p.stderr
