"""Messages the worker gave up on, with the reason, for the admin dashboard and the CLI.

`dead_letters(session)` lists them newest first, with recipient and campaign names;
`retry(session, ids, now)` queues them again with a fresh attempt count. Statuses of outbox
rows: pending, sending, sent, held (campaign paused), dropped (opted out, answered,
participation paused), skipped (nothing to send), cancelled (campaign finished),
undeliverable (no reachable conversation), dead (gave up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Campaign, OutboxMessage, Person

GAVE_UP = ("dead", "undeliverable")


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    status: str
    kind: str
    recipient: str | None  # name or email; None if forgotten or hidden (see `_recipient`)
    campaign: str | None
    platform: str | None
    attempts: int
    reason: str
    last_due_at: datetime


async def dead_letters(
    session: AsyncSession, limit: int = 100, offset: int = 0
) -> tuple[list[DeadLetter], int]:
    """Dead and undeliverable rows, newest first, with the last error as the reason; and how many."""
    total = await session.scalar(select(func.count()).where(OutboxMessage.status.in_(GAVE_UP)))
    rows = await session.execute(
        select(OutboxMessage, Person.display_name, Person.email, Campaign.name)
        .outerjoin(Person, Person.id == OutboxMessage.person_id)
        .outerjoin(Campaign, Campaign.id == OutboxMessage.campaign_id)
        .where(OutboxMessage.status.in_(GAVE_UP))
        .order_by(OutboxMessage.due_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
        .offset(offset)
    )
    letters = [
        DeadLetter(
            r.id, r.status, r.kind, _recipient(r.kind, name or email), campaign, r.platform, r.attempts,
            r.last_error or "", r.due_at,
        )
        for r, name, email, campaign in rows
    ]  # fmt: skip
    return letters, total or 0


def _recipient(kind: str, name: str | None) -> str | None:
    """Only composed messages (nudges, survey questions, digests) name their recipient: a ready
    "message" may be the answer to an anonymous question, and naming it would name the asker."""
    return None if kind == "message" else name


async def retry(session: AsyncSession, ids: Sequence[int] | None, now: datetime) -> list[int]:
    """Queue dead rows again (the given ones, or all with None), now, with their attempts reset."""
    chosen = OutboxMessage.status.in_(GAVE_UP)
    if ids is not None:
        chosen = chosen & OutboxMessage.id.in_(ids)
    statement = (
        update(OutboxMessage)
        .where(chosen)
        .values(status="pending", attempts=0, due_at=now, lease_until=None)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return sorted((await session.execute(statement)).scalars())
