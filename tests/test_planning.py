"""One person's plan (SPEC section 3), on tiny catalogues whose optimum is worked out by hand.

Each solver test states its catalogue and its optimum in the docstring, then checks the status
first, the cost second (``pytest.approx``) and the chosen ids last. The key tests run on both
solvers. Prices are in GBP, the catalogue currency of ``catalog_data``; TODAY is 2026-11-29.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

import ceplan
from tests.conftest import TODAY, catalog_data, make_catalog

SOLVERS = ["auto", "cbc", "highs"]

# The columns of sections 3 and 4 of the SPEC, in this order (later sections may add more).
ACTIVITY_COLUMNS = ["id", "title", "type", "credits", "cost", "hours", "complete_by"]
EXAM_COLUMNS = ["id", "title", "kind", "cost", "hours", "complete_by"]


def in_order(columns: Any, wanted: list[str]) -> bool:
    """Whether ``wanted`` are all among ``columns``, in the same order."""
    present = [column for column in columns if column in wanted]
    return present == wanted


def day(offset: int) -> dt.date:
    """TODAY moved ``offset`` days."""
    return TODAY + dt.timedelta(days=offset)


def act(item_id: str, credits: float, cost: float, **extra: Any) -> dict[str, Any]:
    """An activity as catalogue data."""
    return {
        "id": item_id,
        "title": f"Activity {item_id}",
        "type": "online-course",
        "credits": credits,
        "cost": cost,
        **extra,
    }


def exam(item_id: str, cost: float, kind: str = "professional", **extra: Any) -> dict[str, Any]:
    """An exam as catalogue data."""
    return {"id": item_id, "title": f"Exam {item_id}", "kind": kind, "cost": cost, **extra}


def ids(plan: ceplan.Plan) -> list[str]:
    """The chosen ids, sorted."""
    return sorted(item.id for item in plan.planned)


def plan_for(catalog: ceplan.Catalog, solver: str, **inputs: Any) -> ceplan.Plan:
    """``optimise`` for tier ``pro`` with TODAY and a far expiry unless the test says otherwise."""
    inputs.setdefault("today", TODAY)
    inputs.setdefault("expires", day(365))
    return ceplan.optimise(catalog, "pro", solver=solver, **inputs)


@pytest.fixture(params=SOLVERS)
def solver(request: pytest.FixtureRequest) -> str:
    """Every test that takes ``solver`` runs on CBC and on HiGHS."""
    return str(request.param)


PRO_PATHS = [{"credits": 80}, {"credits": 40, "exams": {"professional": 1}}]


# -- the deadline ------------------------------------------------------------------------------


def test_complete_by_is_expires_minus_processing_days(solver: str) -> None:
    """processing_days 7, expires TODAY+30: complete_by TODAY+23, when an undated item is due.

    One activity (30 credits, 10.00) meets the 30-credit path: cost 10.00.
    """
    catalog = make_catalog(
        activities=[act("a", 30, 10)], paths=[{"credits": 30}], processing_days=7
    )
    plan = plan_for(catalog, solver, expires=day(30))
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(10.0)
    assert ids(plan) == ["a"]
    assert plan.complete_by == day(23)
    assert plan.expires == day(30)
    assert plan.planned[0].complete_by == day(23)


def test_too_late_is_said_once_for_every_path(solver: str) -> None:
    """expires TODAY+6 with 7 processing days: complete_by is yesterday, so no plan for any path."""
    catalog = make_catalog(
        activities=[act("a", 80, 0)], exams=[exam("e", 0)], paths=PRO_PATHS, processing_days=7
    )
    plan = plan_for(catalog, solver, expires=day(6))
    assert plan.status == "infeasible"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []
    assert plan.path is None
    (reason,) = plan.reasons
    assert reason.startswith("too late: everything must be complete by")
    assert str(day(-1)) in reason and str(TODAY) in reason
    (blocked,) = plan.blocked
    assert (blocked.why, blocked.path_index, blocked.text) == ("too_late", None, reason)


def test_complete_by_today_is_not_too_late(solver: str) -> None:
    """expires TODAY+7 with 7 processing days: complete_by is TODAY itself, which still works."""
    catalog = make_catalog(activities=[act("a", 80, 5)], processing_days=7)
    plan = plan_for(catalog, solver, expires=day(7))
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(5.0)
    assert ids(plan) == ["a"]
    assert plan.planned[0].complete_by == TODAY


def test_processing_days_override(solver: str) -> None:
    """Catalogue processing_days 7, expires TODAY+30: complete_by TODAY+23.

    ``late`` (80 credits, free) becomes available on TODAY+27, after TODAY+23, so by default the
    plan is ``paid`` (80 credits, 50.00). With processing_days=0 the deadline is TODAY+30 and
    ``late`` (0.00) is usable, due by TODAY+30. With processing_days=31 it is too late.
    """
    catalog = make_catalog(
        activities=[act("late", 80, 0, available_from=day(27)), act("paid", 80, 50)],
        processing_days=7,
    )
    default = plan_for(catalog, solver, expires=day(30))
    assert default.status == "optimal"
    assert default.total_cost == pytest.approx(50.0)
    assert ids(default) == ["paid"]
    assert default.complete_by == day(23)

    override = plan_for(catalog, solver, expires=day(30), processing_days=0)
    assert override.status == "optimal"
    assert override.total_cost == pytest.approx(0.0)
    assert ids(override) == ["late"]
    assert override.complete_by == day(30)
    assert override.planned[0].complete_by == day(30)

    too_late = plan_for(catalog, solver, expires=day(30), processing_days=31)
    assert too_late.status == "infeasible"
    assert "too late" in too_late.reasons[0]


# -- which items can be used, and by when ------------------------------------------------------


def test_activity_that_expired_before_today_is_not_used(solver: str) -> None:
    """``old`` (free) expired yesterday; ``new`` (80 credits, 20.00) is the only choice: 20.00."""
    catalog = make_catalog(activities=[act("old", 80, 0, expires=day(-1)), act("new", 80, 20)])
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(20.0)
    assert ids(plan) == ["new"]


def test_activity_that_expires_today_is_used_and_due_today(solver: str) -> None:
    """``last`` (free) expires TODAY (``expires >= today``), so it is used, due TODAY: 0.00."""
    catalog = make_catalog(activities=[act("last", 80, 0, expires=TODAY), act("new", 80, 20)])
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == ["last"]
    assert plan.planned[0].complete_by == TODAY


def test_available_from_on_and_after_complete_by(solver: str) -> None:
    """expires TODAY+30, processing 0: complete_by TODAY+30.

    ``after`` (free) starts TODAY+31, too late; ``on`` (1.00) starts TODAY+30, just in time;
    ``paid`` costs 9.00. Best: ``on`` for 1.00.
    """
    catalog = make_catalog(
        activities=[
            act("after", 80, 0, available_from=day(31)),
            act("on", 80, 1, available_from=day(30)),
            act("paid", 80, 9),
        ]
    )
    plan = plan_for(catalog, solver, expires=day(30))
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(1.0)
    assert ids(plan) == ["on"]
    assert plan.planned[0].complete_by == day(30)


def test_do_by_date_is_the_earlier_of_item_expiry_and_complete_by(solver: str) -> None:
    """complete_by TODAY+23 (expires TODAY+30, 7 processing days). Path: 80 credits.

    ``soon`` (40 credits, 10.00) expires TODAY+10, so it is due TODAY+10; ``later`` (40 credits,
    10.00) expires TODAY+40, so it is due TODAY+23. Both are needed: 20.00.
    """
    catalog = make_catalog(
        activities=[act("soon", 40, 10, expires=day(10)), act("later", 40, 10, expires=day(40))],
        processing_days=7,
    )
    plan = plan_for(catalog, solver, expires=day(30))
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(20.0)
    assert ids(plan) == ["later", "soon"]
    due = dict(zip(plan.activities["id"], plan.activities["complete_by"], strict=True))
    assert due == {"soon": pd.Timestamp(day(10)), "later": pd.Timestamp(day(23))}
    as_json = {item["id"]: item["complete_by"] for item in plan.to_dict()["activities"]}
    assert as_json == {"soon": str(day(10)), "later": str(day(23))}


def test_exam_dates_use_retires(solver: str) -> None:
    """Path: 40 credits + 1 professional exam; complete_by TODAY+30; ``a`` gives 40 credits free.

    ``gone`` (free) retired yesterday; ``future`` (free) is first offered TODAY+31;
    ``soon`` (200.00) retires TODAY+5; ``dear`` costs 300.00. Best: a + soon = 200.00, with
    ``soon`` due TODAY+5.
    """
    catalog = make_catalog(
        activities=[act("a", 40, 0)],
        exams=[
            exam("gone", 0, retires=day(-1)),
            exam("future", 0, available_from=day(31)),
            exam("soon", 200, retires=day(5)),
            exam("dear", 300),
        ],
        paths=[{"credits": 40, "exams": {"professional": 1}}],
    )
    plan = plan_for(catalog, solver, expires=day(30))
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(200.0)
    assert ids(plan) == ["a", "soon"]
    assert list(plan.exams["id"]) == ["soon"]
    assert list(plan.exams["complete_by"]) == [pd.Timestamp(day(5))]
    assert plan.to_dict()["exams"][0]["complete_by"] == str(day(5))


def test_no_exam_can_be_taken_in_time(solver: str) -> None:
    """The only exam retired yesterday: the exam path has no plan, and says so."""
    catalog = make_catalog(
        activities=[act("a", 40, 0)],
        exams=[exam("gone", 0, retires=day(-1))],
        paths=[{"credits": 40, "exams": {"professional": 1}}],
    )
    plan = plan_for(catalog, solver, expires=day(30))
    assert plan.status == "infeasible"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []
    assert plan.reasons == (
        f"40 credits + 1 professional exam: no professional exam can be taken by {day(30)}",
    )


def test_too_few_credits_in_time(solver: str) -> None:
    """Only 30 + 33 = 63 credits can be earned (``old`` expired): the 80-credit path fails."""
    catalog = make_catalog(
        activities=[act("a", 30, 0), act("b", 33, 0), act("old", 50, 0, expires=day(-1))]
    )
    plan = plan_for(catalog, solver, expires=day(30))
    assert plan.status == "infeasible"
    assert ids(plan) == []
    assert len(plan.reasons) == 1
    assert plan.reasons[0].startswith("80 credits: at most 63 credits can be earned")


# -- paths, credits and exams ------------------------------------------------------------------


def test_exactly_one_path_is_met_not_a_mix(solver: str) -> None:
    """Paths: 30 credits, or 10 credits + 1 professional exam.

    ``small`` 10 credits free, ``big`` 20 credits 50.00, exam ``e`` 100.00. A mix of path 2's
    credits with path 1's (lack of) exam would cost 0.00 but is not a path. Path 1: small + big
    = 50.00; path 2: small + e = 100.00. Best: path 1 for 50.00.
    """
    catalog = make_catalog(
        activities=[act("small", 10, 0), act("big", 20, 50)],
        exams=[exam("e", 100)],
        paths=[{"credits": 30}, {"credits": 10, "exams": {"professional": 1}}],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(50.0)
    assert ids(plan) == ["big", "small"]
    assert plan.path == ceplan.PathRule(credits=30)
    assert plan.path_index == 0


def test_exam_path_chosen_when_cheaper(solver: str) -> None:
    """Paths 80 credits, or 40 credits + 1 professional exam (the SPEC's example).

    ``course`` 48 credits 99.00, ``more`` 40 credits 350.00, exam ``enarsi`` 300.00.
    Path 1: course + more = 449.00; path 2: course + enarsi = 399.00. Best: path 2, 399.00.
    """
    catalog = make_catalog(
        activities=[act("course", 48, 99), act("more", 40, 350)],
        exams=[exam("enarsi", 300)],
        paths=PRO_PATHS,
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(399.0)
    assert ids(plan) == ["course", "enarsi"]
    assert plan.path == ceplan.PathRule(credits=40, exams={"professional": 1})
    assert plan.path_index == 1
    assert plan.total_credits == pytest.approx(48)


def test_earned_credits_count(solver: str) -> None:
    """Path 80; earned 50, so 30 more: ``c30`` (30 credits, 30.00) beats ``c80`` (80, 60.00)."""
    catalog = make_catalog(activities=[act("c30", 30, 30), act("c80", 80, 60)])
    plan = plan_for(catalog, solver, earned=50)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(30.0)
    assert ids(plan) == ["c30"]
    assert plan.earned == 50
    assert plan.total_credits == pytest.approx(30)


def test_fractional_credits_in_quarter_steps(solver: str) -> None:
    """Path 1 credit. Quarters q1..q4 (0.25 credits, 1.00 each), ``half`` (0.5, 3.00), ``one``
    (1 credit, 5.00).

    No earned credits: q1+q2+q3+q4 = 4.00 (half+2 quarters 5.00, one 5.00). Earned 0.25: three
    quarters = 3.00 (half + quarter 4.00); the tie among quarters goes to the smallest ids.
    Earned 0.75: one quarter, q1, 1.00.
    """
    catalog = make_catalog(
        activities=[
            *(act(f"q{n}", 0.25, 1) for n in range(1, 5)),
            act("half", 0.5, 3),
            act("one", 1, 5),
        ],
        paths=[{"credits": 1}],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(4.0)
    assert ids(plan) == ["q1", "q2", "q3", "q4"]
    assert plan.total_credits == pytest.approx(1.0)

    plan = plan_for(catalog, solver, earned=0.25)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(3.0)
    assert ids(plan) == ["q1", "q2", "q3"]
    assert plan.to_dict()["total_credits"] == 0.75

    plan = plan_for(catalog, solver, earned=0.75)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(1.0)
    assert ids(plan) == ["q1"]


def test_fractional_path_and_credits(solver: str) -> None:
    """Path 2.5 credits: ``a`` 1.25 credits 2.00, ``b`` 1.25 credits 2.00, ``c`` 2.5 credits 5.00.

    a + b = 2.5 credits exactly, 4.00, beats c.
    """
    catalog = make_catalog(
        activities=[act("a", 1.25, 2), act("b", 1.25, 2), act("c", 2.5, 5)],
        paths=[{"credits": 2.5}],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(4.0)
    assert ids(plan) == ["a", "b"]


def test_passed_exams_count_by_kind(solver: str) -> None:
    """Path: 10 credits + 2 professional exams; ``a`` gives 10 credits free.

    Exams: ``p1`` 100.00 and ``p2`` 150.00 (professional), ``x1`` 10.00 (expert, which does not
    count). With nothing passed: a + p1 + p2 = 250.00. With one professional passed: a + p1 =
    100.00. Passed may also be given as a list of kinds, one per exam.
    """
    catalog = make_catalog(
        activities=[act("a", 10, 0)],
        exams=[exam("p1", 100), exam("p2", 150), exam("x1", 10, kind="expert")],
        paths=[
            {"credits": 10, "exams": {"professional": 2}},
            {"credits": 999, "exams": {"expert": 1}},
        ],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(250.0)
    assert ids(plan) == ["a", "p1", "p2"]

    plan = plan_for(catalog, solver, passed={"professional": 1})
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(100.0)
    assert ids(plan) == ["a", "p1"]

    plan = plan_for(catalog, solver, passed=["professional"])
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(100.0)
    assert ids(plan) == ["a", "p1"]


def test_exam_of_another_kind_does_not_count(solver: str) -> None:
    """Path: 1 expert exam. ``pro`` (professional, free) does not count; ``x`` (expert) 400.00."""
    catalog = make_catalog(
        exams=[exam("pro", 0), exam("x", 400, kind="expert")],
        paths=[{"exams": {"expert": 1}}, {"credits": 10, "exams": {"professional": 1}}],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(400.0)
    assert ids(plan) == ["x"]
    assert plan.path == ceplan.PathRule(exams={"expert": 1})


def test_completed_and_excluded_items_are_never_planned(solver: str) -> None:
    """Path 80. ``done`` (free) is completed, ``no`` (1.00) excluded, ``yes`` 80.00: 80.00."""
    catalog = make_catalog(
        activities=[act("done", 80, 0), act("no", 80, 1), act("yes", 80, 80)],
    )
    plan = plan_for(catalog, solver, completed=["done"], exclude=["no"])
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(80.0)
    assert ids(plan) == ["yes"]

    nothing_left = plan_for(catalog, solver, completed=["done", "yes"], exclude=["no"])
    assert nothing_left.status == "infeasible"
    assert ids(nothing_left) == []


def test_excluded_exam_is_never_planned(solver: str) -> None:
    """Path 40 + 1 professional exam. ``cheap`` exam excluded: ``dear`` (300.00) + ``a``."""
    catalog = make_catalog(
        activities=[act("a", 40, 0)],
        exams=[exam("cheap", 100), exam("dear", 300)],
        paths=[{"credits": 40, "exams": {"professional": 1}}],
    )
    plan = plan_for(catalog, solver, exclude=["cheap"])
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(300.0)
    assert ids(plan) == ["a", "dear"]


# -- budget ------------------------------------------------------------------------------------


def test_budget_equal_to_the_cost_is_enough(solver: str) -> None:
    """Path 80: ``a`` (80 credits, 399.00) is the cheapest plan; a budget of 399.00 allows it."""
    catalog = make_catalog(activities=[act("a", 80, 399), act("b", 80, 500)])
    plan = plan_for(catalog, solver, budget=399)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(399.0)
    assert ids(plan) == ["a"]
    assert plan.total_cost <= 399
    assert plan.to_dict()["budget"] == 399


def test_budget_in_cents(solver: str) -> None:
    """The cheapest plan costs 12.34; a budget of 12.34 is enough and 12.33 is not."""
    catalog = make_catalog(activities=[act("a", 80, 12.34)])
    plan = plan_for(catalog, solver, budget=12.34)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(12.34)
    assert ids(plan) == ["a"]

    short = plan_for(catalog, solver, budget=12.33)
    assert short.status == "infeasible"
    assert short.reasons == ("80 credits: cheapest plan costs 12.34 GBP, budget is 12.33 GBP",)


def test_over_budget_reason_reads_like_the_spec(solver: str) -> None:
    """Path 40 credits + 1 professional exam; budget 300.00.

    ``course`` 48 credits 99.00 and exam ``enarsi`` 300.00: the cheapest plan costs 399.00.
    """
    catalog = make_catalog(
        activities=[act("course", 48, 99), act("more", 40, 351)],
        exams=[exam("enarsi", 300)],
        paths=[{"credits": 40, "exams": {"professional": 1}}],
    )
    plan = plan_for(catalog, solver, budget=300)
    assert plan.status == "infeasible"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []
    assert plan.reasons == (
        "40 credits + 1 professional exam: cheapest plan costs 399.00 GBP, budget is 300.00 GBP",
    )
    assert plan.to_dict()["reasons"] == list(plan.reasons)


def test_over_budget_reasons_quote_each_paths_cheapest_plan(solver: str) -> None:
    """Paths: 80 credits, or 40 credits + 1 professional exam. Budget 300.00.

    ``course`` 48 credits 99.00, ``more`` 40 credits 351.00, exam 300.00.
    Path 1: course + more = 450.00; path 2: course + exam = 399.00. Both are over budget.
    (Each path is priced on its own: items cut as useless for the cheaper path 2 are still
    needed to price path 1; a cut list shared by the paths once gave "no plan was found".)
    """
    catalog = make_catalog(
        activities=[act("course", 48, 99), act("more", 40, 351)],
        exams=[exam("enarsi", 300)],
        paths=PRO_PATHS,
    )
    plan = plan_for(catalog, solver, budget=300)
    assert plan.status == "infeasible"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []
    assert plan.reasons == (
        "80 credits: cheapest plan costs 450.00 GBP, budget is 300.00 GBP",
        "40 credits + 1 professional exam: cheapest plan costs 399.00 GBP, budget is 300.00 GBP",
    )


def test_over_budget_reason_when_the_path_needs_a_dear_item(solver: str) -> None:
    """Paths: 80 credits, or 40 credits + 1 professional exam. Budget 300.00.

    ``course`` 48 credits 99.00, ``bootcamp`` 80 credits 450.00, exam 300.00.
    Path 1: bootcamp alone = 450.00 (course is not enough); path 2: course + exam = 399.00.
    Both are over budget, and each reason quotes its own cheapest plan.
    """
    catalog = make_catalog(
        activities=[act("course", 48, 99), act("bootcamp", 80, 450)],
        exams=[exam("enarsi", 300)],
        paths=PRO_PATHS,
    )
    plan = plan_for(catalog, solver, budget=300)
    assert plan.status == "infeasible"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []
    assert plan.reasons == (
        "80 credits: cheapest plan costs 450.00 GBP, budget is 300.00 GBP",
        "40 credits + 1 professional exam: cheapest plan costs 399.00 GBP, budget is 300.00 GBP",
    )


def test_over_budget_reason_quotes_the_true_cheapest_cost(solver: str) -> None:
    """As above with ``bootcamp`` at 420.00 and ``more`` (40 credits, 351.00) added.

    Path 1: bootcamp = 420.00 (course + more = 450.00 is dearer); path 2: course + exam =
    399.00. The reason for path 1 must say 420.00, as compare_paths does.
    """
    catalog = make_catalog(
        activities=[act("course", 48, 99), act("bootcamp", 80, 420), act("more", 40, 351)],
        exams=[exam("enarsi", 300)],
        paths=PRO_PATHS,
    )
    plan = plan_for(catalog, solver, budget=300)
    assert plan.status == "infeasible"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []
    assert plan.reasons[0] == "80 credits: cheapest plan costs 420.00 GBP, budget is 300.00 GBP"
    alone = ceplan.compare_paths(
        catalog, "pro", today=TODAY, expires=day(365), budget=300, solver=solver
    )
    assert plan.reasons == alone.best.reasons


def test_zero_budget_with_free_items(solver: str) -> None:
    """Budget 0: the free ``a`` + ``b`` (40 credits each) make the plan, for 0.00."""
    catalog = make_catalog(activities=[act("a", 40, 0), act("b", 40, 0), act("c", 80, 1)])
    plan = plan_for(catalog, solver, budget=0)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == ["a", "b"]


# -- exams not allowed -------------------------------------------------------------------------


def test_no_exams_takes_the_credit_only_path(solver: str) -> None:
    """As in the SPEC's example: with exams 399.00 (path 2) but without exams 449.00 (path 1)."""
    catalog = make_catalog(
        activities=[act("course", 48, 99), act("more", 40, 350)],
        exams=[exam("enarsi", 300)],
        paths=PRO_PATHS,
    )
    plan = plan_for(catalog, solver, allow_exams=False)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(449.0)
    assert ids(plan) == ["course", "more"]
    assert plan.path == ceplan.PathRule(credits=80)
    assert plan.exams.empty


def test_no_exams_and_no_credit_only_path(solver: str) -> None:
    """The only path needs an exam and none may be planned: one reason saying so."""
    catalog = make_catalog(
        activities=[act("a", 40, 0)],
        exams=[exam("e", 0)],
        paths=[{"credits": 40, "exams": {"professional": 1}}],
    )
    plan = plan_for(catalog, solver, allow_exams=False)
    assert plan.status == "infeasible"
    assert ids(plan) == []
    assert plan.reasons == (
        "40 credits + 1 professional exam: 1 more professional exam needed, "
        "and new exams are not allowed",
    )


def test_no_exams_but_the_exam_already_passed(solver: str) -> None:
    """Exams not allowed, but one professional exam is passed: ``a`` (40 credits, 5.00) renews."""
    catalog = make_catalog(
        activities=[act("a", 40, 5), act("b", 80, 50)],
        exams=[exam("e", 0)],
        paths=PRO_PATHS,
    )
    plan = plan_for(catalog, solver, allow_exams=False, passed={"professional": 1})
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(5.0)
    assert ids(plan) == ["a"]
    assert plan.path_index == 1


# -- the tie-breaks ----------------------------------------------------------------------------


def test_cost_comes_first(solver: str) -> None:
    """Path 10. ``z`` (10 credits, 9.99, 50 hours) vs ``a`` (10 credits, 10.00, 1 hour) and
    ``b1`` + ``b2`` (5 credits each, 5.00 each, 0 hours). Cheapest wins: ``z``, 9.99."""
    catalog = make_catalog(
        activities=[
            act("z", 10, 9.99, hours=50),
            act("a", 10, 10, hours=1),
            act("b1", 5, 5, hours=0),
            act("b2", 5, 5, hours=0),
        ],
        paths=[{"credits": 10}],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(9.99)
    assert ids(plan) == ["z"]


def test_then_fewer_hours(solver: str) -> None:
    """Path 10, every plan 10.00. ``a`` (10 credits, 10.00, 8 hours) vs ``y`` + ``z`` (5 credits,
    5.00, 3.5 hours each = 7 hours). Fewer hours wins despite more items and bigger ids."""
    catalog = make_catalog(
        activities=[
            act("a", 10, 10, hours=8),
            act("y", 5, 5, hours=3.5),
            act("z", 5, 5, hours=3.5),
        ],
        paths=[{"credits": 10}],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(10.0)
    assert ids(plan) == ["y", "z"]
    assert plan.total_hours == pytest.approx(7.0)


def test_then_fewer_items(solver: str) -> None:
    """Path 10, every plan 10.00 and 6 hours. ``z`` alone (10 credits) vs ``a`` + ``b`` (5 credits,
    3 hours each). Fewer items wins despite the bigger id."""
    catalog = make_catalog(
        activities=[
            act("a", 5, 5, hours=3),
            act("b", 5, 5, hours=3),
            act("z", 10, 10, hours=6),
        ],
        paths=[{"credits": 10}],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(10.0)
    assert ids(plan) == ["z"]


def test_then_smallest_ids_in_sort_order(solver: str) -> None:
    """Path 10; each activity costs 1.00 and takes 1 hour per credit.

    ``a`` 6 credits, ``b`` 5, ``c`` 5, ``d`` 4. The plans of 10 credits and 10.00 are {a, d} and
    {b, c} (any other plan costs more). Both take 10 hours and have 2 items; the sorted ids
    (a, d) come before (b, c) element by element, so {a, d} wins, although its largest id is the
    larger one.
    """
    catalog = make_catalog(
        activities=[
            act("b", 5, 5, hours=5),
            act("d", 4, 4, hours=4),
            act("c", 5, 5, hours=5),
            act("a", 6, 6, hours=6),
        ],
        paths=[{"credits": 10}],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(10.0)
    assert ids(plan) == ["a", "d"]


def test_identical_items_tie_on_the_smallest_id(solver: str) -> None:
    """Three identical free activities of 40 credits (``s-2``, ``s-10``, ``s.1``); path 80.

    Sort order is by string: ``s-10`` < ``s-2`` < ``s.1``. Best: {s-10, s-2}.
    """
    catalog = make_catalog(
        activities=[act("s-2", 40, 0), act("s.1", 40, 0), act("s-10", 40, 0)],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == ["s-10", "s-2"]


def test_size_tie_smallest_ids_among_free_items(solver: str) -> None:
    """Path 31 credits; free activities ``a`` (1 credit), ``b`` (1 credit), ``c`` (30 credits).

    Plans of cost 0.00 and 0 hours: {a, c}, {b, c} (2 items) and {a, b, c} (3 items). Fewest
    items, then smallest ids: {a, c}. (A larger tied plan once leaked through the item-count
    stage, and the id stage then returned (a, b), which meets no path.)
    """
    catalog = make_catalog(
        activities=[act("a", 1, 0), act("b", 1, 0), act("c", 30, 0)],
        paths=[{"credits": 31}],
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == ["a", "c"]


def test_the_same_input_gives_the_same_plan_on_every_solver() -> None:
    """Many free ties (eight 10-credit activities, path 30): every solver picks a0, a1, a2;
    the JSON is the same but for the solver it names."""
    catalog = make_catalog(
        activities=[act(f"a{n}", 10, 0, hours=2) for n in reversed(range(8))],
        paths=[{"credits": 30}],
    )
    plans = [plan_for(catalog, name) for name in ("cbc", "highs", "auto", "cbc")]
    assert [plan.status for plan in plans] == ["optimal"] * 4
    assert [plan.solver for plan in plans] == ["cbc", "highs", "dp", "cbc"]
    assert plans[0].total_cost == pytest.approx(0.0)
    assert ids(plans[0]) == ["a0", "a1", "a2"]
    assert plans[0].to_json() == plans[3].to_json()
    assert len({json.dumps({**plan.to_dict(), "solver": None}) for plan in plans}) == 1


# -- currency and the catalogue's age ----------------------------------------------------------


def test_costs_are_converted_and_rounded_to_cents(solver: str) -> None:
    """1 USD = 0.79 GBP. Path 40 + 1 professional exam.

    ``usd-course`` 40 credits, 100.00 USD = 79.00 GBP, beats ``gbp-course`` at 79.01 GBP.
    Exam ``usd-exam`` 10.01 USD = 7.9079 GBP, i.e. 7.91 GBP. Total 79.00 + 7.91 = 86.91 GBP.
    """
    catalog = make_catalog(
        activities=[act("usd-course", 40, 100, currency="USD"), act("gbp-course", 40, 79.01)],
        exams=[exam("usd-exam", 10.01, currency="USD")],
        paths=[{"credits": 40, "exams": {"professional": 1}}],
        exchange_rates={"USD": 0.79},
        rates_as_of=dt.date(2026, 11, 1),
    )
    plan = plan_for(catalog, solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(86.91)
    assert ids(plan) == ["usd-course", "usd-exam"]
    assert plan.currency == "GBP"
    assert plan.activities.loc[0, "cost"] == pytest.approx(79.0)
    assert plan.activities.loc[0, "price"] == pytest.approx(100.0)
    assert plan.activities.loc[0, "price_currency"] == "USD"
    assert plan.exams.loc[0, "cost"] == pytest.approx(7.91)
    assert plan.exams.loc[0, "price"] == pytest.approx(10.01)
    as_json = plan.to_dict()
    assert as_json["total_cost"] == 86.91
    assert as_json["exams"][0]["cost"] == 7.91
    assert as_json["rates_as_of"] == "2026-11-01"


def test_stale_catalogue_warning() -> None:
    """``as_of`` more than a year before today warns; exactly a year before does not."""
    activities = [act("a", 80, 0)]
    stale = make_catalog(activities=activities, as_of=dt.date(2025, 11, 28))
    fresh = make_catalog(activities=activities, as_of=dt.date(2025, 11, 29))
    undated = make_catalog(activities=activities, as_of=None)
    plan = plan_for(stale, "highs")
    assert plan.status == "optimal"
    assert len(plan.warnings) == 1
    assert "2025-11-28" in plan.warnings[0]
    assert "2025-11-28" in plan.to_dict()["warnings"][0]
    assert plan_for(fresh, "highs").warnings == ()
    assert plan_for(undated, "highs").warnings == ()


def test_stale_warning_also_when_no_plan() -> None:
    """The warning is there for infeasible plans too (the data may be what is wrong)."""
    catalog = make_catalog(activities=[act("a", 10, 0)], as_of=dt.date(2020, 1, 1))
    plan = plan_for(catalog, "highs")
    assert plan.status == "infeasible"
    assert len(plan.warnings) == 1


# -- defaults and the empty plan ---------------------------------------------------------------


def test_default_expires_is_today_plus_the_period(solver: str) -> None:
    """No expiry given: TODAY + 3 years = 2029-11-29, said in ``notes``; complete_by 7 days before.

    One activity (80 credits, 10.00): cost 10.00.
    """
    catalog = make_catalog(activities=[act("a", 80, 10)], processing_days=7)
    plan = ceplan.optimise(catalog, "pro", today=TODAY, solver=solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(10.0)
    assert ids(plan) == ["a"]
    assert plan.expires == dt.date(2029, 11, 29)
    assert plan.complete_by == dt.date(2029, 11, 22)
    assert len(plan.notes) == 1
    assert "2029-11-29" in plan.notes[0]
    assert plan.to_dict()["notes"] == list(plan.notes)

    given = ceplan.optimise(catalog, "pro", today=TODAY, expires=day(30), solver=solver)
    assert given.notes == ()


def test_default_expires_uses_the_tiers_period() -> None:
    """A 1-year tier: the assumed expiry is 2027-11-29."""
    data = catalog_data(activities=[act("a", 80, 10)])
    data["tiers"]["pro"]["period_years"] = 1
    catalog = ceplan.Catalog.model_validate(data)
    plan = ceplan.optimise(catalog, "pro", today=TODAY, solver="highs")
    assert plan.status == "optimal"
    assert plan.expires == dt.date(2027, 11, 29)
    assert "2027-11-29" in plan.notes[0]


def test_empty_plan_when_earned_credits_already_meet_a_path(solver: str) -> None:
    """Path 80 and 80 credits already earned: nothing to buy, cost 0.00."""
    catalog = make_catalog(activities=[act("a", 80, 0)])
    plan = plan_for(catalog, solver, earned=80)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []
    assert plan.path == ceplan.PathRule(credits=80)
    assert plan.total_credits == 0
    assert in_order(plan.activities.columns, ACTIVITY_COLUMNS)
    assert plan.activities.empty


def test_empty_plan_when_passed_exams_already_meet_a_path(solver: str) -> None:
    """Paths 80 credits, or 40 credits + 1 professional exam; 40 earned and 1 exam passed."""
    catalog = make_catalog(activities=[act("a", 80, 0)], exams=[exam("e", 0)], paths=PRO_PATHS)
    plan = plan_for(catalog, solver, earned=40, passed={"professional": 1})
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []
    assert plan.path_index == 1


def test_empty_plan_with_everything_excluded(solver: str) -> None:
    """Earned credits meet the path and every item is excluded: still an empty plan."""
    catalog = make_catalog(activities=[act("a", 80, 0)])
    plan = plan_for(catalog, solver, earned=100, exclude=["a"])
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []


# -- bad input ---------------------------------------------------------------------------------


@pytest.fixture
def small_catalog() -> ceplan.Catalog:
    return make_catalog(activities=[act("a", 80, 0)], exams=[exam("e", 0)], paths=PRO_PATHS)


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"tier": "master"}, "unknown tier 'master'"),
        ({"passed": {"wizard": 1}}, "unknown exam kind 'wizard'"),
        ({"passed": ["wizard"]}, "unknown exam kind 'wizard'"),
        ({"passed": {"professional": -1}}, "professional"),
        ({"completed": ["nope"]}, "nope"),
        ({"exclude": ["a", "nope"]}, "nope"),
        ({"earned": -1}, "earned"),
        ({"earned": math.nan}, "earned"),
        ({"earned": math.inf}, "earned"),
        ({"budget": -0.01}, "budget"),
        ({"budget": math.nan}, "budget"),
        ({"budget": math.inf}, "budget"),
        ({"processing_days": -1}, "processing_days"),
    ],
)
def test_bad_input_is_a_plan_input_error(
    small_catalog: ceplan.Catalog, inputs: dict[str, Any], words: str
) -> None:
    """Each is refused before any solving, by ``optimise`` and by ``compare_paths`` alike."""
    inputs = dict(inputs)
    tier = inputs.pop("tier", "pro")
    with pytest.raises(ceplan.PlanInputError, match=words):
        ceplan.optimise(small_catalog, tier, today=TODAY, **inputs)
    with pytest.raises(ceplan.PlanInputError, match=words):
        ceplan.compare_paths(small_catalog, tier, today=TODAY, **inputs)


def test_plan_input_error_is_a_ceplan_error() -> None:
    assert issubclass(ceplan.PlanInputError, ceplan.CeplanError)


# -- compare_paths -----------------------------------------------------------------------------


def test_compare_paths_gives_one_plan_per_path(solver: str) -> None:
    """The SPEC's example: path 1 costs 449.00 (course + more), path 2 399.00 (course + exam)."""
    catalog = make_catalog(
        activities=[act("course", 48, 99, hours=14), act("more", 40, 350, hours=30)],
        exams=[exam("enarsi", 300, hours=80)],
        paths=PRO_PATHS,
    )
    comparison = ceplan.compare_paths(catalog, "pro", today=TODAY, expires=day(365), solver=solver)
    assert [plan.status for plan in comparison.plans] == ["optimal", "optimal"]
    assert [plan.total_cost for plan in comparison.plans] == pytest.approx([449.0, 399.0])
    assert [ids(plan) for plan in comparison.plans] == [["course", "more"], ["course", "enarsi"]]
    assert comparison.best.total_cost == pytest.approx(399.0)
    assert ids(comparison.best) == ["course", "enarsi"]
    assert comparison.best.to_json() == plan_for(catalog, solver).to_json()

    frame = comparison.to_frame()
    assert list(frame.columns) == [
        "path",
        "path_index",
        "status",
        "total_cost",
        "total_credits",
        "total_hours",
        "items",
        "reason",
    ]
    assert list(frame["path"]) == ["80 credits", "40 credits + 1 professional exam"]
    assert list(frame["path_index"]) == [0, 1]
    assert list(frame["total_cost"]) == pytest.approx([449.0, 399.0])
    assert list(frame["total_hours"]) == pytest.approx([44.0, 94.0])
    assert list(frame["items"]) == ["course, more", "course, enarsi"]


def test_compare_paths_with_an_impossible_path(solver: str) -> None:
    """No exam can be taken: path 2 is impossible (NaN cost, a reason), path 1 costs 449.00."""
    catalog = make_catalog(
        activities=[act("course", 48, 99), act("more", 40, 350)],
        exams=[exam("enarsi", 300, retires=day(-1))],
        paths=PRO_PATHS,
    )
    comparison = ceplan.compare_paths(catalog, "pro", today=TODAY, expires=day(365), solver=solver)
    assert [plan.status for plan in comparison.plans] == ["optimal", "infeasible"]
    assert comparison.best.status == "optimal"
    assert comparison.best.total_cost == pytest.approx(449.0)
    assert ids(comparison.best) == ["course", "more"]
    frame = comparison.to_frame()
    assert math.isnan(frame.loc[1, "total_cost"])
    assert "no professional exam" in frame.loc[1, "reason"]
    assert frame.loc[0, "reason"] == ""


def test_compare_paths_when_nothing_works(solver: str) -> None:
    """Too late for every path: ``best`` is infeasible with every path's reason."""
    catalog = make_catalog(activities=[act("a", 80, 0)], exams=[exam("e", 0)], paths=PRO_PATHS)
    comparison = ceplan.compare_paths(catalog, "pro", today=TODAY, expires=day(-1), solver=solver)
    best = comparison.best
    assert best.status == "infeasible"
    assert best.total_cost == pytest.approx(0.0)
    assert ids(best) == []
    assert len(best.reasons) == 1 and best.reasons[0].startswith("too late")
    assert best.reasons == plan_for(catalog, solver, expires=day(-1)).reasons


def test_optimise_and_compare_is_optimise_beside_compare_paths(solver: str) -> None:
    """The SPEC's example: the plan is optimise's (path 2, 399.00); path 1's entry is its plan
    from compare_paths (449.00); path 2's entry is the plan itself."""
    from ceplan.planning.person import optimise_and_compare

    catalog = make_catalog(
        activities=[act("course", 48, 99, hours=14), act("more", 40, 350, hours=30)],
        exams=[exam("enarsi", 300, hours=80)],
        paths=PRO_PATHS,
    )
    inputs: dict[str, Any] = {"today": TODAY, "expires": day(365), "solver": solver}
    plan, comparison = optimise_and_compare(catalog, "pro", **inputs)
    assert plan.to_json() == ceplan.optimise(catalog, "pro", **inputs).to_json()
    assert comparison is not None
    alone = ceplan.compare_paths(catalog, "pro", **inputs)
    assert comparison.paths == alone.paths and comparison.currency == alone.currency
    assert comparison.plans[0].to_json() == alone.plans[0].to_json()
    assert comparison.plans[0].total_cost == pytest.approx(449.0)
    assert comparison.plans[1] is plan and plan.path_index == 1
    assert comparison.best is plan


@pytest.mark.parametrize(
    ("inputs", "paths"),
    [
        ({"earned": 80}, PRO_PATHS),  # already met
        ({"budget": 10}, PRO_PATHS),  # no plan
        ({}, PRO_PATHS[1:]),  # a tier of one path
    ],
)
def test_optimise_and_compare_with_nothing_to_compare(
    inputs: dict[str, Any], paths: list[dict[str, Any]]
) -> None:
    from ceplan.planning.person import optimise_and_compare

    catalog = make_catalog(
        activities=[act("course", 48, 99), act("more", 40, 350)],
        exams=[exam("enarsi", 300)],
        paths=paths,
    )
    given = {"today": TODAY, "expires": day(365), **inputs}
    plan, comparison = optimise_and_compare(catalog, "pro", **given)
    assert comparison is None
    assert plan.to_json() == ceplan.optimise(catalog, "pro", **given).to_json()


@pytest.mark.parametrize(("limit", "spend"), [(1.0, True), (60.0, False)])
def test_optimise_and_compare_leaves_the_other_paths_what_is_left_and_a_tenth_at_least(
    monkeypatch: pytest.MonkeyPatch, limit: float, spend: bool
) -> None:
    """With a first search that takes all of the 1 s, the plan is not proved best and the
    other paths get a tenth of the limit (0.1 s), each of their searches no more. With a quick
    plan, they get what it left."""
    import ceplan.planning.person as planning
    from ceplan.solving.backends import HighsSolver, Solver
    from ceplan.status import Run

    class SpendsTheTime(Solver):
        name = "spends-the-time"

        def __init__(self) -> None:
            super().__init__()
            self.inner = HighsSolver()
            self.given: list[float | None] = []

        def run(self, problem: Any, seconds: float | None, gap: float, start: Any = None) -> Run:
            self.given.append(seconds)
            if spend and len(self.given) == 1 and seconds is not None:
                time.sleep(seconds)
            return self.inner.run(problem, seconds, gap, start)

    made: list[float | None] = []

    class Recorded(planning.Deadline):
        def __init__(self, seconds: float | None = None) -> None:
            made.append(seconds)
            super().__init__(seconds)

    monkeypatch.setattr(planning, "Deadline", Recorded)
    catalog = make_catalog(
        activities=[act("course", 48, 99, hours=14), act("more", 40, 350, hours=30)],
        exams=[exam("enarsi", 300, hours=80)],
        paths=PRO_PATHS,
    )
    solver = SpendsTheTime()
    plan, comparison = planning.optimise_and_compare(
        catalog, "pro", today=TODAY, expires=day(365), solver=solver, time_limit=limit
    )
    assert plan.path_index == 1 and plan.total_cost == pytest.approx(399.0)
    assert comparison is not None and comparison.plans[1] is plan
    assert made[0] == limit and len(made) == 2
    if spend:
        assert (plan.status, plan.termination) == ("feasible", "time_limit")
        assert made[1] == pytest.approx(0.1)
        searches = solver.given[1:]
        assert searches and all(s is not None and s <= 0.1 for s in searches)
    else:
        assert plan.status == "optimal"
        assert made[1] is not None and limit / 10 < made[1] <= limit
        other = comparison.plans[0]
        assert (other.status, other.total_cost) == ("optimal", pytest.approx(449.0))


# -- tables and JSON ---------------------------------------------------------------------------


def test_tables_have_fixed_columns(solver: str) -> None:
    """A found plan's tables, an empty plan's and an infeasible plan's have the same columns.

    The found plan is the SPEC's example: course (48 credits, 99.00) + exam (300.00) = 399.00.
    """
    catalog = make_catalog(
        activities=[act("course", 48, 99, hours=14)],
        exams=[exam("enarsi", 300, hours=80)],
        paths=PRO_PATHS,
    )
    found = plan_for(catalog, solver)
    assert found.status == "optimal"
    assert found.total_cost == pytest.approx(399.0)
    assert ids(found) == ["course", "enarsi"]
    empty = plan_for(catalog, solver, earned=80)
    assert empty.status == "optimal"
    assert empty.planned == ()
    none = plan_for(catalog, solver, budget=1)
    assert none.status == "infeasible"
    for plan in (found, empty, none):
        assert isinstance(plan.activities, pd.DataFrame)
        assert isinstance(plan.exams, pd.DataFrame)
        assert list(plan.activities.columns) == list(found.activities.columns)
        assert list(plan.exams.columns) == list(found.exams.columns)
        assert in_order(plan.activities.columns, ACTIVITY_COLUMNS)
        assert in_order(plan.exams.columns, EXAM_COLUMNS)
        assert {"price", "price_currency"} <= set(plan.activities.columns)
        assert {"price", "price_currency"} <= set(plan.exams.columns)
        for frame in (plan.activities, plan.exams, plan.items):
            assert all(frame[column].dtype == "float64" for column in ("cost", "hours", "price"))
            for column in ("complete_by", "start", "finish"):
                assert str(frame[column].dtype) == "datetime64[ns]", (column, frame.dtypes)
    assert empty.activities.empty and empty.exams.empty
    assert none.activities.empty and none.exams.empty
    (row,) = found.activities.to_dict("records")
    expected = {
        "id": "course",
        "title": "Activity course",
        "type": "online-course",
        "credits": 48.0,
        "cost": 99.0,
        "hours": 14.0,
        "complete_by": pd.Timestamp(day(365)),
        "price": 99.0,
        "price_currency": "GBP",
    }
    assert {key: row[key] for key in expected} == expected
    assert list(found.exams["kind"]) == ["professional"]


SPEC_KEYS = {
    "status",
    "tier",
    "currency",
    "today",
    "expires",
    "complete_by",
    "path",
    "activities",
    "exams",
    "earned",
    "total_cost",
    "total_credits",
    "total_hours",
    "reasons",
}


def test_to_dict_has_the_json_keys_of_the_spec(solver: str) -> None:
    """The SPEC's example plan: course (48 credits, 99.00, 14 h) + exam (300.00, 80 h) = 399.00."""
    catalog = make_catalog(
        activities=[act("course", 48, 99, hours=14), act("more", 40, 350)],
        exams=[exam("enarsi", 300, hours=80)],
        paths=PRO_PATHS,
        processing_days=7,
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY, solver=solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(399.0)
    assert ids(plan) == ["course", "enarsi"]
    data = plan.to_dict()
    assert SPEC_KEYS <= set(data)
    assert json.loads(plan.to_json()) == data
    assert data["status"] == "optimal"
    assert data["tier"] == "pro"
    assert data["currency"] == "GBP"
    assert (data["today"], data["expires"], data["complete_by"]) == (
        "2026-11-29",
        "2029-11-29",
        "2029-11-22",
    )
    assert data["path"] == {"credits": 40, "exams": {"professional": 1}}
    (course,) = data["activities"]
    expected = {
        "id": "course",
        "title": "Activity course",
        "type": "online-course",
        "credits": 48,
        "cost": 99.0,
        "hours": 14,
        "complete_by": "2029-11-22",
    }
    assert {key: course[key] for key in expected} == expected
    assert len(data["exams"]) == 1
    assert {"id", "title", "kind", "cost", "complete_by"} <= set(data["exams"][0])
    assert data["exams"][0]["kind"] == "professional"
    assert data["exams"][0]["cost"] == 300.0
    assert data["earned"] == 0
    assert (data["total_cost"], data["total_credits"], data["total_hours"]) == (399.0, 48, 94)
    assert data["reasons"] == []


def test_to_dict_when_infeasible(solver: str) -> None:
    """No plan: ``path`` is null, the item lists are empty, the reasons are listed."""
    catalog = make_catalog(activities=[act("a", 10, 0)])
    plan = plan_for(catalog, solver, earned=5)
    assert plan.status == "infeasible"
    assert plan.total_cost == pytest.approx(0.0)
    assert ids(plan) == []
    data = plan.to_dict()
    assert SPEC_KEYS <= set(data)
    assert data["status"] == "infeasible"
    assert data["path"] is None
    assert data["activities"] == [] and data["exams"] == []
    assert data["total_cost"] == 0
    assert data["earned"] == 5
    assert data["reasons"] == list(plan.reasons)
    assert len(data["reasons"]) == 1


# -- inputs as notebooks have them (SPEC 5) ----------------------------------------------------


def test_the_reported_notebook_inputs_work() -> None:
    """The forms users tried: a single kind or id as a string, numpy and pandas values, a path."""
    catalog = ceplan.load_catalog()
    common = {"today": dt.date(2026, 11, 29), "expires": dt.date(2028, 6, 30)}
    plan = ceplan.optimise(catalog, "professional", passed="core", **common)
    assert plan.passed == (("core", 1),) and plan.already_met
    plan = ceplan.optimise(catalog, "professional", completed="rev-up-python", **common)
    assert plan.status == "optimal"
    request = ceplan.make_request(catalog, "professional", completed="rev-up-python", **common)
    assert request.completed == frozenset({"rev-up-python"})
    reference = ceplan.optimise(catalog, "professional", earned=10, **common)
    for earned in (np.int64(10), np.float32(10), 10.0):
        assert ceplan.optimise(catalog, "professional", earned=earned, **common) == reference
    for expires in (
        pd.Timestamp("2028-06-30"),
        dt.datetime(2028, 6, 30, 17, 45),
        np.datetime64("2028-06-30"),
        "2028-06-30",
    ):
        inputs = {**common, "expires": expires}
        assert ceplan.optimise(catalog, "professional", earned=10, **inputs) == reference
    from_path = ceplan.optimise(str(ceplan.bundled_catalog_path()), "professional", **common)
    assert from_path == ceplan.optimise(catalog, "professional", **common)


@pytest.mark.parametrize(
    ("inputs", "argument"),
    [
        ({"today": 20261129}, "today"),
        ({"today": "20261129"}, "today"),
        ({"expires": pd.NaT}, "expires"),
        ({"earned": True}, "earned"),
        ({"earned": "10"}, "earned"),
        ({"budget": float("nan")}, "budget"),
        ({"passed": [1]}, "passed"),
        ({"completed": 5}, "completed"),
        ({"exclude": [None]}, "exclude"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"unavailable": (dt.date(2027, 1, 1), dt.date(2027, 1, 2))}, "unavailable"),
        ({"allow_exams": "no"}, "allow_exams"),
        ({"processing_days": 2.5}, "processing_days"),
    ],
)
def test_anything_else_is_a_ceplan_error_naming_the_argument(
    inputs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(ceplan.PlanInputError, match=argument) as error:
        ceplan.optimise(ceplan.load_catalog(), "professional", **inputs)
    assert "\n" not in str(error.value)


def test_a_catalogue_that_is_neither_a_catalog_nor_a_path_is_named() -> None:
    with pytest.raises(ceplan.PlanInputError, match="catalog must be a Catalog or a path"):
        ceplan.optimise(123, "professional")  # type: ignore[arg-type]
    with pytest.raises(ceplan.CatalogError, match="no such file"):
        ceplan.optimise("no-such-catalog.yaml", "professional")


# -- results a person can read -------------------------------------------------------------------


def test_a_plan_has_a_short_repr_and_an_html_view() -> None:
    catalog = ceplan.load_catalog()
    plan = ceplan.optimise(catalog, "professional", today=TODAY, expires=dt.date(2028, 6, 30))
    text = repr(plan)
    assert "\n" not in text and len(text) < 160
    assert text == (
        "<Plan professional optimal: 1 core exam: 1 item, 316.00 GBP, hours not given, "
        "renews 2028-06-23>"
    )
    page = plan._repr_html_()
    assert "1 core exam" in page and "316.00 GBP" in page
    assert "<table" in page and "encor-350-401" in page
    none = ceplan.optimise(catalog, "professional", today=TODAY, expires=TODAY)
    assert "infeasible" in repr(none) and "<table" not in none._repr_html_()
    assert "too late" in none._repr_html_()


def test_the_items_table_has_every_item_and_datetime_dates_even_when_empty() -> None:
    catalog = make_catalog(
        activities=[act("course", 48, 99, hours=14)],
        exams=[exam("enarsi", 300, hours=80)],
        paths=PRO_PATHS,
    )
    found = plan_for(catalog, "highs")
    assert list(found.items["id"]) == ["course", "enarsi"]
    assert list(found.items["item"]) == ["activity", "exam"]
    empty = plan_for(catalog, "highs", earned=80)
    assert empty.items.empty
    for frame in (found.items, empty.items, found.timeline, empty.timeline):
        dates = [c for c in ("start", "finish", "complete_by", "week") if c in frame.columns]
        assert dates and all(str(frame[c].dtype) == "datetime64[ns]" for c in dates)
    assert list(found.items.columns) == list(empty.items.columns)
    assert found.items.dtypes.to_dict() == empty.items.dtypes.to_dict()
    assert found.activities.dtypes.to_dict() == empty.activities.dtypes.to_dict()


def test_json_numbers_are_rounded() -> None:
    """Hours 0.1 + 0.2 and a price converted at an odd rate print as people write them."""
    catalog = make_catalog(
        activities=[act("a", 40, 100.1, hours=0.1), act("b", 40, 99.57, hours=0.2)],
        paths=[{"credits": 80}],
    )
    out = plan_for(catalog, "highs").to_dict()
    assert out["total_hours"] == 0.3
    assert out["total_cost"] == 199.67
    text = json.dumps(out)
    assert "0000000" not in text and "9999999" not in text


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_hours_are_compared_to_the_same_places_everywhere(solver: str) -> None:
    """``a`` takes 1000.0005 h, ``c`` and ``d`` 500 h each: the same cost, and [c, d] is half a
    thousandth of an hour shorter, which the order sees (hours count to six places)."""
    catalog = make_catalog(
        activities=[
            act("a", 2, 20, hours=1000.0005),
            act("c", 1, 10, hours=500.0),
            act("d", 1, 10, hours=500.0),
        ],
        paths=[{"credits": 2}],
    )
    plan = plan_for(catalog, solver)
    assert ids(plan) == ["c", "d"] and plan.total_hours == 1000.0
    best = ceplan.compare_paths(catalog, "pro", today=TODAY, expires=day(365), solver=solver).best
    assert best == plan
