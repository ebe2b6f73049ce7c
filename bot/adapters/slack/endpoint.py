"""POST /slack/events as a raw ASGI endpoint (see `bot.web.asgi`): Slack's requests are the
busiest the server sees, and each is stored before its ack.

Before bolt sees a request, it bounds its size, rejects what does not parse and checks Slack's
signature itself, so no request body is ever logged."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from slack_bolt.async_app import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.web.asgi import Receive, Scope, Send

if TYPE_CHECKING:
    from bot.adapters.slack.mount import SlackAdapter

log = logging.getLogger(__name__)
PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # Slack's largest payloads (a modal's state, a quoted message) stay far below

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]  # status, headers, body


class SlackEvents:
    """Answers POST /slack/events. An unexpected error is logged (without the body) and
    answered with 500, which Slack retries."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with self.adapter.work.acking():
            try:
                status, headers, body = await self._acknowledge(scope, receive)
            except Exception:
                log.exception("Slack request failed before its ack")
                status, headers, body = _json(500, {"error": "internal error"})
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _acknowledge(self, scope: Scope, receive: Receive) -> Answer:
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        body = await _bounded_body(headers, receive)
        if body is None:
            return _json(413, {"error": "request too large"})
        try:
            bolt_request = AsyncBoltRequest(
                body=body.decode(),
                query=scope.get("query_string", b"").decode("latin-1"),
                headers=headers,  # type: ignore[arg-type]
            )
        except Exception:  # not UTF-8, not JSON, a form whose payload is not JSON
            return _json(400, {"error": "malformed request"})
        if not self.adapter.verifier.is_valid_request(body, headers):
            log.info("Slack request refused: missing, wrong or stale signature")
            return _json(401, {"error": "invalid signature"})
        if await self.adapter.foreign(bolt_request):
            return 200, [(b"content-length", b"0")], b""
        return _response(await self.adapter.bolt.async_dispatch(bolt_request))


async def _bounded_body(headers: dict[str, str], receive: Receive) -> bytes | None:
    """The body, or None once it exceeds MAX_BODY (read no further than that)."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _json(status: int, content: dict[str, str]) -> Answer:
    body = json.dumps(content).encode()
    length = str(len(body)).encode()
    return status, [(b"content-type", b"application/json"), (b"content-length", length)], body


def _response(bolt: BoltResponse) -> Answer:
    """Bolt's answer (an ack is 200 and empty, or a message's JSON). Only its OAuth pages set
    cookies, and those are served by their own routes."""
    body = bolt.body.encode() if isinstance(bolt.body, str) else bolt.body
    headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in bolt.first_headers_without_set_cookie().items()
        if name.lower() != "content-length"
    ]
    return bolt.status, [*headers, (b"content-length", str(len(body)).encode())], body
