"""Anonymity: who counts towards a survey's audience, sealed answer buffer, live snapshots

Revision ID: 0016_anonymity
Revises: 0015_webchat_unverified
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0016_anonymity"
down_revision: str | Sequence[str] | None = "0015_webchat_unverified"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Purged web chat lines must not hand their ids to new ones (`after=n` paging).
        with op.batch_alter_table(
            "webchat_messages", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("imported_at", UTCDateTime(), nullable=True))
    # Before this column, everyone without a web chat identity came from an import or a platform.
    op.execute(
        "UPDATE people SET imported_at = created_at WHERE email IS NOT NULL AND id NOT IN "
        "(SELECT person_id FROM identities WHERE platform = 'web')"
    )
    op.create_table(
        "survey_answer_buffer",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["survey_waves.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_survey_answer_buffer_wave_id", "survey_answer_buffer", ["wave_id"])
    op.create_table(
        "survey_snapshots",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["survey_waves.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("wave_id", "question_id"),
    )


def downgrade() -> None:
    op.drop_table("survey_snapshots")
    op.drop_index("ix_survey_answer_buffer_wave_id", table_name="survey_answer_buffer")
    op.drop_table("survey_answer_buffer")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("imported_at")
