"""ceplan: plan the cheapest way to renew a professional certification.

Load a catalogue of continuing-education activities and exams, then ask for the cheapest plan
that meets one of a tier's renewal paths before the certification expires:

>>> import datetime as dt
>>> import ceplan
>>> catalog = ceplan.load_catalog()
>>> plan = ceplan.optimise(catalog, "professional", today=dt.date(2026, 11, 29))
>>> plan.status
'optimal'
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from ceplan._version import __version__
from ceplan.catalog import Activity, Catalog, Exam, PathRule, Tier
from ceplan.errors import (
    CatalogError,
    CeplanError,
    InputFileError,
    PlanInputError,
    RosterError,
    SolverError,
)
from ceplan.ics import plan_to_ics
from ceplan.loading import bundled_catalog_path, load_catalog, parse_catalog
from ceplan.objective import ONE_PERSON, ONE_PERSON_OVER_TIME, Objective, Outcome, Stage
from ceplan.planning import PlanRequest, compare_paths, make_request, optimise
from ceplan.results import Blocked, PathComparison, Plan, PlannedItem
from ceplan.status import SOLVERS

if _TYPE_CHECKING:
    from ceplan.roster import Budget, Fund, Person, Roster, load_roster
    from ceplan.solving import Solver, make_solver
    from ceplan.team_planning import TeamComparison, plan_team, what_if
    from ceplan.team_results import TeamPlan

_LAZY = {
    "Solver": "ceplan.solving",
    "make_solver": "ceplan.solving",
    **dict.fromkeys(["Budget", "Fund", "Person", "Roster", "load_roster"], "ceplan.roster"),
    **dict.fromkeys(["plan_team", "what_if", "TeamComparison"], "ceplan.team_planning"),
    "TeamPlan": "ceplan.team_results",
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
    "Solver",
    "SolverError",
    "Stage",
    "TeamComparison",
    "TeamPlan",
    "Tier",
    "__version__",
    "bundled_catalog_path",
    "compare_paths",
    "load_catalog",
    "load_roster",
    "make_request",
    "make_solver",
    "optimise",
    "parse_catalog",
    "plan_team",
    "plan_to_ics",
    "what_if",
]
