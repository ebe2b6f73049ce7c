"""`stafet serve`: the web server, the scheduler and the delivery worker in one process."""

from __future__ import annotations

import logging

import typer
import uvicorn

from bot.adapters.webchat.mode import webchat_mode
from bot.app import create_app, freeze_startup_objects
from bot.cli.common import console_error, settings_of
from bot.config import ConfigError
from bot.web import access_log
from storage import migrate
from storage.database import async_url


def configure_logging(level: str) -> None:
    """One line per record; APScheduler's "Running job ..." (a dozen a minute) only when debugging."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)


def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Interface to listen on (STAFET_HOST)."),
    port: int | None = typer.Option(None, help="Port to listen on (STAFET_PORT)."),
) -> None:
    """Start Stafet: web chat, Slack and Teams endpoints, dashboard, API, scheduler."""
    settings = settings_of(ctx)
    settings = settings.model_copy(update={"host": host or settings.host})
    try:
        webchat_mode(settings)  # the web chat's mode depends on where we listen: refuse early
    except ConfigError as error:
        console_error(f"Configuration error: {error}")
        raise typer.Exit(2) from None
    configure_logging(settings.log_level)
    url = settings.database_url
    if async_url(url).get_backend_name() == "sqlite":
        migrate.upgrade(url)
    elif not migrate.is_current(url):
        console_error("The database schema is not current: run `stafet db upgrade` first.")
        raise typer.Exit(2)
    app = create_app(settings)
    freeze_startup_objects()
    # uvicorn turns SIGTERM into a graceful shutdown: requests finish, the lifespan stops
    # the scheduler and the worker, and connections are closed.
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=10,
    )
    access_log.install()  # after uvicorn.Config, which sets up its loggers
    uvicorn.Server(config).run()
