"""People and the platform identities they chat from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base
from storage.types import UTCDateTime


class Person(Base):
    """Someone in the organisation; one person may chat from several platforms."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(200), default="", index=True)
    role: Mapped[str] = mapped_column(String(40), default="employee")
    language: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_ambassador: Mapped[bool] = mapped_column(default=False)
    # False when the identity provider deactivated them: no messages, in no audience.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When HR's import (or a directory) vouched for this person; people who only introduced
    # themselves in the web chat have none, and do not count towards a survey's minimum audience.
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When Stafet first introduced itself to someone it wrote to before they ever wrote to it.
    introduced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    identities: Mapped[list[Identity]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )


# People are looked up by email without regard to case: by imports, platforms and provisioning.
Index("ix_people_email_lower", func.lower(Person.email))


class Identity(Base):
    """A person's account on one platform: Slack user in a workspace, Teams user in a tenant."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # False once the platform's directory says the account is deleted or disabled: no more messages.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    person: Mapped[Person] = relationship(back_populates="identities", lazy="joined")


class ConversationRef(Base):
    """Where the bot can write to a person or a channel without being spoken to first."""

    __tablename__ = "conversation_refs"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("identities.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(20))
    workspace_id: Mapped[str] = mapped_column(String(100))
    conversation_id: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="personal")
    reference: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
