"""Who has opened App Home, kept in the database so every replica refreshes the same views.

Asked on every proactive send, so it is read through a set reloaded every few seconds: a view
opened on another replica is known here within RELOAD_SECONDS, at one query per interval.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bot.context import AppContext
from bot.runtime.events import Address
from storage.repositories.home_views import HomeViewRepository

RELOAD_SECONDS = 10.0


class HomeViews:
    def __init__(self, context: AppContext, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.context = context
        self._monotonic = monotonic
        self._known: set[tuple[str, str]] = set()
        self._loaded_at: float | None = None
        self._loading = asyncio.Lock()

    async def seen(self, address: Address) -> None:
        """This person opened App Home (or it was published for them)."""
        key = (address.workspace_id, address.user_id)
        if key in self._known:
            return
        async with self.context.db.unit_of_work() as session:
            await HomeViewRepository(session).seen(*key, self.context.clock.now())
        self._known.add(key)

    def may_have(self, address: Address) -> bool:
        """Without a query: False only when the loaded set is fresh and says no."""
        stale = self._loaded_at is None or self._monotonic() - self._loaded_at >= RELOAD_SECONDS
        return stale or (address.workspace_id, address.user_id) in self._known

    async def has(self, address: Address) -> bool:
        """Whether this person has an App Home view that may go stale."""
        async with self._loading:
            now = self._monotonic()
            if self._loaded_at is None or now - self._loaded_at >= RELOAD_SECONDS:
                async with self.context.db.unit_of_work() as session:
                    self._known = await HomeViewRepository(session).everyone()
                self._loaded_at = now
        return (address.workspace_id, address.user_id) in self._known
