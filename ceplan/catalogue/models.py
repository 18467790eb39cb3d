"""The catalogue: tiers, their renewal paths, and the activities and exams that can be bought.

These are validated, immutable pydantic models for schema 1 of ``catalog.yaml`` (see the README's
"Catalogue format"). Reading files lives in :mod:`ceplan.catalogue.loading`; this module only
validates data.

Rules within one field or one item are pydantic's, and it reports all of them at once. Rules across
fields and items (unique ids, dates in order, exam kinds that paths and exams agree on, currencies
with rates, sessions within their activity's dates) are checked together by :func:`_broken_rules`,
which collects every broken one: :class:`Catalog` runs it once its fields are valid, and
:func:`broken_rules` runs it over the parts of invalid data that are valid on their own, so that a
loader can report every problem of a file in one go.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WrapSerializer,
    model_validator,
)

from ceplan.limits import MAX_CREDITS, MAX_HOURS, MAX_MONEY, MAX_PROCESSING_DAYS, describe
from ceplan.units import plain_number, quantity

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")

__all__ = ["Activity", "Catalog", "Exam", "PathRule", "Session", "Tier"]

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
TIER_PATTERN = r"^[a-z][a-z0-9_-]*$"
KIND_PATTERN = r"^[a-z][a-z0-9_-]*$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"


@dataclasses.dataclass(frozen=True)
class BrokenRule:
    """A rule across fields that the data breaks.

    ``loc`` says where, like a pydantic error location (relative to the model that checks the
    rule); ``value`` is the offending value, or ``None`` when the problem is a missing value.
    """

    loc: tuple[str | int, ...]
    message: str
    value: Any = None


class CatalogRuleError(ValueError):
    """Rules across fields were broken; :attr:`broken` lists every one."""

    def __init__(self, broken: Sequence[BrokenRule]) -> None:
        self.broken = tuple(broken)
        first = self.broken[0]
        where = ".".join(str(part) for part in first.loc)
        more = f" (and {len(self.broken) - 1} more)" if len(self.broken) > 1 else ""
        super().__init__(f"{where}: {first.message}{more}")


_NOT_A_DATE = "is not a date in YYYY-MM-DD form"
UNKNOWN_SCHEMA = "unknown schema: this ceplan reads schema 1"


def iso_date(value: Any) -> Any:
    """Accept a date or an ISO ``YYYY-MM-DD`` string; refuse numbers and datetimes."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(_NOT_A_DATE) from None
    raise ValueError(_NOT_A_DATE)


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# Read-only mappings: validated as dicts, kept as mapping proxies, written out as dicts.
def _freeze(value: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(value)


def _thaw(value: Mapping[Any, Any], handler: Any) -> Any:
    return handler(dict(value))


def _as_tuple(value: Sequence[Any], handler: Any) -> Any:
    """Serialise a sequence held as columns (:class:`~ceplan.catalogue.table.Activities`)."""
    return handler(value if isinstance(value, tuple) else tuple(value))


def _default_labels(value: Any) -> Any:
    """Tiers by name, each given its name as ``label`` when it has none."""
    if not isinstance(value, Mapping):
        return value
    return {
        name: {"label": name, **tier}
        if isinstance(name, str) and isinstance(tier, Mapping) and "label" not in tier
        else tier
        for name, tier in value.items()
    }


def schema_number(value: Any) -> Any:
    if type(value) is not int:  # True == 1 and 1.0 == 1, but neither is schema 1
        raise ValueError(UNKNOWN_SCHEMA)
    return value


Date = Annotated[dt.date, BeforeValidator(iso_date)]
Text = Annotated[str, AfterValidator(_non_blank)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=200)]
Kind = Annotated[str, StringConstraints(pattern=KIND_PATTERN, max_length=50)]
Currency = Annotated[str, StringConstraints(pattern=CURRENCY_PATTERN)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Credits = Annotated[float, Field(gt=0, le=MAX_CREDITS)]
PathCredits = Annotated[float, Field(ge=0, le=MAX_CREDITS)]
Hours = Annotated[float, Field(ge=0, le=MAX_HOURS)]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
        populate_by_name=True,
        defer_build=True,
    )


class PathRule(_Model):
    """One way to renew a tier: enough credits plus, per exam kind, enough passed exams.

    Examples
    --------
    >>> PathRule(credits=40, exams={"professional": 1}).describe()
    '40 credits + 1 professional exam'
    """

    credits: PathCredits = 0
    exams: Annotated[
        Mapping[Kind, Annotated[int, Field(ge=1)]], AfterValidator(_freeze), WrapSerializer(_thaw)
    ] = Field(default_factory=lambda: MappingProxyType({}))

    @model_validator(mode="after")
    def _not_empty(self) -> PathRule:
        if self.credits == 0 and not self.exams:
            raise ValueError("a path needs credits, exams or both")
        return self

    def describe(self) -> str:
        """Say the path in words, e.g. ``"40 credits + 1 professional exam"``."""
        parts = []
        if self.credits:
            parts.append(quantity(self.credits, "credit"))
        for kind, count in sorted(self.exams.items()):
            parts.append(quantity(count, f"{kind} exam"))
        return " + ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The path as in the JSON output: ``{"credits": 40, "exams": {"professional": 1}}``."""
        return {"credits": plain_number(self.credits), "exams": dict(sorted(self.exams.items()))}


class Tier(_Model):
    """A certification level and its alternative renewal paths.

    In a catalogue, ``label`` may be left out: it is then the tier's own name (``associate``).
    """

    label: Text
    period_years: Annotated[int, Field(ge=1, le=100)] = 3
    paths: Annotated[tuple[PathRule, ...], Field(min_length=1, strict=False)]


class _Item(_Model):
    """What activities and exams have in common."""

    id: Id
    title: Text
    cost: NonNegative
    currency: Currency | None = None
    hours: Hours | None = None
    source: str | None = None
    available_from: Date | None = None

    @property
    def last_day(self) -> dt.date | None:
        """The last day the item counts (``expires`` or ``retires``)."""
        raise NotImplementedError


class Session(_Model):
    """A dated run of an activity (e.g. an instructor-led class), with an optional own price.

    ``cost`` is in the activity's currency; without it the session costs the activity's cost.
    """

    start: Date
    end: Date
    cost: NonNegative | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Session:
        if self.end < self.start:
            raise CatalogRuleError(
                [BrokenRule(("end",), f"is before start {self.start}", self.end)]
            )
        return self


class Activity(_Item):
    """Something that earns CE credits: a course, videos, a webinar, an event session...

    An activity with ``sessions`` runs only on those dates, and a plan picks at most one.
    """

    type: Text
    credits: Credits
    expires: Date | None = None
    sessions: Annotated[tuple[Session, ...], Field(strict=False)] = ()

    @property
    def last_day(self) -> dt.date | None:
        """The last day the activity can be completed for credit."""
        return self.expires


class Exam(_Item):
    """An exam; passing it counts towards paths that ask for exams of its ``kind``."""

    kind: Kind
    retires: Date | None = None

    @property
    def last_day(self) -> dt.date | None:
        """The last day the exam can be taken."""
        return self.retires


class Catalog(_Model):
    """A whole renewal programme: its tiers and what can be bought to meet them.

    Costs of items priced in another currency are converted to :attr:`currency` with
    :attr:`exchange_rates` and rounded to cents; :meth:`cost_of` gives the converted cost.
    """

    schema_: Annotated[Literal[1], BeforeValidator(schema_number)] = Field(alias="schema")
    programme: Text
    currency: Currency
    exchange_rates: Annotated[
        Mapping[Currency, Positive], AfterValidator(_freeze), WrapSerializer(_thaw)
    ] = Field(default_factory=lambda: MappingProxyType({}))
    rates_as_of: Date | None = None
    as_of: Date | None = None
    processing_days: Annotated[int, Field(ge=0, le=MAX_PROCESSING_DAYS)] = 0
    tiers: Annotated[
        Mapping[Annotated[str, StringConstraints(pattern=TIER_PATTERN)], Tier],
        Field(min_length=1),
        BeforeValidator(_default_labels),
        AfterValidator(_freeze),
        WrapSerializer(_thaw),
    ]
    exams: Annotated[tuple[Exam, ...], Field(strict=False)] = ()
    activities: Annotated[tuple[Activity, ...], Field(strict=False), WrapSerializer(_as_tuple)] = ()

    _cents: dict[str, int] = PrivateAttr(default_factory=dict)
    _by_id: dict[str, Activity | Exam] = PrivateAttr(default_factory=dict)
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)
    """What :meth:`derived` made of the catalogue, by name."""
    _table: Any = PrivateAttr(default=None)
    """The activities as columns (:class:`ceplan.catalogue.table.ActivityTable`) when they are held
    so;
    :attr:`activities` then makes each model when it is read."""
    _rows: dict[str, int] | None = PrivateAttr(default=None)
    """The row of each activity of :attr:`_table`, by id, built on the first lookup."""

    @property
    def table(self) -> Any:
        """The activities as columns, when the catalogue holds them so, else ``None``.

        A :class:`~ceplan.catalogue.table.ActivityTable`: large catalogues are held so.
        """
        return self._table

    def derived(self, name: str, make: Callable[[Catalog], T]) -> T:
        """What ``make`` makes of this catalogue, made once and kept with it under ``name``.

        For data worked out from a catalogue that never changes (its items as arrays, say).
        """
        if name not in self._derived:
            self._derived[name] = make(self)
        return cast(T, self._derived[name])

    @classmethod
    def with_table(cls, header: Catalog, table: Any, activities: Sequence[Activity]) -> Catalog:
        """``header`` (a valid catalogue without activities) with ``table``'s activities.

        ``table`` is a :class:`ceplan.catalogue.table.ActivityTable` that
        :func:`~ceplan.catalogue.table.table_from_records` accepted for this catalogue, and
        ``activities`` the sequence that makes its models as they are read
        (:func:`ceplan.catalogue.table.with_table` gives both).
        """
        fields = {name: getattr(header, name) for name in cls.model_fields}
        catalog = cls.model_construct(**{**fields, "activities": activities})
        catalog._table = table
        catalog._cents = {**header._cents, **table.session_cents}
        catalog._by_id = dict(header._by_id)
        return catalog

    @classmethod
    def from_trusted(cls, data: Mapping[str, Any]) -> Catalog:
        """A catalogue rebuilt from its own JSON dump, without validating it again.

        For ceplan's cache, whose entries are written from valid catalogues and checked against
        hashes of the catalogue's bytes and of themselves. Building the models without
        validation is many times quicker; the rules across fields still run, as they compute
        each item's cost in cents.
        """
        catalog = cls.model_construct(
            schema_=1,
            programme=data["programme"],
            currency=data["currency"],
            exchange_rates=MappingProxyType(dict(data["exchange_rates"])),
            rates_as_of=_day(data["rates_as_of"]),
            as_of=_day(data["as_of"]),
            processing_days=data["processing_days"],
            tiers=MappingProxyType(
                {name: _trusted_tier(tier) for name, tier in data["tiers"].items()}
            ),
            exams=tuple(_trusted_exam(exam) for exam in data["exams"]),
            activities=tuple(trusted_activity(activity) for activity in data["activities"]),
        )
        catalog._apply_rules()
        return catalog

    @model_validator(mode="after")
    def _check_rules(self) -> Catalog:
        self._apply_rules()
        return self

    def _apply_rules(self) -> None:
        """Check the rules across fields; keep each item by id and its cost in cents."""
        cents: dict[str, int] = {}
        broken = _broken_rules(_Parts.of(self), cents)
        if broken:
            raise CatalogRuleError(broken)
        items: list[Activity | Exam] = [*self.exams, *self.activities]
        self._by_id = {item.id: item for item in items}
        self._cents = cents

    # -- lookups -------------------------------------------------------------------------------

    def rate(self, currency: str | None) -> float:
        """How many units of the catalogue's currency one unit of ``currency`` is worth.

        ``None`` (no currency given) is the catalogue's own. Raises ``KeyError`` for a currency
        with no exchange rate.

        Examples
        --------
        >>> catalog = Catalog.model_validate({"schema": 1, "programme": "P", "currency": "GBP",
        ...     "exchange_rates": {"USD": 0.79}, "rates_as_of": "2026-11-01",
        ...     "tiers": {"t": {"paths": [{"credits": 1}]}}})
        >>> catalog.rate("USD"), catalog.rate(None), catalog.rate("GBP")
        (0.79, 1.0, 1.0)
        """
        if currency is None or currency == self.currency:
            return 1.0
        return self.exchange_rates[currency]

    def cost_of(self, item_id: str) -> float:
        """The cost of an item in the catalogue currency, rounded to cents."""
        return self.cents_of(item_id) / 100

    def cents_of(self, item_id: str, session: int | None = None) -> int:
        """The cost of an item (or of one of its sessions) in cents of the catalogue currency."""
        if session is not None:
            own = self._cents.get(session_key(item_id, session))
            if own is not None:
                return own
        cents = self._cents.get(item_id)
        if cents is not None:
            return cents
        if self._table is None:
            raise KeyError(item_id)
        return int(self._table.cents[self._row(item_id)])

    def item(self, item_id: str) -> Activity | Exam:
        """The activity or exam with this id (``KeyError`` if there is none)."""
        found = self._by_id.get(item_id)
        if found is not None:
            return found
        if self._table is None:
            raise KeyError(item_id)
        return self.activities[self._row(item_id)]

    def has(self, item_id: str) -> bool:
        """Whether an activity or exam has this id."""
        if item_id in self._by_id:
            return True
        return self._table is not None and item_id in self._row_of_id()

    @property
    def ids(self) -> frozenset[str]:
        """The ids of every activity and exam."""
        if self._table is None:
            return frozenset(self._by_id)
        return frozenset(self._by_id).union(self._table.ids)

    def _row(self, item_id: str) -> int:
        return self._row_of_id()[item_id]

    def _row_of_id(self) -> dict[str, int]:
        if self._rows is None:
            self._rows = {item_id: row for row, item_id in enumerate(self._table.ids)}
        return self._rows

    def tier(self, name: str) -> Tier:
        """The tier called ``name`` (``KeyError`` if there is none)."""
        return self.tiers[name]

    # -- tables --------------------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """Every activity and exam as one table, costs in the catalogue currency.

        Columns: ``id, item, title, type, kind, credits, cost, price, price_currency, hours,
        available_from, last_day, source``; ``item`` is ``"activity"`` or ``"exam"``.
        """
        import pandas as pd

        columns: dict[str, list[Any]] = {name: [] for name in _FRAME_COLUMNS}
        if self._table is not None:
            self._table_columns(columns)
        else:
            self._item_columns(self.activities, columns)
        self._item_columns(self.exams, columns)
        frame = pd.DataFrame(columns, columns=_FRAME_COLUMNS)
        return frame.astype(dict.fromkeys(["credits", "cost", "price", "hours"], "float64"))

    def _item_columns(
        self, items: Sequence[Activity | Exam], columns: dict[str, list[Any]]
    ) -> None:
        """Add ``items`` to the columns of :meth:`to_frame`."""
        for item in items:
            is_activity = isinstance(item, Activity)
            values = {
                "id": item.id,
                "item": "activity" if is_activity else "exam",
                "title": item.title,
                "type": item.type if isinstance(item, Activity) else "exam",
                "kind": item.kind if isinstance(item, Exam) else None,
                "credits": item.credits if isinstance(item, Activity) else 0.0,
                "cost": self.cost_of(item.id),
                "price": item.cost,
                "price_currency": item.currency or self.currency,
                "hours": item.hours,
                "available_from": item.available_from,
                "last_day": item.last_day,
                "source": item.source,
            }
            for name, value in values.items():
                columns[name].append(value)

    def _table_columns(self, columns: dict[str, list[Any]]) -> None:
        """Add the activities of :attr:`_table` to the columns of :meth:`to_frame`.

        From the table's own columns, without making models.
        """
        table = self._table
        count = len(table)

        def days(values: Any) -> list[dt.date | None]:
            return [None if day == 0 else dt.date.fromordinal(day) for day in values.tolist()]

        columns["id"].extend(table.ids)
        columns["item"].extend(["activity"] * count)
        columns["title"].extend(table.titles)
        columns["type"].extend(table.types)
        columns["kind"].extend([None] * count)
        columns["credits"].extend(table.credits.tolist())
        columns["cost"].extend((table.cents / 100).tolist())
        columns["price"].extend(table.costs.tolist())
        columns["price_currency"].extend(code or self.currency for code in table.currencies)
        columns["hours"].extend(None if math.isnan(h) else h for h in table.hours.tolist())
        columns["available_from"].extend(days(table.available_from))
        columns["last_day"].extend(days(table.expires))
        columns["source"].extend(table.sources)

    def __eq__(self, other: object) -> bool:
        """Catalogues are equal when their fields are: how they are held does not matter."""
        if not isinstance(other, Catalog):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in type(self).model_fields)

    __hash__ = None  # type: ignore[assignment]  # its mappings make it unhashable anyway


_FRAME_COLUMNS = [
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


def _day(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _trusted_tier(data: Mapping[str, Any]) -> Tier:
    paths = tuple(
        PathRule.model_construct(credits=path["credits"], exams=MappingProxyType(path["exams"]))
        for path in data["paths"]
    )
    return Tier.model_construct(label=data["label"], period_years=data["period_years"], paths=paths)


def _item_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": data["id"],
        "title": data["title"],
        "cost": data["cost"],
        "currency": data["currency"],
        "hours": data["hours"],
        "source": data["source"],
        "available_from": _day(data["available_from"]),
    }


def _trusted_exam(data: Mapping[str, Any]) -> Exam:
    return Exam.model_construct(
        **_item_fields(data), kind=data["kind"], retires=_day(data["retires"])
    )


def trusted_activity(data: Mapping[str, Any]) -> Activity:
    sessions = tuple(
        Session.model_construct(start=_day(s["start"]), end=_day(s["end"]), cost=s["cost"])
        for s in data["sessions"]
    )
    return Activity.model_construct(
        **_item_fields(data),
        type=data["type"],
        credits=data["credits"],
        expires=_day(data["expires"]),
        sessions=sessions,
    )


def session_key(item_id: str, number: int) -> str:
    return f"{item_id}#session{number}"  # "#" never occurs in an id


# -- rules across fields -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Parts:
    """What the rules across fields look at; ``None`` for a part that is not valid.

    ``all_exams`` says whether every exam is among ``exams`` (a rule about the kinds offered needs
    them all); ``tiers`` is ``None`` unless every tier is valid.
    """

    currency: str | None
    exchange_rates: Mapping[str, float] | None
    rates_as_of_given: bool
    tiers: Mapping[str, Tier] | None
    exams: Sequence[tuple[int, Exam]]
    all_exams: bool
    activities: Sequence[tuple[int, Activity]]
    ids: Sequence[tuple[str, int, str]]
    """``(section, index, id)`` of every entry whose id is valid, valid entry or not: a
    duplicate id is a problem of its own, whatever else is wrong with the entry."""
    mended: Sequence[tuple[str, int, Activity | Exam]] = ()
    """Entries with problems of their own, their bad fields left out or set to a harmless
    stand-in: the rules within an item (dates in order, sessions, currency) still apply to
    what is right in them, with the stand-ins breaking none."""

    @classmethod
    def of(cls, catalog: Catalog) -> _Parts:
        """The parts of a catalogue whose fields are all valid."""
        return cls(
            currency=catalog.currency,
            exchange_rates=catalog.exchange_rates,
            rates_as_of_given=catalog.rates_as_of is not None,
            tiers=catalog.tiers,
            exams=list(enumerate(catalog.exams)),
            all_exams=True,
            activities=list(enumerate(catalog.activities)),
            ids=[
                (section, index, item.id)
                for section, items in (("exams", catalog.exams), ("activities", catalog.activities))
                for index, item in enumerate(items)
            ],
        )


def _broken_rules(parts: _Parts, cents: dict[str, int]) -> list[BrokenRule]:
    """Every rule across fields that ``parts`` break; fills ``cents`` with the items' costs."""
    broken: list[BrokenRule] = []
    if parts.exchange_rates and not parts.rates_as_of_given:
        broken.append(BrokenRule(("rates_as_of",), "is required when exchange_rates is given"))
    broken.extend(_kind_rules(parts))
    broken.extend(_item_rules(parts, cents))
    return broken


def _kind_rules(parts: _Parts) -> Iterator[BrokenRule]:
    """Paths name only kinds some exam has, and every exam's kind is named by some path."""
    if parts.tiers is None:
        return
    offered = {exam.kind for _, exam in parts.exams}
    named = {kind for tier in parts.tiers.values() for path in tier.paths for kind in path.exams}
    if parts.all_exams:
        for name, tier in parts.tiers.items():
            for index, path in enumerate(tier.paths):
                for kind in sorted(set(path.exams) - offered):
                    yield BrokenRule(
                        ("tiers", name, "paths", index, "exams"),
                        f"names exam kind '{kind}' but no exam has that kind",
                        dict(path.exams),
                    )
    for index, exam in parts.exams:
        if exam.kind not in named:
            yield BrokenRule(("exams", index, "kind"), "is not named by any tier's path", exam.kind)


def _item_rules(parts: _Parts, cents: dict[str, int]) -> Iterator[BrokenRule]:
    """Unique ids, dates in order, currencies with rates, sessions; fills ``cents``."""
    first_use: dict[str, str] = {}
    for section, index, item_id in parts.ids:
        if item_id in first_use:
            yield BrokenRule(
                (section, index, "id"), f"duplicate id, first used by {first_use[item_id]}", item_id
            )
        else:
            first_use[item_id] = f"{section}[{index}]"
    every: list[tuple[str, int, Activity | Exam]] = [
        *(("exams", index, item) for index, item in parts.exams),
        *(("activities", index, item) for index, item in parts.activities),
        *parts.mended,
    ]
    for section, index, item in every:
        loc: tuple[str | int, ...] = (section, index)
        last = item.last_day
        if item.available_from and last and item.available_from > last:
            last_field = "expires" if isinstance(item, Activity) else "retires"
            yield BrokenRule(
                (*loc, "available_from"), f"is after {last_field} {last}", item.available_from
            )
        if isinstance(item, Activity):
            yield from session_rules(item, loc)
        rate = _rate_of(item, parts)
        if isinstance(rate, BrokenRule):
            yield BrokenRule((*loc, *rate.loc), rate.message, rate.value)
        elif rate is not None:  # None: the catalogue's own currency or rates are not valid
            yield from _costs(item, rate, loc, cents)


def _rate_of(item: Activity | Exam, parts: _Parts) -> float | BrokenRule | None:
    """The rate that converts the item's prices, a broken rule, or ``None`` if unknown."""
    if parts.currency is None or parts.exchange_rates is None:
        return None
    if item.currency is None or item.currency == parts.currency:
        return 1.0
    if item.currency not in parts.exchange_rates:
        return BrokenRule(("currency",), "has no entry in exchange_rates", item.currency)
    return parts.exchange_rates[item.currency]


def _costs(
    item: Activity | Exam, rate: float, loc: tuple[str | int, ...], cents: dict[str, int]
) -> Iterator[BrokenRule]:
    """Record the item's costs (and its sessions' own prices) in ``cents``."""
    priced: list[tuple[str, tuple[str | int, ...], float]] = [(item.id, (*loc, "cost"), item.cost)]
    if isinstance(item, Activity):
        for number, session in enumerate(item.sessions):
            if session.cost is not None:
                where = (*loc, "sessions", number, "cost")
                priced.append((session_key(item.id, number), where, session.cost))
    for key, where, cost in priced:
        amount = to_cents(cost, rate)
        if amount is None:
            yield BrokenRule(
                where,
                f"is too large: at most {describe(MAX_MONEY)} in the catalogue's currency",
                cost,
            )
        else:
            cents[key] = amount


def to_cents(cost: float, rate: float) -> int | None:
    """``cost * rate`` in cents, rounded half to even; ``None`` if it is too large."""
    amount = Decimal(repr(cost)) * Decimal(repr(rate)) * 100
    if not math.isfinite(float(amount)) or amount > MAX_MONEY * 100:
        return None
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def session_rules(item: Activity, loc: tuple[str | int, ...]) -> Iterator[BrokenRule]:
    """Sessions fall within the activity's dates and do not repeat each other's dates."""
    seen: dict[tuple[dt.date, dt.date], int] = {}
    for number, session in enumerate(item.sessions):
        where = (*loc, "sessions", number)
        if item.available_from and session.start < item.available_from:
            yield BrokenRule(
                (*where, "start"), f"is before available_from {item.available_from}", session.start
            )
        if item.expires and session.end > item.expires:
            yield BrokenRule((*where, "end"), f"is after expires {item.expires}", session.end)
        dates = (session.start, session.end)
        if dates in seen:
            yield BrokenRule(
                (*where, "start"),
                f"duplicate session: the same dates as sessions.{seen[dates]}",
                session.start,
            )
        else:
            seen[dates] = number


def broken_rules(data: Any) -> list[BrokenRule]:
    """The rules across fields broken by the parts of ``data`` that are valid on their own.

    :class:`Catalog` checks these rules only once all its fields are valid. For data that is not
    valid, this validates each tier, exam, activity and money field alone and runs the rules over
    the parts that passed; a rule that needs every tier, or every exam, is left out when one of
    them failed. Problems within fields are pydantic's to report.

    Examples
    --------
    >>> data = {"currency": "GBP", "tiers": {"pro": {"paths": [{"credits": 1}]}},
    ...         "activities": [{"id": "a", "title": "A", "type": "t", "credits": 1, "cost": -1},
    ...                        {"id": "b", "title": "B", "type": "t", "credits": 1, "cost": 5},
    ...                        {"id": "b", "title": "C", "type": "t", "credits": 1, "cost": 5}]}
    >>> [(rule.loc, rule.message) for rule in broken_rules(data)]
    [(('activities', 2, 'id'), 'duplicate id, first used by activities[1]')]
    """
    if not isinstance(data, Mapping):
        return []
    exams, all_exams = _valid_items(Exam, data.get("exams", ()))
    activities, _ = _valid_items(Activity, data.get("activities", ()))
    mended: list[tuple[str, int, Activity | Exam]] = [
        *(("exams", index, exam) for index, exam in _mended_items(Exam, data.get("exams"))),
        *(
            ("activities", index, activity)
            for index, activity in _mended_items(Activity, data.get("activities"))
        ),
    ]
    parts = _Parts(
        currency=_valid_field("currency", data),
        exchange_rates=_valid_field("exchange_rates", data),
        rates_as_of_given=data.get("rates_as_of") is not None,
        tiers=_valid_tiers(data.get("tiers")),
        exams=exams,
        all_exams=all_exams,
        activities=activities,
        ids=[
            (section, index, entry["id"])
            for section in ("exams", "activities")
            for index, entry in enumerate(_entries(data.get(section)))
            if isinstance(entry.get("id"), str) and re.fullmatch(ID_PATTERN, entry["id"])
        ],
        mended=mended,
    )
    return _broken_rules(parts, {})


def _entries(raw: Any) -> list[Mapping[str, Any]]:
    """The entries of a section that are mappings (a list of anything else has no ids)."""
    if not isinstance(raw, list | tuple):
        return []
    return [entry if isinstance(entry, Mapping) else {} for entry in raw]


_ItemT = TypeVar("_ItemT", Activity, Exam)

_STAND_INS: dict[str, Any] = {
    "id": "stand-in",
    "title": "stand-in",
    "type": "stand-in",
    "kind": "stand-in",
    "credits": 1,
    "cost": 0,
}
"""Harmless values for required fields that are wrong; wrong optional fields are left out."""


def _mended_items(model: type[_ItemT], raw: Any) -> list[tuple[int, _ItemT]]:
    """The entries of ``raw`` not valid as ``model``, mended, by index.

    Each wrong field is set to a stand-in (required) or left out (optional), where that makes
    the entry valid; what is left is checked by the rules within an item.
    """
    mended: list[tuple[int, _ItemT]] = []
    for index, entry in enumerate(_entries(raw)):
        try:
            model.model_validate(entry)
            continue
        except ValidationError as exc:
            wrong = {error["loc"][0] for error in exc.errors() if error["loc"]}
        patched = {key: value for key, value in entry.items() if key not in wrong}
        patched.update({key: _STAND_INS[key] for key in wrong if key in _STAND_INS})
        try:
            mended.append((index, model.model_validate(patched)))
        except ValidationError:
            pass
    return mended


def _valid_items(model: type[_ItemT], raw: Any) -> tuple[list[tuple[int, _ItemT]], bool]:
    """The entries of ``raw`` valid as ``model``, by index, and whether all of them are."""
    if not isinstance(raw, list | tuple):
        return [], False
    valid: list[tuple[int, _ItemT]] = []
    for index, entry in enumerate(raw):
        try:
            valid.append((index, model.model_validate(entry)))
        except ValidationError:
            pass
    return valid, len(valid) == len(raw)


def _valid_tiers(raw: Any) -> Mapping[str, Tier] | None:
    """Every tier of ``raw``, validated; ``None`` if any of them (or ``raw``) is not valid."""
    if not isinstance(raw, Mapping) or not all(isinstance(name, str) for name in raw):
        return None
    try:
        return {name: Tier.model_validate(tier) for name, tier in _default_labels(raw).items()}
    except ValidationError:
        return None


def _valid_field(name: str, data: Mapping[str, Any]) -> Any:
    """The field ``name`` of ``data`` validated as :class:`Catalog` would, or ``None``."""
    info = Catalog.model_fields[name]
    if name not in data:
        return info.get_default(call_default_factory=True)
    try:
        return _field_adapter(name).validate_python(data[name])
    except ValidationError:
        return None


@functools.cache
def _field_adapter(name: str) -> TypeAdapter[Any]:
    """A validator of one :class:`Catalog` field on its own, with the models' own settings."""
    info = Catalog.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    return TypeAdapter(annotation, config=_Model.model_config)
