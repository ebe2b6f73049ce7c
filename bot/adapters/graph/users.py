"""The tenant's users through a Graph delta query: the first sync lists everyone, later syncs
only what changed since (the delta link is stored between syncs)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from bot.adapters.graph.client import GraphClient, GraphError
from bot.reach.directory import Member, Page
from bot.runtime.events import Platform

log = logging.getLogger(__name__)
SELECT = "id,mail,userPrincipalName,displayName,department,preferredLanguage,accountEnabled,userType"

Sleep = Callable[[float], Awaitable[None]]


def member_of(user: dict[str, Any]) -> Member:
    """A Graph user (or a delta entry marked @removed) → Member (pure)."""
    email = user.get("mail") or user.get("userPrincipalName") or None
    removed = "@removed" in user
    return Member(
        user_id=str(user.get("id") or ""),
        email=email.lower() if email else None,
        name=user.get("displayName") or "",
        department=user.get("department") or "",
        language=user.get("preferredLanguage") or None,
        kind="guest" if user.get("userType") == "Guest" else "member",
        active=not removed and user.get("accountEnabled") is not False,
    )


class EntraUsers:
    """A DirectorySource over one tenant; Teams needs the app installed before the bot may write."""

    platform = Platform.TEAMS
    direct = False

    def __init__(self, graph: GraphClient, tenant_id: str, *, sleep: Sleep = asyncio.sleep) -> None:
        self.graph = graph
        self.workspace_id = tenant_id
        self.sleep = sleep

    async def pages(self, cursor: str | None) -> AsyncIterator[Page]:
        url, params = (cursor, None) if cursor else ("users/delta", {"$select": SELECT})
        while url:
            try:
                body = await self._get(url, params)
            except GraphError as error:
                if error.status != 410 or not cursor:
                    raise
                log.info("the stored delta link has expired; listing every user again")
                url, params, cursor = "users/delta", {"$select": SELECT}, None
                continue
            next_link = body.get("@odata.nextLink")
            delta = body.get("@odata.deltaLink")
            yield Page([member_of(user) for user in body.get("value") or []], delta)
            url, params = next_link, None

    async def _get(self, url: str, params: dict[str, str] | None) -> dict[str, Any]:
        while True:
            try:
                return await self.graph.get(url, params)
            except GraphError as error:
                if not error.throttled:
                    raise
                log.info("Graph throttled the user listing; waiting %s s", error.retry_after)
                await self.sleep(error.retry_after or 1.0)
