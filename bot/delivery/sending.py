"""Sending one claimed message: in one of a few lanes, within its lease, after Stafet's
introduction on first contact, or looking up whether an earlier attempt arrived. What becomes
of it is an outcome (the platform's message id, or why not), recorded by the worker."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.delivery.limits import RateLimited, RateLimits
from bot.delivery.messenger import DeliveryError, Messenger, Sent, Target
from bot.runtime.events import Platform
from bot.runtime.replies import Reply

log = logging.getLogger(__name__)

SLOW_SECONDS = 2.0  # a send still out after this no longer holds one of the lanes

# The platform's message id (with where it landed, when that is a new conversation), or why not.
Outcome = str | Sent | DeliveryError


@dataclass(frozen=True, slots=True)
class Claimed:
    row_id: int
    target: Target
    reply: Reply
    lease_until: datetime
    look_first: bool = False  # a retried row: ask the platform whether it arrived before resending
    person_id: int | None = None
    intro: Reply | None = None  # first contact: Stafet introduces itself before this message
    not_before: datetime | None = None  # its workspace's rate spaces it from the others (limits.take)


class Sender:
    """Sends claimed messages side by side, at most `lanes` at a time, each within `timeout`;
    it remembers what the worker's next record shares (429s, failed introductions)."""

    def __init__(
        self,
        messengers: Mapping[Platform, Messenger],
        limits: RateLimits,
        clock: Clock,
        timeout: float,
        lanes: int,
    ) -> None:
        self.messengers = messengers
        self.limits = limits
        self.clock = clock
        self.timeout = timeout
        self.lanes = asyncio.Semaphore(lanes)
        self.limited: list[RateLimited] = []  # 429s to share at the next record
        self.intro_failed: set[int] = set()  # people whose introduction did not go out: try again

    async def send(self, item: Claimed) -> Outcome:
        """Send one claimed message (or look it up); never raises: a failure is an outcome."""
        if item.not_before is not None and (wait := (item.not_before - self.clock.now()).total_seconds()) > 0:
            await self.clock.sleep(wait)  # its turn in the workspace's rate, holding no lane meanwhile
        async with self._lane():
            # The outcome must be recorded while the lease holds: a send that waited long for its
            # slot gets less time, and none at all when a send's worth of lease is all that is left.
            left = (item.lease_until - self.clock.now()).total_seconds()
            timeout = min(self.timeout, left - self.timeout)
            if timeout <= 0:
                return DeliveryError("lease ran short before sending", retry_after=0)
            messenger = self.messengers[item.target.address.platform]
            try:
                if item.look_first:
                    return await asyncio.wait_for(self._look(messenger, item), timeout)
                blocked = self.limits.blocked_for(item.target)
                if blocked > 0:  # a 429 came while this waited its turn: don't knock again
                    return DeliveryError(
                        "rate limited (429 in this conversation or workspace)", retry_after=blocked
                    )
                return await asyncio.wait_for(self._introduced(messenger, item), timeout)
            except TimeoutError:
                self._intro_not_sent(item)
                return DeliveryError(f"no answer within {timeout:g} s", unknown=True, waited=timeout)
            except DeliveryError as error:
                self._intro_not_sent(item)
                if error.retry_after is not None and self.limits.workspace_key(item.target) is not None:
                    self.limited.append(self.limits.block(item.target, error.retry_after))
                return error
            except Exception as error:  # a bug or an unknown platform error: retry, then give up
                log.exception("sending outbox message %s failed", item.row_id)
                self._intro_not_sent(item)
                return DeliveryError(f"{type(error).__name__}: {error}")

    @contextlib.asynccontextmanager
    async def _lane(self) -> AsyncIterator[None]:
        """One of the lanes, given back when the send ends or once it has taken SLOW_SECONDS:
        a send that hangs until its timeout must not idle a lane meanwhile."""
        await self.lanes.acquire()
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.lanes.release()

        timer = asyncio.get_running_loop().call_later(SLOW_SECONDS, release)
        try:
            yield
        finally:
            timer.cancel()
            release()

    @staticmethod
    async def _introduced(messenger: Messenger, item: Claimed) -> Outcome:
        """The message, after Stafet's introduction on first contact; the message goes where the
        introduction landed (a first post to a Slack user id opens their DM)."""
        target = item.target
        if item.intro is not None:
            target = _moved(target, await messenger.send(target, item.intro))
        sent = await messenger.send(target, item.reply)
        if target is item.target or isinstance(sent, Sent):
            return sent
        return Sent(sent, target.address.conversation_id)

    def _intro_not_sent(self, item: Claimed) -> None:
        if item.intro is not None and item.person_id is not None:
            self.intro_failed.add(item.person_id)

    @staticmethod
    async def _look(messenger: Messenger, item: Claimed) -> Outcome:
        """A retried row: its message, if the platform has it; else it goes again, as if new."""
        finder = getattr(messenger, "already_sent", None)
        found = await finder(item.target) if finder else None
        return found if found is not None else DeliveryError("not found on the platform", retry_after=0)


def _moved(target: Target, sent: str | Sent) -> Target:
    """After the introduction: the next message goes where the first one landed."""
    if not isinstance(sent, Sent):
        return target
    address = dataclasses.replace(target.address, conversation_id=sent.conversation_id)
    return dataclasses.replace(target, address=address)
