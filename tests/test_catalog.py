"""The catalogue contract (SPEC section 2): every validation rule, the bundled catalogue, tables,
currency conversion and immutability.

Every rejected catalogue must raise one :class:`ceplan.CatalogError` whose text names the file, the
item (id or index) and the field; each catalogue here breaks one rule, so the text is one line (a
second line would be a rule firing where it should not). Catalogues that break several rules at
once are in test_catalog_errors.py.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pydantic
import pytest
import yaml

import ceplan
from tests.conftest import TODAY, catalog_data, make_catalog

WriteCatalog = Callable[..., Path]

EXAM_PATHS = [{"credits": 80}, {"credits": 40, "exams": {"pro": 1}}]


def activity(item_id: str = "act-one", **fields: Any) -> dict[str, Any]:
    """A valid activity; ``fields`` override or add keys."""
    data: dict[str, Any] = {
        "id": item_id,
        "title": f"Activity {item_id}",
        "type": "online-course",
        "credits": 10,
        "cost": 50,
        "hours": 5,
    }
    data.update(fields)
    return data


def exam(item_id: str = "exam-one", **fields: Any) -> dict[str, Any]:
    """A valid exam of kind ``pro`` (named by :data:`EXAM_PATHS`)."""
    data: dict[str, Any] = {
        "id": item_id,
        "title": f"Exam {item_id}",
        "kind": "pro",
        "cost": 300,
        "hours": 20,
    }
    data.update(fields)
    return data


def rejected(
    path: Path,
    *,
    item: str | tuple[str, ...] | None = None,
    field: str | None = None,
    also: tuple[str, ...] = (),
) -> str:
    """Load ``path``, expect one CatalogError, check what its one-line text names; return it.

    ``item`` is a string, or alternatives of which one must appear (e.g. the id or the index).
    """
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(path)
    message = str(info.value)
    assert "\n" not in message, message
    assert "Traceback" not in message
    assert str(path) in message, message
    if item is not None:
        alternatives = (item,) if isinstance(item, str) else item
        assert any(text in message for text in alternatives), (alternatives, message)
    if field is not None:
        assert field in message, (field, message)
    for text in also:
        assert text in message, (text, message)
    return message


def loads(path: Path) -> ceplan.Catalog:
    catalog = ceplan.load_catalog(path)
    assert isinstance(catalog, ceplan.Catalog)
    return catalog


# -- a valid catalogue loads -------------------------------------------------------------------


def test_a_valid_catalogue_loads_with_its_values(write_catalog: WriteCatalog) -> None:
    data = catalog_data(
        activities=[activity("act-one", credits=0.25, cost=0, hours=0)],
        exams=[exam("exam-one")],
        paths=EXAM_PATHS,
    )
    catalog = loads(write_catalog(data))
    assert catalog.currency == "GBP"
    assert catalog.as_of == TODAY
    assert catalog.ids == frozenset({"act-one", "exam-one"})
    assert catalog.item("act-one").credits == 0.25
    assert catalog.cost_of("act-one") == 0
    assert catalog.tier("pro").paths[1].exams == {"pro": 1}


@pytest.mark.parametrize(
    "item_id",
    ["a", "0", "a.b_c-d", "9lives", "rev-up-python", "x" * 200],
    ids=["a", "0", "punctuation", "digit-first", "words", "long"],
)
def test_ids_matching_the_pattern_are_accepted(write_catalog: WriteCatalog, item_id: str) -> None:
    catalog = loads(write_catalog(catalog_data(activities=[activity(item_id)])))
    assert catalog.ids == frozenset({item_id})


def test_boundary_values_are_accepted(write_catalog: WriteCatalog) -> None:
    """Cost and hours of 0, fractional credits, available_from on the last day, own currency."""
    day = dt.date(2027, 1, 1)
    data = catalog_data(
        activities=[
            activity("same-day", available_from=day, expires=day, cost=0, hours=0),
            activity("own-currency", currency="GBP", credits=0.5),
        ],
        exams=[exam("exam-same-day", available_from=day, retires=day)],
        paths=EXAM_PATHS,
    )
    catalog = loads(write_catalog(data))
    assert catalog.item("same-day").available_from == day
    assert catalog.cost_of("own-currency") == 50


# -- unknown keys -------------------------------------------------------------------------------


def test_unknown_top_level_key(write_catalog: WriteCatalog) -> None:
    rejected(write_catalog(catalog_data(colour="blue")), field="colour")


def test_unknown_tier_key(write_catalog: WriteCatalog) -> None:
    data = catalog_data()
    data["tiers"]["pro"]["colour"] = "blue"
    rejected(write_catalog(data), item="pro", field="colour")


def test_unknown_path_key(write_catalog: WriteCatalog) -> None:
    data = catalog_data(paths=[{"credits": 80}, {"credits": 40, "colour": "blue"}])
    rejected(write_catalog(data), item=("path 2", "paths[1]"), field="colour", also=("pro",))


def test_unknown_activity_key(write_catalog: WriteCatalog) -> None:
    data = catalog_data(activities=[activity("act-one"), activity("odd-one", colour="blue")])
    rejected(write_catalog(data), item=("odd-one", "activities[1]"), field="colour")


def test_unknown_exam_key(write_catalog: WriteCatalog) -> None:
    data = catalog_data(exams=[exam("odd-exam", colour="blue")], paths=EXAM_PATHS)
    rejected(write_catalog(data), item=("odd-exam", "exams[0]"), field="colour")


# -- duplicate ids ------------------------------------------------------------------------------


def test_duplicate_activity_ids(write_catalog: WriteCatalog) -> None:
    data = catalog_data(activities=[activity("twin"), activity("other"), activity("twin")])
    rejected(write_catalog(data), item=("twin", "activities[2]"), field="id")


def test_duplicate_exam_ids(write_catalog: WriteCatalog) -> None:
    data = catalog_data(exams=[exam("twin"), exam("twin")], paths=EXAM_PATHS)
    rejected(write_catalog(data), item=("twin", "exams[1]"), field="id")


def test_an_id_shared_by_an_activity_and_an_exam(write_catalog: WriteCatalog) -> None:
    data = catalog_data(
        activities=[activity("shared-id")], exams=[exam("shared-id")], paths=EXAM_PATHS
    )
    rejected(write_catalog(data), item="shared-id", field="id")


# -- numbers ------------------------------------------------------------------------------------

BAD_NUMBERS = [
    pytest.param(-1, id="negative"),
    pytest.param(-0.01, id="slightly-negative"),
    pytest.param(math.inf, id="inf"),
    pytest.param(-math.inf, id="minus-inf"),
    pytest.param(math.nan, id="nan"),
    pytest.param("15", id="string"),
    pytest.param(True, id="bool"),
    pytest.param([15], id="list"),
]


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("field", ["credits", "cost", "hours"])
def test_activity_numbers_must_be_finite_non_negative_numbers(
    write_catalog: WriteCatalog, field: str, value: Any
) -> None:
    data = catalog_data(activities=[activity("fine"), activity("bad-number", **{field: value})])
    rejected(write_catalog(data), item=("bad-number", "activities[1]"), field=field)


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("field", ["cost", "hours"])
def test_exam_numbers_must_be_finite_non_negative_numbers(
    write_catalog: WriteCatalog, field: str, value: Any
) -> None:
    data = catalog_data(exams=[exam("bad-number", **{field: value})], paths=EXAM_PATHS)
    rejected(write_catalog(data), item=("bad-number", "exams[0]"), field=field)


@pytest.mark.parametrize(
    "text", [".inf", "-.inf", ".Inf", ".NaN", ".nan", "'15'", "true", "1.0e+999"]
)
def test_numbers_written_as_yaml_text_are_refused(write_catalog: WriteCatalog, text: str) -> None:
    yaml_text = f"""\
schema: 1
programme: Test programme
currency: GBP
tiers:
  pro:
    label: Pro
    paths:
      - credits: 80
activities:
  - id: yaml-number
    title: A course
    type: online-course
    credits: {text}
    cost: 10
"""
    rejected(write_catalog(yaml_text), item="yaml-number", field="credits")


def test_credits_of_zero_are_refused(write_catalog: WriteCatalog) -> None:
    data = catalog_data(activities=[activity("no-credit", credits=0)])
    rejected(write_catalog(data), item="no-credit", field="credits")


@pytest.mark.parametrize("value", [-1, math.inf, math.nan, "80"], ids=["neg", "inf", "nan", "str"])
def test_path_credits_must_be_finite_non_negative_numbers(
    write_catalog: WriteCatalog, value: Any
) -> None:
    rejected(write_catalog(catalog_data(paths=[{"credits": value}])), item="pro", field="credits")


@pytest.mark.parametrize("value", [-1, 0, math.inf, math.nan, "0.79"], ids=str)
def test_exchange_rates_must_be_finite_positive_numbers(
    write_catalog: WriteCatalog, value: Any
) -> None:
    data = catalog_data(exchange_rates={"USD": value}, rates_as_of=TODAY)
    rejected(write_catalog(data), field="exchange_rates", also=("USD",))


def test_negative_processing_days_are_refused(write_catalog: WriteCatalog) -> None:
    rejected(write_catalog(catalog_data(processing_days=-1)), field="processing_days")


# -- ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item_id",
    [
        "Upper-case",
        "-leading-dash",
        ".leading-dot",
        "_leading-underscore",
        "has space",
        "slash/inside",
        "colon:inside",
        "",
        "ümlaut",
        "tab\tinside",
    ],
    ids=repr,
)
def test_ids_breaking_the_pattern_are_refused(write_catalog: WriteCatalog, item_id: str) -> None:
    data = catalog_data(activities=[activity("fine"), activity(item_id)])
    rejected(write_catalog(data), item="activities[1]", field="id")


def test_an_exam_id_breaking_the_pattern_is_refused(write_catalog: WriteCatalog) -> None:
    data = catalog_data(exams=[exam("Bad Exam")], paths=EXAM_PATHS)
    rejected(write_catalog(data), item="exams[0]", field="id")


def test_a_non_string_id_is_refused(write_catalog: WriteCatalog) -> None:
    data = catalog_data(activities=[activity(12345)])
    rejected(write_catalog(data), item="activities[0]", field="id")


def test_an_id_with_a_newline_gives_a_one_line_error(write_catalog: WriteCatalog) -> None:
    data = catalog_data(activities=[activity("bad\nid")])
    rejected(write_catalog(data), item="activities[0]", field="id")


# -- exam kinds ---------------------------------------------------------------------------------


def test_a_path_naming_an_exam_kind_with_no_exam(write_catalog: WriteCatalog) -> None:
    data = catalog_data(paths=[{"credits": 80}, {"credits": 40, "exams": {"lab": 1}}])
    rejected(write_catalog(data), item=("path 2", "paths[1]"), field="exams", also=("pro", "lab"))


def test_a_path_naming_a_missing_kind_beside_an_offered_one(write_catalog: WriteCatalog) -> None:
    data = catalog_data(
        exams=[exam("exam-one", kind="pro")],
        paths=[{"exams": {"pro": 1}}, {"exams": {"pro": 1, "lab": 1}}],
    )
    rejected(write_catalog(data), item=("path 2", "paths[1]"), field="exams", also=("pro", "lab"))


def test_an_exam_kind_that_no_path_names(write_catalog: WriteCatalog) -> None:
    data = catalog_data(
        exams=[exam("exam-one"), exam("orphan-exam", kind="orphan")], paths=EXAM_PATHS
    )
    rejected(write_catalog(data), item=("orphan-exam", "exams[1]"), field="kind", also=("orphan",))


# -- dates --------------------------------------------------------------------------------------


def test_activity_available_from_after_expires(write_catalog: WriteCatalog) -> None:
    late = activity("late-start", available_from=dt.date(2027, 1, 2), expires=dt.date(2027, 1, 1))
    data = catalog_data(activities=[activity("fine"), late])
    rejected(
        write_catalog(data),
        item=("late-start", "activities[1]"),
        field="available_from",
        also=("expires",),
    )


def test_exam_available_from_after_retires(write_catalog: WriteCatalog) -> None:
    late = exam("late-exam", available_from=dt.date(2027, 1, 2), retires=dt.date(2027, 1, 1))
    data = catalog_data(exams=[late], paths=EXAM_PATHS)
    rejected(
        write_catalog(data),
        item=("late-exam", "exams[0]"),
        field="available_from",
        also=("retires",),
    )


def _catalog_text_with(activity_lines: str, as_of: str = "2026-11-29") -> str:
    """A catalogue whose only activity has ``activity_lines`` added; they start on line 16."""
    text = f"""\
schema: 1
programme: Test programme
currency: GBP
as_of: {as_of}
tiers:
  pro:
    label: Pro
    paths:
      - credits: 80
activities:
  - id: dated-item
    title: A course
    type: online-course
    credits: 10
    cost: 10
{activity_lines}"""
    return text


@pytest.mark.parametrize("field", ["expires", "available_from"])
@pytest.mark.parametrize("day", ["2023-02-30", "2023-02-29", "2023-04-31", "2023-13-01"])
def test_an_impossible_yaml_date_gives_one_line_with_the_line_number(
    write_catalog: WriteCatalog, field: str, day: str
) -> None:
    path = write_catalog(_catalog_text_with(f"    {field}: {day}\n"))
    message = rejected(path, also=(day,))
    assert message.startswith(f"{path}:16:"), message


def test_an_impossible_top_level_date_names_its_line(write_catalog: WriteCatalog) -> None:
    path = write_catalog(_catalog_text_with("", as_of="2026-02-30"))
    message = rejected(path, also=("2026-02-30",))
    assert message.startswith(f"{path}:4:"), message


@pytest.mark.parametrize("text", ["'2023-02-30'", "'next week'", "20230430", "'30/04/2023'"])
def test_a_date_field_that_is_not_an_iso_date(write_catalog: WriteCatalog, text: str) -> None:
    path = write_catalog(_catalog_text_with(f"    expires: {text}\n"))
    rejected(path, item="dated-item", field="expires")


# -- currencies ---------------------------------------------------------------------------------


def test_an_activity_currency_with_no_exchange_rate(write_catalog: WriteCatalog) -> None:
    data = catalog_data(activities=[activity("in-dollars", currency="USD")])
    rejected(write_catalog(data), item="in-dollars", field="currency", also=("USD",))


def test_an_exam_currency_missing_from_the_rates_given(write_catalog: WriteCatalog) -> None:
    data = catalog_data(
        exams=[exam("in-euros", currency="EUR")],
        paths=EXAM_PATHS,
        exchange_rates={"USD": 0.79},
        rates_as_of=TODAY,
    )
    rejected(write_catalog(data), item="in-euros", field="currency", also=("EUR",))


def test_exchange_rates_without_rates_as_of(write_catalog: WriteCatalog) -> None:
    data = catalog_data(exchange_rates={"USD": 0.79})
    rejected(write_catalog(data), field="rates_as_of")


# -- schema and the document's shape ------------------------------------------------------------


@pytest.mark.parametrize("schema", [0, 3, "1", "2", -1, None, 2.0], ids=repr)
def test_unknown_schema_numbers(write_catalog: WriteCatalog, schema: Any) -> None:
    rejected(write_catalog(catalog_data(schema=schema)), field="schema")


def test_a_missing_schema(write_catalog: WriteCatalog) -> None:
    data = catalog_data()
    del data["schema"]
    rejected(write_catalog(data), field="schema")


def test_schema_true_is_not_a_schema_number(write_catalog: WriteCatalog) -> None:
    rejected(write_catalog(catalog_data(schema=True)), field="schema")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("- schema: 1\n- programme: x\n", id="list"),
        pytest.param("just a string\n", id="string"),
        pytest.param("42\n", id="number"),
        pytest.param("null\n", id="null"),
        pytest.param("", id="empty"),
        pytest.param("# only a comment\n", id="comment-only"),
        pytest.param("---\n", id="empty-document"),
    ],
)
def test_yaml_that_is_not_a_mapping(write_catalog: WriteCatalog, text: str) -> None:
    rejected(write_catalog(text))


def test_more_than_one_yaml_document(write_catalog: WriteCatalog) -> None:
    rejected(write_catalog("schema: 1\n---\nschema: 1\n"))


@pytest.mark.parametrize(
    "text",
    ["schema: 1\nfoo: [1, 2\n", "schema: 1\n  bad: indent\n", "schema: 1\n\tfoo: 1\n", "a: b: c\n"],
    ids=["unclosed", "indent", "tab", "colon"],
)
def test_malformed_yaml_gives_one_line_with_a_line_number(
    write_catalog: WriteCatalog, text: str
) -> None:
    path = write_catalog(text)
    message = rejected(path)
    assert message.startswith(f"{path}:"), message
    assert message[len(f"{path}:")].isdigit(), message


# -- duplicate mapping keys ---------------------------------------------------------------------


def test_a_duplicate_top_level_key(write_catalog: WriteCatalog) -> None:
    path = write_catalog(_catalog_text_with("currency: USD\n"))
    rejected(path, also=(f"{path}:16", "currency"))


def test_a_duplicate_key_inside_an_activity(write_catalog: WriteCatalog) -> None:
    path = write_catalog(_catalog_text_with("    cost: 20\n"))
    rejected(path, also=(f"{path}:16", "cost"))


def test_a_duplicate_tier(write_catalog: WriteCatalog) -> None:
    text = _catalog_text_with("").replace(
        "tiers:\n", "tiers:\n  pro:\n    label: Other\n    paths: [{credits: 1}]\n"
    )
    path = write_catalog(text)
    rejected(path, also=(f"{path}:9", "pro"))


# -- one error for several problems ---------------------------------------------------------------


def test_several_problems_give_one_error_with_a_line_each(write_catalog: WriteCatalog) -> None:
    data = catalog_data(
        activities=[activity("neg-cost", cost=-1), activity("neg-hours", hours=-1)], colour="blue"
    )
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(write_catalog(data))
    lines = str(info.value).split("\n")
    assert len(lines) == len(info.value.problems) == 3
    assert "neg-cost" in lines[0] and "neg-hours" in lines[1] and "colour" in lines[2]  # by line
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, ceplan.CeplanError)


# -- tier labels --------------------------------------------------------------------------------


def test_a_tier_label_defaults_to_the_tier_name(write_catalog: WriteCatalog) -> None:
    data = catalog_data()
    data["tiers"]["associate"] = {"paths": [{"credits": 30}]}
    catalog = loads(write_catalog(data))
    assert catalog.tier("associate").label == "associate"
    assert catalog.tier("pro").label == "Pro"
    assert ceplan.load_catalog(write_catalog(data)) == catalog  # and so from the cache


def test_a_tier_label_cannot_be_blank_or_null(write_catalog: WriteCatalog) -> None:
    for label in ("  ", None):
        data = catalog_data()
        data["tiers"]["pro"]["label"] = label
        rejected(write_catalog(data), item="pro", field="label")


def test_a_tier_on_its_own_still_needs_a_label() -> None:
    """Only a catalogue knows a tier's name; a Tier built alone must be given its label."""
    with pytest.raises(pydantic.ValidationError):
        ceplan.Tier.model_validate({"paths": [{"credits": 1}]})
    assert ceplan.Tier(label="Pro", paths=({"credits": 1},)).label == "Pro"  # type: ignore[arg-type]


# -- the bundled catalogue ----------------------------------------------------------------------


def test_the_bundled_catalogue_loads() -> None:
    catalog = ceplan.load_catalog()
    assert {"associate", "specialist", "professional", "expert"} <= set(catalog.tiers)
    assert catalog.activities and catalog.exams
    assert ceplan.bundled_catalog_path().is_file()
    assert ceplan.load_catalog(ceplan.bundled_catalog_path(), cache=False) == catalog


def test_every_bundled_item_has_a_source() -> None:
    catalog = ceplan.load_catalog()
    for item in [*catalog.activities, *catalog.exams]:
        assert isinstance(item.source, str), item.id
        assert item.source.strip(), item.id


def test_every_bundled_price_converts_to_the_cents_its_price_and_rate_give() -> None:
    """The cents of each bundled item (and session) from the file's raw figures, worked out here
    with exact fractions and Python's own half-to-even rounding, not with ceplan's decimals."""
    raw = yaml.safe_load(ceplan.bundled_catalog_path().read_text(encoding="utf-8"))
    rates = {raw["currency"]: 1, **raw.get("exchange_rates", {})}
    catalog = ceplan.load_catalog()
    converted = 0
    for entry in [*raw.get("activities", []), *raw.get("exams", [])]:
        rate = Fraction(str(rates[entry.get("currency", raw["currency"])]))
        converted += rate != 1
        expected = round(Fraction(str(entry["cost"])) * rate * 100)
        assert catalog.cents_of(entry["id"]) == expected, entry["id"]
        assert catalog.cost_of(entry["id"]) == expected / 100, entry["id"]
        for number, session in enumerate(entry.get("sessions", [])):
            price = session.get("cost", entry["cost"])
            expected = round(Fraction(str(price)) * rate * 100)
            assert catalog.cents_of(entry["id"], session=number) == expected, entry["id"]
    assert len(catalog.ids) == len(raw.get("activities", [])) + len(raw.get("exams", []))
    assert converted, "no bundled price is in another currency: the test would prove little"


# -- tables -------------------------------------------------------------------------------------

FRAME_COLUMNS = [
    "id",
    "item",
    "title",
    "type",
    "kind",
    "credits",
    "cost",
    "price",
    "price_currency",
    "hours",
    "available_from",
    "last_day",
    "source",
]


def _check_frame_types(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == FRAME_COLUMNS
    for column in ("credits", "cost", "price", "hours"):
        assert frame[column].dtype == "float64", column
    for column in ("id", "item", "title", "type", "price_currency"):
        assert pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object, column


def test_to_frame_has_one_row_per_item_with_typed_columns() -> None:
    catalog = make_catalog(
        activities=[
            activity("act-one", credits=12.5, hours=None, expires=dt.date(2027, 6, 30)),
            activity("act-two", cost=19.99, currency="USD", source="a citation"),
        ],
        exams=[exam("exam-one", retires=dt.date(2028, 1, 31))],
        paths=EXAM_PATHS,
        exchange_rates={"USD": 0.79},
        rates_as_of=TODAY,
    )
    frame = catalog.to_frame()
    _check_frame_types(frame)
    assert sorted(frame["id"]) == ["act-one", "act-two", "exam-one"]
    rows = frame.set_index("id")
    assert rows.loc["act-one", "item"] == "activity"
    assert rows.loc["exam-one", "item"] == "exam"
    assert rows.loc["exam-one", "kind"] == "pro"
    assert rows.loc["act-one", "credits"] == 12.5
    assert rows.loc["exam-one", "credits"] == 0
    assert math.isnan(rows.loc["act-one", "hours"])
    assert rows.loc["act-two", "price"] == 19.99
    assert rows.loc["act-two", "price_currency"] == "USD"
    assert rows.loc["act-two", "cost"] == 15.79
    assert rows.loc["act-one", "last_day"] == dt.date(2027, 6, 30)
    assert rows.loc["exam-one", "last_day"] == dt.date(2028, 1, 31)
    assert rows.loc["act-two", "source"] == "a citation"
    for item_id in catalog.ids:
        assert rows.loc[item_id, "cost"] == catalog.cost_of(item_id)


def test_to_frame_of_an_empty_catalogue_keeps_its_columns_and_types() -> None:
    frame = make_catalog().to_frame()
    assert frame.empty
    assert list(frame.columns) == FRAME_COLUMNS
    for column in ("credits", "cost", "hours"):
        assert frame[column].dtype == "float64", column


def test_the_price_column_is_float_even_for_an_empty_catalogue() -> None:
    assert make_catalog().to_frame()["price"].dtype == "float64"


def test_to_frame_of_the_bundled_catalogue() -> None:
    catalog = ceplan.load_catalog()
    frame = catalog.to_frame()
    _check_frame_types(frame)
    assert len(frame) == len(catalog.activities) + len(catalog.exams)
    assert set(frame["item"]) == {"activity", "exam"}
    assert frame["id"].is_unique


# -- currency conversion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "rate", "expected"),
    [
        (300, 0.79, 237.0),
        (19.99, 0.79, 15.79),  # 15.7921
        (333.33, 0.7913, 263.76),  # 263.763...
        (0.01, 0.5001, 0.01),  # 0.005001
        (99.99, 1.2345, 123.44),  # 123.437655
        (1, 1 / 3, 0.33),
        (0, 0.79, 0.0),
    ],
)
def test_converted_costs_are_rounded_to_cents(price: float, rate: float, expected: float) -> None:
    catalog = make_catalog(
        activities=[activity("priced", cost=price, currency="USD")],
        exams=[exam("priced-exam", cost=price, currency="USD")],
        paths=EXAM_PATHS,
        exchange_rates={"USD": rate},
        rates_as_of=TODAY,
    )
    for item_id in ("priced", "priced-exam"):
        cost = catalog.cost_of(item_id)
        assert cost == expected
        assert catalog.cents_of(item_id) == round(expected * 100)
        assert catalog.item(item_id).cost == price  # the listed price is kept as it is


def test_own_currency_costs_are_rounded_to_cents() -> None:
    catalog = make_catalog(activities=[activity("fine-price", cost=10.006)])
    assert catalog.cost_of("fine-price") == 10.01


def test_conversion_happens_when_loading_from_a_file(write_catalog: WriteCatalog) -> None:
    data = catalog_data(
        activities=[activity("in-dollars", cost=19.99, currency="USD")],
        exchange_rates={"USD": 0.79},
        rates_as_of=TODAY,
    )
    catalog = loads(write_catalog(data))
    assert catalog.cost_of("in-dollars") == 15.79


# -- immutability -------------------------------------------------------------------------------


def _sample_catalog() -> ceplan.Catalog:
    return make_catalog(activities=[activity("act-one")], exams=[exam()], paths=EXAM_PATHS)


@pytest.mark.parametrize(
    ("target", "field", "value"),
    [
        (lambda c: c, "currency", "USD"),
        (lambda c: c, "activities", []),
        (lambda c: c, "processing_days", 3),
        (lambda c: c.tiers["pro"], "label", "Other"),
        (lambda c: c.tiers["pro"].paths[0], "credits", 1),
        (lambda c: c.activities[0], "cost", 0),
        (lambda c: c.activities[0], "id", "renamed"),
        (lambda c: c.exams[0], "kind", "other"),
    ],
    ids=["currency", "activities", "processing_days", "tier", "path", "cost", "id", "kind"],
)
def test_models_are_immutable(target: Callable[[Any], Any], field: str, value: Any) -> None:
    catalog = _sample_catalog()
    model = target(catalog)
    before = getattr(model, field)
    with pytest.raises(pydantic.ValidationError):
        setattr(model, field, value)
    assert getattr(model, field) == before
    assert catalog == _sample_catalog()


def test_models_refuse_new_attributes() -> None:
    catalog = _sample_catalog()
    with pytest.raises((pydantic.ValidationError, AttributeError, TypeError)):
        catalog.colour = "blue"  # type: ignore[attr-defined]


def test_the_catalogue_cannot_be_changed_through_its_collections() -> None:
    catalog = make_catalog(
        activities=[activity("in-dollars", currency="USD")],
        exchange_rates={"USD": 0.79},
        rates_as_of=TODAY,
    )
    with pytest.raises((TypeError, AttributeError)):
        catalog.exchange_rates["USD"] = 2.0
    with pytest.raises((TypeError, AttributeError)):
        catalog.activities.append(catalog.activities[0])
    with pytest.raises((TypeError, AttributeError)):
        del catalog.tiers["pro"]


def test_a_catalogue_rebuilt_from_its_own_dump_without_validation_is_the_same() -> None:
    """The cache's fast path: model_construct from the JSON dump, rules run again for cents."""
    import json

    from tests import generators

    data = generators.catalog_data(500, 3)
    data["activities"][0]["sessions"] = [
        {"start": dt.date(2027, 2, 1), "end": dt.date(2027, 2, 5), "cost": 100},
        {"start": dt.date(2027, 5, 1), "end": dt.date(2027, 5, 3)},
    ]
    data["activities"][0].pop("available_from", None)
    data["activities"][0].pop("expires", None)
    for catalog in (ceplan.load_catalog(cache=False), ceplan.Catalog.model_validate(data)):
        dump = json.loads(catalog.model_dump_json(by_alias=True))
        rebuilt = ceplan.Catalog.from_trusted(dump)
        assert rebuilt == catalog
        assert rebuilt.model_dump() == catalog.model_dump()
        assert {i: rebuilt.cents_of(i) for i in rebuilt.ids} == {
            i: catalog.cents_of(i) for i in catalog.ids
        }
        assert isinstance(rebuilt.tiers, type(catalog.tiers))
