"""Team plans (SPEC section 7) at 10, 100 and 1,000 people: time to a proven optimum, or the gap.

Run from the repository's root (not part of the tests)::

    .venv/bin/python bench/bench_team.py                       # 10, 100, 1,000 people
    .venv/bin/python bench/bench_team.py --people 10,100 --repeat 3

One catalogue of 500 activities (``tests/generators.py``, seed 0), two fiscal-year budget periods
and one fund of Learning Credits (activities only, expiring after seven months). People get
tiers, expiry dates over two years and priorities from a fixed seed; the budgets are set to
about 60% of what renewing everyone at their own cheapest would cost, so that they bind. Each
size runs in its own process; the model is built and solved through its five stages, the whole
solve limited to ``--limit`` seconds (default 60); when the limit leaves the solver with no
plan, the first-come plan is the answer (as ``plan_team`` does). The table gives the median
time to build and to solve, the status (``optimal`` when every stage was proved; else the stage
the limit stopped and that stage's gap), the people renewed, the model's size and the peak
memory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the repository's root, for tests.generators

from tests.generators import TODAY, catalog_data, roster_data  # noqa: E402


def child(people: int, limit: float, repeat: int) -> dict[str, Any]:
    import ceplan
    from ceplan.model.team import build_team
    from ceplan.roster.models import Roster
    from ceplan.solving.team import solve_team

    catalog = ceplan.Catalog.model_validate(catalog_data(500, 0))
    data = roster_data(people)
    # Budgets: about 60% of everyone's own cheapest plan, split over the two years.
    alone = 0.0
    own: list[tuple[str, tuple[str, ...]]] = []  # for a plan without the solver, if needed
    for person in sorted(data["people"], key=lambda p: (-p["priority"], p["id"])):
        plan = ceplan.optimise(
            catalog, person["tier"], today=TODAY, expires=person["expires"], earned=person["earned"]
        )
        alone += plan.total_cost if plan.found else 0.0
        if plan.found:
            own.append((person["id"], tuple(plan.items["id"])))
    for budget in data["budgets"]:
        budget["amount"] = round(alone * 0.3, 2)
    roster = Roster.model_validate(data)
    builds, times, solution, model = [], [], None, None
    for _ in range(repeat):
        start = time.perf_counter()
        model = build_team(catalog, roster, today=TODAY)
        built = time.perf_counter()
        solution = solve_team(model, seconds=limit, fallback=lambda: own)
        builds.append(built - start)
        times.append(time.perf_counter() - built)
    assert solution is not None and model is not None
    import resource

    return {
        "build": statistics.median(builds),
        "seconds": statistics.median(times),
        "gap": solution.gap,
        "stopped_in": solution.stopped_in,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "status": solution.status,
        "termination": solution.termination,
        "renewed": sum(solution.renews.values()),
        "people": people,
        "variables": len(model.problem.variables()),
        "rows": len(model.problem.constraints()),
        "budget": round(alone * 0.6, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", default="10,100,1000", help="team sizes, comma-separated")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds for each solve")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.limit, args.repeat)))
        return 0
    print(f"{os.cpu_count()} cores; 500 activities; two budget periods; one fund")
    print(f"Command: .venv/bin/python bench/bench_team.py {' '.join(sys.argv[1:])}\n")
    print(
        "| people | build (s) | solve (s) | status | renewed | variables | rows | peak memory "
        "| budgets (2 years) |"
    )
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for size in [int(text) for text in args.people.split(",")]:
        argv = [sys.executable, __file__, "--child", str(size), "--limit", str(args.limit)]
        argv += ["--repeat", str(args.repeat)]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"| {size} | failed | {done.stderr.strip().splitlines()[-1:]} | | | | | | |")
            continue
        r = json.loads(done.stdout)
        status = r["status"]
        if status != "optimal":
            gap = "" if r["gap"] is None else f", gap {r['gap']:.2%}"
            status += f" ({r['termination']} in stage {r['stopped_in']}{gap})"
        print(
            f"| {size:,} | {r['build']:.1f} | {r['seconds']:.1f} | {status} | {r['renewed']:,} | "
            f"{r['variables']:,} | {r['rows']:,} | {r['peak_mib']:,.0f} MiB | "
            f"{r['budget']:,.2f} GBP |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
