"""Corpus mode: which articles of a corpus report the same event, and which claims each outlet
carried.

    import align
    corpus = align.compare_corpus("articles/", outdir="out")   # a folder, a table file or a DataFrame
    corpus                        # in Jupyter: per event, claims x outlets
    corpus.to_frame()             # the claim clusters; to_frame("article_pairs"), ...
    corpus.filter(scope="one outlet", outlet="BBC")
    corpus.to_parquet("out"); corpus.to_html("overview.html"); corpus.to_xlsx("summary.xlsx")

The flow (one module per stage): ``inputs`` (read the corpus, report bad rows; with ``dates``, the
dates as researchers write them) -> ``engine`` (partitions of work, in-process or on Dask: prepare
and embed each article once; candidate pairs by nearest neighbours; features, calibrated score
and claim alignment of each candidate)
with ``profile`` (what each article states: people, places, numbers, days) and ``events``
(vectors, candidates, features, score, events that cannot chain) -> ``assemble`` (the tables:
events, then ``clusters``, claims across the corpus) -> ``result`` (the :class:`Corpus`: views,
exports, display) -> ``outputs`` (Parquet, HTML, XLSX). ``records`` holds the typed record of
every table (its fields are the table's columns); ``compare`` holds :func:`compare_corpus`, the
entry point that runs the stages in order; ``cli`` is the ``claimalign corpus`` command.
"""
from __future__ import annotations

import importlib
from typing import Any

# The public names load on first use (PEP 562): `claimalign --help` imports align.corpus.cli,
# hence this package, and must not load numpy, the model stack or Dask.
_EXPORTS = {"Article": "inputs", "BadRow": "inputs", "Corpus": "result", "CorpusSettings": "settings",
            "compare_corpus": "compare"}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'align.corpus' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = ["Article", "BadRow", "Corpus", "CorpusSettings", "compare_corpus"]
