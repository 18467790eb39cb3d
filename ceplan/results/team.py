"""A team's plan (SPEC section 7): who renews how, what each budget period and fund pays.

:class:`TeamPlan` is frozen, gives its tables as pandas DataFrames (:attr:`TeamPlan.people`,
:attr:`~TeamPlan.items`, :attr:`~TeamPlan.budgets`, :attr:`~TeamPlan.funds`) and the same facts
as JSON (:meth:`TeamPlan.to_json`, byte-identical for the same plan). Money is in the
catalogue's currency, rounded to cents by the one rule of :mod:`ceplan.units`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ceplan.catalogue.models import PathRule
from ceplan.errors import one_line
from ceplan.objective import TEAM
from ceplan.status import Status, Termination, Verdict, relative_gap
from ceplan.units import format_money, money_value, plain_number

__all__ = [
    "PEOPLE_COLUMNS",
    "BudgetUse",
    "FundUse",
    "PersonOutcome",
    "StageBound",
    "TeamItem",
    "TeamPlan",
]


@dataclass(frozen=True)
class TeamItem:
    """An item in one person's plan: when it is paid and who paid, when it is done.

    Money is held in whole cents of the catalogue's currency; the amounts are read from them
    (:func:`~ceplan.units.money_value`).
    """

    person: str
    id: str
    title: str
    kind: str
    """``"activity"`` or ``"exam"``."""
    hours: float
    """The catalogue's hours (0 where it gives none: see :attr:`hours_given`)."""
    cents: int
    """What it costs."""
    paid_on: dt.date
    """The day it is paid: its out-of-pocket part falls in the budget period holding it."""
    period: str | None
    """The budget period holding :attr:`paid_on`."""
    fund_cents: tuple[tuple[str, int], ...]
    """Fund names and the cents each paid."""
    start: dt.date
    finish: dt.date
    """When it is done, as in the person's one-person plan (never before it is paid)."""
    complete_by: dt.date
    """Its do-by date."""
    hours_given: bool = True
    """Whether the catalogue gives the item's hours."""

    @property
    def given_hours(self) -> float | None:
        """The hours the catalogue gives, ``None`` where it gives none."""
        return self.hours if self.hours_given else None

    @property
    def cost(self) -> float:
        """What it costs."""
        return money_value(self.cents)

    @property
    def paid_by_funds(self) -> tuple[tuple[str, float], ...]:
        """Fund names and the amounts they paid."""
        return tuple((name, money_value(cents)) for name, cents in self.fund_cents)

    @property
    def out_of_pocket_cents(self) -> int:
        """What the budget period paid, in cents."""
        return self.cents - sum(cents for _, cents in self.fund_cents)

    @property
    def out_of_pocket(self) -> float:
        """What the budget period paid."""
        return money_value(self.out_of_pocket_cents)

    def to_dict(self) -> dict[str, Any]:
        """The item as plain data."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "hours": None if self.given_hours is None else plain_number(self.given_hours),
            "cost": self.cost,
            "paid_on": self.paid_on.isoformat(),
            "period": self.period,
            "paid_by_funds": dict(self.paid_by_funds),
            "out_of_pocket": self.out_of_pocket,
            "start": self.start.isoformat(),
            "finish": self.finish.isoformat(),
            "complete_by": self.complete_by.isoformat(),
        }


@dataclass(frozen=True)
class PersonOutcome:
    """One person: renews (with which path and items) or at risk (and why)."""

    id: str
    name: str
    tier: str
    renews: bool
    path: PathRule | None
    """The path their items meet (``None`` when at risk)."""
    items: tuple[TeamItem, ...]
    reasons: tuple[str, ...]
    priority: int
    expires: dt.date
    extra: tuple[tuple[str, str], ...] = ()
    """The roster's data the plan does not use (:attr:`ceplan.Person.extra`): column names as
    the roster wrote them, and their text, in the roster's order."""
    held: tuple[tuple[str, str], ...] = ()
    """Under a schema 2 catalogue: each tier held and how the plan renews it (its path in
    words, ``"renewed through <tier>"``, or ``"at risk"``); empty under schema 1."""

    @property
    def status(self) -> str:
        """``"renews"`` or ``"at_risk"``."""
        return "renews" if self.renews else "at_risk"

    @property
    def tiers(self) -> str:
        """The tiers held, as the outputs name them (``"cissp + ccsp"``; schema 1: the tier)."""
        return " + ".join(t for t, _ in self.held) if self.held else self.tier

    @property
    def path_words(self) -> str | None:
        """The path in words, e.g. ``"40 credits + 1 professional exam"``.

        Several tiers held: each tier's, ``"cissp: ...; ccsp: ..."``.
        """
        if len(self.held) > 1 and self.renews:
            return "; ".join(f"{tier}: {words}" for tier, words in self.held)
        return None if self.path is None else self.path.describe()

    @property
    def hours(self) -> float:
        """The hours their items take: those the catalogue gives."""
        return float(plain_number(sum(item.hours for item in self.items)))

    @property
    def cents(self) -> int:
        """What the person's items cost, in cents."""
        return sum(item.cents for item in self.items)

    @property
    def cost(self) -> float:
        """What the person's items cost."""
        return money_value(self.cents)

    @property
    def out_of_pocket(self) -> float:
        """What the budget periods pay of it."""
        return money_value(sum(item.out_of_pocket_cents for item in self.items))

    def to_dict(self) -> dict[str, Any]:
        """The person's outcome as plain data."""
        return {
            "id": self.id,
            "name": self.name,
            "tier": self.tier,
            "status": self.status,
            "expires": self.expires.isoformat(),
            "priority": self.priority,
            "path": None if self.path is None else self.path.to_dict(),
            "hours": plain_number(self.hours),
            "cost": self.cost,
            "out_of_pocket": self.out_of_pocket,
            "items": [item.to_dict() for item in self.items],
            "reasons": list(self.reasons),
            "extra": dict(self.extra),
            **(
                {"tiers": [{"tier": t, "renewed_by": words} for t, words in self.held]}
                if self.held
                else {}
            ),
        }


@dataclass(frozen=True)
class BudgetUse:
    """A budget period: its amount, what the plan spends in it, what is left."""

    name: str
    start: dt.date
    end: dt.date
    amount: float
    spent: float

    @property
    def left(self) -> float:
        """What the plan leaves unspent."""
        return money_value(round(self.amount * 100) - round(self.spent * 100))

    def to_dict(self) -> dict[str, Any]:
        """The period as plain data."""
        return {
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "amount": self.amount,
            "spent": self.spent,
            "left": self.left,
        }


@dataclass(frozen=True)
class FundUse:
    """A prepaid fund: its amount, what the plan uses of it, and what is lost when it expires.

    Amounts are in the catalogue's currency (:attr:`given` is in the fund's own).
    """

    name: str
    amount: float
    currency: str
    given: float
    """The amount in the fund's own currency."""
    expires: dt.date
    pays_for: tuple[str, ...]
    used: float

    @property
    def lost(self) -> float:
        """What is left at expiry, and so lost."""
        return money_value(round(self.amount * 100) - round(self.used * 100))

    def to_dict(self) -> dict[str, Any]:
        """The fund as plain data."""
        return {
            "name": self.name,
            "amount": self.amount,
            "given": {"amount": self.given, "currency": self.currency},
            "expires": self.expires.isoformat(),
            "pays_for": list(self.pays_for),
            "used": self.used,
            "lost_at_expiry": self.lost,
        }


@dataclass(frozen=True)
class StageBound:
    """One stage of the team's order: the value the plan reaches and the best one proved possible.

    ``value`` and ``bound`` are in the stage's own units: the total priority renewed (a
    maximum: the bound is at least the value), out-of-pocket money in the catalogue's currency
    and hours (minima: the bound is at most the value). ``bound`` is ``None`` when nothing is
    known of it (a search stopped before it proved one).
    """

    name: str
    value: float
    bound: float | None
    proved: bool

    @property
    def gap(self) -> float | None:
        """How far the value may be from the best, relative, from 0 to 1 (``None``: unknown)."""
        if self.proved:
            return 0.0
        if self.bound is None:
            return None
        return relative_gap(max(self.value, self.bound), min(self.value, self.bound))

    def to_dict(self) -> dict[str, Any]:
        """The stage as plain data (part of the team plan's JSON)."""
        gap = self.gap
        return {
            "stage": self.name,
            "value": self.value,
            "bound": self.bound,
            "proved": self.proved,
            "gap": None if gap is None else round(gap, 6),
        }

    def words(self, currency: str) -> str:
        """The stage in a sentence: what the plan reaches and what may be possible.

        Examples
        --------
        >>> StageBound("out_of_pocket", 609.78, 531.53, False).words("GBP")
        'out-of-pocket spend: 609.78 GBP; no plan spends less than 531.53 GBP (gap 12.83%)'
        """
        label = _STAGE_WORDS.get(self.name, self.name)
        shown = self._show(self.value, currency)
        if self.proved:
            return f"{label}: {shown}, proved best"
        if self.bound is None:
            return f"{label}: {shown}, not proved (no bound known)"
        return f"{label}: {shown}; {self.bound_words(currency)} (gap {self.gap:.2%})"

    def bound_words(self, currency: str) -> str:
        """The bound in words (for a stage not proved).

        Examples
        --------
        >>> StageBound("hours", 2645.0, 2403.2, False).bound_words("GBP")
        'no plan takes fewer than 2,403.2 hours'
        """
        if self.bound is None:
            return "no bound known"
        limit = self._show(self.bound, currency)
        if self.name == "priority":
            return f"no plan renews more than {limit}"
        if self.name == "out_of_pocket":
            return f"no plan spends less than {limit}"
        return f"no plan takes fewer than {limit}"

    def _show(self, value: float, currency: str) -> str:
        if self.name == "out_of_pocket":
            return format_money(value, currency)
        if self.name == "hours":
            return f"{plain_number(round(value, 2)):,} hours"
        return f"{plain_number(round(value, 2)):,} priority"


_METHOD_WORDS = {
    "single": "planned by the single model (one integer programme for the whole team)",
    "columns": "planned by columns (column generation, then each person alone)",
}

_STAGE_WORDS = {
    "priority": "priority renewed",
    "out_of_pocket": "out-of-pocket spend",
    "hours": "hours",
}

_OBJECTIVES = {
    "priority": ("the priority renewed", "the most"),
    "out_of_pocket": ("out-of-pocket spend", "the least"),
    "hours": ("hours", "the fewest"),
    "renewal": ("renewal dates", "the latest"),
    "ids": ("each person's tie-break", ""),
}
"""Each stage of :data:`~ceplan.objective.TEAM` as an objective a manager reads: what it is
about, and what proven means for it."""

_PLURAL = frozenset({"hours", "renewal dates"})

_SETTLE_WHO_RENEWS = {
    "single": ("priority", "out_of_pocket", "hours", "renewal"),
    "columns": ("priority", "out_of_pocket", "hours"),
}
"""The stages that settle who renews, by method: those before the tie-break, which keeps who
renews as it is; by columns, the first three (each person is then settled alone, renewing as
those stages left them)."""

_STAGE_NAMES = {
    "priority": "priority",
    "out_of_pocket": "out-of-pocket",
    "hours": "hours",
    "renewal": "renewal",
    "ids": "tie-break",
}
"""The stages of :data:`~ceplan.objective.TEAM` as a status names them."""

_WHY_STOPPED = {
    "time_limit": "time limit",
    "solver_stopped": "the solver stopped",
    "solved": "not proven",
}


def _clause(subject: str, state: str, best: str, details: tuple[str, ...]) -> str:
    """``hours are not proven the fewest (2,645 hours, within 3.20% of the best bound)``."""
    verb = "are" if subject in _PLURAL else "is"
    words = " ".join(word for word in (subject, verb, state, best) if word)
    shown = ", ".join(detail for detail in details if detail)
    return f"{words} ({shown})" if shown else words


def _listed(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class TeamPlan:
    """A team's plan: per person, per budget period, per fund, and how the solver ended."""

    team: str
    currency: str
    today: dt.date
    status: Status
    """``"optimal"`` when every stage was proved, ``"feasible"`` when a limit stopped the
    search with a plan, ``"unknown"`` when it stopped before any plan was found (nobody is
    then planned)."""
    termination: Termination
    gap: float | None
    """The relative gap, from 0 to 1, of the stage a limit stopped (``0.0`` when every stage
    was proved, ``None`` when the solver gave none)."""
    stopped_in: str | None
    """The stage of the order (:data:`~ceplan.objective.TEAM`) a limit stopped, if one did, or
    ``"building the model"`` when the limit ran out before there was a model to solve."""
    outcomes: tuple[PersonOutcome, ...]
    budget_uses: tuple[BudgetUse, ...]
    fund_uses: tuple[FundUse, ...]
    solver: str = ""
    """What solved the team's model (``"highs"``, ``"cbc"`` or another solver's name)."""
    bounds: tuple[StageBound, ...] = ()
    """The stages with a bound worked out (planning by columns: the first three), each with
    the value reached and the best proved possible."""
    method: str = "single"
    """What made the plan: ``"single"`` (one integer programme for the whole team) or
    ``"columns"`` (column generation, then each person alone); never ``"auto"``, which
    chooses one of them (:func:`ceplan.plan_team`)."""

    @property
    def verdict(self) -> Verdict:
        """How far the plan is known to be right, as one record (as a one-person plan's).

        ``proven`` names the stages of :data:`~ceplan.objective.TEAM` proved, in order: all of
        them for an ``optimal`` plan, those before :attr:`stopped_in` otherwise.

        Examples
        --------
        >>> import datetime as dt
        >>> plan = TeamPlan("T", "GBP", dt.date(2026, 12, 7), "feasible", "time_limit", 0.25,
        ...                 "hours", (), (), ())
        >>> plan.verdict.proven, plan.verdict.stopped_in, plan.verdict.found
        (('priority', 'out_of_pocket'), 'hours', True)
        """
        names = [stage.name for stage in TEAM]
        if self.status == "optimal":
            proven = tuple(names)
        elif self.stopped_in in names:
            proven = tuple(names[: names.index(self.stopped_in)])
        else:
            proven = ()
        return Verdict(self.status, self.termination, self.gap, proven, self.stopped_in)

    @property
    def at_risk(self) -> tuple[PersonOutcome, ...]:
        """The people whose certification would lapse, with the reasons."""
        return tuple(outcome for outcome in self.outcomes if not outcome.renews)

    @property
    def out_of_pocket(self) -> float:
        """What the budget periods pay in all."""
        return money_value(
            sum(item.out_of_pocket_cents for outcome in self.outcomes for item in outcome.items)
        )

    @property
    def paid_by_funds(self) -> float:
        """What the funds pay in all."""
        return money_value(
            sum(
                cents
                for outcome in self.outcomes
                for item in outcome.items
                for _, cents in item.fund_cents
            )
        )

    @property
    def people(self) -> pd.DataFrame:
        """One row per person (the path in words), then the roster's columns the plan does not use.

        Those (:attr:`PersonOutcome.extra`) come after the plan's own columns, named as the
        roster wrote them, in the order they first appear; a person without one has the empty
        text. One whose name means a column before it (:func:`~ceplan.roster.models.column_key`:
        ``Status`` is the plan's ``status``) is named with `` (roster)`` after it.
        """
        rows = [
            {
                "id": o.id,
                "name": o.name,
                "tier": o.tiers,
                "status": o.status,
                "expires": pd.Timestamp(o.expires),
                "priority": o.priority,
                "path": o.path_words,
                "items": len(o.items),
                "hours": o.hours,
                "cost": o.cost,
                "out_of_pocket": o.out_of_pocket,
                "reasons": "; ".join(o.reasons),
            }
            for o in self.outcomes
        ]
        frame = pd.DataFrame(rows, columns=list(PEOPLE_COLUMNS))
        frame["expires"] = pd.to_datetime(frame["expires"])
        return _with_extra(frame, self.outcomes)

    @property
    def items(self) -> pd.DataFrame:
        """One row per item planned: when it is paid and what paid for it, when it is done.

        ``hours`` is ``NaN`` where the catalogue gives none.
        """
        rows = [
            {
                "person": item.person,
                "id": item.id,
                "title": item.title,
                "kind": item.kind,
                "hours": item.given_hours,
                "cost": item.cost,
                "paid_on": pd.Timestamp(item.paid_on),
                "period": item.period,
                "paid_by_funds": money_value(sum(cents for _, cents in item.fund_cents)),
                "funds": ", ".join(name for name, _ in item.fund_cents),
                "out_of_pocket": item.out_of_pocket,
                "start": pd.Timestamp(item.start),
                "finish": pd.Timestamp(item.finish),
                "complete_by": pd.Timestamp(item.complete_by),
            }
            for outcome in self.outcomes
            for item in outcome.items
        ]
        frame = pd.DataFrame(rows, columns=list(_ITEM_COLUMNS))
        frame["hours"] = frame["hours"].astype("float64")  # NaN, not None, where not given
        for column in _ITEM_DATES:
            frame[column] = pd.to_datetime(frame[column])
        return frame

    @property
    def budgets(self) -> pd.DataFrame:
        """One row per budget period: amount, spent, left."""
        frame = pd.DataFrame(
            [use.to_dict() for use in self.budget_uses],
            columns=["name", "start", "end", "amount", "spent", "left"],
        )
        for column in ("start", "end"):
            frame[column] = pd.to_datetime(frame[column])
        return frame

    @property
    def funds(self) -> pd.DataFrame:
        """One row per fund: amount, used, lost at expiry."""
        rows = [
            {
                "name": use.name,
                "amount": use.amount,
                "expires": pd.Timestamp(use.expires),
                "pays_for": ", ".join(use.pays_for),
                "used": use.used,
                "lost_at_expiry": use.lost,
            }
            for use in self.fund_uses
        ]
        columns = ["name", "amount", "expires", "pays_for", "used", "lost_at_expiry"]
        frame = pd.DataFrame(rows, columns=columns)
        frame["expires"] = pd.to_datetime(frame["expires"])
        return frame

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain data (the JSON of ``ceplan team --format json``)."""
        return {
            "team": self.team,
            "status": self.status,
            "solver": self.solver,
            "method": self.method,
            "termination": self.termination,
            "gap": self.gap,
            "stopped_in": self.stopped_in,
            "proven": list(self.verdict.proven),
            "bounds": [stage.to_dict() for stage in self.bounds],
            "explanation": self.explanation,
            "currency": self.currency,
            "today": self.today.isoformat(),
            "totals": {
                "people": len(self.outcomes),
                "renewing": len(self.outcomes) - len(self.at_risk),
                "at_risk": len(self.at_risk),
                "out_of_pocket": self.out_of_pocket,
                "paid_by_funds": self.paid_by_funds,
            },
            "people": [outcome.to_dict() for outcome in self.outcomes],
            "budgets": [use.to_dict() for use in self.budget_uses],
            "funds": [use.to_dict() for use in self.fund_uses],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text; the same plan always gives the same bytes."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @property
    def status_words(self) -> str:
        """The status, and for a plan not proved best, what stopped the proof and where.

        ``"optimal"``; ``"feasible (time limit in the hours stage)"``; ``"feasible (not
        proven in the renewal stage)"`` when no limit stopped it (planning by columns proves
        less than the single model would); ``"unknown (time limit while building the
        model)"``. See :attr:`proof`.
        """
        if self.status == "optimal":
            return "optimal"
        why = _WHY_STOPPED.get(self.termination, self.termination)
        stage = self.stopped_in
        if stage is None:
            return f"{self.status} ({why})"
        if stage in _STAGE_NAMES:
            return f"{self.status} ({why} in the {_STAGE_NAMES[stage]} stage)"
        return f"{self.status} ({why} while {stage})"

    @property
    def proof(self) -> tuple[str, ...]:
        """Which objectives of the team's order are proven and which not, in words.

        One clause per objective, in the order of :data:`~ceplan.objective.TEAM` (the priority
        renewed; the out-of-pocket spend; the hours; the renewal dates; each person's
        tie-break), the objectives past the one the search stopped in said together; then
        whether more time could change who renews. Once the priority stage is proven, more
        time renews no more priority, but a later stage holds only the total priority, so it
        may renew other people of the same total (a cheaper pair of priority 1 for one of
        priority 2). Who renews is settled once every stage before the tie-break is proven
        (planning by columns: the first three, after which each person is settled alone);
        then more time would not change it. The one rule for the table (:meth:`lines`) and
        the JSON (:attr:`explanation`).

        Examples
        --------
        >>> import datetime as dt
        >>> plan = TeamPlan("T", "GBP", dt.date(2026, 12, 7), "feasible", "time_limit", 0.032,
        ...                 "hours", (), (), ())
        >>> for clause in plan.proof:
        ...     print(clause)
        the priority renewed is proven the most (0 of 0 renew)
        out-of-pocket spend is proven the least (0.00 GBP)
        hours are not proven the fewest (0 hours, within 3.20% of the best bound)
        renewal dates and each person's tie-break are not proven
        more time would not renew more priority, but could renew others of the same total priority
        """
        if self.status == "optimal":
            subjects = [subject for subject, _ in _OBJECTIVES.values()]
            return (f"every objective is proven: {_listed(subjects)}",)
        if self.status in ("unknown", "infeasible"):
            return ("no plan was found", "more time could find one")
        proven = self.verdict.proven
        clauses: list[str] = []
        later: list[str] = []
        for name, (subject, best) in _OBJECTIVES.items():
            value = self._value_words(name)
            if name in proven:
                clauses.append(_clause(subject, "proven", best, (value,)))
            elif name == self.stopped_in:
                clauses.append(
                    _clause(subject, "not proven", best, (value, self._bound_words(name)))
                )
            else:
                later.append(subject)
        if later:
            verb = "are" if len(later) > 1 or later[0] in _PLURAL else "is"
            clauses.append(f"{_listed(later)} {verb} not proven")
        settles = _SETTLE_WHO_RENEWS.get(self.method, _SETTLE_WHO_RENEWS["single"])
        if all(name in proven for name in settles):
            clauses.append("more time would not change who renews")
        elif "priority" in proven:
            clauses.append(
                "more time would not renew more priority, but could renew others of the same "
                "total priority"
            )
        elif self.termination == "time_limit":
            clauses.append("more time could change who renews")
        else:
            clauses.append("a plan that renews more priority may exist")
        return tuple(clauses)

    @property
    def explanation(self) -> str:
        """:attr:`status_words` and :attr:`proof` in one line (the JSON's ``explanation``).

        Examples
        --------
        >>> import datetime as dt
        >>> TeamPlan("T", "GBP", dt.date(2026, 12, 7), "optimal", "solved", 0.0, None, (), (),
        ...          ()).explanation
        "optimal: every objective is proven: the priority renewed, out-of-pocket spend, hours, renewal dates and each person's tie-break"
        """  # noqa: E501
        return f"{self.status_words}: {'; '.join(self.proof)}"

    def _value_words(self, name: str) -> str:
        """What the plan reaches in objective ``name``, in words (empty: nothing to say)."""
        renewing = [o for o in self.outcomes if o.renews]
        if name == "priority":
            return f"{len(renewing)} of {len(self.outcomes)} renew"
        if name == "out_of_pocket":
            return format_money(self.out_of_pocket, self.currency)
        if name == "hours":
            hours = plain_number(round(sum(o.hours for o in renewing), 2))
            return f"{hours:,} hours"
        return ""

    def _bound_words(self, name: str) -> str:
        """How far objective ``name``, where the search stopped, may be from the best."""
        if name == "ids":
            return "some people keep the plan the earlier stages gave them"
        bound = next((stage for stage in self.bounds if stage.name == name), None)
        if bound is not None and bound.bound is not None and not bound.proved:
            return f"and {bound.bound_words(self.currency)}: a gap of {bound.gap:.2%}"
        if self.gap is None:
            return "no bound known"
        return f"within {self.gap:.2%} of the best bound"

    def summary(self) -> str:
        """One line: status, who renews, the money."""
        renewing = len(self.outcomes) - len(self.at_risk)
        return (
            f"{self.status_words}: {renewing} of {len(self.outcomes)} renew, "
            f"{len(self.at_risk)} at risk; out of pocket "
            f"{format_money(self.out_of_pocket, self.currency)}, from funds "
            f"{format_money(self.paid_by_funds, self.currency)}"
        )

    def lines(self) -> list[str]:
        """The plan as text for a person: the summary, the method, each person, period and fund.

        Control characters from the roster or the catalogue are escaped in it
        (:func:`ceplan.errors.one_line`), so that printing it never acts on the terminal.
        """
        money = self.currency
        out = [
            f"Team {self.team}: {self.summary()}",
            f"  {_METHOD_WORDS.get(self.method, self.method)}",
        ]
        if self.status != "optimal":
            out += [f"  {clause}" for clause in self.proof]
        out.append("")
        width = _id_width(self.outcomes)
        for o in self.outcomes:
            if o.renews:
                what = ", ".join(_item_words(i) for i in o.items) or "already met"
                out.append(
                    f"  {o.id:<{width}} renews   {o.path_words}: {what}; "
                    f"{format_money(o.out_of_pocket, money)} out of pocket"
                )
            else:
                out.append(f"  {o.id:<{width}} AT RISK  " + "; ".join(o.reasons))
        if self.budget_uses:
            out.append("")
            for b in self.budget_uses:
                out.append(
                    f"  budget {b.name}: {format_money(b.spent, money)} of "
                    f"{format_money(b.amount, money)} spent, {format_money(b.left, money)} left"
                )
        for f in self.fund_uses:
            out.append(
                f"  fund {f.name}: {format_money(f.used, money)} of "
                f"{format_money(f.amount, money)} used by {f.expires}, "
                f"{format_money(f.lost, money)} lost at expiry"
            )
        return [one_line(line) for line in out]

    def __repr__(self) -> str:
        return one_line(f"<TeamPlan {self.team} {self.summary()}>")

    def _repr_html_(self) -> str:
        head = f"<p><strong>{html.escape(self.team)}</strong>: {html.escape(self.summary())}</p>"
        return "\n".join(
            [head, self.people.to_html(index=False), self.budgets.to_html(index=False)]
        )


def _with_extra(frame: pd.DataFrame, outcomes: tuple[PersonOutcome, ...]) -> pd.DataFrame:
    """``frame`` (a row per outcome) with the roster's other columns after its own."""
    from ceplan.roster.models import column_key

    names = list(dict.fromkeys(name for outcome in outcomes for name, _ in outcome.extra))
    if not names:
        return frame
    taken = {column_key(str(column)) for column in frame.columns}
    values = [dict(outcome.extra) for outcome in outcomes]
    columns = {}
    for name in names:
        shown = name
        while column_key(shown) in taken:
            shown += " (roster)"
        taken.add(column_key(shown))
        columns[shown] = [given.get(name, "") for given in values]
    added = pd.DataFrame(columns, index=frame.index, dtype=object)
    return pd.concat([frame, added], axis=1)


def _id_width(outcomes: tuple[PersonOutcome, ...]) -> int:
    """The width of the ids' column in :meth:`TeamPlan.lines`: 12, or the longest id's.

    Ids are plain ASCII (the roster's rule), so a character is a column.
    """
    return max([12, *(len(o.id) for o in outcomes)])


def _item_words(item: TeamItem) -> str:
    """An item as a person's line lists it: its id and when, or a fee's words and its day.

    Examples
    --------
    >>> day = dt.date(2027, 4, 1)
    >>> fee = TeamItem("ana", "fee:cissp:year:2", "CISSP year fee (2)", "fee", 0.0, 13500,
    ...                day, "FY2027-28", (), day, day, day, hours_given=False)
    >>> _item_words(fee)
    'CISSP year fee (2) (paid 2027-04-01)'
    """
    if item.kind == "fee":
        return f"{item.title} (paid {item.paid_on})"
    return f"{item.id} ({_when(item)})"


def _when(item: TeamItem) -> str:
    """When an item is paid and done, in words: ``paid 2026-11-29, done 2028-02-08``."""
    done = f"{item.finish}" if item.start == item.finish else f"{item.start} to {item.finish}"
    return f"paid {item.paid_on}, done {done}"


PEOPLE_COLUMNS = (
    "id",
    "name",
    "tier",
    "status",
    "expires",
    "priority",
    "path",
    "items",
    "hours",
    "cost",
    "out_of_pocket",
    "reasons",
)
"""The columns of :attr:`TeamPlan.people` the plan itself holds, in order (a roster's own
columns, if any, follow them)."""

_ITEM_COLUMNS = (
    "person",
    "id",
    "title",
    "kind",
    "hours",
    "cost",
    "paid_on",
    "period",
    "paid_by_funds",
    "funds",
    "out_of_pocket",
    "start",
    "finish",
    "complete_by",
)
_ITEM_DATES = ("paid_on", "start", "finish", "complete_by")
