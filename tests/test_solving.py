"""The model's structure (no solve) and the tie-break stages on hand-made ties."""

from __future__ import annotations

import datetime as dt

import pytest

import ceplan
from ceplan.candidates import Candidate
from ceplan.catalog import PathRule
from ceplan.formulation import build_formulation

from .conftest import TODAY, make_catalog


def candidate(item_id: str, credits: float = 0, *, kind: str | None = None) -> Candidate:
    return Candidate(
        id=item_id,
        is_exam=kind is not None,
        kind=kind,
        credits=credits,
        cents=100,
        hours=1.0,
        do_by=TODAY,
    )


def test_constraint_families_are_named_from_the_data() -> None:
    formulation = build_formulation(
        [candidate("course.a", 10), candidate("encor", kind="core")],
        {0: PathRule(credits=80), 1: PathRule(credits=40, exams={"core": 1})},
        budget_cents=50_000,
    )
    names = {c.name for c in formulation.problem.constraints()}
    assert names == {"one_path", "credits_needed", "exam_kind_core", "budget"}
    assert set(formulation.take) == {"course.a", "encor"}
    assert {v.name for v in formulation.take.values()} == {"take_course_a", "take_encor"}
    assert set(formulation.choose_path) == {0, 1}


def test_the_model_has_no_budget_row_without_a_budget() -> None:
    formulation = build_formulation([candidate("a", 1)], {0: PathRule(credits=1)})
    assert "budget" not in {c.name for c in formulation.problem.constraints()}


def activity(item_id: str, credits: float, cost: float, hours: float) -> dict[str, object]:
    return {
        "id": item_id,
        "title": item_id,
        "type": "course",
        "credits": credits,
        "cost": cost,
        "hours": hours,
    }


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_fewer_items_win_a_tie_on_cost_and_hours(solver: str) -> None:
    """Four free items, hours = credits, 4 credits needed.

    {b-two-1, b-two-2} and {a-one-1, a-one-2, b-two-x} both cost 0 and take 4 hours; the
    two-item plan wins on item count. (Once broken: the count tie was held with a relative
    slack, which let a three-item plan through and then lost the path.)
    """
    catalog = make_catalog(
        activities=[
            activity("a-one-1", 1, 0, 1),
            activity("a-one-2", 1, 0, 1),
            activity("b-two-1", 2, 0, 2),
            activity("b-two-2", 2, 0, 2),
        ],
        paths=[{"credits": 4}],
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY, solver=solver)
    assert plan.status == "optimal"
    assert [item.id for item in plan.items] == ["b-two-1", "b-two-2"]


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_smallest_ids_win_a_full_tie(solver: str) -> None:
    """Five equal items, 2 needed: the plan is the two smallest ids in sort order."""
    catalog = make_catalog(
        activities=[activity(f"item-{n}", 1, 5, 1) for n in (4, 2, 9, 3, 7)],
        paths=[{"credits": 2}],
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY, solver=solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(10)
    assert [item.id for item in plan.items] == ["item-2", "item-3"]


def test_sorted_ids_compare_element_by_element() -> None:
    """Equal items a, b, c, z; 2 needed: without b the plan is [a, c], without a it is [b, c]."""
    catalog = make_catalog(
        activities=[
            activity("a", 1, 1, 1),
            activity("z", 1, 1, 1),
            activity("b", 1, 1, 1),
            activity("c", 1, 1, 1),
        ],
        paths=[{"credits": 2}],
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY, exclude=["b"])
    assert [item.id for item in plan.items] == ["a", "c"]
    plan = ceplan.optimise(catalog, "pro", today=TODAY, exclude=["a"])
    assert [item.id for item in plan.items] == ["b", "c"]


def test_budget_reason_survives_ties() -> None:
    """Priced 1, 1, 2, 2 with hours = credits; the cheapest 4-credit plan costs 4.00."""
    catalog = make_catalog(
        activities=[
            activity("a-one-1", 1, 1, 1),
            activity("a-one-2", 1, 1, 1),
            activity("b-two-1", 2, 2, 2),
            activity("b-two-2", 2, 2, 2),
        ],
        paths=[{"credits": 4}],
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY, budget=3.99, expires=dt.date(2028, 6, 30))
    assert plan.status == "infeasible"
    assert plan.reasons == ("4 credits: cheapest plan costs 4.00 GBP, budget is 3.99 GBP",)
