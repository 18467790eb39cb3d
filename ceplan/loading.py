"""Reading catalogue files: YAML -> plain data -> a validated :class:`~ceplan.catalog.Catalog`.

This is the only module that reads catalogue files. YAML is read with PyYAML's safe loader (the C
loader where libyaml is present). Before any Python object is built, the node graph is measured:
a document whose aliases would expand it past :data:`MAX_EXPANDED_NODES` is refused, so an alias
bomb costs milliseconds, not minutes.

A catalogue that breaks rules gives one :class:`~ceplan.errors.CatalogError` listing every problem:
pydantic's for fields, then :func:`ceplan.catalog.broken_rules` for the rules across fields, each
with its line, item, field and the offending value.

Validated catalogues are cached by the SHA-256 of the file's bytes (see :func:`load_catalog`),
because parsing a YAML file with 10,000 activities takes about a second even with libyaml, while
reading the cache takes a few tens of milliseconds. The cache is only speed, so it is used only when
it can be trusted: its directory must belong to the user and be writable by no one else (or it is
not used at all); an entry is read only if it is a regular file of the user's, opened without
following links or waiting (a FIFO), no larger than :data:`MAX_CACHE_BYTES`, whose header names the
SHA-256 of the catalogue's bytes and of its own payload. Anything else is ignored and rebuilt. The
payload checksum catches a damaged or edited entry; it is not a signature (the user can write a
valid entry, as they can edit the catalogue); what keeps other users out is the directory check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.resources
import json
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from pydantic import ValidationError

from ceplan._fastyaml import fast_load
from ceplan._files import write_atomic
from ceplan._version import __version__
from ceplan.catalog import UNKNOWN_SCHEMA, Catalog, CatalogRuleError, broken_rules
from ceplan.errors import CatalogError

__all__ = [
    "MAX_CACHE_BYTES",
    "MAX_EXPANDED_NODES",
    "MAX_FILE_BYTES",
    "bundled_catalog_path",
    "load_catalog",
    "parse_catalog",
]

MAX_EXPANDED_NODES = 2_000_000
"""The most YAML nodes a catalogue may expand to once aliases are followed."""

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Catalogue files larger than this are refused without being parsed."""

MAX_CACHE_BYTES = 4 * MAX_FILE_BYTES
"""Cache entries larger than this are neither written nor read.

An entry holds the validated catalogue as JSON with every field written out: about one and a half
times the size of block-style YAML, more for terse flow-style YAML or YAML with aliases. A
catalogue whose entry would be larger is simply not cached.
"""

MAX_VALUE_CHARS = 60
"""A problem echoes at most this many characters of the offending value."""

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def bundled_catalog_path() -> Path:
    """The path of the catalogue shipped with ceplan (the repository's ``catalog.yaml``)."""
    shipped = importlib.resources.files("ceplan") / "catalog.yaml"
    if shipped.is_file():
        return Path(str(shipped))
    # A source checkout or an editable install: the one copy lives at the top of the repository.
    return Path(__file__).resolve().parent.parent / "catalog.yaml"


def load_catalog(path: str | os.PathLike[str] | None = None, *, cache: bool = True) -> Catalog:
    """Load and validate a catalogue file.

    Parameters
    ----------
    path
        A ``catalog.yaml`` in schema 1. Default: the catalogue bundled with ceplan.
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
        the item and the field.

    Examples
    --------
    >>> catalog = load_catalog()
    >>> sorted(catalog.tiers)
    ['associate', 'expert', 'professional', 'specialist']
    """
    file = Path(path) if path is not None else bundled_catalog_path()
    name = str(path) if path is not None else "catalog.yaml (bundled)"
    data = _read_bytes(file, name)
    directory = _cache_dir() if cache else None
    if directory is None:
        return parse_catalog(data, name=name)
    digest = hashlib.sha256(data).hexdigest()
    entry = _cache_file(directory, digest)
    cached = _read_cache(entry, digest)
    if cached is not None:
        return cached
    catalog = parse_catalog(data, name=name)
    _write_cache(entry, digest, catalog)
    return catalog


def parse_catalog(text: str | bytes, *, name: str = "<catalogue>") -> Catalog:
    """Validate a catalogue given as YAML text (bytes must be UTF-8); ``name`` names it in errors.

    Examples
    --------
    >>> parse_catalog("schema: 2", name="x.yaml")
    Traceback (most recent call last):
    ...
    ceplan.errors.CatalogError: x.yaml:1: field 'schema': unknown schema: ... (got 2)
    """
    text = _decode(text, name)
    data = fast_load(text)
    if data is None:
        data, root = _load_yaml(text, name)
    else:
        root = None
    try:
        return Catalog.model_validate(data)
    except ValidationError as exc:
        if root is None:  # the fast reader keeps no line numbers: read the nodes to find them
            loader = _Loader(text)
            try:
                root = _compose(loader, name)
            finally:
                loader.dispose()
        raise _catalog_error(exc, data, root, name) from None


_NOT_ALLOWED = re.compile(
    r"[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]"
)
"""Characters YAML does not allow in a document, plus the rare line breaks NEL, LS and PS."""


def _decode(text: str | bytes, name: str) -> str:
    """The text of a catalogue: UTF-8, with only the characters YAML allows."""
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise CatalogError(
                f"byte {raw[exc.start]:#04x} is not UTF-8 (save the file as UTF-8)",
                file=name,
                line=line,
            ) from None
    text = text.removeprefix("\ufeff")
    bad = _NOT_ALLOWED.search(text)
    if bad is not None:
        line = text[: bad.start()].count("\n") + 1
        raise CatalogError(
            f"character U+{ord(bad.group()):04X} is not allowed in a catalogue",
            file=name,
            line=line,
        )
    return text


def _load_yaml(text: str, name: str) -> tuple[dict[str, Any], yaml.Node]:
    """Read YAML with PyYAML's safe loader, refusing alias bombs before building objects."""
    loader = _Loader(text)
    try:
        root = _compose(loader, name)
        _check_nodes(root, name)
        try:
            data = loader.construct_document(root)
        except yaml.MarkedYAMLError as exc:
            raise _yaml_error(exc, name) from None
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            bad = _first_bad_scalar(root)
            line = bad.start_mark.line + 1 if bad is not None else None
            value = f" {bad.value!r}" if bad is not None else ""
            raise CatalogError(
                f"cannot read the value{value}: {exc}", file=name, line=line
            ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise CatalogError(
            f"expected a mapping at the top level, found {type(data).__name__}",
            file=name,
            line=root.start_mark.line + 1,
        )
    return data, root


def _compose(loader: Any, name: str) -> yaml.Node:
    """The document's node graph (values not built yet, aliases not followed)."""
    try:
        root: yaml.Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, name) from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"not valid YAML: {exc}", file=name) from None
    if root is None:
        raise CatalogError("the file is empty; expected a mapping with 'schema: 1'", file=name)
    return root


# -- reading -----------------------------------------------------------------------------------


def _read_bytes(file: Path, name: str) -> bytes:
    try:
        if file.is_dir():
            raise CatalogError("is a directory, not a catalogue file", file=name)
        with file.open("rb") as stream:
            data = _read_at_most(stream, MAX_FILE_BYTES)
        if data is None:
            raise CatalogError(f"is larger than {MAX_FILE_BYTES // 2**20} MiB", file=name)
        return data
    except FileNotFoundError:
        raise CatalogError("no such file", file=name) from None
    except PermissionError:
        raise CatalogError("permission denied", file=name) from None
    except OSError as exc:
        raise CatalogError(f"cannot be read: {exc.strerror or exc}", file=name) from None


def _read_at_most(stream: BinaryIO, limit: int) -> bytes | None:
    """The rest of ``stream``, or ``None`` if it holds more than ``limit`` bytes.

    A regular file's size says how much to read (a larger one is refused unread); a device or a
    pipe reports none, so at most ``limit + 1`` bytes are read from it.
    """
    info = os.fstat(stream.fileno())
    expected = info.st_size if stat.S_ISREG(info.st_mode) else limit
    if expected > limit:
        return None
    data = stream.read(expected + 1)
    if len(data) > expected:  # a file that grew while being read
        data += stream.read(limit + 1 - len(data))
    return data if len(data) <= limit else None


def _yaml_error(exc: yaml.MarkedYAMLError, name: str) -> CatalogError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "not valid YAML"
    if exc.context and exc.problem:
        problem = f"{exc.context}: {exc.problem}"
    return CatalogError(
        f"not valid YAML: {problem}", file=name, line=mark.line + 1 if mark else None
    )


def _check_nodes(root: yaml.Node, name: str) -> None:
    """Refuse alias bombs and duplicate mapping keys before any object is built."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            else:
                children = node.value
            size = 1 + sum(sizes[id(child)] for child in children)
            if size > MAX_EXPANDED_NODES:
                raise CatalogError(
                    f"refused: aliases would expand the document past {MAX_EXPANDED_NODES:,} nodes",
                    file=name,
                    line=node.start_mark.line + 1,
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1
            continue
        if key in on_path:
            raise CatalogError(
                "refused: a recursive alias", file=name, line=node.start_mark.line + 1
            )
        on_path.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            _check_keys(node, name)
            stack.extend((child, False) for pair in node.value for child in pair)
        else:
            stack.extend((child, False) for child in node.value)


def _first_bad_scalar(root: yaml.Node) -> yaml.ScalarNode | None:
    """The first scalar that the safe constructor cannot turn into a value (e.g. 2023-02-30)."""
    constructor = yaml.SafeLoader("")
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError):
                return node
        elif isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in reversed(node.value) for child in reversed(pair))
        else:
            stack.extend(reversed(node.value))
    return None


def _check_keys(node: yaml.MappingNode, name: str) -> None:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        if key_node.value in seen:
            raise CatalogError(
                f"duplicate key '{key_node.value}'", file=name, line=key_node.start_mark.line + 1
            )
        seen.add(key_node.value)


# -- turning validation errors into problems --------------------------------------------------

_Loc = tuple[str | int, ...]


def _catalog_error(
    exc: ValidationError, data: dict[str, Any], root: yaml.Node, name: str
) -> CatalogError:
    """Every problem of a catalogue that failed validation, each with its line, as one error.

    When fields failed, the catalogue's rules across fields did not run: they run here over the
    parts that are valid. An unknown schema number is the only problem reported: the rest of
    such a file is written for another ceplan.
    """
    errors = exc.errors(include_url=False)
    schema = [e for e in errors if tuple(e["loc"]) == ("schema",) and e["type"] != "missing"]
    found: list[tuple[_Loc, str, str | None]] = []
    rules_ran = False
    for error in schema or errors:
        if _echo_of_others(error):
            continue
        loc = _data_loc(error["loc"])
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, CatalogRuleError):
            rules_ran = rules_ran or not loc
            for rule in cause.broken:  # a rule of a nested model (a session) is relative to it
                found.append(((*loc, *rule.loc), rule.message, _shown_or_none(rule.value)))
        else:
            value = None if error["type"] == "missing" else _show(error["input"])
            found.append((loc, _message(error), value))
    if not schema and not rules_ran:
        for rule in broken_rules(data):
            found.append((rule.loc, rule.message, _shown_or_none(rule.value)))
    problems = []
    for loc, message, value in found:
        item, field = _describe(loc, data)
        line = _line_of(root, loc)
        problems.append(
            CatalogError.Problem(
                file=name, line=line, item=item, field=field, message=message, value=value
            )
        )
    return CatalogError.from_problems(problems)


def _echo_of_others(error: Any) -> bool:
    """Whether ``error`` only repeats the errors of a sequence's entries.

    Pydantic checks a tuple's length after dropping the entries that failed, so
    ``paths: [{credits: -1}]`` is also "too short".
    """
    given = error["input"]
    minimum = error.get("ctx", {}).get("min_length")
    return (
        error["type"] == "too_short"
        and isinstance(given, list | tuple)
        and isinstance(minimum, int)
        and len(given) >= minimum
    )


def _data_loc(loc: tuple[Any, ...]) -> _Loc:
    """Pydantic's error location, less the type tags it adds (``function-after[...]``)."""
    return tuple(part for part in loc if not (isinstance(part, str) and "[" in part))


def _message(error: Any) -> str:
    """Pydantic's message for an error, in the words of the catalogue format."""
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"] == "missing":
        return "is required"
    if tuple(error["loc"]) == ("schema",):
        return UNKNOWN_SCHEMA
    message = str(error["msg"]).removeprefix("Value error, ")
    given = error.get("input")
    if error["type"] == "float_type" and isinstance(given, str) and _looks_like_number(given):
        message += " (YAML reads this as text: write a number like 1.0e+15 or 150)"
    return message


def _looks_like_number(text: str) -> bool:
    """Whether ``text`` is a number to people but text to YAML 1.1 (``1e15``, ``1_000.5``)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _shown_or_none(value: Any) -> str | None:
    return None if value is None else _show(value)


def _show(value: Any) -> str:
    """``value`` as a problem echoes it: dates in ISO form, text quoted, cut to a short line.

    Examples
    --------
    >>> _show("£150"), _show(dt.date(2027, 1, 2)), _show({"USD": -1}), _show(float("inf"))
    ("'£150'", '2027-01-02', "{'USD': -1}", 'inf')
    >>> _show(list(range(100)))
    '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16...'
    """
    text = _render(value, MAX_VALUE_CHARS + 1, depth=3)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 3] + "..."


def _render(value: Any, budget: int, depth: int) -> str:
    """``value`` written out, stopping soon after ``budget`` characters or ``depth`` levels."""
    if isinstance(value, dt.date):
        return str(value)
    if isinstance(value, str):
        return repr(value[: budget + 1])
    if isinstance(value, Mapping | list | tuple):
        if depth == 0:
            return "{...}" if isinstance(value, Mapping) else "[...]"
        pieces: list[str] = []
        used = 0
        entries = value.items() if isinstance(value, Mapping) else enumerate(value)
        for key, member in entries:
            piece = _render(member, budget - used, depth - 1)
            if isinstance(value, Mapping):
                piece = f"{_render(key, budget - used, depth - 1)}: {piece}"
            pieces.append(piece)
            used += len(piece) + 2
            if used > budget:
                break
        inside = ", ".join(pieces)
        return f"{{{inside}}}" if isinstance(value, Mapping) else f"[{inside}]"
    try:
        return repr(value)
    except ValueError:  # an integer with more digits than Python will write out
        return f"<{type(value).__name__}>"


def _describe(loc: tuple[str | int, ...], data: dict[str, Any]) -> tuple[str | None, str | None]:
    """Split an error location into the item it concerns and the field within it."""
    if len(loc) >= 2 and loc[0] in ("activities", "exams") and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        entries = data.get(section)
        item = f"{section}[{index}]"
        if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
            item_id = entries[index].get("id")
            if isinstance(item_id, str):
                item = f"{item} '{item_id}'"
        field = ".".join(str(part) for part in loc[2:]) or None
        return item, field
    if len(loc) >= 2 and loc[0] == "tiers":
        rest = loc[2:]
        item = f"tiers.{loc[1]}"
        if len(rest) >= 2 and rest[0] == "paths" and isinstance(rest[1], int):
            item += f" path {rest[1] + 1}"
            rest = rest[2:]
        return item, ".".join(str(part) for part in rest) or None
    return None, ".".join(str(part) for part in loc) or None


def _line_of(root: yaml.Node, loc: tuple[str | int, ...]) -> int | None:
    """The line of the deepest node ``loc`` reaches in the YAML node graph."""
    node = root
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    child = value_node
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                child = node.value[part]
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1


# -- the cache ---------------------------------------------------------------------------------


_CACHE_FORMAT = b"ceplan-cache 1"
"""How a cache entry's header starts: ``ceplan-cache 1 <catalogue sha256> <payload sha256>``."""


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


def _read_cache(file: Path, digest: str) -> Catalog | None:
    """The catalogue cached in ``file`` for bytes whose SHA-256 is ``digest``, else ``None``."""
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
            raw = _read_at_most(stream, MAX_CACHE_BYTES)
    except OSError:
        return None
    if raw is None:
        return None
    header, _, payload = raw.partition(b"\n")
    if header != _cache_header(digest, payload):
        return None
    try:
        return Catalog.from_trusted(json.loads(payload))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # an entry of another shape (an older ceplan): parse the file again


def _write_cache(file: Path, digest: str, catalog: Catalog) -> None:
    """Cache ``catalog`` in ``file`` for bytes whose SHA-256 is ``digest``, if that can be done."""
    payload = catalog.model_dump_json(by_alias=True).encode()
    entry = _cache_header(digest, payload) + b"\n" + payload
    if len(entry) > MAX_CACHE_BYTES:
        return
    try:
        write_atomic(file, entry, private=True)
    except OSError:
        pass  # a cache that cannot be written is only a slower next load


def _cache_header(digest: str, payload: bytes) -> bytes:
    """The first line of the entry for catalogue bytes ``digest`` that holds ``payload``."""
    return b" ".join([_CACHE_FORMAT, digest.encode(), hashlib.sha256(payload).hexdigest().encode()])
