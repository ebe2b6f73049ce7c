"""FAQ aliases (other wordings of an entry); search ranks in Python, so the full-text index goes

Revision ID: 0023_faq_aliases
Revises: 0021_provisioning
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0023_faq_aliases"
down_revision: str | Sequence[str] | None = "0021_provisioning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["faq_entries.id"],
            name=op.f("fk_faq_aliases_entry_id_faq_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_aliases")),
    )
    op.create_index(op.f("ix_faq_aliases_entry_id"), "faq_aliases", ["entry_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS faq_fts")
    else:
        op.execute("DROP INDEX IF EXISTS faq_fts_gin")


def downgrade() -> None:
    op.drop_index(op.f("ix_faq_aliases_entry_id"), table_name="faq_aliases")
    op.drop_table("faq_aliases")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE faq_fts USING fts5(question, answer, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute(
            "INSERT INTO faq_fts(rowid, question, answer) "
            "SELECT id, question, answer FROM faq_entries WHERE status = 'approved'"
        )
    else:
        op.execute(
            "CREATE INDEX faq_fts_gin ON faq_entries "
            "USING gin (to_tsvector('simple', question || ' ' || answer))"
        )
