"""Pricing for planning by columns (SPEC 8): each person's best new column, round after round.

Under the master's prices each item paid in payment class ``k`` costs ``cents * u_k + hours *
v`` (:mod:`ceplan.solving.columns`), and a person's best new column is their one-person plan
under those prices:

- **without a weekly limit on study hours**, the exact dynamic programme of
  :mod:`ceplan.solving.covers` (``_Pricer``), in this process: it is fast;
- **with weekly study hours** (:class:`Timed`), their one-person timed model (:class:`_Model`):
  the person's block of the single model (:func:`ceplan.model.team.build_team` for a team of
  one: each item paid in a segment of days, its self-study hours spread over the weeks from
  the day it is paid), handed to HiGHS once. Each round only the objective's coefficients
  change and the model, kept in HiGHS, is solved again. The weekly-hours rows are added as
  answers break them, as the single model adds them (:meth:`~ceplan.model.block.Formulation.
  broken_stretches`), and kept for later rounds.

Most rounds need no integer solve (:class:`TimedPricer`). The dynamic programme over the
person's usable items (those of their calendar, each with every segment it may be paid in),
with the weekly hours left out, gives a lower bound on the price; people alike in it share it.
When its plan fits the person's weeks (the weekly-hours rule asked of a block of its items
alone), it is the answer. When even that bound is no better than the cutoff (no column of
theirs could improve the master: a person's column improves it only below minus their
constant), nothing is solved either. The model is built the first time it is needed; the
integer solve looks for a plan below the cutoff only, and an answer it leaves redundant gives
the irredundant plan within it (no dearer, and within the hours).

**Bounds.** The Lagrangian bound of :mod:`ceplan.solving.columns` needs each pricing
problem's least price or a lower bound on it: an integer solve stopped early (the deadline)
gives its dual bound (never below the programme's bound), and says it is not solved, so the
master's relaxation is not taken as proved.

**In parallel.** Pricing the people with weekly hours is where the time goes, and they are
priced side by side (:class:`Pricing`): by ``workers`` processes or the workers of a Dask
cluster (:class:`ceplan.solving.workers.Shards`). The problems alike without the weekly
hours (the ``n``-th such group) live on worker ``n`` mod the workers for the whole run, built
there the first time they are asked for, so that each sees the same rounds, in the same
order, whatever the number of workers; answers are read back in a fixed order. The plan is
the same whatever the number of workers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ceplan.candidates.items import Candidate, drop_redundant, usable_for
from ceplan.catalogue.models import Catalog
from ceplan.model.block import BlockOptions, build_formulation
from ceplan.model.team import Segment, build_team, ways_to_pay, who_may_pay
from ceplan.requests.person import PlanRequest
from ceplan.roster.models import Person, Roster
from ceplan.solving.backends import silence_highs_banner
from ceplan.solving.covers import _Pricer
from ceplan.solving.workers import Shards
from ceplan.status import Deadline

if TYPE_CHECKING:
    from ceplan.solving.covers import Taking

__all__ = ["Priced", "Pricing", "Timed", "TimedPricer"]


@dataclass(frozen=True)
class Priced:
    """A pricing problem's answer: the best plan found, and a bound on the least price.

    ``items`` is ``None`` when no plan was found that improves on the cutoff asked for;
    ``bound`` is at most the least price of any plan (the price of the plan found when
    solved). ``exact``: nothing was left unknown (the plan is the cheapest, or none improves on
    the cutoff), so no improving column was missed.
    """

    cost: float
    items: tuple[Taking, ...] | None
    cents: tuple[tuple[int, int], ...]
    hours: int
    bound: float
    exact: bool = True


@dataclass(frozen=True)
class Timed:
    """A person with weekly study hours (or everyone alike), priced by their timed model.

    ``items`` are their usable items (the master reads their hours); ``relaxation`` says what
    their problem is without the weekly hours (people alike in it share its dynamic
    programme). The rest is made where it is priced (:class:`TimedPricer`).
    """

    person: Person
    request: PlanRequest
    items: tuple[Candidate, ...]
    relaxation: Any


@dataclass
class _Data:
    """What every worker loads once: the team's data and the timed problems, by place.

    ``timed`` gives each problem's person, request and relaxation (by place, see
    :class:`Timed`). What is made where they are priced is kept here too, and stays there
    (in a worker, its own): each problem (``built``), and each relaxation's dynamic programme
    and its answers so far, by prices (``programmes``, ``answers``).
    """

    catalog: Catalog
    roster: Roster
    today: dt.date
    segments: tuple[Segment, ...]
    classes: Mapping[tuple[Any, ...], int]
    timed: tuple[tuple[Person, PlanRequest, int], ...]
    built: dict[int, TimedPricer] = field(default_factory=dict)
    programmes: dict[int, Any] = field(default_factory=dict)
    answers: dict[tuple[int, tuple[Any, ...]], Any] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, Any]:
        made: dict[str, Any] = {"built": {}, "programmes": {}, "answers": {}}
        return {**self.__dict__, **made}  # what is made stays where it was made

    def pricer(self, n: int) -> TimedPricer:
        """Timed problem ``n``, made the first time it is asked for."""
        if n not in self.built:
            person, request, _ = self.timed[n]
            self.built[n] = TimedPricer(self, person, request)
        return self.built[n]

    def relaxed(self, group: int, u: np.ndarray, v: float, step: int) -> Any:
        """The answer of relaxation ``group``'s dynamic programme under prices ``u``, ``v``.

        Made from its first problem's items; asked once for each set of prices its items
        may be paid at.
        """
        if group not in self.programmes:
            first = next(n for n, (_, _, g) in enumerate(self.timed) if g == group)
            made = self.pricer(first)
            self.programmes[group] = _Pricer(
                made.items, made.options, list(made.rules.values()), made.earned, made.passed
            )
        programme = self.programmes[group]
        key = (group, (tuple(u[np.unique(programme.option_klass)]), v, step))
        if key not in self.answers:
            self.answers[key] = programme.best(u, v, step)
        return self.answers[key]


_PRICES_KEPT = 8
"""Sets of prices whose dynamic programmes' answers are kept."""


class Pricing:
    """Every pricing problem of a team, priced round by round (see the module).

    ``pricers`` are the distinct problems: :class:`Timed` ones, priced in ``workers``
    processes (or on the Dask cluster ``scheduler``), and the dynamic programmes, priced here.
    Use as a context manager: the workers end when it exits.
    """

    def __init__(
        self,
        catalog: Catalog,
        roster: Roster,
        today: dt.date,
        segments: Sequence[Segment],
        classes: Mapping[tuple[Any, ...], int],
        pricers: Sequence[Any],
        deadline: Deadline,
        workers: int = 1,
        scheduler: Any = None,
    ) -> None:
        self.pricers = list({id(p): p for p in pricers}.values())  # each once
        self.timed = [p for p in self.pricers if isinstance(p, Timed)]
        groups: dict[Any, int] = {}
        for p in self.timed:
            groups.setdefault(p.relaxation, len(groups))
        self.group = [groups[p.relaxation] for p in self.timed]
        timed = tuple((p.person, p.request, groups[p.relaxation]) for p in self.timed)
        self.data = _Data(catalog, roster, today, tuple(segments), dict(classes), timed)
        self.shards: Shards | None = None
        self.known: dict[tuple[bytes, float, int], dict[int, Priced | None]] = {}
        """The dynamic programmes' answers by prices (the last :data:`_PRICES_KEPT`): they
        read nothing else, and the master meets the same prices again and again (an at-risk
        question's rounds, and the questions after it)."""
        if self.timed and (workers > 1 or scheduler is not None):
            self.shards = Shards(self.data, min(workers, len(groups)), deadline, scheduler)

    def round(
        self,
        u: np.ndarray,
        v: float,
        step: int,
        cutoffs: Mapping[int, float],
        deadline: Deadline,
        only: Collection[int] | None = None,
    ) -> dict[int, Priced | None]:
        """Each problem's answer under prices ``u``, ``v`` (by ``id`` of its pricer).

        ``cutoffs`` (by ``id``): a timed problem's plan is looked for only below it (no column
        of its people would improve the master otherwise); the others give their best.
        ``only``: the problems asked (by ``id``; ``None``: all of them).
        """
        asked = [
            (n, cutoffs.get(id(p), math.inf))
            for n, p in enumerate(self.timed)
            if only is None or id(p) in only
        ]
        answers: dict[int, Priced | None] = {}
        collect: Callable[[], list[list[Priced | None]]] | None = None
        shards: list[list[tuple[int, float]]] = []
        if self.shards is not None:
            # The problems alike without weekly hours go to one worker, always the same.
            count = self.shards.count
            shards = [[a for a in asked if self.group[a[0]] % count == s] for s in range(count)]
            collect = self.shards.submit(_price_timed, [(shard, u, v, step) for shard in shards])
        elif asked:
            shards = [asked]
            here = [_price_timed(self.data, deadline, (asked, u, v, step))]
            collect = here.copy
        prices = (u.tobytes(), v, step)
        known = self.known.pop(prices, {})
        self.known[prices] = known  # the last asked
        while len(self.known) > _PRICES_KEPT:
            del self.known[next(iter(self.known))]
        for pricer in self.pricers:
            if not isinstance(pricer, Timed) and (only is None or id(pricer) in only):
                if id(pricer) not in known:
                    best = pricer.best(u, v, step)
                    if best is None:
                        known[id(pricer)] = None
                    else:
                        cost, items, cents, hours = best
                        known[id(pricer)] = Priced(cost, items, cents, hours, cost)
                answers[id(pricer)] = known[id(pricer)]
        if collect is not None:
            for shard, found_there in zip(shards, collect(), strict=True):
                for (n, _), answer in zip(shard, found_there, strict=True):
                    answers[id(self.timed[n])] = answer
        return answers

    def close(self) -> None:
        """End the workers, if any."""
        if self.shards is not None:
            self.shards.close()

    def __enter__(self) -> Pricing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _price_timed(
    data: _Data, deadline: Deadline, task: tuple[Sequence[tuple[int, float]], Any, float, int]
) -> list[Priced | None]:
    """The timed problems of ``task`` (places and cutoffs) under its prices, in order."""
    asked, u, v, step = task
    found = []
    for n, cutoff in asked:
        relaxed = data.relaxed(data.timed[n][2], u, v, step)
        found.append(data.pricer(n).best(relaxed, u, v, step, cutoff, deadline))
    return found


class TimedPricer:
    """One person's timed pricing problem (see the module).

    Their usable items (with their calendar), each with every segment it may be paid in; the
    answer of the dynamic programme without the weekly hours is handed to :meth:`best`; their
    timed model in HiGHS (:class:`_Model`) is made the first time that answer breaks their
    weekly hours.
    """

    def __init__(self, data: _Data, person: Person, request: PlanRequest) -> None:
        self.data, self.person, self.request = data, person, request
        self.calendar = request.calendar
        found = usable_for(data.catalog, request, self.calendar)
        self.items: list[Candidate] = []
        self.options: list[list[tuple[int, int]]] = []
        for c in found:
            ways = ways_to_pay(c, request, data.segments, data.roster)
            if ways:
                self.items.append(c)
                self.options.append([(n, data.classes[way or (None, ())]) for n, way in ways])
        self.own = {c.id: c for c in self.items}
        self.rules = dict(enumerate(data.catalog.tiers[person.tier].paths))
        self.earned, self.passed = request.earned, dict(request.passed)
        self.fits: dict[tuple[tuple[str, int], ...], bool] = {}
        self.model: _Model | None = None

    def best(
        self,
        relaxed: Any,
        u: np.ndarray,
        v: float,
        step: int,
        cutoff: float,
        deadline: Deadline,
    ) -> Priced | None:
        """The cheapest plan under prices ``u``, ``v`` if it costs less than ``cutoff``.

        ``relaxed`` is the dynamic programme's answer (``None``: no plan even without the
        weekly hours, so none at all).
        """
        if relaxed is None:
            return None
        cost, shared, cents, hours = relaxed
        items = tuple(dataclasses.replace(t, item=self.own[t.id]) for t in shared)
        plan = tuple((t.id, t.segment) for t in items)
        if plan not in self.fits:
            self.fits[plan] = self._fits(items)
        if self.fits[plan]:
            return Priced(cost, items, cents, hours, cost)
        if cost >= cutoff:  # not even without the weekly hours
            return Priced(math.inf, None, (), 0, cost)
        if self.model is None:
            self.model = _Model(self.data, self.person, self.request)
        return self.model.solve(u, v, step, cutoff, cost, deadline)

    def _fits(self, items: Sequence[Taking]) -> bool:
        """Whether a plan fits the weekly hours.

        Each item paid in its segment, started no earlier (as the single model's items are);
        the weekly-hours rule is the model's (:meth:`~ceplan.model.block.Formulation.
        broken_stretches`, asked of a block of these items alone, every stretch of weeks).
        """
        segments, today = self.data.segments, self.request.today
        copies = [
            dataclasses.replace(
                t.item,
                id=f"{t.id}@{t.segment}",
                first=max(t.item.first or today, segments[t.segment].start),
            )
            for t in items
        ]
        options = BlockOptions(calendar=self.calendar, interchangeable=False)
        block = build_formulation(copies, self.rules, options)
        return not block.broken_stretches([c.id for c in copies])


class _Model:
    """One person's timed model in HiGHS, kept between rounds (see the module).

    Their block of the single model for a team of one: the items paid in segments (``take``),
    the path chosen, the weekly-hours rows; payments by funds are the master's and are left
    out (an item's price in a class already says who may pay).
    """

    def __init__(self, data: _Data, person: Person, request: PlanRequest) -> None:
        team = data.roster.model_copy(update={"people": (person,)})
        model = build_team(data.catalog, team, today=data.today, requests={person.id: request})
        member = model.members[person.id]
        self.block = block = member.block
        self.request = request
        copied = model.copied[person.id]
        self.copies = [copy for copy, _ in copied]
        self.origin = [origin for _, origin in copied]
        self.klass = np.array(
            [
                data.classes[who_may_pay(item, model.segments[n], data.roster) or (None, ())]
                for item, n in self.origin
            ],
            dtype=np.int64,
        )
        self.cents = np.array([c.cents for c in self.copies], dtype=np.float64)
        self.hours = np.array([c.hours for c in self.copies], dtype=np.float64)
        self.first: dict[str, int] = {}
        for item, n in self.origin:
            self.first[item.id] = min(self.first.get(item.id, n), n)
        self.rules = dict(block.paths)
        self.path_of = {p: len(self.copies) + k for k, p in enumerate(sorted(self.rules))}
        columns = [block.take[c.id] for c in self.copies]
        columns += [block.choose_path[p] for p in sorted(self.rules)]
        columns.append(member.renew)
        self.column = {variable.name: j for j, variable in enumerate(columns)}
        self.size = len(columns)
        self._highs(columns, member.renew.name)

    def _highs(self, columns: Sequence[Any], renew: str) -> None:
        import highspy

        silence_highs_banner(highspy)
        self.highspy = highspy
        h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        self.h = h
        n = len(columns)
        lower = np.zeros(n)
        upper = np.ones(n)
        lower[self.column[renew]] = 1.0  # a column is a plan that renews
        h.addVars(n, lower, upper)
        kind = highspy.HighsVarType.kInteger
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([kind] * n))
        prefix = self.block.prefix
        for row in self.block.problem.constraints():
            if not row.name.startswith(prefix):
                continue  # the team's rows (budget periods, funds)
            terms = {self.column.get(v.name, -1): float(a) for v, a in row.items()}
            if -1 in terms:
                continue  # a fund's payment: the master's
            self._add_row(terms, row)

    def _add_row(self, terms: Mapping[int, float], row: Any) -> None:
        inf = self.highspy.kHighsInf
        rhs = -float(row.constant)
        low = rhs if row.sense >= 0 else -inf  # = or >=
        high = rhs if row.sense <= 0 else inf  # = or <=
        index = np.array(sorted(terms), dtype=np.int32)
        value = np.array([terms[j] for j in sorted(terms)], dtype=np.float64)
        self.h.addRow(low, high, len(index), index, value)

    def solve(
        self, u: np.ndarray, v: float, step: int, cutoff: float, floor: float, deadline: Deadline
    ) -> Priced | None:
        """The cheapest plan below ``cutoff`` (see the module); ``floor``: a bound below it."""
        h, statuses, inf = self.h, self.highspy.HighsModelStatus, self.highspy.kHighsInf
        price = self.cents * u[self.klass] + self.hours * step * v
        n = len(self.copies)
        if price.any():
            h.setOptionValue("objective_bound", cutoff if math.isfinite(cutoff) else inf)
            h.changeColsCost(n, np.arange(n, dtype=np.int32), price)
        else:
            # Every plan costs 0: the one the person would pick (the cheapest, the fewest hours).
            hours = np.round(self.hours * step)
            h.setOptionValue("objective_bound", inf)
            h.changeColsCost(
                n, np.arange(n, dtype=np.int32), self.cents + hours / (hours.sum() + 1)
            )
        while True:
            left = deadline.remaining()
            if left is not None and left <= 0:
                return Priced(math.inf, None, (), 0, floor, exact=False)
            h.setOptionValue("time_limit", inf if left is None else left)
            h.run()
            status = h.getModelStatus()
            if status == statuses.kInfeasible:
                # HiGHS 1.16's presolve has called feasible problems infeasible (see
                # ceplan.solving.loop): asked again without it before it is believed.
                h.setOptionValue("presolve", "off")
                h.run()
                h.setOptionValue("presolve", "choose")
                status = h.getModelStatus()
            if status == statuses.kInfeasible:
                if not price.any() or not math.isfinite(cutoff):
                    return None  # no plan within the weekly hours at all
                return Priced(math.inf, None, (), 0, max(floor, cutoff))  # none below the cutoff
            info = h.getInfo()
            bound = float(info.mip_dual_bound) if price.any() else 0.0
            bound = max(floor, bound) if math.isfinite(bound) else floor
            has_plan = info.primal_solution_status == 2
            values = np.asarray(h.getSolution().col_value) if has_plan else np.zeros(self.size)
            chosen = [j for j in range(self.size) if values[j] > 0.5]
            broken = self.block.broken_stretches([self.copies[j].id for j in chosen if j < n])
            if status != statuses.kOptimal:
                # Stopped early: its answer if it keeps the weekly hours, and its dual bound.
                if not has_plan or broken:
                    return Priced(math.inf, None, (), 0, bound, exact=False)
                return dataclasses.replace(self._answer(chosen, price, step, bound), exact=False)
            if not broken:
                return self._answer(chosen, price, step, bound)
            for first, last in broken:  # rows for the stretches it overfills, as in the team
                self.block.add_stretch(first, last)
                name = f"{self.block.prefix}hours_runs_{first}_{last}"
                row = self.block.problem.get_constraint_by_name(name)
                self._add_row({self.column[v.name]: float(a) for v, a in row.items()}, row)

    def _answer(self, chosen: Sequence[int], price: np.ndarray, step: int, bound: float) -> Priced:
        """The plan of the places ``chosen``, irredundant, as a priced column."""
        from ceplan.solving.covers import Taking

        n = len(self.copies)
        path = next(p for p, j in self.path_of.items() if j in chosen)
        picked = {self.origin[j][0].id: j for j in chosen if j < n}
        items = [self.origin[j][0] for j in picked.values()]
        earned, passed = self.request.earned, dict(self.request.passed)
        kept = sorted(c.id for c in drop_redundant(items, self.rules[path], earned, passed))
        takings = []
        cents: dict[int, int] = {}
        cost = 0.0
        hours = 0
        for i in kept:
            j = picked[i]
            item, segment = self.origin[j]
            klass = int(self.klass[j])
            takings.append(Taking(i, segment, klass, item, segment == self.first[i]))
            if item.cents:
                cents[klass] = cents.get(klass, 0) + item.cents
            cost += float(price[j])
            hours += round(item.hours * step)
        return Priced(cost, tuple(takings), tuple(sorted(cents.items())), hours, min(bound, cost))
