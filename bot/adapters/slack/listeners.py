"""Bolt listeners: translate, ack at once, run the turn in the background."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import people, translate
from bot.adapters.slack.render import unpack_form
from bot.adapters.slack.turns import SlackTurns

log = logging.getLogger(__name__)
COMMAND = "/stafet"


class BackgroundWork:
    """Turns running after their ack; kept referenced, and awaited on shutdown and in tests.

    At most `limit` ordinary turns run at once, so a burst queues here instead of timing out
    in the database pool; `urgent` work (a command, shortcut or form button, whose trigger id
    expires in 3 s) skips the queue.
    """

    def __init__(self, limit: int = 4) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(limit)

    def spawn(self, work: Awaitable[None], *, urgent: bool = False) -> None:
        task = asyncio.ensure_future(self._guard(work) if urgent else self._queued(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _queued(self, work: Awaitable[None]) -> None:
        async with self._slots:
            await self._guard(work)

    @staticmethod
    async def _guard(work: Awaitable[None]) -> None:
        try:
            await work
        except Exception:
            log.exception("Slack turn failed after its ack")


def register(bolt: AsyncApp, turns: SlackTurns, work: BackgroundWork) -> None:
    """Every surface: DMs, App Home, /stafet, both shortcuts, clicks and modal submissions."""

    def later(
        parse: Callable[[dict[str, Any]], translate.Interaction | None], *, urgent: bool = False
    ) -> Callable[..., Awaitable[None]]:
        async def listener(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
            await ack()
            interaction = parse(body)
            if interaction is not None:
                work.spawn(turns.handle(interaction, client), urgent=urgent)

        return listener

    bolt.event("message")(later(translate.message_im))
    bolt.event("app_home_opened")(later(translate.app_home_opened))

    async def member(ack: AsyncAck, body: dict[str, Any]) -> None:
        """team_join and user_change keep the directory current between daily syncs."""
        await ack()
        user = (body.get("event") or {}).get("user")
        if isinstance(user, dict):
            work.spawn(
                people.member_changed(turns.context, body.get("team_id") or user.get("team_id", ""), user)
            )

    bolt.event("team_join")(member)
    bolt.event("user_change")(member)

    async def command(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Used outside the DM, /stafet says (only to the person) where the answer went."""
        in_dm = turns.directory.known_dm(body.get("team_id", ""), body.get("user_id", ""))
        if in_dm == body.get("channel_id"):
            await ack()
        else:
            await ack(
                text=turns.context.catalogue.text(turns.context.settings.default_language, "slack.in_dm")
            )
        work.spawn(turns.handle(translate.slash_command(body), client), urgent=True)

    bolt.command(COMMAND)(command)
    # Shortcuts exist to open a form, whose trigger id expires in 3 s: they skip the queue.
    bolt.shortcut(translate.GLOBAL_SHORTCUT)(later(translate.shortcut, urgent=True))
    bolt.shortcut(translate.MESSAGE_SHORTCUT)(later(translate.shortcut, urgent=True))
    bolt.view_submission(translate.FORM_CALLBACK)(later(translate.view_submission))

    async def open_form(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        interaction = translate.block_action(body)
        work.spawn(turns.open_form(interaction, unpack_form(interaction.event.value), client), urgent=True)

    bolt.action(_encoded(translate.FORM_BUTTON))(open_form)
    bolt.action(_any_other_action())(later(translate.block_action))


def _encoded(action: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(action)}#\d+$")


def _any_other_action() -> re.Pattern[str]:
    return re.compile(rf"^(?!{re.escape(translate.FORM_BUTTON)}#).+")
