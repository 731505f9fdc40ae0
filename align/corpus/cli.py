"""``claimalign corpus PATH -o OUTDIR``: the corpus subcommand.

``add_parser(subparsers)`` adds the subcommand and its arguments to the ``claimalign`` parser;
``main(args)`` runs it and returns the exit status (0 done, 2 a user error, 130 interrupted).
Importing this module is cheap (the work is imported in ``main``), so ``--help`` stays instant.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..errors import ClaimalignError
from ..text import terminal_safe

DESCRIPTION = """Find which articles of a corpus report the same event and which claims each outlet carried.
PATH is a folder of text files (article ids: the file names without extension; a metadata table
metadata.csv/.tsv/.jsonl/.parquet with id, lang, outlet, date, title, url may sit beside them, or
use --metadata) or one table (CSV, TSV, JSONL, Parquet) with id, lang, outlet, date, title, text.
Dates may be ISO, 30.05.2024, May 30, 2024, Persian or Arabic month names, Solar Hijri
(1403/03/10, 2 خرداد 1403) or Hijri (23 ذو القعدة 1445); 05/06/2019 needs --date-order.
Writes into OUTDIR: articles, segments, article_pairs, alignments, clusters (and events,
outlets, bad_rows) as Parquet, run.json, overview.html and summary.xlsx; none of them may be an
input (OUTDIR may be the input folder: claimalign's own pages there are never read as articles).
An interrupted run resumes from OUTDIR/.partitions when started again with the same arguments."""


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``corpus`` subcommand to ``claimalign``'s subparsers; returns its parser."""
    c = subparsers.add_parser("corpus", help="same-event articles and claim clusters of a whole corpus",
                              description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("path", help="a folder of article files, or a table file (.csv, .tsv, .jsonl, .parquet)")
    c.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output directory (created if missing)")
    c.add_argument("--scheduler", metavar="ADDRESS", help="run the embedding and the per-pair work on this Dask scheduler (tcp://host:8786)")
    c.add_argument("--workers", type=int, metavar="N", help="start a local Dask cluster of N worker processes (default: run in this process)")
    c.add_argument("--metadata", metavar="TABLE", help="metadata table of a folder (columns id or article_id, lang, outlet, date, title, url)")
    c.add_argument("--on-error", choices=["skip", "stop"], default="skip",
                   help="bad rows (empty text, unreadable encoding, duplicate id, bad date): report and skip them (default) or stop")
    c.add_argument("--date-order", choices=["DMY", "MDY", "YMD"],
                   help="the order of numeric dates the numbers leave open, such as 05/06/2019 (default: such a date is a bad row; "
                        "ISO, 30/05/2024, month names, Solar Hijri and Hijri dates need nothing)")
    c.add_argument("--model", default="default", help="embedding model: 'default', a local sentence-transformers directory, or a cached model name")
    c.add_argument("--date-window", type=int, default=7, metavar="DAYS",
                   help="same-event candidates at most this many days apart when both have dates (default 7)")
    c.add_argument("--no-date-window", action="store_true", help="ignore dates when looking for same-event articles")
    c.add_argument("--within-language", action="store_true", help="also look for same-event articles in the same language")
    c.add_argument("--neighbours", type=int, default=10, metavar="K", help="candidate same-event articles per article (default 10)")
    c.add_argument("--min-pair-score", type=float, help="confirm same-event pairs from this calibrated score (0-1; default: calibrated threshold)")
    c.add_argument("--min-score", type=float, help="claim pairs: keep those with at least this confidence (0-1; default: calibrated)")
    c.add_argument("--partition-size", type=int, default=64, metavar="N", help="articles per embedding task (default 64)")
    c.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    c.add_argument("--force", action="store_true", help="replace output files even if they are read-only (default: refuse)")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar; print only where the results went")
    c.set_defaults(corpus_main=main)
    return c


def _say(text: str, *, err: bool = False) -> None:
    print(terminal_safe(text), file=sys.stderr if err else sys.stdout)


def main(args: argparse.Namespace) -> int:
    """Run ``claimalign corpus`` with parsed ``args``; returns the exit status."""
    out = Path(args.output)
    try:
        from . import compare_corpus

        if out.exists() and not out.is_dir():
            raise ClaimalignError(f"{out}: exists and is not a directory")
        if not out.exists():
            if not out.parent.is_dir():
                raise ClaimalignError(f"{out}: directory {out.parent} does not exist")
            out.mkdir()
        t0 = time.perf_counter()
        corpus = compare_corpus(
            args.path, outdir=out, metadata=args.metadata, client=args.scheduler, workers=args.workers, model=args.model,
            cache=not args.no_cache, on_error=args.on_error, date_order=args.date_order, force=args.force,
            neighbours=args.neighbours, within_language=args.within_language,
            date_window=None if args.no_date_window else args.date_window, min_pair_score=args.min_pair_score,
            min_score=args.min_score, partition_size=args.partition_size, progress=False if args.quiet else "auto",
        )
        if not args.quiet:
            _say(corpus.summary(option="--min-pair-score"))
        s = corpus.stats
        reused = s.get("prepare_reused", 0) + s.get("pair_reused", 0)
        note = f", {reused} finished partition(s) reused" if reused else ""
        _say(f"results written to {out}/ (articles, segments, article_pairs, alignments, clusters .parquet; overview.html; "
             f"summary.xlsx) in {time.perf_counter() - t0:.1f} s{note}")
        return 0
    except ClaimalignError as exc:
        _say(f"claimalign: error: {exc}", err=True)
        return 2
    except OSError as exc:
        _say(f"claimalign: error: {exc}", err=True)
        return 2
    except KeyboardInterrupt:
        _say(f"claimalign: interrupted; finished partitions are kept in {out}/.partitions: run the same command again to resume",
             err=True)
        return 130
