"""Programs: check-ins (insert only), published week versions, and each program's calendar record.

Every saved plan becomes a program with an empty log; its week is the program's first week (version 1).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _plan_id() -> sa.Column:
    return sa.Column("plan_id", sa.Integer, sa.ForeignKey("saved_plans.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    weeks = op.create_table(
        "program_weeks",
        sa.Column("id", sa.Integer, primary_key=True),
        _plan_id(),
        sa.Column("monday", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("plan_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("plan_id", "monday", "version", name="uq_program_weeks_plan_id"),
    )
    op.create_index("ix_program_weeks_plan_id", "program_weeks", ["plan_id"])
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True),
        _plan_id(),
        sa.Column("checkin_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_checkins_plan_id", "checkins", ["plan_id"])
    table = op.create_table(
        "programs",
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("saved_plans.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("published_json", sa.Text, nullable=True),
        sa.Column("next_json", sa.Text, nullable=True),
        sa.Column("pins_json", sa.Text, nullable=False),
        sa.Column("replan_json", sa.Text, nullable=True),
        sa.Column("replan_upto", sa.Integer, nullable=False),
    )
    conn = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    for row in conn.execute(sa.text("SELECT id, plan_json FROM saved_plans")).mappings():
        monday = (json.loads(row["plan_json"]) or {}).get("week_start")
        conn.execute(table.insert().values(plan_id=row["id"], pins_json='{"pins":[],"moves":[]}', replan_upto=0))
        if isinstance(monday, str) and len(monday) == 10:
            conn.execute(weeks.insert().values(plan_id=row["id"], monday=monday, version=1,
                                               plan_json=row["plan_json"], created_at=now))


def downgrade() -> None:
    op.drop_table("programs")
    op.drop_index("ix_checkins_plan_id", "checkins")
    op.drop_table("checkins")
    op.drop_index("ix_program_weeks_plan_id", "program_weeks")
    op.drop_table("program_weeks")
