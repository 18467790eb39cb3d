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
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ceplan._files import check_output, write_output
from ceplan._version import __version__
from ceplan.catalogue.loading import bundled_programmes, load_catalog_with_files
from ceplan.catalogue.programmes import PROGRAMMES, catalog_name, shadowed_file
from ceplan.cli.signals import Terminated, terminate_as_interrupt
from ceplan.cli.words import in_option_words
from ceplan.errors import CatalogError, CeplanError, PlanInputError, one_line
from ceplan.planning.person import optimise, optimise_and_compare, without_slack
from ceplan.rendering.ics import plan_to_ics
from ceplan.rendering.text import display_width, plan_csv, plan_table, team_csv
from ceplan.results.plan import Plan, SlackComparison
from ceplan.status import SOLVERS

if TYPE_CHECKING:
    from ceplan.catalogue.models import Catalog
    from ceplan.planning.team import TeamComparison
    from ceplan.results.team import TeamPlan
    from ceplan.roster.models import Roster

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


def _earned_in(text: str) -> tuple[str | None, str, float]:
    """``[TIER:]CATEGORY=N`` as (tier or ``None``, category, credits)."""
    key, sep, number = text.rpartition("=")
    tier, colon, category = key.rpartition(":")
    if not sep or not category:
        raise argparse.ArgumentTypeError(f"'{text}' is not [TIER:]CATEGORY=N")
    return (tier if colon else None), category, _non_negative(number)


def _earned_in_year(text: str) -> tuple[str | None, int, float]:
    """``[TIER:]YEAR=N`` as (tier or ``None``, cycle year from 1, credits)."""
    key, sep, number = text.rpartition("=")
    tier, colon, year = key.rpartition(":")
    if not sep or not year.isdigit() or int(year) < 1:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not [TIER:]YEAR=N (YEAR 1 is the cycle's first year)"
        )
    return (tier if colon else None), int(year), _non_negative(number)


def _tier_kind(text: str) -> tuple[str | None, str]:
    """``[TIER:]KIND`` as (tier or ``None``, exam kind)."""
    tier, colon, kind = text.rpartition(":")
    if not kind or (colon and not tier):
        raise argparse.ArgumentTypeError(f"'{text}' is not [TIER:]KIND")
    return (tier if colon else None), kind


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
    _add_programmes(commands)
    return parser


def _add_catalog(parser: Any, *, several: bool = False) -> None:
    """The ``--catalog`` option, alike for every command that reads a catalogue.

    ``several``: repeatable, the catalogues combined into one (``ceplan.combine_catalogs``).
    """
    names = ", ".join(PROGRAMMES)
    combined = (
        "; repeat it for certifications of several bodies (e.g. --catalog isc2 --catalog pmi): "
        "costs are in the first one's currency"
        if several
        else ""
    )
    parser.add_argument(
        "--catalog",
        metavar="NAME|PATH",
        action="append" if several else "store",
        help=f"a programme bundled with ceplan ({names}: see ceplan programmes) or a catalogue "
        "file; a bare name is the bundled programme even if a file of that name is here "
        f"(write ./NAME for the file); default: cisco, the bundled catalog.yaml{combined}",
    )


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
    opt.add_argument(
        "--tier",
        required=True,
        action="append",
        metavar="TIER",
        help="tier to renew, e.g. professional; repeat it for each certification held of a "
        "schema 2 catalogue (e.g. --tier cissp --tier ccsp): one plan renews them all",
    )
    _add_catalog(opt, several=True)
    opt.add_argument(
        "--expires",
        type=_date,
        action="append",
        default=[],
        metavar="YYYY-MM-DD",
        help="the day the certification expires (default: today + the tier's period, as said "
        "in the output); with several --tier, once for them all or once per --tier in the "
        "same order",
    )
    opt.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="plan as if today were this day"
    )
    opt.add_argument(
        "--earned",
        type=_non_negative,
        action="append",
        default=[],
        metavar="N",
        help="CE credits already earned in this period (default 0); this is where the credits "
        "of completed items count; with several --tier, once for them all or once per --tier "
        "in the same order",
    )
    opt.add_argument(
        "--earned-in",
        type=_earned_in,
        action="append",
        default=[],
        metavar="[TIER:]CATEGORY=N",
        help="schema 2: how many of the credits earned are in CATEGORY (repeatable; with "
        "several --tier, say the tier: cissp:group-a=30); --earned, if given, must be at "
        "least their sum, and if not, is their sum",
    )
    opt.add_argument(
        "--earned-in-year",
        type=_earned_in_year,
        action="append",
        default=[],
        metavar="[TIER:]YEAR=N",
        help="schema 2: credits earned so far in cycle year YEAR (1 the first; repeatable; "
        "with several --tier, say the tier: cisa:1=25): a hard yearly minimum counts them",
    )
    opt.add_argument(
        "--passed",
        type=_tier_kind,
        action="append",
        default=[],
        metavar="[TIER:]KIND",
        help="an exam kind already passed in this period (repeat for each exam); with several "
        "--tier, KIND counts toward each of them and TIER:KIND toward that one only",
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
    _add_catalog(check)
    check.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="table (a line for people, default) or json (one object, also for an invalid file)",
    )


def _add_programmes(commands: Any) -> None:
    programmes = commands.add_parser(
        "programmes",
        help="list the programmes whose catalogues ship with ceplan",
        description="List the programmes whose catalogues ship with ceplan, one line each: "
        "the name that --catalog takes, the programme, its currency, catalogue schema, the day "
        "its figures are as of, and its tiers.",
    )
    programmes.set_defaults(run=_programmes)
    programmes.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="table (for people, default) or json (a list of objects)",
    )


def _add_team(commands: Any) -> None:
    team = commands.add_parser(
        "team",
        help="plan a team's renewals against budgets and funds",
        description="Plan who renews how for a team (a roster in YAML, or a CSV of people), "
        "within its budget periods and prepaid funds.",
        epilog="exit status: 0 everyone renews; 1 someone is at risk (the plan is still "
        "printed, with the reasons); 2 bad input; 3 no plan was found before the time limit. "
        "With --budget-factor, the status is that of the plan with the factor applied.",
    )
    team.set_defaults(run=_team)
    team.add_argument("roster", type=_file, metavar="ROSTER", help="team.yaml or people.csv")
    _add_catalog(team, several=True)
    team.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="plan as if today were this day"
    )
    team.add_argument(
        "--budget",
        type=_team_budget,
        action="append",
        default=[],
        metavar="AMOUNT|NAME=START:END:AMOUNT",
        help="the budget periods, in the catalogue's currency, instead of the roster's: "
        "AMOUNT alone is one budget for every day from today to the last expiry; "
        "NAME=START:END:AMOUNT is one period, e.g. FY2026-27=2026-04-01:2027-03-31:12000 "
        "(repeat for each period; periods must not overlap)",
    )
    team.add_argument(
        "--fund",
        type=_team_fund,
        action="append",
        default=[],
        metavar="NAME=AMOUNT:CURRENCY:EXPIRES[:PAYS_FOR]",
        help="a prepaid fund instead of the roster's, e.g. 'CLC order 4711=5000:USD:2027-06-30': "
        "its amount in its own currency (converted with the catalogue's rates), for items paid "
        "by EXPIRES; PAYS_FOR is activities (the default), exams or activities,exams (repeat for "
        "each fund)",
    )
    team.add_argument(
        "--budget-factor",
        type=_non_negative,
        metavar="F",
        help="what if every budget period were F times its amount (0.7: a 30%% cut)? Plans the "
        "team as given and again with the budgets scaled, and shows the two side by side: who "
        "moves to at risk, money before -> after, items paid in other periods, then the scaled "
        "plan in full (table, json or csv; the exit status and any calendars are the scaled "
        "plan's)",
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
        "--out",
        type=_file_name,
        metavar="FILE",
        help="write the output to FILE instead of stdout (a line on stderr says what it holds)",
    )
    team.add_argument(
        "--ics-dir",
        type=_file_name,
        metavar="DIR",
        help="also write one iCalendar file per person who renews, DIR/ID.ics (their items "
        "and reminders, for the manager to send out); DIR is created if missing, an existing "
        "calendar is replaced; people at risk get none, and stderr says so",
    )
    team.add_argument(
        "--ics-timezone",
        metavar="ZONE",
        help="with --ics-dir: reminders at 09:00 in this time zone, e.g. Europe/London "
        "(default: 09:00 wherever the calendar is opened)",
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


_PERIOD_FORM = "NAME=START:END:AMOUNT (e.g. FY2026-27=2026-04-01:2027-03-31:12000)"
_FUND_FORM = "NAME=AMOUNT:CURRENCY:EXPIRES[:PAYS_FOR] (e.g. 'CLC order 4711=5000:USD:2027-06-30')"


def _team_budget(text: str) -> float | dict[str, Any]:
    """``--budget``: an amount alone, or a named period ``NAME=START:END:AMOUNT``."""
    name, sep, rest = text.rpartition("=")
    if not sep:
        try:
            return _non_negative(text)
        except argparse.ArgumentTypeError:
            raise argparse.ArgumentTypeError(
                f"'{text}' is neither an amount nor a budget period {_PERIOD_FORM}"
            ) from None
    parts = rest.split(":")
    if not name or len(parts) != 3:
        raise argparse.ArgumentTypeError(f"'{text}' is not a budget period {_PERIOD_FORM}")
    start, end, amount = parts
    return {"name": name, "start": _date(start), "end": _date(end), "amount": _money(amount)}


def _team_fund(text: str) -> dict[str, Any]:
    """``--fund NAME=AMOUNT:CURRENCY:EXPIRES[:PAYS_FOR]``: PAYS_FOR as ``activities,exams``."""
    name, sep, rest = text.rpartition("=")
    parts = rest.split(":")
    if not sep or not name or len(parts) not in (3, 4):
        raise argparse.ArgumentTypeError(f"'{text}' is not a fund {_FUND_FORM}")
    fund = {
        "name": name,
        "amount": _money(parts[0]),
        "currency": parts[1],
        "expires": _date(parts[2]),
    }
    if len(parts) == 4:
        fund["pays_for"] = parts[3].split(",")
    return fund


def _money(text: str) -> float:
    try:
        return _non_negative(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an amount (a number >= 0)") from None


def _team(args: argparse.Namespace) -> int:
    from ceplan.planning.team import plan_team, what_if

    catalog, read = _load_with_files(args.catalog)
    today = args.today or dt.date.today()
    roster, named = _team_roster(args, catalog, today)
    sources = [*read, *named]  # never written over
    _team_usage(args, roster, catalog, today)
    what = "workbook" if args.format == "xlsx" else "team plan"
    if args.out is not None:  # a file that cannot be written is refused before the solve
        check_output(args.out, what, sources)
    calendars = _calendar_folder(args.ics_dir, roster, sources, args.out)
    stream = sys.stderr
    shown = stream is not None and stream.isatty()
    common: dict[str, Any] = {
        "today": today,
        "time_limit": args.time_limit,
        "progress": (lambda line: _complain(line, prefix="ceplan: team: ")) if shown else None,
        "solver": args.solver,
        "method": args.method,
        "workers": args.workers,
        "scheduler": args.scheduler,
    }
    comparison = None
    if args.budget_factor is not None:
        comparison = what_if(catalog, roster, budget_factor=args.budget_factor, **common)
        plan, output = comparison.after, _comparison_output(comparison, args.format)
    else:
        plan = plan_team(catalog, roster, **common)
        output = _plan_output(plan, args.format)
    # Files first, so that one that cannot be written is an error before any output.
    if calendars is not None:
        _write_calendars(plan, catalog, calendars, args.ics_timezone, sources)
    if args.out is not None:
        write_output(args.out, output, what, inputs=sources)
        _complain(_wrote(args.out, args.format, plan, comparison), prefix="ceplan: ")
        return _team_exit(plan)
    try:
        _emit(output.decode("utf-8"))
    except BrokenPipeError:  # the reader went away; the plan's status still stands
        _quiet_stdout()
    return _team_exit(plan)


def _team_roster(
    args: argparse.Namespace, catalog: Catalog, today: dt.date
) -> tuple[Roster, tuple[Path, ...]]:
    """The roster read, with the budget periods and funds given as options in place of its own.

    And the files it was read from.
    """
    from ceplan.requests.team import roster_with
    from ceplan.roster.read import load_roster_with_files

    roster, named = load_roster_with_files(args.roster, catalog=catalog, today=today)
    amounts = [given for given in args.budget if not isinstance(given, dict)]
    periods = [given for given in args.budget if isinstance(given, dict)]
    if amounts and (periods or len(amounts) > 1):
        raise _UsageError(
            "give --budget AMOUNT once, or --budget NAME=START:END:AMOUNT for each period"
        )
    if amounts:
        last = max([today, *(person.expires for person in roster.people)])
        span = {"name": f"{today} to {last}", "start": today, "end": last}
        periods = [{**span, "amount": amounts[0]}]
    if periods:
        roster = roster_with(roster, catalog, today, budgets=periods, name="--budget")
    if args.fund:
        roster = roster_with(roster, catalog, today, funds=args.fund, name="--fund")
    return roster, named


def _team_usage(args: argparse.Namespace, roster: Roster, catalog: Catalog, today: dt.date) -> None:
    """What the options ask that cannot be done, refused before anything is planned."""
    from ceplan.rendering.ics import named_zone
    from ceplan.requests.team import roster_with

    if args.format == "xlsx" and args.out is None:
        raise _UsageError("--format xlsx writes a workbook: give --out FILE")
    if args.ics_timezone is not None and args.ics_dir is None:
        raise _UsageError("--ics-timezone is for the calendars of --ics-dir: give --ics-dir DIR")
    try:
        named_zone(args.ics_timezone)
    except CeplanError as exc:
        raise CeplanError(f"--ics-timezone: {str(exc).removeprefix('timezone: ')}") from None
    if args.budget_factor is None:
        return
    if args.format == "xlsx":
        raise _UsageError(
            "--budget-factor shows two plans side by side as a table, json or csv; a workbook "
            "holds one plan (for the scaled plan's, give its periods with --budget)"
        )
    if not roster.budgets:
        raise _UsageError(
            "--budget-factor scales the budget periods, and there are none: give --budget "
            "(a CSV roster has no periods of its own)"
        )
    # The scaled amounts are checked now, by the roster's rules, so that none costs a solve.
    roster_with(roster, catalog, today, budget_factor=args.budget_factor, name="--budget-factor")


def _plan_output(plan: TeamPlan, form: str) -> bytes:
    """The team plan in the format asked for."""
    if form == "xlsx":
        from ceplan.rendering.xlsx import team_workbook

        return team_workbook(plan)
    if form == "json":
        text = plan.to_json() + "\n"
    elif form == "csv":
        text = team_csv(plan)
    else:
        text = "\n".join(plan.lines()) + "\n"
    return text.encode("utf-8")


def _comparison_output(comparison: TeamComparison, form: str) -> bytes:
    """The plans as given and changed, side by side, in the format asked for."""
    from ceplan.rendering.text import comparison_csv

    if form == "json":
        text = comparison.to_json() + "\n"
    elif form == "csv":
        text = comparison_csv(comparison)
    else:
        text = "\n".join(comparison.lines()) + "\n"
    return text.encode("utf-8")


def _wrote(target: str, form: str, plan: TeamPlan, comparison: TeamComparison | None) -> str:
    """The line that says what ``--out`` now holds: what, for how many people, how many at risk.

    Examples
    --------
    >>> import datetime as dt
    >>> from ceplan.results.team import TeamPlan
    >>> plan = TeamPlan("T", "GBP", dt.date(2026, 11, 29), "optimal", "solved", 0.0, None,
    ...                 (), (), ())
    >>> _wrote("plan.csv", "csv", plan, None)
    "wrote 'plan.csv': team plan as CSV, one row per person, for 0 people, 0 at risk"
    """
    if form == "xlsx":
        from ceplan.rendering.sheets import workbook_sheets

        sheets = ", ".join(sheet.name.lower() for sheet in workbook_sheets(plan))
        held = f"workbook ({sheets})"
    else:
        held = {"json": "JSON", "csv": "CSV, one row per person", "table": "a table"}[form]
        if comparison is None:
            held = f"team plan as {held}"
        else:
            held = f"the team as given and with {comparison.change}, side by side, as {held}"
    count = len(plan.outcomes)
    people = f"{count} {'person' if count == 1 else 'people'}"
    risk = f"{len(plan.at_risk)} at risk"
    if comparison is not None:
        risk += f" with {comparison.change} ({len(comparison.before.at_risk)} as given)"
    return one_line(f"wrote '{target}': {held}, for {people}, {risk}")


def _calendar_folder(
    folder: str | None,
    roster: Roster,
    sources: Sequence[str | os.PathLike[str]],
    out: str | None = None,
) -> Path | None:
    """The folder of ``--ics-dir``, made if missing, once each calendar in it could be written.

    Refused, each in one line before anything is planned: a symbolic link or anything but a
    folder; a person's calendar that could not be written (see
    :func:`~ceplan._files.check_output`: a read-only file, a folder, an input of the command);
    and one that is also ``out``. Each calendar is named ``<id>.ics``: person ids are
    ``[a-z0-9][a-z0-9._-]*`` (the roster's rule), so no name leaves the folder or is hidden,
    and no two differ only in case.
    """
    if folder is None:
        return None
    path = Path(folder)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise CeplanError(f"cannot write calendars to '{folder}': {exc.strerror or exc}") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise CeplanError(
            f"cannot write calendars to '{folder}': it is a symbolic link (give the real path)"
        )
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise CeplanError(f"cannot write calendars to '{folder}': it exists and is not a folder")
    written = None if out is None else _same_path(out)
    for person in roster.people:
        calendar = path / f"{person.id}.ics"
        if written is not None and _same_path(calendar) == written:
            raise _UsageError(f"--out '{out}' is also the calendar of '{person.id}' in --ics-dir")
        if info is not None:
            check_output(calendar, "calendar", sources)
    if info is None:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            detail = exc.strerror or exc
            raise CeplanError(f"cannot write calendars to '{folder}': {detail}") from None
    return path


def _same_path(path: str | os.PathLike[str]) -> str:
    """``path`` absolute and in the platform's case, to tell two names of one file apart."""
    return os.path.normcase(os.path.abspath(path))


def _write_calendars(
    plan: TeamPlan,
    catalog: Catalog,
    folder: Path,
    timezone: str | None,
    sources: Sequence[str | os.PathLike[str]],
) -> None:
    """Each renewing person's calendar in ``folder``.

    Stderr says how many were written where, and who got none and why.
    """
    from ceplan.rendering.ics import team_to_ics

    calendars = team_to_ics(plan, catalog, timezone=timezone)
    for person, calendar in calendars.items():
        write_output(folder / f"{person}.ics", calendar, "calendar", inputs=sources)
    shown = os.fspath(folder)
    if plan.status == "unknown":
        _complain(f"no plan, so no calendars written to '{shown}'", prefix="ceplan: ")
        return
    count = len(calendars)
    written = f"{count} calendar{'' if count == 1 else 's'}" if count else "no calendars"
    _complain(
        f"wrote {written} to '{shown}' (<id>.ics, one per person who renews)", prefix="ceplan: "
    )
    at_risk = [outcome.id for outcome in plan.at_risk]
    if at_risk:
        _complain(
            f"no calendar for {', '.join(at_risk)}: at risk, with no plan to follow",
            prefix="ceplan: ",
        )
    for person in at_risk:
        older = folder / f"{person}.ics"
        if older.exists():
            _complain(
                f"'{os.fspath(older)}' is from an earlier plan: left as it was",
                prefix="ceplan: ",
            )


def _team_exit(plan: TeamPlan) -> int:
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
    tiers: list[str] = args.tier
    tier: str | list[str] = tiers[0] if len(tiers) == 1 else tiers
    catalog, sources = _load_with_files(args.catalog)  # never written over
    by_category = _by_tier("--earned-in", tiers, args.earned_in)
    by_year = _by_tier("--earned-in-year", tiers, args.earned_in_year)
    earned = _per_tier("--earned", tiers, args.earned)
    inputs = {
        "expires": _per_tier("--expires", tiers, args.expires),
        "today": args.today,
        "earned": (None if by_category or by_year else 0.0) if earned is None else earned,
        **({"earned_by_category": by_category} if by_category else {}),
        **({"earned_per_year": by_year} if by_year else {}),
        "passed": _passed(tiers, args.passed),
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
    try:
        if args.format == "table":  # the other paths too, from the same planner
            plan, comparison = optimise_and_compare(catalog, tier, **inputs)
            slack = None
            if args.slack_days:  # what the slack costs: the plan without it beside
                plain = optimise(catalog, tier, **without_slack(inputs))
                slack = SlackComparison(plain, plan)
            output = plan_table(plan, comparison, catalog, slack)
        else:
            plan = optimise(catalog, tier, **inputs)
            output = plan.to_json() + "\n" if args.format == "json" else plan_csv(plan)
    except PlanInputError as error:
        raise PlanInputError(in_option_words(str(error), len(tiers))) from error
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


def _per_tier(option: str, tiers: list[str], values: list[Any]) -> Any:
    """An option given once for every tier (or not at all: ``None``), or once per tier."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    if len(values) != len(tiers):
        raise _UsageError(
            f"{option} is given {len(values)} times for {len(tiers)} --tier: give it once for "
            "them all or once per --tier, in the same order"
        )
    return dict(zip(tiers, values, strict=True))


def _by_tier(
    option: str, tiers: list[str], given: list[tuple[str | None, Any, float]]
) -> dict[str, Any] | None:
    """``--earned-in`` or ``--earned-in-year`` as ``optimise`` takes it (``None``: not given).

    One mapping ``{key: credits}`` with one tier, ``{tier: {key: credits}}`` with several.
    """
    if not given:
        return None
    by_tier: dict[str, dict[Any, float]] = {}
    for tier, key, credits in given:
        if tier is None and len(tiers) > 1:
            raise _UsageError(f"{option} {key}=...: with several --tier, say which: TIER:{key}=N")
        if tier is not None and tier not in tiers:
            raise _UsageError(f"{option} {tier}:{key}=...: '{tier}' is not a --tier given")
        split = by_tier.setdefault(tier or tiers[0], {})
        if key in split:
            raise _UsageError(f"{option} {tier or tiers[0]}:{key} is given twice")
        split[key] = credits
    return by_tier if len(tiers) > 1 else by_tier[tiers[0]]


def _passed(tiers: list[str], given: list[tuple[str | None, str]]) -> Any:
    """``--passed`` as ``optimise`` takes it: kinds, or ``{tier: kinds}`` when a tier is named.

    A kind without a tier counts toward every tier given.
    """
    for tier, kind in given:
        if tier is not None and tier not in tiers:
            raise _UsageError(f"--passed {tier}:{kind}: '{tier}' is not a --tier given")
    if len(tiers) == 1 or all(tier is None for tier, _ in given):
        return [kind for _, kind in given]
    return {name: [kind for tier, kind in given if tier in (None, name)] for name in tiers}


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
    name = catalog_name(args.catalog)
    report: dict[str, Any] = {"catalog": name}
    try:
        catalog, _ = _load_with_files(args.catalog)
    except CatalogError as exc:
        if args.format == "json":
            problems = [
                {**dataclasses.asdict(problem), "text": str(problem)} for problem in exc.problems
            ]
            report.update(valid=False, problems=problems)
            _emit(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        raise
    counts = {"tiers": len(catalog.tiers)}
    if catalog.schema_version == 2:
        counts["categories"] = len(catalog.categories)
    counts.update(exams=len(catalog.exams), activities=len(catalog.activities))
    one = {"tiers": "tier", "categories": "category", "exams": "exam", "activities": "activity"}
    if args.format == "json":
        report.update(valid=True, **counts, problems=[])
        _emit(json.dumps(report, indent=2) + "\n")
    else:
        sizes = ", ".join(f"{n} {one[key] if n == 1 else key}" for key, n in counts.items())
        _emit(one_line(f"{name}: valid ({catalog.programme}: {sizes})") + "\n")
    return EXIT_PLAN


def _programmes(args: argparse.Namespace) -> int:
    found = bundled_programmes()
    if args.format == "json":
        records = [programme.to_dict() for programme in found]
        _emit(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
        return EXIT_PLAN
    header = ["name", "programme", "currency", "schema", "as of", "tiers"]
    rows = [
        [
            row.name,
            one_line(row.programme),
            row.currency,
            str(row.schema),
            row.as_of.isoformat() if row.as_of else "-",
            ", ".join(row.tiers),
        ]
        for row in found
    ]
    widths = [max(display_width(row[c]) for row in [header, *rows]) for c in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = (cell + " " * (widths[c] - display_width(cell)) for c, cell in enumerate(cells))
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    _emit("".join(text + "\n" for text in [line(header), rule, *map(line, rows)]))
    return EXIT_PLAN


# -- catalogues --------------------------------------------------------------------------------


def _load_with_files(value: str | list[str] | None) -> tuple[Catalog, tuple[Path, ...]]:
    """:func:`load_catalog_with_files` of ``--catalog``, once or repeated (combined).

    Notes on stderr a bundled programme's name that a file here also has.
    """
    values = value if isinstance(value, list) else [value]
    for one in values:
        _note_shadowed(one)
    if isinstance(value, list) and len(value) > 1:
        return load_catalog_with_files(value)
    return load_catalog_with_files(values[0])


def _note_shadowed(value: str | None) -> None:
    """Say on stderr when ``--catalog NAME`` is a bundled programme and a file NAME is here."""
    shadowed = shadowed_file(value)
    if shadowed is not None:
        _complain(
            f"--catalog {shadowed} is the bundled programme ({PROGRAMMES[shadowed]}), not the "
            f"file '{shadowed}' in this folder; --catalog ./{shadowed} reads that file",
            prefix="ceplan: note: ",
        )


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
