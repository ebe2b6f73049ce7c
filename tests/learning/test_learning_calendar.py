"""Working windows, holidays, streaks and review intervals: pure and deterministic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.learning.calendar import WorkCalendar
from bot.learning.srs import apply_answer
from storage.models import LearningItem

CPH = ZoneInfo("Europe/Copenhagen")
DK = WorkCalendar.of(None, "Europe/Copenhagen")
NO = WorkCalendar.of("Europe/Oslo", "Europe/Copenhagen")


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = CPH) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)


def test_in_an_hour_stays_inside_working_hours() -> None:
    monday = date(2026, 11, 23)
    assert DK.window_start_from(at(monday, 10)) == at(monday, 10)
    assert DK.window_start_from(at(monday, 16, 30)) == at(date(2026, 11, 24), 8)
    assert DK.window_start_from(at(monday, 6)) == at(monday, 8)
    friday_late = at(date(2026, 11, 27), 15, 30) + timedelta(hours=1)
    assert DK.window_start_from(friday_late) == at(date(2026, 11, 30), 8)


def test_holidays_are_not_working_days() -> None:
    christmas_eve_afternoon = at(date(2026, 12, 24), 15)
    assert DK.next_morning(christmas_eve_afternoon) == at(date(2026, 12, 28), 8)
    oslo = ZoneInfo("Europe/Oslo")
    assert NO.next_morning(at(date(2028, 5, 16), 12, zone=oslo)) == at(date(2028, 5, 18), 8, zone=oslo)
    assert DK.is_working_day(date(2028, 5, 17))  # Norway's national day is a Danish working day


def test_streak_counts_working_days_and_freezes_over_weekends_and_holidays() -> None:
    days = {date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24)}
    assert DK.streak(days, date(2026, 11, 24)) == 3
    assert DK.streak(days, date(2026, 11, 25)) == 3  # Wednesday is not over yet
    assert DK.streak(days, date(2026, 11, 26)) == 0  # Wednesday was missed
    over_christmas = {date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 28)}
    assert DK.streak(over_christmas, date(2026, 12, 28)) == 3
    assert DK.streak(days, date(2026, 11, 28)) == 0  # Saturday after a missed Friday


def test_intervals_grow_and_two_right_in_a_row_retire() -> None:
    item = LearningItem(correct_count=0, correct_streak=0)
    now = at(date(2026, 11, 23), 10)
    due_days = []
    for correct in (True, False, True, False, True, False):
        apply_answer(item, correct, now, DK)
        assert item.due_at is not None
        due_days.append(DK.local_day(item.due_at))
        now = item.due_at
    # 1 day, next working day, 3 days, next working day, 7 days, next working day
    assert due_days == [
        date(2026, 11, 24),
        date(2026, 11, 25),
        date(2026, 11, 30),  # Saturday 28th moves to Monday
        date(2026, 12, 1),
        date(2026, 12, 8),
        date(2026, 12, 9),
    ]
    apply_answer(item, True, now, DK)
    assert item.due_at is not None and item.retired_at is None
    assert DK.local_day(item.due_at) == date(2026, 12, 28)  # 16 days lands on Christmas Day
    apply_answer(item, True, now, DK)
    assert item.retired_at == now and item.due_at is None
