"""The ambassador registry, managed from the command line (and later the dashboard)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.people.emails import normalised_email
from storage.models import Ambassador, ConversationRef, Person
from storage.repositories.people import PeopleRepository
from storage.repositories.questions import QuestionRepository


class RegistryError(ValueError):
    """A registry change that cannot be made; the message is one line for a person."""


@dataclass(frozen=True, slots=True)
class Profile:
    """What may be set on an ambassador; None leaves a value as it is."""

    topics: dict[str, int] | None = None
    languages: list[str] | None = None
    department: str | None = None
    hours: str | None = None  # "08:00-16:00"
    timezone: str | None = None
    cap: int | None = None
    status: str | None = None
    back_on: date | None = None  # with status out: the first day back


def parse_topics(values: list[str]) -> dict[str, int]:
    """`security:3` or `security` (proficiency 2) per value."""
    topics = {}
    for value in values:
        name, _, level = value.partition(":")
        if level and level not in ("1", "2", "3"):
            raise RegistryError(f"proficiency of {name} must be 1, 2 or 3, got {level}")
        topics[name.strip().lower()] = int(level or 2)
    return topics


async def save(
    session: AsyncSession, email: str, profile: Profile, now: datetime, *, create: bool
) -> Ambassador:
    try:
        email = normalised_email(email)
    except ValueError as error:
        raise RegistryError(str(error)) from None
    people = PeopleRepository(session)
    person = await people.by_email(email)
    if person is None and create:
        person = await people.add_person(now, email=email, display_name=email.split("@")[0])
    if person is None:
        raise RegistryError(f"no person with the email {email}")
    ambassador = await QuestionRepository(session).ambassador(person.id)
    if ambassador is None:
        if not create:
            raise RegistryError(f"{email} is not an ambassador")
        ambassador = Ambassador(person_id=person.id, topics={}, languages=[], department=person.department)
        session.add(ambassador)
    person.is_ambassador = True
    _apply(ambassador, profile, person)
    await session.flush()
    return ambassador


def _apply(ambassador: Ambassador, profile: Profile, person: Person) -> None:
    if profile.topics is not None:
        ambassador.topics = {**ambassador.topics, **profile.topics}
    if profile.languages is not None:
        ambassador.languages = list(profile.languages)
    if profile.department is not None:
        ambassador.department = person.department = profile.department
    if profile.timezone is not None:
        try:
            ZoneInfo(profile.timezone)
        except Exception:
            raise RegistryError(f"unknown time zone {profile.timezone}") from None
        ambassador.timezone = profile.timezone
    if profile.hours is not None:
        start, _, end = profile.hours.partition("-")
        try:
            if time.fromisoformat(start) >= time.fromisoformat(end):
                raise ValueError
        except ValueError:
            raise RegistryError(f"hours must look like 08:00-16:00, got {profile.hours}") from None
        ambassador.work_start, ambassador.work_end = start, end
    if profile.cap is not None:
        ambassador.cap = profile.cap
    if profile.status is not None:
        if profile.status not in ("available", "away", "out"):
            raise RegistryError("status must be available, away or out")
        ambassador.status, ambassador.away_until = profile.status, None
        if profile.back_on is not None:
            ambassador.away_until = datetime.combine(profile.back_on, time(0), ZoneInfo(ambassador.timezone))


async def retire(session: AsyncSession, email: str) -> Person:
    """No longer an ambassador; the caller moves on the questions they held (`held_by`)."""
    person = await PeopleRepository(session).by_email(email)
    ambassador = await QuestionRepository(session).ambassador(person.id) if person else None
    if person is None or ambassador is None:
        raise RegistryError(f"{email} is not an ambassador")
    await session.delete(ambassador)
    person.is_ambassador = False
    await session.flush()
    return person


async def set_group(
    session: AsyncSession, platform: str, workspace: str, conversation: str, now: datetime
) -> ConversationRef:
    """The ambassadors' channel or team chat that escalated questions go to."""
    old = await QuestionRepository(session).group()
    if old is not None:
        old.kind = "channel"
    ref = await PeopleRepository(session).remember_conversation(
        platform=platform, workspace_id=workspace, conversation_id=conversation, identity_id=None, now=now
    )
    ref.kind = "ambassadors"
    await session.flush()
    return ref
