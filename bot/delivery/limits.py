"""Token buckets per Slack workspace / Teams tenant and per conversation.

A worker never sleeps on a limit: a row its buckets have no token for is moved to its next
free slot (`plan`, `slot`), so rows come due at the pace each workspace allows. A claim may take
a burst's worth of tokens at once, but each message then goes one token's time after the one
before it (`take`): platforms count fixed windows, and a claim's messages reach them a varying
while after it (composing, other rounds), so sends taken together would overfill a window and
meet 429s. After a 429 nothing goes to its conversation until the Retry-After the platform named
is over; a second 429 in another of the workspace's conversations within it shows the limit is
the workspace's, and then nothing goes to the workspace either (`block`). Every bucket is shared
by all workers through the database (`adopt` them at the start of a claim, `shared` them back at
its end), so replicas together keep within each limit.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.config import Settings
from bot.delivery.messenger import Target
from bot.runtime.events import Platform

KEY_LENGTH = 200  # the rate_buckets key column


def workspace_rates(settings: Settings) -> dict[Platform, float]:
    """Messages a second per Slack workspace and per Teams tenant (they differ)."""
    return {Platform.SLACK: settings.delivery_workspace_rate, Platform.TEAMS: settings.delivery_tenant_rate}


@dataclass(frozen=True, slots=True)
class RateLimited:
    """A 429 in one conversation, for every worker to hear of (bot.delivery.worker shares it)."""

    workspace: str
    conversation: str
    until: float  # when its Retry-After is over


@dataclass(slots=True)
class TokenBucket:
    rate: float  # tokens a second
    burst: float
    tokens: float  # as of `updated`
    updated: float = 0.0
    blocked_until: float = 0.0
    booked: float = 0.0  # a workspace's next slot no row has been moved to yet (`booking` shares it)
    warned_until: float = 0.0  # a workspace: one of its conversations met a 429 whose wait runs to then

    def wait(self, now: float) -> float:
        """Seconds until a token is free (0 when one is free now). Nothing refills during a
        429's block (see `RateLimits.block`)."""
        if now < self.blocked_until:
            return self.blocked_until - now
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(slots=True)
class RateLimits:
    """`take` a token from the workspace and the conversation bucket together, or learn the wait."""

    workspace_rates: Mapping[Platform, float]  # Slack workspaces and Teams tenants differ
    conversation_rate: float
    burst: float = 3.0
    monotonic: Callable[[], float] = time.monotonic
    buckets: dict[str, TokenBucket] = field(default_factory=dict)

    def full(self, key: str) -> float:
        """A new bucket's tokens (its burst)."""
        return self.buckets[key].burst

    @staticmethod
    def workspace_key(target: Target) -> str | None:
        """The workspace bucket's key, or None for our own web chat, which has no platform limit."""
        if target.address.platform is Platform.WEB:
            return None
        return f"{target.address.platform.value}:{target.address.workspace_id}"

    def keys(self, targets: Iterable[Target]) -> set[str]:
        """Every bucket these targets spend from, each made known with its rate."""
        return {key for target in targets for key in self._ensure(target)}

    def _ensure(self, target: Target) -> list[str]:
        """[workspace key, conversation key], their buckets made known (none for the web chat)."""
        workspace = self.workspace_key(target)
        if workspace is None:
            return []
        conversation = f"{workspace}:{target.address.conversation_id}"
        if len(conversation) > KEY_LENGTH:  # Teams conversation ids run long
            conversation = f"{workspace}:#{hashlib.sha256(conversation.encode()).hexdigest()[:32]}"
        rate = self.workspace_rates[target.address.platform]
        if workspace not in self.buckets:
            burst = max(self.burst, rate)
            self.buckets[workspace] = TokenBucket(rate, burst, burst)
        if conversation not in self.buckets:
            self.buckets[conversation] = TokenBucket(self.conversation_rate, self.burst, self.burst)
        return [workspace, conversation]

    @staticmethod
    def booking(workspace: str) -> str:
        """The shared row that holds a workspace's next unbooked slot (in its `updated_at`), so
        replicas move rows to one schedule instead of each to its own (which would move every
        row again when two replicas' slots came due at twice the rate)."""
        return f"{workspace}|booked"

    @staticmethod
    def warning(workspace: str) -> str:
        """The shared row whose `blocked_until` says until when a 429 in one of the workspace's
        conversations makes a second one, in another, the workspace's (see `block`)."""
        return f"{workspace}|429"

    def workspaces(self, targets: Iterable[Target]) -> set[str]:
        return {key for target in targets if (key := self.workspace_key(target)) is not None}

    def adopt_booked(self, workspace: str, booked: float) -> None:
        bucket = self.buckets[workspace]
        bucket.booked = max(bucket.booked, booked)

    def booked(self, workspace: str) -> float:
        return self.buckets[workspace].booked

    def adopt(self, key: str, tokens: float, updated: float, blocked_until: float) -> None:
        """Take over a bucket's state as another worker may have left it."""
        bucket = self.buckets[key]
        bucket.tokens, bucket.updated = tokens, updated
        # a 429 this worker met may not be shared yet: a block only ever grows
        bucket.blocked_until = max(bucket.blocked_until, blocked_until)

    def shared(self, key: str) -> tuple[float, float, float]:
        """(tokens, updated, blocked_until) of a bucket, to store for the other workers."""
        bucket = self.buckets[key]
        bucket.wait(self.monotonic())  # brought up to now, so the stored state is current
        return bucket.tokens, bucket.updated, bucket.blocked_until

    def plan(self, targets: Iterable[tuple[int, Target]]) -> dict[int, float]:
        """For these (id, target) pairs, taken in order: 0 for those the buckets have tokens for
        now, else the seconds until their turn, as if each took its own (nothing is taken)."""
        now = self.monotonic()
        spare: dict[str, float] = {}
        waits: dict[int, float] = {}
        for row_id, target in targets:
            keys = self._ensure(target)
            for key in keys:
                if key not in spare:
                    bucket = self.buckets[key]
                    bucket.wait(now)  # brought up to now
                    blocked = max(0.0, bucket.blocked_until - now)
                    spare[key] = bucket.tokens - blocked * bucket.rate
            short = [(1 - spare[key]) / self.buckets[key].rate for key in keys if spare[key] < 1]
            waits[row_id] = max(short, default=0.0)
            for key in keys:
                spare[key] -= 1
        return waits

    def slot(self, target: Target, wait: float | None = None) -> float:
        """Seconds from now to the target's next free slot (after `wait`, when known), booked:
        the next row moved in its workspace comes one token's time later, so moved rows come
        due at the workspace's rate."""
        keys = self._ensure(target)
        if not keys:
            return 0.0
        now = self.monotonic()
        bucket = self.buckets[keys[0]]
        start = max(now + (self.wait(target) if wait is None else wait), bucket.booked)
        bucket.booked = start + 1 / bucket.rate
        return start - now

    def wait(self, target: Target) -> float:
        """Seconds until both buckets have a token (0: one could be taken now)."""
        now = self.monotonic()
        return max((self.buckets[key].wait(now) for key in self._ensure(target)), default=0.0)

    def take(self, target: Target) -> float:
        """A token taken from each bucket (there must be one: `wait` is 0); returns in how many
        seconds the message may go so that the workspace's sends keep to its rate. A full bucket's
        first message goes at once; each token taken after it goes one token's time later, so a
        claim may take up to a burst's worth at once (rounds overlap, sends lag their claim) while
        the platform never sees more than the rate, nor a burst that overfills its window."""
        keys = self._ensure(target)
        if not keys:
            return 0.0
        workspace = self.buckets[keys[0]]
        delay = max(0.0, workspace.burst - workspace.tokens) / workspace.rate
        for key in keys:
            self.buckets[key].tokens -= 1
        return delay

    def blocked_for(self, target: Target) -> float:
        """Seconds left of a 429 block on the target's conversation or workspace (0 when none)."""
        now = self.monotonic()
        return max((self.buckets[key].blocked_until - now for key in self._ensure(target)), default=0.0)

    def block(self, target: Target, seconds: float) -> RateLimited:
        """The platform said 429: nothing more to this conversation for `seconds`. Both platforms
        limit each conversation as well as the workspace (Slack: a message a second per channel;
        Teams: per bot per thread) and a 429 does not say which, so the first holds only its
        conversation; a second in another conversation while the first's wait lasts shows the
        workspace's limit, and holds the workspace too. The tokens are left as they are: sends are
        spaced at the rate (`take`), so what builds up meanwhile never goes at once, and sends
        already spaced past the block keep their turn."""
        now = self.monotonic()
        workspace, conversation = self._ensure(target)
        until = now + seconds
        self.hold(conversation, until)
        bucket = self.buckets[workspace]
        if bucket.warned_until > now:
            self.hold(workspace, until)
        bucket.warned_until = max(bucket.warned_until, until)
        return RateLimited(workspace, conversation, until)

    def hold(self, key: str, until: float) -> None:
        """Nothing through this bucket before `until` (a 429, met here or by another worker)."""
        bucket = self.buckets.get(key)
        if bucket is not None:
            bucket.blocked_until = max(bucket.blocked_until, until)
