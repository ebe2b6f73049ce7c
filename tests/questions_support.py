"""Helpers for the question tests: people, ambassadors and questions straight in the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.questions import registry
from bot.questions.registry import Profile
from storage.models import Ambassador, Person, Question
from storage.repositories.people import PeopleRepository


async def person(session: AsyncSession, email: str, now: datetime, **fields: Any) -> Person:
    name = email.split("@")[0].title()
    return await PeopleRepository(session).add_person(now, email=email, display_name=name, **fields)


async def ambassador(
    session: AsyncSession, email: str, now: datetime, *, topics: dict[str, int] | None = None,
    languages: tuple[str, ...] = ("da", "en"), hours: str = "08:00-16:00", department: str = "IT",
    **fields: Any,
) -> Ambassador:  # fmt: skip
    profile = Profile(
        topics=topics if topics is not None else {"security": 2},
        languages=list(languages),
        department=department,
        hours=hours,
        timezone="Europe/Copenhagen",
    )
    found = await registry.save(session, email, profile, now, create=True)
    for name, value in fields.items():
        setattr(found, name, value)
    await session.flush()
    # Routing picks only ambassadors Stafet can write to: give each a web chat conversation.
    people = PeopleRepository(session)
    person = await people.get(found.person_id)
    assert person is not None
    identity = await people.add_identity(person, "web", "local", email, now)
    await people.remember_conversation(
        platform="web", workspace_id="local", conversation_id=email, identity_id=identity.id, now=now
    )
    return found


async def open_question(session: AsyncSession, asker: Person, now: datetime, **fields: Any) -> Question:
    values: dict[str, Any] = {
        "asker_id": asker.id, "language": "da", "topic": "security", "text": "Hvordan slår jeg 2FA til?",
        "status": "open", "created_at": now, "routed_at": now, "asker_department": asker.department,
    }  # fmt: skip
    question = Question(**{**values, **fields})
    session.add(question)
    await session.flush()
    return question
