"""What one person's plan says: the plan found, or why there is none, in words and numbers.

:class:`Report` turns what the planner found (:mod:`ceplan.planning.person`) into a
:class:`~ceplan.results.plan.Plan`: the inputs as applied, the warnings and notes, the items
with their dates, and, when a path cannot be met, the reason in a person's words with the
numbers behind it. Nothing here searches: these are the words and the dates of a decision
already made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ceplan.candidates.items import Candidate
from ceplan.catalogue.models import Activity, Catalog, PathRule
from ceplan.inputs import add_years
from ceplan.model.schedule import Scheduled, schedule
from ceplan.objective import COST, Objective
from ceplan.requests.person import PlanRequest
from ceplan.results.plan import Blocked, Plan, PlannedItem, Why
from ceplan.status import Solution
from ceplan.units import CREDIT_TOLERANCE, format_money, format_number, quantity
from ceplan.weeks import Calendar

__all__ = [
    "none_found",
    "Report",
    "by_date",
    "in_time",
    "not_proven",
    "set_aside_exams",
    "shortfall",
    "too_few_hours",
    "too_late_reason",
]


@dataclass(frozen=True)
class Report:
    """The plans of one request: what every plan says, then the plan found or why none was."""

    catalog: Catalog
    request: PlanRequest
    rules: tuple[PathRule, ...]
    objective: Objective
    calendar: Calendar

    def header(self) -> dict[str, Any]:
        """What every plan of the request says: inputs as applied, warnings and notes."""
        catalog, request = self.catalog, self.request
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
            "budget": request.budget_amount,
            "hours_per_week": request.hours_per_week,
            "unavailable": request.unavailable,
            "slack_days": request.slack_days,
            "paths": self.rules,
        }

    def infeasible(self, blocked: Sequence[Blocked]) -> Plan:
        """No plan: one reason per path (or one for them all)."""
        return Plan(
            status="infeasible",
            reasons=tuple(b.text for b in blocked),
            blocked=tuple(blocked),
            **self.header(),
        )

    def unknown(self, solution: Solution, seconds: float) -> Plan:
        """No plan found, and none ruled out.

        The time limit of ``seconds`` ran out, or the solver stopped.
        """
        text = none_found(solution.termination, seconds)
        return Plan(
            status="unknown",
            termination=solution.termination,
            reasons=(text,),
            blocked=(Blocked(text, "time_limit"),),
            **self.header(),
        )

    def already_met(self, index: int) -> Plan:
        """What is earned and passed already meets path ``index``: nothing to plan."""
        header = self.header()
        rule = self.rules[index]
        header["path"] = rule
        header["notes"] = (
            *header["notes"],
            f"already met: recertify now (what is earned and passed meets {rule.describe()})",
        )
        return Plan(
            status="optimal",
            path_index=index,
            already_met=True,
            proven=tuple(stage.name for stage in self.objective.stages),
            gap=0.0,
            **header,
        )

    def over_budget(self, index: int, cents: int) -> Blocked:
        """Path ``index`` is blocked by the budget: its cheapest plan costs ``cents``."""
        currency = self.catalog.currency
        budget = self.request.budget_amount or 0.0
        cheapest = "cheapest plan"
        if self.request.slack_days:
            cheapest += f" to finish {in_time(self.request)}"
        text = (
            f"{self.rules[index].describe()}: {cheapest} costs "
            f"{format_money(cents / 100, currency)}, budget is {format_money(budget, currency)}"
        )
        return Blocked(text, "budget", path_index=index, cheapest_cost=cents / 100)

    def found(self, solution: Solution, items: Mapping[str, Candidate]) -> Plan:
        """The plan of ``solution`` (its items among ``items``), with its dates."""
        assert solution.path is not None
        header = self.header()
        header["path"] = self.rules[solution.path]
        warning = not_proven(solution, self.objective)
        if warning:
            header["warnings"] = (*header["warnings"], warning)
        chosen = [items[i] for i in solution.chosen]
        dates = schedule(chosen, self.calendar)
        planned = planned_items(self.catalog, chosen, dates)
        renewal = max(item.finish for item in planned if item.finish is not None)
        period = self.catalog.tiers[self.request.tier].period_years
        return Plan(
            status=solution.status,
            termination=solution.termination,
            gap=solution.gap,
            proven=solution.proven,
            solver=solution.solver or None,
            path_index=solution.path,
            planned=planned,
            renewal_date=renewal,
            new_expires=add_years(renewal, period),
            days_given_up=max(0, (self.request.expires - renewal).days),
            timeline_rows=timeline(dates),
            **header,
        )


def not_proven(solution: Solution, objective: Objective) -> str | None:
    """A warning that says how far the plan is proved, when it is not proved best."""
    if solution.status == "optimal":
        return None
    why = "at the time limit" if solution.termination == "time_limit" else "early"
    if COST.name not in solution.proven:
        bound = (
            f": the cheapest possible plan costs at most {solution.gap:.2%} less"
            if solution.gap is not None
            else ": a cheaper plan may exist"
        )
        return f"not proven cheapest: the solver stopped {why}{bound}"
    undone = Objective(tuple(s for s in objective.stages if s.name not in solution.proven))
    return (
        f"the cost is proven least, but the solver stopped {why} before settling the "
        f"ties ({undone.describe()})"
    )


def planned_items(
    catalog: Catalog, chosen: Sequence[Candidate], dates: Mapping[str, Scheduled]
) -> tuple[PlannedItem, ...]:
    """The chosen items as the plan lists them (activities first, each by id), with dates."""
    items = []
    for candidate in chosen:
        source = catalog.item(candidate.id)
        items.append(
            PlannedItem(
                id=candidate.id,
                title=source.title,
                is_exam=candidate.is_exam,
                type=source.type if isinstance(source, Activity) else "exam",
                kind=candidate.kind,
                credits=candidate.credits,
                cost=candidate.cents / 100,
                hours=candidate.hours,
                complete_by=candidate.do_by,
                price=source.cost,
                price_currency=source.currency or catalog.currency,
                start=dates[candidate.id].start,
                finish=dates[candidate.id].finish,
                session=candidate.session,
                hours_given=source.hours is not None,
            )
        )
    return tuple(sorted(items, key=lambda item: (item.is_exam, item.id)))


def timeline(dates: Mapping[str, Scheduled]) -> tuple[tuple[dt.date, str, float], ...]:
    """Self-study hours by week and item, in order."""
    return tuple(
        sorted(
            (week, item_id, hours)
            for item_id, scheduled in dates.items()
            for week, hours in scheduled.hours_by_week.items()
        )
    )


def too_late_reason(request: PlanRequest) -> str:
    """Why nothing can be planned: the do-by date has passed (SPEC 3), or the slack moved it.

    Examples
    --------
    >>> import datetime as dt
    >>> request = PlanRequest("professional", today=dt.date(2029, 11, 1),
    ...     expires=dt.date(2029, 11, 29), processing_days=7, slack_days=30)
    >>> too_late_reason(request)  # doctest: +NORMALIZE_WHITESPACE
    'too late for 30 days of slack: they move the do-by date to 2029-10-23, 30 days before
    2029-11-22 (7 processing days before the expiry on 2029-11-29), and today is 2029-11-01'
    """
    processing = f"{request.processing_days} processing days before the expiry on "
    processing += str(request.expires)
    unslacked = request.do_by_without_slack
    if request.slack_days and request.today <= unslacked:
        days = quantity(request.slack_days, "day")
        return (
            f"too late for {days} of slack: they move the do-by date to {request.complete_by}, "
            f"{days} before {unslacked} ({processing}), and today is {request.today}"
        )
    return (
        f"too late: everything must be complete by {unslacked} ({processing}), "
        f"and today is {request.today}"
    )


def by_date(request: PlanRequest, *notes: str) -> str:
    """The do-by date as a reason names it, with ``notes``; saying so when the slack moved it.

    Examples
    --------
    >>> import datetime as dt
    >>> day, expires = dt.date(2026, 11, 29), dt.date(2029, 11, 29)
    >>> request = PlanRequest("professional", day, expires, processing_days=7)
    >>> by_date(request), by_date(request, "ccna-200-301 set aside")
    ('2029-11-22', '2029-11-22 (ccna-200-301 set aside)')
    >>> slack = PlanRequest("professional", day, expires, processing_days=7, slack_days=30)
    >>> by_date(slack, "ccna-200-301 set aside")  # doctest: +NORMALIZE_WHITESPACE
    '2029-10-23 (the do-by date moved 30 days earlier for slack; ccna-200-301 set aside)'
    """
    if request.slack_days:
        moved = f"the do-by date moved {quantity(request.slack_days, 'day')} earlier for slack"
        notes = (moved, *notes)
    said = f" ({'; '.join(notes)})" if notes else ""
    return f"{request.complete_by}{said}"


def in_time(request: PlanRequest) -> str:
    """How a reason says "by the do-by date": ``"in time"``, or the date the slack moved it to.

    Examples
    --------
    >>> import datetime as dt
    >>> day, expires = dt.date(2026, 11, 29), dt.date(2029, 11, 29)
    >>> in_time(PlanRequest("professional", day, expires, processing_days=7))
    'in time'
    >>> in_time(PlanRequest("professional", day, expires, processing_days=7, slack_days=1))
    'by 2029-11-21 (the do-by date moved 1 day earlier for slack)'

    """
    return f"by {by_date(request)}" if request.slack_days else "in time"


def set_aside_exams(catalog: Catalog, request: PlanRequest) -> dict[str, list[str]]:
    """Exams the person marked completed or excluded, by kind."""
    ids = request.completed | request.excluded
    aside: dict[str, list[str]] = {}
    for exam in catalog.exams:
        if exam.id in ids:
            aside.setdefault(exam.kind, []).append(exam.id)
    return aside


def shortfall(
    rule: PathRule,
    usable: tuple[float, Mapping[str, int]],
    request: PlanRequest,
    set_aside: Mapping[str, Sequence[str]],
) -> tuple[str, Why] | None:
    """Why ``rule`` cannot be met whatever the money, and what stops it.

    ``usable`` holds the credits of every usable activity and the usable exams by kind.
    """
    problems: list[str] = []
    why: Why | None = None
    available, offered_by_kind = usable
    if request.earned + available < rule.credits - CREDIT_TOLERANCE:
        problems.append(_too_few_credits(rule, available, request))
        why = "credits"
    passed = dict(request.passed)
    for kind, count in sorted(rule.exams.items()):
        missing = count - passed.get(kind, 0)
        if missing <= 0:
            continue
        why = why or "exams"
        if not request.allow_exams:
            problems.append(
                f"{quantity(missing, f'more {kind} exam')} needed, and new exams are not allowed"
            )
            continue
        offered = offered_by_kind.get(kind, 0)
        aside = [f"{', '.join(sorted(set_aside[kind]))} set aside"] if kind in set_aside else []
        if offered == 0:
            problems.append(f"no {kind} exam can be taken by {by_date(request, *aside)}")
        elif offered < missing:
            problems.append(
                f"only {quantity(offered, f'{kind} exam')} can be taken by "
                f"{by_date(request, *aside)}; {missing} are needed"
            )
    if not problems or why is None:
        return None
    return "; ".join(problems), why


def _too_few_credits(rule: PathRule, available: float, request: PlanRequest) -> str:
    most = request.earned + available
    text = f"at most {_fmt_credits(most)} credits can be earned by {by_date(request)}"
    if request.earned:
        text += f" ({_fmt_credits(request.earned)} already earned)"
    text += f"; {format_number(rule.credits)} are needed"
    if request.completed:
        text += " (completed items are not planned again: count their credits in earned)"
    return text


def too_few_hours(given: float, needed: float, when: str = "in time") -> str:
    """The weekly hours ``given`` fall short of the ``needed`` ones, in words.

    ``when`` says by when (:func:`in_time`).

    Examples
    --------
    >>> too_few_hours(1, 2.5)
    '1 hour a week is not enough to finish in time; this path needs at least 2.5 hours a week'
    """
    have = f"{quantity(given, 'hour')} a week"
    have += " is" if given == 1 else " are"
    return (
        f"{have} not enough to finish {when}; this path needs at least "
        f"{format_number(needed)} hours a week"
    )


def _fmt_credits(value: float) -> str:
    return format_number(round(value, 2))


def none_found(termination: Any, seconds: float) -> str:
    """Why a plan is ``unknown``, in a person's words (the one wording of every planner).

    The time limit ran out, or the solver stopped, before a plan was found or ruled out.
    """
    if termination == "time_limit":
        return (
            f"no plan was found before the time limit ({format_number(seconds)} s) "
            "ran out: one may exist (allow more time)"
        )
    return "the solver stopped without finding a plan or proving that none exists"
