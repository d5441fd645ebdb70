"""Entities tests run on a real SQLite file (``sqlite_db``); list samples are loaded by the real loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.lists import loader
from compliance.lists.sources import get_source


@pytest.fixture
def huawei_lists(sqlite_db: str, samples: Path) -> str:
    """OFAC's non-SDN consolidated sample and the CSL sample: Huawei is on both."""
    loader.load(get_source("ofac_cons"), samples / "ofac_cons", enforce_counts=False)
    loader.load(get_source("us_csl"), samples / "us_csl" / "consolidated.csv", enforce_counts=False)
    return sqlite_db
