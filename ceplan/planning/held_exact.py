"""The exact dynamic programme for the schema 2 requests it solves exactly (SPEC 9).

SPEC 9 asks for "the DP where it still applies exactly". :func:`why_not_exact` is the one
statement of where that is, and :func:`exact_reading` the plan found there; what
:func:`~ceplan.planning.held.plan_held` runs first when the solver is ``"auto"``.

**The condition** (:func:`why_not_exact` returns ``None``). The request holds one tier, which
has no hard yearly minimum, and for every path that may be chosen (each of the tier's paths, or
the one asked for): each ``min`` is already met by the credits earned in its category; each
``max`` leaves room above the earned credits for all the credits the usable activities have in
its category (after ``per_activity``); each ``by_type`` cap is at least the credits (after
``per_activity``) of all the usable activities of its type; and ``per_activity`` leaves an
activity split over several categories the tier's paths name (or over one and credits in none)
all its credits. Fees, the credit step, exams, a budget and soft yearly targets are allowed.

**Why the answer is the integer programme's** (:mod:`ceplan.model.claims`, walked in the order
cost with fees, hours, count, ids). With one tier held there is one way to renew, so the fees
are a constant of every plan and leave the order of plans as it was. Without a hard yearly
minimum an item's finish day changes nothing but the day shown (each finishes as late as it
may: :func:`~ceplan.planning.reading.finish_day`). Under the condition no ``min``, ``max``,
``by_type`` or ``per_activity`` row can hold back any claim: whatever items are taken, each
activity claims exactly ``min(part, cap)`` of each of its classes (its credits by the
categories the paths name, the rest together), which sum to ``cap``, its credits after
``per_activity`` (for an activity in one class, ``min(part, cap) = cap``; in several,
``cap`` is all its credits). So a set of items meets path ``p`` exactly when the caps of its
activities reach ``p``'s credits less what was earned and counts there, and its exams of each
kind what ``p`` needs beyond those passed: SPEC 3's problem, with each activity's credits its
cap. That problem's best plan in the same order (cost, hours, count, smallest sorted ids) is
what :mod:`ceplan.solving.exact` finds, after the exact shrinking of
:func:`~ceplan.candidates.items.shrink` (both proved there, and used so by schema 1's planner).
The plan is then read as the integer programme's is read once its items are fixed: the first
path (in the tier's order) the items meet, or the path asked for; each item's claims in full
(unique, since nothing holds them back), each finish day by
:func:`~ceplan.planning.reading.finish_day`. The items, the path, the claims and the days being the
same, so is the :class:`~ceplan.results.plan.Plan` (its ``solver`` aside, ``"dp"``).

Where the DP's table would be too large (:func:`ceplan.solving.exact.applies`), or no plan
exists (the reasons are the integer programme's to find), :func:`exact_reading` gives ``None``
and the integer programme runs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping

from ceplan.candidates.held import HeldItem, HeldRule, HeldWorld
from ceplan.candidates.items import Candidate, meets, shrink
from ceplan.catalogue.models import PathRule
from ceplan.errors import SolverError
from ceplan.objective import ONE_PERSON
from ceplan.planning.reading import Reading, Use, broken_rules, finish_day, item_classes
from ceplan.solving import exact
from ceplan.status import Solution
from ceplan.units import CREDIT_TOLERANCE

__all__ = ["exact_reading", "exact_solution", "why_not_exact"]

_SPLIT = 1e-9
"""How far a cap may fall short of an activity's credits before it holds back a claim."""


def why_not_exact(world: HeldWorld, path: tuple[str, int] | None = None) -> str | None:
    """The first rule that keeps the request from the exact DP, in words; ``None`` if none.

    ``path`` is :func:`~ceplan.planning.held.plan_held`'s: a tier and one of its paths that
    the plan must meet. See the module docstring for the condition and why it is exact.
    """
    if world.calendar is not None:
        return "a plan over time (weekly hours or days away)"
    if any(item.session is not None for item in world.items.values()):
        return "an activity with dated sessions (at most one of them is taken)"
    if len(world.rules) != 1 or len(world.ways) != 1:
        return "several tiers held"
    rule = next(iter(world.rules.values()))
    if rule.hard_per_year is not None:
        return f"{rule.tier}: a hard yearly minimum"
    activities = [i for i in world.items.values() if not i.is_exam and rule.tier in i.counts_for]
    used = rule.categories_used
    for index in _considered(rule, path):
        chosen = rule.paths[index]
        for k in sorted(chosen.min):
            if chosen.min[k] - rule.earned_in(k, chosen) > CREDIT_TOLERANCE:
                return f"{rule.tier}: the min of {k} is not met yet"
        for k in sorted(chosen.max):
            room = max(0.0, chosen.max[k] - rule.earned_by_category.get(k, 0.0))
            most = math.fsum(min(i.part(k), i.cap(rule.tier)) for i in activities)
            if most > room + CREDIT_TOLERANCE:
                return f"{rule.tier}: the max of {k} can hold credits back"
    by_type: dict[str, float] = defaultdict(float)
    for item in activities:
        by_type[item.type] += item.cap(rule.tier)
        if len(item_classes(item, used)) > 1 and item.cap(rule.tier) < item.credits - _SPLIT:
            return f"{rule.tier}: per_activity splits {item.id}'s credits by choice"
    for kind, limit in sorted(rule.by_type.items()):
        if by_type.get(kind, 0.0) > limit + CREDIT_TOLERANCE:
            return f"{rule.tier}: the by_type cap of {kind} can hold credits back"
    return None


def exact_reading(world: HeldWorld, path: tuple[str, int] | None = None) -> Reading | None:
    """The best plan of ``world`` by the exact DP, read as the integer programme's is.

    ``None`` when the DP does not apply (:func:`why_not_exact`, or a table too large), or when
    no plan exists within the budget (the integer programme then says why).

    Raises
    ------
    SolverError
        If the plan found breaks a rule (:func:`~ceplan.planning.reading.broken_rules`): a bug.
    """
    if why_not_exact(world, path) is not None:
        return None
    rule = next(iter(world.rules.values()))
    way = world.ways[0]
    deadline = way.deadlines[rule.tier]
    candidates = [_candidate(item, rule.tier, deadline) for item in world.items.values()]
    needs = {p: _need(rule, p) for p in _considered(rule, path)}
    found = () if None in needs.values() else _best(candidates, needs, rule.passed)
    if found is None:
        return None
    chosen: tuple[str, ...] = found
    by_id = {c.id: c for c in candidates}
    cents = sum(by_id[i].cents for i in chosen) + way.fee_cents
    if world.budget_cents is not None and cents > world.budget_cents:
        return None
    index = min(
        p
        for p, need in needs.items()
        if need is None or meets([by_id[i] for i in chosen], need, 0.0, rule.passed)
    )
    uses = {item_id: _use(world, world.items[item_id], rule) for item_id in chosen}
    reading = Reading(way, {rule.tier: index}, uses)
    broken = broken_rules(world, reading)
    if broken:
        raise SolverError(f"the exact search returned a plan that breaks the rules ({broken[0]})")
    return reading


def exact_solution(reading: Reading) -> Solution:
    """What the exact DP proved of ``reading``: optimal in every stage of the order."""
    return Solution(
        status="optimal",
        termination="solved",
        chosen=reading.ids,
        gap=0.0,
        proven=tuple(stage.name for stage in ONE_PERSON.stages),
        solver="dp",
    )


def _considered(rule: HeldRule, path: tuple[str, int] | None) -> list[int]:
    """The positions of the tier's paths a plan may meet (the one asked for, or all)."""
    if path is not None and path[0] == rule.tier:
        return [path[1]]
    return list(range(len(rule.paths)))


def _need(rule: HeldRule, index: int) -> PathRule | None:
    """What path ``index`` still needs, as a path of SPEC 3 (``None``: met already).

    Its credits less the earned credits that count toward it; its exams (the passed ones are
    taken off by the search).
    """
    chosen = rule.paths[index]
    credits = max(0.0, chosen.credits - rule.earned_counted(chosen))
    exams = {k: n for k, n in chosen.exams.items() if n > rule.passed.get(k, 0)}
    if credits <= CREDIT_TOLERANCE and not exams:
        return None
    return PathRule(credits=credits, exams=dict(chosen.exams))


def _candidate(item: HeldItem, tier: str, deadline: dt.date) -> Candidate:
    """``item`` as SPEC 3 sees it: an activity's credits are its cap toward ``tier``."""
    return Candidate(
        id=item.id,
        is_exam=item.is_exam,
        kind=item.kind,
        credits=0.0 if item.is_exam else item.cap(tier),
        cents=item.cents,
        hours=item.hours,
        do_by=deadline,
    )


def _best(
    candidates: list[Candidate],
    needs: Mapping[int, PathRule | None],
    passed: Mapping[str, int],
) -> tuple[str, ...] | None:
    """The ids of the best plan over the paths ``needs`` (``None``: none, or no DP)."""
    rules = {p: need for p, need in needs.items() if need is not None}
    kept = shrink(candidates, list(rules.values()), 0.0, passed)
    scale = exact.applies(kept, list(rules.values()), 0.0)
    if scale is None:
        return None
    found = exact.best_by_path(kept, rules, 0.0, passed, scale)
    plans = [best.outcome(p) for p, best in found.items() if best is not None]
    if not plans:
        return None
    return min(plans, key=ONE_PERSON.key).ids


def _use(world: HeldWorld, item: HeldItem, rule: HeldRule) -> Use:
    """How the plan uses ``item``: every class claimed in full toward the tier, its finish day."""
    if item.is_exam:
        claims: dict[str, dict[str, float]] = {rule.tier: {}}
        stretches: tuple[tuple[dt.date, dt.date], ...] = ((item.first, item.first),)
    else:
        cap = item.cap(rule.tier)
        classes = item_classes(item, rule.categories_used)
        claims = {
            rule.tier: {
                k: amount for k, part in classes if (amount := min(part, cap)) > CREDIT_TOLERANCE
            }
        }
        stretches = world.segments(item)
    way = world.ways[0]
    return Use(finish_day(world, item, way, claims, stretches, 0), claims)
