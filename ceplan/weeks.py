"""Days and weeks: when a person can work, and how many study hours each week holds.

Weeks start on ``today`` and run seven days, the last one cut at the do-by date. A week with at
least one available day holds ``hours_per_week`` of self-study; a week with none holds nothing.
(So the limit is per week, as stated, however the week is cut or shared with days away; work
itself is never placed on an unavailable day.)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

__all__ = ["LAST_WORK", "Calendar", "Week", "last_work"]

DAY = dt.timedelta(days=1)

LAST_WORK = 0.01
"""Hours an item does in a week (or run of weeks) to count as finishing there, when the plan
credits or places the item that completes it last (see :func:`last_work`)."""


def last_work(hours: float, hours_per_week: float | None) -> float:
    """The hours of an item that count as finishing it in a week.

    :data:`LAST_WORK`, or less when the item or the weekly limit holds less.
    """
    return min(LAST_WORK, hours, hours_per_week if hours_per_week is not None else LAST_WORK)


@dataclass(frozen=True)
class Week:
    """One weekly bucket: its first and last day, available days and study-hour capacity."""

    index: int
    start: dt.date
    end: dt.date
    available_days: int
    capacity: float


@dataclass(frozen=True)
class Calendar:
    """The days from ``today`` to ``end`` (inclusive), less the ``unavailable`` ranges."""

    today: dt.date
    end: dt.date
    unavailable: tuple[tuple[dt.date, dt.date], ...] = ()
    hours_per_week: float | None = None

    @property
    def limits(self) -> bool:
        """Whether the calendar limits anything: weekly hours or days away (a plan over time)."""
        return self.hours_per_week is not None or bool(self.unavailable)

    def available(self, day: dt.date) -> bool:
        """Whether ``day`` is within the calendar and not in an unavailable range."""
        if day < self.today or day > self.end:
            return False
        return not any(start <= day <= end for start, end in self.unavailable)

    def available_between(self, first: dt.date, last: dt.date) -> bool:
        """Whether every day from ``first`` to ``last`` is available."""
        if first < self.today or last > self.end:
            return False
        return not any(start <= last and first <= end for start, end in self.unavailable)

    def first_available(self, on_or_after: dt.date, not_after: dt.date) -> dt.date | None:
        """The first available day in ``[on_or_after, not_after]``, if any."""
        day = max(on_or_after, self.today)
        if not self.unavailable:
            return day if day <= min(not_after, self.end) else None
        while day <= min(not_after, self.end):
            if self.available(day):
                return day
            day += DAY
        return None

    def last_available(self, on_or_before: dt.date, not_before: dt.date) -> dt.date | None:
        """The last available day in ``[not_before, on_or_before]``, if any."""
        day = min(on_or_before, self.end)
        if not self.unavailable:
            return day if day >= max(not_before, self.today) else None
        while day >= max(not_before, self.today):
            if self.available(day):
                return day
            day -= DAY
        return None

    @cached_property
    def weeks(self) -> tuple[Week, ...]:
        """The weekly buckets from ``today`` to ``end``."""
        weeks = []
        start, index = self.today, 0
        while start <= self.end:
            end = min(start + 6 * DAY, self.end)
            days = (end - start).days + 1
            if self.unavailable:
                days = sum(self.available(start + n * DAY) for n in range(days))
            capacity = math.inf if self.hours_per_week is None else self.hours_per_week * (days > 0)
            weeks.append(Week(index, start, end, days, capacity))
            start, index = start + 7 * DAY, index + 1
        return tuple(weeks)

    def week_of(self, day: dt.date) -> int:
        """The index of the week holding ``day``."""
        return (day - self.today).days // 7

    def weeks_between(self, first: dt.date, last: dt.date) -> Sequence[Week]:
        """The weeks that hold an available day in ``[first, last]``."""
        weeks = self.weeks[self.week_of(first) : self.week_of(last) + 1]
        return [week for week in weeks if week.available_days > 0]
