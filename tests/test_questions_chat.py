"""Smaller chat paths: self-help that solves it, free-text questions, passing on, own status."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import FastAPI
from sqlalchemy import select

from bot.questions import registry
from bot.questions.faq import FaqService
from bot.questions.registry import Profile
from storage.models import FaqEntry, OutboxMessage, Question
from storage.repositories.people import PeopleRepository
from storage.repositories.questions import QuestionRepository


async def _ambassadors(app: FastAPI, *emails: str) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        for email in emails:
            profile = Profile(topics={"collaboration": 2}, languages=["en"])
            await registry.save(session, email, profile, context.clock.now(), create=True)


async def test_free_text_question_and_self_help_that_solves_it(chat, app: FastAPI) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org")
    [reply] = await anna.say("What is phishing exactly?")
    assert "Phishing" in reply["text"]
    [glad] = await anna.press("That solved it")
    assert "glad that helped" in glad["text"]
    async with app.state.context.db.unit_of_work() as session:
        question = (await session.scalars(select(Question))).one()
        assert question.status == "self_solved" and question.erase_after is not None


async def test_three_passes_send_the_question_to_everyone(chat, app: FastAPI, deliver) -> None:  # type: ignore[no-untyped-def]
    people = [chat(f"amb{n}@example.org") for n in range(3)]
    for person in people:
        await person.say("hi")
    await _ambassadors(app, *(p.user for p in people))
    anna = chat("anna@example.org")
    [form] = await anna.say("ask")
    [details] = await anna.click("questions.draft", fields={"text": "Zzz qqq xyzzy"})
    await anna.click("questions.submit", details["form"]["value"], fields={"topic": "collaboration"})
    for n, label in enumerate(("Pass", "Not my topic", "Pass")):
        await deliver()
        [card] = await people[n].new_messages()
        assert "Anna" in card["text"]  # not anonymous: the name is shown
        [passed] = await people[n].press(label)
        assert "passed it on" in passed["text"]
    await deliver()
    for person in people:
        [team] = await person.new_messages()
        assert "needs someone" in team["title"]
    told = [m["text"] for m in await anna.new_messages()]
    assert any("asked the whole ambassador team" in text for text in told)
    [claimed] = await people[1].press("Claim")
    assert "is yours" in claimed["text"]
    [late] = await people[2].press("Claim")
    assert "already taken" in late["text"]


async def test_ambassador_sets_own_status(chat, app: FastAPI) -> None:  # type: ignore[no-untyped-def]
    bo = chat("bo@example.org")
    [refused] = await bo.say("availability")
    assert "not registered" in refused["text"]
    await _ambassadors(app, "bo@example.org")
    [current] = await bo.say("availability")
    assert "Available" in current["text"]
    [away] = await bo.press("Away")
    assert "now: Away" in away["text"]
    [out] = await bo.say("availability out 2026-12-01")
    assert "Out of office" in out["text"]
    await bo.say("sprog da")
    [dansk] = await bo.say("tilgængelighed væk")
    assert dansk["text"] == "Din status er nu: Væk."
    [ude] = await bo.say("tilgængelighed fraværende 1.12.2026")
    assert ude["text"] == "Din status er nu: Fraværende."
    [wrong] = await bo.say("tilgængelighed måske")
    assert wrong["text"].startswith("Skriv tilgængelig, væk eller fraværende")
    async with app.state.context.db.unit_of_work() as session:
        ambassador = await QuestionRepository(session).ambassador(
            (await PeopleRepository(session).by_email("bo@example.org")).id
        )
        back = ambassador.away_until.astimezone(ZoneInfo(ambassador.timezone)).date()
        assert ambassador.status == "out" and back.isoformat() == "2026-12-01"


async def test_stale_entries_remind_their_owner_once(chat, app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    bo = chat("bo@example.org")
    await bo.say("hi")
    async with context.db.unit_of_work() as session:
        person = await PeopleRepository(session).by_email("bo@example.org")
        entry = FaqEntry(
            language="en", question="Q?", answer="A.", status="approved", owner_id=person.id,
            created_at=clock.now(), review_at=clock.now(),
        )  # fmt: skip
        session.add(entry)
        await session.flush()
        service = FaqService(session, context)
        assert await service.flag_stale() == 1
        assert await service.flag_stale() == 1  # still stale, but the reminder is not queued twice
        keys = (await session.scalars(select(OutboxMessage.key))).all()
        assert keys == [f"faq:{entry.id}:review:{clock.now().date().isoformat()}"]


async def test_home_shows_open_questions(chat) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org")
    [form] = await anna.say("ask")
    [details] = await anna.click("questions.draft", fields={"text": "Zzz qqq xyzzy"})
    await anna.click("questions.submit", details["form"]["value"], fields={"topic": "collaboration"})
    home = await anna.say("home")
    assert any("Your questions still open: 1" in reply["text"] for reply in home)
