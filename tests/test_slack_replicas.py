"""Two replicas behind one load balancer: App Home opened through one is kept fresh by the
other's deliveries."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from bot.app import create_app
from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.runtime.replies import Reply
from storage.models import Person
from tests.support.slack import FakeSlack, SlackSender
from tests.support.slack_fixtures import Payload, Settle


async def test_app_home_opened_on_one_replica_is_refreshed_by_another(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    clock: FixedClock,
) -> None:
    other = create_app(slack_app.state.context.settings, clock=clock, background=False)
    hello = payload("message_im")
    hello["event_id"], hello["event"]["user"], hello["event"]["channel"] = "Ev0BO", "U0BO", "D0BO"
    await slack.event(hello)
    await slack.event(payload("app_home_opened"))  # Anna opens App Home, served by this replica
    await settle()
    context = other.state.context
    async with context.db.unit_of_work() as session:
        outbox = Outbox(session, context.clock)
        for person in (await session.scalars(select(Person))).all():
            await outbox.enqueue(key=f"nudge:{person.id}", person_id=person.id, reply=Reply(text="Nudge"))
    fake_slack.calls.clear()
    clock.advance(minutes=5)
    assert await other.state.worker.run_once() == 2  # the other replica delivers
    await other.state.slack.work.idle()
    [published] = fake_slack.called("views.publish")
    assert (published["user_id"], published["view"]["type"]) == ("U0ANNA", "home")
    await other.state.context.db.dispose()
