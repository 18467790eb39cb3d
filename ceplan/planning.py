"""Planning one person's renewal: :func:`optimise` and :func:`compare_paths`.

The flow is one way: validated catalogue and inputs -> usable items (dates, completed, excluded)
-> items that can never be in the best plan dropped -> integer programme -> solver stages ->
:class:`~ceplan.results.Plan`. When no plan exists, each path gets a reason in words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ceplan.candidates import CREDIT_TOLERANCE, Candidate, shrink, still_needed, usable_items
from ceplan.catalog import Activity, Catalog, PathRule, _fmt_number
from ceplan.errors import PlanInputError, SolverError
from ceplan.formulation import Formulation, build_formulation
from ceplan.results import PathComparison, Plan, PlannedItem
from ceplan.scheduling import Scheduled, greedy_fitting_cost, schedule
from ceplan.solving import (
    Solution,
    cheapest_cents,
    cheapest_plan,
    least,
    make_solver,
    solve_lexicographic,
)
from ceplan.weeks import Calendar

__all__ = ["PlanRequest", "add_years", "compare_paths", "make_request", "optimise"]


@dataclass(frozen=True)
class PlanRequest:
    """Checked inputs for one person's plan (see :func:`make_request`)."""

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
        """The last day everything must be done: expiry minus the processing days."""
        return self.expires - dt.timedelta(days=self.processing_days)

    @property
    def budget_cents(self) -> int | None:
        """The budget in whole cents (a plan may cost at most this)."""
        return None if self.budget is None else math.floor(self.budget * 100 + 1e-6)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved ``years`` years on; 29 February becomes 28 February in other years.

    Examples
    --------
    >>> add_years(dt.date(2024, 2, 29), 3)
    datetime.date(2027, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def make_request(
    catalog: Catalog,
    tier: str,
    *,
    expires: dt.date | None = None,
    today: dt.date | None = None,
    earned: float = 0,
    passed: Mapping[str, int] | Iterable[str] = (),
    completed: Iterable[str] = (),
    exclude: Iterable[str] = (),
    budget: float | None = None,
    allow_exams: bool = True,
    processing_days: int | None = None,
    hours_per_week: float | None = None,
    unavailable: Iterable[tuple[dt.date, dt.date]] = (),
) -> PlanRequest:
    """Check planning inputs against the catalogue; see :func:`optimise` for their meaning.

    Raises
    ------
    PlanInputError
        For an unknown tier, exam kind or item id, or a negative or non-finite number.
    """
    if tier not in catalog.tiers:
        raise PlanInputError(f"unknown tier '{tier}': choose one of {', '.join(catalog.tiers)}")
    today = today or dt.date.today()
    for name, value in (("today", today), ("expires", expires)):
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            raise PlanInputError(f"{name} must be a date, not {value!r}")
    _check_number("earned", earned)
    if budget is not None:
        _check_number("budget", budget)
    if processing_days is None:
        processing_days = catalog.processing_days
    if isinstance(processing_days, bool) or not isinstance(processing_days, int):
        raise PlanInputError(f"processing_days must be a whole number, not {processing_days!r}")
    if processing_days < 0:
        raise PlanInputError(f"processing_days must be 0 or more, not {processing_days}")
    counts = Counter(passed) if not isinstance(passed, Mapping) else Counter(dict(passed))
    kinds = {kind for t in catalog.tiers.values() for p in t.paths for kind in p.exams}
    for kind, count in counts.items():
        if kind not in kinds:
            known = ", ".join(sorted(kinds)) or "none"
            raise PlanInputError(f"unknown exam kind '{kind}': the catalogue's kinds are {known}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise PlanInputError(f"passed exams of kind '{kind}' must be a whole number >= 0")
    completed_ids, excluded_ids = frozenset(completed), frozenset(exclude)
    for label, ids in (("completed", completed_ids), ("excluded", excluded_ids)):
        unknown = sorted(ids - catalog.ids)
        if unknown:
            raise PlanInputError(f"{label}: no item '{unknown[0]}' in the catalogue")
    if hours_per_week is not None:
        _check_number("hours_per_week", hours_per_week)
        if hours_per_week == 0:
            raise PlanInputError("hours_per_week must be more than 0")
    ranges = []
    for pair in unavailable:
        try:
            first, last = pair
        except (TypeError, ValueError):
            raise PlanInputError(
                f"an unavailable range is a (first, last) pair, not {pair!r}"
            ) from None
        for value in (first, last):
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise PlanInputError(f"unavailable dates must be dates, not {value!r}")
        if last < first:
            raise PlanInputError(f"unavailable range {first}:{last} ends before it starts")
        ranges.append((first, last))
    expires_given = expires is not None
    try:
        if expires is None:
            expires = add_years(today, catalog.tiers[tier].period_years)
        expires - dt.timedelta(days=processing_days)
    except (OverflowError, ValueError):
        raise PlanInputError(
            f"dates out of range: today {today}, expires {expires or 'by default'}, "
            f"{processing_days} processing days"
        ) from None
    return PlanRequest(
        tier=tier,
        today=today,
        expires=expires,
        processing_days=processing_days,
        earned=float(earned),
        passed=tuple(sorted((k, v) for k, v in counts.items() if v)),
        completed=completed_ids,
        excluded=excluded_ids,
        budget=None if budget is None else float(budget),
        allow_exams=allow_exams,
        expires_given=expires_given,
        hours_per_week=None if hours_per_week is None else float(hours_per_week),
        unavailable=tuple(sorted(ranges)),
    )


def _check_number(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PlanInputError(f"{name} must be a number, not {value!r}")
    if not math.isfinite(value) or value < 0:
        raise PlanInputError(f"{name} must be a finite number >= 0, not {value}")


def optimise(
    catalog: Catalog,
    tier: str,
    *,
    expires: dt.date | None = None,
    today: dt.date | None = None,
    earned: float = 0,
    passed: Mapping[str, int] | Iterable[str] = (),
    completed: Iterable[str] = (),
    exclude: Iterable[str] = (),
    budget: float | None = None,
    allow_exams: bool = True,
    processing_days: int | None = None,
    hours_per_week: float | None = None,
    unavailable: Iterable[tuple[dt.date, dt.date]] = (),
    solver: str | Any | None = None,
    time_limit: float | None = None,
) -> Plan:
    """Find the cheapest plan that renews ``tier`` before the certification expires.

    Parameters
    ----------
    catalog
        A loaded catalogue (:func:`ceplan.load_catalog`).
    tier
        A tier name of the catalogue, e.g. ``"professional"``.
    expires
        The day the certification expires. Default: ``today`` plus the tier's period.
    today
        The day planning starts. Default: the real date.
    earned
        Credits already earned in this period.
    passed
        Exams already passed in this period: kind -> count, or one kind per exam.
    completed, exclude
        Ids of items already done, or not wanted; neither is planned.
    budget
        The most the plan may cost, in the catalogue currency.
    allow_exams
        Whether new exams may be planned.
    processing_days
        Days before expiry by which everything must be complete. Default: the catalogue's.
    hours_per_week
        Self-study hours the person can spare each week (default: no limit). Plans then say
        when each item is done and never ask for more hours in any week.
    unavailable
        ``(first, last)`` day ranges when the person can neither study nor attend a session.
    solver
        ``"cbc"`` (default), ``"highs"`` or a PuLP solver object.
    time_limit
        Seconds each solver call may take.

    Returns
    -------
    Plan
        ``status`` ``"optimal"`` with the chosen path and items, or ``"infeasible"`` with one
        reason per path.

    Examples
    --------
    >>> import ceplan
    >>> catalog = ceplan.load_catalog()
    >>> plan = ceplan.optimise(catalog, "associate", today=dt.date(2026, 11, 29))
    >>> plan.status, plan.path.describe(), plan.total_cost
    ('optimal', '1 associate exam', 237.0)
    """
    request = make_request(
        catalog,
        tier,
        expires=expires,
        today=today,
        earned=earned,
        passed=passed,
        completed=completed,
        exclude=exclude,
        budget=budget,
        allow_exams=allow_exams,
        processing_days=processing_days,
        hours_per_week=hours_per_week,
        unavailable=unavailable,
    )
    rules = catalog.tiers[tier].paths
    return _plan(catalog, request, range(len(rules)), make_solver(solver, time_limit=time_limit))


def compare_paths(
    catalog: Catalog,
    tier: str,
    *,
    solver: str | Any | None = None,
    time_limit: float | None = None,
    **inputs: Any,
) -> PathComparison:
    """The best plan for each path of ``tier`` on its own, side by side.

    Takes the same inputs as :func:`optimise`. ``comparison.best`` is the plan :func:`optimise`
    returns; ``comparison.to_frame()`` is a table with one row per path.

    Examples
    --------
    >>> import ceplan
    >>> catalog = ceplan.load_catalog()
    >>> table = ceplan.compare_paths(catalog, "professional", today=dt.date(2026, 11, 29))
    >>> list(table.to_frame().columns)[:3]
    ['path', 'path_index', 'status']
    """
    request = make_request(catalog, tier, **inputs)
    engine = make_solver(solver, time_limit=time_limit)
    rules = catalog.tiers[tier].paths
    plans = tuple(_plan(catalog, request, [index], engine) for index in range(len(rules)))
    return PathComparison(tier=tier, currency=catalog.currency, paths=tuple(rules), plans=plans)


# -- one solve ---------------------------------------------------------------------------------


def _plan(catalog: Catalog, request: PlanRequest, paths: Iterable[int], solver: Any) -> Plan:
    rules = catalog.tiers[request.tier].paths
    indices = list(paths)
    passed = dict(request.passed)
    header = _header(catalog, request)
    if request.today > request.complete_by:
        late = (
            f"too late: everything must be complete by {request.complete_by} "
            f"({request.processing_days} processing days before the expiry on "
            f"{request.expires}), and today is {request.today}"
        )
        return Plan(status="infeasible", reasons=_per_path(rules, indices, late), **header)
    calendar = request.calendar
    candidates = usable_items(
        catalog,
        today=request.today,
        complete_by=request.complete_by,
        unavailable_ids=request.completed | request.excluded,
        allow_exams=request.allow_exams,
        calendar=calendar,
    )
    obstacles = {i: _obstacle(rules[i], candidates, request) for i in indices}
    open_paths = [i for i in indices if obstacles[i] is None]
    if not open_paths:
        reasons = tuple(f"{rules[i].describe()}: {obstacles[i]}" for i in indices)
        return Plan(status="infeasible", reasons=reasons, **header)

    limited = request.hours_per_week is not None

    def fitting_cost(budget_cents: int | None, selected: Sequence[int]) -> int | None:
        """The cost of a plan known to fit the weekly hours: a ceiling for the timed model.

        First the cheapest plan without a weekly limit (no plan within the limit is cheaper,
        so when it fits it is the answer's cost); else the cheapest greedy plan that fits.
        """
        found = cheapest_plan(build(budget_cents, selected, capacity=False), solver)
        if found is None:
            return None
        cents, chosen = found
        picked = set(chosen)
        try:
            schedule([c for c in candidates if c.id in picked], calendar)
            return cents
        except SolverError:
            pass
        greedy = [
            greedy_fitting_cost(candidates, calendar, credits_needed=credits, exams_needed=exams)
            for credits, exams in (still_needed(rules[i], request.earned, passed) for i in selected)
        ]
        return min((cost for cost in greedy if cost is not None), default=None)

    def build(
        budget_cents: int | None,
        selected: Sequence[int],
        *,
        capacity: bool = limited,
        free_hours: bool = False,
    ) -> Callable[[], Formulation]:
        # Shrink for the paths at hand: what one path's best plan needs may be cut for another.
        ceiling = fitting_cost(budget_cents, selected) if capacity and not free_hours else None
        kept = shrink(
            candidates,
            [rules[i] for i in selected],
            request.earned,
            passed,
            timed=request.timed,
            capacity=capacity or free_hours,
            ceiling=ceiling,
        )
        return lambda: build_formulation(
            kept,
            {i: rules[i] for i in selected},
            earned=request.earned,
            passed=passed,
            budget_cents=budget_cents,
            calendar=calendar if capacity or free_hours else None,
            weekly_hours_free=free_hours,
        )

    def completion(chosen: tuple[str, ...]) -> dt.date:
        picked = set(chosen)
        dates = schedule([c for c in candidates if c.id in picked], calendar)
        return max((d.finish for d in dates.values()), default=request.today)

    solution = solve_lexicographic(
        build(request.budget_cents, open_paths),
        solver,
        latest=request.timed,
        completion=completion if limited else None,
    )
    if solution.status == "infeasible":
        # Every open path can be met when money and time are no object: say which stops it.
        for i in open_paths:
            budget = request.budget_cents
            if limited and cheapest_cents(build(budget, [i], capacity=False), solver) is not None:
                obstacles[i] = _too_few_hours(build(budget, [i], free_hours=True), solver, request)
            else:
                cents = cheapest_cents(build(None, [i], capacity=False), solver)
                obstacles[i] = _over_budget(cents, catalog.currency, request)
        reasons = tuple(f"{rules[i].describe()}: {obstacles[i]}" for i in indices)
        return Plan(status="infeasible", reasons=reasons, **header)
    if solution.status == "unknown":
        reason = "the solver stopped (time limit) before it found a plan"
        return Plan(status="unknown", reasons=_per_path(rules, indices, reason), **header)
    assert solution.path is not None
    if solution.status == "feasible":
        stopped = "the solver stopped at its time limit: a cheaper plan may exist"
        header["warnings"] = (*header["warnings"], stopped)
    header["path"] = rules[solution.path]
    picked = set(solution.chosen)
    chosen = [c for c in candidates if c.id in picked]
    dates = schedule(chosen, calendar)
    items = _items(catalog, {c.id: c for c in chosen}, solution, dates)
    renewal = max((item.finish for item in items if item.finish), default=request.today)
    period = catalog.tiers[request.tier].period_years
    return Plan(
        status=solution.status,
        path_index=solution.path,
        items=items,
        renewal_date=renewal,
        new_expires=add_years(renewal, period),
        days_given_up=max(0, (request.expires - renewal).days),
        timeline_rows=tuple(
            sorted(
                (week, item_id, hours)
                for item_id, scheduled in dates.items()
                for week, hours in scheduled.hours_by_week.items()
            )
        ),
        **header,
    )


def _header(catalog: Catalog, request: PlanRequest) -> dict[str, Any]:
    warnings: list[str] = []
    if catalog.as_of is not None and add_years(catalog.as_of, 1) < request.today:
        warnings.append(
            f"the catalogue was last checked on {catalog.as_of}, more than a year before "
            f"{request.today}: prices, credits and dates may have changed"
        )
    notes: list[str] = []
    if not request.expires_given:
        period = catalog.tiers[request.tier].period_years
        notes.append(
            f"no expiry date given: assuming {request.expires}, {period} years from "
            f"{request.today} (pass the real date with --expires / expires=)"
        )
    return {
        "tier": request.tier,
        "currency": catalog.currency,
        "today": request.today,
        "expires": request.expires,
        "complete_by": request.complete_by,
        "path": None,
        "earned": request.earned,
        "passed": request.passed,
        "warnings": tuple(warnings),
        "notes": tuple(notes),
        "rates_as_of": catalog.rates_as_of if catalog.exchange_rates else None,
        "budget": request.budget,
        "hours_per_week": request.hours_per_week,
        "unavailable": request.unavailable,
    }


def _per_path(rules: Sequence[PathRule], indices: Iterable[int], reason: str) -> tuple[str, ...]:
    return tuple(f"{rules[i].describe()}: {reason}" for i in indices)


def _obstacle(rule: PathRule, candidates: Sequence[Candidate], request: PlanRequest) -> str | None:
    """Why ``rule`` cannot be met whatever the money, or ``None`` if it can."""
    problems = []
    available = sum(c.credits for c in candidates if not c.is_exam)
    if request.earned + available < rule.credits - CREDIT_TOLERANCE:
        most = request.earned + available
        text = f"at most {_fmt_credits(most)} credits can be earned by {request.complete_by}"
        if request.earned:
            text += f" ({_fmt_credits(request.earned)} already earned)"
        problems.append(f"{text}; {_fmt_number(rule.credits)} are needed")
    passed = dict(request.passed)
    for kind, count in sorted(rule.exams.items()):
        missing = count - passed.get(kind, 0)
        if missing <= 0:
            continue
        if not request.allow_exams:
            problems.append(
                f"{missing} more {kind} exam{'s' if missing > 1 else ''} needed, "
                "and new exams are not allowed"
            )
            continue
        offered = sum(1 for c in candidates if c.is_exam and c.kind == kind)
        if offered == 0:
            problems.append(f"no {kind} exam can be taken by {request.complete_by}")
        elif offered < missing:
            problems.append(
                f"only {offered} {kind} exam{'s' if offered > 1 else ''} can be taken by "
                f"{request.complete_by}; {missing} are needed"
            )
    return "; ".join(problems) or None


def _too_few_hours(build: Callable[[], Formulation], solver: Any, request: PlanRequest) -> str:
    """The reason when only the weekly hours stand in the way, with the hours that would do."""
    needed = least(build, solver, lambda f: f.weekly_hours)
    given = request.hours_per_week or 0
    have = f"{_fmt_number(given)} hour{'' if given == 1 else 's'} a week"
    have += " is" if given == 1 else " are"
    if needed is None:
        return f"{have} not enough to finish in time"
    need = math.ceil(needed * 10 - 1e-6) / 10
    return (
        f"{have} not enough to finish in time; "
        f"this path needs at least {_fmt_number(need)} hours a week"
    )


def _over_budget(cents: int | None, currency: str, request: PlanRequest) -> str:
    if cents is None:
        return "the solver stopped (time limit) before it found a plan"
    cost = cents / 100
    return f"cheapest plan costs {cost:.2f} {currency}, budget is {request.budget:.2f} {currency}"


def _fmt_credits(value: float) -> str:
    return _fmt_number(round(value, 2))


def _items(
    catalog: Catalog,
    candidates: Mapping[str, Candidate],
    solution: Solution,
    dates: Mapping[str, Scheduled],
) -> tuple[PlannedItem, ...]:
    items = []
    for item_id in solution.chosen:
        candidate = candidates[item_id]
        source = catalog.item(item_id)
        is_activity = isinstance(source, Activity)
        items.append(
            PlannedItem(
                id=item_id,
                title=source.title,
                is_exam=not is_activity,
                type=source.type if isinstance(source, Activity) else "exam",
                kind=candidate.kind,
                credits=candidate.credits,
                cost=candidate.cents / 100,
                hours=candidate.hours,
                complete_by=candidate.do_by,
                price=source.cost,
                price_currency=source.currency or catalog.currency,
                start=dates[item_id].start,
                finish=dates[item_id].finish,
                session=candidate.session,
            )
        )
    return tuple(sorted(items, key=lambda item: (item.is_exam, item.id)))
