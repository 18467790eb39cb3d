"""Planning one person's renewal: :func:`optimise`, :func:`compare_paths`, both, and slack.

:func:`compare_slack` says what a margin before the do-by date costs.

The flow is one way: inputs as a notebook has them -> a checked
:class:`~ceplan.requests.person.PlanRequest` -> usable items (dates, completed, excluded) -> items
that can never be in the best plan dropped -> integer programme -> the objective's stages
(:mod:`ceplan.objective`, :mod:`ceplan.solving.stages`) -> :class:`~ceplan.results.plan.Plan`.
When no plan exists, each path gets a reason in words, and the numbers behind it (the weekly
hours a path needs, its cheapest cost) on the plan.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from ceplan.candidates.items import (
    Candidate,
    drop_redundant,
    meets,
    shrink,
    still_needed,
    usable_for,
)
from ceplan.catalogue.loading import as_catalog
from ceplan.catalogue.models import Catalog, PathRule
from ceplan.errors import PlanInputError, SolverError
from ceplan.inputs import (
    as_optional_number,
)
from ceplan.model.schedule import greedy_fitting_plan, schedule
from ceplan.objective import CHEAPEST, COST, Objective, Outcome, objective_for
from ceplan.planning.report import (
    Report,
    by_date,
    in_time,
    set_aside_exams,
    shortfall,
    too_few_hours,
    too_late_reason,
)
from ceplan.requests.person import PlanRequest, make_request
from ceplan.results.plan import Blocked, PathComparison, Plan, SlackComparison, Why
from ceplan.solving import exact
from ceplan.solving.exact import PathBest
from ceplan.status import Deadline, Solution
from ceplan.weeks import Calendar

if TYPE_CHECKING:  # the integer programme, its solvers and numpy load only when needed
    from ceplan.candidates.arrays import Usable
    from ceplan.model.block import Formulation
    from ceplan.solving.backends import Solver

__all__ = [
    "COMPARISON_SHARE",
    "compare_paths",
    "compare_slack",
    "optimise",
    "optimise_and_compare",
    "without_slack",
]

BULK_ITEMS = 500
"""From this many activities and exams, plans without dates decide which items are usable and
which can be in a best plan over arrays (:mod:`ceplan.candidates.arrays`)."""


def optimise(
    catalog: Catalog | str | Any,
    tier: str | Sequence[str],
    *,
    expires: Any = None,
    today: Any = None,
    earned: Any = None,
    earned_by_category: Any = None,
    earned_per_year: Any = None,
    passed: Any = (),
    completed: Any = (),
    exclude: Any = (),
    budget: Any = None,
    allow_exams: Any = True,
    processing_days: Any = None,
    hours_per_week: Any = None,
    unavailable: Any = (),
    slack_days: Any = 0,
    solver: str | Solver | Any | None = None,
    time_limit: Any = None,
) -> Plan:
    """Find the cheapest plan that renews ``tier`` before the certification expires.

    ``tier`` may also be several tiers held at once (a list of names): the plan then renews
    them all at the least total cost, under the rules of catalogue schema 2 (SPEC 9, see
    :mod:`ceplan.planning.held`), as it does for any tier of a schema 2 catalogue. Inputs that
    may differ by tier (``expires``, ``earned``, ``earned_by_category``, ``earned_per_year``,
    ``passed``) are then given once for every tier or as a mapping by tier
    (:mod:`ceplan.requests.held` says how).

    Inputs are taken in the forms a notebook has at hand: dates as ``datetime.date``,
    ``datetime.datetime``, ``pandas.Timestamp``, ``numpy.datetime64`` or ``"YYYY-MM-DD"``;
    numbers as any real number (numpy scalars included); ids and kinds as any iterable, a
    single string being a single id.

    Parameters
    ----------
    catalog
        A loaded catalogue (:func:`ceplan.load_catalog`) or the path of a catalogue file.
    tier
        A tier name of the catalogue, e.g. ``"professional"``, or a list of them.
    expires
        The day the certification expires (or ``{tier: day}``). Default: ``today`` plus the
        tier's period.
    today
        The day planning starts. Default: the real date.
    earned
        Credits already earned in this period (or ``{tier: credits}``; default 0).
    earned_by_category
        Schema 2: how many of the credits earned are in each category, ``{category: credits}``
        (or ``{tier: {category: credits}}``).
    earned_per_year
        Schema 2: credits earned in each year of the cycle so far, ``{year: credits}`` with
        ``year`` 1 for the first (or ``{tier: {year: credits}}``): a hard yearly minimum counts
        them.
    passed
        Exams already passed in this period: kind -> count, or one kind per exam (or
        ``{tier: kinds}``).
    completed, exclude
        Ids of items already done, or not wanted; neither is planned. A completed item's
        credits count only through ``earned``.
    budget
        The most the plan may cost, in the catalogue currency.
    allow_exams
        Whether new exams may be planned.
    processing_days
        Days before expiry by which everything must be complete. Default: the catalogue's.
    hours_per_week
        Self-study hours the person can spare each week (default: no limit). Plans then say
        when each item is done and never ask for more hours in any week.
    unavailable
        ``(first, last)`` day ranges when the person can neither study nor attend a session.
    slack_days
        Days to keep free before the do-by date (default 0): every item must be done this many
        days earlier, so that a failed sitting or a busy month still leaves time. The plan's
        ``complete_by`` is the date moved; ``plan.slack`` is the days it keeps in fact, and
        :func:`compare_slack` says what the safety costs.
    solver
        ``"auto"`` (default: the exact dynamic programme of :mod:`ceplan.solving.exact` for plans
        without dates where it applies, else HiGHS), ``"highs"``, ``"cbc"``, a
        :class:`~ceplan.solving.backends.Solver` or a PuLP solver object (each solve runs a copy
        of it with the time left and no relative gap, see
        :func:`~ceplan.solving.backends.make_solver`).
    time_limit
        Seconds the whole call may take; when they run out, the best plan found so far is
        returned with ``status`` ``"feasible"`` (or ``"unknown"`` if none was found).

    Returns
    -------
    Plan
        ``status`` ``"optimal"`` with the chosen path and items, or ``"infeasible"`` with one
        reason per path; see :class:`~ceplan.results.plan.Plan`.

    Examples
    --------
    >>> import ceplan
    >>> catalog = ceplan.load_catalog()
    >>> plan = ceplan.optimise(catalog, "associate", today="2026-11-29")
    >>> plan.status, plan.path.describe(), plan.total_cost
    ('optimal', '1 associate exam', 237.0)
    """
    loaded = as_catalog(catalog)
    inputs = {
        "expires": expires,
        "today": today,
        "earned": earned,
        "earned_by_category": earned_by_category,
        "earned_per_year": earned_per_year,
        "passed": passed,
        "completed": completed,
        "exclude": exclude,
        "budget": budget,
        "allow_exams": allow_exams,
        "processing_days": processing_days,
        "hours_per_week": hours_per_week,
        "unavailable": unavailable,
        "slack_days": slack_days,
    }
    if _held(loaded, tier, inputs):
        return _HeldPlanner(loaded, tier, solver, time_limit, inputs).plan()
    planner = _planner(loaded, tier, solver, time_limit, inputs)
    return planner.plan(range(len(planner.rules)))


def compare_paths(
    catalog: Catalog | str | Any,
    tier: str | Sequence[str],
    *,
    of: str | None = None,
    solver: str | Solver | Any | None = None,
    time_limit: Any = None,
    **inputs: Any,
) -> PathComparison:
    """The best plan for each path of ``tier`` on its own, side by side.

    Takes the same inputs as :func:`optimise` (``time_limit`` covers all the paths).
    ``comparison.best`` is the plan :func:`optimise` returns; ``comparison.to_frame()`` is a
    table with one row per path.

    With several tiers held, ``of`` names the tier whose paths are compared: each plan renews
    every tier held, the tier ``of`` by that path (not through another tier), the others as
    suits the whole plan best.

    Examples
    --------
    >>> import ceplan
    >>> catalog = ceplan.load_catalog()
    >>> table = ceplan.compare_paths(catalog, "professional", today=dt.date(2026, 11, 29))
    >>> list(table.to_frame().columns)[:3]
    ['path', 'path_index', 'status']
    """
    loaded = as_catalog(catalog)
    if _held(loaded, tier, _only_schema_2(inputs)):
        held = _HeldPlanner(loaded, tier, solver, time_limit, inputs)
        return held.comparison(of, None)
    planner = _planner(loaded, tier, solver, time_limit, inputs)
    plans = tuple(planner.plan([index]) for index in range(len(planner.rules)))
    return planner.comparison(plans)


COMPARISON_SHARE = 0.1
"""With a time limit, :func:`optimise_and_compare` gives the other paths what the plan left of
it, and never less than this share of it."""


def optimise_and_compare(
    catalog: Catalog | str | Any,
    tier: str | Sequence[str],
    *,
    of: str | None = None,
    solver: str | Solver | Any | None = None,
    time_limit: Any = None,
    **inputs: Any,
) -> tuple[Plan, PathComparison | None]:
    """:func:`optimise`'s plan and, beside it, each other path's best on its own, planned once.

    What ``ceplan optimise --format table`` shows. Takes the inputs of :func:`optimise`, and
    gives the very plan it gives. One planner makes both: the usable items are worked out
    once, and the chosen path is not planned again on its own (its entry in the comparison is
    the plan itself; each other path's is what :func:`compare_paths` gives it). The comparison
    is ``None`` when the plan has no other paths to compare: none was found, the tier is
    already met, or the tier has one path. With ``time_limit``, the other paths get what the
    plan left of it, and never less than :data:`COMPARISON_SHARE` of it. With several tiers
    held, the paths compared are those of ``of`` (as :func:`compare_paths`), and without
    ``of`` there is no comparison.

    Examples
    --------
    >>> import ceplan
    >>> catalog = ceplan.load_catalog()
    >>> plan, comparison = optimise_and_compare(catalog, "professional", today="2026-11-29")
    >>> plan.path.describe(), [other.total_cost for other in comparison.plans][1:3]
    ('1 core exam', [2737.0, 2816.0])
    """
    loaded = as_catalog(catalog)
    if _held(loaded, tier, _only_schema_2(inputs)):
        held = _HeldPlanner(loaded, tier, solver, time_limit, inputs)
        chosen = held.plan()
        name = held.compared(of) if of is not None or len(held.request.held) == 1 else None
        if name is None or not chosen.found or chosen.already_met:
            return chosen, None
        if len(loaded.tiers[name].paths) < 2:
            return chosen, None
        held.share_time()
        return chosen, held.comparison(name, chosen)
    planner = _planner(loaded, tier, solver, time_limit, inputs)
    chosen = planner.plan(range(len(planner.rules)))
    if not chosen.found or chosen.already_met or len(planner.rules) < 2:
        return chosen, None
    limit = planner.deadline.seconds
    if limit is not None:  # what is left, and never less than the share
        left = planner.deadline.remaining() or 0.0
        planner.deadline = Deadline(max(left, limit * COMPARISON_SHARE))
    plans = tuple(
        chosen if index == chosen.path_index else planner.plan([index])
        for index in range(len(planner.rules))
    )
    return chosen, planner.comparison(plans)


def compare_slack(
    catalog: Catalog | str | Any,
    tier: str,
    *,
    slack_days: Any,
    solver: str | Solver | Any | None = None,
    time_limit: Any = None,
    **inputs: Any,
) -> SlackComparison:
    """The plan with ``slack_days`` of slack beside the plan without: what the safety costs.

    Takes the inputs of :func:`optimise`; ``time_limit`` is for each of the two plans (as
    :func:`ceplan.what_if` does for a team). ``comparison.extra_cost`` and ``extra_hours`` are
    what finishing ``slack_days`` earlier costs more; ``comparison.summary()`` says it in a line.

    Examples
    --------
    >>> import ceplan
    >>> catalog = ceplan.load_catalog()
    >>> comparison = compare_slack(catalog, "professional", slack_days=30, today="2026-11-29",
    ...     expires="2029-11-29", exclude=["encor-350-401"])
    >>> comparison.with_slack.slack, comparison.extra_cost, comparison.extra_hours
    (30, 0.0, 0.0)
    """
    loaded = as_catalog(catalog)
    with_slack = optimise(
        loaded, tier, slack_days=slack_days, solver=solver, time_limit=time_limit, **inputs
    )
    plain = optimise(loaded, tier, solver=solver, time_limit=time_limit, **without_slack(inputs))
    return SlackComparison(plain, with_slack)


def without_slack(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs of :func:`optimise` with no slack: the plan a plan with slack is compared with.

    Examples
    --------
    >>> without_slack({"tier": "associate", "slack_days": 30})
    {'tier': 'associate', 'slack_days': 0}
    """
    return {**inputs, "slack_days": 0}


def _held(catalog: Catalog, tier: Any, inputs: Mapping[str, Any]) -> bool:
    """Whether a call plans under schema 2's rules (:mod:`ceplan.planning.held`).

    A schema 2 catalogue always; a schema 1 catalogue for a list of tiers, an input only schema 2
    has, or an expiry or credits earned given by tier. One tier of a schema 1 catalogue is
    planned as it always was.
    """
    if catalog.schema_version != 1:
        return True
    listed = (
        not isinstance(tier, str)
        and isinstance(tier, Iterable)
        and not isinstance(tier, Mapping | bytes)
    )
    by_tier = any(isinstance(inputs.get(name), Mapping) for name in ("expires", "earned"))
    schema_2 = any(inputs.get(name) is not None for name in SCHEMA_2_INPUTS)
    return listed or by_tier or schema_2


SCHEMA_2_INPUTS = ("earned_by_category", "earned_per_year")
"""Inputs that only plans under schema 2's rules take."""


def _only_schema_2(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs of ``inputs`` that say a plan is under schema 2's rules (see :func:`_held`)."""
    return {name: inputs.get(name) for name in (*SCHEMA_2_INPUTS, "expires", "earned")}


class _HeldPlanner:
    """One request under schema 2's rules (SPEC 9): one or more tiers held.

    Its plans are :func:`~ceplan.planning.held.plan_held`'s, the whole plan or the plan with
    one tier renewed by one of its paths (for a comparison).
    """

    def __init__(
        self,
        catalog: Catalog,
        tier: Any,
        solver: str | Solver | Any | None,
        time_limit: Any,
        inputs: Mapping[str, Any],
    ) -> None:
        from ceplan.requests.held import make_held_request
        from ceplan.solving.backends import make_solver

        self.catalog = catalog
        self.request = make_held_request(catalog, tier, **inputs)
        self.deadline = Deadline(as_optional_number(time_limit, "time_limit", positive=True))
        self.solver = make_solver("highs" if solver in (None, "auto") else solver)
        self.exact = solver is None or (isinstance(solver, str) and solver == "auto")
        """Whether the exact DP may plan where it applies (``"auto"``)."""

    def plan(self, path: tuple[str, int] | None = None) -> Plan:
        """The best plan; with ``path`` (tier, position), the tier renewed by that path."""
        from ceplan.planning.held import plan_held

        return plan_held(
            self.catalog, self.request, self.solver, self.deadline, path=path, exact=self.exact
        )

    def compared(self, of: str | None) -> str:
        """The tier whose paths a comparison compares: ``of``, or the only tier held."""
        tiers = self.request.tiers
        if of is None:
            if len(tiers) > 1:
                raise PlanInputError(
                    f"of: name the tier whose paths to compare (the tiers held: {', '.join(tiers)})"
                )
            return tiers[0]
        if of not in tiers:
            raise PlanInputError(
                f"of: {of!r} is not a tier held here (the tiers held: {', '.join(tiers)})"
            )
        return of

    def share_time(self) -> None:
        """Give the comparison what the plan left of the time limit, at least its share."""
        limit = self.deadline.seconds
        if limit is not None:
            left = self.deadline.remaining() or 0.0
            self.deadline = Deadline(max(left, limit * COMPARISON_SHARE))

    def comparison(self, of: str | None, chosen: Plan | None) -> PathComparison:
        """Each path of the tier ``of`` (see :meth:`compared`), the whole plan by each.

        ``chosen``: the plan found already, which stands for the path it renews ``of`` by.
        """
        name = self.compared(of)
        paths = tuple(self.catalog.tiers[name].paths)
        held = {h.tier: h for h in chosen.held} if chosen is not None else {}
        own = held.get(name)
        plans = tuple(
            chosen
            if chosen is not None
            and own is not None
            and own.renewed_through is None
            and own.path_index == index
            else self.plan((name, index))
            for index in range(len(paths))
        )
        return PathComparison(tier=name, currency=self.catalog.currency, paths=paths, plans=plans)


def _planner(
    catalog: Catalog | str | Any,
    tier: Any,
    solver: str | Solver | Any | None,
    time_limit: Any,
    inputs: Mapping[str, Any],
) -> _Planner:
    """The planner of one request: the catalogue loaded, the inputs checked, the clock started."""
    loaded = as_catalog(catalog)
    schema_1 = {name: value for name, value in inputs.items() if name not in SCHEMA_2_INPUTS}
    if schema_1.get("earned", 0) is None:  # not given: none earned
        schema_1["earned"] = 0
    request = make_request(loaded, tier, **schema_1)
    deadline = Deadline(as_optional_number(time_limit, "time_limit", positive=True))
    return _Planner(loaded, request, solver, deadline)


class _Planner:
    """One request against one catalogue: the steps below, called in order for a set of paths.

    It holds the request, the catalogue, the deadline and the solver, and what the person can
    use (:class:`_Usable`, worked out once). Each step takes its inputs and returns its value:
    the plan settled without a search (:meth:`_settled_early`), what rules a path out whatever
    the money (:meth:`_shortfall`), the exact answer (:func:`_exact_answer`), the price ceiling
    and the plan to fall back on (:meth:`_ceiling`), the model (:meth:`_builder`), why an open
    path has no plan (:meth:`_why_not`), and the plan itself (:class:`Report`).
    """

    def __init__(
        self,
        catalog: Catalog,
        request: PlanRequest,
        solver: str | Solver | Any | None,
        deadline: Deadline,
    ) -> None:
        self.catalog = catalog
        self.request = request
        self.choice = "auto" if solver is None else solver
        self.deadline = deadline
        if self.choice != "auto":
            _ = self.solver  # a solver that cannot be had is an error now, not after a search
        self.rules: tuple[PathRule, ...] = tuple(catalog.tiers[request.tier].paths)
        self.passed = dict(request.passed)
        self.calendar = request.calendar
        self.limited = request.hours_per_week is not None
        self.objective: Objective = objective_for(over_time=request.timed)
        self.usable = _Usable(catalog, request, self.calendar)
        self.report = Report(catalog, request, self.rules, self.objective, self.calendar)
        self._exact: dict[tuple[int, ...], _Exact | None] = {}
        """Each set of paths' exact answer, once :meth:`exact` has worked it out."""

    @cached_property
    def solver(self) -> Solver:
        """The MILP solver: the one asked for, or HiGHS when the choice is ``"auto"``."""
        from ceplan.solving.backends import make_solver

        return make_solver("highs" if self.choice == "auto" else self.choice)

    def comparison(self, plans: Sequence[Plan]) -> PathComparison:
        """``plans``, one per path of the tier in order, side by side."""
        return PathComparison(
            tier=self.request.tier,
            currency=self.catalog.currency,
            paths=self.rules,
            plans=tuple(plans),
        )

    # -- the plan --------------------------------------------------------------------------

    def plan(self, paths: Iterable[int]) -> Plan:
        """The best plan meeting one of ``paths`` (positions in the tier), or why there is none."""
        indices = list(paths)
        early = self._settled_early(indices)
        if early is not None:
            return early
        blocked = {i: self._shortfall(i) for i in indices}
        open_paths = [i for i in indices if blocked[i] is None]
        if not open_paths:
            return self.report.infeasible([b for b in blocked.values() if b is not None])
        found = self._search(open_paths)
        solution = found.solution
        if solution.status == "infeasible":
            blocked.update((i, self._why_not(i)) for i in open_paths)
            return self.report.infeasible([b for b in blocked.values() if b is not None])
        if solution.status == "unknown":
            if found.fallback is None or solution.termination != "time_limit":
                return self.report.unknown(solution, self.deadline.seconds or 0.0)
            items = [self.usable.by_id[i] for i in found.fallback.ids]
            rules = self._paths(open_paths)
            solution = _from_fallback(found.fallback, items, rules, self.request, self.solver)
        return self.report.found(solution, found.items or self.usable.by_id)

    def _settled_early(self, indices: Sequence[int]) -> Plan | None:
        """The plan when no search is needed: too late, already met, or away every day."""
        request = self.request
        if request.too_late:
            return self.report.infeasible([Blocked(too_late_reason(request), "too_late")])
        met = [i for i in indices if meets([], self.rules[i], request.earned, self.passed)]
        if met:
            return self.report.already_met(met[0])
        if self.calendar.first_available(request.today, request.complete_by) is None:
            away = (
                f"away every day from {request.today} to {by_date(request)}: "
                "nothing can be done in time"
            )
            return self.report.infeasible([Blocked(away, "away")])
        return None

    def _search(self, paths: Sequence[int]) -> _Found:
        """The best plan for the open ``paths``, and what it is made of.

        By the exact search where it applies, else by the solver, stage by stage (with a plan
        to fall back on if the time runs out).
        """
        budget = self.request.budget_cents
        answer = self.exact(tuple(paths))
        if answer is not None:
            return _Found(answer.solution(self.objective, budget), answer.kept)
        from ceplan.solving.stages import solve_in_stages

        ceiling = self._ceiling(paths, budget) if self.limited else _Ceiling()
        build = self._builder(paths, budget, capacity=self.limited, ceiling=ceiling.cents)
        solution = solve_in_stages(
            build,
            self.objective,
            self.solver,
            self.deadline,
            evaluate=self._evaluate,
            completion=self._completion,
            probes=() if ceiling.overfull is None else (ceiling.overfull,),
        )
        return _Found(solution, fallback=ceiling.fallback)

    def exact(self, paths: tuple[int, ...]) -> _Exact | None:
        """Each of ``paths``' best plan, money aside, by dynamic programming (once per set).

        ``None`` if that does not apply: a plan over time, another solver asked for, credits
        without a fine common unit, or a table too large.
        """
        if paths not in self._exact:
            answer = None
            if not self.request.timed and self.choice == "auto":
                rules = self._paths(paths)
                kept = self.usable.shrunk(list(rules.values()), self.request.earned, self.passed)
                answer = _exact_answer(kept, rules, self.request.earned, self.passed)
            self._exact[paths] = answer
        return self._exact[paths]

    # -- the objective's view --------------------------------------------------------------

    def _evaluate(self, path: int, chosen: tuple[str, ...]) -> Outcome:
        renewal = self._completion(chosen) if self.request.timed else None
        return Outcome.of(self._items(chosen), renewal=renewal, path_index=path)

    def _completion(self, chosen: tuple[str, ...]) -> dt.date:
        """The latest day the items ``chosen`` can complete, within every limit."""
        return _completion(self._items(chosen), self.calendar, self.request.today)

    def _items(self, ids: Iterable[str]) -> list[Candidate]:
        return [self.usable.by_id[i] for i in ids]

    def _paths(self, paths: Iterable[int]) -> dict[int, PathRule]:
        return {i: self.rules[i] for i in paths}

    # -- models ----------------------------------------------------------------------------

    def _builder(
        self,
        paths: Sequence[int],
        budget_cents: int | None,
        *,
        capacity: bool,
        free_hours: bool = False,
        ceiling: int | None = None,
    ) -> Callable[[], Formulation]:
        """A builder of the model for ``paths``, shrunk for them.

        ``ceiling`` is a cost no best plan exceeds, for a model under a weekly limit. Shrinking
        is per set of paths: what one path's best plan needs may be cut for another.
        """
        kept = shrink(
            self.usable.candidates,
            [self.rules[i] for i in paths],
            self.request.earned,
            self.passed,
            timed=self.request.timed,
            capacity=capacity or free_hours,
            ceiling=ceiling,
        )
        from ceplan.model.block import BlockOptions, build_formulation

        options = BlockOptions(
            earned=self.request.earned,
            passed=self.passed,
            budget_cents=budget_cents,
            calendar=self.calendar if capacity or free_hours else None,
            weekly_hours_free=free_hours,
        )
        return partial(build_formulation, kept, self._paths(paths), options)

    def _ceiling(self, paths: Sequence[int], budget_cents: int | None) -> _Ceiling:
        """The cost of a plan known to fit the weekly hours: a ceiling for the timed model.

        First the cheapest plan without a weekly limit (no plan within the limit is cheaper,
        so when it fits it is the answer's cost); else the cheapest greedy plan that fits and
        keeps the budget. Either is the plan to fall back on if the time runs out before the
        solver finds one; a cheapest plan that does not fit is a probe (see
        :func:`~ceplan.solving.stages.solve_in_stages`).
        """
        found = self._cheapest_without_limit(paths, budget_cents)
        if found is None:
            return _Ceiling()
        cents, ids = found
        if _fits(self._items(ids), self.calendar):
            return _Ceiling(cents, _Fallback(ids, proven=True))
        rules = [self.rules[i] for i in paths]
        fitting = _fitting_plans(self.usable.candidates, self.calendar, rules, self.request)
        within = [p for p in fitting if budget_cents is None or p.cents <= budget_cents]
        fallback = _Fallback(min(within, key=CHEAPEST.key).ids, proven=False) if within else None
        cheapest = min((plan.cents for plan in fitting), default=None)
        return _Ceiling(cheapest, fallback, overfull=ids)

    def _cheapest_without_limit(
        self, paths: Sequence[int], budget_cents: int | None
    ) -> tuple[int, tuple[str, ...]] | None:
        """A cheapest plan ignoring the weekly limit (``None``: none within the budget).

        By dynamic programming where :mod:`ceplan.solving.exact` applies (``solver="auto"``), else
        by the solver. Without the weekly limit the dates only decide which items are usable,
        which the candidates already say, so both answer the same question.
        """
        rules = self._paths(paths)
        earned = self.request.earned
        if self.choice == "auto":
            shrunk = shrink(
                self.usable.candidates,
                list(rules.values()),
                earned,
                self.passed,
                timed=self.request.timed,
            )
            answer = _exact_answer(shrunk, rules, earned, self.passed)
            if answer is not None:
                return answer.cheapest(budget_cents)
        from ceplan.solving.stages import cheapest_plan

        build = self._builder(paths, budget_cents, capacity=False)
        return cheapest_plan(build, self.solver, self.deadline)

    def _cheapest(
        self, paths: Sequence[int], budget_cents: int | None, capacity: bool
    ) -> int | None:
        ceiling = self._ceiling(paths, budget_cents).cents if capacity else None
        build = self._builder(paths, budget_cents, capacity=capacity, ceiling=ceiling)
        from ceplan.solving.stages import least

        value = least(build, self.solver, self.deadline, lambda f: f.cost)
        return None if value is None else round(value)

    def _weekly_hours_needed(self, index: int, budget_cents: int | None) -> float | None:
        """The fewest weekly hours (rounded up to 0.1) with which path ``index`` has a plan."""
        build = self._builder([index], budget_cents, capacity=self.limited, free_hours=True)
        from ceplan.solving.stages import least

        needed = least(build, self.solver, self.deadline, lambda f: f.weekly_hours, gap=1e-7)
        if needed is None:
            return None
        return math.ceil(needed * 10 - 1e-6) / 10

    # -- reasons ---------------------------------------------------------------------------

    def _shortfall(self, index: int) -> Blocked | None:
        """Why path ``index`` cannot be met whatever the money, or ``None`` if it can."""
        request, rule = self.request, self.rules[index]
        aside = set_aside_exams(self.catalog, request)
        found = shortfall(rule, self.usable.available(), request, aside)
        if found is None:
            return None
        text, why = found
        if self.calendar.limits:
            text, why = _because_of_limits(self.catalog, request, rule, aside, text, why)
        return Blocked(f"{rule.describe()}: {text}", why, path_index=index)

    def _why_not(self, index: int) -> Blocked:
        """Why open path ``index`` has no plan: the budget, the weekly hours, or no time left."""
        if self.limited:
            found = self._why_not_in_time(index)
            if found is not None:
                return found
        else:
            answer = self.exact((index,))
            best = None if answer is None else answer.best[index]
            if best is not None:
                return self.report.over_budget(index, best.cents)
            cheapest = self._cheapest([index], None, capacity=False)
            if cheapest is not None:
                return self.report.over_budget(index, cheapest)
        text = f"{self.rules[index].describe()}: not worked out before the time limit ran out"
        return Blocked(text, "time_limit", index)

    def _why_not_in_time(self, index: int) -> Blocked | None:
        """Under a weekly limit: the budget, the weekly hours or both (``None``: no time left)."""
        fitting = self._cheapest([index], None, capacity=True)
        if fitting is not None:
            return self.report.over_budget(index, fitting)
        if self.deadline.expired:
            return None
        hours, when = self.request.hours_per_week or 0, in_time(self.request)
        needed = self._weekly_hours_needed(index, self.request.budget_cents)
        if needed is not None:
            text = f"{self.rules[index].describe()}: {too_few_hours(hours, needed, when)}"
            return Blocked(text, "hours", path_index=index, hours_per_week_needed=needed)
        cheapest = self._cheapest([index], None, capacity=False)
        needed = self._weekly_hours_needed(index, None)
        if cheapest is None or needed is None:
            return None
        over = self.report.over_budget(index, cheapest)
        return Blocked(
            f"{over.text}; and {too_few_hours(hours, needed)}",  # the date said once
            "budget",
            path_index=index,
            hours_per_week_needed=needed,
            cheapest_cost=over.cheapest_cost,
        )


class _Usable:
    """The items one request can use, worked out once and only as far as asked.

    For a large catalogue and a plan without dates, as arrays
    (:class:`ceplan.candidates.arrays.Usable`), which make candidate objects only for the items a
    best plan can hold; else as candidates.
    """

    def __init__(self, catalog: Catalog, request: PlanRequest, calendar: Calendar) -> None:
        self.catalog, self.request, self.calendar = catalog, request, calendar

    @cached_property
    def bulk(self) -> Usable | None:
        """The usable items as arrays, for a large catalogue and a plan without dates."""
        catalog, request = self.catalog, self.request
        if request.timed or len(catalog.activities) + len(catalog.exams) < BULK_ITEMS:
            return None
        from ceplan.candidates.arrays import Usable

        return Usable(
            catalog,
            today=request.today,
            complete_by=request.complete_by,
            unavailable_ids=request.completed | request.excluded,
            allow_exams=request.allow_exams,
        )

    @cached_property
    def candidates(self) -> list[Candidate]:
        """The items the person can still use (SPEC 3 and 6)."""
        if self.bulk is not None:
            return self.bulk.candidates()
        return _usable(self.catalog, self.request, self.calendar)

    @cached_property
    def by_id(self) -> dict[str, Candidate]:
        """:attr:`candidates` by id."""
        return {c.id: c for c in self.candidates}

    def available(self) -> tuple[float, dict[str, int]]:
        """The credits of all usable activities, and how many usable exams of each kind."""
        if self.bulk is not None:
            return self.bulk.credits_available, self.bulk.exams_offered()
        return _totals(self.candidates)

    def shrunk(
        self, rules: Sequence[PathRule], earned: float, passed: Mapping[str, int]
    ) -> list[Candidate]:
        """The usable items that can be in a best plan (without dates) for any of ``rules``."""
        if self.bulk is not None:
            return self.bulk.shrunk(rules, earned, passed)
        return shrink(self.candidates, rules, earned, passed)


def _usable(catalog: Catalog, request: PlanRequest, calendar: Calendar) -> list[Candidate]:
    """The items ``request`` can use with the days of ``calendar`` (see :func:`usable_for`)."""
    return usable_for(catalog, request, calendar)


def _totals(candidates: Sequence[Candidate]) -> tuple[float, dict[str, int]]:
    """The credits of the activities among ``candidates``, and the number of exams by kind."""
    offered: dict[str, int] = {}
    for c in candidates:
        if c.is_exam:
            offered[c.kind or ""] = offered.get(c.kind or "", 0) + 1
    return sum(c.credits for c in candidates if not c.is_exam), offered


@dataclass(frozen=True)
class _Exact:
    """Each path's best plan by the exact search, and the items the search chose from.

    A path's best plan is ``None`` when it cannot be met.
    """

    best: dict[int, PathBest | None]
    kept: dict[str, Candidate]

    def affordable(self, budget_cents: int | None) -> list[Outcome]:
        """The paths' best plans that keep the budget, as the objective sees them."""
        return [
            plan.outcome(index)
            for index, plan in self.best.items()
            if plan is not None and (budget_cents is None or plan.cents <= budget_cents)
        ]

    def solution(self, objective: Objective, budget_cents: int | None) -> Solution:
        """The first affordable plan in ``objective``'s order, proved so in every stage."""
        affordable = self.affordable(budget_cents)
        if not affordable:
            return Solution("infeasible", solver="dp")
        first = min(affordable, key=objective.key)
        return Solution(
            status="optimal",
            path=first.path_index,
            chosen=first.ids,
            gap=0.0,
            proven=tuple(stage.name for stage in objective.stages),
            solver="dp",
        )

    def cheapest(self, budget_cents: int | None) -> tuple[int, tuple[str, ...]] | None:
        """The cheapest affordable plan's cost and ids (ties to the smallest ids), if any."""
        cheapest = min(self.affordable(budget_cents), key=CHEAPEST.key, default=None)
        return None if cheapest is None else (cheapest.cents, cheapest.ids)


def _exact_answer(
    kept: Sequence[Candidate],
    rules: Mapping[int, PathRule],
    earned: float,
    passed: Mapping[str, int],
) -> _Exact | None:
    """Each path's best plan from the shrunk items ``kept``, by dynamic programming.

    ``None`` if :mod:`ceplan.solving.exact` does not apply (credits without a fine common unit, or a
    table too large).
    """
    scale = exact.applies(kept, list(rules.values()), earned)
    if scale is None:
        return None
    best = exact.best_by_path(kept, rules, earned, passed, scale)
    return _Exact(best, {c.id: c for c in kept})


@dataclass(frozen=True)
class _Fallback:
    """A plan met on the way: its ids, and whether its cost is proved least."""

    ids: tuple[str, ...]
    proven: bool


@dataclass(frozen=True)
class _Ceiling:
    """What the price ceiling of a timed model found on the way.

    ``cents``: the ceiling (``None``: none); ``fallback``: a plan to give if the solver finds
    none in time; ``overfull``: a cheapest plan without the weekly limit that does not fit it.
    """

    cents: int | None = None
    fallback: _Fallback | None = None
    overfull: tuple[str, ...] | None = None


@dataclass(frozen=True)
class _Found:
    """What a search found: the solution, its items, and a plan to fall back on.

    ``items`` is where the solution's items are found, when not among the usable items (the
    exact search's shrunk items).
    """

    solution: Solution
    items: Mapping[str, Candidate] | None = None
    fallback: _Fallback | None = None


def _fits(items: Sequence[Candidate], calendar: Calendar) -> bool:
    """Whether ``items`` can be scheduled within the weekly hours and days of ``calendar``."""
    try:
        schedule(items, calendar)
    except SolverError:
        return False
    return True


def _fitting_plans(
    candidates: Sequence[Candidate],
    calendar: Calendar,
    rules: Sequence[PathRule],
    request: PlanRequest,
) -> list[Outcome]:
    """Quick plans that fit the weekly hours, one per path where one is found."""
    passed = dict(request.passed)
    plans = [
        greedy_fitting_plan(candidates, calendar, credits_needed=credits, exams_needed=exams)
        for credits, exams in (still_needed(rule, request.earned, passed) for rule in rules)
    ]
    return [Outcome.of(plan) for plan in plans if plan is not None]


def _from_fallback(
    fallback: _Fallback,
    items: Sequence[Candidate],
    rules: Mapping[int, PathRule],
    request: PlanRequest,
    solver: Solver,
) -> Solution:
    """A plan found on the way (for the price ceiling) when the solver found none in time.

    ``items`` are the fallback's, ``rules`` the open paths. When it was the cheapest plan
    without a weekly limit and it fits, its cost is the least possible, and the plan says so.
    """
    earned, passed = request.earned, dict(request.passed)
    path = next(i for i, rule in rules.items() if meets(items, rule, earned, passed))
    kept = drop_redundant(items, rules[path], earned, passed)
    return Solution(
        status="feasible",
        termination="time_limit",
        path=path,
        chosen=tuple(sorted(c.id for c in kept)),
        gap=0.0 if fallback.proven else None,
        proven=(COST.name,) if fallback.proven else (),
        solver=solver.name,
    )


def _because_of_limits(
    catalog: Catalog,
    request: PlanRequest,
    rule: PathRule,
    set_aside: Mapping[str, Sequence[str]],
    text: str,
    why: Why,
) -> tuple[str, Why]:
    """A shortfall found with days away or exam preparation in the calendar, explained.

    When the path could be met with every day free, the days away are why (or, if it could
    not be met even so, an exam that needs a day to prepare before its sitting).
    """
    free = Calendar(request.today, request.complete_by)
    if not _met_with(catalog, request, rule, free, set_aside):
        return text, why
    present = Calendar(request.today, request.complete_by, (), request.hours_per_week)
    if request.unavailable and _met_with(catalog, request, rule, present, set_aside):
        ranges = ", ".join(f"{a} to {b}" for a, b in request.unavailable)
        return f"{text} (because of the days away: {ranges})", "away"
    # only exams drop out for this: one needing preparation, sat on its first day
    return f"{text} (an exam needs a day to prepare before its sitting)", why


def _met_with(
    catalog: Catalog,
    request: PlanRequest,
    rule: PathRule,
    calendar: Calendar,
    set_aside: Mapping[str, Sequence[str]],
) -> bool:
    """Whether ``rule`` could be met, money aside, with the usable items of ``calendar``."""
    usable = _totals(_usable(catalog, request, calendar))
    return shortfall(rule, usable, request, set_aside) is None


def _completion(items: Sequence[Candidate], calendar: Calendar, today: dt.date) -> dt.date:
    """The latest day ``items`` can complete, within every limit of ``calendar``."""
    dates = schedule(items, calendar)
    return max((d.finish for d in dates.values()), default=today)
