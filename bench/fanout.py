"""Plan and enqueue one campaign occurrence for many people.

    python bench/fanout.py --people 100000 --db sqlite|postgresql

PostgreSQL uses a throwaway database created from STAFET_TEST_POSTGRES_URL. `seconds` is the
planner (audience query, local times, jitter, bulk insert with ON CONFLICT DO NOTHING);
`baseline_seconds` is a bare SQLAlchemy Core bulk insert of the same rows. The last line is
one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.campaigns.planner import plan_campaign  # noqa: E402
from bot.campaigns.service import CampaignService  # noqa: E402
from bot.campaigns.spec import CampaignSpec, KnownContent  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.people.audience import Audience  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.models import OutboxMessage, Person  # noqa: E402
from tests.support.databases import migrated_database  # noqa: E402

ZONES = (None, "Europe/Copenhagen", "Europe/Oslo", "Europe/Stockholm", "America/New_York")
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # one occurrence ("tue 10:00") within the horizon


async def fill(db: Database, people: int) -> None:
    async with db.unit_of_work() as session:
        for start in range(0, people, 20_000):
            await session.execute(
                insert(Person),
                [
                    {"email": f"p{n}@example.org", "display_name": f"P{n}", "department": f"d{n % 40}",
                     "role": "employee", "is_ambassador": False, "created_at": MONDAY,
                     "timezone": ZONES[n % 5], "introduced_at": MONDAY}
                    for n in range(start, min(people, start + 20_000))
                ],
            )  # fmt: skip


async def run(url: str, people: int) -> dict[str, float]:
    db = Database(url)
    await fill(db, people)
    clock = FixedClock(MONDAY)
    async with db.unit_of_work() as session:
        service = CampaignService(session, clock)
        spec = CampaignSpec(
            name="Bench", cadence="tue 10:00", audience=Audience(everyone=True), tracks=["strategy"]
        )
        campaign = await service.create(spec, KnownContent(tracks=frozenset(spec.tracks)))
        await service.move(campaign.id, "resume")
    started = time.perf_counter()
    async with db.unit_of_work() as session:
        await plan_campaign(session, clock, campaign, "Europe/Copenhagen")
    seconds = time.perf_counter() - started
    planner_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = OutboxMessage.__table__
    async with db.unit_of_work() as session:
        enqueued = await session.scalar(select(func.count()).select_from(table))
        columns = [c for c in table.columns if c.name != "id"]
        rows = [dict(row._mapping) for row in (await session.execute(select(*columns))).all()]
        await session.execute(delete(table))
    started = time.perf_counter()
    async with db.unit_of_work() as session:
        for start in range(0, len(rows), 5000):
            await session.execute(insert(table), rows[start : start + 5000])
    baseline = time.perf_counter() - started
    await db.dispose()
    return {
        "seconds": round(seconds, 2),
        "enqueued": enqueued or 0,
        "baseline_seconds": round(baseline, 2),
        "peak_rss_mb": round(planner_peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with migrated_database(args.db) as url:
        figures = asyncio.run(run(url, args.people))
    result = {
        "db": args.db,
        "people": args.people,
        **figures,
        "rows_per_s": round(figures["enqueued"] / max(figures["seconds"], 1e-9)),
        "baseline_rows_per_s": round(figures["enqueued"] / max(figures["baseline_seconds"], 1e-9)),
        "peak_rss_mb_with_baseline": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
