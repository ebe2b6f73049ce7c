"""Slack answering with something other than JSON (a proxy's HTML page, a plain-text 429): the
outbox waits out Retry-After and retries a 5xx (a message met by a users.info outage is kept and
retried: tests/test_slack_inbox.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.runtime.replies import Reply
from storage.models import OutboxMessage, Person
from tests.support.slack import FakeSlack, SlackSender
from tests.support.slack_fixtures import Payload, Settle

OUTAGE = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"


async def _queue_for_anna(slack: SlackSender, payload: Payload, settle: Settle, app: FastAPI) -> None:
    await slack.event(payload("message_im"))
    await settle()
    context = app.state.context
    async with context.db.unit_of_work() as session:
        anna = (await session.scalars(select(Person))).one()
        await Outbox(session, context.clock).enqueue(
            key="nudge:1", person_id=anna.id, reply=Reply(text="Nudge")
        )


async def _row(app: FastAPI) -> OutboxMessage:
    async with app.state.context.db.unit_of_work() as session:
        return (await session.scalars(select(OutboxMessage))).one()


async def test_a_429_with_a_plain_text_body_waits_out_its_retry_after(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    clock: FixedClock,
) -> None:
    await _queue_for_anna(slack, payload, settle, slack_app)
    fake_slack.fail("chat.postMessage", 429, "Too Many Requests", "text/plain", **{"Retry-After": "30"})
    assert await slack_app.state.worker.run_once() == 0
    row = await _row(slack_app)
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "Slack rate limit (429)")
    assert row.due_at == clock.now() + timedelta(seconds=30)
    clock.advance(seconds=30)
    assert await slack_app.state.worker.run_once() == 1


@pytest.mark.parametrize("content_type", ["text/html", "text/plain"])
async def test_a_5xx_page_is_a_failed_attempt_retried_later(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    clock: FixedClock,
    content_type: str,
) -> None:
    await _queue_for_anna(slack, payload, settle, slack_app)
    fake_slack.fail("chat.postMessage", 503, OUTAGE, content_type)
    assert await slack_app.state.worker.run_once() == 0
    row = await _row(slack_app)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "Slack refused the message: HTTP 503")
    clock.set(row.due_at)
    assert await slack_app.state.worker.run_once() == 1


async def test_the_shared_http_sessions_carry_the_clients_timeouts(
    slack: SlackSender, slack_app: FastAPI
) -> None:
    """slack_sdk applies its timeout only to sessions it makes; aiohttp's own default is 300 s."""
    adapter = slack_app.state.slack
    assert adapter.bolt.client.session.timeout.total == adapter.bolt.client.timeout == 10
    assert adapter.messenger.client.session.timeout.total == adapter.messenger.client.timeout == 15
