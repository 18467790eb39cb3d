"""A team for a training manager (SPEC section 7): people, budget periods and prepaid funds.

A roster is a YAML file (``team.yaml``) or a CSV of people (one row per person). It is
validated as a catalogue is: every problem at once, each naming the file, the line (or the
CSV row), the person (or budget, or fund) and the field. :func:`load_roster` reads either;
:func:`roster_from_data` validates data already in hand.

The rules across entries, beyond each field's own:

- person ids are unique, as are budget names and fund names;
- a budget period ends on or after its start, and no two periods share a day (an item's cost
  falls in *the* period that holds its start day);
- a fund pays for ``activities``, ``exams`` or both, each named once.

A person may carry data the plan does not use (a department, an e-mail address):
:attr:`Person.extra`, kept as text, in the order given, through to the team plan's outputs. Its
names, like a CSV roster's headers, are matched by :func:`column_key` (without regard to case,
spaces, ``_`` and ``-``): two names that match are refused, and so is one that matches a
person's own key.

Whether a person's tier exists, or a fund's currency can be converted, depends on the catalogue,
and is checked when the team is planned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ceplan.catalogue.models import (
    CURRENCY_PATTERN,
    ID_PATTERN,
    KIND_PATTERN,
    TIER_PATTERN,
    Catalog,
    Date,
    Text,
    schema_number,
)
from ceplan.errors import one_line, shorten
from ceplan.inputs import cycle_years, date_problem
from ceplan.limits import (
    MAX_HOURS_PER_WEEK,
    MAX_MONEY,
    MAX_PRIORITY,
    describe,
)

__all__ = [
    "PERSON_KEYS",
    "Budget",
    "Fund",
    "HeldEntry",
    "Person",
    "Roster",
    "RosterProblem",
    "column_key",
    "roster_problems",
    "same_columns",
]

PAYABLE = ("activities", "exams")
"""What a fund may pay for."""

_Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=200)]
_Kind = Annotated[str, StringConstraints(pattern=KIND_PATTERN, max_length=50)]


def _whole_priority(value: Any) -> Any:
    """A priority: a whole number from 1 to :data:`~ceplan.limits.MAX_PRIORITY`, as an ``int``.

    A float with no fractional part (``2.0``, as a CSV cell ``2`` is read) is that whole number.
    """
    whole = None
    if isinstance(value, int) and not isinstance(value, bool):
        whole = value
    elif isinstance(value, float) and value.is_integer():
        whole = int(value)
    if whole is None or not 1 <= whole <= MAX_PRIORITY:
        raise ValueError(f"must be a whole number from 1 to {describe(MAX_PRIORITY)}")
    return whole


_SEPARATORS = re.compile(r"[\s_-]+")


def column_key(name: str) -> str:
    """What a column's name means, whatever its case, spaces, ``_`` and ``-``.

    A CSV roster's header matches a person's key when both give the same key; two columns (or
    two names under a person's ``extra``) that give the same key are the same column.

    Examples
    --------
    >>> column_key(" Hours per week "), column_key("hours_per_week"), column_key("E-Mail")
    ('hoursperweek', 'hoursperweek', 'email')
    """
    return _SEPARATORS.sub("", name).casefold()


def same_columns(names: Iterable[str]) -> list[tuple[int, int]]:
    """Names that mean the same column (:func:`column_key`): for each, its position and the first's.

    Examples
    --------
    >>> same_columns(["ID", "Name", "hours per week", "Hours_per_week", "id"])
    [(3, 2), (4, 0)]
    """
    first: dict[str, int] = {}
    found = []
    for position, name in enumerate(names):
        key = column_key(name)
        if key in first:
            found.append((position, first[key]))
        else:
            first[key] = position
    return found


def _as_texts(value: Any) -> Any:
    """A person's ``extra`` data with each value as text.

    Text is kept as it is; a number, a date or ``true``/``false`` (as YAML reads a value left
    unquoted) becomes the text that says it, nothing (``~``) the empty text. Anything else is
    left for validation to refuse.
    """
    if not isinstance(value, Mapping):
        return value
    return {name: _text_of(given) for name, given in value.items()}


def _text_of(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _distinct_columns(extra: dict[str, str]) -> dict[str, str]:
    """``extra`` once its names are known to be columns of their own (see :func:`column_key`)."""
    for name in extra:
        shown = shorten(one_line(name))
        if not column_key(name):
            raise ValueError(f"'{shown}' is no column name: it is blank or only '_' and '-'")
        key = PERSON_KEYS.get(column_key(name))
        if key is not None:
            raise ValueError(f"'{shown}' is a person's own key: give it as {key}, not under extra")
    same = same_columns(extra)
    if same:
        names = list(extra)
        name, first = names[same[0][0]], names[same[0][1]]
        raise ValueError(
            f"'{shorten(one_line(first))}' and '{shorten(one_line(name))}' are the same column"
            " (names are matched without regard to case, spaces, '_' and '-'): keep one"
        )
    return extra


_Money = Annotated[float, Field(ge=0, le=MAX_MONEY)]
_Priority = Annotated[int, BeforeValidator(_whole_priority)]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, allow_inf_nan=False, defer_build=True
    )


class Budget(_Model):
    """Out-of-pocket money for a period (a fiscal year), in the catalogue's currency."""

    name: Text
    start: Date
    end: Date
    amount: _Money

    def holds(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the period."""
        return self.start <= day <= self.end


class Fund(_Model):
    """Prepaid training money that expires, such as Cisco Learning Credits (1 CLC = 100 USD).

    It pays for items that start on or before :attr:`expires`, of the kinds in :attr:`pays_for`.
    """

    name: Text
    amount: _Money
    currency: Annotated[str, StringConstraints(pattern=CURRENCY_PATTERN)] | None = None
    """Default: the catalogue's currency."""
    expires: Date
    pays_for: Annotated[
        tuple[Literal["activities", "exams"], ...], Field(min_length=1, strict=False)
    ] = ("activities",)


_Credits = Annotated[float, Field(ge=0)]
_ByCategory = Annotated[
    dict[Annotated[str, StringConstraints(pattern=TIER_PATTERN, max_length=50)], _Credits],
    Field(strict=False),
]
_ByYear = Annotated[dict[int, _Credits], Field(strict=False)]
_Kinds = Annotated[tuple[_Kind, ...], Field(strict=False)]


class HeldEntry(_Model):
    """One certification a person holds (an entry of :attr:`Person.tiers`)."""

    tier: Annotated[str, StringConstraints(pattern=TIER_PATTERN)]
    expires: Date
    earned: _Credits = 0.0
    """Credits already earned in this tier's cycle."""
    earned_in: _ByCategory = Field(default_factory=dict)
    """The part of :attr:`earned` in each credit category (schema 2 catalogues)."""
    earned_in_year: _ByYear = Field(default_factory=dict)
    """The part of :attr:`earned` in each year of the cycle, 1 the first (schema 2 catalogues):
    what a hard yearly minimum counts for a year under way or over."""
    passed: _Kinds = ()
    """Exam kinds passed in this tier's cycle, for this tier only (the person's
    :attr:`Person.passed` hold for every tier as well)."""

    def __hash__(self) -> int:
        return hash(
            (
                self.tier,
                self.expires,
                self.earned,
                frozenset(self.earned_in.items()),
                frozenset(self.earned_in_year.items()),
                self.passed,
            )
        )


class Person(_Model):
    """One engineer whose certification is to be renewed, and what they bring to the plan.

    A person holding several certifications lists them in :attr:`tiers` (each with its own
    expiry and credits earned); :attr:`tier` and :attr:`expires` are then the first entry's.
    """

    id: _Id
    name: Text
    tier: Annotated[str, StringConstraints(pattern=TIER_PATTERN)]
    expires: Date
    earned: _Credits = 0.0
    """CE credits already earned in this cycle."""
    earned_in: _ByCategory = Field(default_factory=dict)
    """The part of :attr:`earned` in each credit category (schema 2 catalogues)."""
    earned_in_year: _ByYear = Field(default_factory=dict)
    """The part of :attr:`earned` in each year of the cycle, 1 the first (schema 2 catalogues)."""
    tiers: Annotated[tuple[HeldEntry, ...], Field(strict=False)] = ()
    """The certifications held, when the person holds several (or gives them this way)."""
    passed: _Kinds = ()
    """Exam kinds already passed in this cycle (for every tier held)."""
    completed: Annotated[tuple[_Id, ...], Field(strict=False)] = ()
    """Items already done (not planned again)."""
    exclude: Annotated[tuple[_Id, ...], Field(strict=False)] = ()
    """Items never to plan for this person."""
    hours_per_week: Annotated[float, Field(gt=0, le=MAX_HOURS_PER_WEEK)] | None = None
    exams: bool = True
    """Willing to sit exams."""
    priority: _Priority = 1
    """Weight of renewing this person when money is short (larger renews first): a whole
    number from 1 to :data:`~ceplan.limits.MAX_PRIORITY`."""
    extra: Annotated[
        dict[str, str], BeforeValidator(_as_texts), AfterValidator(_distinct_columns)
    ] = Field(default_factory=dict)
    """Data the plan does not use (``{"Department": "Networks"}``), by column name as written,
    in the order given: text, carried through to the plan's outputs, never read otherwise."""

    @model_validator(mode="before")
    @classmethod
    def _first_held(cls, data: Any) -> Any:
        """With :attr:`tiers` given and no ``tier`` or ``expires``, the first entry's."""
        if isinstance(data, Mapping):
            entries = data.get("tiers")
            if isinstance(entries, list | tuple) and entries and isinstance(entries[0], Mapping):
                first = entries[0]
                data = dict(data)
                for key in ("tier", "expires"):
                    if key not in data and key in first:
                        data[key] = first[key]
        return data

    def __hash__(self) -> int:
        fields = tuple(
            value
            for name, value in self.__dict__.items()
            if name not in ("extra", "earned_in", "earned_in_year")
        )
        return hash(
            (
                fields,
                frozenset(self.extra.items()),
                frozenset(self.earned_in.items()),
                frozenset(self.earned_in_year.items()),
            )
        )

    @property
    def held(self) -> tuple[HeldEntry, ...]:
        """The certifications held: :attr:`tiers`, or the one of :attr:`tier`."""
        if self.tiers:
            return self.tiers
        return (
            HeldEntry(
                tier=self.tier,
                expires=self.expires,
                earned=self.earned,
                earned_in=dict(self.earned_in),
                earned_in_year=dict(self.earned_in_year),
            ),
        )

    def passed_by_tier(self) -> dict[str, tuple[str, ...]]:
        """The exam kinds passed for each tier held: the person's, then the tier's own."""
        return {entry.tier: (*self.passed, *entry.passed) for entry in self.held}

    def held_inputs(self) -> dict[str, Any]:
        """What the person brings to a plan under schema 2's rules, as ``optimise`` takes it.

        All but ``today``: ``tier`` is the list of tiers held, each other input by tier
        (``passed`` too when a tier gives its own) but the weekly hours, the person's.
        """
        held = self.held
        own = any(entry.passed for entry in held)
        return {
            "tier": [entry.tier for entry in held],
            "expires": {entry.tier: entry.expires for entry in held},
            "earned": {entry.tier: entry.earned for entry in held},
            "earned_by_category": {entry.tier: dict(entry.earned_in) for entry in held},
            "earned_per_year": {entry.tier: dict(entry.earned_in_year) for entry in held},
            "passed": (
                {tier: list(kinds) for tier, kinds in self.passed_by_tier().items()}
                if own
                else list(self.passed)
            ),
            "completed": list(self.completed),
            "exclude": list(self.exclude),
            "allow_exams": self.exams,
            "hours_per_week": self.hours_per_week,
        }

    def inputs(self) -> dict[str, Any]:
        """What the person brings to a plan, as :func:`ceplan.optimise` takes it.

        All but the tier and ``today``.
        """
        first = self.held[0]
        return {
            "expires": first.expires,
            "earned": first.earned,
            "passed": [*self.passed, *first.passed],
            "completed": list(self.completed),
            "exclude": list(self.exclude),
            "allow_exams": self.exams,
            "hours_per_week": self.hours_per_week,
        }


PERSON_KEYS = {column_key(name): name for name in Person.model_fields if name != "extra"}
"""A person's keys (all but ``extra``), by what their names mean (:func:`column_key`)."""


class Roster(_Model):
    """A team: its people, its budget periods and its funds."""

    schema_: Annotated[Literal[1], BeforeValidator(schema_number)] = Field(alias="schema")
    team: Text
    budgets: Annotated[tuple[Budget, ...], Field(strict=False)] = ()
    funds: Annotated[tuple[Fund, ...], Field(strict=False)] = ()
    people: Annotated[tuple[Person, ...], Field(min_length=1, strict=False)]

    model_config = ConfigDict(populate_by_name=True)

    def person(self, person_id: str) -> Person:
        """The person with this id."""
        for person in self.people:
            if person.id == person_id:
                return person
        raise KeyError(person_id)


@dataclasses.dataclass(frozen=True)
class RosterProblem:
    """A problem found in roster data: where (``loc``, as pydantic says it), what, and the value."""

    loc: tuple[str | int, ...]
    message: str
    value: Any = None
    has_value: bool = True


_SECTIONS: dict[str, type[_Model]] = {"budgets": Budget, "funds": Fund, "people": Person}


def roster_problems(
    data: Any, catalog: Catalog | None = None, today: dt.date | None = None
) -> tuple[Roster | None, list[RosterProblem]]:
    """Validate roster data: the roster, or every problem found (each entry on its own).

    With a ``catalog``, also what the team needs of it: each person's tier, exam kinds passed
    and items named exist, and each fund's currency can be converted (to at most
    :data:`~ceplan.limits.MAX_MONEY`). With ``today`` as well, each person's expiry can be
    planned from that day (:func:`ceplan.inputs.date_problem`).

    Examples
    --------
    >>> data = {"schema": 1, "team": "T", "people": [
    ...     {"id": "ann", "name": "Ann", "tier": "pro", "expires": "2027-01-31"},
    ...     {"id": "ann", "name": "Ann again", "tier": "pro", "expires": "2027-03-01"},
    ...     {"id": "bo", "name": "Bo", "tier": "pro", "expires": "2027-13-01"}]}
    >>> roster, problems = roster_problems(data)
    >>> roster
    >>> for problem in problems:
    ...     print(problem.loc, problem.message)
    ('people', 1, 'id') is used by people[0] too
    ('people', 2, 'expires') is not a date in YYYY-MM-DD form
    """
    if not isinstance(data, Mapping):
        return None, [RosterProblem((), "expected a mapping at the top level", type(data).__name__)]
    problems: list[RosterProblem] = []
    valid: dict[str, list[tuple[int, Any]]] = {}
    header = {key: value for key, value in data.items() if key not in _SECTIONS}
    for key in _SECTIONS:
        header.setdefault(key, [])
    try:
        Roster.model_validate({**header, "people": [_SAMPLE]})
    except ValidationError as exc:
        problems += _from_pydantic(exc, ())
    for section, model in _SECTIONS.items():
        entries = data.get(section, [] if section != "people" else None)
        if entries is None and section == "people":
            problems.append(RosterProblem(("people",), "is required", has_value=False))
            continue
        if not isinstance(entries, list | tuple):
            problems.append(RosterProblem((section,), "expected a list", entries))
            continue
        if section == "people" and not entries:
            problems.append(RosterProblem(("people",), "needs at least one person", entries))
        valid[section] = []
        for index, entry in enumerate(entries):
            if section == "people":
                entry, found = _listed_tiers(entry, index)
                if found:
                    problems += found
                    continue
            try:
                valid[section].append((index, model.model_validate(entry)))
            except ValidationError as exc:
                problems += _from_pydantic(exc, (section, index))
    problems += _rules(valid)
    if catalog is not None:
        problems += _against(valid, catalog, today)
    if problems:
        return None, sorted(problems, key=lambda p: [str(part) for part in p.loc])
    people = [_listed_tiers(entry, n)[0] for n, entry in enumerate(data["people"])]
    return Roster.model_validate({**data, "people": people}), []


def _listed_tiers(entry: Any, index: int) -> tuple[Any, list[RosterProblem]]:
    """A person giving several tiers as a list, in the form of :attr:`Person.tiers`.

    ``tier`` as a list (a CSV cell ``cissp;ccsp``), or ``tiers`` as a list of names, takes
    ``expires`` and ``earned`` once for every tier or as lists matched by position; each
    becomes an entry of ``tiers``. Anything else is left as it is, for validation to judge.

    Examples
    --------
    >>> entry, problems = _listed_tiers({"tier": ["cissp", "ccsp"],
    ...     "expires": ["2028-06-30", "2029-03-31"], "earned": 40}, 0)
    >>> entry["tier"], entry["tiers"][1], problems
    ('cissp', {'tier': 'ccsp', 'expires': '2029-03-31', 'earned': 40}, [])
    >>> _listed_tiers({"tier": ["a", "b"], "expires": ["2028-06-30"]}, 3)[1][0].message
    'gives 1 value for 2 tiers: give one for every tier, or one per tier in the order of tier'
    """
    if not isinstance(entry, Mapping):
        return entry, []
    key = next(
        (
            k
            for k in ("tier", "tiers")
            if isinstance(entry.get(k), list | tuple)
            and entry[k]
            and all(isinstance(name, str) for name in entry[k])
        ),
        None,
    )
    if key is None:
        return entry, []
    names = list(entry[key])
    problems: list[RosterProblem] = []
    given: dict[str, list[Any]] = {}
    for field in ("expires", "earned"):
        if field not in entry:
            continue
        value = entry[field]
        values = list(value) if isinstance(value, list | tuple) else [value] * len(names)
        if len(values) != len(names):
            problems.append(
                RosterProblem(
                    ("people", index, field),
                    f"gives {len(values)} value{'' if len(values) == 1 else 's'} for "
                    f"{len(names)} tiers: give one for every tier, or one per tier in the order "
                    f"of {key}",
                    value,
                )
            )
        given[field] = values
    if problems:
        return entry, problems
    entries = [
        {"tier": name, **{field: values[n] for field, values in given.items()}}
        for n, name in enumerate(names)
    ]
    plain = {k: v for k, v in entry.items() if k not in ("tier", "tiers", "expires", "earned")}
    return {
        **plain,
        "tier": names[0],
        **({"expires": given["expires"][0]} if "expires" in given else {}),
        "tiers": entries,
    }, []


_SAMPLE = {"id": "x", "name": "x", "tier": "x", "expires": dt.date(2000, 1, 1)}
"""A valid person, to validate the roster's other keys alone."""


def _from_pydantic(exc: ValidationError, prefix: tuple[str | int, ...]) -> list[RosterProblem]:
    found = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and "[" in part))
        given, least = error["input"], error.get("ctx", {}).get("min_length")
        if error["type"] == "too_short" and isinstance(given, list | tuple) and least is not None:
            if len(given) >= least:
                continue  # pydantic counts after dropping the entries that failed: said already
        if error["type"] == "missing":
            found.append(RosterProblem((*prefix, *loc), "is required", has_value=False))
        elif error["type"] == "extra_forbidden":
            message = "unknown key"
            if prefix[:1] == ("people",) and len(loc) == 1:
                message += " (a person's data the plan does not use goes under extra)"
            found.append(RosterProblem((*prefix, *loc), message, error["input"]))
        elif loc == ("schema",):
            found.append(
                RosterProblem(loc, "unknown schema: this ceplan reads schema 1", error["input"])
            )
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            found.append(RosterProblem((*prefix, *loc), message, error["input"]))
    return found


def _against(
    valid: Mapping[str, Sequence[tuple[int, Any]]], catalog: Catalog, today: dt.date | None
) -> list[RosterProblem]:
    """What the valid entries need of the catalogue (and of ``today``) and it does not have."""
    found: list[RosterProblem] = []
    tiers = ", ".join(catalog.tiers)
    kinds = {kind for tier in catalog.tiers.values() for path in tier.paths for kind in path.exams}
    for index, person in valid.get("people", ()):
        where = ("people", index)
        for number, entry in enumerate(person.held):
            at = (*where, "tiers", number) if person.tiers else where
            if entry.tier not in catalog.tiers:
                found.append(
                    RosterProblem(
                        (*at, "tier"), f"is not a tier of the catalogue ({tiers})", entry.tier
                    )
                )
            elif today is not None:
                period = catalog.tiers[entry.tier].period_years
                problem = date_problem(today, entry.expires, catalog.processing_days, period)
                if problem is not None:
                    found.append(RosterProblem((*at, "expires"), problem, entry.expires))
            for category in entry.earned_in:
                if category not in catalog.categories:
                    known = ", ".join(catalog.categories) or "none"
                    found.append(
                        RosterProblem(
                            (*at, "earned_in", category),
                            f"is not a credit category of the catalogue ({known})",
                            category,
                        )
                    )
            for year in entry.earned_in_year:
                if entry.tier not in catalog.tiers:
                    continue
                period = catalog.tiers[entry.tier].period_years
                if not 1 <= year <= period:
                    found.append(
                        RosterProblem(
                            (*at, "earned_in_year", year),
                            f"is not a year of {entry.tier}'s cycle (1 to {period}, 1 the first)",
                            year,
                        )
                    )
                elif today is not None:
                    cycle = catalog.tiers[entry.tier].cycle
                    first, _ = cycle_years(entry.expires, period, cycle)[year - 1]
                    if first > today:
                        found.append(
                            RosterProblem(
                                (*at, "earned_in_year", year),
                                f"year {year} of {entry.tier}'s cycle starts on {first}, after "
                                f"today ({today}): nothing can have been earned in it yet",
                                year,
                            )
                        )
            found += _kinds_known(kinds, (*at, "passed") if person.tiers else None, entry.passed)
        found += _held_against(person, where, catalog)
        found += _kinds_known(kinds, (*where, "passed"), person.passed)
        for key in ("completed", "exclude"):
            for number, item_id in enumerate(getattr(person, key)):
                if not catalog.has(item_id):
                    found.append(
                        RosterProblem((*where, key, number), "is not in the catalogue", item_id)
                    )
    for index, fund in valid.get("funds", ()):
        code = fund.currency
        if code is not None and code != catalog.currency and code not in catalog.exchange_rates:
            found.append(
                RosterProblem(
                    ("funds", index, "currency"),
                    f"has no exchange rate to {catalog.currency} in the catalogue",
                    code,
                )
            )
        elif fund.amount * catalog.rate(code) > MAX_MONEY:
            found.append(
                RosterProblem(
                    ("funds", index, "amount"),
                    f"is too large: at most {describe(MAX_MONEY)} {catalog.currency} once "
                    "converted",
                    fund.amount,
                )
            )
    return found


def _kinds_known(
    kinds: set[str], at: tuple[str | int, ...] | None, passed: Sequence[str]
) -> list[RosterProblem]:
    """Each exam kind of ``passed`` (at ``at``) not among the catalogue's ``kinds``."""
    if at is None:
        return []
    known = ", ".join(sorted(kinds)) or "none"
    return [
        RosterProblem((*at, number), f"is not an exam kind of the catalogue ({known})", kind)
        for number, kind in enumerate(passed)
        if kind not in kinds
    ]


def _rules(valid: Mapping[str, Sequence[tuple[int, Any]]]) -> list[RosterProblem]:
    """The rules across entries, over the entries that are valid on their own."""
    found: list[RosterProblem] = []
    for section, key in (("people", "id"), ("budgets", "name"), ("funds", "name")):
        first: dict[str, int] = {}
        for index, entry in valid.get(section, ()):
            value = getattr(entry, key)
            if value in first:
                found.append(
                    RosterProblem(
                        (section, index, key), f"is used by {section}[{first[value]}] too", value
                    )
                )
            else:
                first[value] = index
    for index, person in valid.get("people", ()):
        found += _held_rules(person, index)
    budgets = valid.get("budgets", ())
    for index, budget in budgets:
        if budget.end < budget.start:
            found.append(
                RosterProblem(
                    ("budgets", index, "end"), f"is before start {budget.start}", budget.end
                )
            )
    ordered = sorted(
        (b for b in budgets if b[1].start <= b[1].end), key=lambda b: (b[1].start, b[0])
    )
    widest: Budget | None = None  # of the periods so far, the one that ends last
    for index, period in ordered:
        if widest is not None and period.start <= widest.end:
            found.append(
                RosterProblem(
                    ("budgets", index, "start"),
                    f"falls in budget period '{widest.name}' ({widest.start} to {widest.end}):"
                    " periods must not overlap",
                    period.start,
                )
            )
        if widest is None or period.end > widest.end:
            widest = period
    for index, fund in valid.get("funds", ()):
        if len(set(fund.pays_for)) != len(fund.pays_for):
            found.append(
                RosterProblem(("funds", index, "pays_for"), "names a kind twice", fund.pays_for)
            )
    return found


def _held_rules(person: Person, index: int) -> list[RosterProblem]:
    """A person's :attr:`~Person.tiers` against the rest of the person: one way to say each.

    And each tier's credits earned by category, and by cycle year, add up to no more than its
    credits earned; an exam kind a tier passed is not among the person's own (which hold for
    every tier) as well.
    """
    found = []
    for number, entry in enumerate(person.held):
        at = ("people", index, *(("tiers", number) if person.tiers else ()))
        parts: tuple[tuple[str, Mapping[Any, float]], ...] = (
            ("earned_in", entry.earned_in),
            ("earned_in_year", entry.earned_in_year),
        )
        for key, part in parts:
            in_part = math.fsum(part.values())
            if in_part > entry.earned + 1e-9:
                found.append(
                    RosterProblem(
                        (*at, key),
                        f"adds up to {in_part:g} credits, more than the {entry.earned:g} "
                        "earned: give earned as well (all the credits earned in the cycle)",
                        dict(part),
                    )
                )
        for position, kind in enumerate(entry.passed):
            if kind in person.passed:
                found.append(
                    RosterProblem(
                        (*at, "passed", position),
                        "is in the person's passed too (which holds for every tier): give it once",
                        kind,
                    )
                )
    if not person.tiers:
        return found
    first = person.tiers[0]
    where = ("people", index)
    if person.tier != first.tier:
        found.append(
            RosterProblem(
                (*where, "tier"),
                f"is not the first of tiers ({first.tier}): give one of them",
                person.tier,
            )
        )
    if person.expires != first.expires:
        found.append(
            RosterProblem(
                (*where, "expires"),
                f"is not the first tier's expiry ({first.expires}): give each in tiers",
                person.expires,
            )
        )
    if person.earned:
        found.append(
            RosterProblem((*where, "earned"), "give it in each entry of tiers", person.earned)
        )
    for key in ("earned_in", "earned_in_year"):
        if getattr(person, key):
            found.append(
                RosterProblem((*where, key), "give it in each entry of tiers", getattr(person, key))
            )
    seen: set[str] = set()
    for number, entry in enumerate(person.tiers):
        if entry.tier in seen:
            found.append(
                RosterProblem((*where, "tiers", number, "tier"), "is named twice", entry.tier)
            )
        seen.add(entry.tier)
    return found


def _held_against(
    person: Person, where: tuple[str | int, ...], catalog: Catalog
) -> list[RosterProblem]:
    """What a team plan does not take yet of a person holding tiers under schema 2's rules.

    Several tiers need a schema 2 catalogue (a schema 1 roster is planned by Cisco's rules,
    one tier a person).
    """
    if catalog.schema_version == 1 and len(person.tiers) > 1:
        return [
            RosterProblem(
                (*where, "tiers"),
                "several tiers a person need a schema 2 catalogue in a team plan (this one is "
                "schema 1)",
                [entry.tier for entry in person.tiers],
            )
        ]
    if catalog.schema_version == 1:
        for number, entry in enumerate(person.held):
            if entry.earned_in_year:
                at = (*where, "tiers", number) if person.tiers else where
                return [
                    RosterProblem(
                        (*at, "earned_in_year"),
                        "credits by cycle year are read under schema 2's rules only (this "
                        "catalogue is schema 1): leave it out",
                        dict(entry.earned_in_year),
                    )
                ]
    return []
