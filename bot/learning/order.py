"""Which lessons come, in which order: the same rule for a nudge and for the campaign preview."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.lessons import Lesson
from bot.content.library import ContentLibrary
from storage.repositories.learning import LearningRepository


def content_roles(role: str, ambassador: bool) -> set[str]:
    """The content roles a person belongs to (anyone unknown counts as an employee)."""
    roles = {role if role in ("employee", "ambassador", "leader") else "employee"}
    return roles | ({"ambassador"} if ambassador else set())


def lesson_order(
    content: ContentLibrary, tracks: list[str], language: str, roles: set[str] | None
) -> list[Lesson]:
    """The tracks' lessons in order, in the person's language, for their roles (None: any role)."""
    return [
        lesson
        for track_id in tracks
        for lesson_id in content.track_lessons(track_id)
        if (lesson := content.lesson(lesson_id, language)) and (roles is None or roles & set(lesson.roles))
    ]


async def lessons_ahead(
    session: AsyncSession,
    content: ContentLibrary,
    tracks: list[str],
    people: Select[tuple[int]],
    default_language: str,
) -> dict[int, list[str]]:
    """Per person, the lessons not sent to them yet, in the order campaign nudges would bring them.

    Read only: a nudge brings a due review first, so this is what comes, not exactly when.
    """
    repo = LearningRepository(session)
    sent = await repo.lessons_sent(people)
    stopped = await repo.tracks_stopped(people)
    ahead: dict[int, list[str]] = {}
    for person_id, role, ambassador, language in await repo.learners(people):
        followed = [t for t in tracks if t in content.tracks and t not in stopped.get(person_id, set())]
        roles = content_roles(role, ambassador)
        done = sent.get(person_id, set())
        lessons = lesson_order(content, followed, language or default_language, roles)
        ahead[person_id] = [lesson.id for lesson in lessons if lesson.id not in done]
    return ahead
