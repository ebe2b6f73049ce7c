"""Questions to ambassadors, the ambassador registry and the FAQ that grows from answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonType
from storage.types import UTCDateTime


class Ambassador(Base):
    """A person who answers colleagues' questions: topics, languages, hours, status and cap."""

    __tablename__ = "ambassadors"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    topics: Mapped[dict[str, int]] = mapped_column(JsonType, default=dict)  # topic -> proficiency 1..3
    languages: Mapped[list[str]] = mapped_column(JsonType, default=list)
    department: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    work_start: Mapped[str] = mapped_column(String(5), default="08:00")
    work_end: Mapped[str] = mapped_column(String(5), default="16:00")
    status: Mapped[str] = mapped_column(String(20), default="available")  # available|away|out
    away_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cap: Mapped[int] = mapped_column(default=5)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Question(Base):
    """One question; `asker_id` is the only link to the asker and is erased after retention."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_status", "status", "assigned_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    anonymous: Mapped[bool] = mapped_column(default=False)
    asker_department: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5))
    topic: Mapped[str] = mapped_column(String(80), default="")
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    assigned_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    passed_by: Mapped[list[int]] = mapped_column(JsonType, default=list)
    routing: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    helpful: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erase_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class QuestionMessage(Base):
    """One relayed message in a question's masked thread."""

    __tablename__ = "question_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(20))  # asker | ambassador
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FaqEntry(Base):
    """An anonymised question and answer; searchable once a coordinator approves it."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(5))
    topic: Mapped[str] = mapped_column(String(80), default="")
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed|approved|retired
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FaqAlias(Base):
    """Another way a colleague asked for an entry, so the next one asking that way finds it.
    It keeps the wording only: no link to who asked."""

    __tablename__ = "faq_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entries.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
