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
dynamic programming (:mod:`ceplan.solving.covers`). With weekly study hours it is their
one-person timed model (:mod:`ceplan.solving.pricing`, which prices them side by side with
``workers`` or a Dask ``scheduler``): each item in a segment of days, its hours spread over
the weeks from the day it is paid. People with identical inputs are priced once. A pricing
problem stopped before it is solved gives a bound on its price, and the relaxation is then
not taken as proved: the stage's bound is the Lagrangian one.

**Stages.** Priority renewed, then out-of-pocket spend, then hours (the first three of
:data:`~ceplan.objective.TEAM`): each is generated to its linear bound, solved as an integer
programme over the columns found, and its value held (one row) while the next is solved. A
stage is **proved** when its integer value reaches its bound (all three are whole numbers, so
within less than one of the bound is proved); otherwise the gap is reported, relative, from 0
to 1. It never claims more.

People with weekly hours or days away are priced over time (their items' ways to be paid
are every segment their window touches, their usable items those of their calendar). The
later stages (latest renewals, each person's tie-break) are settled person by person
(:mod:`ceplan.planning.columns`).

**The money that would renew someone at risk** (:data:`MORE_MONEY`) is one more stage of the
same master (:func:`_more_money`): the holds dropped, a column per budget period adding money to
it (cost 1 a cent), everyone renewing and the person made to take a column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceplan.candidates.items import Candidate, usable_items
from ceplan.catalogue.models import Catalog
from ceplan.errors import PlanInputError
from ceplan.model.team import Segment, money_cents, segments_of, ways_to_pay
from ceplan.objective import TEAM
from ceplan.requests.person import PlanRequest, make_request
from ceplan.roster.models import Roster
from ceplan.solving.backends import silence_highs_banner
from ceplan.solving.covers import Taking, _Pricer, price
from ceplan.solving.pricing import Pricing, Timed
from ceplan.status import Deadline, Termination, relative_gap
from ceplan.units import hours_scale

__all__ = ["Column", "ColumnStage", "ColumnsSolution", "Taking", "price", "solve_by_columns"]

_NOISE = 1e-9
"""Duals and reduced costs within this of 0 (relative to 1) are 0."""

_PRICES_KEPT = 8
"""Price lists whose pricing answers are kept (each: one answer per pricer)."""

_MAX_ROUNDS = 500
"""Rounds of pricing per stage at most (each adds every person's best column)."""

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
        return relative_gap(max(self.value, self.bound), min(self.value, self.bound))


@dataclass(frozen=True)
class MoreMoney:
    """The least money added to the budget periods that renews a person at risk."""

    added: Mapping[int, int]
    """Whole cents added to each budget period (position) that gets any."""
    spends: Mapping[int, int]
    """What the person's plan then costs in each period beyond all the funds paid toward
    its payment classes there: the least of it that is theirs to pay out of pocket."""
    proved: bool
    """Whether no less money would do (the amount reached its bound)."""


@dataclass(frozen=True)
class ColumnsSolution:
    """The first stages of a team's plan found by column generation."""

    stages: tuple[ColumnStage, ...]
    chosen: Mapping[str, Column]
    """By person id: the column chosen (people without one are at risk)."""
    payments: Mapping[tuple[int, int], int]
    """Whole cents each fund (position) pays toward each payment class (position)."""
    classes: tuple[tuple[int | None, tuple[int, ...]], ...]
    """Each payment class: its budget period and the funds that may pay in it."""
    segments: tuple[Segment, ...]
    """The segments of days the columns' items are paid in."""
    columns: int
    """How many columns were generated in all."""
    hours_scale: int
    """The hours stage counts in whole steps of ``1 / hours_scale`` hours."""

    termination: Termination = "solved"
    """``time_limit`` when the deadline stopped pricing or an integer solve."""
    items: Mapping[str, Mapping[str, Candidate]] = dataclasses.field(default_factory=dict)
    """By person id: their usable items by id (shared by everyone alike)."""
    more_money: Callable[[str, Deadline], MoreMoney | None] | None = dataclasses.field(
        default=None, compare=False, repr=False
    )
    """The least money that renews a person at risk (:func:`_more_money`), asked of the
    master these stages were solved in; ``None`` when nobody is at risk."""

    @property
    def fund_paid(self) -> dict[int, int]:
        """Whole cents each fund pays in all."""
        paid: dict[int, int] = {}
        for (f, _), cents in self.payments.items():
            paid[f] = paid.get(f, 0) + cents
        return paid


# -- the people as the pricing sees them ---------------------------------------------------


@dataclass(frozen=True)
class _Person:
    """A person as the master sees them, with the pricer of everyone alike."""

    id: str
    priority: int
    too_late: bool
    pricer: _Pricer | Timed
    own: Mapping[str, Candidate]
    """The person's own items by id: a pricer shared with others holds another's, whose
    dates (the do-by date above all) may differ."""


def _people(
    catalog: Catalog, roster: Roster, today: dt.date, requests: Mapping[str, PlanRequest]
) -> tuple[list[_Person], list[tuple[int | None, tuple[int, ...]]], list[Segment]]:
    """The people, the payment classes and the segments of days.

    People alike in tier, what they earned and passed, and what decides their usable items
    (their do-by date, the items set aside, whether they sit exams) share one pricer: their
    columns are alike.
    """
    last = max(request.complete_by for request in requests.values())
    segments = segments_of(roster, today, max(last, today))
    people = sorted(roster.people, key=lambda p: p.id)
    classes: dict[tuple[Any, ...], int] = {}
    pricers: dict[tuple[Any, ...], _Pricer | Timed] = {}
    usable: dict[tuple[Any, ...], tuple[list[Candidate], list[Any], tuple[Any, ...]]] = {}
    owned: dict[tuple[Any, ...], dict[str, Candidate]] = {}
    ways: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
    found = []
    for person in people:
        request = requests[person.id]
        # People alike in what decides their usable items share them and their ways to pay;
        # alike in those and in their rules, they share a pricer. With weekly hours or days
        # away, their calendar decides too, and every segment an item may be paid in is a way.
        calendar = request.calendar if request.timed else None
        key = (
            request.complete_by,
            request.completed | request.excluded,
            request.allow_exams,
            calendar,
        )
        if key not in usable:
            items, options = [], []
            found_items = usable_items(
                catalog,
                today=request.today,
                complete_by=request.complete_by,
                unavailable_ids=request.completed | request.excluded,
                allow_exams=request.allow_exams,
                calendar=calendar,
            )
            for c in sorted(found_items, key=lambda c: c.id):
                way_key = (c.id, c.first, c.finish_by, c.work_until, request.timed)
                if way_key not in ways:
                    ways[way_key] = [
                        (n, classes.setdefault(way or (None, ()), len(classes)))
                        for n, way in ways_to_pay(c, request, segments, roster)
                    ]
                if ways[way_key]:
                    items.append(c)
                    options.append(ways[way_key])
            # What a pricer reads of each item: people alike in all of it share one (two
            # people may reach different sessions of an item, at different prices).
            content = tuple(
                (c.id, c.is_exam, c.kind, c.credits, c.cents, c.hours, tuple(o))
                for c, o in zip(items, options, strict=True)
            )
            usable[key] = (items, options, content)
            owned[key] = {c.id: c for c in items}
        items, options, content = usable[key]
        signature: tuple[Any, ...] = (person.tier, request.earned, request.passed, content)
        if request.hours_per_week is not None:
            # Weekly hours: the timed model (the dates matter), shared by the same inputs;
            # people alike without the weekly hours share that problem (the signature).
            timed = (person.tier, request)
            if timed not in pricers:
                pricers[timed] = Timed(person, request, tuple(items), signature)
            signature = timed
        if signature not in pricers:
            pricers[signature] = _Pricer(
                items,
                options,
                tuple(catalog.tiers[person.tier].paths),
                request.earned,
                dict(request.passed),
            )
        found.append(
            _Person(person.id, person.priority, request.too_late, pricers[signature], owned[key])
        )
    ordered = sorted(classes, key=lambda k: classes[k])
    return found, [(k[0], tuple(k[1])) for k in ordered], segments


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

        silence_highs_banner(highspy)
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
        self.periods = n_periods
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
        self.extra: dict[int, int] = {}  # budget period -> its money-added column
        self.priced: dict[Any, dict[int, Any]] = {}  # by prices and cutoffs, by pricer

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
        # No upper bound of its own: ``conv_<i>`` caps it at 1, and a column at a bound of its
        # own could keep a negative reduced cost at the optimum, hiding others that improve.
        self.h.addCol(0.0, 0.0, self.highspy.kHighsInf, len(index), index, value)
        self.kind.append("plan")
        self.columns.append(column)

    def objective(self, name: str) -> list[float]:
        """Each column's cost in stage ``name`` (minimised)."""
        costs = []
        for kind, column in zip(self.kind, self.columns, strict=True):
            if kind == "pay":
                costs.append(-1.0 if name == "out_of_pocket" else 0.0)
            elif kind == "extra":
                costs.append(1.0 if name == MORE_MONEY else 0.0)
            else:
                costs.append(self._stage_cost(name, column))
        return costs

    def _stage_cost(self, name: str, column: Column) -> float:
        if name == "priority":
            return -float(self.people[self.by_person[column.person]].priority)
        if name == "out_of_pocket":
            return float(column.total_cents)
        if name == "hours":
            return float(column.hours)
        return 0.0  # the money added (MORE_MONEY) is the extra columns' alone

    def hold(self, name: str, value: float) -> None:
        """Hold stage ``name`` at ``value`` (its integer optimum) while later stages run."""
        inf = self.highspy.kHighsInf
        costs = self.objective(name)
        index = [j for j, c in enumerate(costs) if c != 0.0]
        coefficients = [costs[j] for j in index]
        # Minimised cost at most the value found (priority: minus it).
        self.h.addRow(-inf, value + 1e-6 * max(1.0, abs(value)), len(index), index, coefficients)
        self.holds[name] = self.rows
        self.rows += 1

    def open_periods(self) -> None:
        """Drop the stages' holds and let money be added to each budget period.

        One column per period (cost 1 a cent in :data:`MORE_MONEY`) raises its ``period_<p>``
        row's amount: the least money that renews someone is then a stage like the others.
        """
        inf = self.highspy.kHighsInf
        for row in self.holds.values():
            self.h.changeRowBounds(row, -inf, inf)
        self.holds.clear()
        for p in range(0 if self.extra else self.periods):
            self.h.addCol(0.0, 0.0, inf, 1, [self.period + p], [-1.0])
            self.extra[p] = len(self.columns)
            self.kind.append("extra")
            self.columns.append(Column("", (), (), 0))

    def require(self, people: Sequence[str], renew: bool = True) -> None:
        """Make each of ``people`` renew (take a column), or no longer need to."""
        lower = 1.0 if renew else -self.highspy.kHighsInf
        for person in people:
            row = self.conv + self.by_person[person]
            self.h.changeRowBounds(row, lower, 1.0)

    def solve(
        self,
        name: str,
        integer: bool,
        seconds: float | None = None,
        start: np.ndarray | None = None,
    ) -> tuple[float, np.ndarray, np.ndarray, bool]:
        """Solve stage ``name``: its value, columns' values, rows' duals, and if it finished.

        An integer solve stopped by ``seconds`` keeps its best answer, or ``start`` (values of
        the columns so far that keep every row).
        """
        h = self.h
        n = len(self.columns)
        if n == 0:  # nobody has a plan and no fund can pay: nothing to choose
            return 0.0, np.zeros(0), np.zeros(self.rows), True
        costs = np.asarray(self.objective(name), dtype=np.float64)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
        kind = self.highspy.HighsVarType
        types = [kind.kInteger if integer and k == "plan" else kind.kContinuous for k in self.kind]
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.asarray(types))
        h.setOptionValue("time_limit", self.highspy.kHighsInf if seconds is None else seconds)
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
                return self.solve(name, integer, seconds, None)
            except PlanInputError:
                kept = np.concatenate([start, np.zeros(n - len(start))])
                return float(costs @ kept), kept, np.zeros(self.rows), False
        duals = np.asarray(solution.row_dual) if not integer else np.zeros(self.rows)
        return value, values, duals, True


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
    deadline: Deadline | None = None,
    workers: int = 1,
    scheduler: Any = None,
) -> ColumnsSolution:
    """The team's first three stages (priority, out-of-pocket, hours) by column generation.

    See the module's docstring. Past the ``deadline``, pricing stops (the bound said is then
    the Lagrangian one, still a bound) and the integer solve keeps the best answer it has; the
    stages not reached keep the last answer, unproved. ``workers`` processes, or the workers of
    the Dask cluster ``scheduler``, price the people with weekly hours side by side
    (:class:`~ceplan.solving.pricing.Pricing`): the same answer whatever prices them.
    """
    deadline = deadline or Deadline()
    if requests is None:
        requests = {
            person.id: make_request(catalog, person.tier, today=today, **person.inputs())
            for person in roster.people
        }
    people, classes, segments = _people(catalog, roster, today, requests)
    scale = hours_scale(c.hours for p in people for c in p.pricer.items)
    budget = [money_cents(catalog, b.amount) for b in roster.budgets]
    funds = [money_cents(catalog, f.amount, f.currency) for f in roster.funds]
    master = _Master(people, classes, budget, funds)
    seen: set[tuple[str, tuple[Taking, ...]]] = set()
    stages: list[ColumnStage] = []
    values = np.zeros(0)  # nobody renews, nothing is paid: keeps every row
    termination: Termination = "solved"
    pricers = [p.pricer for p in people if not p.too_late]
    index = {k: n for n, k in enumerate(classes)}
    # Pricing's workers, if any, last as long as the stages.
    pricing = Pricing(
        catalog, roster, today, segments, index, pricers, deadline, workers, scheduler
    )
    with pricing:
        for name in STAGE_NAMES:
            bound = _generate(master, people, name, scale, seen, deadline, pricing)
            value, values, _, finished = master.solve(
                name, integer=True, seconds=deadline.remaining(), start=values
            )
            if deadline.expired or not finished:
                termination = "time_limit"
            value, bound = _stage_value(name, value), _stage_value(name, bound)
            # Each stage's values are whole numbers: the best is at most the bound rounded down
            # (priority, a maximum) or at least the bound rounded up (money, hours).
            bound = float(
                math.floor(bound + 1e-6) if name == "priority" else math.ceil(bound - 1e-6)
            )
            value = float(round(value))
            proved = value == bound
            stages.append(ColumnStage(name, value, bound, proved))
            master.hold(name, round(_master_value(name, value)))
    chosen = {}
    payments: dict[tuple[int, int], int] = {}
    for j, (kind, column) in enumerate(zip(master.kind, master.columns, strict=True)):
        if j >= len(values):
            break
        if kind == "plan" and values[j] > 0.5:
            chosen[column.person] = column
        elif kind == "pay" and values[j] > 1e-6:
            f, k = master.pays[j]
            # Whole cents: with the plans fixed the payments are a flow with whole capacities.
            payments[f, k] = round(float(values[j]))
    columns = sum(1 for k in master.kind if k == "plan")
    keep = sorted(chosen)
    at_risk = [p for p in people if p.id not in chosen]

    asking: list[Pricing] = []
    answered: dict[int, MoreMoney] = {}
    by_id = {p.id: p for p in people}

    def more_money(person: str, deadline: Deadline) -> MoreMoney | None:
        # People alike (one pricer: the same plans, paid the same ways) ask the same question
        # of the same master: a proved answer for one is the answer for all.
        pricer = id(by_id[person].pricer)
        if pricer in answered and not by_id[person].too_late:
            return answered[pricer]
        if not asking:  # priced here: the stages' workers have ended
            asking.append(Pricing(catalog, roster, today, segments, index, pricers, deadline))
        found = _more_money(master, people, scale, seen, keep, person, deadline, asking[0])
        if found is not None and found.proved:
            answered[pricer] = found
        return found

    return ColumnsSolution(
        stages=tuple(stages),
        chosen=chosen,
        payments=payments,
        classes=tuple(classes),
        segments=tuple(segments),
        columns=columns,
        hours_scale=scale,
        termination=termination,
        items={person.id: person.own for person in people},
        more_money=more_money if at_risk and budget else None,
    )


def _rounded(master: _Master, name: str, bound: float) -> tuple[float, np.ndarray] | None:
    """Whole columns from the relaxation just solved that reach ``bound``, or ``None``.

    Each person the relaxation splits between columns is given each of them in turn, everyone
    else keeping theirs, and the rest (what the funds pay, the money added) solved again as
    a linear programme, which with whole columns has a whole-cent answer; the first to reach
    the bound (the least whole value possible) is the integer optimum. Only tried when few
    people are split.
    """
    relaxed = np.asarray(master.h.getSolution().col_value)
    n = len(master.columns)
    if len(relaxed) != n:
        return None
    plans = np.flatnonzero([kind == "plan" for kind in master.kind])
    split: dict[str, list[int]] = {}
    for j in plans.tolist():
        if 1e-9 < relaxed[j] < 1.0 - 1e-9:
            split.setdefault(master.columns[j].person, []).append(j)
    if len(split) > _SPLIT_TRIED:
        return None
    whole = np.round(relaxed[plans])
    choices: list[list[int]] = [[]]
    for person in sorted(split):
        choices = [c + [j] for c in choices for j in sorted(split[person])]
    h, inf = master.h, master.highspy.kHighsInf
    index = plans.astype(np.int32)
    try:
        for choice in choices:
            fixed = whole.copy()
            for person in split:
                for j in split[person]:
                    fixed[int(np.searchsorted(plans, j))] = 1.0 if j in choice else 0.0
            h.changeColsBounds(len(index), index, fixed, fixed)
            value, values, _, finished = master.solve(name, integer=False)
            if finished and value <= bound + 1e-6:
                return value, values
    finally:
        h.changeColsBounds(len(index), index, np.zeros(len(index)), np.full(len(index), inf))
    return None


_SPLIT_TRIED = 2
"""The most people split between columns whose whole choices are tried before a search."""


def _more_money(
    master: _Master,
    people: Sequence[_Person],
    scale: int,
    seen: set[Any],
    keep: Sequence[str],
    person_id: str,
    deadline: Deadline,
    pricing: Pricing,
) -> MoreMoney | None:
    """The least money added to the periods that renews ``person_id`` with everyone in ``keep``.

    Asked of the master the stages were solved in, as one more stage (:data:`MORE_MONEY`):
    the stages' holds dropped, a column per period adding money to it, everyone in ``keep``
    and the person made to take a column, and columns priced as in every stage, so that the
    team planned again with that money can renew them all. ``None`` when no plan of the
    person's own exists (no money would do) or the deadline stopped the search first.
    """
    person = people[master.by_person[person_id]]
    if person.too_late:
        return None
    asked = {id(person.pricer): math.inf}
    ones = np.ones(len(master.classes))
    cheapest = pricing.round(ones, 0.0, scale, asked, deadline, only=set(asked))
    found = cheapest.get(id(person.pricer))
    if found is None or found.items is None:
        return None
    master.open_periods()
    shared, cents, hours = found.items, found.cents, found.hours
    items = tuple(dataclasses.replace(t, item=person.own[t.id]) for t in shared)
    if (person.id, items) not in seen:
        # A column of theirs to start from: with money added, it always fits.
        seen.add((person.id, items))
        master.add(Column(person.id, items, cents, hours))
    master.require([*keep, person_id])
    try:
        # Only they and the person may need new columns: anyone else at risk takes none at
        # no cost (their reduced costs are never negative), so is not priced.
        only = {*keep, person_id}
        bound = _generate(master, people, MORE_MONEY, scale, seen, deadline, pricing, only)
        whole = _rounded(master, MORE_MONEY, math.ceil(bound - 1e-6))
        if whole is not None:
            # Whole columns that reach the bound: the integer optimum, without a search.
            value, values, finished = whole[0], whole[1], True
        else:
            value, values, _, finished = master.solve(
                MORE_MONEY, integer=True, seconds=deadline.remaining()
            )
    except PlanInputError:
        return None  # stopped before any answer
    finally:
        master.require([person_id], renew=False)
    if not finished and deadline.expired and not len(values):
        return None
    added = {p: round(float(values[j])) for p, j in master.extra.items() if j < len(values)}
    column = next(
        c
        for j, (kind, c) in enumerate(zip(master.kind, master.columns, strict=True))
        if j < len(values) and kind == "plan" and c.person == person_id and values[j] > 0.5
    )
    funds_paid: dict[int, float] = {}
    for j, (_, k) in enumerate(master.pays):
        funds_paid[k] = funds_paid.get(k, 0.0) + float(values[j])
    spends: dict[int, int] = {}
    for k, c in column.cents:
        period = master.classes[k][0]
        if period is not None:
            own = max(0, c - round(funds_paid.get(k, 0.0)))
            spends[period] = spends.get(period, 0) + own
    proved = round(value) <= math.ceil(bound - 1e-6)
    return MoreMoney({p: c for p, c in added.items() if c > 0}, spends, proved)


def _stage_value(name: str, minimised: float) -> float:
    """A stage's value as the team sees it (priority renewed is maximised)."""
    return -minimised if name == "priority" else minimised


def _master_value(name: str, value: float) -> float:
    """A stage's value back in the master's minimised form."""
    return -value if name == "priority" else value


def _generate(
    master: _Master,
    people: Sequence[_Person],
    name: str,
    scale: int,
    seen: set[Any],
    deadline: Deadline,
    pricing: Pricing,
    only: set[str] | None = None,
) -> float:
    """Price until no column improves the relaxation; the stage's bound (minimised form).

    ``only``: the people priced (``None``: everyone); everyone else must be known to have no
    column of negative reduced cost.

    At the end that is the relaxation's value. Each round also gives the Lagrangian bound
    (the relaxation's value plus each person's most negative reduced cost: each takes one
    column at most), which is the bound said when the deadline stops pricing first.
    """
    best = -math.inf
    for _ in range(_MAX_ROUNDS):
        value, _, duals, _ = master.solve(name, integer=False)
        u, v, constants = _weights(master, name, duals)
        # A column of a person improves only below minus their constant: each pricer is
        # asked below the highest such cutoff of its people.
        cutoffs: dict[int, float] = {}
        for person in people:
            if person.too_late or (only is not None and person.id not in only):
                continue
            cutoff = max(cutoffs.get(id(person.pricer), -math.inf), -constants[person.id])
            cutoffs[id(person.pricer)] = cutoff
        # The same prices and cutoffs give the same answers: kept for the last few rounds
        # (the at-risk questions often meet the prices of one before).
        asked = (u.tobytes(), v, tuple(sorted(cutoffs.items())))
        if asked in master.priced:
            priced = master.priced.pop(asked)
        else:
            priced = pricing.round(u, v, scale, cutoffs, deadline, only=set(cutoffs))
        if all(found is None or found.exact for found in priced.values()):
            master.priced[asked] = priced
        while len(master.priced) > _PRICES_KEPT:
            del master.priced[next(iter(master.priced))]
        added = 0
        lagrangian = value
        exact = True
        for person in people:
            if person.too_late or (only is not None and person.id not in only):
                continue
            found = priced[id(person.pricer)]
            if found is None:
                continue
            # The bound: the least price, or below it when pricing stopped early.
            lagrangian += min(0.0, constants[person.id] + found.bound)
            exact = exact and found.exact
            cost, shared, cents, hours = found.cost, found.items, found.cents, found.hours
            reduced = constants[person.id] + cost
            if shared is None or reduced >= -_NOISE * max(1.0, abs(cost)):
                continue
            items = tuple(dataclasses.replace(t, item=person.own[t.id]) for t in shared)
            key = (person.id, items)
            if key in seen:
                continue
            seen.add(key)
            master.add(Column(person.id, items, cents, hours))
            added += 1
        best = max(best, lagrangian)
        if not added:
            # The relaxation is proved only when every pricing problem was solved.
            return value if exact else best
        if deadline.expired:
            return best
    return best
