"""Chat side of a person's delivery preferences: `quiet` hours and campaign messages (`nudges`)."""

from __future__ import annotations

from bot.people.delivery_preferences import PreferenceService
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Button, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn

EVENINGS = "17:00-08:00"


def register(router: Router) -> None:
    router.command("quiet", quiet, help_key="help.command.quiet")
    router.command("nudges", nudges, help_key="help.command.nudges")
    router.action("people.quiet", set_quiet)
    router.action("people.nudges", set_nudges)


async def quiet(turn: Turn) -> Reply:
    """`quiet 17:00-08:00` or `quiet off`; alone, the current quiet hours."""
    wanted = turn.args.strip().lower()
    if wanted:
        return await _set_quiet(turn, wanted)
    preference = await PreferenceService(turn.session).current(turn.person.id)
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
    off = wanted in turn.app.catalogue.words("preferences.word.off")
    preference = await PreferenceService(turn.session).set_quiet(turn.person.id, None if off else wanted)
    if preference.quiet_start is None or preference.quiet_end is None:
        return Reply(text=turn.t("quiet.turned_off"))
    return Reply(text=turn.t("quiet.set", **_span(turn, preference.quiet_start, preference.quiet_end)))


async def nudges(turn: Turn) -> Reply:
    """`nudges off` or `nudges on`; alone, whether campaign messages come, with the switch."""
    wanted = turn.args.strip().lower()
    if wanted in turn.app.catalogue.words("preferences.word.off"):
        return await _switch(turn, on=False)
    if wanted in turn.app.catalogue.words("preferences.word.on"):
        return await _switch(turn, on=True)
    if wanted:
        raise UserFacingError("nudges.usage")
    preference = await PreferenceService(turn.session).current(turn.person.id)
    off = preference is not None and preference.opted_out
    state, switch, value = ("state_off", "turn_on", "on") if off else ("state_on", "turn_off", "off")
    return Reply(
        text=turn.t(f"nudges.{state}"), buttons=(Button(turn.t(f"nudges.{switch}"), "people.nudges", value),)
    )


async def set_nudges(turn: Turn) -> Reply:
    return await _switch(turn, on=turn.event.value != "off")


async def _switch(turn: Turn, *, on: bool) -> Reply:
    await PreferenceService(turn.session).set_campaign_messages(turn.person.id, on=on)
    return Reply(text=turn.t("nudges.turned_on" if on else "nudges.turned_off"))


def _span(turn: Turn, start: str, end: str) -> dict[str, str]:
    return {"start": start, "end": end, "zone": turn.person.timezone or turn.app.settings.default_timezone}
