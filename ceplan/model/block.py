"""The integer programme for one person: pure model building, no solving and no I/O.

A person's block is one object, alone or in a team: a :class:`Formulation`, built from a
:class:`BlockOptions` (what was earned and passed, the budget, the calendar). Alone,
:func:`build_formulation` puts it in a problem of its own; in a team, :func:`add_person` adds
it to a shared problem at a :class:`Placement` (its names' prefix, the ``renew`` variable, the
problem's names). Its variables and rows are those of the person alone under the prefix, but
for ``renew`` (see ``one_path``). A block's parts are fixed once built; what grows, as rows are
added, is its own record of the stretches that have hours rows and of the renewal markers,
and the problem's names given, which the blocks of a team share.

Decision variables (binary):

- ``take[i]``: item ``i`` (an activity or an exam) is in the plan;
- ``choose_path[p]``: path ``p`` of the tier is the one the plan meets.

Constraint families, named from the data:

- ``one_path``: exactly one path is chosen (given ``renew``: one when it is 1, none when it is
  0, and ``only_if_renewed``: no item is taken when it is 0);
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

With weekly study hours limited (a :class:`~ceplan.weeks.Calendar` with ``hours_per_week``), the
weeks are grouped into runs that no item's window starts or ends inside (see :func:`_segments`),
so each self-paced item may work in a consecutive stretch of runs, ``a[i]..b[i]``. Hours can be
spread within the weekly limit exactly when, for every stretch of runs ``s..e``, the items whose
whole window lies inside it need no more hours than the stretch holds (Hall's condition, which
is enough when every window is a stretch). One row per stretch would be too many, so
:class:`Weekly` knows them all and the solver adds the ones an answer breaks
(:meth:`Formulation.broken_stretches`), round after round, until an answer keeps them all:

- ``hours_runs_<s>_<e>``: ``sum(hours[i] * take[i] for a[i] >= s and b[i] <= e) <=`` the hours
  the runs ``s..e`` hold (or ``weekly_hours`` times their weeks with an available day, when the
  weekly hours are themselves a variable, to find how many a plan needs).

For the latest-renewal stage (SPEC 6), :meth:`Formulation.add_renewal` adds binary markers
``last_<n>`` (item ``n`` finishes the plan on its last possible day) and ``last_<n>_<r>`` (a
self-paced item under a weekly limit finishes in run ``r``, doing at least
:func:`~ceplan.weeks.last_work` hours there: in the rows above, those hours count in every
stretch that holds ``r``), with ``one_last`` (exactly one marker; in a team, one when the
person renews), ``last_in_plan_<n>`` and ``last_needed_<n>``: an item that costs nothing and
takes no time (in a team, any activity that takes no time, since a fund may pay for it) may be
marked only if the path needs it, so that no unneeded item pads a plan to move its renewal
later. Hours rows added before the markers are added again with the markers' hours.

Costs are in whole cents and hours in whole steps (hundredths of an hour for most catalogues,
see :func:`~ceplan.units.hours_scale`), so that the cost and hours objectives are exact integers.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulp

from ceplan.candidates.items import Candidate, meets
from ceplan.catalogue.models import PathRule
from ceplan.objective import COST, COUNT, HOURS, Outcome, Stage
from ceplan.units import CREDIT_TOLERANCE, hours_scale
from ceplan.weeks import Calendar, last_work

__all__ = [
    "NEEDED_MARGIN",
    "BlockOptions",
    "Formulation",
    "Placement",
    "Weekly",
    "add_person",
    "build_formulation",
    "overfilled",
    "span_demand",
    "unique_name",
    "weekly_runs",
]

NEEDED_MARGIN = 1e-4
"""An item counts as needed when without it the path would be short by more than
:data:`~ceplan.units.CREDIT_TOLERANCE` plus this many credits (a margin the solver's own
tolerances cannot blur; credits come in steps far larger)."""


@dataclass(frozen=True)
class BlockOptions:
    """What one person's block is built from, alone or in a team.

    Examples
    --------
    >>> BlockOptions(earned=40.0).budget_cents is None
    True
    """

    earned: float = 0.0
    """Credits already earned in this period."""
    passed: Mapping[str, int] = field(default_factory=dict)
    """Exams already passed in this period, by kind."""
    budget_cents: int | None = None
    """The most the plan may cost, in cents (``None``: no budget)."""
    calendar: Calendar | None = None
    """Weeks and their study-hour capacity; without one (or without ``hours_per_week``) there
    is no weekly limit."""
    weekly_hours_free: bool = False
    """Make the weekly hours a variable ``weekly_hours`` (to minimise) instead of the
    calendar's ``hours_per_week``."""
    interchangeable: bool = True
    """Take items of one profile in id order (``same_<id>`` rows). ``False`` for items that
    stand for one catalogue item in several ways (a team's item in each budget period), where
    that order would be wrong."""


@dataclass(frozen=True)
class Placement:
    """Where a block sits in a problem shared with others (a team's).

    A block alone has the default placement: no prefix, one path must be met, and names of
    its own.
    """

    prefix: str = ""
    """What every name of the block starts with (a person's, in a team)."""
    renew: Any = None
    """The binary variable that says this person renews: one path is met when it is 1, nothing
    is taken when it is 0 (``None``: one path must be met)."""
    used: set[str] = field(default_factory=set)
    """The names given so far in the problem. The problem's, not the placement's: every block
    of a team shares it, and it grows with each name given (:func:`unique_name`)."""


@dataclass(frozen=True)
class _Parts:
    """A block's fixed parts: what :class:`Formulation` reads, set once when it is built."""

    problem: pulp.LpProblem
    take: dict[str, Any]
    choose_path: dict[int, Any]
    candidates: dict[str, Candidate]
    paths: dict[int, PathRule]
    earned: float
    passed: dict[str, int]
    weekly: Weekly | None
    weekly_hours: Any
    hours_per_week: float | None
    budget_cents: int | None
    cost: Any
    hours: Any
    hours_scale: int
    count: Any
    place: Placement
    interchangeable: bool


class Formulation:
    """One person's block: its variables and rows in a problem, and the maps from the data to them.

    Built by :func:`build_formulation` (alone) or :func:`add_person` (in a shared problem).
    Its parts are fixed once built and read-only: the problem, the variables, the sums the
    stages minimise and the data they stand for. What grows is the block's own record of the
    rows it has added, changed only by the methods named (and read as copies):

    - :attr:`stretches`, the stretches of runs whose hours rows the problem has
      (:meth:`add_stretch`);
    - :attr:`markers`, the renewal markers of self-paced items under a weekly limit
      (:meth:`add_renewal`).

    :attr:`used`, the names given in the problem, grows too, but is the problem's: every block
    of a team and the code that adds rows to the problem name them with it
    (:func:`unique_name`).
    """

    def __init__(self, parts: _Parts) -> None:
        self._parts = parts
        self._stretches: set[tuple[int, int]] = set()
        self._markers: list[_Marker] = []

    @property
    def problem(self) -> pulp.LpProblem:
        """The problem the block's variables and rows are in (a team's, in a team)."""
        return self._parts.problem

    @property
    def take(self) -> dict[str, Any]:
        """By item id: the binary variable that says the item is in the plan."""
        return self._parts.take

    @property
    def choose_path(self) -> dict[int, Any]:
        """By path: the binary variable that says the plan meets that path."""
        return self._parts.choose_path

    @property
    def candidates(self) -> dict[str, Candidate]:
        """The items, by id."""
        return self._parts.candidates

    @property
    def paths(self) -> dict[int, PathRule]:
        """The paths that may be chosen, by their position in the tier."""
        return self._parts.paths

    @property
    def earned(self) -> float:
        """Credits already earned, at most the most any path asks for."""
        return self._parts.earned

    @property
    def passed(self) -> dict[str, int]:
        """Exams already passed, by kind."""
        return self._parts.passed

    @property
    def weekly(self) -> Weekly | None:
        """The self-study hours under a weekly limit, by runs of weeks; ``None`` without one."""
        return self._parts.weekly

    @property
    def weekly_hours(self) -> Any:
        """The variable weekly hours (``weekly_hours_free``); ``None`` when they are given."""
        return self._parts.weekly_hours

    @property
    def hours_per_week(self) -> float | None:
        """The calendar's weekly hours under a weekly limit; ``None`` without one."""
        return self._parts.hours_per_week

    @property
    def budget_cents(self) -> int | None:
        """The most the plan may cost, in cents."""
        return self._parts.budget_cents

    @property
    def cost(self) -> Any:
        """Total cost in cents."""
        return self._parts.cost

    @property
    def hours(self) -> Any:
        """Total hours in whole steps of ``1 / hours_scale`` hours: an exact integer objective."""
        return self._parts.hours

    @property
    def hours_scale(self) -> int:
        """How many steps :attr:`hours` counts in an hour."""
        return self._parts.hours_scale

    @property
    def count(self) -> Any:
        """How many items the plan takes."""
        return self._parts.count

    @property
    def prefix(self) -> str:
        """What every name of this block starts with (a person's, in a team)."""
        return self._parts.place.prefix

    @property
    def renew(self) -> Any:
        """In a team: the binary variable that says this person renews (``None``: one must)."""
        return self._parts.place.renew

    @property
    def used(self) -> set[str]:
        """The names given so far in :attr:`problem` (shared by the blocks of a team).

        The very set: who adds a row to the problem names it with :func:`unique_name` and it.
        """
        return self._parts.place.used

    @property
    def stretches(self) -> frozenset[tuple[int, int]]:
        """The stretches of runs ``(first, last)`` whose hours rows the problem has."""
        return frozenset(self._stretches)

    @property
    def markers(self) -> tuple[_Marker, ...]:
        """The renewal markers of self-paced items under a weekly limit (:meth:`add_renewal`)."""
        return tuple(self._markers)

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
        """What the solver minimises for ``stage`` (a sum: cost, hours or count)."""
        expressions = {COST: self.cost, HOURS: self.hours, COUNT: self.count}
        return expressions[stage]

    def whole(self, stage: Stage, outcome: Outcome) -> int:
        """``outcome``'s value of ``stage`` (a sum) in the whole units of :meth:`expression`."""
        values = {
            COST: outcome.cents,
            HOURS: self.scaled_hours(outcome.hours),
            COUNT: outcome.count,
        }
        return values[stage]

    def add_renewal(self, floor: dt.date) -> Any:
        """Add the latest-renewal markers, offering only finishes on or after ``floor``.

        Returns the days after ``floor`` that the marked finish falls on, to maximise. A plan
        that cannot finish on or after ``floor`` becomes infeasible, so the rows also hold a
        renewal reached earlier (pass that day as ``floor``).

        One marker stands for every item that would finish alike: on the same day and, for
        self-paced items under a weekly limit, in the same run of weeks, with the same window
        and the same finishing hours (the hours rows cannot tell such items apart). An item
        that costs nothing and takes no time keeps a marker of its own, to say it is needed.
        The markers of self-paced items under a weekly limit are recorded in :attr:`markers`,
        and the hours rows of :attr:`stretches` added before them are added again with their
        hours (``hours_runs_<first>_<last>_marked``).
        """
        problem, take, weekly = self.problem, self.take, self.weekly
        if self._parts.interchangeable:
            pool = _first_of_each_profile(self.candidates.values())
        else:
            pool = sorted(self.candidates.values(), key=lambda c: c.id)
        groups: dict[_Finish, list[str]] = {}
        for c in pool:
            if c.is_exam or weekly is None or c.id not in weekly.spans:
                # It finishes on its last possible day.
                if c.finish_by >= floor:
                    alone = c.id if self._may_pad(c) else None
                    groups.setdefault(_Finish(c.finish_by, alone), []).append(c.id)
                continue
            span = weekly.spans[c.id]
            for r in range(span[0], span[1] + 1):
                day = weekly.end(c, r)
                if day >= floor:
                    finish = _Finish(day, None, span, r, weekly.least[c.id])
                    groups.setdefault(finish, []).append(c.id)
        ends: list[tuple[Any, dt.date]] = []
        for n, (finish, ids) in enumerate(groups.items()):
            prefix = self.prefix
            marker = problem.add_variable(f"{prefix}last_{n}", 0, 1, cat=pulp.LpBinary)
            problem += marker <= pulp.lpSum(take[i] for i in ids), f"{prefix}last_in_plan_{n}"
            if finish.alone is not None:
                self._needed(self.candidates[finish.alone], marker, f"{prefix}last_needed_{n}")
            if finish.span is not None:
                self._markers.append(_Marker(marker, finish.span, finish.run, finish.least))
            ends.append((marker, finish.day))
        marked = pulp.lpSum(marker for marker, _ in ends)
        if self.renew is None:
            problem += marked == 1, f"{self.prefix}one_last"
        else:  # one marker when the person renews, none when not
            problem += marked - self.renew == 0, f"{self.prefix}one_last"
        if any(finish.span is not None for finish in groups) and self._stretches:
            # Rows added before the markers lack their hours: add them again, with them.
            for first, last in sorted(self._stretches):
                name = unique_name(f"{self.prefix}hours_runs", f"{first}_{last}_marked", self.used)
                problem.addConstraint(self._stretch_row(first, last), name)
        return pulp.lpSum((day - floor).days * marker for marker, day in ends)

    def _may_pad(self, c: Candidate) -> bool:
        """Whether activity ``c`` could be added to a plan only to move its renewal later.

        Alone, only a free item that takes no time: anything else costs in an earlier stage. In
        a team a fund may pay for any item, so every activity that takes no time.
        """
        if c.is_exam:
            return False
        return c.free if self.renew is None else c.hours == 0

    def add_stretch(self, first: int, last: int) -> None:
        """Row ``hours_runs_<first>_<last>``: the hours the runs ``first..last`` must hold.

        Added once: the stretch is recorded in :attr:`stretches`, and asking again adds nothing.
        """
        weekly = self.weekly
        assert weekly is not None
        if (first, last) in self._stretches:
            return
        self._stretches.add((first, last))
        row = self._stretch_row(first, last)
        self.problem.addConstraint(row, f"{self.prefix}hours_runs_{first}_{last}")

    def _stretch_row(self, first: int, last: int) -> Any:
        weekly = self.weekly
        assert weekly is not None
        take, hours = self.take, weekly.hours
        terms: list[tuple[Any, float]] = []
        for (a, b), ids in weekly.by_span.items():
            if first <= a and b <= last:
                terms.extend((take[i], hours[i]) for i in ids)
        for m in self._markers:
            a, b = m.span
            if first <= m.run <= last and not (first <= a and b <= last):
                terms.append((m.variable, m.least))
        if self.weekly_hours is not None:
            terms.append((self.weekly_hours, -float(sum(weekly.weeks[first : last + 1]))))
            limit = 0.0
        else:
            limit = float(sum(weekly.capacity[first : last + 1]))
        return pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintLE, rhs=limit)

    def broken_stretches(
        self, taken: Iterable[str] | None = None, most: int = 40
    ) -> list[tuple[int, int]]:
        """The stretches of runs whose hours a plan overfills, worst first (at most ``most``).

        The plan is the solver's answer (taken items, set markers, the weekly hours), or the
        items ``taken``, marked and all. Stretches that already have a row are left out: an
        answer the solver found with the row in place overfills it only within the solver's
        tolerance.
        """
        import numpy as np

        weekly = self.weekly
        if weekly is None:
            return []
        if taken is None:
            chosen = {i for i, var in self.take.items() if (var.value() or 0) > 0.5}
            marked = [m for m in self._markers if (m.variable.value() or 0) > 0.5]
            hours = self.weekly_hours
            per_week = None if hours is None else float(hours.value() or 0)
        else:
            chosen, marked, per_week = set(taken), [], None
        chosen &= weekly.spans.keys()
        demand = span_demand(weekly, ((weekly.spans[i], weekly.hours[i]) for i in chosen))
        for m in marked:
            (a, b), r = m.span, m.run
            extra = np.zeros(demand.shape)
            extra[: r + 1, r:] = m.least
            extra[: a + 1, b:] = 0.0  # stretches holding the whole window count it already
            demand += extra
        if per_week is not None:
            per_run = np.asarray(weekly.weeks, dtype=float) * per_week
        else:
            per_run = np.asarray(weekly.capacity, dtype=float)
        return overfilled(demand, per_run, self._stretches, most)

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


@dataclass(frozen=True)
class _Finish:
    """How an item would finish a plan: the items that finish alike share a renewal marker.

    ``alone`` is the id of an item that needs a marker of its own; ``span``, ``run`` and
    ``least`` are set for self-paced items under a weekly limit (see :class:`_Marker`).
    """

    day: dt.date
    alone: str | None
    span: tuple[int, int] | None = None
    run: int = 0
    least: float = 0.0


@dataclass(frozen=True)
class _Marker:
    """A renewal marker of self-paced items: set, one of them does ``least`` hours in ``run``.

    The items share their window, ``span`` (first and last run).
    """

    variable: Any
    span: tuple[int, int]
    run: int
    least: float


@dataclass(frozen=True)
class Weekly:
    """Self-paced items' hours against a weekly limit, by runs of weeks.

    ``spans[i]`` is the first and last run of item ``i``'s window (``by_span`` the items of
    each); ``capacity[r]`` the hours run ``r`` holds and ``weeks[r]`` its weeks with an
    available day; ``least[i]`` the hours that count as finishing item ``i`` in a run.
    """

    spans: dict[str, tuple[int, int]]
    by_span: dict[tuple[int, int], list[str]]
    hours: dict[str, float]
    least: dict[str, float]
    capacity: tuple[float, ...]
    weeks: tuple[int, ...]
    segments: tuple[tuple[int, int], ...]
    """Each run's first and last week (indices into ``calendar.weeks``)."""
    calendar: Calendar
    _ends: dict[tuple[dt.date, int], dt.date] = field(default_factory=dict, repr=False)

    def first_stretches(self) -> set[tuple[int, int]]:
        """Stretches worth a row from the start: one, all the runs together (none without runs).

        Other stretches get their rows when an answer overfills them
        (:meth:`Formulation.broken_stretches`).
        """
        return {(0, len(self.capacity) - 1)} if self.capacity else set()

    def end(self, item: Candidate, run: int) -> dt.date:
        """The last day ``item`` can work in run ``run``."""
        key = (item.work_until, run)
        if key not in self._ends:
            first_week, last_week = self.segments[run]
            weeks = self.calendar.weeks
            day = min(weeks[last_week].end, item.work_until)
            found = self.calendar.last_available(day, weeks[first_week].start)
            self._ends[key] = found or item.work_until
        return self._ends[key]


def _weekly(items: Sequence[Candidate], calendar: Calendar) -> Weekly:
    """The runs of weeks, and each self-paced item's stretch of them."""
    timed = [c for c in items if c.self_paced and c.hours > 0]
    weeks_of = {
        c.id: (calendar.week_of(c.first or calendar.today), calendar.week_of(c.work_until))
        for c in timed
    }
    segments = _segments(weeks_of.values())
    starts = [a for a, _ in segments]
    spans: dict[str, tuple[int, int]] = {}
    by_span: dict[tuple[int, int], list[str]] = defaultdict(list)
    for c in timed:
        first_week, last_week = weeks_of[c.id]
        span = (bisect.bisect_left(starts, first_week), bisect.bisect_right(starts, last_week) - 1)
        spans[c.id] = span
        by_span[span].append(c.id)
    available = [
        [w for w in calendar.weeks[a : b + 1] if w.available_days > 0] for a, b in segments
    ]
    return Weekly(
        spans=spans,
        by_span=dict(by_span),
        hours={c.id: c.hours for c in timed},
        least={c.id: last_work(c.hours, calendar.hours_per_week) for c in timed},
        capacity=tuple(float(sum(w.capacity for w in run)) for run in available),
        weeks=tuple(len(run) for run in available),
        segments=tuple(segments),
        calendar=calendar,
    )


def weekly_runs(items: Sequence[Candidate], calendar: Calendar) -> Weekly:
    """The runs of weeks of ``calendar``, and each self-paced item's stretch of them.

    The weeks are grouped into runs that no item's window starts or ends inside (see
    :class:`Weekly`); items without self-study hours have none.
    """
    return _weekly(items, calendar)


def unique_name(prefix: str, text: str, used: set[str]) -> str:
    """A name ``<prefix>_<text>`` the problem has not given yet, recorded in ``used``.

    ``text`` (an id, a kind) has what a modelling library's names cannot hold made ``_``; a
    name already in ``used`` gets ``_2``, ``_3``..., so two ids that differ only there never
    share a name.

    Examples
    --------
    >>> used: set[str] = set()
    >>> unique_name("take", "a-b", used), unique_name("take", "a_b", used)
    ('take_a_b', 'take_a_b_2')
    """
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
    """Items grouped by :attr:`~ceplan.candidates.items.Candidate.profile`, each group by id."""
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
    options: BlockOptions | None = None,
) -> Formulation:
    """Build the problem of choosing one path and the items that meet it: one block alone.

    Parameters
    ----------
    candidates
        The usable items (see :func:`ceplan.candidates.items.usable_items`).
    paths
        The paths that may be chosen, keyed by their position in the tier.
    options
        What the block is built from (``None``: nothing earned or passed, no limits).

    The objective is left at total cost; :mod:`ceplan.solving.stages` sets it for each stage.
    """
    problem = pulp.LpProblem("ceplan_renewal", pulp.LpMinimize)
    block = add_person(problem, candidates, paths, options)
    problem.setObjective(block.cost)
    return block


def add_person(
    problem: pulp.LpProblem,
    candidates: Sequence[Candidate],
    paths: Mapping[int, PathRule],
    options: BlockOptions | None = None,
    place: Placement | None = None,
) -> Formulation:
    """Add one person's block to ``problem``: their variables and rows, named at ``place``.

    Alone (``place`` is ``None``, or has no ``renew``) the person must meet one path; with a
    ``renew`` variable, one path is met when it is 1 and nothing is taken when it is 0. See
    :func:`build_formulation` for the other parameters.
    """
    options = options or BlockOptions()
    place = place or Placement()
    prefix, renew, used = place.prefix, place.renew, place.used
    budget_cents, calendar = options.budget_cents, options.calendar
    passed = dict(options.passed)
    # Credits beyond the most any path asks for change nothing; keep the numbers sane.
    earned = min(float(options.earned), max(rule.credits for rule in paths.values()))
    ordered = sorted(candidates, key=lambda c: c.id)
    take = {
        c.id: problem.add_variable(
            unique_name(f"{prefix}take", c.id, used), 0, 1, cat=pulp.LpBinary
        )
        for c in ordered
    }
    choose_path = {
        index: problem.add_variable(f"{prefix}choose_path_{index}", 0, 1, cat=pulp.LpBinary)
        for index in paths
    }
    by_id = {c.id: c for c in ordered}
    activities = [c for c in ordered if not c.is_exam]

    if renew is None:
        problem += pulp.lpSum(choose_path.values()) == 1, f"{prefix}one_path"
    else:
        problem += pulp.lpSum(choose_path.values()) - renew == 0, f"{prefix}one_path"
        if ordered:
            problem += (
                pulp.lpSum(take.values()) - len(ordered) * renew <= 0,
                f"{prefix}only_if_renewed",
            )
    earned_credits = pulp.lpSum(c.credits * take[c.id] for c in activities)
    credits_required = pulp.lpSum(paths[p].credits * choose_path[p] for p in paths)
    problem += (
        earned_credits - credits_required >= -earned - CREDIT_TOLERANCE,
        f"{prefix}credits_needed",
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
            problem += (
                taken - required >= -passed.get(kind, 0),
                unique_name(f"{prefix}exam_kind", kind, used),
            )
        problem += taken - missing <= 0, unique_name(f"{prefix}exams_needed", kind, used)
    done = [p for p, rule in paths.items() if rule.credits - earned <= CREDIT_TOLERANCE]
    if activities and done:
        problem += (
            pulp.lpSum(take[c.id] for c in activities)
            <= len(activities) * (1 - pulp.lpSum(choose_path[p] for p in done)),
            f"{prefix}activities_needed",
        )
    cost = pulp.lpSum(c.cents * take[c.id] for c in ordered)
    if budget_cents is not None and budget_cents < sum(c.cents for c in ordered):
        problem += cost <= budget_cents, f"{prefix}budget"
    for group in _profiles(ordered) if options.interchangeable else []:
        for before, after in zip(group, group[1:], strict=False):
            problem += (
                take[before.id] - take[after.id] >= 0,
                unique_name(f"{prefix}same", after.id, used),
            )
    weekly_hours = None
    weekly = None
    free = options.weekly_hours_free
    limited = calendar is not None and (calendar.hours_per_week is not None or free)
    if calendar is not None and limited:
        if free:
            weekly_hours = problem.add_variable(f"{prefix}weekly_hours", 0, None)
        weekly = _weekly(ordered, calendar)
    scale = hours_scale(c.hours for c in ordered)
    hours = pulp.lpSum(round(c.hours * scale) * take[c.id] for c in ordered)
    count = pulp.lpSum(take.values())
    parts = _Parts(
        problem=problem,
        take=take,
        choose_path=choose_path,
        candidates=by_id,
        paths=dict(paths),
        earned=earned,
        passed=passed,
        weekly=weekly,
        weekly_hours=weekly_hours,
        hours_per_week=calendar.hours_per_week if calendar is not None and limited else None,
        budget_cents=budget_cents,
        cost=cost,
        hours=hours,
        hours_scale=scale,
        count=count,
        place=place,
        interchangeable=options.interchangeable,
    )
    return Formulation(parts)


def _kinds(paths: Mapping[int, PathRule]) -> set[str]:
    return {kind for rule in paths.values() for kind in rule.exams}


def span_demand(weekly: Weekly, windows: Iterable[tuple[tuple[int, int], float]]) -> Any:
    """The hours that must be done inside each stretch of runs, as a matrix.

    ``windows`` are the planned items' windows (first and last run) and hours; entry
    ``[s, e]`` (``s <= e``) is the hours of the windows that lie within runs ``s..e``.

    Examples
    --------
    An item of 3 hours that may work in the first two of four weeks: one run, its window.

    >>> day = dt.date(2027, 1, 4)
    >>> item = Candidate("a", False, None, 1.0, 0, 3.0, day + dt.timedelta(days=13))
    >>> weekly = weekly_runs([item], Calendar(day, day + dt.timedelta(days=27), (), 2.0))
    >>> weekly.spans["a"], span_demand(weekly, [(weekly.spans["a"], 3.0)]).tolist()
    ((0, 0), [[3.0]])
    """
    import numpy as np

    size = len(weekly.capacity)
    demand = np.zeros((size, size))
    for (a, b), hours in windows:
        demand[a, b] += hours
    # Items inside s..e: windows a >= s and b <= e.
    return np.flip(np.cumsum(np.flip(demand, axis=0), axis=0), axis=0).cumsum(axis=1)


def overfilled(
    demand: Any, per_run: Any, known: Iterable[tuple[int, int]] = (), most: int = 40
) -> list[tuple[int, int]]:
    """The stretches of runs whose ``demand`` (:func:`span_demand`) is over the hours they hold.

    ``per_run`` is the hours each run holds; stretches in ``known`` are left out; worst first,
    at most ``most``.

    Examples
    --------
    >>> import numpy as np
    >>> overfilled(np.array([[3.0, 3.0], [0.0, 1.0]]), np.array([2.0, 2.0]))
    [(0, 0)]
    """
    import numpy as np

    size = len(per_run)
    held = np.concatenate([[0.0], np.cumsum(per_run)])
    room = held[None, 1:] - held[:-1, None]  # room[s, e] = the hours of runs s..e
    over = np.triu(demand - room)
    skip = set(known)
    found = []
    for flat in np.argsort(-over, axis=None, kind="stable")[:most]:
        first, last = divmod(int(flat), size)
        if over[first, last] <= 1e-6:
            break
        if (first, last) not in skip:
            found.append((first, last))
    return found
