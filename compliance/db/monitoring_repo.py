"""Storage for monitoring: watched counterparties, alerts, decisions, and the audit log's reads.

Everything here runs inside the caller's transaction and returns plain
dataclasses, never ORM objects. The audit log is only ever appended to
(``lists_repo.add_audit``); nothing here updates or deletes an audit record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session

from compliance.db.entities_repo import all_roots
from compliance.db.models import (
    Alert,
    AlertDecision,
    AuditRecord,
    Designation,
    DesignationChange,
    EnforcementAction,
    EntityName,
    ListSnapshot,
    ListSource,
    Mention,
    NewsArticle,
    ScreeningRun,
    WatchedCounterparty,
    utcnow,
)

# Ids per IN (...) list: under SQLite's parameter limit, small for PostgreSQL.
_IN_CHUNK = 900
# Rows per bulk INSERT.
_BATCH = 2000
# Kinds of designation change that can make a new match.
NEW_OR_CHANGED = ("added", "changed", "relisted")


def aware(value: datetime) -> datetime:
    """SQLite gives naive UTC datetimes back; PostgreSQL aware ones. Compare them as aware."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _chunks(items: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------- counterparties


@dataclass(frozen=True)
class CounterpartyRow:
    id: int
    ref: str | None
    name: str
    entity_type: str | None
    country: str | None
    dob: str | None
    entity_id: int | None
    active: bool
    added_at: datetime
    removed_at: datetime | None

    def data(self) -> dict[str, Any]:
        """The facts that screening uses (what a false-positive decision was taken on)."""
        return {
            "name": self.name,
            "type": self.entity_type,
            "country": self.country,
            "dob": self.dob,
            "entity_id": self.entity_id,
        }


_CP_COLUMNS = (
    WatchedCounterparty.id,
    WatchedCounterparty.ref,
    WatchedCounterparty.name,
    WatchedCounterparty.entity_type,
    WatchedCounterparty.country,
    WatchedCounterparty.dob,
    WatchedCounterparty.entity_id,
    WatchedCounterparty.active,
    WatchedCounterparty.added_at,
    WatchedCounterparty.removed_at,
)


def _cp(row: Any) -> CounterpartyRow:
    values = list(row)
    values[8] = aware(values[8])
    if values[9] is not None:
        values[9] = aware(values[9])
    return CounterpartyRow(*values)


def counterparty(session: Session, counterparty_id: int) -> CounterpartyRow | None:
    row = session.execute(select(*_CP_COLUMNS).where(WatchedCounterparty.id == counterparty_id)).first()
    return _cp(row) if row else None


def counterparty_by_ref(session: Session, ref: str) -> CounterpartyRow | None:
    row = session.execute(select(*_CP_COLUMNS).where(WatchedCounterparty.ref == ref)).first()
    return _cp(row) if row else None


def counterparties_by_refs(session: Session, refs: Sequence[str]) -> dict[str, CounterpartyRow]:
    found: dict[str, CounterpartyRow] = {}
    for chunk in _chunks(sorted(set(refs))):
        for row in session.execute(select(*_CP_COLUMNS).where(WatchedCounterparty.ref.in_(chunk))):
            cp = _cp(row)
            assert cp.ref is not None
            found[cp.ref] = cp
    return found


def counterparty_without_ref(session: Session, name: str, entity_id: int | None) -> CounterpartyRow | None:
    """A counterparty watched without a ref under exactly this name (and entity link)."""
    stmt = select(*_CP_COLUMNS).where(WatchedCounterparty.ref.is_(None), WatchedCounterparty.name == name)
    stmt = stmt.where(
        WatchedCounterparty.entity_id.is_(None)
        if entity_id is None
        else WatchedCounterparty.entity_id == entity_id
    )
    row = session.execute(stmt.order_by(WatchedCounterparty.id).limit(1)).first()
    return _cp(row) if row else None


def watched_count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(WatchedCounterparty).where(WatchedCounterparty.active.is_(True))
        )
        or 0
    )


def counterparties(session: Session, *, include_removed: bool = False) -> list[CounterpartyRow]:
    stmt = select(*_CP_COLUMNS).order_by(WatchedCounterparty.id)
    if not include_removed:
        stmt = stmt.where(WatchedCounterparty.active.is_(True))
    return [_cp(row) for row in session.execute(stmt)]


def counterparties_by_ids(session: Session, ids: Iterable[int]) -> list[CounterpartyRow]:
    out: list[CounterpartyRow] = []
    for chunk in _chunks(sorted(set(ids))):
        out.extend(
            _cp(row) for row in session.execute(select(*_CP_COLUMNS).where(WatchedCounterparty.id.in_(chunk)))
        )
    return sorted(out, key=lambda cp: cp.id)


def insert_counterparties(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert new counterparties (keys: ref, name, entity_type, country, dob, entity_id); their ids."""
    now = utcnow()
    ids: list[int] = []
    for chunk in _chunks(rows, _BATCH):
        result = session.execute(
            insert(WatchedCounterparty).returning(WatchedCounterparty.id, sort_by_parameter_order=True),
            [dict(row) | {"active": True, "added_at": now, "removed_at": None} for row in chunk],
        )
        ids.extend(result.scalars().all())
    return ids


def update_counterparty(session: Session, counterparty_id: int, values: dict[str, Any]) -> None:
    """New facts for a counterparty; a removed one watched again counts from now."""
    values = dict(values)
    if values.get("active"):
        values["removed_at"] = None
    session.execute(
        update(WatchedCounterparty).where(WatchedCounterparty.id == counterparty_id).values(**values)
    )


def remove_counterparty(session: Session, counterparty_id: int) -> None:
    session.execute(
        update(WatchedCounterparty)
        .where(WatchedCounterparty.id == counterparty_id)
        .values(active=False, removed_at=utcnow())
    )


def entities_named(session: Session, keys: Sequence[str]) -> dict[str, list[int]]:
    """Entities in force (merges followed) whose primary name has each normalised form; found keys only."""
    found: dict[str, set[int]] = {}
    for chunk in _chunks(sorted(set(keys))):
        rows = session.execute(
            select(EntityName.normalized, EntityName.entity_id).where(
                EntityName.normalized.in_(chunk), EntityName.kind == "primary"
            )
        )
        for key, eid in rows:
            found.setdefault(key, set()).add(eid)
    roots = all_roots(session) if found else {}
    return {key: sorted({roots.get(e, e) for e in ids}) for key, ids in found.items()}


# ----------------------------------------------------------- list changes


@dataclass(frozen=True)
class PendingSnapshot:
    id: int
    source: str
    version: int
    loaded_at: datetime


def monitor_watermark(session: Session) -> int:
    """The last list version (snapshot id) a monitoring run has covered; 0 before the first."""
    query = session.scalar(
        select(ScreeningRun.query)
        .where(ScreeningRun.kind == "monitor")
        .order_by(ScreeningRun.id.desc())
        .limit(1)
    )
    return int((query or {}).get("through_snapshot") or 0)


def snapshots_after(session: Session, snapshot_id: int, loaded_after: datetime) -> list[PendingSnapshot]:
    """List versions loaded after ``snapshot_id`` and after ``loaded_after``, oldest first."""
    rows = session.execute(
        select(ListSnapshot.id, ListSource.key, ListSnapshot.version, ListSnapshot.loaded_at)
        .join(ListSource, ListSource.id == ListSnapshot.source_id)
        .where(ListSnapshot.id > snapshot_id)
        .order_by(ListSnapshot.id)
    )
    out = [PendingSnapshot(sid, key, version, aware(at)) for sid, key, version, at in rows]
    return [snap for snap in out if snap.loaded_at > loaded_after]


def latest_snapshot_id(session: Session) -> int:
    return int(session.scalar(select(func.max(ListSnapshot.id))) or 0)


def changed_designations(session: Session, snapshot_ids: Sequence[int]) -> dict[int, tuple[int, datetime]]:
    """Designations in force that ``snapshot_ids`` added, changed or relisted: id -> (last snapshot, when)."""
    out: dict[int, tuple[int, datetime]] = {}
    for chunk in _chunks(list(snapshot_ids)):
        rows = session.execute(
            select(DesignationChange.designation_id, ListSnapshot.id, ListSnapshot.loaded_at)
            .join(ListSnapshot, ListSnapshot.id == DesignationChange.snapshot_id)
            .join(Designation, Designation.id == DesignationChange.designation_id)
            .where(
                DesignationChange.snapshot_id.in_(chunk),
                DesignationChange.change.in_(NEW_OR_CHANGED),
                Designation.active.is_(True),
            )
        )
        for did, sid, at in rows:
            if did not in out or out[did][0] < sid:
                out[did] = (sid, aware(at))
    return out


def changed_designation_query(snapshot_ids: Sequence[int]) -> Select[tuple[int]]:
    """A query of the designation ids ``snapshot_ids`` added, changed or relisted."""
    return select(DesignationChange.designation_id).where(
        DesignationChange.snapshot_id.in_(list(snapshot_ids)),
        DesignationChange.change.in_(NEW_OR_CHANGED),
    )


@dataclass(frozen=True)
class DesignationInfo:
    id: int
    source: str
    ref: str
    name: str
    record_hash: str
    last_changed_snapshot_id: int


def designations(session: Session, ids: Iterable[int]) -> dict[int, DesignationInfo]:
    out: dict[int, DesignationInfo] = {}
    for chunk in _chunks(sorted(set(ids))):
        rows = session.execute(
            select(
                Designation.id,
                ListSource.key,
                Designation.ref,
                Designation.name,
                Designation.record_hash,
                Designation.last_changed_snapshot_id,
            )
            .join(ListSource, ListSource.id == Designation.source_id)
            .where(Designation.id.in_(chunk))
        )
        for row in rows:
            out[row[0]] = DesignationInfo(*row)
    return out


def designation_changes_since(session: Session, designation_id: int, since: datetime) -> list[str]:
    """The fields of a designation that list versions loaded after ``since`` changed."""
    fields: list[str] = []
    rows = session.execute(
        select(DesignationChange.change, DesignationChange.fields, ListSnapshot.loaded_at)
        .join(ListSnapshot, ListSnapshot.id == DesignationChange.snapshot_id)
        .where(DesignationChange.designation_id == designation_id)
        .order_by(DesignationChange.id)
    )
    for change, changed, at in rows:
        if aware(at) <= since:
            continue
        for name in list(changed or []) or [change]:
            if name not in fields:
                fields.append(name)
    return fields


# ------------------------------------------------------ enforcement, news


@dataclass(frozen=True)
class LinkedAction:
    id: int
    entity_id: int
    authority: str
    action_type: str
    action_date: str | None
    respondent: str
    amount: str | None
    currency: str | None
    dataset: str
    source_ref: str
    summary: str | None


def linked_actions(session: Session) -> list[LinkedAction]:
    """Enforcement actions linked (automatically or by a reviewer) to an entity."""
    rows = session.execute(
        select(
            EnforcementAction.id,
            EnforcementAction.entity_id,
            EnforcementAction.authority,
            EnforcementAction.action_type,
            EnforcementAction.action_date,
            EnforcementAction.respondent,
            EnforcementAction.amount,
            EnforcementAction.currency,
            EnforcementAction.dataset,
            EnforcementAction.source_ref,
            EnforcementAction.summary,
        )
        .where(
            EnforcementAction.entity_id.is_not(None),
            EnforcementAction.link_status.in_(("auto", "confirmed")),
        )
        .order_by(EnforcementAction.id)
    )
    return [
        LinkedAction(
            aid,
            eid,
            authority,
            kind,
            day.isoformat() if day else None,
            respondent,
            f"{amount:,.2f}" if amount is not None else None,
            currency,
            dataset,
            ref,
            summary,
        )
        for aid, eid, authority, kind, day, respondent, amount, currency, dataset, ref, summary in rows
    ]


@dataclass(frozen=True)
class LinkedMention:
    id: int
    entity_id: int
    article_id: int
    surface: str
    sentence: str | None
    status: str
    categories: list[str]
    title: str | None
    outlet: str | None
    published_at: str | None


def linked_mentions(session: Session) -> list[LinkedMention]:
    """Adverse-media mentions linked to an entity (status linked or confirmed)."""
    rows = session.execute(
        select(
            Mention.id,
            Mention.entity_id,
            Mention.article_id,
            Mention.surface,
            Mention.sentence,
            Mention.status,
            Mention.categories,
            NewsArticle.title,
            NewsArticle.outlet,
            NewsArticle.published_at,
        )
        .join(NewsArticle, NewsArticle.id == Mention.article_id)
        .where(Mention.entity_id.is_not(None), Mention.status.in_(("linked", "confirmed")))
        .order_by(Mention.id)
    )
    return [
        LinkedMention(
            mid,
            eid,
            aid,
            surface,
            sentence,
            status,
            [str(c) for c in (categories or [])],
            title,
            outlet,
            aware(published).date().isoformat() if published else None,
        )
        for mid, eid, aid, surface, sentence, status, categories, title, outlet, published in rows
    ]


# ------------------------------------------------------------------ alerts


@dataclass(frozen=True)
class AlertKey:
    """What an alert is about: a counterparty and one designation, action or mention."""

    counterparty_id: int
    kind: str  # list_hit | enforcement | news
    target_id: int


@dataclass(frozen=True)
class LastAlert:
    id: int
    status: str
    fingerprint: str


_TARGET = {"list_hit": Alert.designation_id, "enforcement": Alert.enforcement_id, "news": Alert.mention_id}


def latest_alerts(session: Session, kind: str, counterparty_ids: Sequence[int]) -> dict[AlertKey, LastAlert]:
    """The latest alert of ``kind`` per (counterparty, target) for these counterparties."""
    column = _TARGET[kind]
    out: dict[AlertKey, LastAlert] = {}
    for chunk in _chunks(sorted(set(counterparty_ids))):
        rows = session.execute(
            select(Alert.id, Alert.counterparty_id, column, Alert.status, Alert.fingerprint)
            .where(Alert.kind == kind, Alert.counterparty_id.in_(chunk))
            .order_by(Alert.id)
        )
        for aid, cid, target, status, fingerprint in rows:
            out[AlertKey(cid, kind, target)] = LastAlert(aid, status, fingerprint)
    return out


def insert_alerts(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert alerts (Alert columns as keys); their ids, in order."""
    now = utcnow()
    ids: list[int] = []
    for chunk in _chunks(rows, _BATCH):
        result = session.execute(
            insert(Alert).returning(Alert.id, sort_by_parameter_order=True),
            [{"status": "open", "created_at": now, "updated_at": now} | dict(row) for row in chunk],
        )
        ids.extend(result.scalars().all())
    return ids


@dataclass(frozen=True)
class AlertRow:
    id: int
    status: str
    kind: str
    counterparty_id: int
    counterparty_ref: str | None
    counterparty_name: str
    entity_id: int | None
    designation_id: int | None
    enforcement_id: int | None
    mention_id: int | None
    snapshot_id: int | None
    list: str | None
    list_ref: str | None
    matched_name: str | None
    score: float | None
    reason: str
    fingerprint: str
    created_at: datetime
    updated_at: datetime


def _alert_select() -> Select[Any]:
    return (
        select(
            Alert.id,
            Alert.status,
            Alert.kind,
            Alert.counterparty_id,
            WatchedCounterparty.ref,
            WatchedCounterparty.name,
            Alert.entity_id,
            Alert.designation_id,
            Alert.enforcement_id,
            Alert.mention_id,
            Alert.snapshot_id,
            ListSource.key,
            Designation.ref,
            EnforcementAction.authority,
            EnforcementAction.source_ref,
            Mention.article_id,
            Alert.matched_name,
            Alert.score,
            Alert.reason,
            Alert.fingerprint,
            Alert.created_at,
            Alert.updated_at,
        )
        .join(WatchedCounterparty, WatchedCounterparty.id == Alert.counterparty_id)
        .outerjoin(Designation, Designation.id == Alert.designation_id)
        .outerjoin(ListSource, ListSource.id == Designation.source_id)
        .outerjoin(EnforcementAction, EnforcementAction.id == Alert.enforcement_id)
        .outerjoin(Mention, Mention.id == Alert.mention_id)
    )


def _alert(row: Any) -> AlertRow:
    """An AlertRow from a row of ``_alert_select``: list and reference named per kind of alert."""
    values = list(row)
    kind, enforcement_id = values[2], values[8]
    source, designation_ref, authority, action_ref, article_id = values[11:16]
    if kind == "list_hit":
        where, ref = source, designation_ref
    elif kind == "enforcement":
        where, ref = f"enforcement: {authority}", f"action {enforcement_id} ({action_ref})"
    else:
        where, ref = "news", f"article {article_id}"
    fields: tuple[Any, ...] = (*values[:11], where, ref, *values[16:20], aware(values[20]), aware(values[21]))
    return AlertRow(*fields)


def alerts(
    session: Session,
    *,
    status: str | None = None,
    since: datetime | None = None,
    ids: Sequence[int] | None = None,
    counterparty_id: int | None = None,
) -> list[AlertRow]:
    stmt = _alert_select().order_by(Alert.id)
    if status is not None:
        stmt = stmt.where(Alert.status == status)
    if since is not None:
        stmt = stmt.where(Alert.created_at > since)
    if counterparty_id is not None:
        stmt = stmt.where(Alert.counterparty_id == counterparty_id)
    if ids is not None:
        out: list[AlertRow] = []
        for chunk in _chunks(sorted(set(ids))):
            out.extend(_alert(row) for row in session.execute(stmt.where(Alert.id.in_(chunk))))
        return sorted(out, key=lambda a: a.id)
    return [_alert(row) for row in session.execute(stmt)]


def alert(session: Session, alert_id: int) -> AlertRow | None:
    row = session.execute(_alert_select().where(Alert.id == alert_id)).first()
    return _alert(row) if row else None


def alert_counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Alert.status, func.count()).group_by(Alert.status)).tuples().all())


@dataclass(frozen=True)
class DecisionRow:
    id: int
    alert_id: int
    decision: str
    note: str
    decided_by: str
    decided_at: datetime
    fingerprint: str


def add_decision(
    session: Session, alert_id: int, decision: str, status: str, note: str, decided_by: str, fingerprint: str
) -> int:
    row = AlertDecision(
        alert_id=alert_id, decision=decision, note=note, decided_by=decided_by, fingerprint=fingerprint
    )
    session.add(row)
    session.execute(update(Alert).where(Alert.id == alert_id).values(status=status, updated_at=utcnow()))
    session.flush()
    return row.id


def decisions(session: Session, alert_id: int) -> list[DecisionRow]:
    rows = session.execute(
        select(
            AlertDecision.id,
            AlertDecision.alert_id,
            AlertDecision.decision,
            AlertDecision.note,
            AlertDecision.decided_by,
            AlertDecision.decided_at,
            AlertDecision.fingerprint,
        )
        .where(AlertDecision.alert_id == alert_id)
        .order_by(AlertDecision.id)
    )
    return [DecisionRow(did, aid, kind, note, by, aware(at), fp) for did, aid, kind, note, by, at, fp in rows]


# --------------------------------------------------------------- audit log


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    details: dict[str, Any]
    list_versions: dict[str, int] | None


def audit_rows(
    session: Session,
    *,
    since: datetime | None = None,
    actions: Sequence[str] | None = None,
    object_id: str | None = None,
) -> Iterator[AuditRow]:
    """Audit records in the order they were written (streamed: the log can be long)."""
    stmt = select(
        AuditRecord.id,
        AuditRecord.at,
        AuditRecord.actor,
        AuditRecord.action,
        AuditRecord.object_type,
        AuditRecord.object_id,
        AuditRecord.details,
        AuditRecord.list_versions,
    ).order_by(AuditRecord.id)
    if since is not None:
        stmt = stmt.where(AuditRecord.at >= since)
    if actions is not None:
        stmt = stmt.where(AuditRecord.action.in_(list(actions)))
    if object_id is not None:
        stmt = stmt.where(AuditRecord.object_id == object_id)
    for rid, at, actor, action, otype, oid, details, versions in session.execute(
        stmt.execution_options(yield_per=2000)
    ):
        yield AuditRow(rid, aware(at), actor, action, otype, oid, dict(details or {}), versions)


def add_audit_many(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append many audit records at once.

    Keys: actor, action, object_type, object_id, details, list_versions.
    """
    now = utcnow()
    for chunk in _chunks(rows, _BATCH):
        session.execute(insert(AuditRecord), [{"at": now} | dict(row) for row in chunk])
