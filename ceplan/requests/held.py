"""A person holding one or more certifications of a catalogue, their inputs checked once.

:func:`make_held_request` checks what :func:`ceplan.optimise` is given for a plan under the
rules of catalogue schema 2 (SPEC 9): the tiers held, each with its own expiry, credits already
earned (in all, by category and by cycle year) and exams passed, and what every tier shares
(today, processing days, slack, completed and excluded ids, the budget, exams allowed, and for a
plan over time the weekly study hours and the days away, SPEC 6). Each
input that may differ by tier is given once for every tier held or as a mapping ``tier ->
value``:

- ``expires``: a date, or ``{tier: date}`` (a tier left out: today plus its period);
- ``earned``: credits earned in the current cycle, or ``{tier: credits}``;
- ``earned_by_category``: ``{category: credits}`` (one tier held) or
  ``{tier: {category: credits}}``: how much of ``earned`` is in each category;
- ``earned_per_year``: ``{year: credits}`` (one tier held) or ``{tier: {year: credits}}``,
  ``year`` being the cycle year's number, 1 for the first;
- ``passed``: exam kinds (as :func:`~ceplan.inputs.as_passed` takes them) for every tier
  held, or ``{tier: kinds}``.

A tier's ``earned`` not given is the larger of what its categories and its years add up to;
given, it must be at least what its categories add up to.

In a combination of catalogues (:func:`ceplan.combine_catalogs`), each tier's processing days
are its own catalogue's unless ``processing_days`` is given, and a tier's categories are its own
catalogue's, named as that catalogue names them or as the combination does.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ceplan.catalogue.models import Catalog, CatalogPart
from ceplan.errors import PlanInputError
from ceplan.inputs import (
    as_flag,
    as_names,
    as_number,
    as_optional_date,
    as_optional_number,
    as_ranges,
    as_whole,
    cycle_years,
    show_value,
)
from ceplan.limits import MAX_CREDITS, MAX_HOURS_PER_WEEK
from ceplan.requests.person import (
    budget_cents,
    check_ids,
    expiry_of,
    passed_kinds,
    processing_days_of,
    slack_days_of,
)
from ceplan.units import CREDIT_TOLERANCE, format_number, money_value
from ceplan.weeks import Calendar

__all__ = ["HeldRequest", "HeldTier", "make_held_request", "tier_names"]


@dataclass(frozen=True)
class HeldTier:
    """One certification held, and what was done in its current cycle."""

    tier: str
    expires: dt.date
    expires_given: bool = True
    earned: float = 0.0
    earned_by_category: tuple[tuple[str, float], ...] = ()
    """Part of :attr:`earned`, by category (the rest is in no category)."""
    earned_per_year: tuple[tuple[int, float], ...] = ()
    """Credits earned in each year of the cycle, by the year's number (1 = the first)."""
    passed: tuple[tuple[str, int], ...] = ()
    processing_days: int = 0
    """Days before :attr:`expires` by which everything must be complete."""


@dataclass(frozen=True)
class HeldRequest:
    """Checked inputs for the plan of a person holding ``held`` (see :func:`make_held_request`)."""

    held: tuple[HeldTier, ...]
    today: dt.date
    processing_days: int
    """The first tier's processing days (each tier's are its :class:`HeldTier`'s)."""
    slack_days: int = 0
    completed: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()
    budget: float | None = None
    allow_exams: bool = True
    hours_per_week: float | None = None
    """The self-study hours a week the person can spare (``None``: no limit)."""
    unavailable: tuple[tuple[dt.date, dt.date], ...] = ()
    """Days away: ranges of days on which nothing is done."""

    @property
    def timed(self) -> bool:
        """Whether this is a plan over time (weekly hours or days away given)."""
        return self.hours_per_week is not None or bool(self.unavailable)

    @property
    def calendar(self) -> Calendar | None:
        """The days and weeks from today to the last do-by date of the tiers held.

        With the weekly hours and days away; ``None`` for a plan that is not over time.
        """
        if not self.timed:
            return None
        end = max(self.complete_by(tier) for tier in self.tiers)
        return Calendar(
            today=self.today,
            end=max(end, self.today),
            unavailable=self.unavailable,
            hours_per_week=self.hours_per_week,
        )

    @property
    def tiers(self) -> tuple[str, ...]:
        """The tiers held, in the order given."""
        return tuple(held.tier for held in self.held)

    def of(self, tier: str) -> HeldTier:
        """The inputs of tier ``tier``."""
        return next(held for held in self.held if held.tier == tier)

    def complete_by(self, tier: str) -> dt.date:
        """The last day everything counting toward ``tier`` must be done (slack included)."""
        return self.do_by_without_slack(tier) - dt.timedelta(days=self.slack_days)

    def do_by_without_slack(self, tier: str) -> dt.date:
        """``tier``'s expiry less its processing days."""
        held = self.of(tier)
        return held.expires - dt.timedelta(days=held.processing_days)

    @property
    def too_late(self) -> tuple[str, ...]:
        """The tiers whose do-by date is before today: then no plan renews them all."""
        return tuple(t for t in self.tiers if self.today > self.complete_by(t))

    @property
    def budget_cents(self) -> int | None:
        """The budget in whole cents, rounded down: a plan (fees included) may cost at most this."""
        return budget_cents(self.budget)

    @property
    def budget_amount(self) -> float | None:
        """The budget as applied (whole cents)."""
        cents = self.budget_cents
        return None if cents is None else money_value(cents)


def tier_names(catalog: Catalog, tier: Any) -> tuple[str, ...]:
    """``tier`` (one tier name or several) as the catalogue's tier names, each once.

    Examples
    --------
    >>> import ceplan
    >>> tier_names(ceplan.load_catalog(), ["professional", "associate"])
    ('professional', 'associate')
    """
    if isinstance(tier, str):
        names: tuple[str, ...] = (str.__str__(tier),)
    else:
        try:
            names = as_names(tier, "tier")
        except PlanInputError:
            raise PlanInputError(
                f"tier must be a tier name or a list of them, not {show_value(tier)}"
            ) from None
    if not names:
        raise PlanInputError("tier: name at least one tier")
    for name in names:
        if name not in catalog.tiers:
            raise PlanInputError(f"unknown tier '{name}': choose one of {', '.join(catalog.tiers)}")
    repeated = next((n for i, n in enumerate(names) if n in names[:i]), None)
    if repeated is not None:
        raise PlanInputError(f"tier: '{repeated}' is named twice")
    return names


def make_held_request(
    catalog: Catalog,
    tier: Any,
    *,
    expires: Any = None,
    today: Any = None,
    earned: Any = None,
    earned_by_category: Any = None,
    earned_per_year: Any = None,
    passed: Any = (),
    completed: Any = (),
    exclude: Any = (),
    budget: Any = None,
    allow_exams: Any = True,
    processing_days: Any = None,
    slack_days: Any = 0,
    hours_per_week: Any = None,
    unavailable: Any = (),
) -> HeldRequest:
    """Check the inputs of a plan for the tiers ``tier`` (one name or several).

    See :func:`ceplan.optimise` and this module's docstring for what each input means.

    Raises
    ------
    PlanInputError
        For an unknown tier, category, exam kind or item id, a cycle year out of range, a value
        of the wrong kind, or dates out of range; the message names the argument.

    Examples
    --------
    >>> import ceplan
    >>> request = make_held_request(ceplan.load_catalog(), ["associate", "professional"],
    ...     today="2026-11-29", expires={"associate": "2028-06-30"}, earned={"associate": 10})
    >>> [(h.tier, str(h.expires), h.earned) for h in request.held]
    [('associate', '2028-06-30', 10.0), ('professional', '2029-11-29', 0.0)]
    """
    tiers = tier_names(catalog, tier)
    day = as_optional_date(today, "today") or dt.date.today()
    slack = slack_days_of(slack_days)
    expiries = _per_tier(expires, tiers, "expires")
    totals = _per_tier(earned, tiers, "earned")
    by_category = _nested_per_tier(earned_by_category, tiers, "earned_by_category")
    by_year = _nested_per_tier(earned_per_year, tiers, "earned_per_year")
    passed_by_tier = _passed(passed, tiers)
    held = []
    for name in tiers:
        rule = catalog.tiers[name]
        days = processing_days_of(catalog, processing_days)
        if processing_days is None:
            days = catalog.processing_days_of(name)
        label = f"expires[{name!r}]" if isinstance(expires, Mapping) else "expires"
        expiry = as_optional_date(expiries.get(name), label)
        given = expiry is not None
        expiry = expiry_of(day, expiry, days + slack, rule.period_years, label)
        categories = _categories(catalog, name, by_category.get(name))
        years = _years(name, rule.period_years, by_year.get(name))
        _check_years_begun(name, years, cycle_years(expiry, rule.period_years, rule.cycle), day)
        label = f"earned[{name!r}]" if isinstance(earned, Mapping) else "earned"
        total = _earned(label, name, totals.get(name), categories, years)
        held.append(
            HeldTier(
                tier=name,
                expires=expiry,
                expires_given=given,
                earned=total,
                earned_by_category=categories,
                earned_per_year=years,
                passed=tuple(sorted(passed_kinds(catalog, passed_by_tier.get(name, ())).items())),
                processing_days=days,
            )
        )
    completed_ids = frozenset(as_names(completed, "completed"))
    excluded_ids = frozenset(as_names(exclude, "exclude"))
    _check_renamed(catalog, {"completed": completed_ids, "exclude": excluded_ids})
    check_ids(catalog, {"completed": completed_ids, "exclude": excluded_ids})
    return HeldRequest(
        held=tuple(held),
        today=day,
        processing_days=held[0].processing_days,
        slack_days=slack,
        completed=completed_ids,
        excluded=excluded_ids,
        budget=as_optional_number(budget, "budget"),
        allow_exams=as_flag(allow_exams, "allow_exams"),
        hours_per_week=as_optional_number(
            hours_per_week, "hours_per_week", positive=True, most=MAX_HOURS_PER_WEEK
        ),
        unavailable=as_ranges(unavailable, "unavailable"),
    )


# -- one input per tier --------------------------------------------------------------------------


def _per_tier(value: Any, tiers: Sequence[str], name: str) -> dict[str, Any]:
    """``value`` (a date or a number) by tier: the same for every tier, or a mapping by tier."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        return dict.fromkeys(tiers, value)
    return _by_tier(value, tiers, name)


def _nested_per_tier(value: Any, tiers: Sequence[str], name: str) -> dict[str, Any]:
    """``value`` (credits by category or by year) by tier.

    ``{tier: {key: credits}}``; a plain ``{key: credits}`` is the only tier's.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PlanInputError(f"{name} must be a mapping, not {show_value(value)}")
    if value and all(isinstance(entry, Mapping) for entry in value.values()):
        return _by_tier(value, tiers, name)
    if len(tiers) > 1:
        raise PlanInputError(
            f"{name} must say which tier each entry is for when several tiers are held: "
            f"{{tier: {{...}}}}, not {show_value(value)}"
        )
    return {tiers[0]: value}


def _by_tier(value: Mapping[Any, Any], tiers: Sequence[str], name: str) -> dict[str, Any]:
    by_tier: dict[str, Any] = {}
    for key, entry in value.items():
        if not isinstance(key, str) or key not in tiers:
            held = ", ".join(tiers)
            raise PlanInputError(
                f"{name}: {show_value(key)} is not a tier held here (the tiers held: {held})"
            )
        by_tier[str.__str__(key)] = entry
    return by_tier


def _all_tiers(value: Mapping[Any, Any], tiers: Sequence[str]) -> bool:
    return all(isinstance(key, str) and key in tiers for key in value)


def _passed(value: Any, tiers: Sequence[str]) -> dict[str, Any]:
    """Exams passed by tier: kinds for every tier, or ``{tier: kinds}``.

    A mapping is by tier when its keys are tiers held and its values are not counts.
    """
    if isinstance(value, Mapping) and value and _all_tiers(value, tiers):
        if all(not _is_number_like_count(v) for v in value.values()):
            return {str.__str__(k): v for k, v in value.items()}
    return dict.fromkeys(tiers, value)


def _is_number_like_count(value: Any) -> bool:
    try:
        as_whole(value, "passed")
    except PlanInputError:
        return False
    return True


def _categories(catalog: Catalog, tier: str, value: Any) -> tuple[tuple[str, float], ...]:
    """Credits earned by category for ``tier``, each category one of its catalogue's.

    In a combination, a category of the tier's own catalogue, named as that catalogue or as
    the combination names it.
    """
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise PlanInputError(
            f"earned_by_category[{tier!r}] must map categories to credits, not {show_value(value)}"
        )
    part = catalog.part_of(tier)
    names = {k: k for k in catalog.categories} if part is None else _own_categories(part)
    found: dict[str, float] = {}
    for key, credits in value.items():
        if not isinstance(key, str) or key not in names:
            known = ", ".join(dict.fromkeys(names.values())) or "none"
            whose = "the catalogue's" if part is None else f"{part.name}'s"
            raise PlanInputError(
                f"earned_by_category[{tier!r}]: {show_value(key)} is not one of {whose} "
                f"categories ({known})"
            )
        amount = as_number(credits, f"earned_by_category[{tier!r}][{key!r}]", most=MAX_CREDITS)
        if amount:
            category = names[str.__str__(key)]
            found[category] = found.get(category, 0.0) + amount
    return tuple(sorted(found.items()))


def _own_categories(part: CatalogPart) -> dict[str, str]:
    """A part's categories by both their names (its own, the combination's): the latter."""
    return {**part.categories, **{new: new for new in part.categories.values()}}


def _check_renamed(catalog: Catalog, ids_by_argument: Mapping[str, frozenset[str]]) -> None:
    """Refuse an id that a combination qualified, saying the names it has there."""
    for label, ids in ids_by_argument.items():
        for item_id in sorted(ids):
            if catalog.has(item_id):
                continue
            names = [part.renamed[item_id] for part in catalog.parts if item_id in part.renamed]
            if names:
                raise PlanInputError(
                    f"{label}: '{item_id}' is an id of several catalogues combined; say which: "
                    + " or ".join(f"'{name}'" for name in names)
                )


def _years(tier: str, period: int, value: Any) -> tuple[tuple[int, float], ...]:
    """Credits earned by cycle year for ``tier`` (years 1 to ``period``)."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise PlanInputError(
            f"earned_per_year[{tier!r}] must map cycle years (1 to {period}) to credits, not "
            f"{show_value(value)}"
        )
    found: dict[int, float] = {}
    for key, credits in value.items():
        year = None
        try:
            year = as_whole(key, "year")
        except PlanInputError:
            pass
        if year is None or not 1 <= year <= period:
            raise PlanInputError(
                f"earned_per_year[{tier!r}]: {show_value(key)} is not a year of the cycle "
                f"(1 to {period}, 1 the first)"
            )
        amount = as_number(credits, f"earned_per_year[{tier!r}][{year}]", most=MAX_CREDITS)
        if amount:
            found[year] = amount
    return tuple(sorted(found.items()))


def _earned(
    label: str,
    tier: str,
    value: Any,
    categories: Sequence[tuple[str, float]],
    years: Sequence[tuple[int, float]],
) -> float:
    """The credits earned for ``tier``: as given, else what its categories and years add up to."""
    in_categories = math.fsum(n for _, n in categories)
    if value is None:
        return max(in_categories, math.fsum(n for _, n in years))
    total = as_number(value, label, most=MAX_CREDITS)
    if in_categories > total + CREDIT_TOLERANCE:
        raise PlanInputError(
            f"earned_by_category[{tier!r}] adds up to {format_number(in_categories)} credits, "
            f"more than the {format_number(total)} earned"
        )
    in_years = math.fsum(n for _, n in years)
    if in_years > total + CREDIT_TOLERANCE:
        raise PlanInputError(
            f"earned_per_year[{tier!r}] adds up to {format_number(in_years)} credits, "
            f"more than the {format_number(total)} earned"
        )
    return total


def _check_years_begun(
    tier: str,
    years: Sequence[tuple[int, float]],
    spans: Sequence[tuple[dt.date, dt.date]],
    today: dt.date,
) -> None:
    """Refuse credits earned in a cycle year of ``tier`` that starts after ``today``."""
    for year, _ in years:
        first = spans[year - 1][0]
        if first > today:
            raise PlanInputError(
                f"earned_per_year[{tier!r}][{year}]: year {year} of the cycle starts on {first}, "
                f"after today ({today}): nothing can have been earned in it yet"
            )
