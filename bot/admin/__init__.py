"""Administration: tokens and roles, audit log, people import, privacy and retention.

As a feature it adds no chat commands, only the daily retention purge."""

from __future__ import annotations

from bot.admin.retention import purge_job
from bot.delivery.compose import Composer
from bot.home import HomeSection
from bot.runtime.router import Router
from bot.scheduler import RecurringJob

HOME: list[HomeSection] = []
JOBS: list[RecurringJob] = [
    RecurringJob("retention purge", purge_job, 24 * 3600, misfire_grace_seconds=6 * 3600)
]
COMPOSERS: dict[str, Composer] = {}


def register(router: Router) -> None:
    """No chat commands: administration happens in the dashboard, the API and the command line."""
