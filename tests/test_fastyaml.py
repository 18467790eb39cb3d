"""The fast catalogue reader gives exactly ``yaml.safe_load``'s answer, or steps aside."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceplan._fastyaml import fast_load

KEYS = st.from_regex(r"[a-z_][a-z0-9_.-]{0,10}", fullmatch=True)
TRICKY_TEXT = st.sampled_from(
    [
        "yes",
        "No",
        "on",
        "null",
        "~",
        "",
        "1_000",
        "0x1F",
        "012",
        "1:30",
        ".inf",
        "-.5",
        "1e3",
        "2023-02-30",
        "2023-04-20",
        "2023-04-20 10:00:00",
        "a: b",
        "a #b",
        "#x",
        "- x",
        "it's",
        'say "hi"',
        "tab\there",
        "back\\slash",
        "new\nline",
        "  padded  ",
        "ünïcödé",
        "@at",
        "*star",
        "&amp",
        "!bang",
        "x:",
        "? q",
        "[a]",
        "{b}",
        "a, b",
        "https://example.com/x?y=1#z",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.text(max_size=40),
    TRICKY_TEXT,
)
DOCUMENTS = st.dictionaries(
    KEYS,
    st.recursive(
        SCALARS,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4)
        ),
        max_leaves=20,
    ),
    min_size=1,
    max_size=6,
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


@settings(
    max_examples=int(os.environ.get("FASTYAML_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
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
    expected = yaml.safe_load(text)
    got = fast_load(text)
    assert got is None or same(got, expected), text


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
            "f: {g: 1, h: 2024-01-01}",
            "i: [1, 2, three]",
            "# comment",
            "",
            "j: k # trailing",
            "  continued",
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
            "t: 2023-02-30",
            "  -",
        ]
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=int(os.environ.get("FASTYAML_EXAMPLES", "400")), deadline=None)
@given(LINES)
def test_agrees_with_pyyaml_on_arbitrary_lines(lines: list[str]) -> None:
    """Valid or not, the fast reader never gives an answer PyYAML would not give."""
    text = "\n".join(lines) + "\n"
    try:
        expected = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):
        assert fast_load(text) is None, text
        return
    got = fast_load(text)
    assert got is None or same(got, expected), text


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "a: !!python/object:os.system x\n",
        "a: |\n  block\n",
        "--- \na: 1\n",
        "a:\tb\n",
        "- a\n- b\n",
        "a: 1\na: 2\n",
        "\ufeffa: 1\n",
        "? a\n: b\n",
        "a: 2023-02-30\n",
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
    assert fast_load(text) == yaml.safe_load(text)
    assert fast_load(text) is not None
