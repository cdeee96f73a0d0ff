"""Saved plans: hashed (and sealed) tokens, the request and plan as JSON text, iCalendar sequences.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("feed_hash", sa.String(64), nullable=False),
        sa.Column("feed_salt", sa.String(32), nullable=False),
        sa.Column("token_sealed", sa.String(64), nullable=False),
        sa.Column("request_json", sa.Text, nullable=False),
        sa.Column("plan_json", sa.Text, nullable=False),
        sa.Column("sequences_json", sa.Text, nullable=False),
        sa.Column("fingerprints_json", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_saved_plans_token_hash"),
        sa.UniqueConstraint("feed_hash", name="uq_saved_plans_feed_hash"),
    )


def downgrade() -> None:
    op.drop_table("saved_plans")
