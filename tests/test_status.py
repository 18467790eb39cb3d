"""Honest status: the solver's status, why it stopped and the gap are kept apart.

A solver stand-in stops on purpose at a chosen call (as a time limit would), so that every
branch is exercised deterministically; real time limits, a solver that writes a garbage
answer and degenerate catalogues are tried too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulp
import pytest

import ceplan
from ceplan.cli.main import EXIT_UNKNOWN, main
from ceplan.solving.backends import HighsSolver, Solver
from ceplan.status import Run
from tests.conftest import TODAY, catalog_data, make_catalog

EXPIRES = dt.date(2027, 6, 30)


def act(item_id: str, credits: float, cost: float, hours: float = 0.0) -> dict[str, Any]:
    return {
        "id": item_id,
        "title": item_id,
        "type": "course",
        "credits": credits,
        "cost": cost,
        "hours": hours,
    }


class StopsAt(Solver):
    """HiGHS, except that call number ``at`` (from 1) stops as a limit would.

    With ``keep`` the stopped call keeps the plan HiGHS found (status ``feasible``) and
    reports ``bound``; otherwise it reports no plan (status ``unknown``). With ``sleep`` the
    stopped call first waits that long, so that a time limit for the whole call runs out.
    """

    name = "stops-at"

    def __init__(
        self,
        at: int,
        *,
        keep: bool = True,
        termination: str = "time_limit",
        bound: float | None = None,
        sleep: float = 0.0,
    ) -> None:
        super().__init__()
        self.inner = HighsSolver()
        self.at, self.keep, self.termination, self.bound = at, keep, termination, bound
        self.sleep = sleep
        self.calls = 0

    def run(
        self,
        problem: pulp.LpProblem,
        seconds: float | None,
        gap: float,
        start: Mapping[str, float] | None = None,
    ) -> Run:
        self.calls += 1
        run = self.inner.run(problem, seconds, gap, start)
        if self.calls != self.at:
            return run
        time.sleep(self.sleep)
        if self.keep and run.status == "optimal":
            return Run("feasible", self.termination, run.objective, self.bound)  # type: ignore[arg-type]
        for var in problem.variables():
            var.varValue = None
        return Run("unknown", self.termination)  # type: ignore[arg-type]


def tied_catalog() -> ceplan.Catalog:
    """80 credits needed; every plan worth having costs 20.00, so each tie-break stage runs.

    ``a`` (40 credits, 5 h), ``b`` (40, 4 h), ``d`` (41, 4 h), ``e`` (42, 4 h) cost 10.00
    each; ``c`` (80 credits, 9 h) costs 20.00; ``x`` is dearer. Cost: {a,b}, {a,d}, {a,e},
    {b,d}, {b,e}, {d,e}, {c}; hours (8): {b,d}, {b,e}, {d,e}; ids: {b, d}.
    """
    activities = [
        act("a", 40, 10, hours=5),
        act("b", 40, 10, hours=4),
        act("c", 80, 20, hours=9),
        act("d", 41, 10, hours=4),
        act("e", 42, 10, hours=4),
        act("x", 80, 50, hours=1),
    ]
    return make_catalog(activities=activities, paths=[{"credits": 80}])


def plan_with(solver: Solver | str, **inputs: Any) -> ceplan.Plan:
    return ceplan.optimise(
        tied_catalog(), "pro", today=TODAY, expires=EXPIRES, solver=solver, **inputs
    )


def test_an_unhindered_solve_is_optimal_and_solved() -> None:
    plan = plan_with("highs")
    assert (plan.status, plan.termination, plan.gap) == ("optimal", "solved", 0.0)
    assert plan.proven == ("cost", "hours", "count", "ids")
    assert [item.id for item in plan.planned] == ["b", "d"]
    assert plan.warnings == ()


def test_a_limit_in_the_cost_stage_gives_a_plan_not_proven_cheapest_with_its_gap() -> None:
    """The first call stops with a plan of 20.00 and a bound of 15.00: gap 25%."""
    plan = plan_with(StopsAt(1, bound=1500.0))
    assert (plan.status, plan.termination) == ("feasible", "time_limit")
    assert plan.gap == pytest.approx(0.25)
    assert plan.proven == ()
    assert plan.found and plan.total_cost == 20.0
    assert any("not proven cheapest" in w and "25.00%" in w for w in plan.warnings), plan.warnings
    out = plan.to_dict()
    assert (out["status"], out["termination"], out["gap"]) == ("feasible", "time_limit", 0.25)


def test_every_stage_of_the_tied_catalogue_takes_a_solve() -> None:
    solver = StopsAt(0)
    plan_with(solver)
    assert solver.calls >= 6  # cost, unique?, hours, count, unique?, ids


@pytest.mark.parametrize(
    ("at", "keep", "proven"),
    [
        (2, False, ("cost",)),  # is the cheapest plan the only one? (no answer)
        (3, True, ("cost",)),  # hours
        (4, True, ("cost", "hours")),  # count
        (5, False, ("cost", "hours", "count")),  # is it the only one left? (no answer)
        (6, True, ("cost", "hours", "count")),  # ids
    ],
)
def test_a_limit_in_a_tie_break_stage_keeps_the_best_plan_found(
    at: int, keep: bool, proven: tuple[str, ...]
) -> None:
    """Call 1 proves the cost; a later call stops as the time limit runs out. The plan is the
    best found so far: proved cheapest, valid, never lost, and marked not proven best."""
    plan = plan_with(StopsAt(at, keep=keep, sleep=0.5), time_limit=0.5)
    assert (plan.status, plan.termination, plan.gap) == ("feasible", "time_limit", 0.0)
    assert plan.proven == proven
    assert plan.total_cost == 20.0
    if "hours" in proven:
        assert plan.total_hours == 8.0
    if "count" in proven:
        assert len(plan.planned) == 2
    assert any("cost is proven least" in w for w in plan.warnings), plan.warnings
    unsettled = {
        ("cost",): "the fewest hours, then the fewest items, then the smallest ids in sort order",
        ("cost", "hours"): "the fewest items, then the smallest ids in sort order",
        ("cost", "hours", "count"): "the smallest ids in sort order",
    }[proven]
    assert any(w.endswith(f"before settling the ties ({unsettled})") for w in plan.warnings)
    credits = sum(item.credits for item in plan.planned)
    assert credits >= 80 and all(item.id != "x" for item in plan.planned)


@pytest.mark.parametrize("at", [2, 5])
def test_a_check_for_other_plans_that_gives_up_early_leaves_the_ties_to_the_stages(
    at: int,
) -> None:
    """Proving that a plan is the only one left gets a share of the time, not all of it: when
    that check stops without an answer and the call still has time, the tie-break stages run
    and the plan is proved best all the same."""
    plan = plan_with(StopsAt(at, keep=False))
    assert (plan.status, plan.termination, plan.gap) == ("optimal", "solved", 0.0)
    assert plan.proven == ("cost", "hours", "count", "ids")
    assert [item.id for item in plan.planned] == ["b", "d"]


def test_the_verdict_is_the_plans_status_record_with_the_stage_it_stopped_in() -> None:
    """One record: status, termination, gap, the stages proved and where the search stopped
    (the first stage not proved), for every way a plan can end; the JSON is left as it was."""
    from ceplan.status import Verdict

    cases = [
        (plan_with("highs"), Verdict("optimal", "solved", 0.0, ("cost", "hours", "count", "ids"))),
        (plan_with(StopsAt(1, bound=1500.0)), Verdict("feasible", "time_limit", 0.25, (), "cost")),
        (
            plan_with(StopsAt(4, keep=True, sleep=0.5), time_limit=0.5),
            Verdict("feasible", "time_limit", 0.0, ("cost", "hours"), "count"),
        ),
        (
            plan_with(StopsAt(2, keep=False), hours_per_week=10),
            Verdict("feasible", "time_limit", 0.0, ("cost",), "hours"),
        ),
        (plan_with(StopsAt(1, keep=False)), Verdict("unknown", "time_limit", None, (), "cost")),
        (plan_with("highs", budget=1), Verdict("infeasible", "solved", None, ())),
    ]
    for plan, verdict in cases:
        assert plan.verdict == verdict
        assert plan.verdict.found == plan.found == (plan.status in ("optimal", "feasible"))
        out = plan.to_dict()
        assert (out["status"], out["termination"]) == (verdict.status, verdict.termination)
        assert "stopped_in" not in out and "proven" not in out


def test_no_plan_before_the_limit_is_unknown_not_infeasible() -> None:
    plan = plan_with(StopsAt(1, keep=False))
    assert (plan.status, plan.termination, plan.gap) == ("unknown", "time_limit", None)
    assert not plan.found and plan.planned == ()
    (reason,) = plan.reasons
    assert reason.startswith("no plan was found before the time limit")


def test_a_solver_that_stops_on_its_own_is_not_said_to_hit_a_time_limit() -> None:
    plan = plan_with(StopsAt(1, keep=False, termination="solver_stopped"))
    assert (plan.status, plan.termination) == ("unknown", "solver_stopped")
    assert "time limit" not in plan.reasons[0]


def test_the_command_line_exits_3_when_no_plan_was_found_in_time(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        "ceplan.solving.backends.make_solver", lambda solver: StopsAt(1, keep=False)
    )
    argv = ["optimise", "--tier", "professional", "--today", "2026-11-29", "--solver", "highs"]
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == EXIT_UNKNOWN == 3
    assert json.loads(out)["status"] == "unknown"
    assert err == ""


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_tiny_time_limit_still_gives_a_plan(
    solver: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Ten equal items and 0.01 s: exit 0 with a plan, never "the solver lost the plan"."""
    path = tmp_path / "tied.yaml"
    import yaml

    path.write_text(
        yaml.safe_dump(
            catalog_data(
                activities=[act(f"c{n:02d}", 40, 10, hours=5) for n in range(10)],
                paths=[{"credits": 80}],
            )
        )
    )
    argv = ["optimise", "--catalog", str(path), "--tier", "pro", "--today", "2026-11-29"]
    code = main([*argv, "--time-limit", "0.01", "--solver", solver, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    plan = json.loads(out)
    assert plan["status"] in ("optimal", "feasible") and len(plan["activities"]) == 2
    if plan["status"] == "feasible":
        assert plan["termination"] == "time_limit"


def test_a_solver_that_writes_a_garbage_answer_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 'cbc' that writes nonsense where its solution should be: exit 2, one line."""
    fake = tmp_path / "cbc"
    fake.write_text(
        "#!/bin/sh\n"
        'while [ "$#" -gt 0 ]; do\n'
        '  if [ "$1" = "-solution" ]; then printf "garbage\\nmore garbage here\\n" > "$2"; fi\n'
        "  shift\n"
        "done\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr("ceplan.solving.backends._cbc_path", lambda: str(fake))
    code = main(["optimise", "--tier", "professional", "--today", "2026-11-29", "--solver", "cbc"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("ceplan: error: the solver"), err
    assert "Traceback" not in err


def test_degenerate_catalogues_do_not_stall() -> None:
    """300 free activities: equal ones, and ones of 1 to 8 credits with no hours.

    Equal items: the plan is the 40 smallest ids. Mixed credits: the fewest items (the
    largest credits), then the smallest ids among them.
    """
    equal = make_catalog(
        activities=[act(f"a{n:03d}", 2, 0, hours=1) for n in range(300)],
        paths=[{"credits": 80}],
    )
    plan = ceplan.optimise(equal, "pro", today=TODAY, expires=EXPIRES, time_limit=60)
    assert plan.status == "optimal"
    assert [item.id for item in plan.planned] == [f"a{n:03d}" for n in range(40)]
    mixed = make_catalog(
        activities=[act(f"b{n:03d}", 1 + n % 8, 0) for n in range(300)],
        paths=[{"credits": 80}],
    )
    plan = ceplan.optimise(mixed, "pro", today=TODAY, expires=EXPIRES, time_limit=60)
    assert plan.status == "optimal"
    # 10 items of 8 credits: those are b007, b015, ... (n % 8 == 7); the first ten of them.
    assert [item.id for item in plan.planned] == [f"b{n:03d}" for n in range(7, 80, 8)]


def test_time_limit_is_checked_like_any_number() -> None:
    with pytest.raises(ceplan.PlanInputError, match="time_limit"):
        plan_with("highs", time_limit=0)
    with pytest.raises(ceplan.PlanInputError, match="time_limit"):
        plan_with("highs", time_limit="10")


def test_an_unknown_solver_name_or_object_is_a_ceplan_error() -> None:
    with pytest.raises(ceplan.SolverError, match="unknown solver 'gurobi'"):
        plan_with("gurobi")
    with pytest.raises(ceplan.SolverError, match="PuLP solver"):
        plan_with(object())  # type: ignore[arg-type]


def test_a_pulp_solver_object_is_used_as_is() -> None:
    plan = plan_with(pulp.HiGHS(msg=False))
    assert plan.status == "optimal"
    assert [item.id for item in plan.planned] == ["b", "d"]


class Recording(pulp.HiGHS):  # type: ignore[misc]
    """PuLP's HiGHS, noting the time limit and gaps of each solve it is asked for."""

    def __init__(self, seen: list[tuple[float | None, float | None, float | None]]) -> None:
        super().__init__(msg=False)
        self.seen = seen

    def actualSolve(self, lp: pulp.LpProblem, **kwargs: Any) -> int:
        self.seen.append((self.timeLimit, self.gapRel, self.gapAbs))
        return int(super().actualSolve(lp, **kwargs))


@pytest.mark.parametrize("limit", [None, 30.0])
def test_a_pulp_solver_object_gets_the_time_left_and_no_relative_gap(limit: float | None) -> None:
    """Before, a PuLP solver object ran as it came: no time limit (a slow model ran to the end
    whatever ``time_limit`` said) and its own relative gap. Each solve now runs a copy with
    the time left and a relative gap of 0; the object given is left as it was."""
    seen: list[tuple[float | None, float | None, float | None]] = []
    solver = Recording(seen)
    plan = plan_with(solver, time_limit=limit)
    assert plan.status == "optimal" and [item.id for item in plan.planned] == ["b", "d"]
    assert len(seen) >= 6  # the tied catalogue takes every stage
    first = seen[0][0]  # the cheapest plan: all the time there is
    assert first is None if limit is None else first == pytest.approx(limit, abs=5)
    for seconds, relative, absolute in seen:
        assert (relative, absolute) == (0.0, 0.5)
        if limit is not None:
            assert seconds is not None and 0 < seconds <= limit
    # Proving the plan is the only one left gets a share of the time, limit or not.
    assert any(seconds is not None and seconds < 1 for seconds, _, _ in seen)
    assert (solver.timeLimit, solver.gapRel, solver.gapAbs) == (None, None, None)


def test_a_pulp_solver_objects_own_time_limit_is_kept_when_shorter() -> None:
    seen: list[tuple[float | None, float | None, float | None]] = []
    solver = Recording(seen)
    solver.timeLimit = 20.0
    for limit in (60, None):
        seen.clear()
        plan_with(solver, time_limit=limit)
        assert seen[0][0] == 20.0
        assert all(seconds is not None and seconds <= 20.0 for seconds, _, _ in seen)
    assert solver.timeLimit == 20.0


def subset_sum_catalog() -> ceplan.Catalog:
    """16 courses whose prices are their credits (1,000 to 10,000) plus 10 cents: close to a
    subset-sum problem, where a plan a few cents dearer is within 0.01% of the cheapest."""
    rng = random.Random(9)
    credits = [rng.randint(1000, 10000) for _ in range(16)]
    activities = [act(f"a{n:02d}", c, (c + 10) / 100) for n, c in enumerate(credits)]
    return make_catalog(activities=activities, paths=[{"credits": sum(credits) // 2}])


def test_a_pulp_solver_object_finds_the_cheapest_plan() -> None:
    """PuLP's HiGHS stops at a relative gap of 0.01% by default: with it as it came, ceplan
    called a plan of 459.01 optimal where one of 458.98 exists."""
    catalog = subset_sum_catalog()
    inputs: dict[str, Any] = {"today": TODAY, "expires": EXPIRES}
    exact = ceplan.optimise(catalog, "pro", **inputs)
    assert exact.solver == "dp" and exact.total_cost == 458.98
    plan = ceplan.optimise(catalog, "pro", solver=pulp.HiGHS(msg=False), **inputs)
    assert (plan.status, plan.total_cost) == ("optimal", 458.98)
    assert {**plan.to_dict(), "solver": None} == {**exact.to_dict(), "solver": None}


def test_no_stray_files_are_left_by_cbc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    plan = plan_with("cbc")
    assert plan.status == "optimal"
    assert [p for p in os.listdir(tmp_path) if p.startswith("ceplan-")] == []


def test_a_plan_met_on_the_way_is_kept_when_the_time_runs_out() -> None:
    """Over time, the cheapest plan without the weekly limit is found first (call 1): it fits,
    so when the main search (call 2) finds nothing in time, that plan is given, its cost proved
    least, instead of "unknown"."""
    plan = plan_with(StopsAt(2, keep=False), hours_per_week=10)
    assert (plan.status, plan.termination, plan.gap, plan.proven) == (
        "feasible",
        "time_limit",
        0.0,
        ("cost",),
    )
    assert plan.total_cost == 20.0 and plan.found
    assert plan.renewal_date is not None


def test_an_answer_over_the_budget_is_refused() -> None:
    """A PuLP solver that says "optimal" for taking everything: over the budget, so refused."""

    class TakesEverything(pulp.LpSolver):  # type: ignore[misc]
        def available(self) -> bool:
            return True

        def actualSolve(self, lp: pulp.LpProblem, **kwargs: Any) -> int:
            for var in lp.variables():
                var.varValue = 1 if var.name in ("take_x", "choose_path_0") else 0
            lp.assignStatus(pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible)
            return int(lp.status)

    with pytest.raises(ceplan.SolverError, match="breaks the planning rules"):
        plan_with(TakesEverything(), budget=30)
