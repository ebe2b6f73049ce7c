"""The Slack app inside the one ASGI app: bolt's AsyncApp at /slack/events, Socket Mode on request."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from fastapi import FastAPI, Request, Response
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import listeners
from bot.adapters.slack.client import (
    delivery_client,
    interactive_client,
    redact_bolt_logs,
    redact_library_logs,
    sdk_logger,
)
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.manifest import REDIRECT_PATH
from bot.adapters.slack.messenger import SlackMessenger
from bot.adapters.slack.oauth import INSTALL_PATH, BotTokens, oauth_settings
from bot.adapters.slack.turns import SlackTurns
from bot.context import AppContext
from bot.delivery.messenger import Target
from bot.runtime.dispatcher import Dispatcher

log = logging.getLogger(__name__)
PATH = "/slack/events"
SHUTDOWN_SECONDS = 20  # within the usual 30 s a container gets between SIGTERM and SIGKILL


@dataclass(slots=True)
class SlackAdapter:
    bolt: AsyncApp
    turns: SlackTurns
    messenger: SlackMessenger
    work: listeners.BackgroundWork

    @contextlib.asynccontextmanager
    async def running(self, socket_mode_token: str = "") -> AsyncIterator[None]:
        """Pooled HTTP sessions (no TLS handshake per call), one for turns and one for delivery,
        each with its client's timeout (slack_sdk applies its own only to sessions it makes, and
        aiohttp's default is five minutes); Socket Mode if asked for; turns in flight finish on
        shutdown."""
        sessions = [
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=client.timeout))
            for client in (self.bolt.client, self.messenger.client)
        ]
        self.bolt.client.session, self.messenger.client.session = sessions
        handler, connecting = None, None
        if socket_mode_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(self.bolt, socket_mode_token)
            # The SDK keeps retrying until Slack answers; start-up does not wait for it.
            connecting = asyncio.create_task(handler.connect_async())
        try:
            yield
        finally:
            if handler is not None and connecting is not None:
                connecting.cancel()
                await asyncio.gather(connecting, return_exceptions=True)
                await handler.close_async()
            try:
                await asyncio.wait_for(self.work.idle(), timeout=SHUTDOWN_SECONDS)
            except TimeoutError:
                log.warning(
                    "Slack turns still running after %s s at shutdown were cancelled", SHUTDOWN_SECONDS
                )
            for session in sessions:
                await session.close()


def build(context: AppContext, dispatcher: Dispatcher) -> SlackAdapter:
    """Token mode with SLACK_BOT_TOKEN; otherwise OAuth installs for several workspaces."""
    settings = context.settings
    redact_library_logs()
    client = interactive_client(settings)
    tokens = BotTokens(settings.slack_bot_token)
    oauth = None
    if not settings.slack_bot_token:
        oauth = oauth_settings(settings, context.db.engine)
        tokens = BotTokens("", oauth.installation_store)
    bolt = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret,
        oauth_settings=oauth,
        # The listeners only ack and hand the turn to a task, so the ack returns without polling.
        process_before_response=True,
        logger=sdk_logger("bolt"),
    )
    redact_bolt_logs()
    turns = SlackTurns(context, dispatcher, SlackDirectory())
    work = listeners.BackgroundWork()
    listeners.register(bolt, turns, work)

    def refresh_home(web: AsyncWebClient, target: Target) -> None:
        """A nudge, a survey or a routed question changes what App Home shows: re-publish it."""
        if turns.home_views.may_have(target.address):
            work.spawn(turns.refresh_home_if_seen(web, target.address))

    messenger = SlackMessenger(delivery_client(settings), SlackDirectory(), tokens, refresh_home)
    return SlackAdapter(bolt, turns, messenger, work)


def mount(app: FastAPI, adapter: SlackAdapter) -> None:
    handler = AsyncSlackRequestHandler(adapter.bolt)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    app.add_api_route(PATH, slack_events, methods=["POST"], include_in_schema=False)
    if adapter.bolt.oauth_flow is not None:
        for path in (INSTALL_PATH, REDIRECT_PATH):
            app.add_api_route(path, slack_events, methods=["GET"], include_in_schema=False)
