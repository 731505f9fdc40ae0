"""The walkthrough notebook runs top to bottom offline, tells the researcher's story in order, and
is committed with the outputs a fresh run gives: a test executes it and compares every code
cell's text outputs with the committed ones, so it fails when they are stale.

After a change that moves its outputs, refresh them with ``make notebook`` (this file run as a
script: it executes the notebook the same way and writes it back).
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "compare_seeds.ipynb"
#: The notebook's sections, in the order a researcher asks (markdown headings).
STORY = ("Did the Persian and the Arabic press report the same statements?", "The two articles", "The shared claims",
         "Why these pairs", "What only one article says", "Who said what", "Where they disagree",
         "Shared and unique claims per speaker", "Review", "Export")
#: What may differ between two runs of the same code: temporary paths, timings, object addresses.
VOLATILE = ((re.compile(r"(?:/private)?/(?:tmp|var/folders)/[^\s'\"<>)]+"), "<tmp>"),
            (re.compile(r"\b\d+(?:\.\d+)? s\b"), "<seconds> s"), (re.compile(r"\b0x[0-9a-f]{6,}\b"), "0x…"))


def execute(nb: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    """Run ``nb`` in place, as ``notebooks/`` of a copy of the repository's examples in ``workdir``,
    offline, with this checkout's ``align`` first on the kernel's path.
    """
    from nbclient import NotebookClient

    (workdir / "notebooks").mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "examples", workdir / "examples", dirs_exist_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(workdir / "notebooks")}})
    client.execute(env=env)
    return nb


def normalise(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def text_outputs(cell) -> list[tuple[str, str]]:
    """A code cell's outputs as (kind, text): streams, text/plain and text/html (normalised); an
    image as its kind only (its bytes depend on the plotting library, not on claimalign).
    """
    out = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            out.append((o["name"], normalise(o["text"])))
        elif o["output_type"] == "error":
            out.append(("error", f"{o['ename']}: {o['evalue']}"))
        else:
            data = o.get("data", {})
            out += [(kind, normalise(data[kind])) for kind in ("text/plain", "text/html") if kind in data]
            out += [(kind, "") for kind in sorted(data) if kind.startswith("image/")]
    return out


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def executed(home, tmp_path_factory):
    return execute(nbformat.read(NOTEBOOK, as_version=4), tmp_path_factory.mktemp("notebook"))


def test_notebook_executes_offline(executed):
    cells = code_cells(executed)
    assert not [o for c in cells for o in c.outputs if o.output_type == "error"]
    text = "\n".join(t for c in cells for _, t in text_outputs(c))
    assert 'dir="rtl"' in text and "Claims of A:" in text  # the claim-centred view
    assert "day: Sunday (یکشنبه) vs Wednesday (الأربعاء)" in text
    assert "'A5|B12': 're-linked'" in text and text.rstrip().endswith("True")  # reviews saved and loaded back
    heatmap = next(c for c in cells if "report.heatmap(" in c.source)
    assert any(kind == "image/png" for kind, _ in text_outputs(heatmap))
    assert sum(kind == "image/png" for c in cells for kind, _ in text_outputs(c)) == 2  # the heatmap and the chart


def test_notebook_tells_the_story_in_order():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    headings = [line.lstrip("#").strip() for c in nb.cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if line.startswith("#")]
    where = [next((k for k, h in enumerate(headings) if h.startswith(part)), None) for part in STORY]
    assert None not in where and where == sorted(where), headings


def test_committed_outputs_are_current(executed):
    """Every code cell's committed text outputs are those of a fresh run (``make notebook``
    rewrites them)."""
    committed = code_cells(nbformat.read(NOTEBOOK, as_version=4))
    fresh = code_cells(executed)
    assert all(c.get("execution_count") for c in committed), "the committed notebook has cells that were not run"
    stale = []
    for k, (old, new) in enumerate(zip(committed, fresh, strict=True)):
        before, after = text_outputs(old), text_outputs(new)
        if before != after:
            diff = difflib.unified_diff([f"{kind}: {line}" for kind, t in before for line in t.splitlines()],
                                        [f"{kind}: {line}" for kind, t in after for line in t.splitlines()], lineterm="", n=1)
            stale.append(f"code cell {k} ({old.source.splitlines()[0]!r}):\n" + "\n".join(d[:160] for d in list(diff)[:20]))
    assert not stale, "the committed notebook is stale (run `make notebook`):\n" + "\n\n".join(stale)


if __name__ == "__main__":  # make notebook
    nb = nbformat.read(NOTEBOOK, as_version=4)
    with tempfile.TemporaryDirectory() as work:
        execute(nb, Path(work))
    errors = [o for c in code_cells(nb) for o in c.outputs if o.output_type == "error"]
    if errors:
        sys.exit(f"not written: {errors[0]['ename']}: {errors[0]['evalue']}")
    nbformat.write(nb, NOTEBOOK)
    print(f"{NOTEBOOK.relative_to(ROOT)}: executed and written")
