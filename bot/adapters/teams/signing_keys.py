"""The Bot Framework's token signing keys, fetched without holding up the server.

The SDK fetches them (OpenID metadata, then its JWKS) with a blocking `requests.get` and no
timeout on the event loop, so a hanging key endpoint froze every request; and it retried a failed
fetch on every request. These keys are fetched asynchronously, with a time limit, one fetch at a
time, and a failure is remembered for a little while.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from jwt.algorithms import RSAAlgorithm

from bot.clock import Clock

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0  # for metadata and keys together
REFRESH = timedelta(days=1)  # as the SDK: keys are re-read daily ...
UNKNOWN_KEY_REFRESH = timedelta(hours=1)  # ... and at most hourly for a key id not seen yet
FAILURE_MEMORY = timedelta(seconds=30)  # after a failed fetch, no new try for this long


class SigningKeysUnavailable(Exception):
    """The key endpoint failed or timed out and no keys are known: the request cannot be checked."""


class UnknownSigningKey(Exception):
    """The token names a key the Bot Framework does not publish."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    """What the SDK's token check reads."""

    public_key: Any
    endorsements: list[str] = field(default_factory=list)


class SigningKeys:
    """The keys published at one OpenID metadata URL."""

    def __init__(self, url: str, clock: Clock, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url
        self.clock = clock
        self.timeout = timeout
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at: datetime | None = None
        self._failed_at: datetime | None = None
        self._fetching = asyncio.Lock()

    async def get(self, key_id: str) -> SigningKey:
        """The key a token was signed with; raises if it cannot be known."""
        if self._stale(key_id):
            await self._refresh(self._fetched_at)
        key = self._keys.get(key_id)
        if key is None:
            raise UnknownSigningKey(key_id)
        return SigningKey(RSAAlgorithm.from_jwk(json.dumps(key)), list(key.get("endorsements", [])))

    def _stale(self, key_id: str) -> bool:
        if self._fetched_at is None:
            return True
        age = self.clock.now() - self._fetched_at
        return age > REFRESH or (key_id not in self._keys and age > UNKNOWN_KEY_REFRESH)

    async def _refresh(self, seen: datetime | None) -> None:
        """Fetch the keys unless another request just did, or a fetch failed a moment ago."""
        async with self._fetching:
            now = self.clock.now()
            if self._fetched_at != seen:
                return
            if self._failed_at is not None and now - self._failed_at < FAILURE_MEMORY:
                if not self._keys:
                    raise SigningKeysUnavailable(self.url)
                return
            try:
                async with asyncio.timeout(self.timeout):
                    keys = await self._fetch()
            except (TimeoutError, httpx.HTTPError, ValueError, KeyError, TypeError) as error:
                self._failed_at = now
                log.warning(
                    "Bot Framework signing keys not fetched from %s: %s", self.url, type(error).__name__
                )
                if not self._keys:  # keys fetched earlier are still good for a while
                    raise SigningKeysUnavailable(self.url) from None
                return
            self._keys, self._fetched_at, self._failed_at = keys, now, None

    async def _fetch(self) -> dict[str, dict[str, Any]]:
        async with httpx.AsyncClient(timeout=self.timeout) as http:
            metadata = (await http.get(self.url)).raise_for_status().json()
            published = (await http.get(metadata["jwks_uri"])).raise_for_status().json()
        return {key["kid"]: key for key in published["keys"]}


class SigningKeysByUrl(dict[str, SigningKeys]):
    """Stands in for the SDK's cache of key sets by metadata URL, creating ours on first use."""

    def __init__(self, create: Callable[[str], SigningKeys]) -> None:
        super().__init__()
        self._create = create

    def get(self, url: str, default: Any = None) -> SigningKeys:  # type: ignore[override]
        if url not in self:
            self[url] = self._create(url)
        return self[url]
