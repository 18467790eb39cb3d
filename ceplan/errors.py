"""Exceptions raised by ceplan.

Every error a user can cause by bad input is a :class:`CeplanError`; the command line turns
each one into a single line on stderr and exit status 2.
"""

from __future__ import annotations

import unicodedata

__all__ = ["CatalogError", "CeplanError", "PlanInputError", "SolverError"]


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


class CeplanError(Exception):
    """Base class of every error ceplan raises on purpose; its text is always one line."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class CatalogError(CeplanError, ValueError):
    """A catalogue file that cannot be read or breaks a rule of the schema.

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

    Examples
    --------
    >>> str(CatalogError("must be >= 0", file="cat.yaml", item="activities[0] 'a'", field="cost"))
    "cat.yaml: activities[0] 'a': field 'cost': must be >= 0"
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        item: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.item = item
        self.field = field
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or "<catalogue>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.item:
            parts.append(self.item)
        if self.field:
            parts.append(f"field '{self.field}'")
        parts.append(self.message)
        return one_line(": ".join(parts))


class PlanInputError(CeplanError, ValueError):
    """Planning inputs that make no sense (an unknown tier, a negative budget, ...)."""


class SolverError(CeplanError, RuntimeError):
    """The solver could not be started or failed without an answer."""
