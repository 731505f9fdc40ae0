"""Matplotlib figures for a Report (imported only when asked for: matplotlib is optional)."""
from __future__ import annotations

import numpy as np

from .errors import InputError


def heatmap(report, ax=None, *, max_labels: int = 60):
    """Claim x claim margin scores of a comparison, the chosen pairs boxed.

    Rows are A's claims, columns B's, labelled by claim label ("7.2" = sentence 7, claim 2):
    ids rather than text, so right-to-left script never has to be drawn on an axis;
    ``report.legend("A")`` / ``legend("B")`` list the texts. Returns the matplotlib Axes.
    """
    try:
        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError("the heatmap needs matplotlib: pip install matplotlib") from None
    if report.margin is None:
        raise InputError("no score matrix: the heatmap needs the comparison itself (not a loaded or very long report)")
    M = np.where(np.isfinite(report.margin), report.margin, np.nan)
    n, m = M.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(min(2 + 0.32 * m, 16), min(1.5 + 0.32 * n, 14)))
    im = ax.imshow(M, cmap="viridis", aspect="auto", interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label="margin (cosine / neighbourhood)")
    la = [c.label for c in report.a.claims]
    lb = [c.label for c in report.b.claims]
    step_a, step_b = max(1, n // max_labels + (n % max_labels > 0)), max(1, m // max_labels + (m % max_labels > 0))
    ax.set_yticks(range(0, n, step_a), la[::step_a], fontsize=7)
    ax.set_xticks(range(0, m, step_b), lb[::step_b], fontsize=7, rotation=90)
    ax.set_ylabel(f"A: {report.a.document.name} [{report.a.document.lang}] claims")
    ax.set_xlabel(f"B: {report.b.document.name} [{report.b.document.lang}] claims")
    for p in report.claim_pairs:
        for i in p.a:
            for j in p.b:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=1.6))
    ax.set_title(f"{len(report.claim_pairs)} chosen pairs (red boxes)")
    return ax
