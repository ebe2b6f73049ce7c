"""APScheduler drives a few recurring jobs; the database says what is due, jobs only tick."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.context import AppContext

log = logging.getLogger(__name__)

Job = Callable[[AppContext], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RecurringJob:
    name: str
    run: Job
    every_seconds: float
    misfire_grace_seconds: int = 300  # after a restart a missed tick still runs, once (coalesce)


class SchedulerState:
    """What `/healthz` reports about the scheduler."""

    def __init__(self) -> None:
        self.running = False
        self.last_heartbeat: datetime | None = None


def build_scheduler(context: AppContext, jobs: list[RecurringJob], state: SchedulerState) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def heartbeat(_context: AppContext) -> None:
        state.last_heartbeat = context.clock.now()

    for job in [RecurringJob("heartbeat", heartbeat, 30), *jobs]:
        scheduler.add_job(
            _guarded(job, context),
            IntervalTrigger(seconds=job.every_seconds, timezone="UTC"),
            id=job.name,
            name=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=job.misfire_grace_seconds,
            next_run_time=datetime.now().astimezone(),
        )
    return scheduler


def _guarded(job: RecurringJob, context: AppContext) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await job.run(context)
        except Exception:
            log.exception("scheduled job %s failed", job.name)

    return run
