"""A team's planning inputs, checked once for every team planner (SPEC 5 and 7).

:func:`make_team_request` takes what :func:`ceplan.plan_team` and :func:`ceplan.what_if` are
given, in the forms a notebook has at hand, and returns a :class:`TeamRequest`: the catalogue,
the roster checked against it and against ``today`` (every problem named by person, budget or
fund and field), the time limit, and each person's one-person request
(:func:`ceplan.planning.person.make_request`), or, on a catalogue of schema 2, their request
under its rules (:func:`ceplan.requests.held.make_held_request`: the tiers they hold). Bad
input raises a ceplan error naming the argument, as :func:`ceplan.optimise` does, never a raw
Python exception.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ceplan.catalogue.loading import as_catalog
from ceplan.catalogue.models import Catalog
from ceplan.errors import PlanInputError, RosterError
from ceplan.inputs import as_entries, as_number, as_optional_date, as_optional_number
from ceplan.requests.held import HeldRequest, make_held_request
from ceplan.requests.person import PlanRequest, make_request
from ceplan.roster.models import Roster
from ceplan.roster.read import check_roster, load_roster

__all__ = ["ROSTER_NAME", "TeamRequest", "as_progress", "make_team_request", "roster_with"]

ROSTER_NAME = "<roster>"
"""How problems name a roster given as an object or as data rather than as a file."""


@dataclass(frozen=True)
class TeamRequest:
    """Checked inputs for a team's plan (see :func:`make_team_request`)."""

    catalog: Catalog
    roster: Roster
    today: dt.date
    time_limit: float | None
    """Seconds for the whole call (building, solving and the reasons), or ``None``."""
    requests: Mapping[str, PlanRequest]
    """Each person's one-person request, by person id (a schema 1 catalogue's)."""
    held: Mapping[str, HeldRequest] = field(default_factory=dict)
    """Each person's request under schema 2's rules (:mod:`ceplan.requests.held`), by person
    id: for a schema 2 catalogue, whose people have no :attr:`requests`."""

    @property
    def under_schema_2(self) -> bool:
        """Whether the team is planned under schema 2's rules (its catalogue is schema 2)."""
        return self.catalog.schema_version != 1


def make_team_request(
    catalog: Any, roster: Any, *, today: Any = None, time_limit: Any = None
) -> TeamRequest:
    """Check a team's planning inputs; see :func:`ceplan.plan_team` for their meaning.

    Parameters
    ----------
    catalog
        A :class:`~ceplan.catalogue.models.Catalog` or the path of a catalogue file.
    roster
        A :class:`~ceplan.roster.models.Roster`, the path of a roster file, or roster data as in the
        YAML (a mapping).
    today
        The first day of the plan, as :func:`ceplan.inputs.as_date` takes it (default: today).
    time_limit
        Seconds, a finite number > 0, or ``None``.

    Raises
    ------
    PlanInputError
        For an argument of the wrong kind, naming it.
    RosterError
        For a roster that breaks a rule, or asks for what the catalogue does not have, or whose
        expiries cannot be planned from ``today``: every problem, each naming the person (or
        budget, or fund) and the field.
    CatalogError
        For a catalogue file that cannot be read or is not valid.
    """
    loaded = as_catalog(catalog)
    day = as_optional_date(today, "today") or dt.date.today()
    seconds = as_optional_number(time_limit, "time_limit", positive=True)
    team = _as_roster(roster, loaded, day)
    requests: dict[str, PlanRequest] = {}
    held: dict[str, HeldRequest] = {}
    problems = []
    for index, person in enumerate(team.people):
        try:
            if loaded.schema_version != 1:
                held[person.id] = make_held_request(loaded, today=day, **person.held_inputs())
            else:
                requests[person.id] = make_request(
                    loaded, person.tier, today=day, **person.inputs()
                )
        except PlanInputError as exc:  # what the roster's own checks do not cover
            problems.append(
                RosterError.Problem(
                    file=ROSTER_NAME, item=f"people[{index}] '{person.id}'", message=str(exc)
                )
            )
    if problems:
        raise RosterError.from_problems(problems)
    return TeamRequest(loaded, team, day, seconds, requests, held)


def _as_roster(value: Any, catalog: Catalog, today: dt.date) -> Roster:
    """The roster given, checked against the catalogue and ``today``."""
    if isinstance(value, str | os.PathLike):
        return load_roster(value, catalog=catalog, today=today)
    if isinstance(value, Roster):
        data: Any = value.model_dump(by_alias=True)
    elif isinstance(value, Mapping):
        data = value
    else:
        raise PlanInputError(
            "roster must be a Roster, the path of a roster file or roster data (a mapping), "
            f"not {type(value).__name__}"
        )
    return check_roster(data, ROSTER_NAME, catalog=catalog, today=today)


def roster_with(
    roster: Roster,
    catalog: Catalog,
    today: dt.date,
    *,
    budgets: Any = None,
    funds: Any = None,
    budget_factor: Any = None,
    name: str = ROSTER_NAME,
) -> Roster:
    """``roster`` with other budgets or funds, checked by the roster's own rules.

    ``budgets`` and ``funds`` replace the roster's (models or plain data, as in the YAML);
    ``budget_factor`` (a number >= 0) then scales every budget period's amount. Overlapping or
    reversed periods, amounts out of range and the rest are refused as in a roster file, each
    problem naming ``name`` where a file would be named.
    """
    data = roster.model_dump(by_alias=True)
    if budgets is not None:
        data["budgets"] = [_plain(entry) for entry in as_entries(budgets, "budgets")]
    if funds is not None:
        data["funds"] = [_plain(entry) for entry in as_entries(funds, "funds")]
    if budget_factor is not None:
        factor = as_number(budget_factor, "budget_factor")
        data["budgets"] = [
            {**entry, "amount": entry["amount"] * factor}
            if isinstance(entry, Mapping) and isinstance(entry.get("amount"), int | float)
            else entry
            for entry in data["budgets"]
        ]
    return check_roster(data, name, catalog=catalog, today=today)


def _plain(entry: Any) -> Any:
    """A budget or fund as plain data (a model's fields), anything else as given."""
    dump = getattr(entry, "model_dump", None)
    return dump() if callable(dump) else entry


def as_progress(value: Any) -> Callable[[str], None] | None:
    """``None``, or a callable that takes a line of text.

    Examples
    --------
    >>> as_progress(print) is print
    True
    >>> as_progress("yes")
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: progress must be a function taking a line of text, not str
    """
    if value is None or callable(value):
        return value  # type: ignore[no-any-return]
    raise PlanInputError(
        f"progress must be a function taking a line of text, not {type(value).__name__}"
    )
