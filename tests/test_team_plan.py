"""A team's plan as a manager gets it (ceplan.plan_team, TeamPlan, ``ceplan team``)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import ceplan
from ceplan.cli.main import main
from tests import generators

ROOT = Path(__file__).resolve().parent.parent
TEAM = ROOT / "examples" / "team.yaml"
PEOPLE = ROOT / "examples" / "team.csv"


def run(*argv: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "ceplan", *argv], capture_output=True, text=True, check=False
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def plan() -> ceplan.TeamPlan:
    catalog = ceplan.load_catalog()
    return ceplan.plan_team(catalog, ceplan.load_roster(TEAM, catalog=catalog), today="2026-11-29")


def test_the_example_team_renews_within_its_budgets_and_fund(plan: ceplan.TeamPlan) -> None:
    assert plan.status == "optimal" and not plan.at_risk
    assert len(plan.outcomes) == 12
    for use in plan.budget_uses:
        assert 0 <= use.spent <= use.amount
    (fund,) = plan.fund_uses
    assert 0 <= fund.used <= fund.amount == 7900.0  # 10,000 USD at the catalogue's 0.79
    # What each item cost is paid by its period and the fund, to the cent.
    items = plan.items
    assert (items["paid_by_funds"] + items["out_of_pocket"] - items["cost"]).abs().max() < 0.005
    assert round(items["out_of_pocket"].sum(), 2) == plan.out_of_pocket
    assert round(plan.budgets["spent"].sum(), 2) == plan.out_of_pocket
    assert round(items["paid_by_funds"].sum(), 2) == plan.paid_by_funds == fund.used
    # The fund pays only for activities paid on or before it expires.
    paid = items[items["paid_by_funds"] > 0]
    assert set(paid["kind"]) <= {"activity"}
    assert (paid["paid_on"] <= pd.Timestamp(fund.expires)).all()
    # Each item is paid in the period holding the day it is paid, and done after that.
    for row in items.itertuples():
        budget = next(b for b in plan.budget_uses if b.name == row.period)
        assert pd.Timestamp(budget.start) <= row.paid_on <= pd.Timestamp(budget.end)
        assert row.paid_on <= row.start <= row.finish <= row.complete_by


def test_the_tables_have_their_columns_and_types(plan: ceplan.TeamPlan) -> None:
    assert list(plan.people.columns) == [
        "id", "name", "tier", "status", "expires", "priority", "path", "items", "hours", "cost",
        "out_of_pocket", "reasons",
    ]  # fmt: skip
    assert str(plan.people["expires"].dtype).startswith("datetime64")
    assert list(plan.items.columns) == [
        "person", "id", "title", "kind", "hours", "cost", "paid_on", "period", "paid_by_funds",
        "funds", "out_of_pocket", "start", "finish", "complete_by",
    ]  # fmt: skip
    for column in ("paid_on", "start", "finish", "complete_by"):
        assert str(plan.items[column].dtype).startswith("datetime64"), column
    assert list(plan.funds.columns) == [
        "name", "amount", "expires", "pays_for", "used", "lost_at_expiry"
    ]  # fmt: skip
    assert "<table" in plan._repr_html_() and repr(plan).startswith("<TeamPlan ")


def test_a_cut_budget_puts_people_at_risk_with_money_that_would_renew_them() -> None:
    catalog = ceplan.load_catalog()
    roster = ceplan.load_roster(PEOPLE)
    single = ceplan.Budget(name="all", start="2026-11-29", end="2028-12-31", amount=1500)
    tight = roster.model_copy(update={"budgets": (single,)})
    plan = ceplan.plan_team(catalog, tight, today="2026-11-29")
    assert plan.at_risk
    renewed = {o.id for o in plan.outcomes if o.renews}
    priority = sum(o.priority for o in plan.outcomes if o.renews)
    for outcome in plan.at_risk:
        reason, more_line = outcome.reasons[0], outcome.reasons[-1]
        # Whose spending it names, read from the plan itself: who paid out of pocket.
        spenders = {
            o.priority
            for o in plan.outcomes
            if o.id != outcome.id and any(i.out_of_pocket > 0 for i in o.items)
        }
        assert spenders, "the period was spent by somebody"
        whose = (
            "higher-priority renewals"
            if min(spenders) > outcome.priority
            else "renewals of the same or higher priority"
            if min(spenders) == outcome.priority
            else "other renewals"
        )
        person = tight.person(outcome.id)
        own = ceplan.optimise(catalog, person.tier, today="2026-11-29", **person.inputs())
        if own.total_cost > single.amount:  # their plan alone is more than the whole budget
            expected = "all's budget (1,500.00 GBP) is less than their plan needs in it ("
        else:
            expected = f"all is spent by {whose}: "
        assert reason.startswith(expected), reason
        more = float(more_line.split(" GBP")[0].replace(",", ""))
        richer = single.model_copy(update={"amount": single.amount + more})
        again = ceplan.plan_team(
            catalog, tight.model_copy(update={"budgets": (richer,)}), today="2026-11-29"
        )
        # The money renews someone more and drops nobody of higher priority.
        assert sum(o.priority for o in again.outcomes if o.renews) > priority
        assert len({o.id for o in again.outcomes if o.renews}) > len(renewed)


def test_a_plan_stopped_by_the_limit_says_only_what_is_known_of_who_is_at_risk() -> None:
    """No "X more would renew" against a plan that is not proved best: the person's own
    cheapest plan instead (what optimise gives them alone)."""
    import dataclasses
    import datetime as dt

    from ceplan.model.team import build_team
    from ceplan.planning.reasons import Shared, at_risk_reasons
    from ceplan.planning.team import _alone_plans, _team_plan
    from ceplan.requests.team import make_team_request
    from ceplan.solving.backends import make_solver
    from ceplan.solving.team import solve_team
    from ceplan.status import Deadline
    from ceplan.units import format_money

    catalog = ceplan.load_catalog()
    roster = ceplan.load_roster(PEOPLE)
    single = ceplan.Budget(name="all", start="2026-11-29", end="2028-12-31", amount=1500)
    tight = roster.model_copy(update={"budgets": (single,)})
    today = dt.date(2026, 11, 29)
    request = make_team_request(catalog, tight, today=today)
    model = build_team(catalog, tight, today=today)
    solution = dataclasses.replace(solve_team(model), status="feasible", termination="time_limit")
    finish = Deadline(10.0)
    alone = _alone_plans(request, finish, "auto")
    highs = make_solver("highs")
    amounts = (tuple(model.budget_cents), tuple(model.fund_cents))

    def extra(person: ceplan.Person) -> None:
        raise AssertionError("no money is asked of a plan not proved best")

    shared = Shared(
        catalog, tight, solution, *amounts, request.requests, alone, False, finish, highs
    )
    reasons = at_risk_reasons(shared, extra)
    plan = _team_plan(
        catalog, tight, solution, today, alone, highs, amounts, lambda p: reasons[p.id]
    )
    assert plan.status == "feasible" and plan.at_risk
    for outcome in plan.at_risk:
        person = next(p for p in tight.people if p.id == outcome.id)
        alone = ceplan.optimise(catalog, person.tier, today=today, **person.inputs())
        cost = format_money(alone.total_cost, catalog.currency)
        assert outcome.reasons == (
            "not renewed in the plan found before the time limit; their own cheapest plan "
            f"costs {cost}",
        )


def test_the_command_prints_the_same_plan_as_the_library(plan: ceplan.TeamPlan) -> None:
    code, out, err = run("team", str(TEAM), "--today", "2026-11-29", "--format", "json")
    assert code == 0, err
    assert out == plan.to_json() + "\n"
    assert run("team", str(TEAM), "--today", "2026-11-29", "--format", "json")[1] == out


def test_yaml_and_csv_rosters_give_the_same_plan(tmp_path: Path) -> None:
    document = yaml.safe_load(TEAM.read_text(encoding="utf-8"))
    del document["funds"]  # a CSV roster has none (funds come from a YAML)
    (tmp_path / "team.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    common = ["--today", "2026-11-29", "--budget", "2000", "--format", "json"]
    code_yaml, from_yaml, _ = run("team", str(tmp_path / "team.yaml"), *common)
    code_csv, from_csv, _ = run("team", str(PEOPLE), *common)
    assert code_yaml == code_csv == 1  # someone is at risk with 2,000 GBP
    first: dict[str, Any] = json.loads(from_yaml)
    second: dict[str, Any] = json.loads(from_csv)
    assert first["people"] == second["people"] and first["budgets"] == second["budgets"]
    assert first["totals"] == second["totals"]


def test_a_bad_roster_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    roster = tmp_path / "team.csv"
    roster.write_text(
        "id,name,tier,expires\nann,Ann,professional,2027-13-01\nbo,Bo,profesional,2027-12-01\n",
        encoding="utf-8",
    )
    code, out, err = run("team", str(roster))
    assert (code, out) == (2, "")
    lines = err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("ceplan: error: ") for line in lines)
    assert "team.csv:2: row 1 'ann': field 'expires'" in err
    assert "team.csv:3: row 2 'bo': field 'tier': is not a tier of the catalogue" in err


def test_the_output_can_go_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    assert (
        main(["team", str(TEAM), "--today", "2026-11-29", "--format", "csv", "--out", str(target)])
        == 0
    )
    frame = pd.read_csv(target)
    assert list(frame["id"]) == [p.id for p in ceplan.load_roster(TEAM).people]


# -- what if -------------------------------------------------------------------------------------


def test_what_if_a_cut_budget_moves_items_to_the_next_year_or_puts_people_at_risk() -> None:
    catalog = ceplan.load_catalog()
    roster = ceplan.load_roster(TEAM, catalog=catalog)
    same = ceplan.what_if(catalog, roster, budget_factor=1.0, today="2026-11-29")
    assert same.before.to_json() == same.after.to_json()
    cut = ceplan.what_if(catalog, roster, budget_factor=0.7, today="2026-11-29")
    assert list(cut.budgets["amount_after"]) == [2100.0, 2100.0]
    assert (cut.budgets["spent_after"] <= cut.budgets["amount_after"] + 0.005).all()
    both = cut.items.dropna(subset=["period_before", "period_after"])  # planned in both
    moved = both[both["period_before"] != both["period_after"]]
    assert set(moved["period_after"]) == {"FY2027-28"}  # moved to the next year
    assert (moved["paid_on_after"] > moved["paid_on_before"]).all()
    deep = ceplan.what_if(catalog, roster, budget_factor=0.2, funds=[], today="2026-11-29")
    before = {o.id for o in deep.before.outcomes if o.renews}
    after = {o.id for o in deep.after.outcomes if o.renews}
    assert set(deep.newly_at_risk) == before - after != set()
    changed = deep.people[deep.people["change"] == "now at risk"]
    assert set(changed["id"]) == before - after
    assert deep.funds["used_after"].isna().all()  # the fund is gone
    assert "newly at risk" in repr(deep)


def test_a_time_limit_gives_a_plan_never_called_optimal() -> None:
    """Half a second for a team whose first stage alone takes about a minute to prove (40
    people, 500 activities, budgets that bind; the five stages take many minutes, on 2 cores):
    the limit always stops the search, and what comes back is never called optimal."""
    catalog = ceplan.Catalog.model_validate(generators.catalog_data(500, 0))
    data = generators.roster_data(40)
    for budget in data["budgets"]:
        budget["amount"] = 800
    roster = ceplan.Roster.model_validate(data)
    plan = ceplan.plan_team(catalog, roster, today=generators.TODAY, time_limit=0.5)
    assert plan.termination == "time_limit"
    assert plan.status != "optimal"
    if plan.status == "unknown":  # nothing found in time: said, not called a plan
        assert len(plan.at_risk) == len(plan.outcomes)
        assert {o.reasons for o in plan.outcomes} == {("no plan was found before the time limit",)}
    else:
        assert plan.status == "feasible"
        assert plan.stopped_in is not None
        assert plan.gap is not None and 0.0 <= plan.gap <= 1.0
    for use in plan.budget_uses:
        assert use.spent <= use.amount + 0.01


def test_progress_is_told_stage_by_stage() -> None:
    """Each stage as it begins and as it ends (tests/test_team_progress.py: every phase)."""
    catalog = ceplan.load_catalog()
    lines: list[str] = []
    ceplan.plan_team(catalog, ceplan.load_roster(TEAM), today="2026-11-29", progress=lines.append)
    ends = [line for line in lines if line.startswith("stage ") and " optimal in " in line]
    assert [line.split(":")[0] for line in ends] == [
        f"stage {n} of 5 ({name})"
        for n, name in enumerate(["priority", "out of pocket", "hours", "renewal", "ids"], 1)
    ]


# -- dates, the too-late rule, conversion, the JSON (issue 13) -----------------------------------


def test_team_dates_are_each_persons_one_person_dates(plan: ceplan.TeamPlan) -> None:
    """An item is paid on one day and done on others: Tom's exam is paid in the first fiscal
    year and sat on 2028-02-08, as in his own plan (it was dated on the day it was paid,
    2026-11-29). Whoever renews with their own plan's items has their own plan's dates."""
    catalog = ceplan.load_catalog()
    roster = ceplan.load_roster(TEAM, catalog=catalog)
    (tom,) = [o for o in plan.outcomes if o.id == "tom"]
    (exam,) = tom.items
    assert (exam.id, exam.start, exam.finish) == (
        "encor-350-401",
        dt.date(2028, 2, 8),
        dt.date(2028, 2, 8),
    )
    assert exam.paid_on < exam.start and exam.period == "FY2026-27"
    compared = 0
    for outcome in plan.outcomes:
        person = roster.person(outcome.id)
        own = ceplan.optimise(catalog, person.tier, today="2026-11-29", **person.inputs())
        if sorted(i.id for i in outcome.items) != sorted(i.id for i in own.planned):
            continue  # a team plan may give them other items, at the same money
        compared += 1
        assert {i.id: (i.start, i.finish, i.complete_by) for i in outcome.items} == {
            i.id: (i.start, i.finish, i.complete_by) for i in own.planned
        }, outcome.id
    assert compared >= 8


def test_a_person_past_their_do_by_date_is_too_late_whatever_they_earned() -> None:
    """Their certification expired yesterday and what they earned meets a path: alone, the
    plan says "too late" (SPEC 3); in a team they are at risk, for that reason."""
    catalog = ceplan.load_catalog()
    yesterday = dt.date(2026, 11, 28)
    people = [
        {"id": "ann", "name": "Ann", "tier": "associate", "expires": "2027-09-30"},
        {"id": "bo", "name": "Bo", "tier": "associate", "expires": yesterday.isoformat()}
        | {"earned": 30},
    ]
    roster = {"schema": 1, "team": "T", "people": people}
    alone = ceplan.optimise(catalog, "associate", today="2026-11-29", expires=yesterday, earned=30)
    assert alone.status == "infeasible" and alone.reasons[0].startswith("too late")
    plan = ceplan.plan_team(catalog, roster, today="2026-11-29")
    assert [o.id for o in plan.at_risk] == ["bo"]
    assert plan.at_risk[0].reasons == alone.reasons


def test_a_fund_pays_exactly_for_an_item_of_its_own_amount_and_currency() -> None:
    """12.50 USD at 0.79 is 9.875 GBP: the price is 9.88 (half to even), and the fund, converted
    the same way, pays all of it (rounded down, it was 9.87, and Bo was at risk "for 0.01 GBP
    more")."""
    catalog = ceplan.Catalog.model_validate(
        {
            "schema": 1,
            "programme": "P",
            "currency": "GBP",
            "exchange_rates": {"USD": 0.79},
            "rates_as_of": "2026-11-01",
            "tiers": {"pro": {"paths": [{"credits": 6}]}},
            "activities": [
                {"id": "a", "title": "A", "type": "course", "credits": 6, "cost": 12.5}
                | {"currency": "USD"}
            ],
        }
    )
    roster = {
        "schema": 1,
        "team": "T",
        "budgets": [{"name": "FY", "start": "2026-04-01", "end": "2028-03-31", "amount": 0}],
        "funds": [{"name": "CLC", "amount": 12.5, "currency": "USD", "expires": "2027-06-30"}],
        "people": [{"id": "bo", "name": "Bo", "tier": "pro", "expires": "2027-09-30"}],
    }
    plan = ceplan.plan_team(catalog, roster, today="2026-11-29")
    assert not plan.at_risk, plan.outcomes[0].reasons
    (fund,) = plan.fund_uses
    assert fund.amount == fund.used == plan.outcomes[0].cost == 9.88
    assert (fund.lost, plan.out_of_pocket) == (0.0, 0.0)


MONEY = {"cost", "out_of_pocket", "amount", "spent", "left", "used", "lost_at_expiry"}
MONEY |= {"paid_by_funds"}


def money_values(data: Any, key: str = "") -> list[Any]:
    """Every amount of money in a plan's JSON, found by its key."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            if k in MONEY and not isinstance(v, dict):
                found.append(v)
            elif k == "paid_by_funds" and isinstance(v, dict):
                found.extend(v.values())
            elif k == "given":
                found.append(v["amount"])
            else:
                found.extend(money_values(v, k))
    elif isinstance(data, list):
        for v in data:
            found.extend(money_values(v, key))
    return found


def test_the_json_names_paths_as_optimise_does_and_gives_hours_and_money_alike() -> None:
    """The path is the object ``optimise`` gives (``{"credits": ..., "exams": {...}}``), each
    item and person has its hours, every amount of money is a float (an at-risk person's cost
    was the whole number 0), and each item says when it is paid and done."""
    catalog = ceplan.load_catalog()
    roster = ceplan.load_roster(PEOPLE)
    single = ceplan.Budget(name="all", start="2026-11-29", end="2028-12-31", amount=1500)
    plan = ceplan.plan_team(
        catalog, roster.model_copy(update={"budgets": (single,)}), today="2026-11-29"
    )
    assert plan.at_risk
    data = json.loads(plan.to_json())
    amounts = money_values(data)
    assert len(amounts) > 30 and all(type(a) is float for a in amounts)
    for person, outcome in zip(data["people"], plan.outcomes, strict=True):
        if person["status"] == "renews":
            assert person["path"] == outcome.path.to_dict()
            assert set(person["path"]) == {"credits", "exams"}
        else:
            assert person["path"] is None and person["cost"] == 0.0
        given = [item["hours"] for item in person["items"] if item["hours"] is not None]
        assert person["hours"] == sum(given)  # null: the catalogue gives none
        for item in person["items"]:
            assert set(item) >= {"paid_on", "start", "finish", "complete_by", "hours"}
            assert item["paid_on"] <= item["start"] <= item["finish"] <= item["complete_by"]
    assert plan.people["path"].dropna().map(type).eq(str).all()  # the table keeps the words
