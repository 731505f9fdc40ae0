"""Run metadata recorded in every export: version, documents, settings, date."""
from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from ..version import __version__


def today() -> str:
    """The run date (ISO), the only value that differs between two runs of the same report."""
    return _dt.date.today().isoformat()


def metadata(documents: Mapping[str, Mapping[str, Any]], options: Mapping[str, Any]) -> dict[str, Any]:
    """Run metadata: version, date, ``documents`` (letter -> name, language, sentences) and the
    run record ``options`` (the model's fingerprint last).
    """
    return {"claimalign": __version__, "date": today(), "documents": dict(documents),
            **{k: v for k, v in options.items() if k != "model_fingerprint"},
            "model_fingerprint": options.get("model_fingerprint")}
