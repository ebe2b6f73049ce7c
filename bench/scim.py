"""SCIM provisioning throughput: an identity provider creating and patching people one request at a time.

    python bench/scim.py [--users 10000] [--patches 1000] [--db sqlite|postgresql]

Stafet serves in its own process (uvicorn, as `stafet serve` does, background work off). The
client provisions `--users` people as Entra ID does, one request at a time: a `userName eq`
query, then a POST of an Entra-shaped user. Then it sends `--patches` PATCH requests in
Entra's shapes (capitalised ops, a boolean as "False", an `emails[type eq "work"].value` path,
the enterprise department), spread over the people. PostgreSQL needs STAFET_TEST_POSTGRES_URL
(a throwaway database is made next to it). The last line is one JSON object with "db",
"users", "patches", "requests", "seconds", "requests_per_second" (goal >= 200),
"create_requests_per_second", "patch_requests_per_second", "server_cpu_ms_per_request" and
"requests_per_server_cpu_second" (the server's CPU time: what one free core sustains, whatever
else the machine is doing) and "peak_rss_mb" (of the server).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.admin.roles import CLI, Role  # noqa: E402
from bot.admin.tokens import TokenService  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from storage import migrate  # noqa: E402
from storage.database import Database  # noqa: E402
from tests.support.databases import postgres_base_url, throwaway_postgres  # noqa: E402
from tests.support.scim import ENTERPRISE, MEDIA, entra_user, patch  # noqa: E402


def serve(url: str, port: int) -> None:
    import uvicorn

    from bot.app import create_app
    from bot.config import load_settings

    # PostgreSQL requires a survey secret; this throwaway database seals nothing worth keeping.
    settings = load_settings(
        STAFET_DATABASE_URL=url, STAFET_SCHEDULER=False, STAFET_SURVEY_SECRET=secrets.token_hex(16)
    )
    uvicorn.run(create_app(settings, background=False), host="127.0.0.1", port=port, log_level="warning")


@contextlib.contextmanager
def server(url: str) -> Iterator[tuple[str, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz").status_code < 500:
                break
        time.sleep(0.1)
    try:
        yield base, process.pid
    finally:
        process.terminate()
        process.wait()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (it shows the cost when the machine is busy)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def make_token(url: str) -> str:
    db = Database(url)
    async with db.unit_of_work() as session:
        token = await TokenService(session, SystemClock()).create(CLI, "Entra ID", Role.PROVISIONING)
    await db.dispose()
    return token.secret


PATCHES = [
    lambda n: patch({"op": "Replace", "path": f"{ENTERPRISE}:department", "value": f"Dept {n % 40}"}),
    lambda n: patch({"op": "Replace", "path": "active", "value": "False"}),
    lambda n: patch(
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": f"moved{n}@example.org"}
    ),
    lambda n: patch({"op": "Add", "path": "displayName", "value": f"Person {n} Renamed"}),
]


def run(url: str, users: int, patches: int) -> dict[str, float]:
    secret = asyncio.run(make_token(url))
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": MEDIA}
    with server(url) as (base, pid), httpx.Client(base_url=f"{base}/scim/v2", headers=headers) as client:
        ids = []
        cpu_before = cpu_seconds(pid)
        started = time.perf_counter()
        for n in range(users):
            name = f"user{n}@corp.example"
            query = client.get("/Users", params={"filter": f'userName eq "{name}"'})
            assert query.status_code == 200 and query.json()["totalResults"] == 0, query.text
            created = client.post(
                "/Users", json=entra_user(name, f"user{n}@example.org", external_id=f"e{n}")
            )
            assert created.status_code == 201, created.text
            ids.append(created.json()["id"])
        created_at = time.perf_counter()
        for n in range(patches):
            person = ids[(n * 7919) % len(ids)]
            response = client.patch(f"/Users/{person}", json=PATCHES[n % len(PATCHES)](n))
            assert response.status_code == 200, response.text
        finished = time.perf_counter()
        rss, cpu = peak_rss_mb(pid), cpu_seconds(pid) - cpu_before
    create_seconds, patch_seconds = created_at - started, finished - created_at
    return {
        "users": users,
        "patches": patches,
        "requests": 2 * users + patches,
        "seconds": round(finished - started, 2),
        "requests_per_second": round((2 * users + patches) / (finished - started), 1),
        "create_requests_per_second": round(2 * users / create_seconds, 1),
        "patch_requests_per_second": round(patches / patch_seconds, 1),
        "server_cpu_ms_per_request": round(1000 * cpu / (2 * users + patches), 2),
        "requests_per_server_cpu_second": round((2 * users + patches) / cpu, 1),
        "peak_rss_mb": rss,
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--patches", type=int, default=1_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    if args.db == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{directory}/bench.db"
            migrate.upgrade(url)
            figures = run(url, args.users, args.patches)
    else:
        base = postgres_base_url()
        if base is None:
            sys.exit("set STAFET_TEST_POSTGRES_URL to run on PostgreSQL")
        with throwaway_postgres(base, "stafet_bench") as url:
            migrate.upgrade(url)
            figures = run(url, args.users, args.patches)
    print(json.dumps({"db": args.db, **figures}))


if __name__ == "__main__":
    main()
