"""A team's first stages by column generation (SPEC 8): each person's plans are columns.

People are independent but for the shared budget periods and funds: a **column** is one
person's plan, and the master (:mod:`ceplan.solving.master`) picks at most one per person
within the budget periods and funds. Here the columns are found, stage by stage.

**Pricing.** With the master's linear relaxation solved, a column's reduced cost is a constant
for its person plus a sum over its items: each item paid in class ``k`` costs ``cents * u_k +
hours * v``, with ``u_k`` and ``v`` read from the duals (:func:`weights`). Adding cost or
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
:data:`~ceplan.objective.TEAM`): each is generated to its linear bound (each round's columns
added in one call, the relaxation solved again from the last answer by the primal simplex),
solved as an integer programme over the columns found (not at all when the relaxation takes
every plan whole; stopped at the first answer that meets the bound), and its value held (one
row, at exactly that value) while the next is solved. Its **bound** is the larger of the
relaxation's value and a Lagrangian bound that keeps who renews whole
(:func:`lagrangian_bound`): where a priority is held, the relaxation may renew half of
someone to reach it, whole people may not, and that is most of what lies between the
relaxation and the integer answer. Where that bound does not meet the value, a few more
rounds of pricing look for a better one (:func:`_search`). A stage is **proved** when its
integer value reaches its bound (all three are whole numbers, so within less than one of the
bound is proved); otherwise the gap is reported, relative, from 0 to 1. It never claims more.

People with weekly hours or days away are priced over time (their items' ways to be paid
are every segment their window touches, their usable items those of their calendar). The
later stages (latest renewals, each person's tie-break) are settled person by person
(:mod:`ceplan.planning.columns`).

**The money that would renew someone at risk** (:data:`MORE_MONEY`) is one more stage of the
same master (:func:`_more_money`): the holds dropped, a column per budget period adding money to
it (cost 1 a cent), everyone renewing and the person made to take a column.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceplan.candidates.items import Candidate, usable_for
from ceplan.catalogue.models import Catalog
from ceplan.errors import PlanInputError
from ceplan.model.team import (
    OutOfTime,
    Segment,
    money_cents,
    segments_of,
    start_window,
    ways_to_pay,
)
from ceplan.requests.person import PlanRequest, make_request
from ceplan.roster.models import Roster
from ceplan.solving.bounds import Prices, lagrangian_bound, weights
from ceplan.solving.covers import Taking, _Pricer, price
from ceplan.solving.master import MORE_MONEY, STAGE_NAMES, Column, Master, Member
from ceplan.solving.pricing import Priced, Pricing, Timed
from ceplan.solving.progress import Progress, stage_label
from ceplan.solving.repair import (
    Together,
    fitting_plan,
    least_money_alone,
    renewing_together,
)
from ceplan.status import Deadline, Termination, relative_gap
from ceplan.units import format_money, hours_scale, money_value, plain_number

__all__ = [
    "MORE_MONEY",
    "STAGE_NAMES",
    "Column",
    "ColumnStage",
    "ColumnsSolution",
    "Taking",
    "price",
    "solve_by_columns",
]

_NOISE = 1e-9
"""Duals and reduced costs within this of 0 (relative to 1) are 0."""

_PRICES_KEPT = 8
"""Price lists whose pricing answers are kept (each: one answer per pricer)."""

_MAX_ROUNDS = 500
"""Rounds of pricing per stage at most (each adds every person's best column)."""


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
    renewable: frozenset[str] = frozenset()
    """The people with a plan of their own (every one of them has a column: in the first
    round, with no price on anything, their best plan improves the master)."""
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


def _people(
    catalog: Catalog, roster: Roster, today: dt.date, requests: Mapping[str, PlanRequest]
) -> tuple[list[Member], list[tuple[int | None, tuple[int, ...]]], list[Segment]]:
    """The people, the payment classes and the segments of days.

    People alike in tier, what they earned and passed, and what decides their usable items
    (their do-by date, the items set aside, whether they sit exams) share one pricer: their
    columns are alike.
    """
    last = max(request.complete_by for request in requests.values())
    segments = segments_of(roster, today, max(last, today))
    starts = [segment.start for segment in segments]
    ends = [segment.end for segment in segments]
    people = sorted(roster.people, key=lambda p: p.id)
    classes: dict[tuple[Any, ...], int] = {}
    pricers: dict[tuple[Any, ...], _Pricer | Timed] = {}
    usable: dict[tuple[Any, ...], tuple[list[Candidate], list[Any], tuple[Any, ...]]] = {}
    owned: dict[tuple[Any, ...], dict[str, Candidate]] = {}
    most: dict[tuple[Any, ...], tuple[float, float]] = {}
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
            found_items = usable_for(catalog, request, calendar)
            for c in sorted(found_items, key=lambda c: c.id):
                # Its ways to pay are decided by the segments its start window touches (a
                # run of them: the segments follow each other), its price and its kind.
                opens, closes = start_window(c, request.today)
                touched = (bisect.bisect_left(ends, opens), bisect.bisect_right(starts, closes))
                way_key = (c.id, c.cents, touched, request.timed)
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
        if key not in most:
            mine = owned[key].values()
            most[key] = (float(sum(c.cents for c in mine)), float(sum(c.hours for c in mine)))
        pricer = pricers[signature]
        found.append(
            Member(person.id, person.priority, request.too_late, pricer, owned[key], most[key])
        )
    ordered = sorted(classes, key=lambda k: classes[k])
    return found, [(k[0], tuple(k[1])) for k in ordered], segments


def solve_by_columns(
    catalog: Catalog,
    roster: Roster,
    *,
    today: dt.date,
    requests: Mapping[str, PlanRequest] | None = None,
    deadline: Deadline | None = None,
    workers: int = 1,
    scheduler: Any = None,
    progress: Callable[[str], None] | None = None,
) -> ColumnsSolution:
    """The team's first three stages (priority, out-of-pocket, hours) by column generation.

    See the module's docstring. Past the ``deadline``, pricing stops (the bound said is then
    the Lagrangian one, still a bound) and the integer solve keeps the best answer it has; the
    stages not reached keep the last answer, unproved. ``workers`` processes, or the workers of
    the Dask cluster ``scheduler``, price the people with weekly hours side by side
    (:class:`~ceplan.solving.pricing.Pricing`): the same answer whatever prices them.
    ``progress`` is told as the candidates are made and as each stage begins, goes on (its
    rounds of pricing, the repair, the branches, now and then) and ends.
    """
    deadline = deadline or Deadline()
    told = Progress.of(progress)
    began = time.perf_counter()
    if requests is None:
        requests = {
            person.id: make_request(catalog, person.tier, today=today, **person.inputs())
            for person in roster.people
        }
    people, classes, segments = _people(catalog, roster, today, requests)
    alike = len({id(p.pricer) for p in people if not p.too_late})
    told(
        f"candidates: each person's usable items, {alike:,} {'kind' if alike == 1 else 'kinds'} "
        f"of plan to price (people alike priced once), in {time.perf_counter() - began:.1f} s"
    )
    scale = hours_scale(c.hours for p in people for c in p.pricer.items)
    budget = [money_cents(catalog, b.amount) for b in roster.budgets]
    funds = [money_cents(catalog, f.amount, f.currency) for f in roster.funds]
    master = Master(people, classes, budget, funds)
    seen: set[tuple[str, tuple[tuple[str, int, int], ...]]] = set()
    stages: list[ColumnStage] = []
    values = np.zeros(0)  # nobody renews, nothing is paid: keeps every row
    termination: Termination = "solved"
    pricers = [p.pricer for p in people if not p.too_late]
    index: dict[tuple[int | None, tuple[int, ...]], int] = {k: n for n, k in enumerate(classes)}
    # Pricing's workers, if any, last as long as the stages.
    pricing = Pricing(
        catalog, roster, today, segments, index, pricers, deadline, workers, scheduler
    )
    with pricing:
        for name in STAGE_NAMES:
            began = time.perf_counter()
            said = told.part(stage_label(name))
            said("column generation")
            generated = _generate(master, people, name, scale, seen, deadline, pricing, told=said)
            bound = generated.bound
            if generated.whole is not None:  # the relaxation's answer is an integer one
                value, values = bound, generated.whole
            else:
                prices = generated.prices
                lagrangian = lagrangian_bound(master, name, people, scale, prices, generated.found)
                bound = max(bound, lagrangian)
                # An answer that meets the bound is the best: the solve stops there.
                target = math.ceil(bound - 1e-6) + 0.5
                said(f"integer programme over {_plans(master):,} plans")
                value, values, _, finished = master.solve(
                    name, True, deadline.remaining(), start=values, target=target
                )
                if not finished:
                    termination = "time_limit"
                value = float(round(value))
                if name == "priority" and math.ceil(bound - 1e-6) < value:
                    # Whole plans that fit what the others leave, for people at risk.
                    said("repair: people at risk asked for a plan that fits what is left")
                    repaired = _repair(
                        master,
                        catalog,
                        roster,
                        requests,
                        (segments, index, scale),
                        seen,
                        values,
                        deadline,
                    )
                    if repaired is not None:
                        value, values, _, finished = master.solve(
                            name, True, deadline.remaining(), start=repaired, target=target
                        )
                        if not finished:
                            termination = "time_limit"
                        value = float(round(value))
                unproved = math.ceil(bound - 1e-6) < value
                if name == "priority" and unproved and len(people) <= _BRANCH_PEOPLE:
                    team = (catalog, roster, requests, segments, index, scale)
                    most = math.floor(-bound + 1e-6)
                    said(f"branching: {-value:g} priority renewed, no more than {most} possible")
                    value, values, bound = _branch(
                        master,
                        people,
                        scale,
                        seen,
                        deadline,
                        pricing,
                        (value, values),
                        bound,
                        team,
                        said,
                    )
                # With no priority held, the relaxation's duals give the best Lagrangian bound
                # already (it keeps nothing but each person's one column): nothing to search.
                searched = "priority" in master.holds and not deadline.expired
                if searched and math.ceil(bound - 1e-6) < value:
                    found = _search(
                        master, people, name, scale, pricing, prices, lagrangian, value, deadline
                    )
                    bound = max(bound, found)
            if deadline.expired:
                termination = "time_limit"
            value = float(round(value))
            # Each stage's values are whole numbers: the least is at least the bound rounded up
            # (money, hours; priority, minus it: at most the bound rounded down).
            whole = float(math.ceil(bound - 1e-6))
            stage = ColumnStage(
                name, _stage_value(name, value), _stage_value(name, whole), whole >= value
            )
            stages.append(stage)
            state = "proved" if stage.proved else f"gap {stage.gap:.2%}"
            said(
                f"{_stage_words(stage, catalog.currency, scale)}, {state}, in "
                f"{time.perf_counter() - began:.1f} s ({_plans(master):,} plans found)"
            )
            master.hold(name, value, values)
    chosen, payments = _answer(master, values)
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
        if found is not None and not found.proved and not deadline.expired:
            # The master's columns may not hold the plan that needs the least (pricing pays
            # each item its cheapest way): the person alone, everyone else's plans kept as
            # they are, may need less.
            left = _money_left(master, chosen, payments)
            alone = least_money_alone(catalog, roster, requests[person], person, left, deadline)
            if alone is not None and sum(alone[0].values()) < sum(found.added.values()):
                found = MoreMoney(alone[0], alone[1], False)
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
        renewable=frozenset(
            c.person for c, k in zip(master.columns, master.kind, strict=True) if k == "plan"
        ),
        hours_scale=scale,
        termination=termination,
        items={person.id: person.own for person in people},
        more_money=more_money if at_risk and budget else None,
    )


def _answer(
    master: Master, values: np.ndarray
) -> tuple[dict[str, Column], dict[tuple[int, int], int]]:
    """The columns ``values`` takes, by person, and what each fund pays toward each class.

    Whole cents: with the plans fixed the payments are a flow with whole capacities.
    """
    chosen = {}
    payments: dict[tuple[int, int], int] = {}
    for j, (kind, column) in enumerate(zip(master.kind, master.columns, strict=True)):
        if j >= len(values):
            break
        if kind == "plan" and values[j] > 0.5:
            chosen[column.person] = column
        elif kind == "pay" and values[j] > 1e-6:
            f, k = master.pays[j]
            payments[f, k] = round(float(values[j]))
    return chosen, payments


def _money_left(
    master: Master, chosen: Mapping[str, Column], payments: Mapping[tuple[int, int], int]
) -> tuple[list[int], list[int]]:
    """Whole cents left in each budget period and fund once ``chosen`` are paid for.

    ``payments``: what each fund pays toward each payment class (fund, class).
    """
    budget = [round(c) for c in master.upper[master.period : master.period + master.periods]]
    funds = list(master.fund_cents)
    for column in chosen.values():
        for k, cents in column.cents:
            period = master.classes[k][0]
            if period is not None:
                budget[period] -= cents
    for (f, k), cents in payments.items():
        funds[f] -= cents
        period = master.classes[k][0]
        if period is not None:
            budget[period] += cents
    return budget, funds


_REPAIRS = 20
"""The most people at risk :func:`_repair` asks for a plan that fits (people alike once)."""


def _repair(
    master: Master,
    catalog: Catalog,
    roster: Roster,
    requests: Mapping[str, PlanRequest],
    terms: tuple[Sequence[Segment], Mapping[tuple[int | None, tuple[int, ...]], int], int],
    seen: set[Any],
    values: np.ndarray,
    deadline: Deadline,
) -> np.ndarray | None:
    """A better whole answer for the priority stage, or ``None``: people at risk added in.

    The relaxation may renew part of someone whose every column found so far breaks a budget
    when whole, where a plan paying some items in one period and some in another (or by a
    fund) would fit: pricing, which gives each item its cheapest way, never makes it. With
    everyone's columns in ``values`` (an integer answer) paid for, the people at risk are
    asked in turn, highest priority first, for a plan of theirs that fits what is left
    (:func:`~ceplan.solving.repair.fitting_plan`); each one found is added as a column (and to
    ``seen``), taken, and its payments made (``terms``: the team's segments, payment classes and
    hours scale), so the answer returned keeps every row (a start for the integer
    solve). People alike in their pricer are not asked again once one of them found none:
    with less money left, none fits them either.
    """
    if not len(values):
        return None
    segments, index, scale = terms
    answer = np.concatenate([values, np.zeros(len(master.columns) - len(values))])
    chosen, payments = _answer(master, answer)
    taken = set(chosen)
    budget, funds = _money_left(master, chosen, payments)
    pay_column = {pay: j for j, pay in enumerate(master.pays)}  # pay columns come first
    at_risk = sorted(
        (p for p in master.people if p.id not in taken and not p.too_late),
        key=lambda p: (-p.priority, p.id),
    )
    failed: set[int] = set()
    asked, added = 0, []
    for person in at_risk:
        if asked >= _REPAIRS or deadline.expired:
            break
        if id(person.pricer) in failed:
            continue
        asked += 1
        left = (list(budget), list(funds))
        try:
            fits = fitting_plan(
                catalog,
                roster,
                requests[person.id],
                person.id,
                left,
                segments=segments,
                classes=index,
                scale=scale,
                deadline=deadline,
            )
        except OutOfTime:
            break
        if fits is None:
            failed.add(id(person.pricer))
            continue
        items = tuple(dataclasses.replace(t, item=person.own.get(t.id, t.item)) for t in fits.items)
        seen.add((person.id, tuple((t.id, t.segment, t.klass) for t in items)))
        added.append(Column(person.id, items, fits.cents, fits.hours))
        for k, cents in fits.cents:
            period = master.classes[k][0]
            if period is not None:
                budget[period] -= cents
        for f, k, cents in fits.payments:
            funds[f] -= cents
            period = master.classes[k][0]
            if period is not None:
                budget[period] += cents
            answer[pay_column[f, k]] += cents
    if not added:
        return None
    master.add(added)
    return np.concatenate([answer, np.ones(len(added))])


_BRANCH_PEOPLE = 200
"""Teams of at most this many people have a priority stage left unproved branched on."""

_BRANCH_WORK = 15_000
"""The most branches :func:`_branch` solves, times the people (each branch prices them all):
300 for 50 people, at most :data:`_BRANCH_NODES`. A count, not a time, so that the plan is
the same on any machine."""

_BRANCH_NODES = 1_000
"""The most branches :func:`_branch` solves for any team."""


_Team = tuple[
    Catalog,
    Roster,
    Mapping[str, PlanRequest],
    Sequence[Segment],
    Mapping[tuple[int | None, tuple[int, ...]], int],
    int,
]
"""What a team's plans are made of: catalogue, roster, requests, segments, classes, hours scale."""

_TOGETHER_MOST = 30
"""The most people :func:`_together` asks the single model about at once."""


def _together(
    master: Master, renewing: frozenset[str], team: _Team, seen: set[Any], deadline: Deadline
) -> np.ndarray | bool | None:
    """An answer renewing exactly ``renewing``, ``False`` if none, ``None`` if not known.

    Asked of the team's single model for those people with all the money
    (:func:`~ceplan.solving.repair.renewing_together`); the plans found are added as columns
    and the answer (the columns' values, funds' payments included) keeps every row. Not asked
    of more than :data:`_TOGETHER_MOST` people.
    """
    if len(renewing) > _TOGETHER_MOST:
        return None
    if not renewing:
        return np.zeros(len(master.columns))
    catalog, roster, requests, segments, index, scale = team
    money = (
        [round(c) for c in master.upper[master.period : master.period + master.periods]],
        list(master.fund_cents),
    )
    try:
        found = renewing_together(
            catalog,
            roster,
            requests,
            sorted(renewing),
            money,
            segments=segments,
            classes=index,
            scale=scale,
            deadline=deadline,
        )
    except OutOfTime:
        return None
    if not isinstance(found, Together):
        return None if found is None else False
    added = []
    for person in sorted(found.plans):
        items, cents, hours = found.plans[person]
        own = master.people[master.by_person[person]].own
        mine = tuple(dataclasses.replace(t, item=own.get(t.id, t.item)) for t in items)
        seen.add((person, tuple((t.id, t.segment, t.klass) for t in mine)))
        added.append(Column(person, mine, cents, hours))
    master.add(added)
    answer = np.zeros(len(master.columns))
    answer[len(master.columns) - len(added) :] = 1.0
    pay_column = {pay: j for j, pay in enumerate(master.pays)}  # pay columns come first
    for f, k, paid in found.payments:
        answer[pay_column[f, k]] += paid
    return answer


def _branch(
    master: Master,
    people: Sequence[Member],
    scale: int,
    seen: set[Any],
    deadline: Deadline,
    pricing: Pricing,
    found: tuple[float, np.ndarray],
    bound: float,
    team: _Team,
    told: Progress | None = None,
) -> tuple[float, np.ndarray, float]:
    """The priority stage by branch and price: a better answer, and a bound no worse.

    ``found`` is the best whole answer so far (its value, minimised: minus the priority,
    and the columns' values), ``bound`` the stage's bound, below it. Each branch makes some
    people renew and others not (:meth:`~ceplan.solving.master.Master.fix`) and is priced to
    its relaxation's value, as a stage is; its bound is that value rounded up (priority is a
    whole number). A branch is left when its bound cannot beat the best answer; a relaxation
    that takes every plan whole is a better answer; otherwise the person of highest priority
    it renews in part is made to renew, then not (depth first). A branch that makes someone
    renew may have no answer with the columns found so far: money may be added to each
    period at :attr:`~ceplan.solving.master.Master.penalty` a cent, more than a cent could
    ever bring (it renews at most one cent of someone's plan, whose priority is at most the
    highest), so a relaxation priced to the end that adds any has no answer without it, and
    the branch none at all. A relaxation whose people are all whole but some split between
    columns gives no one to branch on: the single model is asked whether those people can
    renew together (:func:`_together`); if they can, that is the branch's best; if not, a row
    saying that not all of them renew (a cut, valid for every answer) is added and the branch
    priced again; if that cannot be known, the branch stays open. The bound returned is the least
    of the open branches' and the best answer's: proved when they meet. At most
    :data:`_BRANCH_WORK` branches a person (:data:`_BRANCH_NODES` in all), and not past the
    ``deadline``. ``told`` hears of the branches now and then.
    """
    best, best_values = found
    told = told or Progress()
    still_open: list[float] = []
    stack: list[tuple[tuple[tuple[str, bool], ...], float]] = [((), bound)]
    nodes, most = 0, min(_BRANCH_NODES, _BRANCH_WORK // max(1, len(people)))
    master.penalty = float(max(p.priority for p in people)) + 1.0
    master.allow_money(True)
    try:
        while stack:
            fixes, above = stack.pop()
            if above >= best - 0.5:
                continue  # whole values: nothing in it beats the best
            if nodes >= most or deadline.expired:
                still_open.append(above)
                continue
            fixed = dict(fixes)
            made = {person for person, renews in fixed.items() if renews}
            if any(members <= made for members in master.cuts.values()):
                continue  # people made to renew who cannot all renew together
            nodes += 1
            told.tick(f"branch {nodes:,} of at most {most:,}: {-best:g} renewed")
            master.fix(fixed)
            only = {p.id for p in people if fixed.get(p.id) is not False}
            generated = _generate(master, people, "priority", scale, seen, deadline, pricing, only)
            relaxed = generated.relaxed
            if relaxed is None:  # not priced to the end: the deadline
                still_open.append(above)
                continue
            if master.money_added(relaxed) > 1e-6:
                continue  # no answer makes these people renew
            below = float(math.ceil(generated.bound - 1e-6))
            if below >= best - 0.5:
                continue
            if generated.whole is not None:
                best, best_values = below, generated.whole
                continue
            plans = [j for j, kind in enumerate(master.kind) if kind == "plan" and j < len(relaxed)]
            share: dict[str, float] = {}
            for j in plans:
                whose = master.columns[j].person
                share[whose] = share.get(whose, 0.0) + float(relaxed[j])
            split = [
                person
                for person in master.people
                if person.id not in fixed and 1e-6 < share.get(person.id, 0.0) < 1.0 - 1e-6
            ]
            if not split:
                # Who renews is whole, how they are paid is not: ask whether they can renew
                # together at all. If they can, that is an answer as good as the branch's
                # bound; if not, say so (a cut) and price the branch again.
                renewing = frozenset(
                    p.id for p in master.people if share.get(p.id, 0.0) >= 1.0 - 1e-6
                )
                answer = _together(master, renewing, team, seen, deadline)
                if answer is None:
                    still_open.append(below)
                elif answer is False:
                    master.cut(renewing)
                    stack.append((fixes, above))
                elif isinstance(answer, np.ndarray):
                    best, best_values = below, answer
                continue
            person = min(split, key=lambda p: (-p.priority, abs(share[p.id] - 0.5), p.id))
            stack.append(((*fixes, (person.id, False)), below))
            stack.append(((*fixes, (person.id, True)), below))
    finally:
        master.fix({})
        master.allow_money(False)
        master.drop_cuts()
        master.penalty = 0.0
    return best, best_values, min([best, *still_open])


def _rounded(master: Master, name: str, bound: float) -> tuple[float, np.ndarray] | None:
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
    master: Master,
    people: Sequence[Member],
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
    key = (person.id, tuple((t.id, t.segment, t.klass) for t in shared))
    if key not in seen:
        # A column of theirs to start from: with money added, it always fits.
        seen.add(key)
        items = tuple(dataclasses.replace(t, item=person.own[t.id]) for t in shared)
        master.add([Column(person.id, items, cents, hours)])
    master.require([*keep, person_id])
    try:
        # Only they and the person may need new columns: anyone else at risk takes none at
        # no cost (their reduced costs are never negative), so is not priced.
        only = {*keep, person_id}
        generated = _generate(master, people, MORE_MONEY, scale, seen, deadline, pricing, only)
        bound = generated.bound
        whole = generated.whole
        if whole is not None:  # the relaxation's answer is an integer one
            value, values, finished = bound, whole, True
        elif (rounded := _rounded(master, MORE_MONEY, math.ceil(bound - 1e-6))) is not None:
            # Whole columns that reach the bound: the integer optimum, without a search.
            value, values, finished = rounded[0], rounded[1], True
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


def _round_words(number: int, master: Master) -> str:
    """A round of pricing, for progress: ``round 12, 1,867 plans found``."""
    return f"round {number}, {_plans(master):,} plans found"


def _plans(master: Master) -> int:
    """How many people's plans the master holds (its other columns pay or add money)."""
    return sum(1 for kind in master.kind if kind == "plan")


def _stage_words(stage: ColumnStage, currency: str, scale: int) -> str:
    """A stage's value in its own units, for progress.

    Examples
    --------
    >>> _stage_words(ColumnStage("out_of_pocket", 199665.0, 199665.0, True), "GBP", 4)
    '1,996.65 GBP'
    >>> _stage_words(ColumnStage("hours", 26450.0, 26450.0, True), "GBP", 10)
    '2,645 hours'
    """
    if stage.name == "priority":
        return f"{plain_number(stage.value):,} priority renewed"
    if stage.name == "out_of_pocket":
        return format_money(money_value(round(stage.value)), currency)
    return f"{plain_number(round(stage.value / scale, 2)):,} hours"


def _stage_value(name: str, minimised: float) -> float:
    """A stage's value as the team sees it (priority renewed is maximised)."""
    return -minimised if name == "priority" else minimised


@dataclass(frozen=True)
class _Generated:
    """What pricing to the end of a stage gave."""

    bound: float
    """The relaxation's value (priced to the end), else the best Lagrangian bound of a round."""
    prices: Prices
    """The last round's prices."""
    found: dict[int, Priced | None]
    """The last round's answers, by pricer."""
    whole: np.ndarray | None = None
    """The relaxation's answer, priced to the end, when it takes every plan whole (then it is
    an integer answer too, and the best)."""
    relaxed: np.ndarray | None = None
    """The relaxation's answer, when it was priced to the end (its value is ``bound``)."""


def _generate(
    master: Master,
    people: Sequence[Member],
    name: str,
    scale: int,
    seen: set[Any],
    deadline: Deadline,
    pricing: Pricing,
    only: set[str] | None = None,
    told: Progress | None = None,
) -> _Generated:
    """Price until no column improves the relaxation; the stage's bound (minimised form).

    ``only``: the people priced (``None``: everyone); everyone else must be known to have no
    column of negative reduced cost. ``told`` hears of the rounds now and then.

    At the end that is the relaxation's value. Each round also gives the Lagrangian bound
    (the relaxation's value plus each person's most negative reduced cost: each takes one
    column at most), which is the bound said when the deadline stops pricing first. A round
    adds every person's best column whose reduced cost is below 0, all in one call.
    """
    best = -math.inf
    told = told or Progress()
    for round_ in range(_MAX_ROUNDS):
        value, solution, duals, _ = master.solve(name, integer=False)
        told.tick(functools.partial(_round_words, round_ + 1, master))
        prices = weights(master, name, duals)
        priced = _priced(master, people, scale, prices, deadline, pricing, only)
        added: list[Column] = []
        lagrangian = value
        exact = True
        # People alike in their pricer and their own items get the same items: made once.
        made: dict[tuple[int, int], tuple[Taking, ...]] = {}
        for person in people:
            if person.too_late or (only is not None and person.id not in only):
                continue
            found = priced[id(person.pricer)]
            if found is None:
                continue
            # The bound: the least price, or below it when pricing stopped early.
            lagrangian += min(0.0, prices.constants[person.id] + found.bound)
            exact = exact and found.exact
            cost, shared = found.cost, found.items
            reduced = prices.constants[person.id] + cost
            if shared is None or reduced >= -_NOISE * max(1.0, abs(cost)):
                continue
            # A person's column is known by its items' ids and ways to pay (their own items).
            key = (person.id, tuple((t.id, t.segment, t.klass) for t in shared))
            if key in seen:
                continue
            seen.add(key)
            alike = (id(shared), id(person.own))
            if alike not in made:
                made[alike] = tuple(dataclasses.replace(t, item=person.own[t.id]) for t in shared)
            added.append(Column(person.id, made[alike], found.cents, found.hours))
        master.add(added)
        best = max(best, lagrangian)
        if not added:
            # The relaxation is proved only when every pricing problem was solved.
            if not exact:
                return _Generated(best, prices, priced)
            plans = np.asarray([k == "plan" for k in master.kind], dtype=bool)
            taken = solution[plans] if len(solution) == len(plans) else np.zeros(0)
            whole = bool(np.all(np.minimum(taken, np.abs(1.0 - taken)) <= _WHOLE))
            return _Generated(value, prices, priced, solution if whole else None, solution)
        if deadline.expired:
            return _Generated(best, prices, priced)
    return _Generated(best, prices, priced)


def _priced(
    master: Master,
    people: Sequence[Member],
    scale: int,
    prices: Prices,
    deadline: Deadline,
    pricing: Pricing,
    only: set[str] | None = None,
) -> dict[int, Priced | None]:
    """Each pricer's answer under ``prices`` (by its ``id``), of ``only`` people's if given.

    A column of a person improves only below minus their constant: each pricer is asked below
    the highest such cutoff of its people. The same prices and cutoffs give the same answers:
    the last few are kept (the at-risk questions often meet the prices of one before).
    """
    cutoffs: dict[int, float] = {}
    for person in people:
        if person.too_late or (only is not None and person.id not in only):
            continue
        cutoff = max(cutoffs.get(id(person.pricer), -math.inf), -prices.constants[person.id])
        cutoffs[id(person.pricer)] = cutoff
    asked = (prices.u.tobytes(), prices.v, tuple(sorted(cutoffs.items())))
    if asked in master.priced:
        priced = master.priced.pop(asked)
    else:
        priced = pricing.round(prices.u, prices.v, scale, cutoffs, deadline, only=set(cutoffs))
    if all(found is None or found.exact for found in priced.values()):
        master.priced[asked] = priced
    while len(master.priced) > _PRICES_KEPT:
        del master.priced[next(iter(master.priced))]
    return priced


_WHOLE = 1e-9
"""A relaxation's value this near 0 or 1 is whole."""

_SEARCH_STEPS = 8
"""At most this many more rounds of pricing per stage to raise a bound that is not met."""


def _search(
    master: Master,
    people: Sequence[Member],
    name: str,
    scale: int,
    pricing: Pricing,
    prices: Prices,
    start: float,
    value: float,
    deadline: Deadline,
) -> float:
    """The best Lagrangian bound found near ``prices`` (whose bound is ``start``).

    The duals of the rows :func:`lagrangian_bound` prices are scaled by ``t`` (the bound is
    concave in them, so along ``t`` it rises to its best and falls): ``t = 1`` is
    ``prices``, and a larger ``t`` prices what is held more, which keeping whole people may
    need. From ``t = 1`` it steps the way the bound grows, each step longer, until it falls;
    then it narrows that bracket. Each step is one round of pricing; it stops once the bound
    meets ``value`` (the stage's minimised value found), after :data:`_SEARCH_STEPS` steps,
    or when the time is up.
    """
    relaxed = master.relaxed()
    known = {0.0: start}  # by log(t)

    def at(s: float) -> float:
        if s not in known:
            duals = np.where(relaxed, prices.duals * math.exp(s), prices.duals)
            scaled = weights(master, name, duals)
            found = _priced(master, people, scale, scaled, deadline, pricing)
            known[s] = lagrangian_bound(master, name, people, scale, scaled, found)
        return known[s]

    def done() -> bool:
        best = max(known.values())
        return len(known) > _SEARCH_STEPS or math.ceil(best - 1e-6) >= value or deadline.expired

    step = math.log(1.25)
    low, middle, high = -step, 0.0, step
    for way in (step, -step):
        if done() or at(way) <= at(0.0):
            continue
        low, middle = 0.0, way
        while not done() and at(middle + way) > at(middle):
            low, middle, way = middle, middle + way, 2 * way
        low, high = sorted((low, middle + way))
        break
    while not done():
        # The middle of the wider side: the best stays inside [low, high].
        wider = (middle + high) / 2 if high - middle >= middle - low else (low + middle) / 2
        if at(wider) > at(middle):
            low, middle, high = (middle, wider, high) if wider > middle else (low, wider, middle)
        elif wider > middle:
            high = wider
        else:
            low = wider
    return max(known.values())
