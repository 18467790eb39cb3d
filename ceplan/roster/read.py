"""Reading a roster from YAML or CSV, and saying where its problems are.

A YAML roster is read as safely as a catalogue (:mod:`ceplan.catalogue.yamlread`: the fast reader,
or PyYAML's safe loader with the alias-bomb guard). Its people may come from a CSV file beside it
(``people_from: people.csv``). A CSV roster (``.csv``, or ``.tsv``) is people only, one row per
person, with the keys of a person as columns; its budgets and funds come from the caller (the
command line's options).

A CSV is read as spreadsheets export it: UTF-8 with or without a byte order mark; cells
separated by ``,``, ``;`` or a tab (see :func:`_delimiter`); a header matches a person's key
without regard to case, spaces, ``_`` and ``-`` (``Hours per week`` is ``hours_per_week``,
:func:`~ceplan.roster.models.column_key`), and two headers that match each other are refused.
Any other column is kept, as text, in the person's ``extra`` under its header (surrounding
spaces removed); a column without a header must be empty.

An empty cell leaves its field out; ``earned``, ``hours_per_week`` and ``priority`` cells that
are decimal numbers are numbers; ``exams`` is ``true``/``false`` (also ``yes``/``no`` and
``1``/``0``, in any case); ``passed``, ``completed`` and ``exclude`` are lists separated by ``;``
or ``,`` (ids and exam kinds hold neither); so are ``tier`` (several tiers held), and then
``expires`` and ``earned`` (one for every tier, or one per tier in the order of ``tier``);
``earned_in`` and ``earned_in_year`` are YAML only (a cell given is refused); everything else
is text, validated as in the YAML.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ceplan._files import read_file
from ceplan.catalogue.columns import DECIMAL, MAX_COLUMN_PROBLEMS
from ceplan.catalogue.loading import as_catalog
from ceplan.catalogue.models import Catalog
from ceplan.errors import CatalogError, RosterError, one_line, shorten
from ceplan.inputs import as_entries, as_optional_date, as_path
from ceplan.limits import MAX_EXPANDED_NODES
from ceplan.roster.models import (
    PERSON_KEYS,
    Budget,
    Fund,
    Person,
    Roster,
    RosterProblem,
    column_key,
    roster_problems,
    same_columns,
)

__all__ = ["check_roster", "load_roster", "load_roster_with_files", "read_roster"]

MAX_ROSTER_BYTES = 16 * 1024 * 1024
"""Roster files larger than this are refused without being read."""

COLUMNS = tuple(PERSON_KEYS.values())
"""The columns of a CSV roster a plan uses: a person's keys (any other column is kept as
the person's ``extra``)."""

_REQUIRED = tuple(name for name, field in Person.model_fields.items() if field.is_required())
_NUMBERS = ("earned", "hours_per_week", "priority")
_LISTS = ("passed", "completed", "exclude")
_BY_TIER = ("tier", "tiers", "expires", "earned")
"""Columns that may list one value per tier held (``cissp;ccsp``), matched by position."""
_YAML_ONLY = ("earned_in", "earned_in_year")
"""Columns a CSV cannot say (credits by category or by cycle year, each a mapping); a tier's
own exams passed are YAML only too (a CSV's ``passed`` holds for every tier)."""
_LIST_SEPARATORS = re.compile(r"[;,]")
"""What separates a list's entries in a cell: ids and exam kinds hold neither."""
_TRUTH = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
FILES_KEY = "people_from"


def read_roster(
    path: Path,
    name: str,
    *,
    budgets: Sequence[Any] = (),
    funds: Sequence[Any] = (),
    catalog: Catalog | None = None,
    today: dt.date | None = None,
) -> tuple[Roster, tuple[Path, ...]]:
    """The roster in ``path`` (YAML, or a CSV of people) and the files it was read from.

    ``name`` names it in problems. ``budgets`` and ``funds`` (models or plain data) are added
    to those of the file. With a ``catalog`` (and ``today``) the roster is checked against them
    too (see :func:`~ceplan.roster.models.roster_problems`). The files are ``path``, then the CSV of
    people it names (``people_from``), as named.
    """
    data = _read_bytes(path, name)
    files = [path]
    if path.suffix.lower() in (".csv", ".tsv"):
        people, where = _people_csv(data, name)
        content: dict[str, Any] = {"schema": 1, "team": path.stem, "people": people}
        origins: dict[str, Any] = {"people": where}
        root = None
    else:
        content, root, origins, named = _read_yaml(data, name, path.parent)
        files += named
    extra = {"budgets": list(budgets), "funds": list(funds)}
    for key, added in extra.items():
        if added:
            given = content.get(key, [])
            content[key] = [*(given if isinstance(given, list) else [given]), *added]
    roster, problems = roster_problems(content, catalog, today)
    if roster is not None:
        return roster, tuple(files)
    raise RosterError.from_problems(
        _placed(problem, content, name, root, origins) for problem in problems
    )


def check_roster(
    content: Mapping[str, Any],
    name: str,
    *,
    catalog: Catalog | None = None,
    today: dt.date | None = None,
) -> Roster:
    """Roster data in hand (plain data, or a roster's own) validated as a file's would be.

    Problems name ``name`` in place of a file, and the person, budget or fund by its position.
    """
    roster, problems = roster_problems(content, catalog, today)
    if roster is not None:
        return roster
    raise RosterError.from_problems(
        _placed(problem, content, name, None, {}) for problem in problems
    )


def _read_bytes(path: Path, name: str) -> bytes:
    """The bytes of a roster file (or of the CSV of people it names), or its problem."""
    try:
        return read_file(path, name, limit=MAX_ROSTER_BYTES, what="roster file")
    except CatalogError as exc:
        raise RosterError.from_problems(exc.problems) from None


def _read_yaml(
    data: bytes, name: str, folder: Path
) -> tuple[dict[str, Any], Any, dict[str, Any], list[Path]]:
    """The roster's data, its YAML nodes (for lines), where people from a CSV came from.

    And the files it names (``people_from``).
    """
    from ceplan.catalogue import yamlread as _yamlread
    from ceplan.catalogue.fastyaml import fast_load

    try:
        text = _yamlread.decode(data, name)
        content = fast_load(text, max_alias_nodes=MAX_EXPANDED_NODES)
        root = None
        if content is None:
            content, root = _yamlread.load_yaml(text, name)
        if root is None:
            loader = _yamlread.Loader(text)
            try:
                root = _yamlread.compose(loader, name)
            finally:
                loader.dispose()
    except CatalogError as exc:  # the YAML itself: the same problems as a catalogue's
        raise RosterError.from_problems(exc.problems) from None
    origins: dict[str, Any] = {}
    named: list[Path] = []
    if FILES_KEY in content:
        given = content.pop(FILES_KEY)
        if not isinstance(given, str) or not given.strip():
            raise RosterError(
                "expected the name of a CSV file of people",
                file=name,
                line=_yamlread.line_of(root, (FILES_KEY,)),
                field=FILES_KEY,
                value=_yamlread.show(given),
            )
        shown = os.path.join(os.path.dirname(name), given)
        people, where = _people_csv(_read_bytes(folder / given, shown), shown)
        named.append(folder / given)
        inline = content.get("people", [])
        content["people"] = [*(inline if isinstance(inline, list) else []), *people]
        origins["people"] = [None] * (len(inline) if isinstance(inline, list) else 0) + where
    return content, root, origins, named


def _people_csv(data: bytes, name: str) -> tuple[list[dict[str, Any]], list[_Origin]]:
    """The people of a CSV roster, and for each the file, line and row it is on.

    See the module's docstring for how the file is read.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError(f"not UTF-8 (save the file as UTF-8): {exc.reason}", file=name) from None
    try:
        delimiter, named = _delimiter(text)
        records = _records(text, delimiter)
        if named:
            next(records)  # the line that names the separator
        first = next(records, None)
        if first is None:
            raise RosterError("the file is empty; expected a header row", file=name, line=1)
        header_line, header = first
        header = [cell.strip() for cell in header]
        keys = _header(header, name, header_line)
        written = {
            key: column
            for key, column in zip(keys, header, strict=True)
            if key not in (None, _EXTRA)
        }
        people: list[dict[str, Any]] = []
        where: list[_Origin] = []
        problems: list[RosterError.Problem] = []
        for number, (line, row) in enumerate(records, start=1):
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            item = f"row {number}"
            if len(row) != len(header):
                problems.append(
                    RosterError.Problem(
                        file=name,
                        line=line,
                        item=item,
                        message=f"has {len(row)} cells where the header has {len(header)}",
                    )
                )
                continue
            person: dict[str, Any] = {}
            extra: dict[str, str] = {}
            for position, (key, column, cell) in enumerate(zip(keys, header, row, strict=True)):
                if key == _EXTRA:
                    extra[column] = cell
                elif key in _YAML_ONLY and cell.strip():
                    problems.append(
                        RosterError.Problem(
                            file=name,
                            line=line,
                            item=item,
                            field=key,
                            message="is given in a YAML roster only (a mapping in each "
                            "person's entry): leave the column out of the CSV",
                            value=_show(cell),
                        )
                    )
                elif key is not None:
                    if cell:
                        person[key] = _cell(key, cell)
                elif cell.strip():
                    problems.append(
                        RosterError.Problem(
                            file=name,
                            line=line,
                            item=item,
                            field=f"column {_letters(position)}",
                            message="has no header: name the column or leave it empty",
                            value=_show(cell),
                        )
                    )
            if extra:
                person["extra"] = extra
            people.append(person)
            where.append((name, line, number, written))
    except csv.Error as exc:
        raise RosterError(f"not a valid CSV file: {exc}", file=name) from None
    if problems:
        raise RosterError.from_problems(problems)
    return people, where


_Origin = tuple[str, int | None, int, Mapping[str, str]]
"""Where a person of a CSV file is: the file, the line, the row, and each key's column as
written in its header."""

_DELIMITERS = (",", ";", "\t")
"""The separators a CSV roster may use, the first preferred when the header cannot tell."""
_SEP_LINE = re.compile(r"sep=([^\"\r\n])", re.IGNORECASE)
"""A first line that names the separator, as spreadsheets write it (``sep=;``)."""
_EXTRA = "extra"
"""The key of a column the plan does not use: its cells go to the person's ``extra``."""


def _delimiter(text: str) -> tuple[str, bool]:
    r"""The separator of a CSV roster, and whether its first line names it (``sep=;``).

    Unless the first line names it, it is the separator with which the header names the most
    of a person's keys, then the one that splits it into the most columns, then ``,``: a
    separator inside a quoted header is text, and a roster whose lists are separated by ``;``
    in a ``,`` file still reads as ``,``.

    Examples
    --------
    >>> _delimiter('ID;Name;Tier;Expires;"Team, site"\nann;Ann;pro;2027-01-31;"Core, Leeds"\n')
    (';', False)
    >>> _delimiter('id,name,tier,expires,passed\nann,Ann,pro,2027-01-31,core;lab\n')
    (',', False)
    >>> _delimiter("sep=;\nid;name\n")
    (';', True)
    """
    first = re.match(r"[^\r\n]*", text)
    named = _SEP_LINE.fullmatch(first[0] if first else "")
    if named:
        return named[1], True
    return max(_DELIMITERS, key=lambda delimiter: _fit(text, delimiter)), False


def _fit(text: str, delimiter: str) -> tuple[int, int]:
    """How well ``delimiter`` reads the header: the person's keys it names, and its columns."""
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    keys = {PERSON_KEYS.get(column_key(column)) for column in header} - {None}
    return len(keys), len(header)


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The records of a CSV text, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        line = reader.line_num + 1
        record = next(reader, None)
        if record is None:
            return
        yield line, record


def _header(header: Sequence[str], name: str, line: int) -> list[str | None]:
    """For each column of the header, the person's key it is, ``"extra"`` or ``None`` (blank).

    Raises
    ------
    RosterError
        For two columns that mean the same (one problem naming both), and required keys missing.
    """
    keys: list[str | None] = []
    for column in header:
        matched = column_key(column)
        keys.append(PERSON_KEYS.get(matched, _EXTRA) if matched else None)
    problems: list[RosterError.Problem] = []
    named = [(position, column) for position, column in enumerate(header) if keys[position]]
    more = 0
    for later, first in same_columns(column for _, column in named):
        if len(problems) == MAX_COLUMN_PROBLEMS:
            more += 1
            continue
        (one, column), (other, again) = named[first], named[later]
        key = keys[one]
        meaning = "are the same column" if key == _EXTRA else f"both mean {key}"
        problems.append(
            RosterError.Problem(
                file=name,
                line=line,
                message=f"columns {_show(column)} (column {_letters(one)}) and "
                f"{_show(again)} (column {_letters(other)}) {meaning} (headers are matched "
                "without regard to case, spaces, '_' and '-'): keep one",
            )
        )
    if more:
        problems.append(
            RosterError.Problem(
                file=name,
                line=line,
                message=f"{more} more column{'s' if more > 1 else ''} that cannot be read",
            )
        )
    problems += [
        RosterError.Problem(file=name, line=line, field=key, message="missing column")
        for key in _REQUIRED
        if key not in keys
    ]
    if problems:
        raise RosterError.from_problems(problems)
    return keys


def _letters(position: int) -> str:
    """A column's position (from 0) as a spreadsheet names it: ``A``, ..., ``Z``, ``AA``...

    Examples
    --------
    >>> _letters(0), _letters(25), _letters(26), _letters(701), _letters(702)
    ('A', 'Z', 'AA', 'ZZ', 'AAA')
    """
    letters = ""
    position += 1
    while position:
        position, left = divmod(position - 1, 26)
        letters = chr(ord("A") + left) + letters
    return letters


def _show(text: str) -> str:
    """A header or cell as a problem quotes it."""
    return f"'{shorten(one_line(text))}'"


def _cell(column: str, cell: str) -> Any:
    """A CSV cell as the YAML would say it (see the module's docstring)."""
    if column in _BY_TIER and _LIST_SEPARATORS.search(cell):
        parts = [part.strip() for part in _LIST_SEPARATORS.split(cell)]
        return [float(p) if column in _NUMBERS and DECIMAL.fullmatch(p) else p for p in parts]
    if column in _NUMBERS and DECIMAL.fullmatch(cell):
        return float(cell)
    if column == "exams":
        return _TRUTH.get(cell.strip().lower(), cell)
    if column in _LISTS:
        return [part.strip() for part in _LIST_SEPARATORS.split(cell) if part.strip()]
    return cell


def _placed(
    problem: RosterProblem,
    content: Mapping[str, Any],
    name: str,
    root: Any,
    origins: Mapping[str, Any],
) -> RosterError.Problem:
    """A problem of the roster data, placed in its file, line and entry."""
    from ceplan.catalogue import yamlread as _yamlread

    loc = problem.loc
    value = _yamlread.show(problem.value) if problem.has_value else None
    file, line, item = name, None, None
    field = ".".join(str(part) for part in loc) or None
    if len(loc) >= 2 and loc[0] in ("people", "budgets", "funds") and isinstance(loc[1], int):
        section, index = str(loc[0]), loc[1]
        field = ".".join(str(part) for part in loc[2:]) or None
        entries = content.get(section)
        entry = (
            entries[index] if isinstance(entries, list | tuple) and index < len(entries) else None
        )
        key = "id" if section == "people" else "name"
        label = entry.get(key) if isinstance(entry, Mapping) else None
        where = origins.get(section)
        origin = where[index] if where is not None and index < len(where) else None
        if origin is not None:  # a row of a CSV file
            file, line, row, written = origin
            item = f"row {row}"
            if len(loc) >= 3 and loc[2] in written:  # the column as its header says it
                field = ".".join(str(part) for part in (written[str(loc[2])], *loc[3:]))
        else:
            item = f"{section}[{index}]"
            line = _yamlread.line_of(root, loc) if root is not None else None
        if isinstance(label, str):
            item += f" '{label}'"
    elif root is not None:
        line = _yamlread.line_of(root, loc)
    return RosterError.Problem(
        file=file, line=line, item=item, field=field, message=problem.message, value=value
    )


def load_roster(
    path: str | os.PathLike[str],
    *,
    budgets: Iterable[Budget | Mapping[str, Any]] = (),
    funds: Iterable[Fund | Mapping[str, Any]] = (),
    catalog: Catalog | str | os.PathLike[str] | None = None,
    today: Any = None,
) -> Roster:
    r"""Load and validate a roster: a YAML file, or a CSV of people (one row per person).

    Parameters
    ----------
    path
        ``team.yaml`` (SPEC section 7; its people may come from a CSV beside it with
        ``people_from: people.csv``), or ``people.csv`` (the team is then named after the file).
    budgets, funds
        More budget periods and funds (models or plain data, as in the YAML), after the file's.
    catalog
        Also check what the team needs of this catalogue (a
        :class:`~ceplan.catalogue.models.Catalog` or the path of a catalogue file): tiers, exam
        kinds, item ids, the funds' currencies, each problem placed in the roster file.
    today
        With ``catalog``, also check that each person's expiry can be planned from this day
        (:func:`ceplan.inputs.date_problem`).

    Raises
    ------
    RosterError
        Every problem found, each naming the file, the line or row, the person (or budget, or
        fund) and the field.
    PlanInputError
        For arguments of the wrong kind (a path that is not a string or path, budgets that are
        not a list...).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "team.csv").write_text(
    ...     "id,name,tier,expires,passed\nann,Ann,professional,2027-09-30,core;professional\n"
    ... )
    >>> roster = load_roster(folder / "team.csv", budgets=[
    ...     {"name": "FY27", "start": "2026-04-01", "end": "2027-03-31", "amount": 12000}])
    >>> roster.team, roster.people[0].passed, roster.budgets[0].amount
    ('team', ('core', 'professional'), 12000.0)
    """
    return load_roster_with_files(path, budgets=budgets, funds=funds, catalog=catalog, today=today)[
        0
    ]


def load_roster_with_files(
    path: str | os.PathLike[str],
    *,
    budgets: Iterable[Budget | Mapping[str, Any]] = (),
    funds: Iterable[Fund | Mapping[str, Any]] = (),
    catalog: Catalog | str | os.PathLike[str] | None = None,
    today: Any = None,
) -> tuple[Roster, tuple[Path, ...]]:
    """:func:`load_roster`, and the files the roster was read from.

    The roster file first, then the CSV of people it names (``people_from``), as named: what
    the command line never writes an output over.
    """
    file = as_path(path, "path")
    loaded = None if catalog is None else as_catalog(catalog)
    return read_roster(
        file,
        str(path),
        budgets=as_entries(budgets, "budgets"),
        funds=as_entries(funds, "funds"),
        catalog=loaded,
        today=as_optional_date(today, "today"),
    )
