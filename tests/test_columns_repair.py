"""A person's plan that fits the money left (ceplan/solving/repair.py), checked independently.

On small random teams, an exhaustive search written from SPEC 7 (every set of the person's
items and every day each could be paid, with what the funds can pay worked out by hand) says
whether a plan fits the money left and its least out-of-pocket spend, then its fewest hours;
:func:`fitting_plan` must agree, and what it returns must be a column that keeps the rules
(its cents by class, its fund payments, its spend in each period, a path met). Also: the
one-person team of the benchmark that columns alone cannot renew, a person with weekly hours,
and the team's segments a team of one's are mapped to.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.candidates.items import meets
from ceplan.model.team import Segment, money_cents, segments_of
from ceplan.requests.person import PlanRequest, make_request
from ceplan.roster.models import Roster
from ceplan.solving.repair import Fitting, Together, fitting_plan, renewing_together, team_segment
from ceplan.status import Deadline
from ceplan.units import hours_scale
from tests.conftest import examples
from tests.generators import TODAY, organisation
from tests.test_team_model import (
    PERIODS,
    best,
    catalog_of,
    do_by,
    options,
    period_of,
    roster_of,
    small_catalogs,
    teams,
    window,
)
from tests.test_team_model import meets as renews

Class = tuple[int | None, tuple[int, ...]]
UNIT = 1000
"""Every amount of the random teams is a whole number of these cents (10.00 GBP)."""


# -- the team's terms ---------------------------------------------------------------------------


def team_terms(
    catalog: ceplan.Catalog, roster: Roster
) -> tuple[dict[str, PlanRequest], list[Segment], dict[Class, int], int]:
    """The requests, and the segments, payment classes and hours scale of the whole team.

    The classes are every budget period (or none) with the funds that may pay there for an
    activity or an exam, numbered backwards so that no answer is right by accident of order.
    """
    requests = {
        p.id: make_request(catalog, p.tier, today=TODAY, **p.inputs()) for p in roster.people
    }
    last = max(r.complete_by for r in requests.values())
    segments = segments_of(roster, TODAY, max(last, TODAY))
    found: set[Class] = {(None, ())}
    for segment in segments:
        for kind in ("activities", "exams"):
            payers = tuple(f for f in segment.funds if kind in roster.funds[f].pays_for)
            found.add((segment.period, payers))
    ordered = sorted(found, key=repr, reverse=True)
    hours = [float(a.hours or 0) for a in catalog.activities]
    return requests, segments, {k: n for n, k in enumerate(ordered)}, hours_scale(hours)


def fit(
    catalog: ceplan.Catalog,
    roster: Roster,
    person: str,
    left: tuple[Sequence[int], Sequence[int]],
    deadline: Deadline | None = None,
) -> tuple[Fitting | None, list[Segment], dict[Class, int], int]:
    requests, segments, classes, scale = team_terms(catalog, roster)
    found = fitting_plan(
        catalog,
        roster,
        requests[person],
        person,
        left,
        segments=segments,
        classes=classes,
        scale=scale,
        deadline=deadline,
    )
    return found, segments, classes, scale


# -- the reference, from SPEC 7 -----------------------------------------------------------------


def cents_of(item: Any) -> int:
    return round(float(item.cost) * 100)


def kind_of(item: Any) -> str:
    return "exams" if hasattr(item, "kind") else "activities"


def ways(item: Any, person: Any, catalog: ceplan.Catalog, roster: Roster) -> set[Any]:
    """Each budget period the item can be paid in, with the funds that may pay it there."""
    found = set()
    for day in window(item, person, catalog):
        period = period_of(day, roster)
        if period is None:
            continue  # budgets are given: it cannot be paid then
        funds = frozenset(
            f
            for f, fund in enumerate(roster.funds)
            if day <= fund.expires and kind_of(item) in fund.pays_for
        )
        found.add((period, funds if cents_of(item) else frozenset()))
    return found


def most_from_funds(
    spend: Mapping[tuple[int, frozenset[int]], int], budget: Sequence[int], funds: Sequence[int]
) -> int | None:
    """The most at most two funds can pay toward ``spend`` (cents by period and the funds that
    may pay), each period's out of pocket within ``budget``; ``None`` when none keeps them.

    Every amount is a whole number of :data:`UNIT`, and so is some best answer (the problem is
    a flow with whole capacities in that unit): fund 0's payment in each period is tried in
    those steps; fund 1 then pays in each period what is left to pay that it may, all it can.
    """
    assert len(funds) <= 2
    f0, f1 = [*funds, 0, 0][:2]
    periods = range(len(budget))

    def cents(p: int, funds: set[int]) -> int:
        return spend.get((p, frozenset(funds)), 0)

    only0 = [cents(p, {0}) for p in periods]
    only1 = [cents(p, {1}) for p in periods]
    both = [cents(p, {0, 1}) for p in periods]
    total = [sum(c for (q, _), c in spend.items() if q == p) for p in periods]
    need = [max(0, total[p] - budget[p]) for p in periods]
    best = None
    steps = [range(0, min(f0, only0[p] + both[p]) + 1, UNIT) for p in periods]
    for paid0 in itertools.product(*steps):
        if sum(paid0) > f0:
            continue
        # What fund 1 may pay in each period once fund 0 paid its share (which takes the
        # items only fund 0 may pay first).
        most1 = [min(only1[p] + both[p], only0[p] + only1[p] + both[p] - paid0[p]) for p in periods]
        least1 = [max(0, need[p] - paid0[p]) for p in periods]
        if any(lo > hi for lo, hi in zip(least1, most1, strict=True)) or sum(least1) > f1:
            continue
        paid = sum(paid0) + min(f1, sum(most1))
        best = paid if best is None else max(best, paid)
    return best


def reference(
    catalog: ceplan.Catalog,
    roster: Roster,
    person_id: str,
    left: tuple[Sequence[int], Sequence[int]],
    scale: int,
) -> tuple[int, int] | None:
    """The least out-of-pocket cents of a plan of the person's that fits ``left``, and then the
    fewest hours (in steps of ``1 / scale``), by trying every set of items and every way to
    pay each; ``None`` when none fits.

    Sets of items a path does not need are skipped: dropping an item from a plan that fits
    leaves one that fits, for no more out of pocket and no more hours.
    """
    person = roster.person(person_id)
    if do_by(person, catalog) < TODAY:
        return None  # too late (SPEC 3)
    items = [*catalog.activities, *(catalog.exams if person.exams else [])]
    usable = [(item, ways(item, person, catalog, roster)) for item in items]
    usable = [(item, way) for item, way in usable if way]
    budget, funds = left
    best: tuple[int, int] | None = None
    for size in range(len(usable) + 1):
        for chosen in itertools.combinations(usable, size):
            picked = [item for item, _ in chosen]
            if not renews(tuple(picked), person, catalog):
                continue
            if any(
                renews(tuple(picked[:n] + picked[n + 1 :]), person, catalog) for n in range(size)
            ):
                continue  # an item not needed
            hours = sum(round(float(item.hours or 0) * scale) for item in picked)
            cost = sum(cents_of(item) for item in picked)
            for paid_in in itertools.product(*(sorted(way, key=repr) for _, way in chosen)):
                spend: dict[tuple[int, frozenset[int]], int] = {}
                for item, where in zip(picked, paid_in, strict=True):
                    spend[where] = spend.get(where, 0) + cents_of(item)
                paid = most_from_funds(spend, budget, funds)
                if paid is not None:
                    found = (cost - paid, hours)
                    best = found if best is None else min(best, found)
    return best


# -- what every answer keeps --------------------------------------------------------------------


def check_column(
    found: Fitting,
    catalog: ceplan.Catalog,
    roster: Roster,
    person_id: str,
    left: tuple[Sequence[int], Sequence[int]],
    segments: Sequence[Segment],
    classes: Mapping[Class, int],
    scale: int,
) -> None:
    """The answer is a column of the person's that fits ``left`` (SPEC 7's rules)."""
    person = roster.person(person_id)
    budget, funds = left
    by_index = {n: k for k, n in classes.items()}
    by_id = {item.id: item for item in [*catalog.activities, *catalog.exams]}
    cents: dict[int, int] = {}
    for taking in found.items:
        item = by_id[taking.id]
        assert taking.item.cents == money_cents(catalog, item.cost, item.currency)
        # Paid in a segment of the team's holding a day of its window, in that segment's
        # period, from funds valid then that pay for its kind.
        segment = segments[taking.segment]
        days = window(item, person, catalog)
        assert days and segment.start <= days[-1] and segment.end >= days[0], taking
        assert segment.period == period_of(segment.start, roster) is not None
        if taking.item.cents:
            assert by_index[taking.klass] == (
                segment.period,
                tuple(
                    f
                    for f, fund in enumerate(roster.funds)
                    if segment.start <= fund.expires and kind_of(item) in fund.pays_for
                ),
            )
        else:  # nobody pays for a free item: it costs nothing anywhere (the team's class)
            assert by_index[taking.klass] == (None, ())
        cents[taking.klass] = cents.get(taking.klass, 0) + taking.item.cents
    assert found.cents == tuple(sorted((k, c) for k, c in cents.items() if c))
    assert found.hours == sum(round(float(by_id[t.id].hours or 0) * scale) for t in found.items)
    paid_by_class: dict[int, int] = {}
    for f, k, paid in found.payments:
        assert paid > 0 and f in by_index[k][1]
        paid_by_class[k] = paid_by_class.get(k, 0) + paid
    for k, paid in paid_by_class.items():
        assert paid <= cents.get(k, 0)
    for f, most in enumerate(funds):
        assert sum(paid for g, _, paid in found.payments if g == f) <= most
    for p, most in enumerate(budget):
        out = sum(c - paid_by_class.get(k, 0) for k, c in cents.items() if by_index[k][0] == p)
        assert out <= most
    assert found.out_of_pocket == sum(cents.values()) - sum(paid_by_class.values())
    request = make_request(catalog, person.tier, today=TODAY, **person.inputs())
    mine = [t.item for t in found.items]
    paths = catalog.tiers[person.tier].paths
    assert any(meets(mine, rule, request.earned, dict(request.passed)) for rule in paths)
    assert len({t.id for t in found.items}) == len(found.items)  # each item once


# -- small random teams -------------------------------------------------------------------------


@st.composite
def teams_and_money(
    draw: st.DrawFn,
) -> tuple[ceplan.Catalog, Roster, str, tuple[list[int], list[int]]]:
    """A small team (few items, up to two funds), one of its people, and the money left."""
    catalog = draw(small_catalogs())
    expiries = [dt.date(2028, 1, 31), dt.date(2027, 6, 30)] * 4 + [TODAY - dt.timedelta(days=1)]
    people = [
        {
            "id": f"p{n}",
            "name": f"P{n}",
            "tier": "pro",
            "expires": draw(st.sampled_from(expiries)),
            "earned": draw(st.sampled_from([0, 2, 0, 2, 6, 0])),
            "exams": draw(st.booleans()),
        }
        for n in range(draw(st.integers(1, 3)))
    ]
    funds = [
        {
            "name": f"F{n}",
            "amount": 100,
            "expires": draw(st.sampled_from([dt.date(2027, 1, 31), dt.date(2027, 6, 30)])),
            "pays_for": draw(st.sampled_from([["activities"], ["exams"], ["activities", "exams"]])),
        }
        for n in range(draw(st.sampled_from([1, 2, 0, 1, 2])))
    ]
    roster = roster_of(people, [100, 100], funds)
    person: str = draw(st.sampled_from([str(p["id"]) for p in people]))
    amounts = st.sampled_from([9, 0, 4, 15, 25, 50]).map(lambda n: n * UNIT)
    left = ([draw(amounts) for _ in PERIODS], [draw(amounts) for _ in funds])
    return catalog, roster, person, left


@settings(max_examples=examples(200), deadline=None)
@given(teams_and_money())
def test_a_plan_fits_exactly_when_the_search_finds_one_and_spends_as_little(
    case: tuple[ceplan.Catalog, Roster, str, tuple[list[int], list[int]]],
) -> None:
    catalog, roster, person, left = case
    found, segments, classes, scale = fit(catalog, roster, person, left)
    expected = reference(catalog, roster, person, left, scale)
    event("no plan fits" if expected is None else "a plan fits")
    if expected is None:
        assert found is None
        return
    event(f"paid from {len(found.payments) if found else 0} fund and class pairs")
    assert found is not None and found.proved
    assert (found.out_of_pocket, found.hours) == expected
    check_column(found, catalog, roster, person, left, segments, classes, scale)


def test_a_plan_that_pays_in_both_periods_and_by_the_fund_is_found() -> None:
    """Neither period alone, nor the fund, pays for the two items: each in its own does."""
    catalog = catalog_of(
        [
            {"id": "a0", "title": "A0", "type": "course", "credits": 3, "cost": 80},
            {"id": "a1", "title": "A1", "type": "course", "credits": 3, "cost": 150},
        ]
    )
    fund = {"name": "F", "amount": 100, "expires": dt.date(2027, 6, 30)}
    person = {"id": "p0", "name": "P0", "tier": "pro", "expires": dt.date(2028, 1, 31)}
    roster = roster_of([person], [100, 100], [fund])
    left = ([5000, 10000], [8000])  # 230.00 to pay: 50 + 100 + 80 (the fund, in either)
    found, segments, classes, scale = fit(catalog, roster, "p0", left)
    assert found is not None
    assert found.out_of_pocket == 15000 and sorted(t.id for t in found.items) == ["a0", "a1"]
    check_column(found, catalog, roster, "p0", left, segments, classes, scale)
    periods = {classes_of(classes)[k][0] for k, _ in found.cents}
    assert periods == {0, 1}
    assert reference(catalog, roster, "p0", left, scale) == (15000, 0)
    # A cent less anywhere and nothing fits.
    for less in (([4999, 10000], [8000]), ([5000, 9999], [8000]), ([5000, 10000], [7999])):
        assert fit(catalog, roster, "p0", less)[0] is None
        assert reference(catalog, roster, "p0", less, scale) is None


def classes_of(classes: Mapping[Class, int]) -> dict[int, Class]:
    return {n: k for k, n in classes.items()}


# -- the team's segments ------------------------------------------------------------------------


def test_a_team_of_ones_segments_are_the_teams_that_start_on_the_same_day() -> None:
    """A person whose do-by date comes before the team's last: their team of one cuts the days
    at their own do-by date; each of their items is given the team's segment (and class)."""
    catalog = catalog_of(
        [
            {"id": "a0", "title": "A0", "type": "course", "credits": 6, "cost": 40},
            {
                "id": "a1",
                "title": "A1",
                "type": "course",
                "credits": 6,
                "cost": 30,
                "available_from": dt.date(2027, 5, 1),
            },
        ]
    )
    people = [
        {"id": "early", "name": "E", "tier": "pro", "expires": dt.date(2027, 6, 30)},
        {"id": "late", "name": "L", "tier": "pro", "expires": dt.date(2028, 1, 31)},
    ]
    funds = [
        {"name": "F0", "amount": 100, "expires": dt.date(2027, 1, 31)},
        {"name": "F1", "amount": 100, "expires": dt.date(2027, 9, 30)},  # after early's do-by
    ]
    roster = roster_of(people, [100, 100], funds)
    requests, segments, classes, scale = team_terms(catalog, roster)
    mine = segments_of(roster, TODAY, requests["early"].complete_by)
    assert len(mine) < len(segments) and mine[-1] != segments[len(mine) - 1]
    for n, segment in enumerate(mine):
        m = team_segment(segment, segments)
        assert segments[m].start == segment.start and segments[m].period == segment.period
        assert m == n
    # Only a1 paid from May in the second period fits this money: its segment is the team's.
    left = ([0, 3000], [0, 0])
    found, _, _, _ = fit(catalog, roster, "early", left)
    assert found is not None and [t.id for t in found.items] == ["a1"]
    (taking,) = found.items
    assert segments[taking.segment].start == dt.date(2027, 4, 1) and taking.earliest
    assert segments[taking.segment].end == dt.date(2027, 9, 30)
    assert classes_of(classes)[taking.klass] == (1, (1,))
    check_column(found, catalog, roster, "early", left, segments, classes, scale)


def test_a_segment_the_team_does_not_have_is_refused() -> None:
    day = dt.date(2027, 4, 1)
    team = [Segment(TODAY, day - dt.timedelta(days=1), 0, (0,)), Segment(day, day, 1, ())]
    assert team_segment(Segment(day, dt.date(2027, 5, 1), 1, ()), team) == 1
    with pytest.raises(ValueError, match="2027-04-02"):
        team_segment(Segment(day + dt.timedelta(days=1), day, 1, ()), team)
    with pytest.raises(ValueError, match="2027-04-01"):
        team_segment(Segment(day, day, 0, ()), team)  # the same day in another period


# -- weekly hours -------------------------------------------------------------------------------


def timed_team(hours_per_week: float | None) -> tuple[ceplan.Catalog, Roster]:
    """Two items of 100.00: ``long`` (40 hours) and ``short`` (10 hours), both needed.

    With 100.00 left in each period, one is paid in each. Paid from the second period's first
    day (2027-04-01), about 12 weeks are left before the do-by date (2027-06-23): at 2 hours a
    week, too few for ``long``'s 40 hours, enough for ``short``'s 10.
    """
    catalog = catalog_of(
        [
            {"id": "long", "title": "L", "type": "course", "credits": 3, "cost": 100, "hours": 40},
            {"id": "short", "title": "S", "type": "course", "credits": 3, "cost": 100, "hours": 10},
        ]
    )
    person: dict[str, Any] = {"id": "p0", "name": "P", "tier": "pro"}
    person["expires"] = dt.date(2027, 6, 30)
    if hours_per_week is not None:
        person["hours_per_week"] = hours_per_week
    return catalog, roster_of([person], [100, 100])


def test_weekly_hours_decide_which_item_is_paid_in_which_period() -> None:
    catalog, roster = timed_team(2)
    left: tuple[list[int], list[int]] = ([10000, 10000], [])
    found, segments, classes, scale = fit(catalog, roster, "p0", left)
    assert found is not None and found.proved and found.out_of_pocket == 20000
    check_column(found, catalog, roster, "p0", left, segments, classes, scale)
    period = {t.id: segments[t.segment].period for t in found.items}
    assert period == {"long": 0, "short": 1}
    assert found.hours == 50 * scale


def test_too_few_weekly_hours_for_any_plan_that_fits_gives_none() -> None:
    """With the first period's money only, both items are paid today: 50 hours in the 29 weeks
    to the do-by date fit at 3 hours a week, not at 1.5. Without weekly hours they fit."""
    left: tuple[list[int], list[int]] = ([20000, 0], [])
    catalog, roster = timed_team(3)
    assert fit(catalog, roster, "p0", left)[0] is not None
    catalog, roster = timed_team(1.5)
    assert fit(catalog, roster, "p0", left)[0] is None
    catalog, roster = timed_team(None)
    assert fit(catalog, roster, "p0", left)[0] is not None


# -- the benchmark's team of one, and the deadline ----------------------------------------------


def bench_person() -> tuple[ceplan.Catalog, Roster, tuple[list[int], list[int]], float]:
    made = organisation(1, 0, "ample")
    catalog = ceplan.Catalog.model_validate(made.catalog)
    roster = ceplan.Roster.model_validate(made.roster)
    budget = [money_cents(catalog, b.amount) for b in roster.budgets]
    funds = [money_cents(catalog, f.amount, f.currency) for f in roster.funds]
    own = made.own[roster.people[0].id]
    assert own is not None
    return catalog, roster, (budget, funds), own.cost


def test_the_benchmarks_person_that_columns_leave_at_risk_has_a_plan_that_fits() -> None:
    """``bench_team.py --people 1 --variants ample --method columns`` renews nobody: their
    cheapest plan (146.99) fits no single period (44.10 each) with the fund (79.00 USD), but
    paid across both periods and the fund it fits. No plan costs less than their cheapest,
    and the fund pays at most all of it, so nothing fits for less out of pocket than the
    difference; the answer spends exactly that."""
    catalog, roster, left, cheapest = bench_person()
    person = roster.people[0].id
    assert round(cheapest * 100) > max(left[0]) + sum(left[1])  # no single period will do
    found, segments, classes, scale = fit(catalog, roster, person, left)
    assert found is not None and found.proved
    check_column(found, catalog, roster, person, left, segments, classes, scale)
    assert found.out_of_pocket == round(cheapest * 100) - sum(left[1])


def test_no_time_left_gives_none() -> None:
    catalog, roster, left, _ = bench_person()
    assert fit(catalog, roster, roster.people[0].id, left, Deadline(0.0))[0] is None


def test_too_late_gives_none_and_already_met_an_empty_plan() -> None:
    catalog = catalog_of([{"id": "a0", "title": "A0", "type": "course", "credits": 6, "cost": 40}])
    people = [
        {"id": "late", "name": "L", "tier": "pro", "expires": TODAY - dt.timedelta(days=1)},
        {"id": "met", "name": "M", "tier": "pro", "expires": dt.date(2027, 6, 30), "earned": 6},
    ]
    roster = roster_of(people, [100, 100])
    assert fit(catalog, roster, "late", ([10000, 10000], []))[0] is None
    assert fit(catalog, roster, "met", ([-1, 0], []))[0] is None  # already overspent
    found = fit(catalog, roster, "met", ([0, 0], []))[0]
    assert found is not None and found.items == () and found.out_of_pocket == 0
    assert found.hours == 0 and found.payments == ()


def test_the_reference_finds_a_plan_only_the_funds_together_pay_for() -> None:
    """The search itself: 150.00 in the first period, 30.00 left there, from two funds of 70.00
    and 50.00 that each pay for it, fits (out of pocket 30.00); with one fund it does not."""
    catalog = catalog_of([{"id": "a0", "title": "A0", "type": "course", "credits": 6, "cost": 150}])
    person = {"id": "p0", "name": "P", "tier": "pro", "expires": dt.date(2027, 2, 28)}
    funds = [{"name": f"F{n}", "amount": 100, "expires": dt.date(2027, 6, 30)} for n in range(2)]
    roster = roster_of([person], [100, 100], funds)
    assert reference(catalog, roster, "p0", ([3000, 0], [7000, 5000]), 1) == (3000, 0)
    assert reference(catalog, roster, "p0", ([3000, 0], [7000, 0]), 1) is None
    found = fit(catalog, roster, "p0", ([3000, 0], [7000, 5000]))[0]
    assert found is not None and found.out_of_pocket == 3000
    assert sorted((f, paid) for f, _, paid in found.payments) == [(0, 7000), (1, 5000)]


def test_planning_by_columns_renews_the_benchmarks_person_by_a_plan_that_fits() -> None:
    """The same person planned by columns: pricing alone makes no column that fits (each pays
    every item in its cheapest way), so the relaxation takes half of two and the integer
    programme none; the repair adds the plan paid across both periods and the fund, and the
    priority stage is proved. Without it (no people asked) and without branching, nobody
    renews."""
    from ceplan.solving import columns

    catalog, roster, _, _ = bench_person()
    solution = columns.solve_by_columns(catalog, roster, today=TODAY)
    priority = solution.stages[0]
    assert priority.proved and priority.value == roster.people[0].priority
    assert sorted(solution.chosen) == [roster.people[0].id]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_BRANCH_WORK", 0)  # (branching finds it too: see below)
        repaired = columns.solve_by_columns(catalog, roster, today=TODAY)
        assert sorted(repaired.chosen) == [roster.people[0].id]
        patch.setattr(columns, "_REPAIRS", 0)
        unrepaired = columns.solve_by_columns(catalog, roster, today=TODAY)
    assert not unrepaired.chosen and not unrepaired.stages[0].proved
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "_REPAIRS", 0)  # branching alone: the single model says so
        branched = columns.solve_by_columns(catalog, roster, today=TODAY)
    assert sorted(branched.chosen) == [roster.people[0].id] and branched.stages[0].proved


@settings(max_examples=examples(15), deadline=None)
@given(teams(most_people=3))
def test_people_renew_together_exactly_when_the_exhaustive_search_renews_them_all(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    """Everyone who could renew alone, asked together with the team's whole money: plans that
    fit exactly when trying every combination of everyone's ways renews them all (the
    exhaustive search of tests/test_team_model.py), and then plans that do fit (each meets a
    path; the funds pay no more than they hold and the periods the rest)."""
    catalog, roster = team
    requests, segments, classes, scale = team_terms(catalog, roster)
    hopeful = [
        p
        for p in roster.people
        if not requests[p.id].too_late and len(options(p, catalog, roster)) > 1
    ]
    if not hopeful:
        return
    budget = [money_cents(catalog, b.amount) for b in roster.budgets]
    funds = [money_cents(catalog, f.amount, f.currency) for f in roster.funds]
    found = renewing_together(
        catalog,
        roster,
        requests,
        [p.id for p in hopeful],
        (budget, funds),
        segments=segments,
        classes=classes,
        scale=scale,
    )
    most = -best(catalog, roster)[0]  # (minimised there)
    assert found is not None  # (no deadline)
    assert isinstance(found, Together) == (most == sum(p.priority for p in hopeful)), most
    if isinstance(found, Together):
        paid = [0] * len(funds)
        spent = [0] * len(budget)
        ordered = sorted(classes, key=lambda k: classes[k])
        for f, k, cents in found.payments:
            paid[f] += cents
            period = ordered[k][0]
            if period is not None:
                spent[period] -= cents
        for person in hopeful:
            items, cents_by_class, _ = found.plans[person.id]
            assert any(
                meets([t.item for t in items], rule, person.earned, {})
                for rule in catalog.tiers[person.tier].paths
            )
            for k, cents in cents_by_class:
                period = ordered[k][0]
                if period is not None:
                    spent[period] += cents
        assert all(p <= f for p, f in zip(paid, funds, strict=True))
        assert all(s <= b for s, b in zip(spent, budget, strict=True))
