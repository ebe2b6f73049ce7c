"""Shared token buckets: locked for the length of one claiming transaction, so workers take
turns spending a workspace's tokens instead of each spending them all.

A claim locks hundreds of buckets (one per conversation it sends to), so they are read and
written as plain rows in one statement each way, not as ORM objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Float, String, bindparam, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from storage.lists import array_rows, one_of
from storage.models import RateBucket

TABLE = RateBucket.__table__


@dataclass(slots=True)
class Bucket:
    key: str
    tokens: float
    updated_at: float  # seconds since the epoch, of the injected clock
    blocked_until: float


class RateBucketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, full: Mapping[str, float], now: float) -> dict[str, Bucket]:
        """The buckets named in `full`, created with that many tokens when new, locked until the
        transaction ends; `store` writes back what the caller changed."""
        wanted = sorted(full)  # always in the same order: two workers never deadlock
        if not wanted:
            return {}
        await self.session.execute(self._create(wanted, [full[key] for key in wanted], now))
        found = await self.session.execute(
            select(TABLE.c.key, TABLE.c.tokens, TABLE.c.updated_at, TABLE.c.blocked_until)
            .where(one_of(self.session, RateBucket.key, wanted))
            .order_by(TABLE.c.key)
            .with_for_update()
        )
        return {row.key: Bucket(*row) for row in found}

    def _create(self, keys: list[str], tokens: list[float], now: float) -> Insert:
        """INSERT of the buckets that do not exist yet; on PostgreSQL from two arrays (`unnest`),
        so the statement has four parameters however many buckets there are."""
        if self.session.bind.dialect.name != "postgresql":
            values = [
                {"key": key, "tokens": full, "updated_at": now, "blocked_until": 0.0}
                for key, full in zip(keys, tokens, strict=True)
            ]
            return sqlite.insert(TABLE).values(values).on_conflict_do_nothing()
        new = array_rows(("key", String, keys), ("tokens", Float, tokens))
        rows = select(new.c.key, new.c.tokens, literal(now, Float), literal(0.0, Float))
        columns = ["key", "tokens", "updated_at", "blocked_until"]
        return postgresql.insert(TABLE).from_select(columns, rows).on_conflict_do_nothing()

    async def store(self, buckets: Iterable[Bucket]) -> None:
        """Write locked buckets back in one statement: on PostgreSQL an UPDATE from arrays, one
        statement for all (an executemany would run one UPDATE per bucket on the server)."""
        changed = list(buckets)
        if not changed:
            return
        if self.session.bind.dialect.name != "postgresql":
            await self.session.execute(
                update(TABLE)
                .where(TABLE.c.key == bindparam("b_key"))
                .values(
                    tokens=bindparam("b_tokens"),
                    updated_at=bindparam("b_updated"),
                    blocked_until=bindparam("b_blocked"),
                ),
                [
                    {
                        "b_key": b.key,
                        "b_tokens": b.tokens,
                        "b_updated": b.updated_at,
                        "b_blocked": b.blocked_until,
                    }
                    for b in changed
                ],
            )
            return
        new = array_rows(
            ("key", String, [b.key for b in changed]),
            ("tokens", Float, [b.tokens for b in changed]),
            ("updated_at", Float, [b.updated_at for b in changed]),
            ("blocked_until", Float, [b.blocked_until for b in changed]),
        )
        await self.session.execute(
            update(TABLE)
            .where(TABLE.c.key == new.c.key)
            .values(tokens=new.c.tokens, updated_at=new.c.updated_at, blocked_until=new.c.blocked_until)
        )

    async def block(self, key: str, until: float) -> None:
        """A 429 told one worker to wait: every worker waits, and the bucket holds one token
        when the wait is over (it refills from then)."""
        await self.session.execute(
            update(RateBucket)
            .where(RateBucket.key == key, RateBucket.blocked_until < until)
            .values(blocked_until=until, tokens=1.0, updated_at=until)
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
