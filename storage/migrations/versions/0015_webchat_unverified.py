"""Web chat conversations made before sign-in existed are unverified: anyone could have named
the person, so none of them is a delivery target until that person signs in

Revision ID: 0015_webchat_unverified
Revises: 0014_hr_digest
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_webchat_unverified"
down_revision: str | Sequence[str] | None = "0014_hr_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE conversation_refs SET kind = 'unverified' WHERE platform = 'web' AND kind = 'personal'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE conversation_refs SET kind = 'personal' WHERE platform = 'web' AND kind = 'unverified'"
    )
