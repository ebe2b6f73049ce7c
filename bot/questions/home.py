"""The questions part of the home view: what I asked that is open, what waits for me."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from bot.runtime.replies import Button, Reply
from bot.runtime.turn import Turn
from storage.models import Question

OPEN = ("open", "claimed", "escalated")


async def section(turn: Turn) -> Reply | None:
    me = turn.person.id
    asked = await turn.session.scalar(
        select(func.count()).where(Question.asker_id == me, Question.status.in_(OPEN))
    )
    waiting = await turn.session.scalar(
        select(func.count()).where(
            or_(
                (Question.status == "open") & (Question.assigned_id == me),
                (Question.status == "claimed") & (Question.owner_id == me),
            )
        )
    )
    if not asked and not waiting:
        return None
    lines = [turn.t("questions.home.asked", count=asked)] if asked else []
    if waiting:
        lines.append(turn.t("questions.home.waiting", count=waiting))
    ask = Button(turn.t("menu.ask"), "menu", "ask")
    return Reply(title=turn.t("questions.home.title"), text="\n".join(lines), buttons=(ask,))
