"""The recurring survey jobs: open due waves, remind non-responders, close waves."""

from __future__ import annotations

from bot.context import AppContext
from bot.scheduler import RecurringJob
from bot.surveys import waves
from bot.surveys.chat import templates_in


async def open_waves(app: AppContext) -> None:
    async with app.db.unit_of_work() as session:
        templates = templates_in(app.settings.content_dir)
        opened = await waves.open_due(session, app.clock, templates, app.settings.min_group_size)
    if opened:
        app.delivery_wakeup.set()


async def remind(app: AppContext) -> None:
    async with app.db.unit_of_work() as session:
        sent = await waves.remind_due(session, app.clock, app.settings.zone)
    if sent:
        app.delivery_wakeup.set()


async def close_waves(app: AppContext) -> None:
    async with app.db.unit_of_work() as session:
        settings = app.settings
        await waves.close_due(session, app.clock, settings.survey_secret, settings.min_group_size)


JOBS = [
    RecurringJob("surveys.open", open_waves, 60),
    RecurringJob("surveys.remind", remind, 300),
    RecurringJob("surveys.close", close_waves, 60),
]
