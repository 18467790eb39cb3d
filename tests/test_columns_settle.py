"""Each person settled alone after the columns' master (ceplan.solving.team.settle_column).

The fast settle gives the plans the single model gives a team of one (the way each person was
settled before, kept here as :func:`whole_team_of_one`): the same items, paid on the same days,
under the same path, dated alike, with the same money out of pocket and from each fund; people
alike in all the answer depends on share one answer, and people who differ in what they hold
do not.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ceplan
import ceplan.planning.columns as columns
from ceplan.candidates.items import drop_redundant, meets
from ceplan.model.team import OutOfTime, build_team, who_may_pay
from ceplan.planning.columns import _Task
from ceplan.requests.team import TeamRequest, make_team_request
from ceplan.roster.models import Roster
from ceplan.solving.backends import Solver, make_solver
from ceplan.solving.team import (
    TeamSolution,
    settle_alone,
    solve_team,
    team_of_one,
)
from ceplan.status import Deadline
from tests.conftest import examples
from tests.team_checker import check_team_plan
from tests.test_columns_timed import as_data
from tests.test_team_model import TODAY, catalog_of, roster_of

SOLVER = make_solver("highs")


def whole_team_of_one(
    request: TeamRequest, solver: Solver, deadline: Deadline, task: _Task
) -> TeamSolution | None:
    """How a person was settled before: the whole model of a team of one, then stage 5."""
    person = request.roster.person(task.person)
    mine = request.requests[task.person]
    if task.dear:
        mine = dataclasses.replace(mine, excluded=mine.excluded | task.dear)
    team = request.roster.model_copy(update={"people": (person,)})
    taken = [(item, segment, dict(funds)) for item, segment, funds in task.plan]
    try:
        model = build_team(
            request.catalog,
            team,
            today=request.today,
            requests={task.person: mine},
            cents=(task.spend, task.paid),
            deadline=deadline,
        )
        settled = settle_alone(model, task.person, task.path, taken, solver, deadline)
        return settled if settled is not None else solve_team(model, deadline=deadline)
    except OutOfTime:
        return None


def tasks_of(catalog: ceplan.Catalog, roster: Roster) -> tuple[TeamRequest, list[_Task]]:
    """The people a plan by columns settles alone, as it hands them over."""
    found: list[_Task] = []
    request = make_team_request(catalog, roster, today=TODAY)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_solve_alone", lambda *args: found.append(args[3]))
        ceplan.plan_team(catalog, roster, today=TODAY, method="columns")
    return request, found


def rows(solution: TeamSolution, person: str) -> list[tuple[Any, ...]]:
    """A person's plan: each item, the day and period it is paid in, when it is done."""
    return [
        (t.item, t.paid_on, t.period, t.cents, t.start, t.finish, t.complete_by, t.hours)
        for t in solution.taken[person]
    ]


def assert_same_plan(new: TeamSolution, old: TeamSolution, person: str) -> None:
    """Item for item, done day for day; paid as early (the same days late in all); the same
    money out of pocket and from each fund.

    How a fund's money is spread over a person's items is left to the solver where several
    ways pay the same in all (and so which period pays the rest), and so is which item is
    paid on which day where several ways are as early in all (two items of one price, one
    period's money each, both as late in the other): those alone may differ.
    """
    assert new.status == old.status == "optimal"
    assert new.renews == old.renews and new.paths == old.paths
    done = [(r[0], r[3], r[4], r[5], r[6], r[7]) for r in rows(new, person)]
    assert done == [(r[0], r[3], r[4], r[5], r[6], r[7]) for r in rows(old, person)]
    days = [sum(t.paid_on.toordinal() for t in s.taken[person]) for s in (new, old)]
    assert days[0] == days[1]
    assert new.out_of_pocket == pytest.approx(old.out_of_pocket, abs=0.01)
    for f in set(new.used) | set(old.used):
        assert new.used.get(f, 0.0) == pytest.approx(old.used.get(f, 0.0), abs=0.01)
    assert new.priority == old.priority


@st.composite
def crowded_teams(draw: st.DrawFn) -> tuple[ceplan.Catalog, Roster]:
    """Teams whose columns are often not the people's own plans: many small items, little
    money, and people alike (the same tier, expiry and credits) or nearly so."""
    days = st.sampled_from([None, dt.date(2027, 2, 1), dt.date(2027, 5, 15)])
    activities = []
    for n in range(draw(st.integers(3, 9))):
        opens = draw(days)
        activities.append(
            {
                "id": f"a{n}",
                "title": f"A{n}",
                "type": "course",
                "credits": draw(st.sampled_from([1, 2, 2, 3, 4, 6])),
                "cost": draw(st.sampled_from([0, 0, 10, 15, 40, 80])),
                "hours": draw(st.sampled_from([0, 1, 2, 2.5, 4])),
                **({"available_from": opens} if opens else {}),
            }
        )
    exams = [
        {"id": f"e{n}", "title": f"E{n}", "kind": "core", "cost": draw(st.sampled_from([20, 90]))}
        for n in range(draw(st.integers(0, 2)))
    ]
    paths: list[dict[str, Any]] = [{"credits": draw(st.sampled_from([6, 8, 10]))}]
    if exams:
        paths.append({"credits": 2, "exams": {"core": 1}})
    catalog = catalog_of(activities, exams, paths)
    kinds = [
        (dt.date(2027, 6, 30), 0),
        (dt.date(2027, 7, 31), 0),
        (dt.date(2028, 1, 31), 2),
    ]
    people = []
    for n in range(draw(st.integers(2, 6))):
        expires, earned = draw(st.sampled_from(kinds))
        people.append(
            {
                "id": f"p{n}",
                "name": f"P{n}",
                "tier": "pro",
                "expires": expires,
                "earned": earned,
                "priority": draw(st.sampled_from([1, 2])),
            }
        )
    amounts = [draw(st.sampled_from([0, 20, 40, 100])) for _ in range(2)]
    funds = []
    if draw(st.sampled_from([False, True, True])):
        funds.append(
            {
                "name": "CLC",
                "amount": draw(st.sampled_from([30, 60, 150])),
                "expires": draw(st.sampled_from([dt.date(2027, 1, 31), dt.date(2027, 6, 30)])),
                "pays_for": draw(st.sampled_from([["activities"], ["activities", "exams"]])),
            }
        )
    return catalog, roster_of(people, amounts, funds)


@settings(max_examples=examples(80), deadline=None)
@given(crowded_teams())
def test_settling_a_column_gives_the_plan_of_the_whole_team_of_one(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    catalog, roster = team
    request, tasks = tasks_of(catalog, roster)
    for task in tasks:
        old = whole_team_of_one(request, SOLVER, Deadline(), task)
        new = columns._solve_alone(request, SOLVER, Deadline(), task)
        assert old is not None and new is not None
        assert_same_plan(new, old, task.person)


@st.composite
def plans_in_hand(draw: st.DrawFn) -> tuple[TeamRequest, _Task]:
    """A person of a crowded team with a plan in hand of their own model's ways: any items that
    meet a path with each needed (often more than the fewest), each paid in a segment it may be
    paid in, the funds paying any part they may; what they hold is what it spends, and in each
    period perhaps more."""
    catalog, roster = draw(crowded_teams())
    request = make_team_request(catalog, roster, today=TODAY)
    person = draw(
        st.sampled_from([p for p in roster.people if not request.requests[p.id].too_late])
    )
    mine = request.requests[person.id]
    alone = team_of_one(catalog, roster, person, mine, ([0, 0], [0] * len(roster.funds)))
    ways: dict[str, list[tuple[Any, int]]] = {}
    for _, (item, n) in alone.copied:
        ways.setdefault(item.id, []).append((item, n))
    order = draw(st.permutations(sorted(ways)))
    rules = catalog.tiers[person.tier].paths
    passed = dict(mine.passed)
    chosen: list[Any] = []
    for item_id in order:
        if any(meets(chosen, rule, mine.earned, passed) for rule in rules):
            break
        chosen.append(ways[item_id][0][0])
    met = [n for n, rule in enumerate(rules) if meets(chosen, rule, mine.earned, passed)]
    assume(met)
    path = met[0]
    chosen = drop_redundant(chosen, rules[path], mine.earned, passed)
    path = next(
        n
        for n, rule in enumerate(rules)
        if meets(chosen, rule, mine.earned, passed)
        and len(drop_redundant(chosen, rule, mine.earned, passed)) == len(chosen)
    )
    spend = [0] * len(roster.budgets)
    paid = [0] * len(roster.funds)
    plan = []
    for item in sorted(chosen, key=lambda c: c.id):
        _, n = draw(st.sampled_from(ways[item.id]))
        segment = alone.segments[n]
        payers = who_may_pay(item, segment, alone.roster)
        shares = {}
        rest = item.cents
        for f in payers[1] if payers else ():
            share = draw(st.sampled_from([0, rest // 2, rest]))
            if share:
                shares[f] = share
                paid[f] += share
                rest -= share
        if segment.period is not None:
            spend[segment.period] += rest
        plan.append((item.id, n, tuple(sorted(shares.items()))))
    spend = [cents + draw(st.sampled_from([0, 0, 1000, 5000])) for cents in spend]
    most = sum(spend) + sum(paid)
    dear = frozenset(c.id for _, (c, _) in alone.copied if c.cents > most)
    task = _Task(person.id, tuple(spend), tuple(paid), dear, tuple(plan), path)
    return request, task


@settings(max_examples=examples(150), deadline=None)
@given(plans_in_hand())
def test_settling_any_plan_in_hand_gives_the_whole_team_of_ones_plan(
    drawn: tuple[TeamRequest, _Task],
) -> None:
    """A plan in hand that is often not the fewest items: the tie-break has work to do."""
    request, task = drawn
    old = whole_team_of_one(request, SOLVER, Deadline(), task)
    new = columns._solve_alone(request, SOLVER, Deadline(), task)
    assert old is not None and new is not None
    assert_same_plan(new, old, task.person)


def alike(expires: list[dt.date]) -> tuple[TeamRequest, list[Any]]:
    """People alike but for their expiry, each able to renew with one item: ``a`` (50.00, that
    a fund may pay) or ``c`` (free), each of 6 credits and an hour; and where ``c`` is paid."""
    catalog = catalog_of(
        [
            {"id": "a", "title": "A", "type": "course", "credits": 6, "cost": 50, "hours": 1},
            {"id": "c", "title": "C", "type": "course", "credits": 6, "cost": 0, "hours": 1},
        ]
    )
    people = [
        {"id": f"p{n}", "name": f"P{n}", "tier": "pro", "expires": day}
        for n, day in enumerate(expires)
    ]
    fund = {"name": "CLC", "amount": 100, "expires": dt.date(2027, 6, 30)}
    roster = roster_of(people, [0, 0], [fund | {"pays_for": ["activities"]}])
    request = make_team_request(catalog, roster, today=TODAY)
    return request, list(roster.people)


def plan_in_hand_c(request: TeamRequest, person: str, spend: int, paid: int) -> _Task:
    """``person``'s plan in hand: ``c`` alone, holding ``spend`` in the first period and ``paid``
    from the fund."""
    mine = request.requests[person]
    someone = request.roster.person(person)
    alone = team_of_one(request.catalog, request.roster, someone, mine, ((0, 0), (0,)))
    (segment,) = [n for _, (item, n) in alone.copied if item.id == "c"]
    return _Task(person, (spend, 0), (paid,), frozenset(), (("c", segment, ()),), 0)


def test_people_alike_but_for_what_they_hold_do_not_share_an_answer() -> None:
    """The same inputs and plan in hand; p0 holds 50.00 from the fund, p1 25.00 from it and
    25.00 of a period: only p0 can take ``a`` (the smaller id), p1 keeps ``c``."""
    request, _ = alike([dt.date(2027, 5, 31)] * 2)
    rich = plan_in_hand_c(request, "p0", 0, 5000)
    poorer = plan_in_hand_c(request, "p1", 2500, 2500)
    answers = {}
    for task in (rich, poorer):
        answers[task.person] = columns._solve_alone(request, SOLVER, Deadline(), task)
        old = whole_team_of_one(request, SOLVER, Deadline(), task)
        assert old is not None and answers[task.person] is not None
        assert_same_plan(answers[task.person], old, task.person)
    assert [t.item for t in answers["p0"].taken["p0"]] == ["a"]
    assert [t.item for t in answers["p1"].taken["p1"]] == ["c"]
    assert len(columns._memo(request)) == 2


def test_people_alike_in_all_the_answer_reads_share_it_each_dated_by_their_own_expiry() -> None:
    """p0, p1 and p2 differ in their expiry only (the same items, segments and ways to pay):
    one answer for all three, each plan done by their own do-by date."""
    expiries = [dt.date(2027, 5, 31), dt.date(2027, 6, 15), dt.date(2027, 5, 31)]
    request, people = alike(expiries)
    plans = {}
    for person in people:
        task = plan_in_hand_c(request, person.id, 0, 5000)
        plans[person.id] = columns._solve_alone(request, SOLVER, Deadline(), task)
        old = whole_team_of_one(request, SOLVER, Deadline(), task)
        assert old is not None and plans[person.id] is not None
        assert_same_plan(plans[person.id], old, person.id)
    assert len(columns._memo(request)) == 1
    finish = {person: plan.taken[person][0].complete_by for person, plan in plans.items()}
    assert finish["p0"] == finish["p2"] < finish["p1"]


def exam_or_courses(activities: list[str], held: tuple[int, int]) -> tuple[TeamRequest, Roster]:
    """P (2 credits earned; 10 credits, or 2 and a core exam, renew), with the courses
    ``activities`` of a0 (1 credit, 10.00), a2 (1, free), a6 (1, 40.00), a7 (6, 40.00), and the
    exam e0 (20.00); holding ``held`` of FY0 and FY1 (whole currency) and 20.00 of a fund that
    pays for activities and exams paid by 2027-01-31 (the roster's own amounts, so the checker
    holds them to it). Items are paid in segment 0 (today to the fund's expiry, FY0), 1 (FY0
    after it) or 2 (FY1)."""
    courses = {
        "a0": {"credits": 1, "cost": 10},
        "a2": {"credits": 1, "cost": 0},
        "a6": {"credits": 1, "cost": 40},
        "a7": {"credits": 6, "cost": 40},
    }
    made = {"type": "course", "hours": 0}
    catalog = catalog_of(
        [courses[a] | made | {"id": a, "title": a.upper()} for a in activities],
        [{"id": "e0", "title": "E0", "kind": "core", "cost": 20}],
        [{"credits": 10}, {"credits": 2, "exams": {"core": 1}}],
    )
    person = {"id": "p", "name": "P", "tier": "pro", "expires": dt.date(2028, 1, 31), "earned": 2}
    fund = {"name": "CLC", "amount": 20, "expires": dt.date(2027, 1, 31)}
    roster = roster_of([person], list(held), [fund | {"pays_for": ["activities", "exams"]}])
    request = make_team_request(catalog, roster, today=TODAY)
    alone = team_of_one(catalog, roster, roster.people[0], request.requests["p"], ((0, 0), (0,)))
    assert [(s.start, s.period, s.funds) for s in alone.segments] == [
        (TODAY, 0, (0,)),
        (dt.date(2027, 2, 1), 0, ()),
        (dt.date(2027, 4, 1), 1, ()),
    ]
    return request, roster


def assert_e0_paid_today_by_the_fund(request: TeamRequest, roster: Roster, task: _Task) -> None:
    """Both ways of settling P give e0 alone, paid today, all of it from the fund; the checker
    finds the plan keeps every rule and works out the same money."""
    old = whole_team_of_one(request, SOLVER, Deadline(), task)
    new = columns._solve_alone(request, SOLVER, Deadline(), task)
    assert old is not None and new is not None
    for settled in (old, new):
        assert settled.paths == {"p": 1}
        assert [(t.item, t.paid_on, t.period) for t in settled.taken["p"]] == [("e0", TODAY, 0)]
        assert settled.out_of_pocket == 0.0 and settled.used == {0: 2000.0}
        plan = as_data(settled, roster, request.catalog)
        checked = check_team_plan(request.catalog, roster, plan, TODAY)
        assert checked.valid, checked.problems
        assert (checked.out_of_pocket, checked.from_funds) == (0.0, 20.0)
    assert_same_plan(new, old, "p")


def test_an_item_paid_earlier_to_be_settled_is_paid_by_the_fund_as_far_as_it_may() -> None:
    """P's plan in hand is e0 alone, paid in FY1 (segment 2), where no fund may pay: paid as
    early as it can be (today, in the fund's days), the fund may pay all of it, and the least
    out of pocket (SPEC 7, before the tie-break) says it does. The settle paid e0 early but
    left the fund's share to the solver, which gave none of it, when the plan it was paying
    early had no item paid where a fund may pay."""
    request, roster = exam_or_courses([], (50, 50))
    task = _Task("p", (5000, 5000), (2000,), frozenset(), (("e0", 2, ()),), 1)
    assert_e0_paid_today_by_the_fund(request, roster, task)


def test_a_tie_breaks_plan_moved_into_a_funds_days_is_paid_by_the_fund_in_full() -> None:
    """Found by the examples of plans in hand: P's plan in hand is a0, a6 (20.00 of it from the
    fund) and a7 (in FY1), holding 30.00 of FY0 and 40.00 of FY1. The tie-break's plan is e0
    alone, which its answers paid in FY1; paid early, the solver left 10.00 of it out of
    pocket (in the whole model of a team of one and in the smaller one alike)."""
    request, roster = exam_or_courses(["a0", "a2", "a6", "a7"], (30, 40))
    plan = (("a0", 0, ()), ("a6", 0, ((0, 2000),)), ("a7", 2, ()))
    task = _Task("p", (3000, 4000), (2000,), frozenset(), plan, 0)
    assert_e0_paid_today_by_the_fund(request, roster, task)


def test_the_bound_on_items_is_lagranges_and_a_plan_that_cannot_be_is_proved_so() -> None:
    """3 credits from items of 1, 1, 1 and 3 credits: the 3-credit item alone is the fewest; a
    plan with a 1-credit item has at least 1 2/3 items by the bound (in fact 3), more than one
    when no more than 2 hours may be spent. 10 credits from two items of 1: no plan, and the
    dual ray that says so checks out."""
    from ceplan.solving.team import _fewest_with_each

    credits = np.array([1.0, 1.0, 1.0, 3.0])
    bound = _fewest_with_each([(credits, 3.0, np.inf)], 4)
    assert bound == pytest.approx([5 / 3, 5 / 3, 5 / 3, 1.0])
    hours = np.array([1.0, 1.0, 1.0, 2.0])  # at most 2 hours: only the 3-credit item renews
    bound = _fewest_with_each([(credits, 3.0, np.inf), (hours, -np.inf, 2.0)], 4)
    assert bound[3] <= 1 + 1e-9 and all(bound[:3] > 1 + 1e-6)
    none = _fewest_with_each([(np.array([1.0, 1.0]), 10.0, np.inf)], 2)
    assert np.isinf(none).all()


# -- which method plans a team: plan_team(method="auto") --------------------------------------


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "team.yaml"


def example_team(timed: bool) -> tuple[ceplan.Catalog, Roster]:
    """The README's team (12 people, the bundled catalogue of 10 items); without weekly hours
    and days away unless ``timed``."""
    from tests.test_columns import untimed

    catalog = ceplan.load_catalog()
    roster = ceplan.load_roster(EXAMPLE, catalog=catalog, today="2026-11-29")
    return catalog, roster if timed else untimed(roster)


REFUSED = "needs credits in steps of at least 1/10,000"


def refused_team() -> tuple[ceplan.Catalog, Roster]:
    """The README's team with activities' credits in steps the columns' pricing does not take
    (it counts credits in whole steps of at least 1/10,000)."""
    catalog, roster = example_team(timed=False)
    fine = tuple(a.model_copy(update={"credits": a.credits + 0.00001}) for a in catalog.activities)
    return catalog.model_copy(update={"activities": fine}), roster


def test_auto_plans_a_small_team_by_the_single_model_and_says_so() -> None:
    """12 people times 10 items: the single model, the same plan as asked for by name; the JSON
    and the table say which method made it."""
    catalog, roster = example_team(timed=False)
    auto = ceplan.plan_team(catalog, roster, today="2026-11-29")
    single = ceplan.plan_team(catalog, roster, today="2026-11-29", method="single")
    assert auto.method == single.method == "single"
    assert auto.to_json() == single.to_json()
    assert auto.to_dict()["method"] == "single"
    assert (
        auto.lines()[1]
        == "  planned by the single model (one integer programme for the whole team)"
    )
    columns_plan = ceplan.plan_team(catalog, roster, today="2026-11-29", method="columns")
    assert columns_plan.method == columns_plan.to_dict()["method"] == "columns"
    assert columns_plan.lines()[1].startswith("  planned by columns")


def test_auto_plans_a_larger_team_by_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the threshold (lowered here: the example team is its own small team), columns; the
    same plan as asked for by name."""
    import ceplan.planning.team as team

    catalog, roster = example_team(timed=False)
    people, items = len(roster.people), len(catalog.activities) + len(catalog.exams)
    monkeypatch.setattr(team, "AUTO_SINGLE_MOST", people * items)
    assert ceplan.plan_team(catalog, roster, today="2026-11-29").method == "single"
    monkeypatch.setattr(team, "AUTO_SINGLE_MOST", people * items - 1)
    auto = ceplan.plan_team(catalog, roster, today="2026-11-29")
    by_name = ceplan.plan_team(catalog, roster, today="2026-11-29", method="columns")
    assert auto.method == "columns" and auto.to_json() == by_name.to_json()
    cut = ceplan.what_if(catalog, roster, budget_factor=0.5, today="2026-11-29")
    assert cut.before.method == cut.after.method == "columns"


def test_auto_with_workers_or_a_scheduler_plans_by_columns() -> None:
    """However small the team: workers plan people by columns. A team the columns do not take
    is then refused, in one line, as with method "columns"."""
    catalog, roster = example_team(timed=False)
    plan = ceplan.plan_team(catalog, roster, today="2026-11-29", workers=2)
    assert plan.method == "columns"
    timed_catalog, timed = example_team(timed=True)
    assert ceplan.plan_team(timed_catalog, timed, today="2026-11-29", workers=2).method == (
        "columns"
    )
    fine_catalog, fine = refused_team()
    with pytest.raises(ceplan.PlanInputError, match=REFUSED) as caught:
        ceplan.plan_team(fine_catalog, fine, today="2026-11-29", workers=2)
    assert "\n" not in str(caught.value)
    with pytest.raises(ceplan.PlanInputError, match=REFUSED):
        ceplan.plan_team(fine_catalog, fine, today="2026-11-29", scheduler="tcp://x:1")
    with pytest.raises(ceplan.PlanInputError, match="only with method 'columns'"):
        ceplan.plan_team(catalog, roster, today="2026-11-29", method="single", workers=2)


def test_auto_plans_a_team_the_columns_do_not_take_by_the_single_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A larger team the columns' master refuses: the single model plans it (the same plan as
    asked for by name), and the progress says why."""
    import ceplan.planning.team as team

    catalog, roster = refused_team()
    monkeypatch.setattr(team, "AUTO_SINGLE_MOST", 0)
    lines: list[str] = []
    auto = ceplan.plan_team(catalog, roster, today="2026-11-29", progress=lines.append)
    single = ceplan.plan_team(catalog, roster, today="2026-11-29", method="single")
    assert auto.method == "single" and auto.to_json() == single.to_json()
    assert any(REFUSED in line for line in lines)
    with pytest.raises(ceplan.PlanInputError, match=REFUSED):
        ceplan.plan_team(catalog, roster, today="2026-11-29", method="columns")


def test_the_methods_are_one_list_for_python_and_the_command_line() -> None:
    from ceplan.cli.main import build_parser
    from ceplan.planning.team import METHODS

    parser = build_parser()
    team = next(
        action.choices["team"]
        for action in parser._actions
        if isinstance(action.choices, dict) and "team" in action.choices
    )
    method = next(action for action in team._actions if action.dest == "method")
    assert tuple(method.choices) == METHODS and method.default == "auto"
    with pytest.raises(ceplan.PlanInputError, match="method must be one of auto, single, columns"):
        ceplan.plan_team(*example_team(timed=False), method="fast")


def test_the_team_command_says_the_method_in_json_and_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from ceplan.cli.main import main

    argv = ["team", str(EXAMPLE), "--today", "2026-11-29"]
    assert main([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "single"
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("  planned by the single model")
    assert main([*argv, "--workers", "2", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "columns"
