"""An exhaustive reference planner for catalogue schema 2, written from SPEC sections 3 and 9.

It imports nothing from ceplan, so that a mistake shared with the planner cannot hide. It takes a
catalogue as plain data (a schema 1 or 2 file as YAML parses it) and a :class:`Person`, tries
every set of items and every way of using each set, and returns the first plan in the order of
SPEC 3, or ``None``. Credits and hours are exact fractions, money whole cents. Sessions and weekly
hours (SPEC 6) are outside it: an activity with ``sessions`` is refused.

For the planner's tests: compare the planner's plan with :func:`solve`'s :attr:`Plan.key` (cents,
hours, item count, ids: the order is total, so the best plan is unique); verify the planner's own
way of using its items with :func:`check`, and that no item can be dropped with
:func:`renewable`. ``tests.schema2_generators`` makes random instances.

The rules as implemented
------------------------
R1 Items. An excluded (or completed) id is left out, and exams when new exams are not allowed.
   An item finishes on one day ``f``, ``max(today, available_from) <= f <= last`` (``last`` =
   ``expires``, ``retires`` for an exam; none = no limit). It counts toward a held tier ``T`` only
   if ``f`` is on or before ``T``'s deadline (R6); an activity only toward the held tiers of its
   ``counts_for`` (default: every tier), an exam toward any held tier.
R2 Credits. With ``credit_step``, an activity's ``credits`` and each part of its ``categories``
   split are rounded down to a multiple of the step; the rest (``credits`` minus the split) has
   no category and counts toward the total only.
R3 Counted credits, for one tier and one path. The person claims the credits of the items that
   count toward the tier in the way most favourable to them that keeps, all at once: at most
   ``per_activity`` from one item; at most ``by_type[t]`` from all items of type ``t``; at most
   ``max[c]`` in category ``c``, earned credits included. Credits above a ``max`` do not count,
   not even toward the total; a split is fixed, its credits do not move to another category.
   This is a flow (types, items, categories): :func:`most_counted` computes it by min cut.
R4 A path is met when earned + counted credits >= ``credits``; counted credits in each ``min``
   category (earned included) >= ``min[c]``; and for each exam kind, ``passed[k]`` + the exams of
   kind ``k`` counting toward the tier >= ``exams[k]``. A tier is met by its own paths when one
   path is met and, with a hard yearly minimum, every cycle year has enough credits (R5).
R5 ``per_year`` with ``hard: true``: for every year of the tier's cycle (past years included),
   ``earned_per_year[year]`` + the credits of the items counting toward the tier that finish in
   that year (each capped by ``per_activity``) >= ``per_year.credits``. ``hard: false`` is a
   warning only and changes no plan.
R6 Deadlines and ``renews``. A held tier's ``complete_by`` is ``expires - processing_days``. Each
   held tier is renewed by its own paths, or through a held tier ``A`` whose ``renews`` names it
   (transitively: a tier so renewed renews its own ``renews`` too). A tier renewed through
   another needs nothing of its own (credits, exams, yearly minimum), but is renewed when the
   renewing tier is, so the renewing tier's deadline is the earliest ``complete_by`` of itself
   and of the tiers renewed through it, and every item counting toward it finishes by then.
   If ``today`` is after any held tier's ``complete_by``, there is no plan ("too late").
R7 Several tiers. Every held tier must be renewed. With ``shares_credits: true`` an activity
   counts toward every held tier it may (R1); otherwise toward exactly one held tier, which the
   search chooses. Exams are not credits: an exam counts toward every held tier, shared or not.
R8 Fees, each entry converted to cents (half to even) once: ``per: year`` = amount x the tier's
   ``period_years``, ``per: renewal`` = amount, both due for each held tier renewed by its own
   paths (already met or not) and waived for a tier renewed through ``renews``;
   ``per: member-year`` is paid once a year whatever is held: the largest such amount among the
   held tiers, times the longest ``period_years`` among the held tiers that name one.
R9 Objective (SPEC 3). Cost = items (converted to cents, half to even) + fees, at most the
   budget in whole cents (rounded down) when one is given. Least cost, then fewest hours, then
   fewest items, then smallest sorted ids. The first plan in this order is irredundant: with any
   item dropped the tiers cannot be renewed the same way (same ``via``), or the smaller set,
   costing no more, would come first.

Ambiguities of SPEC 9, and what this reference chose
----------------------------------------------------
A1 No order among ``max``, ``per_activity`` and ``by_type``: they hold at once and the credits
   are counted in the way most favourable to the person (R3); no cap is applied "first".
A2 A split's credits above a category's ``max`` do not count toward the total (SPEC's words).
A3 Earned credits are given per category, and ``max`` applies to them (35 Group B earned count
   30); ``per_activity`` and ``by_type`` do not (those credits are claimed already, and their
   types are not given), and earned credits leave the ``by_type`` room of new items untouched.
A4 The yearly minimum counts an item's credits after ``per_activity`` only: ``by_type`` and
   ``max`` are per cycle and do not say which year loses the credits they cut.
A5 An item's finish day is chosen by the plan within its window (no weekly hours limit here), not
   fixed at its do-by date; an item finishing before the first cycle year is in no year.
A6 Cycle years. ``award``: year ``k`` of ``P`` ends on ``expires`` moved back ``P - k`` years and
   starts the day after ``expires`` moved back ``P - k + 1`` years (29 February becomes 28
   February). ``calendar``: the ``P`` calendar years ending with the year of ``expires``.
   ``earned_per_year`` is keyed by the year's number, 1 = the first year of the cycle.
A7 Without ``shares_credits`` an activity's credits all go to one tier, never split between
   several ("each credit counts once" read at the activity's level: the stricter reading).
A8 Exams count toward every held tier (A7 is about credits); exams have no ``counts_for``.
A9 ``renews``: a tier renewed through another pays no ``year`` or ``renewal`` fee (CompTIA waives
   the lower certification's fees) but its ``member-year`` fee still counts; it may instead be
   renewed by its own paths, when that is cheaper or the renewing tier cannot be renewed by its
   deadline. A tier renewed by its own paths still renews the tiers it ``renews``.
A10 One ``processing_days`` (the person's, else the catalogue's) for every held tier.
A11 ``per_year`` without ``hard`` is a warning (``hard`` defaults to false); hours not given
   count 0 (SPEC 3).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

__all__ = [
    "Held",
    "Person",
    "Plan",
    "Use",
    "World",
    "broken_rules",
    "check",
    "cycle_years",
    "most_counted",
    "path_met",
    "renewable",
    "solve",
    "to_cents",
    "world",
]

REST = ""
"""The category of an activity's credits that its split does not name."""


# -- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """One certification the person holds, and what they have done in its current cycle.

    ``earned`` is every credit earned so far; ``earned_by_category`` says how much of it is in
    each category (the rest has none); ``earned_per_year`` is keyed by cycle year (1 = first).
    """

    expires: dt.date
    earned: float = 0
    earned_by_category: Mapping[str, float] = field(default_factory=dict)
    earned_per_year: Mapping[int, float] = field(default_factory=dict)
    passed: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Person:
    """The person's inputs: the tiers held (by id), and the options of SPEC 3."""

    today: dt.date
    held: Mapping[str, Held]
    exclude: frozenset[str] = frozenset()
    allow_exams: bool = True
    processing_days: int | None = None
    budget: float | None = None


# -- outputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """How a plan uses one item: the day it finishes and the held tiers it counts toward."""

    finish: dt.date
    tiers: frozenset[str]


@dataclass(frozen=True)
class Plan:
    """The first plan in the order of SPEC 3, with one way of using it that meets every rule.

    ``via`` maps each held tier to ``None`` (renewed by its own paths) or the tier whose renewal
    renews it; ``paths`` gives, for each tier renewed by its own paths, the paths met (indices).
    """

    item_cents: int
    fee_cents: int
    hours: Fraction
    ids: tuple[str, ...]
    via: Mapping[str, str | None]
    uses: Mapping[str, Use]
    paths: Mapping[str, tuple[int, ...]]

    @property
    def cents(self) -> int:
        return self.item_cents + self.fee_cents

    @property
    def key(self) -> tuple[int, Fraction, int, tuple[str, ...]]:
        return (self.cents, self.hours, len(self.ids), self.ids)


# -- small helpers -----------------------------------------------------------------------------


def exact(value: Any) -> Fraction:
    """A number from the data as an exact fraction (a float as its shortest decimal)."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def to_cents(amount: Any, rate: Any = 1) -> int:
    """``amount * rate`` in cents, half to even.

    >>> to_cents(12.5, 0.79), to_cents(0.125), to_cents(0.135)
    (988, 12, 14)
    """
    cents = Decimal(repr(amount)) * Decimal(repr(rate)) * 100
    return int(cents.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def years_back(day: dt.date, years: int) -> dt.date:
    """``day`` moved back ``years`` years; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29 and not _leap(day.year - years):
        return dt.date(day.year - years, 2, 28)
    return day.replace(year=day.year - years)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def cycle_years(expires: dt.date, period: int, cycle: str) -> tuple[tuple[dt.date, dt.date], ...]:
    """The first to last day of each year of the cycle ending ``expires`` (A6).

    >>> cycle_years(dt.date(2028, 6, 30), 2, "award")
    ((datetime.date(2026, 7, 1), datetime.date(2027, 6, 30)), \
(datetime.date(2027, 7, 1), datetime.date(2028, 6, 30)))
    >>> [first.year for first, _ in cycle_years(dt.date(2028, 12, 31), 3, "calendar")]
    [2026, 2027, 2028]
    """
    if cycle == "calendar":
        first_year = expires.year - period + 1
        return tuple(
            (dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in range(first_year, expires.year + 1)
        )
    return tuple(
        (
            years_back(expires, period - k + 1) + dt.timedelta(days=1),
            years_back(expires, period - k),
        )
        for k in range(1, period + 1)
    )


# -- the catalogue and the person, as the search sees them -------------------------------------


@dataclass(frozen=True)
class Item:
    id: str
    is_exam: bool
    kind: str | None
    type: str | None
    parts: Mapping[str, Fraction]  # credits by category; REST for the uncategorised rest
    cents: int
    hours: Fraction
    first: dt.date  # the earliest finish: max(today, available_from)
    last: dt.date | None  # expires or retires
    counts_for: frozenset[str]  # held tiers it may count toward (every held tier for an exam)

    @property
    def credits(self) -> Fraction:
        return sum(self.parts.values(), Fraction(0))


@dataclass(frozen=True)
class Path:
    credits: Fraction
    exams: Mapping[str, int]
    min: Mapping[str, Fraction]
    max: Mapping[str, Fraction]


@dataclass(frozen=True)
class Rule:
    """A held tier: its rules and the person's progress in its cycle."""

    id: str
    complete_by: dt.date
    years: tuple[tuple[dt.date, dt.date], ...]
    paths: tuple[Path, ...]
    per_year: Fraction | None  # hard minimums only
    per_activity: Fraction | None
    by_type: Mapping[str, Fraction]
    renews: frozenset[str]  # held tiers only
    own_fee_cents: int  # year and renewal fees
    member_year_cents: int  # the amount per year, 0 if none
    period: int
    earned: Fraction
    earned_by_category: Mapping[str, Fraction]
    earned_per_year: Mapping[int, Fraction]
    passed: Mapping[str, int]

    def year_of(self, day: dt.date) -> int | None:
        """The number of the cycle year ``day`` falls in (1 = first), or ``None``."""
        for number, (first, last) in enumerate(self.years, start=1):
            if first <= day <= last:
                return number
        return None

    def cap(self, item: Item) -> Fraction:
        """The most ``item`` can count toward this tier (``per_activity``)."""
        return item.credits if self.per_activity is None else min(item.credits, self.per_activity)


@dataclass(frozen=True)
class World:
    today: dt.date
    shares: bool
    rules: Mapping[str, Rule]
    items: Mapping[str, Item]
    budget_cents: int | None

    def fee_cents(self, via: Mapping[str, str | None]) -> int:
        """The fees of a plan that renews the held tiers as ``via`` says (R8)."""
        own = sum(rule.own_fee_cents for rule in self.rules.values() if via[rule.id] is None)
        members = [rule for rule in self.rules.values() if rule.member_year_cents]
        if not members:
            return own
        return own + max(r.member_year_cents for r in members) * max(r.period for r in members)


def _rate(catalogue: Mapping[str, Any], currency: str | None) -> Any:
    if currency is None or currency == catalogue["currency"]:
        return 1
    return catalogue["exchange_rates"][currency]


def _step(value: Fraction, step: Fraction | None) -> Fraction:
    return value if step is None else math.floor(value / step) * step


def _fees(catalogue: Mapping[str, Any], tier: Mapping[str, Any], period: int) -> tuple[int, int]:
    own = member = 0
    for fee in tier.get("fees") or ():
        cents = to_cents(fee["amount"], _rate(catalogue, fee.get("currency")))
        if fee["per"] == "year":
            own += cents * period
        elif fee["per"] == "renewal":
            own += cents
        elif fee["per"] == "member-year":
            member = max(member, cents)
        else:
            raise ValueError(f"unknown fee period {fee['per']!r}")
    return own, member


def _rule(
    catalogue: Mapping[str, Any], person: Person, tier_id: str, held: Held, days: int
) -> Rule:
    tier = catalogue["tiers"][tier_id]
    if sum(exact(n) for n in held.earned_by_category.values()) > exact(held.earned):
        raise ValueError(f"{tier_id}: more credits earned by category than earned")
    period = int(tier.get("period_years", 3))
    per_year = tier.get("per_year")
    caps = tier.get("caps") or {}
    own_fee, member_fee = _fees(catalogue, tier, period)
    return Rule(
        id=tier_id,
        complete_by=held.expires - dt.timedelta(days=days),
        years=cycle_years(held.expires, period, tier.get("cycle", "award")),
        paths=tuple(
            Path(
                credits=exact(path.get("credits", 0)),
                exams=dict(path.get("exams") or {}),
                min={c: exact(n) for c, n in (path.get("min") or {}).items()},
                max={c: exact(n) for c, n in (path.get("max") or {}).items()},
            )
            for path in tier["paths"]
        ),
        per_year=exact(per_year["credits"]) if per_year and per_year.get("hard") else None,
        per_activity=None if caps.get("per_activity") is None else exact(caps["per_activity"]),
        by_type={t: exact(n) for t, n in (caps.get("by_type") or {}).items()},
        renews=frozenset(tier.get("renews") or ()) & set(person.held),
        own_fee_cents=own_fee,
        member_year_cents=member_fee,
        period=period,
        earned=exact(held.earned),
        earned_by_category={c: exact(n) for c, n in held.earned_by_category.items()},
        earned_per_year={y: exact(n) for y, n in held.earned_per_year.items()},
        passed=dict(held.passed),
    )


def _item(
    catalogue: Mapping[str, Any], raw: Mapping[str, Any], is_exam: bool, person: Person
) -> Item:
    step = None if catalogue.get("credit_step") is None else exact(catalogue["credit_step"])
    if is_exam:
        parts: dict[str, Fraction] = {}
        counts_for = frozenset(person.held)
    else:
        if raw.get("sessions"):
            raise ValueError(f"{raw['id']}: sessions are outside this reference")
        parts = {c: _step(exact(n), step) for c, n in (raw.get("categories") or {}).items()}
        credits = _step(exact(raw["credits"]), step)
        rest = credits - sum(parts.values(), Fraction(0))
        if rest < 0:
            raise ValueError(f"{raw['id']}: the split is more than the credits")
        parts = {c: n for c, n in {**parts, REST: rest}.items() if n > 0}
        named = raw.get("counts_for")
        counts_for = frozenset(person.held if named is None else named) & set(person.held)
    start = as_date(raw.get("available_from"))
    return Item(
        id=raw["id"],
        is_exam=is_exam,
        kind=raw.get("kind"),
        type=None if is_exam else raw["type"],
        parts=parts,
        cents=to_cents(raw["cost"], _rate(catalogue, raw.get("currency"))),
        hours=Fraction(0) if raw.get("hours") is None else exact(raw["hours"]),
        first=person.today if start is None else max(person.today, start),
        last=as_date(raw.get("retires" if is_exam else "expires")),
        counts_for=counts_for,
    )


def world(catalogue: Mapping[str, Any], person: Person) -> World:
    """The catalogue and the person as the search sees them: held tiers and usable items (R1)."""
    if not person.held:
        raise ValueError("the person holds no tier")
    days = person.processing_days
    if days is None:
        days = int(catalogue.get("processing_days", 0))
    rules = {t: _rule(catalogue, person, t, h, days) for t, h in sorted(person.held.items())}
    sections = [("activities", False)] + ([("exams", True)] if person.allow_exams else [])
    items = {}
    for section, is_exam in sections:
        for raw in catalogue.get(section) or ():
            if raw["id"] in person.exclude:
                continue
            item = _item(catalogue, raw, is_exam, person)
            if any(_window(item, rules[t].complete_by) for t in item.counts_for):
                items[item.id] = item
    budget = None if person.budget is None else math.floor(exact(person.budget) * 100)
    return World(
        today=person.today,
        shares=bool(catalogue.get("shares_credits", False)),
        rules=rules,
        items=dict(sorted(items.items())),
        budget_cents=budget,
    )


def _window(item: Item, deadline: dt.date) -> bool:
    """Whether ``item`` can finish on or before ``deadline`` (and within its own dates)."""
    return item.first <= deadline and (item.last is None or item.first <= item.last)


# -- counting credits (R3, R4, R5) -------------------------------------------------------------


def most_counted(
    items: Sequence[Item],
    caps: Mapping[str, Fraction],
    rooms: Mapping[str, Fraction],
    *,
    others: bool,
    per_activity: Fraction | None = None,
) -> Fraction:
    """The most credits ``items`` can count into the categories.

    A flow: type ``t`` (at most ``caps[t]``, no limit if absent) -> item (at most its credits and
    ``per_activity``) -> category (at most the item's part in it) -> counted, where a category
    takes at most ``rooms[c]``, and a category not in ``rooms`` takes no limit when ``others`` is
    true and nothing when it is false. Max flow = min cut: choose the set ``C`` of limited
    categories whose room is cut; the rest of the network is a tree, whose cut is, per type,
    ``min(cap, sum over items of min(item cap, its parts outside C))``.

    >>> a = Item("a", False, None, "webinar", {"x": Fraction(6), REST: Fraction(4)},
    ...          0, Fraction(0), dt.date(2026, 1, 1), None, frozenset())
    >>> int(most_counted([a], {}, {"x": Fraction(2)}, others=True))
    6
    >>> int(most_counted([a], {"webinar": Fraction(5)}, {}, others=True))
    5
    >>> int(most_counted([a], {}, {"x": Fraction(9)}, others=False))
    6
    """

    def reach(item: Item) -> dict[str, Fraction]:
        return {c: n for c, n in item.parts.items() if c in rooms or others}

    reachable = [(item, reach(item)) for item in items]
    limited = sorted({c for _, parts in reachable for c in parts if c in rooms})
    best: Fraction | None = None
    for size in range(len(limited) + 1):
        for cut in itertools.combinations(limited, size):
            value = sum((rooms[c] for c in cut), Fraction(0))
            by_type: dict[str | None, Fraction] = {}
            for item, parts in reachable:
                out = sum((n for c, n in parts.items() if c not in cut), Fraction(0))
                own = out if per_activity is None else min(out, per_activity)
                by_type[item.type] = by_type.get(item.type, Fraction(0)) + own
            for kind, flow in by_type.items():
                limit = caps.get(kind) if kind is not None else None
                value += flow if limit is None else min(flow, limit)
            best = value if best is None else min(best, value)
    return Fraction(0) if best is None else best


def path_met(rule: Rule, path: Path, items: Sequence[Item]) -> bool:
    """Whether ``items`` (those counting toward ``rule``'s tier) meet ``path`` (R3, R4).

    The total and the minimums are checked as two flows, yet one claim meets both when each flow
    exists: a claim meeting the minimums grows into a largest claim along augmenting paths, which
    end at the sink and so never lower what a category counts.
    """
    exams = [i for i in items if i.is_exam]
    for kind, count in path.exams.items():
        if rule.passed.get(kind, 0) + sum(1 for i in exams if i.kind == kind) < count:
            return False
    activities = [i for i in items if not i.is_exam]
    earned = dict(rule.earned_by_category)
    earned[REST] = rule.earned - sum(earned.values(), Fraction(0))
    counted = {c: min(n, path.max[c]) if c in path.max else n for c, n in earned.items()}
    rooms = {c: max(Fraction(0), m - counted.get(c, Fraction(0))) for c, m in path.max.items()}
    total = sum(counted.values(), Fraction(0)) + most_counted(
        activities, rule.by_type, rooms, others=True, per_activity=rule.per_activity
    )
    if total < path.credits:
        return False
    needs = {c: m - counted.get(c, Fraction(0)) for c, m in path.min.items()}
    needs = {c: n for c, n in needs.items() if n > 0}
    if any(n > rooms[c] for c, n in needs.items() if c in rooms):
        return False
    most = most_counted(
        activities, rule.by_type, needs, others=False, per_activity=rule.per_activity
    )
    return most == sum(needs.values(), Fraction(0))


def years_met(rule: Rule, credits_by_year: Mapping[int, Fraction]) -> bool:
    """Whether every cycle year reaches the hard yearly minimum (R5)."""
    if rule.per_year is None:
        return True
    return all(
        rule.earned_per_year.get(year, Fraction(0)) + credits_by_year.get(year, Fraction(0))
        >= rule.per_year
        for year in range(1, len(rule.years) + 1)
    )


def _met_paths(rule: Rule, uses: Sequence[tuple[Item, Use]]) -> tuple[int, ...]:
    """The paths of ``rule`` that the items used toward it meet, or ``()`` (R4, R5)."""
    mine = [(item, use) for item, use in uses if rule.id in use.tiers]
    by_year: dict[int, Fraction] = {}
    for item, use in mine:
        year = rule.year_of(use.finish)
        if year is not None and not item.is_exam:
            by_year[year] = by_year.get(year, Fraction(0)) + rule.cap(item)
    if not years_met(rule, by_year):
        return ()
    items = [item for item, _ in mine]
    return tuple(n for n, path in enumerate(rule.paths) if path_met(rule, path, items))


# -- renewal through ``renews`` (R6) -----------------------------------------------------------


def _roots(rules: Mapping[str, Rule], via: Mapping[str, str | None]) -> dict[str, str] | None:
    """Each held tier's root (the tier renewed by its own paths it hangs from), or ``None`` if
    ``via`` is not a valid way of renewing every held tier."""
    roots: dict[str, str] = {}
    for tier in rules:
        seen = [tier]
        while (parent := via.get(seen[-1])) is not None:
            if parent not in rules or seen[-1] not in rules[parent].renews or parent in seen:
                return None
            seen.append(parent)
        roots[tier] = seen[-1]
    return roots if set(via) == set(rules) else None


def _deadlines(world: World, via: Mapping[str, str | None]) -> dict[str, dt.date] | None:
    """Each own-path tier's deadline: the earliest ``complete_by`` of the tiers it renews."""
    roots = _roots(world.rules, via)
    if roots is None:
        return None
    deadlines: dict[str, dt.date] = {}
    for tier, root in roots.items():
        day = world.rules[tier].complete_by
        deadlines[root] = min(deadlines.get(root, day), day)
    return deadlines


def ways_to_renew(rules: Mapping[str, Rule]) -> Iterator[dict[str, str | None]]:
    """Every valid ``via``: each held tier by its own paths or through one that renews it."""
    choices = [
        [None, *sorted(a for a in rules if tier in rules[a].renews)] for tier in sorted(rules)
    ]
    for combo in itertools.product(*choices):
        via = dict(zip(sorted(rules), combo, strict=True))
        if _roots(rules, via) is not None:
            yield via


# -- one plan, checked (R1-R9) -----------------------------------------------------------------


def check(
    catalogue: Mapping[str, Any],
    person: Person,
    uses: Mapping[str, Use],
    via: Mapping[str, str | None],
) -> list[str]:
    """Every rule a plan breaks, in words; ``[]`` for a valid plan (not necessarily the best).

    ``uses`` gives each item of the plan its finish date and the tiers it counts toward;
    ``via`` says how each held tier is renewed (see :class:`Plan`).
    """
    return broken_rules(world(catalogue, person), uses, via)


def broken_rules(w: World, uses: Mapping[str, Use], via: Mapping[str, str | None]) -> list[str]:
    """:func:`check` for a catalogue and person already made into a :class:`World`."""
    broken = []
    deadlines = _deadlines(w, via)
    if deadlines is None:
        return [f"not a way to renew every held tier: {dict(via)}"]
    if any(w.today > rule.complete_by for rule in w.rules.values()):
        broken.append("too late")
    pairs = []
    for item_id, use in sorted(uses.items()):
        item = w.items.get(item_id)
        if item is None:
            broken.append(f"{item_id}: not a usable item")
            continue
        pairs.append((item, use))
        if use.finish < item.first or (item.last is not None and use.finish > item.last):
            broken.append(f"{item_id}: finishes on {use.finish}, outside its window")
        for tier in use.tiers:
            if tier not in item.counts_for:
                broken.append(f"{item_id}: cannot count toward {tier}")
            elif tier in deadlines and use.finish > deadlines[tier]:
                broken.append(f"{item_id}: finishes after {tier}'s deadline {deadlines[tier]}")
        if not w.shares and not item.is_exam and len(use.tiers) > 1:
            broken.append(f"{item_id}: counts toward several tiers without shares_credits")
    for tier in deadlines:
        if not _met_paths(w.rules[tier], pairs):
            broken.append(f"{tier}: no path met")
    cents = sum(item.cents for item, _ in pairs) + w.fee_cents(via)
    if w.budget_cents is not None and cents > w.budget_cents:
        broken.append(f"costs {cents} cents, over the budget of {w.budget_cents}")
    return broken


# -- the search --------------------------------------------------------------------------------


def _options(item: Item, w: World, deadlines: Mapping[str, dt.date]) -> list[Use]:
    """The distinct ways to use ``item`` when the own-path tiers have these deadlines.

    Between two consecutive breakpoints (a deadline's next day, a hard-minimum tier's year
    start) every finish day has the same effect, so the first day of each stretch stands for it.
    """
    tiers = [t for t in sorted(deadlines) if t in item.counts_for]
    days = {item.first}
    if not item.is_exam:
        for tier in tiers:
            days.add(deadlines[tier] + dt.timedelta(days=1))
            if w.rules[tier].per_year is not None:
                days.update(first for first, _ in w.rules[tier].years)
    last = item.last
    seen: dict[tuple[tuple[str, int | None], ...], Use] = {}
    for day in sorted(d for d in days if d >= item.first and (last is None or d <= last)):
        reach = [t for t in tiers if day <= deadlines[t]]
        groups = [reach] if w.shares or item.is_exam else [[t] for t in reach]
        for group in groups:
            if not group:
                continue
            effect = tuple(
                (t, w.rules[t].year_of(day) if w.rules[t].per_year else 0) for t in group
            )
            seen.setdefault(effect, Use(day, frozenset(group)))
    return list(seen.values())


def _tier_hopeful(
    rule: Rule, fixed: Sequence[tuple[Item, Use]], loose: Sequence[tuple[Item, list[Use]]]
) -> bool:
    """Whether ``rule``'s tier could be met: ``fixed`` items as used, and each ``loose`` item
    counted toward it in every year that any of its options gives (a relaxation: R4 and R5 only
    grow with more credits, so a tier it fails cannot be met by any choice of the options)."""
    items: list[Item] = []
    by_year: dict[int, Fraction] = {}
    for item, uses in [(item, [use]) for item, use in fixed] + list(loose):
        mine = [use for use in uses if rule.id in use.tiers]
        if not mine:
            continue
        items.append(item)
        if item.is_exam:
            continue
        for year in {rule.year_of(use.finish) for use in mine} - {None}:
            assert year is not None
            by_year[year] = by_year.get(year, Fraction(0)) + rule.cap(item)
    return years_met(rule, by_year) and any(path_met(rule, path, items) for path in rule.paths)


def _assign(
    w: World, chosen: Sequence[Item], via: Mapping[str, str | None]
) -> dict[str, Use] | None:
    """A way to use ``chosen`` that renews every held tier as ``via`` says, or ``None``.

    Depth first over the items' options, cutting a branch as soon as the relaxation of
    :func:`_tier_hopeful` fails for a tier renewed by its own paths.
    """
    deadlines = _deadlines(w, via)
    if deadlines is None:
        return None
    options = [(item, _options(item, w, deadlines)) for item in chosen]
    if any(not uses for _, uses in options):
        return None  # an item that can count toward nothing: a smaller set does as well
    options.sort(key=lambda pair: (len(pair[1]), pair[0].id))
    rules = [w.rules[tier] for tier in deadlines]

    def hopeful(fixed: list[tuple[Item, Use]], depth: int) -> bool:
        return all(_tier_hopeful(rule, fixed, options[depth:]) for rule in rules)

    def search(fixed: list[tuple[Item, Use]], depth: int) -> list[tuple[Item, Use]] | None:
        if not hopeful(fixed, depth):
            return None
        if depth == len(options):
            return fixed
        item, uses = options[depth]
        for use in uses:
            found = search([*fixed, (item, use)], depth + 1)
            if found is not None:
                return found
        return None

    found = search([], 0)
    return None if found is None else {item.id: use for item, use in found}


def _ways(w: World) -> list[dict[str, str | None]]:
    """Every way to renew the held tiers, cheapest in fees first (then fewest renewed through
    another, for a stable order)."""
    return sorted(
        ways_to_renew(w.rules),
        key=lambda via: (w.fee_cents(via), [(t, via[t] or "") for t in sorted(via)]),
    )


def solve(catalogue: Mapping[str, Any], person: Person) -> Plan | None:
    """The first plan in the order of SPEC 3 (R9), or ``None`` when no plan renews every tier.

    Item sets are tried in the order of a lower bound of their key (their cost plus the least
    fees of any way to renew); a set whose bound is not below the best key found ends the search.
    """
    w = world(catalogue, person)
    if any(w.today > rule.complete_by for rule in w.rules.values()):
        return None
    ways = _ways(w)
    if not ways:
        return None
    least_fee = w.fee_cents(ways[0])
    items = list(w.items.values())

    def bound(combo: tuple[Item, ...]) -> tuple[int, Fraction, int, tuple[str, ...]]:
        cents = sum(item.cents for item in combo) + least_fee
        hours = sum((item.hours for item in combo), Fraction(0))
        return (cents, hours, len(combo), tuple(item.id for item in combo))

    combos = [c for size in range(len(items) + 1) for c in itertools.combinations(items, size)]
    best: Plan | None = None
    for combo in sorted(combos, key=bound):
        low = bound(combo)
        if best is not None and low >= best.key:
            break
        if w.budget_cents is not None and low[0] > w.budget_cents:
            break
        for via in ways:
            fee = w.fee_cents(via)
            key = (low[0] - least_fee + fee, *low[1:])
            if best is not None and key >= best.key:
                break
            if w.budget_cents is not None and key[0] > w.budget_cents:
                break
            uses = _assign(w, combo, via)
            if uses is not None:
                pairs = [(w.items[i], use) for i, use in sorted(uses.items())]
                best = Plan(
                    item_cents=low[0] - least_fee,
                    fee_cents=fee,
                    hours=low[1],
                    ids=low[3],
                    via=via,
                    uses=uses,
                    paths={t: _met_paths(w.rules[t], pairs) for t in sorted(via) if via[t] is None},
                )
                break
    return best


def renewable(
    catalogue: Mapping[str, Any],
    person: Person,
    ids: Iterable[str],
    via: Mapping[str, str | None] | None = None,
) -> bool:
    """Whether the items ``ids`` can renew every held tier (as ``via`` says, or any way),
    whatever they cost (R1-R8).

    A test can check with it that a plan is irredundant: with any one item dropped, the tiers
    cannot be renewed the plan's way.
    """
    w = world(catalogue, person)
    if any(w.today > rule.complete_by for rule in w.rules.values()):
        return False
    wanted = set(ids)
    if not wanted <= set(w.items):
        return False
    chosen = [w.items[i] for i in sorted(wanted)]
    ways = _ways(w) if via is None else [dict(via)]
    return any(_assign(w, chosen, way) is not None for way in ways)
