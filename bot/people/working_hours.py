"""`hours`: a person's own send window and working days, which come before the campaign's.

Days are typed in the person's language ("man-tor") and stored as the campaigns store them
("mon-thu"), so the planner and the send-time gate read them with no translation.
"""

from __future__ import annotations

import re

from bot.campaigns.cadence import DAYS
from bot.people.delivery_preferences import PreferenceService
from bot.runtime.replies import Button, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn
from storage.models import DeliveryPreference


def register(router: Router) -> None:
    router.command("hours", hours, help_key="help.command.hours")
    router.action("people.hours", clear_hours)


async def hours(turn: Turn) -> Reply:
    """`hours 09:00-14:00 mon-thu`, `hours 9-14` (days kept) or `hours off`; alone, the current ones."""
    wanted = turn.args.strip().lower()
    if wanted in turn.app.catalogue.words("preferences.word.off"):
        return await clear_hours(turn)
    service = PreferenceService(turn.session)
    if wanted:
        preference = await service.set_hours(turn.person.id, wanted, _day_names(turn))
        key = "hours.set" if preference.window_start else "hours.days_set"
        return Reply(text=turn.t(key, **_described(turn, preference)))
    current = await service.current(turn.person.id)
    if current is None or not (current.window_start and current.window_end):
        return Reply(text=turn.t("hours.state_default"))
    return Reply(
        text=turn.t("hours.state_own", **_described(turn, current)),
        buttons=(Button(turn.t("hours.use_campaign"), "people.hours", "off"),),
    )


async def clear_hours(turn: Turn) -> Reply:
    await PreferenceService(turn.session).set_hours(turn.person.id, None, {})
    return Reply(text=turn.t("hours.cleared"))


def _day_names(turn: Turn) -> dict[str, str]:
    """Every word for a day a person may type, in any of our languages, with "hverdage" & co."""
    catalogue = turn.app.catalogue
    names = dict.fromkeys(catalogue.words("preferences.weekdays"), "mon-fri")
    for key in ("preferences.days", "preferences.day_names"):
        for variant in catalogue.variants(key).values():
            names.update(zip(variant.lower().split("|"), DAYS, strict=True))
    return names


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
