"""The Slack app inside the one ASGI app: bolt's AsyncApp at /slack/events (see `endpoint`),
Socket Mode on request."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from fastapi import Request, Response
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
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
from bot.adapters.slack.endpoint import PATH, SlackEvents
from bot.adapters.slack.inbox import SlackInbox
from bot.adapters.slack.manifest import REDIRECT_PATH
from bot.adapters.slack.messenger import SlackMessenger
from bot.adapters.slack.oauth import INSTALL_PATH, BotTokens, oauth_settings
from bot.adapters.slack.turns import SlackTurns
from bot.context import AppContext
from bot.delivery.messenger import Target
from bot.runtime.dispatcher import Dispatcher
from bot.web.asgi import App

log = logging.getLogger(__name__)
SHUTDOWN_SECONDS = 20  # within the usual 30 s a container gets between SIGTERM and SIGKILL

RESUME_SECONDS = 5.0  # how often stored turns are checked for a due retry or a dead process


@dataclass(slots=True)
class SlackAdapter:
    bolt: AsyncApp
    turns: SlackTurns
    messenger: SlackMessenger
    work: listeners.BackgroundWork
    inbound: listeners.Inbound
    verifier: SignatureVerifier
    single_team: bool
    _installed_team: str | None = None

    async def foreign(self, request: AsyncBoltRequest) -> bool:
        """With one bot token, a request from another workspace than the token's (a leaked
        signing secret, a shared app) is acknowledged and ignored."""
        team = request.context.team_id
        if not self.single_team or not team:
            return False
        if self._installed_team is None:
            try:
                self._installed_team = (await self.bolt.client.auth_test())["team_id"]
            except Exception as error:  # Slack unreachable: this request is served, the next one checks
                log.warning("Slack auth.test failed: %s", type(error).__name__)
                return False
        if team == self._installed_team:
            return False
        log.warning("Slack request from workspace %s ignored: installed in %s", team, self._installed_team)
        return True

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
        # On SQLite only one process runs: what another process left stored is an orphan.
        orphans = self.turns.context.db.dialect == "sqlite"
        interval = min(RESUME_SECONDS, self.inbound.inbox.lease.total_seconds() / 3)
        resuming = asyncio.create_task(self.inbound.resume_forever(interval, orphans=orphans))
        try:
            yield
        finally:
            resuming.cancel()
            await asyncio.gather(resuming, return_exceptions=True)
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
            self.inbound.inbox.close()


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
        # The listeners store, ack and hand the turn to a task, so the ack returns without polling.
        process_before_response=True,
        # Checked in `mount` instead: bolt logs the whole body of a request that fails the check.
        request_verification_enabled=False,
        logger=sdk_logger("bolt"),
    )
    redact_bolt_logs()
    inbox = SlackInbox(context.db, context.clock, settings.slack_turn_lease_seconds)
    turns = SlackTurns(context, dispatcher, SlackDirectory(), inbox)
    # SQLite has one writer: a turn holding its lock holds up the acks' commits behind it.
    work = listeners.BackgroundWork(limit=1 if context.db.dialect == "sqlite" else 4)

    async def client_for(team: str) -> AsyncWebClient:
        """A stored turn's client: bolt's in token mode, else one with the workspace's token."""
        if oauth is None:
            return bolt.client
        web = interactive_client(settings, await tokens.for_workspace(team))
        web.session = bolt.client.session
        return web

    inbound = listeners.Inbound(turns, inbox, work, client_for)
    listeners.register(bolt, inbound)

    def refresh_home(web: AsyncWebClient, target: Target) -> None:
        """A nudge, a survey or a routed question changes what App Home shows: re-publish it."""
        if turns.home_views.may_have(target.address):
            work.spawn(turns.refresh_home_if_seen(web, target.address))

    messenger = SlackMessenger(delivery_client(settings), SlackDirectory(), tokens, refresh_home)
    verifier = SignatureVerifier(settings.slack_signing_secret)
    return SlackAdapter(bolt, turns, messenger, work, inbound, verifier, bool(settings.slack_bot_token))


def mount(app: App, adapter: SlackAdapter) -> None:
    app.add_raw_endpoint("POST", PATH, SlackEvents(adapter))
    if adapter.bolt.oauth_flow is not None:
        handler = AsyncSlackRequestHandler(adapter.bolt)

        async def oauth_pages(request: Request) -> Response:
            return await handler.handle(request)

        for path in (INSTALL_PATH, REDIRECT_PATH):
            app.add_api_route(path, oauth_pages, methods=["GET"], include_in_schema=False)
