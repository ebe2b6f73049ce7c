"""Client-credentials tokens from Entra ID (msal), for Graph and for the Bot Framework connector."""

from __future__ import annotations

import asyncio
import threading
import time

import msal

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
CONNECTOR_SCOPE = "https://api.botframework.com/.default"
DEFAULT_LOGIN_URL = "https://login.microsoftonline.com"
RENEW_BEFORE = 300.0  # seconds before expiry a token is fetched anew


class LoginError(Exception):
    """Entra ID refused the app's credentials; the message names Entra's error, never the secret."""


class Login:
    """One msal app per tenant; msal caches each token until shortly before it expires."""

    def __init__(self, login_url: str, tenant_id: str, client_id: str, secret: str) -> None:
        self.authority = f"{login_url.rstrip('/')}/{tenant_id}"
        self.own_cloud = login_url.rstrip("/") == DEFAULT_LOGIN_URL
        self.client_id = client_id
        self._secret = secret
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}  # scope -> token, when to renew it

    def token(self, scope: str) -> str:
        """Blocking: msal speaks HTTP through requests (and discovers the tenant on first use)."""
        held = self._tokens.get(scope)
        if held is not None and held[1] > time.monotonic():
            return held[0]
        with self._lock:
            if self._app is None:
                self._app = msal.ConfidentialClientApplication(
                    self.client_id,
                    client_credential=self._secret,
                    authority=self.authority,
                    # Another login host (a sovereign cloud, a local stand-in) is trusted as configured.
                    instance_discovery=None if self.own_cloud else False,
                )
            result = self._app.acquire_token_for_client(scopes=[scope])
        if "access_token" not in result:
            raise LoginError(f"{result.get('error')}: {result.get('error_description', '')[:200]}")
        renew = time.monotonic() + max(0.0, float(result.get("expires_in", 0)) - RENEW_BEFORE)
        self._tokens[scope] = (str(result["access_token"]), renew)
        return str(result["access_token"])

    async def atoken(self, scope: str) -> str:
        """Without a thread while the token held is still good (every request asks)."""
        held = self._tokens.get(scope)
        if held is not None and held[1] > time.monotonic():
            return held[0]
        return await asyncio.to_thread(self.token, scope)
