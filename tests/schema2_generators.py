"""Hypothesis strategies for small random schema 2 catalogues and the people who plan with them.

A catalogue is plain data, as a schema 2 YAML file parses to (SPEC 9): categories, paths with
``min`` and ``max``, caps per activity and by type, a credit step, yearly minimums (hard or not),
fees of the three kinds in two currencies, ``renews``, ``shares_credits``, activities with category
splits and ``counts_for``, exams, and one to three tiers. It is kept small (at most ten items) so
that :mod:`tests.schema2_reference` can search it exhaustively, and valid as far as the agreed
schema says: unique ids, kinds named by a path and paths naming existing kinds, splits within the
credits, every credit figure a multiple of ``credit_step``, ``min`` within the path's credits and
its ``max``, ``renews`` without cycles, a ``source`` on every rule and fee.

Like the reference, this module imports nothing from ceplan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.schema2_reference import Held, Person, cycle_years

TODAY = dt.date(2026, 11, 29)
"""The same day as ``tests.generators.TODAY``."""

CATEGORIES = ("group-a", "group-b", "skills")
TIER_IDS = ("alpha", "beta-plus", "gamma")
TYPES = ("webinar", "course", "conference")
KINDS = ("core", "pro")
COSTS = (0, 0, 1, 5, 5, 10, 12.5, 20, 45.99)
FEE_AMOUNTS = (10, 25, 45.5, 135)
EUR_RATE = 1.25
SOURCE = "EXAMPLE figure"


@dataclass(frozen=True)
class Scenario:
    """A catalogue as plain data and a person's inputs."""

    catalogue: dict[str, Any]
    person: Person


def _credits(draw: st.DrawFn, unit: float, low: float, high: float) -> float | int:
    """A credit figure from ``low`` to ``high`` credits in steps of ``unit``."""
    steps = draw(st.integers(round(low / unit), round(high / unit)))
    value = steps * unit
    return int(value) if value == int(value) else value


def _subset(draw: st.DrawFn, pool: tuple[str, ...] | list[str], **kwargs: Any) -> list[str]:
    if not pool:
        return []
    return sorted(draw(st.lists(st.sampled_from(list(pool)), unique=True, **kwargs)))


@st.composite
def _path(
    draw: st.DrawFn, unit: float, categories: tuple[str, ...], kinds: list[str], most: int
) -> dict[str, Any]:
    exams = {k: 1 for k in _subset(draw, kinds, max_size=1) if draw(st.booleans())}
    credits = _credits(draw, unit, 0 if exams else 1, most)
    path: dict[str, Any] = {}
    if credits:
        path["credits"] = credits
        low = _subset(draw, categories, max_size=2)
        high = _subset(draw, categories, max_size=2)
        maxima = {c: _credits(draw, unit, 1, 10) for c in high}
        minima = {}
        room = credits
        for c in low:
            top = min(room, maxima.get(c, room), 4)
            if top >= unit:
                minima[c] = _credits(draw, unit, unit, top)
                room -= minima[c]
        if minima:
            path["min"] = minima
        if maxima:
            path["max"] = maxima
    if exams:
        path["exams"] = exams
    return path


@st.composite
def _tier(
    draw: st.DrawFn,
    name: str,
    later: tuple[str, ...],
    unit: float,
    categories: tuple[str, ...],
    kinds: list[str],
    most: int,
) -> dict[str, Any]:
    """A tier whose paths need at most ``most`` credits."""
    tier: dict[str, Any] = {
        "label": name.upper(),
        "period_years": draw(st.integers(1, 3)),
        "paths": draw(st.lists(_path(unit, categories, kinds, most), min_size=1, max_size=2)),
        "source": SOURCE,
    }
    if draw(st.booleans()):
        tier["cycle"] = draw(st.sampled_from(["award", "calendar"]))
    if draw(st.integers(0, 2)) == 0:
        tier["per_year"] = {"credits": _credits(draw, unit, 1, 4), "hard": draw(st.booleans())}
    caps: dict[str, Any] = {}
    if draw(st.booleans()):
        caps["per_activity"] = _credits(draw, unit, 2, 8)
    if draw(st.booleans()):
        caps["by_type"] = {t: _credits(draw, unit, 2, 10) for t in _subset(draw, TYPES, min_size=1)}
    if caps:
        tier["caps"] = caps
    fees = [
        {
            "amount": draw(st.sampled_from(FEE_AMOUNTS)),
            "per": draw(st.sampled_from(["year", "renewal", "member-year"])),
            **({"currency": "EUR"} if draw(st.booleans()) else {}),
            "source": SOURCE,
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    if fees:
        tier["fees"] = fees
    renews = _subset(draw, later, max_size=2)
    if renews:
        tier["renews"] = renews
    return tier


@st.composite
def _window(draw: st.DrawFn, last_key: str) -> dict[str, dt.date]:
    """Optional ``available_from`` and last day, in order, from a little before TODAY to three
    years after it."""
    days = sorted(draw(st.lists(st.integers(-60, 3 * 365), min_size=2, max_size=2)))
    out = {}
    if draw(st.integers(0, 2)) == 0:
        out["available_from"] = TODAY + dt.timedelta(days=days[0])
    if draw(st.integers(0, 2)) == 0:
        out[last_key] = TODAY + dt.timedelta(days=days[1])
    return out


@st.composite
def _activity(
    draw: st.DrawFn, item_id: str, unit: float, categories: tuple[str, ...], tiers: list[str]
) -> dict[str, Any]:
    credits = _credits(draw, unit, 1, 8)
    split: dict[str, float | int] = {}
    left = credits
    for c in _subset(draw, categories, max_size=2):
        if left >= unit:
            split[c] = _credits(draw, unit, unit, left)
            left -= split[c]
    activity: dict[str, Any] = {
        "id": item_id,
        "title": f"Activity {item_id}",
        "type": draw(st.sampled_from(TYPES)),
        "credits": credits,
        "cost": draw(st.sampled_from(COSTS)),
        "source": SOURCE,
        **draw(_window("expires")),
    }
    if draw(st.booleans()):
        activity["hours"] = draw(st.sampled_from([0, 0.5, 1, 2, 5]))
    if split:
        activity["categories"] = split
    if draw(st.integers(0, 2)) == 0:
        activity["counts_for"] = _subset(draw, tiers, min_size=1)
    if draw(st.integers(0, 4)) == 0:
        activity["currency"] = "EUR"
    return activity


@st.composite
def catalogues(draw: st.DrawFn, max_items: int = 10, max_tiers: int = 3) -> dict[str, Any]:
    """A small schema 2 catalogue as plain data (at most ``max_items`` activities and exams)."""
    step = draw(st.sampled_from([None, 0.25, 1]))
    unit = 1 if step == 1 else draw(st.sampled_from([0.25, 1]))
    categories = CATEGORIES[: draw(st.integers(0, len(CATEGORIES)))]
    tier_ids = list(TIER_IDS[: draw(st.integers(1, max_tiers))])
    n_exams = draw(st.integers(0, min(2, max_items - 1)))
    most = min(8, max_items - n_exams)
    n_activities = draw(st.integers(min(3, most), most))
    exam_kinds = [draw(st.sampled_from(KINDS)) for _ in range(n_exams)]
    kinds = sorted(set(exam_kinds))
    # paths the activities can often meet, for one tier or (unshared) for all at once
    most = max(2, min(12, 3 * n_activities // len(tier_ids)))
    tiers = {
        name: draw(_tier(name, tuple(tier_ids[n + 1 :]), unit, categories, kinds, most))
        for n, name in enumerate(tier_ids)
    }
    named = {k for tier in tiers.values() for path in tier["paths"] for k in path.get("exams", {})}
    for kind in sorted(set(kinds) - named):  # every exam's kind must be named by some path
        tiers[tier_ids[0]]["paths"].append({"exams": {kind: 1}})
    exams = [
        {
            "id": f"exam-{n}",
            "title": f"Exam {n}",
            "kind": kind,
            "cost": draw(st.sampled_from(COSTS)),
            "source": SOURCE,
            **draw(_window("retires")),
            **({"hours": 10} if draw(st.booleans()) else {}),
        }
        for n, kind in enumerate(exam_kinds)
    ]
    catalogue: dict[str, Any] = {
        "schema": 2,
        "programme": "Test programme",
        "currency": "USD",
        "exchange_rates": {"EUR": EUR_RATE},
        "rates_as_of": TODAY,
        "as_of": TODAY,
        "processing_days": draw(st.integers(0, 7)),
    }
    if step is not None:
        catalogue["credit_step"] = step
    if categories:
        catalogue["categories"] = {c: {"label": c.title(), "source": SOURCE} for c in categories}
    shares = draw(st.sampled_from([None, False, True, True]))
    if shares is not None:
        catalogue["shares_credits"] = shares
    catalogue["tiers"] = tiers
    catalogue["exams"] = exams
    catalogue["activities"] = [
        draw(_activity(f"act-{n}", unit, categories, tier_ids)) for n in range(n_activities)
    ]
    return catalogue


@st.composite
def people(draw: st.DrawFn, catalogue: dict[str, Any]) -> Person:
    """A person holding one or more of ``catalogue``'s tiers, with progress in each cycle."""
    tiers = catalogue["tiers"]
    held = {}
    expiry = st.integers(-3, 10) if draw(st.integers(0, 24)) == 0 else st.nothing()
    names = list(tiers) if draw(st.booleans()) else _subset(draw, list(tiers), min_size=1)
    for name in names:
        period = tiers[name].get("period_years", 3)
        # a cycle under way (now and then too late to plan)
        expires = TODAY + dt.timedelta(days=draw(expiry | st.integers(30, 365 * period - 1)))
        spans = cycle_years(expires, period, tiers[name].get("cycle", "award"))
        per_year = {
            year: n
            for year, (first, _) in enumerate(spans, start=1)
            if first <= TODAY and (n := draw(st.sampled_from([0, 2, 3, 5, 5])))
        }
        # what was earned in the cycle holds what was earned in each year of it
        earned = max(draw(st.sampled_from([0, 0, 0, 0.25, 2, 5])), sum(per_year.values()))
        by_category = {}
        left = earned
        for c in _subset(draw, list(catalogue.get("categories", {})), max_size=2):
            by_category[c] = draw(st.sampled_from([0, left // 2, left]))
            left -= by_category[c]
        kinds = sorted({e["kind"] for e in catalogue["exams"]})
        held[name] = Held(
            expires=expires,
            earned=earned,
            earned_by_category={c: n for c, n in by_category.items() if n},
            earned_per_year=per_year,
            passed={k: n for k in kinds if (n := draw(st.integers(0, 1)))},
        )
    ids = [i["id"] for section in ("activities", "exams") for i in catalogue[section]]
    budget = draw(st.none() | st.none() | st.integers(0, 60000))
    return Person(
        today=TODAY,
        held=held,
        exclude=frozenset(draw(st.lists(st.sampled_from(ids), max_size=1))),
        allow_exams=draw(st.integers(0, 7)) > 0,
        processing_days=draw(st.one_of(st.none(), st.integers(0, 7))),
        budget=None if budget is None else budget / 100,
    )


@st.composite
def scenarios(draw: st.DrawFn, max_items: int = 10, max_tiers: int = 3) -> Scenario:
    """A catalogue from :func:`catalogues` and a person from :func:`people`."""
    catalogue = draw(catalogues(max_items=max_items, max_tiers=max_tiers))
    return Scenario(catalogue, draw(people(catalogue)))
