"""An exact baseline for the benchmark: dynamic programming, independent of ceplan's internals.

It reads the catalogue as plain data (what ``yaml.safe_load`` gives for a ``catalog.yaml``) and
applies the planning rules of SPEC section 3 itself:

- an item is usable iff it is not completed or excluded, its ``expires`` (``retires`` for an
  exam) is empty or on or after ``today``, and its ``available_from`` is empty or on or before
  ``complete_by = expires - processing_days``;
- costs are converted to the catalogue currency and rounded to whole cents (half to even);
- for each path, the cheapest way to earn the missing credits is a min-cost *covering* knapsack
  over the usable activities, solved exactly by dynamic programming on credits scaled to
  integers (quarter credits become whole units); the exams are the cheapest usable exams of
  each kind, as many as the path still needs;
- the answer is the cheapest path.

Only the cost is computed (not ceplan's tie-breaks), which is what the benchmark compares.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

import numpy as np

INFINITE = np.int64(2**62)
MAX_SCALE = 1000


def _cents(item: Mapping[str, Any], data: Mapping[str, Any]) -> int:
    rate = Decimal(1)
    currency = item.get("currency")
    if currency is not None and currency != data["currency"]:
        rate = Decimal(repr(float(data["exchange_rates"][currency])))
    amount = Decimal(repr(float(item["cost"]))) * rate * 100
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _usable(item: Mapping[str, Any], last_field: str, today: dt.date, complete_by: dt.date) -> bool:
    last = _as_date(item.get(last_field))
    start = _as_date(item.get("available_from"))
    return (last is None or last >= today) and (start is None or start <= complete_by)


def _scale(values: Iterable[float]) -> int:
    """The smallest whole number that makes every value whole (1 for whole credits)."""
    scale = 1
    for value in values:
        scale = math.lcm(scale, Fraction(value).limit_denominator(MAX_SCALE).denominator)
    if scale > MAX_SCALE:
        raise ValueError(f"credits need a scale of {scale}; the baseline stops at {MAX_SCALE}")
    return scale


def covering_knapsack(weights: list[int], costs: list[int], capacity: int) -> np.ndarray:
    """``best[c]``: the least cost of a subset of items whose weights add up to at least ``c``.

    Each item is used at most once. ``best[c]`` is :data:`INFINITE` when no subset reaches ``c``.
    Runs in ``O(len(weights) * capacity)``, one vectorised step per item.
    """
    best = np.full(capacity + 1, INFINITE, dtype=np.int64)
    best[0] = 0
    for weight, cost in zip(weights, costs, strict=True):
        # With the item, "at least c" needs "at least c - weight" from the items before it.
        if weight > capacity:
            candidate = np.full(capacity + 1, cost, dtype=np.int64)
        else:
            candidate = np.empty(capacity + 1, dtype=np.int64)
            candidate[:weight] = cost
            candidate[weight:] = best[: capacity + 1 - weight] + cost
        np.minimum(best, candidate, out=best)
    return best


def path_costs(
    data: Mapping[str, Any],
    tier: str,
    *,
    today: dt.date,
    expires: dt.date,
    earned: float = 0,
    passed: Mapping[str, int] | None = None,
    unavailable: Iterable[str] = (),
    allow_exams: bool = True,
    processing_days: int | None = None,
) -> list[int | None]:
    """The least cost in cents of each path of ``tier`` on its own, ``None`` where impossible."""
    passed = dict(passed or {})
    skip = set(unavailable)
    days = data.get("processing_days", 0) if processing_days is None else processing_days
    complete_by = expires - dt.timedelta(days=days)
    paths = data["tiers"][tier]["paths"]
    if today > complete_by:
        return [None] * len(paths)

    activities = [
        a
        for a in data.get("activities") or []
        if a["id"] not in skip and _usable(a, "expires", today, complete_by)
    ]
    exam_cents: dict[str, list[int]] = defaultdict(list)
    if allow_exams:
        for exam in data.get("exams") or []:
            if exam["id"] not in skip and _usable(exam, "retires", today, complete_by):
                exam_cents[exam["kind"]].append(_cents(exam, data))
    for prices in exam_cents.values():
        prices.sort()

    needs = [max(0.0, float(path.get("credits", 0)) - float(earned)) for path in paths]
    scale = _scale([float(a["credits"]) for a in activities] + needs)
    units = [math.ceil(need * scale - 1e-9) for need in needs]
    capacity = max(units, default=0)
    best = covering_knapsack(
        [round(float(a["credits"]) * scale) for a in activities],
        [_cents(a, data) for a in activities],
        capacity,
    )

    result: list[int | None] = []
    for path, need in zip(paths, units, strict=True):
        total = int(best[need])
        if total >= INFINITE:
            result.append(None)
            continue
        for kind, count in (path.get("exams") or {}).items():
            missing = max(0, count - passed.get(kind, 0))
            prices = exam_cents.get(kind, [])
            if missing > len(prices):
                total = -1
                break
            total += sum(prices[:missing])
        result.append(None if total < 0 else total)
    return result


def cheapest_cost(data: Mapping[str, Any], tier: str, **inputs: Any) -> int | None:
    """The least cost in cents of renewing ``tier`` by any path; ``None`` if no path is possible.

    Takes the same keyword arguments as :func:`path_costs`.
    """
    costs = [cost for cost in path_costs(data, tier, **inputs) if cost is not None]
    return min(costs) if costs else None
