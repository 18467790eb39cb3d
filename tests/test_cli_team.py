"""``ceplan team`` from the shell: the what-if (``--budget-factor``), budget periods and funds
given as options, the line that says what ``--out`` holds, and a calendar per person
(``--ics-dir``).

Teams are small (three people, the bundled catalogue): each plan takes a fraction of a second.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shlex
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

import ceplan
import ceplan.planning.team as team_module
from ceplan.cli.main import main

TODAY = "2026-11-29"
PERIODS = [
    {"name": "FY2026-27", "start": dt.date(2026, 4, 1), "end": dt.date(2027, 3, 31), "amount": 500},
    {"name": "FY2027-28", "start": dt.date(2027, 4, 1), "end": dt.date(2028, 3, 31), "amount": 500},
]
"""Each pays for two of the associate exams (237.00 GBP): everyone renews; cut by half, one
period pays for one exam, and someone is at risk."""


def person(id: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": id.title(), "tier": "associate", "expires": "2027-09-30", **fields}


PEOPLE = [
    person("ann", priority=2),
    person("bo", expires="2028-02-29"),
    person("cy", expires="2027-06-30"),
]


def roster_data(**top: Any) -> dict[str, Any]:
    return {"schema": 1, "team": "Ops", "budgets": PERIODS, "funds": [], "people": PEOPLE, **top}


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(roster_data(), sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    rows = ["id,name,tier,expires,priority"]
    rows += [
        f"{p['id']},{p['name']},{p['tier']},{p['expires']},{p.get('priority', '')}" for p in PEOPLE
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def catalog() -> ceplan.Catalog:
    return ceplan.load_catalog()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["team", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def planned(catalog: ceplan.Catalog, data: dict[str, Any]) -> ceplan.TeamPlan:
    return ceplan.plan_team(catalog, data, today=TODAY)


@pytest.fixture
def no_solve(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every plan asked for, by the command or the what-if (none when input is refused)."""
    asked: list[object] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        asked.append(args)
        raise SystemExit("planned")  # never reached when the input is refused first

    monkeypatch.setattr(team_module, "plan_team", refuse)
    return asked


def one_error(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ceplan: error: "), err
    return lines[0]


# -- --budget-factor: the what-if ------------------------------------------------------------------


def test_the_budget_factor_shows_the_cut_beside_the_plan_as_given_then_the_cut_plan(
    capsys: pytest.CaptureFixture[str], roster: Path, catalog: ceplan.Catalog
) -> None:
    code, out, err = run(capsys, str(roster), "--today", TODAY, "--budget-factor", "0.5")
    halved = roster_data(budgets=[{**period, "amount": 250} for period in PERIODS])
    before, after = planned(catalog, roster_data()), planned(catalog, halved)
    assert not before.at_risk and len(after.at_risk) == 1  # the example is what it says
    assert (code, err) == (1, "")  # the status of the plan with the factor applied
    lines = out.splitlines()
    assert (
        lines[0]
        == "What if: Ops with every budget period x0.5 (a 50% cut), beside the plan as given"
    )
    assert lines[2].split() == ["as", "given", "budgets", "x0.5"]
    assert lines[4].split() == ["renew", "3", "of", "3", "2", "of", "3"]
    gone = after.at_risk[0]
    assert f"  now at risk: {gone.name} ({gone.id})" in lines
    assert any(line.split()[:4] == [gone.id, "renews", "->", "AT"] for line in lines)
    spent = [b.spent for b in before.budget_uses], [b.spent for b in after.budget_uses]
    for name, first, last in zip(["FY2026-27", "FY2027-28"], *spent, strict=True):
        row = next(line for line in lines if line.startswith(f"  {name}"))
        assert "500.00 -> 250.00 GBP" in row and f"{first:,.2f} -> {last:,.2f} GBP" in row
    assert "  items no longer planned (1):" in lines
    # Then the cut plan's own table, with its reasons, as the plan alone prints it.
    tail = ["The plan with budgets x0.5:", *after.lines()]
    assert lines[-len(tail) :] == tail


def test_the_comparison_in_python_is_what_the_command_prints(
    capsys: pytest.CaptureFixture[str], roster: Path, catalog: ceplan.Catalog
) -> None:
    cut = ceplan.what_if(catalog, roster, budget_factor=0.5, today=TODAY)
    code, out, _ = run(capsys, str(roster), "--today", TODAY, "--budget-factor", "0.5")
    assert out == "\n".join(cut.lines()) + "\n"
    code, out, _ = run(
        capsys, str(roster), "--today", TODAY, "--budget-factor", "0.5", "--format", "json"
    )
    assert out == cut.to_json() + "\n"
    assert (cut.budget_factor, cut.change, cut.replaced) == (0.5, "budgets x0.5", ())


def test_a_factor_of_one_changes_nothing_and_exits_as_the_plan_does(
    capsys: pytest.CaptureFixture[str], roster: Path
) -> None:
    code, out, err = run(capsys, str(roster), "--today", TODAY, "--budget-factor", "1")
    assert (code, err) == (0, "")
    assert "every budget period x1 (the same amounts)" in out.splitlines()[0]
    assert (
        "  nobody's status, path or money changes" in out
        and "  no item is planned or paid otherwise" in out
    )


def test_the_comparison_as_json_holds_both_plans_and_what_differs(
    capsys: pytest.CaptureFixture[str], roster: Path, catalog: ceplan.Catalog
) -> None:
    argv = [str(roster), "--today", TODAY, "--budget-factor", "0.5", "--format", "json"]
    code, out, err = run(capsys, *argv)
    assert (code, err) == (1, "")
    assert run(capsys, *argv)[1] == out  # byte for byte
    data = json.loads(out)
    assert list(data) == [
        "change",
        "budget_factor",
        "replaced",
        "difference",
        "as_given",
        "changed",
    ]
    assert (data["change"], data["budget_factor"], data["replaced"]) == ("budgets x0.5", 0.5, [])
    halved = roster_data(budgets=[{**period, "amount": 250} for period in PERIODS])
    before, after = planned(catalog, roster_data()), planned(catalog, halved)
    assert data["as_given"] == json.loads(before.to_json())
    assert data["changed"] == json.loads(after.to_json())
    difference = data["difference"]
    gone = after.at_risk[0].id
    assert difference["now_at_risk"] == [gone] and difference["now_renewing"] == []
    assert difference["renewing"] == {"before": 3, "after": 2}
    assert difference["out_of_pocket"] == {
        "before": before.out_of_pocket,
        "after": after.out_of_pocket,
    }
    assert [row["amount_after"] for row in difference["budgets"]] == [250.0, 250.0]
    assert [row["id"] for row in difference["people"]] == ["ann", "bo", "cy"]
    changed = {row["id"]: row["change"] for row in difference["people"]}
    assert changed[gone] == "now at risk"
    dropped = [item for item in difference["items"] if item["change"] == "dropped"]
    assert [item["person"] for item in dropped] == [gone]
    assert dropped[0]["paid_on_after"] is None and dropped[0]["paid_on_before"] >= TODAY


def test_the_comparison_as_csv_is_a_row_per_person_with_text_marked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = roster_data(people=[{**PEOPLE[0], "name": "=cmd|' /C calc'!A0"}, *PEOPLE[1:]])
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, out, err = run(
        capsys, str(path), "--today", TODAY, "--budget-factor", "0.5", "--format", "csv"
    )
    assert (code, err) == (1, "")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [row["id"] for row in rows] == ["ann", "bo", "cy"]
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    for row in rows:
        for column in ("status", "path", "out_of_pocket", "from_funds", "reasons"):
            assert f"{column}_before" in row and f"{column}_after" in row
    gone = [row for row in rows if row["change"] == "now at risk"]
    assert len(gone) == 1 and gone[0]["status_after"] == "at_risk" and gone[0]["reasons_after"]
    assert gone[0]["out_of_pocket_before"] == "237.0" and gone[0]["path_after"] == ""


def test_the_factor_scales_the_budget_given_as_an_option(
    capsys: pytest.CaptureFixture[str], people_csv: Path
) -> None:
    argv = [str(people_csv), "--today", TODAY, "--budget", "1000", "--budget-factor", "0.25"]
    code, out, err = run(capsys, *argv, "--format", "json")
    data = json.loads(out)
    assert [b["amount"] for b in data["as_given"]["budgets"]] == [1000.0]
    assert [b["amount"] for b in data["changed"]["budgets"]] == [250.0]
    assert code == 1 and data["difference"]["renewing"] == {"before": 3, "after": 1}


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (
            ["--format", "xlsx", "--out", "plan.xlsx"],
            "--budget-factor shows two plans side by side",
        ),
        (["--budget-factor", "-1"], "argument --budget-factor: '-1' must be a finite number >= 0"),
        (["--budget-factor", "nan"], "'nan' must be a finite number >= 0"),
        (["--budget-factor", "1e300"], "--budget-factor: budgets[0] 'FY2026-27': field 'amount'"),
    ],
)
def test_a_factor_that_cannot_be_used_is_refused_before_planning(
    capsys: pytest.CaptureFixture[str],
    roster: Path,
    no_solve: list[object],
    argv: list[str],
    words: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    factor = [] if "--budget-factor" in argv else ["--budget-factor", "0.5"]
    code, out, err = run(capsys, str(roster), "--today", TODAY, *factor, *argv)
    assert (code, out, no_solve) == (2, "", [])
    assert words in err.splitlines()[0] and all(
        line.startswith("ceplan: error: ") for line in err.splitlines()
    )
    assert not (tmp_path / "plan.xlsx").exists()


def test_a_factor_without_budget_periods_is_refused(
    capsys: pytest.CaptureFixture[str], people_csv: Path, no_solve: list[object]
) -> None:
    code, out, err = run(capsys, str(people_csv), "--today", TODAY, "--budget-factor", "0.7")
    assert (code, out, no_solve) == (2, "", [])
    assert (
        "--budget-factor scales the budget periods, and there are none: give --budget"
        in one_error(err)
    )


# -- --budget and --fund -------------------------------------------------------------------------


def test_one_budget_is_named_by_its_days_not_budget_budget(
    capsys: pytest.CaptureFixture[str], people_csv: Path
) -> None:
    code, out, err = run(capsys, str(people_csv), "--today", TODAY, "--budget", "500")
    assert (code, err) == (1, "")
    assert "budget budget" not in out
    assert (
        "  budget 2026-11-29 to 2028-02-29: 474.00 GBP of 500.00 GBP spent, 26.00 GBP left" in out
    )
    code, out, err = run(
        capsys, str(people_csv), "--today", TODAY, "--budget", "500", "--format", "json"
    )
    budget = json.loads(out)["budgets"]
    assert budget == [
        {
            "name": "2026-11-29 to 2028-02-29",
            "start": "2026-11-29",
            "end": "2028-02-29",
            "amount": 500.0,
            "spent": 474.0,
            "left": 26.0,
        }
    ]


def test_budget_periods_as_options_plan_as_the_rosters_own(
    capsys: pytest.CaptureFixture[str], people_csv: Path, catalog: ceplan.Catalog
) -> None:
    options = [f"--budget={p['name']}={p['start']}:{p['end']}:{p['amount']}" for p in PERIODS]
    code, out, err = run(capsys, str(people_csv), "--today", TODAY, *options, "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    same = json.loads(planned(catalog, roster_data()).to_json())
    assert data["budgets"] == same["budgets"] and data["people"] == same["people"]


def test_budget_options_replace_a_yaml_rosters_periods(
    capsys: pytest.CaptureFixture[str], roster: Path
) -> None:
    code, out, err = run(
        capsys,
        str(roster),
        "--today",
        TODAY,
        "--budget",
        "All=2026-01-01:2028-12-31:300",
        "--format",
        "json",
    )
    assert (code, err) == (1, "")
    assert [b["name"] for b in json.loads(out)["budgets"]] == ["All"]


def test_a_fund_as_an_option_pays_as_the_rosters_own(
    capsys: pytest.CaptureFixture[str], people_csv: Path, catalog: ceplan.Catalog
) -> None:
    fund = {
        "name": "CLC order 4711",
        "amount": 300,
        "currency": "USD",
        "expires": dt.date(2027, 6, 30),
        "pays_for": ["exams"],
    }
    argv = [str(people_csv), "--today", TODAY, "--budget", "FY=2026-04-01:2028-03-31:300"]
    code, out, err = run(
        capsys, *argv, "--fund", "CLC order 4711=300:USD:2027-06-30:exams", "--format", "json"
    )
    assert err == ""
    data = json.loads(out)
    budgets = [{"name": "FY", "start": "2026-04-01", "end": "2028-03-31", "amount": 300}]
    same = json.loads(planned(catalog, roster_data(budgets=budgets, funds=[fund])).to_json())
    assert data["funds"] == same["funds"] and data["funds"][0]["used"] > 0
    assert data["funds"][0]["given"] == {"amount": 300.0, "currency": "USD"}
    assert data["people"] == same["people"]


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (
            ["--budget", "FY=100"],
            "argument --budget: 'FY=100' is not a budget period NAME=START:END:AMOUNT",
        ),
        (["--budget", "FY=2026-04-01:2027-03-31"], "is not a budget period NAME=START:END:AMOUNT"),
        (["--budget", "=2026-04-01:2027-03-31:5"], "is not a budget period NAME=START:END:AMOUNT"),
        (
            ["--budget", "FY=2026-04-01:2027-13-31:5"],
            "argument --budget: '2027-13-31' is not a valid date",
        ),
        (
            ["--budget", "FY=1.4.2026:2027-03-31:5"],
            "'1.4.2026' is not a date in the form YYYY-MM-DD",
        ),
        (["--budget", "FY=2026-04-01:2027-03-31:-5"], "'-5' is not an amount (a number >= 0)"),
        (["--budget", "lots"], "'lots' is neither an amount nor a budget period"),
        (
            ["--budget", "100", "--budget", "200"],
            "give --budget AMOUNT once, or --budget NAME=START:END:AMOUNT",
        ),
        (
            ["--budget", "100", "--budget", "FY=2026-04-01:2027-03-31:5"],
            "give --budget AMOUNT once",
        ),
        (
            ["--budget", "A=2026-04-01:2027-03-31:5", "--budget", "B=2027-03-01:2028-03-31:5"],
            "--budget: budgets[1] 'B': field 'start': falls in budget period 'A' (2026-04-01 to "
            "2027-03-31): periods must not overlap",
        ),
        (
            ["--budget", "A=2027-04-01:2027-03-31:5"],
            "--budget: budgets[0] 'A': field 'end': is before start 2027-04-01",
        ),
        (
            ["--budget", "A=2026-04-01:2027-03-31:5", "--budget", "A=2027-04-01:2028-03-31:5"],
            "--budget: budgets[1] 'A': field 'name': is used by budgets[0] too",
        ),
        (
            ["--fund", "F=5:USD"],
            "argument --fund: 'F=5:USD' is not a fund NAME=AMOUNT:CURRENCY:EXPIRES[:PAYS_FOR]",
        ),
        (["--fund", "F=five:USD:2027-01-01"], "'five' is not an amount"),
        (
            ["--fund", "F=5:XYZ:2027-01-01"],
            "--fund: funds[0] 'F': field 'currency': has no exchange rate to GBP",
        ),
        (["--fund", "F=5:USD:2027-01-01:food"], "--fund: funds[0] 'F': field 'pays_for.0'"),
    ],
)
def test_bad_budget_and_fund_options_are_one_line_before_planning(
    capsys: pytest.CaptureFixture[str],
    people_csv: Path,
    no_solve: list[object],
    option: list[str],
    words: str,
) -> None:
    code, out, err = run(capsys, str(people_csv), "--today", TODAY, *option)
    assert (code, out, no_solve) == (2, "", [])
    assert words in one_error(err)


# -- --out says what it wrote ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "held"),
    [
        ("table", "team plan as a table"),
        ("json", "team plan as JSON"),
        ("csv", "team plan as CSV, one row per person"),
        ("xlsx", "workbook (summary, people, items, budgets, funds, calendar)"),
    ],
)
def test_a_written_output_is_said_on_stderr_and_only_then(
    capsys: pytest.CaptureFixture[str], roster: Path, tmp_path: Path, form: str, held: str
) -> None:
    target = tmp_path / f"plan.{form}"
    argv = [str(roster), "--today", TODAY, "--budget", "500", "--format", form]
    code, out, err = run(capsys, *argv, "--out", str(target))
    assert (code, out) == (1, "")
    assert err == f"ceplan: wrote '{target}': {held}, for 3 people, 1 at risk\n"
    assert target.stat().st_size > 0
    if form != "xlsx":
        code, out, err = run(capsys, *argv)
        assert (code, err) == (1, "") and out.encode() == target.read_bytes()


def test_a_written_comparison_says_both_plans(
    capsys: pytest.CaptureFixture[str], roster: Path, tmp_path: Path
) -> None:
    target = tmp_path / "cut.csv"
    argv = [
        str(roster),
        "--today",
        TODAY,
        "--budget-factor",
        "0.5",
        "--format",
        "csv",
        "--out",
        str(target),
    ]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert err == (
        f"ceplan: wrote '{target}': the team as given and with budgets x0.5, side by side, as "
        "CSV, one row per person, for 3 people, 1 at risk with budgets x0.5 (0 as given)\n"
    )


# -- --ics-dir -----------------------------------------------------------------------------------


def test_each_person_who_renews_gets_their_calendar_and_stderr_says_who_did_not(
    capsys: pytest.CaptureFixture[str], roster: Path, tmp_path: Path, catalog: ceplan.Catalog
) -> None:
    folder = tmp_path / "out" / "calendars"  # made, parents too
    code, out, err = run(
        capsys, str(roster), "--today", TODAY, "--budget", "500", "--ics-dir", str(folder)
    )
    whole = {"name": f"{TODAY} to 2028-02-29", "start": TODAY, "end": "2028-02-29", "amount": 500}
    plan = planned(catalog, roster_data(budgets=[whole]))
    assert code == 1 and out == "\n".join(plan.lines()) + "\n"
    expected = ceplan.team_to_ics(plan, catalog)
    (gone,) = plan.at_risk
    assert sorted(path.name for path in folder.iterdir()) == sorted(f"{p}.ics" for p in expected)
    assert f"{gone.id}.ics" not in expected
    for person, calendar in expected.items():
        assert (folder / f"{person}.ics").read_bytes() == calendar
    assert err.splitlines() == [
        f"ceplan: wrote 2 calendars to '{folder}' (<id>.ics, one per person who renews)",
        f"ceplan: no calendar for {gone.id}: at risk, with no plan to follow",
    ]


def test_an_older_calendar_of_someone_now_at_risk_is_left_and_said(
    capsys: pytest.CaptureFixture[str], roster: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "calendars"
    argv = [str(roster), "--today", TODAY, "--ics-dir", str(folder)]
    assert run(capsys, *argv)[0] == 0  # everyone renews: three calendars
    assert len(list(folder.iterdir())) == 3
    code, _, err = run(capsys, *argv, "--budget-factor", "0.5")  # the calendars of the cut plan
    assert code == 1
    lines = err.splitlines()
    assert (
        lines[0] == f"ceplan: wrote 2 calendars to '{folder}' (<id>.ics, one per person who renews)"
    )
    gone = (
        lines[1]
        .removeprefix("ceplan: no calendar for ")
        .removesuffix(": at risk, with no plan to follow")
    )
    assert gone in ("ann", "bo", "cy")
    assert lines[2:] == [
        f"ceplan: '{folder / (gone + '.ics')}' is from an earlier plan: left as it was"
    ]


def test_calendars_in_a_named_time_zone(
    capsys: pytest.CaptureFixture[str], roster: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "calendars"
    argv = [
        str(roster),
        "--today",
        TODAY,
        "--ics-dir",
        str(folder),
        "--ics-timezone",
        "Europe/London",
    ]
    assert run(capsys, *argv)[0] == 0
    text = (folder / "ann.ics").read_text(encoding="utf-8")
    assert "TZID=Europe/London" in text and "BEGIN:VTIMEZONE" in text


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (
            ["--ics-timezone", "Europe/London"],
            "--ics-timezone is for the calendars of --ics-dir: give --ics-dir DIR",
        ),
        (
            ["--ics-dir", "{tmp}/c", "--ics-timezone", "Europe/Londn"],
            "--ics-timezone: unknown time zone 'Europe/Londn'",
        ),
        (
            ["--ics-dir", "{tmp}/c", "--ics-timezone", "../../etc/passwd"],
            "--ics-timezone: '../../etc/passwd' is not a time zone name",
        ),
        (
            ["--ics-dir", "{tmp}/file"],
            "cannot write calendars to '{tmp}/file': it exists and is not a folder",
        ),
        (
            ["--ics-dir", "{tmp}/link"],
            "cannot write calendars to '{tmp}/link': it is a symbolic link",
        ),
        (["--ics-dir", "{tmp}/old"], "cannot write calendar '{tmp}/old/bo.ics': it is read-only"),
        (
            ["--ics-dir", "{tmp}/c", "--out", "{tmp}/c/cy.ics"],
            "--out '{tmp}/c/cy.ics' is also the calendar of 'cy' in --ics-dir",
        ),
        (
            ["--ics-dir", "{tmp}/roster"],
            "cannot write calendar '{tmp}/roster/ann.ics': it is the input file",
        ),
    ],
)
def test_calendars_that_cannot_be_written_are_refused_before_planning(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    no_solve: list[object],
    argv: list[str],
    words: str,
) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "bo.ics").write_text("", encoding="utf-8")
    (tmp_path / "old" / "bo.ics").chmod(stat.S_IRUSR)
    (tmp_path / "roster").mkdir()
    roster = tmp_path / "roster" / "ann.ics"  # a roster someone named so
    roster.write_text(yaml.safe_dump(roster_data()), encoding="utf-8")
    shown = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    code, out, err = run(capsys, str(roster), "--today", TODAY, *shown)
    assert (code, out, no_solve) == (2, "", [])
    assert words.replace("{tmp}", str(tmp_path)) in one_error(err)
    assert not (tmp_path / "c").exists()  # nothing made for a plan never made


def test_no_calendars_without_a_plan(
    capsys: pytest.CaptureFixture[str],
    roster: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plan not found in time renews nobody: no calendars, and stderr says why."""
    real = team_module.plan_team

    def unknown(*args: Any, **kwargs: Any) -> ceplan.TeamPlan:
        import dataclasses

        plan = real(*args, **kwargs)
        nobody = tuple(
            dataclasses.replace(o, renews=False, items=(), path=None) for o in plan.outcomes
        )
        return dataclasses.replace(
            plan, status="unknown", termination="time_limit", outcomes=nobody
        )

    monkeypatch.setattr(team_module, "plan_team", unknown)
    folder = tmp_path / "calendars"
    code, _, err = run(capsys, str(roster), "--today", TODAY, "--ics-dir", str(folder))
    assert code == 3
    assert err == f"ceplan: no plan, so no calendars written to '{folder}'\n"
    assert list(folder.iterdir()) == []


# -- the comparison in Python ----------------------------------------------------------------------


def test_periods_and_funds_replaced_by_others_are_all_shown(catalog: ceplan.Catalog) -> None:
    """Matched by name: a period or fund in one plan only is there, empty in the other."""
    other = [{"name": "All", "start": "2026-01-01", "end": "2028-12-31", "amount": 1000}]
    fund = {"name": "F", "amount": 100, "expires": "2027-06-30"}
    cut = ceplan.what_if(catalog, roster_data(), budgets=other, funds=[fund], today=TODAY)
    assert cut.change == "other budgets and other funds" and cut.replaced == ("budgets", "funds")
    assert list(cut.budgets["name"]) == ["FY2026-27", "FY2027-28", "All"]
    assert cut.budgets["amount_after"].isna().tolist() == [True, True, False]
    assert cut.budgets["amount_before"].isna().tolist() == [False, False, True]
    assert list(cut.funds["name"]) == ["F"] and cut.funds["used_before"].isna().all()
    text = "\n".join(cut.lines())
    assert "  All            - -> 1,000.00 GBP" in text
    assert "  FY2026-27      500.00 -> - GBP" in text


def test_what_if_reports_each_plans_progress_by_name(catalog: ceplan.Catalog) -> None:
    said: list[str] = []
    ceplan.what_if(catalog, roster_data(), budget_factor=0.5, today=TODAY, progress=said.append)
    assert said and {line.split(":")[0] for line in said} == {"as given", "budgets x0.5"}


# -- the README ----------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = re.compile(r"^```console\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def test_the_readmes_commands_that_write_files_print_what_it_shows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's ``console`` blocks write files: each runs in a copy of the examples."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    blocks = [
        match.group(1).splitlines()
        for match in CONSOLE.finditer((ROOT / "README.md").read_text(encoding="utf-8"))
    ]
    team = [lines for lines in blocks if lines[0].startswith("$ ceplan team ")]
    assert len(team) == 2
    for command, *shown in team:
        expected = 0
        if shown and shown[-1].startswith("(exit "):
            expected = int(shown.pop().removeprefix("(exit ").removesuffix(")"))
        code = main(shlex.split(command.removeprefix("$ "))[1:])
        out, err = capsys.readouterr()
        assert (code, (out + err).splitlines()) == (expected, shown), command
