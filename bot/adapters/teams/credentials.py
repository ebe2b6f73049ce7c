"""The bot's connector tokens from the configured login host (STAFET_LOGIN_URL), when that is
not Microsoft's own: the same msal client-credentials flow Graph uses."""

from __future__ import annotations

from botframework.connector.auth import (
    AppCredentials,
    MicrosoftAppCredentials,
    PasswordServiceClientCredentialFactory,
)

from bot.adapters.graph.login import Login


class LoginCredentials(MicrosoftAppCredentials):
    def __init__(self, login: Login, app_id: str, scope: str) -> None:
        super().__init__(app_id, "", oauth_scope=scope)
        self._login = login
        self._scope = scope if scope.endswith("/.default") else scope.rstrip("/") + "/.default"

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self._login.token(self._scope)


class LoginCredentialFactory(PasswordServiceClientCredentialFactory):
    def __init__(self, login: Login, app_id: str, password: str, tenant_id: str) -> None:
        super().__init__(app_id, password, tenant_id)
        self._login = login

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials:
        if await self.is_authentication_disabled():
            return MicrosoftAppCredentials.empty()
        return LoginCredentials(self._login, app_id, oauth_scope or "https://api.botframework.com")
