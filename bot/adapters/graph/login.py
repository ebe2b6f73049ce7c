"""Client-credentials tokens from Entra ID (msal), for Graph and for the Bot Framework connector."""

from __future__ import annotations

import asyncio
import threading

import msal

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
CONNECTOR_SCOPE = "https://api.botframework.com/.default"
DEFAULT_LOGIN_URL = "https://login.microsoftonline.com"


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

    def token(self, scope: str) -> str:
        """Blocking: msal speaks HTTP through requests (and discovers the tenant on first use)."""
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
        return str(result["access_token"])

    async def atoken(self, scope: str) -> str:
        return await asyncio.to_thread(self.token, scope)
