"""Who is using the web chat: in `signin` mode the person a provider vouched for (a session
cookie on /chat, reusing the dashboard's OpenID Connect and sessions); in `open` mode whoever the
request says, which is the demo's accepted threat."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from bot.adapters.webchat.mode import WebchatMode
from bot.config import Settings
from bot.web.admin.session import Sessions
from bot.web.oidc import OpenIdConnect

SESSION_COOKIE = "stafet_chat"
STATE_COOKIE = "stafet_chat_oidc"


@dataclass(frozen=True, slots=True)
class Chatter:
    """The person a web chat request acts for, and the key their sends are counted under."""

    email: str
    name: str | None
    verified: bool
    session: str


class ChatIdentity:
    def __init__(self, settings: Settings, mode: WebchatMode, oidc: OpenIdConnect) -> None:
        self.mode = mode
        self.oidc = oidc
        self.settings = settings

    @cached_property
    def sessions(self) -> Sessions:
        """Made on first use, which only `signin` mode has."""
        return Sessions(self.settings, cookie=SESSION_COOKIE, path="/chat", salt="stafet-chat")

    def signed_in(self, request: Request) -> Chatter | None:
        payload = self.sessions.payload(request) or {}
        email = payload.get("email")
        if not isinstance(email, str) or not email:
            return None
        return Chatter(email, payload.get("name") or None, True, str(payload.get("n", email)))

    def authenticate(self, request: Request) -> None:
        """Sign-in mode: 401 before anything else is looked at when nobody is signed in."""
        if self.mode is WebchatMode.SIGNIN and self.signed_in(request) is None:
            raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Session"})

    def chatter(self, request: Request, claimed: str | None, name: str | None = None) -> Chatter:
        """Open: the claimed email. Sign-in: the session's person (401 without one), and a claim
        about anyone else is refused (403) rather than quietly ignored."""
        if self.mode is WebchatMode.OPEN:
            if not claimed:
                raise HTTPException(422, "user: an email is required")
            email = claimed.strip().lower()
            return Chatter(email, name, False, email)
        who = self.signed_in(request)
        if who is None:
            raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Session"})
        if claimed is not None and claimed.strip().lower() != who.email:
            raise HTTPException(403, "the web chat acts only for the person signed in")
        return who

    def same_origin(self, request: Request) -> None:
        """Refuse a cross-site POST carrying the session cookie (403); SameSite=Lax is the first line."""
        origin = request.headers.get("origin")
        if (
            self.mode is WebchatMode.SIGNIN
            and origin
            and urlsplit(origin).netloc != request.headers.get("host")
        ):
            raise HTTPException(403, "cross-site requests are refused")

    def sign_in_app(self, refused: Callable[[Request], Response]) -> FastAPI:
        """`/chat/signin/<provider>` → the provider → `/chat/signin/<provider>/callback` → `/chat`."""
        app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
        oidc, sessions = self.oidc, self.sessions
        oidc.install_state_cookie(
            app, secret=sessions.secret, cookie=STATE_COOKIE, path="/chat", secure=sessions.secure
        )

        @app.get("/{provider}")
        async def start(request: Request, provider: str) -> Response:
            if not oidc.knows(provider):
                raise HTTPException(404)
            return await oidc.redirect(
                request, provider, str(request.url_for("chat_callback", provider=provider))
            )

        @app.get("/{provider}/callback", name="chat_callback")
        async def callback(request: Request, provider: str) -> Response:
            if not oidc.knows(provider):
                raise HTTPException(404)
            person = await oidc.verified(request, provider)
            if person is None:
                return refused(request)
            response = RedirectResponse("/chat", 303)
            sessions.start(response, email=person.email, name=person.name)
            return response

        @app.post("/out")
        async def sign_out(request: Request) -> Response:
            self.same_origin(request)
            response = RedirectResponse("/chat", 303)
            sessions.end(response)
            return response

        return app
