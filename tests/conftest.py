"""Shared fixtures: one claimalign home per test session (the default model is converted once,
the seed articles embedded once), kept in .pytest_cache between local runs, fresh in CI."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FA = EXAMPLES / "shamkhani_bahrami_fa.txt"
AR = EXAMPLES / "shamkhani_mohib_ar.txt"
SHARED = ROOT.parent / "shared"
TATOEBA = SHARED / "benchmarks" / "tatoeba"

HOME = Path(os.environ.get("CLAIMALIGN_TEST_HOME", ROOT / ".pytest_cache" / "claimalign-home"))
os.environ["CLAIMALIGN_HOME"] = str(HOME)
os.environ["HF_HUB_OFFLINE"] = "1"


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
def seed_report(encoder):
    import align

    return align.compare(FA, AR, encoder=encoder)
