"""Large catalogues as arrays (ceplan/bulk.py) keep exactly the items the object path keeps.

:class:`ceplan.candidates.arrays.Usable` does for plans without dates what ``usable_items`` and
``shrink`` do one item at a time. The two are compared on generated catalogues, with exclusions,
credits earned, exams passed and no exams; and plans made through the arrays are checked against the
exhaustive search of the property tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.candidates import arrays as bulk_module
from ceplan.candidates.arrays import Usable, columns_of
from ceplan.candidates.items import (
    Candidate,
    CostPerCredit,
    enough_to_drop,
    shrink,
    usable_items,
    usable_now,
    within_ceiling,
)
from ceplan.planning import person as planning
from tests import generators
from tests.conftest import TODAY, catalog_data, examples
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
    """Plans without dates go through :mod:`ceplan.candidates.arrays` whatever their size."""
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


# -- each rule is one function, for one item or for arrays ---------------------------------------


@settings(max_examples=examples(100))
@given(
    credits=st.lists(
        st.sampled_from([1e-7, 0.25, 1.0, 2.5, 3.0, 8.0, 40.0, 64.0]), min_size=1, max_size=12
    ),
    cents=st.lists(st.sampled_from([0, 1, 99, 500, 1999, 40000]), min_size=12, max_size=12),
    share=st.sampled_from([0.0, 1e-9, 0.1, 0.35, 0.5, 0.8, 1.0, 1.5]),
    limit=st.integers(0, 6),
)
def test_the_rules_give_arrays_what_they_give_each_item(
    credits: list[float], cents: list[int], share: float, limit: int
) -> None:
    """The dominance threshold, the running totals by cost per credit (greedy cost and
    fractional bound) and the price-ceiling test, each written once in ceplan/candidates.py:
    on arrays (as ceplan/bulk.py calls them) they give what they give item by item. The need
    is a share of all the credits, so that most needs fall inside the running totals."""
    need = share * sum(credits)
    day = dt.date(2027, 1, 1)
    items = [
        Candidate(f"a{n:02d}", False, None, c, cents[n], 0.0, day) for n, c in enumerate(credits)
    ]
    array = np.array(credits)
    assert enough_to_drop(array, need, limit).tolist() == [
        enough_to_drop(c, need, limit) for c in credits
    ]
    objects = CostPerCredit.of(items)
    offer = bulk_offer(items)
    arrays = offer.by_cost_per_credit
    assert arrays.greedy(need) == objects.greedy(need)
    asked = np.array([need - c for c in credits])
    with np.errstate(invalid="ignore"):
        bounds = arrays.bound(asked)
    assert bounds.tolist() == [objects.bound(x) for x in asked.tolist()]
    floors = [(need, 0), (need / 2, 100)]
    with np.errstate(invalid="ignore"):
        useful = within_ceiling(floors, arrays.bound, 2000, offer.credits, offer.cents)
    assert useful.tolist() == [
        within_ceiling(floors, objects.bound, 2000, c.credits, c.cents) for c in items
    ]


def bulk_offer(items: list[Candidate]) -> Any:
    """The arrays ceplan/bulk.py makes of a catalogue of ``items``' activities (all usable)."""
    catalog = ceplan.Catalog.model_validate(
        catalog_data(
            activities=[
                {
                    "id": c.id,
                    "title": c.id,
                    "type": "t",
                    "credits": c.credits,
                    "cost": c.cents / 100,
                }
                for c in items
            ]
        )
    )
    usable = Usable(catalog, today=TODAY, complete_by=TODAY + dt.timedelta(days=30))
    return bulk_module._Offer(usable)


@settings(max_examples=examples(100))
@given(
    opens=st.lists(st.integers(-3, 3), min_size=6, max_size=6),
    closes=st.lists(st.integers(-3, 3), min_size=6, max_size=6),
    excluded=st.lists(st.booleans(), min_size=6, max_size=6),
    is_exam=st.lists(st.booleans(), min_size=6, max_size=6),
    allow_exams=st.booleans(),
)
def test_usable_now_gives_arrays_what_it_gives_each_item(
    opens: list[int],
    closes: list[int],
    excluded: list[bool],
    is_exam: list[bool],
    allow_exams: bool,
) -> None:
    window = {"today": 0, "complete_by": 1, "allow_exams": allow_exams}
    arrays = usable_now(
        opens=np.array(opens),
        closes=np.array(closes),
        excluded=np.array(excluded),
        is_exam=np.array(is_exam),
        **window,
    )
    each = [
        usable_now(opens=o, closes=c, excluded=x, is_exam=e, **window)
        for o, c, x, e in zip(opens, closes, excluded, is_exam, strict=True)
    ]
    assert arrays.tolist() == each
    assert all(isinstance(value, bool) for value in each)


def test_the_arrays_keep_nothing_as_the_objects_do_for_a_path_already_met() -> None:
    """Before, the arrays failed (an empty list of positions read as floats) where the
    objects keep nothing: 80 credits earned already meet ``ce-only``."""
    catalog = ceplan.Catalog.model_validate(generators.catalog_data(600, 0))
    common: dict[str, Any] = {"today": generators.TODAY, "complete_by": generators.EXPIRES}
    rules = list(catalog.tiers["ce-only"].paths)
    objects = usable_items(catalog, **common)
    assert shrink(objects, rules, 80.0, {}) == []
    assert Usable(catalog, **common).shrunk(rules, 80.0, {}) == []
