"""What the team workbook holds, sheet by sheet, as plain tables (SPEC section 7's workbook).

The workbook (:mod:`ceplan.rendering.xlsx`) writes what this module lays out: a Summary first
(the facts, spend per budget period and per quarter against budget, a chart of the periods,
the funds, who is at risk and why), then People, Items, Budgets, Funds and a Calendar of the
months. Nothing here knows about spreadsheets: a :class:`Table` is headers in words, rows of
values and, where sums make sense, a totals row. A value's type says how it is shown: a
:class:`Money` amount with its currency, an ``int`` a count, a ``float`` hours, a
:class:`datetime.date` a day, a :class:`Month` a month, a :class:`Percent` a share, a ``str``
text and ``None`` nothing.

Totals are added in whole cents (:func:`money_total`), so that they are the JSON's to the cent.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from ceplan.results.plan import hours_text
from ceplan.results.team import (
    PEOPLE_COLUMNS,
    BudgetUse,
    FundUse,
    PersonOutcome,
    TeamItem,
    TeamPlan,
)
from ceplan.units import money_value, plain_number

__all__ = [
    "Block",
    "Chart",
    "Column",
    "LISTED",
    "Money",
    "Month",
    "Note",
    "PLAN_PEOPLE_COLUMNS",
    "Percent",
    "Sheet",
    "Table",
    "Value",
    "add_months",
    "at_risk_table",
    "budgets_table",
    "calendar_table",
    "facts_table",
    "fund_summary_table",
    "funds_table",
    "items_table",
    "money_total",
    "people_table",
    "periods_table",
    "quarters",
    "quarters_table",
    "reason_text",
    "summary_blocks",
    "workbook_sheets",
]


class Money(NamedTuple):
    """An amount and its currency code."""

    amount: float
    currency: str


class Month(NamedTuple):
    """A calendar month, held as its first day."""

    first: dt.date


class Percent(NamedTuple):
    """A share, ``0.5`` for half."""

    share: float


Value = str | int | float | dt.date | Money | Month | Percent | None
"""What a cell holds (see the module's docstring)."""


@dataclass(frozen=True)
class Column:
    """A column: its header in words, and whether it holds long text (reasons, lists)."""

    header: str
    long: bool = False


@dataclass(frozen=True)
class Table:
    """A table: a title (``""`` for none), columns, rows, marked rows and a totals row.

    ``marked`` holds, for each row, whether it is a person at risk. ``totals`` is the totals
    row (its first cell the word ``"Total"``), or ``None`` where no sum makes sense.
    ``empty`` is said in place of the rows when there are none. ``header`` is ``False`` for a
    list of facts (a label and a value) that needs no header row.
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    marked: tuple[bool, ...] = ()
    totals: tuple[Value, ...] | None = None
    empty: str = ""
    header: bool = True
    name: str = ""
    """What a :class:`Chart` calls the table by."""


@dataclass(frozen=True)
class Note:
    """A line of text across the sheet (a title when ``title``)."""

    text: str
    title: bool = False


@dataclass(frozen=True)
class Chart:
    """A column chart of a table of the sheet: categories from one column, a series per other."""

    title: str
    table: str
    """The :attr:`Table.name` it draws."""
    categories: str
    """The header of the column naming the categories."""
    series: tuple[str, ...]
    """The headers of the columns drawn, each a series."""
    currency: str


Block = Table | Note | Chart
"""What a sheet is made of, top to bottom."""


@dataclass(frozen=True)
class Sheet:
    """A sheet: its name and its blocks, top to bottom (a table sheet holds one table)."""

    name: str
    blocks: tuple[Block, ...]

    @property
    def tabular(self) -> bool:
        """Whether the sheet is one table with a header row (frozen and filtered)."""
        return len(self.blocks) == 1 and isinstance(self.blocks[0], Table)


def workbook_sheets(plan: TeamPlan) -> tuple[Sheet, ...]:
    """The workbook's sheets, in order: Summary, People, Items, Budgets, Funds, Calendar."""
    return (
        Sheet("Summary", summary_blocks(plan)),
        Sheet("People", (people_table(plan),)),
        Sheet("Items", (items_table(plan),)),
        Sheet("Budgets", (budgets_table(plan),)),
        Sheet("Funds", (funds_table(plan),)),
        Sheet("Calendar", (calendar_table(plan),)),
    )


# -- money ----------------------------------------------------------------------------------------


def money_total(amounts: Iterable[float]) -> float:
    """The sum of amounts in whole cents, as an amount.

    Examples
    --------
    >>> money_total([0.1, 0.2]), sum([0.1, 0.2])
    (0.3, 0.30000000000000004)
    """
    return money_value(sum(round(amount * 100) for amount in amounts))


def _fund_cents(item: TeamItem) -> int:
    return sum(cents for _, cents in item.fund_cents)


# -- dates ----------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day.

    Examples
    --------
    >>> add_months(dt.date(2026, 11, 30), 3), add_months(dt.date(2027, 1, 31), 1)
    (datetime.date(2027, 2, 28), datetime.date(2027, 2, 28))
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def quarters(start: dt.date, end: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """A period cut into quarters of three months from its start: number, first and last day.

    The last quarter ends with the period.

    Examples
    --------
    >>> for number, first, last in quarters(dt.date(2026, 4, 1), dt.date(2026, 12, 15)):
    ...     print(number, first, last)
    1 2026-04-01 2026-06-30
    2 2026-07-01 2026-09-30
    3 2026-10-01 2026-12-15
    """
    out: list[tuple[int, dt.date, dt.date]] = []
    while (first := add_months(start, 3 * len(out))) <= end:
        last = min(add_months(start, 3 * (len(out) + 1)) - dt.timedelta(days=1), end)
        out.append((len(out) + 1, first, last))
    return out


def _calendar_quarter(day: dt.date) -> tuple[dt.date, dt.date]:
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return first, add_months(first, 3) - dt.timedelta(days=1)


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


# -- words ----------------------------------------------------------------------------------------

_STATUS_WORDS = {"renews": "Renews", "at_risk": "At risk"}
_KIND_WORDS = {"activity": "Activity", "exam": "Exam"}


def _status(outcome: PersonOutcome) -> str:
    return _STATUS_WORDS.get(outcome.status, outcome.status)


def reason_text(outcome: PersonOutcome) -> str:
    """A person's reasons in words, one a line."""
    return "\n".join(outcome.reasons)


def _periods(plan: TeamPlan) -> dict[str, int]:
    """Each budget period's place in the plan's order."""
    return {use.name: index for index, use in enumerate(plan.budget_uses)}


# -- the summary ----------------------------------------------------------------------------------


def summary_blocks(plan: TeamPlan) -> tuple[Block, ...]:
    """The Summary sheet: facts, periods (and their chart), quarters, funds, who is at risk."""
    money = plan.currency
    blocks: list[Block] = [
        Note(f"Team plan: {plan.team}", title=True),
        Note(f"Planned on {plan.today.isoformat()}; amounts in {money} unless a fund says."),
        facts_table(plan),
    ]
    if not all(stage.proved for stage in plan.bounds):
        blocks += [Note(stage.words(money)) for stage in plan.bounds]
    periods = periods_table(plan)
    blocks.append(periods)
    if plan.budget_uses:
        blocks.append(
            Chart(
                "Spend against budget per budget period",
                table=periods.name,
                categories="Budget period",
                series=("Budget", "Spent (out of pocket)"),
                currency=money,
            )
        )
    quarter = quarters_table(plan)
    blocks.append(quarter)
    if not plan.budget_uses and quarter.rows:
        blocks.append(
            Chart(
                "Spend per quarter (no budgets given)",
                table=quarter.name,
                categories="Quarter",
                series=("Spent (out of pocket)", "Paid from funds"),
                currency=money,
            )
        )
    blocks += [fund_summary_table(plan), at_risk_table(plan)]
    return tuple(blocks)


def facts_table(plan: TeamPlan) -> Table:
    """The plan in a few facts: status, who renews, the money."""
    money = plan.currency
    budget = money_total(use.amount for use in plan.budget_uses)
    left = money_total(use.left for use in plan.budget_uses)
    lost = money_total(use.lost for use in plan.fund_uses)
    cost = money_total(o.cost for o in plan.outcomes)
    rows: list[tuple[Value, ...]] = [
        ("Status", plan.explanation),
        ("People", len(plan.outcomes)),
        ("Renew", len(plan.outcomes) - len(plan.at_risk)),
        ("At risk", len(plan.at_risk)),
        ("Total cost", Money(cost, money)),
        ("Out of pocket", Money(plan.out_of_pocket, money)),
        ("Paid from funds", Money(plan.paid_by_funds, money)),
    ]
    if plan.budget_uses:
        rows += [("Budgets in all", Money(budget, money)), ("Left in budgets", Money(left, money))]
    if plan.fund_uses:
        rows.append(("Fund money lost at expiry", Money(lost, money)))
    return Table(
        "", (Column("Fact"), Column("Value", long=True)), tuple(rows), header=False, name="facts"
    )


def periods_table(plan: TeamPlan) -> Table:
    """Spend per budget period against its budget, with what funds paid there."""
    money = plan.currency
    items = [item for o in plan.outcomes for item in o.items]
    rows: list[tuple[Value, ...]] = []
    for use in plan.budget_uses:
        mine = [item for item in items if item.period == use.name]
        rows.append(
            (
                use.name,
                use.start,
                use.end,
                Money(use.amount, money),
                Money(use.spent, money),
                Money(use.left, money),
                Percent(use.spent / use.amount) if use.amount else None,
                Money(money_value(sum(_fund_cents(item) for item in mine)), money),
                len(mine),
            )
        )
    budget = money_total(use.amount for use in plan.budget_uses)
    spent = money_total(use.spent for use in plan.budget_uses)
    totals: tuple[Value, ...] = (
        "Total",
        None,
        None,
        Money(budget, money),
        Money(spent, money),
        Money(money_total(use.left for use in plan.budget_uses), money),
        Percent(spent / budget) if budget else None,
        Money(money_total(row[7].amount for row in rows if isinstance(row[7], Money)), money),
        sum(int(row[8]) for row in rows if isinstance(row[8], int)),
    )
    return Table(
        "Spend per budget period",
        (
            Column("Budget period"),
            Column("From"),
            Column("To"),
            Column("Budget"),
            Column("Spent (out of pocket)"),
            Column("Left"),
            Column("Used"),
            Column("Paid from funds"),
            Column("Items paid"),
        ),
        tuple(rows),
        totals=totals if rows else None,
        empty="No budget periods were given: nothing caps the spend.",
        name="periods",
    )


def quarters_table(plan: TeamPlan) -> Table:
    """Spend per quarter: of each budget period (from its start), else of the calendar year.

    Each row says what is paid in the quarter, out of pocket and from funds, and what is left
    of the period's budget after it.
    """
    money = plan.currency
    items = [item for o in plan.outcomes for item in o.items]
    rows: list[tuple[Value, ...]] = []
    for use in plan.budget_uses:
        mine = [item for item in items if item.period == use.name]
        spent = 0
        for number, first, last in quarters(use.start, use.end):
            inside = [item for item in mine if first <= item.paid_on <= last]
            out = sum(item.out_of_pocket_cents for item in inside)
            spent += out
            rows.append(
                (
                    use.name,
                    f"Q{number}",
                    first,
                    last,
                    len(inside),
                    Money(money_value(out), money),
                    Money(money_value(sum(_fund_cents(item) for item in inside)), money),
                    Money(money_value(round(use.amount * 100) - spent), money),
                )
            )
    loose = [item for item in items if item.period not in _periods(plan)]
    if loose:
        first = _calendar_quarter(min(item.paid_on for item in loose))[0]
        last_paid = max(item.paid_on for item in loose)
        while first <= last_paid:
            start, end = _calendar_quarter(first)
            inside = [item for item in loose if start <= item.paid_on <= end]
            rows.append(
                (
                    "No budget period",
                    f"{start.year} Q{(start.month - 1) // 3 + 1}",
                    start,
                    end,
                    len(inside),
                    Money(money_value(sum(item.out_of_pocket_cents for item in inside)), money),
                    Money(money_value(sum(_fund_cents(item) for item in inside)), money),
                    None,
                )
            )
            first = add_months(start, 3)
    totals: tuple[Value, ...] = (
        "Total",
        None,
        None,
        None,
        sum(int(row[4]) for row in rows if isinstance(row[4], int)),
        Money(plan.out_of_pocket, money),
        Money(plan.paid_by_funds, money),
        None,
    )
    return Table(
        "Spend per quarter",
        (
            Column("Budget period"),
            Column("Quarter"),
            Column("From"),
            Column("To"),
            Column("Items paid"),
            Column("Spent (out of pocket)"),
            Column("Paid from funds"),
            Column("Budget left after"),
        ),
        tuple(rows),
        totals=totals if rows else None,
        empty="Nothing is paid.",
        name="quarters",
    )


def _fund_row(use: FundUse, money: str) -> tuple[Value, ...]:
    return (
        use.name,
        Money(use.given, use.currency),
        Money(use.amount, money),
        use.expires,
        ", ".join(use.pays_for),
        Money(use.used, money),
        Money(use.lost, money),
    )


_FUND_COLUMNS = (
    Column("Fund"),
    Column("Amount in its currency"),
    Column("Amount"),
    Column("Expires"),
    Column("Pays for"),
    Column("Used"),
    Column("Lost at expiry"),
)


def _fund_totals(plan: TeamPlan) -> tuple[Value, ...]:
    money = plan.currency
    return (
        "Total",
        None,
        Money(money_total(use.amount for use in plan.fund_uses), money),
        None,
        None,
        Money(money_total(use.used for use in plan.fund_uses), money),
        Money(money_total(use.lost for use in plan.fund_uses), money),
    )


def fund_summary_table(plan: TeamPlan) -> Table:
    """The funds: each in its own currency and converted, what is used, what expires unused."""
    rows = tuple(_fund_row(use, plan.currency) for use in plan.fund_uses)
    return Table(
        "Funds",
        _FUND_COLUMNS,
        rows,
        totals=_fund_totals(plan) if rows else None,
        empty="No funds were given.",
        name="funds",
    )


def at_risk_table(plan: TeamPlan) -> Table:
    """Who is at risk, and why."""
    rows = tuple((o.id, o.name, o.priority, reason_text(o)) for o in plan.at_risk)
    return Table(
        "Who is at risk",
        (Column("ID"), Column("Name"), Column("Priority"), Column("Reason", long=True)),
        rows,
        marked=(True,) * len(rows),
        empty="Nobody is at risk: everyone renews.",
        name="at_risk",
    )


# -- the table sheets -----------------------------------------------------------------------------

PLAN_PEOPLE_COLUMNS = frozenset(PEOPLE_COLUMNS)
"""The columns of :attr:`TeamPlan.people` the People sheet shows in its own words; any other
column (one a roster carries through, such as ``department``) follows them, as text."""


def people_table(plan: TeamPlan) -> Table:
    """One row per person: what they renew by and when, what it costs, why they are at risk."""
    money = plan.currency
    order = _periods(plan)
    frame = plan.people
    extra = [column for column in frame.columns if column not in PLAN_PEOPLE_COLUMNS]
    carried = _carried(frame, extra, len(plan.outcomes))
    rows: list[tuple[Value, ...]] = []
    for outcome, more in zip(plan.outcomes, carried, strict=True):
        periods = sorted(
            {item.period for item in outcome.items if item.period is not None},
            key=lambda name: order.get(name, len(order)),
        )
        funds = money_value(sum(_fund_cents(item) for item in outcome.items))
        rows.append(
            (
                outcome.id,
                outcome.name,
                outcome.tiers,
                outcome.priority,
                outcome.expires,
                _status(outcome),
                outcome.path_words,
                ", ".join(periods) or None,
                min((item.complete_by for item in outcome.items), default=None),
                max((item.finish for item in outcome.items), default=None),
                len(outcome.items),
                _hours(outcome.items),
                Money(outcome.cost, money),
                Money(funds, money),
                Money(outcome.out_of_pocket, money),
                reason_text(outcome) or None,
                *more,
            )
        )
    totals: tuple[Value, ...] = (
        "Total",
        *(None,) * 9,
        sum(len(o.items) for o in plan.outcomes),
        _hours([item for o in plan.outcomes for item in o.items]),
        Money(money_total(o.cost for o in plan.outcomes), money),
        Money(plan.paid_by_funds, money),
        Money(plan.out_of_pocket, money),
        None,
        *(None,) * len(extra),
    )
    return Table(
        "",
        (
            Column("ID"),
            Column("Name"),
            Column("Tier"),
            Column("Priority"),
            Column("Expires"),
            Column("Status"),
            Column("Path"),
            Column("Paid in"),
            Column("Do by"),
            Column("Done by (planned)"),
            Column("Items"),
            Column("Hours"),
            Column("Cost"),
            Column("From funds"),
            Column("Out of pocket"),
            Column("Reason", long=True),
            *(Column(str(column)) for column in extra),
        ),
        tuple(rows),
        marked=tuple(not o.renews for o in plan.outcomes),
        totals=totals if rows else None,
        empty="Nobody is on the roster.",
    )


def _hours(items: Sequence[TeamItem]) -> float | str:
    """The hours ``items`` take, as a number or in words.

    A number where the catalogue gives every item's hours, else words
    (:func:`~ceplan.results.plan.hours_text`: ``40 + not given``).
    """
    if all(item.hours_given for item in items):
        return float(plain_number(round(sum(item.hours for item in items), 6)))
    return hours_text(items)


def _carried(frame: pd.DataFrame, columns: Sequence[str], count: int) -> list[tuple[Value, ...]]:
    """The values of a roster's own columns, as text, row by row."""
    if not columns:
        return [()] * count
    return [
        tuple(None if _missing(value) else str(value) for value in row)
        for row in frame[list(columns)].itertuples(index=False)
    ]


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def items_table(plan: TeamPlan) -> Table:
    """One row per item: who takes it, when it is paid and by what, when it is done."""
    money = plan.currency
    rows: list[tuple[Value, ...]] = []
    for outcome in plan.outcomes:
        for item in outcome.items:
            rows.append(
                (
                    item.person,
                    outcome.name,
                    item.id,
                    item.title,
                    _KIND_WORDS.get(item.kind, item.kind),
                    _hours([item]),
                    Money(item.cost, money),
                    item.paid_on,
                    item.period,
                    Money(money_value(_fund_cents(item)), money),
                    ", ".join(name for name, _ in item.fund_cents) or None,
                    Money(item.out_of_pocket, money),
                    item.start,
                    item.finish,
                    item.complete_by,
                )
            )
    items = [item for o in plan.outcomes for item in o.items]
    totals: tuple[Value, ...] = (
        "Total",
        *(None,) * 4,
        _hours(items),
        Money(money_value(sum(item.cents for item in items)), money),
        None,
        None,
        Money(plan.paid_by_funds, money),
        None,
        Money(plan.out_of_pocket, money),
        None,
        None,
        None,
    )
    return Table(
        "",
        (
            Column("Person"),
            Column("Name"),
            Column("Item"),
            Column("Title"),
            Column("Kind"),
            Column("Hours"),
            Column("Cost"),
            Column("Paid on"),
            Column("Budget period"),
            Column("From funds"),
            Column("Funds"),
            Column("Out of pocket"),
            Column("Start"),
            Column("Finish"),
            Column("Do by"),
        ),
        tuple(rows),
        totals=totals if rows else None,
        empty="Nothing is planned.",
    )


def budgets_table(plan: TeamPlan) -> Table:
    """One row per budget period: its days, amount, what is spent and left."""
    money = plan.currency
    rows = tuple(_budget_row(use, money) for use in plan.budget_uses)
    budget = money_total(use.amount for use in plan.budget_uses)
    spent = money_total(use.spent for use in plan.budget_uses)
    totals: tuple[Value, ...] = (
        "Total",
        None,
        None,
        Money(budget, money),
        Money(spent, money),
        Money(money_total(use.left for use in plan.budget_uses), money),
        Percent(spent / budget) if budget else None,
    )
    return Table(
        "",
        (
            Column("Budget period"),
            Column("From"),
            Column("To"),
            Column("Budget"),
            Column("Spent"),
            Column("Left"),
            Column("Used"),
        ),
        rows,
        totals=totals if rows else None,
        empty="No budget periods were given.",
    )


def _budget_row(use: BudgetUse, money: str) -> tuple[Value, ...]:
    return (
        use.name,
        use.start,
        use.end,
        Money(use.amount, money),
        Money(use.spent, money),
        Money(use.left, money),
        Percent(use.spent / use.amount) if use.amount else None,
    )


def funds_table(plan: TeamPlan) -> Table:
    """One row per fund, in its own currency and converted."""
    rows = tuple(_fund_row(use, plan.currency) for use in plan.fund_uses)
    return Table(
        "",
        _FUND_COLUMNS,
        rows,
        totals=_fund_totals(plan) if rows else None,
        empty="No funds were given.",
    )


def calendar_table(plan: TeamPlan) -> Table:
    """Month by month, from the first payment to the last finish: what is paid, what is due.

    An item is paid in the month of its ``paid_on`` and due in the month it is planned to be
    done (its ``finish``, on or before its do-by date). Every month in between has a row.
    """
    money = plan.currency
    names = {o.id: o.name for o in plan.outcomes}
    items = [item for o in plan.outcomes for item in o.items]
    paid_in: dict[dt.date, list[TeamItem]] = {}
    due_in: dict[dt.date, list[TeamItem]] = {}
    for item in items:
        paid_in.setdefault(_month(item.paid_on), []).append(item)
        due_in.setdefault(_month(item.finish), []).append(item)
    rows: list[tuple[Value, ...]] = []
    if items:
        month = min(paid_in)
        last = max(due_in)
        while month <= last:
            paid, due = paid_in.get(month, []), due_in.get(month, [])
            rows.append(
                (
                    Month(month),
                    len(paid),
                    Money(money_value(sum(item.cents for item in paid)), money),
                    Money(money_value(sum(_fund_cents(item) for item in paid)), money),
                    Money(money_value(sum(item.out_of_pocket_cents for item in paid)), money),
                    len(due),
                    Money(money_value(sum(item.cents for item in due)), money),
                    _listing(paid, names, due=False) or None,
                    _listing(due, names, due=True) or None,
                )
            )
            month = add_months(month, 1)
    totals: tuple[Value, ...] = (
        "Total",
        len(items),
        Money(money_value(sum(item.cents for item in items)), money),
        Money(plan.paid_by_funds, money),
        Money(plan.out_of_pocket, money),
        len(items),
        Money(money_value(sum(item.cents for item in items)), money),
        None,
        None,
    )
    return Table(
        "",
        (
            Column("Month"),
            Column("Items paid"),
            Column("Paid"),
            Column("Paid from funds"),
            Column("Paid out of pocket"),
            Column("Items due"),
            Column("Due (cost)"),
            Column("What is paid", long=True),
            Column("What is due", long=True),
        ),
        tuple(rows),
        totals=totals if rows else None,
        empty="Nothing is planned.",
    )


LISTED = 20
"""The most people a Calendar cell lists by name; the rest are counted (the Items sheet has all)."""


def _listing(items: Sequence[TeamItem], names: dict[str, str], *, due: bool) -> str:
    """Who pays or is due what in a month, a person a line: ``Tom Becker: encor-350-401``.

    Items due say when they are done (``encor-350-401 on 2028-02-08``).
    """
    people: dict[str, list[str]] = {}
    for item in items:
        what = item.id
        if due:
            what += (
                f" on {item.finish}"
                if item.start == item.finish
                else f" from {item.start} to {item.finish}"
            )
        people.setdefault(item.person, []).append(what)
    lines = [f"{names.get(person, person)}: {', '.join(what)}" for person, what in people.items()]
    if len(lines) > LISTED:
        more = len(lines) - LISTED + 1
        lines = [*lines[: LISTED - 1], f"and {more} more people (the Items sheet lists them all)"]
    return "\n".join(lines)
