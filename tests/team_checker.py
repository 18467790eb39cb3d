"""An independent checker of team plans: the rules of SPEC sections 3, 6 and 7, one by one.

For the tests and the benchmarks (``bench/bench_team.py``), whatever made the plan (the single
team model or a decomposition). It reads a plan as plain data in the shape of
:meth:`ceplan.TeamPlan.to_dict` (the JSON of ``ceplan team --format json``) and checks it
against the validated catalogue and roster, using nothing of ceplan's model, solver or item
filters: money is worked out again from the catalogue's prices and rates (a cent of rounding
allowed per item), dates from the roster and the catalogue.

What it reads of each person: ``id``, ``status`` (``renews`` or ``at_risk``), ``path``
(optional, ``{"credits": 40, "exams": {"professional": 1}}``) and ``items``, each with ``id``,
``paid_on``, ``start``, ``finish`` and ``paid_by_funds`` (fund name: amount in the catalogue's
currency), and, when given, ``cost`` and ``period``.

The rules:

1. everyone in the roster is in the plan once, and nobody else; nothing is planned for a
   person at risk;
2. a person who renews is not past their do-by date (expiry less the processing days), and
   their items with what they earned and passed meet a path of their tier; the path the plan
   names (if it names one) is one of the tier's, is met, and needs every item (SPEC 3: no item
   can be dropped with the path still met);
3. each item is in the catalogue, at most once in a person's plan, neither completed nor
   excluded by them, and an exam only for someone willing to sit exams;
4. each item is paid no earlier than today and no later than it starts, and done by its do-by
   date (the earlier of the person's and its own last day: ``expires``, or ``retires`` for an
   exam); an activity starts, and an exam is sat, no earlier than it is available; an activity
   with dated sessions is done on the dates of one of them;
5. when budgets are given, each item is paid on a day of a budget period (the one the plan
   names, if it names one); a fund pays only for the kinds it ``pays_for``, for items paid on
   or before it expires, and no more than an item costs;
6. no budget period pays more than its amount out of pocket, and no fund more than its amount
   (converted to the catalogue's currency);
7. with weekly hours (weeks run seven days from today), the self-study hours of the items done
   within any run of weeks fit in that many weeks' hours.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ceplan

ROUNDING_CENTS = 1.0
"""What an item's money may be off by, in cents, from rounding a converted price."""


@dataclass(frozen=True)
class TeamCheck:
    """What the checker found: the broken rules (none for a valid plan), and the plan's figures.

    The figures are worked out by the checker from the catalogue, not read from the plan.
    """

    problems: tuple[str, ...]
    renewed: int
    priority: int
    """The total priority of the people who renew (stage 1 of SPEC 7's order)."""
    out_of_pocket: float
    """What the budget periods pay (stage 2), in the catalogue's currency."""
    from_funds: float
    hours: float
    """The hours of every item planned (stage 3)."""

    @property
    def valid(self) -> bool:
        """Whether the plan keeps every rule."""
        return not self.problems


@dataclass
class _Money:
    """Cents spent so far in each budget period and from each fund, and the items counted."""

    spent: list[float]
    used: list[float]
    spent_items: list[int]
    used_items: list[int]


def check_team_plan(
    catalog: ceplan.Catalog, roster: ceplan.Roster, plan: Mapping[str, Any], today: dt.date
) -> TeamCheck:
    """Check ``plan`` (as :meth:`ceplan.TeamPlan.to_dict` gives it) rule by rule.

    Returns the problems found, each naming the person, the item or the period, and the
    plan's figures as the checker works them out.
    """
    items: dict[str, ceplan.Activity | ceplan.Exam] = {i.id: i for i in catalog.activities}
    items.update((exam.id, exam) for exam in catalog.exams)
    problems: list[str] = []
    entries: dict[str, Mapping[str, Any]] = {}
    for entry in plan.get("people", []):
        person_id = str(entry.get("id"))
        if person_id in entries:
            problems.append(f"{person_id}: in the plan more than once")
        entries.setdefault(person_id, entry)
    known = {person.id for person in roster.people}
    problems += [f"{p}: in the plan but not in the roster" for p in entries if p not in known]
    money = _Money(
        spent=[0.0] * len(roster.budgets),
        used=[0.0] * len(roster.funds),
        spent_items=[0] * len(roster.budgets),
        used_items=[0] * len(roster.funds),
    )
    renewed = priority = 0
    out_of_pocket = from_funds = hours = 0.0
    for person in roster.people:
        entry = entries.get(person.id)
        if entry is None:
            problems.append(f"{person.id}: not in the plan")
            continue
        status, planned = entry.get("status"), list(entry.get("items") or [])
        if status == "at_risk":
            if planned:
                problems.append(f"{person.id}: at risk, yet {len(planned)} items are planned")
            continue
        if status != "renews":
            problems.append(f"{person.id}: status {status!r} is neither renews nor at_risk")
            continue
        renewed += 1
        priority += person.priority
        do_by = person.expires - dt.timedelta(days=catalog.processing_days)
        if do_by < today:
            problems.append(f"{person.id}: renews, but their do-by date {do_by} is past")
        done: list[tuple[Any, dt.date, dt.date]] = []
        for raw in planned:
            found = _item(catalog, roster, person, raw, items, do_by, today, problems)
            if found is None:
                continue
            item, start, finish, cents, funds, period = found
            paid = sum(funds.values())
            for f, amount in funds.items():
                money.used[f] += amount
                money.used_items[f] += 1
            if period is not None:
                money.spent[period] += cents - paid
                money.spent_items[period] += 1
            out_of_pocket += cents - paid
            from_funds += paid
            hours += item.hours or 0.0
            done.append((item, start, finish))
        ids = Counter(item.id for item, _, _ in done)
        problems += [f"{person.id}: {i}: planned {n} times" for i, n in ids.items() if n > 1]
        problems += _path_problems(catalog, person, entry.get("path"), [i for i, _, _ in done])
        if person.hours_per_week is not None:
            problems += _weekly_problems(person, done, today)
    for n, budget in enumerate(roster.budgets):
        limit = budget.amount * 100 + ROUNDING_CENTS * (money.spent_items[n] + 1)
        if money.spent[n] > limit:
            problems.append(
                f"budget {budget.name}: {money.spent[n] / 100:.2f} spent out of pocket, "
                f"more than its {budget.amount:.2f}"
            )
    for n, fund in enumerate(roster.funds):
        amount = fund.amount * catalog.rate(fund.currency) * 100
        if money.used[n] > amount + ROUNDING_CENTS * (money.used_items[n] + 1):
            problems.append(
                f"fund {fund.name}: {money.used[n] / 100:.2f} paid, more than its "
                f"{amount / 100:.2f}"
            )
    return TeamCheck(
        problems=tuple(problems),
        renewed=renewed,
        priority=priority,
        out_of_pocket=round(out_of_pocket / 100, 2),
        from_funds=round(from_funds / 100, 2),
        hours=round(hours, 6),
    )


def _item(
    catalog: ceplan.Catalog,
    roster: ceplan.Roster,
    person: ceplan.Person,
    raw: Mapping[str, Any],
    items: Mapping[str, ceplan.Activity | ceplan.Exam],
    do_by: dt.date,
    today: dt.date,
    problems: list[str],
) -> tuple[Any, dt.date, dt.date, float, dict[int, float], int | None] | None:
    """One planned item checked (rules 3 to 5): the item, its dates, its cost in cents, what
    each fund (position) pays in cents, and its budget period (position). ``None`` for an item
    that cannot be read (the problem is added to ``problems``)."""
    where = f"{person.id}: {raw.get('id')}"
    item = items.get(str(raw.get("id")))
    if item is None:
        problems.append(f"{where}: not in the catalogue")
        return None
    try:
        paid_on, start, finish = (_day(raw[key]) for key in ("paid_on", "start", "finish"))
    except (KeyError, TypeError, ValueError):
        problems.append(f"{where}: paid_on, start and finish must be dates")
        return None
    is_exam = isinstance(item, ceplan.Exam)
    if item.id in person.completed or item.id in person.exclude:
        problems.append(f"{where}: completed or excluded by the person")
    if is_exam and not person.exams:
        problems.append(f"{where}: an exam, for someone not sitting exams")
    if not today <= paid_on <= start <= finish:
        problems.append(
            f"{where}: paid {paid_on}, done {start} to {finish}: not today ({today}) <= paid"
            " <= start <= finish"
        )
    own_last = item.retires if isinstance(item, ceplan.Exam) else item.expires
    last = min(do_by, own_last or do_by)
    if finish > last:
        problems.append(f"{where}: finished {finish}, after its do-by date {last}")
    opens = item.available_from
    if opens is not None and (finish if is_exam else start) < opens:
        problems.append(f"{where}: done before it is available ({opens})")
    cost = item.cost
    if isinstance(item, ceplan.Activity) and item.sessions:
        session = next((s for s in item.sessions if (s.start, s.end) == (start, finish)), None)
        if session is None:
            problems.append(f"{where}: done {start} to {finish}, not on a session's dates")
        elif session.cost is not None:
            cost = session.cost
    cents = cost * catalog.rate(item.currency) * 100
    if "cost" in raw and abs(float(raw["cost"]) * 100 - cents) > ROUNDING_CENTS:
        problems.append(f"{where}: costs {cents / 100:.2f}, the plan says {raw['cost']}")
    period = next((n for n, b in enumerate(roster.budgets) if b.start <= paid_on <= b.end), None)
    if roster.budgets and period is None:
        problems.append(f"{where}: paid on {paid_on}, a day of no budget period")
    named = None if period is None else roster.budgets[period].name
    if "period" in raw and raw["period"] != named:
        problems.append(f"{where}: paid in {named}, the plan says {raw['period']}")
    funds = _fund_problems(roster, raw.get("paid_by_funds") or {}, item, paid_on, where, problems)
    if sum(funds.values()) > cents + ROUNDING_CENTS:
        problems.append(f"{where}: funds pay {sum(funds.values()) / 100:.2f} of {cents / 100:.2f}")
    return item, start, finish, cents, funds, period


def _fund_problems(
    roster: ceplan.Roster,
    paid: Mapping[str, Any],
    item: ceplan.Activity | ceplan.Exam,
    paid_on: dt.date,
    where: str,
    problems: list[str],
) -> dict[int, float]:
    """What each fund (position) pays toward an item, in cents (rule 5)."""
    kind = "exams" if isinstance(item, ceplan.Exam) else "activities"
    position = {fund.name: n for n, fund in enumerate(roster.funds)}
    funds: dict[int, float] = {}
    for name, amount in paid.items():
        f = position.get(name)
        if f is None:
            problems.append(f"{where}: paid by {name!r}, which is not a fund of the roster")
            continue
        fund = roster.funds[f]
        if float(amount) < 0:
            problems.append(f"{where}: {name} pays {amount}, less than nothing")
        if kind not in fund.pays_for:
            problems.append(f"{where}: {name} pays for {', '.join(fund.pays_for)}, not {kind}")
        if paid_on > fund.expires:
            problems.append(f"{where}: paid on {paid_on} by {name}, which expired {fund.expires}")
        funds[f] = funds.get(f, 0.0) + float(amount) * 100
    return funds


def _path_problems(
    catalog: ceplan.Catalog,
    person: ceplan.Person,
    named: Mapping[str, Any] | None,
    done: Sequence[ceplan.Activity | ceplan.Exam],
) -> list[str]:
    """Rule 2: the items meet a path of the person's tier, and the path needs each of them."""
    paths = catalog.tiers[person.tier].paths
    met = [path for path in paths if _meets(person, path, done)]
    if not met:
        return [f"{person.id}: their items meet no path of tier {person.tier}"]
    if named is not None:
        path = next((p for p in paths if _same_path(p, named)), None)
        if path is None:
            return [f"{person.id}: the plan names a path tier {person.tier} does not have"]
        if path not in met:
            return [f"{person.id}: their items do not meet the path the plan names"]
        met = [path]
    for path in met:
        spare = [
            item.id
            for n, item in enumerate(done)
            if _meets(person, path, [*done[:n], *done[n + 1 :]])
        ]
        if not spare:
            return []
    return [f"{person.id}: {', '.join(spare)}: not needed by their path"]


def _meets(
    person: ceplan.Person, path: ceplan.PathRule, done: Sequence[ceplan.Activity | ceplan.Exam]
) -> bool:
    credits = person.earned + sum(i.credits for i in done if isinstance(i, ceplan.Activity))
    kinds = Counter(person.passed) + Counter(i.kind for i in done if isinstance(i, ceplan.Exam))
    return credits >= path.credits - 1e-9 and all(
        kinds[kind] >= need for kind, need in path.exams.items()
    )


def _same_path(path: ceplan.PathRule, named: Mapping[str, Any]) -> bool:
    exams = {str(k): int(v) for k, v in dict(named.get("exams") or {}).items()}
    return abs(float(named.get("credits", 0)) - path.credits) < 1e-9 and exams == dict(path.exams)


def _weekly_problems(
    person: ceplan.Person, done: Sequence[tuple[Any, dt.date, dt.date]], today: dt.date
) -> list[str]:
    """Rule 7 for one person (see :func:`weekly_problems`); sessions need no self-study."""
    assert person.hours_per_week is not None
    work = [
        (item.hours or 0.0, start, finish)
        for item, start, finish in done
        if not (isinstance(item, ceplan.Activity) and item.sessions)
    ]
    return weekly_problems(person.id, person.hours_per_week, work, today)


def weekly_problems(
    who: str,
    hours_per_week: float,
    work: Sequence[tuple[float, dt.date, dt.date]],
    today: dt.date,
) -> list[str]:
    """Rule 7: within any run of weeks, the self-study hours of the items done in it fit.

    ``work`` is each self-paced item's hours, start and finish. A necessary condition of any
    spread of each item's hours over its start to finish in which no week holds more than
    ``hours_per_week``.
    """
    weeks = [
        ((start - today).days // 7, (finish - today).days // 7, h) for h, start, finish in work
    ]
    for first in sorted({w for w, _, _ in weeks}):
        for last in sorted({w for _, w, _ in weeks if w >= first}):
            inside = sum(h for a, b, h in weeks if a >= first and b <= last)
            if inside > hours_per_week * (last - first + 1) + 1e-6:
                return [
                    f"{who}: {inside:g} hours of study in weeks {first} to {last}, more"
                    f" than {hours_per_week:g} a week"
                ]
    return []


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
