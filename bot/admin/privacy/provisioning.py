"""What an identity provider sent about a person: their account there, as it was provisioned."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.privacy.registry import PersonalData
from storage.models import Person, ProvisionedAccount


async def _account(session: AsyncSession, person: Person) -> dict[str, Any] | None:
    account = await session.get(ProvisionedAccount, person.id)
    if account is None:
        return None
    return {
        "external_id": account.external_id,
        "attributes": account.attributes,
        "created_at": account.created_at.isoformat(),
        "updated_at": account.updated_at.isoformat(),
    }


async def _erase_account(session: AsyncSession, person: Person) -> int:
    result = await session.execute(
        delete(ProvisionedAccount).where(ProvisionedAccount.person_id == person.id)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


SECTIONS: tuple[PersonalData, ...] = (PersonalData("provisioned_account", _account, _erase_account),)
