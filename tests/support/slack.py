"""A fake Slack for tests and benchmarks: a Web API server that records calls, and signed requests."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from aiohttp import WSMsgType, web

from tests.support.conformance import slack_call_problems

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-1111-2222-secrettokenvalue"
TEAM = "T0001"
OTHER_TOKEN = "xoxb-3333-4444-otherworkspace"
APP_TOKEN = "xapp-1-A0STAFET-5555-appleveltoken"


class FakeSocket:
    """Slack's Socket Mode end: says hello, pushes envelopes, collects the acks."""

    def __init__(self) -> None:
        self.connected = asyncio.Event()
        self.acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._outgoing: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def push(self, envelope: dict[str, Any]) -> None:
        await self._outgoing.put(envelope)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0STAFET"}})
        self.connected.set()
        sender = asyncio.create_task(self._send(ws))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await self.acks.put(json.loads(message.data))
        finally:
            sender.cancel()
        return ws

    async def _send(self, ws: web.WebSocketResponse) -> None:
        while True:
            await ws.send_json(await self._outgoing.get())


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str = ""


@dataclass
class FakeSlack:
    """Answers like Slack's Web API (ok, ts, channel) and remembers every call."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    limits: dict[str, list[float]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)  # method -> seconds before answering
    url: str = ""
    tokens: dict[str, str] = field(default_factory=lambda: {BOT_TOKEN: TEAM, APP_TOKEN: TEAM})  # -> team
    socket: FakeSocket = field(default_factory=FakeSocket)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # channel -> newest first
    refused: list[str] = field(default_factory=list)  # what slack_sdk's Block Kit models would refuse
    failures: dict[str, list[web.Response]] = field(default_factory=dict)  # method -> answers to give
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add_user(
        self,
        user_id: str,
        email: str | None,
        name: str,
        *,
        tz: str = "Europe/Oslo",
        locale: str = "en-US",
        team: str = TEAM,
        **flags: bool,
    ) -> dict[str, Any]:
        """A member of `team`; `flags` such as deleted, is_bot or is_restricted (a guest)."""
        profile = {"real_name": name, "display_name": name.split()[0], **({"email": email} if email else {})}
        self.users[user_id] = {
            "id": user_id,
            "team_id": team,
            "name": name.lower(),
            "tz": tz,
            "locale": locale,
            "profile": profile,
            **flags,
        }
        return self.users[user_id]

    def rate_limit(self, method: str, retry_after: float, times: int = 1) -> None:
        """The next `times` calls of `method` get HTTP 429 with Retry-After."""
        self.limits.setdefault(method, []).extend([retry_after] * times)

    def fail(
        self,
        method: str,
        status: int = 503,
        body: str = "upstream connect error",
        content_type: str = "text/plain",
        *,
        times: int = 1,
        **headers: str,
    ) -> None:
        """The next `times` calls of `method` get this answer, as a proxy or an outage in front of
        Slack gives."""
        for _ in range(times):
            answer = web.Response(status=status, text=body, content_type=content_type, headers=headers)
            self.failures.setdefault(method, []).append(answer)

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls if c.method != "auth.test"]

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(await request.post())
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if method == "oauth.v2.access":
            return web.json_response(self.install(args))
        if token not in self.tokens:
            return web.json_response({"ok": False, "error": "not_authed"})
        self.calls.append(Call(method, args, token))
        self.refused += [f"{method}: {problem}" for problem in slack_call_problems(method, args)]
        if method == "auth.test":
            bot = "BBOT" if self.tokens[token] == TEAM else "BBOT2"
            return web.json_response(
                {"ok": True, "team_id": self.tokens[token], "user_id": "UBOT", "bot_id": bot}
            )
        if self.failures.get(method):
            return self.failures[method].pop(0)
        if method in self.delays:
            await asyncio.sleep(self.delays[method])
        if self.limits.get(method):
            wait = self.limits[method].pop(0)
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(int(wait))}
            )
        return web.json_response(self.answer(method, args, self.tokens[token]))

    def answer(self, method: str, args: dict[str, Any], team: str) -> dict[str, Any]:
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "users.list":
            start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
            users = [user for user in self.users.values() if user["team_id"] == team]  # the token's
            more = start + limit < len(users)
            return {
                "ok": True,
                "members": users[start : start + limit],
                "response_metadata": {"next_cursor": str(start + limit) if more else ""},
            }
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args["users"]).lstrip("U")}}
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or f"1700000000.{next(self._ts):06d}"
            channel = str(args.get("channel"))
            if channel.startswith(("U", "W")):  # a post to a user id lands in the app's DM with them
                channel = "D" + channel[1:].lstrip("U")
            if method == "chat.postMessage":
                posted = {"ts": ts, "text": args.get("text"), "metadata": args.get("metadata")}
                self.history.setdefault(channel, []).insert(0, posted)
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": {"text": args.get("text")},
            }
        if method == "conversations.history":
            messages = self.history.get(str(args.get("channel")), [])[: int(args.get("limit", 100))]
            if not args.get("include_all_metadata"):
                messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
            return {"ok": True, "messages": messages, "has_more": False}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://").replace("/api/", "/link")}
        if method in ("views.open", "views.publish"):
            return {"ok": True, "view": {"id": f"V{next(self._ts):06d}"}}
        return {"ok": True}

    def install(self, args: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: exchanging the code of an "Add to Slack" for workspace T0002's bot token."""
        if args.get("code") != "c0de":
            return {"ok": False, "error": "invalid_code"}
        self.tokens[OTHER_TOKEN] = "T0002"
        return {
            "ok": True,
            "app_id": "A0STAFET",
            "authed_user": {"id": "U0ADMIN"},
            "scope": "chat:write,commands,im:history",
            "token_type": "bot",
            "access_token": OTHER_TOKEN,
            "bot_user_id": "UBOT2",
            "team": {"id": "T0002", "name": "Acme"},
            "enterprise": None,
            "is_enterprise_install": False,
        }


@asynccontextmanager
async def fake_slack_server(fake: FakeSlack) -> AsyncIterator[FakeSlack]:
    app = web.Application()
    app.router.add_route("*", "/api/{method}", fake.handle)
    app.router.add_get("/link", fake.socket.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    fake.url = f"http://127.0.0.1:{sock.getsockname()[1]}/api/"
    try:
        yield fake
    finally:
        await runner.cleanup()


def signed_headers(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """The v0 HMAC-SHA256 signature Slack puts on every request."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


class SlackSender:
    """Posts signed requests to /slack/events as Slack does: JSON events, form-encoded interactions."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def event(self, payload: dict[str, Any], **headers: str) -> httpx.Response:
        return await self.raw(json.dumps(payload), "application/json", **headers)

    async def interaction(self, payload: dict[str, Any]) -> httpx.Response:
        return await self.raw(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    async def command(self, form: dict[str, str]) -> httpx.Response:
        return await self.raw(urlencode(form), "application/x-www-form-urlencoded")

    async def raw(self, body: str, content_type: str, *, sign: bool = True, **headers: str) -> httpx.Response:
        sent = {"Content-Type": content_type, **(signed_headers(body) if sign else {}), **headers}
        return await self.http.post("/slack/events", content=body, headers=sent)
