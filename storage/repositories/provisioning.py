"""Provisioned accounts and the people they belong to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, Person, ProvisionedAccount

# What an account can be looked up by without scanning: the columns behind the indexes.
LOOKUPS: dict[str, Any] = {
    "id": ProvisionedAccount.person_id,
    "user_name": ProvisionedAccount.user_name_key,
    "external_id": ProvisionedAccount.external_id,
    "email": func.lower(Person.email),
}


class ProvisioningRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int) -> tuple[ProvisionedAccount, Person] | None:
        row = (
            await self.session.execute(
                select(ProvisionedAccount, Person)
                .join(Person, Person.id == ProvisionedAccount.person_id)
                .where(ProvisionedAccount.person_id == person_id)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def by_user_name(self, key: str) -> ProvisionedAccount | None:
        return await self.session.scalar(
            select(ProvisionedAccount).where(ProvisionedAccount.user_name_key == key)
        )

    async def page(
        self, where: Sequence[tuple[str, Any]], offset: int, limit: int
    ) -> tuple[list[tuple[ProvisionedAccount, Person]], int]:
        """Accounts matching every (lookup, value) pair, in id order, and how many match in all."""
        condition: ColumnElement[bool] = true()
        for lookup, value in where:
            condition = condition & (LOOKUPS[lookup] == value)
        base = select(ProvisionedAccount, Person).join(Person, Person.id == ProvisionedAccount.person_id)
        total = await self.session.scalar(select(func.count()).select_from(base.where(condition).subquery()))
        rows = await self.session.execute(
            base.where(condition).order_by(ProvisionedAccount.person_id).offset(offset).limit(limit)
        )
        return [(a, p) for a, p in rows.all()], int(total or 0)

    async def add(self, account: ProvisionedAccount) -> ProvisionedAccount:
        self.session.add(account)
        await self.session.flush()
        return account

    async def drop_unsent(self, person_id: int, reason: str) -> int:
        """Messages waiting for a person are dropped at once (a worker mid-send finishes its one)."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.person_id == person_id, OutboxMessage.status.in_(("pending", "held")))
            .values(status="dropped", last_error=reason)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
