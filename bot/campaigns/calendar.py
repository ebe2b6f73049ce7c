"""A campaign's occurrences: its cadence between start and end, or per phase around an event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.campaigns.cadence import parse_cadence
from storage.models import Campaign


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One firing of the cadence, as a naive wall time; `id` goes into idempotency keys."""

    id: str
    wall: datetime
    phase: str | None = None


def phases_of(campaign: Campaign) -> list[dict[str, Any]]:
    return list((campaign.phases or {}).get("items", []))


def occurrences(campaign: Campaign, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences with wall times in [start, end), within the campaign's dates and phases."""
    start, end = _clip(campaign.starts_on, campaign.ends_on, start, end)
    phases = phases_of(campaign)
    if not phases or campaign.event_date is None:
        cadence = parse_cadence(campaign.cadence)
        return [Occurrence(wall.isoformat(timespec="minutes"), wall) for wall in cadence.between(start, end)]
    found: list[Occurrence] = []
    for phase in phases:
        first = campaign.event_date + timedelta(days=int(phase["from_day"]))
        last = campaign.event_date + timedelta(days=int(phase["to_day"]))
        lo, hi = _clip(first, last, start, end)
        cadence = parse_cadence(phase.get("cadence") or campaign.cadence)
        found += [
            Occurrence(f"{phase['name']}@{wall.isoformat(timespec='minutes')}", wall, phase["name"])
            for wall in cadence.between(lo, hi)
        ]
    return sorted(found, key=lambda o: (o.wall, o.id))


def _clip(first: date | None, last: date | None, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    if first is not None:
        start = max(start, datetime.combine(first, time()))
    if last is not None:
        end = min(end, datetime.combine(last + timedelta(days=1), time()))
    return start, max(start, end)
