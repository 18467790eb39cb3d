"""Every notebook under ``notebooks/`` runs from top to bottom without an error.

Each notebook is executed in a fresh ``python3`` kernel, in its own folder, with a non-interactive
matplotlib backend; a cell that raises fails the test with the cell's traceback. Notebooks are
stored without outputs, so nothing is compared: running is the check, and a last cell added to
each checks its figures: no two tick labels of an axis overlap (dates written over each other).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

FIGURES_CHECK = """
import matplotlib.pyplot as _plt

_overlaps = []
for _number in _plt.get_fignums():
    _figure = _plt.figure(_number)
    _figure.canvas.draw()
    _renderer = _figure.canvas.get_renderer()
    for _axes in _figure.axes:
        for _axis in (_axes.xaxis, _axes.yaxis):
            _labels = [t for t in _axis.get_ticklabels() if t.get_visible() and t.get_text()]
            _boxes = [t.get_window_extent(_renderer) for t in _labels]
            for _i, _a in enumerate(_boxes):
                for _j in range(_i + 1, len(_boxes)):
                    if _a.overlaps(_boxes[_j]):
                        _overlaps.append(
                            f"{_axes.get_title()!r}: {_labels[_i].get_text()!r} overlaps "
                            f"{_labels[_j].get_text()!r}"
                        )
assert not _overlaps, _overlaps
"""
"""Run after a notebook's own cells (figures stay open under the non-interactive backend)."""


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(FIGURES_CHECK))
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    # The kernel inherits the test's environment, including its private CEPLAN_CACHE_DIR.
    client.execute(env={**os.environ, "MPLBACKEND": "Agg"})


def test_notebooks_are_stored_without_outputs() -> None:
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not cell.outputs, f"{path.name}: cell {cell.get('id')} has outputs"
                assert cell.execution_count is None, f"{path.name}: cell {cell.get('id')} ran"


def test_the_readme_command_that_runs_a_notebook_is_in_the_dev_install() -> None:
    """The README's ``jupyter nbconvert`` command: its tool comes with ``.[dev]``, and its
    options and notebook exist (running notebooks is checked above)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(r"^\.venv/bin/jupyter nbconvert (.*)$", readme, re.MULTILINE)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(re.match(r"nbconvert\b", need) for need in project["optional-dependencies"]["dev"])
    known = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--help-all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = shlex.split(command)
    for option in (word for word in words if word.startswith("--")):
        assert f"{option}=" in known or f"{option}\n" in known, option
    assert any((ROOT / word).is_file() for word in words if word.endswith(".ipynb"))
