"""One delivery replica for bench/campaign.py, in its own process, until it is told to stop.

    python -m bench.campaign_worker DB_URL SLACK_URL TEAMS_URL STATS_FILE --anchor ISO --wall0 EPOCH ...

Its clock runs from the occurrence's time (`anchor`) at the speed of the wall clock, so every
replica agrees on "now" and the campaign's window and day hold. It writes what it measured
to STATS_FILE every two seconds and when it gets SIGTERM: SQL statements and messages sent.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import time
from datetime import datetime, timedelta
from pathlib import Path

import uvloop
from sqlalchemy import event

from bot import features
from bot.app import build_context, freeze_startup_objects
from bot.config import load_settings
from bot.runtime.events import Platform
from tests.support.fake_platform import FakePlatformMessenger


class RunningClock:
    """The anchor instant plus the wall-clock seconds since `wall0`."""

    def __init__(self, anchor: datetime, wall0: float) -> None:
        self.anchor, self.wall0 = anchor, wall0

    def now(self) -> datetime:
        return self.anchor + timedelta(seconds=time.time() - self.wall0)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def run(args: argparse.Namespace) -> None:
    settings = load_settings(
        STAFET_DATABASE_URL=args.db_url,
        STAFET_SCHEDULER=False,
        STAFET_DELIVERY_LEASE=str(args.lease),
        STAFET_RATE_PER_WORKSPACE=str(args.rate),
        STAFET_RATE_PER_TENANT=str(args.rate),
        STAFET_RATE_PER_CONVERSATION=str(args.per_conversation),
    )
    context = build_context(settings, RunningClock(datetime.fromisoformat(args.anchor), args.wall0))
    messengers = {
        Platform.SLACK: FakePlatformMessenger(args.slack_url, args.send_timeout),
        Platform.TEAMS: FakePlatformMessenger(args.teams_url, args.send_timeout),
    }
    worker = features.delivery_worker(context, messengers)
    freeze_startup_objects()  # as `stafet serve` does
    figures = {"statements": 0, "sent": 0}

    def count(*_args: object) -> None:
        figures["statements"] += 1

    event.listen(context.db.engine.sync_engine, "before_cursor_execute", count)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    stats = Path(args.stats)

    def sent(done: int) -> None:
        figures["sent"] += done

    # As the server runs it (bot.app): rounds overlap, woken by due rows and freed limits.
    delivering = asyncio.create_task(worker.run_forever(asyncio.Event(), 0.05, sent))
    print("started", flush=True)
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 2)
        stats.write_text(json.dumps(figures))  # noqa: ASYNC240 (tiny)
    delivering.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await delivering
    stats.write_text(json.dumps(figures))  # noqa: ASYNC240
    for messenger in messengers.values():
        await messenger.close()
    await context.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("db_url", "slack_url", "teams_url", "stats"):
        parser.add_argument(name)
    parser.add_argument("--anchor", required=True)
    parser.add_argument("--wall0", type=float, required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--per-conversation", type=float, default=1.0)
    parser.add_argument("--lease", type=float, default=120)
    parser.add_argument("--send-timeout", type=float, default=10)
    # uvloop, as `stafet serve` runs (uvicorn picks it when it is installed, as it is here)
    asyncio.run(run(parser.parse_args()), loop_factory=uvloop.new_event_loop)


if __name__ == "__main__":
    main()
