"""The port every platform implements to send a message outside a person's turn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.runtime.events import Address
from bot.runtime.replies import Reply


@dataclass(frozen=True, slots=True)
class Target:
    """Where to send: the neutral address plus the platform's opaque stored reference.

    `key` is the outbox row's idempotency key; a platform that can store it with the message
    (Slack message metadata, for instance) lets a retried row find it instead of sending twice.
    """

    address: Address
    reference: dict[str, Any]
    key: str = ""


@dataclass(frozen=True, slots=True)
class Sent:
    """A message sent into a conversation other than the address named: Slack opens the DM on a
    post to a user id. The worker stores `conversation_id` so later messages go there."""

    message_id: str
    conversation_id: str


class DeliveryError(Exception):
    """Sending failed; `retry_after` (seconds) when the platform said when to try again;
    `unknown` when the platform may have the message all the same (no answer in time);
    `waited` the seconds the attempt took before it failed (its backoff counts from its start)."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        unknown: bool = False,
        waited: float = 0.0,
    ):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        self.unknown = unknown
        self.waited = waited


class Messenger(Protocol):
    async def send(self, target: Target, reply: Reply) -> str | Sent:
        """Send `reply` and return the platform's id for the new message."""
        ...


class FindsSent(Protocol):
    """Optional: messengers that can look up a message by `target.key` implement this, so a row
    whose worker died after sending but before recording it is not sent a second time."""

    async def already_sent(self, target: Target) -> str | None: ...
