"""What the web chat accepts from a request: a bounded body, integers in range, a send rate per
session. Refusals name the problem, never repeat what was sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel, ValidationError

from bot.delivery.limits import TokenBucket

MAX_BODY_BYTES = 64 * 1024  # a 4,000-character text with its form fields fits with room to spare
MAX_ID = 2**31 - 1  # message numbers are 32-bit integers on every database
IDLE_BUCKETS = 10_000  # forget full buckets once this many sessions have sent


async def bounded_body[M: BaseModel](request: Request, model: type[M]) -> M:
    """The JSON body as `model`: 413 when too large, 422 naming the fields that are wrong."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        return model.model_validate_json(bytes(body))
    except ValidationError as error:
        raise HTTPException(422, [_problem(e) for e in error.errors(include_input=False)]) from None


def bounded_int(name: str, raw: str | None, default: int = 0, low: int = 0, high: int = MAX_ID) -> int:
    """A query-string integer, or 422 when it is not a whole number from `low` to `high`."""
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not low <= int(text) <= high:
        raise HTTPException(422, f"{name}: expected a whole number from {low} to {high}")
    return int(text)


def _problem(error: Any) -> dict[str, Any]:
    return {"loc": ["body", *error["loc"]], "msg": error["msg"], "type": error["type"]}


class SendLimiter:
    """A token bucket per session: `per_minute` sends, refilled evenly, on the injected clock."""

    def __init__(self, per_minute: int, now: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self.now = now
        self.buckets: dict[str, TokenBucket] = {}

    def wait(self, key: str) -> float:
        """Take a send for `key`: 0 when allowed, else the seconds until the next one is."""
        now = self.now()
        if len(self.buckets) >= IDLE_BUCKETS:
            full = [k for k, b in self.buckets.items() if b.wait(now) == 0 and b.tokens >= b.burst]
            for k in full:
                del self.buckets[k]
        limit = self.per_minute
        bucket = self.buckets.setdefault(key, TokenBucket(limit / 60, burst=limit, tokens=limit))
        wait = bucket.wait(now)
        if wait == 0:
            bucket.tokens -= 1
        return wait
