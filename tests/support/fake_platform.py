"""A local stand-in for a chat platform's HTTP API that records every message it accepts,
with optional per-workspace and per-conversation rate limits answered by 429 + Retry-After,
optional faults (random 429s and 5xx, calls that hang), and a messenger that talks to it
over real HTTP."""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from bot.delivery.messenger import DeliveryError, Target
from bot.runtime.replies import Reply


@dataclass(frozen=True, slots=True)
class Faults:
    """What goes wrong on purpose: shares of calls answered 429 or 5xx, and 1 call in
    `hang_every` held `hang_seconds` (then accepted only if the caller still waits)."""

    p429: float = 0.0
    p5xx: float = 0.0
    hang_every: int = 0
    hang_seconds: float = 0.0
    seed: int = 1


class FakePlatform:
    def __init__(
        self,
        limit_per_second: int | None = None,
        retry_after: float = 1.0,
        delay: float = 0.0,
        precise: bool = False,
        per_conversation: int | None = None,
        faults: Faults = Faults(),
        seconds: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit_per_second
        self.seconds = seconds  # the windows' clock: a test may pass its injected one
        self.per_conversation = per_conversation
        self.faults = faults
        self.random = random.Random(faults.seed)
        self.faulted: Counter[str] = Counter()  # "429", "5xx", "hang", "abandoned"
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

    def _allowed(self, workspace: str, conversation: str = "") -> bool:
        """Fixed one-second windows per workspace and, if limited, per conversation."""
        now = self.seconds()
        second = int(now)
        keys = [(workspace, self.limit)] if self.limit is not None else []
        if self.per_conversation is not None:
            keys.append((f"{workspace}/{conversation}", self.per_conversation))
        counts = []
        for key, limit in keys:
            window, count = self._window[key]
            count = count if window == second else 0
            if count >= limit:
                self.retry_now = round(second + 1 - now + 0.005, 3) if self.precise else self.retry_after
                return False
            counts.append((key, count))
        for key, count in counts:
            self._window[key] = (second, count + 1)
        return True

    def _fault(self) -> str | None:
        """Which fault (if any) this call meets, drawn from the seeded generator."""
        draw = self.random.random()
        if draw < self.faults.p429:
            return "429"
        if draw < self.faults.p429 + self.faults.p5xx:
            return "5xx"
        if self.faults.hang_every and self.random.randrange(self.faults.hang_every) == 0:
            return "hang"
        return None

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/api/chat.postMessage")
        async def post(request: Request) -> JSONResponse:
            body = await request.json()
            if not self._allowed(body["workspace"], body.get("channel", "")):
                self.rejected += 1
                return JSONResponse(
                    {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(self.retry_now)}
                )
            fault = self._fault()
            if fault is not None:
                self.faulted[fault] += 1
            if fault == "429":
                return JSONResponse({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": "1"})
            if fault == "5xx":
                return PlainTextResponse("upstream unavailable", 503)
            if fault == "hang":
                await asyncio.sleep(self.faults.hang_seconds)
                if await request.is_disconnected():  # the caller gave up: nothing was posted
                    self.faulted["abandoned"] += 1
                    return PlainTextResponse("gone", 499)
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
                    "faults": dict(self.faulted),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                    "first_at": self.first_at,
                    "last_at": self.last_at,
                }
            )

        @app.get("/api/received")
        async def received() -> JSONResponse:
            """How often each key was accepted (more than once: sent twice)."""
            return JSONResponse(dict(self.received))

        @app.get("/api/sent")
        async def sent(key: str) -> JSONResponse:
            found = self.sent.get(key)
            return JSONResponse({"ts": found}, 200 if found else 404)

        return app


class FakePlatformMessenger:
    """Sends to the fake platform; can find a message by the outbox key (like Slack metadata)."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None:  # created inside the running loop
            self._http = aiohttp.ClientSession(
                self.base_url,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(limit=0),
            )
        return self._http

    async def send(self, target: Target, reply: Reply) -> str:
        body: dict[str, Any] = {
            "key": target.key,
            "workspace": target.address.workspace_id,
            "channel": target.address.conversation_id,
            "text": reply.text,
        }
        try:
            async with self.http.post("/api/chat.postMessage", json=body) as response:
                if response.status == 429:
                    raise DeliveryError("rate limited", retry_after=float(response.headers["Retry-After"]))
                if response.status >= 500:
                    raise DeliveryError(f"platform error {response.status}")
                return str((await response.json())["ts"])
        except aiohttp.ClientConnectorError as error:  # as the Slack messenger: nothing was posted
            raise DeliveryError(f"unreachable: {type(error).__name__}") from None
        except aiohttp.ClientError as error:  # a reset connection: it may have been posted
            raise DeliveryError(f"unreachable: {type(error).__name__}", unknown=True) from None

    async def already_sent(self, target: Target) -> str | None:
        try:
            async with self.http.get("/api/sent", params={"key": target.key}) as response:
                return str((await response.json())["ts"]) if response.status == 200 else None
        except aiohttp.ClientError:  # unknown is treated as not sent, as the Slack messenger does
            return None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()


def serve(argv: list[str] | None = None) -> None:
    """Run a fake platform on a free port in this process; prints its URL first."""
    import socket

    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("limit", nargs="?", default="none", help="messages a second per workspace")
    parser.add_argument("--precise", action="store_true")
    parser.add_argument("--per-conversation", type=int)
    parser.add_argument("--p429", type=float, default=0.0)
    parser.add_argument("--p5xx", type=float, default=0.0)
    parser.add_argument("--hang-every", type=int, default=0)
    parser.add_argument("--hang-seconds", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    platform = FakePlatform(
        limit_per_second=None if args.limit == "none" else int(args.limit),
        precise=args.precise,
        per_conversation=args.per_conversation,
        faults=Faults(args.p429, args.p5xx, args.hang_every, args.hang_seconds, args.seed),
    )
    uvicorn.Server(uvicorn.Config(platform.app, log_level="warning", backlog=4096)).run(sockets=[sock])


if __name__ == "__main__":
    serve()
