"""``ceplan optimise`` with several ``--tier``: each with its own expiry and credits earned."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ceplan.cli.main import main

BOTH = ["optimise", "--catalog", "isc2", "--tier", "cissp", "--tier", "ccsp"]
DATES = ["--expires", "2028-06-30", "--expires", "2029-03-31", "--today", "2026-12-07"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tiers_of(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, dict[str, Any]]:
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    return {held["tier"]: held for held in json.loads(out)["tiers"]}


def test_json_holds_each_tier_with_its_own_expiry(capsys: pytest.CaptureFixture[str]) -> None:
    tiers = tiers_of(capsys, *BOTH, *DATES)
    assert list(tiers) == ["cissp", "ccsp"]
    assert tiers["cissp"]["expires"] == "2028-06-30"
    assert tiers["ccsp"]["expires"] == "2029-03-31"


def test_one_expires_is_for_every_tier(capsys: pytest.CaptureFixture[str]) -> None:
    tiers = tiers_of(capsys, *BOTH, "--expires", "2028-06-30", "--today", "2026-12-07")
    assert [held["expires"] for held in tiers.values()] == ["2028-06-30", "2028-06-30"]


def test_earned_once_per_tier_and_by_category(capsys: pytest.CaptureFixture[str]) -> None:
    tiers = tiers_of(
        capsys,
        *BOTH,
        *DATES,
        "--earned",
        "40",
        "--earned",
        "10",
        "--earned-in",
        "cissp:group-a=30",
        "--earned-in",
        "ccsp:group-b=5",
    )
    assert tiers["cissp"]["earned"] == 40 and tiers["ccsp"]["earned"] == 10
    assert tiers["cissp"]["earned_by_category"] == {"group-a": 30}
    assert tiers["ccsp"]["earned_by_category"] == {"group-b": 5}


def test_earned_in_without_earned_is_their_sum(capsys: pytest.CaptureFixture[str]) -> None:
    tiers = tiers_of(
        capsys, "optimise", "--catalog", "isc2", "--tier", "cissp", *DATES[2:], "--earned-in",
        "group-a=30", "--earned-in", "group-b=5",
    )  # fmt: skip
    assert tiers["cissp"]["earned"] == 35


def test_table_says_each_tier_and_compares_no_other_paths(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, *BOTH, *DATES, "--earned", "40", "--earned", "10")
    assert code == 0, err
    head, _, rest = out.partition("\n\n")
    assert head.splitlines()[0].startswith("CISSP + CCSP: ")
    assert (
        "\n  CISSP (cissp): expires 2028-06-30, everything done by 2028-06-30; 40 credits" in head
    )
    assert "\n  CCSP (ccsp): expires 2029-03-31, everything done by 2029-03-31; 10 credits" in head
    renewals = rest[rest.index("\nRenewals:\n") :]
    assert "\n  cissp: renewal completes " in renewals
    assert "\n  ccsp: renewal completes " in renewals and "runs to 2032-03-31" in renewals
    assert "Renewal completes" not in out and "(+40 earned)" not in out
    assert "Other paths are compared with one --tier at a time." in rest
    assert "\nOther paths:\n" not in out


def test_one_tier_table_is_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "optimise", "--catalog", "isc2", "--tier", "cissp", *DATES[2:])
    assert code == 0
    assert out.startswith("CISSP: ISC2 continuing professional education\nToday ")
    assert "Renewals:" not in out and "one --tier at a time" not in out
    # a schema 2 cycle follows the one that ends: no days of it are given up
    assert "Renewal completes 2029-03-31: the next cycle runs to 2032-03-31.\n" in out
    assert "giving up" not in out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        ([*BOTH, *DATES, "--expires", "2029-12-31"], "--expires is given 3 times for 2 --tier"),
        (
            ["optimise", "--tier", "professional", "--expires", "2028-06-30", *DATES[2:]],
            "--expires is given 2 times for 1 --tier",
        ),
        ([*BOTH, *DATES, "--earned", "1", "--earned", "2", "--earned", "3"], "--earned is given 3"),
        ([*BOTH, *DATES, "--earned-in", "group-a=3"], "say which: TIER:group-a=N"),
        ([*BOTH, *DATES, "--earned-in", "sscp:group-a=3"], "'sscp' is not a --tier given"),
        (
            [*BOTH, *DATES, "--earned-in", "ccsp:group-a=3", "--earned-in", "ccsp:group-a=4"],
            "ccsp:group-a is given twice",
        ),
        ([*BOTH, *DATES, "--earned-in", "group-a"], "is not [TIER:]CATEGORY=N"),
        ([*BOTH, *DATES, "--earned-in", "cissp:group-a=-1"], "must be a finite number >= 0"),
        ([*BOTH, "--tier", "cissp", *DATES[4:]], "'cissp' is named twice"),
        (
            [*BOTH, *DATES, "--earned", "10", "--earned-in", "cissp:group-a=30"],
            "adds up to 30 credits, more than the 10 earned",
        ),
        (
            [*BOTH, *DATES, "--earned-in-year", "ccsp:2=5"],
            "--earned-in-year ccsp:2: year 2 of the cycle starts on 2027-04-01, after today "
            "(2026-12-07): nothing can have been earned in it yet",
        ),
        (
            [*BOTH, *DATES, "--earned", "4", "--earned-in-year", "cissp:2=5"],
            "--earned-in-year cissp adds up to 5 credits, more than the 4 earned",
        ),
    ],
)
def test_bad_counts_and_forms_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and said in err, err


def test_earned_in_year_reaches_the_plan_per_tier(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["optimise", "--catalog", "isaca", "--tier", "cisa", "--tier", "cism"]
    dates = ["--expires", "2028-12-31", "--today", "2026-12-07"]
    tiers = tiers_of(capsys, *argv, *dates, "--earned-in-year", "cisa:1=20", "--earned", "20")
    assert tiers["cisa"]["earned_per_year"] == {"1": 20}
    assert tiers["cism"]["earned_per_year"] == {}
    code, _, err = run(capsys, *argv, *dates, "--earned-in-year", "1=20")
    assert code == 2 and "say which: TIER:1=N" in err


def test_earned_in_year_lowers_what_a_hard_yearly_minimum_needs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["optimise", "--catalog", "isaca", "--tier", "cisa", "--expires", "2027-12-31"]
    argv += ["--today", "2026-12-07", "--format", "json"]
    code, out, err = run(capsys, *argv, "--earned", "40")
    assert code == 1, err  # years 1 and 2 are over: 40 earned, but not 20 in each, is too late
    code, out, err = run(
        capsys, *argv, "--earned", "40", "--earned-in-year", "1=20", "--earned-in-year", "2=20"
    )
    assert code == 0, err
    assert json.loads(out)["tiers"][0]["earned_per_year"] == {"1": 20, "2": 20}


def test_passed_counts_toward_every_tier_or_the_one_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["optimise", "--catalog", "comptia", "--tier", "security-plus", "--tier", "cysa-plus"]
    argv += ["--today", "2026-12-07"]
    named = tiers_of(capsys, *argv, "--passed", "security-plus:security-plus")
    assert named["security-plus"]["passed"] == {"security-plus": 1}
    assert named["cysa-plus"]["passed"] == {}
    every = tiers_of(capsys, *argv, "--passed", "security-plus")
    assert every["security-plus"]["passed"] == every["cysa-plus"]["passed"] == {"security-plus": 1}
    code, _, err = run(capsys, *argv, "--passed", "pmp:security-plus")
    assert code == 2 and "'pmp' is not a --tier given" in err


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--earned-in", "group-z=3"], "ceplan: error: --earned-in: 'group-z' is not one of"),
        (["--earned-in", "group-a=30", "--earned", "10"], "ceplan: error: --earned-in adds up"),
        (["--earned-in-year", "4=1"], "ceplan: error: --earned-in-year: 4 is not a year"),
    ],
)
def test_library_rules_are_said_in_the_options_words(
    capsys: pytest.CaptureFixture[str], extra: list[str], said: str
) -> None:
    code, out, err = run(capsys, "optimise", "--catalog", "isc2", "--tier", "cissp", *extra)
    assert code == 2 and out == ""
    assert err.startswith(said) and "earned_by_category" not in err and err.count("\n") == 1
