"""Teams over real HTTP: Bot Framework activities in, replies and card updates at a fake connector."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.delivery.outbox import Outbox
from bot.runtime.replies import Button, Reply, Scale
from bot.runtime.turn import Turn
from storage.models import ConversationRef, OutboxMessage, Person
from tests.support.teams import TENANT, FakeConnector, TeamsUser, fake_connector


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with fake_connector() as running:
        yield running


@pytest.fixture
def teams(http: httpx.AsyncClient, connector: FakeConnector):  # type: ignore[no-untyped-def]
    """`teams("29:anna", "Anna")` gives a Teams user talking to the live server."""

    def make(user_id: str, name: str, **options: Any) -> TeamsUser:
        return TeamsUser(http, connector.url, user_id, name, **options)

    return make


def card_of(body: dict[str, Any]) -> dict[str, Any]:
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["version"] == "1.5"
    return attachment["content"]


def texts(card: dict[str, Any]) -> list[str]:
    return [item["text"] for item in card["body"] if item["type"] == "TextBlock"]


def action_titled(card: dict[str, Any], title: str) -> dict[str, Any]:
    for item in card["body"]:
        for action in item.get("actions", ()):
            if action["title"] == title:
                return action
    raise AssertionError(f"no action {title!r} in card")


async def people(app: FastAPI) -> list[Person]:
    async with app.state.context.db.unit_of_work() as session:
        return list((await session.scalars(select(Person).order_by(Person.id))).all())


async def refs(app: FastAPI) -> list[ConversationRef]:
    async with app.state.context.db.unit_of_work() as session:
        return list((await session.scalars(select(ConversationRef).order_by(ConversationRef.id))).all())


async def test_install_stores_reference_links_email_and_welcomes(app, teams, connector) -> None:  # type: ignore[no-untyped-def]
    async with app.state.context.db.unit_of_work() as session:
        session.add(
            Person(
                email="anna@example.org",
                display_name="Anna Holm",
                department="HR",
                created_at=app.state.context.clock.now(),
            )
        )
    connector.members["29:anna"] = {
        "id": "29:anna",
        "name": "Anna H",
        "email": "Anna@Example.org",
        "userPrincipalName": "anna@example.org",
        "tenantId": TENANT,
    }
    anna = teams("29:anna", "Anna H", timezone="Europe/Oslo")
    response = await anna.install()
    assert response.status_code == 200
    [person] = await people(app)
    assert person.department == "HR" and person.timezone == "Europe/Oslo"
    assert [(i.platform, i.workspace_id, i.user_id) for i in person.identities] == [
        ("teams", TENANT, "29:anna")
    ]
    [ref] = await refs(app)
    assert (ref.kind, ref.workspace_id, ref.conversation_id) == ("personal", TENANT, anna.conversation_id)
    assert ref.reference["serviceUrl"] == connector.url
    assert ref.reference["bot"]["id"] == "28:stafet-bot"
    assert ref.reference["conversation"]["tenantID"] == TENANT
    [welcome] = connector.messages()
    assert texts(card_of(welcome.body))[0] == "Hi, I'm Stafet"
    await anna.say("help")
    assert connector.member_lookups == 1  # a known identity is not looked up again


async def test_install_in_a_team_channel_stores_a_channel_reference(app, teams, connector) -> None:  # type: ignore[no-untyped-def]
    bo = teams("29:bo", "Bo", team=True, conversation_id="19:general@thread.tacv2")
    installed = bo.activity("installationUpdate", action="add")
    assert (await bo.post(installed)).status_code == 200
    [ref] = await refs(app)
    assert (ref.kind, ref.identity_id, ref.conversation_id) == ("channel", None, "19:general@thread.tacv2")
    assert connector.messages() == []  # no welcome in a channel


async def test_text_gets_a_card_and_repeats_are_ignored(app, teams, connector) -> None:  # type: ignore[no-untyped-def]
    anna = teams("29:anna", "Anna")
    message = anna.activity(
        "message",
        text="<at>Stafet</at> what is this",
        entities=[
            {
                "type": "mention",
                "text": "<at>Stafet</at>",
                "mentioned": {"id": "28:stafet-bot", "name": "Stafet"},
            }
        ],
    )
    assert (await anna.post(message)).status_code == 200
    assert (await anna.post(message)).status_code == 200  # Teams retried: same activity id
    [reply] = connector.messages()
    assert reply.activity_id == message["id"]  # a reply to the message
    card = card_of(reply.body)
    assert "didn't quite get that" in texts(card)[1]
    assert [a["title"] for a in card["body"][-1]["actions"]] == ["Language", "Overview"]
    [ref] = await refs(app)
    assert ref.kind == "personal" and ref.reference["user"]["id"] == "29:anna"


async def test_language_choice_is_answered_and_the_card_redrawn(app, teams, connector) -> None:  # type: ignore[no-untyped-def]
    anna = teams("29:anna", "Anna")
    await anna.say("language")
    [prompt] = connector.messages()
    card = card_of(prompt.body)
    [chooser] = [item for item in card["body"] if item["type"] == "Input.ChoiceSet"]
    assert [c["title"] for c in chooser["choices"]] == ["Danish", "English", "Norwegian (bokmål)"]
    submit = action_titled(card, "OK")
    await anna.submit({**submit["data"], chooser["id"]: "da"}, reply_to="msg-1")
    [update] = connector.updates()
    assert update.activity_id == "msg-1"
    redrawn = card_of(update.body)
    assert texts(redrawn) == ["Which language would you like me to use?", "✓ Danish"]
    assert not [item for item in redrawn["body"] if item["type"] in ("ActionSet", "Input.ChoiceSet")]
    done = connector.messages()[-1]
    assert done.body["text"] == "Sådan. Fra nu af skriver jeg på dansk."
    [person] = await people(app)
    assert person.language == "da"


async def test_quiz_survey_and_claim_answers_from_a_proactive_card(app, teams, connector, deliver) -> None:  # type: ignore[no-untyped-def]
    router = app.state.dispatcher.router

    async def quiz(turn: Turn) -> Reply:
        return Reply(text="Correct!" if turn.event.value == "q1:b" else "Not quite.")

    async def survey(turn: Turn) -> Reply:
        return Reply(text=f"Thanks, noted {turn.event.value}.")

    async def claim(turn: Turn) -> Reply:
        turn.source_update = Reply(text=f"Question {turn.event.value}: claimed by {turn.person.display_name}")
        return Reply(text="It's yours: answer when you can.")

    router.action("test.quiz", quiz)
    router.action("test.survey", survey)
    router.action("test.claim", claim)
    anna = teams("29:anna", "Anna")
    await anna.install()
    [person] = await people(app)
    context = app.state.context
    quiz_card = Reply(
        title="Quiz",
        text="What is a sprint?",
        buttons=(Button("A meeting", "test.quiz", "q1:a"), Button("A short push", "test.quiz", "q1:b")),
    )
    pulse = Reply(
        text="How confident are you with data?",
        scale=Scale("test.survey", 0, 10, "Not at all", "Very", prefix="s1:"),
    )
    question = Reply(
        text="New question about Excel", buttons=(Button("Claim", "test.claim", "7", "primary"),)
    )
    async with context.db.unit_of_work() as session:
        outbox = Outbox(session, context.clock)
        for n, reply in enumerate((quiz_card, pulse, question)):
            assert await outbox.enqueue(key=f"test:{n}", person_id=person.id, reply=reply)
    assert await deliver() == 3
    sent = connector.messages()[-3:]
    assert all(s.conversation_id == anna.conversation_id for s in sent)
    quiz_msg, pulse_msg, question_msg = sent
    assert quiz_msg.body["channelData"]["tenant"]["id"] == TENANT

    await anna.submit(action_titled(card_of(quiz_msg.body), "A short push")["data"], reply_to="msg-2")
    assert connector.messages()[-1].body["text"] == "Correct!"
    assert texts(card_of(connector.updates()[-1].body))[-1] == "✓ A short push"

    pulse_card = card_of(pulse_msg.body)
    assert [len(row["actions"]) for row in pulse_card["body"] if row["type"] == "ActionSet"] == [6, 5]
    await anna.submit(action_titled(pulse_card, "7")["data"], reply_to="msg-3")
    assert connector.messages()[-1].body["text"] == "Thanks, noted s1:7."

    claim_action = action_titled(card_of(question_msg.body), "Claim")
    assert claim_action["style"] == "positive"
    await anna.submit(claim_action["data"], reply_to="msg-4")
    assert connector.messages()[-1].body["text"] == "It's yours: answer when you can."
    update = connector.updates()[-1]
    assert update.activity_id == "msg-4"
    assert texts(card_of(update.body)) == ["Question 7: claimed by Anna"]


async def test_throttled_proactive_message_is_rescheduled_not_lost(
    app, teams, connector, deliver, clock
) -> None:  # type: ignore[no-untyped-def]
    anna = teams("29:anna", "Anna")
    await anna.say("hi")
    [person] = await people(app)
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await Outbox(session, clock).enqueue(
            key="nudge:1", person_id=person.id, reply=Reply(text="Lesson time")
        )
    before = len(connector.messages())
    connector.fail_next(429, {"Retry-After": "30"})
    assert await deliver() == 0
    async with context.db.unit_of_work() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
        assert (row.status, row.attempts) == ("pending", 1)
        assert (row.due_at - clock.now()).total_seconds() == 30
        assert "429" in (row.last_error or "")
    clock.advance(seconds=29)
    assert await deliver() == 0
    connector.fail_next(502)
    clock.advance(seconds=1)
    assert await deliver() == 0  # Teams briefly down: backoff, no Retry-After
    async with context.db.unit_of_work() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
        assert row.status == "pending" and row.due_at > clock.now()
        clock.set(row.due_at)
    assert await deliver() == 1
    [nudge] = connector.messages()[before:]
    assert nudge.body["text"] == "Lesson time"
    async with context.db.unit_of_work() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
        assert row.status == "sent" and row.platform_message_id == nudge_id(connector)


def nudge_id(connector: FakeConnector) -> str:
    return f"msg-{len(connector.sent)}"


async def test_emulator_mode_serves_only_this_machine_and_says_so(http: httpx.AsyncClient, teams) -> None:  # type: ignore[no-untyped-def]
    anna = teams("29:anna", "Anna")
    refused = await anna.post(anna.activity("message", text="hi"), headers={"X-Forwarded-For": "203.0.113.7"})
    assert refused.status_code == 403
    health = (await http.get("/healthz")).json()
    assert health["teams"]["mode"] == "emulator" and "MICROSOFT_APP_ID" in health["teams"]["warning"]
    assert "teams" in health["platforms"]
    bad = await http.post("/api/messages", json={"text": "no type"})
    assert bad.status_code == 400
