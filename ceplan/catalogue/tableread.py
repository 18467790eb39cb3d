"""Activities from CSV or Parquet files, named by a catalogue's ``activities_from``.

A catalogue of a million activities is a table, and tables are kept as CSV or Parquet. A
catalogue file can name such files instead of (or as well as) listing activities::

    activities_from: sessions.csv            # or a list: [courses.csv, live-2027.parquet]

Paths are relative to the catalogue file's folder. Each file has one row per activity and one
column per field of an activity (``id``, ``title``, ``type``, ``credits``, ``cost``, and
optionally ``currency``, ``hours``, ``expires``, ``available_from``, ``source``); an empty cell
is a field left out. Sessions do not fit in a row: an activity with sessions stays in the YAML,
as does one with schema 2's ``categories`` or ``counts_for`` (such a column is refused).
Rows are validated exactly as the YAML entries are, and a problem names the file, the row (and,
in a CSV whose rows are one line each, the line), the activity and the field.

A CSV's cells are text. An empty cell leaves its field out; a cell of ``credits``, ``cost`` or
``hours`` that is a decimal number (``12``, ``2.5``, ``1e3``: digits, a point, an exponent) is
that number; every other cell is its text, validated as the same text in the YAML would be (a
date as ``YYYY-MM-DD``; ``inf``, ``1_000`` or `` 5`` where a number belongs are refused). Parquet
needs pyarrow (``pip install 'ceplan[parquet]'``); its typed columns are taken as they are (a
date column as dates, a timestamp at midnight as its date, a decimal column, as databases export
money, as the numbers its digits say).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ceplan._files import read_file
from ceplan.catalogue.columns import DECIMAL, header_problems
from ceplan.catalogue.table import FIELDS, REQUIRED, SCHEMA_2_FIELDS
from ceplan.errors import CatalogError

__all__ = ["COLUMNS", "MAX_TABLE_BYTES", "FileRows", "read_rows"]

MAX_TABLE_BYTES = 1024 * 1024 * 1024
"""Files of activities larger than this are refused without being read (a million activities
take about 90 MiB of CSV)."""

COLUMNS = tuple(name for name in FIELDS if name != "sessions" and name not in SCHEMA_2_FIELDS)
"""The columns a file of activities may have."""

_NUMBERS = ("credits", "cost", "hours")
_FEW_VALUES = ("type", "currency", "expires", "available_from")
"""Columns with few distinct values."""
_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_REFUSED = {
    "sessions": "sessions do not fit in a row: keep activities with sessions in the YAML",
    **{
        name: f"{name} does not fit in a row: keep activities with {name} in the YAML"
        for name in sorted(SCHEMA_2_FIELDS)
    },
}


@dataclass(frozen=True, eq=False)
class FileRows:
    """The rows of one file of activities, one list or array per column present."""

    name: str
    """The file as problems name it."""
    columns: dict[str, Any]
    """By field: a list with a value per row (``None`` for an empty cell), or for numbers an
    array of floats (``NaN`` for an empty cell)."""
    count: int
    first_line: int | None
    """The line of the first row, when each row is one line (a CSV without line breaks in its
    cells); else ``None``."""
    problems: tuple[CatalogError.Problem, ...] = ()
    """What is wrong with the header (unknown columns...); the rows were read all the same."""
    digest: str = ""
    """The SHA-256 of the bytes the rows were read from."""

    def line(self, row: int) -> int | None:
        """The line of row ``row`` (0-based), if known."""
        return None if self.first_line is None else self.first_line + row

    def records(self) -> Iterator[dict[str, Any]]:
        """Each row as an entry of a catalogue's ``activities``, empty cells left out."""
        columns = [(name, _plain(values)) for name, values in self.columns.items()]
        for row in range(self.count):
            yield {name: values[row] for name, values in columns if values[row] is not None}


def _plain(values: list[Any] | np.ndarray) -> list[Any]:
    if isinstance(values, np.ndarray):
        return [None if math.isnan(value) else value for value in values.tolist()]
    return list(values)


def read_rows(path: Path, name: str) -> FileRows:
    """The activities in the CSV or Parquet file ``path`` (``name`` names it in problems).

    The file is read once: its rows are parsed from the very bytes whose SHA-256 they carry.
    """
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise CatalogError(
            f"cannot read activities from a {path.suffix or 'file without a suffix'}: "
            "give a .csv or .parquet file",
            file=name,
        )
    data = read_file(path, name, limit=MAX_TABLE_BYTES, what="file of activities")
    digest = hashlib.sha256(data).hexdigest()
    rows = _read_csv(data, name) if kind == "csv" else _read_parquet(data, name)
    return dataclasses.replace(rows, digest=digest)


def _check_header(
    header: Sequence[str], name: str, line: int | None
) -> tuple[list[str], list[CatalogError.Problem]]:
    """The columns to read, and the header's problems; raises if rows cannot be read at all."""
    read, problems, missing = header_problems(
        header, COLUMNS, REQUIRED, file=name, line=line, refused=_REFUSED
    )
    if missing:  # every row would say so: the header's problems alone
        raise CatalogError.from_problems(problems + missing)
    return read, problems


def _read_csv(data: bytes, name: str) -> FileRows:
    try:
        stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
        header = next(csv.reader(stream), None)
        if header is None:
            raise CatalogError("the file is empty; expected a header row", file=name, line=1)
        read, problems = _check_header(header, name, 1)
        frame = pd.read_csv(
            io.BytesIO(data),
            usecols=read,
            dtype=str,
            encoding="utf-8-sig",
            keep_default_na=False,
            na_values=[""],
        )
    except UnicodeDecodeError as exc:
        raise CatalogError(f"not UTF-8 (save the file as UTF-8): {exc.reason}", file=name) from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise CatalogError(f"not a valid CSV file: {exc}", file=name) from None
    one_line_each = _lines(data) == len(frame) + 1  # no blank lines, no line breaks in cells
    columns = {column: _column(frame[column], column) for column in read}
    return FileRows(name, columns, len(frame), 2 if one_line_each else None, tuple(problems))


def _lines(data: bytes) -> int:
    """How many lines ``data`` has."""
    return data.count(b"\n") + (data[-1:] not in (b"", b"\n"))


def _read_parquet(data: bytes, name: str) -> FileRows:
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:
        raise CatalogError(
            "reading Parquet needs pyarrow: pip install 'ceplan[parquet]'", file=name
        ) from None
    try:
        schema = pq.read_schema(pa.BufferReader(data))
        read, problems = _check_header(list(schema.names), name, None)
        frame = pd.read_parquet(pa.BufferReader(data), engine="pyarrow", columns=read)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise CatalogError(f"not a valid Parquet file: {exc}", file=name) from None
    decimals = {field.name for field in schema if pa.types.is_decimal(field.type)}
    columns = {
        column: _decimals(frame[column], column)
        if column in decimals
        else _column(frame[column], column)
        for column in read
    }
    return FileRows(name, columns, len(frame), None, tuple(problems))


def _decimals(series: Any, column: str) -> list[Any] | np.ndarray:
    """A column of decimal numbers (a database's ``decimal(10,2)``) as floats.

    Each is the float its digits written out give, as in the YAML; ``None`` for an empty cell.
    """
    values = [None if _missing(value) else float(value) for value in series.tolist()]
    if column in _NUMBERS and all(value is None or math.isfinite(value) for value in values):
        return np.array([math.nan if value is None else value for value in values])
    return values


def _column(series: Any, column: str) -> list[Any] | np.ndarray:
    """A column's values as the YAML reader would give them, ``None`` for an empty cell."""
    kind = series.dtype
    number = column in _NUMBERS
    if pd.api.types.is_bool_dtype(kind):
        values = series.tolist()
    elif pd.api.types.is_numeric_dtype(kind):
        if number and kind == np.float64:
            return np.asarray(series.to_numpy(), dtype=np.float64)
        values = series.tolist()  # whole numbers, or numbers in a text column
    elif pd.api.types.is_datetime64_any_dtype(kind):
        return [_day(value) for value in series.tolist()]
    elif number and pd.api.types.is_string_dtype(kind):
        return _numbers_in(series)
    elif column in _FEW_VALUES and (shared := _shared(series)) is not None:
        return shared
    else:
        values = list(series.tolist())
        for row in np.flatnonzero(series.isna().to_numpy()).tolist():
            values[row] = None
        return values
    return [None if _missing(value) else value for value in values]


def _shared(series: Any) -> list[Any] | None:
    """The values, each distinct one made once and shared by its rows.

    ``None`` if they cannot be told apart by hashing.
    """
    try:
        codes, distinct = pd.factorize(series, use_na_sentinel=True)
    except TypeError:
        return None
    lookup = np.empty(len(distinct) + 1, dtype=object)  # code -1, an empty cell: the last
    for code, value in enumerate(distinct.tolist()):
        lookup[code] = value
    return list(lookup[codes].tolist())


def _numbers_in(series: Any) -> list[Any] | np.ndarray:
    """A column of text where numbers belong, as numbers.

    An array of floats if every cell is a number or empty (``NaN``); else each cell as a number
    where it is one and as written where it is not.
    """
    present = series.notna().to_numpy()
    numbers = series.str.fullmatch(DECIMAL.pattern).fillna(False).to_numpy(dtype=bool)
    if bool(np.all(numbers | ~present)):
        array = np.full(len(series), math.nan)
        array[numbers] = series[numbers].astype("float64").to_numpy()
        return array
    return [_number(value) for value in series.tolist()]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _number(value: Any) -> Any:
    if _missing(value):
        return None
    if isinstance(value, str) and DECIMAL.fullmatch(value):
        return float(value)
    return value


def _day(value: Any) -> Any:
    """A timestamp at midnight as its date; any other as it is (validation says what is wrong)."""
    if _missing(value) or value is pd.NaT:
        return None
    if value == value.normalize() and value.tzinfo is None:
        return dt.date(value.year, value.month, value.day)
    return value
