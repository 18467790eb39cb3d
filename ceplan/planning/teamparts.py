"""What the team planners share: reasons of people at risk, fund payments, stage bounds.

:mod:`ceplan.planning.team` (schema 1, and the dispatch), :mod:`ceplan.planning.team_held`
(schema 2, one model) and :mod:`ceplan.planning.columns_held` (schema 2, by columns) each
write a :class:`~ceplan.results.team.TeamPlan`; these are the rules they write it by, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ceplan.catalogue.models import Catalog, to_cents
from ceplan.planning.reasons import Money, Shared, at_risk_reasons
from ceplan.requests.team import TeamRequest
from ceplan.results.team import BudgetUse, FundUse, StageBound, TeamPlan
from ceplan.roster.models import Fund, Person, Roster
from ceplan.solving.progress import Progress
from ceplan.solving.team import Taken
from ceplan.units import money_value

__all__ = [
    "AUTO_SINGLE_MOST",
    "NO_PLAN_IN_TIME",
    "fits_single_model",
    "fund_cents",
    "fund_given",
    "money_uses",
    "stage_bounds",
    "why_reasons",
]

AUTO_SINGLE_MOST = 2_000
"""With ``method="auto"``: the most people times catalogue items (activities and exams) that
the single model plans; a larger team is planned by columns. Measured on the benchmark's
organisations (``bench/bench_team.py``, 540 items; see the README): the single model proves
the whole order for 2 and 3 people in a few seconds, and its time grows about as this product
does; columns are quicker from 2 people up but prove only who renews, with gaps of 15 to 40%
in the out-of-pocket spend below 10 people, where the single model proves everything in well
under a minute. From about 20 people the single model no longer proves its last stage in 60 s,
and at 100 it runs out of time in the first."""


def fits_single_model(request: TeamRequest, most: int = AUTO_SINGLE_MOST) -> bool:
    """Whether ``method="auto"`` plans the team by the single model (without workers).

    It does when the people times the catalogue's items (activities and exams) are at most
    ``most``.
    """
    catalog = request.catalog
    return len(request.roster.people) * (len(catalog.activities) + len(catalog.exams)) <= most


NO_PLAN_IN_TIME = "no plan was found before the time limit"
"""The reason of a person whose plan the time limit left unmade."""


def why_reasons(
    shared: Shared,
    money: Callable[[Person], Money | None],
    together: Callable[[Sequence[str]], int | None] | None = None,
    told: Progress | None = None,
) -> Callable[[Person], tuple[str, ...]]:
    """The reasons of each person at risk, worked out together (none for a plan not found)."""
    reasons = (
        {}
        if shared.solution.status == "unknown"
        else at_risk_reasons(shared, money, together, told)
    )
    return lambda person: reasons[person.id]


def fund_cents(taken: Taken) -> tuple[tuple[int, int], ...]:
    """What each fund (position) paid toward an item, in whole cents.

    The solver's payments are continuous; each is rounded to the cent, and cut where they
    would come to more than the item costs.
    """
    paid: list[tuple[int, int]] = []
    left = taken.cents
    for f, amount in sorted(taken.paid_by_fund.items()):
        cents = min(round(amount), left)
        if cents > 0:
            paid.append((f, cents))
            left -= cents
    return tuple(paid)


def fund_given(fund: Fund) -> float:
    """A fund's amount in its own currency, to the cent."""
    cents = to_cents(fund.amount, 1.0)
    return fund.amount if cents is None else money_value(cents)


def stage_bounds(found: Any, plan: TeamPlan) -> tuple[StageBound, ...]:
    """The stages planning by columns bounded: the plan's own value of each, and the bound.

    Planning people alone after the first stages can only make the plan better. If it spends
    less out of pocket than the stage found, that stage was not the best and the hours' bound,
    proved for the money the stage found, says nothing of the plan's: it is left out.
    """
    priority, money, hours = found.stages
    scale = float(found.hours_scale)
    spent = round(plan.out_of_pocket * 100)
    taken = sum(o.hours for o in plan.outcomes if o.renews)
    renewed = float(sum(o.priority for o in plan.outcomes if o.renews))
    same_money = spent == round(money.value)
    return (
        StageBound("priority", renewed, priority.bound, priority.proved),
        StageBound("out_of_pocket", spent / 100, money.bound / 100, money.proved and same_money),
        StageBound(
            "hours",
            taken,
            hours.bound / scale if same_money else None,
            hours.proved and same_money and round(taken * scale) == round(hours.value),
        ),
    )


def money_uses(
    catalog: Catalog,
    roster: Roster,
    amounts: tuple[Sequence[int], Sequence[int]],
    spent: Mapping[int, int],
    used: Mapping[int, int],
) -> tuple[tuple[BudgetUse, ...], tuple[FundUse, ...]]:
    """Each budget period and fund of ``roster`` as a plan shows it.

    ``amounts`` are the periods' and funds' cents (in the catalogue's currency); ``spent`` and
    ``used`` what the plan takes of each, by position.
    """
    budgets = tuple(
        BudgetUse(b.name, b.start, b.end, money_value(amounts[0][n]), money_value(spent[n]))
        for n, b in enumerate(roster.budgets)
    )
    funds = tuple(
        FundUse(
            name=f.name,
            amount=money_value(amounts[1][n]),
            currency=f.currency or catalog.currency,
            given=fund_given(f),
            expires=f.expires,
            pays_for=f.pays_for,
            used=money_value(used[n]),
        )
        for n, f in enumerate(roster.funds)
    )
    return budgets, funds
