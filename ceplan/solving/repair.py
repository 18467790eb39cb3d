"""A plan of one person's that fits the money the rest of a team leaves them (SPEC 7 and 8).

Planning a team by columns (:mod:`ceplan.solving.columns`) picks at most one column, a
person's plan, per person. Pricing gives each item its cheapest way to be paid under the
master's prices, so it never makes the column that pays some items in one budget period and
some in another, or by a fund: the one that may be the only one to fit. The integer
programme over the columns found then renews fewer people than it could.

:func:`fitting_plan` repairs that from the other side: with everyone else's columns paid for,
it asks the team's own single model, for a team of one holding only what is left
(:func:`ceplan.model.team.build_team` with ``cents``), for a plan of the person's that fits:
the least out of pocket, then the fewest hours, as the team's stages order them. Weekly study
hours and days away are the single model's to keep, as for everyone it plans.

The answer is given in the team's terms, ready to be a column: each item with the team's
segment (the team of one cuts the days by its own do-by date; its segments are mapped to the
team's by their first day) and payment class, the cents by class, the hours in the team's
steps, and what each fund pays toward each class in whole cents (:func:`_payments`: with the
items fixed, the most the funds can pay is a linear programme whose every corner is whole).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pulp

from ceplan.candidates.items import Candidate, drop_redundant, meets, usable_for
from ceplan.catalogue.models import Catalog
from ceplan.model.team import (
    OutOfTime,
    Segment,
    TeamModel,
    build_team,
    ways_to_pay,
    who_may_pay,
)
from ceplan.requests.person import PlanRequest
from ceplan.roster.models import Roster
from ceplan.solving import loop
from ceplan.solving.backends import HighsSolver, Solver, make_solver, silence_highs_banner
from ceplan.solving.covers import Taking
from ceplan.status import Deadline

__all__ = [
    "Fitting",
    "Together",
    "fitting_plan",
    "least_money_alone",
    "renewing_together",
    "team_segment",
    "within",
]

Class = tuple[int | None, tuple[int, ...]]
"""A payment class: its budget period (or ``None``) and the funds that may pay in it."""


@dataclass(frozen=True)
class Fitting:
    """A person's plan that fits the money left, in the team's terms (a column and its pay).

    ``items``, ``cents`` and ``hours`` are what a column of the person's holds (its items with
    the team's segment and payment class, its cents by class, its hours in whole steps of the
    team's hours scale); ``payments`` is what each fund pays toward each class.
    """

    items: tuple[Taking, ...]
    cents: tuple[tuple[int, int], ...]
    """By payment class (the team's index): the cents the plan's items cost in it."""
    hours: int
    payments: tuple[tuple[int, int, int], ...]
    """``(fund, class, cents)``: whole cents each fund pays toward each class (none of 0)."""
    proved: bool
    """Whether no plan that fits costs less out of pocket, or as little and takes fewer
    hours (``False`` when the deadline stopped the search with this plan in hand)."""

    @property
    def total_cents(self) -> int:
        """What the plan costs in all."""
        return sum(cents for _, cents in self.cents)

    @property
    def out_of_pocket(self) -> int:
        """What the funds do not pay: the cents the budget periods pay."""
        return self.total_cents - sum(cents for _, _, cents in self.payments)


def fitting_plan(
    catalog: Catalog,
    roster: Roster,
    request: PlanRequest,
    person: str,
    left: tuple[Sequence[int], Sequence[int]],
    *,
    segments: Sequence[Segment],
    classes: Mapping[Class, int],
    scale: int,
    deadline: Deadline | None = None,
    solver: Solver | None = None,
) -> Fitting | None:
    """A plan of ``person``'s that fits ``left``: the least out of pocket, then fewest hours.

    Parameters
    ----------
    catalog, roster
        The team's catalogue and roster (``person`` is one of its people).
    request
        The person's checked one-person request (with weekly hours or days away, if any).
    left
        Whole cents left in each budget period and in each fund (in the roster's order) once
        everyone else's plans are paid for. An amount below 0 (already overspent) leaves no
        plan that fits: even one that spends nothing there does not bring it back to 0.
    segments, classes, scale
        The team's segments of days, its payment classes (``(period, funds)`` to index) and
        its hours scale, which the answer is given in.
    deadline
        Past it, building stops, and a solve keeps what it has.
    solver
        Solves the team of one (HiGHS by default).

    Returns
    -------
    Fitting or None
        The plan (see :class:`Fitting`), or ``None`` when no plan of theirs fits (or they are
        too late to renew), or the deadline passed before one was found.
    """
    deadline = deadline or Deadline()
    if request.too_late:
        return None
    budget, funds = list(left[0]), list(left[1])
    if roster.budgets:
        request = within(catalog, request, (budget, funds))
    alone = roster.model_copy(update={"people": (roster.person(person),)})
    try:
        model = build_team(
            catalog,
            alone,
            today=request.today,
            requests={person: request},
            deadline=deadline,
            cents=(budget, funds),
        )
    except OutOfTime:
        return None
    member = model.members[person]
    block = member.block
    member.renew.lowBound = 1
    copies = [copy for copy, _ in model.copied[person]]
    hours = pulp.lpSum(round(c.hours * scale) * block.take[c.id] for c in copies)
    solver = solver or make_solver("highs")
    problem = model.problem
    problem.setObjective(member.out_of_pocket)
    run = loop.solve(problem, [block], solver, deadline, 0.0)
    if run.status not in ("optimal", "feasible"):
        return None
    proved = run.status == "optimal"
    if proved:
        cents = round(float(pulp.value(member.out_of_pocket) or 0.0))
        problem += member.out_of_pocket <= cents + 1e-6, "hold_out_of_pocket"
        answer = {v.name: v.varValue for v in problem.variables()}
        # The first answer's choices start the second solve: it keeps the hold.
        choices = [*block.take.values(), *block.choose_path.values(), member.renew]
        start = {v.name: round(v.value() or 0.0) for v in choices}
        problem.setObjective(hours)
        run = loop.solve(problem, [block], solver, deadline, 0.0, feasible=True, start=start)
        if run.status not in ("optimal", "feasible"):
            for variable in problem.variables():  # the first stage's answer stays
                variable.varValue = answer.get(variable.name)
        proved = run.status == "optimal"
    items, by_class = _plan_of(model, person, request, segments, classes)
    payments = _payments(by_class, classes, budget, funds)
    if payments is None:
        return None
    return Fitting(
        items=items,
        cents=tuple(sorted((k, c) for k, c in by_class.items() if c)),
        hours=sum(round(t.item.hours * scale) for t in items),
        payments=payments,
        proved=proved,
    )


def within(
    catalog: Catalog, request: PlanRequest, money: tuple[Sequence[int], Sequence[int]]
) -> PlanRequest:
    """``request`` with its items dearer than all of ``money`` set aside.

    ``money`` is cents in each period and fund. Where every item is paid in a budget period,
    no such item is in a plan that fits, and a team of one is built without them.
    """
    most = sum(money[0]) + sum(money[1])
    usable = usable_for(catalog, request, request.calendar if request.timed else None)
    dear = frozenset(c.id for c in usable if c.cents > most)
    return dataclasses.replace(request, excluded=request.excluded | dear)


def least_money_alone(
    catalog: Catalog,
    roster: Roster,
    request: PlanRequest,
    person: str,
    left: tuple[Sequence[int], Sequence[int]],
    deadline: Deadline | None = None,
    solver: Solver | None = None,
) -> tuple[dict[int, int], dict[int, int]] | None:
    """The least money added to the budget periods that renews ``person`` within ``left``.

    ``left`` is the whole cents left in each period and fund once everyone else's plans are
    paid for; the answer is asked of the team's single model for a team of one holding that
    money, with money that may be added to each period
    (:func:`~ceplan.solving.team.least_money`): the cents added to each period that gets any,
    and what the person's plan then spends out of pocket in each. ``None`` when no money
    would do (too late, or no plan at all) or the ``deadline`` passed first.
    """
    from ceplan.solving.team import least_money

    deadline = deadline or Deadline()
    if request.too_late:
        return None
    alone = roster.model_copy(update={"people": (roster.person(person),)})
    budget = [max(0, c) for c in left[0]]
    funds = [max(0, c) for c in left[1]]
    try:
        model = build_team(
            catalog,
            alone,
            today=request.today,
            requests={person: request},
            extra_money=True,
            deadline=deadline,
            cents=(budget, funds),
        )
    except OutOfTime:
        return None
    run = least_money(model, [person], deadline, solver)
    if run.status not in ("optimal", "feasible"):
        return None
    added = {n: round(var.value() or 0) for n, var in model.extra.items()}
    spends = {
        n: round(float(pulp.value(spend) or 0)) for n, spend in model.members[person].spend.items()
    }
    return {n: c for n, c in added.items() if c > 0}, spends


@dataclass(frozen=True)
class Together:
    """Plans of several people that fit the team's money together, in the team's terms."""

    plans: Mapping[str, tuple[tuple[Taking, ...], tuple[tuple[int, int], ...], int]]
    """By person: their items, cents by class and hours, as a column of theirs holds them."""
    payments: tuple[tuple[int, int, int], ...]
    """``(fund, class, cents)``: what the funds pay toward the plans, all together."""


def renewing_together(
    catalog: Catalog,
    roster: Roster,
    requests: Mapping[str, PlanRequest],
    people: Sequence[str],
    money: tuple[Sequence[int], Sequence[int]],
    *,
    segments: Sequence[Segment],
    classes: Mapping[Class, int],
    scale: int,
    deadline: Deadline | None = None,
    solver: Solver | None = None,
) -> Together | bool | None:
    """Whether ``people`` can all renew within ``money`` (cents in each period and fund).

    Asked of the team's single model for a team of those people (everyone made to renew,
    the least out of pocket): their plans in the team's terms (:class:`Together`) when they
    can; ``False`` when they cannot (the solver says so with and without its presolve, which
    has called a feasible problem infeasible before, see :mod:`ceplan.solving.loop`); ``None``
    when the ``deadline`` passed first. An item of someone's that nothing in ``money`` could
    pay for is left out before the model is built, as :func:`fitting_plan` does.
    """
    deadline = deadline or Deadline()
    budget, funds = list(money[0]), list(money[1])
    mine = {person: requests[person] for person in people}
    if any(request.too_late for request in mine.values()):
        return False
    if roster.budgets:
        mine = {
            person: within(catalog, request, (budget, funds)) for person, request in mine.items()
        }
    team = roster.model_copy(update={"people": tuple(roster.person(p) for p in people)})
    today = next(iter(mine.values())).today
    try:
        model = build_team(
            catalog, team, today=today, requests=mine, deadline=deadline, cents=(budget, funds)
        )
    except OutOfTime:
        return None
    for member in model.members.values():
        member.renew.lowBound = 1
    problem = model.problem
    problem.setObjective(pulp.lpSum(member.out_of_pocket for member in model.members.values()))
    blocks = [member.block for member in model.members.values()]
    solver = solver or make_solver("highs")
    run = loop.solve(problem, blocks, solver, deadline, 0.0)
    if run.status == "infeasible" and isinstance(solver, HighsSolver):
        run = solver.run(problem, deadline.remaining(), 0.0, presolve=False)
    if run.status == "infeasible":
        return False
    if run.status not in ("optimal", "feasible"):
        return None
    plans = {}
    total: dict[int, int] = {}
    for person in people:
        items, by_class = _plan_of(model, person, mine[person], segments, classes)
        cents = tuple(sorted((k, c) for k, c in by_class.items() if c))
        plans[person] = (items, cents, sum(round(t.item.hours * scale) for t in items))
        for k, c in by_class.items():
            total[k] = total.get(k, 0) + c
    payments = _payments(total, classes, budget, funds)
    if payments is None:
        return None
    return Together(plans, payments)


def _plan_of(
    model: TeamModel,
    person: str,
    request: PlanRequest,
    segments: Sequence[Segment],
    classes: Mapping[Class, int],
) -> tuple[tuple[Taking, ...], dict[int, int]]:
    """``person``'s plan in ``model``'s answer, in the team's terms, with its cents by class.

    What their path does not need is left out (:func:`_needed`).
    """
    block = model.members[person].block
    copies = [copy for copy, _ in model.copied[person]]
    picked = [c for c in copies if (block.take[c.id].value() or 0) > 0.5]
    chosen = [p for p, v in block.choose_path.items() if (v.value() or 0) > 0.5]
    taken = _needed([model.origin[person, c.id] for c in picked], block.paths, chosen, request)
    return _in_team_terms(taken, model.segments, model.roster, request, segments, classes)


def _needed(
    taken: Sequence[tuple[Candidate, int]],
    paths: Mapping[int, Any],
    chosen: Sequence[int],
    request: PlanRequest,
) -> list[tuple[Candidate, int]]:
    """``taken`` less what a path does not need (the path chosen, if it is met).

    Dropping an item never costs more nor takes longer, and never breaks the weekly hours.
    """
    items = [item for item, _ in taken]
    earned, passed = request.earned, dict(request.passed)
    met = [p for p in sorted(paths) if meets(items, paths[p], earned, passed)]
    path = next((p for p in chosen if p in met), met[0] if met else None)
    if path is None:
        return list(taken)
    kept = {c.id for c in drop_redundant(items, paths[path], earned, passed)}
    return [(item, n) for item, n in taken if item.id in kept]


def _in_team_terms(
    taken: Sequence[tuple[Candidate, int]],
    own: Sequence[Segment],
    roster: Roster,
    request: PlanRequest,
    segments: Sequence[Segment],
    classes: Mapping[Class, int],
) -> tuple[tuple[Taking, ...], dict[int, int]]:
    """The items of a team of one (paid in its ``own`` segments) in the team's terms.

    Each item's segment is the team's with the same first day (:func:`team_segment`), its
    class the team's for who may pay there; with the cents by class.
    """
    items = []
    by_class: dict[int, int] = {}
    for item, n in sorted(taken, key=lambda t: t[0].id):
        m = team_segment(own[n], segments)
        way = who_may_pay(item, segments[m], roster) or (None, ())
        klass = classes.get((way[0], tuple(way[1])))
        if klass is None:
            raise ValueError(f"{way} is not one of the team's payment classes")
        first = min(k for k, _ in ways_to_pay(item, request, segments, roster))
        items.append(Taking(item.id, m, klass, item, m == first))
        by_class[klass] = by_class.get(klass, 0) + item.cents
    return tuple(items), by_class


def team_segment(segment: Segment, segments: Sequence[Segment]) -> int:
    """The place in ``segments`` (a team's) of the one that starts when ``segment`` does.

    A team of one cuts the days as the team does up to its own do-by date (the same budget
    periods and funds), so each of its segments starts on the first day of one of the team's,
    in the same period and before or after the same fund expiries.

    Examples
    --------
    >>> import datetime as dt
    >>> team = [Segment(dt.date(2027, 1, 1), dt.date(2027, 3, 31), 0, ()),
    ...         Segment(dt.date(2027, 4, 1), dt.date(2027, 12, 31), 1, ())]
    >>> team_segment(Segment(dt.date(2027, 4, 1), dt.date(2027, 6, 1), 1, ()), team)
    1
    """
    for m, other in enumerate(segments):
        if other.start == segment.start:
            if (other.period, other.funds) != (segment.period, segment.funds):
                break
            return m
    raise ValueError(f"no segment of the team's starts on {segment.start} as this one does")


def _payments(
    by_class: Mapping[int, int],
    classes: Mapping[Class, int],
    budget: Sequence[int],
    funds: Sequence[int],
) -> tuple[tuple[int, int, int], ...] | None:
    """The most the funds can pay toward ``by_class`` (cents by class) within the money left.

    Each fund pays at most what is left of it, toward classes it may pay in, at most a class's
    cents in all; out of pocket in each period (its classes' cents less what the funds pay
    there) is at most what is left there. That is a linear programme whose rows are two
    laminar families (classes within periods, and funds), so its matrix is totally unimodular
    and, the data being whole cents, each corner is whole: the simplex's answer is rounded and
    checked in whole numbers. ``None`` when nothing keeps the periods (or the check fails).
    """
    ordered = sorted(classes, key=lambda k: classes[k])
    pairs = [(f, k) for k, c in sorted(by_class.items()) if c > 0 for f in ordered[k][1]]
    spent: dict[int, int] = {}
    for k, c in by_class.items():
        period = ordered[k][0]
        if period is not None:
            spent[period] = spent.get(period, 0) + c
    # The least the funds must pay in each period.
    needed = {p: max(0, c - budget[p]) for p, c in spent.items()}
    far = sum(by_class.values()) + 1  # more than the funds could ever pay
    rows: list[tuple[int, int, list[int]]] = []  # the places' sum within (lower, upper)
    for k, c in sorted(by_class.items()):
        rows.append((0, c, [j for j, (_, other) in enumerate(pairs) if other == k]))
    for f, cents in enumerate(funds):
        rows.append((0, cents, [j for j, (other, _) in enumerate(pairs) if other == f]))
    for p, least in sorted(needed.items()):
        rows.append((least, far, [j for j, (_, k) in enumerate(pairs) if ordered[k][0] == p]))
    values = _most(len(pairs), rows) if pairs else np.zeros(0)
    if values is None:
        return None
    paid = {pair: round(float(v)) for pair, v in zip(pairs, values, strict=True)}
    # Checked in whole cents: no payment below 0, each class and fund within its cents, each
    # period's out of pocket within what is left there.
    if any(v < 0 for v in paid.values()):
        return None
    for lower, upper, places in rows:
        if not lower <= sum(paid[pairs[j]] for j in places) <= upper:
            return None
    return tuple((f, k, v) for (f, k), v in sorted(paid.items()) if v > 0)


def _most(n: int, rows: Sequence[tuple[int, int, Sequence[int]]]) -> np.ndarray | None:
    """The largest sum of ``n`` values at least 0 whose sums over ``rows`` keep their bounds.

    Each row is ``(lower, upper, places)``: the values at ``places`` add up to ``lower`` at
    least and ``upper`` at most. ``None`` when no values keep them all.
    """
    import highspy

    silence_highs_banner(highspy)
    h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    h.addVars(n, np.zeros(n), np.full(n, inf))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), -np.ones(n))
    for lower, upper, places in rows:
        if places:
            index = np.array(places, dtype=np.int32)
            h.addRow(float(lower), float(upper), len(index), index, np.ones(len(index)))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.asarray(h.getSolution().col_value)
