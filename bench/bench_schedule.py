"""Benchmark plans over time (SPEC section 6) against the section 3 model on the same catalogue.

Not part of the test run (pytest collects ``tests/`` only). Run from the repository's root::

    .venv/bin/python bench/bench_schedule.py                      # 3 seeds x 2 repetitions, ~3 min
    .venv/bin/python bench/bench_schedule.py --seeds 1 --repeat 1  # a smoke run
    .venv/bin/python bench/bench_schedule.py --profile             # also: where the time goes

One person renews the ``professional`` tier (five paths) from a generated catalogue of
``--size`` activities (``tests/generators.py``), with ``today`` 2026-11-29 and an expiry two years
later, so the plan has about 104 weekly buckets. For each seed, ``ceplan.optimise`` is timed
with ``hours_per_week`` (default 4) and without it (the section 3 model), with CBC and HiGHS.

Every plan over time is checked here, without ceplan's own calendar code: in every week (weeks
start on ``today`` and run seven days, the last cut at the do-by date) the self-study hours of
``plan.timeline`` stay within ``hours_per_week`` (none in a week spent wholly away); each item's
hours are all placed, inside its own window; its dates, the renewal date, new expiry and days
given up agree; the items meet the chosen path; and the plan costs at least as much as the
untimed one (it is the same problem with one more limit). The same input must also give the
same plan each time.

The script exits with status 1 when a check fails or ceplan raises, after printing the tables.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import importlib.metadata
import os
import platform
import pstats
import shlex
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulp
import yaml
from bench_optimise import Report

import ceplan
from ceplan.candidates.items import shrink, usable_items
from ceplan.model.block import BlockOptions, build_formulation
from ceplan.model.schedule import greedy_fitting_plan, schedule
from ceplan.requests.person import make_request

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the root, for tests.generators
from tests import generators as catalogs  # noqa: E402

SOLVERS = ("cbc", "highs")
TIER = "professional"
TODAY = catalogs.TODAY
EXPIRES = dt.date(2028, 11, 29)
SLACK = 1e-6
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass
class Timings:
    """Seconds per call of one solver, untimed (section 3) and timed (section 6)."""

    untimed: list[float] = field(default_factory=list)
    timed: list[float] = field(default_factory=list)
    calls: int = 0
    failed: int = 0
    dearer: int = 0


@dataclass
class Instance:
    """What one seed's catalogue gives: model sizes and the plans found."""

    seed: int
    usable: int = 0
    kept_untimed: int = 0
    kept_timed: int = 0
    constraints: int = 0
    untimed: ceplan.Plan | None = None
    timed: ceplan.Plan | None = None


def timed_call(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def load(size: int, seed: int) -> tuple[dict[str, Any], ceplan.Catalog]:
    data = catalogs.catalog_data(size, seed)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    return data, ceplan.parse_catalog(text, name=f"bench-{size}-{seed}.yaml")


# -- the independent checker --------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def week_capacities(
    today: dt.date,
    complete_by: dt.date,
    hours_per_week: float,
    unavailable: Sequence[tuple[dt.date, dt.date]],
) -> dict[dt.date, tuple[dt.date, float]]:
    """Week start -> (end, capacity): seven-day weeks from ``today``, cut at ``complete_by``."""
    weeks = {}
    start = today
    while start <= complete_by:
        end = min(start + dt.timedelta(days=6), complete_by)
        days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        free = sum(1 for day in days if not any(a <= day <= b for a, b in unavailable))
        weeks[start] = (end, hours_per_week if free else 0.0)
        start += dt.timedelta(days=7)
    return weeks


def check_timed_plan(
    plan: ceplan.Plan,
    data: dict[str, Any],
    hours_per_week: float,
    unavailable: Sequence[tuple[dt.date, dt.date]],
    where: str,
) -> list[str]:
    """Why the plan over time breaks a rule, in words (an empty list when it keeps them all)."""
    if not plan.found:
        return [f"{where}: no plan ({plan.status}: {'; '.join(plan.reasons)})"]
    problems = []
    complete_by = plan.expires - dt.timedelta(days=data["processing_days"])
    if plan.complete_by != complete_by:
        problems.append(f"{where}: complete_by {plan.complete_by}, expected {complete_by}")
    weeks = week_capacities(plan.today, complete_by, hours_per_week, unavailable)
    per_week: dict[dt.date, float] = defaultdict(float)
    per_item: dict[str, dict[dt.date, float]] = defaultdict(dict)
    for row in plan.timeline.itertuples(index=False):
        week = row.week.date()  # the table's dates are datetime64
        if row.hours < -SLACK:
            problems.append(f"{where}: {row.id} has {row.hours} h in the week of {week}")
        if week not in weeks:
            problems.append(f"{where}: {row.id} has hours in {week}, not a week of the plan")
            continue
        per_week[week] += row.hours
        per_item[row.id][week] = per_item[row.id].get(week, 0.0) + row.hours
    for week, hours in sorted(per_week.items()):
        capacity = weeks[week][1]
        if hours > capacity + SLACK:
            problems.append(
                f"{where}: week of {week} holds {hours:.4f} h, capacity {capacity:.4f} h"
            )
    sources = {item["id"]: item for item in [*data["activities"], *data["exams"]]}
    credits = 0.0
    kinds: Counter[str] = Counter()
    for item in plan.planned:
        source = sources[item.id]
        last = source.get("retires" if item.is_exam else "expires")
        opens = max(plan.today, source.get("available_from") or plan.today)
        do_by = min(complete_by, last) if last is not None else complete_by
        if item.start is None or item.finish is None:
            problems.append(f"{where}: {item.id} has no start or finish date")
            continue
        if not opens <= item.start <= item.finish <= do_by:
            problems.append(
                f"{where}: {item.id} runs {item.start} to {item.finish}, "
                f"its window is {opens} to {do_by}"
            )
        hours = float(source.get("hours") or 0)
        placed = per_item.pop(item.id, {})
        if "sessions" not in source and abs(sum(placed.values()) - hours) > SLACK * max(1, hours):
            problems.append(f"{where}: {item.id} needs {hours} h, {sum(placed.values())} placed")
        for week in placed:
            if weeks[week][0] < opens or week > do_by:
                problems.append(f"{where}: {item.id} has hours in the week of {week}, outside")
        if item.is_exam:
            kinds[source["kind"]] += 1
        else:
            credits += float(source["credits"])
    for item_id in per_item:
        problems.append(f"{where}: the timeline has hours for {item_id}, not in the plan")
    assert plan.path is not None
    if credits < plan.path.credits - SLACK or any(
        kinds[kind] < count for kind, count in plan.path.exams.items()
    ):
        problems.append(f"{where}: the items do not meet the path {plan.path.describe()}")
    renewal = max(item.finish for item in plan.planned if item.finish is not None)
    period = data["tiers"][TIER]["period_years"]
    expected = (renewal, add_years(renewal, period), max(0, (plan.expires - renewal).days))
    reported = (plan.renewal_date, plan.new_expires, plan.days_given_up)
    if reported != expected:
        problems.append(
            f"{where}: renewal date, new expiry, days given up are {reported}, expected {expected}"
        )
    return problems


# -- the benchmark -----------------------------------------------------------------------------


def model_size(
    catalog: ceplan.Catalog, instance: Instance, args: argparse.Namespace, unavailable: list[Any]
) -> None:
    """Usable and kept items, and the size of the first integer programme, with and without hours.

    This reads ceplan's internals (as ``bench_optimise.reduction`` does) to explain the timings.
    """
    paths = catalog.tiers[TIER].paths
    ceiling = None
    for hours in (None, args.hours_per_week):
        request = make_request(
            catalog,
            TIER,
            today=TODAY,
            expires=EXPIRES,
            hours_per_week=hours,
            unavailable=unavailable if hours else (),
        )
        candidates = usable_items(
            catalog, today=TODAY, complete_by=request.complete_by, calendar=request.calendar
        )
        kept = shrink(
            candidates,
            paths,
            0.0,
            {},
            timed=request.timed,
            capacity=hours is not None,
            ceiling=ceiling,
        )
        if hours is None:
            instance.usable = len(candidates)
            instance.kept_untimed = len(kept)
            # As the planner does: the untimed cheapest plan, if it fits the weekly hours, is a
            # ceiling on the timed plan's cost.
            plan = ceplan.optimise(catalog, TIER, today=TODAY, expires=EXPIRES)
            timed = make_request(
                catalog,
                TIER,
                today=TODAY,
                expires=EXPIRES,
                hours_per_week=args.hours_per_week,
                unavailable=unavailable,
            )
            chosen = {item.id for item in plan.planned}
            usable = usable_items(
                catalog, today=TODAY, complete_by=timed.complete_by, calendar=timed.calendar
            )
            try:
                schedule([c for c in usable if c.id in chosen], timed.calendar)
                ceiling = round(plan.total_cost * 100)
            except ceplan.SolverError:  # as the planner does: else the cheapest greedy plan
                greedy = [
                    greedy_fitting_plan(
                        usable, timed.calendar, credits_needed=rule.credits, exams_needed=rule.exams
                    )
                    for rule in paths
                ]
                costs = [sum(c.cents for c in plan) for plan in greedy if plan is not None]
                ceiling = min(costs, default=None)
            continue
        instance.kept_timed = len(kept)
        options = BlockOptions(calendar=request.calendar)
        formulation = build_formulation(kept, dict(enumerate(paths)), options)
        instance.constraints = len(formulation.problem.constraints())


def bench_seed(
    seed: int,
    args: argparse.Namespace,
    timings: dict[str, Timings],
    report: Report,
) -> Instance:
    data, catalog = load(args.size, seed)
    instance = Instance(seed)
    model_size(catalog, instance, args, args.unavailable)
    when = {"today": TODAY, "expires": EXPIRES}
    limits = {"hours_per_week": args.hours_per_week, "unavailable": args.unavailable}
    answers: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for solver in args.solvers:
        for repetition in range(args.repeat):
            where = f"seed {seed}, {solver}, repetition {repetition + 1}"
            timing = timings[solver]
            timing.calls += 1
            try:
                untimed_s, untimed = timed_call(
                    lambda solver=solver: ceplan.optimise(catalog, TIER, solver=solver, **when)
                )
                timed_s, plan = timed_call(
                    lambda solver=solver: ceplan.optimise(
                        catalog, TIER, solver=solver, **when, **limits
                    )
                )
            except ceplan.CeplanError as exc:
                timing.failed += 1
                report.add(f"{where}: ceplan raised {type(exc).__name__}: {exc}")
                continue
            timing.untimed.append(untimed_s)
            timing.timed.append(timed_s)
            answers["untimed"].add(tuple(item.id for item in untimed.planned))
            answers["timed"].add(tuple(item.id for item in plan.planned))
            instance.untimed, instance.timed = untimed, plan
            for problem in check_timed_plan(
                plan, data, args.hours_per_week, args.unavailable, where
            ):
                report.add(problem)
            if untimed.found and plan.found:
                if round(plan.total_cost * 100) < round(untimed.total_cost * 100):
                    report.add(
                        f"{where}: the plan over time costs {plan.total_cost:.2f}, less than "
                        f"the untimed plan's {untimed.total_cost:.2f}"
                    )
                elif round(plan.total_cost * 100) > round(untimed.total_cost * 100):
                    timing.dearer += 1
            elif plan.found and not untimed.found:
                report.add(f"{where}: a plan over time exists but no untimed plan ({untimed})")
    for model, plans in answers.items():
        if len(plans) > 1:
            report.add(f"seed {seed}: the {model} model gave {len(plans)} different plans")
    return instance


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"


def print_tables(
    timings: dict[str, Timings], instances: list[Instance], args: argparse.Namespace
) -> None:
    away = ", ".join(f"{a}:{b}" for a, b in args.unavailable) or "none"
    print()
    print(f"Command: `{command(args)}`")
    print()
    print(
        f"Median wall-clock seconds per `ceplan.optimise` call, {args.size:,} activities, tier "
        f"{TIER}, over {args.seeds} seed(s) x {args.repeat} repetition(s); today {TODAY}, "
        f"expires {EXPIRES}; {args.hours_per_week:g} h/week, unavailable: {away}."
    )
    print()
    print(
        "| solver | section 3 model (s) | over time, "
        f"{args.hours_per_week:g} h/week (s) | slower by | timed plans dearer "
        "| failed calls |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for solver in args.solvers:
        row = timings[solver]
        untimed, timed = median(row.untimed), median(row.timed)
        ratio = f"{timed / untimed:,.0f}x" if untimed == untimed and untimed > 0 else "—"
        print(
            f"| {solver} | {fmt(untimed)} | {fmt(timed)} | {ratio} "
            f"| {row.dearer}/{len(row.timed)} | {row.failed}/{row.calls} |"
        )
    print()
    print(
        "| seed | usable items | kept, section 3 | kept, over time "
        "| constraints | cost, section 3 | cost, over time | hours | renewal date |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for i in instances:
        untimed = f"{i.untimed.total_cost:,.2f}" if i.untimed and i.untimed.found else "—"
        timed = f"{i.timed.total_cost:,.2f}" if i.timed and i.timed.found else "—"
        hours = f"{i.timed.total_hours:g}" if i.timed and i.timed.found else "—"
        renewal = i.timed.renewal_date if i.timed and i.timed.found else "—"
        print(
            f"| {i.seed} | {i.usable:,} | {i.kept_untimed:,} | {i.kept_timed:,} "
            f"| {i.constraints:,} | {untimed} | {timed} | {hours} "
            f"| {renewal} |"
        )


def command(args: argparse.Namespace) -> str:
    parts = [
        ".venv/bin/python",
        "bench/bench_schedule.py",
        "--seeds",
        str(args.seeds),
        "--repeat",
        str(args.repeat),
        "--size",
        str(args.size),
        "--hours-per-week",
        f"{args.hours_per_week:g}",
        "--solvers",
        ",".join(args.solvers),
    ]
    for first, last in args.unavailable:
        parts += ["--unavailable", f"{first}:{last}"]
    if args.profile:
        parts.append("--profile")
    return shlex.join(parts)


# -- where the time goes -----------------------------------------------------------------------

STAGES: list[tuple[str, str, str]] = [
    # (label, file the function is in ("~" for built-ins), function name or built-in's text)
    ("  of which building the PuLP models", "ceplan/model/block.py", "build_formulation"),
    ("  of which PuLP writes the MPS file (CBC)", "pulp/pulp.py", "writeMPS"),
    ("  of which waiting for the CBC process", "~", "posix.waitpid"),
    ("  of which PuLP reads the CBC solution", "pulp/apis/coin_api.py", "readsol_MPS"),
    ("  of which PuLP copies the model to HiGHS", "pulp/apis/highs_api.py", "buildSolverModel"),
    ("  of which HiGHS solves", "~", "highspy._core.run"),
    ("dropping items before the model (shrink)", "ceplan/candidates/items.py", "shrink"),
    ("dates and weekly hours of the plan (schedule)", "ceplan/model/schedule.py", "schedule"),
]


def cumulative(stats: pstats.Stats, path: str, name: str) -> float:
    """Cumulative seconds in the function ``name`` of the file ending in ``path``."""
    total = 0.0
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _, function), row in table.items():
        if path == "~":
            if filename == "~" and name in function:
                total += row[3]
        elif function == name and filename.replace(os.sep, "/").endswith(path):
            total += row[3]
    return total


def profile(args: argparse.Namespace) -> None:
    """cProfile one timed call per solver on seed 0 and say where the time goes."""
    _, catalog = load(args.size, 0)
    for solver in args.solvers:
        profiler = cProfile.Profile()
        try:
            profiler.runcall(
                ceplan.optimise,
                catalog,
                TIER,
                today=TODAY,
                expires=EXPIRES,
                hours_per_week=args.hours_per_week,
                unavailable=args.unavailable,
                solver=solver,
            )
        except ceplan.CeplanError as exc:
            print(f"(the profiled call raised {exc})")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        whole = cumulative(stats, "ceplan/planning/person.py", "optimise")
        solves = cumulative(stats, "ceplan/solving/stages.py", "solve")
        unique = cumulative(stats, "ceplan/solving/stages.py", "unique")
        rows = [
            ("the whole call", whole),
            ("solver stages: least cost (and tie-breaks, if any)", solves - unique),
            ("solver stage: is the cheapest plan the only one? (unique)", unique),
            ("all solver stages", solves),
            *((label, cumulative(stats, path, name)) for label, path, name in STAGES),
        ]
        print(f"\n## cProfile: optimise(..., hours_per_week={args.hours_per_week:g}), {solver}\n")
        print("| part | seconds (cumulative) | share |")
        print("|---|---:|---:|")
        for label, seconds in rows:
            if seconds > 0 or not label.startswith("  "):
                print(f"| {label} | {seconds:.2f} | {seconds / whole:.0%} |")
        print()
        stats.sort_stats("cumulative").print_stats(15)


# -- the command line --------------------------------------------------------------------------


def date_range(text: str) -> tuple[dt.date, dt.date]:
    try:
        first, last = (dt.date.fromisoformat(part) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected START:END dates, not {text!r}") from None
    return first, last


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="catalogues, seeds 0.. (default 3)")
    parser.add_argument("--repeat", type=int, default=2, help="timed calls per seed (default 2)")
    parser.add_argument("--size", type=int, default=1000, help="activities (default 1000)")
    parser.add_argument(
        "--hours-per-week", type=float, default=4.0, help="study hours a week (default 4)"
    )
    parser.add_argument(
        "--unavailable",
        type=date_range,
        action="append",
        default=[],
        metavar="START:END",
        help="days away, both included (repeatable; default none)",
    )
    parser.add_argument(
        "--solvers",
        type=lambda text: text.split(","),
        default=list(SOLVERS),
        help="comma-separated solvers (default cbc,highs)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one timed call per solver"
    )
    args = parser.parse_args(argv)
    if args.size < 1 or args.repeat < 1 or args.seeds < 1 or args.hours_per_week <= 0:
        parser.error("--size, --repeat, --seeds and --hours-per-week must be positive")
    unknown = sorted(set(args.solvers) - set(SOLVERS))
    if unknown:
        parser.error(f"unknown solver {unknown[0]!r}: choose from {', '.join(SOLVERS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"ceplan {ceplan.__version__}, PuLP {pulp.__version__}, highspy {version('highspy')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU(s)",
        flush=True,
    )
    report = Report()
    timings = {solver: Timings() for solver in args.solvers}
    instances = []
    for seed in range(args.seeds):
        print(f"{args.size:,} activities, seed {seed} ...", flush=True)
        instances.append(bench_seed(seed, args, timings, report))
    print_tables(timings, instances, args)
    if args.profile:
        profile(args)
    if report.problems:
        print(f"\n{len(report.problems)} problem(s) found:")
        for text, count in report.problems.items():
            print(f"- {text}" + (f" ({count} times)" if count > 1 else ""))
        return 1
    print(
        "\nEvery plan over time kept the weekly hours, its items' windows and dates, met its path,"
        " and cost no less than the untimed plan."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
