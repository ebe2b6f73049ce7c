"""When a digest is due: a working morning in the reader's own zone, and which period it covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.learning.calendar import WorkCalendar

FROM = time(8, 0)
UNTIL = time(16, 0)


@dataclass(frozen=True, slots=True)
class Period:
    """Local days `first`..`last`, as the UTC instants [since, until)."""

    first: date
    last: date
    since: datetime
    until: datetime


def due_day(calendar: WorkCalendar, now: datetime) -> date | None:
    """Today's local date if `now` is 08:00–16:00 on a working day there, else None."""
    local = now.astimezone(calendar.zone)
    if not calendar.is_working_day(local.date()) or not FROM <= local.time() < UNTIL:
        return None
    return local.date()


def period_before(calendar: WorkCalendar, day: date) -> Period:
    """Since the previous working day began: yesterday, or Friday to Sunday on a Monday.

    Digests come on working days only, so this covers every hour exactly once.
    """
    first = calendar.previous_working_day(day)
    since = datetime.combine(first, time(), tzinfo=calendar.zone).astimezone(UTC)
    until = datetime.combine(day, time(), tzinfo=calendar.zone).astimezone(UTC)
    return Period(first, day - timedelta(days=1), since, until)
