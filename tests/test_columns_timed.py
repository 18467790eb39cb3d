"""Planning by columns with weekly hours, days away and dated sessions (SPEC 8), and pricing
side by side (ceplan/solving/pricing.py, ceplan/solving/workers.py).

Against the single team model (itself checked against an exhaustive search in
tests/test_team_model.py) on small random teams whose people have weekly study hours, days
away or both, with a dated-session course in some catalogues: every stage the columns prove
has the single model's value, every bound they give holds, and every plan keeps every rule
(the single model's checkers and the independent tests/team_checker.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pulp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.model.team import build_team
from ceplan.planning.columns import ByColumns, plan_by_columns
from ceplan.requests.person import PlanRequest, make_request
from ceplan.requests.team import TeamRequest, make_team_request
from ceplan.roster.models import Person, Roster
from ceplan.solving.backends import make_solver
from ceplan.solving.team import TeamSolution, solve_team
from ceplan.status import Deadline
from tests.conftest import examples
from tests.team_checker import check_team_plan
from tests.test_team_model import TODAY, catalog_of, check, check_irredundant, roster_of, teams

AWAY = (
    (),
    ((dt.date(2027, 1, 4), dt.date(2027, 2, 14)),),
    ((dt.date(2026, 12, 1), dt.date(2026, 12, 20)), (dt.date(2027, 4, 20), dt.date(2027, 5, 31))),
)
"""Days away a person may have (none, or ranges that cut sessions and weeks)."""

SESSIONS = {
    "id": "s0",
    "title": "S0",
    "type": "instructor-led",
    "credits": 4,
    "cost": 120,
    "hours": 0,
    "sessions": [
        {"start": dt.date(2027, 1, 11), "end": dt.date(2027, 1, 13)},
        {"start": dt.date(2027, 5, 3), "end": dt.date(2027, 5, 5), "cost": 90},
    ],
}
"""A course on dated sessions, the later one cheaper (in another budget period)."""


@st.composite
def timed_teams(
    draw: st.DrawFn, *, ample: bool = False, most_people: int = 3, long: bool = False
) -> tuple[ceplan.Catalog, Roster, dict[str, PlanRequest]]:
    """A random team (tests/test_team_model.py) whose people have weekly hours or days away.

    The first person always has weekly hours; the others may have them, days away, both or
    neither. Some catalogues add a course on dated sessions; with ``long``, activities take
    up to 30 hours (the weeks often hold fewer than the cheapest plan needs). Returns the
    requests too: days away are not in a roster, only in a person's request.
    """
    catalog, roster = draw(teams(ample=ample, most_people=most_people))
    data = catalog.model_dump(by_alias=True)
    if long:
        hours = st.sampled_from([1.0, 8.0, 30.0])
        data["activities"] = [a | {"hours": draw(hours)} for a in data["activities"]]
    if draw(st.booleans()):
        data["activities"] = [*data["activities"], SESSIONS]
    catalog = ceplan.Catalog.model_validate(data)
    people = []
    requests = {}
    for n, person in enumerate(roster.people):
        hours = draw(st.sampled_from([0.2, 0.5, 2.0] if n == 0 else [None, 0.2, 0.5, 2.0]))
        person = person.model_copy(update={"hours_per_week": hours})
        away = draw(st.sampled_from(AWAY))
        people.append(person)
        request = make_request(catalog, person.tier, today=TODAY, **person.inputs())
        requests[person.id] = dataclasses.replace(request, unavailable=away)
    return catalog, roster.model_copy(update={"people": tuple(people)}), requests


def team_request(
    catalog: ceplan.Catalog, roster: Roster, requests: Mapping[str, PlanRequest]
) -> TeamRequest:
    return dataclasses.replace(make_team_request(catalog, roster, today=TODAY), requests=requests)


def own_plans(request: TeamRequest) -> Callable[[Person], ceplan.Plan]:
    """Each person's one-person plan, from their request (days away included)."""

    def alone(person: Person) -> ceplan.Plan:
        mine = request.requests[person.id]
        inputs = person.inputs() | {"unavailable": list(mine.unavailable)}
        return ceplan.optimise(request.catalog, person.tier, today=TODAY, **inputs)

    return alone


def by_columns(request: TeamRequest, workers: int = 1, scheduler: Any = None) -> ByColumns:
    solver = make_solver("highs")
    alone = own_plans(request)
    return plan_by_columns(request, solver, Deadline(), alone, None, workers, scheduler)


def single(request: TeamRequest) -> tuple[TeamSolution, float]:
    """The single model's plan and its hours (in whole hours)."""
    model = build_team(request.catalog, request.roster, today=TODAY, requests=request.requests)
    solution = solve_team(model)
    assert solution.status == "optimal"
    return solution, float(pulp.value(model.hours) or 0.0) / model.hours_scale


def as_data(solution: TeamSolution, roster: Roster, catalog: ceplan.Catalog) -> dict[str, Any]:
    """A solution in the shape tests/team_checker.py reads (what the JSON of a plan says)."""
    people = []
    for person in roster.people:
        index = solution.paths[person.id]
        renews = solution.renews[person.id]
        path = catalog.tiers[person.tier].paths[index] if renews and index is not None else None
        items = [
            {
                "id": t.item,
                "cost": t.cents / 100,
                "paid_on": t.paid_on.isoformat(),
                "period": None if t.period is None else roster.budgets[t.period].name,
                "paid_by_funds": {roster.funds[f].name: c / 100 for f, c in t.paid_by_fund.items()},
                "start": t.start.isoformat(),
                "finish": t.finish.isoformat(),
            }
            for t in solution.taken[person.id]
        ]
        status = "renews" if renews else "at_risk"
        path_data = None if path is None else path.to_dict()
        people.append({"id": person.id, "status": status, "path": path_data, "items": items})
    return {"people": people}


def hours_of(solution: TeamSolution) -> float:
    return sum(t.hours for taken in solution.taken.values() for t in taken)


def renewal_days(solution: TeamSolution, request: TeamRequest) -> int:
    """Stage 4 as SPEC 7 counts it, read off the plan: the days from today to each renewal of
    the people with weekly hours who renew with something to take (the last item's finish)."""
    days = 0
    for person, taken in solution.taken.items():
        mine = request.requests[person]
        if mine.hours_per_week is not None and solution.renews[person] and taken:
            days += (max(t.finish for t in taken) - TODAY).days
    return days


@settings(max_examples=examples(50), deadline=None)
@given(timed_teams() | timed_teams(long=True))
def test_timed_teams_by_columns_keep_every_rule_and_match_the_single_model_where_proved(
    team: tuple[ceplan.Catalog, Roster, dict[str, PlanRequest]],
) -> None:
    """Weekly hours, days away, sessions: every rule kept (both checkers), irredundant plans;
    each stage the columns prove has the single model's optimum, and each bound holds (the
    priority renewed at most its bound; with the optimum's priority, the spend at least its
    bound; with the optimum's spend too, the hours at least theirs)."""
    request = team_request(*team)
    catalog, roster = request.catalog, request.roster
    found = by_columns(request)
    solution = found.solution
    if not any(activity.sessions for activity in catalog.activities):
        check(solution, catalog, roster)  # (which prices a course at its own cost, not a session's)
    check_irredundant(solution, catalog, roster)
    checked = check_team_plan(catalog, roster, as_data(solution, roster, catalog), TODAY)
    assert checked.valid, checked.problems
    best, best_hours = single(request)
    optimum = {
        "priority": best.priority,
        "out_of_pocket": best.out_of_pocket,
        "hours": best_hours * found.hours_scale,
    }
    for stage in found.stages:
        value = optimum[stage.name]
        if stage.name == "priority":
            assert stage.value <= value + 1e-6 <= stage.bound + 2e-6
        else:
            assert stage.bound <= value + 0.01 and stage.value >= value - 0.01
        if stage.proved:
            assert stage.value == pytest.approx(value, abs=0.01)
        if stage.value != pytest.approx(value, abs=0.01):
            break  # the later stages hold another value: nothing to compare
    assert solution.priority == pytest.approx(found.stages[0].value)
    if solution.status == "optimal":
        assert solution.priority == pytest.approx(best.priority)
        assert solution.out_of_pocket == pytest.approx(best.out_of_pocket, abs=0.01)
        assert hours_of(solution) == pytest.approx(hours_of(best))
        assert renewal_days(solution, request) == renewal_days(best, request)
    else:
        assert solution.stopped_in in ("priority", "out_of_pocket", "hours", "renewal")
    if solution.stopped_in == "renewal":  # the first three proved: the single model's are those
        assert renewal_days(solution, request) <= renewal_days(best, request)
        assert 0.0 < solution.gap <= 1.0


@settings(max_examples=examples(40), deadline=None)
@given(timed_teams(ample=True))
def test_with_ample_budgets_timed_people_get_their_one_person_plan_dates_included(
    team: tuple[ceplan.Catalog, Roster, dict[str, PlanRequest]],
) -> None:
    """As the single model does: each person's own plan, item for item and date for date
    (their weekly hours and days away decide the dates), whether they renew at all; and the
    single model's plan. (For someone with days away but no weekly hours, the single model's
    order takes the renewal to be their do-by date, as for a plan without dates: the latest
    renewal does not decide among their plans, so only the single model's plan is theirs.)"""
    request = team_request(*team)
    solution = by_columns(request).solution
    checked = check_team_plan(
        request.catalog, request.roster, as_data(solution, request.roster, request.catalog), TODAY
    )
    assert checked.valid, checked.problems
    best, _ = single(request)
    alone = own_plans(request)
    for person in request.roster.people:
        dates = {t.item: (t.start, t.finish) for t in solution.taken[person.id]}
        assert dates == {t.item: (t.start, t.finish) for t in best.taken[person.id]}
        if request.requests[person.id].unavailable and person.hours_per_week is None:
            continue
        own = alone(person)
        assert solution.renews[person.id] == (own.status == "optimal")
        if own.status == "optimal":
            assert dates == {item.id: (item.start, item.finish) for item in own.planned}


def test_a_cheapest_plan_that_overfills_the_weekly_hours_is_priced_by_the_timed_model() -> None:
    """``a0`` is free but takes 40 hours, more than 0.2 a week hold before the do-by date:
    the dynamic programme's plan breaks the weekly hours, and the timed model prices the plan
    that fits (``a1``), as the single model and the person's own plan have it."""
    import ceplan.solving.pricing as pricing

    activities = [
        {"id": "a0", "title": "A0", "type": "course", "credits": 6, "cost": 0, "hours": 40},
        {"id": "a1", "title": "A1", "type": "course", "credits": 6, "cost": 100, "hours": 1},
    ]
    catalog = catalog_of(activities)
    person = {"id": "p0", "name": "P0", "tier": "pro", "expires": dt.date(2027, 6, 30)}
    roster = roster_of([person | {"hours_per_week": 0.2}], [10**6, 10**6])
    request = make_team_request(catalog, roster, today=TODAY)
    solved = []
    real = pricing._Model.solve
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pricing._Model, "solve", lambda *a: solved.append(1) or real(*a))
        found = by_columns(request)
    assert solved  # the timed model was asked
    assert [t.item for t in found.solution.taken["p0"]] == ["a1"]
    best, _ = single(request)
    assert [t.item for t in best.taken["p0"]] == ["a1"]
    assert found.stages[0].proved
    assert found.solution.out_of_pocket == best.out_of_pocket == 100_00


def test_a_session_on_days_away_is_not_planned_and_the_hours_fit_the_weeks_left() -> None:
    """The cheaper session of ``s0`` falls in the person's days away: they take the dearer
    one, on its own dates; the single model and the columns agree."""
    catalog = catalog_of(
        [
            SESSIONS | {"credits": 6},
            {"id": "a0", "title": "A0", "type": "course", "credits": 6, "cost": 150, "hours": 2},
        ]
    )
    person = {"id": "p0", "name": "P0", "tier": "pro", "expires": dt.date(2027, 6, 30)}
    roster = roster_of([person | {"hours_per_week": 1.0}], [10**6, 10**6])
    away = ((dt.date(2027, 4, 20), dt.date(2027, 5, 31)),)
    plain = make_team_request(catalog, roster, today=TODAY)
    request = team_request(
        catalog, roster, {"p0": dataclasses.replace(plain.requests["p0"], unavailable=away)}
    )
    found = by_columns(request)
    (taken,) = found.solution.taken["p0"]
    assert (taken.item, taken.start, taken.finish, taken.cents) == (
        "s0",
        dt.date(2027, 1, 11),
        dt.date(2027, 1, 13),
        120_00,
    )
    best, _ = single(request)
    assert [(t.item, t.start, t.finish) for t in best.taken["p0"]] == [
        (taken.item, taken.start, taken.finish)
    ]
    free = by_columns(plain).solution  # without the days away, the cheaper session
    assert [(t.item, t.start, t.cents) for t in free.taken["p0"]] == [
        ("s0", dt.date(2027, 5, 3), 90_00)
    ]


def timed_organisation() -> tuple[ceplan.Catalog, Roster]:
    """Six people with weekly hours from the benchmark's generators: their cheapest plans
    often overfill their weeks, so pricing needs their timed models."""
    from tests.generators import catalog_data, roster_data

    catalog = ceplan.Catalog.model_validate(catalog_data(120, 0))
    data = roster_data(6)
    for n, person in enumerate(data["people"]):
        person["hours_per_week"] = (0.5, 1.0)[n % 2]
    for budget in data["budgets"]:
        budget["amount"] = 100_000
    return catalog, Roster.model_validate(data)


def test_timed_pricing_gives_the_same_plan_whatever_the_number_of_workers() -> None:
    """Pricing side by side (2 processes, or a Dask LocalCluster of 2 workers): byte for byte
    the plan priced in this process. (In this process: several relaxations, so both workers
    get some, and the timed models were solved.)"""
    import ceplan.solving.pricing as pricing

    distributed = pytest.importorskip("distributed")
    catalog, roster = timed_organisation()
    solved = []
    real = pricing._Model.solve
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pricing._Model, "solve", lambda *a: solved.append(1) or real(*a))
        here = ceplan.plan_team(catalog, roster, today=TODAY, method="columns")
    assert len(solved) > 10
    people, _, _ = solve_people(catalog, roster)
    groups = {p.pricer.relaxation for p in people if isinstance(p.pricer, pricing.Timed)}
    assert len(groups) > 2
    two = ceplan.plan_team(catalog, roster, today=TODAY, method="columns", workers=2)
    assert two.to_json() == here.to_json()
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        dask = ceplan.plan_team(
            catalog, roster, today=TODAY, method="columns", scheduler=cluster.scheduler_address
        )
    assert dask.to_json() == here.to_json()


def solve_people(catalog: ceplan.Catalog, roster: Roster) -> Any:
    from ceplan.solving.columns import _people

    request = make_team_request(catalog, roster, today=TODAY)
    return _people(catalog, roster, TODAY, request.requests)


@settings(max_examples=examples(40), deadline=None)
@given(timed_teams(long=True))
def test_a_timed_pricing_solve_stopped_early_gives_a_bound_not_a_proof(
    team: tuple[ceplan.Catalog, Roster, dict[str, PlanRequest]],
) -> None:
    """Every timed model's solve stopped before it finds anything (as by the deadline): the
    columns priced still give a plan that keeps every rule, and each stage's bound still holds
    against the single model's optimum (the Lagrangian bound, from the relaxation's bound in
    place of the model's), never more."""
    import ceplan.solving.pricing as pricing

    request = team_request(*team)
    real = pricing._Model.solve

    def stopped(self: Any, u: Any, v: Any, step: Any, cutoff: Any, floor: Any, _: Any) -> Any:
        return real(self, u, v, step, cutoff, floor, Deadline(0.0))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pricing._Model, "solve", stopped)
        found = by_columns(request)
    checked = check_team_plan(
        request.catalog,
        request.roster,
        as_data(found.solution, request.roster, request.catalog),
        TODAY,
    )
    assert checked.valid, checked.problems
    best, best_hours = single(request)
    optimum = {
        "priority": best.priority,
        "out_of_pocket": best.out_of_pocket,
        "hours": best_hours * found.hours_scale,
    }
    for stage in found.stages:
        value = optimum[stage.name]
        if stage.name == "priority":
            assert stage.value <= value + 1e-6 <= stage.bound + 2e-6
        else:
            assert stage.bound <= value + 0.01
        if stage.value != pytest.approx(value, abs=0.01):
            break


def test_a_person_whose_plans_all_need_the_timed_model_stopped_is_not_proved_out() -> None:
    """``a0`` overfills the weeks; ``a1`` fits, but only the timed model finds it, and its
    solves stop before they do (as by the deadline): the person has no column and is at risk,
    but the priority is not proved: its bound (the Lagrangian one, from the relaxation's price
    in place of the model's) still says a plan may renew them."""
    import ceplan.solving.pricing as pricing

    activities = [
        {"id": "a0", "title": "A0", "type": "course", "credits": 6, "cost": 0, "hours": 40},
        {"id": "a1", "title": "A1", "type": "course", "credits": 6, "cost": 100, "hours": 1},
    ]
    catalog = catalog_of(activities)
    person = {"id": "p0", "name": "P0", "tier": "pro", "expires": dt.date(2027, 6, 30)}
    roster = roster_of([person | {"hours_per_week": 0.2}], [10**6, 10**6])
    request = make_team_request(catalog, roster, today=TODAY)
    real = pricing._Model.solve

    def stopped(self: Any, u: Any, v: Any, step: Any, cutoff: Any, floor: Any, _: Any) -> Any:
        return real(self, u, v, step, cutoff, floor, Deadline(0.0))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pricing._Model, "solve", stopped)
        found = by_columns(request)
    priority = found.stages[0]
    assert not found.solution.renews["p0"]
    assert (priority.value, priority.bound, priority.proved) == (0.0, 1.0, False)
    assert found.solution.status != "optimal"


def test_a_person_with_weekly_hours_settled_alone_renews_as_late_as_they_can() -> None:
    """Three free courses that take no time: ``a1`` alone renews (but closes on 1 February),
    ``a0`` and ``a2`` together renew on the do-by date. With weekly hours the latest renewal
    comes before the fewest items (SPEC 6 and 7): their plan is ``a0`` and ``a2``, dates
    included, as their own plan and the single model have it, whatever column they had."""
    free = {"type": "course", "cost": 0, "hours": 0}
    catalog = catalog_of(
        [
            {"id": "a0", "title": "A0", "credits": 4} | free,
            {"id": "a1", "title": "A1", "credits": 6, "expires": dt.date(2027, 2, 1)} | free,
            {"id": "a2", "title": "A2", "credits": 2} | free,
        ]
    )
    person = {"id": "p0", "name": "P0", "tier": "pro", "expires": dt.date(2027, 6, 30)}
    roster = roster_of([person | {"hours_per_week": 0.2, "exams": False}], [10**6, 10**6])
    request = make_team_request(catalog, roster, today=TODAY)
    solution = by_columns(request).solution
    end = dt.date(2027, 6, 30)
    assert {t.item: (t.start, t.finish) for t in solution.taken["p0"]} == {
        "a0": (end, end),
        "a2": (end, end),
    }
    best, _ = single(request)
    assert [t.item for t in best.taken["p0"]] == ["a0", "a2"]
    own = own_plans(request)(roster.people[0])
    assert [item.id for item in own.planned] == ["a0", "a2"]


def test_timed_pricing_finds_the_cheapest_plan_that_fits_below_the_cutoff() -> None:
    """One person's timed pricing problem, asked directly: ``a0`` is free but overfills the
    weeks, ``a2`` is the cheapest that fits. Below a cutoff above ``a2``'s price: ``a2``,
    solved; below one under it: nothing, and a bound that says so; stopped at once: nothing,
    the relaxation's bound (``a0``'s price), and not solved; asked of nobody, nothing."""
    import numpy as np

    from ceplan.solving.pricing import Pricing

    course = {"type": "course", "credits": 6}
    catalog = catalog_of(
        [
            {"id": "a0", "title": "A0", "cost": 0, "hours": 40} | course,
            {"id": "a1", "title": "A1", "cost": 100, "hours": 1} | course,
            {"id": "a2", "title": "A2", "cost": 60, "hours": 2} | course,
        ]
    )
    person = {"id": "p0", "name": "P0", "tier": "pro", "expires": dt.date(2027, 6, 30)}
    roster = roster_of([person | {"hours_per_week": 0.2}], [10**6, 10**6])
    people, classes, segments = solve_people(catalog, roster)
    timed = people[0].pricer
    index = {k: n for n, k in enumerate(classes)}
    u = np.ones(len(classes))
    with Pricing(catalog, roster, TODAY, segments, index, [timed], Deadline()) as pricing:

        def price(cutoff: float, deadline: Deadline) -> Any:
            return pricing.round(u, 0.0, 1, {id(timed): cutoff}, deadline)[id(timed)]

        found = price(6001.0, Deadline())
        assert [t.id for t in found.items] == ["a2"]
        assert (found.cost, found.bound, found.exact) == (6000.0, 6000.0, True)
        none = price(5999.0, Deadline())
        assert none.items is None and none.bound >= 5999.0 and none.exact
        stopped = price(6001.0, Deadline(0.0))
        assert stopped.items is None and stopped.bound == 0.0 and not stopped.exact
        assert pricing.round(u, 0.0, 1, {}, Deadline(), only=set()) == {}  # none asked


def test_a_renewal_before_the_do_by_date_is_not_called_the_latest_the_team_can_have() -> None:
    """Stage 4 (the latest renewals of people with weekly hours) is settled person by person,
    each with what the master gave them held, which is not always what gives the team its
    latest renewals: it is called proved only where every such renewal falls on its do-by
    date, the latest any plan can have. Here the only course expires in February, months
    before P0's do-by date: the first three stages are proved, stage 4 is not, and its gap is
    the days short of the do-by date over the days to it (the single model's plan is the same:
    nothing renews later)."""
    course = {"id": "a0", "title": "A0", "type": "course", "credits": 6, "cost": 50, "hours": 2}
    catalog = catalog_of([course | {"expires": dt.date(2027, 2, 1)}])
    person = {"id": "p0", "name": "P0", "tier": "pro", "expires": dt.date(2027, 6, 30)}
    roster = roster_of([person | {"hours_per_week": 1.0}], [10**6, 10**6])
    request = make_team_request(catalog, roster, today=TODAY)
    found = by_columns(request)
    solution = found.solution
    assert all(stage.proved for stage in found.stages)
    assert solution.status == "feasible" and solution.stopped_in == "renewal"
    (taken,) = solution.taken["p0"]
    assert taken.finish == dt.date(2027, 2, 1)
    most = (request.requests["p0"].complete_by - TODAY).days
    assert solution.gap == pytest.approx((most - (taken.finish - TODAY).days) / most)
    best, _ = single(request)
    assert renewal_days(best, request) == renewal_days(solution, request)
