"""Planning a team (SPEC section 7).

The model (:mod:`ceplan.team`), then a :class:`~ceplan.team_results.TeamPlan` with the reasons
a manager can act on for each person at risk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pulp

from ceplan.catalog import Catalog
from ceplan.inputs import as_optional_date
from ceplan.roster import Roster
from ceplan.team import TeamModel, TeamSolution, build_team, solve_team
from ceplan.team_results import (
    BudgetUse,
    FundUse,
    PersonOutcome,
    TeamItem,
    TeamPlan,
    _money,
)
from ceplan.units import format_money

__all__ = ["plan_team"]


def plan_team(
    catalog: Catalog, roster: Roster, *, today: Any = None, time_limit: float | None = None
) -> TeamPlan:
    """The team's plan: who renews how, what each budget period and fund pays (SPEC 7).

    Parameters
    ----------
    catalog
        The catalogue (see :func:`ceplan.load_catalog`).
    roster
        The team (see :func:`ceplan.load_roster`; pass the catalogue there to have the roster's
        tiers, kinds and ids checked against it with lines).
    today
        The first day of the plan (default: today).
    time_limit
        Seconds for each solver call; a plan found when a limit stops the search is
        ``"feasible"``, never ``"optimal"``.
    """
    day = as_optional_date(today, "today") or dt.date.today()
    model = build_team(catalog, roster, today=day)
    solution = solve_team(model, seconds=time_limit)
    return _team_plan(catalog, roster, model, solution, day, time_limit)


def _team_plan(
    catalog: Catalog,
    roster: Roster,
    model: TeamModel,
    solution: TeamSolution,
    today: dt.date,
    time_limit: float | None,
) -> TeamPlan:
    names = {n: fund.name for n, fund in enumerate(roster.funds)}
    periods = {n: budget.name for n, budget in enumerate(roster.budgets)}
    outcomes = []
    for person in roster.people:
        items = []
        for taken in solution.taken[person.id]:
            item = catalog.item(taken.item)
            items.append(
                TeamItem(
                    person=person.id,
                    id=taken.item,
                    title=item.title,
                    kind="exam" if hasattr(item, "kind") else "activity",
                    start=taken.start,
                    cost=_money(taken.cents),
                    period=periods.get(taken.period) if taken.period is not None else None,
                    paid_by_funds=tuple(
                        (names[f], _money(cents))
                        for f, cents in sorted(taken.paid_by_fund.items())
                        if round(cents) > 0
                    ),
                )
            )
        renews = solution.renews[person.id]
        path = solution.paths[person.id]
        rules = catalog.tiers[person.tier].paths
        reasons = () if renews else _reasons(catalog, roster, person, today, solution, time_limit)
        outcomes.append(
            PersonOutcome(
                id=person.id,
                name=person.name,
                tier=person.tier,
                renews=renews,
                path=rules[path].describe() if renews and path is not None else None,
                items=tuple(items),
                reasons=reasons,
                priority=person.priority,
                expires=person.expires,
            )
        )
    budget_uses = tuple(
        BudgetUse(b.name, b.start, b.end, b.amount, _money(solution.spent.get(n, 0.0)))
        for n, b in enumerate(roster.budgets)
    )
    fund_uses = tuple(
        FundUse(
            name=f.name,
            amount=_money(model.fund_cents[n]),
            currency=f.currency or catalog.currency,
            given=f.amount,
            expires=f.expires,
            pays_for=f.pays_for,
            used=_money(solution.used.get(n, 0.0)),
        )
        for n, f in enumerate(roster.funds)
    )
    return TeamPlan(
        team=roster.team,
        currency=catalog.currency,
        today=today,
        status=solution.status,
        termination=solution.termination,
        outcomes=tuple(outcomes),
        budget_uses=budget_uses,
        fund_uses=fund_uses,
    )


def _reasons(
    catalog: Catalog,
    roster: Roster,
    person: Any,
    today: dt.date,
    solution: TeamSolution,
    time_limit: float | None,
) -> tuple[str, ...]:
    """Why a person is at risk, in words a manager can act on."""
    from ceplan.planning import optimise

    alone = optimise(
        catalog,
        person.tier,
        today=today,
        expires=person.expires,
        earned=person.earned,
        passed=list(person.passed),
        completed=list(person.completed),
        exclude=list(person.exclude),
        allow_exams=person.exams,
        hours_per_week=person.hours_per_week,
    )
    if not alone.found:
        return tuple(alone.reasons) or ("no plan renews this certification in time",)
    extra = _extra_needed(catalog, roster, person.id, today, solution, time_limit)
    if extra is None:
        return ("the budgets and funds cannot renew this person alongside the others",)
    money, spent = extra
    where = " and ".join(spent) or "the budgets"
    verb = "are" if len(spent) > 1 else "is"
    return (
        f"{where} {verb} spent by higher-priority renewals; "
        f"{format_money(money, catalog.currency)} more would renew {person.name}",
    )


def _extra_needed(
    catalog: Catalog,
    roster: Roster,
    person_id: str,
    today: dt.date,
    solution: TeamSolution,
    time_limit: float | None,
) -> tuple[float, list[str]] | None:
    """The least money added to the budget periods that renews ``person_id``.

    Everyone who renews still does. Returns the amount and the periods it goes to; ``None`` if
    no money would do.
    """
    from ceplan.solving import make_solver

    model = build_team(catalog, roster, today=today, extra_money=True)
    problem, extra = model.problem, model.extra
    for other, renews in solution.renews.items():
        if renews or other == person_id:
            problem += model.renew[other] == 1, f"keep_{other}"
    problem.setObjective(pulp.lpSum(extra.values()))
    run = make_solver("highs").run(problem, time_limit, 0.0)
    if run.status not in ("optimal", "feasible"):
        return None
    added = {n: float(var.value() or 0) for n, var in extra.items()}
    periods = [roster.budgets[n].name for n, cents in added.items() if cents > 0.5]
    return _money(sum(added.values())), periods
