"""Engine and sessions, and the database version check."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from compliance import settings
from compliance.errors import ConfigError, DatabaseError


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the configured database now), created once per URL."""
    return _engine_for(url or settings.database_url())


def dispose_engines() -> None:
    """Close every pooled connection (before dropping a database, or in tests)."""
    for engine in list(_ENGINES.values()):
        engine.dispose()
    _ENGINES.clear()


_ENGINES: dict[str, Engine] = {}


def _engine_for(url: str) -> Engine:
    if url not in _ENGINES:
        _ENGINES[url] = _create_engine(url)
    return _ENGINES[url]


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"The database URL {url!r} is not valid.",
            hint="Use sqlite:///path/to/file.db or postgresql+psycopg://user:password@host/dbname",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise ConfigError(
        f"Unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL.",
    )


def describe_url(url: str | None = None) -> str:
    """The database URL with any password hidden, for messages."""
    return make_url(url or settings.database_url()).render_as_string(hide_password=True)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise DatabaseError(
            f"The database {describe_url(url)} could not be used: {exc.orig}".splitlines()[0]
        ) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def has_tables(url: str | None = None) -> bool:
    """Whether the database has been created (any migration applied)."""
    try:
        return inspect(get_engine(url)).has_table("alembic_version")
    except OperationalError as exc:
        raise DatabaseError(
            f"The database {describe_url(url)} cannot be reached: {str(exc.orig).splitlines()[0]}"
        ) from None
