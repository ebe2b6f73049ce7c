"""What surveys store about a person: invitations and which questions they were shown. Answers
are stored without any link to the person, so there is nothing of theirs to export or erase;
an invitation to a wave still open is kept as an anonymous count, so that wave's turnout keeps
agreeing with its answers (see `storage.repositories.survey_tombstones`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.privacy.registry import PersonalData
from storage.models import Person, SurveyExposure, SurveyParticipation
from storage.repositories.survey_tombstones import keep_counts


async def _export(session: AsyncSession, person: Person) -> dict[str, Any]:
    invitations = await session.scalars(
        select(SurveyParticipation)
        .where(SurveyParticipation.person_id == person.id)
        .order_by(SurveyParticipation.id)
    )
    shown = await session.scalars(
        select(SurveyExposure).where(SurveyExposure.person_id == person.id).order_by(SurveyExposure.id)
    )
    return {
        "invitations": [
            {"wave": p.wave_id, "questions": p.questions, "responded": p.responded, "reminders": p.reminders}
            for p in invitations
        ],
        "questions_shown": [
            {"template": e.template_id, "question": e.question_id, "times": e.times} for e in shown
        ],
        "answers": "stored anonymously, without any link to you",
    }


async def _erase(session: AsyncSession, person: Person) -> int:
    await keep_counts(session, person.id)
    invitations = await session.execute(
        delete(SurveyParticipation).where(SurveyParticipation.person_id == person.id)
    )
    shown = await session.execute(delete(SurveyExposure).where(SurveyExposure.person_id == person.id))
    return int(invitations.rowcount or 0) + int(shown.rowcount or 0)  # type: ignore[attr-defined]


SECTIONS: tuple[PersonalData, ...] = (PersonalData("surveys", _export, _erase),)
