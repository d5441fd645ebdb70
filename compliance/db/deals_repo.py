"""Storage of proposed deals and their parties, and the bulk reads a deal assessment needs.

A deal's parties are entities in force (roots of their merge groups). The
assessment reads, for a whole ownership neighbourhood at once, the
designations, enforcement actions, news mentions and countries of every
entity and of the entities merged into it; each row comes back keyed by the
entity in force. Returns plain dataclasses; ORM objects stay in this package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from compliance.db.entities_repo import DesignationRow, root_of
from compliance.db.models import (
    Deal,
    DealParty,
    Designation,
    EnforcementAction,
    Entity,
    EntityAddress,
    EntityCountry,
    ListSource,
    Mention,
    NewsArticle,
)

# SQLite allows about 32k bound parameters; stay well below.
_IN_CHUNK = 900


def _chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


@dataclass(frozen=True)
class PartyRow:
    entity_id: int
    name: str
    entity_type: str
    role: str


@dataclass(frozen=True)
class DealRow:
    id: int
    name: str
    deal_type: str
    value: Decimal | None
    currency: str | None
    description: str | None
    created_at: datetime
    created_by: str
    parties: list[PartyRow]


@dataclass(frozen=True)
class ActionFact:
    id: int
    entity_id: int  # the entity in force the action is linked to
    authority: str
    action_type: str
    action_date: date | None
    respondent: str
    link_status: str
    amount: Decimal | None
    currency: str | None
    amount_suspended: Decimal | None
    program: str | None
    summary: str | None
    source_url: str | None
    dataset: str


@dataclass(frozen=True)
class MentionFact:
    id: int
    entity_id: int
    status: str
    surface: str
    sentence: str | None
    categories: list[str]
    article_id: int
    title: str | None
    outlet: str | None
    published_at: datetime | None
    location: str
    language: str | None
    ingested_at: datetime | None


@dataclass(frozen=True)
class PlaceFact:
    entity_id: int
    country: str | None
    address: str | None  # the full address when the place comes from one


# ------------------------------------------------------------------- deals


def name_taken(session: Session, name: str) -> bool:
    return session.scalar(select(Deal.id).where(Deal.name == name)) is not None


def create_deal(
    session: Session,
    *,
    name: str,
    deal_type: str,
    value: Decimal | None,
    currency: str | None,
    description: str | None,
    created_by: str,
    parties: Sequence[tuple[int, str]],
) -> int:
    deal = Deal(
        name=name,
        deal_type=deal_type,
        value=value,
        currency=currency,
        description=description,
        created_by=created_by,
    )
    deal.parties = [DealParty(entity_id=eid, role=role) for eid, role in parties]
    session.add(deal)
    session.flush()
    return deal.id


def _deal_rows(session: Session, deals: Sequence[Deal]) -> list[DealRow]:
    ids = [d.id for d in deals]
    parties: dict[int, list[tuple[int, str]]] = {}
    for chunk in _chunks(ids):
        for deal_id, entity_id, role in session.execute(
            select(DealParty.deal_id, DealParty.entity_id, DealParty.role)
            .where(DealParty.deal_id.in_(chunk))
            .order_by(DealParty.id)
        ):
            parties.setdefault(deal_id, []).append((entity_id, role))
    roots = {e: root_of(session, e) for rows in parties.values() for e, _ in rows}
    wanted = sorted(set(roots.values()))
    described = {
        eid: (name, etype)
        for chunk in _chunks(wanted)
        for eid, name, etype in session.execute(
            select(Entity.id, Entity.name, Entity.entity_type).where(Entity.id.in_(chunk))
        )
    }
    out = []
    for d in deals:
        rows = []
        for eid, role in parties.get(d.id, []):
            root = roots.get(eid, eid)
            name, etype = described.get(root, (f"#{root}", "unknown"))
            rows.append(PartyRow(root, name, etype, role))
        out.append(
            DealRow(
                d.id,
                d.name,
                d.deal_type,
                d.value,
                d.currency,
                d.description,
                d.created_at,
                d.created_by,
                rows,
            )
        )
    return out


def get_deal(session: Session, text: str) -> DealRow | None:
    """A deal by its id ("3", "#3") or its exact name."""
    stripped = text.strip()
    deal = session.scalar(select(Deal).where(Deal.name == stripped))
    if deal is None and stripped.lstrip("#").isdigit():
        deal = session.get(Deal, int(stripped.lstrip("#")))
    return _deal_rows(session, [deal])[0] if deal is not None else None


def list_deals(session: Session) -> list[DealRow]:
    return _deal_rows(session, list(session.scalars(select(Deal).order_by(Deal.id))))


def deal_names(session: Session) -> list[str]:
    return list(session.scalars(select(Deal.name).order_by(Deal.id)))


# ------------------------------------------------- facts for a neighbourhood


def members(session: Session, roots_wanted: Iterable[int]) -> dict[int, int]:
    """Every entity in the groups of ``roots_wanted`` -> the entity in force for it.

    Walks the merges down from the roots, one query per level of merging, so
    that its cost follows the neighbourhood's size, not the database's.
    """
    group = {eid: eid for eid in roots_wanted}
    frontier = sorted(group)
    while frontier:
        found: list[int] = []
        for chunk in _chunks(frontier):
            for eid, parent in session.execute(
                select(Entity.id, Entity.merged_into_id).where(Entity.merged_into_id.in_(chunk))
            ):
                if eid not in group and parent is not None:
                    group[eid] = group[parent]
                    found.append(eid)
        frontier = sorted(found)
    return group


def designations(session: Session, group: dict[int, int]) -> list[DesignationRow]:
    """Designations (current and past) of the entities in ``group`` (member -> root)."""
    out: list[DesignationRow] = []
    for chunk in _chunks(sorted(group)):
        for d, key in session.execute(
            select(Designation, ListSource.key)
            .join(ListSource, ListSource.id == Designation.source_id)
            .where(Designation.entity_id.in_(chunk))
            .order_by(ListSource.key, Designation.listed_on, Designation.id)
        ).tuples():
            out.append(DesignationRow.of(d, key, group[d.entity_id]))
    return out


def actions(session: Session, group: dict[int, int]) -> list[ActionFact]:
    """Enforcement actions linked (not rejected) to the entities in ``group``, oldest first."""
    out: list[ActionFact] = []
    for chunk in _chunks(sorted(group)):
        for a in session.scalars(
            select(EnforcementAction).where(
                EnforcementAction.entity_id.in_(chunk), EnforcementAction.link_status != "rejected"
            )
        ):
            assert a.entity_id is not None
            out.append(
                ActionFact(
                    a.id,
                    group[a.entity_id],
                    a.authority,
                    a.action_type,
                    a.action_date,
                    a.respondent,
                    a.link_status,
                    a.amount,
                    a.currency,
                    a.amount_suspended,
                    a.program,
                    a.summary,
                    a.source_url,
                    a.dataset,
                )
            )
    out.sort(key=lambda a: (a.action_date or date.min, a.id))
    return out


def mentions(session: Session, group: dict[int, int]) -> list[MentionFact]:
    """News mentions of the entities in ``group``, except rejected ones, newest first."""
    out: list[MentionFact] = []
    for chunk in _chunks(sorted(group)):
        for m, a in session.execute(
            select(Mention, NewsArticle)
            .join(NewsArticle, NewsArticle.id == Mention.article_id)
            .where(Mention.entity_id.in_(chunk), Mention.status.notin_(("rejected", "candidate")))
        ).tuples():
            assert m.entity_id is not None
            out.append(
                MentionFact(
                    m.id,
                    group[m.entity_id],
                    m.status,
                    m.surface,
                    m.sentence,
                    [str(c) for c in (m.categories or [])],
                    a.id,
                    a.title,
                    a.outlet,
                    a.published_at,
                    a.location,
                    a.language,
                    a.ingested_at,
                )
            )
    out.sort(key=lambda m: (_aware(m.published_at), m.id), reverse=True)
    return out


def _aware(value: datetime | None) -> datetime:
    """SQLite gives naive datetimes (all stored as UTC); None sorts first."""
    if value is None:
        return datetime.min.replace(tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def places(session: Session, group: dict[int, int]) -> list[PlaceFact]:
    """Countries and addresses recorded for the entities in ``group``."""
    out: list[PlaceFact] = []
    for chunk in _chunks(sorted(group)):
        for eid, country in session.execute(
            select(EntityCountry.entity_id, EntityCountry.country).where(EntityCountry.entity_id.in_(chunk))
        ):
            out.append(PlaceFact(group[eid], country, None))
        for eid, full, country in session.execute(
            select(EntityAddress.entity_id, EntityAddress.full, EntityAddress.country).where(
                EntityAddress.entity_id.in_(chunk)
            )
        ):
            out.append(PlaceFact(group[eid], country, full))
    return out


def entity_names(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """id -> (name, entity type) for entities in force."""
    wanted = sorted(set(ids))
    return {
        eid: (name, etype)
        for chunk in _chunks(wanted)
        for eid, name, etype in session.execute(
            select(Entity.id, Entity.name, Entity.entity_type).where(Entity.id.in_(chunk))
        )
    }
