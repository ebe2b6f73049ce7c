"""Send-time rules: a row due now may still have to wait (quiet hours, out of office) or go
(opted out). Features add their own gates (a paused campaign, a person outside their window)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from storage.lists import one_of
from storage.models import DeliveryPreference, OutboxMessage, Person


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with a due row instead of sending it now."""

    action: Literal["drop", "defer", "hold"]
    until: datetime | None = None
    reason: str = ""


_CACHE = "delivery_preferences"
OUT_OF_OFFICE = "out of office"
DEACTIVATED = "deactivated"

# (session, row, person, now, app) -> None to let it through, or a Decision. A gate runs each
# time a row is claimed (again after a 429 or a crash), so it decides and never counts anything.
Gate = Callable[[AsyncSession, OutboxMessage, Person, datetime, AppContext], Awaitable[Decision | None]]

# (session, rows just recorded as sent, now, app): what a sent message changes happens here, once.
AfterSent = Callable[[AsyncSession, Sequence[OutboxMessage], datetime, AppContext], Awaitable[None]]


async def person_gate(
    session: AsyncSession, row: OutboxMessage, person: Person, now: datetime, app: AppContext
) -> Decision | None:
    """Opted-out people get no planned messages; quiet hours defer everything. Out of office
    drops planned messages (no pile of stale nudges on the first day back) and defers the rest.
    Nothing at all goes to someone the identity provider deactivated."""
    if not person.active:
        return Decision("drop", reason=DEACTIVATED)
    preference = await preference_of(session, person.id)
    if preference is None:
        return None
    if preference.opted_out and row.campaign_id is not None:
        return Decision("drop", reason="opted out")
    if preference.away_until is not None and preference.away_until > now:
        if row.campaign_id is not None:
            return Decision("drop", reason=OUT_OF_OFFICE)
        return Decision("defer", preference.away_until, OUT_OF_OFFICE)
    if preference.quiet_start and preference.quiet_end:
        zone = _zone(person.timezone, app.settings.default_timezone)
        end = quiet_until(
            now, zone, time.fromisoformat(preference.quiet_start), time.fromisoformat(preference.quiet_end)
        )
        if end is not None:
            return Decision("defer", end, "quiet hours")
    return None


async def preload_preferences(session: AsyncSession, person_ids: list[int]) -> None:
    """Load a batch's preferences in one query; `preference_of` then answers from memory."""
    cache = session.info.setdefault(_CACHE, {})
    found = await session.scalars(
        select(DeliveryPreference).where(one_of(session, DeliveryPreference.person_id, person_ids))
    )
    cache.update(dict.fromkeys(person_ids))
    cache.update({p.person_id: p for p in found})


async def preference_of(session: AsyncSession, person_id: int) -> DeliveryPreference | None:
    cache = session.info.setdefault(_CACHE, {})
    if person_id not in cache:
        cache[person_id] = await session.get(DeliveryPreference, person_id)
    return cache[person_id]


def quiet_until(now: datetime, zone: ZoneInfo, start: time, end: time) -> datetime | None:
    """When the quiet period around `now` ends (UTC), or None outside it; may span midnight."""
    local = now.astimezone(zone)
    clock = local.time()
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


def _zone(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (KeyError, ValueError):
        return ZoneInfo(fallback)
