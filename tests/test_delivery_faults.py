"""Delivery under 429s, crashes and hangs, on SQLite and PostgreSQL, against a fake platform over
real HTTP: a retry never makes anyone look as if they ignored a nudge, a hung call holds back
nobody else's recording, and a call that hangs past its time is looked up, not sent twice."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from bot import features
from bot.campaigns.jobs import plan_due
from bot.clock import FixedClock
from bot.context import AppContext
from bot.delivery import worker as worker_module
from bot.delivery.messenger import DeliveryError
from bot.delivery.outbox import Outbox
from bot.delivery.rows import give_up_or_retry
from bot.delivery.worker import DeliveryWorker
from bot.runtime.events import Platform
from bot.runtime.replies import Reply
from storage import database
from storage.database import Database
from storage.models import CampaignParticipant, OutboxMessage
from tests.support.campaigns import lesson, outbox, start_campaign
from tests.support.fake_platform import FakePlatform, FakePlatformMessenger
from tests.support.population import add_people, queue_messages, queue_to_one
from tests.support.server import live_server

TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen: the first nudge is due


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakePlatform, FakePlatformMessenger]]:
    platform = FakePlatform(limit_per_second=2, retry_after=5)
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        yield platform, messenger
        platform.release.set()
        await messenger.close()


def _worker(context: AppContext, messenger: FakePlatformMessenger, **settings: Any) -> DeliveryWorker:
    if settings:
        context = dataclasses.replace(context, settings=context.settings.model_copy(update=settings))
    return DeliveryWorker(
        context, {Platform.SLACK: messenger}, {"nudge": lesson}, features.gates(), features.after_sent()
    )


async def _participants(context: AppContext) -> list[CampaignParticipant]:
    async with context.db.unit_of_work() as session:
        return list((await session.scalars(select(CampaignParticipant))).all())


async def _campaign_of(context: AppContext, people: int) -> None:
    await add_people(context.db, people, context.clock.now())
    await start_campaign(context)
    await plan_due(context)


async def test_429s_never_count_as_ignored_nudges(
    app: FastAPI, clock: FixedClock, fake: tuple[FakePlatform, FakePlatformMessenger]
) -> None:
    platform, messenger = fake
    context = app.state.context
    await _campaign_of(context, 30)
    clock.set(TUESDAY)
    worker = _worker(context, messenger)
    sent = 0
    for _ in range(60):  # the platform takes 2 a second and answers the rest with 429
        sent += await worker.run_once()
        if sent == 30:
            break
        clock.advance(seconds=5)
        platform.reset_window()
    assert sent == 30 and platform.rejected >= 30
    assert sorted(platform.received.values()) == [1] * 30
    participants = await _participants(context)
    assert {(p.status, p.ignored_streak) for p in participants} == {("active", 0)}
    assert all(p.last_nudge_at is not None for p in participants)
    rows = await outbox(context)
    assert not [r for r in rows if r.key.startswith("campaign-ask")]  # nobody asked "continue?"
    assert len([r for r in rows if r.key.endswith(":reminder")]) == 30  # one reminder per sent nudge


async def test_a_worker_that_dies_mid_round_bumps_nobodys_streak(
    app: FastAPI, clock: FixedClock, fake: tuple[FakePlatform, FakePlatformMessenger]
) -> None:
    platform, messenger = fake
    platform.limit = None
    context = app.state.context
    await _campaign_of(context, 5)
    clock.set(TUESDAY + timedelta(seconds=1))  # all five due: planning spread them at the workspace's rate
    dying = _worker(context, messenger)
    claimed = await dying._claim()  # leased; two are posted, then the process is killed
    for item in claimed[:2]:
        await messenger.send(item.target, item.reply)
    assert [r.status for r in await outbox(context)] == ["sending"] * 5
    assert {(p.last_nudge_at, p.ignored_streak) for p in await _participants(context)} == {(None, 0)}

    clock.advance(seconds=context.settings.delivery_lease_seconds + 1)
    after = _worker(context, messenger)
    assert await after.run_once() == 2  # found on the platform: recorded, not posted again
    assert await after.run_once() == 3
    assert sorted(platform.received.values()) == [1] * 5
    participants = await _participants(context)
    assert {(p.status, p.ignored_streak, p.last_nudge_at) for p in participants} == {
        ("active", 0, clock.now())
    }


async def test_a_hung_call_holds_back_nobody_elses_recording(
    app: FastAPI, clock: FixedClock, fake: tuple[FakePlatform, FakePlatformMessenger]
) -> None:
    platform, messenger = fake
    platform.limit = None
    context = app.state.context
    await add_people(context.db, 10, clock.now())
    await queue_messages(context.db, clock.now())
    platform.hang = {"test:1"}
    delivering = asyncio.create_task(_worker(context, messenger).run_once())
    for _ in range(500):  # noqa: ASYNC110 - the worker records while the hung call is in flight
        if [r.status for r in await outbox(context)].count("sent") == 9:
            break
        await asyncio.sleep(0.01)
    statuses = {r.key: r.status for r in await outbox(context)}
    assert statuses.pop("test:1") == "sending" and set(statuses.values()) == {"sent"}
    assert not delivering.done()
    platform.release.set()
    assert await delivering == 10


async def test_a_call_hanging_past_its_time_is_looked_up_not_sent_twice(
    app: FastAPI, clock: FixedClock, fake: tuple[FakePlatform, FakePlatformMessenger]
) -> None:
    platform, messenger = fake
    platform.limit = None
    context = app.state.context
    await add_people(context.db, 3, clock.now())
    await queue_messages(context.db, clock.now())
    platform.hang = {"test:1"}
    # Sends get a third of the lease: 1 s, which a loaded machine's local send stays well inside.
    worker = _worker(context, messenger, delivery_lease_seconds=3)
    assert worker.sender.timeout == pytest.approx(1)
    assert await worker.run_once() == 2
    hung = next(r for r in await outbox(context) if r.key == "test:1")
    assert (hung.status, hung.attempts) == ("sending", 1)  # unknown: leased until its backoff
    assert hung.last_error == "no answer within 1 s"
    other = _worker(context, messenger)  # another replica, once the backoff has passed
    clock.set(hung.lease_until + timedelta(seconds=1))
    assert await other.run_once() == 1
    assert sorted(platform.received.values()) == [1, 1, 1]
    assert {r.status for r in await outbox(context)} == {"sent"}


async def test_a_retried_row_missing_on_the_platform_goes_again(
    app: FastAPI, clock: FixedClock, fake: tuple[FakePlatform, FakePlatformMessenger]
) -> None:
    platform, messenger = fake
    platform.limit = None
    context = app.state.context
    await add_people(context.db, 1, clock.now())
    await queue_messages(context.db, clock.now())
    await _worker(context, messenger)._claim()  # the worker dies before posting
    clock.advance(seconds=context.settings.delivery_lease_seconds + 1)
    worker = _worker(context, messenger)
    assert await worker.run_once() == 0
    [row] = await outbox(context)
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "not found on the platform")
    assert await worker.run_once() == 1
    assert sorted(platform.received.values()) == [1]


async def test_replicas_share_each_conversations_limit(app: FastAPI, clock: FixedClock) -> None:
    """Three messages to one person in one instant: two workers together send the burst, then one a second."""
    context = app.state.context
    await add_people(context.db, 1, clock.now())
    await queue_to_one(context.db, 5, clock.now())
    platform = FakePlatform()
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        first, second = _worker(context, messenger), _worker(context, messenger)
        assert await first.run_once() == 3  # the conversation's burst
        assert await second.run_once() == 0  # the same conversation, on another replica: no token
        clock.advance(seconds=1)
        assert await second.run_once() == 1
        assert await first.run_once() == 0
        await messenger.close()
    assert len(platform.received) == 4


async def test_slack_workspaces_and_teams_tenants_have_their_own_rates(
    app: FastAPI, clock: FixedClock
) -> None:
    context = app.state.context
    await add_people(context.db, 60, clock.now())
    await add_people(context.db, 60, clock.now(), start=60, platform="teams")
    await queue_messages(context.db, clock.now())
    platform = FakePlatform()
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        worker = DeliveryWorker(context, {Platform.SLACK: messenger, Platform.TEAMS: messenger}, {})
        settings = context.settings
        assert (settings.delivery_workspace_rate, settings.delivery_tenant_rate) == (10, 40)
        assert await worker.run_once() == 10 + 40
        clock.advance(seconds=1)
        assert await worker.run_once() == 10 + 20  # the rest of the Teams people
        await messenger.close()
    platforms = {r.platform for r in await outbox(context) if r.status == "sent"}
    assert platforms == {"slack", "teams"}


async def test_the_worker_claims_and_sends_more_while_a_call_hangs(
    app: FastAPI, clock: FixedClock, fake: tuple[FakePlatform, FakePlatformMessenger]
) -> None:
    platform, messenger = fake
    platform.limit = None
    context = app.state.context
    await add_people(context.db, 5, clock.now())
    await queue_messages(context.db, clock.now())
    platform.hang = {"test:1"}
    worker = _worker(context, messenger)
    running = asyncio.create_task(worker.run_forever(context.delivery_wakeup, 60, lambda _sent: None))
    await _until_sent(context, 4)
    async with context.db.unit_of_work() as session:
        outbox_ = Outbox(session, clock)
        for person in range(2, 6):
            await outbox_.enqueue(key=f"later:{person}", person_id=person, reply=Reply(text="later"))
    context.delivery_wakeup.set()
    await _until_sent(context, 8)  # the next batch went while the first call still hangs
    assert platform.received["test:1"] == 1
    assert {r.key for r in await outbox(context) if r.status == "sending"} == {"test:1"}
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)


async def _until_sent(context: AppContext, count: int) -> None:
    for _ in range(1000):  # noqa: ASYNC110 - the worker runs in the background
        if [r.status for r in await outbox(context)].count("sent") >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"fewer than {count} sent")


def test_a_send_that_waited_out_its_timeout_is_looked_up_at_once() -> None:
    """Its first backoff (1-3 s) is shorter than the 10 s it waited: the next claim asks the
    platform straight away instead of adding the backoff to the end of a campaign."""
    now = TUESDAY
    hung = OutboxMessage(key="k", status="sending", attempts=0, due_at=now)
    give_up_or_retry(hung, DeliveryError("no answer within 10 s", unknown=True, waited=10), now, 5)
    assert (hung.status, hung.attempts, hung.lease_until) == ("sending", 1, now)
    reset = OutboxMessage(key="r", status="sending", attempts=0, due_at=now)
    give_up_or_retry(reset, DeliveryError("connection reset", unknown=True), now, 5)
    assert reset.lease_until is not None and reset.lease_until >= now + timedelta(seconds=1)


async def test_a_claim_kept_out_by_another_sqlite_process_is_a_warning_and_loses_nothing(
    app: FastAPI, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process holds SQLite's one write lock past the busy timeout: the claim says so as a
    warning (not an error with a traceback) and the message goes once the lock is free."""
    context = app.state.context
    if context.db.dialect != "sqlite":
        pytest.skip("SQLite's single write lock")
    await add_people(context.db, 1, clock.now())
    await queue_messages(context.db, clock.now())
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 50)  # for the worker's own connections
    mine = dataclasses.replace(context, db=Database(context.db.url))
    platform = FakePlatform()
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        worker = _worker(mine, messenger)
        async with context.db.unit_of_work() as session:
            await context.db.lock_for_writing(session)  # the other process's write
            running = asyncio.create_task(worker.run_forever(mine.delivery_wakeup, 60, lambda _sent: None))
            for _ in range(1000):  # noqa: ASYNC110 - the worker runs in the background
                if any("write lock" in r.getMessage() for r in caplog.records):
                    break
                await asyncio.sleep(0.01)
        mine.delivery_wakeup.set()
        await _until_sent(context, 1)
        running.cancel()
        await messenger.close()
    await mine.db.dispose()
    [warning] = [r for r in caplog.records if r.name == "bot.delivery.worker"]
    assert warning.levelname == "WARNING" and warning.exc_info is None
    assert list(platform.received.values()) == [1]


async def test_the_tables_composing_fills_get_statistics_as_they_grow(
    app: FastAPI, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new installation's first large campaign: lessons, today's sends and participants grow
    from nothing by a row a message. Once a worker has claimed its first thousand (here ten)
    their statistics are refreshed, so claims read them by index: without, PostgreSQL read each
    whole on every claim, 30 ms at 20,000 people and growing."""
    monkeypatch.setattr(worker_module, "STATISTICS_FIRST", 10)
    context = app.state.context
    await _campaign_of(context, 12)
    clock.set(TUESDAY + timedelta(minutes=1))  # all due: planning spread them at the workspace's rate
    growing = features.growing_tables()
    assert {"campaign_participants", "learning_items", "learning_sends"} <= set(growing)
    platform = FakePlatform()
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        worker = features.delivery_worker(context, {Platform.SLACK: messenger})
        assert await _analyzed(context, growing) == set()
        assert await worker.run_once() == 10  # the workspace's burst
        assert await _analyzed(context, growing) == set(growing)
        await messenger.close()


async def _analyzed(context: AppContext, tables: list[str]) -> set[str]:
    """Tables the database has statistics for (PostgreSQL: reltuples is -1 until the first ANALYZE)."""
    async with context.db.unit_of_work() as session:
        if context.db.dialect == "sqlite":
            kept = await session.scalar(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            )
            found = await session.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")) if kept else []
        else:
            found = await session.scalars(
                text("SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= 0")
            )
        return set(found) & set(tables)
