"""A fast reader for the plain block-style YAML that large catalogues are written in.

PyYAML, even with libyaml, spends about a microsecond per character building event and node
objects: a catalogue of 100,000 activities takes over ten seconds. Catalogues are simple
documents (block mappings and sequences of plain or quoted scalars, one-line flow collections,
anchors and aliases), so :func:`fast_load` reads that subset directly, line by line, and resolves
every scalar with PyYAML's own resolver and safe constructor, so that its result is exactly
``yaml.safe_load``'s.

The lines of the long lists (each activity: ``- key: value`` then ``  key: value`` lines) are
read by a loop that does little more than split each line at ``": "`` and look its value up
among the values already seen; a new value that is plainly a string or a decimal number is
recognised without PyYAML's constructor (the resolvers decide which first characters need it),
and a one-line flow collection (``categories: {group-a: 1}``) is read where it stands. An entry
holding anything else (a value over several lines, a nested block, a comment) is read again by
the general reader, and the loop goes on after it.

Anchors (``&name``) and aliases (``*name``) are read as PyYAML reads them: an alias is the very
object its anchor made. Every alias adds the nodes of what it stands for; once they would add
more than ``max_alias_nodes`` (an alias bomb), the reader steps aside, and PyYAML's path refuses
the document with the line where it happens.

Anything outside the subset (tags, block scalars, multi-document streams, tabs, complex keys,
duplicate keys or anchors, escapes in a double-quoted scalar over several lines, ...) makes
:func:`fast_load` return ``None``, and the caller falls back to PyYAML, which also reports
errors with their line numbers.

A quoted scalar may span lines (``yaml.safe_dump`` wraps long ones), and is folded as YAML does:
each line break, with the spaces at the end of its line and at the start of the next, becomes one
space, while the spaces just inside the quotes are kept (``"  Intro to`` / ``BGP "`` gives
``'  Intro to BGP '``). A blank line inside a scalar (a kept line break) leaves the subset.

``tests/test_fastyaml.py`` checks the two readers against each other on generated documents.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["fast_load"]

# A plain key of at most 1,000 characters (PyYAML refuses keys of more than 1,024).
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]{0,999}):(?: +|$)")
_KEY_ONLY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,999}")
_ANCHOR = re.compile(r"[0-9A-Za-z_-]+")
_PLAIN_BAD_START = set("[]{}#&*!|>'\"%@`,")
_STR_TAG = "tag:yaml.org,2002:str"
_QUIET = re.compile(r"[^ #:\[\]{}&*!|>'\"%@`,?-](?:[^#:]|(?<! )#|:(?! ))*(?<![ :])")
"""A one-line plain scalar, with no comment, no ``": "`` and no space or colon at its end..."""
_LOUD_HEADS = frozenset(
    "".join(str(head) for head in yaml.SafeLoader.yaml_implicit_resolvers if head)
)
"""...that PyYAML reads as a string unless it starts with one of these: what may start a number,
a date, a boolean, null, a merge key or a value key."""
_DECIMAL = re.compile(r"(?:[1-9][0-9]{0,15}|0)(?:\.[0-9]{1,15})?")
"""A whole number or a decimal fraction, the same in YAML 1.1 as in Python (no ``0`` octal)."""
if None in yaml.SafeLoader.yaml_implicit_resolvers:  # resolvers for any start: no shortcut
    _QUIET = re.compile(r"(?!)")
# What YAML lets a document hold (PyYAML's reader refuses the rest), less the line breaks NEL,
# LS and PS, which this reader leaves to PyYAML.
_OUTSIDE_SUBSET = re.compile(
    r"[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SUBSET_ASCII = bytes([0x0A, *range(0x20, 0x7F)])
"""The ASCII characters :data:`_OUTSIDE_SUBSET` lets through."""
_MARKS = ("---", "...", "%")
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_MEMO_LIMIT = 200_000
"""At most this many one-line values are remembered as read (most repeat: types, dates...)."""


class _Unsupported(Exception):
    """The document leaves the subset; fall back to PyYAML."""


class _NotSimple(Exception):
    """An entry that the loop for long lists leaves to the general reader."""


class _Scalars:
    """Resolve and construct plain scalars exactly as ``yaml.SafeLoader`` does, memoised."""

    def __init__(self) -> None:
        self.resolvers = yaml.SafeLoader.yaml_implicit_resolvers
        self.constructor = yaml.SafeLoader("")
        self.memo: dict[str, Any] = {}
        self.by_head: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {}
        """The resolvers to try for a value, by its first character."""

    def tag(self, value: str) -> str:
        head = value[:1]
        try:
            resolvers = self.by_head[head]
        except KeyError:
            resolvers = self.by_head[head] = (
                *self.resolvers.get(head, []),
                *self.resolvers.get(None, []),
            )
        for tag, regexp in resolvers:
            if regexp.match(value):
                return str(tag)
        return _STR_TAG

    def plain(self, value: str) -> Any:
        try:
            return self.memo[value]
        except KeyError:
            pass
        tag = self.tag(value)
        if tag == _STR_TAG:
            result: Any = value
        else:
            try:
                result = self.constructor.construct_object(yaml.ScalarNode(tag, value))
            except Exception as exc:  # let PyYAML report it, with its line
                raise _Unsupported from exc
            if isinstance(result, list | dict):
                raise _Unsupported
        self.memo[value] = result
        return result


def fast_load(text: str | bytes, *, max_alias_nodes: int | None = None) -> dict[str, Any] | None:
    r"""``yaml.safe_load(text)`` for a simple block-style mapping, or ``None`` if not simple.

    ``max_alias_nodes`` bounds the nodes that aliases may add (``None``: no bound).

    Examples
    --------
    >>> fast_load("a: 1\nb:\n- x\n- {c: 2024-01-31}\n")
    {'a': 1, 'b': ['x', {'c': datetime.date(2024, 1, 31)}]}
    >>> fast_load("a: &day 2024-01-31\nb: *day\n")
    {'a': datetime.date(2024, 1, 31), 'b': datetime.date(2024, 1, 31)}
    >>> fast_load("a: !!str 1") is None
    True
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if text.startswith("\ufeff") or first_match(_OUTSIDE_SUBSET, text, _SUBSET_ASCII):
            return None
        if text.startswith(_MARKS) or any(f"\n{mark}" in text for mark in _MARKS):
            return None  # document markers or directives
        parser = _Parser(text, max_alias_nodes)
        start, _ = parser.skip(0)
        if start >= parser.count or parser.indent(start) != 0:
            return None
        value, end = parser.block(start, 0)
        end, _ = parser.skip(end)
        if end != parser.count or not isinstance(value, dict):
            return None
        return value
    except (_Unsupported, UnicodeDecodeError, RecursionError):
        return None


def first_match(pattern: re.Pattern[str], text: str, ascii_allowed: bytes) -> re.Match[str] | None:
    """``pattern.search(text)`` for a pattern of characters not allowed, sooner for ASCII text.

    ``ascii_allowed`` holds the ASCII characters that ``pattern`` does not match. Deleting them
    from the text's bytes takes a few milliseconds where the search takes a few hundred.
    """
    if text.isascii() and not text.encode("ascii").translate(None, ascii_allowed):
        return None
    return pattern.search(text)


class _Parser:
    def __init__(self, text: str, max_alias_nodes: int | None) -> None:
        self.lines = lines = text.split("\n")
        self.count = len(lines)
        self.fresh: list[str] = []
        """The anchors defined since the entry being read began (undone if it is read again)."""
        self.scalars = _Scalars()
        self.anchors: dict[str, tuple[Any, int]] = {}
        """Each anchor's value, and how many nodes it stands for."""
        self.nodes = 0
        """Nodes read so far, each alias counted as the nodes it stands for."""
        self.added = 0
        """Nodes that aliases added."""
        self.max_added = max_alias_nodes
        self.simple: dict[str, Any] = {}
        """One-line values already read (the text after ``key: ``), and what they gave."""
        self.keys: set[str] = set()
        """Keys known to be plain text keys of the subset."""
        self.flows: dict[str, tuple[Any, int]] = {}
        """One-line flow collections already read, each with the nodes it holds: each use is
        given a copy of its own (its entries are scalars, which are never changed)."""

    # -- lines -------------------------------------------------------------------------------

    def skip(self, i: int) -> tuple[int, bool]:
        """The first line from ``i`` with content, and whether blank or comment lines came first."""
        lines, count, blank = self.lines, self.count, False
        while i < count:
            text = lines[i].lstrip(" ")
            if text and text[0] != "#":
                return i, blank
            blank = True
            i += 1
        return count, blank

    def indent(self, i: int) -> int:
        raw = self.lines[i]
        return len(raw) - len(raw.lstrip(" "))

    def text(self, i: int) -> str:
        return self.lines[i].strip(" ")

    # -- the general reader ------------------------------------------------------------------

    def block(self, i: int, indent: int) -> tuple[Any, int]:
        text = self.text(i)
        if text == "-" or text.startswith("- "):
            return self.sequence(i, indent)
        if _KEY.match(text):
            return self.mapping(i, indent, text)
        raise _Unsupported

    def mapping(self, i: int, indent: int, first: str | None = None) -> tuple[dict[str, Any], int]:
        """The block mapping at ``indent`` from line ``i`` (whose text is ``first``, if given)."""
        result: dict[str, Any] = {}
        self.nodes += 1
        text = first
        while True:
            if text is None:
                i, _ = self.skip(i)
                if i >= self.count or self.indent(i) != indent:
                    break
                text = self.text(i)
            match = _KEY.match(text)
            if match is None:
                break
            key = match.group(1)
            if key in result or self.scalars.tag(key) != _STR_TAG:
                raise _Unsupported
            self.nodes += 1
            rest = text[match.end() :]
            column = indent + match.end()
            result[key], i = self.value(i, indent, rest, column, indentless_ok=True)
            text = None
        i, _ = self.skip(i)
        if i < self.count and self.indent(i) >= indent:
            raise _Unsupported  # something the subset does not cover, or invalid YAML
        return result, i

    def sequence(self, i: int, indent: int, first: str | None = None) -> tuple[list[Any], int]:
        """The block sequence whose dashes are at column ``indent`` from line ``i``.

        ``first`` is the text of line ``i`` from column ``indent`` on when the sequence starts
        inside another one's entry (``- - x``).
        """
        result: list[Any] = []
        self.nodes += 1
        while True:
            if first is None:
                i, _ = self.skip(i)
                if i >= self.count or self.indent(i) != indent:
                    break
                text = self.text(i)
            else:
                text, first = first, None
            if not (text == "-" or text.startswith("- ")):
                break
            rest = text[1:].lstrip(" ")
            column = indent + len(text) - len(rest)
            value: Any
            if rest.startswith("- ") or rest == "-":
                value, i = self.sequence(i, column, rest)
                result.append(value)
                continue
            if _KEY.match(rest):
                # "- key: value": a mapping whose keys line up with the first one.
                if column == indent + 2:
                    entries, i = self.entries(i, indent)
                    if entries:
                        result += entries
                        continue
                try:
                    value, i = self.entry(i, column, rest)
                except _NotSimple:
                    value, i = self.mapping(i, column, rest)
                result.append(value)
                continue
            value, i = self.value(i, indent, rest, column, indentless_ok=False)
            result.append(value)
        i, _ = self.skip(i)
        if i < self.count and self.indent(i) > indent:
            raise _Unsupported
        return result, i

    def value(
        self, i: int, indent: int, rest: str, column: int, *, indentless_ok: bool
    ) -> tuple[Any, int]:
        """The value after ``key:`` or ``-`` on line ``i``; returns it and the next line."""
        if rest.startswith("&"):
            return self.anchored(i, indent, rest, column, indentless_ok=indentless_ok)
        if rest.startswith("*"):
            return self.alias(i, indent, rest)
        if not rest or rest.startswith("#"):
            nxt, _ = self.skip(i + 1)
            if nxt < self.count:
                below = self.indent(nxt)
                if below > indent:
                    return self.block(nxt, below)
                if indentless_ok and below == indent:
                    text = self.text(nxt)
                    if text == "-" or text.startswith("- "):
                        return self.sequence(nxt, indent)
            self.nodes += 1
            return None, nxt
        continuation, end = self.continuation(i, indent)
        self.nodes += 1
        first = rest[0]
        if first in "'\"":
            return self.quoted(rest, continuation), end
        if first in "[{":
            if continuation:
                raise _Unsupported
            return self.flow(rest), end
        return self.plain(rest, continuation), end

    def continuation(self, i: int, indent: int) -> tuple[list[str], int]:
        """The lines after line ``i`` indented past ``indent`` (a scalar's continuation)."""
        lines: list[str] = []
        j = i + 1
        while True:
            nxt, blank = self.skip(j)
            if nxt >= self.count or self.indent(nxt) <= indent:
                return lines, nxt
            if blank:
                raise _Unsupported  # a kept line break, or a comment inside a scalar
            lines.append(self.text(nxt))
            j = nxt + 1

    def anchored(
        self, i: int, indent: int, rest: str, column: int, *, indentless_ok: bool
    ) -> tuple[Any, int]:
        """``&name`` and the value it names."""
        name, _, after = rest[1:].partition(" ")
        if _ANCHOR.fullmatch(name) is None or name in self.anchors:
            raise _Unsupported
        after = after.lstrip(" ")
        if after.startswith(("&", "*")):
            raise _Unsupported
        before = self.nodes
        value, end = self.value(i, indent, after, column, indentless_ok=indentless_ok)
        self.anchors[name] = (value, self.nodes - before)
        return value, end

    def alias(self, i: int, indent: int, rest: str) -> tuple[Any, int]:
        """``*name``: the object its anchor made."""
        name, _, after = rest[1:].partition(" ")
        after = after.lstrip(" ")
        if after and not after.startswith("#"):
            raise _Unsupported
        continuation, end = self.continuation(i, indent)
        if continuation:
            raise _Unsupported
        return self.expand(name), end

    def expand(self, name: str) -> Any:
        found = self.anchors.get(name)
        if found is None:
            raise _Unsupported  # PyYAML says the alias is undefined, with its line
        value, size = found
        self.nodes += size
        self.added += size
        if self.max_added is not None and self.added > self.max_added:
            raise _Unsupported  # an alias bomb: PyYAML's path refuses it with its line
        return value

    def plain(self, rest: str, continuation: list[str]) -> Any:
        parts = [rest, *continuation]
        for index, part in enumerate(parts):
            cut = part.find(" #")
            if cut >= 0:
                if index != len(parts) - 1:
                    raise _Unsupported
                parts[index] = part = part[:cut].rstrip(" ")
            if ": " in part or part.endswith(":") or (index and part[:1] in ("#", "-")):
                raise _Unsupported
        value = " ".join(parts)
        head = value[:1]
        if head in _PLAIN_BAD_START or value[:2] in ("- ", "? ", ": ") or value in ("-", "?"):
            raise _Unsupported
        if continuation and self.scalars.tag(value) != _STR_TAG:
            raise _Unsupported
        return self.scalars.plain(value)

    def quoted(self, rest: str, continuation: list[str]) -> str:
        quote = rest[0]
        text = "\n".join([rest, *continuation])
        escaped = False
        if quote == '"':
            close = 1
            while True:
                close = text.find('"', close)
                if close < 0:
                    break
                backslashes = len(text[:close]) - len(text[:close].rstrip("\\"))
                if backslashes % 2 == 0:
                    break
                close += 1
            escaped = "\\" in text[1 : close if close >= 0 else len(text)]
            if escaped and continuation:
                raise _Unsupported  # escaped line breaks and the like: left to PyYAML
        else:
            close = 1
            while True:
                close = text.find("'", close)
                if close < 0 or text[close + 1 : close + 2] != "'":
                    break
                close += 2
        if close < 0:
            raise _Unsupported
        tail = text[close + 1 :]
        if "\n" in tail or (tail.strip(" ") and not tail.startswith(" ")):
            raise _Unsupported
        if tail.strip(" ") and not tail.lstrip(" ").startswith("#"):
            raise _Unsupported
        body = text[1:close]
        if quote == "'":
            body = body.replace("''", "'")
        elif escaped:
            return _unescape(body)
        # Folding: each line break, with the spaces around it, is one space. Every line has
        # been trimmed, so that is all there is around a break; spaces beside the quotes stay.
        return body.replace("\n", " ")

    def flow(self, rest: str) -> Any:
        opener = rest[0]
        closer = "}" if opener == "{" else "]"
        cut = rest.find(" #")
        text = rest[:cut].rstrip(" ") if cut >= 0 else rest
        if not text.endswith(closer):
            raise _Unsupported
        inner = text[1:-1]
        if any(char in inner for char in "[]{}'\"#&*!|>%@`?"):
            raise _Unsupported
        entries = [part.strip(" ") for part in inner.split(",")]
        if entries == [""]:
            entries = []
        if any(not entry for entry in entries):
            raise _Unsupported
        if opener == "[":
            self.nodes += len(entries)
            return [self.flow_scalar(entry) for entry in entries]
        mapping: dict[str, Any] = {}
        for entry in entries:
            match = _KEY.match(entry)
            if match is None:
                raise _Unsupported
            key = match.group(1)
            if key in mapping or self.scalars.tag(key) != _STR_TAG:
                raise _Unsupported
            mapping[key] = self.flow_scalar(entry[match.end() :])
        self.nodes += 2 * len(entries)
        return mapping

    def flow_scalar(self, text: str) -> Any:
        if not text or ":" in text or text.startswith(("-", "?")) and text[1:2] in ("", " "):
            raise _Unsupported
        return self.scalars.plain(text)

    # -- the loop for long lists -------------------------------------------------------------

    def entries(self, i: int, indent: int) -> tuple[list[dict[str, Any]], int]:
        """The ``- key: value`` entries from line ``i`` whose keys each hold a one-line value.

        The entries of the long lists: ``- key: value`` at ``indent``, then ``  key: value``
        lines. Stops before the first entry that holds anything else; returns the entries read
        (perhaps none) and the next line.
        """
        lines, keys, simple, fresh = self.lines, self.keys, self.simple, self.fresh
        dash, more, width = " " * indent + "- ", " " * (indent + 2), indent + 2
        entries: list[dict[str, Any]] = []
        current: dict[str, Any] = {}
        first = line = i  # where the current entry starts; the line being read
        mark = self.nodes, self.added
        hits = 0  # values of the current entry found among those already read
        for raw in map(lines.__getitem__, range(i, self.count)):  # islice would skip i lines
            head = raw[:width]
            if head == dash:
                if line > first:
                    self.nodes += 1 + len(current) + hits  # the mapping, its keys, its values
                    entries.append(current)
                    current = {}
                    first = line
                    mark = self.nodes, self.added
                    hits = 0
                    fresh.clear()
            elif head != more or line == first:
                break
            key, sep, text = raw[width:].partition(": ")
            try:
                if not sep or key in current:
                    raise _NotSimple
                if key not in keys:
                    if _KEY_ONLY.fullmatch(key) is None or self.scalars.tag(key) != _STR_TAG:
                        raise _NotSimple
                    keys.add(key)
                try:
                    current[key] = simple[text]
                    hits += 1
                except KeyError:
                    current[key] = self.one_line(text)  # counted and remembered there
            except _NotSimple:
                return self.undo(entries, first, mark)
            line += 1
        if line > first:
            # The entry is whole unless the next line with content is part of it.
            nxt, _ = self.skip(line)
            if nxt < self.count and self.indent(nxt) > indent:
                return self.undo(entries, first, mark)
            self.nodes += 1 + len(current) + hits
            entries.append(current)
        fresh.clear()
        return entries, line

    def undo(
        self, entries: list[dict[str, Any]], first: int, mark: tuple[int, int]
    ) -> tuple[list[dict[str, Any]], int]:
        """Forget the entry that begins on line ``first``: another reader reads it again."""
        self.nodes, self.added = mark
        for name in self.fresh:
            del self.anchors[name]
        self.fresh.clear()
        return entries, first

    def entry(self, i: int, column: int, first: str) -> tuple[dict[str, Any], int]:
        """The mapping of a ``- key: value`` entry whose keys each hold a one-line value.

        Raises :class:`_NotSimple` for anything else, to be read by :meth:`mapping`.
        """
        mark = self.nodes, self.added
        self.fresh.clear()
        try:
            result, i = self._entry(i, column, first)
        except _NotSimple:
            self.undo([], i, mark)  # the general reader counts them again
            raise
        self.nodes += 1 + len(result)  # the mapping and its keys; values count themselves
        return result, i

    def _entry(self, i: int, column: int, first: str) -> tuple[dict[str, Any], int]:
        lines, count, simple, keys = self.lines, self.count, self.simple, self.keys
        prefix = " " * column
        result: dict[str, Any] = {}
        body = first
        while True:
            key, sep, text = body.partition(": ")
            if not sep:
                raise _NotSimple
            if key not in keys:
                if _KEY_ONLY.fullmatch(key) is None or self.scalars.tag(key) != _STR_TAG:
                    raise _NotSimple
                keys.add(key)
            if key in result:
                raise _NotSimple
            try:
                result[key] = simple[text]
                self.nodes += 1
            except KeyError:
                result[key] = self.one_line(text)
            i += 1
            if i >= count:
                break
            raw = lines[i]
            if raw.startswith(prefix) and len(raw) > column and raw[column] not in " #-":
                body = raw[column:]
                continue
            text = raw.lstrip(" ")
            if not text or text[0] == "#" or len(raw) - len(text) >= column:
                raise _NotSimple  # a blank line, a comment, a continuation or a nested block
            break
        return result, i

    def one_line(self, text: str) -> Any:
        """The value of ``key: text`` when it ends on its line; remembered when it is a scalar."""
        value = text.strip(" ")
        if not value or value[0] == "#":
            raise _NotSimple  # a block follows
        head = value[0]
        try:
            if head in "'\"":
                result: Any = self.quoted(value, [])
            elif head in "[{":
                return self.one_flow(value)
            elif head == "*":
                name, _, after = value[1:].partition(" ")
                after = after.lstrip(" ")
                if after and not after.startswith("#"):
                    raise _NotSimple
                return self.expand(name)  # counted as the nodes it stands for
            elif head == "&":
                name, _, after = value[1:].partition(" ")
                after = after.lstrip(" ")
                if _ANCHOR.fullmatch(name) is None or name in self.anchors:
                    raise _NotSimple
                if not after or after[0] in "#&*":
                    raise _NotSimple
                before = self.nodes
                result = self.one_line(after)
                self.anchors[name] = (result, self.nodes - before)
                self.fresh.append(name)
                return result  # not remembered: the anchor is defined once
            elif _QUIET.fullmatch(value) is not None and (
                head not in _LOUD_HEADS or self.scalars.tag(value) == _STR_TAG
            ):
                result = value  # a plain string that PyYAML reads as it is
            elif _DECIMAL.fullmatch(value) is not None:
                # What PyYAML makes of 12 or 12.5, without its general constructor.
                result = float(value) if "." in value else int(value)
            else:
                result = self.plain(value, [])
        except _Unsupported:
            raise _NotSimple from None
        self.nodes += 1
        if len(self.simple) < _MEMO_LIMIT:
            self.simple[text] = result
        return result

    def one_flow(self, value: str) -> Any:
        """The flow collection ``value``, a new copy for each use; counts its nodes."""
        known = self.flows.get(value)
        if known is None:
            before = self.nodes
            collection = self.flow(value)
            known = (collection, self.nodes - before)
            if len(self.flows) < _MEMO_LIMIT:
                self.flows[value] = known
            self.nodes = before
        collection, size = known
        self.nodes += 1 + size
        return dict(collection) if isinstance(collection, dict) else list(collection)


def _unescape(body: str) -> str:
    """The text of a one-line double-quoted scalar, its escapes replaced as YAML says."""

    def one(match: re.Match[str]) -> str:
        hexadecimal = match.group(1) or match.group(2) or match.group(3)
        if hexadecimal is not None:
            code = int(hexadecimal, 16)
            if code > 0x10FFFF:
                raise _Unsupported
            return chr(code)
        replacement = _ESCAPES.get(match.group(4))
        if replacement is None:
            raise _Unsupported
        return replacement

    if body.endswith("\\") and (len(body) - len(body.rstrip("\\"))) % 2:
        raise _Unsupported
    return _ESCAPE.sub(one, body)
