"""Run Bertalign (PyPI ``bertalign``) with claimalign's encoder, for a side-by-side benchmark.

Bertalign 2.0.1 declares Python >= 3.12 and its ``aligner.py`` uses 3.12-only syntax, so it
does not import on the Python 3.11 this project targets. Its algorithm lives in ``corelib.py``
(numba kernels, valid 3.11) and ``utils.py``: we load those two modules from the unpacked
wheel and drive them exactly as ``Bertalign.align_sents`` does (two passes: 1-1 anchors from
top-k neighbours, then a windowed DP over beads of up to ``max_align`` sentences with margin and
length penalty), replacing only ``Encoder.transform``'s model call by our ``encode``. Nothing of
Bertalign is vendored (GPL-3.0): ``make bench-deps`` downloads the wheel into ``.cache/``.
"""
from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WHEEL_DIR = ROOT / ".cache" / "bertalign"
VERSION = "2.0.1"


class BertalignUnavailable(RuntimeError):
    pass


def _unpacked(wheel_dir: Path = WHEEL_DIR) -> Path:
    wheels = sorted(wheel_dir.glob(f"bertalign-{VERSION}-*.whl"))
    if not wheels:
        raise BertalignUnavailable(
            f"bertalign {VERSION} wheel not found in {wheel_dir}; run `make bench-deps` "
            f"(pip download bertalign=={VERSION} --no-deps --ignore-requires-python -d {wheel_dir})"
        )
    target = wheel_dir / wheels[-1].stem
    if not (target / "bertalign" / "corelib.py").exists():
        with zipfile.ZipFile(wheels[-1]) as z:
            z.extractall(target)
    return target / "bertalign"


def load(wheel_dir: Path = WHEEL_DIR) -> tuple[ModuleType, ModuleType]:
    """(corelib, utils) of Bertalign, loaded from its wheel without its package __init__."""
    pkg = _unpacked(wheel_dir)
    mods = []
    for name in ("utils", "corelib"):
        full = f"_bertalign_{name}"
        if full in sys.modules:
            mods.append(sys.modules[full])
            continue
        spec = importlib.util.spec_from_file_location(full, pkg / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except ImportError as exc:  # numba, sentence-splitter
            raise BertalignUnavailable(f"bertalign needs {exc.name}: pip install -e '.[bench]'") from exc
        sys.modules[full] = mod
        mods.append(mod)
    utils, corelib = mods
    return corelib, utils


def transform(encode, utils: ModuleType, sents: list[str], num_overlaps: int) -> tuple[np.ndarray, np.ndarray]:
    """Bertalign's Encoder.transform with ``encode(texts) -> (n, d)`` in place of the model."""
    overlaps = list(utils.yield_overlaps(sents, num_overlaps))
    vecs = np.asarray(encode(overlaps), dtype=np.float32)
    vecs = vecs.reshape(num_overlaps, len(sents), -1)
    lens = np.array([len(line.encode("utf-8")) for line in overlaps], dtype=np.int64).reshape(num_overlaps, len(sents))
    return vecs, lens


def align(
    src: list[str], tgt: list[str], encode, *, max_align: int = 5, top_k: int = 3, win: int = 5,
    skip: float = -0.1, margin: bool = True, len_penalty: bool = True,
) -> list[tuple[list[int], list[int]]]:
    """Bertalign's two-pass alignment of two sentence lists (its defaults)."""
    corelib, utils = load()
    src_vecs, src_lens = transform(encode, utils, src, max_align - 1)
    tgt_vecs, tgt_lens = transform(encode, utils, tgt, max_align - 1)
    char_ratio = float(np.sum(src_lens[0]) / np.sum(tgt_lens[0]))
    n, m = len(src), len(tgt)
    scores, indices = corelib.find_top_k_sents(src_vecs[0], tgt_vecs[0], k=top_k)
    types1 = corelib.get_alignment_types(2)
    w1, path1 = corelib.find_first_search_path(n, m)
    ptr1 = corelib.first_pass_align(n, m, w1, path1, types1, scores, indices)
    first = corelib.first_back_track(n, m, ptr1, path1, types1)
    types2 = corelib.get_alignment_types(max_align)
    w2, path2 = corelib.find_second_search_path(first, win, n, m)
    ptr2 = corelib.second_pass_align(
        src_vecs, tgt_vecs, src_lens, tgt_lens, w2, path2, types2, char_ratio, skip,
        margin=margin, len_penalty=len_penalty,
    )
    return corelib.second_back_track(n, m, ptr2, path2, types2)
