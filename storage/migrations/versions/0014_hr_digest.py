"""HR people can turn the daily digest off

Revision ID: 0014_hr_digest
Revises: 0013_rate_buckets
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_hr_digest"
down_revision: str | Sequence[str] | None = "0013_rate_buckets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delivery_preferences") as batch:
        batch.add_column(
            sa.Column("digest_opted_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery_preferences") as batch:
        batch.drop_column("digest_opted_out")
