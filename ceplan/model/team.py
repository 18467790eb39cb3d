"""The team model (SPEC section 7): one block per person, shared budget periods and funds.

Built from the data with no I/O (solved by :mod:`ceplan.solving.team`):

- each person's block (:func:`ceplan.model.block.add_person`, names under ``p<n>__``, ``n``
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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulp

from ceplan.candidates.items import Candidate, reduce_dominated, usable_for
from ceplan.catalogue.models import Catalog, PathRule, to_cents
from ceplan.errors import PlanInputError
from ceplan.limits import MAX_MONEY, MAX_TEAM_VARIABLES, describe
from ceplan.model.block import BlockOptions, Formulation, Placement, add_person, unique_name
from ceplan.requests.person import PlanRequest, make_request
from ceplan.roster.models import Person, Roster
from ceplan.status import Deadline
from ceplan.units import hours_scale

__all__ = [
    "Member",
    "OutOfTime",
    "Segment",
    "TeamModel",
    "build_team",
    "money_cents",
    "segments_of",
    "ways_to_pay",
    "who_may_pay",
]


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
    cents: tuple[Sequence[int], Sequence[int]] | None = None,
) -> TeamModel:
    """The team's integer programme (pure: no solving, no I/O).

    ``cents`` replaces what the budget periods and funds hold (whole cents of the catalogue's
    currency, in the roster's order): a person planned alone with what a team's plan gave them.

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
        members[person.id] = add_member(
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
        fund_cents=(
            [money_cents(catalog, fund.amount, fund.currency) for fund in roster.funds]
            if cents is None
            else list(cents[1])
        ),
        budget_cents=(
            [money_cents(catalog, budget.amount) for budget in roster.budgets]
            if cents is None
            else list(cents[0])
        ),
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


def add_member(
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

    The same call builds the person in the team's problem and alone (for stage 5, see
    :mod:`ceplan.solving.team`), so the variables of both have the same names.
    """
    virtual = [copy for copy, _ in copied]
    origin = {copy.id: where for copy, where in copied}
    renew = problem.add_variable(f"renew_{tag}", 0, 1, cat=pulp.LpBinary)
    used.add(f"renew_{tag}")
    if request.too_late:
        renew.upBound = 0  # past the do-by date: no plan, whatever was earned (SPEC 3)
    options = BlockOptions(
        earned=request.earned,
        passed=dict(request.passed),
        calendar=request.calendar if request.timed else None,
        interchangeable=False,  # copies of one item per segment are not interchangeable
    )
    place = Placement(prefix=f"{tag}__", renew=renew, used=used)
    block = add_person(problem, virtual, rules, options, place)
    if block.weekly is not None:
        for first, last_run in block.weekly.first_stretches():
            block.add_stretch(first, last_run)
    copies: dict[str, list[str]] = {}
    for copy in virtual:
        copies.setdefault(origin[copy.id][0].id, []).append(copy.id)
    for item_id, ids in sorted(copies.items()):
        if len(ids) > 1:
            name = unique_name(f"{tag}__once", item_id, used)
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
            name = unique_name(f"{tag}__paid_at_most", copy.id, used)
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
    usable: Mapping[str, Sequence[Candidate]] | None = None,
) -> dict[str, list[tuple[Candidate, tuple[Candidate, int]]]]:
    """Each person's items, one copy per segment it may be paid in, with the item and segment.

    ``usable``: people's usable items already found (:func:`~ceplan.candidates.items.
    usable_items` for their request, sorted by id), by person id.

    Counted before anything is built: a team whose model would need more than
    :data:`~ceplan.limits.MAX_TEAM_VARIABLES` variables is refused here, in about the time it
    takes to count that many.
    """
    found: dict[str, list[tuple[Candidate, tuple[Candidate, int]]]] = {}
    variables = 0
    for person in people:
        _check_time(deadline)
        request = requests[person.id]
        if usable is not None and person.id in usable:
            items = list(usable[person.id])
        else:
            items = usable_for(catalog, request, request.calendar if request.timed else None)
        rules = dict(enumerate(catalog.tiers[person.tier].paths))
        items = _undominated(items, rules, request, segments, roster)
        copies: list[tuple[Candidate, tuple[Candidate, int]]] = []
        variables += 1 + len(rules)
        for c in items:
            opens = c.first or request.today
            for n, _ in ways_to_pay(c, request, segments, roster):
                segment = segments[n]
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


def ways_to_pay(
    c: Candidate, request: PlanRequest, segments: Sequence[Segment], roster: Roster
) -> list[tuple[int, tuple[Any, ...]]]:
    """The segments ``c`` may be paid in, each with who would pay (:func:`who_may_pay`).

    Segments in no budget period are left out when the roster has budgets (the item could be
    paid from none). Without weekly hours the day an item is paid matters only for who pays:
    one segment per period and set of funds that may pay (one in all for a free item), the
    earliest.
    """
    found: list[tuple[int, tuple[Any, ...]]] = []
    alike: set[tuple[Any, ...]] = set()
    for n in _starts_in(c, request.today, segments):
        segment = segments[n]
        if roster.budgets and segment.period is None:
            continue
        way = who_may_pay(c, segment, roster)
        if not request.timed:
            if way in alike:
                continue
            alike.add(way)
        found.append((n, way))
    return found


def _paying(c: Candidate, segment: Segment, roster: Roster) -> list[int]:
    """The funds (positions) that may pay toward ``c`` paid in ``segment``."""
    if c.cents == 0:
        return []
    kind = "exams" if c.is_exam else "activities"
    return [f for f in segment.funds if kind in roster.funds[f].pays_for]


def who_may_pay(c: Candidate, segment: Segment, roster: Roster) -> tuple[Any, ...]:
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
    opens, closes = start_window(c, today)
    return tuple(n for n, s in enumerate(segments) if not (s.end < opens or s.start > closes))


def start_window(c: Candidate, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day ``c`` can start on (see :func:`_starts_in`)."""
    opens = c.first or today
    if not c.self_paced:
        closes = opens
    elif c.hours > 0:
        closes = c.work_until
    else:
        closes = c.finish_by
    return opens, closes


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
    enough others is never needed (:func:`~ceplan.candidates.items.reduce_dominated`): one of those
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
