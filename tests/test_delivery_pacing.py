"""Pacing a backlog by the rate limits, against a fake platform over real HTTP, on SQLite and
PostgreSQL: one workspace's backlog holds back no other workspace, a conversation's messages stay
in order when one is paced, two processes never claim the same row, and a retried lesson is the
one composed the first time."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.jobs import plan_due
from bot.campaigns.planner import spread
from bot.clock import FixedClock
from bot.context import AppContext
from bot.delivery import worker as worker_module
from bot.delivery.limits import RateLimits
from bot.delivery.messenger import Target
from bot.delivery.sending import Claimed, Sender
from bot.delivery.worker import DeliveryWorker, due_rows
from bot.runtime.events import Address, Platform
from bot.runtime.replies import Reply
from storage.database import Database
from storage.models import OutboxMessage, Person
from storage.repositories.people import PeopleRepository
from tests.support.campaigns import lesson, outbox, start_campaign, use_test_composer
from tests.support.fake_platform import FakePlatform, FakePlatformMessenger
from tests.support.population import add_people, queue_messages, queue_to_one
from tests.support.server import live_server


async def test_one_workspaces_backlog_holds_back_no_other_workspace(
    app: FastAPI, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100 Slack people queued before 20 Teams people, a claim looking at 50 rows: the Teams
    people are served at once, not after the Slack workspace's 10 a second worked through 100."""
    monkeypatch.setattr(worker_module, "BATCH", 50)
    context = app.state.context
    await add_people(context.db, 100, clock.now())
    await add_people(context.db, 20, clock.now(), start=100, platform="teams")
    await queue_messages(context.db, clock.now())
    platform = FakePlatform()
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        worker = DeliveryWorker(context, {Platform.SLACK: messenger, Platform.TEAMS: messenger}, {})
        for _ in range(4):  # the same instant: the Slack backlog is paced, the Teams rows come up
            await worker.run_once()
        by_platform = Counter(r.platform for r in await outbox(context) if r.status == "sent")
        assert by_platform == {"teams": 20, "slack": 10}  # Slack: its burst, no more
        for _ in range(9):
            clock.advance(seconds=1)
            platform.reset_window()
            await worker.run_once()
        await messenger.close()
    assert [r.status for r in await outbox(context)].count("sent") == 120
    assert set(platform.received.values()) == {1}


async def test_a_conversations_later_message_never_overtakes_a_paced_earlier_one(
    app: FastAPI, clock: FixedClock
) -> None:
    context = app.state.context
    await add_people(context.db, 1, clock.now())
    await queue_to_one(context.db, 6, clock.now())
    platform = FakePlatform()
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        worker = DeliveryWorker(context, {Platform.SLACK: messenger}, {})
        assert await worker.run_once() == 3  # the conversation's burst; the rest is paced
        for _ in range(3):
            clock.advance(seconds=1)
            assert await worker.run_once() == 1
        await messenger.close()
    assert list(platform.received) == [f"many:{n}" for n in range(6)]


async def test_a_workspaces_sends_keep_to_its_rate_across_claims_workers_and_429s(
    app: FastAPI, clock: FixedClock
) -> None:
    """Platforms count fixed one-second windows, and a claim's messages reach them a varying while
    after it: each message waits its turn, one token's time (a tenth of a second at Slack's 10)
    after the one before, whichever worker's claim took it. After the workspace's 429s the turns
    go on at the rate from where the Retry-After ends; what the bucket refilled meanwhile never
    goes at once."""
    context = app.state.context
    await add_people(context.db, 40, clock.now())
    await queue_messages(context.db, clock.now())
    other = dataclasses.replace(context, db=Database(context.db.url))  # another replica
    messenger = FakePlatformMessenger("http://127.0.0.1:9")  # never called: claims only
    first = DeliveryWorker(context, {Platform.SLACK: messenger}, {})
    second = DeliveryWorker(other, {Platform.SLACK: messenger}, {})
    start = clock.now()

    def turns(claimed: list[Claimed]) -> list[float]:
        return sorted(round((item.not_before - start).total_seconds(), 3) for item in claimed)  # type: ignore[operator]

    claimed = await first._claim()  # a full bucket: its burst is taken, and spaced
    assert turns(claimed) == [n / 10 for n in range(10)]
    clock.advance(seconds=0.5)
    assert turns(await second._claim()) == [n / 10 for n in range(10, 15)]  # after the first's
    # Each worker meets a 429 (Retry-After: to 3 s) in a conversation of its own: the second
    # shows the limit is the workspace's.
    await first._share_blocks([first.limits.block(claimed[0].target, 2.5)])
    await second._share_blocks([second.limits.block(claimed[1].target, 2.5)])
    clock.advance(seconds=1)
    assert await second._claim() == []  # blocked: the due rows are moved to after it
    clock.advance(seconds=1.5)
    assert turns(await first._claim()) == [n / 10 for n in range(30, 40)]  # from 3 s, spaced
    await other.db.dispose()


async def test_two_processes_claiming_at_once_never_take_the_same_row(app: FastAPI) -> None:
    context = app.state.context
    await add_people(context.db, 40, context.clock.now(), workspaces=4)
    await queue_messages(context.db, context.clock.now())
    other = dataclasses.replace(context, db=Database(context.db.url))  # its own connections
    messenger = FakePlatformMessenger("http://127.0.0.1:9")  # never called: claims only
    first = DeliveryWorker(context, {Platform.SLACK: messenger}, {})
    second = DeliveryWorker(other, {Platform.SLACK: messenger}, {})
    claims = await asyncio.gather(first._claim(), second._claim())
    await other.db.dispose()
    ids = [item.row_id for claim in claims for item in claim]
    assert len(ids) == len(set(ids)) == 40  # the workspaces' bursts: 10 each, shared


async def test_a_retried_lesson_is_the_one_composed_first(app: FastAPI, clock: FixedClock) -> None:
    """Composing a lesson records it as sent (the day's cap): a row answered 429 goes again with
    what was composed, instead of being composed again, finding the day full, and skipped."""
    composed: Counter[int] = Counter()

    async def once_a_day(
        _session: AsyncSession, person: Person, _payload: dict[str, Any], _now: datetime, _app: AppContext
    ) -> Reply | None:
        composed[person.id] += 1
        return Reply(text=f"Lesson for {person.id}") if composed[person.id] == 1 else None

    context = app.state.context
    await add_people(context.db, 6, clock.now())
    async with context.db.unit_of_work() as session:
        session.add_all(
            OutboxMessage(
                key=f"lesson:{n}", person_id=n, kind="lesson", payload={}, status="pending",
                due_at=clock.now(), created_at=clock.now(),
            )
            for n in range(1, 7)
        )  # fmt: skip
    platform = FakePlatform(limit_per_second=2, retry_after=1)
    async with live_server(platform.app) as url:
        messenger = FakePlatformMessenger(url)
        worker = DeliveryWorker(context, {Platform.SLACK: messenger}, {"lesson": once_a_day})
        for _ in range(5):
            await worker.run_once()
            clock.advance(seconds=2)
            platform.reset_window()
        await messenger.close()
    rows = await outbox(context)
    assert platform.rejected > 0
    assert [r.status for r in rows] == ["sent"] * 6
    assert sorted(platform.received.values()) == [1] * 6


async def test_a_campaign_occurrence_comes_due_at_each_workspaces_pace(
    app: FastAPI, clock: FixedClock
) -> None:
    """40 Slack people in two workspaces (10 a second each) and 20 Teams people (40 a second),
    one occurrence due at 10:00: planning spaces each workspace's nudges one message's time apart,
    so the worker sends each second what the platform takes, moves no row and meets no 429."""
    context = use_test_composer(app)
    await add_people(context.db, 40, clock.now(), workspaces=2)
    await add_people(context.db, 20, clock.now(), start=40, platform="teams")
    await start_campaign(context, cadence="tue 10:00")
    await plan_due(context)
    planned = {row.id: row.due_at for row in await outbox(context)}
    async with context.db.unit_of_work() as session:
        workspaces = await PeopleRepository(session).workspaces()
    due: dict[str, list[float]] = defaultdict(list)
    for row in await outbox(context):
        due[workspaces[row.person_id or 0][1]].append((row.due_at - planned[1]).total_seconds())
    assert {workspace: sorted(times) for workspace, times in due.items()} == {
        "T0": pytest.approx([n / 10 for n in range(20)]),
        "T1": pytest.approx([n / 10 for n in range(20)]),
        "tenant-0": pytest.approx([n / 40 for n in range(20)]),
    }
    slack, teams = FakePlatform(limit_per_second=10), FakePlatform(limit_per_second=40)
    async with live_server(slack.app) as slack_url, live_server(teams.app) as teams_url:
        messengers = {
            Platform.SLACK: FakePlatformMessenger(slack_url),
            Platform.TEAMS: FakePlatformMessenger(teams_url),
        }
        worker = DeliveryWorker(context, messengers, {"nudge": lesson})
        clock.set(planned[1])
        sent = [await worker.run_once()]
        for _ in range(2):
            clock.advance(seconds=1)
            slack.reset_window()
            teams.reset_window()
            sent.append(await worker.run_once())
        for messenger in messengers.values():
            await messenger.close()
    assert sent == [3, 10 + 10 + 19, 9 + 9]
    assert slack.rejected == teams.rejected == 0
    assert {row.id: row.due_at for row in await outbox(context)} == planned  # none was moved


def test_people_due_at_other_times_are_not_held_back_by_a_busy_workspace() -> None:
    ten = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    planned = [(ten, 1, "o"), (ten, 2, "o"), (ten, 3, "o"), (ten + timedelta(hours=1), 4, "o")]
    workspaces = {n: ("slack", "T0") for n in (1, 2, 3, 4)} | {3: ("web", "web")}
    assert [due for due, *_ in spread(planned, workspaces, {Platform.SLACK: 4})] == [
        ten, ten + timedelta(seconds=0.25), ten, ten + timedelta(hours=1)
    ]  # fmt: skip


async def test_after_a_claim_the_worker_knows_when_the_next_row_comes_due(
    app: FastAPI, clock: FixedClock
) -> None:
    """It waits for that (a planned nudge, a paced or retried row, a lease whose unknown send is
    to be looked up), not for its polling interval."""
    context = app.state.context
    now = clock.now()
    async with context.db.unit_of_work() as session:
        session.add_all(
            [
                OutboxMessage(
                    key="later", kind="message", status="pending", due_at=now + timedelta(seconds=3),
                    created_at=now,
                ),
                OutboxMessage(
                    key="hung", kind="message", status="sending", due_at=now,
                    lease_until=now + timedelta(seconds=1.5), created_at=now,
                ),
            ]
        )  # fmt: skip
    worker = DeliveryWorker(context, {}, {})
    assert await worker.run_once() == 0
    assert worker.next_wait == pytest.approx(1.5)
    clock.advance(seconds=2)  # the lease ran out: that row is claimed; the pending one is next
    await worker.run_once()
    assert worker.next_wait == pytest.approx(1.0)


async def test_a_claim_reads_a_planned_occurrence_in_due_order_without_sorting_it(
    app: FastAPI, clock: FixedClock
) -> None:
    """Planning an occurrence for 1,500 people leaves the statistics to plan the claim by
    (PostgreSQL's autovacuum refreshes them a minute later, or never where it is off; SQLite has
    none of its own): midway through, the claim reads the waiting rows' index in due order and
    stops at its batch. Without them SQLite (and PostgreSQL at 100,000 rows) read every row due
    so far through the (status, due_at) index and sorted them, on every claim."""
    context = use_test_composer(app)
    await add_people(context.db, 1500, clock.now(), workspaces=2)
    await start_campaign(context, cadence="tue 10:00")
    await plan_due(context)
    due = sorted(row.due_at for row in await outbox(context))
    query = due_rows(due[len(due) // 2], worker_module.BATCH)
    async with context.db.unit_of_work() as session:
        dialect = session.get_bind().dialect
        sql = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN" if dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
        plan = "\n".join(str(row[-1]) for row in await session.execute(text(f"{explain} {sql}")))
    assert "ix_outbox_waiting" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


class WaitedOnClock(FixedClock):
    """Moves by what the code waits on it (after letting others run), so a wait is seen."""

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)
        self.advance(seconds=seconds)


async def test_a_message_goes_at_its_turn_and_holds_no_lane_while_it_waits() -> None:
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    clock = WaitedOnClock(start)
    sent: list[tuple[str, datetime]] = []

    class Recording:
        async def send(self, target: Target, reply: Reply) -> str:
            sent.append((reply.text, clock.now()))
            return "m"

    limits = RateLimits({Platform.SLACK: 10.0}, 1.0)
    sender = Sender({Platform.SLACK: Recording()}, limits, clock, timeout=5.0, lanes=1)
    target = Target(Address(Platform.SLACK, "T1", "D1", "U1"), {}, "k")
    lease = start + timedelta(minutes=1)
    later = Claimed(1, target, Reply(text="later"), lease, not_before=start + timedelta(seconds=0.3))
    now = Claimed(2, target, Reply(text="now"), lease, not_before=start)
    assert await asyncio.gather(sender.send(later), sender.send(now)) == ["m", "m"]
    assert sent == [("now", start), ("later", start + timedelta(seconds=0.3))]  # one lane, not held
