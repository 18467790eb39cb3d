"""Large catalogues as arrays (ceplan/bulk.py) keep exactly the items the object path keeps.

:class:`ceplan.bulk.Usable` does for plans without dates what ``usable_items`` and ``shrink`` do
one item at a time. The two are compared on generated catalogues, with exclusions, credits
earned, exams passed and no exams; and plans made through the arrays are checked against the
exhaustive search of the property tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings

import ceplan
from ceplan import planning
from ceplan.bulk import Usable, columns_of
from ceplan.candidates import shrink, usable_items
from tests import generators
from tests.conftest import examples
from tests.test_properties import Scenario, chosen_ids, oracle, scenarios

CASES: list[dict[str, Any]] = [
    {},
    {"earned": 23.25},
    {"passed": {"core": 1}},
    {"allow_exams": False},
    {"exclude": ["exam-350-146", "online-videos-00010", "webinar-00003"]},
    {"today": dt.date(2027, 9, 1)},
]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("case", CASES, ids=[",".join(case) or "plain" for case in CASES])
def test_the_arrays_keep_what_the_objects_keep(seed: int, case: dict[str, Any]) -> None:
    catalog = ceplan.Catalog.model_validate(generators.catalog_data(3000, seed))
    today = case.get("today", generators.TODAY)
    common: dict[str, Any] = {
        "today": today,
        "complete_by": generators.EXPIRES - dt.timedelta(days=7),
        "unavailable_ids": case.get("exclude", ()),
        "allow_exams": case.get("allow_exams", True),
    }
    bulk = Usable(catalog, **common)
    objects = usable_items(catalog, **common)
    assert [c.id for c in bulk.candidates()] == [c.id for c in objects]
    assert bulk.candidates() == objects
    assert bulk.credits_available == pytest.approx(sum(c.credits for c in objects if not c.is_exam))
    earned, passed = case.get("earned", 0.0), case.get("passed", {})
    for tier in ("professional", "associate", "ce-only"):
        rules = list(catalog.tiers[tier].paths)
        assert bulk.shrunk(rules, earned, passed) == shrink(objects, rules, earned, passed), tier


def test_the_arrays_are_built_once_per_catalogue() -> None:
    catalog = ceplan.Catalog.model_validate(generators.catalog_data(200, 0))
    assert columns_of(catalog) is columns_of(catalog)


@contextmanager
def through_arrays() -> Iterator[None]:
    """Plans without dates go through :mod:`ceplan.bulk` whatever the catalogue's size."""
    original = planning.BULK_ITEMS
    planning.BULK_ITEMS = 0
    try:
        yield
    finally:
        planning.BULK_ITEMS = original


@settings(max_examples=examples(150))
@given(scenario=scenarios())
def test_plans_through_the_arrays_agree_with_exhaustive_search(scenario: Scenario) -> None:
    with through_arrays():
        plan = ceplan.optimise(scenario.catalog(), "pro", **scenario.inputs)
    best = oracle(scenario)
    if best is None:
        assert plan.status == "infeasible"
        return
    assert plan.status == "optimal"
    assert (round(plan.total_cost * 100), chosen_ids(plan)) == (best.cents, best.ids)
    assert plan.path_index == min(best.paths)
