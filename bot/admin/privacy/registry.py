"""A small registry: every feature that stores personal data adds one `PersonalData` entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person

Exporter = Callable[[AsyncSession, Person], Awaitable[Any]]
Eraser = Callable[[AsyncSession, Person], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class PersonalData:
    """One section of a person's export, and how to erase it (returns how many rows it touched)."""

    name: str
    export: Exporter
    erase: Eraser


async def export_person(
    sections: Sequence[PersonalData], session: AsyncSession, person: Person
) -> dict[str, Any]:
    return {section.name: await section.export(session, person) for section in sections}


async def erase_person(
    sections: Sequence[PersonalData], session: AsyncSession, person: Person
) -> dict[str, int]:
    """Erase in reverse order so that the person row itself (listed first) goes last."""
    counts: dict[str, int] = {}
    for section in reversed(sections):
        counts[section.name] = await section.erase(session, person)
        await session.flush()
    return counts
