"""Ambassadors set their own status in chat: available, away, or out of office until a date."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.people.typed_dates import typed_day
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Button, Reply
from bot.runtime.turn import Turn
from storage.repositories.questions import QuestionRepository

STATUSES = ("available", "away", "out")


async def choose_availability(turn: Turn) -> Reply:
    ambassador = await QuestionRepository(turn.session).ambassador(turn.person.id)
    if ambassador is None:
        raise UserFacingError("questions.availability.not_ambassador")
    wanted = turn.args.strip().split()
    if wanted:
        return await _set(turn, wanted[0], wanted[1] if len(wanted) > 1 else "")
    buttons = tuple(
        Button(turn.t(f"questions.availability.{s}"), "questions.availability", s)
        for s in ("available", "away")
    )
    status = turn.t(f"questions.availability.{ambassador.status}")
    return Reply(text=turn.t("questions.availability.current", status=status), buttons=buttons)


async def set_availability(turn: Turn) -> Reply:
    return await _set(turn, turn.event.value, "")


def _status(turn: Turn, word: str) -> str:
    """The status a word means, in any of our languages ("væk", "borte" and "away" are one)."""
    for status in STATUSES:
        if word.lower() == status or word.lower() in turn.app.catalogue.words(
            f"questions.availability.words.{status}"
        ):
            return status
    raise UserFacingError("questions.availability.unknown")


async def _set(turn: Turn, word: str, until: str) -> Reply:
    """`available`, `away`, or `out 20.12.2026` (back on that morning), in the person's words."""
    ambassador = await QuestionRepository(turn.session).ambassador(turn.person.id)
    if ambassador is None:
        raise UserFacingError("questions.availability.not_ambassador")
    status = _status(turn, word)
    ambassador.status, ambassador.away_until = status, None
    if status == "out":
        zone = ZoneInfo(ambassador.timezone)
        day = typed_day(until, turn.now().astimezone(zone).date())
        if day is None:
            raise UserFacingError("questions.availability.unknown")
        ambassador.away_until = datetime.combine(day, time(0), zone)
    return Reply(text=turn.t("questions.availability.set", status=turn.t(f"questions.availability.{status}")))
