"""A local stand-in for a chat platform's HTTP API that records every message it accepts,
with an optional per-workspace rate limit answered by 429 + Retry-After, calls that hang,
and a messenger that talks to it over real HTTP."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from typing import Any

import aiohttp
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.delivery.messenger import DeliveryError, Target
from bot.runtime.replies import Reply


class FakePlatform:
    def __init__(
        self,
        limit_per_second: int | None = None,
        retry_after: float = 1.0,
        delay: float = 0.0,
        precise: bool = False,
    ) -> None:
        self.limit = limit_per_second
        self.retry_after = retry_after
        self.retry_now = retry_after
        self.precise = precise  # Retry-After = the rest of this second, instead of a fixed value
        self.delay = delay
        self.sent: dict[str, str] = {}  # key -> message id
        self.received: Counter[str] = Counter()  # key -> accepted sends (duplicates show as > 1)
        self.rejected = 0
        self.hang: set[str] = set()  # keys accepted, then left unanswered until `release` is set
        self.release = asyncio.Event()
        self.first_at: float | None = None
        self.last_at: float | None = None
        self._window: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
        self.app = self._build()

    def reset_window(self) -> None:
        """Tests move time themselves: forget this second's count."""
        self._window.clear()

    def _allowed(self, workspace: str) -> bool:
        if self.limit is None:
            return True
        second = int(time.monotonic())
        window, count = self._window[workspace]
        if window != second:
            window, count = second, 0
        if count >= self.limit:
            self.retry_now = (
                round(second + 1 - time.monotonic() + 0.005, 3) if self.precise else self.retry_after
            )
            return False
        self._window[workspace] = (window, count + 1)
        return True

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/api/chat.postMessage")
        async def post(request: Request) -> JSONResponse:
            body = await request.json()
            if not self._allowed(body["workspace"]):
                self.rejected += 1
                return JSONResponse(
                    {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(self.retry_now)}
                )
            if self.delay:
                await asyncio.sleep(self.delay)
            key = body["key"]
            self.received[key] += 1
            self.sent.setdefault(key, f"m{len(self.sent) + 1}")
            self.last_at = time.monotonic()
            self.first_at = self.first_at or self.last_at
            if key in self.hang:
                await self.release.wait()
            return JSONResponse({"ok": True, "ts": self.sent[key]})

        @app.get("/api/stats")
        async def stats() -> JSONResponse:
            return JSONResponse(
                {
                    "received": len(self.received),
                    "duplicates": sum(n - 1 for n in self.received.values()),
                    "rejected": self.rejected,
                    "first_at": self.first_at,
                    "last_at": self.last_at,
                }
            )

        @app.get("/api/sent")
        async def sent(key: str) -> JSONResponse:
            found = self.sent.get(key)
            return JSONResponse({"ts": found}, 200 if found else 404)

        return app


class FakePlatformMessenger:
    """Sends to the fake platform; can find a message by the outbox key (like Slack metadata)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None:  # created inside the running loop
            self._http = aiohttp.ClientSession(self.base_url, timeout=aiohttp.ClientTimeout(total=10))
        return self._http

    async def send(self, target: Target, reply: Reply) -> str:
        body: dict[str, Any] = {
            "key": target.key,
            "workspace": target.address.workspace_id,
            "channel": target.address.conversation_id,
            "text": reply.text,
        }
        async with self.http.post("/api/chat.postMessage", json=body) as response:
            if response.status == 429:
                raise DeliveryError("rate limited", retry_after=float(response.headers["Retry-After"]))
            if response.status >= 500:
                raise DeliveryError(f"platform error {response.status}")
            return str((await response.json())["ts"])

    async def already_sent(self, target: Target) -> str | None:
        async with self.http.get("/api/sent", params={"key": target.key}) as response:
            return str((await response.json())["ts"]) if response.status == 200 else None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()


def serve(limit: int | None, precise: bool) -> None:
    """Run a fake platform on a free port in this process; prints its URL first."""
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    platform = FakePlatform(limit_per_second=limit, precise=precise)
    uvicorn.Server(uvicorn.Config(platform.app, log_level="warning")).run(sockets=[sock])


if __name__ == "__main__":
    import sys

    serve(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "none" else None, "--precise" in sys.argv)
