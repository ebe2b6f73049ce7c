"""A person's own delivery preferences: quiet hours, out of office, opting out of campaigns."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DeliveryPreference


class PreferenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int) -> DeliveryPreference | None:
        return await self.session.get(DeliveryPreference, person_id)

    async def for_person(self, person_id: int) -> DeliveryPreference:
        """The person's row, created on first use (most people never change a preference)."""
        preference = await self.get(person_id)
        if preference is None:
            preference = DeliveryPreference(person_id=person_id)
            self.session.add(preference)
            await self.session.flush()
        return preference
