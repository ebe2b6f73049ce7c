"""Token buckets per Slack workspace / Teams tenant and per conversation.

A worker never sleeps on a limit: it asks how long until a token is free and reschedules
the row that long ahead. A 429 empties the bucket for the Retry-After the platform named.
Workspace buckets are shared by all workers through the database (`adopt` them at the start
of a claim, `shared` them back at its end); a person's conversation bucket stays in-process.
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
    buckets: dict[str, TokenBucket] = field(default_factory=dict)

    @property
    def workspace_burst(self) -> float:
        return max(self.burst, self.workspace_rate)

    @staticmethod
    def workspace_key(target: Target) -> str | None:
        """The shared bucket's key, or None for our own web chat, which has no platform limit."""
        if target.address.platform is Platform.WEB:
            return None
        return f"{target.address.platform.value}:{target.address.workspace_id}"

    def _keys(self, target: Target) -> list[tuple[str, float, float]]:
        workspace = f"{target.address.platform.value}:{target.address.workspace_id}"  # workspace_key's
        conversation = f"{workspace}:{target.address.conversation_id}"
        return [
            (workspace, self.workspace_rate, self.workspace_burst),
            (conversation, self.conversation_rate, self.burst),
        ]

    def adopt(self, key: str, tokens: float, updated: float, blocked_until: float) -> None:
        """Take over a workspace bucket's state as another worker may have left it."""
        bucket = self.buckets.setdefault(key, TokenBucket(self.workspace_rate, self.workspace_burst))
        bucket.tokens, bucket.updated, bucket.blocked_until = tokens, updated, blocked_until

    def shared(self, key: str) -> tuple[float, float, float]:
        """(tokens, updated, blocked_until) of a workspace bucket, to store for the other workers."""
        bucket = self.buckets[key]
        bucket.wait(self.monotonic())  # brought up to now, so the stored state is current
        return bucket.tokens, bucket.updated, bucket.blocked_until

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

    def block(self, target: Target, seconds: float) -> float:
        """The platform said 429: nothing more to this workspace for `seconds`; returns until when."""
        until = self.monotonic() + seconds
        key, rate, burst = self._keys(target)[0]
        bucket = self.buckets.setdefault(key, TokenBucket(rate, burst))
        bucket.blocked_until = max(bucket.blocked_until, until)
        bucket.tokens = 0.0
        return bucket.blocked_until
