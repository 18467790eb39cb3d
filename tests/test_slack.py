"""Slack before the do-by date (SPEC 6): ``slack_days``, ``--slack-days``, and what it costs.

A plan with ``slack_days=N`` is, by definition, the plan whose do-by date is N days earlier.
Two references say what that plan must be: the exhaustive search of ``test_properties`` (which
imports nothing from ceplan) run with the expiry moved N days earlier, and, for catalogues with
dates and weekly hours beyond its reach, ceplan's own plan for the expiry moved N days earlier.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.cli.main import main
from ceplan.planning.person import optimise_and_compare
from tests import generators
from tests.conftest import examples
from tests.test_properties import TODAY, Scenario, deadline, oracle, scenarios

BUNDLED_TODAY = "2026-12-01"
SHORT = {"today": BUNDLED_TODAY, "expires": "2027-03-01", "earned": 18, "hours_per_week": 1}
"""An associate with 12 credits to earn and 1 study hour a week: the free items (10 hours)
fit before the do-by date 2027-02-22, but not 30 days earlier, where the exam is left."""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli_inputs(inputs: dict[str, Any]) -> list[str]:
    return [
        "--today",
        inputs["today"],
        "--expires",
        inputs["expires"],
        "--earned",
        str(inputs["earned"]),
        "--hours-per-week",
        str(inputs["hours_per_week"]),
    ]


# -- the plan with slack is the plan with the do-by date moved -----------------------------------


def moved(scenario: Scenario, days: int) -> Scenario:
    """``scenario`` with its expiry (given or by default) ``days`` earlier."""
    expires = scenario.inputs["expires"]
    if expires is None:
        expires = TODAY.replace(year=TODAY.year + scenario.data["tiers"]["pro"]["period_years"])
    inputs = {**scenario.inputs, "expires": expires - dt.timedelta(days=days)}
    return Scenario(scenario.data, inputs, scenario.budget_cents)


@settings(max_examples=examples(150))
@given(scenario=scenarios(), slack=st.integers(0, 25))
def test_a_plan_with_slack_is_the_exhaustive_best_for_the_do_by_date_moved(
    scenario: Scenario, slack: int
) -> None:
    plan = ceplan.optimise(scenario.catalog(), "pro", slack_days=slack, **scenario.inputs)
    reference = moved(scenario, slack)
    best = oracle(reference)
    event(f"status: {plan.status}")
    assert plan.slack_days == slack
    assert plan.complete_by == deadline(reference)
    assert plan.do_by_without_slack == deadline(scenario)
    if best is None:
        assert plan.status == "infeasible"
        if TODAY > deadline(scenario):  # too late whatever the slack
            (reason,) = plan.reasons
            assert reason.startswith(
                f"too late: everything must be complete by {deadline(scenario)}"
            )
        elif TODAY > deadline(reference):  # too late because of the slack
            (reason,) = plan.reasons
            assert reason.startswith(
                f"too late for {slack} day{'s' if slack != 1 else ''} of slack: they move the "
                f"do-by date to {deadline(reference)}, {slack} day"
            )
        for reason in plan.reasons:  # a date the slack moved is said to be so
            if slack and f"by {deadline(reference)}" in reason:
                assert f"by {deadline(reference)} (the do-by date moved {slack} day" in reason
        return
    assert plan.status == "optimal"
    assert (round(plan.total_cost * 100), plan.total_hours) == (best.cents, best.hours)
    assert tuple(sorted(item.id for item in plan.planned)) == best.ids
    for item in plan.planned:
        assert item.complete_by <= deadline(reference)
        assert item.finish is not None and item.finish <= deadline(reference)
    if plan.already_met:
        assert plan.slack is None
    else:
        assert plan.renewal_date is not None
        assert plan.slack == (deadline(scenario) - plan.renewal_date).days
        assert plan.slack is not None and plan.slack >= slack


@st.composite
def generated_requests(draw: st.DrawFn) -> tuple[ceplan.Catalog, dict[str, Any], int]:
    """A small generated catalogue (dated items, exams with hours) and a person's inputs."""
    catalog = _generated(draw(st.integers(6, 16)), draw(st.integers(0, 3)))
    inputs = {
        "today": generators.TODAY,
        "expires": generators.TODAY + dt.timedelta(days=draw(st.integers(20, 900))),
        "earned": draw(st.sampled_from([0, 10, 24])),
        "hours_per_week": draw(st.sampled_from([None, None, 3, 8, 20])),
        "processing_days": draw(st.sampled_from([None, 0, 30])),
        "tier": draw(st.sampled_from(["associate", "professional", "ce-only"])),
    }
    if draw(st.booleans()):
        first = generators.TODAY + dt.timedelta(days=draw(st.integers(0, 300)))
        inputs["unavailable"] = [(first, first + dt.timedelta(days=draw(st.integers(0, 60))))]
    return catalog, inputs, draw(st.integers(1, 200))


@cache
def _generated(n: int, seed: int) -> ceplan.Catalog:
    return ceplan.Catalog.model_validate(generators.catalog_data(n, seed))


def _same_plan(plan: ceplan.Plan) -> dict[str, Any]:
    """What a plan decides, apart from its expiry and words."""
    return {
        "status": plan.status,
        "path_index": plan.path_index,
        "planned": plan.planned,
        "complete_by": plan.complete_by,
        "renewal_date": plan.renewal_date,
        "new_expires": plan.new_expires,
        "timeline": plan.timeline_rows,
        "blocked": [
            (b.why, b.path_index, b.hours_per_week_needed, b.cheapest_cost) for b in plan.blocked
        ],
    }


@settings(max_examples=examples(60))
@given(case=generated_requests())
def test_a_plan_with_slack_is_the_plan_for_an_expiry_that_many_days_earlier(
    case: tuple[ceplan.Catalog, dict[str, Any], int],
) -> None:
    catalog, inputs, slack = case
    tier = inputs.pop("tier")
    plan = ceplan.optimise(catalog, tier, slack_days=slack, **inputs)
    event(f"status: {plan.status}, over time: {plan.over_time}")
    earlier = {**inputs, "expires": inputs["expires"] - dt.timedelta(days=slack)}
    reference = ceplan.optimise(catalog, tier, **earlier)
    assert _same_plan(plan) == _same_plan(reference)
    assert plan.expires == inputs["expires"]
    if plan.found and not plan.already_met:
        assert plan.days_given_up == (reference.days_given_up or 0) + slack
        assert plan.slack is not None and plan.slack >= slack


# -- inputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "slack_days must be a whole number >= 0, not -1"),
        (1.5, "slack_days must be a whole number >= 0, not 1.5"),
        ("30", "slack_days must be a whole number >= 0, not '30'"),
        (True, "slack_days must be a whole number >= 0, not True"),
        (3651, "slack_days must be at most 3650 (ten years)"),
    ],
)
@pytest.mark.parametrize(
    "call",
    [
        ceplan.optimise,
        ceplan.compare_paths,
        optimise_and_compare,
        ceplan.compare_slack,
        lambda catalog, tier, **inputs: ceplan.make_request(catalog, tier, **inputs),
    ],
    ids=["optimise", "compare_paths", "optimise_and_compare", "compare_slack", "make_request"],
)
def test_bad_slack_days_are_one_line_naming_the_field(call: Any, value: Any, message: str) -> None:
    with pytest.raises(ceplan.PlanInputError) as caught:
        call(ceplan.load_catalog(), "associate", today=BUNDLED_TODAY, slack_days=value)
    assert str(caught.value) == message


def test_slack_days_accept_numpy_whole_numbers_and_none_is_none() -> None:
    import numpy as np

    catalog = ceplan.load_catalog()
    request = ceplan.make_request(catalog, "associate", today=BUNDLED_TODAY, slack_days=np.int64(3))
    assert (request.slack_days, request.complete_by) == (
        3,
        request.do_by_without_slack - dt.timedelta(days=3),
    )
    assert (
        ceplan.make_request(catalog, "associate", today=BUNDLED_TODAY, slack_days=None).slack_days
        == 0
    )


def test_slack_that_moves_the_do_by_date_off_the_calendar_is_refused() -> None:
    catalog = ceplan.load_catalog()  # 7 processing days
    ceplan.make_request(catalog, "associate", today=BUNDLED_TODAY, expires="0001-01-20")
    with pytest.raises(ceplan.PlanInputError, match="its do-by date, 27 days before, is before"):
        ceplan.make_request(
            catalog, "associate", today=BUNDLED_TODAY, expires="0001-01-20", slack_days=20
        )


# -- what the slack costs ------------------------------------------------------------------------


def test_compare_slack_says_what_finishing_earlier_costs() -> None:
    comparison = ceplan.compare_slack(ceplan.load_catalog(), "associate", slack_days=30, **SHORT)
    plain, safe = comparison.without_slack, comparison.with_slack
    # Without slack: the two free items (4 + 8 credits, 2 + 8 hours) by the do-by date.
    assert [item.id for item in plain.planned] == [
        "example-cisco-live-session",
        "example-exam-item-authoring",
    ]
    assert (plain.renewal_date, plain.slack) == (dt.date(2027, 2, 22), 0)
    # With 30 days of slack, 10 hours no longer fit at 1 a week: the exam (USD 300 at 0.79).
    assert [item.id for item in safe.planned] == ["ccna-200-301"]
    assert (safe.complete_by, safe.renewal_date, safe.slack) == (
        dt.date(2027, 1, 23),
        dt.date(2027, 1, 23),
        30,
    )
    assert (comparison.slack_days, comparison.extra_cost, comparison.extra_hours) == (
        30,
        237.0,
        -10.0,
    )
    assert comparison.summary() == (
        "Slack: done by 2027-01-23, 30 days before the do-by date 2027-02-22; it costs "
        "237.00 GBP more and 10 h less (counting the hours given; some are not given) than "
        "the plan without slack (done by 2027-02-22); the new cycle then starts 30 days "
        "earlier."
    )


def test_compare_slack_where_the_slack_leaves_no_plan() -> None:
    inputs = {**SHORT, "exclude": ["ccna-200-301", "encor-350-401"]}
    comparison = ceplan.compare_slack(ceplan.load_catalog(), "associate", slack_days=30, **inputs)
    assert comparison.with_slack.status == "infeasible"
    assert (comparison.extra_cost, comparison.extra_hours) == (None, None)
    assert comparison.with_slack.reasons[0] == (
        "30 credits: 1 hour a week is not enough to finish by 2027-01-23 (the do-by date moved "
        "30 days earlier for slack); this path needs at least 1.3 hours a week"
    )
    assert comparison.summary() == (
        "Slack: no plan finishes 30 days before the do-by date 2027-02-22; without slack: "
        "30 credits, 0.00 GBP, 10 h (done by 2027-02-22)."
    )


def test_a_slack_comparison_takes_plans_of_the_same_inputs_only() -> None:
    catalog = ceplan.load_catalog()
    plain = ceplan.optimise(catalog, "associate", today=BUNDLED_TODAY)
    other = ceplan.optimise(catalog, "associate", today="2026-12-02", slack_days=3)
    with pytest.raises(ceplan.PlanInputError, match="same inputs, the first without slack"):
        ceplan.SlackComparison(plain, other)
    safe = ceplan.optimise(catalog, "associate", today=BUNDLED_TODAY, slack_days=3)
    with pytest.raises(ceplan.PlanInputError, match="same inputs, the first without slack"):
        ceplan.SlackComparison(safe, safe)
    assert ceplan.SlackComparison(plain, plain).summary().startswith("Slack: done by ")


# -- JSON ----------------------------------------------------------------------------------------


def test_json_holds_the_slack_only_when_asked_for() -> None:
    catalog = ceplan.load_catalog()
    plain = ceplan.optimise(catalog, "associate", **SHORT).to_dict()
    safe = ceplan.optimise(catalog, "associate", slack_days=30, **SHORT).to_dict()
    assert "slack_days" not in plain and "slack" not in plain
    assert (safe["slack_days"], safe["slack"]) == (30, 30)
    assert list(safe)[list(safe).index("days_given_up") + 1 :][:3] == [
        "slack_days",
        "slack",
        "timeline",
    ]
    assert safe["complete_by"] == "2027-01-23"
    assert {item["complete_by"] for item in safe["exams"]} == {"2027-01-23"}
    none = ceplan.optimise(
        catalog, "associate", slack_days=30, **{**SHORT, "expires": "2026-12-20"}
    )
    assert (none.to_dict()["slack_days"], none.to_dict()["slack"]) == (30, None)


# -- the table and the command line ---------------------------------------------------------------


def test_the_table_says_what_the_slack_costs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "optimise", "--tier", "associate", *cli_inputs(SHORT), "--slack-days", "30"
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1] == (
        f"Today {BUNDLED_TODAY}, certification expires 2027-03-01, everything done by 2027-01-23"
    )
    assert lines[2] == (
        "18 credits already earned; 1 study hour a week; 30 days of slack before the do-by date "
        "2027-02-22"
    )
    renewal = lines.index(
        "Renewal completes 2027-01-23: the new cycle runs to 2030-01-23, giving up 37 days of the "
        "current one."
    )
    assert lines[renewal + 1] == (
        "Slack: done by 2027-01-23, 30 days before the do-by date 2027-02-22; it costs "
        "237.00 GBP more and 10 h less (counting the hours given; some are not given) than "
        "the plan without slack (done by 2027-02-22); the new cycle then starts 30 days "
        "earlier."
    )
    assert not any(line.startswith("No slack") for line in lines)


def test_the_table_says_when_a_plan_has_no_slack(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "optimise", "--tier", "associate", *cli_inputs(SHORT))
    lines = out.splitlines()
    renewal = next(i for i, line in enumerate(lines) if line.startswith("Renewal completes"))
    assert code == 0
    assert lines[renewal] == (
        "Renewal completes 2027-02-22: the new cycle runs to 2030-02-22, giving up 7 days of the "
        "current one."
    )
    assert lines[renewal + 1] == (
        "No slack: the last item is due on the do-by date; any delay would lapse the "
        "certification. --slack-days N finishes N days earlier."
    )
    # An exam sat on the do-by date: a failed sitting lapses the certification.
    code, out, _ = run(
        capsys,
        "optimise",
        "--tier",
        "professional",
        "--today",
        BUNDLED_TODAY,
        "--expires",
        "2029-11-29",
    )
    assert "No slack: the last item is due on the do-by date; one failed sitting would lapse" in out


def test_the_table_says_nothing_of_slack_for_a_plan_that_finishes_early(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The free items' 10 hours at 1 a week fit into the weeks before a do-by date well away.
    code, out, _ = run(
        capsys,
        "optimise",
        "--tier",
        "associate",
        *cli_inputs(SHORT),
        "--unavailable",
        "2027-02-16:2027-02-22",
    )
    plan = ceplan.optimise(
        ceplan.load_catalog(),
        "associate",
        unavailable=[("2027-02-16", "2027-02-22")],
        **SHORT,
    )
    assert code == 0 and plan.slack is not None and plan.slack > 0
    assert "slack" not in out.lower()


def test_the_table_says_when_the_slack_leaves_no_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "optimise",
        "--tier",
        "associate",
        *cli_inputs(SHORT),
        "--slack-days",
        "30",
        "--exclude",
        "ccna-200-301",
        "--exclude",
        "encor-350-401",
    )
    lines = out.splitlines()
    assert code == 1
    start = lines.index("No plan renews this certification in time:")
    assert lines[start + 1].startswith("  - 30 credits: 1 hour a week is not enough to finish by ")
    assert lines[start + 4 : start + 6] == [
        "",
        "Slack: no plan finishes 30 days before the do-by date 2027-02-22; without slack: "
        "30 credits, 0.00 GBP, 10 h (done by 2027-02-22).",
    ]


def test_too_late_for_the_slack_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "optimise",
        "--tier",
        "associate",
        "--today",
        "2027-02-01",
        "--expires",
        "2027-03-01",
        "--slack-days",
        "30",
        "--format",
        "json",
    )
    plan = json.loads(out)
    assert code == 1
    assert plan["reasons"] == [
        "too late for 30 days of slack: they move the do-by date to 2027-01-23, 30 days before "
        "2027-02-22 (7 processing days before the expiry on 2027-03-01), and today is 2027-02-01"
    ]
    assert [b["why"] for b in plan["blocked"]] == ["too_late"]


NOT_DAYS = "is not a whole number of days (0 to 99999)"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", f"ceplan: error: argument --slack-days: '-1' {NOT_DAYS}"),
        ("1.5", f"ceplan: error: argument --slack-days: '1.5' {NOT_DAYS}"),
        ("x", f"ceplan: error: argument --slack-days: 'x' {NOT_DAYS}"),
        ("3651", "ceplan: error: --slack-days must be at most 3650 (ten years)"),
    ],
)
@pytest.mark.parametrize("output", ["table", "json", "csv"])
def test_bad_slack_days_on_the_command_line_exit_2_in_one_line(
    capsys: pytest.CaptureFixture[str], value: str, message: str, output: str
) -> None:
    code, out, err = run(
        capsys,
        "optimise",
        "--tier",
        "associate",
        "--today",
        BUNDLED_TODAY,
        "--slack-days",
        value,
        "--format",
        output,
    )
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith(message)
    assert len(err.splitlines()) == 1


def test_the_command_line_plans_with_the_slack_in_every_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["optimise", "--tier", "associate", *cli_inputs(SHORT), "--slack-days", "30"]
    expected = ceplan.optimise(ceplan.load_catalog(), "associate", slack_days=30, **SHORT)
    code, out, _ = run(capsys, *argv, "--format", "json")
    assert (code, out) == (0, expected.to_json() + "\n")
    code, out, _ = run(capsys, *argv, "--format", "csv")
    assert code == 0 and out.splitlines()[1].startswith("exam,ccna-200-301,")
    assert out.splitlines()[1].split(",")[9] == "2027-01-23"  # its do-by date, moved


def test_the_help_explains_slack_days(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "optimise", "--help")
    assert code == 0 and "--slack-days N" in out
