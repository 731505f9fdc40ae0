"""Exceptions raised for user mistakes; the CLI turns them into one-line errors."""
from embeddings.errors import ClaimalignError, ModelError


class InputError(ClaimalignError, ValueError):
    """An input document or option is unusable (missing, empty, binary, not UTF-8, bad value)."""


class OutputError(ClaimalignError, OSError):
    """A report cannot be written where asked (missing or read-only directory, an input file,
    a read-only report without ``force``, a full disk). Nothing is left half-written.
    """


class OverwriteError(OutputError, InputError):
    """An output would replace one of the run's own inputs (an article, the corpus table, the
    metadata table): refused before any work. Both an :class:`OutputError` (where it would write)
    and an :class:`InputError` (the arguments given cannot work together).
    """


class InputWarning(UserWarning):
    """An input was read, but not exactly as written (a few invalid bytes replaced, text cut):
    the command line prints it as one line.
    """


__all__ = ["ClaimalignError", "InputError", "InputWarning", "ModelError", "OutputError", "OverwriteError"]
