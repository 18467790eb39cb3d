"""The ids stage of :func:`ceplan.solving.arrays.walk_stages` starts near the first answer.

Sixty activities alike but for their ids and types (so none beats another) tie in cost, hours
and count; the first ten ids are the plan. Starting from the answer whose ids' places add up to
the least, the solver is asked twice in that stage: for that answer, and whether any comes
before it (none). No timed assertion: the number of questions is counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import ceplan
from ceplan.solving import arrays


def test_the_ids_stage_asks_twice_when_its_start_is_the_first() -> None:
    catalog = ceplan.Catalog.model_validate(
        {
            "schema": 2,
            "programme": "P",
            "currency": "USD",
            "tiers": {"t": {"label": "T", "paths": [{"credits": 10}]}},
            "activities": [
                {
                    "id": f"a{k:02d}",
                    "title": f"A {k}",
                    "type": f"kind-{(k * 7) % 60}",
                    "credits": 1,
                    "cost": 0,
                    "hours": 1,
                }
                for k in range(60)
            ],
        }
    )
    asked: list[str] = []
    real_solve, real_ids = arrays.Highs.solve, arrays._Walk.smallest_ids
    inside = [False]

    def solve(self: Any, *args: Any, **kwargs: Any) -> Any:
        if inside[0]:
            asked.append("solve")
        return real_solve(self, *args, **kwargs)

    def smallest_ids(self: Any, *args: Any, **kwargs: Any) -> Any:
        inside[0] = True
        try:
            return real_ids(self, *args, **kwargs)
        finally:
            inside[0] = False

    with (
        mock.patch.object(arrays.Highs, "solve", solve),
        mock.patch.object(arrays._Walk, "smallest_ids", smallest_ids),
    ):
        plan = ceplan.optimise(
            catalog, "t", solver="highs", today=dt.date(2026, 1, 1), expires=dt.date(2028, 1, 1)
        )
    assert [item.id for item in plan.planned] == [f"a{k:02d}" for k in range(10)]
    assert len(asked) == 2
