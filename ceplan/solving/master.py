"""The master problem of a team planned by columns (SPEC 8): rows fixed, columns added.

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
into HiGHS (``highspy``), not term by term; each stage (:data:`STAGE_NAMES`, then
:data:`MORE_MONEY`) is its objective over the same rows, and a stage settled is held by one
more row. How the columns are found is :mod:`ceplan.solving.columns`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceplan.candidates.items import Candidate
from ceplan.errors import PlanInputError
from ceplan.objective import TEAM
from ceplan.solving.backends import silence_highs_banner
from ceplan.solving.covers import Taking, _Pricer
from ceplan.solving.pricing import Timed

__all__ = ["MORE_MONEY", "STAGE_NAMES", "Column", "Master", "Member", "cost_in"]

STAGE_NAMES = tuple(stage.name for stage in TEAM[:3])
"""The stages of the team's order settled here: priority, out-of-pocket spend, hours."""

MORE_MONEY = "more_money"
"""The question asked of the master once the stages are settled: the least money added to
the budget periods that renews a person at risk, everyone renewing still renewing."""


@dataclass(frozen=True)
class Column:
    """One person's plan: items (catalogue id, segment), cents by payment class, hours."""

    person: str
    items: tuple[Taking, ...]
    cents: tuple[tuple[int, int], ...]
    """By payment class (position): the cents the plan's items cost in it."""
    hours: int
    """In whole steps of the team's hours scale."""

    @property
    def total_cents(self) -> int:
        """What the plan costs in all."""
        return sum(c for _, c in self.cents)


@dataclass(frozen=True)
class Member:
    """A person as the master sees them, with the pricer of everyone alike."""

    id: str
    priority: int
    too_late: bool
    pricer: _Pricer | Timed
    own: Mapping[str, Candidate]
    """The person's own items by id: a pricer shared with others holds another's, whose
    dates (the do-by date above all) may differ."""
    most: tuple[float, float] = (0.0, 0.0)
    """The most any plan of theirs costs and takes: every usable item's cents and hours."""


class Master:
    """The restricted master in HiGHS: rows fixed, columns added as pricing finds them."""

    def __init__(
        self,
        people: Sequence[Member],
        classes: Sequence[tuple[int | None, tuple[int, ...]]],
        budget_cents: Sequence[int],
        fund_cents: Sequence[int],
    ) -> None:
        import highspy

        silence_highs_banner(highspy)
        self.highspy = highspy
        self.h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
        self.h.setOptionValue("output_flag", False)
        self.people = list(people)
        self.classes = list(classes)
        self.fund_cents = [int(c) for c in fund_cents]
        inf = highspy.kHighsInf
        n_people, n_classes = len(self.people), len(self.classes)
        n_funds, n_periods = len(fund_cents), len(budget_cents)
        self.conv = 0
        self.klass = n_people
        self.fund = self.klass + n_classes
        self.period = self.fund + n_funds
        self.periods = n_periods
        self.upper = [1.0] * n_people + [0.0] * n_classes
        self.upper += [float(c) for c in fund_cents] + [float(c) for c in budget_cents]
        """Each row's upper bound (as the stages see them: no row but a person's
        ``conv_<i>``, when they are required to renew, has a lower bound)."""
        self.h.addRows(len(self.upper), [-inf] * len(self.upper), self.upper, 0, [], [], [])
        self.rows = len(self.upper)
        self.columns: list[Column] = []
        self.kind: list[str] = []  # "plan", "pay" or "extra"
        self.pays: list[tuple[int, int]] = []  # (fund, class) of each payment column
        # Each column's priority (of its person), cents and hours steps: a stage's costs.
        self._priority: list[float] = []
        self._cents: list[float] = []
        self._hours: list[float] = []
        for k, (period, funds) in enumerate(self.classes):
            for f in funds:
                index = [self.klass + k, self.fund + f]
                value = [1.0, 1.0]
                if period is not None:
                    index.append(self.period + period)
                    value.append(-1.0)
                self.h.addCol(0.0, 0.0, inf, len(index), index, value)
                self._record("pay", Column("", (), (), 0), 0.0)
                self.pays.append((f, k))
        self.holds: dict[str, int] = {}
        self.by_person = {p.id: n for n, p in enumerate(self.people)}
        self.extra: dict[int, int] = {}  # budget period -> its money-added column
        self.penalty = 0.0
        """What a cent of money added costs in the priority stage (while it is branched on)."""
        self.fixed: dict[str, bool] = {}
        """People made to renew (``True``) or not to (``False``): a branch's choices."""
        self.cuts: dict[int, frozenset[str]] = {}
        """Rows saying that not all of these people renew (by row): sets found not to fit."""
        self.priced: dict[Any, dict[int, Any]] = {}  # by prices and cutoffs, by pricer

    def _record(self, kind: str, column: Column, priority: float) -> None:
        self.kind.append(kind)
        self.columns.append(column)
        self._priority.append(priority)
        self._cents.append(float(column.total_cents))
        self._hours.append(float(column.hours))

    def add(self, columns: Sequence[Column]) -> None:
        """Add ``columns`` (people's plans) to the master, all in one call."""
        if not columns:
            return
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        for column in columns:
            i = self.by_person[column.person]
            starts.append(len(index))
            index.append(self.conv + i)
            value.append(1.0)
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
            for row, members in self.cuts.items():
                if column.person in members:
                    index.append(row)
                    value.append(1.0)
            priority = float(self.people[i].priority)
            self._record("plan", column, priority)
            for name, row in self.holds.items():
                coefficient = cost_in(name, priority, column)
                if coefficient:
                    index.append(row)
                    value.append(coefficient)
        n = len(columns)
        # No upper bound of their own: ``conv_<i>`` caps each at 1, and a column at a bound of
        # its own could keep a negative reduced cost at the optimum, hiding others that improve.
        self.h.addCols(
            n,
            np.zeros(n),
            np.zeros(n),
            np.full(n, self.highspy.kHighsInf),
            len(index),
            np.asarray(starts, dtype=np.int32),
            np.asarray(index, dtype=np.int32),
            np.asarray(value, dtype=np.float64),
        )

    def objective(self, name: str) -> np.ndarray:
        """Each column's cost in stage ``name`` (minimised).

        A plan's is :func:`cost_in`'s; a payment's is minus one a cent in the out-of-pocket
        stage (it saves that), else 0; a money-added column's is one a cent in
        :data:`MORE_MONEY`, :attr:`penalty` in the priority stage, else 0.
        """
        kind = np.asarray(self.kind)
        if name == "priority":
            return np.where(kind == "extra", self.penalty, -np.asarray(self._priority))
        if name == "out_of_pocket":
            return np.where(kind == "pay", -1.0, np.asarray(self._cents))
        if name == "hours":
            return np.asarray(self._hours)
        return np.where(kind == "extra", 1.0, 0.0)  # MORE_MONEY: the money added alone

    def hold(self, name: str, value: float, answer: np.ndarray) -> None:
        """Hold stage ``name`` at ``value`` (its whole value, minimised) from now on.

        At ``value`` exactly, or at what ``answer`` (the columns' values found) comes to if
        the solver's tolerances left that a hair above: every stage's value is a whole number,
        so a looser row (as ``value + 0.5`` was) cuts no integer answer but lets the
        relaxation of the later stages take part of a person (half of someone of priority 1
        kept the out-of-pocket bound half their plan's cost below the optimum).
        """
        inf = self.highspy.kHighsInf
        costs = self.objective(name)
        upper = max(float(value), float(costs[: len(answer)] @ answer))
        index = np.flatnonzero(costs)
        self.h.addRow(-inf, upper, len(index), index.astype(np.int32), costs[index])
        self.holds[name] = self.rows
        self.upper.append(upper)
        self.rows += 1

    def open_periods(self) -> None:
        """Drop the stages' holds and let money be added to each budget period.

        One column per period (cost 1 a cent in :data:`MORE_MONEY`) raises its ``period_<p>``
        row's amount: the least money that renews someone is then a stage like the others.
        """
        inf = self.highspy.kHighsInf
        for row in self.holds.values():
            self.h.changeRowBounds(row, -inf, inf)
            self.upper[row] = inf
        self.holds.clear()
        self.allow_money(True)

    def allow_money(self, allowed: bool) -> None:
        """Let money be added to each budget period (one column each), or none (bounds 0)."""
        inf = self.highspy.kHighsInf
        for p in range(0 if self.extra else self.periods):
            self.h.addCol(0.0, 0.0, inf, 1, [self.period + p], [-1.0])
            self.extra[p] = len(self.columns)
            self._record("extra", Column("", (), (), 0), 0.0)
        columns = np.asarray(sorted(self.extra.values()), dtype=np.int32)
        if len(columns):
            upper = np.full(len(columns), inf if allowed else 0.0)
            self.h.changeColsBounds(len(columns), columns, np.zeros(len(columns)), upper)

    def money_added(self, values: np.ndarray) -> float:
        """The money the columns' ``values`` add to the budget periods, in cents."""
        return float(sum(values[j] for j in self.extra.values() if j < len(values)))

    def cut(self, people: frozenset[str]) -> None:
        """Say that not all of ``people`` renew: a set found not to fit the money together."""
        inf = self.highspy.kHighsInf
        index = [
            j
            for j, (kind, column) in enumerate(zip(self.kind, self.columns, strict=True))
            if kind == "plan" and column.person in people
        ]
        upper = float(len(people) - 1)
        self.h.addRow(
            -inf, upper, len(index), np.asarray(index, dtype=np.int32), np.ones(len(index))
        )
        self.cuts[self.rows] = people
        self.upper.append(upper)
        self.rows += 1

    def drop_cuts(self) -> None:
        """Let the rows of :meth:`cut` hold nothing any more."""
        inf = self.highspy.kHighsInf
        for row in self.cuts:
            self.h.changeRowBounds(row, -inf, inf)
            self.upper[row] = inf
        self.cuts.clear()

    def fix(self, fixed: Mapping[str, bool]) -> None:
        """Make each person of ``fixed`` renew (``True``) or not (``False``); free the rest."""
        inf = self.highspy.kHighsInf
        for person in set(self.fixed) | set(fixed):
            row = self.conv + self.by_person[person]
            choice = fixed.get(person)
            lower = 1.0 if choice is True else -inf
            upper = 0.0 if choice is False else 1.0
            self.h.changeRowBounds(row, lower, upper)
        self.fixed = dict(fixed)

    def require(self, people: Sequence[str], renew: bool = True) -> None:
        """Make each of ``people`` renew (take a column), or no longer need to."""
        lower = 1.0 if renew else -self.highspy.kHighsInf
        for person in people:
            row = self.conv + self.by_person[person]
            self.h.changeRowBounds(row, lower, 1.0)

    def relaxed(self) -> np.ndarray:
        """The rows a Lagrangian bound prices, as a mask (see :mod:`ceplan.solving.bounds`).

        Every row but each person's ``conv_<i>``, the priority held and the cuts (those stay
        exact), and the rows that hold nothing any more.
        """
        mask: np.ndarray = np.isfinite(np.asarray(self.upper))  # rows that hold something
        mask[self.conv : self.klass] = False
        if "priority" in self.holds:
            mask[self.holds["priority"]] = False
        for row in self.cuts:
            mask[row] = False
        return mask

    def solve(
        self,
        name: str,
        integer: bool,
        seconds: float | None = None,
        start: np.ndarray | None = None,
        target: float | None = None,
    ) -> tuple[float, np.ndarray, np.ndarray, bool]:
        """Solve stage ``name``: its value, columns' values, rows' duals, and if it finished.

        An integer solve stopped by ``seconds`` keeps its best answer, or ``start`` (values of
        the columns so far that keep every row); one that finds an answer of value ``target``
        or less stops there (a bound already proves it the best), and has finished. In the
        stages (not :data:`MORE_MONEY`) it also stops less than one from its own bound: their
        values are whole numbers.
        """
        h = self.h
        n = len(self.columns)
        if n == 0:  # nobody has a plan and no fund can pay: nothing to choose
            return 0.0, np.zeros(0), np.zeros(self.rows), True
        costs = self.objective(name)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
        kind = self.highspy.HighsVarType
        types = [kind.kInteger if integer and k == "plan" else kind.kContinuous for k in self.kind]
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.asarray(types))
        inf = self.highspy.kHighsInf
        # A relaxation solved again after columns were added starts from an answer that keeps
        # every row: the primal simplex goes on from it (the dual one took 4 times as long at
        # 4,000 people).
        h.setOptionValue("simplex_strategy", _DUAL if integer else _PRIMAL)
        h.setOptionValue("time_limit", inf if seconds is None else seconds)
        h.setOptionValue("objective_target", -inf if target is None or not integer else target)
        h.setOptionValue("mip_abs_gap", _WHOLE_GAP if name in STAGE_NAMES else 1e-6)
        if integer and start is not None and len(start):
            known = np.arange(len(start), dtype=np.int32)
            h.setSolution(len(start), known, np.asarray(start, dtype=np.float64))
        h.run()
        status = h.getModelStatus()
        statuses = self.highspy.HighsModelStatus
        if status == statuses.kInfeasible:
            # Never so: nobody renewing, and every stage's answer so far, keep every row.
            # HiGHS 1.16's presolve has said so wrongly (as on the single model, see
            # ceplan.solving.loop): ask again without it.
            h.setOptionValue("presolve", "off")
            h.run()
            h.setOptionValue("presolve", "choose")
            status = h.getModelStatus()
        has_plan = h.getInfo().primal_solution_status == 2
        if status == statuses.kObjectiveTarget and has_plan:
            status = statuses.kOptimal  # as good as it gets: the bound says so
        if status != statuses.kOptimal:
            stopped = status in (statuses.kTimeLimit, statuses.kInterrupt)
            if stopped and integer and (has_plan or start is not None):
                if has_plan:
                    values = np.asarray(h.getSolution().col_value)
                else:
                    assert start is not None
                    values = np.concatenate([start, np.zeros(n - len(start))])
                return float(costs @ values), values, np.zeros(self.rows), False
            raise PlanInputError(f"the master problem could not be solved ({status})")
        solution = h.getSolution()
        values = np.asarray(solution.col_value)
        value = float(h.getInfo().objective_function_value)
        if (
            integer
            and start is not None
            and len(start)
            and abs(costs @ values - value) > 1e-6 * max(1.0, abs(value))
        ):
            # HiGHS 1.16, handed a start, has returned it as optimal with another objective
            # than its own (see ceplan.solving.loop): not trusted; solved again without it,
            # and if that finds nothing in time, the start (which keeps every row) is kept.
            h.clearSolver()
            try:
                return self.solve(name, integer, seconds, None, target)
            except PlanInputError:
                kept = np.concatenate([start, np.zeros(n - len(start))])
                return float(costs @ kept), kept, np.zeros(self.rows), False
        duals = np.asarray(solution.row_dual) if not integer else np.zeros(self.rows)
        return value, values, duals, True


_DUAL, _PRIMAL = 1, 4
"""HiGHS's ``simplex_strategy`` values: the dual simplex (its default), the primal."""

_WHOLE_GAP = 0.999
"""HiGHS's ``mip_abs_gap`` in the stages: an answer less than one from the integer
programme's bound is its best (every stage's value is a whole number)."""


def cost_in(name: str, priority: float, column: Column) -> float:
    """A plan's cost in stage ``name`` (minimised), its person's ``priority`` given."""
    if name == "priority":
        return -priority
    if name == "out_of_pocket":
        return float(column.total_cents)
    if name == "hours":
        return float(column.hours)
    return 0.0  # the money added (MORE_MONEY) is the extra columns' alone
