"""Plans as iCalendar files (RFC 5545): what the person will do and when, with reminders.

:func:`plan_to_ics` builds the calendar of ``ceplan optimise --ics FILE``; it only builds bytes
and writes nothing.

Each planned item gives one or two all-day events (*entries*), each with a role:

- ``study``: a self-paced activity, from its planned start to its planned finish (free time);
- ``class``: an activity on a dated session, on the session's own days (busy);
- ``prep``: an exam's preparation, from its planned start to the day before the sitting, when
  the exam has preparation hours and that range holds a day (free time);
- ``sitting``: an exam's sitting day, its planned finish (busy).

Reminders lead up to planned dates and never fire after the item's planned finish: see
:func:`plan_to_ics`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ceplan._version import __version__
from ceplan.errors import PlanInputError
from ceplan.results.plan import Plan, PlannedItem
from ceplan.units import format_number, quantity

if TYPE_CHECKING:
    import icalendar

__all__ = [
    "PRODID",
    "REMINDER_DAYS",
    "REMINDER_TIME",
    "SITTING_REMINDER_DAYS",
    "START_REMINDER_DAYS",
    "item_uid",
    "plan_to_ics",
]

REMINDER_DAYS = (90, 60, 30, 7)
"""Reminders fall this many days before an item's do-by date, while it is planned to be open."""

START_REMINDER_DAYS = (1,)
"""A reminder falls this many days before the first day of each study, class or preparation."""

SITTING_REMINDER_DAYS = (7, 1)
"""Reminders fall this many days before each exam's sitting day."""

REMINDER_TIME = dt.time(9, 0, tzinfo=dt.UTC)
"""The time of day of every reminder (RFC 5545 wants absolute triggers in UTC)."""

PRODID = f"-//ceplan//ceplan {__version__}//EN"

_Role = Literal["study", "class", "prep", "sitting"]
"""What an event is for (see the module docstring)."""

# Never change this: every UID ceplan has written depends on it.
_UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ceplan:ics")

_DAY = dt.timedelta(days=1)

_ACTIONS: dict[_Role, str] = {
    "study": "Study",
    "class": "Class",
    "prep": "Prepare for exam",
    "sitting": "Sit exam",
}
"""How each role's summary starts: what to do."""

_LABELS: dict[_Role, str] = {
    "study": "Study",
    "class": "Class",
    "prep": "Preparation",
    "sitting": "Sitting",
}
"""How each role's days are named in the descriptions."""


@dataclass(frozen=True)
class _Entry:
    """One event of an item: what it is and its first and last days (both included)."""

    role: _Role
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class _Reminder:
    """One alarm: the day it fires (at :data:`REMINDER_TIME`) and what it says."""

    day: dt.date
    text: str


def plan_to_ics(plan: Plan, *, programme: str | None = None) -> bytes:
    """The plan as an iCalendar file: what the person will do and when, with reminders.

    Events are all day; ``DTEND`` is the day after the last day (all-day ends are exclusive
    in RFC 5545). Each item gives:

    - a self-paced activity: one event from its planned ``start`` to its planned ``finish``,
      ``TRANSP:TRANSPARENT`` (self-study spread over weeks does not make the person busy);
    - an activity on a dated session: one event on the session's own days, ``OPAQUE`` (busy);
    - an exam: a preparation event from its ``start`` to the day before the sitting
      (``TRANSPARENT``; only when the exam has preparation hours and that range holds a day)
      and a one-day sitting event on its ``finish``, the sitting day (``OPAQUE``).

    An item without dates (a plan made without them) is placed on its do-by date, as if it
    were planned to start and finish there.

    Each event carries ``DISPLAY`` reminders, at 09:00 UTC on these days:

    - 1 day before the first day of a study, class or preparation event;
    - 7 days and 1 day before an exam's sitting (on the sitting event);
    - 90, 60, 30 and 7 days before the item's do-by date (``complete_by``), only while the
      item is still planned to be open, that is on or before its planned finish (on the
      study, class or sitting event).

    A reminder that would fall after the item's planned finish or before ``plan.today`` is
    **left out** (one before today could only go off at once when the file is imported), and
    of two reminders of one event on the same day only the first in the list above is kept,
    so an event may carry none. The triggers are absolute date-times
    (``TRIGGER;VALUE=DATE-TIME``), so they stay on the planned dates even if the event is
    moved in the calendar. RFC 5545 requires such triggers in UTC, so a client shows them in
    local time (10:00 in Paris in winter, 04:00 in New York).

    The summary says what to do (``Study: ``, ``Class: ``, ``Prepare for exam: ``,
    ``Sit exam: ``), the item and what it counts for; the description gives its id, credits
    or exam kind, cost (``1,234.00 GBP``, with the listed price such as ``(400.00 USD)``
    when its currency differs), hours, planned dates and do-by date.

    The output is deterministic: the same plan always gives the same bytes. ``DTSTAMP`` is
    midnight UTC of ``plan.today`` (never the clock), and each ``UID`` is a name-based UUID
    (version 5) of the tier, the item id, the certification's expiry date and, for a
    preparation event, its role (see :func:`item_uid`). The UID leaves out ``today`` on
    purpose: a plan made again later for the same certification gives the same entry the
    same UID and a later ``DTSTAMP``, so importing it again updates the event instead of
    adding a second one.

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
    Two self-paced courses: two events; the first gets a reminder before its start and
    three do-by reminders (the 7-day one would fall after it is planned to be done), the
    second one before its start and all four.

    >>> import datetime as dt
    >>> import ceplan
    >>> plan = ceplan.optimise(
    ...     ceplan.load_catalog(), "associate", today=dt.date(2026, 11, 29),
    ...     expires=dt.date(2028, 6, 30), hours_per_week=2, earned=10,
    ...     exclude=["ccna-200-301", "encor-350-401"])
    >>> text = ceplan.plan_to_ics(plan).decode()
    >>> text.count("BEGIN:VEVENT"), text.count("BEGIN:VALARM")
    (2, 9)

    An exam with preparation hours: its preparation and its sitting are two events.

    >>> from ceplan.results.plan import PlannedItem
    >>> exam = PlannedItem(
    ...     id="pro", title="Pro", is_exam=True, type="exam", kind="professional", credits=0,
    ...     cost=300, hours=20, complete_by=dt.date(2027, 6, 23), price=300,
    ...     price_currency="GBP", start=dt.date(2027, 5, 3), finish=dt.date(2027, 6, 21))
    >>> plan = ceplan.Plan(
    ...     "optimal", "pro", "GBP", dt.date(2026, 11, 29), dt.date(2027, 6, 30),
    ...     dt.date(2027, 6, 23), None, (exam,))
    >>> for line in ceplan.plan_to_ics(plan).decode().splitlines():
    ...     if line.startswith(("DTSTART", "DTEND", "SUMMARY", "TRANSP")):
    ...         print(line)
    SUMMARY:Prepare for exam: Pro (professional exam for the pro renewal)
    DTSTART;VALUE=DATE:20270503
    DTEND;VALUE=DATE:20270621
    TRANSP:TRANSPARENT
    SUMMARY:Sit exam: Pro (professional exam for the pro renewal)
    DTSTART;VALUE=DATE:20270621
    DTEND;VALUE=DATE:20270622
    TRANSP:OPAQUE
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
    for item in plan.planned:
        for entry in _entries(item):
            calendar.add_component(_event(plan, item, entry, stamp, programme))
    data: bytes = calendar.to_ical()  # unannotated in icalendar 7
    return data


def item_uid(plan: Plan, item: PlannedItem, *, preparation: bool = False) -> str:
    """The ``UID`` of an item's event: a UUID named by tier, item id and expiry date.

    The item's main event (its study, class or sitting) is named by these three alone,
    exactly as ceplan named the one event it wrote per item before preparation got an event
    of its own, so importing a new calendar over an older one moves those events instead of
    doubling them. A preparation event (``preparation=True``) adds its role, ``prep``, to the
    name, so an exam's two events differ.

    Examples
    --------
    >>> import datetime as dt
    >>> from ceplan.results.plan import Plan, PlannedItem
    >>> day = dt.date(2028, 6, 23)
    >>> plan = Plan("optimal", "associate", "GBP", dt.date(2026, 11, 29), day, day, None)
    >>> item = PlannedItem("a", "A", False, "webinar", None, 1, 0, 1, day, 0, "GBP")
    >>> item_uid(plan, item)
    'c1d51be6-533a-5be0-84a8-1cc6b761d1c9'
    >>> item_uid(plan, item, preparation=True) != item_uid(plan, item)
    True
    """
    name = f"{plan.tier}\n{item.id}\n{plan.expires.isoformat()}"
    if preparation:
        name += "\nprep"
    return str(uuid.uuid5(_UID_NAMESPACE, name))


def _planned_dates(item: PlannedItem) -> tuple[dt.date, dt.date]:
    """The item's planned start and finish; an item without dates sits on its do-by date."""
    finish = item.finish or item.complete_by
    return min(item.start or finish, finish), finish


def _entries(item: PlannedItem) -> list[_Entry]:
    """The item's events in time order (see the module docstring for the rules)."""
    start, finish = _planned_dates(item)
    if not item.is_exam:
        return [_Entry("class" if item.session is not None else "study", start, finish)]
    sitting = _Entry("sitting", finish, finish)
    if item.hours > 0 and start < finish:
        return [_Entry("prep", start, finish - _DAY), sitting]
    return [sitting]


def _reminders(plan: Plan, item: PlannedItem, entry: _Entry) -> list[_Reminder]:
    """The entry's reminders, by day: none before ``plan.today`` or after the item's finish.

    Of two on the same day, the first wanted is kept: start or sitting before do-by.
    """
    _, finish = _planned_dates(item)
    if entry.role == "sitting":
        wanted = [
            _Reminder(entry.first - days * _DAY, _sitting_text(item, entry, days))
            for days in SITTING_REMINDER_DAYS
        ]
    else:
        wanted = [
            _Reminder(entry.first - days * _DAY, _start_text(item, entry, days))
            for days in START_REMINDER_DAYS
        ]
    if entry.role != "prep":
        wanted += [
            _Reminder(item.complete_by - days * _DAY, _do_by_text(item, days))
            for days in REMINDER_DAYS
        ]
    kept: dict[dt.date, _Reminder] = {}
    for reminder in wanted:
        if plan.today <= reminder.day <= finish:
            kept.setdefault(reminder.day, reminder)
    return [kept[day] for day in sorted(kept)]


def _start_text(item: PlannedItem, entry: _Entry, days: int) -> str:
    when = _when(days)
    if entry.role == "class":
        return f"{when}: class {item.title} ({_span(entry.first, entry.last)})"
    if entry.role == "prep":
        return f"{when}: start preparing for exam {item.title} (sitting {entry.last + _DAY})"
    return f"{when}: start studying {item.title} ({_span(entry.first, entry.last)})"


def _sitting_text(item: PlannedItem, entry: _Entry, days: int) -> str:
    return f"{_when(days)}: sit exam {item.title} ({entry.first})"


def _do_by_text(item: PlannedItem, days: int) -> str:
    task = f"sit exam {item.title}" if item.is_exam else f"finish {item.title}"
    return f"{days} days left to {task} (do by {item.complete_by})"


def _when(days: int) -> str:
    return "Tomorrow" if days == 1 else f"In {days} days"


def _span(first: dt.date, last: dt.date) -> str:
    return first.isoformat() if first == last else f"{first} to {last}"


def _event(
    plan: Plan, item: PlannedItem, entry: _Entry, stamp: dt.datetime, programme: str | None
) -> icalendar.Event:
    import icalendar

    event = icalendar.Event()
    event.add("uid", item_uid(plan, item, preparation=entry.role == "prep"))
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.first)
    event.add("dtend", entry.last + _DAY)
    event.add("summary", _summary(plan, item, entry))
    event.add("description", _description(plan, item, programme))
    # A class or an exam sitting books its days; self-study spread over weeks is not busy.
    event.add("transp", "OPAQUE" if entry.role in ("class", "sitting") else "TRANSPARENT")
    for reminder in _reminders(plan, item, entry):
        event.add_component(_alarm(reminder))
    return event


def _alarm(reminder: _Reminder) -> icalendar.Alarm:
    import icalendar

    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", reminder.text)
    # icalendar writes no VALUE parameter by itself; without it the value would be read as
    # a DURATION, the default type of TRIGGER.
    when = dt.datetime.combine(reminder.day, REMINDER_TIME)
    alarm.add("trigger", when, parameters={"VALUE": "DATE-TIME"})
    return alarm


def _summary(plan: Plan, item: PlannedItem, entry: _Entry) -> str:
    if item.is_exam:
        counts = f"{item.kind} exam"
    else:
        counts = f"{quantity(item.credits, 'CE credit')}"
    return f"{_ACTIONS[entry.role]}: {item.title} ({counts} for the {plan.tier} renewal)"


def _description(plan: Plan, item: PlannedItem, programme: str | None) -> str:
    cost = item.cost_text(plan.currency)
    entries = _entries(item)
    lines = [
        f"Id: {item.id}",
        f"Exam: {item.kind}"
        if item.is_exam
        else f"Credits: {format_number(item.credits)} ({item.type})",
        f"Cost: {cost}",
        f"Hours: {format_number(item.hours)}",
        *(f"{_LABELS[entry.role]}: {_span(entry.first, entry.last)}" for entry in entries),
        f"Do by: {item.complete_by.isoformat()}",
        f"Renews: {plan.tier} (certification expires {plan.expires.isoformat()})",
        *([f"Programme: {programme}"] if programme else []),
        f"Planned by ceplan on {plan.today.isoformat()}",
    ]
    return "\n".join(lines)
