"""Items dropped before the integer programme (:func:`ceplan.planning.held.shrunk`).

The plan of a shrunk world is the plan of the whole one, byte for byte in JSON, and the
exhaustive reference's (``tests/schema2_reference.py``) on random instances; the shrinking is
forced on them (it starts only from :data:`~ceplan.planning.held.SHRINK_FROM` items) with a
core of one to three items per ranking, so that the first plan found is often a poor one.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.candidates.held import held_world
from ceplan.planning import held
from ceplan.requests.held import make_held_request
from ceplan.solving.backends import HighsSolver
from ceplan.status import Deadline
from tests.conftest import examples
from tests.schema2_generators import TODAY, Scenario, scenarios
from tests.schema2_reference import solve
from tests.test_schema2_planning import catalog_of, inputs_of, key_of, valid


@contextmanager
def shrinking(core: int) -> Iterator[None]:
    """Shrink every world, with ``core`` items a ranking first.

    (In a run of the CI profile about half of the random instances lose some items.)
    """
    with (
        mock.patch.object(held, "SHRINK_FROM", 0),
        mock.patch.object(held, "CORE", core),
        mock.patch.object(held, "CORE_SHARE", 1.0),
    ):
        yield


@contextmanager
def not_shrinking() -> Iterator[None]:
    with mock.patch.object(held, "shrunk", lambda world, *args, **kwargs: world):
        yield


def split_aside(plan: ceplan.Plan) -> dict[str, Any]:
    """The plan's JSON, each item's claims by tier without their split into categories.

    Where a cap or a ``max`` trims an item, which of its categories' credits count is one of
    several equal answers, and the solver's pick may differ between two models of the same
    plan; everything else, each tier's credits from each item included, may not.
    """
    data = json.loads(plan.to_json())
    for section in ("activities", "exams"):
        for item in data[section]:
            for claim in item["counts_toward"]:
                claim.pop("categories")
    return data


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(max_items=10, max_tiers=3), core=st.integers(1, 3))
def test_the_plan_is_the_same_with_and_without_shrinking(scenario: Scenario, core: int) -> None:
    data, person = scenario.catalogue, scenario.person
    assume(valid(data))
    catalog = catalog_of(data)
    inputs = inputs_of(person)
    tier = inputs.pop("tier")
    with shrinking(core):
        shrunk = ceplan.optimise(catalog, tier, solver="highs", **inputs)
    with not_shrinking():
        whole = ceplan.optimise(catalog, tier, solver="highs", **inputs)
    assert split_aside(shrunk) == split_aside(whole)
    expected = solve(data, person)
    if expected is not None:
        assert key_of(shrunk) == expected.key


@st.composite
def with_copies(draw: st.DrawFn) -> Scenario:
    """A scenario whose activities come in pairs alike but for their ids (one beats the other)."""
    scenario = draw(scenarios(max_items=5, max_tiers=2))
    data = copy.deepcopy(scenario.catalogue)
    copies = []
    for activity in data.get("activities", []):
        if draw(st.booleans()):
            twin = copy.deepcopy(activity)
            twin["id"] = f"{activity['id']}-twin"
            copies.append(twin)
    data["activities"] = [*data.get("activities", []), *copies]
    return Scenario(data, scenario.person)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_copies(), core=st.integers(1, 3))
def test_items_beaten_by_their_copies_go_only_when_no_best_plan_holds_them(
    scenario: Scenario, core: int
) -> None:
    test_the_plan_is_the_same_with_and_without_shrinking.hypothesis.inner_test(  # type: ignore[attr-defined]
        scenario, core
    )


def bench_like(n: int) -> ceplan.Catalog:
    """One tier, 120 credits of which 90 in Group A, and ``n`` activities: a few free."""
    activities = []
    for k in range(n):
        credits = [1, 2, 4, 8, 16][k % 5]
        group = "group-a" if k % 3 else "group-b"
        activities.append(
            {
                "id": f"a{k:04d}",
                "title": f"A {k}",
                "type": ["course", "webinar"][k % 2],
                "credits": credits,
                "cost": 0 if k % 7 == 0 else 10 + (k * 37) % 90,
                "hours": credits * (1 + k % 3) / 2,
                "categories": {group: credits},
            }
        )
    return ceplan.Catalog.model_validate(
        {
            "schema": 2,
            "programme": "P",
            "currency": "USD",
            "categories": {"group-a": {"label": "A"}, "group-b": {"label": "B"}},
            "tiers": {
                "t": {
                    "label": "T",
                    "paths": [{"credits": 120, "min": {"group-a": 90}, "max": {"group-b": 30}}],
                    "caps": {"by_type": {"webinar": 20}},
                }
            },
            "activities": activities,
        }
    )


def test_a_catalogue_loses_most_items_and_keeps_its_plan() -> None:
    catalog = bench_like(400)
    inputs: dict[str, Any] = {"today": TODAY, "expires": dt.date(2028, 6, 30)}
    world = held_world(catalog, make_held_request(catalog, "t", **inputs), sessions=True)
    with shrinking(5):  # a core of 5 items a ranking (then 20, 80)
        kept = held.shrunk(world, HighsSolver(), Deadline(None))
        shrunk = ceplan.optimise(catalog, "t", solver="highs", **inputs)
    assert len(kept.items) < len(world.items) / 2
    with not_shrinking():
        whole = ceplan.optimise(catalog, "t", solver="highs", **inputs)
    assert split_aside(shrunk) == split_aside(whole)
    assert set(i.id for i in shrunk.planned) <= set(kept.items)


def test_an_item_and_the_one_that_beats_it_stay_when_together_they_are_the_first_plan() -> None:
    """Two copies of one activity are the best plan: the copy beaten by the other stays.

    The core (two items a ranking) holds that plan, so the bound is its own cost, hours and
    count; the beaten copy with its beater comes to exactly as much, not more.
    """
    alike = {"title": "X", "type": "course", "credits": 1, "cost": 10, "hours": 1}
    catalog = ceplan.Catalog.model_validate(
        {
            "schema": 2,
            "programme": "P",
            "currency": "USD",
            "tiers": {"t": {"label": "T", "paths": [{"credits": 2}]}},
            "activities": [
                {"id": "x", **alike},
                {"id": "x-twin", **alike},
                {"id": "y", "title": "Y", "type": "course", "credits": 2, "cost": 25, "hours": 1},
            ],
        }
    )
    inputs: dict[str, Any] = {"today": TODAY, "expires": dt.date(2028, 6, 30)}
    with shrinking(2):
        plan = ceplan.optimise(catalog, "t", solver="highs", **inputs)
    assert [item.id for item in plan.planned] == ["x", "x-twin"]


def test_shrinking_takes_at_most_a_quarter_of_the_time_left_a_step() -> None:
    """With a time limit, the plan itself keeps most of the time (no limit: none is set)."""
    part = held._part_of(Deadline(100.0)).remaining()
    assert part is not None and part <= 25.0
    assert held._part_of(Deadline(None)).remaining() is None
