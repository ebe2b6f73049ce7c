"""Slack ack latency and throughput: `stafet serve` beside a bare bolt AsyncApp, same machine, same run.

Signed `message.im` events and `block_actions` clicks (half each) are posted on loopback to
`/slack/events` of (a) `stafet serve` on SQLite with the fake Slack Web API and (b) a bare bolt
`AsyncApp` under uvicorn with one no-op listener per kind. Each server runs in its own process.

Figures (last line, one JSON object): `seconds` (whole run); per server `paced` (requests sent at
`rate` per second: `p50_ms`, `p99_ms`, `max_ms`, `errors`) and `throughput_rps` (closed loop,
`concurrency` requests in flight); `ratio` (stafet / bare throughput); `turns_completed` (replies
stafet posted to the fake Web API); `peak_rss_mb` (stafet server); `p99_ok` (< 100 ms at 100/s)
and `ratio_ok` (>= 0.6).

    .venv/bin/python bench/slack_events.py [--rate 100] [--seconds 5] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.slack import BOT_TOKEN, SIGNING_SECRET, signed_headers  # noqa: E402

USERS = 50
_n = count()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def message_body() -> tuple[str, str]:
    n = next(_n)
    user = f"U{n % USERS:04d}"
    event = {
        "type": "message",
        "user": user,
        "text": "help",
        "ts": f"1700000000.{n:06d}",
        "team": "T0001",
        "channel": "D" + user[1:],
        "event_ts": f"1700000000.{n:06d}",
        "channel_type": "im",
    }
    body = {
        "token": "t",
        "team_id": "T0001",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{n:010d}",
        "event_time": 1700000000,
    }
    return json.dumps(body), "application/json"


def action_body() -> tuple[str, str]:
    n = next(_n)
    user = f"U{n % USERS:04d}"
    button = {
        "action_id": "people.language#0",
        "block_id": "b",
        "type": "button",
        "value": "en",
        "text": {"type": "plain_text", "text": "English"},
        "action_ts": f"1700000000.{n:06d}",
    }
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Language?"}},
        {"type": "actions", "elements": [{k: v for k, v in button.items() if k != "action_ts"}]},
    ]
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0001"},
        "team": {"id": "T0001"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "D" + user[1:]},
        "channel": {"id": "D" + user[1:]},
        "trigger_id": f"{n}.1.x",
        "api_app_id": "A1",
        "message": {"type": "message", "ts": "1.1", "text": "Language?", "blocks": blocks},
        "actions": [button],
    }
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def body() -> tuple[str, str]:
    return message_body() if next(_n) % 2 else action_body()


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


async def measure(url: str, rate: float, seconds: float, concurrency: int) -> dict[str, object]:
    await closed(url, 4, 1.0)  # warm up: caches, connections, first-contact inserts
    figures: dict[str, object] = {"paced": await paced(url, rate, seconds)}
    figures["throughput_rps"] = await closed(url, concurrency, seconds)
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    options = parser.parse_args()
    began = time.perf_counter()
    fake_port, stafet_port, bare_port = free_port(), free_port(), free_port()
    api = f"http://127.0.0.1:{fake_port}/api/"
    slack_env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": api}
    with tempfile.TemporaryDirectory() as tmp:
        processes = [start(["bench/slack_fake_api.py", str(fake_port), str(USERS)], {})]
        try:
            await wait_up(api + "api.test")
            processes.append(start(["bench/slack_bare_bolt.py", str(bare_port)], slack_env))
            stafet_env = {
                **slack_env,
                "STAFET_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                "STAFET_SCHEDULER": "false",
                "STAFET_LOG_LEVEL": "WARNING",
            }
            stafet = start(["-m", "bot", "serve", "--port", str(stafet_port)], stafet_env)
            processes.append(stafet)
            await wait_up(f"http://127.0.0.1:{stafet_port}/healthz")
            await wait_up(f"http://127.0.0.1:{bare_port}/")
            results = {
                "stafet": await measure(
                    f"http://127.0.0.1:{stafet_port}/slack/events",
                    options.rate,
                    options.seconds,
                    options.concurrency,
                ),
                "bare_bolt": await measure(
                    f"http://127.0.0.1:{bare_port}/slack/events",
                    options.rate,
                    options.seconds,
                    options.concurrency,
                ),
            }
            await asyncio.sleep(2)  # let stafet finish the turns behind its acks
            async with aiohttp.ClientSession() as http, http.get(api + "bench.stats") as response:
                stats = await response.json()
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
        "rate": options.rate,
        "concurrency": options.concurrency,
        **results,
        "ratio": round(ratio, 2),
        "turns_completed": stats["chat.postMessage"],
        "peak_rss_mb": round(peak, 1),
        "p99_ok": results["stafet"]["paced"]["p99_ms"] < 100,  # type: ignore[index]
        "ratio_ok": ratio >= 0.6,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main())
