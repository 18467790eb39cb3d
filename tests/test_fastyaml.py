"""The fast catalogue reader gives exactly ``yaml.safe_load``'s answer, or steps aside.

What :mod:`ceplan.catalogue.fastyaml` promises: when :func:`fast_load` returns a value, it is the
value PyYAML gives, type for type; for anything it does not handle it returns ``None``, and the
catalogue reader (:mod:`ceplan.catalogue.yamlread`) reads the document with PyYAML instead.
Differential tests check exactly that on generated documents (written inside the fast reader's
subset, dumped by PyYAML, assembled from odd lines, or a subset document with a few characters
changed): what the fast reader returns equals PyYAML's value, and a document it hands over is read
by the whole reader as PyYAML reads it (or refused with a CatalogError, for PyYAML's errors and
ceplan's own refusals). That the fast reader does read the documents catalogues are made of is
checked on fixed examples (the end of this file).

Each property test runs ``$FASTYAML_EXAMPLES`` examples (default 120, a few seconds; ten times
as many under the ``nightly`` profile, see ``tests/conftest.py``). For a long run::

    FASTYAML_EXAMPLES=50000 .venv/bin/python -m pytest tests/test_fastyaml.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ceplan.catalogue import fastyaml as _fastyaml
from ceplan.catalogue import yamlread as _yamlread
from ceplan.catalogue.fastyaml import fast_load
from ceplan.errors import CatalogError
from ceplan.limits import MAX_EXPANDED_NODES
from tests.conftest import examples

EXAMPLES = int(os.environ.get("FASTYAML_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=examples(EXAMPLES),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down (1 != 1.0 != True here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


NAME = "document.yaml"
OWN_REFUSALS = (
    "duplicate key",
    "expected a mapping at the top level",
    "the file is empty",
    "is not allowed in a catalogue",
    "refused: ",
)
"""What ceplan's reader refuses although PyYAML reads it (see :mod:`ceplan.catalogue.yamlread`)."""


def full_read(text: str) -> Any:
    """What ceplan's catalogue reader makes of ``text`` before validating it, the way
    ``_yamlread.read`` does: the fast reader's value, or else PyYAML's."""
    text = _yamlread.decode(text, NAME)
    data = fast_load(text, max_alias_nodes=MAX_EXPANDED_NODES)
    if data is None:
        data, _ = _yamlread.load_yaml(text, NAME)
    return data


PYYAML_ERRORS = (yaml.YAMLError, ValueError, TypeError, OverflowError)


def check_agreement(text: str, *, refusals: tuple[str, ...] = OWN_REFUSALS) -> Any:
    """Assert the fast reader's promise on ``text``; return its answer (``None``: handed over).

    A value from the fast reader is ``yaml.safe_load``'s. A document handed over is read by the
    whole reader as PyYAML's loader there reads it (libyaml's when present, which reads a few
    documents the pure-Python loader refuses, such as ``x: <tab>1``), or refused with a
    :class:`CatalogError`: always when that loader refuses it, else only for one of
    ``refusals``.
    """
    try:
        expected = yaml.safe_load(text)
    except PYYAML_ERRORS:
        assert fast_load(text) is None, text
    else:
        got = fast_load(text)
        if got is not None:
            assert same(got, expected), (text, got, expected)
            return got
    try:
        fallback = yaml.load(text, Loader=_yamlread.Loader)
    except PYYAML_ERRORS:
        with pytest.raises(CatalogError):
            full_read(text)
        return None
    try:
        data = full_read(text)
    except CatalogError as error:
        assert any(reason in str(error) for reason in refusals), (text, str(error))
    else:
        assert same(data, fallback), (text, data, fallback)
    return None


# -- documents inside the subset ------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
WORDS = st.builds(
    str.__add__,
    st.sampled_from(LETTERS),
    st.text(LETTERS + "0123456789_", max_size=7),
)
# What may join two words of a plain scalar without starting a comment, a key or a flow item.
JOINERS = st.sampled_from([" ", " ", "  ", "-", ".", "/", "'", '"', ", ", "! ", "? ", "&", "*"])
JOINERS_TOO = st.sampled_from(["#", ":", "(", ")", "[", "]", "{", "}", "%", "@", "`", "|", ">"])
# Plain scalars that PyYAML resolves to something other than text, or to text that looks odd.
TRICKY_PLAIN = st.sampled_from(
    [
        "yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~",
        "0", "-0", "+1", "1_000", "0x1F", "0b101", "012", "0o17", "1:30", "190:20:30",
        ".inf", "-.Inf", "+.inf", ".NaN", "-.5", "3.", "1e3", "1.5e+3", "6.8523015e+5",
        "1,000", "2023-04-20", "2023-4-2", "2023-04-20 10:00:00", "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5", "a#b", "http://example.com/x?y=1#z", "it's", 'say "hi"',
        "ünïcödé €", "-x", "?x", ":x", "x:y", "x]", "a, b", "a {b}", "<x>", "x!", "€5",
    ]
)  # fmt: skip
KEYS = st.from_regex(r"[a-z_][a-z0-9_.-]{0,10}", fullmatch=True).filter(
    lambda key: key not in {"yes", "no", "on", "off", "true", "false", "null"}
)
COMMENTS = st.sampled_from(["", "", "", " # note", "  #x", " #: - [not] {yaml}", " # 'q"])
QUOTED_TEXT = st.text(
    st.sampled_from([*"abcXYZ019  #:-,[]{}&*!|>%@`?'\"\\", "ü", "€", "😀"]), max_size=30
)
STEPS = st.integers(1, 4)
MAX_DEPTH = 3

Chunk = list[str]
"""Lines that belong together (a key and its scalar's continuation lines); comments and blank
lines may go between chunks, never inside one."""


def plain_text(draw: st.DrawFn) -> str:
    """A plain scalar of words, possibly resolved to a bool, a number, a date..."""
    if draw(st.booleans()):
        return draw(TRICKY_PLAIN)
    text = draw(WORDS)
    for _ in range(draw(st.integers(0, 4))):
        text += draw(st.one_of(JOINERS, JOINERS_TOO)) + draw(WORDS)
    return text


def folded(draw: st.DrawFn, first: str, words: list[str], indent: int) -> Chunk:
    """``first`` followed by ``words`` spread over continuation lines indented past ``indent``."""
    lines = [first]
    for word in words:
        if draw(st.booleans()):
            lines[-1] += " " + word
        else:
            lines.append(" " * (indent + draw(STEPS)) + word)
    return lines


def quoted(draw: st.DrawFn, head: str, indent: int) -> Chunk:
    """A single- or double-quoted scalar after ``head``, on one line or folded over several."""
    spaces = st.sampled_from(["", " ", "  "])
    text = draw(spaces) + draw(QUOTED_TEXT) + draw(spaces)
    if draw(st.booleans()):
        body = text.replace("'", "''")
        quote = "'"
    else:
        body = text.replace("\\", "/").replace('"', "'")
        quote = '"'
    pieces = body.split(" ")
    lines = [f"{head} {quote}{pieces[0]}"]
    for piece in pieces[1:]:
        # A break may replace a space when neither line is left blank or starts a comment.
        if piece and not piece.startswith("#") and draw(st.booleans()):
            lines.append(" " * (indent + draw(STEPS)) + piece)
        else:
            lines[-1] += " " + piece
    lines[-1] += quote + draw(COMMENTS)
    return lines


def flow(draw: st.DrawFn) -> str:
    """A one-line flow sequence or mapping of plain scalars."""
    scalars = st.one_of(
        WORDS,
        st.sampled_from(["1", "-2.5", "yes", "~", "null", "2024-01-31", ".inf", "0x1F", "a b"]),
    )
    comma = draw(st.sampled_from([", ", ",", " , "]))
    if draw(st.booleans()):
        inner = comma.join(draw(st.lists(scalars, max_size=4)))
        return f"[{inner}]"
    keys = draw(st.lists(KEYS, max_size=4, unique=True))
    inner = comma.join(f"{key}: {draw(scalars)}" for key in keys)
    return "{" + inner + "}"


def entry(
    draw: st.DrawFn,
    head: str,
    indent: int,
    depth: int,
    anchors: list[str],
    *,
    in_mapping: bool,
    anchored: bool = False,
) -> list[Chunk]:
    """``head`` (``"  key:"`` or ``"  -"``) and its value, as chunks.

    ``anchors`` holds the anchors defined so far (aliases may name them); ``anchored`` says that
    ``head`` already ends in an anchor.
    """
    kinds = ["plain", "plain", "folded", "quoted", "flow", "empty"]
    if depth < MAX_DEPTH:
        kinds += ["mapping", "sequence", "mapping", "sequence"]
    if anchors and not anchored:
        kinds += ["alias"]
    kind = draw(st.sampled_from(kinds))
    if kind == "alias":
        return [[f"{head} *{draw(st.sampled_from(tuple(anchors)))}{draw(COMMENTS)}"]]
    if not anchored and draw(st.integers(0, 4)) == 0:
        # An anchor on a value, for aliases further down (not inside it). Anchors inside the
        # value are deeper and defined before this one ends: the depth keeps the names apart.
        name = f"an{depth}_{len(anchors)}"
        chunks = entry(
            draw, f"{head} &{name}", indent, depth, anchors, in_mapping=in_mapping, anchored=True
        )
        anchors.append(name)
        return chunks
    if kind == "plain":
        return [[f"{head} {plain_text(draw)}{draw(COMMENTS)}"]]
    if kind == "folded":
        words = draw(st.lists(WORDS, min_size=2, max_size=6))
        lines = folded(draw, f"{head} {words[0]}", words[1:], indent)
        return [[*lines[:-1], lines[-1] + draw(COMMENTS)]]
    if kind == "quoted":
        return [quoted(draw, head, indent)]
    if kind == "flow":
        return [[f"{head} {flow(draw)}{draw(COMMENTS)}"]]
    if kind == "empty":
        return [[head + draw(COMMENTS)]]
    opening = [head + draw(COMMENTS)]
    if kind == "mapping":
        return [opening, *mapping(draw, indent + draw(STEPS), depth + 1, anchors)]
    step = 0 if in_mapping and draw(st.booleans()) else draw(STEPS)  # 0: an indentless sequence
    return [opening, *sequence(draw, indent + step, depth + 1, anchors)]


def mapping(draw: st.DrawFn, indent: int, depth: int, anchors: list[str]) -> list[Chunk]:
    keys = draw(st.lists(KEYS, min_size=1, max_size=4, unique=True))
    chunks: list[Chunk] = []
    for key in keys:
        chunks += entry(draw, " " * indent + f"{key}:", indent, depth, anchors, in_mapping=True)
    return chunks


def sequence(draw: st.DrawFn, indent: int, depth: int, anchors: list[str]) -> list[Chunk]:
    chunks: list[Chunk] = []
    for _ in range(draw(st.integers(1, 4))):
        compact = draw(st.sampled_from(["", "", "mapping", "sequence"]))
        if depth < MAX_DEPTH and compact:
            # "- key: value" with the mapping's other keys lined up under the first one, or
            # "- - value" with the inner sequence's other dashes lined up under its first.
            spaces = draw(st.integers(1, 3))
            column = indent + 1 + spaces
            if compact == "mapping":
                inner = mapping(draw, column, depth + 1, anchors)
            else:
                inner = sequence(draw, column, depth + 1, anchors)
            inner[0] = [" " * indent + "-" + inner[0][0][indent + 1 :], *inner[0][1:]]
            chunks += inner
        else:
            chunks += entry(draw, " " * indent + "-", indent, depth, anchors, in_mapping=False)
    return chunks


@st.composite
def subset_documents(draw: st.DrawFn) -> str:
    """A YAML document inside the fast reader's subset, comments and blank lines included."""
    lines: list[str] = []
    between = st.sampled_from(["", "   ", "# a comment", "  # indented: comment", "#"])
    for chunk in mapping(draw, 0, 0, []):
        while draw(st.integers(0, 4)) == 4:
            lines.append(draw(between))
        lines.extend(chunk)
    text = "\n".join(lines)
    return text + draw(st.sampled_from(["\n", "", "\n\n", "\n# the end\n"]))


@FUZZ
@given(subset_documents())
# Handed over: an anchor in an entry whose keys start further in, then an alias in an entry the
# loop for long lists starts and leaves to the general reader (the blank line).
@example("a:\n-  x: 1\n   y: &p a\n- z: *p\n\n  w: b\n")
def test_reads_every_document_of_the_subset_as_pyyaml_does(text: str) -> None:
    """By the fast reader or, handed over, by PyYAML: valid documents, never refused."""
    check_agreement(text, refusals=())


def nodes_aliases_add(text: str) -> int:
    """What aliases add to ``text``'s nodes: its expanded tree less its distinct nodes (PyYAML's
    node graph, where an alias is the very node of its anchor)."""
    root = yaml.compose(text)
    expanded: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) not in expanded:
            if isinstance(node, yaml.ScalarNode):
                children: list[yaml.Node] = []
            elif isinstance(node, yaml.MappingNode):
                children = [child for pair in node.value for child in pair]
            else:
                children = list(node.value)
            expanded[id(node)] = 1 + sum(size(child) for child in children)
        return expanded[id(node)]

    return size(root) - len(expanded)


@FUZZ
@given(subset_documents())
def test_counts_what_aliases_add_as_pyyaml_nodes_do(text: str) -> None:
    """Never more than the bound lets through; and a document it reads, it reads within
    exactly what its aliases add."""
    added = nodes_aliases_add(text)
    if added:
        assert fast_load(text, max_alias_nodes=added - 1) is None, (text, added)
    read = fast_load(text)
    if read is not None:
        within = fast_load(text, max_alias_nodes=added)
        assert within is not None and same(within, read), (text, added)


EDITS = st.sampled_from([*" \n#:-'\"\t{}[],&*!|>%@`?\\=<~", "\x85", "\u2028", "\ufeff", "\r"])


@FUZZ
@given(subset_documents(), st.lists(st.tuples(st.floats(0, 1), EDITS, st.booleans()), max_size=3))
def test_agrees_with_pyyaml_on_changed_documents(
    text: str, edits: list[tuple[float, str, bool]]
) -> None:
    """Valid or not, a subset document with characters put in or taken out reads the same."""
    for where, char, insert in edits:
        at = int(where * len(text))
        text = text[:at] + char + text[at:] if insert else text[:at] + text[at + 1 :]
    check_agreement(text)


# -- documents PyYAML writes ----------------------------------------------------------------------

DUMP_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.text(max_size=40),
    TRICKY_PLAIN,
    st.sampled_from(["", "a: b", "a #b", "#x", "- x", "tab\there", "new\nline", "  padded  "]),
)
DOCUMENTS = st.dictionaries(
    KEYS,
    st.recursive(
        DUMP_SCALARS,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4)
        ),
        max_leaves=20,
    ),
    min_size=1,
    max_size=6,
)


@FUZZ
@given(
    DOCUMENTS,
    st.sampled_from([False, None]),
    st.sampled_from([20, 80, 1000]),
    st.booleans(),
    st.sampled_from([2, 4]),
)
def test_agrees_with_pyyaml_on_dumped_documents(
    document: dict[str, Any], flow: bool | None, width: int, unicode: bool, indent: int
) -> None:
    text = yaml.safe_dump(
        document, default_flow_style=flow, width=width, allow_unicode=unicode, indent=indent
    )
    check_agreement(text)


@FUZZ
@given(DOCUMENTS, DOCUMENTS, st.sampled_from([False, None]))
def test_reads_dumped_documents_with_shared_parts(
    first: dict[str, Any], second: dict[str, Any], flow: bool | None
) -> None:
    """``yaml.safe_dump`` writes an object met twice as an anchor and aliases (``&id001``):
    read as PyYAML reads them."""
    day = dt.date(2024, 1, 31)  # dates are shared too, unlike strings and numbers
    document = {"a": first, "b": [first, second, day], "c": second, "d": day}
    text = yaml.safe_dump(document, default_flow_style=flow)
    assert "&id001" in text
    check_agreement(text)


# -- odd lines ------------------------------------------------------------------------------------

LINES = st.lists(
    st.sampled_from(
        [
            "a: 1",
            "b:",
            "  - x",
            "- y",
            "  c: 2",
            "    d: 'q''s'",
            '  e: "plain"',
            'e2: "  spaced',
            '   out "',
            "f: {g: 1, h: 2024-01-01}",
            "i: [1, 2, three]",
            "# comment",
            "  # comment",
            "",
            "   ",
            "j: k # trailing",
            "  continued",
            "  #hash",
            "  - dash",
            "l: 'multi",
            "  line'",
            "m: &x 1",
            "n: *x",
            "o: |",
            "  block",
            "p: a: b",
            "- - z",
            "q: yes",
            "  r: s",
            "---",
            "...",
            "t: 2023-02-30",
            "  -",
            "u: 1e3",
            "v: =",
            "w: <<",
            "x: \t1",
            "y: 'a'b",
            'z: "a" # c',
            "k" * 1030 + ": long key",
            "- " + "k" * 1030 + ": long key",
            "{k: v}: flow key",
        ]
    ),
    min_size=1,
    max_size=12,
)


@FUZZ
@given(LINES)
def test_agrees_with_pyyaml_on_arbitrary_lines(lines: list[str]) -> None:
    """Valid or not, the fast reader never gives an answer PyYAML would not give."""
    check_agreement("\n".join(lines) + "\n")


# -- examples ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'title: "  Intro to\n  BGP "\n',
        "title: '  Intro to\n    BGP  '  # spaces inside the quotes stay\n",
        'title: "a\n  b\n     c"\n',
        "items:\n- 'x  \n  y'\n",
        "a: b\n  c\n  d # e\n",
    ],
)
def test_multi_line_scalars_fold_as_in_pyyaml(text: str) -> None:
    got = fast_load(text)
    assert got is not None, text
    assert same(got, yaml.safe_load(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: *x\n",  # an alias without its anchor
        "a: &x 1\nb: &x 2\n",  # an anchor used twice
        "a: &x *y\n",
        "a: &x\n  b: *x\n",  # an alias inside what its anchor names
        'a: "x\\\n  y"\n',  # an escaped line break
        'a: "\\q"\n',  # not an escape
        'a: "\\U00110000"\n',
        "a: !!python/object:os.system x\n",
        "a: |\n  block\n",
        "--- \na: 1\n",
        "a:\tb\n",
        "- a\n- b\n",
        "a: 1\na: 2\n",
        "\ufeffa: 1\n",
        "? a\n: b\n",
        "a: 2023-02-30\n",
        'a: "x\n\n  y"\n',
        "a: x\x85y\n",  # NEL, LS and PS are line breaks to PyYAML
        "a: x\u2028y\n",
        "a: x\u2029y\n",
        "k" * 1025 + ": 1\n",  # PyYAML refuses keys this long
        "a: {" + "k" * 1025 + ": 1}\n",
    ],
)
def test_steps_aside_outside_the_subset(text: str) -> None:
    assert fast_load(text) is None


def test_reads_a_typical_catalogue() -> None:
    text = (
        "schema: 1\n"
        "currency: GBP\n"
        "tiers:\n"
        "  pro:\n"
        "    paths:\n"
        "      - credits: 40\n"
        "        exams: {professional: 1}\n"
        "activities:\n"
        "- id: a-1\n"
        '  title: "A course: with colon"\n'
        "  credits: 12.5\n"
        "  expires: 2027-01-31  # last day\n"
        "  source: https://example.com/a#b\n"
    )
    assert fast_load(text) is not None
    assert same(fast_load(text), yaml.safe_load(text))


def test_reads_shared_parts_as_safe_dump_writes_them() -> None:
    """A block-style catalogue whose shared date and mapping ``yaml.safe_dump`` writes as anchors
    and aliases is read by the fast reader itself."""
    day = dt.date(2027, 1, 31)
    exams = {"professional": 1}
    document = {
        "schema": 1,
        "tiers": {"pro": {"paths": [{"credits": 40, "exams": exams}, {"exams": exams}]}},
        "activities": [
            {"id": f"a-{n}", "title": f"Course {n}", "credits": 1.5 * n, "expires": day}
            for n in range(6)
        ],
    }
    text = yaml.safe_dump(document, default_flow_style=False, sort_keys=False)
    assert "&id001" in text and "*id002" in text
    got = fast_load(text)
    assert got is not None, text
    assert same(got, yaml.safe_load(text))


# -- the loop for long lists ----------------------------------------------------------------------

REGULAR = "- id: a{n}\n  title: Online course {n}\n  credits: 1{n}.5\n  expires: 2027-01-31\n"
"""An entry of the kind the loop for long lists reads on its own."""

ODD_ENTRIES = [
    "- id: odd\n  # a comment inside\n  credits: 2\n",
    "- id: odd\n\n  credits: 2\n",  # a blank line inside
    "- id: odd\n  sessions:\n  - start: 2027-01-01\n  credits: 2\n",  # an indentless list
    "- id: odd\n  sessions:\n    - start: 2027-01-01\n",  # a list at the end
    "- id: odd\n  title: two\n    lines\n",  # a plain scalar over two lines
    "- id: odd\n  title: 'quoted\n    twice'\n",
    "- id: odd\n  when: &day 2027-02-01\n  again: *day\n",  # an anchor and its alias
    "- id: odd\n  title: &t Online\n",
    "- id: odd\n  when: &day 2027-02-01\n  # then read again\n  again: *day\n",
    "- id: odd\n  yes: 1\n",  # a key that is not a string: PyYAML's business
    "- id: odd\n  id: again\n",  # a duplicate key: PyYAML's error
    "- id: odd\n  credits: 012\n  cost: 0x1F\n  hours: 1_000\n  n: .5\n  m: 1e3\n",
    "- id: odd\n  title: No\n  type: ~\n  a: null\n  b: On\n  c: -1\n  d: +2\n  e: 2.\n",
    "- id: odd\n  title: x #not a comment\n  b: y # a comment\n  c: a:b\n  d: 'a: b'\n",
    "- id: odd\n  title: trailing   \n  type:   padded\n",
    "- id: odd\n   credits: 2\n",  # a key further in
    "- id: odd\n  credits: 2\n- [1, 2]\n",  # then a flow sequence
    "-  id: odd\n   credits: 2\n",  # keys at a further column
]


@pytest.mark.parametrize("odd", ODD_ENTRIES)
@pytest.mark.parametrize("where", [0, 2, 4])
def test_long_lists_with_odd_entries_read_as_pyyaml_does(odd: str, where: int) -> None:
    entries = [REGULAR.format(n=n) for n in range(4)]
    entries.insert(where, odd)
    for indent in (0, 2):
        body = "".join(" " * indent + line + "\n" for line in "".join(entries).splitlines())
        text = "schema: 1\nactivities:\n" + body + "after: 1\n"
        try:
            expected = yaml.safe_load(text)
        except yaml.YAMLError:
            assert fast_load(text) is None
            continue
        got = fast_load(text)
        if got is not None:
            assert same(got, expected), text
        elif "yes:" not in odd and "id: again" not in odd and "'quoted" not in odd:
            pytest.fail(f"the fast reader stepped aside:\n{text}")


def test_regular_entries_after_an_alias_keep_reading_it_as_its_anchor() -> None:
    text = "a:\n- id: x\n  on: &d 2027-01-01\n- id: y\n  on: *d\n- id: z\n  on: *d\n"
    text = text.replace("on:", "day:")
    got = fast_load(text, max_alias_nodes=2)
    assert got == yaml.safe_load(text)
    assert fast_load(text, max_alias_nodes=1) is None  # each alias counted, not remembered


@pytest.mark.parametrize(
    ("pattern", "allowed"),
    [
        (_fastyaml._OUTSIDE_SUBSET, _fastyaml._SUBSET_ASCII),
        (_yamlread._NOT_ALLOWED, _yamlread._ASCII_ALLOWED),
    ],
)
def test_the_ascii_shortcut_lets_through_what_the_pattern_does(
    pattern: re.Pattern[str], allowed: bytes
) -> None:
    for code in range(128):
        assert (code in allowed) == (pattern.search(chr(code)) is None), code


@given(st.text(st.characters(codec="utf-8")), st.sampled_from([0, 1]))
def test_the_ascii_shortcut_finds_what_the_pattern_finds(text: str, which: int) -> None:
    pattern, allowed = [
        (_fastyaml._OUTSIDE_SUBSET, _fastyaml._SUBSET_ASCII),
        (_yamlread._NOT_ALLOWED, _yamlread._ASCII_ALLOWED),
    ][which]
    found = _fastyaml.first_match(pattern, text, allowed)
    expected = pattern.search(text)
    assert (found and found.span()) == (expected and expected.span())
