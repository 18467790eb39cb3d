"""Property tests of ceplan.inputs: every form a notebook has at hand gives the same plain value
back, and every other form raises a one-line PlanInputError that names the argument.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.catalogue.loading import as_catalog, bundled_catalog_path
from ceplan.errors import CatalogError, PlanInputError
from ceplan.inputs import (
    as_date,
    as_flag,
    as_names,
    as_number,
    as_optional_date,
    as_optional_number,
    as_passed,
    as_ranges,
    as_whole,
)
from tests.conftest import examples, make_catalog


def value_id(value: object) -> str:
    """A test's id for ``value``: its ``repr``, without an address that differs by process."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


FAST = settings(max_examples=examples(40))

SECONDS: dict[str, int | Fraction] = {
    "W": 7 * 86_400,
    "D": 86_400,
    "h": 3_600,
    "m": 60,
    "s": 1,
    "ms": Fraction(1, 10**3),
    "us": Fraction(1, 10**6),
    "ns": Fraction(1, 10**9),
    "ps": Fraction(1, 10**12),
    "fs": Fraction(1, 10**15),
    "as": Fraction(1, 10**18),
}

# pandas.Timestamp and numpy.datetime64[ns] hold only these years.
NS_DAYS = st.dates(min_value=dt.date(1700, 1, 1), max_value=dt.date(2200, 12, 31))
OFFSETS = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
# Times whose microseconds show as written in isoformat (no trailing-zero surprises needed).
TIMES = st.times()


def rejects(func: Callable[..., Any], value: object, name: str, **kwargs: Any) -> str:
    """Call ``func(value, name)``, expect a PlanInputError naming ``name`` in one line."""
    with pytest.raises(PlanInputError) as caught:
        func(value, name, **kwargs)
    message = str(caught.value)
    assert name in message
    assert "\n" not in message
    return message


class MyDate(dt.date):
    """A date subclass, as some libraries hand out."""


class MyStr(str):
    """A str subclass, as some libraries hand out."""

    __slots__ = ()


# -- dates -------------------------------------------------------------------------------------

DATE_FORMS: dict[str, Callable[[dt.date, st.DataObject], object]] = {
    "date": lambda day, data: day,
    "date subclass": lambda day, data: MyDate(day.year, day.month, day.day),
    "naive datetime": lambda day, data: dt.datetime.combine(day, data.draw(TIMES)),
    "aware datetime": lambda day, data: dt.datetime.combine(
        day, data.draw(TIMES), tzinfo=data.draw(OFFSETS)
    ),
    "iso date": lambda day, data: day.isoformat(),
    "iso date-time": lambda day, data: dt.datetime.combine(
        day, data.draw(TIMES), tzinfo=data.draw(st.none() | OFFSETS)
    ).isoformat(
        timespec=data.draw(st.sampled_from(["minutes", "seconds", "milliseconds", "microseconds"]))
    ),
    "iso date-time Z": lambda day, data: (
        dt.datetime.combine(day, data.draw(TIMES)).isoformat(timespec="seconds").__add__("Z")
    ),
    "iso short fraction": lambda day, data: (
        f"{day.isoformat()}T23:59:59." + "9" * data.draw(st.integers(1, 6))
    ),
    "datetime64[D]": lambda day, data: np.datetime64(day, "D"),
    "datetime64[s]": lambda day, data: np.datetime64(
        dt.datetime.combine(day, data.draw(TIMES)), "s"
    ),
    "datetime64[us]": lambda day, data: np.datetime64(
        dt.datetime.combine(day, data.draw(TIMES)), "us"
    ),
    "0-d datetime64 array": lambda day, data: np.array(np.datetime64(day, "D")),
}
NS_DATE_FORMS: dict[str, Callable[[dt.date, st.DataObject], object]] = {
    "datetime64[ns]": lambda day, data: np.datetime64(
        dt.datetime.combine(day, data.draw(TIMES)), "ns"
    ),
    "Timestamp": lambda day, data: pd.Timestamp(dt.datetime.combine(day, data.draw(TIMES))),
    "aware Timestamp": lambda day, data: pd.Timestamp(
        dt.datetime.combine(day, data.draw(TIMES), tzinfo=data.draw(OFFSETS))
    ),
    "Timestamp from string": lambda day, data: pd.Timestamp(day.isoformat()),
}


@pytest.mark.parametrize("form", sorted(DATE_FORMS))
@FAST
@given(day=st.dates(), data=st.data())
def test_every_date_form_gives_its_day(form: str, day: dt.date, data: st.DataObject) -> None:
    value = DATE_FORMS[form](day, data)
    result = as_date(value, "expires")
    assert result == day
    assert type(result) is dt.date
    assert as_optional_date(value, "expires") == day


@pytest.mark.parametrize("form", sorted(NS_DATE_FORMS))
@FAST
@given(day=NS_DAYS, data=st.data())
def test_pandas_and_nanosecond_forms_give_their_day(
    form: str, day: dt.date, data: st.DataObject
) -> None:
    result = as_date(NS_DATE_FORMS[form](day, data), "today")
    assert result == day
    assert type(result) is dt.date


@FAST
@given(moment=st.datetimes(timezones=st.timezones()))
def test_an_aware_datetime_gives_its_day_in_its_own_zone(moment: dt.datetime) -> None:
    assert as_date(moment, "expires") == moment.date()


@FAST
@given(
    ticks=st.integers(-(2**40), 2**40),
    unit=st.sampled_from(["h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", "D", "W", "M", "Y"]),
)
def test_datetime64_of_any_unit_gives_the_day_it_falls_on(ticks: int, unit: Any) -> None:
    """The day the instant falls on (counted in exact fractions of a second from 1970), or an
    error for days no ``datetime.date`` can hold; numpy agrees where it can convert safely."""
    value = np.datetime64(ticks, unit)
    if unit in ("Y", "M"):
        months = ticks * 12 if unit == "Y" else ticks
        year = 1970 + months // 12
        expected = dt.date(year, months % 12 + 1, 1) if 1 <= year <= 9999 else None
    else:
        seconds = Fraction(ticks) * SECONDS[unit]
        try:
            expected = dt.date(1970, 1, 1) + dt.timedelta(days=math.floor(seconds / 86_400))
        except OverflowError:
            expected = None
        if expected is not None and abs(seconds) < 10**11:  # numpy converts to us safely
            assert value.astype("datetime64[us]").item().date() == expected
    if expected is None:
        assert "out of range" in rejects(as_date, value, "expires")
    else:
        assert as_date(value, "expires") == expected


def test_datetime64_before_1970_floors_to_the_earlier_day() -> None:
    assert as_date(np.datetime64("1969-12-31T23:59:59.999999999", "ns"), "d") == dt.date(
        1969, 12, 31
    )
    assert as_date(np.datetime64(-1, "as"), "d") == dt.date(1969, 12, 31)


@pytest.mark.parametrize(
    "value",
    [
        pd.NaT,
        pd.Timestamp("NaT"),
        np.datetime64("NaT"),
        np.datetime64("NaT", "ns"),
        np.array(np.datetime64("NaT", "D")),
        np.datetime64("10000-01-01"),
        np.datetime64(-100_000, "D") - np.timedelta64(10**9, "D"),
        np.datetime64(10**17, "Y"),
    ],
    ids=value_id,
)
def test_not_a_time_and_days_out_of_range_are_rejected(value: object) -> None:
    rejects(as_date, value, "expires")


REJECTED_TYPES: list[object] = [
    None,
    True,
    False,
    np.True_,
    20261129,
    20261129.0,
    np.int64(20261129),
    Decimal("20261129"),
    b"2026-11-29",
    ["2026-11-29"],
    ("2026", 11, 29),
    {"year": 2026},
    dt.time(12, 0),
    dt.timedelta(days=3),
    np.timedelta64(3, "D"),
    np.array(["2026-11-29"], dtype="datetime64[D]"),
    pd.Series([pd.Timestamp("2026-11-29")]),
    pd.Period("2026-11-29", freq="D"),
    object(),
]


@pytest.mark.parametrize("value", REJECTED_TYPES, ids=value_id)
def test_other_types_are_not_dates(value: object) -> None:
    message = rejects(as_date, value, "expires")
    assert message.startswith("expires must be a date (YYYY-MM-DD), not ")


def test_the_message_echoes_the_value() -> None:
    with pytest.raises(
        PlanInputError, match=r"^expires must be a date \(YYYY-MM-DD\), not 20261129$"
    ):
        as_date(20261129, "expires")


OTHER_DATE_STRINGS: dict[str, Callable[[dt.date], str]] = {
    "compact": lambda day: day.strftime("%Y%m%d"),
    "iso week": lambda day: "{}-W{:02}-{}".format(*day.isocalendar()),
    "ordinal": lambda day: f"{day.year:04}-{day.timetuple().tm_yday:03}",
    "trailing space": lambda day: day.isoformat() + " ",
    "leading space": lambda day: " " + day.isoformat(),
    "trailing newline": lambda day: day.isoformat() + "\n",
    "slashes": lambda day: day.isoformat().replace("-", "/"),
    "day first": lambda day: day.strftime("%d-%m-") + f"{day.year:04}",
    "space for T": lambda day: f"{day.isoformat()} 10:00",
    "bare T": lambda day: f"{day.isoformat()}T",
    "hour only": lambda day: f"{day.isoformat()}T10",
    "offset without colon": lambda day: f"{day.isoformat()}T10:00+0100",
    "lower-case t": lambda day: f"{day.isoformat()}t10:00",
    "lower-case z": lambda day: f"{day.isoformat()}T10:00z",
    "seven fraction digits": lambda day: f"{day.isoformat()}T10:00:00.1234567",
    "month only": lambda day: day.isoformat()[:7],
    "arabic-indic digits": lambda day: day.isoformat().translate(
        str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    ),
    "fullwidth digits": lambda day: day.isoformat().translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    ),
    "range": lambda day: f"{day.isoformat()}:{day.isoformat()}",
}


@pytest.mark.parametrize("form", sorted(OTHER_DATE_STRINGS))
@settings(max_examples=examples(20))
@given(day=st.dates())
def test_other_date_strings_are_rejected(form: str, day: dt.date) -> None:
    text = OTHER_DATE_STRINGS[form](day)
    message = rejects(as_date, text, "expires")
    assert repr(text)[:20] in message


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-29",
        "2026-13-01",
        "2026-00-10",
        "0000-01-01",
        "2026-11-29T24:00",
        "2026-11-29T10:60",
        "2026-11-29T10:00+24:00",
    ],
)
def test_impossible_days_and_times_are_rejected(text: str) -> None:
    rejects(as_date, text, "expires")


DATEISH = st.text(alphabet="0123456789-T:+Z. W/\n", max_size=34)


@settings(max_examples=examples(300))
@given(text=DATEISH | st.text(max_size=34))
def test_an_accepted_string_is_iso_and_gives_its_leading_day(text: str) -> None:
    """Any string is either refused with a PlanInputError, or is plain ASCII ISO text: the date
    ``YYYY-MM-DD`` (10 characters), or that date, ``T`` and a time."""
    try:
        day = as_date(text, "expires")
    except PlanInputError as error:
        assert "expires" in str(error)
        return
    assert text.isascii() and not any(c.isspace() for c in text)
    assert text[:10] == day.isoformat()
    assert len(text) == 10 or (len(text) >= 16 and text[10] == "T")


def test_optional_date_keeps_none() -> None:
    assert as_optional_date(None, "today") is None
    rejects(as_optional_date, "someday", "today")


# -- numbers -----------------------------------------------------------------------------------

FLOAT_FORMS: dict[str, Callable[[float], object]] = {
    "float": float,
    "Decimal": Decimal,
    "Fraction": Fraction,
    "float64": np.float64,
    "longdouble": np.longdouble,
    "0-d array": np.array,
}
INT_FORMS: dict[str, Callable[[int], object]] = {
    "int": int,
    "Decimal": Decimal,
    "Fraction": Fraction,
    "int64": np.int64,
    "uint64": np.uint64,
    "0-d array": np.array,
}
FINITE = st.floats(min_value=0, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("form", sorted(FLOAT_FORMS))
@FAST
@given(number=FINITE)
def test_every_float_form_gives_the_same_float(form: str, number: float) -> None:
    result = as_number(FLOAT_FORMS[form](number), "budget")
    assert result == number
    assert type(result) is float
    assert as_optional_number(FLOAT_FORMS[form](number), "budget") == number


@pytest.mark.parametrize("form", sorted(INT_FORMS))
@FAST
@given(number=st.integers(0, 2**63 - 1))
def test_every_integer_form_gives_the_same_float(form: str, number: int) -> None:
    result = as_number(INT_FORMS[form](number), "earned")
    assert result == float(number)
    assert type(result) is float


@FAST
@given(data=st.data(), narrow=st.sampled_from([(np.float16, 65504.0), (np.float32, 3.4e38)]))
def test_narrow_numpy_floats_give_their_own_value(
    data: st.DataObject, narrow: tuple[Any, float]
) -> None:
    width, largest = narrow
    value = width(data.draw(st.floats(min_value=0, max_value=largest)))
    assert as_number(value, "earned") == float(value)


@FAST
@given(number=st.one_of(st.integers(1, 2**63 - 1), st.floats(min_value=5e-324, max_value=1e300)))
def test_positive_numbers_pass_and_zero_does_not(number: float) -> None:
    assert as_number(number, "hours_per_week", positive=True) == float(number)
    for zero in (0, 0.0, -0.0, Decimal(0), Fraction(0), np.float64(0), np.int64(0)):
        assert "> 0" in rejects(as_number, zero, "hours_per_week", positive=True)


def test_negative_zero_comes_back_as_zero() -> None:
    for zero in (-0.0, Decimal("-0"), np.float64(-0.0)):
        result = as_number(zero, "earned")
        assert result == 0 and str(result) == "0.0"


@FAST
@given(number=st.floats(max_value=-5e-324, allow_infinity=False) | st.integers(-(2**63), -1))
def test_negative_numbers_are_rejected(number: float) -> None:
    for form in (number, Decimal(number), Fraction(number), np.float64(number)):
        assert ">= 0" in rejects(as_number, form, "earned")


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        np.nan,
        np.float32("inf"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-1e-400"),
        Fraction(-1, 10**400),
    ],
    ids=value_id,
)
def test_not_finite_numbers_are_rejected(value: object) -> None:
    rejects(as_number, value, "budget")


@pytest.mark.parametrize(
    "value",
    [10**400, -(10**400), Fraction(10**400, 3), Decimal("1e400"), np.longdouble("1e400")],
    ids=lambda v: type(v).__name__,
)
def test_numbers_too_large_for_a_float_are_rejected(value: object) -> None:
    assert "too large" in rejects(as_number, value, "budget")


NOT_NUMBERS: list[object] = [
    True,
    False,
    np.True_,
    np.False_,
    np.array(True),
    "10",
    "nan",
    b"10",
    1 + 0j,
    np.complex128(1),
    None,
    [10],
    (10,),
    np.array([10.0]),
    dt.timedelta(days=1),
    np.timedelta64(10, "D"),
    np.datetime64("2026-11-29"),
    dt.date(2026, 11, 29),
    pd.NA,
    object(),
]


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=value_id)
def test_other_types_are_not_numbers(value: object) -> None:
    assert rejects(as_number, value, "earned").startswith("earned must be a number, not ")
    rejects(as_whole, value, "processing_days")


def test_optional_number_keeps_none() -> None:
    assert as_optional_number(None, "budget") is None
    rejects(as_optional_number, -1, "budget")
    rejects(as_optional_number, 0, "budget", positive=True)


# -- whole numbers -----------------------------------------------------------------------------


@FAST
@given(number=st.integers(0, 10**30), data=st.data())
def test_every_whole_number_form_gives_the_same_int(number: int, data: st.DataObject) -> None:
    forms: list[object] = [number, Decimal(number), Fraction(number), Decimal(f"{number}.000")]
    if number < 2**53:
        forms += [float(number), np.float64(number)]
    if number < 2**63:
        forms += [np.int64(number), np.uint64(number), np.array(number)]
    value = data.draw(st.sampled_from(forms))
    result = as_whole(value, "processing_days")
    assert result == number
    assert type(result) is int


@FAST
@given(number=st.integers(0, 2**40), half=st.sampled_from([0.5, 0.25, 0.75]))
def test_fractional_numbers_are_not_whole(number: int, half: float) -> None:
    for value in (
        number + half,
        Decimal(number) + Decimal(half),
        Fraction(number) + Fraction(half),
    ):
        assert "whole number" in rejects(as_whole, value, "processing_days")


@FAST
@given(number=st.integers(-(2**60), -1))
def test_negative_whole_numbers_are_rejected(number: int) -> None:
    for value in (number, Decimal(number), float(number)):
        rejects(as_whole, value, "processing_days")


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), "3"],
    ids=value_id,
)
def test_non_finite_and_text_are_not_whole(value: object) -> None:
    rejects(as_whole, value, "processing_days")


# -- names -------------------------------------------------------------------------------------

NAMES = st.lists(st.text(max_size=12), max_size=8)
# numpy's fixed-width strings drop trailing NUL characters.
NUMPY_NAMES = st.lists(st.text(max_size=12).filter(lambda s: not s.endswith("\x00")), max_size=8)


def _generator(names: list[str]) -> Iterator[str]:
    yield from names


NAME_FORMS: dict[str, Callable[[list[str]], object]] = {
    "list": list,
    "tuple": tuple,
    "iterator": iter,
    "generator": _generator,
    "str subclass elements": lambda names: [MyStr(n) for n in names],
    "numpy str_ elements": lambda names: [np.str_(n) for n in names],
    "object array": lambda names: np.array(names, dtype=object),
    "Series": lambda names: pd.Series(names, dtype=object),
    "string Series": lambda names: pd.Series(names, dtype="string"),
    "Index": lambda names: pd.Index(names, dtype=object),
    "deque": deque,
}


@pytest.mark.parametrize("form", sorted(NAME_FORMS))
@FAST
@given(names=NAMES)
def test_every_iterable_of_names_gives_the_same_tuple(form: str, names: list[str]) -> None:
    result = as_names(NAME_FORMS[form](names), "completed")
    assert result == tuple(names)
    assert all(type(name) is str for name in result)


@FAST
@given(names=NUMPY_NAMES)
def test_a_numpy_array_of_str_gives_plain_strings(names: list[str]) -> None:
    result = as_names(np.array(names, dtype=str), "exclude")
    assert result == tuple(names)
    assert all(type(name) is str for name in result)


@FAST
@given(names=NAMES)
def test_sets_and_dict_keys_give_their_own_order(names: list[str]) -> None:
    """A dict's keys are fine when asked for (``.keys()``); a dict itself is refused."""
    for value in (set(names), frozenset(names), dict.fromkeys(names).keys()):
        assert as_names(value, "completed") == tuple(value)


@FAST
@given(name=st.text(max_size=20))
def test_a_single_string_is_one_name_never_its_characters(name: str) -> None:
    for value in (name, MyStr(name), np.str_(name)):
        result = as_names(value, "completed")
        assert result == (name,)
        assert type(result[0]) is str


def test_none_is_no_names() -> None:
    assert as_names(None, "completed") == ()
    assert as_names([], "completed") == ()


ODD_ELEMENTS = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.binary(max_size=4),
    st.lists(st.text(max_size=3), max_size=2),
    st.booleans(),
)


@FAST
@given(names=NAMES, odd=ODD_ELEMENTS, data=st.data())
def test_an_element_that_is_not_a_string_is_named(
    names: list[str], odd: object, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(names)))
    value = [*names[:at], odd, *names[at:]]
    message = rejects(as_names, value, "completed")
    assert message.startswith(f"completed[{at}] must be a string, not ")
    assert repr(odd)[:20] in message


@pytest.mark.parametrize(
    "value",
    [5, 3.5, True, object(), b"core", bytearray(b"core"), np.int64(3), np.array("core")],
    ids=value_id,
)
def test_non_iterables_and_bytes_are_not_names(value: object) -> None:
    assert "string or an iterable of strings" in rejects(as_names, value, "completed")


# -- passed exams ------------------------------------------------------------------------------

KINDS = st.text(alphabet="abcdefgh", min_size=1, max_size=6)


@FAST
@given(counts=st.dictionaries(KINDS, st.integers(0, 5), max_size=5), data=st.data())
def test_a_mapping_of_counts_gives_the_nonzero_counts(
    counts: dict[str, int], data: st.DataObject
) -> None:
    as_count = data.draw(st.sampled_from([int, float, np.int64, Decimal]))
    value = {kind: as_count(count) for kind, count in counts.items()}
    mapping = data.draw(st.sampled_from([dict, MappingProxyType]))(value)
    result = as_passed(mapping)
    assert result == {kind: count for kind, count in counts.items() if count}
    assert all(type(count) is int for count in result.values())


@pytest.mark.parametrize("form", sorted(NAME_FORMS))
@FAST
@given(kinds=st.lists(KINDS, max_size=8))
def test_kinds_one_per_exam_count_up(form: str, kinds: list[str]) -> None:
    result = as_passed(NAME_FORMS[form](kinds), "passed")
    assert result == dict(Counter(kinds))
    assert list(result) == list(dict.fromkeys(kinds))


@FAST
@given(kind=st.text(max_size=12))
def test_a_single_kind_is_one_exam(kind: str) -> None:
    assert as_passed(kind) == {kind: 1}
    assert as_passed(np.str_(kind)) == {kind: 1}


@FAST
@given(
    kind=KINDS,
    count=st.integers(max_value=-1)
    | st.floats().filter(lambda x: not float(x).is_integer())
    | st.booleans()
    | st.text(max_size=3)
    | st.none(),
)
def test_a_bad_count_is_named_with_its_kind(kind: str, count: object) -> None:
    message = rejects(as_passed, {kind: count}, "passed")
    assert f"passed[{kind!r}]" in message


@pytest.mark.parametrize(
    "value", [{1: 1}, {None: 1}, {("a",): 1}, [1], ["a", None], 5, b"core"], ids=value_id
)
def test_keys_and_kinds_must_be_strings(value: object) -> None:
    rejects(as_passed, value, "passed")


# -- flags -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, np.True_, np.False_, np.array(True)], ids=value_id)
def test_booleans_are_flags(value: object) -> None:
    result = as_flag(value, "allow_exams")
    assert result == bool(value)
    assert type(result) is bool


@pytest.mark.parametrize(
    "value", [0, 1, 1.0, np.int64(1), "True", "yes", "", None, [True], pd.NA], ids=value_id
)
def test_nothing_else_is_a_flag(value: object) -> None:
    assert "True or False" in rejects(as_flag, value, "allow_exams")


# -- date ranges -------------------------------------------------------------------------------

RANGES = st.lists(st.tuples(st.dates(), st.dates()).map(lambda p: (min(p), max(p))), max_size=6)
NS_RANGES = st.lists(st.tuples(NS_DAYS, NS_DAYS).map(lambda p: (min(p), max(p))), max_size=6)

PAIR_FORMS: dict[str, Callable[[dt.date, dt.date], object]] = {
    "tuple": lambda a, b: (a, b),
    "list": lambda a, b: [a, b],
    "string": lambda a, b: f"{a.isoformat()}:{b.isoformat()}",
    "iso strings": lambda a, b: (a.isoformat(), b.isoformat()),
    "datetimes": lambda a, b: (
        dt.datetime.combine(a, dt.time(9)),
        dt.datetime.combine(b, dt.time()),
    ),
    "datetime64": lambda a, b: np.array([a, b], dtype="datetime64[D]"),
    "mixed": lambda a, b: (np.datetime64(a, "D"), b.isoformat() + "T17:30:00Z"),
}


@pytest.mark.parametrize("form", sorted(PAIR_FORMS))
@FAST
@given(ranges=RANGES, wrap=st.sampled_from([list, tuple, iter, _generator]))
def test_every_form_of_range_gives_sorted_day_pairs(
    form: str, ranges: list[tuple[dt.date, dt.date]], wrap: Callable[[Any], Any]
) -> None:
    value = wrap([PAIR_FORMS[form](first, last) for first, last in ranges])
    result = as_ranges(value, "unavailable")
    assert result == tuple(sorted(ranges))
    assert all(type(day) is dt.date for pair in result for day in pair)


@FAST
@given(ranges=NS_RANGES)
def test_a_two_column_data_frame_gives_its_rows(ranges: list[tuple[dt.date, dt.date]]) -> None:
    frame = pd.DataFrame(
        {
            "first": pd.to_datetime([a for a, _ in ranges]),
            "last": pd.to_datetime([b for _, b in ranges]),
        }
    )
    assert as_ranges(frame, "unavailable") == tuple(sorted(ranges))


@FAST
@given(first=st.dates(), last=st.dates())
def test_a_single_range_string_is_one_range(first: dt.date, last: dt.date) -> None:
    text = f"{first.isoformat()}:{last.isoformat()}"
    if last < first:
        assert "ends before it starts" in rejects(as_ranges, text, "unavailable")
    else:
        assert as_ranges(text, "unavailable") == ((first, last),)


@FAST
@given(ranges=RANGES, first=st.dates(), last=st.dates(), data=st.data())
def test_a_range_that_ends_before_it_starts_is_named(
    ranges: list[tuple[dt.date, dt.date]], first: dt.date, last: dt.date, data: st.DataObject
) -> None:
    if first == last:
        return
    backwards = (max(first, last), min(first, last))
    at = data.draw(st.integers(0, len(ranges)))
    form = data.draw(st.sampled_from(sorted(PAIR_FORMS)))
    value = [*ranges[:at], PAIR_FORMS[form](*backwards), *ranges[at:]]
    message = rejects(as_ranges, value, "unavailable")
    assert f"unavailable[{at}] ends before it starts" in message


@FAST
@given(first=st.dates(), last=st.dates(), data=st.data())
def test_a_pair_on_its_own_must_be_wrapped_in_a_list(
    first: dt.date, last: dt.date, data: st.DataObject
) -> None:
    form = data.draw(st.sampled_from(["tuple", "list", "iso strings", "datetimes", "datetime64"]))
    message = rejects(as_ranges, PAIR_FORMS[form](first, last), "unavailable")
    assert "wrap it in a list" in message


@pytest.mark.parametrize(
    "value",
    [
        [dt.date(2027, 1, 1)],
        [(dt.date(2027, 1, 1),)],
        [(dt.date(2027, 1, 1), dt.date(2027, 1, 2), dt.date(2027, 1, 3))],
        ["2027-01-01"],
        ["2027-01-01:2027-01-05 "],
        ["2027-01-01/2027-01-05"],
        ["2027-01-01T10:00:2027-01-05"],
        ["20270101:20270105"],
        [("2027-01-01", "soon")],
        [("2027-01-01", None)],
        [{"first": dt.date(2027, 1, 1), "last": dt.date(2027, 1, 2)}],
        [b"2027-01-01:2027-01-05"],
        [("2027-01-01", pd.NaT)],
        {dt.date(2027, 1, 1): dt.date(2027, 1, 2)},
        5,
        True,
        b"2027-01-01:2027-01-05",
        "2027-01-01",
        pd.DataFrame({"a": [1], "b": [2], "c": [3]}),
    ],
    ids=value_id,
)
def test_anything_else_is_not_a_list_of_ranges(value: object) -> None:
    rejects(as_ranges, value, "unavailable")


def test_none_is_no_ranges() -> None:
    assert as_ranges(None, "unavailable") == ()
    assert as_ranges([], "unavailable") == ()


# -- catalogues --------------------------------------------------------------------------------


def test_a_catalog_is_itself() -> None:
    catalog = make_catalog()
    assert as_catalog(catalog) is catalog


@pytest.mark.parametrize("form", [str, Path], ids=["str", "Path"])
def test_a_path_is_loaded(form: Callable[[Path], object]) -> None:
    path = bundled_catalog_path()
    assert as_catalog(form(path)) == ceplan.load_catalog(path)


def test_a_missing_file_is_a_catalogue_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="missing.yaml"):
        as_catalog(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "value", [None, 5, b"catalog.yaml", {"schema": 1}, [], object()], ids=value_id
)
def test_anything_else_is_not_a_catalogue(value: object) -> None:
    message = rejects(as_catalog, value, "catalog")
    assert message.startswith("catalog must be a Catalog or a path to a catalogue file, not ")


def test_a_list_of_catalogues_is_their_combination() -> None:
    path = str(bundled_catalog_path())
    assert as_catalog([path]) == ceplan.load_catalog(path)
    assert as_catalog(["isc2", "pmi"]).tiers.keys() >= {"cissp", "pmp"}


# -- the module itself -------------------------------------------------------------------------


def test_numpy_and_pandas_are_not_imported_by_the_module() -> None:
    """``import ceplan`` must not pay for numpy or pandas on this module's account."""
    import ceplan.inputs

    tree = ast.parse(Path(ceplan.inputs.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in tree.body:  # module level only: imports inside functions are lazy
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "ceplan" in imported
    assert not imported & {"numpy", "pandas"}


def test_long_values_are_cut_short_in_messages() -> None:
    message = rejects(as_date, "x" * 10_000, "expires")
    assert len(message) < 200
    assert re.search(r"\.\.\.$", message)


def test_passed_takes_a_value_counts_series_as_counts() -> None:
    import pandas as pd

    counts = pd.Series(["core", "professional", "core"]).value_counts()
    assert as_passed(counts) == {"core": 2, "professional": 1}
    assert as_passed(pd.Series(["core", "core"])) == {"core": 2}  # kinds as values


def test_a_mapping_of_ids_is_refused_not_read_by_its_keys() -> None:
    with pytest.raises(PlanInputError, match="completed must be ids or kinds, not a mapping"):
        as_names({"rev-up-python": False}, "completed")
