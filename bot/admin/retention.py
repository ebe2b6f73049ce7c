"""The daily purge: personal texts, delivery logs and handled event ids are kept only as long as
the settings say."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.privacy.learning import purge_reflections
from bot.admin.privacy.questions import purge_question_texts
from bot.config import Settings
from bot.context import AppContext
from storage.models import OutboxMessage
from storage.repositories.platform_events import ProcessedEventRepository

log = logging.getLogger(__name__)

Purge = Callable[[AsyncSession, datetime], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class Retention:
    """What to purge, and the setting (in days) that says how old it may get."""

    name: str
    setting: str
    purge: Purge

    def cutoff(self, settings: Settings, now: datetime) -> datetime:
        return now - timedelta(days=int(getattr(settings, self.setting)))


async def purge_delivery_log(session: AsyncSession, cutoff: datetime) -> int:
    """Sent and dead-lettered outbox rows past retention; pending ones are never touched."""
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_(("sent", "dead")), OutboxMessage.created_at < cutoff
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def purge_event_ids(session: AsyncSession, cutoff: datetime) -> int:
    """The ids of platform events already handled, kept to ignore redeliveries: the platforms
    retry for minutes, and one row per Teams activity would otherwise pile up for ever."""
    return await ProcessedEventRepository(session).forget_before(cutoff)


RETENTIONS: tuple[Retention, ...] = (
    Retention("delivery_log", "retention_delivery_log_days", purge_delivery_log),
    Retention("event_ids", "retention_event_ids_days", purge_event_ids),
    Retention("reflections", "retention_reflections_days", purge_reflections),
    Retention("question_texts", "retention_questions_days", purge_question_texts),
)


async def purge(context: AppContext, retentions: Sequence[Retention] = RETENTIONS) -> dict[str, int]:
    """One unit of work per kind, so one failing purge does not undo the others."""
    now = context.clock.now()
    counts: dict[str, int] = {}
    for retention in retentions:
        async with context.db.unit_of_work() as session:
            counts[retention.name] = await retention.purge(session, retention.cutoff(context.settings, now))
    log.info("retention purge: %s", counts)
    return counts


async def purge_job(context: AppContext) -> None:
    await purge(context)
