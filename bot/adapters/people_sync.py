"""Directory sync for each configured platform: the command line and the daily leader job."""

from __future__ import annotations

import logging

from bot.admin.roles import Principal, Role
from bot.config import Settings
from bot.context import AppContext
from bot.reach.directory import SyncReport
from bot.scheduler import RecurringJob

log = logging.getLogger(__name__)
DAY = 24 * 3600.0
SCHEDULER = Principal("scheduler", Role.HR)


async def sync_platform(
    context: AppContext, platform: str, who: Principal, *, dry_run: bool = False
) -> SyncReport:
    if platform == "slack":
        from bot.adapters.slack import people as slack

        return await slack.sync(context, who, dry_run=dry_run)
    from bot.adapters.teams import people as teams

    return await teams.sync(context, who, dry_run=dry_run)


async def run_sync(settings: Settings, platform: str, who: Principal, *, dry_run: bool = False) -> SyncReport:
    from bot.app import build_context  # the app imports this module for its jobs

    context = build_context(settings)
    try:
        return await sync_platform(context, platform, who, dry_run=dry_run)
    finally:
        await context.db.dispose()


def jobs(settings: Settings) -> list[RecurringJob]:
    """A daily sync of every configured directory, on the leader only."""
    platforms = []
    if settings.slack_enabled:
        platforms.append("slack")
    if settings.teams_enabled:
        platforms.append("teams")

    def job(platform: str) -> RecurringJob:
        async def run(context: AppContext) -> None:
            report = await sync_platform(context, platform, SCHEDULER)
            log.info("daily %s people sync: %s", platform, report.to_json())

        return RecurringJob(f"people.sync.{platform}", run, DAY, misfire_grace_seconds=3600)

    return [job(platform) for platform in platforms]
