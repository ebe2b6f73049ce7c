"""A person's say over when Stafet writes: quiet hours, and campaign messages off or on.

The delivery worker reads these at send time (bot/delivery/policy.py): a message due in quiet
hours waits until they end, and an opted-out person gets no campaign messages at all.
"""

from __future__ import annotations

import re
from datetime import time

from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Button, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn
from storage.repositories.preferences import PreferenceRepository

EVENINGS = "17:00-08:00"
_SPAN = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*[-–]\s*(\d{1,2})(?:[:.](\d{2}))?$")


def register(router: Router) -> None:
    router.command("quiet", quiet, help_key="help.command.quiet")
    router.command("nudges", nudges, help_key="help.command.nudges")
    router.action("people.quiet", set_quiet)
    router.action("people.nudges", set_nudges)


def parse_span(text: str) -> tuple[time, time] | None:
    """Read "17:00-08:00", "17-8" or "17.30–7.45" as (start, end); None if not two different times."""
    found = _SPAN.match(text.strip())
    if found is None:
        return None
    hour1, minute1, hour2, minute2 = (int(part or 0) for part in found.groups())
    if hour1 > 23 or hour2 > 23 or minute1 > 59 or minute2 > 59:
        return None
    start, end = time(hour1, minute1), time(hour2, minute2)
    return None if start == end else (start, end)


async def quiet(turn: Turn) -> Reply:
    """`quiet 17:00-08:00` or `quiet off`; alone, the current quiet hours."""
    wanted = turn.args.strip().lower()
    if wanted:
        return await _set_quiet(turn, wanted)
    preference = await PreferenceRepository(turn.session).get(turn.person.id)
    if preference is not None and preference.quiet_start and preference.quiet_end:
        return Reply(
            text=turn.t("quiet.state_on", **_span(turn, preference.quiet_start, preference.quiet_end)),
            buttons=(Button(turn.t("quiet.turn_off"), "people.quiet", "off"),),
        )
    return Reply(
        text=turn.t("quiet.state_off"),
        buttons=(Button(turn.t("quiet.evenings"), "people.quiet", EVENINGS),),
    )


async def set_quiet(turn: Turn) -> Reply:
    return await _set_quiet(turn, turn.event.value)


async def _set_quiet(turn: Turn, wanted: str) -> Reply:
    repository = PreferenceRepository(turn.session)
    if wanted in turn.app.catalogue.words("preferences.word.off"):
        preference = await repository.for_person(turn.person.id)
        preference.quiet_start = preference.quiet_end = None
        return Reply(text=turn.t("quiet.turned_off"))
    span = parse_span(wanted)
    if span is None:
        raise UserFacingError("quiet.invalid")
    preference = await repository.for_person(turn.person.id)
    preference.quiet_start, preference.quiet_end = (moment.strftime("%H:%M") for moment in span)
    return Reply(text=turn.t("quiet.set", **_span(turn, preference.quiet_start, preference.quiet_end)))


async def nudges(turn: Turn) -> Reply:
    """`nudges off` or `nudges on`; alone, whether campaign messages come, with the switch."""
    wanted = turn.args.strip().lower()
    if wanted in turn.app.catalogue.words("preferences.word.off"):
        return await _switch(turn, opted_out=True)
    if wanted in turn.app.catalogue.words("preferences.word.on"):
        return await _switch(turn, opted_out=False)
    if wanted:
        raise UserFacingError("nudges.usage")
    preference = await PreferenceRepository(turn.session).get(turn.person.id)
    off = preference is not None and preference.opted_out
    state, switch, value = ("state_off", "turn_on", "on") if off else ("state_on", "turn_off", "off")
    return Reply(
        text=turn.t(f"nudges.{state}"), buttons=(Button(turn.t(f"nudges.{switch}"), "people.nudges", value),)
    )


async def set_nudges(turn: Turn) -> Reply:
    return await _switch(turn, opted_out=turn.event.value == "off")


async def _switch(turn: Turn, *, opted_out: bool) -> Reply:
    """Off drops campaign messages already planned at send time and plans no new ones."""
    (await PreferenceRepository(turn.session).for_person(turn.person.id)).opted_out = opted_out
    return Reply(text=turn.t("nudges.turned_off" if opted_out else "nudges.turned_on"))


def _span(turn: Turn, start: str, end: str) -> dict[str, str]:
    return {"start": start, "end": end, "zone": turn.person.timezone or turn.app.settings.default_timezone}
