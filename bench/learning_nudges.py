"""Composes and delivers campaign learning nudges for N people on SQLite (or STAFET_DATABASE_URL).

Prints on its last line: {"people", "seconds" (composing and sending all nudges),
"nudges_per_second", "statements_per_nudge" (SQL statements, a figure that does not depend on
the machine's load), "peak_rss_mb"}.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event

from bot.app import build_context
from bot.clock import FixedClock
from bot.config import load_settings
from bot.delivery.messenger import Target
from bot.delivery.outbox import Outbox
from bot.delivery.worker import DeliveryWorker
from bot.learning.delivery import COMPOSERS, PRELOADS
from bot.runtime.events import Platform
from bot.runtime.replies import Reply
from storage import migrate
from storage.repositories.people import PeopleRepository


class CountingMessenger:
    def __init__(self) -> None:
        self.sent = 0

    async def send(self, target: Target, reply: Reply) -> str:
        self.sent += 1
        return str(self.sent)


async def main(people: int) -> dict[str, float]:
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    migrate.upgrade(url)
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Copenhagen")))
    context = build_context(load_settings(STAFET_DATABASE_URL=url, STAFET_SCHEDULER=False), clock)
    async with context.db.unit_of_work() as session:
        repo = PeopleRepository(session)
        for n in range(people):
            person = await repo.add_person(clock.now(), email=f"p{n}@example.org", introduced_at=clock.now())
            identity = await repo.add_identity(person, "web", "local", person.email or "", clock.now())
            await repo.remember_conversation(
                platform="web",
                workspace_id="local",
                conversation_id=person.email or "",
                identity_id=identity.id,
                now=clock.now(),
            )
            await Outbox(session, clock).enqueue(
                key=f"bench:{n}",
                person_id=person.id,
                kind="nudge",
                payload={"campaign_id": 1, "tracks": sorted(context.content.tracks), "occurrence": "1"},
            )
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    event.listen(context.db.engine.sync_engine, "before_cursor_execute", count)
    messenger = CountingMessenger()
    worker = DeliveryWorker(context, {Platform.WEB: messenger}, COMPOSERS, preloads=PRELOADS)
    started = time.perf_counter()
    while await worker.run_once():
        pass
    seconds = time.perf_counter() - started
    await context.db.dispose()
    return {
        "people": people,
        "seconds": round(seconds, 3),
        "nudges_per_second": round(messenger.sent / seconds, 1),
        "statements_per_nudge": round(statements[0] / max(messenger.sent, 1), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))))
