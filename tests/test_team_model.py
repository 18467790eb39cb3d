"""The team model (ceplan/team.py) against SPEC section 7, checked independently.

On small random teams (no weekly hours): every answer keeps the budgets and the funds' rules
(a checker written from the SPEC), its first two stages (priority renewed, out-of-pocket spend)
equal an exhaustive search over every item set and every start day, and with ample budgets
every person pays what their one-person plan costs.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.roster import Roster
from ceplan.team import TeamSolution, build_team, solve_team

TODAY = dt.date(2026, 11, 29)
TOLERANCE = 0.01
"""In cents: fund payments are continuous, solved to the solver's feasibility tolerance."""
PERIODS = [
    (dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    (dt.date(2027, 4, 1), dt.date(2028, 3, 31)),
]


@st.composite
def teams(draw: st.DrawFn, *, ample: bool = False) -> tuple[ceplan.Catalog, Roster]:
    days = st.sampled_from([None, dt.date(2027, 2, 1), dt.date(2027, 5, 15), dt.date(2027, 9, 1)])
    activities = []
    for n in range(draw(st.integers(1, 4))):
        opens, closes = draw(days), draw(days)
        if opens and closes and opens > closes:
            opens, closes = closes, opens
        activities.append(
            {
                "id": f"a{n}",
                "title": f"A{n}",
                "type": "course",
                "credits": draw(st.sampled_from([2, 4, 6])),
                "cost": draw(st.sampled_from([0, 40, 80, 150])),
                **({"available_from": opens} if opens else {}),
                **({"expires": closes} if closes else {}),
            }
        )
    exams = [
        {"id": f"e{n}", "title": f"E{n}", "kind": "core", "cost": draw(st.sampled_from([90, 200]))}
        for n in range(draw(st.integers(0, 2)))
    ]
    paths: list[dict[str, Any]] = [{"credits": 6}]
    if exams:
        paths.append({"credits": 2, "exams": {"core": 1}})
    catalog = ceplan.Catalog.model_validate(
        {
            "schema": 1,
            "programme": "P",
            "currency": "GBP",
            "tiers": {"pro": {"paths": paths}},
            "exams": exams,
            "activities": activities,
        }
    )
    people = [
        {
            "id": f"p{n}",
            "name": f"P{n}",
            "tier": "pro",
            "expires": draw(st.sampled_from([dt.date(2027, 6, 30), dt.date(2028, 1, 31)])),
            "earned": draw(st.sampled_from([0, 2])),
            "priority": draw(st.sampled_from([1, 2, 3])),
            "exams": draw(st.booleans()),
        }
        for n in range(draw(st.sampled_from([1, 2, 2])))
    ]
    amounts = (
        [10**6, 10**6] if ample else [draw(st.sampled_from([0, 100, 250, 500])) for _ in PERIODS]
    )
    budgets = [
        {"name": f"FY{n}", "start": start, "end": end, "amount": amount}
        for n, ((start, end), amount) in enumerate(zip(PERIODS, amounts, strict=True))
    ]
    funds = []
    if not ample and draw(st.sampled_from([False, True, True])):
        funds.append(
            {
                "name": "CLC",
                "amount": draw(st.sampled_from([30, 100, 250])),
                "expires": draw(st.sampled_from([dt.date(2027, 1, 31), dt.date(2027, 6, 30)])),
                "pays_for": draw(
                    st.sampled_from([["activities"], ["exams"], ["activities", "exams"]])
                ),
            }
        )
    roster = Roster.model_validate(
        {"schema": 1, "team": "T", "budgets": budgets, "funds": funds, "people": people}
    )
    return catalog, roster


# -- the reference, from SPEC 7 ----------------------------------------------------------------


def window(item: Any, person: Any, catalog: ceplan.Catalog) -> list[dt.date]:
    """The days the item can start for the person: from today or its first day to its last
    day or the person's do-by date (expiry less processing days)."""
    do_by = person.expires - dt.timedelta(days=catalog.processing_days)
    first = max(TODAY, item.available_from or TODAY)
    last = min(do_by, getattr(item, "expires", None) or getattr(item, "retires", None) or do_by)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def period_of(day: dt.date, roster: Roster) -> int | None:
    return next((n for n, b in enumerate(roster.budgets) if b.start <= day <= b.end), None)


def meets(items: tuple[Any, ...], person: Any, catalog: ceplan.Catalog) -> bool:
    credits = person.earned + sum(i.credits for i in items if not hasattr(i, "kind"))
    kinds: dict[str, int] = {}
    for kind in person.passed:
        kinds[kind] = kinds.get(kind, 0) + 1
    for item in items:
        if hasattr(item, "kind"):
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
    return any(
        credits >= path.credits - 1e-9
        and all(kinds.get(k, 0) >= need for k, need in path.exams.items())
        for path in catalog.tiers[person.tier].paths
    )


def options(person: Any, catalog: ceplan.Catalog, roster: Roster) -> set[tuple[Any, ...]]:
    """Every way the person can go: (renews, ((cents, period, fund may pay) per item))."""
    usable = [a for a in catalog.activities] + ([e for e in catalog.exams] if person.exams else [])
    found: set[tuple[Any, ...]] = {(False, ())}
    fund = roster.funds[0] if roster.funds else None
    for size in range(1, len(usable) + 1):
        for chosen in itertools.combinations(usable, size):
            if not meets(chosen, person, catalog):
                continue
            ways = []
            for item in chosen:
                kind = "exams" if hasattr(item, "kind") else "activities"
                classes = set()
                for day in window(item, person, catalog):
                    period = period_of(day, roster)
                    if period is None:
                        continue  # budgets are given: it could not be paid
                    may = fund is not None and day <= fund.expires and kind in fund.pays_for
                    classes.add((round(item.cost * 100), period, may))
                ways.append(sorted(classes))
            for combination in itertools.product(*ways):
                found.add((True, tuple(sorted(combination))))
    return found


def best(catalog: ceplan.Catalog, roster: Roster) -> tuple[float, float]:
    """The largest priority renewed, then the least out-of-pocket cents, by searching all."""
    fund = round(roster.funds[0].amount * 100) if roster.funds else 0
    budgets = [round(b.amount * 100) for b in roster.budgets]
    answer: tuple[float, float] | None = None
    per_person = [sorted(options(p, catalog, roster)) for p in roster.people]
    for combination in itertools.product(*per_person):
        spend = [0] * len(budgets)
        eligible = [0] * len(budgets)
        for _, items in combination:
            for cents, period, may in items:
                spend[period] += cents
                eligible[period] += cents if may else 0
        needs = [max(0, s - b) for s, b in zip(spend, budgets, strict=True)]
        if any(n > e for n, e in zip(needs, eligible, strict=True)) or sum(needs) > fund:
            continue
        paid = min(fund, sum(eligible))
        priority = sum(
            p.priority for p, (renews, _) in zip(roster.people, combination, strict=True) if renews
        )
        key = (-priority, sum(spend) - paid)
        answer = key if answer is None else min(answer, key)
    assert answer is not None  # nobody renewing is always possible
    return -answer[0], answer[1]


def check(solution: TeamSolution, catalog: ceplan.Catalog, roster: Roster) -> None:
    """The rules of SPEC 7 that every team plan keeps."""
    by_id = {item.id: item for item in [*catalog.activities, *catalog.exams]}
    spent = [0.0] * len(roster.budgets)
    used = [0.0] * len(roster.funds)
    for person in roster.people:
        items = solution.taken[person.id]
        if not solution.renews[person.id]:
            assert items == ()
            continue
        assert meets(tuple(by_id[t.item] for t in items), person, catalog)
        for taken in items:
            item = by_id[taken.item]
            assert taken.start in window(item, person, catalog)
            period = period_of(taken.start, roster)
            assert period is not None and period == taken.period
            for f, cents in taken.paid_by_fund.items():
                fund = roster.funds[f]
                kind = "exams" if hasattr(item, "kind") else "activities"
                assert taken.start <= fund.expires and kind in fund.pays_for
                used[f] += cents
            assert sum(taken.paid_by_fund.values()) <= item.cost * 100 + TOLERANCE
            spent[period] += item.cost * 100 - sum(taken.paid_by_fund.values())
    for n, budget in enumerate(roster.budgets):
        assert spent[n] <= budget.amount * 100 + TOLERANCE
    for n, fund in enumerate(roster.funds):
        assert used[n] <= fund.amount * 100 + TOLERANCE


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams())
def test_the_team_renews_and_spends_as_an_exhaustive_search_does(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    catalog, roster = team
    solution = solve_team(build_team(catalog, roster, today=TODAY))
    check(solution, catalog, roster)
    priority, out_of_pocket = best(catalog, roster)
    assert abs(solution.priority - priority) < 1e-6
    assert abs(solution.out_of_pocket - out_of_pocket) < 1e-3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams(ample=True))
def test_with_ample_budgets_everyone_pays_their_own_plan(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    catalog, roster = team
    solution = solve_team(build_team(catalog, roster, today=TODAY))
    check(solution, catalog, roster)
    for person in roster.people:
        alone = ceplan.optimise(
            catalog,
            person.tier,
            today=TODAY,
            expires=person.expires,
            earned=person.earned,
            allow_exams=person.exams,
        )
        assert solution.renews[person.id] == (alone.status == "optimal")
        cents = sum(t.cents for t in solution.taken[person.id])
        if alone.status == "optimal":
            assert cents == round(alone.total_cost * 100)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams(), st.sampled_from([0.05, 0.2, 80.0]))
def test_weekly_hours_keep_every_plan_in_time(
    team: tuple[ceplan.Catalog, Roster], hours_per_week: float
) -> None:
    """People with a weekly limit: each plan's hours fit their weeks (scheduled week by week),
    the budgets and funds still hold, and a limit that never binds changes nothing."""
    from ceplan.scheduling import schedule

    catalog, roster = team
    data = catalog.model_dump(by_alias=True)
    for activity in data["activities"]:
        activity["hours"] = 10.0
    catalog = ceplan.Catalog.model_validate(data)
    people = [p.model_copy(update={"hours_per_week": hours_per_week}) for p in roster.people]
    limited = roster.model_copy(update={"people": tuple(people)})
    model = build_team(catalog, limited, today=TODAY)
    solution = solve_team(model)
    check(solution, catalog, limited)
    for person in limited.people:
        block = model.blocks[person.id]
        chosen = [block.candidates[i] for i, var in block.take.items() if round(var.value()) == 1]
        schedule(chosen, model.requests[person.id].calendar)  # raises if the hours do not fit
    free = solve_team(build_team(catalog, roster, today=TODAY))
    assert solution.priority <= free.priority + 1e-6
    if hours_per_week == 80.0:  # 10 hours an item: never binding, even in a one-day window
        assert abs(solution.priority - free.priority) < 1e-6
        assert abs(solution.out_of_pocket - free.out_of_pocket) < 1e-3
