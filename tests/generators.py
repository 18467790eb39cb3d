"""Synthetic but realistic CE catalogues and team rosters, from a fixed seed.

Shared by the tests and the benchmarks (``bench/``, which import this module from the
repository's root).

The shape follows the bundled ``catalog.yaml`` and the Cisco programme it describes:

- tiers ``associate``, ``professional`` (the bundled five paths: 80 credits; 40 + 1 professional
  exam; 40 + 1 core exam; 1 core exam; 2 professional exams) and ``ce-only`` (80 credits alone,
  so that the knapsack part of the problem is exercised on its own);
- a fixed set of exams in USD (core 350-xxx, concentration 300-xxx, associate 200-xxx), some
  retired before ``TODAY`` and some not yet available;
- ``n`` activities whose credits run from 1 to 64 (a tenth in quarter-credit steps), whose prices
  run from free to 4,000 (a fifth priced in USD), with hours, and with ``available_from`` and
  ``expires`` dates scattered from two years before ``TODAY`` to three years after it.

Free items are a small pool (Cisco's own free webinars) that never adds up to a renewal on its
own, so the cheapest plan always has to combine free, cheap and paid items; cheap on-demand
videos are the most common kind of item.

:func:`roster_data` makes a team for those catalogues: people of the three tiers with expiry
dates over two years, two fiscal-year budget periods (amounts left to the caller) and one
fund of Learning Credits. :func:`organisation` makes a whole instance of the team benchmark
(``bench/bench_team.py``): such a catalogue and roster with the money set as one of
:data:`VARIANTS` says, and each person's own one-person plan.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulp

import ceplan

TODAY = dt.date(2026, 11, 29)
EXPIRES = dt.date(2028, 6, 30)
USD_RATE = 0.79
FREE_POOL = 24
"""At most this many free webinars (1 to 3 credits each) in any catalogue."""

PROFESSIONAL_PATHS: list[dict[str, Any]] = [
    {"credits": 80},
    {"credits": 40, "exams": {"professional": 1}},
    {"credits": 40, "exams": {"core": 1}},
    {"exams": {"core": 1}},
    {"exams": {"professional": 2}},
]

# (type, share of the catalogue, credits range, price per credit range, hours per credit range)
KINDS: list[tuple[str, float, tuple[int, int], tuple[float, float], tuple[float, float]]] = [
    ("online-videos", 0.40, (1, 8), (2.0, 9.0), (0.6, 1.2)),
    ("cisco-live-session", 0.15, (1, 4), (8.0, 30.0), (0.75, 1.0)),
    ("online-course", 0.30, (4, 40), (7.0, 25.0), (0.8, 1.4)),
    ("instructor-led", 0.15, (24, 64), (40.0, 62.5), (0.6, 1.0)),
]


def _price(rng: random.Random, credits: float, low: float, high: float) -> float:
    """A shop price for ``credits`` at ``low`` to ``high`` a credit: whole, .99 or .50."""
    value = int(float(credits) * rng.uniform(low, high)) + 1
    ending = rng.choice((0.0, 0.0, -0.01, -0.5))
    return round(min(4000.0, value + ending), 2)


def _credits(rng: random.Random, low: int, high: int) -> float | int:
    if rng.random() < 0.1:
        return rng.randint(low * 4, high * 4) / 4  # quarter-credit steps
    return rng.randint(low, high)


def _dates(rng: random.Random) -> dict[str, dt.date]:
    dates: dict[str, dt.date] = {}
    start = end = None
    if rng.random() < 0.3:
        start = TODAY + dt.timedelta(days=rng.randint(-730, 900))
    if rng.random() < 0.4:
        end = TODAY + dt.timedelta(days=rng.randint(-500, 1200))
    if start is not None and end is not None and start > end:
        start, end = end, start
    if start is not None:
        dates["available_from"] = start
    if end is not None:
        dates["expires"] = end
    return dates


def _exams(rng: random.Random) -> list[dict[str, Any]]:
    exams: list[dict[str, Any]] = []
    groups = [
        ("associate", "200", 4, (300,)),
        ("core", "350", 8, (400, 400, 400, 450, 375)),
        ("professional", "300", 30, (300, 300, 300, 250, 350)),
    ]
    for kind, series, count, prices in groups:
        numbers = rng.sample(range(100, 1000), count)
        for number in sorted(numbers):
            exam: dict[str, Any] = {
                "id": f"exam-{series}-{number}",
                "title": f"Cisco {kind} exam {series}-{number}",
                "kind": kind,
                "cost": rng.choice(prices),
                "currency": "USD",
                "hours": rng.choice((40, 60, 80, 100, 120)),
            }
            roll = rng.random()
            if roll < 0.15:  # an old version, retired before today
                exam["retires"] = TODAY - dt.timedelta(days=rng.randint(1, 700))
            elif roll < 0.25:  # a new exam, not yet open
                exam["available_from"] = TODAY + dt.timedelta(days=rng.randint(30, 1200))
            elif roll < 0.35:  # retires during the planning window or after it
                exam["retires"] = TODAY + dt.timedelta(days=rng.randint(30, 1200))
            exams.append(exam)
    return exams


def catalog_data(n: int, seed: int) -> dict[str, Any]:
    """A schema-1 catalogue with ``n`` activities, as plain data (dates as ``datetime.date``)."""
    # The seed's text is the one the benchmark figures in the README were made with: kept.
    rng = random.Random(f"ceplan-bench-{n}-{seed}")
    activities: list[dict[str, Any]] = []
    free = min(FREE_POOL, max(1, n // 25))
    for index in range(free):
        activities.append(
            {
                "id": f"webinar-{index:05d}",
                "title": f"Free webinar {index}",
                "type": "webinar",
                "credits": rng.randint(1, 3),
                "cost": 0,
                "hours": rng.choice((1, 1.5, 2, 3)),
                **_dates(rng),
            }
        )
    types = [kind[0] for kind in KINDS]
    weights = [kind[1] for kind in KINDS]
    table = {kind[0]: kind for kind in KINDS}
    for index in range(free, n):
        kind = rng.choices(types, weights)[0]
        _, _, (c_low, c_high), (p_low, p_high), (h_low, h_high) = table[kind]
        credits = _credits(rng, c_low, c_high)
        item: dict[str, Any] = {
            "id": f"{kind}-{index:05d}",
            "title": f"{kind.replace('-', ' ').capitalize()} number {index}",
            "type": kind,
            "credits": credits,
        }
        price = _price(rng, credits, p_low, p_high)
        if rng.random() < 0.2:  # listed in US dollars
            item["cost"] = round(price / USD_RATE, 2)
            item["currency"] = "USD"
        else:
            item["cost"] = price
        if rng.random() < 0.9:
            item["hours"] = round(2 * float(credits) * rng.uniform(h_low, h_high)) / 2
        item.update(_dates(rng))
        activities.append(item)
    rng.shuffle(activities)
    return {
        "schema": 1,
        "programme": f"Benchmark programme ({n} activities, seed {seed})",
        "currency": "GBP",
        "exchange_rates": {"USD": USD_RATE},
        "rates_as_of": TODAY,
        "as_of": TODAY,
        "processing_days": 7,
        "tiers": {
            "associate": {
                "label": "Associate",
                "period_years": 3,
                "paths": [{"credits": 30}, {"exams": {"associate": 1}}, {"exams": {"core": 1}}],
            },
            "professional": {
                "label": "Professional",
                "period_years": 3,
                "paths": PROFESSIONAL_PATHS,
            },
            "ce-only": {"label": "Professional, CE credits only", "paths": [{"credits": 80}]},
        },
        "exams": _exams(rng),
        "activities": activities,
    }


def roster_data(people: int, seed: int = 0) -> dict[str, Any]:
    """A schema-1 roster of ``people`` people, as plain data (budget amounts 0: set them)."""
    rng = random.Random(seed)
    members = []
    for n in range(people):
        members.append(
            {
                "id": f"p{n:04d}",
                "name": f"Person {n}",
                "tier": rng.choice(["associate", "professional", "professional", "ce-only"]),
                "expires": TODAY + dt.timedelta(days=rng.randint(150, 760)),
                "earned": rng.choice([0, 0, 10, 24]),
                "priority": rng.choice([1, 1, 2, 3]),
            }
        )
    return {
        "schema": 1,
        "team": f"Benchmark team of {people}",
        "budgets": [
            {"name": "FY1", "start": dt.date(2026, 4, 1), "end": dt.date(2027, 3, 31), "amount": 0},
            {"name": "FY2", "start": dt.date(2027, 4, 1), "end": dt.date(2028, 3, 31), "amount": 0},
        ],
        "funds": [
            {
                "name": "CLC",
                "amount": 100 * people,
                "currency": "USD",
                "expires": dt.date(2027, 6, 30),
                "pays_for": ["activities"],
            }
        ],
        "people": members,
    }


def market_split() -> pulp.LpProblem:
    """A market-split problem (40 binaries, 5 rows): CBC searches it for far longer than 10 s."""
    rng = random.Random(7)
    problem = pulp.LpProblem("market_split", pulp.LpMinimize)
    x = [problem.add_variable(f"x{j}", 0, 1, cat=pulp.LpBinary) for j in range(40)]
    slack = []
    for i in range(5):
        a = [rng.randint(0, 99) for _ in x]
        over = problem.add_variable(f"over{i}", 0, None)
        under = problem.add_variable(f"under{i}", 0, None)
        slack += [over, under]
        problem += (
            pulp.lpSum(c * v for c, v in zip(a, x, strict=True)) + over - under == sum(a) // 2,
            f"split{i}",
        )
    problem.setObjective(pulp.lpSum(slack))
    return problem


ORGANISATION_ACTIVITIES = 500
"""The activities in the catalogue of every :func:`organisation` (the team benchmark's size)."""

VARIANTS = ("ample", "tight", "hours")
"""The kinds of :func:`organisation`: how much money there is, and whether people have weekly
hours."""

WEEKLY_HOURS = (1.5, 2.0, 2.5, 3.0, 3.5, 4.0)
"""The weekly study hours drawn for each person of an ``hours`` organisation: few enough that
the weekly limit changes some people's own plans."""


@dataclass(frozen=True)
class OwnPlan:
    """A person's one-person plan (:func:`ceplan.optimise`): its cost and its items' ids."""

    cost: float
    items: tuple[str, ...]


@dataclass(frozen=True)
class Organisation:
    """An instance of the team benchmark, as plain data, with each person's own plan."""

    catalog: dict[str, Any]
    roster: dict[str, Any]
    own: dict[str, OwnPlan | None]
    """By person id: their one-person plan, or ``None`` when they have none."""


def own_plans(
    catalog: ceplan.Catalog, people: Sequence[Mapping[str, Any]], today: dt.date = TODAY
) -> dict[str, OwnPlan | None]:
    """Each person's one-person plan, by id; people with the same inputs are planned once.

    ``people`` are roster entries as plain data; everything in an entry but its id, name and
    priority is an input to the plan.
    """
    made: dict[str, OwnPlan | None] = {}
    found: dict[str, OwnPlan | None] = {}
    for entry in people:
        person = ceplan.Person.model_validate(entry)
        key = person.model_dump_json(exclude={"id", "name", "priority"})
        if key not in made:
            plan = ceplan.optimise(catalog, person.tier, today=today, **person.inputs())
            own = OwnPlan(plan.total_cost, tuple(item.id for item in plan.planned))
            made[key] = own if plan.found else None
        found[person.id] = made[key]
    return found


def organisation(people: int, seed: int = 0, variant: str = "ample") -> Organisation:
    """An organisation of ``people`` for the team benchmark, the same for the same arguments.

    The catalogue is :func:`catalog_data` of :data:`ORGANISATION_ACTIVITIES` activities and the
    roster :func:`roster_data`, both from ``seed``; the money depends on ``variant``, where
    "everyone's own cost" is what renewing each person at their own cheapest would cost
    (:func:`own_plans`):

    - ``ample``: each of the two budget periods holds 30% of everyone's own cost (60% over the
      two years), and the fund of Learning Credits 100 USD a head (the benchmark's first
      instances, unchanged);
    - ``tight``: each period holds 12% of everyone's own cost, and the fund 20 USD a head;
    - ``hours``: as ``ample``, with weekly study hours for everyone (drawn from
      :data:`WEEKLY_HOURS`); their own costs are those of their own plans over time.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}: one of {', '.join(VARIANTS)}")
    catalog = catalog_data(ORGANISATION_ACTIVITIES, seed)
    roster = roster_data(people, seed)
    if variant == "hours":
        rng = random.Random(f"ceplan-weekly-hours-{seed}")
        for person in roster["people"]:
            person["hours_per_week"] = rng.choice(WEEKLY_HOURS)
    own = own_plans(ceplan.Catalog.model_validate(catalog), roster["people"])
    everyone = sum(plan.cost for plan in own.values() if plan is not None)
    share = 0.12 if variant == "tight" else 0.3
    for budget in roster["budgets"]:
        budget["amount"] = round(everyone * share, 2)
    if variant == "tight":
        roster["funds"][0]["amount"] = 20 * people
    return Organisation(catalog, roster, own)
