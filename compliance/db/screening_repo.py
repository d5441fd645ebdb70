"""What screening reads from the database and what it records there.

Reads the names and facts of every list entry in force, as plain rows; writes
screening runs and their hits. Returns plain data, never ORM objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from compliance.db.models import (
    Designation,
    EntityAddress,
    EntityCountry,
    EntityDate,
    EntityIdentifier,
    EntityName,
    ListSource,
    ScreeningHit,
    ScreeningRun,
)


@dataclass
class ListedName:
    """One name of one list entry in force, with the entry's facts."""

    entity_id: int
    designation_id: int
    source: str
    ref: str
    name: str
    name_kind: str
    weak: bool
    entity_type: str
    sublist: str | None
    programs: tuple[str, ...]
    listed_on: str | None
    countries: frozenset[str] = field(default_factory=frozenset)
    birth_dates: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


def _by_designation(session: Session, stmt: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for designation_id, value in session.execute(stmt):
        if designation_id is not None and value:
            grouped[designation_id].append(value)
    return grouped


def listed_names(session: Session, only: Select[tuple[int]] | None = None) -> Iterator[ListedName]:
    """Every name of every designation in force (active), in designation order.

    ``only``: a query of designation ids to restrict the names to (e.g. the
    entries a list version added or changed).
    """
    active = select(Designation.id).where(Designation.active.is_(True))
    if only is not None:
        active = active.where(Designation.id.in_(only))
    countries = _by_designation(
        session,
        select(EntityCountry.designation_id, EntityCountry.country).where(
            EntityCountry.designation_id.in_(active)
        ),
    )
    for did, value in session.execute(
        select(EntityAddress.designation_id, EntityAddress.country).where(
            EntityAddress.designation_id.in_(active)
        )
    ):
        if did is not None and value:
            countries[did].append(value)
    births = _by_designation(
        session,
        select(EntityDate.designation_id, EntityDate.value).where(
            EntityDate.designation_id.in_(active), EntityDate.kind == "birth"
        ),
    )
    identifiers = _by_designation(
        session,
        select(EntityIdentifier.designation_id, EntityIdentifier.normalized).where(
            EntityIdentifier.designation_id.in_(active)
        ),
    )
    names = (
        select(
            EntityName.designation_id,
            EntityName.value,
            EntityName.kind,
            EntityName.quality,
            Designation.entity_id,
            Designation.ref,
            Designation.entity_type,
            Designation.sublist,
            Designation.programs,
            Designation.listed_on,
            ListSource.key,
        )
        .join(Designation, Designation.id == EntityName.designation_id)
        .join(ListSource, ListSource.id == Designation.source_id)
        .where(Designation.active.is_(True))
        .order_by(EntityName.designation_id, EntityName.id)
    )
    if only is not None:
        names = names.where(Designation.id.in_(only))
    rows = session.execute(names)
    for did, value, kind, quality, eid, ref, etype, sublist, programs, listed_on, key in rows:
        yield ListedName(
            entity_id=eid,
            designation_id=did,
            source=key,
            ref=ref,
            name=value,
            name_kind=kind,
            weak=quality == "weak",
            entity_type=etype,
            sublist=sublist,
            programs=tuple(programs or ()),
            listed_on=listed_on.isoformat() if listed_on else None,
            countries=frozenset(c for c in countries.get(did, ()) if len(c) == 2 and c.isupper()),
            birth_dates=tuple(dict.fromkeys(births.get(did, ()))),
            identifiers=tuple(dict.fromkeys(identifiers.get(did, ()))),
        )


@dataclass(frozen=True)
class HitRow:
    query_ref: str | None
    entity_id: int
    designation_id: int | None
    matched_name: str
    score: float
    band: str
    explanation: dict[str, Any]


def save_run(
    session: Session,
    *,
    actor: str,
    kind: str,
    query: dict[str, Any],
    algorithm: str,
    threshold: float,
    list_versions: dict[str, int],
    hits: Sequence[HitRow],
) -> int:
    run = ScreeningRun(
        actor=actor,
        kind=kind,
        query=query,
        algorithm=algorithm,
        threshold=threshold,
        list_versions=list_versions,
        hit_count=len(hits),
    )
    session.add(run)
    session.flush()
    if hits:
        session.connection().execute(
            insert(ScreeningHit),
            [
                {
                    "run_id": run.id,
                    "query_ref": h.query_ref,
                    "entity_id": h.entity_id,
                    "designation_id": h.designation_id,
                    "matched_name": h.matched_name[:1000],
                    "score": h.score,
                    "band": h.band,
                    "explanation": h.explanation,
                }
                for h in hits
            ],
        )
    return run.id


@dataclass(frozen=True)
class SavedRun:
    id: int
    created_at: Any
    actor: str
    kind: str
    query: dict[str, Any]
    algorithm: str
    threshold: float
    list_versions: dict[str, int]
    hits: list[HitRow]


def get_run(session: Session, run_id: int) -> SavedRun | None:
    run = session.get(ScreeningRun, run_id)
    if run is None:
        return None
    hits = [
        HitRow(h.query_ref, h.entity_id, h.designation_id, h.matched_name, h.score, h.band, h.explanation)
        for h in session.scalars(
            select(ScreeningHit).where(ScreeningHit.run_id == run_id).order_by(ScreeningHit.id)
        )
    ]
    return SavedRun(
        run.id,
        run.created_at,
        run.actor,
        run.kind,
        dict(run.query or {}),
        run.algorithm,
        run.threshold,
        dict(run.list_versions or {}),
        hits,
    )


def designation_ids_for_ref(session: Session, ref: str, sources: frozenset[str] | None = None) -> list[int]:
    """Designations in force with the source's own reference ``ref`` (on any list, or on ``sources``)."""
    stmt = (
        select(Designation.id)
        .join(ListSource, ListSource.id == Designation.source_id)
        .where(Designation.ref == ref, Designation.active.is_(True))
    )
    if sources:
        stmt = stmt.where(ListSource.key.in_(sorted(sources)))
    return list(session.scalars(stmt.order_by(Designation.id)))
