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

import os

from .documents import Document, load_document
from .errors import ClaimalignError, InputError, ModelError, OutputError
from .multi import MultiReport
from .pipeline import compare
from .report import Report
from .rows import Row
from .segment import Segment, claims, segment
from .settings import CompareSettings, ParallelSettings
from .version import __version__


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
    return Report.load(path)


__all__ = [
    "ClaimalignError", "CompareSettings", "Document", "InputError", "ModelError", "MultiReport", "OutputError", "ParallelSettings",
    "Report", "Row", "Segment", "__version__", "claims", "compare", "load_document", "load_report", "segment",
]
