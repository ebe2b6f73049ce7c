"""One scheduler across replicas: on PostgreSQL the replica holding a session-level advisory
lock, on a connection of its own, leads. If it dies its connection closes, the lock goes, and
another replica's next attempt (every `interval` seconds) takes over; `/healthz` reads
`is_leader` live, so it shows the new leader within that interval. SQLite: one process leads."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import psycopg

from storage.database import async_url

log = logging.getLogger(__name__)

LOCK_KEY = 0x5374_6166  # "Staf": the scheduler's advisory lock
INTERVAL_SECONDS = 2.0  # one cheap query a replica every 2 s; a new leader shows within that


class Leadership:
    def __init__(self, database_url: str, interval: float = INTERVAL_SECONDS) -> None:
        url = async_url(database_url)
        self.postgres = url.get_backend_name() == "postgresql"
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.interval = interval
        self.is_leader = not self.postgres
        self._connection: psycopg.AsyncConnection | None = None

    async def check(self) -> bool:
        """Take the lock if free, or confirm we still hold it; True when this replica leads."""
        if not self.postgres:
            return True
        try:
            if self._connection is None or self._connection.closed:
                self.is_leader = False
                self._connection = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
            if self.is_leader:
                await self._connection.execute("SELECT 1")
            else:
                cursor = await self._connection.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
                row = await cursor.fetchone()
                self.is_leader = bool(row and row[0])
                if self.is_leader:
                    log.info("this replica now leads the scheduler")
        except psycopg.Error as error:
            log.warning("leader election: %s", error)
            await self._drop()
        return self.is_leader

    async def run(self) -> None:
        """Keep checking until cancelled."""
        while True:
            await self.check()
            await asyncio.sleep(self.interval)

    async def release(self) -> None:
        await self._drop()

    async def _drop(self) -> None:
        self.is_leader = not self.postgres
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error):
                await self._connection.close()
        self._connection = None
