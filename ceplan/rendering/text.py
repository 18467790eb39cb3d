"""Plans as text for people (a table) and for spreadsheets (CSV).

Text from a catalogue or a roster never acts on the terminal or the spreadsheet: in a table,
control characters are escaped (:func:`ceplan.errors.one_line`); in CSV, a cell that a
spreadsheet would take for a formula is marked as text (:func:`csv_cell`).

A table's columns line up on a terminal: a cell's width is the columns it takes there
(:func:`display_width`: East Asian wide characters take two), and a long title is cut to a
width (:func:`shorten_title`) keeping a code it ends with, such as ``(ENCOR 350-401)``.

Hours the catalogue does not give are ``not given`` in a table and an empty cell in CSV
(:func:`ceplan.results.plan.hours_text`), never 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ceplan.catalogue.models import Catalog
from ceplan.errors import one_line
from ceplan.results.plan import HeldTierPlan, PathComparison, Plan, SlackComparison, hours_text
from ceplan.units import format_money, format_number, quantity

if TYPE_CHECKING:
    import pandas as pd

    from ceplan.planning.team import TeamComparison
    from ceplan.results.team import TeamPlan

__all__ = [
    "CSV_COLUMNS",
    "TITLE_WIDTH",
    "comparison_csv",
    "csv_cell",
    "display_width",
    "plan_csv",
    "plan_table",
    "shorten_title",
    "team_csv",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP, "CSV injection")."""


def csv_cell(text: str) -> str:
    """``text`` for a CSV cell: with a leading ``'`` if a spreadsheet could run it as a formula.

    The rule of every CSV ceplan writes, for text from a catalogue or a roster (not for the
    numbers and dates ceplan formats itself). ``--format json`` gives the text as it is.

    Examples
    --------
    >>> csv_cell("=1+1"), csv_cell("-1"), csv_cell("@SUM(A1)"), csv_cell("Ann")
    ("'=1+1", "'-1", "'@SUM(A1)", 'Ann')
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(rows: Iterable[Sequence[str]]) -> str:
    r"""``rows`` as CSV, a line each ending in ``\n``; a cell holding ``\r`` is quoted too.

    Python's writer quotes a line break only if it is in the line terminator, and an unquoted
    ``\r`` would start a new row in a spreadsheet: each row is written with ``\r\n`` and
    given ``\n`` instead.

    Examples
    --------
    >>> _csv([["a", "b\rc"], ["d,e", ""]])
    'a,"b\rc"\n"d,e",\n'
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    lines = []
    for row in rows:
        writer.writerow(row)
        lines.append(out.getvalue().removesuffix("\r\n") + "\n")
        out.seek(0)
        out.truncate()
    return "".join(lines)


CSV_COLUMNS = [
    "item",
    "id",
    "title",
    "type",
    "kind",
    "credits",
    "cost",
    "currency",
    "hours",
    "complete_by",
    "start",
    "finish",
    "price",
    "price_currency",
]
"""``cost`` is in the plan's ``currency``; ``price`` and ``price_currency`` as listed;
``hours`` is empty where the catalogue gives none."""


def plan_csv(plan: Plan) -> str:
    """One CSV row per planned item; ``item`` is ``activity`` or ``exam``.

    The catalogue's text goes through :func:`csv_cell`.
    """
    rows = [CSV_COLUMNS]
    for item in plan.planned:
        rows.append(
            [
                "exam" if item.is_exam else "activity",
                csv_cell(item.id),
                csv_cell(item.title),
                csv_cell(item.type),
                csv_cell(item.kind or ""),
                format_number(item.credits),
                f"{item.cents / 100:.2f}",
                plan.currency,
                "" if item.given_hours is None else format_number(item.given_hours),
                item.complete_by.isoformat(),
                _iso(item.start),
                _iso(item.finish),
                format_number(item.price),
                item.price_currency,
            ]
        )
    return _csv(rows)


def team_csv(plan: TeamPlan) -> str:
    """One CSV row per person (the columns of :attr:`TeamPlan.people <ceplan.TeamPlan.people>`).

    Text goes through :func:`csv_cell`; dates are ``YYYY-MM-DD``, numbers as pandas writes
    them, a missing value an empty cell.
    """
    return _frame_csv(plan.people)


def comparison_csv(comparison: TeamComparison) -> str:
    """One CSV row per person, before and after a change, written as :func:`team_csv` writes.

    The columns are those of :attr:`TeamComparison.people <ceplan.TeamComparison.people>`.
    """
    return _frame_csv(comparison.people)


def _frame_csv(frame: pd.DataFrame) -> str:
    """A table's rows as CSV under its column names, every text through :func:`csv_cell`."""
    import pandas as pd

    rows = [[csv_cell(str(column)) for column in frame.columns]]  # roster columns too
    for record in frame.itertuples(index=False):
        rows.append(["" if pd.isna(value) else _team_cell(value) for value in record])
    return _csv(rows)


def _team_cell(value: Any) -> str:
    if isinstance(value, str):
        return csv_cell(value)
    if isinstance(value, dt.date):  # a pandas Timestamp is one
        return value.strftime("%Y-%m-%d")
    return str(value)


TITLE_WIDTH = 44
"""The widest a title shows in a plan's table (in terminal columns); longer ones are cut."""

_CUT = "..."  # plain ASCII, so that it takes one column a character on any terminal


def display_width(text: str) -> int:
    """How many terminal columns ``text`` (one line) takes.

    East Asian wide characters take two, combining marks none, every other character one.

    Examples
    --------
    >>> display_width("ENCOR"), display_width("日本語"), display_width("e\u0301")
    (5, 6, 1)
    """
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _cut(text: str, width: int) -> str:
    """The longest start of ``text`` that takes at most ``width`` columns."""
    used = 0
    for end, char in enumerate(text):
        used += _char_width(char)
        if used > width:
            return text[:end]
    return text


def shorten_title(title: str, width: int = TITLE_WIDTH) -> str:
    """``title`` in at most ``width`` columns: cut with ``...``, keeping a code it ends with.

    A title ending in a short part in brackets (an exam's code) keeps it whole and is cut
    before it, so that the reader still sees which exam it is.

    Examples
    --------
    >>> shorten_title(
    ...     "Implementing and Operating Cisco Enterprise Network Core Technologies (ENCOR 350-401)"
    ... )
    'Implementing and Operatin... (ENCOR 350-401)'
    >>> shorten_title("Example 14-hour course on Cisco Digital Learning (12 CE credits)", 32)
    'Example 14-ho... (12 CE credits)'
    >>> shorten_title("A short title"), shorten_title("网络自动化入门课程" * 2, 10)
    ('A short title', '网络自...')
    """
    if display_width(title) <= width:
        return title
    start = title.rfind("(") if title.endswith(")") else -1
    code = title[start:] if start >= 0 and ")" not in title[start:-1] else ""
    if len(code) > 2 and display_width(code) < width // 2:
        end = " " + code
        room = width - display_width(end) - len(_CUT)
        return _cut(title[:start], room).rstrip() + _CUT + end
    return _cut(title, width - len(_CUT)).rstrip() + _CUT


def plan_table(
    plan: Plan,
    comparison: PathComparison | None,
    catalog: Catalog,
    slack: SlackComparison | None = None,
) -> str:
    """The plan as a short report for people.

    It shows the path, the items with credits, cost, hours and do-by date (and planned dates
    for a plan over time), the totals, and the other paths with their best cost and hours, or
    why they have no plan (from ``comparison``, when given; the chosen path's own entry there
    is not shown). It says when the plan keeps no slack before the do-by date, and, given
    ``slack`` (the plan with slack beside the plan without), what the slack costs.
    """
    several = len(plan.held) > 1
    if several:  # each certification's own dates and what is earned toward it
        labels = " + ".join(held.label for held in plan.held)
        lines = [f"{labels}: {catalog.programme}", f"Today {plan.today}; certifications held:"]
        lines.extend(f"  {_held_facts(held, catalog)}" for held in plan.held)
    else:
        tier = catalog.tiers[plan.tier]
        lines = [f"{tier.label}: {catalog.programme}"]
        expiry = f"expires {plan.expires}"
        if any(note.startswith("no expiry date given") for note in plan.notes):
            expiry += f" (assumed: today + {tier.period_years} years; pass --expires)"
        lines.append(
            f"Today {plan.today}, certification {expiry}, everything done by {plan.complete_by}"
        )
    facts = []
    if plan.earned and not several:
        facts.append(f"{quantity(plan.earned, 'credit')} already earned")
    if plan.passed and not several:
        facts.append("passed: " + ", ".join(f"{count} {kind}" for kind, count in plan.passed))
    if plan.budget is not None:
        facts.append(f"budget {format_money(plan.budget, plan.currency)}")
    if plan.hours_per_week is not None:
        facts.append(f"{quantity(plan.hours_per_week, 'study hour')} a week")
    for first, last in plan.unavailable:
        facts.append(f"away {first} to {last}")
    if plan.slack_days:
        facts.append(
            f"{quantity(plan.slack_days, 'day')} of slack before the do-by date "
            f"{plan.do_by_without_slack}"
        )
    if facts:
        lines.append("; ".join(facts))
    lines.append("")
    if plan.already_met and plan.path is not None:
        lines.append(
            f"Already met: what is earned and passed meets {plan.path.describe()}. "
            "Recertify now; nothing more to plan."
        )
    elif plan.found and plan.path is not None:
        lines.append(f"Cheapest plan: {plan.route}")
        if plan.status == "feasible":
            lines.append("(not proven best: see the warning below)")
        lines.append("")
        lines.extend(_items_table(plan))
        lines.extend(_year_targets(plan))
        if several:
            lines.extend(["", "Renewals:"])
            lines.extend(f"  {_held_renewal(held)}" for held in plan.held)
            lines.extend(_slack(plan, slack))
        elif plan.renewal_date is not None:
            lines.append("")
            given_up = f"{plan.days_given_up} days of the current one"
            lines.append(
                f"Renewal completes {plan.renewal_date}: the new cycle runs to "
                f"{plan.new_expires}, giving up {given_up}."
                if not plan.held or plan.days_given_up
                else f"Renewal completes {plan.renewal_date}: the next cycle runs to "
                f"{plan.new_expires}."
            )
            lines.extend(_slack(plan, slack))
    elif plan.status == "unknown":
        lines.append("No plan found, and none ruled out:")
        lines.extend(f"  - {reason}" for reason in plan.reasons)
        lines.extend(["", *said] if (said := _slack(plan, slack)) else [])
    else:
        these = "these certifications" if several else "this certification"
        lines.append(f"No plan renews {these} in time:")
        lines.extend(f"  - {reason}" for reason in plan.reasons)
        lines.extend(["", *said] if (said := _slack(plan, slack)) else [])
    if comparison is not None and plan.found and not plan.already_met:
        lines.extend(_other_paths(plan, comparison))
    elif several and plan.found and not plan.already_met:
        lines.extend(["", "Other paths are compared with one --tier at a time."])
    if plan.rates_as_of is not None:
        lines.append("")
        lines.append(f"Exchange rates as of {plan.rates_as_of}.")
    for warning in plan.warnings:
        lines.append(f"Warning: {warning}")
    return "".join(one_line(line) + "\n" for line in lines)


def _year_targets(plan: Plan) -> list[str]:
    """The cycle years with a yearly target, as the plan's items placed in them fill them."""
    if not plan.year_targets:
        return []
    how = (
        "items counted by their planned finish"
        if plan.over_time
        else "items with an aim-by date are placed early for them"
    )
    lines = ["", f"Yearly targets (not rules; {how}):"]
    lines.extend(f"  {year.describe()}" for year in plan.year_targets)
    return lines


def _held_facts(held: HeldTierPlan, catalog: Catalog) -> str:
    """One certification held: its dates, and the credits and exams already earned toward it."""
    expiry = f"expires {held.expires}"
    if not held.expires_given:
        period = catalog.tiers[held.tier].period_years
        expiry += f" (assumed: today + {period} years; pass --expires)"
    facts = [f"{held.label} ({held.tier}): {expiry}, everything done by {held.complete_by}"]
    if held.earned:
        earned = f"{quantity(held.earned, 'credit')} already earned"
        split = [f"{category} {format_number(n)}" for category, n in held.earned_by_category if n]
        facts.append(earned + (f" ({', '.join(split)})" if split else ""))
    if held.passed:
        facts.append("passed: " + ", ".join(f"{count} {kind}" for kind, count in held.passed))
    return "; ".join(facts)


def _held_renewal(held: HeldTierPlan) -> str:
    """How and when one certification held is renewed by the plan, in words."""
    if held.renewal_date is None or held.new_expires is None:
        return f"{held.tier}: nothing more is needed (what is earned and passed meets it)"
    when = f"{held.renewal_date}; the next cycle runs to {held.new_expires}"
    if held.renewed_through is not None:
        return f"{held.tier}: renewed with {held.renewed_through} on {when}"
    return f"{held.tier}: renewal completes {when}"


def _slack(plan: Plan, slack: SlackComparison | None) -> list[str]:
    """What the slack costs (from ``slack``), or that the plan finishes on the do-by date."""
    if slack is not None and plan.slack_days:
        return [slack.summary()]
    if plan.slack == 0:
        last = [item for item in plan.planned if item.finish == plan.renewal_date]
        sitting = "one failed sitting" if any(item.is_exam for item in last) else "any delay"
        return [
            f"No slack: the last item is due on the do-by date; {sitting} would lapse the "
            "certification. --slack-days N finishes N days earlier."
        ]
    return []


def _other_paths(plan: Plan, comparison: PathComparison) -> list[str]:
    others = [
        (rule, other)
        for index, (rule, other) in enumerate(zip(comparison.paths, comparison.plans, strict=True))
        if index != plan.path_index
    ]
    if not others:
        return []
    lines = ["", "Other paths:"]
    width = max(len(rule.describe()) for rule, _ in others)
    for rule, other in others:
        if other.found:
            outcome = f"best {format_money(other.total_cost, other.currency)}"
            outcome += f", {hours_text(other.planned, unit=' h')}"
        else:
            prefix = f"{rule.describe()}: "
            words = "impossible" if other.status == "infeasible" else "not settled"
            outcome = f"{words}: " + "; ".join(
                reason.removeprefix(f"{comparison.tier}: ").removeprefix(prefix)
                for reason in other.reasons
            )
        lines.append(f"  {rule.describe():<{width}}  {outcome}")
    return lines


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _items_table(plan: Plan) -> list[str]:
    timed = plan.over_time
    aims = any(item.aim_by is not None for item in plan.planned)  # yearly targets place some
    header = ["item", "id", "title", "credits", "cost", "hours", "do by"]
    if aims:
        header.append("aim by")
    if timed:
        header += ["start", "finish"]
    rows = [
        [
            "exam" if item.is_exam else "activity",
            item.id,
            shorten_title(one_line(item.title)),
            "-" if item.is_exam else format_number(item.credits),
            item.cost_text(plan.currency),
            hours_text([item]),
            item.complete_by.isoformat(),
            *([_iso(item.aim_by) if item.aim_by is not None else ""] if aims else []),
            *([_iso(item.start), _iso(item.finish)] if timed else []),
        ]
        for item in plan.planned
    ]
    rows += [
        [
            "fee",
            fee.tier,
            f"{fee.per} fee"
            + (f", {fee.times} x {format_money(fee.each, plan.currency)}" if fee.times > 1 else ""),
            "",
            format_money(fee.amount, plan.currency),
            "",
            "",
            *([""] if aims else []),
            *(["", ""] if timed else []),
        ]
        for fee in plan.fees
    ]
    total_credits = format_number(plan.total_credits)
    if plan.earned and len(plan.held) < 2:  # with several, each tier's own is said above
        total_credits += f" (+{format_number(plan.earned)} earned)"
    count = len(plan.planned)
    totals = [
        "total",
        "",
        f"{count} item{'s' if count != 1 else ''}",
        total_credits,
        format_money(plan.total_cost, plan.currency),
        hours_text(plan.planned),
        "",
        *([""] if aims else []),
        *(["", ""] if timed else []),
    ]
    table = [header, *rows, totals]
    widths = [max(display_width(row[c]) for row in table) for c in range(len(header))]
    right = {3, 4, 5}

    def fmt(row: list[str]) -> str:
        cells = []
        for c, cell in enumerate(row):
            pad = " " * (widths[c] - display_width(cell))
            cells.append(pad + cell if c in right else cell + pad)
        return ("  " + "  ".join(cells)).rstrip()

    rule = "  " + "  ".join("-" * w for w in widths)
    return [fmt(header), rule, *(fmt(row) for row in rows), rule, fmt(totals)]
