"""Messages to people other than the one speaking, each in their own language, via the outbox."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.delivery.outbox import Outbox
from bot.runtime.replies import Reply
from storage.models import ConversationRef, Person

Translate = Callable[..., str]
Build = Callable[[Translate], Reply]


class Notices:
    def __init__(self, session: AsyncSession, app: AppContext) -> None:
        self.session = session
        self.app = app
        self.outbox = Outbox(session, app.clock)

    def translator(self, language: str | None) -> Translate:
        code = language or self.app.settings.default_language

        def t(key: str, /, **params: object) -> str:
            return self.app.catalogue.text(code, key, **params)

        return t

    async def person(self, person: Person, key: str, build: Build) -> None:
        if await self.outbox.enqueue(
            key=key, person_id=person.id, reply=build(self.translator(person.language))
        ):
            self.app.delivery_wakeup.set()

    async def group(self, ref: ConversationRef, key: str, build: Build) -> None:
        reply = build(self.translator(None))
        if await self.outbox.enqueue(key=key, person_id=None, conversation_ref_id=ref.id, reply=reply):
            self.app.delivery_wakeup.set()
