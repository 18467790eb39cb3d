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

from ceplan.candidates import CREDIT_TOLERANCE, Candidate
from ceplan.errors import SolverError
from ceplan.weeks import Calendar

__all__ = ["Scheduled", "greedy_fitting_cost", "schedule"]

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
    preparation. A self-paced activity finishes when its last hours are done.

    Raises
    ------
    SolverError
        If the hours cannot be fitted (the optimiser should have ruled that out).
    """
    result: dict[str, Scheduled] = {}
    remaining: dict[str, float] = {}
    for item in items:
        if item.self_paced and item.hours > 0:
            remaining[item.id] = item.hours
        else:
            start = item.first if not item.self_paced and item.first else item.finish_by
            result[item.id] = Scheduled(start=start, finish=item.finish_by)
    by_id = {item.id: item for item in items}
    work: dict[str, dict[int, float]] = {item_id: {} for item_id in remaining}
    for week in reversed(calendar.weeks):
        if week.available_days == 0:
            continue
        left = week.capacity
        active = [
            by_id[item_id]
            for item_id, hours in remaining.items()
            if hours > _SLACK
            and calendar.week_of(by_id[item_id].first or calendar.today)
            <= week.index
            <= calendar.week_of(by_id[item_id].finish_by)
        ]
        active.sort(key=lambda c: ((c.first or calendar.today), c.id), reverse=True)
        for item in active:
            if left <= _SLACK:
                break
            hours = remaining[item.id] if math.isinf(left) else min(remaining[item.id], left)
            work[item.id][week.index] = hours
            remaining[item.id] -= hours
            left -= hours
    for item_id, hours_left in remaining.items():
        if hours_left > _SLACK * max(1.0, by_id[item_id].hours):
            raise SolverError(f"the weekly hours do not fit '{item_id}' ({hours_left:.2f} h left)")
        item = by_id[item_id]
        weeks = sorted(work[item_id])
        first_week, last_week = calendar.weeks[weeks[0]], calendar.weeks[weeks[-1]]
        first_day = item.first or calendar.today
        first_work = calendar.first_available(max(first_week.start, first_day), first_week.end)
        last_day = calendar.last_available(min(last_week.end, item.finish_by), last_week.start)
        # An exam is sat on the last day it can be, after its preparation.
        finish = item.finish_by if item.is_exam else (last_day or item.finish_by)
        result[item_id] = Scheduled(
            start=first_work or first_day,
            finish=finish,
            hours_by_week={calendar.weeks[w].start: round(work[item_id][w], 6) for w in weeks},
        )
    return result


def greedy_fitting_cost(
    candidates: Sequence[Candidate],
    calendar: Calendar,
    *,
    credits_needed: float,
    exams_needed: Mapping[str, int],
) -> int | None:
    """The cost in cents of a quick plan that fits the weekly hours, or ``None`` if none found.

    Items are placed one at a time, each as late as its window and the hours left allow; an item
    that does not fit is passed over. Exams come first (the cheapest of each kind needed), then
    activities by cost per credit. Whatever it finds is a real plan, so its cost is a ceiling on
    the best plan's; it may miss plans that only a cleverer placement finds.
    """
    left = {week.index: week.capacity for week in calendar.weeks}

    def place(item: Candidate) -> bool:
        if not item.self_paced or item.hours <= 0:
            return True
        first = calendar.week_of(item.first or calendar.today)
        weeks = [
            w.index
            for w in calendar.weeks[first : calendar.week_of(item.finish_by) + 1]
            if w.available_days > 0
        ]
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

    total = 0
    for kind, count in sorted(exams_needed.items()):
        if count <= 0:
            continue
        exams = sorted((c for c in candidates if c.is_exam and c.kind == kind), key=lambda c: c.key)
        placed = 0
        for exam in exams:
            if placed == count:
                break
            if place(exam):
                total += exam.cents
                placed += 1
        if placed < count:
            return None
    if credits_needed <= CREDIT_TOLERANCE:
        return total
    earned = 0.0
    activities = [c for c in candidates if not c.is_exam]
    for activity in sorted(activities, key=lambda c: (c.cents / c.credits, c.id)):
        if place(activity):
            total += activity.cents
            earned += activity.credits
            if earned >= credits_needed - CREDIT_TOLERANCE:
                return total
    return None
