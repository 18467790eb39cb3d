"""A team's first stages by column generation (SPEC 8): each person's plans are columns.

People are independent but for the shared budget periods and funds, so the team's problem
decomposes. A **column** is one person's plan: its items, each paid in a segment of days, and
what it costs in each *payment class* (a budget period and the set of funds that may pay an
item there). The **master** picks at most one column per person, and how much each fund pays
toward each class, subject to

- ``conv_<i>``: at most one column for person ``i``;
- ``class_<k>``: the funds pay no more toward class ``k`` than the chosen columns cost in it;
- ``fund_<f>``: a fund pays at most its amount;
- ``period_<p>``: what the chosen columns cost in period ``p`` less what the funds pay there
  is at most its amount.

Payments are exact by class: items of one class are alike to every fund, so the most the funds
can pay for a set of columns is the master's flow. The master is built from arrays straight
into HiGHS (``highspy``), not term by term.

**Pricing.** With the master's linear relaxation solved, a column's reduced cost is a constant
for its person plus a sum over its items: each item paid in class ``k`` costs ``cents * u_k +
hours * v``, with ``u_k`` and ``v`` read from the duals (:func:`_weights`). Adding cost or
hours to a plan never helps any stage, so every optimal dual has ``u_k, v >= 0`` (values a
hair below 0 are solver noise and read as 0). The person's best new column is then their
one-person problem under those prices: each item at its cheapest class, the exams of each kind
the path needs (the cheapest), and a covering knapsack over the activities' credits, solved by
dynamic programming (:func:`price`). People with identical inputs are priced once.

**Stages.** Priority renewed, then out-of-pocket spend, then hours (the first three of
:data:`~ceplan.objective.TEAM`): each is generated to its linear bound, solved as an integer
programme over the columns found, and its value held (one row) while the next is solved. A
stage is **proved** when its integer value reaches its bound (all three are whole numbers, so
within less than one of the bound is proved); otherwise the gap is reported, relative, from 0
to 1. It never claims more.

This is the first part of the decomposition: people without weekly hours. The later stages
(latest renewals, each person's tie-break), timed people, parallel pricing and the at-risk
reasons are to follow; until then :func:`ceplan.plan_team` solves the single model of
:mod:`ceplan.model.team`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ceplan.candidates.items import Candidate, drop_redundant
from ceplan.catalogue.models import Catalog, PathRule
from ceplan.errors import PlanInputError
from ceplan.model.team import Segment, copies_of, money_cents, segments_of, who_may_pay
from ceplan.requests.person import PlanRequest, make_request
from ceplan.roster.models import Roster
from ceplan.solving.exact import credit_scale
from ceplan.units import CREDIT_TOLERANCE, hours_scale

__all__ = ["Column", "ColumnStage", "ColumnsSolution", "price", "solve_by_columns"]

_NOISE = 1e-9
"""Duals and reduced costs within this of 0 (relative to 1) are 0."""

_MAX_ROUNDS = 500
"""Rounds of pricing per stage at most (each adds every person's best column)."""

STAGE_NAMES = ("priority", "out_of_pocket", "hours")


@dataclass(frozen=True)
class Column:
    """One person's plan: items (catalogue id, segment), cents by payment class, hours."""

    person: str
    items: tuple[tuple[str, int], ...]
    cents: tuple[tuple[int, int], ...]
    """By payment class (position): the cents the plan's items cost in it."""
    hours: int
    """In whole steps of the team's hours scale."""

    @property
    def total_cents(self) -> int:
        """What the plan costs in all."""
        return sum(c for _, c in self.cents)


@dataclass(frozen=True)
class ColumnStage:
    """One stage's outcome: the integer value found and the linear bound proved."""

    name: str
    value: float
    bound: float
    proved: bool

    @property
    def gap(self) -> float:
        """The relative gap from 0 to 1 (0 when proved)."""
        if self.proved:
            return 0.0
        size = max(abs(self.value), abs(self.bound), 1e-9)
        return min(1.0, abs(self.value - self.bound) / size)


@dataclass(frozen=True)
class ColumnsSolution:
    """The first stages of a team's plan found by column generation."""

    stages: tuple[ColumnStage, ...]
    chosen: Mapping[str, Column]
    """By person id: the column chosen (people without one are at risk)."""
    fund_paid: Mapping[int, float]
    """Cents each fund pays."""
    columns: int
    """How many columns were generated in all."""


# -- the people as the pricing sees them ---------------------------------------------------


@dataclass(frozen=True)
class _Option:
    """One way to take an item: paid in segment ``segment``, in payment class ``klass``."""

    segment: int
    klass: int


@dataclass
class _Person:
    """What pricing needs of one person: their items, each with its ways to be paid."""

    id: str
    priority: int
    rules: tuple[PathRule, ...]
    earned: float
    passed: Mapping[str, int]
    items: list[Candidate]
    options: dict[str, list[_Option]]
    too_late: bool
    signature: tuple[Any, ...] = field(default=())
    """Inputs that decide the person's columns (people alike are priced once)."""


def _people(
    catalog: Catalog, roster: Roster, today: dt.date, requests: Mapping[str, PlanRequest]
) -> tuple[list[_Person], list[tuple[int | None, tuple[int, ...]]], list[Segment]]:
    last = max(request.complete_by for request in requests.values())
    segments = segments_of(roster, today, max(last, today))
    people = sorted(roster.people, key=lambda p: p.id)
    copied = copies_of(catalog, roster, people, requests, segments, None)
    classes: dict[tuple[Any, ...], int] = {}
    found = []
    for person in people:
        request = requests[person.id]
        if request.timed:
            raise PlanInputError(
                "planning by columns does not yet take weekly hours or days away "
                f"(person '{person.id}')"
            )
        items: dict[str, Candidate] = {}
        options: dict[str, list[_Option]] = {}
        for copy, (item, n) in copied[person.id]:
            way = who_may_pay(copy, segments[n], roster)
            key = way if way else (None, ())
            klass = classes.setdefault(key, len(classes))
            items.setdefault(item.id, item)
            options.setdefault(item.id, []).append(_Option(n, klass))
        rules = tuple(catalog.tiers[person.tier].paths)
        signature = (
            person.tier,
            request.earned,
            tuple(sorted(request.passed)),
            request.complete_by,
            request.too_late,
            tuple((i, tuple((o.segment, o.klass) for o in options[i])) for i in sorted(items)),
        )
        found.append(
            _Person(
                id=person.id,
                priority=person.priority,
                rules=rules,
                earned=request.earned,
                passed=dict(request.passed),
                items=[items[i] for i in sorted(items)],
                options=options,
                too_late=request.too_late,
                signature=signature,
            )
        )
    ordered = sorted(classes, key=lambda k: classes[k])
    return found, [(k[0], tuple(k[1])) for k in ordered], segments


# -- pricing -------------------------------------------------------------------------------


def price(
    items: Sequence[Candidate],
    rules: Sequence[PathRule],
    earned: float,
    passed: Mapping[str, int],
    cost: Mapping[str, float],
) -> tuple[float, int, list[Candidate]] | None:
    """The least ``cost`` of a plan that meets one of ``rules``, its path and items.

    ``cost`` gives each item's price (at least 0). Exams: of each kind, the cheapest the path
    still needs (ties by id); activities: a covering knapsack over their credits by dynamic
    programming, exact over the credits counted in whole units
    (:func:`~ceplan.solving.exact.credit_scale`). The plan is made irredundant. ``None``
    when no path can be met.

    Examples
    --------
    >>> from ceplan.candidates.items import Candidate
    >>> day = dt.date(2027, 1, 1)
    >>> a, b, c = (Candidate(i, False, None, k, 0, 0.0, day) for i, k in
    ...            (("a", 20), ("b", 30), ("c", 50)))
    >>> value, path, chosen = price([a, b, c], [PathRule(credits=50)], 0.0, {},
    ...                             {"a": 1.0, "b": 1.5, "c": 3.0})
    >>> value, path, [x.id for x in chosen]
    (2.5, 0, ['a', 'b'])
    """
    best: tuple[float, int, list[Candidate]] | None = None
    activities = [c for c in items if not c.is_exam]
    for index, rule in enumerate(rules):
        chosen: list[Candidate] = []
        value = 0.0
        feasible = True
        for kind, count in sorted(rule.exams.items()):
            missing = count - passed.get(kind, 0)
            if missing <= 0:
                continue
            offered = sorted(
                (c for c in items if c.is_exam and c.kind == kind), key=lambda c: (cost[c.id], c.id)
            )
            if len(offered) < missing:
                feasible = False
                break
            chosen += offered[:missing]
            value += sum(cost[c.id] for c in offered[:missing])
        if not feasible:
            continue
        need = rule.credits - earned
        if need > CREDIT_TOLERANCE:
            found = _knapsack(activities, need, cost)
            if found is None:
                continue
            value += found[0]
            chosen += found[1]
        if best is None or value < best[0] - 1e-12:
            kept = drop_redundant(chosen, rule, earned, passed)
            best = (sum(cost[c.id] for c in kept), index, kept)
    return best


def _knapsack(
    activities: Sequence[Candidate], need: float, cost: Mapping[str, float]
) -> tuple[float, list[Candidate]] | None:
    """The least cost of activities earning at least ``need`` credits, and which."""
    scale = credit_scale([c.credits for c in activities] + [need]) or 100
    units = [round(c.credits * scale) for c in activities]
    goal = math.ceil(need * scale - CREDIT_TOLERANCE * scale)
    if sum(units) < goal:
        return None
    best = np.full(goal + 1, np.inf)
    best[0] = 0.0
    reach = np.arange(goal + 1)
    took = np.zeros((len(activities), goal + 1), dtype=bool)
    for n, c in enumerate(activities):
        if units[n] <= 0:
            continue
        before = best[np.maximum(reach - units[n], 0)] + cost[c.id]
        better = before < best - 1e-12
        took[n] = better
        best = np.where(better, before, best)
    if not math.isfinite(best[goal]):
        return None
    chosen, left = [], goal
    for n in range(len(activities) - 1, -1, -1):
        if left > 0 and took[n, left]:
            chosen.append(activities[n])
            left = max(0, left - units[n])
    return float(best[goal]), chosen[::-1]


# -- the master ----------------------------------------------------------------------------


class _Master:
    """The restricted master in HiGHS: rows fixed, columns added as pricing finds them."""

    def __init__(
        self,
        people: Sequence[_Person],
        classes: Sequence[tuple[int | None, tuple[int, ...]]],
        budget_cents: Sequence[int],
        fund_cents: Sequence[int],
    ) -> None:
        import highspy

        self.highspy = highspy
        self.h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
        self.h.setOptionValue("output_flag", False)
        self.people = list(people)
        self.classes = list(classes)
        inf = highspy.kHighsInf
        n_people, n_classes = len(self.people), len(self.classes)
        n_funds, n_periods = len(fund_cents), len(budget_cents)
        self.conv = 0
        self.klass = n_people
        self.fund = self.klass + n_classes
        self.period = self.fund + n_funds
        lower = [-inf] * (n_people + n_classes + n_funds + n_periods)
        upper = [1.0] * n_people + [0.0] * n_classes
        upper += [float(c) for c in fund_cents] + [float(c) for c in budget_cents]
        self.h.addRows(len(lower), lower, upper, 0, [], [], [])
        self.rows = len(lower)
        self.columns: list[Column] = []
        self.kind: list[str] = []  # "plan" or "pay"
        self.pays: list[tuple[int, int]] = []  # (fund, class) of each payment column
        for k, (period, funds) in enumerate(self.classes):
            for f in funds:
                index = [self.klass + k, self.fund + f]
                value = [1.0, 1.0]
                if period is not None:
                    index.append(self.period + period)
                    value.append(-1.0)
                self.h.addCol(0.0, 0.0, inf, len(index), index, value)
                self.kind.append("pay")
                self.pays.append((f, k))
                self.columns.append(Column("", (), (), 0))
        self.holds: dict[str, int] = {}
        self.by_person = {p.id: n for n, p in enumerate(self.people)}

    def add(self, column: Column) -> None:
        """Add ``column`` (a person's plan) to the master."""
        i = self.by_person[column.person]
        index, value = [self.conv + i], [1.0]
        periods: dict[int, float] = {}
        for k, cents in column.cents:
            index.append(self.klass + k)
            value.append(-float(cents))
            period = self.classes[k][0]
            if period is not None:
                periods[period] = periods.get(period, 0.0) + cents
        for period, total in sorted(periods.items()):
            index.append(self.period + period)
            value.append(total)
        for name, row in self.holds.items():
            coefficient = self._stage_cost(name, column)
            if coefficient:
                index.append(row)
                value.append(coefficient)
        self.h.addCol(0.0, 0.0, 1.0, len(index), index, value)
        self.kind.append("plan")
        self.columns.append(column)

    def objective(self, name: str) -> list[float]:
        """Each column's cost in stage ``name`` (minimised)."""
        costs = []
        for kind, column in zip(self.kind, self.columns, strict=True):
            if kind == "pay":
                costs.append(-1.0 if name == "out_of_pocket" else 0.0)
            else:
                costs.append(self._stage_cost(name, column))
        return costs

    def _stage_cost(self, name: str, column: Column) -> float:
        if name == "priority":
            return -float(self.people[self.by_person[column.person]].priority)
        if name == "out_of_pocket":
            return float(column.total_cents)
        return float(column.hours)

    def hold(self, name: str, value: float) -> None:
        """Hold stage ``name`` at ``value`` (its integer optimum) while later stages run."""
        inf = self.highspy.kHighsInf
        costs = self.objective(name)
        index = [j for j, c in enumerate(costs) if c != 0.0]
        coefficients = [costs[j] for j in index]
        # Minimised cost at most the value found (priority: minus it).
        self.h.addRow(-inf, value + 0.5, len(index), index, coefficients)
        self.holds[name] = self.rows
        self.rows += 1

    def solve(self, name: str, integer: bool) -> tuple[float, np.ndarray, np.ndarray]:
        """Solve stage ``name``: its value, the columns' values and the rows' duals."""
        h = self.h
        n = len(self.columns)
        if n == 0:  # nobody has a plan and no fund can pay: nothing to choose
            return 0.0, np.zeros(0), np.zeros(self.rows)
        costs = self.objective(name)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(costs, dtype=np.float64))
        kind = self.highspy.HighsVarType
        types = [kind.kInteger if integer and k == "plan" else kind.kContinuous for k in self.kind]
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.asarray(types))
        h.run()
        status = h.getModelStatus()
        if status != self.highspy.HighsModelStatus.kOptimal:
            raise PlanInputError(f"the master problem could not be solved ({status})")
        solution = h.getSolution()
        value = float(h.getInfo().objective_function_value)
        duals = np.asarray(solution.row_dual) if not integer else np.zeros(self.rows)
        return value, np.asarray(solution.col_value), duals


def _weights(
    master: _Master, name: str, duals: np.ndarray
) -> tuple[np.ndarray, float, dict[str, float]]:
    """Prices read from the duals (see the module's docstring).

    Each class's price per cent, the price per hour step, and each person's constant.
    """
    beta = 1.0 if name == "out_of_pocket" else 0.0
    gamma = 1.0 if name == "hours" else 0.0
    hold_o = duals[master.holds["out_of_pocket"]] if "out_of_pocket" in master.holds else 0.0
    hold_h = duals[master.holds["hours"]] if "hours" in master.holds else 0.0
    hold_p = duals[master.holds["priority"]] if "priority" in master.holds else 0.0
    u = np.zeros(len(master.classes))
    for k, (period, _) in enumerate(master.classes):
        value = beta + duals[master.klass + k]
        if period is not None:
            value -= duals[master.period + period]
        value -= hold_o
        u[k] = max(0.0, value)
    v = max(0.0, gamma - hold_h)
    constants = {}
    for n, person in enumerate(master.people):
        alpha = -float(person.priority) if name == "priority" else 0.0
        constants[person.id] = alpha - duals[master.conv + n] + hold_p * person.priority
    return u, v, constants


def solve_by_columns(
    catalog: Catalog,
    roster: Roster,
    *,
    today: dt.date,
    requests: Mapping[str, PlanRequest] | None = None,
) -> ColumnsSolution:
    """The team's first three stages (priority, out-of-pocket, hours) by column generation.

    See the module's docstring. People with weekly hours or days away are refused for now
    (:class:`~ceplan.errors.PlanInputError`).
    """
    if requests is None:
        requests = {
            person.id: make_request(catalog, person.tier, today=today, **person.inputs())
            for person in roster.people
        }
    people, classes, segments = _people(catalog, roster, today, requests)
    scale = hours_scale(c.hours for p in people for c in p.items)
    budget = [money_cents(catalog, b.amount) for b in roster.budgets]
    funds = [money_cents(catalog, f.amount, f.currency) for f in roster.funds]
    master = _Master(people, classes, budget, funds)
    seen: set[tuple[str, tuple[tuple[str, int], ...]]] = set()
    stages: list[ColumnStage] = []
    for name in STAGE_NAMES:
        bound = _generate(master, people, name, scale, seen)
        value, values, _ = master.solve(name, integer=True)
        value, bound = _stage_value(name, value), _stage_value(name, bound)
        proved = abs(value - bound) < 1.0 - 1e-6
        stages.append(ColumnStage(name, value, bound, proved))
        master.hold(name, round(master_value(name, value)))
    _, values, _ = master.solve(STAGE_NAMES[-1], integer=True)
    chosen = {}
    paid: dict[int, float] = {}
    for j, (kind, column) in enumerate(zip(master.kind, master.columns, strict=True)):
        if kind == "plan" and values[j] > 0.5:
            chosen[column.person] = column
        elif kind == "pay" and values[j] > 1e-6:
            f, _ = master.pays[j]
            paid[f] = paid.get(f, 0.0) + float(values[j])
    return ColumnsSolution(tuple(stages), chosen, paid, sum(1 for k in master.kind if k == "plan"))


def _stage_value(name: str, minimised: float) -> float:
    """A stage's value as the team sees it (priority renewed is maximised)."""
    return -minimised if name == "priority" else minimised


def master_value(name: str, value: float) -> float:
    """A stage's value back in the master's minimised form."""
    return -value if name == "priority" else value


def _generate(
    master: _Master, people: Sequence[_Person], name: str, scale: int, seen: set[Any]
) -> float:
    """Price until no column improves the relaxation; its value, the stage's bound."""
    value = math.inf
    for _ in range(_MAX_ROUNDS):
        value, _, duals = master.solve(name, integer=False)
        u, v, constants = _weights(master, name, duals)
        priced: dict[tuple[Any, ...], Any] = {}
        added = 0
        for person in people:
            if person.too_late:
                continue
            if person.signature not in priced:
                priced[person.signature] = _best_column(person, u, v, scale)
            found = priced[person.signature]
            if found is None:
                continue
            cost, items, cents, hours = found
            if constants[person.id] + cost >= -_NOISE * max(1.0, abs(cost)):
                continue
            key = (person.id, items)
            if key in seen:
                continue
            seen.add(key)
            master.add(Column(person.id, items, cents, hours))
            added += 1
        if not added:
            return value
    return value


def _best_column(
    person: _Person, u: np.ndarray, v: float, scale: int
) -> tuple[float, tuple[tuple[str, int], ...], tuple[tuple[int, int], ...], int] | None:
    """The person's cheapest plan under the prices, as a column's data."""
    best_option: dict[str, _Option] = {}
    cost: dict[str, float] = {}
    for c in person.items:
        options = person.options[c.id]
        option = min(options, key=lambda o: (c.cents * u[o.klass], o.segment))
        best_option[c.id] = option
        # A hair of the real cost: among plans alike in price, the cheaper and shorter.
        cost[c.id] = c.cents * u[option.klass] + c.hours * scale * v
    found = price(person.items, person.rules, person.earned, person.passed, cost)
    if found is None:
        return None
    value, _, chosen = found
    items = tuple(sorted((c.id, best_option[c.id].segment) for c in chosen))
    cents: dict[int, int] = {}
    for c in chosen:
        k = best_option[c.id].klass
        cents[k] = cents.get(k, 0) + c.cents
    hours = sum(round(c.hours * scale) for c in chosen)
    return value, items, tuple(sorted(cents.items())), hours
