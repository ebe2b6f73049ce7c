"""Helpers for survey tests: people in departments, a wave opened now, answers given directly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI

from bot.clock import FixedClock
from bot.config import DEFAULT_CONTENT_DIR
from bot.context import AppContext
from bot.people.audience import Audience
from bot.surveys import waves
from bot.surveys.answering import AnsweringService
from bot.surveys.templates import Template, load_templates
from storage.repositories.people import PeopleRepository

TEMPLATES: dict[str, Template] = load_templates(DEFAULT_CONTENT_DIR)


async def add_people(context: AppContext, groups: dict[tuple[str, str], int], prefix: str = "p") -> list[int]:
    """`{(department, role): count}` → person ids, in that order; each reachable in the web chat."""
    ids = []
    async with context.db.unit_of_work() as session:
        repo = PeopleRepository(session)
        for (department, role), count in groups.items():
            for i in range(count):
                email = f"{prefix}.{department}.{role}.{i}@example.org".lower()
                person = await repo.add_person(
                    context.clock.now(),
                    email=email,
                    department=department,
                    role=role,
                    imported_at=context.clock.now(),
                )
                ids.append(person.id)
                # Each can be reached (a web chat conversation), so each counts in turnout.
                identity = await repo.add_identity(person, "web", "local", email, context.clock.now())
                await repo.remember_conversation(
                    platform="web",
                    workspace_id="local",
                    conversation_id=email,
                    identity_id=identity.id,
                    now=context.clock.now(),
                )
    return ids


async def imported(context: AppContext, *emails: str) -> list[int]:
    """People as HR's import creates them: they count towards a survey's minimum audience."""
    async with context.db.unit_of_work() as session:
        repo = PeopleRepository(session)
        now = context.clock.now()
        return [(await repo.add_person(now, email=e, imported_at=now)).id for e in emails]


SILENT = tuple(f"colleague{i}@example.org" for i in range(4))  # imported, never in the web chat


async def open_wave(context: AppContext, template_id: str, days: int = 7, **kwargs: Any) -> int:
    clock = context.clock
    async with context.db.unit_of_work() as session:
        wave_id = await waves.schedule_wave(
            session,
            clock,
            template_id=template_id,
            audience=kwargs.pop("audience", Audience(everyone=True)),
            opens_at=clock.now(),
            closes_at=clock.now() + timedelta(days=days),
            **kwargs,
        )
    async with context.db.unit_of_work() as session:
        assert await waves.open_due(session, clock, TEMPLATES, context.settings.min_group_size) == [wave_id]
    return wave_id


async def answer(context: AppContext, wave_id: int, person_id: int, question_id: str, raw: str) -> None:
    async with context.db.unit_of_work() as session:
        service = AnsweringService(
            session,
            context.clock,
            TEMPLATES,
            context.settings.survey_secret,
            db=context.db,
            k=context.settings.min_group_size,
        )
        await service.answer(wave_id, person_id, question_id, raw)


async def close(context: AppContext, clock: FixedClock, wave_id: int) -> None:
    async with context.db.unit_of_work() as session:
        wave = await session.get(__import__("storage.models", fromlist=["SurveyWave"]).SurveyWave, wave_id)
        clock.set(wave.closes_at)
        settings = context.settings
        assert wave_id in await waves.close_due(
            session, clock, settings.survey_secret, settings.min_group_size
        )


async def answered_in_chat(app: FastAPI, chat, deliver) -> tuple[int, list[Any], list[str]]:  # type: ignore[no-untyped-def]
    """Five imported colleagues answer an eNPS wave in the web chat, each with a unique comment."""
    context = app.state.context
    emails = [f"emp{i}@example.org" for i in range(5)]
    await imported(context, *emails)
    people = [chat(email) for email in emails]
    for someone in people:
        await someone.say("hi")
    wave_id = await open_wave(context, "enps")
    await deliver()
    for someone in people:
        await someone.new_messages()
    comments = [f"unique-comment-{i}-zebra" for i in range(5)]
    for i, (someone, comment) in enumerate(zip(people, comments, strict=True)):
        [form] = await someone.press(str(3 + i))
        await someone.click("surveys.comment", form["form"]["value"], fields={"comment": comment})
    await people[0].press("Change my answers")
    await people[0].press("10")  # a changed answer
    return wave_id, people, comments
