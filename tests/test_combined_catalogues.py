"""Catalogues of several programmes combined into one (``ceplan.combine_catalogs``).

The independent check: programmes share nothing (an item counts only toward its own
programme's tiers, each programme pays its own fees), so the least cost of renewing tiers of
several programmes at once is the sum of the least costs of each programme alone, and so are
the hours and the item counts of the first plan in SPEC 3's order (each part must be at its
own least cost for the total to be least, then at its least hours). The parts' plans come from
``tests.schema2_reference``, which imports nothing from ceplan and plans one catalogue; a budget
between the largest part's cost and the total binds only together.
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
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.cli.main import main
from tests.conftest import examples
from tests.schema2_generators import TODAY, catalogues, people
from tests.schema2_reference import Person, solve
from tests.test_schema2_planning import inputs_of, valid

THREE = {"cissp": "2028-06-30", "cisa": "2028-12-31", "pmp": "2028-03-31"}
"""CISSP, CISA and PMP held, each with its own expiry."""

PROGRESS: dict[str, Any] = {
    "earned": {"cissp": 60, "cisa": 40, "pmp": 30},
    "earned_by_category": {"cissp": {"group-a": 50}, "pmp": {"ways-of-working": 10}},
    "earned_per_year": {"cisa": {1: 20}},
}
"""Progress in each cycle (per-year and per-category figures of each tier's own programme)."""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def small(tier: str, *, currency: str = "USD", **extra: Any) -> dict[str, Any]:
    """A small schema 2 catalogue with one tier and one activity."""
    return {
        "schema": 2,
        "programme": f"Programme of {tier}",
        "currency": currency,
        "tiers": {tier: {"paths": [{"credits": 5}]}},
        "activities": [
            {"id": "course", "title": "Course", "type": "course", "credits": 5, "cost": 10}
        ],
        **extra,
    }


# -- rules of the combination, and its errors in one line ----------------------------------------


def test_a_tier_in_two_catalogues_is_refused_naming_both(tmp_path: Path) -> None:
    first = write(tmp_path / "first.yaml", small("alpha"))
    second = write(tmp_path / "second.yaml", small("alpha"))
    with pytest.raises(ceplan.CatalogError) as caught:
        ceplan.load_catalog([str(first), str(second)])
    text = str(caught.value)
    assert "\n" not in text
    assert str(first) in text and str(second) in text and "tier 'alpha'" in text


def test_a_currency_with_no_rate_in_the_first_catalogue_is_refused_naming_both() -> None:
    with pytest.raises(ceplan.CatalogError) as caught:
        ceplan.load_catalog(["isc2", "cisco"])
    text = str(caught.value)
    assert "\n" not in text
    assert "programmes/isc2.yaml" in text and "catalog.yaml" in text and "GBP" in text


def test_a_catalogue_named_twice_is_refused() -> None:
    with pytest.raises(ceplan.PlanInputError, match="named twice"):
        ceplan.load_catalog(["pmi", "pmi"])


def test_the_cli_refuses_in_one_line_with_exit_2() -> None:
    code, out, err = run("optimise", "--catalog", "isc2", "--catalog", "cisco", "--tier", "cissp")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no exchange rate for GBP" in err


def test_ids_and_categories_two_parts_share_are_qualified(tmp_path: Path) -> None:
    """``example-conference`` is in both CompTIA's and ISACA's files; other ids stay."""
    both = ceplan.load_catalog(["comptia", "isaca"])
    assert both.has("comptia-example-conference") and both.has("isaca-example-conference")
    assert not both.has("example-conference") and both.has("teach-class")
    with pytest.raises(ceplan.PlanInputError) as caught:
        ceplan.optimise(both, ["security-plus", "cisa"], exclude=["example-conference"])
    assert "'comptia-example-conference' or 'isaca-example-conference'" in str(caught.value)
    a = write(tmp_path / "a.yaml", {**small("alpha"), "categories": {"core": {"label": "Core"}}})
    b = write(tmp_path / "b.yaml", {**small("beta"), "categories": {"core": {"label": "Kern"}}})
    combined = ceplan.load_catalog([str(a), str(b)])
    assert sorted(combined.categories) == ["a-core", "b-core"]
    assert combined.categories["b-core"].label == "Kern"


def test_earned_by_category_is_named_as_the_tiers_own_catalogue_names_it(tmp_path: Path) -> None:
    a = small("alpha", categories={"core": {"label": "Core"}})
    a["tiers"]["alpha"]["paths"] = [{"credits": 5, "min": {"core": 3}}]
    b = small("beta", categories={"core": {"label": "Kern"}})
    combined = ceplan.load_catalog(
        [str(write(tmp_path / "a.yaml", a)), str(b_file := write(tmp_path / "b.yaml", b))]
    )
    plan = ceplan.optimise(
        combined,
        ["alpha", "beta"],
        today=TODAY,
        earned={"alpha": 5, "beta": 0},
        earned_by_category={"alpha": {"core": 3}},
    )
    assert plan.status == "optimal"
    assert [item.id for item in plan.planned] == ["b-course"]  # alpha already met
    with pytest.raises(ceplan.PlanInputError) as caught:
        ceplan.optimise(combined, ["alpha", "beta"], earned_by_category={"beta": {"nope": 1}})
    assert str(b_file) in str(caught.value) and "\n" not in str(caught.value)


def test_credits_never_cross_programmes() -> None:
    """Every item of a plan counts only toward tiers of its own programme."""
    combined = ceplan.load_catalog(["isc2", "isaca", "pmi"])
    plan = ceplan.optimise(combined, list(THREE), expires=THREE, today=TODAY, **PROGRESS)
    assert plan.status == "optimal"
    for item in plan.planned:
        part = combined.part_of_item(item.id)
        assert part is not None and item.counts_toward
        assert {claim.tier for claim in item.counts_toward} <= set(part.tiers)


def test_member_year_fees_are_paid_once_per_programme(tmp_path: Path) -> None:
    """Two programmes with membership fees: each is paid, the larger of one's tiers once."""
    a = small(
        "alpha",
        tiers={
            "alpha": {"paths": [{"credits": 5}], "fees": [{"amount": 100, "per": "member-year"}]},
            "gamma": {"paths": [{"credits": 5}], "fees": [{"amount": 30, "per": "member-year"}]},
        },
    )
    b = small("beta")
    b["tiers"]["beta"]["fees"] = [{"amount": 50, "per": "member-year"}]
    combined = ceplan.load_catalog(
        [str(write(tmp_path / "a.yaml", a)), str(write(tmp_path / "b.yaml", b))]
    )
    plan = ceplan.optimise(
        combined,
        ["alpha", "gamma", "beta"],
        today=TODAY,
        earned={"alpha": 5, "gamma": 5, "beta": 5},
    )
    assert plan.status == "optimal"
    assert sorted((fee.tier, fee.amount) for fee in plan.fees) == [
        ("alpha", 300.0),
        ("beta", 150.0),
    ]
    assert plan.total_cost == 450.0


# -- Cisco's rules mean what they mean alone ---------------------------------------------------


@pytest.mark.parametrize("tier", ["associate", "specialist", "professional", "expert"])
def test_a_cisco_tier_planned_from_a_combination_is_planned_as_alone(tier: str) -> None:
    alone = ceplan.optimise("cisco", tier, today=TODAY)
    combined = ceplan.optimise(["cisco", "isc2", "pmi"], [tier], today=TODAY)
    assert alone.status == combined.status == "optimal"
    assert combined.total_cost == alone.total_cost
    assert [i.id for i in combined.planned] == [i.id for i in alone.planned]
    assert combined.complete_by == alone.complete_by  # Cisco's 7 processing days
    assert combined.new_expires == alone.new_expires  # a Cisco cycle restarts on renewal
    assert combined.currency == alone.currency == "GBP"


def test_each_tier_keeps_its_own_catalogues_processing_days() -> None:
    """Cisco's catalogue gives 7 processing days, ISC2's none: first or not, each keeps its own."""
    plan = ceplan.optimise(
        ["cisco", "isc2"],
        ["associate", "cissp"],
        today=TODAY,
        expires={"associate": "2028-06-30", "cissp": "2028-06-30"},
    )
    assert plan.status == "optimal"
    do_by = {held.tier: held.complete_by for held in plan.held}
    assert do_by == {"associate": dt.date(2028, 6, 23), "cissp": dt.date(2028, 6, 30)}
    given = ceplan.optimise(
        ["cisco", "isc2"],
        ["associate", "cissp"],
        today=TODAY,
        expires="2028-06-30",
        processing_days=3,
    )
    assert {held.complete_by for held in given.held} == {dt.date(2028, 6, 27)}


def test_prices_convert_with_the_first_catalogues_rates(tmp_path: Path) -> None:
    first = write(
        tmp_path / "usd.yaml",
        small("alpha", exchange_rates={"GBP": 1.25}, rates_as_of="2026-11-01"),
    )
    combined = ceplan.load_catalog([str(first), "cisco"])
    cisco = ceplan.load_catalog("cisco")
    assert combined.currency == "USD"
    for activity in cisco.activities:
        price = activity.cost * (1.0 if activity.currency == "USD" else 1.25)
        assert combined.cost_of(activity.id) == pytest.approx(round(price, 2))


# -- planned at once = planned apart -----------------------------------------------------------


def test_cissp_cisa_pmp_at_once_cost_what_they_cost_apart() -> None:
    together = ceplan.optimise(
        ["isc2", "isaca", "pmi"], list(THREE), expires=THREE, today=TODAY, **PROGRESS
    )
    assert together.status == "optimal"
    cost = hours = 0.0
    count = 0
    for name, tier in (("isc2", "cissp"), ("isaca", "cisa"), ("pmi", "pmp")):
        inputs = {key: value[tier] for key, value in PROGRESS.items() if tier in value}
        alone = ceplan.optimise(name, tier, expires=THREE[tier], today=TODAY, **inputs)
        assert alone.status == "optimal"
        cost += alone.total_cost
        hours += alone.total_hours
        count += len(alone.planned)
    assert together.total_cost == pytest.approx(cost)
    assert together.total_hours == pytest.approx(hours)
    assert len(together.planned) == count


def _renamed(data: dict[str, Any], person: Person, prefix: str) -> tuple[dict[str, Any], Person]:
    """``data`` and ``person`` with every tier called ``<prefix>-<tier>``."""
    name = {tier: f"{prefix}-{tier}" for tier in data["tiers"]}
    tiers = {}
    for tier, rule in data["tiers"].items():
        rule = dict(rule)
        if "renews" in rule:
            rule["renews"] = [name[t] for t in rule["renews"]]
        tiers[name[tier]] = rule
    activities = [
        {**a, **({"counts_for": [name[t] for t in a["counts_for"]]} if "counts_for" in a else {})}
        for a in data["activities"]
    ]
    held = {name[t]: h for t, h in person.held.items()}
    return {**data, "tiers": tiers, "activities": activities}, Person(
        today=person.today,
        held=held,
        exclude=person.exclude,
        allow_exams=person.allow_exams,
        processing_days=person.processing_days,
        budget=None,
    )


@st.composite
def two_programmes(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[Person]]:
    """Two small random catalogues (tiers renamed apart) and a person holding tiers of each."""
    datas, persons = [], []
    allow_exams = draw(st.booleans())
    processing = draw(st.one_of(st.none(), st.integers(0, 7)))
    for prefix in ("p", "q"):
        data = draw(catalogues(max_items=4, max_tiers=2))
        person = draw(people(data))
        data, person = _renamed(data, person, prefix)
        person = Person(person.today, person.held, person.exclude, allow_exams, processing)
        datas.append(data)
        persons.append(person)
    return datas, persons


def _combined_inputs(
    persons: list[Person], prefixes: tuple[str, ...], shared: set[str]
) -> dict[str, Any]:
    """The planner's inputs for every tier held, ids as the combination names them."""
    merged: dict[str, Any] = {}
    for person, prefix in zip(persons, prefixes, strict=True):
        inputs = inputs_of(person)
        inputs["exclude"] = [f"{prefix}-{i}" if i in shared else i for i in inputs["exclude"]]
        for key, value in inputs.items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = value
    return merged


@settings(max_examples=examples(25))
@given(two_programmes(), st.sampled_from(["none", "total", "under"]))
def test_two_programmes_at_once_agree_with_each_planned_apart(
    case: tuple[list[dict[str, Any]], list[Person]], budget: str
) -> None:
    """The combined plan's cost, hours and item count are the sums of each part's reference plan.

    With a budget of exactly that total the plan is found; a cent under it, none is, though
    each part alone fits under it.
    """
    datas, persons = case
    assume(all(valid(data) for data in datas))
    parts = [solve(data, person) for data, person in zip(datas, persons, strict=True)]
    catalogs = {p: ceplan.Catalog.model_validate(d) for p, d in zip(("p", "q"), datas, strict=True)}
    combined = ceplan.combine_catalogs(catalogs)
    ids = [set(c.ids) for c in catalogs.values()]
    inputs = _combined_inputs(persons, ("p", "q"), ids[0] & ids[1])
    tiers = inputs.pop("tier")
    if any(part is None for part in parts):
        assume(budget == "none")
        plan = ceplan.optimise(combined, tiers, **inputs)
        assert plan.status == "infeasible", plan.summary()
        event("a part has no plan")
        return
    cents = sum(part.cents for part in parts if part is not None)
    hours = sum((part.hours for part in parts if part is not None), Fraction(0))
    count = sum(len(part.ids) for part in parts if part is not None)
    if budget == "under":
        assume(cents > 0)
        inputs["budget"] = (cents - 1) / 100
        plan = ceplan.optimise(combined, tiers, **inputs)
        assert plan.status == "infeasible", plan.summary()
        assert any("budget" in reason for reason in plan.reasons), plan.reasons
        event("a cent under the total")
        return
    if budget == "total":
        inputs["budget"] = cents / 100
    plan = ceplan.optimise(combined, tiers, **inputs)
    assert plan.status == "optimal", plan.summary()
    assert round(plan.total_cost * 100) == cents
    assert Fraction(str(plan.total_hours)) == hours
    assert len(plan.planned) == count
    event(f"found, budget {budget}")
    for item in plan.planned:
        part = combined.part_of_item(item.id)
        assert part is not None
        assert {claim.tier for claim in item.counts_toward} <= set(part.tiers)


def test_the_cli_plans_certifications_of_three_bodies_at_once() -> None:
    argv = ["optimise", "--catalog", "isc2", "--catalog", "isaca", "--catalog", "pmi"]
    for tier, expires in THREE.items():
        argv += ["--tier", tier, "--expires", expires]
    code, out, err = run(*argv, "--today", str(TODAY), "--format", "json")
    assert code == 0, err
    together = ceplan.optimise(["isc2", "isaca", "pmi"], list(THREE), expires=THREE, today=TODAY)
    data = json.loads(out)
    assert data["status"] == "optimal" and data["currency"] == "USD"
    assert data["total_cost"] == together.total_cost
    assert sorted(held["tier"] for held in data["tiers"]) == sorted(THREE)


def test_the_team_command_combines_repeated_catalogues(tmp_path: Path) -> None:
    """A roster mixing programmes is checked against every catalogue given, not the last one.

    Whether team plans take the combination (a schema 2 catalogue) is the team planner's rule;
    either way no tier of either catalogue is unknown.
    """
    roster = tmp_path / "team.yaml"
    roster.write_text(
        "schema: 1\nteam: Mixed\npeople:\n"
        "  - {id: ana, name: Ana, tier: pmp, expires: 2028-03-31}\n"
        "  - {id: ben, name: Ben, tier: cissp, expires: 2028-06-30}\n"
    )
    code, _, err = run("team", "--catalog", "isc2", "--catalog", "pmi", str(roster))
    assert "is not a tier" not in err
    assert code in (0, 2), err


def test_a_combination_follows_each_files_bytes_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts are cached by their own bytes and the combination is made anew: an edit shows."""
    monkeypatch.setenv("CEPLAN_CACHE_DIR", str(tmp_path / "cache"))
    first = write(tmp_path / "a.yaml", small("alpha"))
    second = write(tmp_path / "b.yaml", small("beta"))
    names = [str(first), str(second)]
    assert ceplan.load_catalog(names).cost_of("b-course") == 10.0
    assert any((tmp_path / "cache").iterdir())  # the parts were cached
    edited = small("beta")
    edited["activities"][0]["cost"] = 12.5
    write(second, edited)
    assert ceplan.load_catalog(names).cost_of("b-course") == 12.5


def test_names_two_parts_would_qualify_alike_are_refused(tmp_path: Path) -> None:
    """Two files called ``a.yaml`` sharing a category cannot be told apart."""
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    extra = {"categories": {"core": {"label": "Core"}}}
    first = write(tmp_path / "one" / "a.yaml", small("alpha", **extra))
    other = small("beta", **extra)
    other["activities"][0]["id"] = "lesson"
    second = write(tmp_path / "two" / "a.yaml", other)
    with pytest.raises(ceplan.CatalogError) as caught:
        ceplan.load_catalog([str(first), str(second)])
    text = str(caught.value)
    assert "\n" not in text and str(second) in text and "cannot be told apart" in text
