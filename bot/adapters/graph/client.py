"""Graph over HTTP: JSON in and out, errors with Graph's code and its Retry-After."""

from __future__ import annotations

from typing import Any

import httpx

from bot.adapters.graph.login import GRAPH_SCOPE, Login

RETRY = {429, 503, 504}


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"Graph {status} {code}: {message}")
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @property
    def throttled(self) -> bool:
        return self.status in RETRY


class GraphClient:
    def __init__(self, base_url: str, login: Login, http: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.login = login
        self.http = http or httpx.AsyncClient(timeout=30)

    async def get(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """`url` is a path under the base URL, or a whole nextLink / deltaLink Graph gave."""
        return await self._call("GET", url, params=params)

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = await self._send("POST", path, json=body)
        return response.status_code, (response.json() if response.content else {})

    async def _call(self, method: str, url: str, **options: Any) -> dict[str, Any]:
        response = await self._send(method, url, **options)
        return response.json()  # type: ignore[no-any-return]

    async def _send(self, method: str, url: str, **options: Any) -> httpx.Response:
        full = url if url.startswith(("http://", "https://")) else f"{self.base_url}/{url.lstrip('/')}"
        headers = {"Authorization": f"Bearer {await self.login.atoken(GRAPH_SCOPE)}"}
        response = await self.http.request(method, full, headers=headers, **options)
        if response.status_code >= 400 and response.status_code != 409:
            raise _error(response)
        return response

    async def close(self) -> None:
        await self.http.aclose()


def _error(response: httpx.Response) -> GraphError:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    header = response.headers.get("Retry-After")
    retry_after = float(header) if header and header.replace(".", "", 1).isdigit() else None
    if retry_after is None and response.status_code in RETRY:
        retry_after = 5.0  # Graph did not say: a short pause rather than hammering
    return GraphError(
        response.status_code, str(error.get("code") or "error"), str(error.get("message") or ""), retry_after
    )
