"""Working time of an ambassador: their hours in their time zone, minus weekends and holidays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from storage.models import Ambassador


@cache
def _holidays(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)


def country_of(timezone: str) -> str:
    """Norwegian holidays for Oslo time, Danish ones otherwise (the organisation's home)."""
    return "NO" if timezone == "Europe/Oslo" else "DK"


def is_working_day(day: date, timezone: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country_of(timezone))


def _hours(ambassador: Ambassador) -> tuple[time, time]:
    return time.fromisoformat(ambassador.work_start), time.fromisoformat(ambassador.work_end)


def day_seconds(ambassador: Ambassador) -> float:
    """Length of one working day of this ambassador."""
    start, end = _hours(ambassador)
    return (datetime.combine(date.min, end) - datetime.combine(date.min, start)).total_seconds()


def is_working_now(ambassador: Ambassador, now: datetime) -> bool:
    return working_seconds(ambassador, now, now + timedelta(seconds=1)) > 0


def working_seconds(ambassador: Ambassador, start: datetime, end: datetime) -> float:
    """Seconds of the ambassador's working time between two instants."""
    zone = ZoneInfo(ambassador.timezone)
    begin, finish = _hours(ambassador)
    total = 0.0
    day = start.astimezone(zone).date()
    while day <= end.astimezone(zone).date():
        if is_working_day(day, ambassador.timezone):
            low = max(datetime.combine(day, begin, zone), start)
            high = min(datetime.combine(day, finish, zone), end)
            total += max((high - low).total_seconds(), 0.0)
        day += timedelta(days=1)
    return total
