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

With weekly study hours limited (a :class:`~ceplan.weeks.Calendar` with ``hours_per_week``),
continuous ``work[i, w]`` hours of self-paced item ``i`` in week ``w`` join, for the weeks of the
item's window only:

- ``hours_done_<id>``: ``sum(work[i, w] for w) == hours[i] * take[i]``;
- ``hours_week_<YYYY_MM_DD>``: ``sum(work[i, w] for i) <= capacity[w]`` (or
  ``<= weekly_hours`` when the weekly hours are themselves a variable, to find how many a plan
  needs).

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
from ceplan.weeks import Calendar

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
    work: dict[tuple[str, int], Any]
    weekly_hours: Any
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
    calendar: Calendar | None = None,
    weekly_hours_free: bool = False,
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
    calendar
        Weeks and their study-hour capacity; without one (or without ``hours_per_week``) there
        is no weekly limit.
    weekly_hours_free
        Make the weekly hours a variable ``weekly_hours`` (to minimise) instead of the
        calendar's ``hours_per_week``.

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
    work: dict[tuple[str, int], Any] = {}
    weekly_hours = None
    if calendar is not None and (calendar.hours_per_week is not None or weekly_hours_free):
        if weekly_hours_free:
            weekly_hours = problem.add_variable("weekly_hours", 0, None)
        by_week: dict[int, list[Any]] = {}
        for c in candidates:
            if not c.self_paced or c.hours <= 0:
                continue
            first = c.first or calendar.today
            for week in calendar.weeks_between(first, c.finish_by):
                var = problem.add_variable(f"work_{take[c.id].name}_{week.index}", 0, None)
                work[c.id, week.index] = var
                by_week.setdefault(week.index, []).append(var)
            problem += (
                pulp.lpSum(work[c.id, w.index] for w in calendar.weeks_between(first, c.finish_by))
                == c.hours * take[c.id],
                _name("hours_done", c.id, used),
            )
        for index in sorted(by_week):
            week = calendar.weeks[index]
            limit = weekly_hours if weekly_hours is not None else week.capacity
            problem += (
                pulp.lpSum(by_week[index]) <= limit,
                f"hours_week_{week.start:%Y_%m_%d}",
            )
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
        work=work,
        weekly_hours=weekly_hours,
        cost=cost,
        hours=hours,
        count=count,
    )
