"""Messages Stafet gave up on, as HR sees them, and sending them again (audit-logged)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.audit import AuditLog
from bot.admin.roles import Principal
from bot.clock import Clock
from bot.delivery.dead_letters import DeadLetter, dead_letters, retry

MAX_IDS = 500
MAX_ID = 2**31 - 1  # outbox ids are 32-bit on PostgreSQL and fit SQLite's INTEGER

__all__ = ["MAX_ID", "MAX_IDS", "DeadLetter", "dead_letters", "send_again"]


async def send_again(
    session: AsyncSession, clock: Clock, who: Principal, ids: Sequence[int] | None
) -> list[int]:
    """Queue the given dead letters (or all of them with None) again; the ids that were queued."""
    queued = await retry(session, ids, clock.now())
    if queued:
        chosen = "all" if ids is None else ",".join(str(i) for i in queued[:50])
        await AuditLog(session, clock).record(who, "delivery.retry", f"outbox:{chosen}", count=len(queued))
    return queued
