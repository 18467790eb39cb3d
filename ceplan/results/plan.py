"""Plans as typed, immutable objects, with pandas tables, JSON and a notebook view."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ceplan.catalogue.models import PathRule
from ceplan.errors import PlanInputError
from ceplan.objective import Objective, Outcome, objective_for
from ceplan.status import Status, Termination, Verdict
from ceplan.units import (
    CREDIT_TOLERANCE,
    format_money,
    format_number,
    money_value,
    plain_number,
    quantity,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "HOURS_NOT_GIVEN",
    "NO_CATEGORY",
    "Blocked",
    "Claim",
    "HeldTierPlan",
    "PathComparison",
    "Plan",
    "PlanFee",
    "PlannedItem",
    "SlackComparison",
    "Status",
    "Termination",
    "Verdict",
    "YearTarget",
    "hours_text",
]

Why = Literal["too_late", "away", "credits", "exams", "budget", "hours", "time_limit"]

ITEM_COLUMNS = [
    "id",
    "item",
    "title",
    "type",
    "kind",
    "credits",
    "cost",
    "hours",
    "start",
    "finish",
    "complete_by",
    "session",
    "price",
    "price_currency",
]
ACTIVITY_COLUMNS = [
    "id",
    "title",
    "type",
    "credits",
    "cost",
    "hours",
    "complete_by",
    "start",
    "finish",
    "price",
    "price_currency",
]
EXAM_COLUMNS = [
    "id",
    "title",
    "kind",
    "cost",
    "hours",
    "complete_by",
    "start",
    "finish",
    "price",
    "price_currency",
]
_DATES = ("start", "finish", "complete_by", "week")
_NUMBERS = ("credits", "cost", "hours", "price")
_TEXTS = ("id", "item", "title", "type", "kind", "price_currency")

HOURS_NOT_GIVEN = "not given"
"""What people read for hours the catalogue does not give. Data says it as a missing value:
``null`` in JSON, ``NaN`` in a DataFrame, an empty cell in CSV."""


class _Timed(Protocol):
    """An item with hours: a :class:`PlannedItem` or a team plan's item."""

    @property
    def hours(self) -> float: ...

    @property
    def hours_given(self) -> bool: ...


def hours_text(items: Sequence[_Timed], *, unit: str = "") -> str:
    """The hours ``items`` take, for people: the hours given, and whether some are not given.

    A total counts the hours the catalogue gives; items it gives none for are said to be
    :data:`HOURS_NOT_GIVEN` rather than counted as 0. With a ``unit`` the text reads in a
    sentence (``"40 h + hours not given"``); without, it fits a column headed "hours".

    Examples
    --------
    >>> from types import SimpleNamespace as Item
    >>> course, exam = Item(hours=40, hours_given=True), Item(hours=0, hours_given=False)
    >>> hours_text([course]), hours_text([exam]), hours_text([course, exam]), hours_text([])
    ('40', 'not given', '40 + not given', '0')
    >>> hours_text([course, exam], unit=" h"), hours_text([exam], unit=" h")
    ('40 h + hours not given', 'hours not given')
    """
    given = [item.hours for item in items if item.hours_given]
    not_given = f"hours {HOURS_NOT_GIVEN}" if unit else HOURS_NOT_GIVEN
    if len(given) == len(items):
        return format_number(sum(given)) + unit
    if not given:
        return not_given
    return f"{format_number(sum(given))}{unit} + {not_given}"


NO_CATEGORY = "(none)"
"""How a claim names the credits in no category its tier's paths name (no category's id can
look like this)."""


@dataclass(frozen=True)
class Claim:
    """What one planned item counts toward one certification held (catalogue schema 2).

    ``credits`` are the credits claimed toward ``tier`` (for an exam, 0: it counts as an
    exam); ``categories`` says how many of them are in each category the tier's paths name
    (:data:`NO_CATEGORY`: in none of them).
    """

    tier: str
    credits: float = 0.0
    categories: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The claim as in the JSON ``counts_toward`` list."""
        return {
            "tier": self.tier,
            "credits": plain_number(self.credits),
            "categories": {name: plain_number(n) for name, n in self.categories},
        }


@dataclass(frozen=True)
class PlannedItem:
    """An activity or exam in a plan.

    ``cost`` is in the catalogue currency, rounded to cents; ``price`` and ``price_currency``
    are as the catalogue lists them. ``start`` and ``finish`` are the planned first and last
    day: for an exam, the start of its preparation and the sitting day. ``hours`` are the
    catalogue's (for an exam, its preparation); where it gives none, ``hours_given`` is false
    and the plan counts 0 (:attr:`given_hours` is then ``None``).
    """

    id: str
    title: str
    is_exam: bool
    type: str
    kind: str | None
    credits: float
    cost: float
    hours: float
    complete_by: dt.date
    price: float
    price_currency: str
    start: dt.date | None = None
    finish: dt.date | None = None
    session: int | None = None
    hours_given: bool = True
    counts_toward: tuple[Claim, ...] = ()
    """Under catalogue schema 2: the certifications held it counts toward, and how."""
    aim_by: dt.date | None = None
    """Under catalogue schema 2 with a yearly target (``per_year``, ``hard: false``): the day
    to aim to finish by, before :attr:`complete_by`, so that a cycle year gets its share
    (:mod:`ceplan.planning.years`); ``None`` when no target asks for it earlier."""

    @property
    def given_hours(self) -> float | None:
        """The hours the catalogue gives, ``None`` where it gives none."""
        return self.hours if self.hours_given else None

    @property
    def cents(self) -> int:
        """The cost in whole cents."""
        return round(self.cost * 100)

    def cost_text(self, currency: str) -> str:
        """The cost for people, and the listed price when it is in another currency.

        For example ``'316.00 GBP (400.00 USD)'``.
        """
        text = format_money(self.cost, currency)
        if self.price_currency != currency:
            text += f" ({format_money(self.price, self.price_currency)})"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The item as in the JSON output."""
        what: dict[str, Any] = (
            {"kind": self.kind}
            if self.is_exam
            else {"type": self.type, "credits": plain_number(self.credits)}
        )
        return {
            "id": self.id,
            "title": self.title,
            **what,
            "cost": money_value(self.cents),
            "hours": _number_or_none(self.given_hours),
            "complete_by": self.complete_by.isoformat(),
            "start": _iso(self.start),
            "finish": _iso(self.finish),
        }

    def row(self) -> dict[str, Any]:
        """The item as a row of :attr:`Plan.items`."""
        return {
            "id": self.id,
            "item": "exam" if self.is_exam else "activity",
            "title": self.title,
            "type": self.type,
            "kind": self.kind,
            "credits": self.credits,
            "cost": self.cost,
            "hours": self.given_hours,
            "start": self.start,
            "finish": self.finish,
            "complete_by": self.complete_by,
            "session": self.session,
            "price": self.price,
            "price_currency": self.price_currency,
        }


@dataclass(frozen=True)
class Blocked:
    """Why one path (or, with ``path_index`` ``None``, every path) cannot be met.

    ``why`` is one of ``too_late``, ``away``, ``credits``, ``exams``, ``budget``, ``hours`` or
    ``time_limit``; ``hours_per_week_needed`` is set when the weekly hours are what stops the
    path, ``cheapest_cost`` when the budget is.
    """

    text: str
    why: Why
    path_index: int | None = None
    hours_per_week_needed: float | None = None
    cheapest_cost: float | None = None

    def to_dict(self, paths: tuple[PathRule, ...] = ()) -> dict[str, Any]:
        """The reason as in the JSON ``blocked`` list."""
        path = paths[self.path_index].to_dict() if self.path_index is not None and paths else None
        return {
            "path": path,
            "why": self.why,
            "reason": self.text,
            "hours_per_week_needed": _number_or_none(self.hours_per_week_needed),
            "cheapest_cost": self.cheapest_cost,
        }


@dataclass(frozen=True)
class PlanFee:
    """A fee a plan pays (catalogue schema 2): part of its cost.

    ``amount`` is the whole sum in the plan's currency: the fee's own amount (``each``) times
    ``times`` (the years of a ``year`` or ``member-year`` fee, 1 for a ``renewal`` fee).
    """

    tier: str
    per: str
    amount: float
    times: int
    source: str | None = None

    @property
    def cents(self) -> int:
        """The amount in whole cents."""
        return round(self.amount * 100)

    @property
    def each(self) -> float:
        """The fee's own amount, paid :attr:`times` times."""
        return money_value(self.cents / self.times) if self.times else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The fee as in the JSON ``fees`` list."""
        return {
            "tier": self.tier,
            "per": self.per,
            "amount": money_value(self.cents),
            "each": self.each,
            "times": self.times,
            "source": self.source,
        }


@dataclass(frozen=True)
class YearTarget:
    """One cycle year of a certification with a yearly target, as a plan fills it.

    ``target`` is the credits a year the programme asks for (``per_year`` with ``hard:
    false``); ``earned`` those already earned in that year; ``planned`` those the plan's
    ``items`` claim toward the tier, placed in that year (:mod:`ceplan.planning.years`).
    """

    tier: str
    year: int
    first: dt.date
    last: dt.date
    target: float
    earned: float
    planned: float
    items: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        """Whether what is earned and planned in the year reaches the target."""
        return self.earned + self.planned >= self.target - CREDIT_TOLERANCE

    def describe(self) -> str:
        """The year in words.

        Examples
        --------
        >>> day = dt.date
        >>> YearTarget("cissp", 2, day(2026, 7, 1), day(2027, 6, 30), 40, 0, 41, ("a",)).describe()
        'cissp year 2 (2026-07-01 to 2027-06-30): 41 of 40 credits (1 item)'
        """
        got = format_number(self.earned + self.planned)
        text = f"{self.tier} year {self.year} ({self.first} to {self.last}): {got} of "
        text += f"{format_number(self.target)} credits"
        parts = [f"{format_number(self.earned)} earned"] if self.earned else []
        parts.append(quantity(len(self.items), "item"))
        return text + f" ({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        """The year as in the JSON ``year_targets`` list."""
        return {
            "tier": self.tier,
            "year": self.year,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "target": plain_number(self.target),
            "earned": plain_number(self.earned),
            "planned": plain_number(self.planned),
            "met": self.met,
            "items": list(self.items),
        }


@dataclass(frozen=True)
class HeldTierPlan:
    """One certification of a plan under catalogue schema 2: how it is renewed, or why not.

    ``renewed_through`` names the held tier whose renewal renews it (``renews``), ``None`` when
    it is renewed by its own ``path``. ``renewal_date`` is the day its path is met (the last
    item counting toward it finishes; ``None`` when nothing new is needed), ``new_expires`` the
    expiry after renewal: a cycle follows the last one (a tier renewed through another takes
    that one's). ``reasons`` say, path by path, why it cannot be renewed when no plan exists.
    """

    tier: str
    label: str
    expires: dt.date
    complete_by: dt.date
    expires_given: bool = True
    path: PathRule | None = None
    path_index: int | None = None
    renewed_through: str | None = None
    earned: float = 0.0
    earned_by_category: tuple[tuple[str, float], ...] = ()
    earned_per_year: tuple[tuple[int, float], ...] = ()
    passed: tuple[tuple[str, int], ...] = ()
    renewal_date: dt.date | None = None
    new_expires: dt.date | None = None
    reasons: tuple[str, ...] = ()

    def describe(self) -> str:
        """How the tier is renewed, in words.

        Examples
        --------
        >>> day = dt.date(2028, 6, 30)
        >>> HeldTierPlan("sscp", "SSCP", day, day, renewed_through="cissp").describe()
        'sscp: renewed with cissp'
        """
        if self.renewed_through is not None:
            return f"{self.tier}: renewed with {self.renewed_through}"
        if self.path is not None:
            return f"{self.tier}: {self.path.describe()}"
        return f"{self.tier}: not renewed"

    def to_dict(self) -> dict[str, Any]:
        """The tier as in the JSON ``tiers`` list."""
        return {
            "tier": self.tier,
            "label": self.label,
            "expires": self.expires.isoformat(),
            "complete_by": self.complete_by.isoformat(),
            "renewed_through": self.renewed_through,
            "path": self.path.to_dict() if self.path is not None else None,
            "path_index": self.path_index,
            "earned": plain_number(self.earned),
            "earned_by_category": {k: plain_number(n) for k, n in self.earned_by_category},
            "earned_per_year": {str(y): plain_number(n) for y, n in self.earned_per_year},
            "passed": dict(self.passed),
            "renewal_date": _iso(self.renewal_date),
            "new_expires": _iso(self.new_expires),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Plan:
    """The cheapest way to renew one person's certification, or why there is none.

    Read ``status`` first: the totals and tables are empty unless a plan was found
    (``optimal`` or ``feasible``). ``termination`` says why the solver stopped and ``gap`` how
    far the plan's cost may be from the least (0 once it is proved least). With
    ``slack_days``, ``complete_by`` is the do-by date moved that many days earlier, and
    :attr:`slack` the days the plan keeps in fact.
    """

    status: Status
    tier: str
    currency: str
    today: dt.date
    expires: dt.date
    complete_by: dt.date
    path: PathRule | None
    planned: tuple[PlannedItem, ...] = ()
    earned: float = 0.0
    passed: tuple[tuple[str, int], ...] = ()
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rates_as_of: dt.date | None = None
    budget: float | None = None
    hours_per_week: float | None = None
    unavailable: tuple[tuple[dt.date, dt.date], ...] = ()
    slack_days: int = 0
    renewal_date: dt.date | None = None
    new_expires: dt.date | None = None
    days_given_up: int | None = None
    timeline_rows: tuple[tuple[dt.date, str, float], ...] = field(default=(), repr=False)
    path_index: int | None = field(default=None, compare=False)
    termination: Termination = "solved"
    gap: float | None = None
    proven: tuple[str, ...] = ()
    blocked: tuple[Blocked, ...] = ()
    already_met: bool = False
    paths: tuple[PathRule, ...] = field(default=(), repr=False, compare=False)
    solver: str | None = field(default=None, compare=False)
    """What found the plan: ``"dp"`` (the exact search for plans without dates), ``"highs"``,
    ``"cbc"`` or another solver's name; ``None`` when no search ran."""
    held: tuple[HeldTierPlan, ...] = ()
    """Under catalogue schema 2: every certification held, how it is renewed (the first is the
    one :attr:`tier`, :attr:`path` and the dates above describe)."""
    fees: tuple[PlanFee, ...] = ()
    """Under catalogue schema 2: the fees the plan pays, part of :attr:`total_cost`."""
    year_targets: tuple[YearTarget, ...] = ()
    """Under catalogue schema 2: each cycle year not over of a tier with a yearly target, as
    the plan's items placed in it fill it (see :attr:`PlannedItem.aim_by`)."""

    # -- facts -----------------------------------------------------------------------------

    @property
    def found(self) -> bool:
        """Whether the plan holds a way to renew (``optimal`` or ``feasible``)."""
        return self.verdict.found

    @property
    def verdict(self) -> Verdict:
        """How far the plan is known to be right, as one record.

        ``status``, ``termination``, ``gap`` and ``proven``, and the stage of :attr:`objective`
        the search stopped in: for a plan ``feasible`` or ``unknown``, the first not proved.
        """
        stopped = None
        if self.status in ("feasible", "unknown"):
            left = (stage.name for stage in self.objective.stages if stage.name not in self.proven)
            stopped = next(left, None)
        return Verdict(self.status, self.termination, self.gap, self.proven, stopped)

    @property
    def over_time(self) -> bool:
        """Whether this is a plan over time (weekly hours or days away were given)."""
        return self.hours_per_week is not None or bool(self.unavailable)

    @property
    def objective(self) -> Objective:
        """The order this plan was chosen by (see :mod:`ceplan.objective`).

        A plan under schema 2's rules (:attr:`held`) has no renewal stage, over time or not: its
        cycles follow the ones that end, whenever the renewal.
        """
        return objective_for(over_time=self.over_time and not self.held)

    @property
    def outcome(self) -> Outcome:
        """What the objective compares: cost, hours, renewal date, ids, path."""
        return Outcome(
            cents=sum(item.cents for item in self.planned) + self.fee_cents,
            hours=self.total_hours,
            renewal=self.renewal_date,
            ids=tuple(sorted(item.id for item in self.planned)),
            path_index=self.path_index or 0,
        )

    @property
    def total_cost(self) -> float:
        """The cost of the plan in the catalogue currency, rounded to cents.

        The chosen items and, under catalogue schema 2, the fees.
        """
        return money_value(sum(item.cents for item in self.planned) + self.fee_cents)

    @property
    def fee_cents(self) -> int:
        """The fees the plan pays, in cents (0 without fees)."""
        return sum(fee.cents for fee in self.fees) if self.found else 0

    @property
    def total_fees(self) -> float:
        """The fees the plan pays, in the catalogue currency."""
        return money_value(self.fee_cents)

    @property
    def total_credits(self) -> float:
        """Credits from the chosen activities (without those already earned)."""
        return float(plain_number(sum(item.credits for item in self.planned)))

    @property
    def total_hours(self) -> float:
        """Hours of the chosen items, exam preparation included: those the catalogue gives."""
        return float(plain_number(sum(item.hours for item in self.planned)))

    @property
    def do_by_without_slack(self) -> dt.date:
        """The do-by date before the slack: :attr:`complete_by` plus :attr:`slack_days`."""
        return self.complete_by + dt.timedelta(days=self.slack_days)

    @property
    def slack(self) -> int | None:
        """Days from the renewal to the do-by date without slack: time to retake a failed sitting.

        At least :attr:`slack_days` in a plan found; 0 when the plan finishes on the do-by date;
        ``None`` when there is no renewal date (no plan, or already met).
        """
        if self.renewal_date is None:
            return None
        return (self.do_by_without_slack - self.renewal_date).days

    @property
    def hours_per_week_needed(self) -> float | None:
        """When only the weekly hours stand in the way: the fewest a week that would do."""
        needed = [b.hours_per_week_needed for b in self.blocked if b.why == "hours"]
        return min((n for n in needed if n is not None), default=None)

    # -- tables ----------------------------------------------------------------------------

    @property
    def items(self) -> pd.DataFrame:
        """Every planned item, activities and exams, one row each (activities first, by id).

        Columns: ``id, item, title, type, kind, credits, cost, hours, start, finish,
        complete_by, session, price, price_currency``; ``item`` is ``"activity"`` or
        ``"exam"``; ``cost`` is in the plan's currency; ``hours`` is ``NaN`` where the catalogue
        gives none; the dates are ``datetime64``.
        """
        return _frame([item.row() for item in self.planned], ITEM_COLUMNS)

    @property
    def activities(self) -> pd.DataFrame:
        """The chosen activities, one row each, sorted by id."""
        rows = [item.row() for item in self.planned if not item.is_exam]
        return _frame(rows, ACTIVITY_COLUMNS)

    @property
    def exams(self) -> pd.DataFrame:
        """The chosen exams, one row each, sorted by id."""
        rows = [item.row() for item in self.planned if item.is_exam]
        return _frame(rows, EXAM_COLUMNS)

    @property
    def timeline(self) -> pd.DataFrame:
        """Self-study hours by week and item: columns ``week``, ``id``, ``hours``.

        Weeks start on ``today`` and are named by their first day; dated sessions take no
        self-study hours and are not listed.
        """
        rows = [{"week": week, "id": i, "hours": hours} for week, i, hours in self.timeline_rows]
        return _frame(rows, ["week", "id", "hours"])

    def weekly_hours(self) -> list[dict[str, Any]]:
        """Total self-study hours per week, for the JSON ``timeline``."""
        totals: dict[dt.date, float] = {}
        for week, _, hours in self.timeline_rows:
            totals[week] = totals.get(week, 0.0) + hours
        return [
            {"week": week.isoformat(), "hours": plain_number(round(hours, 2))}
            for week, hours in sorted(totals.items())
        ]

    # -- JSON ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The plan as the JSON object of ``ceplan optimise --format json``.

        With ``slack_days``, it also holds ``slack_days`` and ``slack`` (:attr:`slack`). A plan
        under catalogue schema 2 also holds ``tiers`` (each tier held: how it is renewed, its
        dates, what was earned, why not when it cannot be), ``fees`` and ``total_fees`` (the
        fees paid, part of ``total_cost``), and for each item ``counts_toward`` (each tier it
        counts toward, with the credits it claims there by category).
        """
        found = self.found
        slack = {"slack_days": self.slack_days, "slack": self.slack} if self.slack_days else {}
        data = {
            "status": self.status,
            "solver": self.solver,
            "termination": self.termination,
            "gap": None if self.gap is None else round(self.gap, 6),
            "tier": self.tier,
            "currency": self.currency,
            "today": self.today.isoformat(),
            "expires": self.expires.isoformat(),
            "complete_by": self.complete_by.isoformat(),
            "path": self.path.to_dict() if self.path is not None and found else None,
            "already_met": self.already_met,
            "activities": [item.to_dict() for item in self.planned if not item.is_exam],
            "exams": [item.to_dict() for item in self.planned if item.is_exam],
            "earned": plain_number(self.earned),
            "passed": dict(self.passed),
            "budget": _number_or_none(self.budget),
            "total_cost": self.total_cost,
            "total_credits": plain_number(self.total_credits),
            "total_hours": plain_number(self.total_hours),
            "reasons": list(self.reasons),
            "blocked": [b.to_dict(self.paths) for b in self.blocked],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "rates_as_of": _iso(self.rates_as_of),
            "hours_per_week": _number_or_none(self.hours_per_week),
            "unavailable": [[a.isoformat(), b.isoformat()] for a, b in self.unavailable],
            "renewal_date": _iso(self.renewal_date),
            "new_expires": _iso(self.new_expires),
            "days_given_up": self.days_given_up,
            **slack,
            "timeline": self.weekly_hours(),
        }
        return self._held_dict(data) if self.held else data

    def _held_dict(self, data: dict[str, Any]) -> dict[str, Any]:
        """:meth:`to_dict` of a plan under catalogue schema 2: tiers, fees and claims too."""
        planned = {item.id: item for item in self.planned}
        for section in ("activities", "exams"):
            for entry in data[section]:
                claims = planned[entry["id"]].counts_toward
                entry["counts_toward"] = [claim.to_dict() for claim in claims]
                entry["aim_by"] = _iso(planned[entry["id"]].aim_by)
        data["tiers"] = [held.to_dict() for held in self.held]
        data["year_targets"] = [year.to_dict() for year in self.year_targets]
        data["fees"] = [fee.to_dict() for fee in self.fees] if self.found else []
        data["total_fees"] = self.total_fees
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text; the same plan always gives the same bytes."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    # -- for people --------------------------------------------------------------------------

    @property
    def route(self) -> str:
        """How the plan renews, in words: the path, or (schema 2) each tier's way.

        ``""`` when no plan was found.
        """
        if not self.found:
            return ""
        if self.held:
            return "; ".join(held.describe() for held in self.held)
        return self.path.describe() if self.path is not None else ""

    def summary(self) -> str:
        """One line: status, path and totals, or why there is no plan."""
        if self.already_met and self.path is not None:
            return f"{self.status}: already met ({self.route}): recertify now"
        if self.found and self.path is not None:
            count = len(self.planned)
            text = (
                f"{self.status}: {self.route}: {count} item{'s' if count != 1 else ''}, "
                f"{format_money(self.total_cost, self.currency)}, "
                f"{hours_text(self.planned, unit=' h')}"
            )
            if self.renewal_date is not None:
                text += f", renews {self.renewal_date}"
            return text
        return f"{self.status}: " + ("; ".join(self.reasons) or "no plan")

    def __repr__(self) -> str:
        return f"<Plan {self.tier} {self.summary()}>"

    def _repr_html_(self) -> str:
        """The plan in a notebook: status, path, totals and the items table."""
        head = f"<p><strong>{html.escape(self.tier)}</strong>: {html.escape(self.summary())}</p>"
        parts = [head]
        if self.found and self.planned:
            parts.append(self.items.to_html(index=False, na_rep=""))
        extra = [*self.reasons, *self.warnings, *self.notes]
        if extra:
            parts.append("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in extra) + "</ul>")
        return "\n".join(parts)


@dataclass(frozen=True)
class PathComparison:
    """The best plan for each path of a tier, side by side."""

    tier: str
    currency: str
    paths: tuple[PathRule, ...]
    plans: tuple[Plan, ...]

    @property
    def best(self) -> Plan:
        """The plan the rules choose, by the plans' own order (:mod:`ceplan.objective`)."""
        found = [plan for plan in self.plans if plan.found]
        if not found:
            first = self.plans[0]
            # What stops every path (too late, away) is said once; the rest path by path.
            every = [b for plan in self.plans for b in plan.blocked]
            shared = [b for b in every if b.path_index is None]
            blocked = (*dict.fromkeys(shared), *(b for b in every if b.path_index is not None))
            reasons = tuple(b.text for b in blocked)
            status: Status = (
                "unknown" if any(p.status == "unknown" for p in self.plans) else "infeasible"
            )
            return replace(
                first,
                status=status,
                path=None,
                path_index=None,
                planned=(),
                reasons=reasons,
                blocked=blocked,
            )
        objective = found[0].objective
        return min(found, key=lambda plan: objective.key(plan.outcome))

    def to_frame(self) -> pd.DataFrame:
        """One row per path: its best cost, credits, hours and items, or why it is impossible."""
        import pandas as pd

        rows = []
        for index, (rule, plan) in enumerate(zip(self.paths, self.plans, strict=True)):
            rows.append(
                {
                    "path": rule.describe(),
                    "path_index": index,
                    "status": plan.status,
                    "total_cost": plan.total_cost if plan.found else float("nan"),
                    "total_credits": plan.total_credits if plan.found else float("nan"),
                    "total_hours": plan.total_hours if plan.found else float("nan"),
                    "items": ", ".join(item.id for item in plan.planned),
                    "reason": "; ".join(plan.reasons),
                }
            )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class SlackComparison:
    """One person's plan with slack beside the same plan without: what the safety costs.

    Made by :func:`ceplan.compare_slack`. Both plans are of the same inputs, ``without_slack``
    with ``slack_days`` 0; :attr:`extra_cost` and :attr:`extra_hours` are what the plan with
    slack costs more (negative: less), and :meth:`summary` says so in a line.

    Raises
    ------
    PlanInputError
        When the plans are not of the same person, tier, dates and processing days, or
        ``without_slack`` has slack.
    """

    without_slack: Plan
    with_slack: Plan

    def __post_init__(self) -> None:
        plain, slack = self.without_slack, self.with_slack
        same = (plain.tier, plain.today, plain.expires, plain.complete_by) == (
            slack.tier,
            slack.today,
            slack.expires,
            slack.do_by_without_slack,
        )
        if plain.slack_days or not same:
            raise PlanInputError(
                "a slack comparison takes two plans of the same inputs, the first without slack"
            )

    @property
    def slack_days(self) -> int:
        """The days of slack asked for."""
        return self.with_slack.slack_days

    @property
    def extra_cost(self) -> float | None:
        """What the slack costs more, in the plans' currency (``None`` unless both are found)."""
        if not (self.with_slack.found and self.without_slack.found):
            return None
        return money_value(self.with_slack.outcome.cents - self.without_slack.outcome.cents)

    @property
    def extra_hours(self) -> float | None:
        """The hours the slack takes more (``None`` unless both plans are found)."""
        if not (self.with_slack.found and self.without_slack.found):
            return None
        return float(plain_number(self.with_slack.total_hours - self.without_slack.total_hours))

    def summary(self) -> str:
        """One line: when the plan with slack is done, and what that costs more, or why not.

        Examples
        --------
        >>> import ceplan
        >>> catalog = ceplan.load_catalog()
        >>> ceplan.compare_slack(catalog, "associate", slack_days=30, today="2026-11-29",
        ...     expires="2028-06-30", earned=18).summary()  # doctest: +NORMALIZE_WHITESPACE
        'Slack: done by 2028-05-24, 30 days before the do-by date 2028-06-23; it costs nothing
        more than the plan without slack (done by 2028-06-23); the new cycle then starts 30
        days earlier.'
        """
        plain, slack = self.without_slack, self.with_slack
        if slack.already_met or plain.already_met:
            return "Slack: already met, nothing to plan."
        due = plain.complete_by
        if slack.found and slack.renewal_date is not None:
            before = _before(slack.slack or 0, due)
            done = f"Slack: done by {slack.renewal_date}, {before}"
            if not plain.found:
                return f"{done}; no plan without slack was found to compare it with."
            costs = _more(self.extra_cost or 0.0, self.extra_hours or 0.0, slack.currency)
            return (
                f"{done}; it costs {costs}{_hours_unknown(slack, plain)} than the plan without "
                f"slack{_done(plain)}{_earlier(slack, plain)}."
            )
        if plain.found:
            words = "no plan finishes" if slack.status == "infeasible" else "no plan was found"
            return (
                f"Slack: {words} {_before(self.slack_days, due)}; without slack: "
                f"{plain.path.describe() if plain.path else 'a plan'}, "
                f"{format_money(plain.total_cost, plain.currency)}, "
                f"{hours_text(plain.planned, unit=' h')}{_done(plain)}."
            )
        if plain.status == "infeasible":
            return "Slack: without slack there is no plan either."
        return "Slack: no plan without slack was found either."


def _before(days: int, due: dt.date) -> str:
    """``days`` before the do-by date ``due``, in words."""
    if days == 0:
        return f"on the do-by date {due}"
    return f"{quantity(days, 'day')} before the do-by date {due}"


def _hours_unknown(*plans: Plan) -> str:
    """A word that the hours compared leave out items the catalogue gives no hours for."""
    if any(not item.hours_given for plan in plans for item in plan.planned):
        return f" (counting the hours given; some are {HOURS_NOT_GIVEN})"
    return ""


def _earlier(slack: Plan, plain: Plan) -> str:
    """How much earlier the new cycle starts with slack (Cisco counts it from the renewal)."""
    if slack.renewal_date is None or plain.renewal_date is None:
        return ""
    days = (plain.renewal_date - slack.renewal_date).days
    if days <= 0:
        return ""
    return f"; the new cycle then starts {quantity(days, 'day')} earlier"


def _done(plan: Plan) -> str:
    return f" (done by {plan.renewal_date})" if plan.renewal_date is not None else ""


def _more(cost: float, hours: float, currency: str) -> str:
    """What costs ``cost`` and ``hours`` more (negative: less), in words.

    Examples
    --------
    >>> _more(120, 4, "GBP"), _more(120, -4, "GBP"), _more(0, 2.5, "GBP"), _more(0, 0, "GBP")
    ('120.00 GBP and 4 h more', '120.00 GBP more and 4 h less', '2.5 h more', 'nothing more')
    """
    parts = []
    if cost:
        parts.append((format_money(abs(cost), currency), "more" if cost > 0 else "less"))
    if hours:
        parts.append((f"{format_number(abs(hours))} h", "more" if hours > 0 else "less"))
    if not parts:
        return "nothing more"
    if len({way for _, way in parts}) == 1:
        return " and ".join(amount for amount, _ in parts) + f" {parts[0][1]}"
    return " and ".join(f"{amount} {way}" for amount, way in parts)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _number_or_none(value: float | None) -> int | float | None:
    return None if value is None else plain_number(value)


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A table with fixed columns and types, empty or not.

    Numbers are float64, text pandas' string type, dates datetime64.
    """
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    types: dict[str, str] = {c: "float64" for c in _NUMBERS if c in columns}
    types.update({c: "string" for c in _TEXTS if c in columns})
    frame = frame.astype(types)
    for column in _DATES:
        if column in columns:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    if "session" in columns:
        frame["session"] = frame["session"].astype("Int64")
    return frame
