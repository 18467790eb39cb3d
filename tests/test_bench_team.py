"""The team benchmark (``bench/bench_team.py``), its organisations and its plan checker.

Fast: organisations of five people, solves limited to a second or two. Each run the benchmark
records is checked field by field; the checker (``tests/team_checker.py``) passes a plan the
model made and rejects the same plan broken on purpose, one rule at a time.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import ceplan
from ceplan.objective import TEAM
from tests import generators
from tests.generators import TODAY, VARIANTS, WEEKLY_HOURS, organisation, own_plans
from tests.team_checker import check_team_plan

ROOT = Path(__file__).resolve().parent.parent


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_team", ROOT / "bench" / "bench_team.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()
STAGES = [stage.name for stage in TEAM]


# -- the organisations -------------------------------------------------------------------------


def test_the_variants_set_the_money_from_everyones_own_cost() -> None:
    ample, tight = organisation(5, 0, "ample"), organisation(5, 0, "tight")
    everyone = sum(plan.cost for plan in ample.own.values() if plan is not None)
    assert everyone > 0
    assert [b["amount"] for b in ample.roster["budgets"]] == [round(0.3 * everyone, 2)] * 2
    assert ample.roster["funds"][0]["amount"] == 500  # 100 USD a head
    assert [b["amount"] for b in tight.roster["budgets"]] == [round(0.12 * everyone, 2)] * 2
    assert tight.roster["funds"][0]["amount"] == 100  # 20 USD a head
    # ample is the benchmark's first instance: the generators' catalogue and people as they are.
    assert ample.catalog == generators.catalog_data(500, 0)
    assert ample.roster["people"] == generators.roster_data(5, 0)["people"]
    assert organisation(5, 0, "tight") == tight


def test_in_the_hours_variant_everyone_has_weekly_hours_and_some_plans_change() -> None:
    ample, hours = organisation(5, 0, "ample"), organisation(5, 0, "hours")
    assert all(p["hours_per_week"] in WEEKLY_HOURS for p in hours.roster["people"])
    changed = [p for p in ample.own if ample.own[p] != hours.own[p]]
    assert changed  # the weekly limit binds for some people (two of these five)


def test_people_with_the_same_inputs_are_planned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = ceplan.Catalog.model_validate(generators.catalog_data(500, 0))
    people = generators.roster_data(4, 0)["people"]
    twins = [p | {"id": f"{p['id']}-twin", "name": "Twin", "priority": 7} for p in people]
    calls = []
    optimise = ceplan.optimise

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return optimise(*args, **kwargs)

    monkeypatch.setattr(ceplan, "optimise", counted)
    plans = own_plans(catalog, [*people, *twins])
    assert len(calls) == len({(p["tier"], p["expires"], p["earned"]) for p in people})
    assert all(plans[p["id"]] == plans[f"{p['id']}-twin"] for p in people)


def test_an_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown variant 'lavish'"):
        organisation(5, 0, "lavish")


# -- one run ----------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_run_records_times_status_size_memory_and_the_check(variant: str) -> None:
    record = bench.child(5, variant, limit=1.0)
    assert (record["people"], record["variant"], record["method"]) == (5, variant, "single")
    assert record["build"] > 0 and record["solve"] > 0
    assert record["total"] == pytest.approx(record["build"] + record["solve"])
    assert record["variables"] > 1000 and record["rows"] > 1000
    assert record["peak_mib"] > 10
    assert "refused" not in record
    assert record["status"] in ("optimal", "feasible")
    assert record["stage_count"] == len(STAGES)
    if record["status"] == "optimal":
        assert record["stopped_in"] is None and record["stage"] is None
    else:
        assert record["termination"] == "time_limit"
        assert STAGES[record["stage"] - 1] == record["stopped_in"]
        assert record["gap"] is None or 0 <= record["gap"] <= 1
    assert record["stages"] and record["stages"][0].startswith("stage 1 of 5 (priority)")
    check = record["check"]
    assert check["valid"] and check["problems"] == [] and check["broken"] == 0
    assert check["renewed"] == 5 - len(record["at_risk"])
    assert check["renewed"] >= 1 and check["priority"] >= check["renewed"]
    assert check["out_of_pocket"] >= 0 and check["hours"] > 0


def test_a_model_too_large_to_build_is_reported_as_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("ceplan.model.team.MAX_TEAM_VARIABLES", 100)
    record = bench.child(5, "ample", limit=1.0)
    assert "would need more than 100 variables" in record["refused"]
    assert record["solve"] is None and "check" not in record
    assert bench.status_words(record) == "refused (too large)"
    assert "| refused (too large) |" in bench.row([record], 5, "ample")
    other = {"refused": "planning by columns needs credits in steps of at least 1/10,000"}
    assert bench.status_words(other) == f"refused: {other['refused']}"


def test_an_unknown_method_stops_before_any_run() -> None:
    with pytest.raises(SystemExit, match="ceplan.plan_team knows auto, single, columns"):
        bench.main(["--people", "5", "--method", "fastest"])


def test_the_table_says_how_each_run_ended() -> None:
    feasible = {"status": "feasible", "termination": "time_limit", "gap": 0.0171}
    feasible |= {"stopped_in": "out_of_pocket", "stage": 2, "stage_count": 5}
    assert bench.status_words(feasible) == (
        "feasible: time limit in stage 2 (out of pocket), gap 1.71%"
    )
    optimal = feasible | {"status": "optimal", "stopped_in": None, "stage": None, "gap": 0.0}
    assert bench.status_words(optimal) == "optimal (all 5 stages proven)"
    assert bench.status_words({"stopped": "memory past 6 GiB"}) == "stopped: memory past 6 GiB"
    valid = {"check": {"valid": True, "broken": 0}}
    broken = {"check": {"valid": False, "broken": 3}}
    assert bench.check_words([valid]) == "valid"
    assert bench.check_words([broken]) == "INVALID (3 broken rules)"
    assert bench.check_words([valid, broken]) == "INVALID (3 broken rules in 1 of 2 runs)"
    assert bench.check_words([{"stopped": "past 600 s"}]) == ""


@pytest.mark.slow
def test_a_run_past_its_time_or_memory_is_stopped_and_said_so() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    assert bench.watched(sleeper, 0.5, 6.0)["stopped"] == "past 0.5 s"
    hog = [sys.executable, "-c", "import time; b = bytearray(300 * 2**20); time.sleep(60)"]
    stopped = bench.watched(hog, 30.0, 0.1)
    assert stopped["stopped"] == "memory past 0.1 GiB" and stopped["peak_mib"] > 0.1 * 1024


# -- the checker ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planned() -> tuple[ceplan.Catalog, ceplan.Roster, dict[str, Any]]:
    """A plan the single model made for five people with weekly hours, as plain data."""
    made = organisation(5, 0, "hours")
    catalog = ceplan.Catalog.model_validate(made.catalog)
    roster = ceplan.Roster.model_validate(made.roster)
    plan = bench.single(catalog, roster, made, 1.0)["plan"]
    return catalog, roster, plan


def problems_of(
    planned: tuple[ceplan.Catalog, ceplan.Roster, dict[str, Any]],
    plan: dict[str, Any] | None = None,
    roster: ceplan.Roster | None = None,
) -> tuple[str, ...]:
    catalog, given, original = planned
    return check_team_plan(catalog, roster or given, plan or original, TODAY).problems


def renewing(plan: dict[str, Any]) -> dict[str, Any]:
    """The first person who renews with items, in a copy of ``plan`` to break."""
    return next(p for p in plan["people"] if p["status"] == "renews" and p["items"])


def test_the_checker_passes_the_plan_the_model_made(planned: Any) -> None:
    assert problems_of(planned) == ()
    catalog, roster, plan = planned
    check = check_team_plan(catalog, roster, plan, TODAY)
    assert check.renewed == sum(p["status"] == "renews" for p in plan["people"]) > 0


def test_the_checker_finds_budgets_overspent(planned: Any) -> None:
    _, roster, _ = planned
    poorer = roster.model_copy(
        update={"budgets": tuple(b.model_copy(update={"amount": 1.0}) for b in roster.budgets)}
    )
    found = problems_of(planned, roster=poorer)
    assert any(p.startswith("budget FY") and "more than its 1.00" in p for p in found)


def test_the_checker_finds_a_path_no_longer_met(planned: Any) -> None:
    plan = copy.deepcopy(planned[2])
    person = renewing(plan)
    person["items"] = []  # nobody here has earned or passed enough to need nothing
    assert f"{person['id']}: their items meet no path of tier" in " ".join(
        problems_of(planned, plan)
    )


def test_the_checker_finds_a_path_named_that_the_items_do_not_meet(planned: Any) -> None:
    catalog, roster, original = planned
    plan = copy.deepcopy(original)
    person = next(
        p
        for p in plan["people"]
        if p["status"] == "renews" and len(catalog.tiers[roster.person(p["id"]).tier].paths) > 1
    )
    assert not any(item["id"].startswith("exam-") for item in person["items"])
    tier = roster.person(person["id"]).tier
    person["path"] = next(p for p in catalog.tiers[tier].paths if p.exams).to_dict()
    found = problems_of(planned, plan)
    assert f"{person['id']}: their items do not meet the path the plan names" in found
    person["path"] = {"credits": 7, "exams": {}}
    found = problems_of(planned, plan)
    assert f"{person['id']}: the plan names a path tier {tier} does not have" in found


def test_the_checker_finds_an_item_the_path_does_not_need(planned: Any) -> None:
    catalog, _, original = planned
    plan = copy.deepcopy(original)
    person = renewing(plan)
    spare = copy.deepcopy(person["items"][0])
    taken = {item["id"] for item in person["items"]}
    spare["id"] = next(
        a.id for a in catalog.activities if a.id not in taken and a.cost == spare["cost"]
    )
    person["items"].append(spare)
    assert any(
        p.startswith(f"{person['id']}: ") and p.endswith(": not needed by their path")
        for p in problems_of(planned, plan)
    )


def test_the_checker_finds_an_item_planned_twice(planned: Any) -> None:
    plan = copy.deepcopy(planned[2])
    person = renewing(plan)
    item = person["items"][0]
    person["items"].append(copy.deepcopy(item))
    assert f"{person['id']}: {item['id']}: planned 2 times" in problems_of(planned, plan)


def test_the_checker_finds_fund_money_it_may_not_pay(planned: Any) -> None:
    _, roster, original = planned
    paid = [
        (p["id"], i["id"]) for p in original["people"] for i in p["items"] if i["paid_by_funds"]
    ]
    assert paid  # the fund pays for something in this plan
    fund = roster.funds[0]
    exams_only = roster.model_copy(
        update={"funds": (fund.model_copy(update={"pays_for": ("exams",)}),)}
    )
    assert f"{paid[0][0]}: {paid[0][1]}: CLC pays for exams, not activities" in problems_of(
        planned, roster=exams_only
    )
    expired = roster.model_copy(
        update={"funds": (fund.model_copy(update={"expires": TODAY - dt.timedelta(days=1)}),)}
    )
    assert any(
        p.startswith(f"{paid[0][0]}: {paid[0][1]}: paid on") and "which expired" in p
        for p in problems_of(planned, roster=expired)
    )
    plan = copy.deepcopy(original)
    person = next(p for p in plan["people"] if p["id"] == paid[0][0])
    item = next(i for i in person["items"] if i["id"] == paid[0][1])
    item["paid_by_funds"] = {"CLC": item["cost"] + 5}
    assert any(
        p.startswith(f"{person['id']}: {item['id']}: funds pay") for p in problems_of(planned, plan)
    )


def test_the_checker_finds_dates_out_of_order_or_past_the_do_by_date(planned: Any) -> None:
    _, roster, original = planned
    plan = copy.deepcopy(original)
    person = renewing(plan)
    item = person["items"][0]
    expires = roster.person(person["id"]).expires
    item["finish"] = expires.isoformat()
    assert any(
        p.startswith(f"{person['id']}: {item['id']}: finished {expires}, after its do-by date")
        for p in problems_of(planned, plan)
    )
    plan = copy.deepcopy(original)
    person = renewing(plan)
    person["items"][0]["paid_on"] = (TODAY - dt.timedelta(days=1)).isoformat()
    assert any("not today (2026-11-29) <= paid" in p for p in problems_of(planned, plan))


def test_the_checker_finds_weekly_hours_overfilled(planned: Any) -> None:
    _, roster, original = planned
    person = renewing(original)
    people = tuple(
        p.model_copy(update={"hours_per_week": 0.01}) if p.id == person["id"] else p
        for p in roster.people
    )
    busier = roster.model_copy(update={"people": people})
    assert any(
        p.startswith(f"{person['id']}: ") and "hours of study in weeks" in p
        for p in problems_of(planned, roster=busier)
    )


def test_the_checker_finds_people_missing_or_at_risk_with_items(planned: Any) -> None:
    plan = copy.deepcopy(planned[2])
    person = renewing(plan)
    person["status"] = "at_risk"
    dropped = next(p for p in plan["people"] if p is not person)
    plan["people"].remove(dropped)
    found = problems_of(planned, plan)
    assert f"{dropped['id']}: not in the plan" in found
    assert any(p.startswith(f"{person['id']}: at risk, yet") for p in found)


def item_of(plan: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first renewing person's first item (in ``plan``, to break), and the person."""
    person = renewing(plan)
    return person, person["items"][0]


def _unknown_item(catalog: Any, roster: Any, plan: Any) -> tuple[Any, str]:
    person, item = item_of(plan)
    item["id"] = "no-such-item"
    return roster, f"{person['id']}: no-such-item: not in the catalogue"


def _cost_misread(catalog: Any, roster: Any, plan: Any) -> tuple[Any, str]:
    person, item = item_of(plan)
    item["cost"] += 1
    return roster, f"the plan says {item['cost']}"


def _period_misnamed(catalog: Any, roster: Any, plan: Any) -> tuple[Any, str]:
    person, item = item_of(plan)
    item["period"] = "FY9"
    return roster, f"{person['id']}: {item['id']}: paid in FY"


def _paid_in_no_period(catalog: Any, roster: Any, plan: Any) -> tuple[Any, str]:
    person, item = item_of(plan)
    later = {"start": dt.date(2030, 1, 1), "end": dt.date(2030, 12, 31)}
    budgets = (roster.budgets[0].model_copy(update=later),)
    return roster.model_copy(update={"budgets": budgets}), "a day of no budget period"


def _unknown_fund(catalog: Any, roster: Any, plan: Any) -> tuple[Any, str]:
    person, item = item_of(plan)
    item["paid_by_funds"] = {"Nope": 1.0}
    return roster, "paid by 'Nope', which is not a fund of the roster"


def _completed(catalog: Any, roster: Any, plan: Any) -> tuple[Any, str]:
    person, item = item_of(plan)
    people = tuple(
        p.model_copy(update={"completed": (item["id"],)}) if p.id == person["id"] else p
        for p in roster.people
    )
    return roster.model_copy(update={"people": people}), "completed or excluded by the person"


def _exam_unwilling(catalog: Any, roster: Any, plan: Any) -> tuple[Any, str]:
    person, item = item_of(plan)
    item["id"] = catalog.exams[0].id
    people = tuple(
        p.model_copy(update={"exams": False}) if p.id == person["id"] else p for p in roster.people
    )
    return roster.model_copy(update={"people": people}), "an exam, for someone not sitting exams"


def _not_yet_available(catalog: Any, roster: Any, plan: Any) -> tuple[Any, str]:
    person, item = item_of(plan)
    start = dt.date.fromisoformat(item["start"])
    item["id"] = next(
        a.id for a in catalog.activities if a.available_from and a.available_from > start
    )
    return roster, f"{person['id']}: {item['id']}: done before it is available"


@pytest.mark.parametrize(
    "breaking",
    [
        _unknown_item,
        _cost_misread,
        _period_misnamed,
        _paid_in_no_period,
        _unknown_fund,
        _completed,
        _exam_unwilling,
        _not_yet_available,
    ],
)
def test_the_checker_finds_each_item_rule_broken(planned: Any, breaking: Any) -> None:
    catalog, roster, original = planned
    plan = copy.deepcopy(original)
    broken_roster, said = breaking(catalog, roster, plan)
    assert any(said in p for p in problems_of(planned, plan, broken_roster)), said
