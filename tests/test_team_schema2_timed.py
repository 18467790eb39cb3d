"""Team plans over time on a catalogue of schema 2 (SPEC 6, 7 and 9): weekly hours and sessions.

A roster person with ``hours_per_week`` gets a plan within their weekly hours, and an activity
with dated sessions is done on one session's days, paid no later than it starts. On small random
teams the plan is checked against an exhaustive search written here from the SPEC
(:func:`best_teams`): every plan of every person (each item paid in each budget period it can be
paid in, each session tried), kept when its hours fit the weeks between the day each item is
paid and its do-by date (:func:`tests.test_schema2_timed.fits`, earliest deadline first), then
every choice of one plan or none per person within the budgets, in the team's order: the most
priority renewed, the least spent, the fewest hours. The single model and the columns agree, and
every plan's items fit each person's weekly hours between their own start and finish dates.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.cli.main import main
from tests.conftest import examples
from tests.schema2_generators import TODAY
from tests.team_checker import check_team_plan
from tests.test_schema2_planning import activity, catalog_of, catalogue, tier
from tests.test_schema2_timed import fits

DAY = dt.timedelta(days=1)
PERIODS = [
    ("FY1", dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    ("FY2", dt.date(2027, 4, 1), dt.date(2028, 3, 31)),
]
EXPIRIES = [TODAY + 60 * DAY, TODAY + 150 * DAY, dt.date(2027, 6, 30)]
"""Each person's expiry (no processing days: their do-by date): before FY2, and in it."""


# -- the reference: an exhaustive search from the SPEC ----------------------------------------


@dataclass(frozen=True)
class Option:
    """A thing one person may do: an activity worked at their own pace, or one session of one.

    ``last`` is the last day it may be paid on: a session's first day, or the last day it may be
    done (it is paid no later than it starts).
    """

    activity: str
    credits: int
    cents: int
    hours: float
    last: dt.date
    finish: dt.date | None
    """A session's last day (``None``: self-paced, done by the do-by date or its own expiry)."""


@dataclass(frozen=True)
class RefPerson:
    id: str
    expires: dt.date
    hours_per_week: float | None
    priority: int


def options(data: Mapping[str, Any], person: RefPerson) -> list[Option]:
    """What ``person`` may do, from the catalogue (SPEC 6: a session from today, by the do-by)."""
    found = []
    for a in data["activities"]:
        own_last = min(person.expires, a.get("expires", person.expires))
        cents = round(a["cost"] * 100)
        if not a.get("sessions"):
            if own_last >= TODAY:
                found.append(
                    Option(a["id"], a["credits"], cents, a.get("hours", 0), own_last, None)
                )
            continue
        for s in a["sessions"]:
            if s["start"] >= TODAY and s["end"] <= own_last:
                price = round(s["cost"] * 100) if "cost" in s else cents
                found.append(
                    Option(a["id"], a["credits"], price, a.get("hours", 0), s["start"], s["end"])
                )
    return found


def person_plans(
    data: Mapping[str, Any], person: RefPerson, need: int, amounts: Sequence[int] | None
) -> set[tuple[tuple[int, ...], int, float]]:
    """Every plan of ``person`` as the team sees it: cents paid in each period, in all, hours.

    A plan takes items whose credits reach ``need``, at most one session of an activity; each
    item is paid on a day of a budget period from today to the last day it may be paid on (the
    first such day of its period: money is the same on any of them, and work may start no
    earlier than the item is paid, so the first leaves most weeks); with weekly hours, the
    self-paced items' hours fit the weeks between the day each is paid and its last day.
    """
    mine = options(data, person)
    plans: set[tuple[tuple[int, ...], int, float]] = set()
    for size in range(len(mine) + 1):
        for chosen in itertools.combinations(mine, size):
            names = [o.activity for o in chosen]
            if len(set(names)) < len(names) or sum(o.credits for o in chosen) < need:
                continue
            for paid in itertools.product(*(_pay_days(o, amounts) for o in chosen)):
                spend = [0] * len(PERIODS)
                for option, (period, _) in zip(chosen, paid, strict=True):
                    if period is not None:
                        spend[period] += option.cents
                work = [
                    {"id": str(n), "hours": o.hours, "first": day, "last": o.last}
                    for n, (o, (_, day)) in enumerate(zip(chosen, paid, strict=True))
                    if o.finish is None and o.hours > 0
                ]
                weekly = person.hours_per_week
                if weekly is None or fits(work, weekly, TODAY):
                    cents = sum(o.cents for o in chosen)
                    plans.add((tuple(spend), cents, float(sum(o.hours for o in chosen))))
    return plans


def _pay_days(option: Option, amounts: Sequence[int] | None) -> list[tuple[int | None, dt.date]]:
    """Each budget period ``option`` may be paid in, and its first day from today in it."""
    if amounts is None:
        return [(None, TODAY)]
    days = []
    for n, (_, first, last) in enumerate(PERIODS):
        day = max(first, TODAY)
        if day <= min(last, option.last):
            days.append((n, day))
    return days


def best_teams(
    data: Mapping[str, Any], team: Sequence[RefPerson], need: int, amounts: Sequence[int] | None
) -> tuple[int, int, float, set[frozenset[str]]]:
    """The team's best (priority renewed, cents spent, hours) and every set renewing with it."""
    choices = [[None, *sorted(person_plans(data, p, need, amounts))] for p in team]
    best: tuple[int, int, float] | None = None
    sets: set[frozenset[str]] = set()
    for choice in itertools.product(*choices):
        spend = [0] * len(PERIODS)
        for plan in choice:
            for n, cents in enumerate(plan[0] if plan is not None else ()):
                spend[n] += cents
        if amounts is not None and any(s > a for s, a in zip(spend, amounts, strict=True)):
            continue
        renew = [p for p, plan in zip(team, choice, strict=True) if plan is not None]
        key = (
            -sum(p.priority for p in renew),
            sum(plan[1] for plan in choice if plan is not None),
            sum(plan[2] for plan in choice if plan is not None),
        )
        if best is None or key < best:
            best, sets = key, set()
        if key == best:
            sets.add(frozenset(p.id for p in renew))
    assert best is not None
    return -best[0], best[1], best[2], sets


# -- random teams -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    data: dict[str, Any]
    team: tuple[RefPerson, ...]
    need: int
    amounts: tuple[int, ...] | None

    def roster(self) -> dict[str, Any]:
        budgets = (
            []
            if self.amounts is None
            else [
                {"name": name, "start": first, "end": last, "amount": cents / 100}
                for (name, first, last), cents in zip(PERIODS, self.amounts, strict=True)
            ]
        )
        return {
            "schema": 1,
            "team": "T",
            "budgets": budgets,
            "people": [
                {
                    "id": p.id,
                    "name": p.id.title(),
                    "tier": "alpha",
                    "expires": p.expires,
                    "priority": p.priority,
                    **({"hours_per_week": p.hours_per_week} if p.hours_per_week else {}),
                }
                for p in self.team
            ],
        }


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """2 or 3 people, 2 to 4 activities (now and then one on dated sessions), small budgets."""
    activities = []
    for n in range(draw(st.integers(2, 4))):
        item = activity(
            f"a{n}",
            draw(st.integers(2, 6)),
            draw(st.sampled_from([0, 50, 100, 200])),
            hours=draw(st.sampled_from([0, 4, 10, 30])),
        )
        if draw(st.integers(0, 3)) == 0:
            item["expires"] = TODAY + draw(st.integers(20, 200)) * DAY
        if draw(st.integers(0, 2)) == 0:
            sessions = []
            for _ in range(draw(st.integers(1, 2))):
                # now and then across the end of FY1 (TODAY + 122 days)
                after = st.integers(0, 200) | st.sampled_from([120, 121, 122])
                start = TODAY + draw(after) * DAY
                cost = draw(st.sampled_from([None, 20]))
                sessions.append(
                    {"start": start, "end": start + draw(st.integers(0, 3)) * DAY}
                    | ({} if cost is None else {"cost": cost})
                )
            by_dates = {(s["start"], s["end"]): s for s in sessions}  # no two on the same dates
            item["sessions"] = [by_dates[k] for k in sorted(by_dates)]
            item.pop("expires", None)
        activities.append(item)
    team = tuple(
        RefPerson(
            f"p{n}",
            draw(st.sampled_from(EXPIRIES)),
            draw(st.sampled_from([None, 1, 2, 4])),
            draw(st.integers(1, 2)),
        )
        for n in range(draw(st.integers(2, 3)))
    )
    amounts = draw(
        st.none() | st.tuples(*(st.integers(0, 6).map(lambda k: k * 5000) for _ in PERIODS))
    )
    data = catalogue(
        {"alpha": tier({"credits": draw(st.integers(4, 10))}, period_years=2)},
        activities,
        processing_days=0,
    )
    return Case(data, team, data["tiers"]["alpha"]["paths"][0]["credits"], amounts)


def fits_each_person(plan: ceplan.TeamPlan, case: Case) -> None:
    """Each person's self-paced hours fit their weekly hours between the dates the plan gives
    the items (a session is on its own days, and its activity's only dates)."""
    by_id = {a["id"]: a for a in case.data["activities"]}
    for outcome, person in zip(plan.outcomes, case.team, strict=True):
        work = []
        for item in outcome.items:
            source = by_id[item.id]
            sessions = [(s["start"], s["end"]) for s in source.get("sessions", [])]
            if sessions:
                assert (item.start, item.finish) in sessions
                assert item.paid_on <= item.start
            elif item.hours:
                work.append(
                    {"id": item.id, "hours": item.hours, "first": item.start, "last": item.finish}
                )
        if person.hours_per_week is not None:
            assert fits(work, person.hours_per_week, TODAY), (outcome.id, work)


def agrees_with_the_search(plan: ceplan.TeamPlan, case: Case) -> None:
    priority, cents, hours, sets = best_teams(case.data, case.team, case.need, case.amounts)
    assert plan.status == "optimal"
    assert frozenset(o.id for o in plan.outcomes if o.renews) in sets
    assert sum(o.priority for o in plan.outcomes if o.renews) == priority
    assert round(plan.out_of_pocket * 100) == cents
    assert sum(o.hours for o in plan.outcomes if o.renews) == pytest.approx(hours)


def checked(plan: ceplan.TeamPlan, case: Case) -> None:
    """The independent checker's rules (SPEC 3, 6 and 7), and the weekly hours exactly."""
    catalog = catalog_of(case.data)
    roster = ceplan.Roster.model_validate(case.roster())
    found = check_team_plan(catalog, roster, json.loads(plan.to_json()), TODAY)
    assert found.valid, found.problems
    fits_each_person(plan, case)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cases())
def test_random_teams_over_time_follow_the_search(case: Case) -> None:
    plan = ceplan.plan_team(catalog_of(case.data), case.roster(), today=TODAY, method="single")
    checked(plan, case)
    agrees_with_the_search(plan, case)
    if case.amounts is None:  # ample money: each person's own plan over time, dates included
        for outcome, person in zip(plan.outcomes, case.team, strict=True):
            alone = ceplan.optimise(
                catalog_of(case.data),
                "alpha",
                today=TODAY,
                expires=person.expires,
                hours_per_week=person.hours_per_week,
            )
            assert outcome.renews == (alone.status == "optimal")
            mine = sorted((i.id, i.start, i.finish) for i in outcome.items)
            assert mine == sorted((i.id, i.start, i.finish) for i in alone.planned)


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cases())
def test_random_teams_over_time_by_columns_agree_with_the_single_model(case: Case) -> None:
    single = ceplan.plan_team(catalog_of(case.data), case.roster(), today=TODAY, method="single")
    columns = ceplan.plan_team(catalog_of(case.data), case.roster(), today=TODAY, method="columns")
    assert columns.method == "columns"
    checked(columns, case)
    assert single.status == "optimal"
    if columns.status == "optimal":
        agrees_with_the_search(columns, case)
    else:  # a plan not proved says where it stopped, and never renews more than the best
        assert columns.stopped_in is not None
        renewed = sum(o.priority for o in columns.outcomes if o.renews)
        assert renewed <= sum(o.priority for o in single.outcomes if o.renews)


# -- hand-worked cases --------------------------------------------------------------------------


def _hand_catalogue(*activities: dict[str, Any]) -> ceplan.Catalog:
    return catalog_of(
        catalogue(
            {"alpha": tier({"credits": 10}, period_years=2)}, list(activities), processing_days=0
        )
    )


def _team(*people: dict[str, Any], amounts: Sequence[float] = ()) -> dict[str, Any]:
    return {
        "schema": 1,
        "team": "T",
        "budgets": [
            {"name": name, "start": first, "end": last, "amount": amount}
            for (name, first, last), amount in zip(PERIODS, amounts, strict=False)
        ],
        "people": [{"name": p["id"].title(), "tier": "alpha", **p} for p in people],
    }


def test_weekly_hours_choose_the_shorter_item_for_the_person_who_has_them() -> None:
    """10 credits: ``long`` (5.00, 200 hours) or ``short`` (50.00, 10 hours); 2028-06-30 is 83
    weeks away. Ana, at 2 hours a week (166 hours), cannot do ``long``; Bo, with no limit, can:
    each gets their one-person plan."""
    catalog = _hand_catalogue(
        activity("long", 10, 5, hours=200), activity("short", 10, 50, hours=10)
    )
    team = _team(
        {"id": "ana", "expires": "2028-06-30", "hours_per_week": 2},
        {"id": "bo", "expires": "2028-06-30"},
    )
    for method in ("single", "columns"):
        plan = ceplan.plan_team(catalog, team, today=TODAY, method=method)
        assert plan.status == "optimal"
        ana, bo = plan.outcomes
        assert [i.id for i in ana.items] == ["short"] and [i.id for i in bo.items] == ["long"]
        alone = ceplan.optimise(
            catalog, "alpha", today=TODAY, expires="2028-06-30", hours_per_week=2
        )
        assert [(i.start, i.finish) for i in ana.items] == [
            (i.start, i.finish) for i in alone.planned
        ]


def test_paying_next_period_leaves_fewer_weeks() -> None:
    """One item, ``course`` (10 credits, 100.00, 40 hours), and two people expiring 2027-06-30
    at 2 hours a week; FY1 holds 100.00 and FY2 100.00. From today (2026-11-29) to 2027-06-30
    are 31 weeks (62 hours): either may be paid today. Paid on 2027-04-01 (FY2), 13 weeks (26
    hours) are left: too few. So only one renews: the higher priority, Bo, paid in FY1."""
    catalog = _hand_catalogue(activity("course", 10, 100, hours=40))
    team = _team(
        {"id": "ana", "expires": "2027-06-30", "hours_per_week": 2},
        {"id": "bo", "expires": "2027-06-30", "hours_per_week": 2, "priority": 2},
        amounts=(100, 100),
    )
    for method in ("single", "columns"):
        plan = ceplan.plan_team(catalog, team, today=TODAY, method=method)
        ana, bo = plan.outcomes
        assert plan.status == "optimal" and bo.renews and not ana.renews
        assert bo.items[0].period == "FY1"
        assert ana.reasons and all("\n" not in r for r in ana.reasons)
    # with 4 hours a week, 13 weeks are 52 hours: Ana renews too, paid in FY2
    faster = _team(
        {"id": "ana", "expires": "2027-06-30", "hours_per_week": 4},
        {"id": "bo", "expires": "2027-06-30", "hours_per_week": 2, "priority": 2},
        amounts=(100, 100),
    )
    ana, bo = ceplan.plan_team(catalog, faster, today=TODAY).outcomes
    assert ana.renews and bo.renews
    assert ana.items[0].paid_on == dt.date(2027, 4, 1) <= ana.items[0].start


def test_the_money_a_reason_names_keeps_the_weekly_hours() -> None:
    """``long`` (10 credits, 50.00, 40 hours) or ``short`` (150.00, 10 hours); Ana and Bo expire
    on 2027-06-30, Ana at 2 hours a week; FY1 holds nothing and FY2 60.00. Bo (priority 2) does
    ``long``, paid in FY2. Ana could do ``long`` paid in FY1 (31 weeks to go: 62 hours), not in
    FY2 (paid on 2027-04-01, 13 weeks: 26 hours). So 40.00 more in FY2 is not enough: 50.00 more
    in FY1 would renew her (``short`` in FY2 would need 140.00 more), and with it she renews."""
    catalog = _hand_catalogue(
        activity("long", 10, 50, hours=40), activity("short", 10, 150, hours=10)
    )
    people = (
        {"id": "ana", "expires": "2027-06-30", "hours_per_week": 2},
        {"id": "bo", "expires": "2027-06-30", "priority": 2},
    )
    ana, bo = ceplan.plan_team(catalog, _team(*people, amounts=(0, 60)), today=TODAY).outcomes
    assert bo.renews and not ana.renews
    assert "50.00 USD more in FY1 would renew Ana" in ana.reasons, ana.reasons
    ana, bo = ceplan.plan_team(catalog, _team(*people, amounts=(50, 60)), today=TODAY).outcomes
    assert ana.renews and bo.renews and ana.items[0].period == "FY1"


def test_a_session_is_paid_no_later_than_it_starts() -> None:
    """``ilt`` runs 2027-03-29 to 2027-04-02, from the end of FY1 into FY2, at 100.00. With
    100.00 in FY1 it is paid there and done on its own days; with FY1's money in FY2 instead,
    it would be paid after it starts (FY2's first day is 2027-04-01): Ana is at risk."""
    catalog = _hand_catalogue(
        activity(
            "ilt",
            10,
            100,
            hours=30,
            sessions=[{"start": dt.date(2027, 3, 29), "end": dt.date(2027, 4, 2)}],
        )
    )
    team = _team({"id": "ana", "expires": "2027-06-30", "hours_per_week": 1}, amounts=(100, 0))
    later = _team({"id": "ana", "expires": "2027-06-30", "hours_per_week": 1}, amounts=(0, 100))
    for method in ("single", "columns"):
        (ana,) = ceplan.plan_team(catalog, team, today=TODAY, method=method).outcomes
        (item,) = ana.items
        assert (item.start, item.finish) == (dt.date(2027, 3, 29), dt.date(2027, 4, 2))
        assert item.period == "FY1" and item.paid_on <= item.start
        (ana,) = ceplan.plan_team(catalog, later, today=TODAY, method=method).outcomes
        assert not ana.renews
    # a session that ends after the do-by date is no plan
    early = _team({"id": "ana", "expires": "2027-04-01"}, amounts=(100, 100))
    (ana,) = ceplan.plan_team(catalog, early, today=TODAY).outcomes
    assert not ana.renews


def test_the_same_plan_whatever_the_number_of_workers() -> None:
    catalog = _hand_catalogue(
        activity("long", 10, 5, hours=200), activity("short", 10, 50, hours=10)
    )
    team = _team(
        {"id": "ana", "expires": "2028-06-30", "hours_per_week": 2},
        {"id": "bo", "expires": "2028-06-30", "hours_per_week": 3},
        {"id": "cy", "expires": "2027-12-31", "hours_per_week": 1},
        amounts=(60, 60),
    )
    one = ceplan.plan_team(catalog, team, today=TODAY, method="columns")
    two = ceplan.plan_team(catalog, team, today=TODAY, workers=2)
    assert two.method == "columns"
    assert one.to_dict() == two.to_dict()


ROSTER = """\
schema: 1
team: Security
budgets:
  - {name: FY2026-27, start: 2026-04-01, end: 2027-03-31, amount: 2000}
  - {name: FY2027-28, start: 2027-04-01, end: 2028-03-31, amount: 2000}
people:
  - {id: ana, name: Ana, tier: cissp, expires: 2028-03-31, earned: 60, hours_per_week: 1}
  - {id: bo, name: Bo, tier: sscp, expires: 2027-09-30, earned: 20, hours_per_week: 2}
"""


def test_the_team_command_plans_weekly_hours_on_isc2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "team.yaml"
    roster.write_text(ROSTER)
    code = main(
        ["team", str(roster), "--catalog", "isc2", "--today", "2026-12-07", "--format", "json"]
    )
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    catalog = ceplan.load_catalog("isc2")
    hours = {i.id: i.hours or 0.0 for i in catalog.activities}
    weekly = {"ana": 1, "bo": 2}
    for person in data["people"]:
        assert person["status"] == "renews"
        work = [
            {
                "id": i["id"],
                "hours": hours[i["id"]],
                "first": dt.date.fromisoformat(i["start"]),
                "last": dt.date.fromisoformat(i["finish"]),
            }
            for i in person["items"]
            if not i["id"].startswith("fee:") and hours[i["id"]]
        ]
        assert work and fits(work, weekly[person["id"]], dt.date(2026, 12, 7))
