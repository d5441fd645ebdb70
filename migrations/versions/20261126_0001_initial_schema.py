"""Initial schema: the whole domain (see compliance/db/models.py)

Revision ID: 0001
Revises:
Create Date: 2026-11-26 10:57:02.292677
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=60), nullable=True),
        sa.Column("object_id", sa.String(length=200), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "list_versions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_at_action", ["at", "action"], unique=False)

    op.create_table(
        "deals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("deal_type", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
        sa.UniqueConstraint("name", name=op.f("uq_deals_name")),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["entities.id"], name=op.f("fk_entities_merged_into_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
    )
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entities_merged_into_id"), ["merged_into_id"], unique=False)

    op.create_table(
        "list_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("authority", sa.String(length=300), nullable=True),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_sources")),
        sa.UniqueConstraint("key", name=op.f("uq_list_sources_key")),
    )
    op.create_table(
        "news_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("outlet", sa.String(length=200), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_articles")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_news_articles_content_hash")),
    )
    op.create_table(
        "screening_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "query",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("algorithm", sa.String(length=60), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column(
            "list_versions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("hit_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_runs")),
    )
    op.create_table(
        "deal_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_parties_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_deal_parties_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_parties")),
        sa.UniqueConstraint(
            "deal_id", "entity_id", "role", name=op.f("uq_deal_parties_deal_id_entity_id_role")
        ),
    )
    with op.batch_alter_table("deal_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_parties_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_parties_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "enforcement_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("action_type", sa.String(length=60), nullable=False),
        sa.Column("action_date", sa.Date(), nullable=True),
        sa.Column("respondent", sa.String(length=1000), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("link_status", sa.String(length=20), nullable=False),
        sa.Column("link_score", sa.Float(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("amount_suspended", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("program", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("dataset", sa.String(length=100), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=False),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_enforcement_actions_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enforcement_actions")),
        sa.UniqueConstraint("dataset", "source_ref", name=op.f("uq_enforcement_actions_dataset_source_ref")),
    )
    with op.batch_alter_table("enforcement_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enforcement_actions_action_date"), ["action_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_enforcement_actions_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "list_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column(
            "files",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column(
            "problems",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "notes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("tool_version", sa.String(length=20), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["list_sources.id"], name=op.f("fk_list_snapshots_source_id_list_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_snapshots")),
        sa.UniqueConstraint("source_id", "version", name=op.f("uq_list_snapshots_source_id_version")),
    )
    with op.batch_alter_table("list_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_snapshots_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_list_snapshots_source_id"), ["source_id"], unique=False)

    op.create_table(
        "mention_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surface_key", sa.String(length=1000), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_mention_decisions_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention_decisions")),
        sa.UniqueConstraint(
            "surface_key", "entity_id", name=op.f("uq_mention_decisions_surface_key_entity_id")
        ),
    )
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("surface", sa.String(length=1000), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "categories",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "amounts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["news_articles.id"],
            name=op.f("fk_mentions_article_id_news_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], name=op.f("fk_mentions_entity_id_entities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentions_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentions_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "watched_counterparties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("dob", sa.String(length=30), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_watched_counterparties_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watched_counterparties")),
        sa.UniqueConstraint("ref", name=op.f("uq_watched_counterparties_ref")),
    )
    with op.batch_alter_table("watched_counterparties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watched_counterparties_active"), ["active"], unique=False)
        batch_op.create_index(batch_op.f("ix_watched_counterparties_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "designations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("sublist", sa.String(length=300), nullable=True),
        sa.Column(
            "programs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("listed_on", sa.Date(), nullable=True),
        sa.Column("listed_until", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("delisted_on", sa.Date(), nullable=True),
        sa.Column(
            "record",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        sa.Column("first_snapshot_id", sa.Integer(), nullable=False),
        sa.Column("last_changed_snapshot_id", sa.Integer(), nullable=False),
        sa.Column("delisted_snapshot_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delisted_snapshot_id"],
            ["list_snapshots.id"],
            name=op.f("fk_designations_delisted_snapshot_id_list_snapshots"),
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_designations_entity_id_entities")
        ),
        sa.ForeignKeyConstraint(
            ["first_snapshot_id"],
            ["list_snapshots.id"],
            name=op.f("fk_designations_first_snapshot_id_list_snapshots"),
        ),
        sa.ForeignKeyConstraint(
            ["last_changed_snapshot_id"],
            ["list_snapshots.id"],
            name=op.f("fk_designations_last_changed_snapshot_id_list_snapshots"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["list_sources.id"], name=op.f("fk_designations_source_id_list_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_designations")),
        sa.UniqueConstraint("source_id", "ref", name=op.f("uq_designations_source_id_ref")),
    )
    with op.batch_alter_table("designations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_designations_active"), ["active"], unique=False)
        batch_op.create_index(batch_op.f("ix_designations_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_designations_source_id"), ["source_id"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counterparty_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("designation_id", sa.Integer(), nullable=True),
        sa.Column("enforcement_id", sa.Integer(), nullable=True),
        sa.Column("mention_id", sa.Integer(), nullable=True),
        sa.Column("snapshot_id", sa.Integer(), nullable=True),
        sa.Column("matched_name", sa.String(length=1000), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["counterparty_id"],
            ["watched_counterparties.id"],
            name=op.f("fk_alerts_counterparty_id_watched_counterparties"),
        ),
        sa.ForeignKeyConstraint(
            ["designation_id"], ["designations.id"], name=op.f("fk_alerts_designation_id_designations")
        ),
        sa.ForeignKeyConstraint(
            ["enforcement_id"],
            ["enforcement_actions.id"],
            name=op.f("fk_alerts_enforcement_id_enforcement_actions"),
        ),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], name=op.f("fk_alerts_entity_id_entities")),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], name=op.f("fk_alerts_mention_id_mentions")),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["list_snapshots.id"], name=op.f("fk_alerts_snapshot_id_list_snapshots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_counterparty_id"), ["counterparty_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_designation_id"), ["designation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_status"), ["status"], unique=False)

    op.create_table(
        "designation_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("designation_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "previous",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["designation_id"],
            ["designations.id"],
            name=op.f("fk_designation_changes_designation_id_designations"),
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["list_snapshots.id"],
            name=op.f("fk_designation_changes_snapshot_id_list_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_designation_changes")),
    )
    with op.batch_alter_table("designation_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_designation_changes_designation_id"), ["designation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_designation_changes_snapshot_id"), ["snapshot_id"], unique=False)

    op.create_table(
        "entity_addresses",
        sa.Column("full", sa.Text(), nullable=False),
        sa.Column("street", sa.Text(), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=50), nullable=True),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("designation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["designation_id"],
            ["designations.id"],
            name=op.f("fk_entity_addresses_designation_id_designations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_addresses_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_addresses")),
    )
    with op.batch_alter_table("entity_addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_addresses_country"), ["country"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_entity_addresses_designation_id"), ["designation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_entity_addresses_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "entity_countries",
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("designation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["designation_id"],
            ["designations.id"],
            name=op.f("fk_entity_countries_designation_id_designations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_countries_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_countries")),
    )
    with op.batch_alter_table("entity_countries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_countries_country"), ["country"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_entity_countries_designation_id"), ["designation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_entity_countries_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "entity_dates",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=30), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("designation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["designation_id"],
            ["designations.id"],
            name=op.f("fk_entity_dates_designation_id_designations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_dates_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_dates")),
    )
    with op.batch_alter_table("entity_dates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_dates_designation_id"), ["designation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entity_dates_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "entity_identifiers",
        sa.Column("id_type", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("normalized", sa.String(length=500), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("designation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["designation_id"],
            ["designations.id"],
            name=op.f("fk_entity_identifiers_designation_id_designations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_identifiers_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_identifiers")),
    )
    with op.batch_alter_table("entity_identifiers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entity_identifiers_designation_id"), ["designation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_entity_identifiers_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entity_identifiers_normalized"), ["normalized"], unique=False)

    op.create_table(
        "entity_names",
        sa.Column("value", sa.String(length=1000), nullable=False),
        sa.Column("normalized", sa.String(length=1000), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("script", sa.String(length=8), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=True),
        sa.Column("quality", sa.String(length=10), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("designation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["designation_id"],
            ["designations.id"],
            name=op.f("fk_entity_names_designation_id_designations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_names_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_names")),
    )
    with op.batch_alter_table("entity_names", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_names_designation_id"), ["designation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entity_names_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entity_names_normalized"), ["normalized"], unique=False)

    op.create_table(
        "relationships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("share_pct", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("designation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["designation_id"],
            ["designations.id"],
            name=op.f("fk_relationships_designation_id_designations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["entities.id"],
            name=op.f("fk_relationships_object_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["entities.id"],
            name=op.f("fk_relationships_subject_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationships")),
    )
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relationships_designation_id"), ["designation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relationships_object_id"), ["object_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relationships_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "screening_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("query_ref", sa.String(length=200), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("designation_id", sa.Integer(), nullable=True),
        sa.Column("matched_name", sa.String(length=1000), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column(
            "explanation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["designation_id"],
            ["designations.id"],
            name=op.f("fk_screening_hits_designation_id_designations"),
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_screening_hits_entity_id_entities")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["screening_runs.id"],
            name=op.f("fk_screening_hits_run_id_screening_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_hits")),
    )
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_hits_designation_id"), ["designation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_screening_hits_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_hits_run_id"), ["run_id"], unique=False)

    op.create_table(
        "alert_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name=op.f("fk_alert_decisions_alert_id_alerts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_decisions")),
    )
    with op.batch_alter_table("alert_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_decisions_alert_id"), ["alert_id"], unique=False)

    # The audit log is append-only: the database itself refuses edits and deletions.
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")

    with op.batch_alter_table("alert_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_decisions_alert_id"))

    op.drop_table("alert_decisions")
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_hits_run_id"))
        batch_op.drop_index(batch_op.f("ix_screening_hits_entity_id"))
        batch_op.drop_index(batch_op.f("ix_screening_hits_designation_id"))

    op.drop_table("screening_hits")
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relationships_subject_id"))
        batch_op.drop_index(batch_op.f("ix_relationships_object_id"))
        batch_op.drop_index(batch_op.f("ix_relationships_designation_id"))

    op.drop_table("relationships")
    with op.batch_alter_table("entity_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_names_normalized"))
        batch_op.drop_index(batch_op.f("ix_entity_names_entity_id"))
        batch_op.drop_index(batch_op.f("ix_entity_names_designation_id"))

    op.drop_table("entity_names")
    with op.batch_alter_table("entity_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_identifiers_normalized"))
        batch_op.drop_index(batch_op.f("ix_entity_identifiers_entity_id"))
        batch_op.drop_index(batch_op.f("ix_entity_identifiers_designation_id"))

    op.drop_table("entity_identifiers")
    with op.batch_alter_table("entity_dates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_dates_entity_id"))
        batch_op.drop_index(batch_op.f("ix_entity_dates_designation_id"))

    op.drop_table("entity_dates")
    with op.batch_alter_table("entity_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_countries_entity_id"))
        batch_op.drop_index(batch_op.f("ix_entity_countries_designation_id"))
        batch_op.drop_index(batch_op.f("ix_entity_countries_country"))

    op.drop_table("entity_countries")
    with op.batch_alter_table("entity_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_addresses_entity_id"))
        batch_op.drop_index(batch_op.f("ix_entity_addresses_designation_id"))
        batch_op.drop_index(batch_op.f("ix_entity_addresses_country"))

    op.drop_table("entity_addresses")
    with op.batch_alter_table("designation_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_designation_changes_snapshot_id"))
        batch_op.drop_index(batch_op.f("ix_designation_changes_designation_id"))

    op.drop_table("designation_changes")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_status"))
        batch_op.drop_index(batch_op.f("ix_alerts_entity_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_designation_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_counterparty_id"))

    op.drop_table("alerts")
    with op.batch_alter_table("designations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_designations_source_id"))
        batch_op.drop_index(batch_op.f("ix_designations_entity_id"))
        batch_op.drop_index(batch_op.f("ix_designations_active"))

    op.drop_table("designations")
    with op.batch_alter_table("watched_counterparties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watched_counterparties_entity_id"))
        batch_op.drop_index(batch_op.f("ix_watched_counterparties_active"))

    op.drop_table("watched_counterparties")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentions_entity_id"))
        batch_op.drop_index(batch_op.f("ix_mentions_article_id"))

    op.drop_table("mentions")
    op.drop_table("mention_decisions")
    with op.batch_alter_table("list_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_snapshots_source_id"))
        batch_op.drop_index(batch_op.f("ix_list_snapshots_sha256"))

    op.drop_table("list_snapshots")
    with op.batch_alter_table("enforcement_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enforcement_actions_entity_id"))
        batch_op.drop_index(batch_op.f("ix_enforcement_actions_action_date"))

    op.drop_table("enforcement_actions")
    with op.batch_alter_table("deal_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_parties_entity_id"))
        batch_op.drop_index(batch_op.f("ix_deal_parties_deal_id"))

    op.drop_table("deal_parties")
    op.drop_table("screening_runs")
    op.drop_table("news_articles")
    op.drop_table("list_sources")
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entities_merged_into_id"))

    op.drop_table("entities")
    op.drop_table("deals")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_at_action")

    op.drop_table("audit_log")
