"""A team under catalogue schema 2 (SPEC 7 and 9): one integer programme held as arrays.

Built from the data with no I/O (solved by :mod:`ceplan.planning.team_held`):

- each person's model is schema 2's one-person model (:func:`ceplan.model.claims.build_claims`)
  over *copies* of their usable items, one per budget period and set of funds that may pay it
  (``<id>#<segment>``: paid on the first day of the segment the item is open, and finished no
  earlier; the earliest segment of each kind, as :func:`ceplan.model.team.ways_to_pay` keeps
  them), at most one copy of an item (``once_<id>``). The copy's window starts on the day it is
  paid, so the one-person rows (deadlines, cycle years) see the finish the payment allows. A
  dated session (SPEC 6, an item of its own: :func:`~ceplan.candidates.held.session_id`) keeps
  its days: its copies are paid on the first day of a segment from today to its first day
  (never after it starts);
- a person with weekly hours or days away (a plan over time, SPEC 6) has in their model the
  weekly hours rows of :mod:`ceplan.model.hours` over the copies' windows (a paid copy's work
  starts no earlier than the day it is paid). A model of one person (their tie-break, a
  column's pricing) takes every row that may bind from the start
  (:meth:`~ceplan.model.hours.WeeklyRows.every`), so that each of its solves keeps them with no
  loop of its own; the whole team's model takes the first ones only, and the rows an answer
  overfills are added as one person's plan adds them (:func:`with_broken_hours`): measured on
  the benchmark's ISC2 team of 100 with weekly hours (``bench/bench_team.py --catalog isc2
  --variants hours``), every row up front (316 rows) took 36 s for the stages and the first
  rows (118) 10 s, with no row to add after them;
- a fund pays toward an item copy of a kind it pays for, paid in a segment before it expires;
- fees (:func:`fees_due`) fall in the budget period of the day they are due; funds do not pay
  fees. A fee due on a day no budget period holds is out of pocket but in no period;
- ``period_<n>``: out-of-pocket spending in a period, fees included, at most its amount
  (plus ``extra_<n>`` with ``extra_money``); ``fund_<n>``: a fund pays at most its amount.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ceplan.candidates.held import HeldItem, HeldWorld, PlannedFee, Way, cycle_years, held_world
from ceplan.catalogue.models import Catalog
from ceplan.model.arrays import ArrayModel, plus
from ceplan.model.claims import ClaimsModel, Expr, build_claims
from ceplan.model.hours import WeeklyRows, weekly_rows, with_rows
from ceplan.model.team import Segment, money_cents, segments_of
from ceplan.requests.held import HeldRequest
from ceplan.roster.models import Roster
from ceplan.units import CREDIT_TOLERANCE, hours_scale

__all__ = [
    "FeeDue",
    "HeldMember",
    "HeldTeam",
    "build_held_team",
    "copy_id",
    "fees_due",
    "with_broken_hours",
]

_ON = 0.5

COPY = "#"
"""What separates an item's id from its segment in a copy's id: it sorts before every
character an id may hold, so copies sort by their item's id first, then by segment."""


def copy_id(item_id: str, segment: int) -> str:
    """The id of ``item_id``'s copy paid in ``segment``.

    Examples
    --------
    >>> copy_id("a", 3), sorted([copy_id("a-b", 0), copy_id("a", 12)])
    ('a#00003', ['a#00012', 'a-b#00000'])
    """
    return f"{item_id}{COPY}{segment:05d}"


@dataclass(frozen=True)
class FeeDue:
    """One payment of a fee: its tier, what it is per, cents, the day due, which of how many."""

    tier: str
    per: str
    cents: int
    due: dt.date
    number: int
    of: int

    @property
    def id(self) -> str:
        """How a plan names the payment (never an item's id: ids hold no ``:``)."""
        return f"fee:{self.tier}:{self.per}:{self.number}"


def fees_due(catalog: Catalog, world: HeldWorld, way: Way) -> tuple[FeeDue, ...]:
    """The payments of the fees a plan renewing as ``way`` says pays, each on its due day.

    A ``renewal`` fee is due on its tier's do-by date. A ``year`` or ``member-year`` fee paid
    ``n`` times is due on the first day of each of the ``n`` cycle years ending with its
    tier's expiry (the tier's ``cycle``). A day before today is today: what is still owed is
    paid now.

    Examples
    --------
    >>> import ceplan
    >>> from ceplan.candidates.held import held_world
    >>> from ceplan.requests.held import make_held_request
    >>> catalog = ceplan.load_catalog("examples/schema2-isc2.yaml")
    >>> request = make_held_request(catalog, "cissp", today="2026-12-07", expires="2028-06-30")
    >>> world = held_world(catalog, request)
    >>> [(str(f.due), f.cents) for f in fees_due(catalog, world, world.ways[0])]
    [('2026-12-07', 13500), ('2026-12-07', 13500), ('2027-07-01', 13500)]
    """
    found: list[FeeDue] = []
    for fee in world.fees(way):
        found.extend(_payments(catalog, world, fee))
    return tuple(found)


def _payments(catalog: Catalog, world: HeldWorld, fee: PlannedFee) -> list[FeeDue]:
    rule = world.rules[fee.tier]
    if fee.per == "renewal":
        return [FeeDue(fee.tier, fee.per, fee.cents, max(world.today, rule.complete_by), 1, 1)]
    each, left = divmod(fee.cents, fee.times)
    years = cycle_years(rule.expires, fee.times, catalog.tiers[fee.tier].cycle)
    return [
        FeeDue(
            fee.tier,
            fee.per,
            each + (left if k == fee.times else 0),
            max(world.today, first),
            k,
            fee.times,
        )
        for k, (first, _) in enumerate(years, start=1)
    ]


@dataclass(frozen=True)
class HeldMember:
    """One person's part of the team's model (columns are the team model's)."""

    person: str
    tag: str
    """What their columns' and rows' names start with (``p<n>``)."""
    world: HeldWorld
    """Their world, its items the copies."""
    weekly: WeeklyRows | None
    """Their weekly hours rows over :attr:`claims`' columns (``None``: not a plan over time)."""
    claims: ClaimsModel
    """Their one-person model over the copies, in its own columns (``offset`` on in the team's),
    with the weekly hours rows of a plan over time."""
    offset: int
    renew: int
    origin: Mapping[str, tuple[str, int]]
    """By copy id: the item and the segment it is paid in."""
    paid_on: Mapping[str, dt.date]
    """By copy id: the day it is paid."""
    take: Mapping[str, int]
    """By copy id: its column."""
    items: Mapping[str, int]
    """By item id: a binary column, 1 when a copy of it is taken."""
    fund_pay: Mapping[tuple[str, int], int]
    """By copy id and fund: the cents the fund pays toward it."""
    fees: tuple[tuple[FeeDue, ...], ...]
    """The fee payments of each way (in the order of :attr:`ClaimsModel.ways`)."""
    spend: Mapping[int, Expr]
    """By budget period: their out-of-pocket cents paid in it, fees included."""
    funds: Mapping[int, Expr]
    out_of_pocket: Expr
    hours: Expr
    """In whole steps of ``1 / hours_scale`` hours (the team's step)."""
    count: Expr
    """The number of items (not copies) taken."""

    def shifted(self, column: int) -> int:
        """The team column of column ``column`` of :attr:`claims`."""
        return self.offset + column


@dataclass
class HeldTeam:
    """The team's model and the maps from the data to its columns."""

    model: ArrayModel
    members: dict[str, HeldMember]
    segments: list[Segment]
    budget_cents: list[int]
    fund_cents: list[int]
    priority: Expr
    """Minus the total priority renewed (a sum to minimise)."""
    out_of_pocket: Expr
    hours: Expr
    hours_scale: int
    extra: dict[int, int] = field(default_factory=dict)
    """By budget period: the column of whole cents added to it (with ``extra_money``)."""


class _Columns:
    """Columns and rows as lists."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[bool] = []
        self.rows: list[tuple[dict[int, float], float, float, str]] = []

    def column(self, name: str, upper: float = 1.0, *, integer: bool = False) -> int:
        self.names.append(name)
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.names) - 1

    def row(self, terms: Mapping[int, float], lower: float, upper: float, name: str) -> None:
        kept = {c: v for c, v in terms.items() if v != 0.0}
        if kept:
            self.rows.append((kept, lower, upper, name))

    def model(self) -> ArrayModel:
        return ArrayModel.of(self.names, self.lower, self.upper, self.integer, self.rows)


def build_held_team(
    catalog: Catalog,
    roster: Roster,
    requests: Mapping[str, HeldRequest],
    today: dt.date,
    *,
    cents: tuple[Sequence[int], Sequence[int]] | None = None,
    extra_money: bool = False,
    every_hours_row: bool = True,
) -> HeldTeam:
    """The team's integer programme (pure: no solving, no I/O; see the module).

    ``requests`` are the people's checked requests, by id (the people of ``roster``);
    ``cents`` replaces what the budget periods and funds hold (whole cents, in the roster's
    order); ``extra_money`` adds a whole column of cents to each period. Without
    ``every_hours_row``, a person's weekly hours rows are the first ones only
    (:meth:`~ceplan.model.hours.WeeklyRows.initial`), the others to be added as answers need
    them (:func:`with_broken_hours`).

    """
    people = sorted(roster.people, key=lambda p: p.id)
    worlds = {
        p.id: held_world(catalog, dataclasses.replace(requests[p.id], budget=None), sessions=True)
        for p in people
    }
    last = max(
        (rule.complete_by for world in worlds.values() for rule in world.rules.values()),
        default=today,
    )
    segments = segments_of(roster, today, max(last, today))
    scale = hours_scale(i.hours for world in worlds.values() for i in world.items.values())
    b = _Columns()
    members: dict[str, HeldMember] = {}
    for number, person in enumerate(people):
        members[person.id] = _member(
            b,
            catalog,
            roster,
            person.id,
            f"p{number}",
            worlds[person.id],
            requests[person.id],
            segments,
            scale,
            every_hours_row,
        )
    budget = (
        [money_cents(catalog, x.amount) for x in roster.budgets]
        if cents is None
        else list(cents[0])
    )
    funds = (
        [money_cents(catalog, f.amount, f.currency) for f in roster.funds]
        if cents is None
        else list(cents[1])
    )
    extra: dict[int, int] = {}
    for n in range(len(roster.budgets)):
        spend = plus(*(m.spend[n] for m in members.values() if n in m.spend))
        terms = dict(spend[0])
        if extra_money:
            extra[n] = b.column(f"extra_{n}", math.inf, integer=True)
            terms[extra[n]] = -1.0
        b.row(terms, -math.inf, budget[n] - spend[1], f"period_{n}")
    for f in range(len(roster.funds)):
        paid = plus(*(m.funds[f] for m in members.values() if f in m.funds))
        b.row(paid[0], -math.inf, funds[f], f"fund_{f}")
    priorities = {p.id: p.priority for p in people}
    return HeldTeam(
        model=b.model(),
        members=members,
        segments=segments,
        budget_cents=budget,
        fund_cents=funds,
        priority=({m.renew: -float(priorities[p]) for p, m in members.items()}, 0.0),
        out_of_pocket=plus(*(m.out_of_pocket for m in members.values())),
        hours=plus(*(m.hours for m in members.values())),
        hours_scale=scale,
        extra=extra,
    )


def _copies(
    world: HeldWorld, roster: Roster, segments: Sequence[Segment]
) -> tuple[dict[str, HeldItem], dict[str, tuple[str, int]], dict[str, dt.date]]:
    """Each usable item's copies, one per segment it may be paid in (the earliest of each kind).

    And the day each copy is paid: the first day of its segment the item is open (a session:
    the segment's first day, on or before the session's first).
    """
    copies: dict[str, HeldItem] = {}
    origin: dict[str, tuple[str, int]] = {}
    paid_on: dict[str, dt.date] = {}
    for item in world.items.values():
        reach = [world.rules[t].complete_by for t in item.counts_for]
        if not reach:
            continue
        last = item.ends_by(max(reach)) if item.starts is None else item.starts
        opens = item.first if item.starts is None else world.today
        alike: set[tuple[object, ...]] = set()
        for n, segment in enumerate(segments):
            if segment.end < opens or segment.start > last:
                continue
            if roster.budgets and segment.period is None:
                continue
            way = () if item.cents == 0 else (segment.period, _paying(item, segment, roster))
            if way in alike:
                continue
            alike.add(way)
            day = max(opens, segment.start)
            made = dataclasses.replace(
                item, id=copy_id(item.id, n), first=item.first if item.starts is not None else day
            )
            copies[made.id] = made
            origin[made.id] = (item.id, n)
            paid_on[made.id] = day
    return dict(sorted(copies.items())), origin, paid_on


def _paying(item: HeldItem, segment: Segment, roster: Roster) -> tuple[int, ...]:
    """The funds (positions) that may pay toward ``item`` paid in ``segment``: none for fees."""
    if item.cents == 0:
        return ()
    kind = "exams" if item.is_exam else "activities"
    return tuple(f for f in segment.funds if kind in roster.funds[f].pays_for)


def _switched(
    own: ArrayModel, rows: range, offset: int, renew: int, tag: str
) -> Iterator[tuple[dict[int, float], float, float, str]]:
    """Rows ``rows`` of a person's own model in the team's columns, switched by ``renew``."""
    for r in rows:
        low, high = own.starts[r], own.starts[r + 1]
        terms = {
            offset + int(c): float(v)
            for c, v in zip(own.index[low:high], own.value[low:high], strict=True)
        }
        lower, upper = float(own.row_lower[r]), float(own.row_upper[r])
        name = f"{tag}.{own.row_names[r]}"
        if lower == upper:
            yield {**terms, renew: -lower}, 0.0, 0.0, name
            continue
        # Switched, a bound is its figure times renew, its tolerance left out (HiGHS's own
        # feasibility tolerance takes its place): ``a x >= 6 r``, neither ``5.999999 r`` nor
        # ``6 r - 1e-6``, both of which HiGHS's presolve was seen to read as making a possible
        # renewal impossible (a model's optimum called 0 where it is 1).
        if math.isfinite(lower):
            yield _times_renew(terms, renew, _figure(lower)), 0.0, math.inf, f"{name}_lo"
        if math.isfinite(upper):
            yield _times_renew(terms, renew, _figure(upper)), -math.inf, 0.0, f"{name}_hi"


def _figure(bound: float) -> float:
    """``bound`` without the tolerance a row adds to it (``5.999999``: ``6``; ``-1e-6``: ``0``).

    Examples
    --------
    >>> _figure(5.999999), _figure(-1e-06), _figure(2.5), _figure(6.000001)
    (6.0, 0.0, 2.5, 6.0)
    """
    clean = round(bound, 4) + 0.0  # never -0.0
    return clean if abs(bound - clean) <= 2 * CREDIT_TOLERANCE else bound


def _times_renew(terms: dict[int, float], renew: int, figure: float) -> dict[int, float]:
    """``terms`` less ``figure`` times ``renew`` (no term for a figure of 0)."""
    return {**terms, renew: -figure} if figure else terms


def with_broken_hours(team: HeldTeam, values: np.ndarray) -> HeldTeam | None:
    """``team`` with the weekly hours rows the answer ``values`` overfills, or ``None``.

    For a team built with ``every_hours_row=False`` (see :func:`build_held_team`): each
    person's stretches of runs the answer overfills
    (:meth:`~ceplan.model.hours.WeeklyRows.broken`) get their rows, in their own model and in
    the team's, switched by their ``renew`` as every row of theirs. ``None``: the answer keeps
    every weekly limit, and is the first of all plans in any order it was found first in.
    """
    rows: list[tuple[Expr, float, float, str]] = []
    members = dict(team.members)
    for person, member in team.members.items():
        weekly = member.weekly
        own = member.claims.model
        if weekly is None or values[member.renew] <= _ON:
            continue
        broken = weekly.broken(own, values[member.offset : member.offset + own.columns])
        if not broken:
            continue
        more = weekly.add(own, broken)
        tag = member.tag
        for terms, lower, upper, name in _switched(
            more, range(own.rows, more.rows), member.offset, member.renew, tag
        ):
            rows.append(((terms, 0.0), lower, upper, name))
        claims = dataclasses.replace(member.claims, model=more)
        members[person] = dataclasses.replace(member, claims=claims)
    if not rows:
        return None
    return dataclasses.replace(team, model=with_rows(team.model, rows), members=members)


def _member(
    b: _Columns,
    catalog: Catalog,
    roster: Roster,
    person: str,
    tag: str,
    world: HeldWorld,
    request: HeldRequest,
    segments: Sequence[Segment],
    scale: int,
    every_hours_row: bool,
) -> HeldMember:
    copies, origin, paid_on = _copies(world, roster, segments)
    world = dataclasses.replace(world, items=copies)
    claims = build_claims(world, budget=False, dominance=False)
    weekly = weekly_rows(world, claims)
    if weekly is not None:
        with_hours = weekly.every if every_hours_row else weekly.initial
        claims = dataclasses.replace(claims, model=with_hours(claims.model))
    own = claims.model
    offset = len(b.names)
    for j in range(own.columns):
        b.column(f"{tag}.{own.names[j]}", float(own.upper[j]), integer=bool(own.integer[j]))
    renew = b.column(f"renew_{tag}", 1.0, integer=True)
    if own.impossible or request.too_late:
        b.upper[renew] = 0.0
    for j in range(own.columns):
        if math.isfinite(own.upper[j]) and own.upper[j] > 0:
            b.row({offset + j: 1.0, renew: -float(own.upper[j])}, -math.inf, 0.0, f"{tag}.on_{j}")
    for terms, lower, upper, name in _switched(own, range(own.rows), offset, renew, tag):
        b.row(terms, lower, upper, name)

    def shift(expression: Expr) -> Expr:
        terms, constant = expression
        moved = {offset + c: v for c, v in terms.items()}
        if constant:
            moved[renew] = moved.get(renew, 0.0) + constant
        return moved, 0.0

    take = {i: offset + c for i, c in claims.take.items()}
    items: dict[str, int] = {}
    by_item: dict[str, list[int]] = {}
    for copy, (item_id, _) in origin.items():
        by_item.setdefault(item_id, []).append(take[copy])
    for item_id, columns in sorted(by_item.items()):
        items[item_id] = b.column(f"{tag}.item_{item_id}", 1.0, integer=True)
        b.row(
            {**dict.fromkeys(columns, 1.0), items[item_id]: -1.0}, 0.0, 0.0, f"{tag}.once_{item_id}"
        )
    fund_pay: dict[tuple[str, int], int] = {}
    spend: dict[int, Expr] = {}
    funds: dict[int, Expr] = {}
    paid_all: list[Expr] = []
    for copy, item in copies.items():
        segment = segments[origin[copy][1]]
        paid: list[Expr] = []
        for f in _paying(item, segment, roster):
            column = b.column(f"{tag}.pay_{copy}_{f}", float(item.cents))
            fund_pay[(copy, f)] = column
            paid.append(({column: 1.0}, 0.0))
            funds[f] = plus(funds.get(f, ({}, 0.0)), ({column: 1.0}, 0.0))
        if paid:
            terms = plus(*paid, ({take[copy]: -float(item.cents)}, 0.0))[0]
            b.row(terms, -math.inf, 0.0, f"{tag}.paid_at_most_{copy}")
        paid_all.extend(paid)
        if segment.period is not None and item.cents:
            out = plus(
                ({take[copy]: float(item.cents)}, 0.0),
                *((({c: -1.0 for c in p[0]}), 0.0) for p in paid),
            )
            spend[segment.period] = plus(spend.get(segment.period, ({}, 0.0)), out)
    fees = tuple(fees_due(catalog, world, way) for way in claims.ways)
    for k, payments in enumerate(fees):
        on = renew if not claims.way_columns else offset + claims.way_columns[k]
        for fee in payments:
            period = next((n for n, x in enumerate(roster.budgets) if x.holds(fee.due)), None)
            if period is not None and fee.cents:
                spend[period] = plus(spend.get(period, ({}, 0.0)), ({on: float(fee.cents)}, 0.0))
    cost = shift(claims.cost)
    out_of_pocket = plus(cost, *(({c: -v for c, v in p[0].items()}, 0.0) for p in paid_all))
    hours = (
        {take[i]: float(round(item.hours * scale)) for i, item in copies.items() if item.hours},
        0.0,
    )
    count = ({column: 1.0 for column in items.values()}, 0.0)
    return HeldMember(
        person=person,
        tag=tag,
        weekly=weekly,
        world=world,
        claims=claims,
        offset=offset,
        renew=renew,
        origin=origin,
        paid_on=paid_on,
        take=take,
        items=items,
        fund_pay=fund_pay,
        fees=fees,
        spend=spend,
        funds=funds,
        out_of_pocket=out_of_pocket,
        hours=hours,
        count=count,
    )
