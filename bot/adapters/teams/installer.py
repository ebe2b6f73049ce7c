"""Proactive installation: Graph installs the app for a user, then the Bot Framework connector
opens the bot's one-to-one chat with them, whose reference the outbox uses from then on."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from bot.adapters.graph.client import GraphClient, GraphError
from bot.adapters.graph.login import CONNECTOR_SCOPE, Login
from bot.reach.installs import Installed, InstallError

CHANNEL = "msteams"


class TeamsInstaller:
    def __init__(
        self,
        graph: GraphClient,
        login: Login,
        *,
        app_id: str,
        catalog_app_id: str,
        service_url: str,
    ) -> None:
        self.graph = graph
        self.login = login
        self.app_id = app_id
        self.catalog_app_id = catalog_app_id
        self.service_url = service_url.rstrip("/") + "/"

    async def install(self, user_id: str, workspace_id: str) -> Installed:
        body = {"teamsApp@odata.bind": f"{self.graph.base_url}/appCatalogs/teamsApps/{self.catalog_app_id}"}
        try:
            status, _ = await self.graph.post(f"users/{user_id}/teamwork/installedApps", body)
        except GraphError as error:
            if error.throttled:
                raise InstallError(str(error), retry_after=error.retry_after) from None
            # 403 (no permission or app blocked by policy), 404 (no such user or app): say so in reach
            raise InstallError(str(error), permanent=error.status in (400, 403, 404)) from None
        conversation_id = await self._open_chat(user_id, workspace_id)
        return Installed(
            conversation_id, self._reference(user_id, workspace_id, conversation_id), status != 409
        )

    async def _open_chat(self, user_id: str, tenant_id: str) -> str:
        """POST /v3/conversations with the user's object id: Teams answers with the 1:1 chat's id
        (the same one again if it exists)."""
        body = {
            "bot": {"id": f"28:{self.app_id}"},
            "members": [{"id": user_id}],
            "channelData": {"tenant": {"id": tenant_id}},
            "tenantId": tenant_id,
            "isGroup": False,
        }
        token = await self.login.atoken(CONNECTOR_SCOPE)
        try:
            async with self.graph.http.post(
                f"{self.service_url}v3/conversations", json=body, headers={"Authorization": f"Bearer {token}"}
            ) as response:
                status, text = response.status, await response.text()
                header = response.headers.get("Retry-After", "")
        except (aiohttp.ClientError, TimeoutError) as error:
            raise InstallError(
                f"Teams connector unreachable: {type(error).__name__}", retry_after=5.0
            ) from None
        if status in (429, 502, 503, 504):
            wait = float(header) if header.replace(".", "", 1).isdigit() else 5.0
            raise InstallError(f"Teams connector answered {status}", retry_after=wait)
        if status >= 400:
            raise InstallError(f"Teams connector answered {status}: {text[:200]}")
        return str(json.loads(text)["id"])

    async def close(self) -> None:
        await self.graph.close()

    def _reference(self, user_id: str, tenant_id: str, conversation_id: str) -> dict[str, Any]:
        reference = ConversationReference(
            bot=ChannelAccount(id=f"28:{self.app_id}"),
            user=ChannelAccount(id=user_id, aad_object_id=user_id),
            conversation=ConversationAccount(
                id=conversation_id, tenant_id=tenant_id, conversation_type="personal", is_group=False
            ),
            channel_id=CHANNEL,
            service_url=self.service_url,
        )
        return reference.serialize()  # type: ignore[no-any-return]
