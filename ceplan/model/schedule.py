"""When each planned item is done: self-study spread over weeks, as late as the limits allow.

Given the chosen items (which the optimiser has already checked fit in the weekly hours),
:func:`schedule` fills the weeks backwards from each item's last possible day: in each week, the
items whose window opens latest go first. This is earliest-deadline-first run backwards in time,
which finds a schedule whenever one exists, and it leaves work as late as it can be, so the
renewal completes as late as possible and gives up the fewest days of the current cycle.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ceplan.candidates.items import CREDIT_TOLERANCE, Candidate, cost_per_credit_key
from ceplan.errors import SolverError
from ceplan.weeks import Calendar, Week, last_work

__all__ = ["Scheduled", "greedy_fitting_plan", "schedule"]

_SLACK = 1e-6


@dataclass(frozen=True)
class Scheduled:
    """An item's dates and its self-study hours by week (week start -> hours)."""

    start: dt.date
    finish: dt.date
    hours_by_week: dict[dt.date, float] = field(default_factory=dict)


def schedule(items: Sequence[Candidate], calendar: Calendar) -> dict[str, Scheduled]:
    """Dates for every item, and weekly hours for self-paced ones.

    A dated session runs on its own days. An exam is sat on its last possible day, after its
    preparation. A self-paced activity finishes when its last hours are done. Among the ways to
    fit the hours, the one that completes the plan last is taken: if the plain as-late-as-possible
    fill leaves a later finish possible, a little of that item's work
    (:func:`~ceplan.weeks.last_work` hours) is put in the later week first and the rest filled
    around it.

    Raises
    ------
    SolverError
        If the hours cannot be fitted (the optimiser should have ruled that out).
    """
    spread = [item for item in items if item.self_paced and item.hours > 0]
    work = _fill(spread, calendar, {})
    if work is None:
        raise SolverError("the weekly hours do not fit the plan")
    if calendar.hours_per_week is None:  # no limit: every item already finishes as late as it can
        return _dates(items, work, calendar)
    done = _completion(items, work, calendar)
    tries = sorted(
        (
            (day, item.id, week.index)
            for item in spread
            if not item.is_exam
            for week in _window(item, calendar)
            if (day := _last_day(item, week.index, calendar)) > done
        ),
        key=lambda t: (-t[0].toordinal(), t[1], -t[2]),
    )
    for _, item_id, week_index in tries:
        item = next(c for c in spread if c.id == item_id)
        least = last_work(item.hours, calendar.hours_per_week)
        better = _fill(spread, calendar, {(item_id, week_index): least})
        if better is not None:
            work = better
            break
    return _dates(items, work, calendar)


def _window(item: Candidate, calendar: Calendar) -> Sequence[Week]:
    """The weeks with an available day in which ``item`` may be worked on."""
    return calendar.weeks_between(item.first or calendar.today, item.work_until)


def _last_day(item: Candidate, week_index: int, calendar: Calendar) -> dt.date:
    """The day ``item`` finishes if its last work is in week ``week_index``."""
    week = calendar.weeks[week_index]
    day = calendar.last_available(min(week.end, item.finish_by), week.start)
    return day or item.finish_by


def _fill(
    items: Sequence[Candidate], calendar: Calendar, reserved: Mapping[tuple[str, int], float]
) -> dict[str, dict[int, float]] | None:
    """Weekly hours by item, filled backwards (earliest deadline first, in reverse), or None."""
    remaining = {item.id: item.hours for item in items}
    work: dict[str, dict[int, float]] = {item.id: {} for item in items}
    left = {week.index: week.capacity for week in calendar.weeks}
    for (item_id, week_index), hours in reserved.items():
        work[item_id][week_index] = hours
        remaining[item_id] -= hours
        left[week_index] -= hours
        if left[week_index] < -_SLACK:
            return None
    windows = {item.id: _window(item, calendar) for item in items}
    for week in reversed(calendar.weeks):
        if week.available_days == 0:
            continue
        active = [
            item
            for item in items
            if remaining[item.id] > _SLACK
            and windows[item.id]
            and windows[item.id][0].index <= week.index <= windows[item.id][-1].index
        ]
        active.sort(key=lambda c: ((c.first or calendar.today), c.id), reverse=True)
        for item in active:
            if left[week.index] <= _SLACK:
                break
            room = left[week.index]
            hours = remaining[item.id] if math.isinf(room) else min(remaining[item.id], room)
            work[item.id][week.index] = work[item.id].get(week.index, 0.0) + hours
            remaining[item.id] -= hours
            left[week.index] -= hours
    if any(remaining[item.id] > _SLACK * max(1.0, item.hours) for item in items):
        return None
    return work


def _completion(
    items: Sequence[Candidate], work: Mapping[str, Mapping[int, float]], calendar: Calendar
) -> dt.date:
    days = [
        _last_day(item, max(work[item.id]), calendar)
        if item.id in work and not item.is_exam
        else item.finish_by
        for item in items
        if item.id not in work or work[item.id]
    ]
    return max(days, default=calendar.today)


def _dates(
    items: Sequence[Candidate], work: Mapping[str, Mapping[int, float]], calendar: Calendar
) -> dict[str, Scheduled]:
    result: dict[str, Scheduled] = {}
    for item in items:
        if item.id not in work:
            start = item.first if not item.self_paced and item.first else item.finish_by
            result[item.id] = Scheduled(start=start, finish=item.finish_by)
            continue
        weeks = sorted(w for w, hours in work[item.id].items() if hours > 0)
        first_week = calendar.weeks[weeks[0]]
        first_day = item.first or calendar.today
        first_work = calendar.first_available(max(first_week.start, first_day), first_week.end)
        # An exam is sat on the last day it can be, after its preparation.
        finish = item.finish_by if item.is_exam else _last_day(item, weeks[-1], calendar)
        result[item.id] = Scheduled(
            start=first_work or first_day,
            finish=finish,
            hours_by_week={calendar.weeks[w].start: round(work[item.id][w], 6) for w in weeks},
        )
    return result


def greedy_fitting_plan(
    candidates: Sequence[Candidate],
    calendar: Calendar,
    *,
    credits_needed: float,
    exams_needed: Mapping[str, int],
) -> list[Candidate] | None:
    """The items of a quick plan that fits the weekly hours, or ``None`` if none is found.

    Items are placed one at a time, each as late as its window and the hours left allow; an item
    that does not fit is passed over. Exams come first (the cheapest of each kind needed), then
    activities by cost per credit. Whatever it finds is a real plan (within the weekly hours,
    not necessarily a budget), so its cost is a ceiling on the best plan's; it may miss plans
    that only a cleverer placement finds.
    """
    left = {week.index: week.capacity for week in calendar.weeks}

    def place(item: Candidate) -> bool:
        if not item.self_paced or item.hours <= 0:
            return True
        weeks = [w.index for w in _window(item, calendar)]
        if sum(left[w] for w in weeks) < item.hours - _SLACK:
            return False
        need = item.hours
        for w in reversed(weeks):
            take = min(need, left[w])
            left[w] -= take
            need -= take
            if need <= _SLACK:
                break
        return True

    chosen: list[Candidate] = []
    for kind, count in sorted(exams_needed.items()):
        if count <= 0:
            continue
        exams = sorted((c for c in candidates if c.is_exam and c.kind == kind), key=lambda c: c.key)
        placed = 0
        for exam in exams:
            if placed == count:
                break
            if place(exam):
                chosen.append(exam)
                placed += 1
        if placed < count:
            return None
    if credits_needed <= CREDIT_TOLERANCE:
        return chosen
    earned = 0.0
    activities = [c for c in candidates if not c.is_exam]
    for activity in sorted(activities, key=cost_per_credit_key):
        if place(activity):
            chosen.append(activity)
            earned += activity.credits
            if earned >= credits_needed - CREDIT_TOLERANCE:
                return chosen
    return None
