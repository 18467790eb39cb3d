"""What the readers of tables share.

The readers of CSV or Parquet files of activities (:mod:`ceplan._tableread`) and of CSV files
of people (:mod:`ceplan._rosterread`) read numbers and check headers by the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from ceplan.errors import InputFileError

__all__ = ["DECIMAL", "header_problems"]

DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
"""A cell that is a number: digits, a decimal point, an exponent (``12``, ``2.5``, ``1e3``)."""


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
    twice, or ``refused`` (with its message).
    """
    problems = []
    seen: set[str] = set()
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
        problems.append(InputFileError.Problem(file=file, line=line, field=column, message=message))
    missing = [
        InputFileError.Problem(file=file, line=line, field=column, message="missing column")
        for column in columns
        if column in required and column not in seen
    ]
    return [column for column in columns if column in seen], problems, missing
