"""Bolt listeners: translate, store, ack, then run the turn in the background."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import people, translate
from bot.adapters.slack.inbox import SlackInbox
from bot.adapters.slack.translate import Interaction
from bot.adapters.slack.turns import SlackTurns

log = logging.getLogger(__name__)
COMMAND = "/stafet"
Clients = Callable[[str], Awaitable[AsyncWebClient]]  # a workspace's client, for stored turns


class BackgroundWork:
    """Turns running after their ack; kept referenced, and awaited on shutdown and in tests.

    At most `limit` ordinary turns run at once, so a burst queues here instead of timing out
    in the database pool; `urgent` work (a command, shortcut or form button, whose trigger id
    expires in 3 s) skips the queue. Acks come first: an ordinary turn starts once no request is
    being acknowledged, or after `patience` seconds, so a burst is acked well inside Slack's 3 s
    and its stored turns follow.
    """

    def __init__(self, limit: int = 4, patience: float = 1.0) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(limit)
        self._patience = patience
        self._acking = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    @contextlib.contextmanager
    def acking(self) -> Iterator[None]:
        """Around one request to /slack/events, from its arrival to its ack."""
        self._acking += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._acking -= 1
            if not self._acking:
                self._quiet.set()

    def spawn(self, work: Awaitable[None], *, urgent: bool = False) -> None:
        task = asyncio.ensure_future(self._guard(work) if urgent else self._queued(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _queued(self, work: Awaitable[None]) -> None:
        async with self._slots:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._quiet.wait(), self._patience)
            await self._guard(work)

    @staticmethod
    async def _guard(work: Awaitable[None]) -> None:
        try:
            await work
        except Exception:
            log.exception("Slack turn failed after its ack")


@dataclass(frozen=True, slots=True)
class Surface:
    """A kind of request: how it becomes an interaction, and whether it opens a modal (whose
    trigger id expires in 3 s, so it skips the queue)."""

    parse: Callable[[dict[str, Any]], Interaction | None]
    urgent: bool = False
    opens_form: bool = False


SURFACES = {
    "message": Surface(translate.message_im),
    "app_home_opened": Surface(translate.app_home_opened),
    "command": Surface(translate.slash_command, urgent=True),
    "shortcut": Surface(translate.shortcut, urgent=True),
    "view_submission": Surface(translate.view_submission),
    "form_button": Surface(translate.block_action, urgent=True, opens_form=True),
    "block_action": Surface(translate.block_action),
}


@dataclass(frozen=True, slots=True)
class Stored:
    entry_id: int
    surface: Surface
    interaction: Interaction


class Inbound:
    """Every request is stored before its ack and run after it; what a dead process stored is
    run from the store."""

    def __init__(self, turns: SlackTurns, inbox: SlackInbox, work: BackgroundWork, clients: Clients) -> None:
        self.turns = turns
        self.inbox = inbox
        self.work = work
        self.clients = clients

    async def store(self, kind: str, body: dict[str, Any]) -> Stored | None:
        """None for what is no turn, and for a repeat of a stored request."""
        surface = SURFACES[kind]
        interaction = surface.parse(body)
        if interaction is None:
            return None
        entry_id = await self.inbox.store(interaction.dedup_key, kind, json.dumps(body))
        return None if entry_id is None else Stored(entry_id, surface, interaction)

    def start(self, stored: Stored, client: AsyncWebClient) -> None:
        turn = self.turns.run(
            stored.entry_id, stored.interaction, client, opens_form=stored.surface.opens_form
        )
        self.work.spawn(turn, urgent=stored.surface.urgent)

    async def resume(self, *, orphans: bool = False) -> int:
        """Start the stored turns that are due: retries, and those of a process that died."""
        claimed = await self.inbox.claim(orphans=orphans)
        for entry in claimed:
            surface = SURFACES[entry.kind]
            interaction = surface.parse(json.loads(entry.payload))
            assert interaction is not None  # it was stored because it parsed
            client = await self.clients(interaction.event.address.workspace_id)
            self.start(Stored(entry.id, surface, interaction), client)
        return len(claimed)

    async def resume_forever(self, interval: float, *, orphans: bool) -> None:
        while True:
            try:
                await self.resume(orphans=orphans)
            except Exception:
                log.exception("resuming stored Slack turns failed")
            orphans = False
            await asyncio.sleep(interval)


def register(bolt: AsyncApp, inbound: Inbound) -> None:
    """Every surface: DMs, App Home, /stafet, both shortcuts, clicks and modal submissions."""

    def listener(kind: str) -> Callable[..., Awaitable[None]]:
        async def store_ack_run(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
            stored = await inbound.store(kind, body)
            await ack()
            if stored is not None:
                inbound.start(stored, client)

        return store_ack_run

    bolt.event("message")(listener("message"))
    bolt.event("app_home_opened")(listener("app_home_opened"))

    async def member(ack: AsyncAck, body: dict[str, Any]) -> None:
        """team_join and user_change keep the directory current between daily syncs (a lost one
        is caught up by the next sync, so these are not stored before their ack)."""
        await ack()
        user = (body.get("event") or {}).get("user")
        if isinstance(user, dict):
            team = body.get("team_id") or user.get("team_id", "")
            inbound.work.spawn(people.member_changed(inbound.turns.context, team, user))

    bolt.event("team_join")(member)
    bolt.event("user_change")(member)

    async def command(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Used outside the DM, /stafet says (only to the person) where the answer went."""
        stored = await inbound.store("command", body)
        turns = inbound.turns
        in_dm = turns.directory.known_dm(body.get("team_id", ""), body.get("user_id", ""))
        if in_dm == body.get("channel_id"):
            await ack()
        else:
            await ack(
                text=turns.context.catalogue.text(turns.context.settings.default_language, "slack.in_dm")
            )
        if stored is not None:
            inbound.start(stored, client)

    bolt.command(COMMAND)(command)
    bolt.shortcut(translate.GLOBAL_SHORTCUT)(listener("shortcut"))
    bolt.shortcut(translate.MESSAGE_SHORTCUT)(listener("shortcut"))
    bolt.view_submission(translate.FORM_CALLBACK)(listener("view_submission"))
    bolt.action(_encoded(translate.FORM_BUTTON))(listener("form_button"))
    bolt.action(_any_other_action())(listener("block_action"))


def _encoded(action: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(action)}#\d+$")


def _any_other_action() -> re.Pattern[str]:
    return re.compile(rf"^(?!{re.escape(translate.FORM_BUTTON)}#).+")
