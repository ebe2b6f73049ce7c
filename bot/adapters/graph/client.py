"""Graph over HTTP (aiohttp, one pooled session): JSON in and out, errors with Graph's code and
its Retry-After."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from bot.adapters.graph.login import GRAPH_SCOPE, Login

RETRY = {429, 503, 504}
TIMEOUT = aiohttp.ClientTimeout(total=30)


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"Graph {status} {code}: {message}")
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @property
    def throttled(self) -> bool:
        """Worth trying again after `retry_after`: throttled, briefly unavailable or unreachable."""
        return self.status in RETRY or self.status == 0


class GraphClient:
    def __init__(self, base_url: str, login: Login) -> None:
        self.base_url = base_url.rstrip("/")
        self.login = login
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:  # created inside the running loop
            self._http = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._http

    async def get(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """`url` is a path under the base URL, or a whole nextLink / deltaLink Graph gave."""
        _, body = await self._send("GET", url, params=params)
        return body

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """409 (conflict, e.g. already installed) is an answer, not an error."""
        return await self._send("POST", path, json=body)

    async def _send(self, method: str, url: str, **options: Any) -> tuple[int, dict[str, Any]]:
        full = url if url.startswith(("http://", "https://")) else f"{self.base_url}/{url.lstrip('/')}"
        headers = {"Authorization": f"Bearer {await self.login.atoken(GRAPH_SCOPE)}"}
        try:
            async with self.http.request(method, full, headers=headers, **options) as response:
                text = await response.text()
                body = _json(text)
                if response.status >= 400 and response.status != 409:
                    raise _error(response.status, body, response.headers.get("Retry-After"))
                return response.status, body
        except (aiohttp.ClientError, TimeoutError) as error:
            raise GraphError(0, "unreachable", type(error).__name__, retry_after=5.0) from None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()


def _json(text: str) -> dict[str, Any]:
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _error(status: int, body: dict[str, Any], header: str | None) -> GraphError:
    error = body.get("error") or {}
    retry_after = float(header) if header and header.replace(".", "", 1).isdigit() else None
    if retry_after is None and status in RETRY:
        retry_after = 5.0  # Graph did not say: a short pause rather than hammering
    return GraphError(status, str(error.get("code") or "error"), str(error.get("message") or ""), retry_after)
