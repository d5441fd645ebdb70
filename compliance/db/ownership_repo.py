"""Ownership and control ties, and who is blocked, as plain rows for the graph.

Merged entities are folded into the entity in force for them, so a tie
recorded against either side of a merge counts once for the merged group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from compliance.db.entities_repo import all_roots
from compliance.db.models import Designation, Entity, ListSource, Relationship


@dataclass(frozen=True)
class TieRow:
    id: int
    owner: int
    owned: int
    kind: str
    share: Decimal | None
    since: date | None
    until: date | None
    source: str | None


@dataclass(frozen=True)
class BlockingRow:
    entity_id: int
    source: str
    ref: str
    name: str
    sublist: str | None
    programs: tuple[str, ...]
    listed_on: date | None


def ties(session: Session) -> list[TieRow]:
    """Every ownership / control / subsidiary / directorship tie, between entities in force."""
    roots = all_roots(session)
    rows = session.execute(
        select(
            Relationship.id,
            Relationship.subject_id,
            Relationship.object_id,
            Relationship.kind,
            Relationship.share_pct,
            Relationship.since,
            Relationship.until,
            Relationship.source,
        ).where(Relationship.kind.in_(("ownership", "control", "subsidiary", "directorship")))
    )
    out = []
    for rid, subject, obj, kind, share, since, until, source in rows:
        owner, owned = roots.get(subject, subject), roots.get(obj, obj)
        if owner != owned:
            out.append(TieRow(rid, owner, owned, kind, share, since, until, source))
    return out


def blocking_designations(
    session: Session, whole_sources: Iterable[str], sublists: dict[str, tuple[str, ...]]
) -> list[BlockingRow]:
    """Designations in force that block property: on ``whole_sources``, or on the named sub-lists."""
    roots = all_roots(session)
    whole = set(whole_sources)
    rows = session.execute(
        select(
            Designation.entity_id,
            ListSource.key,
            Designation.ref,
            Designation.name,
            Designation.sublist,
            Designation.programs,
            Designation.listed_on,
        )
        .join(ListSource, ListSource.id == Designation.source_id)
        .where(Designation.active.is_(True), ListSource.key.in_(sorted(whole | set(sublists))))
    )
    out = []
    for eid, key, ref, name, sublist, programs, listed_on in rows:
        if key in whole or (sublist is not None and sublist in sublists.get(key, ())):
            out.append(
                BlockingRow(roots.get(eid, eid), key, ref, name, sublist, tuple(programs or ()), listed_on)
            )
    return out


def names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        for eid, name in session.execute(select(Entity.id, Entity.name).where(Entity.id.in_(chunk))):
            found[eid] = name
    return found
