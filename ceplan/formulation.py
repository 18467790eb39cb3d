"""The integer programme for one person: pure model building, no solving and no I/O.

Decision variables (binary):

- ``take[i]``: item ``i`` (an activity or an exam) is in the plan;
- ``choose_path[p]``: path ``p`` of the tier is the one the plan meets.

Constraint families, named from the data:

- ``one_path``: exactly one path is chosen;
- ``credits_needed``: ``earned + sum(credits[i] * take[i]) >= sum(credits[p] * choose_path[p])``;
- ``exam_kind_<kind>``: ``passed[kind] + sum(take[e] for exams e of kind) >=
  sum(exams[p][kind] * choose_path[p])``;
- ``exams_needed_<kind>``: no more exams of a kind than the chosen path still needs, and
  ``activities_needed``: no activity when the chosen path needs no more credits. A best plan is
  irredundant (SPEC 3), so these rows cut off only plans that can never be chosen;
- ``budget``: ``sum(cost[i] * take[i]) <= budget``, when a budget is given and binds;
- ``same_<id>``: ``take[a] >= take[b]`` for items ``a`` and ``b`` that differ only in their ids,
  ``a`` first: of interchangeable items a plan takes the first ones, which is also what the id
  tie-break prefers, and the solver never searches through copies of one plan.

With weekly study hours limited (a :class:`~ceplan.weeks.Calendar` with ``hours_per_week``),
continuous ``work[i, s]`` hours of self-paced item ``i`` join, for each run ``s`` of weeks inside
the item's window. A run is a stretch of weeks that no window starts or ends inside (see
:func:`_segments`), so buckets exist only where something changes:

- ``hours_done_<id>``: ``sum(work[i, s] for s) == hours[i] * take[i]``;
- ``hours_week_<YYYY_MM_DD>`` (the run's first week): ``sum(work[i, s] for i) <=`` the run's
  capacity, the sum of its weeks' (or ``weekly_hours`` times its weeks with an available day,
  when the weekly hours are themselves a variable, to find how many a plan needs).

For the latest-renewal stage (SPEC 6), :meth:`Formulation.add_renewal` adds binary markers
``last_<n>`` (item ``n`` finishes the plan on its last possible day) and ``last_<n>_<s>`` (a
self-paced item under a weekly limit finishes in run ``s``, doing at least
:func:`~ceplan.weeks.last_work` hours there), with ``one_last`` (exactly one marker),
``last_in_plan_<n>``, ``last_works_<n>_<s>`` and ``last_needed_<n>``: an item that costs nothing
and takes no time may be marked only if the path needs it, so that no unneeded item pads a plan
to move its renewal later.

Costs are in whole cents and hours in whole steps (hundredths of an hour for most catalogues,
see :func:`~ceplan.units.hours_scale`), so that the cost and hours objectives are exact integers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulp

from ceplan.candidates import Candidate, meets
from ceplan.catalog import PathRule
from ceplan.objective import COST, COUNT, HOURS, Stage
from ceplan.units import CREDIT_TOLERANCE, hours_scale
from ceplan.weeks import Calendar, last_work

__all__ = ["NEEDED_MARGIN", "Formulation", "build_formulation"]

NEEDED_MARGIN = 1e-4
"""An item counts as needed when without it the path would be short by more than
:data:`~ceplan.units.CREDIT_TOLERANCE` plus this many credits (a margin the solver's own
tolerances cannot blur; credits come in steps far larger)."""


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
    hours_per_week: float | None
    budget_cents: int | None
    cost: Any
    hours: Any
    """Total hours in whole steps of ``1 / hours_scale`` hours: an exact integer objective."""
    hours_scale: int
    count: Any

    def scaled_hours(self, hours: float) -> int:
        """``hours`` in the whole steps :attr:`hours` counts in."""
        return round(hours * self.hours_scale)

    def meets(self, chosen: Iterable[str], path: int) -> bool:
        """Whether the items ``chosen`` (with what was earned and passed) meet path ``path``."""
        items = [self.candidates[i] for i in chosen]
        return meets(items, self.paths[path], self.earned, self.passed)

    def allows(self, chosen: Iterable[str], path: int) -> bool:
        """Whether ``chosen`` meets ``path`` within the budget, whatever a solver says.

        The weekly hours are checked when the plan is scheduled.
        """
        items = list(chosen)
        cents = sum(self.candidates[i].cents for i in items)
        within = self.budget_cents is None or cents <= self.budget_cents
        return within and self.meets(items, path)

    def expression(self, stage: Stage) -> Any:
        """What the solver minimises for ``stage`` (cost, hours or count)."""
        expressions = {COST: self.cost, HOURS: self.hours, COUNT: self.count}
        return expressions[stage]

    def add_renewal(self, floor: dt.date) -> Any:
        """Add the latest-renewal markers, offering only finishes on or after ``floor``.

        Returns the days after ``floor`` that the marked finish falls on, to maximise. A plan
        that cannot finish on or after ``floor`` becomes infeasible, so the rows also hold a
        renewal reached earlier (pass that day as ``floor``).
        """
        problem, take = self.problem, self.take
        runs: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        for (item_id, s), var in sorted(self.work.items()):
            runs[item_id].append((s, var))
        ends: list[tuple[Any, dt.date]] = []
        for n, c in enumerate(_first_of_each_profile(self.candidates.values())):
            if c.is_exam or c.id not in runs:  # it finishes on its last possible day
                if c.finish_by < floor:
                    continue
                marker = problem.add_variable(f"last_{n}", 0, 1, cat=pulp.LpBinary)
                problem += marker <= take[c.id], f"last_in_plan_{n}"
                if c.free and not c.is_exam:
                    self._needed(c, marker, f"last_needed_{n}")
                ends.append((marker, c.finish_by))
                continue
            least = last_work(c.hours, self.hours_per_week)
            for s, var in runs[c.id]:
                day = self.work_ends[c.id, s]
                if day < floor:
                    continue
                marker = problem.add_variable(f"last_{n}_{s}", 0, 1, cat=pulp.LpBinary)
                problem += var >= least * marker, f"last_works_{n}_{s}"
                ends.append((marker, day))
        problem += pulp.lpSum(marker for marker, _ in ends) == 1, "one_last"
        return pulp.lpSum((day - floor).days * marker for marker, day in ends)

    def _needed(self, c: Candidate, marker: Any, name: str) -> None:
        """Row ``name``: when ``marker`` is set, the chosen path is short without activity ``c``.

        An exam is always needed in a plan that keeps the ``exams_needed_<kind>`` rows.
        """
        activities = [i for i in self.candidates.values() if not i.is_exam]
        credits = pulp.lpSum(i.credits * self.take[i.id] for i in activities)
        required = pulp.lpSum(rule.credits * self.choose_path[p] for p, rule in self.paths.items())
        room = self.earned + sum(i.credits for i in activities) + 1.0
        self.problem.addConstraint(
            self.earned + credits - c.credits - required
            <= -CREDIT_TOLERANCE - NEEDED_MARGIN + room * (1 - marker),
            name,
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


def _profiles(candidates: Iterable[Candidate]) -> list[list[Candidate]]:
    """Items grouped by :attr:`~ceplan.candidates.Candidate.profile`, each group by id."""
    groups: dict[tuple[object, ...], list[Candidate]] = defaultdict(list)
    for c in sorted(candidates, key=lambda c: c.id):
        groups[c.profile].append(c)
    return list(groups.values())


def _first_of_each_profile(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One item per profile, the first by id: the one a plan takes first (``same_<id>`` rows)."""
    return sorted((group[0] for group in _profiles(candidates)), key=lambda c: c.id)


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

    The objective is left at total cost; :mod:`ceplan.solving` sets it for each stage.
    """
    passed = dict(passed or {})
    # Credits beyond the most any path asks for change nothing; keep the numbers sane.
    earned = min(float(earned), max(rule.credits for rule in paths.values()))
    problem = pulp.LpProblem("ceplan_renewal", pulp.LpMinimize)
    used: set[str] = set()
    ordered = sorted(candidates, key=lambda c: c.id)
    take = {
        c.id: problem.add_variable(_name("take", c.id, used), 0, 1, cat=pulp.LpBinary)
        for c in ordered
    }
    choose_path = {
        index: problem.add_variable(f"choose_path_{index}", 0, 1, cat=pulp.LpBinary)
        for index in paths
    }
    by_id = {c.id: c for c in ordered}
    activities = [c for c in ordered if not c.is_exam]

    problem += pulp.lpSum(choose_path.values()) == 1, "one_path"
    earned_credits = pulp.lpSum(c.credits * take[c.id] for c in activities)
    credits_required = pulp.lpSum(paths[p].credits * choose_path[p] for p in paths)
    problem += (
        earned_credits - credits_required >= -earned - CREDIT_TOLERANCE,
        "credits_needed",
    )
    kinds = sorted({c.kind for c in ordered if c.is_exam and c.kind} | _kinds(paths))
    for kind in kinds:
        taken = pulp.lpSum(take[c.id] for c in ordered if c.is_exam and c.kind == kind)
        required = pulp.lpSum(paths[p].exams.get(kind, 0) * choose_path[p] for p in paths)
        missing = pulp.lpSum(
            max(0, paths[p].exams.get(kind, 0) - passed.get(kind, 0)) * choose_path[p]
            for p in paths
        )
        if kind in _kinds(paths):
            problem += taken - required >= -passed.get(kind, 0), _name("exam_kind", kind, used)
        problem += taken - missing <= 0, _name("exams_needed", kind, used)
    done = [p for p, rule in paths.items() if rule.credits - earned <= CREDIT_TOLERANCE]
    if activities and done:
        problem += (
            pulp.lpSum(take[c.id] for c in activities)
            <= len(activities) * (1 - pulp.lpSum(choose_path[p] for p in done)),
            "activities_needed",
        )
    cost = pulp.lpSum(c.cents * take[c.id] for c in ordered)
    if budget_cents is not None and budget_cents < sum(c.cents for c in ordered):
        problem += cost <= budget_cents, "budget"
    for group in _profiles(ordered):
        for before, after in zip(group, group[1:], strict=False):
            problem += take[before.id] - take[after.id] >= 0, _name("same", after.id, used)
    work: dict[tuple[str, int], Any] = {}
    work_ends: dict[tuple[str, int], dt.date] = {}
    weekly_hours = None
    limited = calendar is not None and (calendar.hours_per_week is not None or weekly_hours_free)
    if calendar is not None and limited:
        if weekly_hours_free:
            weekly_hours = problem.add_variable("weekly_hours", 0, None)
        timed = [c for c in ordered if c.self_paced and c.hours > 0]
        spans = {
            c.id: (calendar.week_of(c.first or calendar.today), calendar.week_of(c.work_until))
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
                end = calendar.last_available(min(run[-1].end, c.work_until), run[0].start)
                work_ends[c.id, s] = end or c.work_until
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
    scale = hours_scale(c.hours for c in ordered)
    hours = pulp.lpSum(round(c.hours * scale) * take[c.id] for c in ordered)
    count = pulp.lpSum(take.values())
    problem.setObjective(cost)
    return Formulation(
        problem=problem,
        take=take,
        choose_path=choose_path,
        candidates=by_id,
        paths=dict(paths),
        earned=earned,
        passed=passed,
        work=work,
        work_ends=work_ends,
        weekly_hours=weekly_hours,
        hours_per_week=calendar.hours_per_week if calendar is not None and limited else None,
        budget_cents=budget_cents,
        cost=cost,
        hours=hours,
        hours_scale=scale,
        count=count,
    )


def _kinds(paths: Mapping[int, PathRule]) -> set[str]:
    return {kind for rule in paths.values() for kind in rule.exams}
