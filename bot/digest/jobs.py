"""Every five minutes: queue today's digest for each HR person whose working morning it is;
at send time the composer fills in the figures, or skips a quiet day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.delivery.outbox import Outbox
from bot.digest.figures import gather
from bot.digest.render import digest_reply
from bot.digest.schedule import due_day, period_before
from bot.learning.calendar import WorkCalendar
from bot.runtime.replies import Reply
from bot.scheduler import RecurringJob
from bot.surveys.chat import templates_in
from storage.models import Person
from storage.repositories.digest import DIGEST_ROLE, DigestRepository

KIND = "digest"


async def queue_digests(app: AppContext) -> None:
    """One row per person and local day; the key makes every later tick (and a restart) a no-op."""
    now = app.clock.now()
    queued = 0
    async with app.db.unit_of_work() as session:
        outbox = Outbox(session, app.clock)
        for person in await DigestRepository(session).recipients(now):
            day = due_day(WorkCalendar.of(person.timezone, app.settings.default_timezone), now)
            if day is None:
                continue
            queued += await outbox.enqueue(
                key=f"digest:{day.isoformat()}:{person.id}",
                person_id=person.id,
                kind=KIND,
                payload={"day": day.isoformat()},
            )
    if queued:
        app.delivery_wakeup.set()


async def compose_digest(
    session: AsyncSession, person: Person, payload: dict[str, Any], now: datetime, app: AppContext
) -> Reply | None:
    """The figures as of sending; None if the person left HR, turned it off, the day was quiet,
    or the digest was held past its day (out of office, quiet hours): only today's is worth reading."""
    if person.role != DIGEST_ROLE or await DigestRepository(session).opted_out(person.id):
        return None
    settings = app.settings
    language = person.language or settings.default_language
    day = date.fromisoformat(str(payload["day"]))
    calendar = WorkCalendar.of(person.timezone, settings.default_timezone)
    if calendar.local_day(now) != day:
        return None
    period = period_before(calendar, day)
    figures = await gather(
        session,
        app.clock,
        day,
        period,
        k=settings.min_group_size,
        templates=templates_in(settings.content_dir),
        language=language,
    )
    if figures.quiet:
        return None

    def t(key: str, /, **params: object) -> str:
        return app.catalogue.text(language, key, **params)

    admin_url = f"{settings.public_url.rstrip('/')}/admin" if settings.public_url else ""
    return digest_reply(t, figures, k=settings.min_group_size, language=language, admin_url=admin_url)


JOBS = [RecurringJob("digest.queue", queue_digests, every_seconds=300, misfire_grace_seconds=600)]
