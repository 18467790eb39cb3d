"""The team planners check their inputs as ``optimise`` does (SPEC 5 and 7).

Every bad input to :func:`ceplan.plan_team`, :func:`ceplan.what_if` and
:func:`ceplan.load_roster` is one ceplan error naming the argument or the roster's person,
budget or fund and field; numbers outside their ranges (:mod:`ceplan.limits`) are refused with
the range; ids that differ only where a model's names cannot (``a-b``, ``a_b``) plan as any other
ids; a team too large to build is refused before it is built, and the time limit covers the
building as well as the solve.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import ceplan
from ceplan.limits import MAX_TEAM_VARIABLES

TODAY = dt.date(2026, 11, 29)
ROOT = Path(__file__).resolve().parent.parent
TEAM = ROOT / "examples" / "team.yaml"


def person(id: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": id.upper(), "tier": "associate", "expires": "2027-09-30", **fields}


def team(people: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": 1,
        "team": "T",
        "budgets": [{"name": "FY", "start": "2026-04-01", "end": "2028-03-31", "amount": 100000}],
        "funds": [],
        "people": people,
    }
    data.update(top)
    return data


@pytest.fixture(scope="module")
def catalog() -> ceplan.Catalog:
    return ceplan.load_catalog()


# -- the arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"time_limit": -1}, "time_limit must be a finite number > 0, not -1"),
        ({"time_limit": math.nan}, "time_limit must be a finite number > 0, not nan"),
        ({"time_limit": 0}, "time_limit must be a finite number > 0, not 0"),
        ({"time_limit": "10"}, "time_limit must be a number, not '10'"),
        ({"time_limit": True}, "time_limit must be a number, not True"),
        ({"today": 20261129}, "today must be a date (YYYY-MM-DD), not 20261129"),
        ({"today": "tomorrow"}, "today must be a date"),
        ({"progress": 5}, "progress must be a function taking a line of text, not int"),
    ],
)
def test_bad_arguments_to_plan_team_name_the_argument(
    catalog: ceplan.Catalog, kwargs: dict[str, Any], words: str
) -> None:
    arguments = {"today": TODAY, **kwargs}
    with pytest.raises(ceplan.PlanInputError) as caught:
        ceplan.plan_team(catalog, team([person("ann")]), **arguments)
    assert words in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("roster", "words"),
    [
        (5, "roster must be a Roster, the path of a roster file or roster data"),
        (None, "roster must be a Roster"),
        ([person("ann")], "roster must be a Roster"),
    ],
)
def test_a_roster_of_the_wrong_kind_is_named(
    catalog: ceplan.Catalog, roster: Any, words: str
) -> None:
    with pytest.raises(ceplan.PlanInputError, match=words):
        ceplan.plan_team(catalog, roster, today=TODAY)


def test_a_catalogue_may_be_a_path_and_a_roster_a_path_or_data(catalog: ceplan.Catalog) -> None:
    by_objects = ceplan.plan_team(catalog, ceplan.load_roster(TEAM), today=TODAY)
    by_paths = ceplan.plan_team(str(ceplan.bundled_catalog_path()), TEAM, today=TODAY)
    assert by_paths.to_json() == by_objects.to_json()
    data = team([person("ann")])
    assert ceplan.plan_team(catalog, data, today=TODAY).outcomes[0].renews


def test_a_catalogue_of_the_wrong_kind_is_named() -> None:
    with pytest.raises(ceplan.PlanInputError, match="catalog must be a Catalog or a path"):
        ceplan.plan_team(12, team([person("ann")]), today=TODAY)


def test_a_roster_object_is_checked_against_the_catalogue(catalog: ceplan.Catalog) -> None:
    roster = ceplan.Roster.model_validate(team([person("ann", tier="wizard")]))
    with pytest.raises(ceplan.RosterError) as caught:
        ceplan.plan_team(catalog, roster, today=TODAY)
    assert str(caught.value).startswith("<roster>: people[0] 'ann': field 'tier': is not a tier")


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"budget_factor": "x"}, ceplan.PlanInputError, "budget_factor must be a number"),
        ({"budget_factor": -0.5}, ceplan.PlanInputError, "budget_factor must be a finite number"),
        ({"budget_factor": math.inf}, ceplan.PlanInputError, "budget_factor must be a finite"),
        ({"budgets": 5}, ceplan.PlanInputError, "budgets must be a list of entries, not 5"),
        ({"budgets": "FY"}, ceplan.PlanInputError, "budgets must be a list of entries"),
        (
            {"budgets": {"name": "A", "start": "2026-01-01", "end": "2026-12-31", "amount": 5}},
            ceplan.PlanInputError,
            "budgets must be a list of entries, not one on its own",
        ),
        ({"funds": 5}, ceplan.PlanInputError, "funds must be a list of entries, not 5"),
        ({"budgets": [5]}, ceplan.RosterError, "<roster>: budgets[0]"),
        (
            {
                "budgets": [
                    {"name": "A", "start": "2026-01-01", "end": "2027-12-31", "amount": 5},
                    {"name": "B", "start": "2027-01-01", "end": "2028-12-31", "amount": 5},
                ]
            },
            ceplan.RosterError,
            "<roster>: budgets[1] 'B': field 'start': falls in budget period 'A'",
        ),
        (
            {"budgets": [{"name": "A", "start": "2027-01-01", "end": "2026-12-31", "amount": 5}]},
            ceplan.RosterError,
            "<roster>: budgets[0] 'A': field 'end': is before start 2027-01-01",
        ),
        (
            {"budget_factor": 1e300},
            ceplan.RosterError,
            "<roster>: budgets[0] 'FY': field 'amount': Input should be less than or equal to",
        ),
        (
            {"funds": [{"name": "F", "amount": 5, "currency": "XYZ", "expires": "2027-01-01"}]},
            ceplan.RosterError,
            "<roster>: funds[0] 'F': field 'currency': has no exchange rate to GBP",
        ),
    ],
)
def test_what_if_checks_its_budgets_and_funds_by_the_rosters_rules(
    catalog: ceplan.Catalog, kwargs: dict[str, Any], error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as caught:
        ceplan.what_if(catalog, team([person("ann")]), today=TODAY, **kwargs)
    assert words in str(caught.value), str(caught.value)


def test_what_if_takes_budgets_as_models_and_a_factor(catalog: ceplan.Catalog) -> None:
    budget = ceplan.Budget(name="New", start="2026-04-01", end="2028-03-31", amount=100)
    comparison = ceplan.what_if(
        catalog, team([person("ann")]), budgets=[budget], budget_factor=2, today=TODAY
    )
    assert comparison.after.budget_uses[0].amount == 200
    assert comparison.newly_at_risk == ("ann",)  # 200.00 does not pay for her 237.00 exam


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"path": 5}, "path must be the path of a file, not 5"),
        ({"path": ""}, "path must be the path of a file"),
        ({"path": TEAM, "budgets": 5}, "budgets must be a list of entries, not 5"),
        ({"path": TEAM, "funds": True}, "funds must be a list of entries, not True"),
        ({"path": TEAM, "catalog": 5}, "catalog must be a Catalog or a path"),
        ({"path": TEAM, "today": "soon"}, "today must be a date"),
    ],
)
def test_bad_arguments_to_load_roster_name_the_argument(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(ceplan.PlanInputError, match=words):
        ceplan.load_roster(**kwargs)


# -- numbers in range ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (1, True),
        (2.0, True),
        (1_000_000, True),
        (Decimal(3), False),  # YAML and CSV give ints and floats; a Decimal is not either
        (0, False),
        (1e-6, False),
        (0.5, False),
        (1.5, False),
        (1_000_001, False),
        (1e15, False),
        (-3, False),
        (True, False),
        ("2", False),
    ],
)
def test_a_priority_is_a_whole_number_from_one_to_a_million(value: Any, ok: bool) -> None:
    data = team([person("ann", priority=value)])
    if ok:
        roster = ceplan.Roster.model_validate(data)
        assert roster.people[0].priority == value and type(roster.people[0].priority) is int
        return
    roster, problems = ceplan.roster.models.roster_problems(data)
    assert roster is None
    assert [(p.loc, p.message) for p in problems] == [
        (("people", 0, "priority"), "must be a whole number from 1 to 1,000,000")
    ]


def test_a_tiny_priority_in_a_roster_file_is_refused_with_its_row(tmp_path: Path) -> None:
    """Before, ``priority: 1e-6`` left Ann at risk with money unspent, called optimal."""
    path = tmp_path / "team.csv"
    path.write_text(
        "id,name,tier,expires,priority\n"
        "ann,Ann,associate,2027-09-30,1e-6\n"
        "bo,Bo,associate,2027-09-30,3\n",
        encoding="utf-8",
    )
    with pytest.raises(ceplan.RosterError) as caught:
        ceplan.load_roster(path)
    assert str(caught.value) == (
        f"{path}:2: row 1 'ann': field 'priority': must be a whole number from 1 to 1,000,000"
        " (got 1e-06)"
    )
    path.write_text(path.read_text().replace("1e-6", "2"), encoding="utf-8")
    assert [p.priority for p in ceplan.load_roster(path).people] == [2, 3]


@pytest.mark.parametrize(
    ("where", "entry", "field", "words"),
    [
        ("budgets", {"amount": 1e307}, "amount", "less than or equal to 10000000000000"),
        ("funds", {"amount": 1e307}, "amount", "less than or equal to 10000000000000"),
        ("people", {"hours_per_week": 1e307}, "hours_per_week", "less than or equal to 168"),
        ("people", {"hours_per_week": 169}, "hours_per_week", "less than or equal to 168"),
        ("people", {"priority": 1e15}, "priority", "from 1 to 1,000,000"),
    ],
)
def test_numbers_out_of_range_name_the_field_and_its_range(
    catalog: ceplan.Catalog, where: str, entry: dict[str, Any], field: str, words: str
) -> None:
    """Before: "internal error" (1e307) or "solver failed: list index out of range" (1e15)."""
    data = team([person("ann")])
    base = {
        "budgets": data["budgets"][0],
        "funds": {"name": "F", "amount": 5, "expires": "2027-06-30"},
        "people": data["people"][0],
    }[where]
    data[where] = [{**base, **entry}]
    with pytest.raises(ceplan.RosterError) as caught:
        ceplan.plan_team(catalog, data, today=TODAY)
    text = str(caught.value)
    assert f"field '{field}'" in text and words in text and "\n" not in text


@pytest.mark.parametrize("where", ["budgets", "funds"])
def test_a_period_or_fund_up_to_the_calendars_last_day_plans(
    catalog: ceplan.Catalog, where: str
) -> None:
    """Before: an internal error (the day after 9999-12-31)."""
    entry = (
        {"name": "B", "start": "2026-01-01", "end": "9999-12-31", "amount": 500}
        if where == "budgets"
        else {"name": "F", "amount": 500, "expires": "9999-12-31", "pays_for": ["exams"]}
    )
    data = team([person("ann")], **{where: [entry]})
    plan = ceplan.plan_team(catalog, data, today=TODAY)
    assert plan.status == "optimal" and not plan.at_risk
    assert plan.out_of_pocket == (237.0 if where == "budgets" else 0.0)


def test_a_fund_too_large_once_converted_is_refused(catalog: ceplan.Catalog) -> None:
    fund = {"name": "F", "amount": 9e12, "currency": "USD", "expires": "2027-06-30"}
    rich = ceplan.Catalog.model_validate(
        {**catalog.model_dump(by_alias=True), "exchange_rates": {"USD": 2.0}}
    )
    with pytest.raises(ceplan.RosterError, match="funds\\[0\\] 'F': field 'amount': is too large"):
        ceplan.plan_team(rich, team([person("ann")], funds=[fund]), today=TODAY)


def test_numbers_at_the_top_of_their_ranges_give_plans(catalog: ceplan.Catalog) -> None:
    data = team(
        [person("ann", priority=1_000_000, hours_per_week=168), person("bo")],
        funds=[{"name": "F", "amount": 10**13, "expires": "2027-06-30"}],
    )
    data["budgets"][0]["amount"] = 10**13
    plan = ceplan.plan_team(catalog, data, today=TODAY)
    assert plan.status == "optimal" and not plan.at_risk


def test_one_person_hours_per_week_beyond_a_week_is_refused(catalog: ceplan.Catalog) -> None:
    with pytest.raises(ceplan.PlanInputError, match="hours_per_week must be at most 168"):
        ceplan.optimise(catalog, "associate", today=TODAY, hours_per_week=1e307)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("credits", 1e15, "less than or equal to 1000000"),
        ("hours", 1e15, "less than or equal to 100000"),
        ("cost", 1e14, "is too large: at most 10,000,000,000,000"),
    ],
)
def test_catalogue_numbers_out_of_range_are_refused(field: str, value: float, words: str) -> None:
    """Before: hours or credits of 1e15 gave "solver failed: list index out of range"."""
    activity = {"id": "a", "title": "A", "type": "course", "credits": 30, "cost": 10, "hours": 1}
    data = {
        "schema": 1,
        "programme": "P",
        "currency": "GBP",
        "tiers": {"pro": {"paths": [{"credits": 30}]}},
        "activities": [{**activity, field: value}],
    }
    with pytest.raises(ceplan.CatalogError) as caught:
        ceplan.parse_catalog(_yaml(data), name="c.yaml")
    assert f"activities[0] 'a': field '{field}'" in str(caught.value)
    assert words in str(caught.value)


def _yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


# -- expiries out of range ----------------------------------------------------------------------


def test_every_expiry_out_of_range_is_named_with_its_row(tmp_path: Path) -> None:
    """Before: one message for the first person only, naming no person or row."""
    path = tmp_path / "team.csv"
    path.write_text(
        "id,name,tier,expires\n"
        "ann,Ann,associate,9999-12-31\n"
        "bo,Bo,associate,2027-09-30\n"
        "cy,Cy,associate,0001-01-02\n",
        encoding="utf-8",
    )
    catalog = ceplan.load_catalog()
    with pytest.raises(ceplan.RosterError) as caught:
        ceplan.load_roster(path, catalog=catalog, today=TODAY)
    assert str(caught.value).splitlines() == [
        f"{path}:2: row 1 'ann': field 'expires': is more than 50 years after today "
        "(2026-11-29): check the date (got 9999-12-31)",
        f"{path}:4: row 3 'cy': field 'expires': leaves the calendar: its do-by date, 7 days "
        "before, is before the year 1 (got 0001-01-02)",
    ]
    with pytest.raises(ceplan.RosterError) as again:
        ceplan.plan_team(catalog, path, today=TODAY)
    assert str(again.value) == str(caught.value)


# -- names inside the model ---------------------------------------------------------------------


def test_ids_that_differ_only_in_punctuation_plan_as_any_other_ids() -> None:
    """People ``a-b``, ``a.b``, ``a_b`` and items ``x-y``, ``x.y``, ``x_y`` (and items named as
    the model's own rows, ``renew``, ``count``) plan exactly as the same team with plain ids in
    the same sort order. Before, the team could not be planned at all (an error of PuLP's)."""
    items = ["count", "renew", "x-y", "x.y", "x_y"]
    people = ["a-b", "a.b", "a_b"]
    plain_items = dict(zip(items, ["i1", "i2", "i3", "i4", "i5"], strict=True))
    plain_people = dict(zip(people, ["q1", "q2", "q3"], strict=True))
    assert sorted(items) == items and sorted(people) == people

    def planned(item_ids: dict[str, str], person_ids: dict[str, str]) -> Any:
        activities = [
            {
                "id": item_ids[item],
                "title": item,
                "type": "course",
                "credits": 10,
                "cost": cost,
                "hours": 1,
            }
            for item, cost in zip(items, [50, 40, 30, 30, 30], strict=True)
        ]
        catalog = ceplan.Catalog.model_validate(
            {
                "schema": 1,
                "programme": "P",
                "currency": "GBP",
                "tiers": {"pro": {"paths": [{"credits": 20}]}},
                "activities": activities,
            }
        )
        members = [
            {"id": person_ids[p], "name": p, "tier": "pro", "expires": "2027-09-30"} for p in people
        ]
        members[2]["hours_per_week"] = 3
        roster = team(members)
        roster["budgets"][0]["amount"] = 130  # one of the three cannot renew
        return ceplan.plan_team(catalog, roster, today=TODAY)

    odd = planned({i: i for i in items}, {p: p for p in people})
    plain = planned(plain_items, plain_people)
    assert odd.status == plain.status == "optimal"
    back = {v: k for k, v in {**plain_items, **plain_people}.items()}
    for a, b in zip(odd.outcomes, plain.outcomes, strict=True):
        assert a.id == back[b.id] and a.renews == b.renews and a.cost == b.cost
        assert [(i.id, i.start) for i in a.items] == [(back[i.id], i.start) for i in b.items]
    assert len(odd.at_risk) == 1


# -- size and time ------------------------------------------------------------------------------


def test_a_team_too_large_to_build_is_refused_before_it_is_built(
    catalog: ceplan.Catalog,
) -> None:
    """1,200 funds expiring on 1,200 days and 20 people: 7.5 GB and a MemoryError before."""
    funds = [
        {
            "name": f"F{n}",
            "amount": 100,
            "currency": "USD",
            "expires": (TODAY + dt.timedelta(days=n + 1)).isoformat(),
            "pays_for": ["activities", "exams"],
        }
        for n in range(1200)
    ]
    tiers = ["professional", "associate", "expert", "specialist"]
    people = [person(f"p{n}", tier=tiers[n % 4], expires="2028-09-30") for n in range(20)]
    with pytest.raises(ceplan.PlanInputError) as caught:
        ceplan.plan_team(catalog, team(people, funds=funds), today=TODAY, time_limit=30)
    assert f"more than {MAX_TEAM_VARIABLES:,} variables" in str(caught.value)


def test_the_time_limit_covers_building_the_model(catalog: ceplan.Catalog) -> None:
    """A limit that runs out before the model is built: ``unknown``, stopped by the limit."""
    plan = ceplan.plan_team(catalog, TEAM, today=TODAY, time_limit=1e-9)
    assert (plan.status, plan.termination, plan.stopped_in) == (
        "unknown",
        "time_limit",
        "building the model",
    )
    assert {o.reasons for o in plan.outcomes} == {("no plan was found before the time limit",)}
    assert [b.spent for b in plan.budget_uses] == [0.0, 0.0]
    assert [f.amount for f in plan.funds.itertuples()] == [7900.0]


# -- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--today", "9999-12-31"], "field 'expires': leaves the calendar"),
        (["--today", "0001-01-01"], "field 'expires': is more than 50 years after today"),
        (["--budget", "1e307"], "to 2027-09-30': field 'amount': Input should be less than"),
        (["--time-limit", "nan"], "argument --time-limit"),
        (["--time-limit", "-1"], "argument --time-limit"),
    ],
)
def test_bad_team_input_on_the_command_line_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], words: str
) -> None:
    """Before: "internal error" for a day near the end of the calendar and for --budget 1e307."""
    from ceplan.cli.main import main

    roster = tmp_path / "team.yaml"
    roster.write_text(
        "schema: 1\nteam: T\npeople:\n"
        "  - {id: ann, name: Ann, tier: associate, expires: 2027-09-30}\n",
        encoding="utf-8",
    )
    code = main(["team", str(roster), *argv])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and words in err and "internal error" not in err, err


def test_a_roster_too_large_to_plan_is_one_line_on_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The issue's roster: 1,200 funds and 20 people, 7.5 GB and a MemoryError before."""
    from ceplan.cli.main import main

    lines = ["schema: 1", "team: Big", "funds:"]
    for n in range(1200):
        day = TODAY + dt.timedelta(days=n + 1)
        lines.append(
            f"  - {{name: F{n}, amount: 100, currency: USD, expires: {day}, "
            "pays_for: [activities, exams]}"
        )
    lines.append("people:")
    tiers = ["professional", "associate", "expert", "specialist"]
    for n in range(20):
        lines.append(f"  - {{id: p{n}, name: P{n}, tier: {tiers[n % 4]}, expires: 2028-09-30}}")
    roster = tmp_path / "big.yaml"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert roster.stat().st_size > 90_000
    code = main(["team", str(roster), "--today", TODAY.isoformat(), "--time-limit", "30"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("ceplan: error: the team's model would need more than 1,500,000")
    assert len(err.splitlines()) == 1
