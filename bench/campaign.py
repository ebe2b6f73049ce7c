"""One whole campaign occurrence, end to end, through fake Slack and Teams that throttle and fail.

    python bench/campaign.py [--people 100000] [--db sqlite|postgresql] [--rate 60]

Half the people are on Slack, half on Teams (`--workspaces` of each). The campaign is planned
as the scheduler would, every nudge due at the same moment (spread by planning over the time
each workspace's `--rate` needs), and two replicas (bench/campaign_worker.py, each its own
process, up before the occurrence comes due, as a server's workers are) deliver it with real
lessons composed per person. Each fake platform (its own process) allows `--rate` messages a
second per workspace or tenant and one per conversation, answers some calls 429 with
Retry-After or 503, and holds 1 call in `--hang-every` for longer than the lease. When half
are delivered (or half of `--max-seconds` has passed, if that comes first), one replica is
killed with SIGKILL and started again. PostgreSQL uses a throwaway database created from
STAFET_TEST_POSTGRES_URL.

The last line is one JSON object: `seconds` (first nudge due to last one delivered),
`min_seconds` (what the limits allow: the busiest workspace's nudges over `--rate`), `ratio`
(null when `--max-seconds` ran out first: `finished` is false),
`planned`, `delivered`, `lost` (planned, neither delivered nor dropped by a rule: dead, stuck,
or marked sent but never received), `sent_twice` (extra copies the platforms received),
`unfinished` (still pending or leased when `--max-seconds` ran out), `dropped` (by reason),
`paused_by_retries` (participants paused or with an ignored streak: on a first nudge only
retries can cause either), `faults` (what the platforms did; `over_limit`: 429s
for sends beyond a workspace's or conversation's limit), `peak_rss_mb` (the largest of the
replicas; `rss_mb` has every process), `statements_per_sent` (the replicas' SQL statements per
message sent). `compose_per_s` and `compose_statements_per_nudge` come from the same occurrence
for `--compose-people` people on a fresh database, delivered by one worker in this process (run
as the server runs it) to platforms that accept at once: the composition speed of one process
(per second of wall time, and per second of its own CPU time, which a busy machine changes
less), and its SQL statements per nudge (claim, gates, composing, recording).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.delivery import fake_platform  # noqa: E402
from bot import features  # noqa: E402
from bot.app import build_context, freeze_startup_objects  # noqa: E402
from bot.campaigns.planner import plan_campaign  # noqa: E402
from bot.campaigns.service import CampaignService  # noqa: E402
from bot.campaigns.spec import CampaignSpec, KnownContent  # noqa: E402
from bot.clock import FixedClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.delivery.messenger import Target  # noqa: E402
from bot.people.audience import Audience  # noqa: E402
from bot.runtime.events import Platform  # noqa: E402
from bot.runtime.replies import Reply  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.models import CampaignParticipant, ConversationRef, OutboxMessage  # noqa: E402
from storage.models.outbox import WAITING  # noqa: E402
from tests.support.databases import migrated_database  # noqa: E402
from tests.support.population import add_people  # noqa: E402

PLANNED_AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday: plans Tuesday's 10:00 occurrence
DUE = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Copenhagen
TRACKS = ["organisation", "strategy"]
DB_POLL_EVERY = 10  # seconds between the progress reads that count the outbox itself
STARTUP_SECONDS = 10.0  # the replicas start this long before the occurrence comes due
UNLIMITED = 1_000_000  # messages a second: composition speed is measured without rate limits


async def prepare(url: str, people: int, workspaces: int, rate: float | None) -> int:
    """People on both platforms, an active campaign, and its occurrence planned (at `rate` messages
    a second per workspace or tenant, as the planning job does); returns nudges."""
    db = Database(url)
    half = people // 2
    await add_people(db, half, PLANNED_AT, workspaces=workspaces, platform="slack")
    await add_people(db, people - half, PLANNED_AT, workspaces=workspaces, start=half, platform="teams")
    clock = FixedClock(PLANNED_AT)
    async with db.unit_of_work() as session:
        service = CampaignService(session, clock)
        spec = CampaignSpec(
            name="Bench", cadence="tue 10:00", audience=Audience(everyone=True), tracks=TRACKS,
            window=("08:00", "17:00"), jitter_minutes=0,
        )  # fmt: skip
        campaign = await service.create(spec, KnownContent(tracks=frozenset(TRACKS)))
        await service.move(campaign.id, "resume")
    async with db.unit_of_work() as session:
        rates = {Platform.SLACK: rate, Platform.TEAMS: rate} if rate else None
        await plan_campaign(session, clock, campaign, "Europe/Copenhagen", rates=rates)
    async with db.unit_of_work() as session:
        planned = await session.scalar(select(func.count()).where(OutboxMessage.kind == "nudge"))
    await db.dispose()
    return planned or 0


class Accepting:
    """A platform that takes every message at once."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, target: Target, reply: Reply) -> str:
        self.sent += 1
        return str(self.sent)


async def compose_speed(url: str, people: int, workspaces: int) -> dict[str, float]:
    """One worker delivers the occurrence unthrottled: nudges a second and statements each."""
    planned = await prepare(url, people, workspaces, None)  # all due at once
    settings = load_settings(
        STAFET_DATABASE_URL=url,
        STAFET_SCHEDULER=False,
        STAFET_RATE_PER_WORKSPACE=str(UNLIMITED),
        STAFET_RATE_PER_TENANT=str(UNLIMITED),
    )
    context = build_context(settings, FixedClock(DUE))
    platform = Accepting()
    messengers = {Platform.SLACK: platform, Platform.TEAMS: platform}
    worker = features.delivery_worker(context, messengers)
    freeze_startup_objects()  # as `stafet serve` does
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    event.listen(context.db.engine.sync_engine, "before_cursor_execute", count)
    done = asyncio.Event()
    sent = [0]

    def count_sent(n: int) -> None:
        sent[0] += n
        if sent[0] >= planned:
            done.set()

    started, cpu = time.perf_counter(), time.process_time()
    # As the server runs it (bot.app): the next claim is composed while earlier rounds record.
    delivering = asyncio.create_task(worker.run_forever(asyncio.Event(), 0.05, count_sent))
    await done.wait()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    delivering.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await delivering
    await context.db.dispose()
    assert platform.sent == planned, (platform.sent, planned)
    return {
        "compose_people": people,
        "compose_per_s": round(platform.sent / seconds, 1),
        "compose_per_cpu_s": round(platform.sent / cpu, 1),
        "compose_statements_per_nudge": round(statements[0] / max(platform.sent, 1), 2),
    }


class Process:
    """A child process whose peak memory is sampled from /proc while it runs; its log to a file."""

    def __init__(self, name: str, argv: list[str], log: Path) -> None:
        self.name = name
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with log.open("w") as errors:
            self.popen = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors, text=True
            )
        self.peak_kb = 0

    def ready(self) -> None:
        """Wait for its "started" line."""
        assert self.popen.stdout is not None
        self.popen.stdout.readline()

    def sample(self) -> None:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kb = max(self.peak_kb, int(line.split()[1]))


async def outcome(url: str, fakes: list[str]) -> dict[str, Any]:
    """What became of the planned nudges, by the outbox and by what the platforms received."""
    received: Counter[str] = Counter()
    faults: Counter[str] = Counter()
    rss: dict[str, float] = {}
    async with aiohttp.ClientSession() as http:
        for n, fake in enumerate(fakes):
            async with http.get(f"{fake}/api/received") as response:
                received.update(await response.json())
            async with http.get(f"{fake}/api/stats") as response:
                stats = await response.json()
            faults.update(stats["faults"])
            faults["over_limit"] += stats["rejected"]
            rss[f"platform{n}"] = stats["peak_rss_mb"]
    db = Database(url)
    async with db.unit_of_work() as session:
        rows = (
            await session.execute(
                select(
                    OutboxMessage.key, OutboxMessage.status, OutboxMessage.last_error, OutboxMessage.sent_at
                ).where(OutboxMessage.kind == "nudge", OutboxMessage.key.not_like("%:reminder"))
            )
        ).all()
        paused = await session.scalar(
            select(func.count()).where(
                (CampaignParticipant.status != "active") | (CampaignParticipant.ignored_streak > 0)
            )
        )
        per_workspace = Counter(
            ws for (ws,) in (await session.execute(select(ConversationRef.workspace_id))).all()
        )
    await db.dispose()
    delivered = sum(1 for key, *_ in rows if received[key])
    decided = ("dropped", "skipped")  # a rule's decision, with its reason
    waiting = ("pending", "sending", "held")
    dropped = Counter(f"{status}: {error}" for _, status, error, _ in rows if status in decided)
    lost = sum(1 for key, status, *_ in rows if not received[key] and status not in (*decided, *waiting))
    last = max((sent for *_, sent in rows if sent is not None), default=DUE)
    return {
        "planned": len(rows),
        "delivered": delivered,
        "lost": lost,
        "unfinished": sum(1 for _, status, *_ in rows if status in waiting),
        "sent_twice": sum(n - 1 for n in received.values() if n > 1),
        "dropped": dict(dropped),
        "paused_by_retries": paused or 0,
        "faults": dict(faults),
        "platform_rss_mb": rss,
        "seconds": round((last - DUE).total_seconds(), 1),
        "busiest_workspace": max(per_workspace.values()),
    }


async def accepted(fakes: list[str]) -> int:
    """Messages the platforms have taken so far: the progress read every second, from the fakes
    rather than the database (counting the outbox took 50-80 ms of PostgreSQL's time each)."""
    async with aiohttp.ClientSession() as http:
        total = 0
        for fake in fakes:
            async with http.get(f"{fake}/api/stats") as response:
                total += (await response.json())["received"]
    return total


async def unfinished(url: str) -> int:
    """Read every DB_POLL_EVERY seconds while the replicas run, and once the platforms have every
    message, so it names the claim's partial index: the waiting rows are counted, not the whole
    outbox scanned (that took 0.12-0.23 s of PostgreSQL's time, taken from what is measured)."""
    db = Database(url)
    async with db.unit_of_work() as session:
        count = await session.scalar(
            select(func.count()).where(
                WAITING, OutboxMessage.kind == "nudge", OutboxMessage.key.not_like("%:reminder")
            )
        )
    await db.dispose()
    return count or 0


@contextlib.contextmanager
def platforms(args: argparse.Namespace) -> Iterator[list[str]]:
    faults = [
        "--per-conversation", "1", "--p429", str(args.p429), "--p5xx", str(args.p5xx),
        "--hang-every", str(args.hang_every), "--hang-seconds", str(args.lease + 5),
    ]  # fmt: skip
    with (
        fake_platform(args.rate, *faults, "--seed", "1") as slack,
        fake_platform(args.rate, *faults, "--seed", "2") as teams,
    ):
        yield [slack, teams]


def run(args: argparse.Namespace, url: str, stats_dir: Path) -> dict[str, Any]:
    planned = asyncio.run(prepare(url, args.people, args.workspaces, args.rate))
    with platforms(args) as fakes:
        # The occurrence comes due once both replicas are up, as in production, where workers run
        # long before: their start (imports, connections) is not part of the delivery's time.
        wall0 = time.time() + STARTUP_SECONDS
        common = [
            "--anchor", DUE.isoformat(), "--wall0", str(wall0), "--rate", str(args.rate),
            "--lease", str(args.lease), "--send-timeout", str(args.send_timeout),
        ]  # fmt: skip

        def replica(n: int) -> Process:
            argv = [sys.executable, "-m", "bench.campaign_worker", url, *fakes, str(stats_dir / f"{n}.json")]
            return Process(f"replica{n}", [*argv, *common], stats_dir / f"{n}.log")

        replicas = [replica(0), replica(1)]
        for process in replicas:
            process.ready()
        if time.time() > wall0:
            raise SystemExit(f"the replicas took more than {STARTUP_SECONDS} s to start")
        time.sleep(wall0 - time.time())
        killed = False
        started = time.monotonic()
        polls = 0
        while time.monotonic() - started < args.max_seconds:
            time.sleep(1.0)
            polls += 1
            for process in replicas:
                process.sample()
            left = planned - asyncio.run(accepted(fakes))
            if left <= 0 or polls % DB_POLL_EVERY == 0:  # the outbox is the truth (rules may drop)
                left = asyncio.run(unfinished(url))
            midway = left <= planned / 2 or time.monotonic() - started >= args.max_seconds / 2
            if not killed and midway:
                replicas[0].popen.send_signal(signal.SIGKILL)
                replicas[0].popen.wait()
                replicas.append(replica(2))  # the restart
                replicas[-1].ready()
                killed = True
            if not left:
                break
        for process in replicas:
            process.sample()
            if process.popen.poll() is None:
                process.popen.terminate()
                process.popen.wait()
        figures = asyncio.run(outcome(url, fakes))
        rss = {p.name: round(p.peak_kb / 1024, 1) for p in replicas} | figures.pop("platform_rss_mb")
    measured = [json.loads(path.read_text()) for path in sorted(stats_dir.glob("*.json"))]
    sent = sum(m["sent"] for m in measured)
    logged = sum(path.read_text().count("Traceback") for path in stats_dir.glob("*.log"))
    return {
        "errors_logged": logged,
        **figures,
        "killed_and_restarted": killed,
        "rss_mb": rss,
        "statements_per_sent": round(sum(m["statements"] for m in measured) / max(sent, 1), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--workspaces", type=int, default=4, help="Slack workspaces (as many tenants)")
    parser.add_argument("--rate", type=int, default=60, help="messages a second per workspace or tenant")
    parser.add_argument("--lease", type=float, default=30.0, help="the delivery lease (seconds)")
    parser.add_argument("--send-timeout", type=float, default=10.0, help="the messenger's own timeout")
    parser.add_argument("--p429", type=float, default=0.0005, help="share of calls answered 429")
    parser.add_argument("--p5xx", type=float, default=0.002, help="share of calls answered 503")
    parser.add_argument("--hang-every", type=int, default=200, help="1 call in this many hangs")
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--compose-people", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("STAFET_SURVEY_SECRET", secrets.token_hex(16))  # PostgreSQL requires one
    with migrated_database(args.db) as url:
        composing = asyncio.run(compose_speed(url, args.compose_people, args.workspaces))
    with migrated_database(args.db) as url, tempfile.TemporaryDirectory() as stats:
        figures = run(args, url, Path(stats))
    minimum = figures.pop("busiest_workspace") / args.rate
    peak = max(v for k, v in figures["rss_mb"].items() if k.startswith("replica"))
    result = {
        "db": args.db,
        "python": sys.version.split()[0],
        "people": args.people,
        "seconds": figures.pop("seconds"),
        "min_seconds": round(minimum, 1),
        **figures,
        "peak_rss_mb": peak,
        **composing,
    }
    result["finished"] = not figures["unfinished"]
    result["ratio"] = round(result["seconds"] / minimum, 2) if result["finished"] else None
    print(json.dumps(result))


if __name__ == "__main__":
    main()
