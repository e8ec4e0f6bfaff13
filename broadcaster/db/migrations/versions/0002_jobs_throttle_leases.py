"""Panel jobs, the shared login throttle and playout leases (several workers, one leader).

The per-station APScheduler job tables (``playout_jobs_*``) of earlier releases are
dropped: each daemon now keeps its jobs in memory, rebuilt from the plan and the log.

Revision ID: 0002_jobs_throttle_leases
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from broadcaster.db.types import UTCDateTime

revision = "0002_jobs_throttle_leases"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_jobs_subject", "jobs", ["kind", "subject", "created_at"], unique=False)
    op.create_table(
        "login_failures",
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_s", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "username", "address"),
    )
    op.create_index("ix_login_failures_last", "login_failures", ["last_s"], unique=False)
    op.create_table(
        "playout_leases",
        sa.Column("station_id", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("station_id"),
    )
    for name in sa.inspect(op.get_bind()).get_table_names():
        if name.startswith("playout_jobs_"):
            op.drop_table(name)


def downgrade() -> None:
    op.drop_table("playout_leases")
    op.drop_index("ix_login_failures_last", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_jobs_subject", table_name="jobs")
    op.drop_table("jobs")
