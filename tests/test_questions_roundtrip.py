"""Two people over the web chat: an anonymous question, answered, rated and turned into an FAQ."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.questions import registry
from bot.questions.registry import Profile
from storage.models import FaqAlias, Person, Question

ANNA = ("anna.secret@example.org", "Anna Secret")


def _form(replies: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r["form"] for r in replies if r.get("form"))


def _everything(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages, ensure_ascii=False).lower()


async def test_anonymous_question_round_trip(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    context = app.state.context
    bo, cara = chat("bo@example.org", "Bo Berg"), chat("cara@example.org", "Cara Coord")
    await bo.say("hi")
    await cara.say("hi")
    async with context.db.unit_of_work() as session:
        profile = Profile(topics={"security": 3}, languages=["en"], hours="08:00-16:00")
        await registry.save(session, "bo@example.org", profile, context.clock.now(), create=True)
        (
            await session.scalars(select(Person).where(Person.email == "cara@example.org"))
        ).one().role = "coordinator"

    anna = chat(*ANNA)
    asked = await anna.say("ask How do I turn on 2FA for my email account?")
    assert "Two-factor authentication" in asked[0]["text"]  # self-help from the glossary first
    form = _form(await anna.press("Ask a person"))
    sent = await anna.click(form["action"], form["value"], fields={"topic": "security", "anonymous": "on"})
    assert "nobody will see who asked" in sent[0]["text"]
    question_id = form["value"]

    await deliver()
    [card] = await bo.new_messages()
    assert "An anonymous colleague" in card["text"] and "turn on 2FA" in card["text"]
    claimed = await bo.press("Claim")
    await bo.click(
        "questions.answer", question_id, fields={"text": "Open Settings, then Security, then 2FA."}
    )
    await deliver()
    told, answered = await anna.new_messages()
    assert "Bo Berg has picked up your question" in told["text"]
    assert "Open Settings, then Security" in answered["text"]
    await anna.click("questions.reply", question_id, fields={"text": "Found it, and on my phone?"})
    await deliver()
    [relayed] = await bo.new_messages()
    assert "An anonymous colleague replies" in relayed["text"] and "on my phone?" in relayed["text"]
    await bo.click("questions.answer", question_id, fields={"text": "Use the authenticator app there too."})
    await deliver()
    await anna.new_messages()

    rating = await anna.press("Solved")
    assert "Was the answer helpful?" in rating[0]["text"]
    assert "Thanks" in (await anna.press("Helpful"))[0]["text"]
    await deliver()
    [resolved] = await bo.new_messages()
    proposal = _form(await bo.press("Propose for FAQ"))
    prefilled = {field["name"]: field["initial"] for field in proposal["fields"]}
    assert prefilled["answer"] == (
        "Open Settings, then Security, then 2FA.\n\nUse the authenticator app there too."
    )  # every answer the asker got, not only the last message
    fields = {
        "question": "How do I turn on 2FA for my email?",
        "answer": "Settings, Security, 2FA; phone: app.",
    }
    await bo.click(proposal["action"], proposal["value"], fields=fields)
    await deliver()
    [to_approve] = await cara.new_messages()
    assert "2FA" in to_approve["text"]
    published = await cara.press("Approve")
    assert "published" in published[0]["text"]

    dan = chat("dan@example.org", "Dan")
    found = await dan.say("ask how do I set up 2fa on email?")
    assert "How do I turn on 2FA for my email?" in found[0]["text"]
    assert [b["label"] for b in found[0]["buttons"]] == ["No. 1 answered it", "Ask a person"]
    await dan.press("No. 1 answered it")

    async with context.db.unit_of_work() as session:
        question = await session.get(Question, int(question_id))
        assert (question.status, question.helpful) == ("resolved", True)
        routing = json.dumps(question.routing).lower()
        aliases = set(await session.scalars(select(FaqAlias.text)))
        anna_id = (await session.scalars(select(Person).where(Person.email == ANNA[0]))).one().id
    seen_by_others = _everything(await bo.history()) + _everything(await cara.history()) + routing
    server = [r for r in caplog.records if not r.name.startswith("httpx")]  # httpx: the test's own client
    logs = "\n".join(record.getMessage() for record in server).lower()
    for secret in ("anna", "secret"):
        assert secret not in seen_by_others and secret not in logs
    assert f'"ambassador_id": {anna_id}' not in routing
    assert claimed and resolved
    # The wordings that found the entry are kept with it, with nothing about who asked.
    assert aliases == {"How do I turn on 2FA for my email account?", "how do I set up 2fa on email?"}
