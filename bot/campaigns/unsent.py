"""A campaign's planned but unsent nudges, brought in line with an edit: the planner works up
to 36 hours ahead, so without this an edited cadence would still send on the old one."""

from __future__ import annotations

from datetime import timedelta

from bot.campaigns.calendar import occurrences
from storage.models import Campaign
from storage.repositories.campaigns import CampaignRepository

# Occurrences are wall times and rows are UTC: two days either side covers every zone.
MARGIN = timedelta(days=2)


async def refresh_unsent(repo: CampaignRepository, campaign: Campaign) -> None:
    """Unsent nudges carry the campaign's tracks; those its schedule no longer has are cancelled."""
    rows = await repo.unsent_nudges(campaign.id)
    if not rows:
        return
    dues = [due.replace(tzinfo=None) for _, _, due in rows]
    planned = {o.id for o in occurrences(campaign, min(dues) - MARGIN, max(dues) + MARGIN)}
    tracks = list(campaign.tracks.get("ids", []))
    payloads = {
        i: {**p, "tracks": tracks}
        for i, p, _ in rows
        if p.get("occurrence") in planned and p.get("tracks") != tracks
    }
    gone = [i for i, p, _ in rows if p.get("occurrence") not in planned]
    await repo.rewrite_unsent(payloads, gone, "the campaign's schedule changed")
