"""Plans as iCalendar files (RFC 5545): one all-day event per item, with reminders.

:func:`plan_to_ics` builds the calendar of ``ceplan optimise --ics FILE``; it only builds bytes
and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from ceplan._version import __version__
from ceplan.catalog import _fmt_number
from ceplan.errors import PlanInputError
from ceplan.results import Plan, PlannedItem

if TYPE_CHECKING:
    import icalendar

__all__ = ["PRODID", "REMINDER_DAYS", "REMINDER_TIME", "item_uid", "plan_to_ics"]

REMINDER_DAYS = (90, 60, 30, 7)
"""Reminders fall this many days before an item's do-by date."""

REMINDER_TIME = dt.time(9, 0, tzinfo=dt.UTC)
"""The time of day of every reminder (RFC 5545 wants absolute triggers in UTC)."""

PRODID = f"-//ceplan//ceplan {__version__}//EN"

# Never change this: every UID ceplan has written depends on it.
_UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ceplan:ics")


def plan_to_ics(plan: Plan, *, programme: str | None = None) -> bytes:
    """The plan as an iCalendar file: one all-day event per item, with reminders.

    Every item becomes one all-day ``VEVENT`` from its ``start`` to its ``finish`` (``DTEND``
    is the day after ``finish``: all-day ends are exclusive in RFC 5545); an item without
    dates sits on its do-by date. The summary names the item and what it counts for; the
    description gives its id, credits or exam kind, cost, hours and do-by date.

    Each event carries a ``DISPLAY`` reminder at 09:00 UTC on the days 90, 60, 30 and 7 days
    before the item's **do-by date** (``complete_by``), not before its start. The triggers
    are absolute date-times (``TRIGGER;VALUE=DATE-TIME``), so they stay on the deadline
    even if the event is moved in the calendar. RFC 5545 requires such triggers in UTC, so
    a client shows them in local time (10:00 in Paris in winter, 04:00 in New York).
    Reminders that fall before ``plan.today`` are **skipped**: they could only go off at
    once when the file is imported, so an event may carry fewer than four.

    The output is deterministic: the same plan always gives the same bytes. ``DTSTAMP`` is
    midnight UTC of ``plan.today`` (never the clock), and each ``UID`` is a name-based UUID
    (version 5) of the tier, the item id and the certification's expiry date. The UID
    leaves out ``today`` on purpose: a plan made again later for the same certification
    gives the same item the same UID and a later ``DTSTAMP``, so importing it again updates
    the event instead of adding a second one.

    Parameters
    ----------
    plan
        A plan that was found (``plan.found``); an item-less plan gives a calendar with no
        events.
    programme
        The renewal programme's name (the catalogue's ``programme``), shown in the calendar
        name and in every description; optional.

    Returns
    -------
    bytes
        The calendar as UTF-8 text with CRLF line ends, ready to write to a ``.ics`` file.

    Raises
    ------
    PlanInputError
        If the plan holds no way to renew (``plan.found`` is false).

    Examples
    --------
    >>> import datetime as dt
    >>> import ceplan
    >>> plan = ceplan.optimise(
    ...     ceplan.load_catalog(), "associate", today=dt.date(2026, 11, 29),
    ...     expires=dt.date(2028, 6, 30), hours_per_week=2, earned=10,
    ...     exclude=["ccna-200-301", "encor-350-401"])
    >>> text = ceplan.plan_to_ics(plan).decode()
    >>> text.count("BEGIN:VEVENT") == len(plan.items) > 0
    True
    >>> text.count("BEGIN:VALARM") == 4 * len(plan.items)
    True
    """
    if not plan.found:
        raise PlanInputError(f"no calendar for a plan with status '{plan.status}': nothing to do")
    import icalendar  # here, not at the top: `import ceplan` stays quick without it

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = f"Renewal plan: {plan.tier}"
    calendar.add("x-wr-calname", f"{name} ({programme})" if programme else name)
    stamp = dt.datetime.combine(plan.today, dt.time(0, 0), tzinfo=dt.UTC)
    for item in plan.items:
        calendar.add_component(_event(plan, item, stamp, programme))
    data: bytes = calendar.to_ical()  # unannotated in icalendar 7
    return data


def item_uid(plan: Plan, item: PlannedItem) -> str:
    """The ``UID`` of an item's event: a UUID named by tier, item id and expiry date.

    Examples
    --------
    >>> import datetime as dt
    >>> from ceplan.results import Plan, PlannedItem
    >>> day = dt.date(2028, 6, 23)
    >>> plan = Plan("optimal", "associate", "GBP", dt.date(2026, 11, 29), day, day, None)
    >>> item = PlannedItem("a", "A", False, "webinar", None, 1, 0, 1, day, 0, "GBP")
    >>> item_uid(plan, item)
    'c1d51be6-533a-5be0-84a8-1cc6b761d1c9'
    """
    name = f"{plan.tier}\n{item.id}\n{plan.expires.isoformat()}"
    return str(uuid.uuid5(_UID_NAMESPACE, name))


def _event(
    plan: Plan, item: PlannedItem, stamp: dt.datetime, programme: str | None
) -> icalendar.Event:
    import icalendar

    start = item.start or item.complete_by
    finish = max(item.finish or item.complete_by, start)
    event = icalendar.Event()
    event.add("uid", item_uid(plan, item))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", finish + dt.timedelta(days=1))
    event.add("summary", _summary(plan, item))
    event.add("description", _description(plan, item, programme))
    # A dated session books its days; self-study spread over weeks should not show as busy.
    event.add("transp", "OPAQUE" if item.session is not None else "TRANSPARENT")
    for days in REMINDER_DAYS:
        day = item.complete_by - dt.timedelta(days=days)
        if day >= plan.today:
            event.add_component(_alarm(item, days, day))
    return event


def _alarm(item: PlannedItem, days: int, day: dt.date) -> icalendar.Alarm:
    import icalendar

    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{days} days left to finish {item.title} (do by {item.complete_by})")
    # icalendar writes no VALUE parameter by itself; without it the value would be read as
    # a DURATION, the default type of TRIGGER.
    when = dt.datetime.combine(day, REMINDER_TIME)
    alarm.add("trigger", when, parameters={"VALUE": "DATE-TIME"})
    return alarm


def _summary(plan: Plan, item: PlannedItem) -> str:
    if item.is_exam:
        return f"{item.title}: {item.kind} exam for the {plan.tier} renewal"
    return f"{item.title}: {_fmt_number(item.credits)} CE credits for the {plan.tier} renewal"


def _description(plan: Plan, item: PlannedItem, programme: str | None) -> str:
    cost = f"{item.cost:,.2f} {plan.currency}"
    if item.price_currency != plan.currency:
        cost += f" (listed at {item.price:,.2f} {item.price_currency})"
    lines = [
        f"Id: {item.id}",
        f"Exam: {item.kind}"
        if item.is_exam
        else f"Credits: {_fmt_number(item.credits)} ({item.type})",
        f"Cost: {cost}",
        f"Hours: {_fmt_number(item.hours)}",
        f"Do by: {item.complete_by.isoformat()}",
        f"Renews: {plan.tier} (certification expires {plan.expires.isoformat()})",
        *([f"Programme: {programme}"] if programme else []),
        f"Planned by ceplan on {plan.today.isoformat()}",
    ]
    return "\n".join(lines)
