"""Planning under catalogue schema 2 (SPEC 9): one person, one or more certifications held.

:func:`plan_held` is what :func:`ceplan.optimise` runs for a schema 2 catalogue (and for
several tiers of any catalogue): inputs checked (:mod:`ceplan.requests.held`) -> the tiers held,
the usable items and the ways to renew (:mod:`ceplan.candidates.held`) -> the integer programme
as arrays (:mod:`ceplan.model.claims`) -> the stages of SPEC 3's order
(:func:`~ceplan.solving.arrays.walk_stages`: least cost, fees included, then fewest hours, fewest
items, smallest ids) -> the answer read, checked against the rules on its own
(:func:`broken_rules`) and written as a :class:`~ceplan.results.plan.Plan`.

A plan says, for each item, which tiers it counts toward and the credits it claims there by
category; for each tier held, the path met or the tier whose renewal renews it; the fees; and
when no plan exists, why, tier by tier and path by path (:mod:`ceplan.planning.shortfalls`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceplan.candidates.held import REST, HeldItem, HeldWorld, Way, held_world
from ceplan.candidates.items import Candidate
from ceplan.catalogue.models import Catalog
from ceplan.errors import SolverError
from ceplan.inputs import add_years
from ceplan.model.arrays import ArrayModel
from ceplan.model.claims import ClaimsModel, build_claims
from ceplan.model.schedule import schedule
from ceplan.objective import COST, COUNT, HOURS, ONE_PERSON
from ceplan.planning.report import none_found, not_proven, planned_items, timeline
from ceplan.planning.shortfalls import why_not
from ceplan.planning.years import Aims, aim_for_targets
from ceplan.requests.held import HeldRequest
from ceplan.results.plan import NO_CATEGORY, Blocked, Claim, HeldTierPlan, Plan, PlanFee
from ceplan.solving.arrays import solve_once, walk_stages
from ceplan.solving.backends import Solver
from ceplan.status import Deadline, Solution
from ceplan.units import CREDIT_TOLERANCE, money_value, quantity
from ceplan.weeks import Calendar

__all__ = ["Reading", "Use", "broken_rules", "plan_held", "read_answer"]

_ON = 0.5
"""A binary (or a use of an item) is read as set above this."""


@dataclass(frozen=True)
class Use:
    """How a plan uses one item: the day it finishes, and its claims toward each tier.

    ``claims`` maps each tier it counts toward to its credits claimed there by category
    (:data:`~ceplan.candidates.held.REST` for those in no category the tier's paths name; an
    exam's is empty).
    """

    finish: dt.date
    claims: Mapping[str, Mapping[str, float]]

    @property
    def tiers(self) -> frozenset[str]:
        """The tiers it counts toward."""
        return frozenset(self.claims)


@dataclass(frozen=True)
class Reading:
    """An answer of the model, read: the way, each tier's path, each item's use."""

    way: Way
    paths: Mapping[str, int]
    """The path met by each tier renewed by its own paths (its position in the tier)."""
    uses: Mapping[str, Use]

    @property
    def ids(self) -> tuple[str, ...]:
        """The items of the plan, sorted."""
        return tuple(sorted(self.uses))


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
    world = held_world(catalog, request)
    report = _HeldReport(catalog, request, world)
    late = request.too_late
    if late:
        return report.infeasible([Blocked(_too_late(request, t), "too_late") for t in late])
    if exact:
        from ceplan.planning.held_exact import exact_reading, exact_solution

        found = exact_reading(world, path)
        if found is not None:
            aims = aim_for_targets(world, found, request.today, solver, deadline)
            return report.found(exact_solution(found), found, aims)
    claims = build_claims(world, path=path)
    sums = {COST: claims.cost, HOURS: claims.hours, COUNT: claims.count}
    walked = walk_stages(claims.model, ONE_PERSON, sums, claims.take, solver, deadline)
    if walked.status == "infeasible":
        return report.infeasible(why_not(catalog, request, world, solver, deadline, path=path))
    if walked.values is None:
        return report.unknown(walked.termination, deadline.seconds or 0.0)
    values = walked.values
    if walked.status != "optimal":  # stopped by the time limit: drop what is not needed
        from ceplan.planning.held_trim import drop_unneeded

        values = drop_unneeded(claims, values, solver, deadline)
    values = _settled(claims, values, solver, deadline)
    reading = read_answer(world, claims, values)
    broken = broken_rules(world, reading)
    if broken:
        raise SolverError(
            f"the solver returned a plan that breaks the planning rules ({broken[0]})"
        )
    solution = Solution(
        status=walked.status,
        termination=walked.termination,
        chosen=reading.ids,
        gap=walked.gap,
        proven=walked.proven,
        solver=solver.name,
    )
    return report.found(
        solution, reading, aim_for_targets(world, reading, request.today, solver, deadline)
    )


def _settled(
    claims: ClaimsModel, values: np.ndarray, solver: Solver, deadline: Deadline
) -> np.ndarray:
    """The answer's items and way, with the first path of each tier they meet.

    With the items and the way fixed, the paths are chosen first in each tier's order (SPEC 3:
    when two paths are met by the very same items, the first listed wins), and then each item
    claims as much as it may: what counts, shown in full.
    """
    fixed = {c: float(values[c] > _ON) for c in (*claims.take.values(), *claims.way_columns)}
    model = claims.model.fixed(fixed)
    ranks = _plus_terms((expression, float(p)) for (_, p), expression in claims.choose.items() if p)
    run, found = solve_once(model, (ranks, 0.0), solver, deadline.within(5.0))
    if run.status != "optimal" or found is None:
        return values
    chosen = {
        c: float(found[c] > _ON)
        for expression in claims.choose.values()
        for c in expression[0]
        if model.integer[c]
    }
    model = model.fixed(chosen)
    most = _plus_terms((expression, -1.0) for expression in claims.claims.values())
    for column, _ in claims.typed.values():
        most[column] = most.get(column, 0.0) - 1.0
    run, best = solve_once(model, (most, 0.0), solver, deadline.within(5.0))
    return best if run.status == "optimal" and best is not None else found


def _plus_terms(pairs: Any) -> dict[int, float]:
    terms: dict[int, float] = {}
    for (own, _), factor in pairs:
        for column, coefficient in own.items():
            terms[column] = terms.get(column, 0.0) + coefficient * factor
    return terms


def read_answer(world: HeldWorld, claims: ClaimsModel, values: np.ndarray) -> Reading:
    """The plan in the columns' ``values``: the way, each tier's path, each item's use."""

    def value(expression: tuple[Mapping[int, float], float]) -> float:
        return ArrayModel.value_of(expression, values)

    if claims.way_columns:
        way = claims.ways[int(np.argmax([values[c] for c in claims.way_columns]))]
    else:
        way = claims.ways[0]
    paths = {}
    for tier in way.roots:
        met = [
            p for p in range(len(world.rules[tier].paths)) if value(claims.choose[(tier, p)]) > _ON
        ]
        paths[tier] = met[0] if met else 0
    typed = _typed_claims(world, claims, values, way)
    uses = {}
    for item_id, column in claims.take.items():
        if values[column] <= _ON:
            continue
        item = world.items[item_id]
        stretches = claims.stretches[item_id]
        counted: dict[str, dict[str, float]] = {}
        stretch = None
        for tier in way.roots:
            for s in range(len(stretches)):
                use = claims.uses.get((item_id, tier, s))
                if use is not None and value(use) > _ON:
                    counted[tier] = {}
                    stretch = s
        for tier in counted:
            for k in {REST, *(k for k, _ in item.parts)}:
                expression = claims.claims.get((item_id, tier, k))
                if expression is not None and (amount := value(expression)) > CREDIT_TOLERANCE:
                    counted[tier][k] = amount
            for k, amount in typed.get((item_id, tier), {}).items():
                counted[tier][k] = amount
        uses[item_id] = Use(_finish(world, item, way, counted, stretches, stretch), counted)
    return Reading(way, paths, uses)


def _typed_claims(
    world: HeldWorld, claims: ClaimsModel, values: np.ndarray, way: Way
) -> dict[tuple[str, str], dict[str, float]]:
    """The claims taken by type (a ``by_type`` cap), shared out among the items in it by id."""
    shares: dict[tuple[str, str], dict[str, float]] = {}
    for (tier, _), (column, members) in claims.typed.items():
        left = float(values[column])
        for item_id in sorted(members):
            if values[claims.take[item_id]] <= _ON:
                continue
            item = world.items[item_id]
            counts = sum(
                ArrayModel.value_of(use, values)
                for s in range(len(claims.stretches[item_id]))
                if (use := claims.uses.get((item_id, tier, s))) is not None
            )
            share = min(left, item.cap(tier) * min(1.0, counts))
            if share > CREDIT_TOLERANCE:
                shares[(item_id, tier)] = {REST: share}
                left -= share
    return shares


def _finish(
    world: HeldWorld,
    item: HeldItem,
    way: Way,
    counted: Mapping[str, Any],
    stretches: Sequence[tuple[dt.date, dt.date]],
    stretch: int | None,
) -> dt.date:
    """The latest day ``item`` can finish with the same effect.

    By each deadline of the tiers it counts toward, and within its stretch where a hard yearly
    minimum made the stretch a choice.
    """
    if not counted:
        return item.first
    day = item.ends_by(min(way.deadlines[t] for t in counted))
    hard = any(world.rules[t].hard_per_year is not None for t in item.counts_for)
    if hard and stretch is not None and not item.is_exam:
        day = min(day, stretches[stretch][1])
    return day


def broken_rules(world: HeldWorld, reading: Reading) -> list[str]:
    """Every rule of SPEC 9 the plan ``reading`` breaks, in words; ``[]`` for a valid plan.

    Written from the rules, not from the model's rows: each item within its window and
    counting only toward tiers it may (of its own programme), by their deadlines (toward one
    tier without its programme's ``shares_credits``); its claims within its parts and
    ``per_activity``; each tier's claims within ``by_type`` and the path's ``max``, reaching
    its credits and ``min``; enough exams; each hard yearly minimum; the budget.
    """
    broken: list[str] = []
    way = reading.way
    tolerance = CREDIT_TOLERANCE * 10
    for item_id, use in sorted(reading.uses.items()):
        item = world.items[item_id]
        if use.finish < item.first or (item.last is not None and use.finish > item.last):
            broken.append(f"{item_id}: finishes on {use.finish}, outside its window")
        if not item.shares and not item.is_exam and len(use.tiers) > 1:
            broken.append(f"{item_id}: counts toward several tiers without shares_credits")
        for tier, parts in use.claims.items():
            if tier not in item.counts_for or tier not in way.deadlines:
                broken.append(f"{item_id}: cannot count toward {tier}")
                continue
            if use.finish > way.deadlines[tier]:
                broken.append(f"{item_id}: finishes after {tier}'s deadline")
            classes = dict(_classes(item, world.rules[tier].categories_used))
            for k, amount in parts.items():
                if amount > min(classes.get(k, 0.0), item.cap(tier)) + tolerance:
                    broken.append(f"{item_id}: claims {amount} of {k or 'no category'}")
            if math.fsum(parts.values()) > item.cap(tier) + tolerance:
                broken.append(f"{item_id}: claims more than per_activity toward {tier}")
    for tier in way.roots:
        broken.extend(_tier_broken(world, reading, tier, tolerance))
    cents = sum(world.items[i].cents for i in reading.uses) + way.fee_cents
    if world.budget_cents is not None and cents > world.budget_cents:
        broken.append(f"costs {cents} cents, over the budget of {world.budget_cents}")
    return broken


def _classes(item: HeldItem, used: frozenset[str]) -> list[tuple[str, float]]:
    """``item``'s credits by the categories ``used``, the rest together as :data:`REST`."""
    named = [(k, part) for k, part in item.parts if k in used]
    rest = math.fsum(part for k, part in item.parts if k not in used)
    return [*named, *([(REST, rest)] if rest > 0 else [])]


def _tier_broken(world: HeldWorld, reading: Reading, tier: str, tolerance: float) -> list[str]:
    rule = world.rules[tier]
    path = rule.paths[reading.paths[tier]]
    mine = [(world.items[i], use) for i, use in reading.uses.items() if tier in use.tiers]
    broken = []
    claims = [(item, use.claims[tier]) for item, use in mine if not item.is_exam]
    by_type: dict[str, float] = defaultdict(float)
    by_category: dict[str, float] = defaultdict(float)
    for item, parts in claims:
        by_type[item.type] += math.fsum(parts.values())
        for k, amount in parts.items():
            by_category[k] += amount
    for kind, total in by_type.items():
        cap = rule.by_type.get(kind)
        if cap is not None and total > cap + tolerance:
            broken.append(f"{tier}: {total} credits of type {kind}, over its cap {cap}")
    for k, most in path.max.items():
        room = max(0.0, most - rule.earned_by_category.get(k, 0.0))
        if by_category.get(k, 0.0) > room + tolerance:
            broken.append(f"{tier}: claims above the max of {k}")
    total = math.fsum(by_category.values()) + rule.earned_counted(path)
    if total < path.credits - tolerance:
        broken.append(f"{tier}: {total} credits count, {path.credits} needed")
    for k, least in path.min.items():
        if by_category.get(k, 0.0) + rule.earned_in(k, path) < least - tolerance:
            broken.append(f"{tier}: too few credits in {k}")
    for kind, count in path.exams.items():
        taken = sum(1 for item, _ in mine if item.is_exam and item.kind == kind)
        if taken + rule.passed.get(kind, 0) < count:
            broken.append(f"{tier}: too few {kind} exams")
    if rule.hard_per_year is not None:
        by_year: dict[int, float] = defaultdict(float)
        for item, use in mine:
            year = rule.year_of(use.finish)
            if year is not None and not item.is_exam:
                by_year[year] += item.cap(tier)
        for year in range(1, len(rule.years) + 1):
            got = by_year[year] + rule.earned_per_year.get(year, 0.0)
            if got < rule.hard_per_year - tolerance:
                broken.append(f"{tier}: year {year} has {got} credits")
    return broken


# -- the plan, for people ------------------------------------------------------------------------


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
        candidates = [_candidate(world.items[i], reading.uses[i]) for i in reading.ids]
        end = max((c.do_by for c in candidates), default=request.today)
        dates = schedule(candidates, Calendar(request.today, max(end, request.today)))
        planned = tuple(
            dataclasses.replace(
                item, counts_toward=_claims(reading.uses[item.id]), aim_by=aims.aim_by.get(item.id)
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


def _candidate(item: HeldItem, use: Use) -> Candidate:
    return Candidate(
        id=item.id,
        is_exam=item.is_exam,
        kind=item.kind,
        credits=item.credits,
        cents=item.cents,
        hours=item.hours,
        do_by=use.finish,
        first=min(item.first, use.finish),
        last=use.finish,
    )


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
