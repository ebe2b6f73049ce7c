"""reach every employee: directory sync positions, app installations, deactivated accounts

Revision ID: 0017_reach
Revises: 0016_anonymity
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0017_reach"
down_revision: str | Sequence[str] | None = "0016_anonymity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("identities") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("introduced_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("survey_participation") as batch:
        batch.add_column(sa.Column("reachable", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        "directory_cursors",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.String(length=100), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("synced_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace_id", name=op.f("pk_directory_cursors")),
    )
    op.create_table(
        "app_installs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("installs", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["identities.id"],
            name=op.f("fk_app_installs_identity_id_identities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_installs")),
        sa.UniqueConstraint("identity_id", name=op.f("uq_app_installs_identity_id")),
    )
    op.create_index("ix_app_installs_due", "app_installs", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_app_installs_due", table_name="app_installs")
    op.drop_table("app_installs")
    op.drop_table("directory_cursors")
    with op.batch_alter_table("survey_participation") as batch:
        batch.drop_column("reachable")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("introduced_at")
    with op.batch_alter_table("identities") as batch:
        batch.drop_column("active")
