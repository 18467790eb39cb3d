"""Weekly study hours in the schema 2 model: plans over time (SPEC 6) under SPEC 9's rules.

A world with a calendar (:attr:`~ceplan.candidates.held.HeldWorld.calendar`) gives every item
of :func:`~ceplan.model.claims.build_claims` a stretch to finish in
(:attr:`~ceplan.model.claims.ClaimsModel.finishes`). A self-paced item finishing in stretch ``s``
works from its first day to the stretch's last day (an exam: to the last day not away before its
sitting); each such *window* is one entry of :func:`~ceplan.model.block.weekly_runs`, so the
weeks are grouped into runs exactly as for a schema 1 block, and the hours fit the weekly limit
exactly when, for every stretch of runs ``a..b``, the windows inside it need no more hours than
it holds (Hall's condition, as :mod:`ceplan.model.block` says):

- ``hours_runs_<a>_<b>``: ``sum(hours[i] * finishes[i, s])`` over the windows inside runs
  ``a..b`` is at most the hours the runs hold (or ``weekly_hours`` times their weeks with a day
  not away, to find how many a plan needs, :meth:`WeeklyRows.free`);
- ``no_study_day_<id>_<s>``: an exam with hours and no day to prepare before that sitting is
  not sat then.

The rows of the stretches ``0..b`` are there from the start (exact when every window opens
today); the others are added when an answer overfills them (:meth:`WeeklyRows.broken`,
:meth:`WeeklyRows.add`, :func:`~ceplan.model.block.overfilled`), as the schema 1 solver does.
Every row holds for every plan that keeps the weekly limit, so an answer found with some of them
that keeps them all is best among all plans.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ceplan.candidates.held import HeldItem, HeldWorld
from ceplan.candidates.items import Candidate
from ceplan.model.arrays import ArrayModel, Linear
from ceplan.model.block import Weekly, overfilled, span_demand, weekly_runs
from ceplan.model.claims import ClaimsModel
from ceplan.weeks import Calendar

__all__ = ["WeeklyRows", "planned_candidate", "weekly_rows", "with_rows"]

_DAY = dt.timedelta(days=1)
_ON = 0.5


def planned_candidate(
    item: HeldItem, finish: dt.date, calendar: Calendar | None
) -> Candidate | None:
    """``item`` finishing on ``finish``, as the schedule (and the weekly rows) see it.

    A dated session runs on its own days under its activity's id; a self-paced item works from
    its first day to ``finish``; an exam with hours is prepared up to the last day not away
    before its sitting on ``finish`` (``None`` in a plan over time when there is no such day).
    """
    if item.session is not None:
        return Candidate(
            id=item.source,
            is_exam=False,
            kind=None,
            credits=item.credits,
            cents=item.cents,
            hours=item.hours,
            do_by=finish,
            first=item.starts,
            last=finish,
            session=item.session,
        )
    first = min(item.first, finish)
    study_by = None
    if item.is_exam and item.hours and calendar is not None:
        study_by = calendar.last_available(finish - _DAY, first)
        if study_by is None:
            return None
    return Candidate(
        id=item.id,
        is_exam=item.is_exam,
        kind=item.kind,
        credits=item.credits,
        cents=item.cents,
        hours=item.hours,
        do_by=finish,
        first=first,
        last=finish,
        study_by=study_by,
    )


@dataclass(frozen=True)
class WeeklyRows:
    """The weekly hours rows of one claims model (see the module).

    ``windows`` maps each window's id (``<item>@<stretch>``) to the expression that is 1 when
    the item finishes in that stretch; ``weekly`` holds the windows' runs and hours.
    """

    weekly: Weekly
    windows: dict[str, Linear]
    closed: tuple[Linear, ...]
    """Sittings without a day to prepare: each expression must be 0."""
    limited: bool
    """Whether there is a weekly limit (else only :attr:`closed` matters)."""

    def initial(self, model: ArrayModel) -> ArrayModel:
        """``model`` with the rows needed from the start: closed sittings, runs ``0..b``."""
        rows = [(expression, -math.inf, 0.0, "no_study_day") for expression in self.closed]
        model = _with_rows(model, rows)
        return self.add(model, self._prefixes())

    def every(self, model: ArrayModel) -> ArrayModel:
        """``model`` with every row it may need, so that no row is added later.

        Closed sittings, and each stretch of runs from one where a window starts to one where
        a window ends: any other stretch holds the windows of a shorter one and more hours, so
        its row follows from that one's. A team's model takes them so
        (:mod:`ceplan.model.team_held`).
        """
        rows = [(expression, -math.inf, 0.0, "no_study_day") for expression in self.closed]
        model = _with_rows(model, rows)
        spans = self.weekly.spans.values()
        starts = sorted({a for a, _ in spans})
        ends = sorted({b for _, b in spans})
        return self.add(model, [(a, b) for a in starts for b in ends if a <= b])

    def free(self, model: ArrayModel) -> tuple[ArrayModel, int]:
        """``model`` with the weekly hours a column to minimise, and the first rows."""
        column = model.columns
        model = dataclasses.replace(
            model,
            names=(*model.names, "weekly_hours"),
            lower=np.append(model.lower, 0.0),
            upper=np.append(model.upper, math.inf),
            integer=np.append(model.integer, False),
        )
        rows = [(expression, -math.inf, 0.0, "no_study_day") for expression in self.closed]
        model = _with_rows(model, rows)
        return self.add(model, self._prefixes(), column), column

    def add(
        self, model: ArrayModel, stretches: Iterable[tuple[int, int]], free: int | None = None
    ) -> ArrayModel:
        """``model`` with the rows of ``stretches`` (runs ``a..b``); ``free``: the hours column."""
        if not self.limited:
            return model
        weekly = self.weekly
        rows = []
        for first, last in stretches:
            terms: dict[int, float] = {}
            constant = 0.0
            for (a, b), ids in weekly.by_span.items():
                if first <= a and b <= last:
                    for window in ids:
                        own, value = self.windows[window]
                        hours = weekly.hours[window]
                        for column, coefficient in own.items():
                            terms[column] = terms.get(column, 0.0) + hours * coefficient
                        constant += hours * value
            if free is not None:
                terms[free] = -float(sum(weekly.weeks[first : last + 1]))
                limit = 0.0
            else:
                limit = float(sum(weekly.capacity[first : last + 1]))
            rows.append(((terms, constant), -math.inf, limit, f"hours_runs_{first}_{last}"))
        return _with_rows(model, rows)

    def broken(
        self, model: ArrayModel, values: np.ndarray, per_week: float | None = None
    ) -> list[tuple[int, int]]:
        """The stretches of runs the answer ``values`` overfills that ``model`` has no row for.

        ``per_week``: the hours a week of :meth:`free`'s column (else the calendar's).
        """
        if not self.limited:
            return []
        weekly = self.weekly
        chosen = [
            (weekly.spans[window], weekly.hours[window])
            for window, expression in self.windows.items()
            if ArrayModel.value_of(expression, values) > _ON
        ]
        if per_week is None:
            per_run = np.asarray(weekly.capacity, dtype=float)
        else:
            per_run = np.asarray(weekly.weeks, dtype=float) * per_week
        known = {
            (int(a), int(b))
            for name in model.row_names
            if name.startswith("hours_runs_")
            for a, b in [name.removeprefix("hours_runs_").split("_")]
        }
        return overfilled(span_demand(weekly, chosen), per_run, known)

    def _prefixes(self) -> list[tuple[int, int]]:
        return [(0, last) for last in range(len(self.weekly.capacity))]


def weekly_rows(world: HeldWorld, claims: ClaimsModel) -> WeeklyRows | None:
    """The weekly hours rows of ``claims`` (``None`` for a world without a calendar)."""
    calendar = world.calendar
    if calendar is None:
        return None
    windows: dict[str, Linear] = {}
    candidates: list[Candidate] = []
    closed: list[Linear] = []
    for (item_id, s), expression in sorted(claims.finishes.items()):
        item = world.items[item_id]
        if not item.self_paced or item.hours <= 0:
            continue
        finish = claims.stretches[item_id][s][1]
        candidate = planned_candidate(item, finish, calendar)
        if candidate is None:
            closed.append(expression)
            continue
        window = f"{item_id}@{s}"
        windows[window] = expression
        candidates.append(dataclasses.replace(candidate, id=window))
    weekly = weekly_runs(_sorted(candidates), calendar)
    return WeeklyRows(weekly, windows, tuple(closed), calendar.hours_per_week is not None)


def _sorted(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: c.id)


def with_rows(model: ArrayModel, rows: Sequence[tuple[Linear, float, float, str]]) -> ArrayModel:
    """``model`` with ``rows`` (an expression, its bounds, a name) added after its own.

    A row with no terms left is not added; one its constant breaks is named impossible.
    """
    return _with_rows(model, rows)


def _with_rows(model: ArrayModel, rows: Sequence[tuple[Linear, float, float, str]]) -> ArrayModel:
    """``model`` with ``rows`` (an expression, its bounds, a name) added after its own."""
    if not rows:
        return model
    index = [model.index]
    value = [model.value]
    starts = list(model.starts)
    lower, upper, names = [], [], []
    impossible = list(model.impossible)
    end = int(model.starts[-1])
    for (terms, constant), low, high, name in rows:
        kept = {c: v for c, v in sorted(terms.items()) if v != 0.0}
        if not kept:
            if low - constant > 1e-9 or high - constant < -1e-9:
                impossible.append(name)
            continue
        index.append(np.asarray(list(kept), dtype=np.int32))
        value.append(np.asarray(list(kept.values()), dtype=np.float64))
        end += len(kept)
        starts.append(end)
        lower.append(low - constant)
        upper.append(high - constant)
        names.append(name)
    return dataclasses.replace(
        model,
        starts=np.asarray(starts, dtype=np.int32),
        index=np.concatenate(index).astype(np.int32),
        value=np.concatenate(value).astype(np.float64),
        row_lower=np.append(model.row_lower, lower),
        row_upper=np.append(model.row_upper, upper),
        row_names=(*model.row_names, *names),
        impossible=tuple(impossible),
    )
