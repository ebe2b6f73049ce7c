"""Answering pulses in the web chat over HTTP: invitation, change, skip, reminders, close."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import func, inspect, select

from bot.people.audience import Audience
from bot.surveys import jobs
from storage.models import OutboxMessage, Person, SurveyAnswer, SurveyParticipation, SurveyTurnout, SurveyWave
from tests.support.surveys import SILENT, add_people, answer, close, imported, open_wave


async def _answers(app: FastAPI, wave_id: int) -> list[SurveyAnswer]:
    async with app.state.context.db.unit_of_work() as session:
        return list(
            (await session.scalars(select(SurveyAnswer).where(SurveyAnswer.wave_id == wave_id))).all()
        )


async def test_answer_change_and_skip_in_chat(chat, app: FastAPI, clock, deliver) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    await imported(context, "anna@example.org", *SILENT)
    anna = chat("anna@example.org", "Anna")
    await anna.say("hi")
    await anna.new_messages()
    wave_id = await open_wave(context, "enps")
    assert await deliver() == 1
    [invite] = await anna.new_messages()
    assert "A short pulse survey is open until 2026-11-30 09:00" in invite["text"]
    assert "Your answers are anonymous" in invite["text"]
    assert invite["title"] == "Employee Net Promoter Score · question 1 of 2"
    assert [b["label"] for b in invite["scale"]["buttons"]] == [str(n) for n in range(11)]
    [comment] = await anna.press("3")
    assert comment["form"]["fields"][0]["name"] == "comment"
    [thanks] = await anna.click("surveys.comment", comment["form"]["value"], fields={"comment": "More time"})
    assert thanks["text"].startswith("Thank you!") and "until 2026-11-30 09:00" in thanks["text"]
    assert await _answers(app, wave_id) == []  # sealed in the buffer until k people have answered
    [again] = await anna.press("Change my answers")
    assert again["title"].endswith("question 1 of 2")
    await anna.press("9")
    [done] = await anna.press("Skip")  # skipping the comment withdraws it
    assert done["text"].startswith("Thank you!")
    [home] = await anna.say("home")
    assert "Pulse survey" not in home.get("title", "")
    await close(context, clock, wave_id)
    assert {(a.dimension, a.value, a.comment) for a in await _answers(app, wave_id)} == {
        ("department", 9, None),
        ("role", 9, None),
    }


async def test_anonymous_answers_cannot_be_joined_to_people(chat, app: FastAPI, clock, deliver) -> None:  # type: ignore[no-untyped-def]
    columns = {c.name for c in inspect(SurveyAnswer).columns}
    assert not any("person" in c or "email" in c or c.endswith("_at") for c in columns)
    emails = [f"p{i}@example.org" for i in range(5)]
    await imported(app.state.context, *emails)
    people = [chat(email) for email in emails]
    for person in people:
        await person.say("hi")
    wave_id = await open_wave(app.state.context, "enps")
    await deliver()
    for person in people:
        await person.press("7")
    context = app.state.context
    async with context.db.unit_of_work() as session:
        ids = {str(i) for i in await session.scalars(select(Person.id))}
    answers = await _answers(app, wave_id)
    tokens = {a.respondent for a in answers if a.dimension == "department"}
    assert len(tokens) == 5 and not tokens & ids
    assert all(a.respondent is None and a.answered_on is None for a in answers if a.dimension == "role")
    assert all(a.answered_on == clock.now().date() for a in answers if a.dimension == "department")
    clock.advance(days=8)
    await jobs.close_waves(context)
    answers = await _answers(app, wave_id)
    assert len(answers) == 10 and all(a.respondent is None for a in answers)
    async with context.db.unit_of_work() as session:
        wave = await session.get(SurveyWave, wave_id)
        assert wave.status == "closed" and wave.token_key is None
        left = await session.scalar(select(func.count()).select_from(SurveyParticipation))
        assert left == 0
        turnout = (await session.scalars(select(SurveyTurnout).where(SurveyTurnout.dimension == "all"))).one()
        assert (turnout.invited, turnout.responded) == (5, 5)
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
        assert outbox == 0  # invitations would tell who had not answered when they went out
    [closed] = await people[0].click("surveys.restart", str(wave_id))
    assert closed["text"] == "That survey has closed, so answers can no longer be changed."


async def test_reminders_only_to_non_responders_at_most_two(chat, app: FastAPI, clock, deliver) -> None:  # type: ignore[no-untyped-def]
    await imported(app.state.context, "anna@example.org", "bo@example.org", "cy@example.org", *SILENT[:2])
    anna, bo, cy = chat("anna@example.org"), chat("bo@example.org"), chat("cy@example.org")
    for person in (anna, bo, cy):
        await person.say("hi")
        await person.new_messages()
    context = app.state.context
    await open_wave(context, "enps")  # Monday 09:00, closes next Monday 09:00
    assert await deliver() == 3
    await anna.press("8")
    for person in (anna, bo, cy):
        await person.new_messages()
    clock.advance(days=1, hours=23)  # Wednesday 08:00: not yet two working days
    await jobs.remind(context)
    assert await deliver() == 0
    clock.advance(hours=1)
    await jobs.remind(context)
    assert await deliver() == 2
    assert await anna.new_messages() == []
    [reminder] = await bo.new_messages()
    assert reminder["text"].startswith("A friendly reminder")
    await bo.press("Skip")  # skipping counts as responding
    await cy.new_messages()
    clock.advance(days=4)  # Sunday 09:00, one day before close
    await jobs.remind(context)
    assert await deliver() == 1
    assert await bo.new_messages() == []
    [last] = await cy.new_messages()
    assert last["text"].startswith("A friendly reminder")
    clock.advance(hours=12)
    await jobs.remind(context)
    assert await deliver() == 0
    clock.advance(days=1)
    await jobs.close_waves(context)
    await jobs.remind(context)
    assert await deliver() == 0
    [none] = await cy.say("survey")
    assert none["text"] == "There are no open pulse surveys for you right now."


async def test_survey_command_and_home(chat, app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    await imported(app.state.context, "anna@example.org", *SILENT)
    anna = chat("anna@example.org")
    await anna.say("hi")
    await open_wave(app.state.context, "digital-maturity", questions_per_person=2)
    [home] = await anna.say("home")
    assert home["title"] == "Pulse survey"
    [first] = await anna.say("survey")
    assert first["title"] == "Digital maturity · question 1 of 2"
    assert "digital ambition" in first["text"]
    [second] = await anna.press("4")
    assert second["title"].endswith("question 2 of 2")
    [thanks] = await anna.press("Skip")
    assert thanks["text"].startswith("Thank you!")
    clock.advance(timedelta(minutes=1))
    [done] = await anna.say("survey")
    assert done["buttons"][0]["label"] == "Change my answers"
    await open_wave(app.state.context, "digital-maturity", questions_per_person=2)
    [rotated] = await anna.say("survey")  # a rotating bank asks each question once before repeats
    assert "When we change how we work" in rotated["text"]


async def test_hr_gets_a_short_summary_in_chat(chat, app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    people = await add_people(context, {("A", "employee"): 6})
    hr = chat("hr@example.org")
    await hr.say("hi")
    [refused] = await hr.say("survey-results")
    assert refused["text"] == "Only HR can see results here."
    async with context.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.email == "hr@example.org"))).one()
        person.role = "hr"
    [empty] = await hr.say("survey-results")
    assert empty["text"] == "No closed surveys yet."
    wave_id = await open_wave(context, "enps", audience=Audience(departments=("A",)))
    for person_id, value in zip(people, ["10", "9", "8", "7", "6", "3"], strict=True):
        await answer(context, wave_id, person_id, "recommend", value)
    await close(context, clock, wave_id)
    [summary] = await hr.say("survey-results")
    assert summary["title"] == f"Employee Net Promoter Score (wave {wave_id})"
    assert "Turnout: 6 of 6 (100%)" in summary["text"]
    assert "eNPS 0 (6 answers)" in summary["text"]
