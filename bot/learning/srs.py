"""Spaced repetition: when a quiz item comes back, and when it retires."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.learning.calendar import WorkCalendar
from storage.models import LearningItem

INTERVALS = (1, 3, 7, 16, 35)  # days after the 1st, 2nd, ... correct answer
RETIRE_AFTER = 2  # correct answers in a row
URGENT_AFTER = timedelta(hours=2)  # a confident wrong answer comes back this soon, within the window


def apply_answer(item: LearningItem, correct: bool, now: datetime, calendar: WorkCalendar) -> None:
    """A wrong answer comes back the next working day; a right one waits longer, two in a row retire it."""
    item.reminded_at = None
    if not correct:
        item.correct_streak = 0
        item.due_at = calendar.next_morning(now)
        return
    item.correct_count += 1
    item.correct_streak += 1
    if item.correct_streak >= RETIRE_AFTER:
        item.retired_at, item.due_at = now, None
        return
    days = INTERVALS[min(item.correct_count, len(INTERVALS)) - 1]
    item.due_at = calendar.mornings_later(now, days)


CONFIDENCE = ("sure", "unsure", "guessed")


def next_variant(item: LearningItem | None, count: int) -> int:
    """The quiz variant to ask next: the lesson's own quiz first, then each variant in turn, so a
    review asks the idea in other words than the answer before. Stable until the next answer."""
    if item is None or item.last_variant is None or count < 2:
        return 0
    return (item.last_variant + 1) % count


def apply_confidence(
    item: LearningItem, correct: bool, confidence: str, now: datetime, calendar: WorkCalendar
) -> None:
    """How sure the learner was changes what the answer means: a confident wrong answer is a
    misconception and comes back first (later today if the window allows); a right answer that
    was a guess, or unsure, is not yet knowledge, so it does not count towards retiring."""
    if not correct and confidence == "sure":
        soon = calendar.window_start_from(now + URGENT_AFTER)
        item.due_at = min(soon, calendar.next_morning(now))
    elif correct and confidence != "sure":
        item.correct_streak, item.retired_at = 0, None
        item.due_at = calendar.mornings_later(now, 1)
