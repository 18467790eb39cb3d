"""Plans as typed, immutable objects, with pandas tables and the JSON of the command line."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from ceplan.catalog import PathRule, _plain_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PathComparison", "Plan", "PlannedItem", "Status"]

Status = Literal["optimal", "feasible", "infeasible", "unknown"]
"""``optimal``: proved cheapest; ``feasible``: a plan, but a time limit stopped the proof;
``infeasible``: no plan exists (see ``reasons``); ``unknown``: the solver stopped without one."""

ACTIVITY_COLUMNS = [
    "id",
    "title",
    "type",
    "credits",
    "cost",
    "hours",
    "complete_by",
    "start",
    "finish",
    "price",
    "price_currency",
]
EXAM_COLUMNS = [
    "id",
    "title",
    "kind",
    "cost",
    "hours",
    "complete_by",
    "start",
    "finish",
    "price",
    "price_currency",
]


@dataclass(frozen=True)
class PlannedItem:
    """An activity or exam in a plan.

    ``cost`` is in the catalogue currency, rounded to cents; ``price`` and ``price_currency``
    are as the catalogue lists them.
    """

    id: str
    title: str
    is_exam: bool
    type: str
    kind: str | None
    credits: float
    cost: float
    hours: float
    complete_by: dt.date
    price: float
    price_currency: str
    start: dt.date | None = None
    finish: dt.date | None = None
    session: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The item as in the JSON output."""
        if self.is_exam:
            return {
                "id": self.id,
                "title": self.title,
                "kind": self.kind,
                "cost": self.cost,
                "hours": _plain_number(self.hours),
                "complete_by": self.complete_by.isoformat(),
                **self._dates(),
            }
        return {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "credits": _plain_number(self.credits),
            "cost": self.cost,
            "hours": _plain_number(self.hours),
            "complete_by": self.complete_by.isoformat(),
            **self._dates(),
        }

    def _dates(self) -> dict[str, str | None]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "finish": self.finish.isoformat() if self.finish else None,
        }


@dataclass(frozen=True)
class Plan:
    """The cheapest way to renew one person's certification, or why there is none.

    Read ``status`` first: the totals and tables are empty unless it is ``"optimal"`` or
    ``"feasible"``.
    """

    status: Status
    tier: str
    currency: str
    today: dt.date
    expires: dt.date
    complete_by: dt.date
    path: PathRule | None
    items: tuple[PlannedItem, ...] = ()
    earned: float = 0.0
    passed: tuple[tuple[str, int], ...] = ()
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rates_as_of: dt.date | None = None
    budget: float | None = None
    hours_per_week: float | None = None
    unavailable: tuple[tuple[dt.date, dt.date], ...] = ()
    renewal_date: dt.date | None = None
    new_expires: dt.date | None = None
    days_given_up: int | None = None
    timeline_rows: tuple[tuple[dt.date, str, float], ...] = field(default=(), repr=False)
    path_index: int | None = field(default=None, compare=False)

    @property
    def found(self) -> bool:
        """Whether the plan holds a way to renew (``optimal`` or ``feasible``)."""
        return self.status in ("optimal", "feasible")

    @property
    def total_cost(self) -> float:
        """The cost of the chosen items in the catalogue currency."""
        return round(sum(round(item.cost * 100) for item in self.items) / 100, 2)

    @property
    def total_credits(self) -> float:
        """Credits from the chosen activities (without those already earned)."""
        return float(sum(item.credits for item in self.items))

    @property
    def total_hours(self) -> float:
        """Hours of the chosen items, exam preparation included."""
        return float(sum(item.hours for item in self.items))

    @property
    def activities(self) -> pd.DataFrame:
        """The chosen activities, one row each, sorted by id."""
        rows = [_row(item, ACTIVITY_COLUMNS) for item in self.items if not item.is_exam]
        return _frame(rows, ACTIVITY_COLUMNS)

    @property
    def exams(self) -> pd.DataFrame:
        """The chosen exams, one row each, sorted by id."""
        rows = [_row(item, EXAM_COLUMNS) for item in self.items if item.is_exam]
        return _frame(rows, EXAM_COLUMNS)

    @property
    def timeline(self) -> pd.DataFrame:
        """Self-study hours by week and item: columns ``week``, ``id``, ``hours``.

        Weeks start on ``today`` and are named by their first day; dated sessions take no
        self-study hours and are not listed.
        """
        import pandas as pd

        frame = pd.DataFrame(list(self.timeline_rows), columns=["week", "id", "hours"])
        return frame.astype({"hours": "float64"})

    def weekly_hours(self) -> list[dict[str, Any]]:
        """Total self-study hours per week, for the JSON ``timeline``."""
        totals: dict[dt.date, float] = {}
        for week, _, hours in self.timeline_rows:
            totals[week] = totals.get(week, 0.0) + hours
        return [
            {"week": week.isoformat(), "hours": _plain_number(round(hours, 2))}
            for week, hours in sorted(totals.items())
        ]

    def to_dict(self) -> dict[str, Any]:
        """The plan as the JSON object of ``ceplan optimise --format json``."""
        found = self.found
        return {
            "status": self.status,
            "tier": self.tier,
            "currency": self.currency,
            "today": self.today.isoformat(),
            "expires": self.expires.isoformat(),
            "complete_by": self.complete_by.isoformat(),
            "path": self.path.to_dict() if self.path is not None and found else None,
            "activities": [item.to_dict() for item in self.items if not item.is_exam],
            "exams": [item.to_dict() for item in self.items if item.is_exam],
            "earned": _plain_number(self.earned),
            "passed": dict(self.passed),
            "budget": self.budget,
            "total_cost": self.total_cost,
            "total_credits": _plain_number(self.total_credits),
            "total_hours": _plain_number(self.total_hours),
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "rates_as_of": self.rates_as_of.isoformat() if self.rates_as_of else None,
            "hours_per_week": self.hours_per_week,
            "unavailable": [[a.isoformat(), b.isoformat()] for a, b in self.unavailable],
            "renewal_date": _iso(self.renewal_date),
            "new_expires": _iso(self.new_expires),
            "days_given_up": self.days_given_up,
            "timeline": self.weekly_hours(),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text; the same plan always gives the same bytes."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


@dataclass(frozen=True)
class PathComparison:
    """The best plan for each path of a tier, side by side."""

    tier: str
    currency: str
    paths: tuple[PathRule, ...]
    plans: tuple[Plan, ...]

    @property
    def best(self) -> Plan:
        """The plan the rules choose: cheapest, then fewest hours, items, smallest ids, path."""
        found = [plan for plan in self.plans if plan.found]
        if not found:
            first = self.plans[0]
            reasons = tuple(reason for plan in self.plans for reason in plan.reasons)
            status: Status = (
                "unknown" if any(p.status == "unknown" for p in self.plans) else "infeasible"
            )
            return replace(
                first, status=status, path=None, path_index=None, items=(), reasons=reasons
            )
        return min(found, key=plan_order)

    def to_frame(self) -> pd.DataFrame:
        """One row per path: its best cost, credits, hours and items, or why it is impossible."""
        import pandas as pd

        rows = []
        for index, (rule, plan) in enumerate(zip(self.paths, self.plans, strict=True)):
            rows.append(
                {
                    "path": rule.describe(),
                    "path_index": index,
                    "status": plan.status,
                    "total_cost": plan.total_cost if plan.found else float("nan"),
                    "total_credits": plan.total_credits if plan.found else float("nan"),
                    "total_hours": plan.total_hours if plan.found else float("nan"),
                    "items": ", ".join(item.id for item in plan.items),
                    "reason": "; ".join(plan.reasons),
                }
            )
        return pd.DataFrame(rows)


def plan_order(plan: Plan) -> tuple[int, float, int, tuple[str, ...], int]:
    """The order of the planning rules: cost, hours, item count, sorted ids, path position."""
    return (
        round(plan.total_cost * 100),
        round(plan.total_hours, 6),
        len(plan.items),
        tuple(sorted(item.id for item in plan.items)),
        plan.path_index if plan.path_index is not None else 0,
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _row(item: PlannedItem, columns: list[str]) -> dict[str, Any]:
    return {column: getattr(item, column) for column in columns}


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    numeric = [c for c in ("credits", "cost", "hours", "price") if c in columns]
    return frame.astype(dict.fromkeys(numeric, "float64"))
