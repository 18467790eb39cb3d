"""Reading catalogue files: YAML -> plain data -> a validated :class:`~ceplan.catalog.Catalog`.

This is the only module that reads catalogue files. YAML is read with PyYAML's safe loader (the C
loader where libyaml is present). Before any Python object is built, the node graph is measured:
a document whose aliases would expand it past :data:`MAX_EXPANDED_NODES` is refused, so an alias
bomb costs milliseconds, not minutes. Validated catalogues are cached by the SHA-256 of the file's
bytes (see :func:`load_catalog`), because parsing a YAML file with 10,000 activities takes about a
second even with libyaml, while reading the cache takes a few tens of milliseconds.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ceplan._fastyaml import fast_load
from ceplan._files import write_atomic
from ceplan._version import __version__
from ceplan.catalog import Catalog, CatalogRuleError
from ceplan.errors import CatalogError

__all__ = ["MAX_EXPANDED_NODES", "bundled_catalog_path", "load_catalog", "parse_catalog"]

MAX_EXPANDED_NODES = 2_000_000
"""The most YAML nodes a catalogue may expand to once aliases are followed."""

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Catalogue files larger than this are refused without being parsed."""

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
        ``~/.cache/ceplan``; set ``CEPLAN_CACHE_DIR`` to an empty string to turn it off.

    Raises
    ------
    CatalogError
        When the file cannot be read or breaks a rule; the message names the file, the item and
        the field.

    Examples
    --------
    >>> catalog = load_catalog()
    >>> sorted(catalog.tiers)
    ['associate', 'expert', 'professional', 'specialist']
    """
    file = Path(path) if path is not None else bundled_catalog_path()
    name = str(path) if path is not None else "catalog.yaml (bundled)"
    data = _read_bytes(file, name)
    cache_file = _cache_file(data) if cache else None
    if cache_file is not None:
        cached = _read_cache(cache_file)
        if cached is not None:
            return cached
    catalog = parse_catalog(data, name=name)
    if cache_file is not None:
        _write_cache(cache_file, catalog)
    return catalog


def parse_catalog(text: str | bytes, *, name: str = "<catalogue>") -> Catalog:
    """Validate a catalogue given as YAML text (bytes must be UTF-8); ``name`` names it in errors.

    Examples
    --------
    >>> parse_catalog("schema: 2", name="x.yaml")
    Traceback (most recent call last):
    ...
    ceplan.errors.CatalogError: x.yaml:1: field 'schema': unknown schema 2: ...
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
        if root is None:  # the fast reader keeps no line numbers: read again to find them
            _, root = _load_yaml(text, name)
        raise _validation_error(exc, data, root, name) from None


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
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _yaml_error(exc, name) from None
        except yaml.YAMLError as exc:
            raise CatalogError(f"not valid YAML: {exc}", file=name) from None
        if root is None:
            raise CatalogError("the file is empty; expected a mapping with 'schema: 1'", file=name)
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


# -- reading -----------------------------------------------------------------------------------


def _read_bytes(file: Path, name: str) -> bytes:
    try:
        if file.is_dir():
            raise CatalogError("is a directory, not a catalogue file", file=name)
        with file.open("rb") as stream:  # read at most the limit: devices report no size
            data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise CatalogError(f"is larger than {MAX_FILE_BYTES // 2**20} MiB", file=name)
        return data
    except FileNotFoundError:
        raise CatalogError("no such file", file=name) from None
    except PermissionError:
        raise CatalogError("permission denied", file=name) from None
    except OSError as exc:
        raise CatalogError(f"cannot be read: {exc.strerror or exc}", file=name) from None


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


# -- turning validation errors into one line ---------------------------------------------------


def _validation_error(
    exc: ValidationError, data: dict[str, Any], root: yaml.Node, name: str
) -> CatalogError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc: tuple[str | int, ...] = tuple(first["loc"])
    message = first["msg"]
    error = first.get("ctx", {}).get("error")
    if isinstance(error, CatalogRuleError):
        loc = (*loc, *error.loc)  # a rule of a nested model (a session) is relative to it
        message = str(error)
    elif first["type"] == "extra_forbidden":
        message = "unknown key"
    elif first["type"] == "missing":
        message = "is required"
    elif loc == ("schema",) and first["type"] == "literal_error":
        message = f"unknown schema {first['input']!r}: this ceplan reads schema 1"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    # Pydantic appends a type tag to union and tagged locations; keep only the data's own keys.
    loc = tuple(part for part in loc if not (isinstance(part, str) and "[" in part))
    item, field = _describe(loc, data)
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return CatalogError(message, file=name, item=item, field=field, line=_line_of(root, loc))


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


def _cache_dir() -> Path | None:
    configured = os.environ.get("CEPLAN_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ceplan"


def _cache_file(data: bytes) -> Path | None:
    directory = _cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256(data).hexdigest()
    return directory / f"catalog-{__version__}-{digest}.json"


def _read_cache(file: Path) -> Catalog | None:
    try:
        text = file.read_bytes()
    except OSError:
        return None
    try:
        return Catalog.model_validate_json(text, strict=False)
    except ValidationError:
        return None


def _write_cache(file: Path, catalog: Catalog) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(file, catalog.model_dump_json(by_alias=True).encode(), private=True)
    except OSError:
        pass  # a cache that cannot be written is only a slower next load
