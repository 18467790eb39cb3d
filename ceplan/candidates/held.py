"""What a person holding certifications could still use, under catalogue schema 2 (SPEC 9).

:func:`held_world` turns a catalogue and a checked
:class:`~ceplan.requests.held.HeldRequest` into what the schema 2 model is built from: each
tier held as a :class:`HeldRule` (its paths, caps, yearly minimum, deadline, cycle years, fees
and what was earned), each usable item as a :class:`HeldItem` (its credits by category, what
counts of them toward each tier after ``per_activity``, its window), and every
:class:`Way` to renew the tiers held (each by its own paths, or through a held tier that
``renews`` it), with each way's deadlines and fees. Nothing is searched here.

The rules, as the planner applies them (SPEC 9, and where it is silent the choices written in
the project's README, the same as ``tests/schema2_reference.py``'s):

- An item finishes on one day of its window, from ``max(today, available_from)`` to its last day
  (``expires``, ``retires``); it counts toward a tier only if it finishes by that tier's
  deadline; an activity only toward the tiers of its ``counts_for``, an exam toward every tier.
  An item is usable when its id is neither completed nor excluded (an exam only when new exams
  are allowed) and its window reaches some tier it may count toward by that tier's do-by date.
- A tier renewed through another (``renews``, among the tiers held, tier by tier) needs nothing
  of its own and pays no ``year`` or ``renewal`` fee; the renewing tier's deadline is then the
  earliest do-by date of itself and of every tier renewed through it.
- Fees: ``year`` (times ``period_years``) and ``renewal`` for each tier renewed by its own paths;
  ``member-year`` once per programme: the largest amount among its tiers held times the longest
  period among its tiers that name one.
- In a combination of catalogues (:func:`ceplan.combine_catalogs`) each programme keeps its own
  rules: an item counts only toward tiers of its own programme, and shares its credits among
  them as its programme's ``shares_credits`` says.
- Cycle years: ``award`` years run back from the expiry (year ``P`` ends on it), ``calendar``
  years are the ``P`` calendar years ending with the expiry's.
- Dated sessions (SPEC 6): each session that starts on or after today and has no day away is an
  item of its own (:func:`session_id`), finishing on its last day; a plan takes at most one
  session of an activity.
- A plan over time (a request with weekly hours or days away, SPEC 6): an item starts on the
  first day not away in its window, and may finish on any day not away in it, so its window is
  cut into stretches wherever finishing later changes which tiers it may count toward
  (:meth:`HeldWorld.segments`), each trimmed to its days not away.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ceplan.catalogue.models import Activity, Catalog, Exam, PathRule
from ceplan.errors import PlanInputError
from ceplan.inputs import cycle_years
from ceplan.units import DECIMALS
from ceplan.weeks import Calendar

if TYPE_CHECKING:
    from ceplan.requests.held import HeldRequest

__all__ = [
    "REST",
    "HeldItem",
    "HeldRule",
    "HeldWorld",
    "PlannedFee",
    "Way",
    "cycle_years",
    "held_world",
    "session_id",
]

SESSION_MARK = "#"
"""What separates an activity's id from its session's number in the id of a session as an item
(``#`` never occurs in an id, and sorts before every character that does, so an activity's
sessions sort where the activity would)."""


def session_id(item_id: str, number: int) -> str:
    """The id of session ``number`` of activity ``item_id`` as an item of the model.

    Examples
    --------
    >>> session_id("encor-ilt", 1)
    'encor-ilt#0001'
    """
    return f"{item_id}{SESSION_MARK}{number:04d}"


REST = ""
"""The category of credits in no category, or in one that none of a tier's paths names."""


@dataclass(frozen=True)
class HeldRule:
    """A tier held: its rules, its deadline and what was already done in its cycle."""

    tier: str
    label: str
    expires: dt.date
    complete_by: dt.date
    period: int
    years: tuple[tuple[dt.date, dt.date], ...]
    paths: tuple[PathRule, ...]
    hard_per_year: float | None
    """The credits each cycle year needs, when that is a rule; ``None`` when it is not."""
    soft_per_year: float | None
    """The credits each cycle year should have, when that is only a target (a warning)."""
    per_activity: float | None
    by_type: Mapping[str, float]
    renews: frozenset[str]
    """The tiers held that this one renews directly."""
    earned: float
    earned_by_category: Mapping[str, float]
    earned_per_year: Mapping[int, float]
    passed: Mapping[str, int]

    @property
    def categories_used(self) -> frozenset[str]:
        """The categories any of its paths' ``min`` or ``max`` names."""
        return frozenset(name for path in self.paths for name in path.categories_used)

    def year_of(self, day: dt.date) -> int | None:
        """The number of the cycle year ``day`` is in (1 = the first), or ``None``."""
        for number, (first, last) in enumerate(self.years, start=1):
            if first <= day <= last:
                return number
        return None

    def earned_in(self, category: str, path: PathRule) -> float:
        """The credits earned in ``category`` that count toward ``path`` (its ``max`` applied).

        ``category`` :data:`REST` is the earned credits in no category.
        """
        if category == REST:
            return max(0.0, self.earned - math.fsum(self.earned_by_category.values()))
        earned = self.earned_by_category.get(category, 0.0)
        most = path.max.get(category)
        return earned if most is None else min(earned, most)

    def earned_counted(self, path: PathRule) -> float:
        """Every credit earned that counts toward ``path``: credits above a ``max`` do not."""
        return self.earned_in(REST, path) + math.fsum(
            self.earned_in(category, path) for category in self.earned_by_category
        )


@dataclass(frozen=True)
class HeldItem:
    """An activity or exam the person can still use, as the schema 2 model sees it.

    ``parts`` are the activity's credits by category, :data:`REST` for those in none; ``caps``
    the most of them that count toward each tier it may count toward (``per_activity``
    applied); ``first`` and ``last`` its window (``last`` ``None``: no end of its own).
    """

    id: str
    is_exam: bool
    kind: str | None
    type: str
    credits: float
    parts: tuple[tuple[str, float], ...]
    cents: int
    hours: float
    first: dt.date
    last: dt.date | None
    counts_for: tuple[str, ...]
    caps: tuple[tuple[str, float], ...] = ()
    shares: bool = False
    """Whether it counts toward every tier it may count for (its programme's
    ``shares_credits``), or toward one of them."""
    session: int | None = None
    """For one dated session of an activity: the session's number (``first`` and ``last``
    are then its last day, and it needs no self-study hours)."""
    starts: dt.date | None = None
    """For one dated session: its first day."""

    @property
    def source(self) -> str:
        """The catalogue id of the item (a session's activity)."""
        return self.id.split(SESSION_MARK, 1)[0]

    @property
    def self_paced(self) -> bool:
        """Whether its hours are self-study spread over weeks (not a dated session)."""
        return self.session is None

    def cap(self, tier: str) -> float:
        """The most of its credits that count toward ``tier`` (0 if it does not count)."""
        return dict(self.caps).get(tier, 0.0)

    def part(self, category: str) -> float:
        """Its credits in ``category`` (:data:`REST`: in none)."""
        return dict(self.parts).get(category, 0.0)

    def ends_by(self, day: dt.date) -> dt.date:
        """The last day it can finish on or before ``day``."""
        return day if self.last is None else min(self.last, day)


@dataclass(frozen=True)
class Way:
    """One way to renew every tier held: each by its own paths or through another.

    ``via`` maps a tier to ``None`` (its own paths) or to the tier renewing it; ``deadlines``
    gives each tier renewed by its own paths the last day an item counting toward it may
    finish; ``fee_cents`` is what all the fees of the way come to (``member-year`` included).
    """

    via: Mapping[str, str | None]
    deadlines: Mapping[str, dt.date]
    fee_cents: int

    @property
    def roots(self) -> tuple[str, ...]:
        """The tiers renewed by their own paths."""
        return tuple(t for t, parent in self.via.items() if parent is None)


@dataclass(frozen=True)
class PlannedFee:
    """A fee a plan pays: its amount in cents, what it is per, its tier and source.

    ``times`` is how many times the fee's own amount is paid (the years of a ``year`` or
    ``member-year`` fee, 1 for ``renewal``).
    """

    tier: str
    per: str
    cents: int
    times: int
    source: str | None


@dataclass(frozen=True)
class HeldWorld:
    """A catalogue and a person as the schema 2 model sees them."""

    today: dt.date
    shares: bool
    """Whether every programme of the tiers held shares credits (each item says its own)."""
    rules: Mapping[str, HeldRule]
    items: Mapping[str, HeldItem]
    ways: tuple[Way, ...]
    budget_cents: int | None
    own_fees: Mapping[str, tuple[PlannedFee, ...]] = field(default_factory=dict)
    """Each tier's ``year`` and ``renewal`` fees (paid when it is renewed by its own paths)."""
    member_fees: tuple[PlannedFee, ...] = ()
    """The ``member-year`` fees paid whatever is renewed: one per programme of the tiers held
    whose tiers name one."""
    calendar: Calendar | None = None
    """For a plan over time: the days and weeks, the weekly hours and the days away."""

    def fees(self, way: Way) -> tuple[PlannedFee, ...]:
        """The fees a plan renewing the tiers as ``way`` says pays."""
        own = [fee for tier in way.roots for fee in self.own_fees.get(tier, ())]
        return (*own, *self.member_fees)

    def segments(self, item: HeldItem) -> tuple[tuple[dt.date, dt.date], ...]:
        """The stretches of ``item``'s window in which every finish day has the same effect.

        The window runs to the latest deadline of the tiers it may count toward. It is cut
        where the do-by date of such a tier, or of a tier it may renew, passes (whatever way the
        tiers are renewed, the deadline of a tier it counts toward is one of those do-by dates)
        and where a cycle year of a tier with a hard yearly minimum begins. Without such a
        tier, finishing earlier is never worse: the first stretch alone. In a plan over time
        finishing later leaves more weeks for the work: every stretch, each trimmed to its
        first and last day not away (a stretch all away is left out).
        """
        ends = [self.rules[t].complete_by for t in item.counts_for]
        last = item.ends_by(max(ends)) if ends else item.first
        if last < item.first:
            return ()
        hard = [t for t in item.counts_for if self.rules[t].hard_per_year is not None]
        reached = set(item.counts_for)
        stack = list(reached)
        while stack:
            for renewed in self.rules[stack.pop()].renews - reached:
                reached.add(renewed)
                stack.append(renewed)
        cuts = {self.rules[t].complete_by + dt.timedelta(days=1) for t in reached}
        for tier in hard:
            cuts.update(first for first, _ in self.rules[tier].years)
        inside = sorted(day for day in cuts if item.first < day <= last)
        starts = [item.first, *inside]
        stretches = [
            (start, end - dt.timedelta(days=1))
            for start, end in zip(starts, [*inside, last + dt.timedelta(days=1)], strict=True)
        ]
        calendar = self.calendar
        if calendar is None:
            return tuple(stretches) if hard else tuple(stretches[:1])
        trimmed = []
        for first, end in stretches:
            start = calendar.first_available(first, end)
            stop = calendar.last_available(end, first)
            if start is not None and stop is not None:
                trimmed.append((start, stop))
        return tuple(trimmed)


def held_world(catalog: Catalog, request: HeldRequest, *, sessions: bool = False) -> HeldWorld:
    """The tiers held, the usable items and the ways to renew, for ``request``.

    ``sessions``: plan activities with dated sessions, each session an item of its own (as
    one person's plan and a team's do).

    Raises
    ------
    PlanInputError
        For an activity with dated sessions, without ``sessions``.
    """
    held = set(request.tiers)
    rules = {name: _rule(catalog, request, name, held) for name in request.tiers}
    items: dict[str, HeldItem] = {}
    skip = request.completed | request.excluded
    pool: list[Activity | Exam] = [*catalog.activities]
    if request.allow_exams:
        pool.extend(catalog.exams)
    calendar = request.calendar
    reader = _Reader(catalog, request)
    for source in pool:
        if source.id in skip:
            continue
        if isinstance(source, Activity) and source.sessions and sessions:
            found = _sessions(catalog, request, source, held, calendar, reader)
        else:
            found = [_item(catalog, request, source, held, calendar, reader=reader)]
        for item in found:
            if item is not None and any(
                item.first <= rules[t].complete_by for t in item.counts_for
            ):
                items[item.id] = item
    own, members = _fees(catalog, rules)
    ways = tuple(_ways(rules, own, sum(fee.cents for fee in members)))
    return HeldWorld(
        today=request.today,
        shares=catalog.shares_credits,
        rules=rules,
        items=dict(sorted(items.items())),
        ways=ways,
        budget_cents=request.budget_cents,
        own_fees=own,
        member_fees=members,
        calendar=calendar,
    )


def _rule(catalog: Catalog, request: HeldRequest, name: str, held: set[str]) -> HeldRule:
    tier = catalog.tiers[name]
    given = request.of(name)
    per_year = tier.per_year
    return HeldRule(
        tier=name,
        label=tier.label,
        expires=given.expires,
        complete_by=request.complete_by(name),
        period=tier.period_years,
        years=cycle_years(given.expires, tier.period_years, tier.cycle),
        paths=tuple(tier.paths),
        hard_per_year=per_year.credits if per_year is not None and per_year.hard else None,
        soft_per_year=per_year.credits if per_year is not None and not per_year.hard else None,
        per_activity=tier.caps.per_activity,
        by_type=dict(tier.caps.by_type),
        renews=frozenset(tier.renews) & held,
        earned=given.earned,
        earned_by_category=dict(given.earned_by_category),
        earned_per_year=dict(given.earned_per_year),
        passed=dict(given.passed),
    )


def _sessions(
    catalog: Catalog,
    request: HeldRequest,
    source: Activity,
    held: set[str],
    calendar: Calendar | None,
    reader: _Reader | None = None,
) -> list[HeldItem | None]:
    """Each session of ``source`` that can be attended, as an item of its own.

    One that starts on or after today, with no day away, and within the activity's own dates;
    it finishes on its last day and costs its own price.
    """
    plain = _item(catalog, request, source, held, None, sessions=True, reader=reader)
    if plain is None:
        return []
    found: list[HeldItem | None] = []
    for number, session in enumerate(source.sessions):
        if session.start < request.today:
            continue
        if calendar is not None and not calendar.available_between(session.start, session.end):
            continue
        found.append(
            dataclasses.replace(
                plain,
                id=session_id(source.id, number),
                cents=catalog.cents_of(source.id, session=number),
                first=session.end,
                last=session.end,
                session=number,
                starts=session.start,
            )
        )
    return found


def _item(
    catalog: Catalog,
    request: HeldRequest,
    source: Activity | Exam,
    held: set[str],
    calendar: Calendar | None = None,
    *,
    sessions: bool = False,
    reader: _Reader | None = None,
) -> HeldItem | None:
    """``source`` as the model sees it, or ``None`` if its window is empty.

    With a ``calendar`` (a plan over time), the window starts and ends on days not away.
    ``reader``: what one call of :func:`held_world` reads of the catalogue once.
    """
    first = max(request.today, source.available_from or request.today)
    last = source.last_day
    if last is not None and last < first:
        return None
    if calendar is not None:
        opens = calendar.first_available(first, last or dt.date.max)
        if opens is None:
            return None
        first = opens
    reader = reader or _Reader(catalog, request)
    common = {
        "id": source.id,
        "cents": catalog.cents_of(source.id),
        "hours": round(float(source.hours or 0.0), DECIMALS),
        "first": first,
        "last": last,
    }
    own, shares = reader.programme(source.id)
    if isinstance(source, Exam):
        return HeldItem(
            is_exam=True,
            kind=source.kind,
            type="exam",
            credits=0.0,
            parts=(),
            counts_for=own,
            shares=shares,
            **common,  # type: ignore[arg-type]
        )
    if source.sessions and not sessions:
        raise PlanInputError(
            f"activity '{source.id}' has dated sessions: plans with several tiers or schema 2's "
            "rules do not plan sessions yet"
        )
    tiers = tuple(t for t in own if source.counts_toward(t))
    in_categories = math.fsum(source.categories.values())
    parts = [(name, float(part)) for name, part in sorted(source.categories.items()) if part > 0]
    rest = float(source.credits) - in_categories
    if rest > 1e-9:
        parts.append((REST, rest))
    return HeldItem(
        is_exam=False,
        kind=None,
        type=source.type,
        credits=float(source.credits),
        parts=tuple(parts),
        counts_for=tiers,
        caps=tuple((t, float(reader.tiers[t].counted(source).total)) for t in tiers),
        shares=shares,
        **common,  # type: ignore[arg-type]
    )


class _Reader:
    """What :func:`held_world` reads once of a catalogue for every item.

    The tiers held, by name (an activity's credits that count toward one:
    :meth:`ceplan.catalogue.models.Tier.counted`, once ``counts_for`` lets it count, as
    :meth:`~ceplan.catalogue.models.Catalog.counted` says), and for each programme of a
    combination the tiers held among its own and whether it shares credits.
    """

    def __init__(self, catalog: Catalog, request: HeldRequest) -> None:
        self.catalog = catalog
        held = request.tiers
        self.tiers = {name: catalog.tiers[name] for name in held}
        self.whole = (held, catalog.shares_credits)
        self.parts = [
            (part.ids, (tuple(t for t in held if t in part.tiers), part.shares_credits))
            for part in catalog.parts
        ]

    def programme(self, item_id: str) -> tuple[tuple[str, ...], bool]:
        """The tiers held that ``item_id`` may count toward (its programme's), and the sharing.

        The same as reading :meth:`~ceplan.catalogue.models.Catalog.part_of_item`.
        """
        for ids, own in self.parts:
            if item_id in ids:
                return own
        return self.whole


def _fees(
    catalog: Catalog, rules: Mapping[str, HeldRule]
) -> tuple[dict[str, tuple[PlannedFee, ...]], tuple[PlannedFee, ...]]:
    """Each tier's own fees, and the ``member-year`` fees: one per programme (R8 of the README).

    A programme's is the first of the largest amounts among its tiers held, times the longest
    period among its tiers that name one; a catalogue of one file is one programme.
    """
    own: dict[str, tuple[PlannedFee, ...]] = {}
    members: dict[int, list[tuple[int, str, str | None]]] = {}
    longest: dict[int, int] = {}
    programmes: list[object] = []
    for name, rule in rules.items():
        part = catalog.part_of(name)
        if part not in programmes:
            programmes.append(part)
        key = programmes.index(part)
        mine = []
        for number, fee in enumerate(catalog.tiers[name].fees):
            cents = catalog.fee_cents(name, number)
            if fee.per == "member-year":
                members.setdefault(key, []).append((cents, name, fee.source))
                longest[key] = max(longest.get(key, 0), rule.period)
            else:
                times = rule.period if fee.per == "year" else 1
                mine.append(PlannedFee(name, fee.per, cents * times, times, fee.source))
        own[name] = tuple(mine)
    paid = []
    for key, entries in sorted(members.items()):
        cents, name, source = max(entries, key=lambda m: m[0])  # the first of the largest
        paid.append(PlannedFee(name, "member-year", cents * longest[key], longest[key], source))
    return own, tuple(paid)


def _ways(
    rules: Mapping[str, HeldRule], own: Mapping[str, Sequence[PlannedFee]], member_cents: int
) -> Iterator[Way]:
    """Every way to renew the tiers held, fewest tiers renewed through another first."""
    names = list(rules)
    choices = [[None, *sorted(a for a in names if t in rules[a].renews)] for t in names]
    combos = sorted(
        itertools.product(*choices),
        key=lambda combo: (sum(c is not None for c in combo), [c or "" for c in combo]),
    )
    for combo in combos:
        via = dict(zip(names, combo, strict=True))
        deadlines: dict[str, dt.date] = {}
        for tier in names:
            root = tier
            while via[root] is not None:
                root = via[root]  # type: ignore[assignment]
            day = rules[tier].complete_by
            deadlines[root] = min(deadlines.get(root, day), day)
        fee = member_cents + sum(f.cents for t in names if via[t] is None for f in own.get(t, ()))
        yield Way(via=via, deadlines=deadlines, fee_cents=fee)
