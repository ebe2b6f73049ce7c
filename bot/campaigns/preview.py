"""A dry run: who gets which occurrence when over the coming days, which lessons it brings,
what is skipped and why, and when the last message should be out given the rate limit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.calendar import occurrences
from bot.campaigns.timing import LocalRules, base_time, holiday_name, jitter_seconds, resolve, skip_reason
from bot.clock import Clock
from bot.content.library import ContentLibrary
from bot.i18n import Catalogue
from bot.learning.order import lessons_ahead
from bot.people.audience import Audience
from storage.models import Campaign
from storage.repositories.campaigns import CampaignRepository

# Why a person gets nothing on a day, in words for whoever reads the preview.
Describe = Callable[[LocalRules, date], str]


def in_english(rules: LocalRules, day: date) -> str:
    return skip_reason(rules, day) or "skipped"


def in_language(catalogue: Catalogue, language: str) -> Describe:
    """Skip reasons from the catalogue, holidays named in the reader's language (or a neighbour's)."""

    def describe(rules: LocalRules, day: date) -> str:
        name = holiday_name(rules.country, day, language)
        if name:
            return catalogue.text(language, "admin.campaigns.skip_holiday", country=rules.country, name=name)
        return catalogue.text(language, "admin.campaigns.skip_day_off")  # the only other reason

    return describe


@dataclass(slots=True)
class PreviewLine:
    occurrence: str
    phase: str | None
    recipients: int = 0
    first_due: datetime | None = None
    last_due: datetime | None = None
    expected_done: datetime | None = None
    skipped: Counter[str] = field(default_factory=Counter)
    sends: list[tuple[int, datetime]] = field(default_factory=list)
    lessons: Counter[str] = field(default_factory=Counter)  # lesson id -> people it goes to
    without_lesson: int = 0  # people with no new lesson left in the campaign's tracks


async def preview(
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    org_zone: str,
    rate_per_second: float,
    days: int = 14,
    describe: Describe = in_english,
) -> list[PreviewLine]:
    """Every occurrence in the next `days`, with the (person, UTC time) of each send."""
    now = clock.now()
    wall_now = now.replace(tzinfo=None)
    recipients = await CampaignRepository(session).recipients(
        Audience.from_json(campaign.audience).person_ids(), campaign.id
    )
    lines = []
    for occ in occurrences(campaign, wall_now - timedelta(days=1), wall_now + timedelta(days=days + 1)):
        line = PreviewLine(occ.id, occ.phase)
        for person_id, zone, w_start, w_end, work_days in recipients:
            rules = resolve(
                zone, (w_start, w_end), work_days, campaign.timezone,
                (campaign.window_start, campaign.window_end), campaign.working_days,
                org_zone, campaign.holiday_country,
            )  # fmt: skip
            placed = base_time(rules, occ.wall, campaign.jitter_minutes)
            if placed is None:
                line.skipped[describe(rules, occ.wall.date())] += 1
                continue
            due = placed[0] + timedelta(seconds=jitter_seconds(campaign.id, occ.id, person_id, placed[1]))
            if now <= due <= now + timedelta(days=days):
                line.sends.append((person_id, due))
        # Earlier occurrences are looked at only for zones behind UTC: a day already gone is no news.
        if line.sends or (line.skipped and occ.wall.date() >= wall_now.date()):
            _finish(line, rate_per_second)
            lines.append(line)
    return lines


def _finish(line: PreviewLine, rate: float) -> None:
    """Fill in counts and the time the last send should leave at `rate` messages a second."""
    line.sends.sort(key=lambda item: item[1])
    line.recipients = len(line.sends)
    if not line.sends:
        return
    line.first_due, line.last_due = line.sends[0][1], line.sends[-1][1]
    free = line.first_due
    for _, due in line.sends:
        free = max(free, due) + timedelta(seconds=1 / rate)
    line.expected_done = free


async def add_lessons(
    session: AsyncSession,
    content: ContentLibrary,
    campaign: Campaign,
    lines: list[PreviewLine],
    default_language: str,
) -> None:
    """Fill in the lesson each send would bring: each person's next new one, occurrence by occurrence."""
    ahead = await lessons_ahead(
        session,
        content,
        [str(t) for t in campaign.tracks.get("ids", [])],
        Audience.from_json(campaign.audience).person_ids(),
        default_language,
    )
    taken: Counter[int] = Counter()
    for line in lines:
        for person_id, _ in line.sends:
            queue = ahead.get(person_id, [])
            if taken[person_id] < len(queue):
                line.lessons[queue[taken[person_id]]] += 1
                taken[person_id] += 1
            else:
                line.without_lesson += 1
