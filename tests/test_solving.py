"""The model's structure (no solve) and the tie-break stages on hand-made ties."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.candidates.items import Candidate, shrink
from ceplan.catalogue.models import PathRule
from ceplan.model.block import BlockOptions, build_formulation
from tests.conftest import examples
from tests.generators import market_split

from .conftest import TODAY, make_catalog


def candidate(item_id: str, credits: float = 0, *, kind: str | None = None) -> Candidate:
    return Candidate(
        id=item_id,
        is_exam=kind is not None,
        kind=kind,
        credits=credits,
        cents=100,
        hours=1.0,
        do_by=TODAY,
    )


def test_constraint_families_are_named_from_the_data() -> None:
    formulation = build_formulation(
        [candidate("course.a", 10), candidate("encor", kind="core")],
        {0: PathRule(credits=80), 1: PathRule(credits=40, exams={"core": 1})},
        BlockOptions(budget_cents=150),
    )
    names = {c.name for c in formulation.problem.constraints()}
    assert names == {"one_path", "credits_needed", "exam_kind_core", "exams_needed_core", "budget"}
    assert set(formulation.take) == {"course.a", "encor"}
    assert {v.name for v in formulation.take.values()} == {"take_course_a", "take_encor"}
    assert set(formulation.choose_path) == {0, 1}


def test_the_model_has_no_budget_row_without_a_budget() -> None:
    formulation = build_formulation([candidate("a", 1)], {0: PathRule(credits=1)})
    assert "budget" not in {c.name for c in formulation.problem.constraints()}


def test_a_budget_no_plan_can_reach_adds_no_row() -> None:
    """Two items of 1.00 each: a budget of 2.00 or more cannot bind."""
    paths = {0: PathRule(credits=1)}
    for cents, row in ((199, True), (200, False), (10**20, False)):
        items = [candidate("a", 1), candidate("b", 1)]
        formulation = build_formulation(items, paths, BlockOptions(budget_cents=cents))
        assert ("budget" in {c.name for c in formulation.problem.constraints()}) == row, cents


def test_interchangeable_items_are_taken_in_id_order() -> None:
    """``a1``..``a3`` differ only in their ids: rows ``take[a1] >= take[a2] >= take[a3]``."""
    items = [candidate("a3", 5), candidate("a1", 5), candidate("a2", 5), candidate("b", 6)]
    formulation = build_formulation(items, {0: PathRule(credits=10)})
    rows = {c.name: c for c in formulation.problem.constraints()}
    assert {name for name in rows if name.startswith("same_")} == {"same_a2", "same_a3"}
    take = formulation.take
    assert dict(rows["same_a2"].items()) == {take["a1"]: 1, take["a2"]: -1}
    assert dict(rows["same_a3"].items()) == {take["a2"]: 1, take["a3"]: -1}


def test_irredundancy_rows_limit_exams_and_activities_to_what_the_path_needs() -> None:
    """Earned 80 meets the 80-credit path's credits: on it, no activity and no exam."""
    formulation = build_formulation(
        [candidate("course", 10), candidate("encor", kind="core")],
        {0: PathRule(credits=80), 1: PathRule(credits=40, exams={"core": 1})},
        BlockOptions(earned=80),
    )
    rows = {c.name: c for c in formulation.problem.constraints()}
    take, path = formulation.take, formulation.choose_path
    assert dict(rows["exams_needed_core"].items()) == {take["encor"]: 1, path[1]: -1}
    assert rows["exams_needed_core"].constant == 0
    assert dict(rows["activities_needed"].items()) == {take["course"]: 1, path[0]: 1, path[1]: 1}


def activity(item_id: str, credits: float, cost: float, hours: float) -> dict[str, object]:
    return {
        "id": item_id,
        "title": item_id,
        "type": "course",
        "credits": credits,
        "cost": cost,
        "hours": hours,
    }


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_fewer_items_win_a_tie_on_cost_and_hours(solver: str) -> None:
    """Four free items, hours = credits, 4 credits needed.

    {b-two-1, b-two-2} and {a-one-1, a-one-2, b-two-x} both cost 0 and take 4 hours; the
    two-item plan wins on item count. (Once broken: the count tie was held with a relative
    slack, which let a three-item plan through and then lost the path.)
    """
    catalog = make_catalog(
        activities=[
            activity("a-one-1", 1, 0, 1),
            activity("a-one-2", 1, 0, 1),
            activity("b-two-1", 2, 0, 2),
            activity("b-two-2", 2, 0, 2),
        ],
        paths=[{"credits": 4}],
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY, solver=solver)
    assert plan.status == "optimal"
    assert [item.id for item in plan.planned] == ["b-two-1", "b-two-2"]


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_smallest_ids_win_a_full_tie(solver: str) -> None:
    """Five equal items, 2 needed: the plan is the two smallest ids in sort order."""
    catalog = make_catalog(
        activities=[activity(f"item-{n}", 1, 5, 1) for n in (4, 2, 9, 3, 7)],
        paths=[{"credits": 2}],
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY, solver=solver)
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(10)
    assert [item.id for item in plan.planned] == ["item-2", "item-3"]


def test_sorted_ids_compare_element_by_element() -> None:
    """Equal items a, b, c, z; 2 needed: without b the plan is [a, c], without a it is [b, c]."""
    catalog = make_catalog(
        activities=[
            activity("a", 1, 1, 1),
            activity("z", 1, 1, 1),
            activity("b", 1, 1, 1),
            activity("c", 1, 1, 1),
        ],
        paths=[{"credits": 2}],
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY, exclude=["b"])
    assert [item.id for item in plan.planned] == ["a", "c"]
    plan = ceplan.optimise(catalog, "pro", today=TODAY, exclude=["a"])
    assert [item.id for item in plan.planned] == ["b", "c"]


def test_budget_reason_survives_ties() -> None:
    """Priced 1, 1, 2, 2 with hours = credits; the cheapest 4-credit plan costs 4.00."""
    catalog = make_catalog(
        activities=[
            activity("a-one-1", 1, 1, 1),
            activity("a-one-2", 1, 1, 1),
            activity("b-two-1", 2, 2, 2),
            activity("b-two-2", 2, 2, 2),
        ],
        paths=[{"credits": 4}],
    )
    plan = ceplan.optimise(catalog, "pro", today=TODAY, budget=3.99, expires=dt.date(2028, 6, 30))
    assert plan.status == "infeasible"
    assert plan.reasons == ("4 credits: cheapest plan costs 4.00 GBP, budget is 3.99 GBP",)


# -- shrinking the problem keeps the best plan --------------------------------------------------


def best_plan(
    items: list[Candidate], paths: list[PathRule], earned: float, passed: dict[str, int]
) -> tuple[int, float, int, tuple[str, ...]] | None:
    """Exhaustive search: the first plan in the order cost, hours, count, sorted ids."""
    best = None
    for mask in range(1 << len(items)):
        chosen = [c for n, c in enumerate(items) if mask >> n & 1]
        credits = earned + sum(c.credits for c in chosen)
        meets = any(
            credits >= rule.credits - 1e-6
            and all(
                passed.get(kind, 0) + sum(c.kind == kind for c in chosen) >= count
                for kind, count in rule.exams.items()
            )
            for rule in paths
        )
        if meets:
            key = (
                sum(c.cents for c in chosen),
                round(sum(c.hours for c in chosen), 6),
                len(chosen),
                tuple(sorted(c.id for c in chosen)),
            )
            best = key if best is None or key < best else best
    return best


ITEMS = st.lists(
    st.tuples(
        st.booleans(),
        st.sampled_from(["core", "pro"]),
        st.sampled_from([0.25, 1, 2, 3, 5, 8]),
        st.sampled_from([0, 0, 100, 150, 250, 400, 999]),
        st.sampled_from([0, 1, 1, 2, 5]),
    ),
    min_size=1,
    max_size=10,
)
PATHS = st.lists(
    st.tuples(
        st.sampled_from([0, 1, 4, 8, 12]),
        st.dictionaries(st.sampled_from(["core", "pro"]), st.integers(1, 2), max_size=2),
    )
    .filter(lambda pair: bool(pair[0] or pair[1]))
    .map(lambda pair: PathRule(credits=pair[0], exams=pair[1])),
    min_size=1,
    max_size=3,
)


@settings(max_examples=examples(300))
@given(ITEMS, PATHS, st.sampled_from([0, 0, 2.5]), st.sampled_from([{}, {"pro": 1}]))
def test_shrinking_keeps_the_best_plan(
    raw: list[tuple[bool, str, float, int, float]],
    paths: list[PathRule],
    earned: float,
    passed: dict[str, int],
) -> None:
    items = [
        Candidate(
            id=f"i{n:02d}",
            is_exam=is_exam,
            kind=kind if is_exam else None,
            credits=0.0 if is_exam else float(credits),
            cents=cents,
            hours=float(hours),
            do_by=TODAY,
        )
        for n, (is_exam, kind, credits, cents, hours) in enumerate(raw)
    ]
    expected = best_plan(items, paths, earned, passed)
    if expected is None:
        return
    # shrink() is called with the paths that can be met at all, as the planner does.
    open_paths = [rule for rule in paths if best_plan(items, [rule], earned, passed) is not None]
    kept = shrink(items, open_paths, earned, passed)
    assert best_plan(kept, open_paths, earned, passed) == expected


# -- bounds and solver plumbing behind the speed work --------------------------------------------


@settings(max_examples=examples(300))
@given(
    st.lists(st.sampled_from([0.25, 0.5, 1, 2, 3, 5, 8, 10, 20, 40]), min_size=1, max_size=9),
    st.sampled_from([1, 5, 10, 40, 80]),
)
def test_most_at_least_bounds_every_minimal_plan(credits: list[float], need: float) -> None:
    """No plan that every activity is needed in holds more activities of ``c`` credits or more
    than ``most_at_least(c, need)``: checked on every subset of the activities."""
    from itertools import combinations

    from ceplan.candidates.items import most_at_least

    for size in range(1, len(credits) + 1):
        for plan in combinations(credits, size):
            total = sum(plan)
            minimal = total >= need and all(total - c < need for c in plan)
            if not minimal:
                continue
            for c in plan:
                assert sum(1 for other in plan if other >= c) <= most_at_least(c, need)


def test_a_start_changes_nothing_but_the_time() -> None:
    """HiGHS given a feasible, an infeasible, a partial or an unknown start: the same optimum."""
    from itertools import product

    import pulp

    from ceplan.solving.backends import HighsSolver

    credits, cents = [5, 7, 3, 9, 4, 6], [50, 65, 31, 80, 38, 58]
    least = min(
        sum(p * c for p, c in zip(picks, cents, strict=True))
        for picks in product((0, 1), repeat=6)
        if sum(p * c for p, c in zip(picks, credits, strict=True)) >= 15
    )

    def knapsack() -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
        problem = pulp.LpProblem("cover", pulp.LpMinimize)
        x = [problem.add_variable(f"x{i}", 0, 1, cat=pulp.LpBinary) for i in range(6)]
        problem += pulp.lpSum(c * v for c, v in zip(cents, x, strict=True))
        problem += pulp.lpSum(c * v for c, v in zip(credits, x, strict=True)) >= 15
        return problem, x

    results = []
    for start in (
        None,
        {"x0": 1, "x1": 1, "x2": 1},  # feasible (15 credits), not the best
        {"x0": 1.0},  # partial
        {"x0": 0, "x1": 0, "x2": 0, "x3": 0, "x4": 0, "x5": 0},  # infeasible
        {"nothing": 1.0},
    ):
        problem, x = knapsack()
        run = HighsSolver().run(problem, None, 0.5, start)
        results.append((run.status, run.objective, [v.value() for v in x]))
    assert results[0][0] == "optimal" and results[0][1] == least == 138
    assert all(result == results[0] for result in results)


def test_a_deadline_within_seconds_never_outlasts_its_parent() -> None:
    from ceplan.status import Deadline

    unlimited, short = Deadline(), Deadline(0.0)
    assert unlimited.within(5.0).remaining() == pytest.approx(5.0, abs=0.5)
    assert short.within(5.0).expired
    assert Deadline(100.0).within(0.0).expired


def test_a_solve_that_overruns_its_limit_is_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """HiGHS is stopped from outside once past its limit and the grace of ``overdue`` (here
    made 0.3 s): the run says the time limit stopped it. The model is a market-split problem,
    which branch and bound takes far longer than that to prove."""
    import time

    import ceplan.solving.backends as solving

    problem = market_split()
    monkeypatch.setattr(solving, "overdue", lambda seconds: 0.3)
    began = time.perf_counter()
    run = solving.HighsSolver().run(problem, 60.0, 0.0)
    assert time.perf_counter() - began < 10
    assert run.termination == "time_limit" and run.status in ("feasible", "unknown")


def test_a_solve_that_ignores_the_interrupt_is_left_and_called_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When HiGHS does not stop for the interrupt either (here: the interrupt is never sent),
    the run is left to end on its own, ``unknown`` and stopped by the time limit."""
    import time

    import highspy
    import pulp

    import ceplan.solving.backends as solving

    problem = pulp.LpProblem("slow", pulp.LpMinimize)
    x = problem.add_variable("x", 0, 1, cat=pulp.LpBinary)
    problem += x >= 0, "trivial"
    problem.setObjective(x)
    monkeypatch.setattr(solving, "overdue", lambda seconds: 0.0)
    monkeypatch.setattr(solving, "_ABANDON_AFTER", 0.2)
    monkeypatch.setattr(highspy.Highs, "cancelSolve", lambda self: None)
    monkeypatch.setattr(
        highspy.Highs, "wait", lambda self, timeout=-1.0: (time.sleep(0.05), (False, None))[1]
    )
    began = time.perf_counter()
    run = solving.HighsSolver().run(problem, 60.0, 0.0)
    assert time.perf_counter() - began < 5
    assert run == solving.Run("unknown", "time_limit")


@pytest.mark.parametrize(
    ("cost", "credits", "start", "best"),
    [
        ([10, 10, 80, 40, 80, 40], [2, 2, 2, 4, 6, 2], [1, 1, 1, 0, 0, 0], 50),
        ([80, 10, 80, 40, 40, 10], [1, 1, 6, 4, 4, 1], [1, 1, 0, 0, 1, 1], 60),
    ],
)
def test_a_start_never_makes_a_worse_plan_optimal(
    cost: list[int], credits: list[int], start: list[int], best: int
) -> None:
    """Two small covering problems (6 credits at least, least cost) on which HiGHS 1.16, handed
    a feasible start, returned that start as "optimal" while reporting another objective: the
    answer read back through the solve loop (which owns that guard) must have the reported
    objective and be the least cost."""
    import pulp

    from ceplan.solving import loop
    from ceplan.solving.backends import HighsSolver
    from ceplan.status import Deadline

    problem = pulp.LpProblem("cover", pulp.LpMinimize)
    x = [problem.add_variable(f"x{i}", 0, 1, cat=pulp.LpBinary) for i in range(len(cost))]
    problem += pulp.lpSum(c * v for c, v in zip(credits, x, strict=True)) >= 6, "cover"
    problem.setObjective(pulp.lpSum(c * v for c, v in zip(cost, x, strict=True)))
    values = {f"x{i}": float(v) for i, v in enumerate(start)}
    run = loop.solve(problem, [], HighsSolver(), Deadline(), 0.0, start=values, feasible=True)
    assert run.status == "optimal"
    assert pulp.value(problem.objective) == pytest.approx(best)
    assert run.objective == pytest.approx(best)


def test_cbc_is_run_as_pulp_runs_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ceplan starts CBC itself (to stop it when interrupted), with the model file and command
    line that PuLP's ``COIN_CMD`` would give it, so the answers are PuLP's. (Here "CBC" is
    ``false``: both runs fail, after the command line is recorded.)"""
    import subprocess

    import pulp

    from ceplan.solving.backends import CbcSolver, _cbc_path

    problem = pulp.LpProblem("cover", pulp.LpMinimize)
    x = [problem.add_variable(f"x{i}", 0, 1, cat=pulp.LpBinary) for i in range(4)]
    problem += pulp.lpSum((i + 1) * v for i, v in enumerate(x)) >= 4, "cover"
    problem.setObjective(pulp.lpSum((5 - i) * v for i, v in enumerate(x)))
    started: list[tuple[list[str], str]] = []
    real = subprocess.Popen

    def record(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        files = (args[1], args[args.index("-solution") + 1])
        with open(args[1], encoding="utf-8") as model:
            started.append(([a if a not in files else "FILE" for a in args], model.read()))
        return real(["false"], **kwargs)

    monkeypatch.setattr(subprocess, "Popen", record)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where PuLP's failed run leaves its model
    monkeypatch.delenv("TMP", raising=False)
    path = _cbc_path()
    for seconds, gap in ((None, 0.5), (2.5, 0.0)):
        with pytest.raises(pulp.PulpSolverError):
            problem.solve(
                pulp.COIN_CMD(
                    msg=False,
                    path=path,
                    timeLimit=seconds,
                    gapRel=0.0,
                    gapAbs=gap,
                    options=["preprocess off"],
                )
            )
        with pytest.raises(ceplan.SolverError, match="CBC exited with status 1"):
            CbcSolver(path).run(problem, seconds, gap)
    assert len(started) == 4
    assert started[0] == started[1] and started[2] == started[3]
    assert "-sec" not in started[0][0] and started[2][0][2:4] == ["-sec", "2.5"]
