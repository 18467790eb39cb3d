"""The wheel carries the one catalogue of the repository and the package's type marker."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_the_top_level_catalogue(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("ceplan-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "ceplan/py.typed" in names
        assert archive.read("ceplan/catalog.yaml") == (ROOT / "catalog.yaml").read_bytes()
    assert not (ROOT / "ceplan" / "catalog.yaml").exists(), "one copy of the catalogue only"


def test_bundled_catalogue_path_is_the_repository_copy_in_a_checkout() -> None:
    import ceplan

    assert ceplan.bundled_catalog_path().read_bytes() == (ROOT / "catalog.yaml").read_bytes()
