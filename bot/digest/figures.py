"""What the digest reports: the period's activity and what needs attention now, as counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.questions import open_questions
from bot.admin.surveys import WaveSummary, wave_summaries
from bot.clock import Clock
from bot.digest.schedule import Period
from bot.surveys.templates import Template
from storage.repositories.digest import Activity, DigestRepository
from storage.repositories.surveys import SurveyRepository

PAST_SLA = ("overdue", "escalated")


@dataclass(frozen=True, slots=True)
class Figures:
    day: date  # the digest's own local day
    period: Period
    activity: Activity
    overdue: int  # open questions past their claim time, or escalated to the group
    undelivered_total: int
    surveys: tuple[WaveSummary, ...]  # open now; turnout hidden below the minimum group size

    @property
    def quiet(self) -> bool:
        """Nothing happened and nothing waits: no digest is worth sending."""
        a = self.activity
        happened = a.asked or a.answered or a.nudges or a.lessons_completed or a.quiz_answers or a.undelivered
        return not (happened or self.overdue or self.surveys)


async def gather(
    session: AsyncSession,
    clock: Clock,
    day: date,
    period: Period,
    *,
    k: int,
    templates: dict[str, Template],
    language: str,
) -> Figures:
    repo = DigestRepository(session)
    waves = await SurveyRepository(session).waves(status="open")
    questions = await open_questions(session, clock)
    return Figures(
        day=day,
        period=period,
        activity=await repo.activity(period.since, period.until),
        overdue=sum(q.sla in PAST_SLA for q in questions),
        undelivered_total=await repo.undelivered_total(),
        surveys=tuple(await wave_summaries(session, waves, templates, k, language)),
    )
