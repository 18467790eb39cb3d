"""Nothing is left behind by a solve: no file in the temporary folder, no CBC process.

CBC runs as a program on files; HiGHS runs in this process. Each test points ``$TMPDIR`` (and
:mod:`tempfile`'s cached folder) at an empty folder and looks at it afterwards. The "cbc" of
most tests is a small shell script: it records its process id, or its arguments, in a file
outside that folder, then runs the real CBC or stands in for it.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import ceplan
from ceplan.solving.backends import CbcSolver, HighsSolver, _cbc_path
from tests.generators import market_split

from .conftest import TODAY, make_catalog

LINUX_PROC = Path("/proc/self/fd").is_dir()


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that every temporary file of this process (and its children) goes to."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.delenv("TMP", raising=False)
    monkeypatch.delenv("TEMP", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def script(path: Path, body: str) -> str:
    """An executable shell script at ``path``."""
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def running(pid: int) -> bool:
    """Whether process ``pid`` still exists (a zombie counts: nobody reaped it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def pid_in(path: Path, within: float = 30.0) -> int:
    """The process id written to ``path``, once it is there."""
    give_up = time.monotonic() + within
    while True:
        text = path.read_text() if path.exists() else ""
        if text.endswith("\n"):
            return int(text)
        if time.monotonic() > give_up:
            break
        time.sleep(0.01)
    raise AssertionError(f"no process id in {path}")


@pytest.fixture
def leftovers() -> Iterator[list[int]]:
    """Process ids to kill after the test, should the code under test have left them running."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def plan_catalog() -> ceplan.Catalog:
    """Five equal items, 2 needed: a plan with every tie-break stage (several CBC runs)."""
    return make_catalog(
        activities=[
            {"id": f"item-{n}", "title": "x", "type": "course", "credits": 1, "cost": 5, "hours": 1}
            for n in (4, 2, 9, 3, 7)
        ],
        paths=[{"credits": 2}],
    )


# -- a solve that ends on its own ---------------------------------------------------------------


@pytest.mark.skipif(not LINUX_PROC, reason="reads where CBC's output goes from /proc")
def test_every_file_of_a_cbc_solve_is_in_one_private_folder(
    scratch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each CBC run's model, solution and log are in one folder of its own inside ``$TMPDIR``,
    and nothing is left there once the plan is made."""
    calls = tmp_path / "calls"
    calls.mkdir()
    wrapper = script(
        tmp_path / "cbc",
        f"""\
        record="{calls}/$$"
        log=$(readlink /proc/$$/fd/1)
        printf '%s\\n' "$log" > "$record"
        for argument in "$@"; do printf '%s\\n' "$argument" >> "$record"; done
        exec "{_cbc_path()}" "$@"
        """,
    )
    monkeypatch.setattr("ceplan.solving.backends._cbc_path", lambda: wrapper)
    plan = ceplan.optimise(plan_catalog(), "pro", today=TODAY, solver="cbc")
    assert plan.status == "optimal"
    assert [item.id for item in plan.planned] == ["item-2", "item-3"]
    records = [path.read_text().splitlines() for path in calls.iterdir()]
    assert len(records) >= 2
    folders = set()
    for log, model, *arguments in records:
        solution = arguments[arguments.index("-solution") + 1]
        folder = Path(model).parent
        assert Path(log).parent == Path(solution).parent == folder
        assert folder.parent == scratch
        folders.add(folder)
    assert len(folders) == len(records)  # one folder for each run
    assert os.listdir(scratch) == []


def test_highs_writes_no_file(
    scratch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HiGHS runs in this process: no file in ``$TMPDIR`` or the working folder, with or
    without a time limit (which runs it in its own thread)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for seconds in (None, 60.0):
        plan = ceplan.optimise(
            plan_catalog(), "pro", today=TODAY, solver="highs", time_limit=seconds
        )
        assert plan.status == "optimal"
    run = HighsSolver().run(market_split(), 0.2, 0.0)
    assert run.termination == "time_limit"
    assert os.listdir(scratch) == [] and os.listdir(work) == []


# -- a solve that fails -------------------------------------------------------------------------

FAILURES = {
    "exits 1": "exit 1\n",
    "killed": "kill -KILL $$\n",
    "garbage answer": """\
        while [ "$#" -gt 0 ]; do
          if [ "$1" = "-solution" ]; then printf "garbage\\nmore garbage\\n" > "$2"; fi
          shift
        done
        """,
    "no answer": "exit 0\n",
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failing_cbc_leaves_nothing(
    failure: str, scratch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever way CBC fails: one :class:`~ceplan.SolverError` line, and ``$TMPDIR`` empty."""
    fake = script(tmp_path / "cbc", FAILURES[failure])
    monkeypatch.setattr("ceplan.solving.backends._cbc_path", lambda: fake)
    with pytest.raises(ceplan.SolverError, match="^the solver failed") as caught:
        ceplan.optimise(plan_catalog(), "pro", today=TODAY, solver="cbc")
    assert len(str(caught.value).splitlines()) == 1
    assert os.listdir(scratch) == []


def test_a_cbc_that_cannot_be_started_is_one_line(scratch: Path, tmp_path: Path) -> None:
    run = CbcSolver(str(tmp_path / "no-such-cbc")).run
    with pytest.raises(ceplan.SolverError, match="^the solver failed"):
        run(market_split(), None, 0.5)
    assert os.listdir(scratch) == []


# -- a solve that is interrupted ----------------------------------------------------------------


def interrupt_when_written(path: Path) -> threading.Thread:
    """A thread that sends SIGINT to the main thread once a process id is written to ``path``,
    as Ctrl-C would."""

    def interrupt() -> None:
        pid_in(path)
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    thread = threading.Thread(target=interrupt, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("cbc", ["real", "ignores SIGTERM"])
def test_an_interrupted_cbc_is_stopped_and_leaves_nothing(
    cbc: str,
    scratch: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    leftovers: list[int],
) -> None:
    """Ctrl-C while CBC works: the interrupt goes on up, and CBC is gone by then (killed after
    the grace if it ignores SIGTERM), its files too. The real CBC would take far longer than
    the test on this model, with no time limit."""
    pid_file = tmp_path / "cbc.pid"
    if cbc == "real":
        body = f'echo $$ > "{pid_file}"\nexec "{_cbc_path()}" "$@"\n'
    else:
        monkeypatch.setattr("ceplan.solving.backends._CBC_GRACE", 0.2, raising=False)
        body = f"trap '' TERM\necho $$ > \"{pid_file}\"\nexec sleep 60\n"
    solver = CbcSolver(script(tmp_path / "cbc", body))
    thread = interrupt_when_written(pid_file)
    try:
        with pytest.raises(KeyboardInterrupt):
            solver.run(market_split(), None, 0.0)
    finally:
        thread.join(30)
        pid = pid_in(pid_file, within=0)
        leftovers.append(pid)
    assert not running(pid)
    assert os.listdir(scratch) == []


PROGRAM = """\
import sys

import pulp

from ceplan.cli.signals import Terminated, terminate_as_interrupt
from ceplan.solving.backends import CbcSolver
from tests.generators import market_split

try:
    with terminate_as_interrupt():
        CbcSolver(sys.argv[1]).run(market_split(), None, 0.0)
except Terminated as exc:
    print("terminated", flush=True)
    sys.exit(exc.exit_status)
"""


def terminated_midway(
    tmp_path: Path, program: str, body: str, leftovers: list[int], cwd: Path
) -> tuple[int, str, str, int, Path]:
    """Run ``program`` (Python, given a fake CBC whose shell ``body`` may use ``$PID_FILE``)
    with ``$TMPDIR`` an empty folder, and send it SIGTERM once CBC has started.

    Returns the exit status, stdout, stderr, CBC's process id and the temporary folder.
    """
    folder = tmp_path / "tmp"
    folder.mkdir()
    pid_file = tmp_path / "cbc.pid"
    fake = script(tmp_path / "cbc", body.replace("$PID_FILE", str(pid_file)))
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, TMPDIR=str(folder), PYTHONPATH=str(root), CEPLAN_CACHE_DIR="")
    env.pop("TMP", None)
    env.pop("TEMP", None)
    process = subprocess.Popen(
        [sys.executable, "-c", program, fake],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        pid = pid_in(pid_file)
        leftovers.append(pid)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, out, err, pid, folder


@pytest.mark.slow
def test_sigterm_stops_cbc_and_leaves_nothing(tmp_path: Path, leftovers: list[int]) -> None:
    """A program that turns SIGTERM into an interrupt (as the command line does) is sent
    SIGTERM while the real CBC works: it exits 143, CBC is gone and ``$TMPDIR`` is empty."""
    body = f'echo $$ > "$PID_FILE"\nexec "{_cbc_path()}" "$@"\n'
    root = Path(__file__).resolve().parent.parent
    code, out, err, pid, folder = terminated_midway(tmp_path, PROGRAM, body, leftovers, root)
    assert (code, out) == (143, "terminated\n"), err
    assert not running(pid)
    assert os.listdir(folder) == []


# -- SIGTERM as an interrupt --------------------------------------------------------------------


def test_sigterm_is_only_taken_over_where_it_would_end_the_process() -> None:
    """The handler is installed in the main thread over the default action, and the default
    put back after; SIGTERM ignored or handled by the program, or a block in another thread,
    is left as it was."""
    from ceplan.cli.signals import terminate_as_interrupt

    def handled(signum: int, frame: object) -> None:
        raise AssertionError("not called")

    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    with terminate_as_interrupt():
        installed = signal.getsignal(signal.SIGTERM)
    assert callable(installed) and installed is not handled
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL

    seen: list[object] = []

    def in_a_thread() -> None:
        with terminate_as_interrupt():
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert seen == [signal.SIG_DFL]
    for other in (signal.SIG_IGN, handled):
        signal.signal(signal.SIGTERM, other)
        try:
            with terminate_as_interrupt():
                seen.append(signal.getsignal(signal.SIGTERM))
            seen.append(signal.getsignal(signal.SIGTERM))
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert seen == [signal.SIG_DFL, signal.SIG_IGN, signal.SIG_IGN, handled, handled]


TWICE = """\
import os
import signal
import time

from ceplan.cli.signals import Terminated, terminate_as_interrupt

with terminate_as_interrupt():
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)
    except Terminated:
        print("first", flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)
        print("second", flush=True)
"""


@pytest.mark.slow
def test_a_second_sigterm_ends_the_process() -> None:
    """The first SIGTERM is an interrupt; a second one, while it is handled, ends the process
    as SIGTERM does by default (a cleanup that hangs cannot keep it alive)."""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", TWICE],
        cwd=root,
        env=dict(os.environ, PYTHONPATH=str(root)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (-signal.SIGTERM, "first\n"), result.stderr


CLI = """\
import sys

import ceplan.solving.backends

ceplan.solving.backends._cbc_path = lambda: sys.argv[1]  # a CBC that works until it is stopped
from ceplan.cli.main import main

sys.exit(main(["optimise", "--tier", "professional", "--today", "2026-11-29", "--solver", "cbc"]))
"""


@pytest.mark.slow
def test_the_command_line_sent_sigterm_stops_cbc_and_leaves_nothing(
    tmp_path: Path, leftovers: list[int]
) -> None:
    """``ceplan optimise --solver cbc`` sent SIGTERM mid-solve: one line, exit 143, CBC gone,
    ``$TMPDIR`` empty (the command line turns SIGTERM into an interrupt)."""
    body = 'echo $$ > "$PID_FILE"\nexec sleep 60\n'
    code, out, err, pid, folder = terminated_midway(tmp_path, CLI, body, leftovers, tmp_path)
    assert (code, out, err) == (143, "", "ceplan: error: terminated\n")
    assert not running(pid)
    assert os.listdir(folder) == []
