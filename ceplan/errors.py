"""Exceptions raised by ceplan.

Every error a user can cause by bad input is a :class:`CeplanError`; the command line turns
each one into a line on stderr (a :class:`CatalogError`, a line per problem) and exit status 2.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable
from typing import ClassVar, Self

__all__ = [
    "MAX_VALUE_CHARS",
    "CatalogError",
    "CeplanError",
    "InputFileError",
    "PlanInputError",
    "RosterError",
    "SolverError",
]


def one_line(text: str) -> str:
    r"""``text`` with line breaks and other control characters escaped, so it prints as one line.

    Examples
    --------
    >>> one_line("bad\nid")
    'bad\\nid'
    """
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or unicodedata.category(char) == "Zs" else repr(char)[1:-1]
        for char in text
    )


MAX_VALUE_CHARS = 60
"""A problem echoes at most this many characters of the offending value."""


def shorten(text: str) -> str:
    """``text`` as a problem echoes it: at most :data:`MAX_VALUE_CHARS` characters.

    Examples
    --------
    >>> shorten("a short value"), len(shorten("x" * 2000)), shorten("x" * 2000)[-4:]
    ('a short value', 60, 'x...')
    """
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 3] + "..."


class CeplanError(Exception):
    """Base class of every error ceplan raises on purpose; its text is always one line."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class InputFileError(CeplanError, ValueError):
    """An input file (a catalogue, a roster) that cannot be read or breaks rules of its schema.

    The error carries every problem found, in :attr:`problems`, sorted by line. Its text is one
    line per problem (at most :attr:`MAX_PROBLEMS` lines, then one saying how many more there
    were), so unlike other ceplan errors it can span lines. :attr:`message`, :attr:`file`,
    :attr:`item`, :attr:`field` and :attr:`line` are those of the first problem.

    Parameters
    ----------
    message
        What is wrong, in words.
    file
        The file the catalogue came from, if any.
    item
        The item (``"activities[3] 'rev-up-python'"``) or section concerned, if any.
    field
        The field concerned, if any.
    line
        The 1-based line in ``file`` where the problem is, if known.
    value
        The offending value as the message shows it (``"'£150'"``), if any.

    Examples
    --------
    >>> str(CatalogError("must be >= 0", file="cat.yaml", item="activities[0] 'a'", field="cost"))
    "cat.yaml: activities[0] 'a': field 'cost': must be >= 0"
    >>> Problem = CatalogError.Problem
    >>> error = CatalogError.from_problems(
    ...     [
    ...         Problem(file="c.yaml", line=9, field="id", message="unknown key"),
    ...         Problem(file="c.yaml", line=4, field="cost", message="< 0", value="-2"),
    ...     ]
    ... )
    >>> print(error)
    c.yaml:4: field 'cost': < 0 (got -2)
    c.yaml:9: field 'id': unknown key
    >>> error.line
    4
    """

    MAX_PROBLEMS: ClassVar[int] = 20
    """The most problems the text of the error lists."""

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Problem:
        """One problem in a catalogue.

        Its text is one line: ``catalog.yaml:42: activities[3] 'x': field 'cost': ... (got -1)``.
        """

        file: str | None = None
        """The file the catalogue came from, if any."""
        line: int | None = None
        """The 1-based line in ``file`` where the problem is, if known."""
        item: str | None = None
        """The item (``"activities[3] 'rev-up-python'"``) or section concerned, if any."""
        field: str | None = None
        """The field within the item (``"cost"``, ``"sessions.0.start"``), if any."""
        message: str
        """What is wrong, in words."""
        value: str | None = None
        """The offending value, shortened, as the text shows it after ``got``; or ``None``."""

        def __str__(self) -> str:
            where = self.file or "<catalogue>"
            if self.line is not None:
                where += f":{self.line}"
            parts = [where]
            if self.item:
                parts.append(self.item)
            if self.field:
                parts.append(f"field '{self.field}'")
            parts.append(
                self.message if self.value is None else f"{self.message} (got {self.value})"
            )
            return one_line(": ".join(parts))

    problems: tuple[Problem, ...]
    """Every problem found, sorted by line (problems with no line first)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        item: str | None = None,
        field: str | None = None,
        line: int | None = None,
        value: str | None = None,
    ) -> None:
        problem = self.Problem(
            file=file, line=line, item=item, field=field, message=message, value=value
        )
        self._hold((problem,))

    @classmethod
    def from_problems(cls, problems: Iterable[InputFileError.Problem]) -> Self:
        """The error for ``problems`` (at least one), which it sorts by file and line."""
        ordered = sorted(problems, key=lambda problem: (problem.file or "", problem.line or 0))
        if not ordered:
            raise ValueError("a CatalogError needs at least one problem")
        error = cls(ordered[0].message)
        error._hold(tuple(ordered))
        return error

    def _hold(self, problems: tuple[CatalogError.Problem, ...]) -> None:
        self.problems = problems
        super().__init__(str(self))

    @property
    def message(self) -> str:
        """What is wrong with the first problem."""
        return self.problems[0].message

    @property
    def file(self) -> str | None:
        """The file of the first problem."""
        return self.problems[0].file

    @property
    def item(self) -> str | None:
        """The item of the first problem."""
        return self.problems[0].item

    @property
    def field(self) -> str | None:
        """The field of the first problem."""
        return self.problems[0].field

    @property
    def line(self) -> int | None:
        """The line of the first problem."""
        return self.problems[0].line

    def __str__(self) -> str:
        shown = [str(problem) for problem in self.problems[: self.MAX_PROBLEMS]]
        hidden = len(self.problems) - len(shown)
        if hidden:
            shown.append(f"... and {hidden} more problem{'s' if hidden > 1 else ''}")
        return "\n".join(shown)


class CatalogError(InputFileError):
    """A catalogue file that cannot be read or breaks rules of the schema.

    See :class:`InputFileError` for what it carries.
    """


class RosterError(InputFileError):
    """A team roster that cannot be read or breaks rules of its schema (SPEC section 7).

    Its problems name the file, the line or row, the person and the field.
    """


class PlanInputError(CeplanError, ValueError):
    """Planning inputs that make no sense (an unknown tier, a negative budget, ...)."""


class SolverError(CeplanError, RuntimeError):
    """The solver could not be started or failed without an answer."""
