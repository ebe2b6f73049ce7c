"""The recurring planning job: every active campaign's upcoming nudges and due pulse waves."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.planner import plan_campaign
from bot.clock import Clock
from bot.context import AppContext
from bot.delivery.limits import workspace_rates
from bot.people.audience import Audience
from storage.models import Campaign
from storage.repositories.campaigns import CampaignRepository

log = logging.getLogger(__name__)

try:  # pulse surveys are another feature; without it attached waves wait
    from bot.surveys.waves import schedule_wave  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on which features are installed
    schedule_wave = None


async def plan_due(app: AppContext) -> None:
    """Plan each active campaign in its own transaction, so one bad campaign blocks none."""
    async with app.db.unit_of_work() as session:
        ids = [c.id for c in await CampaignRepository(session).active()]
    for campaign_id in ids:
        try:
            async with app.db.unit_of_work() as session:
                campaign = await session.get(Campaign, campaign_id)
                if campaign is None:
                    continue
                added = await plan_campaign(
                    session,
                    app.clock,
                    campaign,
                    app.settings.default_timezone,
                    rates=workspace_rates(app.settings),
                )
                await attach_waves(session, app.clock, campaign, app.settings.default_timezone)
            if added:
                log.info("campaign %s: %s nudges planned", campaign_id, added)
                app.delivery_wakeup.set()
        except Exception:
            log.exception("planning campaign %s failed", campaign_id)


async def attach_waves(session: AsyncSession, clock: Clock, campaign: Campaign, org_zone: str) -> int:
    """Open the campaign's attached waves whose day has come; returns how many were scheduled."""
    anchor = campaign.event_date or campaign.starts_on
    if schedule_wave is None or anchor is None:
        return 0
    zone = ZoneInfo(campaign.timezone or org_zone)
    scheduled = 0
    for wave in await CampaignRepository(session).waves(campaign.id):
        if wave.wave_id is not None:
            continue
        opens_at = datetime.combine(
            anchor + timedelta(days=wave.offset_days), time(9), tzinfo=zone
        ).astimezone(UTC)
        if opens_at - clock.now() > timedelta(days=1):
            continue
        wave.wave_id = await schedule_wave(
            session,
            clock,
            template_id=wave.template_id,
            audience=Audience.from_json(campaign.audience),
            opens_at=max(opens_at, clock.now()),
            closes_at=opens_at + timedelta(days=wave.open_days),
            anonymous=True,
            campaign_id=campaign.id,
            questions_per_person=wave.questions_per_person,
        )
        wave.scheduled_at = clock.now()
        scheduled += 1
    return scheduled
