"""The sdist and the wheel carry the one copy of each bundled catalogue (``catalog.yaml`` and
``programmes/*.yaml``) and the package's type marker, and the installed package finds them.

The sdist is built with hatchling and the wheel from it with pip, as ``pip install`` from an
sdist does (each takes about half a second); a second wheel is built from the source tree, as
``pip install .`` does. The installed layout is the wheel unpacked into a folder that is the only
place the ``ceplan`` in a new process comes from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = {
    "cisco": "catalog.yaml",
    **{name: f"programmes/{name}.yaml" for name in ("isc2", "comptia", "pmi", "isaca")},
}
"""Each bundled programme's file, relative to the repository."""


def shipped(file: str) -> str:
    """Where the installed package holds a bundled file: the programmes in ``_programmes/``."""
    return file.replace("programmes/", "_programmes/")


def build(*argv: str, cwd: Path = ROOT) -> None:
    subprocess.run([sys.executable, "-m", *argv], cwd=cwd, check=True, capture_output=True)


def pip_wheel(source: Path, folder: Path) -> Path:
    """The wheel pip builds from ``source`` (a source tree or an sdist) into ``folder``."""
    folder.mkdir()
    build(
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(folder),
        str(source),
    )
    (wheel,) = folder.glob("ceplan-*.whl")
    return wheel


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sdist")
    build("hatchling", "build", "--target", "sdist", "--directory", str(folder))
    (archive,) = folder.glob("ceplan-*.tar.gz")
    return archive


@pytest.fixture(scope="module")
def wheels(sdist: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A wheel built from the sdist, and one from the source tree."""
    folder = tmp_path_factory.mktemp("wheels")
    return {"sdist": pip_wheel(sdist, folder / "sdist"), "tree": pip_wheel(ROOT, folder / "tree")}


@pytest.mark.slow
def test_sdist_ships_every_bundled_catalogue(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        for file in BUNDLED.values():
            member = archive.extractfile(f"{top}/{file}")
            assert member is not None, file
            assert member.read() == (ROOT / file).read_bytes(), file
        shipped = {n for n in archive.getnames() if n.startswith(f"{top}/programmes/")}
    assert shipped == {f"{top}/{file}" for file in BUNDLED.values() if "/" in file}


@pytest.mark.slow
@pytest.mark.parametrize("source", ["sdist", "tree"])
def test_wheel_ships_every_bundled_catalogue(wheels: dict[str, Path], source: str) -> None:
    with zipfile.ZipFile(wheels[source]) as archive:
        names = set(archive.namelist())
        assert "ceplan/py.typed" in names
        for file in BUNDLED.values():
            assert archive.read(f"ceplan/{shipped(file)}") == (ROOT / file).read_bytes(), file
    yaml_files = {name for name in names if name.endswith((".yaml", ".yml"))}
    assert yaml_files == {f"ceplan/{shipped(file)}" for file in BUNDLED.values()}
    assert not (ROOT / "ceplan" / "catalog.yaml").exists(), "one copy of the catalogue only"
    assert not (ROOT / "ceplan" / "programmes").exists(), "one copy of the programmes only"


INSTALLED = """\
import importlib.util, json, ceplan
table = ceplan.programmes()
print(json.dumps({
    "package": ceplan.__file__,
    "paths": {name: str(ceplan.bundled_catalog_path(name)) for name in ceplan.PROGRAMMES},
    "names": list(table["name"]),
    "isc2": ceplan.load_catalog("isc2").programme,
    "no_folder_module": importlib.util.find_spec("ceplan.programmes") is None,
    "function": callable(ceplan.programmes),
}))
"""


@pytest.mark.slow
def test_the_installed_package_finds_and_lists_its_programmes(
    wheels: dict[str, Path], tmp_path: Path
) -> None:
    """From the wheel built from the sdist, unpacked where nothing else is on the path."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheels["sdist"]) as archive:
        archive.extractall(site)
    run = tmp_path / "run"
    run.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "CEPLAN_CACHE_DIR": str(tmp_path / "cache")}

    def ceplan(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *argv], cwd=run, env=env, capture_output=True, text=True, check=False
        )

    result = ceplan("-c", INSTALLED)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    found = json.loads(result.stdout)
    assert found["package"] == str(site / "ceplan" / "__init__.py")
    paths = {name: str(site / "ceplan" / shipped(f)) for name, f in BUNDLED.items()}
    assert found["paths"] == paths
    assert found["no_folder_module"] and found["function"]  # no folder shadows ceplan.programmes
    assert found["names"] == list(BUNDLED)
    assert found["isc2"] == "ISC2 continuing professional education"
    result = ceplan("-m", "ceplan", "check", "--catalog", "isc2")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("programmes/isc2.yaml (bundled): valid (ISC2 ")
    result = ceplan("-m", "ceplan", "programmes")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()[2:]] == list(BUNDLED)


def test_bundled_catalogue_path_is_the_repository_copy_in_a_checkout() -> None:
    import ceplan

    for name, file in BUNDLED.items():
        assert ceplan.bundled_catalog_path(name) == ROOT / file
    assert ceplan.bundled_catalog_path().read_bytes() == (ROOT / "catalog.yaml").read_bytes()
