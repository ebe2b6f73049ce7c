"""The one ASGI app: FastAPI, with a few busy endpoints answered ahead of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Endpoint = Callable[[Scope, Receive, Send], Awaitable[None]]


class App(FastAPI):
    """A raw endpoint (Slack's events, each of which must be stored before its ack) skips
    FastAPI's per-request telemetry check, middleware and routing, which together cost as much
    as the request itself. It handles its own errors and never sees other paths or methods."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._raw: dict[tuple[str, str], Endpoint] = {}

    def add_raw_endpoint(self, method: str, path: str, endpoint: Endpoint) -> None:
        self._raw[(method, path)] = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if scope["type"] == "http" and self._raw:
            endpoint = self._raw.get((scope["method"], scope["path"]))
            if endpoint is not None:
                await endpoint(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
