"""Activities held as columns: large catalogues validated in bulk, kept lean, read back quickly.

A catalogue of 100,000 activities as 100,000 pydantic models takes seconds to validate and
hundreds of megabytes to hold. :class:`ActivityTable` holds the same activities as one array or
list per field, and :class:`Activities` shows them as the sequence of
:class:`~ceplan.catalogue.models.Activity` models that :attr:`Catalog.activities
<ceplan.catalogue.models.Catalog.activities>` is, making each model only when it is asked for.

:func:`table_from_records` validates plain records (the entries of a YAML ``activities`` list,
or the rows of a CSV or Parquet table) column by column. It is a strict gatekeeper, not a
second validator: it accepts only records that the pydantic models and the catalogue's rules
across fields would accept, giving the same values, and returns ``None`` at the first doubt
(a wrong type, a pattern not met, a duplicate, dates out of order, a price too large...). The
caller then validates the records one by one with pydantic, which says what is wrong, where,
every problem at once. Entries with ``sessions`` are validated as models and kept as such.
Schema 2's ``categories`` and ``counts_for`` are columns of their own, present only when some
activity gives them, checked by the very rules the models' catalogue runs
(:func:`~ceplan.catalogue.models.activity_rules`).

The models made from a table equal the validated ones field for field; one thing differs:
``model_fields_set`` holds the fields that are not empty (an entry that says ``hours: null``
outright is not told apart from one that leaves ``hours`` out).
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, overload

import numpy as np

from ceplan.catalogue.models import (
    CURRENCY_PATTERN,
    EMPTY,
    ID_PATTERN,
    TIER_PATTERN,
    Activity,
    Catalog,
    FrozenMap,
    iso_date,
    session_key,
    session_rules,
    to_cents,
)
from ceplan.catalogue.rules import Schema2Names, activity_rules
from ceplan.limits import MAX_CREDITS, MAX_HOURS
from ceplan.units import on_step

__all__ = [
    "COLUMNS_FROM",
    "FIELDS",
    "REQUIRED",
    "Activities",
    "ActivityTable",
    "catalog_from_data",
    "table_from_records",
    "with_table",
]

COLUMNS_FROM = 2_000
"""Catalogues with at least this many activities are validated and held as columns."""

NO_DAY = 0
"""A date column's value for "no date" (real dates have day numbers of 1 and more)."""

FIELDS = (
    "id",
    "title",
    "cost",
    "currency",
    "hours",
    "source",
    "available_from",
    "type",
    "credits",
    "expires",
    "sessions",
    "categories",
    "counts_for",
)
"""The fields of :class:`~ceplan.catalogue.models.Activity`, in the models' own order."""

REQUIRED = frozenset({"id", "title", "type", "credits", "cost"})
"""The fields every activity gives."""
SCHEMA_2_FIELDS = frozenset(Activity.SCHEMA_2_KEYS)
"""The fields only a schema 2 catalogue's activities may give."""
_ALLOWED = frozenset(FIELDS) - SCHEMA_2_FIELDS
_ALLOWED_2 = frozenset(FIELDS)
_FLAT = _ALLOWED - {"sessions"}
_TIER = re.compile(TIER_PATTERN)
_IDS = re.compile(r"(?:[a-z0-9][a-z0-9._-]{0,199}\n)*[a-z0-9][a-z0-9._-]{0,199}")
_CURRENCY = re.compile(CURRENCY_PATTERN.removeprefix("^").removesuffix("$"))
_EXACT_CENTS = 1e9
"""Below this many cents, rounding ``cost * rate * 100`` in floating point is exact unless the
product lies within :data:`_NEAR_HALF` of a half cent (then the decimal rule decides)."""
_NEAR_HALF = 1e-5

assert ID_PATTERN == r"^[a-z0-9][a-z0-9._-]*$", "keep _IDS in step with ID_PATTERN"
assert CURRENCY_PATTERN == r"^[A-Z]{3}$", "keep _CURRENCY in step with CURRENCY_PATTERN"


@dataclass(frozen=True, eq=False)
class ActivityTable:
    """Every activity of a catalogue, one column per field, in catalogue order."""

    ids: list[str]
    titles: list[str]
    types: list[str]
    credits: np.ndarray
    costs: np.ndarray
    """The prices as written, in each activity's own currency."""
    currencies: list[str | None]
    hours: np.ndarray
    """``NaN`` where an activity gives no hours."""
    sources: list[str | None]
    available_from: np.ndarray
    """Day numbers (``date.toordinal``), :data:`NO_DAY` where there is none."""
    expires: np.ndarray
    cents: np.ndarray
    """Each activity's cost in cents of the catalogue currency."""
    models: Mapping[int, Activity] = field(default_factory=dict)
    """Rows kept as validated models (those with sessions), by position."""
    session_cents: Mapping[str, int] = field(default_factory=dict)
    """The own prices of those rows' sessions, in cents, by session key."""
    categories: Sequence[Mapping[str, float]] | None = None
    """Schema 2: each activity's split of its credits by category (empty for none); ``None``
    when no activity splits its credits."""
    counts_for: Sequence[tuple[str, ...] | None] | None = None
    """Schema 2: the tiers each activity counts toward (``None``: every tier); ``None`` when
    every activity counts toward every tier."""

    def __len__(self) -> int:
        return len(self.ids)

    def activity(self, row: int) -> Activity:
        """The model of row ``row``."""
        model = self.models.get(row)
        if model is not None:
            return model
        hours = float(self.hours[row])
        opens, closes = int(self.available_from[row]), int(self.expires[row])
        values = {
            "id": self.ids[row],
            "title": self.titles[row],
            "cost": float(self.costs[row]),
            "currency": self.currencies[row],
            "hours": None if math.isnan(hours) else hours,
            "source": self.sources[row],
            "available_from": None if opens == NO_DAY else dt.date.fromordinal(opens),
            "type": self.types[row],
            "credits": float(self.credits[row]),
            "expires": None if closes == NO_DAY else dt.date.fromordinal(closes),
            "sessions": (),
            "categories": EMPTY if self.categories is None else self.categories[row],
            "counts_for": None if self.counts_for is None else self.counts_for[row],
        }
        return _made(values)

    def record(self, row: int) -> dict[str, Any]:
        """Row ``row`` as plain data, as a catalogue file would give it."""
        return self.activity(row).model_dump(exclude_defaults=True)


def _made(values: dict[str, Any]) -> Activity:
    """An :class:`Activity` of values known to be valid, made without validating them again.

    What :meth:`pydantic.BaseModel.model_construct` does for these fields, without its
    general-purpose work (a few microseconds a model, which 100,000 models feel).
    """
    model = Activity.__new__(Activity)
    setattr_ = object.__setattr__
    setattr_(model, "__dict__", values)
    setattr_(model, "__pydantic_fields_set__", _set_fields(values))
    setattr_(model, "__pydantic_extra__", None)
    setattr_(model, "__pydantic_private__", None)
    return model


def _set_fields(values: Mapping[str, Any]) -> set[str]:
    return {
        name
        for name, value in values.items()
        if value is not None and value != () and value is not EMPTY
    }


class Activities(Sequence[Activity]):
    """The activities of an :class:`ActivityTable`, as a read-only sequence of models.

    A model is made the first time its position is read, then kept. It compares equal to a
    tuple of the same models, and hashes like one.
    """

    __slots__ = ("_made", "table")

    def __init__(self, table: ActivityTable) -> None:
        self.table = table
        self._made: list[Activity | None] = [None] * len(table)

    def __len__(self) -> int:
        return len(self.table)

    @overload
    def __getitem__(self, index: int) -> Activity: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Activity, ...]: ...

    def __getitem__(self, index: int | slice) -> Activity | tuple[Activity, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("activity index out of range")
        model = self._made[index]
        if model is None:
            model = self._made[index] = self.table.activity(index)
        return model

    def __iter__(self) -> Iterator[Activity]:
        for index in range(len(self)):
            yield self[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Activities) and other.table is self.table:
            return True
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"<{len(self):,} activities held as columns>"


# -- validating records in bulk ----------------------------------------------------------------


class Part(Protocol):
    """Activities given as columns (the rows of a CSV or Parquet file)."""

    @property
    def columns(self) -> Mapping[str, Any]:
        """By field, a list of values (``None`` for none) or an array of floats (``NaN``)."""

    @property
    def count(self) -> int:
        """How many rows."""

    def records(self) -> Iterator[dict[str, Any]]:
        """Each row as an entry of a catalogue's ``activities``."""


def catalog_from_data(data: Any, parts: Sequence[Part] = ()) -> Catalog:
    """Validate plain catalogue data, as columns where that can be done.

    ``parts`` are more activities, given as columns, after those of ``data``. The activities are
    held as columns when there are many and all is well; otherwise the data (with the parts'
    rows as entries, see :func:`with_records`) is validated as models, which raises the
    :class:`pydantic.ValidationError` that says what is wrong.
    """
    records = data.get("activities", []) if isinstance(data, dict) else None
    if isinstance(records, list) and len(records) + sum(p.count for p in parts) >= COLUMNS_FROM:
        from pydantic import ValidationError

        try:
            header = Catalog.model_validate({**data, "activities": []})
        except (ValidationError, ValueError):
            header = None
        if header is not None:
            table = table_from_records(
                records,
                currency=header.currency,
                exchange_rates=header.exchange_rates,
                taken_ids=[exam.id for exam in header.exams],
                parts=parts,
                schema=header.schema_,
                names=Schema2Names(header.categories, header.tiers, header.credit_step),
            )
            if table is not None:
                return with_table(header, table)
    return Catalog.model_validate(with_records(data, parts))


def with_records(data: Any, parts: Sequence[Part]) -> Any:
    """``data`` with the rows of ``parts`` added to its ``activities``, as entries."""
    records = data.get("activities", []) if isinstance(data, dict) else None
    if not parts or not isinstance(records, list):
        return data
    return {**data, "activities": [*records, *(row for part in parts for row in part.records())]}


def table_from_records(
    records: Sequence[Any],
    *,
    currency: str,
    exchange_rates: Mapping[str, float],
    taken_ids: Sequence[str] = (),
    parts: Sequence[Part] = (),
    schema: int = 1,
    names: Schema2Names | None = None,
) -> ActivityTable | None:
    """The records as a table, if they are valid activities of such a catalogue; else ``None``.

    ``currency`` and ``exchange_rates`` are the catalogue's; ``taken_ids`` the ids its exams
    already use; ``parts`` more activities after the records; ``schema`` its schema and
    ``names`` what schema 2's rules check against (default: no categories, no tiers named, no
    credit step). ``None`` says only "not certainly valid": validate the records one by one to
    learn what is wrong.
    """
    names = names or Schema2Names(EMPTY, EMPTY)
    try:
        allowed = _ALLOWED if schema == 1 else _ALLOWED_2
        table = _table(records, parts, currency, exchange_rates, taken_ids, allowed)
        if schema == 1:
            return table
        return _with_schema_2(table, records, names)
    except _Declined:
        return None


class _Declined(Exception):
    """Something is, or may be, wrong: leave the records to pydantic."""


def _table(
    records: Sequence[Any],
    parts: Sequence[Part],
    currency: str,
    rates: Mapping[str, float],
    taken_ids: Sequence[str],
    allowed: frozenset[str] = _ALLOWED,
) -> ActivityTable:
    """The records' fields of schema 1 as a table, each record giving only ``allowed`` keys."""
    modelled: dict[int, Activity] = {}
    for row, record in enumerate(records):
        if type(record) is not dict:
            raise _Declined
        keys = record.keys()
        if not keys <= allowed or not REQUIRED <= keys:
            raise _Declined
        if "sessions" in keys:
            modelled[row] = _model(record)
    columns: list[tuple[Mapping[str, Any], int]] = [
        ({name: [record.get(name) for record in records] for name in _FLAT}, len(records))
    ]
    for part in parts:
        if not part.columns.keys() <= _FLAT:
            raise _Declined
        columns.append((part.columns, part.count))

    def pieces(name: str) -> list[Any]:
        return [given.get(name, [None] * count) for given, count in columns]

    def joined(name: str) -> list[Any]:
        return [value for piece in pieces(name) for value in piece]

    def numbers(name: str, *, optional: bool = False) -> np.ndarray:
        return np.concatenate([_numbers(piece, optional=optional) for piece in pieces(name)])

    def days(name: str) -> np.ndarray:
        return np.concatenate([_days(piece) for piece in pieces(name)])

    ids = joined("id")
    _check_ids(ids, taken_ids)
    titles = _texts(joined("title"))
    types = _texts(joined("type"), interned=True)
    credits = numbers("credits")
    if not bool(np.all((credits > 0) & (credits <= MAX_CREDITS))):
        raise _Declined
    costs = numbers("cost")
    if not bool(np.all(costs >= 0)):
        raise _Declined
    hours = numbers("hours", optional=True)
    if not bool(np.all(np.isnan(hours) | ((hours >= 0) & (hours <= MAX_HOURS)))):
        raise _Declined
    currencies = _currencies(joined("currency"))
    sources = joined("source")
    if not all(source is None or type(source) is str for source in sources):
        raise _Declined
    opens = days("available_from")
    closes = days("expires")
    if bool(np.any((opens != NO_DAY) & (closes != NO_DAY) & (opens > closes))):
        raise _Declined
    session_cents: dict[str, int] = {}
    for row, model in modelled.items():
        if next(session_rules(model, ("activities", row)), None) is not None:
            raise _Declined
        rate = _rate(model.currency, currency, rates)
        for number, session in enumerate(model.sessions):
            if session.cost is not None:
                cents = to_cents(session.cost, rate)
                if cents is None:
                    raise _Declined
                session_cents[session_key(model.id, number)] = cents
    rate_of = {code: _rate(code, currency, rates) for code in set(currencies)}
    row_rates = np.array([rate_of[code] for code in currencies], dtype=np.float64)
    return ActivityTable(
        ids=ids,
        titles=titles,
        types=types,
        credits=credits,
        costs=costs,
        currencies=currencies,
        hours=hours,
        sources=sources,
        available_from=opens,
        expires=closes,
        cents=_cents_of(costs, row_rates),
        models=modelled,
        session_cents=session_cents,
    )


def _with_schema_2(
    table: ActivityTable, records: Sequence[Any], names: Schema2Names
) -> ActivityTable:
    """``table`` with the records' schema 2 fields, if they are valid, as columns."""
    step = names.credit_step
    if step is not None and not bool(np.all(on_step(table.credits, step))):
        raise _Declined
    splits: list[Mapping[str, float]] | None = None
    tiers: list[tuple[str, ...] | None] | None = None
    credits = table.credits
    made: dict[Any, Mapping[str, float]] = {}
    passed: set[tuple[float, int, tuple[str, ...] | None]] = set()
    for row, record in enumerate(records):
        given = "categories" in record
        named = record.get("counts_for")
        if not given and named is None:
            continue
        if given:
            if splits is None:
                splits = [EMPTY] * len(table)
            splits[row] = _split(record["categories"], made)
        if named is not None:
            if tiers is None:
                tiers = [None] * len(table)
            tiers[row] = _tiers(named)
        split_of = EMPTY if splits is None else splits[row]
        tiers_of = None if tiers is None else tiers[row]
        amount = float(credits[row])
        key = (amount, id(split_of), tiers_of)  # splits are made once each (``made``)
        if key not in passed:
            rules = activity_rules(amount, split_of, tiers_of, ("activities", row), names)
            if next(rules, None) is not None:
                raise _Declined
            passed.add(key)
    if splits is None and tiers is None:
        return table
    return replace(table, categories=splits, counts_for=tiers)


def _split(value: Any, made: dict[Any, Mapping[str, float]]) -> Mapping[str, float]:
    """An activity's ``categories`` as the models hold them, if it is certainly valid."""
    if type(value) is not dict:
        raise _Declined
    for part in value.values():  # before looking it up: True == 1, but it is not a number
        if type(part) is not float and type(part) is not int:
            raise _Declined
    try:
        return made[tuple(value.items())]
    except KeyError:
        pass
    except TypeError:
        raise _Declined from None
    parts: dict[str, float] = {}
    for name, part in value.items():
        if type(name) is not str or _TIER.fullmatch(name) is None or len(name) > 50:
            raise _Declined
        if type(part) not in (int, float) or not math.isfinite(part) or float(part) != part:
            raise _Declined
        if not 0 <= part <= MAX_CREDITS:
            raise _Declined
        parts[name] = float(part)
    split = made[tuple(value.items())] = FrozenMap(parts)
    return split


def _tiers(value: Any) -> tuple[str, ...]:
    """An activity's ``counts_for`` as the models hold it, if it is certainly valid."""
    if type(value) is not list or not value:
        raise _Declined
    for name in value:
        if type(name) is not str or _TIER.fullmatch(name) is None:
            raise _Declined
    return tuple(value)


def _model(record: Mapping[str, Any]) -> Activity:
    from pydantic import ValidationError

    try:
        return Activity.model_validate(record)
    except (ValidationError, ValueError):
        raise _Declined from None


def _check_ids(ids: list[Any], taken: Sequence[str]) -> None:
    """Every id a string of the id pattern, none used twice or by an exam."""
    if not all(type(item_id) is str for item_id in ids):
        raise _Declined
    joined = "\n".join(ids)
    if joined.count("\n") != len(ids) - 1 or _IDS.fullmatch(joined) is None:
        raise _Declined
    unique = set(ids)
    if len(unique) != len(ids) or not unique.isdisjoint(taken):
        raise _Declined


def _texts(values: list[Any], *, interned: bool = False) -> list[str]:
    """Strings that are not blank (as ``Text`` requires); repeated ones shared if ``interned``."""
    seen: dict[str, str] = {}
    for value in values:
        if type(value) is not str or not value.strip():
            raise _Declined
    if interned:
        return [seen.setdefault(value, value) for value in values]
    return values


def _numbers(values: Sequence[Any] | np.ndarray, *, optional: bool = False) -> np.ndarray:
    """Finite numbers (ints or floats, never bools) as floats; ``NaN`` for ``None``.

    An array of floats (a column read from a file) holds ``NaN`` for an empty cell.
    """
    if isinstance(values, np.ndarray):
        if values.dtype != np.float64:
            raise _Declined
        present = values[~np.isnan(values)] if optional else values
        if not bool(np.all(np.isfinite(present))):
            raise _Declined
        return values
    kinds = {type(value) for value in values}
    allowed = {float, int, type(None)} if optional else {float, int}
    if not kinds <= allowed:
        raise _Declined
    try:
        array = np.array(
            [math.nan if value is None else value for value in values], dtype=np.float64
        )
    except (OverflowError, ValueError, TypeError):
        raise _Declined from None
    present = array if not optional else array[~np.isnan(array)]
    if optional and len(present) != sum(1 for value in values if value is not None):
        raise _Declined  # a NaN written as a number
    if not bool(np.all(np.isfinite(present))):
        raise _Declined
    if int in kinds:
        # Pydantic turns an int into a float only when the float holds it exactly.
        for value in values:
            if type(value) is int and float(value) != value:
                raise _Declined
    return array


def _currencies(values: list[Any]) -> list[str | None]:
    for code in set(values):
        if code is not None and (type(code) is not str or _CURRENCY.fullmatch(code) is None):
            raise _Declined
    return values


def _days(values: Sequence[Any]) -> np.ndarray:
    """Dates (date objects or ISO strings, as the models read them) as day numbers."""
    known: dict[Any, int] = {}
    days = np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values):
        try:
            days[row] = known[value]
            continue
        except KeyError:
            pass
        except TypeError:  # not hashable: certainly not a date
            raise _Declined from None
        if value is None:
            day = NO_DAY
        else:
            try:
                parsed = iso_date(value)
            except ValueError:
                raise _Declined from None
            day = parsed.toordinal()
        known[value] = days[row] = day
    return days


def _rate(code: str | None, currency: str, rates: Mapping[str, float]) -> float:
    if code is None or code == currency:
        return 1.0
    if code not in rates:
        raise _Declined
    return float(rates[code])


def _cents_of(costs: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """``costs * rates`` in whole cents, rounded half to even as :func:`to_cents` rounds.

    In floating point where that is exact (see :data:`_EXACT_CENTS`), by the decimal rule of
    :func:`~ceplan.catalogue.models.to_cents` elsewhere.

    Examples
    --------
    >>> _cents_of(np.array([2.675, 0.125, 150.0]), np.array([1.0, 1.0, 0.79])).tolist()
    [268, 12, 11850]
    """
    amounts = costs * rates * 100.0
    cents = np.rint(amounts)
    fraction = np.abs(amounts - np.floor(amounts) - 0.5)
    doubtful = np.flatnonzero((np.abs(amounts) >= _EXACT_CENTS) | (fraction < _NEAR_HALF))
    result: np.ndarray = cents.astype(np.int64)
    for row in doubtful:
        exact = to_cents(float(costs[row]), float(rates[row]))
        if exact is None:
            raise _Declined
        result[row] = exact
    return result


# -- the cache's form ---------------------------------------------------------------------------


def table_to_data(table: ActivityTable) -> dict[str, Any]:
    """``table`` as plain data for a JSON cache entry (read back by :func:`table_from_data`).

    Numbers are kept as the bytes of their arrays (little-endian, base64): a million floats
    as JSON numbers would be a million Python objects each way. Columns with few distinct
    values are kept as codes into the list of those values.
    """
    return {
        "ids": table.ids,
        "titles": table.titles,
        "types": _coded(table.types),
        "credits": _packed(table.credits, "<f8"),
        "costs": _packed(table.costs, "<f8"),
        "currencies": _coded(table.currencies),
        "hours": _packed(table.hours, "<f8"),
        "sources": _coded(table.sources),
        "available_from": _packed(table.available_from, "<i8"),
        "expires": _packed(table.expires, "<i8"),
        "cents": _packed(table.cents, "<i8"),
        "models": {str(row): model.model_dump(mode="json") for row, model in table.models.items()},
        "session_cents": dict(table.session_cents),
        "categories": None if table.categories is None else _coded(table.categories, dict),
        "counts_for": None
        if table.counts_for is None
        else _coded(table.counts_for, lambda named: None if named is None else list(named)),
    }


def table_from_data(data: Mapping[str, Any]) -> ActivityTable:
    """The table :func:`table_to_data` wrote, trusted as it is (the cache checks its hashes)."""
    count = len(data["ids"])
    table = ActivityTable(
        ids=list(data["ids"]),
        titles=list(data["titles"]),
        types=_decoded(data["types"]),
        credits=_unpacked(data["credits"], "<f8"),
        costs=_unpacked(data["costs"], "<f8"),
        currencies=_decoded(data["currencies"]),
        hours=_unpacked(data["hours"], "<f8"),
        sources=_decoded(data["sources"]),
        available_from=_unpacked(data["available_from"], "<i8"),
        expires=_unpacked(data["expires"], "<i8"),
        cents=_unpacked(data["cents"], "<i8"),
        models={int(row): _trusted_model(model) for row, model in data["models"].items()},
        session_cents=dict(data["session_cents"]),
        categories=None if data["categories"] is None else _decoded(data["categories"], FrozenMap),
        counts_for=None
        if data["counts_for"] is None
        else _decoded(data["counts_for"], lambda named: None if named is None else tuple(named)),
    )
    lists = (table.titles, table.types, table.currencies, table.sources)
    arrays = (table.credits, table.costs, table.hours, table.available_from, table.expires)
    if any(len(column) != count for column in (*lists, *arrays, table.cents)):
        raise ValueError("columns of different lengths")
    return table


def _packed(array: np.ndarray, kind: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=kind).tobytes()).decode("ascii")


def _unpacked(text: str, kind: str) -> np.ndarray:
    native = np.float64 if kind == "<f8" else np.int64
    return np.frombuffer(base64.b64decode(text), dtype=kind).astype(native)


def _coded(values: Sequence[Any], plain: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """A column as its distinct values and, per row, the position of its value among them.

    ``plain`` writes a distinct value as JSON takes it (a mapping as a dict...).
    """
    index: dict[Any, int] = {}
    codes = np.fromiter(
        (index.setdefault(value, len(index)) for value in values), dtype=np.int64, count=len(values)
    )
    distinct = list(index) if plain is None else [plain(value) for value in index]
    return {"values": distinct, "codes": _packed(codes, "<i8")}


def _decoded(data: Mapping[str, Any], made: Callable[[Any], Any] | None = None) -> list[Any]:
    """The column :func:`_coded` wrote; ``made`` makes each distinct value as the table holds it."""
    values = list(data["values"]) if made is None else [made(value) for value in data["values"]]
    return [values[code] for code in _unpacked(data["codes"], "<i8").tolist()]


def _trusted_model(data: Mapping[str, Any]) -> Activity:
    from ceplan.catalogue.models import trusted_activity

    return trusted_activity(data)


def with_table(header: Catalog, table: ActivityTable) -> Catalog:
    """``header`` (a valid catalogue without activities) with ``table``'s activities as columns.

    The catalogue makes each activity's model when it is read (:class:`Activities`).
    """
    return Catalog.with_table(header, table, Activities(table))
