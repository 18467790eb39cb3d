"""Benchmark one person's plan on catalogue schema 2 (SPEC 9) catalogues of many activities.

Not part of the test run (pytest collects ``tests/`` only). Run from the repository's root::

    .venv/bin/python bench/bench_schema2.py                  # 1,000 activities, three seeds
    .venv/bin/python bench/bench_schema2.py --sizes 1000 5000 --seeds 1

Each seeded catalogue has ISC2's shape and more: two categories (Group A and B) with CISSP's
rules (120 credits, at least 90 Group A, Group B at most 30, 40 from one activity) and CCSP's
(90, at least 60 Group A), a cap by type (webinars at most 20), a member fee, CISA's calendar
cycle with a hard yearly minimum of 20, and activities with random credits, prices, splits,
types, dates and ``counts_for``. Per scenario (CISSP alone; CISSP with 40 Group A earned;
CISSP and CCSP sharing credits; the same without sharing; CISSP over time at 4 hours a week,
and at 1 hour a week with six weeks away; CISA with its yearly minimum)
:func:`ceplan.optimise` is timed (the whole call: inputs, usable items, the model, every stage
of the order), and the plan is checked: found, optimal, within its rules (the planner's own
check runs inside every call).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import ceplan

TODAY = dt.date(2026, 11, 29)
TYPES = ("webinar", "course", "conference", "reading", "podcast")


def catalogue(n: int, seed: int, *, shares: bool = True) -> dict[str, Any]:
    """A schema 2 catalogue of ``n`` activities (see the module docstring)."""
    rng = random.Random(seed)
    activities = []
    for k in range(n):
        kind = rng.choice(TYPES)
        credits = rng.choice([1, 1, 2, 3, 4, 5, 8, 12, 16, 24, 40, 48]) * 1.0
        if rng.random() < 0.1:
            credits += 0.25 * rng.randint(1, 3)
        split = rng.random()
        group_a = round(credits * (1.0 if split < 0.6 else 0.0 if split < 0.8 else 0.5) * 4) / 4
        categories = {}
        if group_a:
            categories["group-a"] = group_a
        if credits - group_a > 0 and rng.random() < 0.8:
            categories["group-b"] = credits - group_a
        start = TODAY + dt.timedelta(days=rng.randint(-200, 900))
        end = start + dt.timedelta(days=rng.randint(30, 900))
        activity: dict[str, Any] = {
            "id": f"act-{k:05d}",
            "title": f"Activity {k}",
            "type": kind,
            "credits": credits,
            "cost": 0
            if credits <= 2 and rng.random() < 0.05
            else round(credits * rng.uniform(5, 60), 2),
            "hours": credits * rng.choice([0.5, 1.0, 1.0, 1.5]),
            "categories": categories,
        }
        if rng.random() < 0.5:
            activity["available_from"] = start
        if rng.random() < 0.5:
            activity["expires"] = end
        if rng.random() < 0.2:
            activity["counts_for"] = rng.sample(["cissp", "ccsp", "cisa"], rng.randint(1, 2))
            activity["counts_for"].append("cpe")
        activities.append(activity)
    fee = [{"amount": 135, "per": "member-year", "source": "EXAMPLE figure"}]
    return {
        "schema": 2,
        "programme": "Benchmark programme",
        "currency": "USD",
        "as_of": TODAY,
        "credit_step": 0.25,
        "categories": {"group-a": {"label": "Group A"}, "group-b": {"label": "Group B"}},
        "shares_credits": shares,
        "tiers": {
            "cissp": {
                "label": "CISSP",
                "paths": [{"credits": 120, "min": {"group-a": 90}, "max": {"group-b": 30}}],
                "per_year": {"credits": 40, "hard": False},
                "caps": {"per_activity": 40, "by_type": {"webinar": 20}},
                "fees": fee,
            },
            "ccsp": {
                "label": "CCSP",
                "paths": [{"credits": 90, "min": {"group-a": 60}, "max": {"group-b": 30}}],
                "caps": {"per_activity": 40},
                "fees": fee,
            },
            "cpe": {
                "label": "Plain CPE",
                "paths": [{"credits": 120}, {"exams": {"cpe": 1}}],
                "caps": {"per_activity": 40},
                "fees": [{"amount": 50, "per": "renewal", "source": "EXAMPLE figure"}],
            },
            "cisa": {
                "label": "CISA",
                "cycle": "calendar",
                "paths": [{"credits": 120}],
                "per_year": {"credits": 20, "hard": True},
                "fees": [{"amount": 45, "per": "year", "source": "EXAMPLE figure"}],
            },
        },
        "activities": activities,
        "exams": [
            {"id": f"cpe-exam-{k}", "title": f"CPE exam {k}", "kind": "cpe", "cost": 3000 + 25 * k}
            for k in range(3)
        ],
    }


PROGRAMMES = ("isc2", "isaca", "pmi")
"""The programmes of the combined person: CISSP, CISA and PMP held at once."""


def combined(n: int, seed: int) -> ceplan.Catalog:
    """ISC2, ISACA and PMI's bundled rules combined, each with ``n // 3`` generated activities.

    Each activity splits its credits over its programme's categories (some in none), with
    random prices, hours, types and windows as :func:`catalogue` draws them.
    """
    rng = random.Random(seed)
    parts = {}
    for name in PROGRAMMES:
        data = ceplan.load_catalog(name).model_dump(mode="json", exclude_none=True)
        data["schema"] = data.pop("schema_")
        names = sorted(data.get("categories", {}))
        kinds = sorted(
            {kind for tier in data["tiers"].values() for kind in tier["caps"].get("by_type", {})}
        )
        activities = []
        for k in range(n // len(PROGRAMMES)):
            credits = rng.choice([1, 1, 2, 3, 4, 5, 8, 12, 16, 24, 40]) * 1.0
            categories = {}
            if names and rng.random() < 0.85:
                first = rng.choice(names)
                categories[first] = credits
                if credits >= 2 and rng.random() < 0.3:
                    second = rng.choice(names)
                    if second != first:
                        categories[first] = credits / 2
                        categories[second] = credits / 2
            start = TODAY + dt.timedelta(days=rng.randint(-200, 900))
            activity: dict[str, Any] = {
                "id": f"{name}-act-{k:05d}",
                "title": f"Activity {k}",
                "type": rng.choice([*kinds, "course", "course", "webinar", "reading"]),
                "credits": credits,
                "cost": round(credits * rng.uniform(5, 60), 2),
                "hours": credits * rng.choice([0.5, 1.0, 1.0, 1.5]),
                "categories": categories,
            }
            if rng.random() < 0.5:
                activity["available_from"] = start
            if rng.random() < 0.5:
                activity["expires"] = start + dt.timedelta(days=rng.randint(30, 900))
            activities.append(activity)
        data["activities"] = activities
        data["exams"] = []
        parts[name] = ceplan.Catalog.model_validate(data)
    return ceplan.combine_catalogs(parts)


SCENARIOS: dict[str, tuple[bool | None, Callable[[], dict[str, Any]]]] = {
    "cissp": (True, lambda: {"tier": "cissp", "expires": dt.date(2028, 6, 30)}),
    "cissp, 40 A earned": (
        True,
        lambda: {
            "tier": "cissp",
            "expires": dt.date(2028, 6, 30),
            "earned": 40,
            "earned_by_category": {"group-a": 40},
        },
    ),
    "cissp + ccsp shared": (
        True,
        lambda: {
            "tier": ["cissp", "ccsp"],
            "expires": {"cissp": dt.date(2028, 6, 30), "ccsp": dt.date(2029, 3, 31)},
        },
    ),
    "cissp + ccsp unshared": (
        False,
        lambda: {
            "tier": ["cissp", "ccsp"],
            "expires": {"cissp": dt.date(2028, 6, 30), "ccsp": dt.date(2029, 3, 31)},
        },
    ),
    "cissp, 4 h/week": (
        True,
        lambda: {"tier": "cissp", "expires": dt.date(2028, 6, 30), "hours_per_week": 4},
    ),
    "cissp, 1 h/week, away": (
        True,
        lambda: {
            "tier": "cissp",
            "expires": dt.date(2028, 6, 30),
            "hours_per_week": 1,
            "unavailable": ["2027-03-01:2027-04-15"],
        },
    ),
    "cpe (exact DP)": (True, lambda: {"tier": "cpe", "expires": dt.date(2028, 6, 30)}),
    "cisa, hard years": (
        True,
        lambda: {
            "tier": "cisa",
            "expires": dt.date(2028, 12, 31),
            "earned": 20,
            "earned_per_year": {1: 20},
        },
    ),
    "cissp + cisa + pmp": (
        None,
        lambda: {
            "tier": ["cissp", "cisa", "pmp"],
            "expires": {
                "cissp": dt.date(2028, 6, 30),
                "cisa": dt.date(2028, 12, 31),
                "pmp": dt.date(2029, 3, 31),
            },
        },
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", nargs="+", help="the scenarios to run (default: all)")
    parser.add_argument("--solver", default="auto", help="auto (default), highs or cbc")
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, {platform.machine()}, ceplan {ceplan.__version__}")
    print(f"{'activities':>10}  {'scenario':<24} {'median s':>9} {'max s':>7}  solver  plans")
    failed = False
    for size in args.sizes:
        for name, (shares, make) in SCENARIOS.items():
            if args.only and name not in args.only:
                continue
            times, costs, solvers = [], [], set()
            for seed in range(args.seeds):
                if shares is None:
                    catalog = combined(size, seed)
                else:
                    catalog = ceplan.Catalog.model_validate(catalogue(size, seed, shares=shares))
                inputs = make()
                tier = inputs.pop("tier")
                started = time.perf_counter()
                plan = ceplan.optimise(catalog, tier, today=TODAY, solver=args.solver, **inputs)
                times.append(time.perf_counter() - started)
                solvers.add(plan.solver or "-")
                if plan.status != "optimal":
                    failed = True
                    costs.append(f"{plan.status}: {'; '.join(plan.reasons)}")
                else:
                    costs.append(f"{plan.total_cost:.2f} ({len(plan.planned)} items)")
            print(
                f"{size:>10}  {name:<24} {statistics.median(times):>9.2f} {max(times):>7.2f}  "
                + "/".join(sorted(solvers))
                + "  "
                + ", ".join(costs),
                flush=True,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
