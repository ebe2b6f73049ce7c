"""Dashboard sessions and CSRF: a signed session cookie naming the token, and a signed
double-submit token on every form."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.config import Settings

log = logging.getLogger(__name__)

SESSION_COOKIE = "stafet_admin"
CSRF_COOKIE = "stafet_admin_csrf"
LANGUAGE_COOKIE = "stafet_admin_lang"
SESSION_SECONDS = 12 * 3600


class Sessions:
    """Signed session cookies on one path: the dashboard's, or (with its own cookie) the web chat's."""

    def __init__(
        self,
        settings: Settings,
        *,
        cookie: str = SESSION_COOKIE,
        path: str = "/admin",
        salt: str = "stafet-admin",
    ) -> None:
        secret = settings.secret_key
        if not secret:
            # Fine for one process; several replicas need STAFET_SECRET_KEY so sessions survive a hop.
            log.warning("STAFET_SECRET_KEY is not set: sessions on %s end when this process stops", path)
            secret = secrets.token_urlsafe(32)
        self.secret = secret
        self.cookie = cookie
        self.path = path
        self._key = secret.encode()
        self._serializer = URLSafeTimedSerializer(secret, salt=f"{salt}-session")
        self.secure = settings.admin_cookie_secure

    def payload(self, request: Request) -> dict[str, Any] | None:
        """What the session names: {"tid": token id} or {"email": ...} after OpenID Connect."""
        raw = request.cookies.get(self.cookie)
        if not raw:
            return None
        try:
            data = self._serializer.loads(raw, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None

    def start(self, response: Response, **payload: Any) -> None:
        value = self._serializer.dumps({**payload, "n": secrets.token_hex(8)})
        self._cookie(response, self.cookie, value, SESSION_SECONDS)

    def end(self, response: Response) -> None:
        response.delete_cookie(self.cookie, path=self.path, secure=self.secure, httponly=True, samesite="lax")

    def csrf_for(self, request: Request) -> str:
        """The form token for this browser; a new browser gets its cookie set when the page renders."""
        nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf_nonce", None)
        if not nonce:
            nonce = secrets.token_urlsafe(24)
            request.state.csrf_nonce = nonce
        return self._mac(nonce)

    def remember_csrf(self, request: Request, response: Response) -> None:
        nonce = getattr(request.state, "csrf_nonce", None)
        if nonce and not request.cookies.get(CSRF_COOKIE):
            self._cookie(response, CSRF_COOKIE, nonce, None)

    def csrf_ok(self, request: Request, submitted: str) -> bool:
        nonce = request.cookies.get(CSRF_COOKIE)
        return bool(nonce and submitted) and hmac.compare_digest(self._mac(nonce), submitted)

    def remember_language(self, response: Response, language: str) -> None:
        self._cookie(response, LANGUAGE_COOKIE, language, 365 * 24 * 3600)

    def _mac(self, nonce: str) -> str:
        return hmac.new(self._key, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()

    def _cookie(self, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path=self.path, secure=self.secure, httponly=True, samesite="lax"
        )
