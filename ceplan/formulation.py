"""The integer programme for one person: pure model building, no solving and no I/O.

Decision variables (binary):

- ``take[i]``: item ``i`` (an activity or an exam) is in the plan;
- ``choose_path[p]``: path ``p`` of the tier is the one the plan meets.

Constraint families, named from the data:

- ``one_path``: exactly one path is chosen;
- ``credits_needed``: ``earned + sum(credits[i] * take[i]) >= sum(credits[p] * choose_path[p])``;
- ``exam_kind_<kind>``: ``passed[kind] + sum(take[e] for exams e of kind) >=
  sum(exams[p][kind] * choose_path[p])``;
- ``budget``: ``sum(cost[i] * take[i]) <= budget``, when a budget is given.

Costs are in whole cents, so that the cost objective is an exact integer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulp

from ceplan.candidates import CREDIT_TOLERANCE, Candidate
from ceplan.catalog import PathRule

__all__ = ["Formulation", "build_formulation"]


@dataclass(frozen=True)
class Formulation:
    """A built problem and the maps from the data to its variables and expressions."""

    problem: pulp.LpProblem
    take: dict[str, Any]
    choose_path: dict[int, Any]
    candidates: dict[str, Candidate]
    paths: dict[int, PathRule]
    earned: float
    passed: dict[str, int]
    cost: Any
    hours: Any
    count: Any

    def meets(self, chosen: set[str] | frozenset[str], path: int) -> bool:
        """Whether the items ``chosen`` (with what was earned and passed) meet path ``path``."""
        rule = self.paths[path]
        items = [self.candidates[i] for i in chosen]
        credits = self.earned + sum(c.credits for c in items if not c.is_exam)
        if credits < rule.credits - CREDIT_TOLERANCE:
            return False
        return all(
            self.passed.get(kind, 0) + sum(1 for c in items if c.is_exam and c.kind == kind)
            >= count
            for kind, count in rule.exams.items()
        )


def _name(prefix: str, text: str, used: set[str]) -> str:
    base = f"{prefix}_{re.sub(r'[^A-Za-z0-9_]', '_', text)}"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}_{n}"
    used.add(name)
    return name


def build_formulation(
    candidates: Sequence[Candidate],
    paths: Mapping[int, PathRule],
    *,
    earned: float = 0.0,
    passed: Mapping[str, int] | None = None,
    budget_cents: int | None = None,
) -> Formulation:
    """Build the problem of choosing one path and the items that meet it.

    Parameters
    ----------
    candidates
        The usable items (see :func:`ceplan.candidates.usable_items`).
    paths
        The paths that may be chosen, keyed by their position in the tier.
    earned
        Credits already earned in this period.
    passed
        Exams already passed in this period, by kind.
    budget_cents
        The most the plan may cost, in cents.

    The objective is left at total cost; :mod:`ceplan.solving` changes it for the tie-breaks.
    """
    passed = passed or {}
    problem = pulp.LpProblem("ceplan_renewal", pulp.LpMinimize)
    used: set[str] = set()
    take = {
        c.id: problem.add_variable(_name("take", c.id, used), 0, 1, cat=pulp.LpBinary)
        for c in candidates
    }
    choose_path = {
        index: problem.add_variable(f"choose_path_{index}", 0, 1, cat=pulp.LpBinary)
        for index in paths
    }
    by_id = {c.id: c for c in candidates}

    problem += pulp.lpSum(choose_path.values()) == 1, "one_path"
    earned_credits = pulp.lpSum(c.credits * take[c.id] for c in candidates if not c.is_exam)
    credits_required = pulp.lpSum(paths[p].credits * choose_path[p] for p in paths)
    problem += (
        earned_credits - credits_required >= -float(earned) - CREDIT_TOLERANCE,
        "credits_needed",
    )
    kinds = sorted({kind for rule in paths.values() for kind in rule.exams})
    for kind in kinds:
        taken = pulp.lpSum(take[c.id] for c in candidates if c.is_exam and c.kind == kind)
        required = pulp.lpSum(paths[p].exams.get(kind, 0) * choose_path[p] for p in paths)
        problem += (
            taken - required >= -int(passed.get(kind, 0)),
            _name("exam_kind", kind, used),
        )
    cost = pulp.lpSum(c.cents * take[c.id] for c in candidates)
    if budget_cents is not None:
        problem += cost <= budget_cents, "budget"
    hours = pulp.lpSum(c.hours * take[c.id] for c in candidates)
    count = pulp.lpSum(take.values())
    problem.setObjective(cost)
    return Formulation(
        problem=problem,
        take=take,
        choose_path=choose_path,
        candidates=by_id,
        paths=dict(paths),
        earned=float(earned),
        passed=dict(passed),
        cost=cost,
        hours=hours,
        count=count,
    )
