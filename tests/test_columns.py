"""The team's first stages by column generation (ceplan/solving/columns.py) against the
single team model, itself checked against an exhaustive search (tests/test_team_model.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pulp
import pytest
from hypothesis import given, settings

import ceplan
from ceplan.candidates.items import Candidate, meets
from ceplan.catalogue.models import PathRule
from ceplan.model.team import build_team
from ceplan.planning.columns import ByColumns, plan_by_columns
from ceplan.requests.person import make_request
from ceplan.requests.team import make_team_request
from ceplan.roster.models import Roster
from ceplan.solving.backends import make_solver
from ceplan.solving.columns import ColumnsSolution, price, solve_by_columns
from ceplan.solving.team import solve_team
from ceplan.status import Deadline
from tests.conftest import examples
from tests.test_team_model import TODAY, check, check_irredundant, teams

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "team.yaml"


def untimed(roster: Roster) -> Roster:
    people = [
        p.model_copy(update={"hours_per_week": None, "unavailable": ()}) for p in roster.people
    ]
    return roster.model_copy(update={"people": tuple(people)})


def check_rules(solution: ColumnsSolution, catalog: ceplan.Catalog, roster: Roster) -> None:
    """Each chosen plan meets a path of its person's tier; funds pay at most their amounts."""
    items = {item.id: item for item in [*catalog.activities, *catalog.exams]}
    for person in roster.people:
        column = solution.chosen.get(person.id)
        if column is None:
            continue
        chosen = [items[taking.id] for taking in column.items]
        candidates = [
            Candidate(
                c.id,
                hasattr(c, "kind"),
                getattr(c, "kind", None),
                float(getattr(c, "credits", 0.0)),
                0,
                0.0,
                person.expires,
            )
            for c in chosen
        ]
        request = make_request(catalog, person.tier, today=TODAY, **person.inputs())
        passed, earned = dict(request.passed), request.earned
        rules = catalog.tiers[person.tier].paths
        assert any(meets(candidates, rule, earned, passed) for rule in rules), person.id
    for f, fund in enumerate(roster.funds):
        assert solution.fund_paid.get(f, 0.0) <= fund.amount * 100 * catalog.rate(fund.currency) + 1


def test_pricing_takes_the_cheapest_exams_and_the_cheapest_cover() -> None:
    day = dt.date(2027, 6, 1)
    a = Candidate("a", False, None, 30, 0, 0.0, day)
    b = Candidate("b", False, None, 20, 0, 0.0, day)
    c = Candidate("c", False, None, 20, 0, 0.0, day)
    e1 = Candidate("e1", True, "core", 0, 0, 0.0, day)
    e2 = Candidate("e2", True, "core", 0, 0, 0.0, day)
    rules = [PathRule(credits=40), PathRule(credits=10, exams={"core": 1})]
    cost = {"a": 5.0, "b": 2.0, "c": 2.5, "e1": 9.0, "e2": 3.0}
    assert price([a, b, c, e1, e2], rules, 0.0, {}, cost) == (4.5, ["b", "c"])
    cost["e2"] = 0.5  # the exam path: e2 and the cheapest 10 credits (b)
    assert price([a, b, c, e1, e2], rules, 0.0, {}, cost) == (2.5, ["b", "e2"])
    assert price([a], [PathRule(credits=40)], 0.0, {}, cost) is None


def test_the_example_team_gets_the_single_models_values() -> None:
    catalog = ceplan.load_catalog()
    roster = untimed(ceplan.load_roster(EXAMPLE, catalog=catalog, today="2026-11-29"))
    today = dt.date(2026, 11, 29)
    solution = solve_by_columns(catalog, roster, today=today)
    model = build_team(catalog, roster, today=today)
    single = solve_team(model)
    priority, out_of_pocket, hours = solution.stages
    assert priority.proved and priority.value == single.priority == 16
    assert out_of_pocket.value == single.out_of_pocket
    assert out_of_pocket.bound <= single.out_of_pocket
    check_rules(solution, catalog, roster)


@settings(max_examples=examples(60), deadline=None)
@given(teams(most_people=4))
def test_each_stage_brackets_the_single_models_optimum(team: tuple[ceplan.Catalog, Roster]) -> None:
    """Priority found <= the optimum <= its bound; once a stage equals the optimum, the next
    stage's bound is a lower bound on the next optimum and its value is no better than it."""
    catalog, roster = team
    solution = solve_by_columns(catalog, roster, today=TODAY)
    model = build_team(catalog, roster, today=TODAY)
    single = solve_team(model)
    assert single.status == "optimal"
    optimum = {
        "priority": single.priority,
        "out_of_pocket": single.out_of_pocket,
        "hours": float(pulp.value(model.hours) or 0.0) / model.hours_scale,
    }
    tolerance = 0.01  # each optimum is a whole number; the single model's is read to ~1e-6
    for stage in solution.stages:
        best = optimum[stage.name]
        if stage.name == "hours":  # in hours, each side from its own steps
            best *= solution.hours_scale
        if stage.name == "priority":
            assert stage.value <= best + tolerance and best <= stage.bound + tolerance
        else:
            assert stage.bound <= best + tolerance and stage.value >= best - tolerance
        assert 0.0 <= stage.gap <= 1.0
        if stage.proved:
            assert abs(stage.value - best) < tolerance
        if abs(stage.value - best) >= tolerance:
            break  # the later stages hold another value: nothing to compare
    check_rules(solution, catalog, roster)


# -- the whole plan by columns (ceplan/planning/columns.py, plan_team(method="columns")) ------


def by_columns(catalog: ceplan.Catalog, roster: Roster) -> ByColumns:
    from ceplan.planning.team import _alone_plans

    request = make_team_request(catalog, roster, today=TODAY)
    alone = _alone_plans(request, Deadline(), "auto")
    return plan_by_columns(request, make_solver("highs"), Deadline(), alone)


@settings(max_examples=examples(60), deadline=None)
@given(teams(most_people=4))
def test_a_plan_by_columns_keeps_every_rule_and_matches_the_single_model_where_proved(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    """Every rule of SPEC 7 (the single model's independent checker), irredundant plans, and:
    the priority renewed never above the optimum; a plan called optimal has the single model's
    priority, out-of-pocket spend and hours; one not called optimal names a stage, its gap."""
    catalog, roster = team
    found = by_columns(catalog, roster)
    solution = found.solution
    check(solution, catalog, roster)
    check_irredundant(solution, catalog, roster)
    model = build_team(catalog, roster, today=TODAY)
    single = solve_team(model)
    assert solution.priority <= single.priority + 1e-6
    hours = sum(t.hours for taken in solution.taken.values() for t in taken)
    single_hours = sum(t.hours for taken in single.taken.values() for t in taken)
    if solution.status == "optimal":
        assert solution.priority == pytest.approx(single.priority)
        assert solution.out_of_pocket == pytest.approx(single.out_of_pocket, abs=0.01)
        assert hours == pytest.approx(single_hours)
    else:
        assert solution.stopped_in in ("out_of_pocket", "hours", "priority")
        assert solution.gap is not None and 0.0 < solution.gap <= 1.0


@settings(max_examples=examples(40), deadline=None)
@given(teams(ample=True))
def test_by_columns_with_ample_budgets_everyone_gets_their_one_person_plan(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    catalog, roster = team
    solution = by_columns(catalog, roster).solution
    check(solution, catalog, roster)
    for person in roster.people:
        own = ceplan.optimise(catalog, person.tier, today=TODAY, **person.inputs())
        assert solution.renews[person.id] == (own.status == "optimal")
        taken = solution.taken[person.id]
        if own.status == "optimal":
            assert sorted(t.item for t in taken) == sorted(own.items["id"])
            dates = {t.item: (t.start, t.finish, t.complete_by) for t in taken}
            assert dates == {
                item.id: (item.start, item.finish, item.complete_by) for item in own.planned
            }


def test_plan_team_by_columns_says_what_is_proved(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = ceplan.load_catalog()
    roster = untimed(ceplan.load_roster(EXAMPLE, catalog=catalog, today="2026-11-29"))
    plan = ceplan.plan_team(catalog, roster, today="2026-11-29", method="columns")
    single = ceplan.plan_team(catalog, roster, today="2026-11-29")
    assert plan.out_of_pocket == single.out_of_pocket and not plan.at_risk
    verdict = plan.verdict
    assert verdict.proven[0] == "priority"
    if verdict.status != "optimal":
        assert verdict.stopped_in == "out_of_pocket" and verdict.gap is not None
    with pytest.raises(ceplan.PlanInputError, match="method must be one of auto, single, columns"):
        ceplan.plan_team(catalog, roster, today="2026-11-29", method="fast")


def test_the_team_command_plans_by_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    import yaml

    from ceplan.cli.main import main

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for person in data["people"]:
        person.pop("hours_per_week", None)
        person.pop("unavailable", None)
    roster = tmp_path / "team.yaml"
    roster.write_text(yaml.safe_dump(data), encoding="utf-8")
    argv = ["team", str(roster), "--today", "2026-11-29", "--format", "json"]
    assert main([*argv, "--method", "columns"]) == 0
    by_columns = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    single = json.loads(capsys.readouterr().out)
    assert by_columns["totals"] == single["totals"]
    assert by_columns["proven"][0] == "priority"


@settings(max_examples=examples(30), deadline=None)
@given(teams(most_people=4))
def test_a_plan_by_columns_out_of_time_keeps_every_rule_and_claims_nothing(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    """With no time at all: still a plan that keeps every rule, never called optimal unless
    every stage was proved anyway (a team with nothing to choose), and said to be stopped."""
    from ceplan.planning.team import _alone_plans

    catalog, roster = team
    request = make_team_request(catalog, roster, today=TODAY)
    alone = _alone_plans(request, Deadline(), "auto")
    found = plan_by_columns(request, make_solver("highs"), Deadline(0.0), alone)
    solution = found.solution
    check(solution, catalog, roster)
    check_irredundant(solution, catalog, roster)
    if solution.status == "optimal":
        assert all(stage.proved for stage in found.stages)
    else:
        assert solution.termination == "time_limit" or solution.stopped_in is not None


def test_the_same_plan_whatever_the_number_of_workers() -> None:
    """Workers plan people alone side by side; the JSON is byte for byte the same."""
    from tests.generators import catalog_data, roster_data

    catalog = ceplan.Catalog.model_validate(catalog_data(120, 0))
    data = roster_data(12)
    for budget in data["budgets"]:
        budget["amount"] = 800  # 5 of the 12 are planned alone, side by side
    roster = Roster.model_validate(data)
    one = ceplan.plan_team(catalog, roster, today=TODAY, method="columns")
    two = ceplan.plan_team(catalog, roster, today=TODAY, method="columns", workers=2)
    assert one.to_json() == two.to_json()
    with pytest.raises(ceplan.PlanInputError, match="workers must be from 1 to 256, not 0"):
        ceplan.plan_team(catalog, roster, today=TODAY, method="columns", workers=0)
    with pytest.raises(ceplan.PlanInputError, match="only with method 'columns'"):
        ceplan.plan_team(catalog, roster, today=TODAY, method="single", workers=2)


def test_the_command_with_workers_gives_the_same_plan(tmp_path: Path) -> None:
    """``python -m ceplan`` started again in each worker must not run the command again."""
    import subprocess
    import sys

    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for person in data["people"]:
        person.pop("hours_per_week", None)
        person.pop("unavailable", None)
    roster = tmp_path / "team.yaml"
    roster.write_text(yaml.safe_dump(data), encoding="utf-8")
    argv = [sys.executable, "-m", "ceplan", "team", str(roster), "--today", "2026-11-29"]
    argv += ["--format", "json", "--method", "columns"]
    runs = [
        subprocess.run([*argv, "--workers", n], capture_output=True, text=True, check=False)
        for n in ("1", "2")
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[1].stderr
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.startswith("{")


def test_a_plan_by_columns_says_each_stages_value_and_bound_in_numbers_and_words() -> None:
    catalog = ceplan.load_catalog()
    roster = untimed(ceplan.load_roster(EXAMPLE, catalog=catalog, today="2026-11-29"))
    plan = ceplan.plan_team(catalog, roster, today="2026-11-29", method="columns")
    single = ceplan.plan_team(catalog, roster, today="2026-11-29")
    priority, money, hours = plan.bounds
    assert (priority.name, money.name, hours.name) == ("priority", "out_of_pocket", "hours")
    assert priority.proved and priority.value == priority.bound == 16
    assert money.value == plan.out_of_pocket == single.out_of_pocket
    assert money.bound is not None and money.bound <= single.out_of_pocket
    data = plan.to_dict()["bounds"]
    assert [stage["stage"] for stage in data] == ["priority", "out_of_pocket", "hours"]
    text = "\n".join(plan.lines())
    if not money.proved:
        assert f"no plan spends less than {money.bound:,.2f} GBP" in text
    assert single.bounds == () and single.to_dict()["bounds"] == []


@settings(max_examples=examples(40), deadline=None)
@given(teams(most_people=4))
def test_every_bound_a_plan_by_columns_gives_holds(team: tuple[ceplan.Catalog, Roster]) -> None:
    """Against the single model's proved optimum: the priority renewed is at most its bound;
    with the same priority, the least spend is at least the spend's bound."""
    catalog, roster = team
    plan = ceplan.plan_team(catalog, roster, today=TODAY, method="columns")
    single = ceplan.plan_team(catalog, roster, today=TODAY)
    priority, money, _ = plan.bounds
    best = float(sum(o.priority for o in single.outcomes if o.renews))
    assert priority.bound is not None and best <= priority.bound + 1e-6
    assert priority.value <= best + 1e-6
    if priority.value == best and money.bound is not None:
        assert money.bound <= single.out_of_pocket + 0.01 and money.value >= money.bound - 0.01
    for stage in plan.bounds:
        if stage.proved:
            assert stage.bound == pytest.approx(stage.value, abs=0.01)


@settings(max_examples=examples(30), deadline=None)
@given(teams(most_people=4))
def test_a_person_whose_column_cannot_be_settled_in_place_is_planned_from_scratch(
    team: tuple[ceplan.Catalog, Roster],
) -> None:
    """When a column is not among the ways of the person's own model (an item it never needs),
    the person is planned alone from scratch: the plan still keeps every rule, and is no worse
    in the stages than settling in place."""
    import ceplan.planning.columns as columns

    catalog, roster = team
    settled = by_columns(catalog, roster).solution
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "settle_alone", lambda *args: None)
        patch.setattr(columns, "settle_column", lambda *args: None)
        scratch = by_columns(catalog, roster).solution
    check(scratch, catalog, roster)
    check_irredundant(scratch, catalog, roster)
    assert scratch.priority == settled.priority
    assert scratch.out_of_pocket <= settled.out_of_pocket + 0.01


def test_a_dask_cluster_gives_the_same_plan_as_this_machine() -> None:
    """Dask's distributed scheduler, started here as a LocalCluster of two worker processes:
    by its address or its client, the plan is byte for byte the one made in this process."""
    distributed = pytest.importorskip("distributed")
    from tests.generators import catalog_data, roster_data

    catalog = ceplan.Catalog.model_validate(catalog_data(120, 0))
    data = roster_data(12)
    for budget in data["budgets"]:
        budget["amount"] = 800  # 5 of the 12 are planned alone, side by side
    roster = Roster.model_validate(data)
    here = ceplan.plan_team(catalog, roster, today=TODAY, method="columns").to_json()
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        by_address = ceplan.plan_team(
            catalog, roster, today=TODAY, method="columns", scheduler=cluster.scheduler_address
        )
        with distributed.Client(cluster) as client:
            by_client = ceplan.plan_team(
                catalog, roster, today=TODAY, method="columns", scheduler=client
            )
    assert by_address.to_json() == here == by_client.to_json()
    with pytest.raises(ceplan.PlanInputError, match="not both"):
        ceplan.plan_team(catalog, roster, method="columns", workers=2, scheduler="tcp://x:1")
    with pytest.raises(ceplan.PlanInputError, match="an address or a distributed.Client"):
        ceplan.plan_team(catalog, roster, method="columns", scheduler=8786)


def test_the_side_by_side_tests_plan_several_people_alone() -> None:
    """The instance of the workers' and Dask's tests sends several people to the workers
    (with one, nothing would be sent: the tests would check nothing)."""
    from tests.generators import catalog_data, roster_data

    catalog = ceplan.Catalog.model_validate(catalog_data(120, 0))
    data = roster_data(12)
    for budget in data["budgets"]:
        budget["amount"] = 800
    lines: list[str] = []
    roster = Roster.model_validate(data)
    ceplan.plan_team(catalog, roster, today=TODAY, method="columns", progress=lines.append)
    assert "each person alone: 5 of 12 to settle" in lines


def test_people_alike_but_for_the_sessions_they_can_reach_pay_each_their_own_price() -> None:
    """Two people whose usable items have the same ids and ways to pay, but not the same
    price: the later one can reach the cheaper session. Each is priced, and pays, their own."""
    import datetime as dt

    from tests.test_team_model import catalog_of, roster_of

    course = {
        "id": "ilt",
        "title": "Instructor-led",
        "type": "instructor-led",
        "credits": 64,
        "cost": 3995,
        "sessions": [
            {"start": dt.date(2027, 2, 1), "end": dt.date(2027, 2, 5)},
            {"start": dt.date(2027, 3, 8), "end": dt.date(2027, 3, 12), "cost": 3595},
        ],
    }
    catalog = catalog_of([course], [], [{"credits": 64}])
    people = [
        {"id": "early", "name": "E", "tier": "pro", "expires": dt.date(2027, 2, 28)},
        {"id": "late", "name": "L", "tier": "pro", "expires": dt.date(2027, 6, 30)},
    ]
    roster = roster_of(people, [10_000, 10_000])
    found = by_columns(catalog, roster)
    solution = found.solution
    # (The single model's checker prices an item at its own cost, not its sessions'.)
    check_irredundant(solution, catalog, roster)
    money = next(stage for stage in found.stages if stage.name == "out_of_pocket")
    assert money.value == 3995_00 + 3595_00  # what the master counted for them
    for person in roster.people:
        own = ceplan.optimise(catalog, person.tier, today=TODAY, **person.inputs())
        (taken,) = solution.taken[person.id]
        assert taken.cents == round(own.total_cost * 100), person.id
    assert solution.out_of_pocket == 3995_00 + 3595_00
