"""A team's plan as a workbook a manager can forward (``ceplan team --format xlsx``).

Sheets: Summary, People (the at-risk rows marked), Items (what paid for each), Budgets, Funds
and a monthly Timeline of what starts and what it costs. Money in the catalogue's currency with its
code, dates as dates, header rows frozen and filterable, columns wide enough to read. Written
with XlsxWriter; the same plan gives the same bytes (the workbook's creation time is the plan's
``today``).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd

from ceplan.team_results import TeamPlan

__all__ = ["team_workbook"]

_MONEY_COLUMNS = {"cost", "out_of_pocket", "paid_by_funds", "amount", "spent", "left", "used"}
_MONEY_COLUMNS |= {"lost_at_expiry", "starting_cost"}
_DATE_COLUMNS = {"expires", "start", "end"}


def timeline(plan: TeamPlan) -> pd.DataFrame:
    """By month: how many items start, what they cost, what funds and budgets pay."""
    items = plan.items
    columns = ["month", "items_starting", "starting_cost", "paid_by_funds", "out_of_pocket"]
    if items.empty:
        return pd.DataFrame(columns=columns)
    months = items["start"].dt.strftime("%Y-%m")
    grouped = items.assign(month=months).groupby("month", sort=True)
    frame = pd.DataFrame(
        {
            "items_starting": grouped.size(),
            "starting_cost": grouped["cost"].sum().round(2),
            "paid_by_funds": grouped["paid_by_funds"].sum().round(2),
            "out_of_pocket": grouped["out_of_pocket"].sum().round(2),
        }
    ).reset_index()
    return frame[columns]


def team_workbook(plan: TeamPlan) -> bytes:
    """The workbook's bytes."""
    import xlsxwriter  # type: ignore[import-untyped]

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    created = dt.datetime.combine(plan.today, dt.time())
    workbook.set_properties({"title": f"Team plan: {plan.team}", "created": created})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "money": workbook.add_format({"num_format": f'#,##0.00 "{plan.currency}"'}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "risk": workbook.add_format({"bg_color": "#F8CBAD"}),
        "title": workbook.add_format({"bold": True, "font_size": 13}),
    }
    summary = workbook.add_worksheet("Summary")
    summary.write(0, 0, f"Team {plan.team}", formats["title"])
    summary.write(1, 0, plan.summary())
    summary.write(2, 0, f"Planned on {plan.today.isoformat()}; status {plan.status}")
    summary.set_column(0, 0, 100)
    sheets = [
        ("People", plan.people),
        ("Items", plan.items),
        ("Budgets", plan.budgets),
        ("Funds", plan.funds),
        ("Timeline", timeline(plan)),
    ]
    for name, frame in sheets:
        _sheet(workbook, name, frame, formats, risk=(name == "People"))
    workbook.close()
    return buffer.getvalue()


def _sheet(
    workbook: Any, name: str, frame: pd.DataFrame, formats: dict[str, Any], *, risk: bool
) -> None:
    sheet = workbook.add_worksheet(name)
    columns = list(frame.columns)
    for col, column in enumerate(columns):
        sheet.write(0, col, column, formats["header"])
    for row, record in enumerate(frame.itertuples(index=False), start=1):
        at_risk = risk and getattr(record, "status", "") == "at_risk"
        for col, (column, value) in enumerate(zip(columns, record, strict=True)):
            cell = None
            if column in _MONEY_COLUMNS:
                cell = formats["money"]
            elif column in _DATE_COLUMNS:
                cell = formats["date"]
            if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
                sheet.write_blank(row, col, None, cell)
            elif isinstance(value, pd.Timestamp):
                sheet.write_datetime(row, col, value.to_pydatetime(), cell)
            else:
                sheet.write(row, col, value.item() if hasattr(value, "item") else value, cell)
        if at_risk:
            sheet.set_row(row, None, formats["risk"])
    for col, column in enumerate(columns):
        texts = [str(column), *(str(v) for v in frame[column].tolist())]
        sheet.set_column(col, col, min(60, max(10, max(len(t) for t in texts) + 2)))
    sheet.freeze_panes(1, 0)
    if len(frame):
        sheet.autofilter(0, 0, len(frame), max(0, len(columns) - 1))
