"""A fast reader for the plain block-style YAML that large catalogues are written in.

PyYAML, even with libyaml, spends about a microsecond per character building event and node
objects: a catalogue of 10,000 activities takes over a second. Catalogues are simple documents
(block mappings and sequences of plain or quoted scalars, and one-line flow collections), so
:func:`fast_load` reads that subset directly, line by line, and resolves every scalar with
PyYAML's own resolver and safe constructor, so that its result is exactly ``yaml.safe_load``'s.

Anything outside the subset (anchors, aliases, tags, block scalars, multi-document streams,
tabs, escapes, complex keys, duplicate keys, ...) makes :func:`fast_load` return ``None``, and the
caller falls back to PyYAML, which also reports errors with their line numbers.

A quoted scalar may span lines (``yaml.safe_dump`` wraps long ones), and is folded as YAML does:
each line break, with the spaces at the end of its line and at the start of the next, becomes one
space, while the spaces just inside the quotes are kept (``"  Intro to`` / ``BGP "`` gives
``'  Intro to BGP '``). Lines are trimmed as they are read, so folding only has to replace each
break by a space; the text next to the quotes is not trimmed. A blank line inside a scalar (a kept
line break) leaves the subset.

``tests/test_fastyaml.py`` checks the two readers against each other on generated documents.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["fast_load"]

# A plain key of at most 1,000 characters (PyYAML refuses keys of more than 1,024).
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]{0,999}):(?: +|$)")
_PLAIN_BAD_START = set("[]{}#&*!|>'\"%@`,")
_STR_TAG = "tag:yaml.org,2002:str"
# What YAML lets a document hold (PyYAML's reader refuses the rest), less the line breaks NEL,
# LS and PS, which this reader leaves to PyYAML.
_OUTSIDE_SUBSET = re.compile(
    r"[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


class _Unsupported(Exception):
    """The document leaves the subset; fall back to PyYAML."""


class _Line:
    __slots__ = ("indent", "text", "after_blank")

    def __init__(self, indent: int, text: str, after_blank: bool) -> None:
        self.indent = indent
        self.text = text
        self.after_blank = after_blank


class _Scalars:
    """Resolve and construct plain scalars exactly as ``yaml.SafeLoader`` does, memoised."""

    def __init__(self) -> None:
        self.resolvers = yaml.SafeLoader.yaml_implicit_resolvers
        self.constructor = yaml.SafeLoader("")
        self.memo: dict[str, Any] = {}

    def tag(self, value: str) -> str:
        candidates = self.resolvers.get(value[0] if value else "", [])
        for tag, regexp in [*candidates, *self.resolvers.get(None, [])]:
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


def fast_load(text: str | bytes) -> dict[str, Any] | None:
    r"""``yaml.safe_load(text)`` for a simple block-style mapping, or ``None`` if not simple.

    Examples
    --------
    >>> fast_load("a: 1\nb:\n- x\n- {c: 2024-01-31}\n")
    {'a': 1, 'b': ['x', {'c': datetime.date(2024, 1, 31)}]}
    >>> fast_load("a: &anchor 1") is None
    True
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        lines = _lines(text)
        if not lines or lines[0].indent != 0:
            return None
        parser = _Parser(lines)
        value, end = parser.block(0, 0)
        if end != len(lines) or not isinstance(value, dict):
            return None
        return value
    except (_Unsupported, UnicodeDecodeError, RecursionError):
        return None


def _lines(text: str) -> list[_Line]:
    if text.startswith("\ufeff") or _OUTSIDE_SUBSET.search(text):
        raise _Unsupported
    result: list[_Line] = []
    blank = False
    for raw in text.split("\n"):
        stripped = raw.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            blank = True  # a blank or comment line: significant inside multi-line scalars
            continue
        if raw.startswith(("---", "...", "%")):
            raise _Unsupported
        result.append(_Line(len(raw) - len(stripped), stripped.rstrip(" "), blank))
        blank = False
    return result


class _Parser:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.scalars = _Scalars()

    def block(self, i: int, indent: int) -> tuple[Any, int]:
        line = self.lines[i]
        if line.indent != indent:
            raise _Unsupported
        if line.text == "-" or line.text.startswith("- "):
            return self.sequence(i, indent)
        if _KEY.match(line.text):
            return self.mapping(i, indent)
        raise _Unsupported

    def mapping(self, i: int, indent: int) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        lines = self.lines
        while i < len(lines) and lines[i].indent == indent:
            match = _KEY.match(lines[i].text)
            if match is None:
                break
            key = match.group(1)
            if key in result or self.scalars.tag(key) != _STR_TAG:
                raise _Unsupported
            rest = lines[i].text[match.end() :]
            column = indent + match.end()
            result[key], i = self.value(i, indent, rest, column, indentless_ok=True)
        if i < len(lines) and lines[i].indent >= indent:
            raise _Unsupported  # something the subset does not cover, or invalid YAML
        return result, i

    def sequence(self, i: int, indent: int) -> tuple[list[Any], int]:
        result: list[Any] = []
        lines = self.lines
        while i < len(lines) and lines[i].indent == indent:
            text = lines[i].text
            if not (text == "-" or text.startswith("- ")):
                break
            rest = text[1:].lstrip(" ")
            column = indent + len(text) - len(rest)
            if rest.startswith("- ") or rest == "-":
                raise _Unsupported
            if _KEY.match(rest):
                # "- key: value": a mapping whose keys line up with the first one.
                lines[i] = _Line(column, rest, lines[i].after_blank)
                value, i = self.mapping(i, column)
                result.append(value)
                continue
            value, i = self.value(i, indent, rest, column, indentless_ok=False)
            result.append(value)
        if i < len(lines) and lines[i].indent > indent:
            raise _Unsupported
        return result, i

    def value(
        self, i: int, indent: int, rest: str, column: int, *, indentless_ok: bool
    ) -> tuple[Any, int]:
        """The value after ``key:`` or ``-`` on line ``i``; returns it and the next line."""
        lines = self.lines
        nxt = i + 1
        if not rest or rest.startswith("#"):
            if nxt < len(lines) and lines[nxt].indent > indent:
                return self.block(nxt, lines[nxt].indent)
            if indentless_ok and nxt < len(lines) and lines[nxt].indent == indent:
                text = lines[nxt].text
                if text == "-" or text.startswith("- "):
                    return self.sequence(nxt, indent)
            return None, nxt
        end = nxt
        while end < len(lines) and lines[end].indent > indent:
            end += 1
        continuation = lines[nxt:end]
        if any(line.after_blank for line in continuation):
            raise _Unsupported
        first = rest[0]
        if first in "'\"":
            return self.quoted(rest, continuation), end
        if first in "[{":
            if continuation:
                raise _Unsupported
            return self.flow(rest), end
        return self.plain(rest, continuation), end

    def plain(self, rest: str, continuation: list[_Line]) -> Any:
        parts = [rest, *(line.text for line in continuation)]
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

    def quoted(self, rest: str, continuation: list[_Line]) -> str:
        quote = rest[0]
        text = "\n".join([rest, *(line.text for line in continuation)])
        if quote == '"':
            close = text.find('"', 1)
            if "\\" in text[: close if close >= 0 else len(text)]:
                raise _Unsupported
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
        # Folding: each line break, with the spaces around it, is one space. _lines has trimmed
        # every line, so that is all there is around a break; spaces beside the quotes stay.
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
        return mapping

    def flow_scalar(self, text: str) -> Any:
        if not text or ":" in text or text.startswith(("-", "?")) and text[1:2] in ("", " "):
            raise _Unsupported
        return self.scalars.plain(text)
