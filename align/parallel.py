"""Parallel mode: monotonic alignment of two texts that translate each other.

Dynamic programming over sentence groups, as Vecalign and Bertalign do: every step aligns a
group of ``a`` consecutive sentences of A with ``b`` of B (1-1, 1-2, 2-1, ... up to ``max_size``
sentences in all, plus 1-0 and 0-1 for a sentence left unaligned), maximising the total score.
A group's embedding is the embedding of its concatenated text. A pair's score is its cosine minus
the average cosine of each side to the other text (the normalisation of Vecalign), so that a
pair counts for what it has over chance; a 1-0 / 0-1 step scores ``skip``.

Embedding every group (``search="full"``, what Vecalign and Bertalign do) costs about ten times
the words of the text itself with groups of up to four sentences. ``search="two-pass"`` (the
default) embeds the single sentences, aligns once with each group's embedding approximated by
the normalised sum of its sentences' embeddings, then embeds only the groups that lie within two
consecutive steps of that path and aligns again; until the path uses no approximated group (those
it does use are embedded and the alignment rerun), so every reported step is scored on real
embeddings. On Text+Berg it embeds 37% of the words for the same F1 (0.918 vs 0.919 strict).

Pure functions over numpy arrays; ``group_texts`` says which texts to embed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scoring import cosine_matrix
from .settings import ParallelSettings


@dataclass(frozen=True)
class Alignment:
    """One step of a monotonic alignment: 0-based ids of A and of B (one side may be empty)."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    score: float  # normalised score of the pair; ``skip`` for a 1-0 / 0-1 step
    similarity: float | None  # cosine of the two groups' embeddings


def group_texts(sentences: list[str], max_group: int) -> dict[int, list[str]]:
    """``{size: [text of sentences[i:i+size] for every i]}`` for sizes 1..max_group."""
    return {
        s: [" ".join(sentences[i : i + s]) for i in range(len(sentences) - s + 1)]
        for s in range(1, max_group + 1)
        if len(sentences) >= s
    }


def moves(max_size: int) -> list[tuple[int, int]]:
    """Allowed (a, b) group sizes: 1-0, 0-1, and a, b >= 1 with a + b <= max_size."""
    out = [(1, 0), (0, 1)]
    out += [(a, b) for a in range(1, max_size) for b in range(1, max_size) if a + b <= max_size]
    return out


def align_monotonic(
    groups_a: dict[int, np.ndarray],
    groups_b: dict[int, np.ndarray],
    *,
    max_size: int = 5,
    skip: float = -0.04,
    sample: int = 256,
    seed: int = 0,
    lengths: tuple[dict[int, np.ndarray], dict[int, np.ndarray]] | None = None,
    length_weight: float = 0.05,
    group_penalty: float = 0.01,
) -> list[Alignment]:
    """Best monotonic alignment.

    groups_a[s]: (n - s + 1, d) L2-normalised embeddings of A's groups of s sentences
    (``groups_a[1]`` are the single sentences); likewise groups_b. ``max_size``: the most
    sentences one step may take on both sides together (3 allows 1-2 and 2-1). Returns the steps
    in order; every sentence of both sides is in exactly one step.
    """
    n, m = len(groups_a[1]), len(groups_b[1])
    rng = np.random.default_rng(seed)
    ref_a = groups_a[1][rng.permutation(n)[:sample]]
    ref_b = groups_b[1][rng.permutation(m)[:sample]]
    # background: average cosine of each group to the other text's sentences
    bg_a = {s: cosine_matrix(g, ref_b).mean(axis=1) for s, g in groups_a.items()}
    bg_b = {s: cosine_matrix(g, ref_a).mean(axis=1) for s, g in groups_b.items()}
    steps = moves(max_size)
    if lengths is not None:
        mu = float(np.log((lengths[1][1].sum() + 1.0) / (lengths[0][1].sum() + 1.0)))
    cos = {}
    score = {}
    for a, b in steps:
        if a and b and a in groups_a and b in groups_b:
            c = cosine_matrix(groups_a[a], groups_b[b])
            cos[a, b] = c
            score[a, b] = c - (bg_a[a][:, None] + bg_b[b][None, :]) / 2.0
            score[a, b] = score[a, b] - group_penalty * (a + b - 2)
            if lengths is not None and length_weight:
                # Gale & Church: translations keep a steady length ratio; penalise steps whose
                # log character ratio strays from the document's
                la, lb = lengths
                ratio = np.log((lb[b][None, :] + 1.0) / (la[a][:, None] + 1.0))
                score[a, b] = score[a, b] - length_weight * np.abs(ratio - mu)

    best, back = _dynamic_programme(n, m, steps, score, skip)
    out: list[Alignment] = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = (int(x) for x in back[i, j])
        i0, j0 = i - a, j - b
        if a and b:
            out.append(Alignment(tuple(range(i0, i)), tuple(range(j0, j)), float(score[a, b][i0, j0]), float(cos[a, b][i0, j0])))
        else:
            out.append(Alignment(tuple(range(i0, i)), tuple(range(j0, j)), skip, None))
        i, j = i0, j0
    return out[::-1]


def _dynamic_programme(n: int, m: int, steps, score: dict, skip: float) -> tuple[np.ndarray, np.ndarray]:
    """Best path scores and back pointers over the (n + 1, m + 1) grid.

    Row by row: every step that advances A (1-0 and a-b with a >= 1) is one vectorised update
    of the whole row from an earlier row; the one step inside a row (0-1, skipping a sentence of
    B) is a running maximum along it. Ties go as in a cell-by-cell scan of the grid in row-major
    order (the earlier source wins), so the result equals the textbook loop's exactly.
    """
    best = np.full((n + 1, m + 1), -np.inf)
    back = np.zeros((n + 1, m + 1, 2), dtype=np.int16)
    best[0, 0] = 0.0
    # sources in row-major order: the farthest row first (a descending), then the leftmost
    # column (b descending); an update must be strictly better to replace an earlier one
    advancing = sorted((st for st in steps if st[0] > 0), key=lambda st: (-st[0], -st[1]))
    for i in range(n + 1):
        row, row_back = best[i], back[i]
        for a, b in advancing:
            if a > i or (b and (a, b) not in score):
                continue
            src = best[i - a, : m + 1 - b]
            gain = skip if b == 0 else score[a, b][i - a, : m + 1 - b]
            cand = src + gain
            target = row[b:]
            better = cand > target
            if better.any():
                target[better] = cand[better]
                row_back[b:][better] = (a, b)
        if (0, 1) in steps:  # skip B sentences: a running maximum along the row
            prev = row[0]
            for j in range(1, m + 1):
                c = prev + skip
                if c > row[j]:
                    row[j] = c
                    row_back[j] = (0, 1)
                prev = row[j]
    return best, back


def to_vecalign(alignments: list[Alignment]) -> str:
    """Vecalign's text format, one step per line: ``[0]:[0, 1]:0.123`` (0-based ids)."""
    return "".join(f"[{', '.join(map(str, s.a))}]:[{', '.join(map(str, s.b))}]:{s.score:.4f}\n" for s in alignments)


def read_vecalign(text: str) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Parse ``[src ids]:[tgt ids]`` lines (a trailing ``:score`` is ignored)."""
    out = []
    for line in text.splitlines():
        if line.strip():
            src, tgt = line.split(":")[:2]
            parse = lambda s: tuple(int(x) for x in s.strip()[1:-1].split(",") if x.strip())  # noqa: E731
            out.append((parse(src), parse(tgt)))
    return out


def score_alignments(gold: list[list], test: list[list]) -> dict[str, float]:
    """Strict and lax precision / recall / F1 of several documents' alignments (Vecalign's metric).

    Strict: a test step counts when it equals a gold step. Lax: when it overlaps a gold step on
    both sides. Precision is over all test steps; recall compares steps with both sides non-empty.
    """

    def counts(golds, tests):
        golds = {(tuple(x), tuple(y)) for x, y in golds if x or y}
        tests = {(tuple(x), tuple(y)) for x, y in tests if x or y}
        tgt_of = {}
        for gs, gt in golds:
            for s in gs:
                tgt_of.setdefault(s, set()).update(gt)
        c = np.zeros(4, dtype=np.int64)  # strict tp, strict fp, lax tp, lax fp
        for ts, tt in tests:
            if (ts, tt) in golds:
                c += (1, 0, 1, 0)
            elif set(tt) & set().union(*[tgt_of.get(s, set()) for s in ts]):
                c += (0, 1, 1, 0)
            else:
                c += (0, 1, 0, 1)
        return c

    p = np.zeros(4, dtype=np.int64)
    r = np.zeros(4, dtype=np.int64)
    for g, t in zip(gold, test, strict=True):
        p += counts(g, t)
        r += counts([x for x in t if x[0] and x[1]], [x for x in g if x[0] and x[1]])
    div = lambda x, y: float(x) / y if y else 0.0  # noqa: E731
    out = {
        "precision_strict": div(p[0], p[0] + p[1]),
        "recall_strict": div(r[0], r[0] + r[1]),
        "precision_lax": div(p[2], p[2] + p[3]),
        "recall_lax": div(r[2], r[2] + r[3]),
    }
    for kind in ("strict", "lax"):
        pr, rc = out[f"precision_{kind}"], out[f"recall_{kind}"]
        out[f"f1_{kind}"] = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    return out


def align_texts(a: list[str], b: list[str], encode, settings: ParallelSettings | None = None) -> list[Alignment]:
    """Monotonic alignment of two lists of sentences; ``encode(texts) -> (n, d)`` unit vectors.

    Groups of up to ``max_size - 1`` consecutive sentences on each side (the texts of a group
    joined by a space) are the candidates of ``align_monotonic``, scored with length ratios; which
    of them are embedded depends on ``settings.search`` (see the module's docstring).
    """
    settings = settings or ParallelSettings()
    if not a or not b:
        return [Alignment((i,), (), settings.skip, None) for i in range(len(a))] + [
            Alignment((), (j,), settings.skip, None) for j in range(len(b))]
    largest = max(1, settings.max_size - 1)
    sides = (list(a), list(b))
    texts = [group_texts(sents, largest) for sents in sides]
    lens = tuple({s: np.array([len(x) for x in t], dtype=np.float64) for s, t in g.items()} for g in texts)
    options = dict(max_size=settings.max_size, skip=settings.skip, lengths=lens,
                   length_weight=settings.length_weight, group_penalty=settings.group_penalty)
    if settings.search == "full" or largest == 1:
        emb = [{s: encode(t) for s, t in g.items()} for g in texts]
        return align_monotonic(emb[0], emb[1], **options)
    emb = [approximate_groups(np.asarray(encode(g[1]), dtype=np.float32), largest) for g in texts]
    exact: list[set[tuple[int, int]]] = [set(), set()]  # (size, start) of the groups embedded
    path = align_monotonic(emb[0], emb[1], **options)
    wanted = groups_near(path, largest, steps=2)
    while True:
        for side in (0, 1):
            todo = sorted(wanted[side] - exact[side])
            if todo:
                vectors = np.asarray(encode([texts[side][size][start] for size, start in todo]), dtype=np.float32)
                for (size, start), v in zip(todo, vectors, strict=True):
                    emb[side][size][start] = v
                exact[side].update(todo)
        path = align_monotonic(emb[0], emb[1], **options)
        wanted = groups_near(path, largest, steps=1)
        if all(wanted[side] <= exact[side] for side in (0, 1)):
            return path


def approximate_groups(single: np.ndarray, largest: int) -> dict[int, np.ndarray]:
    """``{size: (n - size + 1, d)}``: every group's normalised sum of its sentences' vectors."""
    out = {1: single}
    csum = np.concatenate([np.zeros((1, single.shape[1]), dtype=np.float64), np.cumsum(single, axis=0, dtype=np.float64)])
    for size in range(2, largest + 1):
        if len(single) >= size:
            v = csum[size:] - csum[:-size]
            norm = np.linalg.norm(v, axis=1, keepdims=True)
            out[size] = (v / np.where(norm > 0, norm, 1.0)).astype(np.float32)
    return out


def groups_near(path: list[Alignment], largest: int, steps: int) -> list[set[tuple[int, int]]]:
    """(size, start) of every group of 2..``largest`` sentences, per side, that lies within
    ``steps`` consecutive steps of ``path`` (``steps=1``: the groups the path itself uses).
    """
    out: list[set[tuple[int, int]]] = [set(), set()]
    for i in range(len(path)):
        window = path[i : i + steps]
        for side in (0, 1):
            ids = [x for st in window for x in (st.a if side == 0 else st.b)]
            if len(ids) < 2:
                continue
            lo, hi = min(ids), max(ids)
            for size in range(2, min(largest, hi - lo + 1) + 1):
                out[side].update((size, start) for start in range(lo, hi - size + 2))
    return out
