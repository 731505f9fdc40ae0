"""Labels for the embedding progress bars: which articles and which stage are being embedded.

The caller names what is being embedded (``with labelled("A, B: 85 claims"):``); the encoders
draw their bars as ``"A, B: 85 claims · token vectors"``. A context variable, so that the encode
functions keep their one-argument signature and concurrent runs (threads, tasks) keep their own
labels.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_LABEL: ContextVar[str | None] = ContextVar("claimalign_progress_label", default=None)


@contextmanager
def labelled(label: str) -> Iterator[None]:
    """Progress bars drawn inside this block are labelled ``label``."""
    token = _LABEL.set(label)
    try:
        yield
    finally:
        _LABEL.reset(token)


def bar_label(stage: str) -> str:
    """The label of a bar for ``stage`` ("token vectors", "sentence vectors"): prefixed by what
    the caller named, or "Embedding: <stage>" when it named nothing.
    """
    label = _LABEL.get()
    return f"{label} · {stage}" if label else f"Embedding: {stage}"
