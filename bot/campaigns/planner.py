"""Planning turns active campaigns into outbox rows, one bulk insert per occurrence.

Rows are keyed "nudge:{campaign}:{occurrence}:{person}", so planning again (every tick, on
every replica that ever leads) never duplicates. People who joined the audience after an
occurrence was planned catch up with the most recent one within `catch_up_days`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.calendar import Occurrence, occurrences
from bot.campaigns.timing import base_time, jitter_seconds, resolve
from bot.clock import Clock
from bot.people.audience import Audience
from bot.runtime.events import Platform
from storage.models import Campaign
from storage.repositories.campaigns import CampaignRepository, Recipient
from storage.repositories.people import PeopleRepository

HORIZON = timedelta(hours=36)  # rows exist well before they are due, so a pause stops them in time
CHUNK = 5000
ANALYZE_AFTER = 1000  # rows planned at once: enough to change how the delivery claim should read them

Planned = tuple[datetime, int, str]  # (due, person id, occurrence id)


def nudge_key(campaign_id: int, occurrence: str, person_id: int) -> str:
    return f"nudge:{campaign_id}:{occurrence}:{person_id}"


async def plan_campaign(
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    org_zone: str,
    horizon: timedelta = HORIZON,
    rates: Mapping[Platform, float] | None = None,
) -> int:
    """Enqueue every due or soon-due nudge of one active campaign; returns rows added. With
    `rates` (messages a second per workspace), nudges due together in one workspace are spread
    over the time the platform needs for them (`spread`)."""
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
    planned: list[Planned] = []
    latest_past: dict[int, Planned] = {}
    for occ in occs:
        for recipient in recipients:
            due = _due(campaign, occ, recipient, org_zone)
            if due is None or due > now + horizon:
                continue
            person_id = recipient[0]
            if due < now:  # past: only the newest one, sent now, as catch-up
                if due >= earliest:
                    latest_past[person_id] = (now, person_id, occ.id)
                continue
            planned.append((due, person_id, occ.id))
    planned += latest_past.values()
    if rates:
        planned = spread(planned, await PeopleRepository(session).workspaces(), rates)
    added = 0
    for start in range(0, len(planned), CHUNK):
        chunk = planned[start : start + CHUNK]
        added += await repo.enqueue_many([_row(campaign, occ, who, due, now) for due, who, occ in chunk])
    if added >= ANALYZE_AFTER:
        await repo.refresh_outbox_statistics()
    return added


def spread(
    planned: list[Planned], workspaces: Mapping[int, tuple[str, str]], rates: Mapping[Platform, float]
) -> list[Planned]:
    """Nudges in due order, each no earlier than its workspace's previous one plus one message's
    time at the workspace's rate: a whole occurrence due at one moment then comes due at the pace
    the platform takes it, and delivery sends each as it comes due instead of re-pacing a burst.
    People who are due at different times (their own time zone) are not moved."""
    booked: dict[tuple[str, str], datetime] = {}
    paced: list[Planned] = []
    for due, person_id, occurrence in sorted(planned):
        workspace = workspaces.get(person_id)
        rate = rates.get(Platform(workspace[0])) if workspace else None
        if workspace and rate:
            due = max(due, booked.get(workspace, due))
            booked[workspace] = due + timedelta(seconds=1 / rate)
        paced.append((due, person_id, occurrence))
    return paced


def _due(campaign: Campaign, occ: Occurrence, recipient: Recipient, org_zone: str) -> datetime | None:
    """When the occurrence reaches this person: in their window and working days, jittered."""
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
    return start + timedelta(seconds=jitter_seconds(campaign.id, occ.id, person_id, span))


def _row(campaign: Campaign, occurrence: str, person_id: int, due: datetime, now: datetime) -> dict[str, Any]:
    return {
        "key": nudge_key(campaign.id, occurrence, person_id),
        "person_id": person_id,
        "conversation_ref_id": None,
        "campaign_id": campaign.id,
        "kind": "nudge",
        "reply": None,
        "payload": {
            "campaign_id": campaign.id,
            "tracks": list(campaign.tracks.get("ids", [])),
            "occurrence": occurrence,
        },
        "status": "pending",
        "due_at": due,
        "attempts": 0,
        "created_at": now,
    }
