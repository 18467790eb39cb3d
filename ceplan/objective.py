"""The order plans are ranked in, defined once: an ordered list of stages, as data.

A plan is better than another if it is better in the first stage where they differ. The
solver (:mod:`ceplan.solving.stages`) walks the same stages to find the best plan, the results
(:mod:`ceplan.results.plan`) use them to rank plans side by side, and a plan not proved best says in
their words which stages are left unsettled (:meth:`Objective.describe`).

For one person (SPEC sections 3 and 6):

=============  ========================================================================
``cost``       least total cost (whole cents)
``hours``      fewest total hours (rounded to :data:`~ceplan.units.DECIMALS` places)
``renewal``    plans over time only: the latest renewal date (the day the path is met);
               a path already met needs no renewal date and ranks first
``count``      fewest items
``ids``        the smallest ids in sort order: the sorted lists of ids are compared element
               by element, so ``[a, z]`` comes before ``[b, c]``
=============  ========================================================================

When two paths are met by the very same items, the path listed first in the tier wins.

For a team (SPEC 7), :data:`TEAM`: the largest total priority renewed, the least out-of-pocket
spend, the fewest hours, the latest renewals, then each person's own tie-break
(:class:`TeamStage`). The team solver (:mod:`ceplan.solving.team`) walks it; a team plan's
verdict names its stages.

Each stage also says how it is settled (:class:`Settled`): cost, hours and count are sums over
the plan's items (:attr:`Stage.item` says what one item adds), which the solver minimises and the
exact search of :mod:`ceplan.solving.exact` adds up; the renewal is settled with the solver's
renewal markers; the ids position by position. Whoever needs the order reads it from here: a plan's
place is :meth:`Objective.key` of its :meth:`Outcome.of`, an item's is :func:`item_key` (the
order of the plans that hold one item each), and arrays of items sort by :func:`item_columns`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from ceplan.units import DECIMALS

__all__ = [
    "CHEAPEST",
    "COST",
    "EACH_PERSON",
    "OUT_OF_POCKET",
    "PRIORITY",
    "TEAM",
    "TEAM_HOURS",
    "TEAM_RENEWALS",
    "COUNT",
    "HOURS",
    "IDS",
    "ITEM_STAGES",
    "Item",
    "ONE_PERSON",
    "ONE_PERSON_OVER_TIME",
    "RENEWAL",
    "Objective",
    "Outcome",
    "Settled",
    "Stage",
    "TeamStage",
    "item_columns",
    "item_key",
    "objective_for",
]


class Item(Protocol):
    """What the order reads of an item: its cost in cents, hours and id.

    Arrays of items qualify too (:func:`item_columns`), with the places of the ids in sort
    order standing for the ids.
    """

    @property
    def cents(self) -> Any:
        """The cost in whole cents."""

    @property
    def hours(self) -> Any:
        """The hours, rounded to :data:`~ceplan.units.DECIMALS` places."""

    @property
    def id(self) -> Any:
        """The id (or, in arrays, its place when the ids are sorted)."""


@dataclass(frozen=True)
class Outcome:
    """What the objective compares about one plan.

    ``renewal`` is the day the chosen path is met, ``None`` when it already is (the planner
    also leaves it ``None`` for a plan without dates, whose order has no renewal stage).
    """

    cents: int
    hours: float
    renewal: dt.date | None
    ids: tuple[str, ...]
    path_index: int = 0

    @property
    def count(self) -> int:
        """The number of items in the plan."""
        return len(self.ids)

    @classmethod
    def of(
        cls, items: Iterable[Item], *, renewal: dt.date | None = None, path_index: int = 0
    ) -> Outcome:
        """The outcome of a plan of ``items`` (anything with ``cents``, ``hours`` and ``id``).

        Examples
        --------
        >>> from types import SimpleNamespace as Item
        >>> Outcome.of([Item(id="b", cents=100, hours=1.5), Item(id="a", cents=0, hours=0.25)])
        Outcome(cents=100, hours=1.75, renewal=None, ids=('a', 'b'), path_index=0)
        """
        chosen = list(items)
        return cls(
            cents=sum(item.cents for item in chosen),
            hours=sum(item.hours for item in chosen),
            renewal=renewal,
            ids=tuple(sorted(item.id for item in chosen)),
            path_index=path_index,
        )


class Settled(enum.Enum):
    """How a stage is settled once the stages before it are held."""

    SUM = "a sum over the plan's items: the solver minimises it, the exact search adds it up"
    RENEWAL = "the latest renewal: the solver's renewal markers, maximised"
    IDS = "the smallest sorted ids: position by position, with no search over equal plans"
    EACH_PERSON = "in a team, each person's own tie-break, one person at a time"


@dataclass(frozen=True)
class Stage:
    """One level of the order: what it prefers, how two plans compare on it, how it is settled."""

    name: str
    goal: str
    """What the stage prefers, in words (``"the least cost"``)."""
    rank: Callable[[Outcome], Any]
    """A value that is smaller for the preferred plan."""
    settled: Settled = Settled.SUM
    """How the stage is settled (see :class:`Settled`)."""
    item: Callable[[Item], Any] | None = None
    """What one item gives the stage: for a sum, what it adds; for the ids, its id. ``None``
    for the renewal, which is not an item's own."""
    places: int = 0
    """A sum's items count to this many decimal places: ``round(value * 10**places)`` is whole."""

    def key(self, outcome: Outcome) -> Any:
        """The stage's value for ``outcome``: smaller is better."""
        return self.rank(outcome)

    def whole(self, value: float) -> int:
        """A sum's ``value`` (of an item or a plan) as the whole number it counts in.

        Examples
        --------
        >>> HOURS.whole(1.25), COST.whole(1999), COUNT.whole(3)
        (1250000, 1999, 3)
        """
        scale: int = 10**self.places
        return round(value * scale)


_ALREADY_MET = -(10**8)  # below every -date.toordinal(): nothing left to do ranks first

COST = Stage("cost", "the least cost", rank=lambda o: o.cents, item=lambda i: i.cents)
HOURS = Stage(
    "hours",
    "the fewest hours",
    rank=lambda o: round(o.hours, DECIMALS),
    item=lambda i: i.hours,
    places=DECIMALS,
)
RENEWAL = Stage(
    "renewal",
    "the latest renewal date",
    rank=lambda o: _ALREADY_MET if o.renewal is None else -o.renewal.toordinal(),
    settled=Settled.RENEWAL,
)
COUNT = Stage("count", "the fewest items", rank=lambda o: o.count, item=lambda i: 1)
IDS = Stage(
    "ids",
    "the smallest ids in sort order",
    rank=lambda o: tuple(sorted(o.ids)),
    settled=Settled.IDS,
    item=lambda i: i.id,
)


@dataclass(frozen=True)
class Objective:
    """An ordered list of stages; plans are ranked by the first stage where they differ."""

    stages: tuple[Stage, ...]

    def key(self, outcome: Outcome) -> tuple[Any, ...]:
        """A sort key: ``min(plans, key=...)`` is the plan the rules choose.

        Examples
        --------
        >>> a = Outcome(cents=500, hours=2.0, renewal=None, ids=("b",))
        >>> b = Outcome(cents=500, hours=2.0, renewal=None, ids=("a", "c"))
        >>> min([a, b], key=ONE_PERSON.key) is a
        True
        """
        return (*(stage.key(outcome) for stage in self.stages), outcome.path_index)

    def describe(self) -> str:
        """The order in words.

        Examples
        --------
        >>> Objective((COST, HOURS)).describe()
        'the least cost, then the fewest hours'
        """
        return ", then ".join(stage.goal for stage in self.stages)

    def after(self, stage: Stage) -> tuple[Stage, ...]:
        """The stages that come after ``stage``."""
        return self.stages[self.stages.index(stage) + 1 :]

    @property
    def sums(self) -> tuple[Stage, ...]:
        """The stages that are sums over the plan's items, in order."""
        return tuple(stage for stage in self.stages if stage.settled is Settled.SUM)

    def only(self, *stages: Stage) -> Objective:
        """The order kept to ``stages`` (those of its own, in its order).

        Examples
        --------
        >>> ONE_PERSON_OVER_TIME.only(COST, IDS, HOURS).describe()
        'the least cost, then the fewest hours, then the smallest ids in sort order'
        """
        return Objective(tuple(stage for stage in self.stages if stage in stages))


ONE_PERSON = Objective((COST, HOURS, COUNT, IDS))
"""One person's plan without dates (SPEC 3)."""

ONE_PERSON_OVER_TIME = Objective((COST, HOURS, RENEWAL, COUNT, IDS))
"""One person's plan over time, with weekly hours or days away (SPEC 6)."""


CHEAPEST = ONE_PERSON.only(COST, IDS)
"""The least cost alone, ties to the smallest ids: how a price ceiling picks a plan to fall back
on (the planner's, when the solver finds none in time)."""


def objective_for(*, over_time: bool) -> Objective:
    """The one-person objective for a plan with or without dates."""
    return ONE_PERSON_OVER_TIME if over_time else ONE_PERSON


ITEM_STAGES = tuple(
    stage
    for stage in ONE_PERSON_OVER_TIME.stages
    if stage.item is not None and stage is not COUNT  # one for every one-item plan
)
"""The stages in which one-item plans can differ, in order: cost, hours, ids."""

_ITEM_VALUES = tuple(stage.item for stage in ITEM_STAGES if stage.item is not None)


def item_key(item: Item) -> tuple[Any, ...]:
    """An item's place in the order: that of the plan holding it alone, among such plans.

    The stages every one-item plan shares (the count; the renewal, which is not the item's
    own) are left out, so it is ``(cents, hours, id)``; items (and their plans) sort alike by
    it and by :meth:`Objective.key` (``tests/test_objective.py``). Dominance
    (:func:`ceplan.candidates.items.reduce_dominated`) and the exams a best plan takes walk items in
    this order.

    Examples
    --------
    >>> from types import SimpleNamespace as Item
    >>> item_key(Item(id="a", cents=500, hours=2.0))
    (500, 2.0, 'a')
    """
    return tuple(value(item) for value in _ITEM_VALUES)


def item_columns(items: Item) -> list[Any]:
    """The columns that sort arrays of items by :func:`item_key`, for ``numpy.lexsort``.

    ``items`` holds arrays (``cents``, ``hours``, and ``id``: each id's place in sort order);
    ``lexsort`` sorts by its last key first, so the columns come last stage first.
    """
    return [value(items) for value in reversed(_ITEM_VALUES)]


# -- a team's order (SPEC 7) ---------------------------------------------------------------------


@dataclass(frozen=True)
class TeamStage:
    """One level of a team's order: what it prefers, how it is settled and held.

    A team's stages are not ranks of one plan's :class:`Outcome` but sums over the whole team's
    model (or, last, a walk over its people), so they are a type of their own.
    """

    name: str
    goal: str
    """What the stage prefers, in words."""
    settled: Settled
    held_within: float | None = None
    """How closely the optimum is held while later stages run: one row, the expression at most
    the optimum rounded to a whole number plus ``held_within``. Every team stage's optimum is
    a whole number (priorities are whole; money is in whole cents, and with the items fixed
    the most the funds can pay is a flow with whole capacities; hours count in whole steps,
    renewals in days), so rounding takes off a solver's own tolerance (CBC's answers are read
    back to a few decimals). Whole numbers of items' own (hours, days) are held within 0.5;
    priority and money, whose continuous payments could otherwise drift by fractions of a
    cent, within 1e-6. ``None``: not held by a row (the last stage fixes each person's items
    instead)."""
    at_least_zero: bool = False
    """Whether the stage's value is never below 0 (money, hours), whatever bound a solver
    proves: a gap is measured against 0 then."""


PRIORITY = TeamStage(
    "priority", "the largest total priority renewed", Settled.SUM, held_within=1e-6
)
OUT_OF_POCKET = TeamStage(
    "out_of_pocket",
    "the least out-of-pocket spend",
    Settled.SUM,
    held_within=1e-6,
    at_least_zero=True,
)
TEAM_HOURS = TeamStage(
    "hours", "the fewest hours in total", Settled.SUM, held_within=0.5, at_least_zero=True
)
TEAM_RENEWALS = TeamStage("renewal", "the latest renewals", Settled.RENEWAL, held_within=0.5)
EACH_PERSON = TeamStage("ids", "each person's own tie-break", Settled.EACH_PERSON)

TEAM = (PRIORITY, OUT_OF_POCKET, TEAM_HOURS, TEAM_RENEWALS, EACH_PERSON)
"""A team's order, in turn (SPEC 7; see :mod:`ceplan.solving.team` for how each is solved)."""
