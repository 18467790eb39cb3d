"""Activities from CSV and Parquet files (``activities_from``, ceplan/_tableread.py).

The reference is the catalogue written out in YAML as the README says a file's cells are read:
an empty cell leaves the field out, a cell of a number column that is a decimal number is that
number, any other cell is its text. Both must give the same catalogue, or both be refused.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

import ceplan
from ceplan.catalogue.table import COLUMNS_FROM
from tests.conftest import examples

HEADER = (
    "schema: 1\n"
    "programme: Test\n"
    "currency: GBP\n"
    "exchange_rates: {USD: 0.79}\n"
    "rates_as_of: 2026-11-01\n"
    "tiers: {pro: {paths: [{credits: 80}]}}\n"
)
COLUMNS = ["id", "title", "type", "credits", "cost", "currency", "hours", "expires", "source"]
NUMBERS = {"credits", "cost", "hours"}

CELLS: dict[str, Any] = {
    "id": st.sampled_from(["a", "b-1", "c.d", "A", "a b", ""]),
    "title": st.sampled_from(["Course", "Course, with comma", 'Say "hi"', " ", "", "Été"]),
    "type": st.sampled_from(["webinar", "online-course", ""]),
    "credits": st.sampled_from(["1", "2.5", "0", "-1", "1e1", ".5", "5.", "abc", "", "nan", "1_0"]),
    "cost": st.sampled_from(["0", "10", "80.38", "1.015", "-0.01", "1e16", "free", "", "inf"]),
    "currency": st.sampled_from(["", "GBP", "USD", "JPY", "usd"]),
    "hours": st.sampled_from(["", "0", "2.5", "-1", "x"]),
    "expires": st.sampled_from(["", "2027-06-30", "2027-13-01", "20270630", "soon"]),
    "source": st.sampled_from(["", "https://example.com/a?b=1,2"]),
}


def reference_value(column: str, cell: str) -> Any:
    """What the README says a cell is: a number where it reads as one, else its text."""
    if column in NUMBERS and cell.strip() == cell and "_" not in cell:
        try:
            number = float(cell)
        except ValueError:
            return cell
        return number if math.isfinite(number) else cell
    return cell


def reference_yaml(rows: list[dict[str, str]]) -> str:
    entries = [
        {column: reference_value(column, cell) for column, cell in row.items() if cell != ""}
        for row in rows
    ]
    # libyaml's dumper where there is one: the same text, five times as fast on 2,000 rows.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump({"activities": entries}, Dumper=dumper, sort_keys=False, allow_unicode=True)
    return HEADER + text


def filler(count: int) -> list[dict[str, str]]:
    """Valid rows, enough for the catalogue to be held as columns."""
    return [
        {"id": f"fill-{n}", "title": f"Filler {n}", "type": "webinar", "credits": "1", "cost": "5"}
        | {"currency": "", "hours": "", "expires": "", "source": ""}
        for n in range(count)
    ]


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> None:
    pd.DataFrame(rows, columns=columns, dtype=str).to_csv(path, index=False)


def load(path: Path) -> tuple[ceplan.Catalog | None, list[tuple[str | None, str]]]:
    """The catalogue, or the problems (field and message) that refused it."""
    try:
        return ceplan.load_catalog(path, cache=False), []
    except ceplan.CatalogError as error:
        return None, sorted((p.field, p.message) for p in error.problems)


@settings(max_examples=examples(40))  # half with 2,000 rows: the slowest test here
@given(
    st.lists(st.fixed_dictionaries(CELLS), min_size=1, max_size=4),
    st.booleans(),
)
@example([dict.fromkeys(COLUMNS, "")], False)
@example(
    [
        {**dict.fromkeys(COLUMNS, ""), "id": "a", "title": "T", "type": "w"}
        | {"credits": "1", "cost": "1"}
    ],
    True,
)
def test_a_csv_gives_the_catalogue_its_cells_say(rows: list[dict[str, str]], many: bool) -> None:
    rows = rows + filler(COLUMNS_FROM if many else 3)
    folder = Path(_tmp())
    try:
        (folder / "ref.yaml").write_text(reference_yaml(rows), encoding="utf-8")
        write_csv(folder / "acts.csv", rows)
        (folder / "cat.yaml").write_text(HEADER + "activities_from: acts.csv\n", encoding="utf-8")
        expected, expected_problems = load(folder / "ref.yaml")
        got, problems = load(folder / "cat.yaml")
        if expected is None:
            assert got is None, expected_problems
            assert problems == expected_problems
        else:
            assert got is not None, problems
            assert got == expected
            assert got.cents_of(got.activities[0].id) == expected.cents_of(got.activities[0].id)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _tmp() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="ceplan-test-")


# -- Parquet -------------------------------------------------------------------------------------

VALID_ROWS = [
    {"id": "a1", "title": "One", "type": "webinar", "credits": "10", "cost": "100"}
    | {"currency": "USD", "hours": "5", "expires": "2027-12-31", "source": ""},
    {"id": "a2", "title": "Two, with comma", "type": "online", "credits": "40", "cost": "250.5"}
    | {"currency": "", "hours": "", "expires": "", "source": "https://example.com"},
]


def typed_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """The rows with typed columns, as a Parquet writer would keep them."""
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype=str).replace("", None)
    for column in NUMBERS:
        frame[column] = pd.to_numeric(frame[column])
    frame["credits"] = frame["credits"].astype("int64")
    frame["expires"] = pd.Series(
        [dt.date.fromisoformat(day) if isinstance(day, str) else None for day in frame["expires"]],
        dtype=object,
    )
    return frame


@pytest.mark.parametrize("count", [2, COLUMNS_FROM + 5])
def test_a_parquet_file_gives_the_catalogue_its_rows_say(tmp_path: Path, count: int) -> None:
    pytest.importorskip("pyarrow")
    rows = (VALID_ROWS + filler(count))[:count]
    (tmp_path / "ref.yaml").write_text(reference_yaml(rows), encoding="utf-8")
    typed_frame(rows).to_parquet(tmp_path / "acts.parquet")
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.parquet\n", encoding="utf-8")
    got = ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)
    assert got == ceplan.load_catalog(tmp_path / "ref.yaml", cache=False)
    assert (got._table is not None) == (count >= COLUMNS_FROM)


def test_timestamps_at_midnight_are_dates_and_others_are_refused(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    frame = typed_frame(VALID_ROWS)
    frame["expires"] = pd.to_datetime(["2027-12-31 00:00", "2028-01-01 12:30"])
    frame.to_parquet(tmp_path / "acts.parquet")
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.parquet\n", encoding="utf-8")
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)
    (problem,) = info.value.problems
    assert (problem.item, problem.field, problem.line) == ("row 2 'a2'", "expires", None)
    assert problem.file == str(tmp_path / "acts.parquet")
    frame["expires"] = pd.to_datetime(["2027-12-31", None])
    frame.to_parquet(tmp_path / "acts.parquet")
    catalog = ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)
    assert [a.expires for a in catalog.activities] == [dt.date(2027, 12, 31), None]


@pytest.mark.parametrize("count", [4, COLUMNS_FROM + 4])
def test_decimal_columns_are_numbers(tmp_path: Path, count: int) -> None:
    """A database export keeps money as ``decimal(10,2)``: read as the same number in YAML is."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    decimals = [Decimal("80.38"), Decimal("1.015"), Decimal("0.1"), Decimal("1e3")]
    rows = [
        {"id": f"a{n}", "title": f"T{n}", "type": "webinar"}
        | {"credits": decimals[n % 4] + 1, "cost": decimals[n % 4], "hours": decimals[n % 4] * 3}
        for n in range(count)
    ]
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    table = pa.table(
        columns
        | {
            "credits": pa.array(columns["credits"], pa.decimal128(10, 3)),
            "cost": pa.array(columns["cost"], pa.decimal128(38, 6)),
            "hours": pa.array(columns["hours"], pa.decimal256(40, 4)),
        }
    )
    pq.write_table(table, tmp_path / "acts.parquet")
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.parquet\n", encoding="utf-8")
    reference = [
        {key: float(value) if isinstance(value, Decimal) else value for key, value in row.items()}
        for row in rows
    ]
    (tmp_path / "ref.yaml").write_text(
        HEADER + yaml.safe_dump({"activities": reference}, sort_keys=False), encoding="utf-8"
    )
    got = ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)
    assert got == ceplan.load_catalog(tmp_path / "ref.yaml", cache=False)
    assert [a.cost for a in got.activities[:4]] == [80.38, 1.015, 0.1, 1000.0]
    assert [a.credits for a in got.activities[:4]] == [81.38, 2.015, 1.1, 1001.0]


@pytest.mark.parametrize("many", [False, True])
def test_decimal_columns_with_empty_cells_and_bad_values(tmp_path: Path, many: bool) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    good = filler(COLUMNS_FROM if many else 1)
    ids = ["d1", "d2", "d3", *(row["id"] for row in good)]
    table = pa.table(
        {
            "id": ids,
            "title": [f"T {one}" for one in ids],
            "type": ["webinar"] * len(ids),
            "credits": pa.array([Decimal(2)] * len(ids), pa.decimal128(5, 0)),
            "cost": pa.array(
                [Decimal("12.50"), None, Decimal(10) ** 70, *[Decimal(5)] * len(good)],
                pa.decimal256(76, 2),
            ),
            "hours": pa.array(
                [None, Decimal("1.5"), None, *[None] * len(good)], pa.decimal128(5, 1)
            ),
        }
    )
    pq.write_table(table, tmp_path / "acts.parquet")
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.parquet\n", encoding="utf-8")
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)
    folder = str(tmp_path) + os.sep
    assert [str(problem).replace(folder, "") for problem in info.value.problems] == [
        "acts.parquet: row 2 'd2': field 'cost': is required",
        "acts.parquet: row 3 'd3': field 'cost': is too large: at most 10,000,000,000,000 in the"
        " catalogue's currency (got 1e+70)",
    ]
    table = table.set_column(
        4, "cost", pa.array([Decimal("12.50")] * len(ids), pa.decimal128(4, 2))
    )
    pq.write_table(table, tmp_path / "acts.parquet")
    catalog = ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)
    assert [(a.cost, a.hours) for a in catalog.activities[:3]] == [
        (12.5, None),
        (12.5, 1.5),
        (12.5, None),
    ]


def test_parquet_without_pyarrow_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acts.parquet").write_bytes(b"PAR1")
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.parquet\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ceplan.CatalogError, match=r"pip install 'ceplan\[parquet\]'"):
        ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)


# -- problems, named -----------------------------------------------------------------------------


def catalogue_problems(tmp_path: Path, csv_text: str, key: str = "acts.csv") -> list[str]:
    (tmp_path / "acts.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "cat.yaml").write_text(
        HEADER + "activities:\n- {id: inline, title: I, type: w, credits: 1, cost: 1}\n"
        f"activities_from: {key}\n",
        encoding="utf-8",
    )
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)
    folder = str(tmp_path) + os.sep
    return [str(problem).replace(folder, "") for problem in info.value.problems]


def test_a_bad_row_is_named_by_file_line_row_id_and_field(tmp_path: Path) -> None:
    text = (
        "id,title,type,credits,cost\n"
        "a1,One,w,1,5\n"
        "a2,Two,w,many,5\n"
        "a3,,w,1,-2\n"
        "inline,Again,w,1,1\n"
    )
    assert catalogue_problems(tmp_path, text) == [
        "acts.csv:3: row 2 'a2': field 'credits': Input should be a valid number (got 'many')",
        "acts.csv:4: row 3 'a3': field 'title': is required",
        "acts.csv:4: row 3 'a3': field 'cost': Input should be greater than or equal to 0"
        " (got -2.0)",
        "acts.csv:5: row 4 'inline': field 'id': duplicate id, first used by activities[0]"
        " (got 'inline')",
    ]


def test_a_cell_over_two_lines_leaves_rows_without_lines(tmp_path: Path) -> None:
    text = 'id,title,type,credits,cost\na1,"One\nand more",w,1,5\na2,Two,w,0,5\n'
    assert catalogue_problems(tmp_path, text) == [
        "acts.csv: row 2 'a2': field 'credits': Input should be greater than 0 (got 0.0)",
    ]


def test_every_problem_of_the_header_at_once(tmp_path: Path) -> None:
    text = "id,title,colour,sessions,credits,credits\na,T,red,,1,1\n"
    assert catalogue_problems(tmp_path, text) == [
        "acts.csv:1: field 'colour': unknown column (the columns are id, title, cost, currency,"
        " hours, source, available_from, type, credits, expires)",
        "acts.csv:1: field 'sessions': sessions do not fit in a row: keep activities with"
        " sessions in the YAML",
        "acts.csv:1: field 'credits': column given twice",
        "acts.csv:1: field 'cost': missing column",
        "acts.csv:1: field 'type': missing column",
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("5", "cat.yaml:9: field 'activities_from': expected a file name or a list of file"),
        ("[]", "cat.yaml:9: field 'activities_from': expected a file name or a list of file"),
        ("acts.xlsx", "acts.xlsx: cannot read activities from a .xlsx: give a .csv or .parquet"),
        ("missing.csv", "missing.csv: no such file"),
        ("folder.csv", "folder.csv: is a directory, not a file"),
    ],
)
def test_files_that_cannot_be_read_are_named(tmp_path: Path, key: str, expected: str) -> None:
    (tmp_path / "folder.csv").mkdir()
    (problem,) = catalogue_problems(tmp_path, "id,title,type,credits,cost\n", key)
    assert problem.startswith(expected), problem


def test_a_huge_file_of_activities_is_refused_without_being_read(tmp_path: Path) -> None:
    from ceplan.catalogue.tableread import MAX_TABLE_BYTES

    with (tmp_path / "acts.csv").open("wb") as file:
        file.truncate(MAX_TABLE_BYTES + 1)  # sparse: no real disk space
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.csv\n", encoding="utf-8")
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)
    assert str(info.value) == f"{tmp_path / 'acts.csv'}: is larger than 1024 MiB"


def test_bytes_that_are_not_utf8_are_named(tmp_path: Path) -> None:
    (tmp_path / "acts.csv").write_bytes(b"id,title,type,credits,cost\na,Caf\xe9,w,1,1\n")
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.csv\n", encoding="utf-8")
    with pytest.raises(ceplan.CatalogError, match=r"acts\.csv: not UTF-8"):
        ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)


# -- where files are found, and the cache --------------------------------------------------------


def test_files_are_found_beside_the_catalogue_and_named_as_the_user_named_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "sub"
    folder.mkdir()
    write_csv(folder / "one.csv", VALID_ROWS[:1])
    write_csv(folder / "two.csv", [VALID_ROWS[1] | {"credits": "0"}])
    (folder / "cat.yaml").write_text(
        HEADER + "activities_from: [one.csv, two.csv]\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog("sub/cat.yaml", cache=False)
    assert str(info.value).startswith(
        os.path.join("sub", "two.csv") + ":2: row 1 'a2': field 'credits'"
    )
    write_csv(folder / "two.csv", VALID_ROWS[1:])
    catalog = ceplan.load_catalog("sub/cat.yaml", cache=False)
    assert [a.id for a in catalog.activities] == ["a1", "a2"]


def test_the_cache_holds_while_the_files_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ceplan.catalogue import loading

    parses: list[str] = []
    real = loading._parse
    monkeypatch.setattr(loading, "_parse", lambda *args: parses.append(args[1]) or real(*args))
    write_csv(tmp_path / "acts.csv", VALID_ROWS)
    catalogue = HEADER + "activities_from: acts.csv\n"
    (tmp_path / "cat.yaml").write_text(catalogue, encoding="utf-8")
    first = ceplan.load_catalog(tmp_path / "cat.yaml")
    assert ceplan.load_catalog(tmp_path / "cat.yaml") == first
    assert len(parses) == 1, "the second load did not come from the cache"
    write_csv(tmp_path / "acts.csv", [VALID_ROWS[0] | {"cost": "7"}])
    assert [a.cost for a in ceplan.load_catalog(tmp_path / "cat.yaml").activities] == [7.0]
    assert len(parses) == 2, "a changed file was not read again"
    # The same catalogue elsewhere names another file.
    other = tmp_path / "other"
    other.mkdir()
    (other / "cat.yaml").write_text(catalogue, encoding="utf-8")
    write_csv(other / "acts.csv", VALID_ROWS[1:])
    assert [a.id for a in ceplan.load_catalog(other / "cat.yaml").activities] == ["a2"]


def test_the_command_line_plans_from_a_csv_and_refuses_a_bad_one(tmp_path: Path) -> None:
    write_csv(tmp_path / "acts.csv", [VALID_ROWS[0], VALID_ROWS[1] | {"credits": "80"}])
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.csv\n", encoding="utf-8")
    command = [sys.executable, "-m", "ceplan", "optimise", "--catalog", "cat.yaml"]
    command += ["--tier", "pro", "--today", "2026-11-29", "--expires", "2027-12-31"]
    command += ["--format", "json"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert '"a2"' in done.stdout
    write_csv(tmp_path / "acts.csv", [VALID_ROWS[0] | {"cost": "lots"}])
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "ceplan: error: acts.csv:2: row 1 'a1': field 'cost': Input should be a valid number"
        " (got 'lots')"
    )


def costs(path: Path) -> list[float]:
    """The costs of the activities of the catalogue at ``path``, loaded through the cache."""
    return [activity.cost for activity in ceplan.load_catalog(path).activities]


def test_a_link_pointed_at_another_file_is_read_again(tmp_path: Path) -> None:
    """The cache checks what the name in the catalogue reads now, not where it led before."""
    write_csv(tmp_path / "dear.csv", [VALID_ROWS[0] | {"cost": "666"}])
    write_csv(tmp_path / "free.csv", [VALID_ROWS[0] | {"cost": "0"}])
    (tmp_path / "acts.csv").symlink_to("dear.csv")
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.csv\n", encoding="utf-8")
    assert costs(tmp_path / "cat.yaml") == [666.0]
    (tmp_path / "acts.csv").unlink()
    (tmp_path / "acts.csv").symlink_to("free.csv")
    assert costs(tmp_path / "cat.yaml") == [0.0]


def write_activities(path: Path, cost: str) -> None:
    """One activity costing ``cost``, in a CSV or a Parquet file as the suffix of ``path`` says."""
    rows = [VALID_ROWS[0] | {"cost": cost}]
    if path.suffix == ".csv":
        write_csv(path, rows)
    else:
        typed_frame(rows).to_parquet(path)


@pytest.mark.parametrize(
    ("suffix", "moment"),
    [
        (".csv", "read_file"),  # between reading the bytes and parsing them
        (".csv", "_read_csv"),  # between parsing the rows and caching them
        (".parquet", "read_file"),
        (".parquet", "_read_parquet"),
    ],
)
def test_a_file_replaced_while_it_is_read_leaves_no_stale_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, moment: str
) -> None:
    """The load gives what it read; the cache records the hash of those bytes, not of the new
    file, so the next load reads the new file."""
    from ceplan.catalogue import tableread as _tableread

    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    acts = tmp_path / f"acts{suffix}"
    write_activities(acts, "666")
    (tmp_path / "cat.yaml").write_text(HEADER + f"activities_from: {acts.name}\n", encoding="utf-8")
    real = getattr(_tableread, moment)
    replaced: list[Path] = []

    def then_replace(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not replaced:
            write_activities(tmp_path / f"new{suffix}", "0")
            os.replace(tmp_path / f"new{suffix}", acts)
            replaced.append(acts)
        return result

    monkeypatch.setattr(_tableread, moment, then_replace)
    assert costs(tmp_path / "cat.yaml") == [666.0]
    assert replaced == [acts]
    assert costs(tmp_path / "cat.yaml") == [0.0]
    assert costs(tmp_path / "cat.yaml") == [0.0]  # and from the cache


# -- headers that say too much -------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        ["x" * 2000],  # one very long name (a device's header can be one long line)
        [f"colour{n}" for n in range(500)],  # a great many unknown columns
        ["id"] * 500,  # a column given a great many times
        ["a\nb" * 400],  # a name over several lines, quoted
    ],
)
def test_a_header_with_long_or_many_unknown_columns_gives_short_lines(
    tmp_path: Path, extra: list[str]
) -> None:
    header = ["id", "title", "type", "credits", "cost", *extra]
    write_csv(tmp_path / "acts.csv", [dict.fromkeys(header, "1")], columns=header)
    (tmp_path / "cat.yaml").write_text(HEADER + "activities_from: acts.csv\n", encoding="utf-8")
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(tmp_path / "cat.yaml", cache=False)
    folder = str(tmp_path) + os.sep
    lines = str(info.value).replace(folder, "").split("\n")
    assert len(lines) == len(info.value.problems) <= 11
    assert all(len(line) < 300 for line in lines), max(lines, key=len)
    assert lines[0].startswith("acts.csv:1: field '"), lines[0]
    if len(extra) > 10:
        assert lines[-1] == f"acts.csv:1: {len(extra) - 10} more columns that cannot be read"
