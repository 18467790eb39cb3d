"""Reading a catalogue's YAML safely, and saying where its problems are.

PyYAML's safe loader (the C loader where libyaml is present) reads what the fast reader of
:mod:`ceplan.catalogue.fastyaml` leaves to it. Before any Python object is built, the node graph is
measured: a document whose aliases would add more than
:data:`~ceplan.limits.MAX_EXPANDED_NODES` nodes to it is refused, so an alias bomb costs
milliseconds. The fast reader counts the same way and steps aside for such a document.
Validation problems are turned into :class:`~ceplan.errors.CatalogError` problems with the file,
line, item, field and value. :mod:`ceplan.catalogue.loading` imports this module only when it
parses a file, so that a catalogue read back from the cache does not load PyYAML at all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from ceplan.catalogue.fastyaml import fast_load, first_match
from ceplan.catalogue.models import UNKNOWN_SCHEMA, Catalog, broken_rules
from ceplan.catalogue.rules import CatalogRuleError
from ceplan.catalogue.table import catalog_from_data, with_records
from ceplan.errors import MAX_VALUE_CHARS, CatalogError, shorten
from ceplan.limits import MAX_EXPANDED_NODES

if TYPE_CHECKING:
    from ceplan.catalogue.tableread import FileRows

__all__ = ["Loader", "compose", "decode", "line_of", "load_yaml", "read", "show"]

Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(text: str | bytes, name: str, base: Path | None) -> tuple[Catalog, list[tuple[str, str]]]:
    """The catalogue in ``text``, validated, and the files of activities it was read from.

    ``name`` names the catalogue in errors; ``base`` is the folder that the files named by
    ``activities_from`` are in (``None``: the current folder). Each file read is given as
    ``activities_from`` names it, with the SHA-256 of the bytes its rows were read from.
    """
    text = decode(text, name)
    data = fast_load(text, max_alias_nodes=MAX_EXPANDED_NODES)
    if data is None:
        data, root = load_yaml(text, name)
    else:
        root = None
    given, parts = _files_of(data, text, name, base)
    headers = [problem for part in parts for problem in part.problems]
    try:
        catalog = catalog_from_data(data, parts)
    except ValidationError as exc:
        if root is None:  # the fast reader keeps no line numbers: read the nodes to find them
            loader = Loader(text)
            try:
                root = compose(loader, name)
            finally:
                loader.dispose()
        error = _catalog_error(exc, data, root, name, parts)
        raise CatalogError.from_problems([*headers, *error.problems]) from None
    if headers:
        raise CatalogError.from_problems(headers)
    return catalog, [(one, part.digest) for one, part in zip(given, parts, strict=True)]


FILES_KEY = "activities_from"


def _files_of(
    data: dict[str, Any], text: str, name: str, base: Path | None
) -> tuple[list[str], list[FileRows]]:
    """The files named by ``activities_from`` (taken out of ``data``), and their rows."""
    if FILES_KEY not in data:
        return [], []
    given = data.pop(FILES_KEY)
    names = [given] if isinstance(given, str) else given
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(one, str) and one.strip() for one in names)
    ):
        match = re.search(rf"^{FILES_KEY}\s*:", text, re.MULTILINE)
        raise CatalogError(
            "expected a file name or a list of file names (.csv or .parquet)",
            file=name,
            line=text[: match.start()].count("\n") + 1 if match else None,
            field=FILES_KEY,
            value=show(given),
        )
    from ceplan.catalogue.tableread import read_rows

    folder = Path.cwd() if base is None else base
    shown = os.path.dirname(name) if base is not None else ""
    parts = [read_rows(folder / one, os.path.join(shown, one)) for one in names]
    return names, parts


_NOT_ALLOWED = re.compile(
    r"[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""Characters YAML does not allow in a document, plus the rare line breaks NEL, LS and PS."""
_ASCII_ALLOWED = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])
"""The ASCII characters :data:`_NOT_ALLOWED` lets through."""


def decode(text: str | bytes, name: str) -> str:
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
    bad = first_match(_NOT_ALLOWED, text, _ASCII_ALLOWED)
    if bad is not None:
        line = text[: bad.start()].count("\n") + 1
        raise CatalogError(
            f"character U+{ord(bad.group()):04X} is not allowed in a catalogue",
            file=name,
            line=line,
        )
    return text


def load_yaml(text: str, name: str) -> tuple[dict[str, Any], yaml.Node]:
    """Read YAML with PyYAML's safe loader, refusing alias bombs before building objects."""
    loader = Loader(text)
    try:
        root = compose(loader, name)
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


def compose(loader: Any, name: str) -> yaml.Node:
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
            # This node and the ones done so far include every distinct node under it, so
            # ``size`` less them is at most what aliases add below here, so to the document (and
            # at the root, exactly that).
            if size - len(sizes) - 1 > MAX_EXPANDED_NODES:
                raise _bomb(node, name)
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


def _bomb(node: yaml.Node, name: str) -> CatalogError:
    return CatalogError(
        f"refused: aliases would add more than {MAX_EXPANDED_NODES:,} nodes to the document",
        file=name,
        line=node.start_mark.line + 1,
    )


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
    exc: ValidationError,
    data: dict[str, Any],
    root: yaml.Node,
    name: str,
    parts: Sequence[FileRows] = (),
) -> CatalogError:
    """Every problem of a catalogue that failed validation, each with its line, as one error.

    When fields failed, the catalogue's rules across fields did not run: they run here over the
    parts that are valid. An unknown schema number is the only problem reported: the rest of
    such a file is written for another ceplan.
    """
    inline = data.get("activities", [])
    inline_count = len(inline) if isinstance(inline, list) else 0
    data = with_records(data, parts)
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
            value = None if error["type"] == "missing" else show(error["input"])
            found.append((loc, _message(error), value))
    if not schema and not rules_ran:
        for rule in broken_rules(data):
            found.append((rule.loc, rule.message, _shown_or_none(rule.value)))
    problems = []
    for loc, message, value in found:
        row = _row_of(loc, inline_count, parts)
        if row is not None:
            part, number = row
            item_id = data["activities"][loc[1]].get("id")
            label = f"row {number + 1}" + (f" '{item_id}'" if isinstance(item_id, str) else "")
            problems.append(
                CatalogError.Problem(
                    file=part.name,
                    line=part.line(number),
                    item=label,
                    field=".".join(str(p) for p in loc[2:]) or None,
                    message=message,
                    value=value,
                )
            )
            continue
        item, field = _describe(loc, data)
        line = line_of(root, loc)
        problems.append(
            CatalogError.Problem(
                file=name, line=line, item=item, field=field, message=message, value=value
            )
        )
    return CatalogError.from_problems(problems)


def _row_of(loc: _Loc, inline: int, parts: Sequence[FileRows]) -> tuple[FileRows, int] | None:
    """The file and row that an activity's location is in, if it came from a file."""
    if len(loc) < 2 or loc[0] != "activities" or not isinstance(loc[1], int) or loc[1] < inline:
        return None
    index = loc[1] - inline
    for part in parts:
        if index < part.count:
            return part, index
        index -= part.count
    return None


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
    return None if value is None else show(value)


def show(value: Any) -> str:
    """``value`` as a problem echoes it: dates in ISO form, text quoted, cut to a short line.

    Examples
    --------
    >>> show("£150"), show(dt.date(2027, 1, 2)), show({"USD": -1}), show(float("inf"))
    ("'£150'", '2027-01-02', "{'USD': -1}", 'inf')
    >>> show(list(range(100)))
    '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16...'
    """
    return shorten(_render(value, MAX_VALUE_CHARS + 1, depth=3))


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


def line_of(root: yaml.Node, loc: tuple[str | int, ...]) -> int | None:
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
