"""Every minute: escalate waiting questions, erase old asker links, flag stale FAQ entries."""

from __future__ import annotations

import logging

from bot.context import AppContext
from bot.questions.faq import FaqService
from bot.questions.hours import day_seconds, working_seconds
from bot.questions.service import QuestionService
from bot.scheduler import RecurringJob

log = logging.getLogger(__name__)
CLAIM_WITHIN_SECONDS = 4 * 3600.0


async def escalate(app: AppContext) -> None:
    """Unclaimed after 4 working hours: the next ambassador; after one working day: the group.
    What a deactivated ambassador held (they left) moves on at once, claimed or not: nobody
    would answer it."""
    async with app.db.unit_of_work() as session:
        service = QuestionService(session, app)
        now = app.clock.now()
        for person_id in await service.questions.leavers_holding():
            moved = await service.hand_back(person_id, "ambassador deactivated")
            log.info("%s question(s) held by deactivated person %s moved on", moved, person_id)
        for question in await service.questions.waiting():
            ambassador = await service.questions.ambassador(question.assigned_id or 0)
            if ambassador is None or question.assigned_at is None or question.routed_at is None:
                await service.escalate(question, "ambassador gone")
            elif working_seconds(ambassador, question.routed_at, now) >= day_seconds(ambassador):
                await service.escalate(question, "one working day unclaimed")
            elif working_seconds(ambassador, question.assigned_at, now) >= CLAIM_WITHIN_SECONDS:
                await service.move_on(question, "unclaimed for 4 working hours")


async def housekeeping(app: AppContext) -> None:
    async with app.db.unit_of_work() as session:
        service = FaqService(session, app)
        erased = await service.questions.erase_askers(app.clock.now())
        if erased:
            log.info("erased the asker link of %s resolved questions", erased)
        await service.flag_stale()


JOBS = [
    RecurringJob("questions.escalate", escalate, 60),
    RecurringJob("questions.housekeeping", housekeeping, 3600),
]
