"""Hours the catalogue does not give are said to be "not given", never shown as 0 hours.

Data gives each item's hours as the catalogue gives them and a missing value where it gives
none (``null`` in JSON, ``NaN`` in a DataFrame, an empty cell in CSV); totals count the hours
given. What people read (the plan's table, its summary, the team workbook) says ``not given``.
A plan whose items all give their hours is written as before, and 0 hours given stay 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import ceplan
from ceplan.rendering.text import plan_csv, plan_table
from ceplan.rendering.xlsx import team_workbook
from tests.conftest import make_catalog

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 29)
EXPIRES = dt.date(2028, 6, 30)

PATHS = [{"credits": 10, "exams": {"core": 1}}, {"credits": 20}]


def catalog(*, exam_hours: float | None = None) -> ceplan.Catalog:
    """A course with 6 hours, a free course and an exam without hours (unless given)."""
    exam = {"id": "core-exam", "title": "Core exam (CORE 100-101)", "kind": "core", "cost": 300}
    if exam_hours is not None:
        exam["hours"] = exam_hours
    return make_catalog(
        activities=[
            {"id": "course", "title": "Course", "type": "online", "credits": 10, "cost": 50}
            | {"hours": 6},
            {"id": "webinar", "title": "Webinar", "type": "webinar", "credits": 10, "cost": 400}
            | {"hours": 3},
        ],
        exams=[exam],
        paths=PATHS,
    )


def plan_of(cat: ceplan.Catalog) -> ceplan.Plan:
    plan = ceplan.optimise(cat, "pro", today=TODAY, expires=EXPIRES)
    assert [item.id for item in plan.planned] == ["course", "core-exam"]
    return plan


def hours_cells(table: str) -> dict[str, str]:
    """The hours cell of each item row and of the totals row, by id (``total``)."""
    lines = table.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("item "))
    start = header.index("credits")
    cells = {}
    for line in lines:
        words = line.split()
        if words and words[0] in ("activity", "exam", "total"):
            key = "total" if words[0] == "total" else words[1]
            after_cost = line[start:].split("  ")
            cells[key] = [part.strip() for part in after_cost if part.strip()][2]
    return cells


def test_an_exam_without_hours_is_not_given_in_the_table_and_its_summary() -> None:
    cat = catalog()
    plan = plan_of(cat)
    table = plan_table(plan, ceplan.compare_paths(cat, "pro", today=TODAY, expires=EXPIRES), cat)
    assert hours_cells(table) == {"course": "6", "core-exam": "not given", "total": "6 + not given"}
    assert "hours not given" in plan.summary() and "6 h" in plan.summary()
    other = next(line for line in table.splitlines() if line.strip().startswith("20 credits"))
    assert other.endswith("best 450.00 GBP, 9 h")  # the webinar and the course give theirs


def test_the_json_gives_null_for_hours_not_given_and_counts_the_hours_given() -> None:
    data = json.loads(plan_of(catalog()).to_json())
    assert [a["hours"] for a in data["activities"]] == [6]
    assert [e["hours"] for e in data["exams"]] == [None]
    assert data["total_hours"] == 6


def test_the_csv_leaves_hours_not_given_empty() -> None:
    rows = list(csv.DictReader(io.StringIO(plan_csv(plan_of(catalog())))))
    assert {row["id"]: row["hours"] for row in rows} == {"course": "6", "core-exam": ""}


def test_the_items_frame_has_nan_for_hours_not_given() -> None:
    frame = plan_of(catalog()).items.set_index("id")
    assert frame.loc["course", "hours"] == 6
    assert math.isnan(frame.loc["core-exam", "hours"])
    assert frame["hours"].dtype == "float64"


def test_hours_given_as_0_stay_0_and_a_plan_with_every_hours_given_is_as_before() -> None:
    plan = plan_of(catalog(exam_hours=0))
    data = json.loads(plan.to_json())
    assert [e["hours"] for e in data["exams"]] == [0]
    assert data["total_hours"] == 6
    table = plan_table(plan, None, catalog(exam_hours=0))
    assert hours_cells(table) == {"course": "6", "core-exam": "0", "total": "6"}
    assert "not given" not in table and "not given" not in plan.summary()
    rows = list(csv.DictReader(io.StringIO(plan_csv(plan))))
    assert [row["hours"] for row in rows] == ["6", "0"]


# -- a team --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def team() -> ceplan.TeamPlan:
    """Tom sits the core exam (the bundled exams give no hours); Mei takes a course."""
    cat = ceplan.load_catalog()
    roster = ceplan.Roster.model_validate(
        {
            "schema": 1,
            "team": "T",
            "people": [
                {"id": "tom", "name": "Tom", "tier": "professional", "expires": "2028-02-15"},
                {"id": "mei", "name": "Mei", "tier": "associate", "expires": "2027-11-30"}
                | {"exams": False},
            ],
        }
    )
    plan = ceplan.plan_team(cat, roster, today="2026-11-29")
    assert [(o.id, [i.kind for i in o.items]) for o in plan.outcomes] == [
        ("tom", ["exam"]),
        ("mei", ["activity"]),
    ]
    return plan


def sheet_rows(book: openpyxl.Workbook, name: str) -> list[dict[str, object]]:
    sheet: Worksheet = book[name]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if "Hours" in row)
    names = rows[header]
    return [dict(zip(names, row, strict=True)) for row in rows[header + 1 :] if any(row)]


def test_a_team_plan_gives_null_hours_in_json_and_nan_in_its_items_frame(
    team: ceplan.TeamPlan,
) -> None:
    data = json.loads(team.to_json())
    tom, mei = data["people"]
    assert [item["hours"] for item in tom["items"]] == [None]
    assert tom["hours"] == 0  # the hours given: none
    assert all(isinstance(item["hours"], int | float) for item in mei["items"])
    frame = team.items.set_index("person")
    assert math.isnan(frame.loc["tom", "hours"]) and frame.loc["mei", "hours"] > 0


def test_the_workbook_says_not_given_where_the_catalogue_gives_no_hours(
    team: ceplan.TeamPlan,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(team_workbook(team)))
    mei_hours = team.outcomes[1].hours
    items = {row["Person"]: row["Hours"] for row in sheet_rows(book, "Items")}
    assert items == {"tom": "not given", "mei": mei_hours, "Total": f"{mei_hours:g} + not given"}
    people = {row["ID"]: row["Hours"] for row in sheet_rows(book, "People")}
    assert people == {"tom": "not given", "mei": mei_hours, "Total": f"{mei_hours:g} + not given"}
