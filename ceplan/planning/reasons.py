"""Why a person is at risk in a team's plan: lines a manager can act on (SPEC 7).

A person's reasons are a tuple of lines, one cause a line, none said twice:

- **No plan of their own** (:func:`own_reasons`): the one-person reasons, path by path, but a
  cause shared by paths said once: "every path but 80 credits needs a new exam, and new exams
  are not allowed for them" for someone who does not sit exams.
- **Not proved**: against a plan not proved to renew the most priority, only their own
  cheapest plan's cost (how much more money would renew them would be measured against the
  wrong plan).
- **Each budget period that falls short** for the plan that renews them with the least money
  added (:func:`_cause`): its budget is less than that plan needs there, or others spent it
  ("FY2027-28 is spent by renewals of the same or higher priority: 78.00 GBP is left, their
  plan needs 316.00 GBP"), said only when others did spend there. When the money named is
  less than what that plan needs beyond what is left, others' plans must change to make room,
  and the line says so.
- **A tie** (:func:`_tie`): someone renewing has the same priority and a plan that costs no
  more than theirs; if that person's money, with what is left, pays for a plan of theirs, a
  priority one higher would renew them instead, and the line names both and that priority.
- **The money that would renew them, last** (:func:`more`): "316.00 GBP more in FY2027-28
  would renew Priya", the least money added to the budget periods that renews them while
  everyone renewing still does. When several people at risk are given such a figure, each
  is for that person alone, and the line says so; when the least money that renews them all
  together is known and is more than their figures added up, it says they cannot all have
  theirs at once.

Each claim is one a test checks by planning the team again: with the money named, with the
priority named, and with the figures added up.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ceplan.catalogue.models import Catalog, PathRule
from ceplan.limits import MAX_PRIORITY
from ceplan.model.team import OutOfTime, build_team
from ceplan.requests.held import HeldRequest
from ceplan.requests.person import PlanRequest
from ceplan.results.plan import Plan
from ceplan.roster.models import Person, Roster
from ceplan.solving import loop
from ceplan.solving.backends import Solver
from ceplan.solving.progress import Progress
from ceplan.solving.repair import within
from ceplan.solving.team import TeamSolution
from ceplan.status import Deadline
from ceplan.units import format_money, money_value

__all__ = ["Money", "Shared", "at_risk_reasons", "more", "own_reasons", "spending"]


@dataclass(frozen=True)
class Money:
    """The least money added to the budget periods that renews one person at risk."""

    added: Mapping[int, int]
    """Whole cents added to each budget period (position) that gets any."""
    spends: Mapping[int, float]
    """What their plan then spends out of pocket in each period (cents)."""


@dataclass(frozen=True)
class Shared:
    """What the reasons of one team plan read, worked out once for everyone at risk."""

    catalog: Catalog
    roster: Roster
    solution: TeamSolution
    budget_cents: Sequence[int]
    fund_cents: Sequence[int]
    requests: Mapping[str, PlanRequest | HeldRequest]
    """Each person's one-person request, by id."""
    plan_alone: Callable[[Person], Plan]
    """Each person's own cheapest plan (made once)."""
    proved: bool
    """Whether who renews is proved the best (the priority stage reached its bound)."""
    finish: Deadline
    solver: Solver
    fits: Callable[[Person, list[int], list[int]], bool] | None = None
    """Whether some plan of a person's fits the cents given to each budget period and fund;
    ``None``: asked of the team's model for a team of one (schema 1's)."""


def at_risk_reasons(
    shared: Shared,
    money: Callable[[Person], Money | None],
    together: Callable[[Sequence[str]], int | None] | None = None,
    progress: Progress | None = None,
) -> dict[str, tuple[str, ...]]:
    """The reasons of everyone the plan leaves at risk, by person id.

    Parameters
    ----------
    shared
        The plan and what it had (:class:`Shared`).
    money
        The least money that renews a person with everyone renewing (:class:`Money`), or
        ``None`` when no money would do or none was found in time (it may raise
        :class:`~ceplan.model.team.OutOfTime`). Asked only against a proved plan.
    together
        The least money, in whole cents, that renews all of the given people (ids) with
        everyone renewing, when it is proved least; ``None`` when not known.
    progress
        Told as the reasons begin and end, and now and then how many people are done
        (:mod:`ceplan.solving.progress`).
    """
    solution = shared.solution
    people = [p for p in shared.roster.people if not solution.renews[p.id]]
    if not people:
        return {}
    began = time.perf_counter()
    told = (progress or Progress()).part("reasons")
    count = f"{len(people):,} {'person' if len(people) == 1 else 'people'} at risk"
    told(count)
    own = {}
    for number, person in enumerate(people):
        told.tick(f"{number:,} of {count}: their own plans")
        own[person.id] = shared.plan_alone(person)
    figures: dict[str, Money] = {}
    if shared.proved:
        for number, person in enumerate(people):
            told.tick(f"{number:,} of {count}: the money that would renew them")
            if own[person.id].found:
                try:
                    found = money(person)
                except OutOfTime:
                    found = None
                if found is not None:
                    figures[person.id] = found
    if len(figures) > 1 and together is not None:
        told(f"the money that would renew the {len(figures):,} given a figure, all together")
    apart = _apart(figures, together)
    spent = spending(shared.roster, solution)
    places = _InPlace(shared, spent)
    reasons: dict[str, tuple[str, ...]] = {}
    for number, person in enumerate(people):
        told.tick(f"{number:,} of {count}: ties checked ({places.solved} solves)")
        alone = own[person.id]
        if alone.status == "unknown":
            reasons[person.id] = ("no plan of their own was found before the time limit",)
        elif not alone.found:
            reasons[person.id] = own_reasons(alone, person.exams)
        elif not shared.proved:
            reasons[person.id] = (_not_proved(shared, alone),)
        else:
            tie = _tie(shared, person, alone, places)
            found = figures.get(person.id)
            reasons[person.id] = _money_reasons(shared, person, alone, found, spent, apart, tie)
    told(f"done in {time.perf_counter() - began:.1f} s")
    return reasons


@dataclass(frozen=True)
class _Apart:
    """Several people at risk were each given a figure: what is known of them together."""

    count: int
    least: int | None
    """The least money (cents) that renews them all together, when it is more than their
    figures added up (they cannot all have theirs at once); else ``None``."""


def _apart(
    figures: Mapping[str, Money], together: Callable[[Sequence[str]], int | None] | None
) -> _Apart | None:
    """What to say of several figures (``None``: fewer than two)."""
    if len(figures) < 2:
        return None
    asked = sum(sum(found.added.values()) for found in figures.values())
    least = None
    if together is not None:
        try:
            least = together(sorted(figures))
        except OutOfTime:
            least = None
    return _Apart(len(figures), least if least is not None and least > asked else None)


def _not_proved(shared: Shared, alone: Plan) -> str:
    """Against a plan not proved best, only what is known: their own cheapest plan's cost."""
    own = format_money(alone.total_cost, shared.catalog.currency)
    if shared.solution.termination == "time_limit":
        return (
            f"not renewed in the plan found before the time limit; their own cheapest plan "
            f"costs {own}"
        )
    return (
        "not renewed in this plan, which is not proved to renew the most priority "
        f"(see its bounds): more may renew; their own cheapest plan costs {own}"
    )


def _money_reasons(
    shared: Shared,
    person: Person,
    alone: Plan,
    found: Money | None,
    spent: Mapping[int, Mapping[str, float]],
    apart: _Apart | None,
    tie: str | None,
) -> tuple[str, ...]:
    """The lines of someone with a plan of their own whom a proved plan leaves at risk."""
    catalog, roster = shared.catalog, shared.roster
    if found is None:
        if shared.finish.expired:
            own = format_money(alone.total_cost, catalog.currency)
            first = (
                "what more money would renew them was not worked out before the time limit; "
                f"their own cheapest plan costs {own}"
            )
        else:
            first = "the budgets and funds cannot renew this person alongside the others"
        return (first, *([tie] if tie else []))
    causes = [
        cause
        for n in sorted(set(found.spends) | set(found.added))
        if (cause := _cause(shared, person, spent, n, found))
    ]
    if not causes:  # their plan fits what is left; the others' must move to make room
        causes = ["the budgets cannot renew them alongside the others as the plan stands"]
    line = more(roster, found.added, catalog.currency, person.name)
    if apart is not None:
        line += _apart_words(apart, catalog.currency)
    return (*causes, *([tie] if tie else []), line)


def _apart_words(apart: _Apart, currency: str) -> str:
    """What the money line adds when several people at risk were given a figure.

    Examples
    --------
    >>> _apart_words(_Apart(3, None), "GBP")
    ', a figure for them alone, not for the 3 people at risk given one together'
    >>> _apart_words(_Apart(2, 47400), "GBP")
    ', a figure for them alone: the 2 people at risk given one cannot all have theirs at once (both need at least 474.00 GBP more)'
    """  # noqa: E501
    if apart.least is None:
        return (
            f", a figure for them alone, not for the {apart.count} people at risk given one "
            "together"
        )
    need = format_money(money_value(apart.least), currency)
    everyone = "both" if apart.count == 2 else f"all {apart.count}"
    return (
        f", a figure for them alone: the {apart.count} people at risk given one cannot all "
        f"have theirs at once ({everyone} need at least {need} more)"
    )


def more(roster: Roster, added: Mapping[int, int], currency: str, name: str) -> str:
    """How much more money, in which budget periods, would renew ``name``: words to check.

    Examples
    --------
    >>> from ceplan.roster.models import Roster
    >>> roster = Roster.model_validate({"schema": 1, "team": "T", "people": [
    ...     {"id": "bo", "name": "Bo", "tier": "pro", "expires": "2028-01-31"}], "budgets": [
    ...     {"name": "FY1", "start": "2026-04-01", "end": "2027-03-31", "amount": 0},
    ...     {"name": "FY2", "start": "2027-04-01", "end": "2028-03-31", "amount": 0}]})
    >>> more(roster, {1: 31600}, "GBP", "Bo")
    '316.00 GBP more in FY2 would renew Bo'
    >>> more(roster, {0: 10000, 1: 25000}, "GBP", "Bo")
    '350.00 GBP more (100.00 GBP in FY1, 250.00 GBP in FY2) would renew Bo'
    """
    total = format_money(money_value(sum(added.values())), currency)
    parts = [
        f"{format_money(money_value(cents), currency)} in {roster.budgets[n].name}"
        for n, cents in sorted(added.items())
    ]
    if len(parts) == 1:
        where = " in " + parts[0].split(" in ", 1)[1]
    else:
        where = f" ({', '.join(parts)})"
    return f"{total} more{where} would renew {name}"


def spending(roster: Roster, solution: TeamSolution) -> dict[int, dict[str, float]]:
    """By budget period, then person: what the plan spends there out of pocket (cents)."""
    spent: dict[int, dict[str, float]] = {n: {} for n in range(len(roster.budgets))}
    for other in roster.people:
        for taken in solution.taken[other.id]:
            if taken.period is not None:
                out = taken.cents - sum(taken.paid_by_fund.values())
                mine = spent.setdefault(taken.period, {})
                mine[other.id] = mine.get(other.id, 0.0) + out
    return spent


def _cause(
    shared: Shared,
    person: Person,
    spent: Mapping[int, Mapping[str, float]],
    period: int,
    found: Money,
) -> str | None:
    """Why budget period ``period`` does not pay for ``person``'s plan, in words (or ``None``).

    ``found`` is the least money that renews them and what their plan then spends in each
    period. A period holding less than that plan spends there is too small, whoever spent in
    it; one whose amount would do but not what the others left is spent by them, and the words
    say whose priority they have, what is left and what the plan needs; one with enough left
    is no cause at all. When the money added there is less than the plan needs beyond what is
    left, others must spend less there: their plans change to make room.
    """
    roster, currency = shared.roster, shared.catalog.currency
    budget, amount = roster.budgets[period], shared.budget_cents[period]
    own = found.spends.get(period, 0.0)
    needs = format_money(money_value(round(own)), currency)
    if own > amount + 0.5:
        given = format_money(money_value(amount), currency)
        return f"{budget.name}'s budget ({given}) is less than their plan needs in it ({needs})"
    others = {other: cents for other, cents in spent[period].items() if other != person.id}
    spenders = [other for other in roster.people if others.get(other.id, 0.0) > 0.5]
    left = amount - sum(others.values())
    if own <= left + 0.5 or not spenders:
        return None
    least = min(other.priority for other in spenders)
    if least > person.priority:
        whose = "higher-priority renewals"
    elif least == person.priority:
        whose = "renewals of the same or higher priority"
    else:
        whose = "other renewals"
    rest = format_money(money_value(max(0, round(left))), currency)
    text = f"{budget.name} is spent by {whose}: {rest} is left, their plan needs {needs}"
    if own > left + found.added.get(period, 0) + 0.5:
        text += ", so others' plans must change to make room"
    return text


_TIES_TRIED = 2
"""The most people renewing in someone's place :func:`_tie` asks about (each one solve)."""


def _tie(shared: Shared, person: Person, alone: Plan, places: _InPlace) -> str | None:
    """Someone renewing with ``person``'s priority and a plan costing no more than ``alone``'s.

    Raising ``person``'s priority by one renews them when a plan of theirs fits what is left
    with that someone's money added (:class:`_InPlace`): the plan renewing them instead of
    that someone then renews one more unit of priority than any plan without them can (the
    plan in hand is proved to renew the most). Candidates: the same cost first, then the
    dearest, then by id; each that frees money is asked in turn (at most
    :data:`_TIES_TRIED`). ``None`` when none fits, or the priority is already the highest.
    """
    solution, catalog = shared.solution, shared.catalog
    if person.priority >= MAX_PRIORITY or shared.finish.expired:
        return None
    cost = round(alone.total_cost * 100)
    costs = {
        other.id: sum(t.cents for t in solution.taken[other.id])
        for other in shared.roster.people
        if other.priority == person.priority and solution.renews[other.id]
    }
    named = {other.id: other for other in shared.roster.people}
    candidates = sorted(
        (other for other, c in costs.items() if 0 < c <= cost),
        key=lambda other: (costs[other] != cost, -costs[other], other),
    )
    # Their own plan, proved cheapest, costs the least any plan of theirs can.
    least = cost if alone.status == "optimal" else None
    for other in candidates[:_TIES_TRIED]:
        if not places.fits(person, other, least):
            continue
        name = named[other].name
        if costs[other] == cost:
            how = f"a tie: {name} has the same priority and the same cost ({_money(cost, catalog)})"
        else:
            how = (
                f"{name} has the same priority and costs less ({_money(costs[other], catalog)} "
                f"against {_money(cost, catalog)})"
            )
        return (
            f"{how}, and renews; priority {person.priority + 1} would renew {person.name} instead"
        )
    return None


def _money(cents: int, catalog: Catalog) -> str:
    return format_money(money_value(cents), catalog.currency)


_PLACES_SOLVED = 8
"""The most one-person solves :class:`_InPlace` makes for one plan's reasons (each about 0.1
to 0.2 s): past them, no more ties are said, so that a team with hundreds at risk is not
held up by its reasons. Counted, not timed: the same plan says the same."""


class _InPlace:
    """Whether a plan of someone at risk fits in the place of someone renewing.

    Everyone else's plan stays as it is: what the budget periods and funds have left, with
    the money of the one renewing freed (their out-of-pocket spend in each period, their
    fund use). Asked of the team's model for a team of one holding that money
    (:func:`~ceplan.model.team.build_team` with ``cents``), weekly hours included; no plan
    found in time counts as none. People at risk with the same one-person request and the
    same money get the same answer, asked once; at most :data:`_PLACES_SOLVED` are asked.
    """

    def __init__(self, shared: Shared, spent: Mapping[int, Mapping[str, float]]) -> None:
        self.shared, self.spent = shared, spent
        self.answers: dict[tuple[Any, ...], bool] = {}
        self.solved = 0

    def money(self, other: str) -> tuple[list[int], list[int]]:
        """Whole cents in each period and fund with ``other``'s money freed."""
        shared, solution = self.shared, self.shared.solution
        budget = [
            _whole(amount - sum(c for who, c in self.spent[n].items() if who != other))
            for n, amount in enumerate(shared.budget_cents)
        ]
        freed: dict[int, float] = {}
        for taken in solution.taken[other]:
            for f, cents in taken.paid_by_fund.items():
                freed[f] = freed.get(f, 0.0) + cents
        funds = [
            _whole(amount - solution.used.get(f, 0.0) + freed.get(f, 0.0))
            for f, amount in enumerate(shared.fund_cents)
        ]
        return budget, funds

    def fits(self, person: Person, other: str, least: int | None = None) -> bool:
        """Whether a plan of ``person``'s fits in ``other``'s place.

        ``least``: the least any plan of theirs costs (cents), when known; less money than
        that in all is no place for them, without a solve.
        """
        budget, funds = self.money(other)
        if least is not None and sum(budget) + sum(funds) < least:
            return False
        request = self.shared.requests[person.id]
        key = (request, tuple(budget), tuple(funds))
        if key not in self.answers:
            if self.solved >= _PLACES_SOLVED:
                return False  # not asked: no tie is said
            self.solved += 1
            self.answers[key] = self._solve(person, request, (budget, funds))
        return self.answers[key]

    def _solve(
        self,
        person: Person,
        request: PlanRequest | HeldRequest,
        money: tuple[list[int], list[int]],
    ) -> bool:
        shared = self.shared
        if shared.fits is not None:
            return shared.fits(person, *money)
        assert isinstance(request, PlanRequest)
        # As for any plan that must fit money left: no item dearer than all of it.
        request = within(shared.catalog, request, money)
        team = shared.roster.model_copy(update={"people": (person,)})
        try:
            model = build_team(
                shared.catalog,
                team,
                today=request.today,
                requests={person.id: request},
                deadline=shared.finish,
                cents=money,
            )
        except OutOfTime:
            return False
        member = model.members[person.id]
        member.renew.lowBound = 1
        model.problem.setObjective(member.renew)  # fixed at 1: any plan that fits will do
        run = loop.solve(model.problem, [member.block], shared.solver, shared.finish, 0.0)
        return run.status in ("optimal", "feasible")


def _whole(cents: float) -> int:
    """Cents the solver gave, as whole cents that are surely there (never below 0)."""
    return max(0, math.floor(cents + 1e-6))


def own_reasons(plan: Plan, exams: bool = True) -> tuple[str, ...]:
    """Why someone has no plan of their own, one cause a line (``exams``: may they sit exams).

    The one-person reasons, path by path, each said once; for someone who does not sit
    exams, the paths that need a new exam are said in one line, and only the others' reasons
    follow.
    """
    texts = [b.text for b in plan.blocked] or list(plan.reasons)
    if not texts:
        return ("no plan renews this certification in time",)
    if exams or not plan.paths or any(b.path_index is None for b in plan.blocked):
        return tuple(dict.fromkeys(texts))
    passed = dict(plan.passed)
    needing = {n for n, rule in enumerate(plan.paths) if _needs_exam(rule, passed)}
    if not needing:
        return tuple(dict.fromkeys(texts))
    rest = [b for b in plan.blocked if b.path_index not in needing]
    if rest:
        but = " and ".join(
            plan.paths[b.path_index].describe() for b in rest if b.path_index is not None
        )
        first = f"every path but {but} needs a new exam, and new exams are not allowed for them"
    else:
        first = "every path needs a new exam, and new exams are not allowed for them"
    return tuple(dict.fromkeys([first, *(b.text for b in rest)]))


def _needs_exam(rule: PathRule, passed: Mapping[str, int]) -> bool:
    """Whether ``rule`` needs an exam not yet passed."""
    return any(count > passed.get(kind, 0) for kind, count in rule.exams.items())
