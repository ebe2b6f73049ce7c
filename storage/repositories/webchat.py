"""The web chat's message log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import WebchatMessage

CHUNK = 5_000


class WebchatRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        person_id: int,
        sender: str,
        now: datetime,
        *,
        text: str = "",
        reply: dict[str, Any] | None = None,
    ) -> WebchatMessage:
        message = WebchatMessage(person_id=person_id, sender=sender, text=text, reply=reply, created_at=now)
        self.session.add(message)
        await self.session.flush()
        return message

    async def last_id(self, person_id: int) -> int:
        found = await self.session.scalar(
            select(func.max(WebchatMessage.id)).where(WebchatMessage.person_id == person_id)
        )
        return int(found or 0)

    async def after(self, person_id: int, after: int, limit: int = 500) -> Sequence[WebchatMessage]:
        result = await self.session.scalars(
            select(WebchatMessage)
            .where(WebchatMessage.person_id == person_id, WebchatMessage.id > after)
            .order_by(WebchatMessage.id)
            .limit(limit)
        )
        return result.all()

    async def get(self, person_id: int, message_id: int) -> WebchatMessage | None:
        message = await self.session.get(WebchatMessage, message_id)
        return message if message and message.person_id == person_id else None

    async def latest_offering(self, person_id: int, action: str) -> WebchatMessage | None:
        """The newest unanswered bot message with a control for `action` (when no id was sent)."""
        result = await self.session.scalars(
            select(WebchatMessage)
            .where(
                WebchatMessage.person_id == person_id,
                WebchatMessage.sender == "bot",
                WebchatMessage.chosen.is_(None),
                WebchatMessage.reply.is_not(None),
            )
            .order_by(WebchatMessage.id.desc())
            .limit(50)
        )
        for message in result:
            if action in str(message.reply):
                return message
        return None

    async def forget_offers(self, marker: str, offers: Callable[[dict[str, Any]], bool]) -> int:
        """Delete the bot's messages whose controls `offers` claims (e.g. one survey wave's, at its
        close), looking only at those whose stored reply mentions `marker`."""
        rows = await self.session.execute(
            select(WebchatMessage.id, WebchatMessage.reply).where(
                WebchatMessage.sender == "bot",
                WebchatMessage.reply.is_not(None),
                cast(WebchatMessage.reply, Text).contains(marker, autoescape=True),
            )
        )
        ids = [message_id for message_id, reply in rows if reply and offers(reply)]
        for start in range(0, len(ids), CHUNK):
            await self.session.execute(
                delete(WebchatMessage).where(WebchatMessage.id.in_(ids[start : start + CHUNK]))
            )
        return len(ids)
