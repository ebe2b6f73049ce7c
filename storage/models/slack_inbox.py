"""Slack requests stored before their ack, so a crash after the ack loses no person's turn."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class SlackInboxEntry(Base):
    """One acked request: `pending` until its turn is committed (`done`) or given up (`failed`).

    The unique `event_key` makes Slack's retries and duplicate deliveries one turn; `owner` is the
    process working on it, whose lease (`due_at`) it renews; an expired one is taken over.
    """

    __tablename__ = "slack_inbox"
    __table_args__ = (Index("ix_slack_inbox_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    payload: Mapped[str | None] = mapped_column(Text)  # the request body as received; erased once done
    status: Mapped[str] = mapped_column(String(20), default="pending")
    owner: Mapped[str | None] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
