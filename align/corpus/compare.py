"""``compare_corpus``: a corpus run from the user's options to the :class:`~align.corpus.result.Corpus`
(settings validated once, the corpus read, the engine run, the tables built, the files written).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from embeddings import Encoder

from ..errors import InputError
from ..params import check
from ..settings import CompareSettings
from .assemble import build_tables
from .engine import default_workdir, make_executor, run_corpus
from .inputs import bad_rows_message, corpus_files, read_corpus
from .outputs import check_outputs
from .result import Corpus
from .settings import CorpusSettings


def compare_corpus(
    source: Any,
    *,
    outdir: str | os.PathLike | None = None,
    metadata: str | os.PathLike | None = None,
    client: Any = None,
    workers: int | None = None,
    model: str | os.PathLike = "default",
    encoder: Encoder | None = None,
    cache: bool = True,
    on_error: str = "skip",
    date_order: str | None = None,
    neighbours: int = 10,
    within_language: bool = False,
    date_window: int | None = 7,
    min_pair_score: float | None = None,
    min_score: float | None = None,
    k: int = CompareSettings.k,
    same_speaker: bool = True,
    partition_size: int = 64,
    pair_partition_size: int = 256,
    workdir: str | os.PathLike | None = None,
    progress: bool | str = "auto",
    force: bool = True,
) -> Corpus:
    """Find the same-event articles of a corpus, align their claims and cluster the claims.

    Parameters
    ----------
    source : path, DataFrame or list
        A folder of text files (ids: file names without extension; optional metadata table
        ``metadata.csv``/``.tsv``/``.jsonl``/``.parquet`` inside it, or ``metadata=``), a table
        file (CSV, TSV, JSONL, Parquet) or a DataFrame / list of dicts with ``id, text`` and
        optionally ``lang, outlet, date, title, url``.
    outdir : path, optional
        Write the Parquet tables, ``run.json``, ``overview.html`` and ``summary.xlsx`` here;
        finished partitions go to ``outdir/.partitions`` so an interrupted run resumes. Checked
        before any work: none of these may be an input (an article file, the table, the
        metadata table); a claimalign page in an input folder (an earlier run's
        ``overview.html``) is not read as an article.
    metadata : path, optional
        The metadata table of a folder (``id`` or ``article_id`` column).
    client : distributed.Client or str, optional
        Run the embedding and the per-pair work on this Dask cluster (or the scheduler at this
        address). Default: in this process.
    workers : int, optional
        Start a local Dask cluster of this many worker processes (one thread each).
    model : str or path
        The embedding model (as for ``align.compare``).
    encoder : Encoder, optional
        A ready encoder (then ``model`` and ``cache`` are its own).
    cache : bool
        Read and write the embedding cache.
    on_error : {"skip", "stop"}
        Bad rows (empty text, unreadable encoding, duplicate id, ...): report and skip them, or
        stop before any work.
    date_order : {"DMY", "MDY", "YMD"}, optional
        The order of numeric dates whose numbers leave it open (``05/06/2019``); without it such
        a date is a bad row (``align.corpus.dates`` lists the forms read).
    neighbours : int
        Candidate same-event articles proposed per article (nearest neighbours).
    within_language : bool
        Also look for same-event articles in the article's own language.
    date_window : int or None
        Candidates at most this many days apart when both have dates (None: no window).
    min_pair_score : float, optional
        Confirm a candidate pair from this calibrated score up (default: the calibration's).
    min_score : float, optional
        Claim pairs: keep those with at least this confidence (default: the calibrated one).
    k : int
        Margin neighbourhood of the claim matcher.
    same_speaker : bool
        Never pair claims of two different identified people.
    partition_size, pair_partition_size : int
        Articles per embedding task, candidate pairs per alignment task.
    workdir : path, optional
        Where partitions go (default ``outdir/.partitions``; a temporary directory without
        ``outdir``, removed at the end).
    progress : bool or "auto"
        Progress bars ("auto": in a notebook or a terminal).
    force : bool
        Replace read-only output files, as the writers of a report do (the command line passes
        its ``--force``, off by default there).

    Returns
    -------
    Corpus

    Raises
    ------
    InputError
        The corpus cannot be read, an option is invalid, or ``on_error="stop"`` and a row is bad.
    OverwriteError
        An output would replace an input (an InputError and an OutputError).
    OutputError
        An output cannot be written (read-only without ``force``, ...).
    ModelError
        The model cannot be loaded offline.
    """
    if encoder is not None and (model != "default" or cache is not True):
        raise InputError("model, cache: options of the encoder; pass them to Encoder(...) or drop encoder=")
    settings = CorpusSettings.from_options(
        model=encoder.model if encoder is not None else model, k=k, min_score=min_score, same_speaker=same_speaker,
        cache=cache, neighbours=neighbours, within_language=within_language, date_window=date_window,
        min_pair_score=min_pair_score, partition_size=partition_size, pair_partition_size=pair_partition_size,
        on_error=on_error, date_order=date_order)
    progress = check("progress", progress)
    force = check("force", force)
    outdir = _checked_outdir(outdir)
    temporary = workdir is None and outdir is None
    partitions = None if temporary else Path(workdir or default_workdir(outdir))
    check_outputs(outdir, corpus_files(source, metadata), partitions=partitions, force=force)
    articles, bad = read_corpus(source, metadata=metadata, on_error=on_error, date_order=settings.date_order)
    if len(articles) < 2:  # before the model is loaded
        raise InputError(f"a corpus needs at least two usable articles, got {len(articles)}"
                         + (f"; {bad_rows_message(bad)}" if bad else ""))
    encoder = encoder or Encoder(settings.model, cache=cache, show_progress=False)  # the run has its own bars
    work = Path(tempfile.mkdtemp(prefix="claimalign-corpus-")) if partitions is None else partitions
    executor = make_executor(client, workers)
    try:
        out = run_corpus(articles, bad, settings, encoder, executor=executor, workdir=work, progress=progress)
    finally:
        executor.close()
        if temporary:
            shutil.rmtree(work, ignore_errors=True)
    t0 = time.perf_counter()
    corpus = Corpus(build_tables(out), out.run, out.stats)
    if outdir is not None:
        corpus.save(outdir)
    corpus.stats["seconds"]["records_and_files"] = round(time.perf_counter() - t0, 2)
    return corpus


def _checked_outdir(outdir: str | os.PathLike | None) -> Path | None:
    if outdir is None:
        return None
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"{outdir}: exists and is not a directory")
    return outdir


