"""Every notebook under ``notebooks/`` runs from top to bottom without an error.

Each notebook is executed in a fresh ``python3`` kernel, in its own folder, with a non-interactive
matplotlib backend; a cell that raises fails the test with the cell's traceback. Notebooks are
stored without outputs, so nothing is compared: running is the check.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
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
