"""Survey waves, who was invited (only while a wave runs), and answers that name no one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JsonType
from storage.types import UTCDateTime


class SurveyWave(Base):
    """One run of a template for an audience between two instants."""

    __tablename__ = "survey_waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[str] = mapped_column(String(100), index=True)
    audience: Mapped[dict[str, Any]] = mapped_column()
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    anonymous: Mapped[bool] = mapped_column(default=True)
    campaign_id: Mapped[int | None] = mapped_column(index=True)
    questions_per_person: Mapped[int | None] = mapped_column()
    live_results: Mapped[bool] = mapped_column(default=False)
    export_comments: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled, open, closed
    # Random key for respondent tokens while the wave is open; erased at close.
    token_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SurveyParticipation(Base):
    """Who is invited and how far they got: only for sending questions and reminders.

    For anonymous waves these rows are aggregated into `survey_turnout` and deleted at close."""

    __tablename__ = "survey_participation"
    __table_args__ = (UniqueConstraint("wave_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    department: Mapped[str | None] = mapped_column(String(200))  # None when that group is below k
    role: Mapped[str | None] = mapped_column(String(40))
    questions: Mapped[list[str]] = mapped_column(JsonType)
    position: Mapped[int] = mapped_column(default=0)
    responded: Mapped[bool] = mapped_column(default=False)  # answered or skipped anything
    answered: Mapped[bool] = mapped_column(default=False)  # gave at least one answer
    reminders: Mapped[int] = mapped_column(default=0)
    # False when Stafet had no way to write to them as the wave opened: not counted in turnout.
    reachable: Mapped[bool] = mapped_column(default=True, server_default=true())


class SurveyTurnout(Base):
    """Invited and responding counts per group, kept after the participation rows are gone."""

    __tablename__ = "survey_turnout"
    __table_args__ = (UniqueConstraint("wave_id", "dimension", "grp"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(20))  # all, department, role
    grp: Mapped[str] = mapped_column(String(200), default="")
    invited: Mapped[int] = mapped_column()
    responded: Mapped[int] = mapped_column()


class SurveyAnswer(Base):
    """One answer seen through one group dimension; no person id, no instant, random id.

    Each answer is stored twice: once under its department (the row that carries the
    respondent token while the wave is open, so the answer can be changed) and once under
    its role (no token, no day). The two rows cannot be paired, so department and role are
    never stored together."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        Index("ix_survey_answers_cells", "wave_id", "dimension", "question_id", "grp", "value"),
        Index("ix_survey_answers_respondent", "wave_id", "respondent"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    dimension: Mapped[str] = mapped_column(String(20))  # department or role
    grp: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[int | None] = mapped_column()  # scale point, option index, or option bitmask
    comment: Mapped[str | None] = mapped_column(Text)
    respondent: Mapped[str | None] = mapped_column(String(64))
    answered_on: Mapped[date | None] = mapped_column(Date)


class SurveyExposure(Base):
    """How often a person was asked a question, so a rotating bank asks each once before repeats."""

    __tablename__ = "survey_exposures"
    __table_args__ = (UniqueConstraint("person_id", "template_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    template_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    times: Mapped[int] = mapped_column(default=1)


class SurveyCell(Base):
    """Answer counts per (dimension, question, group, value) of a closed wave, aggregated once at
    close by one GROUP BY, so results pages of closed waves never rescan a million answers."""

    __tablename__ = "survey_cells"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(20))
    question_id: Mapped[str] = mapped_column(String(100))
    grp: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[int | None] = mapped_column()
    answers: Mapped[int] = mapped_column()


class SurveyAnswerBuffer(Base):
    """Answers not yet written to `survey_answers`, sealed with a key the database does not hold.

    They are written in a transaction of their own and moved, in random order, once they come
    from at least k people (or at close), so no transaction id, row position or order pairs an
    answer with the participation row of the person who gave it."""

    __tablename__ = "survey_answer_buffer"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id", ondelete="CASCADE"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SurveySnapshot(Base):
    """Answers that arrived for a question since its live figures last changed."""

    __tablename__ = "survey_snapshots"

    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_waves.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    pending: Mapped[int] = mapped_column(default=0)
