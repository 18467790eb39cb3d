"""The catalogue: tiers, their renewal paths, and the activities and exams that can be bought.

These are validated, immutable pydantic models for schema 1 of ``catalog.yaml`` (see the README's
"Catalogue format"). Reading files lives in :mod:`ceplan.loading`; this module only validates data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    WrapSerializer,
    model_validator,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Activity", "Catalog", "Exam", "PathRule", "Session", "Tier"]

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
TIER_PATTERN = r"^[a-z][a-z0-9_-]*$"
KIND_PATTERN = r"^[a-z][a-z0-9_-]*$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"


class CatalogRuleError(ValueError):
    """A rule across fields was broken; ``loc`` says where, like a pydantic error location."""

    def __init__(self, message: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.loc = loc


def _iso_date(value: Any) -> Any:
    """Accept a date or an ISO ``YYYY-MM-DD`` string; refuse numbers and datetimes."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form") from None
    raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form")


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# Read-only mappings: validated as dicts, kept as mapping proxies, written out as dicts.
def _freeze(value: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(value)


def _thaw(value: Mapping[Any, Any], handler: Any) -> Any:
    return handler(dict(value))


def _schema_number(value: Any) -> Any:
    if type(value) is not int:  # True == 1 and 1.0 == 1, but neither is schema 1
        raise ValueError(f"unknown schema {value!r}: this ceplan reads schema 1")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date)]
Text = Annotated[str, AfterValidator(_non_blank)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=200)]
Kind = Annotated[str, StringConstraints(pattern=KIND_PATTERN, max_length=50)]
Currency = Annotated[str, StringConstraints(pattern=CURRENCY_PATTERN)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, allow_inf_nan=False, populate_by_name=True
    )


class PathRule(_Model):
    """One way to renew a tier: enough credits plus, per exam kind, enough passed exams.

    Examples
    --------
    >>> PathRule(credits=40, exams={"professional": 1}).describe()
    '40 credits + 1 professional exam'
    """

    credits: NonNegative = 0
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
            parts.append(f"{_fmt_number(self.credits)} credits")
        for kind, count in sorted(self.exams.items()):
            parts.append(f"{count} {kind} exam{'s' if count > 1 else ''}")
        return " + ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The path as in the JSON output: ``{"credits": 40, "exams": {"professional": 1}}``."""
        return {"credits": _plain_number(self.credits), "exams": dict(sorted(self.exams.items()))}


class Tier(_Model):
    """A certification level and its alternative renewal paths."""

    label: Text
    period_years: Annotated[int, Field(ge=1, le=100)] = 3
    paths: Annotated[tuple[PathRule, ...], Field(min_length=1, strict=False)]


class _Item(_Model):
    """What activities and exams have in common."""

    id: Id
    title: Text
    cost: NonNegative
    currency: Currency | None = None
    hours: NonNegative | None = None
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
            raise CatalogRuleError(f"end {self.end} is before start {self.start}", ("end",))
        return self


class Activity(_Item):
    """Something that earns CE credits: a course, videos, a webinar, an event session...

    An activity with ``sessions`` runs only on those dates, and a plan picks at most one.
    """

    type: Text
    credits: Positive
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

    schema_: Annotated[Literal[1], BeforeValidator(_schema_number)] = Field(alias="schema")
    programme: Text
    currency: Currency
    exchange_rates: Annotated[
        Mapping[Currency, Positive], AfterValidator(_freeze), WrapSerializer(_thaw)
    ] = Field(default_factory=lambda: MappingProxyType({}))
    rates_as_of: Date | None = None
    as_of: Date | None = None
    processing_days: Annotated[int, Field(ge=0, le=3650)] = 0
    tiers: Annotated[
        Mapping[Annotated[str, StringConstraints(pattern=TIER_PATTERN)], Tier],
        Field(min_length=1),
        AfterValidator(_freeze),
        WrapSerializer(_thaw),
    ]
    exams: Annotated[tuple[Exam, ...], Field(strict=False)] = ()
    activities: Annotated[tuple[Activity, ...], Field(strict=False)] = ()

    _cents: dict[str, int] = PrivateAttr(default_factory=dict)
    _by_id: dict[str, Activity | Exam] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_rules(self) -> Catalog:
        if self.exchange_rates and self.rates_as_of is None:
            raise CatalogRuleError("is required when exchange_rates is given", ("rates_as_of",))
        kinds_named = {kind for tier in self.tiers.values() for p in tier.paths for kind in p.exams}
        kinds_offered = {exam.kind for exam in self.exams}
        for name, tier in self.tiers.items():
            for index, path in enumerate(tier.paths):
                for kind in path.exams:
                    if kind not in kinds_offered:
                        raise CatalogRuleError(
                            f"names exam kind '{kind}' but no exam has that kind",
                            ("tiers", name, "paths", index, "exams"),
                        )
        by_id: dict[str, Activity | Exam] = {}
        cents: dict[str, int] = {}
        sections: list[tuple[str, Sequence[Activity | Exam]]] = [
            ("exams", self.exams),
            ("activities", self.activities),
        ]
        for section, items in sections:
            for index, item in enumerate(items):
                loc: tuple[str | int, ...] = (section, index)
                if item.id in by_id:
                    raise CatalogRuleError(f"duplicate id '{item.id}'", (*loc, "id"))
                by_id[item.id] = item
                last = item.last_day
                if item.available_from and last and item.available_from > last:
                    last_field = "expires" if isinstance(item, Activity) else "retires"
                    raise CatalogRuleError(
                        f"available_from {item.available_from} is after {last_field} {last}",
                        (*loc, "available_from"),
                    )
                if isinstance(item, Exam) and item.kind not in kinds_named:
                    raise CatalogRuleError(
                        f"exam kind '{item.kind}' is not named by any tier's path",
                        (*loc, "kind"),
                    )
                cents[item.id] = self._to_cents(item, item.cost, loc)
                if isinstance(item, Activity):
                    self._check_sessions(item, loc, cents)
        self._by_id = by_id
        self._cents = cents
        return self

    def _check_sessions(
        self, item: Activity, loc: tuple[str | int, ...], cents: dict[str, int]
    ) -> None:
        seen: set[tuple[dt.date, dt.date]] = set()
        for number, session in enumerate(item.sessions):
            where = (*loc, "sessions", number)
            if item.available_from and session.start < item.available_from:
                raise CatalogRuleError(
                    f"session starts {session.start}, before available_from {item.available_from}",
                    (*where, "start"),
                )
            if item.expires and session.end > item.expires:
                raise CatalogRuleError(
                    f"session ends {session.end}, after expires {item.expires}", (*where, "end")
                )
            if (session.start, session.end) in seen:
                raise CatalogRuleError(
                    f"duplicate session {session.start} to {session.end}", (*where, "start")
                )
            seen.add((session.start, session.end))
            if session.cost is not None:
                cents[_session_key(item.id, number)] = self._to_cents(
                    item, session.cost, (*where, "cost")
                )

    def _to_cents(self, item: Activity | Exam, cost: float, loc: tuple[str | int, ...]) -> int:
        rate = 1.0
        if item.currency is not None and item.currency != self.currency:
            if item.currency not in self.exchange_rates:
                raise CatalogRuleError(
                    f"currency {item.currency} has no entry in exchange_rates", (*loc, "currency")
                )
            rate = self.exchange_rates[item.currency]
        amount = Decimal(repr(cost)) * Decimal(repr(rate)) * 100
        if not math.isfinite(float(amount)) or amount > Decimal(10) ** 15:
            raise CatalogRuleError("is too large", loc if loc[-1] == "cost" else (*loc, "cost"))
        return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))

    # -- lookups -------------------------------------------------------------------------------

    def cost_of(self, item_id: str) -> float:
        """The cost of an item in the catalogue currency, rounded to cents."""
        return self._cents[item_id] / 100

    def cents_of(self, item_id: str, session: int | None = None) -> int:
        """The cost of an item (or of one of its sessions) in cents of the catalogue currency."""
        if session is not None:
            return self._cents.get(_session_key(item_id, session), self._cents[item_id])
        return self._cents[item_id]

    def item(self, item_id: str) -> Activity | Exam:
        """The activity or exam with this id (``KeyError`` if there is none)."""
        return self._by_id[item_id]

    @property
    def ids(self) -> frozenset[str]:
        """The ids of every activity and exam."""
        return frozenset(self._by_id)

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

        rows = []
        for item in [*self.activities, *self.exams]:
            is_activity = isinstance(item, Activity)
            rows.append(
                {
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
            )
        columns = [
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
        frame = pd.DataFrame(rows, columns=columns)
        return frame.astype(dict.fromkeys(["credits", "cost", "price", "hours"], "float64"))


def _session_key(item_id: str, number: int) -> str:
    return f"{item_id}#session{number}"  # "#" never occurs in an id


def _plain_number(value: float) -> int | float:
    """``48.0 -> 48`` and ``12.5 -> 12.5``, for JSON and tables."""
    return int(value) if float(value).is_integer() else float(value)


def _fmt_number(value: float) -> str:
    return str(_plain_number(value))
