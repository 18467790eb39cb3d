"""The catalogue: tiers, their renewal paths, and the activities and exams that can be bought.

These are validated, immutable pydantic models for schemas 1 and 2 of ``catalog.yaml`` (see the
README's "Catalogue format" sections). Reading files lives in :mod:`ceplan.catalogue.loading`; this
module only validates data.

Schema 2 (SPEC 9) adds credit categories, per-path minimums and maximums by category, caps, a
credit step, yearly minimums, fees, tiers renewing others and activities that split their credits
across categories or count toward named tiers. Each key it adds is listed in its model's
``SCHEMA_2_KEYS``; a schema 1 catalogue that gives one is refused (the key "needs schema: 2"),
and a model whose schema 2 fields hold their defaults means exactly what schema 1 means and is
written out without them.

Rules within one field or one item are pydantic's, and it reports all of them at once. Rules across
fields and items (unique ids, dates in order, exam kinds that paths and exams agree on, currencies
with rates, sessions within their activity's dates, and schema 2's, which
:mod:`ceplan.catalogue.rules` holds: known categories and tiers, splits within their credits,
minimums within their path, no ``renews`` cycle, figures in whole credit steps) are checked
together by :func:`_broken_rules`, which collects every broken one: :class:`Catalog` runs it once
its fields are valid, and :func:`broken_rules` runs it over the parts of invalid data that are
valid on their own, so that a loader can report every problem of a file in one go.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, Literal, TypeVar, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WrapSerializer,
    model_serializer,
    model_validator,
)

from ceplan.catalogue.rules import (
    BrokenRule,
    CatalogRuleError,
    Schema2Names,
    activity_rules,
    renewal_cycles,
    tier_rules,
)
from ceplan.limits import (
    MAX_CREDITS,
    MAX_HOURS,
    MAX_MONEY,
    MAX_PROCESSING_DAYS,
    MIN_CREDIT_STEP,
    describe,
)
from ceplan.units import format_number, plain_number, quantity

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

__all__ = [
    "Activity",
    "Caps",
    "Catalog",
    "CatalogPart",
    "Category",
    "Counted",
    "Exam",
    "Fee",
    "FrozenMap",
    "PathRule",
    "PerYear",
    "Session",
    "Tier",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
TIER_PATTERN = r"^[a-z][a-z0-9_-]*$"
KIND_PATTERN = r"^[a-z][a-z0-9_-]*$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"


_NOT_A_DATE = "is not a date in YYYY-MM-DD form"
UNKNOWN_SCHEMA = "unknown schema: this ceplan reads schemas 1 and 2"
NEEDS_SCHEMA_2 = "needs schema: 2 (this catalogue says schema: 1)"
SCHEMAS = (1, 2)
"""The catalogue schemas this ceplan reads."""


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only mapping that hashes like the set of its items.

    Schema 2's mappings (a path's ``min``, an activity's ``categories``...) are held so, and so
    are the exams a path asks for, so that the models holding them stay hashable.

    Examples
    --------
    >>> split = FrozenMap({"group-a": 1.0})
    >>> split["group-a"], split == {"group-a": 1.0}, hash(split) == hash(FrozenMap(split))
    (1.0, True, True)
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        object.__setattr__(self, "_items", dict(items))

    _items: dict[K, V]

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._items == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a FrozenMap cannot be changed")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._items,))

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


EMPTY: FrozenMap[Any, Any] = FrozenMap()


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


def _frozen(value: dict[Any, Any]) -> Mapping[Any, Any]:
    """A validated dict as a :class:`FrozenMap` (hashable, for the models that hash)."""
    return FrozenMap(value)


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
    """Refuse what is not an ``int`` (``True == 1`` and ``1.0 == 1``, but neither is schema 1)."""
    if type(value) is not int:
        raise ValueError("unknown schema: this ceplan reads schema 1")
    return value


def _catalog_schema(value: Any) -> Any:
    if type(value) is not int or value not in SCHEMAS:
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
TierName = Annotated[str, StringConstraints(pattern=TIER_PATTERN)]
CategoryName = Annotated[str, StringConstraints(pattern=TIER_PATTERN, max_length=50)]
ByCategory = Annotated[
    Mapping[CategoryName, PathCredits], AfterValidator(_frozen), WrapSerializer(_thaw)
]
"""Credits by category (a path's ``min`` or ``max``, an activity's split), each 0 or more."""


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
        populate_by_name=True,
        defer_build=True,
    )


class _Schema2(_Model):
    """A model with keys that only schema 2 has (:attr:`SCHEMA_2_KEYS`).

    Such a key holding its default is left out when the model is written out, so that a schema
    1 catalogue writes out (and reads back) as it always did.
    """

    SCHEMA_2_KEYS: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _without_defaults(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in self.SCHEMA_2_KEYS:
                if getattr(self, name) == _default_of(type(self), name):
                    data.pop(name, None)
        return data


@functools.cache
def _default_of(model: type[BaseModel], name: str) -> Any:
    return model.model_fields[name].get_default(call_default_factory=True)


class PathRule(_Schema2):
    """One way to renew a tier: enough credits plus, per exam kind, enough passed exams.

    Schema 2 adds, by category, the least credits the path needs in it (``min``) and the most
    that count toward its total (``max``).

    Examples
    --------
    >>> PathRule(credits=40, exams={"professional": 1}).describe()
    '40 credits + 1 professional exam'
    >>> PathRule(credits=120, min={"group-a": 90}, max={"group-b": 30}).describe()
    '120 credits (group-a at least 90, group-b at most 30)'
    """

    SCHEMA_2_KEYS: ClassVar[tuple[str, ...]] = ("min", "max")

    credits: PathCredits = 0
    exams: Annotated[
        Mapping[Kind, Annotated[int, Field(ge=1)]], AfterValidator(_frozen), WrapSerializer(_thaw)
    ] = Field(default_factory=lambda: EMPTY)
    min: ByCategory = Field(default_factory=lambda: EMPTY)
    """Per category: at least this many of the credits that count must be in it."""
    max: ByCategory = Field(default_factory=lambda: EMPTY)
    """Per category: credits in it above this do not count toward the total."""

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
        words = " + ".join(parts)
        bounds = [
            f"{name} {word} {format_number(amount)}"
            for name in sorted({*self.min, *self.max})
            for word, bound in (("at least", self.min), ("at most", self.max))
            if (amount := bound.get(name)) is not None
        ]
        return f"{words} ({', '.join(bounds)})" if bounds else words

    def to_dict(self) -> dict[str, Any]:
        """The path as in the JSON output: ``{"credits": 40, "exams": {"professional": 1}}``.

        A schema 2 path with ``min`` or ``max`` has them too, by category.
        """
        data: dict[str, Any] = {
            "credits": plain_number(self.credits),
            "exams": dict(sorted(self.exams.items())),
        }
        for name in ("min", "max"):
            bound: Mapping[str, float] = getattr(self, name)
            if bound:
                data[name] = {key: plain_number(value) for key, value in sorted(bound.items())}
        return data

    @property
    def categories_used(self) -> frozenset[str]:
        """The categories the path's ``min`` and ``max`` name."""
        return frozenset({*self.min, *self.max})


class Category(_Model):
    """A named credit category (schema 2), e.g. ISC2's Group A.

    In a catalogue, ``label`` may be left out: it is then the category's own name.
    """

    label: Text
    source: str | None = None


class PerYear(_Model):
    """The least credits each year of the cycle needs (schema 2).

    ``hard: true`` makes it a rule of the plan; ``hard: false`` a target the plan warns about.
    """

    credits: Credits
    hard: bool


class Caps(_Model):
    """The most credits that count toward a tier (schema 2)."""

    per_activity: PathCredits | None = None
    """From any single activity."""
    by_type: Annotated[
        Mapping[Text, PathCredits], AfterValidator(_frozen), WrapSerializer(_thaw)
    ] = Field(default_factory=lambda: EMPTY)
    """From all activities of a type (the activity's ``type``, exactly), per cycle."""

    def of_type(self, kind: str) -> float | None:
        """The cap on the credits from activities of type ``kind``, or ``None`` if none."""
        return self.by_type.get(kind)


class Fee(_Model):
    """A fee paid to renew (schema 2), part of a plan's cost.

    ``per`` says when: ``year`` (each year of the cycle), ``renewal`` (once per renewal) or
    ``member-year`` (once a year, whatever the person holds of the catalogue).
    """

    amount: NonNegative
    per: Literal["year", "renewal", "member-year"]
    currency: Currency | None = None
    source: str | None = None


class Tier(_Schema2):
    """A certification level and its alternative renewal paths.

    In a catalogue, ``label`` may be left out: it is then the tier's own name (``associate``).
    Schema 2 adds how its cycle runs, yearly minimums, caps, fees, the tiers it renews and the
    source of its rules.
    """

    SCHEMA_2_KEYS: ClassVar[tuple[str, ...]] = (
        "cycle",
        "per_year",
        "caps",
        "fees",
        "renews",
        "source",
    )

    label: Text
    period_years: Annotated[int, Field(ge=1, le=100)] = 3
    paths: Annotated[tuple[PathRule, ...], Field(min_length=1, strict=False)]
    cycle: Literal["award", "calendar"] = "award"
    """``award``: cycle years run back from the expiry; ``calendar``: calendar years."""
    per_year: PerYear | None = None
    caps: Caps = Field(default_factory=Caps)
    fees: Annotated[tuple[Fee, ...], Field(strict=False)] = ()
    renews: Annotated[tuple[TierName, ...], Field(strict=False)] = ()
    """The tiers renewing this one also renews (their dates realigned to this one's)."""
    source: str | None = None

    @property
    def categories_used(self) -> frozenset[str]:
        """The categories any of its paths' ``min`` or ``max`` names.

        Examples
        --------
        >>> tier = Tier(label="T", paths=[{"credits": 10, "min": {"a": 5}}, {"credits": 20}])
        >>> sorted(tier.categories_used)
        ['a']
        """
        return frozenset(name for path in self.paths for name in path.categories_used)

    def counted(self, activity: Activity) -> Counted:
        """The most credits of ``activity`` that count toward this tier, after ``per_activity``.

        This is the activity's own bound only: ``max``, ``by_type`` and whether the activity
        counts for the tier at all (:meth:`Catalog.counted`) are rules over several items or
        names, for the planner.

        Examples
        --------
        >>> tier = Tier(label="T", paths=[{"credits": 60}], caps={"per_activity": 40})
        >>> course = Activity(id="c", title="C", type="course", credits=50, cost=0,
        ...                   categories={"group-a": 45, "group-b": 5})
        >>> tier.counted(course)
        Counted(total=40.0, categories=FrozenMap({'group-a': 40.0, 'group-b': 5.0}))
        """
        total = activity.credits
        cap = self.caps.per_activity
        if cap is not None and cap < total:
            total = cap
        parts = {name: min(part, total) for name, part in activity.categories.items()}
        return Counted(total, FrozenMap(parts))


@dataclasses.dataclass(frozen=True)
class Counted:
    """The most credits of one activity that count toward one tier.

    At most :attr:`total` count toward the tier's total, of which at most
    ``categories[name]`` in category ``name`` (each at most :attr:`total`). Which of an
    activity's credits count is the person's to claim: a plan counts any amounts within these
    bounds (their sum within :attr:`total`), credits in no category counting toward the total
    only. For an activity that does not count toward the tier, everything is 0.
    """

    total: float
    categories: FrozenMap[str, float] = EMPTY


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


class Activity(_Item, _Schema2):
    """Something that earns CE credits: a course, videos, a webinar, an event session...

    An activity with ``sessions`` runs only on those dates, and a plan picks at most one.
    Schema 2 adds how its credits split across categories (``categories``; the rest counts
    toward totals only) and the tiers it counts toward (``counts_for``; ``None``: every tier).
    """

    SCHEMA_2_KEYS: ClassVar[tuple[str, ...]] = ("categories", "counts_for")

    type: Text
    credits: Credits
    expires: Date | None = None
    sessions: Annotated[tuple[Session, ...], Field(strict=False)] = ()
    categories: ByCategory = Field(default_factory=lambda: EMPTY)
    counts_for: Annotated[tuple[TierName, ...], Field(min_length=1, strict=False)] | None = None

    @property
    def last_day(self) -> dt.date | None:
        """The last day the activity can be completed for credit."""
        return self.expires

    def counts_toward(self, tier: str) -> bool:
        """Whether the activity counts toward the tier called ``tier`` (``counts_for``)."""
        return self.counts_for is None or tier in self.counts_for


class Exam(_Item):
    """An exam; passing it counts towards paths that ask for exams of its ``kind``."""

    kind: Kind
    retires: Date | None = None

    @property
    def last_day(self) -> dt.date | None:
        """The last day the exam can be taken."""
        return self.retires


@dataclasses.dataclass(frozen=True)
class CatalogPart:
    """One catalogue of a combination (:func:`ceplan.combine_catalogs`): what stays its own.

    ``name`` is how problems name its file; ``prefix`` the word that qualifies its ids and
    categories where another part uses the same ones; ``ids`` its activities' and exams' ids and
    ``categories`` its categories' names, as the combination names them (``categories`` maps
    its own name to that one). Its tiers' rules keep its processing days, schema, sharing and
    membership fees (the README's "Certifications from several bodies").
    """

    name: str
    prefix: str
    programme: str
    schema: int
    currency: str
    processing_days: int
    shares_credits: bool
    tiers: tuple[str, ...]
    ids: frozenset[str]
    categories: Mapping[str, str]
    renamed: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Its ids qualified by :attr:`prefix` in the combination: its own id -> the new one."""


class Catalog(_Schema2):
    """A whole renewal programme: its tiers and what can be bought to meet them.

    Costs of items priced in another currency are converted to :attr:`currency` with
    :attr:`exchange_rates` and rounded to cents; :meth:`cost_of` gives the converted cost, and
    :meth:`fee_cents` a tier's fee's.
    """

    SCHEMA_2_KEYS: ClassVar[tuple[str, ...]] = ("credit_step", "categories", "shares_credits")

    schema_: Annotated[Literal[1, 2], BeforeValidator(_catalog_schema)] = Field(alias="schema")
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
    credit_step: Annotated[float, Field(ge=MIN_CREDIT_STEP, le=MAX_CREDITS)] | None = None
    """Schema 2: credits are counted in these steps; every credit figure is a whole number of
    them (``None``: any amount)."""
    categories: Annotated[
        Mapping[CategoryName, Category],
        BeforeValidator(_default_labels),
        AfterValidator(_frozen),
        WrapSerializer(_thaw),
    ] = Field(default_factory=lambda: EMPTY)
    """Schema 2: the credit categories that paths and activities name."""
    shares_credits: bool = False
    """Schema 2: whether one activity counts toward each tier a person holds that it counts
    for (``True``), or each credit toward one tier only (``False``, Cisco's rule)."""

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
    _parts: tuple[CatalogPart, ...] = PrivateAttr(default=())
    """The catalogues combined into this one (:mod:`ceplan.catalogue.combine`), else none."""

    @property
    def parts(self) -> tuple[CatalogPart, ...]:
        """The catalogues this one combines, in order; ``()`` for a catalogue of one file.

        See :func:`ceplan.combine_catalogs`.
        """
        return self._parts

    def part_of(self, tier: str) -> CatalogPart | None:
        """The part whose tier ``tier`` is, or ``None`` in a catalogue of one file."""
        return next((part for part in self._parts if tier in part.tiers), None)

    def part_of_item(self, item_id: str) -> CatalogPart | None:
        """The part whose activity or exam ``item_id`` is, or ``None`` in one file's catalogue."""
        return next((part for part in self._parts if item_id in part.ids), None)

    def same_programme(self, first: str, second: str) -> bool:
        """Whether the tiers ``first`` and ``second`` are of one programme.

        Always in a catalogue of one file; in a combination, when one part holds both.

        Examples
        --------
        >>> catalog = Catalog.model_validate({"schema": 2, "programme": "P", "currency": "USD",
        ...     "tiers": {"x": {"paths": [{"credits": 9}]}, "y": {"paths": [{"credits": 9}]}}})
        >>> catalog.same_programme("x", "y")
        True
        """
        return self.part_of(first) is self.part_of(second)

    def processing_days_of(self, tier: str) -> int:
        """The processing days of ``tier``'s programme (its part's, in a combination)."""
        part = self.part_of(tier)
        return self.processing_days if part is None else part.processing_days

    def schema_of(self, tier: str) -> int:
        """The schema ``tier``'s rules were written in (its part's, in a combination).

        A schema 1 (Cisco) tier's cycle restarts on the day it is renewed; a schema 2 tier's
        follows the cycle that ends (SPEC 6 and 9).
        """
        part = self.part_of(tier)
        return self.schema_ if part is None else part.schema

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
        categories = data.get("categories", {})
        catalog = cls.model_construct(
            schema_=data["schema"],
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
            credit_step=data.get("credit_step"),
            categories=FrozenMap(
                {name: Category.model_construct(**value) for name, value in categories.items()}
            ),
            shares_credits=data.get("shares_credits", False),
        )
        catalog._apply_rules(trusted=True)
        return catalog

    @model_validator(mode="after")
    def _check_rules(self) -> Catalog:
        self._apply_rules()
        return self

    def _apply_rules(self, *, trusted: bool = False) -> None:
        """Check the rules across fields; keep each item by id and its cost in cents.

        ``trusted``: the catalogue was rebuilt from a valid one's dump, whose models say
        nothing of which keys its file gave (see :meth:`from_trusted`).
        """
        cents: dict[str, int] = {}
        broken = _broken_rules(_Parts.of(self, keys_given=not trusted), cents)
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

    @property
    def schema_version(self) -> int:
        """The schema the catalogue is written in: 1 or 2."""
        return self.schema_

    def fee_cents(self, tier: str, number: int) -> int:
        """The amount of fee ``number`` of tier ``tier``, in cents of the catalogue currency.

        ``KeyError`` if the tier has no such fee.

        Examples
        --------
        >>> catalog = Catalog.model_validate({"schema": 2, "programme": "P", "currency": "GBP",
        ...     "exchange_rates": {"USD": 0.79}, "rates_as_of": "2026-11-01",
        ...     "tiers": {"t": {"paths": [{"credits": 1}],
        ...                     "fees": [{"amount": 135, "per": "year", "currency": "USD"}]}}})
        >>> catalog.fee_cents("t", 0)
        10665
        """
        return self._cents[fee_key(tier, number)]

    def renewed_by(self, tier: str) -> frozenset[str]:
        """The tiers that renewing ``tier`` also renews: its ``renews``, theirs, and so on.

        Never ``tier`` itself (a catalogue's ``renews`` has no cycle). ``KeyError`` for an
        unknown tier.

        Examples
        --------
        >>> paths = [{"credits": 1}]
        >>> catalog = Catalog.model_validate({"schema": 2, "programme": "P", "currency": "USD",
        ...     "tiers": {"x": {"paths": paths, "renews": ["y"]},
        ...               "y": {"paths": paths, "renews": ["z"]}, "z": {"paths": paths}}})
        >>> sorted(catalog.renewed_by("x")), sorted(catalog.renewed_by("z"))
        (['y', 'z'], [])
        """
        closure: Mapping[str, frozenset[str]] = self.derived("renewed_by", _renewal_closure)
        return closure[tier]

    def counted(self, activity: Activity, tier: str) -> Counted:
        """The most credits of ``activity`` that count toward the tier called ``tier``.

        Nothing when the activity does not count for the tier (``counts_for``), else
        :meth:`Tier.counted`: its credits up to the tier's ``per_activity`` cap, and within them
        its split by category.

        Examples
        --------
        >>> catalog = Catalog.model_validate({"schema": 2, "programme": "P", "currency": "USD",
        ...     "tiers": {"x": {"paths": [{"credits": 9}]}, "y": {"paths": [{"credits": 9}]}},
        ...     "activities": [{"id": "a", "title": "A", "type": "t", "credits": 2, "cost": 0,
        ...                     "counts_for": ["x"]}]})
        >>> catalog.counted(catalog.activities[0], "x").total
        2.0
        >>> catalog.counted(catalog.activities[0], "y")
        Counted(total=0.0, categories=FrozenMap({}))
        """
        rule = self.tiers[tier]
        if not activity.counts_toward(tier):
            return Counted(0.0)
        return rule.counted(activity)

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


_M = TypeVar("_M", bound=BaseModel)


def made(model: type[_M], values: dict[str, Any]) -> _M:
    """A ``model`` of ``values`` (every field, in order) known to be valid, not validated again.

    What :meth:`pydantic.BaseModel.model_construct` does for a model without private attributes
    (every field given, so every field set), without its general-purpose work: the cache makes
    a model of each path, tier and item, and the table one of each activity read.
    """
    instance = model.__new__(model)
    setattr_ = object.__setattr__
    setattr_(instance, "__dict__", values)
    setattr_(instance, "__pydantic_fields_set__", set(values))
    setattr_(instance, "__pydantic_extra__", None)
    setattr_(instance, "__pydantic_private__", None)
    return instance


_NO_CAPS = Caps()


def _trusted_tier(data: Mapping[str, Any]) -> Tier:
    paths = tuple(
        made(
            PathRule,
            {
                "credits": path["credits"],
                "exams": FrozenMap(path["exams"]),
                "min": FrozenMap(path["min"]) if "min" in path else EMPTY,
                "max": FrozenMap(path["max"]) if "max" in path else EMPTY,
            },
        )
        for path in data["paths"]
    )
    caps = data.get("caps")
    per_year = data.get("per_year")
    values = {
        "label": data["label"],
        "period_years": data["period_years"],
        "paths": paths,
        "cycle": data.get("cycle", "award"),
        "per_year": None if per_year is None else made(PerYear, dict(per_year)),
        "caps": _NO_CAPS
        if caps is None
        else made(
            Caps,
            {
                "per_activity": caps.get("per_activity"),
                "by_type": FrozenMap(caps.get("by_type", {})),
            },
        ),
        "fees": tuple(made(Fee, dict(fee)) for fee in data.get("fees", ())),
        "renews": tuple(data.get("renews", ())),
        "source": data.get("source"),
    }
    return made(Tier, values)


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
    values = _item_fields(data)
    values.update(kind=data["kind"], retires=_day(data["retires"]))
    return made(Exam, values)


def trusted_activity(data: Mapping[str, Any]) -> Activity:
    sessions = tuple(
        made(Session, {"start": _day(s["start"]), "end": _day(s["end"]), "cost": s["cost"]})
        for s in data["sessions"]
    )
    counts_for = data.get("counts_for")
    values = _item_fields(data)
    values.update(
        type=data["type"],
        credits=data["credits"],
        expires=_day(data["expires"]),
        sessions=sessions,
        categories=FrozenMap(data["categories"]) if "categories" in data else EMPTY,
        counts_for=None if counts_for is None else tuple(counts_for),
    )
    return made(Activity, values)


def session_key(item_id: str, number: int) -> str:
    return f"{item_id}#session{number}"  # "#" never occurs in an id


def fee_key(tier: str, number: int) -> str:
    """The key of a tier's fee among a catalogue's costs in cents."""
    return f"{tier}#fee{number}"  # "#" occurs in neither ids nor tier names


def _renewal_closure(catalog: Catalog) -> Mapping[str, frozenset[str]]:
    """For each tier, every tier renewing it renews (its ``renews``, followed)."""
    closure: dict[str, frozenset[str]] = {}
    for name in catalog.tiers:
        seen: set[str] = set()
        stack = list(catalog.tiers[name].renews)
        while stack:
            other = stack.pop()
            if other not in seen:
                seen.add(other)
                stack.extend(catalog.tiers[other].renews)
        closure[name] = frozenset(seen - {name})
    return closure


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
    schema: int | None = 1
    """The schema number, ``None`` if it is not one ceplan reads (or missing)."""
    schema_2_keys: Sequence[tuple[str | int, ...]] = ()
    """Where schema 2's keys were given (each location ends with the key)."""
    names: Schema2Names = dataclasses.field(default_factory=lambda: Schema2Names(EMPTY, EMPTY))
    valid_tiers: Mapping[str, Tier] = EMPTY
    """Each tier that is valid on its own (every tier, when ``tiers`` is not ``None``)."""

    @classmethod
    def of(cls, catalog: Catalog, *, keys_given: bool = True) -> _Parts:
        """The parts of a catalogue whose fields are all valid.

        ``keys_given``: the models' fields set are the keys their file gave.
        """
        given: list[tuple[str | int, ...]] = []
        if catalog.schema_ == 1 and keys_given:
            given = list(
                _schema_2_keys(
                    catalog.model_fields_set,
                    {
                        name: (
                            tier.model_fields_set,
                            [path.model_fields_set for path in tier.paths],
                        )
                        for name, tier in catalog.tiers.items()
                    },
                    [activity.model_fields_set for activity in catalog.activities],
                )
            )
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
            schema=catalog.schema_,
            schema_2_keys=given,
            names=Schema2Names(catalog.categories, catalog.tiers, catalog.credit_step),
            valid_tiers=catalog.tiers,
        )


def _schema_2_keys(
    top: Iterable[str],
    tiers: Mapping[str, tuple[Iterable[str], Sequence[Iterable[str]]]],
    activities: Sequence[Iterable[str]],
) -> Iterator[tuple[str | int, ...]]:
    """Where schema 2's keys are among the keys given, at the top, in tiers and activities.

    ``tiers`` gives, by name, a tier's keys and each of its paths'.
    """
    for key in Catalog.SCHEMA_2_KEYS:
        if key in top:
            yield (key,)
    for name, (keys, paths) in tiers.items():
        yield from (("tiers", name, key) for key in Tier.SCHEMA_2_KEYS if key in keys)
        for number, path in enumerate(paths):
            yield from (
                ("tiers", name, "paths", number, key)
                for key in PathRule.SCHEMA_2_KEYS
                if key in path
            )
    for index, keys in enumerate(activities):
        yield from (("activities", index, key) for key in Activity.SCHEMA_2_KEYS if key in keys)


def _broken_rules(parts: _Parts, cents: dict[str, int]) -> list[BrokenRule]:
    """Every rule across fields that ``parts`` break; fills ``cents`` with the items' costs."""
    broken: list[BrokenRule] = []
    if parts.exchange_rates and not parts.rates_as_of_given:
        broken.append(BrokenRule(("rates_as_of",), "is required when exchange_rates is given"))
    broken.extend(_kind_rules(parts))
    broken.extend(_item_rules(parts, cents))
    if parts.schema == 1:
        broken.extend(BrokenRule(loc, NEEDS_SCHEMA_2) for loc in parts.schema_2_keys)
    else:
        for name, tier in parts.valid_tiers.items():
            broken.extend(tier_rules(name, tier, parts.names))
            broken.extend(_fee_rules(name, tier, parts, cents))
        broken.extend(renewal_cycles(parts.valid_tiers))
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
            if parts.schema != 1:
                yield from activity_rules(
                    item.credits, item.categories, item.counts_for, loc, parts.names
                )
        rate = _rate_of(item, parts)
        if isinstance(rate, BrokenRule):
            yield BrokenRule((*loc, *rate.loc), rate.message, rate.value)
        elif rate is not None:  # None: the catalogue's own currency or rates are not valid
            yield from _costs(item, rate, loc, cents)


def _rate_of(item: Activity | Exam | Fee, parts: _Parts) -> float | BrokenRule | None:
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


def _fee_rules(name: str, tier: Tier, parts: _Parts, cents: dict[str, int]) -> Iterator[BrokenRule]:
    """A tier's fees: currencies with rates, amounts in range; fills ``cents`` with them."""
    where: tuple[str | int, ...] = ("tiers", name)
    for number, fee in enumerate(tier.fees):
        loc = (*where, "fees", number)
        rate = _rate_of(fee, parts)
        if isinstance(rate, BrokenRule):
            yield BrokenRule((*loc, *rate.loc), rate.message, rate.value)
        elif rate is not None:
            amount = to_cents(fee.amount, rate)
            if amount is None:
                yield BrokenRule(
                    (*loc, "amount"),
                    f"is too large: at most {describe(MAX_MONEY)} in the catalogue's currency",
                    fee.amount,
                )
            else:
                cents[fee_key(name, number)] = amount


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
    schema = data.get("schema")
    raw_tiers = data.get("tiers")
    tier_names = None
    if isinstance(raw_tiers, Mapping) and all(isinstance(name, str) for name in raw_tiers):
        tier_names = frozenset(raw_tiers)
    parts = _Parts(
        currency=_valid_field("currency", data),
        exchange_rates=_valid_field("exchange_rates", data),
        rates_as_of_given=data.get("rates_as_of") is not None,
        tiers=_valid_tiers(raw_tiers),
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
        schema=schema if type(schema) is int and schema in SCHEMAS else None,
        schema_2_keys=list(_raw_schema_2_keys(data)) if schema == 1 else [],
        names=Schema2Names(
            categories=_valid_field("categories", data),
            tiers=tier_names,
            credit_step=_valid_field("credit_step", data),
        ),
        valid_tiers=_each_valid_tier(raw_tiers),
    )
    return _broken_rules(parts, {})


def _raw_schema_2_keys(data: Mapping[str, Any]) -> Iterator[tuple[str | int, ...]]:
    """Where schema 2's keys are in plain catalogue data."""

    def keys(value: Any) -> Iterable[str]:
        return value.keys() if isinstance(value, Mapping) else ()

    tiers = data.get("tiers")
    raw_tiers = tiers if isinstance(tiers, Mapping) else {}
    return _schema_2_keys(
        data.keys(),
        {
            name: (keys(tier), [keys(path) for path in _entries(keys(tier) and tier.get("paths"))])
            for name, tier in raw_tiers.items()
        },
        [entry.keys() for entry in _entries(data.get("activities"))],
    )


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


def _each_valid_tier(raw: Any) -> Mapping[str, Tier]:
    """Each tier of ``raw`` that is valid on its own, validated."""
    if not isinstance(raw, Mapping):
        return {}
    valid: dict[str, Tier] = {}
    for name, tier in _default_labels(raw).items():
        if not isinstance(name, str) or not re.fullmatch(TIER_PATTERN, name):
            continue
        try:
            valid[name] = Tier.model_validate(tier)
        except ValidationError:
            pass
    return valid


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
