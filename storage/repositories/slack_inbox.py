"""The Slack inbox: requests stored before their ack, leased to the process running their turn."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.slack_inbox import SlackInboxEntry


@dataclass(frozen=True, slots=True)
class NewEntry:
    event_key: str
    kind: str
    payload: str


@dataclass(frozen=True, slots=True)
class StoredEntry:
    id: int
    kind: str
    payload: str
    attempts: int


ROWS_PER_INSERT = 500  # 6 parameters a row on SQLite, far below its limit of 32,766 a statement


def store_batch(
    connection: Any,
    dialect: Dialect,
    new: Sequence[NewEntry],
    finished: Sequence[int],
    owner: str,
    now: datetime,
    lease: datetime,
) -> dict[str, int]:
    """Insert the new keys and mark the finished turns done, in the caller's transaction on a
    DBAPI `connection`: the ids of the new keys (repeats of stored keys are absent).

    This is the ack's own write, once per group commit: written for the driver directly, one
    statement per few hundred rows, it costs a fraction of what the same statements cost through
    SQLAlchemy's execution layer."""
    instant = SlackInboxEntry.__table__.c.due_at.type.dialect_impl(dialect).bind_processor(dialect)
    instant = instant or (lambda value: value)
    at, due = instant(now), instant(lease)
    ids: dict[str, int] = {}
    cursor = connection.cursor()
    try:
        for start in range(0, len(new), ROWS_PER_INSERT):
            rows = new[start : start + ROWS_PER_INSERT]
            cursor.execute(*_insert(dialect.name, rows, owner, due, at))
            ids.update((key, id_) for id_, key in cursor.fetchall())
        if finished:
            mark = "?" if dialect.name == "sqlite" else "%s"
            cursor.execute(
                "UPDATE slack_inbox SET status = 'done', payload = NULL, owner = NULL "
                f"WHERE id IN ({', '.join([mark] * len(finished))})",
                list(finished),
            )
    finally:
        cursor.close()
    return ids


def _insert(
    dialect_name: str, rows: Sequence[NewEntry], owner: str, due: Any, at: Any
) -> tuple[str, list[Any]]:
    """PostgreSQL takes the rows as three arrays: one statement for any number of rows, which
    the driver prepares once, and six parameters in all. SQLite takes one VALUES list."""
    columns = "event_key, kind, payload, status, owner, due_at, attempts, received_at"
    if dialect_name == "postgresql":
        return (
            f"INSERT INTO slack_inbox ({columns}) "
            "SELECT key, kind, payload, 'pending', %s, %s, 0, %s "
            "FROM unnest(%s::text[], %s::text[], %s::text[]) AS batch (key, kind, payload) "
            "ON CONFLICT DO NOTHING RETURNING id, event_key",
            [owner, due, at, [e.event_key for e in rows], [e.kind for e in rows], [e.payload for e in rows]],
        )
    values = ", ".join(["(?, ?, ?, 'pending', ?, ?, 0, ?)"] * len(rows))
    return (
        f"INSERT INTO slack_inbox ({columns}) VALUES {values} ON CONFLICT DO NOTHING RETURNING id, event_key",
        [v for e in rows for v in (e.event_key, e.kind, e.payload, owner, due, at)],
    )


class SlackInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def fail(self, entry_id: int, retry_at: Callable[[int], datetime | None]) -> bool:
        """The turn failed before its commit: tried again at `retry_at(attempts)`, or given up
        (its text erased) when that is None. True if it will be tried again."""
        entry = await self.session.get(SlackInboxEntry, entry_id)
        assert entry is not None
        entry.attempts += 1
        entry.owner = None
        due = retry_at(entry.attempts)
        if due is None:
            entry.status, entry.payload = "failed", None
        else:
            entry.due_at = due
        await self.session.flush()
        return due is not None

    async def renew(self, owner: str, lease: datetime) -> None:
        """The turns `owner` is still working on (or has queued) stay its own until `lease`."""
        await self.session.execute(
            update(SlackInboxEntry)
            .where(SlackInboxEntry.owner == owner, SlackInboxEntry.status == "pending")
            .values(due_at=lease)
        )

    async def claim_due(
        self, owner: str, now: datetime, lease: datetime, limit: int, *, orphans: bool = False
    ) -> list[StoredEntry]:
        """Pending turns whose lease expired (their process died) or whose retry is due, oldest
        first; with `orphans`, also those any other process holds now."""
        due = SlackInboxEntry.due_at <= now
        if orphans:
            due = or_(due, and_(SlackInboxEntry.owner.is_not(None), SlackInboxEntry.owner != owner))
        query = (
            select(SlackInboxEntry)
            .where(SlackInboxEntry.status == "pending", due)
            .order_by(SlackInboxEntry.id)
            .limit(limit)
        )
        if self.session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        entries = (await self.session.scalars(query)).all()
        for entry in entries:
            entry.owner, entry.due_at = owner, lease
        await self.session.flush()
        return [StoredEntry(e.id, e.kind, e.payload or "{}", e.attempts) for e in entries]

    async def forget_before(self, cutoff: datetime) -> int:
        """Finished keys older than any Slack retry are no longer needed."""
        result = await self.session.execute(
            delete(SlackInboxEntry).where(
                SlackInboxEntry.status != "pending", SlackInboxEntry.received_at < cutoff
            )
        )
        return result.rowcount or 0
