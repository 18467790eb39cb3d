"""Team plans on a catalogue of schema 2 (SPEC 7 and 9): the roster's tiers held, fees, budgets.

With ample budgets each person's plan is :func:`ceplan.optimise`'s, and on small random rosters
the exhaustive reference's (``tests/schema2_reference.py``) person by person. Where budgets are
tight, the team's order (SPEC 7) is checked against a small exhaustive search over each
person's plans written here from SPEC 7 and 9 and from the fees' due days the README chooses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.results.team import PersonOutcome
from tests.conftest import examples
from tests.schema2_generators import TODAY, catalogues, people
from tests.schema2_reference import Person as RefPerson
from tests.schema2_reference import solve

ROOT = Path(__file__).resolve().parent.parent
ISC2 = ROOT / "programmes" / "isc2.yaml"


def person_key(outcome: PersonOutcome) -> tuple[int, float, int, tuple[str, ...]]:
    """A person's plan in SPEC 3's order: cost with fees, hours, items, ids (fees aside)."""
    items = [i for i in outcome.items if i.kind != "fee"]
    ids = tuple(sorted(i.id for i in items))
    return (outcome.cents, round(sum(i.hours for i in items), 6), len(ids), ids)


def plan_key(plan: ceplan.Plan) -> tuple[int, float, int, tuple[str, ...]]:
    ids = tuple(sorted(i.id for i in plan.planned))
    return (round(plan.total_cost * 100), round(plan.total_hours, 6), len(ids), ids)


# -- ample budgets: each person's own plan ----------------------------------------------------


ISC2_TEAM: dict[str, Any] = {
    "schema": 1,
    "team": "Security",
    "budgets": [
        {"name": "FY2026-27", "start": "2026-04-01", "end": "2027-03-31", "amount": 20000},
        {"name": "FY2027-28", "start": "2027-04-01", "end": "2028-03-31", "amount": 20000},
    ],
    "people": [
        {
            "id": "ana",
            "name": "Ana",
            "tiers": [
                {
                    "tier": "cissp",
                    "expires": "2027-12-31",
                    "earned": 60,
                    "earned_in": {"group-a": 50},
                },
                {"tier": "ccsp", "expires": "2028-06-30"},
            ],
        },
        {"id": "bo", "name": "Bo", "tier": "sscp", "expires": "2027-09-30", "earned": 20},
        {"id": "cy", "name": "Cy", "tier": "cissp", "expires": "2028-03-31", "priority": 2},
    ],
}


def test_ample_budgets_give_each_person_their_own_plan() -> None:
    catalog = ceplan.load_catalog(ISC2)
    plan = ceplan.plan_team(catalog, ISC2_TEAM, today="2026-12-07")
    assert plan.status == "optimal"
    for outcome, data in zip(plan.outcomes, ISC2_TEAM["people"], strict=True):
        person = ceplan.Person.model_validate(data)
        alone = ceplan.optimise(catalog, today="2026-12-07", **person.held_inputs())
        assert alone.status == "optimal" and outcome.renews
        assert person_key(outcome) == plan_key(alone)
        fees = sorted(i.cents for i in outcome.items if i.kind == "fee")
        assert sum(fees) == round(sum(f.amount for f in alone.fees) * 100)
        by_id = {i.id: i for i in outcome.items}
        for item in alone.planned:  # the same dates as alone, paid no later than started
            mine = by_id[item.id]
            assert (mine.start, mine.finish) == (item.start, item.finish)
            assert mine.paid_on <= mine.start
    ana = plan.outcomes[0]
    assert ana.tiers == "cissp + ccsp" and [t for t, _ in ana.held] == ["cissp", "ccsp"]
    data = json.loads(plan.to_json())
    assert [t["tier"] for t in data["people"][0]["tiers"]] == ["cissp", "ccsp"]
    assert "tiers" in data["people"][1]


def _roster_person(person_id: str, ref: RefPerson) -> dict[str, Any]:
    return {
        "id": person_id,
        "name": person_id.upper(),
        "tiers": [
            {
                "tier": tier,
                "expires": held.expires.isoformat(),
                "earned": held.earned,
                "earned_in": dict(held.earned_by_category),
            }
            for tier, held in ref.held.items()
        ],
        "exclude": sorted(ref.exclude),
        "exams": ref.allow_exams,
    }


def _plain(ref: RefPerson) -> RefPerson:
    """The reference's person as a roster can say them: no per-year credits, no exams passed,
    no processing days of their own, no budget."""
    held = {t: dataclasses.replace(h, earned_per_year={}, passed={}) for t, h in ref.held.items()}
    return dataclasses.replace(ref, held=held, processing_days=None, budget=None)


@st.composite
def rosters(draw: st.DrawFn) -> tuple[dict[str, Any], list[RefPerson]]:
    catalogue = draw(catalogues(max_items=6, max_tiers=2))
    count = draw(st.integers(1, 3))
    return catalogue, [_plain(draw(people(catalogue))) for _ in range(count)]


@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(rosters())
def test_random_rosters_give_each_person_the_references_plan(
    case: tuple[dict[str, Any], list[RefPerson]],
) -> None:
    """Without budgets (ample money), each person's plan is the exhaustive reference's."""
    data, refs = case
    each_person_is_the_references(data, refs, _roster_person)


def each_person_is_the_references(
    data: dict[str, Any],
    refs: list[RefPerson],
    roster_person: Callable[[str, RefPerson], dict[str, Any]],
) -> None:
    """``refs`` planned as a roster without budgets: each person's plan is the reference's.

    ``roster_person`` writes a roster entry from a reference's person. Cases the catalogue's or
    the roster's own rules refuse (the generators do not keep them all) are left out.
    """
    try:
        catalog = ceplan.Catalog.model_validate(data)
    except Exception:  # noqa: BLE001 - rules of the catalogue's own the generator does not keep
        assume(False)
        raise
    roster = {
        "schema": 1,
        "team": "T",
        "people": [roster_person(f"p{n}", ref) for n, ref in enumerate(refs)],
    }
    try:
        plan = ceplan.plan_team(catalog, roster, today=TODAY)
    except ceplan.RosterError:
        assume(False)
        raise
    assert plan.status == "optimal"
    for outcome, ref in zip(plan.outcomes, refs, strict=True):
        expected = solve(data, ref)
        if expected is None:
            assert not outcome.renews and outcome.reasons
            continue
        assert outcome.renews
        cents, hours, count, ids = person_key(outcome)
        assert (cents, count, ids) == (expected.cents, len(expected.ids), expected.ids)
        assert hours == pytest.approx(float(expected.hours))


# -- tight budgets: an exhaustive search written from SPEC 7 and 9 ------------------------------

TIGHT_CATALOGUE: dict[str, Any] = {
    "schema": 2,
    "programme": "P",
    "currency": "USD",
    "processing_days": 0,
    "tiers": {
        "t": {
            "period_years": 2,
            "paths": [{"credits": 10}],
            "fees": [{"amount": 100, "per": "year"}, {"amount": 50, "per": "renewal"}],
        }
    },
    "activities": [
        {"id": "a", "title": "A", "type": "course", "credits": 10, "cost": 300, "hours": 10},
        {"id": "b", "title": "B", "type": "course", "credits": 5, "cost": 100, "hours": 5},
        {"id": "c", "title": "C", "type": "course", "credits": 5, "cost": 120, "hours": 2},
        {
            "id": "d",
            "title": "D (until March 2027)",
            "type": "course",
            "credits": 10,
            "cost": 150,
            "hours": 4,
            "expires": "2027-03-31",
        },
    ],
    "exams": [],
}
PERIODS = [
    ("FY1", dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    ("FY2", dt.date(2027, 4, 1), dt.date(2028, 3, 31)),
    ("FY3", dt.date(2028, 4, 1), dt.date(2029, 3, 31)),
]
DAY = dt.date(2026, 12, 7)


def _period(day: dt.date) -> int | None:
    return next((n for n, (_, first, last) in enumerate(PERIODS) if first <= day <= last), None)


def _fees(expires: dt.date) -> list[tuple[int, int]]:
    """(cents, period) of each payment, by the README's due days: a yearly fee on the first
    day of each cycle year (a past day: today), a renewal fee on the do-by date."""
    firsts = [
        dt.date(expires.year - 1, expires.month, expires.day) + dt.timedelta(days=1),
        dt.date(expires.year - 2, expires.month, expires.day) + dt.timedelta(days=1),
    ]
    due = [max(DAY, day) for day in firsts]
    return [(10000, _period(d)) for d in due] + [(5000, _period(expires))]  # type: ignore[misc]


def _plans(expires: dt.date, earned: float) -> Iterator[tuple[dict[int, int], int, float]]:
    """Every plan of one person: spend by period (items paid on a day between today and the
    last day they can be done, fees on their days), hours, and the total cost."""
    acts = TIGHT_CATALOGUE["activities"]
    for size in range(len(acts) + 1):
        for chosen in itertools.combinations(acts, size):
            if earned + sum(a["credits"] for a in chosen) < 10:
                continue
            windows = []
            for a in chosen:
                last = min(expires, dt.date.fromisoformat(a.get("expires", "9999-12-31")))
                if last < DAY:
                    break
                windows.append([n for n, (_, f, e) in enumerate(PERIODS) if f <= last and e >= DAY])
            else:
                for paid in itertools.product(*windows):
                    spend: dict[int, int] = {}
                    for a, n in zip(chosen, paid, strict=True):
                        spend[n] = spend.get(n, 0) + a["cost"] * 100
                    for cents, n in _fees(expires):
                        if n is not None:
                            spend[n] = spend.get(n, 0) + cents
                    total = sum(a["cost"] * 100 for a in chosen) + sum(c for c, _ in _fees(expires))
                    yield spend, sum(a["hours"] for a in chosen), total


def _best(
    team: Sequence[tuple[str, dt.date, float, int]], amounts: Sequence[int]
) -> tuple[int, int, float, set[frozenset[str]]]:
    """The best (priority, out of pocket, hours) and every set of people renewing that has it."""
    options = [[None, *_plans(expires, earned)] for _, expires, earned, _ in team]
    best: tuple[int, int, float] | None = None
    sets: set[frozenset[str]] = set()
    for choice in itertools.product(*options):
        spend = [0] * len(amounts)
        for plan in choice:
            if plan is not None:
                for n, cents in plan[0].items():
                    spend[n] += cents
        if any(s > a for s, a in zip(spend, amounts, strict=True)):
            continue
        renew = [t for t, plan in zip(team, choice, strict=True) if plan is not None]
        key = (
            -sum(t[3] for t in renew),
            sum(p[2] for p in choice if p is not None),
            sum(p[1] for p in choice if p is not None),
        )
        if best is None or key < best:
            best, sets = key, set()
        if key == best:
            sets.add(frozenset(t[0] for t in renew))
    assert best is not None
    return best[0], best[1], best[2], sets


TEAM = [("ann", dt.date(2027, 5, 31), 0.0, 1), ("bo", dt.date(2028, 8, 31), 0.0, 1)]


def _tight_roster(
    amounts: Sequence[int], team: Sequence[tuple[str, dt.date, float, int]] = TEAM
) -> dict[str, Any]:
    return {
        "schema": 1,
        "team": "T",
        "budgets": [
            {
                "name": name,
                "start": first.isoformat(),
                "end": last.isoformat(),
                "amount": cents / 100,
            }
            for (name, first, last), cents in zip(PERIODS, amounts, strict=True)
        ],
        "people": [
            {
                "id": who,
                "name": who.title(),
                "tier": "t",
                "expires": e.isoformat(),
                "earned": n,
                "priority": p,
            }
            for who, e, n, p in team
        ],
    }


@pytest.mark.parametrize(
    "amounts",
    [
        (50000, 50000, 50000),  # ample
        (40000, 10000, 0),  # fees in FY2 and FY3 leave room for one
        (35000, 30000, 5000),
        (20000, 50000, 5000),
    ],
)
def test_tight_budgets_follow_the_teams_order(amounts: tuple[int, int, int]) -> None:
    catalog = ceplan.Catalog.model_validate(TIGHT_CATALOGUE)
    priority, spend, hours, sets = _best(TEAM, amounts)
    plan = ceplan.plan_team(catalog, _tight_roster(amounts), today=DAY)
    assert plan.status == "optimal"
    renewing = frozenset(o.id for o in plan.outcomes if o.renews)
    assert renewing in sets
    assert -sum(o.priority for o in plan.outcomes if o.renews) == priority
    assert round(plan.out_of_pocket * 100) == spend
    assert sum(o.hours for o in plan.outcomes if o.renews) == hours
    for use, cents in zip(plan.budget_uses, amounts, strict=True):
        assert round(use.spent * 100) <= cents


@settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    team=st.lists(
        st.tuples(
            st.sampled_from([dt.date(2027, 5, 31), dt.date(2027, 11, 30), dt.date(2028, 8, 31)]),
            st.sampled_from([0.0, 5.0]),
            st.integers(1, 3),
        ),
        min_size=1,
        max_size=2,
    ),
    amounts=st.tuples(*(st.integers(0, 10).map(lambda n: n * 5000) for _ in PERIODS)),
)
def test_random_tight_budgets_follow_the_teams_order(
    team: list[tuple[dt.date, float, int]], amounts: tuple[int, int, int]
) -> None:
    people = [
        (f"p{n}", expires, earned, priority) for n, (expires, earned, priority) in enumerate(team)
    ]
    priority, spend, hours, sets = _best(people, amounts)
    roster = _tight_roster(amounts, people)
    plan = ceplan.plan_team(ceplan.Catalog.model_validate(TIGHT_CATALOGUE), roster, today=DAY)
    assert plan.status == "optimal"
    assert frozenset(o.id for o in plan.outcomes if o.renews) in sets
    assert -sum(o.priority for o in plan.outcomes if o.renews) == priority
    assert round(plan.out_of_pocket * 100) == spend
    assert sum(o.hours for o in plan.outcomes if o.renews) == hours
    for item in (i for o in plan.outcomes for i in o.items):
        assert DAY <= item.paid_on <= item.start <= item.finish <= item.complete_by
        assert item.period == PERIODS[_period(item.paid_on)][0]  # type: ignore[index]


def test_fees_decide_who_renews() -> None:
    """Bo's renewal fee falls in FY3, which has nothing: only Ann renews, where without fees
    both would (the search says so, and the plan agrees)."""
    amounts = (40000, 10000, 0)
    _, _, _, sets = _best(TEAM, amounts)
    assert sets == {frozenset({"ann"})}
    catalog = ceplan.Catalog.model_validate(TIGHT_CATALOGUE)
    plan = ceplan.plan_team(catalog, _tight_roster(amounts), today=DAY)
    renewing = frozenset(o.id for o in plan.outcomes if o.renews)
    assert renewing in sets
    free = dict(TIGHT_CATALOGUE, tiers={"t": {**TIGHT_CATALOGUE["tiers"]["t"], "fees": []}})
    unpaid = ceplan.plan_team(
        ceplan.Catalog.model_validate(free), _tight_roster(amounts), today=DAY
    )
    assert frozenset(o.id for o in unpaid.outcomes if o.renews) != renewing
    at_risk = [o for o in plan.outcomes if not o.renews]
    assert at_risk and all(o.reasons and "\n" not in r for o in at_risk for r in o.reasons)


def test_fees_fall_in_the_period_of_their_day() -> None:
    catalog = ceplan.Catalog.model_validate(TIGHT_CATALOGUE)
    roster = _tight_roster((100000, 100000, 100000))
    roster["people"] = roster["people"][1:]  # Bo: expires 2028-08-31
    plan = ceplan.plan_team(catalog, roster, today=DAY)
    (bo,) = plan.outcomes
    fees = sorted((i.paid_on, i.period, i.cents) for i in bo.items if i.kind == "fee")
    assert fees == [
        (DAY, "FY1", 10000),  # year 1 began 2026-09-01: due, so paid today
        (dt.date(2027, 9, 1), "FY2", 10000),  # year 2's first day
        (dt.date(2028, 8, 31), "FY3", 5000),  # the renewal, on the do-by date
    ]
    spent = {use.name: round(use.spent * 100) for use in plan.budget_uses}
    items = sum(i.cents for i in bo.items if i.kind != "fee")
    assert spent == {"FY1": 10000 + items, "FY2": 10000, "FY3": 5000}


# -- the roster's forms and its problems, one line each ---------------------------------------


def test_a_tier_list_takes_expiries_and_credits_by_position(tmp_path: Path) -> None:
    csv = tmp_path / "team.csv"
    csv.write_text(
        "id,name,tier,expires,earned\nana,Ana,cissp;ccsp,2027-12-31;2028-06-30,60;10\n"
        "bo,Bo,sscp,2027-09-30,20\n"
    )
    catalog = ceplan.load_catalog(ISC2)
    roster = ceplan.load_roster(csv, catalog=catalog, today="2026-12-07")
    ana = roster.people[0]
    assert [(h.tier, str(h.expires), h.earned) for h in ana.held] == [
        ("cissp", "2027-12-31", 60.0),
        ("ccsp", "2028-06-30", 10.0),
    ]
    assert (ana.tier, str(ana.expires)) == ("cissp", "2027-12-31")
    listed = {"id": "x", "name": "X", "tier": ["cissp", "ccsp"], "expires": "2028-06-30"}
    data = {"schema": 1, "team": "T", "people": [listed]}
    (person,) = ceplan.plan_team(catalog, data, today="2026-12-07").outcomes
    assert [t for t, _ in person.held] == ["cissp", "ccsp"]


@pytest.mark.parametrize(
    ("person", "field", "words"),
    [
        ({"tier": ["cissp", "ccsp"], "expires": ["2028-06-30"]}, "expires", "gives 1 value for 2"),
        (
            {"tier": ["cissp", "ccsp"], "expires": "2028-06-30", "earned": [1, 2, 3]},
            "earned",
            "3 values",
        ),
        (
            {
                "tiers": [
                    {"tier": "cissp", "expires": "2028-06-30"},
                    {"tier": "nope", "expires": "2028-06-30"},
                ]
            },
            "tiers.1.tier",
            "is not a tier of the catalogue",
        ),
        (
            {
                "tiers": [
                    {
                        "tier": "cissp",
                        "expires": "2028-06-30",
                        "earned": 3,
                        "earned_in": {"group-z": 3},
                    }
                ]
            },
            "tiers.0.earned_in.group-z",
            "is not a credit category",
        ),
        (
            {"tiers": [{"tier": "cissp", "expires": "2028-06-30"}], "earned": 5},
            "earned",
            "give it in each entry of tiers",
        ),
        (
            {"tiers": [{"tier": "cissp", "expires": "2028-06-30"}], "tier": "ccsp"},
            "tier",
            "is not the first of tiers",
        ),
        (
            {
                "tiers": [
                    {"tier": "cissp", "expires": "2028-06-30"},
                    {"tier": "cissp", "expires": "2029-06-30"},
                ]
            },
            "tiers.1.tier",
            "is named twice",
        ),
        (
            {"tier": "cissp", "expires": "2028-06-30", "earned_in": {"group-a": 5}},
            "earned_in",
            "more than the 0 earned",
        ),
        (
            {"tier": "cissp", "expires": "2028-06-30", "hours_per_week": 0},
            "hours_per_week",
            "greater than 0",
        ),
    ],
)
def test_roster_problems_are_one_line_naming_the_person_and_field(
    person: dict[str, Any], field: str, words: str
) -> None:
    catalog = ceplan.load_catalog(ISC2)
    data = {"schema": 1, "team": "T", "people": [{"id": "ana", "name": "Ana", **person}]}
    with pytest.raises(ceplan.RosterError) as error:
        ceplan.plan_team(catalog, data, today="2026-12-07")
    text = str(error.value)
    assert "\n" not in text and "'ana'" in text and field in text and words in text, text


def test_several_tiers_on_a_schema_1_catalogue_are_refused_in_one_line() -> None:
    data = {
        "schema": 1,
        "team": "T",
        "people": [
            {
                "id": "ana",
                "name": "Ana",
                "tier": ["associate", "professional"],
                "expires": "2028-06-30",
            }
        ],
    }
    with pytest.raises(ceplan.RosterError) as error:
        ceplan.plan_team(ceplan.load_catalog(), data, today="2026-12-07")
    assert "\n" not in str(error.value) and "schema 2 catalogue" in str(error.value)


def test_the_outputs_take_fees_and_tiers(tmp_path: Path) -> None:
    from ceplan.cli.main import main

    roster = ROOT / "examples" / "team-isc2.yaml"
    for fmt in ("csv", "xlsx", "json", "table"):
        out = tmp_path / f"plan.{fmt}"
        code = main(
            [
                "team",
                str(roster),
                "--catalog",
                "isc2",
                "--today",
                "2026-12-07",
                "--format",
                fmt,
                "--out",
                str(out),
            ]
        )
        assert code == 1 and out.stat().st_size > 0  # 1: someone is at risk
    data: Mapping[str, Any] = json.loads((tmp_path / "plan.json").read_text())
    kinds = {i["kind"] for p in data["people"] for i in p["items"]}
    assert "fee" in kinds


def test_funds_pay_items_never_fees() -> None:
    """A fund paying for activities pays every item; the fees stay out of pocket."""
    catalog = ceplan.Catalog.model_validate(TIGHT_CATALOGUE)
    roster = _tight_roster((100000, 100000, 100000))
    roster["funds"] = [
        {"name": "Prepaid", "amount": 10000, "expires": "2028-12-31", "pays_for": ["activities"]}
    ]
    plan = ceplan.plan_team(catalog, roster, today=DAY)
    fees = sum(i.cents for o in plan.outcomes for i in o.items if i.kind == "fee")
    assert all(o.renews for o in plan.outcomes)
    assert round(plan.out_of_pocket * 100) == fees == 2 * (10000 + 10000 + 5000)
    assert all(not i.fund_cents for o in plan.outcomes for i in o.items if i.kind == "fee")


def test_the_reasons_say_what_would_renew_someone_at_risk() -> None:
    """Each claim of the example's reasons holds when the team is planned again."""
    import re

    import yaml

    catalog = ceplan.load_catalog(ISC2)
    data = yaml.safe_load((ROOT / "examples" / "team-isc2.yaml").read_text())
    plan = ceplan.plan_team(catalog, data, today="2026-12-07")
    (bo,) = [o for o in plan.outcomes if not o.renews]
    assert bo.id == "bo" and all("\n" not in r for r in bo.reasons)
    more = {
        name: float(value.replace(",", ""))
        for value, name in re.findall(r"([\d,.]+) USD in (FY[\d-]+)", bo.reasons[-1])
    }
    assert more and bo.reasons[-1].endswith("would renew Bo Lund")
    richer = {
        **data,
        "budgets": [{**b, "amount": b["amount"] + more.get(b["name"], 0)} for b in data["budgets"]],
    }
    assert all(o.renews for o in ceplan.plan_team(catalog, richer, today="2026-12-07").outcomes)
    tie = next(r for r in bo.reasons if "would renew Bo Lund instead" in r)
    raised = int(tie.split("priority ")[-1].split()[0])
    people = [{**p, "priority": raised} if p["id"] == "bo" else p for p in data["people"]]
    again = ceplan.plan_team(catalog, {**data, "people": people}, today="2026-12-07")
    assert next(o for o in again.outcomes if o.id == "bo").renews


@pytest.mark.parametrize(
    ("path", "caps", "act_4"),
    [
        ({"credits": 8, "min": {"group-a": 2}}, {"per_activity": 3}, (4, {"group-a": 1})),
        ({"credits": 9, "min": {"group-a": 1}}, {}, (3, {"group-a": 2})),
    ],
)
def test_a_person_renews_whatever_the_tolerances_of_their_rows(
    path: dict[str, Any], caps: dict[str, Any], act_4: tuple[int, dict[str, int]]
) -> None:
    """Alone and without budgets, Ana renews as she does by herself (act-0, act-1, act-3 and
    act-4). Her rows' needs less their tolerance were once multiplied by her ``renew`` as they
    were (``-5.999999``), or the tolerance kept apart (``6 r - 1e-6``), both of which HiGHS's
    presolve read as making her renewal impossible."""

    def activity(item_id: str, credits: int, **extra: Any) -> dict[str, Any]:
        base = {"id": item_id, "title": item_id, "type": "webinar", "credits": credits}
        return base | {"cost": 0, "expires": TODAY} | extra

    group_a = {"categories": {"group-a": 1}}
    catalog = ceplan.Catalog.model_validate(
        {
            "schema": 2,
            "programme": "P",
            "currency": "USD",
            "processing_days": 0,
            "categories": {"group-a": {"label": "A"}},
            "tiers": {
                "alpha": {
                    "label": "Alpha",
                    "period_years": 1,
                    "paths": [path],
                    "caps": caps,
                }
            },
            "activities": [
                activity("act-0", 1),
                activity("act-1", 1),
                activity("act-2", 1),
                activity("act-3", 1, **group_a),
                activity("act-4", act_4[0], categories=act_4[1]),
            ],
        }
    )
    alone = ceplan.optimise(catalog, "alpha", today=TODAY, expires=TODAY, earned=2)
    person = {"id": "ana", "name": "Ana", "tier": "alpha", "expires": TODAY, "earned": 2}
    roster = {"schema": 1, "team": "T", "people": [person]}
    for method in ("single", "columns"):
        [ana] = ceplan.plan_team(catalog, roster, today=TODAY, method=method).outcomes
        assert ana.renews, (method, ana.reasons)
        assert sorted(i.id for i in ana.items) == sorted(i.id for i in alone.planned)
