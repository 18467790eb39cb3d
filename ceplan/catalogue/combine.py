"""Several programmes' catalogues combined into one, for a person holding certifications of each.

:func:`combine_catalogs` makes one schema 2 :class:`~ceplan.catalogue.models.Catalog` of several
(``ceplan.load_catalog(["isc2", "isaca", "pmi"])`` loads and combines). The rules, which the
README's "Certifications from several bodies" states for users:

- Tier names must be unique across the parts: a tier in two parts is refused, naming both files.
- An activity or exam id, or a category name, used by two parts is qualified by each part's
  name in the combination (``comptia-example-conference``, ``isaca-example-conference``); a name
  used by one part stays as it is, so ``exclude=["isc2-webinar-1"]`` means what it means alone.
  A part's name is its bundled name (``isc2``) or its file's stem.
- An activity counts only toward tiers of its own part (its ``counts_for`` made explicit), an
  exam likewise (:meth:`~ceplan.catalogue.models.Catalog.part_of_item`): credits never cross
  programmes, nor do categories.
- Each tier keeps its part's processing days, schema, ``shares_credits`` and ``member-year`` fee
  (:class:`~ceplan.catalogue.models.CatalogPart`; the planner reads them per tier).
- The combination is costed in the first part's currency. An item or fee priced in another
  currency is converted with the first part's ``exchange_rates``; a currency it has no rate for
  is refused, naming both files. No rate is ever made up (nor inverted).
- Credit step: the parts' own when they all have the same one, else none (each part's figures
  were checked against its own step when it was loaded). ``as_of``: the oldest part's, so that a
  stale part makes the plan warn.

A combination of one catalogue is that catalogue. A combination is never cached as a whole: its
parts are, each keyed by its own bytes (:func:`ceplan.catalogue.loading.load_catalog`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from ceplan.catalogue.models import (
    Activity,
    Catalog,
    CatalogPart,
    Exam,
    Fee,
    PathRule,
    Tier,
)
from ceplan.catalogue.rules import CatalogRuleError
from ceplan.errors import CatalogError, PlanInputError
from ceplan.inputs import show_value

__all__ = ["combine_catalogs", "combined"]

_PREFIX = re.compile(r"[a-z][a-z0-9_-]*")
"""What a part's name must look like to qualify its ids and categories."""


def combine_catalogs(catalogs: Sequence[Catalog] | Mapping[str, Catalog]) -> Catalog:
    """One catalogue planning the certifications of several programmes at once.

    Parameters
    ----------
    catalogs
        Loaded catalogues (:func:`ceplan.load_catalog`), or a mapping from a name for each
        (``{"isc2": ..., "pmi": ...}``) to it. The name qualifies the ids and categories that
        another part uses too, and names the part in problems; without names, the parts are
        ``part1``, ``part2``... One catalogue alone is returned as it is.

    Returns
    -------
    Catalog
        A schema 2 catalogue costed in the first catalogue's currency, whose
        :attr:`~ceplan.catalogue.models.Catalog.parts` say which programme each tier, item
        and category is of (this module's docstring gives the rules).

    Raises
    ------
    CatalogError
        For a tier in two parts, or a price in a currency with no exchange rate in the first
        catalogue: one line naming both.
    PlanInputError
        For no catalogue, or something that is not one.

    Examples
    --------
    >>> import ceplan
    >>> both = ceplan.combine_catalogs({"isc2": ceplan.load_catalog("isc2"),
    ...                                 "pmi": ceplan.load_catalog("pmi")})
    >>> both.currency, [part.prefix for part in both.parts], "pmp" in both.tiers
    ('USD', ['isc2', 'pmi'], True)
    """
    if isinstance(catalogs, Mapping):
        names = [str(name) for name in catalogs]
        values = list(catalogs.values())
    elif isinstance(catalogs, Sequence) and not isinstance(catalogs, str | bytes):
        values = list(catalogs)
        names = [f"part{number}" for number in range(1, len(values) + 1)]
    else:
        raise PlanInputError(
            f"catalogs must be a list of catalogues or a mapping of names to them, not "
            f"{show_value(catalogs)}"
        )
    for name, value in zip(names, values, strict=True):
        if not isinstance(value, Catalog):
            raise PlanInputError(f"catalogs[{name!r}] must be a Catalog, not {show_value(value)}")
    return combined(values, names, names)


def combined(catalogs: Sequence[Catalog], files: Sequence[str], prefixes: Sequence[str]) -> Catalog:
    """:func:`combine_catalogs` of ``catalogs``, named ``files`` in problems.

    ``prefixes`` qualify the ids and categories two parts share (see the module docstring).
    """
    if not catalogs:
        raise PlanInputError("catalog: name at least one catalogue")
    if len(catalogs) == 1:
        return catalogs[0]
    _unique_tiers(catalogs, files)
    id_counts = Counter(item_id for catalog in catalogs for item_id in catalog.ids)
    category_counts = Counter(name for catalog in catalogs for name in catalog.categories)
    first = catalogs[0]
    tiers: dict[str, Tier] = {}
    categories: dict[str, Any] = {}
    activities: list[Activity] = []
    exams: list[Exam] = []
    parts = []
    taken = set(id_counts)
    taken_categories = set(category_counts)
    for catalog, file, prefix in zip(catalogs, files, prefixes, strict=True):
        ids = {i: _qualified(i, prefix, file, id_counts, taken) for i in sorted(catalog.ids)}
        names = {
            k: _qualified(k, prefix, file, category_counts, taken_categories, what="category")
            for k in catalog.categories
        }
        convert = _Converter(catalog, file, first, files[0])
        for name, tier in catalog.tiers.items():
            tiers[name] = _tier(tier, names, convert, name)
        for name, category in catalog.categories.items():
            categories[names[name]] = category
        own = tuple(catalog.tiers)
        for activity in catalog.activities:
            activities.append(
                activity.model_copy(
                    update={
                        "id": ids[activity.id],
                        "currency": convert(activity.currency, f"activity '{activity.id}'"),
                        "categories": _renamed(activity.categories, names),
                        "counts_for": activity.counts_for or own,
                    }
                )
            )
        for exam in catalog.exams:
            exams.append(
                exam.model_copy(
                    update={
                        "id": ids[exam.id],
                        "currency": convert(exam.currency, f"exam '{exam.id}'"),
                    }
                )
            )
        parts.append(
            CatalogPart(
                name=file,
                prefix=prefix,
                programme=catalog.programme,
                schema=catalog.schema_version,
                currency=catalog.currency,
                processing_days=catalog.processing_days,
                shares_credits=catalog.shares_credits,
                tiers=own,
                ids=frozenset(ids.values()),
                categories=names,
                renamed={old: new for old, new in ids.items() if old != new},
            )
        )
    steps = {catalog.credit_step for catalog in catalogs}
    dates = [catalog.as_of for catalog in catalogs if catalog.as_of is not None]
    data = {
        "schema": 2,
        "programme": " + ".join(catalog.programme for catalog in catalogs),
        "currency": first.currency,
        "exchange_rates": dict(first.exchange_rates),
        "rates_as_of": first.rates_as_of,
        "as_of": min(dates, default=None),
        "processing_days": first.processing_days,
        "tiers": tiers,
        "exams": exams,
        "activities": activities,
        "credit_step": steps.pop() if len(steps) == 1 else None,
        "categories": categories,
        "shares_credits": all(catalog.shares_credits for catalog in catalogs),
    }
    try:
        result = Catalog.model_validate(data)
    except (ValidationError, CatalogRuleError) as exc:  # the parts were valid: a fault of ours
        raise CatalogError(
            f"the catalogues cannot be combined: {exc}".splitlines()[0], file=" + ".join(files)
        ) from None
    result._parts = tuple(parts)
    return result


def _unique_tiers(catalogs: Sequence[Catalog], files: Sequence[str]) -> None:
    """Refuse a tier name used by two of the catalogues."""
    seen: dict[str, str] = {}
    for catalog, file in zip(catalogs, files, strict=True):
        for name in catalog.tiers:
            if name in seen:
                raise CatalogError(
                    f"is also a tier of {seen[name]}: a tier's name must be unique across the "
                    "catalogues combined",
                    file=file,
                    item=f"tier '{name}'",
                )
            seen[name] = file


def _qualified(
    name: str,
    prefix: str,
    file: str,
    counts: Mapping[str, int],
    taken: set[str],
    *,
    what: str = "id",
) -> str:
    """``name`` as the combination calls it: as it is, or ``<prefix>-<name>`` if shared."""
    if counts[name] == 1:
        return name
    new = f"{prefix}-{name}"
    if not _PREFIX.fullmatch(prefix) or new in taken:
        raise CatalogError(
            f"is used by another catalogue combined too, and cannot be told apart as '{new}' "
            "(rename it in one of the files)",
            file=file,
            item=f"{what} '{name}'",
        )
    taken.add(new)
    return new


def _renamed(values: Mapping[str, float], names: Mapping[str, str]) -> dict[str, float]:
    return {names[key]: value for key, value in values.items()}


class _Converter:
    """An item's or fee's currency as the combination gives it, or one problem."""

    def __init__(self, catalog: Catalog, file: str, first: Catalog, first_file: str) -> None:
        self.own = catalog.currency
        self.file = file
        self.target = first.currency
        self.rates = first.exchange_rates
        self.first_file = first_file

    def __call__(self, currency: str | None, item: str) -> str | None:
        code = currency or self.own
        if code == self.target:
            return None
        if code not in self.rates:
            raise CatalogError(
                f"is priced in {code} but {self.first_file}, whose currency ({self.target}) "
                f"the combination is costed in, has no exchange rate for {code}: add "
                f"exchange_rates: {{{code}: ...}} to it, or list a {code} catalogue first",
                file=self.file,
                item=item,
            )
        return code


def _tier(tier: Tier, names: Mapping[str, str], convert: _Converter, name: str) -> Tier:
    """A part's tier in the combination: categories renamed, fees' currencies made explicit."""
    paths = tuple(
        path
        if not (path.min or path.max)
        else PathRule.model_validate(
            {
                "credits": path.credits,
                "exams": dict(path.exams),
                "min": _renamed(path.min, names),
                "max": _renamed(path.max, names),
            }
        )
        for path in tier.paths
    )
    fees = tuple(
        Fee(
            amount=fee.amount,
            per=fee.per,
            currency=convert(fee.currency, f"tier '{name}' fee {number}"),
            source=fee.source,
        )
        for number, fee in enumerate(tier.fees)
    )
    return tier.model_copy(update={"paths": paths, "fees": fees})
