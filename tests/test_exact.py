"""The exact dynamic programme for plans without dates (ceplan/exact.py).

It must give the very plan the integer programme proves best, in every stage of the order: the
property tests compare both with an exhaustive search on small catalogues; here they are
compared with each other on larger generated ones, the two kernels (plain Python and numpy) with
each other, and the cases where it steps aside for the integer programme are checked.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.candidates.items import usable_items
from ceplan.solving import exact
from tests import generators
from tests.conftest import TODAY, examples, make_catalog


def without_solver(plan: ceplan.Plan) -> str:
    return json.dumps({**plan.to_dict(), "solver": None})


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("tier", ["professional", "associate", "ce-only"])
def test_the_same_plan_as_the_integer_programme_on_generated_catalogues(
    seed: int, tier: str
) -> None:
    data = generators.catalog_data(400, seed)
    catalog = ceplan.Catalog.model_validate(data)
    for inputs in ({}, {"earned": 23.5}, {"passed": ["core"]}, {"budget": 150}):
        common: dict[str, Any] = {
            "today": generators.TODAY,
            "expires": generators.EXPIRES,
            **inputs,
        }
        fast = ceplan.optimise(catalog, tier, **common)
        assert fast.solver in ("dp", None), fast.solver
        mip = ceplan.optimise(catalog, tier, solver="highs", **common)
        assert without_solver(fast) == without_solver(mip), (tier, seed, inputs)


@settings(max_examples=examples(60))
@given(
    credits=st.lists(st.sampled_from([1, 2, 2.5, 3, 4, 8, 0.25]), min_size=3, max_size=14),
    costs=st.lists(st.sampled_from([0, 5, 10, 10, 20]), min_size=14, max_size=14),
    hours=st.lists(st.sampled_from([0, 1, 2, 3]), min_size=14, max_size=14),
    need=st.integers(1, 20),
)
def test_the_python_and_both_numpy_tables_agree(
    credits: list[float], costs: list[int], hours: list[int], need: int
) -> None:
    catalog = make_catalog(
        activities=[
            {
                "id": f"a{n:02d}",
                "title": "A",
                "type": "t",
                "credits": c,
                "cost": costs[n],
                "hours": hours[n],
            }
            for n, c in enumerate(credits)
        ],
        paths=[{"credits": need}],
    )
    candidates = usable_items(catalog, today=TODAY, complete_by=TODAY + dt.timedelta(days=30))
    rules = {0: catalog.tiers["pro"].paths[0]}
    scale = exact.applies(candidates, list(rules.values()), 0.0)
    assert scale is not None
    python = exact.best_by_path(candidates, rules, 0.0, {}, scale)
    cells, bits = exact._PYTHON_CELLS, exact._KEY_BITS
    try:
        exact._PYTHON_CELLS = 0  # numpy, one key per cell
        vectorised = exact.best_by_path(candidates, rules, 0.0, {}, scale)
        exact._KEY_BITS = 0  # numpy, cost, hours and count apart
        wide = exact.best_by_path(candidates, rules, 0.0, {}, scale)
    finally:
        exact._PYTHON_CELLS, exact._KEY_BITS = cells, bits
    assert python == vectorised == wide


def test_credits_without_a_fine_common_unit_go_to_the_integer_programme() -> None:
    """A third and a seventh of a credit need 21ths, fine; 0.123456789 credits do not."""
    assert exact.credit_scale([1 / 3, 1 / 7]) == 21
    catalog = make_catalog(
        activities=[
            {"id": "a", "title": "A", "type": "t", "credits": 0.123456789, "cost": 1},
            {"id": "b", "title": "B", "type": "t", "credits": 10, "cost": 5},
        ],
        paths=[{"credits": 10.1}],
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY)
    assert (plan.status, plan.solver) == ("optimal", "highs")
    assert [item.id for item in plan.planned] == ["a", "b"]


def test_plans_over_time_and_other_solvers_use_the_integer_programme() -> None:
    catalog = ceplan.load_catalog()
    common: dict[str, Any] = {"today": dt.date(2026, 11, 29), "expires": dt.date(2028, 6, 30)}
    assert ceplan.optimise(catalog, "professional", **common).solver == "dp"
    assert ceplan.optimise(catalog, "professional", hours_per_week=5, **common).solver == "highs"
    assert ceplan.optimise(catalog, "professional", solver="cbc", **common).solver == "cbc"


def test_a_budget_below_the_cheapest_plan_says_what_each_path_costs() -> None:
    catalog = ceplan.load_catalog()
    plan = ceplan.optimise(
        catalog, "professional", today=dt.date(2026, 11, 29), expires=dt.date(2028, 6, 30), budget=1
    )
    mip = ceplan.optimise(
        catalog,
        "professional",
        today=dt.date(2026, 11, 29),
        expires=dt.date(2028, 6, 30),
        budget=1,
        solver="highs",
    )
    assert plan.status == "infeasible" and plan.reasons == mip.reasons
    assert [b.cheapest_cost for b in plan.blocked] == [b.cheapest_cost for b in mip.blocked]
