"""Fixture strategy.

Tests run against real things: a real SQLite file per test (in tmp_path), a
real PostgreSQL server when COMPLIANCE_TEST_POSTGRES_URL points at one (the
PostgreSQL tests skip and say why otherwise), and the real official list files
in ../shared/lists-data (tests that need them skip with a reason when that
folder is absent). Tiny fixtures written in-house live in tests/fixtures and
the shipped samples in lists/samples.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "lists" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_LISTS = Path(os.environ.get("COMPLIANCE_SHARED_DIR") or ROOT.parent / "shared") / "lists-data"


@pytest.fixture
def shared_lists() -> Path:
    """The folder of real official list files; skips the test when absent."""
    if not SHARED_LISTS.is_dir():
        pytest.skip(f"real list files not available: {SHARED_LISTS} is absent")
    return SHARED_LISTS


@pytest.fixture
def samples() -> Path:
    """The small sample files the project ships in lists/samples."""
    return SAMPLES
