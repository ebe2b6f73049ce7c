"""The web chat page and where its parts are mounted, per mode: nothing at all when `off`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from bot.adapters.webchat.api import build_api
from bot.adapters.webchat.messenger import WebchatNotifier
from bot.adapters.webchat.mode import WebchatMode
from bot.adapters.webchat.signin import ChatIdentity
from bot.admin.oidc import providers
from bot.context import AppContext
from bot.i18n import normalise_language
from bot.runtime.dispatcher import Dispatcher
from bot.web.oidc import OpenIdConnect

HERE = Path(__file__).resolve().parent
PAGE_KEYS = (
    "title",
    "who",
    "start",
    "placeholder",
    "message",
    "send",
    "switch",
    "offline",
    "chosen",
    "demo",
    "signin_intro",
    "signin_failed",
    "signout",
    "too_long",
    "too_fast",
)


def health(mode: WebchatMode) -> dict[str, str]:
    """What /healthz says about the web chat; the open demo says plainly what it allows."""
    if mode is WebchatMode.OPEN:
        return {"mode": mode.value, "warning": "demo mode: anyone on this machine can act as anyone"}
    return {"mode": mode.value}


def mount(
    app: Any, context: AppContext, dispatcher: Dispatcher, notifier: WebchatNotifier, mode: WebchatMode
) -> None:
    if mode is WebchatMode.OFF:
        return  # /chat and everything under it answers 404
    identity = ChatIdentity(context.settings, mode, OpenIdConnect(providers(context.settings)))
    templates = Jinja2Templates(directory=HERE / "templates")

    def page(request: Request, status: int = 200, *, failed: bool = False) -> Response:
        language = (
            normalise_language(request.query_params.get("lang"))
            or normalise_language(request.headers.get("accept-language", "").split(",")[0])
            or context.settings.default_language
        )
        texts = {k: context.catalogue.text(language, f"webchat.{k}") for k in PAGE_KEYS}
        signins = [
            (p.name, context.catalogue.text(language, "webchat.signin", provider=p.label))
            for p in identity.oidc.providers
        ]
        me = identity.signed_in(request) if mode is WebchatMode.SIGNIN else None
        return templates.TemplateResponse(
            request,
            "chat.html",
            {
                "language": language,
                "texts": texts,
                "mode": mode.value,
                "me": {"email": me.email, "name": me.name or me.email} if me else None,
                "signins": signins,
                "failed": failed,
            },
            status_code=status,
        )

    app.mount("/chat/static", StaticFiles(directory=HERE / "static"), name="chat-static")
    if mode is WebchatMode.SIGNIN:
        app.mount("/chat/signin", identity.sign_in_app(lambda request: page(request, 401, failed=True)))

    @app.get("/chat", response_class=HTMLResponse, include_in_schema=False)
    async def chat_page(request: Request) -> Response:
        return page(request)

    app.include_router(build_api(context, dispatcher, notifier, identity))
