"""One person's block of the model, alone or beside others (ceplan/model/block.py).

A team problem is made of one block per person plus shared rows. A block must be the
one-person model under other names, never collide with another block, and, given a ``renew``
variable, either meet a path (renew = 1) or take nothing (renew = 0). Its parts are fixed once
built; only its own methods add to what it records of the rows it has added.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pulp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceplan.candidates.items import Candidate, meets
from ceplan.catalogue.models import PathRule
from ceplan.model.block import (
    BlockOptions,
    Formulation,
    Placement,
    add_person,
    build_formulation,
)
from ceplan.weeks import Calendar
from tests.conftest import examples

DAY = dt.date(2027, 6, 30)
PATHS = {0: PathRule(credits=8), 1: PathRule(credits=4, exams={"core": 1})}


def item(n: int, credits: float, cents: int, *, exam: bool = False) -> Candidate:
    return Candidate(
        f"{'e' if exam else 'a'}{n}", exam, "core" if exam else None, credits, cents, 1.0, DAY
    )


ITEMS = st.lists(
    st.tuples(st.sampled_from([1.0, 2.0, 4.0, 8.0]), st.integers(0, 900), st.booleans()),
    min_size=1,
    max_size=7,
).map(lambda rows: [item(n, c, cents, exam=e) for n, (c, cents, e) in enumerate(rows)])


def lp_text(problem: pulp.LpProblem, folder: Path, name: str) -> str:
    """The problem as an LP file, its words alone (PuLP wraps long lines where it likes)."""
    path = folder / f"{name}.lp"
    problem.writeLP(str(path))
    return " ".join(path.read_text().split())


def test_a_block_is_the_one_person_model_under_its_prefix(tmp_path: Path) -> None:
    items = [item(1, 4, 100), item(2, 8, 300), item(3, 0, 200, exam=True)]
    options = BlockOptions(earned=1, passed={})
    alone = build_formulation(items, PATHS, options)
    problem = pulp.LpProblem("ceplan_renewal", pulp.LpMinimize)
    block = add_person(problem, items, PATHS, options, Placement(prefix="ann__"))
    problem.setObjective(block.cost)
    prefixed = lp_text(problem, tmp_path, "prefixed")
    assert "ann__take_a1" in prefixed
    assert prefixed.replace("ann__", "") == lp_text(alone.problem, tmp_path, "alone")


def test_blocks_side_by_side_never_share_a_name() -> None:
    items = [item(1, 4, 100), item(2, 8, 300), item(3, 0, 200, exam=True)]
    problem = pulp.LpProblem("team", pulp.LpMinimize)
    used: set[str] = set()
    blocks = []
    for person in ("ann", "bo", "ann_"):  # "ann_" + "_take" must not meet "ann" + "__take"
        renew = problem.add_variable(f"renew_{person}", 0, 1, cat=pulp.LpBinary)
        place = Placement(prefix=f"{person}__", renew=renew, used=used)
        blocks.append(add_person(problem, items, PATHS, place=place))
    names = [v.name for v in problem.variables()]
    assert len(names) == len(set(names)) == 3 * (len(items) + len(PATHS) + 1)
    rows = [row.name for row in problem.constraints()]
    alone = build_formulation(items, PATHS).problem.constraints()
    assert len(rows) == len(set(rows)) == 3 * (len(alone) + 1)  # each adds "only_if_renewed"
    assert len(blocks) == 3


def solve(problem: pulp.LpProblem) -> None:
    status = problem.solve(pulp.HiGHS(msg=False))
    assert pulp.LpStatus[status] == "Optimal"


@settings(max_examples=examples(60))
@given(ITEMS, ITEMS, st.integers(0, 2000))
def test_a_shared_budget_renews_whom_it_can_and_the_others_take_nothing(
    first: list[Candidate], second: list[Candidate], budget: int
) -> None:
    """Two people, one shared budget, renewing as many as possible at the least cost: the
    answer equals the best of every pair of item sets (a search written from the rules)."""
    problem = pulp.LpProblem("team", pulp.LpMaximize)
    used: set[str] = set()
    blocks = []
    for person, items in (("p1", first), ("p2", second)):
        renew = problem.add_variable(f"renew_{person}", 0, 1, cat=pulp.LpBinary)
        place = Placement(prefix=f"{person}__", renew=renew, used=used)
        blocks.append(add_person(problem, items, PATHS, place=place))
    problem += pulp.lpSum(b.cost for b in blocks) <= budget, "budget"
    # More people renewed first, then less money: renewing is worth more than any cost.
    weight = 1 + sum(c.cents for c in first + second)
    problem.setObjective(pulp.lpSum(weight * b.renew - b.cost for b in blocks))
    solve(problem)

    def options(items: list[Candidate]) -> list[tuple[int, int]]:
        """(renewed, cents) of every set of items: renewing needs a path met."""
        found = [(0, 0)]
        for size in range(1, len(items) + 1):
            for chosen in itertools.combinations(items, size):
                if any(meets(chosen, rule, 0.0, {}) for rule in PATHS.values()):
                    found.append((1, sum(c.cents for c in chosen)))
        return found

    best = max(
        (a[0] + b[0], -(a[1] + b[1]))
        for a in options(first)
        for b in options(second)
        if a[1] + b[1] <= budget
    )
    renewed = sum(round(b.renew.value()) for b in blocks)
    spent = sum(round(pulp.value(b.cost) or 0) for b in blocks)
    assert (renewed, -spent) == best
    for b in blocks:
        taken = [i for i, var in b.take.items() if round(var.value()) == 1]
        if round(b.renew.value()) == 0:
            assert taken == []
        else:
            assert any(b.meets(taken, p) for p in PATHS)


@pytest.mark.parametrize("renewed", [0, 1])
def test_a_block_told_to_renew_or_not_obeys(renewed: int) -> None:
    items = [item(1, 4, 100), item(2, 8, 300), item(3, 0, 250, exam=True)]
    problem = pulp.LpProblem("team", pulp.LpMinimize)
    renew = problem.add_variable("renew", 0, 1, cat=pulp.LpBinary)
    problem += renew == renewed, "told"  # PuLP resets a binary's bounds to 0..1
    block = add_person(problem, items, PATHS, place=Placement(prefix="x__", renew=renew))
    problem.setObjective(block.cost)
    solve(problem)
    taken = sorted(i for i, var in block.take.items() if round(var.value()) == 1)
    assert taken == (["a2"] if renewed else [])


# -- a block under a weekly limit: what it records of the rows it adds ----------------------------

START = dt.date(2027, 1, 4)


def timed_block() -> Formulation:
    """Two self-paced items of 5 hours, one open all along and one from February: 3 runs."""
    calendar = Calendar(START, DAY, hours_per_week=3)
    items = [
        Candidate("a1", False, None, 4, 100, 5.0, DAY),
        Candidate("a2", False, None, 4, 100, 5.0, dt.date(2027, 3, 1), first=dt.date(2027, 2, 1)),
    ]
    return build_formulation(items, {0: PathRule(credits=8)}, BlockOptions(calendar=calendar))


def row_names(problem: pulp.LpProblem) -> list[str]:
    return [row.name for row in problem.constraints()]


def test_one_options_record_builds_the_same_rows_alone_and_in_a_team(tmp_path: Path) -> None:
    """Every option (a calendar with free weekly hours, a budget, exams passed, items not
    taken in id order) reaches both entry points the same way."""
    items = [item(1, 4, 100), item(2, 4, 100), item(3, 8, 300), item(4, 0, 200, exam=True)]
    options = BlockOptions(
        earned=1,
        passed={"core": 1},
        budget_cents=350,
        calendar=Calendar(START, DAY, hours_per_week=3),
        weekly_hours_free=True,
        interchangeable=False,
    )
    alone = build_formulation(items, PATHS, options)
    problem = pulp.LpProblem("ceplan_renewal", pulp.LpMinimize)
    block = add_person(problem, items, PATHS, options, Placement(prefix="ann__"))
    problem.setObjective(block.cost)
    assert block.weekly_hours is not None and block.budget_cents == 350
    assert not any(name.startswith("ann__same_") for name in row_names(problem))
    prefixed = lp_text(problem, tmp_path, "prefixed")
    assert prefixed.replace("ann__", "") == lp_text(alone.problem, tmp_path, "alone")


def test_a_stretch_asked_for_twice_has_one_row() -> None:
    block = timed_block()
    problem = block.problem
    before = len(row_names(problem))
    block.add_stretch(0, 1)
    block.add_stretch(0, 1)
    assert len(row_names(problem)) == before + 1
    assert "hours_runs_0_1" in row_names(problem)
    assert block.stretches == {(0, 1)}


def test_renewal_markers_add_the_stretches_rows_again_with_their_hours() -> None:
    block = timed_block()
    problem = block.problem
    assert block.weekly is not None and len(block.weekly.capacity) == 3
    block.add_stretch(0, 2)
    block.add_stretch(1, 1)
    assert block.markers == ()
    block.add_renewal(START)
    rows = {row.name: row for row in problem.constraints()}
    assert {"hours_runs_0_2_marked", "hours_runs_1_1_marked"} <= rows.keys()
    # a1 (window: every run) finishing in run 1 does some of its hours there; a2's hours count
    # in run 1 already, marked or not.
    finishing = {m.variable for m in block.markers if m.run == 1 and m.span == (0, 2)}
    assert len(finishing) == 1
    assert finishing <= set(dict(rows["hours_runs_1_1_marked"].items()))
    assert not finishing & set(dict(rows["hours_runs_1_1"].items()))
    assert block.stretches == {(0, 2), (1, 1)}


@pytest.mark.parametrize(
    "part",
    ["problem", "take", "choose_path", "candidates", "paths", "earned", "passed", "weekly"]
    + ["weekly_hours", "hours_per_week", "budget_cents", "cost", "hours", "hours_scale"]
    + ["count", "prefix", "renew", "used", "stretches", "markers"],
)
def test_a_blocks_parts_cannot_be_reassigned(part: str) -> None:
    block = timed_block()
    with pytest.raises(AttributeError):
        setattr(block, part, {})


def test_what_a_block_records_grows_only_through_its_methods() -> None:
    """The stretches and markers read from a block are copies: only the block adds to them."""
    block = timed_block()
    stretches, markers = block.stretches, block.markers
    with pytest.raises(AttributeError):
        stretches.add((1, 1))  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        markers.append(markers)  # type: ignore[attr-defined]
    block.add_stretch(1, 1)
    block.add_renewal(START)
    assert (stretches, markers) == (frozenset(), ())
    assert block.stretches == {(1, 1)} and block.markers
