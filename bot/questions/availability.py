"""Ambassadors set their own status in chat: available, away, or out of office until a date."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Button, Reply
from bot.runtime.turn import Turn
from storage.repositories.questions import QuestionRepository


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


async def _set(turn: Turn, status: str, until: str) -> Reply:
    """`available`, `away`, or `out YYYY-MM-DD` (back on that morning)."""
    ambassador = await QuestionRepository(turn.session).ambassador(turn.person.id)
    if ambassador is None:
        raise UserFacingError("questions.availability.not_ambassador")
    if status not in ("available", "away", "out"):
        raise UserFacingError("questions.availability.unknown")
    ambassador.status, ambassador.away_until = status, None
    if status == "out":
        try:
            day = date.fromisoformat(until)
        except ValueError:
            raise UserFacingError("questions.availability.unknown") from None
        ambassador.away_until = datetime.combine(day, time(0), ZoneInfo(ambassador.timezone))
    return Reply(text=turn.t("questions.availability.set", status=turn.t(f"questions.availability.{status}")))
