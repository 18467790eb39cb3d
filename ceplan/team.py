"""The team model (SPEC section 7): one block per person, shared budget periods and funds.

This module builds and solves the integer programme of a team's renewals;
:mod:`ceplan.team_planning` turns its answer into a :class:`~ceplan.team_results.TeamPlan`.

The model, built from the data with no I/O:

- each person's block (:func:`ceplan.formulation.add_person`, names under ``p<n>__``, ``n``
  the person's place in id order) with a binary ``renew_p<n>``: one path met when it is 1,
  nothing taken when it is 0 (and always 0 for a person past their do-by date: too late, as
  for one person);
- an item is paid on one day of its window (from the day it opens), no later than it starts.
  The days are cut into segments at the first day of each budget period, the day after each
  ends and the day after each fund expires; a segment lies in one period (or none) and wholly
  before or after each fund's expiry. A person's block takes an item *paid in a segment*
  (``<item>@<n>``: paid on the segment's first day the item is open, and started no earlier),
  at most once (``<person>__once_<item>``). A dated session is paid in the segment holding its
  first day; an item with self-study hours in one with a day its work can still be done on;
  an item that can be paid in no budget period is left out when budgets are given;
- ``<person>__pay_<k>`` (continuous, cents): what a fund pays toward an item paid in a
  segment, for items of the kinds it ``pays_for``, paid on or before it expires; at most the
  item's cost;
- ``period_<n>``: out-of-pocket spending paid in a period is at most its amount;
  ``fund_<n>``: a fund pays at most its amount. Amounts in another currency are converted as
  prices are (:func:`money_cents`), so a 12.50 USD fund pays exactly for a 12.50 USD course;
- a person with weekly study hours has the stretch rows of the one-person model
  (``<person>__hours_runs_<first>_<last>``), added as answers break them.

The objective (:data:`STAGES`), in order:

1. ``priority``: the largest total priority of the people who renew;
2. ``out_of_pocket``: the least out-of-pocket spend (fund money is already spent);
3. ``hours``: the fewest hours in total (counted in one step for the whole team, see
   :func:`~ceplan.units.hours_scale`);
4. ``renewal``: the latest renewals, as the sum over the people with weekly hours of the days
   from today to the day their path is met (the one-person markers of
   :meth:`~ceplan.formulation.Formulation.add_renewal`). For everyone else the order takes
   the renewal to be their do-by date whatever they take, as :func:`ceplan.optimise` does
   (its order for a plan without dates has no renewal stage);
5. ``ids``: each person on their own (:func:`_each_person`): among the plans that use the
   same money from each budget period and fund and the same hours (and renew no earlier),
   their one-person tie-break, the fewest items and then the smallest ids in sort order;
   last, their items are paid as early as they can be. There is no order by person ids.

Each stage's optimum is held while the next runs. With ample budgets no person's choice
touches another's, so each stage's best total is every person's own best, and every person's
plan is their one-person plan (:data:`~ceplan.objective.ONE_PERSON` or, with weekly hours,
:data:`~ceplan.objective.ONE_PERSON_OVER_TIME`), dates included: once the items are chosen,
each person's are scheduled as their one-person plan's are (:func:`ceplan.scheduling.schedule`,
as late as the do-by date and the weekly hours allow, never before they are paid).

Whatever stops the search, the plan read from an answer is irredundant: what a person's path
does not need is dropped, and the money it took goes back (:func:`_solution`).

A time limit is for the whole solve (every stage and every call): when it runs out, the best
plan found so far is returned, ``feasible``, with the stage it stopped in and, where the solver
gives one, the stage's relative gap (a number from 0 to 1). When it stops the first stage, a
plan made without the solver (:func:`first_come_plan`: each person's own plan, highest priority
first, paid while the money lasts) is used if it renews more priority.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulp

from ceplan.candidates import Candidate, drop_redundant, meets, reduce_dominated, usable_items
from ceplan.catalog import Catalog, PathRule, to_cents
from ceplan.errors import PlanInputError
from ceplan.formulation import Formulation, _name, add_person
from ceplan.limits import MAX_MONEY, MAX_TEAM_VARIABLES, describe
from ceplan.planning import PlanRequest, make_request
from ceplan.roster import Person, Roster
from ceplan.scheduling import schedule
from ceplan.solving import HighsSolver, Solver, first_path, make_solver
from ceplan.status import Deadline, Run
from ceplan.units import hours_scale

__all__ = [
    "Member",
    "OutOfTime",
    "Segment",
    "Taken",
    "TeamModel",
    "TeamSolution",
    "build_team",
    "first_come_plan",
    "least_money",
    "money_cents",
    "solve_team",
]

STAGES = ("priority", "out_of_pocket", "hours", "renewal", "ids")
"""The team's objective, in order (see the module's docstring)."""


@dataclass(frozen=True)
class Segment:
    """Days that fall in one budget period (or none) and on one side of every fund's expiry."""

    start: dt.date
    end: dt.date
    period: int | None
    """The budget period (position in the roster) holding these days."""
    funds: tuple[int, ...]
    """The funds (positions) still valid on these days."""


@dataclass(frozen=True)
class Taken:
    """An item in a person's plan: which one, paid when and how, done when."""

    item: str
    paid_on: dt.date
    """The day it is paid: its cost falls in the budget period holding it."""
    cents: int
    period: int | None
    paid_by_fund: Mapping[int, float]
    """Cents paid by each fund (position), possibly in part."""
    start: dt.date
    finish: dt.date
    """When it is done, as in a one-person plan (``paid_on <= start <= finish``)."""
    complete_by: dt.date
    """Its do-by date."""
    hours: float


@dataclass(frozen=True)
class TeamSolution:
    """What the solver found: who renews with what, what each period and fund paid."""

    status: str
    """``"optimal"`` (every stage proved), ``"feasible"``, ``"unknown"``."""
    termination: str
    gap: float | None
    """The relative gap (0 to 1) of the stage the search stopped in (0 when all were proved,
    ``None`` when the solver gave none)."""
    stopped_in: str | None
    """The stage a limit stopped, if one did."""
    renews: Mapping[str, bool]
    paths: Mapping[str, int | None]
    taken: Mapping[str, tuple[Taken, ...]]
    spent: Mapping[int, float]
    """Out-of-pocket cents by budget period."""
    used: Mapping[int, float]
    """Cents paid by each fund."""
    out_of_pocket: float
    priority: float


@dataclass(frozen=True)
class Member:
    """One person's part of a problem: their block, payments, and what they spend and take."""

    block: Formulation
    renew: Any
    pay: dict[tuple[str, int], Any]
    """By virtual item id and fund: cents the fund pays toward it."""
    spend: dict[int, Any]
    """By budget period: the person's out-of-pocket cents paid in it."""
    funds: dict[int, Any]
    """By fund: the cents it pays for the person's items."""
    out_of_pocket: Any
    hours: Any
    """In whole steps of ``1 / hours_scale`` hours (the team's step)."""


@dataclass
class TeamModel:
    """The built problem and the maps from the data to its variables."""

    problem: pulp.LpProblem
    roster: Roster
    members: dict[str, Member]
    """Each person's part of the problem, by id."""
    origin: dict[tuple[str, str], tuple[Candidate, int]]
    """By person and virtual item id: the catalogue item and the segment."""
    segments: list[Segment]
    requests: dict[str, PlanRequest]
    copied: dict[str, list[tuple[Candidate, tuple[Candidate, int]]]]
    """By person: each virtual item and where it comes from (the catalogue item, the segment)."""
    hours_scale: int
    """Hours are counted in whole steps of ``1 / hours_scale`` hours, the same for everyone."""
    fund_cents: list[int]
    budget_cents: list[int]
    tags: dict[str, str]
    """By person id: what the person's names in the problem start with (``p<n>``, ``n`` the
    person's place in id order). Names are made from places, never from ids, so that ids
    which differ only where a name cannot (``a-b`` and ``a_b``) never share one."""
    extra: dict[int, Any] = field(default_factory=dict)
    """Whole cents added to each budget period (see :func:`build_team`)."""
    blocks: dict[str, Formulation] = field(init=False)
    renew: dict[str, Any] = field(init=False)
    pay: dict[tuple[str, str, int], Any] = field(init=False)
    """By person, virtual item id and fund: cents the fund pays."""
    copies: dict[str, dict[str, list[str]]] = field(init=False)
    """By person and catalogue item id: the virtual ids that stand for it."""
    priority: Any = field(init=False)
    """The total priority of the people who renew."""
    out_of_pocket: Any = field(init=False)
    """The cents the budget periods pay in all."""
    hours: Any = field(init=False)
    """Total hours in whole steps of ``1 / hours_scale`` hours."""

    def __post_init__(self) -> None:
        members = self.members
        self.blocks = {person: member.block for person, member in members.items()}
        self.renew = {person: member.renew for person, member in members.items()}
        self.pay = {
            (person, virtual, f): variable
            for person, member in members.items()
            for (virtual, f), variable in member.pay.items()
        }
        self.copies = {}
        for person, copied in self.copied.items():
            mine = self.copies.setdefault(person, {})
            for copy, (item, _) in copied:
                mine.setdefault(item.id, []).append(copy.id)
        people = {person.id: person for person in self.roster.people}
        self.priority = pulp.lpSum(
            people[p].priority * member.renew for p, member in members.items()
        )
        self.out_of_pocket = pulp.lpSum(member.out_of_pocket for member in members.values())
        self.hours = pulp.lpSum(member.hours for member in members.values())


class OutOfTime(Exception):
    """The time limit ran out while the team's model was being built."""


def segments_of(roster: Roster, first: dt.date, last: dt.date) -> list[Segment]:
    """The segments of the days ``first..last`` (see the module's docstring)."""
    stop = last + dt.timedelta(days=1)  # a planned day is never the calendar's last

    def day_after(day: dt.date) -> dt.date:  # the day after ``day``, or past the plan's days
        return day + dt.timedelta(days=1) if day < last else stop

    cuts = {first, stop}
    for budget in roster.budgets:
        cuts |= {budget.start, day_after(budget.end)}
    for fund in roster.funds:
        cuts.add(day_after(fund.expires))
    days = sorted(day for day in cuts if first <= day <= stop)
    found = []
    for start, after in zip(days, days[1:], strict=False):
        end = after - dt.timedelta(days=1)
        period = next((n for n, b in enumerate(roster.budgets) if b.holds(start)), None)
        funds = tuple(n for n, f in enumerate(roster.funds) if start <= f.expires)
        found.append(Segment(start, end, period, funds))
    return found


def build_team(
    catalog: Catalog,
    roster: Roster,
    *,
    today: dt.date,
    extra_money: bool = False,
    requests: Mapping[str, PlanRequest] | None = None,
    deadline: Deadline | None = None,
) -> TeamModel:
    """The team's integer programme (pure: no solving, no I/O).

    With ``extra_money``, each budget period gets a whole variable ``extra_<n>`` (cents added
    to its amount), to learn how much more money would renew someone. ``requests`` are the
    people's checked one-person requests, by id (made here when not given). A model that
    would need more than :data:`~ceplan.limits.MAX_TEAM_VARIABLES` variables is refused before
    any of it is built (:class:`~ceplan.errors.PlanInputError`); past the ``deadline``,
    building stops (:class:`OutOfTime`).
    """
    if requests is None:
        requests = {
            person.id: make_request(catalog, person.tier, today=today, **person.inputs())
            for person in roster.people
        }
    last = max(request.complete_by for request in requests.values())
    segments = segments_of(roster, today, max(last, today))
    people = sorted(roster.people, key=lambda p: p.id)
    copied = _copies(catalog, roster, people, requests, segments, deadline)
    problem = pulp.LpProblem("ceplan_team", pulp.LpMinimize)
    used: set[str] = set()
    tags = {person.id: f"p{n}" for n, person in enumerate(people)}
    scale = hours_scale(copy.hours for found in copied.values() for copy, _ in found)
    members: dict[str, Member] = {}
    for person in people:
        _check_time(deadline)
        members[person.id] = _add_member(
            problem,
            used,
            roster,
            person,
            requests[person.id],
            dict(enumerate(catalog.tiers[person.tier].paths)),
            copied[person.id],
            segments,
            tags[person.id],
            scale,
            deadline,
        )
    model = TeamModel(
        problem=problem,
        roster=roster,
        members=members,
        origin={
            (person, copy.id): origin for person, found in copied.items() for copy, origin in found
        },
        segments=segments,
        requests=dict(requests),
        copied=copied,
        hours_scale=scale,
        fund_cents=[money_cents(catalog, fund.amount, fund.currency) for fund in roster.funds],
        budget_cents=[money_cents(catalog, budget.amount) for budget in roster.budgets],
        tags=tags,
    )
    for n in range(len(roster.budgets)):
        terms = [member.spend[n] for member in members.values() if n in member.spend]
        if extra_money:
            model.extra[n] = problem.add_variable(f"extra_{n}", 0, None, cat=pulp.LpInteger)
            terms.append(-1 * model.extra[n])
        problem += pulp.lpSum(terms) <= model.budget_cents[n], f"period_{n}"
    for n in range(len(roster.funds)):
        terms = [member.funds[n] for member in members.values() if n in member.funds]
        problem += pulp.lpSum(terms) <= model.fund_cents[n], f"fund_{n}"
    problem.setObjective(-model.priority)
    return model


def _add_member(
    problem: pulp.LpProblem,
    used: set[str],
    roster: Roster,
    person: Person,
    request: PlanRequest,
    rules: Mapping[int, PathRule],
    copied: Sequence[tuple[Candidate, tuple[Candidate, int]]],
    segments: Sequence[Segment],
    tag: str,
    scale: int,
    deadline: Deadline | None = None,
) -> Member:
    """Add one person's block, payments and sums to ``problem`` (names under ``tag``).

    The same call builds the person in the team's problem and alone (:func:`_alone`), so the
    variables of both have the same names.
    """
    virtual = [copy for copy, _ in copied]
    origin = {copy.id: where for copy, where in copied}
    renew = problem.add_variable(f"renew_{tag}", 0, 1, cat=pulp.LpBinary)
    used.add(f"renew_{tag}")
    if request.too_late:
        renew.upBound = 0  # past the do-by date: no plan, whatever was earned (SPEC 3)
    block = add_person(
        problem,
        virtual,
        rules,
        earned=request.earned,
        passed=dict(request.passed),
        calendar=request.calendar if request.timed else None,
        prefix=f"{tag}__",
        renew=renew,
        used=used,
        interchangeable=False,  # copies of one item per segment are not interchangeable
    )
    if block.weekly is not None:
        for first, last_run in block.weekly.first_stretches():
            block.add_stretch(first, last_run)
    copies: dict[str, list[str]] = {}
    for copy in virtual:
        copies.setdefault(origin[copy.id][0].id, []).append(copy.id)
    for item_id, ids in sorted(copies.items()):
        if len(ids) > 1:
            name = _name(f"{tag}__once", item_id, used)
            problem += pulp.lpSum(block.take[i] for i in ids) <= 1, name
    pay: dict[tuple[str, int], Any] = {}
    spend: dict[int, list[Any]] = {}
    funds: dict[int, list[Any]] = {}
    costs: list[Any] = []
    for copy in sorted(virtual, key=lambda c: c.id):
        _check_time(deadline)
        segment = segments[origin[copy.id][1]]
        take = block.take[copy.id]
        costs.append(copy.cents * take)
        paid = []
        for f in _paying(copy, segment, roster):
            variable = problem.add_variable(f"{tag}__pay_{len(pay)}", 0, None)
            pay[copy.id, f] = variable
            paid.append(variable)
            funds.setdefault(f, []).append(variable)
        if paid:
            name = _name(f"{tag}__paid_at_most", copy.id, used)
            problem += pulp.lpSum(paid) - copy.cents * take <= 0, name
        if segment.period is not None:
            spend.setdefault(segment.period, []).append(copy.cents * take - pulp.lpSum(paid))
    return Member(
        block=block,
        renew=renew,
        pay=pay,
        spend={n: pulp.lpSum(terms) for n, terms in spend.items()},
        funds={n: pulp.lpSum(terms) for n, terms in funds.items()},
        out_of_pocket=pulp.lpSum(costs) - pulp.lpSum(pay.values()),
        hours=pulp.lpSum(round(c.hours * scale) * block.take[c.id] for c in virtual),
    )


def _check_time(deadline: Deadline | None) -> None:
    if deadline is not None and deadline.expired:
        raise OutOfTime


def _copies(
    catalog: Catalog,
    roster: Roster,
    people: Sequence[Any],
    requests: Mapping[str, PlanRequest],
    segments: Sequence[Segment],
    deadline: Deadline | None,
) -> dict[str, list[tuple[Candidate, tuple[Candidate, int]]]]:
    """Each person's items, one copy per segment it may be paid in, with the item and segment.

    Counted before anything is built: a team whose model would need more than
    :data:`~ceplan.limits.MAX_TEAM_VARIABLES` variables is refused here, in about the time it
    takes to count that many.
    """
    found: dict[str, list[tuple[Candidate, tuple[Candidate, int]]]] = {}
    variables = 0
    for person in people:
        _check_time(deadline)
        request = requests[person.id]
        items = usable_items(
            catalog,
            today=request.today,
            complete_by=request.complete_by,
            unavailable_ids=request.completed | request.excluded,
            allow_exams=request.allow_exams,
            calendar=request.calendar if request.timed else None,
        )
        rules = dict(enumerate(catalog.tiers[person.tier].paths))
        items = _undominated(items, rules, request, segments, roster)
        copies: list[tuple[Candidate, tuple[Candidate, int]]] = []
        variables += 1 + len(rules)
        for c in items:
            opens = c.first or request.today
            alike: set[tuple[Any, ...]] = set()
            for n in _starts_in(c, request.today, segments):
                segment = segments[n]
                if roster.budgets and segment.period is None:
                    continue  # it could be paid from no period
                if not request.timed:
                    # Without weekly hours the day it is paid matters only for who pays: one
                    # copy per period and set of funds that may pay (one in all for a free
                    # item), the earliest.
                    way = _who_may_pay(c, segment, roster)
                    if way in alike:
                        continue
                    alike.add(way)
                copy = dataclasses.replace(c, id=f"{c.id}@{n}", first=max(opens, segment.start))
                copies.append((copy, (c, n)))
                variables += 1 + len(_paying(copy, segment, roster))
            if variables > MAX_TEAM_VARIABLES:
                raise PlanInputError(
                    f"the team's model would need more than {describe(MAX_TEAM_VARIABLES)} "
                    "variables (people x items x the days that budget periods and fund expiries "
                    "cut the plan into, and a payment variable for each fund that may pay an "
                    "item): plan fewer people at once, or fewer funds and budget periods"
                )
        found[person.id] = copies
    return found


def _paying(c: Candidate, segment: Segment, roster: Roster) -> list[int]:
    """The funds (positions) that may pay toward ``c`` paid in ``segment``."""
    if c.cents == 0:
        return []
    kind = "exams" if c.is_exam else "activities"
    return [f for f in segment.funds if kind in roster.funds[f].pays_for]


def _who_may_pay(c: Candidate, segment: Segment, roster: Roster) -> tuple[Any, ...]:
    """The budget period and the funds that would pay for ``c`` paid in ``segment``."""
    if c.cents == 0:
        return ()
    return (segment.period, tuple(_paying(c, segment, roster)))


def _starts_in(c: Candidate, today: dt.date, segments: Sequence[Segment]) -> tuple[int, ...]:
    """The segments an item can be paid in: each holds a day of its window it can start on.

    That is from the day it opens to the last day it can start: a dated session's first day,
    the last day its self-study hours can be done on, or (an item with no hours) its do-by
    date. Paid on or after the day it opens and started no earlier, an item is then always
    paid no later than it starts.
    """
    opens = c.first or today
    if not c.self_paced:
        closes = opens
    elif c.hours > 0:
        closes = c.work_until
    else:
        closes = c.finish_by
    return tuple(n for n, s in enumerate(segments) if not (s.end < opens or s.start > closes))


def _undominated(
    items: Sequence[Candidate],
    rules: Mapping[int, Any],
    request: PlanRequest,
    segments: Sequence[Segment],
    roster: Roster,
) -> list[Candidate]:
    """The items that a best team plan may need of one person's (see the rule below).

    Without weekly hours, an item's dates matter only through the segments it can be paid
    in: they decide the budget period that pays and the funds that may. Among items of one
    kind (activities or exams) that can be paid in the very same segments, an item beaten by
    enough others is never needed (:func:`~ceplan.candidates.reduce_dominated`): one of those
    is always free to take its place, in the same segment, and the plan is no worse in any
    stage.

    - Where no fund may pay for items of that kind, "beats" is as for one person: no fewer
      credits, and first in the order (cost, hours, id). A cheaper item then always costs
      less out of pocket, and the out-of-pocket stage comes before the hours.
    - Where a fund may pay, cheaper is not enough: when the fund pays for the dearer item, both
      cost nothing out of pocket and the hours or the ids decide. Each that beats must cost no
      more, take no more hours and have a smaller id (``strict``).

    With weekly hours, the one that beats must also hold the other's window (start day and
    all), and the strict rule holds throughout (still among items paid in the same segments).
    Price ceilings are not used: a dearer item that a fund pays for, or one in a period with
    money left, may be best.
    """
    need = max(rule.credits for rule in rules.values()) - request.earned
    passed = dict(request.passed)
    kinds = {kind for rule in rules.values() for kind in rule.exams}
    exams = {
        kind: max(rule.exams.get(kind, 0) for rule in rules.values()) - passed.get(kind, 0)
        for kind in kinds
    }
    groups: dict[tuple[tuple[int, ...], bool], list[Candidate]] = {}
    for c in items:
        where = _starts_in(c, request.today, segments)
        if roster.budgets:
            where = tuple(n for n in where if segments[n].period is not None)
        groups.setdefault((where, c.is_exam), []).append(c)
    kept: list[Candidate] = []
    for (where, is_exam), group in groups.items():
        kind = "exams" if is_exam else "activities"
        fundable = any(kind in roster.funds[f].pays_for for n in where for f in segments[n].funds)
        kept += reduce_dominated(
            group,
            credits_needed=need,
            exams_needed=exams,
            timed=request.timed,
            starts=request.timed,
            strict=fundable or request.timed,
        )
    return sorted(kept, key=lambda c: c.id)


def money_cents(catalog: Catalog, amount: float, currency: str | None = None) -> int:
    """Money (a budget, a fund) in whole cents of the catalogue's currency.

    Converted exactly as the catalogue converts prices (rounded half to even), so that a fund
    pays exactly for an item of its own amount in its own currency.

    Raises
    ------
    PlanInputError
        For an amount beyond :data:`~ceplan.limits.MAX_MONEY` once converted.
    """
    cents = to_cents(amount, catalog.rate(currency))
    if cents is None:
        raise PlanInputError(
            f"{amount} {currency or catalog.currency} is too large: at most "
            f"{describe(MAX_MONEY)} {catalog.currency} once converted"
        )
    return cents


def solve_team(
    model: TeamModel,
    *,
    seconds: float | None = None,
    progress: Callable[[str], None] | None = None,
    fallback: Callable[[], Sequence[tuple[str, Sequence[str]]]] | None = None,
    deadline: Deadline | None = None,
) -> TeamSolution:
    """Solve the stages in order (:data:`STAGES`), each optimum held while the next runs.

    ``seconds`` limits the whole solve (or ``deadline``, shared with other work).
    ``progress`` is called with a line of text as each stage ends (the command line shows them
    on a terminal). When the limit stops the first
    stage before the solver has any plan, ``fallback`` (if given) is asked for each person's
    own plan, in the order to try them (people, with the catalogue ids of their items):
    :func:`first_come_plan` pays for them in that order while the money lasts, and that plan is
    the answer, ``feasible``, with the gap to the solver's bound on the priority renewed. So is
    it when the limit stops the first stage with a plan that renews less priority. The gap of a
    plan stopped in the first stage is measured against the best priority the bound allows.
    """
    search = _Search(model, make_solver("highs"), deadline or Deadline(seconds))
    renewals: dict[str, Any] = {}
    for number, stage in enumerate(STAGES, start=1):
        began = time.perf_counter()
        expression = None
        if stage == "ids":
            run = _each_person(search, renewals)
        else:
            if stage == "renewal":
                renewals = _renewals(model)
            expression = _expression(model, stage, renewals)
            run = None if expression is None else search.solve(expression)
        if progress is not None:
            said = "optimal" if run is None else run.status
            progress(
                f"stage {number} of {len(STAGES)} ({stage.replace('_', ' ')}): {said} "
                f"in {time.perf_counter() - began:.1f} s"
            )
        if run is None:
            continue
        if stage == STAGES[0] and run.status != "optimal":
            if run.status == "infeasible":  # nobody renewing is always possible
                raise PlanInputError("the team model has no answer (infeasible)")
            found = float(pulp.value(model.priority) or 0) if run.status == "feasible" else None
            ceiling = None
            if fallback is not None:
                # The first-come plan, when the solver has none or a worse one.
                kept = dict(search.best)
                plans = fallback()
                # Nobody without a plan of their own can renew: a bound on the priority.
                ceiling = sum(model.priority.get(model.renew[p], 0.0) for p, _ in plans)
                if first_come_plan(model, plans):
                    priority = float(pulp.value(model.priority) or 0)
                    if found is None or priority > found + 1e-9:
                        gap = _gap(run, priority, ceiling)
                        return _solution(model, "feasible", run.termination, gap, stage)
                search.best = kept
                search.restore()
            if found is None:
                return _nothing(model, run.termination, stage)
            gap = _gap(run, found, ceiling)
            return _solution(model, "feasible", run.termination, gap, stage)
        if run.status != "optimal":
            if run.status == "infeasible":  # the held optima keep the last answer feasible
                raise PlanInputError(f"the team model lost its answer in stage {stage}")
            search.restore()
            gap = _stage_gap(run, stage) if run.status == "feasible" else None
            termination = run.termination if run.termination != "solved" else "solver_stopped"
            return _solution(model, "feasible", termination, gap, stage)
        if expression is not None:
            value = pulp.value(expression)
            # Hold the optimum: whole numbers (hours steps, days) exactly, money and priority
            # to a tolerance.
            slack = 1e-6 if stage in ("priority", "out_of_pocket") else 0.5
            model.problem += expression <= value + slack, f"hold_{stage}"
    return _solution(model, "optimal", "solved", 0.0, None)


def least_money(model: TeamModel, keep: Sequence[str], deadline: Deadline) -> Run:
    """Solve a model built with ``extra_money`` for the least money added to the periods.

    The people in ``keep`` (ids) renew. Solved as the stages are (weekly hours included,
    their rows added as answers break them), so that the team planned again with that money
    added can renew them all. The answer is left in the variables.
    """
    for person in keep:
        model.problem += model.renew[person] == 1, f"keep_{model.tags[person]}"
    search = _Search(model, make_solver("highs"), deadline)
    return search.solve(pulp.lpSum(model.extra.values()))


def _gap(run: Run, priority: float, ceiling: float | None = None) -> float | None:
    """How far ``priority`` (renewed) may be from the best, relative to the best possible.

    The best possible is the solver's bound, or ``ceiling`` (the priority of everyone who has a
    plan of their own) when that is lower or the solver has no bound.
    """
    bounds = [b for b in (None if run.bound is None else -run.bound, ceiling) if b is not None]
    if not bounds:
        return None
    best = max(min(bounds), priority)
    return (best - priority) / max(best, 1e-9)


def _stage_gap(run: Run, stage: str) -> float | None:
    """The relative gap of a later stage the limit stopped with a plan (``None``: no bound).

    Out-of-pocket money and hours are never below 0, whatever bound the solver gives.
    """
    if run.objective is None or run.bound is None:
        return None
    bound = max(run.bound, 0.0) if stage in ("out_of_pocket", "hours") else run.bound
    return relative_gap(run.objective, bound)


def relative_gap(value: float, bound: float) -> float:
    """How far a minimum ``value`` may be from the ``bound`` proved below it, from 0 to 1.

    The difference over the larger of the two in size: 0 when they meet, 1 when nothing is
    known (a bound of the other sign).

    Examples
    --------
    >>> relative_gap(120.0, 100.0), relative_gap(-80.0, -100.0), relative_gap(0.0, -1036.0)
    (0.16666666666666666, 0.2, 1.0)
    >>> relative_gap(5.0, 5.0), relative_gap(5.0, 6.0)
    (0.0, 0.0)
    """
    difference = value - bound
    size = max(abs(value), abs(bound))
    if difference <= 1e-9 * max(1.0, size):
        return 0.0
    return min(1.0, difference / size)


def _renewals(model: TeamModel) -> dict[str, Any]:
    """Each person with weekly hours and a path still to meet: the days to their renewal.

    Everyone else's renewal is taken to be their do-by date, as for one person without dates.
    """
    days = {}
    for person, block in sorted(model.blocks.items()):
        request = model.requests[person]
        if block.weekly is None or _already_met(block) or request.too_late:
            continue
        days[person] = block.add_renewal(request.today)
    return days


def _expression(model: TeamModel, stage: str, renewals: Mapping[str, Any]) -> Any:
    """What ``stage`` minimises (``None``: nothing to choose in it)."""
    if stage == "priority":
        return -model.priority
    if stage == "out_of_pocket":
        return model.out_of_pocket
    if stage == "hours":
        return model.hours
    return -pulp.lpSum(renewals.values()) if renewals else None


def _already_met(block: Formulation) -> bool:
    """Whether what the person earned and passed meets a path (nothing to renew by)."""
    return any(block.meets([], path) for path in block.paths)


class _Search:
    """A problem solved call after call: the deadline, the best answer so far."""

    def __init__(self, model: TeamModel, solver: Solver, deadline: Deadline) -> None:
        self.model = model
        self.solver = solver
        self.deadline = deadline
        self.best: dict[str, float] = {}

    def solve(self, expression: Any) -> Run:
        """Minimise ``expression``; remember the answer when there is one.

        With weekly hours, the rows an answer breaks are added and the problem solved again
        (each person's apart, as for one person: see :mod:`ceplan.formulation`).
        """
        problem = self.model.problem
        problem.setObjective(expression)
        while True:
            seconds = self.deadline.remaining()
            if seconds is not None and seconds <= 0:  # nothing left, not even to hand it over
                return Run("unknown", "time_limit")
            # No start from the answer in hand: given one on this model, HiGHS 1.16 has
            # returned it as "optimal" with a wrong objective (see tests/test_team_model.py).
            run = self.solver.run(problem, seconds, 0.0)
            if run.status == "infeasible" and self.best and isinstance(self.solver, HighsSolver):
                # The answer in hand keeps every row so far, so this is the solver's mistake
                # (HiGHS 1.16's presolve has made it): ask again without presolve.
                run = self.solver.run(problem, self.deadline.remaining(), 0.0, presolve=False)
            if run.status not in ("optimal", "feasible"):
                return run
            added = False
            for block in self.model.blocks.values():
                for first_run, last_run in block.broken_stretches():
                    block.add_stretch(first_run, last_run)
                    added = True
            if not added:
                self.best = {v.name: v.varValue for v in problem.variables()}
                return run

    def restore(self) -> None:
        """Put the best answer so far back into the variables (a later call may have none)."""
        for variable in self.model.problem.variables():
            variable.varValue = self.best.get(variable.name)

    def chosen(self, person: str) -> list[str]:
        """The catalogue ids the answer gives ``person``."""
        block = self.model.blocks[person]
        return sorted(
            item
            for item, ids in self.model.copies[person].items()
            if any((block.take[i].value() or 0) > 0.5 for i in ids)
        )


def _each_person(search: _Search, renewals: Mapping[str, Any]) -> Run | None:
    """Stage 5: each person who renews on their own, their one-person tie-break.

    First, for the whole team, who pays how much in which period and from which fund: the
    plan of stages 1 to 4 paid as early as it can be (the fewest days, in total, that items
    are paid later than they could be; one call, no call when none is late). Then, with what
    that gives each person held (their out-of-pocket money in each budget period, what each
    fund pays for them, their hours and, with weekly hours, their renewal day no earlier: the
    days of ``renewals``), people no longer touch each other, so each is solved alone
    (:func:`_alone`, :func:`_tie_break`), in any order, and the answers put together keep
    every row of the team's problem. What the periods and funds have left is shared out
    evenly among the people who renew, so that a person may also move money between periods
    when there is room: with ample budgets each then gets their one-person plan, dates
    included. Returns the run that failed, if one did (the people solved before it keep their
    answers).
    """
    model = search.model
    renewing = [p for p in sorted(model.members) if (model.renew[p].value() or 0) > 0.5]
    if not renewing:
        return None
    late = _lateness(model, renewing)
    if any((take.value() or 0) > 0.5 for _, take in late):
        # Who pays how much in which period: the plan in hand paid as early as it can be.
        _fix_items(search)
        run = search.solve(pulp.lpSum(days * take for days, take in late))
        if run.status != "optimal":
            return run
    members = {person: model.members[person] for person in renewing}

    def value(expression: Any) -> float:
        return float(pulp.value(expression) or 0.0)

    spent = {p: {n: value(e) for n, e in m.spend.items()} for p, m in members.items()}
    used = {p: {n: value(e) for n, e in m.funds.items()} for p, m in members.items()}
    period_left = {
        n: max(0.0, cents - sum(spend.get(n, 0.0) for spend in spent.values()))
        for n, cents in enumerate(model.budget_cents)
    }
    fund_left = {
        n: max(0.0, cents - sum(use.get(n, 0.0) for use in used.values()))
        for n, cents in enumerate(model.fund_cents)
    }
    share = 1.0 / len(renewing)
    for person in renewing:
        if not search.chosen(person):
            continue  # a path already met: nothing to take, nothing to choose
        member = members[person]
        held = _Held(
            spend={n: cents + share * period_left[n] for n, cents in spent[person].items()},
            funds={n: cents + share * fund_left[n] for n, cents in used[person].items()},
            out_of_pocket=value(member.out_of_pocket),
            hours=value(member.hours),
            renewal=_renewal_day(model, person, renewals),
        )
        alone = _Search(_alone(model, person, held), search.solver, search.deadline)
        mine = _variables(alone.model.members[person])
        for variable in mine:
            variable.varValue = search.best.get(variable.name)
        alone.best = {variable.name: variable.varValue for variable in mine}
        failed = _tie_break(alone, person)
        if failed is not None:
            return failed
        alone.restore()
        search.best.update((variable.name, variable.varValue) for variable in mine)
    search.restore()
    return None


def _renewal_day(model: TeamModel, person: str, renewals: Mapping[str, Any]) -> dt.date | None:
    """The day ``person`` renews in the answer in hand (weekly hours only, else ``None``)."""
    if person not in renewals:
        return None
    later = round(float(pulp.value(renewals[person]) or 0))
    return model.requests[person].today + dt.timedelta(days=later)


def _fix_items(search: _Search) -> None:
    """Hold every person's items (and who renews) as they are in the answer in hand.

    Only the segments they are paid in, and who pays, are then left to choose.
    """
    model = search.model
    for person, block in model.blocks.items():
        renew = model.renew[person]
        renew.lowBound = renew.upBound = round(renew.value() or 0)
        chosen = set(search.chosen(person))
        for item, ids in model.copies[person].items():
            if item not in chosen:
                for i in ids:
                    block.take[i].upBound = 0
            elif len(ids) == 1:
                block.take[ids[0]].lowBound = 1
            else:
                name = _name(f"{model.tags[person]}__paid_once", item, block.used)
                model.problem += pulp.lpSum(block.take[i] for i in ids) == 1, name


def _lateness(model: TeamModel, people: Sequence[str]) -> list[tuple[int, Any]]:
    """The days each item could be paid later than it can be at the earliest, with its ``take``.

    Only the ways to pay that are late (more than 0 days) are listed.
    """
    found = []
    for person in people:
        today = model.requests[person].today
        earliest: dict[str, dt.date] = {}
        for copy, (item, _) in model.copied[person]:
            day = copy.first or today
            earliest[item.id] = min(earliest.get(item.id, day), day)
        block = model.blocks[person]
        for copy, (item, _) in model.copied[person]:
            days = ((copy.first or today) - earliest[item.id]).days
            if days > 0:
                found.append((days, block.take[copy.id]))
    return found


@dataclass(frozen=True)
class _Held:
    """What stages 1 to 4 gave one person, held while their tie-break runs.

    The most they may spend out of pocket in each budget period and take from each fund
    (cents), the most out of pocket in all, the most hours (in the team's steps), and the day
    they renew on or after (weekly hours only).
    """

    spend: Mapping[int, float]
    funds: Mapping[int, float]
    out_of_pocket: float
    hours: float
    renewal: dt.date | None


def _variables(member: Member) -> list[Any]:
    """A person's choices in a problem: items, path, payments, and whether they renew."""
    block = member.block
    return [
        *block.take.values(),
        *block.choose_path.values(),
        *member.pay.values(),
        member.renew,
    ]


def _alone(model: TeamModel, person: str, held: _Held) -> TeamModel:
    """``person`` alone, renewing with what the team's plan gave them held (see :class:`_Held`).

    Their variables have the names they have in the team's problem.
    """
    tag = model.tags[person]
    problem = pulp.LpProblem(f"ceplan_team_{tag}", pulp.LpMinimize)
    team_block = model.blocks[person]
    member = _add_member(
        problem,
        set(),
        model.roster,
        model.roster.person(person),
        model.requests[person],
        team_block.paths,
        model.copied[person],
        model.segments,
        tag,
        model.hours_scale,
    )
    member.renew.lowBound = 1
    for n, spend in member.spend.items():
        problem += spend <= held.spend.get(n, 0.0), f"{tag}__period_{n}"
    for n, paid in member.funds.items():
        problem += paid <= held.funds.get(n, 0.0), f"{tag}__fund_{n}"
    problem += member.out_of_pocket <= held.out_of_pocket + 1e-6, f"{tag}__hold_out_of_pocket"
    problem += member.hours <= held.hours + 0.5, f"{tag}__hold_hours"
    block = member.block
    if held.renewal is not None:
        block.add_renewal(held.renewal)
    for first, last in sorted(team_block.stretches):
        block.add_stretch(first, last)
    return TeamModel(
        problem=problem,
        roster=model.roster,
        members={person: member},
        origin={(person, copy.id): origin for copy, origin in model.copied[person]},
        segments=model.segments,
        requests={person: model.requests[person]},
        copied={person: model.copied[person]},
        hours_scale=model.hours_scale,
        fund_cents=model.fund_cents,
        budget_cents=model.budget_cents,
        tags={person: tag},
    )


def _tie_break(search: _Search, person: str) -> Run | None:
    """One person's tie-break: the fewest items, the smallest ids; then paid as early as can be.

    Each step asks the solver only when the answer in hand might not be the best: one item is
    the fewest a renewal not already met can take. For the ids, with ``L`` the person's ids in
    the answer in hand, a set of as many ids comes first in sort order exactly when the
    smallest id in one set but not both is its own. So one call asks for a tied plan whose
    first such id is as small as possible (:func:`_first_difference`); if there is none, ``L``
    is the smallest; if there is, the ids up to that one are settled, the plan found is the
    new ``L``, and the question is asked again. The items are then fixed, and paid on the
    fewest days from today in total (:func:`_pay_early`). Returns the run that failed, if one
    did.
    """
    model = search.model
    problem = model.problem
    block = model.blocks[person]
    tag = model.tags[person]
    copies = model.copies[person]
    taken = {i: pulp.lpSum(block.take[v] for v in ids) for i, ids in copies.items()}
    chosen = search.chosen(person)
    # Fewer items may be possible (and come first) unless one item renews what is not met.
    fewer = len(chosen) > 1 or (len(chosen) == 1 and _already_met(block))
    if not fewer:
        problem += block.count <= len(chosen), _name(f"{tag}__count", "fixed", block.used)
    settled: set[str] = set()
    while chosen:
        count = block.count if fewer else None
        found, last = _first_difference(search, person, taken, chosen, settled, count)
        if last is not None and last.status != "optimal":
            return last
        if fewer:
            fewer = False
            now = search.chosen(person)
            problem += block.count <= len(now), _name(f"{tag}__count", "fixed", block.used)
            if len(now) < len(chosen):
                chosen = now  # fewer items: ``found`` was about the old plan
                continue
        if found is None:
            break
        plan = set(chosen)
        for i in sorted(copies):
            if i <= found and i not in settled:
                settled.add(i)
                value = int(i in plan or i == found)
                problem += taken[i] == value, _name(f"{tag}__fix", i, block.used)
        chosen = search.chosen(person)
    for i in sorted(copies):
        if i not in settled:
            value = int(i in chosen)
            problem += taken[i] == value, _name(f"{tag}__fix", i, block.used)
    return _pay_early(search, person)


def _pay_early(search: _Search, person: str) -> Run | None:
    """With the items fixed: each paid as early as it can be, within what the person may spend.

    That is the fewest days, in total, that items are paid later than they could be. No call
    is made when each item is already paid on the first day it can be.
    """
    late = _lateness(search.model, [person])
    if not any((take.value() or 0) > 0.5 for _, take in late):
        return None
    run = search.solve(pulp.lpSum(days * take for days, take in late))
    return None if run.status == "optimal" else run


def _first_difference(
    search: _Search,
    person: str,
    taken: Mapping[str, Any],
    chosen: Sequence[str],
    settled: set[str],
    count: Any = None,
) -> tuple[str | None, Run | None]:
    """Where a tied plan first differs from ``chosen`` by holding a smaller id (``None``: none).

    That is the smallest id a tied plan can hold that ``chosen`` does not, below which it holds
    every id of ``chosen``; when no tied plan has one, ``chosen`` comes first. With ``count``
    (the person's number of items), the same call first finds the fewest items: a plan with
    fewer comes first whatever its ids (the caller then reads it from the answer).

    Binaries ``z_i`` (``i`` not in ``chosen``, and smaller than its largest id: a plan holding
    every id of ``chosen`` and one more has more items) mark that first difference; the answer
    in hand (no mark) is always allowed, at a cost above every mark. They live only for this
    call: the switch that allows a mark is closed afterwards (its bounds set to 0), which
    leaves their rows inert.
    """
    model = search.model
    problem = model.problem
    block = model.blocks[person]
    plan = set(chosen)
    largest = max(chosen)
    offered = [i for i in sorted(taken) if i not in plan and i not in settled and i < largest]
    if not offered and count is None:
        return None, None
    family = f"{model.tags[person]}__smaller"
    call = len(block.used)
    switch = problem.add_variable(_name(family, f"{call}_on", block.used), 1, 1)
    marks = {}
    for n, i in enumerate(offered):
        name = _name(family, f"{call}_{n}", block.used)
        marks[i] = problem.add_variable(name, 0, 1, cat=pulp.LpBinary)
        problem += marks[i] - taken[i] <= 0, f"{name}_in_plan"
        below = [taken[j] for j in chosen if j < i]
        if below:
            problem += pulp.lpSum(below) - len(below) * marks[i] >= 0, f"{name}_keeps"
    marked = pulp.lpSum(marks.values())
    problem += marked - switch <= 0, _name(family, f"{call}_one", block.used)
    none = len(offered)  # the cost of no mark: above every mark's rank
    objective = pulp.lpSum(rank * marks[i] for rank, i in enumerate(offered)) - none * marked
    if count is not None:
        objective += (2 * none + 1) * count
    before = dict(search.best)
    run = search.solve(objective + none)
    found = next((i for i in offered if (marks[i].value() or 0) > 0.5), None)
    switch.lowBound = switch.upBound = 0
    fewer = count is not None and len(search.chosen(person)) < len(chosen)
    if run.status != "optimal" or (found is None and not fewer):
        # The answer in hand stays: the solver's may be another tied plan, not a better one.
        search.best = before
        search.restore()
    return (found if run.status == "optimal" else None), run


def first_come_plan(model: TeamModel, plans: Sequence[tuple[str, Sequence[str]]]) -> bool:
    """Set the model's variables to a plan made without the solver: first come, first paid.

    ``plans`` gives people in the order to try and the catalogue ids of each one's own plan.
    Each item is paid in the first segment (in order of days) where the money is there: the
    funds that may pay first, as much as they have left, then the period's budget. A person
    whose items cannot all be paid, or whose weekly hours the items would overfill, is left
    out. Returns whether the plan keeps every row of the model (checked row by row); if not,
    the variables are left as they were and the plan is not used.
    """
    values: dict[str, float] = {v.name: 0.0 for v in model.problem.variables()}
    period_left = {n: float(cents) for n, cents in enumerate(model.budget_cents)}
    fund_left = {n: float(cents) for n, cents in enumerate(model.fund_cents)}
    pays = _payers(model)
    for person, items in plans:
        block = model.blocks.get(person)
        if block is None or not items:
            continue
        periods, funds = dict(period_left), dict(fund_left)
        chosen: list[str] = []
        paid: dict[str, float] = {}
        for item in items:
            for virtual in model.copies[person].get(item, []):
                c, n = model.origin[person, virtual]
                period = model.segments[n].period
                rest = float(c.cents)  # what the funds have not covered yet
                split: list[tuple[int, Any, float]] = []
                for f, variable in sorted(pays.get((person, virtual), [])):
                    share = min(funds[f], rest)
                    if share > 0:
                        split.append((f, variable, share))
                        rest -= share
                if rest > 0.5 and (period is None or periods[period] < rest):
                    continue  # no money in this segment
                for f, variable, share in split:
                    funds[f] -= share
                    paid[variable.name] = share
                if period is not None:
                    periods[period] -= rest
                chosen.append(virtual)
                break
            else:
                break  # an item with no money anywhere: this person is left out
        if len(chosen) < len(items) or block.broken_stretches(chosen):
            continue
        path = next((p for p in sorted(block.paths) if block.meets(chosen, p)), None)
        if path is None:
            continue
        period_left, fund_left = periods, funds
        values.update(paid)
        values[model.renew[person].name] = 1.0
        values[block.choose_path[path].name] = 1.0
        values.update((block.take[v].name, 1.0) for v in chosen)
    for row in model.problem.constraints():
        lhs = sum(a * values.get(v.name, 0.0) for v, a in row.items()) + row.constant
        if row.sense == pulp.LpConstraintEQ and abs(lhs) > 1e-6:
            return False
        if row.sense == pulp.LpConstraintLE and lhs > 1e-6:
            return False
        if row.sense == pulp.LpConstraintGE and lhs < -1e-6:
            return False
    for variable in model.problem.variables():
        variable.varValue = values.get(variable.name, 0.0)
    return True


def _payers(model: TeamModel) -> dict[tuple[str, str], list[tuple[int, Any]]]:
    """By person and virtual item id: each fund that may pay toward it, with its variable."""
    found: dict[tuple[str, str], list[tuple[int, Any]]] = {}
    for (person, virtual, f), variable in model.pay.items():
        found.setdefault((person, virtual), []).append((f, variable))
    return found


def _nothing(model: TeamModel, termination: str, stage: str) -> TeamSolution:
    """No answer found before the limit: status ``unknown``, nobody planned."""
    return TeamSolution(
        status="unknown",
        termination=termination,
        gap=None,
        stopped_in=stage,
        renews=dict.fromkeys(model.blocks, False),
        paths=dict.fromkeys(model.blocks),
        taken={person: () for person in model.blocks},
        spent={},
        used={},
        out_of_pocket=0.0,
        priority=0.0,
    )


def _solution(
    model: TeamModel, status: str, termination: str, gap: float | None, stopped: str | None
) -> TeamSolution:
    """The plan in the variables' values: each person's needed items, dated and paid for.

    Whatever stopped the search, what a person's path does not need is dropped
    (:func:`_needed`), with what was paid for it: that money goes back to its period or fund.
    Each person's items are then scheduled as their one-person plan's would be
    (:func:`ceplan.scheduling.schedule`, with their calendar), each started no earlier than
    it is paid.
    """
    paying = _payers(model)
    renews: dict[str, bool] = {}
    paths: dict[str, int | None] = {}
    taken: dict[str, tuple[Taken, ...]] = {}
    spent: dict[int, float] = {}
    used: dict[int, float] = {}
    out_of_pocket = 0.0
    for person, block in model.blocks.items():
        renews[person] = (model.renew[person].value() or 0) > 0.5
        if not renews[person]:
            paths[person], taken[person] = None, ()
            continue
        virtual = sorted(i for i, var in block.take.items() if (var.value() or 0) > 0.5)
        paths[person], kept = _needed(model, person, virtual)
        items = {
            v: dataclasses.replace(block.candidates[v], id=model.origin[person, v][0].id)
            for v in kept
        }
        dates = schedule(list(items.values()), model.requests[person].calendar)
        rows = []
        for virtual_id, item in items.items():
            segment = model.segments[model.origin[person, virtual_id][1]]
            funds = {
                f: float(pay.value() or 0)
                for f, pay in paying.get((person, virtual_id), [])
                if (pay.value() or 0) > 1e-6
            }
            when = dates[item.id]
            rows.append(
                Taken(
                    item=item.id,
                    paid_on=item.first or model.requests[person].today,
                    cents=item.cents,
                    period=segment.period,
                    paid_by_fund=funds,
                    start=when.start,
                    finish=when.finish,
                    complete_by=item.do_by,
                    hours=item.hours,
                )
            )
            for f, cents in funds.items():
                used[f] = used.get(f, 0.0) + cents
            out = item.cents - sum(funds.values())
            out_of_pocket += out
            if segment.period is not None:
                spent[segment.period] = spent.get(segment.period, 0.0) + out
        taken[person] = tuple(sorted(rows, key=lambda t: t.item))
    return TeamSolution(
        status=status,
        termination=termination,
        gap=gap,
        stopped_in=stopped,
        renews=renews,
        paths=paths,
        taken=taken,
        spent=spent,
        used=used,
        out_of_pocket=out_of_pocket,
        priority=float(pulp.value(model.priority) or 0),
    )


def _needed(model: TeamModel, person: str, virtual: Sequence[str]) -> tuple[int | None, list[str]]:
    """The path ``person``'s items are reported under, and the items that path needs.

    The items less what the path the solver chose does not need (the largest id first, as for
    one person: :func:`~ceplan.candidates.drop_redundant`); then reported under the first path
    in the tier they meet with each needed, as for one person.
    """
    block = model.blocks[person]
    item_of = {model.origin[person, v][0].id: v for v in virtual}
    items = [dataclasses.replace(block.candidates[v], id=i) for i, v in item_of.items()]
    chosen = [p for p, var in block.choose_path.items() if (var.value() or 0) > 0.5]
    met = [
        p for p in sorted(block.paths) if meets(items, block.paths[p], block.earned, block.passed)
    ]
    path = next((p for p in chosen if p in met), met[0] if met else None)
    if path is None:
        return (chosen[0] if chosen else None), list(virtual)
    kept = drop_redundant(items, block.paths[path], block.earned, block.passed)
    needed = sorted(item_of[c.id] for c in kept)
    first = first_path(block, [block.candidates[v] for v in needed])
    return (path if first is None else first), needed
