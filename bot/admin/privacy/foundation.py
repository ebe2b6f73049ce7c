"""What the foundation stores about a person: the profile, identities, conversations, web chat, outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.privacy.registry import PersonalData
from storage.models import ConversationRef, Identity, OutboxMessage, Person, WebchatMessage


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def _profile(_session: AsyncSession, person: Person) -> dict[str, Any]:
    fields = ("email", "display_name", "department", "role", "language", "timezone", "is_ambassador")
    return {
        **{f: getattr(person, f) for f in fields},
        "created_at": _iso(person.created_at),
        "last_active_at": _iso(person.last_active_at),
        "introduced_at": _iso(person.introduced_at),
    }


async def _erase_profile(_session: AsyncSession, person: Person) -> int:
    """The row stays as an anonymous tombstone (department and role keep aggregates valid)."""
    person.email = None
    person.display_name = ""
    person.language = None
    person.timezone = None
    person.is_ambassador = False
    person.last_active_at = None
    person.introduced_at = None
    return 1


async def _identities(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(Identity).where(Identity.person_id == person.id).order_by(Identity.id)
    )
    return [
        {
            "platform": i.platform,
            "workspace_id": i.workspace_id,
            "user_id": i.user_id,
            "active": i.active,
            "created_at": _iso(i.created_at),
        }
        for i in rows
    ]


def _identity_ids(person: Person) -> Any:
    return select(Identity.id).where(Identity.person_id == person.id)


async def _conversations(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(ConversationRef).where(ConversationRef.identity_id.in_(_identity_ids(person)))
    )
    return [
        {
            "platform": c.platform,
            "conversation_id": c.conversation_id,
            "kind": c.kind,
            "updated_at": _iso(c.updated_at),
        }
        for c in rows
    ]


async def _erase_identities(session: AsyncSession, person: Person) -> int:
    refs = await session.execute(
        delete(ConversationRef).where(ConversationRef.identity_id.in_(_identity_ids(person)))
    )
    result = await session.execute(delete(Identity).where(Identity.person_id == person.id))
    session.expire(person, ["identities"])
    return int(refs.rowcount or 0) + int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _erase_conversations(_session: AsyncSession, _person: Person) -> int:
    return 0  # erased together with the identities they belong to


async def _webchat(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(WebchatMessage).where(WebchatMessage.person_id == person.id).order_by(WebchatMessage.id)
    )
    return [{"from": m.sender, "text": m.text, "chosen": m.chosen, "at": _iso(m.created_at)} for m in rows]


async def _erase_webchat(session: AsyncSession, person: Person) -> int:
    result = await session.execute(delete(WebchatMessage).where(WebchatMessage.person_id == person.id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _outbox(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.person_id == person.id).order_by(OutboxMessage.id)
    )
    return [
        {
            "kind": m.kind,
            "status": m.status,
            "campaign_id": m.campaign_id,
            "reply": m.reply,
            "payload": m.payload,
            "due_at": _iso(m.due_at),
            "sent_at": _iso(m.sent_at),
        }
        for m in rows
    ]


async def _erase_outbox(session: AsyncSession, person: Person) -> int:
    """Unsent messages go; sent ones lose person and content but still count for their campaign."""
    pending = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.person_id == person.id, OutboxMessage.status != "sent")
    )
    sent = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person.id)
        .values(person_id=None, conversation_ref_id=None, reply=None, payload=None, last_error=None)
    )
    return int(pending.rowcount or 0) + int(sent.rowcount or 0)  # type: ignore[attr-defined]


SECTIONS: tuple[PersonalData, ...] = (
    PersonalData("profile", _profile, _erase_profile),
    PersonalData("identities", _identities, _erase_identities),
    PersonalData("conversations", _conversations, _erase_conversations),
    PersonalData("webchat_messages", _webchat, _erase_webchat),
    PersonalData("outbox", _outbox, _erase_outbox),
)
