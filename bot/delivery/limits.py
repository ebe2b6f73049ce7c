"""Token buckets per Slack workspace / Teams tenant and per conversation, in this process.

A worker never sleeps on a limit: it asks how long until a token is free and reschedules
the row that long ahead. A 429 empties the bucket for the Retry-After the platform named.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.delivery.messenger import Target
from bot.runtime.events import Platform


@dataclass(slots=True)
class TokenBucket:
    rate: float  # tokens a second
    burst: float
    tokens: float = -1.0
    updated: float = 0.0
    blocked_until: float = 0.0

    def wait(self, now: float) -> float:
        """Seconds until a token is free (0 when one is free now)."""
        if self.tokens < 0:
            self.tokens, self.updated = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if now < self.blocked_until:
            return self.blocked_until - now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(slots=True)
class RateLimits:
    """`take` a token from the workspace and the conversation bucket together, or learn the wait."""

    workspace_rate: float
    conversation_rate: float
    burst: float = 3.0
    monotonic: Callable[[], float] = time.monotonic
    buckets: dict[tuple[str, ...], TokenBucket] = field(default_factory=dict)

    def _keys(self, target: Target) -> list[tuple[tuple[str, ...], float, float]]:
        address = target.address
        workspace = (address.platform.value, address.workspace_id)
        conversation = (*workspace, address.conversation_id)
        workspace_burst = max(self.burst, self.workspace_rate)
        return [
            (workspace, self.workspace_rate, workspace_burst),
            (conversation, self.conversation_rate, self.burst),
        ]

    def wait(self, target: Target) -> float:
        """Seconds until both buckets have a token (0: one could be taken now)."""
        if target.address.platform is Platform.WEB:  # our own web chat has no platform limit
            return 0.0
        now = self.monotonic()
        return max(bucket.wait(now) for bucket in self._buckets(target))

    def take(self, target: Target) -> float:
        """0 and a token taken from each bucket, or the seconds to wait (nothing taken)."""
        wait = self.wait(target)
        if wait == 0 and target.address.platform is not Platform.WEB:
            for bucket in self._buckets(target):
                bucket.tokens -= 1
        return wait

    def _buckets(self, target: Target) -> list[TokenBucket]:
        return [
            self.buckets.setdefault(key, TokenBucket(rate, burst)) for key, rate, burst in self._keys(target)
        ]

    def blocked_for(self, target: Target) -> float:
        """Seconds left of a 429 block on the target's workspace (0 when none)."""
        bucket = self.buckets.get(self._keys(target)[0][0])
        return max(0.0, bucket.blocked_until - self.monotonic()) if bucket else 0.0

    def block(self, target: Target, seconds: float) -> None:
        """The platform said 429: nothing more to this workspace for `seconds`."""
        until = self.monotonic() + seconds
        key, rate, burst = self._keys(target)[0]
        bucket = self.buckets.setdefault(key, TokenBucket(rate, burst))
        bucket.blocked_until = max(bucket.blocked_until, until)
        bucket.tokens = 0.0
