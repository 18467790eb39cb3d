"""Each bundled programme's rules, as ceplan loads them, against the domain notes.

The tables below (:data:`NOTES`) are written from the project's domain notes on the programmes
(ISC2, CompTIA, PMI and ISACA: the figure, and the note's row it comes from, on each line), not
read back from the files: the catalogue that :func:`ceplan.load_catalog` gives for each name must
hold exactly these rules, so an edit of a file that changes a rule fails here. Where the notes
give no figure or disagree, the tables hold what each file's header says it chose, and say so.
``tests/test_programme_files.py`` reads the same files as plain YAML; this file reads them
through ceplan's own loader and validation, which is what the planner sees.

The last tests plan every path of every certification with the files' example activities: each
route of each bundled certification is plannable.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import ceplan

FOLDER = Path(__file__).resolve().parent.parent / "programmes"
TODAY = dt.date(2026, 12, 7)


@dataclass(frozen=True)
class Route:
    """One path: credits, at least ``min`` and at most ``max`` by category, exams by kind."""

    credits: float = 0
    min: dict[str, float] = field(default_factory=dict)
    max: dict[str, float] = field(default_factory=dict)
    exams: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    """One certification's rules (a tier of the catalogue)."""

    paths: tuple[Route, ...]
    fees: tuple[tuple[float, str], ...]
    """(amount, per) of each fee."""
    period_years: int = 3
    cycle: str = "award"
    per_year: tuple[float, bool] | None = None
    """(credits, hard)."""
    per_activity: float | None = None
    by_type: dict[str, float] = field(default_factory=dict)
    renews: tuple[str, ...] = ()


@dataclass(frozen=True)
class Programme:
    """A programme's rules: its catalogue's top keys and its tiers, in the file's order."""

    currency: str
    shares_credits: bool
    credit_step: float | None
    categories: tuple[str, ...]
    processing_days: int
    tiers: dict[str, Rules]


# -- ISC2 (domain notes section 1) ---------------------------------------------------------------
# CISSP 120 / 3 y, >= 90 Group A, Group B <= 30; CSSLP, CCSP 90, >= 60 A, 30 A or B; SSCP 60,
# >= 45 A, 15 A or B; CC 45, all Group A [O] member-policies. "Suggested Annual" 40 / 30 / 20 / 15,
# a target, not a rule (DISAGREE; the notes say: plan it as a soft target). At most 40 CPE per
# single activity [O] ISC2 staff, in 0.25 steps [P]. One AMF per member, US$135 (later [O] version;
# DISAGREE with US$125 of 2019); CC US$50 [P] (the file's choice, in its header). One activity may
# count for several ISC2 certifications [O]. Grace period DISAGREE: the file plans to the expiry.


def _isc2(total: float, group_a: float, group_b: float | None, yearly: float, amf: float) -> Rules:
    return Rules(
        paths=(
            Route(total, {"group-a": group_a}, {} if group_b is None else {"group-b": group_b}),
        ),
        fees=((amf, "member-year"),),
        per_year=(yearly, False),
        per_activity=40,
    )


ISC2 = Programme(
    currency="USD",
    shares_credits=True,
    credit_step=0.25,
    categories=("group-a", "group-b"),
    processing_days=0,
    tiers={
        "cissp": _isc2(120, 90, 30, 40, 135),
        "ccsp": _isc2(90, 60, 30, 30, 135),
        "sscp": _isc2(60, 45, 15, 20, 135),
        "cc": _isc2(45, 45, None, 15, 50),
    },
)

# -- CompTIA (domain notes section 2) ------------------------------------------------------------
# 3 years from the exam [P]. CEUs: A+ 20, Network+ 30, Security+ 50, CySA+ 60, SecurityX 75 [O].
# Live webinar and conference caps, each: A+ 4, Network+ 6, Security+ 10, CySA+ 15, SecurityX 20
# [O]; teach or mentor and create instructional materials, each: A+ 10, Network+ 15, Security+ 20,
# CySA+ 30, CASP+ 40 [O]; work experience 3 a year, at most 9 [O]; training courses capped by the
# whole requirement (no cap). Routes: the CEUs, the latest exam [P], CertMaster CE for A+,
# Network+ and Security+ only [O]. Higher renews lower [O]: SecurityX -> CySA+, Security+,
# Network+, A+; CySA+ -> Security+, Network+, A+; Security+ -> Network+, A+; Network+ -> A+. CE
# fees yearly; no official amount (A+ 25, others 50 are the file's EXAMPLE figures from [S]).
# Sharing credits: no source says so; the file chose not to share.
CERTMASTER = ("a-plus", "network-plus", "security-plus")


def _comptia(
    tier: str, total: float, event: float, teach: float, fee: float, renews: tuple[str, ...]
) -> Rules:
    routes = [Route(total), Route(exams={tier: 1})]
    if tier in CERTMASTER:
        routes.append(Route(exams={f"certmaster-ce-{tier}": 1}))
    return Rules(
        paths=tuple(routes),
        fees=((fee, "year"),),
        by_type={
            "webinar": event,
            "conference": event,
            "teach-mentor": teach,
            "create-materials": teach,
            "work-experience": 9,
        },
        renews=renews,
    )


COMPTIA = Programme(
    currency="USD",
    shares_credits=False,
    credit_step=None,
    categories=(),
    processing_days=0,
    tiers={
        "a-plus": _comptia("a-plus", 20, 4, 10, 25, ()),
        "network-plus": _comptia("network-plus", 30, 6, 15, 50, ("a-plus",)),
        "security-plus": _comptia("security-plus", 50, 10, 20, 50, ("network-plus", "a-plus")),
        "cysa-plus": _comptia(
            "cysa-plus", 60, 15, 30, 50, ("security-plus", "network-plus", "a-plus")
        ),
        "securityx": _comptia(
            "securityx", 75, 20, 40, 50, ("cysa-plus", "security-plus", "network-plus", "a-plus")
        ),
    },
)

# -- PMI (domain notes section 3) ----------------------------------------------------------------
# PMP 60 / 3 y, Education >= 35 with >= 8 in each of Ways of Working, Power Skills, Business Acumen,
# Giving Back <= 25 of which working as a practitioner <= 8; PMI-ACP 30, 4 each, 12, 4; CAPM 15,
# 2 each, 6, 2 [P]. Education is the total less Giving Back (the file's header). Cycle from the
# exam [P]. Renewal fee US$60 member / US$150 non-member, once per renewal [P]: the file takes the
# non-member figure. The same PDUs count for each relevant PMI certification [P]. No step is given.


def _pmi(total: float, each: float, giving_back: float, practitioner: float) -> Rules:
    areas = {"ways-of-working": each, "power-skills": each, "business-acumen": each}
    return Rules(
        paths=(Route(total, areas, {"giving-back": giving_back}),),
        fees=((150, "renewal"),),
        by_type={"practitioner": practitioner},
    )


PMI = Programme(
    currency="USD",
    shares_credits=True,
    credit_step=None,
    categories=("ways-of-working", "power-skills", "business-acumen", "giving-back"),
    processing_days=0,
    tiers={
        "pmp": _pmi(60, 8, 25, 8),
        "capm": _pmi(15, 2, 6, 2),
        "pmi-acp": _pmi(30, 4, 12, 4),
    },
)

# -- ISACA (domain notes section 4) --------------------------------------------------------------
# At least 20 CPE every year (hard) and 120 per 3-year period [O]; calendar-year periods, the
# first cycle from the year after certification [P]; quarter-hour increments [O]; the same hours
# may count for several ISACA certifications [O]. Yearly caps: mentoring 10 [O], vendor
# presentations 10 [S], contributions 20 [P], volunteering 20 [O]; schema 2 has no yearly cap, and
# the file takes three years' worth as a cycle cap (its header). Fee US$45 member / US$85
# non-member per year per certification [O]: the file takes the member figure.
ISACA_RULES = Rules(
    paths=(Route(120),),
    fees=((45, "year"),),
    cycle="calendar",
    per_year=(20, True),
    by_type={"mentoring": 30, "vendor-presentation": 30, "contribution": 60, "volunteering": 60},
)
ISACA = Programme(
    currency="USD",
    shares_credits=True,
    credit_step=0.25,
    categories=(),
    processing_days=0,
    tiers={tier: ISACA_RULES for tier in ("cisa", "cism", "crisc", "cgeit")},
)

NOTES: dict[str, Programme] = {"isc2": ISC2, "comptia": COMPTIA, "pmi": PMI, "isaca": ISACA}
"""The programmes' rules as the domain notes give them, by ``--catalog`` name."""


# -- from a loaded catalogue to the same shape --------------------------------------------------


def programme_of(catalog: ceplan.Catalog) -> Programme:
    """The rules a loaded catalogue holds, in :class:`Programme`'s shape."""
    return Programme(
        currency=catalog.currency,
        shares_credits=catalog.shares_credits,
        credit_step=catalog.credit_step,
        categories=tuple(catalog.categories),
        processing_days=catalog.processing_days,
        tiers={name: rules_of(tier) for name, tier in catalog.tiers.items()},
    )


def rules_of(tier: ceplan.Tier) -> Rules:
    """One loaded tier's rules."""
    return Rules(
        paths=tuple(
            Route(path.credits, dict(path.min), dict(path.max), dict(path.exams))
            for path in tier.paths
        ),
        fees=tuple((fee.amount, fee.per) for fee in tier.fees),
        period_years=tier.period_years,
        cycle=tier.cycle,
        per_year=None if tier.per_year is None else (tier.per_year.credits, tier.per_year.hard),
        per_activity=tier.caps.per_activity,
        by_type=dict(tier.caps.by_type),
        renews=tuple(tier.renews),
    )


def differences(expected: Programme, found: Programme) -> list[str]:
    """Each rule where ``found`` differs from ``expected``, as ``where: expected != found``."""
    out = [
        f"{key}: {getattr(expected, key)!r} != {getattr(found, key)!r}"
        for key in ("currency", "shares_credits", "credit_step", "categories", "processing_days")
        if getattr(expected, key) != getattr(found, key)
    ]
    if list(expected.tiers) != list(found.tiers):
        out.append(f"tiers: {list(expected.tiers)} != {list(found.tiers)}")
    for name in expected.tiers.keys() & found.tiers.keys():
        want, got = expected.tiers[name], found.tiers[name]
        for key in Rules.__dataclass_fields__:
            if key == "paths" and len(want.paths) == len(got.paths):
                for index, (route, loaded) in enumerate(zip(want.paths, got.paths, strict=True)):
                    out += [
                        f"{name}.paths[{index}].{part}: {getattr(route, part)!r} != "
                        f"{getattr(loaded, part)!r}"
                        for part in Route.__dataclass_fields__
                        if getattr(route, part) != getattr(loaded, part)
                    ]
            elif getattr(want, key) != getattr(got, key):
                out.append(f"{name}.{key}: {getattr(want, key)!r} != {getattr(got, key)!r}")
    return sorted(out)


# -- the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NOTES)
def test_the_loaded_catalogue_holds_the_rules_of_the_domain_notes(name: str) -> None:
    catalog = ceplan.load_catalog(name)
    assert differences(NOTES[name], programme_of(catalog)) == []


def test_the_tiers_are_the_certifications_the_issue_names() -> None:
    """Tier ids: the certifications in lower case with ``-``, each programme's in the files."""
    assert {name: list(programme.tiers) for name, programme in NOTES.items()} == {
        "isc2": ["cissp", "ccsp", "sscp", "cc"],
        "comptia": ["a-plus", "network-plus", "security-plus", "cysa-plus", "securityx"],
        "pmi": ["pmp", "capm", "pmi-acp"],
        "isaca": ["cisa", "cism", "crisc", "cgeit"],
    }


def test_pmi_education_minimum_is_what_the_notes_give() -> None:
    """Education (PMP 35, PMI-ACP 18, CAPM 9, the notes' table) is the total less Giving Back's
    maximum, and the three areas' minimums leave the rest free (PMP: 35 - 3 x 8 = 11)."""
    for tier, (education, free) in {"pmp": (35, 11), "pmi-acp": (18, 6), "capm": (9, 3)}.items():
        (route,) = PMI.tiers[tier].paths
        assert route.credits - route.max["giving-back"] == education
        assert education - sum(route.min.values()) == free


@pytest.mark.parametrize(
    ("name", "old", "new", "found"),
    [
        (
            "isc2",
            "        min: {group-a: 90}",
            "        min: {group-a: 80}",
            "cissp.paths[0].min: {'group-a': 90} != {'group-a': 80.0}",
        ),
        (
            "comptia",
            "        webinar: 10  ",
            "        webinar: 12  ",
            "security-plus.by_type: {'webinar': 10,",
        ),
        (
            "pmi",
            "    max: {giving-back: 6}",
            "    max: {giving-back: 8}",
            "capm.paths[0].max: {'giving-back': 6} != {'giving-back': 8.0}",
        ),
        (
            "isaca",
            "per_year: {credits: 20, hard: true}",
            "per_year: {credits: 20, hard: false}",
            "cisa.per_year: (20, True) != (20.0, False)",
        ),
        ("isaca", "cycle: calendar", "cycle: award", "cgeit.cycle: 'calendar' != 'award'"),
    ],
)
def test_a_changed_rule_fails_the_comparison(
    tmp_path: Path, name: str, old: str, new: str, found: str
) -> None:
    """A copy of a file with one rule changed loads, and :func:`differences` names the rule."""
    text = (FOLDER / f"{name}.yaml").read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / f"{name}.yaml"
    copy.write_text(text.replace(old, new), encoding="utf-8")
    problems = differences(NOTES[name], programme_of(ceplan.load_catalog(copy, cache=False)))
    assert problems
    assert any(problem.startswith(found) for problem in problems), problems


def test_the_comparison_sees_top_keys_and_tiers(tmp_path: Path) -> None:
    copy = tmp_path / "isc2.yaml"
    shutil.copy(FOLDER / "isc2.yaml", copy)
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("shares_credits: true", "shares_credits: false"), encoding="utf-8")
    found = programme_of(ceplan.load_catalog(copy, cache=False))
    assert differences(ISC2, found) == ["shares_credits: True != False"]
    fewer = Programme(**{**ISC2.__dict__, "tiers": {"cissp": ISC2.tiers["cissp"]}})
    assert differences(fewer, programme_of(ceplan.load_catalog("isc2"))) == [
        "tiers: ['cissp'] != ['cissp', 'ccsp', 'sscp', 'cc']"
    ]


# -- every route is plannable --------------------------------------------------------------------


def expiry(name: str) -> dt.date:
    """An expiry 18 to 25 months ahead: a cycle's end (the year's end for ISACA's calendar)."""
    return dt.date(2028, 12, 31) if name == "isaca" else dt.date(2028, 6, 30)


@pytest.mark.parametrize("name", NOTES)
def test_every_path_of_every_certification_yields_a_plan(name: str) -> None:
    """:func:`ceplan.compare_paths` plans each path of each tier on its own, from the file's
    example activities (and exams, for CompTIA's single-activity routes): every one is found,
    with nothing earned, and renews its tier by that very path."""
    catalog = ceplan.load_catalog(name)
    for tier, rules in NOTES[name].tiers.items():
        comparison = ceplan.compare_paths(catalog, tier, today=TODAY, expires=expiry(name))
        assert len(comparison.plans) == len(rules.paths), tier
        for index, plan in enumerate(comparison.plans):
            assert plan.found, (tier, index, plan.reasons)
            (held,) = plan.held
            assert (held.tier, held.path_index, held.renewed_through) == (tier, index, None)
            assert plan.total_fees > 0, (tier, index)


ISACA_YEARLY_CAPS = {
    "mentoring": 10,
    "vendor-presentation": 10,
    "contribution": 20,
    "volunteering": 20,
}
"""ISACA's caps per calendar year (domain notes section 4), which schema 2 cannot say."""


@pytest.mark.parametrize("expires", [dt.date(2028, 12, 31), dt.date(2029, 12, 31)])
def test_isaca_plans_from_the_file_keep_each_yearly_cap(expires: dt.date) -> None:
    """isaca.yaml takes three years' worth of each yearly cap as a cycle cap; its examples of a
    capped kind must still never put more than a year's cap into one calendar year of a plan."""
    plan = ceplan.optimise(ceplan.load_catalog("isaca"), "cisa", today=TODAY, expires=expires)
    assert plan.found
    by_year: dict[tuple[int, str], float] = {}
    for item in plan.planned:
        key = (item.complete_by.year, item.type)
        by_year[key] = by_year.get(key, 0) + item.credits
    over = {key: credits for key, credits in by_year.items() if key[1] in ISACA_YEARLY_CAPS}
    assert {key: c for key, c in over.items() if c > ISACA_YEARLY_CAPS[key[1]]} == {}


def test_the_readme_has_a_section_and_a_command_per_programme() -> None:
    """ "The bundled programmes, one by one": a heading per programme of the notes, each with a
    ``ceplan optimise --catalog NAME`` block (``tests/test_readme.py`` runs the blocks)."""
    text = (FOLDER.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## The bundled programmes, one by one\n", 1)[1].split("\n## ", 1)[0]
    parts = section.split("\n### ")[1:]
    assert [part.split("`--catalog ", 1)[1].split("`", 1)[0] for part in parts] == list(NOTES)
    for name, part in zip(NOTES, parts, strict=True):
        assert f"\n$ ceplan optimise --catalog {name} " in part, name
        assert f"`programmes/{name}.yaml`" in part and "**Example figures**" in part, name
