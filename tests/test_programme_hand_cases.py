"""Hand-worked plans on the bundled CompTIA, PMI and ISACA catalogues (SPEC 3 and 9).

Each case is worked out by hand in its docstring from the figures of the programme's file
(``programmes/<name>.yaml``): the activities that count, why the cheapest set is what it is, its
exact cost with the fees, and then, among plans of that cost, the fewest hours, the fewest items
and the smallest ids (SPEC 3's order; an item whose hours are not given counts 0 hours). The
planner's plan must be that one: its cost, its items, and what each item counts toward. ISC2's case
(CISSP with 95 Group A earned) is in ``tests/test_schema2_planning.py``.

Every case plans from 2026-12-07 (:data:`TODAY`).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

import ceplan
from ceplan.results.plan import Claim, Plan
from tests.schema2_reference import Held, Person, solve

FOLDER = Path(__file__).resolve().parent.parent / "programmes"
TODAY = dt.date(2026, 12, 7)
EXPIRES = dt.date(2028, 6, 30)
NONE = "(none)"
"""The category a plan names for credits that are in no category."""


def ids(plan: Plan) -> list[str]:
    """The ids of the plan's items, in the plan's order (by id)."""
    return [item.id for item in plan.planned]


def counted(plan: Plan) -> dict[str, tuple[Claim, ...]]:
    """What each item of the plan counts toward: tier, credits, and credits by category."""
    return {item.id: item.counts_toward for item in plan.planned}


def fees(plan: Plan) -> list[tuple[str, str, float, int]]:
    """Each fee of the plan: tier, per, amount in all, times."""
    return [(fee.tier, fee.per, fee.amount, fee.times) for fee in plan.fees]


# -- CompTIA -------------------------------------------------------------------------------------


def test_security_plus_by_credits_the_teach_or_mentor_cap_makes_it_cost_a_course() -> None:
    """Security+ by its 50 CEUs, no exam (so no CertMaster CE course either), nothing earned.

    Activities that count for Security+ (comptia.yaml; no ``counts_for``, or one naming it), with
    Security+'s caps by type (webinar 10, conference 10, teach-mentor 20, create-materials 20,
    work-experience 9):

    - free: work-experience-year-1..3 (3 each, no hours); mentor-colleague (teach-mentor 10, 10 h);
      teach-class (teach-mentor 20, 20 h); create-training-material (create-materials 10, 10 h);
      example-live-webinar-1..3 (1 each, 1 h each);
    - paid: example-security-course (30, 400.00, 30 h); example-conference (12, 800.00, 12 h,
      at most 10 count); example-college-security-course (45, 1,500.00, 45 h).
    - not for Security+: the A+, Network+ and security analyst courses (``counts_for``).

    The free activities hold 9 + 30 + 10 + 3 = 52 CEUs, but teaching and mentoring count at most
    20: 9 + 20 + 10 + 3 = 42 count, 8 short of 50. The cap binds: without it the plan would cost
    the fees alone. So at least one paid item: the course (400.00) is the cheapest, and any plan
    costs at least that. The course gives 30; the free items must give 20, at the fewest hours:
    the work experience gives 9 in no hours, and the 11 left take an hour per CEU, 11 hours at
    best, met exactly by a 10-hour item and a webinar (10 + 1). Fewest items: two. Smallest ids:
    create-training-material (before mentor-colleague), example-live-webinar-1.

    Cost: 400.00 + the CE fee, 50.00 a year x 3 = 150.00: 550.00 USD; 41 hours; 50 CEUs, each
    item counting in full (no category).
    """
    catalog = ceplan.load_catalog("comptia")
    plan = ceplan.optimise(
        catalog, "security-plus", today=TODAY, expires=EXPIRES, allow_exams=False
    )
    assert plan.status == "optimal"
    assert (plan.total_cost, plan.total_hours) == (550.0, 41.0)
    assert fees(plan) == [("security-plus", "year", 150.0, 3)]
    assert ids(plan) == [
        "create-training-material",
        "example-live-webinar-1",
        "example-security-course",
        "work-experience-year-1",
        "work-experience-year-2",
        "work-experience-year-3",
    ]
    for item in plan.planned:
        assert item.counts_toward == (
            Claim("security-plus", item.credits, ((NONE, item.credits),)),
        ), item.id
    assert plan.total_credits == 50
    assert [(h.tier, h.path_index) for h in plan.held] == [("security-plus", 0)]


def test_security_plus_without_the_course_the_conference_cap_cuts_its_credits() -> None:
    """As above, with example-security-course excluded (say, taken last cycle).

    Free CEUs that count are still 42, 8 short. Paid: example-conference (800.00; 12 CEUs, of
    which Security+'s conference cap lets 10 count) or the college course (1,500.00): the
    conference. With it, 50 - 10 = 40 from the free items: work experience 9 in no hours, then 31
    at an hour per CEU. Teaching and mentoring count at most 20, so the 31 hours are at best
    teach-class (20) + create-training-material (10) + a webinar (1): 31 exactly (mentor-colleague
    would add hours that the cap does not count). Smallest id: example-live-webinar-1.

    Cost: 800.00 + 150.00 fees = 950.00 USD; 12 + 31 = 43 hours. The conference counts 10 of its
    12 CEUs (the total is exactly 50, so it must count all 10 it may).
    """
    catalog = ceplan.load_catalog("comptia")
    plan = ceplan.optimise(
        catalog,
        "security-plus",
        today=TODAY,
        expires=EXPIRES,
        allow_exams=False,
        exclude=["example-security-course"],
    )
    assert (plan.total_cost, plan.total_hours) == (950.0, 43.0)
    assert fees(plan) == [("security-plus", "year", 150.0, 3)]
    assert ids(plan) == [
        "create-training-material",
        "example-conference",
        "example-live-webinar-1",
        "teach-class",
        "work-experience-year-1",
        "work-experience-year-2",
        "work-experience-year-3",
    ]
    claims = counted(plan)
    assert claims["example-conference"] == (Claim("security-plus", 10.0, ((NONE, 10.0),)),)
    assert sum(claim.credits for item in claims.values() for claim in item) == 50


def test_security_plus_renews_network_plus_and_a_plus_for_its_fee_alone() -> None:
    """Security+ (expires 2028-06-30), Network+ (2027-09-30) and A+ (2027-03-31) held, no exam.

    Security+ renews Network+ and A+ (its ``renews``), their dates then aligned to Security+'s
    new expiry, and CompTIA waives the lower certifications' CE fees. Credits are not shared
    (``shares_credits: false``), so renewing each by its own CEUs would need 50 + 30 + 20 CEUs
    and three fees (150.00 + 150.00 + 75.00). Renewing Security+ costs what the first case found,
    550.00 (the 400.00 course and 150.00 fees); no item of the file has dates, so doing it all by
    A+'s expiry, 2027-03-31, costs nothing more. Renewing Network+ or A+ on its own would add its
    fee and CEUs of its own, so it never pays. The plan: the same six items, each done by
    2027-03-31, the earliest expiry, since A+ must be renewed before it expires; all three then
    expire on 2031-06-30, three years after Security+'s expiry.
    """
    catalog = ceplan.load_catalog("comptia")
    expires = {
        "security-plus": EXPIRES,
        "network-plus": dt.date(2027, 9, 30),
        "a-plus": dt.date(2027, 3, 31),
    }
    tiers = ["security-plus", "network-plus", "a-plus"]
    plan = ceplan.optimise(catalog, tiers, today=TODAY, expires=expires, allow_exams=False)
    assert (plan.total_cost, plan.total_hours) == (550.0, 41.0)
    assert fees(plan) == [("security-plus", "year", 150.0, 3)]
    assert ids(plan) == [
        "create-training-material",
        "example-live-webinar-1",
        "example-security-course",
        "work-experience-year-1",
        "work-experience-year-2",
        "work-experience-year-3",
    ]
    assert {item.complete_by for item in plan.planned} == {dt.date(2027, 3, 31)}
    held = {h.tier: h for h in plan.held}
    assert (held["security-plus"].path_index, held["security-plus"].renewed_through) == (0, None)
    # Security+ lists both; the plan may name Network+ (itself renewed by Security+) for A+
    assert held["network-plus"].renewed_through == "security-plus"
    assert held["a-plus"].renewed_through in ("security-plus", "network-plus")
    assert {h.new_expires for h in plan.held} == {dt.date(2031, 6, 30)}


# -- PMI -----------------------------------------------------------------------------------------


def test_pmp_the_area_minimums_and_the_giving_back_maximum_decide_the_plan() -> None:
    """PMP (60 PDUs: at least 8 in each of Ways of Working, Power Skills and Business Acumen;
    Giving Back at most 25, practitioner at most 8), with 28 PDUs earned: 20 Giving Back and 8
    Ways of Working.

    Activities (pmi.yaml; all count for PMP): Giving Back, free: work-as-practitioner (8, no
    hours), volunteer-chapter (10, 10 h), teach-project-management (5, 5 h). Education, free: one
    1-hour webinar per area (1 each). Paid, 1 PDU an hour: example-scheduling-course (WoW 8,
    150.00), example-agile-course (WoW 16, 300.00), example-leadership-course (PS 8, 150.00),
    example-negotiation-workshop (PS 16, 450.00), example-business-acumen-course (BA 8, 150.00),
    example-strategy-course (BA 16, 350.00), example-project-conference (WoW 10, PS 5, BA 5,
    700.00).

    32 more PDUs must count. Giving Back has 25 - 20 = 5 left: of the 23 free Giving Back PDUs
    only 5 count (the maximum binds: without it, 23 + 3 webinars + 16 would need only Power
    Skills and Business Acumen courses, 300.00). Power Skills and Business Acumen need 8 each, the
    webinar gives 1: each needs a paid item, at least the 150.00 course (8). That is 5 + 3 + 16 =
    24, 8 short: the cheapest 8 more is the scheduling course (150.00; agile 300.00, strategy
    350.00). So 450.00 of courses, and every free PDU that may count is needed (24 + 5 + 3 = 32,
    exactly): the three webinars and 5 Giving Back PDUs, from the practitioner claim (no hours;
    teaching would take 5 hours, volunteering 10).

    Cost: 450.00 + the renewal fee, 150.00 (non-member, once): 600.00 USD; 24 + 3 = 27 hours.
    Counted: Ways of Working 8 + 8 + 1 = 17, Power Skills 9, Business Acumen 9, Giving Back 25.
    """
    catalog = ceplan.load_catalog("pmi")
    plan = ceplan.optimise(
        catalog,
        "pmp",
        today=TODAY,
        expires=EXPIRES,
        earned=28,
        earned_by_category={"giving-back": 20, "ways-of-working": 8},
    )
    assert (plan.total_cost, plan.total_hours) == (600.0, 27.0)
    assert fees(plan) == [("pmp", "renewal", 150.0, 1)]
    assert counted(plan) == {
        "example-business-acumen-course": (Claim("pmp", 8, (("business-acumen", 8),)),),
        "example-business-acumen-webinar": (Claim("pmp", 1, (("business-acumen", 1),)),),
        "example-leadership-course": (Claim("pmp", 8, (("power-skills", 8),)),),
        "example-power-skills-webinar": (Claim("pmp", 1, (("power-skills", 1),)),),
        "example-scheduling-course": (Claim("pmp", 8, (("ways-of-working", 8),)),),
        "example-ways-of-working-webinar": (Claim("pmp", 1, (("ways-of-working", 1),)),),
        "work-as-practitioner": (Claim("pmp", 5, (("giving-back", 5),)),),
    }
    assert list(counted(plan)) == ids(plan)


# -- ISACA ---------------------------------------------------------------------------------------

ISACA_EXPIRES = dt.date(2028, 12, 31)
"""CISA certified in 2025: the first cycle is the calendar years 2026, 2027 and 2028."""


CISA_LEFT_OUT = [
    "mentor-2027",
    "mentor-2028",
    "volunteer-chapter-board",
    "write-professional-article",
]
"""What the first CISA holder does not do: mentoring, board work, writing."""


def years(plan: Plan) -> dict[int, list[str]]:
    """The plan's items by the calendar year they are done in."""
    out: dict[int, list[str]] = {}
    for item in plan.planned:
        out.setdefault(item.complete_by.year, []).append(item.id)
    return out


def test_cisa_twenty_a_year_hard_costs_two_courses() -> None:
    """CISA, calendar cycle 2026-2028, 110 CPE earned in 2026 (cycle year 1), today 2026-12-07.
    The holder neither mentors, sits on a board nor writes (those four items excluded).

    The 120 need 10 more; the hard 20 a year needs 20 in 2027 and 20 in 2028, so 40 more, 20 in
    each year. Left in isaca.yaml: free vendor-product-presentation (2, 2 h),
    isaca-journal-quiz-1..3 (1 each, no hours), example-webinar-1..2 (1 each, 1 h): 7 in all.
    Paid: example-security-course-8h (200.00), example-isaca-course-16h (400.00),
    example-isaca-course-24h (1,100.00), example-conference (21, 1,300.00),
    example-university-course (45, 1,500.00, no hours).

    The free 7 cannot give a year its 20, so each year needs paid items: 20 in one year costs at
    least 400.00 (the 16-hour course and 4 free), and the other year then needs 20 from the 8-hour
    course and 3 free at most (11, short) or a 20-or-more item: the 24-hour course (1,100.00) is the
    cheapest. 1,500.00 in all (the 8 + 16 courses, 600.00, leave the other year at 1,100.00 or
    more). The 4 free: three quizzes (no hours) and a webinar (1 h), example-webinar-1.
    Without the yearly rule, 10 more would cost 200.00 (the 8-hour course and 2 free).

    Cost: 1,500.00 + the maintenance fee, 45.00 a year x 3 = 135.00: 1,635.00 USD; 16 + 24 + 1 =
    41 hours. One year holds the 24-hour course alone (24), the other the rest (20).
    """
    catalog = ceplan.load_catalog("isaca")
    plan = ceplan.optimise(
        catalog,
        "cisa",
        today=TODAY,
        expires=ISACA_EXPIRES,
        earned=110,
        earned_per_year={1: 110},
        exclude=CISA_LEFT_OUT,
    )
    assert (plan.total_cost, plan.total_hours) == (1635.0, 41.0)
    assert fees(plan) == [("cisa", "year", 135.0, 3)]
    assert ids(plan) == [
        "example-isaca-course-16h",
        "example-isaca-course-24h",
        "example-webinar-1",
        "isaca-journal-quiz-1",
        "isaca-journal-quiz-2",
        "isaca-journal-quiz-3",
    ]
    by_year = years(plan)
    assert sorted(by_year) == [2027, 2028]
    assert sorted(sorted(group) for group in by_year.values()) == [
        [
            "example-isaca-course-16h",
            "example-webinar-1",
            *(f"isaca-journal-quiz-{n}" for n in (1, 2, 3)),
        ],
        ["example-isaca-course-24h"],
    ]
    for item in plan.planned:
        assert item.counts_toward == (Claim("cisa", item.credits, ((NONE, item.credits),)),)


def test_cisa_twenty_a_year_hard_places_free_items_in_both_years() -> None:
    """The same CISA holder with every activity of the file: 110 earned in 2026.

    Free now also: mentor-2027 and mentor-2028 (10 each, 10 h, each only in its year),
    volunteer-chapter-board (20, 20 h), write-professional-article (8, 8 h); with the rest, 55 free
    CPE, so the plan costs the fees alone (135.00). The 120 alone would need 10 more (two quizzes
    and the article, 8 hours); the hard 20 a year needs 40, 20 in each of 2027 and 2028. The
    fewest hours for 40: the three quizzes give at most 3 in no hours, the rest an hour each, and
    37 hours cannot be met exactly (no sum of 20, 10, 10, 8, 2, 1, 1 is 37), so 38 hours:
    volunteering 20 + mentoring 10 + the article 8, and two quizzes (fewest items: 5). Smallest
    ids: mentor-2027, quizzes 1 and 2. The years must hold 20 each, so the board work alone in one
    year and the other four in the other: mentor-2027's group in 2027, the board work in 2028.
    """
    catalog = ceplan.load_catalog("isaca")
    plan = ceplan.optimise(
        catalog, "cisa", today=TODAY, expires=ISACA_EXPIRES, earned=110, earned_per_year={1: 110}
    )
    assert (plan.total_cost, plan.total_hours) == (135.0, 38.0)
    assert ids(plan) == [
        "isaca-journal-quiz-1",
        "isaca-journal-quiz-2",
        "mentor-2027",
        "volunteer-chapter-board",
        "write-professional-article",
    ]
    assert years(plan) == {
        2027: [
            "isaca-journal-quiz-1",
            "isaca-journal-quiz-2",
            "mentor-2027",
            "write-professional-article",
        ],
        2028: ["volunteer-chapter-board"],
    }


# -- the exhaustive reference agrees -------------------------------------------------------------

REFERENCE_CASES = {
    "security-plus": (
        "comptia",
        Person(TODAY, {"security-plus": Held(EXPIRES)}, allow_exams=False),
        55000,
        41,
        "example-security-course",
    ),
    "security-plus without the course": (
        "comptia",
        Person(
            TODAY,
            {"security-plus": Held(EXPIRES)},
            exclude=frozenset({"example-security-course"}),
            allow_exams=False,
        ),
        95000,
        43,
        "example-conference",
    ),
    "pmp": (
        "pmi",
        Person(TODAY, {"pmp": Held(EXPIRES, 28, {"giving-back": 20, "ways-of-working": 8})}),
        60000,
        27,
        "work-as-practitioner",
    ),
    "cisa": (
        "isaca",
        Person(
            TODAY,
            {"cisa": Held(ISACA_EXPIRES, 110, {}, {1: 110})},
            exclude=frozenset(CISA_LEFT_OUT),
        ),
        163500,
        41,
        "example-isaca-course-24h",
    ),
}


@pytest.mark.parametrize("case", REFERENCE_CASES)
def test_the_exhaustive_reference_finds_the_hand_worked_plan(case: str) -> None:
    """``tests/schema2_reference.py`` (written from SPEC 3 and 9, importing nothing from ceplan)
    finds the plan worked out by hand above: cost in cents with the fees, hours, and items (the
    first of each plan's items named here, the rest as the planner's). Only the tier planned is
    kept, and the activities that count for it (to keep the search short)."""
    name, person, cents, hours, one_id = REFERENCE_CASES[case]
    (tier,) = person.held
    data = yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8"))
    data["tiers"] = {tier: data["tiers"][tier]}
    data["activities"] = [
        a
        for a in data["activities"]
        if tier in a.get("counts_for", [tier]) and a["id"] not in person.exclude
    ]
    found = solve(data, person)
    assert found is not None
    held = person.held[tier]
    plan = ceplan.optimise(
        ceplan.load_catalog(name),
        tier,
        today=person.today,
        expires=held.expires,
        earned=held.earned,
        earned_by_category=dict(held.earned_by_category),
        earned_per_year=dict(held.earned_per_year),
        exclude=sorted(person.exclude),
        allow_exams=person.allow_exams,
    )
    assert found.key == (cents, Fraction(hours), len(plan.planned), tuple(ids(plan)))
    assert one_id in found.ids
