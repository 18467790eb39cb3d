"""What the readers of tables share.

The readers of CSV or Parquet files of activities (:mod:`ceplan.catalogue.tableread`) and of CSV
files of people (:mod:`ceplan.roster.read`) read numbers and check headers by the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from ceplan.errors import InputFileError, one_line, shorten

__all__ = ["DECIMAL", "MAX_COLUMN_PROBLEMS", "header_problems"]

DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
"""A cell that is a number: digits, a decimal point, an exponent (``12``, ``2.5``, ``1e3``)."""

MAX_COLUMN_PROBLEMS = 10
"""A header's problems name at most this many columns (unknown, given twice...); one more
problem says how many other columns cannot be read."""


def header_problems(
    header: Sequence[str],
    columns: Sequence[str],
    required: Collection[str],
    *,
    file: str,
    line: int | None,
    refused: Mapping[str, str] | None = None,
) -> tuple[list[str], list[InputFileError.Problem], list[InputFileError.Problem]]:
    """What a header row says: the columns to read, its problems, the required ones missing.

    The columns to read come in the order of ``columns``; a problem is a column unknown, given
    twice, or ``refused`` (with its message). A column's name is cut short as a value is, and
    after :data:`MAX_COLUMN_PROBLEMS` such columns, one more problem counts the rest.

    Examples
    --------
    >>> read, problems, missing = header_problems(
    ...     ["id", "x" * 100, "id"], ["id", "cost"], ["cost"], file="a.csv", line=1
    ... )
    >>> read, len(problems[0].field), problems[1].message, missing[0].field
    (['id'], 60, 'column given twice', 'cost')
    """
    problems: list[InputFileError.Problem] = []
    seen: set[str] = set()
    more = 0
    for column in header:
        if column in seen:
            message = "column given twice"
        elif refused and column in refused:
            message = refused[column]
        elif column not in columns:
            message = f"unknown column (the columns are {', '.join(columns)})"
        else:
            seen.add(column)
            continue
        if len(problems) == MAX_COLUMN_PROBLEMS:
            more += 1
            continue
        field = shorten(one_line(column))
        problems.append(InputFileError.Problem(file=file, line=line, field=field, message=message))
    if more:
        problems.append(
            InputFileError.Problem(
                file=file,
                line=line,
                message=f"{more} more column{'s' if more > 1 else ''} that cannot be read",
            )
        )
    missing = [
        InputFileError.Problem(file=file, line=line, field=column, message="missing column")
        for column in columns
        if column in required and column not in seen
    ]
    return [column for column in columns if column in seen], problems, missing
