"""Several worker processes on one PostgreSQL outbox, a worker killed mid-batch, and 429s over
real HTTP: every message arrives exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, insert, select

from bot.app import build_context, create_app
from bot.clock import FixedClock, SystemClock
from bot.config import load_settings
from bot.leader import Leadership
from storage.database import Database
from storage.models import CampaignParticipant, OutboxMessage, Person
from tests.support.campaigns import start_campaign
from tests.support.fake_platform import FakePlatform
from tests.support.population import add_people, queue_messages
from tests.support.server import live_server

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg(postgres_session_url: str) -> AsyncIterator[Database]:
    from tests.support.databases import truncate_postgres

    truncate_postgres(postgres_session_url)
    db = Database(postgres_session_url)
    yield db
    await db.dispose()


async def _worker(db_url: str, fake_url: str, lease: str = "120", *now: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.worker_process", db_url, fake_url, lease, *now,
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


async def _statuses(db: Database) -> dict[str, int]:
    async with db.unit_of_work() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return dict(rows.all())  # type: ignore[arg-type]


async def test_three_workers_send_every_row_exactly_once(pg: Database, postgres_session_url: str) -> None:
    now = SystemClock().now()
    await add_people(pg, 300, now, workspaces=3)
    total = await queue_messages(pg, now)
    fake = FakePlatform(delay=0.002)
    async with live_server(fake.app) as url:
        workers = [await _worker(postgres_session_url, url) for _ in range(3)]
        codes = await asyncio.wait_for(asyncio.gather(*(w.wait() for w in workers)), 60)
    assert codes == [0, 0, 0]
    assert len(fake.received) == total
    assert max(fake.received.values()) == 1
    assert await _statuses(pg) == {"sent": total}


async def test_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    pg: Database, postgres_session_url: str
) -> None:
    now = SystemClock().now()
    await add_people(pg, 400, now)
    total = await queue_messages(pg, now)
    fake = FakePlatform(delay=0.01)
    async with live_server(fake.app) as url:
        first = await _worker(postgres_session_url, url, lease="1")
        while len(fake.received) < 30:  # noqa: ASYNC110 - another process does the sending
            await asyncio.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert 0 < len(fake.received) < total
        leased = (await _statuses(pg)).get("sending", 0)
        assert leased > 0  # the batch it was working on is still leased to the dead worker
        second = await _worker(postgres_session_url, url, lease="1")
        assert await asyncio.wait_for(second.wait(), 60) == 0
    assert len(fake.received) == total
    assert max(fake.received.values()) == 1
    assert await _statuses(pg) == {"sent": total}


async def test_when_the_leader_dies_another_replica_takes_over(postgres_session_url: str) -> None:
    first = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.leader_process", postgres_session_url,
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert first.stdout is not None
    assert await asyncio.wait_for(first.stdout.readline(), 30) == b"leader\n"
    second = Leadership(postgres_session_url, interval=0.2)
    assert not await second.check()
    first.send_signal(signal.SIGKILL)
    await first.wait()
    for _ in range(300):  # the lock goes with the dead process's connection; well within a minute
        if await second.check():
            break
        await asyncio.sleep(0.1)
    assert second.is_leader
    await second.release()


async def test_healthz_shows_the_new_leader_within_five_seconds(
    pg: Database, postgres_session_url: str
) -> None:
    first = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.leader_process", postgres_session_url,
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert first.stdout is not None
    assert await asyncio.wait_for(first.stdout.readline(), 30) == b"leader\n"
    app = create_app(load_settings(STAFET_DATABASE_URL=postgres_session_url))
    async with live_server(app) as url, httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/healthz")).json()["scheduler"]["leader"] is False
        first.send_signal(signal.SIGKILL)
        await first.wait()
        moved = time.monotonic()
        while not (await http.get("/healthz")).json()["scheduler"]["leader"]:
            assert time.monotonic() - moved < 5
            await asyncio.sleep(0.1)


async def test_a_worker_killed_mid_round_bumps_nobodys_ignored_streak(
    pg: Database, postgres_session_url: str
) -> None:
    """The first nudge of a campaign, 300 people, the worker killed mid-round: nobody looks as if
    they ignored a nudge because it was claimed twice."""
    late = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # a Tuesday evening: too late for reminders
    context = build_context(load_settings(STAFET_DATABASE_URL=postgres_session_url), FixedClock(late))
    await add_people(pg, 300, late)
    campaign_id = await start_campaign(context, timezone="UTC", window=("00:00", "23:59"))
    async with pg.unit_of_work() as session:
        people = (await session.scalars(select(Person.id))).all()
        await session.execute(
            insert(OutboxMessage),
            [
                {"key": f"nudge:{campaign_id}:{pid}", "person_id": pid, "campaign_id": campaign_id,
                 "kind": "nudge", "payload": {"occurrence": "2026-11-24T22:30"}, "status": "pending",
                 "due_at": late, "attempts": 0, "created_at": late}
                for pid in people
            ],
        )  # fmt: skip
    fake = FakePlatform(delay=0.01)
    async with live_server(fake.app) as url:
        first = await _worker(postgres_session_url, url, "1", late.isoformat())
        while len(fake.received) < 30:  # noqa: ASYNC110 - another process does the sending
            await asyncio.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert (await _statuses(pg)).get("sending", 0) > 0
        # An hour on (each process's clock stands still): the dead worker's leases and backoffs are over.
        later = (late + timedelta(hours=1)).isoformat()
        second = await _worker(postgres_session_url, url, "60", later)
        assert await asyncio.wait_for(second.wait(), 60) == 0
    assert len(fake.received) == 300 and max(fake.received.values()) == 1
    assert await _statuses(pg) == {"sent": 300}
    async with pg.unit_of_work() as session:
        participants = (await session.scalars(select(CampaignParticipant))).all()
    assert len(participants) == 300
    assert {(p.status, p.ignored_streak) for p in participants} == {("active", 0)}
    await context.db.dispose()
