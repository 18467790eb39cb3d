"""Planning a team (SPEC section 7).

The model (:mod:`ceplan.solving.team`), then a :class:`~ceplan.results.team.TeamPlan` with the
reasons a manager can act on for each person at risk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import pulp

from ceplan.catalogue.models import Catalog, to_cents
from ceplan.errors import PlanInputError
from ceplan.inputs import as_whole
from ceplan.limits import MAX_WORKERS
from ceplan.model.team import OutOfTime, TeamModel, build_team, money_cents
from ceplan.planning.reasons import Money, Shared, at_risk_reasons
from ceplan.requests.team import TeamRequest, as_progress, make_team_request, roster_with
from ceplan.results.team import BudgetUse, FundUse, PersonOutcome, StageBound, TeamItem, TeamPlan
from ceplan.roster.models import Budget, Fund, Person, Roster
from ceplan.solving.backends import Solver, make_solver
from ceplan.solving.progress import Progress
from ceplan.solving.team import Taken, TeamSolution, least_money, solve_team
from ceplan.status import Deadline, Run
from ceplan.units import money_value

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
        (:attr:`~ceplan.results.team.TeamPlan.method`).
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

AUTO_SINGLE_MOST = 2_000
"""With ``method="auto"``: the most people times catalogue items (activities and exams) that
the single model plans; a larger team is planned by columns. Measured on the benchmark's
organisations (``bench/bench_team.py``, 540 items; see the README): the single model proves
the whole order for 2 and 3 people in a few seconds, and its time grows about as this product
does; columns are quicker from 2 people up but prove only who renews, with gaps of 15 to 40%
in the out-of-pocket spend below 10 people, where the single model proves everything in well
under a minute. From about 20 people the single model no longer proves its last stage in 60 s,
and at 100 it runs out of time in the first."""


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
    catalog = request.catalog
    size = len(request.roster.people) * (len(catalog.activities) + len(catalog.exams))
    return "single" if size <= AUTO_SINGLE_MOST else "columns"


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
            why_not = _why(shared, money, told=told)
            plan = _team_plan(
                catalog, roster, found.solution, day, alone, solvers.milp, amounts, why_not
            )
            return dataclasses.replace(plan, bounds=_bounds(found, plan), method="columns")
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

    why = _why(shared, needed, together, told)
    return _team_plan(catalog, roster, solution, day, alone, solvers.milp, amounts, why)


def _why(
    shared: Shared,
    money: Callable[[Person], Money | None],
    together: Callable[[Sequence[str]], int | None] | None = None,
    told: Progress | None = None,
) -> Callable[[Person], tuple[str, ...]]:
    """The reasons of each person at risk, worked out together (none for a plan not found)."""
    reasons = (
        {}
        if shared.solution.status == "unknown"
        else at_risk_reasons(shared, money, together, told)
    )
    return lambda person: reasons[person.id]


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
                reasons=(_NO_PLAN_IN_TIME,),
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
                given=_given(f),
                expires=f.expires,
                pays_for=f.pays_for,
                used=0.0,
            )
            for f in roster.funds
        ),
    )


_NO_PLAN_IN_TIME = "no plan was found before the time limit"


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
            paid = _fund_cents(taken)
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
                )
            )
        renews = solution.renews[person.id]
        path = solution.paths[person.id]
        rules = catalog.tiers[person.tier].paths
        if renews:
            reasons: tuple[str, ...] = ()
        elif solution.status == "unknown":
            reasons = (_NO_PLAN_IN_TIME,)
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
    budget_uses = tuple(
        BudgetUse(b.name, b.start, b.end, money_value(amounts[0][n]), money_value(spent[n]))
        for n, b in enumerate(roster.budgets)
    )
    fund_uses = tuple(
        FundUse(
            name=f.name,
            amount=money_value(amounts[1][n]),
            currency=f.currency or catalog.currency,
            given=_given(f),
            expires=f.expires,
            pays_for=f.pays_for,
            used=money_value(used[n]),
        )
        for n, f in enumerate(roster.funds)
    )
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


def _fund_cents(taken: Taken) -> tuple[tuple[int, int], ...]:
    """What each fund (position) paid toward an item, in whole cents.

    The solver's payments are continuous; each is rounded to the cent, and cut where they
    would come to more than the item costs.
    """
    paid: list[tuple[int, int]] = []
    left = taken.cents
    for f, amount in sorted(taken.paid_by_fund.items()):
        cents = min(round(amount), left)
        if cents > 0:
            paid.append((f, cents))
            left -= cents
    return tuple(paid)


def _given(fund: Fund) -> float:
    """A fund's amount in its own currency, to the cent."""
    cents = to_cents(fund.amount, 1.0)
    return fund.amount if cents is None else money_value(cents)


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
    """A team planned twice, side by side.

    Who moves to at risk, what moves between periods, what fund money is lost.
    """

    before: TeamPlan
    after: TeamPlan

    @property
    def newly_at_risk(self) -> tuple[str, ...]:
        """The people who renew before and are at risk after."""
        was = {o.id for o in self.before.outcomes if o.renews}
        return tuple(o.id for o in self.after.outcomes if not o.renews and o.id in was)

    @property
    def people(self) -> pd.DataFrame:
        """Per person: status and out-of-pocket spend before and after."""
        after = {o.id: o for o in self.after.outcomes}
        rows = []
        for o in self.before.outcomes:
            a = after[o.id]
            rows.append(
                {
                    "id": o.id,
                    "name": o.name,
                    "status_before": o.status,
                    "status_after": a.status,
                    "out_of_pocket_before": o.out_of_pocket,
                    "out_of_pocket_after": a.out_of_pocket,
                    "change": _change(o.renews, a.renews),
                }
            )
        return pd.DataFrame(rows, columns=list(_PEOPLE_COLUMNS))

    @property
    def items(self) -> pd.DataFrame:
        """Per person and item planned in either: the day it is paid and its period in each."""
        keys = ["person", "id"]
        before = self.before.items[[*keys, "paid_on", "period"]]
        after = self.after.items[[*keys, "paid_on", "period"]]
        merged = before.merge(after, on=keys, how="outer", suffixes=("_before", "_after"))
        return merged.sort_values(keys, kind="stable").reset_index(drop=True)

    @property
    def budgets(self) -> pd.DataFrame:
        """Per budget period: amount and spend before and after."""
        return _side_by_side(self.before.budget_uses, self.after.budget_uses, ("amount", "spent"))

    @property
    def funds(self) -> pd.DataFrame:
        """Per fund: used and lost at expiry, before and after."""
        return _side_by_side(self.before.fund_uses, self.after.fund_uses, ("used", "lost"))

    def summary(self) -> str:
        """One line: what changes."""
        risk = ", ".join(self.newly_at_risk) or "nobody"
        return (
            f"newly at risk: {risk}; out of pocket {self.before.out_of_pocket:,.2f} -> "
            f"{self.after.out_of_pocket:,.2f} {self.after.currency}; from funds "
            f"{self.before.paid_by_funds:,.2f} -> {self.after.paid_by_funds:,.2f}"
        )

    def __repr__(self) -> str:
        return f"<TeamComparison {self.summary()}>"


_PEOPLE_COLUMNS = (
    "id",
    "name",
    "status_before",
    "status_after",
    "out_of_pocket_before",
    "out_of_pocket_after",
    "change",
)


def _side_by_side(
    before: Sequence[Any], after: Sequence[Any], fields: Sequence[str]
) -> pd.DataFrame:
    """Per entry of ``before`` (by name): each field before, and after where it is still there."""
    later = {entry.name: entry for entry in after}
    columns = ["name", *(f"{field}_{when}" for field in fields for when in ("before", "after"))]
    rows = []
    for entry in before:
        row: dict[str, Any] = {"name": entry.name}
        for field in fields:
            row[f"{field}_before"] = getattr(entry, field)
            row[f"{field}_after"] = (
                getattr(later[entry.name], field) if entry.name in later else None
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _change(before: bool, after: bool) -> str:
    if before and not after:
        return "now at risk"
    if after and not before:
        return "now renews"
    return ""


def what_if(
    catalog: Catalog | str | os.PathLike[str],
    roster: Roster | str | os.PathLike[str] | Mapping[str, Any],
    *,
    budget_factor: Any = None,
    budgets: Sequence[Budget | Mapping[str, Any]] | None = None,
    funds: Sequence[Fund | Mapping[str, Any]] | None = None,
    today: Any = None,
    time_limit: Any = None,
    solver: str | Solver | Any | None = None,
    method: str = "auto",
) -> TeamComparison:
    """The team planned as it is and again with other budgets or funds, side by side.

    ``budget_factor`` scales every budget period (``0.7`` is a 30% cut); ``budgets`` and
    ``funds`` replace the roster's (models or plain data, as in the YAML), checked by the
    roster's own rules (periods that overlap or end before they start are refused). The other
    inputs are as for :func:`plan_team`; ``time_limit`` is for each of the two plans, and
    ``method`` (``"auto"`` by default) chooses for each as :func:`plan_team` does.
    """
    asked = _method(method)
    solvers = _Solvers.of(solver)
    request = make_team_request(catalog, roster, today=today, time_limit=time_limit)
    other = roster_with(
        request.roster,
        request.catalog,
        request.today,
        budgets=budgets,
        funds=funds,
        budget_factor=budget_factor,
    )
    changed = make_team_request(
        request.catalog, other, today=request.today, time_limit=request.time_limit
    )
    fallback = asked == "auto"
    return TeamComparison(
        _plan(request, solvers, None, choose_method(request, asked), fallback=fallback),
        _plan(changed, solvers, None, choose_method(changed, asked), fallback=fallback),
    )


def _bounds(found: Any, plan: TeamPlan) -> tuple[StageBound, ...]:
    """The stages planning by columns bounded: the plan's own value of each, and the bound.

    Planning people alone after the first stages can only make the plan better. If it spends
    less out of pocket than the stage found, that stage was not the best and the hours' bound,
    proved for the money the stage found, says nothing of the plan's: it is left out.
    """
    priority, money, hours = found.stages
    scale = float(found.hours_scale)
    spent = round(plan.out_of_pocket * 100)
    taken = sum(o.hours for o in plan.outcomes if o.renews)
    renewed = float(sum(o.priority for o in plan.outcomes if o.renews))
    same_money = spent == round(money.value)
    return (
        StageBound("priority", renewed, priority.bound, priority.proved),
        StageBound("out_of_pocket", spent / 100, money.bound / 100, money.proved and same_money),
        StageBound(
            "hours",
            taken,
            hours.bound / scale if same_money else None,
            hours.proved and same_money and round(taken * scale) == round(hours.value),
        ),
    )
