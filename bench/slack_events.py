"""Slack ack latency and throughput: `stafet serve` beside a bare bolt AsyncApp, same machine, same run.

Signed `message.im` events and `block_actions` clicks (half each) are posted on loopback to
`/slack/events` of (a) `stafet serve` on SQLite or PostgreSQL (`--db`; PostgreSQL in a throwaway
database next to `STAFET_TEST_POSTGRES_URL`) with the fake Slack Web API, where every request is
committed to the database before its ack, and (b) a bare bolt `AsyncApp` under uvicorn with one
no-op listener per kind. Each server runs in its own process.

Figures (last line, one JSON object): `seconds` (whole run); `db`; per server `paced` (requests sent at
`rate` per second: `p50_ms`, `p99_ms`, `max_ms`, `errors`; it starts once the warm-up's turns
are done, so it measures acks at `rate` with the turns that rate brings) and `throughput_rps`
(closed loop, `concurrency` requests in flight); `ratio` (stafet / bare throughput);
`turns_completed` (replies stafet posted to the fake Web API, one per request after warm-up and
load) and `drain_seconds` (how long after the load stafet was still working through turns behind
its acks; bare bolt runs after); `stored` (requests in stafet's Slack inbox) and `unfinished`
(stored turns not done after the drain; 0 means none was lost);
`peak_rss_mb` (stafet server); `p99_ok` (< 100 ms at 100/s) and `ratio_ok` (>= 0.6).

    .venv/bin/python bench/slack_events.py [--db sqlite|postgresql] [--rate 100] [--seconds 5]
        [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.slack_payloads import USERS, body  # noqa: E402
from storage import migrate  # noqa: E402
from storage.database import sync_url  # noqa: E402
from tests.support.databases import throwaway_postgres  # noqa: E402
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET, signed_headers  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def post(http: aiohttp.ClientSession, url: str) -> tuple[float, bool]:
    data, kind = body()
    started = time.perf_counter()
    async with http.post(url, data=data, headers={"Content-Type": kind, **signed_headers(data)}) as response:
        await response.read()
        return time.perf_counter() - started, response.status == 200


async def paced(url: str, rate: float, seconds: float) -> dict[str, float]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        start = time.perf_counter()
        tasks = []
        for i in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(post(http, url)))
        results = await asyncio.gather(*tasks)
    latencies = sorted(r[0] * 1000 for r in results)
    return {
        "requests": len(results),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
        "max_ms": round(latencies[-1], 2),
        "errors": sum(not ok for _, ok in results),
    }


async def closed(url: str, concurrency: int, seconds: float) -> float:
    done = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                await post(http, url)
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return round(done / (time.perf_counter() - start), 1)


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


async def wait_up(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def drained(api: str) -> int:
    """Wait until stafet has posted nothing new for a second; how many replies it posted."""
    last, posts = -1, 0
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            async with http.get(api + "bench.stats") as response:
                posts = (await response.json()).get("chat.postMessage", 0)
            if posts == last:
                break
            last = posts
            await asyncio.sleep(1)
    return posts


def inbox_counts(db_url: str) -> tuple[int, int]:
    """(stored, not done) rows of the Slack inbox."""
    engine = create_engine(sync_url(db_url))
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM slack_inbox")).scalar_one()
        pending = connection.execute(
            text("SELECT count(*) FROM slack_inbox WHERE status = 'pending'")
        ).scalar_one()
    engine.dispose()
    return stored, pending


async def no_backlog() -> None:
    """Bare bolt's listeners do nothing after the ack: there is nothing to wait for."""


async def measure(
    url: str, rate: float, seconds: float, concurrency: int, settled: Callable[[], Awaitable[object]]
) -> dict[str, object]:
    await closed(url, 4, 1.0)  # warm up: caches, connections, first-contact inserts
    await settled()  # the paced run measures 100/s, not 100/s on top of the warm-up's backlog
    figures: dict[str, object] = {"paced": await paced(url, rate, seconds)}
    figures["throughput_rps"] = await closed(url, concurrency, seconds)
    return figures


@contextlib.contextmanager
def database(kind: str, directory: str) -> Iterator[str]:
    if kind == "postgresql":
        with throwaway_postgres(os.environ["STAFET_TEST_POSTGRES_URL"], "stafet_bench") as url:
            migrate.upgrade(url)
            yield url
    else:
        yield f"sqlite:///{directory}/bench.db"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    options = parser.parse_args()
    began = time.perf_counter()
    fake_port, stafet_port, bare_port = free_port(), free_port(), free_port()
    api = f"http://127.0.0.1:{fake_port}/api/"
    slack_env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": api}
    with tempfile.TemporaryDirectory() as tmp, database(options.db, tmp) as db_url:
        processes = [start(["bench/slack_fake_api.py", str(fake_port), str(USERS)], {})]
        try:
            await wait_up(api + "api.test")
            processes.append(start(["bench/slack_bare_bolt.py", str(bare_port)], slack_env))
            stafet_env = {
                **slack_env,
                "STAFET_DATABASE_URL": db_url,
                "STAFET_SCHEDULER": "false",
                "STAFET_LOG_LEVEL": "WARNING",
                "STAFET_SURVEY_SECRET": secrets.token_hex(16),  # required with PostgreSQL
            }
            stafet = start(["-m", "bot", "serve", "--port", str(stafet_port)], stafet_env)
            processes.append(stafet)
            await wait_up(f"http://127.0.0.1:{stafet_port}/healthz")
            await wait_up(f"http://127.0.0.1:{bare_port}/")
            stafet_url = f"http://127.0.0.1:{stafet_port}/slack/events"
            load = (options.rate, options.seconds, options.concurrency)
            results = {"stafet": await measure(stafet_url, *load, lambda: drained(api))}
            load_ended = time.perf_counter()
            posts = await drained(api)  # the turns behind the acks finish before bare bolt runs
            drain = round(time.perf_counter() - load_ended, 1)
            stored, unfinished = inbox_counts(db_url)
            bare_url = f"http://127.0.0.1:{bare_port}/slack/events"
            results["bare_bolt"] = await measure(bare_url, *load, no_backlog)
            peak = peak_rss_mb(stafet.pid)
        finally:
            for process in processes:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
    ratio = results["stafet"]["throughput_rps"] / results["bare_bolt"]["throughput_rps"]  # type: ignore[operator]
    report = {
        "seconds": round(time.perf_counter() - began, 1),
        "db": options.db,
        "rate": options.rate,
        "concurrency": options.concurrency,
        **results,
        "ratio": round(ratio, 2),
        "turns_completed": posts,
        "drain_seconds": drain,
        "stored": stored,
        "unfinished": unfinished,
        "peak_rss_mb": round(peak, 1),
        "p99_ok": results["stafet"]["paced"]["p99_ms"] < 100,  # type: ignore[index]
        "ratio_ok": ratio >= 0.6,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main())
