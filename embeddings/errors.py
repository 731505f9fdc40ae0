"""Errors and warnings of the embeddings package (no heavy imports)."""
from __future__ import annotations

from pathlib import Path


class ClaimalignError(Exception):
    """Base class of claimalign's user-facing errors (defined here, below both packages, so that
    the model's errors are claimalign errors too; ``align.ClaimalignError`` is this class).
    """


class ModelError(ClaimalignError, RuntimeError):
    """The requested model cannot be used (not available offline, or not loadable)."""


class ModelFileMismatch(ModelError):
    """A file of the built default model differs from what its build manifest records."""

    def __init__(self, path: str | Path, detail: str = "its SHA-256 differs from the build manifest"):
        self.path = Path(path)
        super().__init__(f"model file {self.path} is damaged or was changed: {detail}")


class ModelIntegrityWarning(UserWarning):
    """A damaged or changed file of the built default model was found; the model is rebuilt."""
