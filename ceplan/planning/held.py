"""Planning under catalogue schema 2 (SPEC 9): one person, one or more certifications held.

:func:`plan_held` is what :func:`ceplan.optimise` runs for a schema 2 catalogue (and for
several tiers of any catalogue): inputs checked (:mod:`ceplan.requests.held`) -> the tiers held,
the usable items and the ways to renew (:mod:`ceplan.candidates.held`) -> less the items that no
best plan holds (:func:`shrunk`) -> the integer programme as arrays (:mod:`ceplan.model.claims`)
-> the stages of SPEC 3's order (:func:`~ceplan.solving.arrays.walk_stages`: least cost, fees
included, then fewest hours, fewest items, smallest ids) -> the answer read, checked against the
rules on its own (:func:`broken_rules`) and written as a :class:`~ceplan.results.plan.Plan`.

A plan says, for each item, which tiers it counts toward and the credits it claims there by
category; for each tier held, the path met or the tier whose renewal renews it; the fees; and
when no plan exists, why, tier by tier and path by path (:mod:`ceplan.planning.shortfalls`).

A plan over time (weekly hours or days away, SPEC 6) adds the weekly hours rows of
:mod:`ceplan.model.hours` to the model, as answers need them: the stages are walked again with
the rows an answer overfilled until an answer keeps them all (each row holds for every plan
within the weekly hours, so that answer is the first of all such plans in the order). The order
is the same (SPEC 3's, no renewal stage: under schema 2 a cycle follows the one that ends,
whenever the renewal). Each item finishes in the latest stretch the plan's items allow
(:func:`_settled`), and the schedule of :func:`~ceplan.model.schedule.schedule` places its work
as late as the weekly hours allow.
When no plan exists and a plan without the weekly limit would, the reason says how many hours a
week a plan needs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceplan.candidates.held import HeldItem, HeldWorld, held_world
from ceplan.catalogue.models import Catalog
from ceplan.errors import SolverError
from ceplan.inputs import add_years
from ceplan.model.arrays import ArrayModel
from ceplan.model.claims import ClaimsModel, Expr, build_claims
from ceplan.model.dominance import bound_of, never_best
from ceplan.model.hours import WeeklyRows, planned_candidate, weekly_rows
from ceplan.model.schedule import schedule
from ceplan.objective import COST, COUNT, HOURS, ONE_PERSON
from ceplan.planning.held_exact import exact_reading, exact_solution
from ceplan.planning.held_trim import drop_unneeded
from ceplan.planning.reading import ON, Reading, Use, broken_rules, read_answer
from ceplan.planning.report import (
    none_found,
    not_proven,
    planned_items,
    timeline,
    too_few_hours,
)
from ceplan.planning.shortfalls import why_not
from ceplan.planning.years import Aims, aim_for_targets, targets_on
from ceplan.requests.held import HeldRequest
from ceplan.results.plan import NO_CATEGORY, Blocked, Claim, HeldTierPlan, Plan, PlanFee
from ceplan.solving.arrays import Highs, Walked, solve_once, walk_stages
from ceplan.solving.backends import HighsSolver, Solver
from ceplan.status import Deadline, Solution
from ceplan.units import CREDIT_TOLERANCE, money_value, quantity
from ceplan.weeks import Calendar

__all__ = ["Reading", "Use", "broken_rules", "plan_held", "read_answer"]


def plan_held(
    catalog: Catalog,
    request: HeldRequest,
    solver: Solver,
    deadline: Deadline,
    *,
    path: tuple[str, int] | None = None,
    exact: bool = False,
) -> Plan:
    """The first plan in SPEC 3's order that renews every tier of ``request``, or why none does.

    ``solver`` is the MILP solver (HiGHS through arrays, another through PuLP); ``deadline``
    the time the whole call may take. With ``path`` (a tier and the position of one of its
    paths), that tier is renewed by that path (to compare its paths). With ``exact``
    (``solver="auto"``), a request the exact DP solves exactly is planned by it
    (:mod:`ceplan.planning.held_exact`).
    """
    world = held_world(catalog, request, sessions=True)
    report = _HeldReport(catalog, request, world)
    late = request.too_late
    if late:
        return report.infeasible([Blocked(_too_late(request, t), "too_late") for t in late])
    if exact:
        found = exact_reading(world, path)
        if found is not None:
            aims = _aims(world, found, request.today, solver, deadline)
            return report.found(exact_solution(found), found, aims)
    kept = shrunk(world, solver, deadline, path=path)
    claims = build_claims(kept, path=path)
    rows = weekly_rows(kept, claims)
    walked, values = _walk(claims, rows, solver, deadline)
    if walked.status == "infeasible":
        return report.infeasible(_why_not(catalog, request, world, solver, deadline, path))
    if walked.values is None or values is None:
        return report.unknown(walked.termination, deadline.seconds or 0.0)
    reading = read_answer(kept, claims, values)
    broken = broken_rules(world, reading)
    if broken:
        raise SolverError(
            f"the solver returned a plan that breaks the planning rules ({broken[0]})"
        )
    solution = Solution(
        status=walked.status,
        termination=walked.termination,
        chosen=tuple(world.items[i].source for i in reading.ids),
        gap=walked.gap,
        proven=walked.proven,
        solver=solver.name,
    )
    day = request.today
    aims = Aims() if world.calendar else _aims(world, reading, day, solver, deadline)
    return report.found(solution, reading, aims)


SHRINK_FROM = 200
"""Usable items from which :func:`shrunk` looks for items no best plan holds (below, the
model is small enough as it is)."""

CORE = 100
"""How many items each of :func:`core`'s rankings gives first."""

CORE_SHARE = 0.25
"""The largest share of the items the core may hold for :func:`shrunk` to look further (a
larger core costs nearly what the whole model does)."""

CORE_SECONDS = 5.0
"""The most time the plan over :func:`core` may take (any plan found by then will do)."""


def shrunk(
    world: HeldWorld,
    solver: Solver,
    deadline: Deadline,
    *,
    path: tuple[str, int] | None = None,
) -> HeldWorld:
    """``world`` without items that no best plan holds (SPEC 3's order), for a plan without dates.

    A plan is found among a few promising items (:func:`_core_plan`: some plan, not the best);
    every plan of those is a plan of ``world``, so the best plan comes no later in the order
    than it. :func:`~ceplan.model.dominance.never_best` drops the items whose presence alone
    (with the items that beat them) would put a plan after it, and with HiGHS the reduced costs
    of the linear relaxation drop those no plan costing as little can hold
    (:func:`_priced_out`). The best plan of what is left is the best plan of ``world``, item for
    item. ``world`` itself when it is small (:data:`SHRINK_FROM`), a plan over time, when no
    plan is found among few items, or when nothing can go.
    """
    if world.calendar is not None or len(world.items) < SHRINK_FROM:
        return world
    found = _core_plan(world, solver, deadline, path)
    if found is None:
        return world
    bound = bound_of(*found)
    least_fee = min(way.fee_cents for way in world.ways)
    dropped = never_best(list(world.items.values()), world.rules, bound, least_fee)
    left = dataclasses.replace(
        world, items={i: item for i, item in world.items.items() if i not in dropped}
    )
    if isinstance(solver, HighsSolver):
        dropped |= _priced_out(build_claims(left, path=path), bound[0], _part_of(deadline))
    if not dropped:
        return world
    return dataclasses.replace(
        world, items={i: item for i, item in world.items.items() if i not in dropped}
    )


def _core_plan(
    world: HeldWorld, solver: Solver, deadline: Deadline, path: tuple[str, int] | None
) -> tuple[list[HeldItem], int] | None:
    """The items and fees of a plan among a few promising items, or ``None``.

    The items of :func:`core`, :data:`CORE` a ranking, then four times as many while they hold
    no plan, as long as they grow and are at most :data:`CORE_SHARE` of the items (more would
    cost nearly what the whole model does); the cheapest plan found among them in
    :data:`CORE_SECONDS` (and a quarter of the time left; any plan will do).
    """
    size, before = CORE, 0
    while True:
        chosen = core(world, size)
        if len(chosen) > CORE_SHARE * len(world.items) or len(chosen) == before:
            return None
        before = len(chosen)
        few = dataclasses.replace(world, items={i: world.items[i] for i in chosen})
        claims = build_claims(few, path=path)
        clock = _part_of(deadline).within(CORE_SECONDS)
        run, values = solve_once(claims.model, claims.cost, solver, clock)
        if values is not None and run.status in ("optimal", "feasible"):
            reading = read_answer(few, claims, values)
            if broken_rules(few, reading):
                return None
            return [world.items[i] for i in reading.ids], reading.way.fee_cents
        if run.status != "infeasible":
            return None
        size *= 4


def _part_of(deadline: Deadline) -> Deadline:
    """The time a step of :func:`shrunk` may take: a quarter of what is left of ``deadline``.

    The most of it is kept for the plan itself.
    """
    left = deadline.remaining()
    return deadline if left is None else deadline.within(left / 4)


def _priced_out(claims: ClaimsModel, most: int, deadline: Deadline) -> set[str]:
    """The items that no plan costing at most ``most`` cents (fees included) can hold.

    By the reduced costs of the linear relaxation (:meth:`~ceplan.solving.arrays.Highs.prune`).
    """
    engine = Highs(claims.model)
    costs = {column: value for column, value in claims.cost[0].items() if value}
    engine.prune(costs, most - claims.cost[1], deadline.remaining())
    return {item_id for item_id, column in claims.take.items() if column in engine.zeros}


def core(world: HeldWorld, size: int) -> list[str]:
    """A few items likely to hold a cheap plan, in the order of ``world``'s items.

    Every exam; the first ``size`` items by cost (then hours, id); and for each tier, the
    first ``size`` by cost per credit counted toward it and by cost per credit in each
    category its paths name.
    """
    items = list(world.items.values())
    chosen = {item.id for item in items if item.is_exam}
    rankings: list[list[tuple[float, float, str]]] = [
        [(float(i.cents), i.hours, i.id) for i in items]
    ]
    for tier, rule in world.rules.items():
        rankings.append([(i.cents / i.cap(tier), i.hours, i.id) for i in items if i.cap(tier) > 0])
        for k in sorted(rule.categories_used):
            rankings.append(
                [
                    (i.cents / min(i.part(k), i.cap(tier)), i.hours, i.id)
                    for i in items
                    if min(i.part(k), i.cap(tier)) > 0
                ]
            )
    for ranking in rankings:
        chosen.update(item_id for *_, item_id in heapq.nsmallest(size, ranking))
    return [item.id for item in items if item.id in chosen]


def _walk(
    claims: ClaimsModel, rows: WeeklyRows | None, solver: Solver, deadline: Deadline
) -> tuple[Walked, np.ndarray | None]:
    """The stages walked (:func:`walk_stages`), and the answer settled (:func:`_settled`).

    With weekly hours ``rows``, walked again with the rows the answer overfills until it keeps
    them all (see the module).
    """
    sums = {COST: claims.cost, HOURS: claims.hours, COUNT: claims.count}
    model = claims.model if rows is None else rows.initial(claims.model)
    while True:
        walked = walk_stages(model, ONE_PERSON, sums, claims.take, solver, deadline)
        if walked.values is None:
            return walked, None
        held = dataclasses.replace(claims, model=model)
        found = walked.values
        if walked.status != "optimal":  # stopped by the time limit: drop what is not needed
            found = drop_unneeded(held, found, solver, deadline)
        values = _settled(held, found, solver, deadline, late=rows is not None)
        broken = [] if rows is None else rows.broken(model, values)
        if not broken:
            return walked, values
        model = rows.add(model, broken)  # type: ignore[union-attr]


def least_weekly_hours(
    world: HeldWorld,
    solver: Solver,
    deadline: Deadline,
    *,
    budget: bool = True,
    path: tuple[str, int] | None = None,
) -> float | None:
    """The fewest weekly hours (rounded up to 0.1) with which ``world`` has a plan.

    Within the budget unless ``budget`` is false; ``None`` when no plan exists at any weekly
    hours (or the time ran out).
    """
    claims = build_claims(world, budget=budget, path=path)
    rows = weekly_rows(world, claims)
    if rows is None:
        return None
    model, column = rows.free(claims.model)
    while True:
        run, values = solve_once(model, ({column: 1.0}, 0.0), solver, deadline)
        if run.status != "optimal" or values is None:
            return None
        per_week = float(values[column])
        broken = rows.broken(model, values, per_week)
        if not broken:
            return math.ceil(per_week * 10 - 1e-6) / 10
        model = rows.add(model, broken, column)


def _because_of_calendar(
    catalog: Catalog,
    request: HeldRequest,
    solver: Solver,
    deadline: Deadline,
    path: tuple[str, int] | None,
    blocked: Sequence[Blocked],
) -> list[Blocked]:
    """What the items can earn falls short in a plan over time: say why, if the calendar is.

    When a plan (money and hours aside) exists without the days away, they are why; else, when
    one exists without any calendar, an exam that needs a day to prepare before its sitting is.
    """

    def met_without(**change: Any) -> bool:
        free = held_world(catalog, dataclasses.replace(request, **change), sessions=True)
        claims = build_claims(free, budget=False, path=path)
        run, _ = solve_once(claims.model, claims.cost, solver, deadline)
        return run.status == "optimal"

    if request.unavailable and met_without(unavailable=()):
        ranges = ", ".join(f"{a} to {b}" for a, b in request.unavailable)
        note = f" (because of the days away: {ranges})"
        return [dataclasses.replace(b, text=f"{b.text}{note}", why="away") for b in blocked]
    if met_without(unavailable=(), hours_per_week=None):
        note = " (an exam needs a day to prepare before its sitting)"
        return [dataclasses.replace(b, text=f"{b.text}{note}") for b in blocked]
    return list(blocked)


def _why_not(
    catalog: Catalog,
    request: HeldRequest,
    world: HeldWorld,
    solver: Solver,
    deadline: Deadline,
    path: tuple[str, int] | None,
) -> list[Blocked]:
    """Why no plan renews every tier.

    The weekly hours when a plan without the limit exists within the budget, else
    :func:`~ceplan.planning.shortfalls.why_not`'s reasons (and, when the budget is what stops
    it, the weekly hours too if they would).
    """
    given = request.hours_per_week
    when = "in time" if not request.slack_days else "by the do-by dates less the slack"
    names = " and ".join(request.tiers)
    if given is not None:
        needed = least_weekly_hours(world, solver, deadline, path=path)
        if needed is not None:
            text = f"{names}: {too_few_hours(given, max(needed, given + 0.1), when)}"
            return [Blocked(text, "hours", hours_per_week_needed=needed)]
    blocked = why_not(catalog, request, world, solver, deadline, path=path)
    if world.calendar is not None and all(b.why in ("credits", "exams") for b in blocked):
        blocked = _because_of_calendar(catalog, request, solver, deadline, path, blocked)
    if given is not None and len(blocked) == 1 and blocked[0].why == "budget":
        needed = least_weekly_hours(world, solver, deadline, budget=False, path=path)
        if needed is not None and needed > given:
            first = blocked[0]
            return [
                dataclasses.replace(
                    first,
                    text=f"{first.text}; and {too_few_hours(given, needed)}",
                    hours_per_week_needed=needed,
                )
            ]
    return blocked


def _aims(
    world: HeldWorld, reading: Reading, today: dt.date, solver: Solver, deadline: Deadline
) -> Aims:
    """When to aim to finish the plan's items for the yearly targets."""
    finishes = {item_id: use.finish for item_id, use in reading.uses.items()}
    claimed = _claimed(reading)
    return aim_for_targets(world, reading.way.roots, finishes, claimed, today, solver, deadline)


def _claimed(reading: Reading) -> dict[str, dict[str, float]]:
    """The credits each item of the plan claims toward each tier it counts toward."""
    return {
        item_id: {tier: math.fsum(parts.values()) for tier, parts in use.claims.items()}
        for item_id, use in reading.uses.items()
    }


def _settled(
    claims: ClaimsModel,
    values: np.ndarray,
    solver: Solver,
    deadline: Deadline,
    *,
    late: bool = False,
) -> np.ndarray:
    """The answer's items, the first way they renew by, and the first path of each tier they meet.

    Of the ways the items renew the tiers by at the same fees (so alike in every stage), the
    first listed (:func:`~ceplan.candidates.held.held_world`'s order) is kept. With the items
    and the way fixed, the paths are chosen first in each tier's order (SPEC 3: when two paths
    are met by the very same items, the first listed wins), then where each item finishes
    (:func:`_latest`; with ``late``, a plan over time, as late as may be, so that its work is
    given every week the plan allows), and then each item claims as much as it may: what
    counts, shown in full.
    """
    fixed = {c: float(values[c] > ON) for c in (*claims.take.values(), *claims.way_columns)}
    if len(claims.way_columns) > 1:  # of the ways these items renew by, the first listed
        given = claims.ways[int(np.argmax([values[c] for c in claims.way_columns]))]
        alike = {c: fixed[c] for c in claims.take.values()}
        for way, c in zip(claims.ways, claims.way_columns, strict=True):
            if way.fee_cents != given.fee_cents:  # another cost: not a tie
                alike[c] = 0.0
        model = claims.model.fixed(alike)
        first = {c: float(n) for n, c in enumerate(claims.way_columns)}
        run, found = solve_once(model, (first, 0.0), solver, deadline.within(5.0))
        if run.status == "optimal" and found is not None:
            fixed.update((c, float(found[c] > ON)) for c in claims.way_columns)
    model = claims.model.fixed(fixed)
    ranks = _plus_terms((expression, float(p)) for (_, p), expression in claims.choose.items() if p)
    held = _least_then_held(model, ranks, claims.choose.values(), solver, deadline)
    if held is None:
        return values
    model, found = held
    if any(s for _, s in claims.finishes):
        model, found = _latest(claims, model, found, solver, deadline, late=late)
    most = _plus_terms((expression, -1.0) for expression in claims.claims.values())
    for column, _ in claims.typed.values():
        most[column] = most.get(column, 0.0) - 1.0
    run, best = solve_once(model, (most, 0.0), solver, deadline.within(5.0))
    return best if run.status == "optimal" and best is not None else found


def _latest(
    claims: ClaimsModel,
    model: ArrayModel,
    found: np.ndarray,
    solver: Solver,
    deadline: Deadline,
    *,
    late: bool,
) -> tuple[ArrayModel, np.ndarray]:
    """Where each item finishes, where that is a choice; the model with it held, and its answer.

    ``late`` (a plan over time): every item as late as may be, the sum of the stretches'
    positions largest. Otherwise (a hard yearly minimum), item by item in id order, the latest
    stretch the items before it leave: any answer meets the rules, and this one is the same
    whatever answer the solver gave.
    """
    stretches: dict[str, list[tuple[int, Expr]]] = {}
    for (item_id, s), expression in claims.finishes.items():
        stretches.setdefault(item_id, []).append((s, expression))
    if late:
        groups = [[pair for own in stretches.values() for pair in own]]
    else:
        groups = [
            stretches[i]
            for i in sorted(stretches)
            if len(stretches[i]) > 1 and found[claims.take[i]] > ON
        ]
    for own in groups:
        later = _plus_terms((expression, -float(s)) for s, expression in own)
        held = _least_then_held(model, later, (e for _, e in own), solver, deadline)
        if held is None:
            break
        model, found = held
    return model, found


def _least_then_held(
    model: ArrayModel,
    objective: dict[int, float],
    expressions: Iterable[Expr],
    solver: Solver,
    deadline: Deadline,
) -> tuple[ArrayModel, np.ndarray] | None:
    """The least ``objective`` over ``model``, and ``model`` with some columns held there.

    The integer columns of ``expressions`` are held where that answer has them; ``None``: no
    answer within 5 s.
    """
    run, found = solve_once(model, (objective, 0.0), solver, deadline.within(5.0))
    if run.status != "optimal" or found is None:
        return None
    held = {c: float(found[c] > ON) for e in expressions for c in e[0] if model.integer[c]}
    return model.fixed(held), found


def _plus_terms(pairs: Any) -> dict[int, float]:
    terms: dict[int, float] = {}
    for (own, _), factor in pairs:
        for column, coefficient in own.items():
            terms[column] = terms.get(column, 0.0) + coefficient * factor
    return terms


def _too_late(request: HeldRequest, tier: str) -> str:
    held = request.of(tier)
    return (
        f"{tier}: too late: everything must be complete by {request.do_by_without_slack(tier)} "
        f"({held.processing_days} processing days before the expiry on {held.expires}"
        + (f", less {quantity(request.slack_days, 'day')} of slack" if request.slack_days else "")
        + f"), and today is {request.today}"
    )


@dataclass(frozen=True)
class _HeldReport:
    """The plans of one request: what every plan says, then the plan found or why none was."""

    catalog: Catalog
    request: HeldRequest
    world: HeldWorld

    def header(self) -> dict[str, Any]:
        catalog, request = self.catalog, self.request
        first = request.held[0]
        warnings: list[str] = []
        if catalog.as_of is not None and add_years(catalog.as_of, 1) < request.today:
            warnings.append(
                f"the catalogue was last checked on {catalog.as_of}, more than a year before "
                f"{request.today}: prices, credits and dates may have changed"
            )
        notes = [
            f"no expiry date given for {held.tier}: assuming {held.expires}, "
            f"{catalog.tiers[held.tier].period_years} years from {request.today} (pass the real "
            "date with --expires / expires=)"
            for held in request.held
            if not held.expires_given
        ]
        return {
            "tier": first.tier,
            "currency": catalog.currency,
            "today": request.today,
            "expires": first.expires,
            "complete_by": request.complete_by(first.tier),
            "path": None,
            "earned": first.earned,
            "passed": first.passed,
            "warnings": tuple(warnings),
            "notes": tuple(notes),
            "rates_as_of": catalog.rates_as_of if catalog.exchange_rates else None,
            "budget": request.budget_amount,
            "slack_days": request.slack_days,
            "hours_per_week": request.hours_per_week,
            "unavailable": request.unavailable,
            "paths": tuple(catalog.tiers[first.tier].paths),
        }

    def held(self, reasons: Mapping[str, Sequence[str]] | None = None) -> tuple[HeldTierPlan, ...]:
        """Every tier held as a plan not found shows it: its inputs, and why not."""
        return tuple(
            HeldTierPlan(
                tier=held.tier,
                label=self.catalog.tiers[held.tier].label,
                expires=held.expires,
                complete_by=self.request.complete_by(held.tier),
                expires_given=held.expires_given,
                earned=held.earned,
                earned_by_category=held.earned_by_category,
                earned_per_year=held.earned_per_year,
                passed=held.passed,
                reasons=tuple((reasons or {}).get(held.tier, ())),
            )
            for held in self.request.held
        )

    def infeasible(self, blocked: Sequence[Blocked]) -> Plan:
        by_tier: dict[str, list[str]] = defaultdict(list)
        for b in blocked:
            tier = b.text.split(":", 1)[0]
            if tier in self.request.tiers:
                by_tier[tier].append(b.text)
        return Plan(
            status="infeasible",
            reasons=tuple(b.text for b in blocked),
            blocked=tuple(blocked),
            held=self.held(by_tier),
            **self.header(),
        )

    def unknown(self, termination: Any, seconds: float) -> Plan:
        text = none_found(termination, seconds)
        return Plan(
            status="unknown",
            termination=termination,
            reasons=(text,),
            blocked=(Blocked(text, "time_limit"),),
            held=self.held(),
            **self.header(),
        )

    def found(self, solution: Solution, reading: Reading, aims: Aims) -> Plan:
        world, request, catalog = self.world, self.request, self.catalog
        header = self.header()
        warning = not_proven(solution, ONE_PERSON)
        warnings = [*header["warnings"], *([warning] if warning else []), *aims.warnings]
        header["warnings"] = tuple(warnings)
        calendar = world.calendar
        by_source: dict[str, str] = {}
        candidates = []
        for item_id in reading.ids:
            item, use = world.items[item_id], reading.uses[item_id]
            candidate = planned_candidate(item, use.finish, calendar)
            if candidate is None:
                raise SolverError(f"the solver planned {item_id} with no day to prepare for it")
            candidates.append(candidate)
            by_source[item.source] = item_id
        if calendar is None:
            end = max((c.do_by for c in candidates), default=request.today)
            calendar = Calendar(request.today, max(end, request.today))
        dates = schedule(candidates, calendar)
        if world.calendar is not None:
            finishes = {by_source[i]: d.finish for i, d in dates.items()}
            roots, claimed = reading.way.roots, _claimed(reading)
            aims = targets_on(world, roots, claimed, request.today, finishes)
            header["warnings"] = (*header["warnings"], *aims.warnings)
        planned = tuple(
            dataclasses.replace(
                item,
                counts_toward=_claims(reading.uses[by_source[item.id]]),
                aim_by=aims.aim_by.get(item.id),
            )
            for item in planned_items(catalog, candidates, dates)
        )
        held = self._renewed(reading)
        first = held[0]
        header["path"] = first.path if first.path is not None else _through_path(held, first)
        fees = tuple(
            PlanFee(fee.tier, fee.per, money_value(fee.cents), fee.times, fee.source)
            for fee in world.fees(reading.way)
        )
        if not planned:
            header["notes"] = (
                *header["notes"],
                "already met: recertify now (what is earned and passed meets every tier held)",
            )
        renewal = max((item.finish for item in planned if item.finish), default=None)
        return Plan(
            status=solution.status,
            termination=solution.termination,
            gap=solution.gap,
            proven=solution.proven,
            solver=solution.solver or None,
            path_index=first.path_index,
            planned=planned,
            already_met=not planned,
            renewal_date=renewal,
            new_expires=first.new_expires,
            days_given_up=None if renewal is None else self._given_up(first, renewal),
            timeline_rows=timeline(dates),
            held=held,
            fees=fees,
            year_targets=aims.targets,
            **header,
        )

    def _renewed(self, reading: Reading) -> tuple[HeldTierPlan, ...]:
        """Each tier held as the plan renews it."""
        base = {held.tier: held for held in self.held()}
        own: dict[str, HeldTierPlan] = {}
        for tier in reading.way.roots:
            rule = self.world.rules[tier]
            finishes = [use.finish for use in reading.uses.values() if tier in use.tiers]
            index = reading.paths[tier]
            renewal = max(finishes, default=None)
            own[tier] = dataclasses.replace(
                base[tier],
                path=rule.paths[index],
                path_index=index,
                renewal_date=renewal,
                new_expires=self._new_expiry(tier, rule.expires, renewal, rule.period),
            )
        result = []
        for held in self.request.held:
            root = held.tier
            while reading.way.via[root] is not None:
                root = reading.way.via[root]  # type: ignore[assignment]
            if root == held.tier:
                result.append(own[root])
            else:
                result.append(
                    dataclasses.replace(
                        base[held.tier],
                        renewed_through=reading.way.via[held.tier],
                        renewal_date=own[root].renewal_date,
                        new_expires=own[root].new_expires,
                    )
                )
        return tuple(result)

    def _given_up(self, first: HeldTierPlan, renewal: dt.date) -> int:
        """Days of the current cycle a renewal on ``renewal`` gives up.

        None under schema 2, whose cycles do not restart when renewed early.
        """
        if self.catalog.schema_of(first.tier) == 1:
            return max(0, (first.expires - renewal).days)
        return 0

    def _new_expiry(
        self, tier: str, expires: dt.date, renewal: dt.date | None, period: int
    ) -> dt.date | None:
        """The expiry of ``tier`` after renewal.

        A schema 1 (Cisco) cycle starts on the renewal date (SPEC 6), a schema 2 cycle follows
        the one that ends (SPEC 9's ``cycle``); in a combination, as the tier's own catalogue
        says.
        """
        if self.catalog.schema_of(tier) == 1:
            return None if renewal is None else add_years(renewal, period)
        return add_years(expires, period)


def _through_path(held: Sequence[HeldTierPlan], first: HeldTierPlan) -> Any:
    """The path of the tier renewing ``first`` (for the plan's one ``path``)."""
    by_tier = {h.tier: h for h in held}
    root = first
    while root.renewed_through is not None:
        root = by_tier[root.renewed_through]
    return root.path


def _claims(use: Use) -> tuple[Claim, ...]:
    """What an item's use says for the plan: its claims by tier and category."""
    claims = []
    for tier in sorted(use.claims):
        parts = use.claims[tier]
        named = tuple(
            sorted(
                (k or NO_CATEGORY, round(n, 6)) for k, n in parts.items() if n > CREDIT_TOLERANCE
            )
        )
        claims.append(Claim(tier, math.fsum(parts.values()), named))
    return tuple(claims)
