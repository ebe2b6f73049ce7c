"""The port every platform implements to send a message outside a person's turn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.runtime.events import Address
from bot.runtime.replies import Reply


@dataclass(frozen=True, slots=True)
class Target:
    """Where to send: the neutral address plus the platform's opaque stored reference."""

    address: Address
    reference: dict[str, Any]


class DeliveryError(Exception):
    """Sending failed; `retry_after` (seconds) when the platform said when to try again."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Messenger(Protocol):
    async def send(self, target: Target, reply: Reply) -> str:
        """Send `reply` and return the platform's id for the new message."""
        ...
