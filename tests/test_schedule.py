"""Plans over time (SPEC section 6): weekly hours, unavailable days, sessions, renewal dates.

Every plan here is checked by :func:`check_schedule`, an independent reading of section 6 written
from the catalogue data alone (it imports nothing from ceplan's scheduling code):

- weeks start on ``today`` and run seven days, the last one cut at ``complete_by``;
- the capacity rule of SPEC 6, as ceplan documents it (``ceplan/weeks.py``): no week holds more
  than ``hours_per_week`` self-study hours, however it is cut or shared with days away, and a
  week with no available day holds none;
- hours are placed by week: an item may have hours in a week holding an available day of its
  window ``[max(today, available_from), do-by]``; an exam's preparation is in weeks that start
  on or before its sitting day (its ``finish``);
- a dated session books its own days, all of them available, and takes no self-study hours.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.candidates.items import shrink, usable_items
from ceplan.cli.main import main
from ceplan.weeks import Calendar
from tests.conftest import examples

from .conftest import TODAY, catalog_data

DAY = dt.timedelta(days=1)
SLACK = 1e-6
SOLVERS = ("auto", "cbc", "highs")
PREFIXES = ["80 credits: ", "40 credits + 1 professional exam: "]
NEEDS = re.compile(r"not enough to finish in time; this path needs at least ([0-9.]+) hours a week")
TWO_PATHS = [{"credits": 80}, {"credits": 40, "exams": {"professional": 1}}]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def after(days: int) -> dt.date:
    day: dt.date = TODAY + days * DAY
    return day


def activity(item_id: str, credits: float, cost: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        "title": item_id.upper(),
        "type": "online-course",
        "credits": credits,
        "cost": cost,
        **extra,
    }


def exam(item_id: str, cost: float, **extra: Any) -> dict[str, Any]:
    return {"id": item_id, "title": item_id.upper(), "kind": "professional", "cost": cost, **extra}


def build(data: dict[str, Any]) -> ceplan.Catalog:
    return ceplan.Catalog.model_validate(data)


# -- the independent checker --------------------------------------------------------------------


@dataclass(frozen=True)
class Days:
    """The person's days from ``today`` to ``complete_by``, as section 6 describes them."""

    today: dt.date
    complete_by: dt.date
    unavailable: tuple[tuple[dt.date, dt.date], ...] = ()

    def available(self, day: dt.date) -> bool:
        if not self.today <= day <= self.complete_by:
            return False
        return not any(first <= day <= last for first, last in self.unavailable)

    def all_available(self, first: dt.date, last: dt.date) -> bool:
        return all(self.available(first + n * DAY) for n in range((last - first).days + 1))

    def any_available(self, first: dt.date, last: dt.date) -> bool:
        return any(self.available(first + n * DAY) for n in range((last - first).days + 1))

    def weeks(self) -> dict[dt.date, tuple[dt.date, int]]:
        """Week start -> (last day, available days)."""
        result = {}
        start = self.today
        while start <= self.complete_by:
            end = min(start + 6 * DAY, self.complete_by)
            days = sum(self.available(start + n * DAY) for n in range((end - start).days + 1))
            result[start] = (end, days)
            start += 7 * DAY
        return result


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def raw_items(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    items = {a["id"]: {**a, "is_exam": False} for a in data["activities"]}
    items.update({e["id"]: {**e, "is_exam": True} for e in data["exams"]})
    return items


def check_schedule(
    plan: ceplan.Plan,
    data: Mapping[str, Any],
    *,
    hours_per_week: float | None = None,
    unavailable: Sequence[tuple[dt.date, dt.date]] = (),
) -> None:
    """Assert every rule of section 6 on a found ``plan`` of the catalogue ``data``."""
    assert plan.found, plan.reasons
    days = Days(plan.today, plan.complete_by, tuple(unavailable))
    weeks = days.weeks()
    items = raw_items(data)
    timeline = plan.timeline
    assert list(timeline.columns) == ["week", "id", "hours"]
    rows: dict[str, dict[dt.date, float]] = defaultdict(dict)
    assert str(timeline["week"].dtype).startswith("datetime64")
    for stamp, item_id, hours in timeline.itertuples(index=False):
        week = stamp.date()
        assert week in weeks, f"{week} is not the start of a week from {plan.today}"
        assert week not in rows[item_id], f"{item_id} has two rows for {week}"
        assert hours > 0, f"{item_id}: {hours} hours in {week}"
        rows[item_id][week] = float(hours)
    planned = {item.id: item for item in plan.planned}
    assert len(planned) == len(plan.planned), "an item is planned twice"
    assert set(rows) <= set(planned), "hours for an item not in the plan"

    # Capacity: no week over hours_per_week; none in a week with no available day.
    per_week: dict[dt.date, float] = defaultdict(float)
    for by_week in rows.values():
        for week, hours in by_week.items():
            per_week[week] += hours
    for week, total in per_week.items():
        end, available_days = weeks[week]
        assert available_days > 0, f"{total} hours in {week}..{end}, which has no available day"
        if hours_per_week is not None:
            capacity = hours_per_week
            assert total <= capacity + SLACK, f"{total} > {capacity} hours in the week of {week}"
    assert plan.weekly_hours() == [
        {"week": week.isoformat(), "hours": pytest.approx(per_week[week], abs=0.006)}
        for week in sorted(per_week)
    ]

    for item_id, item in planned.items():
        raw = items[item_id]
        last_day = raw.get("retires" if raw["is_exam"] else "expires")
        do_by = min(last_day, plan.complete_by) if last_day else plan.complete_by
        opens = max(plan.today, raw.get("available_from") or plan.today)
        assert item.complete_by == do_by, item_id
        assert item.start is not None and item.finish is not None, item_id
        assert opens <= item.start <= item.finish <= do_by <= plan.complete_by, (
            item_id,
            item.start,
            item.finish,
        )
        assert days.available(item.start), f"{item_id} starts on unavailable {item.start}"
        assert days.available(item.finish), f"{item_id} finishes on unavailable {item.finish}"
        sessions = raw.get("sessions") or []
        if sessions:
            check_session(item, raw, days, do_by)
            assert item_id not in rows, f"session {item_id} uses self-study hours"
            continue
        hours = float(raw.get("hours") or 0)
        if hours == 0:
            assert item_id not in rows, item_id
            continue
        assert sum(rows[item_id].values()) == pytest.approx(hours, rel=1e-6, abs=1e-5), item_id
        for week in rows[item_id]:
            end = weeks[week][0]
            # The week holds an available day of the item's window...
            assert days.any_available(max(week, opens), min(end, do_by)), (item_id, week)
            # ... and lies between the item's start and finish; an exam is prepared for
            # before its sitting day, so its week must hold a day before the sitting.
            assert week <= item.finish, (item_id, week, item.finish)
            if item.is_exam:
                assert days.any_available(max(week, opens), item.finish - DAY), (item_id, week)
            if not item.is_exam:
                assert end >= item.start, (item_id, week, item.start)
        first_week = min(rows[item_id])
        assert item.start <= weeks[first_week][0], (item_id, item.start, first_week)

    # The renewal completes with the last finish; the new cycle starts then.
    renewal = max(item.finish for item in plan.planned if item.finish)
    assert plan.renewal_date == renewal
    period = data["tiers"][plan.tier]["period_years"]
    assert plan.new_expires == add_years(renewal, period)
    assert plan.days_given_up == (plan.expires - renewal).days


def check_session(
    item: ceplan.PlannedItem, raw: Mapping[str, Any], days: Days, do_by: dt.date
) -> None:
    """One session of the activity, attendable, and the cheapest attendable one."""

    attendable = [
        s
        for s in raw["sessions"]
        if s["start"] >= days.today
        and s["end"] <= do_by
        and days.all_available(s["start"], s["end"])
    ]
    booked = [s for s in raw["sessions"] if (s["start"], s["end"]) == (item.start, item.finish)]
    assert len(booked) == 1, f"{item.id}: {item.start}..{item.finish} is not one of its sessions"
    assert booked[0] in attendable, f"{item.id}: session {item.start} cannot be attended"
    assert item.cost == pytest.approx(session_price(raw, booked[0]))
    assert item.cost == pytest.approx(min(session_price(raw, s) for s in attendable)), (
        "not the cheapest"
    )


def session_price(raw: Mapping[str, Any], session: Mapping[str, Any]) -> float:
    return float(session["cost"] if session.get("cost") is not None else raw["cost"])


@dataclass(frozen=True)
class RefItem:
    """An item as the reference search sees it.

    ``finish`` is the day it finishes when that is fixed (an exam's sitting, a session's last
    day, work with no weekly limit or no hours); ``weeks`` maps each week it may do self-study
    in to the last day it could work there, when its hours count against a weekly limit.
    """

    id: str
    is_exam: bool
    kind: str | None
    credits: float
    cents: int
    hours: float
    span: tuple[int, int] | None
    finish: dt.date
    weeks: dict[int, dt.date]


@dataclass(frozen=True)
class Ranked:
    """The first plan in the order of SPEC 3 and 6, as the reference search finds it."""

    cents: int
    hours: float
    renewal: dt.date | None
    ids: tuple[str, ...]
    path: int


LAST_HOURS = 0.01  # SPEC 6 as the README words it: finishing in a week means working 0.01 h there


def reference_items(
    data: Mapping[str, Any], days: Days, hours_per_week: float | None
) -> list[RefItem]:
    today, complete_by = days.today, days.complete_by
    items = []
    for raw in raw_items(data).values():
        last = raw.get("retires" if raw["is_exam"] else "expires")
        opens = raw.get("available_from")
        if (last is not None and last < today) or (opens is not None and opens > complete_by):
            continue
        do_by = min(last, complete_by) if last else complete_by
        hours = float(raw.get("hours") or 0)
        credits = 0.0 if raw["is_exam"] else float(raw["credits"])
        common = {"id": raw["id"], "is_exam": raw["is_exam"], "kind": raw.get("kind")}
        if raw.get("sessions"):
            options = [
                (session_price(raw, s), -s["start"].toordinal(), s["end"])
                for s in raw["sessions"]
                if s["start"] >= today
                and s["end"] <= do_by
                and days.all_available(s["start"], s["end"])
            ]
            if options:
                price, _, end = min(options)
                items.append(
                    RefItem(
                        **common,
                        credits=credits,
                        cents=round(price * 100),
                        hours=hours,
                        span=None,
                        finish=end,
                        weeks={},
                    )
                )
            continue
        start = max(today, opens or today)
        window = [
            day for n in range((do_by - start).days + 1) if days.available(day := start + n * DAY)
        ]
        if not window:
            continue
        spread = hours > 0 and hours_per_week is not None
        dated = hours_per_week is not None or bool(days.unavailable)
        if raw["is_exam"] and hours > 0 and dated:
            # SPEC 6: preparation comes before the sitting, on the last available day.
            sitting = window[-1]
            window = [day for day in window if day < sitting]
            if not window:
                continue
            items.append(
                RefItem(
                    **common,
                    credits=credits,
                    cents=round(float(raw["cost"]) * 100),
                    hours=hours,
                    span=span_of(window, today),
                    finish=sitting,
                    weeks={},
                )
            )
            continue
        weeks: dict[int, dt.date] = {}
        if spread and not raw["is_exam"]:
            for day in window:
                weeks[(day - today).days // 7] = day  # the window's last day in each week
        span = span_of(window, today)
        items.append(
            RefItem(
                **common,
                credits=credits,
                cents=round(float(raw["cost"]) * 100),
                hours=hours,
                span=span if hours else None,
                finish=window[-1],
                weeks=weeks,
            )
        )
    return items


def span_of(window: Sequence[dt.date], today: dt.date) -> tuple[int, int]:
    """The first and last week (counted from ``today``) of a run of days."""
    return ((window[0] - today).days // 7, (window[-1] - today).days // 7)


def first_by_search(
    data: Mapping[str, Any],
    *,
    today: dt.date,
    complete_by: dt.date,
    hours_per_week: float | None,
    unavailable: Sequence[tuple[dt.date, dt.date]] = (),
) -> Ranked | None:
    """The first plan in the full order of SPEC 3 and 6, by trying every subset.

    Cheapest, then fewest hours, then (with weekly hours or days away) the latest renewal,
    then fewest items, then the smallest sorted ids, then the first path. Only irredundant
    plans count (dropping any item leaves the path unmet), so the renewal is the day the path
    is met: the latest finish of any item in some schedule that fits.

    A set fits iff for every run of weeks ``[a, b]`` the self-study hours of the items whose
    weeks lie within it are at most the run's capacity (Hall's condition, which is enough when
    each item's weeks are a run of weeks). An item finishes in week ``w`` in some fitting
    schedule iff the set still fits with 0.01 h of it (less if it or the week holds less)
    placed in ``w`` first.
    """
    days = Days(today, complete_by, tuple(unavailable))
    weeks = list(days.weeks().values())
    capacity = [
        math.inf if hours_per_week is None else hours_per_week * (available > 0)
        for _, available in weeks
    ]
    items = reference_items(data, days, hours_per_week)
    paths = data["tiers"]["pro"]["paths"]
    dated = hours_per_week is not None or bool(unavailable)

    def meets(path: Mapping[str, Any], chosen: Sequence[RefItem]) -> bool:
        credits = sum(item.credits for item in chosen)
        return credits >= path.get("credits", 0) - 1e-6 and all(
            sum(1 for item in chosen if item.is_exam and item.kind == kind) >= count
            for kind, count in path.get("exams", {}).items()
        )

    def fits(chosen: Sequence[RefItem], placed: tuple[RefItem, int, float] | None = None) -> bool:
        left = list(capacity)
        need = {item.id: item.hours for item in chosen}
        if placed is not None:
            item, week, hours = placed
            left[week] -= hours
            need[item.id] -= hours
            if left[week] < -1e-9:
                return False
        spans = [(item.span, need[item.id]) for item in chosen if item.span is not None]
        for first in {span[0] for span, _ in spans}:
            for last in {span[1] for span, _ in spans}:
                total = sum(h for (a, b), h in spans if first <= a and b <= last)
                if total > sum(left[first : last + 1]) + 1e-6:
                    return False
        return True

    def latest(chosen: Sequence[RefItem]) -> dt.date | None:
        best_day = None
        for item in chosen:
            day = item.finish
            if item.weeks:
                least = min(LAST_HOURS, item.hours, hours_per_week or LAST_HOURS)
                day = next(
                    (
                        item.weeks[w]
                        for w in sorted(item.weeks, reverse=True)
                        if fits(chosen, (item, w, least))
                    ),
                    today,
                )
            best_day = day if best_day is None else max(best_day, day)
        return best_day

    best = None
    for size in range(len(items) + 1):
        for chosen in itertools.combinations(items, size):
            irredundant = [
                n
                for n, path in enumerate(paths)
                if meets(path, chosen)
                and not any(meets(path, [c for c in chosen if c is not i]) for i in chosen)
            ]
            if not irredundant or not fits(chosen):
                continue
            renewal = latest(chosen) if dated else None
            ranked = Ranked(
                cents=sum(item.cents for item in chosen),
                hours=round(sum(item.hours for item in chosen), 6),
                renewal=renewal,
                ids=tuple(sorted(item.id for item in chosen)),
                path=min(irredundant),
            )
            if best is None or order(ranked) < order(best):
                best = ranked
    return best


def order(ranked: Ranked) -> tuple[Any, ...]:
    renewal = -ranked.renewal.toordinal() if ranked.renewal else -(10**8)
    return (ranked.cents, ranked.hours, renewal, len(ranked.ids), ranked.ids, ranked.path)


def assert_is_first(plan: ceplan.Plan, best: Ranked) -> None:
    """The plan is the reference's first plan in every stage of the order."""
    assert round(plan.total_cost * 100) == best.cents, plan
    assert plan.total_hours == pytest.approx(best.hours), plan
    if best.renewal is not None:
        assert plan.renewal_date == best.renewal, (plan, best)
    assert tuple(sorted(item.id for item in plan.planned)) == best.ids, (plan, best)
    assert plan.path_index == best.path, (plan, best)


def test_the_checker_catches_broken_schedules() -> None:
    """The checker itself: a good plan passes, and each kind of tampering with it is caught."""
    data = catalog_data(activities=[activity("a", 80, 10, hours=34, expires=d("2026-12-19"))])
    holiday = [(d("2026-12-06"), d("2026-12-09"))]
    inputs: dict[str, Any] = {"today": TODAY, "expires": d("2027-06-01"), "unavailable": holiday}
    plan = ceplan.optimise(build(data), "pro", hours_per_week=14, **inputs)
    check_schedule(plan, data, hours_per_week=14, unavailable=holiday)
    (item,) = plan.planned
    week = (d("2026-12-06"), "a", 14.0)  # as late as possible: 6 + 14 + 14
    broken = [
        # 15 hours in the week of 2026-12-06: at most 14.
        replace(
            plan,
            timeline_rows=(
                (TODAY, "a", 5.0),
                (week[0], "a", 15.0),
                plan.timeline_rows[2],
            ),
        ),
        replace(plan, timeline_rows=plan.timeline_rows[1:]),  # 28 of its 34 hours
        replace(plan, timeline_rows=(*plan.timeline_rows, (d("2026-12-20"), "a", 1.0))),
        replace(plan, planned=(replace(item, start=d("2026-12-07")),)),  # on holiday
        replace(plan, planned=(replace(item, finish=d("2026-12-20")),)),  # after its do-by date
        replace(plan, renewal_date=d("2026-12-18")),
        replace(plan, new_expires=d("2029-12-20")),
        replace(plan, days_given_up=0),
    ]
    assert plan.timeline_rows[1] == week
    for bad in broken:
        with pytest.raises(AssertionError):
            check_schedule(bad, data, hours_per_week=14, unavailable=holiday)


# -- capacity and windows -----------------------------------------------------------------------

HOLIDAYS = [(d("2027-01-01"), d("2027-01-20")), (d("2027-03-03"), d("2027-03-04"))]


def windows_catalog() -> dict[str, Any]:
    data: dict[str, Any] = catalog_data(
        activities=[
            activity("a-course", 40, 100, hours=30),
            activity(
                "b-window",
                40,
                100,
                hours=12,
                available_from=d("2027-01-10"),
                expires=d("2027-03-03"),
            ),
            activity("c-late", 20, 300, hours=5, available_from=d("2027-04-01")),
            activity("d-free", 20, 0, hours=0, expires=d("2027-02-14")),
        ],
        exams=[exam("e-exam", 300, hours=40, retires=d("2027-05-02"))],
        paths=TWO_PATHS,
    )
    return data


@pytest.mark.parametrize("hours_per_week", [None, 2.5, 4, 7, 40])
@pytest.mark.parametrize("unavailable", [[], HOLIDAYS], ids=["always", "holidays"])
def test_weekly_hours_and_windows_are_respected(
    hours_per_week: float | None, unavailable: list[tuple[dt.date, dt.date]]
) -> None:
    """Self-study per week within the pro-rated capacity, each item in its own window, and the
    first plan in the full order that fits (as :func:`first_by_search` finds it)."""
    data = windows_catalog()
    plan = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-06-01"),
        hours_per_week=hours_per_week,
        unavailable=unavailable,
    )
    best = first_by_search(
        data,
        today=TODAY,
        complete_by=d("2027-06-01"),
        hours_per_week=hours_per_week,
        unavailable=unavailable,
    )
    if not plan.found:  # only the weekly hours can stop these plans
        assert best is None
        assert hours_per_week is not None and hours_per_week < 5, plan.reasons
        assert all("not enough" in reason for reason in plan.reasons), plan.reasons
        return
    assert best is not None
    assert_is_first(plan, best)
    check_schedule(plan, data, hours_per_week=hours_per_week, unavailable=unavailable)


def test_a_week_partly_on_holiday_still_holds_the_weekly_hours() -> None:
    """The per-week rule on a hand-worked case: 14 hours a week, one 42-hour course.

    Weeks start on Sunday 2026-11-29. The course can be done from 2026-11-29 to 2026-12-19
    (3 weeks); 2026-12-06..2026-12-09 (4 days) are unavailable, but the week keeps its 14
    hours on its 3 other days: 14 + 14 + 14 = 42 hours. With 13.9 hours a week it cannot fit.
    """
    data = catalog_data(
        activities=[activity("a", 80, 10, hours=42, expires=d("2026-12-19"))],
    )
    holiday = [(d("2026-12-06"), d("2026-12-09"))]
    plan = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-06-01"),
        hours_per_week=14,
        unavailable=holiday,
    )
    check_schedule(plan, data, hours_per_week=14, unavailable=holiday)
    weekly = {row["week"]: row["hours"] for row in plan.weekly_hours()}
    assert weekly == {"2026-11-29": 14, "2026-12-06": 14, "2026-12-13": 14}
    assert (plan.planned[0].start, plan.planned[0].finish) == (TODAY, d("2026-12-19"))
    plan = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-06-01"),
        hours_per_week=13.9,
        unavailable=holiday,
    )
    assert plan.status == "infeasible"


def test_an_exam_is_sat_on_an_available_day_after_its_preparation() -> None:
    """The exam retires on 2027-03-01, but 2027-02-26..2027-03-01 are unavailable."""
    data = catalog_data(
        exams=[exam("e", 300, hours=20, retires=d("2027-03-01"))],
        paths=[{"credits": 0, "exams": {"professional": 1}}],
    )
    holiday = [(d("2027-02-26"), d("2027-03-01"))]
    plan = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-06-01"),
        hours_per_week=3,
        unavailable=holiday,
    )
    check_schedule(plan, data, hours_per_week=3, unavailable=holiday)
    (sat,) = plan.planned
    assert sat.finish == d("2027-02-25")  # the last available day by the do-by date
    assert plan.renewal_date == d("2027-02-25")
    assert max(plan.timeline["week"]).date() <= sat.finish


def test_no_work_in_a_window_that_is_all_holiday() -> None:
    """An activity whose whole window is unavailable cannot be used; another is then bought."""
    data = catalog_data(
        activities=[
            activity(
                "a-cheap", 80, 10, hours=5, available_from=d("2027-01-04"), expires=d("2027-01-08")
            ),
            activity("b-dear", 80, 90, hours=5),
        ],
    )
    plan = ceplan.optimise(build(data), "pro", today=TODAY, expires=d("2027-06-01"))
    assert [item.id for item in plan.planned] == ["a-cheap"]
    holiday = [(d("2027-01-02"), d("2027-01-09"))]
    plan = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-06-01"),
        hours_per_week=5,
        unavailable=holiday,
    )
    assert [item.id for item in plan.planned] == ["b-dear"]
    check_schedule(plan, data, hours_per_week=5, unavailable=holiday)


# -- sessions -----------------------------------------------------------------------------------


def ilt(item_id: str = "encor-ilt", **extra: Any) -> dict[str, Any]:
    return activity(
        item_id,
        64,
        3995,
        hours=40,
        sessions=[
            {"start": d("2027-02-01"), "end": d("2027-02-05")},
            {"start": d("2027-05-10"), "end": d("2027-05-14"), "cost": 3595},
        ],
        **extra,
    )


@pytest.mark.parametrize(
    ("unavailable", "booked", "cost"),
    [
        ([], d("2027-05-10"), 3595),  # the cheaper session's own price
        ([(d("2027-05-14"), d("2027-05-20"))], d("2027-02-01"), 3995),  # last day unavailable
        ([(d("2027-01-25"), d("2027-02-01")), (d("2027-05-01"), d("2027-05-10"))], None, None),
    ],
    ids=["cheaper-session", "cheaper-blocked", "both-blocked"],
)
def test_the_cheapest_attendable_session_is_booked(
    unavailable: list[tuple[dt.date, dt.date]], booked: dt.date | None, cost: float | None
) -> None:
    """Sessions take no self-study hours: one hour a week does not stop a 40-hour class."""
    data = catalog_data(activities=[ilt()], paths=[{"credits": 40}])
    plan = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-09-01"),
        hours_per_week=1,
        unavailable=unavailable,
    )
    if booked is None:
        assert plan.status == "infeasible"
        return
    check_schedule(plan, data, hours_per_week=1, unavailable=unavailable)
    (item,) = plan.planned
    assert (item.start, item.cost) == (booked, cost)
    assert item.finish == booked + 4 * DAY
    assert plan.timeline.empty and plan.weekly_hours() == []
    assert plan.renewal_date == item.finish


def test_a_session_that_began_before_today_or_ends_after_the_do_by_date_is_not_booked() -> None:
    data = catalog_data(
        activities=[ilt(), activity("self-paced", 40, 5000, hours=10)], paths=[{"credits": 40}]
    )
    for today, expires, expected in [
        (d("2027-02-02"), d("2027-09-01"), 3595),  # February has begun: May
        (TODAY, d("2027-05-13"), 3995),  # May ends after the do-by date: February
        (d("2027-02-02"), d("2027-05-13"), 5000),  # neither: the self-paced course
    ]:
        plan = ceplan.optimise(build(data), "pro", today=today, expires=expires, hours_per_week=3)
        assert plan.total_cost == expected, (today, expires)
        check_schedule(plan, data, hours_per_week=3)


def test_at_most_one_session_per_activity_and_sessions_mix_with_self_study() -> None:
    """Two classes with sessions and a self-paced course: each class once, on its own dates."""
    second = activity(
        "ccnp-bootcamp",
        30,
        1000,
        hours=35,
        sessions=[
            {"start": d("2027-03-01"), "end": d("2027-03-03"), "cost": 1200},
            {"start": d("2027-04-05"), "end": d("2027-04-07"), "cost": 900},
            {"start": d("2027-04-12"), "end": d("2027-04-14"), "cost": 900},
        ],
    )
    data = catalog_data(
        activities=[ilt(), second, activity("videos", 20, 50, hours=15)],
        paths=[{"credits": 110}],
    )
    holiday = [(d("2027-04-13"), d("2027-04-13"))]
    plan = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-09-01"),
        hours_per_week=2,
        unavailable=holiday,
    )
    check_schedule(plan, data, hours_per_week=2, unavailable=holiday)
    assert sorted(item.id for item in plan.planned) == ["ccnp-bootcamp", "encor-ilt", "videos"]
    dates = {item.id: (item.start, item.finish) for item in plan.planned}
    assert dates["ccnp-bootcamp"] == (d("2027-04-05"), d("2027-04-07"))
    assert dates["encor-ilt"] == (d("2027-05-10"), d("2027-05-14"))
    assert set(plan.timeline["id"]) == {"videos"}
    assert plan.total_cost == 900 + 3595 + 50


# -- hours that never bind change nothing (section 3 model) --------------------------------------


@st.composite
def small_catalogues(draw: st.DrawFn) -> tuple[dict[str, Any], dt.date]:
    """A few activities (and maybe exams) with hours and optional dates, and an expiry date."""
    horizon = draw(st.integers(3, 120))
    expires = after(horizon)

    def dates(item: dict[str, Any], last_key: str) -> dict[str, Any]:
        first = draw(st.none() | st.integers(-10, horizon + 5))
        last = draw(st.none() | st.integers(-5, horizon + 10))
        if first is not None and last is not None and first > last:
            first, last = last, first
        if first is not None:
            item["available_from"] = after(first)
        if last is not None:
            item[last_key] = after(last)
        return item

    hours = st.none() | st.sampled_from([0, 1, 2.5, 5, 10, 20, 40])
    activities = [
        dates(
            activity(
                f"a{n}",
                draw(st.sampled_from([5, 10, 20, 40])),
                draw(st.sampled_from([0, 50, 100, 150])),
                hours=draw(hours),
            ),
            "expires",
        )
        for n in range(draw(st.integers(1, 4)))
    ]
    exams = [
        dates(exam(f"e{n}", draw(st.sampled_from([100, 200])), hours=draw(hours)), "retires")
        for n in range(draw(st.integers(0, 2)))
    ]
    paths: list[dict[str, Any]] = [{"credits": draw(st.sampled_from([10, 20, 40, 60]))}]
    if exams:
        paths.append({"credits": draw(st.sampled_from([0, 10, 20])), "exams": {"professional": 1}})
    return catalog_data(activities=activities, exams=exams, paths=paths), expires


@settings(max_examples=examples(200))
@given(scenario=small_catalogues(), solver=st.sampled_from(SOLVERS))
def test_hours_that_never_bind_give_the_section_3_plan(
    scenario: tuple[dict[str, Any], dt.date], solver: str
) -> None:
    """With weekly hours H_big = the sum of all hours, status, cost and hours are unchanged.

    Both plans of an example use the same solver. An exam that needs preparation but can be
    sat only on the first day it can be taken has no day to prepare on in a plan over time
    (SPEC 6: preparation comes before the sitting), so both plans leave it out.
    """
    data, expires = scenario
    total = sum(float(item.get("hours") or 0) for item in raw_items(data).values())
    big = max(total, 1.0)
    catalog = build(data)
    unprepared = [
        raw["id"]
        for raw in data["exams"]
        if raw.get("hours")
        and max(TODAY, raw.get("available_from") or TODAY)
        == min(expires, raw.get("retires") or expires)
    ]
    inputs: dict[str, Any] = {
        "today": TODAY,
        "expires": expires,
        "solver": solver,
        "exclude": unprepared,
    }
    plain = ceplan.optimise(catalog, "pro", **inputs)
    timed = ceplan.optimise(catalog, "pro", hours_per_week=big, **inputs)
    assert timed.status == plain.status
    assert timed.total_cost == plain.total_cost
    if plain.found:
        assert timed.total_hours == pytest.approx(plain.total_hours)
        check_schedule(timed, data, hours_per_week=big)
        check_schedule(plain, data)
    else:
        assert timed.reasons == plain.reasons


def test_the_sum_of_all_hours_is_enough_in_a_cut_final_week() -> None:
    """One 10-hour course, available only on complete_by (a one-day final week).

    Section 3 plans it. With ``hours_per_week=10`` no week can exceed 10 hours, so by SPEC 6
    the same plan exists, even though the final week is one day long.
    """
    data = catalog_data(activities=[activity("a", 80, 100, hours=10, available_from=after(7))])
    plain = ceplan.optimise(build(data), "pro", today=TODAY, expires=after(7))
    assert plain.status == "optimal"
    timed = ceplan.optimise(build(data), "pro", today=TODAY, expires=after(7), hours_per_week=10)
    assert timed.status == "optimal", timed.reasons


@st.composite
def constrained(draw: st.DrawFn) -> dict[str, Any]:
    """A small catalogue (sessions too) with a few weekly hours and some unavailable days."""
    data, expires = draw(small_catalogues())
    if draw(st.booleans()):
        start = draw(st.integers(0, (expires - TODAY).days))
        length = draw(st.integers(0, 6))
        price = draw(st.none() | st.sampled_from([0, 40]))
        other = {"start": after(start + 9), "end": after(start + 9 + length), "cost": price}
        data["activities"].append(
            activity(
                "s-class",
                draw(st.sampled_from([10, 40])),
                80,
                hours=16,
                sessions=[{"start": after(start), "end": after(start + length)}, other],
            )
        )
    ranges = []
    for _ in range(draw(st.integers(0, 3))):
        first = draw(st.integers(-3, (expires - TODAY).days))
        ranges.append((after(first), after(first + draw(st.integers(0, 20)))))
    hours_per_week = draw(st.sampled_from([0.5, 1, 3, 8, 25]))
    return {"data": data, "expires": expires, "unavailable": ranges, "hours": hours_per_week}


@settings(max_examples=examples(150))
@given(case=constrained(), solver=st.sampled_from(SOLVERS))
def test_random_plans_over_time_keep_every_rule(case: dict[str, Any], solver: str) -> None:
    """Random catalogues, weekly hours and holidays: the cheapest plan that fits in time (then
    the shortest, the latest renewal, the fewest items, the smallest ids), found by
    :func:`first_by_search`, and every found plan passes the checker.

    When the weekly hours are what stops a path, the hours its reason asks for are enough for
    that path, and (when more than 1.2) 10% fewer are not.
    """
    data, hours, unavailable = case["data"], case["hours"], case["unavailable"]
    catalog = build(data)
    inputs: dict[str, Any] = {
        "today": TODAY,
        "expires": case["expires"],
        "unavailable": unavailable,
        "solver": solver,
    }
    plan = ceplan.optimise(catalog, "pro", hours_per_week=hours, **inputs)
    best = first_by_search(
        data,
        today=TODAY,
        complete_by=case["expires"],
        hours_per_week=hours,
        unavailable=unavailable,
    )
    assert plan.found == (best is not None), plan.reasons
    if plan.found:
        assert best is not None
        assert_is_first(plan, best)
        check_schedule(plan, data, hours_per_week=hours, unavailable=unavailable)
        return
    assert plan.renewal_date is None and plan.timeline.empty
    assert plan.reasons == tuple(b.text for b in plan.blocked)
    if len(plan.blocked) == 1 and plan.blocked[0].path_index is None:
        # Said once for every path: every day of the window is away (or it is too late).
        assert plan.blocked[0].why == "away", plan.reasons
        days = Days(TODAY, case["expires"], tuple(unavailable))
        assert not days.any_available(TODAY, case["expires"]), plan.reasons
        return
    paths = data["tiers"]["pro"]["paths"]
    assert [b.path_index for b in plan.blocked] == list(range(len(paths)))
    for index, (reason, blocked) in enumerate(zip(plan.reasons, plan.blocked, strict=True)):
        match = NEEDS.search(reason)
        assert (match is None) == (blocked.hours_per_week_needed is None), reason
        if not match:
            continue
        needed = float(match.group(1))
        assert blocked.hours_per_week_needed == needed
        assert needed > hours, reason
        enough = ceplan.compare_paths(catalog, "pro", hours_per_week=needed, **inputs)
        assert enough.plans[index].status == "optimal", (reason, enough.plans[index].reasons)
        check_schedule(enough.plans[index], data, hours_per_week=needed, unavailable=unavailable)
        if needed > 1.2:
            short = ceplan.compare_paths(catalog, "pro", hours_per_week=needed * 0.9, **inputs)
            assert short.plans[index].status == "infeasible", reason


# -- infeasible because of the hours ------------------------------------------------------------


@pytest.mark.parametrize(
    "unavailable", [[], [(d("2027-01-10"), d("2027-01-23"))]], ids=["always", "holidays"]
)
def test_too_few_hours_say_how_many_a_week_each_path_needs(
    unavailable: list[tuple[dt.date, dt.date]],
) -> None:
    """Ten weeks to go: 80 credits need 50 hours, 40 credits and the exam at least 60."""
    data = catalog_data(
        activities=[
            activity("a", 40, 100, hours=30),
            activity("b", 40, 100, hours=20, available_from=d("2026-12-20")),
        ],
        exams=[exam("e", 300, hours=40)],
        paths=TWO_PATHS,
    )
    catalog = build(data)
    expires = after(69)  # ten whole weeks
    inputs = {"today": TODAY, "expires": expires, "unavailable": unavailable}
    plan = ceplan.optimise(catalog, "pro", hours_per_week=2, **inputs)
    assert plan.status == "infeasible"
    assert len(plan.reasons) == 2
    needed = []
    for reason, prefix in zip(plan.reasons, PREFIXES, strict=True):
        assert reason.startswith(prefix + "2 hours a week are not enough"), reason
        match = NEEDS.search(reason)
        assert match, reason
        needed.append(float(match.group(1)))
    assert [b.hours_per_week_needed for b in plan.blocked] == needed
    assert plan.hours_per_week_needed == min(needed)
    if not unavailable:
        assert needed == [5, 6]
    for index, hours in enumerate(needed):
        enough = ceplan.compare_paths(catalog, "pro", hours_per_week=hours, **inputs)
        assert enough.plans[index].status == "optimal", (hours, enough.plans[index].reasons)
        check_schedule(enough.plans[index], data, hours_per_week=hours, unavailable=unavailable)
        short = ceplan.compare_paths(catalog, "pro", hours_per_week=hours * 0.9, **inputs)
        assert short.plans[index].status == "infeasible"
        assert "not enough" in short.plans[index].reasons[0]
    plan = ceplan.optimise(catalog, "pro", hours_per_week=min(needed), **inputs)
    assert plan.status == "optimal"


def test_the_weekly_hours_needed_come_from_the_tightest_stretch_of_weeks() -> None:
    """Ten weeks to go, 40 hours in all (4 a week), but 20 of them within the first two weeks.

    Course ``a`` expires after two weeks, so the plan needs 10 hours a week, not the 4 that the
    whole window would suggest: the hours needed come from the tightest stretch of weeks.
    """
    data = catalog_data(
        activities=[
            activity("a", 40, 100, hours=20, expires=after(13)),
            activity("b", 40, 100, hours=20),
        ],
        exams=[],
        paths=[{"credits": 80}],
    )
    catalog = build(data)
    inputs = {"today": TODAY, "expires": after(69)}
    plan = ceplan.optimise(catalog, "pro", hours_per_week=2, **inputs)
    assert plan.status == "infeasible"
    assert plan.hours_per_week_needed == 10
    enough = ceplan.optimise(catalog, "pro", hours_per_week=10, **inputs)
    assert enough.status == "optimal"
    check_schedule(enough, data, hours_per_week=10)
    short = ceplan.optimise(catalog, "pro", hours_per_week=9.9, **inputs)
    assert short.status == "infeasible" and short.hours_per_week_needed == 10


# -- renewal dates ------------------------------------------------------------------------------


def test_renewal_date_new_expiry_and_days_given_up() -> None:
    data = windows_catalog()
    for processing in (0, 7):
        plan = ceplan.optimise(
            build(data),
            "pro",
            today=TODAY,
            expires=d("2027-06-01"),
            processing_days=processing,
            hours_per_week=5,
        )
        check_schedule(plan, data, hours_per_week=5)
        assert plan.complete_by == d("2027-06-01") - processing * DAY
        assert plan.renewal_date == max(item.finish for item in plan.planned if item.finish)
        assert plan.new_expires == add_years(plan.renewal_date, 3)
        assert plan.days_given_up == (d("2027-06-01") - plan.renewal_date).days
        assert plan.days_given_up >= processing


@pytest.mark.parametrize("unavailable", [[], [(d("2027-05-31"), d("2027-06-03"))]])
def test_among_equal_plans_the_later_completion_wins(
    unavailable: list[tuple[dt.date, dt.date]],
) -> None:
    """Two courses alike but for their expiry: the later one, though its id sorts last."""
    data = catalog_data(
        activities=[
            activity("a-early", 40, 100, hours=10, expires=d("2027-03-01")),
            activity("b-late", 40, 100, hours=10, expires=d("2027-06-01")),
        ],
        paths=[{"credits": 40}],
    )
    plan = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-09-01"),
        hours_per_week=5,
        unavailable=unavailable,
    )
    check_schedule(plan, data, hours_per_week=5, unavailable=unavailable)
    assert [item.id for item in plan.planned] == ["b-late"]
    renewal = d("2027-05-30") if unavailable else d("2027-06-01")
    assert plan.renewal_date == renewal
    assert plan.new_expires == add_years(renewal, 3)
    assert plan.days_given_up == (d("2027-09-01") - renewal).days


@pytest.mark.parametrize("hours_per_week", [None, 5])
def test_an_unneeded_free_item_never_pads_a_plan_to_renew_later(
    hours_per_week: float | None,
) -> None:
    """SPEC 3 and 6: plans are irredundant, the renewal is the day the path is met.

    ``a`` and ``b`` (10 credits, 10.00, 2 h) each meet the 10-credit path alone; ``a`` can
    finish by 2027-01-10, ``b`` by 2027-02-10. ``pad`` (5 credits, free, no hours) finishes
    on 2027-05-01 but is never needed. The plan is ``b`` alone, renewing on 2027-02-10: not
    ``a`` + ``pad`` (which would claim 2027-05-01) nor ``b`` + ``pad``.
    """
    data = catalog_data(
        activities=[
            activity("a", 10, 10, hours=2, expires=d("2027-01-10")),
            activity("b", 10, 10, hours=2, expires=d("2027-02-10")),
            activity("pad", 5, 0, hours=0, expires=d("2027-05-01")),
        ],
        paths=[{"credits": 10}],
    )
    away = [(d("2027-06-01"), d("2027-06-02"))]  # a plan over time even without weekly hours
    plan = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-09-01"),
        hours_per_week=hours_per_week,
        unavailable=away,
    )
    check_schedule(plan, data, hours_per_week=hours_per_week, unavailable=away)
    assert [item.id for item in plan.planned] == ["b"]
    assert plan.renewal_date == d("2027-02-10")


def test_an_already_met_path_has_nothing_to_do_and_no_renewal_date() -> None:
    """SPEC 3: earned credits meet the path: no items, optimal, "already met", no dates."""
    data = catalog_data(activities=[activity("a", 10, 0, hours=0)], paths=[{"credits": 10}])
    for extra in ({}, {"hours_per_week": 3.0}, {"unavailable": [(TODAY, d("2026-12-31"))]}):
        plan = ceplan.optimise(
            build(data), "pro", today=TODAY, expires=d("2027-09-01"), earned=12, **extra
        )
        assert (plan.status, plan.already_met, plan.planned) == ("optimal", True, ())
        assert (plan.renewal_date, plan.new_expires, plan.days_given_up) == (None, None, None)
        assert any(note.startswith("already met: recertify now") for note in plan.notes)
        out = plan.to_dict()
        assert (out["renewal_date"], out["days_given_up"], out["already_met"]) == (
            None,
            None,
            True,
        )


def test_the_later_completion_is_the_one_the_hours_allow() -> None:
    """Two plans of 200 GBP, 20 hours and 2 items, with 10 hours a week (weeks from Sunday).

    - 80 credits from ``a-x`` (10 h, only 2026-12-20..2026-12-22) and ``a-y`` (10 h, by
      2026-12-26): ``a-x`` fills the week of 2026-12-20, so ``a-y`` is done by 2026-12-19 and
      the plan completes on 2026-12-22, although ``a-y`` alone could finish on 2026-12-26.
    - 2 exams: ``z-e1`` (10 h, 2026-12-13..2026-12-15) and ``z-e2`` (10 h, by 2026-12-25):
      ``z-e1`` prepared in the week of 2026-12-13, ``z-e2`` in the week of 2026-12-20, sat on
      2026-12-25.

    SPEC 6 prefers the latest completion that respects every limit: the exams (2026-12-25).
    Their ids sort last, so only the renewal stage, not the id tie-break, can choose them.
    """
    data = catalog_data(
        activities=[
            activity("a-x", 40, 100, hours=10, available_from=after(21), expires=after(23)),
            activity("a-y", 40, 100, hours=10, expires=after(27)),
        ],
        exams=[
            exam("z-e1", 100, hours=10, available_from=after(14), retires=after(16)),
            exam("z-e2", 100, hours=10, retires=after(26)),
        ],
        paths=[{"credits": 80}, {"credits": 0, "exams": {"professional": 2}}],
    )
    catalog = build(data)
    inputs: dict[str, Any] = {"today": TODAY, "expires": after(100), "hours_per_week": 10}
    activities_only = ceplan.optimise(catalog, "pro", exclude=["z-e1", "z-e2"], **inputs)
    exams_only = ceplan.optimise(catalog, "pro", exclude=["a-x", "a-y"], **inputs)
    for plan in (activities_only, exams_only):
        check_schedule(plan, data, hours_per_week=10)
        assert (plan.total_cost, plan.total_hours, len(plan.planned)) == (200, 20, 2)
    assert activities_only.renewal_date == d("2026-12-22")
    assert exams_only.renewal_date == d("2026-12-25")
    plan = ceplan.optimise(catalog, "pro", **inputs)
    check_schedule(plan, data, hours_per_week=10)
    assert [item.id for item in plan.planned] == ["z-e1", "z-e2"]
    assert plan.renewal_date == d("2026-12-25")


# -- JSON ---------------------------------------------------------------------------------------


def test_json_has_dates_renewal_and_a_weekly_timeline() -> None:
    data = windows_catalog()
    inputs: dict[str, Any] = {
        "today": TODAY,
        "expires": d("2027-06-01"),
        "hours_per_week": 4,
        "unavailable": HOLIDAYS,
    }
    plan = ceplan.optimise(build(data), "pro", **inputs)
    check_schedule(plan, data, hours_per_week=4, unavailable=HOLIDAYS)
    text = plan.to_json()
    assert ceplan.optimise(build(data), "pro", **inputs).to_json() == text  # byte for byte
    out = json.loads(text)
    for item in out["activities"] + out["exams"]:
        planned = next(p for p in plan.planned if p.id == item["id"])
        assert planned.start is not None and planned.finish is not None
        assert item["start"] == planned.start.isoformat()
        assert item["finish"] == planned.finish.isoformat()
    renewal = plan.renewal_date
    assert renewal is not None
    assert out["renewal_date"] == renewal.isoformat()
    assert out["new_expires"] == add_years(renewal, 3).isoformat()
    assert out["days_given_up"] == (d("2027-06-01") - renewal).days
    assert isinstance(out["days_given_up"], int)
    totals = plan.timeline.groupby("week")["hours"].sum()
    assert [row["week"] for row in out["timeline"]] == [w.date().isoformat() for w in totals.index]
    assert all(set(row) == {"week", "hours"} for row in out["timeline"])
    assert [row["hours"] for row in out["timeline"]] == pytest.approx(list(totals), abs=0.006)
    # No sessions here: every hour of the plan is self-study on the timeline.
    assert sum(row["hours"] for row in out["timeline"]) == pytest.approx(
        out["total_hours"], abs=0.05
    )


def test_json_of_an_infeasible_timed_plan_has_no_dates() -> None:
    data = windows_catalog()
    plan = ceplan.optimise(
        build(data), "pro", today=TODAY, expires=d("2027-06-01"), hours_per_week=0.5
    )
    out = json.loads(plan.to_json())
    assert out["status"] == "infeasible"
    assert (out["renewal_date"], out["new_expires"], out["days_given_up"]) == (None, None, None)
    assert out["timeline"] == []


# -- the command line ---------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # pragma: no cover - argparse exits only for --help
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_catalog(write_catalog: Callable[..., Path]) -> tuple[Path, dict[str, Any]]:
    data = windows_catalog()
    return write_catalog(data), data


def base_args(path: Path) -> list[str]:
    return ["optimise", "--tier", "pro", "--catalog", str(path), "--today", str(TODAY)]


def test_cli_hours_per_week_and_repeated_unavailable(
    capsys: pytest.CaptureFixture[str], cli_catalog: tuple[Path, dict[str, Any]]
) -> None:
    path, data = cli_catalog
    argv = [
        *base_args(path),
        "--expires",
        "2027-06-01",
        "--hours-per-week",
        "4",
        "--unavailable",
        "2027-01-01:2027-01-20",
        "--unavailable",
        "2027-03-03:2027-03-04",
        "--format",
        "json",
    ]
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    again = run(capsys, *argv)
    assert again == (0, out, "")  # byte-identical
    result = json.loads(out)
    assert result["hours_per_week"] == 4
    assert result["unavailable"] == [["2027-01-01", "2027-01-20"], ["2027-03-03", "2027-03-04"]]
    library = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2027-06-01"),
        hours_per_week=4,
        unavailable=HOLIDAYS,
    )
    check_schedule(library, data, hours_per_week=4, unavailable=HOLIDAYS)
    assert out == library.to_json() + "\n"
    code, table, err = run(capsys, *argv[:-2])
    assert (code, err) == (0, "")
    assert table.strip()


def test_cli_too_few_hours_exit_1_with_the_hours_needed(
    capsys: pytest.CaptureFixture[str], cli_catalog: tuple[Path, dict[str, Any]]
) -> None:
    path, _ = cli_catalog
    code, out, _ = run(
        capsys,
        *base_args(path),
        "--expires",
        "2027-06-01",
        "--hours-per-week",
        "0.5",
        "--format",
        "json",
    )
    assert code == 1
    reasons = json.loads(out)["reasons"]
    assert len(reasons) == 2 and all(NEEDS.search(reason) for reason in reasons), reasons


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--hours-per-week", "0"),
        ("--hours-per-week", "-3"),
        ("--hours-per-week", "garbage"),
        ("--hours-per-week", "nan"),
        ("--unavailable", "2027-01-05:2027-01-01"),
        ("--unavailable", "garbage"),
        ("--unavailable", "2027-01-05"),
        ("--unavailable", "2027-02-30:2027-03-01"),
    ],
)
def test_cli_bad_hours_or_ranges_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
    cli_catalog: tuple[Path, dict[str, Any]],
    option: str,
    value: str,
) -> None:
    path, _ = cli_catalog
    code, out, err = run(capsys, *base_args(path), f"{option}={value}")
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert option in err and value.split(":")[0] in err, err
    code, _, err = run(capsys, *base_args(path), option, value)
    assert code == 2 and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": -1}, "hours_per_week"),
        ({"hours_per_week": math.inf}, "hours_per_week"),
        ({"unavailable": [(d("2027-01-05"), d("2027-01-01"))]}, "ends before it starts"),
        ({"unavailable": [(d("2027-01-05"),)]}, "pair"),
    ],
)
def test_library_refuses_bad_hours_and_ranges(inputs: dict[str, Any], words: str) -> None:
    with pytest.raises(ceplan.CeplanError, match=words):
        ceplan.optimise(build(windows_catalog()), "pro", today=TODAY, **inputs)


# -- pruning before the solve keeps the first plan ---------------------------------------------


@st.composite
def with_twins(draw: st.DrawFn) -> dict[str, Any]:
    """A :func:`constrained` case whose first activity has twins: the same credits, price and
    hours, other dates. Dominance must keep the twin a best plan needs."""
    case = draw(constrained())
    data = case["data"]
    first = data["activities"][0]
    for n in range(draw(st.integers(1, 3))):
        twin = {**first, "id": f"twin-{n}"}
        twin.pop("available_from", None)
        twin.pop("expires", None)
        offset = draw(st.integers(0, (case["expires"] - TODAY).days))
        if draw(st.booleans()):
            twin["expires"] = after(offset)
        else:
            twin["available_from"] = after(offset)
        data["activities"].append(twin)
    return case


@settings(max_examples=examples(150))
@given(case=constrained() | with_twins(), slack=st.none() | st.integers(0, 5000))
def test_timed_pruning_keeps_the_first_plan(case: dict[str, Any], slack: int | None) -> None:
    """``shrink`` for plans over time (dominance in time, a price ceiling at least the best
    plan's cost) drops only items the first plan of the full order never needs."""
    data, hours, unavailable = case["data"], case["hours"], case["unavailable"]
    search = {
        "today": TODAY,
        "complete_by": case["expires"],
        "hours_per_week": hours,
        "unavailable": unavailable,
    }
    best = first_by_search(data, **search)
    calendar = Calendar(
        today=TODAY, end=case["expires"], unavailable=tuple(unavailable), hours_per_week=hours
    )
    catalog = build(data)
    candidates = usable_items(catalog, today=TODAY, complete_by=case["expires"], calendar=calendar)
    ceiling = None if best is None or slack is None else best.cents + slack
    rules = list(catalog.tiers["pro"].paths)
    kept = {
        c.id for c in shrink(candidates, rules, 0.0, {}, timed=True, capacity=True, ceiling=ceiling)
    }
    pruned = {
        **data,
        "activities": [a for a in data["activities"] if a["id"] in kept],
        "exams": [e for e in data["exams"] if e["id"] in kept],
    }
    assert first_by_search(pruned, **search) == best


def test_days_away_are_named_when_they_are_what_stops_a_path() -> None:
    """The only exam can be sat only in the fortnight away: the exam path says so."""
    data = catalog_data(
        activities=[activity("a", 10, 10, hours=1)],
        exams=[exam("e", 100, available_from=d("2026-12-02"), retires=d("2026-12-10"))],
        paths=[{"credits": 80}, {"credits": 0, "exams": {"professional": 1}}],
    )
    away = [(d("2026-12-01"), d("2026-12-14"))]
    plan = ceplan.optimise(
        build(data), "pro", today=TODAY, expires=d("2027-06-01"), unavailable=away
    )
    assert plan.status == "infeasible"
    credits, exams = plan.blocked
    assert credits.why == "credits" and "because of the days away" not in credits.text
    assert exams.why == "away"
    assert exams.text.endswith("(because of the days away: 2026-12-01 to 2026-12-14)")
    everywhere = ceplan.optimise(
        build(data),
        "pro",
        today=TODAY,
        expires=d("2026-12-10"),
        unavailable=away + [(TODAY, d("2026-12-01"))],
    )
    (reason,) = everywhere.reasons
    assert reason == "away every day from 2026-11-29 to 2026-12-10: nothing can be done in time"


def test_exam_preparation_comes_before_the_sitting_day() -> None:
    """SPEC 6. A 3-hour exam sat on Monday 2027-01-11 (its do-by date); weeks start on Monday
    2027-01-04, so the week of the sitting holds only the sitting day: at 2 h a week the
    preparation does not fit before it; at 3 h it all goes in the week before. Sat on the
    first day it can be, it has no day to prepare on at all, and the reason says so."""
    data = catalog_data(
        exams=[exam("e", 10, hours=3)], paths=[{"credits": 0, "exams": {"professional": 1}}]
    )
    inputs: dict[str, Any] = {"today": d("2027-01-04"), "expires": d("2027-01-11")}
    short = ceplan.optimise(build(data), "pro", hours_per_week=2, **inputs)
    assert short.status == "infeasible" and short.hours_per_week_needed == 3
    plan = ceplan.optimise(build(data), "pro", hours_per_week=3, **inputs)
    (sat,) = plan.planned
    assert sat.finish == d("2027-01-11")
    assert [(w.date(), h) for w, _, h in plan.timeline.itertuples(index=False)] == [
        (d("2027-01-04"), 3.0)
    ]
    same_day = ceplan.optimise(
        build(data), "pro", today=d("2027-01-11"), expires=d("2027-01-11"), hours_per_week=5
    )
    (reason,) = same_day.reasons
    assert reason.endswith("(an exam needs a day to prepare before its sitting)")
