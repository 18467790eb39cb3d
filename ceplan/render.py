"""Plans as text for people (a table) and for spreadsheets (CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from ceplan.catalog import Catalog, _fmt_number
from ceplan.results import PathComparison, Plan, PlannedItem

__all__ = ["CSV_COLUMNS", "plan_csv", "plan_table"]

CSV_COLUMNS = [
    "item",
    "id",
    "title",
    "type",
    "kind",
    "credits",
    "cost",
    "hours",
    "complete_by",
    "start",
    "finish",
    "price",
    "price_currency",
]


def plan_csv(plan: Plan) -> str:
    """One CSV row per planned item; ``item`` is ``activity`` or ``exam``, costs as planned."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in plan.items:
        writer.writerow(
            [
                "exam" if item.is_exam else "activity",
                item.id,
                item.title,
                item.type,
                item.kind or "",
                _fmt_number(item.credits),
                f"{item.cost:.2f}",
                _fmt_number(item.hours),
                item.complete_by.isoformat(),
                _iso(item.start),
                _iso(item.finish),
                _fmt_number(item.price),
                item.price_currency,
            ]
        )
    return out.getvalue()


def _money(amount: float, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _cost_cell(item: PlannedItem, currency: str) -> str:
    text = f"{item.cost:,.2f}"
    if item.price_currency != currency:
        text += f" ({item.price_currency} {item.price:,.2f})"
    return text


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plan_table(plan: Plan, comparison: PathComparison | None, catalog: Catalog) -> str:
    """The plan as a short report for people.

    It shows the path, the items with credits, cost and do-by date, the totals, and the other
    paths with their best cost or why they are impossible.
    """
    tier = catalog.tiers[plan.tier]
    lines = [f"{tier.label}: {catalog.programme}"]
    expiry = f"expires {plan.expires}"
    if plan.notes and any(note.startswith("no expiry date given") for note in plan.notes):
        expiry += f" (assumed: today + {tier.period_years} years; pass --expires)"
    lines.append(
        f"Today {plan.today}, certification {expiry}, everything done by {plan.complete_by}"
    )
    facts = []
    if plan.earned:
        facts.append(f"{_fmt_number(plan.earned)} credits already earned")
    if plan.passed:
        facts.append("passed: " + ", ".join(f"{count} {kind}" for kind, count in plan.passed))
    if plan.budget is not None:
        facts.append(f"budget {_money(plan.budget, plan.currency)}")
    if plan.hours_per_week is not None:
        facts.append(f"{_fmt_number(plan.hours_per_week)} study hours a week")
    for first, last in plan.unavailable:
        facts.append(f"away {first} to {last}")
    if facts:
        lines.append("; ".join(facts))
    lines.append("")
    if plan.found and plan.path is not None:
        lines.append(f"Cheapest plan: {plan.path.describe()}")
        if plan.status == "feasible":
            lines.append("(not proven cheapest: the solver stopped at its time limit)")
        lines.append("")
        lines.extend(_items_table(plan))
        if plan.renewal_date is not None and plan.items:
            lines.append("")
            lines.append(
                f"Renewal completes {plan.renewal_date}: the new cycle runs to "
                f"{plan.new_expires}, giving up {plan.days_given_up} days of the current one."
            )
    else:
        lines.append("No plan renews this certification in time:")
        lines.extend(f"  - {reason}" for reason in plan.reasons)
    if comparison is not None and plan.found:
        others = [
            (rule, other)
            for rule, other in zip(comparison.paths, comparison.plans, strict=True)
            if other.path_index != plan.path_index or not other.found
        ]
        if others:
            lines.append("")
            lines.append("Other paths:")
            width = max(len(rule.describe()) for rule, _ in others)
            for rule, other in others:
                if other.found:
                    outcome = f"best {_money(other.total_cost, other.currency)}"
                    outcome += f", {_fmt_number(other.total_hours)} h"
                else:
                    outcome = "impossible: " + "; ".join(
                        reason.removeprefix(f"{rule.describe()}: ") for reason in other.reasons
                    )
                lines.append(f"  {rule.describe():<{width}}  {outcome}")
    if plan.rates_as_of is not None:
        lines.append("")
        lines.append(f"Exchange rates as of {plan.rates_as_of}.")
    for warning in plan.warnings:
        lines.append(f"Warning: {warning}")
    return "\n".join(lines) + "\n"


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _items_table(plan: Plan) -> list[str]:
    timed = plan.hours_per_week is not None or bool(plan.unavailable)
    header = ["item", "id", "title", "credits", f"cost ({plan.currency})", "hours", "do by"]
    if timed:
        header += ["start", "finish"]
    rows = [
        [
            "exam" if item.is_exam else "activity",
            item.id,
            _truncate(item.title, 44),
            "-" if item.is_exam else _fmt_number(item.credits),
            _cost_cell(item, plan.currency),
            _fmt_number(item.hours),
            item.complete_by.isoformat(),
            *([_iso(item.start), _iso(item.finish)] if timed else []),
        ]
        for item in plan.items
    ]
    total_credits = _fmt_number(plan.total_credits)
    if plan.earned:
        total_credits += f" (+{_fmt_number(plan.earned)} earned)"
    totals = [
        "total",
        "",
        f"{len(plan.items)} item{'s' if len(plan.items) != 1 else ''}",
        total_credits,
        f"{plan.total_cost:,.2f}",
        _fmt_number(plan.total_hours),
        "",
        *(["", ""] if timed else []),
    ]
    if not rows:
        return ["  Nothing more to do: what you have already earned and passed meets this path."]
    table = [header, *rows, totals]
    widths = [max(len(row[c]) for row in table) for c in range(len(header))]
    right = {3, 4, 5}

    def fmt(row: list[str]) -> str:
        cells = [
            cell.rjust(widths[c]) if c in right else cell.ljust(widths[c])
            for c, cell in enumerate(row)
        ]
        return ("  " + "  ".join(cells)).rstrip()

    rule = "  " + "  ".join("-" * w for w in widths)
    return [fmt(header), rule, *(fmt(row) for row in rows), rule, fmt(totals)]
