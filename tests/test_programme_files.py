"""The bundled programme catalogues (``programmes/*.yaml``, SPEC 9), read with plain PyYAML.

These files are catalogue schema 2; the tests check what can be checked from the data alone:

- each tier's rules (paths, caps, yearly targets, fees, ``renews``) against the figures of the
  domain notes, written out here once more (:data:`EXPECTED`), so a typo in a file fails;
- a source for every rule's figure: a comment with a source grade on the figure's line, a
  ``source`` key on every tier, fee and category;
- every activity and exam has a ``source`` that speaks of its cost, and every price (none is
  published in the notes) says "EXAMPLE figure" and sits on an id that starts with ``example-``;
- the parts refer to each other correctly (tiers, categories, exam kinds, activity types, ids);
- every route of every certification has activities enough to be met (:func:`route_problems`).

Each check returns its problems as sentences, so a failing test says what is wrong, and the tests
at the end break the files on purpose to show that every check can fail.
"""

from __future__ import annotations

import copy
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

FOLDER = Path(__file__).resolve().parent.parent / "programmes"
NAMES = ("isc2", "comptia", "pmi", "isaca")

GRADE = re.compile(r"\[[OPS]\]|EXAMPLE figure")
"""A source grade of the domain notes ([O] own page, [P] partner, [S] weak), or an example label."""
ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
NAME = re.compile(r"[a-z][a-z0-9_-]*")
"""Tier ids, category ids and exam kinds."""

TOP_KEYS = set(
    "schema programme currency exchange_rates rates_as_of as_of processing_days credit_step"
    " categories shares_credits tiers exams activities".split()
)
"""The keys of a schema 2 file, tier, path, fee and item (SPEC 9 and schema 1)."""
TIER_KEYS = set("label period_years cycle paths per_year caps fees renews source".split())
PATH_KEYS = {"credits", "exams", "min", "max"}
FEE_KEYS = {"amount", "per", "currency", "source"}
ITEM_KEYS = {"id", "title", "cost", "currency", "hours", "source", "available_from"}
ACTIVITY_KEYS = ITEM_KEYS | {"type", "credits", "expires", "sessions", "categories", "counts_for"}
EXAM_KEYS = ITEM_KEYS | {"kind", "retires"}


# -- What the domain notes say, tier by tier ---------------------------------------------------


def _isc2(total: int, group_a: int, group_b: int | None, yearly: int, amf: int) -> dict[str, Any]:
    path: dict[str, Any] = {"credits": total, "min": {"group-a": group_a}}
    if group_b is not None:
        path["max"] = {"group-b": group_b}
    return {
        "period_years": 3,
        "cycle": "award",
        "paths": [path],
        "per_year": {"credits": yearly, "hard": False},
        "caps": {"per_activity": 40},
        "fees": [{"amount": amf, "per": "member-year"}],
    }


def _comptia(
    tier: str, total: int, event: int, teach: int, fee: int, renews: list[str], certmaster: bool
) -> dict[str, Any]:
    paths: list[dict[str, Any]] = [{"credits": total}, {"exams": {tier: 1}}]
    if certmaster:
        paths.append({"exams": {f"certmaster-ce-{tier}": 1}})
    rule: dict[str, Any] = {
        "period_years": 3,
        "cycle": "award",
        "paths": paths,
        "caps": {
            "by_type": {
                "webinar": event,
                "conference": event,
                "teach-mentor": teach,
                "create-materials": teach,
                "work-experience": 9,
            }
        },
        "fees": [{"amount": fee, "per": "year"}],
    }
    if renews:
        rule["renews"] = renews
    return rule


def _pmi(total: int, each: int, giving_back: int, practitioner: int) -> dict[str, Any]:
    areas = {"ways-of-working": each, "power-skills": each, "business-acumen": each}
    return {
        "period_years": 3,
        "cycle": "award",
        "paths": [{"credits": total, "min": areas, "max": {"giving-back": giving_back}}],
        "caps": {"by_type": {"practitioner": practitioner}},
        "fees": [{"amount": 150, "per": "renewal"}],
    }


ISACA_TIER: dict[str, Any] = {
    "period_years": 3,
    "cycle": "calendar",
    "paths": [{"credits": 120}],
    "per_year": {"credits": 20, "hard": True},
    # the yearly caps (10, 10, 20, 20) times the three years: the file's approximation
    "caps": {
        "by_type": {
            "mentoring": 30,
            "vendor-presentation": 30,
            "contribution": 60,
            "volunteering": 60,
        }
    },
    "fees": [{"amount": 45, "per": "year"}],
}

EXPECTED: dict[str, dict[str, dict[str, Any]]] = {
    "isc2": {
        "cissp": _isc2(120, 90, 30, 40, 135),
        "ccsp": _isc2(90, 60, 30, 30, 135),
        "sscp": _isc2(60, 45, 15, 20, 135),
        "cc": _isc2(45, 45, None, 15, 50),
    },
    "comptia": {
        "a-plus": _comptia("a-plus", 20, 4, 10, 25, [], True),
        "network-plus": _comptia("network-plus", 30, 6, 15, 50, ["a-plus"], True),
        "security-plus": _comptia(
            "security-plus", 50, 10, 20, 50, ["network-plus", "a-plus"], True
        ),
        "cysa-plus": _comptia(
            "cysa-plus", 60, 15, 30, 50, ["security-plus", "network-plus", "a-plus"], False
        ),
        "securityx": _comptia(
            "securityx",
            75,
            20,
            40,
            50,
            ["cysa-plus", "security-plus", "network-plus", "a-plus"],
            False,
        ),
    },
    "pmi": {
        "pmp": _pmi(60, 8, 25, 8),
        "capm": _pmi(15, 2, 6, 2),
        "pmi-acp": _pmi(30, 4, 12, 4),
    },
    "isaca": {tier: ISACA_TIER for tier in ("cisa", "cism", "crisc", "cgeit")},
}
PMI_EDUCATION = {"pmp": 35, "capm": 9, "pmi-acp": 18}
"""PMI's Education minimum per certification (the notes' table): the total less Giving Back's."""


# -- Reading ---------------------------------------------------------------------------------


def read_text(name: str) -> str:
    """The text of ``programmes/<name>.yaml``."""
    return (FOLDER / f"{name}.yaml").read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    """The file as plain data (PyYAML's safe loader, as ceplan reads YAML)."""
    data = yaml.safe_load(read_text(name))
    assert isinstance(data, dict)
    return data


def without_sources(tier: dict[str, Any]) -> dict[str, Any]:
    """A tier's rules: the tier without its label and the sources of it and its fees."""
    rules = {key: value for key, value in tier.items() if key not in ("label", "source")}
    if "fees" in rules:
        rules["fees"] = [
            {key: value for key, value in fee.items() if key != "source"} for fee in rules["fees"]
        ]
    return rules


def counted_for(data: dict[str, Any], tier_id: str) -> list[dict[str, Any]]:
    """The activities that count toward ``tier_id`` (``counts_for`` defaults to every tier)."""
    return [a for a in data.get("activities", []) if tier_id in a.get("counts_for", data["tiers"])]


# -- The checks --------------------------------------------------------------------------------


def header_problems(text: str) -> list[str]:
    """What the comment block at the top of a file leaves out."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("#"):
        return ["the file does not start with a comment block"]
    block = "\n".join(line for line in _leading_comments(lines))
    wanted = {
        "[O]": "the source grades",
        "EXAMPLE figure": "which figures are examples",
        "DISAGREE": "where sources disagree",
        "Chosen": "what was chosen",
    }
    return [
        f"the header does not say {what} ({word!r})"
        for word, what in wanted.items()
        if word not in block
    ]


def _leading_comments(lines: list[str]) -> Iterator[str]:
    for line in lines:
        if not line.startswith("#"):
            return
        yield line


def figure_problems(text: str) -> list[str]:
    """Every number of a tier's rules (except fees, which have a ``source``) and ``credit_step``
    must have a comment with a source grade on its own line."""
    lines = text.splitlines()
    root = yaml.compose(text)
    assert isinstance(root, yaml.MappingNode)
    problems = []
    for key, value in root.value:
        if key.value == "credit_step":
            problems += _uncommented(value, "credit_step", lines)
        if key.value == "tiers":
            for tier_key, tier in value.value:
                for rule_key, rule in tier.value:
                    if rule_key.value not in ("label", "source", "fees", "cycle", "renews"):
                        problems += _uncommented(rule, f"{tier_key.value}.{rule_key.value}", lines)
    return problems


def _uncommented(node: yaml.Node, where: str, lines: list[str]) -> list[str]:
    """The numbers under ``node`` whose line has no comment with a source grade after them."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag.rsplit(":", 1)[-1] not in ("int", "float"):
            return []
        rest = lines[node.end_mark.line][node.end_mark.column :]
        comment = rest[rest.find("#") :] if "#" in rest else ""
        if GRADE.search(comment):
            return []
        return [f"{where}: {node.value} on line {node.end_mark.line + 1} has no source comment"]
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [value for _, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    return [problem for child in children for problem in _uncommented(child, where, lines)]


def source_problems(data: dict[str, Any]) -> list[str]:
    """Sources of tiers, fees, categories and items, and the labelling of example prices."""
    problems = []
    for tier_id, tier in data["tiers"].items():
        if not GRADE.search(str(tier.get("source", ""))):
            problems.append(f"tier {tier_id}: no source with a grade")
        for index, fee in enumerate(tier.get("fees", [])):
            if not GRADE.search(str(fee.get("source", ""))):
                problems.append(f"tier {tier_id} fee {index + 1}: no source with a grade")
    for category_id, category in data.get("categories", {}).items():
        if not GRADE.search(str(category.get("source", ""))):
            problems.append(f"category {category_id}: no source with a grade")
    for item in [*data.get("activities", []), *data.get("exams", [])]:
        source = str(item.get("source") or "")
        if not GRADE.search(source):
            problems.append(f"{item['id']}: no source with a grade or an EXAMPLE label")
        if not re.search(r"\bcost\b", source, re.IGNORECASE):
            problems.append(f"{item['id']}: the source does not say where the cost comes from")
        # The domain notes publish no price for any activity or exam: every price is an example.
        if item["cost"] > 0 and "EXAMPLE figure" not in source:
            problems.append(f"{item['id']}: cost {item['cost']} is not labelled EXAMPLE figure")
        if item["cost"] > 0 and not item["id"].startswith("example-"):
            problems.append(f"{item['id']}: an example price on an id without 'example-'")
    return problems


def reference_problems(data: dict[str, Any]) -> list[str]:
    """Keys, ids, and references between tiers, categories, exams and activities."""
    problems = [f"unknown key {key!r}" for key in sorted(set(data) - TOP_KEYS)]
    if data.get("schema") != 2:
        problems.append(f"schema is {data.get('schema')!r}, not 2")
    tiers, categories = data["tiers"], data.get("categories", {})
    activities, exams = data.get("activities", []), data.get("exams", [])
    step = data.get("credit_step")
    ids = [item["id"] for item in [*activities, *exams]]
    problems += [f"duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"bad id {i!r}" for i in ids if not ID.fullmatch(i)]
    problems += [f"bad name {n!r}" for n in [*tiers, *categories] if not NAME.fullmatch(n)]
    types = {activity["type"] for activity in activities}
    kinds = {exam["kind"] for exam in exams}
    named_kinds: set[str] = set()
    for tier_id, tier in tiers.items():
        problems += [f"tier {tier_id}: unknown key {k!r}" for k in sorted(set(tier) - TIER_KEYS)]
        for index, path in enumerate(tier["paths"]):
            where = f"tier {tier_id} path {index + 1}"
            problems += [f"{where}: unknown key {k!r}" for k in sorted(set(path) - PATH_KEYS)]
            for bound in ("min", "max"):
                problems += [
                    f"{where}: {bound} names unknown category {c!r}"
                    for c in path.get(bound, {})
                    if c not in categories
                ]
            if sum(path.get("min", {}).values()) > path.get("credits", 0):
                problems.append(f"{where}: the minimums add up to more than the credits")
            named_kinds |= set(path.get("exams", {}))
            problems += [
                f"{where}: no exam of kind {k!r}" for k in path.get("exams", {}) if k not in kinds
            ]
        by_type = tier.get("caps", {}).get("by_type", {})
        problems += [
            f"tier {tier_id}: cap on type {t!r}, which no activity has"
            for t in by_type
            if t not in types
        ]
        for fee in tier.get("fees", []):
            problems += [f"tier {tier_id} fee: unknown key {k!r}" for k in set(fee) - FEE_KEYS]
            if fee["per"] not in ("year", "renewal", "member-year") or not fee["amount"] > 0:
                problems.append(f"tier {tier_id} fee: {fee}")
        for renewed in tier.get("renews", []):
            if renewed not in tiers or renewed == tier_id:
                problems.append(f"tier {tier_id} renews {renewed!r}")
    problems += [f"exam kind {k!r} named by no path" for k in sorted(kinds - named_kinds)]
    problems += _renews_cycles(tiers)
    for exam in exams:
        problems += [f"{exam['id']}: unknown key {k!r}" for k in sorted(set(exam) - EXAM_KEYS)]
    for activity in activities:
        where = activity["id"]
        problems += [f"{where}: unknown key {k!r}" for k in sorted(set(activity) - ACTIVITY_KEYS)]
        split = activity.get("categories", {})
        problems += [f"{where}: unknown category {c!r}" for c in split if c not in categories]
        if sum(split.values()) > activity["credits"] or min(split.values(), default=1) <= 0:
            problems.append(f"{where}: the split {split} does not fit {activity['credits']}")
        for tier_id in activity.get("counts_for", tiers):
            if tier_id not in tiers:
                problems.append(f"{where}: counts for unknown tier {tier_id!r}")
                continue
            cap = tiers[tier_id].get("caps", {}).get("per_activity", math.inf)
            if activity["credits"] > cap:
                problems.append(f"{where}: more credits than {tier_id}'s cap per activity")
        if step and not float(activity["credits"] / step).is_integer():
            problems.append(f"{where}: {activity['credits']} credits is not in steps of {step}")
    return problems


def _renews_cycles(tiers: dict[str, Any]) -> list[str]:
    """Tiers that renew themselves through a chain of ``renews``."""
    problems = []
    for start in tiers:
        seen, todo = set(), list(tiers[start].get("renews", []))
        while todo:
            tier_id = todo.pop()
            if tier_id == start:
                problems.append(f"tier {start} renews itself through 'renews'")
                break
            if tier_id in tiers and tier_id not in seen:
                seen.add(tier_id)
                todo += tiers[tier_id].get("renews", [])
    return problems


def route_problems(data: dict[str, Any]) -> list[str]:
    """Every path of every tier that the catalogue cannot be sure to meet.

    Taking every activity that counts for the tier, the credits that surely count are, type by
    type, the type's credits up to its cap, less what lies above each category's ``max``; a
    category's surely counted credits are, type by type, what is left of the type's capped credits
    when the cap drops the other categories' credits first. These are lower bounds (each cap is
    charged in full), so a route they meet can be met. An activity is never above a cap per
    activity (:func:`reference_problems`), so that cap takes nothing. A hard ``per_year`` needs
    the activities dealt into the cycle's years, largest first into the emptiest year, each type up
    to its cap, to give every year its minimum.
    """
    problems = []
    kinds = [exam["kind"] for exam in data.get("exams", [])]
    for tier_id, tier in data["tiers"].items():
        activities = counted_for(data, tier_id)
        by_type = tier.get("caps", {}).get("by_type", {})
        sure = _sure_credits(activities, by_type, list(data.get("categories", {})))
        for index, path in enumerate(tier["paths"]):
            problems += _path_problems(f"tier {tier_id} path {index + 1}", path, sure, kinds)
        per_year = tier.get("per_year")
        if per_year and per_year["hard"]:
            years = _dealt(activities, by_type, tier["period_years"])
            if min(years) < per_year["credits"]:
                problems.append(
                    f"tier {tier_id}: dealt into the cycle's years the activities give {years}, "
                    f"{per_year['credits']} needed in each"
                )
    return problems


SureCredits = tuple[float, dict[str, float], dict[str, float]]
"""The credits that surely count, those of each category that surely count, and each category's
credits before any cap."""


def _sure_credits(
    activities: list[dict[str, Any]], by_type: dict[str, float], categories: list[str]
) -> SureCredits:
    """What all of ``activities`` surely count toward a tier with these caps by type."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for activity in activities:
        groups[activity["type"]].append(activity)
    total = 0.0
    sure: dict[str, float] = defaultdict(float)
    raw: dict[str, float] = defaultdict(float)
    for activity_type, group in groups.items():
        credits = sum(a["credits"] for a in group)
        capped = min(credits, by_type.get(activity_type, math.inf))
        total += capped
        for category in categories:
            own = sum(a.get("categories", {}).get(category, 0) for a in group)
            raw[category] += own
            sure[category] += max(0.0, capped - (credits - own))
    return total, sure, raw


def _path_problems(
    where: str, path: dict[str, Any], sure: SureCredits, kinds: list[str]
) -> list[str]:
    """Why one path may not be met with what :func:`_sure_credits` found, and the exams."""
    total, sure_by_category, raw = sure
    maxes = path.get("max", {})
    problems = []
    counted = total - sum(max(0.0, raw[c] - top) for c, top in maxes.items())
    if counted < path.get("credits", 0):
        problems.append(f"{where}: {counted:g} credits surely count, {path['credits']} needed")
    for category, least in path.get("min", {}).items():
        reach = min(sure_by_category[category], maxes.get(category, math.inf))
        if reach < least:
            problems.append(f"{where}: {reach:g} {category} credits surely count, {least} needed")
    for kind, count in path.get("exams", {}).items():
        if kinds.count(kind) < count:
            problems.append(f"{where}: {count} {kind} exams needed, {kinds.count(kind)} exist")
    return problems


def _dealt(activities: list[dict[str, Any]], by_type: dict[str, float], count: int) -> list[float]:
    """The activities' credits dealt into ``count`` years, largest first into the emptiest."""
    years = [0.0] * count
    used: dict[str, float] = defaultdict(float)
    for activity in sorted(activities, key=lambda a: (-a["credits"], a["id"])):
        room = by_type.get(activity["type"], math.inf) - used[activity["type"]]
        credits = min(activity["credits"], room)
        if credits > 0:
            used[activity["type"]] += credits
            years[years.index(min(years))] += credits
    return years


# -- The bundled files ---------------------------------------------------------------------------


def test_there_is_one_file_per_programme() -> None:
    assert sorted(path.stem for path in FOLDER.glob("*.yaml")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_tiers_carry_the_rules_of_the_domain_notes(name: str) -> None:
    tiers = load(name)["tiers"]
    assert list(tiers) == list(EXPECTED[name])
    for tier_id, tier in tiers.items():
        assert without_sources(tier) == EXPECTED[name][tier_id], tier_id
        assert tier["label"].strip()


@pytest.mark.parametrize("name", NAMES)
def test_the_header_says_sources_examples_and_choices(name: str) -> None:
    assert header_problems(read_text(name)) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_rule_figure_has_a_source(name: str) -> None:
    assert figure_problems(read_text(name)) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_item_has_a_source_and_example_prices_say_so(name: str) -> None:
    assert source_problems(load(name)) == []


@pytest.mark.parametrize("name", NAMES)
def test_the_parts_refer_to_each_other(name: str) -> None:
    assert reference_problems(load(name)) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_route_of_every_certification_can_be_met(name: str) -> None:
    assert route_problems(load(name)) == []


def test_pmi_education_minimum_is_the_total_less_giving_back() -> None:
    """No category holds Education: it is the three Talent Triangle areas, and every PMI activity
    puts all its credits in a category, so at most the Giving Back maximum of the counted total is
    not Education (pmi.yaml's header)."""
    data = load("pmi")
    for tier_id, education in PMI_EDUCATION.items():
        (path,) = data["tiers"][tier_id]["paths"]
        assert path["credits"] - path["max"]["giving-back"] == education, tier_id
    for activity in data["activities"]:
        assert sum(activity["categories"].values()) == activity["credits"], activity["id"]


def test_every_isc2_and_pmi_activity_names_its_category() -> None:
    """An ISC2 activity with no group would count toward the total only, escaping Group B's cap."""
    for name in ("isc2", "pmi"):
        for activity in load(name)["activities"]:
            assert activity.get("categories"), activity["id"]


# -- The checks can fail -------------------------------------------------------------------------


def test_header_check_catches_a_missing_block() -> None:
    text = read_text("isc2")
    assert header_problems("schema: 2\n") == ["the file does not start with a comment block"]
    assert header_problems(text.replace("DISAGREE", "differ")) == [
        "the header does not say where sources disagree ('DISAGREE')"
    ]


def test_figure_check_catches_a_path_number_without_a_comment() -> None:
    text = read_text("isc2")
    line = "        min: {group-a: 90}              # [O] member-policies\n"
    assert line in text
    problems = figure_problems(text.replace(line, "        min: {group-a: 90}\n"))
    assert len(problems) == 1 and problems[0].startswith("cissp.paths: 90 on line")
    commented = "        webinar: 10                     # [O] training page\n"
    assert commented in read_text("comptia")
    unsourced = read_text("comptia").replace(commented, "        webinar: 10  # see above\n")
    found = [problem.split(" on line")[0] for problem in figure_problems(unsourced)]
    assert found == ["security-plus.caps: 10"]


def test_source_check_catches_an_unlabelled_price_and_a_missing_fee_source() -> None:
    data = load("pmi")
    data["activities"][0]["cost"] = 20
    del data["tiers"]["capm"]["fees"][0]["source"]
    assert source_problems(data) == [
        "tier capm fee 1: no source with a grade",
        "work-as-practitioner: cost 20 is not labelled EXAMPLE figure",
        "work-as-practitioner: an example price on an id without 'example-'",
    ]


def test_reference_check_catches_broken_references() -> None:
    data = load("comptia")
    data["tiers"]["a-plus"]["renews"] = ["securityx"]  # securityx renews a-plus: a cycle
    data["activities"][0]["counts_for"] = ["security"]
    data["tiers"]["cysa-plus"]["caps"]["by_type"]["webinars"] = 1
    problems = reference_problems(data)
    assert "work-experience-year-1: counts for unknown tier 'security'" in problems
    assert "tier cysa-plus: cap on type 'webinars', which no activity has" in problems
    assert "tier a-plus renews itself through 'renews'" in problems
    isc2 = load("isc2")
    isc2["activities"][0]["credits"] = 1.1
    isc2["activities"][1]["categories"] = {"group-a": 2}
    assert reference_problems(isc2) == [
        "isc2-webinar-1: 1.1 credits is not in steps of 0.25",
        "isc2-webinar-2: the split {'group-a': 2} does not fit 1",
    ]


def test_route_check_catches_routes_that_cannot_be_met() -> None:
    isc2 = load("isc2")
    group_b = [a for a in isc2["activities"] if "group-b" in a["categories"]]
    isc2["activities"] = [a for a in isc2["activities"] if "group-a" not in a["categories"]]
    problems = route_problems(isc2)
    assert "tier cc path 1: 0 group-a credits surely count, 45 needed" in problems
    assert len(problems) == 8  # the total and Group A of each of the four tiers
    assert group_b  # what is left is Group B only
    comptia = load("comptia")
    comptia["exams"] = [e for e in comptia["exams"] if e["kind"] != "securityx"]
    assert "tier securityx path 2: 1 securityx exams needed, 0 exist" in route_problems(comptia)


def test_route_check_counts_caps_and_maxes() -> None:
    """Security+'s webinar cap (10) and ISC2's Group B maximum (30) cut what surely counts."""
    comptia = load("comptia")
    comptia["activities"] = [
        {"id": f"w{n}", "type": "webinar", "credits": 1, "cost": 0} for n in range(60)
    ]
    comptia["tiers"] = {"security-plus": comptia["tiers"]["security-plus"]}
    comptia["tiers"]["security-plus"]["paths"] = [{"credits": 50}]
    assert route_problems(comptia) == [
        "tier security-plus path 1: 10 credits surely count, 50 needed"
    ]
    isc2 = load("isc2")
    isc2["activities"] = [
        {"id": "b", "type": "t", "credits": 40, "categories": {"group-b": 40}, "cost": 0},
        {"id": "a", "type": "t", "credits": 40, "categories": {"group-a": 40}, "cost": 0},
    ]
    isc2["tiers"] = {"sscp": isc2["tiers"]["sscp"]}
    assert route_problems(isc2) == [
        "tier sscp path 1: 55 credits surely count, 60 needed",
        "tier sscp path 1: 40 group-a credits surely count, 45 needed",
    ]


def test_route_check_deals_credits_into_years() -> None:
    """ISACA's 20 a year, hard: one 120-credit activity meets the total but not the years."""
    isaca = load("isaca")
    isaca["activities"] = [{"id": "big", "type": "course", "credits": 120, "cost": 0}]
    isaca["tiers"] = {"cisa": copy.deepcopy(isaca["tiers"]["cisa"])}
    assert route_problems(isaca) == [
        "tier cisa: dealt into the cycle's years the activities give [120.0, 0.0, 0.0], "
        "20 needed in each"
    ]
