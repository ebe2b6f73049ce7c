"""`kill -9` of a serving process loses no acknowledged Slack event: every request is stored before
its ack, and a restarted process runs what the dead one stored but had not done (a turn caught
between its commit and its reply runs again: at least once, never lost)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from storage.database import Database
from storage.models.slack_inbox import SlackInboxEntry
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SlackSender, fake_slack_server
from tests.support.slack_fixtures import Payload

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 8
TURNS_AT_ONCE = 4  # the most turns a process runs at once (SQLite: 1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _serve(db_url: str, api_url: str) -> tuple[asyncio.subprocess.Process, str]:
    """`stafet serve` in a process of its own, with a one-second lease on its stored turns."""
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STAFET_DATABASE_URL": db_url,
        "STAFET_SCHEDULER": "false",
        "STAFET_LOG_LEVEL": "WARNING",
        "STAFET_SLACK_TURN_LEASE": "1",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--port", str(port),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=url) as http:
        await _until(lambda: _up(http), "the server to start")
    return process, url


async def _up(http: httpx.AsyncClient) -> bool:
    try:
        return (await http.get("/healthz")).status_code == 200
    except httpx.TransportError:
        return False


async def _until(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 60) -> None:
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110 - another process does the work
            await asyncio.sleep(0.05)


def _message(payload: Payload, n: int) -> dict[str, Any]:
    message = payload("message_im")
    message["event_id"] = f"Ev0CRASH{n:04d}"
    message["event"]["user"] = f"U0P{n:03d}"
    message["event"]["channel"] = f"D0P{n:03d}"
    return message


async def test_a_process_killed_with_acked_turns_queued_loses_none_of_them(
    db_url: str, payload: Payload
) -> None:
    fake = FakeSlack()
    for n in range(PEOPLE):
        fake.add_user(f"U0P{n:03d}", f"p{n}@example.org", f"Person {n}")
    fake.delays["users.info"] = 0.3  # each turn takes a while: acked turns queue up behind it
    db = Database(db_url)
    async with fake_slack_server(fake):

        async def replies() -> int:
            return len(fake.called("chat.postMessage"))

        async def answered_people() -> int:
            return len({call["channel"] for call in fake.called("chat.postMessage")})

        first, url = await _serve(db_url, fake.url)
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            for n in range(PEOPLE):
                assert (await SlackSender(http).event(_message(payload, n))).status_code == 200
        await _until(lambda: _more_than(replies, 0), "a first reply")
        first.kill()
        await first.wait()
        answered = len({call["channel"] for call in fake.called("chat.postMessage")})
        assert answered < PEOPLE
        assert await _stored(db, "pending") >= PEOPLE - answered  # acked, not done: left to the next

        second, url = await _serve(db_url, fake.url)
        try:
            await _until(lambda: _more_than(answered_people, PEOPLE - 1), "every reply")
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:  # Slack retrying one
                retry = await SlackSender(http).event(_message(payload, 0), **{"X-Slack-Retry-Num": "1"})
                assert retry.status_code == 200
        finally:
            second.terminate()  # a graceful stop: turns in flight finish first
            await second.wait()
    posted = Counter(call["channel"] for call in fake.called("chat.postMessage"))
    assert set(posted) == {f"D0P{n:03d}" for n in range(PEOPLE)}  # nobody's message was lost
    assert sum(posted.values()) - PEOPLE <= TURNS_AT_ONCE  # only turns running at the kill ran twice
    assert await _stored(db, "done") == PEOPLE  # the retried event id was not stored again
    await db.dispose()


async def _more_than(count: Callable[[], Awaitable[int]], floor: int) -> bool:
    return await count() > floor


async def _stored(db: Database, status: str) -> int:
    async with db.unit_of_work() as session:
        query = select(func.count()).select_from(SlackInboxEntry).where(SlackInboxEntry.status == status)
        return int(await session.scalar(query) or 0)
