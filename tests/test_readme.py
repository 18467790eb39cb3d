"""The README shows what the code does now: every command it shows is run and compared.

A ``text`` block whose first line is ``$ ceplan ...`` is a command and its output (stdout,
then stderr). A line ``...`` in the output stands for any number of lines; a last line
``(exit N)`` is the exit status. Every ``python`` block runs, in order, in one namespace.

After a deliberate change of output, regenerate the shown outputs from the code with
``CEPLAN_README_UPDATE=1 .venv/bin/python -m pytest tests/test_readme.py`` and read the diff.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from ceplan.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXIT = re.compile(r"^\(exit (\d+)\)$")


@dataclass(frozen=True)
class Shown:
    """A command block of the README: the command, what it prints, and where it stands."""

    command: str
    output: list[str]
    exit_code: int
    start: int
    end: int


def shown_commands(text: str) -> list[Shown]:
    found = []
    for match in BLOCK.finditer(text):
        kind, body = match.group(1), match.group(2)
        lines = body.splitlines()
        if kind != "text" or not lines or not lines[0].startswith("$ ceplan "):
            continue
        output, code = lines[1:], 0
        if output and (exit_line := EXIT.match(output[-1])):
            code, output = int(exit_line.group(1)), output[:-1]
        found.append(Shown(lines[0][2:], output, code, match.start(2), match.end(2)))
    return found


def run(command: str) -> tuple[int, list[str]]:
    argv = shlex.split(command)[1:]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, (out.getvalue() + err.getvalue()).splitlines()


def matches(shown: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``shown``, where a ``...`` line stands for any lines."""
    pattern = "\n".join(".*?" if line == "..." else re.escape(line) for line in shown)
    return re.fullmatch(pattern, "\n".join(actual), re.DOTALL) is not None


COMMANDS = shown_commands(README.read_text(encoding="utf-8"))


def test_the_readme_shows_commands() -> None:
    assert len(COMMANDS) >= 5


@pytest.mark.parametrize("shown", COMMANDS, ids=[shown.command for shown in COMMANDS])
def test_each_readme_command_prints_what_the_readme_shows(
    shown: Shown, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, actual = run(shown.command)
    if os.environ.get("CEPLAN_README_UPDATE") and not matches(shown.output, actual):
        _update(shown, code, actual)
        return
    assert code == shown.exit_code, (shown.command, code)
    assert matches(shown.output, actual), "\n".join(actual)


def _update(shown: Shown, code: int, actual: list[str]) -> None:
    """Write the command's real output into the README (keeping ``...`` elisions' places)."""
    text = README.read_text(encoding="utf-8")
    body = "\n".join([f"$ {shown.command}", *actual, *([f"(exit {code})"] if code else [])])
    current = shown_commands(text)
    block = next(b for b in current if b.command == shown.command)
    README.write_text(text[: block.start] + body + "\n" + text[block.end :], encoding="utf-8")


def test_the_python_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    blocks = [m.group(2) for m in BLOCK.finditer(README.read_text()) if m.group(1) == "python"]
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
