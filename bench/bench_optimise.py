"""Benchmark ``ceplan.optimise`` against an exact dynamic-programming baseline.

Not part of the test run (pytest collects ``tests/`` only). Run from the repository's root::

    .venv/bin/python bench/bench_optimise.py            # the full run, a few minutes
    .venv/bin/python bench/bench_optimise.py --quick    # a smoke run, seconds
    .venv/bin/python bench/bench_optimise.py --sizes 10000 --seeds 1 --profile  # where time goes

For each catalogue size, several seeded catalogues are generated (``tests/generators.py``) and
loaded; then, per tier (the bundled ``professional`` shape with five paths, and ``ce-only``: 80
credits alone), ``ceplan.optimise`` is timed with CBC and with HiGHS, next to the baseline of
:mod:`dp`. Every plan is checked: its cost must equal the baseline's (exactness), it must meet
its path with usable items, and the same input must give the same plan every time. A second
table times loading a 10,000-activity YAML file, without the cache and with it.

The script exits with status 1 when a check fails or ceplan raises, after printing the tables.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dp
import pulp
import yaml

import ceplan
from ceplan.candidates.items import shrink, usable_items

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the root, for tests.generators
from tests import generators as catalogs  # noqa: E402

SOLVERS = ("cbc", "highs")
TIERS = ("professional", "ce-only")
PATHS = {"professional": len(catalogs.PROFESSIONAL_PATHS), "ce-only": 1}
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):
    """Write every value in full: no ``&id001`` anchors for objects that occur twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@dataclass
class Row:
    """Measurements for one catalogue size and tier, over every seed and repetition."""

    size: int
    tier: str
    ilp: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SOLVERS})
    dp: list[float] = field(default_factory=list)
    usable: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=Counter)
    failed: dict[str, int] = field(default_factory=Counter)


@dataclass
class Report:
    """Every problem found, in words, with how often it happened, for the end of the run."""

    problems: Counter[str] = field(default_factory=Counter)

    def add(self, text: str) -> None:
        if text not in self.problems:
            print(f"  PROBLEM: {text}", file=sys.stderr, flush=True)
        self.problems[text] += 1


def yaml_text(data: dict[str, Any], *, aliases: bool = False) -> str:
    """The catalogue as a ``catalog.yaml`` file would hold it, by default without aliases.

    With ``aliases``, objects that occur twice (the shared dates) become ``&id001`` anchors and
    ``*id001`` aliases, as ``yaml.safe_dump`` writes them.
    """
    dumper = _BaseDumper if aliases else _Dumper
    return str(yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True))


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def reduction(catalog: ceplan.Catalog, tier: str) -> tuple[int, int]:
    """Usable activities, and those left after ceplan's dominance reduction (all paths open)."""
    complete_by = catalogs.EXPIRES - dt.timedelta(days=catalog.processing_days)
    candidates = usable_items(catalog, today=catalogs.TODAY, complete_by=complete_by)
    kept = shrink(candidates, catalog.tiers[tier].paths, 0.0, {})
    return sum(not c.is_exam for c in candidates), sum(not c.is_exam for c in kept)


def check_plan(plan: ceplan.Plan, expected: int | None, data: dict[str, Any], where: str) -> str:
    """Why ``plan`` is wrong (cost, path, dates), or an empty string when it is right."""
    if expected is None:
        return "" if not plan.found else f"{where}: ceplan found a plan, the baseline none"
    if not plan.found:
        return f"{where}: ceplan says {plan.status} ({plan.reasons}), the baseline costs {expected}"
    cents = round(plan.total_cost * 100)
    if cents != expected:
        return f"{where}: ceplan costs {cents} cents, the exact baseline {expected} cents"
    items = {item["id"]: item for item in [*data["activities"], *data["exams"]]}
    complete_by = plan.complete_by
    credits = 0.0
    kinds: Counter[str] = Counter()
    for item in plan.planned:
        source = items[item.id]
        last = source.get("retires" if item.is_exam else "expires")
        start = source.get("available_from")
        if (last is not None and last < plan.today) or (start is not None and start > complete_by):
            return f"{where}: {item.id} cannot be used between {plan.today} and {complete_by}"
        if item.is_exam:
            kinds[source["kind"]] += 1
        else:
            credits += float(source["credits"])
    assert plan.path is not None
    if credits < plan.path.credits - 1e-6 or any(
        kinds[kind] < count for kind, count in plan.path.exams.items()
    ):
        return f"{where}: the items do not meet the path {plan.path.describe()}"
    return ""


def bench_instance(
    size: int, seed: int, rows: dict[str, Row], repeat: int, report: Report, check_paths: bool
) -> None:
    data = catalogs.catalog_data(size, seed)
    catalog = ceplan.parse_catalog(yaml_text(data), name=f"bench-{size}-{seed}.yaml")
    when = {"today": catalogs.TODAY, "expires": catalogs.EXPIRES}
    for tier in TIERS:
        row = rows[tier]
        usable, kept = reduction(catalog, tier)
        row.usable.append(usable)
        row.kept.append(kept)
        expected = None
        for _ in range(repeat):
            seconds, expected = timed(lambda tier=tier: dp.cheapest_cost(data, tier, **when))
            row.dp.append(seconds)
        plans: dict[str, set[tuple[str, ...]]] = {}
        for solver in SOLVERS:
            where = f"{size} activities, seed {seed}, tier {tier}, {solver}"
            for _ in range(repeat):
                row.calls[solver] += 1
                try:
                    seconds, plan = timed(
                        lambda tier=tier, solver=solver: ceplan.optimise(
                            catalog, tier, solver=solver, **when
                        )
                    )
                except ceplan.CeplanError as exc:
                    row.failed[solver] += 1
                    report.add(f"{where}: ceplan raised {type(exc).__name__}: {exc}")
                    continue
                row.ilp[solver].append(seconds)
                problem = check_plan(plan, expected, data, where)
                if problem:
                    report.add(problem)
                plans.setdefault(solver, set()).add(tuple(item.id for item in plan.planned))
        distinct = set().union(*plans.values()) if plans else set()
        if len(distinct) > 1:
            report.add(
                f"{size} activities, seed {seed}, tier {tier}: the same input gave "
                f"{len(distinct)} different plans (solvers: {sorted(plans)})"
            )
        if check_paths:
            compare_with_baseline(catalog, data, tier, f"{size} activities, seed {seed}", report)


def compare_with_baseline(
    catalog: ceplan.Catalog, data: dict[str, Any], tier: str, where: str, report: Report
) -> None:
    """Each path on its own (``compare_paths``, CBC) against the baseline's cost for that path."""
    expected = dp.path_costs(data, tier, today=catalogs.TODAY, expires=catalogs.EXPIRES)
    try:
        comparison = ceplan.compare_paths(
            catalog, tier, today=catalogs.TODAY, expires=catalogs.EXPIRES
        )
    except ceplan.CeplanError as exc:
        report.add(f"{where}, tier {tier}, compare_paths: ceplan raised {exc}")
        return
    for rule, plan, cost in zip(comparison.paths, comparison.plans, expected, strict=True):
        problem = check_plan(plan, cost, data, f"{where}, tier {tier}, path {rule.describe()}")
        if problem:
            report.add(problem)


def bench_loading(size: int, repeat: int, report: Report) -> list[tuple[str, float]]:
    """Median seconds to load a ``size``-activity YAML file: no cache, cache miss, cache hit.

    Also the same catalogue written with YAML aliases (as ``yaml.safe_dump`` writes shared
    objects), loaded without the cache.
    """
    data = catalogs.catalog_data(size, 0)
    with tempfile.TemporaryDirectory(prefix="ceplan-bench-") as folder:
        path = Path(folder) / "catalog.yaml"
        path.write_text(yaml_text(data), encoding="utf-8")
        aliased = Path(folder) / "aliased.yaml"
        aliased.write_text(yaml_text(data, aliases=True), encoding="utf-8")
        cache = Path(folder) / "cache"
        saved = os.environ.get("CEPLAN_CACHE_DIR")
        os.environ["CEPLAN_CACHE_DIR"] = str(cache)
        cold: list[float] = []
        miss: list[float] = []
        hit: list[float] = []
        with_aliases: list[float] = []
        try:
            for _ in range(repeat):
                seconds, reference = timed(lambda: ceplan.load_catalog(path, cache=False))
                cold.append(seconds)
                for old in cache.glob("*"):
                    old.unlink()
                seconds, _ = timed(lambda: ceplan.load_catalog(path))
                miss.append(seconds)
                seconds, cached = timed(lambda: ceplan.load_catalog(path))
                hit.append(seconds)
                if cached != reference:
                    report.add("loading: the cached catalogue differs from the parsed one")
                seconds, other = timed(lambda: ceplan.load_catalog(aliased, cache=False))
                with_aliases.append(seconds)
                if other != reference:
                    report.add("loading: the file with aliases gives a different catalogue")
        finally:
            if saved is None:
                os.environ.pop("CEPLAN_CACHE_DIR", None)
            else:
                os.environ["CEPLAN_CACHE_DIR"] = saved
        megabytes = path.stat().st_size / 2**20
    return [
        (f"`load_catalog(path, cache=False)` ({megabytes:.1f} MiB of YAML)", median(cold)),
        ("`load_catalog(path)`, first load: parse and write the cache", median(miss)),
        ("`load_catalog(path)`, second load: read the cache", median(hit)),
        ("`load_catalog(path, cache=False)`, same data with YAML aliases", median(with_aliases)),
    ]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def seconds(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"


def print_tables(
    rows: list[Row], loading: list[tuple[str, float]], size: int, args: argparse.Namespace
) -> None:
    print()
    print(
        f"Median wall-clock seconds per call over {args.seeds} seed(s) x {args.repeat} "
        f"repetition(s); today {catalogs.TODAY}, expires {catalogs.EXPIRES}."
    )
    print()
    print(
        "| activities | tier (paths) | ILP median, cbc (s) | ILP median, highs (s) "
        "| DP median (s) | usable activities | kept after reduction | failed calls |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        paths = PATHS[row.tier]
        failed = ", ".join(
            f"{solver} {row.failed[solver]}/{row.calls[solver]}"
            for solver in SOLVERS
            if row.failed[solver]
        )
        print(
            f"| {row.size:,} | {row.tier} ({paths}) | {seconds(median(row.ilp['cbc']))} "
            f"| {seconds(median(row.ilp['highs']))} | {seconds(median(row.dp))} "
            f"| {statistics.median(row.usable):,.0f} | {statistics.median(row.kept):,.0f} "
            f"| {failed or 'none'} |"
        )
    print()
    print(f"| loading a {size:,}-activity catalogue | median (s) |")
    print("|---|---:|")
    for label, value in loading:
        print(f"| {label} | {seconds(value)} |")


def profile(size: int) -> None:
    """Profile one ``optimise`` call per solver on the first catalogue of ``size`` activities."""
    data = catalogs.catalog_data(size, 0)
    catalog = ceplan.parse_catalog(yaml_text(data))
    for solver in SOLVERS:
        profiler = cProfile.Profile()
        try:
            profiler.runcall(
                ceplan.optimise,
                catalog,
                "professional",
                today=catalogs.TODAY,
                expires=catalogs.EXPIRES,
                solver=solver,
            )
        except ceplan.CeplanError as exc:
            print(f"(the profiled call raised {exc})")
        print(f"\n## cProfile: optimise, {size:,} activities, professional, {solver}\n")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(18)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[100, 1000, 10000],
        help="comma-separated catalogue sizes (default: 100,1000,10000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per instance")
    parser.add_argument("--seeds", type=int, default=3, help="catalogues per size")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: sizes 100,1000, one seed, one repetition, a 1,000-activity load",
    )
    parser.add_argument(
        "--load-size", type=int, default=10000, help="activities in the loading benchmark"
    )
    parser.add_argument(
        "--no-path-check",
        dest="check_paths",
        action="store_false",
        help="skip checking each path on its own with compare_paths",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one call at the largest size"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.seeds, args.repeat, args.load_size = [100, 1000], 1, 1, 1000
    if min(args.sizes) < 1 or args.repeat < 1 or args.seeds < 1:
        parser.error("sizes, --repeat and --seeds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import highspy

    highs = getattr(highspy, "__version__", "installed")
    print(
        f"ceplan {ceplan.__version__}, PuLP {pulp.__version__}, highspy {highs}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU(s), "
        f"libyaml {'yes' if yaml.__with_libyaml__ else 'no'}",
        flush=True,
    )
    report = Report()
    rows: list[Row] = []
    for size in args.sizes:
        by_tier = {tier: Row(size, tier) for tier in TIERS}
        for seed in range(args.seeds):
            print(f"{size:,} activities, seed {seed} ...", flush=True)
            bench_instance(size, seed, by_tier, args.repeat, report, args.check_paths)
        rows.extend(by_tier.values())
    print(f"loading {args.load_size:,} activities ...", flush=True)
    loading = bench_loading(args.load_size, max(1, args.repeat), report)
    print_tables(rows, loading, args.load_size, args)
    if args.profile:
        profile(max(args.sizes))
    if report.problems:
        print(f"\n{len(report.problems)} problem(s) found:")
        for text, count in report.problems.items():
            print(f"- {text}" + (f" ({count} times)" if count > 1 else ""))
        return 1
    print("\nEvery plan matched the exact baseline's cost and met its path.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
