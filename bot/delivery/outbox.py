"""Queueing proactive messages with an idempotency key, so planning twice never sends twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.runtime.replies import Reply
from storage.models import OutboxMessage
from storage.write_hooks import before_write

_LATER = "outbox_later"


class Outbox:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def enqueue(
        self,
        *,
        key: str,
        person_id: int | None,
        reply: Reply | None = None,
        payload: dict[str, Any] | None = None,
        due_at: datetime | None = None,
        kind: str = "message",
        campaign_id: int | None = None,
        conversation_ref_id: int | None = None,
    ) -> bool:
        """Queue a message unless one with `key` exists; True when this call queued it.

        Give a ready `reply`, or a `kind` with a `payload` that its composer turns into one.
        """
        values = self._values(key, person_id, reply, payload, due_at, kind, campaign_id, conversation_ref_id)
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(OutboxMessage).values(values).on_conflict_do_nothing().returning(OutboxMessage.id)
        )
        # Nothing pending in the session bears on this insert (its ids are flushed already); not
        # flushing keeps the rest of a delivery batch's writes together, one statement per table.
        statement = statement.execution_options(autoflush=False)
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    def enqueue_later(
        self,
        *,
        key: str,
        person_id: int | None,
        payload: dict[str, Any],
        due_at: datetime,
        kind: str,
        campaign_id: int | None = None,
    ) -> None:
        """Like `enqueue`, written with the session's next flush or commit together with the others
        a batch queues this way (one statement, not one each); whether the key was new is not told."""
        values = self._values(key, person_id, None, payload, due_at, kind, campaign_id, None)
        self.session.info.setdefault(_LATER, []).append(values)
        before_write(self.session, _LATER, _write_later)

    def _values(
        self,
        key: str,
        person_id: int | None,
        reply: Reply | None,
        payload: dict[str, Any] | None,
        due_at: datetime | None,
        kind: str,
        campaign_id: int | None,
        conversation_ref_id: int | None,
    ) -> dict[str, Any]:
        if (reply is None) == (payload is None):
            raise ValueError("give either a reply or a payload")
        now = self.clock.now()
        return {
            "key": key,
            "person_id": person_id,
            "conversation_ref_id": conversation_ref_id,
            "campaign_id": campaign_id,
            "kind": kind,
            "reply": reply.to_json() if reply else None,
            "payload": payload,
            "status": "pending",
            "due_at": due_at or now,
            "created_at": now,
        }

    async def bring_forward(self, person_id: int, reason: str, at: datetime) -> int:
        """Messages put off for `reason` until after `at` become due at `at` (leave cut short)."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.person_id == person_id,
                OutboxMessage.status == "pending",
                OutboxMessage.last_error == reason,
                OutboxMessage.due_at > at,
            )
            .values(due_at=at)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _write_later(session: Session) -> None:
    rows = session.info.pop(_LATER, [])
    if rows:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["key"])
        session.connection().execute(statement, rows)
