"""The exact DP under catalogue schema 2 (:mod:`ceplan.planning.held_exact`).

Where :func:`~ceplan.planning.held_exact.why_not_exact` lets it, ``solver="auto"`` plans by the
DP, and the plan is the integer programme's (``solver="highs"``) byte for byte in JSON (its
``solver`` aside) and has the exhaustive reference's key; where it does not, the DP is never
taken. Each rule of the condition is broken once on a plan the DP otherwise makes.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.candidates.held import held_world
from ceplan.planning.held_exact import why_not_exact
from ceplan.requests.held import make_held_request
from tests.conftest import examples
from tests.schema2_generators import TODAY, Scenario, scenarios
from tests.schema2_reference import solve
from tests.test_schema2_planning import catalog_of, inputs_of, key_of, valid

EXPIRES = dt.date(2028, 6, 30)
TAKEN: list[int] = []


def why_not(catalog: ceplan.Catalog, tier: Any, **inputs: Any) -> str | None:
    """The condition, asked of the world the planner builds for these inputs."""
    request = make_held_request(catalog, tier, **inputs)
    return why_not_exact(held_world(catalog, request))


def same_json(auto: ceplan.Plan, milp: ceplan.Plan) -> None:
    """``auto`` (the DP's) is ``milp`` byte for byte in JSON, but for the solver named."""
    assert auto.solver == "dp"
    assert milp.solver == "highs"
    shown = auto.to_json().replace('"solver": "dp"', '"solver": "highs"', 1)
    assert shown == milp.to_json()


def plainer(data: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """``data`` with, now and then, each rule the DP cannot take removed (to reach it often)."""
    data = copy.deepcopy(data)
    for tier in data["tiers"].values():
        if draw(st.integers(0, 3)) and "per_year" in tier:
            tier["per_year"]["hard"] = False
        for path in tier["paths"]:
            if draw(st.integers(0, 3)):
                path.pop("min", None)
            if draw(st.booleans()) and "max" in path:
                path["max"] = {k: 200 for k in path["max"]}
        caps = tier.get("caps", {})
        if draw(st.booleans()) and "by_type" in caps:
            caps["by_type"] = {k: 200 for k in caps["by_type"]}
    return data


@st.composite
def one_tier(draw: st.DrawFn) -> Scenario:
    """A scenario of :func:`~tests.schema2_generators.scenarios` of one tier, made plainer."""
    scenario = draw(scenarios(max_tiers=1))
    return Scenario(plainer(scenario.catalogue, draw), scenario.person)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_tier())
def test_dp_is_the_integer_programme_and_the_reference(scenario: Scenario) -> None:
    data, person = scenario.catalogue, scenario.person
    assume(valid(data))
    catalog = catalog_of(data)
    inputs = inputs_of(person)
    tier = inputs.pop("tier")
    auto = ceplan.optimise(catalog, tier, **inputs)
    milp = ceplan.optimise(catalog, tier, solver="highs", **inputs)
    if (
        auto.status == "infeasible"
        and person.held
        and TODAY > max(h.expires for h in person.held.values())
    ):
        return
    reason = why_not(catalog, tier, **{k: v for k, v in inputs.items()})
    if reason is None and auto.found:
        TAKEN.append(1)
        same_json(auto, milp)
        expected = solve(data, person)
        assert expected is not None
        assert key_of(auto) == expected.key
    else:
        assert auto.solver != "dp"
        assert auto.to_json() == milp.to_json()


# -- larger instances of a generator of its own --------------------------------------------------


def large(seed: int, n: int) -> dict[str, Any]:
    """A catalogue of ``n`` activities the DP takes: one plain tier with everything else.

    Two paths (credits, or an exam and a few credits), ``per_activity`` (activities in one
    class only above it), a ``max`` and ``by_type`` cap with room for every credit, a ``min``
    met by the credits earned, fees of each kind, a soft yearly target, a credit step.
    """
    rng = random.Random(seed)
    activities = []
    for k in range(n):
        credits = rng.choice([0.25, 0.5, 1, 1, 2, 3, 4, 6, 8, 12])
        split = rng.random()
        categories = {}
        if split < 0.4:
            categories = {"group-a": credits}
        elif split < 0.6 and credits <= 6:
            half = round(credits / 2 * 4) / 4
            categories = {"group-a": half, "group-b": credits - half} if half else {}
        elif split < 0.8:
            categories = {"group-b": credits}
        activity: dict[str, Any] = {
            "id": f"a{k:04d}",
            "title": f"A {k}",
            "type": rng.choice(["webinar", "course", "conference"]),
            "credits": credits,
            "cost": 0 if rng.random() < 0.03 else round(credits * rng.uniform(3, 40), 2),
            "hours": rng.choice([0, 0.5, 1, 2, credits]),
        }
        if categories:
            activity["categories"] = {c: v for c, v in categories.items() if v}
        start = TODAY + dt.timedelta(days=rng.randint(-30, 700))
        if rng.random() < 0.3:
            activity["available_from"] = start
        if rng.random() < 0.3:
            activity["expires"] = start + dt.timedelta(days=rng.randint(30, 900))
        activities.append(activity)
    return {
        "schema": 2,
        "programme": "Large",
        "currency": "USD",
        "as_of": TODAY,
        "credit_step": 0.25,
        "categories": {"group-a": {"label": "A"}, "group-b": {"label": "B"}},
        "tiers": {
            "plain": {
                "label": "Plain",
                "paths": [
                    {"credits": 40, "min": {"group-a": 5}, "max": {"group-b": 5000}},
                    {"credits": 10, "exams": {"core": 1}},
                ],
                "per_year": {"credits": 10, "hard": False},
                "caps": {"per_activity": 6, "by_type": {"webinar": 9000}},
                "fees": [
                    {"amount": 50, "per": "year"},
                    {"amount": 20, "per": "renewal"},
                    {"amount": 10, "per": "member-year"},
                ],
            }
        },
        "exams": [
            {"id": f"e{k}", "title": f"E {k}", "kind": "core", "cost": 300 + 40 * k}
            for k in range(3)
        ],
        "activities": activities,
    }


def large_inputs(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    return {
        "today": TODAY,
        "expires": EXPIRES,
        "earned": 5 + rng.choice([0, 0, 3.5, 20]),
        "earned_by_category": {"group-a": 5},
        "budget": rng.choice([None, None, 10_000, 100]),
    }


@pytest.mark.parametrize("seed", range(4))
def test_large_instances_plan_as_the_integer_programme(seed: int) -> None:
    catalog = ceplan.Catalog.model_validate(large(seed, 300))
    inputs = large_inputs(seed)
    assert why_not(catalog, "plain", **inputs) is None
    auto = ceplan.optimise(catalog, "plain", **inputs)
    milp = ceplan.optimise(catalog, "plain", solver="highs", **inputs)
    if milp.status == "infeasible":  # over the budget: the integer programme says why
        assert auto.to_json() == milp.to_json()
        return
    same_json(auto, milp)
    compared = ceplan.compare_paths(catalog, "plain", **inputs)
    by_milp = ceplan.compare_paths(catalog, "plain", solver="highs", **inputs)
    for mine, theirs in zip(compared.plans, by_milp.plans, strict=True):
        if mine.found:
            same_json(mine, theirs)


# -- the condition, each rule broken once ---------------------------------------------------


def base() -> dict[str, Any]:
    """A small catalogue the DP takes, for one tier ``t``."""
    return {
        "schema": 2,
        "programme": "Base",
        "currency": "USD",
        "categories": {"group-a": {"label": "A"}, "group-b": {"label": "B"}},
        "tiers": {
            "t": {
                "paths": [{"credits": 10, "min": {"group-a": 2}, "max": {"group-b": 20}}],
                "caps": {"per_activity": 6, "by_type": {"webinar": 8}},
                "fees": [{"amount": 30, "per": "renewal"}],
            },
            "u": {"paths": [{"credits": 4}], "renews": ["t"]},
        },
        "activities": [
            {"id": "a", "title": "A", "type": "course", "credits": 8, "cost": 40,
             "categories": {"group-a": 8}},
            {"id": "b", "title": "B", "type": "webinar", "credits": 4, "cost": 10,
             "categories": {"group-a": 2, "group-b": 2}},
            {"id": "c", "title": "C", "type": "webinar", "credits": 4, "cost": 12,
             "categories": {"group-b": 4}},
            {"id": "d", "title": "D", "type": "course", "credits": 3, "cost": 9},
        ],
    }  # fmt: skip


INPUTS: dict[str, Any] = {
    "today": TODAY,
    "expires": EXPIRES,
    "earned": 2,
    "earned_by_category": {"group-a": 2},
}


def broken(change: str) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """The base catalogue, tier and inputs with one rule of the condition broken."""
    data, tier, inputs = base(), "t", dict(INPUTS)
    t = data["tiers"]["t"]
    if change == "several tiers":
        tier = ["t", "u"]
        inputs["expires"] = {"t": EXPIRES, "u": EXPIRES}
        inputs["earned"] = {"t": 2, "u": 0}
        inputs["earned_by_category"] = {"t": {"group-a": 2}}
    elif change == "hard yearly minimum":
        t["per_year"] = {"credits": 2, "hard": True}
        inputs["earned_per_year"] = {1: 2}
    elif change == "min not met":
        inputs["earned_by_category"] = {"group-a": 1}
    elif change == "max can bind":
        t["paths"][0]["max"] = {"group-b": 5}
    elif change == "per_activity splits":
        t["caps"]["per_activity"] = 3
    elif change == "by_type can bind":
        t["caps"]["by_type"] = {"webinar": 7.75}
    return data, tier, inputs


def test_the_base_takes_the_dp_and_is_the_integer_programme() -> None:
    data, tier, inputs = broken("nothing")
    catalog = ceplan.Catalog.model_validate(data)
    assert why_not(catalog, tier, **inputs) is None
    auto = ceplan.optimise(catalog, tier, **inputs)
    # 8 more credits, 2 Group A earned: a (8, one class, capped at 6) and d (3) cost 49;
    # b + c (8) cost 22; b + d (7) are short; so b and c, and the renewal fee.
    assert [item.id for item in auto.planned] == ["b", "c"]
    assert auto.total_cost == 52.0
    same_json(auto, ceplan.optimise(catalog, tier, solver="highs", **inputs))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("several tiers", "several tiers held"),
        ("hard yearly minimum", "t: a hard yearly minimum"),
        ("min not met", "t: the min of group-a is not met yet"),
        ("max can bind", "t: the max of group-b can hold credits back"),
        ("per_activity splits", "t: per_activity splits b's credits by choice"),
        ("by_type can bind", "t: the by_type cap of webinar can hold credits back"),
    ],
)
def test_each_rule_broken_keeps_the_integer_programme(change: str, reason: str) -> None:
    data, tier, inputs = broken(change)
    catalog = ceplan.Catalog.model_validate(data)
    assert why_not(catalog, tier, **inputs) == reason
    plan = ceplan.optimise(catalog, tier, **inputs)
    assert plan.found
    assert plan.solver == "highs"


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_solver_named_forces_the_integer_programme(solver: str) -> None:
    catalog = ceplan.Catalog.model_validate(base())
    if solver == "cbc":
        try:
            ceplan.optimise(catalog, "t", solver="cbc", **INPUTS)
        except ceplan.CeplanError:
            pytest.skip("CBC is not installed")
    plan = ceplan.optimise(catalog, "t", solver=solver, **INPUTS)
    assert plan.solver == solver
    assert [item.id for item in plan.planned] == ["b", "c"]


def test_no_plan_within_the_budget_says_why_as_the_integer_programme() -> None:
    catalog = ceplan.Catalog.model_validate(base())
    auto = ceplan.optimise(catalog, "t", budget=40, **INPUTS)
    milp = ceplan.optimise(catalog, "t", budget=40, solver="highs", **INPUTS)
    assert auto.status == "infeasible"
    assert auto.to_json() == milp.to_json()


def test_plans_over_time_and_dated_sessions_never_take_the_dp() -> None:
    # Weekly hours, days away or an activity's dated sessions (of which a plan takes one) are
    # rules the DP does not hold: such a request goes to the integer programme.
    data = {
        "schema": 2,
        "programme": "Test programme",
        "currency": "USD",
        "as_of": "2026-11-29",
        "tiers": {"t": {"label": "T", "period_years": 3, "paths": [{"credits": 20}]}},
        "activities": [
            {"id": "a", "title": "A", "type": "course", "credits": 10, "cost": 5, "hours": 8},
            {
                "id": "b",
                "title": "B",
                "type": "course",
                "credits": 10,
                "cost": 1,
                "hours": 8,
                "sessions": [
                    {"start": "2027-02-01", "end": "2027-02-02"},
                    {"start": "2027-03-01", "end": "2027-03-02"},
                ],
            },
        ],
    }
    catalog = ceplan.Catalog.model_validate(data)
    today, expires = "2026-11-29", "2028-06-30"
    with_sessions = ceplan.optimise(catalog, "t", today=today, expires=expires)
    assert with_sessions.solver == "highs"
    assert sorted(i.id for i in with_sessions.planned) == ["a", "b"]
    data["activities"][1].pop("sessions")
    plain = ceplan.Catalog.model_validate(data)
    assert ceplan.optimise(plain, "t", today=today, expires=expires).solver == "dp"
    timed = ceplan.optimise(plain, "t", today=today, expires=expires, hours_per_week=2)
    assert timed.solver == "highs" and timed.found
