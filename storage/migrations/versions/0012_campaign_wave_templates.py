"""campaign pulse waves name their survey template by its id, as survey waves do

Revision ID: 0012_campaign_wave_templates
Revises: 0010_one_head
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_campaign_wave_templates"
down_revision: str | Sequence[str] | None = "0010_one_head"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign_waves") as batch:
        batch.alter_column(
            "template_id", existing_type=sa.Integer(), type_=sa.String(length=100), existing_nullable=False
        )


def downgrade() -> None:
    # A number never named a template, so no attached wave can be kept as one.
    op.execute("DELETE FROM campaign_waves")
    with op.batch_alter_table("campaign_waves") as batch:
        batch.alter_column(
            "template_id",
            existing_type=sa.String(length=100),
            type_=sa.Integer(),
            existing_nullable=False,
            postgresql_using="template_id::integer",
        )
