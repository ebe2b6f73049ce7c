"""Which variant of a lesson's quiz was asked, and the last one a learner answered

Revision ID: 0025_quiz_variants
Revises: 0024_quiz_confidence
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_quiz_variants"
down_revision: str | Sequence[str] | None = "0024_quiz_confidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learning_answers") as batch:
        batch.add_column(sa.Column("variant", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("learning_items") as batch:
        batch.add_column(sa.Column("last_variant", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learning_items") as batch:
        batch.drop_column("last_variant")
    with op.batch_alter_table("learning_answers") as batch:
        batch.drop_column("variant")
