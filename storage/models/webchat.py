"""The built-in web chat's conversation log, kept in the database so every replica sees it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class WebchatMessage(Base):
    """One line of a web chat; its id is the `n` that `/chat/api/messages?after=n` pages by."""

    __tablename__ = "webchat_messages"
    # Ids never come back after a purge (SQLite reuses the highest deleted id otherwise), so a
    # client paging with `after=n` never skips a new message.
    __table_args__ = (Index("ix_webchat_messages_person", "person_id", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(10))  # "user" or "bot"
    text: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[dict[str, Any] | None] = mapped_column()
    chosen: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
