"""Degenerate catalogues: thousands of activities that all cost nothing, many of them alike.

Such catalogues have huge numbers of equally good plans; a solver left to break their ties by
branch and bound over equal items can take very long. Each case below is planned once (with
HiGHS and with CBC) and timed; every plan is checked to cost nothing, to meet its path and to
be irredundant (no item can be dropped with the path still met).

    .venv/bin/python bench/bench_degenerate.py [--size 3000] [--solvers highs,cbc]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ceplan  # noqa: E402

TODAY = dt.date(2026, 11, 29)
EXPIRES = dt.date(2028, 6, 30)
NEED = 80


def activity(index: int, credits: float, hours: float | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"a{index:06d}",
        "title": f"Free activity {index}",
        "type": "webinar",
        "credits": credits,
        "cost": 0,
    }
    if hours is not None:
        item["hours"] = hours
    return item


def case(size: int, make: Callable[[random.Random, int], dict[str, Any]]) -> ceplan.Catalog:
    rng = random.Random(f"degenerate-{size}")
    data = {
        "schema": 1,
        "programme": "Degenerate benchmark",
        "currency": "GBP",
        "tiers": {"t": {"label": "T", "paths": [{"credits": NEED}]}},
        "activities": [make(rng, n) for n in range(size)],
    }
    return ceplan.Catalog.model_validate(data)


CASES: dict[str, Callable[[random.Random, int], dict[str, Any]]] = {
    "all equal (2 credits, 1 h)": lambda rng, n: activity(n, 2, 1),
    "1 to 8 credits, no hours": lambda rng, n: activity(n, rng.choice([1, 2, 3, 4, 5, 8]), None),
    "1 to 8 credits, 1 to 3 h": lambda rng, n: activity(
        n, rng.choice([1, 2, 3, 4, 5, 8]), rng.choice([1, 2, 3])
    ),
    "hours equal to credits (1 to 64)": lambda rng, n: activity(
        n, (c := rng.randint(1, 64)), float(c)
    ),
}


def check(plan: ceplan.Plan) -> None:
    assert plan.status == "optimal", plan.reasons
    assert plan.total_cost == 0
    credits = [item.credits for item in plan.planned]
    assert sum(credits) >= NEED, credits
    assert all(sum(credits) - c < NEED for c in credits), "an item could be dropped"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--solvers", default="highs,cbc")
    args = parser.parse_args()
    solvers = args.solvers.split(",")
    print(f"{args.size:,} free activities, {NEED} credits needed; seconds per plan\n")
    print("| case | weekly hours | " + " | ".join(solvers) + " | items |")
    print("|---|---|" + "---:|" * len(solvers) + "---:|")
    for name, make in CASES.items():
        catalog = case(args.size, make)
        for hours in (None, 5.0):
            cells, items = [], 0
            for solver in solvers:
                start = time.perf_counter()
                plan = ceplan.optimise(
                    catalog, "t", today=TODAY, expires=EXPIRES, hours_per_week=hours, solver=solver
                )
                cells.append(f"{time.perf_counter() - start:.2f}")
                check(plan)
                items = len(plan.planned)
            limit = "none" if hours is None else f"{hours:g} h"
            print(f"| {name} | {limit} | " + " | ".join(cells) + f" | {items} |")


if __name__ == "__main__":
    main()
