"""People as an identity provider provisions them: create, update, deactivate, erase.

The provider's own representation of an account is kept as opaque attributes beside the
person; the core reads only the `Profile` the adapter takes from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.audit import AuditLog
from bot.admin.privacy.registry import erase_person
from bot.admin.privacy.sections import SECTIONS
from bot.admin.roles import Principal
from bot.clock import Clock
from bot.delivery.policy import DEACTIVATED
from storage.models import Person, ProvisionedAccount
from storage.repositories.provisioning import ProvisioningRepository


@dataclass(frozen=True, slots=True)
class Profile:
    """What a person's account says about them; None leaves Stafet's own value as it is."""

    email: str | None = None
    display_name: str | None = None
    department: str | None = None
    language: str | None = None
    timezone: str | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class Account:
    """The account as the provider keeps it: a unique name, its own id, and everything it sent."""

    user_name_key: str
    external_id: str | None
    attributes: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Provisioned:
    account: ProvisionedAccount
    person: Person


class NotProvisioned(LookupError):
    """No provisioned account has that id (never provisioned, or erased)."""


class Conflict(ValueError):
    """Another account already has this user name, or another person this email."""

    def __init__(self, field: str) -> None:
        super().__init__(f"another person already has this {field}")
        self.field = field


class StaleVersion(ValueError):
    """The caller changed an older version of the account than the one stored."""


class ProvisioningService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.accounts = ProvisioningRepository(session)
        self.audit = AuditLog(session, clock)

    async def get(self, person_id: int, version: int | None = None) -> Provisioned:
        found = await self.accounts.get(person_id)
        if found is None:
            raise NotProvisioned(person_id)
        if version is not None and found[0].version != version:
            raise StaleVersion(person_id)
        return Provisioned(*found)

    async def page(self, offset: int, limit: int) -> tuple[list[Provisioned], int]:
        rows, total = await self.accounts.page(offset, limit)
        return [Provisioned(a, p) for a, p in rows], total

    async def matching(self, where: Sequence[tuple[str, Any]], limit: int) -> list[Provisioned]:
        return [Provisioned(a, p) for a, p in await self.accounts.matching(where, limit)]

    async def create(self, by: Principal, account: Account, profile: Profile) -> Provisioned:
        """A new account; someone already known by the same email (from CSV, or chat) is adopted."""
        taken, person, provisioned = await self.accounts.claims(account.user_name_key, profile.email)
        if taken:
            raise Conflict("userName")
        if provisioned:
            raise Conflict("email")
        now = self.clock.now()
        adopted = person is not None
        if person is None:
            person = Person(created_at=now, email=profile.email)
            self.session.add(person)
        person.imported_at = person.imported_at or now  # vouched for: counts towards a survey's k
        try:
            changed = await self._apply(person, profile)
            row = await self.accounts.add(
                ProvisionedAccount(
                    person_id=person.id,
                    user_name_key=account.user_name_key,
                    external_id=account.external_id,
                    attributes=account.attributes,
                    created_at=now,
                    updated_at=now,
                )
            )
        except IntegrityError:  # the same account, sent twice at once: the unique indexes decide
            raise Conflict("userName or email") from None
        await self.audit.record(
            by, "people.provision", f"person:{person.id}", adopted=adopted, fields=changed
        )
        return Provisioned(row, person)

    async def update(
        self, by: Principal, found: Provisioned, account: Account, profile: Profile
    ) -> Provisioned:
        """Change an account read with `get` (which checked the version) in this unit of work."""
        row, person = found.account, found.person
        if account.user_name_key != row.user_name_key:
            other = await self.accounts.by_user_name(account.user_name_key)
            if other is not None and other.person_id != person.id:
                raise Conflict("userName")
            row.user_name_key = account.user_name_key
        was_active = person.active
        changed = await self._apply(person, profile)
        row.external_id = account.external_id
        row.attributes = account.attributes
        row.version += 1
        row.updated_at = self.clock.now()
        await self.session.flush()
        await self.audit.record(by, "people.provision.update", f"person:{person.id}", fields=changed)
        if was_active != person.active:
            action = "people.reactivate" if person.active else "people.deactivate"
            await self.audit.record(by, action, f"person:{person.id}")
        return Provisioned(row, person)

    async def erase(self, by: Principal, person_id: int, version: int | None = None) -> dict[str, int]:
        """Leavers are forgotten by the usual rules: an anonymous tombstone keeps aggregates valid."""
        found = await self.get(person_id, version)
        counts = await erase_person(SECTIONS, self.session, found.person)
        await self.audit.record(by, "people.forget", f"person:{person_id}", rows=counts)
        return counts

    async def _apply(self, person: Person, profile: Profile) -> list[str]:
        """Copy the profile onto the person; returns the names of the fields that changed."""
        if profile.email and profile.email != person.email:
            other = await self.accounts.person_by_email(profile.email)
            if other is not None and other[0].id != person.id:
                raise Conflict("email")
        changed = []
        for field in fields(Profile):
            value = getattr(profile, field.name)
            if value is None or value == getattr(person, field.name):
                continue
            setattr(person, field.name, value)
            changed.append(field.name)
        if "active" in changed and not person.active and person.id is not None:
            await self.accounts.drop_unsent(person.id, DEACTIVATED)
        await self.session.flush()
        return changed
