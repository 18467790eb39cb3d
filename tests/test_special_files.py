"""Input files that are not regular files (FIFOs, devices, folders) are refused at once.

Opening a FIFO for reading waits for a writer, forever; so each entry point that reads a file
(the catalogue, a roster, a roster's ``people_from``, a catalogue's ``activities_from``) is run
in a subprocess with a timeout, and a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEADER = "schema: 1\nprogramme: Test\ncurrency: GBP\ntiers: {pro: {paths: [{credits: 80}]}}\n"
TEAM = "schema: 1\nteam: T\n"
PERSON = "id,name,tier,expires\nann,Ann,professional,2027-09-30\n"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def ceplan_cli(folder: Path, *args: str) -> tuple[int, str]:
    """Run ``ceplan args`` in ``folder``: its exit status and its stderr; fail if it hangs."""
    command = [sys.executable, "-m", "ceplan", *args]
    try:
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"ceplan {' '.join(args)} was still running after 60 s")
    return done.returncode, done.stderr


def test_a_fifo_as_the_catalogue(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "cat.yaml")
    status, err = ceplan_cli(tmp_path, "check", "--catalog", "cat.yaml")
    assert (status, err) == (2, "ceplan: error: cat.yaml: is a FIFO, not a regular file\n")


def test_a_fifo_as_the_roster(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "team.csv")
    status, err = ceplan_cli(tmp_path, "team", "team.csv")
    assert (status, err) == (2, "ceplan: error: team.csv: is a FIFO, not a regular file\n")


def test_a_fifo_as_people_from(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(TEAM + "people_from: people.csv\n", encoding="utf-8")
    os.mkfifo(tmp_path / "people.csv")
    status, err = ceplan_cli(tmp_path, "team", "team.yaml")
    assert (status, err) == (2, "ceplan: error: people.csv: is a FIFO, not a regular file\n")


def test_a_fifo_as_activities_from(tmp_path: Path) -> None:
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.csv\n", encoding="utf-8")
    os.mkfifo(tmp_path / "acts.csv")
    status, err = ceplan_cli(tmp_path, "check", "--catalog", "cat.yaml")
    assert (status, err) == (2, "ceplan: error: acts.csv: is a FIFO, not a regular file\n")


def test_a_file_of_activities_that_became_a_fifo_after_it_was_cached(tmp_path: Path) -> None:
    """The cache checks the file's bytes before it trusts an entry: that check must not wait."""
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.csv\n", encoding="utf-8")
    (tmp_path / "acts.csv").write_text(
        "id,title,type,credits,cost\na1,One,webinar,10,5\n", encoding="utf-8"
    )
    assert ceplan_cli(tmp_path, "check", "--catalog", "cat.yaml")[0] == 0  # cached
    (tmp_path / "acts.csv").unlink()
    os.mkfifo(tmp_path / "acts.csv")
    status, err = ceplan_cli(tmp_path, "check", "--catalog", "cat.yaml")
    assert (status, err) == (2, "ceplan: error: acts.csv: is a FIFO, not a regular file\n")


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null here")
@pytest.mark.parametrize(
    ("catalogue", "roster", "shown"),
    [
        ("/dev/null", None, "/dev/null"),
        (HEADER + "activities_from: acts.csv\n", None, "acts.csv"),
        (None, "team.csv", "team.csv"),
        (None, TEAM + "people_from: people.csv\n", "people.csv"),
    ],
)
def test_a_device_is_refused(
    tmp_path: Path, catalogue: str | None, roster: str | None, shown: str
) -> None:
    for name in ("acts.csv", "team.csv", "people.csv"):
        (tmp_path / name).symlink_to("/dev/null")
    args = ["check"]
    if catalogue is not None and catalogue.startswith("/"):
        args += ["--catalog", catalogue]
    elif catalogue is not None:
        (tmp_path / "cat.yaml").write_text(catalogue, encoding="utf-8")
        args += ["--catalog", "cat.yaml"]
    if roster is not None:
        if roster.endswith(".csv"):
            args = ["team", roster]
        else:
            (tmp_path / "team.yaml").write_text(roster, encoding="utf-8")
            args = ["team", "team.yaml"]
    status, err = ceplan_cli(tmp_path, *args)
    assert (status, err) == (2, f"ceplan: error: {shown}: is a device, not a regular file\n")


@pytest.mark.parametrize("entry", ["catalogue", "activities_from", "roster", "people_from"])
def test_a_folder_is_named_as_one(tmp_path: Path, entry: str) -> None:
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.csv\n", encoding="utf-8")
    (tmp_path / "team.yaml").write_text(TEAM + "people_from: people.csv\n", encoding="utf-8")
    (tmp_path / "acts.csv").write_text("id,title,type,credits,cost\na,A,w,1,1\n")
    (tmp_path / "people.csv").write_text(PERSON, encoding="utf-8")
    folder, args, what = {
        "catalogue": ("cat.yaml", ["check", "--catalog", "cat.yaml"], "catalogue file"),
        "activities_from": ("acts.csv", ["check", "--catalog", "cat.yaml"], "file of activities"),
        "roster": ("team.yaml", ["team", "team.yaml"], "roster file"),
        "people_from": ("people.csv", ["team", "team.yaml"], "roster file"),
    }[entry]
    (tmp_path / folder).unlink()
    (tmp_path / folder).mkdir()
    status, err = ceplan_cli(tmp_path, *args)
    assert (status, err) == (2, f"ceplan: error: {folder}: is a directory, not a {what}\n")
