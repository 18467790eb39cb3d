"""A team's plan as a workbook a manager can forward (``ceplan team --format xlsx``).

The sheets are those :mod:`ceplan.rendering.sheets` lays out: a Summary first (with a chart of
spend against budget), then People, Items, Budgets, Funds and a month-by-month Calendar. This
module decides how they look:

- every figure is visible: a column is at least as wide as each number and date in it is once
  formatted (:func:`shown`: money as ``2,686.00 GBP``, a date as ``2027-09-30``); text wider
  than its column (a reason, a long name) wraps, and its row is made tall enough to show it;
- money in its currency's format, dates as dates, headers in words, a totals row where sums
  make sense, the rows of people at risk filled across the whole row;
- on the table sheets, the header row frozen, filterable and repeated on each printed page;
  every sheet prints landscape, one page wide.

Written with XlsxWriter; the same plan gives the same bytes (the workbook's creation time is the
plan's ``today``). Every string is written as text, by one function: a name such as ``=1+1`` or
``http://x`` stays those characters, never a formula or a link, and one longer than a cell holds
is cut with a marker saying so (:func:`cell_text`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.utility import xl_rowcol_to_cell  # type: ignore[import-untyped]

from ceplan.rendering.sheets import (
    Chart,
    Money,
    Month,
    Note,
    Percent,
    Sheet,
    Table,
    Value,
    workbook_sheets,
)
from ceplan.rendering.text import display_width
from ceplan.results.team import TeamPlan

__all__ = [
    "CELL_LIMIT",
    "CHART_ROWS",
    "HEADER_WIDTH",
    "LINE_POINTS",
    "LONG_WIDTH",
    "MOST_POINTS",
    "TEXT_WIDTH",
    "cell_text",
    "number_format",
    "shown",
    "team_workbook",
    "text_width",
    "wrapped_lines",
]

CELL_LIMIT = 32_767
"""The most characters (UTF-16 code units, as Excel counts them) a cell holds."""

TEXT_WIDTH = 40
"""The widest a column grows for its text (in characters); longer text wraps."""
LONG_WIDTH = 50
"""The same for a column of long text (reasons, lists) on a table sheet."""
HEADER_WIDTH = 12
"""The same for a header (but never narrower than its longest word)."""
LINE_POINTS = 15.0
"""The height of a line of text in a row, in points (the default font's row)."""
MOST_POINTS = 409.0
"""The tallest row Excel allows, in points."""
CHART_ROWS = 18
"""The rows left free for a chart below its table."""

_FILL_AT_RISK = "#F8CBAD"
_FILL_HEADER = "#DDEBF7"
_FOOTER = "&L&A&RPage &P of &N"  # the sheet's name; page numbers: nothing from the plan
_CODE = re.compile(r"[A-Z]{3}")


# -- cells ----------------------------------------------------------------------------------------


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


def number_format(value: Value) -> str | None:
    """The number format a value is shown in (``None``: text or nothing).

    Examples
    --------
    >>> number_format(Money(2686.0, "GBP")), number_format(3), number_format(1.5)
    ('#,##0.00 "GBP"', '#,##0', '#,##0.0#')
    >>> number_format(dt.date(2027, 9, 30)), number_format(Month(dt.date(2027, 9, 1)))
    ('yyyy-mm-dd', 'mmm yyyy')
    """
    if isinstance(value, Money):
        code = value.currency
        return f'#,##0.00 "{code}"' if _CODE.fullmatch(code) else "#,##0.00"
    if isinstance(value, Percent):
        return "0%"
    if isinstance(value, Month):
        return "mmm yyyy"
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return "#,##0" if isinstance(value, int) else "#,##0.0#"


def shown(value: Value) -> str:
    """A value as the workbook shows it (in its :func:`number_format`).

    Examples
    --------
    >>> shown(Money(2686.0, "GBP")), shown(Money(-0.5, "USD")), shown(1234567)
    ('2,686.00 GBP', '-0.50 USD', '1,234,567')
    >>> shown(40.0), shown(37.25), shown(Percent(0.8953)), shown(Month(dt.date(2027, 9, 1)))
    ('40.0', '37.25', '90%', 'Sep 2027')
    """
    if value is None:
        return ""
    if isinstance(value, Money):
        code = f" {value.currency}" if _CODE.fullmatch(value.currency) else ""
        return f"{value.amount:,.2f}{code}"
    if isinstance(value, Percent):
        return f"{value.share:.0%}"
    if isinstance(value, Month):
        return value.first.strftime("%b %Y")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return cell_text(value)
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{value:,.2f}"
    return text[:-1] if text.endswith("0") else text


def text_width(text: str) -> int:
    r"""How many characters wide ``text`` shows: its widest line, East Asian wide ones twice.

    Examples
    --------
    >>> text_width("Priya Shah"), text_width("a\nbcd"), text_width("日本")
    (10, 3, 4)
    """
    return max((display_width(line) for line in text.split("\n")), default=0)


def wrapped_lines(text: str, width: float) -> int:
    r"""How many lines ``text`` takes wrapped at ``width`` characters (word by word).

    Examples
    --------
    >>> wrapped_lines("one two three", 8), wrapped_lines("one two three", 6)
    (2, 3)
    >>> wrapped_lines("a\nb", 10), wrapped_lines("", 5), wrapped_lines("x" * 25, 10)
    (2, 1, 3)
    """
    room = max(1, math.floor(width))
    lines = 0
    for line in text.split("\n"):
        used = 0
        count = 1
        for word in line.split(" "):
            size = display_width(word)
            if used and used + 1 + size > room:
                count, used = count + 1, 0
            used = used + (1 if used else 0) + size
            while used > room:  # a word longer than a line breaks where it must
                count, used = count + 1, used - room
        lines += count
    return max(1, lines)


# -- laying out -----------------------------------------------------------------------------------


@dataclass
class _Cell:
    value: Value
    style: str = "plain"
    """``plain``, ``header``, ``total``, ``heading``, ``title`` or ``note``."""
    marked: bool = False
    span: bool = False
    """Text that may take the columns to its right up to the sheet's last (merged)."""
    long: bool = False


@dataclass
class _Grid:
    """A sheet's cells before they are written, so that widths and heights fit all of them."""

    tabular: bool
    cells: dict[tuple[int, int], _Cell] = field(default_factory=dict)
    tables: dict[str, tuple[int, int, Table]] = field(default_factory=dict)
    """Each named table's header row and first data row (``-1`` when it has none)."""
    charts: list[tuple[int, Chart]] = field(default_factory=list)
    filter: tuple[int, int, int, int] | None = None
    row: int = 0

    def put(self, row: int, col: int, cell: _Cell) -> None:
        self.cells[row, col] = cell

    @property
    def last_col(self) -> int:
        return max((col for _, col in self.cells), default=0)


def _lay_out(sheet: Sheet) -> _Grid:
    grid = _Grid(tabular=sheet.tabular)
    for index, block in enumerate(sheet.blocks):
        if isinstance(block, Note):
            grid.put(grid.row, 0, _Cell(block.text, "title" if block.title else "note", span=True))
            grid.row += 1
            following = sheet.blocks[index + 1] if index + 1 < len(sheet.blocks) else None
            if block.title or not isinstance(following, Note):
                grid.row += 1
        elif isinstance(block, Table):
            _lay_out_table(grid, block)
            grid.row += 1
        else:
            grid.charts.append((grid.row, block))
            grid.row += CHART_ROWS
    return grid


def _lay_out_table(grid: _Grid, table: Table) -> None:
    if table.title:
        grid.put(grid.row, 0, _Cell(table.title, "heading", span=True))
        grid.row += 1
    header = grid.row
    if table.header:
        for col, column in enumerate(table.columns):
            grid.put(grid.row, col, _Cell(column.header, "header", long=column.long))
        grid.row += 1
    first = grid.row if table.rows else -1
    marked = table.marked or (False,) * len(table.rows)
    for values, at_risk in zip(table.rows, marked, strict=True):
        for col, (column, value) in enumerate(zip(table.columns, values, strict=True)):
            grid.put(grid.row, col, _Cell(value, marked=at_risk, long=column.long))
        grid.row += 1
    if table.header and table.rows and grid.tabular:
        grid.filter = (header, 0, grid.row - 1, len(table.columns) - 1)
    if not table.rows and table.empty:
        grid.put(grid.row, 0, _Cell(table.empty, "note", span=True))
        grid.row += 1
    if table.totals is not None:
        for col, (column, value) in enumerate(zip(table.columns, table.totals, strict=True)):
            grid.put(grid.row, col, _Cell(value, "total", long=column.long))
        grid.row += 1
    if table.name:
        grid.tables[table.name] = (header, first, table)


@dataclass(frozen=True)
class _Fit:
    """Column widths, merged ranges, wrapped cells and row heights that show every cell."""

    widths: dict[int, float]
    merged: dict[tuple[int, int], int]
    """The last column of each merged cell, by its first (row, column)."""
    wrapped: frozenset[tuple[int, int]]
    heights: dict[int, float]


_SCALE = {"header": 1.1, "total": 1.1, "heading": 1.2, "title": 1.4}
"""How much wider than the body's a style's characters are (bold, larger)."""
_TALLER = {"heading": 1.1, "title": 1.4}
"""How much taller than the body's a style's lines are (a larger font)."""


def _need(size: int, cell: _Cell, grid: _Grid) -> int:
    """The column width a cell's text of ``size`` characters needs to show in full.

    Two characters of margin, its style's wider characters, a filter's button on a header.
    """
    need = math.ceil((size + 2) * _SCALE.get(cell.style, 1.0))
    return need + 2 if cell.style == "header" and grid.tabular else need


def _usable(room: float, cell: _Cell, grid: _Grid) -> int:
    """The characters of a line that fit in a width of ``room``."""
    size = max(1, math.floor(room))
    while size > 1 and _need(size, cell, grid) > room:
        size -= 1
    return size


def _cap(cell: _Cell) -> int:
    """The widest text that widens a column; wider text wraps."""
    if cell.style == "header":
        words = str(cell.value).split()
        return max(HEADER_WIDTH, *(text_width(word) for word in words))
    return LONG_WIDTH if cell.long else TEXT_WIDTH


def _fit(grid: _Grid) -> _Fit:
    last = grid.last_col
    widths: dict[int, float] = {col: 6.0 for col in range(last + 1)}
    for (_, col), cell in grid.cells.items():
        if _spans(grid, cell):
            continue
        size = text_width(shown(cell.value))
        if isinstance(cell.value, str):
            size = min(size, _cap(cell))
        widths[col] = max(widths[col], float(_need(size, cell, grid)))
    merged: dict[tuple[int, int], int] = {}
    wrapped: set[tuple[int, int]] = set()
    heights: dict[int, float] = {}
    for (row, col), cell in sorted(grid.cells.items()):
        if not isinstance(cell.value, str):
            continue
        room = widths[col]
        if _spans(grid, cell) and col < last:
            merged[row, col] = last
            room = sum(widths[c] for c in range(col, last + 1))
        text = shown(cell.value)
        line = LINE_POINTS * _TALLER.get(cell.style, 1.0)
        lines = 1
        if _need(text_width(text), cell, grid) > room or "\n" in text:
            wrapped.add((row, col))
            lines = wrapped_lines(text, _usable(room, cell, grid))
        if lines > 1 or cell.style in ("title", "heading"):
            heights[row] = max(heights.get(row, 0.0), min(MOST_POINTS, lines * line))
    return _Fit(widths, merged, frozenset(wrapped), heights)


def _spans(grid: _Grid, cell: _Cell) -> bool:
    """Whether a cell is text merged across to the sheet's last column.

    Notes, titles and headings always are; on the summary, so is long text (a reason), which
    is the last column of its table.
    """
    if not isinstance(cell.value, str):
        return False
    return cell.span or (cell.long and not grid.tabular)


# -- writing --------------------------------------------------------------------------------------


class _Formats:
    """The workbook's cell formats, each made once (in the order first asked: deterministic)."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.made: dict[tuple[str, str | None, bool, bool], Any] = {}

    def get(self, style: str, num_format: str | None, *, marked: bool, wrap: bool) -> Any:
        key = (style, num_format, marked, wrap)
        if key not in self.made:
            spec: dict[str, Any] = {"valign": "top"}
            if num_format is not None:
                spec["num_format"] = num_format
            if marked:
                spec["bg_color"] = _FILL_AT_RISK
            if wrap:
                spec["text_wrap"] = True
            if style == "header":
                spec.update({"bold": True, "bg_color": _FILL_HEADER, "border": 1})
            elif style == "total":
                spec.update({"bold": True, "top": 1, "bottom": 6})
            elif style == "heading":
                spec.update({"bold": True, "font_size": 12})
            elif style == "title":
                spec.update({"bold": True, "font_size": 14})
            elif style == "note":
                spec["italic"] = True
            elif num_format is None:  # text in a table: kept off the figure to its left
                spec.update({"align": "left", "indent": 1})
            self.made[key] = self.workbook.add_format(spec)
        return self.made[key]


def team_workbook(plan: TeamPlan) -> bytes:
    """The workbook's bytes: the same plan always gives the same bytes."""
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
    workbook.set_properties({"title": cell_text(f"Team plan: {plan.team}"), "created": created})
    formats = _Formats(workbook)
    for sheet in workbook_sheets(plan):
        _write(workbook, sheet, formats)
    workbook.close()
    return buffer.getvalue()


def _write(workbook: Any, sheet: Sheet, formats: _Formats) -> None:
    grid = _lay_out(sheet)
    fit = _fit(grid)
    out = workbook.add_worksheet(sheet.name)
    for col, width in sorted(fit.widths.items()):
        out.set_column(col, col, width)
    for row, height in sorted(fit.heights.items()):
        out.set_row(row, height)
    for (row, col), cell in sorted(grid.cells.items()):
        wrap = (row, col) in fit.wrapped
        cell_format = formats.get(
            cell.style, number_format(cell.value), marked=cell.marked, wrap=wrap
        )
        if (row, col) in fit.merged:
            last = fit.merged[row, col]
            out.merge_range(row, col, row, last, "", cell_format)
        _put(out, row, col, cell.value, cell_format)
    for row, chart in grid.charts:
        _chart(workbook, out, sheet.name, grid, fit, row, chart)
    if grid.tabular:
        out.freeze_panes(1, 0)
        out.repeat_rows(0)
        if grid.filter is not None:
            out.autofilter(*grid.filter)
    # Text such as an id "007" is meant as text: no "number stored as text" flags on it.
    last_row = max((row for row, _ in grid.cells), default=0)
    out.ignore_errors({"number_stored_as_text": f"A1:{xl_rowcol_to_cell(last_row, grid.last_col)}"})
    out.set_landscape()
    out.fit_to_pages(1, 0)
    out.set_footer(_FOOTER)
    out.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)


def _put(out: Any, row: int, col: int, value: Value, cell_format: Any) -> None:
    """Write a value: a string always as text (an empty one leaves the cell blank)."""
    if value is None or value == "":
        out.write_blank(row, col, None, cell_format)
    elif isinstance(value, str):
        out.write_string(row, col, cell_text(value), cell_format)
    elif isinstance(value, Money):
        out.write_number(row, col, float(value.amount), cell_format)
    elif isinstance(value, Percent):
        out.write_number(row, col, float(value.share), cell_format)
    elif isinstance(value, Month):
        out.write_datetime(row, col, dt.datetime.combine(value.first, dt.time()), cell_format)
    elif isinstance(value, dt.date):
        out.write_datetime(row, col, dt.datetime.combine(value, dt.time()), cell_format)
    else:
        out.write_number(row, col, float(value), cell_format)


def _chart(
    workbook: Any, out: Any, name: str, grid: _Grid, fit: _Fit, row: int, chart: Chart
) -> None:
    """A column chart of a table's rows (never its totals), below the table."""
    _, first, table = grid.tables[chart.table]
    if first < 0:
        return
    headers = [column.header for column in table.columns]
    last = first + len(table.rows) - 1
    category = headers.index(chart.categories)
    drawn = workbook.add_chart({"type": "column"})
    colours = ["#A6A6A6", "#2F5597", "#70AD47", "#ED7D31"]
    for index, header in enumerate(chart.series):
        col = headers.index(header)
        drawn.add_series(
            {
                "name": [name, first - 1, col],
                "categories": [name, first, category, last, category],
                "values": [name, first, col, last, col],
                "fill": {"color": colours[index % len(colours)]},
                "gap": 80,
            }
        )
    drawn.set_title({"name": chart.title, "name_font": {"size": 12}})
    money = f'#,##0 "{chart.currency}"' if _CODE.fullmatch(chart.currency) else "#,##0"
    drawn.set_y_axis({"num_format": money, "min": 0, "major_gridlines": {"visible": True}})
    drawn.set_legend({"position": "bottom"})
    pixels = sum(int(width * 7 + 5) for width in fit.widths.values())
    drawn.set_size({"width": min(max(pixels, 480), 900), "height": (CHART_ROWS - 1) * 20})
    out.insert_chart(row, 0, drawn, {"object_position": 3})
