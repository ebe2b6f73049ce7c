"""Recognising the person behind a platform identity, and linking identities by email."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import normalise_language
from bot.runtime.events import Address, Profile
from storage.models import Person
from storage.repositories.people import PeopleRepository


class PeopleService:
    def __init__(self, people: PeopleRepository) -> None:
        self.people = people

    async def identify(
        self,
        address: Address,
        profile: Profile,
        now: datetime,
        *,
        active: bool = True,
        verified: bool = True,
    ) -> Person:
        """The person behind `address`: known, linked by email, or created on first contact;
        `active` records that they did something just now, `verified` that the platform vouches
        for who they are (else their conversation here is kept as an unverified one)."""
        identity = await self.people.identity(address.platform.value, address.workspace_id, address.user_id)
        if identity is not None:
            person = identity.person
        else:
            person = await self._by_email_or_new(profile, now)
            identity = await self.people.add_identity(
                person, address.platform.value, address.workspace_id, address.user_id, now
            )
        self._enrich(person, profile)
        if active:
            person.last_active_at = now
        await self.people.remember_conversation(
            platform=address.platform.value,
            workspace_id=address.workspace_id,
            conversation_id=address.conversation_id,
            identity_id=identity.id,
            now=now,
            kind="personal" if verified else "unverified",
        )
        return person

    async def _by_email_or_new(self, profile: Profile, now: datetime) -> Person:
        if profile.email:
            existing = await self.people.by_email(profile.email)
            if existing is not None:
                return existing
        return await self.people.add_person(
            now,
            email=profile.email.strip().lower() if profile.email else None,
            display_name=profile.display_name or "",
            language=normalise_language(profile.language),
            timezone=profile.timezone,
        )

    @staticmethod
    def _enrich(person: Person, profile: Profile) -> None:
        """Fill gaps from the platform; never overwrite what HR imported or the person chose."""
        if not person.display_name and profile.display_name:
            person.display_name = profile.display_name
        if not person.timezone and profile.timezone:
            person.timezone = profile.timezone
        if not person.language:
            person.language = normalise_language(profile.language)
