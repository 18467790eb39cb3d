"""Planning with catalogue schema 2 (SPEC 9): the planner against the exhaustive reference.

The reference (``tests/schema2_reference.py``) is written from SPEC 9 alone and imports nothing
from ceplan; :func:`plan_of` turns its inputs (a catalogue as plain data, a
:class:`~tests.schema2_reference.Person`) into a call of :func:`ceplan.optimise`. On random
instances (``tests/schema2_generators.py``) the planner's plan has the reference's key (cost
with fees, hours, item count, ids), and its own way of using its items (each item's finish day
and tiers, each tier's way to renew) passes the reference's :func:`check`. Hand-worked cases
follow, each with its answer worked out in a comment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import ceplan
from ceplan.candidates.held import held_world
from ceplan.cli.main import main
from ceplan.model.claims import build_claims
from ceplan.planning import held as held_planning
from ceplan.planning.reading import read_answer
from ceplan.requests.held import make_held_request
from ceplan.results.plan import Claim
from ceplan.solving.arrays import solve_once
from ceplan.solving.backends import make_solver
from ceplan.status import Deadline
from tests import test_properties as schema1
from tests.conftest import examples
from tests.schema2_generators import TODAY, Scenario, scenarios
from tests.schema2_reference import Held, Person, Use, check, solve

EXPIRES = dt.date(2028, 6, 30)


# -- from the reference's inputs to the library's ----------------------------------------------


def catalog_of(data: dict[str, Any]) -> ceplan.Catalog:
    """A catalogue as plain data, validated."""
    return ceplan.Catalog.model_validate(data)


def valid(data: dict[str, Any]) -> bool:
    """Whether the catalogue's own rules take ``data``.

    The generators follow the agreed schema, and the catalogue adds rules of its own (a yearly
    minimum no larger than a path's credits): such instances are left out.
    """
    try:
        catalog_of(data)
    except ValidationError:
        return False
    return True


def inputs_of(person: Person) -> dict[str, Any]:
    """The keywords of :func:`ceplan.optimise` for the reference's ``person``."""
    held = person.held
    return {
        "tier": list(held),
        "today": person.today,
        "expires": {t: h.expires for t, h in held.items()},
        "earned": {t: h.earned for t, h in held.items()},
        "earned_by_category": {t: dict(h.earned_by_category) for t, h in held.items()},
        "earned_per_year": {t: dict(h.earned_per_year) for t, h in held.items()},
        "passed": {t: dict(h.passed) for t, h in held.items()},
        "exclude": sorted(person.exclude),
        "allow_exams": person.allow_exams,
        "processing_days": person.processing_days,
        "budget": person.budget,
    }


def plan_of(data: dict[str, Any], person: Person, **extra: Any) -> ceplan.Plan:
    """The planner's plan for the reference's inputs."""
    inputs = inputs_of(person)
    return ceplan.optimise(catalog_of(data), inputs.pop("tier"), **inputs, **extra)


def key_of(plan: ceplan.Plan) -> tuple[int, Fraction, int, tuple[str, ...]]:
    """The plan's place in SPEC 3's order, as the reference's :attr:`Plan.key` says it."""
    ids = tuple(sorted(item.id for item in plan.planned))
    hours = Fraction(str(plan.total_hours))
    return (round(plan.total_cost * 100), hours, len(ids), ids)


def uses_of(plan: ceplan.Plan) -> tuple[dict[str, Use], dict[str, str | None]]:
    """The plan's own way of using its items, as the reference's :func:`check` takes it."""
    uses = {
        item.id: Use(item.complete_by, frozenset(c.tier for c in item.counts_toward))
        for item in plan.planned
    }
    via = {held.tier: held.renewed_through for held in plan.held}
    return uses, via


def agree(scenario: Scenario) -> ceplan.Plan:
    """The planner's plan, asserted to be the reference's and valid by its rules."""
    data, person = scenario.catalogue, scenario.person
    assume(valid(data))
    expected = solve(data, person)
    plan = plan_of(data, person)
    if expected is None:
        assert plan.status == "infeasible", plan.summary()
        assert plan.reasons
        held = " and ".join(person.held)
        assert all(r.split(":")[0] in (*person.held, held) for r in plan.reasons), plan.reasons
        return plan
    assert plan.status == "optimal", plan.summary()
    assert key_of(plan) == expected.key
    uses, via = uses_of(plan)
    assert check(data, person, uses, via) == []
    fees = round(sum(fee.amount for fee in plan.fees) * 100)
    assert fees == expected.fee_cents
    return plan


# -- against the reference -----------------------------------------------------------------------


@settings(max_examples=examples(400))
@given(scenarios(max_items=8, max_tiers=1))
def test_one_tier_agrees_with_the_reference(scenario: Scenario) -> None:
    agree(scenario)


@settings(max_examples=examples(400))
@given(scenarios(max_items=8, max_tiers=3))
def test_several_tiers_agree_with_the_reference(scenario: Scenario) -> None:
    agree(scenario)


# -- hand-worked cases ---------------------------------------------------------------------------

ISC2 = Path(__file__).resolve().parent.parent / "programmes" / "isc2.yaml"


def activity(item_id: str, credits: float, cost: float, **extra: Any) -> dict[str, Any]:
    base = {"id": item_id, "title": item_id, "type": "course", "credits": credits, "cost": cost}
    return base | extra


def tier(*paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"label": "T", "period_years": 3, "paths": list(paths), "source": "test", **extra}


def catalogue(
    tiers: dict[str, dict[str, Any]], activities: list[dict[str, Any]], **top: Any
) -> dict[str, Any]:
    return {
        "schema": 2,
        "programme": "Test programme",
        "currency": "USD",
        "as_of": TODAY,
        "categories": {c: {"label": c} for c in ("group-a", "group-b")},
        "tiers": tiers,
        "exams": top.pop("exams", []),
        "activities": activities,
        **top,
    }


def test_cissp_with_95_group_a_earned_takes_the_cheapest_25_more() -> None:
    """The bundled ISC2 catalogue: 95 Group A earned, 25 more credits of any group needed.

    Group A's 90 is met; 25 more credits count toward the 120, Group B up to 30. The free items
    come to 34 credits, so the items cost nothing and the plan costs the one annual fee, 135.00
    USD for each of the 3 years. Among free plans, the fewest hours: the items without hours
    (three quizzes, 6; a whitepaper, 1; a blog post, 10) give 17 credits, and the 8 left take an
    hour each whatever they are; the fewest items then: the eight leadership webinars, one item
    of 8 Group B credits.
    """
    plan = ceplan.optimise(
        ceplan.load_catalog(ISC2),
        "cissp",
        today=TODAY,
        expires=EXPIRES,
        earned=95,
        earned_by_category={"group-a": 95},
    )
    assert plan.status == "optimal"
    assert plan.total_cost == 405.0
    assert [(fee.per, fee.amount, fee.times) for fee in plan.fees] == [("member-year", 405.0, 3)]
    assert plan.total_hours == 8
    assert [item.id for item in plan.planned] == [
        "example-leadership-webinars",
        "isc2-news-quiz-1",
        "isc2-news-quiz-2",
        "isc2-news-quiz-3",
        "read-whitepaper",
        "write-blog-post",
    ]
    claims = {item.id: item.counts_toward for item in plan.planned}
    assert claims["example-leadership-webinars"] == (Claim("cissp", 8, (("group-b", 8),)),)


def test_shared_credits_count_toward_each_tier_unshared_once() -> None:
    """Two tiers of 10 credits each; course-10 (50.00) counts for both, extra-10 (60.00) too.

    Shared, course-10 renews both (50.00). Unshared, each credit counts once: 20 credits are
    needed, course-10 toward one tier and extra-10 toward the other (110.00).
    """
    items = [activity("course-10", 10, 50), activity("extra-10", 10, 60)]
    tiers = {"alpha": tier({"credits": 10}), "beta": tier({"credits": 10})}
    for shares, cost, ids in (
        (True, 50.0, ["course-10"]),
        (False, 110.0, ["course-10", "extra-10"]),
    ):
        data = catalogue(tiers, items, shares_credits=shares)
        plan = ceplan.optimise(catalog_of(data), ["alpha", "beta"], today=TODAY, expires=EXPIRES)
        assert (plan.total_cost, [i.id for i in plan.planned]) == (cost, ids)
        counted = [tuple(c.tier for c in item.counts_toward) for item in plan.planned]
        assert counted == ([("alpha", "beta")] if shares else [("alpha",), ("beta",)]) or (
            not shares and counted == [("beta",), ("alpha",)]
        )


def renewing(course_from: str | None = None) -> dict[str, Any]:
    """Security+ (50 credits) renews A+ (20 credits); each has a fee of 50.00 a year."""
    fee = [{"amount": 50, "per": "year", "source": "test"}]
    course = activity("course-50", 50, 100)
    if course_from is not None:
        course["available_from"] = course_from
    return catalogue(
        {
            "security-plus": tier({"credits": 50}, fees=fee, renews=["a-plus"]),
            "a-plus": tier({"credits": 20}, fees=fee),
        },
        [course, activity("course-20", 20, 30)],
    )


def test_a_tier_renewed_through_another_pays_no_fee_of_its_own() -> None:
    """Renewing Security+ renews A+, whose yearly fee is then waived.

    Each by its own paths: course-50 and course-20 (130.00) and both fees (2 x 150.00), 430.00.
    A+ through Security+: course-50 (100.00) and Security+'s fee (150.00), 250.00.
    """
    expires = {"security-plus": EXPIRES, "a-plus": dt.date(2028, 3, 31)}
    plan = ceplan.optimise(
        catalog_of(renewing()), ["security-plus", "a-plus"], today=TODAY, expires=expires
    )
    assert (plan.total_cost, [i.id for i in plan.planned]) == (250.0, ["course-50"])
    assert [(h.tier, h.renewed_through) for h in plan.held] == [
        ("security-plus", None),
        ("a-plus", "security-plus"),
    ]
    assert plan.held[1].new_expires == plan.held[0].new_expires == dt.date(2031, 6, 30)
    # renewed through Security+, A+'s earlier do-by date is Security+'s: course-50 must finish
    # by 2028-03-31; open only from 2028-04-01 it cannot, and each renews on its own (430.00)
    late = catalog_of(renewing(course_from="2028-04-01"))
    plan = ceplan.optimise(late, ["security-plus", "a-plus"], today=TODAY, expires=expires)
    assert plan.total_cost == 430.0
    assert [h.renewed_through for h in plan.held] == [None, None]


def test_a_hard_yearly_minimum_places_items_in_years() -> None:
    """CISA-like: 60 credits over three calendar years, at least 15 each year (hard).

    Today is 2026-11-29, the cycle is 2026 to 2028, and 15 credits were earned in 2026: 45 more
    are needed, 15 in 2027 and 15 in 2028. now-30 (100.00) may finish in either year, and the
    plan says which. Two items at least: now-30 + cheap-15 (130.00, cheap-15 in 2027, now-30
    in 2028) beats now-30 + y28-15 (140.00); cheap-15 + y28-15 (70.00) is 15 short.
    """
    cisa = tier({"credits": 60}, cycle="calendar", per_year={"credits": 15, "hard": True})
    items = [
        activity("now-30", 30, 100),
        activity("cheap-15", 15, 30, available_from="2027-01-01", expires="2027-12-31"),
        activity("y28-15", 15, 40, available_from="2028-01-01"),
    ]
    plan = ceplan.optimise(
        catalog_of(catalogue({"cisa": cisa}, items)),
        "cisa",
        today=TODAY,
        expires=dt.date(2028, 12, 31),
        earned=15,
        earned_per_year={1: 15},
    )
    assert (plan.total_cost, [i.id for i in plan.planned]) == (130.0, ["cheap-15", "now-30"])
    finish = {item.id: item.complete_by.year for item in plan.planned}
    assert finish == {"cheap-15": 2027, "now-30": 2028}


# -- schema 1 through the same planner -----------------------------------------------------------


@settings(max_examples=examples(80))
@given(scenario=schema1.scenarios(), solver=st.sampled_from(("auto", "cbc")))
def test_a_schema_1_tier_in_a_list_plans_as_it_does_alone(
    scenario: schema1.Scenario, solver: str
) -> None:
    """A list of one tier goes through the schema 2 planner: the same plan, path and dates."""
    catalog = scenario.catalog()
    alone = ceplan.optimise(catalog, "pro", **scenario.inputs)
    listed = ceplan.optimise(catalog, ["pro"], solver=solver, **scenario.inputs)
    assert listed.status == alone.status
    # "auto": the exact DP where it applies to the schema 2 planner too, else HiGHS
    assert listed.solver in (("dp", "highs") if solver == "auto" else (solver,)) or not listed.found
    if alone.found:
        assert key_of(listed) == key_of(alone)
        assert listed.path_index == alone.path_index
        assert [i.complete_by for i in listed.planned] == [i.complete_by for i in alone.planned]


# -- inputs --------------------------------------------------------------------------------------


def two_tiers() -> ceplan.Catalog:
    return catalog_of(
        catalogue(
            {"alpha": tier({"credits": 10, "min": {"group-a": 5}}), "beta": tier({"credits": 5})},
            [activity("a", 10, 5, categories={"group-a": 10})],
        )
    )


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"tier": ["alpha", "gamma"]}, "unknown tier 'gamma': choose one of alpha, beta"),
        ({"tier": ["alpha", "alpha"]}, "tier: 'alpha' is named twice"),
        ({"tier": []}, "tier: name at least one tier"),
        (
            {"expires": {"beta": "2028-01-01"}, "tier": ["alpha"]},
            "expires: 'beta' is not a tier held here (the tiers held: alpha)",
        ),
        (
            {"earned_by_category": {"group-c": 1}, "tier": ["alpha"]},
            "earned_by_category['alpha']: 'group-c' is not one of the catalogue's categories "
            "(group-a, group-b)",
        ),
        (
            {"earned_by_category": {"group-a": 1}},
            "earned_by_category must say which tier each entry is for when several tiers are "
            "held: {tier: {...}}, not {'group-a': 1}",
        ),
        (
            {"earned": {"alpha": 4}, "earned_by_category": {"alpha": {"group-a": 5}}},
            "earned_by_category['alpha'] adds up to 5 credits, more than the 4 earned",
        ),
        (
            {"earned_per_year": {"alpha": {4: 1}}},
            "earned_per_year['alpha']: 4 is not a year of the cycle (1 to 3, 1 the first)",
        ),
        (
            {"earned_per_year": {"alpha": {3: 1}}, "expires": EXPIRES},
            "earned_per_year['alpha'][3]: year 3 of the cycle starts on 2027-07-01, after today "
            "(2026-11-29): nothing can have been earned in it yet",
        ),
        (
            {
                "earned": {"alpha": 2},
                "earned_per_year": {"alpha": {1: 2, 2: 1}},
                "expires": EXPIRES,
            },
            "earned_per_year['alpha'] adds up to 3 credits, more than the 2 earned",
        ),
        (
            {"earned": {"alpha": -1}},
            "earned['alpha'] must be a finite number >= 0, not -1",
        ),
        (
            {"hours_per_week": -1},
            "hours_per_week must be a finite number > 0, not -1",
        ),
        (
            {"unavailable": ["2027-02-01:2027-01-01"]},
            "unavailable[0] ends before it starts: 2027-02-01:2027-01-01",
        ),
    ],
)
def test_bad_inputs_are_one_line_naming_the_argument(inputs: dict[str, Any], message: str) -> None:
    tiers = inputs.pop("tier", ["alpha", "beta"])
    with pytest.raises(ceplan.PlanInputError) as caught:
        ceplan.optimise(two_tiers(), tiers, today=TODAY, **inputs)
    assert str(caught.value) == message


def test_inputs_for_every_tier_or_by_tier() -> None:
    """A number or a date is for every tier held; a mapping says it tier by tier."""
    catalog = two_tiers()
    plan = ceplan.optimise(catalog, ["alpha", "beta"], today=TODAY, expires=EXPIRES, earned=10)
    assert [(h.expires, h.earned) for h in plan.held] == [(EXPIRES, 10), (EXPIRES, 10)]
    # 10 earned without a category: alpha's 5 Group A are still missing; beta is met
    assert [i.id for i in plan.planned] == ["a"]
    assert plan.planned[0].counts_toward == (Claim("alpha", 10, (("group-a", 10),)),)
    by_tier = ceplan.optimise(
        catalog,
        ["alpha", "beta"],
        today=TODAY,
        earned_by_category={"alpha": {"group-a": 10}},
        earned={"beta": 5},
    )
    assert (by_tier.already_met, by_tier.total_cost) == (True, 0.0)
    assert [h.earned for h in by_tier.held] == [10, 5]  # alpha's earned: its categories' sum


# -- the plan as data ------------------------------------------------------------------------------


def test_the_json_of_a_schema_2_plan_lists_tiers_fees_and_claims() -> None:
    """Fees are part of the total cost, listed with their tier and source."""
    expires = {"security-plus": EXPIRES, "a-plus": dt.date(2028, 3, 31)}
    plan = ceplan.optimise(
        catalog_of(renewing()), ["security-plus", "a-plus"], today=TODAY, expires=expires
    )
    data = json.loads(plan.to_json())
    assert data["total_cost"] == 250.0
    assert data["total_fees"] == 150.0
    assert data["fees"] == [
        {
            "tier": "security-plus",
            "per": "year",
            "amount": 150.0,
            "each": 50.0,
            "times": 3,
            "source": "test",
        }
    ]
    assert [(t["tier"], t["renewed_through"]) for t in data["tiers"]] == [
        ("security-plus", None),
        ("a-plus", "security-plus"),
    ]
    assert data["activities"][0]["counts_toward"] == [
        {"tier": "security-plus", "credits": 50, "categories": {"(none)": 50}}
    ]
    assert plan.summary() == (
        "optimal: security-plus: 50 credits; a-plus: renewed with security-plus: 1 item, "
        "250.00 USD, hours not given, renews 2028-03-31"
    )


# -- reasons -------------------------------------------------------------------------------------


def test_each_path_says_what_stops_it_in_a_persons_words() -> None:
    """CISSP with 21 Group A earned and the three courses set aside.

    Group A: the 21 earned and the 51 the other items give (webinars 3, podcast 2, quizzes 6,
    whitepaper 1, book 5, presentation 4, blog post 10, conference 20) make 72 of the 90.
    In all: 21 + 51 + the 28 Group B (4 + 16 + 8, within its 30) = 100 of the 120.
    """
    plan = ceplan.optimise(
        ceplan.load_catalog(ISC2),
        "cissp",
        today=TODAY,
        expires=EXPIRES,
        earned=21,
        earned_by_category={"group-a": 21},
        exclude=[
            "example-security-course-40h",
            "example-security-course-16h",
            "example-cloud-security-course",
        ],
    )
    assert plan.status == "infeasible"
    assert plan.reasons == (
        "cissp: 120 credits (group-a at least 90, group-b at most 30): at most 100 credits can "
        "count by 2028-06-30 (21 already earned); 120 are needed; Group A: at most 72 of the 90 "
        "needed can be earned by 2028-06-30",
    )
    assert plan.held[0].reasons == plan.reasons


def test_the_budget_is_said_with_the_fees() -> None:
    """Security+ and A+ cost 250.00 at least (course-50 and Security+'s fee): over 200.00."""
    expires = {"security-plus": EXPIRES, "a-plus": dt.date(2028, 3, 31)}
    plan = ceplan.optimise(
        catalog_of(renewing()),
        ["security-plus", "a-plus"],
        today=TODAY,
        expires=expires,
        budget=200,
    )
    assert plan.reasons == (
        "security-plus and a-plus: the cheapest plan costs 250.00 USD (fees included), budget "
        "is 200.00 USD",
    )
    assert plan.blocked[0].cheapest_cost == 250.0


def test_rules_that_stop_only_together_are_said_together() -> None:
    """One 10-credit course for two tiers of 10 each: enough for either, not both, unshared."""
    data = catalogue(
        {"alpha": tier({"credits": 10}), "beta": tier({"credits": 10})},
        [activity("course-10", 10, 50)],
    )
    plan = ceplan.optimise(catalog_of(data), ["alpha", "beta"], today=TODAY, expires=EXPIRES)
    assert plan.reasons == (
        "alpha and beta: no set of items meets every rule at once (alpha by 2028-06-30, beta "
        "by 2028-06-30): each credit counts toward one tier only (shares_credits is false)",
    )


def test_a_hard_yearly_minimum_out_of_reach_is_said_by_year() -> None:
    """20 credits each calendar year: 2027 has only a 5-credit course, 2026 nothing left."""
    cisa = tier({"credits": 60}, cycle="calendar", per_year={"credits": 20, "hard": True})
    items = [
        activity("y27", 5, 10, available_from="2027-01-01", expires="2027-12-31"),
        activity("y28", 60, 10, available_from="2028-01-01"),
    ]
    plan = ceplan.optimise(
        catalog_of(catalogue({"cisa": cisa}, items)),
        "cisa",
        today=TODAY,
        expires=dt.date(2028, 12, 31),
        earned_per_year={1: 20},
    )
    assert plan.reasons == (
        "cisa: 60 credits: cycle year 2 (2027-01-01 to 2027-12-31): at most 5 of the 20 "
        "needed can be earned",
    )


def test_an_item_a_cap_trims_still_counts_toward_a_yearly_minimum() -> None:
    """A course of 4 under a ``by_type`` cap of 2 meets alpha's 2027 minimum of 1.

    Renewing beta through alpha is one way, so the course's use of alpha depends on the way and
    is a column of its own; claiming the 2 the cap leaves needs only part of it, and the plan
    must still read the course as counting toward alpha (and so toward its cycle year).
    """
    alpha = tier(
        {"credits": 1},
        period_years=2,
        cycle="calendar",
        per_year={"credits": 1, "hard": True},
        caps={"by_type": {"course": 2}},
        renews=["beta"],
    )
    items = [
        activity("course-4", 4, 0, available_from="2027-01-01", counts_for=["alpha"]),
        activity("web-1", 1, 0, type="webinar", available_from="2027-01-01", counts_for=["alpha"]),
        activity("web-now", 1, 0, type="webinar", expires=str(TODAY)),
    ]
    data = catalogue(
        {"alpha": alpha, "beta": tier({"credits": 1}, period_years=1)},
        items,
        shares_credits=True,
        processing_days=0,
    )
    expires = {"alpha": dt.date(2028, 1, 1), "beta": dt.date(2026, 12, 29)}
    person = Person(today=TODAY, held={t: Held(expires=day) for t, day in expires.items()})
    expected = solve(data, person)
    plan = plan_of(data, person)
    assert expected is not None and plan.status == "optimal"
    assert key_of(plan) == expected.key
    course = next(i for i in plan.planned if i.id == "course-4")
    assert [(c.tier, c.credits) for c in course.counts_toward] == [("alpha", 2)]
    # one of course-4 and web-1 in each year: course-4, first by id, finishes in the later one
    assert {i.id: i.complete_by.year for i in plan.planned if i.id != "web-now"} == {
        "course-4": 2028,
        "web-1": 2027,
    }


def test_of_the_ways_alike_the_plan_renews_by_the_first_listed() -> None:
    """Renewal fees are waived for a tier renewed through another: beta through alpha, and
    gamma through alpha or through beta, cost the same. Whatever way the solver's answer
    holds, the plan keeps the first of these ways listed (gamma through alpha)."""
    fee = [{"amount": 10, "per": "renewal"}]
    data = catalogue(
        {
            "alpha": tier({"credits": 5}, period_years=1, renews=["beta", "gamma"], fees=fee),
            "beta": tier({"credits": 5}, period_years=1, renews=["gamma"], fees=fee),
            "gamma": tier({"credits": 5}, period_years=1, fees=fee),
        },
        [activity("a", 5, 10), activity("b", 5, 20)],
        shares_credits=True,
        processing_days=0,
    )
    catalog = catalog_of(data)
    tiers = ["alpha", "beta", "gamma"]
    request = make_held_request(catalog, tiers, today=TODAY, expires="2027-06-30")
    world = held_world(catalog, request)
    claims = build_claims(world)
    solver, deadline = make_solver("highs"), Deadline(None)
    _, values = solve_once(claims.model, claims.cost, solver, deadline)
    assert values is not None
    last = {"alpha": None, "beta": "alpha", "gamma": "beta"}  # alike, listed after gamma: alpha
    for n, way in enumerate(claims.ways):  # the answer, moved to the last of the ways alike
        values[claims.way_columns[n]] = float(way.via == last)
    assert read_answer(world, claims, values).way.via == last
    settled = held_planning._settled(claims, values, solver, deadline)
    assert read_answer(world, claims, settled).way.via == {**last, "gamma": "alpha"}


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("listed", [["a", "b", "c"], ["c", "b", "a"]])
def test_items_alike_go_to_the_cycle_years_in_id_order(solver: str, listed: list[str]) -> None:
    """Calendar years 2026 and 2027, 1 credit each (hard), 2 in all: any one of the free items
    in each year will do. Item by item in id order, each gets the latest year left: ``a`` 2027,
    ``b`` 2026 (where only 2026 is left), and ``c`` is not needed."""
    cisa = tier(
        {"credits": 2}, period_years=2, cycle="calendar", per_year={"credits": 1, "hard": True}
    )
    data = catalogue({"cisa": cisa}, [activity(i, 1, 0) for i in listed], processing_days=0)
    plan = ceplan.optimise(
        catalog_of(data), "cisa", today=TODAY, expires=dt.date(2027, 12, 31), solver=solver
    )
    assert [(i.id, str(i.complete_by)) for i in plan.planned] == [
        ("a", "2027-12-31"),
        ("b", "2026-12-31"),
    ]


def test_a_cheaper_item_stands_in_for_another_only_when_it_can_do_all_it_does() -> None:
    """Two calendar years, 10 credits each (hard); 2026's 10 are earned, 2027's are missing.

    cheap-10 (5.00) costs less than late-10 (6.00) and earns as much, but expires in 2026: it
    cannot finish in 2027, so it cannot stand in for late-10, and the plan is late-10 alone.
    An item of another type, or counting toward fewer tiers, cannot stand in either.
    """
    cisa = tier(
        {"credits": 20},
        period_years=2,
        cycle="calendar",
        per_year={"credits": 10, "hard": True},
    )
    items = [
        activity("cheap-10", 10, 5, expires="2026-12-31"),
        activity("late-10", 10, 6),
    ]
    plan = ceplan.optimise(
        catalog_of(catalogue({"cisa": cisa}, items)),
        "cisa",
        today=TODAY,
        expires=dt.date(2027, 12, 31),
        earned=10,
        earned_per_year={1: 10},
    )
    assert [i.id for i in plan.planned] == ["late-10"]
    capped = tier({"credits": 20}, caps={"by_type": {"webinar": 5}})
    typed = [activity("web-10", 10, 5, type="webinar"), activity("course-10", 10, 6)]
    plan = ceplan.optimise(
        catalog_of(catalogue({"alpha": capped}, typed)),
        "alpha",
        today=TODAY,
        expires=EXPIRES,
        earned=10,
    )
    assert [i.id for i in plan.planned] == ["course-10"]
    narrow = [activity("only-a", 10, 5, counts_for=["alpha"]), activity("both", 10, 6)]
    data = catalogue({"alpha": tier({"credits": 5}), "beta": tier({"credits": 10})}, narrow)
    plan = ceplan.optimise(
        catalog_of(data | {"shares_credits": True}), ["alpha", "beta"], today=TODAY
    )
    assert [i.id for i in plan.planned] == ["both"]


# -- comparing paths -------------------------------------------------------------------------------


@settings(max_examples=examples(100))
@given(scenarios(max_items=7, max_tiers=2))
def test_each_path_compared_renews_by_it_and_the_best_is_the_plan(scenario: Scenario) -> None:
    """Comparing the paths of the first tier held: each plan found renews it by that path, and
    when no other tier held may renew it, the best of them is :func:`ceplan.optimise`'s plan."""
    data, person = scenario.catalogue, scenario.person
    assume(valid(data))
    inputs = inputs_of(person)
    tiers = inputs.pop("tier")
    catalog = catalog_of(data)
    plan = ceplan.optimise(catalog, tiers, **inputs)
    comparison = ceplan.compare_paths(catalog, tiers, of=tiers[0], **inputs)
    assert len(comparison.plans) == len(catalog.tiers[tiers[0]].paths)
    for index, compared in enumerate(comparison.plans):
        if compared.found:
            own = {h.tier: h for h in compared.held}[tiers[0]]
            assert (own.renewed_through, own.path_index) == (None, index)
            assert key_of(compared) >= key_of(plan) or not plan.found
    renewers = [t for t in tiers if tiers[0] in data["tiers"][t].get("renews", ())]
    if not renewers and plan.found:
        assert key_of(comparison.best) == key_of(plan)
    if not plan.found:
        assert not any(compared.found for compared in comparison.plans) or renewers


def test_paths_compared_with_several_tiers_need_the_tier_named() -> None:
    with pytest.raises(ceplan.PlanInputError, match=r"^of: name the tier whose paths"):
        ceplan.compare_paths(two_tiers(), ["alpha", "beta"], today=TODAY)
    with pytest.raises(ceplan.PlanInputError, match=r"^of: 'gamma' is not a tier held here"):
        ceplan.compare_paths(two_tiers(), ["alpha", "beta"], of="gamma", today=TODAY)


def test_the_table_lists_the_fees_and_the_other_paths(tmp_path: Path) -> None:
    """``ceplan optimise`` on a schema 2 tier: the fee is a row of the table, in the total, and
    the other paths' reasons read as a schema 1 table's (without the tier's name again)."""
    fee = [{"amount": 50, "per": "year", "source": "test"}]
    exam = {"id": "plus-exam", "title": "Exam", "kind": "plus", "cost": 300}
    data = catalogue(
        {"plus": tier({"credits": 20}, {"exams": {"plus": 1}}, fees=fee)},
        [activity("course-20", 20, 120)],
        exams=[exam],
    )
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    argv = ["optimise", "--catalog", str(path), "--tier", "plus", "--today", "2026-11-29"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--expires", "2028-06-30", "--no-exams"]) == 0
    table = out.getvalue()
    assert "  fee       plus       year fee, 3 x 50.00 USD           150.00 USD\n" in table
    assert "  total                1 item                        20  270.00 USD" in table
    assert "Cheapest plan: plus: 20 credits\n" in table
    assert (
        "  1 plus exam  impossible: 1 more plus exam needed, and new exams are not allowed\n"
        in table
    )


def test_an_expiry_by_tier_plans_one_schema_1_tier_under_schema_2s_rules() -> None:
    catalog = ceplan.load_catalog()
    plan = ceplan.optimise(catalog, "associate", today=TODAY, expires={"associate": EXPIRES})
    alone = ceplan.optimise(catalog, "associate", today=TODAY, expires=EXPIRES)
    assert (len(plan.held), plan.expires, key_of(plan)) == (1, EXPIRES, key_of(alone))
    assert (plan.new_expires, plan.days_given_up) == (alone.new_expires, alone.days_given_up)
