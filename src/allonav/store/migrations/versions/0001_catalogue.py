"""Catalogue: trials (sites inside the record), facets, full-text search, meta.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trials",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nct_id", sa.String(16), nullable=False, unique=True),
        sa.Column("title", sa.Text),
        sa.Column("overall_status", sa.String(40), index=True),
        sa.Column("last_update", sa.Date),
        sa.Column("cell_source", sa.String(40), nullable=False),
        sa.Column("has_criteria", sa.Boolean, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("record_size", sa.Integer, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("profile", sa.JSON, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "trial_facets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("trials.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("facet", sa.String(32), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_index("ix_trial_facets_facet_value", "trial_facets", ["facet", "value"])
    op.create_table(
        "trial_search",
        sa.Column("trial_id", sa.Integer, sa.ForeignKey("trials.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # FTS5 over trial_search (external content), kept in step by triggers.
        op.execute(
            "CREATE VIRTUAL TABLE trial_fts USING fts5(body, content='trial_search', content_rowid='trial_id', "
            "tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER trial_search_ai AFTER INSERT ON trial_search BEGIN "
            "INSERT INTO trial_fts(rowid, body) VALUES (new.trial_id, new.body); END"
        )
        op.execute(
            "CREATE TRIGGER trial_search_ad AFTER DELETE ON trial_search BEGIN "
            "INSERT INTO trial_fts(trial_fts, rowid, body) VALUES ('delete', old.trial_id, old.body); END"
        )
        op.execute(
            "CREATE TRIGGER trial_search_au AFTER UPDATE ON trial_search BEGIN "
            "INSERT INTO trial_fts(trial_fts, rowid, body) VALUES ('delete', old.trial_id, old.body); "
            "INSERT INTO trial_fts(rowid, body) VALUES (new.trial_id, new.body); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE trial_search ADD COLUMN tsv tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', body)) STORED"
        )
        op.execute("CREATE INDEX ix_trial_search_tsv ON trial_search USING GIN (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS trial_fts")
    for table in ("meta", "trial_search", "trial_facets", "trials"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
