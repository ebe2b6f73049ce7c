"""Waves: schedule, open (invite and send the first question), remind non-responders, close."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery.outbox import Outbox
from bot.people.audience import Audience
from bot.runtime.errors import UserFacingError
from bot.surveys import buffer
from bot.surveys.anonymity import new_key
from bot.surveys.chat import SURVEY_ACTIONS, offers_wave
from bot.surveys.templates import Template
from storage.models import SurveyWave
from storage.repositories.reach import ReachRepository
from storage.repositories.surveys import SurveyRepository
from storage.repositories.webchat import WebchatRepository

log = logging.getLogger(__name__)

MAX_REMINDERS = 2
FIRST_REMINDER_WORKING_DAYS = 2
LAST_REMINDER_BEFORE_CLOSE = timedelta(days=1)


async def schedule_wave(
    session: AsyncSession,
    clock: Clock,
    *,
    template_id: str,
    audience: Audience,
    opens_at: datetime,
    closes_at: datetime,
    anonymous: bool = True,
    campaign_id: int | None = None,
    questions_per_person: int | None = None,
    live_results: bool = False,
    export_comments: bool = True,
    min_audience: int | None = None,
) -> int:
    """Plan a wave; the open job invites its audience once `opens_at` has come. With
    `min_audience` (k) an audience of fewer vouched-for people is refused now, not only at opening."""
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise ValueError("opens_at and closes_at must be timezone-aware")
    if closes_at <= opens_at:
        raise UserFacingError("surveys.error.close_before_open")
    if questions_per_person is not None and questions_per_person < 1:
        raise UserFacingError("surveys.error.questions_per_person")
    if min_audience is not None:
        size = await SurveyRepository(session).count(audience.vouched_ids())
        if size < min_audience:
            raise UserFacingError("surveys.error.audience_too_small", k=min_audience, n=size)
    wave = SurveyWave(
        template_id=template_id,
        audience=audience.to_json(),
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=anonymous,
        campaign_id=campaign_id,
        questions_per_person=questions_per_person,
        live_results=live_results,
        export_comments=export_comments,
        status="scheduled",
        created_at=clock.now(),
    )
    return await SurveyRepository(session).add_wave(wave)


async def open_due(session: AsyncSession, clock: Clock, templates: dict[str, Template], k: int) -> list[int]:
    """Open every wave whose time has come: invite the audience and queue the first question."""
    repo = SurveyRepository(session)
    opened = []
    for wave in await repo.waves(status="scheduled", due_before=clock.now()):
        template = templates.get(wave.template_id)
        if template is None:
            log.error("survey wave %s: unknown template %r, not opened", wave.id, wave.template_id)
            continue
        audience = Audience.from_json(wave.audience).vouched_ids()
        if await repo.count(audience) < k:
            log.warning("survey wave %s cancelled: fewer than %s people in its audience", wave.id, k)
            wave.status = "cancelled"
            continue
        await _invite(repo, wave, template, audience, k)
        wave.status = "open"
        wave.token_key = new_key() if wave.anonymous else None
        outbox = Outbox(session, clock)
        for person_id in await repo.not_responded(wave.id, MAX_REMINDERS + 1):
            await outbox.enqueue(
                key=f"survey:{wave.id}:open:{person_id}",
                person_id=person_id,
                kind="survey.question",
                payload={"wave_id": wave.id},
            )
        opened.append(wave.id)
    return opened


async def _invite(
    repo: SurveyRepository, wave: SurveyWave, template: Template, audience: Select[tuple[int]], k: int
) -> None:
    """Participation rows with each person's group, generalised to NULL when smaller than k."""
    people = await repo.audience_people(audience)
    reachable = await ReachRepository(repo.session).reachable_people()
    departments = Counter(d for _, d, _ in people)
    roles = Counter(r for _, _, r in people)
    question_ids = [q.id for q in template.questions]
    per_person = wave.questions_per_person
    asked: dict[int, list[str]] = {}
    seen: dict[tuple[int, str], int] = {}
    if per_person is not None and per_person < len(question_ids):
        seen = await repo.exposures(template.id, [p for p, _, _ in people])
        for person_id, _, _ in people:
            order = sorted(
                range(len(question_ids)), key=lambda i: (seen.get((person_id, question_ids[i]), 0), i)
            )
            asked[person_id] = [question_ids[i] for i in sorted(order[:per_person])]
        await repo.record_exposures(template.id, asked, set(seen))
    await repo.add_participants(
        [
            {
                "wave_id": wave.id,
                "person_id": person_id,
                "department": department if department and departments[department] >= k else None,
                "role": role if role and roles[role] >= k else None,
                "questions": asked.get(person_id, question_ids),
                "position": 0,
                "responded": False,
                "answered": False,
                "reminders": 0,
                "reachable": person_id in reachable,
            }
            for person_id, department, role in people
        ]
    )


def reminder_times(wave: SurveyWave, zone: ZoneInfo) -> list[datetime]:
    """After 2 working days and 1 day before close (both inside the wave), at most 2."""
    local = wave.opens_at.astimezone(zone)
    days = 0
    while days < FIRST_REMINDER_WORKING_DAYS:
        local += timedelta(days=1)
        days += local.weekday() < 5
    times = {local.astimezone(wave.opens_at.tzinfo), wave.closes_at - LAST_REMINDER_BEFORE_CLOSE}
    return sorted(t for t in times if wave.opens_at < t < wave.closes_at)[:MAX_REMINDERS]


async def remind_due(session: AsyncSession, clock: Clock, zone: ZoneInfo) -> int:
    """Remind, through the outbox, only the invited who have neither answered nor skipped."""
    repo = SurveyRepository(session)
    outbox = Outbox(session, clock)
    sent = 0
    for wave in await repo.waves(status="open"):
        due = sum(t <= clock.now() for t in reminder_times(wave, zone))
        if due == 0:
            continue
        people = await repo.not_responded(wave.id, due)
        for person_id in people:
            sent += await outbox.enqueue(
                key=f"survey:{wave.id}:remind:{due}:{person_id}",
                person_id=person_id,
                kind="survey.reminder",
                payload={"wave_id": wave.id},
            )
        await repo.mark_reminded(wave.id, people, due)
    return sent


async def close_due(session: AsyncSession, clock: Clock, secret: str, k: int) -> list[int]:
    """Close due waves: buffered answers are written, then links to people are dropped."""
    repo = SurveyRepository(session)
    closed = []
    for wave in await repo.waves(status="open", due_before=clock.now()):
        await buffer.flush(session, wave, secret, k)
        if wave.anonymous:
            await WebchatRepository(session).forget_offers(SURVEY_ACTIONS, offers_wave(wave.id))
        await repo.close(wave)
        closed.append(wave.id)
    return closed
