"""The team workbook read back as a manager's spreadsheet program would show it (openpyxl).

Widths are checked against an independent formatter of the number formats the workbook uses
(:func:`formatted`), so that no figure shows as ``###``; totals against the plan's JSON; the
chart against the cells it draws.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

import ceplan
from ceplan.cli.main import main
from ceplan.rendering.xlsx import team_workbook
from ceplan.results.team import StageBound

ROOT = Path(__file__).resolve().parent.parent
TEAM = ROOT / "examples" / "team.yaml"
PEOPLE = ROOT / "examples" / "team.csv"
TODAY = "2026-11-29"
SHEETS = ["Summary", "People", "Items", "Budgets", "Funds", "Calendar"]
TABLES = SHEETS[1:]
AT_RISK = "FFF8CBAD"
LINE = 15.0  # points a line of text takes
TALLEST = 408.75  # points: the tallest row a sheet has (409, stored in whole pixels)


# -- plans ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> ceplan.TeamPlan:
    """The README's team: two fiscal years, a fund in USD, everyone renews."""
    catalog = ceplan.load_catalog()
    return ceplan.plan_team(catalog, ceplan.load_roster(TEAM, catalog=catalog), today=TODAY)


@pytest.fixture(scope="module")
def tight() -> ceplan.TeamPlan:
    """The CSV team with one budget of 1,500 GBP: most are at risk."""
    roster = ceplan.load_roster(PEOPLE)
    single = ceplan.Budget(name="budget", start=TODAY, end="2028-06-30", amount=1500)
    return ceplan.plan_team(
        ceplan.load_catalog(), roster.model_copy(update={"budgets": (single,)}), today=TODAY
    )


@pytest.fixture(scope="module")
def unbudgeted() -> ceplan.TeamPlan:
    """The CSV team with neither budgets nor funds."""
    return ceplan.plan_team(ceplan.load_catalog(), ceplan.load_roster(PEOPLE), today=TODAY)


def read(plan: ceplan.TeamPlan) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(team_workbook(plan)))


# -- an independent reading of what a cell shows --------------------------------------------------

_NUMBER = re.compile(
    r'(?P<int>#,##0|0)(?:\.(?P<zeros>0*)(?P<hashes>#*))?(?P<pct>%?)(?: "(?P<code>[A-Z]{3})")?'
)


def formatted(value: Any, number_format: str) -> str:
    """``value`` as a spreadsheet shows it in ``number_format`` (the formats the workbook uses).

    >>> formatted(2686.0, '#,##0.00 "GBP"'), formatted(37.5, "#,##0.0#"), formatted(0.895, "0%")
    ('2,686.00 GBP', '37.5', '90%')
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        python = {"yyyy-mm-dd": "%Y-%m-%d", "mmm yyyy": "%b %Y"}[number_format]
        return value.strftime(python)
    if isinstance(value, str):
        assert number_format == "General", (value, number_format)
        return value
    match = _NUMBER.fullmatch(number_format)
    assert match is not None, number_format
    zeros, hashes = len(match["zeros"] or ""), len(match["hashes"] or "")
    number = float(value) * (100 if match["pct"] else 1)
    comma = "," if match["int"] == "#,##0" else ""
    text = f"{number:{comma}.{zeros + hashes}f}"
    for _ in range(hashes):
        if text.endswith("0") and "." in text:
            text = text[:-1]
    text = text.removesuffix(".") if zeros == 0 else text
    return text + match["pct"] + (f" {match['code']}" if match["code"] else "")


def width(text: str) -> int:
    """The widest line of ``text``, in characters (East Asian wide characters twice)."""
    return max(
        sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        for line in text.split("\n")
    )


def column_width(sheet: Worksheet, col: int) -> float:
    for dimension in sheet.column_dimensions.values():
        if dimension.min is not None and dimension.min <= col <= dimension.max:
            return float(dimension.width)
    return 8.43  # a column left at the default width


def room(sheet: Worksheet, row: int, col: int) -> float:
    """The width a cell's text has: its column's, or its merged range's."""
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == row and merged.min_col == col:
            return sum(column_width(sheet, c) for c in range(col, merged.max_col + 1))
    return column_width(sheet, col)


def cells(book: openpyxl.Workbook) -> Iterator[tuple[Worksheet, Any]]:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet, cell


def rows(sheet: Worksheet) -> list[dict[str, Any]]:
    """A table sheet's rows by header: those its filter covers (not the totals)."""
    values = list(sheet.iter_rows(values_only=True))
    if not sheet.auto_filter.ref:
        return []
    last = int(re.sub("[A-Z]+", "", sheet.auto_filter.ref.split(":")[1]))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:last]]


def totals(sheet: Worksheet, header_row: int = 1) -> dict[str, Any]:
    values = list(sheet.iter_rows(min_row=header_row, values_only=True))
    (total,) = [row for row in values if row[0] == "Total"]
    return dict(zip(values[0], total, strict=True))


def marked(sheet: Worksheet, row: int, col: int) -> bool:
    """Whether a cell is filled as at risk (a merged cell as the range's first cell is)."""
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            row, col = merged.min_row, merged.min_col
    fill = sheet.cell(row=row, column=col).fill
    return fill is not None and fill.fgColor is not None and fill.fgColor.rgb == AT_RISK


def table_at(sheet: Worksheet, title: str) -> tuple[int, list[str]]:
    """The header row (1-based) and headers of the summary's table titled ``title``."""
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        if cell.value == title:
            header = cell.row + 1
            headers = [c.value for c in sheet[header] if c.value is not None]
            return header, headers
    raise AssertionError(f"no table {title!r}")


def summary_table(sheet: Worksheet, title: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A summary table's rows and its totals row (``{}`` when it has none)."""
    header, headers = table_at(sheet, title)
    out: list[dict[str, Any]] = []
    notes = {m.min_row for m in sheet.merged_cells.ranges if m.min_col == 1}
    for at, values in enumerate(
        sheet.iter_rows(min_row=header + 1, max_col=len(headers), values_only=True),
        start=header + 1,
    ):
        if values[0] is None or at in notes:  # the table's end, or a note that it is empty
            return out, {}
        row = dict(zip(headers, values, strict=True))
        if values[0] == "Total":
            return out, row
        out.append(row)
    return out, {}


# -- every figure visible -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_names(tight: ceplan.TeamPlan) -> ceplan.TeamPlan:
    """The tight plan with names long, wide (East Asian), cut (past a cell's 32,767 characters)."""
    names = ["x" * 40_000, "Maximilian " * 12, "渡辺健二" * 8, "a\nb", "   "]
    outcomes = tuple(
        dataclasses.replace(o, name=names[i % len(names)]) for i, o in enumerate(tight.outcomes)
    )
    return dataclasses.replace(tight, team="Ops " * 60, outcomes=outcomes)


@pytest.fixture(scope="module")
def stopped(example: ceplan.TeamPlan) -> ceplan.TeamPlan:
    """The example plan as if a time limit had stopped it in its second stage."""
    return dataclasses.replace(
        example,
        status="feasible",
        termination="time_limit",
        gap=0.25,
        stopped_in="out_of_pocket",
        bounds=(
            StageBound("priority", 16.0, 16.0, True),
            StageBound("out_of_pocket", 2686.0, 2014.5, False),
        ),
    )


@pytest.mark.parametrize("which", ["example", "tight", "unbudgeted", "long_names", "stopped"])
def test_every_value_fits_its_column_or_wraps_in_a_row_tall_enough(
    which: str, request: pytest.FixtureRequest
) -> None:
    book = read(request.getfixturevalue(which))
    assert book.sheetnames == SHEETS
    seen = 0
    for sheet, cell in cells(book):
        text = formatted(cell.value, cell.number_format)
        space = room(sheet, cell.row, cell.column)
        where = (sheet.title, cell.coordinate, text)
        if not isinstance(cell.value, str):
            assert width(text) <= space, where  # a number that does not fit shows as ###
            seen += 1
        elif width(text) > space or "\n" in text:
            assert cell.alignment.wrap_text, where
            lines = max(text.count("\n") + 1, math.ceil(width(text) / space))
            height = sheet.row_dimensions[cell.row].height or LINE
            assert height >= min(TALLEST, lines * LINE), where
    assert seen > 100


def test_money_and_dates_have_their_formats(example: ceplan.TeamPlan) -> None:
    book = read(example)
    gbp = '#,##0.00 "GBP"'
    for name, money, dates in [
        ("People", ["Cost", "From funds", "Out of pocket"], ["Expires", "Do by"]),
        ("Items", ["Cost", "From funds", "Out of pocket"], ["Paid on", "Start", "Finish"]),
        ("Budgets", ["Budget", "Spent", "Left"], ["From", "To"]),
        ("Funds", ["Amount", "Used", "Lost at expiry"], ["Expires"]),
        ("Calendar", ["Paid", "Paid from funds", "Paid out of pocket", "Due (cost)"], []),
    ]:
        sheet = book[name]
        headers = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for header in money:
                cell = row[headers.index(header)]
                assert cell.number_format == gbp and isinstance(cell.value, int | float), (
                    name,
                    header,
                )
            for header in dates:
                cell = row[headers.index(header)]
                if cell.value is not None:
                    assert cell.number_format == "yyyy-mm-dd", (name, header)
                    assert isinstance(cell.value, dt.datetime), (name, header)
    months = [row[0] for row in book["Calendar"].iter_rows(min_row=2) if row[0].value != "Total"]
    assert all(cell.number_format == "mmm yyyy" for cell in months)
    # The fund in its own currency beside the converted figure.
    (fund,) = rows(book["Funds"])
    own = book["Funds"].cell(row=2, column=2)
    assert own.number_format == '#,##0.00 "USD"' and own.value == 10_000.0
    assert fund["Amount"] == 7_900.0


def test_headers_are_words_and_the_tables_print_one_page_wide(example: ceplan.TeamPlan) -> None:
    book = read(example)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.page_setup.fitToWidth in (None, 1), sheet.title  # 1 is the default
        assert sheet.page_setup.fitToHeight == 0, sheet.title  # as many pages down as needed
    for name in TABLES:
        sheet = book[name]
        assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1", name
        headers = [cell.value for cell in sheet[1]]
        for header in headers:
            assert "_" not in header and header[0].isupper(), (name, header)
            assert all(cell.font.b for cell in sheet[1]), name
        data = len(list(sheet.iter_rows())) - 2  # the header and totals rows
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(headers))}{data + 1}", name
    assert [c.value for c in book["People"][1]] == [
        "ID", "Name", "Tier", "Priority", "Expires", "Status", "Path", "Paid in", "Do by",
        "Done by (planned)", "Items", "Hours", "Cost", "From funds", "Out of pocket", "Reason",
    ]  # fmt: skip


# -- what the sheets say --------------------------------------------------------------------------


def test_people_say_per_person_what_renews_them_when_and_for_how_much(
    tight: ceplan.TeamPlan,
) -> None:
    book = read(tight)
    data = json.loads(tight.to_json())
    people = rows(book["People"])
    assert [p["ID"] for p in people] == [p["id"] for p in data["people"]]
    words = dict(zip(tight.people["id"], tight.people["path"], strict=True))
    for row, person in zip(people, data["people"], strict=True):
        items = person["items"]
        assert row["Tier"] == person["tier"] and row["Priority"] == person["priority"]
        assert row["Expires"] == dt.datetime.fromisoformat(person["expires"])
        assert row["Status"] == {"renews": "Renews", "at_risk": "At risk"}[person["status"]]
        path = words[person["id"]]
        assert row["Path"] == (path if isinstance(path, str) else None)
        assert row["Paid in"] == (", ".join(dict.fromkeys(i["period"] for i in items)) or None)
        do_by = {i["complete_by"] for i in items}
        assert row["Do by"] == (dt.datetime.fromisoformat(do_by.pop()) if do_by else None)
        finish = max((i["finish"] for i in items), default=None)
        assert row["Done by (planned)"] == (finish and dt.datetime.fromisoformat(finish))
        assert row["Cost"] == person["cost"] and row["Out of pocket"] == person["out_of_pocket"]
        funds = sum(sum(i["paid_by_funds"].values()) for i in items)
        assert row["From funds"] == pytest.approx(funds, abs=0.001)
        assert (row["Reason"] or "") == "\n".join(person["reasons"])
    assert any(p["Status"] == "At risk" for p in people)


def test_at_risk_rows_are_marked_across_the_whole_row(tight: ceplan.TeamPlan) -> None:
    book = read(tight)
    data = json.loads(tight.to_json())
    sheet = book["People"]
    columns = sheet.max_column
    for row, person in enumerate(data["people"], start=2):
        at_risk = person["status"] == "at_risk"
        for col in range(1, columns + 1):
            assert marked(sheet, row, col) == at_risk, (person["id"], col)
    # The summary lists them too, marked, with their reasons.
    summary = book["Summary"]
    listed, _ = summary_table(summary, "Who is at risk")
    at_risk = [p for p in data["people"] if p["status"] == "at_risk"]
    assert [(r["ID"], r["Reason"]) for r in listed] == [
        (p["id"], "\n".join(p["reasons"])) for p in at_risk
    ]
    header, headers = table_at(summary, "Who is at risk")
    for offset in range(len(listed)):
        for col in range(1, summary.max_column + 1):
            assert marked(summary, header + 1 + offset, col), (offset, col)
    assert not any(marked(s, c.row, c.column) for s, c in cells(book) if c.row == 1)


def test_totals_are_the_json_totals(example: ceplan.TeamPlan, tight: ceplan.TeamPlan) -> None:
    for plan in (example, tight):
        book = read(plan)
        data = json.loads(plan.to_json())
        out, funds = data["totals"]["out_of_pocket"], data["totals"]["paid_by_funds"]
        cost = sum(round(p["cost"] * 100) for p in data["people"]) / 100
        count = sum(len(p["items"]) for p in data["people"])
        people = totals(book["People"])
        assert (people["Out of pocket"], people["From funds"]) == (out, funds)
        assert (people["Cost"], people["Items"]) == (pytest.approx(cost, abs=1e-9), count)
        items = totals(book["Items"])
        assert (items["Out of pocket"], items["From funds"]) == (out, funds)
        assert items["Cost"] == pytest.approx(cost, abs=1e-9)
        budgets = totals(book["Budgets"])
        for header, key in [("Budget", "amount"), ("Spent", "spent"), ("Left", "left")]:
            expected = sum(round(b[key] * 100) for b in data["budgets"]) / 100
            assert budgets[header] == pytest.approx(expected, abs=1e-9), header
        assert [(b["Budget period"], b["Spent"], b["Left"]) for b in rows(book["Budgets"])] == [
            (b["name"], b["spent"], b["left"]) for b in data["budgets"]
        ]
        calendar = totals(book["Calendar"])
        assert (calendar["Paid out of pocket"], calendar["Paid from funds"]) == (out, funds)
        assert calendar["Items paid"] == calendar["Items due"] == count
        months = rows(book["Calendar"])
        assert sum(m["Paid out of pocket"] for m in months) == pytest.approx(out, abs=1e-6)
        facts = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
        assert (facts["Out of pocket"], facts["Paid from funds"]) == (out, funds)
        assert (facts["People"], facts["At risk"]) == (
            data["totals"]["people"],
            data["totals"]["at_risk"],
        )
    funds_total = totals(read(example)["Funds"])
    (fund,) = json.loads(example.to_json())["funds"]
    assert (funds_total["Used"], funds_total["Lost at expiry"]) == (
        fund["used"],
        fund["lost_at_expiry"],
    )


def test_the_summary_gives_the_years_and_quarters_against_budget(
    example: ceplan.TeamPlan,
) -> None:
    sheet = read(example)["Summary"]
    data = json.loads(example.to_json())
    assert sheet["A1"].value == "Team plan: Network engineering"
    periods, total = summary_table(sheet, "Spend per budget period")
    assert [
        (p["Budget period"], p["Budget"], p["Spent (out of pocket)"], p["Left"]) for p in periods
    ] == [(b["name"], b["amount"], b["spent"], b["left"]) for b in data["budgets"]]
    assert total["Spent (out of pocket)"] == data["totals"]["out_of_pocket"]
    assert total["Paid from funds"] == data["totals"]["paid_by_funds"]
    quarters, total = summary_table(sheet, "Spend per quarter")
    assert [q["Quarter"] for q in quarters] == ["Q1", "Q2", "Q3", "Q4"] * 2
    assert quarters[0]["From"] == dt.datetime(2026, 4, 1) and quarters[-1]["To"] == dt.datetime(
        2028, 3, 31
    )
    for budget in data["budgets"]:
        mine = [q for q in quarters if q["Budget period"] == budget["name"]]
        spent = sum(round(q["Spent (out of pocket)"] * 100) for q in mine) / 100
        assert spent == budget["spent"]
        assert mine[-1]["Budget left after"] == budget["left"]
    # Each payment is in the quarter holding the day it is paid.
    items = example.items
    for quarter in quarters:
        inside = items[(items["paid_on"] >= quarter["From"]) & (items["paid_on"] <= quarter["To"])]
        assert quarter["Items paid"] == len(inside)
    funds, total = summary_table(sheet, "Funds")
    (fund,) = data["funds"]
    assert funds == [
        {
            "Fund": fund["name"],
            "Amount in its currency": fund["given"]["amount"],
            "Amount": fund["amount"],
            "Expires": dt.datetime.fromisoformat(fund["expires"]),
            "Pays for": "activities",
            "Used": fund["used"],
            "Lost at expiry": fund["lost_at_expiry"],
        }
    ]
    listed, _ = summary_table(sheet, "Who is at risk")
    assert listed == []
    assert any(cell.value == "Nobody is at risk: everyone renews." for cell in sheet["A"])


def test_the_chart_draws_spend_against_budget_from_the_summary_cells(
    example: ceplan.TeamPlan,
) -> None:
    book = read(example)
    sheet = book["Summary"]
    (chart,) = sheet._charts
    assert chart.tagname == "barChart" and chart.type == "col"
    data = json.loads(example.to_json())

    def values(ref: str) -> list[Any]:
        name, cells_ = ref.split("!")
        assert name == "Summary"
        return [cell.value for (cell,) in book[name][cells_.replace("$", "")]]

    names, amounts = [], []
    for series in chart.series:
        names.append(sheet[series.tx.strRef.f.split("!")[1].replace("$", "")].value)
        assert values(series.cat.strRef.f) == [b["name"] for b in data["budgets"]]
        amounts.append(values(series.val.numRef.f))
    assert names == ["Budget", "Spent (out of pocket)"]
    assert amounts == [
        [b["amount"] for b in data["budgets"]],
        [b["spent"] for b in data["budgets"]],
    ]


def test_without_budgets_the_summary_charts_the_quarters(unbudgeted: ceplan.TeamPlan) -> None:
    book = read(unbudgeted)
    sheet = book["Summary"]
    assert any(
        c.value == "No budget periods were given: nothing caps the spend." for c in sheet["A"]
    )
    quarters, total = summary_table(sheet, "Spend per quarter")
    assert quarters and {q["Budget period"] for q in quarters} == {"No budget period"}
    assert total["Spent (out of pocket)"] == unbudgeted.out_of_pocket
    (chart,) = sheet._charts
    assert [s.val.numRef.f.split("!")[0] for s in chart.series] == ["Summary", "Summary"]
    assert rows(book["Budgets"]) == []


def test_the_calendar_has_every_month_with_what_is_paid_and_due(tight: ceplan.TeamPlan) -> None:
    book = read(tight)
    months = rows(book["Calendar"])
    items = tight.items
    firsts = [m["Month"] for m in months]
    assert firsts[0] == items["paid_on"].min().replace(day=1)
    assert firsts[-1] == items["finish"].max().replace(day=1)
    assert all(
        (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1
        for a, b in zip(firsts, firsts[1:], strict=False)
    )
    by_month = {m["Month"]: m for m in months}
    names = dict(zip(tight.people["id"], tight.people["name"], strict=True))
    for month, group in items.groupby(items["finish"].dt.to_period("M")):
        row = by_month[month.to_timestamp().to_pydatetime()]
        assert row["Items due"] == len(group)
        assert row["Due (cost)"] == pytest.approx(group["cost"].sum())
        for item in group.itertuples():
            assert f"{names[item.person]}: " in row["What is due"]
            assert f"{item.id} on {item.finish.date()}" in row["What is due"]
    for month, group in items.groupby(items["paid_on"].dt.to_period("M")):
        row = by_month[month.to_timestamp().to_pydatetime()]
        assert row["Items paid"] == len(group)
        assert row["Paid out of pocket"] == pytest.approx(group["out_of_pocket"].sum())
        assert all(item in row["What is paid"] for item in group["id"])
    quiet = [m for m in months if m["Items paid"] == 0 and m["Items due"] == 0]
    assert quiet and all(m["What is paid"] is None and m["What is due"] is None for m in quiet)


def test_columns_a_roster_carries_follow_the_plans_own(example: ceplan.TeamPlan) -> None:
    """A ``people`` table with a roster's own column (a department) shows it last, as text."""

    class Carried(ceplan.TeamPlan):
        @property
        def people(self) -> pd.DataFrame:
            frame = super().people
            frame["department"] = ["=1+1" if i == 0 else f"0{i}" for i in range(len(frame))]
            return frame

    fields = {f.name: getattr(example, f.name) for f in dataclasses.fields(example)}
    data = team_workbook(Carried(**fields))
    book = openpyxl.load_workbook(io.BytesIO(data))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        people = archive.read("xl/worksheets/sheet2.xml").decode()
    # "01" is text as the roster has it: no "number stored as text" flag over the sheet.
    assert '<ignoredError sqref="A1:Q14" numberStoredAsText="1"/>' in people
    sheet = book["People"]
    headers = [c.value for c in sheet[1]]
    assert headers[-2:] == ["Reason", "department"]
    column = [row[-1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in column[:3]] == ["=1+1", "01", "02"]
    assert all(c.data_type == "s" for c in column[:-1]) and column[-1].value is None  # totals


# -- text is data ---------------------------------------------------------------------------------

HOSTILE = ["=1+1", "+x", "-x", "@x", "http://x", "mailto:a@b", '=HYPERLINK("http://x","y")']


def test_nothing_a_roster_says_becomes_a_formula_or_a_link(
    example: ceplan.TeamPlan,
) -> None:
    outcomes = tuple(
        dataclasses.replace(o, name=HOSTILE[i % len(HOSTILE)], reasons=(HOSTILE[-1],))
        for i, o in enumerate(example.outcomes)
    )
    plan = dataclasses.replace(example, team="=cmd|' /C calc'!A0", outcomes=outcomes)
    data = team_workbook(plan)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet, cell in cells(book):
        assert cell.data_type != "f" and cell.hyperlink is None, (sheet.title, cell.coordinate)
    names = [row["Name"] for row in rows(book["People"])]
    assert names == [o.name for o in outcomes]
    assert book["Summary"]["A1"].value == "Team plan: =cmd|' /C calc'!A0"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                text = archive.read(name).decode()
                assert "<f>" not in text and "<f " not in text and "hyperlink" not in text, name


def test_the_same_plan_gives_the_same_workbook(tmp_path: Path, example: ceplan.TeamPlan) -> None:
    assert team_workbook(example) == team_workbook(example)
    argv = ["team", str(TEAM), "--today", TODAY, "--format", "xlsx", "--out"]
    assert main([*argv, str(tmp_path / "a.xlsx")]) == 0
    assert main([*argv, str(tmp_path / "b.xlsx")]) == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert (tmp_path / "a.xlsx").read_bytes() == team_workbook(example)


def test_a_workbook_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team", str(TEAM), "--format", "xlsx"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--out FILE" in err


def test_a_plan_stopped_by_a_time_limit_says_what_is_proved(stopped: ceplan.TeamPlan) -> None:
    sheet = read(stopped)["Summary"]
    facts = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert facts["Status"] == stopped.explanation  # one rule for the table, JSON and workbook
    assert facts["Status"].startswith(
        "feasible (time limit in the out-of-pocket stage): the priority renewed is proven the "
        "most (12 of 12 renew); out-of-pocket spend is not proven the least (2,686.00 GBP, and "
        "no plan spends less than 2,014.50 GBP: a gap of 25.00%)"
    )
    said = [cell.value for cell in sheet["A"]]
    bound = "out-of-pocket spend: 2,686.00 GBP; no plan spends less than 2,014.50 GBP (gap 25.00%)"
    assert bound in said
