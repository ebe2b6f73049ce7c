"""How fast Stafet answers Teams activities and sends proactive Teams messages, on SQLite.

Posts `TURNS` text messages from different people to /api/messages of a live server whose
serviceUrl is a local fake connector, then sends `NUDGES` outbox messages through stored
conversation references. Prints one JSON object: `seconds` (whole run), `turns`,
`turn_ms_p50`, `turn_ms_p95`, `nudges`, `nudges_per_second`, `peak_rss_mb`.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import create_app  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.delivery.outbox import Outbox  # noqa: E402
from bot.runtime.replies import Button, Reply  # noqa: E402
from storage import migrate  # noqa: E402
from storage.models import Person  # noqa: E402
from tests.support.server import live_server  # noqa: E402
from tests.support.teams import TeamsUser, fake_connector  # noqa: E402

TURNS = 200
NUDGES = 200


async def run(directory: Path) -> dict[str, float]:
    url = f"sqlite:///{directory / 'bench.db'}"
    migrate.upgrade(url)
    settings = load_settings(STAFET_DATABASE_URL=url, STAFET_SCHEDULER=False, STAFET_LOG_LEVEL="ERROR")
    app = create_app(settings, background=False)
    started = time.perf_counter()
    async with (
        fake_connector() as connector,
        live_server(app) as server,
        httpx.AsyncClient(base_url=server, timeout=30) as http,
    ):
        latencies = []
        for n in range(TURNS):
            user = TeamsUser(http, connector.url, f"29:user-{n}", f"User {n}")
            connector.members[user.user_id] = {"id": user.user_id, "email": f"user{n}@example.org"}
            begin = time.perf_counter()
            response = await user.say("help")
            latencies.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, response.text
        context = app.state.context
        nudge = Reply(text="Two minutes for a lesson?", buttons=(Button("Start", "menu", "help"),))
        async with context.db.unit_of_work() as session:
            people = (await session.scalars(select(Person.id).limit(NUDGES))).all()
            outbox = Outbox(session, context.clock)
            for person_id in people:
                await outbox.enqueue(key=f"bench:{person_id}", person_id=person_id, reply=nudge)
        begin = time.perf_counter()
        sent = 0
        while sent < len(people):
            sent += await app.state.worker.run_once()
        sending = time.perf_counter() - begin
    quantiles = statistics.quantiles(latencies, n=20)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "turns": TURNS,
        "turn_ms_p50": round(statistics.median(latencies), 1),
        "turn_ms_p95": round(quantiles[18], 1),
        "nudges": sent,
        "nudges_per_second": round(sent / sending, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(asyncio.run(run(Path(tmp)))))
