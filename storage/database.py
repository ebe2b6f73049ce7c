"""Engines and units of work for SQLite (the default) and PostgreSQL."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import InvalidatePoolError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000
# A pooled PostgreSQL connection is pinged before use only after resting this long: one in
# steady use has just answered, and a ping per checkout is a round trip per request.
PING_AFTER_REST_SECONDS = 5.0


def async_url(url: str) -> URL:
    """The URL with the async driver we use for each database."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed.set(drivername="postgresql+psycopg")


def sync_url(url: str) -> URL:
    """The same database through a synchronous driver (migrations, command line)."""
    parsed = async_url(url)
    return parsed.set(drivername="sqlite" if parsed.get_backend_name() == "sqlite" else parsed.drivername)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def configure_sqlite(engine: Any) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection of `engine`."""
    target = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    if target.dialect.name == "sqlite":
        event.listen(target, "connect", _sqlite_pragmas)


def ping_after_rest(engine: AsyncEngine) -> None:
    """Like `pool_pre_ping`, but only for connections idle in the pool over `PING_AFTER_REST_SECONDS`:
    a dead one (say, after a database restart) is replaced with the rest of the pool."""
    pool, dialect = engine.sync_engine.pool, engine.sync_engine.dialect

    def rested(_dbapi_connection: Any, record: Any) -> None:
        record.info["rested_at"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("rested_at", None)
        if since is None or time.monotonic() - since < PING_AFTER_REST_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise InvalidatePoolError(f"ping failed after rest: {error}") from error

    event.listen(pool, "checkin", rested)
    event.listen(pool, "checkout", checkout)


def writer_engine(url: str, connections: int = 1) -> Engine:
    """A synchronous engine for writers running in threads of their own: a whole transaction
    there costs the event loop one hand-over instead of one per statement.

    Each statement is a transaction of its own on PostgreSQL (one round trip, no BEGIN and
    COMMIT). On SQLite the writer begins its transactions itself, with `BEGIN IMMEDIATE`: that
    takes the write lock at once or fails at once, so the writer retries every millisecond
    (`retry_while_locked`) instead of sleeping in SQLite's busy handler, which backs off to
    100 ms between tries and lets newer writers in first."""
    if async_url(url).get_backend_name() != "sqlite":
        return create_engine(
            sync_url(url), pool_size=connections, max_overflow=0, isolation_level="AUTOCOMMIT"
        )
    engine = create_engine(sync_url(url), pool_size=connections, max_overflow=0)
    event.listen(engine, "connect", _sqlite_writer)
    return engine


def _sqlite_writer(dbapi_connection: Any, _record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, _record)
    dbapi_connection.isolation_level = None  # transactions begin where the writer says
    dbapi_connection.execute("PRAGMA busy_timeout=0")


def write_lock_busy(error: BaseException) -> bool:
    """SQLite's "database is locked": another connection held the one write lock too long."""
    return isinstance(error, (OperationalError, sqlite3.OperationalError)) and "locked" in str(error)


def retry_while_locked[T](work: Callable[[], T]) -> T:
    """Run `work` (a transaction on a `writer_engine`, through SQLAlchemy or on the driver's
    own connection) until SQLite's write lock is free."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return work()
        except (OperationalError, sqlite3.OperationalError) as error:
            if not write_lock_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.001)


class Database:
    """One engine and its session factory; `unit_of_work` is the only place that commits."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        # Parameters (answers, question texts, emails) stay out of error messages and the log.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if async_url(url).get_backend_name() == "postgresql":
            kwargs.update(pool_size=10, max_overflow=10)
        self.engine: AsyncEngine = create_async_engine(async_url(url), **kwargs)
        configure_sqlite(self.engine)
        if self.engine.dialect.name == "postgresql":
            ping_after_rest(self.engine)
        if self.engine.dialect.name == "sqlite":
            # aiosqlite's DEBUG lines carry every statement's parameters: answers and emails.
            quiet = logging.getLogger("aiosqlite")
            quiet.setLevel(max(quiet.getEffectiveLevel(), logging.INFO))
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL answers a lone read without BEGIN and COMMIT: two round trips fewer.
        direct = self.engine
        if self.engine.dialect.name == "postgresql":
            direct = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.readers = async_sessionmaker(direct, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed when the block ends, rolled back on error."""
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for requests that only read. On PostgreSQL its statements run outside a
        transaction, each seeing the latest commits; a rare write in it (a token's last use) is
        committed by itself at once. On SQLite it is a unit of work."""
        async with self.readers() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def lock_for_writing(self, session: AsyncSession) -> None:
        """On SQLite, take the write lock before the transaction's first read. A deferred
        transaction reads first and locks at its first write, so two processes could both read a
        row as free and both take it; PostgreSQL locks rows instead (FOR UPDATE)."""
        if self.dialect == "sqlite":
            await session.execute(text("BEGIN IMMEDIATE"))

    async def ping(self) -> bool:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()
