"""The command line (SPEC section 4): exit codes, one-line errors, and the table, JSON and CSV
formats, in-process through ``ceplan.cli.main`` and as ``python -m ceplan`` subprocesses.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import ceplan
from ceplan.cli.main import main
from tests.conftest import catalog_data

WriteCatalog = Callable[..., Path]

TODAY = "2026-11-29"
TIERS = ["associate", "specialist", "professional", "expert"]
FORMATS = ["table", "json", "csv"]
SPEC_KEYS = {
    "status",
    "tier",
    "currency",
    "today",
    "expires",
    "complete_by",
    "path",
    "activities",
    "exams",
    "earned",
    "total_cost",
    "total_credits",
    "total_hours",
    "reasons",
}
ACTIVITY_KEYS = {"id", "title", "type", "credits", "cost", "hours", "complete_by"}
EXAM_KEYS = {"id", "title", "kind", "cost", "complete_by"}
SPEC_OPTIONS = [
    "--tier",
    "--catalog",
    "--expires",
    "--today",
    "--earned",
    "--passed",
    "--completed",
    "--exclude",
    "--budget",
    "--no-exams",
    "--processing-days",
    "--format",
]


# -- helpers ------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``ceplan ARGV`` in-process; return the exit status, stdout and stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's --help and --version
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


def run_process(
    *argv: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ceplan", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_bad_input(code: int, out: str, err: str, *mentions: str) -> None:
    """Exit 2, nothing on stdout, exactly one non-blank line on stderr, no traceback."""
    assert code == 2, (code, out, err)
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n")
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].strip()
    for text in mentions:
        assert text in err, (text, err)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_date(value: Any) -> bool:
    return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value


def check_plan_json(plan: dict[str, Any]) -> None:
    """The SPEC's keys with the SPEC's types, and totals that add up."""
    assert SPEC_KEYS <= set(plan), SPEC_KEYS - set(plan)
    assert plan["status"] in {"optimal", "feasible", "infeasible", "unknown"}
    assert isinstance(plan["tier"], str)
    assert re.fullmatch(r"[A-Z]{3}", plan["currency"])
    for key in ("today", "expires", "complete_by"):
        assert is_date(plan[key]), key
    assert plan["complete_by"] <= plan["expires"]
    for key in ("earned", "total_cost", "total_credits", "total_hours"):
        assert is_number(plan[key]), key
    assert isinstance(plan["activities"], list)
    assert isinstance(plan["exams"], list)
    assert isinstance(plan["reasons"], list)
    assert all(isinstance(reason, str) and reason for reason in plan["reasons"])
    if plan["status"] not in ("optimal", "feasible"):
        assert plan["path"] is None
        assert plan["activities"] == [] and plan["exams"] == []
        assert plan["reasons"]
        return
    path = plan["path"]
    assert isinstance(path, dict)
    assert is_number(path["credits"])
    assert isinstance(path["exams"], dict)
    assert all(isinstance(k, str) and type(v) is int for k, v in path["exams"].items())
    assert plan["reasons"] == []
    for entry in plan["activities"]:
        assert ACTIVITY_KEYS <= set(entry), entry
        assert isinstance(entry["id"], str) and isinstance(entry["title"], str)
        assert isinstance(entry["type"], str)
        for key in ("credits", "cost"):
            assert is_number(entry[key]), key
        assert entry["credits"] > 0
    for entry in plan["exams"]:
        assert EXAM_KEYS <= set(entry), entry
        assert isinstance(entry["id"], str) and isinstance(entry["title"], str)
        assert isinstance(entry["kind"], str)
        assert is_number(entry["cost"])
    items = plan["activities"] + plan["exams"]
    for entry in items:  # the catalogue's hours, null where it gives none
        assert entry["hours"] is None or is_number(entry["hours"]), entry
    ids = [entry["id"] for entry in items]
    assert len(ids) == len(set(ids))
    for entry in items:
        assert entry["cost"] >= 0
        assert round(entry["cost"], 2) == entry["cost"], "costs are rounded to cents"
        assert is_date(entry["complete_by"])
        assert plan["today"] <= entry["complete_by"] <= plan["complete_by"]
    assert plan["total_cost"] == round(sum(entry["cost"] for entry in items), 2)
    assert plan["total_credits"] == pytest.approx(sum(a["credits"] for a in plan["activities"]))
    hours = sum(entry["hours"] for entry in items if entry["hours"] is not None)
    assert plan["total_hours"] == pytest.approx(hours)
    assert plan["earned"] + plan["total_credits"] >= path["credits"] - 1e-6
    kinds: dict[str, int] = {}
    for entry in plan["exams"]:
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    passed = plan.get("passed", {})
    for kind, count in path["exams"].items():
        assert kinds.get(kind, 0) + passed.get(kind, 0) >= count


def json_plan(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> dict[str, Any]:
    status, out, err = run(capsys, "optimise", *argv, "--format", "json")
    assert status == code, (status, out, err)
    assert "Traceback" not in err
    plan = json.loads(out)  # one JSON object and nothing else
    assert isinstance(plan, dict)
    check_plan_json(plan)
    return plan


def csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames is not None and "id" in reader.fieldnames
    return list(reader)


def describe(path: dict[str, Any]) -> str:
    return ceplan.PathRule(credits=path.get("credits", 0), exams=path.get("exams", {})).describe()


def other_path_lines(table: str, descriptions: list[str]) -> dict[str, list[str]]:
    """Lines that start with a path's description (the longest that fits), by description."""
    found: dict[str, list[str]] = {}
    for line in table.splitlines():
        text = line.strip()
        matches = [d for d in descriptions if text.startswith(d)]
        if matches:
            found.setdefault(max(matches, key=len), []).append(line)
    return found


def money(amount: float) -> tuple[str, str]:
    return f"{amount:,.2f}", f"{amount:.2f}"


def check_table(table: str, plan: dict[str, Any], tier_paths: list[dict[str, Any]]) -> None:
    """The chosen path, each item with credits, cost and do-by date, totals, other paths."""
    lines = table.splitlines()
    chosen = describe(plan["path"])
    assert any(chosen in line for line in lines), chosen
    for entry in plan["activities"] + plan["exams"]:
        rows = [line for line in lines if entry["id"] in line.split()]
        assert len(rows) == 1, (entry["id"], table)
        row = rows[0]
        assert entry["complete_by"] in row
        assert any(text in row for text in money(entry["cost"])), (entry, row)
        if "credits" in entry:
            assert str(entry["credits"]) in row.split(), (entry, row)
    totals = [line for line in lines if line.strip().lower().startswith("total")]
    assert totals, table
    assert any(any(text in line for text in money(plan["total_cost"])) for line in totals)
    others = [describe(p) for p in tier_paths if describe(p) != chosen]
    by_path = other_path_lines(table, [describe(p) for p in tier_paths])
    for other in others:
        assert len(by_path.get(other, [])) == 1, (other, table)
        line = by_path[other][0]
        assert re.search(r"\d[\d,]*\.\d\d " + plan["currency"], line) or "impossible" in line


# -- small catalogues ---------------------------------------------------------------------------


def small_catalog(**top: Any) -> dict[str, Any]:
    """Two paths: 80 credits (cheapest 400: big + mid) or 40 credits + 1 pro exam (cheapest
    300: big + exam)."""
    return catalog_data(
        activities=[
            {
                "id": "course-big",
                "title": "Big course",
                "type": "online-course",
                "credits": 50,
                "cost": 100,
                "hours": 30,
            },
            {
                "id": "course-mid",
                "title": "Middle course",
                "type": "instructor-led",
                "credits": 40,
                "cost": 300,
                "hours": 20,
            },
            {
                "id": "webinar",
                "title": "Free webinar",
                "type": "webinar",
                "credits": 5,
                "cost": 0,
                "hours": 1,
                "expires": dt.date(2027, 3, 31),
            },
        ],
        exams=[{"id": "exam-pro", "title": "Pro exam", "kind": "pro", "cost": 200, "hours": 40}],
        paths=[{"credits": 80}, {"credits": 40, "exams": {"pro": 1}}],
        **top,
    )


@pytest.fixture
def small(write_catalog: WriteCatalog) -> list[str]:
    """``--tier pro --catalog FILE --today ... --expires ...`` for :func:`small_catalog`."""
    path = write_catalog(small_catalog())
    return ["--tier", "pro", "--catalog", str(path), "--today", TODAY, "--expires", "2029-11-29"]


# -- plans (exit 0) ----------------------------------------------------------------------------


def test_json_of_a_plan(capsys: pytest.CaptureFixture[str], small: list[str]) -> None:
    plan = json_plan(capsys, *small)
    assert plan["status"] == "optimal"
    assert plan["tier"] == "pro"
    assert plan["currency"] == "GBP"
    assert (plan["today"], plan["expires"], plan["complete_by"]) == (
        TODAY,
        "2029-11-29",
        "2029-11-29",
    )
    assert plan["path"] == {"credits": 40, "exams": {"pro": 1}}
    assert [a["id"] for a in plan["activities"]] == ["course-big"]
    assert [e["id"] for e in plan["exams"]] == ["exam-pro"]
    activity, exam = plan["activities"][0], plan["exams"][0]
    assert activity["title"] == "Big course"
    assert activity["type"] == "online-course"
    assert (activity["credits"], activity["cost"], activity["hours"]) == (50, 100.0, 30)
    assert activity["complete_by"] == "2029-11-29"
    assert (exam["title"], exam["kind"], exam["cost"]) == ("Pro exam", "pro", 200.0)
    assert exam["complete_by"] == "2029-11-29"
    assert plan["earned"] == 0
    assert (plan["total_cost"], plan["total_credits"], plan["total_hours"]) == (300.0, 50, 70)
    assert plan["reasons"] == []


def test_csv_of_a_plan(capsys: pytest.CaptureFixture[str], small: list[str]) -> None:
    code, out, err = run(capsys, "optimise", *small, "--format", "csv")
    assert code == 0 and err == ""
    rows = csv_rows(out)
    assert sorted(row["id"] for row in rows) == ["course-big", "exam-pro"]
    by_id = {row["id"]: row for row in rows}
    assert float(by_id["course-big"]["cost"]) == 100
    assert float(by_id["course-big"]["credits"]) == 50
    assert float(by_id["exam-pro"]["cost"]) == 200
    assert by_id["exam-pro"]["complete_by"] == "2029-11-29"


def test_table_of_a_plan(capsys: pytest.CaptureFixture[str], small: list[str]) -> None:
    code, out, err = run(capsys, "optimise", *small)
    assert code == 0 and err == ""
    plan = json_plan(capsys, *small)
    check_table(out, plan, small_catalog()["tiers"]["pro"]["paths"])
    (other,) = other_path_lines(out, ["80 credits", "40 credits + 1 pro exam"])["80 credits"]
    assert "400.00" in other  # the other path's best cost: course-big + course-mid


def test_table_says_why_another_path_is_impossible(
    capsys: pytest.CaptureFixture[str], small: list[str]
) -> None:
    code, out, _ = run(capsys, "optimise", *small, "--exclude", "course-big")
    assert code == 0
    assert "Big course" not in out
    (other,) = other_path_lines(out, ["80 credits", "40 credits + 1 pro exam"])["80 credits"]
    assert "45" in other  # at most 45 credits (course-mid + webinar) can be earned
    assert any("500.00" in line for line in out.splitlines() if "total" in line.lower())


def test_csv_quotes_titles_with_commas_and_quotes(
    capsys: pytest.CaptureFixture[str], write_catalog: WriteCatalog
) -> None:
    title = 'Routing, "advanced" — café edition'
    activity = {"id": "tricky", "title": title, "type": "online-course", "credits": 80, "cost": 5}
    path = write_catalog(catalog_data(activities=[activity]))
    argv = ["optimise", "--tier", "pro", "--catalog", str(path), "--today", TODAY]
    code, out, _ = run(capsys, *argv, "--format", "csv")
    assert code == 0
    (row,) = csv_rows(out)
    assert row["id"] == "tricky"
    assert title in row.values()


def test_a_stale_catalogue_is_flagged(capsys: pytest.CaptureFixture[str], small: list[str]) -> None:
    later = [("2028-01-01" if arg == TODAY else arg) for arg in small]
    plan = json_plan(capsys, *later)
    assert any("2026-11-29" in warning for warning in plan.get("warnings", [])), plan
    code, out, _ = run(capsys, "optimise", *later)
    assert code == 0
    assert "warning" in out.lower() and "2026-11-29" in out


def test_a_budget_that_is_just_enough(capsys: pytest.CaptureFixture[str], small: list[str]) -> None:
    plan = json_plan(capsys, *small, "--budget", "300")
    assert plan["total_cost"] == 300.0


def test_options_change_the_plan(capsys: pytest.CaptureFixture[str], small: list[str]) -> None:
    no_exams = json_plan(capsys, *small, "--no-exams")
    assert no_exams["exams"] == [] and no_exams["total_cost"] == 400.0
    passed = json_plan(capsys, *small, "--passed", "pro")
    assert passed["exams"] == [] and passed["total_cost"] == 100.0
    earned = json_plan(capsys, *small, "--earned", "30")
    assert earned["earned"] == 30
    assert earned["path"] == {"credits": 80, "exams": {}}
    assert [a["id"] for a in earned["activities"]] == ["course-big"]
    for option in ("--completed", "--exclude"):
        other = json_plan(capsys, *small, option, "course-big")
        assert "course-big" not in {a["id"] for a in other["activities"]}
        assert other["total_cost"] == 500.0


def test_nothing_left_to_do(capsys: pytest.CaptureFixture[str], small: list[str]) -> None:
    plan = json_plan(capsys, *small, "--earned", "80")
    assert plan["status"] == "optimal"
    assert plan["path"] == {"credits": 80, "exams": {}}
    assert plan["activities"] == [] and plan["exams"] == []
    assert (plan["total_cost"], plan["total_credits"], plan["total_hours"]) == (0, 0, 0)
    code, out, _ = run(capsys, "optimise", *small, "--earned", "80", "--format", "csv")
    assert code == 0 and csv_rows(out) == []
    code, out, _ = run(capsys, "optimise", *small, "--earned", "80")
    assert code == 0 and "80 credits" in out


def test_an_item_is_due_by_its_own_expiry(
    capsys: pytest.CaptureFixture[str], small: list[str]
) -> None:
    plan = json_plan(capsys, *small, "--earned", "75")
    assert [a["id"] for a in plan["activities"]] == ["webinar"]
    assert plan["activities"][0]["complete_by"] == "2027-03-31"
    assert plan["total_cost"] == 0


def test_processing_days_move_the_deadline(
    capsys: pytest.CaptureFixture[str], small: list[str]
) -> None:
    plan = json_plan(capsys, *small, "--processing-days", "10")
    assert plan["complete_by"] == "2029-11-19"
    assert {e["complete_by"] for e in plan["activities"] + plan["exams"]} == {"2029-11-19"}


def test_costs_in_another_currency_are_converted_to_cents(
    capsys: pytest.CaptureFixture[str], write_catalog: WriteCatalog
) -> None:
    data = catalog_data(
        activities=[
            {
                "id": "dollar-course",
                "title": "Priced in dollars",
                "type": "online-course",
                "credits": 80,
                "cost": 19.99,
                "currency": "USD",
            }
        ],
        exchange_rates={"USD": 0.79},
        rates_as_of=dt.date(2026, 11, 1),
    )
    path = write_catalog(data)
    plan = json_plan(capsys, "--tier", "pro", "--catalog", str(path), "--today", TODAY)
    assert plan["currency"] == "GBP"
    assert plan["activities"][0]["cost"] == 15.79
    assert plan["total_cost"] == 15.79
    code, out, _ = run(
        capsys, "optimise", "--tier", "pro", "--catalog", str(path), "--today", TODAY
    )
    assert code == 0 and "15.79" in out


def test_the_default_expiry_is_today_plus_the_period_and_is_said(
    capsys: pytest.CaptureFixture[str], small: list[str]
) -> None:
    argv = small[: small.index("--expires")]
    plan = json_plan(capsys, *argv)
    assert plan["expires"] == "2029-11-29"
    code, out, _ = run(capsys, "optimise", *argv)
    assert code == 0
    assert "2029-11-29" in out and "assum" in out.lower()


# -- the bundled catalogue in every tier and format ---------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_bundled_tier_as_json(capsys: pytest.CaptureFixture[str], tier: str) -> None:
    plan = json_plan(capsys, "--tier", tier, "--today", TODAY)
    assert plan["status"] == "optimal"
    assert plan["tier"] == tier
    assert plan["today"] == TODAY
    assert plan["currency"] == ceplan.load_catalog().currency


@pytest.mark.parametrize("tier", TIERS)
def test_bundled_tier_as_csv(capsys: pytest.CaptureFixture[str], tier: str) -> None:
    plan = json_plan(capsys, "--tier", tier, "--today", TODAY)
    code, out, err = run(capsys, "optimise", "--tier", tier, "--today", TODAY, "--format", "csv")
    # The CSV rows cannot hold the plan's notes: they go to stderr, one line each.
    assert code == 0
    assert err.splitlines() == [f"ceplan: note: {note}" for note in plan["notes"]]
    rows = csv_rows(out)
    items = plan["activities"] + plan["exams"]
    assert len(rows) == len(items)
    assert sorted(row["id"] for row in rows) == sorted(entry["id"] for entry in items)
    costs = {entry["id"]: entry["cost"] for entry in items}
    for row in rows:
        assert float(row["cost"]) == costs[row["id"]]


@pytest.mark.parametrize("tier", TIERS)
def test_bundled_tier_as_table(capsys: pytest.CaptureFixture[str], tier: str) -> None:
    plan = json_plan(capsys, "--tier", tier, "--today", TODAY)
    code, out, err = run(capsys, "optimise", "--tier", tier, "--today", TODAY)
    assert code == 0 and err == ""
    paths = [rule.model_dump() for rule in ceplan.load_catalog().tiers[tier].paths]
    check_table(out, plan, paths)


@pytest.mark.parametrize("tier", TIERS)
def test_the_same_command_gives_byte_identical_json(
    capsys: pytest.CaptureFixture[str], tier: str
) -> None:
    argv = ["optimise", "--tier", tier, "--today", TODAY, "--expires", "2028-06-30"]
    first = run(capsys, *argv, "--format", "json")
    second = run(capsys, *argv, "--format", "json")
    assert first[0] == 0
    assert first == second


def test_no_plan_json_is_deterministic_too(
    capsys: pytest.CaptureFixture[str], small: list[str]
) -> None:
    first = run(capsys, "optimise", *small, "--budget", "10", "--format", "json")
    assert first[0] == 1
    assert run(capsys, "optimise", *small, "--budget", "10", "--format", "json") == first


# -- the table: the plan and the other paths from one planner ----------------------------------


def count_planner_work(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count, from now on, how often the usable items are worked out and a search is run."""
    import ceplan.candidates.arrays
    import ceplan.planning.person
    import ceplan.solving.stages

    counts = {"usable items": 0, "usable arrays": 0, "searches": 0}

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def count(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return real(*args, **kwargs)

        return count

    for module, attribute, name in (
        (ceplan.planning.person, "usable_for", "usable items"),
        (ceplan.candidates.arrays, "Usable", "usable arrays"),
        (ceplan.solving.stages, "solve_in_stages", "searches"),
    ):
        monkeypatch.setattr(module, attribute, counting(name, getattr(module, attribute)))
    return counts


def test_the_table_plans_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, the table planned twice: after ``optimise``, ``compare_paths`` planned every
    path again with a planner of its own (the usable items worked out twice, the chosen path
    searched twice)."""
    counts = count_planner_work(monkeypatch)
    argv = ["optimise", "--tier", "professional", "--today", TODAY, "--solver", "highs"]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and "Cheapest plan: 1 core exam" in out and "Other paths:" in out
    # One search for the plan (all paths at once), one for each other path with a plan to
    # find (80 credits and 2 professional exams are ruled out without a search).
    assert counts == {"usable items": 1, "usable arrays": 0, "searches": 3}


def test_the_table_works_out_a_large_catalogues_usable_items_once(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    write_catalog: WriteCatalog,
) -> None:
    from tests.generators import catalog_data as generated

    path = write_catalog(generated(600, 0))
    counts = count_planner_work(monkeypatch)
    code, out, _ = run(capsys, "optimise", "--tier", "professional", "--catalog", str(path))
    assert code == 0 and "Other paths:" in out
    assert counts == {"usable items": 0, "usable arrays": 1, "searches": 0}  # no solver: dp


TABLE_CASES = [
    ({}, []),
    ({"solver": "highs"}, ["--solver", "highs"]),
    ({"hours_per_week": 10}, ["--hours-per-week", "10"]),
    ({"budget": 2750}, ["--budget", "2750"]),  # one other path over the budget
    ({"passed": "professional"}, ["--passed", "professional"]),  # chosen: 2 professional exams
    (
        {"expires": "2027-06-30", "hours_per_week": 4},
        ["--expires", "2027-06-30", "--hours-per-week", "4"],
    ),
    ({"earned": 80}, ["--earned", "80"]),  # already met: no other paths
    ({"budget": 1}, ["--budget", "1"]),  # no plan
]


@pytest.mark.parametrize(("inputs", "argv"), TABLE_CASES)
def test_the_table_is_optimise_beside_compare_paths(
    capsys: pytest.CaptureFixture[str], inputs: dict[str, Any], argv: list[str]
) -> None:
    """Planned once, the table is what it was: the plan of ``optimise`` and, for each other
    path, its plan from ``compare_paths``."""
    from ceplan.rendering.text import plan_table

    catalog = ceplan.load_catalog()
    given = {"today": TODAY, **inputs}
    plan = ceplan.optimise(catalog, "professional", **given)
    others = None
    if plan.found and not plan.already_met:
        others = ceplan.compare_paths(catalog, "professional", **given)
    _, out, _ = run(capsys, "optimise", "--tier", "professional", "--today", TODAY, *argv)
    assert out == plan_table(plan, others, catalog)


# -- no plan (exit 1) ----------------------------------------------------------------------------


def test_over_budget_json_gives_a_reason_per_path(
    capsys: pytest.CaptureFixture[str], small: list[str]
) -> None:
    plan = json_plan(capsys, *small, "--budget", "250", code=1)
    assert plan["status"] == "infeasible"
    assert plan["path"] is None
    assert plan["total_cost"] == 0
    eighty, with_exam = plan["reasons"]
    assert "80 credits" in eighty and "400.00" in eighty and "250.00" in eighty
    assert "pro exam" in with_exam and "300.00" in with_exam and "250.00" in with_exam


def test_over_budget_table_prints_a_reason_per_path(
    capsys: pytest.CaptureFixture[str], small: list[str]
) -> None:
    code, out, err = run(capsys, "optimise", *small, "--budget", "250")
    assert code == 1
    assert "Traceback" not in err
    lines = out.splitlines()
    (eighty,) = [line for line in lines if "80 credits" in line]
    (with_exam,) = [line for line in lines if "40 credits + 1 pro exam" in line]
    assert "400.00" in eighty and "250.00" in eighty
    assert "300.00" in with_exam and "250.00" in with_exam


def test_over_budget_csv_has_no_rows_and_reasons_on_stderr(
    capsys: pytest.CaptureFixture[str], small: list[str]
) -> None:
    code, out, err = run(capsys, "optimise", *small, "--budget", "250", "--format", "csv")
    assert code == 1
    assert csv_rows(out) == []
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert "400.00" in lines[0] and "300.00" in lines[1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_too_late_gives_exit_1_and_one_reason(
    capsys: pytest.CaptureFixture[str], write_catalog: WriteCatalog, fmt: str
) -> None:
    path = write_catalog(small_catalog(processing_days=7))
    argv = ["--tier", "pro", "--catalog", str(path), "--today", TODAY, "--expires", "2026-12-03"]
    code, out, err = run(capsys, "optimise", *argv, "--format", fmt)
    assert code == 1
    assert "Traceback" not in err
    text = out + err
    assert "2026-11-26" in text  # everything had to be done by expiry - 7 days
    if fmt == "json":
        plan = json.loads(out)
        check_plan_json(plan)
        assert len(plan["reasons"]) == 1 and plan["reasons"][0].startswith("too late")
    elif fmt == "csv":
        assert csv_rows(out) == []
        assert err.splitlines() == [f"ceplan: no plan: {json_plan_reason(capsys, argv)}"]


def json_plan_reason(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    _, out, _ = run(capsys, "optimise", *argv, "--format", "json")
    (reason,) = json.loads(out)["reasons"]
    return str(reason)


def test_not_enough_credits_says_how_many_can_be_earned(
    capsys: pytest.CaptureFixture[str], small: list[str]
) -> None:
    plan = json_plan(capsys, *small, "--exclude", "course-big", "--no-exams", code=1)
    eighty, with_exam = plan["reasons"]
    assert "45" in eighty and "80" in eighty
    assert "exam" in with_exam


# -- bad input (exit 2) --------------------------------------------------------------------------


BAD_OPTIONS = [
    pytest.param(["--today", "2023-02-30"], ("--today", "2023-02-30"), id="today-feb-30"),
    pytest.param(["--expires", "2023-02-30"], ("--expires", "2023-02-30"), id="expires-feb-30"),
    pytest.param(["--today", "2026-13-01"], ("--today",), id="today-month-13"),
    pytest.param(["--today", "yesterday"], ("--today",), id="today-word"),
    pytest.param(["--expires", "29/11/2029"], ("--expires",), id="expires-dmy"),
    pytest.param(["--earned", "-5"], ("--earned",), id="earned-negative"),
    pytest.param(["--earned=-0.5"], ("--earned",), id="earned-negative-fraction"),
    pytest.param(["--budget", "-1"], ("--budget",), id="budget-negative"),
    pytest.param(["--processing-days", "-1"], ("--processing-days",), id="days-negative"),
    pytest.param(["--earned", "abc"], ("--earned", "abc"), id="earned-word"),
    pytest.param(["--earned", ""], ("--earned",), id="earned-empty"),
    pytest.param(["--earned", "nan"], ("--earned",), id="earned-nan"),
    pytest.param(["--budget", "ten"], ("--budget", "ten"), id="budget-word"),
    pytest.param(["--budget", "inf"], ("--budget",), id="budget-inf"),
    pytest.param(["--processing-days", "1.5"], ("--processing-days",), id="days-fraction"),
    pytest.param(["--processing-days", "seven"], ("--processing-days",), id="days-word"),
    pytest.param(["--passed", "wizard"], ("wizard",), id="unknown-kind"),
    pytest.param(["--completed", "no-such-item"], ("no-such-item",), id="unknown-completed"),
    pytest.param(["--exclude", "no-such-item"], ("no-such-item",), id="unknown-exclude"),
    pytest.param(["--format", "xml"], ("--format",), id="unknown-format"),
    pytest.param(["--frobnicate"], ("--frobnicate",), id="unknown-option"),
]


@pytest.mark.parametrize(("extra", "mentions"), BAD_OPTIONS)
def test_bad_options_give_exit_2_and_one_line(
    capsys: pytest.CaptureFixture[str], extra: list[str], mentions: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, "optimise", "--tier", "professional", "--today", TODAY, *extra)
    assert_bad_input(code, out, err, *mentions)


def test_an_unknown_tier(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "optimise", "--tier", "grandmaster", "--today", TODAY)
    assert_bad_input(code, out, err, "grandmaster")


@pytest.mark.parametrize(
    "argv",
    [[], ["--today", TODAY], ["optimise"], ["frobnicate"], ["optimise", "professional"]],
    ids=["nothing", "no-command", "no-tier", "unknown-command", "positional-tier"],
)
def test_usage_errors_give_exit_2_and_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert_bad_input(*run(capsys, *argv))


def test_a_missing_catalogue_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    code, out, err = run(capsys, "optimise", "--tier", "pro", "--catalog", str(missing))
    assert_bad_input(code, out, err, str(missing))


def test_a_directory_as_catalogue(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "optimise", "--tier", "pro", "--catalog", str(tmp_path))
    assert_bad_input(code, out, err, str(tmp_path))


@pytest.mark.parametrize(
    "text",
    ["schema: 1\nfoo: [1, 2\n", "schema: 1\n\tfoo: 1\n", "- a\n - b\n", "schema: 1\nx: *nope\n"],
    ids=["unclosed", "tab", "indent", "undefined-alias"],
)
def test_malformed_yaml(
    capsys: pytest.CaptureFixture[str], write_catalog: WriteCatalog, text: str
) -> None:
    path = write_catalog(text)
    code, out, err = run(capsys, "optimise", "--tier", "pro", "--catalog", str(path))
    assert_bad_input(code, out, err, str(path))


def test_an_invalid_catalogue_names_file_item_and_field(
    capsys: pytest.CaptureFixture[str], write_catalog: WriteCatalog
) -> None:
    data = small_catalog()
    data["activities"][1]["cost"] = -300
    path = write_catalog(data)
    code, out, err = run(capsys, "optimise", "--tier", "pro", "--catalog", str(path))
    assert_bad_input(code, out, err, str(path), "course-mid", "cost")


def test_an_impossible_date_in_the_catalogue(
    capsys: pytest.CaptureFixture[str], write_catalog: WriteCatalog
) -> None:
    data = small_catalog()
    data["as_of"] = "DATE"
    text = yaml.safe_dump(data, sort_keys=False)
    line = 1 + text.splitlines().index("as_of: DATE")
    path = write_catalog(text.replace("DATE", "2023-02-30"))
    code, out, err = run(capsys, "optimise", "--tier", "pro", "--catalog", str(path))
    assert_bad_input(code, out, err, f"{path}:{line}", "2023-02-30")


def test_a_catalogue_that_is_not_utf8(
    capsys: pytest.CaptureFixture[str], write_catalog: WriteCatalog
) -> None:
    path = write_catalog(small_catalog())
    text = path.read_text(encoding="utf-8").replace("Big course", "Big course £100")
    path.write_bytes(text.encode("latin-1"))
    code, out, err = run(capsys, "optimise", "--tier", "pro", "--catalog", str(path))
    assert_bad_input(code, out, err, str(path))


@pytest.mark.parametrize(
    "extra",
    [
        ["--today", TODAY, "--processing-days", "1000000"],
        ["--today", "0001-01-01", "--expires", "0001-01-03"],
        ["--today", "9999-06-01"],
    ],
    ids=["huge-processing-days", "year-1", "year-9999"],
)
def test_dates_at_the_ends_of_the_calendar_never_crash(
    capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    code, out, err = run(capsys, "optimise", "--tier", "professional", "--format", "json", *extra)
    assert code in (1, 2)
    assert "Traceback" not in err
    if code == 2:
        assert_bad_input(code, out, err)


# -- help ----------------------------------------------------------------------------------------


def test_optimise_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "optimise", "--help")
    assert code == 0
    assert err == ""
    for option in SPEC_OPTIONS:
        assert re.search(rf"^\s+{re.escape(option)}\b", out, re.MULTILINE), option
    for fmt in FORMATS:
        assert fmt in out


@pytest.mark.parametrize("command", [(), ("optimise",), ("check",), ("team",)])
def test_help_speaks_to_users_not_of_the_projects_spec(
    capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    """Users have no SPEC to read: the help says what it means in its own words."""
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0 and out
    assert "SPEC" not in out


def test_top_level_help_lists_the_optimise_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "optimise" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert ceplan.__version__ in out


# -- as a program ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_python_m_ceplan_from_any_folder(tmp_path: Path) -> None:
    before = dt.date.today()
    result = run_process("optimise", "--tier", "professional", cwd=tmp_path)
    after = dt.date.today()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Traceback" not in result.stdout
    catalog = ceplan.load_catalog()
    chosen = [rule.describe() for rule in catalog.tiers["professional"].paths]
    assert any(text in result.stdout for text in chosen)
    assert before.isoformat() in result.stdout or after.isoformat() in result.stdout
    assert "assum" in result.stdout.lower()  # the expiry date was assumed, and it says so
    assert list(tmp_path.iterdir()) == []  # nothing written to the working folder


@pytest.mark.slow
def test_python_m_ceplan_help_lists_every_option(tmp_path: Path) -> None:
    result = run_process("optimise", "--help", cwd=tmp_path)
    assert result.returncode == 0
    for option in SPEC_OPTIONS:
        assert option in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "mention"),
    [
        (["optimise", "--tier", "professional", "--catalog", "missing.yaml"], "missing.yaml"),
        (["optimise", "--tier", "professional", "--today", "2023-02-30"], "2023-02-30"),
        (["optimise", "--tier", "professional", "--budget", "-1"], "--budget"),
        (["optimise", "--tier", "nope"], "nope"),
        ([], "COMMAND"),
    ],
    ids=["missing-file", "bad-date", "negative-budget", "unknown-tier", "no-command"],
)
def test_python_m_ceplan_bad_input(tmp_path: Path, argv: list[str], mention: str) -> None:
    result = run_process(*argv, cwd=tmp_path)
    assert_bad_input(result.returncode, result.stdout, result.stderr, mention)


@pytest.mark.slow
def test_python_m_ceplan_no_plan(tmp_path: Path, write_catalog: WriteCatalog) -> None:
    path = write_catalog(small_catalog())
    argv = ["optimise", "--tier", "pro", "--catalog", path.name, "--today", TODAY]
    result = run_process(*argv, "--budget", "1", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "400.00" in result.stdout and "300.00" in result.stdout


@pytest.mark.slow
def test_json_is_byte_identical_across_processes_and_hash_seeds(
    tmp_path: Path, write_catalog: WriteCatalog
) -> None:
    """Many equally good items: the SPEC's tie-breaks, not set order, must choose."""
    activities = [
        {"id": f"tie-{letter}", "title": f"Tie {letter}", "type": "webinar", "credits": 20}
        | {"cost": 10, "hours": 2}
        for letter in "fedcba"
    ]
    path = write_catalog(catalog_data(activities=activities, paths=[{"credits": 40}]))
    argv = ["optimise", "--tier", "pro", "--catalog", str(path), "--today", TODAY]
    outputs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = run_process(*argv, "--format", "json", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    plan = json.loads(outputs[0])
    assert [a["id"] for a in plan["activities"]] == ["tie-a", "tie-b"]


@pytest.mark.slow
def test_the_installed_script_is_the_same_program(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("ceplan")
    if not script.exists():
        pytest.skip("no installed ceplan script beside this Python")
    argv = ["optimise", "--tier", "associate", "--today", TODAY, "--format", "json"]
    installed = subprocess.run(
        [str(script), *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    module = run_process(*argv, cwd=tmp_path)
    assert installed.returncode == module.returncode == 0
    assert installed.stdout == module.stdout


# -- faults and hostile input: one line, never a traceback, never harm ------------------------


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ceplan: error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize("argv", [["optimise", "--tier", "professional"], ["--help"]])
def test_a_full_disk_on_stdout_is_one_line(tmp_path: Path, argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "ceplan", *argv],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2
    assert "cannot write the output" in one_error_line(result)


def test_a_closed_stdout_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ceplan", "optimise", "--tier", "professional"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 2
    assert "cannot write the output" in one_error_line(result)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_ascii_only_stdout_gets_escapes_not_a_crash(tmp_path: Path, fmt: str) -> None:
    """The bundled exam title is cut with '...' in the table; JSON escapes stay valid JSON."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    argv = ["optimise", "--tier", "professional", "--today", TODAY, "--format", fmt]
    result = run_process(*argv, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.isascii()
    if fmt == "json":
        title = json.loads(result.stdout)["exams"][0]["title"]
        assert title == ceplan.load_catalog().item("encor-350-401").title
    if fmt == "table":
        assert "Implementing and Operatin... (ENCOR 350-401)  " in result.stdout


@pytest.mark.parametrize(
    ("argv", "code", "check"),
    [
        (["--budget", "1e307"], 0, "budget 1e+307 GBP"),
        (["--earned", "1e300", "--format", "json"], 0, '"already_met": true'),
        (["--earned", "1e308", "--budget", "5"], 0, "Already met"),
        (["--hours-per-week", "1e-300"], 0, "1e-300 study hours a week"),
    ],
)
def test_extreme_numbers_give_plans_not_tracebacks(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, check: str
) -> None:
    status, out, err = run(capsys, "optimise", "--tier", "professional", "--today", TODAY, *argv)
    assert (status, err) == (code, "")
    assert check in out
    assert "time limit" not in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--expires", "9998-06-01"], "more than 50 years after today"),
        (["--today", "20261129"], "not a date in the form YYYY-MM-DD"),
        (["--today", "2026-W48-7"], "not a date in the form YYYY-MM-DD"),
        (["--expires", "2026-11-29T00:00"], "not a date in the form YYYY-MM-DD"),
        (["--expires", "0001-01-01"], "leaves the calendar"),
        (["--hours-per-week", "1e307"], "--hours-per-week must be at most 168"),
        (["--processing-days", "-1"], "whole number of days"),
        (["--budget", "1e309"], "finite number"),
    ],
)
def test_out_of_range_or_malformed_input_is_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    status, out, err = run(capsys, "optimise", "--tier", "professional", *argv)
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and words in err, err


def ics_argv(target: Path) -> list[str]:
    return ["optimise", "--tier", "associate", "--today", TODAY, "--ics", str(target)]


def test_ics_refuses_a_fifo_and_leaves_it_a_fifo(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fifo = tmp_path / "plan.ics"
    os.mkfifo(fifo)
    status, out, err = run(capsys, *ics_argv(fifo))
    assert status == 2 and out == ""
    assert "not a regular file" in err and len(err.splitlines()) == 1
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_ics_refuses_a_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, *ics_argv(tmp_path))
    assert status == 2 and "not a regular file" in err
    assert tmp_path.is_dir()


def test_ics_never_writes_through_or_replaces_a_symlink(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("keep me\n")
    link = tmp_path / "plan.ics"
    link.symlink_to(target)
    for where in (link, tmp_path / "to-null.ics"):
        if where != link:
            where.symlink_to("/dev/null")
        status, _, err = run(capsys, *ics_argv(where))
        assert status == 2 and "symbolic link" in err
        assert where.is_symlink()
    assert target.read_text() == "keep me\n"


def test_ics_replaces_a_regular_file_and_keeps_its_mode(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "plan.ics"
    target.write_text("old\n")
    target.chmod(0o600)
    status, _, err = run(capsys, *ics_argv(target))
    assert status == 0, err
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]  # no temporary file left


# -- ceplan check --------------------------------------------------------------------------------


def test_check_a_valid_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check")
    assert (code, err) == (0, "")
    assert out.endswith(
        "valid (Cisco Continuing Education Program: 4 tiers, 4 exams, 6 activities)\n"
    )
    code, out, err = run(capsys, "check", "--format", "json")
    report = json.loads(out)
    assert (code, report["valid"], report["problems"]) == (0, True, [])
    assert (report["tiers"], report["exams"], report["activities"]) == (4, 4, 6)


def test_check_lists_every_problem_a_line_each(
    capsys: pytest.CaptureFixture[str], write_catalog: WriteCatalog
) -> None:
    data = catalog_data(
        activities=[
            {"id": "a", "title": "A", "type": "t", "credits": 0, "cost": "£150"},
            {"id": "a", "title": "B", "type": "t", "credits": 5, "cost": 1, "currency": "USD"},
        ]
    )
    path = write_catalog(data)
    code, out, err = run(capsys, "check", "--catalog", str(path))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 4 and all(line.startswith(f"ceplan: error: {path}:") for line in lines)
    assert "field 'cost'" in err and "(got '£150')" in err and "duplicate id" in err
    code, out, err = run(capsys, "check", "--catalog", str(path), "--format", "json")
    report = json.loads(out)
    assert (code, report["valid"], len(report["problems"])) == (2, False, 4)
    assert [p["text"] for p in report["problems"]] == [
        line.removeprefix("ceplan: error: ") for line in err.splitlines()
    ]
    assert {p["field"] for p in report["problems"]} == {"cost", "credits", "id", "currency"}


def test_a_reader_that_goes_away_does_not_change_the_exit_status(tmp_path: Path) -> None:
    """``ceplan ... | true``: stdout's pipe is closed; 'no plan' still exits 1, quietly."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    argv = ["optimise", "--tier", "professional", "--today", TODAY, "--budget", "10"]
    result = subprocess.run(
        [sys.executable, "-m", "ceplan", *argv],
        cwd=tmp_path,
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )
    os.close(write_end)
    assert (result.returncode, result.stderr) == (1, "")


def test_a_fault_of_ceplan_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("something ceplan did not expect")

    monkeypatch.setattr("ceplan.cli.main.optimise", broken)
    monkeypatch.setattr("ceplan.cli.main.optimise_and_compare", broken)  # the table's
    code, out, err = run(capsys, "optimise", "--tier", "professional")
    assert (code, out) == (2, "")
    assert err == (
        "ceplan: error: internal error, please report it: "
        "RuntimeError: something ceplan did not expect\n"
    )
