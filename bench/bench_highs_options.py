"""HiGHS options compared on the plans ceplan asks it for: the evidence for ``HIGHS_OPTIONS``.

Each scenario plans one person (``solver="highs"``, so that every plan is a solver's, none the
dynamic programme's) once per option set and per catalogue seed, in this process after a
warm-up; the table gives each option set's total seconds per scenario, and checks that every
option set gives the same plan (same items, same JSON).

    .venv/bin/python bench/bench_highs_options.py [--seeds 3] [--only timed-1k,...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_degenerate  # noqa: E402

import ceplan  # noqa: E402
import ceplan.solving.backends  # noqa: E402
from tests import generators as catalogs  # noqa: E402

OPTION_SETS: dict[str, dict[str, Any]] = {
    "presolve on": {"presolve": "on"},
    "presolve off": {"presolve": "off"},
}

AWAY = [(dt.date(2027, 3, 1), dt.date(2027, 4, 15))]
TWO_YEARS = dt.date(2028, 11, 29)

Plan = Callable[[int], ceplan.Plan]


def generated(size: int, **inputs: Any) -> Plan:
    def plan(seed: int) -> ceplan.Plan:
        catalog = ceplan.Catalog.model_validate(catalogs.catalog_data(size, seed))
        return ceplan.optimise(
            catalog, "professional", today=catalogs.TODAY, solver="highs", **inputs
        )

    return plan


def degenerate(name: str, size: int, hours: float | None) -> Plan:
    def plan(seed: int) -> ceplan.Plan:
        catalog = bench_degenerate.case(size + seed, bench_degenerate.CASES[name])
        return ceplan.optimise(
            catalog,
            "t",
            today=bench_degenerate.TODAY,
            expires=bench_degenerate.EXPIRES,
            hours_per_week=hours,
            solver="highs",
        )

    return plan


SCENARIOS: dict[str, Plan] = {
    "timed-1k": generated(1_000, expires=TWO_YEARS, hours_per_week=0.5, unavailable=AWAY),
    "timed-3k": generated(3_000, expires=TWO_YEARS, hours_per_week=0.5, unavailable=AWAY),
    "4h-1k": generated(1_000, expires=TWO_YEARS, hours_per_week=4),
    "4h-10k": generated(10_000, expires=TWO_YEARS, hours_per_week=4),
    "untimed-100": generated(100, expires=TWO_YEARS),
    "untimed-1k": generated(1_000, expires=TWO_YEARS),
    "untimed-10k": generated(10_000, expires=TWO_YEARS),
    "degenerate-equal": degenerate("all equal (2 credits, 1 h)", 1_000, None),
    "degenerate-mixed-5h": degenerate("1 to 8 credits, 1 to 3 h", 1_000, 5.0),
    "degenerate-hours=credits": degenerate("hours equal to credits (1 to 64)", 1_000, None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(SCENARIOS)
    options = ceplan.solving.backends.HIGHS_OPTIONS
    saved = dict(options)
    print(f"{platform.platform()}, {platform.python_version()}; {args.seeds} seeds each\n")
    print("| scenario | " + " | ".join(OPTION_SETS) + " |")
    print("|---|" + "---:|" * len(OPTION_SETS))
    totals = dict.fromkeys(OPTION_SETS, 0.0)
    try:
        SCENARIOS[names[0]](0)  # warm-up: imports and the first HiGHS model
        for name in names:
            cells, answers = [], []
            for label, chosen in OPTION_SETS.items():
                options.clear()
                options.update(chosen)
                seconds, plans = 0.0, []
                for seed in range(args.seeds):
                    start = time.perf_counter()
                    plan = SCENARIOS[name](seed)
                    seconds += time.perf_counter() - start
                    plans.append(plan.to_json())
                cells.append(f"{seconds:.2f}")
                totals[label] += seconds
                answers.append(plans)
            same = all(a == answers[0] for a in answers)
            print(f"| {name} | " + " | ".join(cells) + " |" + ("" if same else " PLANS DIFFER"))
    finally:
        options.clear()
        options.update(saved)
    print("| **total** | " + " | ".join(f"**{t:.2f}**" for t in totals.values()) + " |")


if __name__ == "__main__":
    main()
