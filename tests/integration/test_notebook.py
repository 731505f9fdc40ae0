"""The walkthrough notebook runs top to bottom offline, and is committed with its outputs."""
from __future__ import annotations

import re
import shutil

import nbformat
from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "compare_seeds.ipynb"


def _text(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        if "text" in o:
            out.append(o["text"])
        for kind in ("text/plain", "text/html"):
            out.append(o.get("data", {}).get(kind, ""))
    return "\n".join(out)


def test_notebook_executes(home, tmp_path):
    from nbclient import NotebookClient

    (tmp_path / "notebooks").mkdir()
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path / "notebooks")}}).execute()
    cells = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in cells for o in c.outputs if o.output_type == "error"]
    text = "\n".join(_text(c) for c in cells)
    assert 'dir="rtl"' in text and re.search(r"Matched pairs \(\d+\)", text)  # the side-by-side display
    assert "day: Sunday (یکشنبه) vs Wednesday (الأربعاء)" in text
    assert any("image/png" in o.get("data", {}) for c in cells for o in c.outputs)  # the heatmap
    assert "'A9|B7': 're-linked'" in text and "True" in text  # reviews saved and loaded back
    assert "groups of matching claims" in text


def test_committed_notebook_has_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    assert cells and all(c.get("execution_count") for c in cells)
    assert re.search(r"Matched pairs \(\d+\)", "\n".join(_text(c) for c in cells))
