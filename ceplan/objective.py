"""The order plans are ranked in, defined once: an ordered list of stages, as data.

A plan is better than another if it is better in the first stage where they differ. The
solver (:mod:`ceplan.solving`) walks the same stages to find the best plan, the results
(:mod:`ceplan.results`) use them to rank plans side by side, and a plan not proved best says in
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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ceplan.units import DECIMALS

__all__ = [
    "COST",
    "COUNT",
    "HOURS",
    "IDS",
    "ONE_PERSON",
    "ONE_PERSON_OVER_TIME",
    "RENEWAL",
    "Objective",
    "Outcome",
    "Stage",
    "objective_for",
]


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


@dataclass(frozen=True)
class Stage:
    """One level of the order: what it prefers and how two plans compare on it."""

    name: str
    goal: str
    """What the stage prefers, in words (``"the least cost"``)."""
    rank: Callable[[Outcome], Any]
    """A value that is smaller for the preferred plan."""

    def key(self, outcome: Outcome) -> Any:
        """The stage's value for ``outcome``: smaller is better."""
        return self.rank(outcome)


_ALREADY_MET = -(10**8)  # below every -date.toordinal(): nothing left to do ranks first

COST = Stage("cost", "the least cost", rank=lambda o: o.cents)
HOURS = Stage("hours", "the fewest hours", rank=lambda o: round(o.hours, DECIMALS))
RENEWAL = Stage(
    "renewal",
    "the latest renewal date",
    rank=lambda o: _ALREADY_MET if o.renewal is None else -o.renewal.toordinal(),
)
COUNT = Stage("count", "the fewest items", rank=lambda o: o.count)
IDS = Stage("ids", "the smallest ids in sort order", rank=lambda o: tuple(sorted(o.ids)))


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


ONE_PERSON = Objective((COST, HOURS, COUNT, IDS))
"""One person's plan without dates (SPEC 3)."""

ONE_PERSON_OVER_TIME = Objective((COST, HOURS, RENEWAL, COUNT, IDS))
"""One person's plan over time, with weekly hours or days away (SPEC 6)."""


def objective_for(*, over_time: bool) -> Objective:
    """The one-person objective for a plan with or without dates."""
    return ONE_PERSON_OVER_TIME if over_time else ONE_PERSON
