"""Property tests: ceplan's plans against an exhaustive search written from SPEC section 3.

Random small catalogues (2-9 activities, 0-3 exams, 1-3 paths) with random inputs are planned by
``ceplan.optimise`` and checked against a brute-force enumeration of every subset of the usable
items. The enumeration below re-implements the planning rules from the catalogue data alone; it
imports nothing from ceplan, so that a shared mistake cannot hide.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.candidates.items import Candidate, reduce_dominated, shrink
from tests.conftest import TODAY, catalog_data, examples

KINDS = ("professional", "expert")
SOLVERS = ("auto", "cbc", "highs")

# -- the independent oracle --------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """An item the person could still use, as the oracle sees it."""

    id: str
    is_exam: bool
    kind: str | None
    credits: float
    cents: int
    hours: float
    do_by: dt.date


@dataclass(frozen=True)
class Best:
    """The first plan in the order of SPEC section 3, and the paths it meets."""

    cents: int
    hours: float
    count: int
    ids: tuple[str, ...]
    paths: tuple[int, ...]

    @property
    def key(self) -> tuple[int, float, int, tuple[str, ...]]:
        return (self.cents, self.hours, self.count, self.ids)


@dataclass(frozen=True)
class Scenario:
    """A catalogue as plain data, and the keyword arguments of ``ceplan.optimise``."""

    data: dict[str, Any]
    inputs: dict[str, Any]
    budget_cents: int | None

    @property
    def paths(self) -> list[dict[str, Any]]:
        return self.data["tiers"]["pro"]["paths"]

    def catalog(self) -> ceplan.Catalog:
        return ceplan.Catalog.model_validate(self.data)


def cents_of(cost: float) -> int:
    """Costs are generated as whole cents of the catalogue currency, so this is exact."""
    return int((Decimal(str(cost)) * 100).to_integral_value())


def deadline(scenario: Scenario) -> dt.date:
    """``complete_by = expires - processing_days``, with both defaults of the planning rules."""
    expires = scenario.inputs.get("expires")
    if expires is None:
        expires = TODAY.replace(year=TODAY.year + scenario.data["tiers"]["pro"]["period_years"])
    days = scenario.inputs.get("processing_days")
    if days is None:
        days = scenario.data["processing_days"]
    return expires - dt.timedelta(days=days)


def usable(scenario: Scenario) -> dict[str, Item]:
    """The items the rules allow, by id, each with its do-by date."""
    complete_by = deadline(scenario)
    gone = set(scenario.inputs.get("completed", ())) | set(scenario.inputs.get("exclude", ()))
    sections = [("activities", "expires", False)]
    if scenario.inputs.get("allow_exams", True):
        sections.append(("exams", "retires", True))
    items = {}
    for section, last_key, is_exam in sections:
        for raw in scenario.data[section]:
            last, start = raw.get(last_key), raw.get("available_from")
            if raw["id"] in gone or (last is not None and last < TODAY):
                continue
            if start is not None and start > complete_by:
                continue
            items[raw["id"]] = Item(
                id=raw["id"],
                is_exam=is_exam,
                kind=raw.get("kind"),
                credits=0.0 if is_exam else float(raw["credits"]),
                cents=cents_of(raw["cost"]),
                hours=float(raw.get("hours") or 0),
                do_by=complete_by if last is None else min(last, complete_by),
            )
    return items


def meets(
    path: Mapping[str, Any], chosen: Iterable[Item], earned: float, passed: Mapping[str, int]
) -> bool:
    """Whether ``chosen`` (with what was earned and passed) meets ``path``.

    Every credit figure is a multiple of 0.25, so float sums are exact here.
    """
    chosen = list(chosen)
    if earned + sum(i.credits for i in chosen if not i.is_exam) < path.get("credits", 0):
        return False
    return all(
        passed.get(kind, 0) + sum(1 for i in chosen if i.is_exam and i.kind == kind) >= count
        for kind, count in path.get("exams", {}).items()
    )


def search(
    items: Sequence[Item],
    paths: Sequence[Mapping[str, Any]],
    *,
    earned: float,
    passed: Mapping[str, int],
    budget_cents: int | None,
) -> Best | None:
    """Try every subset of ``items``: the first plan in the order, or ``None`` if none."""
    best: Best | None = None
    for size in range(len(items) + 1):
        for combo in itertools.combinations(items, size):
            cents = sum(i.cents for i in combo)
            if budget_cents is not None and cents > budget_cents:
                continue
            met = tuple(n for n, path in enumerate(paths) if meets(path, combo, earned, passed))
            if not met:
                continue
            hours = sum(i.hours for i in combo)
            found = Best(cents, hours, size, tuple(sorted(i.id for i in combo)), met)
            if best is None or found.key < best.key:
                best = found
    return best


def oracle(
    scenario: Scenario, *, paths: Sequence[int] | None = None, budget: bool = True
) -> Best | None:
    """The best plan for ``scenario`` (over all paths, or only ``paths``), or ``None``."""
    if TODAY > deadline(scenario):
        return None
    rules = scenario.paths if paths is None else [scenario.paths[n] for n in paths]
    return search(
        sorted(usable(scenario).values(), key=lambda i: i.id),
        rules,
        earned=scenario.inputs.get("earned", 0),
        passed=scenario.inputs.get("passed", {}),
        budget_cents=scenario.budget_cents if budget else None,
    )


def describe(path: Mapping[str, Any]) -> str:
    """The tier's path in words, through the public model (reasons start with it)."""
    return ceplan.PathRule.model_validate(path).describe()


# -- random scenarios --------------------------------------------------------------------------

IDS = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,3}", fullmatch=True)
CREDITS = st.one_of(st.integers(1, 8), st.integers(1, 32).map(lambda q: q / 4))
COSTS = st.sampled_from([0, 0, 1, 2, 5, 5, 10, 10, 12.5, 20, 99.99])
HOURS = st.one_of(st.none(), st.sampled_from([0, 0.5, 1, 2, 2, 5]))
OFFSET = st.integers(-10, 45)


@st.composite
def date_window(draw: st.DrawFn, start_key: str, last_key: str) -> dict[str, Any]:
    """Optional ``available_from`` and last day around TODAY, in a valid order."""
    days = sorted(draw(st.lists(OFFSET, min_size=2, max_size=2)))
    out = {}
    if draw(st.booleans()):
        out[start_key] = TODAY + dt.timedelta(days=days[0])
    if draw(st.booleans()):
        out[last_key] = TODAY + dt.timedelta(days=days[1])
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    n_activities = draw(st.integers(2, 9))
    n_exams = draw(st.integers(0, 3))
    ids = draw(
        st.lists(IDS, min_size=n_activities + n_exams, max_size=n_activities + n_exams, unique=True)
    )
    kinds_used = draw(st.sampled_from([KINDS[:1], KINDS[1:], KINDS]))
    # now and then a price per credit, so that many different plans cost the same
    per_credit = draw(st.sampled_from([None, None, 1, 2]))
    credits = [draw(CREDITS) for _ in range(n_activities)]
    activities = [
        {
            "id": item_id,
            "title": f"Activity {item_id}",
            "type": "online-course",
            "credits": credit,
            "cost": draw(COSTS) if per_credit is None else credit * per_credit,
            **({"hours": h} if (h := draw(HOURS)) is not None else {}),
            **draw(date_window("available_from", "expires")),
        }
        for item_id, credit in zip(ids[:n_activities], credits, strict=True)
    ]
    exams = [
        {
            "id": item_id,
            "title": f"Exam {item_id}",
            "kind": draw(st.sampled_from(kinds_used)),
            "cost": draw(COSTS),
            **({"hours": h} if (h := draw(HOURS)) is not None else {}),
            **draw(date_window("available_from", "retires")),
        }
        for item_id in ids[n_activities:]
    ]
    kinds = sorted({exam["kind"] for exam in exams})
    paths = []
    for _ in range(draw(st.integers(1, 3))):
        credits = draw(st.sampled_from([0, 5, 10, 15, 2.75, 6.5, 8.25]) | st.integers(3, 15))
        wanted = draw(st.lists(st.sampled_from(kinds), unique=True, max_size=2)) if kinds else []
        exams_rule = {kind: draw(st.integers(1, 2)) for kind in wanted}
        if credits == 0 and not exams_rule:
            credits = draw(st.integers(1, 30))
        paths.append(
            {"credits": credits, "exams": exams_rule} if exams_rule else {"credits": credits}
        )
    tiers = {"pro": {"label": "Pro", "period_years": 3, "paths": paths}}
    if kinds:  # every exam kind must be named by some path: a second tier names them all
        tiers["aux"] = {"label": "Aux", "paths": [{"exams": dict.fromkeys(kinds, 1)}]}
    data = catalog_data(
        activities=activities,
        exams=exams,
        tiers=tiers,
        processing_days=draw(st.integers(0, 7)),
    )
    all_ids = [*ids]
    budget_cents = draw(st.one_of(st.none(), st.integers(0, 6000)))
    inputs: dict[str, Any] = {
        "today": TODAY,
        # mostly a near expiry (some too late); now and then the default, today + 3 years
        "expires": None
        if draw(st.integers(0, 5)) == 0
        else TODAY + dt.timedelta(days=draw(st.integers(-3, 40))),
        "earned": draw(st.sampled_from([0, 0, 0, 0.25, 1.5, 4.75])),
        "passed": {kind: draw(st.integers(0, 2)) for kind in kinds if draw(st.booleans())},
        "completed": draw(st.lists(st.sampled_from(all_ids), unique=True, max_size=1)),
        "exclude": draw(st.lists(st.sampled_from(all_ids), unique=True, max_size=1)),
        "budget": None if budget_cents is None else budget_cents / 100,
        "allow_exams": draw(st.booleans()),
        "processing_days": draw(st.one_of(st.none(), st.integers(0, 7))),
    }
    return Scenario(data=data, inputs=inputs, budget_cents=budget_cents)


# -- checks shared by the properties -----------------------------------------------------------


def check_plan_obeys_rules(scenario: Scenario, plan: ceplan.Plan) -> None:
    """(3): usable items only, each once, with the right do-by dates, a met path, the budget."""
    allowed = usable(scenario)
    ids = [item.id for item in plan.planned]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(allowed)
    for item in plan.planned:
        assert item.complete_by == allowed[item.id].do_by
        assert item.is_exam == allowed[item.id].is_exam
        assert round(item.cost * 100) == allowed[item.id].cents
    assert plan.complete_by == deadline(scenario)
    assert plan.path is not None
    assert plan.path.model_dump() in [
        ceplan.PathRule.model_validate(p).model_dump() for p in scenario.paths
    ]
    path = plan.path.model_dump()
    chosen = [allowed[i] for i in ids]
    assert meets(path, chosen, scenario.inputs["earned"], scenario.inputs["passed"])
    if scenario.budget_cents is not None:
        assert round(plan.total_cost * 100) <= scenario.budget_cents
    assert plan.reasons == ()


def check_reason(scenario: Scenario, n: int, reason: str) -> None:
    """Path ``n``'s reason: over budget (quoting its cheapest cost), or another."""
    assert reason.startswith(describe(scenario.paths[n]) + ": ")
    free = oracle(scenario, paths=[n], budget=False)
    if free is None:  # no plan whatever the money
        assert "cheapest plan costs" not in reason
        return
    # Money is written one way everywhere: thousands separated, two decimals, the currency.
    assert f"cheapest plan costs {free.cents / 100:,.2f} GBP" in reason
    assert f"budget is {scenario.inputs['budget']:,.2f} GBP" in reason


def check_infeasible(scenario: Scenario, plan: ceplan.Plan) -> None:
    """(6): no items, no path; "too late" once, or one reason per path, each the right one."""
    assert plan.planned == ()
    assert plan.path is None
    if TODAY > deadline(scenario):
        (reason,) = plan.reasons
        assert reason.startswith(f"too late: everything must be complete by {deadline(scenario)}")
        return
    assert len(plan.reasons) == len(scenario.paths)
    for n, reason in enumerate(plan.reasons):
        check_reason(scenario, n, reason)


def chosen_ids(plan: ceplan.Plan) -> tuple[str, ...]:
    return tuple(sorted(item.id for item in plan.planned))


# -- the properties ----------------------------------------------------------------------------


@settings(max_examples=examples(300))
@given(scenario=scenarios(), solver=st.sampled_from(SOLVERS))
def test_optimise_agrees_with_exhaustive_search(scenario: Scenario, solver: str) -> None:
    """(1) status, (2) cost, hours, item count and ids, (3) every rule, (6) reasons."""
    plan = ceplan.optimise(scenario.catalog(), "pro", solver=solver, **scenario.inputs)
    best = oracle(scenario)
    event(f"status: {plan.status}")
    event(f"items in the plan: {min(len(plan.planned), 3)}{'+' if len(plan.planned) >= 3 else ''}")
    if best is None:
        assert plan.status == "infeasible"
        check_infeasible(scenario, plan)
        return
    assert plan.status == "optimal"
    assert round(plan.total_cost * 100) == best.cents
    assert sum(round(item.cost * 100) for item in plan.planned) == best.cents
    assert plan.total_hours == best.hours
    assert len(plan.planned) == best.count
    assert chosen_ids(plan) == best.ids
    assert plan.path_index == min(best.paths)  # the same items meeting two paths: the first
    assert (plan.termination, plan.gap) == ("solved", 0.0)
    assert plan.proven == ("cost", "hours", "count", "ids")
    assert plan.already_met == (best.count == 0)
    check_plan_obeys_rules(scenario, plan)


@settings(max_examples=examples(150))
@given(scenario=scenarios(), solver=st.sampled_from(SOLVERS))
def test_optimise_is_the_best_of_compare_paths(scenario: Scenario, solver: str) -> None:
    """(4): ``optimise`` gives ``compare_paths(...).best``; each path's plan is its best."""
    catalog = scenario.catalog()
    plan = ceplan.optimise(catalog, "pro", solver=solver, **scenario.inputs)
    comparison = ceplan.compare_paths(catalog, "pro", solver=solver, **scenario.inputs)
    assert len(comparison.plans) == len(scenario.paths)
    best = comparison.best
    assert best.status == plan.status
    assert chosen_ids(best) == chosen_ids(plan)
    assert best.path == plan.path
    assert best.total_cost == plan.total_cost
    assert best.reasons == plan.reasons
    assert best.to_json() == plan.to_json()
    for n, one in enumerate(comparison.plans):
        expected = oracle(scenario, paths=[n])
        if expected is None:
            assert one.status == "infeasible"
            assert len(one.reasons) == 1
            if TODAY <= deadline(scenario):
                check_reason(scenario, n, one.reasons[0])
        else:
            assert one.status == "optimal"
            assert (round(one.total_cost * 100), chosen_ids(one)) == (expected.cents, expected.ids)
            assert one.path == ceplan.PathRule.model_validate(scenario.paths[n])
            check_plan_obeys_rules(scenario, one)


@settings(max_examples=examples(60))
@given(scenario=scenarios())
def test_same_input_gives_the_same_json(scenario: Scenario) -> None:
    """(5): the same input twice gives the same bytes; every solver gives the same plan (a total
    order), the JSON differing only in the solver it names."""
    first = ceplan.optimise(scenario.catalog(), "pro", **scenario.inputs).to_json()
    again = ceplan.optimise(scenario.catalog(), "pro", **scenario.inputs).to_json()
    assert first == again
    expected = {**json.loads(first), "solver": None}
    for solver in ("highs", "cbc"):
        other = ceplan.optimise(scenario.catalog(), "pro", solver=solver, **scenario.inputs)
        assert {**other.to_dict(), "solver": None} == expected


@st.composite
def infeasible_scenarios(draw: st.DrawFn) -> Scenario:
    """A scenario made infeasible: too late, over budget, all excluded, or too few credits."""
    scenario = draw(scenarios())
    inputs = dict(scenario.inputs)
    budget_cents = scenario.budget_cents
    how = draw(st.sampled_from(["too_late", "budget", "exclude_all", "credits"]))
    data = scenario.data
    if how == "too_late":
        days = draw(st.integers(1, 7))
        inputs["processing_days"] = days
        inputs["expires"] = TODAY + dt.timedelta(days=days - draw(st.integers(1, 3)))
    elif how == "budget":
        free = oracle(Scenario(data, inputs, None))
        if free is not None and free.cents > 0:
            budget_cents = draw(st.integers(0, free.cents - 1))
            inputs["budget"] = budget_cents / 100
    elif how == "exclude_all":
        inputs["exclude"] = sorted(
            {item["id"] for section in ("activities", "exams") for item in data[section]}
        )
        inputs["completed"] = []
    else:
        total = sum(item["credits"] for item in data["activities"])
        data = {
            **data,
            "tiers": {
                **data["tiers"],
                "pro": {
                    **data["tiers"]["pro"],
                    "paths": [
                        {**path, "credits": total + 1} for path in data["tiers"]["pro"]["paths"]
                    ],
                },
            },
        }
        inputs["earned"] = 0
    return Scenario(data=data, inputs=inputs, budget_cents=budget_cents)


@settings(max_examples=examples(200))
@given(scenario=infeasible_scenarios(), solver=st.sampled_from(SOLVERS))
def test_infeasible_input_gives_reasons_not_exceptions(scenario: Scenario, solver: str) -> None:
    """(6): when the search finds nothing, the status is infeasible with one reason per path."""
    plan = ceplan.optimise(scenario.catalog(), "pro", solver=solver, **scenario.inputs)
    if oracle(scenario) is None:
        assert plan.status == "infeasible"
        check_infeasible(scenario, plan)
    else:  # e.g. the paths need no credits, or a zero-cost plan beats any budget
        assert plan.status == "optimal"
        check_plan_obeys_rules(scenario, plan)


# -- reduce_dominated keeps the best plan ------------------------------------------------------

Case = tuple[list[Candidate], list[dict[str, Any]], int | None]


@st.composite
def candidate_sets(draw: st.DrawFn) -> Case:
    """Candidates (0-9 activities, 0-3 exams), 1-3 valid paths and an optional budget in cents."""
    n_activities = draw(st.integers(0, 9))
    n_exams = draw(st.integers(0, 3))
    ids = draw(
        st.lists(IDS, min_size=n_activities + n_exams, max_size=n_activities + n_exams, unique=True)
    )
    candidates = [
        Candidate(
            id=item_id,
            is_exam=n >= n_activities,
            kind=draw(st.sampled_from(KINDS)) if n >= n_activities else None,
            credits=0.0 if n >= n_activities else float(draw(CREDITS)),
            cents=cents_of(draw(COSTS)),
            hours=float(draw(HOURS) or 0),
            do_by=TODAY,
        )
        for n, item_id in enumerate(ids)
    ]
    paths = []
    for _ in range(draw(st.integers(1, 3))):
        credits = draw(st.sampled_from([0, 5, 10, 15, 2.75, 6.5, 8.25]) | st.integers(1, 30))
        exams_rule = {
            kind: draw(st.integers(1, 2))
            for kind in draw(st.lists(st.sampled_from(KINDS), unique=True, max_size=2))
        }
        paths.append({"credits": credits or (0 if exams_rule else 1), "exams": exams_rule})
    budget = draw(st.one_of(st.none(), st.integers(0, 6000)))
    return candidates, paths, budget


def as_items(candidates: Iterable[Candidate]) -> list[Item]:
    return [
        Item(
            id=c.id,
            is_exam=c.is_exam,
            kind=c.kind,
            credits=c.credits,
            cents=c.cents,
            hours=c.hours,
            do_by=c.do_by,
        )
        for c in candidates
    ]


EARNED = st.sampled_from([0, 0, 0.25, 1.5, 4.75, 10])
PASSED = st.dictionaries(st.sampled_from(KINDS), st.integers(0, 2))


@settings(max_examples=examples(300))
@given(case=candidate_sets(), earned=EARNED, passed=PASSED, slack=st.none() | st.integers(0, 500))
def test_reduce_dominated_keeps_the_best_plan(
    case: Case, earned: float, passed: dict[str, int], slack: int | None
) -> None:
    """Dropping dominated items (and, given a ceiling at least the best plan's cost, dearer
    items) changes neither whether a plan exists nor which plan is best."""
    candidates, paths, budget_cents = case
    everything = search(
        as_items(candidates), paths, earned=earned, passed=passed, budget_cents=budget_cents
    )
    unlimited = search(as_items(candidates), paths, earned=earned, passed=passed, budget_cents=None)
    ceiling = None if slack is None or unlimited is None else unlimited.cents + slack
    kept = reduce_dominated(
        candidates,
        credits_needed=max(path["credits"] - earned for path in paths),
        exams_needed={
            kind: max(path["exams"].get(kind, 0) - passed.get(kind, 0) for path in paths)
            for kind in {kind for path in paths for kind in path["exams"]}
        },
        max_cents=ceiling,
    )
    assert [c.id for c in kept] == sorted(c.id for c in kept)
    assert set(kept) <= set(candidates)
    reduced = search(as_items(kept), paths, earned=earned, passed=passed, budget_cents=budget_cents)
    assert (reduced is None) == (everything is None)
    if everything is not None:
        assert reduced is not None
        assert reduced.key == everything.key


@settings(max_examples=examples(200))
@given(case=candidate_sets(), earned=EARNED, passed=PASSED)
def test_shrink_keeps_the_best_plan(case: Case, earned: float, passed: dict[str, int]) -> None:
    """``shrink`` (dominated items and items dearer than a greedy plan dropped) keeps the best
    plan over all the paths, with or without a budget."""
    candidates, paths, budget_cents = case
    rules = [ceplan.PathRule.model_validate(path) for path in paths]
    kept = shrink(candidates, rules, earned, passed)
    assert set(kept) <= set(candidates)
    for budget in (None, budget_cents):
        everything = search(
            as_items(candidates), paths, earned=earned, passed=passed, budget_cents=budget
        )
        reduced = search(as_items(kept), paths, earned=earned, passed=passed, budget_cents=budget)
        assert (reduced is None) == (everything is None)
        if everything is not None:
            assert reduced is not None
            assert reduced.key == everything.key
