"""Sends what the outbox says is due, through whichever platform reaches the person.

A round claims due rows with a lease and commits, sends outside any transaction, then
records each outcome. A worker that dies mid-round leaves leased rows that a later round
picks up once the lease has expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.context import AppContext
from bot.delivery.compose import Composer
from bot.delivery.messenger import DeliveryError, Messenger, Target
from bot.runtime.events import Address, Platform
from bot.runtime.replies import Reply
from storage.database import Database
from storage.models import ConversationRef, OutboxMessage, Person
from storage.repositories.people import PeopleRepository

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 100
LEASE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Claimed:
    row_id: int
    target: Target
    reply: Reply


class DeliveryWorker:
    def __init__(
        self,
        app: AppContext,
        messengers: Mapping[Platform, Messenger],
        composers: Mapping[str, Composer],
    ) -> None:
        self.app = app
        self.db: Database = app.db
        self.clock: Clock = app.clock
        self.messengers = messengers
        self.composers = composers

    async def run_once(self) -> int:
        """Send every due message once; returns how many were sent."""
        claimed = await self._claim()
        outcomes: dict[int, str | DeliveryError] = {}
        for item in claimed:
            try:
                outcomes[item.row_id] = await self.messengers[item.target.address.platform].send(
                    item.target, item.reply
                )
            except DeliveryError as error:
                outcomes[item.row_id] = error
            except Exception as error:  # a bug or an unknown platform error: retry, then give up
                log.exception("sending outbox message %s failed", item.row_id)
                outcomes[item.row_id] = DeliveryError(f"{type(error).__name__}: {error}")
        await self._record(claimed, outcomes)
        return sum(isinstance(outcome, str) for outcome in outcomes.values())

    async def _claim(self) -> list[Claimed]:
        now = self.clock.now()
        claimed: list[Claimed] = []
        async with self.db.unit_of_work() as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.due_at <= now,
                        or_(
                            OutboxMessage.status == "pending",
                            and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
                        ),
                    )
                    .order_by(OutboxMessage.due_at, OutboxMessage.id)
                    .limit(BATCH)
                )
            ).all()
            for row in rows:
                target = await self._target(session, row)
                if target is None:
                    row.status = "undeliverable"
                    row.last_error = "no conversation on a configured platform"
                    continue
                reply = await self._reply(session, row, now)
                if reply is None:
                    row.status = "skipped"
                    continue
                row.status, row.lease_until = "sending", now + LEASE
                row.platform = target.address.platform.value
                claimed.append(Claimed(row.id, target, reply))
        return claimed

    async def _record(self, claimed: list[Claimed], outcomes: Mapping[int, str | DeliveryError]) -> None:
        async with self.db.unit_of_work() as session:
            for item in claimed:
                row = await session.get(OutboxMessage, item.row_id)
                outcome = outcomes.get(item.row_id)
                if row is None or outcome is None:
                    continue
                if isinstance(outcome, DeliveryError):
                    self._retry_later(row, outcome)
                else:
                    row.status, row.sent_at = "sent", self.clock.now()
                    row.platform_message_id, row.lease_until = outcome, None

    def _retry_later(self, row: OutboxMessage, error: DeliveryError) -> None:
        row.attempts += 1
        row.last_error = str(error)
        row.lease_until = None
        if error.permanent or row.attempts >= MAX_ATTEMPTS:
            row.status = "dead"
            log.warning("outbox message %s given up after %s attempts: %s", row.id, row.attempts, error)
            return
        row.status = "pending"
        delay = error.retry_after or (2**row.attempts) * (1 + random.random())
        row.due_at = self.clock.now() + timedelta(seconds=delay)

    async def _reply(self, session: AsyncSession, row: OutboxMessage, now: datetime) -> Reply | None:
        if row.reply is not None:
            return Reply.from_json(row.reply)
        composer = self.composers.get(row.kind)
        person = await session.get(Person, row.person_id) if row.person_id else None
        if composer is None or person is None:
            log.error("outbox message %s: no composer for kind %r or no person", row.id, row.kind)
            return None
        return await composer(session, person, row.payload or {}, now, self.app)

    async def _target(self, session: AsyncSession, row: OutboxMessage) -> Target | None:
        if row.conversation_ref_id is not None:
            ref = await session.get(ConversationRef, row.conversation_ref_id)
            candidates = [(ref, None)] if ref else []
        elif row.person_id is not None:
            candidates = await PeopleRepository(session).personal_conversations(row.person_id)
        else:
            candidates = []
        for ref, identity in candidates:
            platform = Platform(ref.platform)
            if platform in self.messengers:
                user_id = identity.user_id if identity else ""
                address = Address(platform, ref.workspace_id, ref.conversation_id, user_id)
                return Target(address, ref.reference)
        return None

    async def run_forever(
        self, wakeup: asyncio.Event, interval: float, on_sent: Callable[[int], None]
    ) -> None:
        """Deliver whenever woken (a turn queued something) or every `interval` seconds."""
        while True:
            try:
                on_sent(await self.run_once())
            except Exception:
                log.exception("delivery round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), timeout=interval)
            wakeup.clear()
