"""Run one piece of async work in one unit of work from a synchronous command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, SystemClock
from bot.config import Settings
from storage.database import Database


async def in_unit_of_work[T](
    settings: Settings, work: Callable[[AsyncSession, Clock], Awaitable[T]], clock: Clock | None = None
) -> T:
    database = Database(settings.database_url)
    try:
        async with database.unit_of_work() as session:
            result: Any = await work(session, clock or SystemClock())
        return result
    finally:
        await database.dispose()
