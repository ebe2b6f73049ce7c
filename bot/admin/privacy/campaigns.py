"""What campaigns store about a person: participation and delivery preferences."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.privacy.registry import PersonalData
from storage.models import CampaignParticipant, DeliveryPreference, Person


def _plain(row: Any) -> dict[str, Any]:
    values = {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in ("id", "person_id")}
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


async def _export(session: AsyncSession, person: Person) -> dict[str, Any]:
    taking_part = await session.scalars(
        select(CampaignParticipant).where(CampaignParticipant.person_id == person.id)
    )
    preferences = await session.scalars(
        select(DeliveryPreference).where(DeliveryPreference.person_id == person.id)
    )
    return {
        "participation": [_plain(p) for p in taking_part],
        "preferences": [_plain(p) for p in preferences],
    }


async def _erase(session: AsyncSession, person: Person) -> int:
    a = await session.execute(delete(CampaignParticipant).where(CampaignParticipant.person_id == person.id))
    b = await session.execute(delete(DeliveryPreference).where(DeliveryPreference.person_id == person.id))
    return int(a.rowcount or 0) + int(b.rowcount or 0)  # type: ignore[attr-defined]


SECTIONS: tuple[PersonalData, ...] = (PersonalData("campaigns", _export, _erase),)
