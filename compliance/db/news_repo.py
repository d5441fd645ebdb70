"""Storage of news articles, their mentions and reviewers' decisions, and the
names mentions are linked against.

Writes inside the caller's transaction; reads back plain dataclasses, never
ORM objects. Merged records are followed: a name of a list entry merged into
one of your entities links to that entity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from compliance.db.entities_repo import all_roots
from compliance.db.models import (
    AuditRecord,
    Designation,
    Entity,
    EntityCountry,
    EntityName,
    ListSource,
    Mention,
    MentionDecision,
    NewsArticle,
    Relationship,
    utcnow,
)
from compliance.normalize.text import basic_key

# Mentions an officer sees by default (not rejected, not mere candidates).
SHOWN = ("linked", "review", "confirmed")


@dataclass(frozen=True)
class NameRow:
    """One name of one record, linked to the entity in force for it."""

    entity_id: int  # the entity in force (merges followed)
    name: str
    entity_type: str
    source: str | None  # the list it came from; None for names you recorded
    ref: str | None
    countries: frozenset[str]
    weak: bool
    primary: bool


def known_names(session: Session) -> list[NameRow]:
    """Every name of every entity, merged records included under the entity in force."""
    roots = all_roots(session)
    countries: dict[int, set[str]] = defaultdict(set)
    for eid, country in session.execute(select(EntityCountry.entity_id, EntityCountry.country)):
        if country and len(country) == 2 and country.isupper():
            countries[roots.get(eid, eid)].add(country)
    types = dict(session.execute(select(Entity.id, Entity.entity_type)).tuples().all())
    rows: list[NameRow] = []
    seen: set[tuple[int, str]] = set()
    query = (
        select(
            EntityName.entity_id,
            EntityName.value,
            EntityName.kind,
            EntityName.quality,
            Designation.ref,
            Designation.entity_type,
            ListSource.key,
        )
        .outerjoin(Designation, Designation.id == EntityName.designation_id)
        .outerjoin(ListSource, ListSource.id == Designation.source_id)
        .order_by(EntityName.entity_id, EntityName.id)
    )
    for eid, value, kind, quality, ref, dtype, key in session.execute(query):
        root = roots.get(eid, eid)
        seen.add((eid, value))
        rows.append(
            NameRow(
                entity_id=root,
                name=value,
                entity_type=dtype or types.get(eid) or "unknown",
                source=key,
                ref=ref,
                countries=frozenset(countries.get(root, ())),
                weak=quality == "weak",
                primary=(kind or "primary") == "primary",
            )
        )
    for eid, name in session.execute(select(Entity.id, Entity.name)):
        if name and (eid, name) not in seen:
            root = roots.get(eid, eid)
            rows.append(
                NameRow(
                    root,
                    name,
                    types.get(eid) or "unknown",
                    None,
                    None,
                    frozenset(countries.get(root, ())),
                    False,
                    True,
                )
            )
    return rows


@dataclass(frozen=True)
class MentionRow:
    id: int
    article_id: int
    article: str  # location: path or URL
    title: str | None
    published_at: datetime | None
    surface: str
    start: int
    end: int
    entity_id: int | None
    entity_name: str | None
    list_source: str | None
    list_ref: str | None
    score: float
    method: str
    status: str
    categories: list[str]
    amounts: list[dict[str, Any]]
    sentence: str | None


@dataclass(frozen=True)
class ArticleRow:
    id: int
    location: str
    title: str | None
    outlet: str | None
    published_at: datetime | None
    language: str | None
    text: str
    ingested_at: datetime


@dataclass(frozen=True)
class CandidateRow:
    surface: str
    count: int
    articles: int
    latest: str  # location of the latest article naming it


def names_state(session: Session) -> str:
    """Changes whenever a name, an entity's type or countries, a merge or a tie changes.

    Keys the news gazetteer cache. Unlike ``entities_repo.fingerprint`` it
    leaves the audit log out, so that reviewing a mention does not force the
    names to be read again.
    """
    parts = [
        session.scalar(select(func.count()).select_from(Entity)),
        session.scalar(select(func.count()).select_from(Entity).where(Entity.merged_into_id.is_not(None))),
        session.scalar(select(func.sum(Entity.merged_into_id))),
        session.scalar(select(func.max(Entity.updated_at))),
        session.scalar(select(func.max(EntityName.id))),
        session.scalar(select(func.count()).select_from(EntityName)),
        session.scalar(select(func.max(EntityCountry.id))),
        session.scalar(select(func.count()).select_from(EntityCountry)),
        session.scalar(select(func.max(Designation.last_changed_snapshot_id))),
        session.scalar(select(func.count()).select_from(Relationship)),
        session.scalar(select(func.max(Relationship.id))),
    ]
    return "|".join(str(p) for p in parts)


def article_id_by_hash(session: Session, content_hash: str) -> int | None:
    return session.scalar(select(NewsArticle.id).where(NewsArticle.content_hash == content_hash))


def add_article(session: Session, values: dict[str, Any], mentions: list[dict[str, Any]]) -> int:
    """Store one article and its mentions (in the caller's transaction)."""
    article = NewsArticle(**values)
    session.add(article)
    session.flush()
    if mentions:
        now = utcnow()
        session.execute(
            insert(Mention), [{**m, "article_id": article.id, "created_at": now} for m in mentions]
        )
    return article.id


def decisions(session: Session) -> dict[tuple[str, int], str]:
    """(surface key, entity id) -> "confirm" | "reject"."""
    rows = session.execute(
        select(MentionDecision.surface_key, MentionDecision.entity_id, MentionDecision.decision)
    )
    return {(key, eid): decision for key, eid, decision in rows}


def _designations(session: Session, entity_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Entity id -> (list source key, reference) of the first designation of it or of
    a record merged into it, designations in force first."""
    found: dict[int, tuple[str, str]] = {}
    if not entity_ids:
        return found
    roots = all_roots(session)
    wanted = {roots.get(eid, eid) for eid in entity_ids}
    members = sorted(eid for eid, root in roots.items() if root in wanted)
    by_root: dict[int, tuple[str, str]] = {}
    for start in range(0, len(members), 500):
        rows = session.execute(
            select(Designation.entity_id, ListSource.key, Designation.ref)
            .join(ListSource, ListSource.id == Designation.source_id)
            .where(Designation.entity_id.in_(members[start : start + 500]))
            .order_by(Designation.active.desc(), Designation.id)
        )
        for eid, key, ref in rows:
            by_root.setdefault(roots[eid], (key, ref))
    for eid in entity_ids:
        if (listed := by_root.get(roots.get(eid, eid))) is not None:
            found[eid] = listed
    return found


def mentions(
    session: Session,
    *,
    entity_ids: list[int] | None = None,
    statuses: tuple[str, ...] = SHOWN,
    article_id: int | None = None,
) -> list[MentionRow]:
    stmt = (
        select(Mention, NewsArticle.location, NewsArticle.title, NewsArticle.published_at, Entity.name)
        .join(NewsArticle, NewsArticle.id == Mention.article_id)
        .outerjoin(Entity, Entity.id == Mention.entity_id)
        .where(Mention.status.in_(statuses))
        .order_by(NewsArticle.id, Mention.start, Mention.id)
    )
    if entity_ids is not None:
        stmt = stmt.where(Mention.entity_id.in_(entity_ids))
    if article_id is not None:
        stmt = stmt.where(Mention.article_id == article_id)
    rows = session.execute(stmt).all()
    listed = _designations(session, {m.entity_id for m, *_ in rows if m.entity_id is not None})
    out: list[MentionRow] = []
    for m, location, title, published, entity_name in rows:
        source, ref = listed.get(m.entity_id, (None, None)) if m.entity_id is not None else (None, None)
        out.append(
            MentionRow(
                id=m.id,
                article_id=m.article_id,
                article=location,
                title=title,
                published_at=published,
                surface=m.surface,
                start=m.start,
                end=m.end,
                entity_id=m.entity_id,
                entity_name=entity_name,
                list_source=source,
                list_ref=ref,
                score=m.score,
                method=m.method,
                status=m.status,
                categories=list(m.categories or []),
                amounts=list(m.amounts or []),
                sentence=m.sentence,
            )
        )
    return out


def mention(session: Session, mention_id: int) -> MentionRow | None:
    m = session.get(Mention, mention_id)
    if m is None:
        return None
    found = mentions(session, statuses=(m.status,), article_id=m.article_id)
    return next((row for row in found if row.id == mention_id), None)


def decide(
    session: Session, mention_id: int, surface_key: str, entity_id: int, decision: str, actor: str
) -> int:
    """Record a reviewer's decision and apply it to every open mention of the same text and entity.

    Returns how many mentions changed status (the one decided included).
    """
    status = "confirmed" if decision == "confirm" else "rejected"
    existing = session.scalar(
        select(MentionDecision).where(
            MentionDecision.surface_key == surface_key, MentionDecision.entity_id == entity_id
        )
    )
    if existing is None:
        session.add(
            MentionDecision(surface_key=surface_key, entity_id=entity_id, decision=decision, decided_by=actor)
        )
    else:
        existing.decision = decision
        existing.decided_by = actor
        existing.decided_at = utcnow()
    session.execute(update(Mention).where(Mention.id == mention_id).values(status=status))
    others = [
        m.id
        for m in session.scalars(
            select(Mention).where(
                Mention.entity_id == entity_id,
                Mention.status.in_(("review", "linked")),
                Mention.id != mention_id,
            )
        )
        if _key_matches(m.surface, surface_key)
    ]
    if others:
        session.execute(update(Mention).where(Mention.id.in_(others)).values(status=status))
    session.add(
        AuditRecord(
            actor=actor,
            action=f"news.mention.{decision}",
            object_type="mention",
            object_id=str(mention_id),
            details={"surface_key": surface_key, "entity_id": entity_id, "also_applied_to": others},
        )
    )
    return 1 + len(others)


def _key_matches(surface: str, key: str) -> bool:
    return basic_key(surface) == key


def article(session: Session, key: str) -> ArticleRow | None:
    """An article by its number or by the path or address it came from."""
    found = None
    if key.isdigit():
        found = session.get(NewsArticle, int(key))
    if found is None:
        found = session.scalars(
            select(NewsArticle).where(NewsArticle.location == key).order_by(NewsArticle.id.desc()).limit(1)
        ).first()
    if found is None:
        return None
    return ArticleRow(
        found.id,
        found.location,
        found.title,
        found.outlet,
        found.published_at,
        found.language,
        found.text,
        found.ingested_at,
    )


def candidates(session: Session) -> list[CandidateRow]:
    """Organisation-like names found in articles that no entity carries, most frequent first."""
    rows = session.execute(
        select(Mention.surface, Mention.article_id, NewsArticle.location)
        .join(NewsArticle, NewsArticle.id == Mention.article_id)
        .where(Mention.status == "candidate")
        .order_by(NewsArticle.id)
    ).all()
    grouped: dict[str, tuple[int, set[int], str]] = {}
    for surface, article_id, location in rows:
        count, articles, _ = grouped.get(surface, (0, set(), location))
        articles.add(article_id)
        grouped[surface] = (count + 1, articles, location)
    out = [CandidateRow(s, c, len(a), loc) for s, (c, a, loc) in grouped.items()]
    out.sort(key=lambda r: (-r.articles, -r.count, r.surface.lower()))
    return out


def counts(session: Session) -> tuple[int, int]:
    """(articles, mentions) stored."""
    articles = session.scalar(select(func.count()).select_from(NewsArticle)) or 0
    stored = session.scalar(select(func.count()).select_from(Mention)) or 0
    return int(articles), int(stored)
