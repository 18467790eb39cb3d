"""Reading catalogue files safely and fast (ceplan/loading.py, SPEC section 2).

Alias bombs and recursive aliases are refused before anything is built, unsafe YAML tags never
run, unreadable files give one-line errors, and validated catalogues are cached by content in
``$CEPLAN_CACHE_DIR`` (a private directory per test, see conftest.py), where nothing another user
could have planted or changed is believed.

Some tests need a second user. Run as root, they make files of ``nobody`` with ``os.chown``, or
run a short Python program as ``nobody`` in a subprocess; run as anyone else, they run that
program as that user, and skip the few tests that need root to make another user's files.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import tracemalloc
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

import ceplan
import ceplan.catalogue.loading as loading
from ceplan.catalogue import yamlread as _yamlread
from tests.conftest import catalog_data

WriteCatalog = Callable[..., Path]

LOADERS = [pytest.param(yaml.SafeLoader, id="pure-python")]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=LOADERS)
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the test with libyaml's safe loader (where present) and with PyYAML's own."""
    monkeypatch.setattr(_yamlread, "Loader", request.param)
    return request.param


def valid_data() -> dict[str, Any]:
    return catalog_data(
        activities=[
            {"id": "act-one", "title": "One", "type": "webinar", "credits": 30, "cost": 10},
            {"id": "act-two", "title": "Two", "type": "course", "credits": 60, "cost": 99.5},
        ]
    )


def one_line_error(path: Path | str, **kwargs: Any) -> str:
    """Load ``path``; expect a one-line CatalogError naming the file; return its text."""
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.load_catalog(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message, message
    assert str(path) in message, message
    return message


def cache_files(directory: Path) -> list[Path]:
    if not directory.exists():
        return []
    return sorted(p for p in directory.rglob("*") if p.is_file())


@pytest.fixture
def cache_dir() -> Path:
    """The private cache directory conftest.py set up for this test."""
    return Path(os.environ["CEPLAN_CACHE_DIR"])


@pytest.fixture
def parse_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each time loading really parses YAML (a cache hit does not)."""
    calls: list[str] = []
    real = loading._parse

    def spy(text: str | bytes, name: str, base: Path | None) -> Any:
        calls.append(name)
        return real(text, name, base)

    monkeypatch.setattr(loading, "_parse", spy)
    return calls


# -- alias bombs --------------------------------------------------------------------------------


def billion_laughs(levels: int, fan_out: int = 10, indent: str = "") -> str:
    """The classic alias bomb: each level is a list of ``fan_out`` aliases of the one before."""
    lines = [f"{indent}lol0: &lol0 [" + ", ".join(['"lol"'] * fan_out) + "]"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*lol{level - 1}"] * fan_out)
        lines.append(f"{indent}lol{level}: &lol{level} [{aliases}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [9, 12, 30])
def test_an_alias_bomb_is_refused(
    write_catalog: WriteCatalog, yaml_loader: Any, levels: int
) -> None:
    # 10**levels strings once expanded: this test would hang or run out of memory if the
    # document were built before being measured.
    path = write_catalog(billion_laughs(levels))
    message = one_line_error(path, cache=False)
    assert "alias" in message.lower()


def test_an_alias_bomb_inside_a_valid_catalogue_is_refused(
    write_catalog: WriteCatalog, yaml_loader: Any
) -> None:
    text = yaml.safe_dump(valid_data(), sort_keys=False)
    bomb = billion_laughs(10, indent="    ")
    text = text.replace("  cost: 10\n", "  cost: 10\n  source:\n" + bomb, 1)
    path = write_catalog(text)
    one_line_error(path, cache=False)


@pytest.mark.parametrize("fast", [True, False], ids=["fast reader", "PyYAML"])
def test_aliases_may_add_exactly_the_limit(
    write_catalog: WriteCatalog,
    yaml_loader: Any,
    monkeypatch: pytest.MonkeyPatch,
    fast: bool,
) -> None:
    """Both readers count what aliases add the same way, and stop at the same place."""
    data = valid_data()
    data["activities"] += [
        {"id": f"act-{n}", "title": "T", "type": "webinar", "credits": 1, "cost": 1}
        for n in range(3)
    ]
    text = yaml.safe_dump(data, sort_keys=False)
    # Each alias of a date adds one node.
    text = text.replace("  cost: 10\n", "  cost: 10\n  expires: &day 2027-01-31\n", 1)
    text = text.replace("  cost: 1\n", "  cost: 1\n  expires: *day\n")
    if not fast:
        monkeypatch.setattr(_yamlread, "fast_load", lambda *args, **kwargs: None)
    monkeypatch.setattr(_yamlread, "MAX_EXPANDED_NODES", 3)
    catalog = ceplan.load_catalog(write_catalog(text), cache=False)
    assert {a.expires for a in catalog.activities} == {dt.date(2027, 1, 31), None}
    monkeypatch.setattr(_yamlread, "MAX_EXPANDED_NODES", 2)
    message = one_line_error(write_catalog(text), cache=False)
    assert ":14: refused: aliases would add more than 2 nodes" in message, message  # the list


def test_a_block_style_alias_bomb_is_refused(write_catalog: WriteCatalog, yaml_loader: Any) -> None:
    lines = ["schema: 1", "lol0: &lol0", *["  - lol"] * 10]
    for level in range(1, 11):
        lines.append(f"lol{level}: &lol{level}")
        lines.extend([f"  - *lol{level - 1}"] * 10)
    path = write_catalog("\n".join(lines) + "\n")
    one_line_error(path, cache=False)


def test_a_bomb_of_mappings_is_refused(write_catalog: WriteCatalog, yaml_loader: Any) -> None:
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: lol" for i in range(10)) + "}"]
    for level in range(1, 11):
        members = ", ".join(f"k{i}: *m{level - 1}" for i in range(10))
        lines.append(f"m{level}: &m{level} {{{members}}}")
    path = write_catalog("schema: 1\n" + "\n".join(lines) + "\n")
    one_line_error(path, cache=False)


def test_a_bomb_given_as_text_is_refused(yaml_loader: Any) -> None:
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.parse_catalog(billion_laughs(9), name="bomb.yaml")
    assert str(info.value).startswith("bomb.yaml")


def test_anchors_aliases_and_merge_keys_in_a_sane_catalogue_still_load(
    write_catalog: WriteCatalog, yaml_loader: Any
) -> None:
    text = """\
schema: 1
programme: Test programme
currency: GBP
tiers:
  pro:
    label: Pro
    paths:
      - &eighty {credits: 80}
  other:
    label: Other
    paths: [*eighty]
activities:
  - &base
    id: act-one
    title: A course
    type: online-course
    credits: 40
    cost: 10
    source: &src "one citation used twice"
  - <<: *base
    id: act-two
    cost: 20
    source: *src
"""
    catalog = ceplan.load_catalog(write_catalog(text), cache=False)
    assert catalog.ids == frozenset({"act-one", "act-two"})
    assert catalog.item("act-two").credits == 40
    assert catalog.cost_of("act-two") == 20
    assert catalog.item("act-two").source == catalog.item("act-one").source
    assert catalog.tiers["other"].paths == catalog.tiers["pro"].paths


# -- recursive aliases --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("schema: 1\nloop: &a [*a]\n", id="sequence"),
        pytest.param("schema: 1\nloop: &a {self: *a}\n", id="mapping"),
        pytest.param("&a {schema: 1, loop: *a}\n", id="whole-document"),
        pytest.param("schema: 1\nloop: &a [1, [2, [3, *a]]]\n", id="deep"),
        pytest.param("schema: 1\nloop: &a {x: 1, <<: *a}\n", id="merge-key"),
        pytest.param("schema: 1\n? &a [*a]\n: 1\n", id="key"),
    ],
)
def test_a_recursive_alias_is_refused(
    write_catalog: WriteCatalog, yaml_loader: Any, text: str
) -> None:
    one_line_error(write_catalog(text), cache=False)


# -- unsafe tags --------------------------------------------------------------------------------

UNSAFE_TAGS = [
    pytest.param('!!python/object/apply:os.system ["touch {marker}"]', id="apply-os.system"),
    pytest.param('!!python/object/apply:os.mkdir ["{marker}"]', id="apply-os.mkdir"),
    pytest.param(
        '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]', id="apply-subprocess"
    ),
    pytest.param('!!python/object/new:os.mkdir ["{marker}"]', id="new"),
    pytest.param("!!python/object:os.mkdir {{path: {marker}}}", id="object"),
    pytest.param("!!python/name:os.system", id="name"),
    pytest.param("!!python/module:os", id="module"),
    pytest.param('!touch "{marker}"', id="local-tag"),
]


@pytest.mark.parametrize("where", ["top-level", "field", "document"])
@pytest.mark.parametrize("tagged", UNSAFE_TAGS)
def test_unsafe_tags_are_refused_and_never_run(
    write_catalog: WriteCatalog, tmp_path: Path, yaml_loader: Any, tagged: str, where: str
) -> None:
    marker = tmp_path / "pwned"
    value = tagged.format(marker=marker)
    if where == "top-level":
        text = yaml.safe_dump(valid_data(), sort_keys=False) + f"payload: {value}\n"
    elif where == "field":
        text = yaml.safe_dump(valid_data(), sort_keys=False)
        text = text.replace("cost: 10\n", f"cost: {value}\n", 1)
    else:
        text = value + "\n"
    path = write_catalog(text)
    one_line_error(path, cache=False)
    assert not marker.exists()


def test_the_unsafe_payload_would_run_under_an_unsafe_loader(tmp_path: Path) -> None:
    """Control: the payloads above are live, so a missing marker above means they did not run."""
    marker = tmp_path / "pwned"
    yaml.load(f'x: !!python/object/apply:os.mkdir ["{marker}"]\n', Loader=yaml.UnsafeLoader)
    assert marker.is_dir()


def test_the_yaml_loader_is_safe_and_uses_libyaml_where_present() -> None:
    safe = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])
    assert _yamlread.Loader in safe
    if hasattr(yaml, "CSafeLoader"):
        assert _yamlread.Loader is yaml.CSafeLoader


# -- text that is not YAML ------------------------------------------------------------------------


def test_a_file_that_is_not_utf8_gives_one_line(write_catalog: WriteCatalog) -> None:
    path = write_catalog(valid_data())
    text = path.read_text(encoding="utf-8").replace("Test programme", "Programme £ 2026")
    path.write_bytes(text.encode("latin-1"))
    one_line_error(path)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufffe"])
def test_characters_yaml_forbids_are_refused(write_catalog: WriteCatalog, char: str) -> None:
    text = yaml.safe_dump(valid_data(), sort_keys=False)
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text.replace("Test programme", f"Test{char}programme"))
    path = write_catalog(text.replace("Test programme", f"Test{char}programme"))
    with pytest.raises(ceplan.CatalogError):
        ceplan.load_catalog(path, cache=False)


# -- files that cannot be read ------------------------------------------------------------------


def test_a_missing_file(tmp_path: Path) -> None:
    one_line_error(tmp_path / "nowhere.yaml")


def test_a_missing_file_given_as_a_string(tmp_path: Path) -> None:
    one_line_error(str(tmp_path / "nowhere.yaml"))


def test_a_directory(tmp_path: Path) -> None:
    directory = tmp_path / "catalog.yaml"
    directory.mkdir()
    one_line_error(directory)


def test_an_unreadable_file(shared_dir: Path) -> None:
    """A file with mode 000, read by a user other than root (whom modes do not stop)."""
    path = shared_dir / "catalog.yaml"
    path.write_text(yaml.safe_dump(valid_data()), encoding="utf-8")
    path.chmod(0)
    result = run_as_nobody(LOAD_AND_REPORT, str(path), cache_dir="")
    assert result["error"] == f"{path}: permission denied"


def test_a_permission_error_while_reading(
    write_catalog: WriteCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as an unreadable file, for users (like root) whom chmod does not stop."""
    path = write_catalog(valid_data())
    real_open = os.open

    def refuse(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(file) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    assert one_line_error(path) == f"{path}: permission denied"


def test_a_path_through_a_file(write_catalog: WriteCatalog) -> None:
    path = write_catalog(valid_data())
    one_line_error(path / "catalog.yaml")


def test_a_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    one_line_error(loop)


def test_a_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(tmp_path / "gone.yaml")
    one_line_error(link)


def test_a_huge_file_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.truncate(loading.MAX_FILE_BYTES + 1)  # sparse: no real disk space
    one_line_error(path)


def test_parse_catalog_names_what_it_was_given() -> None:
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.parse_catalog(b"schema: 1\nfoo: [1, 2\n", name="team-copy.yaml")
    assert str(info.value).startswith("team-copy.yaml:")
    with pytest.raises(ceplan.CatalogError) as info:
        ceplan.parse_catalog("schema: 3\n")
    assert "schema" in str(info.value)


def test_parse_catalog_reads_text_and_bytes_alike() -> None:
    text = yaml.safe_dump(valid_data(), sort_keys=False)
    assert ceplan.parse_catalog(text) == ceplan.parse_catalog(text.encode())


# -- the cache ----------------------------------------------------------------------------------


def test_a_second_load_of_the_same_bytes_comes_from_the_cache(
    write_catalog: WriteCatalog, cache_dir: Path, parse_calls: list[str]
) -> None:
    path = write_catalog(valid_data())
    assert cache_files(cache_dir) == []
    first = ceplan.load_catalog(path)
    assert len(parse_calls) == 1
    written = cache_files(cache_dir)
    assert len(written) == 1
    second = ceplan.load_catalog(path)
    assert len(parse_calls) == 1, "the second load parsed the YAML again"
    assert second == first
    assert second.to_frame().equals(first.to_frame())
    assert {i: second.cost_of(i) for i in second.ids} == {i: first.cost_of(i) for i in first.ids}
    assert cache_files(cache_dir) == written


def test_the_cache_is_keyed_by_content_not_by_path(
    write_catalog: WriteCatalog, parse_calls: list[str]
) -> None:
    data = valid_data()
    first = ceplan.load_catalog(write_catalog(data, name="a.yaml"))
    copy = ceplan.load_catalog(write_catalog(data, name="b.yaml"))
    assert copy == first
    assert len(parse_calls) == 1


def test_the_cache_file_is_what_a_cached_load_reads(
    write_catalog: WriteCatalog, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_catalog(valid_data())
    first = ceplan.load_catalog(path)
    (cache_file,) = cache_files(cache_dir)

    def no_parsing(*args: Any, **kwargs: Any) -> ceplan.Catalog:
        raise AssertionError("the YAML was parsed although a cache file exists")

    monkeypatch.setattr(loading, "_parse", no_parsing)
    assert ceplan.load_catalog(path) == first
    cache_file.unlink()
    with pytest.raises(AssertionError, match="was parsed"):
        ceplan.load_catalog(path)


def test_the_bundled_catalogue_is_cached_too(cache_dir: Path, parse_calls: list[str]) -> None:
    first = ceplan.load_catalog()
    assert len(cache_files(cache_dir)) == 1
    assert ceplan.load_catalog() == first
    assert len(parse_calls) == 1


def test_a_changed_file_is_validated_again(
    write_catalog: WriteCatalog, parse_calls: list[str]
) -> None:
    data = valid_data()
    path = write_catalog(data)
    assert ceplan.load_catalog(path).programme == "Test programme"
    data["programme"] = "Renamed programme"
    write_catalog(data)
    assert ceplan.load_catalog(path).programme == "Renamed programme"
    data["activities"][1]["cost"] = -1
    write_catalog(data)
    message = one_line_error(path)
    assert "act-two" in message and "cost" in message
    assert len(parse_calls) == 3


def test_an_invalid_file_is_never_cached(
    write_catalog: WriteCatalog, cache_dir: Path, parse_calls: list[str]
) -> None:
    path = write_catalog(catalog_data(colour="blue"))
    one_line_error(path)
    one_line_error(path)
    assert len(parse_calls) == 2
    assert cache_files(cache_dir) == []


@pytest.mark.parametrize(
    "junk",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"garbage", id="garbage"),
        pytest.param(b"\xff\xfe\x00\x01", id="binary"),
        pytest.param(b"null", id="null"),
        pytest.param(b"[]", id="list"),
        pytest.param(b"{}", id="empty-object"),
        pytest.param(b'{"schema": 2}', id="wrong-schema"),
        pytest.param(b"[" * 100_000, id="deeply-nested"),
        pytest.param(None, id="truncated"),
    ],
)
def test_a_corrupt_cache_file_is_ignored_and_replaced(
    write_catalog: WriteCatalog, cache_dir: Path, parse_calls: list[str], junk: bytes | None
) -> None:
    path = write_catalog(valid_data())
    first = ceplan.load_catalog(path)
    (cache_file,) = cache_files(cache_dir)
    good = cache_file.read_bytes()
    cache_file.write_bytes(good[: len(good) // 2] if junk is None else junk)
    assert ceplan.load_catalog(path) == first
    assert len(parse_calls) == 2
    assert ceplan.load_catalog(path) == first  # the cache was written afresh
    assert len(parse_calls) == 2


def test_a_cache_entry_that_is_a_directory_is_ignored(
    write_catalog: WriteCatalog, cache_dir: Path
) -> None:
    path = write_catalog(valid_data())
    first = ceplan.load_catalog(path)
    (cache_file,) = cache_files(cache_dir)
    cache_file.unlink()
    cache_file.mkdir()
    assert ceplan.load_catalog(path) == first
    assert ceplan.load_catalog(path) == first


def test_a_cache_dir_that_cannot_be_created_only_costs_speed(
    write_catalog: WriteCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("CEPLAN_CACHE_DIR", str(blocker))
    path = write_catalog(valid_data())
    assert ceplan.load_catalog(path) == ceplan.load_catalog(path, cache=False)
    assert blocker.read_text() == "a file where the cache directory should be"


def test_a_missing_cache_dir_is_created_private(
    write_catalog: WriteCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "deep" / "cache"
    monkeypatch.setenv("CEPLAN_CACHE_DIR", str(directory))
    ceplan.load_catalog(write_catalog(valid_data()))
    assert len(cache_files(directory)) == 1
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache_files(directory)[0].stat().st_mode) == 0o600


@pytest.fixture
def fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point HOME and XDG_CACHE_HOME at an empty folder, to see what a load leaves there."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    yield home


def test_an_empty_cache_dir_setting_turns_the_cache_off(
    write_catalog: WriteCatalog,
    cache_dir: Path,
    fake_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    parse_calls: list[str],
) -> None:
    monkeypatch.setenv("CEPLAN_CACHE_DIR", "")
    path = write_catalog(valid_data())
    assert ceplan.load_catalog(path) == ceplan.load_catalog(path)
    assert len(parse_calls) == 2
    assert cache_files(fake_home) == []
    assert cache_files(cache_dir) == []
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(["catalog.yaml", "home"])


def test_cache_false_neither_reads_nor_writes_the_cache(
    write_catalog: WriteCatalog, cache_dir: Path, parse_calls: list[str]
) -> None:
    path = write_catalog(valid_data())
    ceplan.load_catalog(path, cache=False)
    assert cache_files(cache_dir) == []
    ceplan.load_catalog(path)
    assert len(cache_files(cache_dir)) == 1
    ceplan.load_catalog(path, cache=False)
    assert len(parse_calls) == 3, "cache=False used the cache"


def test_without_ceplan_cache_dir_the_xdg_cache_is_used(
    write_catalog: WriteCatalog, fake_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CEPLAN_CACHE_DIR")
    ceplan.load_catalog(write_catalog(valid_data()))
    written = cache_files(fake_home)
    assert len(written) == 1
    assert written[0].is_relative_to(fake_home / ".cache" / "ceplan")


def test_a_large_catalogue_loads_and_round_trips_through_the_cache(
    write_catalog: WriteCatalog, parse_calls: list[str]
) -> None:
    """10,000 activities, as a real catalogue of Cisco Live sessions would have."""
    data = catalog_data(exchange_rates={"USD": 0.79}, rates_as_of=dt.date(2026, 11, 1))
    del data["activities"]
    header = yaml.safe_dump(data, sort_keys=False) + "activities:\n"
    sessions = "".join(
        f"- id: session-{n:05d}\n"
        f"  title: Cisco Live session {n}\n"
        f"  type: event\n"
        f"  credits: {0.25 * (1 + n % 16)}\n"
        f"  cost: {(n % 7) * 12.3:.1f}\n"
        f"  hours: {1 + n % 3}\n"
        f"  currency: {'USD' if n % 2 else 'GBP'}\n"
        f"  source: generated for a test\n"
        for n in range(10_000)
    )
    path = write_catalog(header + sessions)
    first = ceplan.load_catalog(path)
    assert len(first.activities) == 10_000
    second = ceplan.load_catalog(path)
    assert len(parse_calls) == 1
    assert second == first
    assert first.cost_of("session-00003") == 29.15  # 36.9 USD at 0.79
    assert second.cost_of("session-00003") == 29.15
    assert second.item("session-09999").credits == 4.0


# -- a cache that is not believed as it is ------------------------------------------------------

NOBODY = 65534


def priced_data(cost: float) -> dict[str, Any]:
    data = valid_data()
    data["activities"][0]["cost"] = cost
    return data


def entry_for(directory: Path, catalogue: Path) -> tuple[Path, str]:
    """Where the cache in ``directory`` keeps ``catalogue``, and the SHA-256 of its bytes."""
    digest = hashlib.sha256(catalogue.read_bytes()).hexdigest()
    return loading._cache_file(directory, digest), digest


def forged_entry(directory: Path, catalogue: Path, cost: float) -> Path:
    """A well-formed cache entry in ``directory`` saying ``catalogue``'s activity costs ``cost``."""
    entry, digest = entry_for(directory, catalogue)
    lie = ceplan.parse_catalog(yaml.safe_dump(priced_data(cost)))
    loading._write_cache(entry, digest, lie, catalogue.parent)
    assert entry.is_file()
    return entry


class TookTooLong(Exception):
    """Raised into a block that ran out of time (not an OSError, which the cache would ignore)."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail (rather than hang) if the block takes longer than ``seconds``."""

    def expire(signum: int, frame: Any) -> None:
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def memory_peak_below(limit: int) -> Iterator[None]:
    """Fail if the block allocates more than ``limit`` bytes at once."""
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < limit, f"{peak:,} bytes allocated"


def test_an_edited_cache_entry_is_rebuilt(
    write_catalog: WriteCatalog, cache_dir: Path, parse_calls: list[str]
) -> None:
    path = write_catalog(priced_data(10))
    assert ceplan.load_catalog(path).cost_of("act-one") == 10
    (entry,) = cache_files(cache_dir)
    text = entry.read_bytes()
    assert text.count(b'"cost":10.0') == 1
    entry.write_bytes(text.replace(b'"cost":10.0', b'"cost":1.0'))
    assert ceplan.load_catalog(path).cost_of("act-one") == 10
    assert len(parse_calls) == 2
    assert entry.read_bytes() == text  # rebuilt
    assert ceplan.load_catalog(path).cost_of("act-one") == 10
    assert len(parse_calls) == 2


def test_an_entry_for_other_bytes_renamed_into_place_is_rebuilt(
    write_catalog: WriteCatalog, cache_dir: Path, parse_calls: list[str]
) -> None:
    cheap = write_catalog(priced_data(1), name="cheap.yaml")
    dear = write_catalog(priced_data(500), name="dear.yaml")
    ceplan.load_catalog(cheap)
    (cheap_entry,) = cache_files(cache_dir)
    ceplan.load_catalog(dear)
    (dear_entry,) = set(cache_files(cache_dir)) - {cheap_entry}
    cheap_entry.replace(dear_entry)  # the name says "dear", the entry was made from "cheap"
    assert ceplan.load_catalog(dear).cost_of("act-one") == 500
    assert len(parse_calls) == 3


def test_an_entry_for_other_bytes_would_be_used_if_its_header_lied(
    write_catalog: WriteCatalog, cache_dir: Path, parse_calls: list[str]
) -> None:
    """Control for the attacks here: a forged entry of the right form is read like a real one,
    so the tests that plant one show the cache refusing it for where it lies, not for its form."""
    path = write_catalog(priced_data(500))
    forged_entry(cache_dir, path, 1)
    assert ceplan.load_catalog(path).cost_of("act-one") == 1
    assert parse_calls == []


@pytest.mark.parametrize("mode", [0o770, 0o720, 0o707, 0o777, 0o1777])
def test_a_cache_dir_others_can_write_to_is_not_used(
    write_catalog: WriteCatalog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parse_calls: list[str],
    mode: int,
) -> None:
    directory = tmp_path / "shared"
    directory.mkdir()
    directory.chmod(mode)
    monkeypatch.setenv("CEPLAN_CACHE_DIR", str(directory))
    path = write_catalog(priced_data(500))
    planted = forged_entry(directory, path, 1)
    assert ceplan.load_catalog(path).cost_of("act-one") == 500
    assert ceplan.load_catalog(path).cost_of("act-one") == 500
    assert len(parse_calls) == 2
    assert cache_files(directory) == [planted]  # nothing written there either


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="making another user's files needs root")


@needs_root
def test_a_cache_dir_of_another_user_is_not_used(
    write_catalog: WriteCatalog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parse_calls: list[str],
) -> None:
    """Not even an entry in our own name: the folder's owner can swap entries at will."""
    directory = tmp_path / "theirs"
    directory.mkdir(mode=0o755)
    path = write_catalog(priced_data(500))
    planted = forged_entry(directory, path, 1)
    planted_bytes = planted.read_bytes()
    os.chown(directory, NOBODY, NOBODY)
    monkeypatch.setenv("CEPLAN_CACHE_DIR", str(directory))
    assert ceplan.load_catalog(path).cost_of("act-one") == 500
    assert len(parse_calls) == 1
    assert cache_files(directory) == [planted]  # and nothing written there
    assert planted.read_bytes() == planted_bytes


@needs_root
def test_an_entry_of_another_user_is_not_used(
    write_catalog: WriteCatalog, cache_dir: Path, parse_calls: list[str]
) -> None:
    path = write_catalog(priced_data(500))
    planted = forged_entry(cache_dir, path, 1)
    os.chown(planted, NOBODY, NOBODY)
    assert ceplan.load_catalog(path).cost_of("act-one") == 500
    assert len(parse_calls) == 1


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder that ``nobody`` can enter and read, in the system's temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="ceplan-test-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


LOAD_AND_REPORT = f"""
import json, os, sys
import ceplan
import ceplan.catalogue.yamlread  # what parsing imports (PyYAML, numpy): import it as root
ceplan.Catalog.model_rebuild()  # the validators are built on first use: build them as root
if os.geteuid() == 0:  # become nobody, with no capabilities left, once the imports are done
    os.setgroups([])
    os.setgid({NOBODY})
    os.setuid({NOBODY})
assert os.geteuid() != 0 and os.getegid() != 0
try:
    catalog = ceplan.load_catalog(sys.argv[1])
except ceplan.CatalogError as error:
    print(json.dumps({{"error": str(error)}}))
else:
    print(json.dumps({{"cost": catalog.cost_of("act-one")}}))
"""
"""Load a catalogue as ``nobody`` (as this user, when not root) and print the cost or the error.

The program starts as root and drops to ``nobody`` itself, after its imports, rather than in a
``preexec_fn``: the interpreter and its standard library may be installed where only root can
read, and then ``nobody`` could not even start Python.
"""


def run_as_nobody(code: str, *args: str, cache_dir: str) -> Any:
    """Run ``code`` with ``args`` in a fresh interpreter; return what it prints, read as JSON."""
    repository = Path(__file__).resolve().parent.parent
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": "/nonexistent",
        "PYTHONPATH": str(repository),
        "PYTHONDONTWRITEBYTECODE": "1",
        "CEPLAN_CACHE_DIR": cache_dir,
    }
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@needs_root
def test_an_entry_planted_by_another_user_is_not_used(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root plants a well-formed entry, in nobody's name, in a folder of its own; nobody, told
    to use that folder as its cache, is not fooled.

    The control: for the folder's owner it is a private cache, and the entry is read as it is.
    """
    path = shared_dir / "catalog.yaml"
    path.write_text(yaml.safe_dump(priced_data(500)), encoding="utf-8")
    folder = shared_dir / "cache"
    folder.mkdir(mode=0o755)
    planted = forged_entry(folder, path, 1)
    monkeypatch.setenv("CEPLAN_CACHE_DIR", str(folder))
    assert ceplan.load_catalog(path).cost_of("act-one") == 1
    os.chown(planted, NOBODY, NOBODY)
    assert run_as_nobody(LOAD_AND_REPORT, str(path), cache_dir=str(folder)) == {"cost": 500}


def test_a_fifo_at_the_entry_path_does_not_hang(
    write_catalog: WriteCatalog, cache_dir: Path, parse_calls: list[str]
) -> None:
    path = write_catalog(valid_data())
    entry, _ = entry_for(cache_dir, path)
    os.mkfifo(entry)
    with within(5):
        first = ceplan.load_catalog(path)
    assert first == ceplan.load_catalog(path, cache=False)
    assert entry.is_file()  # replaced by a real entry
    with within(5):
        assert ceplan.load_catalog(path) == first
    assert len(parse_calls) == 2


def test_a_link_at_the_entry_path_is_not_followed(
    write_catalog: WriteCatalog, cache_dir: Path, tmp_path: Path, parse_calls: list[str]
) -> None:
    """Even to a well-formed entry: a link could point anywhere."""
    path = write_catalog(priced_data(500))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    target = forged_entry(elsewhere, path, 1)
    entry, _ = entry_for(cache_dir, path)
    entry.symlink_to(target)
    assert ceplan.load_catalog(path).cost_of("act-one") == 500
    assert len(parse_calls) == 1


def test_a_link_to_dev_zero_at_the_entry_path_is_not_read(
    write_catalog: WriteCatalog, cache_dir: Path
) -> None:
    path = write_catalog(valid_data())
    entry, digest = entry_for(cache_dir, path)
    entry.symlink_to("/dev/zero")
    with within(10), memory_peak_below(2**20):
        assert loading._read_cache(entry, digest, Path.cwd()) is None
    assert ceplan.load_catalog(path) == ceplan.load_catalog(path, cache=False)
    assert entry.is_file() and not entry.is_symlink()  # replaced by a real entry


def test_a_huge_entry_is_not_read(write_catalog: WriteCatalog, cache_dir: Path) -> None:
    path = write_catalog(valid_data())
    entry, digest = entry_for(cache_dir, path)
    with entry.open("wb") as file:
        file.truncate(loading.MAX_CACHE_BYTES + 1)  # sparse: no real disk space
    with within(10), memory_peak_below(2**20):
        assert loading._read_cache(entry, digest, Path.cwd()) is None
    assert ceplan.load_catalog(path) == ceplan.load_catalog(path, cache=False)
    assert entry.stat().st_size < 2**20  # replaced by a real entry


def test_an_entry_too_large_to_read_back_is_not_written(
    write_catalog: WriteCatalog, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "MAX_CACHE_BYTES", 100)
    ceplan.load_catalog(write_catalog(valid_data()))
    assert cache_files(cache_dir) == []


# -- the public API -----------------------------------------------------------------------------


def _ruff_order(name: str) -> tuple[int, str]:
    """The order ruff (RUF022) keeps ``__all__`` in: CONSTANTS, then Classes, then the rest."""
    if name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def test_all_is_sorted_and_matches_the_public_names() -> None:
    # Like httpx's test_all_imports_are_exported; submodules (ceplan.catalogue.models,
    # ceplan.cli.main, ...) become package attributes when imported, so they are not counted as
    # exported names.
    exported = sorted(
        [
            *(
                name
                for name, value in vars(ceplan).items()
                if (not name.startswith("_") or name == "__version__")
                and not isinstance(value, types.ModuleType)
                and name not in ceplan._LAZY
            ),
            *ceplan._LAZY,  # loaded when first asked for
        ],
        key=_ruff_order,
    )
    assert ceplan.__all__ == exported
    assert len(set(ceplan.__all__)) == len(ceplan.__all__)


def test_every_name_in_all_can_be_imported() -> None:
    namespace: dict[str, Any] = {}
    exec("from ceplan import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(ceplan.__all__)
    for name in ("load_catalog", "parse_catalog", "Catalog", "CatalogError", "optimise"):
        assert name in ceplan.__all__
    assert issubclass(ceplan.CatalogError, ceplan.CeplanError)


def test_a_package_folder_that_cannot_be_read_is_one_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Looking into a folder we may not enter raises PermissionError: one problem, not an
    internal error of the command line."""

    def refused(self: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "is_file", refused)
    monkeypatch.setattr("os.open", lambda *args, **kwargs: refused(Path(args[0])))
    with pytest.raises(ceplan.CatalogError, match="catalog.yaml \\(bundled\\): permission denied"):
        ceplan.load_catalog()
