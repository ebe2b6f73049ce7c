"""Messages the worker gave up on, with the reason, for the admin dashboard and the CLI.

`dead_letters(session)` lists them newest first; `retry(session, ids, now)` queues them again
with a fresh attempt count. Statuses of outbox rows: pending, sending, sent, held (campaign
paused), dropped (opted out, answered, participation paused), skipped (nothing to send),
cancelled (campaign finished), undeliverable (no reachable conversation), dead (gave up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    key: str
    person_id: int | None
    campaign_id: int | None
    kind: str
    attempts: int
    reason: str
    last_due_at: datetime


async def dead_letters(session: AsyncSession, limit: int = 100) -> list[DeadLetter]:
    """Dead and undeliverable rows, newest first, with the last error as the reason."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status.in_(("dead", "undeliverable")))
        .order_by(OutboxMessage.due_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return [
        DeadLetter(r.id, r.key, r.person_id, r.campaign_id, r.kind, r.attempts, r.last_error or "", r.due_at)
        for r in rows
    ]


async def retry(session: AsyncSession, ids: Sequence[int], now: datetime) -> int:
    """Queue dead rows again, now, with their attempts reset; returns how many."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(("dead", "undeliverable")))
        .values(status="pending", attempts=0, due_at=now, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(statement)).rowcount  # type: ignore[attr-defined]
