"""What a person could still use: the catalogue filtered by dates and by what they have done.

This is the bridge between the catalogue and the optimisation model. :func:`usable_items` applies
the date rules of the planning rules (SPEC section 3); :func:`reduce_dominated` drops activities
and exams that can never be in the best plan, which keeps the integer programme small without
changing its answer.

Each rule is written once, for one item or for arrays of items alike: :func:`usable_now` (dates,
ids, exam permission), the price ceiling (:func:`ceiling_cost`, :class:`CostPerCredit`,
:func:`within_ceiling`) and dominance (:func:`enough_to_drop`). :func:`usable_items` and
:func:`shrink` apply them item by item; :class:`ceplan.candidates.arrays.Usable` applies the same
functions to numpy arrays of a large catalogue. What each side does on its own is only bookkeeping:
putting items in an order, running totals, counting.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Protocol

from ceplan.catalogue.models import Activity, Catalog, Exam, PathRule
from ceplan.objective import item_key
from ceplan.units import CREDIT_TOLERANCE, DECIMALS
from ceplan.weeks import Calendar

if TYPE_CHECKING:
    from ceplan.requests.person import PlanRequest

__all__ = [
    "CREDIT_TOLERANCE",
    "Candidate",
    "CostPerCredit",
    "Offer",
    "candidate_for",
    "ceiling_cost",
    "cost_per_credit_key",
    "drop_redundant",
    "enough_to_drop",
    "greedy_cost",
    "max_plan_size",
    "meets",
    "most_at_least",
    "price_floors",
    "reduce_dominated",
    "shrink",
    "still_needed",
    "targets",
    "usable_items",
    "usable_now",
    "within_ceiling",
]


_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An activity or exam the person can still use, with its cost in whole cents."""

    id: str
    is_exam: bool
    kind: str | None
    credits: float
    cents: int
    hours: float
    do_by: dt.date
    first: dt.date | None = None
    """The first day work can start (an available day); ``None`` means ``today``."""
    last: dt.date | None = None
    """The latest day it can finish: the last available day by ``do_by`` (an exam's sitting
    day, a session's last day); ``None`` means ``do_by``."""
    session: int | None = None
    """For an activity with dated sessions: the one planned (it needs no self-study hours)."""
    study_by: dt.date | None = None
    """For an exam in a plan over time: the last day of preparation, the last available day
    before its sitting (SPEC 6: preparation comes before the sitting); ``None`` means
    :attr:`finish_by`."""

    @property
    def finish_by(self) -> dt.date:
        """The latest day the item can finish."""
        return self.last or self.do_by

    @property
    def work_until(self) -> dt.date:
        """The last day its self-study hours can be done."""
        return self.study_by or self.finish_by

    @property
    def self_paced(self) -> bool:
        """Whether its hours are self-study hours spread over weeks (not a dated session)."""
        return self.session is None

    @property
    def key(self) -> tuple[Any, ...]:
        """Its place in the order (:func:`~ceplan.objective.item_key`): cost, hours, id."""
        return item_key(self)

    @property
    def profile(self) -> tuple[object, ...]:
        """Everything but the id: items with the same profile can stand in for each other."""
        return (
            self.is_exam,
            self.kind,
            self.credits,
            self.cents,
            self.hours,
            self.do_by,
            self.first,
            self.last,
            self.study_by,
            self.self_paced,
        )

    @property
    def free(self) -> bool:
        """Whether it costs nothing and takes no time: only such items can pad a best plan."""
        return self.cents == 0 and self.hours == 0


def usable_items(
    catalog: Catalog,
    *,
    today: dt.date,
    complete_by: dt.date,
    unavailable_ids: Iterable[str] = (),
    allow_exams: bool = True,
    calendar: Calendar | None = None,
) -> list[Candidate]:
    """The activities and exams that can be used between ``today`` and ``complete_by``.

    An item is usable iff its id is not in ``unavailable_ids`` (completed or excluded), its last
    day (``expires`` or ``retires``) is empty or on or after ``today``, and ``available_from`` is
    empty or on or before ``complete_by``. It must be done by ``min(last day, complete_by)``.
    An activity with dated sessions is usable only if a session starts on or after ``today``
    and ends by its do-by date; it then costs as its cheapest such session.

    With a ``calendar`` (unavailable days), work starts on an available day and ends by the last
    available day before the do-by date; a session must fall on available days only; an item
    with no available day in its window is not usable. An exam's preparation ends the last
    available day before its sitting; in a plan over time, an exam that needs preparation and
    has no such day is not usable.
    The result is sorted by id.
    """
    calendar = calendar or Calendar(today=today, end=complete_by)
    skip = set(unavailable_ids)
    items: Sequence[Activity | Exam] = [
        *catalog.activities,
        *(catalog.exams if allow_exams else []),
    ]
    result = []
    for item in items:
        if not usable_now(
            opens=item.available_from or dt.date.min,
            closes=item.last_day or dt.date.max,
            excluded=item.id in skip,
            is_exam=isinstance(item, Exam),
            today=today,
            complete_by=complete_by,
            allow_exams=allow_exams,
        ):
            continue
        candidate = candidate_for(
            catalog, item, today=today, complete_by=complete_by, calendar=calendar
        )
        if candidate is not None:
            result.append(candidate)
    result.sort(key=lambda c: c.id)
    return result


def usable_for(
    catalog: Catalog, request: PlanRequest, calendar: Calendar | None = None
) -> list[Candidate]:
    """The items a one-person ``request`` can use (:func:`usable_items`), sorted by id.

    Those it has not completed or set aside, exams only if it sits them, between its today
    and do-by date; ``calendar``: the days it may use (``None``: every day).
    """
    return usable_items(
        catalog,
        today=request.today,
        complete_by=request.complete_by,
        unavailable_ids=request.completed | request.excluded,
        allow_exams=request.allow_exams,
        calendar=calendar,
    )


def usable_now(
    *,
    opens: Any,
    closes: Any,
    excluded: Any,
    is_exam: Any,
    today: Any,
    complete_by: Any,
    allow_exams: bool,
) -> Any:
    """Whether items can be used, by their dates, their ids and exam permission (SPEC 3).

    An item is usable iff it is not ``excluded`` (completed or not wanted), it is not an exam
    when exams are not allowed, its last day (``closes``: ``expires`` or ``retires``) is not
    before ``today`` and its first (``opens``: ``available_from``) is not after
    ``complete_by``. For one item (dates, and ``date.min`` / ``date.max`` where there is none)
    or, element by element, for numpy arrays (day numbers). The calendar and sessions are
    :func:`candidate_for`'s.

    Examples
    --------
    >>> day = dt.date(2027, 1, 1)
    >>> usable_now(opens=dt.date.min, closes=day, excluded=False, is_exam=True,
    ...            today=day, complete_by=day, allow_exams=False)
    False
    """
    usable = (closes >= today) & (opens <= complete_by) & (excluded ^ True)
    if not allow_exams:
        usable = usable & (is_exam ^ True)
    return usable


def candidate_for(
    catalog: Catalog,
    item: Activity | Exam,
    *,
    today: dt.date,
    complete_by: dt.date,
    calendar: Calendar,
) -> Candidate | None:
    """``item`` as a candidate, if its dates, sessions and the calendar leave a way to do it.

    ``item`` must already pass the date rules of :func:`usable_items` (last day not before
    ``today``, ``available_from`` not after ``complete_by``).
    """
    last = item.last_day
    is_exam = isinstance(item, Exam)
    do_by = min(last, complete_by) if last is not None else complete_by
    study_by: dt.date | None = None
    cents = catalog.cents_of(item.id)
    session: int | None = None
    if isinstance(item, Activity) and item.sessions:
        # The cheapest session that can be attended; among equals, the latest.
        options = [
            (catalog.cents_of(item.id, session=number), -session.start.toordinal(), number)
            for number, session in enumerate(item.sessions)
            if session.start >= today
            and session.end <= do_by
            and calendar.available_between(session.start, session.end)
        ]
        if not options:
            return None
        cents, _, session = min(options)
        first = item.sessions[session].start
        finish = item.sessions[session].end
    else:
        first_day = calendar.first_available(max(today, item.available_from or today), do_by)
        finish_day = calendar.last_available(do_by, first_day or do_by)
        if first_day is None or finish_day is None:
            return None
        first, finish = first_day, finish_day
        if is_exam and item.hours:
            study_by = calendar.last_available(finish - _DAY, first)
            if study_by is None and calendar.limits:
                return None  # no day to prepare before the sitting
    return Candidate(
        id=item.id,
        is_exam=is_exam,
        kind=item.kind if isinstance(item, Exam) else None,
        credits=0.0 if isinstance(item, Exam) else float(item.credits),
        cents=cents,
        hours=round(float(item.hours or 0.0), DECIMALS),
        do_by=do_by,
        first=first,
        last=finish,
        session=session,
        study_by=study_by,
    )


def max_plan_size(credits: Sequence[float], need: float) -> int:
    """The most activities a best plan can hold when ``need`` credits are still missing.

    A best plan is minimal: dropping any activity from it would leave it short (otherwise the
    smaller plan would cost no more, take no longer and have fewer items). So without its
    largest activity a best plan of ``m`` activities has fewer than ``need`` credits, and so do
    the ``m - 1`` smallest activities of the catalogue.

    Examples
    --------
    >>> max_plan_size([10, 10, 10, 50], need=25)
    3
    >>> max_plan_size([10, 20], need=0)
    0
    """
    if need <= CREDIT_TOLERANCE:
        return 0
    total = 0.0
    size = 0
    for value in sorted(credits):
        if total >= need - CREDIT_TOLERANCE:
            break
        total += value
        size += 1
    return size


def most_at_least(credits: Any, need: float) -> Any:
    """The most activities earning ``credits`` or more that one best plan can hold.

    Without its smallest activity a best plan is short (it is minimal, see
    :func:`max_plan_size`), and at least ``m - 1`` of its ``m`` activities of ``credits`` or
    more are still in it: ``(m - 1) * credits < need``. (Both sides allow for
    :data:`~ceplan.units.CREDIT_TOLERANCE`, so where ``need / credits`` is a whole number the
    answer is one too large: safe, never too small.) For one activity or, element by element,
    a numpy array of them.

    Examples
    --------
    >>> most_at_least(40, need=80), most_at_least(30, need=80), most_at_least(80, need=80)
    (3.0, 3.0, 2.0)
    """
    step = credits - CREDIT_TOLERANCE
    earns = step > 0
    return _where(earns, (need - CREDIT_TOLERANCE) / _where(earns, step, 1.0) // 1 + 1.0, math.inf)


def enough_to_drop(credits: Any, need: float, limit: int) -> Any:
    """How many activities must beat one of ``credits`` for it to go (see :func:`reduce_dominated`).

    As many as a best plan can hold (``limit``, :func:`max_plan_size`), or as many activities
    of ``credits`` or more as it can hold (:func:`most_at_least`), whichever is fewer: one of
    them is then always free to take its place. For one activity or, element by element, a
    numpy array of them.

    Examples
    --------
    >>> enough_to_drop(40, need=80, limit=5), enough_to_drop(1, need=80, limit=5)
    (3.0, 5)
    """
    most = most_at_least(credits, need)
    return _where(most < limit, most, limit)


def _where(condition: Any, yes: Any, no: Any) -> Any:
    """``yes`` where ``condition`` holds, else ``no``: for one value, or numpy arrays."""
    if isinstance(condition, bool):
        return yes if condition else no
    import numpy as np  # arrays were given: numpy is loaded

    return np.where(condition, yes, no)


class Offer(Protocol):
    """The usable items as the price ceiling reads them: objects, or arrays of a catalogue."""

    def exam_prices(self, kind: str) -> Sequence[int]:
        """The prices (cents) of the usable exams of ``kind``, in any order."""

    def cheapest_earning(self, credits: float) -> int | None:
        """The least price of one usable activity that earns ``credits`` on its own."""

    @property
    def by_cost_per_credit(self) -> CostPerCredit:
        """The usable activities taken by cost per credit."""


def cost_per_credit_key(activity: Candidate) -> tuple[float, str]:
    """The order of quick plans and of the fractional bound: cost per credit, then id."""
    return (activity.cents / activity.credits, activity.id)


class CostPerCredit:
    """Activities taken by cost per credit (then id), as running totals.

    ``reach[k]`` is the credits of the first ``k + 1`` activities; ``credits_before[k]`` and
    ``cents_before[k]`` those of the first ``k``, and ``ratios[k]`` the cost per credit of
    activity ``k`` (infinite past the last). Lists and :func:`bisect.bisect_left` for
    candidates (:meth:`of`), numpy arrays and ``numpy.searchsorted`` for the arrays of
    :mod:`ceplan.candidates.arrays`: both give the same numbers, and the two rules below are
    written once.
    """

    def __init__(
        self,
        reach: Any,
        credits_before: Any,
        cents_before: Any,
        ratios: Any,
        search: Callable[[Any, Any], Any] = bisect.bisect_left,
    ) -> None:
        self.reach, self.search = reach, search
        self.credits_before, self.cents_before, self.ratios = credits_before, cents_before, ratios

    @classmethod
    def of(cls, activities: Iterable[Candidate]) -> CostPerCredit:
        """The running totals of ``activities`` (candidates) taken by cost per credit, then id."""
        ordered = sorted(activities, key=cost_per_credit_key)
        reach = list(accumulate(c.credits for c in ordered))
        return cls(
            reach,
            [0.0, *reach],
            [0, *accumulate(c.cents for c in ordered)],
            [*(c.cents / c.credits for c in ordered), math.inf],
        )

    def greedy(self, credits: float) -> int | None:
        """What the activities cost, taken by cost per credit until they earn ``credits``.

        ``None`` when all of them do not earn as much.
        """
        k = self.search(self.reach, credits - CREDIT_TOLERANCE)
        return int(self.cents_before[k + 1]) if k < len(self.reach) else None

    def bound(self, credits: Any) -> Any:
        """The least any activities can cost to earn ``credits``, items split freely.

        Taking activities by cost per credit, the last one in part, is the optimum of the
        linear relaxation of the covering knapsack, so no real plan earning ``credits`` costs
        less. For one amount or, element by element, a numpy array of them.
        """
        k = self.search(self.reach, credits - CREDIT_TOLERANCE)
        value = self.cents_before[k] + (credits - self.credits_before[k]) * self.ratios[k]
        return _where(credits <= CREDIT_TOLERANCE, 0.0, value)


def ceiling_cost(
    offer: Offer, credits_needed: float, exams_needed: Mapping[str, int]
) -> int | None:
    """The cost in cents of a quick plan that meets the need, or ``None`` if none is found.

    Exams: the cheapest of each kind. Activities: the cheaper of the cheapest single activity
    that earns enough on its own, and the activities taken by cost per credit until enough.
    No best plan costs more than this, so no item dearer than it can be in one.
    """
    total = 0
    for kind, count in exams_needed.items():
        if count <= 0:
            continue
        prices = sorted(offer.exam_prices(kind))
        if len(prices) < count:
            return None
        total += int(sum(prices[:count]))
    if credits_needed <= CREDIT_TOLERANCE:
        return total
    options = (
        offer.cheapest_earning(credits_needed),
        offer.by_cost_per_credit.greedy(credits_needed),
    )
    found = [cost for cost in options if cost is not None]
    return total + min(found) if found else None


def greedy_cost(
    candidates: Sequence[Candidate], *, credits_needed: float, exams_needed: Mapping[str, int]
) -> int | None:
    """:func:`ceiling_cost` of ``candidates``.

    Examples
    --------
    >>> import datetime as dt
    >>> day = dt.date(2026, 1, 1)
    >>> items = [Candidate(f"a{c}", False, None, c, 100 * c * c, 0.0, day) for c in (1, 2, 8)]
    >>> greedy_cost(items, credits_needed=3, exams_needed={})
    500
    """
    return ceiling_cost(_Candidates(candidates), credits_needed, exams_needed)


class _Candidates:
    """Candidates as an :class:`Offer`."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.candidates = candidates
        self.activities = [c for c in candidates if not c.is_exam]

    def exam_prices(self, kind: str) -> list[int]:
        return [c.cents for c in self.candidates if c.is_exam and c.kind == kind]

    def cheapest_earning(self, credits: float) -> int | None:
        return min(
            (c.cents for c in self.activities if c.credits >= credits - CREDIT_TOLERANCE),
            default=None,
        )

    @cached_property
    def by_cost_per_credit(self) -> CostPerCredit:
        return CostPerCredit.of(self.activities)


def price_floors(
    offer: Offer, needs: Sequence[tuple[float, Mapping[str, int]]]
) -> list[tuple[float, int]]:
    """For each path still open, its credits still needed and the least its exams cost.

    ``needs`` are the paths' credits and exams still needed (:func:`still_needed`); a path
    whose exams cannot be had, or that needs no more credits, has no activity to price.
    """
    floors = [(credits, ceiling_cost(offer, 0.0, exams)) for credits, exams in needs]
    return [
        (credits, floor)
        for credits, floor in floors
        if floor is not None and credits > CREDIT_TOLERANCE
    ]


def within_ceiling(
    floors: Sequence[tuple[float, int]],
    bound: Callable[[Any], Any],
    ceiling: int,
    credits: Any,
    cents: Any,
) -> Any:
    """Whether an activity can be in a plan for some open path that costs at most ``ceiling``.

    On each path (``floors``, :func:`price_floors`) a plan holding it costs at least the
    path's exams, plus the activity, plus ``bound`` (:meth:`CostPerCredit.bound`) on the
    credits still missing; costs are never negative. For one activity or, element by
    element, numpy arrays of them.
    """
    useful: Any = False
    for need, floor in floors:
        useful = useful | (floor + cents + bound(need - credits) <= ceiling + 1e-6)
    return useful


def targets(needs: Sequence[tuple[float, Mapping[str, int]]]) -> tuple[float, dict[str, int]]:
    """What a best plan for any of the paths may need: the most credits, and exams by kind."""
    kinds = {kind for _, exams in needs for kind in exams}
    return (
        max(credits for credits, _ in needs),
        {kind: max(exams.get(kind, 0) for _, exams in needs) for kind in kinds},
    )


def _beats_in_time(a: Candidate, b: Candidate, *, starts: bool = False) -> bool:
    """With dates and weekly hours in play: ``a`` can take ``b``'s place in any plan.

    With ``starts`` (the start day matters too, as it decides which budget pays), ``a`` must
    also be able to start whenever ``b`` can: no later first day.
    """
    if a.hours > b.hours or a.finish_by < b.finish_by:
        return False
    if starts and (a.first or dt.date.min) > (b.first or dt.date.min):
        return False
    if not a.self_paced or a.hours == 0:
        return True  # a dated session (or no work at all) uses no weekly hours
    return b.self_paced and (a.first or a.do_by) <= (b.first or b.do_by)


def reduce_dominated(
    candidates: Sequence[Candidate],
    *,
    credits_needed: float,
    exams_needed: dict[str, int],
    max_cents: int | None = None,
    timed: bool = False,
    starts: bool = False,
    strict: bool = False,
) -> list[Candidate]:
    """Drop items that a best plan never needs; the cheapest plan and its tie-breaks are kept.

    Activity ``a`` beats ``b`` when it earns at least as many credits and comes first in the
    order (cost, hours, id). In a plan that uses ``b`` but not some ``a`` that beats it, swapping
    ``b`` for ``a`` keeps every rule and gives a plan that is no worse (and strictly better in the
    tie-break order). So ``b`` can go once at least as many activities beat it as a best plan can
    hold (:func:`max_plan_size`), or as many activities of ``b``'s credits or more as it can hold
    (:func:`most_at_least`): one of them is then always free to swap in. Exams are the same
    with credits out of the picture: per kind, only the first ``exams_needed[kind]`` exams in the
    order (cost, hours, id) can be in a best plan. Items dearer than ``max_cents`` (the cost of
    a known plan, see :func:`greedy_cost`) go too: costs are never negative.

    With ``timed`` (plans over time: weekly hours, unavailable days, the latest completion as a
    tie-break), ``a`` must also take no more hours, be able to finish no earlier, and fit where
    ``b`` did (:func:`_beats_in_time`); exams are then all kept. With ``starts`` as well (team
    plans, where the start day decides which budget pays), ``a`` must also be able to start no
    later than ``b``.

    With ``strict`` (team plans, where a fund may pay for the dearer item, so that it costs
    nothing out of pocket), ``a`` must be no worse in every part of the order at once: no
    dearer, and fewer hours or as many and a smaller id (and, with ``timed``, all of the
    above); exams likewise, per kind.

    The result is sorted by id.
    """
    if max_cents is not None:
        candidates = [c for c in candidates if c.cents <= max_cents]
    activities = [c for c in candidates if not c.is_exam]
    exams = [c for c in candidates if c.is_exam]
    limit = max_plan_size([c.credits for c in activities], credits_needed)
    kept: list[Candidate] = []
    if limit > 0 and (timed or strict):
        # With the latest renewal in the order, an activity with more credits may make a free,
        # instant activity of the plan redundant; dropped (plans are irredundant), the renewal
        # may come earlier, which is worse. Only an equal swap is then safe.
        equal_only = timed and any(c.cents == 0 and c.hours == 0 for c in activities)
        walked: list[Candidate] = []
        for candidate in sorted(activities, key=lambda c: c.key):
            enough = enough_to_drop(candidate.credits, credits_needed, limit)
            beaten_by = 0
            for other in walked:
                if equal_only and other.credits > candidate.credits + CREDIT_TOLERANCE:
                    continue
                if strict and not _beats_alike(other, candidate):
                    continue
                if other.credits >= candidate.credits - CREDIT_TOLERANCE and (
                    not timed or _beats_in_time(other, candidate, starts=starts)
                ):
                    beaten_by += 1
                    if beaten_by >= enough:
                        break
            if beaten_by < enough:
                kept.append(candidate)
            walked.append(candidate)
    elif limit > 0:
        # Walk in preference order; count earlier activities with at least as many credits.
        seen_credits: list[float] = []  # sorted credits of the activities already walked
        for candidate in sorted(activities, key=lambda c: c.key):
            low = bisect.bisect_left(seen_credits, candidate.credits - CREDIT_TOLERANCE)
            beaten_by = len(seen_credits) - low
            if beaten_by < enough_to_drop(candidate.credits, credits_needed, limit):
                kept.append(candidate)
            bisect.insort(seen_credits, candidate.credits)
    by_kind: dict[str, list[Candidate]] = defaultdict(list)
    for exam in exams:
        by_kind[exam.kind or ""].append(exam)
    for kind, group in by_kind.items():
        if timed:
            kept.extend(group)
        elif strict:
            need = exams_needed.get(kind, 0)
            kept.extend(e for e in group if sum(_beats_alike(o, e) for o in group) < need)
        else:
            kept.extend(sorted(group, key=lambda c: c.key)[: exams_needed.get(kind, 0)])
    kept.sort(key=lambda c: c.id)
    return kept


def _beats_alike(a: Candidate, b: Candidate) -> bool:
    """``a`` is no dearer than ``b`` and comes first in the order (hours, id)."""
    if a.cents > b.cents:
        return False
    return a.hours < b.hours - 1e-9 or (a.hours <= b.hours + 1e-9 and a.id < b.id)


def still_needed(
    rule: PathRule, earned: float, passed: Mapping[str, int]
) -> tuple[float, dict[str, int]]:
    """The credits and exams (by kind) still missing to meet ``rule``; may be 0 or below."""
    return rule.credits - earned, {k: n - passed.get(k, 0) for k, n in rule.exams.items()}


def meets(
    items: Iterable[Candidate], rule: PathRule, earned: float, passed: Mapping[str, int]
) -> bool:
    """Whether ``items``, with the credits ``earned`` and exams ``passed``, meet ``rule``.

    This is the one definition of "the path is met" (SPEC 3): enough credits, within
    :data:`~ceplan.units.CREDIT_TOLERANCE`, and for each exam kind enough exams.

    Examples
    --------
    >>> import datetime as dt
    >>> day = dt.date(2026, 1, 1)
    >>> a = Candidate("a", False, None, 0.1, 0, 0.0, day)
    >>> b = Candidate("b", False, None, 0.2, 0, 0.0, day)
    >>> meets([a, b], PathRule(credits=0.3), earned=0, passed={})
    True
    """
    chosen = list(items)
    credits, exams = still_needed(rule, earned, passed)
    if sum(c.credits for c in chosen if not c.is_exam) < credits - CREDIT_TOLERANCE:
        return False
    return all(sum(1 for c in chosen if c.is_exam and c.kind == k) >= n for k, n in exams.items())


def drop_redundant(
    items: Sequence[Candidate],
    rule: PathRule,
    earned: float,
    passed: Mapping[str, int],
    *,
    keep: str | None = None,
) -> list[Candidate]:
    """``items`` less items the path does not need, until every one left is needed (SPEC 3).

    Items are dropped one at a time, the largest id first (never ``keep`` while another can
    go), each only if the rest still meets ``rule``. What is left is irredundant: dropping any
    one item would leave the path unmet. ``items`` must meet ``rule``.

    Examples
    --------
    >>> import datetime as dt
    >>> day = dt.date(2026, 1, 1)
    >>> a, b = (Candidate(i, False, None, 5.0, 0, 0.0, day) for i in "ab")
    >>> [c.id for c in drop_redundant([a, b], PathRule(credits=5), earned=0, passed={})]
    ['a']
    """
    kept = sorted(items, key=lambda c: c.id)
    order = [c for c in reversed(kept) if c.id != keep] + [c for c in kept if c.id == keep]
    for candidate in order:
        rest = [c for c in kept if c is not candidate]
        if meets(rest, rule, earned, passed):
            kept = rest
    return kept


def shrink(
    candidates: Sequence[Candidate],
    paths: Sequence[PathRule],
    earned: float,
    passed: Mapping[str, int],
    *,
    timed: bool = False,
    capacity: bool = False,
    ceiling: int | None = None,
) -> list[Candidate]:
    """The items that can be in the best plan for any of ``paths``.

    ``earned`` and ``passed`` are the credits and exams (by kind) a person already has. The
    cheapest :func:`ceiling_cost` over the paths is a ceiling on the best plan's cost. An
    activity goes when every plan holding it costs more than that ceiling on every path
    (:func:`within_ceiling`). The rest is cut by :func:`reduce_dominated`. With ``capacity``
    (weekly hours limited) the greedy plan may not fit in time, so only ``ceiling``, the cost
    of a plan known to fit, if any, is used.
    """
    needs = [still_needed(rule, earned, passed) for rule in paths]
    offer = _Candidates(candidates)
    if not capacity:
        known = [ceiling_cost(offer, credits, exams) for credits, exams in needs]
        ceiling = min((cost for cost in (*known, ceiling) if cost is not None), default=None)
    if ceiling is not None:
        floors = price_floors(offer, needs)
        bound = offer.by_cost_per_credit.bound
        candidates = [
            c
            for c in candidates
            if c.is_exam or within_ceiling(floors, bound, ceiling, c.credits, c.cents)
        ]
    credits_needed, exams_needed = targets(needs)
    return reduce_dominated(
        candidates,
        credits_needed=credits_needed,
        exams_needed=exams_needed,
        max_cents=ceiling,
        timed=timed,
    )
