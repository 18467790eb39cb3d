"""Calendar export (SPEC section 6): ``plan_to_ics`` and ``ceplan optimise --ics FILE``.

Every calendar is parsed back with ``icalendar`` and checked by :func:`check_calendar` against
the plan it came from, with the rules ceplan documents written out again here:

- a self-paced activity is one free (``TRANSPARENT``) event from its planned start to its
  planned finish; a dated session is one busy (``OPAQUE``) event on its own days;
- an exam is a free preparation event from its start to the day before its sitting (only with
  preparation hours and at least one such day) and a separate busy one-day sitting event;
- every event lies within its item's planned dates, and an exam's preparation ends before its
  sitting;
- reminders fire at 09:00 UTC, on or after ``plan.today`` and never after the item's planned
  finish: 1 day before each study, class or preparation starts, 7 days and 1 day before each
  sitting, and 90, 60, 30 and 7 days before the do-by date while the item is planned to be open.

The checker is run on plans from ``ceplan.optimise`` (weekly hours, dated sessions, exams with
and without preparation) and on hand-built plans drawn by hypothesis; a test breaks calendars
on purpose to show that it catches each rule being broken.
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
from ceplan.rendering.ics import REMINDER_DAYS, SITTING_REMINDER_DAYS, START_REMINDER_DAYS, item_uid
from tests.conftest import examples, make_catalog

TODAY = dt.date(2026, 11, 29)
EXPIRES = dt.date(2028, 6, 30)
DAY = dt.timedelta(days=1)
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
    """One event as read back: its item, role, days (last included), busy or not, alarm days."""

    item_id: str
    role: str
    first: dt.date
    last: dt.date
    busy: bool
    alarms: tuple[dt.date, ...]
    uid: str


def events(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def read_entries(data: bytes) -> list[Entry]:
    """Every event of the calendar, checking what each one must hold whatever its item."""
    assert data.count(b"TRIGGER;VALUE=DATE-TIME:") == data.count(b"TRIGGER")  # absolute
    found = []
    for event in events(data):
        match = re.search(r"^Id: (\S+)$", str(event["DESCRIPTION"]), re.MULTILINE)
        assert match, event["DESCRIPTION"]
        summary = str(event["SUMMARY"])
        (role,) = [role for prefix, role in ROLES.items() if summary.startswith(prefix)]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date  # all day, not a date-time
        assert start < end
        alarms = []
        for alarm in event.walk("VALARM"):
            assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])
            when = alarm["TRIGGER"].dt
            assert when.utcoffset() == dt.timedelta(0) and when.time() == dt.time(9)
            alarms.append(when.date())
        transp = str(event["TRANSP"])
        assert transp in ("OPAQUE", "TRANSPARENT")
        found.append(
            Entry(
                item_id=match.group(1),
                role=role,
                first=start,
                last=end - DAY,  # all-day ends are exclusive
                busy=transp == "OPAQUE",
                alarms=tuple(alarms),
                uid=str(event["UID"]),
            )
        )
    return found


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


def expected_alarms(
    plan: ceplan.Plan, planned_item: ceplan.PlannedItem, entry: Entry
) -> set[dt.date]:
    """The days an event's reminders fall on, as ceplan documents them."""
    _, finish = planned_dates(planned_item)
    if entry.role == "sitting":
        days = {entry.first - 7 * DAY, entry.first - DAY}
    else:
        days = {entry.first - DAY}
    if entry.role != "prep":
        days |= {planned_item.complete_by - n * DAY for n in (90, 60, 30, 7)}
    return {day for day in days if plan.today <= day <= finish}


def check_calendar(plan: ceplan.Plan, data: bytes) -> list[Entry]:
    """Assert that the calendar shows exactly what the plan says, as the module docstring says."""
    entries = read_entries(data)
    items = {planned_item.id: planned_item for planned_item in planned(plan)}
    assert len(items) == len(planned(plan))
    assert {entry.item_id for entry in entries} == set(items)
    uids = [entry.uid for entry in entries]
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
        # Reminders: never before today (they would fire on import), never after the finish.
        for entry in mine:
            assert all(plan.today <= day <= finish for day in entry.alarms), (entry, finish)
            assert len(set(entry.alarms)) == len(entry.alarms)
            assert set(entry.alarms) == expected_alarms(plan, planned_item, entry), entry
    return entries


def by_role(entries: list[Entry]) -> dict[tuple[str, str], Entry]:
    return {(entry.item_id, entry.role): entry for entry in entries}


def entries_of(plan: ceplan.Plan) -> list[Entry]:
    """The plan's calendar, checked and read back."""
    return check_calendar(plan, ceplan.plan_to_ics(plan))


def checked(plan: ceplan.Plan) -> list[tuple[Entry, icalendar.Event]]:
    """The plan's calendar, checked, as entries beside the events they were read from."""
    data = ceplan.plan_to_ics(plan)
    return list(zip(check_calendar(plan, data), events(data), strict=True))


def test_the_documented_reminder_days() -> None:
    # The rules check_calendar writes out; the constants are part of ceplan.rendering.ics's
    # interface.
    assert REMINDER_DAYS == (90, 60, 30, 7)
    assert START_REMINDER_DAYS == (1,)
    assert SITTING_REMINDER_DAYS == (7, 1)


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
    for event, entry in zip(events(data), entries, strict=True):
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
    assert exam.start - DAY in prep.alarms
    assert {exam.finish - 7 * DAY, exam.finish - DAY} <= set(sitting.alarms)
    assert max(prep.alarms + sitting.alarms) <= exam.finish


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
    assert ilt.alarms == (dt.date(2027, 1, 31),)  # the day before; the do-by ones are all later


def test_reminders_lead_up_to_the_planned_dates_and_stop_at_the_finish() -> None:
    # Studied 4-10 January, do by 23 June: the do-by reminders would all come after the work.
    early = hand_plan(item())
    (entry,) = entries_of(early)
    assert entry.alarms == (dt.date(2027, 1, 3),)
    # Studied until 30 May: the 90, 60 and 30 day reminders still fall while it is open.
    late = hand_plan(item(start=dt.date(2027, 3, 1), finish=dt.date(2027, 5, 30)))
    (entry,) = entries_of(late)
    assert entry.alarms == (
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 25),
        dt.date(2027, 4, 24),
        dt.date(2027, 5, 24),
    )


def test_an_exams_reminders_go_up_to_the_sitting_and_not_beyond() -> None:
    made = hand_plan(exam_item())  # prep 3 May to 20 June, sat on 21 June, do by 23 June
    prep, sitting = entries_of(made)
    assert prep.alarms == (dt.date(2027, 5, 2),)
    assert sitting.alarms == (
        dt.date(2027, 3, 25),  # 90 days before the do-by date
        dt.date(2027, 4, 24),  # 60
        dt.date(2027, 5, 24),  # 30
        dt.date(2027, 6, 14),  # 7 days before the sitting
        dt.date(2027, 6, 16),  # 7 days before the do-by date
        dt.date(2027, 6, 20),  # 1 day before the sitting
    )


def test_reminders_on_the_same_day_are_given_once() -> None:
    # Sat on the do-by date: 7 days before the sitting is 7 days before the do-by date.
    made = hand_plan(exam_item(finish=dt.date(2027, 6, 23)))
    _, sitting = entries_of(made)
    assert sitting.alarms.count(dt.date(2027, 6, 16)) == 1
    assert len(sitting.alarms) == 5


def test_reminders_before_today_are_left_out() -> None:
    do_by = dt.date(2027, 6, 23)
    late = hand_plan(item(start=do_by - 20 * DAY, finish=do_by), today=do_by - 40 * DAY)
    (entry,) = entries_of(late)
    # The start reminder and the 30 and 7 day ones; 90 and 60 days before would be past.
    assert entry.alarms == (do_by - 30 * DAY, do_by - 21 * DAY, do_by - 7 * DAY)
    on_the_day = replace(late, today=do_by - 7 * DAY)
    (entry,) = entries_of(on_the_day)
    assert entry.alarms == (do_by - 7 * DAY,)
    starts_today = hand_plan(item(start=TODAY, finish=TODAY + DAY, complete_by=TODAY + 5 * DAY))
    (entry,) = entries_of(starts_today)
    assert entry.alarms == ()  # the day before is past, the do-by reminders after the finish


def test_an_item_without_dates_sits_on_its_do_by_date() -> None:
    undated = item(start=None, finish=None)
    made = hand_plan(undated)
    (entry,) = entries_of(made)
    assert entry.first == entry.last == undated.complete_by
    assert len(entry.alarms) == 5  # the day before, and 90, 60, 30 and 7 days before


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
    assert "Cost: 1,234.00 GBP\n" in str(events(ceplan.plan_to_ics(big))[0]["DESCRIPTION"])


def test_the_same_plan_gives_the_same_bytes(plan: ceplan.Plan, mixed: ceplan.Plan) -> None:
    first = ceplan.plan_to_ics(plan)
    again = ceplan.plan_to_ics(associate_plan())  # solved again from scratch
    assert first == again
    assert ceplan.plan_to_ics(mixed) == ceplan.plan_to_ics(mixed_plan(3))


def test_dtstamp_comes_from_the_plans_today_not_the_clock(mixed: ceplan.Plan) -> None:
    for event in events(ceplan.plan_to_ics(mixed)):
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
        assert not set(uids) & {entry.uid for entry in read_entries(ceplan.plan_to_ics(other))}


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
    (event,) = events(data)
    assert str(event["SUMMARY"]).startswith(f"Study: {title} (")
    assert "Programme: Prog, with; marks" in str(event["DESCRIPTION"])
    (alarm,) = event.walk("VALARM")
    assert title in str(alarm["DESCRIPTION"])
    data.decode("utf-8")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_a_plan_without_items_gives_a_calendar_without_events() -> None:
    data = ceplan.plan_to_ics(hand_plan())
    assert events(data) == []
    assert b"PRODID:" in data


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
                hours=draw(st.sampled_from([0, 0.5, 12])),
                complete_by=do_by,
                start=start if dated else None,
                finish=finish if dated else None,
                session=0 if shape == "class" else None,
            )
        )
    return hand_plan(*items, today=today)


@settings(max_examples=examples(200))
@given(hand_plans())
def test_hand_built_plans_check_out(made: ceplan.Plan) -> None:
    data = ceplan.plan_to_ics(made)
    check_calendar(made, data)
    assert ceplan.plan_to_ics(made) == data


# -- the checker catches broken calendars ---------------------------------------------------------


def shift_trigger(event: icalendar.Event, days: int) -> None:
    alarm = next(iter(event.walk("VALARM")))
    when = alarm["TRIGGER"].dt + days * DAY
    alarm.pop("TRIGGER")
    alarm.add("trigger", when, parameters={"VALUE": "DATE-TIME"})


def move_end(event: icalendar.Event, days: int) -> None:
    end = event.decoded("DTEND") + days * DAY
    event.pop("DTEND")
    event.add("dtend", end)


def merge_prep_into_sitting(calendar: icalendar.Calendar) -> None:
    """What ceplan used to write: one event from the start of preparation to the sitting."""
    prep, sitting = calendar.walk("VEVENT")[2:4]
    sitting.pop("DTSTART")
    sitting.add("dtstart", prep.decoded("DTSTART"))
    calendar.subcomponents.remove(prep)


# The events of the mixed plan: 0 study, 1 class, 2 preparation, 3 sitting.
BREAKS: dict[str, Callable[[icalendar.Calendar], None]] = {
    "alarm after the finish": lambda cal: shift_trigger(cal.walk("VEVENT")[0], 365),
    "alarm before today": lambda cal: shift_trigger(cal.walk("VEVENT")[1], -400),
    "alarm a day late": lambda cal: shift_trigger(cal.walk("VEVENT")[3], 1),
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
    calendar = icalendar.Calendar.from_ical(data)
    BREAKS[name](calendar)
    with pytest.raises(AssertionError):
        check_calendar(mixed, calendar.to_ical())


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
