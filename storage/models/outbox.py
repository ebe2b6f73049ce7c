"""Every proactive message, keyed so that planning twice never sends twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime

# Rows a delivery claim may take: written as a literal, so SQLite sees the claim's condition
# is its partial index's.
WAITING = text("status IN ('pending', 'sending')")


class OutboxMessage(Base):
    """A message to send: either a stored `reply`, or a `kind` + `payload` composed at send time
    (so planning 100,000 nudges is one INSERT ... SELECT, and opt-outs apply when it is sent)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "due_at"),
        # What a delivery claim looks at, in the order it takes rows (`WAITING`).
        Index("ix_outbox_waiting", "due_at", "id", postgresql_where=WAITING, sqlite_where=WAITING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    conversation_ref_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_refs.id", ondelete="CASCADE")
    )
    campaign_id: Mapped[int | None] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40), default="message")
    reply: Mapped[dict[str, Any] | None] = mapped_column()  # a ready message, or
    payload: Mapped[dict[str, Any] | None] = mapped_column()  # what a composer turns into one
    status: Mapped[str] = mapped_column(String(20), default="pending")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    platform: Mapped[str | None] = mapped_column(String(20))
    platform_message_id: Mapped[str | None] = mapped_column(String(300))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RateBucket(Base):
    """A platform workspace's (or tenant's) token bucket, shared by every worker process, so that
    three replicas together stay within the rate one workspace allows."""

    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "slack:T0123"
    tokens: Mapped[float] = mapped_column()
    updated_at: Mapped[float] = mapped_column()  # seconds since the epoch, of the injected clock
    blocked_until: Mapped[float] = mapped_column(default=0.0)  # after a 429: nothing before this
