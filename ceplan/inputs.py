"""Planning inputs in the forms a notebook has at hand, turned into plain Python values.

Each function takes a value and the name of the argument it was given as, and returns a plain
value (a :class:`datetime.date`, a ``float``, an ``int``, a tuple of ``str``, ...) or raises
:class:`~ceplan.errors.PlanInputError` with one line that names the argument and echoes the value:

- dates: ``datetime.date``, ``datetime.datetime`` (its date in its own zone), ``pandas.Timestamp``,
  ``numpy.datetime64`` of any unit, or an ISO string (``YYYY-MM-DD`` or a full date-time);
- numbers: any real number (int, float, Decimal, Fraction, numpy scalars), never a bool or a string;
- ids and exam kinds: any iterable of strings, and a single string as one id, never its characters;

numpy and pandas are never imported here (``import ceplan`` must not pay for them): a numpy or
pandas object can only exist once its library is loaded, so they are looked up in ``sys.modules``.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ceplan.errors import PlanInputError
from ceplan.limits import HORIZON_YEARS

__all__ = [
    "add_years",
    "as_date",
    "as_entries",
    "as_flag",
    "as_names",
    "as_number",
    "as_optional_date",
    "as_optional_number",
    "as_passed",
    "as_path",
    "as_ranges",
    "as_whole",
    "cycle_years",
    "date_problem",
    "show_value",
]

_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATE = re.compile(_DAY)
_DATE_TIME = re.compile(
    _DAY + r"T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
_RANGE = re.compile(f"({_DAY}):({_DAY})")

_SHOWN = 80
"""The most characters of a bad value a message echoes."""

_EPOCH = dt.date(1970, 1, 1)
# numpy.datetime64 units finer than a day -> how many of them make a day.
_PER_DAY = {
    "h": 24,
    "m": 24 * 60,
    "s": 86_400,
    "ms": 86_400 * 10**3,
    "us": 86_400 * 10**6,
    "ns": 86_400 * 10**9,
    "ps": 86_400 * 10**12,
    "fs": 86_400 * 10**15,
    "as": 86_400 * 10**18,
}


# -- dates -------------------------------------------------------------------------------------


def as_date(value: object, name: str) -> dt.date:
    """``value`` as a :class:`datetime.date`.

    Parameters
    ----------
    value
        A ``datetime.date``; a ``datetime.datetime`` or ``pandas.Timestamp`` (naive or aware: its
        date in its own zone); a ``numpy.datetime64`` of any unit (its day); or a string, exactly
        ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM]``.
    name
        The argument's name, for the error message.

    Raises
    ------
    PlanInputError
        For anything else: numbers, ``None``, NaT, other string forms, days out of range.

    Examples
    --------
    >>> as_date("2026-11-29T23:30:00+05:00", "expires")
    datetime.date(2026, 11, 29)
    >>> as_date(20261129, "expires")
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: expires must be a date (YYYY-MM-DD), not 20261129
    """
    value = _scalar(value)
    if isinstance(value, dt.date):
        if value != value:  # pandas.NaT: a datetime subclass, and the one date unequal to itself
            raise _not_a_date(value, name)
        day = value.date() if isinstance(value, dt.datetime) else value
        return day if type(day) is dt.date else dt.date(day.year, day.month, day.day)
    if isinstance(value, str):
        return _parse_date(value, name)
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.datetime64):
        return _datetime64_date(value, name, numpy)
    raise _not_a_date(value, name)


def as_optional_date(value: object, name: str) -> dt.date | None:
    """``None``, or ``value`` as a date (see :func:`as_date`).

    Examples
    --------
    >>> as_optional_date(None, "today") is None
    True
    """
    return None if value is None else as_date(value, name)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved ``years`` years on; 29 February becomes 28 February in other years.

    Examples
    --------
    >>> add_years(dt.date(2024, 2, 29), 3)
    datetime.date(2027, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def cycle_years(expires: dt.date, period: int, cycle: str) -> tuple[tuple[dt.date, dt.date], ...]:
    """The first and last day of each year of the cycle that ends with ``expires``.

    ``award``: year ``k`` of ``P`` ends on ``expires`` moved back ``P - k`` years and starts the
    day after it moved back ``P - k + 1`` (29 February becomes 28 February); ``calendar``: the
    ``P`` calendar years ending with the year of ``expires``.

    Examples
    --------
    >>> [str(last) for _, last in cycle_years(dt.date(2028, 6, 30), 2, "award")]
    ['2027-06-30', '2028-06-30']
    >>> [first.year for first, _ in cycle_years(dt.date(2028, 12, 31), 3, "calendar")]
    [2026, 2027, 2028]
    """
    if cycle == "calendar":
        first_year = expires.year - period + 1
        return tuple(
            (dt.date(year, 1, 1), dt.date(year, 12, 31))
            for year in range(first_year, expires.year + 1)
        )
    return tuple(
        (
            add_years(expires, -(period - k + 1)) + dt.timedelta(days=1),
            add_years(expires, -(period - k)),
        )
        for k in range(1, period + 1)
    )


def date_problem(
    today: dt.date, expires: dt.date, processing_days: int, period_years: int
) -> str | None:
    """What is wrong with an expiry planned from ``today``, in words; ``None`` if nothing.

    An expiry more than :data:`~ceplan.limits.HORIZON_YEARS` years after today is a typing
    mistake; a do-by date (``expires - processing_days``) or a new expiry (``period_years``
    after the later of ``expires`` and today) that would leave the calendar cannot be planned.
    An expiry in the past is not a problem here: the plan says it is too late.

    Examples
    --------
    >>> date_problem(dt.date(2026, 11, 29), dt.date(9999, 12, 31), 7, 3)
    'is more than 50 years after today (2026-11-29): check the date'
    >>> date_problem(dt.date(2026, 11, 29), dt.date(1, 1, 3), 7, 3)
    'leaves the calendar: its do-by date, 7 days before, is before the year 1'
    >>> date_problem(dt.date(9990, 1, 1), dt.date(2027, 9, 30), 7, 3) is None  # too late
    True
    """
    fits = today.year + HORIZON_YEARS <= dt.MAXYEAR
    if fits and expires > add_years(today, HORIZON_YEARS):
        return f"is more than {HORIZON_YEARS} years after today ({today}): check the date"
    if expires.toordinal() <= processing_days:
        return (
            f"leaves the calendar: its do-by date, {processing_days} days before, "
            "is before the year 1"
        )
    if max(expires, today).year + period_years > dt.MAXYEAR:
        return f"leaves the calendar: a renewal would expire after the year {dt.MAXYEAR}"
    return None


def _not_a_date(value: object, name: str, why: str = "") -> PlanInputError:
    return PlanInputError(f"{name} must be a date (YYYY-MM-DD), not {show_value(value)}{why}")


def _parse_date(text: str, name: str) -> dt.date:
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if _DATE_TIME.fullmatch(text):
            return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise _not_a_date(text, name, " (no such day or time)") from None
    raise _not_a_date(text, name)


def _datetime64_date(value: Any, name: str, numpy: Any) -> dt.date:
    """The day of a ``numpy.datetime64``, worked out in Python integers.

    numpy's own unit conversions overflow silently for far dates, and raise for ``fs`` and ``as``.
    """
    if numpy.isnat(value):
        raise _not_a_date(value, name)
    unit, step = numpy.datetime_data(value.dtype)
    ticks = int(value.astype(numpy.int64)) * step
    try:
        if unit == "Y":
            return dt.date(1970 + ticks, 1, 1)
        if unit == "M":
            year, month = divmod(ticks, 12)
            return dt.date(1970 + year, month + 1, 1)
        days = ticks * 7 if unit == "W" else ticks if unit == "D" else ticks // _PER_DAY[unit]
        return _EPOCH + dt.timedelta(days=days)
    except (OverflowError, ValueError):
        raise _not_a_date(value, name, " (out of range: years 1 to 9999)") from None


# -- numbers -----------------------------------------------------------------------------------


def as_number(
    value: object, name: str, *, positive: bool = False, most: float | None = None
) -> float:
    """``value``, a finite real number ``>= 0`` (``> 0`` when ``positive``), as a float.

    Parameters
    ----------
    value
        An ``int``, ``float``, ``decimal.Decimal``, ``fractions.Fraction`` or numpy integer or
        floating scalar (or a 0-d numpy array of one). Not a bool, a string or a complex number.
    name
        The argument's name, for the error message.
    positive
        Refuse 0 as well.
    most
        The largest number allowed (see :mod:`ceplan.limits`), if there is one.

    Raises
    ------
    PlanInputError
        For anything else, NaN, infinities, negative numbers, numbers above ``most`` and numbers
        too large for a float.

    Examples
    --------
    >>> from decimal import Decimal
    >>> as_number(Decimal("12.5"), "budget")
    12.5
    >>> as_number(True, "earned")
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: earned must be a number, not True
    >>> as_number(1e307, "hours_per_week", positive=True, most=168)
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: hours_per_week must be at most 168, not 1e+307
    """
    value = _scalar(value)
    if not _is_real(value):
        raise PlanInputError(f"{name} must be a number, not {show_value(value)}")
    least = "> 0" if positive else ">= 0"
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:  # an int or Fraction too large for a float
        number = math.inf
    except ValueError:  # a signalling NaN
        number = math.nan
    if math.isinf(number) and value != number:  # finite, but beyond a float
        raise PlanInputError(f"{name} is too large for a float: {show_value(value)}")
    if not math.isfinite(number) or value < 0 or (positive and number == 0):  # type: ignore[operator]
        raise PlanInputError(f"{name} must be a finite number {least}, not {show_value(value)}")
    if most is not None and number > most:
        raise PlanInputError(f"{name} must be at most {most:,}, not {show_value(value)}")
    return number + 0.0  # -0.0 -> 0.0


def as_optional_number(
    value: object, name: str, *, positive: bool = False, most: float | None = None
) -> float | None:
    """``None``, or ``value`` as a number (see :func:`as_number`).

    Examples
    --------
    >>> as_optional_number(None, "budget") is None
    True
    """
    return None if value is None else as_number(value, name, positive=positive, most=most)


def as_whole(value: object, name: str) -> int:
    """``value``, a whole number ``>= 0``, as an int.

    Parameters
    ----------
    value
        An ``int`` or numpy integer, or a float, ``Decimal``, ``Fraction`` or numpy floating
        scalar with no fractional part (``3.0``, not ``3.5``). Not a bool.
    name
        The argument's name, for the error message.

    Raises
    ------
    PlanInputError
        For anything else and for negative numbers.

    Examples
    --------
    >>> as_whole(7.0, "processing_days")
    7
    """
    value = _scalar(value)
    if _is_real(value):
        if isinstance(value, numbers.Integral):
            whole: int | None = int(value)
        else:
            try:
                whole = int(value)  # type: ignore[call-overload]
            except (OverflowError, ValueError):  # infinite or NaN
                whole = None
        if whole is not None and whole == value and whole >= 0:
            return whole
    raise PlanInputError(f"{name} must be a whole number >= 0, not {show_value(value)}")


def _is_real(value: object) -> bool:
    """Whether ``value`` is a real number: bools are not, nor numpy timedeltas.

    numpy registers ``timedelta64`` as an integer, and ``numpy.bool_`` behaves like one.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        return False
    numpy = sys.modules.get("numpy")
    return numpy is None or not isinstance(value, numpy.timedelta64 | numpy.bool_)


# -- ids, kinds and flags ----------------------------------------------------------------------


def as_names(value: object, name: str) -> tuple[str, ...]:
    """Ids or kinds as a tuple of strings, in the order given (duplicates kept).

    Parameters
    ----------
    value
        ``None`` (no names); one string (one name, never split into characters); or any other
        iterable of strings: list, tuple, set, dict keys, generator, pandas Series or Index,
        numpy array of strings.
    name
        The argument's name, for the error message.

    Raises
    ------
    PlanInputError
        For bytes, a mapping, a non-iterable, or an element that is not a string.

    Examples
    --------
    >>> as_names("rev-up-python", "completed")
    ('rev-up-python',)
    >>> as_names(["a", 5], "completed")
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: completed[1] must be a string, not 5
    """
    if value is None:
        return ()
    if isinstance(value, str):
        return (str.__str__(value),)
    if isinstance(value, Mapping):  # its keys would be taken silently, whatever the values say
        raise PlanInputError(f"{name} must be ids or kinds, not a mapping: {show_value(value)}")
    elements = _iterable(value)
    if elements is None:
        raise PlanInputError(
            f"{name} must be a string or an iterable of strings, not {show_value(value)}"
        )
    names = []
    for index, element in enumerate(elements):
        if not isinstance(element, str):
            raise PlanInputError(f"{name}[{index}] must be a string, not {show_value(element)}")
        names.append(str.__str__(element))  # numpy.str_ and other subclasses -> plain str
    return tuple(names)


def as_passed(value: object, name: str = "passed") -> dict[str, int]:
    """Exams already passed, as exam kind -> count (counts of 0 left out).

    Parameters
    ----------
    value
        A mapping of kind -> count (counts as :func:`as_whole` takes them), such as a pandas
        Series from ``value_counts()``, or kinds as :func:`as_names` takes them, one per exam
        passed: ``"professional"`` is one exam.
    name
        The argument's name, for the error message.

    Raises
    ------
    PlanInputError
        For a key or kind that is not a string, or a count that is not a whole number ``>= 0``.

    Examples
    --------
    >>> as_passed(["professional", "expert", "professional"])
    {'professional': 2, 'expert': 1}
    >>> as_passed({"professional": 1, "expert": 0})
    {'professional': 1}
    """
    pairs = _pairs(value)
    if pairs is None:
        return dict(Counter(as_names(value, name)))
    counts: dict[str, int] = {}
    for kind, count in pairs:
        if not isinstance(kind, str):
            raise PlanInputError(
                f"{name} must map exam kinds (strings) to counts, not {show_value(kind)}"
            )
        whole = as_whole(count, f"{name}[{show_value(kind)}]")
        if whole:
            counts[str.__str__(kind)] = whole
    return counts


def _pairs(value: object) -> list[tuple[Any, Any]] | None:
    """The (key, value) pairs of a mapping or of a pandas Series indexed by kind, else ``None``."""
    if isinstance(value, Mapping):
        return list(value.items())
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(value, pandas.Series) and len(value):
        if all(isinstance(key, str) for key in value.index):  # kinds as the index: counts
            return list(value.items())
    return None


def as_flag(value: object, name: str) -> bool:
    """``value``, a ``bool`` or ``numpy.bool_``, as a bool (1, ``"yes"`` and ``None`` are refused).

    Examples
    --------
    >>> as_flag(1, "allow_exams")
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: allow_exams must be True or False, not 1
    """
    value = _scalar(value)
    if isinstance(value, bool):
        return value
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.bool_):
        return bool(value)
    raise PlanInputError(f"{name} must be True or False, not {show_value(value)}")


# -- date ranges -------------------------------------------------------------------------------


def as_ranges(value: object, name: str) -> tuple[tuple[dt.date, dt.date], ...]:
    """Day ranges ``(first, last)``, both days included, sorted.

    Parameters
    ----------
    value
        ``None`` (no ranges); an iterable whose elements are ``(first, last)`` pairs of dates (as
        :func:`as_date` takes them) or ``"YYYY-MM-DD:YYYY-MM-DD"`` strings; one such string on
        its own; or a pandas DataFrame with two columns, first and last.
    name
        The argument's name, for the error message.

    Raises
    ------
    PlanInputError
        For a range that ends before it starts, an element that is not a range, and a single
        pair given on its own (it reads as two dates just as well: wrap it in a list).

    Examples
    --------
    >>> away = ["2027-03-01:2027-03-05", ("2027-01-04", dt.date(2027, 1, 4))]
    >>> for first, last in as_ranges(away, "unavailable"):
    ...     print(first, last)
    2027-01-04 2027-01-04
    2027-03-01 2027-03-05
    >>> as_ranges(("2027-01-04", "2027-01-08"), "unavailable")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: unavailable must be ... on its own: wrap it in a list, ...
    """
    if value is None:
        return ()
    if isinstance(value, str):
        return (_range(value, name),)
    elements = _table_rows(value, name)
    if elements is None:
        pairs = None if isinstance(value, Mapping) else _iterable(value)
        if pairs is None:
            raise PlanInputError(
                f"{name} must be a list of (first, last) pairs, not {show_value(value)}"
            )
        elements = list(pairs)
        if len(elements) == 2 and all(_is_date(element) for element in elements):
            raise PlanInputError(
                f"{name} must be a list of (first, last) pairs, not one pair on its own: "
                f"wrap it in a list, [(first, last)] (got {show_value(value)})"
            )
    return tuple(sorted(_range(element, f"{name}[{i}]") for i, element in enumerate(elements)))


def _table_rows(value: object, name: str) -> list[Any] | None:
    """The rows of a two-column pandas DataFrame, or ``None`` when ``value`` is not a DataFrame."""
    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(value, pandas.DataFrame):
        return None
    if value.shape[1] != 2:
        columns = ", ".join(map(str, value.columns))
        raise PlanInputError(f"{name} must have two columns, first and last, not [{columns}]")
    return list(value.itertuples(index=False, name=None))


def _range(element: object, label: str) -> tuple[dt.date, dt.date]:
    days: list[Any] | None = None
    if isinstance(element, str):
        match = _RANGE.fullmatch(element)
        days = None if match is None else [match[1], match[2]]
    elif not isinstance(element, Mapping):
        pair = _iterable(element)
        days = None if pair is None else list(pair)
    if days is None or len(days) != 2:
        raise PlanInputError(
            f"{label} must be a (first, last) pair of dates or a 'YYYY-MM-DD:YYYY-MM-DD' string, "
            f"not {show_value(element)}"
        )
    first, last = (as_date(day, f"{label}[{i}]") for i, day in enumerate(days))
    if last < first:
        raise PlanInputError(f"{label} ends before it starts: {first}:{last}")
    return first, last


def _is_date(value: object) -> bool:
    try:
        as_date(value, "")
    except PlanInputError:
        return False
    return True


# -- entries and paths -------------------------------------------------------------------------


def as_entries(value: object, name: str) -> list[Any]:
    """A list of entries (budgets, funds: models or plain data), each checked by its reader.

    Parameters
    ----------
    value
        ``None`` (none) or any iterable of entries: a list, a tuple, a generator.
    name
        The argument's name, for the error message.

    Raises
    ------
    PlanInputError
        For a string, bytes, a mapping or a single model (wrap one entry in a list), or
        anything that is not iterable.

    Examples
    --------
    >>> as_entries(({"name": "FY27"},), "budgets")
    [{'name': 'FY27'}]
    >>> as_entries({"name": "FY27"}, "budgets")
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: budgets must be a list of entries, not one on its own: ...
    """
    if value is None:
        return []
    single = isinstance(value, Mapping) or hasattr(type(value), "model_fields")
    if single:
        raise PlanInputError(
            f"{name} must be a list of entries, not one on its own: wrap it in a list "
            f"(got {show_value(value)})"
        )
    elements = None if isinstance(value, str) else _iterable(value)
    if elements is None:
        raise PlanInputError(f"{name} must be a list of entries, not {show_value(value)}")
    return list(elements)


def as_path(value: object, name: str) -> Path:
    """A file's path, given as a ``str`` or an ``os.PathLike``.

    Examples
    --------
    >>> as_path("team.yaml", "roster")
    PosixPath('team.yaml')
    >>> as_path(5, "roster")
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: roster must be the path of a file, not 5
    """
    path = os.fspath(value) if isinstance(value, str | os.PathLike) else None
    if not isinstance(path, str) or not path:
        raise PlanInputError(f"{name} must be the path of a file, not {show_value(value)}")
    return Path(path)


# -- helpers -----------------------------------------------------------------------------------


def show_value(value: object) -> str:
    """``repr(value)``, cut short, for an error message."""
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        text = object.__repr__(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _scalar(value: object) -> object:
    """The element of a 0-d numpy array; any other value as it is."""
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray) and value.ndim == 0:
        return value[()]
    return value


def _iterable(value: object) -> Iterable[Any] | None:
    """An iterator over ``value``, or ``None`` when it is not iterable or is bytes."""
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    try:
        return iter(value)  # type: ignore[call-overload, no-any-return]
    except TypeError:
        return None
