"""What HR does with a campaign: create and edit it, start, pause, resume and finish it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.spec import CampaignSpec, KnownContent, WaveSpec, spec_of, validate, vars_of
from bot.campaigns.unsent import refresh_unsent
from bot.clock import Clock
from bot.i18n import Term
from bot.runtime.errors import UserFacingError
from storage.models import Campaign, CampaignWave
from storage.repositories.campaigns import CampaignRepository

STATES = ("draft", "active", "paused", "finished")
# "resume" also starts a draft: it is how HR says "go".
MOVES = {"pause": ("active",), "resume": ("draft", "paused"), "finish": ("draft", "active", "paused")}
AFTER = {"pause": "paused", "resume": "active", "finish": "finished"}
# What a campaign sends changes only while nothing of it is on the way: planned nudges carry
# their tracks and occurrence, so an active campaign is paused first (its nudges are held).
CONTENT_EDITABLE = ("draft", "paused")


class CampaignService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.repo = CampaignRepository(session)
        self.clock = clock

    async def create(self, spec: CampaignSpec, known: KnownContent) -> Campaign:
        """A new campaign in draft, after checking every rule it is made of."""
        validate(spec, known)
        if await self.repo.get(spec.name) is not None:
            raise UserFacingError("campaigns.exists", name=spec.name)
        now = self.clock.now()
        campaign = Campaign(
            state="draft", created_at=now, waves=[CampaignWave(**vars_of(w)) for w in spec.waves]
        )
        _apply(campaign, spec, now)
        return await self.repo.add(campaign)

    async def edit(self, campaign: Campaign, spec: CampaignSpec, known: KnownContent) -> Campaign:
        """Change the settings; tracks, phases and pulses only while a draft or paused.

        The planner picks the rest up on its next tick. Nudges planned but not sent yet follow
        the new tracks, and those the new schedule no longer has are cancelled.
        """
        validate(spec, known)
        if spec.name != campaign.name and await self.repo.get(spec.name) is not None:
            raise UserFacingError("campaigns.exists", name=spec.name)
        before = spec_of(campaign)
        content = ("tracks", "event_date", "phases", "waves")
        changed = [name for name in content if getattr(spec, name) != getattr(before, name)]
        if changed and campaign.state not in CONTENT_EDITABLE:
            key = "campaigns.finished_fixed" if campaign.state == "finished" else "campaigns.pause_to_change"
            raise UserFacingError(key, name=campaign.name, state=Term(f"campaigns.state.{campaign.state}"))
        waves = _rewaved(campaign.waves, spec.waves) if "waves" in changed else campaign.waves
        _apply(campaign, spec, self.clock.now())
        campaign.waves = waves
        if campaign.state in ("active", "paused"):
            await refresh_unsent(self.repo, campaign)
        return campaign

    async def get(self, ref: str | int) -> Campaign:
        campaign = await self.repo.get(ref)
        if campaign is None:
            raise UserFacingError("campaigns.unknown", name=str(ref))
        return campaign

    async def move(self, ref: str | int, action: str) -> Campaign:
        """pause, resume (or start) or finish; pausing holds unsent rows, resuming releases them."""
        campaign = await self.get(ref)
        if campaign.state not in MOVES[action]:
            raise UserFacingError(
                "campaigns.bad_state", name=campaign.name, state=Term(f"campaigns.state.{campaign.state}")
            )
        now = self.clock.now()
        if action == "pause":
            await self.repo.hold_pending(campaign.id)
        elif action == "resume":
            await self.repo.release_held(campaign.id)
        elif action == "finish":
            await self.repo.drop_unsent(campaign.id)
        if campaign.state == "draft" and action == "resume":
            campaign.activated_at = now
        campaign.state = AFTER[action]
        campaign.updated_at = now
        return campaign


def _apply(campaign: Campaign, spec: CampaignSpec, now: datetime) -> None:
    campaign.name = spec.name
    campaign.cadence = spec.cadence
    campaign.audience = spec.audience.to_json()
    campaign.tracks = {"ids": list(spec.tracks)}
    campaign.timezone = spec.timezone
    campaign.window_start, campaign.window_end = spec.window or (None, None)
    campaign.working_days = spec.working_days
    campaign.holiday_country = spec.holiday_country.upper()
    campaign.jitter_minutes = spec.jitter_minutes
    campaign.starts_on, campaign.ends_on = spec.starts_on, spec.ends_on
    campaign.event_date = spec.event_date
    campaign.phases = {"items": [vars_of(p) for p in spec.phases]}
    campaign.catch_up_days = spec.catch_up_days
    campaign.updated_at = now


def _rewaved(current: list[CampaignWave], wanted: list[WaveSpec]) -> list[CampaignWave]:
    """The wanted pulses; one that has been scheduled as a survey wave already cannot go or change."""
    started = [w for w in current if w.wave_id is not None]
    kept = []
    for wave in started:
        same = WaveSpec(wave.template_id, wave.offset_days, wave.open_days, wave.questions_per_person)
        if same not in wanted:
            raise UserFacingError("campaigns.wave_started", template=wave.template_id)
        kept.append(same)
    return started + [CampaignWave(**vars_of(w)) for w in wanted if w not in kept]
