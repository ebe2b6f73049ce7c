"""Slack Events API over real HTTP: signed events in, Web API calls out, people in the database."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select

from storage.models import ConversationRef, Person
from storage.models.slack_inbox import SlackInboxEntry
from tests.support.slack import FakeSlack, SlackSender
from tests.support.slack_fixtures import Payload, Settle


async def _people(app: FastAPI) -> list[Person]:
    async with app.state.context.db.unit_of_work() as session:
        return list((await session.scalars(select(Person).order_by(Person.id))).all())


async def test_url_verification_echoes_the_challenge(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
) -> None:
    response = await slack.event(payload("url_verification"))
    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    assert fake_slack.methods() == []


async def test_direct_message_is_answered_in_the_dm(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
) -> None:
    response = await slack.event(payload("message_im"))
    assert response.status_code == 200
    await settle()
    assert fake_slack.methods() == ["users.info", "chat.postMessage"]
    [info] = fake_slack.called("users.info")
    assert info["user"] == "U0ANNA"
    [posted] = fake_slack.called("chat.postMessage")
    assert posted["channel"] == "D0ANNA"
    assert posted["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Hej, jeg er Stafet"},
    }
    buttons = [b for block in posted["blocks"] if block["type"] == "actions" for b in block["elements"]]
    assert [b["action_id"] for b in buttons] == [f"menu#{n}" for n in range(len(buttons))]
    [anna] = await _people(slack_app)
    assert (anna.email, anna.display_name, anna.language, anna.timezone) == (
        "anna@example.org",
        "Anna Holm",
        "da",
        "Europe/Copenhagen",
    )
    assert [(i.platform, i.workspace_id, i.user_id) for i in anna.identities] == [
        ("slack", "T0001", "U0ANNA")
    ]
    async with slack_app.state.context.db.unit_of_work() as session:
        ref = (await session.scalars(select(ConversationRef))).one()
    assert (ref.platform, ref.conversation_id) == ("slack", "D0ANNA")


async def test_an_imported_person_is_linked_by_email(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
) -> None:
    async with slack_app.state.context.db.unit_of_work() as session:
        session.add(
            Person(
                email="anna@example.org",
                display_name="Anna H. (HR)",
                language="nb",
                department="Sales",
                created_at=slack_app.state.context.clock.now(),
            )
        )
    await slack.event(payload("message_im"))
    await settle()
    [anna] = await _people(slack_app)
    assert (anna.display_name, anna.language, anna.department) == ("Anna H. (HR)", "nb", "Sales")
    assert [i.user_id for i in anna.identities] == ["U0ANNA"]
    [posted] = fake_slack.called("chat.postMessage")
    assert posted["blocks"][0]["text"]["text"] == "Hei, jeg er Stafet"


async def test_profiles_are_cached_between_messages(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    for n in range(3):
        message = payload("message_im")
        message["event_id"] = f"Ev0MSG00000{n}"
        await slack.event(message)
    await settle()
    assert fake_slack.methods().count("users.info") == 1
    assert fake_slack.methods().count("chat.postMessage") == 3


async def test_the_same_event_three_times_is_handled_once(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
) -> None:
    message = payload("message_im")
    first = await slack.event(message)
    retries = [
        await slack.event(message, **{"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
        for n in (1, 2)
    ]
    assert [r.status_code for r in (first, *retries)] == [200, 200, 200]
    await settle()
    assert fake_slack.methods().count("chat.postMessage") == 1
    async with slack_app.state.context.db.unit_of_work() as session:
        count = await session.scalar(select(func.count()).select_from(SlackInboxEntry))
    assert count == 1


async def test_a_first_delivery_that_arrives_as_a_retry_is_handled(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    await slack.event(payload("message_im"), **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"})
    await settle()
    assert fake_slack.methods().count("chat.postMessage") == 1


async def test_bot_messages_and_edits_are_ignored(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    edited = payload("message_im")
    edited["event"]["subtype"] = "message_changed"
    own = payload("message_im")
    own["event_id"], own["event"]["bot_id"] = "Ev0OWN", "BBOT"
    for body in (edited, own):
        assert (await slack.event(body)).status_code == 200
    await settle()
    assert fake_slack.methods() == []


async def test_app_home_shows_the_home_view(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    assert (await slack.event(payload("app_home_opened"))).status_code == 200
    await settle()
    assert fake_slack.methods() == ["users.info", "views.publish"]
    [published] = fake_slack.called("views.publish")
    assert published["user_id"] == "U0ANNA"
    assert published["view"]["type"] == "home"
    assert published["view"]["blocks"][0]["type"] == "header"
