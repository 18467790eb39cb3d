"""Yearly targets (``per_year`` with ``hard: false``): when a plan's items are aimed to finish.

The rules, from :mod:`ceplan.planning.years`: a target never changes which items a plan takes
(so a plan is the same with the target removed); each item is aimed at a day between today (or
the day it becomes available) and its do-by date; the aims leave the least total shortfall
below the targets over the cycle years not over yet, and among those move the items the fewest
days earlier in all. The reference here searches every placement of the plan's items, from the
plan's items and the catalogue as data, and does not call the placement code.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import math
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.cli.main import main
from tests.conftest import examples
from tests.schema2_generators import TODAY as TODAY_2
from tests.schema2_generators import Scenario
from tests.schema2_reference import Held, Person, cycle_years
from tests.test_schema2_planning import EXPIRES, activity, catalogue, plan_of, tier, valid

TODAY = dt.date(2026, 12, 7)
MOST_PLACEMENTS = 4096
"""Placements the reference searches at most (an example with more is skipped)."""


def without_targets(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with every yearly target (``hard: false``) removed."""
    data = copy.deepcopy(data)
    for rule in data["tiers"].values():
        if not rule.get("per_year", {"hard": True})["hard"]:
            del rule["per_year"]
    return data


def soft_tiers(data: dict[str, Any], plan: ceplan.Plan) -> dict[str, float]:
    """The tiers of ``plan`` renewed by their own paths with a target, and the target."""
    rules = data["tiers"]
    own = [held.tier for held in plan.held if held.renewed_through is None]
    return {
        t: rules[t]["per_year"]["credits"]
        for t in own
        if "per_year" in rules[t] and not rules[t]["per_year"]["hard"]
    }


def best_placement(
    data: dict[str, Any], scenario: Scenario, plan: ceplan.Plan
) -> tuple[float, float, int]:
    """The least (shortfall, credit-days moved earlier, id ranks moved) over every placement.

    Searched exhaustively; an item's rank is its place among the placed items' sorted ids.
    """
    targets = soft_tiers(data, plan)
    years = {(y.tier, y.year): (y.first, y.last) for y in plan.year_targets}
    starts = {a["id"]: a.get("available_from") for a in data["activities"]}
    options: list[list[dt.date]] = []
    placed: list[tuple[dict[str, float], dt.date, float, str]] = []
    for item in plan.planned:
        toward = {c.tier: c.credits for c in item.counts_toward if c.tier in targets}
        if item.is_exam or not toward:
            continue
        today = scenario.person.today
        first = max(today, starts.get(item.id) or today)
        ends = {last for _, last in years.values() if first <= last < item.complete_by}
        options.append(sorted({item.complete_by, *ends}))
        placed.append((toward, item.complete_by, item.credits, item.id))
    assume(math.prod(len(o) for o in options) <= MOST_PLACEMENTS)
    rank = {item_id: n for n, item_id in enumerate(sorted(p[3] for p in placed), start=1)}
    best: tuple[float, float, int] | None = None
    for days in itertools.product(*options):
        got = dict.fromkeys(years, 0.0)
        for (toward, *_), day in zip(placed, days, strict=True):
            for (t, year), (first, last) in years.items():
                if first <= day <= last:
                    got[(t, year)] += toward.get(t, 0.0)
        short = math.fsum(
            max(0.0, targets[t] - earned(scenario, t, year) - got[(t, year)]) for t, year in years
        )
        pairs = list(zip(placed, days, strict=True))
        moved = math.fsum((do_by - day).days * size for (_, do_by, size, _), day in pairs)
        ranks = sum(rank[item_id] for (_, do_by, _, item_id), day in pairs if day < do_by)
        key = (round(short, 6), round(moved, 6), ranks)
        best = key if best is None or key < best else best
    return best if best is not None else (planned_shortfall(data, scenario, plan), 0.0, 0)


def earned(scenario: Scenario, tier_id: str, year: int) -> float:
    return float(scenario.person.held[tier_id].earned_per_year.get(year, 0))


def planned_shortfall(data: dict[str, Any], scenario: Scenario, plan: ceplan.Plan) -> float:
    """The plan's own shortfall, from each item's aim (or do-by) day and its claims."""
    targets = soft_tiers(data, plan)
    total = 0.0
    for year in plan.year_targets:
        got = math.fsum(
            claim.credits
            for item in plan.planned
            for claim in item.counts_toward
            if claim.tier == year.tier
            and not item.is_exam
            and year.first <= (item.aim_by or item.complete_by) <= year.last
        )
        total += max(0.0, targets[year.tier] - earned(scenario, year.tier, year.year) - got)
    return round(total, 6)


@st.composite
def with_targets(draw: st.DrawFn) -> Scenario:
    """One or two tiers of three years, each with a yearly target, and a cycle under way.

    The activities (some shared between the tiers, some with a window of their own) are what
    a plan must place: a target of up to 40 against paths of 20 to 60 credits.
    """
    names = ["alpha", "beta"][: draw(st.integers(1, 2))]
    tiers = {
        name: {
            "label": name,
            "period_years": 3,
            "paths": [{"credits": draw(st.sampled_from([20, 30, 45, 60]))}],
            "per_year": {"credits": draw(st.sampled_from([5, 10, 20])), "hard": False},
            "source": "EXAMPLE figure",
        }
        for name in names
    }
    activities = []
    for n in range(draw(st.integers(2, 6))):
        window = sorted(draw(st.lists(st.integers(0, 3 * 365), min_size=2, max_size=2)))
        activity: dict[str, Any] = {
            "id": f"act-{n}",
            "title": f"Activity {n}",
            "type": "course",
            "credits": draw(st.sampled_from([5, 10, 15, 20, 30])),
            "cost": draw(st.sampled_from([0, 10, 25])),
            "source": "EXAMPLE figure",
        }
        if draw(st.integers(0, 3)) == 0:
            activity["available_from"] = TODAY_2 + dt.timedelta(days=window[0])
        if draw(st.integers(0, 3)) == 0:
            activity["expires"] = TODAY_2 + dt.timedelta(days=window[1])
        if len(names) > 1 and draw(st.booleans()):
            activity["counts_for"] = [draw(st.sampled_from(names))]
        activities.append(activity)
    data = {
        "schema": 2,
        "programme": "Test programme",
        "currency": "USD",
        "as_of": TODAY_2,
        "shares_credits": draw(st.booleans()),
        "tiers": tiers,
        "activities": activities,
    }
    held = {}
    for name in names:
        expires = TODAY_2 + dt.timedelta(days=draw(st.integers(200, 3 * 365 - 1)))
        spans = cycle_years(expires, 3, "award")
        per_year = {  # credits earned only in the first two years, once begun
            year: n
            for year in (1, 2)
            if spans[year - 1][0] <= TODAY_2 and (n := draw(st.sampled_from([0, 0, 5, 10])))
        }
        held[name] = Held(expires=expires, earned=sum(per_year.values()), earned_per_year=per_year)
    return Scenario(data, Person(today=TODAY_2, held=held))


@settings(max_examples=examples(30))
@given(with_targets())
def test_aims_leave_the_least_shortfall_then_move_items_the_least(scenario: Scenario) -> None:
    data, person = scenario.catalogue, scenario.person
    assume(valid(data))
    plan = plan_of(data, person)
    assume(plan.found and not plan.already_met and soft_tiers(data, plan))
    plain = plan_of(without_targets(data), person)
    assert [i.id for i in plan.planned] == [i.id for i in plain.planned]
    assert plan.total_cost == plain.total_cost
    assert [i.complete_by for i in plan.planned] == [i.complete_by for i in plain.planned]
    for item in plan.planned:
        if item.aim_by is not None:
            assert person.today <= item.aim_by < item.complete_by
    aimed = [(i, i.aim_by) for i in plan.planned if i.aim_by is not None]
    moved = math.fsum((i.complete_by - day).days * i.credits for i, day in aimed)
    soft = soft_tiers(data, plan)
    placed = sorted(
        i.id for i in plan.planned if not i.is_exam and any(c.tier in soft for c in i.counts_toward)
    )
    ranks = sum(placed.index(i.id) + 1 for i, _ in aimed)
    got = (planned_shortfall(data, scenario, plan), round(moved, 6), ranks)
    assert got == best_placement(data, scenario, plan)
    for year in plan.year_targets:
        short = not year.met
        said = f"{year.tier}: cycle year {year.year} ({year.first}"
        assert short == any(w.startswith(said) for w in plan.warnings)


# -- by hand --------------------------------------------------------------------------------


def cissp_like() -> ceplan.Catalog:
    """40 a year asked, 120 in three years; two courses and a free webinar."""
    return ceplan.Catalog.model_validate(
        catalogue(
            {"cissp": tier({"credits": 120}, per_year={"credits": 40, "hard": False})},
            [
                activity("course-a", 60, 100),
                activity("course-b", 50, 100),
                activity("webinar", 10, 0),
            ],
        )
    )


def test_a_target_places_the_item_that_fills_the_year_moving_it_least() -> None:
    # Expires 2028-06-30: year 2 runs 2026-07-01 to 2027-06-30, year 3 2027-07-01 to 2028-06-30
    # (year 1 is over). All three items are needed (120 credits). Year 2 needs 40: course-a
    # (60) or course-b (50) alone fills it; the webinar (10) does not, and with course-b it
    # moves 60 credits 366 days earlier, more than course-b alone (50). So course-b is aimed at
    # the end of year 2, and year 3 keeps the other 70.
    plan = ceplan.optimise(cissp_like(), "cissp", expires=EXPIRES, today=TODAY)
    assert plan.status == "optimal" and plan.warnings == ()
    aimed = {item.id: item.aim_by for item in plan.planned if item.aim_by is not None}
    assert aimed == {"course-b": dt.date(2027, 6, 30)}
    years = {(y.year, y.first, y.last): (y.planned, y.met) for y in plan.year_targets}
    assert years == {
        (2, dt.date(2026, 7, 1), dt.date(2027, 6, 30)): (50, True),
        (3, dt.date(2027, 7, 1), dt.date(2028, 6, 30)): (70, True),
    }


def test_earned_in_a_year_counts_and_a_year_that_cannot_be_filled_is_a_warning() -> None:
    # With 10 earned (in year 2), 110 more are needed: the two courses (fewest items; the free
    # webinar is not needed). Year 2 needs 30 more: course-b (50) moves rather than course-a
    # (60). With an expiry of 2027-09-30 and today 2027-08-01, year 3 is all that is left;
    # years 1 and 2 are over and are neither placed nor warned about.
    plan = ceplan.optimise(
        cissp_like(), "cissp", expires=EXPIRES, today=TODAY, earned=10, earned_per_year={2: 10}
    )
    assert sorted(i.id for i in plan.planned) == ["course-a", "course-b"]
    assert {i.id: i.aim_by for i in plan.planned if i.aim_by} == {"course-b": dt.date(2027, 6, 30)}
    assert [(y.year, y.earned, y.planned) for y in plan.year_targets] == [(2, 10, 50), (3, 0, 60)]
    # 50 of 60 earned: one 20-credit item is needed, and it gives year 3 (the one left) 20 of
    # its 40.
    catalog = ceplan.Catalog.model_validate(
        catalogue(
            {"cissp": tier({"credits": 60}, per_year={"credits": 40, "hard": False})},
            [activity("course", 20, 10)],
        )
    )
    late = ceplan.optimise(catalog, "cissp", expires="2027-09-30", today="2027-08-01", earned=50)
    assert [y.year for y in late.year_targets] == [3]
    assert [w.split(" (")[0] for w in late.warnings] == ["cissp: cycle year 3"]
    assert "20 credits by this plan" in late.warnings[0]


def test_json_and_table_show_the_aims(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["optimise", "--catalog", "isc2", "--tier", "cissp", "--expires", "2028-06-30"]
    argv += ["--today", "2026-12-07"]
    assert main([*argv, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(y["year"], y["met"]) for y in data["year_targets"]] == [(2, True), (3, True)]
    aimed = [a for a in data["activities"] if a["aim_by"] is not None]
    assert aimed and all(a["aim_by"] == "2027-06-30" for a in aimed)
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "aim by" in next(line for line in out.splitlines() if line.startswith("  item "))
    assert "\nYearly targets (not rules" in out
    assert "\n  cissp year 2 (2026-07-01 to 2027-06-30): " in out


def test_between_items_alike_the_first_id_is_aimed_early() -> None:
    # Year 2 needs 10: "w-1" or "w-2" (10 credits each, both needed for the 20) moves the same
    # credit-days; the first in id order is the one aimed early.
    catalog = ceplan.Catalog.model_validate(
        catalogue(
            {"cissp": tier({"credits": 20}, per_year={"credits": 10, "hard": False})},
            [activity("w-2", 10, 0), activity("w-1", 10, 0)],
        )
    )
    plan = ceplan.optimise(catalog, "cissp", expires=EXPIRES, today=TODAY, earned_per_year={})
    assert {i.id: i.aim_by for i in plan.planned if i.aim_by} == {"w-1": dt.date(2027, 6, 30)}
