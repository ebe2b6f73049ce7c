"""join the feature branches into one head, so later migrations have a single parent

Revision ID: 0010_one_head
Revises: 0002_learning, 0003_surveys, 0004_questions, 0005_campaigns, 0006_slack, 0009_admin
"""

from collections.abc import Sequence

revision: str = "0010_one_head"
down_revision: str | Sequence[str] | None = (
    "0002_learning",
    "0003_surveys",
    "0004_questions",
    "0005_campaigns",
    "0006_slack",
    "0009_admin",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
