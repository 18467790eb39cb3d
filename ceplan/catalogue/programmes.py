"""The programmes whose catalogues ship with ceplan, and how a name picks one.

:data:`PROGRAMMES` is the one list: each programme's name and its file. The files live once, in
the repository (``catalog.yaml`` at the top, the others in ``programmes/``); the wheel carries
them inside the package (``ceplan/catalog.yaml``, ``ceplan/_programmes/isc2.yaml``: a private
folder name, so that no ``ceplan.programmes`` namespace package can shadow the
:func:`ceplan.programmes` function). Reports name a file as the repository does.

What ``--catalog`` and :func:`ceplan.load_catalog` are given is told apart by
:func:`catalog_source`:

- nothing: the Cisco catalogue;
- a ``str`` that is exactly a name of :data:`PROGRAMMES`: that programme's bundled file, even if
  the current folder holds a file of that name (``./isc2`` names that file). The meaning of
  ``--catalog isc2`` does not depend on the folder it is typed in;
- anything else (any other ``str``, an :class:`os.PathLike` such as a :class:`~pathlib.Path`): a
  path. A word with no path separator and no ``.`` (``isc``, ``ISC2``) that names no file is one
  problem listing the names, as it was most likely meant as one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.resources
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard

from ceplan.errors import CatalogError

__all__ = [
    "PROGRAMMES",
    "PROGRAMME_COLUMNS",
    "Programme",
    "bundled_path",
    "catalog_name",
    "catalog_source",
    "shadowed_file",
]

PROGRAMMES: Mapping[str, str] = MappingProxyType(
    {
        "cisco": "catalog.yaml",
        "isc2": "programmes/isc2.yaml",
        "comptia": "programmes/comptia.yaml",
        "pmi": "programmes/pmi.yaml",
        "isaca": "programmes/isaca.yaml",
    }
)
"""Each bundled programme's name and its file, relative to the package (and, in a source
checkout, to the top of the repository), in the order they are listed."""

PROGRAMME_COLUMNS = ("name", "programme", "currency", "schema", "as_of", "tiers", "file")
"""The columns of :func:`programmes` (the fields of :class:`Programme`)."""

_WORD = re.compile(r"[A-Za-z0-9_-]+")
"""What looks like a programme's name rather than a file's: no separator, no suffix."""


SHIPPED_FOLDERS: Mapping[str, str] = MappingProxyType({"programmes": "_programmes"})
"""A folder of the repository's bundled files, and its name inside the installed package
(``pyproject.toml``'s ``force-include`` says the same)."""


def bundled_path(name: str = "cisco") -> Path:
    """The file of the bundled programme ``name`` (one of :data:`PROGRAMMES`).

    Examples
    --------
    >>> bundled_path("isc2").name, bundled_path().name
    ('isc2.yaml', 'catalog.yaml')
    """
    relative = PROGRAMMES[name]
    inside = SHIPPED_FOLDERS.get(relative.rpartition("/")[0], "")
    parts = [*([inside] if inside else []), relative.rpartition("/")[2]]
    shipped = importlib.resources.files("ceplan").joinpath(*parts)
    try:
        if shipped.is_file():
            return Path(str(shipped))
    except OSError:  # a folder we may not look into: reading it says so, as one problem
        return Path(str(shipped))
    # A source checkout or an editable install: the one copy is in the repository, beside the
    # package.
    return Path(__file__).resolve().parents[2].joinpath(*relative.split("/"))


def catalog_name(value: str | os.PathLike[str] | None) -> str:
    """How problems and reports name the catalogue ``value`` picks.

    Examples
    --------
    >>> catalog_name(None), catalog_name("cisco"), catalog_name("isc2")
    ('catalog.yaml (bundled)', 'catalog.yaml (bundled)', 'programmes/isc2.yaml (bundled)')
    >>> catalog_name("./isc2"), catalog_name(Path("isc2"))
    ('./isc2', 'isc2')
    """
    given = "cisco" if value is None else value
    if _is_bundled(given):
        return f"{PROGRAMMES[given]} (bundled)"
    return os.fspath(given)


def catalog_source(value: str | os.PathLike[str] | None) -> tuple[Path, str]:
    """The file that ``value`` picks, and how problems name it (see the module's rules).

    Raises
    ------
    CatalogError
        For a word that is neither a bundled programme nor a file here.

    Examples
    --------
    >>> file, name = catalog_source("pmi")
    >>> file.name, name
    ('pmi.yaml', 'programmes/pmi.yaml (bundled)')
    >>> catalog_source("isc")
    Traceback (most recent call last):
    ...
    ceplan.errors.CatalogError: isc: no such file, and no bundled programme has that name (...)
    """
    given = "cisco" if value is None else value
    if _is_bundled(given):
        return bundled_path(given), catalog_name(given)
    text = os.fspath(given)
    if isinstance(given, str) and _WORD.fullmatch(text) and not os.path.lexists(text):
        names = ", ".join(PROGRAMMES)
        problem = f"no such file, and no bundled programme has that name ({names})"
        raise CatalogError(problem, file=text)
    return Path(text), text


def shadowed_file(value: str | os.PathLike[str] | None) -> str | None:
    """``value`` if it picks a bundled programme although a file of that name is here."""
    if value is not None and _is_bundled(value) and os.path.lexists(value):
        return value
    return None


def _is_bundled(value: str | os.PathLike[str]) -> TypeGuard[str]:
    """Whether ``value`` is the name of a bundled programme (a path object never is)."""
    return isinstance(value, str) and value in PROGRAMMES


@dataclasses.dataclass(frozen=True)
class Programme:
    """What :func:`programmes` says of one bundled programme (a row; see its columns)."""

    name: str
    programme: str
    currency: str
    schema: int
    as_of: dt.date | None
    tiers: tuple[str, ...]
    file: str

    def to_dict(self) -> dict[str, Any]:
        """As JSON takes it: the date in ISO form, the tiers a list."""
        data = dataclasses.asdict(self)
        data.update(as_of=self.as_of.isoformat() if self.as_of else None, tiers=list(self.tiers))
        return data
