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
continuous ``work[i, s]`` hours of self-paced item ``i`` join, for each run ``s`` of weeks inside
the item's window. A run is a stretch of weeks that no window starts or ends inside (see
:func:`_segments`), so buckets exist only where something changes:

- ``hours_done_<id>``: ``sum(work[i, s] for s) == hours[i] * take[i]``;
- ``hours_week_<YYYY_MM_DD>`` (the run's first week): ``sum(work[i, s] for i) <=`` the run's
  capacity, the sum of its weeks' (or ``weekly_hours`` times its weeks with an available day,
  when the weekly hours are themselves a variable, to find how many a plan needs).

Costs are in whole cents, so that the cost objective is an exact integer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
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
    work_ends: dict[tuple[str, int], dt.date]
    """For each ``work[i, s]``: the last day item ``i`` can work in run ``s`` of weeks."""
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


def _segments(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of weeks that every item's window holds whole or not at all.

    Within such a run any item may work in any of its weeks, so one capacity row for the run
    (the sum of its weeks' capacities) is exact: an allocation to the run can always be split
    into its weeks. Catalogues with few distinct dates collapse to a few runs.

    Examples
    --------
    >>> _segments([(0, 9), (3, 5)])
    [(0, 2), (3, 5), (6, 9)]
    """
    spans = list(spans)
    cuts = sorted({a for a, _ in spans} | {b + 1 for _, b in spans})
    return [(a, b - 1) for a, b in zip(cuts, cuts[1:], strict=False)]


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
    work_ends: dict[tuple[str, int], dt.date] = {}
    weekly_hours = None
    if calendar is not None and (calendar.hours_per_week is not None or weekly_hours_free):
        if weekly_hours_free:
            weekly_hours = problem.add_variable("weekly_hours", 0, None)
        timed = [c for c in candidates if c.self_paced and c.hours > 0]
        spans = {
            c.id: (calendar.week_of(c.first or calendar.today), calendar.week_of(c.finish_by))
            for c in timed
        }
        segments = _segments(spans.values())
        by_segment: dict[int, list[Any]] = {}
        for c in timed:
            first, last = spans[c.id]
            mine = [s for s, (a, b) in enumerate(segments) if first <= a and b <= last]
            for s in mine:
                var = problem.add_variable(f"work_{take[c.id].name}_{s}", 0, None)
                work[c.id, s] = var
                by_segment.setdefault(s, []).append(var)
                run = calendar.weeks[segments[s][0] : segments[s][1] + 1]
                end = calendar.last_available(min(run[-1].end, c.finish_by), run[0].start)
                work_ends[c.id, s] = end or c.finish_by
            problem += (
                pulp.lpSum(work[c.id, s] for s in mine) == c.hours * take[c.id],
                _name("hours_done", c.id, used),
            )
        for s in sorted(by_segment):
            a, b = segments[s]
            weeks = [w for w in calendar.weeks[a : b + 1] if w.available_days > 0]
            if weekly_hours is not None:
                limit = weekly_hours * len(weeks)
            else:
                limit = sum(w.capacity for w in weeks)
            problem += (
                pulp.lpSum(by_segment[s]) <= limit,
                f"hours_week_{calendar.weeks[a].start:%Y_%m_%d}",
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
        work_ends=work_ends,
        weekly_hours=weekly_hours,
        cost=cost,
        hours=hours,
        count=count,
    )
