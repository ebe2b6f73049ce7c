"""Planning turns active campaigns into outbox rows, one bulk insert per occurrence.

Rows are keyed "nudge:{campaign}:{occurrence}:{person}", so planning again (every tick, on
every replica that ever leads) never duplicates. People who joined the audience after an
occurrence was planned catch up with the most recent one within `catch_up_days`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.calendar import Occurrence, occurrences
from bot.campaigns.timing import base_time, jitter_seconds, resolve
from bot.clock import Clock
from bot.people.audience import Audience
from storage.models import Campaign
from storage.repositories.campaigns import CampaignRepository, Recipient

HORIZON = timedelta(hours=36)  # rows exist well before they are due, so a pause stops them in time
CHUNK = 5000


def nudge_key(campaign_id: int, occurrence: str, person_id: int) -> str:
    return f"nudge:{campaign_id}:{occurrence}:{person_id}"


async def plan_campaign(
    session: AsyncSession, clock: Clock, campaign: Campaign, org_zone: str, horizon: timedelta = HORIZON
) -> int:
    """Enqueue every due or soon-due nudge of one active campaign; returns rows added."""
    if campaign.state != "active":
        return 0
    now = clock.now()
    wall_now = now.replace(tzinfo=None)
    occs = occurrences(
        campaign,
        wall_now - timedelta(days=campaign.catch_up_days + 1),
        wall_now + horizon + timedelta(days=1),
    )
    if not occs:
        return 0
    repo = CampaignRepository(session)
    recipients = await repo.recipients(Audience.from_json(campaign.audience).person_ids(), campaign.id)
    earliest = max(now - timedelta(days=campaign.catch_up_days), campaign.activated_at or now)
    latest_past: dict[int, dict[str, Any]] = {}
    added = 0
    for occ in occs:
        rows: list[dict[str, Any]] = []
        for recipient in recipients:
            row = _row(campaign, occ, recipient, org_zone, now)
            if row is None or row["due_at"] > now + horizon:
                continue
            if row["due_at"] < now:  # past: only the newest one, sent now, as catch-up
                if row["due_at"] >= earliest:
                    latest_past[recipient[0]] = {**row, "due_at": now}
                continue
            rows.append(row)
            if len(rows) >= CHUNK:
                added += await repo.enqueue_many(rows)
                rows = []
        added += await repo.enqueue_many(rows)
    past = list(latest_past.values())
    for start in range(0, len(past), CHUNK):
        added += await repo.enqueue_many(past[start : start + CHUNK])
    return added


def _row(
    campaign: Campaign, occ: Occurrence, recipient: Recipient, org_zone: str, now: datetime
) -> dict[str, Any] | None:
    person_id, zone, window_start, window_end, days = recipient
    rules = resolve(
        zone,
        (window_start, window_end),
        days,
        campaign.timezone,
        (campaign.window_start, campaign.window_end),
        campaign.working_days,
        org_zone,
        campaign.holiday_country,
    )
    placed = base_time(rules, occ.wall, campaign.jitter_minutes)
    if placed is None:
        return None
    start, span = placed
    return {
        "key": nudge_key(campaign.id, occ.id, person_id),
        "person_id": person_id,
        "conversation_ref_id": None,
        "campaign_id": campaign.id,
        "kind": "nudge",
        "reply": None,
        "payload": {
            "campaign_id": campaign.id,
            "tracks": list(campaign.tracks.get("ids", [])),
            "occurrence": occ.id,
        },
        "status": "pending",
        "due_at": start + timedelta(seconds=jitter_seconds(campaign.id, occ.id, person_id, span)),
        "attempts": 0,
        "created_at": now,
    }
