"""Everything a handler may use while answering one event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import Outbox
from bot.runtime.events import Event
from bot.runtime.replies import Reply

if TYPE_CHECKING:
    from bot.context import AppContext
    from storage.models import Person


@dataclass(slots=True)
class Turn:
    """One event being answered inside one unit of work."""

    event: Event
    person: Person
    language: str
    session: AsyncSession
    app: AppContext
    args: str = ""
    source_update: Reply | None = None  # replaces the clicked message instead of the default
    sent_proactively: list[int] = field(default_factory=list)

    def t(self, key: str, /, **params: object) -> str:
        return self.app.catalogue.text(self.language, key, **params)

    def text_for(self, person: Person, key: str, /, **params: object) -> str:
        """A message in another person's language (for what `notify` sends them)."""
        language = person.language or self.app.settings.default_language
        return self.app.catalogue.text(language, key, **params)

    def now(self) -> datetime:
        return self.app.clock.now()

    async def notify(self, person_id: int, reply: Reply, *, key: str, kind: str = "message") -> None:
        """Message someone else (or this person later) through the outbox, sent after commit."""
        enqueued = await Outbox(self.session, self.app.clock).enqueue(
            key=key, person_id=person_id, reply=reply, kind=kind
        )
        if enqueued:
            self.sent_proactively.append(person_id)
