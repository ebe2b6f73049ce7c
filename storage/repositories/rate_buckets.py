"""Shared token buckets: locked for the length of one claiming transaction, so workers take
turns spending a workspace's tokens instead of each spending them all."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import RateBucket


class RateBucketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, full: Mapping[str, float], now: float) -> dict[str, RateBucket]:
        """The buckets named in `full`, created with that many tokens when new, locked until the
        transaction ends."""
        wanted = sorted(full)  # always in the same order: two workers never deadlock
        if not wanted:
            return {}
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        await self.session.execute(
            dialect.insert(RateBucket)
            .values([{"key": k, "tokens": full[k], "updated_at": now, "blocked_until": 0.0} for k in wanted])
            .on_conflict_do_nothing()
        )
        found = await self.session.scalars(
            select(RateBucket).where(RateBucket.key.in_(wanted)).order_by(RateBucket.key).with_for_update()
        )
        return {bucket.key: bucket for bucket in found}

    async def block(self, key: str, until: float) -> None:
        """A 429 told one worker to wait: every worker waits."""
        await self.session.execute(
            update(RateBucket)
            .where(RateBucket.key == key, RateBucket.blocked_until < until)
            .values(blocked_until=until, tokens=0.0)
        )

    async def prune(self, idle_since: float) -> int:
        """Buckets untouched since `idle_since` have refilled: a missing bucket is made full, so
        they go (one per conversation ever written to would otherwise pile up)."""
        result = await self.session.execute(
            delete(RateBucket).where(
                RateBucket.updated_at < idle_since, RateBucket.blocked_until < idle_since
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
