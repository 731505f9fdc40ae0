"""Exceptions raised for user mistakes; the CLI turns them into one-line errors."""
from embeddings.encoders import ModelError


class ClaimalignError(Exception):
    """Base class of claimalign's user-facing errors."""


class InputError(ClaimalignError, ValueError):
    """An input document or option is unusable (missing, empty, binary, not UTF-8, bad value)."""


__all__ = ["ClaimalignError", "InputError", "ModelError"]
