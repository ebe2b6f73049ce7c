"""Proactive messages reach Slack DMs through the outbox; 429s wait out Retry-After in the database."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select

from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.runtime.replies import Reply
from bot.runtime.turn import Turn
from storage.models import OutboxMessage, Person
from tests.support.slack import FakeSlack, SlackSender
from tests.support.slack_fixtures import Payload, Settle


async def _bo_says_hello(slack: SlackSender, payload: Payload) -> None:
    hello = payload("message_im")
    hello["event_id"], hello["event"]["user"], hello["event"]["channel"] = "Ev0BO", "U0BO", "D0BO"
    await slack.event(hello)


async def _outbox(app: FastAPI) -> list[OutboxMessage]:
    async with app.state.context.db.unit_of_work() as session:
        return list((await session.scalars(select(OutboxMessage))).all())


async def test_claiming_a_question_notifies_the_asker_in_slack(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
) -> None:
    await _bo_says_hello(slack, payload)
    await settle()

    async def claim(turn: Turn) -> Reply:
        bo = (await turn.session.scalars(select(Person).where(Person.email == "bo@example.org"))).one()
        await turn.notify(bo.id, Reply(text="Anna is on your question"), key=f"claim:{turn.event.value}")
        return Reply(text="It's yours")

    slack_app.state.dispatcher.router.action("demo.claim", claim)
    await slack.interaction(payload("block_actions_claim"))
    await settle()
    [row] = await _outbox(slack_app)
    assert (row.key, row.status) == ("claim:q42", "pending")
    fake_slack.calls.clear()
    assert await slack_app.state.worker.run_once() == 1
    [sent] = fake_slack.called("chat.postMessage")
    assert (sent["channel"], sent["text"]) == ("D0BO", "Anna is on your question")
    [row] = await _outbox(slack_app)
    assert (row.status, row.platform) == ("sent", "slack")
    assert row.platform_message_id and row.platform_message_id.startswith("1700000000.")


async def test_rate_limited_delivery_waits_for_retry_after(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    clock: FixedClock,
) -> None:
    await _bo_says_hello(slack, payload)
    await settle()
    context = slack_app.state.context
    async with context.db.unit_of_work() as session:
        bo = (await session.scalars(select(Person))).one()
        await Outbox(session, context.clock).enqueue(
            key="nudge:1", person_id=bo.id, reply=Reply(text="Nudge")
        )
    fake_slack.rate_limit("chat.postMessage", retry_after=30)
    assert await slack_app.state.worker.run_once() == 0
    [row] = await _outbox(slack_app)
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "Slack rate limit (429)")
    assert row.due_at == clock.now() + timedelta(seconds=30)
    clock.advance(seconds=30)
    assert await slack_app.state.worker.run_once() == 1


async def test_interactive_replies_retry_a_429_themselves(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=0)
    await slack.event(payload("message_im"))
    await settle()
    assert fake_slack.methods() == ["users.info", "chat.postMessage", "chat.postMessage"]


async def test_a_click_on_app_home_refreshes_it(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    click = payload("block_actions_quiz")
    click["container"] = {"type": "view", "view_id": "V0HOME"}
    click["actions"] = [{**click["actions"][0], "action_id": "menu#0", "value": "help"}]
    for key in ("message", "channel"):
        del click[key]
    click["view"] = {"id": "V0HOME", "type": "home", "blocks": []}
    await slack.interaction(click)
    await settle()
    assert fake_slack.methods() == ["users.info", "conversations.open", "chat.postMessage", "views.publish"]
    [posted] = fake_slack.called("chat.postMessage")
    assert posted["channel"] == "D0ANNA"


async def test_a_message_posted_by_a_worker_that_died_is_recorded_not_posted_again(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    clock: FixedClock,
) -> None:
    await _bo_says_hello(slack, payload)
    await settle()
    context, worker = slack_app.state.context, slack_app.state.worker
    async with context.db.unit_of_work() as session:
        bo = (await session.scalars(select(Person))).one()
        await Outbox(session, context.clock).enqueue(
            key="nudge:7", person_id=bo.id, reply=Reply(text="Nudge")
        )
    [claimed] = await worker._claim()  # the worker leases the row and posts, then dies before recording
    posted_ts = await worker.messengers[claimed.target.address.platform].send(claimed.target, claimed.reply)
    [row] = await _outbox(slack_app)
    assert row.status == "sending"
    fake_slack.calls.clear()
    clock.advance(seconds=context.settings.delivery_lease_seconds + 1)

    await worker.run_once()

    assert "chat.postMessage" not in fake_slack.methods()
    [looked] = fake_slack.called("conversations.history")
    assert looked["channel"] == "D0BO"
    [row] = await _outbox(slack_app)
    assert (row.status, row.platform_message_id) == ("sent", posted_ts)
    [message] = fake_slack.history["D0BO"][:1]
    assert message["metadata"] == {"event_type": "stafet_outbox", "event_payload": {"key": "nudge:7"}}


async def test_a_nudge_refreshes_the_app_home_of_someone_who_opened_it(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    clock: FixedClock,
) -> None:
    await _bo_says_hello(slack, payload)
    await slack.event(payload("app_home_opened"))  # Anna looks at App Home; Bo never did
    await settle()
    context = slack_app.state.context
    async with context.db.unit_of_work() as session:
        people = {p.email: p for p in (await session.scalars(select(Person))).all()}
        outbox = Outbox(session, context.clock)
        for email in ("anna@example.org", "bo@example.org"):
            await outbox.enqueue(key=f"nudge:{email}", person_id=people[email].id, reply=Reply(text="Nudge"))
    active_before = people["anna@example.org"].last_active_at
    fake_slack.calls.clear()
    clock.advance(minutes=5)
    assert await slack_app.state.worker.run_once() == 2
    await settle()
    assert sorted(fake_slack.methods()) == ["chat.postMessage", "chat.postMessage", "views.publish"]
    [published] = fake_slack.called("views.publish")
    assert (published["user_id"], published["view"]["type"]) == ("U0ANNA", "home")
    async with context.db.unit_of_work() as session:
        anna = (await session.scalars(select(Person).where(Person.email == "anna@example.org"))).one()
    assert anna.last_active_at == active_before  # a refreshed view is no answer to the nudge
