"""Assembles the one ASGI app: web chat, platform endpoints, health, and background work."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from bot import features
from bot.adapters import people_sync
from bot.adapters.scim import wire as scim_wire
from bot.adapters.scim.app import build_scim
from bot.adapters.slack import mount as slack
from bot.adapters.webchat import routes as webchat
from bot.adapters.webchat.messenger import WebchatMessenger, WebchatNotifier
from bot.adapters.webchat.mode import WebchatMode, webchat_mode
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content.library import load_library
from bot.context import AppContext
from bot.delivery.messenger import Messenger
from bot.i18n import Catalogue
from bot.leader import Leadership
from bot.reach.installs import InstallWorker
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.events import Platform
from bot.runtime.router import Router
from bot.scheduler import SchedulerState, build_scheduler
from bot.web import health, legal, mounts
from bot.web.admin.app import build_dashboard
from bot.web.api import errors as api_errors
from bot.web.api.app import build_api
from bot.web.asgi import App
from storage.database import Database

log = logging.getLogger(__name__)


def build_context(settings: Settings, clock: Clock | None = None) -> AppContext:
    return AppContext(
        settings=settings,
        clock=clock or SystemClock(),
        db=Database(settings.database_url),
        catalogue=Catalogue(settings.content_dir / "messages"),
        content=load_library(settings.content_dir),
    )


def build_router(context: AppContext) -> Router:
    router = Router(context.catalogue)
    features.register_all(router)
    return router


def freeze_startup_objects() -> None:
    """Everything built at startup (content library, catalogue, mappers, settings) lives as long
    as the process: keep it out of the garbage collector's full scans, which otherwise took
    about a third of a busy delivery worker's time."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings, *, clock: Clock | None = None, background: bool = True) -> FastAPI:
    """The whole of Stafet as one ASGI app; `background=False` leaves scheduler and worker off.
    A web chat mode the settings do not allow raises ConfigError before anything is built."""
    mode = webchat_mode(settings)
    context = build_context(settings, clock)
    router = build_router(context)
    dispatcher = Dispatcher(context, router)
    notifier = WebchatNotifier()
    # Imported here: the Bot Framework SDK takes a second to load, and only serving needs it.
    from bot.adapters.teams import people as teams_people
    from bot.adapters.teams import routes as teams

    teams_adapter = teams.build_adapter(settings, context.clock)
    messengers: dict[Platform, Messenger] = {Platform.TEAMS: teams.build_messenger(teams_adapter, context)}
    if mode is not WebchatMode.OFF:
        messengers[Platform.WEB] = WebchatMessenger(context.db, context.clock, notifier)
    slack_adapter = slack.build(context, dispatcher) if settings.slack_enabled else None
    if slack_adapter is not None:
        messengers[Platform.SLACK] = slack_adapter.messenger
    worker = features.delivery_worker(context, messengers, unverified_targets=mode is WebchatMode.OPEN)
    installer = teams_people.build_installer(settings)
    installs = InstallWorker(
        context.db, context.clock, {Platform.TEAMS: installer} if installer else {}, settings.graph_rate
    )
    leadership = Leadership(settings.database_url)
    scheduler_state = SchedulerState(lambda: leadership.is_leader)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        tasks: list[asyncio.Task[None]] = []
        scheduler = None
        connections = contextlib.AsyncExitStack()
        if slack_adapter is not None:
            await connections.enter_async_context(slack_adapter.running(settings.slack_app_token))
        if background:
            tasks.append(
                asyncio.create_task(
                    worker.run_forever(
                        context.delivery_wakeup,
                        settings.delivery_interval_seconds,
                        context.metrics.delivered.inc,
                    )
                )
            )
            if installer is not None:
                tasks.append(asyncio.create_task(installs.run_forever()))
            if settings.scheduler_enabled:
                await leadership.check()
                tasks.append(asyncio.create_task(leadership.run()))
                jobs = [*features.jobs(), *people_sync.jobs(settings)]
                scheduler = build_scheduler(context, jobs, scheduler_state, lambda: leadership.is_leader)
                scheduler.start()
                scheduler_state.running = True
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
                scheduler_state.running = False
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await connections.aclose()
            if installer is not None:
                await installer.close()
            await leadership.release()
            await context.db.dispose()

    app = App(title="Stafet", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.context = context
    app.state.dispatcher = dispatcher
    app.state.worker = worker
    app.state.installs = installs
    app.state.messengers = messengers

    def platforms() -> dict[str, Any]:
        return {
            "platforms": sorted(p.value for p in messengers),
            **teams.health(settings),
            "webchat": webchat.health(mode),
        }

    webchat.mount(app, context, dispatcher, notifier, mode)
    teams.mount(app, context, dispatcher, teams_adapter)
    app.state.slack = slack_adapter
    if slack_adapter is not None:
        slack.mount(app, slack_adapter)
    app.mount("/api/v1", build_api(context))
    app.mount("/admin", build_dashboard(context))
    app.mount("/scim/v2", build_scim(context))
    mounts.answer_unmatched(app, {"/api/v1": api_errors.not_found, "/scim/v2": scim_wire.not_found})
    app.include_router(health.build_router(context, scheduler_state, platforms))
    app.include_router(legal.build_router(context))

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/admin/" if mode is WebchatMode.OFF else "/chat")

    return app
