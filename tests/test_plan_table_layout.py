"""The tables people read line up on a terminal, and cut titles keep the exam's code.

A terminal shows East Asian wide characters in two columns and combining marks in none; the
one-person table pads by those widths (and escapes control characters before measuring), so
every row is as wide as the rule under the header, whatever the ids and titles. The team's
text pads its ids to the longest, so that ``renews`` and ``AT RISK`` stand in one column.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.catalogue.models import PathRule
from ceplan.rendering.text import plan_table
from ceplan.results.plan import Plan, PlannedItem
from tests.conftest import examples, make_catalog

TODAY = dt.date(2026, 11, 29)
DO_BY = dt.date(2028, 6, 23)
CATALOG = make_catalog(paths=[{"credits": 80}])
ENCOR = "Implementing and Operating Cisco Enterprise Network Core Technologies (ENCOR 350-401)"


def columns(text: str) -> int:
    """The terminal columns ``text`` takes (the test's own count)."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def item(item_id: str, title: str, *, exam: bool = False, hours: float | None = 2) -> PlannedItem:
    return PlannedItem(
        id=item_id,
        title=title,
        is_exam=exam,
        type="exam" if exam else "course",
        kind="core" if exam else None,
        credits=0 if exam else 40,
        cost=12.5,
        hours=hours or 0,
        complete_by=DO_BY,
        price=12.5,
        price_currency="GBP",
        start=TODAY,
        finish=DO_BY,
        hours_given=hours is not None,
    )


def table_of(*items: PlannedItem, timed: bool = False) -> list[str]:
    """The item table's lines: header, rule, item rows, rule, totals."""
    plan = Plan(
        status="optimal",
        tier="pro",
        currency="GBP",
        today=TODAY,
        expires=DO_BY,
        complete_by=DO_BY,
        path=PathRule(credits=80),
        planned=items,
        hours_per_week=10 if timed else None,
    )
    lines = plan_table(plan, None, CATALOG).splitlines()
    first = next(n for n, line in enumerate(lines) if line.lstrip().startswith("item "))
    return lines[first : first + len(items) + 5]


def assert_lined_up(lines: list[str]) -> None:
    """Every item row and rule takes the same columns, and each column starts where the
    rule's dashes do."""
    rule = lines[1]
    starts = [n for n, char in enumerate(rule) if char == "-" and (n == 0 or rule[n - 1] == " ")]
    assert lines[-2] == rule
    for line in lines[2:-2]:
        assert columns(line) == columns(rule), line
        for start in starts[1:]:
            # the character before each column's start is padding
            before = _at_column(line, start - 1)
            assert before == " ", (line, start)


def _at_column(line: str, column: int) -> str:
    """The character shown at terminal ``column`` of ``line``."""
    used = 0
    for char in line:
        if used == column:
            return char
        used += columns(char)
        if used > column:
            return char
    return ""


def test_wide_characters_and_long_ids_keep_the_columns_in_line() -> None:
    lines = table_of(
        item("a", "网络自动化入门课程：使用Python进行网络编程与自动化运维实践"),
        item("a-very-long-identifier-of-forty-characters", "Café\u0301 course"),
        item("b", "A bell\a in the title"),
        item("implementing-and-operating-350-401", ENCOR, exam=True, hours=None),
    )
    assert_lined_up(lines)
    assert "\\x07" in lines[4]  # escaped before it was measured


@settings(max_examples=examples(100))
@given(
    ids=st.lists(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,60}", fullmatch=True), min_size=1),
    titles=st.lists(st.text(max_size=80), min_size=1),
    timed=st.booleans(),
)
@example(ids=["x" * 13], titles=["日本語のタイトル" * 8], timed=False)
def test_any_ids_and_titles_keep_the_columns_in_line(
    ids: list[str], titles: list[str], timed: bool
) -> None:
    planned = tuple(
        item(item_id, titles[n % len(titles)], hours=None if n % 3 == 2 else n)
        for n, item_id in enumerate(dict.fromkeys(ids))
    )
    assert_lined_up(table_of(*planned, timed=timed))


def test_a_cut_exam_title_keeps_its_code() -> None:
    lines = table_of(item("encor-350-401", ENCOR, exam=True))
    assert "Implementing and Operatin... (ENCOR 350-401)" in lines[2]
    plan = ceplan.optimise(
        ceplan.load_catalog(), "professional", today=TODAY, expires=dt.date(2028, 6, 30)
    )
    assert "(ENCOR 350-401)" in plan_table(plan, None, ceplan.load_catalog())


def test_a_long_title_without_a_code_is_cut_at_its_end() -> None:
    title = "Example five-day instructor-led course from an authorised partner"
    lines = table_of(item("course", title))
    assert "Example five-day instructor-led course fr..." in lines[2]
    assert_lined_up(lines)


# -- the team's text ----------------------------------------------------------------------------


def test_the_team_text_keeps_its_status_column_for_ids_over_12_characters(
    tmp_path: Path,
) -> None:
    people = [
        {"id": "al", "name": "Al", "tier": "associate", "expires": "2028-01-31", "earned": 30},
        {"id": "a-person-with-a-long-id", "name": "Long", "tier": "associate"}
        | {"expires": "2028-01-31", "earned": 30},
        {"id": "late-by-far-twenty-three", "name": "Late", "tier": "associate"}
        | {"expires": "2026-12-01"},
    ]
    roster = tmp_path / "team.yaml"
    roster.write_text(yaml.safe_dump({"schema": 1, "team": "T", "people": people}))
    cat = ceplan.load_catalog()
    plan = ceplan.plan_team(cat, ceplan.load_roster(roster, catalog=cat), today=TODAY)
    rows = [
        line
        for line in plan.lines()
        if line.startswith("  ") and line.split()[0] in {p["id"] for p in people}
    ]
    assert len(rows) == 3
    status = {line.index("renews") if "renews" in line else line.index("AT RISK") for line in rows}
    assert status == {2 + len("late-by-far-twenty-three") + 1}


def test_the_team_text_of_short_ids_is_as_before(tmp_path: Path) -> None:
    people = [
        {"id": "al", "name": "Al", "tier": "associate", "expires": "2028-01-31"} | {"earned": 30}
    ]
    roster = tmp_path / "team.yaml"
    roster.write_text(yaml.safe_dump({"schema": 1, "team": "T", "people": people}))
    cat = ceplan.load_catalog()
    plan = ceplan.plan_team(cat, ceplan.load_roster(roster, catalog=cat), today=TODAY)
    assert "  al           renews   30 credits: already met; 0.00 GBP out of pocket" in plan.lines()
