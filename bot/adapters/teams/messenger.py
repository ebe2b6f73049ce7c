"""Proactive messages into Teams: continue a stored conversation and send one activity."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

from botbuilder.core import BotAdapter, CloudAdapterBase, TurnContext
from botbuilder.schema import Activity, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.adapters.teams.render import CardLabels, message
from bot.clock import Clock
from bot.delivery.messenger import DeliveryError, Target
from bot.runtime.replies import Reply

RETRYABLE = {408, 412, 429, 500, 502, 503, 504}  # throttled, or Teams briefly unavailable
GONE = {401, 403, 404}  # uninstalled, blocked or deleted: retrying cannot help
SEND_TIMEOUT_SECONDS = 15  # as the Slack delivery client's


class TeamsMessenger:
    def __init__(self, adapter: CloudAdapterBase, app_id: str, clock: Clock, labels: CardLabels) -> None:
        self.adapter = adapter
        self.app_id = app_id  # without it Teams refuses the proactive send ("Invalid app_id")
        self.clock = clock
        self.labels = labels

    async def send(self, target: Target, reply: Reply) -> str:
        if not target.reference:
            raise DeliveryError("no Teams conversation reference stored", permanent=True)
        reference = ConversationReference().deserialize(target.reference)
        tenant = reference.conversation.tenant_id if reference.conversation else None
        outgoing = Activity().deserialize(message(reply, self.labels))
        if tenant:
            outgoing.channel_data = {"tenant": {"id": tenant}}
        sent: list[str] = []

        async def send_in_turn(context: TurnContext) -> None:
            # The outbox owns retries: the connector client must not sleep and retry on its own,
            # nor wait msrest's 100 s default for an answer.
            config = context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY].config
            config.retry_policy.retries = 0
            config.connection.timeout = SEND_TIMEOUT_SECONDS
            response = await context.send_activity(outgoing)
            sent.append(response.id if response and response.id else "")

        try:
            await self.adapter.continue_conversation(reference, send_in_turn, self.app_id)
        except HttpOperationError as error:
            raise _delivery_error(error, self.clock.now()) from None
        except ClientRequestError as error:
            raise DeliveryError(f"Teams unreachable: {error}") from None
        return sent[0] if sent else ""


def _delivery_error(error: HttpOperationError, now: datetime) -> DeliveryError:
    response = error.response
    status = getattr(response, "status_code", None) or getattr(response, "status", None) or 0
    headers = getattr(response, "headers", None) or {}
    text = f"Teams answered {status}: {error.message}"
    if status in GONE:
        return DeliveryError(text, permanent=True)
    retry_after = retry_after_seconds(headers.get("Retry-After"), now) if status in RETRYABLE else None
    return DeliveryError(text, retry_after=retry_after)


def retry_after_seconds(header: str | None, now: datetime) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())
