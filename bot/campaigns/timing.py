"""Where a planned nudge lands in one person's day: zone, window, working days, holidays, jitter.

Precedence for zone, window and working days: the person's own setting, then the campaign's,
then the organisation's. Public holidays follow the person's zone when it names a Nordic
country, otherwise the campaign's country.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.campaigns.cadence import parse_days

ORG_WINDOW = ("09:00", "16:00")
ORG_WORKING_DAYS = "mon-fri"
ZONE_COUNTRY = {
    "Europe/Copenhagen": "DK",
    "Europe/Oslo": "NO",
    "Europe/Stockholm": "SE",
    "Europe/Helsinki": "FI",
}


@dataclass(frozen=True, slots=True)
class LocalRules:
    """One recipient's delivery rules, resolved."""

    zone: ZoneInfo
    window_start: time
    window_end: time
    working_days: frozenset[int]
    country: str


@lru_cache(maxsize=4096)
def resolve(
    person_zone: str | None,
    person_window: tuple[str | None, str | None],
    person_days: str | None,
    campaign_zone: str | None,
    campaign_window: tuple[str | None, str | None],
    campaign_days: str | None,
    org_zone: str,
    campaign_country: str,
) -> LocalRules:
    """Apply person → campaign → organisation precedence (cached: few distinct combinations)."""
    zone_name = person_zone or campaign_zone or org_zone
    try:
        zone = ZoneInfo(zone_name)
    except (KeyError, ValueError):  # an unknown zone from a platform profile: fall back
        zone_name, zone = org_zone, ZoneInfo(org_zone)
    start = person_window[0] or campaign_window[0] or ORG_WINDOW[0]
    end = person_window[1] or campaign_window[1] or ORG_WINDOW[1]
    days = parse_days(person_days or campaign_days or ORG_WORKING_DAYS)
    country = ZONE_COUNTRY.get(zone_name, campaign_country)
    return LocalRules(zone, time.fromisoformat(start), time.fromisoformat(end), days, country)


# Holiday names for a reader of each of our languages: their own, else a neighbour's, else English.
_NAME_LANGUAGES = {"da": ("da", "no", "sv", "en_US"), "nb": ("no", "da", "sv", "en_US"), "en": ("en_US",)}


@lru_cache(maxsize=64)
def _holidays(country: str, year: int, language: str = "en_US") -> holidays.HolidayBase:
    # Always named in a chosen language, whatever the server's locale (left unset, it follows LANG).
    return holidays.country_holidays(country, years=year, language=language)


@lru_cache(maxsize=64)
def _name_language(country: str, reader: str) -> str:
    supported = holidays.country_holidays(country).supported_languages
    return next((code for code in _NAME_LANGUAGES.get(reader, ()) if code in supported), "en_US")


def holiday_name(country: str, day: date, reader: str) -> str | None:
    """The public holiday on `day` in `country`, named for a reader of `reader` (da, en, nb)."""
    return _holidays(country, day.year, _name_language(country, reader)).get(day)


def skip_reason(rules: LocalRules, day: date) -> str | None:
    """Why nothing is sent on `day` (a holiday's name, or "weekend"), or None."""
    name = _holidays(rules.country, day.year).get(day)
    if name:
        return f"{rules.country} holiday: {name}"
    if day.weekday() not in rules.working_days:
        return "not a working day"
    return None


def jitter_seconds(campaign_id: int, occurrence: str, person_id: int, span: int) -> int:
    """A spread inside the window that is the same every time it is computed."""
    if span <= 0:
        return 0
    digest = hashlib.blake2b(f"{campaign_id}:{occurrence}:{person_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest) % span


def base_time(rules: LocalRules, wall: datetime, jitter_minutes: int) -> tuple[datetime, int] | None:
    """The UTC instant a wall-clock occurrence starts for these rules, and the jitter span.

    None when the day is skipped. A time before the window moves to its start; after it, too.
    """
    if skip_reason(rules, wall.date()) is not None:
        return None
    start = wall.time() if rules.window_start <= wall.time() < rules.window_end else rules.window_start
    local = datetime.combine(wall.date(), start, tzinfo=rules.zone)
    window_left = datetime.combine(wall.date(), rules.window_end, tzinfo=rules.zone) - local
    span = int(min(timedelta(minutes=jitter_minutes), window_left).total_seconds())
    return local.astimezone(UTC), max(span, 0)


def in_window(rules: LocalRules, now: datetime) -> bool:
    local = now.astimezone(rules.zone)
    return skip_reason(rules, local.date()) is None and rules.window_start <= local.time() < rules.window_end


def next_window_start(rules: LocalRules, now: datetime) -> datetime:
    """The next moment (UTC) inside this person's window, at or after `now`."""
    if in_window(rules, now):
        return now
    local = now.astimezone(rules.zone)
    day = local.date() if local.time() < rules.window_start else local.date() + timedelta(days=1)
    for _ in range(30):
        if skip_reason(rules, day) is None:
            return datetime.combine(day, rules.window_start, tzinfo=rules.zone).astimezone(UTC)
        day += timedelta(days=1)
    return now + timedelta(days=1)


def window_end(rules: LocalRules, moment: datetime) -> datetime:
    """The end (UTC) of the window on the local day of `moment`."""
    local = moment.astimezone(rules.zone)
    return datetime.combine(local.date(), rules.window_end, tzinfo=rules.zone).astimezone(UTC)
