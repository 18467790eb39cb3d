"""Tests of the schema 2 reference planner (tests/schema2_reference.py) itself.

Hand-worked cases, one per rule of SPEC 9, each with its answer worked out in a comment; then
properties: it agrees with the schema 1 reference of ``test_properties`` where both apply, with a
plain enumeration of every way to use every set of items on tiny instances, and its counting of
credits agrees with an enumeration of every whole-credit claim; its best plans are valid and
irredundant; shared credits never cost more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import test_properties as schema1
from tests.conftest import examples
from tests.schema2_generators import TODAY, Scenario, scenarios
from tests.schema2_reference import (
    REST,
    Held,
    Person,
    Plan,
    Use,
    World,
    broken_rules,
    check,
    cycle_years,
    most_counted,
    path_met,
    renewable,
    solve,
    world,
)

EXPIRES = dt.date(2028, 6, 30)


# -- building small catalogues -----------------------------------------------------------------


def activity(item_id: str, credits: float, cost: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        "title": item_id,
        "type": "course",
        "credits": credits,
        "cost": cost,
        **extra,
    }


def tier(*paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"label": "T", "period_years": 3, "paths": list(paths), "source": "test", **extra}


def catalogue(
    tiers: dict[str, dict[str, Any]], activities: list[dict[str, Any]], **top: Any
) -> dict[str, Any]:
    return {
        "schema": 2,
        "programme": "Test programme",
        "currency": "USD",
        "exchange_rates": {"EUR": 1.25},
        "rates_as_of": TODAY,
        "as_of": TODAY,
        "processing_days": 0,
        "categories": {c: {"label": c} for c in ("group-a", "group-b", "biz", "power", "ways")},
        "tiers": tiers,
        "exams": top.pop("exams", []),
        "activities": activities,
        **top,
    }


def person(**held: Held | dt.date) -> Person:
    """A person holding the tiers named, each a :class:`Held` or just its expiry date."""
    return Person(
        today=TODAY,
        held={t: h if isinstance(h, Held) else Held(expires=h) for t, h in held.items()},
    )


def best(data: dict[str, Any], who: Person) -> Plan:
    plan = solve(data, who)
    assert plan is not None
    assert check(data, who, plan.uses, plan.via) == []
    return plan


# -- hand-worked cases -------------------------------------------------------------------------

CISSP = tier({"credits": 120, "min": {"group-a": 90}, "max": {"group-b": 30}})
ISC2_ITEMS = [
    activity("a-5", 5, 40, categories={"group-a": 5}),
    activity("a-25", 25, 120, categories={"group-a": 25}),
    activity("b-20", 20, 45, categories={"group-b": 20}),
    activity("b-30", 30, 60, categories={"group-b": 30}),
    activity("mix", 20, 70, categories={"group-a": 10, "group-b": 10}),
    activity("n-5", 5, 20),
]


def test_cissp_with_95_group_a_earned_buys_the_cheapest_25_more() -> None:
    # 95 Group A earned: Group A's 90 is met, 25 more credits of any kind are needed, Group B
    # counting up to 30. b-30 alone counts 30 for 60.00; b-20 + n-5 cost 65.00, mix + n-5 90.00,
    # a-25 120.00. So b-30.
    who = person(cissp=Held(EXPIRES, earned=95, earned_by_category={"group-a": 95}))
    plan = best(catalogue({"cissp": CISSP}, ISC2_ITEMS), who)
    assert (plan.cents, plan.ids, plan.paths) == (6000, ("b-30",), {"cissp": (0,)})


def test_earned_credits_above_a_max_do_not_count() -> None:
    # 85 Group A + 35 Group B earned = 120, but Group B counts 30: 115 counted, and Group A is
    # 5 short of 90. n-5 (20.00) reaches 120 but not the 90 Group A; a-5 (40.00) does both.
    who = person(cissp=Held(EXPIRES, earned=120, earned_by_category={"group-a": 85, "group-b": 35}))
    plan = best(catalogue({"cissp": CISSP}, ISC2_ITEMS), who)
    assert (plan.cents, plan.ids) == (4000, ("a-5",))


def test_credits_above_a_category_max_do_not_count_toward_the_total() -> None:
    # 20 credits, giving back ("biz" here) at most 5. gb-10 + n-10 (30.00) would be 20 if all
    # counted, but gb-10 counts 5: 15. Next: gb-10 + n-15 (35.00) = 5 + 15 = 20.
    items = [
        activity("gb-10", 10, 5, categories={"biz": 10}),
        activity("gb-3", 3, 1, categories={"biz": 3}),
        activity("n-10", 10, 25),
        activity("n-15", 15, 30),
    ]
    capped = catalogue({"pmp": tier({"credits": 20, "max": {"biz": 5}})}, items)
    assert best(capped, person(pmp=EXPIRES)).ids == ("gb-10", "n-15")
    free = catalogue({"pmp": tier({"credits": 20})}, items)
    assert best(free, person(pmp=EXPIRES)).ids == ("gb-10", "n-10")


SECURITY_PLUS = person(**{"security-plus": EXPIRES})


def test_comptia_caps_credits_by_type() -> None:
    # Security+: 50 CEUs, webinars count at most 10 in all. Three free 7-credit webinars and
    # course-30 would make 51 for 250.00, but the webinars count 10: 40. With the cap the
    # cheapest is course-30 + course-10 + two webinars (14, counting 10) = 50 for 370.00
    # (course-40 + two webinars: 400.00). The two webinars are the smallest ids of three alike.
    webinars = [activity(f"web-{n}", 7, 0, type="webinar", hours=1) for n in (1, 2, 3)]
    items = [
        *webinars,
        activity("course-10", 10, 120),
        activity("course-30", 30, 250),
        activity("course-40", 40, 400),
    ]
    capped = tier({"credits": 50}, caps={"by_type": {"webinar": 10}})
    plan = best(catalogue({"security-plus": capped}, items), SECURITY_PLUS)
    assert (plan.cents, plan.ids) == (37000, ("course-10", "course-30", "web-1", "web-2"))
    free = best(catalogue({"security-plus": tier({"credits": 50})}, items), SECURITY_PLUS)
    assert (free.cents, free.ids) == (25000, ("course-30", "web-1", "web-2", "web-3"))


def test_a_cap_per_activity() -> None:
    # 40 credits; big-50 (100.00) alone would do, but counts at most 30 from one activity; so
    # big-50 + small-10 (130.00) beats two-20s (2 x 70.00).
    items = [activity("big-50", 50, 100), activity("small-10", 10, 30)]
    items += [activity(f"twenty-{n}", 20, 70) for n in (1, 2)]
    uncapped = catalogue({"cissp": tier({"credits": 40})}, items)
    assert best(uncapped, person(cissp=EXPIRES)).ids == ("big-50",)
    capped = catalogue({"cissp": tier({"credits": 40}, caps={"per_activity": 30})}, items)
    assert best(capped, person(cissp=EXPIRES)).ids == ("big-50", "small-10")


def test_pmp_minimum_per_category() -> None:
    # 60 PDUs, at least 8 in each of three areas; 44 earned, of which 10 "ways" and 8 "power":
    # 16 more are needed, 8 of them "biz". biz-4a + biz-4b + n-16 = 8 biz, 68 in all, for 110.00;
    # mix (8 biz + 8 ways) 120.00; biz-8 + n-16 130.00; n-16 alone (50.00) has no biz.
    pmp = tier({"credits": 60, "min": {"ways": 8, "power": 8, "biz": 8}, "max": {"group-b": 25}})
    items = [
        activity("biz-4a", 4, 30, categories={"biz": 4}),
        activity("biz-4b", 4, 30, categories={"biz": 4}),
        activity("biz-8", 8, 80, categories={"biz": 8}),
        activity("mix", 16, 120, categories={"biz": 8, "ways": 8}),
        activity("n-16", 16, 50),
    ]
    who = person(pmp=Held(EXPIRES, earned=44, earned_by_category={"ways": 10, "power": 8}))
    plan = best(catalogue({"pmp": pmp}, items), who)
    assert (plan.cents, plan.ids) == (11000, ("biz-4a", "biz-4b", "n-16"))


CISA_EXPIRES = dt.date(2028, 12, 31)  # calendar cycle 2026, 2027, 2028; today is in 2026
ISACA_ITEMS = [
    activity("web-2027a", 20, 50, available_from="2027-01-01", expires="2027-12-31"),
    activity("web-2027b", 20, 50, available_from="2027-01-01", expires="2027-12-31"),
    activity("course-any", 20, 100),
    activity("web-2028", 25, 150, available_from="2028-01-01"),
]


def cisa(hard: bool) -> dict[str, Any]:
    return tier({"credits": 120}, cycle="calendar", per_year={"credits": 20, "hard": hard})


def test_isaca_hard_yearly_minimum() -> None:
    # 80 CPE earned, all in 2026 (year 1); 40 more, and 20 in each of 2027 and 2028. The two
    # 2027 webinars (100.00) make 120 but leave 2028 empty; web-2027a + course-any, finishing
    # in 2028, do (150.00); web-2027a + web-2028 would be 200.00. As a warning only, 100.00.
    who = person(cisa=Held(CISA_EXPIRES, earned=80, earned_per_year={1: 80}))
    plan = best(catalogue({"cisa": cisa(hard=True)}, ISACA_ITEMS), who)
    assert (plan.cents, plan.ids) == (15000, ("course-any", "web-2027a"))
    assert plan.uses["course-any"].finish.year == 2028
    soft = best(catalogue({"cisa": cisa(hard=False)}, ISACA_ITEMS), who)
    assert (soft.cents, soft.ids) == (10000, ("web-2027a", "web-2027b"))


def test_a_past_year_short_of_the_minimum_leaves_no_plan() -> None:
    # Cycle 2025-2027: 2025 is over with 10 CPE of the 20 it needed; nothing done now mends it.
    data = catalogue({"cisa": cisa(hard=True)}, ISACA_ITEMS)
    short = Held(dt.date(2027, 12, 31), earned=100, earned_per_year={1: 10, 2: 90})
    assert solve(data, person(cisa=short)) is None
    enough = dataclasses.replace(short, earned_per_year={1: 20, 2: 80})
    # then 20 more, finishing in 2027: web-2027a (50.00)
    assert best(data, person(cisa=enough)).ids == ("web-2027a",)


TWO_TIERS = {"alpha": tier({"credits": 10}), "beta-plus": tier({"credits": 10})}
TWO_ITEMS = [activity("a", 10, 5), activity("b", 10, 7), activity("c", 6, 1)]


def test_two_certifications_with_and_without_shared_credits() -> None:
    # Both need 10 credits. Shared, a (5.00) counts for both; not shared, each credit counts
    # once: a and b (12.00), one toward each; c (6 credits) helps neither alone.
    who = person(alpha=EXPIRES, **{"beta-plus": EXPIRES})
    shared = best(catalogue(TWO_TIERS, TWO_ITEMS, shares_credits=True), who)
    assert (shared.cents, shared.ids) == (500, ("a",))
    assert shared.uses["a"].tiers == {"alpha", "beta-plus"}
    alone = best(catalogue(TWO_TIERS, TWO_ITEMS), who)
    assert (alone.cents, alone.ids) == (1200, ("a", "b"))
    assert {alone.uses["a"].tiers, alone.uses["b"].tiers} == {
        frozenset({"alpha"}),
        frozenset({"beta-plus"}),
    }


def test_counts_for_limits_the_tiers_an_activity_counts_toward() -> None:
    # Shared credits, but a counts only for alpha: b (7.00), counting for both, beats a (5.00)
    # and anything for beta-plus.
    items = [activity("a", 10, 5, counts_for=["alpha"]), activity("b", 10, 7)]
    who = person(alpha=EXPIRES, **{"beta-plus": EXPIRES})
    plan = best(catalogue(TWO_TIERS, items, shares_credits=True), who)
    assert (plan.cents, plan.ids) == (700, ("b",))


def test_an_exam_counts_toward_every_held_tier() -> None:
    # Both tiers accept 1 core exam; one exam (300.00) renews both, shared credits or not.
    tiers = {t: tier({"credits": 50}, {"exams": {"core": 1}}) for t in ("alpha", "beta-plus")}
    exam = {"id": "core-1", "title": "Core", "kind": "core", "cost": 300}
    data = catalogue(tiers, [activity("a", 50, 400)], exams=[exam])
    plan = best(data, person(alpha=EXPIRES, **{"beta-plus": EXPIRES}))
    assert (plan.cents, plan.ids, plan.paths) == (
        30000,
        ("core-1",),
        {"alpha": (1,), "beta-plus": (1,)},
    )


def test_fees_are_part_of_the_cost() -> None:
    # alpha: 135.00 a year for 3 years + 60.00 per renewal + a 45.50 member-year fee;
    # beta-plus: 100 EUR (125.00 USD) per renewal + a 50.00 member-year fee over 2 years.
    # Member-year: the largest (50.00) once a year for the longest period (3): 150.00.
    # Items: a and b (12.00). Total 405 + 60 + 125 + 150 + 12 = 752.00.
    tiers = {
        "alpha": tier(
            {"credits": 10},
            fees=[
                {"amount": 135, "per": "year", "source": "x"},
                {"amount": 60, "per": "renewal", "source": "x"},
                {"amount": 45.5, "per": "member-year", "source": "x"},
            ],
        ),
        "beta-plus": tier(
            {"credits": 10},
            period_years=2,
            fees=[
                {"amount": 100, "per": "renewal", "currency": "EUR", "source": "x"},
                {"amount": 50, "per": "member-year", "source": "x"},
            ],
        ),
    }
    who = person(alpha=EXPIRES, **{"beta-plus": EXPIRES})
    plan = best(catalogue(tiers, TWO_ITEMS), who)
    assert (plan.item_cents, plan.fee_cents, plan.ids) == (1200, 74000, ("a", "b"))
    # already met, the fees are still due; a budget counts them
    met = dataclasses.replace(who, held={t: Held(EXPIRES, earned=10) for t in tiers})
    plan = best(catalogue(tiers, TWO_ITEMS), met)
    assert (plan.cents, plan.ids) == (74000, ())
    assert solve(catalogue(tiers, TWO_ITEMS), dataclasses.replace(met, budget=739.99)) is None
    assert best(catalogue(tiers, TWO_ITEMS), dataclasses.replace(met, budget=740)).ids == ()


COMPTIA = {
    "securityx": tier({"credits": 10}, renews=["security-plus"]),
    "security-plus": tier({"credits": 50}, fees=[{"amount": 50, "per": "year", "source": "x"}]),
}
COMPTIA_ITEMS = [
    activity("x-10", 10, 10, counts_for=["securityx"]),
    activity("x-10-late", 10, 1, counts_for=["securityx"], available_from="2027-06-01"),
    activity("s-50", 50, 100, counts_for=["security-plus"]),
]


def test_renews_renews_the_lower_certification_without_credits_or_fees() -> None:
    # Holding both, renewing SecurityX (x-10-late, 1.00) renews Security+ too: no 50 credits, no
    # 150.00 of fees. Without ``renews``: x-10-late + s-50 + 150.00 = 251.00.
    who = person(securityx=EXPIRES, **{"security-plus": EXPIRES})
    plan = best(catalogue(COMPTIA, COMPTIA_ITEMS), who)
    assert (plan.cents, plan.ids) == (100, ("x-10-late",))
    assert plan.via == {"securityx": None, "security-plus": "securityx"}
    plain = {**COMPTIA, "securityx": tier({"credits": 10})}
    assert best(catalogue(plain, COMPTIA_ITEMS), who).cents == 25100


def test_renews_must_happen_by_the_renewed_certifications_deadline() -> None:
    # Security+ must be complete by 2027-03-31: x-10-late (from 2027-06-01) renews SecurityX too
    # late to renew Security+ with it, so x-10 (10.00) does it; were x-10 gone, Security+ would
    # need s-50 and its fees: x-10-late + s-50 + 150.00 = 251.00.
    who = person(securityx=EXPIRES, **{"security-plus": dt.date(2027, 3, 31)})
    plan = best(catalogue(COMPTIA, COMPTIA_ITEMS), who)
    assert (plan.cents, plan.ids) == (1000, ("x-10",))
    gone = dataclasses.replace(who, exclude=frozenset({"x-10"}))
    plan = best(catalogue(COMPTIA, COMPTIA_ITEMS), gone)
    assert (plan.cents, plan.ids, plan.via["security-plus"]) == (25100, ("s-50", "x-10-late"), None)


def test_a_waived_fee_ties_a_dearer_set_and_its_hours_decide() -> None:
    # Security+ (already met, 10.00 per renewal) must be complete by 2027-03-31. SecurityX needs
    # late-1 (1.00, 5 h, from 2027-06-01: too late to renew Security+ with it, so its fee is
    # due: 11.00) or early-11 (11.00, no hours, renewing both, no fee: 11.00). Equal cost, fewer
    # hours: early-11, although the search meets late-1 first.
    tiers = {
        "securityx": tier({"credits": 10}, renews=["security-plus"]),
        "security-plus": tier(
            {"credits": 50}, fees=[{"amount": 10, "per": "renewal", "source": "x"}]
        ),
    }
    items = [
        activity("late-1", 10, 1, hours=5, available_from="2027-06-01"),
        activity("early-11", 10, 11),
    ]
    who = person(securityx=EXPIRES, **{"security-plus": Held(dt.date(2027, 3, 31), earned=50)})
    plan = best(catalogue(tiers, items), who)
    assert (plan.cents, plan.hours, plan.ids) == (1100, Fraction(0), ("early-11",))


def test_credit_step_rounds_each_activity_down() -> None:
    # 2.6 credits; two activities of 1.3: 2.6 without a step, 2.5 in quarter steps, so a third
    # is needed.
    items = [activity(f"q-{n}", 1.3, 1) for n in (1, 2, 3)]
    data = catalogue({"cissp": tier({"credits": 2.6})}, items)
    assert best(data, person(cissp=EXPIRES)).ids == ("q-1", "q-2")
    stepped = {**data, "credit_step": 0.25}
    assert best(stepped, person(cissp=EXPIRES)).ids == ("q-1", "q-2", "q-3")


def test_too_late_for_any_held_tier_means_no_plan() -> None:
    data = catalogue(TWO_TIERS, TWO_ITEMS, processing_days=7)
    assert solve(data, person(alpha=EXPIRES, **{"beta-plus": TODAY + dt.timedelta(6)})) is None
    assert solve(data, person(alpha=EXPIRES, **{"beta-plus": TODAY + dt.timedelta(7)})) is not None


def test_cycle_years() -> None:
    # award: a 3-year cycle to 2028-02-29 runs from 2025-03-01 (the day after 2025-02-28)
    (first, _), _, (last_start, last) = cycle_years(dt.date(2028, 2, 29), 3, "award")
    assert (first, last_start, last) == (
        dt.date(2025, 3, 1),
        dt.date(2027, 3, 1),
        dt.date(2028, 2, 29),
    )
    assert cycle_years(dt.date(2029, 1, 15), 1, "calendar") == (
        (dt.date(2029, 1, 1), dt.date(2029, 12, 31)),
    )


def test_check_catches_broken_plans() -> None:
    """The checker the planner's tests will use says what each broken plan breaks."""
    data = catalogue(TWO_TIERS, TWO_ITEMS)
    who = person(alpha=EXPIRES, **{"beta-plus": EXPIRES})
    own: dict[str, str | None] = {"alpha": None, "beta-plus": None}
    good = {"a": Use(TODAY, frozenset({"alpha"})), "b": Use(TODAY, frozenset({"beta-plus"}))}
    assert check(data, who, good, own) == []
    both = {"a": Use(TODAY, frozenset({"alpha", "beta-plus"}))}
    assert check(data, who, both, own) == ["a: counts toward several tiers without shares_credits"]
    assert check(data, who, {"a": good["a"]}, own) == ["beta-plus: no path met"]
    late = {**good, "b": Use(EXPIRES + dt.timedelta(1), frozenset({"beta-plus"}))}
    assert check(data, who, late, own) == [
        f"b: finishes after beta-plus's deadline {EXPIRES}",
    ]
    early = {**good, "b": Use(TODAY - dt.timedelta(1), frozenset({"beta-plus"}))}
    assert check(data, who, early, own) == [
        f"b: finishes on {TODAY - dt.timedelta(1)}, outside its window"
    ]
    assert check(data, who, good, {"alpha": None, "beta-plus": "alpha"}) == [
        "not a way to renew every held tier: {'alpha': None, 'beta-plus': 'alpha'}"
    ]
    assert check(data, dataclasses.replace(who, budget=11.99), good, own) == [
        "costs 1200 cents, over the budget of 1199"
    ]
    assert check(data, who, {**good, "zz": Use(TODAY, frozenset())}, own) == [
        "zz: not a usable item"
    ]


# -- properties --------------------------------------------------------------------------------


def as_person(scenario: schema1.Scenario) -> Person:
    """A schema 1 scenario's inputs as the one tier ``pro`` held, with SPEC 3's defaults."""
    inputs = scenario.inputs
    expires = inputs["expires"] or TODAY.replace(year=TODAY.year + 3)
    return Person(
        today=inputs["today"],
        held={"pro": Held(expires, earned=inputs["earned"], passed=inputs["passed"])},
        exclude=frozenset(inputs["completed"]) | set(inputs["exclude"]),
        allow_exams=inputs["allow_exams"],
        processing_days=inputs["processing_days"],
        budget=inputs["budget"],
    )


@settings(max_examples=examples(150))
@given(scenario=schema1.scenarios())
def test_schema_1_plans_agree_with_the_schema_1_reference(scenario: schema1.Scenario) -> None:
    """One tier, no categories, caps, fees or yearly minimum: SPEC 3 alone, which the schema 1
    reference of ``test_properties`` searches."""
    expected = schema1.oracle(scenario)
    plan = solve(scenario.data, as_person(scenario))
    if expected is None:
        assert plan is None
        return
    assert plan is not None
    assert (plan.cents, plan.ids, plan.paths) == (
        expected.cents,
        expected.ids,
        {"pro": expected.paths},
    )
    assert float(plan.hours) == pytest.approx(expected.hours)


def interesting_days(w: World) -> set[dt.date]:
    """Every day a finish could be worth trying on: item dates, deadlines, cycle years."""
    days = {w.today}
    for item in w.items.values():
        days |= {item.first} | ({item.last} if item.last else set())
    for rule in w.rules.values():
        days |= {rule.complete_by, rule.complete_by + dt.timedelta(1)}
        days |= {day for year in rule.years for day in year}
    return days


def every_use(w: World, item_id: str, days: set[dt.date]) -> list[Use]:
    """Every use of an item on one of ``days`` within its window, toward any set of held tiers;
    of those alike in tiers and in the cycle year each tier puts the finish in, only the
    earliest (an earlier finish meets every deadline a later one does)."""
    tiers = sorted(w.rules)
    item = w.items[item_id]
    uses: dict[Any, Use] = {}
    for day in sorted(d for d in days if item.first <= d and (item.last is None or d <= item.last)):
        for size in range(len(tiers) + 1):
            for group in itertools.combinations(tiers, size):
                like = (group, tuple(w.rules[t].year_of(day) for t in group))
                uses.setdefault(like, Use(day, frozenset(group)))
    return list(uses.values())


def every_way(held: Sequence[str]) -> Iterator[dict[str, str | None]]:
    """Every map of each held tier to ``None`` or another held tier (most of them invalid)."""
    for combo in itertools.product(*[[None, *[o for o in held if o != t]] for t in held]):
        yield dict(zip(held, combo, strict=True))


def brute_force(data: dict[str, Any], who: Person) -> tuple[Any, ...] | None:
    """The least key over every set of items, every ``via`` and every use of each item that
    :func:`broken_rules` accepts: the plainest formulation, with no bound and no pruning."""
    w = world(data, who)
    ids = sorted(i["id"] for section in ("activities", "exams") for i in data[section])
    days = interesting_days(w)
    found: tuple[Any, ...] | None = None
    for size in range(len(ids) + 1):
        for combo in itertools.combinations(ids, size):
            if not set(combo) <= set(w.items):
                continue  # broken_rules says "not a usable item"
            choices = [every_use(w, item_id, days) for item_id in combo]
            hours = sum((w.items[i].hours for i in combo), Fraction(0))
            for via in every_way(sorted(w.rules)):
                if set(via.values()) - {None} and broken_rules(w, {}, via)[:1] == [
                    f"not a way to renew every held tier: {via}"
                ]:
                    continue
                cents = sum(w.items[i].cents for i in combo) + w.fee_cents(via)
                key = (cents, hours, size, combo)
                if found is not None and key >= found:
                    continue
                for uses in itertools.product(*choices):
                    if not broken_rules(w, dict(zip(combo, uses, strict=True)), via):
                        found = key
                        break
    return found


@settings(max_examples=examples(100))
@given(scenario=scenarios(max_items=4, max_tiers=2))
def test_the_search_agrees_with_brute_force(scenario: Scenario) -> None:
    """On tiny instances the bounded search finds the key of plain enumeration."""
    plan = solve(scenario.catalogue, scenario.person)
    expected = brute_force(scenario.catalogue, scenario.person)
    assert (None if plan is None else plan.key) == expected


@st.composite
def counting_cases(draw: st.DrawFn) -> tuple[dict[str, Any], Person]:
    """One tier, one path and up to three activities of whole credits in two categories."""
    cats = ("group-a", "group-b")
    items = []
    for n in range(draw(st.integers(0, 3))):
        split = {c: v for c in cats if (v := draw(st.integers(0, 2)))}
        extra = {"categories": split} if split else {}
        rest = draw(st.integers(0 if split else 1, 2))
        kind = draw(st.sampled_from(["webinar", "course"]))
        items.append(activity(f"i{n}", sum(split.values()) + rest, 0, type=kind, **extra))
    path: dict[str, Any] = {"credits": draw(st.integers(1, 8))}
    for key in ("min", "max"):
        named = sorted(draw(st.sets(st.sampled_from(cats))))
        if bound := {c: draw(st.integers(0, 4)) for c in named}:
            path[key] = bound
    caps: dict[str, Any] = {}
    if draw(st.booleans()):
        caps["per_activity"] = draw(st.integers(1, 4))
    if draw(st.booleans()):
        caps["by_type"] = {"webinar": draw(st.integers(0, 3))}
    earned = {c: v for c in cats if (v := draw(st.integers(0, 3)))}
    total = sum(earned.values()) + draw(st.integers(0, 2))
    data = catalogue({"t": tier(path, **({"caps": caps} if caps else {}))}, items)
    return data, person(t=Held(EXPIRES, earned=total, earned_by_category=earned))


def claims(data: dict[str, Any], who: Person) -> Iterator[dict[str, int]]:
    """Every whole-credit claim: how much of each item's part in each category counts, within
    ``per_activity``, ``by_type`` and ``max`` (earned credits above a max counted at the max)."""
    t = data["tiers"]["t"]
    path, caps = t["paths"][0], t.get("caps", {})
    held = who.held["t"]
    cats = ("group-a", "group-b")
    earned = {
        c: min(held.earned_by_category.get(c, 0), path.get("max", {}).get(c, 99)) for c in cats
    }
    parts = []
    for item in data["activities"]:
        split = dict(item.get("categories", {}))
        for c, v in [*split.items(), (REST, item["credits"] - sum(split.values()))]:
            parts.append((item, c, v))
    for amounts in itertools.product(*[range(v + 1) for _, _, v in parts]):
        by_item: dict[str, int] = {}
        by_type: dict[str, int] = {}
        by_cat = dict(earned)
        by_cat[REST] = int(held.earned) - sum(held.earned_by_category.values())
        for (item, c, _), n in zip(parts, amounts, strict=True):
            by_item[item["id"]] = by_item.get(item["id"], 0) + n
            by_type[item["type"]] = by_type.get(item["type"], 0) + n
            by_cat[c] = by_cat.get(c, 0) + n
        if any(n > caps.get("per_activity", 99) for n in by_item.values()):
            continue
        if any(n > caps.get("by_type", {}).get(k, 99) for k, n in by_type.items()):
            continue
        if any(by_cat[c] > m for c, m in path.get("max", {}).items()):
            continue
        yield by_cat


@settings(max_examples=examples(200))
@given(case=counting_cases())
def test_counting_agrees_with_every_whole_credit_claim(case: tuple[dict[str, Any], Person]) -> None:
    """:func:`most_counted` (a min cut) and :func:`path_met` (two of them) against trying every
    claim: the most that can count, and whether some claim meets the total and every minimum."""
    data, who = case
    w = world(data, who)
    rule, items = w.rules["t"], list(w.items.values())
    path = rule.paths[0]
    raw = data["tiers"]["t"]["paths"][0]
    every = list(claims(data, who))
    held = who.held["t"]
    earned_counted = sum(
        min(v, raw.get("max", {}).get(c, 99)) for c, v in held.earned_by_category.items()
    )
    earned_counted += held.earned - sum(held.earned_by_category.values())
    rooms = {
        c: max(0, m - min(held.earned_by_category.get(c, 0), m))
        for c, m in raw.get("max", {}).items()
    }
    most = most_counted(
        items,
        rule.by_type,
        {c: Fraction(v) for c, v in rooms.items()},
        others=True,
        per_activity=rule.per_activity,
    )
    assert earned_counted + most == max(sum(claim.values()) for claim in every)
    met = any(
        sum(claim.values()) >= raw["credits"]
        and all(claim.get(c, 0) >= m for c, m in raw.get("min", {}).items())
        for claim in every
    )
    assert path_met(rule, path, items) == met


@settings(max_examples=examples(100))
@given(scenario=scenarios())
def test_the_best_plan_is_valid_and_irredundant(scenario: Scenario) -> None:
    """The plan found breaks no rule; with any one item dropped the tiers cannot be renewed the
    same way (SPEC 3: an item the plan does not need buys nothing)."""
    data, who = scenario.catalogue, scenario.person
    plan = solve(data, who)
    if plan is None:
        return
    assert check(data, who, plan.uses, plan.via) == []
    assert set(plan.uses) == set(plan.ids)
    assert renewable(data, who, plan.ids, plan.via)
    for item_id in plan.ids:
        assert not renewable(data, who, set(plan.ids) - {item_id}, plan.via)


@settings(max_examples=examples(100))
@given(scenario=scenarios())
def test_shared_credits_never_cost_more(scenario: Scenario) -> None:
    """A plan valid without shared credits is valid with them (each item counts toward more)."""
    data, who = scenario.catalogue, scenario.person
    alone = solve({**data, "shares_credits": False}, who)
    shared = solve({**data, "shares_credits": True}, who)
    if alone is not None:
        assert shared is not None
        assert shared.key <= alone.key
