"""Proactive messages into a person's DM with the bot (chat.postMessage), for the outbox worker."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import render
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.oauth import BotTokens
from bot.delivery.messenger import DeliveryError, Target
from bot.runtime.replies import Reply

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


class SlackMessenger:
    def __init__(self, client: AsyncWebClient, directory: SlackDirectory, tokens: BotTokens) -> None:
        self.client = client
        self.directory = directory
        self.tokens = tokens

    async def send(self, target: Target, reply: Reply) -> str:
        address = target.address
        token = await self.tokens.for_workspace(address.workspace_id)
        client = AsyncWebClient(
            token=token,
            base_url=self.client.base_url,
            timeout=self.client.timeout,
            session=self.client.session,
            logger=self.client.logger,
            retry_handlers=self.client.retry_handlers,
        )
        try:
            channel = address.conversation_id
            if not channel.startswith("D"):
                channel = await self.directory.dm_channel(client, address.workspace_id, address.user_id)
            response = await client.chat_postMessage(channel=channel, **render.message(reply))
        except SlackApiError as error:
            raise _delivery_error(error) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError(f"Slack unreachable: {type(error).__name__}") from None
        return str(response["ts"])


def _delivery_error(error: SlackApiError) -> DeliveryError:
    status = error.response.status_code
    code = str(error.response.get("error") or f"HTTP {status}")
    if status == 429:
        retry_after = float(
            error.response.headers.get("Retry-After", error.response.headers.get("retry-after", 1))
        )
        return DeliveryError("Slack rate limit (429)", retry_after=retry_after)
    return DeliveryError(f"Slack refused the message: {code}", permanent=code in PERMANENT)
