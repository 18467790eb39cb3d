"""At-risk reasons are true (SPEC 7).

A person's reasons are lines, one cause a line. On small random teams (those of
``tests/test_team_model.py``, up to four people, and teams short of money, some with weekly
hours) whose budgets bind, every line is checked against the plan itself:

- a budget period "is spent by" renewals only when some other person renewing paid out of
  pocket in it, the priority the words give them ("higher-priority", "the same or higher",
  "other") is what their priorities are, what it says is left is what the plan leaves there,
  and it says others' plans must change exactly when the money named there is less than the
  person's plan needs beyond what is left;
- a period's budget "is less than their plan needs in it" gives the period's own amount;
- "X more would renew Bo" is checked by planning the team again with X more, in the periods
  the reason names, weekly hours included: the money renews as much priority again as Bo's,
  and Bo when Bo is the only one at risk given a figure. When several are, each figure is
  said to be for that person alone: planned again with it and without the others given one,
  Bo renews; when the line says they cannot all have theirs at once, planned again with the
  figures added up, not all of them renew;
- "priority 2 would renew Tom instead" is checked by planning the team again with Tom's
  priority 2: Tom renews; the person it names renews in the plan, with Tom's priority and the
  cost it says.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.roster.models import Roster
from tests.conftest import examples
from tests.test_team_model import TODAY, catalog_of, roster_of, teams

MONEY = r"[0-9,]+\.[0-9]{2}"
SPENT = re.compile(
    rf"^(?P<period>.+?) is spent by (?P<whose>[a-z -]+): (?P<left>{MONEY}) GBP is left, "
    rf"their plan needs (?P<needs>{MONEY}) GBP(?P<room>, so others' plans must change to make "
    r"room)?$"
)
SMALL = re.compile(
    rf"^(?P<period>.+?)'s budget \((?P<amount>{MONEY}) GBP\) is less than their plan needs "
    rf"in it \((?P<needs>{MONEY}) GBP\)$"
)
MORE = re.compile(
    rf"^(?P<total>{MONEY}) GBP more (in (?P<period>\S+)|\((?P<parts>[^)]+)\)) would renew "
    r"(?P<rest>.+)$"
)
TIE = re.compile(
    rf"^(?P<tie>a tie: )?(?P<other>.+) has the same priority and (the same cost \((?P<same>"
    rf"{MONEY}) GBP\)|costs less \((?P<less>{MONEY}) GBP against (?P<own>{MONEY}) GBP\)), and "
    r"renews; priority (?P<priority>\d+) would renew (?P<name>.+) instead$"
)
ALONE = ", a figure for them alone"
APART = re.compile(
    r": the (?P<count>\d+) people at risk given one cannot all have theirs at once "
    rf"\((both|all (?P=count)) need at least (?P<least>{MONEY}) GBP more\)$"
)
NOT_TOGETHER = re.compile(r", not for the (?P<count>\d+) people at risk given one together$")
NO_CAUSE = "the budgets cannot renew them alongside the others as the plan stands"


def amount(text: str) -> float:
    return float(text.replace(",", ""))


def more_money(reason: str) -> dict[str, float] | None:
    """The money a reason's line says would renew the person, by budget period (``None``:
    the line names none)."""
    found = MORE.match(reason)
    if found is None:
        return None
    total = amount(found["total"])
    if found["period"] is not None:
        return {found["period"]: total}
    added = {}
    for part in found["parts"].split(", "):
        cents, period = part.split(" GBP in ")
        added[period] = amount(cents)
    assert abs(sum(added.values()) - total) < 0.005, reason
    return added


def with_more(roster: Roster, added: dict[str, float]) -> Roster:
    """The roster with ``added`` put on its budget periods, by name."""
    budgets = tuple(
        budget.model_copy(update={"amount": budget.amount + added.get(budget.name, 0.0)})
        for budget in roster.budgets
    )
    return roster.model_copy(update={"budgets": budgets})


def without(roster: Roster, ids: Iterable[str]) -> Roster:
    """The roster without the people ``ids``."""
    gone = set(ids)
    return roster.model_copy(update={"people": tuple(p for p in roster.people if p.id not in gone)})


def with_priority(roster: Roster, person: str, priority: int) -> Roster:
    people = tuple(
        p.model_copy(update={"priority": priority}) if p.id == person else p for p in roster.people
    )
    return roster.model_copy(update={"people": people})


def renewed(plan: ceplan.TeamPlan) -> int:
    return sum(outcome.priority for outcome in plan.outcomes if outcome.renews)


def figures(plan: ceplan.TeamPlan) -> dict[str, dict[str, float]]:
    """By person at risk given one: the money their last line says would renew them."""
    found = {}
    for outcome in plan.at_risk:
        added = more_money(outcome.reasons[-1]) if outcome.reasons else None
        if added is not None:
            found[outcome.id] = added
    return found


def added_up(found: Iterable[dict[str, float]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for added in found:
        for period, money in added.items():
            total[period] = round(total.get(period, 0.0) + money, 2)
    return total


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


def check_reasons(catalog: ceplan.Catalog, roster: Roster, plan: ceplan.TeamPlan) -> int:
    """Check every line of every person at risk against the plan; the number of lines read."""
    given = figures(plan)
    read = 0
    for outcome in plan.at_risk:
        lines = outcome.reasons
        assert lines and len(set(lines)) == len(lines), lines  # none said twice
        added = given.get(outcome.id)
        causes = lines[:-1] if added is not None else lines
        for line in causes:
            read += 1
            tie = TIE.match(line)
            if tie:
                check_tie(catalog, roster, plan, outcome, tie)
            elif added is not None and line != NO_CAUSE:  # NO_CAUSE blames nobody
                check_cause(roster, plan, outcome, line, added)
        if added is None:
            continue
        read += 1
        last = lines[-1]
        if len(given) == 1:
            assert ALONE not in last, last
            continue
        assert ALONE in last, last
        apart = APART.search(last) or NOT_TOGETHER.search(last)
        assert apart is not None and int(apart["count"]) == len(given), last
        if "least" in apart.groupdict():
            total = sum(sum(money.values()) for money in given.values())
            assert amount(apart["least"]) > total + 0.005, last
    return read


def check_cause(
    roster: Roster,
    plan: ceplan.TeamPlan,
    outcome: ceplan.PersonOutcome,
    line: str,
    added: dict[str, float],
) -> None:
    """A period's cause: its amount, or who spent it, what is left, and whether others move."""
    amounts = {budget.name: budget.amount for budget in roster.budgets}
    small, spent = SMALL.match(line), SPENT.match(line)
    assert small or spent, line
    if small:  # blames nobody: the period's own amount is said as it is
        assert amount(small["amount"]) == amounts[small["period"]], line
        assert amount(small["needs"]) > amount(small["amount"]), line
        return
    assert spent is not None
    period = spent["period"]
    spenders = [
        other.priority
        for other in plan.outcomes
        if other.id != outcome.id
        and any(i.period == period and i.out_of_pocket > 0 for i in other.items)
    ]
    assert spenders, f"{line!r}: nobody else spent in {period}"
    least = min(spenders)
    if spent["whose"] == "higher-priority renewals":
        assert least > outcome.priority, line
    elif spent["whose"] == "renewals of the same or higher priority":
        assert least == outcome.priority, line
    else:
        assert spent["whose"] == "other renewals" and least < outcome.priority, line
    others = sum(
        i.out_of_pocket_cents
        for other in plan.outcomes
        if other.id != outcome.id
        for i in other.items
        if i.period == period
    )
    left = max(0, round(amounts[period] * 100) - others) / 100
    assert abs(amount(spent["left"]) - left) <= 0.011, (line, left)
    needs, here = amount(spent["needs"]), added.get(period, 0.0)
    assert needs > amount(spent["left"]), line
    # Others must change exactly when the money added there is less than the plan needs
    # beyond what is left (figures to the cent, so within a cent).
    if spent["room"]:
        assert needs > amount(spent["left"]) + here - 0.011, (line, added)
    else:
        assert needs <= amount(spent["left"]) + here + 0.011, (line, added)


def check_tie(
    catalog: ceplan.Catalog,
    roster: Roster,
    plan: ceplan.TeamPlan,
    outcome: ceplan.PersonOutcome,
    tie: re.Match[str],
) -> None:
    """The one a tie names renews, with the same priority and the cost the words give."""
    assert tie["name"] == outcome.name and int(tie["priority"]) == outcome.priority + 1
    (other,) = [o for o in plan.outcomes if o.name == tie["other"]]
    assert other.renews and other.priority == outcome.priority, tie.string
    person = roster.person(outcome.id)
    own = ceplan.optimise(catalog, person.tier, today=TODAY, **person.inputs()).total_cost
    cost = round(sum(i.cost for i in other.items), 2)
    if tie["same"]:
        assert tie["tie"] and cost == own == amount(tie["same"]), (tie.string, cost, own)
    else:
        assert not tie["tie"] and cost == amount(tie["less"]) < own == amount(tie["own"])


def ties(plan: ceplan.TeamPlan) -> list[tuple[str, int]]:
    """The people at risk a tie line is given, and the priority it says would renew them."""
    return [
        (outcome.id, int(tie["priority"]))
        for outcome in plan.at_risk
        for line in outcome.reasons
        if (tie := TIE.match(line))
    ]


@settings(max_examples=examples(60))
@given(st.one_of(teams(most_people=4), short_of_money()))
def test_each_line_is_true_of_the_plan(team: tuple[ceplan.Catalog, Roster]) -> None:
    """No line blames spending that did not happen; what is left is what the plan leaves."""
    catalog, roster = team
    plan = ceplan.plan_team(catalog, roster, today=TODAY)
    assert plan.status == "optimal"
    check_reasons(catalog, roster, plan)


@settings(max_examples=examples(40))
@given(short_of_money())
def test_the_money_a_reason_names_renews_the_person_when_re_planned(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    """Planned again with X more in the periods named, the team renews at least the priority
    it renewed plus the person's (everyone renewed, and them: what the reason claims); when
    they are the only one at risk given a figure, they renew; when several are, each figure
    is for that person alone (planned again without the others given one, they renew), and
    when the figures cannot all be had at once, planned again with them added up, not
    everyone given one renews. Weekly hours are included."""
    catalog, roster = team
    plan = ceplan.plan_team(catalog, roster, today=TODAY)
    given = figures(plan)
    for person, added in given.items():
        again = ceplan.plan_team(catalog, with_more(roster, added), today=TODAY)
        (outcome,) = [o for o in plan.outcomes if o.id == person]
        assert renewed(again) >= renewed(plan) + outcome.priority, outcome.reasons
        if len(given) == 1:
            assert person not in {o.id for o in again.at_risk}, outcome.reasons
            continue
        alone = without(with_more(roster, added), set(given) - {person})
        assert person not in {o.id for o in ceplan.plan_team(catalog, alone, today=TODAY).at_risk}
    apart = [APART.search(o.reasons[-1]) for o in plan.at_risk if o.id in given]
    if any(apart):
        assert all(apart)
        again = ceplan.plan_team(catalog, with_more(roster, added_up(given.values())), today=TODAY)
        assert set(given) & {o.id for o in again.at_risk}, "they could all have theirs at once"


@settings(max_examples=examples(40))
@given(st.one_of(teams(most_people=4), short_of_money()))
def test_the_priority_a_tie_names_renews_the_person_when_re_planned(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    """Planned again with the priority a tie names, the person at risk renews."""
    catalog, roster = team
    plan = ceplan.plan_team(catalog, roster, today=TODAY)
    for person, priority in ties(plan):
        again = ceplan.plan_team(catalog, with_priority(roster, person, priority), today=TODAY)
        assert person not in {o.id for o in again.at_risk}, plan.at_risk


def tom_and_fatima(amount: float = 316) -> tuple[ceplan.Catalog, Roster]:
    """Tom and Fatima, both professional, priority 1, each renewed by one core exam (316.00
    GBP), and one budget that pays for one of them."""
    catalog = ceplan.load_catalog()
    people = [
        {"id": "tom", "name": "Tom Becker", "tier": "professional", "expires": "2028-02-15"},
        {"id": "fatima", "name": "Fatima Zahra", "tier": "professional"}
        | {"expires": "2028-05-31"},
    ]
    budgets = [{"name": "FY", "start": "2026-04-01", "end": "2028-12-31", "amount": amount}]
    data = {"schema": 1, "team": "T", "budgets": budgets, "people": people}
    return catalog, Roster.model_validate(data)


@pytest.mark.parametrize("method", ["single", "columns"])
def test_a_tie_says_so_and_how_to_change_it(method: str) -> None:
    """The money pays for one of two people alike: the one at risk is told it was a tie, who
    renews instead, and that priority 2 would renew them; planned again so, they renew."""
    catalog, roster = tom_and_fatima()
    plan = ceplan.plan_team(catalog, roster, today=TODAY, method=method)
    (at_risk,) = plan.at_risk
    (other,) = [o for o in plan.outcomes if o.renews]
    assert at_risk.reasons[:-1] == (
        "FY is spent by renewals of the same or higher priority: 0.00 GBP is left, their plan "
        "needs 316.00 GBP",
        f"a tie: {other.name} has the same priority and the same cost (316.00 GBP), and renews; "
        f"priority 2 would renew {at_risk.name} instead",
    )
    assert at_risk.reasons[-1] == f"316.00 GBP more in FY would renew {at_risk.name}"
    assert check_reasons(catalog, roster, plan) == 3
    raised = with_priority(roster, at_risk.id, 2)
    again = ceplan.plan_team(catalog, raised, today=TODAY, method=method)
    assert [o.id for o in again.at_risk] == [other.id]


def test_a_tie_is_said_only_when_their_priority_would_renew_them() -> None:
    """Ann and Bo have the same priority and the same 100.00 GBP course; only FY1 has money.
    Bo's do-by date (2027-03-31) is before FY1 starts: Ann's money, freed, is no place for
    him, and priority 2 would not renew him, so no tie is said."""
    catalog = catalog_of(
        [{"id": "a", "title": "A", "type": "course", "credits": 6, "cost": 100, "hours": 2}]
    )
    people = [
        {"id": "ann", "name": "Ann", "tier": "pro", "expires": dt.date(2028, 1, 31)},
        {"id": "bo", "name": "Bo", "tier": "pro", "expires": dt.date(2027, 3, 31)},
    ]
    roster = roster_of(people, [0, 100])
    plan = ceplan.plan_team(catalog, roster, today=TODAY)
    (bo,) = plan.at_risk
    assert bo.id == "bo" and not ties(plan), bo.reasons
    assert bo.reasons == (
        "FY0's budget (0.00 GBP) is less than their plan needs in it (100.00 GBP)",
        "100.00 GBP more in FY0 would renew Bo",
    )
    again = ceplan.plan_team(catalog, with_priority(roster, "bo", 2), today=TODAY)
    assert [o.id for o in again.at_risk] == ["bo"]


def example_team(factor: float, funds: bool = True) -> tuple[ceplan.Catalog, Roster]:
    """The README's example team with every budget cut to ``factor`` of itself."""
    catalog = ceplan.load_catalog()
    roster = ceplan.load_roster("examples/team.yaml", catalog=catalog)
    budgets = tuple(
        b.model_copy(update={"amount": round(b.amount * factor, 2)}) for b in roster.budgets
    )
    return catalog, roster.model_copy(
        update={"budgets": budgets, "funds": roster.funds if funds else ()}
    )


def test_figures_for_several_people_are_each_for_one_alone() -> None:
    """The example team at 30% of its budgets: Tom, Kenji and Fatima are each told what
    would renew them; together they need more than their figures added up, and the lines say
    so. Planned again with each figure (and without the other two) each renews; with the
    figures added up, not all three do."""
    catalog, roster = example_team(0.3)
    plan = ceplan.plan_team(catalog, roster, today="2026-11-29")
    given = figures(plan)
    assert sorted(given) == ["fatima", "kenji", "tom"]
    assert check_reasons(catalog, roster, plan) >= 6
    for outcome in plan.at_risk:
        assert APART.search(outcome.reasons[-1]), outcome.reasons
    for person, added in given.items():
        alone = without(with_more(roster, added), set(given) - {person})
        assert not ceplan.plan_team(catalog, alone, today="2026-11-29").at_risk
    total = with_more(roster, added_up(given.values()))
    again = ceplan.plan_team(catalog, total, today="2026-11-29")
    assert set(given) & {o.id for o in again.at_risk}


def test_a_person_who_does_not_sit_exams_is_told_so_once() -> None:
    """An expert who does not sit exams: six of seven paths need a new exam, said in one
    line; the one that does not is said as their own plan says it (once, 900 characters of
    "new exams are not allowed" before)."""
    catalog = ceplan.load_catalog()
    sara = {"id": "sara", "name": "Sara", "tier": "expert", "expires": "2027-09-30"}
    roster = Roster.model_validate({"schema": 1, "team": "T", "people": [sara | {"exams": False}]})
    plan = ceplan.plan_team(catalog, roster, today="2026-11-29")
    inputs = roster.person("sara").inputs()
    alone = ceplan.optimise(catalog, "expert", today="2026-11-29", **inputs)
    assert alone.status == "infeasible" and len(alone.reasons) == 7
    (credits,) = [b.text for b in alone.blocked if not alone.paths[b.path_index].exams]
    assert plan.at_risk[0].reasons == (
        "every path but 120 credits needs a new exam, and new exams are not allowed for them",
        credits,
    )
    assert credits.startswith("120 credits: at most ")


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
