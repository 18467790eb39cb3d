"""Shared fixtures, and the Hypothesis profiles the property tests run under.

``$HYPOTHESIS_PROFILE`` picks the profile (default ``dev``); ``make test`` (and so CI) runs
``ci``, ``make test-nightly`` runs ``nightly``:

- ``ci``: the same examples on every run (``derandomize``), no shrinking, each failure printed
  with the ``@reproduce_failure`` line that replays it;
- ``dev``: fresh random examples on each run, shrunk to a small one when a test fails, failures
  kept in ``.hypothesis/`` and tried first on the next run;
- ``nightly``: like ``dev``, with :data:`NIGHTLY_FACTOR` times the examples of every property
  test (those that set their own count through :func:`examples` too);
- ``fast``: like ``ci`` (the same examples each run), with a tenth of its examples (at least
  :data:`FAST_LEAST`), for the inner loop (``make test-fast``, which also leaves out the tests
  marked ``slow``).

Every profile has no deadline (the property tests call solvers, whose time varies with the
machine's load) and ignores Hypothesis's "too slow" health check, the one that depends on time.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, settings

import ceplan
from tests.generators import TODAY

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
NIGHTLY_FACTOR = 10
"""Under ``nightly``, each property test runs this many times the examples it runs under ``ci``."""
FAST_LEAST = 5
"""Under ``fast``, each property test runs a tenth of its ``ci`` examples, at least this many."""

# Built on Hypothesis's own "default" profile, not on whichever is active: with $CI set,
# Hypothesis starts with its own "ci" profile.
_ANY_MACHINE = settings(
    settings.get_profile("default"), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    _ANY_MACHINE,
    derandomize=True,
    max_examples=100,  # Hypothesis's default: what a test that sets no count ran before
    print_blob=True,
    # No shrinking: Hypothesis bounds it only by an internal five minutes per test, so a failure
    # found in CI is reported at once, as found. It stays reportable and reproducible: the
    # example is printed with the ``@reproduce_failure`` line that replays it, and
    # ``derandomize`` finds it again on every ``ci`` run.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
)
settings.register_profile("dev", _ANY_MACHINE, derandomize=False, max_examples=100, print_blob=True)
settings.register_profile("nightly", settings.get_profile("dev"), max_examples=100 * NIGHTLY_FACTOR)
settings.register_profile("fast", settings.get_profile("ci"), max_examples=100 // 10)
settings.load_profile(PROFILE)


def examples(count: int) -> int:
    """How many examples a property test that asks for ``count`` runs under this profile.

    ``count`` under ``ci`` and ``dev``, :data:`NIGHTLY_FACTOR` times as many under ``nightly``,
    a tenth (at least :data:`FAST_LEAST`) under ``fast``.
    A test's own ``@settings(max_examples=...)`` outranks any profile, so every property test
    that sets its count says ``@settings(max_examples=examples(N))``.
    """
    if PROFILE == "nightly":
        return count * NIGHTLY_FACTOR
    if PROFILE == "fast":
        return max(FAST_LEAST, count // 10)
    return count


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test's catalogue cache away from the user's own."""
    monkeypatch.setenv("CEPLAN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def catalog_data(
    activities: list[dict[str, Any]] | None = None,
    exams: list[dict[str, Any]] | None = None,
    paths: list[dict[str, Any]] | None = None,
    **top: Any,
) -> dict[str, Any]:
    """A schema-1 catalogue as plain data: one tier ``pro`` with ``paths`` (default 80 credits)."""
    data: dict[str, Any] = {
        "schema": 1,
        "programme": "Test programme",
        "currency": "GBP",
        "as_of": TODAY,
        "processing_days": 0,
        "tiers": {"pro": {"label": "Pro", "period_years": 3, "paths": paths or [{"credits": 80}]}},
        "exams": exams or [],
        "activities": activities or [],
    }
    data.update(top)
    return data


def make_catalog(**kwargs: Any) -> ceplan.Catalog:
    """A validated catalogue from :func:`catalog_data` arguments."""
    return ceplan.Catalog.model_validate(catalog_data(**kwargs))


@pytest.fixture
def write_catalog(tmp_path: Path) -> Callable[..., Path]:
    """Write a catalogue (plain data or YAML text) to a file and return its path."""

    def write(content: dict[str, Any] | str, name: str = "catalog.yaml") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write
