"""Proactive messages into a person's DM with the bot (chat.postMessage), for the outbox worker.

Each message carries its outbox key as Slack message metadata, so a row whose worker died
between posting and recording is found in the DM's history instead of being posted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import render
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.oauth import BotTokens
from bot.delivery.messenger import DeliveryError, Sent, Target
from bot.runtime.replies import Reply

log = logging.getLogger(__name__)
METADATA_TYPE = "stafet_outbox"
HISTORY_DEPTH = 50  # a lease expires within minutes; the message, if sent, is among the latest

# Errors that no retry will fix: the person or the channel is gone, or the bot may not write there.
PERMANENT = frozenset(
    {
        "account_inactive",
        "channel_not_found",
        "cannot_dm_bot",
        "is_archived",
        "msg_too_long",
        "no_text",
        "not_in_channel",
        "user_not_found",
        "user_disabled",
        "invalid_blocks",
    }
)


SentHook = Callable[[AsyncWebClient, Target], None]


class SlackMessenger:
    def __init__(
        self,
        client: AsyncWebClient,
        directory: SlackDirectory,
        tokens: BotTokens,
        on_sent: SentHook | None = None,
    ) -> None:
        self.client = client
        self.directory = directory
        self.tokens = tokens
        self.on_sent = on_sent

    async def send(self, target: Target, reply: Reply) -> str | Sent:
        client = await self._client(target)
        address = target.address
        try:
            channel = await self._channel(client, target)
            metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": target.key}}
            response = await client.chat_postMessage(
                channel=channel, **render.message(reply), **({"metadata": metadata} if target.key else {})
            )
        except SlackApiError as error:
            raise _delivery_error(error) from None
        except aiohttp.ClientConnectorError as error:  # never reached Slack: nothing was posted
            raise DeliveryError(f"Slack unreachable: {type(error).__name__}") from None
        except (aiohttp.ClientError, TimeoutError) as error:  # may have been posted: looked up first
            raise DeliveryError(f"Slack unreachable: {type(error).__name__}", unknown=True) from None
        if self.on_sent is not None:
            self.on_sent(client, target)
        opened = str(response.get("channel") or "")
        if opened and opened != channel:
            self.directory.know_dm(address.workspace_id, address.user_id, opened)
            return Sent(str(response["ts"]), opened)
        return str(response["ts"])

    async def already_sent(self, target: Target) -> str | None:
        """The ts of a message already posted for `target.key`, found by its metadata (None: not sent)."""
        if not target.key:
            return None
        client = await self._client(target)
        try:
            channel = await self._channel(client, target)
            if channel == target.address.user_id:  # only a retry after a crash pays for conversations.open
                channel = await self.directory.dm_channel(client, target.address.workspace_id, channel)
            history = await client.conversations_history(
                channel=channel, limit=HISTORY_DEPTH, include_all_metadata=True
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            # Unknown is treated as not sent: the row is retried, as it would be without metadata.
            log.warning("could not look for outbox message in Slack history: %s", type(error).__name__)
            return None
        for found in history.get("messages") or []:
            metadata = found.get("metadata") or {}
            if metadata.get("event_type") == METADATA_TYPE and (
                (metadata.get("event_payload") or {}).get("key") == target.key
            ):
                return str(found["ts"])
        return None

    async def _client(self, target: Target) -> AsyncWebClient:
        """A client with the bot token of the target's workspace, sharing this one's session."""
        token = await self.tokens.for_workspace(target.address.workspace_id)
        return AsyncWebClient(
            token=token,
            base_url=self.client.base_url,
            timeout=self.client.timeout,
            session=self.client.session,
            logger=self.client.logger,
            retry_handlers=self.client.retry_handlers,
        )

    async def _channel(self, client: AsyncWebClient, target: Target) -> str:
        address = target.address
        if address.conversation_id.startswith("D"):
            return address.conversation_id
        known = self.directory.known_dm(address.workspace_id, address.user_id)
        if known is not None:
            return known
        if address.conversation_id == address.user_id:
            # Found by directory sync, never opened: a post to the user id lands in the app's DM,
            # so a first message to 100,000 people needs no conversations.open each.
            return address.user_id
        return await self.directory.dm_channel(client, address.workspace_id, address.user_id)


def _delivery_error(error: SlackApiError) -> DeliveryError:
    """A Web API error as the outbox sees it; the body may be anything (an HTML 5xx, a plain 429)."""
    response = error.response
    status = response.status_code
    if status == 429:  # Retry-After is a header, whatever the body
        return DeliveryError("Slack rate limit (429)", retry_after=retry_after(response.headers))
    data = response.data if isinstance(response.data, dict) else {}
    code = str(data.get("error") or f"HTTP {status}")
    return DeliveryError(f"Slack refused the message: {code}", permanent=code in PERMANENT)


def retry_after(headers: Mapping[str, str]) -> float:
    """Slack gives Retry-After in seconds; one second when it is missing or unreadable."""
    try:
        return max(0.0, float(headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0
