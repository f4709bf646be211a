"""Shared fixtures: the real raw plan, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenlib import config
from greenlib.ingest import normalize, read_plan
from greenlib.pipeline import clean_document
from greenlib.units import Registry

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def raw_text() -> str:
    return config.RAW_PLAN.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def norm(raw_text):
    return normalize(raw_text)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture(scope="session")
def cleaned():
    """The whole plan cleaned in memory (corrections applied)."""
    return clean_document(read_plan(config.RAW_PLAN))


@pytest.fixture(scope="session")
def built_data(tmp_path_factory, cleaned):
    """The contract files written to a temporary build/data."""
    from greenlib.pipeline import write_outputs

    out = tmp_path_factory.mktemp("data")
    write_outputs(cleaned, out)
    return out
