"""Every problem of a catalogue in one run (ceplan/loading.py, ceplan/catalog.py, SPEC section 2).

A catalogue that breaks rules raises one :class:`ceplan.CatalogError` whose ``problems`` hold every
problem found, field-level ones (pydantic's) and rules across fields alike, sorted by line, each
naming the file, line, item and field and echoing the offending value. Problems of the YAML itself
stay single.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic
import pytest

import ceplan
from ceplan.catalogue.models import CatalogRuleError
from tests.conftest import catalog_data

WriteCatalog = Callable[..., Path]
Problem = ceplan.CatalogError.Problem

EXAM_PATHS = [{"credits": 80}, {"credits": 40, "exams": {"pro": 1}}]


def activity(item_id: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item_id,
        "title": f"Activity {item_id}",
        "type": "online-course",
        "credits": 10,
        "cost": 50,
    }
    data.update(fields)
    return data


def exam(item_id: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item_id, "title": f"Exam {item_id}", "kind": "pro", "cost": 300}
    data.update(fields)
    return data


def problems_of(path: Path) -> tuple[ceplan.CatalogError.Problem, ...]:
    """Load ``path`` and return the problems of the one CatalogError it raises."""
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(path)
    error = info.value
    assert error.problems, "an error without problems"
    assert [p.line or 0 for p in error.problems] == sorted(p.line or 0 for p in error.problems)
    for problem in error.problems:
        assert problem.file == str(path)
    return error.problems


def summary(problems: tuple[ceplan.CatalogError.Problem, ...]) -> set[tuple[str | None, ...]]:
    return {(p.item, p.field, p.message) for p in problems}


# -- one run finds them all -----------------------------------------------------------------------


def test_every_field_problem_is_reported_with_its_line_and_value(
    write_catalog: WriteCatalog,
) -> None:
    text = """\
schema: 1
programme: Test programme
currency: GBP
colour: blue
tiers:
  pro:
    label: Pro
    paths:
      - credits: 80
activities:
  - id: rev-up-python
    title: Python
    type: videos
    credits: 15
    cost: '£150'
  - id: neg-hours
    title: Hours
    type: videos
    credits: 0
    cost: 10
    hours: -2
"""
    path = write_catalog(text)
    problems = problems_of(path)
    assert [(p.line, p.item, p.field, p.value) for p in problems] == [
        (4, None, "colour", "'blue'"),
        (15, "activities[0] 'rev-up-python'", "cost", "'£150'"),
        (19, "activities[1] 'neg-hours'", "credits", "0"),
        (21, "activities[1] 'neg-hours'", "hours", "-2"),
    ]
    assert problems[0].message == "unknown key"
    assert str(problems[1]) == (
        f"{path}:15: activities[0] 'rev-up-python': field 'cost': "
        "Input should be a valid number (got '£150')"
    )


def test_every_rule_across_fields_is_reported(write_catalog: WriteCatalog) -> None:
    data = catalog_data(
        exams=[
            exam("exam-one"),
            exam("orphan-exam", kind="orphan"),
            exam("euro-exam", currency="EUR"),
        ],
        activities=[
            activity("twin"),
            activity("twin"),
            activity("late", available_from=dt.date(2027, 2, 1), expires=dt.date(2027, 1, 1)),
            activity("exam-one"),
            activity(
                "ilt",
                expires=dt.date(2027, 3, 1),
                sessions=[
                    {"start": dt.date(2027, 1, 4), "end": dt.date(2027, 1, 8)},
                    {"start": dt.date(2027, 1, 4), "end": dt.date(2027, 1, 8)},
                    {"start": dt.date(2027, 2, 22), "end": dt.date(2027, 3, 5)},
                ],
            ),
        ],
        paths=[*EXAM_PATHS, {"exams": {"lab": 1}}],
        exchange_rates={"USD": 0.79},
    )
    problems = problems_of(write_catalog(data))
    assert summary(problems) == {
        (None, "rates_as_of", "is required when exchange_rates is given"),
        ("tiers.pro path 3", "exams", "names exam kind 'lab' but no exam has that kind"),
        ("exams[1] 'orphan-exam'", "kind", "is not named by any tier's path"),
        ("exams[2] 'euro-exam'", "currency", "has no entry in exchange_rates"),
        ("activities[1] 'twin'", "id", "duplicate id, first used by activities[0]"),
        ("activities[2] 'late'", "available_from", "is after expires 2027-01-01"),
        ("activities[3] 'exam-one'", "id", "duplicate id, first used by exams[0]"),
        (
            "activities[4] 'ilt'",
            "sessions.1.start",
            "duplicate session: the same dates as sessions.0",
        ),
        ("activities[4] 'ilt'", "sessions.2.end", "is after expires 2027-03-01"),
    }
    values = {(p.field, p.value) for p in problems}
    assert ("id", "'twin'") in values
    assert ("available_from", "2027-02-01") in values
    assert ("currency", "'EUR'") in values
    assert ("exams", "{'lab': 1}") in values


def test_field_problems_and_rules_across_fields_come_together(
    write_catalog: WriteCatalog,
) -> None:
    """A negative cost in one item and a duplicate id in others: both, in one run."""
    data = catalog_data(
        activities=[activity("fine"), activity("negative", cost=-5), activity("fine")],
        exchange_rates={"USD": 0.79},
    )
    problems = problems_of(write_catalog(data))
    assert summary(problems) == {
        ("activities[1] 'negative'", "cost", "Input should be greater than or equal to 0"),
        ("activities[2] 'fine'", "id", "duplicate id, first used by activities[0]"),
        (None, "rates_as_of", "is required when exchange_rates is given"),
    }


def an_exam_fails() -> dict[str, Any]:
    """The only exam of kind ``pro`` is invalid: the path naming ``pro`` is not to be blamed."""
    return catalog_data(exams=[exam("only-exam", cost=-1)], paths=EXAM_PATHS)


def a_tier_fails() -> dict[str, Any]:
    """The tier naming kind ``lab`` is invalid: the ``lab`` exam is not to be blamed."""
    data = catalog_data(exams=[exam("lab-exam", kind="lab")])
    data["tiers"]["lab"] = {"paths": [{"exams": {"lab": 1}}, {"credits": -1}]}
    return data


def the_currency_fails() -> dict[str, Any]:
    """The catalogue's currency is invalid: the item in dollars is not to be blamed."""
    return catalog_data(activities=[activity("in-dollars", currency="USD")], currency="pounds")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (an_exam_fails(), {("exams[0] 'only-exam'", "cost")}),
        (a_tier_fails(), {("tiers.lab path 2", "credits")}),
        (the_currency_fails(), {(None, "currency")}),
    ],
    ids=["exam", "tier", "currency"],
)
def test_rules_are_checked_only_over_valid_parts(
    write_catalog: WriteCatalog, data: dict[str, Any], expected: set[tuple[str | None, str]]
) -> None:
    """A part that is not valid is reported once; rules that need it are not guessed at."""
    problems = problems_of(write_catalog(data))
    assert {(p.item, p.field) for p in problems} == expected


def test_a_duplicate_id_is_reported_even_when_its_twin_has_other_problems(
    write_catalog: WriteCatalog,
) -> None:
    data = catalog_data(activities=[activity("a", cost=-1), activity("a", credits=0)])
    problems = problems_of(write_catalog(data))
    assert {(p.item, p.field) for p in problems} == {
        ("activities[0] 'a'", "cost"),
        ("activities[1] 'a'", "credits"),
        ("activities[1] 'a'", "id"),
    }
    (duplicate,) = [p for p in problems if p.field == "id"]
    assert duplicate.message == "duplicate id, first used by activities[0]"


def test_a_rule_of_a_nested_model_and_rules_of_the_catalogue(write_catalog: WriteCatalog) -> None:
    session = {"start": dt.date(2027, 2, 5), "end": dt.date(2027, 2, 1)}
    data = catalog_data(
        activities=[activity("backwards", sessions=[session]), activity("a"), activity("a")]
    )
    problems = problems_of(write_catalog(data))
    assert summary(problems) == {
        ("activities[0] 'backwards'", "sessions.0.end", "is before start 2027-02-05"),
        ("activities[2] 'a'", "id", "duplicate id, first used by activities[1]"),
    }


def test_a_tuple_too_short_only_because_its_entries_failed_is_not_a_problem_of_its_own(
    write_catalog: WriteCatalog,
) -> None:
    problems = problems_of(write_catalog(catalog_data(paths=[{"credits": -1}])))
    assert [(p.item, p.field) for p in problems] == [("tiers.pro path 1", "credits")]


def test_an_unknown_schema_is_the_only_problem_reported(write_catalog: WriteCatalog) -> None:
    data = catalog_data(activities=[activity("a", cost=-1), activity("a")], schema=3, colour="x")
    (problem,) = problems_of(write_catalog(data))
    assert problem.field == "schema"
    assert problem.message == "unknown schema: this ceplan reads schemas 1 and 2"
    assert problem.value == "3"


def test_a_missing_schema_is_one_problem_among_others(write_catalog: WriteCatalog) -> None:
    data = catalog_data(activities=[activity("a", cost=-1)])
    del data["schema"]
    problems = problems_of(write_catalog(data))
    assert {(p.field, p.message, p.value) for p in problems} == {
        ("schema", "is required", None),
        ("cost", "Input should be greater than or equal to 0", "-1"),
    }


# -- the error's text and attributes ---------------------------------------------------------------


def test_one_problem_is_one_line_in_the_documented_form(write_catalog: WriteCatalog) -> None:
    path = write_catalog(catalog_data(activities=[activity("fine"), activity("x", cost="£150")]))
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(path)
    error = info.value
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "150" in text)
    assert str(error) == (
        f"{path}:{line}: activities[1] 'x': field 'cost': Input should be a valid number "
        "(got '£150')"
    )
    assert len(error.problems) == 1
    assert (error.file, error.line, error.item, error.field) == (
        str(path),
        line,
        "activities[1] 'x'",
        "cost",
    )
    assert error.message == "Input should be a valid number"
    assert isinstance(error, ValueError)
    assert isinstance(error, ceplan.CeplanError)


def test_many_problems_are_listed_up_to_the_cap(write_catalog: WriteCatalog) -> None:
    count = ceplan.CatalogError.MAX_PROBLEMS + 5
    data = catalog_data(activities=[activity(f"a{n:02d}", cost=-n - 1) for n in range(count)])
    path = write_catalog(data)
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(path)
    error = info.value
    assert len(error.problems) == count
    lines = str(error).split("\n")
    assert lines[:-1] == [str(problem) for problem in error.problems[: error.MAX_PROBLEMS]]
    assert lines[-1] == "... and 5 more problems"
    assert error.item == "activities[0] 'a00'"
    assert error.line == error.problems[0].line
    assert error.message == error.problems[0].message


def test_the_count_of_problems_left_out_is_singular_for_one(write_catalog: WriteCatalog) -> None:
    count = ceplan.CatalogError.MAX_PROBLEMS + 1
    data = catalog_data(activities=[activity(f"a{n:02d}", cost=-1) for n in range(count)])
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(write_catalog(data))
    assert str(info.value).split("\n")[-1] == "... and 1 more problem"


def test_exactly_the_cap_needs_no_last_line(write_catalog: WriteCatalog) -> None:
    count = ceplan.CatalogError.MAX_PROBLEMS
    data = catalog_data(activities=[activity(f"a{n:02d}", cost=-1) for n in range(count)])
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(write_catalog(data))
    assert len(str(info.value).split("\n")) == count


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("line one\nline two", "'line one\\nline two'"),
        ("x" * 500, "'" + "x" * 56 + "..."),
        (list(range(1000)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16..."),
        ({"a": {"b": {"c": {"d": 1}}}}, "{'a': {'b': {'c': {...}}}}"),
        (dt.date(2027, 1, 2), "2027-01-02"),
        (None, "None"),
        (True, "True"),
    ],
    ids=["newline", "long-text", "long-list", "deep", "date", "null", "bool"],
)
def test_the_value_echoed_is_short_and_on_one_line(
    write_catalog: WriteCatalog, value: Any, shown: str
) -> None:
    path = write_catalog(catalog_data(activities=[activity("a", cost=value)]))
    (problem,) = problems_of(path)
    assert problem.value == shown
    assert "\n" not in str(problem)
    assert str(problem).endswith(f"(got {shown})")


def test_an_id_with_a_line_break_keeps_each_problem_on_one_line(
    write_catalog: WriteCatalog,
) -> None:
    data = catalog_data(activities=[activity("bad\nid", cost=-1), activity("other", hours=-1)])
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(write_catalog(data))
    error = info.value
    assert len(error.problems) == 3  # the id, its cost, the other's hours
    assert len(str(error).split("\n")) == 3


def test_the_error_survives_pickling(write_catalog: WriteCatalog) -> None:
    """Errors cross process boundaries (parallel workers) with their problems intact."""
    data = catalog_data(activities=[activity("a", cost=-1), activity("a")])
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(write_catalog(data))
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is ceplan.CatalogError
    assert copy.problems == info.value.problems
    assert str(copy) == str(info.value)


def test_an_error_made_from_problems_sorts_them_by_line() -> None:
    problems = [
        Problem(file="c.yaml", line=9, field="b", message="second"),
        Problem(file="c.yaml", line=2, field="a", message="first", value="'x'"),
    ]
    error = ceplan.CatalogError.from_problems(problems)
    assert [p.message for p in error.problems] == ["first", "second"]
    assert str(error) == "c.yaml:2: field 'a': first (got 'x')\nc.yaml:9: field 'b': second"
    with pytest.raises(ValueError, match="at least one problem"):
        ceplan.CatalogError.from_problems([])


def test_problems_are_frozen_records() -> None:
    problem = Problem(file="c.yaml", line=1, message="bad")
    with pytest.raises(AttributeError):
        problem.line = 2  # type: ignore[misc]
    assert problem == Problem(file="c.yaml", line=1, message="bad")
    assert hash(problem) == hash(Problem(file="c.yaml", line=1, message="bad"))


# -- problems of the YAML itself stay single -------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"schema: 1\nprogramme: \xff\n", id="not-utf8"),
        pytest.param(b"schema: 1\nprogramme: a\x00b\n", id="forbidden-character"),
        pytest.param(b"schema: 1\nfoo: [1, 2\n", id="invalid-yaml"),
        pytest.param(
            b"a: &a [x, x]\nb: &b [*a, *a]\n"
            + b"".join(
                f"c{n}: &c{n} [{', '.join([f'*c{n - 1}' if n else '*b'] * 9)}]\n".encode()
                for n in range(12)
            ),
            id="alias-bomb",
        ),
        pytest.param(b"schema: 1\nschema: 1\ncolour: x\n", id="duplicate-key"),
        pytest.param(b"", id="empty"),
        pytest.param(b"- schema: 1\n", id="not-a-mapping"),
    ],
)
def test_a_problem_of_the_yaml_is_a_single_problem(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_bytes(content)
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(path, cache=False)
    assert len(info.value.problems) == 1
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(str(path))


# -- the rules, straight from pydantic -------------------------------------------------------------


def test_validating_a_catalogue_directly_carries_every_broken_rule() -> None:
    data = catalog_data(activities=[activity("a"), activity("a"), activity("a", currency="USD")])
    with pytest.raises(pydantic.ValidationError) as info:
        ceplan.Catalog.model_validate(data)
    (error,) = info.value.errors()
    cause = error["ctx"]["error"]
    assert isinstance(cause, CatalogRuleError)
    assert [(rule.loc, rule.value) for rule in cause.broken] == [
        (("activities", 1, "id"), "a"),
        (("activities", 2, "id"), "a"),
        (("activities", 2, "currency"), "USD"),
    ]
    assert "activities.1.id: duplicate id" in str(cause)
    assert "(and 2 more)" in str(cause)


def test_rules_within_an_item_still_apply_when_another_of_its_fields_is_wrong(
    write_catalog: WriteCatalog,
) -> None:
    """A negative cost does not hide the same item's dates out of order, a session outside
    them, or a currency without a rate."""
    data = catalog_data(
        exams=[exam("e", cost=-1, available_from=dt.date(2021, 1, 1), retires=dt.date(2020, 1, 1))],
        activities=[
            activity(
                "a",
                cost=-3,
                available_from=dt.date(2027, 1, 1),
                expires=dt.date(2028, 1, 1),
                currency="EUR",
                sessions=[{"start": dt.date(2025, 1, 1), "end": dt.date(2025, 1, 2)}],
            )
        ],
        paths=EXAM_PATHS,
    )
    problems = problems_of(write_catalog(data))
    assert {(p.item, p.field) for p in problems} == {
        ("exams[0] 'e'", "cost"),
        ("exams[0] 'e'", "available_from"),
        ("activities[0] 'a'", "cost"),
        ("activities[0] 'a'", "currency"),
        ("activities[0] 'a'", "sessions.0.start"),
    }
