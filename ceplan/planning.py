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

from ceplan.candidates import CREDIT_TOLERANCE, Candidate, shrink, usable_items
from ceplan.catalog import Activity, Catalog, PathRule, _fmt_number
from ceplan.errors import PlanInputError
from ceplan.formulation import Formulation, build_formulation
from ceplan.results import PathComparison, Plan, PlannedItem
from ceplan.solving import Solution, cheapest_cents, make_solver, solve_lexicographic

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
    candidates = usable_items(
        catalog,
        today=request.today,
        complete_by=request.complete_by,
        unavailable_ids=request.completed | request.excluded,
        allow_exams=request.allow_exams,
    )
    obstacles = {i: _obstacle(rules[i], candidates, request) for i in indices}
    open_paths = [i for i in indices if obstacles[i] is None]
    if not open_paths:
        reasons = tuple(f"{rules[i].describe()}: {obstacles[i]}" for i in indices)
        return Plan(status="infeasible", reasons=reasons, **header)

    def build(budget_cents: int | None, selected: Sequence[int]) -> Callable[[], Formulation]:
        # Shrink for the paths at hand: what one path's best plan needs may be cut for another.
        kept = shrink(candidates, [rules[i] for i in selected], request.earned, passed)
        return lambda: build_formulation(
            kept,
            {i: rules[i] for i in selected},
            earned=request.earned,
            passed=passed,
            budget_cents=budget_cents,
        )

    solution = solve_lexicographic(build(request.budget_cents, open_paths), solver)
    if solution.status == "infeasible":
        # Every open path can be met when money is no object, so the budget is what stops it.
        for i in open_paths:
            cents = cheapest_cents(build(None, [i]), solver)
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
    return Plan(
        status=solution.status,
        path_index=solution.path,
        items=_items(catalog, {c.id: c for c in candidates}, solution),
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


def _over_budget(cents: int | None, currency: str, request: PlanRequest) -> str:
    if cents is None:
        return "the solver stopped (time limit) before it found a plan"
    cost = cents / 100
    return f"cheapest plan costs {cost:.2f} {currency}, budget is {request.budget:.2f} {currency}"


def _fmt_credits(value: float) -> str:
    return _fmt_number(round(value, 2))


def _items(
    catalog: Catalog, candidates: Mapping[str, Candidate], solution: Solution
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
            )
        )
    return tuple(sorted(items, key=lambda item: (item.is_exam, item.id)))
