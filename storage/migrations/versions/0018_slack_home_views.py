"""who opened Slack's App Home, shared by every replica

Revision ID: 0018_slack_home_views
Revises: 0017_reach
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0018_slack_home_views"
down_revision: str | Sequence[str] | None = "0017_reach"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_home_views",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_slack_home_views")),
    )


def downgrade() -> None:
    op.drop_table("slack_home_views")
