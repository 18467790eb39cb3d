"""Calendar export (SPEC sections 6 and 7): ``plan_to_ics``, the team's ``team_person_to_ics``
and ``team_to_ics``, and ``ceplan optimise --ics FILE``.

Every calendar is parsed back with ``icalendar`` and checked by :func:`check_calendar` against
the plan it came from, with the rules ceplan documents written out again here:

- a self-paced activity is one free (``TRANSPARENT``) all-day event from its planned start to
  its planned finish; a dated session is one busy (``OPAQUE``) event on its own days;
- an exam is a free preparation event from its start to the day before its sitting (only with
  preparation hours and at least one such day) and a separate busy one-day sitting event;
- every event lies within its item's planned dates, and an exam's preparation ends before its
  sitting;
- the item events carry no alarm. A day is reminded on when any of these falls on it, on or
  after ``plan.today`` and never after the item's planned finish: 1 day before each study,
  class or preparation starts, 7 days and 1 day before each sitting, and 90, 60, 30 and 7 days
  before the do-by date while the item is planned to be open;
- each such day has exactly one reminder in the whole calendar, whatever the number of items:
  an event of its own, free, with exactly one alarm at its start, at 09:00 local time (a
  floating time, or 09:00 in the zone named, whose ``VTIMEZONE`` the calendar then holds), that
  names every item due that day and no other.

The checker is run on plans from ``ceplan.optimise`` (weekly hours, dated sessions, exams with
and without preparation), on hand-built plans drawn by hypothesis and on every renewing
person of team plans; a test breaks calendars on purpose to show that it catches each rule
being broken.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.catalogue.loading import bundled_catalog_path
from ceplan.cli.main import main
from ceplan.rendering.ics import (
    REMINDER_DAYS,
    REMINDER_TIME,
    SITTING_REMINDER_DAYS,
    START_REMINDER_DAYS,
    item_uid,
    named_zone,
    reminder_uid,
    team_person_to_ics,
    team_to_ics,
)
from tests.conftest import examples, make_catalog

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 29)
EXPIRES = dt.date(2028, 6, 30)
DAY = dt.timedelta(days=1)
NINE = dt.time(9, 0)
NOBODY = 65534
ASSOCIATE_ARGS = [
    "optimise",
    "--tier",
    "associate",
    "--today",
    TODAY.isoformat(),
    "--expires",
    EXPIRES.isoformat(),
    "--hours-per-week",
    "2",
    "--exclude",
    "ccna-200-301",
    "--exclude",
    "encor-350-401",
    "--earned",
    "10",
]
ROLES = {
    "Study: ": "study",
    "Class: ": "class",
    "Prepare for exam: ": "prep",
    "Sit exam: ": "sitting",
}
REMINDER = "Reminder: "
NAMES = ("Alpha", "Bravo", "Charlie", "Delta")
"""Titles for hand-built items: none is part of another, so a reminder's text shows which
items it names."""


# -- plans --------------------------------------------------------------------------------------


def planned(plan: ceplan.Plan) -> tuple[ceplan.PlannedItem, ...]:
    return plan.planned


def associate_plan(**change: Any) -> ceplan.Plan:
    """The bundled catalogue's associate plan, scheduled at 2 study hours a week."""
    inputs: dict[str, Any] = {
        "today": TODAY,
        "expires": EXPIRES,
        "hours_per_week": 2,
        "exclude": ["ccna-200-301", "encor-350-401"],
        "earned": 10,
    }
    inputs.update(change)
    return ceplan.optimise(ceplan.load_catalog(), "associate", **inputs)


@pytest.fixture(scope="module")
def plan() -> ceplan.Plan:
    made = associate_plan()
    assert made.found and planned(made), made.reasons
    assert made.hours_per_week == 2
    return made


def mixed_catalog(exam_hours: float = 10) -> ceplan.Catalog:
    """40 credits and a professional exam: a class on 1-5 February 2027, a course, an exam.

    Only the class and the course together give 40 credits, and only one exam is listed, so
    every plan takes all three.
    """
    return make_catalog(
        paths=[{"credits": 40, "exams": {"professional": 1}}],
        activities=[
            {
                "id": "ilt",
                "title": "Instructor-led class",
                "type": "instructor-led",
                "credits": 24,
                "cost": 500,
                "hours": 40,
                "sessions": [{"start": dt.date(2027, 2, 1), "end": dt.date(2027, 2, 5)}],
            },
            {
                "id": "course",
                "title": "Online course",
                "type": "online-course",
                "credits": 16,
                "cost": 100,
                "hours": 12,
            },
        ],
        exams=[
            {
                "id": "pro-exam",
                "title": "Professional exam",
                "kind": "professional",
                "cost": 300,
                "currency": "USD",
                "hours": exam_hours,
            }
        ],
        exchange_rates={"USD": 0.5},
        rates_as_of=TODAY,
    )


def mixed_plan(
    hours_per_week: float | None = 3, exam_hours: float = 10, **change: Any
) -> ceplan.Plan:
    inputs: dict[str, Any] = {
        "today": TODAY,
        "expires": dt.date(2027, 6, 30),
        "hours_per_week": hours_per_week,
    }
    inputs.update(change)
    made = ceplan.optimise(mixed_catalog(exam_hours), "pro", **inputs)
    assert made.found, made.reasons
    assert {item.id for item in planned(made)} == {"ilt", "course", "pro-exam"}
    return made


@pytest.fixture(scope="module")
def mixed() -> ceplan.Plan:
    """A class, a course and an exam prepared over a few weeks, at 3 study hours a week."""
    return mixed_plan(3)


def item(**fields: Any) -> ceplan.PlannedItem:
    values: dict[str, Any] = {
        "id": "rev-up",
        "title": "Rev Up",
        "is_exam": False,
        "type": "webinar",
        "kind": None,
        "credits": 3,
        "cost": 0.0,
        "hours": 1.5,
        "complete_by": dt.date(2027, 6, 23),
        "price": 0.0,
        "price_currency": "GBP",
        "start": dt.date(2027, 1, 4),
        "finish": dt.date(2027, 1, 10),
    }
    values.update(fields)
    return ceplan.PlannedItem(**values)


def exam_item(**fields: Any) -> ceplan.PlannedItem:
    values: dict[str, Any] = {
        "id": "pro-exam",
        "title": "Pro exam",
        "is_exam": True,
        "type": "exam",
        "kind": "professional",
        "credits": 0,
        "cost": 300.0,
        "hours": 20,
        "price": 300.0,
        "start": dt.date(2027, 5, 3),
        "finish": dt.date(2027, 6, 21),
    }
    values.update(fields)
    return item(**values)


def hand_plan(*items: ceplan.PlannedItem, **fields: Any) -> ceplan.Plan:
    values: dict[str, Any] = {
        "status": "optimal",
        "tier": "pro",
        "currency": "GBP",
        "today": TODAY,
        "expires": dt.date(2027, 6, 30),
        "complete_by": dt.date(2027, 6, 23),
        "path": None,
        "planned": items,
    }
    values.update(fields)
    return ceplan.Plan(**values)


# -- reading a calendar back --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One item's event as read back: its item, role, days (last included), busy or not."""

    item_id: str
    role: str
    first: dt.date
    last: dt.date
    busy: bool
    uid: str


@dataclass(frozen=True)
class Reminder:
    """One reminder event as read back: its start as written (naive when floating), when its
    alarm fires, and what it says."""

    day: dt.date
    start: dt.datetime
    fires: dt.datetime
    text: str
    description: str
    uid: str


@dataclass(frozen=True)
class Read:
    """A calendar as read back: its item events, its reminders, its time zones' ids."""

    entries: list[Entry]
    reminders: list[Reminder]
    zones: list[str]
    calendar: icalendar.Calendar


def events(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def item_events(data: bytes) -> list[icalendar.Event]:
    return [event for event in events(data) if not str(event["SUMMARY"]).startswith(REMINDER)]


def read_calendar(data: bytes) -> Read:
    """Every event of the calendar, checking what each must hold whatever its item or day."""
    calendar = icalendar.Calendar.from_ical(data)
    entries, reminders = [], []
    for event in calendar.walk("VEVENT"):
        summary = str(event["SUMMARY"])
        alarms = list(event.walk("VALARM"))
        assert str(event["TRANSP"]) in ("OPAQUE", "TRANSPARENT")
        if summary.startswith(REMINDER):
            assert len(alarms) == 1, alarms  # one alarm: Outlook keeps no more
            (alarm,) = alarms
            assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"]) == summary
            trigger = alarm["TRIGGER"]
            assert isinstance(trigger.dt, dt.timedelta)  # relative to the start, not absolute
            assert trigger.params.get("RELATED", "START") == "START"
            start = event.decoded("DTSTART")
            assert isinstance(start, dt.datetime)
            assert "DTEND" not in event and "DURATION" not in event  # an instant
            assert str(event["TRANSP"]) == "TRANSPARENT"
            reminders.append(
                Reminder(
                    day=start.date(),
                    start=start,
                    fires=start + trigger.dt,
                    text=summary,
                    description=str(event["DESCRIPTION"]),
                    uid=str(event["UID"]),
                )
            )
            continue
        assert alarms == []  # reminders are events of their own
        match = re.search(r"^Id: (\S+)$", str(event["DESCRIPTION"]), re.MULTILINE)
        assert match, event["DESCRIPTION"]
        (role,) = [role for prefix, role in ROLES.items() if summary.startswith(prefix)]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date  # all day, not a date-time
        assert start < end
        entries.append(
            Entry(
                item_id=match.group(1),
                role=role,
                first=start,
                last=end - DAY,  # all-day ends are exclusive
                busy=str(event["TRANSP"]) == "OPAQUE",
                uid=str(event["UID"]),
            )
        )
    zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    return Read(entries, reminders, zones, calendar)


def read_entries(data: bytes) -> list[Entry]:
    return read_calendar(data).entries


def planned_dates(planned_item: ceplan.PlannedItem) -> tuple[dt.date, dt.date]:
    """An item's planned start and finish; an item without dates sits on its do-by date."""
    return (
        planned_item.start or planned_item.complete_by,
        planned_item.finish or planned_item.complete_by,
    )


def expected_entries(planned_item: ceplan.PlannedItem) -> list[tuple[str, dt.date, dt.date, bool]]:
    """The item's events as ceplan documents them: role, first and last day, busy."""
    start, finish = planned_dates(planned_item)
    if not planned_item.is_exam:
        dated = planned_item.session is not None
        return [("class" if dated else "study", start, finish, dated)]
    sitting = ("sitting", finish, finish, True)
    if planned_item.hours > 0 and start < finish:
        return [("prep", start, finish - DAY, False), sitting]
    return [sitting]


def expected_days(plan: ceplan.Plan, planned_item: ceplan.PlannedItem) -> set[dt.date]:
    """The days an item is reminded of, as ceplan documents them."""
    start, finish = planned_dates(planned_item)
    days = {planned_item.complete_by - n * DAY for n in (90, 60, 30, 7)}
    for role, first, _, _ in expected_entries(planned_item):
        days |= {first - 7 * DAY, first - DAY} if role == "sitting" else {first - DAY}
    return {day for day in days if plan.today <= day <= finish}


UTC_NAMES = ("UTC", "Etc/UTC")


def check_calendar(plan: ceplan.Plan, data: bytes, zone: str | None = None) -> list[Entry]:
    """Assert that the calendar shows exactly what the plan says, as the module docstring says;
    ``zone`` is the time zone the calendar was asked for."""
    read = read_calendar(data)
    entries = read.entries
    items = {planned_item.id: planned_item for planned_item in planned(plan)}
    assert len(items) == len(planned(plan))
    assert {entry.item_id for entry in entries} == set(items)
    uids = [entry.uid for entry in entries] + [reminder.uid for reminder in read.reminders]
    assert len(set(uids)) == len(uids)
    for item_id, planned_item in items.items():
        mine = [entry for entry in entries if entry.item_id == item_id]
        start, finish = planned_dates(planned_item)
        # Every event lies within the item's planned dates, in time order, not overlapping.
        for entry in mine:
            assert start <= entry.first <= entry.last <= finish, (entry, start, finish)
        for before, after in zip(mine, mine[1:], strict=False):
            assert before.last < after.first, (before, after)
        assert [(e.role, e.first, e.last, e.busy) for e in mine] == expected_entries(planned_item)
        if planned_item.is_exam:
            assert mine[-1].role == "sitting" and mine[-1].first == mine[-1].last == finish
    # One reminder a day, on exactly the days something is due, naming what is due then.
    due: dict[dt.date, set[str]] = {}
    for planned_item in items.values():
        for day in expected_days(plan, planned_item):
            due.setdefault(day, set()).add(planned_item.title)
    days = [reminder.day for reminder in read.reminders]
    assert days == sorted(set(days)), days  # one a day, in time order
    assert set(days) == set(due)
    titles = {planned_item.title for planned_item in items.values()}
    for reminder in read.reminders:
        assert {title for title in titles if title in reminder.text} == due[reminder.day], reminder
        assert reminder.fires == reminder.start  # the alarm goes off at the reminder's start
        assert local_time(reminder, zone) == (reminder.day, NINE)
        assert plan.today <= reminder.day
    named = zone is not None and zone not in UTC_NAMES and bool(read.reminders)
    assert read.zones == ([zone] if named else [])
    return entries


def local_time(reminder: Reminder, zone: str | None) -> tuple[dt.date, dt.time]:
    """The day and time the reminder fires where the person is.

    Without a zone the time must be floating (no zone: the same wall-clock time wherever the
    calendar is shown); with one, it must be a time in that zone.
    """
    if zone is None:
        assert reminder.fires.tzinfo is None, reminder
        return reminder.fires.date(), reminder.fires.time()
    assert reminder.fires.tzinfo is not None, reminder
    local = reminder.fires.astimezone(zoneinfo.ZoneInfo(zone))
    return local.date(), local.time()


def by_role(entries: list[Entry]) -> dict[tuple[str, str], Entry]:
    return {(entry.item_id, entry.role): entry for entry in entries}


def entries_of(plan: ceplan.Plan) -> list[Entry]:
    """The plan's calendar, checked and read back."""
    return check_calendar(plan, ceplan.plan_to_ics(plan))


def reminders_of(plan: ceplan.Plan, **options: Any) -> list[Reminder]:
    """The plan's calendar, checked, and its reminders."""
    data = ceplan.plan_to_ics(plan, **options)
    check_calendar(plan, data, options.get("timezone"))
    return read_calendar(data).reminders


def reminder_days(plan: ceplan.Plan) -> list[dt.date]:
    return [reminder.day for reminder in reminders_of(plan)]


def checked(plan: ceplan.Plan) -> list[tuple[Entry, icalendar.Event]]:
    """The plan's calendar, checked, as entries beside the events they were read from."""
    data = ceplan.plan_to_ics(plan)
    return list(zip(check_calendar(plan, data), item_events(data), strict=True))


def test_the_documented_reminder_days_and_time() -> None:
    # The rules check_calendar writes out; the constants are part of ceplan.rendering.ics's
    # interface.
    assert REMINDER_DAYS == (90, 60, 30, 7)
    assert START_REMINDER_DAYS == (1,)
    assert SITTING_REMINDER_DAYS == (7, 1)
    assert REMINDER_TIME == NINE and REMINDER_TIME.tzinfo is None  # local, not UTC


# -- the calendar -------------------------------------------------------------------------------


def test_the_calendar_names_ceplan_and_is_version_2(plan: ceplan.Plan) -> None:
    data = ceplan.plan_to_ics(plan, programme="Cisco Continuing Education Program")
    calendar = icalendar.Calendar.from_ical(data)
    assert "ceplan" in str(calendar["PRODID"])
    assert str(calendar["VERSION"]) == "2.0"
    assert "Cisco Continuing Education Program" in str(calendar["X-WR-CALNAME"])
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded as RFC 5545 asks


def test_self_paced_work_from_its_planned_start_to_its_planned_finish(plan: ceplan.Plan) -> None:
    data = ceplan.plan_to_ics(plan)
    entries = check_calendar(plan, data)
    assert len(entries) == len(planned(plan))  # no exams here: one event per item
    for event, entry in zip(item_events(data), entries, strict=True):
        planned_item = next(p for p in planned(plan) if p.id == entry.item_id)
        assert (entry.role, entry.first, entry.last) == (
            "study",
            planned_item.start,
            planned_item.finish,
        )
        assert str(event["TRANSP"]) == "TRANSPARENT"  # self-study does not make you busy
        summary = str(event["SUMMARY"])
        assert summary.startswith(f"Study: {planned_item.title}")
        assert f"{planned_item.credits:g} CE credits for the associate renewal" in summary
    assert data.count(b"DTSTART;VALUE=DATE:") == len(planned(plan))


@pytest.mark.parametrize(
    ("hours_per_week", "exam_hours", "unavailable"),
    [
        (3, 10, ()),
        (40, 10, ()),
        (None, 10, ()),
        (2, 0, ((dt.date(2027, 5, 1), dt.date(2027, 5, 31)),)),
        (1, 4, ((dt.date(2027, 3, 1), dt.date(2027, 3, 14)),)),
    ],
)
def test_optimised_plans_with_sessions_and_exams_check_out(
    hours_per_week: float | None,
    exam_hours: float,
    unavailable: tuple[tuple[dt.date, dt.date], ...],
) -> None:
    made = mixed_plan(hours_per_week, exam_hours, unavailable=unavailable)
    entries = by_role(entries_of(made))
    items = {planned_item.id: planned_item for planned_item in planned(made)}
    assert ("ilt", "class") in entries and ("course", "study") in entries
    assert ("pro-exam", "sitting") in entries
    has_prep = ("pro-exam", "prep") in entries
    assert has_prep == (exam_hours > 0 and items["pro-exam"].start < items["pro-exam"].finish)
    for zone in ("Europe/London", "America/New_York", "Asia/Kolkata"):
        check_calendar(made, ceplan.plan_to_ics(made, timezone=zone), zone)


def test_an_exam_gives_a_preparation_and_a_separate_sitting_in_order(mixed: ceplan.Plan) -> None:
    exam = next(p for p in planned(mixed) if p.id == "pro-exam")
    assert exam.start is not None and exam.finish is not None and exam.start < exam.finish
    found = {
        entry.role: (entry, event) for entry, event in checked(mixed) if entry.item_id == "pro-exam"
    }
    (prep, prep_event), (sitting, sitting_event) = found["prep"], found["sitting"]
    assert (prep.first, prep.last) == (exam.start, exam.finish - DAY)
    assert (sitting.first, sitting.last) == (exam.finish, exam.finish)
    assert prep_event.decoded("DTEND") == sitting_event.decoded("DTSTART")  # back to back
    assert str(prep_event["TRANSP"]) == "TRANSPARENT" and str(sitting_event["TRANSP"]) == "OPAQUE"
    assert str(prep_event["SUMMARY"]).startswith("Prepare for exam: Professional exam")
    assert str(sitting_event["SUMMARY"]) == (
        "Sit exam: Professional exam (professional exam for the pro renewal)"
    )
    assert prep.uid != sitting.uid
    # Reminders before the start of preparation and before the sitting, none after it.
    texts = {reminder.day: reminder.text for reminder in reminders_of(mixed)}
    assert (
        f"Start preparing for exam Professional exam tomorrow (sitting {exam.finish})"
        in (texts[exam.start - DAY])
    )
    assert f"Sit exam Professional exam in 7 days ({exam.finish})" in texts[exam.finish - 7 * DAY]
    assert f"Sit exam Professional exam tomorrow ({exam.finish})" in texts[exam.finish - DAY]
    assert max(texts) <= exam.finish


@pytest.mark.parametrize(
    "exam",
    [
        exam_item(hours=0, start=dt.date(2027, 6, 21)),  # nothing to prepare
        exam_item(hours=0, start=dt.date(2027, 5, 3)),
        exam_item(hours=3, start=dt.date(2027, 6, 21)),  # prepared on the day: no prep days
        exam_item(start=None, finish=None),  # no dates: sat on its do-by date
    ],
    ids=["no-hours", "no-hours-early-start", "no-days-before", "undated"],
)
def test_an_exam_without_preparation_days_is_only_its_sitting(exam: ceplan.PlannedItem) -> None:
    made = hand_plan(exam)
    (entry,) = entries_of(made)
    assert entry.role == "sitting"
    assert entry.first == entry.last == (exam.finish or exam.complete_by)


def test_a_session_is_busy_on_exactly_its_own_days_and_reminds_only_before_it(
    mixed: ceplan.Plan,
) -> None:
    # The reported bug: a class in February got do-by reminders in March, April and June.
    ((ilt, event),) = [(entry, event) for entry, event in checked(mixed) if entry.role == "class"]
    assert str(event["SUMMARY"]).startswith("Class: Instructor-led class (24 CE credits")
    assert event.decoded("DTSTART") == dt.date(2027, 2, 1)
    assert event.decoded("DTEND") == dt.date(2027, 2, 6)  # exclusive: the 5th is the last day
    assert str(event["TRANSP"]) == "OPAQUE"  # a dated class books its days
    about = [r for r in reminders_of(mixed) if "Instructor-led class" in r.text]
    assert [(r.day, r.text) for r in about] == [
        (
            dt.date(2027, 1, 31),
            "Reminder: Class Instructor-led class starts tomorrow (2027-02-01 to 2027-02-05)",
        )
    ]  # the day before; the do-by ones are all later


def test_reminders_lead_up_to_the_planned_dates_and_stop_at_the_finish() -> None:
    # Studied 4-10 January, do by 23 June: the do-by reminders would all come after the work.
    early = hand_plan(item())
    assert reminder_days(early) == [dt.date(2027, 1, 3)]
    # Studied until 30 May: the 90, 60 and 30 day reminders still fall while it is open.
    late = hand_plan(item(start=dt.date(2027, 3, 1), finish=dt.date(2027, 5, 30)))
    assert reminder_days(late) == [
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 25),
        dt.date(2027, 4, 24),
        dt.date(2027, 5, 24),
    ]


def test_an_exams_reminders_go_up_to_the_sitting_and_not_beyond() -> None:
    made = hand_plan(exam_item())  # prep 3 May to 20 June, sat on 21 June, do by 23 June
    assert reminder_days(made) == [
        dt.date(2027, 3, 25),  # 90 days before the do-by date
        dt.date(2027, 4, 24),  # 60
        dt.date(2027, 5, 2),  # the day before preparation starts
        dt.date(2027, 5, 24),  # 30
        dt.date(2027, 6, 14),  # 7 days before the sitting
        dt.date(2027, 6, 16),  # 7 days before the do-by date
        dt.date(2027, 6, 20),  # 1 day before the sitting
    ]


def test_what_an_event_reminds_of_on_one_day_is_said_once() -> None:
    # Sat on the do-by date: 7 days before the sitting is 7 days before the do-by date.
    made = hand_plan(exam_item(finish=dt.date(2027, 6, 23)))
    reminders = {reminder.day: reminder.text for reminder in reminders_of(made)}
    assert reminders[dt.date(2027, 6, 16)] == "Reminder: Sit exam Pro exam in 7 days (2027-06-23)"
    assert len(reminders) == 6


def test_reminders_before_today_are_left_out() -> None:
    do_by = dt.date(2027, 6, 23)
    late = hand_plan(item(start=do_by - 20 * DAY, finish=do_by), today=do_by - 40 * DAY)
    # The start reminder and the 30 and 7 day ones; 90 and 60 days before would be past.
    assert reminder_days(late) == [do_by - 30 * DAY, do_by - 21 * DAY, do_by - 7 * DAY]
    on_the_day = replace(late, today=do_by - 7 * DAY)
    assert reminder_days(on_the_day) == [do_by - 7 * DAY]
    starts_today = hand_plan(item(start=TODAY, finish=TODAY + DAY, complete_by=TODAY + 5 * DAY))
    assert reminder_days(starts_today) == []  # the day before is past, the do-by ones too late


def test_an_item_without_dates_sits_on_its_do_by_date() -> None:
    undated = item(start=None, finish=None)
    made = hand_plan(undated)
    (entry,) = entries_of(made)
    assert entry.first == entry.last == undated.complete_by
    assert len(reminder_days(made)) == 5  # the day before, and 90, 60, 30 and 7 days before


# -- one reminder a day -------------------------------------------------------------------------


def three_courses() -> ceplan.Plan:
    """The reported calendar: three items to do by the same day, open over the same months."""
    return hand_plan(
        *(
            item(id=name.lower(), title=f"{name} course", start=start, finish=dt.date(2027, 6, 1))
            for name, start in zip(
                NAMES, (dt.date(2027, 1, 4), dt.date(2027, 2, 1), dt.date(2027, 3, 1)), strict=False
            )
        )
    )


def test_a_day_with_several_things_due_has_one_reminder_saying_all_of_them() -> None:
    # Three items to do by 23 June used to give 9 alarms on 3 days, each day's thrice over.
    made = three_courses()
    data = ceplan.plan_to_ics(made)
    reminders = reminders_of(made)
    assert data.count(b"BEGIN:VALARM") == len(reminders) == len({r.day for r in reminders})
    texts = {reminder.day: reminder.text for reminder in reminders}
    until = "to 2027-06-01)"
    left = "days left to finish Alpha course, Bravo course and Charlie course (do by 2027-06-23)"
    assert texts == {
        dt.date(2027, 1, 3): f"Reminder: Start studying Alpha course tomorrow (2027-01-04 {until}",
        dt.date(2027, 1, 31): f"Reminder: Start studying Bravo course tomorrow (2027-02-01 {until}",
        dt.date(
            2027, 2, 28
        ): f"Reminder: Start studying Charlie course tomorrow (2027-03-01 {until}",
        dt.date(2027, 3, 25): f"Reminder: 90 {left}",
        dt.date(2027, 4, 24): f"Reminder: 60 {left}",
        dt.date(2027, 5, 24): f"Reminder: 30 {left}",
    }
    (event,) = [e for e in events(data) if e.decoded("DTSTART") == dt.datetime(2027, 3, 25, 9)]
    assert str(event["DESCRIPTION"]).splitlines()[0] == texts[dt.date(2027, 3, 25)][10:]


def test_a_days_reminder_says_the_soonest_first_in_a_persons_words() -> None:
    # On 20 June the class starts and both exams are sat tomorrow, the course is due in 7 days
    # and the webinar in 30: said soonest first, whatever the plan's order.
    june = {day: dt.date(2027, 6, day) for day in (1, 21, 22, 27)}
    july = dt.date(2027, 7, 20)
    made = hand_plan(
        item(
            id="course", title="Online course", start=june[1], finish=june[27],
            complete_by=june[27],
        ),
        item(id="webinar", title="Webinar", start=june[1], finish=july, complete_by=july),
        item(
            id="class", title="BGP workshop", start=june[21], finish=june[22], session=0,
            complete_by=july,
        ),
        *(
            exam_item(
                id=title.split()[0].lower(), title=title, hours=0, start=june[21],
                finish=june[21], complete_by=june[27],
            )
            for title in ("Core exam", "Concentration exam")
        ),
        today=june[1],
        expires=dt.date(2027, 8, 1),
    )  # fmt: skip
    (reminder,) = [r for r in reminders_of(made) if r.day == dt.date(2027, 6, 20)]
    assert reminder.description.split("\n\n")[0].splitlines() == [
        "Class BGP workshop starts tomorrow (2027-06-21 to 2027-06-22)",
        "Sit exams Core exam and Concentration exam tomorrow (2027-06-21)",
        "7 days left to finish Online course (do by 2027-06-27)",
        "30 days left to finish Webinar (do by 2027-07-20)",
    ]
    assert reminder.text == "Reminder: " + "; ".join(
        reminder.description.split("\n\n")[0].splitlines()
    )
    # A week before the sittings, both exams are said at once.
    (week,) = [r for r in reminders_of(made) if r.day == dt.date(2027, 6, 14)]
    assert (
        week.text == "Reminder: Sit exams Core exam and Concentration exam in 7 days (2027-06-21)"
    )


def test_the_associate_plans_first_reminder_is_the_one_the_readme_shows(plan: ceplan.Plan) -> None:
    (first, *_) = reminders_of(plan)
    assert (first.day, first.text) == (
        dt.date(2028, 3, 25),
        "Reminder: 90 days left to finish Example 14-hour course on Cisco Digital Learning and "
        "Example exam item authoring assignment (do by 2028-06-23)",
    )


# -- the time of day ----------------------------------------------------------------------------


def test_by_default_reminders_are_at_nine_wherever_the_calendar_is_shown(
    mixed: ceplan.Plan,
) -> None:
    data = ceplan.plan_to_ics(mixed)
    reminders = reminders_of(mixed)
    assert reminders and b"VTIMEZONE" not in data and b"TZID" not in data
    for reminder in reminders:
        # Floating: no zone, so a calendar shows it at 09:00 in its own zone, summer or winter.
        assert reminder.start == dt.datetime.combine(reminder.day, NINE)
        assert reminder.fires == reminder.start
        for zone in ("Europe/London", "America/Los_Angeles", "Asia/Tokyo"):
            shown = reminder.fires.replace(tzinfo=zoneinfo.ZoneInfo(zone))
            assert shown.astimezone(zoneinfo.ZoneInfo(zone)).time() == NINE
    assert data.count(b"T090000\r\n") == len(reminders)  # no Z: not 09:00 UTC


@pytest.mark.parametrize(
    ("zone", "winter", "summer"),
    [
        ("Europe/London", dt.time(9), dt.time(8)),  # GMT, then BST (UTC+1)
        ("America/New_York", dt.time(14), dt.time(13)),  # EST (UTC-5), then EDT (UTC-4)
        ("Australia/Sydney", dt.time(22), dt.time(23)),  # AEDT (UTC+11) in January
        ("Asia/Kolkata", dt.time(3, 30), dt.time(3, 30)),  # no daylight saving
    ],
)
def test_a_named_zone_puts_reminders_at_nine_there_in_summer_and_winter(
    zone: str, winter: dt.time, summer: dt.time
) -> None:
    # Studied from 4 January, do by 23 June: reminded on 3 January and 24 May... and more.
    made = hand_plan(item(start=dt.date(2027, 1, 4), finish=dt.date(2027, 6, 20)))
    data = ceplan.plan_to_ics(made, timezone=zone)
    check_calendar(made, data, zone)
    read = read_calendar(data)
    fires = {reminder.day: reminder.fires for reminder in read.reminders}
    assert fires[dt.date(2027, 1, 3)].astimezone(dt.UTC).time() == winter
    assert fires[dt.date(2027, 5, 24)].astimezone(dt.UTC).time() == summer
    assert data.count(f"DTSTART;TZID={zone}:".encode()) == len(read.reminders)
    # The VTIMEZONE written says the same as the time zone database on every reminder's day.
    (vtimezone,) = read.calendar.walk("VTIMEZONE")
    written = vtimezone.to_tz()
    for reminder in read.reminders:
        naive = dt.datetime.combine(reminder.day, NINE)
        assert naive.replace(tzinfo=written).astimezone(dt.UTC) == reminder.fires.astimezone(dt.UTC)


@pytest.mark.parametrize("zone", [None, "Europe/London", "UTC", "Etc/UTC"])
def test_a_vtimezone_exactly_when_a_zone_is_named(mixed: ceplan.Plan, zone: str | None) -> None:
    data = ceplan.plan_to_ics(mixed, timezone=zone)
    check_calendar(mixed, data, zone)
    zones = read_calendar(data).zones
    if zone is None:
        assert zones == [] and b"TZID" not in data
    elif zone in UTC_NAMES:  # times in UTC need no VTIMEZONE: RFC 5545 writes them with Z
        assert zones == [] and data.count(b"T090000Z\r\n") == len(read_calendar(data).reminders)
    else:
        assert zones == [zone]


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/Londn",
        "",
        "../../etc/passwd",
        "/usr/share/zoneinfo/UTC",
        "Europe/London\n",
        "x" * 200,
        5,
    ],
)
def test_a_zone_that_is_not_an_iana_name_is_one_error_line(mixed: ceplan.Plan, zone: Any) -> None:
    with pytest.raises(ceplan.PlanInputError) as error:
        ceplan.plan_to_ics(mixed, timezone=zone)
    message = str(error.value)
    assert message.startswith("timezone: ") and "\n" not in message
    assert "Europe/London" in message  # the example of a good name
    assert len(message) < 200
    with pytest.raises(ceplan.PlanInputError) as same:  # what a command line checks first
        named_zone(zone)
    assert str(same.value) == message


# -- the file as a whole -----------------------------------------------------------------------


def test_descriptions_give_id_credits_cost_hours_dates_and_do_by(mixed: ceplan.Plan) -> None:
    items = {planned_item.id: planned_item for planned_item in planned(mixed)}
    for entry, event in checked(mixed):
        planned_item = items[entry.item_id]
        text = str(event["DESCRIPTION"])
        assert f"Id: {planned_item.id}\n" in text
        if planned_item.is_exam:
            assert "Exam: professional" in text
            assert "Cost: 150.00 GBP (300.00 USD)" in text  # the listed price, converted
            assert f"Sitting: {planned_item.finish}" in text
        else:
            assert f"Credits: {planned_item.credits:g} ({planned_item.type})" in text
            assert f"Cost: {planned_item.cost:,.2f} GBP\n" in text
        assert f"Hours: {planned_item.hours:g}" in text
        assert f"Do by: {planned_item.complete_by.isoformat()}" in text
        assert str(event["SUMMARY"]).count(planned_item.title) == 1
    big = hand_plan(item(cost=1234.0, price=1234.0))
    assert "Cost: 1,234.00 GBP\n" in str(item_events(ceplan.plan_to_ics(big))[0]["DESCRIPTION"])


@pytest.mark.parametrize("zone", [None, "Europe/London"])
def test_the_same_plan_gives_the_same_bytes(
    plan: ceplan.Plan, mixed: ceplan.Plan, zone: str | None
) -> None:
    first = ceplan.plan_to_ics(plan, timezone=zone)
    again = ceplan.plan_to_ics(associate_plan(), timezone=zone)  # solved again from scratch
    assert first == again
    assert ceplan.plan_to_ics(mixed, timezone=zone) == ceplan.plan_to_ics(
        mixed_plan(3), timezone=zone
    )


def test_dtstamp_comes_from_the_plans_today_not_the_clock(mixed: ceplan.Plan) -> None:
    found = events(ceplan.plan_to_ics(mixed))
    assert len(found) > 4  # the reminders too
    for event in found:
        assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


def test_uids_are_kept_when_the_same_certification_is_planned_again_later(
    mixed: ceplan.Plan,
) -> None:
    # A later plan for the same certification updates the events instead of adding new ones.
    earlier = mixed
    later = mixed_plan(3, today=TODAY + 30 * DAY)
    old = by_role(entries_of(earlier))
    new = by_role(entries_of(later))
    assert set(old) == set(new) and len(old) == 4
    assert {key: entry.uid for key, entry in old.items()} == {
        key: entry.uid for key, entry in new.items()
    }
    stamps = [events(ceplan.plan_to_ics(made))[0].decoded("DTSTAMP") for made in (earlier, later)]
    assert stamps[0] < stamps[1]
    # The reminders of the days both remind on keep theirs too.
    old_reminders = {r.day: r.uid for r in reminders_of(earlier)}
    new_reminders = {r.day: r.uid for r in reminders_of(later)}
    shared = set(old_reminders) & set(new_reminders)
    assert shared and all(old_reminders[day] == new_reminders[day] for day in shared)
    assert all(old_reminders[day] == reminder_uid(earlier, day) for day in old_reminders)
    # A hand-built plan moved to other dates keeps its UIDs too; another tier or cycle does not.
    hand = hand_plan(item(), exam_item())
    moved = hand_plan(
        item(start=dt.date(2027, 3, 1), finish=dt.date(2027, 3, 7)),
        exam_item(start=dt.date(2027, 6, 1)),
        today=dt.date(2027, 2, 1),
    )
    uids = [entry.uid for entry in read_entries(ceplan.plan_to_ics(hand))]
    assert uids == [entry.uid for entry in read_entries(ceplan.plan_to_ics(moved))]
    for other in (replace(hand, tier="expert"), replace(hand, expires=dt.date(2030, 6, 30))):
        data = ceplan.plan_to_ics(other)
        assert not set(uids) & {entry.uid for entry in read_entries(data)}
        assert not {r.uid for r in reminders_of(hand)} & {r.uid for r in reminders_of(other)}


def test_main_events_keep_the_uid_of_earlier_one_event_calendars() -> None:
    # Earlier versions wrote one event per item with item_uid's UID: importing a new calendar
    # over one of those moves the study, class or sitting instead of doubling it.
    made = hand_plan(item(), exam_item())
    rev_up, exam = planned(made)
    study, prep, sitting = read_entries(ceplan.plan_to_ics(made))
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ceplan:ics")
    assert (
        study.uid == item_uid(made, rev_up) == str(uuid.uuid5(namespace, "pro\nrev-up\n2027-06-30"))
    )
    assert sitting.uid == item_uid(made, exam)
    assert prep.uid == item_uid(made, exam, preparation=True) != sitting.uid


def test_text_is_escaped_and_survives_the_round_trip() -> None:
    title = 'Routing; "BGP", OSPF & IS-IS — für Fortgeschrittene \\ part 2'
    data = ceplan.plan_to_ics(hand_plan(item(title=title)), programme="Prog, with; marks")
    (event,) = item_events(data)
    assert str(event["SUMMARY"]).startswith(f"Study: {title} (")
    assert "Programme: Prog, with; marks" in str(event["DESCRIPTION"])
    (reminder,) = read_calendar(data).reminders
    assert reminder.text == f"Reminder: Start studying {title} tomorrow (2027-01-04 to 2027-01-10)"
    assert reminder.description.startswith(reminder.text[10:] + "\n\n")
    (alarm,) = icalendar.Calendar.from_ical(data).walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == reminder.text
    data.decode("utf-8")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_a_plan_without_items_gives_a_calendar_without_events() -> None:
    for zone in (None, "Europe/London"):
        data = ceplan.plan_to_ics(hand_plan(), timezone=zone)
        assert events(data) == []
        assert b"PRODID:" in data and b"VTIMEZONE" not in data


@pytest.mark.parametrize("status", ["infeasible", "unknown"])
def test_no_calendar_for_a_plan_that_was_not_found(status: str) -> None:
    with pytest.raises(ceplan.PlanInputError, match=status):
        ceplan.plan_to_ics(hand_plan(status=status))


# -- hand-built plans of every shape --------------------------------------------------------------


@st.composite
def hand_plans(draw: st.DrawFn) -> ceplan.Plan:
    """Plans of one to four items, each a study, a class or an exam, dated or not."""
    today = TODAY + draw(st.integers(0, 60)) * DAY
    items = []
    for number in range(draw(st.integers(1, 4))):
        shape = draw(st.sampled_from(["study", "class", "exam"]))
        do_by = today + draw(st.integers(0, 400)) * DAY
        start = today + draw(st.integers(0, (do_by - today).days)) * DAY
        finish = start + draw(st.integers(0, (do_by - start).days)) * DAY
        dated = draw(st.integers(0, 9)) > 0
        maker = exam_item if shape == "exam" else item
        items.append(
            maker(
                id=f"item-{number}",
                title=f"{NAMES[number]} {shape}",
                hours=draw(st.sampled_from([0, 0.5, 12])),
                complete_by=do_by,
                start=start if dated else None,
                finish=finish if dated else None,
                session=0 if shape == "class" else None,
            )
        )
    return hand_plan(*items, today=today)


@settings(max_examples=examples(200))
@given(hand_plans(), st.sampled_from([None, "Europe/London", "Pacific/Auckland"]))
def test_hand_built_plans_check_out(made: ceplan.Plan, zone: str | None) -> None:
    data = ceplan.plan_to_ics(made, timezone=zone)
    check_calendar(made, data, zone)
    assert ceplan.plan_to_ics(made, timezone=zone) == data


# -- team calendars -------------------------------------------------------------------------------

BEN = 'Ben O\'Brien, "Jr"; Ops \\ Net'
"""A name with every character RFC 5545 text escapes."""


JUNE = "2027-06-30"


def team_roster() -> dict[str, Any]:
    """Four people on the mixed catalogue: three renew (with and without weekly hours), one
    will not sit exams and is at risk; a budget and a fund pay."""
    return {
        "schema": 1,
        "team": "Small team",
        "budgets": [{"name": "FY", "start": "2026-04-01", "end": "2028-03-31", "amount": 5000}],
        "funds": [{"name": "CLC", "amount": 150, "currency": "GBP", "expires": "2027-06-30"}],
        "people": [
            {"id": "ana", "name": "Ana", "tier": "pro", "expires": JUNE, "hours_per_week": 3},
            {"id": "ben", "name": BEN, "tier": "pro", "expires": "2027-09-30"},
            {"id": "cy", "name": "Cy", "tier": "pro", "expires": "2027-08-31", "exams": False},
            {"id": "dee", "name": "Dee", "tier": "pro", "expires": JUNE, "hours_per_week": 3},
        ],
    }  # fmt: skip


def plan_small_team() -> ceplan.TeamPlan:
    return ceplan.plan_team(mixed_catalog(), team_roster(), today=TODAY)


@pytest.fixture(scope="module")
def team() -> ceplan.TeamPlan:
    made = plan_small_team()
    assert [(o.id, o.renews) for o in made.outcomes] == [
        ("ana", True),
        ("ben", True),
        ("cy", False),
        ("dee", True),
    ]
    return made


def person_plan(plan: ceplan.TeamPlan, person: str, catalog: ceplan.Catalog) -> ceplan.Plan:
    """A team person's items as a one-person plan, for :func:`check_calendar`."""
    (outcome,) = [o for o in plan.outcomes if o.id == person]
    items = []
    for taken in outcome.items:
        source = catalog.item(taken.id)
        sessions = source.sessions if isinstance(source, ceplan.Activity) else ()
        dated = any((s.start, s.end) == (taken.start, taken.finish) for s in sessions)
        items.append(
            ceplan.PlannedItem(
                id=taken.id,
                title=taken.title,
                is_exam=taken.kind == "exam",
                type=taken.kind,
                kind=None,
                credits=0,
                cost=taken.cost,
                hours=taken.hours,
                complete_by=taken.complete_by,
                price=taken.cost,
                price_currency=plan.currency,
                start=taken.start,
                finish=taken.finish,
                session=0 if dated else None,
            )
        )
    return hand_plan(*items, today=plan.today, tier=outcome.tier, expires=outcome.expires)


@pytest.mark.parametrize("zone", [None, "Europe/Berlin"])
def test_each_renewing_person_of_a_team_gets_a_calendar_of_their_plan(
    team: ceplan.TeamPlan, zone: str | None
) -> None:
    catalog = mixed_catalog()
    calendars = team_to_ics(team, catalog, timezone=zone)
    assert list(calendars) == ["ana", "ben", "dee"]  # the plan's order; Cy is at risk
    uids: list[set[str]] = []
    for person, data in calendars.items():
        assert data == team_person_to_ics(team, person, catalog, timezone=zone)
        entries = check_calendar(person_plan(team, person, catalog), data, zone)
        read = read_calendar(data)
        assert {entry.item_id for entry in entries} == {"ilt", "course", "pro-exam"}
        (outcome,) = [o for o in team.outcomes if o.id == person]
        calendar = icalendar.Calendar.from_ical(data)
        assert str(calendar["X-WR-CALNAME"]) == (
            f"Renewal plan: {outcome.name} (pro) (Test programme)"
        )
        for event in item_events(data):
            description = str(event["DESCRIPTION"])
            assert f"For: {outcome.name}\n" in description
            (taken,) = [i for i in outcome.items if f"Id: {i.id}\n" in description]
            assert f"Paid on {taken.paid_on}: " in description
        uids.append({e.uid for e in read.entries} | {r.uid for r in read.reminders})
    # The same items for Ana and Dee, on the same dates, but never the same events.
    assert not uids[0] & uids[2] and not uids[0] & uids[1] and not uids[1] & uids[2]


def test_a_team_persons_calendar_says_what_paid_for_each_item(team: ceplan.TeamPlan) -> None:
    catalog = mixed_catalog()
    lines = {}
    for person, data in team_to_ics(team, catalog).items():
        for event in item_events(data):
            description = str(event["DESCRIPTION"])
            item_id = re.search(r"^Id: (\S+)$", description, re.MULTILINE)
            assert item_id
            (paid,) = [line for line in description.splitlines() if line.startswith("Paid on ")]
            lines[person, item_id.group(1)] = paid  # no item is free here
    expected = {}
    for outcome in team.outcomes:
        for taken in outcome.items:
            parts = [f"{cents / 100:,.2f} GBP from {fund}" for fund, cents in taken.fund_cents]
            if taken.out_of_pocket_cents:
                parts.insert(0, f"{taken.out_of_pocket:,.2f} GBP from FY")
            expected[outcome.id, taken.id] = f"Paid on {taken.paid_on}: {', '.join(parts)}"
    assert lines == expected
    # The fund pays for some items: its share is said.
    assert any("GBP from CLC" in line for line in lines.values())
    # Without budgets, what the person's item costs is out of pocket.
    unbudgeted = {
        key: value for key, value in team_roster().items() if key not in ("budgets", "funds")
    }
    alone = ceplan.plan_team(catalog, unbudgeted, today=TODAY)
    (course,) = [
        e
        for e in item_events(team_person_to_ics(alone, "ana", catalog))
        if "Online" in str(e["SUMMARY"])
    ]
    assert "\nPaid on 2026-11-29: 100.00 GBP out of pocket\n" in str(course["DESCRIPTION"])


def test_a_team_persons_name_is_escaped_and_survives_the_round_trip(
    team: ceplan.TeamPlan,
) -> None:
    data = team_person_to_ics(team, "ben", mixed_catalog())
    assert str(icalendar.Calendar.from_ical(data)["X-WR-CALNAME"]).startswith(
        f"Renewal plan: {BEN} (pro)"
    )
    for reminder in read_calendar(data).reminders:
        assert f"\nFor: {BEN}\n" in reminder.description
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_team_calendars_are_the_same_bytes_when_planned_again(team: ceplan.TeamPlan) -> None:
    again = plan_small_team()
    for zone in (None, "America/Chicago"):
        assert team_to_ics(team, mixed_catalog(), timezone=zone) == team_to_ics(
            again, mixed_catalog(), timezone=zone
        )


def test_a_person_at_risk_or_not_in_the_plan_gets_no_calendar(team: ceplan.TeamPlan) -> None:
    with pytest.raises(ceplan.PlanInputError, match="'cy', who is at risk"):
        team_person_to_ics(team, "cy", mixed_catalog())
    with pytest.raises(ceplan.PlanInputError, match="no 'zoe' in the team plan of Small team"):
        team_person_to_ics(team, "zoe", mixed_catalog())
    with pytest.raises(ceplan.PlanInputError, match="^timezone: "):
        team_to_ics(team, mixed_catalog(), timezone="Mars/Olympus_Mons")


def test_a_team_calendar_needs_the_catalogue_the_team_was_planned_with(
    team: ceplan.TeamPlan,
) -> None:
    with pytest.raises(ceplan.PlanInputError, match="no item '(course|ilt|pro-exam)'.*'ana'"):
        team_person_to_ics(team, "ana", ceplan.load_catalog())


def test_the_example_team_gives_every_renewing_person_a_calendar() -> None:
    catalog = ceplan.load_catalog()
    roster = ceplan.load_roster(ROOT / "examples" / "team.yaml", catalog=catalog)
    made = ceplan.plan_team(catalog, roster, today=TODAY)
    calendars = team_to_ics(made, catalog)
    assert list(calendars) == [o.id for o in made.outcomes if o.renews] and calendars
    for person, data in calendars.items():
        check_calendar(person_plan(made, person, catalog), data)
    # Omar has already met his path: nothing to do, no events. Amara sits two exams on one day,
    # and is reminded of both at once.
    assert events(calendars["omar"]) == []
    # What the README shows of Priya's calendar.
    priya = {r.day: r.text for r in read_calendar(calendars["priya"]).reminders}
    assert priya[dt.date(2027, 9, 16)] == (
        "Reminder: Sit exam Implementing Cisco Enterprise Advanced Routing and Services "
        "(ENARSI 300-410) in 7 days (2027-09-23); 7 days left to finish Example Cisco Live "
        "session (event pass already paid) and Example 14-hour course on Cisco Digital Learning "
        "(do by 2027-09-23)"
    )
    assert "\nPaid on 2026-11-29: 250.00 GBP from CLC order 2026-07\n" in "".join(
        str(e["DESCRIPTION"]) for e in item_events(calendars["priya"])
    )
    # A free item says nothing of paying: Priya's Cisco Live session.
    (free,) = [e for e in item_events(calendars["priya"]) if "Cisco Live" in str(e["SUMMARY"])]
    assert "Cost: 0.00 GBP\n" in str(free["DESCRIPTION"]) and "Paid" not in str(free["DESCRIPTION"])
    amara = {r.day: r.text for r in read_calendar(calendars["amara"]).reminders}
    assert amara[dt.date(2028, 6, 22)].startswith("Reminder: Sit exams ")


# -- the checker catches broken calendars ---------------------------------------------------------


def reminder_events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith(REMINDER)]


def move_start(event: icalendar.Event, change: Callable[[dt.datetime], dt.datetime]) -> None:
    start = change(event.decoded("DTSTART"))
    event.pop("DTSTART")
    event.add("dtstart", start)


def move_end(event: icalendar.Event, days: int) -> None:
    end = event.decoded("DTEND") + days * DAY
    event.pop("DTEND")
    event.add("dtend", end)


def set_trigger(event: icalendar.Event, when: dt.timedelta) -> None:
    (alarm,) = event.walk("VALARM")
    alarm.pop("TRIGGER")
    alarm.add("trigger", when)


def add_alarm(event: icalendar.Event) -> None:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", "Reminder: again")
    alarm.add("trigger", -DAY)
    event.add_component(alarm)


def second_reminder_on_a_day(calendar: icalendar.Calendar) -> None:
    """The reported calendar: the same day reminded of twice."""
    copy = icalendar.Event.from_ical(reminder_events(calendar)[0].to_ical())
    copy.pop("UID")
    copy.add("uid", "another")
    calendar.add_component(copy)


def merge_prep_into_sitting(calendar: icalendar.Calendar) -> None:
    """What ceplan used to write: one event from the start of preparation to the sitting."""
    prep, sitting = calendar.walk("VEVENT")[2:4]
    sitting.pop("DTSTART")
    sitting.add("dtstart", prep.decoded("DTSTART"))
    calendar.subcomponents.remove(prep)


def set_summary(event: icalendar.Event, summary: str) -> None:
    event.pop("SUMMARY")
    event.add("summary", summary)


# The events of the mixed plan: 0 study, 1 class, 2 preparation, 3 sitting, then the reminders.
BREAKS: dict[str, Callable[[icalendar.Calendar], None]] = {
    "reminder after the finish": lambda cal: move_start(
        reminder_events(cal)[-1], lambda when: when + 365 * DAY
    ),
    "reminder before today": lambda cal: move_start(
        reminder_events(cal)[0], lambda when: when - 400 * DAY
    ),
    "reminder a day late": lambda cal: move_start(reminder_events(cal)[1], lambda when: when + DAY),
    "reminder at 09:00 UTC": lambda cal: move_start(
        reminder_events(cal)[1], lambda when: when.replace(tzinfo=dt.UTC)
    ),
    "reminder at 10:00": lambda cal: move_start(
        reminder_events(cal)[1], lambda when: when + dt.timedelta(hours=1)
    ),
    "alarm before its reminder": lambda cal: set_trigger(
        reminder_events(cal)[2], -dt.timedelta(hours=15)
    ),
    "two alarms on a reminder": lambda cal: add_alarm(reminder_events(cal)[0]),
    "alarm on an item event": lambda cal: add_alarm(cal.walk("VEVENT")[0]),
    "two reminders on one day": second_reminder_on_a_day,
    "reminder leaves out an item": lambda cal: set_summary(
        reminder_events(cal)[0], "Reminder: something"
    ),
    "reminder left out": lambda cal: cal.subcomponents.remove(reminder_events(cal)[3]),
    "study after its finish": lambda cal: move_end(cal.walk("VEVENT")[0], 1),
    "session a day short": lambda cal: move_end(cal.walk("VEVENT")[1], -1),
    "preparation into the sitting day": lambda cal: move_end(cal.walk("VEVENT")[2], 1),
    "preparation left out": lambda cal: cal.subcomponents.remove(cal.walk("VEVENT")[2]),
    "preparation and sitting merged": merge_prep_into_sitting,
    "busy self-study": lambda cal: cal.walk("VEVENT")[0].__setitem__("TRANSP", "OPAQUE"),
    "free sitting": lambda cal: cal.walk("VEVENT")[3].__setitem__("TRANSP", "TRANSPARENT"),
    "same UID twice": lambda cal: cal.walk("VEVENT")[3].__setitem__(
        "UID", cal.walk("VEVENT")[2]["UID"]
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_the_checker_catches_a_broken_calendar(mixed: ceplan.Plan, name: str) -> None:
    data = ceplan.plan_to_ics(mixed)
    roles = [(entry.item_id, entry.role) for entry in check_calendar(mixed, data)]
    assert roles == [
        ("course", "study"),
        ("ilt", "class"),
        ("pro-exam", "prep"),
        ("pro-exam", "sitting"),
    ]
    assert len(reminder_events(icalendar.Calendar.from_ical(data))) >= 4
    calendar = icalendar.Calendar.from_ical(data)
    BREAKS[name](calendar)
    with pytest.raises(AssertionError):
        check_calendar(mixed, calendar.to_ical())


def test_the_checker_catches_a_zone_broken(mixed: ceplan.Plan) -> None:
    # Asked for London, written for Paris: an hour off all year.
    with pytest.raises(AssertionError):
        check_calendar(mixed, ceplan.plan_to_ics(mixed, timezone="Europe/Paris"), "Europe/London")
    # Asked for London, written floating: not tied to the zone.
    with pytest.raises(AssertionError):
        check_calendar(mixed, ceplan.plan_to_ics(mixed), "Europe/London")


# -- the command line ---------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # --help
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(code: int, out: str, err: str, *mentions: str) -> None:
    assert code == 2, (code, out, err)
    assert out == ""
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("ceplan: error: ")
    for word in mentions:
        assert word in err


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cli_writes_the_calendar_atomically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, plan: ceplan.Plan, fmt: str
) -> None:
    target = tmp_path / "plan.ics"
    target.write_bytes(b"old")
    mask = os.umask(0o022)
    try:
        code, out, err = run(capsys, *ASSOCIATE_ARGS, "--format", fmt, "--ics", str(target))
    finally:
        os.umask(mask)
    assert code == 0, err
    assert out and err == ""
    expected = ceplan.plan_to_ics(plan, programme=ceplan.load_catalog().programme)
    assert target.read_bytes() == expected
    check_calendar(plan, target.read_bytes())
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]  # no temporary file left
    assert target.stat().st_mode & 0o777 == 0o644  # as open() would, not mkstemp's 0600


def test_cli_help_explains_ics(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "optimise", "--help")
    assert code == 0
    assert "--ics FILE" in out
    assert "iCalendar" in out


@pytest.mark.parametrize("where", ["missing-folder", "directory", "empty"])
def test_cli_unwritable_calendar_is_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str
) -> None:
    if where == "missing-folder":
        target = tmp_path / "no" / "such" / "plan.ics"
    elif where == "directory":
        target = tmp_path / "plan.ics"
        target.mkdir()
    code, out, err = run(capsys, *ASSOCIATE_ARGS, "--ics", "" if where == "empty" else str(target))
    assert_one_error_line(code, out, err, "--ics" if where == "empty" else "plan.ics")
    if where == "directory":
        assert target.is_dir() and list(target.iterdir()) == []
        assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]  # temporary file removed


# Root is not stopped by a read-only folder, so as root the command drops to uid and gid
# 65534 ("nobody") before it writes. It cannot start as nobody: the Python interpreter may be
# installed where only root can read, so it runs once as root first (every module it needs
# is then loaded) and drops its rights for the run that counts. The run that counts reads the
# bundled catalogue again, so ceplan and its catalogue are copied where nobody can read them
# (the checkout may be in a folder only root may enter).
AS_USER = f"""\
import contextlib, io, os, sys
from ceplan.cli.main import main

warm_up, argv = sys.argv[1], sys.argv[2:]
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    assert main([*argv, "--ics", warm_up]) == 0
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid({NOBODY})
    os.setuid({NOBODY})
    assert os.geteuid() == {NOBODY}
sys.exit(main(argv))
"""


def copy_for_everyone(base: Path) -> Path:
    """A copy of the ``ceplan`` under test and of its bundled catalogue in ``base``, that every
    user can read; the folder to put on the new process's ``PYTHONPATH``."""
    source = base / "source"
    package = Path(ceplan.__file__).resolve().parent
    shutil.copytree(package, source / "ceplan", ignore=shutil.ignore_patterns("__pycache__"))
    bundled = bundled_catalog_path()
    if not bundled.is_relative_to(package):  # a checkout: at the top, beside the package
        shutil.copyfile(bundled, source / bundled.name)
    for folder, _, files in os.walk(source):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return source


def run_as_user(base: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``ceplan`` in a new process, as nobody when run by root, with the catalogue cache off.

    The process imports the copy :func:`copy_for_everyone` made in ``base``.
    """
    source = str(base / "source")
    return subprocess.run(
        [sys.executable, "-c", AS_USER, str(base / "warm-up.ics"), *argv],
        cwd=base,
        env={**os.environ, "CEPLAN_CACHE_DIR": "", "HOME": str(base), "PYTHONPATH": source},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder every user can enter (pytest's own are root's only when run by root), with a
    copy of ceplan they can read."""
    with tempfile.TemporaryDirectory() as name:
        base = Path(name)
        base.chmod(0o755)
        copy_for_everyone(base)
        yield base


def user_folder(base: Path, name: str, mode: int) -> Path:
    """A folder owned by whoever ``run_as_user`` runs as, with ``mode``."""
    folder = base / name
    folder.mkdir()
    if os.geteuid() == 0:
        os.chown(folder, NOBODY, NOBODY)
    folder.chmod(mode)
    return folder


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="POSIX file permissions")
def test_cli_read_only_folder_is_one_error_line(shared_folder: Path, plan: ceplan.Plan) -> None:
    # The same user can write the calendar into a folder of its own that it may write to...
    writable = user_folder(shared_folder, "writable", 0o700)
    done = run_as_user(shared_folder, *ASSOCIATE_ARGS, "--ics", str(writable / "plan.ics"))
    assert done.returncode == 0, done.stderr
    expected = ceplan.plan_to_ics(plan, programme=ceplan.load_catalog().programme)
    assert (writable / "plan.ics").read_bytes() == expected
    assert (writable / "plan.ics").stat().st_uid == (NOBODY if os.geteuid() == 0 else os.geteuid())
    # ...but not into one that is read-only, and it says so in one line.
    locked = user_folder(shared_folder, "locked", 0o500)
    failed = run_as_user(shared_folder, *ASSOCIATE_ARGS, "--ics", str(locked / "plan.ics"))
    assert_one_error_line(failed.returncode, failed.stdout, failed.stderr, "plan.ics")
    assert "Permission denied" in failed.stderr
    assert list(locked.iterdir()) == []


def test_cli_writes_no_calendar_without_a_plan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "plan.ics"
    too_late = ["--tier", "associate", "--today", "2026-11-29", "--expires", "2026-12-01"]
    code, _, err = run(capsys, "optimise", *too_late, "--ics", str(target))
    assert code == 1
    assert not target.exists()
    assert "no calendar written" in err
    target.write_bytes(b"kept")
    code, _, _ = run(capsys, "optimise", *too_late, "--format", "json", "--ics", str(target))
    assert code == 1
    assert target.read_bytes() == b"kept"


def deny_in(folder: Path, real: Callable[..., Any]) -> Callable[..., Any]:
    """``real``, failing as a read-only ``folder`` would for the files in it.

    Only those: ``os`` is shared with everything else (the solver writes files of its own).
    """

    def denied(*args: Any, **kwargs: Any) -> Any:
        named = (*args, *kwargs.values())
        paths = [Path(arg) for arg in named if isinstance(arg, str | os.PathLike)]
        if any(folder in (path, path.parent) for path in paths):
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)

    return denied


@pytest.mark.parametrize("step", ["create", "rename"])
def test_cli_permission_denied_is_one_error_line_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
) -> None:
    # Works for root too, whom a read-only folder does not stop.
    if step == "create":
        monkeypatch.setattr(os, "open", deny_in(tmp_path, os.open))
    else:
        monkeypatch.setattr(os, "replace", deny_in(tmp_path, os.replace))
    code, out, err = run(capsys, *ASSOCIATE_ARGS, "--ics", str(tmp_path / "plan.ics"))
    assert_one_error_line(code, out, err, "plan.ics", "Permission denied")
    assert list(tmp_path.iterdir()) == []


def test_an_exam_the_catalogue_gives_no_hours_for_says_so_rather_than_0_hours() -> None:
    catalog = ceplan.load_catalog()
    one = ceplan.optimise(catalog, "professional", today=dt.date(2026, 11, 29))
    assert [item.hours_given for item in one.planned] == [False]  # the bundled core exam
    texts = [str(event["DESCRIPTION"]) for event in item_events(ceplan.plan_to_ics(one))]
    assert texts and all("Hours: not given\n" in text for text in texts)
    team = ceplan.plan_team(catalog, "examples/team.yaml", today=dt.date(2026, 11, 29))
    calendars = team_to_ics(team, catalog)
    exams = [
        str(event["DESCRIPTION"])
        for calendar in calendars.values()
        for event in item_events(calendar)
        if "Exam: " in str(event["DESCRIPTION"])
    ]
    assert exams and all("Hours: not given\n" in text for text in exams)
