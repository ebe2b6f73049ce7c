"""Campaigns, who takes part, attached pulse waves and per-person delivery preferences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base
from storage.types import UTCDateTime


class Campaign(Base):
    """A planned series of nudges; the rows here are the source of truth for the planner."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    audience: Mapped[dict[str, Any]] = mapped_column()
    tracks: Mapped[dict[str, Any]] = mapped_column()  # {"ids": [track ids]}
    cadence: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    window_start: Mapped[str | None] = mapped_column(String(5))
    window_end: Mapped[str | None] = mapped_column(String(5))
    working_days: Mapped[str | None] = mapped_column(String(40))
    holiday_country: Mapped[str] = mapped_column(String(2), default="DK")
    jitter_minutes: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    event_date: Mapped[date | None] = mapped_column()
    phases: Mapped[dict[str, Any]] = mapped_column()  # {"items": [{"name", "from_day", "to_day", "cadence"}]}
    catch_up_days: Mapped[int] = mapped_column(default=3)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    waves: Mapped[list[CampaignWave]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="CampaignWave.id"
    )


class CampaignWave(Base):
    """A pulse survey wave attached before or after a campaign's event date (or start)."""

    __tablename__ = "campaign_waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[str] = mapped_column(String(100))  # a survey template id from content/
    offset_days: Mapped[int] = mapped_column()  # relative to the event date (or the start date)
    open_days: Mapped[int] = mapped_column(default=5)
    questions_per_person: Mapped[int | None] = mapped_column()
    wave_id: Mapped[int | None] = mapped_column()
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CampaignParticipant(Base):
    """A person's standing in one campaign; absent means taking part normally."""

    __tablename__ = "campaign_participants"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active, paused, stopped
    ignored_streak: Mapped[int] = mapped_column(default=0)
    last_nudge_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryPreference(Base):
    """When a person wants to be written to: window, working days, quiet hours, away, opt-outs."""

    __tablename__ = "delivery_preferences"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    window_start: Mapped[str | None] = mapped_column(String(5))
    window_end: Mapped[str | None] = mapped_column(String(5))
    working_days: Mapped[str | None] = mapped_column(String(40))
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    away_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opted_out: Mapped[bool] = mapped_column(default=False)
    digest_opted_out: Mapped[bool] = mapped_column(default=False)  # no daily HR digest
