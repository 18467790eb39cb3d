"""Plans over time under catalogue schema 2 (SPEC 6 with SPEC 9's rules), for one person.

Hand-worked cases first (each answer worked out in a comment); then three checks on random
instances: weekly hours that never bind leave the plan as it is without them; every plan keeps
the rules of SPEC 6 as :func:`broken_timing` reads them from the plan alone (written here from
the SPEC, not from the planner); and on tiny catalogues the plan is the first of an exhaustive
search (:func:`best_by_search`) in SPEC 3's order, with its own check that the hours fit (weeks
filled earliest deadline first).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.cli.main import main
from tests.conftest import examples
from tests.schema2_generators import TODAY, scenarios
from tests.test_schema2_planning import activity, catalog_of, catalogue, inputs_of, tier, valid

EXPIRES = dt.date(2028, 6, 30)
DAY = dt.timedelta(days=1)


def plan(data: dict[str, Any], tiers: Any = "alpha", **inputs: Any) -> ceplan.Plan:
    inputs.setdefault("expires", EXPIRES)
    return ceplan.optimise(catalog_of(data), tiers, today=TODAY, **inputs)


def ids(result: ceplan.Plan) -> list[str]:
    return [item.id for item in result.planned]


# -- hand-worked cases -----------------------------------------------------------------------------


def test_weekly_hours_that_bind_choose_the_shorter_item() -> None:
    """10 credits: ``long`` (5.00, 200 hours) or ``short`` (50.00, 10 hours).

    From 2026-11-29 to the do-by date 2028-06-30 there are 83 weeks. Without a limit, and at 4
    hours a week (332 hours), ``long`` is cheapest; at 2 hours a week (166 hours) it does not
    fit, and ``short`` is the plan.
    """
    data = catalogue(
        {"alpha": tier({"credits": 10})},
        [activity("long", 10, 5, hours=200), activity("short", 10, 50, hours=10)],
    )
    assert ids(plan(data)) == ["long"]
    assert ids(plan(data, hours_per_week=4)) == ["long"]
    timed = plan(data, hours_per_week=2)
    assert ids(timed) == ["short"] and timed.total_cost == 50
    # the work is as late as the weeks allow: 2 hours in each of the last 5 weeks
    item = timed.planned[0]
    assert item.finish == EXPIRES
    assert sorted(h for _, _, h in timed.timeline_rows) == [2.0] * 5
    assert item.start == min(week for week, _, _ in timed.timeline_rows)


def test_too_few_weekly_hours_say_how_many_are_needed() -> None:
    """Only ``long`` (200 hours) earns the credits: 200 hours over 83 weeks is 2.41 a week,
    so at least 2.5 (rounded up to a tenth)."""
    data = catalogue({"alpha": tier({"credits": 10})}, [activity("long", 10, 5, hours=200)])
    result = plan(data, hours_per_week=1)
    assert result.status == "infeasible"
    assert result.reasons == (
        "alpha: 1 hour a week is not enough to finish in time; this path needs at least "
        "2.5 hours a week",
    )
    assert result.blocked[0].why == "hours" and result.blocked[0].hours_per_week_needed == 2.5
    assert plan(data, hours_per_week=2.5).status == "optimal"


def test_the_budget_and_the_hours_both_said() -> None:
    """``long`` costs 5.00 and needs 2.5 hours a week: with 4.00 and 1 hour a week, both stop it."""
    data = catalogue({"alpha": tier({"credits": 10})}, [activity("long", 10, 5, hours=200)])
    result = plan(data, hours_per_week=1, budget=4)
    assert result.status == "infeasible"
    (reason,) = result.reasons
    assert "the cheapest plan costs" in reason and "needs at least 2.5 hours a week" in reason


def test_days_away_keep_work_and_dates_off_them() -> None:
    """``a`` is available from 2027-03-01 and expires 2027-03-31, all of which is away but the
    last two days: it starts and finishes on them, its 4 hours in their week."""
    data = catalogue(
        {"alpha": tier({"credits": 5})},
        [
            activity("a", 5, 1, hours=4, available_from="2027-03-01", expires="2027-03-31"),
            activity("b", 5, 30, hours=1),
        ],
    )
    result = plan(data, unavailable=["2027-03-01:2027-03-29"], hours_per_week=10)
    assert ids(result) == ["a"]
    item = result.planned[0]
    assert (item.start, item.finish) == (dt.date(2027, 3, 30), dt.date(2027, 3, 31))
    # away the whole month: only b is left
    assert ids(plan(data, unavailable=["2027-03-01:2027-03-31"])) == ["b"]


def test_days_away_are_said_when_they_stop_every_plan() -> None:
    """``a``, the only item, runs in March 2027 only, all of it away."""
    data = catalogue(
        {"alpha": tier({"credits": 5})},
        [activity("a", 5, 1, hours=4, available_from="2027-03-01", expires="2027-03-31")],
    )
    result = plan(data, unavailable=["2027-03-01:2027-03-31"])
    assert result.reasons == (
        "alpha: 5 credits: at most 0 credits can count by 2028-06-30; 5 are needed (because of "
        "the days away: 2027-03-01 to 2027-03-31)",
    )
    assert result.blocked[0].why == "away"


def test_an_exam_with_hours_needs_a_day_to_prepare_before_its_sitting() -> None:
    """``e`` (10 hours of preparation) can only be sat on 2027-03-01, its first day: in a plan
    over time there is no day before it to prepare; without one, it is planned."""
    data = catalogue(
        {"alpha": tier({"exams": {"core": 1}})},
        [],
        exams=[
            {
                "id": "e",
                "title": "E",
                "kind": "core",
                "cost": 100,
                "hours": 10,
                "available_from": "2027-03-01",
                "retires": "2027-03-01",
            }
        ],
    )
    assert ids(plan(data)) == ["e"]
    result = plan(data, hours_per_week=5)
    assert result.status == "infeasible"
    assert result.reasons[0].endswith("(an exam needs a day to prepare before its sitting)")
    # sat on 2027-03-02 at the latest, prepared on 2027-03-01: the 10 hours in that one week
    data["exams"][0]["retires"] = "2027-03-02"
    assert plan(data, hours_per_week=5).blocked[0].why == "hours"
    timed = plan(data, hours_per_week=10)
    (exam,) = timed.planned
    assert exam.finish == dt.date(2027, 3, 2) and exam.start == dt.date(2027, 3, 1)


def test_a_dated_session_is_planned_on_its_days() -> None:
    """``ilt`` runs twice: 2027-02-01..05 at 400 and 2027-05-10..14 at 300 (the activity costs
    500). Cheapest: the May session; away that week, the February one; away both, ``self``
    (450). A session takes no self-study hours: 1 hour a week is plenty."""
    sessions = [
        {"start": "2027-02-01", "end": "2027-02-05", "cost": 400},
        {"start": "2027-05-10", "end": "2027-05-14", "cost": 300},
    ]
    data = catalogue(
        {"alpha": tier({"credits": 10})},
        [activity("ilt", 10, 500, hours=40, sessions=sessions), activity("self", 10, 450)],
    )
    result = plan(data, hours_per_week=1)
    assert ids(result) == ["ilt"] and result.total_cost == 300
    item = result.planned[0]
    assert (item.session, item.start, item.finish) == (
        1,
        dt.date(2027, 5, 10),
        dt.date(2027, 5, 14),
    )
    assert result.timeline_rows == ()
    away = plan(data, unavailable=["2027-05-12:2027-05-12"])
    assert (ids(away), away.planned[0].session, away.total_cost) == (["ilt"], 0, 400)
    both = plan(data, unavailable=["2027-05-12:2027-05-12", "2027-02-01:2027-02-01"])
    assert ids(both) == ["self"]
    # without weekly hours or days away too (SPEC 6's sessions are part of every plan)
    assert plan(data).planned[0].session == 1


def test_a_session_after_a_do_by_date_counts_only_toward_the_later_tier() -> None:
    """Two tiers without shared credits, 10 credits each: alpha due 2027-03-31, beta
    2028-06-30. ``ilt``'s May session (300) is too late for alpha, its February one (400) is
    in time. ``cheap`` (100, self-paced, 10 credits, expires 2027-01-31) is for either. Best:
    ``cheap`` for alpha and the May session for beta, 400 in all; one session at most."""
    sessions = [
        {"start": "2027-02-01", "end": "2027-02-05", "cost": 400},
        {"start": "2027-05-10", "end": "2027-05-14", "cost": 300},
    ]
    data = catalogue(
        {"alpha": tier({"credits": 10}), "beta": tier({"credits": 10})},
        [
            activity("ilt", 10, 500, sessions=sessions),
            activity("cheap", 10, 100, hours=2, expires="2027-01-31"),
        ],
        shares_credits=False,
    )
    expires = {"alpha": "2027-03-31", "beta": "2028-06-30"}
    result = plan(data, ["alpha", "beta"], expires=expires, hours_per_week=1)
    assert result.total_cost == 400
    toward = {i.id: [c.tier for c in i.counts_toward] for i in result.planned}
    assert toward == {"cheap": ["alpha"], "ilt": ["beta"]}
    assert result.planned[1].session == 1


def test_an_item_finishes_in_the_latest_stretch_it_can() -> None:
    """``a`` may count toward alpha (due 2027-03-31, already met) and beta (due 2028-06-30):
    finishing after alpha's do-by date changes nothing, so it finishes on beta's, its 10 hours
    in the last two weeks."""
    data = catalogue(
        {"alpha": tier({"credits": 10}), "beta": tier({"credits": 10})},
        [activity("a", 10, 5, hours=10)],
        shares_credits=True,
    )
    expires = {"alpha": "2027-03-31", "beta": "2028-06-30"}
    result = plan(data, ["alpha", "beta"], expires=expires, earned={"alpha": 10}, hours_per_week=5)
    (item,) = result.planned
    assert item.finish == dt.date(2028, 6, 30)
    assert [c.tier for c in item.counts_toward] == ["beta"]
    assert len(result.timeline_rows) == 2


def test_a_hard_yearly_minimum_with_weekly_hours() -> None:
    """A 3-year cycle ending 2028-06-30 needs 15 credits and 5 in each cycle year (hard); year
    1 (to 2026-06-30) is over, with 5 credits earned in it. ``early`` (10 credits, 1.00, year 2)
    alone leaves year 3 empty, so year 3 needs ``y3`` (5 credits, 10.00, 20 hours, available
    from 2027-07-01): ``early`` and ``y3``, 11.00. At 1 hour a week the 20 hours fit in year 3;
    at 0.1 (5.2 hours in year 3's 52 weeks) they do not, and nothing else is in year 3."""
    per_year = {"credits": 5, "hard": True}
    data = catalogue(
        {"alpha": tier({"credits": 15}, per_year=per_year)},
        [
            activity("y2", 5, 10, hours=20, expires="2027-06-30"),
            activity("y3", 5, 10, hours=20, available_from="2027-07-01"),
            activity("early", 10, 1, hours=5, expires="2027-06-30"),
        ],
    )
    result = plan(data, earned=5, earned_per_year={1: 5}, hours_per_week=1)
    assert ids(result) == ["early", "y3"] and result.total_cost == 11
    by_id = {i.id: i for i in result.planned}
    assert by_id["early"].finish <= dt.date(2027, 6, 30) < by_id["y3"].start
    short = plan(data, earned=5, earned_per_year={1: 5}, hours_per_week=0.1)
    assert short.status == "infeasible" and short.blocked[0].why == "hours"


def test_yearly_targets_count_by_planned_dates_without_aim_by() -> None:
    """A soft yearly target: a plan over time says what each year gets by its planned dates,
    and gives no aim-by day (the dates are the plan)."""
    data = catalogue(
        {"alpha": tier({"credits": 10}, per_year={"credits": 5, "hard": False})},
        [activity("a", 5, 1, hours=10), activity("b", 5, 1, hours=10)],
    )
    untimed = plan(data)
    assert any(i.aim_by for i in untimed.planned)
    timed = plan(data, hours_per_week=5)
    assert all(i.aim_by is None for i in timed.planned)
    years = {t.year: t.items for t in timed.year_targets}
    for item in timed.planned:
        year = next(t.year for t in timed.year_targets if t.first <= item.finish <= t.last)
        assert item.id in years[year]


def test_the_json_csv_and_ics_show_the_dates(tmp_path: Any) -> None:
    """The ISC2 catalogue at 4 hours a week: every item has a start and a finish, the JSON a
    timeline, the calendar an entry per item."""
    catalog = ceplan.load_catalog("isc2")
    result = ceplan.optimise(
        catalog, "cissp", today="2026-12-07", expires="2028-06-30", hours_per_week=4
    )
    assert result.status == "optimal"
    data = json.loads(result.to_json())
    assert all(i["start"] and i["finish"] for i in [*data["activities"], *data["exams"]])
    assert data["timeline"] and max(sum_by_week(result).values()) <= 4 + 1e-9
    out = io.StringIO()
    ics = tmp_path / "plan.ics"
    with contextlib.redirect_stdout(out):
        code = main(
            [
                "optimise",
                "--catalog",
                "isc2",
                "--tier",
                "cissp",
                "--today",
                "2026-12-07",
                "--expires",
                "2028-06-30",
                "--hours-per-week",
                "4",
                "--ics",
                str(ics),
            ]
        )
    assert code == 0
    text = ics.read_text()
    assert all(item.title in text.replace("\r\n ", "") for item in result.planned)


# -- the rules of SPEC 6, read from a plan alone ---------------------------------------------------


def sum_by_week(result: ceplan.Plan) -> dict[dt.date, float]:
    weeks: dict[dt.date, float] = defaultdict(float)
    for week, _, hours in result.timeline_rows:
        weeks[week] += hours
    return weeks


def away(day: dt.date, ranges: Iterable[tuple[dt.date, dt.date]]) -> bool:
    return any(a <= day <= b for a, b in ranges)


def cycle_years(expires: dt.date, period: int, cycle: str) -> list[tuple[dt.date, dt.date]]:
    """SPEC 9: award years run back from the expiry, calendar years end with its year."""
    if cycle == "calendar":
        return [
            (dt.date(y, 1, 1), dt.date(y, 12, 31))
            for y in range(expires.year - period + 1, expires.year + 1)
        ]

    def back(years: int) -> dt.date:
        try:
            return expires.replace(year=expires.year - years)
        except ValueError:  # 29 February
            return expires.replace(year=expires.year - years, day=28)

    return [(back(period - k + 1) + DAY, back(period - k)) for k in range(1, period + 1)]


def broken_timing(
    data: dict[str, Any],
    inputs: Mapping[str, Any],
    result: ceplan.Plan,
    hours_per_week: float,
    unavailable: list[tuple[dt.date, dt.date]],
) -> list[str]:
    """Every rule of SPEC 6 (with SPEC 9's deadlines and yearly minimums) the plan breaks."""
    broken: list[str] = []
    today = inputs["today"]
    by_id = {a["id"]: a for a in data["activities"]} | {e["id"]: e for e in data["exams"]}
    days = inputs["processing_days"]
    if days is None:
        days = data.get("processing_days", 0)
    complete_by = {t: e - dt.timedelta(days=days) for t, e in inputs["expires"].items()}
    through = {h.tier: h.renewed_through for h in result.held}
    for week, hours in sum_by_week(result).items():
        if hours > hours_per_week + 1e-6:
            broken.append(f"week of {week}: {hours} hours")
        if all(away(week + n * DAY, unavailable) for n in range(7)):
            broken.append(f"week of {week}: work in a week away")
    work: dict[str, list[tuple[dt.date, float]]] = defaultdict(list)
    for week, item_id, hours in result.timeline_rows:
        work[item_id].append((week, hours))
    for item in result.planned:
        source = by_id[item.id]
        start, finish = item.start, item.finish
        assert start is not None and finish is not None
        last = source.get("expires") or source.get("retires")
        if start > finish or start < max(today, source.get("available_from") or today):
            broken.append(f"{item.id}: starts on {start}")
        if last is not None and finish > last:
            broken.append(f"{item.id}: finishes on {finish}, after its last day")
        if item.session is not None:
            session = source["sessions"][item.session]
            if (start, finish) != (session["start"], session["end"]):
                broken.append(f"{item.id}: not on its session's days")
            if any(away(start + n * DAY, unavailable) for n in range((finish - start).days + 1)):
                broken.append(f"{item.id}: a session on a day away")
            if work.get(item.id):
                broken.append(f"{item.id}: a session with self-study hours")
            continue
        if away(start, unavailable) or away(finish, unavailable):
            broken.append(f"{item.id}: starts or finishes on a day away")
        done = math.fsum(h for _, h in work.get(item.id, []))
        if item.hours > 0 and abs(done - item.hours) > 1e-6:
            broken.append(f"{item.id}: {done} of {item.hours} hours planned")
        for week, _ in work.get(item.id, []):
            if week + 6 * DAY < start or week > finish:
                broken.append(f"{item.id}: hours in the week of {week}, outside its dates")
            if item.is_exam and week >= finish:
                broken.append(f"{item.id}: preparation not before the sitting")
        for claim in item.counts_toward:
            tiers = [claim.tier, *(t for t, via in through.items() if via == claim.tier)]
            if any(finish > complete_by[t] for t in tiers):
                broken.append(f"{item.id}: finishes after {claim.tier}'s do-by date")
    for name, rule in data["tiers"].items():
        per_year = rule.get("per_year")
        if name not in complete_by or through.get(name) or not per_year or not per_year.get("hard"):
            continue
        cap = rule.get("caps", {}).get("per_activity", math.inf)
        years = cycle_years(
            inputs["expires"][name], rule.get("period_years", 3), rule.get("cycle", "award")
        )
        earned = inputs["earned_per_year"].get(name, {})
        for number, (first, last) in enumerate(years, start=1):
            got = earned.get(number, 0) + math.fsum(
                min(by_id[i.id]["credits"], cap)
                for i in result.planned
                if not i.is_exam
                and any(c.tier == name for c in i.counts_toward)
                and first <= i.finish <= last  # type: ignore[operator]
            )
            if got < per_year["credits"] - 1e-6:
                broken.append(f"{name}: cycle year {number} has {got} credits")
    return broken


@st.composite
def timed_scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], float, list[Any]]:
    """A random schema 2 scenario with dated sessions on some activities, weekly hours and
    days away."""
    scenario = draw(scenarios(max_items=6, max_tiers=2))
    data = scenario.catalogue
    for item in data["activities"]:
        if draw(st.booleans()):  # enough hours, now and then, for the weekly limit to bind
            item["hours"] = draw(st.sampled_from([1, 5, 20, 60]))
        if draw(st.integers(0, 2)):
            continue
        opens = item.get("available_from", TODAY - 60 * DAY)
        closes = item.get("expires", TODAY + 3 * 365 * DAY)
        sessions = []
        for _ in range(draw(st.integers(1, 3))):
            start = TODAY + draw(st.integers(-5, 700)) * DAY
            end = start + draw(st.integers(0, 4)) * DAY
            if opens <= start and end <= closes:
                cost = draw(st.sampled_from([None, 0, 0, 3]))
                sessions.append(
                    {"start": start, "end": end, **({"cost": cost} if cost is not None else {})}
                )
        if sessions:
            item["sessions"] = sessions
    inputs = inputs_of(scenario.person)
    hours = draw(st.sampled_from([0.5, 1, 2, 5]))
    unavailable = []
    days = sorted({s["start"] for i in data["activities"] for s in i.get("sessions", [])})
    if draw(st.booleans()):  # now and then, the first day of some sessions away
        unavailable.extend((day, day) for day in days if draw(st.booleans()))
    for _ in range(draw(st.integers(0, 2))):
        start = TODAY + draw(st.integers(0, 700)) * DAY
        unavailable.append((start, start + draw(st.integers(0, 60)) * DAY))
    return data, inputs, hours, unavailable


@settings(max_examples=examples(25), deadline=None)
@given(timed_scenarios())
def test_every_timed_plan_keeps_the_rules_of_spec_6(
    case: tuple[dict[str, Any], dict[str, Any], float, list[Any]],
) -> None:
    data, inputs, hours, unavailable = case
    assume(valid(data))
    tiers = inputs.pop("tier")
    ranges = [f"{a}:{b}" for a, b in unavailable]
    result = ceplan.optimise(
        catalog_of(data), tiers, **inputs, hours_per_week=hours, unavailable=ranges
    )
    inputs["tier"] = tiers
    if result.status != "optimal":
        assert result.status == "infeasible" and result.reasons
        return
    assert broken_timing(data, inputs, result, hours, unavailable) == []


def exams_can_be_prepared(data: dict[str, Any], inputs: Mapping[str, Any]) -> bool:
    """Whether every exam with hours has a day to prepare before any sitting it may have."""
    days = inputs["processing_days"]
    days = data.get("processing_days", 0) if days is None else days
    first_due = min(inputs["expires"].values()) - dt.timedelta(days=days)
    for exam in data["exams"]:
        opens = max(TODAY, exam.get("available_from") or TODAY)
        if exam.get("hours") and opens >= min(exam.get("retires") or first_due, first_due):
            return False
    return True


@settings(max_examples=examples(25), deadline=None)
@given(scenarios(max_items=7, max_tiers=2))
def test_weekly_hours_that_never_bind_change_nothing(scenario: Any) -> None:
    """At 168 hours a week (every hour of it) the few hours of a small catalogue always fit:
    the plan is the plan without a limit (items and cost)."""
    data = scenario.catalogue
    assume(valid(data))
    inputs = inputs_of(scenario.person)
    assume(exams_can_be_prepared(data, inputs))
    tiers = inputs.pop("tier")
    untimed = ceplan.optimise(catalog_of(data), tiers, **inputs)
    timed = ceplan.optimise(catalog_of(data), tiers, **inputs, hours_per_week=168)
    assert timed.status == untimed.status
    assert ids(timed) == ids(untimed)
    assert timed.total_cost == untimed.total_cost


# -- an exhaustive search on tiny catalogues -------------------------------------------------------


def fits(items: list[dict[str, Any]], hours_per_week: float, today: dt.date) -> bool:
    """Whether the items' hours fit the weeks: filled week by week, earliest deadline first.

    Earliest deadline first is optimal for work that may be split (a week's hours shared among
    items), each between its first and last week.
    """
    left = {i["id"]: float(i["hours"]) for i in items}
    week = lambda day: (day - today).days // 7  # noqa: E731
    windows = {i["id"]: (week(i["first"]), week(i["last"])) for i in items}
    for w in range(max((b for _, b in windows.values()), default=-1) + 1):
        room = hours_per_week
        for item_id in sorted(left, key=lambda i: (windows[i][1], i)):
            a, b = windows[item_id]
            if a <= w <= b and left[item_id] > 0:
                done = min(room, left[item_id])
                left[item_id] -= done
                room -= done
        if any(windows[i][1] == w and left[i] > 1e-9 for i in left):
            return False
    return all(hours <= 1e-9 for hours in left.values())


def best_by_search(
    items: list[dict[str, Any]], need: float, hours_per_week: float, today: dt.date
) -> tuple[int, float, int, tuple[str, ...]] | None:
    """The first plan in SPEC 3's order (cost, hours, count, ids) that fits, by trying every set."""
    best = None
    for size in range(len(items) + 1):
        for chosen in itertools.combinations(items, size):
            if sum(i["credits"] for i in chosen) < need or not fits(
                list(chosen), hours_per_week, today
            ):
                continue
            key = (
                sum(round(i["cost"] * 100) for i in chosen),
                sum(i["hours"] for i in chosen),
                size,
                tuple(sorted(i["id"] for i in chosen)),
            )
            best = key if best is None or key < best else best
    return best


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 6),  # credits
            st.sampled_from([0, 1, 5, 10, 20]),  # cost
            st.sampled_from([0, 2, 5, 10, 20]),  # hours
            st.integers(0, 60),  # first day after today
            st.integers(0, 120),  # days open
        ),
        min_size=2,
        max_size=4,
    ),
    st.integers(1, 12),
    st.sampled_from([1, 2, 4]),
)
def test_tiny_plans_are_the_first_of_an_exhaustive_search(
    rows: list[tuple[int, int, int, int, int]], need: int, hours_per_week: int
) -> None:
    expires = TODAY + 100 * DAY
    items = []
    for n, (credits, cost, hours, opens, length) in enumerate(rows):
        first = TODAY + opens * DAY
        last = first + length * DAY
        items.append(
            activity(
                f"a{n}",
                credits,
                cost,
                hours=hours,
                available_from=first,
                expires=last,
            )
            | {"first": first, "last": min(last, expires)}
        )
    usable = [i for i in items if i["first"] <= i["last"]]
    data = catalogue(
        {"alpha": tier({"credits": need})},
        [{k: v for k, v in i.items() if k not in ("first", "last")} for i in items],
    )
    result = ceplan.optimise(
        catalog_of(data),
        "alpha",
        today=TODAY,
        expires=expires,
        processing_days=0,
        hours_per_week=hours_per_week,
    )
    best = best_by_search(usable, need, hours_per_week, TODAY)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    got = (
        round(result.total_cost * 100),
        result.total_hours,
        len(result.planned),
        tuple(sorted(ids(result))),
    )
    assert got == best
