"""Plans as iCalendar files (RFC 5545): what a person will do and when, with reminders.

:func:`plan_to_ics` builds the calendar of ``ceplan optimise --ics FILE``;
:func:`team_person_to_ics` builds one person's calendar from a team's plan, and
:func:`team_to_ics` every renewing person's. They only build bytes and write nothing.

Each planned item gives one or two all-day events (*entries*), each with a role:

- ``study``: a self-paced activity, from its planned start to its planned finish (free time);
- ``class``: an activity on a dated session, on the session's own days (busy);
- ``prep``: an exam's preparation, from its planned start to the day before the sitting, when
  the exam has preparation hours and that range holds a day (free time);
- ``sitting``: an exam's sitting day, its planned finish (busy).

Reminders lead up to planned dates and never fire after the item's planned finish (see
:func:`plan_to_ics`). A calendar has **one reminder per day**, whatever the number of items:
a short event of its own at :data:`REMINDER_TIME` (09:00) that day, carrying the calendar's
only alarm for that day, whose text says everything due, soonest first.

Why reminders are events of their own, at a floating local time:

- A person's morning is 09:00 where they are, which ceplan does not know (a manager who makes
  the team's calendars may be elsewhere). RFC 5545 requires an absolute alarm time in UTC, so
  it cannot say "09:00 local"; a *floating* date-time (no ``Z``, no ``TZID``) can: RFC 5545
  defines it as the same wall-clock time in whatever zone the calendar is shown in. Each
  reminder is an instant event at floating 09:00 with an alarm at its start
  (``TRIGGER:P0D``), so it fires at 09:00 local wherever the calendar is opened, on daylight
  saving days too. With a zone named (``timezone="Europe/London"``) the reminders are at
  09:00 in that zone (``DTSTART;TZID=...``) and the calendar holds its ``VTIMEZONE``, as
  RFC 5545 requires for each ``TZID`` (a zone equivalent to UTC is written as UTC, ``...Z``,
  which needs none).
- The other way, alarms on the all-day item events relative to their start
  (``TRIGGER:-PT15H`` for "the day before at 09:00"), fails in the calendars people use:
  Outlook keeps one alarm per event (Microsoft's MS-OXCICAL allows 0 or 1 ``VALARM``) and
  reads a trigger after the start as one before it (it keeps the absolute number of minutes),
  so a do-by reminder while an item is open could not be said; Google Calendar drops every
  alarm of an imported file. An event of its own at 09:00 works in each: Outlook turns its one
  alarm into the appointment's reminder and reads a floating time as the computer's local
  time, Apple Calendar shows floating times in the zone it is in, and Google Calendar, which
  drops the alarm, still shows the reminder at 09:00 in the calendar's zone, where its own
  default notifications go off.
- Outlook reads a ``VTIMEZONE`` as one yearly rule and the one written here lists the
  zone's changes over the reminders' days, so for Outlook the default (floating) is the safer
  choice; Apple and Google Calendar know IANA zone names.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ceplan._version import __version__
from ceplan.catalogue.models import Activity
from ceplan.errors import PlanInputError
from ceplan.inputs import show_value
from ceplan.results.plan import Plan, PlannedItem, hours_text
from ceplan.units import format_money, format_number, money_value, quantity

if TYPE_CHECKING:
    import icalendar

    from ceplan.catalogue.models import Catalog
    from ceplan.results.team import PersonOutcome, TeamItem, TeamPlan

__all__ = [
    "PRODID",
    "REMINDER_DAYS",
    "REMINDER_TIME",
    "SITTING_REMINDER_DAYS",
    "START_REMINDER_DAYS",
    "item_uid",
    "named_zone",
    "plan_to_ics",
    "reminder_uid",
    "team_person_to_ics",
    "team_to_ics",
]

REMINDER_DAYS = (90, 60, 30, 7)
"""Reminders fall this many days before an item's do-by date, while it is planned to be open."""

START_REMINDER_DAYS = (1,)
"""A reminder falls this many days before the first day of each study, class or preparation."""

SITTING_REMINDER_DAYS = (7, 1)
"""Reminders fall this many days before each exam's sitting day."""

REMINDER_TIME = dt.time(9, 0)
"""The local time of day of every reminder: 09:00 in the zone the calendar is shown in, or in
the zone named (see the module docstring)."""

PRODID = f"-//ceplan//ceplan {__version__}//EN"

_Role = Literal["study", "class", "prep", "sitting"]
"""What an event is for (see the module docstring)."""

# Never change this: every UID ceplan has written depends on it.
_UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ceplan:ics")

_DAY = dt.timedelta(days=1)

_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")
"""How an IANA time zone name is spelt (``Europe/London``, ``America/Argentina/Salta``,
``Etc/GMT+5``); anything else is refused before the time zone database is asked."""

_MAX_ZONE_NAME = 64
"""The longest time zone name taken (the longest IANA name has 32 characters)."""

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
class _Owner:
    """Whose calendar it is: what its UIDs, names and descriptions say.

    ``person`` is a team member's id (``None`` for a one-person plan): it names their UIDs, so
    two people's calendars never share one. ``name`` is who the calendar is for, said in every
    description (``For: ...``).
    """

    tier: str
    expires: dt.date
    today: dt.date
    currency: str
    programme: str | None
    person: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class _Item:
    """A planned item, and how it was paid for when a team's plan says (``paid``)."""

    planned: PlannedItem
    paid: str | None = None


@dataclass(frozen=True)
class _Entry:
    """One event of an item: what it is and its first and last days (both included)."""

    role: _Role
    first: dt.date
    last: dt.date


_Kind = Literal["study", "class", "prep", "sitting", "do_by"]
"""What a reminder's note is about: the start of a study, class or preparation, a sitting, or
the do-by date."""


@dataclass(frozen=True)
class _Note:
    """One thing a reminder says, about one item.

    ``day`` is when the reminder fires and ``about`` the day it is about; ``rank`` (item,
    entry, place in the list of reminders) orders notes about the same day. Notes of a day
    with the same ``kind``, ``when`` and ``detail`` are said together
    (``Sit exams A and B tomorrow (2027-06-21)``).
    """

    day: dt.date
    about: dt.date
    rank: tuple[int, int, int]
    kind: _Kind
    when: str
    """``tomorrow``, ``in 7 days``; for a do-by note, the days left (``90 days``)."""
    detail: str
    """The dates in brackets: the event's span, the sitting or the do-by date."""
    title: str
    is_exam: bool

    @property
    def order(self) -> tuple[dt.date, tuple[int, int, int]]:
        """Where the note comes in its day's reminder: soonest first, then the plan's order."""
        return self.about, self.rank

    @property
    def phrase(self) -> tuple[_Kind, str, str]:
        """What notes said together share."""
        return self.kind, self.when, self.detail


@dataclass(frozen=True)
class _Reminder:
    """A day's one reminder: the day, and what it says (soonest first)."""

    day: dt.date
    texts: tuple[str, ...]

    @property
    def summary(self) -> str:
        """The reminder in one line."""
        return "Reminder: " + "; ".join(self.texts)


def plan_to_ics(plan: Plan, *, programme: str | None = None, timezone: str | None = None) -> bytes:
    """The plan as an iCalendar file: what the person will do and when, with reminders.

    Events of the plan's items are all day; ``DTEND`` is the day after the last day (all-day
    ends are exclusive in RFC 5545). Each item gives:

    - a self-paced activity: one event from its planned ``start`` to its planned ``finish``,
      ``TRANSP:TRANSPARENT`` (self-study spread over weeks does not make the person busy);
    - an activity on a dated session: one event on the session's own days, ``OPAQUE`` (busy);
    - an exam: a preparation event from its ``start`` to the day before the sitting
      (``TRANSPARENT``; only when the exam has preparation hours and that range holds a day)
      and a one-day sitting event on its ``finish``, the sitting day (``OPAQUE``).

    An item without dates (a plan made without them) is placed on its do-by date, as if it
    were planned to start and finish there.

    Reminders are due on these days:

    - 1 day before the first day of a study, class or preparation event;
    - 7 days and 1 day before an exam's sitting;
    - 90, 60, 30 and 7 days before the item's do-by date (``complete_by``), only while the
      item is still planned to be open, that is on or before its planned finish.

    One that would fall after the item's planned finish or before ``plan.today`` is **left
    out** (one before today could only go off at once when the file is imported), and of two
    due on the same day for the same event only the first in the list above is kept. Then
    every day with something due gets **one** reminder: an instant event at 09:00
    (:data:`REMINDER_TIME`) that day, ``TRANSPARENT``, whose summary starts ``Reminder: ``
    and says everything due that day, soonest first (then in the plan's order), with one
    ``DISPLAY`` alarm at its start. The item events carry no alarms. 09:00 is local: a
    floating time, shown and fired at 09:00 wherever the calendar is opened, unless a
    ``timezone`` is named (see the module docstring for why).

    The summary of an item's event says what to do (``Study: ``, ``Class: ``,
    ``Prepare for exam: ``, ``Sit exam: ``), the item and what it counts for; the description
    gives its id, credits or exam kind, cost (``1,234.00 GBP``, with the listed price such as
    ``(400.00 USD)`` when its currency differs), hours, planned dates and do-by date.

    The output is deterministic: the same plan always gives the same bytes (with a zone named,
    given the same time zone database, which the ``VTIMEZONE`` is written from). ``DTSTAMP`` is
    midnight UTC of ``plan.today`` (never the clock), and each ``UID`` is a name-based UUID
    (version 5): an item's event is named by the tier, the item id, the certification's
    expiry date and, for a preparation event, its role (see :func:`item_uid`); a reminder by
    the tier, its day and the expiry date (see :func:`reminder_uid`). UIDs leave out
    ``today`` on purpose: a plan made again later for the same certification gives the same
    entry the same UID and a later ``DTSTAMP``, so importing it again updates the event
    instead of adding a second one. A reminder on a day the new plan has no reminder is not
    removed by an import.

    Parameters
    ----------
    plan
        A plan that was found (``plan.found``); an item-less plan gives a calendar with no
        events.
    programme
        The renewal programme's name (the catalogue's ``programme``), shown in the calendar
        name and in every description; optional.
    timezone
        An IANA time zone name (``"Europe/London"``): reminders are at 09:00 there, with a
        ``VTIMEZONE`` in the calendar. Default: 09:00 wherever the calendar is shown.

    Returns
    -------
    bytes
        The calendar as UTF-8 text with CRLF line ends, ready to write to a ``.ics`` file.

    Raises
    ------
    PlanInputError
        If the plan holds no way to renew (``plan.found`` is false) or ``timezone`` is not a
        time zone name the time zone database knows.

    Examples
    --------
    Two self-paced courses, both to do by 23 June 2028: two events, and one reminder for each
    of the 6 days something is due (the day before each starts; 90, 60 and 30 days before the
    do-by date, of both at once; 7 days before it, of the one still open then), each with one
    alarm, at 09:00 wherever the calendar is opened.

    >>> import datetime as dt
    >>> import ceplan
    >>> plan = ceplan.optimise(
    ...     ceplan.load_catalog(), "associate", today=dt.date(2026, 11, 29),
    ...     expires=dt.date(2028, 6, 30), hours_per_week=2, earned=10,
    ...     exclude=["ccna-200-301", "encor-350-401"])
    >>> text = ceplan.plan_to_ics(plan).decode()
    >>> text.count("SUMMARY:Study"), text.count("SUMMARY:Reminder"), text.count("BEGIN:VALARM")
    (2, 6, 6)
    >>> [line for line in text.splitlines() if line.startswith("DTSTART:")][:2]
    ['DTSTART:20280325T090000', 'DTSTART:20280408T090000']

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
    ...     if line.startswith(("DTSTART;VALUE", "DTEND", "SUMMARY:Prep", "SUMMARY:Sit")):
    ...         print(line)
    SUMMARY:Prepare for exam: Pro (professional exam for the pro renewal)
    DTSTART;VALUE=DATE:20270503
    DTEND;VALUE=DATE:20270621
    SUMMARY:Sit exam: Pro (professional exam for the pro renewal)
    DTSTART;VALUE=DATE:20270621
    DTEND;VALUE=DATE:20270622

    With a time zone named, the reminders are at 09:00 there.

    >>> text = ceplan.plan_to_ics(plan, timezone="Europe/London").decode()
    >>> [line for line in text.splitlines() if "TZID" in line][:2]
    ['TZID:Europe/London', 'DTSTART;TZID=Europe/London:20270325T090000']
    """
    if not plan.found:
        raise PlanInputError(f"no calendar for a plan with status '{plan.status}': nothing to do")
    owner = _Owner(plan.tier, plan.expires, plan.today, plan.currency, programme)
    name = f"Renewal plan: {plan.tier}"
    items = [_Item(item) for item in plan.planned]
    return _calendar(owner, name, items, named_zone(timezone))


def team_person_to_ics(
    plan: TeamPlan, person: str, catalog: Catalog, *, timezone: str | None = None
) -> bytes:
    """One person's calendar from a team's plan: their items, with the same events and reminders.

    The events and reminders follow the rules of :func:`plan_to_ics` for the person's items
    (their ``start``, ``finish`` and ``complete_by``); each description also says when the
    item is paid and what pays for it (``Paid on 2026-11-29: 250.00 GBP from CLC order
    2026-07``; nothing for a free item).
    The catalogue (the one the team was planned with) tells an activity's type, credits and
    dated sessions and an exam's kind; the programme's name comes from it. The calendar is
    named for the person (``Renewal plan: Priya Shah (professional)``). UIDs also name the
    person's id, so two people planned for the same item never share an event; ``DTSTAMP``
    is midnight UTC of the plan's ``today``: the same plan gives the same bytes.

    A person **at risk** gets no calendar: they have no plan to follow, and the reasons are
    for the manager (they name colleagues and budgets), not for a calendar sent to the
    person. A person who renews with nothing left to do gets a calendar with no events.

    Parameters
    ----------
    plan
        The team's plan (:func:`ceplan.plan_team`).
    person
        The person's id in the roster.
    catalog
        The catalogue the team was planned with.
    timezone
        As for :func:`plan_to_ics`: an IANA name for 09:00 reminders in that zone; default
        09:00 wherever the calendar is shown.

    Returns
    -------
    bytes
        The calendar, as :func:`plan_to_ics` gives it.

    Raises
    ------
    PlanInputError
        If the person is not in the plan or is at risk, an item of theirs is not in the
        catalogue, or ``timezone`` is not a time zone name.
    """
    outcome = next((o for o in plan.outcomes if o.id == person), None)
    if outcome is None:
        raise PlanInputError(f"person: no {show_value(person)} in the team plan of {plan.team}")
    if not outcome.renews:
        raise PlanInputError(
            f"person: no calendar for '{outcome.id}', who is at risk: there is no plan to follow"
        )
    return _person_calendar(plan, outcome, catalog, named_zone(timezone))


def team_to_ics(
    plan: TeamPlan, catalog: Catalog, *, timezone: str | None = None
) -> dict[str, bytes]:
    """Every renewing person's calendar from a team's plan, by person id, in the plan's order.

    Each is :func:`team_person_to_ics`'s; people at risk get none. Person ids are safe file
    names (``[a-z0-9][a-z0-9._-]*``), so ``f"{person}.ics"`` names each file.

    Raises
    ------
    PlanInputError
        If an item is not in the catalogue or ``timezone`` is not a time zone name.
    """
    zone = named_zone(timezone)
    return {
        outcome.id: _person_calendar(plan, outcome, catalog, zone)
        for outcome in plan.outcomes
        if outcome.renews
    }


def item_uid(plan: Plan, item: PlannedItem, *, preparation: bool = False) -> str:
    """The ``UID`` of an item's event: a UUID named by tier, item id and expiry date.

    The item's main event (its study, class or sitting) is named by these three alone,
    exactly as ceplan named the one event it wrote per item before preparation got an event
    of its own, so importing a new calendar over an older one moves those events instead of
    doubling them. A preparation event (``preparation=True``) adds its role, ``prep``, to the
    name, so an exam's two events differ. (A team person's events add their id first.)

    Examples
    --------
    >>> import datetime as dt
    >>> from ceplan.results.plan import Plan, PlannedItem, hours_text
    >>> day = dt.date(2028, 6, 23)
    >>> plan = Plan("optimal", "associate", "GBP", dt.date(2026, 11, 29), day, day, None)
    >>> item = PlannedItem("a", "A", False, "webinar", None, 1, 0, 1, day, 0, "GBP")
    >>> item_uid(plan, item)
    'c1d51be6-533a-5be0-84a8-1cc6b761d1c9'
    >>> item_uid(plan, item, preparation=True) != item_uid(plan, item)
    True
    """
    owner = _Owner(plan.tier, plan.expires, plan.today, plan.currency, None)
    return _item_uid(owner, item, preparation=preparation)


def reminder_uid(plan: Plan, day: dt.date) -> str:
    """The ``UID`` of the reminder on ``day``: a UUID named by tier, the day and expiry date.

    A plan made again later keeps the reminders of the days it still reminds on.

    Examples
    --------
    >>> import datetime as dt
    >>> from ceplan.results.plan import Plan
    >>> day = dt.date(2028, 6, 23)
    >>> plan = Plan("optimal", "associate", "GBP", dt.date(2026, 11, 29), day, day, None)
    >>> reminder_uid(plan, dt.date(2027, 1, 3))
    '6895e1a4-5579-5390-bdbd-0fdd4aa0069b'
    """
    owner = _Owner(plan.tier, plan.expires, plan.today, plan.currency, None)
    return _reminder_uid(owner, day)


def named_zone(timezone: str | None) -> zoneinfo.ZoneInfo | None:
    """The time zone a calendar's ``timezone`` names (``None`` when none is), or a one-line error.

    The one check of a ``timezone`` argument: the calendars call it, and a command line can
    call it to refuse a bad name before planning. A name is an IANA time zone name that the
    time zone database installed knows (``zoneinfo``: the system's, or the ``tzdata``
    package's).

    Raises
    ------
    PlanInputError
        Naming ``timezone``, when it is not such a name.

    Examples
    --------
    >>> named_zone("Europe/London").key, named_zone(None)
    ('Europe/London', None)
    >>> named_zone("Europe/Londn")
    Traceback (most recent call last):
    ceplan.errors.PlanInputError: timezone: unknown time zone 'Europe/Londn' (give an IANA name such as 'Europe/London')
    """  # noqa: E501
    if timezone is None:
        return None
    hint = "(give an IANA name such as 'Europe/London')"
    if (
        not isinstance(timezone, str)
        or len(timezone) > _MAX_ZONE_NAME
        or not _ZONE_NAME.fullmatch(timezone)
    ):
        raise PlanInputError(f"timezone: {show_value(timezone)} is not a time zone name {hint}")
    try:
        return zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise PlanInputError(f"timezone: unknown time zone '{timezone}' {hint}") from None


def _person_calendar(
    plan: TeamPlan, outcome: PersonOutcome, catalog: Catalog, zone: zoneinfo.ZoneInfo | None
) -> bytes:
    """A renewing person's calendar (see :func:`team_person_to_ics`)."""
    owner = _Owner(
        outcome.tiers,
        outcome.expires,
        plan.today,
        plan.currency,
        catalog.programme,
        person=outcome.id,
        name=outcome.name,
    )
    items = [_team_item(owner, item, catalog) for item in outcome.items if item.kind != "fee"]
    return _calendar(owner, f"Renewal plan: {outcome.name} ({outcome.tiers})", items, zone)


def _team_item(owner: _Owner, item: TeamItem, catalog: Catalog) -> _Item:
    """A team person's item as a planned item, with how it is paid for."""
    if not catalog.has(item.id):
        raise PlanInputError(
            f"catalog: no item '{item.id}' (planned for '{item.person}'): give the catalogue "
            "the team was planned with"
        )
    source = catalog.item(item.id)
    session = None
    if isinstance(source, Activity):
        session = next(
            (
                number
                for number, dates in enumerate(source.sessions)
                if (dates.start, dates.end) == (item.start, item.finish)
            ),
            None,
        )
    planned = PlannedItem(
        id=item.id,
        title=item.title,
        is_exam=not isinstance(source, Activity),
        type=source.type if isinstance(source, Activity) else "exam",
        kind=None if isinstance(source, Activity) else source.kind,
        credits=source.credits if isinstance(source, Activity) else 0,
        cost=item.cost,
        hours=item.hours,
        hours_given=item.hours_given,
        complete_by=item.complete_by,
        price=source.cost,
        price_currency=source.currency or catalog.currency,
        start=item.start,
        finish=item.finish,
        session=session,
    )
    return _Item(planned, _paid_text(owner, item))


def _paid_text(owner: _Owner, item: TeamItem) -> str | None:
    """When the item is paid and from what, with the amounts (``None`` for a free item).

    The out-of-pocket part is named by its budget period (``out of pocket`` when the team has
    no budgets), then each fund's part.
    """
    if not item.cents:
        return None
    parts = [
        f"{format_money(money_value(cents), owner.currency)} from {fund}"
        for fund, cents in item.fund_cents
    ]
    if item.out_of_pocket_cents:
        own = format_money(item.out_of_pocket, owner.currency)
        parts.insert(0, f"{own} from {item.period}" if item.period else f"{own} out of pocket")
    return f"Paid on {item.paid_on.isoformat()}: {', '.join(parts)}"


def _calendar(
    owner: _Owner, name: str, items: Sequence[_Item], zone: zoneinfo.ZoneInfo | None
) -> bytes:
    """The calendar: the items' events, then one reminder event a day."""
    import icalendar  # here, not at the top: `import ceplan` stays quick without it

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{name} ({owner.programme})" if owner.programme else name)
    stamp = dt.datetime.combine(owner.today, dt.time(0, 0), tzinfo=dt.UTC)
    for item in items:
        for entry in _entries(item.planned):
            calendar.add_component(_event(owner, item, entry, stamp))
    reminders = _reminders(owner, [item.planned for item in items])
    for reminder in reminders:
        calendar.add_component(_reminder_event(owner, reminder, stamp, zone))
    if zone is not None and reminders:
        # A VTIMEZONE for the days the reminders fall on (none for UTC, written with Z).
        calendar.add_missing_timezones(reminders[0].day, reminders[-1].day + _DAY)
    data: bytes = calendar.to_ical()  # unannotated in icalendar 7
    return data


def _item_uid(owner: _Owner, item: PlannedItem, *, preparation: bool) -> str:
    name = f"{owner.tier}\n{item.id}\n{owner.expires.isoformat()}"
    if preparation:
        name += "\nprep"
    return _uid(owner, name)


def _reminder_uid(owner: _Owner, day: dt.date) -> str:
    return _uid(owner, f"{owner.tier}\nreminder\n{day.isoformat()}\n{owner.expires.isoformat()}")


def _uid(owner: _Owner, name: str) -> str:
    """A UUID named by ``name``, and by the team person's id when there is one."""
    if owner.person is not None:
        name = f"person\n{owner.person}\n{name}"
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


def _reminders(owner: _Owner, items: Sequence[PlannedItem]) -> list[_Reminder]:
    """One reminder for each day something is due, in time order (see :func:`_say`)."""
    by_day: dict[dt.date, list[_Note]] = {}
    for number, item in enumerate(items):
        for place, entry in enumerate(_entries(item)):
            for note in _notes(owner, item, entry, number, place):
                by_day.setdefault(note.day, []).append(note)
    return [_Reminder(day, _say(notes)) for day, notes in sorted(by_day.items())]


def _notes(owner: _Owner, item: PlannedItem, entry: _Entry, number: int, place: int) -> list[_Note]:
    """What the entry's reminders say, by day: none before today or after the item's finish.

    Of two on the same day, the first wanted is kept: start or sitting before do-by.
    """
    _, finish = _planned_dates(item)
    kind: _Kind = entry.role
    lead: tuple[int, ...]
    if entry.role == "sitting":
        detail = entry.first.isoformat()
        lead = SITTING_REMINDER_DAYS
    elif entry.role == "prep":
        detail = f"sitting {entry.last + _DAY}"
        lead = START_REMINDER_DAYS
    else:
        detail = _span(entry.first, entry.last)
        lead = START_REMINDER_DAYS
    wanted = [(entry.first - days * _DAY, entry.first, kind, _when(days), detail) for days in lead]
    if entry.role != "prep":
        do_by = f"do by {item.complete_by}"
        wanted += [
            (
                item.complete_by - days * _DAY,
                item.complete_by,
                "do_by",
                quantity(days, "day"),
                do_by,
            )
            for days in REMINDER_DAYS
        ]
    kept: dict[dt.date, _Note] = {}
    for order, (day, about, what, when, words) in enumerate(wanted):
        if owner.today <= day <= finish and day not in kept:
            rank = (number, place, order)
            kept[day] = _Note(day, about, rank, what, when, words, item.title, item.is_exam)
    return list(kept.values())


def _say(notes: Sequence[_Note]) -> tuple[str, ...]:
    """What a day's reminder says: one sentence per phrase, soonest first.

    >>> def note(title, kind, when, about, rank):
    ...     day, about = dt.date(2027, 6, 20), dt.date(2027, 6, about)
    ...     words = f"do by {about}" if kind == "do_by" else about.isoformat()
    ...     return _Note(day, about, (rank, 0, 0), kind, when, words, title, kind == "sitting")
    >>> _say([note("A", "sitting", "tomorrow", 21, 0), note("B", "sitting", "tomorrow", 21, 1)])
    ('Sit exams A and B tomorrow (2027-06-21)',)
    >>> _say([note("C", "do_by", "7 days", 27, 0), note("A", "sitting", "tomorrow", 21, 1),
    ...       note("D", "do_by", "7 days", 27, 2)])
    ('Sit exam A tomorrow (2027-06-21)', '7 days left to finish C and D (do by 2027-06-27)')
    >>> from dataclasses import replace
    >>> _say([note("C", "do_by", "7 days", 27, 0), note("D", "do_by", "7 days", 27, 1),
    ...       replace(note("E", "do_by", "7 days", 27, 2), is_exam=True)])
    ('7 days left to finish C and D, and sit exam E (do by 2027-06-27)',)
    """
    together: dict[tuple[_Kind, str, str], list[_Note]] = {}
    for note in sorted(notes, key=lambda note: note.order):
        together.setdefault(note.phrase, []).append(note)
    return tuple(_sentence(group) for group in together.values())


def _sentence(notes: Sequence[_Note]) -> str:
    """Notes of one phrase in one sentence, their items in order."""
    first, several = notes[0], len(notes) > 1
    titles = _and([note.title for note in notes])
    if first.kind == "study":
        return f"Start studying {titles} {first.when} ({first.detail})"
    if first.kind == "class":
        starts = "start" if several else "starts"
        return f"{_plural('Class', several)} {titles} {starts} {first.when} ({first.detail})"
    exam = _plural("exam", several)
    if first.kind == "prep":
        return f"Start preparing for {exam} {titles} {first.when} ({first.detail})"
    if first.kind == "sitting":
        return f"Sit {exam} {titles} {first.when} ({first.detail})"
    finish = [note.title for note in notes if not note.is_exam]
    sit = [note.title for note in notes if note.is_exam]
    tasks = [
        *([f"finish {_and(finish)}"] if finish else []),
        *([f"sit {_plural('exam', len(sit) > 1)} {_and(sit)}"] if sit else []),
    ]
    # "finish A and B, and sit exam C": a comma where a list would run on.
    joint = ", and " if len(tasks) > 1 and len(notes) > len(tasks) else " and "
    return f"{first.when} left to {joint.join(tasks)} ({first.detail})"


def _and(words: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _plural(word: str, several: bool) -> str:
    if not several:
        return word
    return f"{word}es" if word.endswith("s") else f"{word}s"


def _when(days: int) -> str:
    return "tomorrow" if days == 1 else f"in {days} days"


def _span(first: dt.date, last: dt.date) -> str:
    return first.isoformat() if first == last else f"{first} to {last}"


def _event(owner: _Owner, item: _Item, entry: _Entry, stamp: dt.datetime) -> icalendar.Event:
    import icalendar

    planned = item.planned
    event = icalendar.Event()
    event.add("uid", _item_uid(owner, planned, preparation=entry.role == "prep"))
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.first)
    event.add("dtend", entry.last + _DAY)
    event.add("summary", _summary(owner, planned, entry))
    event.add("description", _description(owner, item))
    # A class or an exam sitting books its days; self-study spread over weeks is not busy.
    event.add("transp", "OPAQUE" if entry.role in ("class", "sitting") else "TRANSPARENT")
    return event


def _reminder_event(
    owner: _Owner, reminder: _Reminder, stamp: dt.datetime, zone: zoneinfo.ZoneInfo | None
) -> icalendar.Event:
    """The day's reminder: an instant at 09:00 local (floating, or in ``zone``), one alarm."""
    import icalendar

    event = icalendar.Event()
    event.add("uid", _reminder_uid(owner, reminder.day))
    event.add("dtstamp", stamp)
    # No DTEND: an event whose DATE-TIME start is its end (RFC 5545 3.6.1).
    event.add("dtstart", dt.datetime.combine(reminder.day, REMINDER_TIME, tzinfo=zone))
    event.add("summary", reminder.summary)
    event.add("description", "\n".join([*reminder.texts, "", *_footer(owner)]))
    event.add("transp", "TRANSPARENT")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", reminder.summary)
    alarm.add("trigger", dt.timedelta(0))  # at the event's start
    event.add_component(alarm)
    return event


def _summary(owner: _Owner, item: PlannedItem, entry: _Entry) -> str:
    if item.is_exam:
        counts = f"{item.kind} exam"
    else:
        counts = f"{quantity(item.credits, 'CE credit')}"
    return f"{_ACTIONS[entry.role]}: {item.title} ({counts} for the {owner.tier} renewal)"


def _description(owner: _Owner, item: _Item) -> str:
    planned = item.planned
    lines = [
        f"Id: {planned.id}",
        f"Exam: {planned.kind}"
        if planned.is_exam
        else f"Credits: {format_number(planned.credits)} ({planned.type})",
        f"Cost: {planned.cost_text(owner.currency)}",
        *([item.paid] if item.paid else []),
        f"Hours: {hours_text([planned])}",
        *(
            f"{_LABELS[entry.role]}: {_span(entry.first, entry.last)}"
            for entry in _entries(planned)
        ),
        f"Do by: {planned.complete_by.isoformat()}",
        *_footer(owner),
    ]
    return "\n".join(lines)


def _footer(owner: _Owner) -> list[str]:
    """The lines that end every description: for whom, what it renews, when it was planned."""
    return [
        *([f"For: {owner.name}"] if owner.name else []),
        f"Renews: {owner.tier} (certification expires {owner.expires.isoformat()})",
        *([f"Programme: {owner.programme}"] if owner.programme else []),
        f"Planned by ceplan on {owner.today.isoformat()}",
    ]
