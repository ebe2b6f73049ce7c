"""Who a Slack user is (users.info) and where their DM with the bot is (conversations.open), cached."""

from __future__ import annotations

import logging
import time
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.client import error_code
from bot.runtime.events import Profile

log = logging.getLogger(__name__)
PROFILE_TTL = 3600.0  # a changed email or time zone shows within the hour
MAX_ENTRIES = 50_000


def profile_of(user: dict[str, Any]) -> Profile:
    """users.info's user object → Profile; the locale ("da-DK") is normalised by the core."""
    profile = user.get("profile") or {}
    name = (
        profile.get("real_name") or profile.get("display_name") or user.get("real_name") or user.get("name")
    )
    return Profile(
        email=profile.get("email") or None,
        display_name=name or None,
        language=user.get("locale") or None,
        timezone=user.get("tz") or None,
    )


def refused(error: SlackApiError) -> bool:
    """Slack answered `ok: false` with an error code (a scope, a user): asking again won't help.
    Anything else (a 5xx with any body, a 429) is Slack being unavailable."""
    return error.response.status_code == 200 and isinstance(error.response.data, dict)


class SlackDirectory:
    def __init__(self, clock: Any = time.monotonic) -> None:
        self._now = clock
        self._profiles: dict[tuple[str, str], tuple[float, Profile]] = {}
        self._dms: dict[tuple[str, str], str] = {}

    async def profile(self, client: AsyncWebClient, team: str, user: str) -> Profile:
        """The sender's profile; without users:read.email the email is missing and no link is made.
        Slack unavailable and nothing cached: raises, so the turn is tried again rather than run
        without the email that links the person to the one HR imported."""
        cached = self._profiles.get((team, user))
        if cached is not None and cached[0] > self._now():
            return cached[1]
        try:
            response = await client.users_info(user=user, include_locale=True)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            if cached is not None:
                return cached[1]
            if not (isinstance(error, SlackApiError) and refused(error)):
                raise  # Slack down or slow: the stored turn is tried again later
            log.warning("users.info failed: %s", error_code(error))  # e.g. missing_scope
            return Profile()
        found = profile_of(response.get("user") or {})
        self._remember(self._profiles, (team, user), (self._now() + PROFILE_TTL, found))
        return found

    async def dm_channel(self, client: AsyncWebClient, team: str, user: str) -> str:
        """The id of the bot's DM with `user`, opened once and remembered."""
        found = self._dms.get((team, user))
        if found is None:
            response = await client.conversations_open(users=user)
            found = response["channel"]["id"]
            self._remember(self._dms, (team, user), found)
        return found

    def known_dm(self, team: str, user: str) -> str | None:
        return self._dms.get((team, user))

    def know_dm(self, team: str, user: str, channel: str) -> None:
        """A DM channel seen in an event saves a conversations.open later."""
        if channel.startswith("D"):
            self._remember(self._dms, (team, user), channel)

    @staticmethod
    def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
        if len(cache) >= MAX_ENTRIES:
            cache.pop(next(iter(cache)))
        cache[key] = value
