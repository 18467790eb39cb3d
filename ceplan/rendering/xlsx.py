"""A team's plan as a workbook a manager can forward (``ceplan team --format xlsx``).

Sheets: Summary, People (the at-risk rows marked), Items (when each is paid and done, what paid
for it), Budgets, Funds and a monthly Timeline of what is paid and what is due. Money in the
catalogue's currency with its code, dates as dates, header rows frozen and filterable, columns
wide enough to read. Written with XlsxWriter; the same plan gives the same bytes (the
workbook's creation time is the plan's ``today``).

Every string is written as text, by one function: a name such as ``=1+1`` or ``http://x`` stays
those characters, never a formula or a link, and one longer than a cell holds is cut with a
marker saying so (:func:`cell_text`).
"""

from __future__ import annotations

import datetime as dt
import io
import numbers
from typing import Any

import pandas as pd

from ceplan.results.team import TeamPlan

__all__ = ["CELL_LIMIT", "cell_text", "team_workbook"]

CELL_LIMIT = 32_767
"""The most characters (UTF-16 code units, as Excel counts them) a cell holds."""

_MONEY_COLUMNS = {"cost", "out_of_pocket", "paid_by_funds", "amount", "spent", "left", "used"}
_MONEY_COLUMNS |= {"lost_at_expiry", "cost_paid", "cost_due"}
_DATE_COLUMNS = {"expires", "start", "end", "paid_on", "finish", "complete_by"}


def timeline(plan: TeamPlan) -> pd.DataFrame:
    """By month: what is paid (items, their cost, what funds and budgets pay) and what is due.

    An item is paid in the month of its ``paid_on`` and due in the month it is planned to
    finish (its ``finish``, on or before its do-by date).
    """
    items = plan.items
    columns = [
        "month",
        "items_paid",
        "cost_paid",
        "paid_by_funds",
        "out_of_pocket",
        "items_due",
        "cost_due",
    ]
    if items.empty:
        return pd.DataFrame(columns=columns)
    paid = items.assign(month=items["paid_on"].dt.strftime("%Y-%m")).groupby("month", sort=True)
    due = items.assign(month=items["finish"].dt.strftime("%Y-%m")).groupby("month", sort=True)
    frame = pd.DataFrame(
        {
            "items_paid": paid.size(),
            "cost_paid": paid["cost"].sum().round(2),
            "paid_by_funds": paid["paid_by_funds"].sum().round(2),
            "out_of_pocket": paid["out_of_pocket"].sum().round(2),
            "items_due": due.size(),
            "cost_due": due["cost"].sum().round(2),
        }
    ).fillna(0)
    for column in ("items_paid", "items_due"):
        frame[column] = frame[column].astype(int)
    return frame.rename_axis("month").reset_index()[columns]


def cell_text(text: str) -> str:
    """``text`` as a cell holds it: if too long, cut, ending in a marker that says so.

    Examples
    --------
    >>> cell = cell_text("x" * 40_000)
    >>> len(cell), cell[-27:]
    (32767, 'x… [cut: 40,000 characters]')
    >>> cell_text("short")
    'short'
    """
    if _units(text) <= CELL_LIMIT:
        return text
    marker = f"… [cut: {len(text):,} characters]"
    room, end = CELL_LIMIT - _units(marker), 0
    for char in text:
        room -= 2 if ord(char) > 0xFFFF else 1
        if room < 0:
            break
        end += 1
    return text[:end] + marker


def _units(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _text(sheet: Any, row: int, col: int, text: str, cell: Any = None) -> None:
    """Write ``text`` into a cell as text (the workbook turns no string into anything else).

    An empty text leaves the cell blank.
    """
    if text:
        sheet.write_string(row, col, cell_text(text), cell)
    else:
        sheet.write_blank(row, col, None, cell)


def team_workbook(plan: TeamPlan) -> bytes:
    """The workbook's bytes."""
    import xlsxwriter  # type: ignore[import-untyped]

    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "remove_timezone": True,
        # A string is text: never turned into a formula, a link or a number.
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    workbook = xlsxwriter.Workbook(buffer, options)
    created = dt.datetime.combine(plan.today, dt.time())
    title = cell_text(f"Team plan: {plan.team}")
    workbook.set_properties({"title": title, "created": created})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "money": workbook.add_format({"num_format": f'#,##0.00 "{plan.currency}"'}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "risk": workbook.add_format({"bg_color": "#F8CBAD"}),
        "title": workbook.add_format({"bold": True, "font_size": 13}),
    }
    summary = workbook.add_worksheet("Summary")
    _text(summary, 0, 0, f"Team {plan.team}", formats["title"])
    _text(summary, 1, 0, plan.summary())
    _text(summary, 2, 0, f"Planned on {plan.today.isoformat()}; status {plan.status}")
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
        _text(sheet, 0, col, str(column), formats["header"])
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
            elif isinstance(value, numbers.Real):
                sheet.write_number(row, col, float(value), cell)
            else:
                _text(sheet, row, col, str(value), cell)
        if at_risk:
            sheet.set_row(row, None, formats["risk"])
    for col, column in enumerate(columns):
        texts = [str(column), *(str(v) for v in frame[column].tolist())]
        sheet.set_column(col, col, min(60, max(10, max(len(t) for t in texts) + 2)))
    sheet.freeze_panes(1, 0)
    if len(frame):
        sheet.autofilter(0, 0, len(frame), max(0, len(columns) - 1))
