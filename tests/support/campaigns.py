"""Helpers for campaign tests: a simple nudge composer and a campaign made in one call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.service import CampaignService
from bot.campaigns.spec import CampaignSpec, KnownContent
from bot.context import AppContext
from bot.people.audience import Audience
from bot.runtime.replies import Reply
from storage.models import OutboxMessage, Person


async def lesson(
    _session: AsyncSession, _person: Person, payload: dict[str, Any], _now: datetime, _app: AppContext
) -> Reply:
    prefix = "Reminder: " if payload.get("reminder") else ""
    return Reply(text=f"{prefix}Lesson for {payload['occurrence']}")


def use_test_composer(app: FastAPI) -> AppContext:
    app.state.worker.composers = {"nudge": lesson}
    return app.state.context


async def start_campaign(context: AppContext, name: str = "Basics", **fields: Any) -> int:
    spec = CampaignSpec(
        name=name, cadence=fields.pop("cadence", "tue,thu 10:00"), audience=Audience(everyone=True),
        tracks=["strategy"], jitter_minutes=fields.pop("jitter_minutes", 0), **fields,
    )  # fmt: skip
    async with context.db.unit_of_work() as session:
        service = CampaignService(session, context.clock)
        campaign = await service.create(spec, KnownContent(tracks=frozenset(spec.tracks)))
        await service.move(campaign.id, "resume")
        return campaign.id


async def outbox(context: AppContext) -> list[OutboxMessage]:
    async with context.db.unit_of_work() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())
