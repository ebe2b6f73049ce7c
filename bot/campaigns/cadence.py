"""Cadences as wall-clock rules: a friendly "tue,thu 10:00" or a five-field cron line.

Occurrences are naive local wall times: "Tuesday 10:00" means 10:00 where each recipient
is, so the rule is evaluated once, in a zone without DST, and placed in each person's zone later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.runtime.errors import UserFacingError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ALIASES = {"daily": "mon-sun", "weekdays": "mon-fri", "workdays": "mon-fri"}
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")  # cron counts from Sunday
_FRIENDLY = re.compile(r"^\s*([a-z,\-]+)\s+(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Cadence:
    """A parsed cadence; `text` is what the person wrote."""

    text: str
    trigger: CronTrigger

    def between(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """Naive wall times in [start, end) at which the rule fires."""
        previous: datetime | None = None
        cursor = start.replace(tzinfo=UTC) - timedelta(microseconds=1)
        while True:
            fire = self.trigger.get_next_fire_time(previous, cursor + timedelta(microseconds=1))
            if fire is None or fire.replace(tzinfo=None) >= end:
                return
            yield fire.replace(tzinfo=None)
            previous, cursor = fire, fire


def parse_cadence(text: str) -> Cadence:
    """Parse "tue,thu 10:00", "weekdays 09:30", "daily 8:00" or a cron line "0 10 * * tue,thu"."""
    cleaned = text.strip().lower()
    try:
        if len(cleaned.split()) == 5:
            minute, hour, day, month, weekday = cleaned.split()
            weekday = re.sub(r"\d", lambda m: _CRON_DAYS[int(m.group())], weekday)
            trigger = CronTrigger(
                minute=minute, hour=hour, day=day, month=month, day_of_week=weekday, timezone=UTC
            )
        else:
            match = _FRIENDLY.match(cleaned)
            if match is None:
                raise ValueError(cleaned)
            days, hour, minute = match.groups()
            days = _ALIASES.get(days, days)
            if any(part not in DAYS for part in re.split(r"[,\-]", days)):
                raise ValueError(days)
            trigger = CronTrigger(day_of_week=days, hour=int(hour), minute=int(minute), timezone=UTC)
    except ValueError:
        raise UserFacingError("campaigns.bad_cadence", cadence=text) from None
    return Cadence(text.strip(), trigger)


def describe_cadence(text: str, day_names: str, every_day: str, weekdays: str) -> str:
    """A friendly cadence in the reader's words ("tir,tor 10:00"); a cron line stays as written.
    `day_names` is the catalogue's "man|tir|...|søn"."""
    match = _FRIENDLY.match(text.strip().lower())
    if match is None:
        return text.strip()
    days, hour, minute = match.groups()
    local = dict(zip(DAYS, day_names.split("|"), strict=True))
    named = {"daily": every_day, "weekdays": weekdays, "workdays": weekdays}.get(days) or re.sub(
        r"[a-z]+", lambda day: local.get(day.group(), day.group()), days
    )
    return f"{named} {int(hour):02d}:{minute}"


def parse_days(text: str) -> frozenset[int]:
    """Working days such as "mon-fri" or "mon,tue,thu" as weekday numbers (Monday is 0)."""
    days: set[int] = set()
    for part in _ALIASES.get(text.strip().lower(), text.strip().lower()).split(","):
        first, _, last = part.strip().partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise UserFacingError("campaigns.bad_days", days=text)
        a, b = DAYS.index(first), DAYS.index(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(days)
