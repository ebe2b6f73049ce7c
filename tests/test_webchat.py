"""The web chat over real HTTP, on SQLite and PostgreSQL: talk, click, receive proactive messages."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from bot.runtime.replies import Button, Reply
from storage.models import Person


async def test_help_for_unknown_input_lists_what_the_bot_can_do(chat) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org", "Anna")
    replies = await anna.say("what is this thing")
    assert len(replies) == 1
    assert "didn't quite get that" in replies[0]["text"]
    assert "**language**" in replies[0]["text"]
    assert {"Language", "Overview"} <= {b["label"] for b in replies[0]["buttons"]}


async def test_help_then_button_then_choice(chat) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org", "Anna")
    [help_reply] = await anna.say("help")
    assert help_reply["title"] == "Hi, I'm Stafet"
    [language] = await anna.press("Language")
    assert language["text"] == "Which language would you like me to use?"
    assert [c["value"] for c in language["choices"]] == ["da", "en", "nb"]
    [done] = await anna.press("Danish")
    assert done["text"] == "Sådan. Fra nu af skriver jeg på dansk."
    [dansk] = await anna.say("hjælp")
    assert dansk["title"] == "Hej, jeg er Stafet"
    history = await anna.history()
    answered = next(m for m in history if m["n"] == language["n"])
    assert answered["chosen"] == "Danish" and answered["choices"] == []


async def test_first_contact_creates_the_person(chat, app: FastAPI) -> None:  # type: ignore[no-untyped-def]
    await chat("Bo.Berg@Example.org", "Bo Berg").say("hej")
    async with app.state.context.db.unit_of_work() as session:
        person = (await session.scalars(select(Person))).one()
    assert person.email == "bo.berg@example.org"
    assert person.display_name == "Bo Berg"
    assert person.language is None  # not chosen yet: the organisation's default applies
    assert [i.platform for i in person.identities] == ["web"]


async def test_proactive_message_appears_after_delivery(chat, app: FastAPI, deliver) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org")
    await anna.say("hi")
    await anna.new_messages()
    from bot.delivery.outbox import Outbox

    context = app.state.context
    async with context.db.unit_of_work() as session:
        person = (await session.scalars(select(Person))).one()
        outbox = Outbox(session, context.clock)
        nudge = Reply(text="Time for a lesson", buttons=(Button("Start", "menu", "help"),))
        assert await outbox.enqueue(key="test:1", person_id=person.id, reply=nudge)
        assert not await outbox.enqueue(key="test:1", person_id=person.id, reply=nudge)
    assert await deliver() == 1
    assert await deliver() == 0
    [message] = await anna.new_messages()
    assert message["text"] == "Time for a lesson"
    assert message["buttons"][0]["label"] == "Start"


async def test_bad_requests_get_clear_errors(http: httpx.AsyncClient) -> None:
    missing = await http.post("/chat/api/send", json={"user": "anna@example.org"})
    assert missing.status_code == 422
    not_email = await http.post("/chat/api/send", json={"user": "anna", "text": "hi"})
    assert not_email.status_code == 422
    unknown = await http.get("/chat/api/messages", params={"user": "nobody@example.org"})
    assert unknown.json() == {"messages": []}


async def test_health_and_metrics(http: httpx.AsyncClient, chat) -> None:  # type: ignore[no-untyped-def]
    await chat("anna@example.org").say("hi")
    health = (await http.get("/healthz")).json()
    assert health["status"] == "ok" and health["database"]["state"] == "ok"
    metrics = (await http.get("/metrics")).text
    assert 'stafet_events_total{kind="text",platform="web"} 1.0' in metrics
