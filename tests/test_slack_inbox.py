"""A Slack request is stored before its ack, and a turn that fails before its commit (Slack down)
stays stored: it is tried again, and after repeated failures the person is told."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from bot.adapters.slack.inbox import RETRY_SECONDS
from bot.clock import FixedClock
from storage.models import Person
from storage.models.slack_inbox import SlackInboxEntry
from tests.support.slack import FakeSlack, SlackSender
from tests.support.slack_fixtures import Payload, Settle


async def _entries(app: FastAPI) -> list[SlackInboxEntry]:
    async with app.state.context.db.unit_of_work() as session:
        return list((await session.scalars(select(SlackInboxEntry).order_by(SlackInboxEntry.id))).all())


async def _people(app: FastAPI) -> list[Person]:
    async with app.state.context.db.unit_of_work() as session:
        return list((await session.scalars(select(Person))).all())


async def test_an_acked_request_is_stored_and_done_once_answered(
    slack: SlackSender, payload: Payload, fake_slack: FakeSlack, settle: Settle, slack_app: FastAPI
) -> None:
    fake_slack.delays["users.info"] = 0.2  # the turn is still running when the ack arrives
    response = await slack.event(payload("message_im"))
    assert response.status_code == 200
    [stored] = await _entries(slack_app)
    assert (stored.kind, stored.status, stored.event_key) == ("message", "pending", "event:Ev0MSG000001")
    assert stored.payload is not None and '"text": "help"' in stored.payload
    await settle()
    [done] = await _entries(slack_app)
    assert (done.status, done.payload) == ("done", None)  # what Anna wrote is not kept
    assert len(fake_slack.called("chat.postMessage")) == 1


async def test_slack_failing_before_the_turn_is_committed_means_a_later_try(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    clock: FixedClock,
) -> None:
    fake_slack.fail("users.info", 503)  # a plain-text 503, as a proxy answers
    assert (await slack.event(payload("message_im"))).status_code == 200
    await settle()
    assert fake_slack.called("chat.postMessage") == []
    assert await _people(slack_app) == []  # not created without the email that links her
    [waiting] = await _entries(slack_app)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    inbound = slack_app.state.slack.inbound
    assert await inbound.resume() == 0  # not due yet
    clock.advance(seconds=RETRY_SECONDS[0])
    assert await inbound.resume() == 1
    await settle()
    [posted] = fake_slack.called("chat.postMessage")
    assert posted["channel"] == "D0ANNA"
    [anna] = await _people(slack_app)
    assert anna.email == "anna@example.org"
    [done] = await _entries(slack_app)
    assert done.status == "done"


async def test_a_turn_that_keeps_failing_is_given_up_and_the_person_told(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    clock: FixedClock,
) -> None:
    fake_slack.fail("users.info", 502, times=len(RETRY_SECONDS) + 1)
    await slack.event(payload("message_im"))
    await settle()
    for wait in RETRY_SECONDS:
        assert fake_slack.called("chat.postMessage") == []
        clock.advance(seconds=wait)
        assert await slack_app.state.slack.inbound.resume() == 1
        await settle()
    [told] = fake_slack.called("chat.postMessage")
    assert told["channel"] == "D0ANNA"
    assert "send it again" in told["text"]
    [given_up] = await _entries(slack_app)
    assert (given_up.status, given_up.attempts, given_up.payload) == ("failed", len(RETRY_SECONDS) + 1, None)
    clock.advance(hours=1)
    assert await slack_app.state.slack.inbound.resume() == 0


async def test_the_acks_own_insert_writes_instants_as_everything_else_does(
    slack: SlackSender, payload: Payload, slack_app: FastAPI, clock: FixedClock
) -> None:
    """The group commit writes through the driver, not the ORM: its instants must still match
    what queries compare them with (on SQLite, text in one exact format)."""
    await slack.event(payload("message_im"))
    async with slack_app.state.context.db.unit_of_work() as session:
        found = await session.scalars(
            select(SlackInboxEntry).where(SlackInboxEntry.received_at == clock.now())
        )
        assert [entry.event_key for entry in found] == ["event:Ev0MSG000001"]


async def test_a_click_is_stored_as_it_came_and_run_from_the_store_on_a_later_try(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    clock: FixedClock,
) -> None:
    """Clicks come form-encoded; the store keeps the request's own text, which a later try (or
    another process) reads back into the same click."""
    fake_slack.fail("users.info", 503)
    assert (await slack.interaction(payload("block_actions_survey"))).status_code == 200
    await settle()
    [waiting] = await _entries(slack_app)
    assert (waiting.kind, waiting.status, waiting.attempts) == ("block_action", "pending", 1)
    assert waiting.payload is not None and waiting.payload.startswith("payload=")
    clock.advance(seconds=RETRY_SECONDS[0])
    assert await slack_app.state.slack.inbound.resume() == 1
    await settle()
    [done] = await _entries(slack_app)
    assert (done.status, done.payload) == ("done", None)
    assert fake_slack.called("chat.update") or fake_slack.called("chat.postMessage")
