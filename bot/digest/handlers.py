"""Chat side of the daily HR digest: `digest off` / `digest on`, and the job and composer."""

from __future__ import annotations

from bot.delivery.compose import Composer
from bot.digest.jobs import JOBS as DIGEST_JOBS
from bot.digest.jobs import KIND, compose_digest
from bot.digest.render import command_words
from bot.home import HomeSection
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Button, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn
from bot.scheduler import RecurringJob
from storage.repositories.digest import DIGEST_ROLE, DigestRepository

HOME: list[HomeSection] = []
JOBS: list[RecurringJob] = list(DIGEST_JOBS)
COMPOSERS: dict[str, Composer] = {KIND: compose_digest}


def register(router: Router) -> None:
    router.command("digest", digest, help_key="help.command.digest", roles=(DIGEST_ROLE,))
    router.action("digest.off", turn_off)
    router.action("digest.on", turn_on)


async def digest(turn: Turn) -> Reply:
    """`digest off` or `digest on` (words in any of our languages); alone, the current state."""
    wanted = turn.args.strip().lower()
    if wanted in turn.app.catalogue.words("digest.word.off"):
        return await turn_off(turn)
    if wanted in turn.app.catalogue.words("digest.word.on"):
        return await turn_on(turn)
    _hr_only(turn)
    if await DigestRepository(turn.session).opted_out(turn.person.id):
        switch = Button(turn.t("digest.turn_on"), "digest.on", "on")
        return Reply(text=turn.t("digest.state_off"), buttons=(switch,))
    switch = Button(turn.t("digest.turn_off"), "digest.off", "off")
    return Reply(text=turn.t("digest.state_on"), buttons=(switch,))


async def turn_off(turn: Turn) -> Reply:
    return await _switch(turn, opted_out=True)


async def turn_on(turn: Turn) -> Reply:
    return await _switch(turn, opted_out=False)


async def _switch(turn: Turn, *, opted_out: bool) -> Reply:
    _hr_only(turn)
    await DigestRepository(turn.session).set_opted_out(turn.person.id, opted_out)
    if opted_out:
        return Reply(text=turn.t("digest.turned_off", words=command_words(turn.t, "digest.word.on")))
    return Reply(text=turn.t("digest.turned_on"))


def _hr_only(turn: Turn) -> None:
    if turn.person.role != DIGEST_ROLE:
        raise UserFacingError("digest.hr_only")
