"""A team is solved by the solver asked for, and its plan says how far it is proved (verdict)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ceplan
from ceplan.cli.main import main
from ceplan.objective import TEAM
from ceplan.solving.backends import HighsSolver, Solver
from ceplan.status import Run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "team.yaml"
TODAY = "2026-11-29"
NAMES = tuple(stage.name for stage in TEAM)


class Counting(Solver):
    """HiGHS, counting its calls; call number ``stop_at`` ends as a time limit would."""

    name = "counting"

    def __init__(self, stop_at: int | None = None) -> None:
        super().__init__(None)
        self.highs, self.calls, self.stop_at = HighsSolver(), 0, stop_at

    def run(self, problem: Any, seconds: Any, gap: float, *args: Any, **kwargs: Any) -> Run:
        run = self.highs.run(problem, seconds, gap, *args, **kwargs)
        self.calls += 1
        if self.calls == self.stop_at and run.status == "optimal":
            return Run("feasible", "time_limit", run.objective, run.bound)
        return run


@pytest.fixture(scope="module")
def catalog() -> ceplan.Catalog:
    return ceplan.load_catalog()


@pytest.fixture(scope="module")
def roster(catalog: ceplan.Catalog) -> ceplan.Roster:
    return ceplan.load_roster(EXAMPLE, catalog=catalog, today=TODAY)


@pytest.fixture(scope="module")
def highs_plan(catalog: ceplan.Catalog, roster: ceplan.Roster) -> ceplan.TeamPlan:
    return ceplan.plan_team(catalog, roster, today=TODAY)


def without_solver(plan: ceplan.TeamPlan) -> dict[str, Any]:
    data = plan.to_dict()
    data.pop("solver")
    return data


def test_every_stage_of_a_team_is_solved_by_the_solver_given(
    catalog: ceplan.Catalog, roster: ceplan.Roster, highs_plan: ceplan.TeamPlan
) -> None:
    solver = Counting()
    plan = ceplan.plan_team(catalog, roster, today=TODAY, solver=solver)
    assert solver.calls >= 3  # at least priority, out-of-pocket and hours
    assert plan.solver == "counting" and highs_plan.solver == "highs"
    assert without_solver(plan) == without_solver(highs_plan)


def test_cbc_plans_the_team_as_highs_does(
    catalog: ceplan.Catalog, roster: ceplan.Roster, highs_plan: ceplan.TeamPlan
) -> None:
    """The same value in every stage of the order. Not always the same plan: the order has no
    rule between two people in a tie (SPEC 7), and this team has one (Mei and Noah, same
    priority, either may take the course the fund pays for while the other sits an exam)."""
    plan = ceplan.plan_team(catalog, roster, today=TODAY, solver="cbc")
    assert plan.solver == "cbc" and plan.status == "optimal"
    cbc, highs = plan.to_dict(), highs_plan.to_dict()
    for part in ("totals", "budgets", "funds"):
        assert cbc[part] == highs[part], part
    assert plan.people["hours"].sum() == highs_plan.people["hours"].sum()
    assert [o.renews for o in plan.outcomes] == [o.renews for o in highs_plan.outcomes]


def test_an_unknown_solver_is_refused_before_any_work(
    catalog: ceplan.Catalog, roster: ceplan.Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ceplan.planning.team as planning

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the model was built")

    monkeypatch.setattr(planning, "build_team", never)
    with pytest.raises(ceplan.SolverError, match="unknown solver 'gurobi'"):
        ceplan.plan_team(catalog, roster, today=TODAY, solver="gurobi")
    with pytest.raises(ceplan.SolverError, match="solver must be one of"):
        ceplan.what_if(catalog, roster, today=TODAY, solver=3)


def test_the_team_command_takes_a_solver(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["team", str(EXAMPLE), "--today", TODAY, "--format", "json"]
    assert main([*argv, "--solver", "cbc"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["solver"] == "cbc" and data["status"] == "optimal"
    assert data["proven"] == list(NAMES)
    assert main([*argv, "--solver", "gurobi"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'gurobi'" in err and len(err.splitlines()) == 1


def test_an_optimal_team_plan_has_every_stage_proved(highs_plan: ceplan.TeamPlan) -> None:
    verdict = highs_plan.verdict
    assert (verdict.status, verdict.termination, verdict.gap) == ("optimal", "solved", 0.0)
    assert verdict.proven == NAMES and verdict.stopped_in is None and verdict.found
    assert highs_plan.to_dict()["proven"] == list(NAMES)


@pytest.mark.parametrize(("stop_at", "stage"), [(2, "out_of_pocket"), (3, "hours")])
def test_a_stopped_team_plan_proves_only_the_stages_before_the_stop(
    catalog: ceplan.Catalog, roster: ceplan.Roster, stop_at: int, stage: str
) -> None:
    """Call 1 settles the priority, call 2 the out-of-pocket spend, call 3 the hours (the
    example team has no weekly hours, so no call is repeated for their rows)."""
    plan = ceplan.plan_team(catalog, roster, today=TODAY, solver=Counting(stop_at))
    verdict = plan.verdict
    assert (verdict.status, verdict.termination, verdict.stopped_in) == (
        "feasible",
        "time_limit",
        stage,
    )
    assert verdict.proven == NAMES[: NAMES.index(stage)]
    assert plan.to_dict()["proven"] == list(verdict.proven)
