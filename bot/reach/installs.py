"""Installing the app for people the bot may not yet write to, from a queue in the database.

Every replica works the queue: rows are claimed with a lease (FOR UPDATE SKIP LOCKED on
PostgreSQL), and the platform's request rate is a token bucket in `rate_buckets`, locked while
claiming, so replicas together stay within it. A 429 or 503 blocks the bucket for everyone
for the Retry-After the platform named; the rows it hit wait that long. A row whose worker
died is claimed again after its lease; the platform answers "already installed" (409) and
the conversation is created, so nobody is installed twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bot.clock import Clock
from bot.runtime.events import Platform
from storage.database import Database
from storage.models import AppInstall, Identity
from storage.repositories.app_installs import AppInstallRepository
from storage.repositories.rate_buckets import RateBucketRepository
from storage.repositories.reach import ReachRepository

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BATCH = 500


@dataclass(frozen=True, slots=True)
class Installed:
    """Where the bot may now write to the person."""

    conversation_id: str
    reference: dict[str, Any]
    created: bool  # False: it was already installed


class InstallError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Installer(Protocol):
    """Installs the app for one account and opens the bot's one-to-one chat with it."""

    async def install(self, user_id: str, workspace_id: str) -> Installed: ...


class InstallWorker:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        installers: Mapping[Platform, Installer],
        rate: float,
        *,
        concurrency: int = 32,
    ) -> None:
        self.db = db
        self.clock = clock
        self.installers = installers
        self.rate = rate
        self.burst = max(1.0, rate / 2)  # half a second's worth: rounds overlap no platform window
        self.slots = asyncio.Semaphore(concurrency)
        self.next_wait = 0.0

    async def run_once(self) -> int:
        """Install what is due and the rate allows; returns how many were done."""
        claimed = await self._claim()
        outcomes = await asyncio.gather(*(self._install(identity) for _, identity in claimed))
        await self._record(claimed, outcomes)
        return sum(isinstance(outcome, Installed) for outcome in outcomes)

    async def _claim(self) -> list[tuple[AppInstall, Identity]]:
        now = self.clock.now()
        stamp = now.timestamp()
        self.next_wait = 0.0
        async with self.db.unit_of_work() as session:
            keys = [f"install:{platform.value}" for platform in self.installers]
            repository = RateBucketRepository(session)
            buckets = await repository.lock(dict.fromkeys(keys, self.burst), stamp)
            allowance = BATCH
            for bucket in buckets.values():
                if bucket.blocked_until > stamp:
                    self.next_wait = bucket.blocked_until - stamp
                    return []
                bucket.tokens = min(self.burst, bucket.tokens + (stamp - bucket.updated_at) * self.rate)
                bucket.updated_at = stamp
                allowance = min(allowance, int(bucket.tokens))
            await repository.store(buckets.values())
            if allowance < 1:
                self.next_wait = (1 - min(bucket.tokens for bucket in buckets.values())) / self.rate
                return []
            claimed = await AppInstallRepository(session).claim(
                now, now + LEASE, allowance, skip_locked=self.db.dialect == "postgresql"
            )
            claimed = [
                (row, identity) for row, identity in claimed if Platform(identity.platform) in self.installers
            ]
            for bucket in buckets.values():
                bucket.tokens -= len(claimed)
            await repository.store(buckets.values())
            if len(claimed) == allowance:
                self.next_wait = 1 / self.rate
        return claimed

    async def _install(self, identity: Identity) -> Installed | InstallError:
        async with self.slots:
            try:
                installer = self.installers[Platform(identity.platform)]
                return await installer.install(identity.user_id, identity.workspace_id)
            except InstallError as error:
                return error
            except Exception as error:  # unknown: retried with backoff, then given up
                log.exception("installing the app for identity %s failed", identity.id)
                return InstallError(f"{type(error).__name__}: {error}")

    async def _record(
        self, claimed: list[tuple[AppInstall, Identity]], outcomes: list[Installed | InstallError]
    ) -> None:
        if not claimed:
            return
        now = self.clock.now()
        async with self.db.unit_of_work() as session:
            reach = ReachRepository(session)
            found = await reach.installs([identity.id for _, identity in claimed])
            opened: list[dict[str, Any]] = []
            blocked = 0.0
            for (_, identity), outcome in zip(claimed, outcomes, strict=True):
                row = found.get(identity.id)
                if row is None:
                    continue
                row.lease_until, row.updated_at = None, now
                if isinstance(outcome, Installed):
                    opened.append(
                        {
                            "identity_id": identity.id,
                            "platform": identity.platform,
                            "workspace_id": identity.workspace_id,
                            "conversation_id": outcome.conversation_id,
                            "kind": "personal",
                            "reference": outcome.reference,
                            "updated_at": now,
                        }
                    )
                    row.status, row.last_error = "done", None
                    row.installs += outcome.created
                    continue
                row.last_error = str(outcome)[:2000]
                if outcome.retry_after is not None and not outcome.permanent:
                    row.status, row.due_at = "pending", now + timedelta(seconds=outcome.retry_after)
                    blocked = max(blocked, outcome.retry_after)
                    continue
                row.attempts += 1
                if outcome.permanent or row.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                else:
                    row.status, row.due_at = "pending", now + timedelta(seconds=2.0**row.attempts)
            await reach.add_conversations(opened)
            if blocked:
                for platform in {Platform(identity.platform) for _, identity in claimed}:
                    await RateBucketRepository(session).block(
                        f"install:{platform.value}", now.timestamp() + blocked
                    )

    async def run_forever(self, interval: float = 30.0) -> None:
        """Install while there is work; otherwise look again every `interval` seconds."""
        while True:
            done = 0
            try:
                done = await self.run_once()
            except Exception:
                log.exception("app installation round failed")
            if done and not self.next_wait:
                continue
            await asyncio.sleep(min(interval, self.next_wait) if self.next_wait else interval)
