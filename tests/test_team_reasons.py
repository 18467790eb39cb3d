"""At-risk reasons never blame spending that did not happen (SPEC 7).

On small random teams (those of ``tests/test_team_model.py``, up to four people) whose budgets
bind, every reason that says a budget period "is spent by" renewals is checked against the plan
itself: some other person renewing paid out of pocket in
that period, and the priority the words give them ("higher-priority", "the same or higher",
"other") is what their priorities are. A reason that says a period's budget is less than the
person's plan needs blames nobody; the amount it gives is checked.
"""

from __future__ import annotations

import re

from hypothesis import given, settings

import ceplan
from ceplan.roster import Roster
from tests.conftest import examples
from tests.test_team_model import TODAY, teams

SPENT = re.compile(r"^(?P<period>FY[01]) is spent by (?P<whose>.+)$")
SMALL = re.compile(r"^(?P<period>FY[01])'s budget \((?P<amount>[0-9,.]+) GBP\) is less than")
MORE = re.compile(r"^[0-9,.]+ GBP more would renew .+$")


@settings(max_examples=examples(60))
@given(teams(most_people=4))
def test_a_reason_blames_only_spending_that_happened(team: tuple[ceplan.Catalog, Roster]) -> None:
    catalog, roster = team
    plan = ceplan.plan_team(catalog, roster, today=TODAY)
    assert plan.status == "optimal"
    amounts = {budget.name: budget.amount for budget in roster.budgets}
    for outcome in plan.at_risk:
        for reason in outcome.reasons:
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
