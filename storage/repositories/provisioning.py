"""Provisioned accounts and the people they belong to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload

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
                .options(lazyload(Person.identities))
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def person_by_email(self, email: str) -> tuple[Person, ProvisionedAccount | None] | None:
        """The (not erased) person with this email, and their account if they have one."""
        row = (
            await self.session.execute(
                select(Person, ProvisionedAccount)
                .outerjoin(ProvisionedAccount, ProvisionedAccount.person_id == Person.id)
                .where(func.lower(Person.email) == email.strip().lower())
                .options(lazyload(Person.identities))
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def claims(self, user_name_key: str, email: str | None) -> tuple[bool, Person | None, bool]:
        """In one query: is the user name taken, who has the email, and are they provisioned."""
        taken = select(ProvisionedAccount.person_id).where(ProvisionedAccount.user_name_key == user_name_key)
        one = select(literal(1).label("one")).subquery()
        row = (
            await self.session.execute(
                select(taken.exists().label("taken"), Person, ProvisionedAccount.person_id)
                .select_from(one)
                .outerjoin(Person, func.lower(Person.email) == (email or "").strip().lower())
                .outerjoin(ProvisionedAccount, ProvisionedAccount.person_id == Person.id)
                .options(lazyload(Person.identities))
                .limit(1)
            )
        ).one()
        return bool(row[0]), row[1], row[2] is not None

    async def by_user_name(self, key: str) -> ProvisionedAccount | None:
        return await self.session.scalar(
            select(ProvisionedAccount).where(ProvisionedAccount.user_name_key == key)
        )

    async def page(self, offset: int, limit: int) -> tuple[list[tuple[ProvisionedAccount, Person]], int]:
        """One page of every account, in id order, and how many there are in all."""
        total = await self.session.scalar(select(func.count()).select_from(ProvisionedAccount))
        return await self.matching((), limit, offset), int(total or 0)

    async def matching(
        self, where: Sequence[tuple[str, Any]], limit: int, offset: int = 0
    ) -> list[tuple[ProvisionedAccount, Person]]:
        """Accounts matching every (lookup, value) pair, in id order."""
        condition: ColumnElement[bool] = true()
        for lookup, value in where:
            condition = condition & (LOOKUPS[lookup] == value)
        rows = await self.session.execute(
            select(ProvisionedAccount, Person)
            .join(Person, Person.id == ProvisionedAccount.person_id)
            .where(condition)
            .options(lazyload(Person.identities))
            .order_by(ProvisionedAccount.person_id)
            .offset(offset)
            .limit(limit)
        )
        return [(a, p) for a, p in rows.all()]

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
