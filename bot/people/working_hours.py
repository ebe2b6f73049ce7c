"""`hours`: a person's own send window and working days, which come before the campaign's.

Days are typed in the person's language ("man-tor") and stored as the campaigns store them
("mon-thu"), so the planner and the send-time gate read them with no translation.
"""

from __future__ import annotations

import re

from bot.campaigns.cadence import DAYS, parse_days
from bot.people.preferences import parse_span
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Button, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn
from storage.models import DeliveryPreference
from storage.repositories.preferences import PreferenceRepository

_HOURS = re.compile(r"^(\d{1,2}(?:[:.]\d{2})?\s*[-–]\s*\d{1,2}(?:[:.]\d{2})?)(?:\s+(\S.*))?$")


def register(router: Router) -> None:
    router.command("hours", hours, help_key="help.command.hours")
    router.action("people.hours", clear_hours)


async def hours(turn: Turn) -> Reply:
    """`hours 09:00-14:00 mon-thu`, `hours 9-14` (days kept) or `hours off`; alone, the current ones."""
    wanted = turn.args.strip().lower()
    if wanted in turn.app.catalogue.words("preferences.word.off"):
        return await clear_hours(turn)
    if wanted:
        return await _set(turn, wanted)
    preference = await PreferenceRepository(turn.session).get(turn.person.id)
    if preference is None or not (preference.window_start and preference.window_end):
        return Reply(text=turn.t("hours.state_default"))
    return Reply(
        text=turn.t("hours.state_own", **_described(turn, preference)),
        buttons=(Button(turn.t("hours.use_campaign"), "people.hours", "off"),),
    )


async def clear_hours(turn: Turn) -> Reply:
    preference = await PreferenceRepository(turn.session).for_person(turn.person.id)
    preference.window_start = preference.window_end = preference.working_days = None
    return Reply(text=turn.t("hours.cleared"))


async def _set(turn: Turn, wanted: str) -> Reply:
    found = _HOURS.match(wanted)
    span = parse_span(found.group(1)) if found else None
    if found is None or span is None or span[0] >= span[1]:
        raise UserFacingError("hours.invalid")
    days = None
    if found.group(2):
        days = _canonical_days(turn, found.group(2))
        if days is None:
            raise UserFacingError("hours.invalid")
    preference = await PreferenceRepository(turn.session).for_person(turn.person.id)
    preference.window_start, preference.window_end = (moment.strftime("%H:%M") for moment in span)
    preference.working_days = days or preference.working_days
    return Reply(text=turn.t("hours.set", **_described(turn, preference)))


def _canonical_days(turn: Turn, text: str) -> str | None:
    """Days such as "man-tor", "mandag, onsdag" or "hverdage", in any of our languages, as the
    campaigns write them ("mon-thu", "mon,wed", "mon-fri"); None if a word is not a day."""
    catalogue = turn.app.catalogue
    names = dict.fromkeys(catalogue.words("preferences.weekdays"), "mon-fri")
    for key in ("preferences.days", "preferences.day_names"):
        for variant in catalogue.variants(key).values():
            names.update(zip(variant.lower().split("|"), DAYS, strict=True))
    parts = re.split(r"([,\-–])", re.sub(r"[\s.]+", "", text.lower()))
    canonical = "".join(
        "-" if part == "–" else part if part in ",-" else names.get(part, "?") for part in parts if part
    )
    try:
        parse_days(canonical)
    except UserFacingError:
        return None
    return canonical


def _described(turn: Turn, preference: DeliveryPreference) -> dict[str, str]:
    """The window and days in the person's words, e.g. "man-tor", "09:00", "14:00"."""
    local = dict(zip(DAYS, turn.t("preferences.days").split("|"), strict=True))
    days = preference.working_days
    shown = re.sub(r"[a-z]+", lambda day: local[day.group()], days) if days else turn.t("hours.campaign_days")
    return {
        "days": shown,
        "start": preference.window_start or "",
        "end": preference.window_end or "",
        "zone": turn.person.timezone or turn.app.settings.default_timezone,
    }
