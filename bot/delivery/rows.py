"""What happens to one outbox row: where it goes, what it says, and its fate after a failure."""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload

from bot.context import AppContext
from bot.delivery.compose import Composer
from bot.delivery.messenger import DeliveryError, Messenger, Target
from bot.delivery.policy import Decision
from bot.runtime.events import Address, Platform
from bot.runtime.replies import Reply
from storage.lists import one_of
from storage.models import ConversationRef, Identity, OutboxMessage, Person

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
    """429: again after Retry-After (not an attempt). Otherwise backoff with jitter, then dead.
    The backoff counts from the attempt's start: a send that waited out its timeout has waited
    it already.

    An unknown outcome (no answer in time) stays leased until the backoff ends, so the next
    claim asks the platform whether the message arrived before sending it again."""
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
    again = now + timedelta(seconds=max(0.0, delay * random.uniform(0.5, 1.5) - error.waited))
    if error.unknown:
        row.status, row.lease_until = "sending", again
    else:
        row.status, row.due_at = "pending", again


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


async def targets_for(
    session: AsyncSession,
    rows: Sequence[OutboxMessage],
    messengers: Mapping[Platform, Messenger],
    *,
    unverified: bool = False,
) -> dict[int, Target]:
    """Where each row goes: its own conversation, else its person's newest direct conversation
    on a configured platform (one query for the whole batch). Rows without a target are absent.
    `unverified` (the open demo web chat) also allows unverified conversations, after all others."""
    person_ids = [r.person_id for r in rows if r.conversation_ref_id is None and r.person_id is not None]
    personal: dict[int, list[tuple[ConversationRef, Identity | None]]] = defaultdict(list)
    if person_ids:
        # Two indexed look-ups: as one join, PostgreSQL hashed the whole conversations table.
        kinds = ("personal", "unverified") if unverified else ("personal",)
        identities = {
            identity.id: identity
            for identity in await session.scalars(
                select(Identity)
                .where(
                    one_of(session, Identity.person_id, person_ids),
                    Identity.active.is_(True),  # deactivated on the platform: nobody is there to read it
                )
                .options(lazyload(Identity.person))  # the claim loads the people; joining them cost 60 ms
            )
        }
        refs = await session.scalars(
            select(ConversationRef)
            .where(
                one_of(session, ConversationRef.identity_id, list(identities)),
                ConversationRef.kind.in_(kinds),
            )
            .order_by(
                (ConversationRef.kind == "unverified").asc(),
                ConversationRef.updated_at.desc(),
                ConversationRef.id.desc(),
            )
        )
        for ref in refs:
            owner = identities[ref.identity_id] if ref.identity_id is not None else None
            if owner is not None:
                personal[owner.person_id].append((ref, owner))
    targets: dict[int, Target] = {}
    for row in rows:
        if row.conversation_ref_id is not None:
            ref = await session.get(ConversationRef, row.conversation_ref_id)
            owner = await session.get(Identity, ref.identity_id) if ref and ref.identity_id else None
            reachable = ref is not None and (owner is None or owner.active)
            candidates: list[tuple[ConversationRef, Identity | None]] = [(ref, None)] if reachable else []
        else:
            candidates = personal.get(row.person_id or 0, [])
        for ref, identity in candidates:
            platform = Platform(ref.platform)
            if platform in messengers:
                address = Address(
                    platform, ref.workspace_id, ref.conversation_id, identity.user_id if identity else ""
                )
                targets[row.id] = Target(address, ref.reference, row.key)
                break
    return targets
