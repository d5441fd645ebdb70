"""What each version of a list was, and what it changed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from compliance.db import lists_repo
from compliance.db.lists_repo import SnapshotInfo
from compliance.db.session import session_scope
from compliance.errors import NotFoundError


@dataclass(frozen=True)
class DiffLine:
    ref: str
    name: str
    fields: list[str] = field(default_factory=list)
    sublist: str | None = None
    programs: list[str] = field(default_factory=list)
    listed_on: str | None = None
    delisted_on: str | None = None


@dataclass
class DiffReport:
    snapshot: SnapshotInfo
    added: list[DiffLine]
    removed: list[DiffLine]
    changed: list[DiffLine]
    relisted: list[DiffLine]

    def as_dict(self) -> dict[str, Any]:
        snap = self.snapshot
        return {
            "source": snap.source_key,
            "version": snap.version,
            "list_date": snap.published_on.isoformat() if snap.published_on else None,
            "loaded_at": snap.loaded_at.isoformat(),
            "sha256": snap.sha256,
            "added": [asdict(line) for line in self.added],
            "removed": [asdict(line) for line in self.removed],
            "changed": [asdict(line) for line in self.changed],
            "relisted": [asdict(line) for line in self.relisted],
        }


def versions(source: str) -> list[SnapshotInfo]:
    with session_scope() as session:
        return lists_repo.snapshots(session, source)


def version(source: str, number: int) -> SnapshotInfo:
    with session_scope() as session:
        snap = lists_repo.snapshot(session, source, number)
    if snap is None:
        raise NotFoundError(
            f"version of {source}", str(number), hint=f"See: compliance lists history {source}"
        )
    return snap


def diff(source: str, number: int | None = None) -> DiffReport:
    with session_scope() as session:
        snap = (
            lists_repo.snapshot(session, source, number)
            if number is not None
            else lists_repo.latest_snapshot(session, source)
        )
        if snap is None:
            raise NotFoundError(
                f"loaded version of {source}",
                str(number) if number is not None else "latest",
                hint=f"Load it first: compliance lists load {source} PATH",
            )
        rows = lists_repo.changes_for(session, snap.id)
    buckets: dict[str, list[DiffLine]] = {"added": [], "removed": [], "changed": [], "relisted": []}
    for row in rows:
        buckets[row.change].append(
            DiffLine(
                row.ref,
                row.name,
                row.fields,
                row.sublist,
                row.programs,
                row.listed_on.isoformat() if row.listed_on else None,
                row.delisted_on.isoformat() if row.delisted_on else None,
            )
        )
    return DiffReport(snap, buckets["added"], buckets["removed"], buckets["changed"], buckets["relisted"])
