"""An index of the rows a delivery claim looks at (pending or sending), in due order

A claim takes the first due rows in (due_at, id) order. With only (status, due_at) to go on,
PostgreSQL scanned the whole outbox and sorted the backlog on every claim; this partial index
gives the rows in order and stops after the batch.

Revision ID: 0027_outbox_waiting
Revises: 0026_transfer
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_outbox_waiting"
down_revision: str | Sequence[str] | None = "0026_transfer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = sa.text("status IN ('pending', 'sending')")


def upgrade() -> None:
    op.create_index(
        "ix_outbox_waiting",
        "outbox",
        ["due_at", "id"],
        postgresql_where=WAITING,
        sqlite_where=WAITING,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_waiting", table_name="outbox")
