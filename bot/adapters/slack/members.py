"""The workspace directory through users.list, at the pace of Slack's Tier 2 limit.

Pages of 200 (Slack's recommended size) are requested no faster than `pages_per_minute`;
a 429 waits the Retry-After Slack names and asks for the same page again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.reach.directory import Member, Page
from bot.runtime.events import Platform

log = logging.getLogger(__name__)
PAGE_SIZE = 200
SLACKBOT = "USLACKBOT"

Sleep = Callable[[float], Awaitable[None]]


def member_of(user: dict[str, Any]) -> Member:
    """A users.list / team_join / user_change user object → Member (pure)."""
    profile = user.get("profile") or {}
    if user.get("is_bot") or user.get("is_app_user") or user.get("id") == SLACKBOT:
        kind = "bot"
    elif user.get("is_restricted") or user.get("is_ultra_restricted"):
        kind = "guest"
    else:
        kind = "member"
    return Member(
        user_id=str(user.get("id") or ""),
        email=profile.get("email") or None,
        name=profile.get("real_name") or profile.get("display_name") or user.get("real_name") or "",
        language=user.get("locale") or None,
        timezone=user.get("tz") or None,
        kind=kind,  # type: ignore[arg-type]
        active=not user.get("deleted"),
    )


class SlackMembers:
    """A DirectorySource over one workspace (the workspace of the client's token)."""

    platform = Platform.SLACK
    direct = True  # chat.postMessage to a user id lands in the app's DM: no install, no conversations.open

    def __init__(
        self,
        client: AsyncWebClient,
        workspace_id: str,
        pages_per_minute: float,
        *,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.workspace_id = workspace_id
        self.interval = 60.0 / pages_per_minute
        self.sleep = sleep
        self.monotonic = monotonic
        self.waited = 0.0  # seconds spent on Retry-After, for the report and the bench
        self._next_at = 0.0

    async def pages(self, cursor: str | None) -> AsyncIterator[Page]:
        """Slack's directory has no delta: every sync lists it all, so `cursor` is not used."""
        next_cursor = ""
        while True:
            response = await self._page(next_cursor)
            users = response.get("members") or []
            yield Page([member_of(user) for user in users])
            next_cursor = (response.get("response_metadata") or {}).get("next_cursor") or ""
            if not next_cursor:
                return

    async def _page(self, cursor: str) -> Any:
        while True:
            await self._pace()
            try:
                return await self.client.users_list(
                    limit=PAGE_SIZE, cursor=cursor or None, include_locale=True
                )
            except SlackApiError as error:
                if error.response.status_code != 429:
                    raise
                wait = float(
                    error.response.headers.get("Retry-After", error.response.headers.get("retry-after", 1))
                )
                log.info("users.list rate limited; waiting %s s as Slack asks", wait)
                self.waited += wait
                await self.sleep(wait)
                self._next_at = self.monotonic()

    async def _pace(self) -> None:
        now = self.monotonic()
        if self._next_at > now:
            await self.sleep(self._next_at - now)
            now = self._next_at
        self._next_at = now + self.interval
