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


# ------------------------------------------------------------------ databases

import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

POSTGRES_ENV = "COMPLIANCE_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data folder, lock file and download folder."""
    from compliance import settings

    data = tmp_path / "data"
    monkeypatch.setenv("COMPLIANCE_LOCK_FILE", str(data / "refresh.lock"))
    monkeypatch.setattr(settings, "DATA_DIR", data)
    monkeypatch.setattr(settings, "DOWNLOAD_DIR", data / "downloads")
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", f"sqlite:///{data / 'default.db'}")


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def _postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (bash .ci/run starts a server and sets it)")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"compliance_t_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any connection failure means: no server here
        admin.dispose()
        pytest.skip(f"PostgreSQL at {make_url(base).render_as_string()} is not reachable: {exc!s:.120}")
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from compliance.db.session import dispose_engines

        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = _sqlite_url(tmp_path)
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
    return url


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for url in _postgres_database():
        monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The same test on a real SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        url = _sqlite_url(tmp_path)
        monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
        yield url
        return
    for url in _postgres_database():
        monkeypatch.setenv("COMPLIANCE_DATABASE_URL", url)
        yield url


@pytest.fixture
def migrated(db_url: str) -> str:
    """A database of either kind, created at the latest version."""
    from compliance.db import migrate

    migrate.upgrade(db_url)
    return db_url


@pytest.fixture
def sqlite_db(sqlite_url: str) -> str:
    """A real SQLite file, created at the latest version."""
    from compliance.db import migrate

    migrate.upgrade(sqlite_url)
    return sqlite_url
