"""Chat side of campaigns: the answer to "shall I keep sending?", the planning job, the gate."""

from __future__ import annotations

from bot.campaigns.gate import campaign_gate, nudges_sent
from bot.campaigns.jobs import plan_due
from bot.campaigns.preload import load_campaigns
from bot.delivery.compose import Composer, Preload
from bot.delivery.policy import AfterSent, Gate
from bot.home import HomeSection
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn
from bot.scheduler import RecurringJob
from storage.models import Campaign, CampaignParticipant
from storage.repositories.campaigns import CampaignRepository

HOME: list[HomeSection] = []
JOBS: list[RecurringJob] = [
    RecurringJob("campaigns.plan", plan_due, every_seconds=300, misfire_grace_seconds=600)
]
COMPOSERS: dict[str, Composer] = {}
GATES: list[Gate] = [campaign_gate]
AFTER_SENT: list[AfterSent] = [nudges_sent]
PRELOADS: list[Preload] = [load_campaigns]
GROWS: list[str] = [CampaignParticipant.__tablename__]  # a participant per person nudged


def register(router: Router) -> None:
    router.action("campaigns.continue", keep_going)
    router.action("campaigns.stop", stop)


async def keep_going(turn: Turn) -> Reply:
    campaign = await _campaign(turn)
    participant = await CampaignRepository(turn.session).participant(campaign.id, turn.person.id, turn.now())
    participant.status, participant.ignored_streak, participant.updated_at = "active", 0, turn.now()
    return Reply(text=turn.t("campaigns.continued", campaign=campaign.name))


async def stop(turn: Turn) -> Reply:
    campaign = await _campaign(turn)
    participant = await CampaignRepository(turn.session).participant(campaign.id, turn.person.id, turn.now())
    participant.status, participant.updated_at = "stopped", turn.now()
    return Reply(text=turn.t("campaigns.stopped", campaign=campaign.name))


async def _campaign(turn: Turn) -> Campaign:
    campaign = (
        await CampaignRepository(turn.session).get(turn.event.value) if turn.event.value.isdigit() else None
    )
    if campaign is None:
        raise UserFacingError("campaigns.unknown", name=turn.event.value)
    return campaign
