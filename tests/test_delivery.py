"""Delivery rules at send time, on SQLite and PostgreSQL: 429 + Retry-After against a fake
platform over real HTTP, backoff and dead letters, quiet hours, out of office and opt-out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.campaigns.jobs import plan_due
from bot.clock import FixedClock
from bot.delivery.dead_letters import dead_letters, retry
from bot.delivery.messenger import DeliveryError, Target
from bot.delivery.outbox import Outbox
from bot.delivery.worker import DeliveryWorker
from bot.runtime.events import Platform
from bot.runtime.replies import Reply
from storage.models import DeliveryPreference, OutboxMessage, RateBucket
from tests.support.campaigns import outbox, start_campaign
from tests.support.fake_platform import FakePlatform, FakePlatformMessenger
from tests.support.population import add_people, queue_messages, queue_to_one
from tests.support.server import live_server


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakePlatform, str]]:
    platform = FakePlatform(limit_per_second=2, retry_after=7)
    async with live_server(platform.app) as url:
        yield platform, url


async def test_429_reschedules_at_retry_after_without_counting_an_attempt(
    app: FastAPI, clock: FixedClock, fake: tuple[FakePlatform, str]
) -> None:
    platform, url = fake
    context = app.state.context
    await add_people(context.db, 5, clock.now())
    await queue_messages(context.db, clock.now())
    messenger = FakePlatformMessenger(url)
    worker = DeliveryWorker(context, {Platform.SLACK: messenger}, {})
    assert await worker.run_once() == 2
    waiting = [r for r in await outbox(context) if r.status == "pending"]
    assert len(waiting) == 3 and platform.rejected == 3
    assert {r.due_at for r in waiting} == {clock.now() + timedelta(seconds=7)}
    assert {r.attempts for r in waiting} == {0}
    assert await worker.run_once() == 0  # nobody sleeps; nothing is due yet
    # 429s in three conversations: the limit is the workspace's, so a message to someone else
    # waits too, though the platform's window has turned over.
    async with context.db.unit_of_work() as session:
        await Outbox(session, clock).enqueue(key="later", person_id=1, reply=Reply(text="Later"))
    clock.advance(seconds=1)
    platform.reset_window()
    assert await worker.run_once() == 0 and platform.rejected == 3
    clock.advance(seconds=6)
    platform.reset_window()
    # As the Retry-After ends all three go, one token's time apart (this test's clock stands
    # still, so here at once): this platform allows two a second, less than the workspace rate
    # Stafet was given, so the third meets another 429 and waits its Retry-After again.
    assert await worker.run_once() == 2
    clock.advance(seconds=7)
    platform.reset_window()
    assert await worker.run_once() == 2
    assert sorted(platform.received.values()) == [1] * 6
    await messenger.close()


async def test_a_429_in_one_conversation_holds_that_conversation_not_its_workspace(
    app: FastAPI, clock: FixedClock
) -> None:
    """Both platforms also limit each conversation (Slack: a message a second per channel; Teams:
    per bot per thread): one person's 429 must not stop a campaign for everyone else."""
    context = app.state.context
    await add_people(context.db, 6, clock.now())
    await queue_to_one(context.db, 2, clock.now())  # two at once to person 1: the platform allows one
    platform = FakePlatform(per_conversation=1, retry_after=5)
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        worker = DeliveryWorker(context, {Platform.SLACK: messenger}, {})
        assert await worker.run_once() == 1 and platform.rejected == 1
        clock.advance(seconds=0.5)
        await queue_messages(context.db, clock.now())  # one more to everyone, person 1 included
        assert await worker.run_once() == 5  # everyone else's goes; person 1's waits its turn
        assert "test:1" not in platform.received
        for _ in range(12):  # (this platform allows no burst in a conversation: more 429s there)
            clock.advance(seconds=1)
            platform.reset_window()
            await worker.run_once()
        await messenger.close()
    assert sorted(platform.received.values()) == [1] * 8
    person_1 = [key for key in platform.received if key.startswith("many:") or key == "test:1"]
    assert person_1 == ["many:0", "many:1", "test:1"]  # in order, after the Retry-After


async def test_a_429_is_shared_once_however_many_records_run_side_by_side(
    app: FastAPI, clock: FixedClock
) -> None:
    """Each round records its own outcomes, side by side: a 429 shared by two of them would look
    like a second conversation's and hold the whole workspace."""
    context = app.state.context
    await add_people(context.db, 2, clock.now())
    await queue_messages(context.db, clock.now())
    worker = DeliveryWorker(context, {Platform.SLACK: FakePlatformMessenger("http://127.0.0.1:9")}, {})
    first, _ = await worker._claim()  # claims only: nothing is sent
    worker.sender.limited.append(worker.limits.block(first.target, 5.0))
    await asyncio.gather(worker._record([]), worker._record([]))
    async with context.db.unit_of_work() as session:
        blocked = dict((await session.execute(select(RateBucket.key, RateBucket.blocked_until))).all())
    until = clock.now().timestamp() + 5.0
    assert {key: at for key, at in blocked.items() if at} == {"slack:T0:D1": until, "slack:T0|429": until}
    assert blocked["slack:T0"] == blocked["slack:T0:D2"] == 0  # the workspace and everyone else go on


class Throttled:
    async def send(self, target: Target, reply: Reply) -> str:
        raise DeliveryError("rate limited", retry_after=30)


async def test_workers_share_one_workspace_budget_and_its_429s(app: FastAPI, clock: FixedClock) -> None:
    """Workers on different replicas together send no faster than the workspace allows."""
    context = app.state.context
    await add_people(context.db, 40, clock.now())
    await queue_messages(context.db, clock.now())
    platform = FakePlatform()
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        first, second = (DeliveryWorker(context, {Platform.SLACK: messenger}, {}) for _ in range(2))
        rate = int(context.settings.delivery_workspace_rate)
        assert await first.run_once() == rate
        assert await second.run_once() == 0  # the first spent this second's tokens for both
        clock.advance(seconds=1)
        assert await second.run_once() == rate
        clock.advance(seconds=1)
        assert await DeliveryWorker(context, {Platform.SLACK: Throttled()}, {}).run_once() == 0
        clock.advance(seconds=1)
        assert await first.run_once() == 0  # another worker's 429 holds this one back too
        clock.advance(seconds=30)
        assert await first.run_once() == rate
        await messenger.close()
    assert sorted(platform.received.values()) == [1] * (3 * rate)


class Broken:
    async def send(self, target: Target, reply: Reply) -> str:
        raise DeliveryError("platform error 503")


async def test_backoff_then_dead_letter_with_the_reason(app: FastAPI, clock: FixedClock) -> None:
    context = app.state.context
    await add_people(context.db, 1, clock.now())
    await queue_messages(context.db, clock.now())
    worker = DeliveryWorker(context, {Platform.SLACK: Broken()}, {})
    delays = []
    for _ in range(context.settings.delivery_max_attempts):
        assert await worker.run_once() == 0
        [row] = await outbox(context)
        delays.append((row.due_at - clock.now()).total_seconds())
        clock.set(row.due_at)
    assert row.status == "dead"
    assert 1 <= delays[0] <= 3 and 8 <= delays[3] <= 24  # doubling, with jitter
    async with context.db.unit_of_work() as session:
        [letter], total = await dead_letters(session)
        assert total == 1
        assert letter.reason == "platform error 503" and letter.attempts == 5
        assert await retry(session, [letter.id], clock.now()) == [letter.id]
    assert [r.status for r in await outbox(context)] == ["pending"]


async def test_quiet_hours_out_of_office_and_opt_out(chat, app: FastAPI, clock: FixedClock, deliver) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    app.state.worker.composers = {"nudge": _lesson}
    anna = chat("anna@example.org")
    await anna.say("hi")
    await anna.new_messages()
    async with context.db.unit_of_work() as session:
        session.add(DeliveryPreference(person_id=1, quiet_start="08:00", quiet_end="12:00"))
    async with context.db.unit_of_work() as session:
        await Outbox(session, clock).enqueue(key="hello", person_id=1, reply=Reply(text="Hello"))
    assert await deliver() == 0
    [row] = await outbox(context)
    assert row.due_at == datetime(2026, 11, 23, 11, tzinfo=UTC) and row.last_error == "quiet hours"
    async with context.db.unit_of_work() as session:
        preference = await session.get(DeliveryPreference, 1)
        preference.quiet_start = preference.quiet_end = None
        preference.away_until = datetime(2026, 11, 25, 8, tzinfo=UTC)
    clock.set(row.due_at)
    assert await deliver() == 0
    [row] = await outbox(context)
    assert row.due_at == datetime(2026, 11, 25, 8, tzinfo=UTC) and row.last_error == "out of office"
    async with context.db.unit_of_work() as session:
        (await session.get(DeliveryPreference, 1)).opted_out = True
    await start_campaign(context, cadence="daily 10:00")
    clock.set(datetime(2026, 11, 25, 9, tzinfo=UTC))
    await plan_due(context)  # an opted-out person gets no nudges planned
    async with context.db.unit_of_work() as session:
        nudges = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "nudge"))).all()
    assert nudges == []
    assert await deliver() == 1  # the ordinary message, after the absence
    assert [m["text"] for m in await anna.new_messages()] == ["Hello"]


async def _lesson(*_args: object) -> Reply:
    return Reply(text="lesson")


class Yielding:
    """Records the order sends finish in; the first message takes a while (it yields many times)."""

    def __init__(self) -> None:
        self.finished: list[str] = []

    async def send(self, to: Target, reply: Reply) -> str:
        import asyncio

        if reply.text == "Picked up":
            for _ in range(50):
                await asyncio.sleep(0)  # no time passes: other sends could overtake it
        self.finished.append(reply.text)
        return f"ts-{len(self.finished)}"


async def test_one_person_gets_their_messages_in_the_order_they_were_due(
    app: FastAPI, clock: FixedClock
) -> None:
    context = app.state.context
    await add_people(context.db, 2, clock.now())
    async with context.db.unit_of_work() as session:
        outbox_ = Outbox(session, context.clock)
        await outbox_.enqueue(key="a:1", person_id=1, reply=Reply(text="Picked up"))
        await outbox_.enqueue(key="a:2", person_id=1, reply=Reply(text="The answer"), due_at=clock.now())
        await outbox_.enqueue(key="b:1", person_id=2, reply=Reply(text="Other person"))
    messenger = Yielding()
    sent = 0
    for _ in range(3):
        sent += await DeliveryWorker(context, {Platform.SLACK: messenger}, {}).run_once()
        clock.advance(seconds=1)
    assert sent == 3
    mine = [text for text in messenger.finished if text != "Other person"]
    assert mine == ["Picked up", "The answer"]
