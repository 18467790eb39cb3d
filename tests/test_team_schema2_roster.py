"""Roster fields of schema 2: credits earned by cycle year and exams passed, by tier held.

On small random rosters each person's plan is the exhaustive reference's
(``tests/schema2_reference.py``) with their credits by year and their exams passed per tier
given in the roster, as ``optimise`` takes them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ceplan
from tests.conftest import examples
from tests.schema2_generators import TODAY, catalogues, people
from tests.schema2_reference import Person as RefPerson
from tests.test_team_schema2 import each_person_is_the_references


def _with_years_and_exams(ref: RefPerson) -> RefPerson:
    """The reference's person as a roster says them: earned at least their years' credits, no
    processing days of their own, no budget."""
    held = {
        tier: dataclasses.replace(h, earned=max(h.earned, sum(h.earned_per_year.values())))
        for tier, h in ref.held.items()
    }
    return dataclasses.replace(ref, held=held, processing_days=None, budget=None)


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
                "earned_in_year": dict(held.earned_per_year),
                "passed": [kind for kind, n in sorted(held.passed.items()) for _ in range(n)],
            }
            for tier, held in ref.held.items()
        ],
        "exclude": sorted(ref.exclude),
        "exams": ref.allow_exams,
    }


@st.composite
def rosters(draw: st.DrawFn) -> tuple[dict[str, Any], list[RefPerson]]:
    catalogue = draw(catalogues(max_items=6, max_tiers=2))
    count = draw(st.integers(1, 2))
    return catalogue, [_with_years_and_exams(draw(people(catalogue))) for _ in range(count)]


@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(rosters())
def test_years_and_exams_per_tier_give_the_references_plan(
    case: tuple[dict[str, Any], list[RefPerson]],
) -> None:
    data, refs = case
    each_person_is_the_references(data, refs, _roster_person)


def _cisa(**entry: Any) -> dict[str, Any]:
    held = {"tier": "cisa", "expires": "2027-12-31", "earned": 40, **entry}
    return {"schema": 1, "team": "T", "people": [{"id": "ana", "name": "Ana", "tiers": [held]}]}


def test_a_cisa_holder_part_way_through_a_calendar_cycle_renews_with_their_years() -> None:
    """Cycle 2025 to 2027, 20 a year hard: without the years over, year 1 cannot be met."""
    without = ceplan.plan_team("isaca", _cisa(), today="2026-12-07").outcomes[0]
    assert not without.renews and "cycle year 1" in without.reasons[0]
    roster = _cisa(earned_in_year={1: 20, 2: 20})
    outcome = ceplan.plan_team("isaca", roster, today="2026-12-07").outcomes[0]
    alone = ceplan.optimise(
        "isaca",
        "cisa",
        today="2026-12-07",
        expires="2027-12-31",
        earned=40,
        earned_per_year={1: 20, 2: 20},
    )
    assert outcome.renews and alone.status == "optimal"
    assert sorted(i.id for i in outcome.items if i.kind != "fee") == sorted(
        i.id for i in alone.planned
    )


EXAMS_CATALOGUE: dict[str, Any] = {
    "schema": 2,
    "programme": "P",
    "currency": "USD",
    "processing_days": 0,
    "tiers": {
        "t": {"period_years": 2, "paths": [{"exams": {"core": 1}}, {"credits": 10}]},
        "u": {"period_years": 2, "paths": [{"exams": {"core": 1}}]},
    },
    "activities": [
        {"id": "a", "title": "A", "type": "course", "credits": 10, "cost": 100, "hours": 10},
    ],
    "exams": [{"id": "x", "title": "X", "kind": "core", "cost": 400, "hours": 8}],
}


@pytest.mark.parametrize(
    ("own", "everyone", "planned"),
    [
        ({"u": ["core"]}, [], ["a"]),  # u met by its exam; t by credits, cheaper than the exam
        ({"t": ["core"]}, [], ["x"]),  # t met by its exam; u needs one
        ({}, ["core"], []),  # the person's passed holds for every tier
        ({}, [], ["x"]),  # one exam meets both
    ],
)
def test_an_exam_passed_for_one_tier_counts_for_that_tier_only(
    own: dict[str, list[str]], everyone: list[str], planned: list[str]
) -> None:
    catalog = ceplan.Catalog.model_validate(EXAMS_CATALOGUE)
    tiers = [
        {"tier": tier, "expires": "2028-06-30", **({"passed": own[tier]} if tier in own else {})}
        for tier in ("t", "u")
    ]
    person = {"id": "a", "name": "A", "tiers": tiers, "passed": everyone}
    roster = {"schema": 1, "team": "T", "people": [person]}
    [mine] = ceplan.plan_team(catalog, roster, today="2026-12-07").outcomes
    passed = {tier: [*everyone, *own.get(tier, [])] for tier in ("t", "u")}
    alone = ceplan.optimise(
        catalog, ["t", "u"], today="2026-12-07", expires="2028-06-30", passed=passed
    )
    assert mine.renews and alone.status == "optimal"
    assert sorted(i.id for i in mine.items) == planned == sorted(i.id for i in alone.planned)


@pytest.mark.parametrize(
    ("entry", "person", "field", "words"),
    [
        ({"earned_in_year": {1: 30, 2: 20}}, {}, "tiers.0.earned_in_year", "more than the 40"),
        ({"earned_in_year": {4: 10}}, {}, "tiers.0.earned_in_year.4", "1 to 3"),
        ({"earned_in_year": {0: 10}}, {}, "tiers.0.earned_in_year.0", "1 the first"),
        (
            {"expires": "2028-12-31", "earned_in_year": {2: 10}},
            {},
            "tiers.0.earned_in_year.2",
            "year 2 of cisa's cycle starts on 2027-01-01, after today (2026-12-07)",
        ),
        ({"earned_in_year": {"one": 10}}, {}, "tiers.0.earned_in_year.one", "integer"),
        ({"earned_in_year": {1: -1}}, {}, "tiers.0.earned_in_year.1", "greater than or equal"),
        ({"passed": ["core"]}, {}, "tiers.0.passed.0", "not an exam kind"),
        ({}, {"earned_in_year": {1: 5}}, "earned_in_year", "each entry of tiers"),
    ],
)
def test_roster_problems_of_years_and_exams_are_one_line(
    entry: dict[str, Any], person: dict[str, Any], field: str, words: str
) -> None:
    data = _cisa(**entry)
    data["people"][0].update(person)
    with pytest.raises(ceplan.RosterError) as error:
        ceplan.plan_team("isaca", data, today="2026-12-07")
    text = str(error.value)
    assert "\n" not in text and "'ana'" in text and f"'{field}'" in text and words in text, text


def test_a_kind_passed_by_the_person_and_a_tier_is_refused_in_one_line() -> None:
    catalog = ceplan.Catalog.model_validate(EXAMS_CATALOGUE)
    person = {
        "id": "a",
        "name": "A",
        "passed": ["core"],
        "tiers": [{"tier": "t", "expires": "2028-06-30", "passed": ["core"]}],
    }
    with pytest.raises(ceplan.RosterError) as error:
        ceplan.plan_team(catalog, {"schema": 1, "team": "T", "people": [person]}, today=TODAY)
    text = str(error.value)
    assert "\n" not in text and "'tiers.0.passed.0'" in text and "give it once" in text, text


def test_years_on_a_schema_1_catalogue_are_refused_in_one_line() -> None:
    person = {
        "id": "a",
        "name": "A",
        "tier": "professional",
        "expires": "2028-06-30",
        "earned": 10,
        "earned_in_year": {1: 10},
    }
    with pytest.raises(ceplan.RosterError) as error:
        ceplan.plan_team(
            ceplan.load_catalog(), {"schema": 1, "team": "T", "people": [person]}, today=TODAY
        )
    text = str(error.value)
    assert "\n" not in text and "'earned_in_year'" in text and "schema 2" in text, text


@pytest.mark.parametrize("column", ["earned_in_year", "Earned in"])
def test_a_csv_column_of_years_or_categories_is_refused_in_one_line(
    tmp_path: Path, column: str
) -> None:
    path = tmp_path / "team.csv"
    path.write_text(f"id,name,tier,expires,earned,{column}\nana,Ana,cisa,2027-12-31,40,1:20\n")
    with pytest.raises(ceplan.RosterError) as error:
        ceplan.plan_team("isaca", path, today="2026-12-07")
    text = str(error.value)
    assert "\n" not in text and "YAML roster only" in text and "team.csv:2" in text, text
