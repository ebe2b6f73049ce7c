"""Who a campaign or a survey wave is for, as one SQL query (it must scale to 100,000 people)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, false, or_, select

from storage.models import Identity, Person

# Platforms whose signed requests vouch that an identity belongs to a real account.
VERIFYING_PLATFORMS = ("slack", "teams")


@dataclass(frozen=True, slots=True)
class Audience:
    """Everyone, or the union of departments, roles, ambassadors and an explicit list of emails."""

    everyone: bool = False
    departments: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    ambassadors: bool = False
    emails: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nobody chosen at all: such a campaign or wave reaches no one."""
        return not (self.everyone or self.departments or self.roles or self.ambassadors or self.emails)

    def to_json(self) -> dict[str, Any]:
        return {
            "everyone": self.everyone,
            "departments": list(self.departments),
            "roles": list(self.roles),
            "ambassadors": self.ambassadors,
            "emails": list(self.emails),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        return cls(
            everyone=bool(data.get("everyone")),
            departments=tuple(data.get("departments", ())),
            roles=tuple(data.get("roles", ())),
            ambassadors=bool(data.get("ambassadors")),
            emails=tuple(e.lower() for e in data.get("emails", ())),
        )

    def person_ids(self) -> Select[tuple[int]]:
        """A SELECT of the ids of everyone in the audience (erased and deactivated people excluded)."""
        query = select(Person.id).where(Person.email.is_not(None), Person.active.is_(True))
        if self.everyone:
            return query
        conditions = []
        if self.departments:
            conditions.append(Person.department.in_(self.departments))
        if self.roles:
            conditions.append(Person.role.in_(self.roles))
        if self.ambassadors:
            conditions.append(Person.is_ambassador.is_(True))
        if self.emails:
            conditions.append(Person.email.in_(self.emails))
        return query.where(or_(*conditions) if conditions else false())

    def vouched_ids(self) -> Select[tuple[int]]:
        """Only the people in the audience whom HR imported or a platform verified: anyone can
        make up web chat people, and their answers must not make a survey look k-anonymous."""
        verified = exists().where(Identity.person_id == Person.id, Identity.platform.in_(VERIFYING_PLATFORMS))
        return self.person_ids().where(or_(Person.imported_at.is_not(None), verified))
