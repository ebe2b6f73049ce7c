"""Campaigns as HR sees them in the dashboard and the API: their settings as JSON, the 14-day
preview with its lessons, and results with the before/after pulse comparison."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.preview import add_lessons, in_language, preview
from bot.campaigns.service import CampaignService
from bot.clock import Clock
from bot.context import AppContext
from bot.surveys.results import Comparison, compare
from bot.surveys.templates import Template
from storage.models import Campaign
from storage.repositories.campaigns import CampaignRepository
from storage.repositories.surveys import SurveyRepository


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "state": campaign.state,
        "cadence": campaign.cadence,
        "audience": campaign.audience,
        "tracks": list(campaign.tracks.get("ids", [])),
        "timezone": campaign.timezone,
        "window": f"{campaign.window_start}-{campaign.window_end}" if campaign.window_start else None,
        "working_days": campaign.working_days,
        "holiday_country": campaign.holiday_country,
        "jitter_minutes": campaign.jitter_minutes,
        "starts_on": campaign.starts_on.isoformat() if campaign.starts_on else None,
        "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else None,
        "event_date": campaign.event_date.isoformat() if campaign.event_date else None,
        "phases": list(campaign.phases.get("items", [])),
        "waves": [
            {
                "template_id": w.template_id,
                "offset_days": w.offset_days,
                "open_days": w.open_days,
                "questions_per_person": w.questions_per_person,
                "survey_wave_id": w.wave_id,  # set once the pulse is scheduled as a survey wave
            }
            for w in campaign.waves
        ],
        "catch_up_days": campaign.catch_up_days,
    }


async def preview_json(
    session: AsyncSession, context: AppContext, campaign: Campaign, language: str, days: int = 14
) -> list[dict[str, Any]]:
    """The preview, with the lessons each occurrence brings and the skipped days in `language`."""
    settings = context.settings
    lines = await preview(
        session,
        context.clock,
        campaign,
        settings.default_timezone,
        settings.delivery_workspace_rate,
        days,
        in_language(context.catalogue, language),
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
