"""Shared fixtures: a private catalogue cache per test, and a builder of small catalogues."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import ceplan
from tests.generators import TODAY


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
