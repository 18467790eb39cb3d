"""One person's planning inputs, checked once: :class:`PlanRequest` and :func:`make_request`.

What :func:`ceplan.optimise` is given, in the forms a notebook has at hand (:mod:`ceplan.inputs`),
checked against the catalogue: the tier, the processing days and days of slack, the exam kinds
passed, the ids named and the dates. The team's request (:mod:`ceplan.requests.team`) makes one
per person.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ceplan.catalogue.models import Catalog
from ceplan.errors import PlanInputError
from ceplan.inputs import (
    add_years,
    as_flag,
    as_names,
    as_number,
    as_optional_date,
    as_optional_number,
    as_passed,
    as_ranges,
    as_whole,
    date_problem,
)
from ceplan.limits import (
    MAX_HOURS_PER_WEEK,
    MAX_PROCESSING_DAYS,
    MAX_SLACK_DAYS,
)
from ceplan.units import money_value
from ceplan.weeks import Calendar

__all__ = [
    "PlanRequest",
    "check_ids",
    "expiry_of",
    "make_request",
    "passed_kinds",
    "processing_days_of",
    "slack_days_of",
]


@dataclass(frozen=True)
class PlanRequest:
    """Checked inputs for one person's plan (see :func:`make_request`).

    ``slack_days`` moves the do-by date that many days earlier for every item: the plan works
    to :attr:`complete_by`, and :attr:`do_by_without_slack` is the date the slack is counted
    from.
    """

    tier: str
    today: dt.date
    expires: dt.date
    processing_days: int
    earned: float = 0.0
    passed: tuple[tuple[str, int], ...] = ()
    completed: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()
    budget: float | None = None
    allow_exams: bool = True
    expires_given: bool = True
    hours_per_week: float | None = None
    unavailable: tuple[tuple[dt.date, dt.date], ...] = ()
    slack_days: int = 0

    @property
    def timed(self) -> bool:
        """Whether this is a plan over time (weekly hours or unavailable days given)."""
        return self.hours_per_week is not None or bool(self.unavailable)

    @property
    def calendar(self) -> Calendar:
        """The days and weeks from today to the do-by date."""
        return Calendar(
            today=self.today,
            end=self.complete_by,
            unavailable=self.unavailable,
            hours_per_week=self.hours_per_week,
        )

    @property
    def complete_by(self) -> dt.date:
        """The last day everything must be done: expiry minus the processing days and the slack."""
        return self.do_by_without_slack - dt.timedelta(days=self.slack_days)

    @property
    def do_by_without_slack(self) -> dt.date:
        """The do-by date before any slack: expiry minus the processing days."""
        return self.expires - dt.timedelta(days=self.processing_days)

    @property
    def too_late(self) -> bool:
        """Whether today is past the do-by date: no plan renews (SPEC 3), alone or in a team."""
        return self.today > self.complete_by

    @property
    def budget_cents(self) -> int | None:
        """The budget in whole cents, rounded down: a plan may cost at most this."""
        return budget_cents(self.budget)

    @property
    def budget_amount(self) -> float | None:
        """The budget as applied (whole cents), which is what plans show."""
        cents = self.budget_cents
        return None if cents is None else money_value(cents)


def make_request(
    catalog: Catalog,
    tier: str,
    *,
    expires: Any = None,
    today: Any = None,
    earned: Any = 0,
    passed: Any = (),
    completed: Any = (),
    exclude: Any = (),
    budget: Any = None,
    allow_exams: Any = True,
    processing_days: Any = None,
    hours_per_week: Any = None,
    unavailable: Any = (),
    slack_days: Any = 0,
) -> PlanRequest:
    """Check planning inputs against the catalogue; see :func:`optimise` for their meaning.

    Raises
    ------
    PlanInputError
        For an unknown tier, exam kind or item id, a value of the wrong kind, a negative or
        non-finite number, or dates out of range; the message names the argument.
    """
    _check_tier(catalog, tier)
    day = as_optional_date(today, "today") or dt.date.today()
    expiry = as_optional_date(expires, "expires")
    days = processing_days_of(catalog, processing_days)
    slack = slack_days_of(slack_days)
    counts = passed_kinds(catalog, passed)
    completed_ids = frozenset(as_names(completed, "completed"))
    excluded_ids = frozenset(as_names(exclude, "exclude"))
    check_ids(catalog, {"completed": completed_ids, "exclude": excluded_ids})
    expires_given = expiry is not None
    expiry = expiry_of(day, expiry, days + slack, catalog.tiers[tier].period_years)
    return PlanRequest(
        tier=tier,
        today=day,
        expires=expiry,
        processing_days=days,
        earned=as_number(earned, "earned"),
        passed=tuple(sorted(counts.items())),
        completed=completed_ids,
        excluded=excluded_ids,
        budget=as_optional_number(budget, "budget"),
        allow_exams=as_flag(allow_exams, "allow_exams"),
        expires_given=expires_given,
        hours_per_week=as_optional_number(
            hours_per_week, "hours_per_week", positive=True, most=MAX_HOURS_PER_WEEK
        ),
        unavailable=as_ranges(unavailable, "unavailable"),
        slack_days=slack,
    )


def budget_cents(budget: float | None) -> int | None:
    """A budget in whole cents, rounded down (the rule of every request); ``None`` for none.

    Examples
    --------
    >>> budget_cents(12.349), budget_cents(0.1), budget_cents(None)
    (1234, 10, None)
    """
    if budget is None:
        return None
    return math.floor(Decimal(repr(budget)) * 100)


def _check_tier(catalog: Catalog, tier: Any) -> None:
    if not isinstance(tier, str):
        raise PlanInputError(f"tier must be a tier name, not {tier!r}")
    if tier not in catalog.tiers:
        raise PlanInputError(f"unknown tier '{tier}': choose one of {', '.join(catalog.tiers)}")


def processing_days_of(catalog: Catalog, processing_days: Any) -> int:
    """The processing days asked for, or the catalogue's."""
    if processing_days is None:
        return catalog.processing_days
    days = as_whole(processing_days, "processing_days")
    if days > MAX_PROCESSING_DAYS:
        raise PlanInputError(f"processing_days must be at most {MAX_PROCESSING_DAYS} (ten years)")
    return days


def slack_days_of(slack_days: Any) -> int:
    """The days of slack asked for (``None`` is none)."""
    if slack_days is None:
        return 0
    days = as_whole(slack_days, "slack_days")
    if days > MAX_SLACK_DAYS:
        raise PlanInputError(f"slack_days must be at most {MAX_SLACK_DAYS} (ten years)")
    return days


def passed_kinds(catalog: Catalog, passed: Any) -> dict[str, int]:
    """Exams passed by kind, each kind one the catalogue's paths ask for."""
    counts = as_passed(passed)
    kinds = {kind for t in catalog.tiers.values() for p in t.paths for kind in p.exams}
    for kind in counts:
        if kind not in kinds:
            known = ", ".join(sorted(kinds)) or "none"
            raise PlanInputError(f"unknown exam kind '{kind}': the catalogue's kinds are {known}")
    return counts


def check_ids(catalog: Catalog, ids_by_argument: Mapping[str, frozenset[str]]) -> None:
    """Refuse an id the catalogue does not have, naming the argument that gives it."""
    for label, ids in ids_by_argument.items():
        unknown = sorted(i for i in ids if not catalog.has(i))
        if unknown:
            raise PlanInputError(f"{label}: no item '{unknown[0]}' in the catalogue")


def expiry_of(
    day: dt.date, expiry: dt.date | None, days: int, period: int, label: str = "expires"
) -> dt.date:
    """The expiry given, or ``period`` years from ``day``; checked against ``day``.

    ``days`` are those from the do-by date to the expiry: the processing days and the slack;
    ``label`` names the argument in an error.
    """
    if expiry is None:
        if day.year + period > dt.MAXYEAR:
            raise PlanInputError(f"today {day} leaves no room for a {period}-year certification")
        expiry = add_years(day, period)
    problem = date_problem(day, expiry, days, period)
    if problem is not None:
        raise PlanInputError(f"{label} {expiry} {problem}")
    return expiry
