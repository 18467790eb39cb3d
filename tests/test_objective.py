"""The order is defined once (ceplan/objective.py); every place that ranks items or plans reads it.

Places that keep a formula of their own for speed (an item's key, the arrays' sort columns, the
exact search's sums and packed keys, the model's held values) are checked here against
:meth:`Objective.key` on random data.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pulp
from hypothesis import given, settings
from hypothesis import strategies as st

from ceplan.candidates.items import Candidate
from ceplan.catalogue.models import PathRule
from ceplan.model.block import build_formulation
from ceplan.objective import (
    CHEAPEST,
    COST,
    COUNT,
    HOURS,
    IDS,
    ONE_PERSON,
    ONE_PERSON_OVER_TIME,
    RENEWAL,
    Outcome,
    Settled,
    item_columns,
    item_key,
)
from ceplan.solving import exact
from tests.conftest import examples

DAY = dt.date(2027, 1, 1)


@st.composite
def items(draw: st.DrawFn, most: int = 8) -> list[Candidate]:
    """Activities with distinct ids, few prices and hours (so that ties are common).

    Hours are rounded to six places, as every candidate's are (``ceplan.units.DECIMALS``).
    """
    ids = draw(st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=most, unique=True))
    return [
        Candidate(
            id=i,
            is_exam=False,
            kind=None,
            credits=draw(st.sampled_from([1.0, 2.5, 5.0])),
            cents=draw(st.sampled_from([0, 99, 100, 1000])),
            hours=draw(st.sampled_from([0.0, 0.25, 1.0, 1.5, round(1 / 3, 6)])),
            do_by=DAY,
        )
        for i in ids
    ]


def test_each_stage_says_how_it_is_settled() -> None:
    assert ONE_PERSON.sums == (COST, HOURS, COUNT)
    assert ONE_PERSON_OVER_TIME.sums == (COST, HOURS, COUNT)
    assert (RENEWAL.settled, IDS.settled) == (Settled.RENEWAL, Settled.IDS)
    assert CHEAPEST.stages == (COST, IDS)


@settings(max_examples=examples(100))
@given(chosen=items())
def test_an_items_key_ranks_it_as_the_plan_that_holds_it_alone(chosen: list[Candidate]) -> None:
    for objective in (ONE_PERSON, ONE_PERSON_OVER_TIME):
        by_plan = sorted(chosen, key=lambda c: objective.key(Outcome.of([c])))
        assert sorted(chosen, key=item_key) == by_plan
        assert sorted(chosen, key=lambda c: c.key) == by_plan


@settings(max_examples=examples(100))
@given(chosen=items())
def test_arrays_sort_by_the_items_keys(chosen: list[Candidate]) -> None:
    ids = np.array([c.id for c in chosen], dtype=object)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))

    class Columns:
        cents = np.array([c.cents for c in chosen], dtype=np.int64)
        hours = np.array([c.hours for c in chosen])
        id = rank

    order = np.lexsort(item_columns(Columns()))
    assert [chosen[i] for i in order] == sorted(chosen, key=item_key)


def sums(plan: tuple[Candidate, ...]) -> tuple[int, ...]:
    """The exact search's totals of a plan: its items' ``_adds`` added up."""
    return tuple(sum(values) for values in zip((0, 0, 0), *map(exact._adds, plan), strict=True))


@settings(max_examples=examples(60))
@given(chosen=items(most=6))
def test_the_exact_searchs_sums_and_packed_keys_rank_plans_as_the_objective(
    chosen: list[Candidate],
) -> None:
    plans = [
        plan for size in range(len(chosen) + 1) for plan in itertools.combinations(chosen, size)
    ]
    keys = exact._packed([exact._adds(c) for c in chosen])
    assert keys is not None
    packed = dict(zip((c.id for c in chosen), keys, strict=True))
    for a, b in itertools.product(plans, repeat=2):
        key_a, key_b = (ONE_PERSON.key(Outcome.of(p))[:3] for p in (a, b))
        assert (sums(a) < sums(b)) == (key_a < key_b)
        assert (sums(a) == sums(b)) == (key_a == key_b)
        packed_a, packed_b = (sum(packed[c.id] for c in p) for p in (a, b))
        assert (packed_a < packed_b) == (key_a < key_b)


@settings(max_examples=examples(60))
@given(chosen=items(), path=st.integers(0, 3))
def test_a_paths_best_is_ranked_as_the_plan_of_its_items(
    chosen: list[Candidate], path: int
) -> None:
    cents, hours, _ = sums(tuple(chosen))
    best = exact.PathBest(ids=tuple(sorted(c.id for c in chosen)), cents=cents, hours=hours)
    outcome = Outcome.of(chosen, path_index=path)
    assert ONE_PERSON.key(best.outcome(path)) == ONE_PERSON.key(outcome)


@settings(max_examples=examples(40), deadline=None)
@given(chosen=items(), data=st.data())
def test_the_models_held_values_are_its_expressions_values(
    chosen: list[Candidate], data: st.DataObject
) -> None:
    formulation = build_formulation(chosen, {0: PathRule(credits=1)})
    taken = data.draw(st.lists(st.sampled_from(chosen), unique=True))
    for c in chosen:
        formulation.take[c.id].setInitialValue(float(c in taken))
    for stage in ONE_PERSON.sums:
        value = pulp.value(formulation.expression(stage))
        assert value == formulation.whole(stage, Outcome.of(taken)), stage.name
