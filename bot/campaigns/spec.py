"""What a campaign is made of, and every rule it must follow, whoever writes it (CLI, API, form).

Tracks and pulse templates are named by the ids in `content/` ("strategy", "digital-confidence"):
the learning composer and the survey scheduler look them up by those ids at send time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo

from bot.campaigns.cadence import parse_cadence, parse_days
from bot.people.audience import Audience
from bot.runtime.errors import UserFacingError
from storage.models import Campaign

MAX_OFFSET = 366  # phases and pulses lie within a year of their anchor
MAX_OPEN_DAYS = 60
MAX_CATCH_UP = 30
# Far enough for any plan, near enough that date arithmetic never overflows.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    from_day: int  # days relative to the event date, inclusive
    to_day: int
    cadence: str | None = None


@dataclass(frozen=True, slots=True)
class WaveSpec:
    template_id: str
    offset_days: int  # relative to the event date, or the start date without one
    open_days: int = 5
    questions_per_person: int | None = None


@dataclass(slots=True)
class CampaignSpec:
    name: str
    cadence: str
    audience: Audience
    tracks: list[str] = field(default_factory=list)
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

    def __post_init__(self) -> None:
        self.tracks = list(dict.fromkeys(self.tracks))  # ticking a track twice means once


@dataclass(frozen=True, slots=True)
class KnownContent:
    """The track and survey template ids a campaign may name: what `content/` holds."""

    tracks: frozenset[str] = frozenset()
    templates: frozenset[str] = frozenset()


def spec_of(campaign: Campaign) -> CampaignSpec:
    """A stored campaign as a spec, to compare an edit with and to fill in what it leaves out."""
    window = (campaign.window_start, campaign.window_end) if campaign.window_start else None
    return CampaignSpec(
        name=campaign.name,
        cadence=campaign.cadence,
        audience=Audience.from_json(campaign.audience),
        tracks=[str(t) for t in campaign.tracks.get("ids", [])],
        timezone=campaign.timezone,
        window=window,  # type: ignore[arg-type]
        working_days=campaign.working_days,
        holiday_country=campaign.holiday_country,
        jitter_minutes=campaign.jitter_minutes,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        event_date=campaign.event_date,
        phases=[Phase(**p) for p in campaign.phases.get("items", [])],
        waves=[
            WaveSpec(w.template_id, w.offset_days, w.open_days, w.questions_per_person)
            for w in campaign.waves
        ],
        catch_up_days=campaign.catch_up_days,
    )


def vars_of(item: Phase | WaveSpec) -> dict[str, object]:
    return {name: getattr(item, name) for name in item.__dataclass_fields__}


def parse_phase(text: str) -> Phase:
    """`NAME:FROM:TO[:CADENCE]`, days from the event date: "pre-work:-14:-1"."""
    name, *days = text.strip().split(":", 3)
    try:
        return Phase(name.strip(), int(days[0]), int(days[1]), days[2].strip() if days[2:] else None)
    except (IndexError, ValueError):
        raise UserFacingError("campaigns.bad_phase", phase=text) from None


def parse_wave(text: str) -> WaveSpec:
    """`TEMPLATE:OFFSET[:DAYS_OPEN]`, a pulse OFFSET days from the event: "digital-confidence:-2"."""
    template, *numbers = text.strip().split(":")
    try:
        if not 1 <= len(numbers) <= 2:
            raise ValueError(text)
        return WaveSpec(template.strip(), *(int(n) for n in numbers))
    except ValueError:
        raise UserFacingError("campaigns.bad_wave", wave=text) from None


def validate(spec: CampaignSpec, known: KnownContent) -> None:
    """Raise the first rule the spec breaks, as a message HR can act on."""
    parse_cadence(spec.cadence)
    if spec.working_days:
        parse_days(spec.working_days)
    if spec.timezone:
        try:
            ZoneInfo(spec.timezone)
        except (KeyError, ValueError):
            raise UserFacingError("campaigns.bad_zone", zone=spec.timezone) from None
    if spec.window:
        _check_window(spec.window)
    for day in (spec.starts_on, spec.ends_on, spec.event_date):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise UserFacingError("campaigns.far_date", date=day.isoformat())
    if spec.starts_on and spec.ends_on and spec.ends_on < spec.starts_on:
        raise UserFacingError("campaigns.bad_dates")
    if not 0 <= spec.catch_up_days <= MAX_CATCH_UP:
        raise UserFacingError("campaigns.bad_catch_up", most=MAX_CATCH_UP)
    for track in spec.tracks:
        if track not in known.tracks:
            raise UserFacingError("campaigns.unknown_track", track=track)
    _check_phases(spec)
    _check_waves(spec, known)


def _check_window(window: tuple[str, str]) -> None:
    try:
        start, end = (time.fromisoformat(part) for part in window)
    except ValueError:
        raise UserFacingError("campaigns.bad_window", window="-".join(window)) from None
    if start >= end:
        raise UserFacingError("campaigns.bad_window", window="-".join(window))


def _check_phases(spec: CampaignSpec) -> None:
    if spec.phases and spec.event_date is None:
        raise UserFacingError("campaigns.phases_need_event")
    names: set[str] = set()
    for phase in spec.phases:
        label = f"{phase.name} {phase.from_day}..{phase.to_day}"
        bad_name = not phase.name.strip() or ":" in phase.name or len(phase.name) > 60
        if bad_name or not -MAX_OFFSET <= phase.from_day <= phase.to_day <= MAX_OFFSET:
            raise UserFacingError("campaigns.bad_phase", phase=label)
        if phase.name in names:
            raise UserFacingError("campaigns.phase_twice", phase=phase.name)
        names.add(phase.name)
        if phase.cadence:
            parse_cadence(phase.cadence)


def _check_waves(spec: CampaignSpec, known: KnownContent) -> None:
    if spec.waves and spec.event_date is None and spec.starts_on is None:
        raise UserFacingError("campaigns.waves_need_date")
    for wave in spec.waves:
        if wave.template_id not in known.templates:
            raise UserFacingError("campaigns.unknown_template", template=wave.template_id)
        questions = wave.questions_per_person
        if (
            not -MAX_OFFSET <= wave.offset_days <= MAX_OFFSET
            or not 1 <= wave.open_days <= MAX_OPEN_DAYS
            or (questions is not None and not 1 <= questions <= 100)
        ):
            raise UserFacingError("campaigns.bad_wave", wave=f"{wave.template_id}:{wave.offset_days}")
