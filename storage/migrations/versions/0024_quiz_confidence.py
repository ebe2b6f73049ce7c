"""How sure a learner was of a quiz answer

Revision ID: 0024_quiz_confidence
Revises: 0023_faq_aliases
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_quiz_confidence"
down_revision: str | Sequence[str] | None = "0023_faq_aliases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("learning_answers") as batch:
        batch.add_column(sa.Column("confidence", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learning_answers") as batch:
        batch.drop_column("confidence")
