"""At-risk reasons are true (SPEC 7).

On small random teams (those of ``tests/test_team_model.py``, up to four people, and teams
short of money, some with weekly hours) whose budgets bind, every reason that says a budget
period "is spent by" renewals is checked against the plan itself: some other person renewing
paid out of pocket in that period, and the priority the words give them ("higher-priority",
"the same or higher", "other") is what their priorities are. A reason that says a period's
budget is less than the person's plan needs blames nobody; the amount it gives is checked.

"X more would renew Bo" is checked by planning the team again with X more, in the periods the
reason names, weekly hours included: the money renews as much priority again as Bo's.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.roster.models import Roster
from tests.conftest import examples
from tests.test_team_model import TODAY, catalog_of, roster_of, teams

SPENT = re.compile(r"^(?P<period>FY[01]) is spent by (?P<whose>.+)$")
SMALL = re.compile(r"^(?P<period>FY[01])'s budget \((?P<amount>[0-9,.]+) GBP\) is less than")
MORE = re.compile(
    r"^(?P<total>[0-9,.]+) GBP more (in (?P<period>\S+)|\((?P<parts>[^)]+)\)) would renew .+$"
)


def more_money(reason: str) -> dict[str, float] | None:
    """The money a reason says would renew the person, by budget period (``None``: none)."""
    found = MORE.match(reason.split("; ")[-1])
    if found is None:
        return None
    total = float(found["total"].replace(",", ""))
    if found["period"] is not None:
        return {found["period"]: total}
    added = {}
    for part in found["parts"].split(", "):
        amount, period = part.split(" GBP in ")
        added[period] = float(amount.replace(",", ""))
    assert abs(sum(added.values()) - total) < 0.005, reason
    return added


def with_more(roster: Roster, added: dict[str, float]) -> Roster:
    """The roster with ``added`` put on its budget periods, by name."""
    budgets = tuple(
        budget.model_copy(update={"amount": budget.amount + added.get(budget.name, 0.0)})
        for budget in roster.budgets
    )
    return roster.model_copy(update={"budgets": budgets})


def renewed(plan: ceplan.TeamPlan) -> int:
    return sum(outcome.priority for outcome in plan.outcomes if outcome.renews)


@st.composite
def short_of_money(draw: st.DrawFn) -> tuple[ceplan.Catalog, Roster]:
    """Teams whose budgets bind: two to four people who must buy what renews them, priced
    courses of 2 to 30 hours, budgets of at most 300.00 a period, weekly hours for some."""
    days = st.sampled_from([None, dt.date(2027, 2, 1), dt.date(2027, 5, 15)])
    activities = []
    for n in range(draw(st.integers(2, 4))):
        closes = draw(days)
        activities.append(
            {
                "id": f"a{n}",
                "title": f"A{n}",
                "type": "course",
                "credits": draw(st.sampled_from([2, 4, 6])),
                "cost": draw(st.sampled_from([40, 80, 150])),
                "hours": draw(st.sampled_from([2, 10, 30])),
                **({"expires": closes} if closes else {}),
            }
        )
    people = [
        {
            "id": f"p{n}",
            "name": f"P{n}",
            "tier": "pro",
            "expires": draw(st.sampled_from([dt.date(2027, 6, 30), dt.date(2028, 1, 31)])),
            "priority": draw(st.sampled_from([1, 2, 3])),
            "exams": False,
            **(
                {"hours_per_week": hours}
                if (hours := draw(st.sampled_from([None, None, 0.5, 2.0])))
                else {}
            ),
        }
        for n in range(draw(st.integers(2, 4)))
    ]
    amounts = [draw(st.sampled_from([0, 100, 150, 300])) for _ in range(2)]
    return catalog_of(activities), roster_of(people, amounts)


@settings(max_examples=examples(60))
@given(st.one_of(teams(most_people=4), short_of_money()))
def test_a_reason_blames_only_spending_that_happened(team: tuple[ceplan.Catalog, Roster]) -> None:
    catalog, roster = team
    plan = ceplan.plan_team(catalog, roster, today=TODAY)
    assert plan.status == "optimal"
    amounts = {budget.name: budget.amount for budget in roster.budgets}
    for outcome in plan.at_risk:
        for reason in outcome.reasons:
            parts = reason.split("; ")
            if more_money(reason) is None:
                continue  # a one-person reason: no plan of their own
            for part in parts[:-1]:
                if part == "the budgets cannot renew them alongside the others as the plan stands":
                    continue  # blames nobody
                spent = SPENT.match(part)
                small = SMALL.match(part)
                assert spent or small, part
                if small:  # blames nobody: the period's own amount is said as it is
                    assert float(small["amount"].replace(",", "")) == amounts[small["period"]]
                    continue
                assert spent is not None
                period = spent["period"]
                spenders = [
                    other.priority
                    for other in plan.outcomes
                    if other.id != outcome.id
                    and any(i.period == period and i.out_of_pocket > 0 for i in other.items)
                ]
                assert spenders, f"{reason!r}: nobody else spent in {period}"
                least = min(spenders)
                if spent["whose"] == "higher-priority renewals":
                    assert least > outcome.priority, reason
                elif spent["whose"] == "renewals of the same or higher priority":
                    assert least == outcome.priority, reason
                else:
                    assert spent["whose"] == "other renewals" and least < outcome.priority, reason


@settings(max_examples=examples(40))
@given(short_of_money())
def test_the_money_a_reason_names_renews_the_person_when_re_planned(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    """Planned again with X more in the periods named, the team renews at least the priority
    it renewed plus the person's (everyone renewed, and them: what the reason claims); when
    they were the only one at risk, they renew. Weekly hours are included."""
    catalog, roster = team
    plan = ceplan.plan_team(catalog, roster, today=TODAY)
    for outcome in plan.at_risk:
        added = more_money(outcome.reasons[-1])
        if added is None:
            continue
        again = ceplan.plan_team(catalog, with_more(roster, added), today=TODAY)
        assert renewed(again) >= renewed(plan) + outcome.priority, outcome.reasons
        if len(plan.at_risk) == 1:
            assert not again.at_risk, (outcome.reasons, again.at_risk[0].reasons)


def bo_team() -> tuple[ceplan.Catalog, Roster]:
    """Ann (priority 2) and Bo (2 hours a week) share one 100.00 GBP budget.

    ``cheap`` (100.00, 40 hours) must be done by 2027-01-15; ``dear`` (350.00, 2 hours) any time.
    Ann takes ``cheap``. Bo's weeks to 2028 hold 40 hours, but not the weeks to 2027-01-15: his
    own cheapest plan under his hours is ``dear``.
    """
    catalog = catalog_of(
        [
            {"id": "cheap", "title": "Cheap", "type": "course", "credits": 6, "cost": 100}
            | {"hours": 40, "expires": dt.date(2027, 1, 15)},
            {"id": "dear", "title": "Dear", "type": "course", "credits": 6, "cost": 350}
            | {"hours": 2},
        ]
    )
    people: list[dict[str, Any]] = [
        {"id": "ann", "name": "Ann", "tier": "pro", "expires": dt.date(2028, 1, 31)}
        | {"priority": 2},
        {"id": "bo", "name": "Bo", "tier": "pro", "expires": dt.date(2028, 1, 31)}
        | {"hours_per_week": 2},
    ]
    return catalog, roster_of(people, [100, 0])


def test_the_money_that_would_renew_bo_counts_his_weekly_hours() -> None:
    """Without his hours rows the question answered 100.00 GBP (``cheap``, which his weeks
    cannot hold); planned again with 100.00 more, Bo was still at risk."""
    catalog, roster = bo_team()
    alone = ceplan.optimise(catalog, "pro", today=TODAY, **roster.person("bo").inputs())
    assert alone.total_cost == 350.0 and list(alone.items["id"]) == ["dear"]
    plan = ceplan.plan_team(catalog, roster, today=TODAY)
    (bo,) = plan.at_risk
    assert bo.id == "bo"
    added = more_money(bo.reasons[-1])
    assert added is not None and sum(added.values()) == 350.0, bo.reasons
    again = ceplan.plan_team(catalog, with_more(roster, added), today=TODAY)
    assert not again.at_risk
    assert [i.id for i in again.outcomes[1].items] == ["dear"]
    less = {period: amount - 0.01 for period, amount in added.items()}
    short = ceplan.plan_team(catalog, with_more(roster, less), today=TODAY)
    assert [o.id for o in short.at_risk] == ["bo"]  # 350.00 is the least that does
