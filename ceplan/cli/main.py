"""The command line: parse, call the library, render.

Exit status: 0 a plan was found; 1 no plan exists (the reasons are printed); 2 bad input,
usage, or an output that cannot be written (one line per problem on stderr, never a
traceback); 3 no plan was found before the time limit, and none was ruled out.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from ceplan._files import check_output, write_output
from ceplan._version import __version__
from ceplan.catalogue.loading import load_catalog, load_catalog_with_files
from ceplan.cli.signals import Terminated, terminate_as_interrupt
from ceplan.errors import CatalogError, CeplanError, one_line
from ceplan.planning.person import optimise, optimise_and_compare, without_slack
from ceplan.rendering.ics import plan_to_ics
from ceplan.rendering.text import plan_csv, plan_table, team_csv
from ceplan.results.plan import Plan, SlackComparison
from ceplan.status import SOLVERS

__all__ = ["EXIT_BAD_INPUT", "EXIT_NO_PLAN", "EXIT_PLAN", "EXIT_UNKNOWN", "main"]

EXIT_PLAN, EXIT_NO_PLAN, EXIT_BAD_INPUT, EXIT_UNKNOWN = 0, 1, 2, 3

EXIT_STATUS_HELP = """exit status:
  0  a plan was found (optimal, or the best found before the time limit)
  1  no plan exists; the reasons are printed, path by path
  2  bad input or usage, or an output that cannot be written
  3  no plan was found before the time limit, and none was ruled out"""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports a usage error as one line, then exits 2."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _date(text: str) -> dt.date:
    if not _ISO_DATE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a valid date (YYYY-MM-DD)") from None


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


def _positive_whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be 1 or more")
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
    return Path(_file_name(text))


def _file_name(text: str) -> str:
    """A file to write, as typed: a :class:`~pathlib.Path` would drop a trailing separator."""
    if not text:
        raise argparse.ArgumentTypeError("an empty file name")
    return text


def _days(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,5}", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days (0 to 99999)")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ceplan``."""
    parser = _Parser(
        prog="ceplan",
        description="Plan the cheapest way to renew a certification with CE credits and exams.",
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ceplan {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    _add_optimise(commands)
    _add_check(commands)
    _add_team(commands)
    return parser


def _add_optimise(commands: Any) -> None:
    opt = commands.add_parser(
        "optimise",
        aliases=["optimize"],
        help="the cheapest plan for one person",
        description="Find the cheapest set of activities, optionally with exams, that renews "
        "a tier before the certification expires.",
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    opt.set_defaults(run=_optimise)
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
        help="CE credits already earned in this period (default 0); this is where the credits "
        "of completed items count",
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
        help="an item already completed: it is not planned again, and its credits count only "
        "through --earned (repeatable)",
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
        "--slack-days",
        type=_days,
        default=0,
        metavar="N",
        help="finish at least N days before the do-by date (default 0), so that a failed "
        "sitting or a busy month still leaves time; the table says what that costs beside "
        "the plan without slack (planned too, with its own --time-limit)",
    )
    opt.add_argument(
        "--ics",
        type=_file_name,
        metavar="FILE",
        help="also write the plan as an iCalendar file: study time, classes, exam preparation "
        "and sittings on their planned days, with reminders before them (written only when a "
        "plan is found; an existing regular file is replaced and keeps its permissions)",
    )
    opt.add_argument(
        "--format",
        choices=["table", "json", "csv"],
        default="table",
        help="table (for people, default), json (one object) or csv (one row per item; "
        "warnings, notes and reasons go to stderr)",
    )
    _add_solver(
        opt,
        "auto (default): an exact dynamic programme for plans without dates where it applies, "
        "else HiGHS",
    )
    opt.add_argument(
        "--time-limit",
        type=_positive,
        metavar="SECONDS",
        help="stop planning after this long and give the best plan found so far, marked as not "
        "proven (exit 3 if none was found); the table's summary of other paths gets what is "
        "left (at least a tenth)",
    )


def _add_solver(parser: Any, auto: str) -> None:
    """The ``--solver`` option, alike for every command that plans (``auto`` said by each)."""
    parser.add_argument(
        "--solver",
        choices=SOLVERS,
        default="auto",
        help=f"{auto}; highs or cbc (needs pip install 'ceplan[cbc]'): that MILP solver",
    )


def _add_check(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        help="validate a catalogue without planning",
        description="Read and validate a catalogue file and report every problem found "
        "(exit 0 when it is valid, 2 when it is not).",
    )
    check.set_defaults(run=_check)
    check.add_argument(
        "--catalog", metavar="PATH", help="catalogue file (default: the bundled catalog.yaml)"
    )
    check.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="table (a line for people, default) or json (one object, also for an invalid file)",
    )


def _add_team(commands: Any) -> None:
    team = commands.add_parser(
        "team",
        help="plan a team's renewals against budgets and funds",
        description="Plan who renews how for a team (a roster in YAML, or a CSV of people), "
        "within its budget periods and prepaid funds.",
        epilog="exit status: 0 everyone renews; 1 someone is at risk (the plan is still "
        "printed, with the reasons); 2 bad input; 3 no plan was found before the time limit",
    )
    team.set_defaults(run=_team)
    team.add_argument("roster", type=_file, metavar="ROSTER", help="team.yaml or people.csv")
    team.add_argument(
        "--catalog", metavar="PATH", help="catalogue file (default: the bundled catalog.yaml)"
    )
    team.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="plan as if today were this day"
    )
    team.add_argument(
        "--budget",
        type=_non_negative,
        metavar="AMOUNT",
        help="one budget, in the catalogue's currency, for every day from today to the last "
        "expiry, instead of the roster's budget periods",
    )
    team.add_argument(
        "--time-limit",
        type=_positive,
        metavar="SECONDS",
        help="seconds for the whole solve (each at-risk person's reason may take as long "
        "again); a plan found when the limit stops the search is marked feasible, not optimal",
    )
    team.add_argument(
        "--format",
        choices=["table", "json", "csv", "xlsx"],
        default="table",
        help="table (for people, default), json (one object), csv (one row per person) or "
        "xlsx (a workbook: a summary, then people, items, budgets, funds and a monthly "
        "calendar; needs --out)",
    )
    team.add_argument(
        "--out", type=_file_name, metavar="FILE", help="write the output to FILE instead of stdout"
    )
    _add_solver(
        team,
        "auto (default): HiGHS for the team, and each person's own plan (for the reasons) as "
        "optimise makes it",
    )
    team.add_argument(
        "--method",
        choices=["auto", "single", "columns"],  # ceplan.planning.team.METHODS (tested)
        default="auto",
        help="auto (default): single for a small team, columns for a larger one or with "
        "--workers or --scheduler, single for a team columns do not take; single: one integer "
        "programme for the whole team; columns: column generation for large teams, each "
        "stage's bound reported. The plan says which made it",
    )
    team.add_argument(
        "--workers",
        type=_positive_whole,
        default=1,
        metavar="N",
        help="with --method columns (or auto, which it then makes columns): N processes price and "
        "plan people side by side (the plan is the same whatever N)",
    )
    team.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --method columns (or auto, which it then makes columns): the workers of "
        "this Dask cluster (e.g. tcp://host:8786) plan people side by side instead; needs pip "
        "install 'ceplan[dask]'",
    )


def _team(args: argparse.Namespace) -> int:
    from ceplan.planning.team import plan_team
    from ceplan.requests.team import roster_with
    from ceplan.roster.read import load_roster_with_files

    catalog, read = load_catalog_with_files(args.catalog)
    today = args.today or dt.date.today()
    roster, named = load_roster_with_files(args.roster, catalog=catalog, today=today)
    sources = [*read, *named]  # never written over
    if args.budget is not None:
        last = max([today, *(person.expires for person in roster.people)])
        single = {"name": "budget", "start": today, "end": last, "amount": args.budget}
        roster = roster_with(roster, catalog, today, budgets=[single], name="--budget")
    if args.format == "xlsx" and args.out is None:
        raise _UsageError("--format xlsx writes a workbook: give --out FILE")
    what = "workbook" if args.format == "xlsx" else "team plan"
    if args.out is not None:  # a file that cannot be written is refused before the solve
        check_output(args.out, what, sources)
    stream = sys.stderr
    shown = stream is not None and stream.isatty()
    plan = plan_team(
        catalog,
        roster,
        today=today,
        time_limit=args.time_limit,
        progress=(lambda line: _complain(line, prefix="ceplan: team: ")) if shown else None,
        solver=args.solver,
        method=args.method,
        workers=args.workers,
        scheduler=args.scheduler,
    )
    if args.format == "xlsx":
        from ceplan.rendering.xlsx import team_workbook

        write_output(args.out, team_workbook(plan), what, inputs=sources)
        return _team_exit(plan)
    if args.format == "json":
        text = plan.to_json() + "\n"
    elif args.format == "csv":
        text = team_csv(plan)
    else:
        text = "\n".join(plan.lines()) + "\n"
    if args.out is not None:
        write_output(args.out, text.encode("utf-8"), what, inputs=sources)
    else:
        _emit(text)
    return _team_exit(plan)


def _team_exit(plan: Any) -> int:
    if plan.status == "unknown":
        return EXIT_UNKNOWN
    return EXIT_PLAN if not plan.at_risk else EXIT_NO_PLAN


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    _tolerate_narrow_encodings()
    with terminate_as_interrupt():  # SIGTERM cleans up as Ctrl-C does (a solver, its files)
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help or --version: printed, now to be flushed
            _emit("")
            return exc.code if isinstance(exc.code, int) else EXIT_PLAN
        status: int = args.run(args)
        return status
    except _UsageError as exc:
        _complain(f"{exc} (see ceplan --help)")
        return EXIT_BAD_INPUT
    except CeplanError as exc:
        _complain(str(exc))
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        _quiet_stdout()  # the reader went away (e.g. `| head`); nothing more to say
        return EXIT_PLAN
    except Terminated as exc:
        _complain("terminated")
        return exc.exit_status
    except KeyboardInterrupt:
        _complain("interrupted")
        return 130
    except Exception as exc:  # a fault of ceplan's own: one line, never a traceback
        _complain(f"internal error, please report it: {type(exc).__name__}: {exc}")
        return EXIT_BAD_INPUT


def _optimise(args: argparse.Namespace) -> int:
    catalog, sources = load_catalog_with_files(args.catalog)  # never written over
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
        "slack_days": args.slack_days,
        "solver": args.solver,
        "time_limit": args.time_limit,
    }
    if args.ics is not None:  # a file that cannot be written is refused before the solve
        check_output(args.ics, "calendar", sources)
    if args.format == "table":  # the other paths too, from the same planner
        plan, comparison = optimise_and_compare(catalog, args.tier, **inputs)
        slack = None
        if args.slack_days:  # what the slack costs: the plan without it beside
            plain = optimise(catalog, args.tier, **without_slack(inputs))
            slack = SlackComparison(plain, plan)
        output = plan_table(plan, comparison, catalog, slack)
    else:
        plan = optimise(catalog, args.tier, **inputs)
        output = plan.to_json() + "\n" if args.format == "json" else plan_csv(plan)
    if args.ics is not None and plan.found:
        # Before any output, so that a file that cannot be written is only an error (exit 2).
        calendar = plan_to_ics(plan, programme=catalog.programme)
        write_output(args.ics, calendar, "calendar", inputs=sources)
    elif args.ics is not None:
        _complain(f"no plan, so no calendar written to '{args.ics}'", prefix="ceplan: ")
    try:
        _emit(output)
    except BrokenPipeError:  # the reader went away; the plan's status still stands
        _quiet_stdout()
        return _exit_status(plan)
    if args.format == "csv":
        _side_notes(plan)
    return _exit_status(plan)


def _exit_status(plan: Plan) -> int:
    if plan.found:
        return EXIT_PLAN
    return EXIT_UNKNOWN if plan.status == "unknown" else EXIT_NO_PLAN


def _side_notes(plan: Plan) -> None:
    """What the CSV rows cannot hold, on stderr: warnings, notes and reasons."""
    for label, texts in (
        ("warning", plan.warnings),
        ("note", plan.notes),
        ("no plan", plan.reasons),
    ):
        for text in texts:
            _complain(text, prefix=f"ceplan: {label}: ")


def _check(args: argparse.Namespace) -> int:
    name = args.catalog or "catalog.yaml (bundled)"
    report: dict[str, Any] = {"catalog": name}
    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        if args.format == "json":
            problems = [
                {**dataclasses.asdict(problem), "text": str(problem)} for problem in exc.problems
            ]
            report.update(valid=False, problems=problems)
            _emit(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        raise
    counts = {
        "tiers": len(catalog.tiers),
        "exams": len(catalog.exams),
        "activities": len(catalog.activities),
    }
    one = {"tiers": "tier", "exams": "exam", "activities": "activity"}
    if args.format == "json":
        report.update(valid=True, **counts, problems=[])
        _emit(json.dumps(report, indent=2) + "\n")
    else:
        sizes = ", ".join(f"{n} {one[key] if n == 1 else key}" for key, n in counts.items())
        _emit(one_line(f"{name}: valid ({catalog.programme}: {sizes})") + "\n")
    return EXIT_PLAN


# -- streams -----------------------------------------------------------------------------------


def _emit(text: str) -> None:
    """Write to stdout; a stdout that is closed, full or gone becomes one :class:`CeplanError`."""
    stream = sys.stdout
    if stream is None:
        raise CeplanError("cannot write the output: there is no standard output")
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise CeplanError(f"cannot write the output: {detail}") from None


def _complain(message: str, *, prefix: str = "ceplan: error: ") -> None:
    """One line on stderr per line of ``message``; silent if stderr itself is gone."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        for line in message.splitlines() or [""]:
            stream.write(f"{prefix}{one_line(line)}\n")
        stream.flush()
    except (OSError, ValueError):
        pass


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at the null device, so the flush at exit is silent."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _tolerate_narrow_encodings() -> None:
    """On a terminal or pipe that cannot show every character, escape it instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors="backslashreplace")
        except (OSError, ValueError, TypeError):
            pass
