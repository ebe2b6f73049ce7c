"""Sends what the outbox says is due, through whichever platform reaches the person.

A round claims due rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers share the
queue) with a lease and commits, sends outside any transaction, then records each outcome.
A worker that dies mid-round leaves leased rows that a later round picks up once the lease
has expired; a messenger that can find a sent message by its key then records instead of
resending. Limits are token buckets: a row without a token is rescheduled, never slept on;
workspace buckets live in the database, locked while a worker claims, so replicas share them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.context import AppContext
from bot.delivery.compose import Composer, Preload
from bot.delivery.limits import RateLimits
from bot.delivery.messenger import DeliveryError, Messenger, Target
from bot.delivery.policy import Gate, person_gate, preload_preferences
from bot.delivery.rows import apply_decision, give_up_or_retry, reply_for, targets_for
from bot.runtime.events import Platform
from bot.runtime.replies import Reply
from storage.database import Database
from storage.models import OutboxMessage, Person
from storage.repositories.rate_buckets import RateBucketRepository

log = logging.getLogger(__name__)

BATCH = 200


@dataclass(frozen=True, slots=True)
class Claimed:
    row_id: int
    target: Target
    reply: Reply
    found: str | None = None  # already on the platform: record, don't resend


class DeliveryWorker:
    def __init__(
        self,
        app: AppContext,
        messengers: Mapping[Platform, Messenger],
        composers: Mapping[str, Composer],
        gates: Sequence[Gate] = (),
        preloads: Sequence[Preload] = (),
    ) -> None:
        self.app = app
        self.db: Database = app.db
        self.clock: Clock = app.clock
        self.messengers = messengers
        self.composers = composers
        self.gates: tuple[Gate, ...] = (person_gate, *gates)
        self.preloads = tuple(preloads)
        settings = app.settings
        self.max_attempts = settings.delivery_max_attempts
        self.lease = timedelta(seconds=settings.delivery_lease_seconds)
        self.limits = RateLimits(
            settings.delivery_workspace_rate,
            settings.delivery_conversation_rate,
            monotonic=lambda: self.clock.now().timestamp(),  # the injected clock, so tests are exact
        )
        self.concurrency = asyncio.Semaphore(settings.delivery_concurrency)
        self.next_wait = 0.0  # seconds until a rate-limited row could go, for run_forever
        self.blocked: dict[str, float] = {}  # workspace -> 429 block to share at the next record

    async def run_once(self) -> int:
        """Send every due message once; returns how many were sent."""
        claimed = await self._claim()
        outcomes = await asyncio.gather(*(self._send(item) for item in claimed))
        await self._record(claimed, outcomes)
        return sum(isinstance(outcome, str) for outcome in outcomes)

    async def _send(self, item: Claimed) -> str | DeliveryError:
        if item.found is not None:
            return item.found
        async with self.concurrency:
            blocked = self.limits.blocked_for(item.target)
            if blocked > 0:  # a 429 came while this waited its turn: don't knock again
                return DeliveryError("rate limited (429 on this workspace)", retry_after=blocked)
            try:
                return await self.messengers[item.target.address.platform].send(item.target, item.reply)
            except DeliveryError as error:
                key = self.limits.workspace_key(item.target)
                if error.retry_after is not None and key is not None:
                    self.blocked[key] = self.limits.block(item.target, error.retry_after)
                return error
            except Exception as error:  # a bug or an unknown platform error: retry, then give up
                log.exception("sending outbox message %s failed", item.row_id)
                return DeliveryError(f"{type(error).__name__}: {error}")

    async def _claim(self) -> list[Claimed]:
        now = self.clock.now()
        claimed: list[Claimed] = []
        self.next_wait = 0.0
        async with self.db.unit_of_work() as session:
            query = (
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
            if self.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = (await session.scalars(query)).all()
            person_ids = sorted({r.person_id for r in rows if r.person_id is not None})
            people: Sequence[Person] = ()  # held: the identity map keeps loaded rows only while referenced
            if person_ids:  # load the batch's people and preferences at once; gates read them from memory
                people = (await session.scalars(select(Person).where(Person.id.in_(person_ids)))).all()
                await preload_preferences(session, person_ids)
                for preload in self.preloads:
                    await preload(session, rows, now)
            targets = await targets_for(session, rows, self.messengers)
            workspaces = {self.limits.workspace_key(t) for t in targets.values()} - {None}
            shared = await RateBucketRepository(session).lock(
                workspaces, self.limits.workspace_burst, self.limits.monotonic()
            )
            for key, bucket in shared.items():
                self.limits.adopt(key, bucket.tokens, bucket.updated_at, bucket.blocked_until)
            for row in rows:
                item = await self._prepare(session, row, targets.get(row.id), now)
                if item is not None:
                    claimed.append(item)
            for key, bucket in shared.items():
                bucket.tokens, bucket.updated_at, bucket.blocked_until = self.limits.shared(key)
            del people
        return claimed

    async def _prepare(
        self, session: AsyncSession, row: OutboxMessage, target: Target | None, now: datetime
    ) -> Claimed | None:
        """Decide one due row: drop, defer, rate-limit, or lease it for sending."""
        retried = row.status == "sending"
        if target is None:
            row.status, row.last_error = "undeliverable", "no conversation on a configured platform"
            return None
        person = await session.get(Person, row.person_id) if row.person_id else None
        if retried:
            finder = getattr(self.messengers[target.address.platform], "already_sent", None)
            found = await finder(target) if finder else None
            if found is not None:
                row.status, row.lease_until = "sending", now + self.lease
                return Claimed(row.id, target, Reply(), found)
        wait = self.limits.wait(target)
        if wait > 0:  # left as it is (no write): a later round takes it when a token is free
            self.next_wait = wait if not self.next_wait else min(self.next_wait, wait)
            return None
        if person is not None:
            for gate in self.gates:
                decision = await gate(session, row, person, now, self.app)
                if decision is not None:
                    apply_decision(row, decision)
                    return None
        self.limits.take(target)
        reply = await reply_for(session, row, person, now, self.app, self.composers)
        if reply is None:
            row.status = "skipped"
            return None
        row.status, row.lease_until = "sending", now + self.lease
        row.platform = target.address.platform.value
        return Claimed(row.id, target, reply)

    async def _record(self, claimed: list[Claimed], outcomes: Sequence[str | DeliveryError]) -> None:
        if not claimed:
            return
        async with self.db.unit_of_work() as session:
            buckets = RateBucketRepository(session)
            for key, until in sorted(self.blocked.items()):
                await buckets.block(key, until)
            self.blocked.clear()
            found = await session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_([c.row_id for c in claimed]))
            )
            rows = {row.id: row for row in found}
            for item, outcome in zip(claimed, outcomes, strict=True):
                row = rows.get(item.row_id)
                if row is None:
                    continue
                if isinstance(outcome, DeliveryError):
                    give_up_or_retry(row, outcome, self.clock.now(), self.max_attempts)
                else:
                    row.status, row.sent_at = "sent", self.clock.now()
                    row.platform_message_id, row.lease_until = outcome, None

    async def run_forever(
        self, wakeup: asyncio.Event, interval: float, on_sent: Callable[[int], None]
    ) -> None:
        """Deliver whenever woken (a turn queued something), when a limit frees up, or every `interval`."""
        while True:
            sent = 0
            try:
                sent = await self.run_once()
                on_sent(sent)
            except Exception:
                log.exception("delivery round failed")
            if sent:
                continue  # more may be due right away
            timeout = min(interval, self.next_wait) if self.next_wait else interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), timeout=timeout)
            wakeup.clear()
