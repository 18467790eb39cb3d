"""Planning a team (SPEC section 7).

The model (:mod:`ceplan.solving.team`), then a :class:`~ceplan.results.team.TeamPlan` with the
reasons a manager can act on for each person at risk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import pulp

from ceplan.catalogue.models import Catalog
from ceplan.errors import PlanInputError, one_line
from ceplan.inputs import as_number, as_whole
from ceplan.limits import MAX_WORKERS
from ceplan.model.team import OutOfTime, TeamModel, build_team, money_cents
from ceplan.planning.reasons import Money, Shared
from ceplan.planning.teamparts import (
    AUTO_SINGLE_MOST,
    NO_PLAN_IN_TIME,
    fits_single_model,
    fund_cents,
    fund_given,
    money_uses,
    stage_bounds,
    why_reasons,
)
from ceplan.requests.team import TeamRequest, as_progress, make_team_request, roster_with
from ceplan.results.team import BudgetUse, FundUse, PersonOutcome, TeamItem, TeamPlan
from ceplan.roster.models import Budget, Fund, Person, Roster
from ceplan.solving.backends import Solver, make_solver
from ceplan.solving.progress import Progress
from ceplan.solving.team import TeamSolution, least_money, solve_team
from ceplan.status import Deadline, Run
from ceplan.units import format_money, format_number, money_value, plain_number

if TYPE_CHECKING:
    from ceplan.results.plan import Plan

__all__ = ["AUTO_SINGLE_MOST", "METHODS", "TeamComparison", "choose_method", "plan_team", "what_if"]


def plan_team(
    catalog: Catalog | str | os.PathLike[str],
    roster: Roster | str | os.PathLike[str] | Mapping[str, Any],
    *,
    today: Any = None,
    time_limit: Any = None,
    progress: Callable[[str], None] | None = None,
    solver: str | Solver | Any | None = None,
    method: str = "auto",
    workers: Any = 1,
    scheduler: Any = None,
) -> TeamPlan:
    """The team's plan: who renews how, what each budget period and fund pays (SPEC 7).

    Inputs are checked as :func:`ceplan.optimise` checks its own (SPEC 5): anything of the
    wrong kind raises a ceplan error naming the argument.

    Parameters
    ----------
    catalog
        The catalogue (see :func:`ceplan.load_catalog`), or the path of a catalogue file.
    roster
        The team: a :class:`~ceplan.roster.models.Roster` (see :func:`ceplan.load_roster`), the path
        of a roster file, or roster data as in the YAML. It is checked against the catalogue
        (tiers, exam kinds, item ids, fund currencies) and ``today`` (expiries that can be
        planned), every problem named.
    today
        The first day of the plan (default: today).
    time_limit
        Seconds for the whole call: building the model, every stage of the solve and the
        reasons for the people at risk. A plan found when the limit stops the search is
        ``"feasible"``, never ``"optimal"``; with no plan in time the status is ``"unknown"``.
        The work that follows a stopped search (each person's own plan, the reasons) gets a
        grace of a tenth of the limit (at least a second) past it.
    progress
        Called with a line of text as each phase of the work begins and ends (the model built,
        each stage of the solve, people settled alone, the reasons for the people at risk),
        and now and then during a long phase (:mod:`ceplan.solving.progress`: a line every
        few seconds at most). It never changes the plan.
    solver
        As for :func:`ceplan.optimise`: ``"auto"`` (default) or ``"highs"`` solve the team's
        model with HiGHS, ``"cbc"`` with CBC (``pip install 'ceplan[cbc]'``); a
        :class:`~ceplan.solving.backends.Solver` or a PuLP solver object is used as given. Each
        person's own plan (for the fallback and the reasons) is made as :func:`ceplan.optimise`
        makes it with the same choice.
    method
        ``"single"``: one integer programme for the whole team, every stage proved (or the gap
        said). ``"columns"`` (SPEC 8, for large teams): the first three stages by column generation
        (:mod:`ceplan.solving.columns`), each reporting its value and bound, then each person
        alone (:mod:`ceplan.planning.columns`). A stage whose bound is not met is reported as
        not proved, with its gap. ``"auto"`` (default) chooses (:func:`choose_method`): the
        single model for a small team (at most :data:`AUTO_SINGLE_MOST` people times catalogue
        items), columns for a larger one, or whenever ``workers`` or ``scheduler`` is given;
        and the single model for a team the columns do not take. The plan says which made it
        (:attr:`~ceplan.results.team.TeamPlan.method`). A team on a catalogue of schema 2 is
        planned by its own single model (:mod:`ceplan.planning.team_held`) or by its own
        columns (:mod:`ceplan.planning.columns_held`), chosen alike.
    workers
        With ``method="columns"`` (or ``"auto"``, which it then makes columns): how many
        processes price people with weekly hours and plan people alone side by side (a whole
        number from 1 to :data:`~ceplan.limits.MAX_WORKERS`). The plan is the same whatever
        the number.
    scheduler
        With ``method="columns"`` (or ``"auto"``, which it then makes columns): the address of
        a Dask scheduler (``"tcp://host:8786"``) or a ``distributed.Client``, whose workers do that
        instead (``pip install 'ceplan[dask]'``). The plan is the same as on this
        machine.

    Raises
    ------
    RosterError
        For a roster that breaks a rule or does not fit the catalogue or ``today``.
    PlanInputError
        For arguments of the wrong kind, and for a team whose model would be too large to
        build (:data:`~ceplan.limits.MAX_TEAM_VARIABLES`).
    SolverError
        For a solver that is unknown or not installed (before anything is built).
    """
    began = time.perf_counter()
    request = make_team_request(catalog, roster, today=today, time_limit=time_limit)
    asked, count = _method(method), _workers(workers)
    if (count > 1 or scheduler is not None) and asked == "single":
        raise PlanInputError("workers plan people side by side only with method 'columns'")
    if count > 1 and scheduler is not None:
        raise PlanInputError("give workers or a scheduler, not both")
    if scheduler is not None and not isinstance(scheduler, str) and not _is_client(scheduler):
        raise PlanInputError(
            f"scheduler must be an address or a distributed.Client, not {scheduler!r}"
        )
    solvers = _Solvers.of(solver)
    chosen = choose_method(request, asked, count, scheduler)
    # Only "auto" falls back to the single model when the columns do not take the team, and
    # not when workers or a scheduler were asked for: they plan people by columns.
    fallback = asked == "auto" and count == 1 and scheduler is None
    read = time.perf_counter() - began
    return _plan(request, solvers, as_progress(progress), chosen, count, scheduler, fallback, read)


def _is_client(value: Any) -> bool:
    return type(value).__name__ == "Client" and type(value).__module__.startswith("distributed")


METHODS = ("auto", "single", "columns")
"""How a team may be planned (see :func:`plan_team`)."""


def choose_method(
    request: TeamRequest, method: str, workers: int = 1, scheduler: Any = None
) -> str:
    """What plans the team: ``method``, or for ``"auto"`` the single model or columns.

    ``"auto"`` is columns when ``workers`` (more than one) or a ``scheduler`` is given (they
    plan people by columns), or when the team has more than :data:`AUTO_SINGLE_MOST` people
    times catalogue items; the single model otherwise. Whether the columns take the team is
    theirs to say when they are tried (:class:`~ceplan.planning.columns.Refused`): it is not
    guessed here.

    Examples
    --------
    >>> import ceplan
    >>> from ceplan.requests.team import make_team_request
    >>> catalog = ceplan.load_catalog()
    >>> roster = {"schema": 1, "team": "T", "people": [
    ...     {"id": "bo", "name": "Bo", "tier": "professional", "expires": "2028-06-30"}]}
    >>> request = make_team_request(catalog, roster, today="2026-11-29")
    >>> choose_method(request, "auto"), choose_method(request, "auto", workers=2)
    ('single', 'columns')
    >>> choose_method(request, "columns")
    'columns'
    """
    if method != "auto":
        return method
    if workers > 1 or scheduler is not None:
        return "columns"
    return "single" if fits_single_model(request, AUTO_SINGLE_MOST) else "columns"


def _method(method: Any) -> str:
    if not isinstance(method, str) or method not in METHODS:
        raise PlanInputError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    return method


def _workers(workers: Any) -> int:
    count = as_whole(workers, "workers")
    if not 1 <= count <= MAX_WORKERS:
        raise PlanInputError(f"workers must be from 1 to {MAX_WORKERS}, not {count}")
    return count


@dataclass(frozen=True)
class _Solvers:
    """The solver choice as asked (for each person's own plan) and the MILP solver it means."""

    choice: Any
    milp: Solver

    @classmethod
    def of(cls, choice: Any) -> _Solvers:
        """Check ``choice`` now: an unknown or missing solver is an error before any work."""
        choice = "auto" if choice is None else choice
        return cls(choice, make_solver("highs" if choice == "auto" else choice))


def _plan(
    request: TeamRequest,
    solvers: _Solvers,
    progress: Callable[[str], None] | None = None,
    method: str = "single",
    workers: int = 1,
    scheduler: Any = None,
    fallback: bool = False,
    read: float | None = None,
) -> TeamPlan:
    """Plan the team by ``method`` (``"single"`` or ``"columns"``).

    With ``fallback``, a team the columns do not take is planned by the single model.
    ``read``: the seconds the inputs took to read and check, for the progress.
    """
    catalog, roster, day = request.catalog, request.roster, request.today
    limit = request.time_limit
    deadline = Deadline(limit)
    finish = Deadline(None if limit is None else limit + max(1.0, 0.1 * limit))
    alone = _alone_plans(request, finish, solvers.choice)
    told = Progress.of(progress)
    words = _planning_words(request, method, workers, scheduler)
    told(words if read is None else f"{words} (read in {read:.1f} s)")
    if request.under_schema_2 and method == "columns":
        from ceplan.planning.columns_held import plan_held_by_columns

        return plan_held_by_columns(
            request, solvers.milp, deadline, finish, alone, told, workers, scheduler
        )
    if request.under_schema_2:
        from ceplan.planning.team_held import plan_held_team

        return plan_held_team(request, solvers.milp, deadline, finish, alone, told)
    if method == "columns":
        from ceplan.planning.columns import Refused, plan_by_columns

        try:
            found = plan_by_columns(
                request, solvers.milp, deadline, alone, told, workers, scheduler
            )
        except Refused as exc:
            if not fallback:
                raise
            told(f"{exc}: the single model plans the team")
        else:
            amounts = (found.budget_cents, found.fund_cents)

            def money(person: Person) -> Money | None:
                if found.more_money is None:
                    return None
                more = found.more_money(person.id, finish)
                if more is None:
                    return None
                return Money(dict(more.added), {n: float(c) for n, c in more.spends.items()})

            shared = Shared(
                catalog,
                roster,
                found.solution,
                found.budget_cents,
                found.fund_cents,
                request.requests,
                alone,
                # Who renews is settled by the priority stage: later ones hold it.
                all(s.proved for s in found.stages if s.name == "priority"),
                finish,
                solvers.milp,
            )
            why_not = why_reasons(shared, money, told=told)
            plan = _team_plan(
                catalog, roster, found.solution, day, alone, solvers.milp, amounts, why_not
            )
            return dataclasses.replace(plan, bounds=stage_bounds(found, plan), method="columns")
    building = told.part("the single model")
    building("building it")
    began = time.perf_counter()
    try:
        model = build_team(catalog, roster, today=day, requests=request.requests, deadline=deadline)
    except OutOfTime:
        building("the time limit ran out while it was being built")
        return _unplanned(request, solvers.milp.name)
    building(f"built in {time.perf_counter() - began:.1f} s")
    solution = solve_team(
        model,
        deadline=deadline,
        progress=told,
        fallback=lambda: _own_plans(roster, alone, told.part("the first-come plan")),
        solver=solvers.milp,
    )
    amounts = (tuple(model.budget_cents), tuple(model.fund_cents))
    shared = Shared(
        catalog,
        roster,
        solution,
        model.budget_cents,
        model.fund_cents,
        request.requests,
        alone,
        solution.status == "optimal",
        finish,
        solvers.milp,
    )

    def needed(person: Person) -> Money | None:
        return _money_needed(catalog, roster, model, person.id, solution, finish, solvers.milp)

    def together(people: Sequence[str]) -> int | None:
        return _money_together(catalog, roster, model, people, solution, finish, solvers.milp)

    why = why_reasons(shared, needed, together, told)
    return _team_plan(catalog, roster, solution, day, alone, solvers.milp, amounts, why)


def _planning_words(request: TeamRequest, method: str, workers: int, scheduler: Any) -> str:
    """The first line of progress: the team, what it is planned within, and how.

    Examples
    --------
    >>> import ceplan
    >>> from ceplan.requests.team import make_team_request
    >>> roster = {"schema": 1, "team": "T", "people": [
    ...     {"id": "bo", "name": "Bo", "tier": "professional", "expires": "2028-06-30"}],
    ...     "budgets": [{"name": "FY", "start": "2026-04-01", "end": "2027-03-31", "amount": 9}]}
    >>> request = make_team_request(ceplan.load_catalog(), roster, today="2026-11-29")
    >>> _planning_words(request, "columns", 2, None)
    'planning 1 person and 1 budget period by columns, in 2 processes'
    """
    roster = request.roster
    counts = (
        (len(roster.people), "person", "people"),
        (len(roster.budgets), "budget period", "budget periods"),
        (len(roster.funds), "fund", "funds"),
    )
    said = [f"{n:,} {one if n == 1 else many}" for n, one, many in counts if n]
    what = ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]
    how = "columns" if method == "columns" else "the single model"
    if scheduler is not None:
        how += ", on a Dask cluster"
    elif workers > 1:
        how += f", in {workers} processes"
    return f"planning {what} by {how}"


def _alone_plans(request: TeamRequest, finish: Deadline, solver: Any) -> Callable[[Person], Plan]:
    """Each person's one-person plan, made once however often it is asked for.

    Each takes at most what is left of ``finish``.
    """
    from ceplan.planning.person import optimise

    made: dict[str, Plan] = {}

    def alone(person: Person) -> Plan:
        if person.id not in made and request.under_schema_2:
            left = finish.remaining()
            made[person.id] = optimise(
                request.catalog,
                today=request.today,
                time_limit=None if left is None else max(left, _LEAST_SECONDS),
                solver=solver,
                **person.held_inputs(),
            )
        if person.id not in made:
            left = finish.remaining()
            made[person.id] = optimise(
                request.catalog,
                person.tier,
                today=request.today,
                time_limit=None if left is None else max(left, _LEAST_SECONDS),
                solver=solver,
                **person.inputs(),
            )
        return made[person.id]

    return alone


def _own_plans(
    roster: Roster, alone: Callable[[Person], Plan], told: Progress | None = None
) -> list[tuple[str, tuple[str, ...]]]:
    """Each person's one-person plan, highest priority first (then by id).

    What a plan made without the solver tries to pay for, in that order.
    """
    plans = []
    told = told or Progress()
    people = sorted(roster.people, key=lambda p: (-p.priority, p.id))
    for number, person in enumerate(people):
        told.tick(f"{number:,} of {len(people):,} own plans made")
        own = alone(person)
        if own.found:
            plans.append((person.id, tuple(item.id for item in own.planned)))
    return plans


_LEAST_SECONDS = 0.05
"""The least time a one-person plan is given once the limit has run out (it then says
``unknown`` unless its exact answer is at hand)."""


def _unplanned(request: TeamRequest, solver: str) -> TeamPlan:
    """The plan when the time limit ran out before the model was built: status ``unknown``."""
    catalog, roster = request.catalog, request.roster
    return TeamPlan(
        team=roster.team,
        currency=catalog.currency,
        today=request.today,
        status="unknown",
        termination="time_limit",
        gap=None,
        stopped_in="building the model",
        solver=solver,
        outcomes=tuple(
            PersonOutcome(
                id=person.id,
                name=person.name,
                tier=person.tier,
                renews=False,
                path=None,
                items=(),
                reasons=(NO_PLAN_IN_TIME,),
                priority=person.priority,
                expires=person.expires,
                extra=tuple(person.extra.items()),
            )
            for person in roster.people
        ),
        budget_uses=tuple(
            BudgetUse(b.name, b.start, b.end, money_value(money_cents(catalog, b.amount)), 0.0)
            for b in roster.budgets
        ),
        fund_uses=tuple(
            FundUse(
                name=f.name,
                amount=money_value(money_cents(catalog, f.amount, f.currency)),
                currency=f.currency or catalog.currency,
                given=fund_given(f),
                expires=f.expires,
                pays_for=f.pays_for,
                used=0.0,
            )
            for f in roster.funds
        ),
    )


def _team_plan(
    catalog: Catalog,
    roster: Roster,
    solution: TeamSolution,
    today: dt.date,
    alone: Callable[[Person], Plan],
    solver: Solver,
    amounts: tuple[Sequence[int], Sequence[int]],
    why: Callable[[Person], tuple[str, ...]],
) -> TeamPlan:
    """The plan as a manager reads it.

    ``amounts`` are the budget periods' and funds' cents; ``why`` gives the reasons of a
    person at risk.
    """
    names = {n: fund.name for n, fund in enumerate(roster.funds)}
    periods = {n: budget.name for n, budget in enumerate(roster.budgets)}
    spent = dict.fromkeys(periods, 0)
    used = dict.fromkeys(names, 0)
    outcomes = []
    for person in roster.people:
        items = []
        for taken in solution.taken[person.id]:
            item = catalog.item(taken.item)
            paid = fund_cents(taken)
            for f, cents in paid:
                used[f] += cents
            if taken.period is not None:
                spent[taken.period] += taken.cents - sum(cents for _, cents in paid)
            items.append(
                TeamItem(
                    person=person.id,
                    id=taken.item,
                    title=item.title,
                    kind="exam" if hasattr(item, "kind") else "activity",
                    hours=taken.hours,
                    cents=taken.cents,
                    paid_on=taken.paid_on,
                    period=periods.get(taken.period) if taken.period is not None else None,
                    fund_cents=tuple((names[f], cents) for f, cents in paid),
                    start=taken.start,
                    finish=taken.finish,
                    complete_by=taken.complete_by,
                    hours_given=item.hours is not None,
                )
            )
        renews = solution.renews[person.id]
        path = solution.paths[person.id]
        rules = catalog.tiers[person.tier].paths
        if renews:
            reasons: tuple[str, ...] = ()
        elif solution.status == "unknown":
            reasons = (NO_PLAN_IN_TIME,)
        else:
            reasons = why(person)
        outcomes.append(
            PersonOutcome(
                id=person.id,
                name=person.name,
                tier=person.tier,
                renews=renews,
                path=rules[path] if renews and path is not None else None,
                items=tuple(items),
                reasons=reasons,
                priority=person.priority,
                expires=person.expires,
                extra=tuple(person.extra.items()),
            )
        )
    budget_uses, fund_uses = money_uses(catalog, roster, amounts, spent, used)
    return TeamPlan(
        team=roster.team,
        currency=catalog.currency,
        today=today,
        status=solution.status,
        termination=solution.termination,
        gap=solution.gap,
        stopped_in=solution.stopped_in,
        solver=solver.name,
        outcomes=tuple(outcomes),
        budget_uses=budget_uses,
        fund_uses=fund_uses,
    )


def _money_needed(
    catalog: Catalog,
    roster: Roster,
    model: TeamModel,
    person_id: str,
    solution: TeamSolution,
    finish: Deadline,
    solver: Solver,
) -> Money | None:
    """The least money added to the budget periods that renews ``person_id``.

    Everyone who renews still does (:func:`_least_money`). Returns the whole cents added to
    each period the money goes to, and what the person's plan then spends out of pocket in
    each period (cents); ``None`` if no money would do (or none was found in time).
    """
    extended, run = _least_money(catalog, roster, model, [person_id], solution, finish, solver)
    if run.status not in ("optimal", "feasible"):
        return None
    added = {n: round(var.value() or 0) for n, var in extended.extra.items()}
    spends = {
        n: float(pulp.value(spend) or 0) for n, spend in extended.members[person_id].spend.items()
    }
    return Money({n: cents for n, cents in added.items() if cents > 0}, spends)


def _money_together(
    catalog: Catalog,
    roster: Roster,
    model: TeamModel,
    people: Sequence[str],
    solution: TeamSolution,
    finish: Deadline,
    solver: Solver,
) -> int | None:
    """The least money (whole cents) that renews all of ``people`` with everyone renewing.

    ``None`` unless it is proved least (no answer, or the deadline stopped the search).
    """
    extended, run = _least_money(catalog, roster, model, people, solution, finish, solver)
    if run.status != "optimal":
        return None
    return sum(round(var.value() or 0) for var in extended.extra.values())


def _least_money(
    catalog: Catalog,
    roster: Roster,
    model: TeamModel,
    people: Sequence[str],
    solution: TeamSolution,
    finish: Deadline,
    solver: Solver,
) -> tuple[TeamModel, Run]:
    """The least money added to the periods that renews ``people`` (ids), everyone renewing.

    The team's model with money to add to each period, solved as the plan's stages are
    (:func:`ceplan.solving.team.least_money`: weekly hours included), so that the team planned
    again with that money renews them. The answer is left in the model's variables.
    """
    extended = build_team(
        catalog,
        roster,
        today=next(iter(model.requests.values())).today,
        extra_money=True,
        requests=model.requests,
        deadline=finish,
    )
    keep = [other for other, renews in solution.renews.items() if renews or other in people]
    return extended, least_money(extended, keep, finish, solver)


@dataclass(frozen=True)
class TeamComparison:
    """A team planned twice, side by side: as given (:attr:`before`) and changed (:attr:`after`).

    Who moves to at risk (or now renews), what each person, budget period and fund spends
    before and after, what fund money is lost, and which items move between periods: as
    DataFrames (:attr:`people`, :attr:`items`, :attr:`budgets`, :attr:`funds`), as text
    (:meth:`lines`, the table of ``ceplan team --budget-factor``) and as plain data
    (:meth:`to_dict`, its JSON). Made by :func:`what_if`.
    """

    before: TeamPlan
    after: TeamPlan
    budget_factor: float | None = None
    """What every budget period's amount was multiplied by for :attr:`after` (``None``: not
    scaled)."""
    replaced: tuple[str, ...] = ()
    """What was replaced for :attr:`after`: ``"budgets"``, ``"funds"``, both or neither."""

    @property
    def change(self) -> str:
        """What differs in :attr:`after`, in a few words (the heading of its column).

        Examples
        --------
        >>> import datetime as dt
        >>> plan = TeamPlan("T", "GBP", dt.date(2026, 11, 29), "optimal", "solved", 0.0, None,
        ...                 (), (), ())
        >>> TeamComparison(plan, plan, 0.7).change
        'budgets x0.7'
        >>> TeamComparison(plan, plan, 2, ("budgets", "funds")).change
        'other budgets x2 and other funds'
        """
        return _change_words(self.budget_factor, self.replaced)

    @property
    def description(self) -> str:
        """:attr:`change` in a sentence's words: ``"every budget period x0.7 (a 30% cut)"``.

        Examples
        --------
        >>> import datetime as dt
        >>> plan = TeamPlan("T", "GBP", dt.date(2026, 11, 29), "optimal", "solved", 0.0, None,
        ...                 (), (), ())
        >>> TeamComparison(plan, plan, 1.25).description
        'every budget period x1.25 (a 25% rise)'
        """
        factor = self.budget_factor
        if factor is None or self.replaced:
            return self.change
        cut = plain_number((1 - factor) * 100)
        if cut > 0:
            size = f"a {cut}% cut"
        elif cut < 0:
            size = f"a {-cut}% rise"
        else:
            size = "the same amounts"
        return f"every budget period x{format_number(factor)} ({size})"

    @property
    def newly_at_risk(self) -> tuple[str, ...]:
        """The people who renew before and are at risk after."""
        return tuple(row["id"] for row in self._people() if row["change"] == _NOW_AT_RISK)

    @property
    def now_renewing(self) -> tuple[str, ...]:
        """The people at risk before who renew after."""
        return tuple(row["id"] for row in self._people() if row["change"] == _NOW_RENEWS)

    @property
    def people(self) -> pd.DataFrame:
        """Per person: status, path, out-of-pocket spend, funds' money and reasons before and after.

        ``change`` says ``"now at risk"``, ``"now renews"``, ``"plan changes"`` (renewing in
        both, with other items or items paid otherwise) or nothing (``""``).
        """
        return pd.DataFrame(self._people(), columns=list(_PEOPLE_COLUMNS))

    @property
    def items(self) -> pd.DataFrame:
        """Per person and item planned in either: paid when, in which period, how much.

        Each before and after: the day it is paid, its budget period and what it costs out of
        pocket.

        ``change`` says ``"moved"`` (paid in another budget period), ``"paid on another day"``
        (in the same period), ``"dropped"`` (planned before only), ``"added"`` (after only) or
        nothing (``""``). Rows are in the roster's order of people, then by item id.
        """
        frame = pd.DataFrame(self._items(), columns=list(_ITEM_COLUMNS))
        for column in ("paid_on_before", "paid_on_after"):
            frame[column] = pd.to_datetime(frame[column])
        return frame

    @property
    def budgets(self) -> pd.DataFrame:
        """Per budget period: amount, spend and what is left, before and after.

        Periods are matched by name; a figure is empty where a plan has no such period.
        """
        rows = _side_by_side(
            self.before.budget_uses, self.after.budget_uses, ("amount", "spent", "left")
        )
        return pd.DataFrame(rows, columns=_side_columns(("amount", "spent", "left")))

    @property
    def funds(self) -> pd.DataFrame:
        """Per fund (by name, in either plan): used and lost at expiry, before and after."""
        rows = _side_by_side(self.before.fund_uses, self.after.fund_uses, ("used", "lost"))
        return pd.DataFrame(rows, columns=_side_columns(("used", "lost")))

    def summary(self) -> str:
        """One line: what changes."""
        risk = ", ".join(self.newly_at_risk) or "nobody"
        return (
            f"newly at risk: {risk}; out of pocket {self.before.out_of_pocket:,.2f} -> "
            f"{self.after.out_of_pocket:,.2f} {self.after.currency}; from funds "
            f"{self.before.paid_by_funds:,.2f} -> {self.after.paid_by_funds:,.2f}"
        )

    def difference(self) -> dict[str, Any]:
        """What changes, as plain data: totals, people, budget periods, funds and items.

        Each figure is a pair ``{"before": ..., "after": ...}`` (or columns ``..._before`` and
        ``..._after``); people are all listed, items only where they change.
        """
        before, after = self.before, self.after
        return {
            "status": _pair(before.status, after.status),
            "renewing": _pair(_renewing(before), _renewing(after)),
            "at_risk": _pair(len(before.at_risk), len(after.at_risk)),
            "now_at_risk": list(self.newly_at_risk),
            "now_renewing": list(self.now_renewing),
            "out_of_pocket": _pair(before.out_of_pocket, after.out_of_pocket),
            "paid_by_funds": _pair(before.paid_by_funds, after.paid_by_funds),
            "fund_money_lost": _pair(_lost(before), _lost(after)),
            "people": self._people(),
            "budgets": _side_by_side(
                before.budget_uses, after.budget_uses, ("amount", "spent", "left")
            ),
            "funds": _side_by_side(before.fund_uses, after.fund_uses, ("used", "lost")),
            "items": [
                {key: _plain_value(value) for key, value in row.items()}
                for row in self._items()
                if row["change"]
            ],
        }

    def to_dict(self) -> dict[str, Any]:
        """The comparison as plain data (the JSON of ``ceplan team --budget-factor``).

        What changed, the :meth:`difference`, then both plans in full
        (:meth:`TeamPlan.to_dict <ceplan.TeamPlan.to_dict>`).
        """
        return {
            "change": self.change,
            "budget_factor": self.budget_factor,
            "replaced": list(self.replaced),
            "difference": self.difference(),
            "as_given": self.before.to_dict(),
            "changed": self.after.to_dict(),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text; the same plans always give the same bytes."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def lines(self) -> list[str]:
        """The comparison as text for a person, then the changed plan in full.

        First the totals side by side (status, who renews, money out of pocket and from funds,
        fund money lost), who moves to at risk or now renews; then each person whose status,
        path or money changes, each budget period and fund (``before -> after``), and the items
        that move between periods, are paid on another day, are dropped or are added; last the
        changed plan's own table (:meth:`TeamPlan.lines <ceplan.TeamPlan.lines>`), with
        everyone's reasons. Control characters from the roster or the catalogue are escaped
        (:func:`ceplan.errors.one_line`).
        """
        before, after = self.before, self.after
        money = after.currency
        people = self._people()
        out = [f"What if: {before.team} with {self.description}, beside the plan as given", ""]
        totals = [
            ["", "as given", self.change],
            ["status", before.status, after.status],
            ["renew", _of(before), _of(after)],
            ["at risk", str(len(before.at_risk)), str(len(after.at_risk))],
            [
                "out of pocket",
                format_money(before.out_of_pocket, money),
                format_money(after.out_of_pocket, money),
            ],
        ]
        if before.fund_uses or after.fund_uses:
            totals += [
                [
                    "from funds",
                    format_money(before.paid_by_funds, money),
                    format_money(after.paid_by_funds, money),
                ],
                [
                    "fund money lost",
                    format_money(_lost(before), money),
                    format_money(_lost(after), money),
                ],
            ]
        out += _aligned(totals, "  ")
        names = {row["id"]: row["name"] for row in people}
        for label, ids in (("now at risk", self.newly_at_risk), ("now renews", self.now_renewing)):
            if ids:
                out.append(f"  {label}: " + ", ".join(f"{names[i]} ({i})" for i in ids))
        out += ["", *self._people_lines(people, money)]
        if before.budget_uses or after.budget_uses:
            header = ["budget period", "amount", "spent", "left"]
            rows = _side_by_side(before.budget_uses, after.budget_uses, ("amount", "spent", "left"))
            out += ["", *_money_table(header, rows, ("amount", "spent", "left"), money)]
        if before.fund_uses or after.fund_uses:
            header = ["fund", "used", "lost at expiry"]
            rows = _side_by_side(before.fund_uses, after.fund_uses, ("used", "lost"))
            out += ["", *_money_table(header, rows, ("used", "lost"), money)]
        out += ["", *self._item_lines()]
        out += ["", f"The plan with {self.change}:", *after.lines()]
        return [one_line(line) for line in out]

    def _people_lines(self, people: list[dict[str, Any]], money: str) -> list[str]:
        """Each person whose status, path or money changes, before -> after."""
        rows = []
        for row in people:
            if not row["change"]:
                continue
            said = []
            if row["status_before"] != row["status_after"]:
                said.append(f"{_status(row['status_before'])} -> {_status(row['status_after'])}")
            elif row["path_before"] != row["path_after"]:
                said.append(f"path {row['path_before']} -> {row['path_after']}")
            for key, label in (("out_of_pocket", "out of pocket"), ("from_funds", "from funds")):
                first, last = row[f"{key}_before"], row[f"{key}_after"]
                if first != last:
                    said.append(f"{label} {_arrow(first, last, money)}")
            if said:  # else only when items are paid, or which: see the items
                rows.append([row["id"], "; ".join(said)])
        if not rows:
            return ["  nobody's status, path or money changes"]
        return ["  people whose status, path or money changes:", *_aligned(rows, "    ")]

    def _item_lines(self) -> list[str]:
        """The items that change, by what changes."""
        rows = self._items()
        out = []
        for change, heading in _ITEM_CHANGES:
            chosen = [row for row in rows if row["change"] == change]
            if not chosen:
                continue
            out.append(f"  {heading} ({len(chosen)}):")
            lines = []
            for row in chosen:
                first = _paid(row["paid_on_before"], row["period_before"])
                last = _paid(row["paid_on_after"], row["period_after"])
                if change == "dropped":
                    what = f"was {first}"
                elif change == "added":
                    what = last
                else:
                    what = f"{first} -> {last.removeprefix('paid ')}"
                lines.append([row["person"], row["id"], what])
            out += _aligned(lines, "    ")
        return out or ["  no item is planned or paid otherwise"]

    def _people(self) -> list[dict[str, Any]]:
        """The rows of :attr:`people`, as plain data."""
        before = {o.id: o for o in self.before.outcomes}
        after = {o.id: o for o in self.after.outcomes}
        rows = []
        for person in dict.fromkeys([*before, *after]):
            first, last = before.get(person), after.get(person)
            known = first if first is not None else last
            assert known is not None  # noqa: S101 (a key of one of them)
            rows.append(
                {
                    "id": person,
                    "name": known.name,
                    "change": _person_change(first, last),
                    **_person_pair("status", first, last, lambda o: o.status),
                    **_person_pair("path", first, last, lambda o: o.path_words),
                    **_person_pair("out_of_pocket", first, last, lambda o: o.out_of_pocket),
                    **_person_pair("from_funds", first, last, _from_funds),
                    **_person_pair("reasons", first, last, lambda o: "; ".join(o.reasons)),
                }
            )
        return rows

    def _items(self) -> list[dict[str, Any]]:
        """The rows of :attr:`items`: dates as :class:`datetime.date`, ``None`` where missing."""
        places: dict[str, int] = {}  # the first place each person is in
        for outcome in [*self.before.outcomes, *self.after.outcomes]:
            places.setdefault(outcome.id, len(places))
        before = _items_of(self.before)
        after = _items_of(self.after)
        keys = sorted(dict.fromkeys([*before, *after]), key=lambda k: (places[k[0]], k[1]))
        rows = []
        for key in keys:
            first, last = before.get(key), after.get(key)
            rows.append(
                {
                    "person": key[0],
                    "id": key[1],
                    "change": _item_change(first, last),
                    "paid_on_before": None if first is None else first.paid_on,
                    "paid_on_after": None if last is None else last.paid_on,
                    "period_before": None if first is None else first.period,
                    "period_after": None if last is None else last.period,
                    "out_of_pocket_before": None if first is None else first.out_of_pocket,
                    "out_of_pocket_after": None if last is None else last.out_of_pocket,
                }
            )
        return rows

    def __repr__(self) -> str:
        return one_line(f"<TeamComparison {self.change}: {self.summary()}>")


_NOW_AT_RISK, _NOW_RENEWS, _PLAN_CHANGES = "now at risk", "now renews", "plan changes"

_PEOPLE_COLUMNS = (
    "id",
    "name",
    "change",
    "status_before",
    "status_after",
    "path_before",
    "path_after",
    "out_of_pocket_before",
    "out_of_pocket_after",
    "from_funds_before",
    "from_funds_after",
    "reasons_before",
    "reasons_after",
)
"""The columns of :attr:`TeamComparison.people` (and of its CSV), in order."""

_ITEM_COLUMNS = (
    "person",
    "id",
    "change",
    "paid_on_before",
    "paid_on_after",
    "period_before",
    "period_after",
    "out_of_pocket_before",
    "out_of_pocket_after",
)

_ITEM_CHANGES = (
    ("moved", "items paid in another budget period"),
    ("paid on another day", "items paid on another day of the same period"),
    ("dropped", "items no longer planned"),
    ("added", "items newly planned"),
)
"""What can change of an item, and the heading of those that do, in the order shown."""


def _change_words(factor: float | None, replaced: Sequence[str]) -> str:
    """What differs in a changed plan, in a few words (see :attr:`TeamComparison.change`)."""
    words = []
    scaled = "" if factor is None else f" x{format_number(factor)}"
    if "budgets" in replaced:
        words.append(f"other budgets{scaled}")
    elif scaled:
        words.append(f"budgets{scaled}")
    if "funds" in replaced:
        words.append("other funds")
    return " and ".join(words) or "nothing changed"


def _person_change(before: PersonOutcome | None, after: PersonOutcome | None) -> str:
    """How a person's outcome changes: at risk, renewing, another plan, or nothing."""
    renewed = before is not None and before.renews
    renews = after is not None and after.renews
    if renewed and not renews:
        return _NOW_AT_RISK
    if renews and not renewed:
        return _NOW_RENEWS
    if renews and before is not None and after is not None:
        mine = [item.to_dict() for item in before.items]
        if mine != [item.to_dict() for item in after.items]:
            return _PLAN_CHANGES
    return ""


def _person_pair(
    key: str,
    before: PersonOutcome | None,
    after: PersonOutcome | None,
    value: Callable[[PersonOutcome], Any],
) -> dict[str, Any]:
    return {
        f"{key}_before": None if before is None else value(before),
        f"{key}_after": None if after is None else value(after),
    }


def _from_funds(outcome: PersonOutcome) -> float:
    """What funds pay toward a person's items."""
    return money_value(sum(cents for item in outcome.items for _, cents in item.fund_cents))


def _items_of(plan: TeamPlan) -> dict[tuple[str, str], TeamItem]:
    return {(item.person, item.id): item for o in plan.outcomes for item in o.items}


def _item_change(before: TeamItem | None, after: TeamItem | None) -> str:
    if before is None:
        return "added"
    if after is None:
        return "dropped"
    if before.period != after.period:
        return "moved"
    if before.paid_on != after.paid_on:
        return "paid on another day"
    return ""


def _side_by_side(
    before: Sequence[Any], after: Sequence[Any], fields: Sequence[str]
) -> list[dict[str, Any]]:
    """Per name in either (``before``'s order, then ``after``'s): each field before and after.

    A field is ``None`` where one has no entry of that name.
    """
    first = {entry.name: entry for entry in before}
    last = {entry.name: entry for entry in after}
    rows = []
    for name in dict.fromkeys([*first, *last]):
        row: dict[str, Any] = {"name": name}
        for field in fields:
            for when, entries in (("before", first), ("after", last)):
                entry = entries.get(name)
                row[f"{field}_{when}"] = None if entry is None else getattr(entry, field)
        rows.append(row)
    return rows


def _side_columns(fields: Sequence[str]) -> list[str]:
    return ["name", *(f"{field}_{when}" for field in fields for when in ("before", "after"))]


def _pair(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


def _plain_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _renewing(plan: TeamPlan) -> int:
    return len(plan.outcomes) - len(plan.at_risk)


def _of(plan: TeamPlan) -> str:
    return f"{_renewing(plan)} of {len(plan.outcomes)}"


def _lost(plan: TeamPlan) -> float:
    """The fund money a plan leaves to expire."""
    return money_value(sum(round(use.lost * 100) for use in plan.fund_uses))


def _status(status: str | None) -> str:
    return {"renews": "renews", "at_risk": "AT RISK", None: "not in the plan"}[status]


def _arrow(before: float | None, after: float | None, currency: str) -> str:
    """``"553.00 -> 316.00 GBP"``; ``-`` for a figure a plan does not have."""
    first = "-" if before is None else format_money(before, currency).removesuffix(f" {currency}")
    last = "-" if after is None else format_money(after, currency).removesuffix(f" {currency}")
    return f"{first} -> {last} {currency}"


def _paid(day: dt.date | None, period: str | None) -> str:
    if day is None:
        return "-"
    return f"paid {day}" + ("" if period is None else f" in {period}")


def _money_table(
    header: list[str], rows: list[dict[str, Any]], fields: Sequence[str], currency: str
) -> list[str]:
    """Named entries with their figures ``before -> after``, under ``header``, aligned."""
    table = [header]
    for row in rows:
        table.append(
            [
                row["name"],
                *(_arrow(row[f"{f}_before"], row[f"{f}_after"], currency) for f in fields),
            ]
        )
    return _aligned(table, "  ")


def _aligned(rows: Sequence[Sequence[str]], indent: str) -> list[str]:
    """``rows`` as lines, each column as wide as its widest cell (the last one as it is).

    Each cell is escaped first (:func:`ceplan.errors.one_line`), so that the columns line up.
    """
    cells = [[one_line(str(cell)) for cell in row] for row in rows]
    count = max((len(row) for row in cells), default=0)
    widths = [max((len(row[c]) for row in cells if c < len(row)), default=0) for c in range(count)]
    lines = []
    for row in cells:
        padded = [cell.ljust(widths[c]) if c < len(row) - 1 else cell for c, cell in enumerate(row)]
        lines.append((indent + "  ".join(padded)).rstrip())
    return lines


def what_if(
    catalog: Catalog | str | os.PathLike[str],
    roster: Roster | str | os.PathLike[str] | Mapping[str, Any],
    *,
    budget_factor: Any = None,
    budgets: Sequence[Budget | Mapping[str, Any]] | None = None,
    funds: Sequence[Fund | Mapping[str, Any]] | None = None,
    today: Any = None,
    time_limit: Any = None,
    progress: Callable[[str], None] | None = None,
    solver: str | Solver | Any | None = None,
    method: str = "auto",
    workers: Any = 1,
    scheduler: Any = None,
) -> TeamComparison:
    """The team planned as it is and again with other budgets or funds, side by side.

    ``budget_factor`` (a number >= 0) scales every budget period (``0.7`` is a 30% cut);
    ``budgets`` and ``funds`` replace the roster's (models or plain data, as in the YAML),
    checked by the roster's own rules (periods that overlap or end before they start are
    refused), before anything is planned. The other inputs are as for :func:`plan_team`, and
    each of the two plans is made by it: ``time_limit`` is for each, ``method`` (``"auto"`` by
    default) chooses for each, and ``progress`` is called with each plan's lines, each
    starting ``as given:`` or with the change (``budgets x0.7:``).
    """
    request = make_team_request(catalog, roster, today=today, time_limit=time_limit)
    other = roster_with(
        request.roster,
        request.catalog,
        request.today,
        budgets=budgets,
        funds=funds,
        budget_factor=budget_factor,
    )
    factor = None if budget_factor is None else as_number(budget_factor, "budget_factor")
    replaced = tuple(
        name for name, given in (("budgets", budgets), ("funds", funds)) if given is not None
    )
    said = as_progress(progress)
    words = _change_words(factor, replaced)

    def told(label: str) -> Callable[[str], None] | None:
        if said is None:
            return None
        return lambda line: said(f"{label}: {line}")

    common: dict[str, Any] = {
        "today": request.today,
        "time_limit": request.time_limit,
        "solver": solver,
        "method": method,
        "workers": workers,
        "scheduler": scheduler,
    }
    before = plan_team(request.catalog, request.roster, progress=told("as given"), **common)
    after = plan_team(request.catalog, other, progress=told(words), **common)
    return TeamComparison(before, after, factor, replaced)
