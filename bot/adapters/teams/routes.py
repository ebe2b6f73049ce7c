"""`POST /api/messages`: authenticate the Bot Framework request and run the turn in CloudAdapter.

Without MICROSOFT_APP_ID the endpoint runs in emulator mode: no token is checked, so only
clients on this machine (the Bot Framework Emulator, tests) are served.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticationConstants, JwtTokenExtractor
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from bot.adapters.graph.login import DEFAULT_LOGIN_URL, Login
from bot.adapters.teams.bot import TeamsBot, card_labels
from bot.adapters.teams.credentials import LoginCredentialFactory
from bot.adapters.teams.messenger import TeamsMessenger
from bot.adapters.teams.signing_keys import SigningKeys, SigningKeysByUrl, SigningKeysUnavailable
from bot.clock import Clock
from bot.config import Settings
from bot.context import AppContext
from bot.runtime.dispatcher import Dispatcher

log = logging.getLogger(__name__)

EMULATOR_WARNING = (
    "MICROSOFT_APP_ID is not set: Teams runs in emulator mode; /api/messages accepts "
    "unauthenticated requests from this machine only. Do not expose it."
)
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def build_adapter(settings: Settings, clock: Clock) -> CloudAdapter:
    """CloudAdapter with the app's credentials: single-tenant when a tenant id is given, and
    signing keys fetched off the event loop (`signing_keys`)."""
    app_type = settings.microsoft_app_type or (
        "SingleTenant" if settings.microsoft_app_tenant_id else "MultiTenant"
    )
    configuration = SimpleNamespace(
        APP_ID=settings.microsoft_app_id,
        APP_PASSWORD=settings.microsoft_app_password,
        APP_TYPE=app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )
    factory = None
    if settings.teams_enabled and settings.login_url.rstrip("/") != DEFAULT_LOGIN_URL:
        login = Login(
            settings.login_url,
            settings.microsoft_app_tenant_id or "botframework.com",
            settings.microsoft_app_id,
            settings.microsoft_app_password,
        )
        factory = LoginCredentialFactory(
            login,
            settings.microsoft_app_id,
            settings.microsoft_app_password,
            settings.microsoft_app_tenant_id,
        )
    # The SDK keeps its key sets in this class-level cache, by URL: ours take their place, the
    # channel's read from MICROSOFT_OPENID_METADATA_URL if set.
    channel = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    elsewhere = (
        {channel: settings.microsoft_openid_metadata_url} if settings.microsoft_openid_metadata_url else {}
    )
    JwtTokenExtractor.metadataCache = SigningKeysByUrl(
        lambda url: SigningKeys(elsewhere.get(url, url), clock)
    )
    # No on_turn_error: failures must reach the caller (a 500 here, a retry in the outbox).
    return CloudAdapter(ConfigurationBotFrameworkAuthentication(configuration, credentials_factory=factory))


def build_messenger(adapter: CloudAdapter, context: AppContext) -> TeamsMessenger:
    settings = context.settings
    labels = card_labels(context.catalogue, settings.default_language)
    return TeamsMessenger(adapter, settings.microsoft_app_id, context.clock, labels)


def health(settings: Settings) -> dict[str, Any]:
    """What /healthz says about Teams, loudly when it runs unauthenticated."""
    if settings.teams_enabled:
        return {"teams": {"mode": "authenticated"}}
    return {"teams": {"mode": "emulator", "warning": EMULATOR_WARNING}}


def mount(app: Any, context: AppContext, dispatcher: Dispatcher, adapter: CloudAdapter) -> None:
    if not context.settings.teams_enabled:
        log.warning("!!! %s", EMULATOR_WARNING)
    app.include_router(build_router(context, dispatcher, adapter))


def build_router(context: AppContext, dispatcher: Dispatcher, adapter: CloudAdapter) -> APIRouter:
    router = APIRouter(tags=["teams"])
    turns = TeamsBot(context, dispatcher)
    emulator = not context.settings.teams_enabled

    @router.post("/api/messages", include_in_schema=False)
    async def messages(request: Request) -> Response:
        if emulator and (request.client is None or request.client.host not in LOOPBACK):
            return JSONResponse({"error": "emulator mode serves this machine only"}, status_code=403)
        try:
            body = await request.json()
            activity = Activity().deserialize(body)
        except Exception:
            return JSONResponse({"error": "expected a Bot Framework activity"}, status_code=400)
        if not isinstance(body, dict) or not activity.type:
            return JSONResponse({"error": "expected a Bot Framework activity"}, status_code=400)
        header = None if emulator else request.headers.get("authorization")
        try:
            auth = await adapter.bot_framework_authentication.authenticate_request(activity, header)
        except SigningKeysUnavailable:  # the request may be fine: the Bot Framework retries a 503
            return JSONResponse({"error": "signing keys unavailable"}, status_code=503)
        except Exception as error:  # a missing, forged or expired token
            log.info("Teams request refused: %s", type(error).__name__)
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        try:
            invoke = await adapter.process_activity(auth, activity, turns.on_turn)
        except Exception:
            log.exception("Teams turn failed for a %s activity", activity.type)
            return JSONResponse({"error": "the bot failed"}, status_code=500)
        if invoke is not None:
            return JSONResponse(invoke.body, status_code=int(invoke.status))
        return Response(status_code=200)

    return router
