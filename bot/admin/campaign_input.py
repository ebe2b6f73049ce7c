"""A campaign as HR writes it in the dashboard form or the API: the same model for both."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from bot.campaigns.spec import CampaignSpec, Phase, WaveSpec
from bot.people.audience import Audience
from bot.runtime.errors import UserFacingError

ContentId = Annotated[str, Field(min_length=1, max_length=100)]
# Left out of an edit, these stay as they are: a client that predates them must not erase them.
KEPT_WHEN_LEFT_OUT = frozenset({"tracks", "event_date", "phases", "waves", "catch_up_days"})


class AudienceIn(BaseModel):
    everyone: bool = False
    departments: list[str] = Field(default_factory=list, max_length=200)
    roles: list[str] = Field(default_factory=list, max_length=20)
    ambassadors: bool = False
    emails: list[str] = Field(default_factory=list, max_length=10_000)


class PhaseIn(BaseModel):
    """A stretch of days around the event date, optionally with its own cadence."""

    name: str = Field(min_length=1, max_length=60, examples=["pre-work"])
    from_day: int = Field(description="Days from the event date, inclusive; negative is before it.")
    to_day: int = Field(description="Days from the event date, inclusive.")
    cadence: str | None = Field(None, max_length=200, description="Left out: the campaign's cadence.")


class PulseIn(BaseModel):
    """A pulse survey attached to the campaign, before (negative offset) or after its anchor."""

    template_id: ContentId = Field(examples=["digital-confidence"])
    offset_days: int = Field(
        examples=[-7], description="Days from the event date, or from the start date without one."
    )
    open_days: int = 5
    questions_per_person: int | None = Field(None, description="Left out: every question.")


class CampaignIn(BaseModel):
    """A campaign's settings, as created or edited (tracks, event date, phases, waves and
    catch-up days left out of an edit stay as they are)."""

    name: str = Field(min_length=1, max_length=200)
    cadence: str = Field(min_length=1, max_length=200, examples=["tue,thu 10:00"])
    audience: AudienceIn = Field(default_factory=AudienceIn)
    tracks: list[ContentId] = Field(
        default_factory=list, max_length=50, examples=[["strategy", "leadership"]],
        description="Content track ids whose lessons the nudges bring, in this order.",
    )  # fmt: skip
    timezone: str | None = Field(None, max_length=64)
    window: str | None = Field(None, max_length=11, examples=["09:00-15:00"])
    working_days: str | None = Field(None, max_length=40, examples=["mon-fri"])
    holiday_country: str = Field("DK", min_length=2, max_length=2)
    jitter_minutes: int = Field(30, ge=0, le=600)
    starts_on: date | None = None
    ends_on: date | None = None
    event_date: date | None = Field(None, description="The gathering that phases and pulses count from.")
    phases: list[PhaseIn] = Field(default_factory=list, max_length=20)
    waves: list[PulseIn] = Field(default_factory=list, max_length=20)
    catch_up_days: int = Field(3, description="Late joiners get the latest nudge of the last N days.")

    def spec(self, keep: CampaignSpec | None = None) -> CampaignSpec:
        """The core's spec; on an edit, `keep` (the campaign as it is) fills in what was left out."""
        window = tuple(part.strip() for part in self.window.split("-", 1)) if self.window else None
        if window is not None and len(window) != 2:
            raise UserFacingError("campaigns.bad_window", window=self.window or "")
        a = self.audience
        made = CampaignSpec(
            name=self.name.strip(),
            cadence=self.cadence.strip(),
            audience=Audience(
                a.everyone,
                tuple(a.departments),
                tuple(a.roles),
                a.ambassadors,
                tuple(e.lower() for e in a.emails),
            ),
            tracks=[t.strip() for t in self.tracks],
            timezone=self.timezone or None,
            window=window,  # type: ignore[arg-type]
            working_days=self.working_days or None,
            holiday_country=self.holiday_country,
            jitter_minutes=self.jitter_minutes,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            event_date=self.event_date,
            phases=[Phase(p.name.strip(), p.from_day, p.to_day, p.cadence or None) for p in self.phases],
            waves=[
                WaveSpec(w.template_id.strip(), w.offset_days, w.open_days, w.questions_per_person)
                for w in self.waves
            ],
            catch_up_days=self.catch_up_days,
        )
        for name in KEPT_WHEN_LEFT_OUT - self.model_fields_set if keep is not None else ():
            setattr(made, name, getattr(keep, name))
        return made
