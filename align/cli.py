"""Command line: ``claimalign compare A B -o report.csv``."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import warnings
from pathlib import Path

from .corpus import cli as corpus_cli
from .errors import ClaimalignError, InputError
from .settings import CompareSettings
from .text import terminal_safe
from .version import __version__
from .writers.files import is_claimalign_page, output_format

COMPARE_DESCRIPTION = """Line up the claims of two (or more) news articles in different languages: which claims
they share (with a confidence and a relation: equivalent or related), what only one of them
says, who said it, and where matched claims disagree (day, numbers, people, places)."""

COMPARE_EXAMPLES = """examples:
  claimalign compare examples/shamkhani_bahrami_fa.txt examples/shamkhani_mohib_ar.txt -o report.csv
  claimalign compare fa.txt ar.txt en.txt -o groups.html --min-score 0.6
  claimalign compare de.txt fr.txt --mode parallel --segmented -o de-fr.vecalign

the report format follows the extension of -o: .csv (Excel-safe), .xlsx, .html, .jsonl, .vecalign"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="claimalign", description="Line up the claims of news articles written in different languages.")
    p.add_argument("--version", action="version", version=f"claimalign {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare", help="compare two articles and write a report", description=COMPARE_DESCRIPTION,
                       epilog=COMPARE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("a", help="article A: a text file (UTF-8, UTF-16 or a legacy encoding such as cp1256) or a saved web page (.html)")
    c.add_argument("b", help="article B (as A)")
    c.add_argument("more", nargs="*", metavar="C", help="more articles: groups of claims, one column per article")
    c.add_argument("-o", "--output", default="report.csv",
                   help="report path; the format follows the extension: .csv, .xlsx, .html, .jsonl, or .vecalign (parallel mode) "
                        "(default: report.csv)")
    c.add_argument("--min-score", type=float, metavar="P",
                   help=f"report pairs whose confidence (0-1, the estimated chance that the pair is right) is at least P "
                        f"(default: {_calibrated('threshold')}, the calibrated threshold; parallel mode: every step)")
    c.add_argument("-k", type=int, default=CompareSettings.k, metavar="K",
                   help="how many nearest claims of the other article each claim is compared with, for its margin (default: %(default)s)")
    c.add_argument("--unit", choices=["sentence", "claim"], default="sentence", help="one report row per sentence or per claim (default: sentence)")
    c.add_argument("--speaker", metavar="NAME", help="only rows where this person speaks, in any script (e.g. Shamkhani) (default: everyone)")
    c.add_argument("--any-speaker", action="store_true",
                   help="also pair claims attributed to two different people (default: never; narration pairs with anything)")
    c.add_argument("--mode", choices=["comparable", "parallel"], default="comparable",
                   help="comparable: reordered, partly overlapping articles; parallel: translations, a monotonic alignment "
                        "with 1-1, 1-2, 2-1, ... steps (default: comparable)")
    c.add_argument("--segmented", action="store_true", help="one segment per line as given (default: split into sentences)")
    c.add_argument("--langs", metavar="L1,L2,...", help="languages of all articles, comma-separated, e.g. fa,ar,en (default: detected)")
    c.add_argument("--lang-a", metavar="L", help="language of A, an ISO code such as fa (default: detected)")
    c.add_argument("--lang-b", metavar="L", help="language of B (default: detected)")
    c.add_argument("--model", default="default",
                   help="'default' (offline multilingual-e5-small), a local sentence-transformers directory, or a model name "
                        "already in the Hugging Face cache (default: default)")
    c.add_argument("--precision", choices=["auto", "int8", "fp32"], default="auto",
                   help="the default model's variant: int8 (fast) or fp32 (exact) (default: auto = int8)")
    c.add_argument("--repair-zwnj", action="store_true",
                   help="show Persian text with missing zero-width non-joiners restored, display only (default: as written)")
    c.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache (default: use it)")
    c.add_argument("--force", action="store_true", help="replace the report even if it is read-only (default: refuse)")
    c.add_argument("-q", "--quiet", action="store_true", help="print only where the report went (default: a summary and progress bars)")
    corpus_cli.add_parser(sub)
    return p


def _calibrated(name: str) -> str:
    """A calibrated default as text for --help, read from the json (no numpy import: --help stays instant)."""
    import json

    path = Path(__file__).with_name("calibration.json")
    try:
        return f"{json.loads(path.read_text(encoding='utf-8'))[name]:.2f}"
    except (OSError, ValueError, KeyError):  # pragma: no cover - the file ships with the package
        return "calibrated"


REPORT_SUFFIXES = {".csv", ".xlsx", ".jsonl", ".vecalign"}


def _say(text: str, *, err: bool = False) -> None:
    """Print to the terminal with control characters removed (article text is untrusted)."""
    print(terminal_safe(text), file=sys.stderr if err else sys.stdout)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Print claimalign's own warnings (a damaged cache set aside, a read-only home) as one line."""
    if category.__module__.split(".")[0] in ("align", "embeddings"):
        _say(f"claimalign: warning: {message}", err=True)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


_default_showwarning = warnings.showwarning


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 a user error, 130 interrupted)."""
    args = _parser().parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        if args.command == "compare":
            return _compare(args)
        if args.command == "corpus":
            return corpus_cli.main(args)
    except ClaimalignError as exc:
        _say(f"claimalign: error: {exc}", err=True)
        return 2
    except KeyboardInterrupt:
        _say("claimalign: interrupted", err=True)
        return 130
    except BrokenPipeError:
        # the reader of our output went away (| head): the report is written; stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 1


def _check_inputs(paths: list[Path]) -> None:
    """Refuse, before any work, an argument that is a report rather than an article (the
    usual slip: ``claimalign compare a.txt b.txt report.csv`` without ``-o``).
    """
    for p in paths:
        if p.suffix.lower() in REPORT_SUFFIXES:
            raise InputError(f"{p}: looks like a report ({p.suffix}), not an article; to write a report there use -o {p}")
        if p.suffix.lower() in {".html", ".htm"} and p.is_file():
            with open(p, "rb") as fh:
                head = fh.read(4096)
            if is_claimalign_page(head):
                raise InputError(f"{p}: is a claimalign report, not an article; to write a report there use -o {p}")


def _settings(args) -> CompareSettings:
    """The comparison settings from the command line (validated by CompareSettings)."""
    n = 2 + len(args.more)
    if args.langs:
        if args.lang_a or args.lang_b:
            raise InputError("give the languages either with --langs or with --lang-a/--lang-b, not both")
        langs = [x.strip() or None for x in args.langs.split(",")]
        if len(langs) != n:
            raise InputError(f"--langs lists {len(langs)} languages for {n} articles")
    else:
        langs = [args.lang_a, args.lang_b] + [None] * len(args.more)
    return CompareSettings(
        model=args.model, precision=args.precision, langs=tuple(langs), min_score=args.min_score, k=args.k, unit=args.unit,
        speaker=args.speaker, same_speaker=False if args.any_speaker else None, repair_zwnj=args.repair_zwnj,
        mode=args.mode, segmented=args.segmented, cache=not args.no_cache, progress=False if args.quiet else "auto",
    )


def _compare(args) -> int:
    fmt = output_format(args.output)
    settings = _settings(args)
    if fmt == "vecalign" and settings.mode != "parallel":
        raise InputError("a .vecalign output needs --mode parallel")
    # lazy for speed, not for a cycle: --help and option errors stay instant
    from .pipeline import run
    from .writers.dispatch import write
    from .writers.files import check_output
    from .writers.table import truncated_cells

    # On the command line an argument is always a path (never text to compare).
    inputs = [Path(x) for x in (args.a, args.b, *args.more)]
    _check_inputs(inputs)
    check_output(args.output, inputs, force=args.force)  # before any work
    t0 = time.perf_counter()
    report = run(inputs, settings)
    path = write(report, args.output)
    if not args.quiet:
        _say(report.summary())
        if fmt == "xlsx":
            cut = sum(truncated_cells(t) for t in report.sheets())
            if cut:
                _say(f"note: {cut} cell(s) longer than Excel's 32,767 characters were cut in the XLSX (marked in the cell); the CSV and JSONL keep them whole")
    _say(f"report written to {path} ({len(report.rows)} rows, {time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
