"""Proactive messages into the web chat: a row in its log and a nudge to open streams."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from bot.clock import Clock
from bot.delivery.messenger import DeliveryError, Target
from bot.runtime.replies import Reply
from bot.runtime.usertext import unmarked
from storage.database import Database
from storage.repositories.people import PeopleRepository
from storage.repositories.webchat import WebchatRepository


class WebchatNotifier:
    """Wakes the open event streams of a person in this process when their log grows."""

    def __init__(self) -> None:
        self._waiting: dict[int, set[asyncio.Event]] = defaultdict(set)

    def subscribe(self, person_id: int) -> asyncio.Event:
        signal = asyncio.Event()
        self._waiting[person_id].add(signal)
        return signal

    def unsubscribe(self, person_id: int, signal: asyncio.Event) -> None:
        self._waiting[person_id].discard(signal)
        if not self._waiting[person_id]:
            del self._waiting[person_id]

    def wake(self, person_id: int) -> None:
        for signal in self._waiting.get(person_id, ()):
            signal.set()


class WebchatMessenger:
    def __init__(self, db: Database, clock: Clock, notifier: WebchatNotifier) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier

    async def send(self, target: Target, reply: Reply) -> str:
        async with self.db.unit_of_work() as session:
            person = await PeopleRepository(session).by_email(target.address.user_id)
            if person is None:
                raise DeliveryError("web chat user no longer exists", permanent=True)
            message = await WebchatRepository(session).add(
                person.id, "bot", self.clock.now(), text=unmarked(reply.text), reply=reply.to_json()
            )
            person_id, message_id = person.id, message.id
        self.notifier.wake(person_id)
        return str(message_id)
