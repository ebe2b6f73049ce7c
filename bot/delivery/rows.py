"""What happens to one outbox row: where it goes, what it says, and its fate after a failure."""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.delivery.compose import Composer
from bot.delivery.messenger import DeliveryError, Messenger, Target
from bot.delivery.policy import Decision
from bot.runtime.events import Address, Platform
from bot.runtime.replies import Reply
from storage.models import ConversationRef, OutboxMessage, Person
from storage.repositories.people import PeopleRepository

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 3600.0


def apply_decision(row: OutboxMessage, decision: Decision) -> None:
    row.lease_until = None
    row.last_error = decision.reason or None
    if decision.action == "drop":
        row.status = "dropped"
    elif decision.action == "hold":
        row.status = "held"
    else:
        row.status = "pending"
        row.due_at = decision.until or row.due_at


def give_up_or_retry(row: OutboxMessage, error: DeliveryError, now: datetime, max_attempts: int) -> None:
    """429: again after Retry-After (not an attempt). Otherwise backoff with jitter, then dead."""
    row.lease_until = None
    row.last_error = str(error)[:2000]
    if error.retry_after is not None and not error.permanent:
        row.status, row.due_at = "pending", now + timedelta(seconds=error.retry_after)
        return
    row.attempts += 1
    if error.permanent or row.attempts >= max_attempts:
        row.status = "dead"
        log.warning("outbox message %s dead after %s attempts: %s", row.id, row.attempts, error)
        return
    delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (row.attempts - 1))
    row.status, row.due_at = "pending", now + timedelta(seconds=delay * random.uniform(0.5, 1.5))


async def reply_for(
    session: AsyncSession,
    row: OutboxMessage,
    person: Person | None,
    now: datetime,
    app: AppContext,
    composers: Mapping[str, Composer],
) -> Reply | None:
    if row.reply is not None:
        return Reply.from_json(row.reply)
    composer = composers.get(row.kind)
    if composer is None or person is None:
        log.error("outbox message %s: no composer for kind %r or no person", row.id, row.kind)
        return None
    return await composer(session, person, row.payload or {}, now, app)


async def target_for(
    session: AsyncSession, row: OutboxMessage, messengers: Mapping[Platform, Messenger]
) -> Target | None:
    if row.conversation_ref_id is not None:
        ref = await session.get(ConversationRef, row.conversation_ref_id)
        candidates = [(ref, None)] if ref else []
    elif row.person_id is not None:
        candidates = await PeopleRepository(session).personal_conversations(row.person_id)
    else:
        candidates = []
    for ref, identity in candidates:
        platform = Platform(ref.platform)
        if platform in messengers:
            user_id = identity.user_id if identity else ""
            address = Address(platform, ref.workspace_id, ref.conversation_id, user_id)
            return Target(address, ref.reference, row.key)
    return None
