"""Campaigns as HR plans them in the dashboard and the API: one form for create and edit, the
14-day preview with its lessons, state changes, and results with the before/after pulse comparison."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.preview import add_lessons, preview
from bot.campaigns.service import CampaignService
from bot.campaigns.spec import CampaignSpec, KnownContent, validate
from bot.clock import Clock
from bot.context import AppContext
from bot.people.audience import Audience
from bot.runtime.errors import UserFacingError
from bot.surveys.results import Comparison, compare
from bot.surveys.templates import Template
from storage.models import Campaign
from storage.repositories.campaigns import CampaignRepository
from storage.repositories.surveys import SurveyRepository


class AudienceIn(BaseModel):
    everyone: bool = False
    departments: list[str] = Field(default_factory=list, max_length=200)
    roles: list[str] = Field(default_factory=list, max_length=20)
    ambassadors: bool = False
    emails: list[str] = Field(default_factory=list, max_length=10_000)


class CampaignIn(BaseModel):
    """A campaign's settings, as created or edited."""

    name: str = Field(min_length=1, max_length=200)
    cadence: str = Field(min_length=1, max_length=200, examples=["tue,thu 10:00"])
    audience: AudienceIn = Field(default_factory=AudienceIn)
    timezone: str | None = Field(None, max_length=64)
    window: str | None = Field(None, max_length=11, examples=["09:00-15:00"])
    working_days: str | None = Field(None, max_length=40, examples=["mon-fri"])
    holiday_country: str = Field("DK", min_length=2, max_length=2)
    jitter_minutes: int = Field(30, ge=0, le=600)
    starts_on: date | None = None
    ends_on: date | None = None

    def spec(self) -> CampaignSpec:
        window = tuple(part.strip() for part in self.window.split("-", 1)) if self.window else None
        if window is not None and len(window) != 2:
            raise UserFacingError("campaigns.bad_window", window=self.window or "")
        a = self.audience
        return CampaignSpec(
            name=self.name.strip(),
            cadence=self.cadence.strip(),
            audience=Audience(
                a.everyone,
                tuple(a.departments),
                tuple(a.roles),
                a.ambassadors,
                tuple(e.lower() for e in a.emails),
            ),
            timezone=self.timezone or None,
            window=window,  # type: ignore[arg-type]
            working_days=self.working_days or None,
            holiday_country=self.holiday_country,
            jitter_minutes=self.jitter_minutes,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
        )


def apply_edit(campaign: Campaign, spec: CampaignSpec, now: Any, known: KnownContent) -> None:
    """Edit the settings HR may change after creation; the planner picks them up on its next tick."""
    validate(spec, known)
    campaign.name = spec.name
    campaign.cadence = spec.cadence
    campaign.audience = spec.audience.to_json()
    campaign.timezone = spec.timezone
    campaign.window_start, campaign.window_end = spec.window or (None, None)
    campaign.working_days = spec.working_days
    campaign.holiday_country = spec.holiday_country.upper()
    campaign.jitter_minutes = spec.jitter_minutes
    campaign.starts_on, campaign.ends_on = spec.starts_on, spec.ends_on
    campaign.updated_at = now


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "state": campaign.state,
        "cadence": campaign.cadence,
        "audience": campaign.audience,
        "timezone": campaign.timezone,
        "window": f"{campaign.window_start}-{campaign.window_end}" if campaign.window_start else None,
        "working_days": campaign.working_days,
        "holiday_country": campaign.holiday_country,
        "jitter_minutes": campaign.jitter_minutes,
        "starts_on": campaign.starts_on.isoformat() if campaign.starts_on else None,
        "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else None,
    }


async def preview_json(
    session: AsyncSession, context: AppContext, campaign: Campaign, language: str, days: int = 14
) -> list[dict[str, Any]]:
    """The preview, with the lessons each occurrence brings titled in `language`."""
    settings = context.settings
    lines = await preview(
        session, context.clock, campaign, settings.default_timezone, settings.delivery_workspace_rate, days
    )
    await add_lessons(session, context.content, campaign, lines, settings.default_language)
    return [
        {
            "occurrence": line.occurrence,
            "phase": line.phase,
            "recipients": line.recipients,
            "first_due": line.first_due.isoformat() if line.first_due else None,
            "last_due": line.last_due.isoformat() if line.last_due else None,
            "expected_done": line.expected_done.isoformat() if line.expected_done else None,
            "skipped": dict(line.skipped),
            "lessons": [
                {"id": lesson_id, "title": _title(context, lesson_id, language), "people": people}
                for lesson_id, people in line.lessons.most_common()
            ],
            "without_lesson": line.without_lesson,
        }
        for line in lines
    ]


def _title(context: AppContext, lesson_id: str, language: str) -> str:
    lesson = context.content.lesson(lesson_id, language)
    return lesson.title if lesson else lesson_id


@dataclass(frozen=True, slots=True)
class CampaignResults:
    outbox: dict[str, int]
    waves: list[int]
    before: int | None
    after: int | None
    comparison: list[Comparison]


async def results(
    session: AsyncSession, campaign: Campaign, templates: dict[str, Template], k: int
) -> CampaignResults:
    """Delivery figures, and the first and last closed pulse of the campaign compared, per question."""
    outbox = await CampaignRepository(session).outbox_counts(campaign.id)
    closed = [
        w for w in await SurveyRepository(session).waves(status="closed") if w.campaign_id == campaign.id
    ]
    waves = [w.id for w in closed]
    first = closed[0] if closed else None
    last = next(
        (w for w in reversed(closed) if first and w.template_id == first.template_id and w is not first), None
    )
    comparison: list[Comparison] = []
    if first is not None and last is not None:
        comparison = await compare(session, first.id, last.id, k=k, templates=templates)
    return CampaignResults(outbox, waves, first.id if first else None, last.id if last else None, comparison)


async def find(session: AsyncSession, clock: Clock, campaign_id: int) -> Campaign | None:
    campaign = await CampaignService(session, clock).repo.get(campaign_id)
    return campaign
