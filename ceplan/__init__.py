"""ceplan: plan the cheapest way to renew a professional certification.

Load a catalogue of continuing-education activities and exams, then ask for the cheapest plan
that meets one of a tier's renewal paths before the certification expires:

>>> import datetime as dt
>>> import ceplan
>>> catalog = ceplan.load_catalog()
>>> plan = ceplan.optimise(catalog, "professional", today=dt.date(2026, 11, 29))
>>> plan.status
'optimal'

Catalogues of other programmes ship with ceplan too; :func:`programmes` lists them and
``load_catalog("isc2")`` loads one by name.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from ceplan._version import __version__
from ceplan.catalogue.combine import combine_catalogs
from ceplan.catalogue.loading import bundled_catalog_path, load_catalog, parse_catalog, programmes
from ceplan.catalogue.models import Activity, Catalog, Exam, PathRule, Tier
from ceplan.catalogue.programmes import PROGRAMMES
from ceplan.errors import (
    CatalogError,
    CeplanError,
    InputFileError,
    PlanInputError,
    RosterError,
    SolverError,
)
from ceplan.objective import ONE_PERSON, ONE_PERSON_OVER_TIME, Objective, Outcome, Stage
from ceplan.planning.person import compare_paths, compare_slack, optimise
from ceplan.rendering.ics import plan_to_ics
from ceplan.requests.person import PlanRequest, make_request
from ceplan.results.plan import Blocked, PathComparison, Plan, PlannedItem, SlackComparison
from ceplan.status import SOLVERS

if _TYPE_CHECKING:
    from ceplan.planning.team import TeamComparison, plan_team, what_if
    from ceplan.rendering.ics import team_person_to_ics, team_to_ics
    from ceplan.results.team import TeamPlan
    from ceplan.roster.models import Budget, Fund, Person, Roster
    from ceplan.roster.read import load_roster
    from ceplan.solving.backends import Solver, make_solver

_LAZY = {
    "Solver": "ceplan.solving.backends",
    "make_solver": "ceplan.solving.backends",
    **dict.fromkeys(["Budget", "Fund", "Person", "Roster"], "ceplan.roster.models"),
    "load_roster": "ceplan.roster.read",
    **dict.fromkeys(["plan_team", "what_if", "TeamComparison"], "ceplan.planning.team"),
    "TeamPlan": "ceplan.results.team",
    **dict.fromkeys(["team_person_to_ics", "team_to_ics"], "ceplan.rendering.ics"),
}
"""Names that load with what they need (PuLP, a solver) when first asked for, so that
``import ceplan`` stays quick."""


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ceplan' has no attribute {name!r}")


__all__ = [
    "ONE_PERSON",
    "ONE_PERSON_OVER_TIME",
    "PROGRAMMES",
    "SOLVERS",
    "Activity",
    "Blocked",
    "Budget",
    "Catalog",
    "CatalogError",
    "CeplanError",
    "Exam",
    "Fund",
    "InputFileError",
    "Objective",
    "Outcome",
    "PathComparison",
    "PathRule",
    "Person",
    "Plan",
    "PlanInputError",
    "PlanRequest",
    "PlannedItem",
    "Roster",
    "RosterError",
    "SlackComparison",
    "Solver",
    "SolverError",
    "Stage",
    "TeamComparison",
    "TeamPlan",
    "Tier",
    "__version__",
    "bundled_catalog_path",
    "combine_catalogs",
    "compare_paths",
    "compare_slack",
    "load_catalog",
    "load_roster",
    "make_request",
    "make_solver",
    "optimise",
    "parse_catalog",
    "plan_team",
    "plan_to_ics",
    "programmes",
    "team_person_to_ics",
    "team_to_ics",
    "what_if",
]
