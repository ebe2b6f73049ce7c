"""Slack requests stored before their ack

Revision ID: 0019_slack_inbox
Revises: 0018_slack_home_views
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0019_slack_inbox"
down_revision: str | Sequence[str] | None = "0018_slack_home_views"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=True),
        sa.Column("due_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_inbox")),
        sa.UniqueConstraint("event_key", name=op.f("uq_slack_inbox_event_key")),
    )
    op.create_index("ix_slack_inbox_due", "slack_inbox", ["status", "due_at"])
    op.create_index(op.f("ix_slack_inbox_received_at"), "slack_inbox", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_inbox_received_at"), table_name="slack_inbox")
    op.drop_index("ix_slack_inbox_due", table_name="slack_inbox")
    op.drop_table("slack_inbox")
