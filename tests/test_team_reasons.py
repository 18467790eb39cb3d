"""At-risk reasons never blame spending that did not happen (SPEC 7).

On small random teams whose budgets bind, every reason that says a budget period "is spent by"
renewals is checked against the plan itself: some other person renewing paid out of pocket in
that period, and the priority the words give them ("higher-priority", "the same or higher",
"other") is what their priorities are. A reason that says a period's budget is less than the
person's plan needs blames nobody; the amount it gives is checked.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from tests.conftest import examples

TODAY = dt.date(2026, 11, 29)
PERIODS = [
    ("FY1", dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    ("FY2", dt.date(2027, 4, 1), dt.date(2028, 3, 31)),
]
SPENT = re.compile(r"^(?P<period>FY[12]) is spent by (?P<whose>.+)$")
SMALL = re.compile(r"^(?P<period>FY[12])'s budget \((?P<amount>[0-9,.]+) GBP\) is less than")
MORE = re.compile(r"^[0-9,.]+ GBP more would renew .+$")


@st.composite
def tight_teams(draw: st.DrawFn) -> tuple[ceplan.Catalog, dict[str, Any]]:
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
                "hours": draw(st.sampled_from([1, 3])),
                **({"available_from": opens} if opens else {}),
                **({"expires": closes} if closes else {}),
            }
        )
    catalog = ceplan.Catalog.model_validate(
        {
            "schema": 1,
            "programme": "P",
            "currency": "GBP",
            "tiers": {"pro": {"paths": [{"credits": 6}]}},
            "activities": activities,
        }
    )
    people = [
        {
            "id": f"p{n}",
            "name": f"P{n}",
            "tier": "pro",
            "expires": draw(st.sampled_from(["2027-06-30", "2027-12-31", "2028-03-31"])),
            "priority": draw(st.integers(1, 3)),
        }
        for n in range(draw(st.integers(2, 4)))
    ]
    budgets = [
        {"name": name, "start": start, "end": end, "amount": draw(st.sampled_from([0, 40, 120]))}
        for name, start, end in PERIODS
    ]
    return catalog, {"schema": 1, "team": "T", "budgets": budgets, "people": people}


@settings(max_examples=examples(60))
@given(tight_teams())
def test_a_reason_blames_only_spending_that_happened(
    team: tuple[ceplan.Catalog, dict[str, Any]],
) -> None:
    catalog, roster = team
    plan = ceplan.plan_team(catalog, roster, today=TODAY)
    assert plan.status == "optimal"
    amounts = {b["name"]: b["amount"] for b in roster["budgets"]}
    for outcome in plan.at_risk:
        (reason,) = outcome.reasons
        parts = reason.split("; ")
        if not MORE.match(parts[-1]):
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
