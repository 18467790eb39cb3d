"""Long team runs explained (SPEC 7, issue 15 item 7): progress for every phase, and a plan not
proved best saying, in words, which objectives are proven and whether more time could change
who renews."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import re

import pytest

import ceplan
import ceplan.solving.progress as progress_module
from ceplan.objective import TEAM
from ceplan.results.team import StageBound, TeamPlan
from ceplan.solving.progress import LEAST_SECONDS, MOST_SECONDS, Progress
from ceplan.units import format_money
from tests import generators
from tests.test_team_reasons import example_team

TODAY = "2026-11-29"
SUBJECTS = {
    "priority": "the priority renewed",
    "out_of_pocket": "out-of-pocket spend",
    "hours": "hours",
    "renewal": "renewal dates",
    "ids": "each person's tie-break",
}
EVERY = (
    "every objective is proven: the priority renewed, out-of-pocket spend, hours, renewal dates "
    "and each person's tie-break"
)

SETTLED = "more time would not change who renews"
SAME_TOTAL = (
    "more time would not renew more priority, but could renew others of the same total priority"
)


def said_alike(plan: TeamPlan) -> None:
    """The one rule of the words, as the table, the JSON and the verdict each show it.

    Each objective of the team's order, in order: proven when the verdict proves it, not
    proven otherwise (those past the stage the search stopped in said together); then more
    time would not change who renews exactly when every stage that settles it is proven (by
    columns the first three, else the first four), and renews no more priority when the
    priority stage is.
    """
    proof, proven = plan.proof, plan.verdict.proven
    assert plan.explanation == f"{plan.status_words}: {'; '.join(proof)}"
    assert plan.to_dict()["explanation"] == plan.explanation
    head = plan.lines()[0]
    assert head.startswith(f"Team {plan.team}: {plan.status_words}: ")
    if plan.status == "optimal":
        assert plan.status_words == "optimal" and proof == (EVERY,)
        assert plan.lines()[2] == ""  # the table says nothing more
        return
    assert plan.lines()[2 : 2 + len(proof)] == [f"  {clause}" for clause in proof]
    if not plan.verdict.found:
        assert proof == ("no plan was found", "more time could find one")
        return
    rest = list(proof[:-1])
    for stage in TEAM:
        subject = SUBJECTS[stage.name]
        if stage.name in proven:
            clause = rest.pop(0)
            assert re.match(rf"{subject} (is|are) proven\b", clause), clause
        elif stage.name == plan.stopped_in:
            clause = rest.pop(0)
            assert re.match(rf"{subject} (is|are) not proven\b", clause), clause
        else:
            assert subject in rest[-1] and rest[-1].endswith(" not proven"), rest
    settles = [stage.name for stage in TEAM[: 3 if plan.method == "columns" else 4]]
    if set(settles) <= set(proven):
        assert proof[-1] == SETTLED
    elif "priority" in proven:
        assert proof[-1] == SAME_TOTAL
    elif plan.termination == "time_limit":
        assert proof[-1] == "more time could change who renews"
    else:
        assert proof[-1] == "a plan that renews more priority may exist"


@functools.cache
def cut_plan() -> TeamPlan:
    """The example team's plan at 30% of its budgets: 9 of 12 renew."""
    return ceplan.plan_team(*example_team(0.3), today=TODAY)


def stopped(
    status: str,
    termination: str,
    stopped_in: str | None,
    gap: float | None,
    bounds: tuple[StageBound, ...] = (),
) -> TeamPlan:
    """The example team's plan (at 30% of its budgets, 9 of 12 renewing), as a search stopped
    as given would leave it."""
    return dataclasses.replace(
        cut_plan(),
        status=status,
        termination=termination,
        stopped_in=stopped_in,
        gap=gap,
        bounds=bounds,
    )


# -- the words ------------------------------------------------------------------------------------


def test_a_plan_stopped_in_the_priority_stage_says_more_time_could_change_who_renews() -> None:
    plan = stopped("feasible", "time_limit", "priority", 0.2914)
    assert plan.status_words == "feasible (time limit in the priority stage)"
    assert plan.proof == (
        "the priority renewed is not proven the most (9 of 12 renew, within 29.14% of the best "
        "bound)",
        "out-of-pocket spend, hours, renewal dates and each person's tie-break are not proven",
        "more time could change who renews",
    )
    assert plan.summary().startswith("feasible (time limit in the priority stage): 9 of 12 renew")
    said_alike(plan)


def test_the_priority_proven_and_the_money_not_says_more_time_renews_no_more_priority() -> None:
    """The spend stage holds only the total priority: more time could renew other people of
    the same total, at less cost."""
    bounds = (
        StageBound("priority", 12.0, 12.0, True),
        StageBound("out_of_pocket", 1501.0, 1486.78, False),
        StageBound("hours", 136.0, 130.0, False),
    )
    plan = stopped("feasible", "time_limit", "out_of_pocket", 0.0095, bounds)
    out = format_money(plan.out_of_pocket, "GBP")
    assert plan.status_words == "feasible (time limit in the out-of-pocket stage)"
    assert plan.proof == (
        "the priority renewed is proven the most (9 of 12 renew)",
        f"out-of-pocket spend is not proven the least ({out}, and no plan spends less than "
        "1,486.78 GBP: a gap of 0.95%)",
        "hours, renewal dates and each person's tie-break are not proven",
        SAME_TOTAL,
    )
    said_alike(plan)


def test_the_hours_not_proven_after_the_money_is_said_with_their_gap() -> None:
    plan = stopped("feasible", "time_limit", "hours", 0.032)
    hours = sum(o.hours for o in plan.outcomes if o.renews)
    assert plan.proof[1:3] == (
        f"out-of-pocket spend is proven the least ({format_money(plan.out_of_pocket, 'GBP')})",
        f"hours are not proven the fewest ({hours:g} hours, within 3.20% of the best bound)",
    )
    assert plan.proof[3:] == (
        "renewal dates and each person's tie-break are not proven",
        SAME_TOTAL,
    )
    said_alike(plan)


def test_who_renews_is_settled_with_every_stage_before_the_tie_break_proven() -> None:
    """The single model settles who renews in its first four stages, columns in their first
    three (each person is then settled alone)."""
    single = stopped("feasible", "time_limit", "renewal", 0.01)
    assert single.proof[-1] == SAME_TOTAL
    said_alike(single)
    columns = dataclasses.replace(single, method="columns")
    assert columns.proof[-1] == SETTLED
    said_alike(columns)


def test_a_tie_break_left_unsettled_is_the_only_objective_not_proven() -> None:
    plan = stopped("feasible", "time_limit", "ids", 0.0)
    assert plan.status_words == "feasible (time limit in the tie-break stage)"
    assert plan.proof[3:] == (
        "renewal dates are proven the latest",
        "each person's tie-break is not proven (some people keep the plan the earlier stages "
        "gave them)",
        SETTLED,
    )
    said_alike(plan)


def test_who_renews_not_proven_without_a_time_limit_is_not_blamed_on_time() -> None:
    """Planning by columns stops at counted limits (branches, rounds), not the clock."""
    plan = stopped("feasible", "solved", "priority", None)
    assert plan.status_words == "feasible (not proven in the priority stage)"
    assert plan.proof[0] == (
        "the priority renewed is not proven the most (9 of 12 renew, no bound known)"
    )
    assert plan.proof[-1] == "a plan that renews more priority may exist"
    said_alike(plan)


def test_no_plan_in_time_says_so() -> None:
    plan = stopped("unknown", "time_limit", "building the model", None)
    assert plan.explanation == (
        "unknown (time limit while building the model): no plan was found; more time could find one"
    )
    said_alike(plan)


def test_an_optimal_plan_says_every_objective_is_proven_and_its_table_nothing_more() -> None:
    catalog = ceplan.load_catalog()
    plan = ceplan.plan_team(catalog, ceplan.load_roster("examples/team.yaml"), today=TODAY)
    assert plan.status == "optimal"
    assert plan.explanation == f"optimal: {EVERY}"
    assert plan.lines()[0].startswith("Team Network engineering: optimal: 12 of 12 renew")
    said_alike(plan)


# -- the words of real runs -----------------------------------------------------------------------


def test_a_plan_by_columns_with_the_spend_not_proven_says_the_priority_is() -> None:
    """The example team at 30% of its budgets, by columns: the priority renewed is proven, the
    least spend is not (the columns' bound falls short by 14.22 GBP); no limit stopped it."""
    plan = ceplan.plan_team(*example_team(0.3), today=TODAY, method="columns")
    assert plan.status == "feasible" and plan.termination == "solved"
    assert plan.status_words == "feasible (not proven in the out-of-pocket stage)"
    assert plan.proof[0] == "the priority renewed is proven the most (9 of 12 renew)"
    assert plan.proof[1].startswith("out-of-pocket spend is not proven the least (")
    assert plan.proof[-1] == SAME_TOTAL
    said_alike(plan)


def test_a_renewal_before_the_do_by_date_leaves_only_the_renewal_dates_not_proven() -> None:
    """One person with weekly hours whose only course expires months before their do-by date
    (tests/test_columns_timed.py): by columns, stage 4 is not proved."""
    from tests.test_team_model import catalog_of, roster_of

    course = {"id": "a0", "title": "A0", "type": "course", "credits": 6, "cost": 50, "hours": 2}
    catalog = catalog_of([course | {"expires": dt.date(2027, 2, 1)}])
    person = {"id": "p0", "name": "P0", "tier": "pro", "expires": dt.date(2027, 6, 30)}
    roster = roster_of([person | {"hours_per_week": 1.0}], [10**6, 10**6])
    plan = ceplan.plan_team(catalog, roster, today=TODAY, method="columns")
    assert plan.status_words == "feasible (not proven in the renewal stage)"
    assert [clause.split(" (")[0] for clause in plan.proof] == [
        "the priority renewed is proven the most",
        "out-of-pocket spend is proven the least",
        "hours are proven the fewest",
        "renewal dates are not proven the latest",
        "each person's tie-break is not proven",
        SETTLED,
    ]
    said_alike(plan)


def test_a_time_limited_run_says_what_it_proved_wherever_the_limit_stops_it() -> None:
    """Half a second for a team whose first stage alone takes about a minute to prove: the
    limit stops it somewhere (building the model, or a stage), and the words follow the rule."""
    catalog = ceplan.Catalog.model_validate(generators.catalog_data(500, 0))
    data = generators.roster_data(40)
    for budget in data["budgets"]:
        budget["amount"] = 800
    roster = ceplan.Roster.model_validate(data)
    plan = ceplan.plan_team(catalog, roster, today=generators.TODAY, time_limit=0.5)
    assert plan.status != "optimal" and plan.termination == "time_limit"
    said_alike(plan)


# -- progress -------------------------------------------------------------------------------------


def every_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line of repeated work said, however soon after the one before."""
    monkeypatch.setattr(progress_module, "LEAST_SECONDS", 0.0)
    monkeypatch.setattr(progress_module, "MOST_SECONDS", 0.0)


def in_order(lines: list[str], expected: list[str]) -> None:
    """Each of ``expected`` begins a line, in that order (other lines between)."""
    rest = iter(enumerate(lines))
    for start in expected:
        assert any(line.startswith(start) for _, line in rest), (start, lines)


@pytest.mark.parametrize("method", ["single", "columns"])
def test_progress_never_changes_the_plan(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog, roster = example_team(0.3)
    quiet = ceplan.plan_team(catalog, roster, today=TODAY, method=method)
    lines: list[str] = []
    told = ceplan.plan_team(catalog, roster, today=TODAY, method=method, progress=lines.append)
    every_tick(monkeypatch)
    many: list[str] = []
    ticked = ceplan.plan_team(catalog, roster, today=TODAY, method=method, progress=many.append)
    assert quiet.to_json() == told.to_json() == ticked.to_json()
    assert quiet.at_risk and len(many) > len(lines) > 10


def test_progress_tells_every_phase_of_the_single_model(monkeypatch: pytest.MonkeyPatch) -> None:
    every_tick(monkeypatch)
    lines: list[str] = []
    ceplan.plan_team(*example_team(0.3), today=TODAY, method="single", progress=lines.append)
    stages = [
        f"stage {n} of 5 ({name})"
        for n, name in enumerate(["priority", "out of pocket", "hours", "renewal", "ids"], 1)
    ]
    in_order(
        lines,
        [
            "planning 12 people, 2 budget periods and 1 fund by the single model (read in ",
            "the single model: building it",
            "the single model: built in ",
            *itertools.chain.from_iterable(
                (f"{stage}: solving", f"{stage}: optimal in ") for stage in stages[:4]
            ),
            "stage 5 of 5 (ids): each person's tie-break",
            "stage 5 of 5 (ids): 0 of 9 people settled",
            "stage 5 of 5 (ids): optimal in ",
            "reasons: 3 people at risk",
            "reasons: 0 of 3 people at risk: their own plans",
            "reasons: 0 of 3 people at risk: the money that would renew them",
            "reasons: the money that would renew the 3 given a figure, all together",
            "reasons: 0 of 3 people at risk: ties checked",
            "reasons: done in ",
        ],
    )


def test_progress_tells_every_phase_of_the_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    every_tick(monkeypatch)
    lines: list[str] = []
    ceplan.plan_team(*example_team(0.3), today=TODAY, method="columns", progress=lines.append)
    in_order(
        lines,
        [
            "planning 12 people, 2 budget periods and 1 fund by columns",
            "candidates: each person's usable items, 10 kinds of plan to price",
            "stage 1 of 5 (priority): column generation",
            "stage 1 of 5 (priority): round 1, ",
            "stage 1 of 5 (priority): integer programme over ",
            "stage 1 of 5 (priority): repair: ",
            "stage 1 of 5 (priority): branching: 12 priority renewed, no more than 13 possible",
            "stage 1 of 5 (priority): branch 1 of at most 1,000",
            "stage 1 of 5 (priority): 12 priority renewed, proved, in ",
            "stage 2 of 5 (out of pocket): column generation",
            "stage 2 of 5 (out of pocket): 1,501.00 GBP, gap 0.95%, in ",
            "stage 3 of 5 (hours): column generation",
            "stage 3 of 5 (hours): 136 hours, proved, in ",
            "each person alone: 9 renewing",
            "each person alone: 0 of 12 looked at",
            "each person alone: 6 of 9 to settle",
            "each person alone: 0 of 6 settled",
            "each person alone: done in ",
            "reasons: 3 people at risk",
            "reasons: 0 of 3 people at risk: the money that would renew them",
            "reasons: done in ",
        ],
    )


def test_progress_is_tens_of_lines_not_one_per_round() -> None:
    """A team of 100 with budgets that bind, by columns: every phase is told once it begins
    and once it ends, and repeated work at most every few seconds."""
    made = generators.organisation(100, 0, "tight")
    catalog = ceplan.Catalog.model_validate(made.catalog)
    roster = ceplan.Roster.model_validate(made.roster)
    lines: list[str] = []
    plan = ceplan.plan_team(
        catalog, roster, today=generators.TODAY, method="columns", progress=lines.append
    )
    assert plan.at_risk and any(line.startswith("reasons: ") for line in lines)
    assert 10 <= len(lines) <= 40, lines


def test_repeated_work_is_told_every_few_seconds_then_every_minute() -> None:
    """A phase of a quarter of an hour, ticking every tenth of a second: about twenty lines,
    never two within :data:`LEAST_SECONDS`, never more than :data:`MOST_SECONDS` apart."""
    clock = [0.0]
    said: list[tuple[float, str]] = []
    progress = Progress(lambda line: said.append((clock[0], line)), clock=lambda: clock[0])
    progress("begins")
    for tenth in range(1, 9001):
        clock[0] = tenth / 10
        progress.tick(f"{tenth}")
    times = [when for when, _ in said]
    apart = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert 15 <= len(said) <= 30
    assert min(apart) >= LEAST_SECONDS and max(apart) <= MOST_SECONDS + 0.1
    assert 900.0 - times[-1] <= MOST_SECONDS
    progress("ends")  # a new phase: told again after a few seconds
    clock[0] += LEAST_SECONDS
    progress.tick(lambda: "soon")
    assert said[-1] == (905.0, "soon")


def test_no_progress_asked_is_nothing_said_and_nothing_timed() -> None:
    def never() -> float:
        raise AssertionError("the clock is read only to say lines")

    progress = Progress(None, clock=never)
    progress("begins")
    progress.part("stage").tick("round 1")
    assert not progress.shown
