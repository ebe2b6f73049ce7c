"""Delivery throughput against a fake platform API in its own process.

    python bench/delivery.py [--messages 20000] [--db sqlite|postgresql]

Phase 1 sends every message with no limits (messages a second for one worker process).
Phase 2 sends them again through a platform that allows `--limit` messages a second per
workspace (in fixed one-second windows) and answers 429 with a Retry-After of the rest of the
window beyond that; the figure is the share of the allowed rate achieved. The workspace and
conversation buckets are the shared ones in the database, as with several replicas. The last
line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_context  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.delivery.worker import DeliveryWorker  # noqa: E402
from bot.runtime.events import Platform  # noqa: E402
from tests.support.databases import migrated_database  # noqa: E402
from tests.support.fake_platform import FakePlatformMessenger  # noqa: E402
from tests.support.population import add_people, queue_messages  # noqa: E402


@contextlib.contextmanager
def fake_platform(limit: int | None, *options: str) -> Iterator[str]:
    """A fake platform process (see tests.support.fake_platform for `options`); yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.fake_platform", str(limit or "none"), "--precise", *options],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    time.sleep(1.0)
    try:
        yield url
    finally:
        process.terminate()
        process.wait()


async def run_phase(url: str, messages: int, workspaces: int, limit: int | None) -> dict[str, float]:
    rate = str(limit) if limit else "1000000"
    settings = load_settings(
        STAFET_DATABASE_URL=url,
        STAFET_RATE_PER_WORKSPACE=rate,
        STAFET_RATE_PER_CONVERSATION="1000",
        STAFET_SURVEY_SECRET=secrets.token_hex(16),
    )
    context = build_context(settings)
    now = SystemClock().now()
    await add_people(context.db, messages, now, workspaces=workspaces)
    queued = await queue_messages(context.db, now)
    with fake_platform(limit) as fake_url:
        messenger = FakePlatformMessenger(fake_url)
        worker = DeliveryWorker(context, {Platform.SLACK: messenger}, {})
        started = time.perf_counter()
        sent = 0
        while sent < queued and time.perf_counter() - started < 600:
            done = await worker.run_once()
            sent += done
            if not done and worker.next_wait:
                await asyncio.sleep(min(worker.next_wait, 0.05))
        elapsed = time.perf_counter() - started
        async with aiohttp.ClientSession() as http, http.get(f"{fake_url}/api/stats") as response:
            stats = await response.json()
        await messenger.close()
    await context.db.dispose()
    busy = (stats["last_at"] - stats["first_at"]) if stats["first_at"] else elapsed
    return {
        "queued": queued,
        "sent": sent,
        "received": stats["received"],
        "duplicates": stats["duplicates"],
        "rejected_429": stats["rejected"],
        "seconds": round(elapsed, 2),
        "per_s": round(sent / elapsed, 1),
        "platform_per_s": round(stats["received"] / max(busy, 1e-9), 1),
    }


async def both_phases(args: argparse.Namespace) -> tuple[dict[str, float], dict[str, float]]:
    """Both phases in one event loop, as in the server (one loop for the process's life)."""
    with migrated_database(args.db) as url:
        free = await run_phase(url, args.messages, args.workspaces, None)
    with migrated_database(args.db) as url:
        limited = await run_phase(url, args.messages, args.workspaces, args.limit)
    return free, limited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--workspaces", type=int, default=4)
    parser.add_argument("--limit", type=int, default=50, help="allowed messages a second per workspace")
    args = parser.parse_args()
    free, limited = asyncio.run(both_phases(args))
    allowed = args.limit * args.workspaces
    print(json.dumps({"unthrottled": free, "throttled": limited, "allowed_per_s": allowed}), file=sys.stderr)
    result = {
        "db": args.db,
        "messages": args.messages,
        "sent": free["sent"] + limited["sent"],
        "lost": (free["queued"] - free["received"]) + (limited["queued"] - limited["received"]),
        "duplicates": free["duplicates"] + limited["duplicates"],
        "unthrottled_per_s": free["per_s"],
        "throttled_per_s": limited["per_s"],
        "allowed_per_s": allowed,
        "throttled_share_of_allowed": round(limited["per_s"] / allowed, 3),
        "rejected_429": limited["rejected_429"],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
