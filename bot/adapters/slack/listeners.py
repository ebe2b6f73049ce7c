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

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltRequest
from slack_bolt.request.internals import parse_body
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

    async def store(self, kind: str, request: AsyncBoltRequest) -> Stored | None:
        """None for what is no turn, and for a repeat of a stored request."""
        surface = SURFACES[kind]
        interaction = surface.parse(request.body)
        if interaction is None:
            return None
        entry_id = await self.inbox.store(interaction.dedup_key, kind, _payload(request))
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
            interaction = surface.parse(parse_body(entry.payload, None))
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
    """Every surface: DMs, App Home, /stafet, both shortcuts, clicks and modal submissions.

    Bolt tries its listeners in order, each match costing as much as a small request: the
    frequent kinds (DMs, clicks) come first, and kinds that differ only by id share a listener."""

    def listener(kind: Callable[[dict[str, Any]], str]) -> Callable[..., Awaitable[None]]:
        async def store_ack_run(ack: AsyncAck, request: AsyncBoltRequest, client: AsyncWebClient) -> None:
            stored = await inbound.store(kind(request.body), request)
            await ack()
            if stored is not None:
                inbound.start(stored, client)

        return store_ack_run

    def always(kind: str) -> Callable[[dict[str, Any]], str]:
        return lambda _body: kind

    bolt.event("message")(listener(always("message")))
    bolt.action(re.compile(".+"))(listener(_action_kind))
    bolt.view_submission(translate.FORM_CALLBACK)(listener(always("view_submission")))

    async def command(ack: AsyncAck, request: AsyncBoltRequest, client: AsyncWebClient) -> None:
        """Used outside the DM, /stafet says (only to the person) where the answer went."""
        stored = await inbound.store("command", request)
        body = request.body
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
    shortcuts = _one_of(translate.GLOBAL_SHORTCUT, translate.MESSAGE_SHORTCUT)
    bolt.shortcut(shortcuts)(listener(always("shortcut")))
    bolt.event("app_home_opened")(listener(always("app_home_opened")))

    async def member(ack: AsyncAck, body: dict[str, Any]) -> None:
        """team_join and user_change keep the directory current between daily syncs (a lost one
        is caught up by the next sync, so these are not stored before their ack)."""
        await ack()
        user = (body.get("event") or {}).get("user")
        if isinstance(user, dict):
            team = body.get("team_id") or user.get("team_id", "")
            inbound.work.spawn(people.member_changed(inbound.turns.context, team, user))

    bolt.event(_one_of("team_join", "user_change"))(member)


def _payload(request: AsyncBoltRequest) -> str:
    """What is stored: the request's own text where it reads back as bolt parsed it (over HTTP;
    encoding the parsed body again would cost as much as the rest of the ack), else the parsed
    body as JSON (Socket Mode)."""
    raw = request.raw_body
    if raw and (raw.startswith("{") or request.content_type != "application/json"):
        return raw
    return json.dumps(request.body)


def _action_kind(body: dict[str, Any]) -> str:
    """A form button opens its modal at once; any other click is an ordinary turn."""
    action_id = body["actions"][0]["action_id"]
    return "form_button" if _FORM_BUTTON.match(action_id) else "block_action"


_FORM_BUTTON = re.compile(rf"^{re.escape(translate.FORM_BUTTON)}#\d+$")


def _one_of(*names: str) -> re.Pattern[str]:
    return re.compile("^(?:" + "|".join(re.escape(name) for name in names) + ")$")
