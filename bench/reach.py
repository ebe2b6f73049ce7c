"""Reach everyone: sync a large Slack workspace and install the Teams app for a large tenant,
against local fakes that enforce the platforms' limits.

    python bench/reach.py --slack-members 100000 --page-rate 10 \
        --teams-users 20000 --graph-rate 200 --db sqlite|postgresql

Slack: a fake `users.list` serving pages of 200 generated members, answering 429 (with a
precise Retry-After) above `--page-rate` pages a second (a bucket of one second's pages);
Stafet paces itself at that rate (`STAFET_SLACK_DIRECTORY_RATE`). Teams: a fake Graph (users
by delta query, installedApps answering 429 above `--graph-rate` a second, bucket of one
second), a fake Entra ID token endpoint over TLS, a fake Bot Framework connector; Stafet's
install queue runs at 97% of the Graph rate (`STAFET_GRAPH_RATE`).

Figures: `slack_seconds` (the whole sync), `slack_min_seconds` ((pages - bucket) / page
rate), `slack_ratio`, `slack_linked` / `slack_expected`, `slack_lost`, `slack_429`;
`teams_sync_seconds`, `teams_install_seconds` (from the first installation to the last
conversation stored), `teams_min_seconds` ((users - bucket) / Graph rate), `teams_ratio`,
`teams_installed`, `teams_lost` (linked users without a stored conversation),
`teams_installed_twice` (users the fake Graph saw installed more than once), `teams_429`;
`seconds` (both), `peak_rss_mb` (the whole process, fakes included). Goals: ratios within
1.1, peak memory <= 300 MB, 0 lost, 0 installed twice. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import resource
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.adapters.slack import people as slack_people  # noqa: E402
from bot.adapters.teams import people as teams_people  # noqa: E402
from bot.admin.roles import Principal, Role  # noqa: E402
from bot.app import build_context  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.reach.installs import InstallWorker  # noqa: E402
from bot.runtime.events import Platform  # noqa: E402
from storage.models import AppInstall, ConversationRef, Identity, Person  # noqa: E402
from tests.support.databases import migrated_database  # noqa: E402
from tests.support.graph import (  # noqa: E402
    APP_ID,
    CATALOG_APP_ID,
    TENANT,
    FakeGraph,
    FakeLogin,
    self_signed,
    serve,
    serve_in_thread,
)
from tests.support.teams import fake_connector  # noqa: E402

BENCH = Principal("bench", Role.HR)
PAGE = 200


def slack_member(i: int) -> dict[str, Any]:
    """Member i: one in 100 a bot, one in 250 deleted, one in 500 a guest."""
    user: dict[str, Any] = {
        "id": f"U{i:07d}",
        "team_id": "T0BENCH",
        "name": f"p{i}",
        "tz": "Europe/Copenhagen",
        "locale": "da-DK",
        "profile": {"real_name": f"Person {i}", "email": f"p{i}@example.org"},
    }
    if i % 100 == 0:
        user["is_bot"] = True
        user["profile"].pop("email")
    elif i % 250 == 1:
        user["deleted"] = True
    elif i % 500 == 2:
        user["is_restricted"] = True
    return user


def imported(i: int) -> bool:
    return i % 20 != 19  # 5% of the workspace is not in HR's list


class FakeSlackDirectory:
    def __init__(self, members: int, page_rate: float) -> None:
        self.members = members
        self.rate = page_rate
        self.tokens = page_rate
        self.at = time.monotonic()
        self.rejected = 0
        self.pages = 0

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "auth.test":
            return web.json_response({"ok": True, "team_id": "T0BENCH", "user_id": "UBOT"})
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            self.rejected += 1
            wait = (1 - self.tokens) / self.rate
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": f"{wait:.3f}"}
            )
        self.tokens -= 1
        args = dict(request.query) | dict(await request.post())
        start = int(args.get("cursor") or 0)
        end = min(self.members, start + int(args.get("limit") or 100))
        self.pages += 1
        return web.json_response(
            {
                "ok": True,
                "members": [slack_member(i) for i in range(start, end)],
                "response_metadata": {"next_cursor": str(end) if end < self.members else ""},
            }
        )


@contextlib.asynccontextmanager
async def slack_server(fake: FakeSlackDirectory) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_route("*", "/api/{method}", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/"
    finally:
        await runner.cleanup()


async def import_people(url: str, slack_members: int, teams_users: int) -> None:
    from storage.database import Database

    db = Database(url)
    now = datetime.now(UTC)
    rows = [
        {"email": f"p{i}@example.org", "display_name": f"Person {i}", "department": f"d{i % 40}",
         "role": "employee", "is_ambassador": False, "created_at": now}
        for i in range(slack_members) if imported(i)
    ] + [
        {"email": f"t{i}@example.org", "display_name": f"Teams {i}", "department": f"d{i % 40}",
         "role": "employee", "is_ambassador": False, "created_at": now}
        for i in range(teams_users)
    ]  # fmt: skip
    async with db.unit_of_work() as session:
        for start in range(0, len(rows), 5000):
            await session.execute(insert(Person), rows[start : start + 5000])
    await db.dispose()


async def bench_slack(url: str, members: int, page_rate: float) -> dict[str, Any]:
    fake = FakeSlackDirectory(members, page_rate)
    async with slack_server(fake) as api:
        settings = load_settings(
            STAFET_DATABASE_URL=url,
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET="bench",
            SLACK_API_URL=api,
            STAFET_SLACK_DIRECTORY_RATE=str(page_rate * 60),
        )
        context = build_context(settings)
        started = time.perf_counter()
        report = await slack_people.sync(context, BENCH)
        seconds = time.perf_counter() - started
        async with context.db.unit_of_work() as session:
            linked = await session.scalar(
                select(func.count()).select_from(Identity).where(Identity.platform == "slack")
            )
        await context.db.dispose()
    kinds = [slack_member(i) for i in range(members)]
    expected = sum(
        1
        for i, m in enumerate(kinds)
        if imported(i) and not (m.get("is_bot") or m.get("deleted") or m.get("is_restricted"))
    )
    pages = math.ceil(members / PAGE)
    minimum = max(pages - page_rate, 0) / page_rate
    return {
        "slack_members": members,
        "slack_pages": pages,
        "slack_seconds": round(seconds, 2),
        "slack_min_seconds": round(minimum, 2),
        "slack_ratio": round(seconds / minimum, 3) if minimum else None,
        "slack_linked": linked,
        "slack_expected": expected,
        "slack_lost": expected - int(linked or 0),
        "slack_429": fake.rejected,
        "slack_report": report.to_json(),
    }


async def bench_teams(url: str, users: int, graph_rate: float, directory: Path) -> dict[str, Any]:
    cert = self_signed(directory)
    os.environ["REQUESTS_CA_BUNDLE"] = str(cert[0])
    graph = FakeGraph(rate=graph_rate, retry_after=1.0, page_size=999)
    for i in range(users):
        graph.add_user(f"obj-{i:06d}", f"t{i}@example.org", f"Teams {i}")
    login = FakeLogin()
    with serve_in_thread(login.app(), cert) as login_url:
        login.url = login_url
        async with serve(graph.app()) as graph_url, fake_connector() as connector:
            graph.url = graph_url
            settings = load_settings(
                STAFET_DATABASE_URL=url,
                MICROSOFT_APP_ID=APP_ID,
                MICROSOFT_APP_PASSWORD="bench-secret",
                MICROSOFT_APP_TENANT_ID=TENANT,
                STAFET_LOGIN_URL=login_url,
                STAFET_GRAPH_URL=graph_url,
                STAFET_TEAMS_CATALOG_APP_ID=CATALOG_APP_ID,
                STAFET_TEAMS_SERVICE_URL=connector.url,
                STAFET_GRAPH_RATE=str(graph_rate * 0.97),
            )
            context = build_context(settings)
            started = time.perf_counter()
            report = await teams_people.sync(context, BENCH)
            sync_seconds = time.perf_counter() - started
            installer = teams_people.build_installer(settings)
            assert installer is not None
            worker = InstallWorker(
                context.db, context.clock, {Platform.TEAMS: installer}, settings.graph_rate
            )
            started = time.perf_counter()
            task = asyncio.create_task(worker.run_forever(interval=0.05))
            while True:
                await asyncio.sleep(0.25)
                async with context.db.unit_of_work() as session:
                    waiting = await session.scalar(
                        select(func.count()).select_from(AppInstall).where(AppInstall.status != "done")
                    )
                if not waiting:
                    break
            install_seconds = time.perf_counter() - started
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await installer.close()
            async with context.db.unit_of_work() as session:
                reached = await session.scalar(
                    select(func.count())
                    .select_from(ConversationRef)
                    .where(ConversationRef.platform == "teams", ConversationRef.kind == "personal")
                )
            await context.db.dispose()
    minimum = max(users - graph_rate, 0) / graph_rate
    return {
        "teams_users": users,
        "teams_sync_seconds": round(sync_seconds, 2),
        "teams_install_seconds": round(install_seconds, 2),
        "teams_min_seconds": round(minimum, 2),
        "teams_ratio": round(install_seconds / minimum, 3) if minimum else None,
        "teams_linked": report.linked,
        "teams_installed": len(graph.installed),
        "teams_lost": report.linked - int(reached or 0),
        "teams_installed_twice": sum(1 for n in graph.installs.values() if n > 1),
        "teams_429": graph.throttled,
    }


async def run(url: str, args: argparse.Namespace, directory: Path) -> dict[str, Any]:
    await import_people(url, args.slack_members, args.teams_users)
    started = time.perf_counter()
    slack = await bench_slack(url, args.slack_members, args.page_rate)
    teams = await bench_teams(url, args.teams_users, args.graph_rate, directory)
    return {"seconds": round(time.perf_counter() - started, 2), **slack, **teams}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slack-members", type=int, default=100_000)
    parser.add_argument("--page-rate", type=float, default=10.0)
    parser.add_argument("--teams-users", type=int, default=20_000)
    parser.add_argument("--graph-rate", type=float, default=200.0)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with migrated_database(args.db) as url, tempfile.TemporaryDirectory() as directory:
        figures = asyncio.run(run(url, args, Path(directory)))
    result = {
        "db": args.db,
        "python": sys.version.split()[0],
        **figures,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
