"""claimalign: line up the claims of news articles written in different languages.

    import align
    report = align.compare("examples/shamkhani_bahrami_fa.txt", "examples/shamkhani_mohib_ar.txt")
    report                      # side-by-side table in Jupyter
    report.to_frame()           # pandas
    report.to_csv("report.csv") # UTF-8 with BOM, formula-safe, atomic; also to_xlsx, to_html, to_jsonl

The flow, one module per stage (lower stages never import higher ones): ``documents`` ->
``segment`` / ``speakers`` -> ``sides`` (claims + embeddings) -> ``scoring`` -> ``matching`` /
``parallel`` (with ``calibration``) -> ``rows`` -> ``report`` / ``multi`` -> ``writers``;
``pipeline`` runs it, ``settings`` validates its options, ``cli`` is the command line.
"""
from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from .segment import Segment, claims, segment  # eager: `align.segment` must be the function, not the submodule
from .version import __version__

# Public names and the module that defines each. They are imported on first use (PEP 562), so
# `claimalign --help` and `import align` stay fast: the model stack, faiss and pandas load only
# when a comparison needs them.
_EXPORTS = {
    "ClaimalignError": "errors", "InputError": "errors", "ModelError": "errors", "OutputError": "errors",
    "OverwriteError": "errors",
    "CompareSettings": "settings", "ParallelSettings": "settings",
    "Document": "documents", "load_document": "documents",
    "Row": "rows", "Report": "report", "MultiReport": "multi", "compare": "pipeline",
    "compare_corpus": "corpus",
}

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'align' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


def load_report(path: str | os.PathLike) -> Report:
    """Read a report saved with ``report.save(path)`` / ``to_jsonl`` (reviews included).

    Parameters
    ----------
    path : str or path
        A JSONL report of two documents.

    Returns
    -------
    Report
        Rows, reviews, exports and display; no score matrix (the heatmap needs the comparison).

    Raises
    ------
    InputError
        The file is missing or is not a valid claimalign report.
    """
    from .report import Report

    return Report.load(path)


__all__ = [
    "ClaimalignError", "CompareSettings", "Document", "InputError", "ModelError", "MultiReport", "OutputError", "OverwriteError", "ParallelSettings",
    "Report", "Row", "Segment", "__version__", "claims", "compare", "compare_corpus", "load_document", "load_report", "segment",
]
