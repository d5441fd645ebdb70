"""Settings, read once from ``COMPLIANCE_*`` environment variables.

Every setting has a sane default so that a fresh install works with no
configuration at all: an SQLite file in the user's data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

# Where the tool keeps its files (database, downloads, lock) unless told otherwise.
DATA_DIR = Path(os.environ.get("COMPLIANCE_DATA_DIR") or user_data_dir("compliance", appauthor=False))

# SQLAlchemy URL of the database. SQLite by default; for PostgreSQL use
# postgresql+psycopg://user:password@host/dbname
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'compliance.db'}"

# Folder of list-source YAML files and shipped samples (the repository's lists/).
LISTS_DIR = Path(os.environ.get("COMPLIANCE_LISTS_DIR") or Path(__file__).resolve().parent.parent / "lists")

# Where refreshes keep the files they download, one folder per source and version.
DOWNLOAD_DIR = Path(os.environ.get("COMPLIANCE_DOWNLOAD_DIR") or DATA_DIR / "downloads")

# HTTP: seconds to wait for a connection or a read, and attempts per file.
HTTP_TIMEOUT = float(os.environ.get("COMPLIANCE_HTTP_TIMEOUT", "60"))
HTTP_RETRIES = int(os.environ.get("COMPLIANCE_HTTP_RETRIES", "3"))
# Seconds between attempts grow from this base (1 s, 2 s, 4 s...).
HTTP_BACKOFF = float(os.environ.get("COMPLIANCE_HTTP_BACKOFF", "1.0"))
# Largest file a refresh will accept, in bytes (the full OFAC advanced XML is ~100 MB).
HTTP_MAX_BYTES = int(os.environ.get("COMPLIANCE_HTTP_MAX_BYTES", str(1024 * 1024 * 1024)))
# Largest news page or article file accepted, in bytes.
NEWS_MAX_BYTES = int(os.environ.get("COMPLIANCE_NEWS_MAX_BYTES", str(10 * 1024 * 1024)))

# Name of the person or process recorded in the audit trail for CLI actions.
ACTOR = os.environ.get("COMPLIANCE_ACTOR") or os.environ.get("USER") or "unknown"

_YES = ("1", "true", "yes", "on")

# Mail server for the alert digest (compliance monitor digest --send): host and
# port, optional login, STARTTLS on or off, the sender and the recipients
# (comma-separated).
SMTP_HOST = os.environ.get("COMPLIANCE_SMTP_HOST") or None
SMTP_PORT = int(os.environ.get("COMPLIANCE_SMTP_PORT") or "25")
SMTP_USER = os.environ.get("COMPLIANCE_SMTP_USER") or None
SMTP_PASSWORD = os.environ.get("COMPLIANCE_SMTP_PASSWORD") or None
SMTP_STARTTLS = (os.environ.get("COMPLIANCE_SMTP_STARTTLS") or "").strip().lower() in _YES
SMTP_FROM = os.environ.get("COMPLIANCE_SMTP_FROM") or None
SMTP_TO = os.environ.get("COMPLIANCE_SMTP_TO") or None


def database_url() -> str:
    """The database URL in force now (read at call time so tests can set it)."""
    return os.environ.get("COMPLIANCE_DATABASE_URL") or DEFAULT_DATABASE_URL


def lock_path() -> Path:
    """The file that keeps two refreshes from running at once."""
    return Path(os.environ.get("COMPLIANCE_LOCK_FILE") or DATA_DIR / "refresh.lock")
