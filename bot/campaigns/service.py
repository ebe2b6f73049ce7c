"""What HR does with a campaign: create it, start, pause, resume and finish it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.cadence import parse_cadence, parse_days
from bot.clock import Clock
from bot.people.audience import Audience
from bot.runtime.errors import UserFacingError
from storage.models import Campaign, CampaignWave
from storage.repositories.campaigns import CampaignRepository

STATES = ("draft", "active", "paused", "finished")
# "resume" also starts a draft: it is how HR says "go".
MOVES = {"pause": ("active",), "resume": ("draft", "paused"), "finish": ("draft", "active", "paused")}
AFTER = {"pause": "paused", "resume": "active", "finish": "finished"}


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    from_day: int  # days relative to the event date, inclusive
    to_day: int
    cadence: str | None = None


@dataclass(frozen=True, slots=True)
class WaveSpec:
    template_id: int
    offset_days: int  # relative to the event date, or the start date without one
    open_days: int = 5
    questions_per_person: int | None = None


@dataclass(slots=True)
class CampaignSpec:
    name: str
    cadence: str
    audience: Audience
    tracks: list[int] = field(default_factory=list)
    timezone: str | None = None
    window: tuple[str, str] | None = None
    working_days: str | None = None
    holiday_country: str = "DK"
    jitter_minutes: int = 30
    starts_on: date | None = None
    ends_on: date | None = None
    event_date: date | None = None
    phases: list[Phase] = field(default_factory=list)
    waves: list[WaveSpec] = field(default_factory=list)
    catch_up_days: int = 3


class CampaignService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.repo = CampaignRepository(session)
        self.clock = clock

    async def create(self, spec: CampaignSpec) -> Campaign:
        """A new campaign in draft, after checking every rule it is made of."""
        _validate(spec)
        if await self.repo.get(spec.name) is not None:
            raise UserFacingError("campaigns.exists", name=spec.name)
        now = self.clock.now()
        campaign = await self.repo.add(
            Campaign(
                name=spec.name,
                state="draft",
                audience=spec.audience.to_json(),
                tracks={"ids": spec.tracks},
                cadence=spec.cadence,
                timezone=spec.timezone,
                window_start=spec.window[0] if spec.window else None,
                window_end=spec.window[1] if spec.window else None,
                working_days=spec.working_days,
                holiday_country=spec.holiday_country.upper(),
                jitter_minutes=spec.jitter_minutes,
                starts_on=spec.starts_on,
                ends_on=spec.ends_on,
                event_date=spec.event_date,
                phases={"items": [vars_of(p) for p in spec.phases]},
                catch_up_days=spec.catch_up_days,
                created_at=now,
                updated_at=now,
            )
        )
        for wave in spec.waves:
            self.repo.session.add(CampaignWave(campaign_id=campaign.id, **vars_of(wave)))
        await self.repo.session.flush()
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
            raise UserFacingError("campaigns.bad_state", name=campaign.name, state=campaign.state)
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


def vars_of(item: Phase | WaveSpec) -> dict[str, object]:
    return {name: getattr(item, name) for name in item.__dataclass_fields__}


def _validate(spec: CampaignSpec) -> None:
    parse_cadence(spec.cadence)
    for phase in spec.phases:
        if phase.cadence:
            parse_cadence(phase.cadence)
    if spec.phases and spec.event_date is None:
        raise UserFacingError("campaigns.phases_need_event")
    if spec.working_days:
        parse_days(spec.working_days)
    if spec.timezone:
        try:
            ZoneInfo(spec.timezone)
        except (KeyError, ValueError):
            raise UserFacingError("campaigns.bad_zone", zone=spec.timezone) from None
    if spec.window:
        try:
            start, end = (time.fromisoformat(part) for part in spec.window)
        except ValueError:
            raise UserFacingError("campaigns.bad_window", window="-".join(spec.window)) from None
        if start >= end:
            raise UserFacingError("campaigns.bad_window", window="-".join(spec.window))
    if spec.starts_on and spec.ends_on and spec.ends_on < spec.starts_on:
        raise UserFacingError("campaigns.bad_dates")
