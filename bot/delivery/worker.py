"""Sends what the outbox says is due, through whichever platform reaches the person.

A round claims due rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers share the
queue) with a lease and commits, sends outside any transaction, then records the outcomes in
small groups as they complete, so one slow send holds back nobody else's. Every send times
out well inside the lease and none starts without enough lease left, so no other worker can
take a row over while it is in flight. A worker that dies mid-round leaves leased rows that a
later round picks up once the lease has expired; a messenger that can find a sent message by
its key then records instead of resending. Limits are token buckets in the database, locked
while a worker claims, so replicas share them: a row without a token is moved to its
workspace's next free slot (bot.delivery.pacing), never slept on; a claimed message waits (in
the sender, holding no lane) for its turn in its workspace's rate, so sends never bunch.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.context import AppContext
from bot.delivery.compose import Composer, Preload
from bot.delivery.limits import RateLimited, RateLimits, workspace_rates
from bot.delivery.messenger import DeliveryError, Messenger, Sent, Target
from bot.delivery.pacing import Pacer
from bot.delivery.policy import AfterSent, Gate, person_gate, preload_preferences
from bot.delivery.rows import apply_decision, give_up_or_retry, reply_for, targets_for
from bot.delivery.sending import Claimed, Outcome, Sender
from bot.reach.introduction import introduction, needs_introduction
from bot.runtime.events import Platform
from bot.runtime.replies import Reply
from storage.database import Database, write_lock_busy
from storage.lists import one_of
from storage.models import OutboxMessage, Person
from storage.models.outbox import WAITING
from storage.repositories.people import PeopleRepository
from storage.repositories.rate_buckets import RateBucketRepository
from storage.statistics import refresh_statistics

log = logging.getLogger(__name__)

BATCH = 250  # rows a claim looks at; those without a token are paced, not composed
RECORD_TRIES = 40  # SQLite: a group is recorded again this often, 50 ms apart, while the lock is busy
GROUP_SECONDS = 0.25  # outcomes that completed meanwhile are recorded together, at least this often
IN_FLIGHT = 1000  # run_forever claims again while fewer messages than this are being sent
GATHER_SECONDS = 0.1  # after a claim that was not full, the next waits at least this (unless woken)
PRUNE_SECONDS = 3600.0  # rate buckets idle this long are full again and are deleted
STATISTICS_FIRST = 1000  # claimed messages before the growing tables' first statistics refresh


class DeliveryWorker:
    def __init__(
        self,
        app: AppContext,
        messengers: Mapping[Platform, Messenger],
        composers: Mapping[str, Composer],
        gates: Sequence[Gate] = (),
        after_sent: Sequence[AfterSent] = (),
        preloads: Sequence[Preload] = (),
        *,
        growing: Sequence[str] = (),
        unverified_targets: bool = False,
    ) -> None:
        self.app = app
        self.db: Database = app.db
        self.clock: Clock = app.clock
        self.messengers = messengers
        self.composers = composers
        self.gates: tuple[Gate, ...] = (person_gate, *gates)
        self.unverified_targets = unverified_targets  # the open demo web chat may be written to
        self.after_sent = tuple(after_sent)
        self.preloads = tuple(preloads)
        self.growing = tuple(growing)  # tables each message adds to (bot.features.growing_tables)
        self.claimed_total = 0
        self.statistics_at = STATISTICS_FIRST
        settings = app.settings
        self.max_attempts = settings.delivery_max_attempts
        self.lease = timedelta(seconds=settings.delivery_lease_seconds)
        self.limits = RateLimits(
            workspace_rates(settings),
            settings.delivery_conversation_rate,
            monotonic=lambda: self.clock.now().timestamp(),  # the injected clock, so tests are exact
        )
        self.pacer = Pacer(self.limits)
        # A send gets a third of the lease at most, and always ends a send's time before the lease
        # does: whatever happens, its outcome is recorded before another worker may take the row.
        timeout = min(settings.delivery_send_timeout, settings.delivery_lease_seconds / 3)
        self.sender = Sender(messengers, self.limits, self.clock, timeout, settings.delivery_concurrency)
        self.next_wait = 0.0  # seconds until the next row comes due (0: none), for run_forever
        self.more = False  # the last claim found a full batch due: claim again at once
        self.in_flight = 0  # claimed messages whose send has not ended
        self.pruned_at = 0.0

    async def run_once(self) -> int:
        """Send every due message once; returns how many were sent."""
        return await self._deliver(await self._claim())

    async def _deliver(self, claimed: list[Claimed]) -> int:
        """Send a round; record what has completed every GROUP_SECONDS, the rest when it does.
        Conversations are sent to side by side, each one's messages in their due order (the
        "picked up" notice before the answer)."""
        conversations: dict[tuple[str, str, str], list[Claimed]] = defaultdict(list)
        for item in claimed:
            address = item.target.address
            conversations[(address.platform.value, address.workspace_id, address.conversation_id)].append(
                item
            )
        self.in_flight += len(claimed)
        sending = {asyncio.ensure_future(self._in_order(items)) for items in conversations.values()}
        sent = 0
        try:
            while sending:
                done, _ = await asyncio.wait(sending, timeout=GROUP_SECONDS)
                if done:
                    sending -= done
                    outcomes = [pair for task in done for pair in task.result()]
                    await self._record(outcomes)
                    sent += sum(not isinstance(outcome, DeliveryError) for _, outcome in outcomes)
        finally:  # cancelled (shutdown): what is unrecorded stays leased and is looked up later
            for task in sending:
                task.cancel()
        return sent

    async def _in_order(self, items: list[Claimed]) -> list[tuple[Claimed, Outcome]]:
        outcomes: list[tuple[Claimed, Outcome]] = []
        for item in items:
            try:
                outcomes.append((item, await self.sender.send(item)))
            finally:
                self.in_flight -= 1
        return outcomes

    async def _claim(self) -> list[Claimed]:
        now = self.clock.now()
        claimed: list[Claimed] = []
        self.next_wait, self.more = 0.0, False
        async with self.db.unit_of_work() as session:
            await self.db.lock_for_writing(session)
            query = due_rows(now, BATCH)
            if self.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            fetched = (await session.scalars(query)).all()
            self.more = len(fetched) == BATCH
            targets = await targets_for(session, fetched, self.messengers, unverified=self.unverified_targets)
            buckets = RateBucketRepository(session)
            keys = self.limits.keys(targets.values())
            clock = self.limits.monotonic()
            booking = {self.limits.booking(ws): ws for ws in self.limits.workspaces(targets.values())}
            wanted = {key: self.limits.full(key) for key in keys} | dict.fromkeys(booking, 0.0)
            shared = await buckets.lock(wanted, clock)
            for key, bucket in shared.items():
                if key in booking:
                    self.limits.adopt_booked(booking[key], bucket.updated_at)
                else:
                    self.limits.adopt(key, bucket.tokens, bucket.updated_at, bucket.blocked_until)
            rows = self.pacer.sort(
                fetched, targets, now, lambda row, target: not self._looks_first(row, target)
            )
            person_ids = sorted({r.person_id for r in rows if r.person_id is not None})
            people: dict[int, Person] = {}
            if person_ids:  # load the batch's people and preferences at once; gates read them from memory
                found = await session.scalars(select(Person).where(one_of(session, Person.id, person_ids)))
                people = {person.id: person for person in found}  # held: the session only keeps weak refs
                await preload_preferences(session, person_ids)
                for preload in self.preloads:
                    await preload(session, rows, now)
            leased: list[OutboxMessage] = []
            for row in rows:
                person = people.get(row.person_id) if row.person_id is not None else None
                item = await self._prepare(session, row, targets.get(row.id), person, now)
                if item is not None:
                    claimed.append(item)
                    leased.append(row)
            # The lease runs from the commit, when other workers can see it, not from the start.
            lease_until = self.clock.now() + self.lease
            for row in leased:
                row.lease_until = lease_until
            claimed = [dataclasses.replace(item, lease_until=lease_until) for item in claimed]
            for key, bucket in shared.items():
                if key in booking:
                    bucket.updated_at = self.limits.booked(booking[key])
                else:
                    bucket.tokens, bucket.updated_at, bucket.blocked_until = self.limits.shared(key)
            await buckets.store(shared.values())
            if clock - self.pruned_at > PRUNE_SECONDS:
                self.pruned_at = clock
                await buckets.prune(clock - PRUNE_SECONDS)
            if not self.more:
                self.next_wait = await _seconds_to_next(session, now)
        await self._keep_statistics(len(claimed))
        return claimed

    async def _keep_statistics(self, claimed: int) -> None:
        """The tables composing fills start empty on a new installation and grow by a row a
        message. Planned without statistics, PostgreSQL read them whole on every claim (campaign
        participants, lessons, today's sends: 30 ms each a claim at 20,000 people, growing with
        them); refreshed each time this worker's claimed messages double, they are read by index.
        A failure here must not lose the claim just committed: it is logged and tried later."""
        self.claimed_total += claimed
        if not self.growing or self.claimed_total < self.statistics_at:
            return
        self.statistics_at = 2 * self.claimed_total
        try:
            async with self.db.unit_of_work() as session:
                await refresh_statistics(session, self.growing)
        except Exception:
            log.warning("refreshing the statistics of %s failed", ", ".join(self.growing), exc_info=True)

    async def _prepare(
        self,
        session: AsyncSession,
        row: OutboxMessage,
        target: Target | None,
        person: Person | None,
        now: datetime,
    ) -> Claimed | None:
        """Decide one due row: drop, defer, rate-limit, or claim it (the caller sets the lease)."""
        if target is None:
            row.status, row.last_error = "undeliverable", "no conversation on a configured platform"
            return None
        if self._looks_first(row, target):
            return Claimed(row.id, target, Reply(), now, look_first=True)  # outcome unknown: look first
        if self.limits.wait(target) > 0:  # another conversation's row took the last token
            self.pacer.move(row, target, now)
            return None
        if person is not None:
            for gate in self.gates:
                decision = await gate(session, row, person, now, self.app)
                if decision is not None:
                    apply_decision(row, decision)
                    return None
        not_before = self.clock.now() + timedelta(seconds=self.limits.take(target))
        reply = await reply_for(session, row, person, now, self.app, self.composers)
        if reply is None:
            row.status = "skipped"
            return None
        if row.reply is None:  # composed once: composing records the lesson, so a retry sends this
            row.reply = reply.to_json()
        row.status, row.platform = "sending", target.address.platform.value
        intro = None
        if (
            person is not None
            and needs_introduction(person)
            and await PeopleRepository(session).introduce(person.id, now)
        ):
            intro = introduction(self.app, person)
        return Claimed(
            row.id, target, reply, now, person_id=row.person_id, intro=intro, not_before=not_before
        )

    def _looks_first(self, row: OutboxMessage, target: Target) -> bool:
        """A row whose send ended unknown: ask the platform first, if it can tell (no token spent)."""
        return row.status == "sending" and hasattr(self.messengers[target.address.platform], "already_sent")

    async def _record(self, outcomes: Sequence[tuple[Claimed, Outcome]]) -> None:
        """Record a group, again while SQLite's write lock stays taken (other processes' claims
        hold it in turn): an outcome left unrecorded would be looked up only after the lease."""
        for attempt in range(RECORD_TRIES):
            try:
                return await self._record_once(outcomes)
            except OperationalError as error:
                if not write_lock_busy(error) or attempt == RECORD_TRIES - 1:
                    raise
                await asyncio.sleep(0.05)

    async def _record_once(self, outcomes: Sequence[tuple[Claimed, Outcome]]) -> None:
        """Sent rows become sent (and what follows from that happens once); a failure is
        written only while the row is still this worker's, never over another's claim."""
        now = self.clock.now()
        # Each 429 is shared once: shared again (by a record running beside this one) it would look
        # like a second conversation's, and hold the whole workspace.
        limited, self.sender.limited = self.sender.limited, []
        intro_failed = set(self.sender.intro_failed)
        try:
            if limited:  # in a transaction of its own: see `_share_blocks`
                await self._share_blocks(limited)
        except BaseException:
            self.sender.limited[:0] = limited  # not shared: the next record tries again
            raise
        async with self.db.unit_of_work() as session:
            people = PeopleRepository(session)
            for person_id in sorted(intro_failed):
                await people.introduce(person_id, None)
            found = await session.scalars(
                select(OutboxMessage).where(
                    one_of(session, OutboxMessage.id, [item.row_id for item, _ in outcomes])
                )
            )
            rows = {row.id: row for row in found}
            sent: list[OutboxMessage] = []
            for item, outcome in outcomes:
                row = rows.get(item.row_id)
                if row is None or row.status == "sent":
                    continue
                if not isinstance(outcome, DeliveryError):
                    if isinstance(outcome, Sent):
                        await people.move_conversation(item.target.address, outcome.conversation_id, now)
                        outcome = outcome.message_id
                    row.status, row.sent_at = "sent", now
                    row.platform_message_id, row.lease_until = outcome, None
                    sent.append(row)
                elif row.status == "sending" and row.lease_until == item.lease_until:
                    give_up_or_retry(row, outcome, now, self.max_attempts)
            for hook in self.after_sent:
                await hook(session, sent, now, self.app)
        self.sender.intro_failed -= intro_failed

    async def _share_blocks(self, limited: Sequence[RateLimited]) -> None:
        """Tell every worker about 429s: each holds its conversation, and one in another of the
        workspace's conversations while an earlier one's wait lasts, whichever worker met it, holds
        the workspace (`RateLimits.block`). In a transaction of its own, holding nothing else: a
        claim locks its outbox rows and then the buckets; a record that blocked a bucket and then
        wrote an outbox row a new claim had taken (its lease ran out during a hang) would wait for
        that claim while the claim waited for the bucket. The buckets are locked in one statement,
        in the claims' order."""
        now = self.limits.monotonic()
        keys = {key for each in limited for key in (each.workspace, each.conversation)}
        warnings = {self.limits.warning(each.workspace) for each in limited}
        async with self.db.unit_of_work() as session:
            buckets = RateBucketRepository(session)
            wanted = {key: self.limits.full(key) for key in keys} | dict.fromkeys(warnings, 0.0)
            locked = await buckets.lock(wanted, now)
            for each in sorted(limited, key=lambda each: each.until):
                warned = locked[self.limits.warning(each.workspace)].blocked_until > now
                held = [each.conversation, self.limits.warning(each.workspace)]
                if warned:  # another conversation's 429 is still being waited out
                    held.append(each.workspace)
                for key in held:
                    locked[key].blocked_until = max(locked[key].blocked_until, each.until)
                if warned:
                    self.limits.hold(each.workspace, locked[each.workspace].blocked_until)
            await buckets.store(locked.values())

    async def run_forever(
        self, wakeup: asyncio.Event, interval: float, on_sent: Callable[[int], None]
    ) -> None:
        """Deliver whenever woken (a turn queued something), when a limit frees up, or every
        `interval`. It claims again while earlier rounds still send, as long as fewer than
        IN_FLIGHT messages are being sent: a round held by one hung send holds nothing else."""
        rounds: set[asyncio.Task[int]] = set()

        def finished(task: asyncio.Task[int]) -> None:
            rounds.discard(task)
            if not task.cancelled() and task.exception() is None:
                on_sent(task.result())
            elif not task.cancelled():
                log.error("delivery round failed", exc_info=task.exception())

        try:
            while True:
                claimed: list[Claimed] = []
                room = self.in_flight < IN_FLIGHT
                if room:
                    try:
                        claimed = await self._claim()
                    except Exception as error:
                        if write_lock_busy(error):  # nothing is lost: the next loop claims again
                            log.warning(
                                "claiming due messages waited out SQLite's busy timeout: other "
                                "processes kept its one write lock (PostgreSQL suits several busy "
                                "replicas); claiming again"
                            )
                        else:
                            log.exception("claiming due messages failed")
                        self.more = False
                if claimed:
                    task = asyncio.create_task(self._deliver(claimed))
                    rounds.add(task)
                    task.add_done_callback(finished)
                if room and self.more:
                    continue  # a full batch: more is due right away
                # Rows coming due one after another (a campaign spread at a workspace's rate)
                # are claimed a handful at a time, not one claim each.
                timeout = min(interval, max(self.next_wait, GATHER_SECONDS)) if self.next_wait else interval
                waits = [asyncio.ensure_future(wakeup.wait())]
                if not room:  # a send ending makes room; rounds may end much later
                    timeout = min(timeout, GROUP_SECONDS / 5)
                    waits += rounds
                await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                waits[0].cancel()
                wakeup.clear()
        finally:
            for task in list(rounds):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.gather(*rounds, return_exceptions=True)


def due_rows(now: datetime, limit: int) -> Select[tuple[OutboxMessage]]:
    """What a claim takes: rows due (pending, or leased and the lease over), in due order, read
    through the partial index whose condition `WAITING` is, so no row is sorted."""
    return (
        select(OutboxMessage)
        .where(
            WAITING,
            OutboxMessage.due_at <= now,
            or_(
                OutboxMessage.status == "pending",
                and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
            ),
        )
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )


async def _seconds_to_next(session: AsyncSession, now: datetime) -> float:
    """Until the next row comes due: a pending one (planned, paced or retried) or one whose
    unknown outcome is to be looked up when its lease ends. 0 when there is none."""
    due = (
        select(func.min(OutboxMessage.due_at))
        .where(OutboxMessage.status == "pending", OutboxMessage.due_at > now)
        .scalar_subquery()
    )
    leased = (
        select(func.min(OutboxMessage.lease_until))
        .where(OutboxMessage.status == "sending", OutboxMessage.lease_until > now)
        .scalar_subquery()
    )
    moments = (await session.execute(select(due, leased))).one()
    soonest = min((moment for moment in moments if moment is not None), default=None)
    return (soonest - now).total_seconds() if soonest is not None else 0.0
