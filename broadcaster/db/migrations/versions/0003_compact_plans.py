"""Compact plans: each item names its segment and its reason, stored once each.

A national plan repeated title, file, checksum, priority and reason on every item of
every station of every day (~380 bytes a row). The rows of an earlier release move
into the new shape keeping their ids; the flat columns go.

Revision ID: 0003_compact_plans
Revises: 0002_jobs_throttle_leases
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_compact_plans"
down_revision = "0002_jobs_throttle_leases"
branch_labels = None
depends_on = None

SEGMENT = ("bulletin_id", "title", "form", "render_sha256", "file", "duration_s", "priority")
FLAT = (*SEGMENT, "reason")
# The same segment, NULL forms alike (both backends).
SAME = " AND ".join(
    f"(s.{c} = plan_items.{c} OR (s.{c} IS NULL AND plan_items.{c} IS NULL))"
    if c == "form"
    else f"s.{c} = plan_items.{c}"
    for c in SEGMENT
)


def upgrade() -> None:
    op.create_table(
        "plan_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_reasons_text", "plan_reasons", ["text"], unique=True)
    op.create_table(
        "plan_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulletin_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("form", sa.Integer(), nullable=True),
        sa.Column("render_sha256", sa.String(length=64), nullable=False),
        sa.Column("file", sa.String(length=200), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_segments_render", "plan_segments", ["render_sha256"], unique=False)
    columns = ", ".join(SEGMENT)
    op.execute(
        f"INSERT INTO plan_segments ({columns}) "
        f"SELECT DISTINCT {columns} FROM plan_items ORDER BY {columns}"
    )
    op.execute(
        "INSERT INTO plan_reasons (text) SELECT DISTINCT reason FROM plan_items ORDER BY reason"
    )
    op.add_column("plan_items", sa.Column("segment_id", sa.Integer(), nullable=True))
    op.add_column("plan_items", sa.Column("reason_id", sa.Integer(), nullable=True))
    op.execute(
        f"UPDATE plan_items SET segment_id = (SELECT s.id FROM plan_segments s WHERE {SAME}), "
        "reason_id = (SELECT r.id FROM plan_reasons r WHERE r.text = plan_items.reason)"
    )
    with op.batch_alter_table("plan_items") as batch:  # SQLite: the table rebuilt, same ids
        batch.alter_column("segment_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("reason_id", existing_type=sa.Integer(), nullable=False)
        for column in FLAT:
            batch.drop_column(column)
        batch.create_foreign_key(
            "plan_items_segment_id_fkey", "plan_segments", ["segment_id"], ["id"]
        )
        batch.create_foreign_key("plan_items_reason_id_fkey", "plan_reasons", ["reason_id"], ["id"])
    op.create_index("ix_plan_items_reason", "plan_items", ["reason_id"], unique=False)
    op.create_index("ix_plan_items_segment", "plan_items", ["segment_id"], unique=False)


def downgrade() -> None:
    flat = [
        sa.Column("bulletin_id", sa.String(length=100), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("form", sa.Integer(), nullable=True),
        sa.Column("render_sha256", sa.String(length=64), nullable=True),
        sa.Column("file", sa.String(length=200), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
    ]
    for column in flat:
        op.add_column("plan_items", column)
    for column in SEGMENT:
        op.execute(
            f"UPDATE plan_items SET {column} = "
            f"(SELECT s.{column} FROM plan_segments s WHERE s.id = plan_items.segment_id)"
        )
    op.execute(
        "UPDATE plan_items SET reason = "
        "(SELECT r.text FROM plan_reasons r WHERE r.id = plan_items.reason_id)"
    )
    op.drop_index("ix_plan_items_segment", table_name="plan_items")
    op.drop_index("ix_plan_items_reason", table_name="plan_items")
    with op.batch_alter_table("plan_items") as batch:
        batch.drop_constraint("plan_items_segment_id_fkey", type_="foreignkey")
        batch.drop_constraint("plan_items_reason_id_fkey", type_="foreignkey")
        batch.drop_column("segment_id")
        batch.drop_column("reason_id")
        for column in flat:
            if column.name != "form":
                batch.alter_column(column.name, existing_type=column.type, nullable=False)
    op.drop_index("ix_plan_segments_render", table_name="plan_segments")
    op.drop_table("plan_segments")
    op.drop_index("ix_plan_reasons_text", table_name="plan_reasons")
    op.drop_table("plan_reasons")
