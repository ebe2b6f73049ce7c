"""Reaching people who never wrote: directory sync positions and app installations to do."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class DirectoryCursor(Base):
    """Where the next sync of a platform's directory starts (a Graph delta link), per workspace."""

    __tablename__ = "directory_cursors"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AppInstall(Base):
    """Installing the app for one person so the bot may open a chat with them: a queue that every
    replica works on (rows are claimed like the outbox), kept afterwards as that person's state."""

    __tablename__ = "app_installs"
    __table_args__ = (Index("ix_app_installs_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), unique=True)
    # pending -> installing (leased) -> done | failed (the platform's error in last_error)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    installs: Mapped[int] = mapped_column(default=0)  # installations the platform confirmed (201)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
