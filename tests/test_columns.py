"""The team's first stages by column generation (ceplan/solving/columns.py) against the
single team model, itself checked against an exhaustive search (tests/test_team_model.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pulp
from hypothesis import given, settings

import ceplan
from ceplan.candidates.items import Candidate, meets
from ceplan.catalogue.models import PathRule
from ceplan.model.team import build_team
from ceplan.requests.person import make_request
from ceplan.roster.models import Roster
from ceplan.solving.columns import ColumnsSolution, price, solve_by_columns
from ceplan.solving.team import solve_team
from tests.conftest import examples
from tests.test_team_model import TODAY, teams

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
        chosen = [items[i] for i, _ in column.items]
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
