"""claimalign: line up the claims of news articles written in different languages.

    import align
    report = align.compare("examples/shamkhani_bahrami_fa.txt", "examples/shamkhani_mohib_ar.txt")
    report                      # side-by-side table in Jupyter
    report.to_frame()           # pandas
    report.to_csv("report.csv") # UTF-8 with BOM, formula-safe, atomic; also to_xlsx, to_html, to_jsonl
"""
from .documents import Document, load_document
from .errors import ClaimalignError, InputError, ModelError
from .pipeline import compare
from .report import Report


def load_report(path) -> Report:
    """Read a report saved with ``report.save(path)`` / ``to_jsonl`` (reviews included)."""
    from .exports import load_jsonl

    return load_jsonl(path)
from .segment import Segment, claims, segment

__version__ = "0.1.0"
__all__ = [
    "ClaimalignError", "Document", "InputError", "ModelError", "Report", "Segment",
    "claims", "compare", "load_document", "load_report", "segment",
]
