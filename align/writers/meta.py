"""Run metadata recorded in every export: version, documents, settings, date."""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from ..version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report


def today() -> str:
    """The run date (ISO), the only value that differs between two runs of the same report."""
    return _dt.date.today().isoformat()


def metadata(report: Report) -> dict[str, Any]:
    """Run metadata of a two-document report: version, date, documents, options."""
    docs = {side: {"name": s.document.name, "lang": s.document.lang, "sentences": len(s.sentences)}
            for side, s in (("A", report.a), ("B", report.b))}
    return {"claimalign": __version__, "date": today(), "documents": docs,
            **{k: v for k, v in report.options.items() if k != "model_fingerprint"},
            "model_fingerprint": report.options.get("model_fingerprint")}
