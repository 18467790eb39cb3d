"""The bundled programmes (SPEC 9): ``ceplan programmes``, ``--catalog NAME``, and the library's
``ceplan.programmes()`` and ``load_catalog(NAME)``, in-process through ``ceplan.cli.main``.

What is expected is read from the files themselves with plain PyYAML, not from ceplan. How the
wheel carries the files, and a run from the installed layout, are in ``test_packaging.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

import ceplan
from ceplan.catalogue import loading
from ceplan.catalogue.loading import as_catalog
from ceplan.cli.main import main
from tests.conftest import catalog_data

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "cisco": "catalog.yaml",
    "isc2": "programmes/isc2.yaml",
    "comptia": "programmes/comptia.yaml",
    "pmi": "programmes/pmi.yaml",
    "isaca": "programmes/isaca.yaml",
}
"""The names the issue gives, in the order ``ceplan programmes`` lists them, and their files."""
NAMES_LISTED = "(cisco, isc2, comptia, pmi, isaca)"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``ceplan ARGV`` in-process; return the exit status, stdout and stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's --help
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


def one_error(code: int, out: str, err: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr; the line."""
    assert (code, out) == (2, ""), (code, out, err)
    assert "Traceback" not in err
    (line,) = err.splitlines()
    return line


def raw(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / FILES[name]).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def expected_record(name: str) -> dict[str, Any]:
    """What ``ceplan programmes --format json`` should say of ``name``, from the file itself."""
    data = raw(name)
    return {
        "name": name,
        "programme": data["programme"],
        "currency": data["currency"],
        "schema": data["schema"],
        "as_of": str(data["as_of"]),
        "tiers": list(data["tiers"]),
        "file": FILES[name],
    }


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder."""
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def write_other(path: Path) -> None:
    """A valid schema 1 catalogue that is none of the bundled ones."""
    data = catalog_data(programme="Someone else's programme")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


# -- ceplan programmes ---------------------------------------------------------------------------


def test_the_list_is_the_issues_names_in_one_place() -> None:
    assert dict(ceplan.PROGRAMMES) == FILES


def test_programmes_lists_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "programmes")
    assert (code, err) == (0, "")
    header, rule, *lines = out.splitlines()
    assert header.split() == ["name", "programme", "currency", "schema", "as", "of", "tiers"]
    assert set(rule) == {"-", " "}
    assert [line.split()[0] for line in lines] == list(FILES)
    for line in lines:
        record = expected_record(line.split()[0])
        assert line.endswith("  " + ", ".join(record["tiers"])), line
        cells = [" ".join(cell.split()) for cell in line.split("  ") if cell.strip()]
        assert cells[1:5] == [
            record["programme"],
            record["currency"],
            str(record["schema"]),
            record["as_of"],
        ]
    starts = {line.index(expected_record(line.split()[0])["currency"]) for line in lines}
    assert starts == {header.index("currency")}, "the currency column lines up"


def test_programmes_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "programmes", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [expected_record(name) for name in FILES]


@pytest.mark.parametrize("form", ["table", "json"])
def test_programmes_prints_the_same_bytes_each_time(
    capsys: pytest.CaptureFixture[str], form: str
) -> None:
    """The second run reads the catalogues from the cache; the output is the same."""
    first = run(capsys, "programmes", "--format", form)
    assert first[0] == 0 and "isaca" in first[1]
    assert run(capsys, "programmes", "--format", form) == first


def test_programmes_refuses_another_format(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error(*run(capsys, "programmes", "--format", "csv"))
    assert "--format" in line and "'csv'" in line


def test_every_command_says_what_catalog_takes(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("optimise", "check", "team"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0
        text = " ".join(out.split())
        assert "--catalog NAME|PATH" in text, command
        assert "cisco, isc2, comptia, pmi, isaca" in text, command
        assert "./NAME" in text and "default: cisco" in text, command
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "programmes" in out
    code, out, _ = run(capsys, "programmes", "--help")
    assert code == 0 and "--format" in out


# -- --catalog NAME ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_check_picks_a_programme_by_name_and_names_its_file(
    capsys: pytest.CaptureFixture[str], here: Path, name: str
) -> None:
    code, out, err = run(capsys, "check", "--catalog", name)
    assert (code, err) == (0, "")
    assert out.startswith(f"{FILES[name]} (bundled): valid ({raw(name)['programme']}: ")
    code, out, err = run(capsys, "check", "--catalog", name, "--format", "json")
    report = json.loads(out)
    assert (code, err, report["catalog"], report["valid"]) == (
        0,
        "",
        f"{FILES[name]} (bundled)",
        True,
    )
    assert report["tiers"] == len(raw(name)["tiers"])


def test_cisco_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["optimise", "--tier", "professional", "--today", "2026-11-29", "--format", "json"]
    default = run(capsys, *argv)
    assert default[0] == 0
    assert run(capsys, *argv, "--catalog", "cisco") == default
    assert run(capsys, "check", "--catalog", "cisco") == run(capsys, "check")


def test_optimise_reads_the_programme_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    """The ISC2 file is read: its CISSP is planned with its member fee."""
    argv = ["optimise", "--catalog", "isc2", "--tier", "cissp", "--today", "2026-12-07"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("CISSP: ISC2 continuing professional education\n")
    assert "member-year fee, 3 x 135.00 USD" in out
    line = one_error(*run(capsys, "optimise", "--catalog", "cisco", "--tier", "cissp"))
    assert "cissp" in line and "schema 2" not in line


@pytest.mark.parametrize("word", ["isc", "ISC2", "Cisco", "pmi-acp", "catalog"])
def test_a_word_that_is_no_programme_and_no_file_lists_the_names(
    capsys: pytest.CaptureFixture[str], here: Path, word: str
) -> None:
    for argv in (["check"], ["optimise", "--tier", "cissp"], ["team", "team.yaml"]):
        line = one_error(*run(capsys, *argv, "--catalog", word))
        assert line == (
            f"ceplan: error: {word}: no such file, and no bundled programme has that name "
            f"{NAMES_LISTED}"
        )


@pytest.mark.parametrize("given", ["isc2.yaml", "sub/isc2", "./isc2", "isc2.yml", "x.csv"])
def test_a_path_that_is_not_there_is_only_a_missing_file(
    capsys: pytest.CaptureFixture[str], here: Path, given: str
) -> None:
    line = one_error(*run(capsys, "check", "--catalog", given))
    assert line == f"ceplan: error: {given}: no such file"


def test_a_word_that_names_a_file_reads_the_file(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    """Before programmes had names, ``--catalog mine`` read the file ``mine``; it still does."""
    write_other(here / "mine")
    code, out, err = run(capsys, "check", "--catalog", "mine")
    assert (code, err) == (0, "")
    assert out.startswith("mine: valid (Someone else's programme: ")


@pytest.mark.parametrize("name", ["isc2", "cisco"])
def test_a_name_picks_the_bundled_file_even_beside_a_file_of_that_name(
    capsys: pytest.CaptureFixture[str], here: Path, name: str
) -> None:
    """The meaning of ``--catalog isc2`` does not depend on the folder it is typed in; a note
    says which was read, and ``./isc2`` reads the file."""
    write_other(here / name)
    note = (
        f"ceplan: note: --catalog {name} is the bundled programme ({FILES[name]}), not the "
        f"file '{name}' in this folder; --catalog ./{name} reads that file\n"
    )
    code, out, err = run(capsys, "check", "--catalog", name)
    assert (code, err) == (0, note)
    assert out.startswith(f"{FILES[name]} (bundled): valid ({raw(name)['programme']}: ")
    code, out, err = run(capsys, "check", "--catalog", name, "--format", "json")
    assert (code, err, json.loads(out)["catalog"]) == (0, note, f"{FILES[name]} (bundled)")
    code, out, err = run(capsys, "check", "--catalog", f"./{name}")
    assert (code, err) == (0, "")
    assert out.startswith(f"./{name}: valid (Someone else's programme: ")


def test_the_note_comes_with_every_command(capsys: pytest.CaptureFixture[str], here: Path) -> None:
    write_other(here / "cisco")
    argv = ["optimise", "--tier", "associate", "--today", "2026-11-29", "--format", "json"]
    code, out, err = run(capsys, *argv, "--catalog", "cisco")
    assert code == 0 and json.loads(out)["tier"] == "associate"
    assert err.startswith("ceplan: note: --catalog cisco is the bundled programme")
    (here / "team.yaml").write_text("people: []\n", encoding="utf-8")
    code, out, err = run(capsys, "team", "team.yaml", "--catalog", "cisco")
    assert err.startswith("ceplan: note: --catalog cisco is the bundled programme")


def test_a_programme_of_the_bundle_that_breaks_rules_names_its_bundled_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Were a bundled file broken, its problems would say which bundled file."""
    broken = tmp_path / "pmi.yaml"
    broken.write_text(
        (ROOT / FILES["pmi"]).read_text(encoding="utf-8").replace("currency: USD", "currency: 5"),
        encoding="utf-8",
    )
    monkeypatch.setattr("ceplan.catalogue.programmes.bundled_path", lambda name: broken)
    line = one_error(*run(capsys, "check", "--catalog", "pmi"))
    assert line.startswith("ceplan: error: programmes/pmi.yaml (bundled):")
    assert "field 'currency'" in line


# -- the library ---------------------------------------------------------------------------------


def test_the_library_lists_the_programmes() -> None:
    table = ceplan.programmes()
    assert list(table.columns) == [
        "name",
        "programme",
        "currency",
        "schema",
        "as_of",
        "tiers",
        "file",
    ]
    records = table.to_dict("records")
    for record in records:
        record["as_of"] = record["as_of"].isoformat()
        record["tiers"] = list(record["tiers"])
    assert records == [expected_record(name) for name in FILES]


@pytest.mark.parametrize("name", FILES)
def test_load_catalog_takes_a_name(name: str) -> None:
    by_name = ceplan.load_catalog(name)
    assert by_name == ceplan.load_catalog(ROOT / FILES[name], cache=False)
    assert ceplan.bundled_catalog_path(name).read_bytes() == (ROOT / FILES[name]).read_bytes()
    assert as_catalog(name) == by_name


def test_a_path_object_is_always_a_path(here: Path) -> None:
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(Path("isc2"))
    assert str(info.value) == "isc2: no such file"
    write_other(here / "isc2")
    assert ceplan.load_catalog(Path("isc2")).programme == "Someone else's programme"
    assert ceplan.load_catalog("isc2").programme == raw("isc2")["programme"]


def test_an_unknown_name_in_the_library() -> None:
    with pytest.raises(ceplan.CatalogError, match=r"^isc: no such file, and no bundled"):
        ceplan.load_catalog("isc")
    with pytest.raises(ceplan.PlanInputError) as info:
        ceplan.bundled_catalog_path("isc")
    assert str(info.value) == f"name must be a bundled programme {NAMES_LISTED}, not 'isc'"


# -- the cache -----------------------------------------------------------------------------------


def test_a_bundled_programme_goes_through_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """One entry, keyed by the file's bytes, whether the programme is named or given by path."""
    cache = Path(os.environ["CEPLAN_CACHE_DIR"])
    first = ceplan.load_catalog("comptia")
    digest = hashlib.sha256((ROOT / FILES["comptia"]).read_bytes()).hexdigest()
    (entry,) = cache.iterdir()
    assert entry.name.endswith(f"-{digest}.cache")

    def no_parsing(*args: Any, **kwargs: Any) -> ceplan.Catalog:
        raise AssertionError("parsed although the cache holds the catalogue")

    monkeypatch.setattr(loading, "_parse", no_parsing)
    assert ceplan.load_catalog("comptia") == first
    assert ceplan.load_catalog(ROOT / FILES["comptia"]) == first
    assert list(cache.iterdir()) == [entry]
    entry.unlink()
    with pytest.raises(AssertionError, match="parsed although"):
        ceplan.load_catalog("comptia")


# -- the README ----------------------------------------------------------------------------------


def test_the_readme_table_lists_every_programme_with_its_tiers() -> None:
    """The table of "Bundled programmes" (its command outputs are run by test_readme.py)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Bundled programmes\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(FILES)
    for row in rows:
        name = row.split("`")[1]
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == raw(name)["programme"]
        assert cells[2].split("`")[1::2] == list(raw(name)["tiers"])
        assert cells[3] == f"`{FILES[name]}`"
