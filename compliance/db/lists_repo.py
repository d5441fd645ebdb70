"""Storage of list versions: sources, snapshots, designations and their diffs.

The refresh logic (compliance.lists.loader) decides what changed; this module
writes it, in bulk, inside the caller's transaction, and reads list state back
as plain dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from compliance.db.models import (
    AuditRecord,
    Designation,
    DesignationChange,
    Entity,
    EntityAddress,
    EntityCountry,
    EntityDate,
    EntityIdentifier,
    EntityName,
    ListSnapshot,
    ListSource,
    Relationship,
    utcnow,
)
from compliance.normalize.text import basic_key, identifier_key

# Rows per INSERT/UPDATE batch: large enough to be fast, small enough for
# SQLite's parameter limit and PostgreSQL's packet sizes.
_BATCH = 2000


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    source_key: str
    version: int
    format: str
    mode: str
    origin: str
    sha256: str
    files: list[dict[str, Any]]
    fetched_at: datetime
    loaded_at: datetime
    published_on: date | None
    record_count: int
    added: int
    removed: int
    changed: int
    unchanged: int
    problems: list[str]
    notes: list[str]
    loaded_by: str


@dataclass(frozen=True)
class CurrentEntry:
    designation_id: int
    entity_id: int
    active: bool
    record_hash: str
    record: dict[str, Any]


@dataclass(frozen=True)
class SourceState:
    key: str
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    active_count: int
    delisted_count: int
    latest: SnapshotInfo | None


@dataclass
class Change:
    """One entry to write: ``record`` is the stored form (see loader.record_to_dict)."""

    ref: str
    record: dict[str, Any]
    record_hash: str
    designation_id: int | None = None
    entity_id: int | None = None
    fields: list[str] = field(default_factory=list)
    previous: dict[str, Any] | None = None


@dataclass
class VersionPlan:
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    relisted: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    unchanged: int = 0


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every time we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _snapshot_info(snap: ListSnapshot, key: str) -> SnapshotInfo:
    return SnapshotInfo(
        id=snap.id,
        source_key=key,
        version=snap.version,
        format=snap.format,
        mode=snap.mode,
        origin=snap.origin,
        sha256=snap.sha256,
        files=list(snap.files or []),
        fetched_at=_aware(snap.fetched_at) or snap.fetched_at,
        loaded_at=_aware(snap.loaded_at) or snap.loaded_at,
        published_on=snap.published_on,
        record_count=snap.record_count,
        added=snap.added,
        removed=snap.removed,
        changed=snap.changed,
        unchanged=snap.unchanged,
        problems=list(snap.problems or []),
        notes=list(snap.notes or []),
        loaded_by=snap.loaded_by,
    )


def ensure_source(session: Session, key: str, title: str, authority: str) -> int:
    """The id of the source's state row, created on first use."""
    source_id = session.scalar(select(ListSource.id).where(ListSource.key == key))
    if source_id is None:
        source = ListSource(key=key, title=title, authority=authority)
        session.add(source)
        session.flush()
        return source.id
    return source_id


def source_id_for(session: Session, key: str) -> int | None:
    return session.scalar(select(ListSource.id).where(ListSource.key == key))


def latest_snapshot(session: Session, key: str) -> SnapshotInfo | None:
    snap = session.scalar(
        select(ListSnapshot)
        .join(ListSource)
        .where(ListSource.key == key)
        .order_by(ListSnapshot.version.desc())
        .limit(1)
    )
    return _snapshot_info(snap, key) if snap else None


def snapshots(session: Session, key: str) -> list[SnapshotInfo]:
    rows = session.scalars(
        select(ListSnapshot).join(ListSource).where(ListSource.key == key).order_by(ListSnapshot.version)
    )
    return [_snapshot_info(s, key) for s in rows]


def snapshot(session: Session, key: str, version: int) -> SnapshotInfo | None:
    snap = session.scalar(
        select(ListSnapshot).join(ListSource).where(ListSource.key == key, ListSnapshot.version == version)
    )
    return _snapshot_info(snap, key) if snap else None


def current_entries(session: Session, source_id: int) -> dict[str, CurrentEntry]:
    rows = session.execute(
        select(
            Designation.ref,
            Designation.id,
            Designation.entity_id,
            Designation.active,
            Designation.record_hash,
            Designation.record,
        ).where(Designation.source_id == source_id)
    )
    return {
        ref: CurrentEntry(did, eid, active, rhash, record) for ref, did, eid, active, rhash, record in rows
    }


def mark_checked(session: Session, source_id: int, *, success: bool, error: str | None = None) -> None:
    now = utcnow()
    values: dict[str, Any] = {"last_checked_at": now}
    if success:
        values.update(last_success_at=now, last_error=None, last_error_at=None)
    else:
        values.update(last_error=error, last_error_at=now)
    session.execute(update(ListSource).where(ListSource.id == source_id).values(**values))


def source_state(session: Session, key: str) -> SourceState | None:
    source = session.scalar(select(ListSource).where(ListSource.key == key))
    if source is None:
        return None
    counts: dict[bool, int] = {
        bool(active): int(count)
        for active, count in session.execute(
            select(Designation.active, func.count())
            .where(Designation.source_id == source.id)
            .group_by(Designation.active)
        )
    }
    return SourceState(
        key=key,
        last_checked_at=_aware(source.last_checked_at),
        last_success_at=_aware(source.last_success_at),
        last_error=source.last_error,
        last_error_at=_aware(source.last_error_at),
        active_count=counts.get(True, 0),
        delisted_count=counts.get(False, 0),
        latest=latest_snapshot(session, key),
    )


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _designation_values(change: Change) -> dict[str, Any]:
    rec = change.record
    return {
        "name": (rec.get("name") or "")[:1000],
        "entity_type": rec.get("entity_type") or "unknown",
        "sublist": rec.get("sublist"),
        "programs": rec.get("programs") or [],
        "listed_on": date.fromisoformat(rec["listed_on"]) if rec.get("listed_on") else None,
        "listed_until": date.fromisoformat(rec["listed_until"]) if rec.get("listed_until") else None,
        "record": rec,
        "record_hash": change.record_hash,
    }


def _child_rows(changes: Sequence[Change]) -> dict[type, list[dict[str, Any]]]:
    rows: dict[type, list[dict[str, Any]]] = {
        EntityName: [],
        EntityIdentifier: [],
        EntityAddress: [],
        EntityCountry: [],
        EntityDate: [],
    }
    for ch in changes:
        rec = ch.record
        base = {"entity_id": ch.entity_id, "designation_id": ch.designation_id}
        seen_names: set[tuple[str, str]] = set()
        for n in rec.get("names") or []:
            value = (n.get("value") or "").strip()
            if not value or (value, n.get("kind") or "") in seen_names:
                continue
            seen_names.add((value, n.get("kind") or ""))
            rows[EntityName].append(
                base
                | {
                    "value": value[:1000],
                    "normalized": basic_key(value)[:1000],
                    "kind": n.get("kind") or "aka",
                    "script": n.get("script"),
                    "lang": n.get("lang"),
                    "quality": n.get("quality"),
                }
            )
        for i in rec.get("identifiers") or []:
            value = (i.get("value") or "").strip()
            if value:
                rows[EntityIdentifier].append(
                    base
                    | {
                        "id_type": (i.get("type") or "other")[:40],
                        "value": value[:500],
                        "normalized": identifier_key(value)[:500],
                        "country": (i.get("country") or None) and str(i["country"])[:100],
                        "note": i.get("note"),
                    }
                )
        for a in rec.get("addresses") or []:
            rows[EntityAddress].append(
                base
                | {
                    "full": a.get("full") or "",
                    "street": a.get("street"),
                    "city": (a.get("city") or None) and str(a["city"])[:200],
                    "region": (a.get("region") or None) and str(a["region"])[:200],
                    "postal_code": (a.get("postal_code") or None) and str(a["postal_code"])[:50],
                    "country": (a.get("country") or None) and str(a["country"])[:100],
                }
            )
        for c in rec.get("countries") or []:
            if c.get("country"):
                rows[EntityCountry].append(
                    base | {"country": str(c["country"])[:100], "relation": (c.get("relation") or "")[:20]}
                )
        for d in rec.get("dates") or []:
            if d.get("value"):
                rows[EntityDate].append(
                    base
                    | {
                        "kind": (d.get("kind") or "birth")[:20],
                        "value": str(d["value"])[:30],
                        "approximate": bool(d.get("approximate")),
                        "note": d.get("note"),
                    }
                )
    return rows


def _insert_children(session: Session, changes: Sequence[Change]) -> None:
    conn = session.connection()
    for model, rows in _child_rows(changes).items():
        # Core execution on the connection: a plain executemany, without
        # the ORM's per-row bookkeeping.
        for chunk in _chunks(rows):
            conn.execute(insert(model), list(chunk))


def _delete_children(session: Session, designation_ids: Sequence[int]) -> None:
    for model in (EntityName, EntityIdentifier, EntityAddress, EntityCountry, EntityDate, Relationship):
        for chunk in _chunks(designation_ids, 900):
            session.execute(
                delete(model).where(model.designation_id.in_(chunk)),
                execution_options={"synchronize_session": False},
            )


def create_snapshot(session: Session, source_id: int, values: dict[str, Any]) -> int:
    version = (
        session.scalar(select(func.max(ListSnapshot.version)).where(ListSnapshot.source_id == source_id)) or 0
    ) + 1
    snap = ListSnapshot(source_id=source_id, version=version, **values)
    session.add(snap)
    session.flush()
    return snap.id


def apply_version(
    session: Session,
    source_id: int,
    snapshot_id: int,
    plan: VersionPlan,
    delisted_on: date,
) -> None:
    """Write a version's changes. The caller owns the transaction."""
    now = utcnow()
    # Added entries: a new entity and a designation each.
    if plan.added:
        entity_rows = [
            {
                "entity_type": ch.record.get("entity_type") or "unknown",
                "name": (ch.record.get("name") or "")[:1000],
                "origin": "list",
                "created_at": now,
                "updated_at": now,
            }
            for ch in plan.added
        ]
        entity_ids: list[int] = []
        for chunk in _chunks(entity_rows):
            result = session.execute(
                insert(Entity).returning(Entity.id, sort_by_parameter_order=True), list(chunk)
            )
            entity_ids.extend(result.scalars().all())
        designation_rows = []
        for ch, eid in zip(plan.added, entity_ids, strict=True):
            ch.entity_id = eid
            designation_rows.append(
                _designation_values(ch)
                | {
                    "source_id": source_id,
                    "entity_id": eid,
                    "ref": ch.ref,
                    "active": True,
                    "first_snapshot_id": snapshot_id,
                    "last_changed_snapshot_id": snapshot_id,
                }
            )
        for start, chunk in zip(
            range(0, len(designation_rows), _BATCH), _chunks(designation_rows), strict=True
        ):
            result = session.execute(
                insert(Designation).returning(Designation.id, sort_by_parameter_order=True), list(chunk)
            )
            for ch, did in zip(plan.added[start : start + len(chunk)], result.scalars().all(), strict=True):
                ch.designation_id = did
        _insert_children(session, plan.added)

    # Changed and relisted entries: new record, children rebuilt.
    rewritten = plan.changed + plan.relisted
    if rewritten:
        _delete_children(session, [ch.designation_id for ch in rewritten if ch.designation_id])
        params = [
            _designation_values(ch)
            | {
                "b_id": ch.designation_id,
                "active": True,
                "delisted_on": None,
                "delisted_snapshot_id": None,
                "last_changed_snapshot_id": snapshot_id,
            }
            for ch in rewritten
        ]
        stmt = (
            update(Designation)
            .where(Designation.id == bindparam("b_id"))
            .values({col: bindparam(col) for col in params[0] if col != "b_id"})
        )
        for chunk in _chunks(params):
            session.connection().execute(stmt, list(chunk))
        entity_params = [
            {
                "b_id": ch.entity_id,
                "entity_type": ch.record.get("entity_type") or "unknown",
                "name": (ch.record.get("name") or "")[:1000],
                "updated_at": now,
            }
            for ch in rewritten
        ]
        entity_stmt = (
            update(Entity)
            .where(Entity.id == bindparam("b_id"))
            .values(
                entity_type=bindparam("entity_type"),
                name=bindparam("name"),
                updated_at=bindparam("updated_at"),
            )
        )
        for chunk in _chunks(entity_params):
            session.connection().execute(entity_stmt, list(chunk))
        _insert_children(session, rewritten)

    # Removed entries: kept, marked delisted.
    if plan.removed:
        stmt = (
            update(Designation)
            .where(Designation.id == bindparam("b_id"))
            .values(active=False, delisted_on=delisted_on, delisted_snapshot_id=snapshot_id)
        )
        for chunk in _chunks([{"b_id": ch.designation_id} for ch in plan.removed]):
            session.connection().execute(stmt, list(chunk))

    change_rows = []
    for kind, changes in (
        ("added", plan.added),
        ("changed", plan.changed),
        ("relisted", plan.relisted),
        ("removed", plan.removed),
    ):
        for ch in changes:
            change_rows.append(
                {
                    "snapshot_id": snapshot_id,
                    "designation_id": ch.designation_id,
                    "change": kind,
                    "fields": ch.fields or None,
                    "previous": ch.previous,
                }
            )
    for chunk in _chunks(change_rows):
        session.connection().execute(insert(DesignationChange), list(chunk))

    _write_relationships(session, source_id, plan.added + rewritten)


# How a record's relation kinds become stored relationships:
# kind -> (stored kind, True when the other party is the subject).
_RELATION_KINDS: dict[str, tuple[str, bool]] = {
    "owner": ("ownership", True),
    "owned": ("ownership", False),
    "parent": ("subsidiary", True),
    "subsidiary": ("subsidiary", False),
    "director": ("directorship", True),
    "directs": ("directorship", False),
    "family": ("family", False),
    "associate": ("associate", False),
    "linked_to": ("linked", False),
}


def _write_relationships(session: Session, source_id: int, changes: Sequence[Change]) -> None:
    """Store the links list records give between parties of the same source.

    The other party is found by its reference in the source, or else by an
    exact (normalised) match on a primary name that only one entry carries.
    """
    wanted = [ch for ch in changes if ch.record.get("relations")]
    if not wanted:
        return
    by_ref: dict[str, int] = {
        ref: eid
        for ref, eid in session.execute(
            select(Designation.ref, Designation.entity_id).where(Designation.source_id == source_id)
        )
    }
    by_name: dict[str, int | None] = {}
    for name, eid in session.execute(
        select(EntityName.normalized, EntityName.entity_id)
        .join(Designation, Designation.id == EntityName.designation_id)
        .where(Designation.source_id == source_id)
    ):
        by_name[name] = eid if by_name.get(name, eid) == eid else None
    rows = []
    for ch in wanted:
        for rel in ch.record["relations"]:
            other = None
            if rel.get("other_ref"):
                other = by_ref.get(str(rel["other_ref"]))
            if other is None and rel.get("other_name"):
                other = by_name.get(basic_key(rel["other_name"]))
            if other is None or other == ch.entity_id:
                continue
            kind, other_is_subject = _RELATION_KINDS.get(rel.get("kind") or "", ("linked", False))
            subject, obj = (other, ch.entity_id) if other_is_subject else (ch.entity_id, other)
            share = rel.get("share_pct")
            rows.append(
                {
                    "subject_id": subject,
                    "object_id": obj,
                    "kind": kind,
                    "share_pct": share,
                    "since": _maybe_date(rel.get("since")),
                    "until": _maybe_date(rel.get("until")),
                    "source": f"list entry {ch.ref}",
                    "note": rel.get("note"),
                    "designation_id": ch.designation_id,
                    "created_at": utcnow(),
                }
            )
    for chunk in _chunks(rows):
        session.connection().execute(insert(Relationship), list(chunk))


def _maybe_date(text: Any) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class ChangeLine:
    change: str
    ref: str
    name: str
    fields: list[str]
    sublist: str | None
    programs: list[str]
    listed_on: date | None
    delisted_on: date | None


def changes_for(session: Session, snapshot_id: int) -> list[ChangeLine]:
    """Every line of a version's diff, by kind of change then reference."""
    rows = session.execute(
        select(
            DesignationChange.change,
            Designation.ref,
            Designation.name,
            DesignationChange.fields,
            Designation.sublist,
            Designation.programs,
            Designation.listed_on,
            Designation.delisted_on,
        )
        .join(Designation, Designation.id == DesignationChange.designation_id)
        .where(DesignationChange.snapshot_id == snapshot_id)
        .order_by(DesignationChange.change, Designation.ref)
    )
    return [
        ChangeLine(c, r, n, list(f or []), sub, list(progs or []), listed, delisted)
        for c, r, n, f, sub, progs, listed, delisted in rows
    ]


def add_audit(
    session: Session,
    actor: str,
    action: str,
    object_type: str | None,
    object_id: str | None,
    details: dict[str, Any],
    list_versions: dict[str, int] | None = None,
) -> None:
    session.add(
        AuditRecord(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
            list_versions=list_versions,
        )
    )


def list_versions(session: Session) -> dict[str, int]:
    """The version in force of every loaded source: {source key: version}."""
    rows = session.execute(
        select(ListSource.key, func.max(ListSnapshot.version))
        .join(ListSnapshot, ListSnapshot.source_id == ListSource.id)
        .group_by(ListSource.key)
    )
    return {key: version for key, version in rows}


def update_latest_files(session: Session, key: str, meta: dict[str, dict[str, Any]]) -> None:
    """Merge download headers (etag, last_modified) into the latest snapshot's file list."""
    snap = session.scalar(
        select(ListSnapshot)
        .join(ListSource)
        .where(ListSource.key == key)
        .order_by(ListSnapshot.version.desc())
        .limit(1)
    )
    if snap is None:
        return
    files = [dict(row) | meta.get(row.get("name", ""), {}) for row in snap.files or []]
    session.execute(update(ListSnapshot).where(ListSnapshot.id == snap.id).values(files=files))
