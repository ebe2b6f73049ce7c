"""The fake Slack Web API as its own process for bench/slack_events.py: `PORT USERS`."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.slack import FakeSlack  # noqa: E402


def main(port: int, users: int) -> None:
    fake = FakeSlack()
    for n in range(users):
        fake.add_user(f"U{n:04d}", f"person{n}@example.org", f"Person {n}")

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response(Counter(call.method for call in fake.calls))

    app = web.Application()
    app.router.add_get("/api/bench.stats", stats)
    app.router.add_route("*", "/api/{method}", fake.handle)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
