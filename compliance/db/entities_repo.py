"""Storage of entities: what officers record, what lists supplied, and merges.

An entity's *group* is the entity and every entity merged into it, directly or
through another merged entity (``merged_into_id`` forms a forest; the root is
the entity in force). Views read the whole group, so merging B into A shows
B's names, identifiers and designations under A while every fact stays
attached to B: undoing the merge is setting ``merged_into_id`` back to None.

Returns plain dataclasses; ORM objects stay in this package.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from compliance.db.lists_repo import add_audit, list_versions
from compliance.db.models import (
    AuditRecord,
    Designation,
    EnforcementAction,
    Entity,
    EntityAddress,
    EntityCountry,
    EntityDate,
    EntityIdentifier,
    EntityName,
    ListSource,
    Mention,
    NewsArticle,
    Relationship,
    utcnow,
)
from compliance.normalize.names import script_of
from compliance.normalize.text import basic_key, identifier_key

# Identifier type under which an import file's own reference is kept (see
# compliance.entities.importer): it makes re-imports update, and is never
# used to link entities across lists.
OWN_REF_TYPE = "own_ref"

# SQLite allows about 32k bound parameters; stay well below.
_IN_CHUNK = 900


def _chunks(items: Sequence[int], size: int = _IN_CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ------------------------------------------------------------------ records


@dataclass(frozen=True)
class EntityRow:
    id: int
    entity_type: str
    name: str
    origin: str
    merged_into_id: int | None
    notes: str | None
    created_at: datetime | None


@dataclass(frozen=True)
class NameRow:
    entity_id: int
    value: str
    kind: str
    script: str | None
    lang: str | None
    # "own" for names users recorded, else "<list> <ref>".
    source: str


@dataclass(frozen=True)
class IdentifierRow:
    entity_id: int
    id_type: str
    value: str
    normalized: str
    country: str | None
    source: str


@dataclass(frozen=True)
class CountryRow:
    entity_id: int
    country: str
    relation: str
    source: str


@dataclass(frozen=True)
class DateRow:
    entity_id: int
    kind: str
    value: str
    approximate: bool
    source: str


@dataclass(frozen=True)
class DesignationRow:
    id: int
    entity_id: int
    source: str
    ref: str
    name: str
    entity_type: str
    sublist: str | None
    programs: list[str]
    listed_on: date | None
    listed_until: date | None
    delisted_on: date | None
    active: bool

    @classmethod
    def of(cls, d: Designation, source: str, entity_id: int | None = None) -> DesignationRow:
        """The row for designation ``d`` of list ``source`` (shown under ``entity_id``, default its own)."""
        return cls(
            d.id,
            d.entity_id if entity_id is None else entity_id,
            source,
            d.ref,
            d.name,
            d.entity_type,
            d.sublist,
            list(d.programs or []),
            d.listed_on,
            d.listed_until,
            d.delisted_on,
            d.active,
        )


@dataclass(frozen=True)
class EnforcementRow:
    id: int
    entity_id: int
    authority: str
    action_type: str
    action_date: date | None
    respondent: str
    amount: Decimal | None
    currency: str | None
    program: str | None
    link_status: str
    source_url: str | None


@dataclass(frozen=True)
class RelationshipRow:
    id: int
    subject_id: int
    subject_name: str
    object_id: int
    object_name: str
    kind: str
    # None means unknown, never zero.
    share_pct: Decimal | None
    since: date | None
    until: date | None
    source: str | None
    note: str | None
    from_list: bool


@dataclass(frozen=True)
class MentionSummary:
    count: int
    latest_title: str | None = None
    latest_outlet: str | None = None
    latest_published_at: datetime | None = None
    latest_location: str | None = None


@dataclass(frozen=True)
class EntityFacts:
    """Everything recorded about a group of entities (an entity and those merged into it)."""

    entity: EntityRow
    members: list[EntityRow]
    names: list[NameRow]
    identifiers: list[IdentifierRow]
    countries: list[CountryRow]
    dates: list[DateRow]
    addresses: list[str]
    designations: list[DesignationRow]
    enforcement: list[EnforcementRow]
    owners: list[RelationshipRow]
    owned: list[RelationshipRow]
    other_relationships: list[RelationshipRow]
    mentions: MentionSummary


# ------------------------------------------------------------------- writes


def create_entity(
    session: Session, entity_type: str, name: str, *, origin: str = "own", notes: str | None = None
) -> int:
    entity = Entity(entity_type=entity_type, name=name[:1000], origin=origin, notes=notes)
    session.add(entity)
    session.flush()
    return entity.id


def update_entity(
    session: Session, entity_id: int, *, entity_type: str, name: str, notes: str | None = None
) -> None:
    values: dict[str, Any] = {"entity_type": entity_type, "name": name[:1000], "updated_at": utcnow()}
    if notes is not None:
        values["notes"] = notes
    session.execute(update(Entity).where(Entity.id == entity_id).values(**values))


def _script(value: str) -> str | None:
    scripts = {s for s in (script_of(ch) for ch in value) if s}
    if not scripts:
        return None
    # One script, or ISO 15924 "Zyyy" (common) for a name mixing several.
    return scripts.pop() if len(scripts) == 1 else "Zyyy"


def add_name(session: Session, entity_id: int, value: str, kind: str) -> bool:
    """Record a name (users' facts carry no designation). False when the entity already has it."""
    value = value.strip()
    exists = session.scalar(
        select(func.count())
        .select_from(EntityName)
        .where(EntityName.entity_id == entity_id, EntityName.value == value, EntityName.kind == kind)
    )
    if exists:
        return False
    session.add(
        EntityName(
            entity_id=entity_id,
            designation_id=None,
            value=value[:1000],
            normalized=basic_key(value)[:1000],
            kind=kind,
            script=_script(value),
        )
    )
    session.flush()
    return True


def add_identifier(
    session: Session,
    entity_id: int,
    id_type: str,
    value: str,
    country: str | None = None,
    note: str | None = None,
) -> bool:
    """Record an identifier. False when the entity already has it (same type and value)."""
    key = identifier_key(value)[:500]
    exists = session.scalar(
        select(func.count())
        .select_from(EntityIdentifier)
        .where(
            EntityIdentifier.entity_id == entity_id,
            EntityIdentifier.id_type == id_type,
            EntityIdentifier.normalized == key,
        )
    )
    if exists:
        return False
    session.add(
        EntityIdentifier(
            entity_id=entity_id,
            designation_id=None,
            id_type=id_type[:40],
            value=value.strip()[:500],
            normalized=key,
            country=country,
            note=note,
        )
    )
    session.flush()
    return True


def _add_own_fact(session: Session, model: Any, entity_id: int, **values: str) -> bool:
    """Record a fact of the user's (no designation) unless the same one is already recorded."""
    exists = session.scalar(
        select(func.count())
        .select_from(model)
        .where(
            model.entity_id == entity_id,
            model.designation_id.is_(None),
            *(getattr(model, column) == value for column, value in values.items()),
        )
    )
    if exists:
        return False
    session.add(model(entity_id=entity_id, designation_id=None, **values))
    session.flush()
    return True


def add_country(session: Session, entity_id: int, country: str, relation: str) -> bool:
    return _add_own_fact(session, EntityCountry, entity_id, country=country, relation=relation)


def add_date(session: Session, entity_id: int, kind: str, value: str) -> bool:
    return _add_own_fact(session, EntityDate, entity_id, kind=kind, value=value)


def upsert_relationship(
    session: Session,
    subject_id: int,
    object_id: int,
    kind: str,
    *,
    share_pct: Decimal | None,
    since: date | None = None,
    until: date | None = None,
    source: str | None = None,
    note: str | None = None,
) -> int:
    """Record (or update) a user's relationship: one per subject, object and kind."""
    existing = session.scalar(
        select(Relationship).where(
            Relationship.subject_id == subject_id,
            Relationship.object_id == object_id,
            Relationship.kind == kind,
            Relationship.designation_id.is_(None),
        )
    )
    if existing is None:
        existing = Relationship(subject_id=subject_id, object_id=object_id, kind=kind, designation_id=None)
        session.add(existing)
    existing.share_pct = share_pct
    existing.since = since
    existing.until = until
    existing.source = source
    existing.note = note
    session.flush()
    return existing.id


def set_merged_into(session: Session, entity_id: int, target_id: int | None) -> None:
    session.execute(
        update(Entity).where(Entity.id == entity_id).values(merged_into_id=target_id, updated_at=utcnow())
    )


def record_audit(session: Session, actor: str, action: str, entity_id: int, details: dict[str, Any]) -> None:
    add_audit(session, actor, action, "entity", str(entity_id), details, list_versions(session) or None)


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    object_id: str | None
    details: dict[str, Any]


def audit_lines(session: Session, actions: Iterable[str]) -> list[AuditLine]:
    rows = session.execute(
        select(
            AuditRecord.at, AuditRecord.actor, AuditRecord.action, AuditRecord.object_id, AuditRecord.details
        )
        .where(AuditRecord.action.in_(list(actions)))
        .order_by(AuditRecord.id)
    )
    return [
        AuditLine(at, actor, action, oid, dict(details or {})) for at, actor, action, oid, details in rows
    ]


# -------------------------------------------------------------------- reads


def _row(e: Entity) -> EntityRow:
    return EntityRow(e.id, e.entity_type, e.name, e.origin, e.merged_into_id, e.notes, e.created_at)


def get_entity(session: Session, entity_id: int) -> EntityRow | None:
    e = session.get(Entity, entity_id)
    return _row(e) if e is not None else None


def root_of(session: Session, entity_id: int) -> int:
    """The entity in force for ``entity_id``: follows merges up to the top."""
    seen = {entity_id}
    current = entity_id
    while True:
        parent = session.scalar(select(Entity.merged_into_id).where(Entity.id == current))
        if parent is None or parent in seen:
            return current
        seen.add(parent)
        current = parent


def group_ids(session: Session, root_id: int) -> list[int]:
    """``root_id`` and every entity merged into it, directly or not (root first)."""
    found = [root_id]
    frontier = [root_id]
    while frontier:
        children = [
            cid
            for chunk in _chunks(frontier)
            for cid in session.scalars(select(Entity.id).where(Entity.merged_into_id.in_(chunk)))
        ]
        children = [c for c in children if c not in found]
        found.extend(children)
        frontier = children
    return found


def _roots_of(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """Root of each entity in ``ids`` (one query per level of merging)."""
    parents: dict[int, int | None] = {}
    pending = set(ids)
    while pending:
        batch = sorted(pending - parents.keys())
        pending = set()
        for chunk in _chunks(batch):
            for eid, parent in session.execute(
                select(Entity.id, Entity.merged_into_id).where(Entity.id.in_(chunk))
            ):
                parents[eid] = parent
                if parent is not None and parent not in parents:
                    pending.add(parent)
    roots: dict[int, int] = {}
    for eid in list(parents):
        current, seen = eid, {eid}
        while (nxt := parents.get(current)) is not None and nxt not in seen:
            seen.add(nxt)
            current = nxt
        roots[eid] = current
    return roots


def all_roots(session: Session) -> dict[int, int]:
    """Every entity id -> the id of the entity in force for it."""
    parents = dict(session.execute(select(Entity.id, Entity.merged_into_id)).tuples().all())
    roots: dict[int, int] = {}
    for eid in parents:
        current, seen = eid, {eid}
        while (nxt := parents.get(current)) is not None and nxt not in seen:
            seen.add(nxt)
            current = nxt
        roots[eid] = current
    return roots


def _sources(session: Session, designation_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted({d for d in designation_ids if d is not None})
    labels: dict[int, str] = {}
    for chunk in _chunks(ids):
        for did, key, ref in session.execute(
            select(Designation.id, ListSource.key, Designation.ref)
            .join(ListSource, ListSource.id == Designation.source_id)
            .where(Designation.id.in_(chunk))
        ):
            labels[did] = f"{key} {ref}"
    return labels


def _label(labels: dict[int, str], designation_id: int | None) -> str:
    return "own" if designation_id is None else labels.get(designation_id, f"designation {designation_id}")


def entity_facts(session: Session, root_id: int) -> EntityFacts:
    """The facts of ``root_id``'s group. The caller passes an entity in force (a root)."""
    ids = group_ids(session, root_id)
    entities = {e.id: _row(e) for e in session.scalars(select(Entity).where(Entity.id.in_(ids)))}
    names = list(
        session.scalars(select(EntityName).where(EntityName.entity_id.in_(ids)).order_by(EntityName.id))
    )
    idents = list(
        session.scalars(
            select(EntityIdentifier).where(EntityIdentifier.entity_id.in_(ids)).order_by(EntityIdentifier.id)
        )
    )
    countries = list(
        session.scalars(
            select(EntityCountry).where(EntityCountry.entity_id.in_(ids)).order_by(EntityCountry.id)
        )
    )
    dates = list(
        session.scalars(select(EntityDate).where(EntityDate.entity_id.in_(ids)).order_by(EntityDate.id))
    )
    address_rows = list(
        session.execute(
            select(
                EntityAddress.entity_id,
                EntityAddress.full,
                EntityAddress.country,
                EntityAddress.designation_id,
            )
            .where(EntityAddress.entity_id.in_(ids))
            .order_by(EntityAddress.id)
        )
        .tuples()
        .all()
    )
    addresses = [full for _e, full, _c, _d in address_rows]
    labels = _sources(
        session,
        [
            d
            for d in (
                [n.designation_id for n in names]
                + [i.designation_id for i in idents]
                + [c.designation_id for c in countries]
                + [d.designation_id for d in dates]
                + [d for _e, _f, _c, d in address_rows]
            )
            if d is not None
        ],
    )
    designations = [
        DesignationRow.of(d, key)
        for d, key in session.execute(
            select(Designation, ListSource.key)
            .join(ListSource, ListSource.id == Designation.source_id)
            .where(Designation.entity_id.in_(ids))
            .order_by(ListSource.key, Designation.active.desc(), Designation.listed_on, Designation.id)
        )
        .tuples()
        .all()
    ]
    enforcement = [
        EnforcementRow(
            a.id,
            a.entity_id or root_id,
            a.authority,
            a.action_type,
            a.action_date,
            a.respondent,
            a.amount,
            a.currency,
            a.program,
            a.link_status,
            a.source_url,
        )
        for a in session.scalars(
            select(EnforcementAction)
            .where(EnforcementAction.entity_id.in_(ids), EnforcementAction.link_status != "rejected")
            .order_by(EnforcementAction.action_date.desc(), EnforcementAction.id)
        )
    ]
    owners, owned, other = _relationships(session, set(ids))
    return EntityFacts(
        entity=entities[root_id],
        members=[entities[i] for i in ids[1:] if i in entities],
        names=[
            NameRow(
                n.entity_id,
                n.value,
                n.kind,
                n.script or _script(n.value),
                n.lang,
                _label(labels, n.designation_id),
            )
            for n in names
        ],
        identifiers=[
            IdentifierRow(
                i.entity_id, i.id_type, i.value, i.normalized, i.country, _label(labels, i.designation_id)
            )
            for i in idents
        ],
        countries=[
            CountryRow(c.entity_id, c.country, c.relation, _label(labels, c.designation_id))
            for c in countries
        ]
        + [
            CountryRow(eid, str(code), "address", _label(labels, did))
            for eid, _full, code, did in address_rows
            if code
        ],
        dates=[
            DateRow(d.entity_id, d.kind, d.value, d.approximate, _label(labels, d.designation_id))
            for d in dates
        ],
        addresses=list(dict.fromkeys(a for a in addresses if a)),
        designations=designations,
        enforcement=enforcement,
        owners=owners,
        owned=owned,
        other_relationships=other,
        mentions=_mentions(session, ids),
    )


# Relationship kinds read as ownership (the subject owns or controls the object).
OWNERSHIP_KINDS = ("ownership", "control", "subsidiary")


def _relationships(
    session: Session, ids: set[int]
) -> tuple[list[RelationshipRow], list[RelationshipRow], list[RelationshipRow]]:
    rels = list(
        session.scalars(
            select(Relationship)
            .where(Relationship.subject_id.in_(ids) | Relationship.object_id.in_(ids))
            .order_by(Relationship.id)
        )
    )
    others = {r.subject_id for r in rels} | {r.object_id for r in rels}
    roots = _roots_of(session, others)
    names = dict(
        session.execute(select(Entity.id, Entity.name).where(Entity.id.in_(set(roots.values()))))
        .tuples()
        .all()
    )
    owners: list[RelationshipRow] = []
    owned: list[RelationshipRow] = []
    other: list[RelationshipRow] = []
    for r in rels:
        subject, obj = roots.get(r.subject_id, r.subject_id), roots.get(r.object_id, r.object_id)
        if subject == obj:
            continue  # inside the group (e.g. between two merged entries)
        row = RelationshipRow(
            r.id,
            subject,
            names.get(subject, ""),
            obj,
            names.get(obj, ""),
            r.kind,
            r.share_pct,
            r.since,
            r.until,
            r.source,
            r.note,
            r.designation_id is not None,
        )
        if r.kind in OWNERSHIP_KINDS:
            (owners if r.object_id in ids else owned).append(row)
        else:
            other.append(row)
    return owners, owned, other


def _mentions(session: Session, ids: list[int]) -> MentionSummary:
    wanted = (Mention.entity_id.in_(ids), Mention.status.notin_(("rejected", "candidate")))
    count = session.scalar(select(func.count()).select_from(Mention).where(*wanted)) or 0
    if not count:
        return MentionSummary(0)
    latest = session.execute(
        select(NewsArticle.title, NewsArticle.outlet, NewsArticle.published_at, NewsArticle.location)
        .join(Mention, Mention.article_id == NewsArticle.id)
        .where(*wanted)
        .order_by(NewsArticle.published_at.desc(), NewsArticle.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        return MentionSummary(int(count))
    return MentionSummary(int(count), latest[0], latest[1], latest[2], latest[3])


# ------------------------------------------------------------------ lookups


def ids_by_normalized_name(session: Session, key: str, *, primary_only: bool = False) -> list[int]:
    """Entities (in force) that carry a name whose normalised form is exactly ``key``."""
    stmt = select(EntityName.entity_id).where(EntityName.normalized == key)
    if primary_only:
        stmt = stmt.where(EntityName.kind == "primary")
    found = set(session.scalars(stmt))
    found |= set(session.scalars(select(Entity.id).where(func.lower(Entity.name) == key)))
    return sorted(set(_roots_of(session, found).values()))


def ids_by_identifier(session: Session, id_type: str | None, key: str) -> list[int]:
    stmt = select(EntityIdentifier.entity_id).where(EntityIdentifier.normalized == key)
    if id_type is not None:
        stmt = stmt.where(EntityIdentifier.id_type == id_type)
    return sorted(set(_roots_of(session, set(session.scalars(stmt))).values()))


@dataclass(frozen=True)
class Candidate:
    """A short description of an entity in force, to tell candidates apart."""

    id: int
    name: str
    entity_type: str
    origin: str
    lists: list[str]


def describe(session: Session, ids: Sequence[int]) -> list[Candidate]:
    if not ids:
        return []
    groups = {root: group_ids(session, root) for root in ids}
    members = {m: root for root, group in groups.items() for m in group}
    lists: dict[int, list[str]] = defaultdict(list)
    for eid, key, ref in session.execute(
        select(Designation.entity_id, ListSource.key, Designation.ref)
        .join(ListSource, ListSource.id == Designation.source_id)
        .where(Designation.entity_id.in_(list(members)))
        .order_by(ListSource.key, Designation.ref)
    ):
        lists[members[eid]].append(f"{key} {ref}")
    rows = {e.id: e for e in session.scalars(select(Entity).where(Entity.id.in_(list(ids))))}
    return [
        Candidate(i, rows[i].name, rows[i].entity_type, rows[i].origin, lists.get(i, []))
        for i in ids
        if i in rows
    ]


def substring_search(
    session: Session, key: str, entity_type: str | None, limit: int
) -> list[tuple[int, str]]:
    """(entity in force, matched name) whose normalised name contains ``key``."""
    like = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    stmt = (
        select(EntityName.entity_id, EntityName.value)
        .where(EntityName.normalized.like(like, escape="\\"))
        .order_by(func.length(EntityName.normalized), EntityName.id)
        .limit(limit * 20)
    )
    rows = list(session.execute(stmt).tuples())
    roots = _roots_of(session, {eid for eid, _ in rows})
    types = dict(
        session.execute(select(Entity.id, Entity.entity_type).where(Entity.id.in_(set(roots.values()))))
        .tuples()
        .all()
    )
    found: dict[int, str] = {}
    for eid, value in rows:
        root = roots.get(eid, eid)
        if entity_type and types.get(root) not in (entity_type, "unknown"):
            continue
        found.setdefault(root, value)
        if len(found) >= limit:
            break
    return list(found.items())


# ------------------------------------------------------- bulk reads (search, resolution)


@dataclass
class GroupProfile:
    """What resolution and search need about one entity in force and its merged entities."""

    root_id: int
    name: str
    entity_type: str
    origin: str
    types: set[str] = field(default_factory=set)
    names: list[tuple[str, str]] = field(default_factory=list)  # (value, kind)
    countries: set[str] = field(default_factory=set)
    # (id_type, normalized, country)
    identifiers: set[tuple[str, str, str | None]] = field(default_factory=set)
    birth_dates: list[str] = field(default_factory=list)
    # (source key, sublist) of each designation
    lists: set[tuple[str, str | None]] = field(default_factory=set)
    refs: list[str] = field(default_factory=list)  # "<source> <ref>"
    active: bool = False  # at least one designation in force


def group_profiles(session: Session, *, listed_only: bool = False) -> dict[int, GroupProfile]:
    """One profile per entity in force, with the facts of the entities merged into it."""
    roots = all_roots(session)
    profiles: dict[int, GroupProfile] = {}
    for eid, etype, name, origin in session.execute(
        select(Entity.id, Entity.entity_type, Entity.name, Entity.origin)
    ).tuples():
        root = roots[eid]
        if eid == root:
            prof = profiles.setdefault(root, GroupProfile(root, name, etype, origin))
            prof.name, prof.entity_type, prof.origin = name, etype, origin
        else:
            prof = profiles.setdefault(root, GroupProfile(root, "", "unknown", "own"))
        prof.types.add(etype)
    for eid, key, ref, sublist, etype, active in session.execute(
        select(
            Designation.entity_id,
            ListSource.key,
            Designation.ref,
            Designation.sublist,
            Designation.entity_type,
            Designation.active,
        ).join(ListSource, ListSource.id == Designation.source_id)
    ).tuples():
        prof = profiles[roots[eid]]
        prof.lists.add((key, sublist))
        prof.refs.append(f"{key} {ref}")
        prof.types.add(etype)
        prof.active = prof.active or bool(active)
    for eid, value, kind in session.execute(
        select(EntityName.entity_id, EntityName.value, EntityName.kind).order_by(EntityName.id)
    ).tuples():
        prof = profiles[roots[eid]]
        prof.names.append((value, kind))
    for eid, code in session.execute(select(EntityCountry.entity_id, EntityCountry.country)).tuples():
        profiles[roots[eid]].countries.add(code)
    for eid, address_country in session.execute(
        select(EntityAddress.entity_id, EntityAddress.country).where(EntityAddress.country.is_not(None))
    ).tuples():
        profiles[roots[eid]].countries.add(str(address_country))
    for eid, id_type, key, country in session.execute(
        select(
            EntityIdentifier.entity_id,
            EntityIdentifier.id_type,
            EntityIdentifier.normalized,
            EntityIdentifier.country,
        )
    ).tuples():
        profiles[roots[eid]].identifiers.add((id_type, key, country))
    for eid, value in session.execute(
        select(EntityDate.entity_id, EntityDate.value).where(EntityDate.kind == "birth")
    ).tuples():
        profiles[roots[eid]].birth_dates.append(value)
    for prof in profiles.values():
        # Countries as ISO codes only (lists write a few as free text).
        prof.countries = {c for c in prof.countries if len(c) == 2 and c.isupper()}
        if not prof.names and prof.name:
            prof.names.append((prof.name, "primary"))
    if listed_only:
        return {k: v for k, v in profiles.items() if v.lists}
    return profiles


def fingerprint(session: Session) -> str:
    """Changes whenever an entity, name or merge changes (to key a cached search index)."""
    parts = [
        session.scalar(select(func.count()).select_from(Entity)),
        session.scalar(select(func.max(Entity.updated_at))),
        session.scalar(select(func.max(EntityName.id))),
        session.scalar(select(func.count()).select_from(EntityName)),
        session.scalar(select(func.max(EntityIdentifier.id))),
        session.scalar(select(func.max(EntityCountry.id))),
        session.scalar(select(func.max(AuditRecord.id))),
    ]
    return "|".join(str(p) for p in parts)
