"""Why no plan renews every certification held (catalogue schema 2), in a person's words.

:func:`why_not` is asked once the model of :mod:`ceplan.model.claims` has no answer. It says
what stops the plan: the budget (with the cheapest plan's cost, fees included), or which tiers
cannot be renewed.
"""

from __future__ import annotations

from collections.abc import Sequence

from ceplan.candidates.held import HeldWorld
from ceplan.catalogue.models import Catalog
from ceplan.model.claims import build_claims
from ceplan.requests.held import HeldRequest
from ceplan.results.plan import Blocked
from ceplan.solving.arrays import solve_once
from ceplan.solving.backends import Solver
from ceplan.status import Deadline
from ceplan.units import format_money

__all__ = ["why_not"]


def why_not(
    catalog: Catalog,
    request: HeldRequest,
    world: HeldWorld,
    solver: Solver,
    deadline: Deadline,
) -> Sequence[Blocked]:
    """Why no plan renews every tier of ``request``: the budget, or the tiers' own rules."""
    if world.budget_cents is not None:
        unlimited = build_claims(world, budget=False)
        run, values = solve_once(unlimited.model, unlimited.cost, solver, deadline)
        if run.status == "optimal" and values is not None:
            cents = round(unlimited.model.value_of(unlimited.cost, values))
            budget = request.budget_amount or 0.0
            text = (
                f"{', '.join(request.tiers)}: cheapest plan costs "
                f"{format_money(cents / 100, catalog.currency)}, budget is "
                f"{format_money(budget, catalog.currency)}"
            )
            return [Blocked(text, "budget", cheapest_cost=cents / 100)]
    text = f"{', '.join(request.tiers)}: no plan renews every tier held in time"
    return [Blocked(text, "credits")]
