"""A person's say over when Stafet writes: quiet hours, campaign messages off or on, and their
own send window and working days.

The delivery worker reads these at send time (bot/delivery/policy.py) and the campaign planner
when it places a nudge: a message due in quiet hours waits until they end, an opted-out person
gets no campaign messages, and a person's own window and days come before the campaign's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.cadence import parse_days
from bot.runtime.errors import UserFacingError
from storage.models import DeliveryPreference
from storage.repositories.preferences import PreferenceRepository

_TIME = r"\d{1,2}(?:[:.]\d{2})?"
_SPAN = re.compile(rf"^({_TIME})\s*[-–]\s*({_TIME})$")
_HOURS = re.compile(rf"^({_TIME}\s*[-–]\s*{_TIME})(?:\s+(\S.*))?$")


def parse_span(text: str) -> tuple[time, time] | None:
    """Read "17:00-08:00", "17-8" or "17.30–7.45" as (start, end); None if not two different times."""
    found = _SPAN.match(text.strip())
    if found is None:
        return None
    start, end = (_time(part) for part in found.groups())
    if start is None or end is None or start == end:
        return None
    return start, end


def canonical_days(text: str, names: Mapping[str, str]) -> str | None:
    """Days such as "man-tor" or "mandag, onsdag" as the campaigns write them ("mon-thu",
    "mon,wed"), `names` mapping each word a person may use to its English short form."""
    parts = re.split(r"([,\-–])", re.sub(r"[\s.]+", "", text.lower()))
    canonical = "".join(
        "-" if part == "–" else part if part in ",-" else names.get(part, "?") for part in parts if part
    )
    try:
        parse_days(canonical)
    except UserFacingError:
        return None
    return canonical


class PreferenceService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = PreferenceRepository(session)

    async def current(self, person_id: int) -> DeliveryPreference | None:
        return await self.repository.get(person_id)

    async def set_quiet(self, person_id: int, span: str | None) -> DeliveryPreference:
        """Quiet hours from "17:00-08:00" (may span midnight), or none with None."""
        moments = parse_span(span) if span is not None else None
        if span is not None and moments is None:
            raise UserFacingError("quiet.invalid")
        preference = await self.repository.for_person(person_id)
        preference.quiet_start, preference.quiet_end = (
            (moments[0].strftime("%H:%M"), moments[1].strftime("%H:%M")) if moments else (None, None)
        )
        return preference

    async def set_campaign_messages(self, person_id: int, *, on: bool) -> None:
        """Off drops campaign messages already planned at send time and plans no new ones."""
        (await self.repository.for_person(person_id)).opted_out = not on

    async def set_hours(
        self, person_id: int, text: str | None, day_names: Mapping[str, str]
    ) -> DeliveryPreference:
        """A window within one day and, optionally, working days ("09:00-14:00 man-tor"); the
        days stay as they were when only the window is given, and the window when only days are
        ("hverdage"). None goes back to the campaign's."""
        preference = await self.repository.for_person(person_id)
        if text is None:
            preference.window_start = preference.window_end = preference.working_days = None
            return preference
        if only_days := canonical_days(text.strip(), day_names):
            preference.working_days = only_days
            return preference
        found = _HOURS.match(text.strip())
        span = parse_span(found.group(1)) if found else None
        days = canonical_days(found.group(2), day_names) if found and found.group(2) else None
        if found is None or span is None or span[0] >= span[1] or (found.group(2) and days is None):
            raise UserFacingError("hours.invalid")
        preference.window_start, preference.window_end = (moment.strftime("%H:%M") for moment in span)
        preference.working_days = days or preference.working_days
        return preference


def _time(text: str) -> time | None:
    hour, _, minute = text.replace(".", ":").partition(":")
    if int(hour) > 23 or int(minute or 0) > 59:
        return None
    return time(int(hour), int(minute or 0))
