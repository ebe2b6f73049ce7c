"""A person's working calendar: Mon–Fri 08:00–16:00 in their own time zone, minus public holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WORK_START = time(8, 0)
WORK_END = time(16, 0)
NORWEGIAN_ZONES = {"Europe/Oslo", "Arctic/Longyearbyen"}


@lru_cache(maxsize=8)
def _public_holidays(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)


@dataclass(frozen=True)
class WorkCalendar:
    zone: ZoneInfo
    country: str  # "DK" or "NO": whose public holidays apply
    away: tuple[tuple[date, date], ...] = ()  # the person's leave, first and last day

    @classmethod
    def of(
        cls, timezone: str | None, default_timezone: str, away: tuple[tuple[date, date], ...] = ()
    ) -> WorkCalendar:
        name = timezone or default_timezone
        try:
            zone = ZoneInfo(name)
        except (ValueError, KeyError):
            name, zone = default_timezone, ZoneInfo(default_timezone)
        return cls(zone, "NO" if name in NORWEGIAN_ZONES else "DK", away)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _public_holidays(self.country) and not self.is_away(day)

    def is_away(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.away)

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def morning(self, day: date) -> datetime:
        """The start of the working window on `day`, as a UTC instant."""
        return datetime.combine(day, WORK_START, tzinfo=self.zone).astimezone(UTC)

    def window_start_from(self, instant: datetime) -> datetime:
        """`instant` if it is inside working hours, else the start of the next working window."""
        local = instant.astimezone(self.zone)
        if self.is_working_day(local.date()):
            if WORK_START <= local.time() < WORK_END:
                return instant
            if local.time() < WORK_START:
                return self.morning(local.date())
        return self.morning(self.next_working_day(local.date()))

    def next_morning(self, instant: datetime) -> datetime:
        """The next working day's morning (tomorrow's, unless tomorrow is a weekend or holiday)."""
        return self.morning(self.next_working_day(self.local_day(instant)))

    def mornings_later(self, instant: datetime, days: int) -> datetime:
        """The morning `days` calendar days on, moved forward to a working day."""
        day = self.local_day(instant) + timedelta(days=days)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return self.morning(day)

    def streak(self, active_days: set[date], today: date) -> int:
        """Working days in a row with activity, up to today; weekends, holidays and leave are frozen."""
        if not self.is_working_day(today):
            day = self.previous_working_day(today)
        else:
            day = today if today in active_days else self.previous_working_day(today)  # today is not over
        count = 0
        while day in active_days:
            count += 1
            day = self.previous_working_day(day)
        return count
