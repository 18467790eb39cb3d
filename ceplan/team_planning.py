"""Planning a team (SPEC section 7).

The model (:mod:`ceplan.team`), then a :class:`~ceplan.team_results.TeamPlan` with the reasons
a manager can act on for each person at risk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import pulp

from ceplan.catalog import Catalog
from ceplan.errors import PlanInputError
from ceplan.inputs import as_optional_date
from ceplan.roster import Budget, Fund, Person, Roster
from ceplan.team import TeamModel, TeamSolution, build_team, solve_team
from ceplan.team_results import (
    BudgetUse,
    FundUse,
    PersonOutcome,
    TeamItem,
    TeamPlan,
)
from ceplan.units import format_money, money_value

if TYPE_CHECKING:
    from ceplan.results import Plan

__all__ = ["TeamComparison", "plan_team", "what_if"]


def plan_team(
    catalog: Catalog,
    roster: Roster,
    *,
    today: Any = None,
    time_limit: float | None = None,
    progress: Callable[[str], None] | None = None,
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
        Seconds for the whole solve, every stage included; a plan found when the limit stops
        the search is ``"feasible"``, never ``"optimal"``. The reason for each person at risk
        (how much more money would renew them) is one more solve, limited alike.
    progress
        Called with a line of text as each stage of the solve ends.
    """
    day = as_optional_date(today, "today") or dt.date.today()
    model = build_team(catalog, roster, today=day)
    alone = _alone_plans(catalog, day)
    solution = solve_team(
        model, seconds=time_limit, progress=progress, fallback=lambda: _own_plans(roster, alone)
    )
    return _team_plan(catalog, roster, model, solution, day, time_limit, alone)


def _alone_plans(catalog: Catalog, today: dt.date) -> Callable[[Person], Plan]:
    """Each person's one-person plan, made once however often it is asked for."""
    from ceplan.planning import optimise

    made: dict[str, Plan] = {}

    def alone(person: Person) -> Plan:
        if person.id not in made:
            made[person.id] = optimise(catalog, person.tier, today=today, **person.inputs())
        return made[person.id]

    return alone


def _own_plans(
    roster: Roster, alone: Callable[[Person], Plan]
) -> list[tuple[str, tuple[str, ...]]]:
    """Each person's one-person plan, highest priority first (then by id).

    What a plan made without the solver tries to pay for, in that order.
    """
    plans = []
    for person in sorted(roster.people, key=lambda p: (-p.priority, p.id)):
        own = alone(person)
        if own.found:
            plans.append((person.id, tuple(str(i) for i in own.items["id"])))
    return plans


def _team_plan(
    catalog: Catalog,
    roster: Roster,
    model: TeamModel,
    solution: TeamSolution,
    today: dt.date,
    time_limit: float | None,
    alone: Callable[[Person], Plan] | None = None,
) -> TeamPlan:
    if alone is None:
        alone = _alone_plans(catalog, today)
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
                    cost=money_value(taken.cents),
                    period=periods.get(taken.period) if taken.period is not None else None,
                    paid_by_funds=tuple(
                        (names[f], money_value(cents))
                        for f, cents in sorted(taken.paid_by_fund.items())
                        if round(cents) > 0
                    ),
                )
            )
        renews = solution.renews[person.id]
        path = solution.paths[person.id]
        rules = catalog.tiers[person.tier].paths
        if renews:
            reasons: tuple[str, ...] = ()
        elif solution.status == "unknown":
            reasons = ("no plan was found before the time limit",)
        else:
            reasons = _reasons(catalog, roster, person, today, solution, time_limit, alone)
        outcomes.append(
            PersonOutcome(
                id=person.id,
                name=person.name,
                tier=person.tier,
                renews=renews,
                path=rules[path].describe() if renews and path is not None else None,
                items=tuple(items),
                reasons=reasons,
                priority=float(person.priority),
                expires=person.expires,
            )
        )
    budget_uses = tuple(
        BudgetUse(b.name, b.start, b.end, b.amount, money_value(solution.spent.get(n, 0.0)))
        for n, b in enumerate(roster.budgets)
    )
    fund_uses = tuple(
        FundUse(
            name=f.name,
            amount=money_value(model.fund_cents[n]),
            currency=f.currency or catalog.currency,
            given=f.amount,
            expires=f.expires,
            pays_for=f.pays_for,
            used=money_value(solution.used.get(n, 0.0)),
        )
        for n, f in enumerate(roster.funds)
    )
    return TeamPlan(
        team=roster.team,
        currency=catalog.currency,
        today=today,
        status=solution.status,
        termination=solution.termination,
        gap=solution.gap,
        stopped_in=solution.stopped_in,
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
    plan_alone: Callable[[Person], Plan],
) -> tuple[str, ...]:
    """Why a person is at risk, in words a manager can act on."""
    alone = plan_alone(person)
    if not alone.found:
        return tuple(alone.reasons) or ("no plan renews this certification in time",)
    if solution.status != "optimal":
        # Not proved: how much more money would renew them is measured against a plan that
        # may not be the best, so say only what is known.
        return (
            "not renewed in the plan found before the time limit; their own cheapest plan "
            f"costs {format_money(alone.total_cost, catalog.currency)}",
        )
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
    return money_value(sum(added.values())), periods


@dataclass(frozen=True)
class TeamComparison:
    """A team planned twice, side by side.

    Who moves to at risk, what moves between periods, what fund money is lost.
    """

    before: TeamPlan
    after: TeamPlan

    @property
    def newly_at_risk(self) -> tuple[str, ...]:
        """The people who renew before and are at risk after."""
        was = {o.id for o in self.before.outcomes if o.renews}
        return tuple(o.id for o in self.after.outcomes if not o.renews and o.id in was)

    @property
    def people(self) -> pd.DataFrame:
        """Per person: status and out-of-pocket spend before and after."""
        after = {o.id: o for o in self.after.outcomes}
        rows = []
        for o in self.before.outcomes:
            a = after[o.id]
            rows.append(
                {
                    "id": o.id,
                    "name": o.name,
                    "status_before": o.status,
                    "status_after": a.status,
                    "out_of_pocket_before": o.out_of_pocket,
                    "out_of_pocket_after": a.out_of_pocket,
                    "change": _change(o.renews, a.renews),
                }
            )
        return pd.DataFrame(rows, columns=list(_PEOPLE_COLUMNS))

    @property
    def items(self) -> pd.DataFrame:
        """Per person and item planned in either: the budget period and start day in each."""
        keys = ["person", "id"]
        before = self.before.items[[*keys, "start", "period"]]
        after = self.after.items[[*keys, "start", "period"]]
        merged = before.merge(after, on=keys, how="outer", suffixes=("_before", "_after"))
        return merged.sort_values(keys, kind="stable").reset_index(drop=True)

    @property
    def budgets(self) -> pd.DataFrame:
        """Per budget period: amount and spend before and after."""
        return _side_by_side(self.before.budget_uses, self.after.budget_uses, ("amount", "spent"))

    @property
    def funds(self) -> pd.DataFrame:
        """Per fund: used and lost at expiry, before and after."""
        return _side_by_side(self.before.fund_uses, self.after.fund_uses, ("used", "lost"))

    def summary(self) -> str:
        """One line: what changes."""
        risk = ", ".join(self.newly_at_risk) or "nobody"
        return (
            f"newly at risk: {risk}; out of pocket {self.before.out_of_pocket:,.2f} -> "
            f"{self.after.out_of_pocket:,.2f} {self.after.currency}; from funds "
            f"{self.before.paid_by_funds:,.2f} -> {self.after.paid_by_funds:,.2f}"
        )

    def __repr__(self) -> str:
        return f"<TeamComparison {self.summary()}>"


_PEOPLE_COLUMNS = (
    "id",
    "name",
    "status_before",
    "status_after",
    "out_of_pocket_before",
    "out_of_pocket_after",
    "change",
)


def _side_by_side(
    before: Sequence[Any], after: Sequence[Any], fields: Sequence[str]
) -> pd.DataFrame:
    """Per entry of ``before`` (by name): each field before, and after where it is still there."""
    later = {entry.name: entry for entry in after}
    columns = ["name", *(f"{field}_{when}" for field in fields for when in ("before", "after"))]
    rows = []
    for entry in before:
        row: dict[str, Any] = {"name": entry.name}
        for field in fields:
            row[f"{field}_before"] = getattr(entry, field)
            row[f"{field}_after"] = (
                getattr(later[entry.name], field) if entry.name in later else None
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _change(before: bool, after: bool) -> str:
    if before and not after:
        return "now at risk"
    if after and not before:
        return "now renews"
    return ""


def what_if(
    catalog: Catalog,
    roster: Roster,
    *,
    budget_factor: float | None = None,
    budgets: Sequence[Budget | Mapping[str, Any]] | None = None,
    funds: Sequence[Fund | Mapping[str, Any]] | None = None,
    today: Any = None,
    time_limit: float | None = None,
) -> TeamComparison:
    """The team planned as it is and again with other budgets or funds, side by side.

    ``budget_factor`` scales every budget period (``0.7`` is a 30% cut); ``budgets`` and
    ``funds`` replace the roster's (models or plain data, as in the YAML).
    """
    before = plan_team(catalog, roster, today=today, time_limit=time_limit)
    changed: dict[str, Any] = {}
    given = roster.budgets
    if budgets is not None:
        given = tuple(Budget.model_validate(b) for b in budgets)
    if budget_factor is not None:
        if not (budget_factor >= 0):
            raise PlanInputError(f"budget_factor must be 0 or more, not {budget_factor!r}")
        given = tuple(b.model_copy(update={"amount": b.amount * budget_factor}) for b in given)
    changed["budgets"] = given
    if funds is not None:
        changed["funds"] = tuple(Fund.model_validate(f) for f in funds)
    other = Roster.model_validate({**roster.model_dump(by_alias=True), **changed})
    after = plan_team(catalog, other, today=today, time_limit=time_limit)
    return TeamComparison(before, after)
