"""What ceplan writes never lets what a user typed act: no formula or link in a workbook or a
CSV, no escape code reaching the terminal from a table, and ``--out``/``--ics`` never replacing
a file they must not (a read-only file, an input of the command, a folder).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

import ceplan
from ceplan.cli.main import main
from tests.conftest import catalog_data

TODAY = "2026-11-29"
NOBODY = 65534

LONG = "x" * 40_000
NAMES = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    '=HYPERLINK("http://x","y")',
    "http://x",
    "mailto:a@b",
    "external:x",
    "file:///etc",
    "\t=1+1",
    "\r=1+1",
    "a\r=1+1",
    LONG,
    "http://" + "a" * 293,
]
"""Names and titles a spreadsheet could take for formulas or links, or cut short."""
TEAM = '=HYPERLINK("http://team","t")'
BUDGET = "=SUM(A1:A9)"
FUND = "http://fund"
CUT = "… [cut: 40,000 characters]"
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What must not reach a terminal raw: C0 and C1 controls (but the line feed), bidi controls."""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code: int, out: str, err: str, *mentions: str) -> None:
    """Exit 2, nothing on stdout, exactly one line on stderr, saying each of ``mentions``."""
    assert (code, out) == (2, ""), (code, out, err)
    assert len(err.splitlines()) == 1 and err.endswith("\n"), err
    for text in mentions:
        assert text in err, (text, err)


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def team_files(tmp_path: Path) -> list[str]:
    """``ROSTER --catalog FILE --today ...``: a person named after each of :data:`NAMES`, each
    renewing with the one activity titled alike (the others excluded), a budget and a fund."""
    ids = [f"a{index:02}" for index in range(len(NAMES))]
    activities = [
        {"id": ids[i], "title": name, "type": "course", "credits": 80, "cost": 10 + i}
        for i, name in enumerate(NAMES)
    ]
    catalog = write_yaml(tmp_path / "catalog.yaml", catalog_data(activities=activities))
    people = [
        {
            "id": f"p{i:02}",
            "name": name,
            "tier": "pro",
            "expires": dt.date(2028, 6, 30),
            "exclude": [other for other in ids if other != ids[i]],
        }
        for i, name in enumerate(NAMES)
    ]
    budget = {"name": BUDGET, "start": dt.date(2026, 1, 1), "end": dt.date(2030, 12, 31)}
    roster = {
        "schema": 1,
        "team": TEAM,
        "budgets": [{**budget, "amount": 100_000}],
        "funds": [{"name": FUND, "amount": 15, "expires": dt.date(2027, 6, 30)}],
        "people": people,
    }
    path = write_yaml(tmp_path / "team.yaml", roster)
    return [str(path), "--catalog", str(catalog), "--today", TODAY]


# -- the workbook --------------------------------------------------------------------------------


def test_every_text_in_the_workbook_is_text_and_a_cut_one_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, team_files: list[str]
) -> None:
    target = tmp_path / "plan.xlsx"
    code, out, err = run(capsys, "team", *team_files, "--format", "xlsx", "--out", str(target))
    assert (code, out) == (0, "")
    held = "workbook (summary, people, items, budgets, funds, calendar), for 14 people, 0 at risk"
    assert err == f"ceplan: wrote '{target}': {held}\n"  # no warning of the library's either
    book = openpyxl.load_workbook(target)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None, (sheet.title, cell.coordinate, cell.value)

    def column(sheet: str, name: str) -> list[str]:
        values = list(book[sheet].iter_rows(values_only=True))
        at = values[0].index(name)
        # The workbook escapes a carriage return as Excel does; openpyxl leaves it so.
        data = [row for row in values[1:] if row[0] != "Total"]
        return [str(row[at]).replace("_x000D_", "\r") for row in data]

    shown = [name if name != LONG else LONG[: 32_767 - len(CUT)] + CUT for name in NAMES]
    assert column("People", "Name") == shown
    assert column("Items", "Title") == shown
    assert len(shown[NAMES.index(LONG)]) == 32_767
    assert column("Budgets", "Budget period") == [BUDGET]
    assert column("Funds", "Fund") == [FUND]
    assert book["Summary"]["A1"].value == f"Team plan: {TEAM}"
    assert book.properties.title == f"Team plan: {TEAM}"
    again = tmp_path / "again.xlsx"
    assert main(["team", *team_files, "--format", "xlsx", "--out", str(again)]) == 0
    assert again.read_bytes() == target.read_bytes()


def test_a_cell_cut_to_size_counts_as_excel_does() -> None:
    """Excel counts UTF-16 code units: a character outside the BMP is two of them."""
    from ceplan.rendering.xlsx import CELL_LIMIT, cell_text

    wide = "\U0001f600" * 20_000  # 40,000 units
    cell = cell_text(wide)
    assert cell.endswith("… [cut: 20,000 characters]")
    assert len(cell.encode("utf-16-le")) // 2 <= CELL_LIMIT
    assert cell_text("\U0001f600" * 16_383) == "\U0001f600" * 16_383  # 32,766 units: kept


# -- CSV -----------------------------------------------------------------------------------------

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def marked(text: str) -> str:
    """``text`` as the CSV holds it (OWASP: a leading ``'`` before a formula's first sign)."""
    return "'" + text if text.startswith(FORMULA) else text


def test_team_csv_marks_formulas_as_text_and_leaves_numbers_alone(
    capsys: pytest.CaptureFixture[str], team_files: list[str]
) -> None:
    code, out, err = run(capsys, "team", *team_files, "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [row["name"] for row in rows] == [marked(name) for name in NAMES]
    assert rows[0]["name"] == "'=1+1" and rows[5]["name"] == "http://x"
    assert rows[11]["name"] == "a\r=1+1"  # a row of its own in the file, quoted
    # What ceplan formats itself is as it was.
    for index, row in enumerate(rows):
        assert (row["id"], row["tier"], row["status"]) == (f"p{index:02}", "pro", "renews")
        assert (row["expires"], row["priority"], row["items"]) == (
            "2028-06-30",
            "1",
            "1",
        )  # a whole number (SPEC 7)
        assert (row["cost"], row["reasons"]) == (f"{10 + index}.0", "")


def test_optimise_csv_marks_formulas_as_text_and_quotes_a_row_break(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    activities = [
        {"id": "a", "title": "a\r=1+1", "type": "@course", "credits": 40, "cost": 10},
        {"id": "b", "title": '=HYPERLINK("http://x","y")', "type": "-", "credits": 40, "cost": 5},
    ]
    catalog = write_yaml(tmp_path / "catalog.yaml", catalog_data(activities=activities))
    argv = ["--tier", "pro", "--catalog", str(catalog), "--today", TODAY, "--format", "csv"]
    code, out, err = run(capsys, "optimise", *argv)
    assert code == 0, err
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out, newline=""))}
    assert (rows["a"]["title"], rows["a"]["type"]) == ("a\r=1+1", "'@course")
    assert (rows["b"]["title"], rows["b"]["type"]) == ('\'=HYPERLINK("http://x","y")', "'-")
    assert (rows["b"]["credits"], rows["b"]["cost"]) == ("40", "5.00")


# -- terminals ------------------------------------------------------------------------------------


def test_team_table_escapes_control_characters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    red = "\x1b[31mRED\x1b[0m\r"
    expires = dt.date(2027, 5, 31)
    roster = {
        "schema": 1,
        "team": f"Team{red}",
        "budgets": [{"name": "B\x07", "start": dt.date(2026, 1, 1), "end": expires, "amount": 300}],
        "funds": [{"name": "F\u202e", "amount": 1, "expires": dt.date(2027, 6, 30)}],
        "people": [
            {"id": "ann", "name": "Ann", "tier": "associate", "expires": expires, "priority": 2},
            {"id": "bo", "name": red, "tier": "associate", "expires": expires},
        ],
    }
    path = write_yaml(tmp_path / "team.yaml", roster)
    code, out, err = run(capsys, "team", str(path), "--today", TODAY)
    assert code == 1, err  # Bo is at risk, and the reason names Bo
    assert not CONTROLS.search(out), out
    escaped = "\\x1b[31mRED\\x1b[0m\\r"
    assert f"Team Team{escaped}: " in out
    assert f" would renew {escaped}" in out
    assert "budget B\\x07: " in out and "fund F\\u202e: " in out
    assert len(out.splitlines()) == 8  # with the line that says the method


def test_optimise_and_check_escape_control_characters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    title = "\x1b]0;title\x07"
    activity = {"id": "a", "title": title, "type": "course", "credits": 80, "cost": 10}
    data = catalog_data(activities=[activity], programme="P\x1b[2J\u202e")
    data["tiers"]["pro"]["label"] = "Pro\x08\x9b"
    catalog = write_yaml(tmp_path / "catalog.yaml", data)
    argv = ["--tier", "pro", "--catalog", str(catalog), "--today", TODAY]
    code, out, err = run(capsys, "optimise", *argv)
    assert code == 0, err
    assert not CONTROLS.search(out), out
    assert out.startswith("Pro\\x08\\x9b: P\\x1b[2J\\u202e\n")
    assert "\\x1b]0;title\\x07" in out
    code, out, err = run(capsys, "check", "--catalog", str(catalog))
    assert code == 0 and not CONTROLS.search(out), out
    assert "(P\\x1b[2J\\u202e: 1 tier, 0 exams, 1 activity)" in out
    # And on stderr.
    target = str(tmp_path / "\x1b[31m.ics")
    too_dear = ["--budget", "1", "--ics", target, "--format", "csv"]
    code, out, err = run(capsys, "optimise", *argv, *too_dear)
    assert code == 1 and not CONTROLS.search(err), err
    assert "\\x1b[31m.ics" in err


# -- ceplan check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "words"), [(1, "1 tier, 1 exam, 1 activity"), (2, "2 tiers, 2 exams, 2 activities")]
)
def test_check_counts_in_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, count: int, words: str
) -> None:
    data = catalog_data(
        activities=[
            {"id": f"a{n}", "title": "A", "type": "course", "credits": 1, "cost": 1}
            for n in range(count)
        ],
        exams=[{"id": f"e{n}", "title": "E", "kind": "pro", "cost": 1} for n in range(count)],
        paths=[{"credits": 80}, {"credits": 0, "exams": {"pro": 1}}],
    )
    for n in range(1, count):
        data["tiers"][f"tier{n}"] = {"paths": [{"credits": 1}]}
    catalog = write_yaml(tmp_path / "catalog.yaml", data)
    code, out, err = run(capsys, "check", "--catalog", str(catalog))
    assert (code, err) == (0, "")
    assert out == f"{catalog}: valid (Test programme: {words})\n"


# -- --out and --ics -------------------------------------------------------------------------------


@pytest.fixture
def one_person(tmp_path: Path) -> tuple[Path, Path]:
    """A catalogue and a roster of one person, quick to plan."""
    activity = {"id": "a", "title": "A", "type": "course", "credits": 80, "cost": 10}
    catalog = write_yaml(tmp_path / "catalog.yaml", catalog_data(activities=[activity]))
    person = {"id": "ann", "name": "Ann", "tier": "pro", "expires": dt.date(2028, 6, 30)}
    roster = write_yaml(tmp_path / "team.yaml", {"schema": 1, "team": "T", "people": [person]})
    return catalog, roster


def writing(command: str, catalog: Path, roster: Path, target: str) -> list[str]:
    """The command line that writes ``target``: ``team ... --out`` or ``optimise ... --ics``."""
    if command == "team":
        return ["team", str(roster), "--catalog", str(catalog), "--today", TODAY, "--out", target]
    return [
        "optimise",
        "--tier",
        "pro",
        "--catalog",
        str(catalog),
        "--today",
        TODAY,
        "--ics",
        target,
    ]


def assert_untouched(path: Path, data: bytes, mode: int) -> None:
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.parametrize("command", ["team", "optimise"])
def test_a_read_only_file_is_not_replaced(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    one_person: tuple[Path, Path],
    command: str,
) -> None:
    target = tmp_path / "plan.out"
    target.write_bytes(b"keep me\n")
    target.chmod(0o444)
    code, out, err = run(capsys, *writing(command, *one_person, str(target)))
    assert_refused(code, out, err, f"'{target}'", "is read-only")
    assert_untouched(target, b"keep me\n", 0o444)


@pytest.mark.parametrize("command", ["team", "optimise"])
def test_a_writable_file_is_still_replaced(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    one_person: tuple[Path, Path],
    command: str,
) -> None:
    target = tmp_path / "plan.out"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    code, _, err = run(capsys, *writing(command, *one_person, str(target)))
    assert code == 0, err
    assert target.read_bytes() != b"old\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    ("command", "which"),
    [
        ("team", "roster"),
        ("team", "catalogue"),
        ("team", "roster, by a hard link"),
        ("team", "roster, given by a symbolic link"),
        ("optimise", "catalogue"),
    ],
)
def test_an_input_of_the_command_is_not_written(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    one_person: tuple[Path, Path],
    command: str,
    which: str,
) -> None:
    catalog, roster = one_person
    victim = roster if which.startswith("roster") else catalog
    target = victim
    if which.endswith("hard link"):
        target = tmp_path / "linked.yaml"
        os.link(victim, target)
    elif which.endswith("symbolic link"):
        roster = tmp_path / "link.yaml"
        roster.symlink_to(victim)
    data, mode = victim.read_bytes(), stat.S_IMODE(victim.stat().st_mode)
    code, out, err = run(capsys, *writing(command, catalog, roster, str(target)))
    assert_refused(code, out, err, f"'{target}'", "is the input file")
    assert_untouched(victim, data, mode)
    assert_untouched(target, data, mode)


@pytest.mark.parametrize(
    ("command", "named"),
    [("team", "activities_from"), ("team", "people_from"), ("optimise", "activities_from")],
)
@pytest.mark.parametrize("loads", [1, 2])
def test_a_file_an_input_names_is_not_written(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: str,
    named: str,
    loads: int,
) -> None:
    """The CSV of activities a catalogue names, or of people a roster names, is an input too;
    so it is when the catalogue comes from the cache (the second load)."""
    activities = tmp_path / "acts.csv"
    activities.write_text("id,title,type,credits,cost\na,A,course,80,10\n", encoding="utf-8")
    catalog = write_yaml(
        tmp_path / "catalog.yaml", {**catalog_data(), "activities_from": "acts.csv"}
    )
    people = tmp_path / "people.csv"
    people.write_text("id,name,tier,expires\nann,Ann,pro,2028-06-30\n", encoding="utf-8")
    roster = write_yaml(
        tmp_path / "team.yaml", {"schema": 1, "team": "T", "people_from": "people.csv"}
    )
    victim = activities if named == "activities_from" else people
    data, mode = victim.read_bytes(), stat.S_IMODE(victim.stat().st_mode)
    for _ in range(loads):
        code, out, err = run(capsys, *writing(command, catalog, roster, str(victim)))
        assert_refused(code, out, err, f"'{victim}'", "is the input file")
        assert_untouched(victim, data, mode)


@pytest.mark.parametrize("command", ["team", "optimise"])
@pytest.mark.parametrize("name", ["new/", "old/", "new/.", "old/.."])
def test_a_name_that_names_a_folder_is_refused(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    one_person: tuple[Path, Path],
    command: str,
    name: str,
) -> None:
    (tmp_path / "old").mkdir()
    before = sorted(path.name for path in tmp_path.iterdir())
    target = f"{tmp_path}{os.sep}{name}"
    code, out, err = run(capsys, *writing(command, *one_person, target))
    assert_refused(code, out, err, f"'{target}'", "names a folder; give a file name")
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    assert list((tmp_path / "old").iterdir()) == []


# Root writes a file whatever its mode, so the refusal of a file the user cannot write is
# checked as uid 65534 ("nobody"). The process starts as root and plans once (every module it
# needs is then loaded: the checkout may be in a folder nobody cannot read), then drops its
# rights and writes each target, saying how each run ended.
AS_NOBODY = f"""\
import contextlib, io, json, os, sys
from ceplan.cli.main import main

argv, warm_up, targets = json.loads(sys.argv[1])

def run(target):
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main([*argv, "--out", target])
    return code, err.getvalue()

code, err = run(warm_up)
if code != 0:
    print(json.dumps({{"skip": err}}))
    sys.exit()
os.setgroups([])
os.setgid({NOBODY})
os.setuid({NOBODY})
print(json.dumps({{"runs": [run(target) for target in targets]}}))
"""


SOURCE = str(Path(ceplan.__file__).resolve().parent.parent)
"""The folder holding the ``ceplan`` under test, for the new process to import the same one."""


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder every user can enter (pytest's own are root's only when run by root)."""
    with tempfile.TemporaryDirectory() as name:
        base = Path(name)
        base.chmod(0o755)
        yield base


@pytest.mark.slow
@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="as any other user, test_a_read_only_file_is_not_replaced runs as that user",
)
def test_a_file_another_user_cannot_write_is_not_replaced_by_them(
    shared_folder: Path, one_person: tuple[Path, Path]
) -> None:
    inputs = []
    for source in one_person:  # where nobody can read them
        inputs.append(shared_folder / source.name)
        shutil.copyfile(source, inputs[-1])
        inputs[-1].chmod(0o644)
    catalog, roster = inputs
    folder = shared_folder / "nobody"  # theirs: they may create and rename files in it
    folder.mkdir()
    os.chown(folder, NOBODY, NOBODY)
    folder.chmod(0o700)
    theirs, roots, new = folder / "theirs.txt", folder / "roots.txt", folder / "new.txt"
    for path, owner, mode in ((theirs, NOBODY, 0o444), (roots, 0, 0o644)):
        path.write_bytes(b"keep me\n")
        os.chown(path, owner, owner)
        path.chmod(mode)
    argv = ["team", str(roster), "--catalog", str(catalog), "--today", TODAY]
    request = [argv, str(shared_folder / "warm-up.txt"), [str(new), str(theirs), str(roots)]]
    done = subprocess.run(
        [sys.executable, "-c", AS_NOBODY, json.dumps(request)],
        cwd=shared_folder,
        env={
            **os.environ,
            "CEPLAN_CACHE_DIR": "",
            "HOME": str(shared_folder),
            "PYTHONPATH": SOURCE,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    if "skip" in report:
        pytest.skip(f"cannot plan in a new process here: {report['skip']}")
    (new_code, new_err), *refused = report["runs"]
    if new_code != 0:  # as nobody, even a new file cannot be written: not what is tested
        pytest.skip(f"uid {NOBODY} cannot plan here: {new_err}")
    assert new.stat().st_uid == NOBODY
    for (code, err), path, mode in zip(refused, (theirs, roots), (0o444, 0o644), strict=True):
        assert_refused(code, "", err, f"'{path}'", "is read-only")
        assert_untouched(path, b"keep me\n", mode)
