"""Recording platform event ids with a unique insert: the first delivery wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.platform_events import ProcessedEvent


class ProcessedEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def first_time(self, platform: str, event_id: str, now: datetime) -> bool:
        """True for the first delivery of `event_id`, False for every repeat."""
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(ProcessedEvent)
            .values(platform=platform, event_id=event_id, received_at=now)
            .on_conflict_do_nothing()
            .returning(ProcessedEvent.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def forget(self, platform: str, event_id: str) -> None:
        """The event was not handled after all: a redelivery of it is served."""
        await self.session.execute(
            delete(ProcessedEvent).where(
                ProcessedEvent.platform == platform, ProcessedEvent.event_id == event_id
            )
        )

    async def forget_before(self, cutoff: datetime) -> int:
        """Drop ids older than any platform retries (Slack and Teams retry for minutes)."""
        result = await self.session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
