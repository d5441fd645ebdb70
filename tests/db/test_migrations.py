"""Migrations: upgrade to head, check models agree, downgrade to base, upgrade again."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError as SADatabaseError

from compliance.db import migrate
from compliance.db.models import Base
from compliance.db.session import get_engine
from compliance.errors import DatabaseError


def test_upgrade_check_downgrade_upgrade(db_url: str) -> None:
    migrate.upgrade(db_url)
    assert migrate.current_revision(db_url) == migrate.head_revision()
    migrate.check(db_url)
    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert set(Base.metadata.tables) <= tables

    migrate.downgrade(db_url, "base")
    assert migrate.current_revision(db_url) is None
    leftover = set(inspect(get_engine(db_url)).get_table_names()) - {"alembic_version"}
    assert leftover == set()

    migrate.upgrade(db_url)
    migrate.check(db_url)


def test_check_refuses_an_empty_database(db_url: str) -> None:
    with pytest.raises(DatabaseError, match="is at revision none, not 0001"):
        migrate.check(db_url)


def test_ensure_current_creates_then_accepts(db_url: str) -> None:
    assert migrate.ensure_current(db_url) is True
    assert migrate.ensure_current(db_url) is False


def test_audit_log_is_append_only(migrated: str) -> None:
    engine = get_engine(migrated)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, details) "
                "VALUES (CURRENT_TIMESTAMP, 'tester', 'test.action', NULL)"
            )
        )
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(SADatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log")).scalar_one() == "tester"


def test_schema_head_constant_matches_the_migrations(db_url: str) -> None:
    from compliance.db.schema import SCHEMA_HEAD, schema_version

    assert migrate.head_revision() == SCHEMA_HEAD
    assert schema_version(db_url) is None
    migrate.upgrade(db_url)
    assert schema_version(db_url) == SCHEMA_HEAD
