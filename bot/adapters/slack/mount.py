"""The Slack app inside the one ASGI app: bolt's AsyncApp at /slack/events, Socket Mode on request."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import FastAPI, Request, Response
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp

from bot.adapters.slack import listeners
from bot.adapters.slack.client import delivery_client, interactive_client, sdk_logger
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.messenger import SlackMessenger
from bot.adapters.slack.turns import SlackTurns
from bot.context import AppContext
from bot.runtime.dispatcher import Dispatcher

log = logging.getLogger(__name__)
PATH = "/slack/events"


@dataclass(slots=True)
class SlackAdapter:
    bolt: AsyncApp
    turns: SlackTurns
    messenger: SlackMessenger
    work: listeners.BackgroundWork

    @contextlib.asynccontextmanager
    async def running(self, socket_mode_token: str = "") -> AsyncIterator[None]:
        """Socket Mode (behind a firewall) while the app runs; turns in flight finish on shutdown."""
        handler = None
        if socket_mode_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(self.bolt, socket_mode_token)
            await handler.connect_async()
            log.info("Slack Socket Mode connected")
        try:
            yield
        finally:
            if handler is not None:
                await handler.close_async()
            await self.work.idle()


def build(context: AppContext, dispatcher: Dispatcher) -> SlackAdapter:
    settings = context.settings
    client = interactive_client(settings)
    directory = SlackDirectory(client)
    bolt = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # The listeners only ack and hand the turn to a task, so the ack returns without polling.
        process_before_response=True,
        logger=sdk_logger("bolt"),
    )
    turns = SlackTurns(context, dispatcher, client, directory)
    work = listeners.BackgroundWork()
    listeners.register(bolt, turns, work)
    messenger = SlackMessenger(delivery_client(settings), SlackDirectory(delivery_client(settings)))
    return SlackAdapter(bolt, turns, messenger, work)


def mount(app: FastAPI, adapter: SlackAdapter) -> None:
    handler = AsyncSlackRequestHandler(adapter.bolt)

    @app.post(PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)
