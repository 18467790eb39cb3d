"""Calendar export (SPEC section 6): ``plan_to_ics`` and ``ceplan optimise --ics FILE``.

Every calendar is parsed back with ``icalendar`` and checked against the plan it came from:
one all-day event per item on the item's dates, reminders 90, 60, 30 and 7 days before the
do-by date, stable UIDs, and the same bytes for the same plan.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import icalendar
import pytest

import ceplan
from ceplan.cli import main
from ceplan.ics import REMINDER_DAYS
from tests.conftest import make_catalog

TODAY = dt.date(2026, 11, 29)
EXPIRES = dt.date(2028, 6, 30)
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


# -- helpers ------------------------------------------------------------------------------------


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
    assert made.found and made.items, made.reasons
    assert made.hours_per_week == 2
    return made


def events(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def with_items(plan: ceplan.Plan, data: bytes) -> Iterator[tuple[icalendar.Event, Any]]:
    """Each event with the plan's item whose id its description names."""
    items = {item.id: item for item in plan.items}
    for event in events(data):
        match = re.search(r"^Id: (\S+)$", str(event["DESCRIPTION"]), re.MULTILINE)
        assert match, event["DESCRIPTION"]
        yield event, items[match.group(1)]


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


def hand_plan(*items: ceplan.PlannedItem, **fields: Any) -> ceplan.Plan:
    values: dict[str, Any] = {
        "status": "optimal",
        "tier": "pro",
        "currency": "GBP",
        "today": TODAY,
        "expires": dt.date(2027, 6, 30),
        "complete_by": dt.date(2027, 6, 23),
        "path": None,
        "items": items,
    }
    values.update(fields)
    return ceplan.Plan(**values)


def trigger_days(event: icalendar.Event) -> list[dt.datetime]:
    return sorted(alarm["TRIGGER"].dt for alarm in event.walk("VALARM"))


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


# -- the calendar -------------------------------------------------------------------------------


def test_the_calendar_names_ceplan_and_is_version_2(plan: ceplan.Plan) -> None:
    data = ceplan.plan_to_ics(plan, programme="Cisco Continuing Education Program")
    calendar = icalendar.Calendar.from_ical(data)
    assert "ceplan" in str(calendar["PRODID"])
    assert str(calendar["VERSION"]) == "2.0"
    assert "Cisco Continuing Education Program" in str(calendar["X-WR-CALNAME"])
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded as RFC 5545 asks


def test_one_all_day_event_per_item_on_the_plans_dates(plan: ceplan.Plan) -> None:
    data = ceplan.plan_to_ics(plan)
    assert len(events(data)) == len(plan.items)
    seen = set()
    for event, planned in with_items(plan, data):
        seen.add(planned.id)
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date  # all day, not a date-time
        assert start == planned.start
        assert end == planned.finish + dt.timedelta(days=1)  # exclusive end
        assert planned.title in str(event["SUMMARY"])
        assert f"{planned.credits:g} CE credits for the associate renewal" in str(event["SUMMARY"])
    assert seen == {planned.id for planned in plan.items}
    assert data.count(b"DTSTART;VALUE=DATE:") == len(plan.items)


def test_descriptions_give_id_credits_cost_hours_and_do_by(plan: ceplan.Plan) -> None:
    for event, planned in with_items(plan, ceplan.plan_to_ics(plan)):
        text = str(event["DESCRIPTION"])
        assert f"Credits: {planned.credits:g} ({planned.type})" in text
        assert f"Cost: {planned.cost:,.2f} {plan.currency}" in text
        assert f"Hours: {planned.hours:g}" in text
        assert f"Do by: {planned.complete_by.isoformat()}" in text


def test_four_reminders_at_nine_utc_counted_back_from_the_do_by_date(plan: ceplan.Plan) -> None:
    data = ceplan.plan_to_ics(plan)
    for event, planned in with_items(plan, data):
        alarms = list(event.walk("VALARM"))
        assert len(alarms) == 4
        assert all(str(alarm["ACTION"]) == "DISPLAY" for alarm in alarms)
        assert all(str(alarm["DESCRIPTION"]) for alarm in alarms)
        expected = [
            dt.datetime.combine(planned.complete_by - dt.timedelta(days=days), dt.time(9))
            for days in sorted(REMINDER_DAYS, reverse=True)
        ]
        triggers = trigger_days(event)
        assert all(when.utcoffset() == dt.timedelta(0) for when in triggers)
        assert [when.replace(tzinfo=None) for when in triggers] == expected
    # an absolute trigger must say so: TRIGGER is a DURATION by default
    assert data.count(b"TRIGGER;VALUE=DATE-TIME:") == 4 * len(plan.items)
    assert re.findall(rb"TRIGGER[;:][^\r]*", data)[0].endswith(b"T090000Z")


def test_uids_are_unique_and_the_same_plan_gives_the_same_bytes(plan: ceplan.Plan) -> None:
    first = ceplan.plan_to_ics(plan)
    again = ceplan.plan_to_ics(associate_plan())  # solved again from scratch
    assert first == again
    uids = [str(event["UID"]) for event in events(first)]
    assert len(set(uids)) == len(uids) == len(plan.items)
    assert uids == [str(event["UID"]) for event in events(again)]


def test_dtstamp_comes_from_the_plans_today_not_the_clock(plan: ceplan.Plan) -> None:
    for event in events(ceplan.plan_to_ics(plan)):
        assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


def test_uid_is_kept_when_the_same_certification_is_planned_again_later() -> None:
    # A later plan for the same certification updates the events instead of adding new ones.
    earlier = hand_plan(item())
    later = hand_plan(item(start=dt.date(2027, 3, 1), finish=dt.date(2027, 3, 7)))
    later = replace(later, today=dt.date(2027, 2, 1))
    (old,), (new,) = events(ceplan.plan_to_ics(earlier)), events(ceplan.plan_to_ics(later))
    assert old["UID"] == new["UID"]
    assert new.decoded("DTSTAMP") > old.decoded("DTSTAMP")
    other_tier = replace(earlier, tier="expert")
    other_cycle = replace(earlier, expires=dt.date(2030, 6, 30))
    assert events(ceplan.plan_to_ics(other_tier))[0]["UID"] != old["UID"]
    assert events(ceplan.plan_to_ics(other_cycle))[0]["UID"] != old["UID"]


def test_reminders_before_today_are_left_out() -> None:
    do_by = dt.date(2027, 6, 23)
    late = hand_plan(
        item(start=do_by - dt.timedelta(days=20), finish=do_by), today=do_by - dt.timedelta(40)
    )
    (event,) = events(ceplan.plan_to_ics(late))
    assert [when.date() for when in trigger_days(event)] == [
        do_by - dt.timedelta(days=30),
        do_by - dt.timedelta(days=7),
    ]
    on_the_day = replace(late, today=do_by - dt.timedelta(days=7))
    (event,) = events(ceplan.plan_to_ics(on_the_day))
    assert [when.date() for when in trigger_days(event)] == [do_by - dt.timedelta(days=7)]


def test_an_item_without_dates_sits_on_its_do_by_date() -> None:
    undated = item(start=None, finish=None)
    (event,) = events(ceplan.plan_to_ics(hand_plan(undated)))
    assert event.decoded("DTSTART") == undated.complete_by
    assert event.decoded("DTEND") == undated.complete_by + dt.timedelta(days=1)
    assert len(list(event.walk("VALARM"))) == 4


def test_text_is_escaped_and_survives_the_round_trip() -> None:
    title = 'Routing; "BGP", OSPF & IS-IS — für Fortgeschrittene \\ part 2'
    data = ceplan.plan_to_ics(hand_plan(item(title=title)), programme="Prog, with; marks")
    (event,) = events(data)
    assert str(event["SUMMARY"]).startswith(title)
    assert "Programme: Prog, with; marks" in str(event["DESCRIPTION"])
    data.decode("utf-8")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_exams_sessions_and_foreign_prices() -> None:
    catalog = make_catalog(
        paths=[{"credits": 40, "exams": {"professional": 1}}],
        activities=[
            {
                "id": "ilt",
                "title": "Instructor-led class",
                "type": "instructor-led",
                "credits": 40,
                "cost": 500,
                "hours": 40,
                "sessions": [{"start": dt.date(2027, 2, 1), "end": dt.date(2027, 2, 5)}],
            }
        ],
        exams=[
            {
                "id": "pro-exam",
                "title": "Professional exam",
                "kind": "professional",
                "cost": 300,
                "currency": "USD",
                "hours": 10,
            }
        ],
        exchange_rates={"USD": 0.5},
        rates_as_of=TODAY,
    )
    plan = ceplan.optimise(
        catalog, "pro", today=TODAY, expires=dt.date(2027, 6, 30), hours_per_week=5
    )
    assert plan.found, plan.reasons
    found = {planned.id: event for event, planned in with_items(plan, ceplan.plan_to_ics(plan))}
    assert set(found) == {"ilt", "pro-exam"}
    assert str(found["ilt"]["TRANSP"]) == "OPAQUE"  # a dated class books its days
    assert found["ilt"].decoded("DTSTART") == dt.date(2027, 2, 1)
    assert found["ilt"].decoded("DTEND") == dt.date(2027, 2, 6)
    exam = found["pro-exam"]
    assert str(exam["TRANSP"]) == "TRANSPARENT"  # self-study does not make you busy
    assert "professional exam" in str(exam["SUMMARY"])
    assert "Exam: professional" in str(exam["DESCRIPTION"])
    assert "Cost: 150.00 GBP (listed at 300.00 USD)" in str(exam["DESCRIPTION"])


def test_a_plan_without_items_gives_a_calendar_without_events() -> None:
    data = ceplan.plan_to_ics(hand_plan())
    assert events(data) == []
    assert b"PRODID:" in data


@pytest.mark.parametrize("status", ["infeasible", "unknown"])
def test_no_calendar_for_a_plan_that_was_not_found(status: str) -> None:
    with pytest.raises(ceplan.PlanInputError, match=status):
        ceplan.plan_to_ics(hand_plan(status=status))


# -- the command line ---------------------------------------------------------------------------


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
    assert len(events(target.read_bytes())) == len(plan.items)
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]  # no temporary file left
    assert target.stat().st_mode & 0o777 == 0o644  # as open() would, not mkstemp's 0600


def test_cli_help_explains_ics(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "optimise", "--help")
    assert code == 0
    assert "--ics FILE" in out
    assert "iCalendar" in out


@pytest.mark.parametrize("where", ["missing-folder", "directory", "read-only-folder", "empty"])
def test_cli_unwritable_calendar_is_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str
) -> None:
    if where == "missing-folder":
        target = tmp_path / "no" / "such" / "plan.ics"
    elif where == "directory":
        target = tmp_path / "plan.ics"
        target.mkdir()
    elif where == "read-only-folder":
        if os.name != "posix" or os.geteuid() == 0:
            pytest.skip("needs a user that permissions apply to")
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        target = folder / "plan.ics"
    code, out, err = run(capsys, *ASSOCIATE_ARGS, "--ics", "" if where == "empty" else str(target))
    if where == "read-only-folder":
        (tmp_path / "locked").chmod(0o700)
    assert_one_error_line(code, out, err, "--ics" if where == "empty" else "plan.ics")
    if where == "directory":
        assert target.is_dir() and list(target.iterdir()) == []
        assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]  # temporary file removed


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


@pytest.mark.parametrize("step", ["create", "rename"])
def test_cli_permission_denied_is_one_error_line_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
) -> None:
    # Works for root too, whom a read-only folder does not stop.
    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    ceplan.load_catalog()  # cached before the file system starts failing
    if step == "create":
        monkeypatch.setattr("ceplan._files.tempfile.mkstemp", denied)
    else:
        monkeypatch.setattr("ceplan._files.os.replace", denied)
    code, out, err = run(capsys, *ASSOCIATE_ARGS, "--ics", str(tmp_path / "plan.ics"))
    assert_one_error_line(code, out, err, "plan.ics", "Permission denied")
    assert list(tmp_path.iterdir()) == []
