"""Micro-learning state: which tracks a person follows, each lesson's spaced-repetition item, answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class Enrolment(Base):
    """A person following a track (`active`) or having left it (`stopped`, with a way back)."""

    __tablename__ = "learning_enrolments"
    __table_args__ = (UniqueConstraint("person_id", "track_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="active")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LearningItem(Base):
    """One lesson for one person: sent, answered, and its quiz's place in spaced repetition."""

    __tablename__ = "learning_items"
    __table_args__ = (
        UniqueConstraint("person_id", "lesson_id"),
        Index("ix_learning_items_due", "retired_at", "reminded_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(100))
    track_id: Mapped[str] = mapped_column(String(100))
    first_sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # first quiz answer
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # next review
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # review queued for due_at
    correct_count: Mapped[int] = mapped_column(default=0)
    correct_streak: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reflection: Mapped[str | None] = mapped_column(Text)  # private to the learner
    last_variant: Mapped[int | None] = mapped_column()  # of the quiz last answered; the next differs


class QuizAnswer(Base):
    """Every quiz answer, first or review: accuracy, streaks and points are counted from these."""

    __tablename__ = "learning_answers"
    __table_args__ = (Index("ix_learning_answers_person", "person_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(100))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    local_day: Mapped[date] = mapped_column()
    correct: Mapped[bool] = mapped_column()
    review: Mapped[bool] = mapped_column()
    confidence: Mapped[str | None] = mapped_column(String(10))  # sure, unsure or guessed, once said
    variant: Mapped[int] = mapped_column(default=0, server_default="0")  # 0 is the lesson's `quiz`


class LearningSend(Base):
    """What the bot sent on its own initiative, per local day, for the daily cap."""

    __tablename__ = "learning_sends"
    __table_args__ = (Index("ix_learning_sends_person_day", "person_id", "local_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    lesson_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # "lesson" or "review"
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    local_day: Mapped[date] = mapped_column()


class Leave(Base):
    """Days a person is away: no nudges, reviews wait, and the streak is frozen, as on holidays."""

    __tablename__ = "learning_leave"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column()
    last_day: Mapped[date] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TransferCheck(Base):
    """ "Have you used it in your work?", asked once a week after a person finished a track: the
    row is the once-only claim (queued with the question), then holds the answer."""

    __tablename__ = "learning_transfer"
    __table_args__ = (UniqueConstraint("person_id", "track_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(100))
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the track's last answer
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when the question goes out
    answer: Mapped[str | None] = mapped_column(String(20))  # several, once, not_yet, not_relevant
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
