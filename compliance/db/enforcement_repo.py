"""Storage of enforcement actions, and the entity names they are linked against.

Writes in bulk inside the caller's transaction; reads back plain dataclasses,
never ORM objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from compliance.db.models import (
    Designation,
    EnforcementAction,
    Entity,
    EntityCountry,
    EntityName,
    ListSource,
    utcnow,
)
from compliance.normalize.text import basic_key

_BATCH = 500

# The columns an import writes (compared to tell "unchanged" from "changed").
CONTENT_COLUMNS = (
    "authority",
    "action_type",
    "action_date",
    "respondent",
    "amount",
    "currency",
    "amount_suspended",
    "program",
    "summary",
    "source_url",
    "raw",
)
LINK_STATUSES = ("none", "auto", "review", "confirmed", "rejected")
# Statuses a person decided: automatic linking never changes them.
DECIDED = ("confirmed", "rejected")


@dataclass(frozen=True)
class ActionRow:
    id: int
    authority: str
    action_type: str
    action_date: date | None
    respondent: str
    entity_id: int | None
    entity_name: str | None
    link_status: str
    link_score: float | None
    amount: Decimal | None
    currency: str | None
    amount_suspended: Decimal | None
    program: str | None
    summary: str | None
    source_url: str | None
    dataset: str
    source_ref: str
    raw: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class UpsertResult:
    added: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class LinkCandidate:
    id: int
    respondent: str
    raw: dict[str, Any]
    link_status: str
    entity_id: int | None
    link_score: float | None


@dataclass(frozen=True)
class LinkUpdate:
    id: int
    entity_id: int | None
    link_status: str
    link_score: float | None


@dataclass
class EntityNameRow:
    """One name of one entity, with its designation's facts when it came from a list."""

    entity_id: int
    designation_id: int | None
    source: str | None
    ref: str | None
    name: str
    name_kind: str
    weak: bool
    entity_type: str
    sublist: str | None = None
    programs: tuple[str, ...] = ()
    listed_on: str | None = None
    countries: frozenset[str] = frozenset()


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (a is not None and b is not None and Decimal(a) == Decimal(b)) or (a is None and b is None)
    return bool(a == b)


def upsert(session: Session, dataset: str, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Insert new actions and update changed ones, keyed by (dataset, source_ref).

    ``rows`` hold the CONTENT_COLUMNS plus ``source_ref``. Links already made
    are kept; unchanged rows are not written at all.
    """
    cols = [getattr(EnforcementAction, c) for c in CONTENT_COLUMNS]
    existing = {
        ref: (aid, dict(zip(CONTENT_COLUMNS, values, strict=True)))
        for aid, ref, *values in session.execute(
            select(EnforcementAction.id, EnforcementAction.source_ref, *cols).where(
                EnforcementAction.dataset == dataset
            )
        )
    }
    result = UpsertResult()
    new_rows: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    now = utcnow()
    for row in rows:
        found = existing.get(row["source_ref"])
        if found is None:
            new_rows.append(
                {c: row[c] for c in CONTENT_COLUMNS}
                | {
                    "dataset": dataset,
                    "source_ref": row["source_ref"],
                    "link_status": "none",
                    "created_at": now,
                }
            )
            continue
        aid, old = found
        if all(_same(old[c], row[c]) for c in CONTENT_COLUMNS):
            result.unchanged.append(aid)
        else:
            changed.append({c: row[c] for c in CONTENT_COLUMNS} | {"b_id": aid})
            result.updated.append(aid)
    for chunk in _chunks(new_rows):
        ids = session.execute(
            insert(EnforcementAction).returning(EnforcementAction.id, sort_by_parameter_order=True),
            list(chunk),
        )
        result.added.extend(ids.scalars().all())
    if changed:
        stmt = (
            update(EnforcementAction)
            .where(EnforcementAction.id == bindparam("b_id"))
            .values({c: bindparam(c) for c in CONTENT_COLUMNS})
        )
        for chunk in _chunks(changed):
            session.connection().execute(stmt, list(chunk))
    return result


def link_candidates(session: Session, ids: Sequence[int] | None = None) -> list[LinkCandidate]:
    """Actions whose link automatic linking may set: not decided by a person."""
    stmt = select(
        EnforcementAction.id,
        EnforcementAction.respondent,
        EnforcementAction.raw,
        EnforcementAction.link_status,
        EnforcementAction.entity_id,
        EnforcementAction.link_score,
    ).where(EnforcementAction.link_status.not_in(DECIDED))
    out: list[LinkCandidate] = []
    if ids is None:
        return [LinkCandidate(*r) for r in session.execute(stmt.order_by(EnforcementAction.id))]
    for chunk in _chunks(list(ids), 900):
        out.extend(LinkCandidate(*r) for r in session.execute(stmt.where(EnforcementAction.id.in_(chunk))))
    return sorted(out, key=lambda c: c.id)


def set_links(session: Session, updates: Sequence[LinkUpdate]) -> None:
    if not updates:
        return
    stmt = (
        update(EnforcementAction)
        .where(EnforcementAction.id == bindparam("b_id"))
        .values(
            entity_id=bindparam("entity_id"),
            link_status=bindparam("link_status"),
            link_score=bindparam("link_score"),
        )
    )
    params = [
        {"b_id": u.id, "entity_id": u.entity_id, "link_status": u.link_status, "link_score": u.link_score}
        for u in updates
    ]
    for chunk in _chunks(params):
        session.connection().execute(stmt, list(chunk))


def link_counts(session: Session, ids: Sequence[int] | None = None) -> dict[str, int]:
    """{link_status: number of actions} (of ``ids``, or of every action)."""
    counts: dict[str, int] = defaultdict(int)
    stmt = select(EnforcementAction.link_status, func.count()).group_by(EnforcementAction.link_status)
    if ids is None:
        for status, n in session.execute(stmt):
            counts[status] += int(n)
        return dict(counts)
    for chunk in _chunks(list(ids), 900):
        for status, n in session.execute(stmt.where(EnforcementAction.id.in_(chunk))):
            counts[status] += int(n)
    return dict(counts)


# ------------------------------------------------------------------ entities


def entity_count(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Entity).where(Entity.merged_into_id.is_(None))) or 0
    )


def entity_name(session: Session, entity_id: int) -> str | None:
    """The entity's name, or None when there is no such entity (merged entities included)."""
    return session.scalar(select(Entity.name).where(Entity.id == entity_id))


def entity_names(session: Session) -> list[EntityNameRow]:
    """Every name of every entity not merged into another, for the linking index.

    Names loaded from a list carry their designation's facts (source, reference,
    programs, listing date); names recorded by hand have none. The entity's
    own name counts as a primary name when no name row repeats it.
    """
    countries: dict[int, set[str]] = defaultdict(set)
    for eid, country in session.execute(select(EntityCountry.entity_id, EntityCountry.country)):
        if country and len(country) == 2 and country.isupper():
            countries[eid].add(country)
    live = select(Entity.id).where(Entity.merged_into_id.is_(None))
    rows: list[EntityNameRow] = []
    seen: set[tuple[int, str]] = set()
    query = (
        select(
            EntityName.entity_id,
            EntityName.designation_id,
            EntityName.value,
            EntityName.kind,
            EntityName.quality,
            Entity.entity_type,
            Designation.ref,
            Designation.entity_type,
            Designation.sublist,
            Designation.programs,
            Designation.listed_on,
            ListSource.key,
        )
        .join(Entity, Entity.id == EntityName.entity_id)
        .outerjoin(Designation, Designation.id == EntityName.designation_id)
        .outerjoin(ListSource, ListSource.id == Designation.source_id)
        .where(EntityName.entity_id.in_(live))
        .order_by(EntityName.entity_id, EntityName.id)
    )
    for (
        eid,
        did,
        value,
        kind,
        quality,
        etype,
        ref,
        dtype,
        sublist,
        programs,
        listed_on,
        key,
    ) in session.execute(query):
        seen.add((eid, value))
        rows.append(
            EntityNameRow(
                entity_id=eid,
                designation_id=did,
                source=key,
                ref=ref,
                name=value,
                name_kind=kind or "aka",
                weak=quality == "weak",
                entity_type=dtype or etype or "unknown",
                sublist=sublist,
                programs=tuple(programs or ()),
                listed_on=listed_on.isoformat() if listed_on else None,
                countries=frozenset(countries.get(eid, ())),
            )
        )
    for eid, name, etype in session.execute(
        select(Entity.id, Entity.name, Entity.entity_type).where(Entity.merged_into_id.is_(None))
    ):
        if name and (eid, name) not in seen:
            rows.append(
                EntityNameRow(
                    entity_id=eid,
                    designation_id=None,
                    source=None,
                    ref=None,
                    name=name,
                    name_kind="primary",
                    weak=False,
                    entity_type=etype or "unknown",
                    countries=frozenset(countries.get(eid, ())),
                )
            )
    return rows


def entity_ids_named(session: Session, name: str) -> list[int]:
    """Entities with a name equal to ``name`` once normalised (basic_key)."""
    key = basic_key(name)
    return sorted(set(session.scalars(select(EntityName.entity_id).where(EntityName.normalized == key))))


# --------------------------------------------------------------------- reads


def _row(action: EnforcementAction, entity: str | None) -> ActionRow:
    created = action.created_at
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return ActionRow(
        id=action.id,
        authority=action.authority,
        action_type=action.action_type,
        action_date=action.action_date,
        respondent=action.respondent,
        entity_id=action.entity_id,
        entity_name=entity,
        link_status=action.link_status,
        link_score=action.link_score,
        amount=action.amount,
        currency=action.currency,
        amount_suspended=action.amount_suspended,
        program=action.program,
        summary=action.summary,
        source_url=action.source_url,
        dataset=action.dataset,
        source_ref=action.source_ref,
        raw=dict(action.raw or {}),
        created_at=created,
    )


def get(session: Session, action_id: int) -> ActionRow | None:
    found = session.execute(
        select(EnforcementAction, Entity.name)
        .outerjoin(Entity, Entity.id == EnforcementAction.entity_id)
        .where(EnforcementAction.id == action_id)
    ).first()
    return _row(found[0], found[1]) if found else None


def find(
    session: Session,
    *,
    entity_ids: Sequence[int] | None = None,
    respondent_like: str | None = None,
    authority_like: str | None = None,
    since: date | None = None,
    dataset: str | None = None,
    limit: int | None = None,
) -> list[ActionRow]:
    """Actions, newest first. ``entity_ids`` and ``respondent_like`` widen each other (OR)."""
    stmt = select(EnforcementAction, Entity.name).outerjoin(Entity, Entity.id == EnforcementAction.entity_id)
    who: list[ColumnElement[bool]] = []
    if entity_ids:
        who.append(EnforcementAction.entity_id.in_(list(entity_ids)))
    if respondent_like:
        who.append(
            func.lower(EnforcementAction.respondent).contains(respondent_like.lower(), autoescape=True)
        )
    if entity_ids is not None or respondent_like is not None:
        stmt = stmt.where(or_(*who)) if who else stmt.where(EnforcementAction.id.is_(None))
    if authority_like:
        stmt = stmt.where(
            func.lower(EnforcementAction.authority).contains(authority_like.lower(), autoescape=True)
        )
    if since:
        stmt = stmt.where(EnforcementAction.action_date >= since)
    if dataset:
        stmt = stmt.where(EnforcementAction.dataset == dataset)
    stmt = stmt.order_by(EnforcementAction.action_date.desc(), EnforcementAction.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return [_row(action, name) for action, name in session.execute(stmt)]


def count(session: Session, dataset: str | None = None) -> int:
    stmt = select(func.count()).select_from(EnforcementAction)
    if dataset:
        stmt = stmt.where(EnforcementAction.dataset == dataset)
    return int(session.scalar(stmt) or 0)
