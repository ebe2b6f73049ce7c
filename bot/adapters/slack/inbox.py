"""Store before ack: each Slack request is committed before Slack hears back, so a crash after the
ack loses no turn. Requests arriving together share one commit (a group commit), which keeps the
ack cheap under load; a stored turn is leased to this process and taken over if it dies."""

from __future__ import annotations

import asyncio
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from bot.clock import Clock
from storage.database import Database, retry_while_locked, writer_engine
from storage.repositories.slack_inbox import (
    ROWS_PER_INSERT,
    NewEntry,
    SlackInboxRepository,
    StoredEntry,
    store_batch,
)

log = logging.getLogger(__name__)
RETRY_SECONDS = (5, 30, 120, 300)  # after a failure before the turn's commit; then it is given up
KEEP_KEYS = timedelta(days=1)  # Slack retries an event for minutes; repeats after a day are unheard of
CLAIM_BATCH = 100
WRITERS = 2  # group commits at once on PostgreSQL; more make smaller batches, costing the acks CPU


class SlackInbox:
    def __init__(self, db: Database, clock: Clock, lease_seconds: float) -> None:
        self.db = db
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)
        self.owner = uuid.uuid4().hex
        self._new: list[tuple[NewEntry, asyncio.Future[int | None]]] = []
        self._finished: list[tuple[int, asyncio.Future[None]]] = []
        self._writers: set[asyncio.Task[None]] = set()
        self._claiming = asyncio.Lock()
        # Group commits run in threads of their own: a busy event loop delays each by one
        # hand-over, not one per statement. PostgreSQL takes several at once (a slow WAL flush
        # does not hold up the next batch); SQLite has one writer anyway.
        self._most_writers = 1 if db.dialect == "sqlite" else WRITERS
        self._engine = writer_engine(db.url, self._most_writers)
        self._threads = ThreadPoolExecutor(self._most_writers, thread_name_prefix="slack-inbox")
        self._pruned_at = clock.now()

    async def store(self, key: str, kind: str, payload: str) -> int | None:
        """Committed when this returns: the entry's id, or None if `key` was stored before."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._new.append((NewEntry(key, kind, payload), future))
        self._wake()
        return await future

    async def finish(self, entry_id: int) -> None:
        """The turn is committed: it is not run again, here or anywhere."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._finished.append((entry_id, future))
        self._wake()
        await future

    def _wake(self) -> None:
        if len(self._writers) < self._most_writers:
            writer = asyncio.create_task(self._write())
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)

    async def _write(self) -> None:
        """Commit what has queued up, again and again until nothing waits: one transaction per
        round however many requests arrived during the previous one."""
        while self._new or self._finished:
            new, self._new = self._new, []
            finished, self._finished = self._finished, []
            try:
                ids = await self._commit([entry for entry, _ in new], [i for i, _ in finished])
            except Exception as error:
                for _, future in (*new, *finished):
                    if not future.done():
                        future.set_exception(error)
                continue
            seen: set[str] = set()
            for entry, future in new:
                fresh = entry.event_key not in seen
                seen.add(entry.event_key)
                if not future.done():
                    future.set_result(ids.get(entry.event_key) if fresh else None)
            for _, done in finished:
                if not done.done():
                    done.set_result(None)

    async def _commit(self, new: list[NewEntry], finished: list[int]) -> dict[str, int]:
        now = self.clock.now()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._transaction, new, finished, now)

    def _transaction(self, new: list[NewEntry], finished: list[int], now: datetime) -> dict[str, int]:
        dialect = self._engine.dialect

        # On PostgreSQL a lone statement commits by itself; several share one transaction, so the
        # acks wait for one flush of the log, not one per statement.
        several = len(new) > ROWS_PER_INSERT or bool(new and finished)

        def store() -> dict[str, int]:
            connection = self._engine.raw_connection()
            try:
                if dialect.name == "sqlite":  # its write lock taken at once, or retried
                    connection.cursor().execute("BEGIN IMMEDIATE")
                elif several:
                    connection.cursor().execute("BEGIN")
                ids = store_batch(connection, dialect, new, finished, self.owner, now, now + self.lease)
                connection.commit()
                return ids
            except BaseException:
                connection.rollback()
                raise
            finally:
                connection.close()  # back to the pool

        return retry_while_locked(store)

    def close(self) -> None:
        self._threads.shutdown(wait=True)
        self._engine.dispose()

    async def failed(self, entry_id: int) -> bool:
        """A turn failed before its commit: True if it will be tried again, False if given up."""
        now = self.clock.now()

        def retry_at(attempts: int) -> datetime | None:
            if attempts > len(RETRY_SECONDS):
                return None
            return now + timedelta(seconds=RETRY_SECONDS[attempts - 1])

        async with self.db.unit_of_work() as session:
            return await SlackInboxRepository(session).fail(entry_id, retry_at)

    async def claim(self, *, orphans: bool = False) -> list[StoredEntry]:
        """Keep this process's turns leased; take the turns that are due (a retry, or a lease
        that ran out with its process). `orphans`: also every turn another process was running
        (right after start on SQLite, where only one process runs)."""
        async with self._claiming:
            now = self.clock.now()
            async with self.db.unit_of_work() as session:
                inbox = SlackInboxRepository(session)
                await inbox.renew(self.owner, now + self.lease)
                claimed = await inbox.claim_due(
                    self.owner, now, now + self.lease, CLAIM_BATCH, orphans=orphans
                )
                if now - self._pruned_at > KEEP_KEYS / 24:
                    self._pruned_at = now
                    await inbox.forget_before(now - KEEP_KEYS)
            return claimed
