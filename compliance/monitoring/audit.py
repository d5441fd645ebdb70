"""Export of the append-only audit log, as CSV or JSON.

The export only reads: no command edits or deletes an audit record (the
database refuses UPDATE and DELETE on ``audit_log`` with triggers).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import IO, Any

from compliance.db import monitoring_repo as repo
from compliance.db.session import session_scope
from compliance.errors import UsageError

COLUMNS = ["id", "at", "actor", "action", "object_type", "object_id", "details", "list_versions"]
FORMATS = ("csv", "json")


def parse_since(text: str | None) -> datetime | None:
    """A date (YYYY-MM-DD, from its start, UTC) or an ISO timestamp; None when not given."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=UTC)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM.") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _records(since: datetime | None) -> Iterator[dict[str, Any]]:
    with session_scope() as session:
        for row in repo.audit_rows(session, since=since):
            yield {
                "id": row.id,
                "at": row.at.isoformat(),
                "actor": row.actor,
                "action": row.action,
                "object_type": row.object_type,
                "object_id": row.object_id,
                "details": row.details,
                "list_versions": row.list_versions,
            }


def _write(out: IO[str], fmt: str, since: datetime | None) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        for record in _records(since):
            for key in ("details", "list_versions"):
                record[key] = json.dumps(record[key], ensure_ascii=False, sort_keys=True, default=str)
            writer.writerow(record)
            count += 1
        return count
    out.write("[")
    for record in _records(since):
        out.write(",\n  " if count else "\n  ")
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True, default=str))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def export(fmt: str, out: IO[str] | Path, since: datetime | None = None) -> int:
    """Write the audit records (from ``since``) to a stream or a file; the number written.

    A file is written whole or not at all (a temporary file renamed at the end).
    """
    if fmt not in FORMATS:
        raise UsageError(f"Unknown format {fmt!r}: use csv or json.")
    if not isinstance(out, Path):
        return _write(out, fmt, since)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.partial")
    try:
        with open(temporary, "w", encoding="utf-8", newline="") as fh:
            count = _write(fh, fmt, since)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return count
