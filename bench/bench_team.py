"""Team plans (SPEC sections 7 and 8) for organisations of 10 to 10,000 people: time, proof, memory.

Run from the repository's root (not part of the tests)::

    .venv/bin/python bench/bench_team.py                        # 10, 100, 1,000; ample and tight
    .venv/bin/python bench/bench_team.py --people 100 --variants hours
    .venv/bin/python bench/bench_team.py --people 10000 --json runs.json

The organisations come from ``tests/generators.py`` (:func:`organisation`, from ``--seed``): a
catalogue of 500 activities, two fiscal-year budget periods and one fund of Learning Credits
(activities only, expiring after seven months); people get tiers, expiry dates over two years
and priorities. The variants set the money from what renewing everyone at their own cheapest
would cost: ``ample`` (each period 30% of it, the fund 100 USD a head), ``tight`` (each period
12%, the fund 20 USD a head) and ``hours`` (as ample, with 1.5 to 4 weekly study hours for
everyone).

``--method`` says what plans them. ``single`` (the default) is the single team model: built
(:func:`ceplan.model.team.build_team`), then solved through its five stages
(:func:`ceplan.solving.team.solve_team`), ``--limit`` seconds for the whole solve, with the
first-come plan to fall back on as :func:`ceplan.plan_team` has; build and solve are timed
apart. ``plan_team`` is the public :func:`ceplan.plan_team` with ``time_limit=--limit`` (the
reasons for the people at risk included), timed as a whole. Any other name is handed to
:func:`ceplan.plan_team` as its ``method`` argument, once the library has one.

``--catalog isc2`` (or ``isc2,pmi``, a combination) plans rosters of schema 2 people on the
bundled catalogues instead (:func:`schema2_organisation`): each person holds one of the
certifications (one in five two of them), with an expiry over the next three years, credits
earned and a priority; two fiscal-year periods of 1,000 USD a head (``ample``) or 250 USD a head
(``tight``) and a fund of 100 or 20 USD a head; ``hours`` is ``ample`` with 1.5 to 4 weekly
study hours for everyone. ``single`` then means :func:`ceplan.plan_team` with
``method="single"``. Such a plan is checked against its money (no period and no fund spends
more than it holds), its weekly hours (as ``tests/team_checker.py`` checks them) and, for
people, by their count renewing.

Each run is a process of its own (``--repeat`` runs of each size and variant; the table gives
medians), stopped when it runs past ``--timeout`` seconds or its memory passes ``--memory`` GiB.
A model the library refuses to build (over :data:`ceplan.limits.MAX_TEAM_VARIABLES`
variables) is reported as refused. Every plan is checked rule by rule by
``tests/team_checker.py``, which uses nothing of ceplan's model: a plan that breaks a rule is
``INVALID`` in the table. ``--json FILE`` writes every run's record: the times, the status,
termination, gap and the stage a limit stopped, each stage's progress line, the model's size,
the peak memory, and the checker's verdict and figures (priority renewed, out-of-pocket
spend, fund money, hours), to compare with other methods.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the repository's root, for tests.generators

import ceplan  # noqa: E402
from ceplan.model.team import build_team  # noqa: E402
from ceplan.objective import TEAM  # noqa: E402
from ceplan.solving.team import TeamSolution, solve_team  # noqa: E402
from tests.generators import (  # noqa: E402
    ORGANISATION_ACTIVITIES,
    TODAY,
    VARIANTS,
    Organisation,
    organisation,
)
from tests.team_checker import check_team_plan, weekly_problems  # noqa: E402

BUILT_IN = ("single", "plan_team")
"""The methods this benchmark knows; any other is passed to :func:`ceplan.plan_team`."""
PROBLEMS_KEPT = 20
"""The most broken rules a run's record keeps (the count is kept in full)."""

Runner = Callable[[ceplan.Catalog, ceplan.Roster, Organisation, float], dict[str, Any]]


# -- one run, in its own process -----------------------------------------------------------


SCHEMA_2_VARIANTS = {"ample": (1000, 100), "tight": (250, 20), "hours": (1000, 100)}
"""A schema 2 roster's money: each period's USD a head, the fund's USD a head (``hours``: as
``ample``, with weekly study hours)."""

SCHEMA_2_WEEKLY_HOURS = (1.5, 2.0, 3.0, 4.0)
"""The weekly study hours of a person of the ``hours`` variant (one drawn for each)."""


def schema2_organisation(
    people: int, seed: int, variant: str, names: Sequence[str]
) -> tuple[ceplan.Catalog, dict[str, Any]]:
    """A roster of ``people`` schema 2 people on the bundled catalogues ``names`` (see above)."""
    import random

    catalog = ceplan.load_catalog(list(names) if len(names) > 1 else names[0])
    draw = random.Random(seed)
    tiers = list(catalog.tiers)
    ends = [dt.date(2027 + n // 12, n % 12 + 1, 28) for n in range(1, 36)]
    roster_people = []
    for n in range(people):
        held = draw.sample(tiers, 2 if draw.random() < 0.2 else 1)
        entries = []
        for tier in held:
            expires = draw.choice(ends)
            left = (expires - TODAY).days / (365.25 * catalog.tiers[tier].period_years)
            needed = catalog.tiers[tier].paths[0].credits or 0
            earned = max(0, round(needed * (1 - left) / 10) * 10) if left < 1 else 0
            entries.append({"tier": tier, "expires": expires.isoformat(), "earned": earned})
        roster_people.append(
            {
                "id": f"p{n:05d}",
                "name": f"Person {n}",
                "tiers": entries,
                "priority": draw.choice([1, 1, 1, 2, 2, 3]),
            }
        )
    if variant == "hours":  # drawn apart: the people are the same as in the other variants
        weekly = random.Random(seed + 1)
        for person in roster_people:
            person["hours_per_week"] = weekly.choice(SCHEMA_2_WEEKLY_HOURS)
    period, fund = SCHEMA_2_VARIANTS[variant]
    roster = {
        "schema": 1,
        "team": f"{people} people",
        "budgets": [
            {"name": "FY2026-27", "start": "2026-04-01", "end": "2027-03-31", "amount": 0},
            {"name": "FY2027-28", "start": "2027-04-01", "end": "2028-03-31", "amount": 0},
        ],
        "funds": [{"name": "Training fund", "amount": fund * people, "expires": "2027-06-30"}],
        "people": roster_people,
    }
    for budget in roster["budgets"]:
        budget["amount"] = period * people
    return catalog, roster


def check_money(
    plan: dict[str, Any], roster: dict[str, Any], catalog: ceplan.Catalog
) -> dict[str, Any]:
    """A schema 2 plan against its money and hours.

    Each period and fund spends no more than it holds, and each person with weekly hours keeps
    them (:func:`tests.team_checker.weekly_problems`; a dated session needs no self-study).
    """
    spent: dict[str, float] = {}
    used: dict[str, float] = {}
    for person in plan["people"]:
        for item in person["items"]:
            from_funds = sum(item.get("paid_by_funds", {}).values())
            if item.get("period") is not None:
                spent[item["period"]] = spent.get(item["period"], 0.0) + item["cost"] - from_funds
            for name, amount in item.get("paid_by_funds", {}).items():
                used[name] = used.get(name, 0.0) + amount
    problems = [
        f"{b['name']} spends {spent.get(b['name'], 0):.2f} of {b['amount']:.2f}"
        for b in roster["budgets"]
        if spent.get(b["name"], 0.0) > b["amount"] + 0.005
    ] + [
        f"{f['name']} pays {used.get(f['name'], 0):.2f} of {f['amount']:.2f}"
        for f in roster["funds"]
        if used.get(f["name"], 0.0) > f["amount"] + 0.005
    ]
    dated = {a.id for a in catalog.activities if a.sessions}
    weekly = {p["id"]: p.get("hours_per_week") for p in roster["people"]}
    for person in plan["people"]:
        if weekly[person["id"]] is None:
            continue
        work = [
            (
                float(item["hours"] or 0.0),
                dt.date.fromisoformat(item["start"]),
                dt.date.fromisoformat(item["finish"]),
            )
            for item in person["items"]
            if item["kind"] != "fee" and item["id"] not in dated
        ]
        problems += weekly_problems(person["id"], weekly[person["id"]], work, TODAY)
    renewed = [p for p in plan["people"] if p["status"] == "renews"]
    return {
        "valid": not problems,
        "broken": len(problems),
        "problems": problems[:PROBLEMS_KEPT],
        "renewed": len(renewed),
        "out_of_pocket": sum(spent.values()),
        "from_funds": sum(used.values()),
    }


def child(
    people: int,
    variant: str,
    *,
    limit: float,
    method: str = "single",
    seed: int = 0,
    workers: int = 1,
    catalogues: Sequence[str] = (),
) -> dict[str, Any]:
    """One run: the organisation made, planned by ``method``, the plan checked; as a record."""
    if catalogues:
        return _schema2_child(people, variant, limit, method, seed, workers, catalogues)
    began = time.perf_counter()
    made = organisation(people, seed, variant)
    catalog = ceplan.Catalog.model_validate(made.catalog)
    roster = ceplan.Roster.model_validate(made.roster)
    record: dict[str, Any] = {
        "people": people,
        "variant": variant,
        "method": method,
        "workers": workers,
        "seed": seed,
        "limit": limit,
        "prepare": time.perf_counter() - began,
        "budget_each_period": made.roster["budgets"][0]["amount"],
        "fund": made.roster["funds"][0]["amount"],
        "own_plans": sum(plan is not None for plan in made.own.values()),
    }
    run = runner(method, workers)(catalog, roster, made, limit)
    plan = run.pop("plan", None)
    record.update(run)
    if plan is not None:
        checked = check_team_plan(catalog, roster, plan, TODAY)
        record["check"] = {
            "valid": checked.valid,
            "broken": len(checked.problems),
            "problems": list(checked.problems[:PROBLEMS_KEPT]),
            "renewed": checked.renewed,
            "priority": checked.priority,
            "out_of_pocket": checked.out_of_pocket,
            "from_funds": checked.from_funds,
            "hours": checked.hours,
        }
        record["at_risk"] = [p["id"] for p in plan["people"] if p["status"] != "renews"]
    record["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Worker processes, each apart (the largest one's peak; they run side by side).
    record["workers_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return record


def _schema2_child(
    people: int,
    variant: str,
    limit: float,
    method: str,
    seed: int,
    workers: int,
    catalogues: Sequence[str],
) -> dict[str, Any]:
    began = time.perf_counter()
    catalog, data = schema2_organisation(people, seed, variant, catalogues)
    roster = ceplan.Roster.model_validate(data)
    record: dict[str, Any] = {
        "people": people,
        "variant": variant,
        "method": method,
        "workers": workers,
        "seed": seed,
        "limit": limit,
        "catalogues": list(catalogues),
        "prepare": time.perf_counter() - began,
    }
    run = public(catalog, roster, None, limit, method=method, workers=workers)
    plan = run.pop("plan", None)
    record.update(run)
    if plan is not None:
        record["check"] = check_money(plan, data, catalog)
        record["at_risk"] = [p["id"] for p in plan["people"] if p["status"] != "renews"]
    record["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record["workers_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return record


def runner(method: str, workers: int = 1) -> Runner:
    """What plans an organisation for ``method`` (see the module's docstring)."""
    if method == "single":
        return single
    if method == "plan_team":
        return public
    from ceplan.planning.team import METHODS

    if method not in METHODS:
        raise SystemExit(
            f"method {method!r}: ceplan.plan_team knows {', '.join(METHODS)}; "
            f"this benchmark also {', '.join(BUILT_IN)}"
        )

    def named(
        catalog: ceplan.Catalog, roster: ceplan.Roster, made: Organisation, limit: float
    ) -> dict[str, Any]:
        return public(catalog, roster, made, limit, method=method, workers=workers)

    return named


def single(
    catalog: ceplan.Catalog, roster: ceplan.Roster, made: Organisation, limit: float
) -> dict[str, Any]:
    """The single team model, built and then solved, each timed; the plan as plain data."""
    order = sorted(roster.people, key=lambda p: (-p.priority, p.id))
    own = [(p.id, plan.items) for p in order if (plan := made.own[p.id]) is not None]
    began = time.perf_counter()
    try:
        model = build_team(catalog, roster, today=TODAY)
    except ceplan.PlanInputError as exc:
        seconds = time.perf_counter() - began
        return {"refused": str(exc), "build": seconds, "solve": None, "total": seconds}
    build = time.perf_counter() - began
    size = {"variables": len(model.problem.variables()), "rows": len(model.problem.constraints())}
    lines: list[str] = []
    began = time.perf_counter()
    solution = solve_team(model, seconds=limit, fallback=lambda: own, progress=lines.append)
    solve = time.perf_counter() - began
    return {
        "build": build,
        "solve": solve,
        "total": build + solve,
        **size,
        **_ending(solution.status, solution.termination, solution.gap, solution.stopped_in),
        "stages": lines,
        "plan": as_plan(solution, catalog, roster),
    }


def public(
    catalog: ceplan.Catalog,
    roster: ceplan.Roster,
    made: Organisation | None,
    limit: float,
    method: str | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """:func:`ceplan.plan_team` (with ``method`` and ``workers``, if given), timed as a whole."""
    options: dict[str, Any] = {} if method is None else {"method": method}
    if workers != 1:
        options["workers"] = workers
    lines: list[str] = []
    began = time.perf_counter()
    try:
        plan = ceplan.plan_team(
            catalog, roster, today=TODAY, time_limit=limit, progress=lines.append, **options
        )
    except ceplan.PlanInputError as exc:
        seconds = time.perf_counter() - began
        return {"refused": str(exc), "build": None, "solve": None, "total": seconds}
    total = time.perf_counter() - began
    data = plan.to_dict()
    return {
        "build": None,
        "solve": None,
        "total": total,
        **_ending(plan.status, plan.termination, plan.gap, plan.stopped_in),
        # What the plan says of itself beyond its people, budgets and funds (the stages
        # proven, and whatever a method adds, such as each stage's value and bound).
        "verdict": {k: v for k, v in data.items() if k not in ("people", "budgets", "funds")},
        "stages": lines,
        "plan": data,
    }


def _ending(
    status: str, termination: str, gap: float | None, stopped: str | None
) -> dict[str, Any]:
    names = [stage.name for stage in TEAM]
    return {
        "status": status,
        "termination": termination,
        "gap": gap,
        "stopped_in": stopped,
        "stage": names.index(stopped) + 1 if stopped in names else None,
        "stage_count": len(names),
    }


def as_plan(
    solution: TeamSolution, catalog: ceplan.Catalog, roster: ceplan.Roster
) -> dict[str, Any]:
    """The model's answer as plain data in the shape of :meth:`ceplan.TeamPlan.to_dict`.

    Only what the checker reads: each person's status, path and items (their ids, cost, when
    they are paid and done, which period pays and what each fund pays).
    """
    people = []
    for person in roster.people:
        renews = solution.renews[person.id]
        index = solution.paths[person.id]
        path = catalog.tiers[person.tier].paths[index] if renews and index is not None else None
        items = [
            {
                "id": taken.item,
                "cost": taken.cents / 100,
                "paid_on": taken.paid_on.isoformat(),
                "period": None if taken.period is None else roster.budgets[taken.period].name,
                "paid_by_funds": {
                    roster.funds[f].name: cents / 100 for f, cents in taken.paid_by_fund.items()
                },
                "start": taken.start.isoformat(),
                "finish": taken.finish.isoformat(),
                "complete_by": taken.complete_by.isoformat(),
            }
            for taken in solution.taken[person.id]
        ]
        people.append(
            {
                "id": person.id,
                "status": "renews" if renews else "at_risk",
                "path": None if path is None else path.to_dict(),
                "items": items,
            }
        )
    return {"status": solution.status, "people": people}


# -- the runs, watched -----------------------------------------------------------------------


def watched(argv: Sequence[str], timeout: float, memory_gib: float) -> dict[str, Any]:
    """Run a child (``argv`` with ``--out FILE`` added) and read its record.

    The child is stopped past ``timeout`` seconds, or when its peak memory (``VmHWM``, read
    every 0.2 s where ``/proc`` has it) passes ``memory_gib``; the record then says so.
    """
    with tempfile.TemporaryDirectory() as folder:
        out, err = Path(folder) / "run.json", Path(folder) / "stderr.txt"
        with err.open("w") as stderr:
            process = subprocess.Popen(
                [*argv, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=stderr
            )
            began, peak, stopped = time.monotonic(), 0.0, None
            while process.poll() is None:
                peak = max(peak, _peak_mib(process.pid))
                if peak > memory_gib * 1024:
                    stopped = f"memory past {memory_gib:g} GiB"
                elif time.monotonic() - began > timeout:
                    stopped = f"past {timeout:g} s"
                if stopped is not None:
                    process.kill()
                    process.wait()
                    break
                time.sleep(0.2)
        seconds = time.monotonic() - began
        if stopped is not None:
            return {"stopped": stopped, "total": seconds, "peak_mib": peak}
        if process.returncode != 0 or not out.exists():
            said = err.read_text(errors="replace").strip().splitlines()
            return {"failed": said[-1] if said else f"exit status {process.returncode}"}
        record: dict[str, Any] = json.loads(out.read_text())
        return record


def _peak_mib(pid: int) -> float:
    """The peak resident memory of process ``pid`` so far, in MiB (0 where unknown)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


# -- the table -------------------------------------------------------------------------------

HEADER = (
    "| people | variant | build (s) | solve (s) | total (s) | status | renewed | variables "
    "| rows | peak memory | plan check |\n"
    "|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---|"
)


def status_words(run: dict[str, Any]) -> str:
    """How a run ended, in the table's words."""
    if "stopped" in run:
        return f"stopped: {run['stopped']}"
    if "failed" in run:
        return f"failed: {run['failed']}"
    if run.get("refused"):
        said = str(run["refused"])
        return "refused (too large)" if "variables" in said else f"refused: {said}"
    status = run["status"]
    if status == "optimal":
        return f"optimal (all {run['stage_count']} stages proven)"
    where = run["stopped_in"] or "?"
    if run.get("stage"):
        where = f"stage {run['stage']} ({where.replace('_', ' ')})"
    if status == "feasible":
        gap = "no gap given" if run["gap"] is None else f"gap {100 * run['gap']:.3g}%"
        return f"feasible: {run['termination'].replace('_', ' ')} in {where}, {gap}"
    return f"{status}: no plan ({run['termination'].replace('_', ' ')} in {where})"


def check_words(runs: Sequence[dict[str, Any]]) -> str:
    """The checker's verdict over the runs: ``valid``, ``INVALID`` or nothing (no plan)."""
    checks = [run["check"] for run in runs if "check" in run]
    if not checks:
        return ""
    broken = [c for c in checks if not c["valid"]]
    if not broken:
        return "valid"
    rules = max(c["broken"] for c in broken)
    runs_said = "" if len(checks) == 1 else f" in {len(broken)} of {len(checks)} runs"
    return f"INVALID ({rules} broken rules{runs_said})"


def row(runs: Sequence[dict[str, Any]], people: int, variant: str) -> str:
    """One line of the table: the medians of ``runs`` (one size and variant)."""

    def median(key: str, form: str) -> str:
        values = [run[key] for run in runs if isinstance(run.get(key), int | float)]
        return "" if not values else format(statistics.median(values), form)

    def median_of(values: list[Any], form: str) -> str:
        return "" if not values else format(statistics.median(values), form)

    said = list(dict.fromkeys(status_words(run) for run in runs))
    renewed = [run["check"]["renewed"] for run in runs if "check" in run]
    peak = median("peak_mib", ",.0f")
    return (
        f"| {people:,} | {variant} | {median('build', '.1f')} | {median('solve', '.1f')} | "
        f"{median('total', '.1f')} | {'; '.join(said)} | {median_of(renewed, ',.0f')} | "
        f"{median('variables', ',.0f')} | {median('rows', ',.0f')} | "
        f"{peak + ' MiB' if peak else ''} | {check_words(runs)} |"
    )


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    versions = {name: importlib.metadata.version(name) for name in ("pulp", "highspy")}
    return {"cores": os.cpu_count(), "python": platform.python_version(), **versions}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", default="10,100,1000", help="sizes, comma-separated")
    parser.add_argument("--variants", default="ample,tight", help=", ".join(VARIANTS))
    parser.add_argument("--method", default="single", help="single, plan_team, or another")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds for each solve")
    parser.add_argument("--workers", type=int, default=1, help="processes (method columns)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (medians)")
    parser.add_argument("--seed", type=int, default=0, help="of the organisations")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a run may take")
    parser.add_argument("--memory", type=float, default=6.0, help="GiB a run may take")
    parser.add_argument("--json", type=Path, help="write every run's record to this file")
    parser.add_argument(
        "--catalog", default="", help="bundled schema 2 catalogues (isc2, or isc2,pmi)"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        record = child(
            args.child,
            args.variant,
            limit=args.limit,
            method=args.method,
            seed=args.seed,
            workers=args.workers,
            catalogues=[c for c in args.catalog.split(",") if c],
        )
        args.out.write_text(json.dumps(record))
        return 0
    sizes = [int(text) for text in args.people.split(",")]
    variants = args.variants.split(",")
    known = SCHEMA_2_VARIANTS if args.catalog else VARIANTS
    unknown = [v for v in variants if v not in known]
    if unknown:
        parser.error(f"unknown variant {unknown[0]!r}: one of {', '.join(known)}")
    runner(args.method)  # an unknown method stops here, before any run
    given = " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    command = f".venv/bin/python bench/bench_team.py {given}".rstrip()
    about = machine()
    shape = (
        f"catalogue {args.catalog} (schema 2)"
        if args.catalog
        else f"{ORGANISATION_ACTIVITIES} activities"
    )
    print(
        f"{about['cores']} cores, Python {about['python']}, PuLP {about['pulp']}, highspy "
        f"{about['highspy']}; {shape} (seed {args.seed}), two budget "
        f"periods, one fund; method {args.method}, {args.workers} worker(s); "
        f"{args.limit:g} s a solve; "
        f"medians of {args.repeat} run{'s' if args.repeat != 1 else ''}"
    )
    print(f"Command: {command}\n")
    print(HEADER, flush=True)
    records: list[dict[str, Any]] = []
    for size in sizes:
        for variant in variants:
            argv_child = [sys.executable, __file__, "--child", str(size), "--variant", variant]
            argv_child += ["--limit", str(args.limit), "--method", args.method]
            argv_child += ["--seed", str(args.seed), "--workers", str(args.workers)]
            argv_child += ["--catalog", args.catalog] if args.catalog else []
            runs = []
            for _ in range(args.repeat):
                run = watched(argv_child, args.timeout, args.memory)
                runs.append({"people": size, "variant": variant, **run})
            records += runs
            print(row(runs, size, variant), flush=True)
            if args.json is not None:
                text = json.dumps({"machine": about, "command": command, "runs": records})
                args.json.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
