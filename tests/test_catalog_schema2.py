"""Catalogue schema 2 (SPEC 9): its models, their defaults, and every rule in one line.

Schema 2 adds credit categories, per-path ``min`` and ``max`` by category, caps, a credit step,
yearly minimums, fees, tiers renewing others, and activities that split their credits across
categories or count toward named tiers. Schema 1 files mean what they meant: their models hold
schema 2's defaults and write out without them, and a schema 1 file that gives a schema 2 key is
refused, naming the key. Each rule is broken alone here and gives exactly one problem, on one
line, naming the item and the field; a property test does the same on random catalogues.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import ceplan
from ceplan.catalogue.fastyaml import fast_load
from ceplan.catalogue.models import (
    Activity,
    Catalog,
    Counted,
    FrozenMap,
    PathRule,
    Tier,
)
from ceplan.catalogue.rules import Schema2Names
from ceplan.catalogue.table import COLUMNS_FROM, Activities, table_from_records, with_table
from ceplan.cli.main import main
from ceplan.solving.workers import payload
from ceplan.units import on_step, steps_down, whole_steps
from tests import generators
from tests.conftest import catalog_data, examples

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

WriteCatalog = Callable[..., Path]
Problem = ceplan.CatalogError.Problem

SPEC_EXAMPLE = """\
schema: 2
programme: ISC2 continuing professional education
currency: USD
exchange_rates: {GBP: 1.27}
rates_as_of: 2026-11-01
credit_step: 0.25
categories:
  group-a: {label: Group A security domains}
  group-b:
    label: "Group B: professional development"
shares_credits: true
tiers:
  cissp:
    label: CISSP
    period_years: 3
    cycle: award
    paths:
      - credits: 120
        min: {group-a: 90}
        max: {group-b: 30}
    per_year: {credits: 40, hard: false}
    caps:
      per_activity: 40
      by_type: {webinar: 10, conference: 10}
    fees:
      - {amount: 135, per: year, source: EXAMPLE figure}
    renews: [sscp]
    source: EXAMPLE rules
  sscp:
    paths:
      - credits: 60
        min: {group-a: 45}
  ccsp:
    paths: [{credits: 90, min: {group-a: 60}}]
activities:
  - id: isc2-think-tank-2027-03
    title: ISC2 Think Tank webinar
    type: webinar
    credits: 1
    categories: {group-a: 1}
    counts_for: [cissp, ccsp]
    cost: 0
    hours: 1
  - id: course
    title: A course
    type: course
    credits: 50
    categories: {group-a: 30, group-b: 15.5}
    cost: 100
    currency: GBP
"""


def spec_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SPEC_EXAMPLE)
    return data


def problems_of(data: dict[str, Any] | str, name: str = "c.yaml") -> tuple[Problem, ...]:
    """The problems of the one CatalogError that loading ``data`` raises."""
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.parse_catalog(text, name=name)
    return info.value.problems


def one_problem(data: dict[str, Any]) -> Problem:
    """The single problem ``data`` has, checked to be one line naming the file."""
    problems = problems_of(data)
    assert len(problems) == 1, [str(problem) for problem in problems]
    (problem,) = problems
    assert "\n" not in str(problem)
    assert str(problem).startswith("c.yaml:")
    return problem


# -- the SPEC's example and what the models make of it ---------------------------------------------


def test_the_spec_example_loads_with_every_key() -> None:
    catalog = ceplan.parse_catalog(SPEC_EXAMPLE)
    assert catalog.schema_version == 2
    assert catalog.credit_step == 0.25
    assert catalog.shares_credits is True
    assert {name: category.label for name, category in catalog.categories.items()} == {
        "group-a": "Group A security domains",
        "group-b": "Group B: professional development",
    }
    cissp = catalog.tiers["cissp"]
    assert cissp.cycle == "award"
    assert cissp.paths[0].min == {"group-a": 90} and cissp.paths[0].max == {"group-b": 30}
    assert (cissp.per_year is not None, cissp.per_year and cissp.per_year.hard) == (True, False)
    assert cissp.caps.per_activity == 40
    assert cissp.caps.of_type("webinar") == 10 and cissp.caps.of_type("course") is None
    assert [(fee.amount, fee.per) for fee in cissp.fees] == [(135, "year")]
    assert cissp.renews == ("sscp",)
    assert cissp.source == "EXAMPLE rules"
    webinar = catalog.item("isc2-think-tank-2027-03")
    assert isinstance(webinar, Activity)
    assert webinar.categories == {"group-a": 1} and webinar.counts_for == ("cissp", "ccsp")


def test_schema_2_defaults_mean_what_schema_1_means() -> None:
    """A schema 2 catalogue that gives none of the new keys holds schema 1's meaning."""
    data = catalog_data(
        activities=[{"id": "a", "title": "A", "type": "t", "credits": 5, "cost": 1}]
    )
    one = Catalog.model_validate(data)
    two = Catalog.model_validate({**data, "schema": 2})
    assert one.schema_version == 1 and two.schema_version == 2
    for catalog in (one, two):
        tier = catalog.tiers["pro"]
        assert (catalog.credit_step, dict(catalog.categories), catalog.shares_credits) == (
            None,
            {},
            False,
        )
        assert (tier.cycle, tier.per_year, tier.fees, tier.renews, tier.source) == (
            "award",
            None,
            (),
            (),
            None,
        )
        assert (tier.caps.per_activity, dict(tier.caps.by_type)) == (None, {})
        assert (dict(tier.paths[0].min), dict(tier.paths[0].max)) == ({}, {})
        activity = catalog.activities[0]
        assert (dict(activity.categories), activity.counts_for) == ({}, None)
        assert activity.counts_toward("pro") and activity.counts_toward("any-other")
        assert catalog.renewed_by("pro") == frozenset()
        assert catalog.counted(activity, "pro") == Counted(5.0)


def test_a_schema_1_catalogue_writes_out_as_it_always_did() -> None:
    """Its dump has no schema 2 key: caches, JSON and re-validation see what they saw."""
    catalog = ceplan.load_catalog()
    dump = catalog.model_dump(by_alias=True)
    assert set(dump) == {
        "schema",
        "programme",
        "currency",
        "exchange_rates",
        "rates_as_of",
        "as_of",
        "processing_days",
        "tiers",
        "exams",
        "activities",
    }
    for tier in dump["tiers"].values():
        assert set(tier) == {"label", "period_years", "paths"}
        for path in tier["paths"]:
            assert set(path) == {"credits", "exams"}
    for activity in dump["activities"]:
        assert "categories" not in activity and "counts_for" not in activity
    assert Catalog.model_validate(dump) == catalog


def test_a_schema_2_catalogue_writes_out_and_reads_back_the_same() -> None:
    catalog = ceplan.parse_catalog(SPEC_EXAMPLE)
    again = Catalog.model_validate(catalog.model_dump(by_alias=True))
    assert again == catalog
    assert Catalog.model_validate_json(catalog.model_dump_json(by_alias=True)) == catalog
    trusted = Catalog.from_trusted(json.loads(catalog.model_dump_json(by_alias=True)))
    assert trusted == catalog
    assert trusted.fee_cents("cissp", 0) == catalog.fee_cents("cissp", 0) == 13500
    assert trusted.cents_of("course") == catalog.cents_of("course") == 12700


def test_the_cache_keeps_schema_2(write_catalog: WriteCatalog) -> None:
    path = write_catalog(SPEC_EXAMPLE)
    first = ceplan.load_catalog(path)
    entries = list(Path(os.environ["CEPLAN_CACHE_DIR"]).glob("catalog-*.cache"))
    assert len(entries) == 1
    header = entries[0].read_bytes().split(b"\n", 1)[0]
    assert header.startswith(b"ceplan-cache 5 ")
    second = ceplan.load_catalog(path)
    assert second == first
    assert second.renewed_by("cissp") == frozenset({"sscp"})
    assert second.tiers["cissp"].paths[0].min == {"group-a": 90}


def test_schema_2_models_are_hashable_and_pickle() -> None:
    catalog = ceplan.parse_catalog(SPEC_EXAMPLE)
    tier = catalog.tiers["cissp"]
    assert hash(tier) == hash(Tier.model_validate(tier.model_dump()))
    assert hash(tier.paths[0]) == hash(
        PathRule(credits=120, min={"group-a": 90}, max={"group-b": 30})
    )
    assert len({*catalog.activities, *catalog.activities}) == len(catalog.activities)
    assert pickle.loads(payload(catalog)) == catalog
    split = FrozenMap({"a": 1.0})
    assert pickle.loads(pickle.dumps(split)) == split
    with pytest.raises(AttributeError):
        split._items = {}  # type: ignore[misc]


def test_a_path_says_its_bounds_in_words_and_in_json() -> None:
    path = ceplan.parse_catalog(SPEC_EXAMPLE).tiers["cissp"].paths[0]
    assert path.describe() == "120 credits (group-a at least 90, group-b at most 30)"
    assert path.to_dict() == {
        "credits": 120,
        "exams": {},
        "min": {"group-a": 90},
        "max": {"group-b": 30},
    }
    assert PathRule(credits=80).to_dict() == {"credits": 80, "exams": {}}


# -- helpers for the planner ---------------------------------------------------------------------


def test_renewed_by_follows_renews_through_other_tiers() -> None:
    paths = [{"credits": 1}]
    catalog = Catalog.model_validate(
        {
            "schema": 2,
            "programme": "CompTIA-like",
            "currency": "USD",
            "tiers": {
                "securityx": {"paths": paths, "renews": ["cysa-plus", "security-plus"]},
                "cysa-plus": {"paths": paths, "renews": ["security-plus", "network-plus"]},
                "security-plus": {"paths": paths, "renews": ["network-plus", "a-plus"]},
                "network-plus": {"paths": paths, "renews": ["a-plus"]},
                "a-plus": {"paths": paths},
            },
        }
    )
    assert catalog.renewed_by("securityx") == {
        "cysa-plus",
        "security-plus",
        "network-plus",
        "a-plus",
    }
    assert catalog.renewed_by("network-plus") == {"a-plus"}
    assert catalog.renewed_by("a-plus") == frozenset()
    with pytest.raises(KeyError):
        catalog.renewed_by("cissp")


def test_counted_credits_are_capped_per_activity_with_the_split_inside_the_cap() -> None:
    catalog = ceplan.parse_catalog(SPEC_EXAMPLE)
    course = catalog.item("course")
    assert isinstance(course, Activity)
    # cissp caps one activity at 40: of the 45.5 split credits, each part counts up to 40.
    assert catalog.counted(course, "cissp") == Counted(
        40.0, FrozenMap({"group-a": 30.0, "group-b": 15.5})
    )
    # sscp has no cap: every credit counts.
    assert catalog.counted(course, "sscp") == Counted(
        50.0, FrozenMap({"group-a": 30.0, "group-b": 15.5})
    )
    webinar = catalog.item("isc2-think-tank-2027-03")
    assert isinstance(webinar, Activity)
    assert catalog.counted(webinar, "sscp") == Counted(0.0)  # counts_for: cissp, ccsp only
    assert catalog.counted(webinar, "ccsp").total == 1.0
    capped = Tier(label="T", paths=[{"credits": 60}], caps={"per_activity": 20})
    assert capped.counted(course) == Counted(20.0, FrozenMap({"group-a": 20.0, "group-b": 15.5}))


def test_categories_used_are_those_its_paths_bound() -> None:
    catalog = ceplan.parse_catalog(SPEC_EXAMPLE)
    assert catalog.tiers["cissp"].categories_used == {"group-a", "group-b"}
    assert catalog.tiers["sscp"].categories_used == {"group-a"}


def test_fees_are_converted_to_the_catalogue_currency_in_cents() -> None:
    data = spec_data()
    data["tiers"]["sscp"]["fees"] = [
        {"amount": 50, "per": "member-year", "currency": "GBP"},
        {"amount": 0.125, "per": "renewal"},
    ]
    catalog = Catalog.model_validate(data)
    assert catalog.fee_cents("sscp", 0) == 6350  # 50 GBP at 1.27
    assert catalog.fee_cents("sscp", 1) == 12  # half a cent rounds to even
    with pytest.raises(KeyError):
        catalog.fee_cents("sscp", 2)


@pytest.mark.parametrize(
    ("value", "step", "whole", "down"),
    [(0.3, 0.1, 3, 0.3), (10.6, 0.25, 42, 10.5), (120, 0.25, 480, 120), (0.24, 0.25, 0, 0)],
)
def test_the_credit_step_rule(value: float, step: float, whole: int, down: float) -> None:
    assert whole_steps(value, step) == whole
    assert steps_down(value, step) == down
    assert on_step(value, step) == (abs(down - value) < 1e-12)


# -- schema 1 refuses schema 2's keys ------------------------------------------------------------

SCHEMA_2_KEYS = [
    pytest.param(lambda d: d.update(credit_step=0.25), None, "credit_step", id="credit_step"),
    pytest.param(lambda d: d.update(categories={}), None, "categories", id="categories"),
    pytest.param(lambda d: d.update(shares_credits=False), None, "shares_credits", id="shares"),
    pytest.param(
        lambda d: d["tiers"]["pro"].update(cycle="award"), "tiers.pro", "cycle", id="cycle"
    ),
    pytest.param(
        lambda d: d["tiers"]["pro"].update(per_year={"credits": 1, "hard": True}),
        "tiers.pro",
        "per_year",
        id="per_year",
    ),
    pytest.param(lambda d: d["tiers"]["pro"].update(caps={}), "tiers.pro", "caps", id="caps"),
    pytest.param(lambda d: d["tiers"]["pro"].update(fees=[]), "tiers.pro", "fees", id="fees"),
    pytest.param(lambda d: d["tiers"]["pro"].update(renews=[]), "tiers.pro", "renews", id="renews"),
    pytest.param(
        lambda d: d["tiers"]["pro"].update(source="x"), "tiers.pro", "source", id="source"
    ),
    pytest.param(
        lambda d: d["tiers"]["pro"]["paths"][0].update(min={}), "tiers.pro path 1", "min", id="min"
    ),
    pytest.param(
        lambda d: d["tiers"]["pro"]["paths"][0].update(max={}), "tiers.pro path 1", "max", id="max"
    ),
    pytest.param(
        lambda d: d["activities"][0].update(categories={}),
        "activities[0] 'a'",
        "categories",
        id="activity-categories",
    ),
    pytest.param(
        lambda d: d["activities"][0].update(counts_for=["pro"]),
        "activities[0] 'a'",
        "counts_for",
        id="counts_for",
    ),
]


@pytest.mark.parametrize(("change", "item", "field"), SCHEMA_2_KEYS)
def test_a_schema_1_file_refuses_each_schema_2_key(
    change: Callable[[dict[str, Any]], None], item: str | None, field: str
) -> None:
    data = catalog_data(
        activities=[{"id": "a", "title": "A", "type": "t", "credits": 5, "cost": 1}]
    )
    change(data)
    problem = one_problem(data)
    assert (problem.item, problem.field) == (item, field)
    assert problem.message == "needs schema: 2 (this catalogue says schema: 1)"
    data["schema"] = 2
    assert Catalog.model_validate(data).schema_version == 2


def test_a_schema_1_file_with_schema_2_keys_and_other_problems_reports_them_all() -> None:
    data = catalog_data(
        activities=[
            {"id": "a", "title": "A", "type": "t", "credits": 5, "cost": -1, "counts_for": ["pro"]}
        ]
    )
    data["tiers"]["pro"]["cycle"] = "award"
    problems = problems_of(data)
    assert {(p.item, p.field, p.message) for p in problems} == {
        ("activities[0] 'a'", "cost", "Input should be greater than or equal to 0"),
        ("activities[0] 'a'", "counts_for", "needs schema: 2 (this catalogue says schema: 1)"),
        ("tiers.pro", "cycle", "needs schema: 2 (this catalogue says schema: 1)"),
    }


def test_validating_a_schema_1_catalogue_directly_refuses_schema_2_keys() -> None:
    data = catalog_data()
    data["shares_credits"] = True
    with pytest.raises(ValidationError, match="shares_credits: needs schema: 2"):
        Catalog.model_validate(data)


# -- one rule broken, one problem ----------------------------------------------------------------


def _tier(data: dict[str, Any], name: str = "cissp") -> dict[str, Any]:
    tier: dict[str, Any] = data["tiers"][name]
    return tier


def _path(data: dict[str, Any]) -> dict[str, Any]:
    path: dict[str, Any] = data["tiers"]["cissp"]["paths"][0]
    return path


def _activity(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    activity: dict[str, Any] = data["activities"][index]
    return activity


def _cycle(data: dict[str, Any]) -> None:
    _tier(data, "sscp")["renews"] = ["ccsp"]
    _tier(data, "ccsp")["renews"] = ["cissp"]


WEBINAR = "activities[0] 'isc2-think-tank-2027-03'"
RULES = [
    pytest.param(
        lambda d: _path(d)["min"].update({"group-z": 1}),
        "tiers.cissp path 1",
        "min.group-z",
        "is not one of the catalogue's categories (group-a, group-b)",
        id="min-unknown-category",
    ),
    pytest.param(
        lambda d: _path(d).update(max={"group-z": 1}),
        "tiers.cissp path 1",
        "max.group-z",
        "is not one of the catalogue's categories (group-a, group-b)",
        id="max-unknown-category",
    ),
    pytest.param(
        lambda d: _path(d).update(min={"group-a": 120.25}),
        "tiers.cissp path 1",
        "min.group-a",
        "is more than the path's 120 credits",
        id="min-above-credits",
    ),
    pytest.param(
        lambda d: _path(d).update(min={"group-a": 90, "group-b": 30.25}, max={}),
        "tiers.cissp path 1",
        "min",
        "adds up to 120.25 credits, more than the path's 120",
        id="mins-add-up-above-credits",
    ),
    pytest.param(
        lambda d: _path(d).update(max={"group-a": 89.75}),
        "tiers.cissp path 1",
        "max.group-a",
        "is less than min 90 for the same category",
        id="max-below-min",
    ),
    pytest.param(
        lambda d: _activity(d).update(categories={"group-z": 1}),
        WEBINAR,
        "categories.group-z",
        "is not one of the catalogue's categories (group-a, group-b)",
        id="split-unknown-category",
    ),
    pytest.param(
        lambda d: _activity(d).update(categories={"group-a": -1}),
        WEBINAR,
        "categories.group-a",
        "Input should be greater than or equal to 0",
        id="split-negative",
    ),
    pytest.param(
        lambda d: _activity(d).update(categories={"group-a": 0.75, "group-b": 0.5}),
        WEBINAR,
        "categories",
        "adds up to 1.25 credits, more than the activity's 1",
        id="split-above-credits",
    ),
    pytest.param(
        lambda d: _activity(d).update(counts_for=["cissp", "cism"]),
        WEBINAR,
        "counts_for",
        "names tier 'cism', which the catalogue does not have",
        id="counts-for-unknown-tier",
    ),
    pytest.param(
        lambda d: _activity(d).update(counts_for=["cissp", "cissp"]),
        WEBINAR,
        "counts_for",
        "names tier 'cissp' twice",
        id="counts-for-twice",
    ),
    pytest.param(
        lambda d: _activity(d).update(counts_for=[]),
        WEBINAR,
        "counts_for",
        "Tuple should have at least 1 item after validation, not 0",
        id="counts-for-empty",
    ),
    pytest.param(
        lambda d: _tier(d).update(renews=["cism"]),
        "tiers.cissp",
        "renews",
        "names tier 'cism', which the catalogue does not have",
        id="renews-unknown-tier",
    ),
    pytest.param(
        lambda d: _tier(d).update(renews=["sscp", "cissp"]),
        "tiers.cissp",
        "renews",
        "names the tier itself",
        id="renews-itself",
    ),
    pytest.param(
        lambda d: _tier(d, "sscp").update(renews=["cissp"]),
        "tiers.cissp",
        "renews",
        "forms a cycle: cissp renews sscp renews cissp",
        id="renews-cycle-of-two",
    ),
    pytest.param(
        _cycle,
        "tiers.cissp",
        "renews",
        "forms a cycle: cissp renews sscp renews ccsp renews cissp",
        id="renews-cycle-of-three",
    ),
    pytest.param(
        lambda d: _tier(d)["caps"].update(per_activity=-0.25),
        "tiers.cissp",
        "caps.per_activity",
        "Input should be greater than or equal to 0",
        id="per-activity-cap-below-zero",
    ),
    pytest.param(
        lambda d: _tier(d)["caps"]["by_type"].update(webinar=-1),
        "tiers.cissp",
        "caps.by_type.webinar",
        "Input should be greater than or equal to 0",
        id="type-cap-below-zero",
    ),
    pytest.param(
        lambda d: _activity(d, 1).update(credits=50.1),
        "activities[1] 'course'",
        "credits",
        "is not a whole number of credit steps (credit_step: 0.25)",
        id="activity-credits-off-step",
    ),
    pytest.param(
        lambda d: _activity(d, 1)["categories"].update({"group-b": 15.3}),
        "activities[1] 'course'",
        "categories.group-b",
        "is not a whole number of credit steps (credit_step: 0.25)",
        id="split-off-step",
    ),
    pytest.param(
        lambda d: _path(d).update(credits=120.1),
        "tiers.cissp path 1",
        "credits",
        "is not a whole number of credit steps (credit_step: 0.25)",
        id="path-credits-off-step",
    ),
    pytest.param(
        lambda d: _path(d).update(min={"group-a": 89.9}),
        "tiers.cissp path 1",
        "min.group-a",
        "is not a whole number of credit steps (credit_step: 0.25)",
        id="min-off-step",
    ),
    pytest.param(
        lambda d: _tier(d)["caps"].update(per_activity=39.9),
        "tiers.cissp",
        "caps.per_activity",
        "is not a whole number of credit steps (credit_step: 0.25)",
        id="cap-off-step",
    ),
    pytest.param(
        lambda d: _tier(d).update(per_year={"credits": 39.9, "hard": True}),
        "tiers.cissp",
        "per_year.credits",
        "is not a whole number of credit steps (credit_step: 0.25)",
        id="per-year-off-step",
    ),
    pytest.param(
        lambda d: d.update(credit_step=0),
        None,
        "credit_step",
        "Input should be greater than or equal to 0.000001",
        id="credit-step-zero",
    ),
    pytest.param(
        lambda d: _tier(d)["fees"][0].update(amount=-5),
        "tiers.cissp",
        "fees.0.amount",
        "Input should be greater than or equal to 0",
        id="fee-negative",
    ),
    pytest.param(
        lambda d: _tier(d)["fees"][0].update(per="month"),
        "tiers.cissp",
        "fees.0.per",
        "Input should be 'year', 'renewal' or 'member-year'",
        id="fee-unknown-per",
    ),
    pytest.param(
        lambda d: _tier(d)["fees"][0].update(currency="EUR"),
        "tiers.cissp",
        "fees.0.currency",
        "has no entry in exchange_rates",
        id="fee-currency-without-rate",
    ),
    pytest.param(
        lambda d: _tier(d)["fees"][0].update(amount=10**14),
        "tiers.cissp",
        "fees.0.amount",
        "is too large: at most 10,000,000,000,000 in the catalogue's currency",
        id="fee-too-large",
    ),
    pytest.param(
        lambda d: _tier(d, "sscp").update(per_year={"credits": 60.25, "hard": True}),
        "tiers.sscp",
        "per_year.credits",
        "is more than the 60 credits of path 1",
        id="per-year-above-path",
    ),
    pytest.param(
        lambda d: _tier(d).update(per_year={"credits": 40}),
        "tiers.cissp",
        "per_year.hard",
        "is required",
        id="per-year-hard-missing",
    ),
    pytest.param(
        lambda d: _tier(d).update(cycle="fiscal"),
        "tiers.cissp",
        "cycle",
        "Input should be 'award' or 'calendar'",
        id="cycle-unknown",
    ),
    pytest.param(
        lambda d: d["categories"].update({"Group C": {}}),
        None,
        "categories.Group C",
        "String should match pattern",
        id="category-name",
    ),
]


@pytest.mark.parametrize(("change", "item", "field", "message"), RULES)
def test_each_rule_broken_alone_is_one_problem_naming_the_item_and_field(
    change: Callable[[dict[str, Any]], None], item: str | None, field: str, message: str
) -> None:
    data = spec_data()
    change(data)
    problem = one_problem(data)
    assert (problem.item, problem.field) == (item, field)
    assert problem.message.startswith(message)
    assert problem.line is not None


@pytest.mark.parametrize(("change", "item", "field", "message"), RULES)
def test_each_rule_is_found_beside_a_problem_elsewhere(
    change: Callable[[dict[str, Any]], None], item: str | None, field: str, message: str
) -> None:
    """With another item invalid, rules across fields run over what is valid: still found."""
    data = spec_data()
    change(data)
    data["activities"].append({"id": "broken", "title": "B", "type": "t", "credits": 0, "cost": 1})
    problems = problems_of(data)
    found = {(p.item, p.field) for p in problems}
    assert ("activities[2] 'broken'", "credits") in found
    assert (item, field) in found
    assert len(problems) == 2


def test_unknown_activity_types_in_by_type_are_fine() -> None:
    """Types are free text: a cap on a type that no activity has caps nothing."""
    data = spec_data()
    _tier(data)["caps"]["by_type"] = {"podcast": 5, "Webinar": 1}
    catalog = Catalog.model_validate(data)
    assert catalog.tiers["cissp"].caps.of_type("Webinar") == 1
    assert catalog.tiers["cissp"].caps.of_type("webinar") is None


def test_a_category_without_a_label_is_called_by_its_name() -> None:
    data = spec_data()
    data["categories"]["group-c"] = {}
    data["categories"]["group-d"] = {"source": "https://example.com"}
    catalog = Catalog.model_validate(data)
    assert catalog.categories["group-c"].label == "group-c"
    assert catalog.categories["group-d"].source == "https://example.com"


def test_per_year_is_checked_against_paths_with_credits_only() -> None:
    """An exam-only path asks for no credits: a yearly minimum does not exceed it."""
    data = spec_data()
    data["tiers"]["cissp"]["paths"].append({"exams": {"cissp": 1}})
    data["exams"] = [{"id": "cissp-exam", "title": "CISSP exam", "kind": "cissp", "cost": 749}]
    assert Catalog.model_validate(data).tiers["cissp"].per_year is not None


def test_the_credit_step_allows_sums_that_floating_point_misses() -> None:
    data = spec_data()
    data["credit_step"] = 0.1
    _activity(data, 1)["credits"] = 0.3
    _activity(data, 1)["categories"] = {"group-a": 0.1, "group-b": 0.2}
    _activity(data, 0)["credits"] = 0.7
    _activity(data, 0)["categories"] = {"group-a": 0.7}
    catalog = Catalog.model_validate(data)
    assert catalog.item("course").credits == 0.3  # type: ignore[union-attr]


def test_an_activity_may_split_all_or_none_of_its_credits() -> None:
    data = spec_data()
    _activity(data, 1)["categories"] = {"group-a": 25, "group-b": 25}
    _activity(data, 0)["categories"] = {}
    catalog = Catalog.model_validate(data)
    assert catalog.counted(catalog.activities[0], "cissp") == Counted(1.0)


def test_a_min_may_equal_the_path_and_max_may_equal_min() -> None:
    data = spec_data()
    _path(data).update(min={"group-a": 120}, max={"group-a": 120, "group-b": 0})
    assert Catalog.model_validate(data).tiers["cissp"].paths[0].min == {"group-a": 120}


# -- the table of activities takes schema 2 ------------------------------------------------------


def big_schema_2(count: int = COLUMNS_FROM) -> dict[str, Any]:
    """A schema 2 catalogue of ``count`` activities from the benchmark generator, split."""
    data = generators.catalog_data(count, 0)
    data.update(
        schema=2,
        credit_step=0.25,
        categories={"group-a": {"label": "A"}, "group-b": {"label": "B"}},
    )
    for number, activity in enumerate(data["activities"]):
        credits = float(activity["credits"])
        if number % 3 == 0:
            activity["categories"] = {"group-a": credits}
        elif number % 3 == 1:
            activity["categories"] = {"group-a": steps_down(credits / 2, 0.25), "group-b": 0}
        if number % 5 == 0:
            activity["counts_for"] = ["professional", "associate"]
    return data


def test_a_big_schema_2_catalogue_is_held_as_columns_and_equals_the_models() -> None:
    data = big_schema_2()
    catalog = ceplan.parse_catalog(yaml.safe_dump(data, sort_keys=False))
    assert isinstance(catalog.activities, Activities)
    assert catalog.table is not None and catalog.table.categories is not None
    assert catalog == Catalog.model_validate(data)
    first = catalog.activities[0]
    assert first.categories == {"group-a": first.credits}
    assert first.counts_for == ("professional", "associate")


def test_a_big_schema_2_catalogue_reads_back_from_the_cache(write_catalog: WriteCatalog) -> None:
    path = write_catalog(big_schema_2())
    first = ceplan.load_catalog(path)
    second = ceplan.load_catalog(path)
    assert second.table is not first.table
    assert second == first
    assert second.table is not None and second.table.counts_for is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda a: a.update(categories={"group-z": 1}), "categories.group-z"),
        (lambda a: a.update(categories={"group-a": 10**5}), "categories"),
        (lambda a: a.update(counts_for=["cissp"]), "counts_for"),
        (lambda a: a.update(credits=1.1), "credits"),
        (lambda a: a.update(categories={"group-a": True}), "categories.group-a"),
    ],
)
def test_a_big_catalogue_with_one_broken_row_says_which(
    change: Callable[[dict[str, Any]], None], field: str
) -> None:
    data = big_schema_2()
    change(data["activities"][1234])
    problem = one_problem(data)
    assert problem.item is not None and problem.item.startswith("activities[1234] ")
    assert problem.field == field


def test_the_fast_reader_gives_each_entry_its_own_split() -> None:
    """Splits written alike are read once and copied: each entry holds its own, as PyYAML's."""
    text = "activities:\n" + "".join(
        f"- id: a{number}\n  categories: {{group-a: 1, group-b: 0.5}}\n  counts_for: [pro]\n"
        for number in range(3)
    )
    fast = fast_load(text)
    assert fast == yaml.safe_load(text)
    assert fast is not None
    first, second, _ = fast["activities"]
    assert first["categories"] is not second["categories"]
    assert first["counts_for"] is not second["counts_for"]


def test_a_schema_1_big_catalogue_refuses_schema_2_keys_in_its_rows() -> None:
    data = generators.catalog_data(COLUMNS_FROM, 0)
    data["activities"][77]["counts_for"] = ["professional"]
    problem = one_problem(data)
    assert (problem.field, problem.message) == (
        "counts_for",
        "needs schema: 2 (this catalogue says schema: 1)",
    )


SPLITS = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["group-a", "group-b", "group-z", "Bad"]),
        st.one_of(st.sampled_from([0, 1, 0.5, 0.3, -1, True, 2**60, "1"]), st.floats(0, 5)),
        max_size=2,
    ),
)
COUNTS_FOR = st.one_of(st.none(), st.lists(st.sampled_from(["pro", "other", "Bad", 3]), max_size=2))


@settings(max_examples=examples(600))
@given(
    st.lists(
        st.tuples(st.sampled_from([1, 2.5, 0.75, 0.3]), SPLITS, COUNTS_FOR), min_size=1, max_size=5
    ),
    st.sampled_from([None, 0.25, 0.5]),
    st.booleans(),
)
def test_the_table_takes_only_the_schema_2_fields_the_models_take(
    rows: list[tuple[float, Any, Any]], step: float | None, null_counts: bool
) -> None:
    header_data = {
        **catalog_data(),
        "schema": 2,
        "credit_step": step,
        "categories": {"group-a": {}, "group-b": {}},
    }
    entries = []
    for number, (credits, split, named) in enumerate(rows):
        entry: dict[str, Any] = {"id": f"a{number}", "title": "A", "type": "t", "credits": credits}
        entry["cost"] = 1
        if split is not None:
            entry["categories"] = split
        if named is not None or null_counts:
            entry["counts_for"] = named
        entries.append(entry)
    try:
        expected: Catalog | None = Catalog.model_validate({**header_data, "activities": entries})
    except (ValidationError, ValueError):
        expected = None
    header = Catalog.model_validate(header_data)
    table = table_from_records(
        copy.deepcopy(entries),
        currency=header.currency,
        exchange_rates=header.exchange_rates,
        schema=2,
        names=Schema2Names(header.categories, header.tiers, header.credit_step),
    )
    if table is None:
        assert expected is None, "valid schema 2 fields are taken as columns"
        return
    assert expected is not None, "the table accepted what the models refuse"
    assert with_table(header, table) == expected


# -- ceplan check ----------------------------------------------------------------------------------


def test_check_reports_the_size_of_a_schema_2_catalogue(
    write_catalog: WriteCatalog, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(SPEC_EXAMPLE)
    assert main(["check", "--catalog", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"{path}: valid (ISC2 continuing professional education: 3 tiers, 2 categories, "
        "0 exams, 2 activities)\n"
    )
    assert main(["check", "--catalog", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["tiers"], report["categories"], report["exams"], report["activities"]) == (
        3,
        2,
        0,
        2,
    )


def test_check_names_a_schema_2_problem_in_one_line(
    write_catalog: WriteCatalog, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_catalog(SPEC_EXAMPLE.replace("renews: [sscp]", "renews: [cism]"))
    assert main(["check", "--catalog", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"ceplan: error: {path}:27: tiers.cissp: field 'renews': names tier 'cism', which the "
        "catalogue does not have (got ['cism'])\n"
    )


def test_files_of_activities_refuse_schema_2_columns(tmp_path: Path) -> None:
    (tmp_path / "acts.csv").write_text(
        "id,title,type,credits,cost,categories\na,A,t,1,0,group-a\n", encoding="utf-8"
    )
    (tmp_path / "c.yaml").write_text(SPEC_EXAMPLE + "activities_from: acts.csv\n", encoding="utf-8")
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(tmp_path / "c.yaml")
    (problem,) = info.value.problems
    assert problem.field == "categories"
    assert problem.message.startswith("categories does not fit in a row")


def test_the_readme_shows_the_example_file_as_it_is() -> None:
    root = Path(__file__).resolve().parent.parent
    example = (root / "examples" / "schema2-isc2.yaml").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"```yaml\n{example}```" in readme
    catalog = ceplan.load_catalog(root / "examples" / "schema2-isc2.yaml")
    assert catalog.tiers["cissp"].paths[0].min == {"group-a": 90}
    for activity in catalog.activities:
        assert activity.source == "EXAMPLE figure"


# -- random catalogues -----------------------------------------------------------------------------

CATEGORY_NAMES = ["group-a", "group-b", "ways-of-working", "power-skills"]
TIER_NAMES = ["cissp", "ccsp", "sscp", "cc", "pmi-acp"]
TYPES = ["webinar", "course", "conference"]


@st.composite
def schema_2_catalogues(draw: st.DrawFn) -> dict[str, Any]:
    """A valid schema 2 catalogue: every figure a whole number of its steps."""
    step = draw(st.sampled_from([None, 0.25, 0.5, 1.0]))
    unit = step or 0.25

    def amount(low: int, high: int) -> float:
        return draw(st.integers(low, high)) * unit

    def some(items: list[str], least: int = 0) -> list[str]:
        if not items:
            return []
        return draw(st.lists(st.sampled_from(items), unique=True, min_size=least))

    categories = draw(st.lists(st.sampled_from(CATEGORY_NAMES), unique=True, max_size=3))
    names = draw(st.lists(st.sampled_from(TIER_NAMES), unique=True, min_size=1, max_size=4))
    tiers: dict[str, Any] = {}
    for number, name in enumerate(names):
        paths = []
        for _ in range(draw(st.integers(1, 2))):
            credits = amount(4, 200)
            path: dict[str, Any] = {"credits": credits}
            left = credits
            least: dict[str, float] = {}
            for category in some(categories):
                least[category] = draw(st.integers(0, int(left / unit))) * unit
                left -= least[category]
            if least or draw(st.booleans()):
                path["min"] = least
            most = {
                category: least.get(category, 0) + amount(0, 40) for category in some(categories)
            }
            if most or draw(st.booleans()):
                path["max"] = most
            paths.append(path)
        tier: dict[str, Any] = {"paths": paths}
        if draw(st.booleans()):
            tier["cycle"] = draw(st.sampled_from(["award", "calendar"]))
        if draw(st.booleans()):
            smallest = min(path["credits"] for path in paths)
            tier["per_year"] = {
                "credits": draw(st.integers(1, int(smallest / unit))) * unit,
                "hard": draw(st.booleans()),
            }
        if draw(st.booleans()):
            tier["caps"] = {}
            if draw(st.booleans()):
                tier["caps"]["per_activity"] = amount(0, 40)
            if draw(st.booleans()):
                tier["caps"]["by_type"] = {kind: amount(0, 20) for kind in some(TYPES)}
        fees = [
            {
                "amount": draw(st.sampled_from([0, 50, 135.5])),
                "per": draw(st.sampled_from(["year", "renewal", "member-year"])),
                **({"currency": "GBP"} if draw(st.booleans()) else {}),
            }
            for _ in range(draw(st.integers(0, 2)))
        ]
        if fees:
            tier["fees"] = fees
        later = names[number + 1 :]
        if later and draw(st.booleans()):
            tier["renews"] = some(later, 1)
        tiers[name] = tier
    activities = []
    for number in range(draw(st.integers(0, 4))):
        credits = amount(1, 60)
        activity: dict[str, Any] = {
            "id": f"act-{number}",
            "title": f"Activity {number}",
            "type": draw(st.sampled_from(TYPES)),
            "credits": credits,
            "cost": draw(st.sampled_from([0, 10, 99.99])),
        }
        split: dict[str, float] = {}
        left = credits
        for category in some(categories):
            split[category] = draw(st.integers(0, int(left / unit))) * unit
            left -= split[category]
        if split or draw(st.booleans()):
            activity["categories"] = split
        if draw(st.booleans()):
            activity["counts_for"] = draw(st.lists(st.sampled_from(names), unique=True, min_size=1))
        activities.append(activity)
    data: dict[str, Any] = {
        "schema": 2,
        "programme": "Random programme",
        "currency": "USD",
        "exchange_rates": {"GBP": 1.27},
        "rates_as_of": "2026-11-01",
        "categories": {name: {"label": name.upper()} for name in categories},
        "shares_credits": draw(st.booleans()),
        "tiers": tiers,
        "activities": activities,
    }
    if step is not None:
        data["credit_step"] = step
    return data


@settings(max_examples=examples(200))
@given(schema_2_catalogues())
def test_random_valid_schema_2_catalogues_load_and_read_back(data: dict[str, Any]) -> None:
    catalog = ceplan.parse_catalog(yaml.safe_dump(data, sort_keys=False))
    assert catalog.schema_version == 2
    assert Catalog.model_validate(catalog.model_dump(by_alias=True)) == catalog
    for name in catalog.tiers:
        assert name not in catalog.renewed_by(name)
        for activity in catalog.activities:
            counted = catalog.counted(activity, name)
            assert counted.total <= activity.credits
            assert all(part <= counted.total for part in counted.categories.values())


def _some(draw: st.DrawFn, items: list[Any]) -> Any:
    assume(items)
    return draw(st.sampled_from(items))


Breaker = Callable[[st.DrawFn, dict[str, Any]], tuple[str | None, str]]
"""Break one rule of a valid catalogue; say which item and field the problem must name."""


def _any_path(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
    name = _some(draw, sorted(data["tiers"]))
    paths = data["tiers"][name]["paths"]
    number = draw(st.integers(0, len(paths) - 1))
    return name, number, paths[number]


def _unit(data: dict[str, Any]) -> float:
    step: float = data.get("credit_step") or 0.25
    return step


def break_min_category(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name, number, path = _any_path(draw, data)
    path.setdefault("min", {})["zz-unknown"] = 0
    return f"tiers.{name} path {number + 1}", "min.zz-unknown"


def break_max_category(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name, number, path = _any_path(draw, data)
    path.setdefault("max", {})["zz-unknown"] = 10
    return f"tiers.{name} path {number + 1}", "max.zz-unknown"


def break_min_above(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name, number, path = _any_path(draw, data)
    category = _some(draw, sorted(data["categories"]))
    path["min"] = {category: path["credits"] + _unit(data)}
    path.get("max", {}).pop(category, None)
    return f"tiers.{name} path {number + 1}", f"min.{category}"


def break_mins_sum(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name, number, path = _any_path(draw, data)
    assume(len(data["categories"]) >= 2)
    first, second = sorted(data["categories"])[:2]
    path["min"] = {first: path["credits"], second: _unit(data)}
    path.pop("max", None)
    return f"tiers.{name} path {number + 1}", "min"


def break_max_below_min(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name, number, path = _any_path(draw, data)
    category = _some(draw, sorted(data["categories"]))
    path["min"] = {category: _unit(data)}
    path.setdefault("max", {})[category] = 0
    return f"tiers.{name} path {number + 1}", f"max.{category}"


def break_split_category(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    number = draw(st.integers(0, len(data["activities"]) - 1)) if data["activities"] else -1
    assume(number >= 0)
    activity = data["activities"][number]
    activity.setdefault("categories", {})["zz-unknown"] = 0
    return f"activities[{number}] '{activity['id']}'", "categories.zz-unknown"


def break_split_negative(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    number = draw(st.integers(0, len(data["activities"]) - 1)) if data["activities"] else -1
    assume(number >= 0)
    category = _some(draw, sorted(data["categories"]))
    activity = data["activities"][number]
    activity["categories"] = {category: -_unit(data)}
    return f"activities[{number}] '{activity['id']}'", f"categories.{category}"


def break_split_sum(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    number = draw(st.integers(0, len(data["activities"]) - 1)) if data["activities"] else -1
    assume(number >= 0)
    category = _some(draw, sorted(data["categories"]))
    activity = data["activities"][number]
    activity["categories"] = {category: activity["credits"] + _unit(data)}
    return f"activities[{number}] '{activity['id']}'", "categories"


def break_counts_for(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    number = draw(st.integers(0, len(data["activities"]) - 1)) if data["activities"] else -1
    assume(number >= 0)
    activity = data["activities"][number]
    activity["counts_for"] = [*activity.get("counts_for", []), "zz-unknown"]
    return f"activities[{number}] '{activity['id']}'", "counts_for"


def break_renews_unknown(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name = _some(draw, sorted(data["tiers"]))
    tier = data["tiers"][name]
    tier["renews"] = [*tier.get("renews", []), "zz-unknown"]
    return f"tiers.{name}", "renews"


def break_renews_itself(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name = _some(draw, sorted(data["tiers"]))
    tier = data["tiers"][name]
    tier["renews"] = [*tier.get("renews", []), name]
    return f"tiers.{name}", "renews"


def break_renews_cycle(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    names = list(data["tiers"])
    assume(len(names) >= 2)
    first = draw(st.integers(0, len(names) - 2))
    last = draw(st.integers(first + 1, len(names) - 1))
    earlier, later = data["tiers"][names[first]], data["tiers"][names[last]]
    if names[last] not in earlier.get("renews", []):
        earlier["renews"] = [*earlier.get("renews", []), names[last]]
    later["renews"] = [*later.get("renews", []), names[first]]
    return None, "renews"  # at the cycle's first tier in the catalogue, whichever that is


def break_cap(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name = _some(draw, sorted(data["tiers"]))
    data["tiers"][name].setdefault("caps", {})["per_activity"] = -_unit(data)
    return f"tiers.{name}", "caps.per_activity"


def break_type_cap(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name = _some(draw, sorted(data["tiers"]))
    caps = data["tiers"][name].setdefault("caps", {})
    caps["by_type"] = {**caps.get("by_type", {}), "webinar": -1}
    return f"tiers.{name}", "caps.by_type.webinar"


def break_step(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    assume(data.get("credit_step") is not None and data["activities"])
    number = draw(st.integers(0, len(data["activities"]) - 1))
    activity = data["activities"][number]
    activity["credits"] += data["credit_step"] / 2
    return f"activities[{number}] '{activity['id']}'", "credits"


def break_fee(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name = _some(draw, sorted(data["tiers"]))
    tier = data["tiers"][name]
    fees = tier.setdefault("fees", [{"amount": 1, "per": "year"}])
    number = draw(st.integers(0, len(fees) - 1))
    wrong = draw(st.sampled_from(["amount", "per", "currency"]))
    fees[number][wrong] = {"amount": -1, "per": "month", "currency": "EUR"}[wrong]
    return f"tiers.{name}", f"fees.{number}.{wrong}"


def break_per_year(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name = _some(draw, sorted(data["tiers"]))
    tier = data["tiers"][name]
    smallest = min(path["credits"] for path in tier["paths"])
    tier["per_year"] = {"credits": smallest + _unit(data), "hard": draw(st.booleans())}
    return f"tiers.{name}", "per_year.credits"


def break_cycle(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str | None, str]:
    name = _some(draw, sorted(data["tiers"]))
    data["tiers"][name]["cycle"] = draw(st.sampled_from(["fiscal", "Award", ""]))
    return f"tiers.{name}", "cycle"


BREAKERS: list[Breaker] = [
    break_min_category,
    break_max_category,
    break_min_above,
    break_mins_sum,
    break_max_below_min,
    break_split_category,
    break_split_negative,
    break_split_sum,
    break_counts_for,
    break_renews_unknown,
    break_renews_itself,
    break_renews_cycle,
    break_cap,
    break_type_cap,
    break_step,
    break_fee,
    break_per_year,
    break_cycle,
]


@settings(max_examples=examples(400))
@given(schema_2_catalogues(), st.sampled_from(BREAKERS), st.data())
def test_one_random_broken_rule_is_exactly_one_problem_naming_it(
    data: dict[str, Any], breaker: Breaker, draw: st.DataObject
) -> None:
    item, field = breaker(draw.draw, data)
    problem = one_problem(data)
    assert problem.field == field
    if item is None:
        assert problem.item is not None and problem.item.startswith("tiers.")
    else:
        assert problem.item == item


@settings(max_examples=examples(100))
@given(schema_2_catalogues(), st.data())
def test_a_random_schema_1_file_with_one_schema_2_key_is_one_problem(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    for key in ("credit_step", "categories", "shares_credits"):
        data.pop(key, None)
    for tier in data["tiers"].values():
        for key in Tier.SCHEMA_2_KEYS:
            tier.pop(key, None)
        for path in tier["paths"]:
            path.pop("min", None)
            path.pop("max", None)
    for activity in data["activities"]:
        activity.pop("categories", None)
        activity.pop("counts_for", None)
    data["schema"] = 1
    Catalog.model_validate(data)  # valid as schema 1
    change, item, field = draw.draw(st.sampled_from([param.values for param in SCHEMA_2_KEYS]))
    data["tiers"].setdefault("pro", {"paths": [{"credits": 1}]})
    data["activities"].insert(0, {"id": "a", "title": "A", "type": "t", "credits": 5, "cost": 1})
    change(data)
    problem = one_problem(data)
    assert (problem.item, problem.field) == (item, field)


def test_a_team_on_a_schema_2_catalogue_is_planned_by_its_rules() -> None:
    """A team's people are planned by schema 2's rules: no plan where one person has none."""
    catalog = ceplan.load_catalog(EXAMPLES / "schema2-isc2.yaml")
    tier = next(iter(catalog.tiers))
    alone = ceplan.optimise(catalog, tier, today="2026-12-07")  # three example activities
    assert alone.status == "infeasible" and any("Group A: at most" in r for r in alone.reasons)
    roster = {
        "schema": 1,
        "team": "T",
        "people": [{"id": "a", "name": "A", "tier": tier, "expires": "2028-06-30"}],
    }
    plan = ceplan.plan_team(catalog, roster, today="2026-12-07")
    (person,) = plan.outcomes
    assert not person.renews and any("Group A: at most" in r for r in person.reasons)
