"""SQLAlchemy 2.0 typed models for the whole domain.

Tables, by area:

- parties: ``entities`` and their ``entity_names``, ``entity_identifiers``,
  ``entity_addresses``, ``entity_countries``, ``entity_dates``; and
  ``relationships`` between entities (ownership with share, control,
  subsidiary, directorship...).
- lists: ``list_sources`` (state of each configured source), ``list_snapshots``
  (every version loaded), ``designations`` (one per source entry, linked to an
  entity, with its own dates), ``designation_changes`` (the diff of each
  version).
- ``enforcement_actions``.
- news: ``news_articles``, ``mentions``, ``mention_decisions``.
- deals: ``deals``, ``deal_parties``.
- screening and monitoring: ``screening_runs``, ``screening_hits``,
  ``watched_counterparties``, ``alerts``, ``alert_decisions``, ``audit_log``.

ORM objects stay inside ``compliance.db``; other packages receive plain data
from the repositories.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so that migrations (and SQLite batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON on SQLite, JSONB on PostgreSQL.
JsonType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


# Reusable column types.
intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
str20 = Annotated[str, mapped_column(String(20))]
str64 = Annotated[str, mapped_column(String(64))]
str200 = Annotated[str, mapped_column(String(200))]
str1000 = Annotated[str, mapped_column(String(1000))]
timestamp = Annotated[datetime, mapped_column(DateTime(timezone=True), default=utcnow)]
json_data = Annotated[Any, mapped_column(JsonType, nullable=True)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# ---------------------------------------------------------------- parties


class Entity(Base):
    """A company, person, organisation, vessel or aircraft.

    Entities come from list entries (``origin`` "list": one per designation
    until cross-list resolution links them) or are recorded by users ("own").
    A merged entity points at the entity it was merged into; merges can be
    undone because nothing is deleted.
    """

    __tablename__ = "entities"

    id: Mapped[intpk]
    entity_type: Mapped[str20]
    name: Mapped[str1000]
    origin: Mapped[str20] = mapped_column(default="own")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]

    names: Mapped[list[EntityName]] = relationship(back_populates="entity", cascade="all, delete-orphan")
    identifiers: Mapped[list[EntityIdentifier]] = relationship(
        back_populates="entity", cascade="all, delete-orphan"
    )
    addresses: Mapped[list[EntityAddress]] = relationship(
        back_populates="entity", cascade="all, delete-orphan"
    )
    countries: Mapped[list[EntityCountry]] = relationship(
        back_populates="entity", cascade="all, delete-orphan"
    )
    dates: Mapped[list[EntityDate]] = relationship(back_populates="entity", cascade="all, delete-orphan")
    designations: Mapped[list[Designation]] = relationship(back_populates="entity")


class _EntityPart:
    """Columns shared by every per-entity fact table."""

    id: Mapped[intpk]
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    # The designation that supplied this fact; None for facts users recorded.
    designation_id: Mapped[int | None] = mapped_column(
        ForeignKey("designations.id", ondelete="CASCADE"), index=True
    )


class EntityName(_EntityPart, Base):
    __tablename__ = "entity_names"

    value: Mapped[str1000]
    # The searchable form (see compliance.normalize), stored at load time.
    normalized: Mapped[str1000] = mapped_column(index=True)
    kind: Mapped[str20] = mapped_column(default="primary")
    script: Mapped[str | None] = mapped_column(String(8))
    lang: Mapped[str | None] = mapped_column(String(8))
    quality: Mapped[str | None] = mapped_column(String(10))

    entity: Mapped[Entity] = relationship(back_populates="names")


class EntityIdentifier(_EntityPart, Base):
    __tablename__ = "entity_identifiers"

    id_type: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(500))
    normalized: Mapped[str] = mapped_column(String(500), index=True)
    country: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)

    entity: Mapped[Entity] = relationship(back_populates="identifiers")


class EntityAddress(_EntityPart, Base):
    __tablename__ = "entity_addresses"

    full: Mapped[str] = mapped_column(Text)
    street: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(50))
    country: Mapped[str | None] = mapped_column(String(100), index=True)

    entity: Mapped[Entity] = relationship(back_populates="addresses")


class EntityCountry(_EntityPart, Base):
    __tablename__ = "entity_countries"

    country: Mapped[str] = mapped_column(String(100), index=True)
    relation: Mapped[str20]

    entity: Mapped[Entity] = relationship(back_populates="countries")


class EntityDate(_EntityPart, Base):
    """A date of birth or incorporation, as precise as known (ISO, truncated)."""

    __tablename__ = "entity_dates"

    kind: Mapped[str20]
    value: Mapped[str] = mapped_column(String(30))
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

    entity: Mapped[Entity] = relationship(back_populates="dates")


class Relationship(Base):
    """A tie between two entities: ``subject`` owns / controls / directs ``object``.

    ``share_pct`` is the equity share for ownership; None means unknown, never
    zero. ``kind`` is ownership | control | subsidiary | directorship |
    family | associate | linked.
    """

    __tablename__ = "relationships"

    id: Mapped[intpk]
    subject_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str20]
    share_pct: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    designation_id: Mapped[int | None] = mapped_column(
        ForeignKey("designations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[timestamp]


# ------------------------------------------------------------------ lists


class ListSource(Base):
    """The state of one configured list source (its configuration is YAML in lists/)."""

    __tablename__ = "list_sources"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    authority: Mapped[str | None] = mapped_column(String(300))
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[timestamp]

    snapshots: Mapped[list[ListSnapshot]] = relationship(
        back_populates="source", order_by="ListSnapshot.version"
    )


class ListSnapshot(Base):
    """One version of a list as loaded: where it came from, its checksum and diff counts."""

    __tablename__ = "list_snapshots"
    __table_args__ = (UniqueConstraint("source_id", "version"),)

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("list_sources.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(40))
    # "full" (the whole list), "partial" (an excerpt: nothing delisted) or "delta".
    mode: Mapped[str20]
    origin: Mapped[str] = mapped_column(Text)  # URL or local path
    files: Mapped[json_data]  # [{"name", "sha256", "size", "url", "etag", "last_modified"}]
    sha256: Mapped[str64] = mapped_column(index=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    loaded_at: Mapped[timestamp]
    published_on: Mapped[date | None] = mapped_column(Date)
    record_count: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[json_data]
    notes: Mapped[json_data]
    tool_version: Mapped[str20]
    loaded_by: Mapped[str200]

    source: Mapped[ListSource] = relationship(back_populates="snapshots")


class Designation(Base):
    """One entry of one list, linked to its entity, with its own dates.

    Entries removed from a list are never deleted: they are marked inactive
    with ``delisted_on`` and the snapshot that removed them.
    """

    __tablename__ = "designations"
    __table_args__ = (UniqueConstraint("source_id", "ref"),)

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("list_sources.id"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    ref: Mapped[str200]
    name: Mapped[str1000]
    entity_type: Mapped[str20]
    sublist: Mapped[str | None] = mapped_column(String(300))
    programs: Mapped[json_data]
    listed_on: Mapped[date | None] = mapped_column(Date)
    listed_until: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    delisted_on: Mapped[date | None] = mapped_column(Date)
    # The parsed record (and the original as read) of the version in force.
    record: Mapped[json_data]
    record_hash: Mapped[str64]
    first_snapshot_id: Mapped[int] = mapped_column(ForeignKey("list_snapshots.id"))
    last_changed_snapshot_id: Mapped[int] = mapped_column(ForeignKey("list_snapshots.id"))
    delisted_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("list_snapshots.id"))

    entity: Mapped[Entity] = relationship(back_populates="designations")


class DesignationChange(Base):
    """One line of a version's diff: an entry added, removed, changed or relisted."""

    __tablename__ = "designation_changes"

    id: Mapped[intpk]
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("list_snapshots.id"), index=True)
    designation_id: Mapped[int] = mapped_column(ForeignKey("designations.id"), index=True)
    change: Mapped[str20]
    fields: Mapped[json_data]  # names of the fields that changed
    previous: Mapped[json_data]  # the record before the change (None when added)


# ------------------------------------------------------------ enforcement


class EnforcementAction(Base):
    """A fine, settlement, plea, denial order or other action by an authority."""

    __tablename__ = "enforcement_actions"
    __table_args__ = (UniqueConstraint("dataset", "source_ref"),)

    id: Mapped[intpk]
    authority: Mapped[str200]
    action_type: Mapped[str] = mapped_column(String(60))
    action_date: Mapped[date | None] = mapped_column(Date, index=True)
    respondent: Mapped[str1000]
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    # none | auto | review | confirmed | rejected
    link_status: Mapped[str20] = mapped_column(default="none")
    link_score: Mapped[float | None] = mapped_column(Float)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_suspended: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    program: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    dataset: Mapped[str] = mapped_column(String(100))
    source_ref: Mapped[str200]
    raw: Mapped[json_data]
    created_at: Mapped[timestamp]


# ------------------------------------------------------------------- news


class NewsArticle(Base):
    __tablename__ = "news_articles"

    id: Mapped[intpk]
    location: Mapped[str] = mapped_column(Text)  # URL or path it came from
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str64] = mapped_column(unique=True)
    ingested_at: Mapped[timestamp]

    mentions: Mapped[list[Mention]] = relationship(back_populates="article", cascade="all, delete-orphan")


class Mention(Base):
    __tablename__ = "mentions"

    id: Mapped[intpk]
    article_id: Mapped[int] = mapped_column(ForeignKey("news_articles.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    surface: Mapped[str1000]
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str | None] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(40))
    # linked | review | confirmed | rejected | candidate (no entity yet)
    status: Mapped[str20]
    categories: Mapped[json_data]
    amounts: Mapped[json_data]
    created_at: Mapped[timestamp]

    article: Mapped[NewsArticle] = relationship(back_populates="mentions")


class MentionDecision(Base):
    """A reviewer's verdict on a surface text and entity, reused for later articles."""

    __tablename__ = "mention_decisions"
    __table_args__ = (UniqueConstraint("surface_key", "entity_id"),)

    id: Mapped[intpk]
    surface_key: Mapped[str1000]
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    decision: Mapped[str20]  # confirm | reject
    decided_by: Mapped[str200]
    decided_at: Mapped[timestamp]


# ------------------------------------------------------------------ deals


class Deal(Base):
    __tablename__ = "deals"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(300), unique=True)
    deal_type: Mapped[str20]
    value: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[timestamp]
    created_by: Mapped[str200]

    parties: Mapped[list[DealParty]] = relationship(back_populates="deal", cascade="all, delete-orphan")


class DealParty(Base):
    __tablename__ = "deal_parties"
    __table_args__ = (UniqueConstraint("deal_id", "entity_id", "role"),)

    id: Mapped[intpk]
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))  # acquirer | target | seller | any other role

    deal: Mapped[Deal] = relationship(back_populates="parties")


# -------------------------------------------------- screening, monitoring


class ScreeningRun(Base):
    """A screening whose inputs and list versions are recorded for audit."""

    __tablename__ = "screening_runs"

    id: Mapped[intpk]
    created_at: Mapped[timestamp]
    actor: Mapped[str200]
    kind: Mapped[str20]  # single | batch | monitor | deal
    query: Mapped[json_data]
    algorithm: Mapped[str] = mapped_column(String(60))
    threshold: Mapped[float] = mapped_column(Float)
    list_versions: Mapped[json_data]  # {source_key: snapshot version}
    hit_count: Mapped[int] = mapped_column(Integer, default=0)

    hits: Mapped[list[ScreeningHit]] = relationship(back_populates="run", cascade="all, delete-orphan")


class ScreeningHit(Base):
    __tablename__ = "screening_hits"

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("screening_runs.id", ondelete="CASCADE"), index=True)
    query_ref: Mapped[str | None] = mapped_column(String(200))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    designation_id: Mapped[int | None] = mapped_column(ForeignKey("designations.id"), index=True)
    matched_name: Mapped[str1000]
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str20]
    explanation: Mapped[json_data]

    run: Mapped[ScreeningRun] = relationship(back_populates="hits")


class WatchedCounterparty(Base):
    __tablename__ = "watched_counterparties"

    id: Mapped[intpk]
    ref: Mapped[str | None] = mapped_column(String(200), unique=True)  # the customer's own id
    name: Mapped[str1000]
    entity_type: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(100))
    dob: Mapped[str | None] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    added_at: Mapped[timestamp]
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[intpk]
    counterparty_id: Mapped[int] = mapped_column(ForeignKey("watched_counterparties.id"), index=True)
    kind: Mapped[str20]  # list_hit | enforcement | news
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    designation_id: Mapped[int | None] = mapped_column(ForeignKey("designations.id"), index=True)
    enforcement_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_actions.id"))
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id"))
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("list_snapshots.id"))
    matched_name: Mapped[str | None] = mapped_column(String(1000))
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    # open | true_match | false_positive | escalated
    status: Mapped[str20] = mapped_column(default="open", index=True)
    # A digest of the data on both sides when raised, to know when it changes.
    fingerprint: Mapped[str64]
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]


class AlertDecision(Base):
    __tablename__ = "alert_decisions"

    id: Mapped[intpk]
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    decision: Mapped[str20]  # true_match | false_positive | escalate
    note: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str200]
    decided_at: Mapped[timestamp]
    fingerprint: Mapped[str64]


class AuditRecord(Base):
    """Append-only: who did what, when, why, on which list versions."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at_action", "at", "action"),)

    id: Mapped[intpk]
    at: Mapped[timestamp]
    actor: Mapped[str200]
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[json_data]
    list_versions: Mapped[json_data]
