"""A delivery worker as its own process:
`python -m tests.support.worker_process DB_URL FAKE_URL [LEASE] [NOW]`.

Drains the outbox into the fake platform and exits when nothing is pending or leased. With the
features' gates and after-sent hooks, and test lessons for nudges; NOW (ISO 8601) freezes its clock.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from sqlalchemy import func, select

from bot import features
from bot.app import build_context
from bot.clock import FixedClock
from bot.config import load_settings
from bot.delivery.worker import DeliveryWorker
from bot.runtime.events import Platform
from storage.models import OutboxMessage
from tests.support.campaigns import lesson
from tests.support.fake_platform import FakePlatformMessenger


async def drain(db_url: str, fake_url: str, lease: str, now: str | None) -> None:
    settings = load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DELIVERY_LEASE=lease,
        STAFET_RATE_PER_WORKSPACE="100000",
        STAFET_RATE_PER_CONVERSATION="1000",
    )
    context = build_context(settings, FixedClock(datetime.fromisoformat(now)) if now else None)
    messenger = FakePlatformMessenger(fake_url)
    worker = DeliveryWorker(
        context, {Platform.SLACK: messenger}, {"nudge": lesson}, features.gates(), features.after_sent()
    )
    print("started", flush=True)
    while True:
        if await worker.run_once():
            print("sent", flush=True)
            continue
        async with context.db.unit_of_work() as session:
            unfinished = await session.scalar(
                select(func.count()).where(OutboxMessage.status.in_(("pending", "sending")))
            )
        if not unfinished:
            break
        await asyncio.sleep(0.05)
    await messenger.close()
    await context.db.dispose()


if __name__ == "__main__":
    lease = sys.argv[3] if len(sys.argv) > 3 else "120"
    asyncio.run(drain(sys.argv[1], sys.argv[2], lease, sys.argv[4] if len(sys.argv) > 4 else None))
