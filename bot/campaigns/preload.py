"""What the campaign gate reads for a claimed batch, loaded at once: campaigns and participation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.repositories.campaigns import CampaignRepository


async def load_campaigns(session: AsyncSession, rows: Sequence[OutboxMessage], _now: datetime) -> None:
    keys = {
        (row.campaign_id, row.person_id)
        for row in rows
        if row.kind == "nudge" and row.campaign_id is not None and row.person_id is not None
    }
    if keys:
        await CampaignRepository(session).load_batch(keys)
