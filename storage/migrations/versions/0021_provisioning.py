"""People provisioned by an identity provider, and deactivated people

Revision ID: 0021_provisioning
Revises: 0019_slack_inbox
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import storage.types

revision: str = "0021_provisioning"
down_revision: str | Sequence[str] | None = "0019_slack_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_index("ix_people_email_lower", "people", [sa.text("lower(email)")])
    op.create_table(
        "provisioned_accounts",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("user_name_key", sa.String(320), nullable=False),
        sa.Column("external_id", sa.String(300), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_provisioned_accounts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_provisioned_accounts")),
        sa.UniqueConstraint("user_name_key", name=op.f("uq_provisioned_accounts_user_name_key")),
    )
    op.create_index(op.f("ix_provisioned_accounts_external_id"), "provisioned_accounts", ["external_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_provisioned_accounts_external_id"), table_name="provisioned_accounts")
    op.drop_table("provisioned_accounts")
    op.drop_index("ix_people_email_lower", table_name="people")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("active")
