"""Every entry point gives the same plan: the library, and the table, JSON and CSV of the CLI.

SPEC 3: the order is defined once and every entry point returns the same plan for the same
inputs. Random plans over time (weekly hours, days away, dated sessions) are planned through
``ceplan.optimise`` and through ``ceplan optimise`` in each format, from the same file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.cli.main import main
from tests.conftest import TODAY, examples
from tests.test_schedule import constrained


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def table_ids(table: str) -> list[str]:
    """The ids in the item rows of the table (``activity`` or ``exam``, then the id)."""
    return [
        line.split()[1]
        for line in table.splitlines()
        if line.startswith(("  activity ", "  exam "))
    ]


@settings(max_examples=examples(40))
@given(case=constrained(), solver=st.sampled_from(["cbc", "highs"]))
def test_table_json_csv_and_library_give_the_same_plan(case: dict[str, Any], solver: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog.yaml"
        path.write_text(yaml.safe_dump(case["data"], sort_keys=False), encoding="utf-8")
        plan = ceplan.optimise(
            str(path),
            "pro",
            today=TODAY,
            expires=case["expires"],
            hours_per_week=case["hours"],
            unavailable=case["unavailable"],
            solver=solver,
        )
        argv = [
            "optimise",
            "--tier",
            "pro",
            "--catalog",
            str(path),
            "--today",
            TODAY.isoformat(),
            "--expires",
            case["expires"].isoformat(),
            "--hours-per-week",
            str(case["hours"]),
            "--solver",
            solver,
        ]
        for first, last in case["unavailable"]:
            argv += ["--unavailable", f"{first}:{last}"]
        code = 0 if plan.found else 1
        results = {fmt: cli(*argv, "--format", fmt) for fmt in ("json", "csv", "table")}
    assert {fmt: result[0] for fmt, result in results.items()} == dict.fromkeys(results, code)
    assert results["json"][1] == plan.to_json() + "\n"
    ids = [item.id for item in plan.planned]
    rows = list(csv.DictReader(io.StringIO(results["csv"][1])))
    assert [row["id"] for row in rows] == ids
    assert [row["cost"] for row in rows] == [f"{item.cost:.2f}" for item in plan.planned]
    assert [dt.date.fromisoformat(row["finish"]) for row in rows] == [
        item.finish for item in plan.planned
    ]
    table = results["table"][1]
    assert table_ids(table) == ids
    if plan.found and plan.path is not None:
        assert f"Cheapest plan: {plan.path.describe()}\n" in table
        assert f"Renewal completes {plan.renewal_date}:" in table
    else:
        assert all(f"  - {reason}\n" in table for reason in plan.reasons)
