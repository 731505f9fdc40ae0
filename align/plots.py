"""Matplotlib figures for a Report (matplotlib is optional: imported only when a figure is drawn).

The heatmap shows what decides the pairs: the calibrated confidence of every candidate claim
pair (``align.matching``), blank where two claims are not candidates, with the reported pairs
boxed. :func:`confidence_matrix` and :func:`pair_cells` build what it draws (pure numpy).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import InputError
from .matching import Pair

MAX_CELLS = 4_000_000  # claims of A x claims of B drawn at most (a dense float matrix)


def confidence_matrix(shape: tuple[int, int], i: np.ndarray, j: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """The (n, m) matrix of candidate confidences.

    Parameters
    ----------
    shape : (int, int)
        (claims of A, claims of B).
    i, j : numpy.ndarray
        (c,) 0-based claim indexes of the candidate pairs (``Candidates.i``, ``Candidates.j``).
    confidence : numpy.ndarray
        (c,) their confidence (``Candidates.confidence``).

    Returns
    -------
    numpy.ndarray
        float64 (n, m): ``confidence[k]`` at ``(i[k], j[k])``, NaN where two claims are not a
        candidate pair (drawn blank).
    """
    out = np.full(shape, np.nan)
    out[np.asarray(i, np.int64), np.asarray(j, np.int64)] = np.asarray(confidence, np.float64)
    return out


def pair_cells(pairs: Sequence[Pair]) -> list[tuple[int, int]]:
    """The (i, j) cells of the reported pairs, each once, in order (a pair of a claim with two
    adjacent claims covers two cells).
    """
    return sorted({(i, j) for p in pairs for i in p.a for j in p.b})


def heatmap(report, ax=None, *, max_labels: int = 60):
    """Claim x claim confidence of the candidate pairs of a comparison, the reported pairs boxed.

    Rows are A's claims, columns B's, labelled by claim label ("7.2" = sentence 7, claim 2):
    ids rather than text, so right-to-left script never has to be drawn on an axis;
    ``report.legend("A")`` / ``legend("B")`` list the texts. The colour is the confidence (0 to
    1, the value pairs are chosen by); a cell without colour is not a candidate (neither claim is
    among the other's best few). The colour bar marks the threshold. Returns the matplotlib Axes.
    """
    try:
        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError("the heatmap needs matplotlib: pip install matplotlib") from None
    cands = report.candidates
    if cands is None or cands.confidence is None:
        raise InputError("no candidate confidences: the heatmap needs a comparable-mode comparison itself "
                         "(not a loaded report or a parallel alignment)")
    n, m = len(report.a.claims), len(report.b.claims)
    if n * m > MAX_CELLS:
        raise InputError(f"{n} x {m} claims are too many for a heatmap (at most {MAX_CELLS:,} cells)")
    M = confidence_matrix((n, m), cands.i, cands.j, cands.confidence)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(2 + 0.32 * m, 16), min(1.5 + 0.32 * n, 14)))
    cmap = plt.get_cmap("viridis").with_extremes(bad="white")
    im = ax.imshow(np.ma.masked_invalid(M), cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    bar = ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label="confidence")
    threshold = report.options.get("min_score")
    if threshold is not None:
        bar.ax.axhline(threshold, color="red", linewidth=1.6)
    la = [c.label for c in report.a.claims]
    lb = [c.label for c in report.b.claims]
    step_a, step_b = max(1, n // max_labels + (n % max_labels > 0)), max(1, m // max_labels + (m % max_labels > 0))
    ax.set_yticks(range(0, n, step_a), la[::step_a], fontsize=7)
    ax.set_xticks(range(0, m, step_b), lb[::step_b], fontsize=7, rotation=90)
    ax.set_ylabel(f"A: {report.a.document.name} [{report.a.document.lang}] claims")
    ax.set_xlabel(f"B: {report.b.document.name} [{report.b.document.lang}] claims")
    for i, j in pair_cells(report.claim_pairs):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=1.6))
    at = "" if threshold is None else f" (confidence >= {threshold:.2f})"
    ax.set_title(f"confidence of candidate claim pairs; boxed: the {len(report.claim_pairs)} reported pairs{at}")
    return ax
