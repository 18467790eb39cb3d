"""Reading catalogue files: YAML -> plain data -> a validated catalogue.

This is the only module that reads catalogue files; :mod:`ceplan.catalogue.yamlread` parses them
(with PyYAML's safe loader, after the fast reader, refusing alias bombs before any object is built)
and says where their problems are. A catalogue that breaks rules gives one
:class:`~ceplan.errors.CatalogError` listing every problem: pydantic's for fields, then
:func:`ceplan.catalogue.models.broken_rules` for the rules across fields, each with its line, item,
field and the offending value.

Every input file (a catalogue, a roster, the CSV or Parquet files they name) is read by
:func:`_read_bytes`, once: opened without waiting, refused unless it is a regular file, read up
to a limit; what is parsed and what is hashed are those same bytes.

A programme bundled with ceplan is picked by name (:mod:`ceplan.catalogue.programmes` says how a
name and a path are told apart) and then read, validated and cached as any other file.

Validated catalogues are cached by the SHA-256 of the file's bytes (see :func:`load_catalog`),
because parsing a YAML file with 10,000 activities takes about a second even with libyaml, while
reading the cache takes a few tens of milliseconds. A catalogue that names files of activities
(``activities_from``) is cached with its folder and, for each file, the name the catalogue gives
it (relative to that folder, links not resolved) and the SHA-256 of the bytes its rows were
parsed from; the entry is used only if each name, read now (links followed), has those bytes.
The cache is only speed, so it is used only when it can be trusted: its directory must belong to
the user and be writable by no one else (or it is not used at all); an entry is read only if it
is a regular file of the user's, opened without following links or waiting (a FIFO), no larger
than :data:`MAX_CACHE_BYTES`, whose header names the SHA-256 of the catalogue's bytes and of its
own payload. Anything else is ignored and rebuilt. The payload checksum catches a damaged or
edited entry; it is not a signature (the user can write a valid entry, as they can edit the
catalogue); what keeps other users out is the directory check.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ceplan._files import open_regular, read_at_most, read_file, write_atomic
from ceplan._version import __version__
from ceplan.catalogue.models import Catalog
from ceplan.catalogue.programmes import (
    PROGRAMME_COLUMNS,
    PROGRAMMES,
    Programme,
    bundled_path,
    catalog_source,
)

if TYPE_CHECKING:
    import pandas as pd
from ceplan.errors import CatalogError, PlanInputError
from ceplan.inputs import show_value
from ceplan.limits import MAX_EXPANDED_NODES

__all__ = [
    "as_catalog",
    "MAX_CACHE_BYTES",
    "MAX_EXPANDED_NODES",
    "MAX_FILE_BYTES",
    "bundled_catalog_path",
    "bundled_programmes",
    "load_catalog",
    "load_catalog_with_files",
    "parse_catalog",
    "programmes",
]

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Catalogue files larger than this are refused without being parsed."""

MAX_CACHE_BYTES = 4 * MAX_FILE_BYTES
"""Cache entries larger than this are neither written nor read.

An entry holds the validated catalogue as JSON with every field written out: about one and a half
times the size of block-style YAML, more for terse flow-style YAML or YAML with aliases. A
catalogue whose entry would be larger is simply not cached.
"""


def bundled_catalog_path(name: str = "cisco") -> Path:
    """The path of a catalogue shipped with ceplan: Cisco's, or the programme ``name``.

    ``name`` is one of :data:`~ceplan.catalogue.programmes.PROGRAMMES`; Cisco's catalogue is the
    repository's ``catalog.yaml``.

    Examples
    --------
    >>> bundled_catalog_path().name, bundled_catalog_path("isaca").name
    ('catalog.yaml', 'isaca.yaml')
    """
    if name not in PROGRAMMES:
        names = ", ".join(PROGRAMMES)
        raise PlanInputError(f"name must be a bundled programme ({names}), not {show_value(name)}")
    return bundled_path(name)


CatalogSource = str | os.PathLike[str] | None
"""What picks one catalogue: a bundled programme's name, a path, or ``None`` (Cisco's)."""


def load_catalog(
    path: CatalogSource | Sequence[str | os.PathLike[str]] = None, *, cache: bool = True
) -> Catalog:
    """Load and validate a catalogue file, or several combined into one.

    Parameters
    ----------
    path
        A catalogue file (``catalog.yaml``) in schema 1 or 2, or the name of a programme bundled
        with ceplan (``"cisco"``, ``"isc2"``, ``"comptia"``, ``"pmi"``, ``"isaca"``: see
        :func:`ceplan.programmes`). A ``str`` that is exactly such a name is that programme's
        file, even if the current folder holds a file of that name (``"./isc2"`` is that file);
        an :class:`os.PathLike` is always a path. Default: the Cisco catalogue (``"cisco"``).
        A list of them (``["isc2", "isaca", "pmi"]``) loads each and combines them with
        :func:`ceplan.combine_catalogs`, each named by its bundled name or its file's stem.
    cache
        Reuse the validated catalogue from an earlier load of a file with exactly the same bytes.
        The cache lives in ``$CEPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/ceplan``, else
        ``~/.cache/ceplan``; set ``CEPLAN_CACHE_DIR`` to an empty string to turn it off. It is
        made (mode ``0o700``) if missing, and left unused if it belongs to another user or others
        can write to it.

    Raises
    ------
    CatalogError
        When the file cannot be read or breaks rules; each problem names the file, the line,
        the item and the field. A bundled programme is named ``programmes/isc2.yaml (bundled)``
        (the Cisco one ``catalog.yaml (bundled)``); a word that is neither a bundled programme
        nor a file is one problem listing the names.

    Examples
    --------
    >>> catalog = load_catalog()
    >>> sorted(catalog.tiers)
    ['associate', 'expert', 'professional', 'specialist']
    >>> list(load_catalog("isc2").tiers)
    ['cissp', 'ccsp', 'sscp', 'cc']
    >>> list(load_catalog(["isc2", "pmi"]).tiers)
    ['cissp', 'ccsp', 'sscp', 'cc', 'pmp', 'capm', 'pmi-acp']
    """
    return load_catalog_with_files(path, cache=cache)[0]


def load_catalog_with_files(
    path: CatalogSource | Sequence[str | os.PathLike[str]] = None, *, cache: bool = True
) -> tuple[Catalog, tuple[Path, ...]]:
    """:func:`load_catalog`, and the files the catalogue was read from.

    The catalogue file first, then the files of activities it names (``activities_from``), as
    named (links not followed): what the command line never writes an output over. For several
    catalogues, each one's files in turn.

    Examples
    --------
    >>> catalog, files = load_catalog_with_files()
    >>> [file.name for file in files]
    ['catalog.yaml']
    """
    if isinstance(path, Sequence) and not isinstance(path, str):
        return _load_several(path, cache)
    file, name = catalog_source(path)
    data = read_file(file, name, limit=MAX_FILE_BYTES, what="catalogue file")
    directory = _cache_dir() if cache else None
    cached = None
    if directory is not None:
        digest = hashlib.sha256(data).hexdigest()
        entry = _cache_file(directory, digest)
        cached = _read_cache(entry, digest, file.parent)
    if cached is not None:
        catalog, names = cached
    else:
        catalog, used = _parse(data, name, file.parent)
        if directory is not None:
            _write_cache(entry, digest, catalog, file.parent, used)
        names = [given for given, _ in used]
    return catalog, (file, *(file.parent / given for given in names))


def _load_several(
    paths: Sequence[str | os.PathLike[str]], cache: bool
) -> tuple[Catalog, tuple[Path, ...]]:
    """Each catalogue of ``paths`` loaded (through the cache), then combined (not cached)."""
    from ceplan.catalogue.combine import combined

    if not paths:
        raise PlanInputError("catalog: name at least one catalogue")
    catalogs: list[Catalog] = []
    files: list[Path] = []
    for path in paths:
        if not isinstance(path, str | os.PathLike):
            raise PlanInputError(
                f"catalog must be a catalogue's name or path, or a list of them; not a list "
                f"holding {show_value(path)}"
            )
        catalog, read = load_catalog_with_files(path, cache=cache)
        catalogs.append(catalog)
        files.extend(read)
    names = [catalog_source(path)[1] for path in paths]
    prefixes = [
        path if isinstance(path, str) and path in PROGRAMMES else Path(path).stem.lower()
        for path in paths
    ]
    repeated = next((n for i, n in enumerate(names) if n in names[:i]), None)
    if repeated is not None:
        raise PlanInputError(f"catalog: {repeated} is named twice")
    return combined(catalogs, names, prefixes), tuple(files)


def parse_catalog(
    text: str | bytes, *, name: str = "<catalogue>", base: str | os.PathLike[str] | None = None
) -> Catalog:
    """Validate a catalogue given as YAML text (bytes must be UTF-8); ``name`` names it in errors.

    ``base`` is the folder that the CSV or Parquet files named by ``activities_from`` are in
    (default: the current folder).

    Examples
    --------
    >>> parse_catalog("schema: 3", name="x.yaml")
    Traceback (most recent call last):
    ...
    ceplan.errors.CatalogError: x.yaml:1: field 'schema': unknown schema: ... (got 3)
    """
    from ceplan.catalogue import yamlread as _yamlread

    return _yamlread.read(text, name, Path(base) if base is not None else None)[0]


def _parse(text: bytes, name: str, base: Path) -> tuple[Catalog, list[tuple[str, str]]]:
    """The catalogue file's catalogue, and the files of activities it was read from.

    Each file is given as ``activities_from`` names it, with the SHA-256 of the bytes read.
    """
    from ceplan.catalogue import yamlread as _yamlread

    return _yamlread.read(text, name, base)


# -- reading -----------------------------------------------------------------------------------


# -- the cache ---------------------------------------------------------------------------------


_CACHE_FORMAT = b"ceplan-cache 5"
"""How a cache entry's header starts: ``ceplan-cache 5 <catalogue sha256> <payload sha256>``.

Format 5 holds schema 2's fields (a schema 1 catalogue's entry leaves them out, as its dump
does).

The payload is JSON: ``{"catalog": ...}``, and ``"table"`` for activities held as columns
(:func:`ceplan.catalogue.table.table_to_data`)."""


def _cache_dir() -> Path | None:
    """The cache directory, made if missing; ``None`` if turned off or not safe to trust."""
    configured = os.environ.get("CEPLAN_CACHE_DIR")
    if configured is not None:
        if not configured:
            return None
        directory = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        directory = Path(base) / "ceplan"
    if not hasattr(os, "geteuid"):
        return None  # no owners to check (Windows): no cache
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(directory)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        return None  # a link, or another user's directory
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None  # others could plant entries
    return directory


def _cache_file(directory: Path, digest: str) -> Path:
    """The cache entry for catalogue bytes whose SHA-256 is ``digest``."""
    return directory / f"catalog-{__version__}-{digest}.cache"


def _read_cache(file: Path, digest: str, base: Path) -> tuple[Catalog, list[str]] | None:
    """The catalogue cached in ``file`` for bytes whose SHA-256 is ``digest``, else ``None``.

    An entry for a catalogue that names files of activities holds when the catalogue is in the
    same folder ``base`` and the files it names still have the bytes the entry was made from;
    those files' names come with the catalogue.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(file, flags)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                return None
            raw = read_at_most(stream, MAX_CACHE_BYTES)
    except OSError:
        return None
    if raw is None:
        return None
    header, _, payload = raw.partition(b"\n")
    if header != _cache_header(digest, hashlib.sha256(payload).hexdigest()):
        return None
    try:
        data = json.loads(payload)
        if "files" in data and not _same_files(data["files"], base):
            return None
        catalog = Catalog.from_trusted(data["catalog"])
        if "table" in data:
            from ceplan.catalogue.table import table_from_data, with_table

            catalog = with_table(catalog, table_from_data(data["table"]))
        names = [str(given) for given, _ in data.get("files", {}).get("hashes", [])]
        return catalog, names
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # an entry of another shape (an older ceplan): parse the file again


def _write_cache(
    file: Path, digest: str, catalog: Catalog, base: Path, used: Sequence[tuple[str, str]] = ()
) -> None:
    """Cache ``catalog`` in ``file`` for bytes whose SHA-256 is ``digest``, if that can be done.

    ``used`` are the files of activities it was read from, the catalogue being in ``base``: each
    as the catalogue names it, with the SHA-256 of the bytes it was read from.
    """
    if catalog.table is None:
        content: dict[str, Any] = {"catalog": catalog.model_dump(mode="json", by_alias=True)}
    else:
        from ceplan.catalogue.table import table_to_data

        header = catalog.model_copy(update={"activities": ()})
        content = {
            "catalog": header.model_dump(mode="json", by_alias=True),
            "table": table_to_data(catalog.table),
        }
    if used:
        hashes = [[given, file_hash] for given, file_hash in used]
        content["files"] = {"base": str(base.resolve()), "hashes": hashes}
    pieces = _json_pieces(content)
    if sum(map(len, pieces)) > MAX_CACHE_BYTES - 200:
        return
    payload_hash = hashlib.sha256()
    for piece in pieces:
        payload_hash.update(piece)
    first_line = _cache_header(digest, payload_hash.hexdigest()) + b"\n"
    try:
        write_atomic(file, [first_line, *pieces], private=True)
    except OSError:
        pass  # a cache that cannot be written is only a slower next load


def _same_files(files: Any, base: Path) -> bool:
    """Whether the files of activities an entry was made from still read as they did.

    Each is found as the catalogue names it, now: a link that points elsewhere is followed.
    """
    if files["base"] != str(base.resolve()):
        return False  # the same catalogue elsewhere names other files
    return all(_file_digest(base / given) == digest for given, digest in files["hashes"])


def _file_digest(path: Path) -> str | None:
    """The SHA-256 of the bytes of the regular file ``path``, or ``None`` if it cannot be read."""
    try:
        with open_regular(path, str(path), "file") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except (CatalogError, OSError):
        return None


def _json_pieces(content: dict[str, Any]) -> list[bytes]:
    """``content`` as compact JSON bytes, in pieces: one per field of it and of its table.

    A million activities make a payload of about 150 MB; made whole, it would be held twice
    (as text, then as bytes) at once.
    """
    pieces = [b"{"]
    for number, (key, value) in enumerate(content.items()):
        pieces.append((b"," if number else b"") + json.dumps(key).encode() + b":")
        if key == "table":
            pieces += _json_pieces(value)
        else:
            pieces.append(json.dumps(value, separators=(",", ":"), allow_nan=False).encode())
    pieces.append(b"}")
    return pieces


def _cache_header(digest: str, payload_hash: str) -> bytes:
    """The first line of the entry for catalogue bytes ``digest`` whose payload has that hash."""
    return b" ".join([_CACHE_FORMAT, digest.encode(), payload_hash.encode()])


def as_catalog(value: object, name: str = "catalog") -> Catalog:
    """A catalogue given as itself or as the path of a catalogue file.

    Parameters
    ----------
    value
        A :class:`~ceplan.catalogue.models.Catalog`, or a ``str`` or ``os.PathLike`` path (or a
        bundled programme's name), which is loaded with
        :func:`ceplan.catalogue.loading.load_catalog`; or a list of either, combined into one
        (:func:`ceplan.combine_catalogs`).
    name
        The argument's name, for the error message.

    Raises
    ------
    PlanInputError
        For anything else.
    CatalogError
        When the file cannot be read or is not a valid catalogue.

    Examples
    --------
    >>> sorted(as_catalog(bundled_catalog_path()).tiers)
    ['associate', 'expert', 'professional', 'specialist']
    >>> as_catalog(None)
    Traceback (most recent call last):
    ...
    ceplan.errors.PlanInputError: catalog must be a Catalog or a path to a catalogue file, not None
    """
    if isinstance(value, Catalog):
        return value
    if isinstance(value, list | tuple) and value:
        if all(isinstance(part, Catalog) for part in value):
            from ceplan.catalogue.combine import combine_catalogs

            return combine_catalogs(value)
        return load_catalog(value)
    path = os.fspath(value) if isinstance(value, str | os.PathLike) else None
    if not isinstance(path, str):
        raise PlanInputError(
            f"{name} must be a Catalog or a path to a catalogue file, not {show_value(value)}"
        )
    return load_catalog(path)


def bundled_programmes() -> tuple[Programme, ...]:
    """The rows of :func:`programmes`, each file loaded (and validated) through the cache."""
    found = []
    for name, file in PROGRAMMES.items():
        catalog = load_catalog(name)
        found.append(
            Programme(
                name=name,
                programme=catalog.programme,
                currency=catalog.currency,
                schema=catalog.schema_version,
                as_of=catalog.as_of,
                tiers=tuple(catalog.tiers),
                file=file,
            )
        )
    return tuple(found)


def programmes() -> pd.DataFrame:
    """The bundled programmes, one row each, in the order of :data:`PROGRAMMES`.

    Each file is loaded (and validated) with :func:`ceplan.load_catalog`, through its cache.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROGRAMME_COLUMNS`: ``name`` (what ``--catalog`` and
        :func:`ceplan.load_catalog` take), ``programme`` (its title), ``currency``, ``schema``
        (1 or 2), ``as_of`` (a :class:`datetime.date`, or ``None``), ``tiers`` (a tuple of tier
        ids, as the file lists them) and ``file`` (relative to the package).

    Examples
    --------
    >>> import ceplan
    >>> table = ceplan.programmes()
    >>> list(table["name"])
    ['cisco', 'isc2', 'comptia', 'pmi', 'isaca']
    >>> table.set_index("name").loc["pmi", "tiers"]
    ('pmp', 'capm', 'pmi-acp')
    """
    import pandas as pd

    rows = [dataclasses.astuple(row) for row in bundled_programmes()]
    return pd.DataFrame(rows, columns=list(PROGRAMME_COLUMNS))
