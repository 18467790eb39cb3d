"""Dated sessions of activities in the catalogue (SPEC section 6): validated like the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ceplan

from .conftest import catalog_data


def ilt(**extra: Any) -> dict[str, Any]:
    activity = {
        "id": "encor-ilt",
        "title": "ENCOR, instructor-led",
        "type": "instructor-led",
        "credits": 64,
        "cost": 3995,
        "hours": 40,
        "sessions": [
            {"start": dt.date(2027, 2, 1), "end": dt.date(2027, 2, 5)},
            {"start": dt.date(2027, 5, 10), "end": dt.date(2027, 5, 14), "cost": 3595},
        ],
    }
    activity.update(extra)
    return activity


def test_sessions_load_with_their_own_prices(write_catalog: Callable[..., Path]) -> None:
    catalog = ceplan.load_catalog(write_catalog(catalog_data(activities=[ilt()])))
    (activity,) = catalog.activities
    assert [s.start for s in activity.sessions] == [dt.date(2027, 2, 1), dt.date(2027, 5, 10)]
    assert catalog.cents_of("encor-ilt") == 399_500
    assert catalog.cents_of("encor-ilt", session=0) == 399_500  # no own price: the activity's
    assert catalog.cents_of("encor-ilt", session=1) == 359_500
    assert isinstance(activity.sessions, tuple)


def test_session_prices_are_converted_like_the_activity() -> None:
    data = catalog_data(
        activities=[ilt(currency="USD")],
        exchange_rates={"USD": 0.5},
        rates_as_of=dt.date(2026, 1, 1),
    )
    catalog = ceplan.Catalog.model_validate(data)
    assert catalog.cents_of("encor-ilt", session=1) == 179_750


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"end": dt.date(2027, 1, 30)}, "sessions.0.end", "before start"),
        (
            {"start": dt.date(2027, 5, 10), "end": dt.date(2027, 5, 14)},
            "sessions.0.start",
            "duplicate",
        ),
        ({"cost": -1}, "sessions.0.cost", "greater than or equal to 0"),
        ({"room": "A"}, "sessions.0.room", "unknown key"),
        ({"start": "2027-02-30"}, "sessions.0.start", "not a date"),
    ],
)
def test_bad_sessions_are_refused_naming_the_field(
    write_catalog: Callable[..., Path], change: dict[str, Any], field: str, words: str
) -> None:
    activity = ilt()
    activity["sessions"][0] = {**activity["sessions"][0], **change}
    if words == "duplicate":  # the second session repeats the first one's dates
        activity["sessions"][1] = {"start": dt.date(2027, 5, 10), "end": dt.date(2027, 5, 14)}
        field = "sessions.1.start"
    path = write_catalog(catalog_data(activities=[activity]))
    with pytest.raises(ceplan.CatalogError) as raised:
        ceplan.load_catalog(path)
    message = str(raised.value)
    assert "activities[0] 'encor-ilt'" in message
    assert f"field '{field}'" in message
    assert words in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("dates", "words"),
    [
        ({"available_from": dt.date(2027, 3, 1)}, "before available_from"),
        ({"expires": dt.date(2027, 5, 12)}, "after expires"),
    ],
)
def test_sessions_must_fall_within_the_activitys_dates(
    write_catalog: Callable[..., Path], dates: dict[str, Any], words: str
) -> None:
    path = write_catalog(catalog_data(activities=[ilt(**dates)]))
    with pytest.raises(ceplan.CatalogError, match=words):
        ceplan.load_catalog(path)


def test_sessions_in_flow_style_as_in_the_specification(write_catalog: Callable[..., Path]) -> None:
    text = """\
schema: 1
programme: P
currency: GBP
tiers:
  pro: {label: Pro, paths: [{credits: 40}]}
activities:
  - id: encor-ilt
    title: Implementing Cisco Enterprise Network Core Technologies (instructor-led)
    type: instructor-led
    credits: 64
    cost: 3995
    hours: 40
    sessions:
      - {start: 2027-02-01, end: 2027-02-05}
      - {start: 2027-05-10, end: 2027-05-14, cost: 3595}
"""
    catalog = ceplan.load_catalog(write_catalog(text))
    assert catalog.cents_of("encor-ilt", session=1) == 359_500


def test_the_plan_uses_the_cheapest_session_that_can_still_be_attended() -> None:
    """Sessions in February (3995) and May (3595); 40 credits needed.

    From 2026-11-29 both can be attended: the May price wins. From 2027-03-01 only May is left.
    From 2027-06-01 none is left, and no plan exists.
    """
    catalog = ceplan.Catalog.model_validate(
        catalog_data(activities=[ilt()], paths=[{"credits": 40}])
    )
    plan = ceplan.optimise(catalog, "pro", today=dt.date(2026, 11, 29))
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(3595)
    plan = ceplan.optimise(catalog, "pro", today=dt.date(2027, 3, 1))
    assert plan.total_cost == pytest.approx(3595)
    plan = ceplan.optimise(catalog, "pro", today=dt.date(2027, 6, 1))
    assert plan.status == "infeasible"


def test_a_session_after_the_do_by_date_cannot_be_used() -> None:
    catalog = ceplan.Catalog.model_validate(
        catalog_data(activities=[ilt()], paths=[{"credits": 40}])
    )
    plan = ceplan.optimise(catalog, "pro", today=dt.date(2026, 11, 29), expires=dt.date(2027, 3, 1))
    assert plan.status == "optimal"
    assert plan.total_cost == pytest.approx(3995)  # only the February session ends in time
