"""Team rosters (SPEC section 7; ceplan/roster/models.py, ceplan/roster/read.py).

A roster is read from YAML or from a CSV of people; both forms of the same team give the same
roster, and a bad roster gives every problem at once, each naming the file, the line (or the
CSV row), the entry and the field.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from tests.conftest import examples

ROOT = Path(__file__).resolve().parent.parent


def problems_of(path: Path, **kwargs: Any) -> list[str]:
    """The problems of the roster at ``path``, its folder left out of the file names."""
    with pytest.raises(ceplan.RosterError) as info:
        ceplan.load_roster(path, **kwargs)
    folder = str(path.parent) + os.sep
    return [str(problem).replace(folder, "") for problem in info.value.problems]


def test_the_example_team_reads_the_same_from_yaml_and_csv() -> None:
    from_yaml = ceplan.load_roster(ROOT / "examples" / "team.yaml")
    from_csv = ceplan.load_roster(ROOT / "examples" / "team.csv")
    assert len(from_yaml.people) == 12
    assert {person.tier for person in from_yaml.people} == {
        "associate",
        "specialist",
        "professional",
        "expert",
    }
    assert from_csv.people == from_yaml.people
    assert [b.name for b in from_yaml.budgets] == ["FY2026-27", "FY2027-28"]
    (fund,) = from_yaml.funds
    assert (fund.currency, fund.pays_for, fund.expires) == (
        "USD",
        ("activities",),
        dt.date(2027, 6, 30),
    )
    priya = from_yaml.person("priya")
    assert (priya.earned, priya.priority, priya.exams) == (24.0, 2.0, True)
    assert from_yaml.person("sara").exams is False
    assert from_yaml.person("omar").passed == ("core",)


def test_every_problem_of_a_yaml_roster_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(
        "schema: 1\n"
        "team: T\n"
        "colour: red\n"
        "budgets:\n"
        "  - {name: FY1, start: 2026-04-01, end: 2027-03-31, amount: 100}\n"
        "  - {name: FY2, start: 2027-03-01, end: 2028-03-31, amount: -5}\n"
        "  - {name: FY3, start: 2029-04-01, end: 2029-03-31, amount: 5}\n"
        "funds:\n"
        "  - {name: CLC, amount: 100, expires: 2027-06-30, pays_for: [courses]}\n"
        "people:\n"
        "  - {id: ann, name: Ann, tier: professional, expires: 2027-09-30}\n"
        "  - {id: ann, name: Ann Two, tier: professional, expires: 2027-10-31}\n"
        "  - id: bo\n"
        "    name: Bo\n"
        "    tier: professional\n"
        "    expires: '2027-02-30'\n"
        "    priority: 0\n"
        "    exams: maybe\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path / "team.yaml") == [
        "team.yaml:3: field 'colour': unknown key (got 'red')",
        "team.yaml:6: budgets[1] 'FY2': field 'amount': Input should be greater than or equal"
        " to 0 (got -5)",
        "team.yaml:7: budgets[2] 'FY3': field 'end': is before start 2029-04-01 (got 2029-03-31)",
        "team.yaml:9: funds[0] 'CLC': field 'pays_for.0': Input should be 'activities' or"
        " 'exams' (got 'courses')",
        "team.yaml:12: people[1] 'ann': field 'id': is used by people[0] too (got 'ann')",
        "team.yaml:16: people[2] 'bo': field 'expires': is not a date in YYYY-MM-DD form"
        " (got '2027-02-30')",
        "team.yaml:17: people[2] 'bo': field 'priority': must be a whole number from 1 to"
        " 1,000,000 (got 0)",
        "team.yaml:18: people[2] 'bo': field 'exams': Input should be a valid boolean"
        " (got 'maybe')",
    ]


def test_overlapping_budget_periods_are_refused(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(
        "schema: 1\nteam: T\nbudgets:\n"
        "  - {name: Year, start: 2026-01-01, end: 2026-12-31, amount: 10}\n"
        "  - {name: Spring, start: 2026-03-01, end: 2026-05-31, amount: 10}\n"
        "  - {name: Summer, start: 2026-06-01, end: 2026-08-31, amount: 10}\n"
        "people: [{id: a, name: A, tier: pro, expires: 2027-01-01}]\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path / "team.yaml") == [
        "team.yaml:5: budgets[1] 'Spring': field 'start': falls in budget period 'Year'"
        " (2026-01-01 to 2026-12-31): periods must not overlap (got 2026-03-01)",
        "team.yaml:6: budgets[2] 'Summer': field 'start': falls in budget period 'Year'"
        " (2026-01-01 to 2026-12-31): periods must not overlap (got 2026-06-01)",
    ]


def test_every_problem_of_a_csv_roster_is_named_with_its_row_and_line(tmp_path: Path) -> None:
    (tmp_path / "team.csv").write_text(
        "id,name,tier,expires,earned,exams,passed\n"
        "ann,Ann,professional,2027-09-30,24,yes,core;professional\n"
        "Bo,Bo,professional,2027-09-30,lots,TRUE,\n"
        "cy,,professional,2027-09-30,,perhaps,\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path / "team.csv") == [
        "team.csv:3: row 2 'Bo': field 'earned': Input should be a valid number (got 'lots')",
        "team.csv:3: row 2 'Bo': field 'id': String should match pattern"
        " '^[a-z0-9][a-z0-9._-]*$' (got 'Bo')",
        "team.csv:4: row 3 'cy': field 'exams': Input should be a valid boolean (got 'perhaps')",
        "team.csv:4: row 3 'cy': field 'name': is required",
    ]


def test_a_csv_header_is_checked_before_its_rows(tmp_path: Path) -> None:
    (tmp_path / "team.csv").write_text(
        "id,name,colour,Name\nann,Ann,red,Ann\nBo,,,\n", encoding="utf-8"
    )
    assert problems_of(tmp_path / "team.csv") == [
        "team.csv:1: columns 'name' (column B) and 'Name' (column D) both mean name (headers are"
        " matched without regard to case, spaces, '_' and '-'): keep one",
        "team.csv:1: field 'tier': missing column",
        "team.csv:1: field 'expires': missing column",
    ]


@pytest.mark.parametrize(
    "extra", [["x" * 2000] * 2, [f"colour{n}" for n in range(500)] * 2, ["name"] * 500]
)
def test_a_csv_header_with_long_or_many_columns_given_twice_gives_short_lines(
    tmp_path: Path, extra: list[str]
) -> None:
    header = ",".join(["id", "name", "tier", "expires", *extra])
    (tmp_path / "team.csv").write_text(header + "\n", encoding="utf-8")
    lines = problems_of(tmp_path / "team.csv")
    assert len(lines) <= 11
    assert all(len(line) < 300 for line in lines), max(lines, key=len)
    twice = len(extra) // 2 if extra[0] != "name" else len(extra)
    if twice > 10:
        assert lines[-1] == f"team.csv:1: {twice - 10} more columns that cannot be read"


def test_people_may_come_from_a_csv_beside_the_yaml(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(
        "id,name,tier,expires\nann,Ann,professional,2027-09-30\nbo,Bo,associate,2027-13-01\n",
        encoding="utf-8",
    )
    (tmp_path / "team.yaml").write_text(
        "schema: 1\nteam: T\nbudgets: [{name: FY, start: 2026-04-01, end: 2027-03-31, amount: 5}]\n"
        "people_from: people.csv\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path / "team.yaml") == [
        "people.csv:3: row 2 'bo': field 'expires': is not a date in YYYY-MM-DD form"
        " (got '2027-13-01')",
    ]
    (tmp_path / "people.csv").write_text(
        "id,name,tier,expires\nann,Ann,professional,2027-09-30\n", encoding="utf-8"
    )
    roster = ceplan.load_roster(tmp_path / "team.yaml")
    assert [p.id for p in roster.people] == ["ann"] and roster.budgets[0].name == "FY"


def test_budgets_and_funds_can_be_given_beside_a_csv(tmp_path: Path) -> None:
    (tmp_path / "team.csv").write_text("id,name,tier,expires\na,A,pro,2027-01-01\n")
    roster = ceplan.load_roster(
        tmp_path / "team.csv",
        funds=[ceplan.Fund(name="CLC", amount=1000, expires=dt.date(2027, 6, 30))],
        budgets=[{"name": "FY", "start": "2026-04-01", "end": "2027-03-31", "amount": 5}],
    )
    assert roster.funds[0].pays_for == ("activities",)
    assert roster.budgets[0].start == dt.date(2026, 4, 1)
    assert roster.team == "team"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "team.yaml: the file is empty"),
        (b"schema: 2\nteam: T\npeople: []\n", "team.yaml:1: field 'schema': unknown schema"),
        (b"schema: 1\nteam: T\npeople: [\n", "team.yaml:4: not valid YAML"),
        (b"\xff\xfe", "team.yaml:1: byte 0xff is not UTF-8"),
        (b"schema: 1\nteam: T\n", "team.yaml:1: field 'people': is required"),
    ],
)
def test_rosters_that_cannot_be_read_are_named(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    (tmp_path / "team.yaml").write_bytes(content)
    (problem, *_) = problems_of(tmp_path / "team.yaml")
    assert problem.startswith(expected), problem


def test_a_missing_roster_is_named(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "team.yaml") == ["team.yaml: no such file"]


# -- YAML and CSV agree ------------------------------------------------------------------------

PEOPLE = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True),
        "name": st.sampled_from(["Ann", "Bo Li", "Zoë O'Neil", "A, B"]),
        "tier": st.sampled_from(["associate", "professional"]),
        "expires": st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
    },
    optional={
        "earned": st.sampled_from([0, 12, 2.5, 79.75]),
        "passed": st.lists(st.sampled_from(["core", "professional"]), max_size=2),
        "completed": st.lists(st.sampled_from(["a1", "rev-up"]), max_size=2),
        "hours_per_week": st.sampled_from([0.5, 4, 10]),
        "exams": st.booleans(),
        "priority": st.sampled_from([1, 2, 1_000_000]),
    },
)


def as_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


@settings(max_examples=examples(60))
@given(st.lists(PEOPLE, min_size=1, max_size=5, unique_by=lambda p: p["id"]))
def test_a_csv_roster_gives_the_people_its_yaml_twin_gives(people: list[dict[str, Any]]) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="ceplan-test-"))
    columns = ["id", "name", "tier", "expires", "earned", "passed", "completed"]
    columns += ["hours_per_week", "exams", "priority"]
    rows = [",".join(columns)]
    for person in people:
        cells = [as_cell(person[c]) if c in person else "" for c in columns]
        rows.append(",".join(f'"{cell}"' if "," in cell else cell for cell in cells))
    (folder / "team.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    document = {"schema": 1, "team": "team", "people": people}
    (folder / "team.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    from_yaml = ceplan.load_roster(folder / "team.yaml")
    assert ceplan.load_roster(folder / "team.csv") == from_yaml
    assert [p.id for p in from_yaml.people] == [p["id"] for p in people]


def test_the_public_names_load_lazily() -> None:
    code = (
        "import sys, ceplan; print('ceplan.roster.models' in sys.modules, ceplan.Roster.__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split() == ["False", "Roster"]


def test_what_the_team_needs_of_the_catalogue_is_checked_in_the_roster(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(
        "schema: 1\n"
        "team: T\n"
        "funds:\n"
        "  - {name: Yen, amount: 100, currency: JPY, expires: 2027-06-30}\n"
        "  - {name: Dollars, amount: 100, currency: USD, expires: 2027-06-30}\n"
        "people:\n"
        "  - {id: ann, name: Ann, tier: profesional, expires: 2027-09-30}\n"
        "  - {id: bo, name: Bo, tier: professional, expires: 2027-09-30, passed: [core, labs]}\n"
        "  - {id: cy, name: Cy, tier: associate, expires: 2027-09-30, exclude: [nothing-here]}\n",
        encoding="utf-8",
    )
    catalog = ceplan.load_catalog()
    assert problems_of(tmp_path / "team.yaml", catalog=catalog) == [
        "team.yaml:4: funds[0] 'Yen': field 'currency': has no exchange rate to GBP in the"
        " catalogue (got 'JPY')",
        "team.yaml:7: people[0] 'ann': field 'tier': is not a tier of the catalogue (associate,"
        " specialist, professional, expert) (got 'profesional')",
        "team.yaml:8: people[1] 'bo': field 'passed.1': is not an exam kind of the catalogue"
        " (associate, core, lab, professional) (got 'labs')",
        "team.yaml:9: people[2] 'cy': field 'exclude.0': is not in the catalogue"
        " (got 'nothing-here')",
    ]
    assert len(ceplan.load_roster(tmp_path / "team.yaml").people) == 3  # without the catalogue
