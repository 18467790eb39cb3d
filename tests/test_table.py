"""Activities held as columns (ceplan/table.py) are the validated models, or nothing.

``table_from_records`` must never accept what pydantic and the catalogue's rules refuse, and
what it accepts must be, model for model, cost for cost, what they would give. Records are
generated close to the edges (types, patterns, blanks, dates, prices at half cents, rates,
sessions, duplicates), and each batch is checked both ways.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import ceplan
from ceplan.catalogue.models import Catalog
from ceplan.catalogue.table import (
    COLUMNS_FROM,
    Activities,
    catalog_from_data,
    table_from_records,
    with_table,
)
from tests import generators
from tests.conftest import examples

HEADER: dict[str, Any] = {
    "schema": 1,
    "programme": "Test",
    "currency": "GBP",
    "exchange_rates": {"USD": 0.79, "EUR": 0.8537},
    "rates_as_of": dt.date(2026, 11, 1),
    "tiers": {"pro": {"paths": [{"credits": 80}]}},
    "exams": [],
}

VALID: dict[str, Any] = {
    "id": st.sampled_from(["a", "b", "c1", "d.e", "x-y_z", "1a", "a" * 200]),
    "title": st.sampled_from(["Course", "  padded  ", "Title: with colon"]),
    "type": st.sampled_from(["online-course", "webinar", " x "]),
    "credits": st.one_of(
        st.sampled_from([1, 2.5, 0.25, 2**53]),
        st.floats(min_value=0.01, max_value=80, allow_nan=False).map(lambda x: round(x, 2)),
    ),
    "cost": st.one_of(
        st.sampled_from([0, 1, 0.125, 1.015, 1.035, 4.015, 10.005, 80.38, 10**12]),
        st.floats(min_value=0, max_value=5000, allow_nan=False).map(lambda x: round(x, 3)),
    ),
    "hours": st.sampled_from([None, 0, 1, 2.5, 0.01]),
    "currency": st.sampled_from([None, "GBP", "USD", "EUR"]),
    "source": st.sampled_from([None, "https://example.com"]),
    "available_from": st.sampled_from([None, dt.date(2026, 1, 1), "2026-06-30", " 2026-06-30 "]),
    "expires": st.sampled_from([None, dt.date(2027, 6, 30), "2027-06-30", "20270630"]),
    "sessions": st.sampled_from(
        [[], [{"start": dt.date(2027, 3, 1), "end": dt.date(2027, 3, 3), "cost": 99.5}]]
    ),
}
"""Values the models accept (``id`` is made unique per record when drawn from here)."""

INVALID: dict[str, Any] = {
    "id": st.sampled_from(["A", "-a", "a\nb", "", "a" * 201, 7, None, "a b", "a\n"]),
    "title": st.sampled_from(["", "   ", 7, None, b"x"]),
    "type": st.sampled_from(["", "\t", 1.5, None]),
    "credits": st.sampled_from([0, -1, True, math.inf, math.nan, "5", None, 2**1100]),
    "cost": st.sampled_from([-0.01, False, math.inf, math.nan, "5", None, 1e16, 10**400]),
    "hours": st.sampled_from([-1, True, math.nan, math.inf, "2"]),
    "currency": st.sampled_from(["JPY", "usd", "USD\n", "US", 1, ""]),
    "source": st.sampled_from([3, b"x", []]),
    "available_from": st.sampled_from(
        ["2027-02-30", dt.datetime(2027, 1, 1), 5, "tomorrow", dt.date(2028, 1, 1), []]
    ),
    "expires": st.sampled_from(["2027-13-01", dt.datetime(2027, 1, 1), 5.0, dt.date(2025, 1, 1)]),
    "sessions": st.sampled_from(
        [
            None,
            [{"start": dt.date(2027, 3, 3), "end": dt.date(2027, 3, 1)}],
            [{"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 3)}],
            [{"start": dt.date(2027, 3, 1), "end": dt.date(2027, 3, 3), "cost": -1}],
        ]
    ),
    "colour": st.just("red"),
}
"""Values they refuse, alone or with the record's other fields (dates out of order, a price
of more than 10**15 cents, a currency without a rate, an unknown key)."""


@st.composite
def records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Valid records; in most batches one field of one record is then made wrong."""
    count = draw(st.integers(1, 6))
    result = []
    for n in range(count):
        record = {"id": f"{draw(VALID['id'])}-{n}"}
        for key in ("title", "type", "credits", "cost"):
            record[key] = draw(VALID[key])
        for key in ("hours", "currency", "source", "available_from", "expires", "sessions"):
            if draw(st.booleans()):
                record[key] = draw(VALID[key])
        result.append(record)
    action = draw(st.sampled_from(["none", "change", "change", "change", "drop", "twin"]))
    victim = result[draw(st.integers(0, count - 1))]
    if action == "change":
        key = draw(st.sampled_from(sorted(INVALID)))
        victim[key] = draw(INVALID[key])
    elif action == "drop":
        victim.pop(draw(st.sampled_from(["id", "title", "type", "credits", "cost"])))
    elif action == "twin":
        result.append(dict(victim))
    return result


def validated(entries: list[dict[str, Any]]) -> Catalog | None:
    try:
        return Catalog.model_validate({**HEADER, "activities": entries})
    except (ValidationError, ValueError):
        return None


def course(item_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": item_id, "title": "A", "type": "t", "credits": 1, "cost": 1, **extra}


@settings(max_examples=examples(1500))
@given(records())
@example([course("a", available_from=dt.date(2028, 1, 1), expires=dt.date(2027, 6, 30))])
@example([course("a", available_from="2027-07-01", expires="2027-06-30")])
@example([course("a"), course("b"), course("a")])
@example([course("a", currency="JPY")])
@example([course("a", cost=10**13)])
@example([course("a", currency="USD\n")])
@example([course("a", title=" \n ")])
@example(
    [
        course(
            "a",
            expires=dt.date(2027, 1, 1),
            sessions=[{"start": dt.date(2027, 3, 1), "end": dt.date(2027, 3, 3)}],
        )
    ]
)
@example(
    [
        course(
            "a",
            sessions=[
                {"start": dt.date(2027, 3, 1), "end": dt.date(2027, 3, 3)},
                {"start": dt.date(2027, 3, 1), "end": dt.date(2027, 3, 3)},
            ],
        )
    ]
)
def test_the_table_accepts_only_what_the_models_accept_and_gives_the_same(
    entries: list[dict[str, Any]],
) -> None:
    expected = validated(entries)
    header = Catalog.model_validate(HEADER)
    table = table_from_records(
        entries, currency=header.currency, exchange_rates=header.exchange_rates
    )
    if table is None:
        # Declining is always allowed (pydantic then says what is wrong); valid records of
        # these kinds are never declined.
        assert expected is None, "valid records of these kinds are taken as a table"
        return
    assert expected is not None, "the table accepted records the models refuse"
    catalog = with_table(header, table)
    assert catalog == expected
    assert list(catalog.activities) == list(expected.activities)
    for activity in expected.activities:
        assert catalog.cents_of(activity.id) == expected.cents_of(activity.id)
        for number in range(len(activity.sessions)):
            assert catalog.cents_of(activity.id, number) == expected.cents_of(activity.id, number)
        assert catalog.item(activity.id) == activity
    pd.testing.assert_frame_equal(catalog.to_frame(), expected.to_frame())


def test_plain_valid_records_are_taken_as_a_table() -> None:
    """Declining is allowed, but not for ordinary valid data: that would only be slow."""
    data = generators.catalog_data(COLUMNS_FROM, 0)
    catalog = catalog_from_data(data)
    assert isinstance(catalog.activities, Activities)
    assert catalog == Catalog.model_validate(data)


def test_a_problem_anywhere_leaves_the_records_to_the_models() -> None:
    data = generators.catalog_data(COLUMNS_FROM, 0)
    data["activities"][1234]["credits"] = -1
    with pytest.raises(ValidationError) as caught:
        catalog_from_data(data)
    assert [error["loc"] for error in caught.value.errors()] == [("activities", 1234, "credits")]


def test_prices_on_half_cents_round_as_the_decimal_rule_says() -> None:
    """1.015 * 100 is 101.49999999999999 in floating point; the decimal rule makes it 102."""
    entries = [
        {"id": f"a{n}", "title": "A", "type": "t", "credits": 1, "cost": cost, "currency": code}
        for n, (cost, code) in enumerate(
            [
                (1.015, None),
                (4.015, None),
                (10.005, None),
                (0.125, None),
                (150, "USD"),
                (0.5, "EUR"),
                (1e9, None),
            ]
        )
    ]
    header = Catalog.model_validate(HEADER)
    table = table_from_records(
        entries, currency=header.currency, exchange_rates=header.exchange_rates
    )
    assert table is not None
    expected = validated(entries)
    assert expected is not None
    assert table.cents.tolist() == [expected.cents_of(f"a{n}") for n in range(len(entries))]
    # As floats times 100: 101.4999..., 401.4999..., 1000.5000...1; the decimal rule: half to even.
    assert table.cents.tolist()[:4] == [102, 402, 1000, 12]


def test_the_sequence_reads_like_a_tuple() -> None:
    catalog = catalog_from_data(generators.catalog_data(COLUMNS_FROM, 0))
    activities = catalog.activities
    assert isinstance(activities, Activities)
    models = tuple(activities)
    assert len(activities) == len(models) == COLUMNS_FROM
    assert activities[0] is models[0] and activities[-1] is models[-1]
    assert activities[10:13] == models[10:13]
    assert activities == models and models == activities
    assert activities != models[:-1]
    with pytest.raises(IndexError):
        activities[COLUMNS_FROM]
    assert "2,000 activities" in repr(activities)
    assert catalog.has(models[5].id) and not catalog.has("no-such-item")
    with pytest.raises(KeyError):
        catalog.item("no-such-item")
    with pytest.raises(KeyError):
        catalog.cents_of("no-such-item")


def test_a_table_round_trips_through_the_cache(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    data = generators.catalog_data(COLUMNS_FROM, 1)
    data["activities"][7]["sessions"] = [
        {"start": dt.date(2027, 3, 1), "end": dt.date(2027, 3, 3), "cost": 99.5}
    ]
    data["activities"][7].pop("expires", None)
    data["activities"][7].pop("available_from", None)
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("CEPLAN_CACHE_DIR", str(folder))
    first = ceplan.load_catalog(path)
    again = ceplan.load_catalog(path)
    assert list(folder.iterdir()), "the entry was written"
    assert isinstance(again.activities, Activities)
    assert again == first == ceplan.load_catalog(path, cache=False)
    assert again.activities[7].sessions == first.activities[7].sessions
    item = again.activities[7].id
    expected = Catalog.model_validate(data).cents_of(item, 0)
    assert again.cents_of(item, 0) == first.cents_of(item, 0) == expected
    pd.testing.assert_frame_equal(again.to_frame(), first.to_frame())


def test_plans_from_a_table_are_the_plans_from_models() -> None:
    data = generators.catalog_data(3000, 2)
    table, models = catalog_from_data(data), Catalog.model_validate(data)
    assert isinstance(table.activities, Activities)
    inputs: dict[str, Any] = {"today": generators.TODAY, "expires": generators.EXPIRES}
    for tier in ("professional", "associate", "ce-only"):
        for extra in ({}, {"hours_per_week": 3.0}, {"solver": "highs"}):
            a = ceplan.optimise(table, tier, **inputs, **extra)
            b = ceplan.optimise(models, tier, **inputs, **extra)
            assert a.to_json() == b.to_json(), (tier, extra)
