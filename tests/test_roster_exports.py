"""Rosters as spreadsheets export them (SPEC section 7; ceplan/roster/read.py).

Headers are matched without regard to case, spaces, ``_`` and ``-``; the separator is ``,``,
``;`` or a tab, found from the header; a byte order mark is allowed; columns the plan does not
use are kept, as text, in each person's ``extra`` and carried to the team plan's JSON and people
table, in the roster's order. Every mistake is still one line naming the file, the line (or
row) and the column.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from tests.conftest import examples

TODAY = "2026-11-29"

CANONICAL = (
    "id,name,tier,expires,hours_per_week,passed,exams\n"
    "ann,Ann Lee,professional,2027-09-30,4,core;professional,yes\n"
    "bo,Bo Li,associate,2027-11-30,,,\n"
)
"""A roster as ceplan has always read it; the tests below write the same people otherwise."""
SEMICOLONS = (
    "id;name;tier;expires;hours_per_week;passed;exams\n"
    "ann;Ann Lee;professional;2027-09-30;4;core,professional;yes\n"
    "bo;Bo Li;associate;2027-11-30;;;\n"
)
"""The same, separated by ``;`` (and its list by ``,``)."""


def people_of(path: Path) -> tuple[ceplan.Person, ...]:
    """The people of the roster at ``path``, without the data the plan does not use."""
    return tuple(
        person.model_copy(update={"extra": {}}) for person in ceplan.load_roster(path).people
    )


def problems_of(path: Path) -> list[str]:
    """The problems of the roster at ``path``, its folder left out of the file names."""
    with pytest.raises(ceplan.RosterError) as info:
        ceplan.load_roster(path)
    folder = str(path.parent) + os.sep
    return [str(problem).replace(folder, "") for problem in info.value.problems]


@pytest.fixture
def canonical(tmp_path: Path) -> tuple[ceplan.Person, ...]:
    (tmp_path / "canonical.csv").write_text(CANONICAL, encoding="utf-8")
    people = ceplan.load_roster(tmp_path / "canonical.csv").people
    assert [p.id for p in people] == ["ann", "bo"] and people[0].passed == ("core", "professional")
    return people


@pytest.mark.parametrize(
    "header",
    [
        "ID,Name,Tier,Expires,Hours per week,Passed,Exams",
        " Id , NAME ,tier,  Expires,HOURS_PER_WEEK,passed ,EXAMS",
        "id,name,tier,expires,Hours-Per-Week,Passed,Exams",
        "iD,nAmE,Tier,Expires,hoursperweek,PASSED,exams",
    ],
)
def test_title_case_and_spaced_headers_mean_the_keys(
    tmp_path: Path, canonical: tuple[ceplan.Person, ...], header: str
) -> None:
    body = CANONICAL.split("\n", 1)[1]
    (tmp_path / "team.csv").write_text(header + "\n" + body, encoding="utf-8")
    assert people_of(tmp_path / "team.csv") == canonical


def test_a_semicolon_file_is_read_with_its_lists_quoted_or_separated_by_commas(
    tmp_path: Path, canonical: tuple[ceplan.Person, ...]
) -> None:
    (tmp_path / "team.csv").write_text(
        "ID;Name;Tier;Expires;Hours per week;Passed;Exams\n"
        'ann;Ann Lee;professional;2027-09-30;4;"core;professional";yes\n'
        "bo;Bo Li;associate;2027-11-30;;;\n",
        encoding="utf-8",
    )
    assert people_of(tmp_path / "team.csv") == canonical
    (tmp_path / "team.csv").write_text(
        "ID;Name;Tier;Expires;Hours per week;Passed;Exams\n"
        "ann;Ann Lee;professional;2027-09-30;4;core, professional;yes\n"
        "bo;Bo Li;associate;2027-11-30;;;\n",
        encoding="utf-8",
    )
    assert people_of(tmp_path / "team.csv") == canonical


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_a_tab_separated_file_is_read(
    tmp_path: Path, canonical: tuple[ceplan.Person, ...], suffix: str
) -> None:
    text = CANONICAL.replace(",", "\t")
    (tmp_path / f"team{suffix}").write_text(text, encoding="utf-8")
    assert people_of(tmp_path / f"team{suffix}") == canonical


@pytest.mark.parametrize("separator", [",", ";"])
def test_a_byte_order_mark_is_allowed(
    tmp_path: Path, canonical: tuple[ceplan.Person, ...], separator: str
) -> None:
    text = CANONICAL if separator == "," else SEMICOLONS
    (tmp_path / "team.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert people_of(tmp_path / "team.csv") == canonical


def test_a_separator_in_a_quoted_cell_is_text(tmp_path: Path) -> None:
    (tmp_path / "team.csv").write_text(
        'id,name,tier,expires,"Team; site",passed\n'
        'ann,"Lee; Ann",professional,2027-09-30,"Core; Leeds",core;professional\n',
        encoding="utf-8",
    )
    (ann,) = ceplan.load_roster(tmp_path / "team.csv").people
    assert (ann.name, ann.passed) == ("Lee; Ann", ("core", "professional"))
    assert ann.extra == {"Team; site": "Core; Leeds"}
    (tmp_path / "team.csv").write_text(
        'ID;Name;Tier;Expires;"Team, site"\nann;"Lee, Ann";professional;2027-09-30;"a;b"\n',
        encoding="utf-8",
    )
    (ann,) = ceplan.load_roster(tmp_path / "team.csv").people
    assert (ann.name, ann.extra) == ("Lee, Ann", {"Team, site": "a;b"})


def test_the_separator_is_the_one_that_reads_the_keys_not_the_most_columns(
    tmp_path: Path,
) -> None:
    # A ";" export quotes cells holding ";", not ",": split at "," this header has more cells.
    (tmp_path / "team.csv").write_text(
        "ID;Name;Tier;Expires;Team, site, floor, desk, room, phone\n"
        "ann;Ann;professional;2027-09-30;Core, Leeds, 2, 14, B, 0113\n",
        encoding="utf-8",
    )
    (ann,) = ceplan.load_roster(tmp_path / "team.csv").people
    assert ann.extra == {"Team, site, floor, desk, room, phone": "Core, Leeds, 2, 14, B, 0113"}


def test_a_first_line_may_name_the_separator(
    tmp_path: Path, canonical: tuple[ceplan.Person, ...]
) -> None:
    (tmp_path / "team.csv").write_text(
        "sep=;\n" + SEMICOLONS,
        encoding="utf-8",
    )
    assert people_of(tmp_path / "team.csv") == canonical


HR = (
    "Employee ID;Name;Department;ID;Tier;E-mail;Expires;Notes\n"
    "E-17;Ann Lee;Networks;ann;professional;ann@example.com;2027-09-30;=SUM(A1)\n"
    'E-18;Bo Li;;bo;associate;"bo@example.com";2027-11-30;"two\nlines"\n'
)
"""An export from HR: columns the plan does not use around its own, text a sheet could run."""
EXTRA = ["Employee ID", "Department", "E-mail", "Notes"]


def test_columns_the_plan_does_not_use_are_kept_as_text_in_file_order(tmp_path: Path) -> None:
    (tmp_path / "team.csv").write_text(HR, encoding="utf-8")
    ann, bo = ceplan.load_roster(tmp_path / "team.csv").people
    assert list(ann.extra.items()) == [
        ("Employee ID", "E-17"),
        ("Department", "Networks"),
        ("E-mail", "ann@example.com"),
        ("Notes", "=SUM(A1)"),
    ]
    assert list(bo.extra.items()) == [
        ("Employee ID", "E-18"),
        ("Department", ""),
        ("E-mail", "bo@example.com"),
        ("Notes", "two\nlines"),
    ]
    assert hash(ann) != hash(bo)  # a person stays hashable, as a frozen model is


def with_roster_extra(plan: ceplan.TeamPlan, roster: ceplan.Roster) -> ceplan.TeamPlan:
    """``plan`` with each outcome carrying its person's ``extra``, as the planner gives it."""
    outcomes = tuple(
        dataclasses.replace(outcome, extra=tuple(roster.person(outcome.id).extra.items()))
        for outcome in plan.outcomes
    )
    return dataclasses.replace(plan, outcomes=outcomes)


@pytest.fixture(scope="module")
def hr_plan() -> tuple[ceplan.TeamPlan, ceplan.Roster]:
    folder = Path(tempfile.mkdtemp(prefix="ceplan-test-"))
    (folder / "team.csv").write_text(HR, encoding="utf-8")
    catalog = ceplan.load_catalog()
    roster = ceplan.load_roster(folder / "team.csv", catalog=catalog)
    return ceplan.plan_team(catalog, roster, today=TODAY), roster


def test_the_kept_columns_are_in_the_plans_json_and_people_table(
    hr_plan: tuple[ceplan.TeamPlan, ceplan.Roster],
) -> None:
    plan = with_roster_extra(*hr_plan)
    ann, bo = plan.to_dict()["people"]
    assert list(ann["extra"].items()) == list(hr_plan[1].person("ann").extra.items())
    assert bo["extra"]["Notes"] == "two\nlines"
    assert '"Notes": "=SUM(A1)"' in plan.to_json()  # JSON gives the text as it is
    frame = plan.people
    own = [c for c in hr_plan[0].people.columns if c not in EXTRA]
    assert list(frame.columns) == [*own, *EXTRA]
    assert frame["Department"].tolist() == ["Networks", ""]
    assert frame["Notes"].tolist() == ["=SUM(A1)", "two\nlines"]
    assert plan.to_json() == with_roster_extra(*hr_plan).to_json()


def test_a_kept_column_named_as_a_plan_column_is_marked_as_the_rosters(
    hr_plan: tuple[ceplan.TeamPlan, ceplan.Roster],
) -> None:
    plan, _ = hr_plan
    first, second = plan.outcomes
    outcomes = (
        dataclasses.replace(first, extra=(("Status", "on leave"), ("Site", "Leeds"))),
        dataclasses.replace(second, extra=(("Grade", "B"),)),
    )
    frame = dataclasses.replace(plan, outcomes=outcomes).people
    assert list(frame.columns)[-3:] == ["Status (roster)", "Site", "Grade"]
    assert frame["status"].tolist() == ["renews", "renews"]
    assert frame["Status (roster)"].tolist() == ["on leave", ""]
    assert frame["Grade"].tolist() == ["", "B"]


def test_the_planner_carries_the_kept_columns_to_the_plan(
    hr_plan: tuple[ceplan.TeamPlan, ceplan.Roster],
) -> None:
    plan, roster = hr_plan
    assert plan.to_dict()["people"][0]["extra"] == roster.person("ann").extra
    assert list(plan.people.columns)[-4:] == EXTRA


def test_two_headers_that_mean_the_same_are_one_line_naming_both(tmp_path: Path) -> None:
    (tmp_path / "team.csv").write_text(
        "ID;Name;Tier;Expires;Hours per week;Dept;hours_per_week;dept\n"
        "ann;Ann;professional;2027-09-30;4;Net;4;Net\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path / "team.csv") == [
        "team.csv:1: columns 'Hours per week' (column E) and 'hours_per_week' (column G) both"
        " mean hours_per_week (headers are matched without regard to case, spaces, '_' and"
        " '-'): keep one",
        "team.csv:1: columns 'Dept' (column F) and 'dept' (column H) are the same column"
        " (headers are matched without regard to case, spaces, '_' and '-'): keep one",
    ]


def test_a_mistake_names_the_file_line_row_and_column_as_written(tmp_path: Path) -> None:
    (tmp_path / "team.csv").write_text(
        "sep=;\n"
        "ID;Name;Notes;Tier;Expires;Hours per week;Passed\n"
        'ann;Ann;"a\nb";professional;2027-09-30;lots;core\n'
        "\n"
        "Bo;Bo;;associate;2027-11-30;;core;labs!\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path / "team.csv") == [
        "team.csv:6: row 3: has 8 cells where the header has 7",
    ]
    (tmp_path / "team.csv").write_text(
        "sep=;\n"
        "ID;Name;Notes;Tier;Expires;Hours per week;Passed\n"
        'ann;Ann;"a\nb";professional;2027-09-30;lots;core\n'
        "\n"
        "Bo;Bo;;associate;2027-11-30;;core,labs!\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path / "team.csv") == [
        "team.csv:3: row 1 'ann': field 'Hours per week': Input should be a valid number"
        " (got 'lots')",
        "team.csv:6: row 3 'Bo': field 'ID': String should match pattern"
        " '^[a-z0-9][a-z0-9._-]*$' (got 'Bo')",
        "team.csv:6: row 3 'Bo': field 'Passed.1': String should match pattern"
        " '^[a-z][a-z0-9_-]*$' (got 'labs!')",
    ]


def test_a_column_without_a_header_must_be_empty(tmp_path: Path) -> None:
    (tmp_path / "team.csv").write_text(
        "id;name;tier;expires;;\nann;Ann;professional;2027-09-30;;\nbo;Bo;associate;2027-11-30;;x\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path / "team.csv") == [
        "team.csv:3: row 2: field 'column F': has no header: name the column or leave it empty"
        " (got 'x')",
    ]
    (tmp_path / "team.csv").write_text(
        "id;name;tier;expires;;\nann;Ann;professional;2027-09-30;;\n", encoding="utf-8"
    )
    (ann,) = ceplan.load_roster(tmp_path / "team.csv").people
    assert ann.extra == {}


def test_a_yaml_roster_keeps_the_same_under_extra(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(
        "schema: 1\nteam: T\npeople:\n"
        "  - id: ann\n    name: Ann\n    tier: professional\n    expires: 2027-09-30\n"
        "    extra: {Department: Networks, Desk: 42, Started: 2019-05-01, Remote: true, Note: ~}\n",
        encoding="utf-8",
    )
    (ann,) = ceplan.load_roster(tmp_path / "team.yaml").people
    assert list(ann.extra.items()) == [
        ("Department", "Networks"),
        ("Desk", "42"),
        ("Started", "2019-05-01"),
        ("Remote", "true"),
        ("Note", ""),
    ]
    again = ceplan.Roster.model_validate(ceplan.load_roster(tmp_path / "team.yaml").model_dump())
    assert again.people[0] == ann  # a roster given as data keeps it


def test_a_yaml_rosters_extra_is_checked(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(
        "schema: 1\nteam: T\npeople:\n"
        "  - {id: ann, name: Ann, tier: pro, expires: 2027-09-30, Department: Networks}\n"
        "  - {id: bo, name: Bo, tier: pro, expires: 2027-09-30, extra: {Hours per week: 4}}\n"
        "  - {id: cy, name: Cy, tier: pro, expires: 2027-09-30, extra: {Dept: a, DEPT: b}}\n"
        "  - {id: di, name: Di, tier: pro, expires: 2027-09-30, extra: {Teams: [a, b]}}\n"
        "  - {id: ed, name: Ed, tier: pro, expires: 2027-09-30, extra: Networks}\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path / "team.yaml") == [
        "team.yaml:4: people[0] 'ann': field 'Department': unknown key (a person's data the"
        " plan does not use goes under extra) (got 'Networks')",
        "team.yaml:5: people[1] 'bo': field 'extra': 'Hours per week' is a person's own key:"
        " give it as hours_per_week, not under extra (got {'Hours per week': 4})",
        "team.yaml:6: people[2] 'cy': field 'extra': 'Dept' and 'DEPT' are the same column"
        " (names are matched without regard to case, spaces, '_' and '-'): keep one"
        " (got {'Dept': 'a', 'DEPT': 'b'})",
        "team.yaml:7: people[3] 'di': field 'extra.Teams': Input should be a valid string"
        " (got ['a', 'b'])",
        "team.yaml:8: people[4] 'ed': field 'extra': Input should be a valid dictionary"
        " (got 'Networks')",
    ]


# -- any spelling, any separator ---------------------------------------------------------------

KEYS = ("id", "name", "tier", "expires", "earned", "passed", "hours_per_week", "exams")

PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True),
            "name": st.sampled_from(["Ann", "Bo Li", "Zoë O'Neil", "A, B", "C; D", 'E "F"']),
            "tier": st.sampled_from(["associate", "professional"]),
            "expires": st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)).map(str),
            "earned": st.sampled_from(["", "0", "12", "2.5"]),
            "passed": st.lists(st.sampled_from(["core", "professional"]), max_size=2),
            "hours_per_week": st.sampled_from(["", "0.5", "4"]),
            "exams": st.sampled_from(["", "true", "FALSE", "yes", "0"]),
        }
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda person: person["id"],
)

OTHER = ("Department", "E-mail", "Cost centre", "Notes")
TEXTS = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8
)


@st.composite
def spelling(draw: st.DrawFn, key: str) -> str:
    """``key`` as a spreadsheet might head its column."""
    words = key.split("_")
    join = draw(st.sampled_from([" ", "_", "-", "", "  "]))
    cased = [draw(st.sampled_from([word, word.upper(), word.title()])) for word in words]
    pad = st.sampled_from(["", " ", "  "])
    return draw(pad) + join.join(cased) + draw(pad)


@settings(max_examples=examples(60))
@given(
    people=PEOPLE,
    data=st.data(),
    separator=st.sampled_from([",", ";", "\t"]),
    bom=st.booleans(),
    list_join=st.sampled_from([";", ",", ", "]),
)
def test_a_roster_read_with_any_header_spelling_and_separator_gives_the_same_people(
    people: list[dict[str, Any]],
    data: st.DataObject,
    separator: str,
    bom: bool,
    list_join: str,
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ceplan-test-"))
    canonical = io.StringIO()
    writer = csv.writer(canonical, lineterminator="\n")
    writer.writerow(KEYS)
    for person in people:
        writer.writerow([";".join(v) if isinstance(v, list) else v for v in map(person.get, KEYS)])
    (folder / "canonical.csv").write_text(canonical.getvalue(), encoding="utf-8")

    other = data.draw(st.lists(st.sampled_from(OTHER), unique=True, max_size=len(OTHER)))
    columns = data.draw(st.permutations([*KEYS, *other]))
    header = [data.draw(spelling(c)) if c in KEYS else c for c in columns]
    extra = [{name: data.draw(TEXTS) for name in other} for _ in people]
    exported = io.StringIO()
    writer = csv.writer(exported, delimiter=separator, lineterminator="\r\n")
    writer.writerow(header)
    for person, kept in zip(people, extra, strict=True):
        cells = {**person, "passed": list_join.join(person["passed"]), **kept}
        writer.writerow([cells[c] for c in columns])
    text = ("\ufeff" if bom else "") + exported.getvalue()
    (folder / "export.csv").write_bytes(text.encode("utf-8"))

    read = ceplan.load_roster(folder / "export.csv").people
    assert people_of(folder / "export.csv") == ceplan.load_roster(folder / "canonical.csv").people
    in_file_order = [name for name in columns if name in other]
    assert [list(p.extra.items()) for p in read] == [
        [(name, kept[name]) for name in in_file_order] for kept in extra
    ]


def test_a_kept_column_named_as_a_formula_is_text_in_the_team_csv(
    hr_plan: tuple[ceplan.TeamPlan, ceplan.Roster],
) -> None:
    """A roster column's name reaches the CSV's header: one a spreadsheet could run (``=x``)
    is written as text, as every cell a user typed is."""
    from ceplan.rendering.text import team_csv

    plan, _ = hr_plan
    first, second = plan.outcomes
    outcomes = (dataclasses.replace(first, extra=(("=cmd", "x"),)), second)
    text = team_csv(dataclasses.replace(plan, outcomes=outcomes))
    header = text.splitlines()[0].split(",")
    assert "'=cmd" in header and "=cmd" not in header
