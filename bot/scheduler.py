"""APScheduler drives a few recurring jobs; the database says what is due, jobs only tick."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

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
    # A tick missed while the process was down or busy still runs once (coalesce=True folds
    # several missed ticks into one): the jobs read the database, so one late run catches up.
    misfire_grace_seconds: int = 300


class SchedulerState:
    """What `/healthz` reports about the scheduler; `leader` is asked live, never a stale copy."""

    def __init__(self, leads: Callable[[], bool] = lambda: False) -> None:
        self.running = False
        self.last_heartbeat: datetime | None = None
        self.leads = leads

    @property
    def leader(self) -> bool:
        return self.running and self.leads()


def build_scheduler(
    context: AppContext,
    jobs: list[RecurringJob],
    state: SchedulerState,
    leads: Callable[[], bool] = lambda: True,
) -> AsyncIOScheduler:
    """Every replica runs the scheduler; only the one for which `leads()` is true does the jobs."""
    scheduler = AsyncIOScheduler(timezone=ZoneInfo("UTC"))

    async def heartbeat(_context: AppContext) -> None:
        state.last_heartbeat = context.clock.now()

    scheduler.add_job(
        heartbeat,
        IntervalTrigger(seconds=30, timezone=ZoneInfo("UTC")),
        args=[context],
        id="heartbeat",
        coalesce=True,
        misfire_grace_time=30,
        next_run_time=datetime.now(ZoneInfo("UTC")),
    )
    for job in jobs:
        scheduler.add_job(
            _guarded(job, context, leads),
            IntervalTrigger(seconds=job.every_seconds, timezone=ZoneInfo("UTC")),
            id=job.name,
            name=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=job.misfire_grace_seconds,
            next_run_time=datetime.now(ZoneInfo("UTC")),
        )
    return scheduler


def _guarded(
    job: RecurringJob, context: AppContext, leads: Callable[[], bool]
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        if not leads():
            return
        try:
            await job.run(context)
        except Exception:
            log.exception("scheduled job %s failed", job.name)

    return run
