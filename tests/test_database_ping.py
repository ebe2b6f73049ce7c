"""A PostgreSQL connection that died while resting in the pool (a restart, a killed backend) is
replaced before anyone uses it; one in steady use is not pinged on every checkout."""

from __future__ import annotations

from collections.abc import AsyncIterator

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage import database
from storage.database import Database, sync_url

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg(postgres_session_url: str) -> AsyncIterator[Database]:
    db = Database(postgres_session_url)
    yield db
    await db.dispose()


async def backend(db: Database) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(text("SELECT pg_backend_pid()")) or 0)


def kill(url: str, pid: int) -> None:
    plain = sync_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))


async def test_a_connection_dead_after_resting_is_replaced_unseen(
    pg: Database, postgres_session_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await backend(pg)
    kill(postgres_session_url, first)
    monkeypatch.setattr(database, "PING_AFTER_REST_SECONDS", 0.0)  # it has rested long enough
    second = await backend(pg)
    assert second != first


async def test_a_connection_in_steady_use_is_not_pinged(
    pg: Database, postgres_session_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "PING_AFTER_REST_SECONDS", 3600.0)
    first = await backend(pg)
    kill(postgres_session_url, first)
    with pytest.raises(DBAPIError):  # no ping: the one request that meets the dead connection fails
        await backend(pg)
    assert await backend(pg) != first  # and the next one gets a fresh connection
