"""A team on a catalogue of schema 2 planned by columns (SPEC 8 and 9).

People are independent but for the shared budget periods and funds. A person's **block** is
their part of the single model (:mod:`ceplan.model.team_held`): their one-person model over
copies of their items (one per budget period and set of funds that may pay it), the fund
payments toward each copy and the fees due in each period, built for a team of one. For a
person with weekly hours the block holds every weekly hours row that may bind over their
copies' windows (:meth:`~ceplan.model.hours.WeeklyRows.every`), and dated sessions are items of
it: pricing them is their one-person model over time under the duals, exact, with no row to add
later (SPEC 8: "the timed model where weekly hours or dated sessions make it more"). A
**column** is one answer of that block: what it spends out of pocket in each budget period
(fees included), what it takes from each fund, its out-of-pocket spend and its hours.

The **master** picks at most one column per person (``conv``) within each period's amount
(``period``) and each fund's (``fund``). Its linear relaxation is solved; its duals price a
person's block: each cent spent in period ``n`` costs ``-y_n``, each cent taken from fund
``f`` ``-y_f``, and the stage's own cost (and those of the stages held) with the weight of
their rows. The person's best column is their block solved under those prices (an integer
programme, exact): one that improves the relaxation is added. People with the same inputs
share a block and are priced once.

Stages: priority renewed, out-of-pocket spend, hours (the first three of the team's order,
:data:`~ceplan.objective.TEAM`), each generated to its linear bound, then solved as an integer
programme over the columns found and held at that value while the next is solved. When the
columns found do not reach the bound whole, a dive (:meth:`_Columns.dive`) makes people renew
one at a time, generating columns again, and fits people into what the others leave
(:meth:`_Columns.repair`), keeping the best answer found. A stage is
**proved** when the settled plan is within less than one (a priority, a cent, a step of hours)
of its bound, each stage before it proved at the value held; otherwise it says its gap, and the
plan is ``feasible``. The master's relaxation may lie a whole step from any answer (half of
each of two people renewing, a fund's money split between people that no column splits), and
columns alone then cannot prove a stage. A team small enough for the single model
(:func:`~ceplan.planning.team.choose_method` would choose it) is then checked by the single
model's first three stages (:func:`_checked`): their proved values are the stages' bounds, so
a plan as good is ``optimal`` and one worse says its exact gap. A larger team keeps the bounds
the columns proved.

Each person renewing is then settled as the single model settles them
(:mod:`ceplan.planning.team_held`): their block with their column's money in each period (and
an even share of what the periods have left) and from each fund, and its out-of-pocket spend
and hours held, their own tie-break. A person's first column is their own plan so settled with
every period's whole amount, which no plan within less money betters: chosen, it is kept as it is.

The money that would renew someone at risk (the reasons) is one more stage of the same master:
the holds dropped, a column per budget period adding money to it (a cent costs 1), the people
renewing and the person made to take a column, generated to its bound as the stages are. Its
blocks are priced with no cap on any budget period: a plan spending more than a period holds
(of someone no plan of whose fits the budgets, or paid in the period the money is added to) may
be a column. The money it names renews them when the team is planned again with it, weekly
hours included (its answer is a plan of everyone renewing and theirs within it); it is the
least when everyone renewing was priced too and the integer answer reaches the stage's bound.
On a team small enough for the single model everyone renewing is priced, and a figure not so
proved is the single model's; on a larger one only the person asked about is priced, and the
person alone, everyone else's plan kept as it stands, is asked too: the lesser figure is said.
The money that renews several people together is said only when proved least.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ceplan.model.arrays import ArrayModel
from ceplan.model.claims import Expr
from ceplan.model.team_held import HeldMember, HeldTeam, build_held_team
from ceplan.objective import Objective
from ceplan.planning.reasons import Money, Shared
from ceplan.planning.team_held import (
    _TEAM,
    _Answer,
    _fits,
    _held_row,
    _one,
    _plan,
    _Read,
    _read,
    _status,
    _team_solution,
    _Verdict,
    _with_rows,
    own_tie_break,
)
from ceplan.planning.team_held import (
    _least_money as _single_least,
)
from ceplan.planning.teamparts import (
    fits_single_model,
    stage_bounds,
    why_reasons,
)
from ceplan.requests.team import TeamRequest
from ceplan.results.team import TeamPlan
from ceplan.roster.models import Person
from ceplan.solving.arrays import Highs, solve_once, walk_stages
from ceplan.solving.backends import Solver, silence_highs_banner
from ceplan.solving.columns import ColumnStage
from ceplan.solving.progress import Progress
from ceplan.solving.team import TeamSolution
from ceplan.solving.workers import side_by_side
from ceplan.status import Deadline, Status, Termination
from ceplan.units import hours_scale

__all__ = ["plan_held_by_columns"]

STAGES = ("priority", "out_of_pocket", "hours")
"""The stages settled by the master, in the team's order."""

_MONEY = "money"
"""The master's question for the reasons: the least money added that renews someone."""

_NOISE = 1e-6
"""A reduced cost above minus this (relative to the column's size) improves nothing."""

_MAX_ROUNDS = 200
"""Rounds of pricing per stage at most."""

_MAX_DIVE = 50
"""Steps of a dive at most."""

_WHOLE = 1e-6
"""A column's value within this of 0 or 1 is whole."""


@dataclass
class _Block:
    """A one-person model, priced for everyone with the same inputs."""

    team: HeldTeam
    member: HeldMember
    model: ArrayModel
    """:attr:`team`'s model with the person renewing."""
    scale: float
    """Team hours steps per step of the block's own."""
    engine: Any = None
    seed: np.ndarray | None = None
    """Their own plan, settled (``None``: they have no plan within the budgets)."""
    open_engine: Any = None
    """The block with no budget period's cap (the money stage adds money to the periods)."""

    def open_model(self) -> ArrayModel:
        """:attr:`model` with no cap on any budget period (the master's rows hold them)."""
        upper = self.model.row_upper.copy()
        for r, row in enumerate(self.model.row_names):
            if row.startswith("period_"):
                upper[r] = math.inf
        return dataclasses.replace(self.model, row_upper=upper)

    def figures(self, values: np.ndarray, periods: int, funds: int) -> _Figures:
        """What an answer of the block spends and takes, as the master reads it."""
        m = self.member
        return _Figures(
            spend=tuple(
                _value(m.spend[n], values) if n in m.spend else 0.0 for n in range(periods)
            ),
            funds=tuple(_value(m.funds[f], values) if f in m.funds else 0.0 for f in range(funds)),
            out_of_pocket=_value(m.out_of_pocket, values),
            hours=float(round(_value(m.hours, values) * self.scale)),
        )


@dataclass(frozen=True)
class _Figures:
    spend: tuple[float, ...]
    funds: tuple[float, ...]
    out_of_pocket: float
    hours: float
    """In the team's steps of hours."""


@dataclass(frozen=True)
class _Column:
    person: str
    values: np.ndarray = field(compare=False)
    figures: _Figures
    seed: bool = False


def _value(expression: Expr, values: np.ndarray) -> float:
    return ArrayModel.value_of(expression, values)


class _Master:
    """The restricted master in HiGHS: rows fixed, columns added as pricing finds them."""

    def __init__(
        self, people: Sequence[Person], budget: Sequence[int], funds: Sequence[int]
    ) -> None:
        import highspy

        silence_highs_banner(highspy)
        self.highspy = highspy
        self.inf = highspy.kHighsInf
        self.h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
        self.h.setOptionValue("output_flag", False)
        self.people = {p.id: n for n, p in enumerate(people)}
        self.priority = {p.id: float(p.priority) for p in people}
        self.periods, self.funds = len(budget), len(funds)
        self.period = len(people)
        self.fund = self.period + self.periods
        upper = [1.0] * len(people) + [float(c) for c in budget] + [float(c) for c in funds]
        self.h.addRows(len(upper), [-self.inf] * len(upper), upper, 0, [], [], [])
        self.upper = upper
        """The amounts of the rows made here (each person's, then periods', then funds')."""
        self.rows = len(upper)
        self.columns: list[_Column | None] = []  # None: a period's money-added column
        self.extra: dict[int, int] = {}
        self.holds: dict[str, int] = {}
        self.seen: set[tuple[str, bytes]] = set()

    def cost(self, name: str, column: _Column | None) -> float:
        """A column's cost in stage ``name`` (minimised)."""
        if column is None:
            return 1.0 if name == _MONEY else 0.0
        if name == "priority":
            return -self.priority[column.person]
        if name == "out_of_pocket":
            return column.figures.out_of_pocket
        if name == "hours":
            return column.figures.hours
        return 0.0

    def add(self, columns: Sequence[_Column]) -> int:
        """Add the columns not seen yet; how many were added."""
        added = 0
        for column in columns:
            key = (column.person, np.round(column.values, 6).tobytes())
            if key in self.seen:
                continue
            self.seen.add(key)
            index = [self.people[column.person]]
            value = [1.0]
            for n, cents in enumerate(column.figures.spend):
                if cents:
                    index.append(self.period + n)
                    value.append(cents)
            for f, cents in enumerate(column.figures.funds):
                if cents:
                    index.append(self.fund + f)
                    value.append(cents)
            for name, row in self.holds.items():
                coefficient = self.cost(name, column)
                if coefficient:
                    index.append(row)
                    value.append(coefficient)
            self.h.addCol(0.0, 0.0, self.inf, len(index), index, value)
            self.columns.append(column)
            added += 1
        return added

    def objective(self, name: str) -> np.ndarray:
        return np.asarray([self.cost(name, c) for c in self.columns], dtype=np.float64)

    def hold(self, name: str, value: float, values: np.ndarray) -> None:
        """Hold stage ``name`` at ``value`` (minimised) from now on."""
        costs = self.objective(name)
        upper = max(float(value), float(costs[: len(values)] @ values))
        index = np.flatnonzero(costs)
        self.h.addRow(-self.inf, upper, len(index), index.astype(np.int32), costs[index])
        self.holds[name] = self.rows
        self.rows += 1

    def open_periods(self) -> None:
        """Drop the holds and let money be added to each budget period (one column each)."""
        for row in self.holds.values():
            self.h.changeRowBounds(row, -self.inf, self.inf)
        self.holds.clear()
        for n in range(self.periods):
            if n not in self.extra:
                self.h.addCol(0.0, 0.0, self.inf, 1, [self.period + n], [-1.0])
                self.extra[n] = len(self.columns)
                self.columns.append(None)

    def set_renew(self, person: str, renew: bool | None, allowed: bool | None) -> None:
        """Make ``person`` renew (``renew``), or not (``allowed`` false), or free them."""
        lower = 1.0 if renew else -self.inf
        upper = 0.0 if allowed is False else 1.0
        self.h.changeRowBounds(self.people[person], lower, upper)

    def require(self, people: Sequence[str], renew: bool) -> None:
        lower = 1.0 if renew else -self.inf
        for person in people:
            self.h.changeRowBounds(self.people[person], lower, 1.0)

    def solve(
        self, name: str, integer: bool, seconds: float | None, start: np.ndarray | None = None
    ) -> tuple[str, float, np.ndarray, np.ndarray]:
        """Solve stage ``name``: how it ended, its value, the columns' values, the rows' duals.

        It ends ``optimal``, ``stopped`` (by ``seconds``: an integer solve keeps its best
        answer, or ``start``) or ``infeasible``; duals are those of a relaxation solved to the
        end (zeros otherwise).
        """
        h = self.h
        n = len(self.columns)
        if n == 0:
            return "optimal", 0.0, np.zeros(0), np.zeros(self.rows)
        costs = self.objective(name)
        every = np.arange(n, dtype=np.int32)
        h.changeColsCost(n, every, costs)
        kinds = self.highspy.HighsVarType
        whole = kinds.kInteger if integer else kinds.kContinuous
        h.changeColsIntegrality(n, every, np.asarray([whole] * n))
        h.setOptionValue("time_limit", self.inf if seconds is None else max(seconds, 0.0))
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 1e-6 if name == _MONEY else 0.999)
        if integer and start is not None and len(start):
            h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
        h.run()
        statuses = self.highspy.HighsModelStatus
        status = h.getModelStatus()
        if status == statuses.kInfeasible and not integer:
            return "infeasible", math.inf, np.zeros(n), np.zeros(self.rows)
        if status == statuses.kInfeasible:
            h.setOptionValue("presolve", "off")  # as the columns of schema 1 found it wise
            h.run()
            h.setOptionValue("presolve", "choose")
            status = h.getModelStatus()
            if status == statuses.kInfeasible:
                return "infeasible", math.inf, np.zeros(n), np.zeros(self.rows)
        has_plan = h.getInfo().primal_solution_status == 2
        if status != statuses.kOptimal:
            if integer and has_plan:
                values = np.asarray(h.getSolution().col_value)
                return "stopped", float(costs @ values), values, np.zeros(self.rows)
            if integer and start is not None:
                values = np.concatenate([start, np.zeros(n - len(start))])
                return "stopped", float(costs @ values), values, np.zeros(self.rows)
            return "stopped", math.nan, np.zeros(n), np.zeros(self.rows)
        solution = h.getSolution()
        values = np.asarray(solution.col_value)
        duals = np.zeros(self.rows) if integer else np.asarray(solution.row_dual)
        return "optimal", float(costs @ values), values, duals


@dataclass
class _Columns:
    """Everything the columns of a team need: its people, their blocks, the master."""

    request: TeamRequest
    solver: Solver
    master: _Master
    blocks: dict[Any, _Block]
    block_of: dict[str, Any]
    """By person: the key of their block (``None``: no plan of theirs fits the budgets)."""
    told: Progress
    stopped: bool = False
    """Whether pricing was stopped (by the deadline or the rounds) before it was done."""
    chosen: Mapping[str, _Column] = field(default_factory=dict)
    """The column each person renewing takes in the plan (once the stages are done)."""

    def price(
        self,
        name: str,
        duals: np.ndarray,
        deadline: Deadline,
        only: frozenset[str] | None = None,
    ) -> tuple[list[_Column], bool]:
        """Each person's best column under ``duals`` that improves the relaxation.

        And whether every pricing problem was solved to the end. ``only``: these people's
        alone. Every price is at least 0 (a cent spent, taken from a fund, or an hour never
        helps: a hair below 0 is the solver's noise), so a person whose own terms (their
        priority, their ``conv`` row) already give a reduced cost of at least 0 is not priced.
        """
        m = self.master
        period = np.maximum(0.0, -duals[m.period : m.period + m.periods])
        fund = np.maximum(0.0, -duals[m.fund : m.fund + m.funds])
        weights = {name: 1.0} if name in STAGES else {}
        for held, row in m.holds.items():
            weights[held] = max(0.0, weights.get(held, 0.0) - float(duals[row]))
        found: list[_Column] = []
        exact = True
        by_block: dict[Any, list[str]] = {}
        for person, key in self.block_of.items():
            if name == _MONEY and key is None:
                key = self.possible(person)  # money added may let them renew
            if key is None or (only is not None and person not in only):
                continue
            least = -m.priority[person] * weights.get("priority", 0.0) - float(
                duals[m.people[person]]
            )
            if least < -_NOISE:
                by_block.setdefault(key, []).append(person)
        for key, people in by_block.items():
            block = self.blocks[key]
            answer = _price(block, period, fund, weights, deadline, name == _MONEY)
            if answer is None:
                exact = False
                continue
            figures = block.figures(answer, m.periods, m.funds)
            base = (
                float(period @ np.asarray(figures.spend))
                + float(fund @ np.asarray(figures.funds))
                + weights.get("out_of_pocket", 0.0) * figures.out_of_pocket
                + weights.get("hours", 0.0) * figures.hours
            )
            size = 1.0 + abs(base)
            for person in people:
                priority = -m.priority[person] * weights.get("priority", 0.0)
                reduced = base + priority - float(duals[m.people[person]])
                if reduced < -_NOISE * size:
                    found.append(_Column(person, answer, figures))
        return found, exact

    def possible(self, person: str) -> Any:
        """The key of ``person``'s block if they may renew, were money no object (or ``None``)."""
        key = self.request.held[person]
        return key if _possible(self.blocks[key]) else None

    def generate(
        self,
        name: str,
        deadline: Deadline,
        only: frozenset[str] | None = None,
        exact_only: bool = False,
    ) -> tuple[float | None, str, np.ndarray]:
        """Columns for stage ``name`` until none improves the relaxation.

        Its bound (``None`` when pricing did not finish, or only the people of ``only`` were
        priced and ``exact_only`` does not say that no one else's column can improve it), how
        the relaxation ended, and its columns' values.
        """
        for number in range(_MAX_ROUNDS):
            status, value, values, duals = self.master.solve(name, False, deadline.remaining())
            if status != "optimal":
                return None, status, values
            found, exact = self.price(name, duals, deadline, only)
            exact = exact and (only is None or exact_only)
            added = self.master.add(found)
            self.told.tick(f"round {number + 1}: {added:,} plans added")
            if not added:
                return (value if exact else None), status, values
            if deadline.expired:
                break
        self.stopped = True
        return None, "stopped", np.zeros(0)

    def dive(self, name: str, target: float, deadline: Deadline) -> tuple[float, np.ndarray] | None:
        """An integer answer of stage ``name`` reaching ``target`` if it can, by diving.

        Each step: columns generated for the relaxation; each person it takes whole but split
        between columns is given a column of their own within what the split spends in each
        period and takes from each fund (:meth:`repair`); the integer programme over the
        columns solved. Until its value is within less than one of ``target``, the person the
        relaxation takes most of without taking them whole is made to renew (or, when that
        leaves no answer, not to), and again. The best answer found and its value (``None``:
        none); the people made to renew or not are free again afterwards.
        """
        master = self.master
        changed: list[str] = []
        best: tuple[float, np.ndarray] | None = None
        try:
            for _ in range(_MAX_DIVE):
                _, status, values = self.generate(name, deadline)
                if status == "infeasible" and changed:
                    master.set_renew(changed[-1], None, False)
                    continue
                if status != "optimal" or deadline.expired:
                    return best
                self.repair(name, values, deadline)
                solved, value, found, _ = master.solve(name, True, deadline.remaining())
                if solved != "infeasible" and (best is None or value < best[0] - 1e-6):
                    best = value, found
                if best is not None and best[0] - target < 1 - 1e-6:
                    return best
                taken: dict[str, float] = {}
                for j, v in enumerate(values):
                    column = master.columns[j]
                    if column is not None and v > _WHOLE:
                        taken[column.person] = taken.get(column.person, 0.0) + float(v)
                part = [(v, p) for p, v in taken.items() if v < 1 - _WHOLE]
                if not part:
                    return best
                _, person = max(part, key=lambda t: (t[0], t[1]))
                master.set_renew(person, True, None)
                changed.append(person)
            return best
        finally:
            for person in changed:
                master.set_renew(person, None, None)

    def repair(self, name: str, values: np.ndarray, deadline: Deadline) -> int:
        """Columns that fit together, from the relaxation ``values``; how many were added.

        Two greedy passes over the people it takes any of, each spending what the periods
        and funds have left: first those it takes whole in one column keep it, then each of the
        others (taken whole but split between columns first, then the highest priority, the
        most taken) is given their best plan within what is left; then the others first, and
        those taken whole keep their column where it still fits, else get their best plan
        within what is left.
        """
        master = self.master
        taken: dict[str, list[tuple[float, _Column]]] = {}
        for j, v in enumerate(values):
            column = master.columns[j]
            if column is not None and v > _WHOLE:
                taken.setdefault(column.person, []).append((float(v), column))
        whole, others = [], []
        for person, parts in sorted(taken.items()):
            share = sum(v for v, _ in parts)
            if len(parts) == 1 and share > 1 - _WHOLE:
                whole.append((person, parts[0][1]))
            else:
                key = (share < 1 - _WHOLE, -master.priority[person], -share, person)
                others.append((key, person))
        rest: list[tuple[str, _Column | None]] = [(p, None) for _, p in sorted(others)]
        found = self._greedy(name, [*whole, *rest], deadline)
        found += self._greedy(name, [*rest, *whole], deadline)
        return master.add(found)

    def _greedy(
        self, name: str, order: Sequence[tuple[str, _Column | None]], deadline: Deadline
    ) -> list[_Column]:
        """The plans made as each person in ``order`` fits what the others leave.

        A person keeps their column where it fits what is left, else gets their best plan
        within it.
        """
        master = self.master
        left = [float(c) for c in master.upper[master.period : master.period + master.periods]]
        funds = [float(c) for c in master.upper[master.fund : master.fund + master.funds]]
        found = []
        for person, column in order:
            if column is None or not (
                all(s <= c + 1e-6 for s, c in zip(column.figures.spend, left, strict=True))
                and all(s <= c + 1e-6 for s, c in zip(column.figures.funds, funds, strict=True))
            ):
                block = self.blocks[self.block_of[person]]
                caps = [math.floor(c + 1e-6) for c in left]
                fund_caps = [math.floor(c + 1e-6) for c in funds]
                answer = _within(block, caps, fund_caps, name, deadline)
                if answer is None:
                    continue
                figures = block.figures(answer, master.periods, master.funds)
                column = _Column(person, answer, figures)
                found.append(column)
            left = [a - b for a, b in zip(left, column.figures.spend, strict=True)]
            funds = [a - b for a, b in zip(funds, column.figures.funds, strict=True)]
        return found


def _within(
    block: _Block, spend: Sequence[float], funds: Sequence[float], name: str, deadline: Deadline
) -> np.ndarray | None:
    """The block's best answer within ``spend`` (each period) and ``funds`` (each fund).

    Best in stage ``name``: the least hours, else the least out of pocket.
    """
    mine = block.member
    upper = block.model.row_upper.copy()
    for r, row in enumerate(block.model.row_names):
        if row.startswith("period_"):
            upper[r] = min(upper[r], spend[int(row.removeprefix("period_"))])
        elif row.startswith("fund_"):
            upper[r] = min(upper[r], funds[int(row.removeprefix("fund_"))])
    model = dataclasses.replace(block.model, row_upper=upper)
    expression = mine.hours if name == "hours" else mine.out_of_pocket
    run, values = Highs(model).solve(dict(expression[0]), deadline.remaining(), 0.5, True)
    if run.status not in ("optimal", "feasible") or values is None:
        return None
    return model.read(values[: model.columns])


def _price(
    block: _Block,
    period: np.ndarray,
    fund: np.ndarray,
    weights: Mapping[str, float],
    deadline: Deadline,
    open_periods: bool = False,
) -> np.ndarray | None:
    """The block's best answer under the prices (``None``: not found in time).

    ``open_periods``: with no cap on any budget period (money may be added to them).
    """
    m = block.member
    costs: dict[int, float] = {}

    def plus(expression: Expr, weight: float) -> None:
        if weight:
            for column, coefficient in expression[0].items():
                costs[column] = costs.get(column, 0.0) + weight * coefficient

    for n, price in enumerate(period):
        if n in m.spend:
            plus(m.spend[n], float(price))
    for f, price in enumerate(fund):
        if f in m.funds:
            plus(m.funds[f], float(price))
    plus(m.out_of_pocket, weights.get("out_of_pocket", 0.0))
    plus(m.hours, weights.get("hours", 0.0) * block.scale)
    if open_periods:
        if block.open_engine is None:
            block.open_engine = Highs(block.open_model())
        engine = block.open_engine
    else:
        if block.engine is None:
            block.engine = Highs(block.model)
        engine = block.engine
    run, values = engine.solve(costs, deadline.remaining(), 1e-9, True)
    if run.status != "optimal" or values is None:
        return None
    return block.model.read(values[: block.model.columns])


def _settle(
    request: TeamRequest,
    block: _Block,
    values: np.ndarray,
    budget: Sequence[float],
    funds: Sequence[float],
    solver: Solver,
    deadline: Deadline,
) -> np.ndarray | None:
    """The person's tie-break within ``budget`` and ``funds`` (cents of each period, fund).

    Their out-of-pocket spend and hours in ``values`` held, as the single model settles them.
    """
    mine = block.member
    upper = block.model.row_upper.copy()
    for r, row in enumerate(block.model.row_names):
        if row.startswith("period_"):
            upper[r] = budget[int(row.removeprefix("period_"))]
        elif row.startswith("fund_"):
            upper[r] = funds[int(row.removeprefix("fund_"))]
    # The block's model: funds pay whole cents, so what each person takes adds up.
    model = dataclasses.replace(block.model, row_upper=upper)
    spent = (_value(mine.out_of_pocket, values), _value(mine.hours, values))
    return own_tie_break(model, mine, spent, solver, deadline)


@dataclass(frozen=True)
class _Task:
    """A person to settle: their column's values, money in each period and from each fund."""

    person: str
    values: np.ndarray
    spend: tuple[int, ...]
    paid: tuple[int, ...]


def _settle_task(
    request: TeamRequest, block: _Block, task: _Task, solver: Solver, deadline: Deadline
) -> np.ndarray | None:
    return _settle(request, block, task.values, task.spend, task.paid, solver, deadline)


def _settle_in_worker(
    data: tuple[TeamRequest, Solver], deadline: Deadline, task: _Task
) -> np.ndarray | None:
    """:func:`_settle` as a worker runs it (the block made again there)."""
    request, solver = data
    return _settle_task(request, _block(request, task.person), task, solver, deadline)


def _own(
    request: TeamRequest, block: _Block, solver: Solver, deadline: Deadline
) -> np.ndarray | None:
    """The person's own plan in their block: least out of pocket, hours, paid early, settled."""
    mine = block.member
    _, second, third, fourth = _TEAM.stages
    early = ({c: float(mine.origin[i][1]) for i, c in mine.take.items()}, 0.0)
    sums = {second: mine.out_of_pocket, third: mine.hours, fourth: early}
    objective = Objective((second, third, fourth))
    walked = walk_stages(block.model, objective, sums, mine.take, solver, deadline)
    if walked.values is None:
        return None
    team = block.team
    funds = [
        max(0, round(_value(mine.funds[f], walked.values))) if f in mine.funds else 0
        for f in range(len(team.fund_cents))
    ]
    settled = _settle(request, block, walked.values, team.budget_cents, funds, solver, deadline)
    return walked.values if settled is None else settled


def _block(request: TeamRequest, person: str) -> _Block:
    """``person``'s block (their own plan not made yet)."""
    team = _one(request, person, None)
    member = team.members[person]
    model = team.model.fixed({member.renew: 1.0})
    # What a fund pays toward an item, in whole cents: the columns' money adds up.
    whole = model.integer.copy()
    whole[list(member.fund_pay.values())] = True
    return _Block(team, member, dataclasses.replace(model, integer=whole), 1.0)


def _possible(block: _Block) -> bool:
    """Whether the person may renew at all (not too late, and some answer keeps their rows)."""
    return not block.team.model.impossible and block.team.model.upper[block.member.renew] > 0.5


def _seed_in_worker(
    data: tuple[TeamRequest, Solver], deadline: Deadline, person: str
) -> np.ndarray | None:
    """``person``'s own plan in their block (:func:`_own`), as a worker makes it."""
    request, solver = data
    block = _block(request, person)
    return _own(request, block, solver, deadline) if _possible(block) else None


def _blocks(
    request: TeamRequest,
    solver: Solver,
    deadline: Deadline,
    told: Progress,
    workers: int = 1,
    scheduler: Any = None,
) -> tuple[dict[Any, _Block], dict[str, Any]]:
    """Each person's block (people with the same inputs share one), their own plan settled.

    ``workers`` processes (or the workers of the Dask cluster ``scheduler``) make the own
    plans side by side: the same plans whatever makes them.
    """
    blocks: dict[Any, _Block] = {}
    first: dict[Any, str] = {}
    people = sorted(request.roster.people, key=lambda p: p.id)
    for who in people:
        first.setdefault(request.held[who.id], who.id)
    side = workers > 1 or scheduler is not None
    seeds: dict[Any, np.ndarray | None] = {}
    if side and len(first) > 1:
        made = side_by_side(
            _seed_in_worker, (request, solver), list(first.values()), deadline, workers, scheduler
        )
        seeds = dict(zip(first, made, strict=True))
    for number, (key, person) in enumerate(first.items()):
        told.tick(f"{number:,} of {len(first):,} kinds of plan")
        block = _block(request, person)
        if key in seeds:
            block.seed = seeds[key]
        elif _possible(block):
            block.seed = _own(request, block, solver, deadline)
        blocks[key] = block
    block_of = {
        p.id: key if blocks[key].seed is not None else None
        for p in people
        for key in (request.held[p.id],)
    }
    scale = hours_scale(i.hours for b in blocks.values() for i in b.member.world.items.values())
    for block in blocks.values():
        block.scale = scale / block.team.hours_scale
    return blocks, block_of


@dataclass(frozen=True)
class _Found:
    """What the stages found: each stage, each person's column chosen, the steps of hours."""

    stages: tuple[ColumnStage, ...]
    hours_scale: int
    chosen: Mapping[str, _Column]
    termination: Termination
    known: tuple[bool, ...]
    """Whether each stage's bound is one (pricing finished)."""


def _stages(columns: _Columns, deadline: Deadline) -> _Found:
    """The three stages (see the module)."""
    master = columns.master
    master.add(
        [
            _Column(
                person,
                columns.blocks[key].seed,  # type: ignore[arg-type]
                columns.blocks[key].figures(
                    columns.blocks[key].seed,  # type: ignore[arg-type]
                    master.periods,
                    master.funds,
                ),
                seed=True,
            )
            for person, key in sorted(columns.block_of.items())
            if key is not None
        ]
    )
    values = np.zeros(len(master.columns))  # nobody renews: keeps every row
    stages: list[ColumnStage] = []
    known: list[bool] = []
    termination: Termination = "solved"
    for name in STAGES:
        said = columns.told.part(f"stage {name.replace('_', '-')}")
        said("column generation")
        bound, _, _ = columns.generate(name, deadline)
        start = np.concatenate([values, np.zeros(len(master.columns) - len(values))])
        status, value, found, _ = master.solve(name, True, deadline.remaining(), start)
        if status == "infeasible":  # never so: the last answer keeps every row
            status, value, found = "stopped", float(master.objective(name) @ start), start
        if status == "optimal" and bound is not None and value - bound >= 1 - 1e-6:
            # The columns found for the relaxation do not reach its bound whole: a dive
            # looks for the columns that do (an answer no worse is kept).
            said("diving")
            dived = columns.dive(name, bound, deadline)
            if dived is not None and dived[0] < value - 1e-6:
                value = dived[0]
                found = np.concatenate([dived[1], np.zeros(len(master.columns) - len(dived[1]))])
        if status != "optimal" or (bound is None and deadline.expired):
            termination = "time_limit"  # the integer solve, or pricing, stopped by the time
        values = found
        whole = value if name != "priority" else -value
        limit = None if bound is None else (bound if name != "priority" else -bound)
        # Every stage's value is a whole number: within less than one of its bound is proved.
        proved = status == "optimal" and bound is not None and value - bound < 1 - 1e-6
        stages.append(ColumnStage(name, whole, whole if limit is None else limit, proved))
        known.append(bound is not None)
        said(f"{_plans(master):,} plans, value {whole:,.2f}, bound {limit}")
        master.hold(name, value, values)
    chosen: dict[str, _Column] = {}
    for j, column in enumerate(master.columns):
        if column is not None and j < len(values) and values[j] > 0.5:
            chosen[column.person] = column
    scale = 1
    for block in columns.blocks.values():
        scale = round(block.scale * block.team.hours_scale)
    return _Found(tuple(stages), scale, chosen, termination, tuple(known))


def _final(
    found: _Found,
    answers: Mapping[str, _Answer],
    blocks: Mapping[Any, _Block],
    block_of: Mapping[str, Any],
    master: _Master,
) -> _Found:
    """The stages as the settled plan reaches them.

    Settling a person never makes a stage worse and may make it better: a stage is proved
    when the plan is within less than one of its bound, each stage before it proved and at
    the value the master held it at (the later bounds hold for that value).
    """
    figures = {
        p: blocks[block_of[p]].figures(a.values, master.periods, master.funds)
        for p, a in answers.items()
    }
    reached = {
        "priority": float(sum(master.priority[p] for p in answers)),
        "out_of_pocket": float(sum(f.out_of_pocket for f in figures.values())),
        "hours": float(sum(f.hours for f in figures.values())),
    }
    stages = []
    held = True
    for stage, known in zip(found.stages, found.known, strict=True):
        value = round(reached[stage.name], 6)
        gap = stage.bound - value if stage.name == "priority" else value - stage.bound
        proved = held and known and gap < 1 - 1e-6
        stages.append(ColumnStage(stage.name, value, stage.bound, proved))
        held = proved and abs(value - stage.value) < 1e-6
    return dataclasses.replace(found, stages=tuple(stages))


def _small(request: TeamRequest) -> bool:
    """Whether the team is one the single model plans when the method is ``auto``."""
    return fits_single_model(request)


def _exact(
    request: TeamRequest, solver: Solver, deadline: Deadline
) -> tuple[float | None, float | None, float | None]:
    """Each stage's best value, as the single model of the team proves it (``None``: not).

    Priority renewed, out-of-pocket cents and hours, each the least of the single model with
    those before it held at theirs (half a step above, as whole numbers): asked of a small
    team only. Each stage is solved in full, the fund payments included (an answer whose items
    are the only ones left may still pay them in other ways).
    """
    team = build_held_team(request.catalog, request.roster, request.held, request.today)
    model = team.model
    found: list[float | None] = []
    for name, expression in (
        ("priority", team.priority),
        ("out_of_pocket", team.out_of_pocket),
        ("hours", team.hours),
    ):
        run, values = solve_once(model, expression, solver, deadline)
        if run.status != "optimal" or values is None:
            break
        best = round(_value(expression, values))
        model = _with_rows(model, [_held_row(expression, best + 0.5, f"held_{name}")])
        found.append(
            float(-best)
            if name == "priority"
            else best / team.hours_scale
            if name == "hours"
            else float(best)
        )
    found += [None] * (3 - len(found))
    return found[0], found[1], found[2]


def _checked(found: _Found, exact: tuple[float | None, float | None, float | None]) -> _Found:
    """The stages with the single model's proved values as their bounds (see :func:`_exact`).

    A stage within less than one of its proved best is proved, each before it proved and at
    that best (a later best holds for the earlier values it was found at).
    """
    stages = []
    held = True
    for stage, best in zip(found.stages, exact, strict=True):
        if not held or best is None:
            stages.append(dataclasses.replace(stage, proved=False))
            held = False
            continue
        if stage.name == "hours":
            best = round(best * found.hours_scale, 6)
        gap = best - stage.value if stage.name == "priority" else stage.value - best
        proved = gap < 1 - 1e-6
        stages.append(ColumnStage(stage.name, stage.value, best, proved))
        held = proved and gap == 0
    known = tuple(k or best is not None for k, best in zip(found.known, exact, strict=True))
    return dataclasses.replace(found, stages=tuple(stages), known=known)


def _plans(master: _Master) -> int:
    return sum(1 for c in master.columns if c is not None)


def plan_held_by_columns(
    request: TeamRequest,
    solver: Solver,
    deadline: Deadline,
    finish: Deadline,
    alone: Callable[[Person], Any],
    told: Progress,
    workers: int = 1,
    scheduler: Any = None,
) -> TeamPlan:
    """The team's plan by columns (see the module); ``finish`` bounds the reasons' work.

    ``workers`` processes, or the workers of the Dask cluster ``scheduler``, make each kind of
    person's own plan and settle the people renewing side by side
    (:func:`ceplan.solving.workers.side_by_side`): the plan is the same whatever makes it.
    """
    roster = request.roster
    building = told.part("each person's model (schema 2)")
    began = time.perf_counter()
    blocks, block_of = _blocks(request, solver, deadline, building, workers, scheduler)
    building(
        f"{len(blocks):,} kinds of plan for {len(block_of):,} people in "
        f"{time.perf_counter() - began:.1f} s"
    )
    any_team = (
        next(iter(blocks.values())).team if blocks else _one(request, roster.people[0].id, None)
    )
    if deadline.expired and any(b.seed is None and _possible(b) for b in blocks.values()):
        # Someone's own plan was not made in time: nobody's plan is claimed.
        building("the time limit ran out before everyone's own plan was made")
        verdict = _status("unknown", "time_limit", None, STAGES[0])
        return _plan(request, any_team, {}, verdict, solver, None)
    budget, funds = any_team.budget_cents, any_team.fund_cents
    people = sorted(roster.people, key=lambda p: p.id)
    master = _Master(people, budget, funds)
    columns = _Columns(request, solver, master, blocks, block_of, told.part("columns"))
    found = _stages(columns, deadline)
    columns.chosen = found.chosen
    settling = told.part("each person alone")
    renewing = len(found.chosen) or 1
    shares = []
    for n, amount in enumerate(budget):
        spent = sum(c.figures.spend[n] for c in found.chosen.values())
        shares.append(max(0, math.floor(amount - spent + 1e-6)) // renewing)
    answers: dict[str, _Answer] = {}
    unsettled = False
    tasks: list[_Task] = []
    for person, column in sorted(found.chosen.items()):
        if column.seed:  # their own plan, settled already (see the module)
            answers[person] = _Answer(blocks[block_of[person]].member, column.values)
            continue
        spend = tuple(round(c) + shares[n] for n, c in enumerate(column.figures.spend))
        paid = tuple(max(0, round(c)) for c in column.figures.funds)
        tasks.append(_Task(person, column.values, spend, paid))
    settling(f"{len(found.chosen):,} renewing, {len(tasks):,} to settle")
    if (workers > 1 or scheduler is not None) and len(tasks) > 1:
        made = side_by_side(
            _settle_in_worker, (request, solver), tasks, deadline, workers, scheduler
        )
    else:
        made = []
        for number, task in enumerate(tasks):
            settling.tick(f"{number:,} of {len(tasks):,} settled")
            made.append(
                _settle_task(request, blocks[block_of[task.person]], task, solver, deadline)
            )
    for task, settled in zip(tasks, made, strict=True):
        if settled is None:
            unsettled = True
            settled = task.values
        answers[task.person] = _Answer(blocks[block_of[task.person]].member, settled)
    settling("done")
    found = _final(found, answers, blocks, block_of, master)
    if (
        any(not s.proved for s in found.stages)
        and found.termination == "solved"
        and not unsettled
        and _small(request)
    ):
        told.part("the single model's stages")("checking the stages the columns did not prove")
        found = _checked(found, _exact(request, solver, deadline))
    unproved = next((s for s in found.stages if not s.proved), None)
    status: Status = "optimal" if unproved is None and not unsettled else "feasible"
    stopped = unproved.name if unproved is not None else ("ids" if unsettled else None)
    # A stage whose bound is not known (pricing stopped) has no gap to say.
    known = dict(zip(STAGES, found.known, strict=True))
    gap = (
        (unproved.gap if known[unproved.name] else None)
        if unproved is not None
        else (0.0 if unsettled else None)
    )
    verdict = _status(status, found.termination, gap, stopped)
    if status != "optimal" and found.termination == "solved":
        verdict = _Verdict(status, "solved", gap, stopped)
    reads, solution = _solution(request, blocks, block_of, answers, verdict, solver, deadline)

    small = _small(request)
    asked = (request, solution)
    left = _left(budget, funds, solution)
    alike: dict[Any, Money | None] = {}

    def needed(person: Person) -> Money | None:
        # Pricing everyone renewing for each person at risk is for a small team (for a large
        # one, each question would price every kind of person): a large one prices the person.
        found = _least_money(columns, solution, [person.id], person.id, finish, small)
        if found is not None and found[1]:
            return found[0]
        if small and (exact := _single_least(*asked, [person.id], solver, finish, person.id)):
            return exact  # the single model's least, for a small team
        # The columns found may not hold the plans that need the least: the person alone,
        # everyone else's plan kept as it stands, may need less.
        kind = request.held[person.id]  # people alike need the same, alone
        if kind not in alike:
            alike[kind] = _least_alone(request, left, person.id, solver, finish)
        alone = alike[kind]
        if alone is None or (found is not None and _total(found[0]) <= _total(alone)):
            return None if found is None else found[0]
        return alone

    def together(people: Sequence[str]) -> int | None:
        found = _least_money(columns, solution, people, None, finish)
        if found is not None and found[1]:
            return _total(found[0])
        exact = _single_least(*asked, people, solver, finish, None) if small else None
        return None if exact is None else _total(exact)

    def fits(person: Person, budget: list[int], funds: list[int]) -> bool:
        return _fits(request, person, (budget, funds), solver, finish)

    from ceplan.objective import PRIORITY

    shared = Shared(
        request.catalog,
        roster,
        solution,
        budget,
        funds,
        request.held,
        alone,
        found.stages[0].proved and PRIORITY.name == found.stages[0].name,
        finish,
        solver,
        fits=fits,
    )
    why = why_reasons(shared, needed, together, told)
    plan = _plan(request, any_team, reads, verdict, solver, why)
    bounds = tuple(
        bound if known[bound.name] else dataclasses.replace(bound, bound=None, proved=False)
        for bound in stage_bounds(found, plan)
    )
    return dataclasses.replace(plan, bounds=bounds, method="columns")


def _solution(
    request: TeamRequest,
    blocks: Mapping[Any, _Block],
    block_of: Mapping[str, Any],
    answers: Mapping[str, _Answer],
    verdict: _Verdict,
    solver: Solver,
    deadline: Deadline,
) -> tuple[dict[str, _Read], TeamSolution]:
    """The answers read (each in their own block), and as a team's solution."""
    reads = {
        person.id: _read(
            request, answer, blocks[block_of[person.id]].team.segments, solver, deadline
        )
        for person in request.roster.people
        if (answer := answers.get(person.id)) is not None
    }
    return reads, _team_solution(request, reads, verdict)


def _least_money(
    columns: _Columns,
    solution: TeamSolution,
    people: Sequence[str],
    person: str | None,
    finish: Deadline,
    everyone: bool = True,
) -> tuple[Money, bool] | None:
    """Whole cents added to the budget periods that renew ``people``, everyone renewing too.

    Asked of the master as one more stage (the module's last paragraph). Each of ``people``
    first gets a column of theirs that fits once money is added: their plan spending least
    out of pocket within what the funds have left after the columns of the plan. Then
    ``people`` (and, with ``everyone``, the people renewing) are priced with no cap on any
    budget period (their columns may spend more than a period holds, money being added), and
    the integer master over the columns found is solved. Its answer is a plan of each of them
    within the money named: the team planned again with it can renew them all (the claim a
    reason makes). It is the least when everyone was priced and it reaches the relaxation's
    bound (nobody else's column can lower it: no one else is made to renew): the money, and
    whether it is proved least.
    With ``person``, what their plan then spends in each period is said too. ``None``: no
    budget periods, no plan of theirs at all, or no answer in time.
    """
    master = columns.master
    if not master.periods:
        return None
    keys = {p: columns.possible(p) for p in people}
    if any(key is None for key in keys.values()):
        return None
    master.open_periods()
    left = np.asarray(master.upper[master.fund : master.fund + master.funds], dtype=np.float64)
    for chosen in columns.chosen.values():
        left = left - np.asarray(chosen.figures.funds)
    starts = []
    for p in people:
        block = columns.blocks[keys[p]]
        answer = _cheapest(block, [math.floor(c + 1e-6) for c in left], finish)
        if answer is None:
            return None
        figures = block.figures(answer, master.periods, master.funds)
        starts.append(_Column(p, answer, figures))
        left = left - np.asarray(figures.funds)
    master.add(starts)
    keep = sorted({p for p, renews in solution.renews.items() if renews} | set(people))
    master.require(keep, True)
    try:
        priced = frozenset(keep if everyone else people)
        bound, status, _ = columns.generate(_MONEY, finish, priced, exact_only=everyone)
        if status == "infeasible":
            return None
        status, value, values, _ = master.solve(_MONEY, True, finish.remaining())
        if status == "infeasible" or not len(values) or not np.isfinite(values).all():
            return None
        proved = status == "optimal" and bound is not None and value - bound < 1 - 1e-6
        added = {n: round(values[j]) for n, j in master.extra.items() if round(values[j]) > 0}
        spends: dict[int, float] = {}
        if person is not None:
            member = columns.blocks[keys[person]].member
            for j, column in enumerate(master.columns):
                if column is not None and column.person == person and values[j] > 0.5:
                    spends = {n: column.figures.spend[n] for n in member.spend}
        return Money(added, spends), proved
    finally:
        master.require(keep, False)


def _total(money: Money) -> int:
    return sum(money.added.values())


def _least_alone(
    request: TeamRequest,
    left: tuple[Sequence[int], Sequence[int]],
    person: str,
    solver: Solver,
    finish: Deadline,
) -> Money | None:
    """The least whole cents added to the periods that renew ``person``, others kept as planned.

    ``left`` is what the plan leaves in each period and fund (cents). Planned again with that
    money, the plan as it stands and a plan of theirs fit: it renews them (and everyone).
    ``None``: no plan of theirs, or none in time.
    """
    one = _one(request, person, left, extra=True)
    member = one.members[person]
    model = one.model.fixed({member.renew: 1.0})
    least = ({column: 1.0 for column in one.extra.values()}, 0.0)
    run, values = solve_once(model, least, solver, finish)
    if run.status not in ("optimal", "feasible") or values is None:
        return None
    added = {n: round(values[c]) for n, c in one.extra.items() if round(values[c]) > 0}
    return Money(added, {n: _value(e, values) for n, e in member.spend.items()})


def _left(
    budget_cents: Sequence[int], fund_cents: Sequence[int], solution: TeamSolution
) -> tuple[list[int], list[int]]:
    """Whole cents each budget period and fund has left once the plan ``solution`` is paid."""
    budget, funds = list(budget_cents), list(fund_cents)
    for taken in (t for rows in solution.taken.values() for t in rows):
        paid = sum(taken.paid_by_fund.values())
        if taken.period is not None:
            budget[taken.period] -= math.ceil(taken.cents - paid - 1e-6)
        for f, cents in taken.paid_by_fund.items():
            funds[f] -= math.ceil(cents - 1e-6)
    return [max(0, c) for c in budget], [max(0, c) for c in funds]


def _cheapest(block: _Block, funds: Sequence[int], deadline: Deadline) -> np.ndarray | None:
    """The block's answer spending least out of pocket, no period capped, within ``funds``."""
    model = block.open_model()
    upper = model.row_upper.copy()
    for r, row in enumerate(model.row_names):
        if row.startswith("fund_"):
            upper[r] = min(upper[r], funds[int(row.removeprefix("fund_"))])
    model = dataclasses.replace(model, row_upper=upper)
    run, values = Highs(model).solve(
        dict(block.member.out_of_pocket[0]), deadline.remaining(), 0.5, True
    )
    if run.status not in ("optimal", "feasible") or values is None:
        return None
    return model.read(values[: model.columns])
