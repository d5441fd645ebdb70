"""The database version this code expects, readable without importing Alembic.

Every command checks the database version before it runs; reading one row
here keeps that check cheap (Alembic itself is only imported to create or
upgrade a database). A test asserts ``SCHEMA_HEAD`` equals Alembic's head.
"""

from __future__ import annotations

from sqlalchemy import inspect, text

from compliance.db.session import get_engine

# The latest migration in migrations/versions (update with each new migration).
SCHEMA_HEAD = "0001"


def schema_version(url: str | None = None) -> str | None:
    """The database's migration version, or None for an empty database."""
    engine = get_engine(url)
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
