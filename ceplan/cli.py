"""The command line: parse, call the library, render.

Exit status: 0 a plan was found; 1 no plan exists (the reasons are printed); 2 bad input or
usage (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ceplan._files import write_atomic
from ceplan._version import __version__
from ceplan.errors import CeplanError
from ceplan.ics import plan_to_ics
from ceplan.loading import load_catalog
from ceplan.planning import compare_paths, optimise
from ceplan.render import plan_csv, plan_table
from ceplan.solving import SOLVERS

__all__ = ["main"]

EXIT_PLAN, EXIT_NO_PLAN, EXIT_BAD_INPUT = 0, 1, 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports a usage error as one line, then exits 2."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a valid date (use YYYY-MM-DD)") from None


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be a finite number >= 0")
    return value


def _positive(text: str) -> float:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be more than 0")
    return value


def _range(text: str) -> tuple[dt.date, dt.date]:
    first, sep, last = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a range START:END (YYYY-MM-DD:YYYY-MM-DD)"
        )
    start, end = _date(first), _date(last)
    if end < start:
        raise argparse.ArgumentTypeError(f"'{text}' ends before it starts")
    return start, end


def _file(text: str) -> Path:
    if not text:
        raise argparse.ArgumentTypeError("an empty file name")
    return Path(text)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ceplan``."""
    parser = _Parser(
        prog="ceplan",
        description="Plan the cheapest way to renew a certification with CE credits and exams.",
    )
    parser.add_argument("--version", action="version", version=f"ceplan {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    opt = commands.add_parser(
        "optimise",
        aliases=["optimize"],
        help="the cheapest plan for one person",
        description="Find the cheapest set of activities, optionally with exams, that renews "
        "a tier before the certification expires.",
    )
    opt.add_argument("--tier", required=True, help="tier to renew, e.g. professional")
    opt.add_argument(
        "--catalog", metavar="PATH", help="catalogue file (default: the bundled catalog.yaml)"
    )
    opt.add_argument(
        "--expires",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the day the certification expires (default: today + the tier's period, as said "
        "in the output)",
    )
    opt.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="plan as if today were this day"
    )
    opt.add_argument(
        "--earned",
        type=_non_negative,
        default=0.0,
        metavar="N",
        help="CE credits already earned in this period (default 0)",
    )
    opt.add_argument(
        "--passed",
        action="append",
        default=[],
        metavar="KIND",
        help="an exam kind already passed in this period (repeat for each exam)",
    )
    opt.add_argument(
        "--completed",
        action="append",
        default=[],
        metavar="ID",
        help="an item already completed; it is not planned again (repeatable)",
    )
    opt.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ID",
        help="an item not to plan (repeatable)",
    )
    opt.add_argument(
        "--budget",
        type=_non_negative,
        metavar="AMOUNT",
        help="the most the plan may cost, in the catalogue currency",
    )
    opt.add_argument("--no-exams", action="store_true", help="plan no new exams")
    opt.add_argument(
        "--processing-days",
        type=_days,
        metavar="N",
        help="finish this many days before expiry (default: the catalogue's processing_days)",
    )
    opt.add_argument(
        "--hours-per-week",
        type=_positive,
        metavar="H",
        help="self-study hours you can spare each week (default: no limit); the plan then "
        "schedules every item week by week",
    )
    opt.add_argument(
        "--unavailable",
        type=_range,
        action="append",
        default=[],
        metavar="START:END",
        help="days you can neither study nor attend a class, e.g. 2027-08-01:2027-08-14 "
        "(repeatable)",
    )
    opt.add_argument(
        "--ics",
        type=_file,
        metavar="FILE",
        help="also write the plan as an iCalendar file: one all-day event per item, with "
        "reminders 90, 60, 30 and 7 days before its do-by date (written only when a plan "
        "is found)",
    )
    opt.add_argument(
        "--format",
        choices=["table", "json", "csv"],
        default="table",
        help="table (for people, default), json (one object) or csv (one row per item)",
    )
    opt.add_argument("--solver", choices=SOLVERS, default="cbc", help="MILP solver (default cbc)")
    opt.add_argument(
        "--time-limit",
        type=_positive,
        metavar="SECONDS",
        help="stop each solver call after this long (the plan then says it is not proven)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return _optimise(args)
    except _UsageError as exc:
        print(f"ceplan: error: {exc} (see ceplan optimise --help)", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CeplanError as exc:
        print(f"ceplan: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing more to say
        return EXIT_PLAN
    except KeyboardInterrupt:
        print("ceplan: interrupted", file=sys.stderr)
        return 130


def _optimise(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.catalog)
    inputs = {
        "expires": args.expires,
        "today": args.today,
        "earned": args.earned,
        "passed": args.passed,
        "completed": args.completed,
        "exclude": args.exclude,
        "budget": args.budget,
        "allow_exams": not args.no_exams,
        "processing_days": args.processing_days,
        "hours_per_week": args.hours_per_week,
        "unavailable": args.unavailable,
        "solver": args.solver,
        "time_limit": args.time_limit,
    }
    if args.format == "table":
        comparison = compare_paths(catalog, args.tier, **inputs)
        plan = comparison.best
        output = plan_table(plan, comparison, catalog)
    else:
        plan = optimise(catalog, args.tier, **inputs)
        output = plan.to_json() + "\n" if args.format == "json" else plan_csv(plan)
    if args.ics is not None and plan.found:
        # Before any output, so that a file that cannot be written is only an error (exit 2).
        _write(args.ics, plan_to_ics(plan, programme=catalog.programme), "calendar")
    elif args.ics is not None:
        print(f"ceplan: no plan, so no calendar written to '{args.ics}'", file=sys.stderr)
    sys.stdout.write(output)
    if args.format == "csv":
        for reason in plan.reasons:
            print(f"ceplan: no plan: {reason}", file=sys.stderr)
    sys.stdout.flush()
    return EXIT_PLAN if plan.found else EXIT_NO_PLAN


def _write(path: Path, data: bytes, what: str) -> None:
    """Write ``data`` to ``path`` atomically; any failure becomes one :class:`CeplanError`."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise CeplanError(f"cannot write {what} '{path}': {exc.strerror or exc}") from None
