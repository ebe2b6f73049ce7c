"""Chat commands about oneself: which language the bot speaks to me in, and when it writes."""

from __future__ import annotations

from bot.config import LANGUAGES
from bot.delivery.compose import Composer
from bot.home import HomeSection
from bot.people import preferences, working_hours
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Choice, Option, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn
from bot.scheduler import RecurringJob

HOME: list[HomeSection] = []
JOBS: list[RecurringJob] = []
COMPOSERS: dict[str, Composer] = {}


def register(router: Router) -> None:
    router.command("language", choose_language, help_key="help.command.language", menu=True)
    router.action("people.language", set_language)
    preferences.register(router)
    working_hours.register(router)


async def choose_language(turn: Turn) -> Reply:
    wanted = turn.args.strip().lower()
    if wanted:
        return await _switch(turn, wanted)
    options = tuple(Option(turn.t(f"language.{code}"), code) for code in LANGUAGES)
    return Reply(text=turn.t("language.prompt"), choice=Choice("people.language", options))


async def set_language(turn: Turn) -> Reply:
    return await _switch(turn, turn.event.value)


async def _switch(turn: Turn, code: str) -> Reply:
    if code not in LANGUAGES:
        raise UserFacingError("language.unknown", choices=", ".join(LANGUAGES))
    turn.person.language = code
    turn.language = code
    return Reply(text=turn.t("language.changed", language=turn.t(f"language.{code}")))
